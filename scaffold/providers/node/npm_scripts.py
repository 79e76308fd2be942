"""Turning package.json scripts into a production start command.

A start script is used unless it runs a dev server or watcher. A plain
``node file`` (possibly behind env assignments, cross-env or ``npm run``) is run
as node directly in exec form, so SIGTERM reaches the app and not a package
manager that does not forward it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from scaffold import shell_words
from scaffold.data import load

# Package managers that run a package.json script by name (`npm run build`, `yarn build`)
PACKAGE_RUNNERS = {"npm": ("run",), "pnpm": ("run",), "yarn": ("run",), "bun": ("run",)}


@dataclass(frozen=True)
class ParsedScript:
    argv: list[str]  # the command, env assignments removed
    env: dict[str, str]
    complex: bool  # needs a shell (&&, pipes, substitutions, $VAR)
    # One command whose only shell feature is $VAR expansion: `sh -c 'exec …'` runs it with the app as PID 1.
    expands_only: bool = False


# Scripts longer than this are not one start command; shlex also slows down on huge tokens.
MAX_SCRIPT_CHARS = 4000


def parse_script(script: str) -> ParsedScript:
    """Split a script into words with a shell lexer that knows operators (`node a.js;` is `node`, `a.js`, `;`)."""
    if len(script) > MAX_SCRIPT_CHARS or any(marker in script for marker in ("$(", "`")) or "\n" in script.strip():
        return ParsedScript([], {}, True)
    try:
        words = shell_words.split(script)
    except ValueError:
        return ParsedScript([], {}, True)
    if any(shell_words.is_operator(w) for w in words) or not words:
        return ParsedScript(words, {}, True)
    env: dict[str, str] = {}
    while words and (words[0] == "cross-env" or _is_assignment(words[0])):
        word = words.pop(0)
        if word != "cross-env":
            key, _, value = word.partition("=")
            env[key] = value
    if "$" in script:
        return ParsedScript(words, env, True, expands_only=bool(words) and not env)
    return ParsedScript(words, env, not words)


_PROCESS_MANAGERS = ("pm2", "forever")


def process_manager_start(script: str) -> ParsedScript | None:
    """The `pm2 start x` (or `forever start x`) a script hands the app to, itself or as the first step
    of its `&&` chain (`pm2 start pm2.json && pm2 logs`, `pm2 start app.js && node`).

    The manager daemonizes the app and returns, so what follows it is never the server
    (it tails logs, or is a leftover); the image runs what the manager would.
    """
    steps = _and_steps(script) or [script]
    parsed = parse_script(steps[0])
    argv = parsed.argv
    if parsed.complex or len(argv) < 3 or tool_name(argv[0]) not in _PROCESS_MANAGERS or argv[1] != "start":
        return None
    return parsed


def _is_assignment(word: str) -> bool:
    key, sep, _ = word.partition("=")
    return bool(sep) and key.replace("_", "").isalnum() and not key[0].isdigit()


def tool_name(word: str) -> str:
    """The command a word runs: ``nodemon`` for ``nodemon``, ``node_modules/.bin/nodemon`` and
    ``./node_modules/nodemon/bin/nodemon.js`` alike (a package's own bin file, run by path)."""
    if "node_modules/" in word and "/.bin/" not in word:
        parts = word.rsplit("node_modules/", 1)[1].split("/")
        return "/".join(parts[:2]) if parts[0].startswith("@") and len(parts) > 1 else parts[0]
    return word.rsplit("/", 1)[-1]


def dev_command_match(argv: list[str]) -> str | None:
    """The dev-server pattern this command matches ("nodemon", "next dev", "node --watch"), if any."""
    if not argv:
        return None
    tool = tool_name(argv[0])
    rest = argv[1:]
    first_arg = next((a for a in rest if not a.startswith("-")), None)
    for pattern in load("node")["dev_commands"]:
        words = pattern.split()
        if words[0] != tool:
            continue
        if len(words) == 1:
            return pattern
        wanted = words[1:]
        if wanted[0].startswith("-"):
            if any(a == wanted[0] or a.startswith(wanted[0] + "=") for a in rest):
                return pattern
        elif wanted == [first_arg] or (len(wanted) == 2 and rest[:2] == wanted):
            return pattern
    return None


def follow_run(script_name: str, scripts: dict[str, str], depth: int = 0) -> tuple[str, ParsedScript] | None:
    """Resolve ``npm run x`` / ``yarn x`` chains to the script that really runs."""
    script = scripts.get(script_name)
    if script is None or not script.strip() or depth > 4:
        return None
    parsed = parse_script(script)
    argv = parsed.argv
    if not parsed.complex and argv and argv[0] in PACKAGE_RUNNERS:
        rest = argv[1:]
        if rest and rest[0] in ("run", "run-script"):
            rest = rest[1:]
        if len(rest) == 1 and rest[0] in scripts and rest[0] != script_name:
            inner = follow_run(rest[0], scripts, depth + 1)
            if inner is not None:
                name, inner_parsed = inner
                return name, ParsedScript(inner_parsed.argv, {**parsed.env, **inner_parsed.env}, inner_parsed.complex)
    return script_name, parsed


_SEQUENCE_RUNNERS = ("run-s", "run-p", "npm-run-all")


def expanded_script(script: str, scripts: dict[str, str], depth: int = 0) -> str:
    """A script with the scripts it runs appended (`npm run compile`, `run-s build:clean build:compile`),
    so what a build really runs (tsc, and its flags) can be read from one text."""
    if depth > 3 or not script:
        return script
    parts = [script]
    for step in script.split("&&"):
        words = step.split()
        if not words:
            continue
        if tool_name(words[0]) in _SEQUENCE_RUNNERS:
            named = [w for w in words[1:] if not w.startswith("-") and w in scripts]
        else:
            run = _script_run(words, scripts)
            named = [run] if run else []
        parts += [expanded_script(scripts[n], scripts, depth + 1) for n in named]
    return " && ".join(parts)


_PARALLEL_RUNNERS = ("run-p", "npm-run-all", "concurrently")


# The commands that run a server file directly (`node server.js`, `tsx src/main.ts`): the app's own server.
SERVER_RUNNERS = ("node", "tsx", "ts-node", "bun")

# Build tools that only compile or bundle (no server subcommand worth running in production)
_COMPILERS = ("tsc", "babel", "esbuild", "tsup", "rollup", "swc", "ncc", "unbuild", "pkgroll")


def only_builds(argv: list[str]) -> bool:
    """Whether a command builds and exits: `parcel build src/index.js`, `vite build`, `tsc`, `webpack --mode production`.

    A "prod" script is as often the production build as the production start (german9304/flask-app's
    `"prod": "parcel build ..."`); one that only builds starts nothing.
    """
    if not argv or dev_command_match(argv):
        return False
    tool = tool_name(argv[0])
    if tool not in load("node")["build_tools"]:
        return False
    first = next((a for a in argv[1:] if not a.startswith("-")), None)
    return first == "build" or tool in _COMPILERS or (tool == "webpack" and first != "serve")


def server_beside_builds(argv: list[str], scripts: dict[str, str]) -> list[str] | None:
    """The one part of a parallel start that runs a server, when every other part is a build step:
    `concurrently "npm run build-only" "node ./build/main.js"` builds and serves at once; the image
    builds in its build stage, so the server is the start."""
    parts = parallel_parts(argv, scripts)
    tools = set(load("node")["build_tools"])
    servers = [p.argv for p in parts if p.argv and tool_name(p.argv[0]) in SERVER_RUNNERS and not dev_command_match(p.argv)]
    builds = [p for p in parts if p.argv and tool_name(p.argv[0]) in tools]
    if len(servers) == 1 and builds and len(servers) + len(builds) == len(parts):
        return servers[0]
    return None


def parallel_parts(argv: list[str], scripts: dict[str, str]) -> list[ParsedScript]:
    """The commands a parallel runner starts: `run-p start:**`, `npm-run-all -p build:watch serve`,
    `concurrently "tsc -w" "nodemon dist/index.js"` (or its `npm:name` form), each followed through `npm run`.

    A dev script that watches the build beside the server names the server this way; the
    image builds once and runs only the server.
    """
    if not argv or tool_name(argv[0]) not in _PARALLEL_RUNNERS:
        return []
    concurrently = tool_name(argv[0]) == "concurrently"
    names: list[str] = []
    commands: list[str] = []
    for word in argv[1:]:
        if word.startswith("-"):
            continue
        if concurrently and not word.startswith("npm:"):
            commands.append(word)
            continue
        pattern = word.removeprefix("npm:")
        # npm-run-all globs: `start:*` one segment, `start:**` any depth
        regex = "^" + re.escape(pattern).replace(r"\*\*", ".+").replace(r"\*", "[^:]+") + "$"
        names += [n for n in scripts if re.match(regex, n)] if "*" in pattern else [pattern] if pattern in scripts else []
    parts: list[ParsedScript] = []
    for name in dict.fromkeys(names):
        followed = follow_run(name, scripts)
        if followed is not None:
            parts.append(followed[1])
    for command in commands:
        parsed = parse_script(command)
        named = _script_run(parsed.argv, scripts) if parsed.argv else None
        followed = follow_run(named, scripts) if named else None
        parts.append(followed[1] if followed else parsed)
    return parts


def dev_server_of(script_name: str, parsed: ParsedScript, scripts: dict[str, str]) -> tuple[str | None, ParsedScript]:
    """The dev-server pattern a start script matches, itself or through the last step of its `&&` chain,
    and the command that matched (the chain's last step, else the script as parsed)."""
    dev = dev_command_match(parsed.argv)
    if dev or not parsed.complex:
        return dev, parsed
    chained = dev_server_step(script_name, scripts)
    return chained if chained is not None else (None, parsed)


def dev_server_step(script_name: str, scripts: dict[str, str]) -> tuple[str, ParsedScript] | None:
    """The dev server an `a && b` start script ends in, and that step: `npm run fast-install && npm run dev`.

    The last step of a chain is the long-running one; when it is (or runs, through
    `npm run`) a dev server or watcher, the whole script is a dev script, whatever
    installs or checks come before it.
    """
    steps = _and_steps(scripts.get(script_name, ""))
    if not steps or len(steps) < 2:
        return None
    last = steps[-1]
    named = _script_run(last.split(), scripts)
    parsed = (follow_run(named, scripts) or (named, parse_script(last)))[1] if named and named != script_name else parse_script(last)
    dev = dev_command_match(parsed.argv)
    return (dev, parsed) if dev else None


def drop_build_steps(script: str, scripts: dict[str, str]) -> str | None:
    """``npm run build && node dist/index.js`` minus the build: the image's build stage already ran it.

    Only a plain ``&&`` chain whose leading steps run the build script (by name through
    a package manager, or its exact text) is rewritten; None when nothing was dropped.
    At run time the build would fail anyway: the compiler is a devDependency.
    """
    build = scripts.get("build", "").strip()
    if not build or any(op in script for op in ("||", ";", "|", "$(", "`")):
        return None
    steps = [step.strip() for step in script.split("&&")]
    dropped = 0
    while dropped < len(steps) - 1 and _runs_build(steps[dropped], build):
        dropped += 1
    return " && ".join(steps[dropped:]) if dropped else None


def _runs_build(step: str, build: str) -> bool:
    if step == build:
        return True
    words = step.split()
    if not words or words[0] not in PACKAGE_RUNNERS:
        return False
    rest = words[1:]
    if rest and rest[0] in ("run", "run-script"):
        rest = rest[1:]
    return rest == ["build"]


# Wrappers that load env files and then run a command: dotenv-cli's `dotenv -e .env -- node x.js`,
# env-cmd's `env-cmd -f .env node x.js`. Flags that take a value, per tool.
_ENV_WRAPPERS = {"dotenv": ("-e",), "env-cmd": ("-f", "--file")}


def drop_env_wrapper(argv: list[str], drop: Callable[[str], bool]) -> tuple[list[str], list[str]]:
    """The command a dotenv-cli or env-cmd wrapper runs, when every file it loads is one ``drop`` picks.

    Such a wrapper is usually a devDependency, and the files never enter the image,
    so the image runs the command itself (redcartel/node-express-starter-2022:
    `dotenv -e .env node dist/index.js`, exec: "dotenv": not found). Any other flag
    (dotenv's -v KEY=VALUE, -c, env-cmd's rc files) keeps the wrapper.
    """
    tool = argv[0].rsplit("/", 1)[-1] if argv else ""
    if tool not in _ENV_WRAPPERS:
        return argv, []
    value_flags = _ENV_WRAPPERS[tool]
    files: list[str] = []
    i = 1
    while i < len(argv):
        word = argv[i]
        flag, eq, value = word.partition("=")
        if word == "--":
            i += 1
            break
        if flag in value_flags:
            if not eq:
                if i + 1 >= len(argv):
                    return argv, []
                value = argv[i + 1]
                i += 1
            files.append(value)
            i += 1
            continue
        if word.startswith("-"):
            return argv, []
        break
    rest = argv[i:]
    if not files or not rest or not all(drop(f) for f in files):
        return argv, []
    return rest, files


def drop_env_file_flags(argv: list[str], drop: Callable[[str], bool]) -> tuple[list[str], list[str]]:
    """A ``node`` command without the ``--env-file`` flags whose file ``drop`` picks, and those files.

    Node exits at start when an ``--env-file`` is missing, and .env files never enter the
    image (they hold secrets; the .dockerignore excludes them): in a container the
    variables come from ``docker run --env-file`` or Compose instead.
    """
    if not argv or argv[0] != "node":
        return argv, []
    kept, files = [argv[0]], []
    words = argv[1:]
    i = 0
    while i < len(words):
        word = words[i]
        flag, eq, value = word.partition("=")
        if flag in ("--env-file", "--env-file-if-exists") and not _is_script_arg(words, i):
            flag_words = [word]
            if not eq and i + 1 < len(words):
                value = words[i + 1]
                flag_words.append(value)
                i += 1
            if drop(value):
                files.append(value)
            else:
                kept.extend(flag_words)
        else:
            kept.append(word)
        i += 1
    return kept, files


_NODE_VALUE_FLAGS = {"-r", "--require", "--import", "--loader", "--experimental-loader", "--env-file", "--env-file-if-exists", "-C", "--conditions", "--title", "--input-type"}


def _is_script_arg(words: list[str], i: int) -> bool:
    """Flags after the script file belong to the app, not to node."""
    j = 0
    while j < i:
        word = words[j]
        if not word.startswith("-"):
            return True
        if word in _NODE_VALUE_FLAGS:
            j += 1  # its value
        j += 1
    return False


# Ways to run a package's binary; the binary's own words follow.
_EXEC_PREFIXES = (("npx",), ("npm", "exec"), ("pnpm", "exec"), ("pnpm", "dlx"), ("yarn", "exec"), ("yarn", "dlx"), ("bunx",), ("bun", "x"), ("yarn",), ("pnpm",))
# Commands a build step may run that are not package binaries: they are found on PATH.
_SYSTEM_COMMANDS = frozenset({"node", "npm", "npx", "pnpm", "yarn", "bun", "bunx", "sh", "bash", "cp", "mv", "rm", "mkdir", "echo", "cat", "test", "true", "touch", "ln", "chmod", "tar", "env", "cd"})


@dataclass(frozen=True)
class BuildRewrite:
    """A build script as the image runs it: steps that need the database left out, watchers run once."""

    kept: tuple[str, ...]  # the steps to run, outside `npm run` (binaries by their node_modules/.bin path)
    dropped: tuple[str, ...]  # the database steps, as the script wrote them
    unwatched: tuple[str, ...] = ()  # the steps that had a watch flag, as the script wrote them
    unchecked: tuple[str, ...] = ()  # type checks that emit nothing (`tsc` under noEmit), left out


_TYPE_CHECKERS = ("tsc", "vue-tsc")


def _type_check_only(step: str, no_emit: bool) -> bool:
    """`tsc --noEmit`, or `tsc` / `tsc -b` / `vue-tsc` under a tsconfig that sets noEmit: a check that writes nothing the image uses."""
    words = step.split()
    if not words or tool_name(words[0]) not in _TYPE_CHECKERS:
        return False
    if any(w in ("-w", "--watch", "--outDir", "--declaration", "-d", "--emitDeclarationOnly") or w.startswith("--outDir=") for w in words):
        return False
    return "--noEmit" in words or no_emit


def rewrite_build(scripts: dict[str, str], no_emit: bool = False) -> BuildRewrite | None:
    """The build chain rewritten when ``npm run build`` could not finish in a docker build.

    Two things stop it: a step that needs the app's database (``prisma migrate deploy &&
    next build``: a docker build has none), and a step that watches (``postcss … --watch``
    or ``tsc -w``: the build never exits and hangs). Database steps are left out; a
    watcher runs once without its flag. A step that runs another script (``npm run
    build:css``) is opened up when that script has such a step, and counts as a database
    step when every step of it is one. The pre- and post-build scripts npm runs around
    ``build`` are handled the same way. Only plain ``&&`` chains are rewritten; None when
    nothing needs it.
    """
    kept: list[str] = []
    dropped: list[str] = []
    unwatched: list[str] = []
    unchecked: list[str] = []
    for name in ("prebuild", "build", "postbuild"):
        script = scripts.get(name, "").strip()
        if not script:
            continue
        steps = _and_steps(script)
        if steps is None:
            return None
        for step in _opened(steps, scripts):
            if _needs_database(step, scripts):
                dropped.append(step)
                continue
            if _type_check_only(step, no_emit):
                unchecked.append(step)
                continue
            once = _without_watch(step)
            if once != step:
                unwatched.append(step)
            kept.append(once)
    if unchecked and not kept:
        kept, unchecked = unchecked, []  # a build that only type-checks stays as it is
    if not dropped and not unwatched and not unchecked:
        return None
    return BuildRewrite(tuple(_outside_npm_run(step) for step in kept), tuple(dropped), tuple(unwatched), tuple(unchecked))


def _opened(steps: list[str], scripts: dict[str, str], depth: int = 0) -> list[str]:
    """Steps with `npm run X` replaced by X's own steps where X holds a watcher."""
    out: list[str] = []
    for step in steps:
        words = step.split()
        named = _script_run(words, scripts) if words else None
        inner = _and_steps(scripts[named]) if named is not None and depth < 3 else None
        if inner and _has_watch(inner, scripts, depth + 1):
            out.extend(_opened(inner, scripts, depth + 1))
        else:
            out.append(step)
    return out


def _has_watch(steps: list[str], scripts: dict[str, str], depth: int) -> bool:
    for step in steps:
        if _without_watch(step) != step:
            return True
        named = _script_run(step.split(), scripts)
        inner = _and_steps(scripts[named]) if named is not None and depth < 3 else None
        if inner and _has_watch(inner, scripts, depth + 1):
            return True
    return False


def _without_watch(step: str) -> str:
    """The step without the watch flags its tool takes (node.toml > watch_flags); unchanged when it has none."""
    words = step.split()
    binary = _binary_words(words)
    tool = binary[0].rsplit("/", 1)[-1] if binary else ""
    flags = load("node")["watch_flags"].get(tool)
    if not flags or not any(w in flags or w.split("=", 1)[0] in flags for w in words[1:]):
        return step
    return " ".join(w for w in words if not (w in flags or w.split("=", 1)[0] in flags))


def package_of_module(spec: str) -> str:
    """The package a module path names: ``ts-node/register`` -> ``ts-node``, ``@swc/core/x`` -> ``@swc/core``.

    Relative and absolute paths are returned as they are: they name no package.
    """
    if spec.startswith((".", "/")) or "/" not in spec:
        return spec
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") else parts[0]


def _and_steps(script: str) -> list[str] | None:
    if not script or any(op in script for op in ("||", ";", "|", "$(", "`", "\n", ">", "<")):
        return None
    steps = [step.strip() for step in script.split("&&")]
    return steps if all(steps) else None


def _needs_database(step: str, scripts: dict[str, str], depth: int = 0) -> bool:
    words = step.split()
    if not words:
        return False
    named = _script_run(words, scripts)
    if named is not None:
        inner = _and_steps(scripts[named]) if depth < 3 else None
        return bool(inner) and all(_needs_database(s, scripts, depth + 1) for s in inner)
    words = _binary_words(words)
    tool = words[0].rsplit("/", 1)[-1] if words else ""
    for pattern in load("node")["database_commands"]:
        want = pattern.split()
        if want[0] == tool and (len(want) == 1 or (len(words) > 1 and words[1].startswith(want[1]))):
            return True
    return False


def _script_run(words: list[str], scripts: dict[str, str]) -> str | None:
    """The package.json script a step runs (``npm run migrate``, ``yarn migrate``), if it runs one."""
    if words[0] not in PACKAGE_RUNNERS or len(words) < 2:
        return None
    name = words[2] if words[1] in ("run", "run-script") and len(words) > 2 else words[1]
    return name if name in scripts else None


def _binary_words(words: list[str]) -> list[str]:
    """``npx --yes prisma migrate deploy`` -> ``prisma migrate deploy``; other commands unchanged."""
    for prefix in _EXEC_PREFIXES:
        n = len(prefix)
        if tuple(words[:n]) == prefix and len(words) > n:
            rest = words[n:]
            while rest and rest[0].startswith("-"):
                rest = rest[1:]
            return rest
    return words


def _outside_npm_run(step: str) -> str:
    """A step as a Dockerfile RUN runs it: `npm run` puts node_modules/.bin on PATH, RUN does not."""
    first, _, rest = step.partition(" ")
    if first in _SYSTEM_COMMANDS or "/" in first or "=" in first:
        return step
    return f"node_modules/.bin/{first}" + (f" {rest}" if rest else "")


# nodemon's options that take a value (the rest are switches); its first other word is the script.
_NODEMON_VALUE_OPTIONS = frozenset({"-e", "--ext", "-w", "--watch", "-i", "--ignore", "-d", "--delay", "--signal", "--config", "-x", "--exec", "--cwd", "-V"})


# ts-node-dev's options that take a value; of them, the ones ts-node itself understands are kept.
_TS_NODE_DEV_VALUE_OPTIONS = frozenset({"-r", "--require", "-P", "--project", "-O", "--compiler-options", "-C", "--compiler", "--ignore-watch", "--watch", "--interval", "--debounce", "--dir", "--cache-directory"})
_TS_NODE_KEPT = frozenset({"-r", "--require", "-P", "--project", "-O", "--compiler-options", "-C", "--compiler", "-T", "--transpile-only", "--files"})


def _ts_node_dev_target(words: list[str]) -> list[str] | None:
    """``ts-node-dev --respawn -r tsconfig-paths/register src/server.ts`` restarts
    ``ts-node -r tsconfig-paths/register src/server.ts``: its watch flags dropped, ts-node's kept."""
    kept: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        flag, eq, _ = word.partition("=")
        if not word.startswith("-"):
            return ["ts-node", *kept, *words[i:]]
        takes_value = flag in _TS_NODE_DEV_VALUE_OPTIONS and not eq
        if flag in _TS_NODE_KEPT:
            kept.extend(words[i:i + 2] if takes_value else [word])
        i += 2 if takes_value else 1
    return None


# node's and bun's own watch mode: the command without them is the app
_RUNTIME_WATCH_FLAGS = frozenset({"--watch", "--watch-path", "--watch-preserve-output", "--watch-kill-signal", "--hot", "--no-clear-screen"})
_RUNTIME_WATCH_VALUE_FLAGS = frozenset({"--watch-path", "--watch-kill-signal"})


def watched_command(argv: list[str], config_exec: str | None = None) -> list[str] | None:
    """What a ``nodemon`` start script runs: ``nodemon --exec babel-node src/server.js`` -> ``babel-node src/server.js``.

    The watcher is refused in production, but the command it restarts is the app;
    without ``--exec`` nodemon runs the script with node (ts-node for TypeScript). A bare
    ``nodemon`` runs its config's ``exec`` (``config_exec``, from nodemon.json). None
    when no script is named.
    """
    if argv and tool_name(argv[0]) in ("node", "bun") and any(w.split("=", 1)[0] in _RUNTIME_WATCH_FLAGS for w in argv[1:]):
        # `node --import=tsx --watch ./src/index.ts` restarts `node --import=tsx ./src/index.ts`
        kept: list[str] = []
        skip = False
        for word in argv[1:]:
            if skip:
                skip = False
                continue
            flag = word.split("=", 1)[0]
            if flag in _RUNTIME_WATCH_FLAGS:
                skip = flag in _RUNTIME_WATCH_VALUE_FLAGS and "=" not in word
                continue
            kept.append(word)
        if kept and kept[0] == "run" and argv[0] == "bun":
            kept = kept[1:]
        return [argv[0], *kept] if any(not w.startswith("-") for w in kept) else None
    if argv and tool_name(argv[0]) == "tsx" and len(argv) > 2 and argv[1] == "watch":
        # tsx watch src/main.ts restarts `tsx src/main.ts` (Mintnoii/node-hono-api)
        entry = next((w for w in argv[2:] if not w.startswith("-")), None)
        return ["tsx", entry] if entry else None
    if argv and tool_name(argv[0]) in ("ts-node-dev", "tsnd"):
        return _ts_node_dev_target(argv[1:])
    if not argv or tool_name(argv[0]) != "nodemon":
        return None
    runner: list[str] = ["node"]
    script: str | None = None
    words = argv[1:]
    i = 0
    while i < len(words):
        word = words[i]
        flag, eq, value = word.partition("=")
        if flag in ("-x", "--exec"):
            runner = (value if eq else (words[i + 1] if i + 1 < len(words) else "")).split() or runner
            i += 1 if eq else 2
            continue
        if word == "--":
            i += 1
            continue
        if word.startswith("-"):
            i += 1 if eq or flag not in _NODEMON_VALUE_OPTIONS else 2
            continue
        script = word
        break
    if script is None and runner == ["node"] and config_exec:
        configured = parse_script(config_exec)
        return None if configured.complex or not configured.argv else configured.argv
    if script is None:
        return None
    if runner == ["node"] and script.endswith((".ts", ".mts", ".cts")):
        runner = ["ts-node"]  # nodemon's own execMap runs TypeScript with ts-node
    return [*runner, script, *words[i + 1:]]

