"""The shapes a Node framework's runtime can take, and the helpers every framework rule builds one with.

A shape is static files served by nginx, a Node server with the files it reads, or the generic layout
(the start script on the built app). FrameworkContext carries the facts and answers a rule reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from scaffold import shell_words
from scaffold.data import load
from scaffold.providers.node.detect import NodeFacts
from scaffold.providers.node.detect_frameworks import FrameworkFacts
from scaffold.providers import shared
from scaffold.plan.model import Decision
from scaffold.providers.node.package_manager import PackageManager
from scaffold.providers.node.npm_scripts import SERVER_RUNNERS, ParsedScript, dev_server_of, follow_run
from scaffold.plan.static_site import StaticSite, static_port, url_base
from scaffold.project import Project


START_SCRIPTS = ("start", "start:prod", "start:production", "serve:prod", "prod")


@dataclass
class RuntimeShape:
    """What a framework rule decided about the image; None fields fall back to the generic rules."""

    framework: Decision
    kind: str  # "node" | "static" | "generic" (the framework does not decide: a custom server)
    build: Decision | None = None  # only when package.json has no build script
    output: Decision | None = None
    start: Decision | None = None
    port: Decision | None = None
    prod_deps: bool = True  # the runtime gets node_modules from the deps stage
    copies: list[dict[str, str]] | None = None  # from the build stage; None = the generic copies
    env: dict[str, str] = field(default_factory=dict)
    build_env: dict[str, str] = field(default_factory=dict)
    build_cache: str | None = None  # folder under /app kept in a cache mount during the build
    writable: list[str] = field(default_factory=list)  # folders under /app the server writes to
    static: StaticSite | None = None
    pre_build: list[str] = field(default_factory=list)  # build-stage commands before the build (a swapped adapter)
    # The server requires the packages its pages import from node_modules at run time (`next start`)
    requires_page_imports: bool = False
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class FrameworkContext:
    project: Project
    facts: NodeFacts
    fw: FrameworkFacts
    rule: dict[str, Any]
    pm: PackageManager
    answers: dict[str, Any]
    start_script: tuple[str, ParsedScript] | None  # the first production start script, if any
    refused: list[str]  # notes about dev-server scripts that were skipped

    def build(self) -> Decision | None:
        """The framework's own build command, when package.json has no build script."""
        if self.facts.scripts.get("build") or "build" in self.answers:
            return None
        return Decision(f"node_modules/.bin/{self.rule['build']}", f"node_frameworks.toml > {self.fw.id}.build (package.json has no build script)")

    def port(self) -> Decision:
        override = shared.port_override(self.answers)
        if override:
            return override
        return Decision(int(self.rule["port"]), f"node_frameworks.toml > {self.fw.id}.port ({self.fw.name}'s default; the image sets PORT)")

    def setting(self, key: str) -> Any:
        return self.fw.setting(key)

    def source(self, *extra: str) -> str:
        """"package.json > dependencies > next + next.config.mjs > output: 'standalone'"."""
        return " + ".join([self.fw.package.source, *[e for e in extra if e]])

    def setting_source(self, key: str) -> str:
        found = self.fw.settings.get(key)
        return found.source if found else ""

    def has_public(self, name: str = "public") -> bool:
        return self.facts.presence.has_dir(name)


def production_start_script(facts: NodeFacts) -> tuple[tuple[str, ParsedScript] | None, list[str]]:
    """The first start script that is not a dev server, and a note for each that was."""
    refused: list[str] = []
    for name in START_SCRIPTS:
        followed = follow_run(name, facts.scripts)
        if followed is None:
            continue
        real, parsed = followed
        dev, _ = dev_server_of(real, parsed, facts.scripts)
        if dev:
            refused.append(f"package.json > scripts > {real} runs a dev server or watcher ({dev}): refused in production")
            continue
        return (real, parsed), refused
    return None, refused


def bin_name(argv: list[str]) -> str:
    if not argv:
        return ""
    tool = argv[0].rsplit("/", 1)[-1]
    if tool == "npx" and len(argv) > 1:
        return argv[1]
    return tool


_FOLDER = re.compile(r"[\w.@+-]+(/[\w.@+-]+)*")


