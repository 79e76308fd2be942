"""One workspace app's facts: its own scripts, entry and ports with the root's install facts, and its framework shape.

A monorepo app is detected in its folder, then given the root's lockfile, packageManager, package-manager
config and credentials; framework rules run on the app's folder with sources naming the app's files.
The app must be in the root lockfile, or a frozen install fails.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from scaffold.detect.found import Found
from scaffold.providers.node.detect import NodeFacts
from scaffold.providers.node.source_scan import PortHint
from scaffold.providers.node.detect import detect as detect_node
from scaffold.providers.node.detect_frameworks import FrameworkFacts, detect_framework
from scaffold.providers.node.workspaces import WorkspacePackage
from scaffold.errors import InconsistentProjectError, UsageError
from scaffold.plan.model import Decision
from scaffold.providers.node.layout import runtime_layout_copies
from scaffold.providers.node.framework_shapes import RuntimeShape
from scaffold.providers.node.plan_frameworks import plan_framework
from scaffold.providers.node.package_manager import PackageManager
from scaffold.project import Project
from scaffold.providers.node.monorepo_fragments import copy_fragment


def ws_app_facts(app_project: Project, app_path: str, root: NodeFacts) -> NodeFacts:
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


def ws_static_site(app_project: Project, facts: NodeFacts, pm: PackageManager, answers: dict[str, Any], pkg: WorkspacePackage) -> RuntimeShape:
    """The framework rule a single app with these files would get: output folder, SPA fallback, cached assets."""
    shape = plan_framework(app_project, facts, pm, answers)
    if shape is not None and shape.kind == "static":
        return shape
    if shape is None:
        why = "neither it nor the root package.json depends on a build tool scaffold knows (vite)"
    else:
        why = f"its framework rule does not build a static site: {shape.framework.value} ({shape.framework.source})"
    raise UsageError(
        f"{pkg.path}/package.json: looks like a static site ({pkg.kind_reason}), but {why}",
        hint="pass --start to run it as a server, or add the build tool to its devDependencies",
    )


def self_contained(app_project: Project, facts: NodeFacts, pm: PackageManager, answers: dict[str, Any], pkg: WorkspacePackage) -> RuntimeShape | None:
    """The single-app framework rule, when its build output carries its own node_modules.

    Next.js standalone and Nuxt's .output trace every file the server needs,
    workspace packages included, so the image needs neither an install nor the
    packages' folders. Rules that run with production dependencies (next start,
    SvelteKit, Remix…) are framework_server's.
    """
    if answers.get("start") or "build" in answers or not facts.framework or "build" not in pkg.scripts:
        return None
    shape = plan_framework(app_project, facts, pm, answers)
    if shape is None or shape.kind != "node" or shape.prod_deps or shape.copies is None or shape.start is None:
        return None
    return shape


def framework_server(app_project: Project, facts: NodeFacts, pm: PackageManager, answers: dict[str, Any], pkg: WorkspacePackage) -> RuntimeShape | None:
    """The single-app framework rule for a server that runs with production dependencies.

    next start, SvelteKit adapter-node, Astro's standalone server, React Router / Remix
    serve and NestJS get the start command, port, environment, build cache and
    runtime files a single app would; node_modules still come from the monorepo's
    production install (pnpm deploy or the filtered install), which holds the
    workspace packages the server imports.
    """
    if answers.get("start") or "build" in answers or not facts.framework or "build" not in pkg.scripts:
        return None
    shape = plan_framework(app_project, facts, pm, answers)
    if shape is None or shape.kind != "node" or not shape.prod_deps or shape.start is None:
        return None
    return shape


def server_copies(
    app_project: Project, facts: NodeFacts, server: RuntimeShape, out_dir: Decision | None, start_argv: list[str]
) -> list[dict[str, str]] | None:
    """The framework's runtime files for the app, relative to it; None keeps the generic copies (output folder unknown)."""
    if server.copies is not None:
        return list(server.copies)
    copies, whole = runtime_layout_copies(app_project, facts, True, out_dir, start_argv)
    return None if whole else copies


