"""StaticFacts + answers -> a BuildPlan: one stage, unprivileged nginx serving the files as they are.

No build stage: the files are the site. Clean URLs (`/about` serves about.html),
404.html when the site has one, and the same server config, port and health
check as the static sites the Node provider builds (plan/static_site.py).
"""

from __future__ import annotations

import json
from typing import Any

from scaffold.plan.model import BuildPlan, Decision
from scaffold.plan.static_site import DOC_ROOT, NGINX_CMD, NGINX_UID, StaticSite, nginx_conf, nginx_healthcheck, static_image, static_port
from scaffold.plan.steps import Cmd, Copy, Expose, Healthcheck, Stage, StagedDockerfile, User, WriteFile
from scaffold.providers import shared
from scaffold.providers.base import Target
from scaffold.providers.static.detect import StaticFacts


def targets(facts: StaticFacts) -> tuple[Target, ...]:
    return (Target("site", str(facts.root.value), "static files"),)


def plan(facts: StaticFacts, answers: dict[str, Any]) -> BuildPlan:
    port = shared.port_override(answers) or Decision(static_port(), "versions.toml > static.port (nginx-unprivileged)")
    decisions = {
        "site_root": Decision(facts.root.value, facts.root.source),
        "image_name": shared.image_name(answers, facts.name, "folder name"),
        "base_image": shared.base_image(answers, static_image(), "versions.toml > static.image"),
        "port": port,
        "healthcheck": shared.healthcheck_wanted(answers),
        "start_command": Decision(list(NGINX_CMD), "nginx serves the files"),
    }
    site = StaticSite(root=str(facts.root.value), fallback=None, immutable=None, why="a static site")
    folder = str(facts.root.value)
    health = json.loads(nginx_healthcheck(int(port.value))) if decisions["healthcheck"].value else None
    steps: list = [
        WriteFile(dest="/etc/nginx/conf.d/default.conf", body="\n".join(nginx_conf(site, int(port.value))) + "\n",
                  comment=("nginx's config: clean URLs (/about serves about.html), 404.html for missing pages",)),
        Copy(sources=("./" if folder == "." else f"{folder}/",), dest=f"{DOC_ROOT}/", comment=("The site's files, owned by root: nginx only reads them",)),
        shared.labels(str(decisions["image_name"].value)),
        User(uid=NGINX_UID, gid=NGINX_UID, comment=(f"nginx-unprivileged's user (uid {NGINX_UID}), listening on {port.value}",)),
        Expose(port=int(port.value)),
    ]
    if health:
        steps.append(Healthcheck(argv=tuple(health), comment=("A real HTTP request through bash's /dev/tcp: the image has no curl",)))
    steps.append(Cmd(argv=tuple(NGINX_CMD)))
    runtime = Stage(name="runtime", base=str(decisions["base_image"].value), steps=tuple(steps), comment=("Static site: unprivileged nginx serves the files as they are (no build, no runtime)",))
    staged = StagedDockerfile(stages=(runtime,), extra={"runtime": {"kind": "static"}, "healthcheck": health, "port": port.value, "build_secrets": []})
    return BuildPlan(ecosystem="static", template="stages", decisions=decisions, dockerfile=staged.to_dict(), dockerignore=list(facts.dockerignore), notes=list(facts.dockerignore_notes))
