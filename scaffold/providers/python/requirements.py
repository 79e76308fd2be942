"""requirements.txt files as pip reads them: includes, hashes, local paths.

pip's format is line based with continuations and options mixed into the
requirement lines. Only what the Dockerfile depends on is kept: which files must
be copied before ``pip install -r`` (the file and everything it includes with
``-r``/``-c``), which distributions it names (to find the framework, the server
and native packages), whether pip will run in hash-checking mode, and whether a
line installs a local folder (which needs the sources before the install).
"""

from __future__ import annotations

import functools
import posixpath
import re
import shlex
from dataclasses import dataclass

from scaffold.errors import InconsistentProjectError, MalformedFileError, MissingEntryError
from scaffold.project import Project

_INCLUDE = {"-r": "requirement", "--requirement": "requirement", "-c": "constraint", "--constraint": "constraint"}
_EDITABLE = {"-e", "--editable"}


@dataclass(frozen=True)
class Requirements:
    """One requirements file with everything it pulls in."""

    path: str  # the file pip is pointed at
    files: tuple[str, ...]  # that file and every -r / -c include, in the order read
    names: tuple[str, ...]  # canonical distribution names, sorted
    hashed: int  # requirement lines that carry --hash
    total: int  # requirement lines (includes and options not counted)
    local_paths: tuple[str, ...]  # "." or "./libs/x": folders installed from the sources
    index_options: tuple[str, ...]  # --index-url and friends, as written
    # (name, version, file:line, bound) for each ==pinned requirement ("=="), or one capped from above
    # ("<" or "<=": `Django<4.0` installs a release below 4.0, which the Python-line limits judge)
    pins: tuple[tuple[str, str, str, str], ...] = ()
    # (name, file:line) of Windows-only distributions listed without a marker (python.toml > windows_only)
    windows_only: tuple[tuple[str, str], ...] = ()

    @property
    def fully_hashed(self) -> bool:
        return self.total > 0 and self.hashed == self.total

    @property
    def partly_hashed(self) -> bool:
        return 0 < self.hashed < self.total


def read_requirements(project: Project, path: str) -> Requirements:
    """Parse ``path`` and its includes; errors name the file and line."""
    state = _State()
    _read(project, path, state, parent=None)
    return Requirements(
        path=path,
        files=tuple(state.files),
        names=tuple(sorted(state.names)),
        hashed=state.hashed,
        total=state.total,
        local_paths=tuple(state.local_paths),
        index_options=tuple(state.index_options),
        pins=tuple(state.pins),
        windows_only=tuple(state.windows_only),
    )


class _State:
    def __init__(self) -> None:
        self.files: list[str] = []
        self.names: set[str] = set()
        self.hashed = 0
        self.total = 0
        self.local_paths: list[str] = []
        self.index_options: list[str] = []
        self.pins: list[tuple[str, str, str, str]] = []
        self.windows_only: list[tuple[str, str]] = []


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) with comments removed and ``\\`` continuations joined."""
    out: list[tuple[int, str]] = []
    buffer = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw)
        if not buffer:
            start = number
        if line.rstrip().endswith("\\"):
            buffer += line.rstrip()[:-1] + " "
            continue
        buffer += line
        if buffer.strip():
            out.append((start, buffer.strip()))
        buffer = ""
    if buffer.strip():
        out.append((start, buffer.strip()))
    return out


# Includes deeper than this, or more files than that, are not a real project's requirements.
MAX_INCLUDE_DEPTH = 16
MAX_INCLUDED_FILES = 200


def _read(project: Project, path: str, state: _State, parent: str | None, depth: int = 0) -> None:
    if path in state.files:
        return  # pip tolerates include cycles; so do we
    if depth > MAX_INCLUDE_DEPTH or len(state.files) >= MAX_INCLUDED_FILES:
        raise MalformedFileError(
            path=parent.rsplit(":", 1)[0] if parent else path,
            detail=f"-r includes go more than {MAX_INCLUDE_DEPTH} files deep or name more than {MAX_INCLUDED_FILES} files",
            hint="flatten the requirements files",
        )
    if not project.has_file(path):
        where = f"{parent} includes it" if parent else "named as the requirements file"
        raise MissingEntryError(path=path, detail=f"does not exist ({where})", hint="fix the -r line or add the file")
    state.files.append(path)
    base = posixpath.dirname(path)
    for number, line in logical_lines(project.read_text(path, utf16_bom=True)):
        if len(line) > MAX_LINE_CHARS:
            raise MalformedFileError(path=path, detail=f"line {number} is {len(line)} characters long; no requirement is")
        try:
            words = shlex.split(line, posix=True)
        except ValueError as exc:
            raise MalformedFileError(path=path, detail=f"line {number}: {exc}") from None
        if not words:
            continue
        head = words[0]
        include = _include_target(words)
        if include is not None:
            kind, target = include
            resolved = _resolve(base, target, path, number)
            if kind == "requirement":
                _read(project, resolved, state, parent=f"{path}:{number}", depth=depth + 1)
            elif resolved not in state.files and project.has_file(resolved):
                state.files.append(resolved)  # constraints limit versions; they add no names
            continue
        if head.split("=", 1)[0] in ("-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host"):
            state.index_options.append(line)
            continue
        if head.startswith("-") and head not in _EDITABLE:  # --pre, --no-binary x, --prefer-binary …
            continue
        editable = head in _EDITABLE
        if editable:
            spec = next((w for w in words[1:] if not w.startswith("-")), "")
        else:
            # The requirement is the line up to its first option (--hash=…): a PEP 508 marker
            # (`anyio==3.4.0; python_version >= "3.7"`) holds spaces and quotes, so words would split it.
            spec = _OPTION_START.split(line, maxsplit=1)[0].strip()
        hashes = [w for w in words if w.startswith("--hash")]
        state.total += 1
        if hashes:
            state.hashed += 1
        if not spec:
            raise MalformedFileError(path=path, detail=f"line {number}: no requirement after {head!r}")
        if _is_local_path(spec.split(";", 1)[0].strip()):
            state.local_paths.append(_resolve(base, spec.split(";", 1)[0].strip().split("[", 1)[0], path, number) or ".")
            continue
        name = requirement_name(spec)
        if name is not None:
            state.names.update(extra_provides(spec))
        if name is None:
            if "://" in spec or spec.startswith("git+"):
                egg = re.search(r"#egg=([A-Za-z0-9._-]+)", spec)
                if egg:
                    state.names.add(canonical(egg.group(1)))
                continue
            raise MalformedFileError(path=path, detail=f"line {number}: not a requirement: {spec[:80]!r}{'…' if len(spec) > 80 else ''}")
        if ";" not in spec and name in _windows_only():
            state.windows_only.append((name, f"{path}:{number}"))
            continue  # never installed on Linux; not a dependency of the image
        state.names.add(name)
        pinned = pinned_version(spec)
        if pinned is not None:
            state.pins.append((name, pinned, f"{path}:{number}", "=="))
        elif (cap := upper_bound(spec)) is not None:
            state.pins.append((name, cap[1], f"{path}:{number}", cap[0]))


def pinned_version(spec: str) -> str | None:
    """The version of a `name==X` requirement (markers and extras allowed), else None."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        specifiers = list(Requirement(spec).specifier)
    except InvalidRequirement:
        return None
    exact = [s.version for s in specifiers if s.operator in ("==", "===") and "*" not in s.version]
    return exact[0] if len(exact) == 1 else None


