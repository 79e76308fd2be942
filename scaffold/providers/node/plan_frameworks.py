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
from typing import Any

from scaffold.data import load
from scaffold.providers.node.detect import NodeFacts
from scaffold.providers.node.detect_frameworks import FrameworkFacts
from scaffold.errors import ScaffoldError
from scaffold.providers import shared
from scaffold.plan.model import Decision
from scaffold.providers.node.package_manager import PackageManager
from scaffold.providers.node.lockfiles import locked_version
from scaffold.providers.node.npm_scripts import follow_run, server_beside_builds
from scaffold.project import Project
from scaffold.providers.node.nuxt_shapes import nuxt_shape
from scaffold.providers.node.framework_shapes import (
    FrameworkContext,
    RuntimeShape,
    bin_name,
    custom_server,
    generic_shape,
    node_shape,
    output_copy,
    production_start_script,
    served_folder,
    serves_static_files,
    source_copies,
    static_server,
    static_shape,
)


def plan_framework(project: Project, facts: NodeFacts, pm: PackageManager, answers: dict[str, Any]) -> RuntimeShape | None:
    """The framework rule that fires for this app, or None for a plain Node app."""
    fw: FrameworkFacts | None = facts.framework
    if fw is None:
        return None
    rule = load("node_frameworks")[fw.id]
    start_script, refused = production_start_script(facts)
    ctx = FrameworkContext(project, facts, fw, rule, pm, answers, start_script, refused)
    shape = _RULES[fw.id](ctx)
    if shape.kind != "generic":  # the generic start-command rules report dev servers themselves
        shape.notes[:0] = refused
    return shape


# -- start scripts -----------------------------------------------------------------


# -- the rules ---------------------------------------------------------------------

def _next(ctx: FrameworkContext) -> RuntimeShape:
    dist = ctx.setting("distDir") or ctx.rule["out"]
    output = ctx.setting("output")
    custom = custom_server(ctx, (dist,))
    if custom and output != "export":
        return generic_shape(ctx, custom)
    if output == "export":
        # With output: 'export', next build writes the site to distDir when one is set ("the
        # user-configured distDir is actually the outDir", next/dist/export/utils.js), else to out/.
        custom_dist = ctx.setting("distDir")
        if isinstance(custom_dist, str) and custom_dist.strip("./") and custom_dist.strip("/") != ".next":
            out = Decision(custom_dist.removeprefix("./").rstrip("/"), f"{ctx.setting_source('distDir')} with output: 'export'")
        else:
            out = Decision(ctx.rule["export_out"], ctx.setting_source("output"))
        return static_shape(ctx, "static export", out, None, ctx.setting_source("output"))
    if output == "standalone":
        copies = [
            output_copy(f"{dist}/standalone", "./"),
            output_copy(f"{dist}/static", f"./{dist}/static"),
        ]
        if ctx.has_public():
            copies.append(output_copy("public", "./public", output=False))
        shape = node_shape(
            ctx, "standalone", start=["node", "server.js"], start_source=ctx.source(ctx.setting_source("output")),
            extra_source=ctx.setting_source("output"), output=Decision(f"{dist}/standalone", ctx.setting_source("output")),
            copies=copies, prod_deps=False,
            notes=["Next.js standalone output holds the server and only the node_modules it traced: no install reaches the image"],
        )
        return shape
    # Without standalone: `next start` from the build output plus production dependencies.
    copies = [output_copy(dist, f"./{dist}")]
    copies += source_copies(ctx, "public", *[c for c in ctx.rule["config_files"]], "package.json")
    why = "next.config has no output setting" if ctx.fw.config_file else "no next.config file"
    if ctx.fw.config_file and "output" not in ctx.fw.settings:
        why = f"{ctx.fw.config_file} sets no literal output"
    shape = node_shape(
        ctx, "next start", start=["node_modules/.bin/next", "start"], start_source=ctx.source(why), extra_source=why,
        output=Decision(dist, "Next.js build folder"), copies=copies, prod_deps=True,
        notes=[f"{why}: the image runs `next start` with production dependencies; output: 'standalone' in the Next.js config gives a much smaller image"],
    )
    shape.requires_page_imports = True
    if "next" not in ctx.facts.dependencies:
        shape.warnings.append("package.json > devDependencies > next: `next start` needs it at run time, so the image keeps it; move it to dependencies")
    return shape


