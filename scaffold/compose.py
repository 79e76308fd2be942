"""compose.yaml: each app as a service that `docker compose up -d --build` runs as in production.

Everything the template prints is computed here from the plans: build context and
Dockerfile (relative to the compose file and the context, as Compose resolves them),
published ports (unique on the host even when several apps listen on the same
port), the image's own health check, and build secrets the Dockerfile mounts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffold.app_paths import AppPaths, rel
from scaffold.yaml_text import flow_list, scalar

if TYPE_CHECKING:
    from scaffold.plan.model import BuildPlan

COMPOSE_FILE = "compose.yaml"
ENV_FILE = ".env"


def render_compose(root: Path, plans: list[BuildPlan]) -> str:
    from scaffold.render import render_template

    return render_template("compose/compose.yaml.j2", compose_context(root, plans))


def compose_context(root: Path, plans: list[BuildPlan]) -> dict[str, Any]:
    from scaffold.data import versions

    services: list[dict[str, Any]] = []
    secrets: dict[str, dict[str, str]] = {}
    names: set[str] = set()
    host_ports: set[int] = set()
    for plan in plans:
        paths = AppPaths(plan, root)
        name = _unique(service_name(plan.image_name), names)
        host_port = _free_port(plan.port, host_ports) if plan.serves_http else None
        dockerfile = rel(paths.dockerfile, paths.context)
        service_secrets = []
        for secret in build_secrets(plan):
            secrets[secret["id"]] = {"name": scalar(secret["id"]), "kind": secret["kind"], "value": scalar(secret["value"])}
            service_secrets.append(scalar(secret["id"]))
        services.append({
            "name": scalar(name),
            "image_name": plan.image_name,
            "context": scalar(rel(paths.context, root.resolve())),
            "dockerfile": None if dockerfile == "Dockerfile" else scalar(dockerfile),
            "ports": [json.dumps(f"{host_port}:{plan.port}")] if host_port else [],
            "url": f"http://localhost:{host_port}/" if host_port else "a worker: no port published",
            "healthcheck": healthcheck_test(plan),
            "secrets": service_secrets,
        })
    return {
        "services": services,
        "secrets": [secrets[k] for k in sorted(secrets)],
        "env_file": ENV_FILE,
        "audience": "every app" if len(services) > 1 else "the app",
        "compose_since": versions()["compose"]["optional_env_file_since"],
    }


def service_name(image_name: str) -> str:
    """Compose service names allow [a-zA-Z0-9._-]; image names are already close."""
    return re.sub(r"[^a-zA-Z0-9._-]+", "-", image_name.rsplit("/", 1)[-1]).strip("-._") or "app"


def healthcheck_test(plan: BuildPlan) -> str | None:
    """The Dockerfile's HEALTHCHECK command as a compose ``test`` (timings stay in the image).

    Compose interpolates ``$`` in every value, so each one is doubled to reach the
    container unchanged.
    """
    check = plan.dockerfile.get("healthcheck")
    if not check:
        return None
    if isinstance(check, str) and check.lstrip().startswith("["):
        argv = ["CMD", *json.loads(check)]
    elif isinstance(check, list):
        argv = ["CMD", *check]
    else:
        argv = ["CMD-SHELL", str(check)]
    return flow_list([part.replace("$", "$$") for part in argv])


def build_secrets(plan: BuildPlan) -> list[dict[str, str]]:
    """The plan's ``docker build --secret`` flags as {id, kind: file|environment, value}."""
    found = []
    for flag in plan.dockerfile.get("build_secrets", []) or []:
        fields = dict(part.split("=", 1) for part in flag.split(",") if "=" in part)
        ident = fields.get("id")
        if not ident:
            continue
        if "env" in fields:
            found.append({"id": ident, "kind": "environment", "value": fields["env"]})
        else:
            found.append({"id": ident, "kind": "file", "value": fields.get("src") or fields.get("source") or ident})
    return found


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _free_port(port: int, taken: set[int]) -> int:
    """The app's own port on the host, or the next free one when another app already has it."""
    candidate = port
    while candidate in taken and candidate < 65535:
        candidate += 1
    taken.add(candidate)
    return candidate
