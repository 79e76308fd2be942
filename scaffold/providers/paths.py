"""Turning a string literal from source code into a repository path, for files read at run time."""

from __future__ import annotations


import posixpath
import re

from collections.abc import Iterator

from scaffold.detect.found import Found
from scaffold.errors import ScaffoldError, UnreadableFileError
from scaffold.project import Project

# Generated sources (bindata, protobuf) can be larger; they hold no entry point, listener or path.
MAX_SOURCE_BYTES = 1024 * 1024

_CERTIFICATE = re.compile(r"\.(crt|cer)$")


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
    """Keys, certificates and .env files: never copied into an image, even when the code reads them.

    Matched by data/secret_files.toml's own lines (its templates, like .env.example, are
    let back in by their `!` lines) with the .dockerignore matcher, so the answer is the
    one the generated .dockerignore gives.
    """
    from scaffold.dockerignore import lines_exclude, secret_patterns

    return lines_exclude(secret_patterns(), path) or bool(_CERTIFICATE.search(path))


# A log file named by a string literal: winston's `filename: 'logs/error.log'`, FileHandler('logs/app.log')
LOG_FILE_LITERAL = re.compile(r"""['"`]((?:\./)?(?:[\w-][\w.-]{0,60}/){0,4}[\w-][\w.-]{0,80}\.log)['"`]""")

# System folders an app never creates its database in itself.
_NOT_DATA_ROOTS = ("/tmp/", "/dev/", "/proc/", "/sys/", "/usr/", "/bin/", "/lib/")


def line_of(text: str, offset: int) -> int:
    """The 1-based line of ``offset`` in ``text``, for the file:line a decision names."""
    return text.count("\n", 0, offset) + 1


def line_before(text: str, offset: int) -> str:
    """The text of offset's line up to offset: whether a match sits behind a comment marker."""
    return text[text.rfind("\n", 0, offset) + 1 : offset]


def absolute_data_dir(path: str) -> str | None:
    """The folder of a database the code opens by an absolute path (/etc/todos/todo.db -> /etc/todos),
    unless it is a system folder or leaves it with `..`."""
    folder = posixpath.dirname(posixpath.normpath(path))
    if folder in ("/", "") or (folder + "/").startswith(_NOT_DATA_ROOTS) or ".." in folder:
        return None
    return folder


def read_each(project: Project, rels: list[str] | tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(path, text) of each listed source file; as in source_texts, one that cannot be read (too big, not
    UTF-8) is passed over rather than stopping the scan."""
    for rel in rels:
        try:
            yield rel, project.read_text(rel, limit=MAX_SOURCE_BYTES)
        except ScaffoldError:
            continue


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


def compiled_program_dirs(project: Project, created: list[tuple[str, str]], sqlite: list[tuple[str, str]]) -> list[Found]:
    """Folders a Go or Rust program writes in: those of the files it creates by a relative name and of its SQLite databases."""
    fresh = [(p, w) for p, w in created if not p.startswith("/") and not project.has_file(p)]
    by_folder = {f.value: f for f in [*written_dirs(fresh, "a file it creates,"), *sqlite_dirs(sqlite)]}
    return with_placeholder_dirs(project, [by_folder[k] for k in sorted(by_folder)])


def written_dirs(paths: list[tuple[str, str]], file_kind: str = "log file") -> list[Found]:
    """Folders the app creates files in: its log files (winston's `filename: 'logs/error.log'`), folder options
    it makes at start (`dirname: 'logs'`, multer's `dest: 'uploads/'`), for relative paths.

    The code is root-owned in the image: the app user can neither create logs/ nor a
    file in it, and a logger that cannot open its file stops the app at start.
    """
    dirs: dict[str, Found] = {}
    for raw, where in paths:  # a file, or a folder when it ends with "/"
        path = posixpath.normpath(raw)
        if path == ".." or path.startswith("../") or path.startswith("/"):
            continue
        folder = path if raw.endswith("/") else (posixpath.dirname(path) or ".")
        what = f"a folder it creates at start, {folder}" if raw.endswith("/") else f"{file_kind} {raw}"
        dirs.setdefault(folder, Found(folder, f"{where} ({what})"))
    return [dirs[k] for k in sorted(dirs)]


# A folder kept in git by a placeholder alone, under one of these names, is where the app
# writes at run time (winston's dirname: 'logs', multer's dest: 'uploads/'): the repository
# keeps it so the path exists, and the image must let the app user write there.
_WRITTEN_AT_RUN_TIME = ("logs", "log", "tmp", "temp", "uploads", "upload", "storage", "sessions", "cache", "data", "db", "database", "media", "files", "output", "backups")
_PLACEHOLDERS = frozenset({".gitkeep", ".keep", ".gitignore", ".placeholder", ".empty"})
_PLACEHOLDER_PARENTS = (".", "public", "static", "src", "app", "server", "storage")


def placeholder_dirs(project: Project) -> list[Found]:
    """Run-time folders (logs/, uploads/) the repository keeps with only a .gitkeep, to be made writable.

    Only a folder holding nothing but placeholders counts: one with content
    (data/seed.json) is read, not written, and stays root's like the code.
    """
    found: list[Found] = []
    for parent in _PLACEHOLDER_PARENTS:
        for name in _WRITTEN_AT_RUN_TIME:
            rel = name if parent == "." else f"{parent}/{name}"
            if not project.has_dir(rel):
                continue
            entries = project.list_dir(rel)
            kept = [e for e in entries if e in _PLACEHOLDERS]
            if kept and len(kept) == len(entries):
                found.append(Found(rel, f"{rel}/{kept[0]} (a folder the repository keeps empty for files the app writes)"))
    return found


def with_placeholder_dirs(project: Project, dirs: list[Found]) -> list[Found]:
    """``dirs`` and the run-time folders kept by a placeholder that none of them already covers."""
    return [*dirs, *(d for d in placeholder_dirs(project) if not any(str(f.value) == str(d.value) for f in dirs))]


def source_texts(project: Project, roots: list[str], suffix: str, *, skip: frozenset[str], limit: int) -> Iterator[tuple[str, str]]:
    """(path, text) of each source file under the roots, once each; files too big or unreadable are passed over.

    A scan for idioms must not stop on one odd file, so a read error here is a
    skip, not the one-line error a manifest gets.
    """
    seen: set[str] = set()
    for root in roots:
        for rel in project.walk_files(root, suffixes=(suffix,), limit=limit, skip=skip):
            if rel in seen:
                continue
            seen.add(rel)
            try:
                yield rel, project.read_text(rel, limit=MAX_SOURCE_BYTES)
            except UnreadableFileError:
                continue