def bundle_copies(root: Project, app_project: Project, app_path: str, copies: list[dict[str, str]], facts: NodeFacts) -> list[dict[str, Any]]:
    """The framework's runtime copies, moved under the app's folder in /app.

    Next.js traces a monorepo from its root (the folder of the lockfile; Next 14 and 15 do),
    so .next/standalone mirrors the repository with server.js in standalone/<app>/:
    the standalone folder is copied to /app itself, and the app's folder is the workdir.
    """
    out = []
    for entry in copies:
        rel = entry["src"].removeprefix("/app/")
        dest = entry["dest"].removeprefix("./")
        target = f"./{app_path}/{dest}" if dest else f"./{app_path}/"
        if rel.endswith("/standalone"):
            target = "./"
        is_dir = app_project.has_dir(rel) or "output" in entry
        src = f"/app/{app_path}/{rel}" + ("/" if is_dir else "")
        target = target if target.endswith("/") or not is_dir else target + "/"
        out.append(copy_fragment([src], target, from_="build"))
    return out


def rooted(decision: Decision, app_path: str) -> Decision:
    """Sources computed inside the app folder ("package.json > name") name the app's file."""
    if decision.source.startswith(("package.json", "tsconfig.json")):
        return Decision(decision.value, f"{app_path}/{decision.source}")
    return decision


def rooted_opt(decision: Decision | None, app_path: str) -> Decision | None:
    return None if decision is None else rooted(decision, app_path)


def hoisted_bin(root: Project, pm: PackageManager, app_path: str, name: str) -> str | None:
    """Where a hoisting install (npm, Yarn, Bun) puts the app's command: /app/node_modules/.bin.

    The app folder has its own node_modules/.bin only for a dependency whose
    version conflicts with the hoisted one; npm's lockfile says so, and then the
    relative path stays. pnpm links every package's bins into its own folder.
    """
    if pm.name == "pnpm":
        return None
    from scaffold.project import MAX_LOCKFILE_BYTES

    if pm.lockfile in ("package-lock.json", "npm-shrinkwrap.json"):
        data = root.read_json(pm.lockfile, limit=MAX_LOCKFILE_BYTES)
        entries = (data.get("packages") or {}) if isinstance(data, dict) else {}
        prefix = f"{app_path}/node_modules/"
        for key, entry in entries.items():
            if key.startswith(prefix) and "/node_modules/" not in key[len(prefix):] and isinstance(entry, dict):
                bins = entry.get("bin")
                if (isinstance(bins, dict) and name in bins) or key[len(prefix):] == name:
                    return None
    return f"/app/node_modules/.bin/{name}"


def pnpm_lockfile_per_package(root: Project) -> bool:
    """pnpm's shared-workspace-lockfile=false: each package has its own pnpm-lock.yaml next to its manifest."""
    if root.has_file("pnpm-workspace.yaml"):
        data = root.read_yaml("pnpm-workspace.yaml")
        if isinstance(data, dict) and data.get("sharedWorkspaceLockfile") is False:
            return True
    if root.has_file(".npmrc"):
        return bool(re.search(r"^\s*shared-workspace-lockfile\s*=\s*false\s*$", root.read_text(".npmrc"), re.M))
    return False


def ws_manifests(root: Project, path: str, own_locks: bool) -> list[str]:
    """What the install reads from one package folder: its manifest, and its own lockfile when it has one."""
    files = [f"{path}/package.json"]
    if own_locks and root.has_file(f"{path}/pnpm-lock.yaml"):
        files.append(f"{path}/pnpm-lock.yaml")
    return files


def check_app_in_lockfile(root: Project, facts: NodeFacts, app_path: str, pkg: WorkspacePackage) -> None:
    """A frozen install fails when the lockfile lacks the app's dependencies: say so before building."""
    declared = set(pkg.dependencies) | set(pkg.dev_dependencies) | set(pkg.optional_dependencies)
    if not declared:
        return
    from scaffold.project import MAX_LOCKFILE_BYTES

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
