"""The Node start command: from --start, a framework rule, a Procfile, the start script or the entry file.

A script is parsed with a real shell-word parser (npm_scripts): an exec-form CMD when it is plain words,
sh -c 'exec ...' when it needs a shell; a package-manager wrapper (npm start) is unwrapped so the app itself
is PID 1 and gets the stop signal. The entry it names must exist (or be built), and the devDependencies it runs
are reported so the install keeps them.
"""

from __future__ import annotations

import re
from typing import Any

from scaffold.data import load
from scaffold.providers.node.detect import NodeFacts
from scaffold.errors import MissingEntryError, ScaffoldError
from scaffold.plan.model import Decision
from scaffold.providers.node.package_manager import PackageManager
from scaffold.providers.node.npm_scripts import (
    ParsedScript,
    dev_command_match,
    dev_server_of,
    drop_build_steps,
    drop_env_file_flags,
    expanded_script,
    drop_env_wrapper,
    follow_run,
    only_builds,
    package_of_module,
    parallel_parts,
    parse_script,
    process_manager_start,
    server_beside_builds,
    tool_name,
    watched_command,
)
from scaffold.providers.node.typescript import TsStart, compiled_dev_entry, compiled_start, rebuilt_entry, typescript_entry
from scaffold.detect.presence import Presence
from scaffold.project import Project


