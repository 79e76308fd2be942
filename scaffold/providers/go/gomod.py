"""go.mod and go.work, read line by line.

Both files have a small, stable grammar (a directive, or a directive with a
parenthesised block), so a line reader is enough; ``go mod edit -json`` would
need a Go toolchain on the machine running scaffold, and output must not
depend on that machine.
"""

from __future__ import annotations

import posixpath
import re

from scaffold.detect.found import Found
from scaffold.errors import MalformedFileError
from scaffold.project import Project
from scaffold.providers.go.facts import GoModule

_VERSION = re.compile(r"^1(\.\d+){0,2}((rc|beta)\d+)?$")
MODULE_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~/+-]{0,300}$")


def directives(text: str) -> list[tuple[str, list[str], int]]:
    """(verb, arguments, line number) for every directive, blocks expanded to one entry a line."""
    out: list[tuple[str, list[str], int]] = []
    block: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        if block is not None:
            if line == ")":
                block = None
            else:
                out.append((block, _words(line), number))
            continue
        words = _words(line)
        if len(words) >= 2 and words[-1] == "(":
            block = words[0]
            continue
        out.append((words[0], words[1:], number))
    return out


def _words(line: str) -> list[str]:
    """Whitespace-split, keeping double-quoted and back-quoted strings whole (module paths may be quoted)."""
    return [w.strip('"`') for w in re.findall(r'"[^"]*"|`[^`]*`|\S+', line)]


def read_module(project: Project, folder: str) -> GoModule:
    rel = posixpath.normpath(posixpath.join(folder, "go.mod"))
    text = project.read_text(rel)
    path = None
    go = toolchain = None
    requires: list[str] = []
    replaces: list[str] = []
    for verb, args, number in directives(text):
        if verb == "module" and args:
            path = args[0]
        elif verb == "go" and args:
            if not _VERSION.match(args[0]):
                raise MalformedFileError(path=rel, detail=f"line {number}: 'go {args[0][:40]}' is not a Go version (like 1.22 or 1.22.3)")
            go = Found(args[0], f"{rel} > go")
        elif verb == "toolchain" and args:
            version = args[0].removeprefix("go")
            if args[0] != "default" and _VERSION.match(version):
                toolchain = Found(version, f"{rel} > toolchain")
        elif verb == "require" and args:
            requires.append(args[0])
        elif verb == "replace" and "=>" in args:
            target = args[args.index("=>") + 1 :]
            if target and target[0].startswith((".", "/")):
                replaces.append(_local_dir(rel, folder, target[0], number))
    if not path or not MODULE_PATH.match(path):
        raise MalformedFileError(path=rel, detail="no valid 'module' line", hint="go.mod must start with 'module <path>'")
    has_sum = project.has_file(posixpath.normpath(posixpath.join(folder, "go.sum")))
    return GoModule(folder, path, go, toolchain, tuple(requires), tuple(replaces), has_sum)


def _local_dir(rel: str, folder: str, target: str, number: int) -> str:
    joined = posixpath.normpath(posixpath.join(folder, target))
    if target.startswith("/") or joined == ".." or joined.startswith("../"):
        raise MalformedFileError(
            path=rel,
            detail=f"line {number}: replace points outside the project ({target[:80]}), which a docker build cannot see",
            hint="vendor the module (go mod vendor) or move it inside the repository",
        )
    return joined


def read_workspace(project: Project) -> tuple[list[str], Found | None]:
    """The folders go.work's ``use`` directives name, and its go version."""
    uses: list[str] = []
    go = None
    for verb, args, number in directives(project.read_text("go.work")):
        if verb == "use" and args:
            uses.append(_local_dir("go.work", ".", args[0], number))
        elif verb == "go" and args and _VERSION.match(args[0]):
            go = Found(args[0], "go.work > go")
    return uses, go
