"""How the Node app is reached and checked: its port, the host it binds, a worker with no port, its health check and labels.

The port comes from --port, the code (a listen() literal, an env fallback, a named port variable) or the
framework; a loopback bind is fixed with an environment variable the code reads or, for a literal, a
preload that makes listen() use every interface; a worker (no listen call, a queue library or a Procfile
worker) gets no EXPOSE and no HTTP check.
"""

from __future__ import annotations

import json
import re
from typing import Any

from scaffold.dockerfile_text import label_value
from scaffold.data import load, versions
from scaffold.providers.node.detect import NodeFacts
from scaffold.providers import shared
from scaffold.plan.model import Decision
from scaffold.providers.node.framework_shapes import RuntimeShape
from scaffold.providers.node.npm_scripts import follow_run, process_manager_start, tool_name


def node_port(facts: NodeFacts, answers: dict[str, Any]) -> Decision:
    override = shared.port_override(answers)
    if override:
        return override
    for kind in ("env-fallback", "literal", "env-file"):
        for hint in facts.port_hints:
            if hint.kind == kind:
                label = {"env-fallback": f"process.env.{hint.env} fallback", "literal": "listen()", "env-file": f"{hint.env} in an env file"}[kind]
                return Decision(hint.port, f"{hint.source} ({label})")
    start = facts.scripts.get("start", "")
    launcher = next((name for name in load("node")["launchers"] if name in start.split()), None)
    if launcher:
        return Decision(int(load("node")["launchers"][launcher]["port"]), f"node.toml > launchers > {launcher} (its default port; package.json > scripts > start runs it)")
    return Decision(int(versions()["frameworks"]["node"]["default_port"]), "versions.toml > frameworks.node.default_port")


def worker_decision(facts: NodeFacts, shape: RuntimeShape | None, answers: dict[str, Any]) -> Decision | None:
    """A process with no HTTP listener: a queue consumer, a bot, a scheduler.

    It needs both signs, so a server whose listen call scaffold cannot read is
    not mistaken for one: no port or listen anywhere in the code, and a worker
    library among the dependencies or a Procfile worker: line without a web: line.
    """
    if answers.get("worker"):
        return Decision(True, "--worker")
    if answers.get("port") or shape is not None or facts.port_hints or facts.serves_http or facts.procfile_web:
        return None
    libraries = sorted(set(load("node")["worker_packages"]) & set(facts.dependencies))
    if libraries:
        return Decision(True, f"package.json > dependencies > {libraries[0]}, and no listen call in the code")
    if facts.procfile_worker:
        return Decision(True, f"{facts.procfile_worker.source}, and no web: line or listen call")
    return None


def port_env(facts: NodeFacts, port: Decision) -> dict[str, str]:
    """The variable the code reads its port from, when it is not PORT (API_PORT, SERVER_PORT…), set to the port."""
    hint = next((h for h in facts.port_hints if h.port == port.value and h.env != "PORT"), None)
    return {hint.env: str(port.value)} if hint is not None else {}


def host_env(facts: NodeFacts, notes: list[str], warnings: list[str], shim: bool = False) -> dict[str, str]:
    """Make a server that binds to loopback reachable: Docker publishes ports on the container's interface."""
    hint = facts.loopback_host
    if hint is None:
        return {}
    if hint.env:
        notes.append(f"{hint.source} binds to {hint.host!r} unless {hint.env} says otherwise: the image sets {hint.env}={hint.value} so the server is reachable from outside the container")
        return {hint.env: hint.value}
    if shim:
        shim_path = load("node")["listen_shim"]["path"]
        notes.append(
            f"{hint.source} binds to {hint.host!r}, unreachable from outside the container: the image preloads {shim_path} "
            "(NODE_OPTIONS=--require), which makes a listen() on a loopback address listen on every interface; listen on '0.0.0.0' to drop it"
        )
        return {"NODE_OPTIONS": f"--require {shim_path}"}
    warnings.append(
        f"{hint.source} binds to {hint.host!r}, which is unreachable from outside the container: "
        "listen on '0.0.0.0' (or read process.env.HOST) instead"
    )
    return {}


def listen_shim(facts: NodeFacts, runtime_name: str, static: bool) -> dict[str, Any] | None:
    """The preload that reroutes a literal loopback listen() (Node only: Bun ignores NODE_OPTIONS)."""
    hint = facts.loopback_host
    if hint is None or hint.env or static or runtime_name != "node":
        return None
    data = load("node")["listen_shim"]
    return {"path": data["path"], "lines": data["source"].strip("\n").splitlines()}


def start_env(facts: NodeFacts) -> dict[str, str]:
    """The environment the start script sets: its assignments, or what pm2 would set from the ecosystem
    file it starts (`pm2 start ecosystem.config.js --env prod` -> env, then env_prod)."""
    followed = follow_run("start", facts.scripts)
    if followed is None:
        return {}
    manager = process_manager_start(facts.scripts[followed[0]])
    if manager is not None and facts.ecosystem is not None and tool_name(manager.argv[0]) == "pm2":
        from scaffold.providers.node.ecosystem import ecosystem_env

        return {**ecosystem_env(facts.ecosystem, manager.argv), **manager.env}
    return dict((manager or followed[1]).env)


def writable_folders_why(facts: NodeFacts, shape: RuntimeShape | None, static: bool) -> dict[str, str]:
    """The comment over the writable folders, present only when there are any."""
    if static or not (facts.data_dirs or (shape is not None and shape.writable)):
        return {}
    kinds = ["its SQLite database" if "SQLite" in d.source else "its files" for d in facts.data_dirs] or ["its cache"]
    what = " and ".join(dict.fromkeys(kinds))
    return {"writable_why": f"The server writes {what} here; everything else stays read-only to the app user"}


def node_labels(facts: NodeFacts, name: str) -> list[str]:
    return [f"{key}={label_value(value)}" for key, value in node_label_pairs(facts, name)]


def node_label_pairs(facts: NodeFacts, name: str) -> tuple[tuple[str, str], ...]:
    labels = [("org.opencontainers.image.title", name)]
    manifest = facts.manifest
    if isinstance(manifest.get("description"), str) and manifest["description"].strip():
        labels.append(("org.opencontainers.image.description", manifest["description"].strip()))
    repo = manifest.get("repository")
    url = repo.get("url") if isinstance(repo, dict) else repo if isinstance(repo, str) else None
    if isinstance(url, str) and url.startswith(("https://", "git+https://", "git://")):
        labels.append(("org.opencontainers.image.source", url.removeprefix("git+").removesuffix(".git")))
    if isinstance(manifest.get("license"), str):
        labels.append(("org.opencontainers.image.licenses", manifest["license"]))
    return tuple(labels)


def env_quote(value: str) -> str:
    return value if re.fullmatch(r"[\w./:@-]*", value) else json.dumps(value)


def node_healthcheck_script(port: int) -> str:
    """Asks the app over HTTP with the runtime's own fetch: slim images have no curl or wget.

    Any answer below 500 counts as healthy: an API may 404 on "/" and still be up. The port is the
    planned one when no PORT is set: an app listening on a literal 8080 reads no PORT variable.
    """
    return (
        f"fetch('http://127.0.0.1:'+(process.env.PORT||{port})+'/')"
        ".then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))"
    )
