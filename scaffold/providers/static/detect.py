"""Static sites: a folder of HTML with no build, read into frozen facts.

A site counts as static only when no other stack's manifest is in the folder: an
index.html next to package.json is a front end the Node provider builds, and one
next to requirements.txt is a template a Python app serves.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from scaffold.data import load
from scaffold.detect.found import Found
from scaffold.dockerignore import compose_dockerignore, context_files
from scaffold.errors import MalformedFileError
from scaffold.project import Project

_SAFE_DIR = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$")


@dataclass(frozen=True)
class StaticFacts:
    root: Found  # the folder nginx serves, relative to the project ("." or "public")
    pages: tuple[str, ...]  # .html files besides index.html at the root folder, for clean URLs
    has_404: bool
    name: str
    dockerignore: tuple[str, ...]
    dockerignore_notes: tuple[str, ...]


def detect(project: Project) -> StaticFacts | None:
    data = load("static_site")
    if any(project.has_file(m) for m in data["other_stacks"]):
        return None
    root = _root(project)
    if root is None:
        return None
    folder = str(root.value)
    names = project.list_dir(folder)
    pages = tuple(n for n in names if n.endswith(".html") and n != "index.html")
    ignore, notes = compose_dockerignore(context_files(project), list(data["dockerignore"]), must_keep=[posixpath.join(folder, "index.html")], secret_files=[])
    return StaticFacts(root, pages, "404.html" in names, project.root.name, tuple(ignore), tuple(notes))


def _root(project: Project) -> Found | None:
    if project.has_file("Staticfile"):
        for number, line in enumerate(project.read_text("Staticfile").splitlines(), 1):
            key, _, value = line.partition(":")
            if key.strip() == "root" and value.strip():
                folder = posixpath.normpath(value.strip().strip("'\""))
                if not _SAFE_DIR.match(folder) or folder.startswith(".."):
                    raise MalformedFileError(path="Staticfile", detail=f"line {number}: root {value.strip()[:60]!r} is not a folder inside the project")
                if not project.has_file(posixpath.join(folder, "index.html")):
                    raise MalformedFileError(path="Staticfile", detail=f"line {number}: {folder}/index.html does not exist")
                return Found(folder, f"Staticfile:{number} (root)")
        if project.has_file("index.html"):
            return Found(".", "Staticfile, index.html")
    if project.has_file("index.html"):
        return Found(".", "index.html in the project folder")
    if project.has_file("public/index.html"):
        return Found("public", "public/index.html (a folder of plain files)")
    return None
