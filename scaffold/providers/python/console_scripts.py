"""Packaged apps that start through their own console script.

A project built as a package (a copier or cookiecutter template, a typer or click CLI)
often has no application object at module level: a builder makes the app inside a
function, and `[project.scripts] myapp = "myapp.__main__:cli"` hands it to uvicorn or
another server in code. The script is then the production start command, as its own
Dockerfile runs it. It is taken when the script's package imports a server library the
project depends on; the port is the literal default the package's code or settings give
it (python.toml > console_servers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from scaffold.project import Project
from scaffold.providers.python.lock_tables import nested_table
from scaffold.providers.python.scripts import loopback_bind


@dataclass(frozen=True)
class ConsoleServer:
    name: str  # "litestar-example": the script the install puts on PATH
    target: str  # "litestar_example.__main__:cli"
    source: str  # "pyproject.toml [project.scripts] litestar-example"
    server: str  # "uvicorn": the server library the package imports
    server_source: str  # "src/litestar_example/server.py:3 (import uvicorn)"
    port: int | None  # the literal default port found in the package
    port_source: str | None
    loopback: str | None  # "src/x/config.py:9 ('127.0.0.1')" when a default host is loopback


_SCRIPT_NAME = re.compile(r"[A-Za-z0-9][\w.-]*")
_TARGET = re.compile(r"([A-Za-z_][\w.]*):[A-Za-z_][\w.]*")


def console_scripts(pyproject: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(name, target, where) for each console script the pyproject declares, PEP 621 first."""
    found = []
    for table, where in ((nested_table(pyproject, "project", "scripts"), "[project.scripts]"), (nested_table(pyproject, "tool", "poetry", "scripts"), "[tool.poetry.scripts]")):
        for name, target in table.items():
            if isinstance(target, dict):  # poetry's {reference = "...", type = "console"}
                target = target.get("reference") if target.get("type", "console") == "console" else None
            if isinstance(name, str) and isinstance(target, str) and _SCRIPT_NAME.fullmatch(name) and _TARGET.fullmatch(target.strip()):
                if name not in {n for n, _, _ in found}:
                    found.append((name, target.strip(), f"pyproject.toml {where} {name}"))
    return found


def find_console_servers(project: Project, pyproject: dict[str, Any], files: list[str], roots: tuple[str, ...], dependencies: frozenset[str] | set[str], rules: dict[str, Any]) -> tuple[ConsoleServer, ...]:
    """The console scripts whose package runs a server library the project depends on, in declaration order."""
    servers = {module: dist for module, dist in rules["server_modules"].items() if dist in dependencies}
    if not servers:
        return ()
    import_pattern = re.compile(rf"^\s*(?:import|from)\s+({'|'.join(re.escape(m) for m in servers)})\b", re.M)
    port_patterns = [re.compile(p) for p in rules["port_patterns"]]
    found = []
    for name, target, where in console_scripts(pyproject):
        package = _TARGET.fullmatch(target).group(1).split(".", 1)[0]
        modules = [p for p in files if p.endswith(".py") and any(p.startswith(f"{root}{package}/") or p == f"{root}{package}.py" for root in roots)]
        server = None
        for path in modules:
            text = project.read_text(path)
            match = import_pattern.search(text)
            if match:
                server = (match.group(1), f"{path}:{text.count(chr(10), 0, match.start()) + 1} (import {match.group(1)})")
                break
        if server is None:
            continue
        port = loopback = None
        for path in modules:
            text = project.read_text(path)
            for pattern in port_patterns:
                match = pattern.search(text)
                if match and 1 <= int(match.group(1)) <= 65535 and port is None:
                    port = (int(match.group(1)), f"{path}:{text.count(chr(10), 0, match.start()) + 1}")
            loopback = loopback or loopback_bind(project, path)
        found.append(ConsoleServer(name, target, where, servers[server[0]], server[1], port[0] if port else None, port[1] if port else None, loopback))
    return tuple(found)
