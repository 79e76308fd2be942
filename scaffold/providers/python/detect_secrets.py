"""Credentials that Python package managers read during the install.

Private indexes are reached with a token somewhere: in an index URL
(``--extra-index-url https://user:token@host/simple`` in requirements.txt, a
``git+https://token@github.com/...`` requirement), in pip.conf, uv.toml or
poetry.toml. A file that the Dockerfile COPYs is in a layer of the image for
good, so such a file must reach the install only as a BuildKit secret mount and
stay out of the build context. pip also expands ``${VAR}`` in requirements
files, which is the form to recommend: the variable then comes from a build
secret and the file itself can be copied (and cached) as usual.

The manifests and lockfiles (pyproject.toml, Pipfile, Pipfile.lock, poetry.lock,
pdm.lock, uv.lock) are a different case: the install needs them and the image
keeps them with the sources, so a credential written in one cannot be kept out of
a layer at all. They are scanned the same way; Pipfile ``[[source]]`` URLs may use
``${VAR}`` (pipenv keeps the reference in Pipfile.lock and pip expands it).

Only facts are recorded here: which file, which line, literal or ``${VAR}``,
which package indexes are declared. How each is mounted, or refused, is the
planner's job (scaffold/providers/python/plan_secrets.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from scaffold.credentials import INSTALL_SCHEME
from scaffold.providers.python.requirements import Requirements, logical_lines
from scaffold.project import MAX_LOCKFILE_BYTES, Project

# scheme://userinfo@host: the userinfo part is a credential (a user name alone, as
# in git+ssh://git@github.com, is not one, so ssh-style users are skipped below).
_USERINFO = re.compile(r"\b[a-z][a-z0-9+.-]*://([^/\s@'\"]+)@", re.IGNORECASE)
# pip expands ${NAME} in requirements files (POSIX names only, braces required).
_ENV_REF = re.compile(r"\$\{([A-Z0-9_]+)\}")
# Keys that hold a secret in INI/TOML configuration (poetry.toml http-basic, pip.conf).
_SECRET_KEY = re.compile(r"^\s*(password|token|client[-_]cert[-_]password)\s*=\s*['\"]?([^'\"\s#]+)", re.IGNORECASE | re.MULTILINE)
# pip's own configuration files, relative to the project (PIP_CONFIG_FILE targets in the wild).
PIP_CONFIGS = ("pip.conf", "pip.ini", ".pip/pip.conf", ".config/pip/pip.conf")
# Tool configuration files that live next to pyproject.toml and are read by that tool only.
TOOL_CONFIGS = {"uv.toml": "uv", "poetry.toml": "poetry", "pdm.toml": "pdm"}
# Files the image always contains (the install reads them, COPY . . brings them along).
MANIFESTS = ("pyproject.toml", "Pipfile", "Pipfile.lock", "poetry.lock", "pdm.lock", "uv.lock")


@dataclass(frozen=True)
class CredentialFile:
    """A file an install reads that may carry a credential."""

    path: str  # "requirements.txt", "pip.conf", "uv.toml"
    kind: str  # "requirements", "pip", "uv", "poetry", "pdm", "manifest"
    literal: str | None  # "requirements.txt:1" where a credential is written in the file, else None
    env_refs: tuple[str, ...]  # ${VAR} names the install must be given


@dataclass(frozen=True)
class PackageIndex:
    """A package index a manifest declares for its tool."""

    tool: str  # "uv", "poetry", "pdm", "pipenv"
    name: str  # the index's name in the manifest ("" when it has none)
    url: str
    source: str  # "pyproject.toml > tool.uv.index"


def credential_files(project: Project, requirements: Requirements | None, pipfile: dict[str, Any] | None = None) -> tuple[CredentialFile, ...]:
    """Every requirements file with a credential or ${VAR}, every pip/uv/poetry/pdm config file present,
    and every manifest or lockfile with a credential (or, for Pipfile, ${VAR} in a source URL)."""
    found: list[CredentialFile] = []
    for path in MANIFESTS:
        if project.has_file(path):
            literal, _ = _scan_lines(project, path, limit=MAX_LOCKFILE_BYTES)
            refs: tuple[str, ...] = ()
            if path == "Pipfile":  # pipenv expands variables in [[source]] url only
                urls = [i.url for i in package_indexes({}, pipfile or {})]
                refs = tuple(dict.fromkeys(v for url in urls for v in _ENV_REF.findall(url)))
            if literal or refs:
                found.append(CredentialFile(path, "manifest", literal, refs))
    for path in requirements.files if requirements else ():
        literal, refs = _scan_lines(project, path)
        if literal or refs:
            found.append(CredentialFile(path, "requirements", literal, refs))
    for path in PIP_CONFIGS:
        if project.has_file(path):
            literal, _ = _scan_lines(project, path)
            found.append(CredentialFile(path, "pip", literal, ()))
            break  # pip reads one PIP_CONFIG_FILE
    for path, kind in TOOL_CONFIGS.items():
        if project.has_file(path):
            literal, _ = _scan_lines(project, path)
            found.append(CredentialFile(path, kind, literal, ()))
    return tuple(found)


def package_indexes(pyproject: dict[str, Any], pipfile: dict[str, Any]) -> tuple[PackageIndex, ...]:
    """Indexes declared in pyproject.toml (uv, Poetry, PDM) and the Pipfile, in file order."""
    tables = [
        ("uv", _dig(pyproject, "tool", "uv", "index"), "pyproject.toml > tool.uv.index"),
        ("poetry", _dig(pyproject, "tool", "poetry", "source"), "pyproject.toml > tool.poetry.source"),
        ("pdm", _dig(pyproject, "tool", "pdm", "source"), "pyproject.toml > tool.pdm.source"),
        ("pipenv", pipfile.get("source"), "Pipfile > source"),
    ]
    found: list[PackageIndex] = []
    for tool, entries, source in tables:
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and isinstance(entry.get("url"), str):
                name = entry.get("name")
                found.append(PackageIndex(tool, name if isinstance(name, str) else "", entry["url"], source))
    return tuple(found)


def _dig(data: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None  # type: ignore[assignment]
    return data


def _scan_lines(project: Project, path: str, *, limit: int | None = None) -> tuple[str | None, tuple[str, ...]]:
    """(first "file:line" holding a literal credential, ${VAR} names used in URLs or values)."""
    literal: str | None = None
    refs: list[str] = []
    base = path.rsplit("/", 1)[-1]
    # manifests and lockfiles hold `password = ["passlib …"]` extras: there only URLs carry credentials
    requirement_file = base.startswith(("requirements", "constraints")) or base.endswith((".txt", ".in")) or base in MANIFESTS
    text = project.read_text(path, limit=limit) if limit else project.read_text(path)
    for number, line in logical_lines(text):
        for var in _ENV_REF.findall(line):
            if var not in refs:
                refs.append(var)
        # `token==1.0` in a requirements file is a package, not a key: only URLs carry credentials there
        if literal is None and (_literal_userinfo(line, install_only=requirement_file) or (not requirement_file and _literal_key(line))):
            literal = f"{path}:{number}"
    return literal, tuple(refs)


def _literal_userinfo(line: str, *, install_only: bool = False) -> bool:
    for match in _USERINFO.finditer(line):
        info = match.group(1)
        # a manifest's other URLs are the app's own settings, never fetched by the build: a Pipfile [scripts]
        # entry's postgresql://gitpod:postgres@localhost (4Geeks' flask-rest-hello) is the developer's database
        if install_only and not INSTALL_SCHEME.match(match.group(0)):
            continue
        if _ENV_REF.fullmatch(info) or re.fullmatch(r"(\$\{[A-Z0-9_]+\})(:\$\{[A-Z0-9_]+\})?", info):
            continue  # ${USER}:${TOKEN}: filled from the environment
        if ":" not in info and info in ("git", "hg", "ssh") or match.group(0).lower().startswith(("ssh://", "git+ssh://")):
            continue  # git@github.com: an ssh user name, the key is elsewhere
        return True
    return False


def _literal_key(line: str) -> bool:
    match = _SECRET_KEY.match(line)
    return bool(match and not match.group(2).startswith("${"))
