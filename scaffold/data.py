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


@cache
def names() -> frozenset[str]:
    """The data files' names (``versions.toml``...), so a decision's source can say it came from one."""
    return frozenset(path.name for path in DATA_DIR.glob("*.toml"))


def is_data_source(source: str) -> bool:
    """True when a decision's source starts by naming a scaffold data file ("versions.toml > node.lts")."""
    return source.split(" ", 1)[0] in names()


def versions() -> dict[str, Any]:
    return load("versions")
