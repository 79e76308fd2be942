"""How an app's final stage ends, and what compose, CI and the questions read about it.

Node, a Node monorepo app and Python end their images the same way: labels,
a numeric non-root user (the app's files stay root's), EXPOSE unless it is a
worker, a health check that needs no curl, and an exec-form CMD. One record
holds those facts, prints them as steps, and says them to the rest of scaffold,
so the three planners cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scaffold.plan.steps import BuildSecret, Cmd, Expose, Healthcheck, Label, Step, User


@dataclass(frozen=True)
class AppRuntime:
    """The final stage's closing facts: who runs what, on which port, checked how."""

    kind: str  # node | bun | python | static
    labels: tuple[tuple[str, str], ...]
    uid: int
    port: int
    serves_http: bool  # False for a worker: no EXPOSE
    healthcheck: tuple[str, ...] | None  # exec-form argv, None for none
    cmd: tuple[str, ...]
    build_secrets: tuple[BuildSecret, ...] = ()  # what docker build --secret passes

    def closing_steps(self) -> tuple[Step, ...]:
        steps: list[Step] = [
            Label(pairs=self.labels),
            User(uid=self.uid, gid=self.uid, comment=(f"App files stay owned by root, so the app cannot rewrite its own code; it runs as uid {self.uid}.",)),
        ]
        if self.serves_http:
            steps.append(Expose(port=self.port))
        if self.healthcheck:
            steps.append(Healthcheck(argv=self.healthcheck))
        steps.append(Cmd(argv=self.cmd))
        return tuple(steps)

    def facts(self, **runtime_extra: Any) -> dict[str, Any]:
        """The plan's runtime facts beside its stages (``runtime_extra`` joins the ``runtime`` entry)."""
        return {
            "runtime": {"kind": self.kind, "uid": self.uid, "cmd": list(self.cmd), **runtime_extra},
            "healthcheck": list(self.healthcheck) if self.healthcheck else None,
            "port": self.port,
            "build_secrets": [secret.to_dict() for secret in self.build_secrets],
        }
