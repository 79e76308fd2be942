"""One workspace app's facts, read once the app is chosen: everything ``plan_workspace_app`` asks about.

Which app to plan is an answer (``--app``, or the folder scaffold ran in), so the
chosen app is detected after the choice, not during the provider's ``detect``.
Everything read from the disk for it happens here: the root's and the app's
Node facts, the pnpm settings, the lockfile checks, the root config the
package builds extend, the files each runtime package copies, and what the
``.dockerignore`` is made from. Planning then reads none of it
(tests/test_pure_planning.py makes the disk fail while it runs).

A frozen install fails when the lockfile lacks the app, so those checks run
here and stop before anything is planned.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace

from scaffold.data import load
from scaffold.detect.found import Found
from scaffold.detect.presence import Presence, look_up
from scaffold.dockerignore import ContextFiles, context_files
from scaffold.errors import InconsistentProjectError, UsageError
from scaffold.project import MAX_LOCKFILE_BYTES, Project
from scaffold.providers.node.detect import NodeFacts, strip_json_comments, tsconfig_option
from scaffold.providers.node.detect import detect as detect_node
from scaffold.providers.node.detect_frameworks import FrameworkFacts, detect_framework
from scaffold.providers.node.source_scan import PortHint
from scaffold.providers.node.workspaces import WorkspaceFacts, WorkspacePackage, package_build_scripts

# Root files and folders an install may read besides the manifest and lockfile (root_install_files)
ROOT_INSTALL_CANDIDATES = ("pnpm-workspace.yaml", ".npmrc", ".yarnrc.yml", ".yarnrc", "bunfig.toml", ".pnpmfile.cjs")
ROOT_INSTALL_DIRS = ("patches", ".yarn/patches", ".yarn/plugins")


@dataclass(frozen=True)
class WorkspaceAppFacts:
    """The chosen app of a workspace, its root and its closure, as read from the disk."""

    root: Project  # for its path only: planning reads nothing through it
    ws: WorkspaceFacts
    app_path: str
    app_project: Project  # handed to the single-app rules, which ask ``app_facts.presence``
    root_facts: NodeFacts
    root_manifest_missing: bool  # pnpm runs a workspace whose root has no package.json as if it held "{}"
    app_facts: NodeFacts  # the app's own facts with the root's install facts
    own_locks: bool  # pnpm shared-workspace-lockfile=false: a pnpm-lock.yaml per package
    injects_workspace_packages: bool  # pnpm injectWorkspacePackages / inject-workspace-packages
    root_presence: Presence  # root-relative: install files, own lockfiles, package asset folders and "files" entries
    root_config: tuple[str, ...]  # root build config the closure's packages read (known names, tsconfig extends)
    package_out_dirs: dict[str, Found | None] = field(default_factory=dict)  # tsconfig outDir of the runtime closure's built packages
    nested_bins: frozenset[str] = frozenset()  # commands npm installs in the app's own node_modules/.bin
    context: ContextFiles = ContextFiles((), ())


def detect_workspace_app(root: Project, ws: WorkspaceFacts, app_path: str) -> WorkspaceAppFacts:
    """Read the chosen app and what its build needs from the root; raise when a frozen install would fail."""
    pkg = ws.package(app_path)
    root_facts = root.memo("node_facts", lambda: detect_node(root))
    manifest_missing = root_facts is None and root.has_file("pnpm-workspace.yaml")
    if manifest_missing:
        root_facts = root.memo("node_facts_virtual", lambda: detect_node(root.with_virtual("package.json", "{}")))
    if root_facts is None:
        raise UsageError(f"{root.root}: a workspace needs a root package.json", hint="add one (npm init -y)")
    app_project = Project(root.root / app_path)
    app_facts = _app_facts(app_project, app_path, root_facts)
    own_locks = _pnpm_lockfile_per_package(root)
    if own_locks:
        if not root.has_file(f"{app_path}/pnpm-lock.yaml"):
            raise InconsistentProjectError(
                path=f"{app_path}/pnpm-lock.yaml",
                detail="is missing, and shared-workspace-lockfile=false gives every package its own lockfile; a frozen install would fail",
                hint="run `pnpm install` at the repository root and commit the lockfiles",
            )
    else:
        _check_app_in_lockfile(root, root_facts, app_path, pkg)
    runtime_closure = ws.runtime_closure(app_path)
    # A runtime package built in the image copies its output folder (its build script's --outDir, or tsconfig's)
    package_out_dirs = {
        p: tsconfig_option(Project(root.root / p), "outDir") for p in runtime_closure if p != app_path and package_build_scripts(ws.package(p))
    }
    return WorkspaceAppFacts(
        root=root,
        ws=ws,
        app_path=app_path,
        app_project=app_project,
        root_facts=root_facts,
        root_manifest_missing=manifest_missing,
        app_facts=app_facts,
        own_locks=own_locks,
        injects_workspace_packages=_injects_workspace_packages(root),
        root_presence=look_up(root, _root_paths(ws, runtime_closure, own_locks)),
        root_config=tuple(_root_build_config(root, ws, ws.build_closure(app_path))),
        package_out_dirs=package_out_dirs,
        nested_bins=_nested_bins(root, root_facts, app_path),
        context=context_files(root),
    )


def _root_paths(ws: WorkspaceFacts, runtime_closure: list[str], own_locks: bool) -> list[str]:
    """The root-relative paths planning may ask about (beside the top level, which look_up lists)."""
    paths = [*ROOT_INSTALL_CANDIDATES, *ROOT_INSTALL_DIRS]
    if own_locks:
        paths += [f"{p.path}/pnpm-lock.yaml" for p in ws.packages]
    assets = load("node")["runtime_asset_dirs"]
    for path in runtime_closure:
        paths += [f"{path}/{a}" for a in assets]
        for entry in ws.package(path).files_field or ():
            entry = entry.removeprefix("./").rstrip("/")
            if entry and not any(c in entry for c in "*?[!"):
                paths.append(f"{path}/{entry}")
    return paths


def _app_facts(app_project: Project, app_path: str, root: NodeFacts) -> NodeFacts:
    """The app's own facts (scripts, entry, ports, tsconfig) with the root's install facts.

    Lockfile, packageManager, package-manager config and credentials belong to
    the root; a Node version pinned next to the app wins over the root's.
    """
    own = detect_node(app_project, context=False)
    assert own is not None  # the workspace resolver only lists folders with a package.json
    hints = tuple(Found(h.value, f"{app_path}/{h.source}") for h in own.node_version_hints) + root.node_version_hints
    return replace(
        own,
        lockfiles=root.lockfiles,
        lock_details=root.lock_details,
        package_manager_field=root.package_manager_field,
        node_version_hints=hints,
        yarnrc=root.yarnrc,
        yarn_releases=root.yarn_releases,
        rc_files=root.rc_files,
        extra_install_files=root.extra_install_files,
        port_hints=tuple(PortHint(h.port, f"{app_path}/{h.source}", h.kind) for h in own.port_hints),
        loopback_host=replace(own.loopback_host, source=f"{app_path}/{own.loopback_host.source}") if own.loopback_host else None,
        tsconfig_out_dir=Found(own.tsconfig_out_dir.value, f"{app_path}/{own.tsconfig_out_dir.source}") if own.tsconfig_out_dir else None,
        framework=_app_framework(app_project, app_path, own, root),
    )


def _app_framework(app_project: Project, app_path: str, own: NodeFacts, root: NodeFacts) -> FrameworkFacts | None:
    """The app's framework, with sources naming the app's files.

    A framework package hoisted to the root manifest (shared tooling such as vite
    in the root devDependencies) counts for the app; its config file is the app's.
    """
    framework = own.framework
    hoisted = framework is None
    if framework is None:
        framework = detect_framework(app_project, root.dependencies, root.dev_dependencies)
        if framework is None:
            return None
    return replace(
        framework,
        package=framework.package if hoisted else Found(framework.package.value, f"{app_path}/{framework.package.source}"),
        config_file=f"{app_path}/{framework.config_file}" if framework.config_file else None,
        settings={key: Found(found.value, f"{app_path}/{found.source}") for key, found in framework.settings.items()},
    )


def _pnpm_lockfile_per_package(root: Project) -> bool:
    """pnpm's shared-workspace-lockfile=false: each package has its own pnpm-lock.yaml next to its manifest."""
    if root.has_file("pnpm-workspace.yaml"):
        data = root.read_yaml("pnpm-workspace.yaml")
        if isinstance(data, dict) and data.get("sharedWorkspaceLockfile") is False:
            return True
    if root.has_file(".npmrc"):
        return bool(re.search(r"^\s*shared-workspace-lockfile\s*=\s*false\s*$", root.read_text(".npmrc"), re.M))
    return False


