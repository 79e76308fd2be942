"""The ``web:`` line of a Heroku-style Procfile, which platforms run in production."""

from __future__ import annotations

from scaffold.detect.found import Found
from scaffold.providers.python.requirements import logical_lines
from scaffold.project import Project


def procfile_web(project: Project) -> Found | None:
    """The web process's command and the line it is on, or None."""
    if not project.has_file("Procfile"):
        return None
    for number, line in logical_lines(project.read_text("Procfile")):
        name, sep, command = line.partition(":")
        if sep and name.strip() == "web" and command.strip():
            return Found(command.strip(), f"Procfile:{number}")
    return None


def procfile_worker(project: Project) -> Found | None:
    """The Procfile's worker: command, for a project with no web: process."""
    if not project.has_file("Procfile"):
        return None
    for number, line in enumerate(project.read_text("Procfile").splitlines(), 1):
        name, sep, command = line.partition(":")
        if sep and name.strip() in ("worker", "bot", "queue") and command.strip():
            return Found(command.strip(), f"Procfile:{number} (worker)")
    return None
