"""The package manager, its pinned version, and the commands and caches that go with it.

Order of evidence: a CLI flag, then package.json's packageManager field, then
the lockfile. A package manager other than npm is installed at the version the
project pins, or (with no pin) at the version that writes that lockfile format,
never "latest", so the image does not change under the project.
"""

from __future__ import annotations

import re

from dataclasses import dataclass

from scaffold.data import load, versions
from scaffold.providers.node.detect import NodeFacts
from scaffold.providers.node.lockfiles import LOCK_TO_PM
from scaffold.errors import UsageError
from scaffold.plan.model import Decision

KNOWN = ("npm", "pnpm", "yarn", "bun")


def drop_mirror_urls(lockfile: str, hosts: tuple[str, ...], unscoped_only: tuple[str, ...] = ()) -> str:
    """A command that removes the lock's `resolved` URLs on these mirror hosts, in the build's copy only.

    npm and Yarn 1 then fetch each locked name@version from the configured registry and check it
    against the lock's integrity hash, which a mirror's tarball (the registry's own bytes) shares.
    On ``unscoped_only`` hosts (a company's proxy of npm) only unscoped packages lose their URL:
    an @company/ package may live on that registry alone. package-lock.json is JSON, so node
    rewrites it; yarn.lock's `resolved` lines are deleted by sed.
    """
    def alternation(names: tuple[str, ...]) -> str:
        return "|".join(h.replace(".", "\\.") for h in names)

    yarn = lockfile == "yarn.lock"
    parts = [f"({alternation(hosts)})\\/"] if hosts else []
    if unscoped_only:
        parts.append(f"({alternation(unscoped_only)})\\/[^@\"#]*(#|\"|$)" if yarn else f"({alternation(unscoped_only)})\\/(?![^#]*@)")
    pattern = parts[0] if len(parts) == 1 and hosts else f"({'|'.join(parts)})" if yarn else f"(?:{'|'.join(parts)})"
    if yarn:
        return f"sed -i -E '/^[[:space:]]+resolved \"https?:\\/\\/{pattern}/d' yarn.lock"
    return (
        f"node -e 'const fs=require(\"fs\"),f=\"{lockfile}\",l=JSON.parse(fs.readFileSync(f,\"utf8\")),m=/^https?:\\/\\/{pattern}/;"
        "(function w(o){if(o&&typeof o==\"object\"){if(typeof o.resolved==\"string\"&&m.test(o.resolved))delete o.resolved;Object.values(o).forEach(w)}})(l);"
        "fs.writeFileSync(f,JSON.stringify(l))'"
    )


@dataclass(frozen=True)
class PackageManager:
    name: str  # npm | pnpm | yarn | bun
    version: str | None  # exact version to install, None = the image's own
    berry: bool  # yarn 2+
    lockfile: str | None
    cache_target: str
    cache_id: str
    # Yarn Berry can install production dependencies only through `workspaces focus`, which ships
    # with Yarn 4 and is a plugin (workspace-tools) on Yarn 2 and 3.
    can_focus: bool = True
    # False when the lockfile no longer matches package.json: a frozen install would refuse it
    frozen: bool = True
    # npm 6 wrote lockfileVersion 1 and never enforced peer dependencies; npm 7+ refuses
    # such a tree (ERESOLVE) unless told to resolve peers the old way
    legacy_peers: bool = False
    # public npm mirrors the lock's resolved URLs name (registry.npm.taobao.org): the install drops those URLs
    mirror_hosts: tuple[str, ...] = ()
    # registries no project config names that proxy npm (a company Nexus): their unscoped packages' URLs are dropped
    proxy_hosts: tuple[str, ...] = ()

    @property
    def cache_mount(self) -> str:
        """The BuildKit cache mount of the install cache.

        Yarn 1 extracts into its cache in place and corrupts it when two installs
        write at once ("Extracting tar content ... failed"), which BuildKit does
        with parallel deps and build stages; its mount is locked to one writer.
        npm's, pnpm's, Berry's and Bun's caches write atomically and stay shared.
        """
        locked = ",sharing=locked" if self.name == "yarn" and not self.berry else ""
        return f"--mount=type=cache,id={self.cache_id},target={self.cache_target}{locked}"

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}" if self.version else self.name

    def install(self, *, production: bool) -> str:
        """A frozen install (or a plain one without a lockfile).

        Yarn 1 refuses a dependency whose `engines` range excludes the running Node
        (a 2021 lockfile's `node-ipc` wants Node <= 17), where npm, pnpm and Berry
        only warn: --ignore-engines gives it npm's behaviour. The project's own
        engines range still picks the Node line.
        """
        frozen = self.lockfile is not None and self.frozen
        if self.name == "npm":
            verb = "ci" if frozen else "install"
            return self._off_mirrors(f"npm {verb}{' --omit=dev' if production else ''} --no-audit --no-fund{' --legacy-peer-deps' if self.legacy_peers else ''}")
        if self.name == "pnpm":
            return f"pnpm install{' --frozen-lockfile' if frozen else ''}{' --prod' if production else ''}"
        if self.name == "yarn" and self.berry:
            if production and self.can_focus:
                return "yarn workspaces focus --all --production"
            return f"yarn install{' --immutable' if frozen else ''}"
        if self.name == "yarn":
            return self._off_mirrors(f"yarn install{' --frozen-lockfile' if frozen else ''}{' --production' if production else ''} --non-interactive --ignore-engines")
        return f"bun install{' --frozen-lockfile' if frozen else ''}{' --production' if production else ''}"

    def _off_mirrors(self, command: str) -> str:
        """``command`` preceded by dropping the lock's mirror URLs from the build's copy, when it names any."""
        if not self.lockfile or not (self.mirror_hosts or self.proxy_hosts):
            return command
        return f"{drop_mirror_urls(self.lockfile, self.mirror_hosts, self.proxy_hosts)} && {command}"

    def run(self, script: str) -> str:
        if self.name == "npm":
            return f"npm run {script}"
        return f"{self.name} run {script}"

    def run_argv(self, script: str) -> list[str]:
        return ["npm", "run", script] if self.name == "npm" else [self.name, "run", script]


