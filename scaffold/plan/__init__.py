"""Planning: facts + answers -> a BuildPlan whose every value records its source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from scaffold.errors import NothingDetectedError, UsageError
from scaffold.plan.model import BuildPlan, Decision
from scaffold.project import Project

__all__ = ["BuildPlan", "Decision", "plan_project"]


def plan_project(project: Project, answers: dict[str, Any] | None = None, origins: Mapping[str, str] | None = None) -> BuildPlan:
    """The plan for the project; inside a monorepo, for one app (``answers["app"]`` or the folder given).

    A monorepo app's plan has paths relative to the monorepo root
    (``plan.dockerfile_path == "apps/api/Dockerfile"``), whichever folder was given.
    The providers are tried in scaffold/providers' order; the plan records which won and why.
    ``origins`` says where each answer came from (``saved``, ``asked`` or ``flag``, by answer
    key); a decision made from an answer takes that origin, and one without is a flag's.
    """
    from scaffold.providers import SUPPORTED, markers_found, match, nested_projects, provider

    answers = answers or {}
    if answers.get("app"):
        node = provider("node")
        found = node.detect(project)
        if found is None or not found.in_workspace:
            raise UsageError(f"--app: {project.root} is not in a monorepo (no pnpm-workspace.yaml, no package.json > workspaces)")
        matched = (node, found, ["node: --app names a workspace app"])
    else:
        matched = match(project)
    if matched is None:
        raise NothingDetectedError(path=project.root, found=markers_found(project), supported=SUPPORTED, nested=nested_projects(project))
    chosen, facts, why = matched
    built = chosen.plan(facts, answers)
    built.decisions["provider"] = Decision(chosen.name, "; ".join(why) + " (scaffold/providers: first match wins)")
    if origins:
        built.decisions = {key: _answered(decision, origins) for key, decision in built.decisions.items()}
    return built


def answer_key(flag: str) -> str:
    """The answer key a flag sets: ``--base-image`` base_image, ``--no-healthcheck`` healthcheck, ``--name`` image_name."""
    key = flag.removeprefix("--").removeprefix("no-").replace("-", "_")
    return "image_name" if key == "name" else key


def _answered(decision: Decision, origins: Mapping[str, str]) -> Decision:
    if decision.origin != "flag":
        return decision
    origin = origins.get(answer_key(decision.source.split(" ", 1)[0]), "flag")
    return decision if origin == "flag" else replace(decision, origin=origin)
