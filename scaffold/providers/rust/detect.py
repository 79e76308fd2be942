"""Rust detection: Cargo.toml (a package, a workspace, or both), Cargo.lock, the toolchain file, the sources.

Every file the Rust provider reads is read here; the result is a frozen RustFacts.
"""

from __future__ import annotations

import glob as globlib
import posixpath
import re
from typing import Any

from scaffold.data import load
from scaffold.detect.found import Found
from scaffold.dockerignore import compose_dockerignore, context_files
from scaffold.errors import InconsistentProjectError, MalformedFileError
from scaffold.project import Project
from scaffold.providers.frontend import Frontend
from scaffold.providers.paths import is_secret_path, compiled_program_dirs, literal_path
from scaffold.providers.rust import sources
from scaffold.providers.rust.lockfile import lock_packages, lock_updates, stale_lock
from scaffold.providers.rust.facts import Binary, NativeLib, RustFacts

MAX_RS_FILES = 4000
# Cargo's own rule for package and target names; they reach `cargo build -p NAME --bin NAME`.
_CARGO_NAME = re.compile(r"^[A-Za-z0-9_-]{1,200}$")


def detect(project: Project) -> RustFacts | None:
    if not project.has_file("Cargo.toml"):
        return None
    data = load("rust")
    root = project.read_toml("Cargo.toml")
    workspace = _table(root, "workspace", "Cargo.toml")
    members = _members(project, workspace) if workspace is not None else []
    package_dirs = (["."] if "package" in root else []) + [m for m in members if m != "."]
    manifests = {d: (root if d == "." else project.read_toml(posixpath.join(d, "Cargo.toml"))) for d in package_dirs}
    locked = lock_packages(project.read_toml("Cargo.lock")) if project.has_file("Cargo.lock") else []
    lock_names = {p["name"] for p in locked}
    frameworks_all = list(data["frameworks"]["names"])
    binaries: list[Binary] = []
    deps_all: dict[str, Any] = {}
    for folder, manifest in manifests.items():
        package = _table(manifest, "package", _manifest_path(folder))
        if package is None:
            continue
        deps = _dependencies(manifest, _manifest_path(folder))
        _check_dependency_sources(project, folder, manifest, workspace)
        deps_all.update(deps)
        web = any(f in deps for f in frameworks_all)
        binaries.extend(_binaries(project, folder, manifest, package, web))
    root_package = _table(root, "package", "Cargo.toml") or {}
    frameworks = tuple(f for f in frameworks_all if f in deps_all or f in lock_names)
    scan = sources.scan(project, package_dirs, list(data["runtime_files"]["calls"]), set(data["ports"]["service_ports"]), MAX_RS_FILES)
    runtime_files, missing = _runtime_files(project, scan, list(data["runtime_files"]["extensions"]))
    rocket = None
    if "rocket" in frameworks and project.has_file("Rocket.toml"):
        rocket_cfg = project.read_toml("Rocket.toml")
        for profile in ("release", "global", "default"):
            port = (rocket_cfg.get(profile) or {}).get("port") if isinstance(rocket_cfg.get(profile), dict) else None
            if isinstance(port, int) and not isinstance(port, bool) and 1 <= port <= 65535:
                rocket = Found(port, f"Rocket.toml > {profile} > port")
                break
        if not any(f.value == "Rocket.toml" for f in runtime_files):
            runtime_files.append(Found("Rocket.toml", "Rocket reads Rocket.toml from its working directory"))
        for profile, table in sorted(rocket_cfg.items()):
            folder = table.get("template_dir") if isinstance(table, dict) else None
            path = literal_path(folder) if isinstance(folder, str) else None
            if path and project.has_dir(path) and not any(str(f.value) == path for f in runtime_files):
                runtime_files.append(Found(path, f"Rocket.toml > {profile} > template_dir"))
    elif "rocket" in frameworks and project.has_dir("templates") and ("rocket_dyn_templates" in lock_names or "rocket_contrib" in lock_names):
        runtime_files.append(Found("templates", "rocket_dyn_templates reads templates/ by default"))
    sqlite = list(scan.sqlite_paths)
    if "rocket" in frameworks and project.has_file("Rocket.toml"):
        sqlite += _rocket_databases(project.read_toml("Rocket.toml"))
    writable = compiled_program_dirs(project, scan.created_paths, sqlite)
    runtime_files = [f for f in runtime_files if not any(str(f.value) == str(w.value) or str(f.value).startswith(f"{w.value}/") for w in writable if w.value != ".")]
    keep = ["Cargo.toml", "Cargo.lock", *(posixpath.join(d, "Cargo.toml") for d in package_dirs), *(str(f.value) for f in runtime_files)]
    ignore, notes = compose_dockerignore(context_files(project), list(data["dockerignore"]["lines"]), must_keep=sorted(set(keep)), secret_files=[])
    return RustFacts(
        binaries=tuple(binaries),
        default_run=root_package.get("default-run") if isinstance(root_package.get("default-run"), str) else None,
        workspace=workspace is not None,
        members=tuple(package_dirs),
        lockfile=project.has_file("Cargo.lock"),
        stale_lock=stale_lock(locked, manifests, workspace) if locked else None,
        lock_updates=lock_updates(locked, data.get("lock_updates", [])),
        toolchain=_toolchain(project),
        rust_version=_rust_version(manifests, workspace),
        native=tuple(_native(data, lock_names, deps_all)),
        build_tools=tuple(_build_tools(data, lock_names)),
        frameworks=frameworks,
        listens=tuple(scan.listens),
        host_envs=tuple(Found(name, f"{where} (default {default!r})" if default else where) for name, where, default in scan.host_envs),
        address_envs=tuple(Found(name, f"{where} (default {default!r})") for name, where, default in scan.address_envs),
        runtime_files=tuple(sorted(runtime_files, key=lambda f: str(f.value))),
        missing_files=tuple(missing),
        rocket_config=rocket,
        rocket_needs_secret=_rocket_needs_secret(project, deps_all, frameworks),
        writable=tuple(writable),
        sqlx_offline=project.has_dir(".sqlx"),
        sqlx_macro=scan.sqlx_macro if "sqlx" in deps_all else None,
        env_file_fatal=scan.env_file_fatal,
        frontends=_node_modules_frontend(project, scan.node_modules_include),
        name=str(root_package.get("name") or project.root.name),
        description=root_package.get("description") if isinstance(root_package.get("description"), str) else None,
        license=root_package.get("license") if isinstance(root_package.get("license"), str) else None,
        dockerignore=tuple(ignore),
        dockerignore_notes=tuple(notes),
    )


