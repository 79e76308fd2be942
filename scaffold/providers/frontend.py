"""A Node build that a compiled program needs before its own build: one stage, shared by Go and Rust.

A Go server that `//go:embed`s web/dist, or a Rust one that `include_str!`s a file
from node_modules, does not compile from the repository alone: those folders are
build output and never committed. The image runs the package manager the folder
pins (and its build script, when the compiled code needs what it makes) in a Node
stage on the build platform, and the compile stage copies just that folder.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

from scaffold.plan.steps import Copy, Mount, Run, Stage, Workdir


@dataclass(frozen=True)
class Frontend:
    """A folder the compiled code needs that the repository lacks, made by a package.json above it."""

    embed: str  # the missing path, relative to the root ("web/dist", "node_modules")
    folder: str  # the package.json's folder ("web")
    source: str  # where the code names it ("web/embed.go", "src/assets.rs:1")
    node: Any  # NodeFacts of that folder
    build: bool = True  # run its build script (False: the install alone makes it, as node_modules)


def frontend_name(i: int) -> str:
    return "frontend" if i == 0 else f"frontend-{i + 1}"


def frontend_stage(frontend: Frontend, i: int, *, comment: str) -> Stage:
    """The install (and build) of the folder on Node's slim image, with the package manager it pins.

    The caller words the stage's comment, its decision and its note: they say what the
    compiled code does with the folder (embeds it, includes a file from it).
    """
    from scaffold.providers.node.base_image import node_base_image
    from scaffold.providers.node.package_manager import choose_package_manager, setup_commands
    from scaffold.providers.node.plan_addons import build_node_major

    node = frontend.node
    major = build_node_major(node)
    _, pm, _ = choose_package_manager(node, None, int(major))
    prefix = "" if frontend.folder == "." else f"{frontend.folder}/"
    files = [f"{prefix}package.json", *([f"{prefix}{pm.lockfile}"] if pm.lockfile else [])]
    steps: list = [Workdir(path="/web")]
    setup = setup_commands(pm, int(major), node.package_manager_field is not None)
    if setup:
        steps.append(Run(commands=tuple(setup)))
    steps.append(Copy(sources=tuple(files), dest="./"))
    steps.append(Run(mounts=(Mount("cache", pm.cache_target, id=pm.cache_id),), commands=(pm.install(production=False),)))
    if frontend.build:
        steps.append(Copy(sources=(f"{prefix}." if prefix else ".",), dest="."))
        steps.append(Run(commands=(pm.run("build"),)))
    return Stage(
        name=frontend_name(i),
        base=str(node_base_image(major, pm, False, {}).value),  # the Debian suite the Node line has images for
        platform="$BUILDPLATFORM",
        comment=(comment.format(pm=pm.label, embed=frontend.embed),),
        steps=tuple(steps),
    )


def frontend_copy(frontend: Frontend, i: int, why: str) -> Copy:
    """The compile stage's copy of what the frontend stage made, at the same path."""
    rel = posixpath.relpath(frontend.embed, frontend.folder)
    dest = "./" if frontend.embed == "." else f"./{frontend.embed}"  # "." : the whole built tree
    return Copy(sources=(f"/web/{rel}",), dest=dest, from_stage=frontend_name(i), comment=(f"{why} ({frontend.source})",))