def _sveltekit(ctx: FrameworkContext) -> RuntimeShape:
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
        return static_shape(ctx, "static", root, fallback if isinstance(fallback, str) else None, via)
    swap = _adapter_node_swap(ctx, adapter, config) if kind in ("auto", "host") and adapter != "svelte-adapter-deno" else None
    if swap is not None:
        out = ctx.rule["out"]
        why = "which finds no host to build for in a container" if kind == "auto" else "whose output runs on that host's platform only"
        shape = node_shape(
            ctx, f"adapter-node, swapped in for {adapter.removeprefix('@sveltejs/')}", start=["node", out], start_source=ctx.source(via),
            extra_source=via, output=Decision(out, "@sveltejs/adapter-node default"),
            copies=[output_copy(out), *source_copies(ctx, "package.json")], prod_deps=True,
            notes=[
                f"{via}, {why}: the build stage installs @sveltejs/adapter-node@{swap[0]} "
                f"(for @sveltejs/kit {swap[1]}) and builds with it instead; the project's files are untouched. "
                f"Importing @sveltejs/adapter-node in {config} yourself makes this step unnecessary",
                "adapter-node checks the Origin of form posts: run the container with ORIGIN=https://your.host (or PROTOCOL_HEADER/HOST_HEADER behind a proxy)",
            ],
        )
        shape.pre_build = list(swap[2])
        return shape
    if kind != "node":
        add = "npm install -D" if ctx.pm.name == "npm" else f"{ctx.pm.name} add -D"
        raise ScaffoldError(
            f"{config}: {adapter} builds for a specific host, not for a container",
            hint=f"`{add} @sveltejs/adapter-node` and import it instead of {adapter} in {config}"
            " (a server), or use @sveltejs/adapter-static (a static site)",
        )
    custom = custom_server(ctx, (ctx.setting("out") or ctx.rule["out"],))
    if custom:
        return generic_shape(ctx, custom)
    out = ctx.setting("out") or ctx.rule["out"]
    return node_shape(
        ctx, "adapter-node", start=["node", out], start_source=ctx.source(via),
        extra_source=via, output=Decision(out, ctx.setting_source("out") or f"{adapter} default"),
        copies=[output_copy(out), *source_copies(ctx, "package.json")], prod_deps=True,
        notes=["adapter-node checks the Origin of form posts: run the container with ORIGIN=https://your.host (or PROTOCOL_HEADER/HOST_HEADER behind a proxy)"],
    )