_EXACT_VERSION = re.compile(r"\d{1,6}\.\d{1,6}\.\d{1,6}(?:-[0-9A-Za-z.-]{1,40})?")


def _shown(value: str) -> str:
    """A repository value quoted in a message: one line, cut short."""
    return repr(value[:40] + ("..." if len(value) > 40 else ""))  # repr shows a newline as \\n


def primary_lockfile(facts: NodeFacts) -> str | None:
    """The lockfile that decides the package manager: the first found, unless it is out of date
    and another manager's lockfile is there (one left behind by the manager the project no longer uses)."""
    if not facts.lockfiles:
        return None
    first = facts.lockfiles[0]
    stale = facts.stale_lock.value if facts.stale_lock is not None else None
    if stale == first and len({LOCK_TO_PM[lf] for lf in facts.lockfiles}) > 1:
        return next(lf for lf in facts.lockfiles if lf != stale)
    return first


def bun_marker(facts: NodeFacts) -> str | None:
    """Why a project with no lockfile and no packageManager is a Bun project, if it is one."""
    if facts.lockfiles or facts.package_manager_field:
        return None
    for package in load("node")["bun_marker_packages"]:
        for where, deps in (("dependencies", facts.dependencies), ("devDependencies", facts.dev_dependencies)):
            if package in deps:
                return f"package.json > {where} > {package} (a Bun project)"
    return "bunfig.toml (a Bun project)" if facts.has_bunfig else None


