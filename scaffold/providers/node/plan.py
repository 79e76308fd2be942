"""Node facts + answers -> a BuildPlan.

Stages: ``base`` (the runtime image and WORKDIR), ``pm`` (the pinned package
manager, only when the image lacks it), ``build-base`` (Debian packages the
install needs: a compiler for native addons, OpenSSL for Prisma; only when
needed), ``deps`` (production dependencies, from the manifest and lockfile
alone, so source edits never invalidate it), ``build`` (all dependencies +
sources + the build script, only when there is one) and ``runtime``
(production dependencies + what runs, as a non-root user).

Framework apps (scaffold/providers/node/plan_frameworks.py) change what the runtime stage
is made of: a self-contained build output needs no ``deps`` stage, and a static
site is served by nginx with no Node at all.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from scaffold.detect.found import Found
from scaffold.providers.node.detect import NodeFacts
from scaffold.plan.model import BuildPlan, Decision
from scaffold.providers import shared
from scaffold.providers.node.image import NodeImage, argv_of, node_dockerfile
from scaffold.plan.runtime import AppRuntime
from scaffold.plan.steps import Arg
from scaffold.providers.node.lockfiles import LOCK_TO_PM
from scaffold.providers.node.install import (
    copy_groups,
    dependency_files,
    lifecycle_needs_dev_tools,
    lifecycle_reads_sources,
    lifecycle_sets_git_hooks,
    patch_tools,
    prune_command,
    rebuild_native,
    secret_mounts,
    strip_dev_optional,
    with_ignore_scripts,
)
from scaffold.providers.node.layout import context_files_needed, runtime_layout
from scaffold.providers.node.serving import (
    env_quote,
    host_env,
    listen_shim,
    node_healthcheck_script,
    node_label_pairs,
    node_port,
    port_env,
    start_env,
    worker_decision,
    writable_folders_why,
)
from scaffold.providers.node.base_image import node_base_image, node_base_image_arg, prisma_suite, sensitive_name
from scaffold.providers.node.build_script import build_command, only_rebuilds
from scaffold.providers.node.npm_scripts import expanded_script
from scaffold.providers.node.start import dev_packages_started, node_start_command, undeclared_runner
from scaffold.providers.node.plan_addons import (
    NODE_HEADERS_ENV,
    PNPM_ALLOW_BUILDS,
    download_skips,
    node_line,
    pnpm_allows_builds,
    prisma_steps,
    system_packages,
)
from scaffold.providers.node.framework_shapes import RuntimeShape
from scaffold.providers.node.plan_frameworks import plan_framework
from scaffold.providers.node.package_manager import PackageManager, bun_marker, choose_package_manager, primary_lockfile, setup_commands
from scaffold.plan.static_site import NGINX_UID, nginx_healthcheck, static_fields, static_start
from scaffold.project import Project

APP_UID = 1000  # the "node" and "bun" users of the official images


def plan_node(project: Project, facts: NodeFacts, answers: dict[str, Any]) -> BuildPlan:
    warnings: list[str] = []
    notes: list[str] = []
    decisions: dict[str, Decision] = {}

    is_bun_runtime = uses_bun_runtime(facts, answers)
    decisions["node_version"] = node_line(facts, answers.get("node_version"), _lockfile_for_limits(facts, answers), notes, warnings)
    major = int(decisions["node_version"].value)
    pm_decision, pm, pm_warnings = choose_package_manager(facts, answers.get("package_manager"), major)
    warnings.extend(pm_warnings)
    decisions["package_manager"] = pm_decision
    if pm.lockfile:
        decisions["lockfile"] = Decision(pm.lockfile, "found in the project")

    decisions["image_name"] = node_image_name(project, facts, answers)
    decisions["base_image"] = node_base_image(major, pm, is_bun_runtime, answers, prisma_suite(facts))

    shape = _framework_shape(project, facts, pm, answers)
    if shape is not None:
        decisions["framework"] = shape.framework
        notes.extend(shape.notes)
        warnings.extend(shape.warnings)
    static = shape is not None and shape.kind == "static"

    prisma = prisma_steps(facts, bun=is_bun_runtime)
    build_decision = build_command(facts, pm, answers, warnings)
    if build_decision.value is None and "build" not in answers:
        if shape is not None and shape.build is not None:
            build_decision = shape.build
        elif prisma is not None and prisma.generate:
            build_decision = Decision(prisma.generate, f"{facts.prisma.package.source}: the client is generated from {facts.prisma.schema}")
    decisions["build_command"] = build_decision
    has_build = build_decision.value is not None
    pre_build = [prisma.generate] if prisma is not None and prisma.generate and prisma.generate != build_decision.value and has_build else []
    if shape is not None and shape.pre_build and has_build:
        pre_build = [*shape.pre_build, *pre_build]

    if shape is not None and shape.output is not None and shape.kind != "generic":
        out_dir: Decision | None = shape.output
    else:
        out_dir = output_dir_decision(facts, build_decision) if has_build else None
    if out_dir is not None:
        decisions["build_output"] = out_dir

    runtime_name = "bun" if is_bun_runtime else "node"
    if static:
        start = static_start(shape.static)
    elif shape is not None and shape.kind == "node" and shape.start is not None:
        start = on_runtime(shape.start, runtime_name, notes)
    else:
        start = on_runtime(node_start_command(project, facts, pm, answers, has_build, out_dir, warnings, notes, is_bun_runtime), runtime_name, notes)
    decisions["start_command"] = start

    port = shape.port if shape is not None and shape.port is not None else node_port(facts, answers)
    decisions["port"] = port
    worker = worker_decision(facts, shape, answers)
    if worker is not None:
        decisions["worker"] = worker
        notes.append(f"a worker ({worker.source}): no EXPOSE and no HTTP health check; pass --port if it does serve HTTP")
    decisions["healthcheck"] = shared.healthcheck_wanted(answers, worker=worker is not None)

    system = system_packages(facts, pm)
    decisions.update(system.decisions)
    notes.extend(system.notes)
    warnings.extend(system.warnings)

    install_files = dependency_files(facts, pm, prisma)
    secrets, secret_notes = secret_mounts(facts)
    notes.extend(secret_notes)
    install_files = [f for f in install_files if f not in {s["file"] for s in secrets if s["file"]}]

    prod_install = [pm.install(production=True)]
    full_install = pm.install(production=False)
    if pnpm_allows_builds(facts, pm):
        prod_install, full_install = [f"{prod_install[0]} {PNPM_ALLOW_BUILDS}"], f"{full_install} {PNPM_ALLOW_BUILDS}"
    needed_dev = dev_packages_started(list(start.value), facts)
    needed_by = f"{start.source}: the start command needs them at run time"
    # Unbuilt code that imports a devDependency: a production install would leave it out
    # (a transpile-only build, babel or tsc, keeps the imports as they are: the built code still requires them)
    bundled = has_build and not transpiles_only(expanded_script(facts.scripts.get("build", ""), facts.scripts))
    imported_dev = [] if bundled or shape is not None else [f for f in facts.runtime_imports if f.value in facts.dev_dependencies and f.value not in facts.dependencies and f.value not in needed_dev]
    if imported_dev and not static:
        needed_dev = [*needed_dev, *(f.value for f in imported_dev)]
        needed_by = f"{start.source} + the code imports them ({', '.join(f'{f.value} at {f.source}' for f in imported_dev[:3])})"
    if shape is not None and shape.requires_page_imports and not static:
        paged_dev = [f for f in facts.page_imports if f.value in facts.dev_dependencies and f.value not in facts.dependencies and f.value not in needed_dev]
        if paged_dev:
            needed_dev = [*needed_dev, *(f.value for f in paged_dev)]
            needed_by = f"{start.source} + the pages import them ({', '.join(f'{f.value} at {f.source}' for f in paged_dev[:3])})"
    loaded_dev = [f for f in facts.named_packages if f.value in facts.dev_dependencies and f.value not in facts.dependencies and f.value not in needed_dev]
    if loaded_dev and not static and (shape is None or shape.prod_deps):
        needed_dev = [*needed_dev, *(f.value for f in loaded_dev)]
        needed_by = f"{start.source} + loaded by name ({', '.join(f'{f.value} at {f.source}' for f in loaded_dev[:3])})"
    if needed_dev and not static:
        prod_install = [full_install]
        decisions["kept_dev_dependencies"] = Decision(needed_dev, needed_by)
        warnings.append(
            f"{needed_by.split(': the start')[0]}: the app needs {', '.join(needed_dev)} at run time, declared in devDependencies: the image installs "
            f"devDependencies too, so it starts; move {', '.join(needed_dev)} to dependencies and the image keeps production dependencies only"
        )
    full_installs = [full_install]
    git_hooks = None if pm.name == "yarn" and pm.berry else lifecycle_sets_git_hooks(facts)
    dev_tools = lifecycle_needs_dev_tools(facts)
    generator = None if git_hooks or (pm.name == "yarn" and pm.berry) else lifecycle_reads_sources(facts)
    generator = generator if has_build else None
    if git_hooks or generator:
        # the build stage's install runs without scripts too; what the skipped scripts did for the dependencies runs after it
        rebuild = rebuild_native(facts, pm)
        full_installs = [with_ignore_scripts(full_install, pm), *([rebuild] if rebuild else []), *patch_tools(facts, pm)]
    if generator and only_rebuilds(facts, pm, generator, build_decision):
        notes.append(f"the root {generator} script runs the build, which the install layer cannot (it has no sources): every install runs with --ignore-scripts, and the build stage builds once")
    elif generator:
        # the install layer has no sources for it: the build runs it once they are copied
        pre_build = [*pre_build, pm.run(generator)]  # after prisma generate: a build in it imports the client
        notes.append(f"the root {generator} script reads the sources (a code generator, or the build itself), which the install layer lacks: the build stage installs with --ignore-scripts and runs `{pm.run(generator)}` after copying them")
    if git_hooks:
        notes.append(f"the root {git_hooks} script sets up git hooks, which needs .git and git (the build has neither): every install runs with --ignore-scripts")
    elif dev_tools:
        notes.append(f"the root {dev_tools[0]} script calls {dev_tools[1]}, a devDependency: the production install runs with --ignore-scripts")
    if git_hooks or dev_tools or generator:
        prod_install = [with_ignore_scripts(prod_install[0], pm)]
        rebuild = rebuild_native(facts, pm) if prod_install[0].endswith("--ignore-scripts") else None
        if rebuild:
            prod_install.append(rebuild)
            notes.append(f"--ignore-scripts also skips the dependencies' own install scripts: `{rebuild}` runs them")
        for command in patch_tools(facts, pm) if prod_install[0].endswith("--ignore-scripts") else []:
            prod_install.append(command)
            notes.append(f"--ignore-scripts also skips the install script's patches: `{command}` applies them")
    # Only a production install leaves devOptional packages behind; one that keeps devDependencies needs them
    strip_dev = None if needed_dev and not static else strip_dev_optional(facts, pm)
    if strip_dev:
        prod_install.append(strip_dev)
        notes.append(
            "npm keeps devDependencies that a production package names as optional peers (devOptional in the lockfile); "
            "the image removes them and what only they pull in"
        )
    env_install: list[str] = download_skips(facts.native, set(facts.dependencies), notes, warnings)
    if pm.name == "yarn" and pm.berry and (facts.yarnrc or {}).get("nodeLinker") != "node-modules":
        env_install.append("YARN_NODE_LINKER=node-modules")
        notes.append(".yarnrc.yml uses Plug'n'Play: the image installs with nodeLinker node-modules, which runs the same code without the PnP loader")
    if pnpm_allows_builds(facts, pm):
        pm = _pnpm_with_allow_builds(pm, decisions, env_install, notes)

    pm_setup = [] if is_bun_runtime else setup_commands(pm, major, facts.package_manager_field is not None)
    layout = runtime_layout(project, facts, pm, shape, has_build, out_dir, start.value, prisma, keeps_dev=bool(needed_dev) and not static)
    notes.extend(layout.notes)

    start_argv: list[str] = list(start.value)
    runtime_needs_pm = not static and bool(start_argv) and start_argv[0] in ("pnpm", "yarn") and bool(pm_setup)
    env_pairs: list[tuple[str, str]] = []
    shim = listen_shim(facts, runtime_name, static)
    if not static:
        started = start_env(facts)
        node_env = started.get("NODE_ENV", "production")
        if node_env in ("", "development", "dev", "test", "local"):
            node_env = "production"  # a dev value in a start script is not the image's
        elif node_env != "production":
            # the project's own production name (pm2's env_prod: { NODE_ENV: 'prod' }): its code may load config/prod.json
            notes.append(f"the start script runs the app with NODE_ENV={node_env}, so the image does too (libraries that test for 'production' see another value)")
        env_pairs = [("NODE_ENV", node_env), ("PORT", str(port.value))]
        extra_env = {**(shape.env if shape is not None and shape.kind == "node" else {}), **started, **host_env(facts, notes, warnings, shim=shim is not None), **port_env(facts, port)}
        for key, value in sorted(extra_env.items()):
            if key not in ("NODE_ENV", "PORT"):
                env_pairs.append((key, value))

    build_env = ["NODE_ENV=production"]
    build_args = [str(f.value) for f in facts.framework.build_env] if facts.framework is not None and has_build else []
    if build_args:
        decisions["build_args"] = Decision(build_args, "; ".join(f.source for f in facts.framework.build_env))
        notes.append(
            f"the build compiles in {', '.join(build_args)} ({facts.framework.build_env[0].source}); .env files stay out of the image, "
            "so each is a build argument, empty unless docker build --build-arg NAME=value sets it"
        )
    if shape is not None:
        build_env += [f"{k}={env_quote(v)}" for k, v in sorted(shape.build_env.items())]
    build_run = build_decision.value or ""
    placeholders = facts.framework.build_placeholders if facts.framework is not None and has_build and "build" not in answers else ()
    if placeholders:
        # Set for the one command, so they are in no layer's environment and not in the image
        build_run = " ".join([*(f"{k}={shlex.quote(v)}" for k, _, v in (str(f.value).partition("=") for f in placeholders)), build_run])
        decisions["build_placeholders"] = Decision([str(f.value) for f in placeholders], "; ".join(f.source for f in placeholders))
        names = ", ".join(str(f.value).split("=", 1)[0] for f in placeholders)
        notes.append(
            f"the build imports the server modules to analyse them, and {placeholders[0].source}: the build command alone gets a placeholder "
            f"for {names} (nothing connects while building); the container needs the real values at run time"
        )
    build_mounts = []
    if shape is not None and shape.build_cache and shape.kind != "generic":
        cache_id = f"{decisions['image_name'].value}-{shape.build_cache.replace('/', '-').strip('.-')}"
        build_mounts.append(f"--mount=type=cache,id={cache_id},target=/app/{shape.build_cache}")

    base_stage = "pm" if pm_setup else "base"
    build_base = None
    if system.build:
        build_base = {
            "from": base_stage,
            "packages": " ".join(system.build),
            "why": ", ".join(system.build_why),
            "env": [NODE_HEADERS_ENV] if system.compiles and not is_bun_runtime else [],
        }
    install_from = "build-base" if build_base else base_stage

    healthcheck = None
    if decisions["healthcheck"].value:
        healthcheck = argv_of(nginx_healthcheck(port.value)) if static else (runtime_name, "-e", node_healthcheck_script(port.value))
    version_arg = node_base_image_arg(decisions["base_image"].value, major, is_bun_runtime)
    image_kind = "Build image" if static else "Runtime image"
    uid = NGINX_UID if static else APP_UID
    runner = None if static or runtime_name != "node" else undeclared_runner(list(start_argv), facts)
    runtime_tools = None
    if runner:
        runtime_tools = {"packages": runner, "why": f"{start_argv[0]} runs the app but no package.json declares it (the author's was global): node.toml > undeclared_runners pins it"}
        decisions["runtime_tools"] = Decision([runner], f"{start.source} runs {start_argv[0]}; node.toml > undeclared_runners")
        warnings.append(
            f"{start.source}: {start_argv[0]} runs the app, but package.json declares no {start_argv[0]} (installed globally where it was written): "
            f"the image installs {runner} globally; add {start_argv[0]} to devDependencies to choose the version"
        )
    image = NodeImage(
        static=static_fields(shape.static, port.value) if static else None,
        base_from=version_arg["from"] if version_arg else decisions["base_image"].value,
        base_comment=(
            f"{image_kind}: Debian slim, Node {major} ({decisions['node_version'].source})" if version_arg else f"{image_kind} ({decisions['base_image'].source})"
        ),
        version_arg=Arg(name=version_arg["name"], default=version_arg["value"]) if version_arg else None,
        pm_comment=f"{pm.label}, the version the project pins ({decisions['package_manager'].source})",
        pm_setup=tuple(pm_setup),
        build_base=build_base,
        install_from=install_from,
        deps_stage=layout.node_modules_from == "deps",
        deps_comment=(
            f"Dependencies, with the devDependencies the start command needs ({', '.join(needed_dev)}): this layer changes when the manifest or lockfile does"
            if needed_dev and not static else "Production dependencies only: this layer changes when the manifest or lockfile does, not the code"
        ),
        install_copy=tuple(copy_groups(install_files, facts.presence)),
        install_mounts=(pm.cache_mount, *(s["mount"] for s in secrets)),
        install_prefix="".join(f"{env} " for env in [*env_install, *(s["env"] for s in secrets if s.get("env"))]),
        prod_install=tuple(prod_install),
        full_install=tuple(full_installs),
        build=has_build,
        build_env=tuple(build_env),
        build_mounts=tuple(build_mounts),
        build_args=tuple(build_args),
        sensitive_build_args=tuple(n for n in build_args if sensitive_name(n)),
        # One RUN: generate, build and prune are one step (and hadolint's DL3059 agrees)
        build_commands=(
            *pre_build, build_run, *([prune_command(pm)] if layout.prune and prune_command(pm) else []), *([strip_dev] if layout.prune and strip_dev else []),
        ),
        runtime_from="pm" if runtime_needs_pm else "base",
        runtime_packages={"packages": " ".join(system.runtime), "why": ", ".join(system.runtime_why)} if system.runtime and not static else None,
        runtime_tools=runtime_tools,
        env=tuple(f"{k}={env_quote(v)}" for k, v in env_pairs),
        node_modules_from=layout.node_modules_from,
        runtime_copies=tuple({k: v for k, v in c.items() if k != "output"} for c in layout.copies),
        listen_shim=shim,
        env_file_fatal=facts.env_file_fatal if not static else None,
        writable_dirs=" ".join([*(shape.writable if shape is not None else []), *(str(d.value) for d in facts.data_dirs if not static)]),
        writable_why=writable_folders_why(facts, shape, static).get("writable_why", ""),
        runtime=AppRuntime(
            kind="static" if static else runtime_name,
            labels=node_label_pairs(facts, decisions["image_name"].value),
            uid=uid,
            port=port.value,
            serves_http=worker is None,
            healthcheck=healthcheck,
            cmd=tuple(start_argv),
            build_secrets=tuple(s["secret"] for s in secrets),
        ),
    )
    dockerfile = node_dockerfile(image)
    from scaffold.dockerignore import node_dockerignore

    dockerignore, ignore_notes = node_dockerignore(facts.context, must_keep=context_files_needed(install_files, layout.copies, start_argv), secret_files=[s["file"] for s in secrets if s["file"]])
    notes.extend(ignore_notes)
    return BuildPlan(
        ecosystem="node",
        template="stages",
        decisions=decisions,
        dockerfile=dockerfile,
        dockerignore=dockerignore,
        warnings=warnings,
        notes=notes,
    )


# -- frameworks and the runtime stage ----------------------------------------------

def _framework_shape(project: Project, facts: NodeFacts, pm: PackageManager, answers: dict[str, Any]) -> RuntimeShape | None:
    shape = plan_framework(project, facts, pm, answers)
    if shape is None or not answers.get("start") or shape.kind == "generic":
        return shape
    return RuntimeShape(
        framework=Decision(f"{shape.framework.value}, not applied", f"--start replaces the framework rule ({shape.framework.source})"),
        kind="generic",
        build=shape.build,
    )


def on_runtime(start: Decision, runtime: str, notes: list[str]) -> Decision:
    """A `node …` start command on the Bun image runs with bun: oven/bun has no node binary.

    Bun runs Node entry files itself, so ``node server.js`` becomes ``bun server.js``
    whether it came from a start script, --start or a framework rule.
    """
    argv = list(start.value)
    if runtime != "bun" or not argv:
        return start
    if argv[0].startswith("node_modules/.bin/"):
        # a package binary starts with `#!/usr/bin/env node`, which the Bun image cannot follow
        on_bun = ["bun", *argv]
    elif argv[0] == "node":
        on_bun = ["bun", *argv[1:]]
    else:
        return start
    notes.append(f"{start.source} runs `{' '.join(argv)}`, but the Bun image has no node binary: the image runs `{' '.join(on_bun)}`")
    return Decision(on_bun, f"{start.source}, run with bun (the image is Bun's)")


# -- small decisions ---------------------------------------------------------------

def _lockfile_for_limits(facts: NodeFacts, answers: dict[str, Any]) -> str | None:
    """The lockfile whose locked versions (and engines) the Node-line checks read: the chosen manager's, else the first."""
    wanted = answers.get("package_manager")
    return next((lf for lf in facts.lockfiles if wanted in (None, LOCK_TO_PM.get(lf))), None)