def _adapter_node_swap(ctx: FrameworkContext, adapter: str, config: str) -> tuple[str, str, tuple[str, ...]] | None:
    """(adapter-node version, the kit version it is for, build-stage commands) for an adapter-auto app, or None.

    adapter-auto builds for the host it detects and emits nothing a container can run; the
    default `sv create` template ships with it. A host's own adapter (adapter-vercel,
    adapter-netlify, adapter-cloudflare) emits functions for that platform only, and its
    options (runtime, split, routes) mean nothing to adapter-node, which ignores them. The build stage adds the adapter-node release
    made for the locked kit (node_frameworks.toml > sveltekit.adapter_node_for_kit) without
    touching the project's lockfile for npm, and points the config's import at it. Yarn Berry
    (immutable installs) and Bun keep the refusal with its fix.
    """
    if ctx.pm.name not in ("npm", "pnpm") and not (ctx.pm.name == "yarn" and not ctx.pm.berry):
        return None
    if not config.startswith("svelte.config."):
        return None
    kit = locked_version(ctx.facts.lock_details, "@sveltejs/kit")
    spec = ctx.facts.dev_dependencies.get("@sveltejs/kit") or ctx.facts.dependencies.get("@sveltejs/kit") or ""
    found = re.search(r"(\d+)\.(\d+)", kit or spec) or re.search(r"(\d+)", kit or spec)
    if found is None:
        return None
    major, minor = int(found.group(1)), int(found.group(2)) if found.lastindex and found.lastindex > 1 else 0
    rows = ctx.rule["adapter_node_for_kit"]
    row = next((r for r in rows if (major, minor) >= tuple(int(x) for x in str(r["kit"]).split(".")[:2])), None)
    if row is None or major > int(str(rows[0]["kit"]).split(".")[0]):
        return None
    version = str(row["adapter"])
    # NODE_ENV=production (set for the build) would make the package manager prune the devDependencies
    install = "NODE_ENV=development " + {
        "npm": f"npm install --no-save --no-audit --no-fund @sveltejs/adapter-node@{version}",
        "pnpm": f"pnpm add -D @sveltejs/adapter-node@{version}",
        "yarn": f"yarn add -D @sveltejs/adapter-node@{version}",
    }[ctx.pm.name]
    return version, kit or spec, (install, f"sed -i 's#{adapter}#@sveltejs/adapter-node#' {config}")


def _astro(ctx: FrameworkContext) -> RuntimeShape:
    out = ctx.setting("outDir") or ctx.rule["out"]
    out = str(out).removeprefix("./").rstrip("/")
    adapter_pkg = ctx.rule["node_adapter"]
    adapters = [m for m in ctx.fw.imports if m.startswith("@astrojs/") and m not in ("@astrojs/check",) and _is_astro_adapter(m)]
    config = ctx.fw.config_file or "astro.config.mjs"
    if not adapters:
        source = f"{config} has no server adapter" if ctx.fw.config_file else "no astro.config file"
        return static_shape(ctx, "static", Decision(out, ctx.setting_source("outDir") or "Astro's default outDir"), None, source)
    if adapter_pkg not in adapters:
        raise ScaffoldError(
            f"{config}: the {adapters[0]} adapter builds for that host, not for a container",
            hint=f"use {adapter_pkg} with mode: 'standalone', or remove the adapter for a static site",
        )
    mode = ctx.setting("mode")
    if mode == "middleware":
        custom = custom_server(ctx, (out,))
        if custom:
            return generic_shape(ctx, custom)
        raise ScaffoldError(
            f"{config}: {adapter_pkg} is in middleware mode, which needs a server of your own",
            hint="set mode: 'standalone', or add a start script that runs your server",
        )
    entry = f"{out}/{ctx.rule['server_entry']}"
    via = f"{config} uses {adapter_pkg}" + (f" ({ctx.setting_source('mode')})" if mode else "")
    return node_shape(
        ctx, "node standalone", start=["node", entry], start_source=ctx.source(via), extra_source=via,
        output=Decision(out, ctx.setting_source("outDir") or "Astro's default outDir"),
        copies=[output_copy(out), *source_copies(ctx, "package.json")], prod_deps=True,
    )


def _is_astro_adapter(module: str) -> bool:
    return module.split("/", 2)[1] in ("node", "vercel", "netlify", "cloudflare", "deno")


def _react_router(ctx: FrameworkContext) -> RuntimeShape:
    out = str(ctx.setting("buildDirectory") or ctx.rule["out"]).removeprefix("./").rstrip("/")
    out_source = ctx.setting_source("buildDirectory") or "React Router's default buildDirectory"
    if ctx.setting("ssr") is False:
        root = Decision(f"{out}/{ctx.rule['client_out']}", ctx.setting_source("ssr"))
        return static_shape(ctx, "SPA mode", root, ctx.rule["spa_fallback"], ctx.setting_source("ssr"))
    return _serve_package(ctx, out, out_source, f"{out}/{ctx.rule['server_entry']}", extra_copies=[])