def _injects_workspace_packages(root: Project) -> bool:
    if root.has_file("pnpm-workspace.yaml"):
        data = root.read_yaml("pnpm-workspace.yaml") or {}
        if isinstance(data, dict) and data.get("injectWorkspacePackages") is True:
            return True
    if root.has_file(".npmrc"):
        return bool(re.search(r"^\s*inject-workspace-packages\s*=\s*true\s*$", root.read_text(".npmrc"), re.M))
    return False


def _check_app_in_lockfile(root: Project, facts: NodeFacts, app_path: str, pkg: WorkspacePackage) -> None:
    """A frozen install fails when the lockfile lacks the app's dependencies: say so before building."""
    declared = set(pkg.dependencies) | set(pkg.dev_dependencies) | set(pkg.optional_dependencies)
    if not declared:
        return
    known: set[str] | None = None
    lockfile = facts.lockfiles[0] if facts.lockfiles else None
    if lockfile == "pnpm-lock.yaml":
        data = root.read_yaml(lockfile, limit=MAX_LOCKFILE_BYTES) or {}
        importer = (data.get("importers") or {}).get(app_path)
        if importer is None:
            raise InconsistentProjectError(
                path=lockfile, detail=f"has no entry for {app_path}; a frozen install would fail", hint="run `pnpm install` and commit the lockfile"
            )
        known = set()
        for key in ("dependencies", "devDependencies", "optionalDependencies"):
            known |= set(importer.get(key) or {})
    elif lockfile in ("package-lock.json", "npm-shrinkwrap.json"):
        data = root.read_json(lockfile, limit=MAX_LOCKFILE_BYTES)
        entry = (data.get("packages") or {}).get(app_path) if isinstance(data, dict) else None
        if isinstance(entry, dict):
            known = set()
            for key in ("dependencies", "devDependencies", "optionalDependencies"):
                known |= set(entry.get(key) or {})
    if known is None:
        return
    missing = sorted(declared - known)
    if missing:
        shown = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
        raise InconsistentProjectError(
            path=lockfile or "lockfile",
            detail=f"does not match {app_path}/package.json: no entry for {shown}; a frozen install would fail",
            hint="run the package manager's install at the repository root and commit the lockfile",
        )


