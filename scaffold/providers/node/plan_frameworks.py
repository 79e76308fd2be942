"""Framework rules: what the final image of a Next.js, Nuxt, SvelteKit, Astro, React
Router, Remix, NestJS, Angular, CRA, Vue CLI or Vite app is made of.

Each rule turns FrameworkFacts (which package, which config settings) into a
RuntimeShape: the build command, what the final stage copies, the start command,
port and environment. Three shapes cover them all:

- ``node`` with production dependencies: the framework's server runs from the
  build output plus ``node_modules`` without devDependencies (next start,
  SvelteKit adapter-node, Astro SSR, React Router / Remix serve, NestJS);
- ``node`` self-contained: the build output already holds the node_modules it
  traced (Next.js standalone, Nuxt's .output), so no install reaches the image;
- ``static``: the build writes plain files, served by nginx (see static_site.py).

A dev server is never the production command: when the start script runs one
(``next dev``, ``vite``, ``ng serve``) it is refused and the plan says which
production command replaced it. Facts and defaults (ports, output folders,
package names) live in scaffold/data/node_frameworks.toml.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from scaffold import shell_words
from scaffold.data import load
from scaffold.providers.node.detect import NodeFacts
from scaffold.providers.node.detect_frameworks import FrameworkFacts
from scaffold.errors import ScaffoldError
from scaffold.providers import shared
from scaffold.plan.model import Decision
from scaffold.providers.node.package_manager import PackageManager
from scaffold.providers.node.npm_scripts import ParsedScript, dev_command_match, follow_run
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
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Context:
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
        return self.project.has_dir(name)


def plan_framework(project: Project, facts: NodeFacts, pm: PackageManager, answers: dict[str, Any]) -> RuntimeShape | None:
    """The framework rule that fires for this app, or None for a plain Node app."""
    fw: FrameworkFacts | None = facts.framework
    if fw is None:
        return None
    rule = load("node_frameworks")[fw.id]
    start_script, refused = _production_start_script(facts)
    ctx = _Context(project, facts, fw, rule, pm, answers, start_script, refused)
    shape = _RULES[fw.id](ctx)
    if shape.kind != "generic":  # the generic start-command rules report dev servers themselves
        shape.notes[:0] = refused
    return shape


# -- start scripts -----------------------------------------------------------------

def _production_start_script(facts: NodeFacts) -> tuple[tuple[str, ParsedScript] | None, list[str]]:
    """The first start script that is not a dev server, and a note for each that was."""
    refused: list[str] = []
    for name in START_SCRIPTS:
        followed = follow_run(name, facts.scripts)
        if followed is None:
            continue
        real, parsed = followed
        dev = dev_command_match(parsed.argv)
        if dev:
            refused.append(f"package.json > scripts > {real} runs a dev server or watcher ({dev}): refused in production")
            continue
        return (real, parsed), refused
    return None, refused


def _bin(argv: list[str]) -> str:
    if not argv:
        return ""
    tool = argv[0].rsplit("/", 1)[-1]
    if tool == "npx" and len(argv) > 1:
        return argv[1]
    return tool


_FOLDER = re.compile(r"[\w.@+-]+(/[\w.@+-]+)*")


def _static_server(argv: list[str]) -> list[str] | None:
    """The command of a script that serves built files (serve, http-server, ...), if one does."""
    patterns = [p.split() for p in load("node_frameworks")["static_servers"]]
    for command in shell_words.commands(argv):
        words = [_bin(command), *command[1:2]]
        if any(words[: len(p)] == p for p in patterns):
            return command
    return None


def _serves_static_files(argv: list[str]) -> bool:
    return _static_server(argv) is not None


def _served_folder(command: list[str]) -> str | None:
    """The folder a static-server command names (`serve -s _static` -> _static), if it names one."""
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


def _custom_server(ctx: _Context, outputs: tuple[str, ...]) -> str | None:
    """The file a start script runs when it is the app's own server (not the framework's output)."""
    if ctx.start_script is None:
        return None
    name, parsed = ctx.start_script
    argv = parsed.argv
    if parsed.complex or not argv or _bin(argv) not in ("node", "tsx", "ts-node", "bun"):
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


def _generic(ctx: _Context, why: str) -> RuntimeShape:
    """The framework builds, but the app's own server runs it: the generic rules apply."""
    return RuntimeShape(
        framework=Decision(f"{ctx.fw.id} (custom server)", ctx.source(why)),
        kind="generic",
        build=ctx.build(),
        notes=[f"{ctx.fw.name} with a custom server ({why}): the image runs that script like any Node app"],
    )


