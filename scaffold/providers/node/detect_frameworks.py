"""Which web framework a Node app is built with, and what its config file says.

Facts only: "next is a dependency", "next.config.mjs says output: 'standalone'",
"svelte.config.js imports @sveltejs/adapter-node". What that means for the image
is decided in scaffold/providers/node/plan_frameworks.py.

Config files are JavaScript or TypeScript, which scaffold does not run (running
project code to detect it would be slow and unsafe). Settings are read only when
written as literals (``output: 'standalone'``); a computed value is reported as
not found, and the planner falls back to the choice that works either way.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from scaffold.data import load
from scaffold.detect.found import Found
from scaffold.project import Project
from scaffold.providers.node.build_env_imports import required_dynamic_env, static_env_imports


@dataclass(frozen=True)
class FrameworkFacts:
    id: str  # key in node_frameworks.toml
    name: str
    package: Found  # value: the package name; source: "package.json > dependencies > next"
    version_spec: str
    config_file: str | None
    settings: dict[str, Found] = field(default_factory=dict)
    imports: tuple[str, ...] = ()  # modules the config file imports (adapters, plugins)
    build_env: tuple[Found, ...] = ()  # variables the build compiles in (value: the name), from the app's imports
    build_placeholders: tuple[Found, ...] = ()  # "NAME=value" the build's module analysis needs set (never in the image)

    def setting(self, key: str) -> Any:
        found = self.settings.get(key)
        return found.value if found else None

    @property
    def major(self) -> int | None:
        """The major version the dependency range starts at ("^3.2" -> 3), if it says."""
        match = re.search(r"(\d+)", self.version_spec)
        return int(match.group(1)) if match and not self.version_spec.startswith(("workspace:", "file:", "link:")) else None


def detect_framework(project: Project, deps: dict[str, str], dev_deps: dict[str, str], build_script: str = "") -> FrameworkFacts | None:
    """The first framework in node_frameworks.toml's order whose package the app depends on."""
    data = load("node_frameworks")
    for fid in data["order"]:
        rule = data[fid]
        for package in rule["packages"]:
            if package in deps:
                where, spec = "dependencies", deps[package]
            elif package in dev_deps:
                where, spec = "devDependencies", dev_deps[package]
            else:
                continue
            config = _flag_config(project, build_script, rule.get("config_flag")) or next((rel for rel in rule.get("config_files", []) if project.has_file(rel)), None)
            settings: dict[str, Found] = {}
            imports: tuple[str, ...] = ()
            if config is not None and config.endswith(".json"):
                settings = _json_settings(project, fid, config)
            elif config is not None:
                text = strip_js_comments(project.read_text(config))
                settings = _literal_settings(text, config, rule.get("config_keys", []))
                settings.update(_dir_settings(project, config, text, rule.get("config_dir_keys", {})))
                imports = _imports(text)
            return FrameworkFacts(
                id=fid,
                name=rule["name"],
                package=Found(package, f"package.json > {where} > {package}"),
                version_spec=spec,
                config_file=config,
                settings=settings,
                imports=imports,
                build_env=static_env_imports(project, "src", tuple(rule.get("static_env_modules", ()))),
                build_placeholders=required_dynamic_env(project, "src", dict(rule.get("dynamic_env_placeholders", {}))),
            )
    return None


# -- JavaScript / TypeScript config files ------------------------------------------

# An unclosed `/*` runs to the end of the text (as in JavaScript), in one scan: retrying the
# lazy match at each of thousands of `/*` would take seconds on a hostile file.
_JS_TOKENS = re.compile(r"""('(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`)|//[^\n]*|/\*(?:.*?\*/|.*\Z)""", re.S)


def strip_js_comments(text: str) -> str:
    """The source without comments; strings (which may hold "//", as URLs do) are kept."""
    return _JS_TOKENS.sub(lambda m: m.group(1) or "", text)


