"""Nuxt's rules: Nuxt 3/4's self-contained .output or generated site, and Nuxt 2's `nuxt start` or dist/.

Nuxt 2 is end-of-life but still common; it builds into .nuxt/, which `nuxt start`
serves with the config and the modules' folders beside it, and it listens on
localhost unless HOST says otherwise. Its settings are node_frameworks.toml's
`legacy_*` keys.
"""

from __future__ import annotations

from scaffold.plan.model import Decision
from scaffold.providers.node.framework_shapes import (
    FrameworkContext,
    RuntimeShape,
    custom_server,
    generic_shape,
    node_shape,
    output_copy,
    static_shape,
)


def nuxt_shape(ctx: FrameworkContext) -> RuntimeShape:
    if (ctx.fw.major or 3) < int(ctx.rule["legacy_below"]):
        return _nuxt2(ctx)
    build_script = ctx.facts.scripts.get("build", "")
    generate = next((cmd for cmd in ctx.rule["static_build"] if cmd in build_script), None)
    if generate:
        ssr_off = ctx.setting("ssr") is False
        return static_shape(
            ctx, "generated", Decision(ctx.rule["static_out"], f"package.json > scripts > build ({generate})"),
            ctx.rule["spa_fallback"] if ssr_off else None,
            f"package.json > scripts > build ({generate})",
        )
    custom = custom_server(ctx, (ctx.rule["out"],))
    if custom:
        return generic_shape(ctx, custom)
    out = ctx.rule["out"]
    return node_shape(
        ctx, "server", start=["node", f"{out}/server/index.mjs"], start_source=ctx.source("Nitro's node-server output"),
        output=Decision(out, "Nuxt build folder"), copies=[output_copy(out)], prod_deps=False,
        notes=[f"Nuxt's {out}/ is self-contained (server code and the node_modules it traced): no install reaches the image"],
    )


def _nuxt2(ctx: FrameworkContext) -> RuntimeShape:
    """Nuxt 2: `nuxt generate` is a static dist/; otherwise `nuxt start` on the whole built app, bound to every interface."""
    build_script = ctx.facts.scripts.get("build", "")
    if "nuxt generate" in build_script:
        site = static_shape(ctx, "generated, Nuxt 2", Decision(ctx.rule["legacy_static_out"], "package.json > scripts > build (nuxt generate)"), None, "package.json > scripts > build (nuxt generate)")
        site.build_env = dict(ctx.rule["legacy_build_env"])
        return site
    shape = node_shape(
        ctx, "server, Nuxt 2", start=list(ctx.rule["legacy_start"]), start_source=ctx.source("Nuxt 2 serves its .nuxt build with `nuxt start`"),
        output=None, copies=None, prod_deps=True,
        notes=[f"Nuxt {ctx.fw.major} is end-of-life: the image runs `nuxt start` on the whole built app (dev dependencies pruned), with HOST=0.0.0.0, since Nuxt 2 listens on localhost by default"],
    )
    shape.env = dict(ctx.rule["legacy_env"])
    shape.build_env = dict(ctx.rule["legacy_build_env"])
    return shape