def uses_bun_runtime(facts: NodeFacts, answers: dict[str, Any]) -> bool:
    pm = answers.get("package_manager")
    if pm:
        return pm == "bun"
    field = facts.package_manager_field.value if facts.package_manager_field else ""
    return str(field).startswith("bun@") or (not field and primary_lockfile(facts) in ("bun.lock", "bun.lockb")) or bun_marker(facts) is not None


def node_image_name(project: Project, facts: NodeFacts, answers: dict[str, Any]) -> Decision:
    if facts.name:
        return shared.image_name(answers, facts.name.rsplit("/", 1)[-1], "package.json > name")
    return shared.image_name(answers, project.root.name, "folder name")


def _pnpm_with_allow_builds(pm: PackageManager, decisions: dict[str, Decision], env_install: list[str], notes: list[str]) -> PackageManager:
    """pnpm 10.0-10.8 has no --dangerously-allow-all-builds: the install runs on the first 10.x that has it.

    managePackageManagerVersions (on by default in pnpm 10) would hand the install back to the
    pinned release, so it is turned off for the install only.
    """
    from dataclasses import replace

    from packaging.version import InvalidVersion, Version

    from scaffold.data import versions

    first = str(versions()["node"]["package_managers"]["pnpm_allow_builds_from"])
    try:
        older = pm.version is not None and Version(pm.version) < Version(first) and Version(pm.version).major == Version(first).major
    except InvalidVersion:
        older = False
    if not older:
        return pm
    notes.append(f"pnpm {pm.version} has no {PNPM_ALLOW_BUILDS} (added in {first}): the image installs with pnpm {first}, the same major and lockfile format")
    decisions["package_manager"] = Decision(f"pnpm@{first}", f"{decisions['package_manager'].source} (pnpm@{pm.version}), raised to {first} for {PNPM_ALLOW_BUILDS}")
    env_install.append("npm_config_manage_package_manager_versions=false")
    return replace(pm, version=first)


