"""Whether Pipfile.lock was locked from this Pipfile, checked the way each pipenv generation checks it.

The lock keeps a sha256 of the Pipfile's sources, requires and package tables
(``_meta.hash``). Older pipenv releases hashed the package names as written;
current ones (2026.10.3 here) hash their PEP 503 forms (``Flask`` and ``flask``
alike), so today's ``pipenv verify`` calls every older lock with a capitalised or
dotted name out of date, though nothing changed (oliviat255/flask-todo: ``Flask = "==2.0.1"``).
Reading the hash here tells the three cases apart: current for today's pipenv,
current only for the pipenv that wrote it, or really stale.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from scaffold.detect.found import Found
from scaffold.project import MAX_LOCKFILE_BYTES, Project

# The Pipfile tables that are not package categories (pipenv's own list)
_NOT_CATEGORIES = frozenset({"source", "packages", "dev-packages", "requires", "scripts", "pipfile", "pipenv", "default", "develop"})


def pipfile_lock_state(project: Project, pipfile: dict[str, Any]) -> Found | None:
    """"current", "legacy" (only the name-as-written hash matches) or "stale"; None without both files or a hash."""
    if not pipfile or not project.has_file("Pipfile.lock"):
        return None
    lock = project.read_json("Pipfile.lock", limit=MAX_LOCKFILE_BYTES)
    meta = lock.get("_meta") if isinstance(lock, dict) else None
    recorded = meta.get("hash", {}).get("sha256") if isinstance(meta, dict) and isinstance(meta.get("hash"), dict) else None
    if not isinstance(recorded, str):
        return None
    if recorded == _hash(pipfile, canonical=True):
        return Found("current", "Pipfile.lock > _meta > hash")
    if recorded == _hash(pipfile, canonical=False):
        return Found("legacy", "Pipfile.lock > _meta > hash (package names hashed as written, by an older pipenv)")
    return Found("stale", "Pipfile.lock > _meta > hash (differs from the Pipfile's)")


def _hash(pipfile: dict[str, Any], *, canonical: bool) -> str:
    from packaging.utils import canonicalize_name

    def names(table: Any) -> Any:
        if not canonical or not isinstance(table, dict):
            return table
        return {canonicalize_name(k): v for k, v in table.items()}

    data: dict[str, Any] = {
        "_meta": {"sources": pipfile.get("source", {}), "requires": pipfile.get("requires", {})},
        "default": names(pipfile.get("packages", {})),
        "develop": names(pipfile.get("dev-packages", {})),
    }
    for category, values in pipfile.items():
        if category not in _NOT_CATEGORIES:
            data[category] = names(values)
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
