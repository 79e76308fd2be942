"""Dependencies of a Python app that commits no dependency file, read off its imports.

Beginners' repositories often hold app.py, templates/ and nothing else: no
requirements.txt, no pyproject.toml. The imports say what the app needs. Only
imports that python.toml > inferred_dependencies maps to a distribution are
installed; any other third-party import stops init with its name, since
installing whatever PyPI holds under an import's name could run a stranger's code.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass

from scaffold.data import load
from scaffold.detect.found import Found
from scaffold.project import Project
from scaffold.providers.python.app import parse

# Root files a Python web app starts from, read when no dependency file marks the folder.
ENTRY_FILES = ("app.py", "main.py", "wsgi.py", "asgi.py", "server.py", "run.py", "application.py", "manage.py")

@dataclass(frozen=True)
class InferredDependencies:
    requirements: tuple[str, ...]  # "flask", "flask-sqlalchemy", "django>=4.1,<4.2"
    source: str  # "app.py:1, models.py:2 (imports; no dependency file)"
    unknown: tuple[str, ...]  # third-party imports python.toml does not map: "app.py:3 (import foo)"


def framework_entry(project: Project) -> str | None:
    """"app.py (imports flask)" when a root entry file imports a web framework; what marks the folder as Python."""
    frameworks = set(load("python")["inferred_dependencies"]["web_frameworks"])
    for name in ENTRY_FILES:
        if not project.has_file(name):
            continue
        tree = parse(project, name)
        modules = [m for m, _ in _imports(tree)] if tree is not None else []
        found = next((m for m in modules if m in frameworks), None)
        if found:
            return f"{name} (imports {found})"
        for package in dict.fromkeys(m for m in modules if project.has_file(f"{m}/__init__.py")):
            # wsgi.py: `from app import create_app`, and app/__init__.py imports flask
            inner = parse(project, f"{package}/__init__.py")
            found = next((m for m, _ in _imports(inner) if m in frameworks), None) if inner is not None else None
            if found:
                return f"{name} (imports {package}, which imports {found})"
    return None


def infer_dependencies(project: Project, files: list[str], django_range: tuple[str, str] | None) -> InferredDependencies | None:
    """The distributions the app's imports come from, or None when it imports no third-party module at all."""
    wanted, unknown = _imported_distributions(project, files)
    if not wanted and not unknown:
        return None
    requirements = sorted(wanted)
    if django_range and "django" in wanted:
        requirements = [f"django>={django_range[0]},<{django_range[1]}" if r == "django" else r for r in requirements]
    places = ", ".join(dict.fromkeys(where for where, _ in wanted.values()))
    return InferredDependencies(tuple(requirements), f"{places} (imports; no dependency file)", tuple(unknown))


def missing_from_freeze(project: Project, files: list[str], names: tuple[str, ...], all_pinned: bool) -> tuple[Found, ...]:
    """Distributions the code imports that a `pip freeze` file lacks: Found("flask-cors", "app.py:4 (import flask_cors)").

    Only a file where every requirement is pinned with == counts: a freeze lists the
    transitive packages too, so an import none of its lines provides was installed after
    the freeze (ernestromen/flask-todo-list lacked flask-cors and flask-sqlalchemy, which
    its own Dockerfile installed by hand). A hand-written list names only direct
    dependencies, and `import sqlalchemy` may come with flask-sqlalchemy: nothing is added.
    A listed name that could provide the module (flask-bootstrap for flask_bootstrap) wins.
    """
    if not all_pinned or not names:
        return ()
    listed = set(names)
    guesses = {_module_guess(n) for n in names}
    brought: dict[str, list[str]] = load("python")["inferred_dependencies"].get("brought_by", {})
    wanted, _ = _imported_distributions(project, files)
    out: list[Found] = []
    for dist, (where, module) in sorted(wanted.items()):
        alias = {dist, dist.removesuffix("-binary"), f"{dist}-binary"}
        if alias & listed or module in guesses or listed & set(brought.get(dist, ())):
            continue  # listed, or installed by a listed package (pandas brings numpy)
        out.append(Found(dist, f"{where} (import {module})"))
    added = {f.value for f in out}
    return tuple(f for f in out if not added & set(brought.get(str(f.value), ())))  # flask-sqlalchemy brings sqlalchemy


def _module_guess(name: str) -> str:
    """The module a distribution most likely installs: flask-cors -> flask_cors, python-dotenv -> dotenv."""
    module = name.replace("-", "_").removesuffix("_binary")
    return module.removeprefix("python_") if module.startswith("python_") else module


def _imported_distributions(project: Project, files: list[str]) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """{distribution: (first file:line, module)} for mapped imports, and the unmapped ones as "file:line (import x)"."""
    table: dict[str, str] = load("python")["inferred_dependencies"]["distributions"]
    local = _local_names(project, files)
    stdlib = frozenset(sys.stdlib_module_names) | frozenset(removed_stdlib())
    wanted: dict[str, tuple[str, str]] = {}
    unknown: list[str] = []
    for rel in files[:400]:
        tree = parse(project, rel)
        if tree is None:
            continue
        for module, line in _imports(tree):
            if module in stdlib or module in local or module == "__future__":
                continue
            where = f"{rel}:{line}"
            if module in table:
                wanted.setdefault(table[module], (where, module))
            elif not any(u.endswith(f"(import {module})") for u in unknown):
                unknown.append(f"{where} (import {module})")
    return wanted, unknown


def removed_stdlib() -> dict[str, str]:
    """Module -> the Python line that removed it from the standard library (python.toml > removed_stdlib).

    Still standard library for code of its era, so it is never looked up on PyPI, and
    the answer does not depend on which Python runs scaffold.
    """
    return {module: line for line, modules in load("python").get("removed_stdlib", {}).items() for module in modules}


def removed_stdlib_imports(project: Project, files: list[str]) -> tuple[Found, ...]:
    """Imports of modules a later Python removed: Found(module, "app.py:3"), first place each.

    The app runs on the line before the removal at the newest (crypt: 3.12), which the
    Python line decision takes as a limit like a locked package's.
    """
    gone = removed_stdlib()
    found: dict[str, Found] = {}
    for rel in files[:400]:
        tree = parse(project, rel)
        for module, line in _imports(tree) if tree is not None else ():
            if module in gone and module not in found:
                found[module] = Found(module, f"{rel}:{line}")
    return tuple(found[k] for k in sorted(found))


# Django imports what these settings name by string ('django_cleanup.apps.CleanupConfig',
# 'whitenoise.middleware.WhiteNoiseMiddleware'): they are imports the code never spells out.
_DJANGO_MODULE_LISTS = ("INSTALLED_APPS", "THIRD_PARTY_APPS", "MIDDLEWARE")


def _imports(tree: ast.Module) -> list[tuple[str, int]]:
    """(top-level module, line) of each absolute import, anywhere in the file, and of each app a Django setting names."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name.split(".", 1)[0], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.split(".", 1)[0], node.lineno))
        elif isinstance(node, (ast.Assign, ast.AugAssign)) and isinstance(node.value, (ast.List, ast.Tuple)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in _DJANGO_MODULE_LISTS for t in targets):
                found.extend((e.value.split(".", 1)[0], e.lineno) for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value)
    return found


def _local_names(project: Project, files: list[str]) -> frozenset[str]:
    """Module names the project itself provides: every .py file's stem and every folder on the way to one."""
    names: set[str] = set()
    for rel in files:
        parts = rel.split("/")
        names.update(parts[:-1])
        names.add(parts[-1].removesuffix(".py"))
    return frozenset(names)
