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
from scaffold.detect.procfile import procfile_web, procfile_worker
from scaffold.errors import InconsistentProjectError, MalformedFileError
from scaffold.project import MAX_LOCKFILE_BYTES, Project

LOCKFILES = ("package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock", "bun.lockb")
LOCK_TO_PM = {
    "package-lock.json": "npm",
    "npm-shrinkwrap.json": "npm",
    "pnpm-lock.yaml": "pnpm",
    "yarn.lock": "yarn",
    "bun.lock": "bun",
    "bun.lockb": "bun",
}


@dataclass(frozen=True)
class PortHint:
    port: int
    source: str  # "src/server.js:12"
    kind: str  # "env-fallback" (process.env.PORT || N), "literal" (listen(N)) or "env-file" (.env.example)
    env: str = "PORT"  # the variable the code reads the port from


@dataclass(frozen=True)
class HostHint:
    """The server binds to a loopback address, unreachable from outside its container."""

    host: str  # "localhost", "127.0.0.1"
    source: str  # "src/server.js:12"
    env: str | None  # the variable it reads first (process.env.HOST || 'localhost'), if any
    value: str = "0.0.0.0"  # what the image sets that variable to (a ternary's condition may want "true")


@dataclass(frozen=True)
class RcFile:
    """A package-manager config file (.npmrc, .yarnrc.yml) and whether it holds credentials."""

    path: str
    literal_secret: bool  # a token or password written in the file itself
    env_tokens: tuple[str, ...]  # ${VAR} references that the install will need


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
    node_version_hints: tuple[Found, ...]  # in precedence order, as found
    yarnrc: dict[str, Any] | None
    yarn_releases: tuple[str, ...]
    rc_files: tuple[RcFile, ...]
    extra_install_files: tuple[str, ...]  # patches/, .pnpmfile.cjs, prisma schema …
    existing_entries: tuple[str, ...]  # conventional entry files that exist
    port_hints: tuple[PortHint, ...]
    reads_port_env: bool
    has_tsconfig: bool
    tsconfig_out_dir: Found | None
    files: frozenset[str] = field(default_factory=frozenset)  # top-level names
    tsconfig_root_dir: Found | None = None
    tsconfig_no_emit: bool = False
    ts_common_root: str | None = None  # the folder tsc would treat as rootDir (common root of the sources)
    framework: Any = None  # node_frameworks.FrameworkFacts | None
    native: Any = None  # node_addons.NativeFacts
    prisma: Any = None  # node_addons.PrismaFacts | None
    loopback_host: HostHint | None = None
    git_dependencies: tuple[Found, ...] = ()  # installed from a git repository
    procfile_web: Found | None = None  # the Procfile's web: command
    procfile_worker: Found | None = None  # the Procfile's worker: command
    module: str | None = None  # package.json "module": the entry `bun init` writes
    data_dirs: tuple[Found, ...] = ()  # folders a SQLite database is created in (absolute, or under /app)
    runtime_imports: tuple[Found, ...] = ()  # packages the entry file and the files it loads import (where: file:line)
    has_bunfig: bool = False

    def has(self, name: str) -> bool:
        return name in self.files

    @property
    def all_dependencies(self) -> dict[str, str]:
        return {**self.dev_dependencies, **self.dependencies}


def detect(project: Project) -> NodeFacts | None:
    """Facts about the Node app at the project's root, or None if it is not one."""
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
    lock_details = {name: _lock_details(project, name) for name in lockfiles}
    _check_lock_matches_manifest(project, lock_details, deps, dev, _str_dict(manifest.get("optionalDependencies"), "package.json", "optionalDependencies"))
    existing = tuple(rel for rel in (*node_data["entry_files"], *node_data["bun_entry_files"]) if project.has_file(rel))
    entry_candidates = _entry_candidates(manifest, scripts, existing)
    port_hints, reads_env, loopback = _scan_ports(project, entry_candidates)
    data_dirs = _sqlite_data_dirs(project)
    runtime_imports = _runtime_imports(project, entry_candidates)
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
        node_version_hints=_node_version_hints(project, manifest),
        yarnrc=yarnrc,
        yarn_releases=tuple(f".yarn/releases/{n}" for n in project.list_dir(".yarn/releases") if n.endswith((".cjs", ".js"))),
        rc_files=_rc_files(project),
        extra_install_files=_extra_install_files(project, manifest, scripts),
        existing_entries=existing,
        port_hints=port_hints,
        reads_port_env=reads_env,
        has_tsconfig=project.has_file("tsconfig.json"),
        tsconfig_out_dir=_tsconfig_option(project, "outDir"),
        files=files,
        tsconfig_root_dir=_tsconfig_option(project, "rootDir"),
        tsconfig_no_emit=_tsconfig_no_emit(project),
        ts_common_root=_ts_common_root(project),
        framework=detect_framework(project, deps, dev),
        native=detect_native(project, lock_details, deps, dev),
        prisma=detect_prisma(project, manifest, deps, dev),
        loopback_host=loopback,
        data_dirs=data_dirs,
        runtime_imports=runtime_imports,
        git_dependencies=_git_dependencies(deps, dev, lock_details),
        procfile_web=procfile_web(project),
        procfile_worker=procfile_worker(project),
    )


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
        found.append(RcFile(rel, literal, tuple(env_tokens)))
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
    return tuple(extra)


