"""System programs the build runs that the slim Node image does not have.

A build script such as `./bin/prep-dist.sh && webpack`, where the shell script copies
assets with rsync, fails with "rsync: not found" (exit 127) on node:*-slim. The
programs are looked for in command position in the build script the image runs
(through `npm run` chains) and in the project's shell scripts it starts; only
names in node_native.toml's [build_commands] count, so a word that merely looks
like a command is never installed.
"""

from __future__ import annotations

import posixpath
import re

from scaffold import shell_words
from scaffold.data import load
from scaffold.detect.found import Found
from scaffold.project import Project
from scaffold.providers.node.npm_scripts import PACKAGE_RUNNERS
from scaffold.providers.paths import read_each

# A shell line's command positions: its start, after ; & | ( and the keywords that open a body.
_COMMAND_START = r"(?:^|[;&|(`]|\$\(|\b(?:then|do|else|exec|time|sudo)\s)\s*"
_SHELLS = ("sh", "bash", "dash", "zsh")


def build_commands(project: Project, scripts: dict[str, str], build: str | None) -> tuple[Found, ...]:
    """(Debian package, "why") for each known program the build script or its shell files run."""
    if not build or build not in scripts:
        return ()
    table: dict[str, str] = load("node_native").get("build_commands", {})
    found: dict[str, Found] = {}
    texts: list[tuple[str, str]] = []
    files: list[str] = []
    for name, text in _scripts_run(build, scripts):
        texts.append((f"package.json > scripts > {name}", text))
        files += [f for f in _shell_files(project, text) if f not in files]
    for rel, text in read_each(project, files):
        texts.append((rel, "\n".join(line.split("#", 1)[0] for line in text.splitlines())))
    pattern = re.compile(_COMMAND_START + r"(" + "|".join(re.escape(c) for c in table) + r")(?=\s|$|;|\))", re.M)
    for where, text in texts:
        for match in pattern.finditer(text):
            command = match.group(1)
            if command not in found:
                found[command] = Found(table[command], f"{where} runs {command}")
    return tuple(found.values())


def _scripts_run(name: str, scripts: dict[str, str], depth: int = 0) -> list[tuple[str, str]]:
    """The script and every script it runs by name (`npm run build:css && npm run build:js`), split by the shell lexer."""
    text = scripts.get(name, "")
    out = [(name, text)]
    if depth > 4:
        return out
    try:
        commands = shell_words.commands(shell_words.split(text))
    except ValueError:
        return out
    for command in commands:
        if command[0] not in PACKAGE_RUNNERS:
            continue
        rest = command[2:] if command[1:2] in (["run"], ["run-script"]) else command[1:]
        other = rest[0] if rest else None
        if other in scripts and other != name and all(other != n for n, _ in out):
            out += _scripts_run(other, scripts, depth + 1)
    return out


def _shell_files(project: Project, script: str) -> list[str]:
    """Project files a script runs as commands: `./bin/prep.sh`, `sh scripts/build.sh`, `bash x`."""
    try:
        words = shell_words.split(script)
    except ValueError:
        return []
    out: list[str] = []
    for command in shell_words.commands(words):
        while command and "=" in command[0] and not command[0].startswith(("./", "/")):
            command = command[1:]  # NODE_ENV=production ./bin/x.sh
        if not command:
            continue
        path = command[1] if command[0] in _SHELLS and len(command) > 1 else command[0]
        if "/" not in path and not path.endswith(".sh"):
            continue
        rel = posixpath.normpath(path)
        if not rel.startswith(("../", "/")) and project.has_file(rel):
            out.append(rel)
    return out
