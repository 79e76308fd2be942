"""A Python app's Dockerfile as typed stages: base, build (venv and tools), runtime.

The Python planner decides what to install and run; this module only lays
those decisions out as steps, so the one stage template prints Python the way
it prints Go and Rust and no decision hides in a template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scaffold.detect.found import Found
from scaffold.plan.runtime import AppRuntime
from scaffold.plan.steps import Arg, Copy, Env, Mount, Run, Stage, StagedDockerfile, Step, Workdir, WriteFile

APT_MOUNTS = (
    Mount("cache", "/var/cache/apt", id="apt-cache", sharing="locked"),
    Mount("cache", "/var/lib/apt/lists", id="apt-lists", sharing="locked"),
)
TOOL_CACHE = Mount("cache", "/root/.cache/pip", id="pip")


@dataclass(frozen=True)
class PythonImage:
    """What the Python planner decided, in the shape the stages need (no formatting yet)."""

    base_image: str
    base_comment: str  # "Runtime image: Debian slim, Python 3.13 (source)"
    version_arg: Arg | None  # PYTHON_VERSION, when the image tag is the standard one
    base_from: str  # the FROM of the base stage (the ARG form when there is one)
    tool: str
    tool_comment: str | None  # "uv 0.9 in its own virtualenv (...)"; None for pip
    setup: tuple[str, ...]
    build_packages: tuple[str, ...]
    native_packages: tuple[str, ...]
    build_env: tuple[str, ...]
    install_copy: tuple[dict[str, Any], ...]  # {"src": [...], "dest": "./"}; empty when the install needs the sources
    install_mounts: tuple[str, ...]
    install: tuple[str, ...]
    install_lint_ignore: tuple[str, ...]
    install_lint_why: str
    needs_source: bool
    project_mounts: tuple[str, ...]
    project_steps: tuple[str, ...]
    runtime_setup: tuple[str, ...]
    runtime_packages: tuple[str, ...]
    source_from_build: bool
    listen_shim: dict[str, Any] | None  # {"folder", "lines"}
    env: tuple[str, ...]
    runtime: AppRuntime
    writable: tuple[Found, ...] = ()  # folders under /app the app user may write


def python_dockerfile(image: PythonImage) -> dict[str, Any]:
    """The plan's ``dockerfile``: typed stages, plus the runtime facts compose and CI read."""
    staged = StagedDockerfile(
        stages=(_base(image), _build(image), _runtime(image)),
        global_args=(image.version_arg,) if image.version_arg else (),
        extra=image.runtime.facts(),
    )
    return staged.to_dict()


def _base(image: PythonImage) -> Stage:
    env = Env(
        pairs=(("PYTHONDONTWRITEBYTECODE", "1"), ("PYTHONUNBUFFERED", "1")),
        comment=("No .pyc files written at run time (the code is read-only to the app user), and logs unbuffered",),
    )
    return Stage("base", image.base_from, (env, Workdir(path="/app")), comment=(image.base_comment,))


def _build(image: PythonImage) -> Stage:
    steps: list[Step] = []
    if image.build_packages:
        steps.append(Run(
            commands=("rm -f /etc/apt/apt.conf.d/docker-clean", "apt-get update", "apt-get install -y --no-install-recommends " + " ".join(image.build_packages)),
            mounts=APT_MOUNTS,
            comment=(
                f"Headers and a C compiler for {', '.join(image.native_packages)}. Versions are Debian's",
                "(security updates land without editing this file), hence no pins:",
            ),
            lint_ignore=("DL3008",),
        ))
    steps.append(Run(
        commands=image.setup,
        mounts=(TOOL_CACHE,) if image.tool != "pip" else (),
        comment=(image.tool_comment,) if image.tool_comment else (),
        role="setup",
    ))
    steps.append(Env(pairs=Env.pairs_of(image.build_env)))
    if image.needs_source:
        steps.append(Copy(sources=(".",), dest="."))
    else:
        for i, group in enumerate(image.install_copy):
            comment = ("Production dependencies only: rebuilt when the dependency files change, not when the code does",) if i == 0 else ()
            steps.append(Copy(sources=tuple(group["src"]), dest=group["dest"], comment=comment, gap=i == 0, role="dependency_files"))
    lint_comment = (image.install_lint_why,) if image.install_lint_ignore else ()
    steps.append(Run(commands=image.install, mounts=Mount.from_flags(image.install_mounts), comment=lint_comment, lint_ignore=image.install_lint_ignore, role="install"))
    if image.project_steps:
        if not image.needs_source:
            steps.append(Copy(sources=(".",), dest="."))
        steps.append(Run(commands=image.project_steps, mounts=Mount.from_flags(image.project_mounts), role="project"))
    return Stage("build", "base", tuple(steps), comment=("Build stage: compilers and the package manager stay here; only /opt/venv moves on",))


def _runtime(image: PythonImage) -> Stage:
    steps: list[Step] = []
    if image.runtime_packages:
        steps.append(Run(
            commands=image.runtime_setup,
            comment=("System libraries the app loads at run time, and the app user; Debian's versions, hence no pins:",),
            lint_ignore=("DL3008",),
        ))
    else:
        steps.append(Run(commands=image.runtime_setup))
    steps.append(Copy(sources=("/opt/venv",), dest="/opt/venv", from_stage="build"))
    steps.append(Copy(sources=("/app",), dest="./", from_stage="build") if image.source_from_build else Copy(sources=(".",), dest="."))
    if image.writable:
        paths = [str(d.value) if str(d.value).startswith("/") else f"/app/{d.value}".removesuffix("/.") for d in image.writable]
        dirs = " ".join(p for p in paths if p != "/app")
        uid = image.runtime.uid
        commands = (f"mkdir -p {dirs}", f"chown {uid}:{uid} {dirs}") if dirs else ()
        comment = [f"Writable by the app user, the rest stays root's: {'; '.join(d.source for d in image.writable)}"]
        if "/app" in paths:
            # A database beside the code: /app group-writable with the sticky bit (as /tmp is), so the
            # app can create files there but cannot delete or replace the root-owned code
            commands += (f"chgrp {uid} /app", "chmod 1775 /app")
            comment.append("/app is group-writable with the sticky bit: the app creates its files there but cannot replace the code")
        steps.append(Run(commands=commands, comment=tuple(comment), role="writable_dirs"))
    if image.listen_shim:
        steps.append(WriteFile(
            dest=f"{image.listen_shim['folder']}/sitecustomize.py",
            body="\n".join(image.listen_shim["lines"]) + "\n",
            comment=("The app binds a loopback address; this sitecustomize (on PYTHONPATH) makes it bind every interface",),
        ))
    steps.append(Env(pairs=Env.pairs_of(image.env)))
    steps.extend(image.runtime.closing_steps())
    return Stage("runtime", "base", tuple(steps))