def choose_package_manager(
    facts: NodeFacts, override: str | None, node_major: int, workspace: tuple[str, str] | None = None
) -> tuple[Decision, PackageManager, list[str]]:
    """``workspace``: (manager, source) of the monorepo the app is in, which decides when nothing else does."""
    warnings: list[str] = []
    pm_data = versions()["node"]["package_managers"]
    pinned_name, pinned_version = None, None
    if facts.package_manager_field:
        raw = str(facts.package_manager_field.value)
        name, _, ver = raw.partition("@")
        ver = ver.split("+", 1)[0]
        if name in KNOWN and _EXACT_VERSION.fullmatch(ver):
            pinned_name, pinned_version = name, ver
        elif name in KNOWN:
            # Corepack accepts only name@x.y.z: "pnpm@latest", "yarn@abc" or a value carrying
            # a newline never reaches a RUN line
            pinned_name = name
            warnings.append(f"package.json > packageManager {_shown(raw)} is not {name}@x.y.z, the form Corepack accepts; ignoring its version (the plan's package_manager decision says which is used)")
        else:
            warnings.append(f"package.json > packageManager names {_shown(name)}, which scaffold does not know; ignored")
    lock_pms = [LOCK_TO_PM[name] for name in facts.lockfiles]
    if override:
        if override not in KNOWN:
            raise UsageError(f"--package-manager: {override!r} is not one of {', '.join(KNOWN)}")
        name, source = override, "--package-manager"
    elif pinned_name:
        name, source = pinned_name, "package.json > packageManager"
        if lock_pms and pinned_name not in lock_pms:
            warnings.append(f"package.json > packageManager says {pinned_name} but the lockfile is {facts.lockfiles[0]}; following packageManager (pass --package-manager to choose)")
    elif lock_pms:
        chosen = primary_lockfile(facts) or facts.lockfiles[0]
        if chosen != facts.lockfiles[0] and facts.stale_lock is not None:
            warnings.append(f"several lockfiles ({', '.join(facts.lockfiles)}); {facts.stale_lock.value} is out of date ({facts.stale_lock.source.split(' has ', 1)[-1]}), so {chosen} is used; delete the others (or pass --package-manager)")
        elif len(set(lock_pms)) > 1:
            warnings.append(f"several lockfiles ({', '.join(facts.lockfiles)}); using {chosen}; delete the others (or pass --package-manager)")
        name, source = LOCK_TO_PM[chosen], chosen
    elif bun_marker(facts):
        name, source = "bun", bun_marker(facts)
    elif workspace is not None and workspace[0] in KNOWN:
        name, source = workspace[0], f"{workspace[1]} (no lockfile)"
    elif facts.has("pnpm-workspace.yaml"):
        # only pnpm reads it, and npm rejects the workspace: protocol such a workspace's packages use
        name, source = "pnpm", "pnpm-workspace.yaml (no lockfile)"
    else:
        name, source = "npm", "default (no lockfile)"

    lockfile = next((lf for lf in facts.lockfiles if LOCK_TO_PM[lf] == name), None)
    # Without a lock, npm resolves today's versions of every range (`"connect-redis": "*"` is now a major
    # wanting redis 5 beside the project's redis 2): a peer conflict the author never had, which npm 7+
    # refuses. Such a project was written against a tree nothing enforced peers in, so peers resolve as npm 6 did.
    lockless = name == "npm" and lockfile is None
    if lockfile is None:
        peers = ", and npm resolves today's versions, whose peers may conflict: it installs with --legacy-peer-deps, as npm 6 did" if lockless else ""
        warnings.append(
            f"no lockfile for {name}: the install is not reproducible{peers}; run `{name} install` and commit the lockfile"
        )
    berry = False
    version = pinned_version if pinned_name == name else None
    if name == "yarn":
        kind = facts.lock_details.get("yarn.lock", {}).get("kind")
        berry = kind == "berry" or (version is not None and not version.startswith("1.")) or (
            kind is None and facts.yarnrc is not None
        )
        if version is None:
            version = pm_data["yarn_berry"] if berry else pm_data["yarn_classic"]
    elif name == "pnpm" and version is None:
        lock_version = str(facts.lock_details.get("pnpm-lock.yaml", {}).get("lockfileVersion", ""))
        version = pm_data["pnpm_by_lockfile"].get(lock_version, pm_data["pnpm_default"])
    elif name == "bun" and version is None:
        version = pm_data["bun"]
    cache_target, cache_id = _cache_for(name, berry)
    can_focus = not berry or _yarn_can_focus(facts, version)
    stale = facts.stale_lock is not None and facts.stale_lock.value == lockfile
    legacy = name == "npm" and lockfile is not None and str(facts.lock_details.get(lockfile, {}).get("lockfileVersion")) == "1"
    conflict = facts.lock_details.get(lockfile, {}).get("peer_conflict") if name == "npm" and lockfile and not legacy else None
    foreign = tuple(facts.lock_details.get(lockfile, {}).get("registry_hosts") or ()) if (name == "npm" or (name == "yarn" and not berry)) and lockfile else ()
    public = set(load("node")["public_registry_mirrors"])
    configured = {host for rc in facts.rc_files for host in rc.hosts}
    # A public mirror (every URL dropped), or a registry no config file of the project names (the author's
    # company proxy of npm): out of reach of a build that reaches registry.npmjs.org. Its unscoped
    # packages are npm's own; an @company/ package may exist there alone, so scoped URLs stay.
    mirrors = tuple(h for h in foreign if h in public)
    proxies = tuple(h for h in foreign if h not in public and h not in configured)
    pm = PackageManager(name, version, berry, lockfile, cache_target, cache_id, can_focus, frozen=not stale, legacy_peers=legacy or bool(conflict) or lockless, mirror_hosts=mirrors, proxy_hosts=proxies)
    if mirrors or proxies:
        kinds = []
        if mirrors:
            kinds.append(f"{', '.join(mirrors)}, {'public mirrors' if len(mirrors) > 1 else 'a public mirror'} of the npm registry (retired, or out of reach of a build network that reaches registry.npmjs.org)")
        if proxies:
            kinds.append(f"{', '.join(proxies)}, {'registries' if len(proxies) > 1 else 'a registry'} that no .npmrc or .yarnrc in the project configures (a company's or the author's own; its scoped packages keep their URLs)")
        warnings.append(
            f"{lockfile} resolves packages from {'; and '.join(kinds)}: the install drops those URLs in the build's copy of the lock, so {name} fetches the same versions from the "
            f"registry, checked against the lock's integrity hashes; `{name} install --registry=https://registry.npmjs.org` and a committed {lockfile} remove the need"
            + (", or name the registry in .npmrc and pass its token as a build secret if packages live only there" if proxies else "")
        )
    if legacy:
        warnings.append(
            f"{lockfile} is lockfileVersion 1 (npm 6, which ignored peer dependencies): the image installs with --legacy-peer-deps "
            "so npm resolves the tree as it did; `npm install` with npm 7+ and a committed lockfile v3 removes the need"
        )
    elif conflict:
        warnings.append(
            f"{lockfile}: {conflict}, a tree `npm ci` of npm 7+ refuses unless it installs with --legacy-peer-deps, as this lock was "
            "written: the image does the same; `npm install` without the flag and a committed lock removes the need"
        )
    if stale:
        warnings.append(
            f"{facts.stale_lock.source}: a frozen install would refuse it, so the image installs with `{pm.install(production=False)}`, "
            f"which resolves what the lock lacks; run `{name} install` and commit {lockfile} for a reproducible build"
        )
    if not can_focus:
        warnings.append(
            f"{source}: Yarn {version} has no `workspaces focus` without the workspace-tools plugin, so the image installs "
            "devDependencies too; `yarn plugin import workspace-tools` (committed under .yarn/plugins) or Yarn 4 lets it install production dependencies only"
        )
    return Decision(pm.label, source), pm, warnings


