"""Credentials that Python package managers read during the install.

Private indexes are reached with a token somewhere: in an index URL
(``--extra-index-url https://user:token@host/simple`` in requirements.txt, a
``git+https://token@github.com/...`` requirement), in pip.conf, uv.toml or
poetry.toml. A file that the Dockerfile COPYs is in a layer of the image for
good, so such a file must reach the install only as a BuildKit secret mount and
stay out of the build context. pip also expands ``${VAR}`` in requirements
files, which is the form to recommend: the variable then comes from a build
secret and the file itself can be copied (and cached) as usual.

Only facts are recorded here: which file, which line, literal or ``${VAR}``.
How each is mounted is the planner's job (scaffold/plan/python_secrets.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scaffold.detect.python_requirements import Requirements, logical_lines
from scaffold.project import Project

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


@dataclass(frozen=True)
class CredentialFile:
    """A file an install reads that may carry a credential."""

    path: str  # "requirements.txt", "pip.conf", "uv.toml"
    kind: str  # "requirements", "pip", "uv", "poetry", "pdm"
    literal: str | None  # "requirements.txt:1" where a credential is written in the file, else None
    env_refs: tuple[str, ...]  # ${VAR} names the install must be given


def credential_files(project: Project, requirements: Requirements | None) -> tuple[CredentialFile, ...]:
    """Every requirements file with a credential or ${VAR}, and every pip/uv/poetry/pdm config file present."""
    found: list[CredentialFile] = []
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


def _scan_lines(project: Project, path: str) -> tuple[str | None, tuple[str, ...]]:
    """(first "file:line" holding a literal credential, ${VAR} names used in URLs or values)."""
    literal: str | None = None
    refs: list[str] = []
    text = project.read_text(path)
    for number, line in logical_lines(text):
        for var in _ENV_REF.findall(line):
            if var not in refs:
                refs.append(var)
        if literal is None and (_literal_userinfo(line) or _literal_key(line)):
            literal = f"{path}:{number}"
    return literal, tuple(refs)


def _literal_userinfo(line: str) -> bool:
    for match in _USERINFO.finditer(line):
        info = match.group(1)
        if _ENV_REF.fullmatch(info) or re.fullmatch(r"(\$\{[A-Z0-9_]+\})(:\$\{[A-Z0-9_]+\})?", info):
            continue  # ${USER}:${TOKEN}: filled from the environment
        if ":" not in info and info in ("git", "hg", "ssh") or match.group(0).lower().startswith(("ssh://", "git+ssh://")):
            continue  # git@github.com: an ssh user name, the key is elsewhere
        return True
    return False


def _literal_key(line: str) -> bool:
    match = _SECRET_KEY.match(line)
    return bool(match and not match.group(2).startswith("${"))
