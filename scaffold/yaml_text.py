"""YAML scalars for the compose and workflow templates, quoted only when they must be.

The templates print these strings as they are, so a reviewer reads ``context: .``
rather than ``context: "."``; anything YAML could read as another type, an alias,
a comment or a mapping is written as a JSON string (JSON strings are valid YAML).
"""

from __future__ import annotations

import json
import re

# Plain scalars safe in both block and flow context: no leading indicator, no ": " or " #".
_PLAIN = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./=+@*-]*")
# Words YAML 1.1 (still used by many tools) reads as booleans or null.
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
_NUMBER = re.compile(r"[-+]?(\.?[0-9][0-9_.:eE+-]*|\.inf|\.nan|0x[0-9a-fA-F]+|0o[0-7]+)", re.IGNORECASE)


def scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as exactly this string."""
    if _PLAIN.fullmatch(value) and value.lower() not in _RESERVED and not _NUMBER.fullmatch(value):
        return value
    return json.dumps(value)


def flow_list(values: list[str]) -> str:
    """A one-line YAML sequence of strings: ``["CMD", "node", "-e", "..."]``."""
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"
