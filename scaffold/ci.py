""".github/workflows/docker.yml: build every app's image on pull requests, push it from the main branch and tags.

GitHub reads workflows only from the repository root and runs steps there, so
every path here is relative to the repository root, which may be above the
project scaffold was pointed at. With several apps (a monorepo) each app gets
its own job, run only when its own paths changed; a one-app project in a
subfolder filters the whole workflow by that folder instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffold.app_paths import AppPaths, rel
from scaffold.compose import build_secrets, service_name
from scaffold.gitinfo import repository_root
from scaffold.yaml_text import scalar

if TYPE_CHECKING:
    from scaffold.plan.model import BuildPlan
    from scaffold.registry import Registry

WORKFLOW = ".github/workflows/docker.yml"
PROVIDERS = ("github",)


@dataclass(frozen=True)
class WorkflowLocation:
    repo_root: Path  # where .github/ lives and where steps run
    path: str  # the workflow file relative to the project root (may start with ../)


def workflow_location(root: Path) -> WorkflowLocation:
    """The repository root above ``root`` (or ``root`` itself outside git) and the workflow path."""
    repo = repository_root(root) or root.resolve()
    return WorkflowLocation(repo, rel(repo / WORKFLOW, root.resolve()))


def render_workflow(root: Path, plans: list[BuildPlan], registry: Registry) -> tuple[str, str]:
    """(path relative to the project root, workflow text)."""
    from scaffold.render import render_template

    location = workflow_location(root)
    return location.path, render_template("ci/github.yml.j2", workflow_context(root, plans, registry, location.repo_root))


def workflow_context(root: Path, plans: list[BuildPlan], registry: Registry, repo_root: Path) -> dict[str, Any]:
    from scaffold.data import versions

    ci = versions()["ci"]
    repo_root = repo_root.resolve()
    jobs: list[dict[str, Any]] = []
    taken = {"changes"}
    for plan in plans:
        paths = AppPaths(plan, root)
        job_id = _unique(job_name(plan.image_name), taken)
        jobs.append({
            "id": job_id,
            "image_name": plan.image_name,
            # host/namespace/name with at most one ${{ }} expression: a valid plain scalar.
            "image": registry.ci_image(plan.image_name),
            "context": scalar(rel(paths.context, repo_root)),
            "file": scalar(rel(paths.dockerfile, repo_root)),
            "cache_scope": job_id,
            "title": scalar(f"org.opencontainers.image.title={plan.image_name}"),
            "secrets": [f"{s['id']}=${{{{ secrets.{secret_name(s)} }}}}" for s in build_secrets(plan)],
            "filters": [scalar(p) for p in trigger_paths(paths, repo_root)],
            "condition": None,
        })
    monorepo = len(jobs) > 1
    workflow_paths: list[str] = []
    if monorepo:
        for job in jobs:
            job["condition"] = "${{ !cancelled() && (needs.changes.outputs." + job["id"] + " == 'true' || needs.changes.result == 'skipped') }}"
    elif jobs and jobs[0]["filters"] != [scalar("**")]:
        workflow_paths = jobs[0]["filters"]
    return {
        "name": "Docker images" if monorepo else "Docker image",
        "actions": {k: ci[k] for k in ("checkout", "setup_buildx", "login", "metadata", "build_push", "paths_filter")},
        "runner": ci["runner"],
        "branch": scalar(ci["branch"]),
        "workflow_paths": workflow_paths,
        "monorepo": monorepo,
        "registry": {
            "label": registry.label,
            "host": scalar(registry.login_host) if registry.login_host else None,
            "username": "${{ " + registry.ci_username + " }}",
            "password": "${{ " + registry.ci_password + " }}",
            "packages": registry.kind == "ghcr",
        },
        "jobs": jobs,
    }


def trigger_paths(paths: AppPaths, repo_root: Path) -> list[str]:
    """Path filters (relative to the repository root) that should rebuild this app; ``**`` is everything."""
    found: list[str] = []
    for target in paths.watched():
        relative = rel(target, repo_root)
        if relative == ".":
            return ["**"]
        found.append(relative if target.is_file() else f"{relative}/**")
    return sorted(set(found)) + [WORKFLOW]


def job_name(image_name: str) -> str:
    """Job ids (and paths-filter names) start with a letter or _ and hold only [A-Za-z0-9_-]."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", service_name(image_name)).strip("-")
    return name if re.match(r"[A-Za-z_]", name or "") else f"app-{name}".rstrip("-")


def secret_name(secret: dict[str, str]) -> str:
    """The repository secret holding a build secret: the env variable's own name, or the id in capitals."""
    base = secret["value"] if secret["kind"] == "environment" else secret["id"]
    return re.sub(r"[^A-Z0-9_]", "_", base.upper()).lstrip("0123456789") or "BUILD_SECRET"


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate)
    return candidate
