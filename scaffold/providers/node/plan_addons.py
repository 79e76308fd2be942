"""System packages for native addons and Prisma, and the Prisma client's build step.

A compiler is needed only where packages are installed, so it goes into a
``build-base`` stage that the deps and build stages start from; the runtime
stage starts from the plain base image and gets only the shared libraries the
app loads (OpenSSL for Prisma, cairo for canvas). Compiled addons link against
libstdc++, which every Node image already has.

apt package versions are not pinned (hadolint DL3008 is silenced with a reason in
the Dockerfile): Debian replaces versions with security fixes and drops the old
ones from its mirrors, so a pinned version breaks the build within weeks, while
the base image tag already fixes the Debian release and with it the ABI.
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass, field
from typing import Any

from scaffold.data import load
from scaffold.providers.node.detect import NodeFacts
from scaffold.plan.model import Decision
from scaffold.providers.node.package_manager import PackageManager

# node-gyp reads the headers the Node image ships instead of downloading them.
NODE_HEADERS_ENV = "npm_config_nodedir=/usr/local"


@dataclass
class SystemPackages:
    build: list[str] = field(default_factory=list)  # Debian packages for the install and build stages
    build_why: list[str] = field(default_factory=list)
    runtime: list[str] = field(default_factory=list)  # Debian packages for the final stage
    runtime_why: list[str] = field(default_factory=list)
    compiles: bool = False  # a native addon may build from source
    decisions: dict[str, Decision] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def system_packages(facts: NodeFacts, pm: PackageManager) -> SystemPackages:
    data = load("node_native")
    out = SystemPackages()
    native = facts.native
    reasons: list[str] = []
    if native is not None:
        reasons += [f"{f.value} ({f.source})" for f in native.known]
        reasons += [f"{f.value} ({f.source})" for f in native.install_scripts]
        if native.root_gyp:
            reasons.append("binding.gyp (the project's own addon)")
    if reasons:
        out.compiles = True
        _add(out.build, data["toolchain"])
        out.build_why.append("native addons")
        shown = ", ".join(reasons[:4]) + (" …" if len(reasons) > 4 else "")
        out.decisions["native_toolchain"] = Decision(" ".join(data["toolchain"]), shown)
        out.notes.append(
            f"native addons may compile during the install ({shown}): python3, make and g++ are in the install stages only; the final image has no compiler"
        )
        for found in native.known:
            extra = data.get("extra", {}).get(found.value)
            if extra:
                _add(out.build, extra["build"])
                _add(out.runtime, extra["runtime"])
                out.runtime_why.append(f"{found.value}'s shared libraries")
        _pnpm_warning(facts, pm, out)
    if facts.prisma is not None:
        prisma = data["prisma"]
        out.decisions["prisma"] = Decision(facts.prisma.schema or "no schema", f"{facts.prisma.package.source} + {facts.prisma.schema_source}")
        rust_free = _rust_free(facts)
        if rust_free:
            out.notes.append(f"Prisma runs without its Rust engine ({rust_free}): no OpenSSL is installed")
        else:
            _add(out.build, prisma["runtime"])
            _add(out.runtime, prisma["runtime"])
            out.build_why.append("Prisma")
            out.runtime_why.append("Prisma's engine")
            out.notes.append("Prisma's engine loads OpenSSL and detects it with `openssl version`: openssl is installed in the build and final stages")
    if facts.git_dependencies:
        _add(out.build, data["git"]["build"])
        out.build_why.append("git dependencies")
        shown = ", ".join(f"{f.value} ({f.source})" for f in facts.git_dependencies[:3]) + (" …" if len(facts.git_dependencies) > 3 else "")
        out.decisions["git"] = Decision(" ".join(data["git"]["build"]), shown)
        out.notes.append(
            f"dependencies come from git repositories ({shown}): git is in the install stages only; "
            "a private repository also needs credentials at build time (docker build --ssh default, with RUN --mount=type=ssh)"
        )
    if facts.build_commands:
        _add(out.build, [f.value for f in facts.build_commands])
        out.build_why.append("programs the build script runs")
        out.decisions["build_programs"] = Decision(" ".join(dict.fromkeys(f.value for f in facts.build_commands)), "; ".join(f.source for f in facts.build_commands))
    if out.runtime:
        out.decisions["runtime_packages"] = Decision(" ".join(out.runtime), " + ".join(out.runtime_why))
    return out


def _rust_free(facts: NodeFacts) -> str | None:
    """Why the Prisma client needs no query engine binary (and so no OpenSSL), if it does not."""
    prisma = facts.prisma
    if prisma.major is not None and prisma.major >= int(load("node_native")["prisma"]["rust_free_from"]):
        return f"Prisma {prisma.major}"
    if prisma.engine_types and all(e == "client" for e in prisma.engine_types):
        return f'{prisma.schema} > engineType = "client"'
    return None


def _add(target: list[str], packages: list[str]) -> None:
    target.extend(p for p in packages if p not in target)


PNPM_ALLOW_BUILDS = "--dangerously-allow-all-builds"


def pnpm_blocked_addons(facts: NodeFacts, pm: PackageManager) -> list[str]:
    """Native addons whose build scripts pnpm 10+ would skip (not in onlyBuiltDependencies)."""
    if pm.name != "pnpm" or not pm.version or int(pm.version.split(".")[0]) < 10 or facts.native is None:
        return []
    allowed = facts.native.pnpm_allowed
    return [f.value for f in facts.native.known if allowed is None or f.value not in allowed]


def pnpm_allows_builds(facts: NodeFacts, pm: PackageManager) -> bool:
    """Whether the install must let pnpm run build scripts: a native addon needs its build, and the project set no allowlist.

    pnpm 10 runs no dependency build scripts unless the project lists them, and a
    project developed on pnpm 9 lists none, so its addon (bcrypt, better-sqlite3)
    would have no binary. Its CLI takes no per-package allowlist, so the install
    allows every build, as npm and Yarn do; a project that sets
    onlyBuiltDependencies made its choice, and keeps it (with a warning).
    """
    return bool(pnpm_blocked_addons(facts, pm)) and facts.native.pnpm_allowed is None


def _pnpm_warning(facts: NodeFacts, pm: PackageManager, out: SystemPackages) -> None:
    blocked = pnpm_blocked_addons(facts, pm)
    if not blocked:
        return
    if pnpm_allows_builds(facts, pm):
        out.notes.append(
            f"pnpm {pm.version} skips dependency build scripts unless they are allowed, and {', '.join(blocked)} needs its build: the install runs "
            f"with {PNPM_ALLOW_BUILDS} (as npm and Yarn do); list the packages in pnpm.onlyBuiltDependencies to allow only those"
        )
        return
    out.warnings.append(
        f"pnpm {pm.version} skips the build scripts of {', '.join(blocked)} unless they are listed in pnpm.onlyBuiltDependencies: "
        "without it the addon has no compiled binary at run time"
    )


# -- Prisma ------------------------------------------------------------------------

@dataclass
class PrismaSteps:
    install_files: list[str]  # copied before the install: the client's postinstall reads the schema
    generate: str | None  # command run in the build stage before the build script
    generated: list[str]  # paths under /app the runtime needs from the build stage
    node_modules_client: bool  # generated into node_modules (prisma-client-js without output)


def prisma_steps(facts: NodeFacts, bun: bool = False) -> PrismaSteps | None:
    """What Prisma adds to the build; ``bun``: the image has Bun and no Node, so the CLI (a node script) runs under bun."""
    prisma = facts.prisma
    if prisma is None:
        return None
    install_files: list[str] = []
    if prisma.schema:
        top = prisma.schema.split("/", 1)[0]
        install_files.append(top if "/" in prisma.schema else prisma.schema)
    if prisma.config_file:
        install_files.append(prisma.config_file)
    build = facts.scripts.get("build", "")
    generate = None if "prisma generate" in build else f"{'bun ' if bun else ''}node_modules/.bin/prisma generate"
    if prisma.cli_dependency is None:
        generate = None  # no CLI to run; the client's own postinstall is all there is
    placeholders = load("node_native")["prisma"]["generate_placeholder_urls"]
    if generate and prisma.config_env:
        url = placeholders.get(prisma.datasource or "", placeholders["postgresql"])
        generate = " ".join([*(f"{name}={shlex.quote(url)}" for name in prisma.config_env), generate])
    generated: list[str] = []
    in_node_modules = False
    schema_dir = prisma.schema if prisma.schema and not prisma.schema.endswith(".prisma") else posixpath.dirname(prisma.schema or "prisma/schema.prisma")
    for provider, output in prisma.generators or (("prisma-client-js", None),):
        if not provider.startswith("prisma-client"):
            continue
        if output is None:
            in_node_modules = True
            continue
        path = posixpath.normpath(posixpath.join(schema_dir, output))
        if path.startswith("node_modules/"):
            in_node_modules = True
        elif not path.startswith(".."):
            generated.append(path.split("/", 1)[0] if path.startswith("node_modules") else path)
    return PrismaSteps(install_files, generate, generated, in_node_modules)


# -- Node lines native addons build on ---------------------------------------------------

def _satisfies(nodesemver: Any, version: str, spec: str) -> bool:
    try:
        return bool(version) and bool(nodesemver.satisfies(version, spec, True))
    except (ValueError, TypeError):
        return False


def node_line(facts: NodeFacts, override: str | None, lockfile: str | None, notes: list[str], warnings: list[str]) -> Decision:
    """The Node line: the project's hints (or --node-version), lowered to what its locked packages build
    and run on when the hints name no line or their range allows the older one; else a warning."""
    from scaffold.providers.node.version import resolve_node_major

    version = resolve_node_major(facts.node_version_hints, override)
    warnings.extend(version.warnings)
    major = int(version.decision.value)
    limits = [found for found in (native_node_limit(facts, major, lockfile), declared_node_limit(facts, major, lockfile)) if found is not None]
    limit = (min(m for m, _ in limits), "; ".join(why for _, why in limits)) if limits else None
    if limit is None:
        return version.decision
    if version.decision.source.startswith("versions.toml"):
        return Decision(limit[0], limit[1])
    if version.allows(limit[0]):
        # engines ">= 14" picked the newest line; the range allows the older one a locked package needs
        notes.append(f"{version.decision.source} ({version.range_spec!r}) allows Node {major}, but {limit[1]}: the image uses Node {limit[0]}, which the range also allows")
        return Decision(limit[0], f"{version.decision.source} ({version.range_spec!r}) allows it, and {limit[1]}")
    warnings.append(f"{version.decision.source} asks for Node {major}, but {limit[1]}: the image may not build or start on it")
    return version.decision


def build_node_major(facts: NodeFacts) -> int:
    """The Node line a front-end build of another stack's image runs on, chosen as the Node provider chooses it."""
    return int(node_line(facts, None, facts.lockfiles[0] if facts.lockfiles else None, [], []).value)