def node_start_command(
    project: Project,
    facts: NodeFacts,
    pm: PackageManager,
    answers: dict[str, Any],
    has_build: bool,
    out_dir: Decision | None,
    warnings: list[str],
    notes: list[str],
    bun: bool,
) -> Decision:
    runtime = "bun" if bun else "node"
    if answers.get("start"):
        parsed = parse_script(answers["start"])
        if parsed.complex:
            script = answers["start"].strip()
            return Decision(["sh", "-c", f"exec {script}" if parsed.expands_only else script], "--start")
        return Decision(parsed.argv, "--start")
    procfile = _procfile_start(facts, pm, notes)
    if procfile is not None:
        _check_entry(facts.presence, procfile.value, has_build, procfile.source, out_dir)
        return procfile
    dev_entry: tuple[TsStart, str] | None = None
    watched_entry: tuple[list[str], str, str, str] | None = None  # (argv, where, the note's lead, what it runs)
    for name in ("start", "start:prod", "start:production", "serve:prod", "prod"):
        followed = follow_run(name, facts.scripts)
        if followed is None:
            continue
        real_name, parsed = followed
        where = f"package.json > scripts > {real_name}"
        if only_builds(parsed.argv):
            notes.append(f"{where} only builds (`{' '.join(parsed.argv)}`): the build stage runs builds, so it is not the start")
            continue
        manager = process_manager_start(facts.scripts[real_name])
        if manager is not None:
            managed = _process_manager_target(manager.argv, facts)
            # `pm2 start ecosystem.config.js` daemonizes and returns: PID 1 would exit at once.
            # The container is the supervisor, so the image runs the app itself (shanxp/express-ejs)
            notes.append(f"{where} starts the app under {manager.argv[0]}, a process manager that daemonizes; the container supervises instead, so it runs the app itself")
            if managed:
                return Decision([runtime, managed], f"{where} ({manager.argv[0]} start {managed})")
            if facts.ecosystem is not None and facts.ecosystem.script:
                return Decision([runtime, facts.ecosystem.script], f"{where} ({facts.ecosystem.file} > apps[0].script)")
            continue
        dev, matched = dev_server_of(real_name, parsed, facts.scripts)
        if dev:
            parsed = matched
            notes.append(f"{where} runs a dev server or watcher ({dev}): not used in production")
            compiled = None if bun or dev_entry else compiled_dev_entry(parsed.argv, facts, has_build)
            dev_entry = dev_entry or ((compiled, where) if compiled else None)
            watched = watched_command(parsed.argv, facts.nodemon_exec)
            # `run-p start:**` running `tsc -w` beside `nodemon dist/index.js`: the server is what nodemon restarts
            watched = watched or next((w for w in (watched_command(p.argv, facts.nodemon_exec) for p in parallel_parts(parsed.argv, facts.scripts)) if w), None)
            # `concurrently "npm run build-only" "node ./build/main.js"`: the build runs in the build stage, the server is the start
            lead, ran = f"{where} runs a watcher: the image", "the command it restarts"
            if watched is None:
                watched = server_beside_builds(parsed.argv, facts.scripts)
                lead, ran = f"{where} builds and serves at once: the image builds in its build stage, and", "the server part"
            if watched is not None and watched_entry is None:
                watched_entry = (watched, where, lead, ran)
            continue
        if parsed.complex and has_build:
            rest = drop_build_steps(facts.scripts[real_name], facts.scripts)
            if rest is not None:
                notes.append(f"{where} builds before it starts; the image builds in its build stage, so it runs `{rest}`")
                inner_name, after = follow_run(real_name, {**facts.scripts, real_name: rest}) or (real_name, parse_script(rest))
                parsed = ParsedScript(after.argv, {**parsed.env, **after.env}, after.complex)
                where = f"package.json > scripts > {inner_name}" + (" (without the build step)" if inner_name == real_name else "")
        if parsed.complex and parsed.expands_only:
            script = facts.scripts[real_name].strip()
            notes.append(f"{where} expands variables: run as `sh -c 'exec …'` so the app gets the signals")
            return Decision(["sh", "-c", f"exec {script}"], where)
        if parsed.complex:
            notes.append(f"{where} needs a shell; started through {pm.name} run, so prefer `docker run --init` for clean shutdowns")
            return Decision(pm.run_argv(name) if pm.name != "bun" else ["bun", "run", name], where)
        ts = None if bun else compiled_start(parsed.argv, facts, has_build)
        if ts is not None:
            notes.append(ts.note)
            if ts.source_note:
                return Decision(ts.argv, f"{where} + {ts.source_note}")
            _warn_dev_hook(parsed.argv, facts, warnings)
        argv = _without_env_files(facts.presence, _exec_argv(parsed, facts, runtime, warnings), where, notes)
        argv = _rebuilt(argv, facts, has_build, where, warnings)
        _check_entry(facts.presence, argv, has_build, where, out_dir)
        return Decision(argv, where)
    if dev_entry is not None:
        compiled, where = dev_entry
        notes.append(compiled.note)
        return Decision(compiled.argv, f"{where} + {compiled.source_note}")
    if watched_entry is not None:
        watched, where, lead, ran = watched_entry
        return _watched_start(watched, where, facts, runtime, has_build, bun, warnings, notes, lead, check=True, out_dir=out_dir, ran=ran)
    if facts.procfile_worker and not facts.procfile_web and not facts.scripts.get("start"):
        parsed = parse_script(facts.procfile_worker.value)
        if not parsed.complex:
            return Decision(_exec_argv(parsed, facts, runtime, warnings), facts.procfile_worker.source)
        return Decision(["sh", "-c", f"exec {facts.procfile_worker.value}" if parsed.expands_only else facts.procfile_worker.value], facts.procfile_worker.source)
    if facts.main:
        main = facts.main.removeprefix("./").rstrip("/")
        resolved = _resolve_main(facts.presence, main)
        if resolved is not None:
            source = "package.json > main" + ("" if resolved == main else f" ({main} -> {resolved})")
            compiled = compiled_dev_entry([runtime, resolved], facts, has_build) if runtime == "node" else None
            if compiled is not None:
                # "main": "src/index.ts" with "build": "tsc": the build's JavaScript is the server, and node
                # cannot run the sources themselves (extensionless imports, decorators; sentator/simple-express-app)
                notes.append(f"package.json > main names the TypeScript source {resolved}; the image runs its compiled {compiled.argv[-1]}")
                return Decision(compiled.argv, f"{source} + {compiled.source_note}")
            if runtime == "node" and resolved.endswith((".ts", ".mts", ".cts")) and ("tsx" in facts.dependencies or "tsx" in facts.dev_dependencies):
                # Node's own type stripping refuses what tsx accepts (extensionless imports, enums): the
                # project runs its sources through tsx, so the image does (aginev/fastify-api)
                return Decision([runtime, "--import", "tsx", resolved], f"{source}, a TypeScript file the project runs through tsx")
            return Decision([runtime, resolved], source)
        built_there = out_dir is None or out_dir.value.strip("./") == "" or main.startswith(out_dir.value.removeprefix("./").rstrip("/") + "/")
        if has_build and built_there:
            return Decision([runtime, main], "package.json > main")
        if has_build:
            # `npm init`'s "main": "index.js" beside a tsc build into dist/: the build never writes it (siemah/fastify-api)
            warnings.append(f"package.json > main names {main}, which does not exist and is outside the build's output {out_dir.value}/ ({out_dir.source}); ignored")
        else:
            warnings.append(f"package.json > main names {main}, which does not exist; ignored")
    if bun and facts.module:
        module = facts.module.removeprefix("./")
        if facts.presence.has_file(module):
            return Decision([runtime, module], "package.json > module (Bun's entry)")
    if has_build and out_dir is not None:
        for name in load("node")["built_entry_files"]:
            stem = name.rsplit(".", 1)[0]
            if any(facts.presence.has_file(f"src/{stem}{ext}") for ext in (".ts", ".mts", ".js", ".mjs")):
                return Decision([runtime, f"{out_dir.value}/{name}"], f"{out_dir.source} + src/{stem}")
    entries = [e for e in facts.existing_entries if bun or not e.endswith((".ts", ".tsx"))]
    if entries:
        return Decision([runtime, entries[0]], "conventional entry file")
    dev_watch = _dev_script_watch(facts, runtime, has_build, bun, warnings, notes)
    if dev_watch is not None:
        return dev_watch
    worker = next((f for f in load("node")["edge_runtime_files"] if f in facts.files), None)
    if worker is not None:
        # A Worker exports a fetch handler for Cloudflare's runtime; nothing in it listens on a port
        raise MissingEntryError(
            path=worker,
            detail="a Cloudflare Workers project: its code runs on the Workers runtime (wrangler), and nothing in it listens on a port in a container",
            hint="serve the same app with a Node adapter (Hono: @hono/node-server) in a start script, or pass --start",
        )
    raise ScaffoldError(
        "package.json: no start command: no usable scripts.start, no main and no server.js/index.js/app.js",
        hint="add a start script or pass --start 'node path/to/server.js'",
    )


