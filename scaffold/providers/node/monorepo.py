"""One app of a monorepo -> a BuildPlan whose build context is the repository root.

The Dockerfile lives next to the app (``apps/api/Dockerfile``, with its own
``Dockerfile.dockerignore``) and is built from the root, because the lockfile,
the workspace file and the app's internal packages all live there.

Cache friendliness is the point of every choice here:

* the install layer sees only the files the install reads: the root manifest,
  lockfile and package-manager config, plus the manifests of the packages the
  app needs (pnpm and npm accept a workspace with other members missing; Yarn
  Berry and Bun refuse, so they get every manifest);
* sources are copied per package, only for the packages in the app's closure,
  so an edit to a package the app does not use changes no layer of its image;
* with turbo.json, ``turbo prune --docker`` (the repository's own turbo version)
  also prunes the lockfile, so even a dependency change in an unrelated package
  leaves the install cached. Turbo's output lacks root config files such as
  tsconfig.base.json; they are copied from the context.

The runtime holds production dependencies only: ``pnpm deploy --prod`` for
pnpm, a workspace-filtered production install for the others. A static app
(a Vite build with an index.html) is planned by the same framework rule and
static_site.py code as a single app, so it gets the same nginx config: SPA
fallback route and long-lived caching of content-hashed assets. Framework
servers (next start, SvelteKit adapter-node, NestJS…) take the single app's
start command, port, environment and runtime files too, with node_modules from
the monorepo's production install.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from scaffold.data import load
from scaffold.detect.found import Found
from scaffold.providers.node.detect import NodeFacts, PortHint
from scaffold.providers.node.detect import LOCK_TO_PM
from scaffold.providers.node.detect import detect as detect_node
from scaffold.providers.node.detect_frameworks import FrameworkFacts, detect_framework
from scaffold.providers.node.workspaces import WorkspaceFacts, WorkspacePackage
from scaffold.errors import InconsistentProjectError, UsageError
from scaffold.plan.model import BuildPlan, Decision
from scaffold.providers.node.monorepo_image import MonorepoImage, monorepo_dockerfile
from scaffold.providers.node.plan import (
    APP_UID,
    node_base_image,
    node_base_image_arg,
    node_image_name,
    on_runtime,
    output_dir_decision,
    uses_bun_runtime,
)
from scaffold.providers.node.layout import runtime_layout_copies
from scaffold.providers.node.serving import env_quote, node_healthcheck_script, node_label_pairs, node_port, port_env, start_env
from scaffold.providers.node.plan_addons import download_skips
from scaffold.providers.node.install import secret_mounts
from scaffold.providers.node.start import node_start_command
from scaffold.providers.node.plan_frameworks import RuntimeShape, plan_framework
from scaffold.providers.node.version import resolve_node_major
from scaffold.providers.node.package_manager import PackageManager, choose_package_manager, setup_commands
from scaffold.plan.static_site import NGINX_UID, nginx_healthcheck, static_fields, static_start
from scaffold.project import Project

DEPLOY_DIR = "/deploy"


def plan_workspace_app(root: Project, ws: WorkspaceFacts, app_path: str, answers: dict[str, Any]) -> BuildPlan:
    """The plan for ``app_path`` (relative to the monorepo root); every path in it is relative to the root."""
    pkg = ws.package(app_path)
    if pkg.kind == "library" and not answers.get("start"):
        apps = ", ".join(p.path for p in ws.apps) or "none"
        raise UsageError(
            f"{app_path}/package.json: a library ({pkg.kind_reason}), not an app to deploy",
            hint=f"deployable apps: {apps}; or pass --start to run it anyway",
        )
    warnings: list[str] = []
    notes: list[str] = []
    decisions: dict[str, Decision] = {}
    app_project = Project(root.root / app_path)
    root_facts = root.memo("node_facts", lambda: detect_node(root))
    if root_facts is None and root.has_file("pnpm-workspace.yaml"):
        # pnpm runs a workspace whose root has no package.json as if it held "{}"
        root_facts = detect_node(root.with_virtual("package.json", "{}"))
        notes.append("the workspace root has no package.json, which pnpm accepts: the image copies pnpm-workspace.yaml and the lockfile alone")
    if root_facts is None:
        raise UsageError(f"{root.root}: a workspace needs a root package.json", hint="add one (npm init -y)")
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

    decisions["app"] = Decision(app_path, answers.get("app_source", "--app"))
    decisions["workspace"] = Decision(ws.manager_hint, ws.source)
    version = resolve_node_major(app_facts.node_version_hints, answers.get("node_version"))
    warnings.extend(version.warnings)
    major = int(version.decision.value)
    decisions["node_version"] = version.decision
    pm_decision, pm, pm_warnings = choose_package_manager(app_facts, answers.get("package_manager"), major)
    warnings.extend(pm_warnings)
    decisions["package_manager"] = pm_decision
    if pm.lockfile:
        decisions["lockfile"] = Decision(pm.lockfile, "found in the monorepo root")
    is_bun_runtime = uses_bun_runtime(app_facts, answers)
    decisions["image_name"] = _rooted(node_image_name(app_project, app_facts, answers), app_path)
    decisions["base_image"] = node_base_image(major, pm, is_bun_runtime, answers)

    build_closure = ws.build_closure(app_path)
    runtime_closure = ws.runtime_closure(app_path)
    _check_closure_locked(ws, build_closure, root_facts)
    decisions["internal_packages"] = Decision(
        [ws.package(p).label for p in build_closure if p != app_path], f"{app_path}/package.json dependencies, followed through the workspace"
    )
    builders = [p for p in build_closure if _package_build_scripts(ws.package(p))]
    # Workspace packages' own install scripts (a lib built by "prepare": tsc) cannot run in an install
    # that sees only manifests: installs skip them and the build stage runs them on the sources.
    lifecycle = [ws.package(p).label for p in build_closure if _lifecycle_scripts(ws.package(p))]
    # (Yarn Berry's focus and Bun run no workspace prepare; they are left as they are.)
    ignore_scripts = bool(lifecycle) and (pm.name in ("npm", "pnpm") or (pm.name == "yarn" and not pm.berry))
    if ignore_scripts:
        notes.append(
            f"{', '.join(lifecycle)} build(s) in an install script (prepare/postinstall), which cannot run before the sources are copied: "
            "the installs run with --ignore-scripts and the build stage runs those scripts"
        )
    static = pkg.kind == "static" and not answers.get("start")
    decisions["kind"] = Decision(pkg.kind if not answers.get("start") else "server", pkg.kind_reason if not answers.get("start") else "--start")

    site = _static_site(app_project, app_facts, pm, answers, pkg) if static else None
    if site is not None:
        decisions["framework"] = site.framework
        notes.extend(site.notes)
    bundle = None if static else _self_contained(app_project, app_facts, pm, answers, pkg)
    if bundle is not None:
        decisions["framework"] = _rooted(bundle.framework, app_path)
        notes.extend(bundle.notes)
        warnings.extend(bundle.warnings)
    server = None if (static or bundle is not None) else _framework_server(app_project, app_facts, pm, answers, pkg)
    if server is not None:
        decisions["framework"] = _rooted(server.framework, app_path)
        notes.extend(server.notes)
        warnings.extend(server.warnings)
    framework = bundle if bundle is not None else server  # the single-app rule that shapes the node runtime

    turbo = _turbo_choice(ws, pm, pkg, answers, notes)
    decisions["strategy"] = turbo[0]
    use_turbo = turbo[1]

    # -- the app itself: build output, start command, port -----------------------
    if answers.get("build") == "":
        builders = [p for p in builders if p != app_path]
    elif answers.get("build") and app_path not in builders:
        builders.append(app_path)  # --build given for an app without a build script
    has_app_build = app_path in builders or bool(answers.get("build"))
    build_decision = Decision(None, "no build script")
    out_dir = None
    if has_app_build:
        build_decision = Decision("build", f"{app_path}/package.json > scripts > build") if not answers.get("build") else Decision(answers["build"], "--build")
        own_output = (
            site.output if site is not None
            else framework.output if framework is not None and framework.output is not None
            else output_dir_decision(app_facts, build_decision)
        )
        out_dir = _rooted_opt(own_output, app_path)
        if out_dir is not None:
            decisions["build_output"] = out_dir
    build_steps = _build_steps(pm, ws, builders, use_turbo, pkg, answers)
    if builders and not has_app_build:
        build_decision = Decision(None, "the workspace packages' build scripts")
    decisions["build_command"] = Decision(" && ".join(build_steps) or None, build_decision.source)
    if site is not None:
        if out_dir is None:
            raise UsageError(f"{app_path}: a static site without a build output folder", hint="add a build script")
        assert site.static is not None and site.port is not None
        decisions["port"] = site.port
        decisions["start_command"] = static_start(site.static)
    elif bundle is not None:
        assert bundle.start is not None and bundle.port is not None
        decisions["start_command"] = on_runtime(_rooted(bundle.start, app_path), "bun" if is_bun_runtime else "node", notes)
        decisions["port"] = _rooted(bundle.port, app_path)
    elif server is not None:
        assert server.start is not None
        decisions["start_command"] = on_runtime(_rooted(server.start, app_path), "bun" if is_bun_runtime else "node", notes)
        decisions["port"] = _rooted(server.port if server.port is not None else node_port(app_facts, answers), app_path)
    else:
        start = node_start_command(app_project, app_facts, pm, answers, has_app_build, out_dir, warnings, notes, is_bun_runtime)
        decisions["start_command"] = on_runtime(_rooted(start, app_path), "bun" if is_bun_runtime else "node", notes)
        decisions["port"] = _rooted(node_port(app_facts, answers), app_path)
    decisions["healthcheck"] = Decision(
        bool(answers.get("healthcheck", True)), "--no-healthcheck" if answers.get("healthcheck") is False else "default"
    )

    # -- files the install reads ------------------------------------------------------
    secrets, secret_notes = secret_mounts(app_facts)
    notes.extend(secret_notes)
    secret_files = {s["file"] for s in secrets if s["file"]}
    root_install = [f for f in _root_install_files(root, root_facts, pm) if f not in secret_files]
    needs_all = _needs_every_manifest(pm)
    if needs_all and not use_turbo:
        notes.append(f"{pm.name} checks every workspace against the lockfile: the install copies all {len(ws.packages)} workspace manifests")
    deps_manifests = [p.path for p in ws.packages] if needs_all else runtime_closure
    build_manifests = [p.path for p in ws.packages] if needs_all else build_closure
    env_install = _install_env(pm, app_facts, notes)
    install_prefix = "".join(f"{e} " for e in [*env_install, *(s["env"] for s in secrets if s.get("env"))])
    mounts = [pm.cache_mount, *(s["mount"] for s in secrets)]
    rebuild = _rebuild_natives(root_facts, pm) if ignore_scripts else None
    if rebuild:
        notes.append(f"--ignore-scripts also skips the native addons' own builds: `{rebuild}` runs them")
    root_config = _root_build_config(root, ws, build_closure) if builders else []

    pm_setup = [] if is_bun_runtime else setup_commands(pm, major, app_facts.package_manager_field is not None)
    install_from = "pm" if pm_setup else "base"
    # pnpm deploy gathers built workspace packages and production dependencies into one folder; with
    # nothing to build, a filtered production install keeps node_modules in a layer of its own instead.
    use_deploy = pm.name == "pnpm" and not static and bundle is None and bool(builders) and _pnpm_deploys(pm)
    deploy_cmd = _pnpm_deploy(pm, ws, pkg, root, notes) if use_deploy else None

    stages: list[dict[str, Any]] = []
    if use_turbo:
        turbo_info = ws.orchestrator("turbo")
        assert turbo_info is not None and pkg.name
        stages.append(_stage("turbo", install_from, f"turbo@{turbo_info.version}, the version the repository installs ({turbo_info.version_source})", [
            _env(["TURBO_TELEMETRY_DISABLED=1"]),
            _run([f"npm install -g turbo@{turbo_info.version}"], ["--mount=type=cache,id=npm,target=/root/.npm"]),
        ]))
        stages.append(_stage("prune", "turbo", f"Only what {pkg.label} needs: manifests and a pruned lockfile (out/json), sources (out/full)", [
            _copy(["."], "."),
            _run([f"turbo prune {pkg.name} --docker"]),
        ]))
        install_from = "turbo"
        manifest_copies = [_copy(["/app/out/json/"], "./", from_="prune")]
        extra = [f for f in root_install if f not in _pruned_root_files(pm)]
        manifest_copies += _copy_groups(extra)
        deps_copies = build_copies = manifest_copies
        source_copies = [_copy(["/app/out/full/"], "./", from_="prune")]
    else:
        deps_copies = _copy_groups(root_install) + [_copy(_manifests(root, p, own_locks), f"./{p}/") for p in deps_manifests]
        build_copies = _copy_groups(root_install) + [_copy(_manifests(root, p, own_locks), f"./{p}/") for p in build_manifests]
        source_copies = [_copy([f"{p}/"], f"./{p}/") for p in build_closure]

    uses_deps_stage = not static and not use_deploy and bundle is None
    if uses_deps_stage:
        prod = _install(pm, ws, pkg, runtime_closure, production=True, pruned=use_turbo, ignore_scripts=ignore_scripts)
        stages.append(_stage("deps", install_from, "Production dependencies only: this layer changes with the manifests or lockfile, never with the code", [
            *deps_copies,
            _run([prod, *([rebuild] if rebuild else [])], mounts, install_prefix),
        ]))

    needs_build_stage = bool(builders) or use_deploy
    if needs_build_stage:
        full = _install(pm, ws, pkg, build_closure, production=False, pruned=use_turbo, ignore_scripts=ignore_scripts)
        steps = [*build_copies, _run([full, *([rebuild] if rebuild else [])], mounts, install_prefix)]
        steps += _copy_groups(root_config)
        steps += source_copies
        cleanup = [] if (static or use_deploy or bundle is not None) else _nested_modules_cleanup(root, ws, runtime_closure, builders, app_path, out_dir)
        if build_steps:
            framework_env = site.build_env if site is not None else framework.build_env if framework is not None else {}
            build_env = sorted(framework_env.items())
            steps.append(_env(["NODE_ENV=production", *(f"{k}={env_quote(v)}" for k, v in build_env)]))
            build_mounts = []
            if framework is not None and framework.build_cache:
                cache_id = f"{decisions['image_name'].value}-{framework.build_cache.replace('/', '-').strip('.-')}"
                build_mounts.append(f"--mount=type=cache,id={cache_id},target=/app/{app_path}/{framework.build_cache}")
            steps.append(_run([*build_steps, *cleanup], build_mounts))
        if deploy_cmd:
            steps.append(_run([deploy_cmd], mounts, install_prefix, comment=_deploy_comment(pm, ws, root)))
        stages.append(_stage("build", install_from, f"Build {pkg.label} and the workspace packages it uses, in dependency order", steps))


    port = decisions["port"].value
    if site is not None:
        assert site.static is not None and out_dir is not None
        runtime = {
            "kind": "static",
            # The site's folder as the build stage sees it: the app's output under /app/<app>
            "static": static_fields(replace(site.static, root=f"{app_path}/{out_dir.value}"), port),
            "user": f"{NGINX_UID}:{NGINX_UID}",
            "port": port,
            "healthcheck": nginx_healthcheck(port) if decisions["healthcheck"].value else None,
            "cmd": json.dumps(decisions["start_command"].value),
        }
    else:
        start_argv = list(decisions["start_command"].value)
        if not use_deploy and start_argv and start_argv[0].startswith("node_modules/.bin/"):
            hoisted = _hoisted_bin(root, pm, app_path, start_argv[0].rsplit("/", 1)[-1])
            if hoisted:
                start_argv[0] = hoisted
                decisions["start_command"] = Decision(start_argv, decisions["start_command"].source)
                notes.append(f"{pm.name} hoists the app's dependencies to the root node_modules: the command runs {hoisted}")
        env_pairs = [("NODE_ENV", "production"), ("PORT", str(port))]
        for key, value in sorted({**(framework.env if framework is not None else {}), **start_env(app_facts), **port_env(app_facts, Decision(port, ""))}.items()):
            if key not in ("NODE_ENV", "PORT"):
                env_pairs.append((key, value))
        writable: list[str] = list(framework.writable) if framework is not None else []
        app_copies = _server_copies(app_project, app_facts, server, out_dir, start_argv) if server is not None else None
        if bundle is not None:
            assert bundle.copies is not None
            copies = _bundle_copies(root, app_project, app_path, bundle.copies, app_facts)
            workdir = f"/app/{app_path}"
        elif use_deploy and app_copies is not None:
            # pnpm deploy's node_modules (workspace packages included), then only the files the framework's server reads
            copies = [_copy([f"{DEPLOY_DIR}/node_modules/"], "./node_modules/", from_="build")]
            copies += [
                {**c, "dest": c["dest"].replace(f"./{app_path}/", "./", 1)}
                for c in _bundle_copies(root, app_project, app_path, app_copies, app_facts)
            ]
            workdir = None  # /app is the deployed app folder
        elif use_deploy:
            copies = [_copy([f"{DEPLOY_DIR}/"], "./", from_="build")]
            workdir = None  # the deployed folder is the app itself
        else:
            copies = [_copy(["/app/"], "./", from_="deps")]
            app_only = _bundle_copies(root, app_project, app_path, app_copies, app_facts) if app_copies is not None else None
            copies += _runtime_package_copies(root, ws, runtime_closure, builders, app_path, out_dir, use_turbo, app_only)
            workdir = f"/app/{app_path}"
        runtime_name = "bun" if is_bun_runtime else "node"
        runtime = {
            "kind": "node",
            "from": "pm" if start_argv and start_argv[0] in ("pnpm", "yarn") and pm_setup else "base",
            "env": [f"{k}={env_quote(v)}" for k, v in env_pairs],
            "copies": copies,
            "workdir": workdir,
            "user": f"{APP_UID}:{APP_UID}",
            "port": port,
            "healthcheck": json.dumps([runtime_name, "-e", node_healthcheck_script()]) if decisions["healthcheck"].value else None,
            "cmd": json.dumps(start_argv),
        }
        if writable:  # only framework servers that write a cache (Next.js) have the key
            runtime["writable_dirs"] = " ".join(writable)

    version_arg = node_base_image_arg(decisions["base_image"].value, major, is_bun_runtime)
    dockerfile = monorepo_dockerfile(MonorepoImage(
        app=app_path,
        title=(
            f"Generated by scaffold for {decisions['image_name'].value} ({app_path} in a monorepo). Edit freely:",
            f"scaffold shows a diff before it changes this file again. Every choice is explained by `scaffold plan --app {app_path}`.",
            "Build from the repository root: the lockfile and the shared packages live there.",
        ),
        base_from=version_arg["from"] if version_arg else decisions["base_image"].value,
        base_comment=f"Node image: Debian slim, Node {major} ({decisions['node_version'].source})" if version_arg else f"Node image ({decisions['base_image'].source})",
        version_arg=version_arg,
        pm_comment=f"{pm.label}, the version the project pins ({decisions['package_manager'].source})",
        pm_setup=tuple(pm_setup),
        stages=tuple(stages),
        runtime=runtime,
        labels=node_label_pairs(app_facts, decisions["image_name"].value),
        build_secrets=tuple(s["cli"] for s in secrets),
    ))
    from scaffold.dockerignore import NODE_BASE, compose_dockerignore

    keep = [*root_install, *root_config, *(f for p in build_manifests for f in _manifests(root, p, own_locks)), *build_closure]
    dockerignore, ignore_notes = compose_dockerignore(root, NODE_BASE, must_keep=keep, secret_files=sorted(secret_files))
    notes.extend(ignore_notes)
    return BuildPlan(
        ecosystem="node",
        template="stages",
        decisions=decisions,
        dockerfile=dockerfile,
        dockerignore=dockerignore,
        warnings=warnings,
        notes=notes,
        dockerfile_path=f"{app_path}/Dockerfile",
        dockerignore_path=f"{app_path}/Dockerfile.dockerignore",
        build_context=".",
        # What CI path filters watch: the packages this image is built from and the root files it reads.
        watch_paths=[*build_closure, *root_install, *root_config, *(["turbo.json"] if use_turbo else [])],
    )


# -- facts for one app ---------------------------------------------------------------

def _app_facts(app_project: Project, app_path: str, root: NodeFacts) -> NodeFacts:
    """The app's own facts (scripts, entry, ports, tsconfig) with the root's install facts.

    Lockfile, packageManager, package-manager config and credentials belong to
    the root; a Node version pinned next to the app wins over the root's.
    """
    own = detect_node(app_project)
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


def _static_site(app_project: Project, facts: NodeFacts, pm: PackageManager, answers: dict[str, Any], pkg: WorkspacePackage) -> RuntimeShape:
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


def _self_contained(app_project: Project, facts: NodeFacts, pm: PackageManager, answers: dict[str, Any], pkg: WorkspacePackage) -> RuntimeShape | None:
    """The single-app framework rule, when its build output carries its own node_modules.

    Next.js standalone and Nuxt's .output trace every file the server needs,
    workspace packages included, so the image needs neither an install nor the
    packages' folders. Rules that run with production dependencies (next start,
    SvelteKit, Remix…) are _framework_server's.
    """
    if answers.get("start") or "build" in answers or not facts.framework or "build" not in pkg.scripts:
        return None
    shape = plan_framework(app_project, facts, pm, answers)
    if shape is None or shape.kind != "node" or shape.prod_deps or shape.copies is None or shape.start is None:
        return None
    return shape


def _framework_server(app_project: Project, facts: NodeFacts, pm: PackageManager, answers: dict[str, Any], pkg: WorkspacePackage) -> RuntimeShape | None:
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


def _server_copies(
    app_project: Project, facts: NodeFacts, server: RuntimeShape, out_dir: Decision | None, start_argv: list[str]
) -> list[dict[str, str]] | None:
    """The framework's runtime files for the app, relative to it; None keeps the generic copies (output folder unknown)."""
    if server.copies is not None:
        return list(server.copies)
    copies, whole = runtime_layout_copies(app_project, facts, True, out_dir, start_argv)
    return None if whole else copies


