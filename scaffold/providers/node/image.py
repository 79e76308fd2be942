"""A Node app's Dockerfile as typed stages: base, package manager, build base, deps, build, runtime.

The Node planner decides the package manager, the install, the build and what
the runtime keeps; this module lays those decisions out as steps for the one
stage template. A static site's final stage (unprivileged nginx) comes from
``static_runtime_stage``, which the monorepo planner shares.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from scaffold.plan.runtime import AppRuntime
from scaffold.plan.steps import Arg, Copy, Env, Mount, Run, Stage, StagedDockerfile, Step, Workdir, WriteFile
from scaffold.providers.shared import empty_env_file_step

PM_CACHE = Mount("cache", "/root/.npm", id="npm")
APT_INSTALL = ("apt-get update", "apt-get install -y --no-install-recommends {packages}", "rm -rf /var/lib/apt/lists/*")


@dataclass(frozen=True)
class NodeImage:
    """What the Node planner decided, in the shape the stages need (no shell formatting)."""

    static: dict[str, Any] | None  # static_site.static_fields: the nginx runtime of a built site
    base_from: str  # FROM of the base stage (the ARG form when there is one)
    base_comment: str
    version_arg: Arg | None
    pm_comment: str
    pm_setup: tuple[str, ...]
    build_base: dict[str, Any] | None  # {"from", "packages", "why", "env"}
    install_from: str
    deps_stage: bool
    deps_comment: str
    install_copy: tuple[dict[str, Any], ...]  # {"src": [...], "dest": "./"}
    install_mounts: tuple[str, ...]  # --mount flags
    install_prefix: str  # VAR=value words before the first install command
    prod_install: tuple[str, ...]  # commands, joined with &&
    full_install: tuple[str, ...]  # the build stage's install, and what runs after it
    build: bool
    build_env: tuple[str, ...]
    build_mounts: tuple[str, ...]
    build_args: tuple[str, ...]  # names the build compiles in (SvelteKit $env/static): ARGs, empty by default
    sensitive_build_args: tuple[str, ...]  # the ones hadolint would read as secrets
    build_commands: tuple[str, ...]
    runtime_from: str
    runtime_packages: dict[str, str] | None  # {"packages", "why"}
    runtime_tools: dict[str, str] | None  # {"packages", "why"}: npm packages installed globally (an undeclared ts-node)
    env: tuple[str, ...]
    node_modules_from: str | None
    runtime_copies: tuple[dict[str, str], ...]  # {"from"?, "src", "dest"}
    listen_shim: dict[str, Any] | None  # {"path", "lines"}
    writable_dirs: str
    writable_why: str
    runtime: AppRuntime  # kind: node, bun or static
    env_file_fatal: str | None = None  # where the app throws when .env is missing: the image gets an empty one


def _build_args(names: tuple[str, ...], sensitive: tuple[str, ...]) -> tuple[Arg, ...]:
    """One ARG per name; a secret-looking one carries hadolint's DL3064 ignore and why."""
    if not names:
        return ()
    out: list[Arg] = []
    for i, name in enumerate(names):
        comment = ["Compiled in by the build (SvelteKit $env/static); empty unless docker build --build-arg NAME=value"] if i == 0 else []
        if name in sensitive:
            comment.append(f"{name} is compiled into the built app, so it is in the image however it arrives; DL3064 adds nothing")
        out.append(Arg(name=name, default="", comment=tuple(comment), lint_ignore=("DL3064",) if name in sensitive else ()))
    return tuple(out)


def node_dockerfile(image: NodeImage) -> dict[str, Any]:
    """The plan's ``dockerfile``: typed stages, plus the runtime facts compose, CI and the questions read."""
    stages = [_base(image)]
    if image.pm_setup:
        stages.append(Stage("pm", "base", tuple(Run(commands=(c,), mounts=(PM_CACHE,)) for c in image.pm_setup), comment=(image.pm_comment,)))
    if image.build_base:
        stages.append(_build_base(image.build_base))
    if image.deps_stage:
        stages.append(Stage(
            "deps", image.install_from, (*_install_copies(image), _install(image, image.prod_install, "install")),
            comment=(image.deps_comment,),
        ))
    if image.build:
        stages.append(Stage(
            "build", image.install_from,
            (
                *_install_copies(image), _install(image, image.full_install, "full_install"), Copy(sources=(".",), dest="."),
                *_build_args(image.build_args, image.sensitive_build_args), Env(pairs=Env.pairs_of(image.build_env)), Run(commands=image.build_commands, mounts=Mount.from_flags(image.build_mounts), role="build"),
            ),
            comment=("Build with all dependencies, then keep only the output",),
        ))
    final = static_runtime_stage(image.static) if image.static else _runtime(image)
    stages.append(Stage(final.name, final.base, (*final.steps, *image.runtime.closing_steps()), comment=final.comment))
    extra = {**image.runtime.facts(static=static_summary(image.static)), "writable_dirs": image.writable_dirs}
    return StagedDockerfile(stages=tuple(stages), global_args=(image.version_arg,) if image.version_arg else (), extra=extra).to_dict()