def _locked_copies(facts: NodeFacts, lockfile: str | None) -> dict[str, list[str]]:
    """Every version the lock holds of each package (nested copies too, where the lock format tells them)."""
    details = facts.lock_details.get(lockfile or "", {})
    return details.get("copies") or {name: [v[0]] for name, v in (details.get("locked") or {}).items()}


def declared_node_limit(facts: NodeFacts, major: int, lockfile: str | None) -> tuple[int, str] | None:
    """The Node line a lockless toolchain runs on: a declared range every release of which brings an old
    webpack (react-scripts 2.1.8, `"webpack": "^4.46.0"`), from node_native.toml's declared_limits.

    A package the lock holds is judged by its locked version instead (runtime_limits).
    """
    locked = _locked_copies(facts, lockfile)
    declared = facts.all_dependencies
    rows = [r for r in load("node_native").get("declared_limits", []) if r["package"] in declared and r["package"] not in locked and major > int(r["max_node"])]
    if not rows:
        return None
    import nodesemver  # lazy, as above

    hits = [r for r in rows if _range_below(nodesemver, declared[r["package"]], r["below"])]
    if not hits:
        return None
    return min(int(r["max_node"]) for r in hits), "; ".join(
        f"package.json > {r['package']} {declared[r['package']]!r} {r['why']} (node_native.toml > declared_limits)" for r in hits
    )


