"""Node.js facts: what package.json, lockfiles, version files and the code say.

Only facts are recorded here (which file said what); choosing a base image or a
command is the planner's job. Every fact that a decision may rest on keeps the
file it came from, so ``scaffold plan`` can show it.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from scaffold.detect.found import Found, tool_versions_pin, version_file_pin
from scaffold.detect.presence import Presence, look_up, path_words
from scaffold.dockerignore import ContextFiles, context_files
from scaffold.detect.procfile import procfile_web, procfile_worker
from scaffold.errors import InconsistentProjectError, MalformedFileError
from scaffold.project import Project
from scaffold.providers.node.build_commands import build_commands
from scaffold.providers.node.ecosystem import Ecosystem, read_ecosystem
from scaffold.providers.node.npm_scripts import follow_run, parse_script
from scaffold.providers.node.lockfiles import LOCKFILES, lock_out_of_sync, find_git_dependencies, read_lock_details
from scaffold.providers.node.source_scan import HostHint, PortHint, entry_candidates_of, scan_page_imports, scan_ports, scan_runtime_imports, scan_sources


@dataclass(frozen=True)
class RcFile:
    """A package-manager config file (.npmrc, .yarnrc.yml) and whether it holds credentials."""

    path: str
    literal_secret: bool  # a token or password written in the file itself
    env_tokens: tuple[str, ...]  # ${VAR} references that the install will need
    hosts: tuple[str, ...] = ()  # hosts its URLs name (registry=https://npm.acme.com/): registries the project configures


@dataclass(frozen=True)
class NodeFacts:
    manifest: dict[str, Any]
    name: str | None
    scripts: dict[str, str]
    main: str | None
    dependencies: dict[str, str]
    dev_dependencies: dict[str, str]
    lockfiles: tuple[str, ...]
    package_manager_field: Found | None  # "pnpm@9.1.0"
    lock_details: dict[str, Any]  # per lockfile: version/kind facts
    stale_lock: Found | None  # value: the lockfile a frozen install would refuse; source: why
    node_version_hints: tuple[Found, ...]  # in precedence order, as found
    yarnrc: dict[str, Any] | None
    yarn_releases: tuple[str, ...]
    rc_files: tuple[RcFile, ...]
    extra_install_files: tuple[str, ...]  # patches/, .pnpmfile.cjs, prisma schema …
    existing_entries: tuple[str, ...]  # conventional entry files that exist
    port_hints: tuple[PortHint, ...]
    serves_http: bool  # the code reads a PORT variable or calls listen()/createServer()/serve(): not a worker
    has_tsconfig: bool
    tsconfig_out_dir: Found | None
    files: frozenset[str] = field(default_factory=frozenset)  # top-level names
    tsconfig_root_dir: Found | None = None
    tsconfig_path_dirs: tuple[str, ...] = ()  # folders tsconfig.json > compilerOptions > paths maps to (tsconfig-paths reads them at run time)
    tsconfig_no_emit: bool = False
    ts_common_root: str | None = None  # the folder tsc would treat as rootDir (common root of the sources)
    framework: Any = None  # node_frameworks.FrameworkFacts | None
    native: Any = None  # node_addons.NativeFacts
    prisma: Any = None  # node_addons.PrismaFacts | None
    loopback_host: HostHint | None = None
    git_dependencies: tuple[Found, ...] = ()  # installed from a git repository
    build_commands: tuple[Found, ...] = ()  # Debian packages for programs the build script runs (value), and why
    ecosystem: Ecosystem | None = None  # the pm2 ecosystem file a script starts pm2 with
    nodemon_exec: str | None = None  # nodemon.json > exec (or package.json > nodemonConfig): what a bare `nodemon` runs
    procfile_web: Found | None = None  # the Procfile's web: command
    procfile_worker: Found | None = None  # the Procfile's worker: command
    module: str | None = None  # package.json "module": the entry `bun init` writes
    data_dirs: tuple[Found, ...] = ()  # folders a SQLite database is created in (absolute, or under /app)
    runtime_imports: tuple[Found, ...] = ()  # packages the entry file and the files it loads import (where: file:line)
    page_imports: tuple[Found, ...] = ()  # packages a Next.js app's pages and components import (where: file:line)
    named_packages: tuple[Found, ...] = ()  # packages a library loads by name at run time (pino transport targets)
    has_bunfig: bool = False
    # Which of the paths planning asks about exist (scripts' files, main's spellings, top-level names)
    presence: Presence = field(default_factory=lambda: Presence(frozenset(), frozenset(), frozenset()))
    context: ContextFiles = field(default_factory=lambda: ContextFiles((), ()))  # what the .dockerignore is made from

    def has(self, name: str) -> bool:
        return name in self.files

    @property
    def all_dependencies(self) -> dict[str, str]:
        return {**self.dev_dependencies, **self.dependencies}
    env_file_fatal: str | None = None  # "src/config.ts:12": the app throws when .env is missing (dotenv config().error)


def detect(project: Project, *, context: bool = True) -> NodeFacts | None:
    """Facts about the Node app at the project's root, or None if it is not one.

    ``context=False`` skips what the .dockerignore is made from: a workspace app's
    image is built from the repository root, whose .gitignore and credential scan
    are read once for every app.
    """
    if not project.has_file("package.json"):
        return None
    from scaffold.data import load
    from scaffold.providers.node.detect_addons import detect_native, detect_prisma
    from scaffold.providers.node.detect_frameworks import detect_framework

    manifest = project.read_json("package.json")
    if not isinstance(manifest, dict):
        raise MalformedFileError(path="package.json", detail="the top level is not a JSON object")
    node_data = load("node")
    from scaffold.credentials import manifest_credentials

    leaked = manifest_credentials(manifest, "package.json")
    if leaked:
        raise InconsistentProjectError(
            path="package.json",
            detail=f"{leaked}; package.json is copied into the image, so scaffold will not write a Dockerfile for it",
            hint="move the credential to an environment variable (.npmrc: //host/:_authToken=${NPM_TOKEN}) or a git credential helper",
        )
    scripts = _str_dict(manifest.get("scripts"), "package.json", "scripts")
    deps = _str_dict(manifest.get("dependencies"), "package.json", "dependencies")
    dev = _str_dict(manifest.get("devDependencies"), "package.json", "devDependencies")
    lockfiles = tuple(name for name in LOCKFILES if project.has_file(name))
    pm_field = manifest.get("packageManager")
    yarnrc = _read_yarnrc(project)
    files = frozenset(project.list_dir("."))
    lock_details = {name: read_lock_details(project, name) for name in lockfiles}
    stale_lock = lock_out_of_sync(lock_details, deps, dev, _str_dict(manifest.get("optionalDependencies"), "package.json", "optionalDependencies"))
    existing = tuple(rel for rel in (*node_data["entry_files"], *node_data["bun_entry_files"]) if project.has_file(rel))
    entry_candidates = entry_candidates_of(manifest, scripts, existing)
    port_hints, serves_http, loopback = scan_ports(project, entry_candidates)
    sources = scan_sources(project)
    runtime_imports = scan_runtime_imports(project, entry_candidates)
    prisma = detect_prisma(project, manifest, deps, dev)
    procfile = (procfile_web(project), procfile_worker(project))
    extra_install = _extra_install_files(project, manifest, scripts)
    nodemon_exec = _nodemon_exec(project, manifest, scripts)
    return NodeFacts(
        manifest=manifest,
        name=manifest.get("name") if isinstance(manifest.get("name"), str) else None,
        scripts=scripts,
        main=manifest.get("main") if isinstance(manifest.get("main"), str) else None,
        module=manifest.get("module") if isinstance(manifest.get("module"), str) and len(manifest["module"]) < 300 else None,
        has_bunfig=project.has_file("bunfig.toml"),
        dependencies=deps,
        dev_dependencies=dev,
        lockfiles=lockfiles,
        package_manager_field=Found(pm_field, "package.json > packageManager") if isinstance(pm_field, str) and pm_field else None,
        lock_details=lock_details,
        stale_lock=stale_lock,
        node_version_hints=_node_version_hints(project, manifest),
        yarnrc=yarnrc,
        yarn_releases=tuple(f".yarn/releases/{n}" for n in project.list_dir(".yarn/releases") if n.endswith((".cjs", ".js"))),
        rc_files=_rc_files(project),
        extra_install_files=extra_install,
        existing_entries=existing,
        port_hints=port_hints,
        serves_http=serves_http,
        has_tsconfig=project.has_file("tsconfig.json"),
        tsconfig_out_dir=tsconfig_option(project, "outDir"),
        files=files,
        tsconfig_root_dir=tsconfig_option(project, "rootDir"),
        tsconfig_path_dirs=_tsconfig_path_dirs(project),
        tsconfig_no_emit=_tsconfig_no_emit(project),
        ts_common_root=_ts_common_root(project),
        framework=detect_framework(project, deps, dev, _build_script(scripts)),
        native=detect_native(project, lock_details, deps, dev),
        prisma=prisma,
        loopback_host=loopback,
        data_dirs=sources.data_dirs,
        named_packages=(*sources.named_packages, *_config_loaders(project, deps)),
        env_file_fatal=sources.env_file_fatal,
        runtime_imports=runtime_imports,
        page_imports=scan_page_imports(project) if "next" in deps or "next" in dev else (),
        git_dependencies=find_git_dependencies(deps, dev, lock_details),
        build_commands=build_commands(project, scripts, "build"),
        ecosystem=read_ecosystem(project, scripts) if "pm2" in " ".join(scripts.values()) else None,
        procfile_web=procfile[0],
        procfile_worker=procfile[1],
        nodemon_exec=nodemon_exec,
        presence=look_up(project, planning_paths(manifest, {**scripts, "(nodemon exec)": nodemon_exec or ""}, procfile, extra_install, prisma)),
        context=context_files(project) if context else ContextFiles((), ()),
    )


def _nodemon_exec(project: Project, manifest: dict[str, Any], scripts: dict[str, str]) -> str | None:
    """The command a bare ``nodemon`` restarts when its config says: ``"exec": "ts-node ./src/server.ts"``.

    Read only when a script runs nodemon. A config nodemon cannot parse is no
    reason to refuse the project: nodemon only runs in development, so it is ignored.
    """
    if "nodemon" not in " ".join(scripts.values()):
        return None
    config: Any = manifest.get("nodemonConfig")
    if project.has_file("nodemon.json"):
        try:
            config = project.read_json("nodemon.json")
        except MalformedFileError:
            return None
    value = config.get("exec") if isinstance(config, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() and len(value) < 500 else None


def _build_script(scripts: dict[str, str]) -> str:
    """The text of the script `build` runs (through `npm run build:prod`), where a config file may be named."""
    followed = follow_run("build", scripts)
    return scripts.get(followed[0], "") if followed else ""


def planning_paths(manifest: dict[str, Any], scripts: dict[str, str], procfile: tuple[Found | None, ...], extra_install: tuple[str, ...], prisma: Any) -> set[str]:
    """Paths the Node planner asks about, beyond the top-level names: looked up now so planning reads nothing."""
    from scaffold.data import load

    commands = [*scripts.values(), *(str(p.value) for p in procfile if p is not None)]
    paths = path_words(commands)
    main = manifest.get("main")
    if isinstance(main, str):
        main = main.removeprefix("./").rstrip("/")
        paths.update((main, f"{main}.js", f"{main}.cjs", f"{main}/index.js", f"{main}/index.cjs"))
    module = manifest.get("module")
    if isinstance(module, str):
        paths.add(module)
    for name in load("node")["built_entry_files"]:
        stem = name.rsplit(".", 1)[0]
        paths.update(f"src/{stem}{ext}" for ext in (".ts", ".mts", ".js", ".mjs"))
    for word in list(paths):
        # `node dist/index.js`: the TypeScript it is built from, where tsc's root may be (typescript.rebuilt_entry)
        head, _, rest = word.removeprefix("./").partition("/")
        if rest and word.endswith((".js", ".cjs", ".mjs")):
            stem = rest.rsplit(".", 1)[0]
            paths.update(f"{folder}{stem}{ext}" for folder in ("", "src/", "server/", "app/", "lib/") for ext in (".ts", ".mts", ".cts", ".tsx"))
    paths.update(extra_install)
    if prisma is not None:  # copied before the install (plan_addons.prisma_steps)
        paths.update(p for p in (prisma.schema, prisma.config_file) if p)
    return paths


# -- manifest helpers ----------------------------------------------------------

def _str_dict(value: Any, path: str, key: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise MalformedFileError(path=path, detail=f'"{key}" must be an object of strings')
    return dict(value)


def _node_version_hints(project: Project, manifest: dict[str, Any]) -> tuple[Found, ...]:
    """Every place that states a Node version, in scaffold's precedence order."""
    hints: list[Found] = []
    for found in (
        version_file_pin(project, ".nvmrc"),
        version_file_pin(project, ".node-version"),
        tool_versions_pin(project, ("nodejs", "node")),
    ):
        if found is not None:
            hints.append(found)
    volta = manifest.get("volta")
    if isinstance(volta, dict) and isinstance(volta.get("node"), str):
        hints.append(Found(volta["node"], "package.json > volta > node"))
    engines = manifest.get("engines")
    if isinstance(engines, dict) and isinstance(engines.get("node"), str) and engines["node"].strip():
        hints.append(Found(engines["node"].strip(), "package.json > engines > node"))
    return tuple(hints)