def _remix(ctx: FrameworkContext) -> RuntimeShape:
    out = str(ctx.setting("buildDirectory") or ctx.rule["out"]).removeprefix("./").rstrip("/")
    vite = "@remix-run/dev" in ctx.fw.imports and bool(ctx.fw.config_file and ctx.fw.config_file.rsplit("/", 1)[-1].startswith("vite."))
    entry = f"{out}/{ctx.rule['vite_server_entry' if vite else 'server_entry']}"
    if isinstance(ctx.setting("serverBuildPath"), str):
        entry = ctx.setting("serverBuildPath").removeprefix("./")
    extra = [] if vite else source_copies(ctx, "public")
    return _serve_package(ctx, out, ctx.setting_source("buildDirectory") or "Remix's default build folder", entry, extra_copies=extra)


def _serve_package(ctx: FrameworkContext, out: str, out_source: str, entry: str, extra_copies: list[dict[str, str]]) -> RuntimeShape:
    """React Router / Remix: the framework's own HTTP server package runs the server build."""
    server_pkg, server_bin = ctx.rule["server_package"], ctx.rule["server_bin"]
    if ctx.start_script is not None:
        name, parsed = ctx.start_script
        if bin_name(parsed.argv) == server_bin and not parsed.complex:
            entry = next((a.removeprefix("./") for a in parsed.argv[1:] if not a.startswith("-")), entry)
    custom = custom_server(ctx, (out,))
    if custom:
        return generic_shape(ctx, custom)
    dev = server_pkg not in ctx.facts.dependencies and server_pkg in ctx.facts.dev_dependencies
    if server_pkg not in ctx.facts.dependencies and not dev:
        raise ScaffoldError(
            f"package.json: {server_pkg} is not a dependency, but it is what serves a {ctx.fw.name} server build in production",
            hint=f"add it to dependencies (npm install {server_pkg}), or set ssr: false for a static single-page app",
        )
    copies = [output_copy(out), *extra_copies, *source_copies(ctx, "package.json")]
    return node_shape(
        ctx, server_bin, start=[f"node_modules/.bin/{server_bin}", f"./{entry}"],
        start_source=ctx.source(f"package.json > {'devDependencies' if dev else 'dependencies'} > {server_pkg}"),
        output=Decision(out, out_source), copies=copies, prod_deps=True,
    )  # a devDependency server: CMD names its bin, so the image keeps devDependencies and says so (dev_packages_started)


def _nestjs(ctx: FrameworkContext) -> RuntimeShape:
    """NestJS is a plain Node server once built: `node dist/main.js`, never `nest start`."""
    found = ctx.fw.settings.get("outDir") or ctx.facts.tsconfig_out_dir
    out = Decision(found.value, found.source) if found else Decision(ctx.rule["out"], "NestJS's default outDir")
    if ctx.start_script is not None:
        name, parsed = ctx.start_script
        target = next((a for a in parsed.argv[1:] if not a.startswith("-")), None)
        if not parsed.complex and bin_name(parsed.argv) == "node" and target:
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


def _nest_shape(ctx: FrameworkContext, out: Decision, argv: list[str], source: str) -> RuntimeShape:
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


def _angular(ctx: FrameworkContext) -> RuntimeShape:
    project = ctx.setting("project")
    base = ctx.setting("outputPath") or (f"{ctx.rule['out']}/{project}" if project else ctx.rule["out"])
    builder = ctx.setting("builder") or ""
    application = builder in ctx.rule["application_builders"] or builder.endswith(":application")
    out_source = ctx.setting_source("outputPath") or "Angular's default outputPath (dist/<project>)"
    # outputMode: 'static' (Angular 19+) prerenders every route at build time and writes no server
    server = ctx.setting("outputMode") != "static"
    if server and ctx.setting("ssr") and ctx.rule["ssr_package"] in ctx.facts.dependencies:
        entry = f"{base}/server/server.mjs"
        return node_shape(
            ctx, "SSR", start=["node", entry], start_source=ctx.source(ctx.setting_source("ssr")),
            extra_source=ctx.setting_source("ssr"), output=Decision(base, out_source),
            copies=[output_copy(base), *source_copies(ctx, "package.json")], prod_deps=True,
        )
    browser = ctx.setting("browserDir")
    root = base
    if application:
        root = f"{base}/{browser}" if browser else f"{base}/browser"
        if browser == "":
            root = base
    if not server and ctx.setting("ssr"):
        # prerendered pages for known routes, the client-side shell for the rest
        return static_shape(ctx, "prerendered", Decision(root, out_source), ctx.rule["prerender_fallback"], ctx.setting_source("outputMode"))
    return static_shape(ctx, "single-page app", Decision(root, out_source), ctx.rule["spa_fallback"], ctx.fw.config_file or "")