def _yarn_can_focus(facts: NodeFacts, version: str | None) -> bool:
    major = int(version.split(".", 1)[0]) if version and version.split(".", 1)[0].isdigit() else 4
    if major >= 4:
        return True
    plugins = (facts.yarnrc or {}).get("plugins") or []
    named = [p.get("spec") or p.get("path") if isinstance(p, dict) else p for p in plugins if isinstance(p, (dict, str))]
    return any("workspace-tools" in str(p) for p in named)


def _cache_for(name: str, berry: bool) -> tuple[str, str]:
    """The folder each package manager keeps its download cache in, as root in the image."""
    if name == "npm":
        return "/root/.npm", "npm"
    if name == "pnpm":
        return "/root/.local/share/pnpm/store", "pnpm"
    if name == "yarn" and berry:
        return "/root/.yarn/berry/cache", "yarn-berry"
    if name == "yarn":
        return "/usr/local/share/.cache/yarn", "yarn"
    return "/root/.bun/install/cache", "bun"


def setup_commands(pm: PackageManager, node_major: int, pinned_by_project: bool) -> list[str]:
    """Commands that put the pinned package manager into the image (empty: the image has it)."""
    bundles_yarn = node_major <= int(versions()["node"]["image_bundles_yarn_until"])
    if pm.name == "npm":
        return [f"npm install -g npm@{pm.version}"] if pm.version and pinned_by_project else []
    if pm.name == "pnpm":
        return [f"npm install -g pnpm@{pm.version}"]
    if pm.name == "yarn" and pm.berry:
        # @yarnpkg/cli-dist is the package Corepack itself downloads for Yarn 2+;
        # --force replaces the Yarn 1 that Node <= 24 images link at /usr/local/bin/yarn.
        force = " --force" if bundles_yarn else ""
        return [f"npm install -g{force} @yarnpkg/cli-dist@{pm.version}"]
    if pm.name == "yarn":
        if bundles_yarn and pm.version == versions()["node"]["package_managers"]["yarn_classic"]:
            return []
        force = " --force" if bundles_yarn else ""
        return [f"npm install -g{force} yarn@{pm.version}"]
    return []
