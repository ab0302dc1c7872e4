"""The GPT workload on its own micrograd-style Value (``slots_value.py``): the reference."""

from __future__ import annotations

import gpt
import slots_value

NAME = "micrograd-style Value"
GPT_VALUE = slots_value.Value
GPT_OPS = gpt.OPERATORS
