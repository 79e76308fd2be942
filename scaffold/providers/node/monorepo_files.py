"""The files of a monorepo build: the root install files, the build config the packages extend, and what the runtime copies.

Only the manifests and sources of the app's workspace closure reach the build, so a change to another
package does not invalidate its layers; every workspace dependency must be in the lockfile.
"""

from __future__ import annotations

import re
from typing import Any

from scaffold.data import load
from scaffold.providers.node.detect import NodeFacts
from scaffold.providers.node.lockfiles import LOCK_TO_PM
from scaffold.providers.node.detect import detect as detect_node
from scaffold.providers.node.workspaces import WorkspaceFacts, WorkspacePackage
from scaffold.errors import InconsistentProjectError
from scaffold.plan.model import Decision
from scaffold.providers.node.plan import output_dir_decision
from scaffold.providers.node.package_manager import PackageManager
from scaffold.project import Project
from scaffold.providers.node.monorepo_fragments import copy_fragment


def root_install_files(root: Project, facts: NodeFacts, pm: PackageManager) -> list[str]:
    """Root files every install reads: manifest, lockfile, workspace file, package-manager config, patches."""
    files = ["package.json"] if root.is_real_file("package.json") else []
    if pm.lockfile:
        files.append(pm.lockfile)
    for rel in ("pnpm-workspace.yaml", ".npmrc", ".yarnrc.yml", ".yarnrc", "bunfig.toml", ".pnpmfile.cjs"):
        if root.has_file(rel) and rel not in files:
            files.append(rel)
    if facts.yarn_releases:
        files.append(".yarn/releases")
    for rel in ("patches", ".yarn/patches", ".yarn/plugins"):
        if root.has_dir(rel):
            files.append(rel)
    return files


def pruned_root_files(pm: PackageManager) -> set[str]:
    """Root files `turbo prune --docker` already writes to out/json."""
    pruned = {"package.json"}
    if pm.lockfile:
        pruned.add(pm.lockfile)
    if pm.name == "pnpm":
        pruned.add("pnpm-workspace.yaml")
    return pruned


def root_build_config(root: Project, ws: WorkspaceFacts, closure: list[str]) -> list[str]:
    """Root config files a package build reads: known names, and tsconfig "extends" that leave the package."""
    import os

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
    from scaffold.providers.node.detect import strip_json_comments

    text = strip_json_comments(root.read_text(rel))
    match = re.search(r'"extends"\s*:\s*(\[[^\]]*\]|"[^"]*")', text)
    if not match:
        return []
    values = re.findall(r'"([^"]+)"', match.group(1))
    return [v for v in values if v.startswith(".")]  # package names resolve through node_modules


def runtime_package_copies(
    root: Project, ws: WorkspaceFacts, closure: list[str], builders: list[str], app_path: str, out_dir: Decision | None, pruned: bool,
    app_copies: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """What the runtime copies besides node_modules: each package's run-time files, dependencies first.

    ``app_copies`` (the framework rule's files for the app) replace the app's generic copies.
    """
    copies: list[dict[str, Any]] = []
    assets = load("node")["runtime_asset_dirs"]
    for path in closure:
        pkg = ws.package(path)
        if path == app_path and app_copies is not None:
            copies.extend(app_copies)
            continue
        if path not in builders:
            copies.append(copy_fragment([f"{path}/"], f"./{path}/"))
            continue
        output = out_dir.value if path == app_path and out_dir is not None else _library_output(root, pkg)
        if output is None:
            copies.append(copy_fragment([f"/app/{path}/"], f"./{path}/", from_="build"))
            continue
        copies.append(copy_fragment([f"/app/{path}/{output}/"], f"./{path}/{output}/", from_="build"))
        extra = [a for a in assets if a != output and root.has_dir(f"{path}/{a}")]
        for entry in pkg.files_field or ():
            entry = entry.removeprefix("./").rstrip("/")
            if entry and entry != output and not any(c in entry for c in "*?[!") and (root.has_dir(f"{path}/{entry}") or root.has_file(f"{path}/{entry}")):
                if entry not in extra:
                    extra.append(entry)
        for entry in extra:
            dest = f"./{path}/{entry}/" if root.has_dir(f"{path}/{entry}") else f"./{path}/"
            copies.append(copy_fragment([f"{path}/{entry}" + ("/" if root.has_dir(f"{path}/{entry}") else "")], dest))
    return copies


_LOCAL_SPECS = ("workspace:", "link:", "file:", "portal:", "patch:")


def check_closure_locked(ws: WorkspaceFacts, closure: list[str], root_facts) -> None:
    """Every registry dependency of the packages the image installs is in the lockfile, or the frozen install fails.

    Checked for lockfiles that list every package by name (Yarn 1 and Berry, npm);
    pnpm checks per importer itself and says which one.
    """
    internal_names = {p.name for p in ws.packages if p.name}
    for lockfile, info in root_facts.lock_details.items():
        names = info.get("all_names")
        if not names or lockfile not in ("yarn.lock", "package-lock.json", "npm-shrinkwrap.json"):
            continue
        for path in closure:
            pkg = ws.package(path)
            for table, deps in (("dependencies", pkg.dependencies), ("devDependencies", pkg.dev_dependencies)):
                missing = sorted(n for n, spec in deps.items() if n not in names and n not in internal_names and not spec.startswith(_LOCAL_SPECS))
                if missing:
                    raise InconsistentProjectError(
                        path=lockfile,
                        detail=f"has no entry for {', '.join(missing[:3])} ({path}/package.json > {table}); a frozen install would fail",
                        hint=f"run `{LOCK_TO_PM[lockfile]} install` at the repository root and commit {lockfile}",
                    )


def _library_output(root: Project, pkg: WorkspacePackage) -> str | None:
    facts = root.memo(f"node_facts:{pkg.path}", lambda: detect_node(Project(root.root / pkg.path)))
    if facts is None:
        return None
    decision = output_dir_decision(facts, Decision("build", "package.json > scripts > build"))
    return decision.value if decision else None


def nested_modules_cleanup(
    root: Project, ws: WorkspaceFacts, closure: list[str], builders: list[str], app_path: str, out_dir: Decision | None
) -> list[str]:
    """Built packages copied whole (output folder unknown) must not carry the build's dev dependencies along."""
    whole = [
        p for p in closure
        if p in builders and (out_dir is None if p == app_path else _library_output(root, ws.package(p)) is None)
    ]
    return [f"rm -rf {' '.join(f'{p}/node_modules' for p in whole)}"] if whole else []
