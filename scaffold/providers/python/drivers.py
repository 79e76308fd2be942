"""Distributions the code needs without importing them, which the requirements lack.

`create_engine("postgresql+psycopg2://...")` imports psycopg2 when the module loads, long before it
connects, and FastAPI imports python-multipart when a route declares a form: a requirements file
without them kills the app at import, even on pages that never touch the database or a form. The URL
or the code says what is needed; python.toml > sqlalchemy_drivers and implied_requirements say which
distribution provides it.
"""

from __future__ import annotations

import re

from scaffold.data import load
from scaffold.detect.found import Found
from scaffold.project import Project
from scaffold.providers.paths import line_of, read_each

_URL = re.compile(r"""['"]((?:postgresql|mysql|sqlite)\+\w+)://""")


def missing_drivers(project: Project, files: list[str], dependencies: set[str] | frozenset[str]) -> tuple[Found, ...]:
    """Found(distribution, "file:line (postgresql+psycopg2 URL)") for each named driver no dependency provides."""
    table: dict[str, list[str]] = load("python")["sqlalchemy_drivers"]
    found: dict[str, Found] = {}
    for rel, text in read_each(project, files[:400]):
        if "://" not in text:
            continue
        for match in _URL.finditer(text):
            row = table.get(match.group(1).lower())
            if row is None or set(row) & set(dependencies) or row[0] in found:
                continue
            found[row[0]] = Found(row[0], f"{rel}:{line_of(text, match.start())} (a {match.group(1)} URL)")
    for row in load("python").get("implied_requirements", []):
        if row["needs"] not in dependencies or set(row["provided_by"]) & set(dependencies) or row["distribution"] in found:
            continue
        pattern = re.compile(row["pattern"])
        for rel, text in read_each(project, files[:400]):
            match = pattern.search(text)
            if match:
                found[row["distribution"]] = Found(row["distribution"], f"{rel}:{line_of(text, match.start())} ({row['why']})")
                break
    return tuple(found.values())
