"""Every limit of an example file, in one place: no file can exhaust the machine.

Each is named in the message that refuses a file over it. The expression limits are
checked on the text before ``ast.parse`` sees it (its tree building recurses, so a deep
enough expression would exhaust its stack); the training limits before anything runs.
"""

MAX_FILE_BYTES = 1_000_000
"""The size of a file."""
MAX_LINE_DOTS = 100
"""Dots on one line of the file, not counting those inside numbers (``0.5``): a dotted key
``a.b.c...`` costs TOML's reader time and memory in the square of its length."""
MAX_NAME_CHARS = 100
"""The length of a leaf's or a step's name."""
MAX_EXPRESSION_CHARS = 10_000
"""The length of one expression."""
MAX_BRACKET_DEPTH = 100
"""Brackets nested inside each other in one expression."""
MAX_DEPTH = 1_000
"""How deep operations nest in one expression: each bracket counts one level, and so does each
operator of an unbracketed chain (``a + b + c`` is 2 deep); ``sum(a, b, c, ...)`` is not."""
MAX_VALUES = 100_000
"""Leaves: ``[values]`` and a ``[network]``'s inputs, weights, biases and targets."""
MAX_STEPS = 10_000
"""Steps: ``[forward]``'s and those a ``[network]`` generates."""
MAX_OPERATIONS = 1_000_000
"""Operations (numbers, names, operators and calls) over all the steps."""
MAX_PRINTED = 1_000
"""Quantities in ``[printed]``."""
MAX_PRINTED_CHARS = 40
"""Characters of one printed number."""
MAX_TRAINING_STEPS = 1_000_000
"""``[train] steps``: the updates run."""
MAX_TRAINING_WORK = 5_000_000
"""``[train] steps``, or the derivatives printed, times the operations of one pass (about 25 s
of work at most)."""
