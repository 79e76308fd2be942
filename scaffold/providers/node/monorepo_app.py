"""One workspace app's shape: the single-app framework rule it gets, its runtime copies, where its command lives.

The app's facts (monorepo_detect) carry the root's install facts; framework rules run on them as they
would for a single app, with sources naming the app's files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scaffold.providers.node.detect import NodeFacts
from scaffold.providers.node.workspaces import WorkspacePackage
from scaffold.errors import UsageError
from scaffold.plan.model import Decision
from scaffold.providers.node.layout import runtime_layout_copies
from scaffold.providers.node.framework_shapes import RuntimeShape
from scaffold.providers.node.plan_frameworks import plan_framework
from scaffold.providers.node.package_manager import PackageManager
from scaffold.providers.node.monorepo_detect import WorkspaceAppFacts
from scaffold.providers.node.monorepo_fragments import copy_fragment

if TYPE_CHECKING:
    from scaffold.project import Project


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


def bundle_copies(app_path: str, copies: list[dict[str, str]], facts: NodeFacts) -> list[dict[str, Any]]:
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
        is_dir = "output" in entry or facts.presence.has_dir(rel)
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


def hoisted_bin(app: WorkspaceAppFacts, pm: PackageManager, name: str) -> str | None:
    """Where a hoisting install (npm, Yarn, Bun) puts the app's command: /app/node_modules/.bin.

    The app folder has its own node_modules/.bin only for a dependency whose
    version conflicts with the hoisted one; npm's lockfile says so, and then the
    relative path stays. pnpm links every package's bins into its own folder.
    """
    if pm.name == "pnpm":
        return None
    if pm.lockfile in ("package-lock.json", "npm-shrinkwrap.json") and name in app.nested_bins:
        return None
    return f"/app/node_modules/.bin/{name}"


def ws_manifests(app: WorkspaceAppFacts, path: str) -> list[str]:
    """What the install reads from one package folder: its manifest, and its own lockfile when it has one."""
    files = [f"{path}/package.json"]
    if app.own_locks and app.root_presence.has_file(f"{path}/pnpm-lock.yaml"):
        files.append(f"{path}/pnpm-lock.yaml")
    return files
