"""``Presence``: which of the paths a planner may ask about exist, looked up while detecting.

A provider's ``plan`` is a pure function of facts and answers, yet it has
questions about files: does the file a start script runs exist, is ``public/`` a
folder to copy, which of ``main``'s spellings does Node load. Detection answers
them in advance for every path it can foresee (the top-level names, each word of
the scripts that looks like a path, the candidates a rule tries), and the plan
asks the record instead of the disk.

A planner asking about a path detection did not foresee is a bug in the
provider, not a fact about the project, so ``has`` refuses it loudly rather than
guessing "absent".
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass

from scaffold.project import Project

_MAX_WORD = 300


@dataclass(frozen=True)
class Presence:
    files: frozenset[str]  # the looked-up paths that are regular files
    dirs: frozenset[str]  # the looked-up paths that are folders
    looked_up: frozenset[str]  # beside every top-level name, which detection listed

    def has_file(self, rel: str) -> bool:
        return self._known(rel) in self.files

    def has_dir(self, rel: str) -> bool:
        return self._known(rel) in self.dirs

    def _known(self, rel: str) -> str:
        key = normal(rel)
        if key not in self.looked_up and "/" in key:  # the whole top level was listed
            raise LookupError(f"planning asked whether {rel!r} exists, which detection did not look up: add it to the provider's candidates")
        return key


def normal(rel: str) -> str:
    return rel.removeprefix("./").rstrip("/")


def look_up(project: Project, paths: Iterable[str]) -> Presence:
    """Every top-level name, and ``paths`` (relative to the project; absolute ones are ignored)."""
    wanted = {normal(p) for p in paths if p and len(p) < _MAX_WORD and not p.startswith("/")}
    wanted.discard("")
    wanted.update(project.list_dir("."))
    files = frozenset(p for p in wanted if project.has_file(p))
    dirs = frozenset(p for p in wanted - files if project.has_dir(p))
    return Presence(files, dirs, frozenset(wanted))


def path_words(commands: Iterable[str]) -> set[str]:
    """The words of shell commands that may name a file: ``node ./dist/server.js``, ``--env-file=.env``."""
    words: set[str] = set()
    for command in commands:
        try:
            split = shlex.split(command, posix=True)
        except ValueError:
            split = command.split()
        for word in split:
            for part in (word, word.partition("=")[2]):
                if part and "$" not in part and ("/" in part or "." in part):
                    words.add(part)
    return words
