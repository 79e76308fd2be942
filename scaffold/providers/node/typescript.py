"""Start commands that run TypeScript sources directly (tsx, ts-node, node --import tsx).

In production the compiled JavaScript is better: it starts faster, needs no
compiler in the image, and the compiler stays a devDependency. When the build
script emits JavaScript (tsc, tsup or esbuild) the start command is pointed at
the compiled file. Otherwise the runner is kept, as a production dependency,
and the plan says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from scaffold.data import load
from scaffold.providers.node.detect import NodeFacts
from scaffold.providers.node.npm_scripts import expanded_script

_TS_FILE = re.compile(r"\.(c|m)?tsx?$")
_HOOK_FLAGS = ("--import", "--loader", "--experimental-loader", "-r", "--require")


@dataclass(frozen=True)
class TsStart:
    argv: list[str]
    source_note: str  # appended to the start command's source
    note: str


def typescript_entry(argv: list[str]) -> tuple[str, str] | None:
    """(runner, .ts entry) when the command runs a TypeScript file through a runner."""
    if not argv:
        return None
    data = load("node_frameworks")["typescript"]
    tool = argv[0].rsplit("/", 1)[-1]
    rest = argv[1:]
    if tool in data["runners"]:
        runner = tool
    elif tool == "node" and rest and rest[0].removeprefix("./") in data["runner_files"]:
        runner = data["runner_files"][rest[0].removeprefix("./")]
        rest = rest[1:]
    elif tool == "node":
        runner = _node_hook(rest, data["node_hooks"])
        if runner is None:
            return None
    else:
        return None
    # `--extensions '.ts,.tsx'` and `-P tsconfig.app.ts`-like values are a flag's, not the entry
    entry = next((a for i, a in enumerate(rest) if _TS_FILE.search(a) and not a.startswith("-") and "," not in a and not (i and rest[i - 1] in _VALUE_FLAGS)), None)
    return (runner, entry.removeprefix("./")) if entry else None


_VALUE_FLAGS = frozenset({"--extensions", "-x", "--config-file", "--project", "-P", "--presets", "--plugins"})


def _node_hook(args: list[str], hooks: list[str]) -> str | None:
    for i, arg in enumerate(args):
        flag, _, value = arg.partition("=")
        if flag in _HOOK_FLAGS:
            value = value or (args[i + 1] if i + 1 < len(args) else "")
            if value in hooks:
                return value.split("/", 1)[0]
    return None


def compiled_start(argv: list[str], facts: NodeFacts, has_build: bool) -> TsStart | None:
    """The start command rewritten to run compiled JavaScript, or one that keeps the runner."""
    found = typescript_entry(argv)
    if found is None:
        return None
    runner, entry = found
    build = expanded_script(facts.scripts.get("build", ""), facts.scripts) if has_build else ""
    target = _compiled_path(entry, build, facts)
    if target is not None and _aliases_resolved_from_sources(argv, build, facts):
        return TsStart(
            argv,
            "",
            f"the start script resolves tsconfig.json's path aliases through tsconfig-paths, which maps them to the .ts sources "
            f"(tsc leaves the aliases in its output): {runner} stays a production dependency and runs {entry} "
            "(tsc-alias in the build script would let the image run plain node)",
        )
    if target is not None:
        js, how = target
        return TsStart(
            ["node", js],
            f"{how}: {entry} compiles to {js}",
            f"the start script runs {entry} through {runner}; the image runs the compiled {js} instead ({how})",
        )
    package = "ts-node" if runner.startswith("ts-node") else runner
    return TsStart(
        argv,
        "",
        f"the start script runs TypeScript through {runner} and no build step emits JavaScript for {entry}: "
        f"{package} stays a production dependency (a build script running tsc would let the image run plain node)",
    )


def _aliases_resolved_from_sources(argv: list[str], build: str, facts: NodeFacts) -> bool:
    """`ts-node -r tsconfig-paths/register src/index.ts` with "paths" aliases: the aliases point into src/.

    tsc does not rewrite `@backend/x` in what it emits, so the compiled file fails
    with MODULE_NOT_FOUND unless the build rewrites them (tsc-alias) (acunap/ts-express-app).
    """
    preloaded = any(a.removeprefix("./").endswith("tsconfig-paths/register") for a in argv)
    return preloaded and bool(facts.tsconfig_path_dirs) and "tsc-alias" not in build


def compiled_dev_entry(argv: list[str], facts: NodeFacts, has_build: bool) -> TsStart | None:
    """The compiled file of the TypeScript entry a dev-server start script names.

    ``"start": "ts-node-dev --respawn index.ts"`` with ``"build": "tsc"`` is never run
    in production, but it says which file is the server: the build's output of it is.
    """
    entry = next((a.removeprefix("./") for a in argv[1:] if _TS_FILE.search(a) and not a.startswith("-")), None)
    if entry is None or not has_build:
        return None
    target = _compiled_path(entry, expanded_script(facts.scripts.get("build", ""), facts.scripts), facts)
    if target is None:
        return None
    js, how = target
    return TsStart(["node", js], f"{how}: {entry} compiles to {js}", f"the dev start script names {entry}; the image runs its compiled {js} ({how})")


def _compiled_path(entry: str, build: str, facts: NodeFacts) -> tuple[str, str] | None:
    words = re.split(r"\s+|&&|;", build)
    names = [w.rsplit("/", 1)[-1] for w in words]
    if "tsc" in names and not facts.tsconfig_no_emit:
        dirs = _tsc_dirs(build, facts)
        if dirs is None:
            return None
        out, root = dirs
        rel = _relative(entry, root)
        if rel is None:
            return None
        return f"{out.rstrip('/')}/{_js_name(rel)}", f"package.json > scripts > build runs tsc (outDir {out})"
    if "tsup" in names:
        out = _flag(build, "--out-dir") or _flag(build, "-d") or load("node_frameworks")["typescript"]["compilers"]["tsup"]
        esm = "esm" in (_flag(build, "--format") or "") and facts.manifest.get("type") != "module"
        name = PurePosixPath(entry).stem + (".mjs" if esm else ".js")
        return f"{out.rstrip('/')}/{name}", "package.json > scripts > build runs tsup"
    if "babel" in names:
        # `babel src --out-dir dist --extensions '.ts'`: each file keeps its path under the source folder
        out = _flag(build, "--out-dir") or _flag(build, "-d")
        source = next((names[i + 1] for i, n in enumerate(names[:-1]) if n == "babel" and not names[i + 1].startswith("-")), None)
        rel = _relative(entry, source) if out and source else None
        if rel is not None:
            return f"{out.rstrip('/')}/{_js_name(rel)}", f"package.json > scripts > build runs babel ({source} to {out})"
    if "esbuild" in names and entry in build:
        outfile = _flag(build, "--outfile")
        if outfile:
            return outfile.removeprefix("./"), "package.json > scripts > build runs esbuild"
        outdir = _flag(build, "--outdir")
        if outdir:
            return f"{outdir.removeprefix('./').rstrip('/')}/{PurePosixPath(entry).stem}.js", "package.json > scripts > build runs esbuild"
    return None


def rebuilt_entry(entry: str, build: str, facts: NodeFacts) -> str | None:
    """Where tsc really writes the server a start script runs from outDir, when it is elsewhere.

    `node dist/index.js` assumes tsc's root is src/; with a root-level file in the compilation
    (jest.config.ts in "include"), tsc's root is the project and it writes dist/src/index.js.
    None when the entry is where tsc writes it, or when that cannot be told.
    """
    words = re.split(r"\s+|&&|;", build)
    dirs = None if "tsc" not in [w.rsplit("/", 1)[-1] for w in words] or facts.tsconfig_no_emit else _tsc_dirs(build, facts)
    if dirs is None:
        return None
    out, root = dirs[0].removeprefix("./").rstrip("/"), dirs[1]
    entry = entry.removeprefix("./")
    if not entry.startswith(out + "/") or not entry.endswith((".js", ".cjs", ".mjs")):
        return None
    stem = re.sub(r"\.(c|m)?js$", "", entry[len(out) + 1 :])
    prefix = "" if root.removeprefix("./").rstrip("/") in ("", ".") else root.removeprefix("./").rstrip("/") + "/"
    if _has_source(facts, prefix + stem):
        return None
    for folder in ("src", "server", "app", "lib"):
        rel = _relative(f"{folder}/{stem}.ts", root)
        if rel is not None and _has_source(facts, f"{folder}/{stem}"):
            return f"{out}/{_js_name(rel)}"
    return None


def _tsc_dirs(build: str, facts: NodeFacts) -> tuple[str, str] | None:
    """(outDir, rootDir) of the build's tsc: its flags, else tsconfig.json, else the sources' common folder."""
    out = _flag(build, "--outDir") or (facts.tsconfig_out_dir.value if facts.tsconfig_out_dir else None)
    root = _flag(build, "--rootDir") or (facts.tsconfig_root_dir.value if facts.tsconfig_root_dir else facts.ts_common_root)
    return (out, root) if out is not None and root is not None else None


def _has_source(facts: NodeFacts, stem: str) -> bool:
    return any(facts.presence.has_file(stem + ext) for ext in (".ts", ".mts", ".cts", ".tsx"))


def _flag(script: str, flag: str) -> str | None:
    match = re.search(rf"(?:^|\s){re.escape(flag)}(?:=|\s+)([^\s&;|]+)", script)
    return match.group(1).strip("'\"").removeprefix("./") if match else None


def _relative(entry: str, root: str) -> str | None:
    root = root.removeprefix("./").rstrip("/")
    if root in ("", "."):
        return entry
    if entry.startswith(root + "/"):
        return entry[len(root) + 1 :]
    return None


def _js_name(rel: str) -> str:
    return re.sub(r"\.(c|m)?tsx?$", lambda m: f".{m.group(1) or ''}js", rel)
