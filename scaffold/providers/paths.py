"""Turning a string literal from source code into a repository path, for files read at run time."""

from __future__ import annotations

import posixpath
import re

from scaffold.detect.found import Found

_SECRET_NAMES = re.compile(r"(^|/)(\.env[^/]*|[^/]*\.(pem|key|p12|pfx|crt))$")


def literal_path(literal: str) -> str | None:
    """The repository path a string argument names ("./templates/*.html" -> "templates"), or None.

    Absolute paths, URLs, format strings and anything that leaves the folder are not repository paths.
    """
    text = literal.strip()
    if not text or text.startswith(("/", "~", "$")) or "://" in text or "%" in text or "\\" in text or "{" in text.split("/")[0]:
        return None
    parts: list[str] = []
    for part in text.split("/"):
        if any(c in part for c in "*?[{"):
            break
        parts.append(part)
    path = posixpath.normpath("/".join(parts)) if parts else ""
    if path in ("", ".", "..") or path.startswith("../"):
        return None
    return path


def is_secret_path(path: str) -> bool:
    """Keys, certificates and .env files: never copied into an image, even when the code reads them."""
    return bool(_SECRET_NAMES.search(path))


def sqlite_dirs(paths: list[tuple[str, str]]) -> list[Found]:
    """Folders SQLite database files are created in, for the ones the code opens by a relative path."""
    dirs: dict[str, Found] = {}
    for raw, where in paths:
        path = raw.removeprefix("file:").split("?", 1)[0]
        if not path or path.startswith((":memory:", "/", "$")) or "%" in path or "{" in path or ".." in path.split("/"):
            continue
        folder = posixpath.dirname(posixpath.normpath(path)) or "."
        dirs.setdefault(folder, Found(folder, f"{where} (SQLite database {path})"))
    return [dirs[k] for k in sorted(dirs)]