def upper_bound(spec: str) -> tuple[str, str] | None:
    """The tightest upper bound of a requirement (``<4.0``, ``<=3.1``, ``~=3.1`` as ``<4``), as (operator, version)."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.version import InvalidVersion, Version

    try:
        specifiers = list(Requirement(spec).specifier)
    except InvalidRequirement:
        return None
    caps: list[tuple[Version, str, str]] = []
    for s in specifiers:
        try:
            if s.operator in ("<", "<=") and "*" not in s.version:
                caps.append((Version(s.version), s.operator, s.version))
            elif s.operator == "~=":
                parts = s.version.split(".")
                if len(parts) >= 2 and all(p.isdigit() for p in parts[:-1]):
                    head = parts[:-2] + [str(int(parts[-2]) + 1)]
                    bound = ".".join(head)
                    caps.append((Version(bound), "<", bound))
        except InvalidVersion:
            continue
    if not caps:
        return None
    _, operator, version = min(caps, key=lambda c: (c[0], c[1] == "<="))
    return operator, version


MAX_LINE_CHARS = 50_000  # a line of hashes for one package reaches ~15k; shlex is quadratic on a huge token
_OPTION_START = re.compile(r"\s+(?=--?[A-Za-z])")


def _include_target(words: list[str]) -> tuple[str, str] | None:
    head = words[0]
    for flag, kind in _INCLUDE.items():
        if head == flag and len(words) > 1:
            return kind, words[1]
        if head.startswith(flag + "=") and flag.startswith("--"):
            return kind, head.split("=", 1)[1]
        if not flag.startswith("--") and head.startswith(flag) and len(head) > len(flag):
            return kind, head[len(flag):]
    return None


def _resolve(base: str, target: str, path: str, number: int) -> str:
    if "://" in target:
        raise InconsistentProjectError(path=path, detail=f"line {number}: includes a URL ({target}); scaffold can only copy files from the project")
    joined = posixpath.normpath(posixpath.join(base, target))
    if joined == ".." or joined.startswith("../") or posixpath.isabs(target):
        raise InconsistentProjectError(
            path=path,
            detail=f"line {number}: {target} is outside the project folder, so a Docker build cannot see it",
            hint="move the file into the project or build from a parent folder",
        )
    return joined


def _is_local_path(spec: str) -> bool:
    """A path pip installs from the project (./pkg, a wheel file), not a PEP 508 `name @ url` or a remote archive."""
    if _DIRECT_REFERENCE.match(spec) or ("://" in spec and not spec.startswith("file:")):
        return False
    return spec in (".", "..") or spec.startswith(("./", "../", "/", "file:")) or spec.endswith(("/", ".whl", ".tar.gz", ".zip"))


_DIRECT_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@")


def canonical(name: str) -> str:
    """PEP 503 normalised name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def extra_provides(spec: str) -> set[str]:
    """Distributions an extra is known to pull in (``psycopg[binary]`` -> psycopg-binary), from python.toml."""
    from packaging.requirements import InvalidRequirement, Requirement

    from scaffold.data import load

    try:
        requirement = Requirement(spec)
    except InvalidRequirement:
        return set()
    table = load("python").get("extra_provides", {})
    name = canonical(requirement.name)
    return {canonical(d) for extra in requirement.extras for d in table.get(f"{name}[{extra.lower()}]", [])}


def requirement_name(spec: str) -> str | None:
    """The canonical name of a PEP 508 requirement, or None if it is not one."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return canonical(Requirement(spec).name)
    except InvalidRequirement:
        return None


@functools.cache
def _windows_only() -> frozenset[str]:
    from scaffold.data import load

    return frozenset(canonical(n) for n in load("python").get("windows_only", {}).get("packages", []))
