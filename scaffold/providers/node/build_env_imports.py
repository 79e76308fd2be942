"""Environment variables a framework compiles in at build time, found in the app's own imports.

SvelteKit's ``$env/static/public`` and ``$env/static/private`` are filled when
``vite build`` runs, and a name the environment does not define fails the build
("PUBLIC_API_KEY is not exported by $env/static/public"). The values usually sit
in a .env file, which never enters the build context (it holds secrets), so
the image build declares each imported name as a build argument: empty unless
``docker build --build-arg NAME=…`` gives it a value.
"""

from __future__ import annotations

import re

from scaffold.detect.found import Found
from scaffold.errors import UnreadableFileError
from scaffold.project import Project

MAX_FILES = 600
MAX_BYTES = 256 * 1024
_IMPORT = re.compile(r"""\bimport\s*\{([^}]{0,2000})\}\s*from\s*['"](\$env/static/(?:public|private))['"]""")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


def static_env_imports(project: Project, folder: str, modules: tuple[str, ...]) -> tuple[Found, ...]:
    """The names imported from ``modules`` under ``folder``, each with the file and line of its first import."""
    if not modules or not project.has_dir(folder):
        return ()
    found: dict[str, Found] = {}
    for rel in project.walk_files(folder, suffixes=(".js", ".ts", ".svelte", ".mjs", ".mts"), limit=MAX_FILES, skip=frozenset({"node_modules"})):
        try:
            text = project.read_text(rel, limit=MAX_BYTES)
        except UnreadableFileError:
            continue
        if "$env/static/" not in text:
            continue
        for match in _IMPORT.finditer(text):
            if match.group(2) not in modules:
                continue
            line = text.count("\n", 0, match.start()) + 1
            for part in match.group(1).split(","):
                name = part.strip().split(" as ", 1)[0].strip()
                if _NAME.match(name) and name not in found:
                    found[name] = Found(name, f"{rel}:{line} imports it from {match.group(2)}")
    return tuple(found[n] for n in sorted(found))