def _read_yarnrc(project: Project) -> dict[str, Any] | None:
    if not project.has_file(".yarnrc.yml"):
        return None
    data = project.read_yaml(".yarnrc.yml")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MalformedFileError(path=".yarnrc.yml", detail="the top level is not a mapping")
    return data


_SECRET_KEYS = re.compile(r"(_authToken|_auth|_password|npmAuthToken|npmAuthIdent|password|token)\s*[=:]\s*(\S+)", re.I)
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]{0,200}\}")


_URL_HOST = re.compile(r"(?:https?:)?//([A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def _rc_files(project: Project) -> tuple[RcFile, ...]:
    found = []
    for rel in (".npmrc", ".yarnrc.yml", ".yarnrc", "bunfig.toml"):
        if not project.has_file(rel):
            continue
        from scaffold.credentials import credential_in

        text = project.read_text(rel)
        literal = credential_in(text, rel) is not None
        env_tokens: list[str] = []
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith(("#", ";")):
                continue
            match = _SECRET_KEYS.search(stripped)
            if not match:
                continue
            value = match.group(2).strip("\"'")
            refs = _ENV_REF.findall(value)
            if refs:
                env_tokens.extend(r for r in refs if r not in env_tokens)
            elif value:
                literal = True
        hosts = tuple(dict.fromkeys(h.lower() for h in _URL_HOST.findall(text)))
        found.append(RcFile(rel, literal, tuple(env_tokens), hosts))
    return tuple(found)


def _extra_install_files(project: Project, manifest: dict[str, Any], scripts: dict[str, str]) -> tuple[str, ...]:
    """Files the install step reads besides the manifest and lockfile."""
    extra = []
    for rel in ("patches", ".yarn/patches", ".yarn/plugins"):
        if project.has_dir(rel):
            extra.append(rel)
    for rel in (".pnpmfile.cjs", "pnpm-workspace.yaml", "bunfig.toml"):
        if project.has_file(rel):
            extra.append(rel)
    extra.extend(f for f in _lifecycle_script_files(project, scripts) if f not in extra)
    return tuple(extra)


_SCRIPT_FILE = re.compile(r"^(?:\./)?[\w.-]+(?:/[\w.-]+){0,4}\.(?:c|m)?js$|^(?:\./)?[\w.-]+(?:/[\w.-]+){0,4}\.sh$")


def _lifecycle_script_files(project: Project, scripts: dict[str, str]) -> list[str]:
    """Files of the project that the root install scripts run: `"postinstall": "node ./decorate-angular-cli.js && ngcc"`.

    The install runs before the sources are copied, so such a file must be copied
    with the manifest, or the install fails with MODULE_NOT_FOUND (NarasimhaPk2380/node-express-app).
    """
    found: list[str] = []
    for name in ("preinstall", "install", "postinstall", "prepare"):
        for word in parse_script(scripts.get(name, "")).argv:  # the shell lexer splits && and ; off the words
            if _SCRIPT_FILE.match(word) and not word.startswith("node_modules/"):
                rel = word.removeprefix("./")
                if project.has_file(rel) and rel not in found:
                    found.append(rel)
    return found


def tsconfig_option(project: Project, key: str) -> Found | None:
    """A path option of tsconfig.json's compilerOptions (outDir, rootDir)."""
    if not project.has_file("tsconfig.json"):
        return None
    text = project.read_text("tsconfig.json")
    # tsconfig is JSONC (comments, trailing commas); a regex is enough for one key.
    match = re.search(rf'"{key}"\s*:\s*"([^"]+)"', strip_json_comments(text))
    if not match:
        return None
    out = match.group(1).strip().removeprefix("./").rstrip("/")
    if not out and key == "rootDir" and match.group(1).strip() in (".", "./"):
        out = "."  # "rootDir": "./" keeps the project's folders under outDir (dist/src/index.js)
    return Found(out, f"tsconfig.json > compilerOptions > {key}") if out else None


def _tsconfig_path_dirs(project: Project) -> tuple[str, ...]:
    """The top folders tsconfig.json's `paths` map aliases to ("|db/*": ["./db/*"] -> db), those that exist."""
    if not project.has_file("tsconfig.json"):
        return ()
    block = re.search(r'"paths"\s*:\s*\{([^{}]{0,4000})\}', strip_json_comments(project.read_text("tsconfig.json")))
    if not block:
        return ()
    dirs: list[str] = []
    for target in re.findall(r'\[([^\]]{0,1000})\]', block.group(1)):
        for path in re.findall(r'"([^"]+)"', target):
            top = path.removeprefix("./").split("/", 1)[0]
            if top and "*" not in top and top not in dirs and project.has_dir(top):
                dirs.append(top)
    return tuple(dirs)


_TS_SOURCES = (".ts", ".tsx", ".mts", ".cts")
_NOT_SOURCES = re.compile(r"(\.d\.[cm]?ts|\.(test|spec)\.[cm]?tsx?|\.config\.[cm]?ts)$|(^|/)(tests?|__tests__|e2e)/")


def _ts_common_root(project: Project) -> str | None:
    """tsc without rootDir writes outDir/<path relative to the sources' common folder>: find that folder.

    Only files under tsconfig's "include" prefixes count; tests and config files are
    left out, since they are rarely part of the build.
    """
    if not project.has_file("tsconfig.json"):
        return None
    text = strip_json_comments(project.read_text("tsconfig.json"))
    match = re.search(r'"include"\s*:\s*\[([^\]]*)\]', text)
    prefixes: list[str] = []
    dirs: set[str] = set()
    if match:
        for item in re.findall(r'"([^"]+)"', match.group(1)):
            head = re.split(r"[*?{]", item.removeprefix("./"), maxsplit=1)[0].rstrip("/")
            prefixes.append(head)
            if head == item.removeprefix("./") and head.endswith(_TS_SOURCES) and project.has_file(head):
                # named on its own ("jest.config.ts"), a config file is compiled too, and moves the root
                dirs.add(head.rsplit("/", 1)[0] if "/" in head else ".")
    for rel in project.walk_files(".", suffixes=_TS_SOURCES, limit=2000):
        if _NOT_SOURCES.search(rel):
            continue
        if prefixes and not any(p in ("", ".") or rel == p or rel.startswith(p + "/") for p in prefixes):
            continue
        dirs.add(rel.rsplit("/", 1)[0] if "/" in rel else ".")
    if not dirs:
        return None
    import os.path

    common = os.path.commonpath([d if d != "." else "" for d in dirs]) if "." not in dirs else "."
    return common or "."


def _config_loaders(project: Project, deps: dict[str, str]) -> tuple[Found, ...]:
    """node-config (`config`) reads `config/*.ts` through ts-node at start, so ts-node and typescript are loaded by name.

    tsc's output has no config folder of its own: the compiled app still reads ./config/default.ts
    (alanbueno/koa-typescript-template: "Cannot find module 'ts-node'").
    """
    from scaffold.data import load

    if "config" not in deps:
        return ()
    ts = next((f"config/{n}.ts" for n in ("default", "production", "custom-environment-variables") if project.has_file(f"config/{n}.ts")), None)
    if ts is None:
        return ()
    return tuple(Found(pkg, f"{ts} (node-config reads .ts config files through ts-node at start)") for pkg in load("node")["config_ts_loaders"])


def _tsconfig_no_emit(project: Project) -> bool:
    """tsconfig.json sets noEmit, or (Vite's `tsc -b` layout) every project it references does."""
    if not project.has_file("tsconfig.json"):
        return False
    text = strip_json_comments(project.read_text("tsconfig.json"))
    if re.search(r'"noEmit"\s*:\s*true', text):
        return True
    refs = re.findall(r'"path"\s*:\s*"([^"]{1,200})"', text.split('"references"', 1)[1]) if '"references"' in text else []
    paths = [posixpath.normpath(r if r.endswith(".json") else posixpath.join(r, "tsconfig.json")) for r in refs]
    return bool(paths) and all(
        project.has_file(p) and re.search(r'"noEmit"\s*:\s*true', strip_json_comments(project.read_text(p))) is not None for p in paths
    )


def strip_json_comments(text: str) -> str:
    return re.sub(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', lambda m: m.group(1) or "", text, flags=re.S)


# -- lockfiles -------------------------------------------------------------------


# -- entry points and ports ----------------------------------------------------