def static_runtime_stage(static: dict[str, Any]) -> Stage:
    """unprivileged nginx serving the build's output with scaffold's server config (no Node runtime)."""
    return Stage(
        "runtime", static["image"],
        (
            WriteFile(dest="/etc/nginx/conf.d/default.conf", body="\n".join(static["conf"]) + "\n"),
            Copy(sources=(static["src"],), dest=static["dest"], from_stage="build"),
        ),
        comment=(f"{static['why']}: nginx serves the built files as uid 101, with no Node runtime",),
    )


def static_summary(static: dict[str, Any] | None) -> dict[str, Any] | None:
    """What compose, CI and the questions read of a static site: its image, files and SPA fallback."""
    return None if static is None else {"image": static["image"], "src": static["src"], "dest": static["dest"], "fallback": static["fallback"]}


def _base(image: NodeImage) -> Stage:
    return Stage("base", image.base_from, (Workdir(path="/app"),), comment=(image.base_comment,))


def _build_base(build_base: dict[str, Any]) -> Stage:
    steps: list[Step] = [Run(
        commands=tuple(c.format(packages=build_base["packages"]) for c in APT_INSTALL),
        comment=("Versions are not pinned: Debian drops superseded versions from its mirrors, so a pin", "would break the build; the base image tag already fixes the Debian release."),
        lint_ignore=("DL3008",),
    )]
    if build_base["env"]:
        steps.append(Env(pairs=Env.pairs_of(tuple(build_base["env"]))))
    return Stage("build-base", build_base["from"], tuple(steps), comment=(f"System packages the install needs ({build_base['why']}); the runtime stage does not get them",))


def _install_copies(image: NodeImage) -> tuple[Copy, ...]:
    return tuple(Copy(sources=tuple(group["src"]), dest=group["dest"], role="dependency_files") for group in image.install_copy)


def _install(image: NodeImage, commands: tuple[str, ...], role: str) -> Run:
    return Run(commands=(image.install_prefix + commands[0], *commands[1:]), mounts=Mount.from_flags(image.install_mounts), role=role)


def _runtime(image: NodeImage) -> Stage:
    steps: list[Step] = []
    if image.runtime_packages:
        steps.append(Run(
            commands=tuple(c.format(packages=image.runtime_packages["packages"]) for c in APT_INSTALL),
            comment=(f"{image.runtime_packages['why']}: unpinned for the reason given in the build-base stage",),
            lint_ignore=("DL3008",),
        ))
    if image.runtime_tools:
        steps.append(Run(
            commands=(f"npm install -g --no-audit --no-fund {image.runtime_tools['packages']}",), mounts=(PM_CACHE,),
            comment=(image.runtime_tools["why"],), role="runtime_tools",
        ))
    steps.append(Env(pairs=Env.pairs_of(image.env)))
    if image.node_modules_from:
        steps.append(Copy(sources=("/app/node_modules",), dest="./node_modules", from_stage=image.node_modules_from, role="node_modules"))
    steps.extend(Copy(sources=(c["src"],), dest=c["dest"], from_stage=c.get("from"), role="runtime_files") for c in image.runtime_copies)
    if image.env_file_fatal:
        steps.append(empty_env_file_step(image.env_file_fatal, "dotenv's config() error is thrown"))
    if image.listen_shim:
        steps.append(WriteFile(
            dest=image.listen_shim["path"], body="\n".join(image.listen_shim["lines"]) + "\n",
            comment=("The app binds a loopback address; this preload (NODE_OPTIONS) makes it listen on every interface",),
        ))
    if image.writable_dirs:
        user = f"{image.runtime.uid}:{image.runtime.uid}"
        dirs = [d for d in image.writable_dirs.split() if d != "/app"]
        commands: list[str] = []
        comment = [image.writable_why]
        if len(dirs) != len(image.writable_dirs.split()):
            # the database sits beside the code: /app takes new files (sticky, like /tmp), its own stay root's
            commands += [f"chgrp {image.runtime.uid} /app", "chmod 1775 /app"]
            comment.append("/app is group-writable with the sticky bit: the app creates its files there (a database, a log) but cannot replace the code")
        if dirs:
            commands += [f"mkdir -p {' '.join(dirs)}", f"chown {user} {' '.join(dirs)}"]
        steps.append(Run(commands=tuple(commands), comment=tuple(comment), role="writable_dirs"))
    return Stage("runtime", image.runtime_from, tuple(steps))


def argv_of(exec_form: str) -> tuple[str, ...]:
    """An exec-form JSON array (the shared health checks are written that way) as argv."""
    return tuple(json.loads(exec_form))
