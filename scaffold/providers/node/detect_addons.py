"""Facts about dependencies that need more than JavaScript: native addons and Prisma.

Native addons compile C/C++ during the install; Prisma generates its client from
a schema file and loads OpenSSL at run time. Which packages are which is data
(scaffold/data/node_native.toml); this module records what the project has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from scaffold.data import load
from scaffold.detect.found import Found
from scaffold.project import Project
from scaffold.providers.node.detect_frameworks import strip_js_comments


@dataclass(frozen=True)
class NativeFacts:
    """Packages that may compile during the install, each with why scaffold thinks so."""

    known: tuple[Found, ...]  # on the compile list: Found(name, "package-lock.json")
    install_scripts: tuple[Found, ...]  # lockfile says it has an install script, not known to be compiler-free
    root_gyp: bool  # the project itself has a binding.gyp
    pnpm_allowed: tuple[str, ...] | None = None  # pnpm's onlyBuiltDependencies, if the project sets it
    downloads: tuple[Found, ...] = ()  # install scripts that download a browser or binary (skipped by env)
    # every locked package with an install script, but git-hook installers and the downloads above:
    # what an --ignore-scripts install has to run afterwards (esbuild's binary check, sharp's libvips)
    rebuilt: tuple[str, ...] = ()


@dataclass(frozen=True)
class PrismaFacts:
    package: Found  # "@prisma/client", "package.json > dependencies > @prisma/client"
    cli_dependency: str | None  # "dependencies" | "devDependencies" | None: where the prisma CLI is declared
    schema: str | None  # prisma/schema.prisma, prisma/schema (a folder), or a custom path
    schema_source: str
    config_file: str | None  # prisma.config.ts
    generators: tuple[tuple[str, str | None], ...]  # (provider, output) per generator block
    engine_types: tuple[str, ...] = ()  # engineType per generator block that sets one ("client" = no Rust engine)
    major: int | None = None  # from the @prisma/client (or prisma) version range
    config_env: tuple[str, ...] = ()  # variables prisma.config.ts reads through prisma/config's env(): unset, it throws
    datasource: str | None = None  # the datasource block's provider: postgresql, mysql, sqlite…


def detect_native(project: Project, lock_details: dict[str, dict[str, Any]], deps: dict[str, str], dev: dict[str, str]) -> NativeFacts:
    data = load("node_native")
    compile_list = set(data["compile"])
    downloading = {k for k, v in data["downloads"].items() if isinstance(v, list)}
    harmless = set(data["no_compiler"]) | downloading
    known: list[Found] = []
    scripts: list[Found] = []
    downloads: list[Found] = []
    never_rerun = set(data["git_hook_tools"]) | set(data["not_rebuilt"])
    rebuilt: set[str] = set()
    for lockfile, info in lock_details.items():
        rebuilt.update(n for n in info.get("install_script_packages") or () if n not in never_rerun and n not in downloading)
        names = set(info.get("all_names") or ()) | set(info.get("root_names") or ())
        for name in sorted(names & compile_list):
            if all(f.value != name for f in known):
                known.append(Found(name, lockfile))
        for name in info.get("install_script_packages") or ():
            if name not in compile_list and name not in harmless and all(f.value != name for f in scripts):
                scripts.append(Found(name, f"{lockfile} (has an install script)"))
        for name in sorted(names & downloading):
            if all(f.value != name for f in downloads):
                downloads.append(Found(name, lockfile))
    for section, declared in (("dependencies", deps), ("devDependencies", dev)):
        for name in sorted(set(declared) & compile_list):
            if all(f.value != name for f in known):
                known.append(Found(name, f"package.json > {section}"))
        for name in sorted(set(declared) & downloading):
            if all(f.value != name for f in downloads):
                downloads.append(Found(name, f"package.json > {section}"))
    return NativeFacts(tuple(known), tuple(scripts), project.has_file("binding.gyp"), _pnpm_allowed(project), tuple(downloads), tuple(sorted(rebuilt)))



def _pnpm_allowed(project: Project) -> tuple[str, ...] | None:
    """Dependencies whose build scripts pnpm 10+ may run (it runs none unless listed)."""
    allowed: list[str] = []
    seen = False
    manifest = project.read_json("package.json")
    pnpm = manifest.get("pnpm") if isinstance(manifest, dict) else None
    if isinstance(pnpm, dict) and isinstance(pnpm.get("onlyBuiltDependencies"), list):
        seen = True
        allowed += [str(n) for n in pnpm["onlyBuiltDependencies"]]
    if project.has_file("pnpm-workspace.yaml"):
        workspace = project.read_yaml("pnpm-workspace.yaml")
        if isinstance(workspace, dict):
            if isinstance(workspace.get("onlyBuiltDependencies"), list):
                seen = True
                allowed += [str(n) for n in workspace["onlyBuiltDependencies"]]
            if isinstance(workspace.get("allowBuilds"), dict):
                seen = True
                allowed += [str(n) for n, ok in workspace["allowBuilds"].items() if ok]
    return tuple(allowed) if seen else None


def detect_prisma(project: Project, manifest: dict[str, Any], deps: dict[str, str], dev: dict[str, str]) -> PrismaFacts | None:
    data = load("node_native")["prisma"]
    package = None
    for name in data["packages"]:
        for section, declared in (("dependencies", deps), ("devDependencies", dev)):
            if name in declared and package is None:
                package = Found(name, f"package.json > {section} > {name}")
    if package is None:
        return None
    cli = "dependencies" if "prisma" in deps else "devDependencies" if "prisma" in dev else None
    config = next((rel for rel in ("prisma.config.ts", "prisma.config.mts", "prisma.config.js", "prisma.config.mjs") if project.has_file(rel)), None)
    schema, schema_source = _schema_path(project, manifest, config, data["schema_default"])
    generators, engines = _generators(project, schema) if schema else ((), ())
    spec = deps.get(package.value) or dev.get(package.value) or ""
    match = re.search(r"(\d+)", spec)
    major = int(match.group(1)) if match and not spec.startswith(("workspace:", "file:", "link:")) else None
    config_env = tuple(dict.fromkeys(_CONFIG_ENV.findall(strip_js_comments(project.read_text(config))))) if config else ()
    return PrismaFacts(package, cli, schema, schema_source, config, generators, engines, major, config_env, _datasource(project, schema) if schema else None)


_CONFIG_ENV = re.compile(r"""\benv\(\s*['"]([A-Z_][A-Z0-9_]{0,60})['"]""")
_DATASOURCE = re.compile(r"datasource\s+\w+\s*\{[^}]*?\bprovider\s*=\s*[\"']([a-z]+)[\"']", re.S)


def _datasource(project: Project, schema: str) -> str | None:
    for rel in _schema_files(project, schema):
        match = _DATASOURCE.search(re.sub(r"//[^\n]*", "", project.read_text(rel)))
        if match:
            return match.group(1)
    return None


def _schema_files(project: Project, schema: str) -> list[str]:
    return [schema] if project.has_file(schema) else [f"{schema}/{name}" for name in project.list_dir(schema) if name.endswith(".prisma")]


def _schema_path(project: Project, manifest: dict[str, Any], config: str | None, default_dir: str) -> tuple[str | None, str]:
    settings = manifest.get("prisma")
    if isinstance(settings, dict) and isinstance(settings.get("schema"), str):
        return settings["schema"].removeprefix("./"), "package.json > prisma > schema"
    if config is not None:
        match = re.search(r"""\bschema\s*:\s*['"]([^'"]+)['"]""", project.read_text(config))
        if match:
            return match.group(1).removeprefix("./"), f"{config} > schema"
    for rel in (f"{default_dir}/schema.prisma", "schema.prisma"):
        if project.has_file(rel):
            return rel, "Prisma's default location"
    if project.has_dir(f"{default_dir}/schema"):
        return f"{default_dir}/schema", "Prisma's default location (multi-file schema)"
    return None, "no schema found"


_GENERATOR = re.compile(r"generator\s+\w+\s*\{(.*?)\}", re.S)


def _generators(project: Project, schema: str) -> tuple[tuple[tuple[str, str | None], ...], tuple[str, ...]]:
    files = _schema_files(project, schema)
    out: list[tuple[str, str | None]] = []
    engines: list[str] = []
    for rel in files:
        text = re.sub(r"//[^\n]*", "", project.read_text(rel))
        for block in _GENERATOR.finditer(text):
            provider = re.search(r"""provider\s*=\s*["']([^"']+)["']""", block.group(1))
            output = re.search(r"""output\s*=\s*["']([^"']+)["']""", block.group(1))
            engine = re.search(r"""engineType\s*=\s*["']([^"']+)["']""", block.group(1))
            out.append((provider.group(1) if provider else "", output.group(1) if output else None))
            if engine:
                engines.append(engine.group(1))
    return tuple(out), tuple(engines)