def _manifest_path(folder: str) -> str:
    return "Cargo.toml" if folder == "." else posixpath.join(folder, "Cargo.toml")


def _table(doc: dict, key: str, where: str) -> dict | None:
    value = doc.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise MalformedFileError(path=where, detail=f"[{key}] must be a table, not {type(value).__name__}")
    return value


def _members(project: Project, workspace: dict) -> list[str]:
    """Workspace member folders: globs expanded in the project, excludes removed, each with a Cargo.toml."""
    raw = workspace.get("members", [])
    excludes = workspace.get("exclude", [])
    if not isinstance(raw, list) or not all(isinstance(m, str) for m in raw):
        raise MalformedFileError(path="Cargo.toml", detail="workspace.members must be a list of folder names")
    excluded = {posixpath.normpath(e) for e in excludes if isinstance(e, str)}
    found: list[str] = []
    for pattern in raw:
        if pattern.startswith("/") or ".." in pattern.split("/"):
            raise MalformedFileError(path="Cargo.toml", detail=f"workspace member {pattern[:80]!r} is outside the project")
        if any(c in pattern for c in "*?["):
            matches = sorted(globlib.glob(pattern, root_dir=project.root))
        else:
            matches = [pattern]
        for match in matches:
            folder = posixpath.normpath(match)
            if folder not in excluded and folder not in found and project.has_file(posixpath.join(folder, "Cargo.toml")):
                found.append(folder)
    return found


