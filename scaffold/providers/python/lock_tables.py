"""Reading Python lockfiles and manifest tables: the lockfile names, a TOML lock parsed with its shape checked,
its package list, the hint to relock, and tolerant lookups of nested tables (a key of the wrong type reads as empty).
"""

from __future__ import annotations

from typing import Any

from scaffold.errors import MalformedFileError
from scaffold.project import MAX_LOCKFILE_BYTES, Project

LOCKFILES = {"uv.lock": "uv", "poetry.lock": "poetry", "pdm.lock": "pdm", "Pipfile.lock": "pipenv"}


def nested_table(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    """data[k1][k2]..., or {} where a key is missing or not a table."""
    for key in keys:
        value = data.get(key)
        if not isinstance(value, dict):
            return {}
        data = value
    return data


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def load_lock_toml(project: Project, path: str) -> dict[str, Any]:
    import tomllib

    text = project.read_text(path, limit=MAX_LOCKFILE_BYTES)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MalformedFileError(path=path, detail=f"invalid TOML: {exc}", hint=relock_hint(path)) from None
    except (RecursionError, ValueError):
        raise MalformedFileError(path=path, detail="nested too deeply, or a number too long, to be a lockfile", hint=relock_hint(path)) from None
    from scaffold import file_shapes

    file_shapes.check(data, path)
    return data


def relock_hint(path: str) -> str:
    tool = LOCKFILES.get(path, "the package manager")
    command = {"uv": "uv lock", "poetry": "poetry lock", "pdm": "pdm lock", "pipenv": "pipenv lock"}.get(tool, "lock again")
    return f"regenerate it with `{command}`"


def lock_packages(data: dict[str, Any], path: str) -> list[dict[str, Any]]:
    packages = data.get("package", [])
    if not isinstance(packages, list) or not all(isinstance(p, dict) and isinstance(p.get("name"), str) for p in packages):
        raise MalformedFileError(path=path, detail="[[package]] entries must be tables with a name", hint=relock_hint(path))
    return packages