_LITERAL = r"""\s*:\s*(?:'([^'\n]*)'|"([^"\n]*)"|`([^`$\n]*)`|(true|false|\d+)\b)"""
_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"\n]+)['"]""", re.M)


def _literal_settings(text: str, config: str, keys: list[str]) -> dict[str, Found]:
    """``key: 'value'`` pairs for the wanted keys; the first literal occurrence wins."""
    found: dict[str, Found] = {}
    for key in keys:
        match = re.search(r"(?<![\w$.])['\"]?" + re.escape(key) + r"['\"]?" + _LITERAL, text)
        if not match:
            continue
        raw = next(g for g in match.groups() if g is not None)
        value: Any = raw
        shown = f"'{raw}'"
        if match.group(4) is not None:
            value = {"true": True, "false": False}.get(raw, raw)
            shown = raw
            if isinstance(value, str):
                value = int(raw)
        found[key] = Found(value, f"{config} > {key}: {shown}")
    return found


def _flag_config(project: Project, build_script: str, flag: str | None) -> str | None:
    """The config file the build script names (`webpack --config ./config/webpack.prod.js`), if it exists."""
    if not flag:
        return None
    match = re.search(re.escape(flag) + r"[ =]['\"]?([\w./-]+)", build_script)
    if not match:
        return None
    rel = posixpath.normpath(match.group(1))
    return rel if not rel.startswith("../") and project.has_file(rel) else None


# `path: path.resolve(__dirname, '../dist')`, `path: path.join(__dirname, "build")`, `path: 'public'`
_DIR_VALUE = r"""\s*:\s*(?:(?:path\.)?(resolve|join)\(\s*__dirname\s*((?:,\s*(?:'[^'\n]*'|"[^"\n]*")\s*)+)\)|'([^'\n]*)'|"([^"\n]*)")"""


def _dir_settings(project: Project, config: str, text: str, keys: dict[str, str]) -> dict[str, Found]:
    """Folder settings written as literals or as a path.resolve(__dirname, ...) of literals, as
    project-relative paths; looked for in the config, then in the local files it requires
    (webpack-merge's `merge(common, {...})` keeps `output.path` in webpack.common.js)."""
    found: dict[str, Found] = {}
    if not keys:
        return found
    files = [(config, text)]
    for name in _imports(text):
        if name.startswith("./") or name.startswith("../"):
            base = posixpath.normpath(posixpath.join(posixpath.dirname(config), name))
            rel = next((c for c in (base, base + ".js", base + ".cjs", base + ".mjs", base + ".ts") if project.has_file(c)), None)
            if rel is not None:
                files.append((rel, strip_js_comments(project.read_text(rel))))
    for setting, key in keys.items():
        for rel, body in files:
            match = re.search(r"(?<![\w$.])['\"]?" + re.escape(key) + r"['\"]?" + _DIR_VALUE, body)
            if not match:
                continue
            function, args, single, double = match.groups()
            if args is not None:
                parts = re.findall(r"'([^'\n]*)'|\"([^\"\n]*)\"", args)
                joined = posixpath.join(posixpath.dirname(rel), *(a or b for a, b in parts))
                shown = f"path.{function}(__dirname, {', '.join(repr(a or b) for a, b in parts)})"
            else:
                joined = single if single is not None else double
                shown = f"'{joined}'"
            found[setting] = Found(posixpath.normpath(joined or "."), f"{rel} > {key}: {shown}")
            break
    return found


def _imports(text: str) -> tuple[str, ...]:
    seen: list[str] = []
    for match in _IMPORT.finditer(text):
        name = match.group(1)
        if name not in seen:
            seen.append(name)
    return tuple(seen)


# -- JSON config files -------------------------------------------------------------

def _json_settings(project: Project, fid: str, config: str) -> dict[str, Found]:
    data = project.read_json(config)
    if not isinstance(data, dict):
        return {}
    if fid == "angular":
        return _angular_settings(data, config)
    if fid == "nestjs":
        out: dict[str, Found] = {}
        for key in ("sourceRoot", "entryFile"):
            if isinstance(data.get(key), str) and data[key].strip():
                out[key] = Found(data[key].strip().removeprefix("./").rstrip("/"), f"{config} > {key}")
        options = data.get("compilerOptions")
        if isinstance(options, dict):
            if isinstance(options.get("builder"), str):
                out["builder"] = Found(options["builder"], f"{config} > compilerOptions > builder")
            elif isinstance(options.get("builder"), dict) and isinstance(options["builder"].get("type"), str):
                out["builder"] = Found(options["builder"]["type"], f"{config} > compilerOptions > builder > type")
            if options.get("webpack") is True:
                out["builder"] = Found("webpack", f"{config} > compilerOptions > webpack")
        ts_config = options.get("tsConfigPath") if isinstance(options, dict) else None
        ts_config = ts_config if isinstance(ts_config, str) else "tsconfig.build.json"
        if project.has_file(ts_config):
            text = strip_js_comments(project.read_text(ts_config))
            for key in ("outDir", "rootDir"):
                match = re.search(rf'"{key}"\s*:\s*"([^"]+)"', text)
                if match and match.group(1).strip():
                    # relative to the tsconfig's folder: a Nest monorepo's apps/api/tsconfig.app.json
                    # says "outDir": "../../dist/apps/api", which is dist/apps/api in the project
                    here = posixpath.dirname(ts_config.removeprefix("./"))
                    value = posixpath.normpath(posixpath.join(here, match.group(1).strip()))
                    if value == ".." or value.startswith("../") or value.startswith("/"):
                        continue  # outside the project: the build context cannot hold it
                    out[key] = Found(value, f"{ts_config} > compilerOptions > {key}")
        return out
    return {}


def _angular_settings(data: dict[str, Any], config: str) -> dict[str, Found]:
    """The build target of the default (or first) application project in angular.json."""
    projects = data.get("projects")
    if not isinstance(projects, dict) or not projects:
        return {}
    name = data.get("defaultProject") if data.get("defaultProject") in projects else None
    if name is None:
        apps = [n for n, p in projects.items() if isinstance(p, dict) and p.get("projectType", "application") == "application"]
        if not apps:
            return {}
        name = apps[0]
    project = projects[name]
    out: dict[str, Found] = {"project": Found(name, f"{config} > projects > {name}")}
    build = ((project.get("architect") or project.get("targets") or {}) if isinstance(project, dict) else {}).get("build")
    if not isinstance(build, dict):
        return out
    prefix = f"{config} > projects > {name} > architect > build"
    if isinstance(build.get("builder"), str):
        out["builder"] = Found(build["builder"], f"{prefix} > builder")
    options = build.get("options") if isinstance(build.get("options"), dict) else {}
    path = options.get("outputPath")
    if isinstance(path, str):
        out["outputPath"] = Found(path.removeprefix("./").rstrip("/"), f"{prefix} > options > outputPath")
    elif isinstance(path, dict) and isinstance(path.get("base"), str):
        out["outputPath"] = Found(path["base"].removeprefix("./").rstrip("/"), f"{prefix} > options > outputPath > base")
        if isinstance(path.get("browser"), str):
            out["browserDir"] = Found(path["browser"], f"{prefix} > options > outputPath > browser")
    if isinstance(options.get("baseHref"), str):
        out["baseHref"] = Found(options["baseHref"], f"{prefix} > options > baseHref")
    if isinstance(options.get("outputMode"), str):
        out["outputMode"] = Found(options["outputMode"], f"{prefix} > options > outputMode")
    ssr = options.get("ssr")
    if ssr:
        out["ssr"] = Found(True, f"{prefix} > options > ssr")
    if isinstance(options.get("server"), str):
        out["server"] = Found(options["server"], f"{prefix} > options > server")
    return out