def _check_dependency_sources(project: Project, folder: str, manifest: dict, workspace: dict | None) -> None:
    """Refuse a dependency cargo cannot resolve inside the image: outside the folder, missing, or sourceless.

    Run in one member of a workspace (examples/hello-world with `path = "../../axum"`, or
    `tokio.workspace = true`), cargo fails in the image with a message about a missing
    manifest; said here, the user learns where to run scaffold instead.
    """
    where = _manifest_path(folder)
    hint = "run scaffold in the folder that holds every crate the build needs (the workspace root, where one Cargo.toml lists [workspace] members)"
    for table in ("dependencies", "build-dependencies", "dev-dependencies"):
        deps = manifest.get(table)
        for name, spec in (deps.items() if isinstance(deps, dict) else ()):
            if not isinstance(spec, dict):
                continue
            if not {"version", "path", "git", "workspace"} & spec.keys():
                others = ", ".join(sorted(k for k in spec if k not in ("features", "optional", "default-features", "package")))[:80]
                raise InconsistentProjectError(
                    path=where, detail=f"[{table}] {name} names no version, path, git or workspace source{f' ({others}: a misspelt key?)' if others else ''}, which cargo refuses",
                    hint=f'give it one, e.g. {name} = {{ version = "1", ... }}',
                )
            if spec.get("workspace") is True and workspace is None:
                raise InconsistentProjectError(path=where, detail=f"[{table}] {name} inherits from a workspace (workspace = true), but this folder's Cargo.toml declares none", hint=hint)
            path = spec.get("path")
            if not isinstance(path, str):
                continue
            target = posixpath.normpath(posixpath.join(folder, path))
            if target == ".." or target.startswith("../") or posixpath.isabs(path):
                raise InconsistentProjectError(path=where, detail=f"[{table}] {name} has path = {path[:80]!r}, outside the folder scaffold runs in, so the image build cannot see it", hint=hint)
            if not project.has_file(posixpath.join(target, "Cargo.toml")):
                raise InconsistentProjectError(path=where, detail=f"[{table}] {name} has path = {path[:80]!r}, but {target}/Cargo.toml does not exist", hint="commit that crate, or depend on a published version")


def _dependencies(manifest: dict, where: str) -> dict[str, Any]:
    """Dependency name (the crate's own name, renames undone) -> its spec, from [dependencies]."""
    deps = manifest.get("dependencies", {})
    if not isinstance(deps, dict):
        raise MalformedFileError(path=where, detail="[dependencies] must be a table")
    out: dict[str, Any] = {}
    for key, spec in deps.items():
        name = spec.get("package", key) if isinstance(spec, dict) and isinstance(spec.get("package"), str) else key
        out[name] = spec
    return out


def _binaries(project: Project, folder: str, manifest: dict, package: dict, web: bool) -> list[Binary]:
    name = package.get("name")
    where = _manifest_path(folder)
    if not isinstance(name, str) or not _CARGO_NAME.match(name):
        raise MalformedFileError(path=where, detail="package > name is missing or not a Cargo name (letters, digits, - and _)")
    found: dict[str, Binary] = {}
    bins = manifest.get("bin", [])
    if not isinstance(bins, list):
        raise MalformedFileError(path=where, detail="[[bin]] must be an array of tables")
    for entry in bins:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            if not _CARGO_NAME.match(entry["name"]):
                raise MalformedFileError(path=where, detail=f"[[bin]] name {entry['name'][:40]!r} is not a Cargo name (letters, digits, - and _)")
            found[entry["name"]] = Binary(entry["name"], name, folder, f"{where} > [[bin]]", web)
    if package.get("autobins", True) is not False:
        if project.has_file(posixpath.join(folder, "src/main.rs")) and name not in found:
            found[name] = Binary(name, name, folder, posixpath.normpath(posixpath.join(folder, "src/main.rs")), web)
        bin_dir = posixpath.normpath(posixpath.join(folder, "src/bin"))
        for entry in project.list_dir(bin_dir):
            stem = entry.removesuffix(".rs")
            if not _CARGO_NAME.match(stem):
                continue
            if entry.endswith(".rs") or project.has_file(posixpath.join(bin_dir, entry, "main.rs")):
                found.setdefault(stem, Binary(stem, name, folder, posixpath.join(bin_dir, entry), web))
    return [found[k] for k in sorted(found)]


def _toolchain(project: Project) -> Found | None:
    if project.has_file("rust-toolchain.toml"):
        channel = (project.read_toml("rust-toolchain.toml").get("toolchain") or {}).get("channel")
        if isinstance(channel, str):
            return Found(channel.strip(), "rust-toolchain.toml > toolchain > channel")
    if project.has_file("rust-toolchain"):
        text = project.read_text("rust-toolchain").strip()
        if text.startswith("["):
            import tomllib

            try:
                channel = (tomllib.loads(text).get("toolchain") or {}).get("channel")
            except (tomllib.TOMLDecodeError, AttributeError, RecursionError, ValueError) as exc:
                raise MalformedFileError(path="rust-toolchain", detail=f"invalid TOML: {exc}") from None
            return Found(str(channel), "rust-toolchain > toolchain > channel") if channel else None
        first = text.splitlines()[0].strip() if text else ""
        return Found(first, "rust-toolchain") if first else None
    return None


