"""The command that builds a Node app: the project's `build` script, or a build under another name.

A build script that also runs a database migration or a watcher is split (npm_scripts.rewrite_build);
with no `build` script, `compile` or `prestart` that run a compiler are the build; an install script
that only repeats the build is not run a second time.
"""

from __future__ import annotations

import re
from typing import Any

from scaffold.data import load
from scaffold.plan.model import Decision
from scaffold.providers.node.detect import NodeFacts
from scaffold.providers.node.npm_scripts import expanded_script, rewrite_build, tool_name
from scaffold.providers.node.package_manager import PackageManager


def build_command(facts: NodeFacts, pm: PackageManager, answers: dict[str, Any], warnings: list[str]) -> Decision:
    if "build" in answers and answers["build"] is not None:
        return Decision(answers["build"] or None, "--build")
    script = facts.scripts.get("build")
    if not script:
        return _fallback_build(facts, pm)
    split = rewrite_build(facts.scripts, facts.tsconfig_no_emit)
    if split is None:
        return Decision(pm.run("build"), "package.json > scripts > build")
    changes: list[str] = []
    # (the steps, what the source says of them, why the warning gives)
    for steps, change, why in (
        (split.dropped, "without {} (needs the database)", "which needs the app's database: a docker build has none, so the image build leaves it out; "
         "run it against the database when you deploy (or pass --build to choose the build command)"),
        (split.unwatched, "{} run once, without the watch flag", "which watches and never exits: the image build runs it once without the flag "
         "(a build script for production should not watch; or pass --build)"),
        (split.unchecked, "without {} (a type check that emits nothing)", "a type check that emits nothing the image uses (tsconfig noEmit): "
         "the image build leaves it out, so a type error does not stop the image; type-check in CI (or pass --build to keep it)"),
    ):
        if steps:
            shown = ", ".join(f"`{step}`" for step in steps)
            changes.append(change.format(shown))
            warnings.append(f"package.json > scripts > build runs {shown}, {why}")
    if not split.kept:
        return Decision(None, f"package.json > scripts > build only runs {', '.join(f'`{s}`' for s in split.dropped)} (needs the database)")
    return Decision(" && ".join(split.kept), "package.json > scripts > build, " + "; ".join(changes))


def only_rebuilds(facts: NodeFacts, pm: PackageManager, lifecycle: str, build: Decision) -> bool:
    """Whether an install script does nothing the build command does not (`"prepare": "yarn run compile"` beside a build of compile)."""
    name = next((n for n in facts.scripts if build.value and pm.run(n) == build.value), None)
    if name is None:
        return False

    def steps(script_name: str) -> set[str]:
        return {" ".join(step.split()) for step in expanded_script(facts.scripts[script_name], facts.scripts).split("&&") if step.strip()}

    runs = {" ".join(pm.run(n).split()) for n in facts.scripts} | {f"npm run {n}" for n in facts.scripts} | {f"yarn {n}" for n in facts.scripts}
    return not (steps(lifecycle) - steps(name) - runs)


def _fallback_build(facts: NodeFacts, pm: PackageManager) -> Decision:
    """With no `build` script, the script that compiles under another name (`compile`, `prestart`, `build:prod`).

    `"compile": "tsc -b"` beside `"start": "node build/src/index.js"` is a build in all but name; only a
    script whose steps run a compiler or bundler (node.toml > build_tools) counts, so `prestart: node check.js` does not.
    """
    rules = load("node")
    tools = set(rules["build_tools"])
    for name in rules["build_script_fallbacks"]:
        script = facts.scripts.get(name)
        if not script:
            continue
        words = {tool_name(w) for w in re.split(r"[\s;&|()]+", expanded_script(script, facts.scripts)) if w}
        if words & tools:
            return Decision(pm.run(name), f"package.json > scripts > {name} (no build script; it runs {', '.join(sorted(words & tools))})")
    return Decision(None, "no build script")
