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
from dataclasses import replace
from typing import Any

from scaffold.errors import UsageError
from scaffold.plan.model import BuildPlan, Decision
from scaffold.providers import shared
from scaffold.providers.node.base_image import node_base_image, node_base_image_arg
from scaffold.providers.node.monorepo_image import MonorepoImage, monorepo_dockerfile
from scaffold.providers.node.plan import (
    APP_UID,
    node_image_name,
    on_runtime,
    output_dir_decision,
    uses_bun_runtime,
)
from scaffold.providers.node.serving import env_quote, node_healthcheck_script, node_label_pairs, node_port, port_env, start_env
from scaffold.providers.node.install import secret_mounts
from scaffold.providers.node.start import node_start_command
from scaffold.providers.node.version import resolve_node_major
from scaffold.providers.node.package_manager import choose_package_manager, setup_commands
from scaffold.plan.static_site import NGINX_UID, nginx_healthcheck, static_fields, static_start
from scaffold.providers.node.monorepo_detect import WorkspaceAppFacts
from scaffold.providers.node.workspaces import lifecycle_scripts, package_build_scripts
from scaffold.providers.node.monorepo_app import (
    bundle_copies,
    framework_server,
    hoisted_bin,
    rooted,
    rooted_opt,
    self_contained,
    server_copies,
    ws_manifests,
    ws_static_site,
)
from scaffold.providers.node.monorepo_commands import (
    DEPLOY_DIR,
    deploy_comment,
    install_env,
    needs_every_manifest,
    pnpm_deploy,
    pnpm_deploys,
    rebuild_natives,
    turbo_choice,
    ws_build_steps,
    ws_install,
)
from scaffold.providers.node.monorepo_files import (
    check_closure_locked,
    nested_modules_cleanup,
    pruned_root_files,
    root_install_files,
    runtime_package_copies,
)
from scaffold.providers.node.monorepo_fragments import copy_fragment, copy_group_fragments, env_fragment, run_fragment, stage_fragment