def _nested_bins(root: Project, facts: NodeFacts, app_path: str) -> frozenset[str]:
    """Commands npm's lockfile installs in ``<app>/node_modules/.bin``: a version conflicting with the hoisted one."""
    lockfile = next((f for f in facts.lockfiles if f in ("package-lock.json", "npm-shrinkwrap.json")), None)
    if lockfile is None:
        return frozenset()
    data = root.read_json(lockfile, limit=MAX_LOCKFILE_BYTES)
    entries = (data.get("packages") or {}) if isinstance(data, dict) else {}
    prefix = f"{app_path}/node_modules/"
    names: set[str] = set()
    for key, entry in entries.items():
        if key.startswith(prefix) and "/node_modules/" not in key[len(prefix):] and isinstance(entry, dict):
            names.add(key[len(prefix):])
            bins = entry.get("bin")
            if isinstance(bins, dict):
                names.update(b for b in bins if isinstance(b, str))
    return frozenset(names)


def _root_build_config(root: Project, ws: WorkspaceFacts, closure: list[str]) -> list[str]:
    """Root config files a package build reads: known names, and tsconfig "extends" that leave the package."""
    found = [rel for rel in load("node")["monorepo_root_build_files"] if root.has_file(rel)]
    package_dirs = {p.path for p in ws.packages}
    queue = [f"{p}/tsconfig.json" for p in closure] + [f"{p}/tsconfig.build.json" for p in closure]
    seen: set[str] = set()
    while queue:
        rel = queue.pop(0)
        if rel in seen or not root.has_file(rel):
            continue
        seen.add(rel)
        for target in _tsconfig_extends(root, rel):
            joined = os.path.normpath(os.path.join(os.path.dirname(rel), target)).replace(os.sep, "/")
            if joined.startswith(".."):
                continue
            if not joined.endswith(".json") and not root.has_file(joined):
                joined += ".json"
            owner = next((d for d in package_dirs if joined.startswith(d + "/")), None)
            if owner is None and joined not in found and root.has_file(joined):
                found.append(joined)
            queue.append(joined)
    return found


def _tsconfig_extends(root: Project, rel: str) -> list[str]:
    text = strip_json_comments(root.read_text(rel))
    match = re.search(r'"extends"\s*:\s*(\[[^\]]*\]|"[^"]*")', text)
    if not match:
        return []
    values = re.findall(r'"([^"]+)"', match.group(1))
    return [v for v in values if v.startswith(".")]  # package names resolve through node_modules