_JS_ENTRY = (".js", ".cjs", ".mjs")


def _process_manager_target(argv: list[str], facts: NodeFacts) -> str:
    """For `pm2 start app.js` the script ("app.js"); for `pm2 start ecosystem.config.js` "" (the ecosystem
    file, the main or the entry file decides)."""
    target = next((a.removeprefix("./") for a in argv[2:] if not a.startswith("-")), "")
    config = "ecosystem" in target or ".config." in target or target.endswith((".json", ".yml", ".yaml"))
    if target.endswith(_JS_ENTRY) and not config and facts.presence.has_file(target):
        return target
    return ""


def _dev_script_watch(facts: NodeFacts, runtime: str, has_build: bool, bun: bool, warnings: list[str], notes: list[str]) -> Decision | None:
    """The last resort: no start script, main or entry file, but a dev script whose watcher names the server
    (``"dev": "tsx watch src/main.ts"``, Mintnoii/node-hono-api): the image runs what the watcher restarts."""
    followed = follow_run("dev", facts.scripts)
    if followed is None or followed[1].complex:
        return None
    watched = watched_command(followed[1].argv, facts.nodemon_exec)
    if watched is None:
        return None
    where = f"package.json > scripts > {followed[0]}"
    return _watched_start(watched, where, facts, runtime, has_build, bun, warnings, notes, f"no production start script: {where} runs a watcher, and the image")