def _bundle_copies(root: Project, app_project: Project, app_path: str, copies: list[dict[str, str]], facts: NodeFacts) -> list[dict[str, Any]]:
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
        out.append(_copy([src], target, from_="build"))
    return out


def _rooted(decision: Decision, app_path: str) -> Decision:
    """Sources computed inside the app folder ("package.json > name") name the app's file."""
    if decision.source.startswith(("package.json", "tsconfig.json")):
        return Decision(decision.value, f"{app_path}/{decision.source}")
    return decision


def _rooted_opt(decision: Decision | None, app_path: str) -> Decision | None:
    return None if decision is None else _rooted(decision, app_path)


def _hoisted_bin(root: Project, pm: PackageManager, app_path: str, name: str) -> str | None:
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


def _pnpm_lockfile_per_package(root: Project) -> bool:
    """pnpm's shared-workspace-lockfile=false: each package has its own pnpm-lock.yaml next to its manifest."""
    if root.has_file("pnpm-workspace.yaml"):
        data = root.read_yaml("pnpm-workspace.yaml")
        if isinstance(data, dict) and data.get("sharedWorkspaceLockfile") is False:
            return True
    if root.has_file(".npmrc"):
        return bool(re.search(r"^\s*shared-workspace-lockfile\s*=\s*false\s*$", root.read_text(".npmrc"), re.M))
    return False


