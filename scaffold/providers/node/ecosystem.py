"""pm2's ecosystem file: which script a `pm2 start ecosystem.config.js --env prod` runs, with what environment.

The image never runs pm2 (it daemonizes, and the container is the supervisor), but
the file is where such a project keeps its run settings: `script: 'index.js'` and
`env_prod: { NODE_ENV: 'prod' }`, which the code may test for. The file is
JavaScript, so only literal values are read. A repository often commits a template
instead (`ecosystem.config.default.js`, copied by hand): it is read when the named
file is missing. pm2 also takes a JSON or YAML process file (`pm2 start pm2.json`),
read as data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scaffold.project import Project
from scaffold.providers.node.npm_scripts import process_manager_start, tool_name

_TEMPLATES = (".default", ".example", ".sample", ".dist")
_JS_FILES = (".js", ".cjs", ".mjs")
_DATA_FILES = (".json", ".yml", ".yaml")
_SCRIPT = re.compile(r"""\bscript\s*:\s*['"`]([^'"`\n]{1,200})['"`]""")
_ENV_BLOCK = re.compile(r"""\b(env(?:_\w{1,40})?)\s*:\s*\{([^{}]{0,2000})\}""")
_PAIR = re.compile(r"""['"]?([A-Za-z_][A-Za-z0-9_]{0,60})['"]?\s*:\s*(?:['"`]([^'"`\n$]{0,200})['"`]|(\d{1,10}|true|false)\b)""")


@dataclass(frozen=True)
class Ecosystem:
    file: str  # the file read (the named one, or its committed template)
    script: str | None  # apps[0].script
    envs: dict[str, dict[str, str]] = field(default_factory=dict)  # "env", "env_prod" -> literal pairs


def read_ecosystem(project: Project, scripts: dict[str, str]) -> Ecosystem | None:
    """The ecosystem file a script starts pm2 with, if the project has it (or a template of it)."""
    for text in scripts.values():
        manager = process_manager_start(text)
        if manager is None or tool_name(manager.argv[0]) != "pm2":
            continue
        named = manager.argv[2].removeprefix("./")
        if not named.endswith(_JS_FILES + _DATA_FILES):
            continue
        stem, dot, ext = named.rpartition(".")
        rel = next((c for c in (named, *(f"{stem}{t}.{ext}" for t in _TEMPLATES)) if project.has_file(c)), None)
        if rel is None:
            continue
        script, envs = _read_data_file(project, rel) if named.endswith(_DATA_FILES) else _read_js_file(project, rel)
        path = script.removeprefix("./") if script else None
        return Ecosystem(rel, path if path and project.has_file(path) else None, envs)
    return None


def _read_js_file(project: Project, rel: str) -> tuple[str | None, dict[str, dict[str, str]]]:
    """apps[0].script and the env blocks of a JavaScript ecosystem file, from its literals."""
    from scaffold.providers.node.detect_frameworks import strip_js_comments

    body = strip_js_comments(project.read_text(rel))
    script = _SCRIPT.search(body)
    envs = {m.group(1): {p.group(1): p.group(2) if p.group(2) is not None else p.group(3) for p in _PAIR.finditer(m.group(2))} for m in _ENV_BLOCK.finditer(body)}
    return (script.group(1) if script else None), envs


def _read_data_file(project: Project, rel: str) -> tuple[str | None, dict[str, dict[str, str]]]:
    """The same from a JSON or YAML process file (`{"apps": [{"script": "./bin/www", "env": {...}}]}`)."""
    data = project.read_json(rel) if rel.endswith(".json") else project.read_yaml(rel)
    apps = data.get("apps") if isinstance(data, dict) else data
    app = apps[0] if isinstance(apps, list) and apps and isinstance(apps[0], dict) else {}
    script = app.get("script")
    envs = {
        key: {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in block.items() if isinstance(v, (str, int, float, bool))}
        for key, block in app.items()
        if isinstance(key, str) and (key == "env" or key.startswith("env_")) and isinstance(block, dict)
    }
    return (script if isinstance(script, str) else None), envs


def ecosystem_env(ecosystem: Ecosystem, argv: list[str]) -> dict[str, str]:
    """pm2's environment for `pm2 start file --env NAME`: `env`, then `env_NAME` over it."""
    env = dict(ecosystem.envs.get("env", {}))
    name = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--env"), None)
    if name:
        env.update(ecosystem.envs.get(f"env_{name}", {}))
    return env
