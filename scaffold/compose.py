"""compose.yaml: each app as a service that `docker compose up -d --build` runs as in production.

Everything the template prints is computed here from the plans: build context and
Dockerfile (relative to the compose file and the context, as Compose resolves them),
published ports (unique on the host even when several apps listen on the same
port), the image's own health check, and build secrets the Dockerfile mounts.
Service names and host ports are Decisions (``service_choices``): when one is
moved off its default, compose.yaml says why next to it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scaffold.app_paths import AppPaths, rel
from scaffold.yaml_text import flow_list, scalar

if TYPE_CHECKING:
    from scaffold.plan.model import BuildPlan, Decision

COMPOSE_FILE = "compose.yaml"
ENV_FILE = ".env"


def render_compose(root: Path, plans: list[BuildPlan]) -> str:
    from scaffold.render import render_template

    return render_template("compose/compose.yaml.j2", compose_context(root, plans))


def compose_context(root: Path, plans: list[BuildPlan]) -> dict[str, Any]:
    from scaffold.data import versions

    services: list[dict[str, Any]] = []
    secrets: dict[str, dict[str, str]] = {}
    for choice in service_choices(plans):
        plan = choice.plan
        paths = AppPaths(plan, root)
        name = choice.name.value
        host_port = choice.host_port.value if choice.host_port else None
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
            "url": (f"http://localhost:{host_port}/" + ("" if host_port == plan.port else f" ({choice.host_port.source})")) if choice.host_port else "a worker: no port published",
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


@dataclass(frozen=True)
class ServiceChoice:
    """One app's service name and published host port in compose.yaml, each with where it came from."""

    plan: BuildPlan
    name: Decision
    host_port: Decision | None  # None: a worker publishes no port


def service_choices(plans: list[BuildPlan]) -> list[ServiceChoice]:
    """Service names and host ports for the apps, in order: unique on the host, with the reason when one moved."""
    from scaffold.plan.model import Decision

    names: dict[str, str] = {}  # service name -> image that has it
    ports: dict[int, str] = {}  # host port -> service that publishes it
    out = []
    for plan in plans:
        base = service_name(plan.image_name)
        name = _unique(base, set(names))
        name_source = "the image name" if name == base else f"the image name, numbered: {names[base]} already has {base}"
        names[name] = plan.image_name
        host_port = None
        if plan.serves_http:
            port = _free_port(plan.port, set(ports))
            source = "the app's port" if port == plan.port else f"{plan.port} is published by {ports[plan.port]}: the next free port"
            ports[port] = name
            host_port = Decision(port, source)
        out.append(ServiceChoice(plan, Decision(name, name_source), host_port))
    return out


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
    """The plan's build secrets as {id, kind: file|environment, value}, the shape compose's ``secrets:`` takes."""
    return [secret.to_dict() for secret in plan.build_secrets]


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    return candidate


def _free_port(port: int, taken: set[int]) -> int:
    """The app's own port on the host, or the next free one when another app already has it."""
    candidate = port
    while candidate in taken and candidate < 65535:
        candidate += 1
    return candidate