def _spa(ctx: FrameworkContext) -> RuntimeShape:
    """CRA, Vue CLI and Vite: a client-side app, unless a start script runs a real server."""
    server = custom_server(ctx, ())
    if server:
        return generic_shape(ctx, server)
    started = follow_run("start", ctx.facts.scripts) if ctx.start_script is None else None
    beside = server_beside_builds(started[1].argv, ctx.facts.scripts) if started is not None else None
    if beside is not None:
        # the start script builds the client and runs the app's own server, which serves it
        return generic_shape(ctx, f"package.json > scripts > {started[0]} runs {' '.join(beside)} beside the build")
    if ctx.start_script is not None and not serves_static_files(ctx.start_script[1].argv):
        name, parsed = ctx.start_script
        return generic_shape(ctx, f"package.json > scripts > {name} runs {' '.join(parsed.argv)}")
    if ctx.fw.id == "vite" and not (ctx.facts.presence.has_file("index.html") or "root" in ctx.fw.settings):
        raise ScaffoldError(
            "package.json: vite is a dependency but there is no index.html and no start script, so there is nothing to serve",
            hint="add a start script that runs your server, or pass --start",
        )
    out, source = _spa_out(ctx)
    served = static_server(ctx.start_script[1].argv) if ctx.start_script is not None else None
    folder = served_folder(served) if served else None
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
    return static_shape(ctx, "single-page app", Decision(out, source), ctx.rule["spa_fallback"], ctx.fw.config_file or "")


def _generator(ctx: FrameworkContext) -> RuntimeShape:
    """Static site generators (Gatsby, Docusaurus, Eleventy): pages for every route, built once, served by nginx.

    Their start scripts run the development server, and `gatsby serve`-style
    commands only serve the same files nginx serves better.
    """
    out, source = _spa_out(ctx)
    return static_shape(ctx, "static", Decision(out, source), ctx.rule.get("spa_fallback"), ctx.fw.config_file or "")


def _spa_out(ctx: FrameworkContext) -> tuple[str, str]:
    script = ctx.facts.scripts.get("build", "")
    match = re.search(r"(?:--outDir|--out-dir|--dest|--output)[ =]([\w./-]+)", script)
    if match:
        return match.group(1).removeprefix("./").rstrip("/"), "package.json > scripts > build"
    match = re.search(r"\bBUILD_PATH=([\w./-]+)", script)
    if match and ctx.fw.id == "cra":
        return match.group(1).removeprefix("./").rstrip("/"), "package.json > scripts > build (BUILD_PATH)"
    for key in ("outDir", "outputDir", "outputPath"):
        value = ctx.setting(key)
        if isinstance(value, str) and value.strip():
            if key == "outputPath" and (value == ".." or value.startswith("../")):  # already project-relative; Vite's outDir is resolved against root below
                raise ScaffoldError(
                    f"{ctx.setting_source(key)}: the build writes to {value}, outside the project, which a Docker build cannot copy from",
                    hint="set the output folder inside the project, or run scaffold in the folder that holds it",
                )
            return value.removeprefix("./").rstrip("/"), ctx.setting_source(key)
    return ctx.rule["out"], f"{ctx.fw.name}'s default output folder"


_RULES = {
    "next": _next,
    "nuxt": nuxt_shape,
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
    "webpack": _spa,
}