_TRANSPILERS = frozenset({"babel", "tsc", "swc"})
_BUNDLERS = frozenset({"webpack", "esbuild", "rollup", "vite", "tsup", "ncc", "parcel", "bun", "rspack", "rolldown", "next", "nest", "unbuild", "pkgroll", "microbundle"})


def transpiles_only(build: str) -> bool:
    """Whether a build only transpiles file by file (babel, tsc, swc), so the output still requires every package it imports."""
    tools = {w.rsplit("/", 1)[-1] for w in re.split(r"[\s;&|()]+", build) if w}
    return bool(tools & _TRANSPILERS) and not tools & _BUNDLERS


def output_dir_decision(facts: NodeFacts, build: Decision) -> Decision | None:
    # "noEmit": true makes a bare tsc a type check: its outDir is never written (aginev/fastify-api)
    out_dir = None if facts.tsconfig_no_emit else facts.tsconfig_out_dir
    # `run-s build:clean build:compile` runs tsc in a script of its own
    return output_dir_of(expanded_script(facts.scripts.get("build", ""), facts.scripts), out_dir)


def output_dir_of(script: str, tsconfig_out_dir: Found | None) -> Decision | None:
    """The build's output folder: an --outDir-like flag of the build script, else tsconfig's outDir for tsc/nest."""
    match = re.search(r"(?:--outDir|--out-dir|--outdir|-d|-o)[ =]([\w./-]+)", script)
    if match:
        return Decision(match.group(1).removeprefix("./").rstrip("/"), "package.json > scripts > build")
    if tsconfig_out_dir and ("tsc" in script or "nest build" in script):
        return Decision(tsconfig_out_dir.value, tsconfig_out_dir.source)
    return None


# -- files ------------------------------------------------------------------------


