"""The commands of a monorepo build: turbo prune or not, pnpm deploy or a root install, and the build order.

Each package manager filters a workspace differently (pnpm --filter, npm --workspace, yarn workspace,
bun --cwd); builds run for the app and the workspace packages it uses, dependencies first.
"""

from __future__ import annotations

import re
from typing import Any

from scaffold.providers.node.detect import NodeFacts
from scaffold.providers.node.workspaces import WorkspaceFacts, WorkspacePackage, lifecycle_scripts, package_build_scripts
from scaffold.errors import UsageError
from scaffold.plan.model import Decision
from scaffold.providers.node.plan_addons import download_skips
from scaffold.providers.node.package_manager import PackageManager

DEPLOY_DIR = "/deploy"


def turbo_choice(ws: WorkspaceFacts, pm: PackageManager, pkg: WorkspacePackage, answers: dict[str, Any], notes: list[str]) -> tuple[Decision, bool]:
    turbo = ws.orchestrator("turbo")
    wanted = answers.get("turbo")
    if turbo is None:
        if wanted:
            raise UsageError("--turbo: the repository has no turbo.json")
        return Decision("filtered install", "no turbo.json"), False
    if wanted is False:
        return Decision("filtered install", "--no-turbo"), False
    reason = None
    if turbo.version is None:
        reason = "the turbo version is unknown (no exact version in the lockfile or the root package.json)"
    elif not pkg.name:
        reason = f"{pkg.path}/package.json has no name for `turbo prune`"
    elif pm.name == "bun":
        reason = "scaffold does not use turbo prune with bun yet"
    elif pm.lockfile is None:
        reason = "there is no lockfile to prune"
    elif _version_tuple(turbo.version)[0] >= 2 and not _declares_package_manager(ws.root_manifest):
        reason = "turbo 2 prunes only with package.json > packageManager (or devEngines.packageManager) set"
    if reason:
        if wanted:
            raise UsageError(f"--turbo: {reason}")
        notes.append(f"turbo.json found but turbo prune is not used: {reason}")
        return Decision("filtered install", f"turbo.json, but {reason}"), False
    source = "--turbo" if wanted else "turbo.json (prune keeps the install cached when unrelated packages change)"
    return Decision(f"turbo prune --docker (turbo@{turbo.version})", source), True


def _declares_package_manager(manifest: dict[str, Any]) -> bool:
    dev_engines = manifest.get("devEngines")
    return isinstance(manifest.get("packageManager"), str) or (isinstance(dev_engines, dict) and "packageManager" in dev_engines)


def needs_every_manifest(pm: PackageManager) -> bool:
    """Yarn Berry and Bun refuse a workspace whose members are missing; pnpm and npm install what is there."""
    return (pm.name == "yarn") or pm.name == "bun"


def pnpm_deploys(pm: PackageManager) -> bool:
    """`pnpm deploy` exists since pnpm 7.4; older versions use the filtered production install."""
    major, minor = _version_tuple(pm.version)
    return (major, minor) >= (7, 4) or pm.version is None


def _version_tuple(version: str | None) -> tuple[int, int]:
    match = re.match(r"(\d+)\.(\d+)", version or "")
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def pnpm_deploy(pm: PackageManager, pkg: WorkspacePackage, injects_workspace_packages: bool) -> str:
    legacy = _version_tuple(pm.version)[0] >= 10 and not injects_workspace_packages
    return f"pnpm --filter={_pnpm_selector(pkg)} deploy --prod{' --legacy' if legacy else ''} {DEPLOY_DIR}"


def deploy_comment(pm: PackageManager, injects_workspace_packages: bool) -> str:
    base = "Production dependencies only, with the workspace packages copied in: a self-contained app folder"
    if _version_tuple(pm.version)[0] >= 10 and not injects_workspace_packages:
        return base + " (--legacy: pnpm 10 deploys without injectWorkspacePackages only that way)"
    return base


def _pnpm_selector(pkg: WorkspacePackage) -> str:
    """The package name, or its folder in braces (pnpm's form that can take a "..." suffix).

    The braces are single-quoted: unquoted, a shell may expand them and ShellCheck
    (hadolint SC1083) flags them. The folder holds no quote (workspaces.SAFE_FOLDER).
    """
    return pkg.name or f"'{{./{pkg.path}}}'"


def ws_install(
    pm: PackageManager, ws: WorkspaceFacts, app: WorkspacePackage, closure: list[str], *, production: bool, pruned: bool,
    ignore_scripts: bool = False, with_root: bool = False,
) -> str:
    """A frozen install limited to ``closure`` (or to the pruned workspace turbo left).

    ``with_root``: pnpm links the root package's dependencies too (`--filter=.`), as npm's
    --include-workspace-root does for a build.
    """
    command = _install_command(pm, ws, app, closure, production=production, pruned=pruned)
    if with_root and pm.name == "pnpm" and not production and "--filter=" in command:
        command += " --filter=."
    return f"{command} --ignore-scripts" if ignore_scripts else command