def _range_below(nodesemver: Any, spec: str, version: str) -> bool:
    """Whether every version the range allows is below `version`: each of its alternatives is an exact
    version or has an upper bound under it. A tag, URL or open range (`*`, `>=3`) is not."""
    try:
        alternatives = nodesemver.make_range(spec, True).set
    except (ValueError, TypeError, AttributeError):
        return False

    def bounded(comparators: list[Any]) -> bool:
        # `<5.0.0` may reach up to 5.0.0 exclusive; `<=4.9.0` and an exact `4.9.0` must stay under it
        return any(
            isinstance(c.semver, nodesemver.SemVer)
            and (nodesemver.lte if c.operator == "<" else nodesemver.lt)(str(c.semver), version, True)
            for c in comparators if c.operator in ("", "=", "<", "<=")
        )

    return bool(alternatives) and all(bounded(cs) for cs in alternatives)


def native_node_limit(facts: NodeFacts, major: int, lockfile: str | None) -> tuple[int, str] | None:
    """The newest Node line every locked native addon builds on, and every locked package runs on, when `major` is too new.

    Evidence: the addon's own engines range in the lockfile, node_native.toml's
    node_limits for releases that declare none, and its runtime_limits for plain
    packages that break on a newer line (an API Node removed). Returns (major, why) or None.
    """
    native = facts.native
    locked = facts.lock_details.get(lockfile or "", {}).get("locked") or {}
    copies = _locked_copies(facts, lockfile)
    runtime_rows = [r for r in load("node_native").get("runtime_limits", []) if r["package"] in copies and major > int(r["max_node"])]
    has_addons = native is not None and bool(native.known or native.install_scripts)
    if (not has_addons and not runtime_rows) or not locked:
        return None
    import nodesemver  # lazy: most projects have no native addon, and it costs 10 ms to import

    from scaffold.data import versions

    names = {f.value for f in (*native.known, *native.install_scripts)} if native is not None else set()
    lines = sorted({int(v) for v in (*versions()["node"]["supported"], *versions()["node"]["known"])}, reverse=True)
    allowed = [m for m in lines if m <= major]
    reasons: list[str] = []
    for row in runtime_rows:
        version = next((v for v in copies[row["package"]] if _satisfies(nodesemver, v, row["affected"])), None)
        if version is not None:
            allowed = [m for m in allowed if m <= int(row["max_node"])]
            reasons.append(f"{lockfile} > {row['package']} {version} {row['why']} (node_native.toml > runtime_limits)")
    for name in sorted(names):
        version, engines = locked.get(name, ("", None))
        if not version:
            continue
        if engines and not _line_ok(major, engines):
            allowed = [m for m in allowed if _line_ok(m, engines)]
            reasons.append(f"{lockfile} > {name} {version} > engines > node ({engines!r})")
            continue
        for limit in load("node_native").get("node_limits", []):
            if limit["package"] == name and major > int(limit["max_node"]):
                try:
                    older = nodesemver.lt(version, limit["below"], True)
                except (ValueError, TypeError):
                    older = False
                if older:
                    allowed = [m for m in allowed if m <= int(limit["max_node"])]
                    reasons.append(f"{lockfile} > {name} {version} builds on Node <= {limit['max_node']} (node_native.toml > node_limits)")
                    break  # a package's rows run from its oldest releases up: the first that applies is the tightest
    if not reasons or not allowed:
        return None
    return allowed[0], "; ".join(reasons)


def _line_ok(major: int, spec: str) -> bool:
    import nodesemver

    try:
        return any(nodesemver.satisfies(v, spec, True) for v in (f"{major}.0.0", f"{major}.99.99"))
    except (ValueError, TypeError):
        return True


def download_skips(native: Any, production: set[str], notes: list[str], warnings: list[str]) -> list[str]:
    """The install's environment that skips browser and binary downloads, and what the plan says about it."""
    if native is None or not native.downloads:
        return []
    data = load("node_native")["downloads"]
    env: list[str] = []
    for found in native.downloads:
        for setting in data[found.value]:
            if setting not in env:
                env.append(setting)
    names = ", ".join(str(f.value) for f in native.downloads)
    notes.append(f"{names} download a browser or binary while installing: skipped with {' '.join(env)}")
    for found in native.downloads:
        if found.value in data["runtime_browsers"] and found.value in production:
            warnings.append(
                f"package.json > dependencies > {found.value}: a production dependency that drives a browser, and the image has none; "
                "install one in the runtime stage (Debian's chromium) and point the library at it, or move it to devDependencies"
            )
    return env
