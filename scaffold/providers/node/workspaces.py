"""Monorepo facts: which folders are workspace packages, how they depend on each other, which ones deploy.

A monorepo is declared by ``pnpm-workspace.yaml`` (pnpm) or a ``workspaces``
field in the root package.json (npm, Yarn, Bun; an array or Yarn's
``{"packages": [...]}`` object). The globs are resolved one path segment at a
time with ``os.scandir``, so ``node_modules`` and ``.git`` are never entered:
discovery of a 500-package repository with a populated node_modules reads the
500 manifests and nothing else.

Only facts live here (which package depends on which, which has a start script
or a Vite build); choosing install commands is the planner's job.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold.errors import MalformedFileError
from scaffold.project import Project
from scaffold.providers.node.workspace_globs import declared_patterns, resolve_patterns

# How far up from a folder scaffold looks for the monorepo root.
MAX_PARENT_LEVELS = 8
# A root start script that only hands over to a workspace is not an app of its own.
_DELEGATING = re.compile(
    r"^\s*(npm\s+(run\s+)?\S+\s+(-w|--workspace)\b|yarn\s+workspace\s|pnpm\s+(--filter|-F|-r)\b|bun\s+(run\s+)?--filter\b"
    r"|turbo\s|nx\s|lerna\s|npx\s+(turbo|nx|lerna)\b)"
)
_ORCHESTRATORS = ("turbo.json", "nx.json", "lerna.json")


@dataclass(frozen=True)
class WorkspacePackage:
    """One package of the monorepo; ``path`` is relative to the monorepo root ("apps/api")."""

    path: str
    name: str | None
    version: str | None
    scripts: dict[str, str]
    dependencies: dict[str, str]
    dev_dependencies: dict[str, str]
    optional_dependencies: dict[str, str]
    files_field: tuple[str, ...] | None  # package.json "files", when given
    has_index_html: bool
    main: str | None = None  # package.json "main"
    internal: tuple[str, ...] = ()  # paths of workspace packages it needs at run time
    internal_dev: tuple[str, ...] = ()  # paths of workspace packages it needs only to build
    kind: str = "library"  # server | static | library
    kind_reason: str = ""

    @property
    def label(self) -> str:
        return self.name or self.path


@dataclass(frozen=True)
class Orchestrator:
    tool: str  # turbo | nx | lerna
    config: str  # turbo.json
    version: str | None  # exact version the repo installs, when known
    version_source: str | None
    tasks: tuple[str, ...] = ()  # turbo.json task names ("build")


@dataclass(frozen=True)
class WorkspaceFacts:
    root: Path
    manager_hint: str  # pnpm | npm | yarn | bun: who declared the workspaces
    source: str  # "pnpm-workspace.yaml > packages"
    patterns: tuple[str, ...]
    packages: tuple[WorkspacePackage, ...]  # sorted by path
    root_manifest: dict[str, Any]
    orchestrators: tuple[Orchestrator, ...] = ()
    by_path: dict[str, WorkspacePackage] = field(default_factory=dict, repr=False, compare=False)

    def package(self, path: str) -> WorkspacePackage:
        return self.by_path[path]

    @property
    def apps(self) -> tuple[WorkspacePackage, ...]:
        return tuple(p for p in self.packages if p.kind != "library")

    def orchestrator(self, tool: str) -> Orchestrator | None:
        return next((o for o in self.orchestrators if o.tool == tool), None)

    def root_workspace_deps(self) -> list[str]:
        """Paths of the workspace packages the root package.json depends on (shared eslint/jest configs).

        pnpm resolves the root's `workspace:` dependencies on every install, a filtered one
        too, so their manifests must be in the image even when the app never uses them.
        """
        names = {p.name: p.path for p in self.packages if p.name}
        wanted: list[str] = []
        for section in ("dependencies", "devDependencies", "optionalDependencies"):
            deps = self.root_manifest.get(section)
            if isinstance(deps, dict):
                wanted += [names[n] for n, spec in deps.items() if n in names and isinstance(spec, str) and spec.startswith("workspace:")]
        return sorted(set(wanted))

    def runtime_closure(self, path: str) -> list[str]:
        """The package and the workspace packages it needs at run time, dependencies first."""
        return self._closure(path, dev=False)

    def build_closure(self, path: str) -> list[str]:
        """Everything needed to build the package: run-time and build-time workspace deps, dependencies first."""
        return self._closure(path, dev=True)

    def _closure(self, path: str, *, dev: bool) -> list[str]:
        order: list[str] = []
        visiting: set[str] = set()

        def visit(current: str, top: bool) -> None:
            if current in order or current in visiting:
                return  # cycles are legal between workspaces; each package is listed once
            visiting.add(current)
            pkg = self.by_path[current]
            edges = list(pkg.internal)
            # Building a dependency needs its own build-time deps too; a run-time
            # closure follows dependencies only.
            if dev:
                edges += list(pkg.internal_dev)
            for dep in sorted(edges):
                visit(dep, False)
            visiting.discard(current)
            order.append(current)

        visit(path, True)
        return order


# -- public entry points --------------------------------------------------------------

def detect(project: Project) -> WorkspaceFacts | None:
    """Facts about the monorepo rooted at ``project.root``, or None when it declares no workspaces (found once per Project)."""
    return project.memo("workspaces", lambda: _detect(project))


def _detect(project: Project) -> WorkspaceFacts | None:
    declared = declared_patterns(project)
    if declared is None:
        return None
    manager, source, patterns = declared
    root_manifest = project.read_json("package.json") if project.has_file("package.json") else {}
    if not isinstance(root_manifest, dict):
        raise MalformedFileError(path="package.json", detail="the top level is not a JSON object")
    paths = resolve_patterns(project.root, patterns)
    raw = [_read_package(project, rel) for rel in paths]
    packages = _link(raw, manager, link_by_version=manager != "pnpm" or _pnpm_links_by_version(project, root_manifest))
    by_path = {p.path: p for p in packages}
    return WorkspaceFacts(
        root=project.root,
        manager_hint=manager,
        source=source,
        patterns=tuple(patterns),
        packages=tuple(packages),
        root_manifest=root_manifest,
        orchestrators=_orchestrators(project, root_manifest),
        by_path=by_path,
    )


def deployable_apps(project: Project) -> tuple[str, ...] | None:
    """Paths of the deployable apps of the monorepo at ``project.root``; None when it is not a monorepo."""
    facts = detect(project)
    if facts is None:
        return None
    return tuple(p.path for p in facts.apps)


def find_root(start: Path) -> tuple[Path, str] | None:
    """(monorepo root, folder relative to it) for a folder inside a monorepo, or None.

    Walks up from ``start`` (inclusive) and stops at the first folder that
    declares workspaces, provided ``start`` is that folder or lies in one of its
    packages (the package is answered): a project that merely sits below an
    unrelated monorepo stays its own.
    The walk also stops at a repository boundary (a ``.git`` entry).
    """
    start = start.resolve()
    current = start
    for _ in range(MAX_PARENT_LEVELS + 1):
        project = Project(current)
        declared = declared_patterns(project)
        if declared is not None:
            rel = start.relative_to(current).as_posix()
            if rel == ".":
                return current, "."
            # the folder itself, or a folder inside one of the packages (apps/api/src)
            owner = next((p for p in resolve_patterns(current, declared[2]) if rel == p or rel.startswith(p + "/")), None)
            return (current, owner) if owner is not None else None
        if (current / ".git").exists() or current.parent == current:
            return None
        current = current.parent
    return None


# -- declaration ------------------------------------------------------------------


# npm's rule for package names (validate-npm-package-name), with the capitals old names may have.
NPM_NAME = re.compile(r"(?:@[A-Za-z0-9~-][\w.~-]{0,213}/)?[A-Za-z0-9~-][\w.~-]{0,213}")
SAFE_FOLDER = re.compile(r"[\w.@+-]{1,255}(?:/[\w.@+-]{1,255}){0,31}")


# -- packages ------------------------------------------------------------------------

def _read_package(project: Project, rel: str) -> WorkspacePackage:
    manifest_path = f"{rel}/package.json"
    manifest = project.read_json(manifest_path)
    if not isinstance(manifest, dict):
        raise MalformedFileError(path=manifest_path, detail="the top level is not a JSON object")
    files = manifest.get("files")
    name = manifest["name"] if isinstance(manifest.get("name"), str) and manifest["name"] else None
    # Both reach RUN lines (--workspace=NAME, --filter=./FOLDER, turbo prune NAME): each is
    # held to its grammar, so a crafted name cannot add a command or an instruction.
    if name is not None and not NPM_NAME.fullmatch(name):
        raise MalformedFileError(path=manifest_path, detail=f"name {name[:60]!r} is not an npm package name (lowercase letters, digits, - . _ ~, an optional @scope/)")
    if not SAFE_FOLDER.fullmatch(rel):
        raise MalformedFileError(path=manifest_path, detail=f"the folder name {rel[:60]!r} holds characters a build command cannot carry safely", hint="rename the folder to letters, digits and - . _ @ +")
    return WorkspacePackage(
        path=rel,
        name=name,
        version=manifest["version"] if isinstance(manifest.get("version"), str) else None,
        scripts=_str_dict(manifest, "scripts", manifest_path),
        dependencies=_str_dict(manifest, "dependencies", manifest_path),
        dev_dependencies=_str_dict(manifest, "devDependencies", manifest_path),
        optional_dependencies=_str_dict(manifest, "optionalDependencies", manifest_path),
        files_field=tuple(f for f in files if isinstance(f, str)) if isinstance(files, list) else None,
        has_index_html=(project.root / rel / "index.html").is_file(),
        main=manifest["main"] if isinstance(manifest.get("main"), str) and manifest["main"].strip() else None,
    )


def _str_dict(manifest: dict[str, Any], key: str, path: str) -> dict[str, str]:
    value = manifest.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedFileError(path=path, detail=f'"{key}" must be an object')
    return {k: v for k, v in value.items() if isinstance(v, str)}


def _pnpm_links_by_version(project: Project, root_manifest: dict[str, Any]) -> bool:
    """pnpm's link-workspace-packages: a plain "^1.2.0" links the workspace package when it is on.

    Explicit settings win (.npmrc ``link-workspace-packages=true|deep``, pnpm-workspace.yaml
    ``linkWorkspacePackages``); otherwise it is on before pnpm 9 (packageManager pnpm@8, or a
    lockfile older than pnpm 9's format) and off since.
    """
    if project.has_file("pnpm-workspace.yaml"):
        data = project.read_yaml("pnpm-workspace.yaml")
        if isinstance(data, dict) and "linkWorkspacePackages" in data:
            return data["linkWorkspacePackages"] in (True, "deep", "true")
    if project.has_file(".npmrc"):
        match = re.search(r"^\s*link-workspace-packages\s*=\s*(\S+)", project.read_text(".npmrc"), re.M)
        if match:
            return match.group(1).strip("\"'") in ("true", "deep")
    field = root_manifest.get("packageManager")
    match = re.match(r"pnpm@(\d+)\.", field) if isinstance(field, str) else None
    if match:
        return int(match.group(1)) < 9
    if project.has_file("pnpm-lock.yaml"):
        from scaffold.project import MAX_LOCKFILE_BYTES

        head = project.read_text("pnpm-lock.yaml", limit=MAX_LOCKFILE_BYTES)[:200]
        version = re.search(r"lockfileVersion:\s*'?(\d+)", head)
        if version:
            return int(version.group(1)) < 9
    return False


def _link(packages: list[WorkspacePackage], manager: str, *, link_by_version: bool = True) -> list[WorkspacePackage]:
    """Resolve internal dependencies to package paths and classify each package."""
    by_name: dict[str, WorkspacePackage] = {}
    for pkg in packages:
        if pkg.name and pkg.name not in by_name:
            by_name[pkg.name] = pkg
    paths = {p.path for p in packages}
    edges: list[tuple[WorkspacePackage, set[str], set[str]]] = []
    for pkg in packages:
        runtime = {*_internal(pkg, pkg.dependencies, by_name, paths, link_by_version), *_internal(pkg, pkg.optional_dependencies, by_name, paths, link_by_version)}
        dev = set(_internal(pkg, pkg.dev_dependencies, by_name, paths, link_by_version)) - runtime
        runtime.discard(pkg.path)
        dev.discard(pkg.path)
        edges.append((pkg, runtime, dev))
    needed = {p for _, runtime, dev in edges for p in (*runtime, *dev)}
    linked = []
    for pkg, runtime, dev in edges:
        kind, reason = _classify(pkg, needed_by_others=pkg.path in needed)
        linked.append(
            WorkspacePackage(
                **{**pkg.__dict__, "internal": tuple(sorted(runtime)), "internal_dev": tuple(sorted(dev)), "kind": kind, "kind_reason": reason}
            )
        )
    return linked


def _internal(
    pkg: WorkspacePackage, deps: dict[str, str], by_name: dict[str, WorkspacePackage], paths: set[str], link_by_version: bool
) -> list[str]:
    """Paths of the workspace packages that these dependency specs resolve to."""
    found = []
    for name, spec in deps.items():
        spec = spec.strip()
        target = None
        if spec.startswith("workspace:"):
            rest = spec[len("workspace:"):]
            if rest.startswith((".", "/")):  # workspace:../lib (Yarn)
                target = _path_target(pkg.path, rest, paths)
            elif "@" in rest[1:] and not rest[:1].isdigit() and rest not in ("*", "^", "~"):
                alias = rest[: rest.rindex("@")] if rest.rindex("@") > 0 else rest  # workspace:other-name@*
                target = by_name[alias].path if alias in by_name else None
            else:
                target = by_name[name].path if name in by_name else None
        elif spec.startswith(("file:", "link:", "portal:")):
            target = _path_target(pkg.path, spec.split(":", 1)[1], paths)
        elif name in by_name and link_by_version:
            # npm, Yarn and Bun link a workspace whenever its version satisfies the range; pnpm
            # only with link-workspace-packages (off since v9), else it needs the workspace: protocol.
            target = by_name[name].path if _satisfies(by_name[name].version, spec) else None
        if target is not None:
            found.append(target)
    return found


def _path_target(base: str, rel: str, paths: set[str]) -> str | None:
    joined = os.path.normpath(os.path.join(base, rel)).replace(os.sep, "/")
    return joined if joined in paths else None


def _satisfies(version: str | None, spec: str) -> bool:
    if spec in ("", "*", "latest", "x"):
        return True
    if version is None:
        return False
    import nodesemver

    try:
        return bool(nodesemver.satisfies(version, spec, loose=True))
    except Exception:  # a git URL, a tag, an alias: not a workspace link
        return False


def _classify(pkg: WorkspacePackage, *, needed_by_others: bool = False) -> tuple[str, str]:
    """server (a production start script), static (a Vite app build) or library.

    A package with no start script is still a server when it is one by every other sign:
    no workspace package depends on it, it depends on an HTTP server framework
    (node.toml > server_packages), and its "main" names the entry Node runs
    (captain-corgi/ts-express-helloworld: main dist/index.js, build tsc, express).
    """
    from scaffold.data import load
    from scaffold.providers.node.npm_scripts import dev_command_match, follow_run

    where = f"{pkg.path}/package.json > scripts"
    for script in ("start", "start:prod", "start:production", "serve:prod", "prod"):
        followed = follow_run(script, pkg.scripts)
        if followed is None:
            continue
        real, parsed = followed
        if parsed.complex or not dev_command_match(parsed.argv):
            return "server", f"{where} > {real}"
    build = pkg.scripts.get("build", "")
    static_tools = load("node").get("static_build_commands", ["vite build"])
    for tool in static_tools:
        if re.search(rf"(^|[\s;&|]){re.escape(tool)}(\s|$)", build) and pkg.has_index_html:
            return "static", f"{where} > build ({tool}) + {pkg.path}/index.html"
    servers = [d for d in load("node").get("server_packages", []) if d in pkg.dependencies]
    if servers and pkg.main and not needed_by_others:
        return "server", f"{pkg.path}/package.json > main ({pkg.main}), a {servers[0]} server no workspace package depends on"
    return "library", "no production start script and no static site build"


def root_start_is_delegating(script: str) -> bool:
    """True for a root "start" that only runs a workspace's script (npm -w, yarn workspace, turbo…)."""
    return bool(_DELEGATING.match(script))


# -- orchestrators ------------------------------------------------------------------

def _orchestrators(project: Project, root_manifest: dict[str, Any]) -> tuple[Orchestrator, ...]:
    found = []
    dev = {**(root_manifest.get("dependencies") or {}), **(root_manifest.get("devDependencies") or {})}
    for config in _ORCHESTRATORS:
        if not project.has_file(config):
            continue
        tool = config.split(".")[0]
        version, source = _installed_version(project, tool, dev.get(tool) if isinstance(dev.get(tool), str) else None)
        tasks: tuple[str, ...] = ()
        if tool == "turbo":
            data = project.read_json(config)
            if isinstance(data, dict):
                table = data.get("tasks") or data.get("pipeline") or {}  # "pipeline" is turbo 1.x
                if isinstance(table, dict):
                    tasks = tuple(sorted(str(k).split("#")[-1] for k in table))
        found.append(Orchestrator(tool, config, version, source, tasks))
    return tuple(found)


_EXACT = re.compile(r"^\d+\.\d+\.\d+(?:-[\w.]+)?$")


def _installed_version(project: Project, tool: str, spec: str | None) -> tuple[str | None, str | None]:
    """The exact version of a root dev tool (turbo), from the lockfile or an exact pin."""
    from scaffold.project import MAX_LOCKFILE_BYTES

    if project.has_file("pnpm-lock.yaml"):
        data = project.read_yaml("pnpm-lock.yaml", limit=MAX_LOCKFILE_BYTES) or {}
        importer = ((data.get("importers") or {}).get(".") or {}) if isinstance(data, dict) else {}
        for key in ("devDependencies", "dependencies"):
            entry = (importer.get(key) or {}).get(tool)
            if isinstance(entry, dict) and isinstance(entry.get("version"), str):
                version = entry["version"].split("(")[0]
                if _EXACT.match(version):
                    return version, f"pnpm-lock.yaml > importers > . > {key} > {tool}"
    for lock in ("package-lock.json", "npm-shrinkwrap.json"):
        if project.has_file(lock):
            data = project.read_json(lock, limit=MAX_LOCKFILE_BYTES)
            entry = ((data.get("packages") or {}).get(f"node_modules/{tool}") or {}) if isinstance(data, dict) else {}
            if isinstance(entry.get("version"), str):
                return entry["version"], f"{lock} > packages > node_modules/{tool}"
    if project.has_file("yarn.lock") and spec:
        text = project.read_text("yarn.lock", limit=MAX_LOCKFILE_BYTES)
        match = re.search(rf'^"?{re.escape(tool)}@[^\n]*:\n(?:[ \t]+[^\n]*\n)*?[ \t]+version:? "?([\w.+-]+)"?', text, re.M)
        if match:
            return match.group(1), f"yarn.lock > {tool}"
    if spec and _EXACT.match(spec.lstrip("=")):
        return spec.lstrip("="), f"package.json > devDependencies > {tool}"
    return None, None


def lifecycle_scripts(pkg: WorkspacePackage) -> list[str]:
    """The package's own install scripts (npm, pnpm and Yarn run them for workspace packages on install)."""
    from scaffold.data import load

    return [name for name in load("node")["install_lifecycle_scripts"] if (pkg.scripts.get(name) or "").strip()]


def package_build_scripts(pkg: WorkspacePackage) -> list[str]:
    """Scripts that build the package: its install scripts (a lib built by "prepare"), then "build".

    "build" is left out when an install script already runs it ("prepare": "npm run build").
    """
    scripts = lifecycle_scripts(pkg)
    if "build" in pkg.scripts and not any(re.search(r"\brun\s+build\b|^\s*(pnpm|yarn|bun)\s+build\b", pkg.scripts[s]) for s in scripts):
        scripts.append("build")
    return scripts
