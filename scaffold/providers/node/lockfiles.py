"""What the Node lockfile says: locked versions and engines, git dependencies, dev-only binaries, and whether it matches package.json.

Every lockfile format is read here (package-lock v1-v3, npm-shrinkwrap, pnpm-lock, yarn.lock v1 and Berry,
bun.lock): a frozen install of a lockfile that lacks a declared dependency fails, so that is an error now
rather than in the build.
"""

from __future__ import annotations

import functools

import re
from typing import Any

from scaffold.detect.found import Found
from scaffold.errors import MalformedFileError
from scaffold.project import MAX_LOCKFILE_BYTES, Project

LOCKFILES = ("package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock", "bun.lockb")
LOCK_TO_PM = {
    "package-lock.json": "npm",
    "npm-shrinkwrap.json": "npm",
    "pnpm-lock.yaml": "pnpm",
    "yarn.lock": "yarn",
    "bun.lock": "bun",
    "bun.lockb": "bun",
}


def _dev_only_bins(packages: dict[str, Any]) -> list[str]:
    """Commands that only devDependencies provide (`remix` from @remix-run/dev): gone after a production install."""
    dev: set[str] = set()
    prod: set[str] = set()
    for key, meta in packages.items():
        if key.count("node_modules/") != 1 or not isinstance(meta, dict) or not isinstance(meta.get("bin"), dict):
            continue
        (dev if meta.get("dev") else prod).update(b for b in meta["bin"] if isinstance(b, str))
    return sorted(dev - prod)


def _missing_optional(packages: dict[str, Any]) -> list[str]:
    """Optional dependencies of locked packages that Node's resolution finds no entry for, or only another
    major of (npm 7's locks omitted fsevents: chokidar 3 wants fsevents ~2.3 where only 1.2.13 is locked)."""
    missing: set[str] = set()
    for key, meta in packages.items():
        if not key or not isinstance(meta, dict) or not isinstance(meta.get("optionalDependencies"), dict):
            continue
        for name, spec in meta["optionalDependencies"].items():
            # A dependency resolves from the package's own node_modules first, then its parents'
            found = packages.get(f"{key}/node_modules/{name}") or _resolve_from(packages, key, name)
            version = found.get("version") if isinstance(found, dict) else None
            if found is None or (isinstance(version, str) and isinstance(spec, str) and _other_major(version, spec)):
                missing.add(name)
    return sorted(missing)