def _watched_start(
    watched: list[str], where: str, facts: NodeFacts, runtime: str, has_build: bool, bun: bool, warnings: list[str], notes: list[str],
    lead: str, *, check: bool = False, out_dir: Decision | None = None, ran: str = "the command it restarts",
) -> Decision:
    """What a watcher restarts, as the image's command: its compiled JavaScript when the build emits it.

    ``check`` verifies the entry exists (or is built into ``out_dir``), as for a start script.
    """
    if len(watched) == 3 and watched[0] in ("npm", "yarn", "pnpm") and watched[1] in ("run", "run-script"):
        ran = follow_run(watched[2], facts.scripts)  # `nodemon --exec npm run babel`: what the babel script runs
        if ran is not None and not ran[1].complex:
            watched = ran[1].argv
    ts = None if bun else compiled_start(watched, facts, has_build)
    if ts is not None and ts.source_note:
        notes.append(ts.note)
        return Decision(ts.argv, f"{where} (what the watcher runs) + {ts.source_note}")
    argv = _without_env_files(facts.presence, _exec_argv(ParsedScript(watched, {}, False), facts, runtime, warnings), where, notes)
    if check:
        _check_entry(facts.presence, argv, has_build, where, out_dir)
    notes.append(f"{lead} runs {ran}, `{' '.join(argv)}`")
    return Decision(argv, f"{where} (what the watcher runs)")


def has_start_candidate(facts: NodeFacts) -> bool:
    """Whether anything in the app could start a server: a framework, a production start script, a Procfile, main, an entry file.

    A Django or Flask repository often has a package.json that only builds assets (its
    "start" is a dev server); with nothing to run, the Node provider steps aside for
    the next stack's provider instead of refusing the project.
    """
    if facts.framework is not None or facts.procfile_web is not None or facts.existing_entries:
        return True
    if facts.main and _resolve_main(facts.presence, facts.main.removeprefix("./").rstrip("/")):
        return True
    for name in ("start", "start:prod", "start:production", "serve:prod", "prod"):
        followed = follow_run(name, facts.scripts)
        if followed is not None and not dev_command_match(followed[1].argv) and not only_builds(followed[1].argv):
            return True
    return False


def _resolve_main(presence: Presence, main: str) -> str | None:
    """The file node loads for "main": as written, with a .js/.cjs extension added, or a folder's index.

    ``"main": "lib"`` or ``"main": "server"`` are valid (Node resolves them like require()); the
    image runs the file itself so the entry check and the port scan see the real file.
    """
    for candidate in (main, f"{main}.js", f"{main}.cjs", f"{main}/index.js", f"{main}/index.cjs"):
        if candidate and presence.has_file(candidate):
            return candidate
    return None


def _exec_argv(parsed: ParsedScript, facts: NodeFacts, runtime: str, warnings: list[str]) -> list[str]:
    argv = list(parsed.argv)
    tool = argv[0]
    launcher = load("node")["launchers"].get(tool_name(tool))
    if launcher:  # `egg-scripts start --daemon` returns at once: the container's process must stay in front
        argv = [w for w in argv if w not in launcher["background_flags"]]
    if tool in ("node", "bun", "npx", "deno"):
        if tool == "bun" and runtime != "bun" and "bun" in facts.dependencies:
            # the npm `bun` package puts the Bun binary in node_modules/.bin: the Node image runs that one
            return ["node_modules/.bin/bun", *argv[1:]]
        if tool == "npx" and len(argv) > 1:
            argv = argv[1:]
            tool = argv[0]
        else:
            return argv
    if tool in facts.dependencies or _bin_of_dependency(tool, facts.dependencies):
        return [f"node_modules/.bin/{tool}", *argv[1:]]
    if tool in facts.dev_dependencies or _bin_of_dependency(tool, facts.dev_dependencies):
        return [f"node_modules/.bin/{tool}", *argv[1:]]  # dev_packages_started keeps it installed
    return argv


