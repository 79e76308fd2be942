"""A read-only view of the project folder.

Detectors read the repository only through this class, so detection is a pure
function of a folder: fixtures are plain directories, and every read error
(parse failure, permission, huge file, symlink loop) becomes one clear
ScaffoldError naming the file instead of a traceback.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold import file_shapes
from scaffold.errors import MalformedFileError, UnreadableFileError

# A manifest or config bigger than this is not a real one; refuse it rather than
# parse megabytes. Lockfiles of large monorepos are legitimately big.
MAX_CONFIG_BYTES = 4 * 1024 * 1024
MAX_LOCKFILE_BYTES = 256 * 1024 * 1024

# Deeper folders than this are not searched for sources (no project nests its code so deep).
MAX_WALK_DEPTH = 32

# Folders that are never part of the app's sources and can be huge.
SKIP_DIRS = frozenset(
    {
        "node_modules", ".git", ".hg", ".svn", ".venv", "venv", "__pycache__", ".yarn",
        ".next", ".nuxt", ".output", ".svelte-kit", ".turbo", ".cache", "dist", "build",
        "coverage", ".pytest_cache", ".mypy_cache", ".tox", ".pnpm-store",
    }
)


@dataclass
class Project:
    """The folder being scaffolded; paths given to methods are relative to ``root``."""

    root: Path
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)
    # Files a tool treats as present when absent (pnpm: a workspace root without package.json
    # behaves as if it held "{}"). Readers see them; nothing copies them into an image.
    virtual: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()

    def with_virtual(self, rel: str, text: str) -> Project:
        """The same folder, with ``rel`` read as ``text`` when the folder has no such file."""
        return Project(self.root, virtual={**self.virtual, rel: text}) if not self.has_file(rel) else self

    def is_real_file(self, rel: str) -> bool:
        return rel not in self.virtual and self.has_file(rel)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per Project: a monorepo run plans every app from one root
        Project, so the workspace, its credential scan and the root facts are found once,
        not once per app (3,000 packages with 300 apps would otherwise mean 900,000 reads)."""
        slot = ("memo", key)
        if slot not in self._cache:
            self._cache[slot] = compute()
        return self._cache[slot]

    # -- plain queries -------------------------------------------------------
    def path(self, rel: str) -> Path:
        return self.root / rel

    def has_file(self, rel: str) -> bool:
        """True for a regular file (or a link to one); a link loop is an error, not an absence."""
        if rel in self.virtual:
            return True
        path = self.root / rel
        try:
            path.stat()
        except FileNotFoundError:
            if path.is_symlink():
                raise UnreadableFileError(path=rel, detail="broken symbolic link") from None
            return False
        except OSError as exc:
            if path.is_symlink() or exc.errno == 40:
                raise UnreadableFileError(path=rel, detail=_os_reason(exc)) from None
            return False
        return path.is_file()

    def has_dir(self, rel: str) -> bool:
        try:
            return (self.root / rel).is_dir()
        except OSError:
            return False

    def first_existing(self, *rels: str) -> str | None:
        return next((rel for rel in rels if self.has_file(rel)), None)

    def list_dir(self, rel: str = ".") -> list[str]:
        """Names in a folder, sorted, so every caller sees a stable order."""
        try:
            return sorted(entry.name for entry in os.scandir(self.root / rel))
        except OSError:
            return []

    def walk_files(
        self, rel: str = ".", *, suffixes: tuple[str, ...] = (), limit: int = 500, skip: frozenset[str] = frozenset()
    ) -> Iterator[str]:
        """Source files under ``rel`` in a stable order, skipping dependency and build folders (and ``skip``).

        Symlinked folders are not followed, so a link loop cannot hang the walk.
        Only regular files are returned: a FIFO or device would block the reader.
        """
        count = 0
        # An explicit stack, not os.walk: os.walk recurses once per level, and a tree
        # 1,000 folders deep would overflow Python's stack.
        stack: list[tuple[Path, int]] = [(self.root / rel, 0)]
        while stack:
            folder, depth = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue
            subdirs: list[Path] = []
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name not in SKIP_DIRS and entry.name not in skip and not entry.name.startswith(".") and depth < MAX_WALK_DEPTH:
                            subdirs.append(Path(entry.path))
                        continue
                    if suffixes and not entry.name.endswith(suffixes):
                        continue
                    if not entry.is_file(follow_symlinks=False):
                        continue  # symlinks, FIFOs and devices are never read
                except OSError:
                    continue
                yield Path(entry.path).relative_to(self.root).as_posix()
                count += 1
                if count >= limit:
                    return
            stack.extend((d, depth + 1) for d in reversed(subdirs))

    # -- reading -------------------------------------------------------------
    def read_text(self, rel: str, *, limit: int = MAX_CONFIG_BYTES, utf16_bom: bool = False) -> str:
        """The file's text, UTF-8 with or without a BOM.

        utf16_bom also accepts UTF-16 with its byte-order mark, for files whose
        own tool reads it: pip decodes a requirements file by its BOM, and
        `pip freeze > requirements.txt` in Windows PowerShell writes UTF-16.
        """
        key = ("text", rel)
        if key in self._cache:
            return self._cache[key]
        if rel in self.virtual:
            return self.virtual[rel]
        full = self.root / rel
        self._refuse_outside(rel, full)
        try:
            size = full.stat().st_size
        except OSError as exc:
            raise UnreadableFileError(path=rel, detail=_os_reason(exc)) from None
        if size > limit:
            raise UnreadableFileError(
                path=rel,
                detail=f"{size // 1024} KiB is larger than the {limit // 1024} KiB scaffold reads",
                hint="is this really the project's file?",
            )
        try:
            data = full.read_bytes()
        except OSError as exc:
            raise UnreadableFileError(path=rel, detail=_os_reason(exc)) from None
        try:
            if utf16_bom and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
                text = data.decode("utf-16")
            else:
                text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise MalformedFileError(path=rel, detail=f"not UTF-8 text (byte {exc.start})") from None
        self._cache[key] = text
        return text

    def _refuse_outside(self, rel: str, full: Path) -> None:
        """A link that leads out of the project (requirements.txt -> /proc/self/environ) is never read.

        Its content would reach error messages and the build plan: the host's
        environment, tokens included, or any file the user can read.
        """
        try:
            real = full.resolve(strict=True)
        except (OSError, RuntimeError):
            return  # missing or a loop: the read below reports it
        if real != self.root and self.root not in real.parents:
            raise UnreadableFileError(
                path=rel,
                detail="is a symbolic link to a file outside the project",
                hint="scaffold reads only the project's own files: replace the link with the file",
            )

    def read_json(self, rel: str, *, limit: int = MAX_CONFIG_BYTES) -> Any:
        key = ("json", rel)
        if key not in self._cache:
            text = self.read_text(rel, limit=limit)
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise MalformedFileError(path=rel, detail=f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
            except (RecursionError, ValueError) as exc:
                raise MalformedFileError(path=rel, detail=_parse_limit(exc)) from None
            if _SURROGATE_ESCAPE.search(text):
                _refuse_lone_surrogates(data, rel)
            file_shapes.check(data, rel)
            self._cache[key] = data
        return self._cache[key]

    def read_toml(self, rel: str) -> dict[str, Any]:
        key = ("toml", rel)
        if key not in self._cache:
            text = self.read_text(rel)
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                raise MalformedFileError(path=rel, detail=f"invalid TOML: {exc}") from None
            except (RecursionError, ValueError) as exc:
                raise MalformedFileError(path=rel, detail=_parse_limit(exc)) from None
            file_shapes.check(data, rel)
            self._cache[key] = data
        return self._cache[key]

    def read_yaml(self, rel: str, *, limit: int = MAX_CONFIG_BYTES) -> Any:
        key = ("yaml", rel)
        if key not in self._cache:
            text = self.read_text(rel, limit=limit)
            import yaml  # lazy: only YAML projects pay for it

            try:
                data = yaml.safe_load(text)
            except (RecursionError, ValueError, TypeError) as exc:
                raise MalformedFileError(path=rel, detail=_parse_limit(exc)) from None
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f" at line {mark.line + 1}" if mark is not None else ""
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                raise MalformedFileError(path=rel, detail=f"invalid YAML{where}: {problem}") from None
            file_shapes.check(data, rel)
            self._cache[key] = data
        return self._cache[key]


# A \\uD800-\\uDFFF escape: JSON allows a lone one, but it cannot be written back as UTF-8.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _refuse_lone_surrogates(data: Any, rel: str) -> None:
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise MalformedFileError(path=rel, detail="a string holds a lone surrogate escape (\\uD800-\\uDFFF), which is not text") from None
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _parse_limit(exc: BaseException) -> str:
    """The parsers' own limits, said as a property of the file."""
    if isinstance(exc, RecursionError):
        return "nested too deeply to be a real manifest"
    text = str(exc)
    if "digits" in text:
        return "holds a number with thousands of digits"
    return text.splitlines()[0][:120] if text else exc.__class__.__name__


def _os_reason(exc: OSError) -> str:
    if exc.errno == 40:  # ELOOP
        return "symbolic link loop"
    return exc.strerror or exc.__class__.__name__