def read_lock_details(project: Project, name: str) -> dict[str, Any]:
    if name in ("package-lock.json", "npm-shrinkwrap.json"):
        data = project.read_json(name, limit=MAX_LOCKFILE_BYTES)
        if not isinstance(data, dict):
            raise MalformedFileError(path=name, detail="the top level is not a JSON object")
        version = data.get("lockfileVersion", 1)
        root = (data.get("packages") or {}).get("") or {}
        if "packages" in data:
            names = set(root.get("dependencies") or {}) | set(root.get("devDependencies") or {}) | set(root.get("optionalDependencies") or {})
        else:
            names = set(data.get("dependencies") or {})
        packages = data.get("packages") or {}
        installs = {
            key.rsplit("node_modules/", 1)[-1]
            for key, meta in packages.items()
            if key and isinstance(meta, dict) and meta.get("hasInstallScript") and installs_on_linux(meta)
        }
        if packages:
            all_names = {key.rsplit("node_modules/", 1)[-1] for key in packages if "node_modules/" in key}
        else:
            all_names = _v1_names(data.get("dependencies") or {})
        git = sorted(
            key.rsplit("node_modules/", 1)[-1]
            for key, meta in packages.items()
            if key and isinstance(meta, dict) and _is_git_spec(str(meta.get("resolved", "")))
        ) or sorted(n for n, meta in (data.get("dependencies") or {}).items() if isinstance(meta, dict) and _is_git_spec(str(meta.get("version", ""))))
        return {
            "lockfileVersion": version,
            "root_names": names,
            "registry_hosts": _registry_hosts(packages, data.get("dependencies") or {}),
            "missing_optional": _missing_optional(packages),
            # what package.json said when the lock was written, and what was installed for it
            "root_specs": {n: str(v) for key in ("dependencies", "devDependencies", "optionalDependencies") for n, v in (root.get(key) or {}).items()} if "packages" in data else {},
            "root_versions": {key.removeprefix("node_modules/"): str(meta.get("version", "")) for key, meta in packages.items() if key.count("node_modules/") == 1 and key.startswith("node_modules/") and isinstance(meta, dict)}
            # lockfileVersion 1 has no "packages": its top-level "dependencies" are what was installed
            or {n: str(meta.get("version", "")) for n, meta in (data.get("dependencies") or {}).items() if isinstance(meta, dict)},
            "git_packages": git,
            "install_script_packages": sorted(installs),
            "all_names": all_names,
            "dev_optional_peers": _dev_optional_peers(packages),
            "peer_conflict": _peer_conflict(packages),
            # every locked copy of each package, nested ones too (next 10 carries its own postcss 8.1)
            "copies": _npm_copies(packages, data.get("dependencies") or {}),
            "dev_only_bins": _dev_only_bins(packages),
            "locked": {
                key.rsplit("node_modules/", 1)[-1]: (str(meta.get("version", "")), (meta.get("engines") or {}).get("node") if isinstance(meta.get("engines"), dict) else None)
                for key, meta in packages.items()
                if key.count("node_modules/") == 1 and isinstance(meta, dict)
            } or {  # lockfileVersion 1 has no `packages`: its top-level `dependencies` are the hoisted ones
                n: (str(meta.get("version", "")), None) for n, meta in (data.get("dependencies") or {}).items() if isinstance(meta, dict)
            },
        }
    if name == "pnpm-lock.yaml":
        data = project.read_yaml(name, limit=MAX_LOCKFILE_BYTES)
        if not isinstance(data, dict):
            raise MalformedFileError(path=name, detail="the top level is not a mapping")
        version = str(data.get("lockfileVersion", ""))
        importer = (data.get("importers") or {}).get(".") if "importers" in data else data
        importer = importer or {}
        names = set()
        specs: dict[str, str] = {}
        for key in ("dependencies", "devDependencies", "optionalDependencies"):
            table = importer.get(key) or {}
            names |= set(table)
            for dep, meta in (table.items() if isinstance(table, dict) else ()):
                if isinstance(meta, dict) and isinstance(meta.get("specifier"), str):
                    specs[dep] = meta["specifier"]  # lockfile v6+
        old_specs = importer.get("specifiers")  # lockfile v5 keeps them in one table
        if isinstance(old_specs, dict):
            specs.update({k: str(v) for k, v in old_specs.items()})
        installs = sorted(
            _pnpm_name(key)
            for key, meta in (data.get("packages") or {}).items()
            if isinstance(meta, dict) and meta.get("requiresBuild") and installs_on_linux(meta)
        )
        all_names = {_pnpm_name(key) for key in (data.get("packages") or {})}
        git = sorted(
            _pnpm_name(key)
            for key, meta in (data.get("packages") or {}).items()
            if isinstance(meta, dict) and isinstance(meta.get("resolution"), dict) and meta["resolution"].get("type") == "git"
        )
        locked: dict[str, tuple[str, str | None]] = {}
        for key, meta in (data.get("packages") or {}).items():
            pkg, ver = _pnpm_name(key), _pnpm_version(key)
            engines = meta.get("engines") if isinstance(meta, dict) else None
            if ver and (pkg not in locked or _older(ver, locked[pkg][0])):
                locked[pkg] = (ver, engines.get("node") if isinstance(engines, dict) else None)
        return {"lockfileVersion": version, "root_names": names, "root_specs": specs, "install_script_packages": installs, "all_names": all_names, "git_packages": git, "locked": locked}
    if name == "yarn.lock":
        text = project.read_text(name, limit=MAX_LOCKFILE_BYTES)
        berry = "__metadata:" in text
        names = set()
        for line in text.splitlines():
            if line and not line[0].isspace() and line.rstrip().endswith(":") and not line.startswith(("#", "__metadata")):
                for spec in line.rstrip(":").split(","):
                    spec = spec.strip().strip('"')
                    if spec:
                        names.add(spec[: spec.index("@", 1)] if "@" in spec[1:] else spec)
        git = sorted({m.group(1) for m in re.finditer(r'^"?(@?[^@\s"]+)@[^\n]*(?:git\+|git://|github:|gitlab:|bitbucket:|#commit=)', text, re.M)})
        yarn_locked: dict[str, tuple[str, str | None]] = {}
        for entry in re.finditer(r'^"?(@?[^@\s",]+)@[^\n]*:\n(?:[ \t]+[^\n]*\n){0,3}?[ \t]+version:? "?([^"\s]+)"?', text, re.M):
            pkg, ver = entry.group(1), entry.group(2)
            if pkg not in yarn_locked or _older(ver, yarn_locked[pkg][0]):
                yarn_locked[pkg] = (ver, None)
        hosts = _hosts([m.group(1) for m in re.finditer(r'^\s+resolved "(https?://[^"\s]+)', text, re.M)]) if not berry else []
        return {"kind": "berry" if berry else "classic", "root_names": None, "all_names": names, "git_packages": git, "locked": yarn_locked, "registry_hosts": hosts}
    if name == "bun.lock":
        text = project.read_text(name, limit=MAX_LOCKFILE_BYTES)
        import json

        try:
            data = json.loads(re.sub(r",(\s*[}\]])", r"\1", text))
        except json.JSONDecodeError as exc:
            raise MalformedFileError(path=name, detail=f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
        except (RecursionError, ValueError):
            raise MalformedFileError(path=name, detail="nested too deeply, or a number too long, to be a lockfile") from None
        from scaffold import file_shapes

        file_shapes.check(data, name)
        root = ((data.get("workspaces") or {}).get("")) or {}
        names = set()
        for key in ("dependencies", "devDependencies", "optionalDependencies"):
            names |= set(root.get(key) or {})
        return {"lockfileVersion": data.get("lockfileVersion"), "root_names": names}
    return {"binary": True, "root_names": None}


# the registry's own hosts: a lock resolving there needs nothing
_NPM_REGISTRIES = frozenset({"registry.npmjs.org", "registry.yarnpkg.com"})


def _registry_host(url: str) -> str | None:
    """The host of a tarball URL on a registry other than npm's: a public mirror (any URL shape), or a
    registry-shaped path (`…/name/-/name-1.0.0.tgz`, as Verdaccio, Nexus and Artifactory serve them)."""
    if not url.startswith(("https://", "http://")):
        return None
    host = url.split("/", 3)[2].lower()
    if host in _NPM_REGISTRIES:
        return None
    from scaffold.data import load

    return host if host in load("node")["public_registry_mirrors"] or "/-/" in url else None


def _hosts(urls: list[str]) -> list[str]:
    """The registries other than npm's that the `resolved` URLs name."""
    return sorted({host for url in urls if (host := _registry_host(url))})


def _registry_hosts(packages: dict[str, Any], v1_tree: dict[str, Any]) -> list[str]:
    """Registries other than npm's that the lock's `resolved` tarball URLs (`…/name/-/name-1.0.0.tgz`) point at."""
    urls: list[str] = []
    stack: list[Any] = [*packages.values(), *v1_tree.values()]
    seen = 0
    while stack and seen < 200_000:
        meta = stack.pop()
        seen += 1
        if not isinstance(meta, dict):
            continue
        resolved = meta.get("resolved")
        if isinstance(resolved, str):
            urls.append(resolved)
        nested = meta.get("dependencies")
        if isinstance(nested, dict) and "version" in meta:  # lockfileVersion 1 nests its tree
            stack.extend(nested.values())
    return _hosts(urls)


_GIT_SPEC = re.compile(r"^(git\+|git://|github:|gitlab:|bitbucket:|gist:)|^[\w.-]+/[\w.-]+(#.*)?$|\.git(#.*)?$")


def _is_git_spec(spec: str) -> bool:
    """A dependency fetched from a git repository: git+ URLs, host shorthands, "user/repo"."""
    return bool(_GIT_SPEC.search(spec.strip()))


def find_git_dependencies(deps: dict[str, str], dev: dict[str, str], details: dict[str, dict[str, Any]]) -> tuple[Found, ...]:
    """Dependencies installed from git: npm, yarn and pnpm run the git binary for some of them."""
    found = [Found(name, f"package.json > {key} > {name}") for key, table in (("dependencies", deps), ("devDependencies", dev)) for name, spec in table.items() if _is_git_spec(spec)]
    named = {f.value for f in found}
    for lockfile, info in details.items():
        found += [Found(name, lockfile) for name in info.get("git_packages") or () if name not in named]
        named |= set(info.get("git_packages") or ())
    return tuple(found)


def _npm_copies(packages: dict[str, Any], v1_tree: dict[str, Any]) -> dict[str, list[str]]:
    """Name -> the versions of all its locked copies (lockfile v2/v3 `packages`, else v1's nested tree)."""
    copies: dict[str, set[str]] = {}
    if packages:
        for key, meta in packages.items():
            if "node_modules/" in key and isinstance(meta, dict) and meta.get("version"):
                copies.setdefault(key.rsplit("node_modules/", 1)[-1], set()).add(str(meta["version"]))
    else:
        stack = [v1_tree]
        while stack:
            for dep, meta in stack.pop().items():
                if isinstance(meta, dict):
                    if meta.get("version"):
                        copies.setdefault(dep, set()).add(str(meta["version"]))
                    if isinstance(meta.get("dependencies"), dict):
                        stack.append(meta["dependencies"])
    return {name: sorted(versions) for name, versions in copies.items()}


def _peer_conflict(packages: dict[str, Any]) -> str | None:
    """The first locked package whose required peer is locked at a version outside its range, or not at all.

    npm 7+ refuses such a tree (ERESOLVE in `npm ci`), so the lock was written with
    --legacy-peer-deps or --force (react-helmet-async 2 wanting React 18 beside React 19):
    the install needs the same flag to read it. Peers resolve as Node finds them, from the
    package's folder up to the root node_modules.
    """
    for key, meta in packages.items():
        if not key or not isinstance(meta, dict) or not isinstance(meta.get("peerDependencies"), dict):
            continue
        optional = meta.get("peerDependenciesMeta") if isinstance(meta.get("peerDependenciesMeta"), dict) else {}
        for peer, spec in meta["peerDependencies"].items():
            if not isinstance(spec, str):
                continue
            found = _resolve_from(packages, key, peer)
            if (optional.get(peer) or {}).get("optional"):
                # an optional peer need not be there, but one that is must fit (typeorm 1 wanting
                # better-sqlite3 ^12 beside 13): npm ci passes, npm prune and npm install refuse
                version = str(found.get("version", "")) if isinstance(found, dict) else ""
                if version and _other_major(version, spec) and not _within(version, spec):
                    return f"{key.rsplit('node_modules/', 1)[-1]} {meta.get('version', '')} wants {peer} {spec} (an optional peer, but one it finds must fit), and the lock has {version}"
                continue
            name = f"{key.rsplit('node_modules/', 1)[-1]} {meta.get('version', '')}"
            if found is None and "node_modules/" in key and not meta.get("optional") and not meta.get("peer"):
                # npm 7+ writes every required peer into the lock; one missing was locked without them
                return f"{name} wants {peer} {spec}, which the lock does not hold"
            version = str(found.get("version", "")) if isinstance(found, dict) else ""
            if version and _other_major(version, spec) and not _within(version, spec):
                return f"{name} wants {peer} {spec}, and the lock has {version}"
    return None


_SPEC_MAJOR = re.compile(r"(?:^|[\s|^~=v])(\d+)(?=[.\s|]|$)")


def _other_major(version: str, spec: str) -> bool:
    """A cheap first look before node-semver (whose import alone costs 25 ms): a plain range of
    carets, tildes and exact versions that never names the locked major. Ranges with comparisons,
    wildcards, hyphens or URLs are left to npm."""
    if any(mark in spec for mark in (":", "/", "#", ">", "<", "*", "x", "X", " - ")):
        return False
    return version.split(".", 1)[0] not in _SPEC_MAJOR.findall(spec)


@functools.lru_cache(maxsize=4096)
def _within(version: str, spec: str) -> bool:
    """node-semver's satisfies, cached: a lock asks about the same peer ranges hundreds of times. Unreadable ranges pass."""
    import nodesemver

    try:
        return nodesemver.valid_range(spec, True) is None or bool(nodesemver.satisfies(version, spec, True))
    except (ValueError, TypeError):
        return True


def _resolve_from(packages: dict[str, Any], key: str, name: str) -> Any:
    """The entry Node's resolution finds for ``name`` from the folder of ``key``."""
    base = key.rsplit("node_modules/", 1)[0]
    while True:
        found = packages.get(f"{base}node_modules/{name}")
        if found is not None or not base:
            return found
        base = base.rstrip("/")
        base = base.rsplit("node_modules/", 1)[0] if "node_modules/" in base else ""


def _dev_optional_peers(packages: dict[str, Any]) -> list[str]:
    """Lockfile paths npm keeps in a production install although only dev tools need them.

    npm marks a devDependency "devOptional" when a production package names it as an
    optional peer (@prisma/client and the prisma CLI, many packages and typescript),
    and `--omit=dev` keeps those. An optional peer is never required, so the
    devDependency and the devOptional packages only it pulls in can go.
    """
    root = packages.get("") or {}
    dev = set(root.get("devDependencies") or {}) - set(root.get("dependencies") or {})

    def meta(name: str) -> dict[str, Any]:
        entry = packages.get(f"node_modules/{name}")
        return entry if isinstance(entry, dict) else {}

    needed_by_prod: set[str] = set()  # names a production package really depends on
    optional_peer_of_prod: set[str] = set()
    for key, entry in packages.items():
        if not key or not isinstance(entry, dict) or entry.get("dev") or entry.get("devOptional"):
            continue
        needed_by_prod |= set(entry.get("dependencies") or {}) | set(entry.get("optionalDependencies") or {})
        peer_meta = entry.get("peerDependenciesMeta") or {}
        for name in entry.get("peerDependencies") or {}:
            if (peer_meta.get(name) or {}).get("optional"):
                optional_peer_of_prod.add(name)
            else:
                needed_by_prod.add(name)
    removable = {n for n in dev if meta(n).get("devOptional") and n in optional_peer_of_prod and n not in needed_by_prod}
    changed = True
    while changed:
        changed = False
        for name in sorted(removable):
            for child in meta(name).get("dependencies") or {}:
                if child not in removable and child not in needed_by_prod and meta(child).get("devOptional"):
                    removable.add(child)
                    changed = True
    bins = {f"node_modules/.bin/{b}" for n in removable if isinstance(meta(n).get("bin"), dict) for b in meta(n)["bin"]}
    return sorted(bins | {f"node_modules/{n}" for n in removable})


def _v1_names(tree: dict[str, Any]) -> set[str]:
    """Every package name in an npm 6 (lockfileVersion 1) dependency tree."""
    names: set[str] = set()
    stack = [tree]
    while stack:
        level = stack.pop()
        for name, meta in level.items():
            names.add(name)
            if isinstance(meta, dict) and isinstance(meta.get("dependencies"), dict):
                stack.append(meta["dependencies"])
    return names


def _pnpm_version(key: str) -> str:
    """The version of a pnpm-lock.yaml packages key ("/@scope/name@1.2.3(peer)" -> 1.2.3, "/name/1.2.3" -> 1.2.3)."""
    key = key.lstrip("/").split("(", 1)[0]
    at = key.find("@", 1)
    if at > 0:
        return key[at + 1 :]
    return key.rsplit("/", 1)[-1] if "/" in key else ""


def _older(a: str, b: str) -> bool:
    """a < b for plain x.y.z versions (the lowest locked release is the one a limit must see)."""
    def parts(v: str) -> tuple[int, ...]:
        return tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.+-]", v)[:3])
    return parts(a) < parts(b)


