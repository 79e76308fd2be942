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