def _tsconfig_option(project: Project, key: str) -> Found | None:
    """A path option of tsconfig.json's compilerOptions (outDir, rootDir)."""
    if not project.has_file("tsconfig.json"):
        return None
    text = project.read_text("tsconfig.json")
    # tsconfig is JSONC (comments, trailing commas); a regex is enough for one key.
    match = re.search(rf'"{key}"\s*:\s*"([^"]+)"', strip_json_comments(text))
    if not match:
        return None
    out = match.group(1).strip().removeprefix("./").rstrip("/")
    return Found(out, f"tsconfig.json > compilerOptions > {key}") if out else None


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
    if match:
        for item in re.findall(r'"([^"]+)"', match.group(1)):
            head = re.split(r"[*?{]", item.removeprefix("./"), maxsplit=1)[0].rstrip("/")
            prefixes.append(head)
    dirs: set[str] = set()
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


def _tsconfig_no_emit(project: Project) -> bool:
    if not project.has_file("tsconfig.json"):
        return False
    return bool(re.search(r'"noEmit"\s*:\s*true', strip_json_comments(project.read_text("tsconfig.json"))))


def strip_json_comments(text: str) -> str:
    return re.sub(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', lambda m: m.group(1) or "", text, flags=re.S)


def _dev_only_bins(packages: dict[str, Any]) -> list[str]:
    """Commands that only devDependencies provide (`remix` from @remix-run/dev): gone after a production install."""
    dev: set[str] = set()
    prod: set[str] = set()
    for key, meta in packages.items():
        if key.count("node_modules/") != 1 or not isinstance(meta, dict) or not isinstance(meta.get("bin"), dict):
            continue
        (dev if meta.get("dev") else prod).update(b for b in meta["bin"] if isinstance(b, str))
    return sorted(dev - prod)


# -- lockfiles -------------------------------------------------------------------

def _lock_details(project: Project, name: str) -> dict[str, Any]:
    if name in ("package-lock.json", "npm-shrinkwrap.json"):
        data = project.read_json(name, limit=MAX_LOCKFILE_BYTES)
        if not isinstance(data, dict):
            raise MalformedFileError(path=name, detail="the top level is not a JSON object")
        version = data.get("lockfileVersion", 1)
        root = (data.get("packages") or {}).get("") or {}
        if "packages" in data:
            names = set(root.get("dependencies") or {}) | set(root.get("devDependencies") or {}) | set(root.get("optionalDependencies") or {})
        else:
            names = set(data.get("dependencies") or {})
        packages = data.get("packages") or {}
        installs = {
            key.rsplit("node_modules/", 1)[-1]
            for key, meta in packages.items()
            if key and isinstance(meta, dict) and meta.get("hasInstallScript")
        }
        if packages:
            all_names = {key.rsplit("node_modules/", 1)[-1] for key in packages if "node_modules/" in key}
        else:
            all_names = _v1_names(data.get("dependencies") or {})
        git = sorted(
            key.rsplit("node_modules/", 1)[-1]
            for key, meta in packages.items()
            if key and isinstance(meta, dict) and _is_git_spec(str(meta.get("resolved", "")))
        ) or sorted(n for n, meta in (data.get("dependencies") or {}).items() if isinstance(meta, dict) and _is_git_spec(str(meta.get("version", ""))))
        return {
            "lockfileVersion": version,
            "root_names": names,
            "git_packages": git,
            "install_script_packages": sorted(installs),
            "all_names": all_names,
            "dev_optional_peers": _dev_optional_peers(packages),
            "dev_only_bins": _dev_only_bins(packages),
            "locked": {
                key.rsplit("node_modules/", 1)[-1]: (str(meta.get("version", "")), (meta.get("engines") or {}).get("node") if isinstance(meta.get("engines"), dict) else None)
                for key, meta in packages.items()
                if key.count("node_modules/") == 1 and isinstance(meta, dict)
            },
        }
    if name == "pnpm-lock.yaml":
        data = project.read_yaml(name, limit=MAX_LOCKFILE_BYTES)
        if not isinstance(data, dict):
            raise MalformedFileError(path=name, detail="the top level is not a mapping")
        version = str(data.get("lockfileVersion", ""))
        importer = (data.get("importers") or {}).get(".") if "importers" in data else data
        importer = importer or {}
        names = set()
        for key in ("dependencies", "devDependencies", "optionalDependencies"):
            names |= set(importer.get(key) or {})
        installs = sorted(
            _pnpm_name(key)
            for key, meta in (data.get("packages") or {}).items()
            if isinstance(meta, dict) and meta.get("requiresBuild")
        )
        all_names = {_pnpm_name(key) for key in (data.get("packages") or {})}
        git = sorted(
            _pnpm_name(key)
            for key, meta in (data.get("packages") or {}).items()
            if isinstance(meta, dict) and isinstance(meta.get("resolution"), dict) and meta["resolution"].get("type") == "git"
        )
        return {"lockfileVersion": version, "root_names": names, "install_script_packages": installs, "all_names": all_names, "git_packages": git}
    if name == "yarn.lock":
        text = project.read_text(name, limit=MAX_LOCKFILE_BYTES)
        berry = "__metadata:" in text
        names = set()
        for line in text.splitlines():
            if line and not line[0].isspace() and line.rstrip().endswith(":") and not line.startswith(("#", "__metadata")):
                for spec in line.rstrip(":").split(","):
                    spec = spec.strip().strip('"')
                    if spec:
                        names.add(spec[: spec.index("@", 1)] if "@" in spec[1:] else spec)
        git = sorted({m.group(1) for m in re.finditer(r'^"?(@?[^@\s"]+)@[^\n]*(?:git\+|git://|github:|gitlab:|bitbucket:|#commit=)', text, re.M)})
        return {"kind": "berry" if berry else "classic", "root_names": None, "all_names": names, "git_packages": git}
    if name == "bun.lock":
        text = project.read_text(name, limit=MAX_LOCKFILE_BYTES)
        import json

        try:
            data = json.loads(re.sub(r",(\s*[}\]])", r"\1", text))
        except json.JSONDecodeError as exc:
            raise MalformedFileError(path=name, detail=f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
        except (RecursionError, ValueError):
            raise MalformedFileError(path=name, detail="nested too deeply, or a number too long, to be a lockfile") from None
        from scaffold import file_shapes

        file_shapes.check(data, name)
        root = ((data.get("workspaces") or {}).get("")) or {}
        names = set()
        for key in ("dependencies", "devDependencies", "optionalDependencies"):
            names |= set(root.get(key) or {})
        return {"lockfileVersion": data.get("lockfileVersion"), "root_names": names}
    return {"binary": True, "root_names": None}


_GIT_SPEC = re.compile(r"^(git\+|git://|github:|gitlab:|bitbucket:|gist:)|^[\w.-]+/[\w.-]+(#.*)?$|\.git(#.*)?$")


def _is_git_spec(spec: str) -> bool:
    """A dependency fetched from a git repository: git+ URLs, host shorthands, "user/repo"."""
    return bool(_GIT_SPEC.search(spec.strip()))


def _git_dependencies(deps: dict[str, str], dev: dict[str, str], details: dict[str, dict[str, Any]]) -> tuple[Found, ...]:
    """Dependencies installed from git: npm, yarn and pnpm run the git binary for some of them."""
    found = [Found(name, f"package.json > {key} > {name}") for key, table in (("dependencies", deps), ("devDependencies", dev)) for name, spec in table.items() if _is_git_spec(spec)]
    named = {f.value for f in found}
    for lockfile, info in details.items():
        found += [Found(name, lockfile) for name in info.get("git_packages") or () if name not in named]
        named |= set(info.get("git_packages") or ())
    return tuple(found)


def _dev_optional_peers(packages: dict[str, Any]) -> list[str]:
    """Lockfile paths npm keeps in a production install although only dev tools need them.

    npm marks a devDependency "devOptional" when a production package names it as an
    optional peer (@prisma/client and the prisma CLI, many packages and typescript),
    and `--omit=dev` keeps those. An optional peer is never required, so the
    devDependency and the devOptional packages only it pulls in can go.
    """
    root = packages.get("") or {}
    dev = set(root.get("devDependencies") or {}) - set(root.get("dependencies") or {})

    def meta(name: str) -> dict[str, Any]:
        entry = packages.get(f"node_modules/{name}")
        return entry if isinstance(entry, dict) else {}

    needed_by_prod: set[str] = set()  # names a production package really depends on
    optional_peer_of_prod: set[str] = set()
    for key, entry in packages.items():
        if not key or not isinstance(entry, dict) or entry.get("dev") or entry.get("devOptional"):
            continue
        needed_by_prod |= set(entry.get("dependencies") or {}) | set(entry.get("optionalDependencies") or {})
        peer_meta = entry.get("peerDependenciesMeta") or {}
        for name in entry.get("peerDependencies") or {}:
            if (peer_meta.get(name) or {}).get("optional"):
                optional_peer_of_prod.add(name)
            else:
                needed_by_prod.add(name)
    removable = {n for n in dev if meta(n).get("devOptional") and n in optional_peer_of_prod and n not in needed_by_prod}
    changed = True
    while changed:
        changed = False
        for name in sorted(removable):
            for child in meta(name).get("dependencies") or {}:
                if child not in removable and child not in needed_by_prod and meta(child).get("devOptional"):
                    removable.add(child)
                    changed = True
    bins = {f"node_modules/.bin/{b}" for n in removable if isinstance(meta(n).get("bin"), dict) for b in meta(n)["bin"]}
    return sorted(bins | {f"node_modules/{n}" for n in removable})


def _v1_names(tree: dict[str, Any]) -> set[str]:
    """Every package name in an npm 6 (lockfileVersion 1) dependency tree."""
    names: set[str] = set()
    stack = [tree]
    while stack:
        level = stack.pop()
        for name, meta in level.items():
            names.add(name)
            if isinstance(meta, dict) and isinstance(meta.get("dependencies"), dict):
                stack.append(meta["dependencies"])
    return names


def _pnpm_name(key: str) -> str:
    """The package name of a pnpm-lock.yaml packages key ("/@scope/name@1.2.3(peer)", "/name/1.2.3")."""
    key = key.lstrip("/").split("(", 1)[0]
    at = key.find("@", 1)
    if at > 0:
        return key[:at]
    parts = key.split("/")
    return "/".join(parts[:2]) if key.startswith("@") else parts[0]


def _check_lock_matches_manifest(
    project: Project, details: dict[str, dict[str, Any]], deps: dict[str, str], dev: dict[str, str], optional: dict[str, str]
) -> None:
    """A frozen install fails when the lockfile misses a declared dependency: say so now."""
    declared = set(deps) | set(dev) | set(optional)
    for lockfile, info in details.items():
        names = info.get("root_names")
        if names is None:
            names = info.get("all_names")
        if names is None:
            continue
        missing = sorted(declared - names)
        if missing:
            shown = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
            pm = LOCK_TO_PM[lockfile]
            raise InconsistentProjectError(
                path=lockfile,
                detail=f"does not match package.json: no entry for {shown}; a frozen install would fail",
                hint=f"run `{pm} install` and commit the updated {lockfile}",
            )


# -- entry points and ports ----------------------------------------------------

_IMPORT = re.compile(r"""(?:\brequire\(\s*|\bimport\(\s*|\bfrom\s+|^\s*import\s+)['"]([^'"\n]{1,214})['"]""", re.M)
_MAX_IMPORT_FILES = 60


def _runtime_imports(project: Project, entries: list[str]) -> tuple[Found, ...]:
    """Packages the server's own code loads: its entry files and the local files they import, transitively (bounded).

    A package required by server.js but declared in devDependencies is gone after a
    production install, and the app dies with MODULE_NOT_FOUND (Docker's bulletin-board
    sample requires body-parser, a devDependency).
    """
    from scaffold.providers.node.detect_frameworks import strip_js_comments

    seen: set[str] = set()
    queue = [e for e in entries if e.endswith((".js", ".cjs", ".mjs"))]
    found: dict[str, Found] = {}
    while queue and len(seen) < _MAX_IMPORT_FILES:
        rel = posixpath.normpath(queue.pop(0))
        if rel in seen or rel.startswith("../") or not project.has_file(rel):
            continue
        seen.add(rel)
        try:
            if project.path(rel).stat().st_size > _MAX_SCAN_BYTES:
                continue
            text = strip_js_comments(project.read_text(rel))
        except Exception:  # an unreadable source file is not a reason to stop
            continue
        for match in _IMPORT.finditer(text):
            spec = match.group(1)
            if spec.startswith("."):
                base = posixpath.normpath(posixpath.join(posixpath.dirname(rel), spec))
                queue.extend(c for c in (base, f"{base}.js", f"{base}.cjs", f"{base}.mjs", f"{base}/index.js") if c not in seen)
                continue
            if spec.startswith(("node:", "/", "#")):
                continue
            parts = spec.split("/")
            name = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
            found.setdefault(name, Found(name, f"{rel}:{_line_of(text, match.start())}"))
    return tuple(found[k] for k in sorted(found))


def _entry_candidates(manifest: dict[str, Any], scripts: dict[str, str], existing: tuple[str, ...]) -> list[str]:
    """Files likely to hold the server code, for the port scan."""
    files: list[str] = []
    for script in (scripts.get("start"), scripts.get("start:prod"), scripts.get("serve")):
        if script:
            files.extend(w for w in script.split() if re.search(r"\.(c|m)?(j|t)sx?$", w) or w.startswith(("./bin/", "bin/")))
    main = manifest.get("main")
    if isinstance(main, str):
        files.append(main)
    files.extend(existing)
    out = []
    for f in files:
        f = f.removeprefix("./")
        # a built file (dist/index.js) came from a source file: scan src/ too
        if f not in out:
            out.append(f)
    return out


# process.env.PORT || 3000, Number(process.env.API_PORT) ?? 5000, parseInt(process.env["HTTP_PORT"], 10) || 8080
_ENV_FALLBACK = re.compile(
    r"(?:process|Bun|import\.meta)\.env(?:\.(\w{0,40}PORT\w{0,20})|\[\s*['\"](\w{0,40}PORT\w{0,20})['\"]\s*\])"
    r"(?:\s*,\s*10)?\s*\)?\s*(?:\|\||\?\?)\s*['\"`]?(\d{2,5})"
)
_READS_PORT_ENV = re.compile(r"\benv(?:\.\w{0,40}PORT|\[\s*['\"]\w{0,40}PORT)")
_LITERALS = (
    re.compile(r"\.listen\(\s*(\d{2,5})\b"),
    re.compile(r"\.listen\(\s*\{[^}]{0,500}?\bport\s*:\s*(\d{2,5})\b", re.S),
    re.compile(r"serve\(\s*\{[^}]{0,500}?\bport\s*:\s*(\d{2,5})\b", re.S),
    re.compile(r"\bconst\s+PORT\s*=\s*(\d{2,5})\b", re.I),
)
_LOOPBACK = r"['\"`](localhost|127\.0\.0\.1|::1)['\"`]"
_HOST_ENV_FALLBACK = re.compile(r"process\.env\.([A-Z_]*HOST[A-Z_]*)\)?\s*(?:\|\||\?\?)\s*" + _LOOPBACK)
# host: process.env.LISTEN_ALL ? '0.0.0.0' : 'localhost', or process.env.NODE_ENV === 'production' ? ...
_HOST_TERNARY = re.compile(
    r"process\.env\.(\w{1,60})\s*(?:===?\s*['\"]([\w.-]{1,40})['\"]\s*)?\?\s*['\"`](?:0\.0\.0\.0|::)['\"`]\s*:\s*" + _LOOPBACK
)
# host: process.env.HOST with nothing after it: Fastify then listens on localhost
# ("RENDER" in process.env) ? '0.0.0.0' : 'localhost': any value of the variable will do
_HOST_IN_ENV = re.compile(r"""\(?\s*['"](\w{1,60})['"]\s+in\s+process\.env\s*\)?\s*\?\s*['"`](?:0\.0\.0\.0|::)['"`]\s*:\s*""" + _LOOPBACK)
_HOST_ENV_ONLY = re.compile(r"\bhost(?:name)?\s*:\s*process\.env\.(\w{1,60})\s*[,}\n]")
_HOST_LITERALS = (
    re.compile(r"\.listen\(\s*[^,(){}]+,\s*" + _LOOPBACK),  # listen(port, 'localhost')
    re.compile(r"(?:\.listen|serve)\(\s*\{[^}]{0,500}?\bhost(?:name)?\s*:\s*" + _LOOPBACK, re.S),  # listen({ host: '127.0.0.1' })
)
_SCAN_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")
_MAX_SCAN_BYTES = 256 * 1024


def _scan_ports(project: Project, entries: list[str]) -> tuple[tuple[PortHint, ...], bool, HostHint | None]:
    """Ports the code listens on, entry files first, then other sources in a stable order.

    The file that names the port also says where the server binds: a loopback host
    (``listen(port, 'localhost')``, ``process.env.HOST || '127.0.0.1'``) is recorded,
    since a container is reached through its network interface, never its loopback.
    """
    order: list[str] = []
    for rel in entries:
        # bin/www (express-generator) is JavaScript without a suffix
        if project.has_file(rel) and (rel.endswith(_SCAN_SUFFIXES) or rel.startswith("bin/")):
            order.append(rel)
        # dist/index.js is built from src/index.ts: scan the source twin
        stem = re.sub(r"^(dist|build|out|lib)/", "src/", rel)
        for suffix in (".ts", ".mts", ".js"):
            twin = re.sub(r"\.(c|m)?js$", suffix, stem)
            if twin != rel and project.has_file(twin):
                order.append(twin)
    for rel in project.walk_files(".", suffixes=_SCAN_SUFFIXES, limit=300):
        if rel not in order and not rel.endswith((".d.ts", ".config.js", ".config.ts", ".config.mjs")):
            order.append(rel)
    hints: list[PortHint] = []
    reads_env = False
    loopback: HostHint | None = None
    for rel in order:
        try:
            if project.path(rel).stat().st_size > _MAX_SCAN_BYTES:
                continue
            text = project.read_text(rel)
        except Exception:  # an unreadable source file is not a reason to stop
            continue
        if _READS_PORT_ENV.search(text):
            reads_env = True
        for match in _ENV_FALLBACK.finditer(text):
            port = int(match.group(3))
            hints.append(PortHint(port, f"{rel}:{_line_of(text, match.start())}", "env-fallback", match.group(1) or match.group(2)))
        for pattern in _LITERALS:
            for match in pattern.finditer(text):
                hints.append(PortHint(int(match.group(1)), f"{rel}:{_line_of(text, match.start())}", "literal"))
        if not hints:
            hints.extend(_named_port(rel, text))
        if loopback is None:
            loopback = _loopback_host(rel, text)
        if hints:
            break  # the first file that names a port is the server
    if not hints:
        from scaffold.providers.envfiles import port_settings

        hints = [PortHint(e.port, e.source, "env-file", e.name) for e in port_settings(project) if not e.address_form]
    return tuple(h for h in hints if 1 <= h.port <= 65535), reads_env, loopback


# A SQLite database file named by a string literal: "/etc/todos/todo.db", "./data/app.sqlite"
_SQLITE_LITERAL = re.compile(r"""['"`]((?:file:)?[\w./-]{1,200}\.(?:db|sqlite|sqlite3))['"`]""")
# System folders a database is never meant to be created in by the app itself.
_NOT_DATA_ROOTS = ("/tmp/", "/dev/", "/proc/", "/sys/", "/usr/", "/bin/", "/lib/")


def _sqlite_data_dirs(project: Project) -> tuple[Found, ...]:
    """Folders the app creates a SQLite database in. The image's code is root-owned, so each is made and given to the app user.

    Docker's own tutorial app writes /etc/todos/todo.db: as root that works, as uid 1000
    mkdir fails with EACCES and the app never starts.
    """
    from scaffold.providers.paths import sqlite_dirs

    relative: list[tuple[str, str]] = []
    absolute: dict[str, Found] = {}
    for rel in project.walk_files(".", suffixes=_SCAN_SUFFIXES, limit=300):
        try:
            if project.path(rel).stat().st_size > _MAX_SCAN_BYTES:
                continue
            text = project.read_text(rel)
        except Exception:  # a source file that cannot be read is not a reason to stop
            continue
        for match in _SQLITE_LITERAL.finditer(text):
            path = match.group(1).removeprefix("file:")
            where = f"{rel}:{_line_of(text, match.start())}"
            if path.startswith("/"):
                folder = posixpath.dirname(posixpath.normpath(path))
                if folder not in ("/", "") and not (folder + "/").startswith(_NOT_DATA_ROOTS) and ".." not in folder:
                    absolute.setdefault(folder, Found(folder, f"{where} (SQLite database {path})"))
            else:
                relative.append((path, where))
    # A database beside the code (./dev.db) would need /app itself writable, which would let
    # the app replace its own files: only subfolders are handed over.
    found = [Found(f"/app/{d.value}", d.source) for d in sqlite_dirs(relative) if d.value != "."]
    return tuple([*found, *(absolute[k] for k in sorted(absolute))])


_LISTEN_NAME = re.compile(r"\.listen\(\s*([A-Za-z_$][\w$]{0,60})\s*[,)]")
_BINDING = r"(?:const|let|var)\s+{name}\s*=\s*([^;\n]{{1,200}})"
_FALLBACK_NUMBER = re.compile(r"(?:\|\||\?\?)\s*['\"`]?(\d{2,5})\b")
_ENV_NAME = re.compile(r"\benv(?:\.(\w{1,60})|\[\s*['\"](\w{1,60})['\"]\s*\])")


def _named_port(rel: str, text: str) -> list[PortHint]:
    """listen(PORT) where `const PORT = TCP_PORT || 8080` and `const TCP_PORT = env.TCP_PORT`: two hops at most.

    The port is the fallback number; the variable is the environment name the chain
    reads (any alias of process.env), so the image sets that variable, not only PORT.
    """
    listen = _LISTEN_NAME.search(text)
    if listen is None:
        return []
    name, env_name, port = listen.group(1), None, None
    for _ in range(3):
        binding = re.search(_BINDING.format(name=re.escape(name)), text)
        if binding is None:
            break
        rhs = binding.group(1)
        number = _FALLBACK_NUMBER.search(rhs)
        port = port or (int(number.group(1)) if number else None)
        env = _ENV_NAME.search(rhs)
        if env:
            env_name = env.group(1) or env.group(2)
            break
        nxt = re.match(r"\s*(?:Number\(|parseInt\()?\s*([A-Za-z_$][\w$]{0,60})", rhs)
        if nxt is None or nxt.group(1) == name:
            break
        name = nxt.group(1)
    if port is None or not 1 <= port <= 65535:
        return []
    where = f"{rel}:{_line_of(text, listen.start())}"
    return [PortHint(port, where, "env-fallback", env_name) if env_name else PortHint(port, where, "literal")]


def _loopback_host(rel: str, text: str) -> HostHint | None:
    match = _HOST_ENV_FALLBACK.search(text)
    if match:
        return HostHint(match.group(2), f"{rel}:{_line_of(text, match.start())}", match.group(1))
    match = _HOST_TERNARY.search(text)
    if match:
        return HostHint(match.group(3), f"{rel}:{_line_of(text, match.start())}", match.group(1), match.group(2) or "true")
    match = _HOST_IN_ENV.search(text)
    if match:
        return HostHint(match.group(2), f"{rel}:{_line_of(text, match.start())}", match.group(1), "1")
    match = _HOST_ENV_ONLY.search(text)
    if match and _FASTIFY_IMPORT.search(text):
        return HostHint("localhost", f"{rel}:{_line_of(text, match.start())} (Fastify's default when {match.group(1)} is unset)", match.group(1))
    for pattern in _HOST_LITERALS:
        match = pattern.search(text)
        if match:
            return HostHint(match.group(1), f"{rel}:{_line_of(text, match.start())}", None)
    # Fastify listens on localhost unless given a host (its docs say to pass 0.0.0.0 in containers)
    listen = re.search(r"\.listen\(", text)
    if listen and _FASTIFY_IMPORT.search(text) and not re.search(r"\bhost\s*:|0\.0\.0\.0|['\"]::['\"]", text):
        return HostHint("localhost", f"{rel}:{_line_of(text, listen.start())} (Fastify's default host)", None)
    return None


_FASTIFY_IMPORT = re.compile(r"""(?:require\(\s*|from\s+)['"]fastify['"]""")


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