def _manifests(root: Project, path: str, own_locks: bool) -> list[str]:
    """What the install reads from one package folder: its manifest, and its own lockfile when it has one."""
    files = [f"{path}/package.json"]
    if own_locks and root.has_file(f"{path}/pnpm-lock.yaml"):
        files.append(f"{path}/pnpm-lock.yaml")
    return files


def _check_app_in_lockfile(root: Project, facts: NodeFacts, app_path: str, pkg: WorkspacePackage) -> None:
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


# -- strategy -------------------------------------------------------------------------

def _turbo_choice(ws: WorkspaceFacts, pm: PackageManager, pkg: WorkspacePackage, answers: dict[str, Any], notes: list[str]) -> tuple[Decision, bool]:
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


def _needs_every_manifest(pm: PackageManager) -> bool:
    """Yarn Berry and Bun refuse a workspace whose members are missing; pnpm and npm install what is there."""
    return (pm.name == "yarn") or pm.name == "bun"


def _pnpm_deploys(pm: PackageManager) -> bool:
    """`pnpm deploy` exists since pnpm 7.4; older versions use the filtered production install."""
    major, minor = _version_tuple(pm.version)
    return (major, minor) >= (7, 4) or pm.version is None


def _version_tuple(version: str | None) -> tuple[int, int]:
    match = re.match(r"(\d+)\.(\d+)", version or "")
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def _injects_workspace_packages(root: Project) -> bool:
    if root.has_file("pnpm-workspace.yaml"):
        data = root.read_yaml("pnpm-workspace.yaml") or {}
        if isinstance(data, dict) and data.get("injectWorkspacePackages") is True:
            return True
    if root.has_file(".npmrc"):
        return bool(re.search(r"^\s*inject-workspace-packages\s*=\s*true\s*$", root.read_text(".npmrc"), re.M))
    return False


