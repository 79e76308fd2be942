"""Planning: facts + answers -> a BuildPlan whose every value records its source."""

from __future__ import annotations

from typing import Any

from scaffold.errors import NothingDetectedError
from scaffold.plan.model import BuildPlan, Decision
from scaffold.project import Project

__all__ = ["BuildPlan", "Decision", "plan_project"]


def plan_project(project: Project, answers: dict[str, Any] | None = None) -> BuildPlan:
    from scaffold.detect import detect

    answers = answers or {}
    found = detect(project)
    if found is None:
        raise NothingDetectedError(path=project.root)
    ecosystem, facts = found
    if ecosystem == "node":
        from scaffold.plan.node import plan_node

        return plan_node(project, facts, answers)
    if ecosystem == "python":
        from scaffold.plan.python import plan_python

        return plan_python(project, facts, answers)
    raise NothingDetectedError(path=project.root)  # pragma: no cover - every detector has a planner