def _pnpm_name(key: str) -> str:
    """The package name of a pnpm-lock.yaml packages key ("/@scope/name@1.2.3(peer)", "/name/1.2.3")."""
    key = key.lstrip("/").split("(", 1)[0]
    at = key.find("@", 1)
    if at > 0:
        return key[:at]
    parts = key.split("/")
    return "/".join(parts[:2]) if key.startswith("@") else parts[0]


def lock_out_of_sync(details: dict[str, dict[str, Any]], deps: dict[str, str], dev: dict[str, str], optional: dict[str, str]) -> Found | None:
    """Why a frozen install of the lockfile would fail (it lacks a declared dependency), or None.

    `npm ci`, `pnpm install --frozen-lockfile`, `yarn --frozen-lockfile` and Berry's
    `--immutable` all refuse such a lock. A stale lock is common in real repositories
    (a dependency added and the lock not committed), so the image installs without the
    frozen flag, which resolves only what is missing, and the plan warns. npm 9+ also
    refuses a v2/v3 lock that omits a package's optional dependency (fsevents, which old
    npm left out on Linux): the same holds for it.
    """
    declared = set(deps) | set(dev) | set(optional)
    for lockfile, info in details.items():
        names = info.get("root_names")
        if names is None:
            names = info.get("all_names")
        if names is None:
            continue
        missing = sorted(declared - names)
        if missing:
            shown = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
            return Found(lockfile, f"{lockfile} has no entry for {shown} (declared in package.json)")
        unlocked = info.get("missing_optional") or []
        if unlocked:
            return Found(lockfile, f"{lockfile} omits the optional dependency {', '.join(unlocked[:3])} of a locked package, which npm ci refuses")
        changed = _changed_specs(lockfile, info, {**optional, **dev, **deps})
        if changed:
            return Found(lockfile, f"{lockfile} was written for other versions of {changed} than package.json asks for")
    return None