def _replaced(ctx: _Context, command: list[str]) -> list[str]:
    """A note when the project's start script is not what the image runs."""
    if ctx.start_script is None:
        return []
    name, parsed = ctx.start_script
    if [_bin(parsed.argv), *parsed.argv[1:]] == [_bin(command), *command[1:]]:
        return []
    return [f"package.json > scripts > {name} ({' '.join(parsed.argv)}) is not used: the image runs `{' '.join(command)}`"]


def _static_base(ctx: _Context) -> tuple[str, str]:
    """The URL path the static build was made for, and where that was read."""
    flag = ctx.rule.get("base_flag")
    if flag:
        match = re.search(re.escape(flag) + r"[ =]['\"]?([^\s'\"]+)", ctx.facts.scripts.get("build", ""))
        if match:
            return url_base(match.group(1)), f"package.json > scripts > build ({flag})"
    key = ctx.rule.get("base_key")
    if key == "homepage":
        manifest = ctx.project.read_json("package.json")
        homepage = manifest.get("homepage") if isinstance(manifest, dict) else None
        if isinstance(homepage, str):
            path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", homepage.strip(), flags=re.I) or "/"
            return url_base(path if path.startswith("/") else "/"), "package.json > homepage"
        return "/", ""
    if key and key in ctx.fw.settings:
        return url_base(ctx.setting(key)), ctx.setting_source(key)
    return "/", ""


def _static(ctx: _Context, variant: str, root: Decision, fallback: str | None, extra_source: str = "") -> RuntimeShape:
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