def static_server(argv: list[str]) -> list[str] | None:
    """The command of a script that serves built files (serve, http-server, ...), if one does."""
    patterns = [p.split() for p in load("node_frameworks")["static_servers"]]
    for command in shell_words.commands(argv):
        words = [bin_name(command), *command[1:2]]
        if any(words[: len(p)] == p for p in patterns):
            return command
    return None


def serves_static_files(argv: list[str]) -> bool:
    return static_server(argv) is not None


def served_folder(command: list[str]) -> str | None:
    """The folder a static-server command names (`serve -s static_shape` -> static_shape), if it names one."""
    value_flags = set(load("node_frameworks")["static_server_value_flags"])
    words = command[2:] if command[0].rsplit("/", 1)[-1] == "npx" else command[1:]
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in value_flags:
            skip = True
        elif not word.startswith("-") and word != "preview" and ":" not in word and "$" not in word and not word.isdigit():
            folder = word.removeprefix("./").rstrip("/")
            return folder if folder and folder != "." and not folder.startswith("../") and _FOLDER.fullmatch(folder) else None
    return None


def custom_server(ctx: FrameworkContext, outputs: tuple[str, ...]) -> str | None:
    """The file a start script runs when it is the app's own server (not the framework's output).

    With no start script, package.json's `main` stands in when the file exists: an Express server
    that serves a webpack or Vite bundle is started with `node .`, which runs main.
    """
    if ctx.start_script is None:
        main = ctx.facts.manifest.get("main") if isinstance(ctx.facts.manifest, dict) else None
        if not isinstance(main, str) or not main.strip():
            return None
        rel = main.strip().removeprefix("./")
        if not ctx.facts.presence.has_file(rel) or any(rel == out or rel.startswith(out + "/") for out in outputs):
            return None
        if rel.split("/", 1)[0] in ("dist", "build", "out", ".output", ".next") or not rel.endswith((".js", ".cjs", ".mjs", ".ts")):
            return None
        return f"package.json > main is {rel}, and there is no start script"
    name, parsed = ctx.start_script
    argv = parsed.argv
    if parsed.complex or not argv or bin_name(argv) not in SERVER_RUNNERS:
        return None
    target = next((a for a in argv[1:] if not a.startswith("-")), None)
    if target is None:
        return None
    rel = target.removeprefix("./")
    if any(rel == out or rel.startswith(out + "/") for out in outputs):
        return None
    if rel.split("/", 1)[0] in ("dist", "build", "out", ".output", ".next"):
        return None
    return f"package.json > scripts > {name} runs {rel}"


def generic_shape(ctx: FrameworkContext, why: str) -> RuntimeShape:
    """The framework builds, but the app's own server runs it: the generic rules apply."""
    return RuntimeShape(
        framework=Decision(f"{ctx.fw.id} (custom server)", ctx.source(why)),
        kind="generic",
        build=ctx.build(),
        notes=[f"{ctx.fw.name} with a custom server ({why}): the image runs that script like any Node app"],
    )


def _replaced(ctx: FrameworkContext, command: list[str]) -> list[str]:
    """A note when the project's start script is not what the image runs."""
    if ctx.start_script is None:
        return []
    name, parsed = ctx.start_script
    if [bin_name(parsed.argv), *parsed.argv[1:]] == [bin_name(command), *command[1:]]:
        return []
    return [f"package.json > scripts > {name} ({' '.join(parsed.argv)}) is not used: the image runs `{' '.join(command)}`"]


def _static_base(ctx: FrameworkContext) -> tuple[str, str]:
    """The URL path the static build was made for, and where that was read."""
    flag = ctx.rule.get("base_flag")
    if flag:
        match = re.search(re.escape(flag) + r"[ =]['\"]?([^\s'\"]+)", ctx.facts.scripts.get("build", ""))
        if match:
            return url_base(match.group(1)), f"package.json > scripts > build ({flag})"
    key = ctx.rule.get("base_key")
    if key == "homepage":
        manifest = ctx.facts.manifest
        homepage = manifest.get("homepage") if isinstance(manifest, dict) else None
        if isinstance(homepage, str):
            path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", homepage.strip(), flags=re.I) or "/"
            return url_base(path if path.startswith("/") else "/"), "package.json > homepage"
        return "/", ""
    if key and key in ctx.fw.settings:
        return url_base(ctx.setting(key)), ctx.setting_source(key)
    return "/", ""


