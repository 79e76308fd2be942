"""The Node dependency install: which files it copies, its build secrets, and the commands around it.

A production install must not run scripts that need devDependencies (husky, a dev-only postinstall), so
such installs run with --ignore-scripts and then rebuild the native addons and re-apply patch-package
patches that the skipped scripts would have; npm's devOptional leftovers are removed; a prune after the
build is the package manager's own.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from scaffold import shell_words
from scaffold.data import load
from scaffold.detect.presence import Presence
from scaffold.plan.steps import BuildSecret
from scaffold.providers.node.detect import NodeFacts
from scaffold.providers.node.plan_addons import PrismaSteps
from scaffold.providers.node.npm_scripts import expanded_script, package_of_module
from scaffold.providers.node.package_manager import PackageManager


def dependency_files(facts: NodeFacts, pm: PackageManager, prisma: PrismaSteps | None = None) -> list[str]:
    files = ["package.json"]
    if pm.lockfile:
        files.append(pm.lockfile)
    for rc in (".npmrc", ".yarnrc.yml", ".yarnrc", "bunfig.toml"):
        if facts.has(rc):
            files.append(rc)
    files.extend(facts.yarn_releases and [".yarn/releases"] or [])
    files.extend(f for f in facts.extra_install_files if f not in files)
    if prisma is not None:
        # @prisma/client's postinstall generates the client from the schema
        files.extend(f for f in prisma.install_files if f not in files)
    return files


def copy_groups(files: list[str], presence: Presence | None = None) -> list[dict[str, Any]]:
    """Group top-level files into one COPY; folders and nested files each keep their path."""
    def is_dir(path: str) -> bool:
        return _is_dir_like(path) or (presence is not None and presence.has_dir(path))

    plain = [f for f in files if not is_dir(f) and "/" not in f]
    groups: list[dict[str, Any]] = []
    if plain:
        groups.append({"src": plain, "dest": "./"})
    for f in files:
        if is_dir(f):
            groups.append({"src": [f], "dest": f"./{f}/"})
        elif "/" in f:
            groups.append({"src": [f], "dest": f"./{f.rsplit('/', 1)[0]}/"})
    return groups


def _is_dir_like(path: str) -> bool:
    return path in ("patches", ".yarn/releases", ".yarn/patches", ".yarn/plugins", "prisma")


def secret_mounts(facts: NodeFacts) -> tuple[list[dict[str, Any]], list[str]]:
    """Config files with credentials are mounted as build secrets, never copied."""
    secrets: list[dict[str, str]] = []
    notes: list[str] = []
    for rc in facts.rc_files:
        if rc.literal_secret:
            ident = rc.path.lstrip(".").replace(".", "_")
            target = f"/app/{rc.path}"
            secrets.append({
                "file": rc.path,
                "mount": f"--mount=type=secret,id={ident},target={target},required=true",
                "secret": BuildSecret.file(ident, rc.path),
            })
            notes.append(
                f"{rc.path} holds a credential: it is kept out of the build context and mounted only during the install (docker build --secret id={ident},src={rc.path})"
            )
        for var in rc.env_tokens:
            ident = var.lower()
            secrets.append({
                "file": "",
                "mount": f"--mount=type=secret,id={ident},required=true",
                "env": f'{var}="$(cat /run/secrets/{ident})"',
                "secret": BuildSecret.environment(ident, var),
            })
            notes.append(
                f"{rc.path} reads ${{{var}}}: pass it as a build secret (docker build --secret id={ident},env={var}); it never lands in a layer"
            )
    return secrets, notes


def lifecycle_needs_dev_tools(facts: NodeFacts) -> tuple[str, str] | None:
    """A root install script (husky's prepare, say) that calls a devDependency breaks a production install."""
    dev_bins = {b for details in facts.lock_details.values() for b in details.get("dev_only_bins", ())}
    for name in load("node")["install_lifecycle_scripts"]:
        script = expanded_script(facts.scripts.get(name, ""), facts.scripts)  # `postinstall: npm run build` runs tsc
        if not script:
            continue
        for word in re.split(r"[\s;&|()=]+", script):
            package = package_of_module(word)  # `-r ts-node/register` loads the ts-node package
            if package in facts.dev_dependencies and package not in facts.dependencies:
                return name, package
            if word in dev_bins and "||" not in script:  # `svelte-kit sync || echo ''` tolerates its absence
                return name, word
            owner = load("node")["bin_owners"].get(word)  # `bun react-router typegen`: @react-router/dev's binary
            if owner and owner in facts.dev_dependencies and owner not in facts.dependencies and "||" not in script:
                return name, owner
            if word == "prisma" and "prisma" in facts.dev_dependencies:
                return name, word
    return None


def lifecycle_sets_git_hooks(facts: NodeFacts) -> str | None:
    """The root install script that sets up the developer's git hooks (`git config core.hooksPath .githooks`,
    `echo … > .git/hooks/pre-commit`), if one does.

    The build context has no .git and the image no git, so such a script fails every install,
    the build stage's too; what it does matters only in a clone.
    """
    for name, command in _lifecycle_commands(facts):
        if command[0] == "git" or any(w == ".git" or w.startswith((".git/", "./.git/")) for w in command):
            return name
    return None


def _lifecycle_commands(facts: NodeFacts) -> list[tuple[str, list[str]]]:
    """(script name, command words) for each command of the root's install lifecycle scripts, split by the shell lexer."""
    out: list[tuple[str, list[str]]] = []
    for name in load("node")["install_lifecycle_scripts"]:
        script = expanded_script(facts.scripts.get(name, ""), facts.scripts)
        if not script:
            continue
        try:
            words = shell_words.split(script)
        except ValueError:
            continue
        out += [(name, command) for command in shell_words.commands(words)]
    return out


_RUNNER_WORDS = frozenset({"npx", "bunx", "bun", "pnpm", "yarn", "exec", "dlx", "--yes", "-y"})


def lifecycle_reads_sources(facts: NodeFacts) -> str | None:
    """The root install script that runs a code generator reading the sources (`bun react-router typegen`), if one does."""
    wanted = [c.split() for c in load("node")["source_reading_install_commands"]]
    for name, command in _lifecycle_commands(facts):
        while command and command[0] in _RUNNER_WORDS:
            command = command[1:]
        if any(command[: len(w)] == w for w in wanted):
            return name
    return None


def strip_dev_optional(facts: NodeFacts, pm: PackageManager) -> str | None:
    """`rm -rf` of the devDependencies npm's production install keeps as optional peers."""
    if pm.name != "npm" or not pm.lockfile:
        return None
    paths = facts.lock_details.get(pm.lockfile, {}).get("dev_optional_peers") or []
    if not paths:
        return None
    lines, line = [], "rm -rf"
    for path in paths:
        if len(line) + len(path) > 90:
            lines.append(line)
            line = "   "
        line += f" {path}"
    lines.append(line)
    return " \\\n       ".join(lines)


def rebuild_native(facts: NodeFacts, pm: PackageManager) -> str | None:
    """The command that runs the install scripts of native addons after an --ignore-scripts install."""
    native = facts.native
    if native is None or pm.name not in ("npm", "pnpm", "yarn"):
        return None
    names = [f.value for f in (*native.known, *native.install_scripts) if f.value in facts.dependencies or f.source != "package.json > devDependencies"]
    names += native.rebuilt
    if not names:
        return None
    tool = "pnpm" if pm.name == "pnpm" else "npm"
    return f"{tool} rebuild {' '.join(sorted(set(names)))}"


def patch_tools(facts: NodeFacts, pm: PackageManager) -> list[str]:
    """Commands that re-run patch tools (patch-package) that --ignore-scripts skipped.

    Without them the production image would run unpatched dependencies. A tool that is a
    devDependency is not installed there, so npx fetches the project's version (the lockfile's
    exact one when npm's says it) into the cache mount, not into the image.
    """
    if pm.name not in ("npm", "yarn") or (pm.name == "yarn" and pm.berry):
        return []  # pnpm and Yarn 2+ apply patches natively (patchedDependencies, patch: protocol)
    commands: list[str] = []
    scripts = " ".join(facts.scripts.get(name, "") for name in load("node")["install_lifecycle_scripts"])
    words = set(re.split(r"[\s;&|()]+", scripts))
    for tool in load("node")["install_patch_tools"]:
        if tool not in words:
            continue
        if tool in facts.dependencies:
            commands.append(f"node_modules/.bin/{tool}")
        elif tool in facts.dev_dependencies:
            locked = (facts.lock_details.get(pm.lockfile or "", {}).get("locked") or {}).get(tool)
            version = locked[0] if locked and locked[0] else facts.dev_dependencies[tool]
            commands.append(f"npx --yes {shlex.quote(f'{tool}@{version}')}")
    return commands


def with_ignore_scripts(command: str, pm: PackageManager) -> str:
    if pm.name == "yarn" and pm.berry:
        return command  # yarn berry never runs the root's own lifecycle on focus
    return f"{command} --ignore-scripts"


def prune_command(pm: PackageManager) -> str | None:
    if pm.name == "npm":
        # prune rebuilds the ideal tree, and refuses the lock's peer conflicts as npm install does
        return f"npm prune --omit=dev --no-audit --no-fund{' --legacy-peer-deps' if pm.legacy_peers else ''}"
    if pm.name == "pnpm":
        return "pnpm prune --prod"
    if pm.name == "yarn" and pm.berry:
        return "yarn workspaces focus --all --production" if pm.can_focus else None
    if pm.name == "yarn":
        return "yarn install --frozen-lockfile --production --non-interactive --ignore-engines --ignore-scripts"
    return "bun install --frozen-lockfile --production"
