"""The files of a monorepo build: the root install files and what the runtime copies (read by monorepo_detect).

Only the manifests and sources of the app's workspace closure reach the build, so a change to another
package does not invalidate its layers; every workspace dependency must be in the lockfile.
"""

from __future__ import annotations

from typing import Any

from scaffold.data import load
from scaffold.providers.node.lockfiles import LOCK_TO_PM
from scaffold.providers.node.workspaces import WorkspaceFacts
from scaffold.errors import InconsistentProjectError
from scaffold.plan.model import Decision
from scaffold.providers.node.plan import output_dir_of
from scaffold.providers.node.package_manager import PackageManager
from scaffold.providers.node.monorepo_detect import ROOT_INSTALL_CANDIDATES, ROOT_INSTALL_DIRS, WorkspaceAppFacts
from scaffold.providers.node.monorepo_fragments import copy_fragment


def root_install_files(app: WorkspaceAppFacts, pm: PackageManager) -> list[str]:
    """Root files every install reads: manifest, lockfile, workspace file, package-manager config, patches."""
    present = app.root_presence
    files = [] if app.root_manifest_missing else ["package.json"]
    if pm.lockfile:
        files.append(pm.lockfile)
    for rel in ROOT_INSTALL_CANDIDATES:
        if present.has_file(rel) and rel not in files:
            files.append(rel)
    if app.root_facts.yarn_releases:
        files.append(".yarn/releases")
    for rel in ROOT_INSTALL_DIRS:
        if present.has_dir(rel):
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


def runtime_package_copies(
    app: WorkspaceAppFacts, closure: list[str], builders: list[str], out_dir: Decision | None,
    app_copies: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """What the runtime copies besides node_modules: each package's run-time files, dependencies first.

    ``app_copies`` (the framework rule's files for the app) replace the app's generic copies.
    """
    copies: list[dict[str, Any]] = []
    assets = load("node")["runtime_asset_dirs"]
    app_path, present = app.app_path, app.root_presence
    for path in closure:
        pkg = app.ws.package(path)
        if path == app_path and app_copies is not None:
            copies.extend(app_copies)
            continue
        if path not in builders:
            copies.append(copy_fragment([f"{path}/"], f"./{path}/"))
            continue
        output = out_dir.value if path == app_path and out_dir is not None else _library_output(app, path)
        if output is None:
            copies.append(copy_fragment([f"/app/{path}/"], f"./{path}/", from_="build"))
            continue
        copies.append(copy_fragment([f"/app/{path}/{output}/"], f"./{path}/{output}/", from_="build"))
        extra = [a for a in assets if a != output and present.has_dir(f"{path}/{a}")]
        for entry in pkg.files_field or ():
            entry = entry.removeprefix("./").rstrip("/")
            if entry and entry != output and not any(c in entry for c in "*?[!") and (present.has_dir(f"{path}/{entry}") or present.has_file(f"{path}/{entry}")):
                if entry not in extra:
                    extra.append(entry)
        for entry in extra:
            dest = f"./{path}/{entry}/" if present.has_dir(f"{path}/{entry}") else f"./{path}/"
            copies.append(copy_fragment([f"{path}/{entry}" + ("/" if present.has_dir(f"{path}/{entry}") else "")], dest))
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


def _library_output(app: WorkspaceAppFacts, path: str) -> str | None:
    decision = output_dir_of(app.ws.package(path).scripts.get("build", ""), app.package_out_dirs.get(path))
    return decision.value if decision else None


def nested_modules_cleanup(app: WorkspaceAppFacts, closure: list[str], builders: list[str], out_dir: Decision | None) -> list[str]:
    """Built packages copied whole (output folder unknown) must not carry the build's dev dependencies along."""
    whole = [
        p for p in closure
        if p in builders and (out_dir is None if p == app.app_path else _library_output(app, p) is None)
    ]
    return [f"rm -rf {' '.join(f'{p}/node_modules' for p in whole)}"] if whole else []
