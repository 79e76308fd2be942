"""pm2's ecosystem file: which script a `pm2 start ecosystem.config.js --env prod` runs, with what environment.

The image never runs pm2 (it daemonizes, and the container is the supervisor), but
the file is where such a project keeps its run settings: `script: 'index.js'` and
`env_prod: { NODE_ENV: 'prod' }`, which the code may test for. The file is
JavaScript, so only literal values are read. A repository often commits a template
instead (`ecosystem.config.default.js`, copied by hand): it is read when the named
file is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scaffold.project import Project
from scaffold.providers.node.npm_scripts import parse_script, tool_name

_TEMPLATES = (".default", ".example", ".sample", ".dist")
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
    from scaffold.providers.node.detect_frameworks import strip_js_comments

    for text in scripts.values():
        argv = parse_script(text).argv
        if len(argv) < 3 or tool_name(argv[0]) != "pm2" or argv[1] != "start":
            continue
        named = argv[2].removeprefix("./")
        if not named.endswith((".js", ".cjs", ".mjs")):
            continue
        stem, dot, ext = named.rpartition(".")
        rel = next((c for c in (named, *(f"{stem}{t}.{ext}" for t in _TEMPLATES)) if project.has_file(c)), None)
        if rel is None:
            continue
        body = strip_js_comments(project.read_text(rel))
        script = _SCRIPT.search(body)
        envs = {m.group(1): {p.group(1): p.group(2) if p.group(2) is not None else p.group(3) for p in _PAIR.finditer(m.group(2))} for m in _ENV_BLOCK.finditer(body)}
        path = script.group(1).removeprefix("./") if script else None
        return Ecosystem(rel, path if path and project.has_file(path) else None, envs)
    return None


def ecosystem_env(ecosystem: Ecosystem, argv: list[str]) -> dict[str, str]:
    """pm2's environment for `pm2 start file --env NAME`: `env`, then `env_NAME` over it."""
    env = dict(ecosystem.envs.get("env", {}))
    name = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--env"), None)
    if name:
        env.update(ecosystem.envs.get(f"env_{name}", {}))
    return env