_PRELOAD_FLAGS = ("-r", "--require", "--import", "--loader", "--experimental-loader")


def dev_packages_started(argv: list[str], facts: NodeFacts) -> list[str]:
    """devDependencies the start command runs or preloads (tsx, ts-node, `node -r dotenv/config`).

    A production install leaves them out, and the container would die at its first
    line; the invariant is that everything CMD names is in the final image.
    """
    dev = {name for name in facts.dev_dependencies if name not in facts.dependencies}
    needed: list[str] = []
    if argv and argv[0].startswith("node_modules/.bin/"):
        tool = argv[0].rsplit("/", 1)[-1]
        owner = tool if tool in dev else _bin_of_dependency(tool, {k: facts.dev_dependencies[k] for k in dev})
        if owner:
            needed.append(owner)
    words = argv[1:]
    if argv and argv[0] == "node" and words and words[0].removeprefix("./").startswith("node_modules/"):
        # `node node_modules/ts-node/dist/bin.js app.ts` runs that package
        name = package_of_module(words[0].removeprefix("./").removeprefix("node_modules/"))
        if name in dev and name not in needed:
            needed.append(name)
    found = typescript_entry(argv)
    runner = "ts-node" if found and found[0].startswith("ts-node") else (found[0] if found else None)
    for peer in load("node_frameworks")["typescript"].get("runner_peers", {}).get(runner or "", []):
        if peer in dev and peer not in needed:
            needed.append(peer)  # ts-node compiles with the project's typescript at run time
    for i, word in enumerate(words):
        flag, eq, value = word.partition("=")
        if flag in _PRELOAD_FLAGS:
            module = value if eq else (words[i + 1] if i + 1 < len(words) else "")
            name = package_of_module(module)
            if name in dev and name not in needed:
                needed.append(name)
    return needed


def _procfile_start(facts: NodeFacts, pm: PackageManager, notes: list[str]) -> Decision | None:
    """The Procfile's web command, which Heroku-style platforms run instead of `npm start`.

    ``web: npm start`` (or ``yarn start``) defers to the scripts; a dev server is skipped
    with a note; a command that needs a shell (``$PORT``, ``&&``) runs under ``sh -c``.
    """
    web = facts.procfile_web
    if web is None:
        return None
    parsed = parse_script(web.value)
    argv = parsed.argv
    if not parsed.complex and argv and argv[0] in ("npm", "yarn", "pnpm", "bun"):
        rest = argv[1:]
        if rest[:1] in (["run"], ["run-script"]):
            rest = rest[1:]
        if len(rest) == 1 and rest[0] in (*facts.scripts, "start"):
            return None  # the scripts decide
    dev = dev_command_match(argv)
    if dev:
        notes.append(f"{web.source} runs a dev server or watcher ({dev}): not used in production")
        return None
    if parsed.complex or "$" in web.value:
        return Decision(["sh", "-c", f"exec {web.value}" if not parsed.complex or parsed.expands_only else web.value], web.source)
    if argv[0] in facts.dependencies or argv[0] in facts.dev_dependencies:
        argv = [f"node_modules/.bin/{argv[0]}", *argv[1:]]
    return Decision(argv, web.source)


def _without_env_files(presence: Presence, argv: list[str], where: str, notes: list[str]) -> list[str]:
    """Drop ``node --env-file=.env`` and a dotenv-cli/env-cmd wrapper: the file is not in the image and node would exit at start."""
    unwrapped, loaded = drop_env_wrapper(argv, lambda path: _excluded_env_file(presence, path))
    if loaded:
        notes.append(
            f"{where} runs the app through {argv[0]}, which loads {', '.join(loaded)}; .env files never enter the image "
            "(they hold secrets), so the image runs the command itself: pass the variables with `docker run --env-file` or Compose's env_file"
        )
        argv = unwrapped
    kept, gone = drop_env_file_flags(argv, lambda path: _excluded_env_file(presence, path))
    if not gone:
        return argv
    notes.append(
        f"{where} loads {', '.join(gone)} with --env-file; .env files never enter the image (they hold secrets) and node "
        "would exit when one is missing, so the image runs without the flag: pass the variables with "
        "`docker run --env-file` or Compose's env_file"
    )
    return kept


