"""Environment variables a framework's build needs, found in the app's own imports.

SvelteKit's ``$env/static/public`` and ``$env/static/private`` are filled when
``vite build`` runs, and a name the environment does not define fails the build
("PUBLIC_API_KEY is not exported by $env/static/public"). The values usually sit
in a .env file, which never enters the build context (it holds secrets), so
the image build declares each imported name as a build argument: empty unless
``docker build --build-arg NAME=…`` gives it a value.

``$env/dynamic/private`` is read at run time, but the build imports every server
module to analyse it, and the `sv create` database module throws at import when
DATABASE_URL is unset: those names get a placeholder for the build command only.
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
_DYNAMIC = re.compile(r"""\bimport\s*\{[^}]{0,500}\benv\b[^}]{0,500}\}\s*from\s*['"]\$env/dynamic/private['"]""")
# `if (!env.DATABASE_URL) throw new Error(...)`, the check `sv create` writes (also with `dev &&` before it)
_REQUIRED = re.compile(r"""\bif\s*\([^()]{0,80}?!\s*env\.([A-Z_][A-Z0-9_]{0,127})\s*\)\s*\{?\s*throw\b""")
_FROM = re.compile(r"""\bfrom\s*['"]([^'"\n]{1,200})['"]""")


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


def required_dynamic_env(project: Project, folder: str, placeholders: dict[str, str]) -> tuple[Found, ...]:
    """``NAME=placeholder`` for each variable a server module refuses to load without, read from
    ``$env/dynamic/private`` (value), with the file and line of the check.

    A name with URL in it gets the placeholder of the driver the same file imports
    (``placeholders``: module -> URL, node_frameworks.toml > sveltekit), so the client it
    builds at import accepts it; any other name gets "build".
    """
    if not placeholders or not project.has_dir(folder):
        return ()
    found: dict[str, Found] = {}
    for rel in project.walk_files(folder, suffixes=(".js", ".ts", ".mjs", ".mts"), limit=MAX_FILES, skip=frozenset({"node_modules"})):
        try:
            text = project.read_text(rel, limit=MAX_BYTES)
        except UnreadableFileError:
            continue
        if "$env/dynamic/private" not in text or not _DYNAMIC.search(text):
            continue
        modules = [m.group(1) for m in _FROM.finditer(text)]
        url = next((placeholders[m] for m in modules if m in placeholders), placeholders.get("*", "build"))
        for match in _REQUIRED.finditer(text):
            name = match.group(1)
            if name not in found:
                value = url if "URL" in name or "DSN" in name else "build"
                line = text.count("\n", 0, match.start()) + 1
                found[name] = Found(f"{name}={value}", f"{rel}:{line} throws when {name} is unset")
    return tuple(found[n] for n in sorted(found))
