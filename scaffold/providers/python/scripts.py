"""Apps that are a script run by their framework's own launcher (Streamlit, Gradio).

These have no WSGI or ASGI object for a server to import: `streamlit run app.py`
or `python app.py` (which calls `demo.launch()`) is the production server, the way
their hosting guides run them. The rules (package, import, how to run, port) are
in python.toml > script_servers.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from scaffold.providers.python.app import parse
from scaffold.project import Project


@dataclass(frozen=True)
class ScriptApp:
    tool: str  # "streamlit"
    path: str  # "app.py"
    source: str  # "app.py:3 (import streamlit)"
    port: int | None = None  # a literal port the script binds (stdlib servers hard-code theirs)
    loopback: str | None = None  # "app.py:9 ('localhost')" when it binds a loopback address


def find_script_apps(project: Project, files: list[str], rules: dict[str, dict], dependencies: frozenset[str] | set[str]) -> tuple[ScriptApp, ...]:
    """The scripts that import a launcher-run framework the project depends on, preferred names first."""
    found: list[tuple[int, int, ScriptApp]] = []
    for tool, rule in rules.items():
        if rule["package"] and rule["package"] not in dependencies:
            continue
        preferred = rule.get("entry_names", [])
        for path in files:
            if path.count("/") > 1 or not path.endswith(".py"):
                continue  # launchers run a script at or near the top, not a library module
            line, module = None, rule["module"]
            for module in (rule["module"], *rule.get("also_modules", [])):
                line = _imports(project, path, module, rule.get("needs_call"))
                if line is not None:
                    break
            if line is None:
                continue
            name = path.rsplit("/", 1)[-1]
            rank = preferred.index(name) if name in preferred else len(preferred)
            port = _literal_port(project, path, rule.get("port_regex"))
            loopback = loopback_bind(project, path)
            if loopback is None and rule.get("default_loopback") and not _HOST_KEYWORD.search(project.read_text(path)):
                loopback = f"{path}:{line} ({module}'s run() with no host= binds '127.0.0.1')"
            found.append((rank, path.count("/"), ScriptApp(tool, path, f"{path}:{line} (import {module})", port, loopback)))
    found.sort(key=lambda item: (item[0], item[1], item[2].path))
    return tuple(app for _, _, app in found)


def _imports(project: Project, path: str, module: str, needs_call: str | None) -> int | None:
    tree = parse(project, path)
    if tree is None:
        return None
    line = None
    for node in tree.body:
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        if any(n == module or n.startswith(module + ".") for n in names):
            line = node.lineno
            break
    if line is None:
        return None
    if needs_call and not any(_calls(n, needs_call) for n in ast.walk(tree)):
        return None
    return line


# (host, port) tuples, host=/address= keywords, and settings fields (`host: str = "127.0.0.1"`,
# `Field(default="localhost")`) naming a loopback address
_LOOPBACK_BIND = re.compile(
    r"""\(\s*['"](localhost|127\.0\.0\.1|::1)['"]\s*,\s*\w"""
    r"""|\b(?:host|address)\s*(?::\s*[\w.|\[\] ]+?\s*)?=\s*(?:Field\(\s*(?:default\s*=\s*)?)?['"](localhost|127\.0\.0\.1|::1)['"]"""
)


_HOST_KEYWORD = re.compile(r"\bhost\s*=")


def loopback_bind(project: Project, path: str) -> str | None:
    text = project.read_text(path)
    match = _LOOPBACK_BIND.search(text)
    if match is None:
        return None
    return f"{path}:{text.count(chr(10), 0, match.start()) + 1} ({(match.group(1) or match.group(2))!r})"


def _literal_port(project: Project, path: str, pattern: str | None) -> int | None:
    if not pattern:
        return None
    match = re.search(pattern, project.read_text(path))
    port = int(match.group(1)) if match else None
    return port if port and 1 <= port <= 65535 else None


def _calls(node: ast.AST, name: str) -> bool:
    """``x.name(...)`` or ``name(...)`` (a runner imported by name, as in ``from aiohttp.web import run_app``)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr == name) or (isinstance(func, ast.Name) and func.id == name)


SAFE_SCRIPT = re.compile(r"[\w./-]+\.py")


@dataclass(frozen=True)
class QueueWorker:
    tool: str  # "celery"
    module: str  # "tasks"
    attribute: str  # "app"
    source: str  # "tasks.py:3 (Celery())"


def find_queue_workers(project: Project, files: list[str], rules: dict[str, dict], dependencies: frozenset[str] | set[str], root_prefix: str | tuple[str, ...] = "") -> tuple[QueueWorker, ...]:
    """Module-level task-queue apps (``app = Celery(...)``) of the libraries the project depends on."""
    from scaffold.providers.python.app import module_name

    found: list[QueueWorker] = []
    for tool, rule in rules.items():
        if rule["package"] not in dependencies:
            continue
        pattern = re.compile(rf"^([A-Za-z_]\w*)\s*=\s*(?:[\w.]+\.)?(?:{rule['constructor']})\(", re.M)
        for path in files:
            if not path.endswith(".py") or path.count("/") > 2:
                continue
            try:
                text = project.read_text(path)
            except Exception:  # a module that cannot be read is passed over
                continue
            match = pattern.search(text)
            module = module_name(path, root_prefix) if match else None
            if match and module:
                line = text.count("\n", 0, match.start()) + 1
                found.append(QueueWorker(tool, module, match.group(1), f"{path}:{line} ({rule['constructor'].split('|')[0]}())"))
    return tuple(sorted(found, key=lambda w: (w.module.count("."), w.module)))
