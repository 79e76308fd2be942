"""Imports in the app's code that only an older major of a package provides (python.toml > python_import_constraints).

`from pydantic import BaseSettings` is pydantic 1; `from werkzeug.urls import url_parse`
is Werkzeug 2. Projects of that era often list such a package unpinned, or not at all
(pydantic arrives with fastapi), so today's install pairs the old code with the new
major and the app dies at import. The code itself says which major it was written for.
"""

from __future__ import annotations

import functools
import re

from scaffold.data import load
from scaffold.detect.found import Found
from scaffold.project import Project
from scaffold.providers.paths import line_of, read_each


@functools.cache
def _rows() -> tuple[tuple[re.Pattern[str], str, tuple[str, ...], str], ...]:
    return tuple(
        (re.compile(row["pattern"]), row["package"], tuple(row["constraints"]), row["why"])
        for row in load("python").get("python_import_constraints", [])
    )


def import_constraints(project: Project, files: list[str]) -> tuple[Found, ...]:
    """One Found per row the code matches: value (package, constraints), source "file:line (why)"."""
    found: dict[str, Found] = {}
    rows = _rows()
    for rel, text in read_each(project, files[:400]):
        for pattern, package, constraints, why in rows:
            if why in found:
                continue
            match = pattern.search(text)
            if match:
                found[why] = Found((package, constraints), f"{rel}:{line_of(text, match.start())} ({why})")
    return tuple(found.values())