def plan_workspace_app(app: WorkspaceAppFacts, answers: dict[str, Any]) -> BuildPlan:
    """The plan for the chosen app (monorepo_detect read it); every path in it is relative to the root."""
    ws, app_path, app_project, root_facts, app_facts = app.ws, app.app_path, app.app_project, app.root_facts, app.app_facts
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
    if app.root_manifest_missing:
        notes.append("the workspace root has no package.json, which pnpm accepts: the image copies pnpm-workspace.yaml and the lockfile alone")

    decisions["app"] = Decision(app_path, answers.get("app_source", "--app"))
    decisions["workspace"] = Decision(ws.manager_hint, ws.source)
    version = resolve_node_major(app_facts.node_version_hints, answers.get("node_version"))
    warnings.extend(version.warnings)
    major = int(version.decision.value)
    decisions["node_version"] = version.decision
    pm_decision, pm, pm_warnings = choose_package_manager(app_facts, answers.get("package_manager"), major, (ws.manager_hint, ws.source))
    warnings.extend(pm_warnings)
    decisions["package_manager"] = pm_decision
    if pm.lockfile:
        decisions["lockfile"] = Decision(pm.lockfile, "found in the monorepo root")
    is_bun_runtime = uses_bun_runtime(app_facts, answers)
    decisions["image_name"] = rooted(node_image_name(app_project, app_facts, answers), app_path)
    decisions["base_image"] = node_base_image(major, pm, is_bun_runtime, answers)

    build_closure = ws.build_closure(app_path)
    runtime_closure = ws.runtime_closure(app_path)
    check_closure_locked(ws, build_closure, root_facts)
    decisions["internal_packages"] = Decision(
        [ws.package(p).label for p in build_closure if p != app_path], f"{app_path}/package.json dependencies, followed through the workspace"
    )
    builders = [p for p in build_closure if package_build_scripts(ws.package(p))]
    # Workspace packages' own install scripts (a lib built by "prepare": tsc) cannot run in an install
    # that sees only manifests: installs skip them and the build stage runs them on the sources.
    lifecycle = [ws.package(p).label for p in build_closure if lifecycle_scripts(ws.package(p))]
    # (Yarn Berry's focus and Bun run no workspace prepare; they are left as they are.)
    ignore_scripts = bool(lifecycle) and (pm.name in ("npm", "pnpm") or (pm.name == "yarn" and not pm.berry))
    if ignore_scripts:
        notes.append(
            f"{', '.join(lifecycle)} build(s) in an install script (prepare/postinstall), which cannot run before the sources are copied: "
            "the installs run with --ignore-scripts and the build stage runs those scripts"
        )
    static = pkg.kind == "static" and not answers.get("start")
    decisions["kind"] = Decision(pkg.kind if not answers.get("start") else "server", pkg.kind_reason if not answers.get("start") else "--start")

    site = ws_static_site(app_project, app_facts, pm, answers, pkg) if static else None
    if site is not None:
        decisions["framework"] = site.framework
        notes.extend(site.notes)
    bundle = None if static else self_contained(app_project, app_facts, pm, answers, pkg)
    if bundle is not None:
        decisions["framework"] = rooted(bundle.framework, app_path)
        notes.extend(bundle.notes)
        warnings.extend(bundle.warnings)
    server = None if (static or bundle is not None) else framework_server(app_project, app_facts, pm, answers, pkg)
    if server is not None:
        decisions["framework"] = rooted(server.framework, app_path)
        notes.extend(server.notes)
        warnings.extend(server.warnings)
    framework = bundle if bundle is not None else server  # the single-app rule that shapes the node runtime

    turbo = turbo_choice(ws, pm, pkg, answers, notes)
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
        out_dir = rooted_opt(own_output, app_path)
        if out_dir is not None:
            decisions["build_output"] = out_dir
    build_steps = ws_build_steps(pm, ws, builders, use_turbo, pkg, answers)
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
        decisions["start_command"] = on_runtime(rooted(bundle.start, app_path), "bun" if is_bun_runtime else "node", notes)
        decisions["port"] = rooted(bundle.port, app_path)
    elif server is not None:
        assert server.start is not None
        decisions["start_command"] = on_runtime(rooted(server.start, app_path), "bun" if is_bun_runtime else "node", notes)
        decisions["port"] = rooted(server.port if server.port is not None else node_port(app_facts, answers), app_path)
    else:
        start = node_start_command(app_project, app_facts, pm, answers, has_app_build, out_dir, warnings, notes, is_bun_runtime)
        decisions["start_command"] = on_runtime(rooted(start, app_path), "bun" if is_bun_runtime else "node", notes)
        decisions["port"] = rooted(node_port(app_facts, answers), app_path)
    decisions["healthcheck"] = shared.healthcheck_wanted(answers)

    # -- files the install reads ------------------------------------------------------
    secrets, secret_notes = secret_mounts(app_facts)
    notes.extend(secret_notes)
    secret_files = {s["file"] for s in secrets if s["file"]}
    root_install = [f for f in root_install_files(app, pm) if f not in secret_files]
    needs_all = needs_every_manifest(pm)
    if needs_all and not use_turbo:
        notes.append(f"{pm.name} checks every workspace against the lockfile: the install copies all {len(ws.packages)} workspace manifests")
    root_deps = [p for p in ws.root_workspace_deps() if p not in build_closure] if pm.name == "pnpm" else []
    if root_deps and not needs_all:
        notes.append(f"the root package.json depends on {', '.join(root_deps)} (workspace:): pnpm resolves them on every install, so they are copied too, and the build's install links the root's")
    deps_manifests = [p.path for p in ws.packages] if needs_all else [*runtime_closure, *root_deps]
    build_manifests = [p.path for p in ws.packages] if needs_all else [*build_closure, *root_deps]
    env_install = install_env(pm, app_facts, notes)
    install_prefix = "".join(f"{e} " for e in [*env_install, *(s["env"] for s in secrets if s.get("env"))])
    mounts = [pm.cache_mount, *(s["mount"] for s in secrets)]
    rebuild = rebuild_natives(root_facts, pm) if ignore_scripts else None
    if rebuild:
        notes.append(f"--ignore-scripts also skips the dependencies' own install scripts: `{rebuild}` runs them")
    root_config = list(app.root_config) if builders else []

    pm_setup = [] if is_bun_runtime else setup_commands(pm, major, app_facts.package_manager_field is not None)
    install_from = "pm" if pm_setup else "base"
    # pnpm deploy gathers built workspace packages and production dependencies into one folder; with
    # nothing to build, a filtered production install keeps node_modules in a layer of its own instead.
    use_deploy = pm.name == "pnpm" and not static and bundle is None and bool(builders) and pnpm_deploys(pm)
    deploy_cmd = pnpm_deploy(pm, pkg, app.injects_workspace_packages) if use_deploy else None

    stages: list[dict[str, Any]] = []
    if use_turbo:
        turbo_info = ws.orchestrator("turbo")
        assert turbo_info is not None and pkg.name
        stages.append(stage_fragment("turbo", install_from, f"turbo@{turbo_info.version}, the version the repository installs ({turbo_info.version_source})", [
            env_fragment(["TURBO_TELEMETRY_DISABLED=1"]),
            run_fragment([f"npm install -g turbo@{turbo_info.version}"], ["--mount=type=cache,id=npm,target=/root/.npm"]),
        ]))
        stages.append(stage_fragment("prune", "turbo", f"Only what {pkg.label} needs: manifests and a pruned lockfile (out/json), sources (out/full)", [
            copy_fragment(["."], "."),
            run_fragment([f"turbo prune {pkg.name} --docker"]),
        ]))
        install_from = "turbo"
        manifest_copies = [copy_fragment(["/app/out/json/"], "./", from_="prune")]
        extra = [f for f in root_install if f not in pruned_root_files(pm)]
        manifest_copies += copy_group_fragments(extra)
        deps_copies = build_copies = manifest_copies
        source_copies = [copy_fragment(["/app/out/full/"], "./", from_="prune")]
    else:
        deps_copies = copy_group_fragments(root_install) + [copy_fragment(ws_manifests(app, p), f"./{p}/") for p in deps_manifests]
        build_copies = copy_group_fragments(root_install) + [copy_fragment(ws_manifests(app, p), f"./{p}/") for p in build_manifests]
        # the root's workspace packages are its shared configs (tsconfig bases a build extends)
        source_copies = [copy_fragment([f"{p}/"], f"./{p}/") for p in [*build_closure, *root_deps]]

    uses_deps_stage = not static and not use_deploy and bundle is None
    if uses_deps_stage:
        prod = ws_install(pm, ws, pkg, runtime_closure, production=True, pruned=use_turbo, ignore_scripts=ignore_scripts)
        stages.append(stage_fragment("deps", install_from, "Production dependencies only: this layer changes with the manifests or lockfile, never with the code", [
            *deps_copies,
            run_fragment([prod, *([rebuild] if rebuild else [])], mounts, install_prefix),
        ]))

    needs_build_stage = bool(builders) or use_deploy
    if needs_build_stage:
        full = ws_install(pm, ws, pkg, build_closure, production=False, pruned=use_turbo, ignore_scripts=ignore_scripts, with_root=bool(root_deps))
        steps = [*build_copies, run_fragment([full, *([rebuild] if rebuild else [])], mounts, install_prefix)]
        steps += copy_group_fragments(root_config)
        steps += source_copies
        cleanup = [] if (static or use_deploy or bundle is not None) else nested_modules_cleanup(app, runtime_closure, builders, out_dir)
        if build_steps:
            framework_env = site.build_env if site is not None else framework.build_env if framework is not None else {}
            build_env = sorted(framework_env.items())
            steps.append(env_fragment(["NODE_ENV=production", *(f"{k}={env_quote(v)}" for k, v in build_env)]))
            build_mounts = []
            if framework is not None and framework.build_cache:
                cache_id = f"{decisions['image_name'].value}-{framework.build_cache.replace('/', '-').strip('.-')}"
                build_mounts.append(f"--mount=type=cache,id={cache_id},target=/app/{app_path}/{framework.build_cache}")
            steps.append(run_fragment([*build_steps, *cleanup], build_mounts))
        if deploy_cmd:
            steps.append(run_fragment([deploy_cmd], mounts, install_prefix, comment=deploy_comment(pm, app.injects_workspace_packages)))
        stages.append(stage_fragment("build", install_from, f"Build {pkg.label} and the workspace packages it uses, in dependency order", steps))


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
            hoisted = hoisted_bin(app, pm, start_argv[0].rsplit("/", 1)[-1])
            if hoisted:
                start_argv[0] = hoisted
                decisions["start_command"] = Decision(start_argv, decisions["start_command"].source)
                notes.append(f"{pm.name} hoists the app's dependencies to the root node_modules: the command runs {hoisted}")
        env_pairs = [("NODE_ENV", "production"), ("PORT", str(port))]
        for key, value in sorted({**(framework.env if framework is not None else {}), **start_env(app_facts), **port_env(app_facts, Decision(port, ""))}.items()):
            if key not in ("NODE_ENV", "PORT"):
                env_pairs.append((key, value))
        writable: list[str] = list(framework.writable) if framework is not None else []
        app_copies = server_copies(app_project, app_facts, server, out_dir, start_argv) if server is not None else None
        if bundle is not None:
            assert bundle.copies is not None
            copies = bundle_copies(app_path, bundle.copies, app_facts)
            workdir = f"/app/{app_path}"
        elif use_deploy and app_copies is not None:
            # pnpm deploy's node_modules (workspace packages included), then only the files the framework's server reads
            copies = [copy_fragment([f"{DEPLOY_DIR}/node_modules/"], "./node_modules/", from_="build")]
            copies += [
                {**c, "dest": c["dest"].replace(f"./{app_path}/", "./", 1)}
                for c in bundle_copies(app_path, app_copies, app_facts)
            ]
            workdir = None  # /app is the deployed app folder
        elif use_deploy:
            copies = [copy_fragment([f"{DEPLOY_DIR}/"], "./", from_="build")]
            workdir = None  # the deployed folder is the app itself
        else:
            copies = [copy_fragment(["/app/"], "./", from_="deps")]
            app_only = bundle_copies(app_path, app_copies, app_facts) if app_copies is not None else None
            copies += runtime_package_copies(app, runtime_closure, builders, out_dir, app_only)
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
            "healthcheck": json.dumps([runtime_name, "-e", node_healthcheck_script(port)]) if decisions["healthcheck"].value else None,
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
        build_secrets=tuple(s["secret"] for s in secrets),
    ))
    from scaffold.dockerignore import NODE_BASE, compose_dockerignore

    keep = [*root_install, *root_config, *(f for p in build_manifests for f in ws_manifests(app, p)), *build_closure, *root_deps]
    dockerignore, ignore_notes = compose_dockerignore(app.context, NODE_BASE, must_keep=keep, secret_files=sorted(secret_files))
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
        watch_paths=[*build_closure, *root_deps, *root_install, *root_config, *(["turbo.json"] if use_turbo else [])],
    )