def _pnpm_deploy(pm: PackageManager, ws: WorkspaceFacts, pkg: WorkspacePackage, root: Project, notes: list[str]) -> str:
    legacy = _version_tuple(pm.version)[0] >= 10 and not _injects_workspace_packages(root)
    return f"pnpm --filter={_pnpm_selector(pkg)} deploy --prod{' --legacy' if legacy else ''} {DEPLOY_DIR}"


def _deploy_comment(pm: PackageManager, ws: WorkspaceFacts, root: Project) -> str:
    base = "Production dependencies only, with the workspace packages copied in: a self-contained app folder"
    if _version_tuple(pm.version)[0] >= 10 and not _injects_workspace_packages(root):
        return base + " (--legacy: pnpm 10 deploys without injectWorkspacePackages only that way)"
    return base


# -- commands -------------------------------------------------------------------------

def _pnpm_selector(pkg: WorkspacePackage) -> str:
    """The package name, or its folder in braces (pnpm's form that can take a "..." suffix).

    The braces are single-quoted: unquoted, a shell may expand them and ShellCheck
    (hadolint SC1083) flags them. The folder holds no quote (workspaces.SAFE_FOLDER).
    """
    return pkg.name or f"'{{./{pkg.path}}}'"


def _install(
    pm: PackageManager, ws: WorkspaceFacts, app: WorkspacePackage, closure: list[str], *, production: bool, pruned: bool, ignore_scripts: bool = False
) -> str:
    """A frozen install limited to ``closure`` (or to the pruned workspace turbo left)."""
    command = _install_command(pm, ws, app, closure, production=production, pruned=pruned)
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