def _excluded_env_file(presence: Presence, path: str) -> bool:
    """.env and .env.* are kept out of every build context (scaffold/dockerignore.py); so is a missing file."""
    name = path.rsplit("/", 1)[-1]
    return name == ".env" or (name.startswith(".env.") and name != ".env.example") or not presence.has_file(path.removeprefix("./"))


def _warn_dev_hook(argv: list[str], facts: NodeFacts, warnings: list[str]) -> None:
    """`node --import tsx` needs tsx at run time, like a runner would."""
    if not argv or argv[0] != "node":
        return
    for word in argv[1:]:
        package = word.split("=", 1)[-1].split("/", 1)[0]
        if package in facts.dev_dependencies and package not in facts.dependencies:
            warnings.append(
                f"the start command loads {package}, which is a devDependency and is not installed in the production image; move it to dependencies"
            )
            return


def undeclared_runner(argv: list[str], facts: NodeFacts) -> str | None:
    """``ts-node@10.9.2`` when the start command runs a TypeScript runner no package.json declares.

    The author had it installed globally (`nodemon --exec ts-node src/server.ts`); the image has
    no global packages, so the runtime installs the version node.toml pins.
    """
    tool = argv[0] if argv else ""
    pinned = load("node")["undeclared_runners"].get(tool)
    declared = {**facts.dependencies, **facts.dev_dependencies}
    if pinned is None or tool in declared or _bin_of_dependency(tool, declared):
        return None
    return f"{tool}@{pinned}"


def _bin_of_dependency(tool: str, deps: dict[str, str]) -> str | None:
    """The package among ``deps`` that provides a binary whose name differs from its own (node.toml > bin_owners)."""
    owner = load("node")["bin_owners"].get(tool)
    return owner if owner in deps else None


def _rebuilt(argv: list[str], facts: NodeFacts, has_build: bool, where: str, warnings: list[str]) -> list[str]:
    """`node dist/index.js` pointed at where tsc really writes the server (dist/src/index.js), with a warning."""
    if not has_build or len(argv) < 2 or argv[0] != "node":
        return argv
    index = next((i for i, a in enumerate(argv[1:], 1) if not a.startswith("-")), None)
    build = expanded_script(facts.scripts.get("build", ""), facts.scripts)
    real = rebuilt_entry(argv[index], build, facts) if index is not None else None
    if real is None:
        return argv
    warnings.append(
        f"{where} runs {argv[index]}, but tsc writes the server to {real} (tsconfig.json compiles files outside src/, so its root is "
        f"the project's): the image runs {real}; set \"rootDir\": \"src\" or narrow \"include\" to make {argv[index]} right"
    )
    return [*argv[:index], real, *argv[index + 1:]]


def _check_entry(presence: Presence, argv: list[str], has_build: bool, where: str, out_dir: Decision | None) -> None:
    """`node missing.js` fails at start; catch it now unless a build step may create it."""
    if not argv or argv[0] not in ("node", "bun"):
        return
    target = next((a for a in argv[1:] if not a.startswith("-") and a not in ("run",)), None)
    if target is None or not re.search(r"\.(c|m)?(j|t)sx?$", target):
        return
    rel = target.removeprefix("./")
    if has_build:
        return  # the build may write it
    if rel.startswith("node_modules/") or presence.has_file(rel):
        return  # a package's file comes with the install
    raise MissingEntryError(
        path="package.json",
        detail=f"{where} runs {rel}, which does not exist and no build script creates it",
        hint="fix the script or pass --start",
    )
