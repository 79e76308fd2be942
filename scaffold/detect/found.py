"""``Found``: one fact and the place it was read from, shared by every detector.

Every decision in a plan names its source ("package.json > engines > node"), so
each detector records where a fact came from next to the fact itself. One type
for all ecosystems keeps that contract in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scaffold.project import Project


@dataclass(frozen=True)
class Found:
    """A value and the place it was read from."""

    value: Any
    source: str


def version_file_pin(project: Project, rel: str) -> Found | None:
    """The first meaningful line of a one-version file (.nvmrc, .node-version, .python-version, runtime.txt).

    Comments and blank lines are skipped, so CRLF endings and trailing notes do not leak into the version.
    """
    if not project.has_file(rel):
        return None
    for line in project.read_text(rel).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            return Found(line, rel)
    return None


def tool_versions_pin(project: Project, tools: tuple[str, ...]) -> Found | None:
    """The version asdf/mise's .tool-versions gives for the first of ``tools`` it lists."""
    if not project.has_file(".tool-versions"):
        return None
    for line in project.read_text(".tool-versions").splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) >= 2 and parts[0] in tools:
            return Found(parts[1], f".tool-versions > {parts[0]}")
    return None
