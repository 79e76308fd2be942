"""The files that take an image from a Dockerfile to a running, published service.

``scaffold init --compose --ci github --registry ghcr`` adds compose.yaml, the
GitHub Actions workflow and README.Docker.md to the Dockerfile and .dockerignore.
The choices are saved with the other answers, so a later ``scaffold init`` (or
``--check``) keeps all of them up to date. Every function takes a list of plans:
a monorepo ships several apps from one compose file and one workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffold.registry import Registry, parse_registry

if TYPE_CHECKING:
    from scaffold.plan.model import BuildPlan

# The answers this module reads (saved in .scaffold.json like the others).
ANSWER_KEYS = ("compose", "ci", "registry")


@dataclass(frozen=True)
class ShipOptions:
    compose: bool
    ci: str | None  # "github", or None for no workflow
    registry: Registry

    @classmethod
    def from_answers(cls, answers: dict[str, Any]) -> ShipOptions:
        ci = answers.get("ci")
        return cls(
            compose=bool(answers.get("compose")),
            ci=None if ci in (None, "", "none") else str(ci),
            registry=parse_registry(answers.get("registry")),
        )

    @property
    def wanted(self) -> bool:
        return self.compose or self.ci is not None


def render_ship_files(root: Path, plans: list[BuildPlan], options: ShipOptions) -> dict[str, str]:
    """Relative path (from the project root) -> text, for each file the options ask for."""
    files: dict[str, str] = {}
    if not options.wanted:
        return files
    from scaffold.compose import COMPOSE_FILE, render_compose
    from scaffold.guide import GUIDE_FILE, render_guide

    if options.compose:
        files[COMPOSE_FILE] = render_compose(root, plans)
    workflow_shown = None
    if options.ci == "github":
        from scaffold.ci import WORKFLOW, render_workflow

        path, text = render_workflow(root, plans, options.registry)
        files[path] = text
        workflow_shown = WORKFLOW
    files[GUIDE_FILE] = render_guide(root, plans, options.registry, compose=options.compose, workflow=workflow_shown)
    return files


def ship_next_steps(plans: list[BuildPlan], options: ShipOptions) -> list[str]:
    """Lines added to the "Next:" list after the docker build/run ones."""
    steps: list[str] = []
    if options.compose:
        steps.append("docker compose up -d --build    (then: docker compose logs -f, docker compose down)")
    if options.ci == "github":
        from scaffold.ci import WORKFLOW

        steps.append(f"commit {WORKFLOW} and push: pull requests build, {_branch()} and v* tags push to {options.registry.label}")
    if options.wanted:
        steps.append("README.Docker.md has every command, including tagging and pushing by hand")
    return steps


def _branch() -> str:
    from scaffold.data import versions

    return str(versions()["ci"]["branch"])