def _changed_specs(lockfile: str, info: dict[str, Any], declared: dict[str, str]) -> str | None:
    """A dependency whose package.json range the lock no longer answers, shown as "eslint (^9.39.5)".

    pnpm's frozen install compares the specifiers themselves; npm ci checks that the
    locked version satisfies the range, so for npm a changed range is judged with
    node-semver (imported only then). Ranges that are not semver (git, file:, npm:
    aliases, workspace:) are left alone.
    """
    specs: dict[str, str] = info.get("root_specs") or {}
    differing = [(n, s) for n, s in sorted(declared.items()) if n in specs and specs[n] != s]
    if not specs and str(info.get("lockfileVersion")) == "1":
        # a v1 lock records no package.json ranges: each declared range is checked against what it installed
        differing = sorted(declared.items())
    if not differing:
        return None
    if LOCK_TO_PM[lockfile] == "pnpm":
        name, spec = differing[0]
        return f"{name} ({spec}; the lock says {specs[name]})"
    if LOCK_TO_PM[lockfile] != "npm":
        return None
    import nodesemver

    versions: dict[str, str] = info.get("root_versions") or {}
    for name, spec in differing:
        version = versions.get(name)
        if not version or any(mark in spec for mark in (":", "/", "#")) or nodesemver.valid_range(spec, True) is None:
            continue
        try:
            if not nodesemver.satisfies(version, spec, True):
                return f"{name} ({spec}; the lock has {version})"
        except (ValueError, TypeError):
            continue
    return None


