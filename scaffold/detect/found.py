"""``Found``: one fact and the place it was read from, shared by every detector.

Every decision in a plan names its source ("package.json > engines > node"), so
each detector records where a fact came from next to the fact itself. One type
for all ecosystems keeps that contract in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Found:
    """A value and the place it was read from."""

    value: Any
    source: str
