"""A monorepo app's Dockerfile as typed stages, for the one stage template.

plan/monorepo.py decides the install, the pruning (turbo prune, pnpm deploy)
and the build, and describes each stage as plain fragments (name, base,
copies, runs with their mounts and commands kept apart). This module turns
those fragments and the runtime into typed steps; nothing is parsed back from
shell text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scaffold.providers.node.image import PM_CACHE, static_runtime_stage, static_summary
from scaffold.plan.runtime import AppRuntime
from scaffold.plan.steps import Arg, BuildSecret, Copy, Env, Mount, Run, Stage, StagedDockerfile, Step, Workdir

WRITABLE_WHY = "The server writes its cache here; everything else stays read-only to the app user"


@dataclass(frozen=True)
class MonorepoImage:
    """The monorepo planner's decisions: stage fragments plus the runtime, before formatting."""

    app: str
    title: tuple[str, ...]
    base_from: str
    base_comment: str
    version_arg: dict[str, str] | None  # {"name", "value", "from"}
    pm_comment: str
    pm_setup: tuple[str, ...]
    stages: tuple[dict[str, Any], ...]  # {"name", "from", "comment", "steps": [{"kind": copy|run|env, ...}]}
    runtime: dict[str, Any]  # kind, from, env, copies, workdir, user, port, healthcheck (exec JSON), cmd (exec JSON), static, writable_dirs
    labels: tuple[tuple[str, str], ...]
    build_secrets: tuple[BuildSecret, ...]


def monorepo_dockerfile(image: MonorepoImage) -> dict[str, Any]:
    import json

    runtime = image.runtime
    stages = [Stage("base", image.base_from, (Workdir(path="/app"),), comment=(image.base_comment,))]
    if image.pm_setup:
        stages.append(Stage("pm", "base", tuple(Run(commands=(c,), mounts=(PM_CACHE,)) for c in image.pm_setup), comment=(image.pm_comment,)))
    stages.extend(Stage(f["name"], f["from"], tuple(_step(s) for s in f["steps"]), comment=(f["comment"],)) for f in image.stages)
    closing = AppRuntime(
        kind=runtime["kind"],
        labels=image.labels,
        uid=int(str(runtime["user"]).split(":")[0]),
        port=int(runtime["port"]),
        serves_http=True,
        healthcheck=tuple(json.loads(runtime["healthcheck"])) if runtime.get("healthcheck") else None,
        cmd=tuple(json.loads(runtime["cmd"])),
        build_secrets=image.build_secrets,
    )
    if runtime["kind"] == "static":
        final = static_runtime_stage(runtime["static"])
    else:
        steps: list[Step] = [Env(pairs=Env.pairs_of(runtime["env"])), *(_copy(c, role="runtime_files") for c in runtime["copies"])]
        if runtime.get("workdir"):
            steps.append(Workdir(path=runtime["workdir"]))
        if runtime.get("writable_dirs"):
            dirs = runtime["writable_dirs"]
            steps.append(Run(commands=(f"mkdir -p {dirs}", f"chown {runtime['user']} {dirs}"), comment=(WRITABLE_WHY,), role="writable_dirs"))
        final = Stage("runtime", runtime["from"], tuple(steps))
    stages.append(Stage(final.name, final.base, (*final.steps, *closing.closing_steps()), comment=final.comment))
    extra = {
        "title": list(image.title),
        "app": image.app,
        **closing.facts(static=static_summary(runtime.get("static"))),
        "writable_dirs": runtime.get("writable_dirs", ""),
    }
    version_arg = (Arg(name=image.version_arg["name"], default=image.version_arg["value"]),) if image.version_arg else ()
    return StagedDockerfile(stages=tuple(stages), global_args=version_arg, extra=extra).to_dict()


def _copy(fragment: dict[str, Any], role: str = "") -> Copy:
    comment = (fragment["comment"],) if fragment.get("comment") else ()
    return Copy(sources=tuple(fragment["src"]), dest=fragment["dest"], from_stage=fragment.get("from") or None, comment=comment, role=role)


def _step(fragment: dict[str, Any]) -> Step:
    comment = (fragment["comment"],) if fragment.get("comment") else ()
    if fragment["kind"] == "copy":
        return _copy(fragment)
    if fragment["kind"] == "env":
        return Env(pairs=Env.pairs_of(fragment["pairs"]), comment=comment)
    return Run(commands=tuple(fragment["commands"]), mounts=tuple(Mount.from_flag(m) for m in fragment["mounts"]), comment=comment)
