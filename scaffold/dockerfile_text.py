"""Quoting for values that come from the repository and are printed into a Dockerfile.

A package description is free text: a newline in it would start a new
instruction, and a trailing backslash would join the LABEL to the next line
(hadolint and BuildKit then read the rest of the file differently).
"""

from __future__ import annotations

import json
import re

_CONTROL_RUNS = re.compile(r"[\x00-\x1f\x7f\s]+")
MAX_LABEL_CHARS = 200


def label_value(text: str) -> str:
    """``text`` as one double-quoted LABEL value: one line, no trailing backslash, at most 200 characters."""
    value = _CONTROL_RUNS.sub(" ", text).strip()
    if len(value) > MAX_LABEL_CHARS:
        value = value[: MAX_LABEL_CHARS - 3].rstrip() + "..."
    value = value.rstrip("\\").rstrip()
    return json.dumps(value, ensure_ascii=False)