def _rust_version(manifests: dict[str, dict], workspace: dict | None) -> Found | None:
    for folder, manifest in manifests.items():
        package = manifest.get("package") or {}
        value = package.get("rust-version") if isinstance(package, dict) else None
        if isinstance(value, str):
            return Found(value, f"{_manifest_path(folder)} > package > rust-version")
        if isinstance(value, dict) and value.get("workspace") and workspace:
            inherited = (workspace.get("package") or {}).get("rust-version")
            if isinstance(inherited, str):
                return Found(inherited, "Cargo.toml > workspace > package > rust-version")
    return None


def _native(data: dict, lock: set[str], deps: dict[str, Any]) -> list[NativeLib]:
    found = []
    for crate, row in data["native"].items():
        if crate not in lock:
            continue
        vendored = [v for v in row.get("vendored_by", []) if v in lock]
        bundled = [b for b in row.get("bundled_by", []) if b in lock] + [
            f"{dep}/{f}" for dep, spec in deps.items() if isinstance(spec, dict)
            for f in spec.get("features", []) if isinstance(f, str) and f in row.get("bundled_features", [])
        ]
        if vendored or bundled:
            found.append(NativeLib(crate, tuple(row.get("vendored_build", [])), (), f"compiled in ({', '.join(vendored or bundled)})"))
        else:
            found.append(NativeLib(crate, tuple(row["build"]), tuple(row["runtime"]), "links the system library"))
    return found


def _build_tools(data: dict, lock: set[str]) -> list[NativeLib]:
    return [
        NativeLib(crate, tuple(row["packages"]), (), row["why"])
        for crate, row in data["build_tools"].items()
        if crate in lock and not any(u in lock for u in row.get("unless", []))
    ]


def _runtime_files(project: Project, scan: sources.RustScan, extensions: list[str]) -> tuple[list[Found], list[Found]]:
    found: dict[str, Found] = {}
    missing: dict[str, Found] = {}
    for literal, where, pkg in scan.file_literals:
        path = literal_path(literal)
        if path is None or is_secret_path(path) or path.endswith(".rs"):
            continue
        candidates = [path] + ([posixpath.normpath(posixpath.join(pkg, path))] if pkg != "." else [])
        hit = next((c for c in candidates if project.has_dir(c) or project.has_file(c)), None)
        if hit is None:  # config::File::with_name("config/default") names a file without its extension
            hit = next((f"{c}.{ext}" for c in candidates for ext in extensions if project.has_file(f"{c}.{ext}")), None)
        if hit is None:
            created = any(literal_path(c) == path for c, _ in scan.created_paths)
            if ("/" in path or "." in posixpath.basename(path)) and not created:
                missing.setdefault(path, Found(path, where))
            continue
        if hit in scan.embedded or any(hit.startswith(e + "/") for e in scan.embedded):
            continue
        found.setdefault(hit, Found(hit, where))
    kept = [f for p, f in found.items() if not any(p.startswith(o + "/") for o in found if o != p)]
    return kept, [missing[p] for p in sorted(missing) if p not in found]


def _rocket_databases(config: dict) -> list[tuple[str, str]]:
    """SQLite files named in Rocket.toml's [<profile>.databases.<name>] url."""
    found = []
    for profile, table in sorted(config.items()):
        dbs = table.get("databases") if isinstance(table, dict) else None
        for name, db in sorted(dbs.items()) if isinstance(dbs, dict) else []:
            url = db.get("url") if isinstance(db, dict) else None
            if isinstance(url, str) and (url.startswith("sqlite:") or url.endswith((".db", ".sqlite", ".sqlite3"))):
                found.append((url.removeprefix("sqlite://").removeprefix("sqlite:"), f"Rocket.toml > {profile} > databases > {name}"))
    return found


def _rocket_needs_secret(project: Project, deps: dict[str, Any], frameworks: tuple[str, ...]) -> bool:
    spec = deps.get("rocket")
    features = spec.get("features", []) if isinstance(spec, dict) else []
    if "rocket" not in frameworks or "secrets" not in features:
        return False
    config = project.read_toml("Rocket.toml") if project.has_file("Rocket.toml") else {}
    return not any(isinstance(t, dict) and "secret_key" in t for t in config.values())


def _node_modules_frontend(project: Project, include: str | None) -> tuple[Frontend, ...]:
    """The npm install a file compiled in from node_modules/ needs (include_str! of htmx.min.js), with the
    build script too when package.json has one (it may make other files the code includes)."""
    if include is None or not project.has_file("package.json"):
        return ()
    from scaffold.providers.node.detect import detect as detect_node

    node = detect_node(project)
    if node is None:
        return ()
    build = "build" in node.scripts
    return (Frontend("." if build else "node_modules", ".", include, node, build=build),)