def _install_command(pm: PackageManager, ws: WorkspaceFacts, app: WorkspacePackage, closure: list[str], *, production: bool, pruned: bool) -> str:
    frozen = pm.lockfile is not None
    names = [ws.package(p) for p in closure]
    if pm.name == "pnpm":
        parts = ["pnpm install"]
        if frozen:
            parts.append("--frozen-lockfile")
        if production:
            parts.append("--prod")
        if not pruned:
            parts.append(f"--filter={_pnpm_selector(app)}...")
        return " ".join(parts)
    if pm.name == "npm":
        parts = [f"npm {'ci' if frozen else 'install'}"]
        if production:
            parts.append("--omit=dev")
        parts += [f"--workspace={p.name or p.path}" for p in names]
        parts.append("--include-workspace-root=false" if production else "--include-workspace-root")
        parts.append("--no-audit --no-fund")
        return " ".join(parts)
    if pm.name == "yarn" and pm.berry:
        focus = [p.name for p in names if p.name] if not production else [app.name] if app.name else []
        if not production and ws.root_manifest.get("name") and _has_deps(ws.root_manifest):
            focus.insert(0, ws.root_manifest["name"])
        if not focus or not pm.can_focus:
            return f"yarn install{' --immutable' if frozen else ''}"
        return f"yarn workspaces focus {' '.join(focus)}{' --production' if production else ''}"
    if pm.name == "yarn":
        return f"yarn install{' --frozen-lockfile' if frozen else ''}{' --production' if production else ''} --non-interactive --ignore-engines"
    return f"bun install{' --frozen-lockfile' if frozen else ''}{' --production' if production else ''}"


def _has_deps(manifest: dict[str, Any]) -> bool:
    return bool(manifest.get("dependencies") or manifest.get("devDependencies"))


def install_env(pm: PackageManager, facts: NodeFacts, notes: list[str]) -> list[str]:
    env: list[str] = download_skips(facts.native, set(facts.dependencies), notes, [])
    if pm.name == "yarn" and pm.berry:
        # `workspaces focus` has no --immutable flag; the setting makes it fail on a stale lockfile too.
        env.append("YARN_ENABLE_IMMUTABLE_INSTALLS=true")
        if (facts.yarnrc or {}).get("nodeLinker") not in ("node-modules", "pnpm"):
            env.append("YARN_NODE_LINKER=node-modules")
            notes.append(".yarnrc.yml uses Plug'n'Play: the image installs with nodeLinker node-modules, which runs the same code without the PnP loader")
    return env


def ws_build_steps(pm: PackageManager, ws: WorkspaceFacts, builders: list[str], use_turbo: bool, app: WorkspacePackage, answers: dict[str, Any]) -> list[str]:
    """Build commands in dependency order: internal packages first, the app last."""
    custom = answers.get("build")
    steps: list[str] = []
    turbo = ws.orchestrator("turbo")
    if use_turbo and turbo is not None and "build" in turbo.tasks and not custom:
        # turbo.json's dependsOn ("^build") orders the packages' build scripts itself; install scripts
        # the installs skipped run first, in dependency order.
        if not builders:
            return []
        early = [_run_script(pm, ws.package(p), s) for p in builders for s in lifecycle_scripts(ws.package(p))]
        turbo_build = [f"turbo run build --filter={app.name}"] if any("build" in ws.package(p).scripts for p in builders) else []
        return [*early, *turbo_build]
    for path in builders:
        pkg = ws.package(path)
        if path == app.path and custom:
            steps.append(_in_package(pm, pkg, custom))
            continue
        steps.extend(_run_script(pm, pkg, script) for script in package_build_scripts(pkg))
    return steps




def rebuild_natives(facts: NodeFacts, pm: PackageManager) -> str | None:
    """`npm rebuild` of the native addons an --ignore-scripts install left unbuilt."""
    native = facts.native
    if native is None:
        return None
    names = sorted({*(f.value for f in (*native.known, *native.install_scripts)), *native.rebuilt})
    if not names:
        return None
    return f"pnpm rebuild -r {' '.join(names)}" if pm.name == "pnpm" else f"npm rebuild {' '.join(names)}"


def _run_script(pm: PackageManager, pkg: WorkspacePackage, script: str) -> str:
    if pm.name == "pnpm":
        return f"pnpm --filter={_pnpm_selector(pkg)} run {script}"
    if pm.name == "npm":
        return f"npm run {script} --workspace={pkg.name or pkg.path}"
    if pm.name == "yarn" and pkg.name:
        return f"yarn workspace {pkg.name} run {script}"
    return f"{pm.name} run --cwd {pkg.path} {script}" if pm.name == "bun" else f"yarn --cwd {pkg.path} run {script}"


def _in_package(pm: PackageManager, pkg: WorkspacePackage, command: str) -> str:
    """A --build command given by the user, run in the app's folder."""
    if pm.name == "pnpm":
        return f"pnpm --filter={_pnpm_selector(pkg)} exec {command}"
    if pm.name == "npm":
        return f"npm exec --workspace={pkg.name or pkg.path} -- {command}"
    if pm.name == "yarn" and pkg.name:
        return f"yarn workspace {pkg.name} exec {command}"
    return f"sh -c 'cd {pkg.path} && {command}'"
