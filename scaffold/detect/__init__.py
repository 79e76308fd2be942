"""Detection: read the project, return plain facts. One module per ecosystem.

``ECOSYSTEMS`` is ordered: the first detector that recognises the folder wins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scaffold.project import Project


def _node(project: Project) -> Any:
    from scaffold.detect import node

    return node.detect(project)


def _python(project: Project) -> Any:
    from scaffold.detect import python

    return python.detect(project)


ECOSYSTEMS: tuple[tuple[str, Callable[[Project], Any]], ...] = (("node", _node), ("python", _python))


def detect(project: Project) -> tuple[str, Any] | None:
    """(ecosystem name, facts) for the first ecosystem that recognises the project."""
    for name, detector in ECOSYSTEMS:
        facts = detector(project)
        if facts is not None:
            return name, facts
    return None