def _install_env(pm: PackageManager, facts: NodeFacts, notes: list[str]) -> list[str]:
    env: list[str] = download_skips(facts.native, set(facts.dependencies), notes, [])
    if pm.name == "yarn" and pm.berry:
        # `workspaces focus` has no --immutable flag; the setting makes it fail on a stale lockfile too.
        env.append("YARN_ENABLE_IMMUTABLE_INSTALLS=true")
        if (facts.yarnrc or {}).get("nodeLinker") not in ("node-modules", "pnpm"):
            env.append("YARN_NODE_LINKER=node-modules")
            notes.append(".yarnrc.yml uses Plug'n'Play: the image installs with nodeLinker node-modules, which runs the same code without the PnP loader")
    return env


def _build_steps(pm: PackageManager, ws: WorkspaceFacts, builders: list[str], use_turbo: bool, app: WorkspacePackage, answers: dict[str, Any]) -> list[str]:
    """Build commands in dependency order: internal packages first, the app last."""
    custom = answers.get("build")
    steps: list[str] = []
    turbo = ws.orchestrator("turbo")
    if use_turbo and turbo is not None and "build" in turbo.tasks and not custom:
        # turbo.json's dependsOn ("^build") orders the packages' build scripts itself; install scripts
        # the installs skipped run first, in dependency order.
        if not builders:
            return []
        early = [_run_script(pm, ws.package(p), s) for p in builders for s in _lifecycle_scripts(ws.package(p))]
        turbo_build = [f"turbo run build --filter={app.name}"] if any("build" in ws.package(p).scripts for p in builders) else []
        return [*early, *turbo_build]
    for path in builders:
        pkg = ws.package(path)
        if path == app.path and custom:
            steps.append(_in_package(pm, pkg, custom))
            continue
        steps.extend(_run_script(pm, pkg, script) for script in _package_build_scripts(pkg))
    return steps


