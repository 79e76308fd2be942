"""How the credentials a Python install reads reach it without landing in a layer.

* A file holding a written-out credential (requirements.txt with
  ``https://user:token@host``, pip.conf, uv.toml, poetry.toml) is kept out of the
  build context and mounted with ``RUN --mount=type=secret`` during the install
  only. pip.conf is mounted where pip looks for its global configuration
  (/etc/pip.conf), so no environment variable has to point at it; a pip.conf is
  always treated this way, since it only ever matters to the install and it is
  where index credentials usually live.
* ``${VAR}`` in a requirements file (pip expands it) becomes an environment
  build secret, exported for the one pip command that reads the file.
* A uv.toml/poetry.toml/pdm.toml without credentials is ordinary configuration
  the tool reads, so it is copied next to the manifest before the install.
* A credential written in a manifest or lockfile (a Pipfile source URL,
  ``[[tool.uv.index]]``, ``[[tool.poetry.source]]``, a lock that recorded it) is
  refused: the install and the app both need that file, so it would be in a
  layer whatever the Dockerfile did. Mounting pyproject.toml as a secret would
  hide it from the app's metadata and from every later step, so the fix is the
  person's: take the credential out (``${VAR}`` in a Pipfile source, which
  pipenv keeps unexpanded in the lock and pip expands; the ``UV_INDEX_<NAME>_*``
  / ``POETRY_HTTP_BASIC_<NAME>_*`` variables for uv and Poetry).
* ``${VAR}`` in a Pipfile ``[[source]]`` URL becomes an environment build secret
  for the pip command that installs the exported lock.
* uv/Poetry indexes other than PyPI are listed in a note with the variables the
  tool reads their credentials from. They are not wired in as optional secrets:
  this Docker's built-in frontend has no ``env=`` secret mounts, and a shell
  guard per variable would be noise in every Dockerfile whose index is public.

Secret mounts are not part of BuildKit's cache key, which is why the ``${VAR}``
form is recommended for requirements files: the file is then copied and a change
to it re-runs the install as usual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scaffold.providers.python.detect_secrets import CredentialFile, PackageIndex
from scaffold.errors import CommittedCredentialError
from scaffold.plan.steps import BuildSecret

_PIP_TOOLS = ("pip", "pipenv", "pdm")  # the install ends with pip reading its config


@dataclass
class SecretPlan:
    install_mounts: list[str] = field(default_factory=list)  # the dependency install RUN
    env_prefix: str = ""  # VAR="$(cat /run/secrets/var)" before the command reading the requirements file
    secrets: list[BuildSecret] = field(default_factory=list)  # what docker build --secret passes
    hidden: list[str] = field(default_factory=list)  # kept out of the context (and out of every COPY)
    copy: list[str] = field(default_factory=list)  # tool config without credentials, copied with the manifest
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_PYPI_HOSTS = ("pypi.org", "pypi.python.org", "test.pypi.org", "files.pythonhosted.org")
# Where each tool reads an index's credentials from; {name} is the index name in upper case,
# every other character an underscore (uv and Poetry both spell it so).
_INDEX_ENV = {
    "uv": ("UV_INDEX_{name}_USERNAME", "UV_INDEX_{name}_PASSWORD"),
    "poetry": ("POETRY_HTTP_BASIC_{name}_USERNAME", "POETRY_HTTP_BASIC_{name}_PASSWORD"),
}


def secret_plan(credentials: tuple[CredentialFile, ...], tool: str, indexes: tuple[PackageIndex, ...] = ()) -> SecretPlan:
    plan = SecretPlan()
    env_vars: dict[str, str] = {}  # variable -> the file that reads it
    for cred in credentials:
        if cred.kind == "manifest":
            if cred.literal:
                raise CommittedCredentialError(where=cred.literal, hint=_manifest_hint(cred.path))
            if tool == "pipenv":  # only the Pipfile records env refs (its [[source]] urls)
                for var in cred.env_refs:
                    env_vars.setdefault(var, f"{cred.path} [[source]] url")
            continue
        ident = _ident(cred.path)
        mount_file = f"--mount=type=secret,id={ident},target={{target}},required=true"
        secret = BuildSecret.file(ident, cred.path)
        flag = secret.flag()
        if cred.kind == "requirements":
            if tool != "pip":
                continue  # a lockfile is installed instead; the file is not read
            for var in cred.env_refs:
                env_vars.setdefault(var, cred.path)
            if cred.literal:
                plan.install_mounts.append(mount_file.format(target=f"/app/{cred.path}"))
                plan.secrets.append(secret)
                plan.hidden.append(cred.path)
                plan.warnings.append(
                    f"{cred.literal} writes a credential into a URL: the file is kept out of the image and mounted only during the install "
                    f"(docker build --secret {flag}), but BuildKit does not re-run the install when a secret changes; write it as "
                    "${PIP_INDEX_TOKEN} instead (pip expands it) and scaffold passes the variable as a build secret"
                )
        elif cred.kind == "pip":
            if tool in _PIP_TOOLS or cred.literal:
                plan.hidden.append(cred.path)
            if tool in _PIP_TOOLS:
                mount = mount_file.format(target="/etc/pip.conf")
                plan.install_mounts.append(mount)
                plan.secrets.append(secret)
                plan.notes.append(
                    f"{cred.path} configures pip's index: it is mounted as /etc/pip.conf during the install only "
                    f"(docker build --secret {flag}) and never copied into the image"
                )
        elif cred.literal:
            plan.hidden.append(cred.path)
            if cred.kind == tool:
                plan.install_mounts.append(mount_file.format(target=f"/app/{cred.path}"))
                plan.secrets.append(secret)
                plan.notes.append(
                    f"{cred.literal} holds a credential: the file is kept out of the build context and mounted only during the install "
                    f"(docker build --secret {flag})"
                )
            else:
                plan.notes.append(f"{cred.literal} holds a credential: kept out of the build context ({tool} does not read it)")
        elif cred.kind == tool:
            plan.copy.append(cred.path)
    for var, reader in env_vars.items():
        ident = var.lower()
        plan.install_mounts.append(f"--mount=type=secret,id={ident},required=true")
        plan.env_prefix += f'{var}="$(cat /run/secrets/{ident})" '
        plan.secrets.append(BuildSecret.environment(ident, var))
        who = reader if reader.startswith("Pipfile") else "requirements"
        plan.notes.append(f"{who} read ${{{var}}}: pass it as a build secret (docker build --secret id={ident},env={var}); it never lands in a layer")
    plan.notes.extend(_index_notes(indexes, tool))
    return plan


def _manifest_hint(path: str) -> str:
    fix = (
        "write it as ${VAR} in the [[source]] url (https://${PIP_INDEX_USER}:${PIP_INDEX_TOKEN}@host/simple), re-lock, and scaffold passes "
        "the variables as build secrets"
        if path.startswith("Pipfile")
        else "remove it from the URL (and re-lock): uv reads UV_INDEX_<NAME>_USERNAME/_PASSWORD and Poetry POETRY_HTTP_BASIC_<NAME>_USERNAME/_PASSWORD "
        "from the environment, a Pipfile source takes ${VAR}"
    )
    return f"{fix}; rotate the credential, it is in the repository"


def _index_notes(indexes: tuple[PackageIndex, ...], tool: str) -> list[str]:
    """Where uv/Poetry read the credentials of a private index the project declares."""
    notes: list[str] = []
    for index in indexes:
        if index.tool != tool or tool not in _INDEX_ENV or urlsplit(index.url).hostname in _PYPI_HOSTS:
            continue
        label = f"{index.source} {index.name!r}" if index.name else index.source
        if not index.name:
            notes.append(f"{label} ({index.url}) has no name, so {tool} cannot be given its credentials from the environment; name it if it needs them")
            continue
        name = re.sub(r"[^A-Z0-9]", "_", index.name.upper())
        user, password = (v.format(name=name) for v in _INDEX_ENV[tool])
        notes.append(
            f"{label} ({index.url}): if it needs credentials, {tool} reads {user} and {password}; add them to the install RUN as secret "
            f"mounts (--mount=type=secret,id={password.lower()}) exported for the {tool} command, never in a file the image copies"
        )
    return notes


def _ident(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_")
