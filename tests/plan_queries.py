"""Read a typed stage plan the way the tests ask about it: by a step's role or kind."""

from __future__ import annotations

import json
from typing import Any


def steps(plan: Any, *, kind: str | None = None, role: str | None = None, stage: str | None = None) -> list[dict[str, Any]]:
    """Every step of the plan's stages that has this kind and role (in order)."""
    found = []
    for each in plan.dockerfile["stages"]:
        if stage is not None and each["name"] != stage:
            continue
        for step in each["steps"]:
            if (kind is None or step["kind"] == kind) and (role is None or step["role"] == role):
                found.append(step)
    return found


def run_lines(step: dict[str, Any]) -> list[str]:
    """A RUN as the lines a reader sees: its mounts as flags, then its commands, the later ones after &&."""
    return [*(f"--mount={m}" for m in step["mounts"]), *(c if i == 0 else f"&& {c}" for i, c in enumerate(step["commands"]))]


def role_lines(plan: Any, role: str) -> list[str]:
    """The lines of the one RUN with this role, or [] when the plan has none."""
    found = steps(plan, kind="run", role=role)
    assert len(found) <= 1, f"{len(found)} RUN steps with role {role!r}"
    return run_lines(found[0]) if found else []


def copied(plan: Any, role: str = "dependency_files") -> list[str]:
    """What the COPY steps with this role take from the context."""
    return [src for step in steps(plan, kind="copy", role=role) for src in step["sources"]]


def cmd(plan: Any) -> list[str]:
    """The image's CMD as argv (a Node plan still carries it as a field)."""
    if "stages" not in plan.dockerfile:
        return json.loads(plan.dockerfile["cmd"])
    return json.loads(steps(plan, kind="cmd")[-1]["exec"])


def stage_names(plan: Any) -> list[str]:
    return [stage["name"] for stage in plan.dockerfile["stages"]]


def production_install(plan: Any) -> str:
    """The production dependency install (the deps stage's RUN), its commands joined with &&."""
    found = steps(plan, kind="run", role="install")
    assert found, "the plan has no production install RUN (no deps stage)"
    return " && ".join(found[0]["commands"])


def install_mounts(plan: Any) -> list[str]:
    """The --mount flags of the dependency install (production, else the build's full install)."""
    found = steps(plan, kind="run", role="install") or steps(plan, kind="run", role="full_install")
    return [f"--mount={m}" for m in found[0]["mounts"]]


def install_groups(plan: Any) -> list[dict[str, Any]]:
    """The dependency COPY steps as {"src": [...], "dest": ...}, each once."""
    groups: list[dict[str, Any]] = []
    for step in steps(plan, kind="copy", role="dependency_files"):
        group = {"src": step["sources"], "dest": step["dest"]}
        if group not in groups:
            groups.append(group)
    return groups


def pm_setup(plan: Any) -> list[str]:
    """The commands of the package-manager stage, [] when the image's own is used."""
    return [c for step in steps(plan, kind="run", stage="pm") for c in step["commands"]]


def runtime_copies(plan: Any) -> list[dict[str, str]]:
    """The final stage's copies of the app's files, as {"from"?, "src", "dest"}."""
    return [
        {**({"from": s["from"]} if s["from"] else {}), "src": s["sources"][0], "dest": s["dest"]}
        for s in steps(plan, kind="copy", role="runtime_files", stage="runtime")
    ]


def runtime_env(plan: Any) -> list[str]:
    """The final stage's ENV, as NAME=value lines."""
    return [pair for step in steps(plan, kind="env", stage="runtime") for pair in step["pairs"]]


def apt_packages(plan: Any, stage: str) -> list[str] | None:
    """The Debian packages a stage installs with apt-get, None when it installs none."""
    for step in steps(plan, kind="run", stage=stage):
        for command in step["commands"]:
            if command.startswith("apt-get install"):
                return command.split("--no-install-recommends", 1)[1].split()
    return None