def _node(ctx: _Context, variant: str, *, start: list[str], start_source: str, extra_source: str = "", output: Decision | None,
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


def _build_cache(ctx: _Context) -> str | None:
    """The framework's build cache folder (under a custom distDir, if set)."""
    cache = ctx.rule.get("build_cache")
    if cache and ctx.fw.id == "next" and ctx.setting("distDir") and ctx.setting("output") == "export":
        # the export is written to distDir, which next build empties first: a cache mounted
        # inside it cannot be removed (EBUSY), so this build keeps no cache
        return None
    if cache and ctx.fw.id == "next" and ctx.setting("distDir"):
        cache = f"{ctx.setting('distDir')}/cache"
    return cache


def _runtime_writable(ctx: _Context) -> list[str]:
    """Folders the server writes at run time, moved under a custom Next distDir like the build cache."""
    dirs = list(ctx.rule.get("runtime_writable", []))
    if ctx.fw.id == "next" and ctx.setting("distDir"):
        dirs = [d.replace(".next", str(ctx.setting("distDir")), 1) for d in dirs]
    return dirs


def _copy(src: str, dest: str | None = None, *, output: bool = True) -> dict[str, str]:
    """A runtime COPY from the build stage; ``output`` marks build results (never in the context)."""
    dest = dest if dest is not None else (f"./{src}" if src != "package.json" else "./")
    entry = {"from": "build", "src": f"/app/{src}", "dest": dest}
    if output:
        entry["output"] = "1"
    return entry


def _sources(ctx: _Context, *names: str) -> list[dict[str, str]]:
    """Copies of project files the server reads at run time (package.json: "type": "module")."""
    out = []
    for name in names:
        if ctx.project.has_file(name) or ctx.project.has_dir(name):
            out.append(_copy(name, output=False))
    return out


# -- the rules ---------------------------------------------------------------------

def _next(ctx: _Context) -> RuntimeShape:
    dist = ctx.setting("distDir") or ctx.rule["out"]
    output = ctx.setting("output")
    custom = _custom_server(ctx, (dist,))
    if custom and output != "export":
        return _generic(ctx, custom)
    if output == "export":
        # With output: 'export', next build writes the site to distDir when one is set ("the
        # user-configured distDir is actually the outDir", next/dist/export/utils.js), else to out/.
        custom_dist = ctx.setting("distDir")
        if isinstance(custom_dist, str) and custom_dist.strip("./") and custom_dist.strip("/") != ".next":
            out = Decision(custom_dist.removeprefix("./").rstrip("/"), f"{ctx.setting_source('distDir')} with output: 'export'")
        else:
            out = Decision(ctx.rule["export_out"], ctx.setting_source("output"))
        return _static(ctx, "static export", out, None, ctx.setting_source("output"))
    if output == "standalone":
        copies = [
            _copy(f"{dist}/standalone", "./"),
            _copy(f"{dist}/static", f"./{dist}/static"),
        ]
        if ctx.has_public():
            copies.append(_copy("public", "./public", output=False))
        shape = _node(
            ctx, "standalone", start=["node", "server.js"], start_source=ctx.source(ctx.setting_source("output")),
            extra_source=ctx.setting_source("output"), output=Decision(f"{dist}/standalone", ctx.setting_source("output")),
            copies=copies, prod_deps=False,
            notes=["Next.js standalone output holds the server and only the node_modules it traced: no install reaches the image"],
        )
        return shape
    # Without standalone: `next start` from the build output plus production dependencies.
    copies = [_copy(dist, f"./{dist}")]
    copies += _sources(ctx, "public", *[c for c in ctx.rule["config_files"]], "package.json")
    why = "next.config has no output setting" if ctx.fw.config_file else "no next.config file"
    if ctx.fw.config_file and "output" not in ctx.fw.settings:
        why = f"{ctx.fw.config_file} sets no literal output"
    shape = _node(
        ctx, "next start", start=["node_modules/.bin/next", "start"], start_source=ctx.source(why), extra_source=why,
        output=Decision(dist, "Next.js build folder"), copies=copies, prod_deps=True,
        notes=[f"{why}: the image runs `next start` with production dependencies; output: 'standalone' in the Next.js config gives a much smaller image"],
    )
    if "next" not in ctx.facts.dependencies:
        shape.warnings.append("next is a devDependency: `next start` needs it at run time; move it to dependencies")
    return shape


def _nuxt(ctx: _Context) -> RuntimeShape:
    if (ctx.fw.major or 3) < 3:
        raise ScaffoldError(
            f"{ctx.fw.package.source}: Nuxt {ctx.fw.major} is end-of-life and builds differently from Nuxt 3+",
            hint="upgrade to Nuxt 3 or later, or pass --start and --build",
        )
    build_script = ctx.facts.scripts.get("build", "")
    generate = next((cmd for cmd in ctx.rule["static_build"] if cmd in build_script), None)
    if generate:
        ssr_off = ctx.setting("ssr") is False
        return _static(
            ctx, "generated", Decision(ctx.rule["static_out"], f"package.json > scripts > build ({generate})"),
            ctx.rule["spa_fallback"] if ssr_off else None,
            f"package.json > scripts > build ({generate})",
        )
    custom = _custom_server(ctx, (ctx.rule["out"],))
    if custom:
        return _generic(ctx, custom)
    out = ctx.rule["out"]
    return _node(
        ctx, "server", start=["node", f"{out}/server/index.mjs"], start_source=ctx.source("Nitro's node-server output"),
        output=Decision(out, "Nuxt build folder"), copies=[_copy(out)], prod_deps=False,
        notes=[f"Nuxt's {out}/ is self-contained (server code and the node_modules it traced): no install reaches the image"],
    )


def _sveltekit(ctx: _Context) -> RuntimeShape:
    adapters: dict[str, str] = ctx.rule["adapters"]
    adapter = next((pkg for pkg in ctx.fw.imports if pkg in adapters), None)
    config = ctx.fw.config_file or "svelte.config.js"
    if adapter is None:
        raise ScaffoldError(
            f"{config}: no adapter that scaffold can run was found (it looked for an import of {', '.join(sorted(adapters))})",
            hint="use @sveltejs/adapter-node for a server or @sveltejs/adapter-static for a static site",
        )
    kind = adapters[adapter]
    via = f"{config} imports {adapter}"
    if kind == "static":
        pages = ctx.setting("pages") or ctx.rule["out"]
        fallback = ctx.setting("fallback")
        root = Decision(pages, ctx.setting_source("pages") or f"{adapter} default")
        return _static(ctx, "static", root, fallback if isinstance(fallback, str) else None, via)
    if kind != "node":
        add = "npm install -D" if ctx.pm.name == "npm" else f"{ctx.pm.name} add -D"
        raise ScaffoldError(
            f"{config}: {adapter} builds for a specific host, not for a container",
            hint=f"`{add} @sveltejs/adapter-node` and import it instead of {adapter} in {config}"
            " (a server), or use @sveltejs/adapter-static (a static site)",
        )
    custom = _custom_server(ctx, (ctx.setting("out") or ctx.rule["out"],))
    if custom:
        return _generic(ctx, custom)
    out = ctx.setting("out") or ctx.rule["out"]
    return _node(
        ctx, "adapter-node", start=["node", out], start_source=ctx.source(via),
        extra_source=via, output=Decision(out, ctx.setting_source("out") or f"{adapter} default"),
        copies=[_copy(out), *_sources(ctx, "package.json")], prod_deps=True,
        notes=["adapter-node checks the Origin of form posts: run the container with ORIGIN=https://your.host (or PROTOCOL_HEADER/HOST_HEADER behind a proxy)"],
    )


def _astro(ctx: _Context) -> RuntimeShape:
    out = ctx.setting("outDir") or ctx.rule["out"]
    out = str(out).removeprefix("./").rstrip("/")
    adapter_pkg = ctx.rule["node_adapter"]
    adapters = [m for m in ctx.fw.imports if m.startswith("@astrojs/") and m not in ("@astrojs/check",) and _is_astro_adapter(m)]
    config = ctx.fw.config_file or "astro.config.mjs"
    if not adapters:
        source = f"{config} has no server adapter" if ctx.fw.config_file else "no astro.config file"
        return _static(ctx, "static", Decision(out, ctx.setting_source("outDir") or "Astro's default outDir"), None, source)
    if adapter_pkg not in adapters:
        raise ScaffoldError(
            f"{config}: the {adapters[0]} adapter builds for that host, not for a container",
            hint=f"use {adapter_pkg} with mode: 'standalone', or remove the adapter for a static site",
        )
    mode = ctx.setting("mode")
    if mode == "middleware":
        custom = _custom_server(ctx, (out,))
        if custom:
            return _generic(ctx, custom)
        raise ScaffoldError(
            f"{config}: {adapter_pkg} is in middleware mode, which needs a server of your own",
            hint="set mode: 'standalone', or add a start script that runs your server",
        )
    entry = f"{out}/{ctx.rule['server_entry']}"
    via = f"{config} uses {adapter_pkg}" + (f" ({ctx.setting_source('mode')})" if mode else "")
    return _node(
        ctx, "node standalone", start=["node", entry], start_source=ctx.source(via), extra_source=via,
        output=Decision(out, ctx.setting_source("outDir") or "Astro's default outDir"),
        copies=[_copy(out), *_sources(ctx, "package.json")], prod_deps=True,
    )


def _is_astro_adapter(module: str) -> bool:
    return module.split("/", 2)[1] in ("node", "vercel", "netlify", "cloudflare", "deno")


def _react_router(ctx: _Context) -> RuntimeShape:
    out = str(ctx.setting("buildDirectory") or ctx.rule["out"]).removeprefix("./").rstrip("/")
    out_source = ctx.setting_source("buildDirectory") or "React Router's default buildDirectory"
    if ctx.setting("ssr") is False:
        root = Decision(f"{out}/{ctx.rule['client_out']}", ctx.setting_source("ssr"))
        return _static(ctx, "SPA mode", root, ctx.rule["spa_fallback"], ctx.setting_source("ssr"))
    return _serve_package(ctx, out, out_source, f"{out}/{ctx.rule['server_entry']}", extra_copies=[])


def _remix(ctx: _Context) -> RuntimeShape:
    out = str(ctx.setting("buildDirectory") or ctx.rule["out"]).removeprefix("./").rstrip("/")
    vite = "@remix-run/dev" in ctx.fw.imports and bool(ctx.fw.config_file and ctx.fw.config_file.rsplit("/", 1)[-1].startswith("vite."))
    entry = f"{out}/{ctx.rule['vite_server_entry' if vite else 'server_entry']}"
    if isinstance(ctx.setting("serverBuildPath"), str):
        entry = ctx.setting("serverBuildPath").removeprefix("./")
    extra = [] if vite else _sources(ctx, "public")
    return _serve_package(ctx, out, ctx.setting_source("buildDirectory") or "Remix's default build folder", entry, extra_copies=extra)


def _serve_package(ctx: _Context, out: str, out_source: str, entry: str, extra_copies: list[dict[str, str]]) -> RuntimeShape:
    """React Router / Remix: the framework's own HTTP server package runs the server build."""
    server_pkg, server_bin = ctx.rule["server_package"], ctx.rule["server_bin"]
    if ctx.start_script is not None:
        name, parsed = ctx.start_script
        if _bin(parsed.argv) == server_bin and not parsed.complex:
            entry = next((a.removeprefix("./") for a in parsed.argv[1:] if not a.startswith("-")), entry)
    custom = _custom_server(ctx, (out,))
    if custom:
        return _generic(ctx, custom)
    if server_pkg not in ctx.facts.dependencies:
        where = "a devDependency" if server_pkg in ctx.facts.dev_dependencies else "not a dependency"
        raise ScaffoldError(
            f"package.json: {server_pkg} is {where}, but it is what serves a {ctx.fw.name} server build in production",
            hint=f"add it to dependencies (npm install {server_pkg}), or set ssr: false for a static single-page app",
        )
    copies = [_copy(out), *extra_copies, *_sources(ctx, "package.json")]
    return _node(
        ctx, server_bin, start=[f"node_modules/.bin/{server_bin}", f"./{entry}"],
        start_source=ctx.source(f"package.json > dependencies > {server_pkg}"),
        output=Decision(out, out_source), copies=copies, prod_deps=True,
    )


def _nestjs(ctx: _Context) -> RuntimeShape:
    """NestJS is a plain Node server once built: `node dist/main.js`, never `nest start`."""
    found = ctx.fw.settings.get("outDir") or ctx.facts.tsconfig_out_dir
    out = Decision(found.value, found.source) if found else Decision(ctx.rule["out"], "NestJS's default outDir")
    if ctx.start_script is not None:
        name, parsed = ctx.start_script
        target = next((a for a in parsed.argv[1:] if not a.startswith("-")), None)
        if not parsed.complex and _bin(parsed.argv) == "node" and target:
            argv = list(parsed.argv)
            if "." not in target.rsplit("/", 1)[-1]:
                # `node dist/main` relies on CommonJS adding .js; the full name also works for ES modules
                argv[argv.index(target)] = f"{target}.js"
            return _nest_shape(ctx, out, argv, f"package.json > scripts > {name}")
    source_root = ctx.setting("sourceRoot") or ctx.rule["source_root"]
    root_found = ctx.fw.settings.get("rootDir") or ctx.facts.tsconfig_root_dir
    root = root_found.value if root_found else source_root
    entry = f"{source_root}/{ctx.setting('entryFile') or ctx.rule['entry_file']}.js"
    rel = entry[len(root) + 1 :] if root not in ("", ".") and entry.startswith(root + "/") else entry
    if ctx.setting("builder") == "webpack":
        # webpack bundles the app into one <outDir>/<entryFile>.js, whatever the source layout
        # (the default of a Nest monorepo: dist/apps/api/main.js)
        rel = f"{ctx.setting('entryFile') or ctx.rule['entry_file']}.js"
    source = ctx.source(ctx.setting_source("entryFile") or f"entryFile {ctx.rule['entry_file']}", out.source)
    return _nest_shape(ctx, out, ["node", f"{out.value}/{rel}"], source)


def _nest_shape(ctx: _Context, out: Decision, argv: list[str], source: str) -> RuntimeShape:
    port = shared.port_override(ctx.answers)
    shape = RuntimeShape(
        framework=Decision("nestjs", ctx.source(ctx.fw.config_file or "")),
        kind="node",
        build=ctx.build(),
        output=out,
        start=Decision(argv, source),
        port=port,  # None: read from main.ts like any Node server
        prod_deps=True,
        copies=None,
        notes=["NestJS runs as `node` on the compiled output; `nest start` (a dev-time wrapper around the compiler) is never used"],
    )
    return shape


def _angular(ctx: _Context) -> RuntimeShape:
    project = ctx.setting("project")
    base = ctx.setting("outputPath") or (f"{ctx.rule['out']}/{project}" if project else ctx.rule["out"])
    builder = ctx.setting("builder") or ""
    application = builder in ctx.rule["application_builders"] or builder.endswith(":application")
    out_source = ctx.setting_source("outputPath") or "Angular's default outputPath (dist/<project>)"
    # outputMode: 'static' (Angular 19+) prerenders every route at build time and writes no server
    server = ctx.setting("outputMode") != "static"
    if server and ctx.setting("ssr") and ctx.rule["ssr_package"] in ctx.facts.dependencies:
        entry = f"{base}/server/server.mjs"
        return _node(
            ctx, "SSR", start=["node", entry], start_source=ctx.source(ctx.setting_source("ssr")),
            extra_source=ctx.setting_source("ssr"), output=Decision(base, out_source),
            copies=[_copy(base), *_sources(ctx, "package.json")], prod_deps=True,
        )
    browser = ctx.setting("browserDir")
    root = base
    if application:
        root = f"{base}/{browser}" if browser else f"{base}/browser"
        if browser == "":
            root = base
    if not server and ctx.setting("ssr"):
        # prerendered pages for known routes, the client-side shell for the rest
        return _static(ctx, "prerendered", Decision(root, out_source), ctx.rule["prerender_fallback"], ctx.setting_source("outputMode"))
    return _static(ctx, "single-page app", Decision(root, out_source), ctx.rule["spa_fallback"], ctx.fw.config_file or "")


def _spa(ctx: _Context) -> RuntimeShape:
    """CRA, Vue CLI and Vite: a client-side app, unless a start script runs a real server."""
    server = _custom_server(ctx, ())
    if server:
        return _generic(ctx, server)
    if ctx.start_script is not None and not _serves_static_files(ctx.start_script[1].argv):
        name, parsed = ctx.start_script
        return _generic(ctx, f"package.json > scripts > {name} runs {' '.join(parsed.argv)}")
    if ctx.fw.id == "vite" and not (ctx.project.has_file("index.html") or "root" in ctx.fw.settings):
        raise ScaffoldError(
            "package.json: vite is a dependency but there is no index.html and no start script, so there is nothing to serve",
            hint="add a start script that runs your server, or pass --start",
        )
    out, source = _spa_out(ctx)
    served = _static_server(ctx.start_script[1].argv) if ctx.start_script is not None else None
    folder = _served_folder(served) if served else None
    if folder:
        # the start script serves what the build leaves there (a build script may move build/ to it)
        out, source = folder, f"package.json > scripts > {ctx.start_script[0]} serves {folder}"
    root = ctx.setting("root") if ctx.fw.id == "vite" and not folder else None
    if isinstance(root, str) and root.strip("./"):
        # Vite resolves build.outDir (and its default, dist) against `root`
        resolved = posixpath.normpath(posixpath.join(root.removeprefix("./"), out))
        if resolved == ".." or resolved.startswith("../"):
            raise ScaffoldError(
                f"{ctx.fw.config_file or 'vite.config'}: the build writes to {resolved}, outside the project, which a Docker build cannot copy from",
                hint="set build.outDir inside the project",
            )
        out, source = resolved, f"{source} (relative to root: {root})"
    return _static(ctx, "single-page app", Decision(out, source), ctx.rule["spa_fallback"], ctx.fw.config_file or "")


def _generator(ctx: _Context) -> RuntimeShape:
    """Static site generators (Gatsby, Docusaurus, Eleventy): pages for every route, built once, served by nginx.

    Their start scripts run the development server, and `gatsby serve`-style
    commands only serve the same files nginx serves better.
    """
    out, source = _spa_out(ctx)
    return _static(ctx, "static", Decision(out, source), ctx.rule.get("spa_fallback"), ctx.fw.config_file or "")


def _spa_out(ctx: _Context) -> tuple[str, str]:
    script = ctx.facts.scripts.get("build", "")
    match = re.search(r"(?:--outDir|--out-dir|--dest|--output)[ =]([\w./-]+)", script)
    if match:
        return match.group(1).removeprefix("./").rstrip("/"), "package.json > scripts > build"
    match = re.search(r"\bBUILD_PATH=([\w./-]+)", script)
    if match and ctx.fw.id == "cra":
        return match.group(1).removeprefix("./").rstrip("/"), "package.json > scripts > build (BUILD_PATH)"
    for key in ("outDir", "outputDir"):
        value = ctx.setting(key)
        if isinstance(value, str) and value.strip():
            return value.removeprefix("./").rstrip("/"), ctx.setting_source(key)
    return ctx.rule["out"], f"{ctx.fw.name}'s default output folder"


_RULES = {
    "next": _next,
    "nuxt": _nuxt,
    "sveltekit": _sveltekit,
    "astro": _astro,
    "react-router": _react_router,
    "remix": _remix,
    "nestjs": _nestjs,
    "angular": _angular,
    "gatsby": _generator,
    "docusaurus": _generator,
    "eleventy": _generator,
    "cra": _spa,
    "vue-cli": _spa,
    "vite": _spa,
}
