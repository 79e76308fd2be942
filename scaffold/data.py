"""Loads the data files in scaffold/data (versions, ecosystem knowledge).

They are read once per process; nothing else in scaffold knows a version number.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("data")


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed ``scaffold/data/<name>.toml``."""
    with (DATA_DIR / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


def versions() -> dict[str, Any]:
    return load("versions")