# What the image installs on: Debian (glibc) Linux, amd64 or arm64.
_IMAGE_PLATFORM = {"os": ("linux",), "cpu": ("x64", "arm64"), "libc": ("glibc",)}


def installs_on_linux(meta: dict) -> bool:
    """Whether a locked package is installed in a Debian image at all (npm's os, cpu and libc fields).

    esbuild, swc and sharp lock one optional package per platform; the ones for
    other platforms (``os: [android]``, ``cpu: [arm]``, ``libc: [musl]``) are skipped
    by the install, so their install scripts never run and need no compiler.
    """
    for field, ours in _IMAGE_PLATFORM.items():
        wanted = meta.get(field)
        if isinstance(wanted, str):
            wanted = [wanted]
        if not isinstance(wanted, list) or not wanted:
            continue
        allowed = [w for w in wanted if isinstance(w, str) and not w.startswith("!")]
        denied = {w[1:] for w in wanted if isinstance(w, str) and w.startswith("!")}
        if allowed and not any(o in allowed for o in ours):
            return False
        if denied and all(o in denied for o in ours):
            return False
    return True



def locked_version(lock_details: dict[str, dict[str, Any]], name: str) -> str | None:
    """The lowest locked version of a package in any lockfile (read_lock_details' "locked"), if one is locked."""
    for info in lock_details.values():
        locked = (info.get("locked") or {}).get(name)
        if locked and locked[0]:
            return str(locked[0])
    return None