def _lifecycle_scripts(pkg: WorkspacePackage) -> list[str]:
    """The package's own install scripts (npm, pnpm and Yarn run them for workspace packages on install)."""
    return [name for name in load("node")["install_lifecycle_scripts"] if (pkg.scripts.get(name) or "").strip()]


def _package_build_scripts(pkg: WorkspacePackage) -> list[str]:
    """Scripts that build the package: its install scripts (a lib built by "prepare"), then "build".

    "build" is left out when an install script already runs it ("prepare": "npm run build").
    """
    scripts = _lifecycle_scripts(pkg)
    if "build" in pkg.scripts and not any(re.search(r"\brun\s+build\b|^\s*(pnpm|yarn|bun)\s+build\b", pkg.scripts[s]) for s in scripts):
        scripts.append("build")
    return scripts


def _rebuild_natives(facts: NodeFacts, pm: PackageManager) -> str | None:
    """`npm rebuild` of the native addons an --ignore-scripts install left unbuilt."""
    native = facts.native
    if native is None:
        return None
    names = sorted({f.value for f in (*native.known, *native.install_scripts)})
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


# -- files ------------------------------------------------------------------------------

def _root_install_files(root: Project, facts: NodeFacts, pm: PackageManager) -> list[str]:
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


def _pruned_root_files(pm: PackageManager) -> set[str]:
    """Root files `turbo prune --docker` already writes to out/json."""
    pruned = {"package.json"}
    if pm.lockfile:
        pruned.add(pm.lockfile)
    if pm.name == "pnpm":
        pruned.add("pnpm-workspace.yaml")
    return pruned


