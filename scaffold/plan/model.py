"""The build plan: every decision scaffold made, each with where it came from.

The plan is plain data. ``to_dict`` gives sorted, JSON-ready output (``scaffold
plan --json``) and is the only thing templates see, so a template can test and
print fields but never compute one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Decision:
    """A value and a readable source: "package.json > engines > node", "--port", "default"."""

    value: Any
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source}


@dataclass
class BuildPlan:
    ecosystem: str
    template: str  # folder under templates/
    decisions: dict[str, Decision]
    # Everything the Dockerfile template prints, already computed.
    dockerfile: dict[str, Any]
    dockerignore: list[str]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Relative to the project root; monorepo apps write next to the app.
    dockerfile_path: str = "Dockerfile"
    dockerignore_path: str = ".dockerignore"
    build_context: str = "."
    # Paths (relative to the project root) whose changes should rebuild this image, for
    # CI path filters; empty means "everything in the build context". A monorepo planner
    # lists the app's folder, the workspace packages it uses and the root lockfile.
    watch_paths: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The Dockerfile's header prints the build and run commands, so every planner's
        # output carries them; computed here once, from the finished plan.
        self.dockerfile = {**self.dockerfile, "next_steps": self.next_steps()}

    def value(self, key: str) -> Any:
        decision = self.decisions.get(key)
        return decision.value if decision else None

    @property
    def image_name(self) -> str:
        return str(self.value("image_name"))

    @property
    def port(self) -> int:
        return int(self.value("port"))

    @property
    def serves_http(self) -> bool:
        """False for a worker (a queue consumer, a bot): no published port, no HTTP health check."""
        return not bool(self.value("worker"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "ecosystem": self.ecosystem,
            "template": self.template,
            "decisions": {key: self.decisions[key].to_dict() for key in sorted(self.decisions)},
            "dockerfile": self.dockerfile,
            "dockerignore": list(self.dockerignore),
            "files": {"dockerfile": self.dockerfile_path, "dockerignore": self.dockerignore_path, "context": self.build_context},
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }

    def next_steps(self) -> list[str]:
        name = self.image_name
        port = self.port
        file_flag = "" if self.dockerfile_path == "Dockerfile" else f" -f {self.dockerfile_path}"
        secrets = "".join(f" --secret {s}" for s in self.dockerfile.get("build_secrets", []))
        build = f"docker build{file_flag}{secrets} -t {name} {self.build_context}"
        if not self.serves_http:
            return [build, f"docker run -d --name {name} {name}", f"docker logs -f {name}"]
        return [
            build,
            f"docker run -d --name {name} -p {port}:{port} {name}",
            f"docker logs -f {name}",
            f"curl http://localhost:{port}/",
        ]
