"""README.Docker.md: the exact commands to build, run, inspect and publish this project's image.

Every command is computed here with the project's real names, ports and paths,
so the README can be pasted from without edits; the only guess is the GitHub
owner, read from the ``origin`` remote when there is one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffold.compose import COMPOSE_FILE, ENV_FILE, build_secrets, compose_context
from scaffold.gitinfo import github_owner, repository_root

if TYPE_CHECKING:
    from scaffold.plan.model import BuildPlan
    from scaffold.registry import Registry

GUIDE_FILE = "README.Docker.md"


def render_guide(root: Path, plans: list[BuildPlan], registry: Registry, *, compose: bool, workflow: str | None) -> str:
    from scaffold.render import render_template

    return render_template("docs/README.Docker.md.j2", guide_context(root, plans, registry, compose=compose, workflow=workflow))


def guide_context(root: Path, plans: list[BuildPlan], registry: Registry, *, compose: bool, workflow: str | None) -> dict[str, Any]:
    from scaffold.ci import secret_name

    repo = repository_root(root)
    owner = github_owner(repo) if repo else None
    services = compose_context(root, plans)["services"] if compose else []
    apps = []
    settings = [{"kind": kind, "name": name, "what": what} for kind, name, what in registry.ci_settings]
    for index, plan in enumerate(plans):
        name = plan.image_name
        remote = registry.local_image(name, owner)
        build, run, logs, probe = plan.next_steps()[:4]
        apps.append({
            "name": name,
            "port": plan.port,
            "build": build,
            "run": run,
            "logs": logs,
            "probe": probe,
            "stop": f"docker rm -f {name}",
            "service": services[index]["name"] if services else None,
            "compose_url": services[index]["url"] if services else None,
            "tag": f"docker tag {name} {remote}:latest",
            "push": f"docker push {remote}:latest",
            "remote": remote,
            "ci_image": registry.described_ci_image(name, owner),
        })
        for secret in build_secrets(plan):
            entry = {"kind": "secret", "name": secret_name(secret), "what": f"the value of build secret `{secret['id']}` ({'file ' + secret['value'] if secret['kind'] == 'file' else '$' + secret['value']})"}
            if entry not in settings:
                settings.append(entry)
    login = f"docker login {registry.login_host}".rstrip()
    from scaffold.data import versions

    return {
        "several": len(apps) > 1,
        "branch": versions()["ci"]["branch"],
        "title": apps[0]["name"] if len(apps) == 1 else Path(root).resolve().name,
        "apps": apps,
        "compose": compose,
        "compose_file": COMPOSE_FILE,
        "env_file": ENV_FILE,
        "env_example": (root / ".env.example").is_file(),
        "registry": {
            "label": registry.label,
            "login": login,
            "login_help": _login_help(registry),
            "owner_known": registry.namespace is not None or (registry.kind != "dockerhub" and owner is not None),
        },
        "workflow": workflow,
        "settings": settings,
    }


def _login_help(registry: Registry) -> str:
    if registry.kind == "ghcr":
        return "user: your GitHub name; password: a personal access token (classic) with the write:packages scope"
    if registry.kind == "dockerhub":
        return "user: your Docker Hub name; password: an access token with Read & Write scope"
    return f"the user and password or token for {registry.host}"
