"""The GPT workload with autograd-lite's one-node sums: ``dot``, ``vsum`` and ``softmax``."""

from __future__ import annotations

import gpt

from autograd_lite import Value

NAME = "autograd-lite (dot, vsum, softmax)"
GPT_VALUE = Value
GPT_OPS = gpt.fused()