def _root_build_config(root: Project, ws: WorkspaceFacts, closure: list[str]) -> list[str]:
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


def _runtime_package_copies(
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
            copies.append(_copy([f"{path}/"], f"./{path}/"))
            continue
        output = out_dir.value if path == app_path and out_dir is not None else _library_output(root, pkg)
        if output is None:
            copies.append(_copy([f"/app/{path}/"], f"./{path}/", from_="build"))
            continue
        copies.append(_copy([f"/app/{path}/{output}/"], f"./{path}/{output}/", from_="build"))
        extra = [a for a in assets if a != output and root.has_dir(f"{path}/{a}")]
        for entry in pkg.files_field or ():
            entry = entry.removeprefix("./").rstrip("/")
            if entry and entry != output and not any(c in entry for c in "*?[!") and (root.has_dir(f"{path}/{entry}") or root.has_file(f"{path}/{entry}")):
                if entry not in extra:
                    extra.append(entry)
        for entry in extra:
            dest = f"./{path}/{entry}/" if root.has_dir(f"{path}/{entry}") else f"./{path}/"
            copies.append(_copy([f"{path}/{entry}" + ("/" if root.has_dir(f"{path}/{entry}") else "")], dest))
    return copies


_LOCAL_SPECS = ("workspace:", "link:", "file:", "portal:", "patch:")


def _check_closure_locked(ws: WorkspaceFacts, closure: list[str], root_facts) -> None:
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


def _nested_modules_cleanup(
    root: Project, ws: WorkspaceFacts, closure: list[str], builders: list[str], app_path: str, out_dir: Decision | None
) -> list[str]:
    """Built packages copied whole (output folder unknown) must not carry the build's dev dependencies along."""
    whole = [
        p for p in closure
        if p in builders and (out_dir is None if p == app_path else _library_output(root, ws.package(p)) is None)
    ]
    return [f"rm -rf {' '.join(f'{p}/node_modules' for p in whole)}"] if whole else []


# -- Dockerfile fragments (plain data for the template) --------------------------------

def _stage(name: str, from_: str, comment: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "from": from_, "comment": comment, "steps": steps}


def _copy(src: list[str], dest: str, *, from_: str = "") -> dict[str, Any]:
    return {"kind": "copy", "from": from_, "src": src, "dest": dest, "comment": ""}


def _run(commands: list[str], mounts: list[str] | None = None, prefix: str = "", *, comment: str = "") -> dict[str, Any]:
    """One RUN: cache and secret mounts, then the commands (the template joins them with &&)."""
    return {"kind": "run", "mounts": list(mounts or []), "commands": [prefix + commands[0], *commands[1:]], "comment": comment}


def _env(pairs: list[str]) -> dict[str, Any]:
    return {"kind": "env", "pairs": pairs, "comment": ""}


def _copy_groups(files: list[str]) -> list[dict[str, Any]]:
    """Files grouped by their folder (root files in one COPY); folders each to their own destination.

    COPY flattens its sources into the destination, so a file below a folder
    must be copied to that folder, never to ./ with the root files.
    """
    by_parent: dict[str, list[str]] = {}
    for f in files:
        if not _is_dir(f):
            parent = f.rsplit("/", 1)[0] + "/" if "/" in f else ""
            by_parent.setdefault(parent, []).append(f)
    groups = [_copy(srcs, f"./{parent}") for parent, srcs in by_parent.items()]
    groups += [_copy([f], f"./{f}/") for f in files if _is_dir(f)]
    return groups


def _is_dir(path: str) -> bool:
    return path in ("patches", ".yarn/releases", ".yarn/patches", ".yarn/plugins")