def static_shape(ctx: FrameworkContext, variant: str, root: Decision, fallback: str | None, extra_source: str = "") -> RuntimeShape:
    base, base_source = _static_base(ctx)
    site = StaticSite(
        root=root.value,
        fallback=fallback,
        immutable=ctx.rule.get("immutable"),
        why=f"{ctx.fw.name} {variant} site",
        base=base,
    )
    port = shared.port_override(ctx.answers) or Decision(static_port(), "versions.toml > static.port (nginx-unprivileged)")
    notes = [
        f"{ctx.fw.name} builds a static site ({root.value}/): nginx serves it as uid 101, with no Node runtime or node_modules in the image",
    ]
    if base != "/":
        notes.append(f"{base_source}: the site is built for {base}, so nginx serves it under {base}")
    if fallback:
        shown = fallback if base == "/" else f"{base}{fallback}"
        notes.append(f"unknown paths are answered with {shown} (single-page app routing)")
    if ctx.start_script is not None:
        name, parsed = ctx.start_script
        notes.append(f"package.json > scripts > {name} ({' '.join(parsed.argv)}) is not used: nginx serves the built files")
    return RuntimeShape(
        framework=Decision(f"{ctx.fw.id} ({variant})", ctx.source(extra_source)),
        kind="static",
        build=ctx.build(),
        output=root,
        port=port,
        prod_deps=False,
        static=site,
        build_env=dict(ctx.rule.get("build_env", {})),
        build_cache=_build_cache(ctx),
        notes=notes,
    )


def node_shape(ctx: FrameworkContext, variant: str, *, start: list[str], start_source: str, extra_source: str = "", output: Decision | None,
          copies: list[dict[str, str]] | None, prod_deps: bool, notes: list[str] | None = None) -> RuntimeShape:
    return RuntimeShape(
        framework=Decision(f"{ctx.fw.id} ({variant})", ctx.source(extra_source)),
        kind="node",
        build=ctx.build(),
        output=output,
        start=Decision(start, start_source),
        port=ctx.port(),
        prod_deps=prod_deps,
        copies=copies,
        env=dict(ctx.rule.get("env", {})),
        build_env=dict(ctx.rule.get("build_env", {})),
        build_cache=_build_cache(ctx),
        writable=_runtime_writable(ctx),
        notes=[*_replaced(ctx, start), *(notes or [])],
    )


def _build_cache(ctx: FrameworkContext) -> str | None:
    """The framework's build cache folder (under a custom distDir, if set)."""
    cache = ctx.rule.get("build_cache")
    if cache and ctx.fw.id == "next" and ctx.setting("distDir") and ctx.setting("output") == "export":
        # the export is written to distDir, which next build empties first: a cache mounted
        # inside it cannot be removed (EBUSY), so this build keeps no cache
        return None
    if cache and ctx.fw.id == "next" and ctx.setting("distDir"):
        cache = f"{ctx.setting('distDir')}/cache"
    return cache


def _runtime_writable(ctx: FrameworkContext) -> list[str]:
    """Folders the server writes at run time, moved under a custom Next distDir like the build cache."""
    dirs = list(ctx.rule.get("runtime_writable", []))
    if ctx.fw.id == "next" and ctx.setting("distDir"):
        dirs = [d.replace(".next", str(ctx.setting("distDir")), 1) for d in dirs]
    return dirs


def output_copy(src: str, dest: str | None = None, *, output: bool = True) -> dict[str, str]:
    """A runtime COPY from the build stage; ``output`` marks build results (never in the context)."""
    dest = dest if dest is not None else (f"./{src}" if src != "package.json" else "./")
    entry = {"from": "build", "src": f"/app/{src}", "dest": dest}
    if output:
        entry["output"] = "1"
    return entry


def source_copies(ctx: FrameworkContext, *names: str) -> list[dict[str, str]]:
    """Copies of project files the server reads at run time (package.json: "type": "module")."""
    out = []
    for name in names:
        if ctx.facts.presence.has_file(name) or ctx.facts.presence.has_dir(name):
            out.append(output_copy(name, output=False))
    return out
