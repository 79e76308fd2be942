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

Secret mounts are not part of BuildKit's cache key, which is why the ``${VAR}``
form is recommended for requirements files: the file is then copied and a change
to it re-runs the install as usual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scaffold.detect.python_secrets import CredentialFile

_PIP_TOOLS = ("pip", "pipenv", "pdm")  # the install ends with pip reading its config


@dataclass
class SecretPlan:
    install_mounts: list[str] = field(default_factory=list)  # the dependency install RUN
    env_prefix: str = ""  # VAR="$(cat /run/secrets/var)" before the command reading the requirements file
    flags: list[str] = field(default_factory=list)  # docker build --secret values
    hidden: list[str] = field(default_factory=list)  # kept out of the context (and out of every COPY)
    copy: list[str] = field(default_factory=list)  # tool config without credentials, copied with the manifest
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def secret_plan(credentials: tuple[CredentialFile, ...], tool: str) -> SecretPlan:
    plan = SecretPlan()
    env_vars: list[str] = []
    for cred in credentials:
        ident = _ident(cred.path)
        mount_file = f"--mount=type=secret,id={ident},target={{target}},required=true"
        flag = f"id={ident},src={cred.path}"
        if cred.kind == "requirements":
            if tool != "pip":
                continue  # a lockfile is installed instead; the file is not read
            env_vars.extend(v for v in cred.env_refs if v not in env_vars)
            if cred.literal:
                plan.install_mounts.append(mount_file.format(target=f"/app/{cred.path}"))
                plan.flags.append(flag)
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
                plan.flags.append(flag)
                plan.notes.append(
                    f"{cred.path} configures pip's index: it is mounted as /etc/pip.conf during the install only "
                    f"(docker build --secret {flag}) and never copied into the image"
                )
        elif cred.literal:
            plan.hidden.append(cred.path)
            if cred.kind == tool:
                plan.install_mounts.append(mount_file.format(target=f"/app/{cred.path}"))
                plan.flags.append(flag)
                plan.notes.append(
                    f"{cred.literal} holds a credential: the file is kept out of the build context and mounted only during the install "
                    f"(docker build --secret {flag})"
                )
            else:
                plan.notes.append(f"{cred.literal} holds a credential: kept out of the build context ({tool} does not read it)")
        elif cred.kind == tool:
            plan.copy.append(cred.path)
    for var in env_vars:
        ident = var.lower()
        plan.install_mounts.append(f"--mount=type=secret,id={ident},required=true")
        plan.env_prefix += f'{var}="$(cat /run/secrets/{ident})" '
        plan.flags.append(f"id={ident},env={var}")
        plan.notes.append(f"requirements read ${{{var}}}: pass it as a build secret (docker build --secret id={ident},env={var}); it never lands in a layer")
    return plan


def _ident(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_")
