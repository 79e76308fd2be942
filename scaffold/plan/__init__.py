"""Planning: facts + answers -> a BuildPlan whose every value records its source."""

from __future__ import annotations

from typing import Any

from scaffold.errors import NothingDetectedError, UsageError
from scaffold.plan.model import BuildPlan, Decision
from scaffold.project import Project

__all__ = ["BuildPlan", "Decision", "plan_project"]


def plan_project(project: Project, answers: dict[str, Any] | None = None) -> BuildPlan:
    """The plan for the project; inside a monorepo, for one app (``answers["app"]`` or the folder given).

    A monorepo app's plan has paths relative to the monorepo root
    (``plan.dockerfile_path == "apps/api/Dockerfile"``), whichever folder was given.
    """
    answers = answers or {}
    if not answers.get("app"):
        from scaffold.providers import match

        matched = match(project)
        if matched is not None:
            provider, facts, why = matched
            built = provider.plan(facts, answers)
            built.decisions["provider"] = Decision(provider.name, "; ".join(why) + " (scaffold/providers: first match wins)")
            return built
    from scaffold.plan.monorepo_select import locate

    located = locate(project, answers.get("app"))
    if located is not None:
        from scaffold.plan.monorepo import plan_workspace_app

        root, ws, app, source = located
        return plan_workspace_app(root, ws, app, {**answers, "app_source": source})
    if answers.get("app"):
        raise UsageError(f"--app: {project.root} is not in a monorepo (no pnpm-workspace.yaml, no package.json > workspaces)")
    from scaffold.detect import detect

    found = detect(project)
    if found is None:
        from scaffold.providers import SUPPORTED, markers_found

        raise NothingDetectedError(path=project.root, found=markers_found(project), supported=SUPPORTED)
    ecosystem, facts = found
    if ecosystem == "node":
        from scaffold.plan.node import plan_node

        return plan_node(project, facts, answers)
    if ecosystem == "python":
        from scaffold.plan.python import plan_python

        return plan_python(project, facts, answers)
    raise NothingDetectedError(path=project.root)  # pragma: no cover - every detector has a planner
