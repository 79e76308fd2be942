"""What Cargo.lock says: the locked crate names, and whether the lock still matches the manifests.

``cargo build --locked`` refuses to build when Cargo.lock would change, which is
what a repeatable image wants, until a project commits a lock that went stale (a
dependency added to or removed from Cargo.toml without the lock). Then the build
fails on a decision scaffold made, so a stale lock is found here and built without
``--locked``, with a warning. Only dependency names are compared: a name missing on
either side is certain to rewrite the lock; version requirements are left to Cargo.
"""

from __future__ import annotations

from typing import Any

from scaffold.detect.found import Found
from scaffold.errors import MalformedFileError

DEPENDENCY_TABLES = ("dependencies", "dev-dependencies", "build-dependencies")


def lock_packages(lock: dict) -> list[dict]:
    packages = lock.get("package", [])
    if not isinstance(packages, list):
        raise MalformedFileError(path="Cargo.lock", detail="'package' must be an array of tables")
    return [p for p in packages if isinstance(p, dict) and isinstance(p.get("name"), str)]


def stale_lock(packages: list[dict], manifests: dict[str, dict], workspace: dict | None) -> str | None:
    """Why Cargo.lock no longer matches a package's manifest, or None when it still does (or it cannot tell)."""
    renames = _workspace_renames(workspace)
    for folder, manifest in sorted(manifests.items()):
        package = manifest.get("package")
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            continue
        name = package["name"]
        entries = [p for p in packages if p["name"] == name and "source" not in p]
        if len(entries) != 1:
            where = "Cargo.toml" if folder == "." else f"{folder}/Cargo.toml"
            return f"Cargo.lock has no entry for the package {name!r} of {where}" if not entries else None
        locked = {str(d).split(" ", 1)[0] for d in entries[0].get("dependencies", []) if isinstance(d, str)}
        declared = _declared(manifest, renames)
        if declared is None:
            continue
        added, removed = sorted(declared - locked), sorted(locked - declared)
        if added or removed:
            where = "Cargo.toml" if folder == "." else f"{folder}/Cargo.toml"
            change = "; ".join(part for part in (
                f"{where} depends on {', '.join(added)}, which Cargo.lock does not list" if added else "",
                f"Cargo.lock still lists {', '.join(removed)}, which {where} no longer declares" if removed else "",
            ) if part)
            return change
    return None


def _declared(manifest: dict, renames: dict[str, str]) -> set[str] | None:
    """The crate names a manifest depends on, renames undone; None when a table is not the expected shape."""
    tables: list[Any] = [manifest.get(t, {}) for t in DEPENDENCY_TABLES]
    targets = manifest.get("target", {})
    if isinstance(targets, dict):
        for spec in targets.values():
            if isinstance(spec, dict):
                tables.extend(spec.get(t, {}) for t in DEPENDENCY_TABLES)
    names: set[str] = set()
    for table in tables:
        if not isinstance(table, dict):
            return None
        for key, spec in table.items():
            if isinstance(spec, dict) and isinstance(spec.get("package"), str):
                names.add(spec["package"])
            elif isinstance(spec, dict) and spec.get("workspace") is True:
                names.add(renames.get(key, key))
            else:
                names.add(key)
    return names


def _workspace_renames(workspace: dict | None) -> dict[str, str]:
    deps = (workspace or {}).get("dependencies", {})
    if not isinstance(deps, dict):
        return {}
    return {k: v["package"] for k, v in deps.items() if isinstance(v, dict) and isinstance(v.get("package"), str)}


def lock_updates(packages: list[dict], rows: list[dict]) -> tuple[Found, ...]:
    """Locked releases rust.toml > lock_updates moves to a fixed one: Found((crate, locked, to), "Cargo.lock > crate locked: why").

    A row covers `from` (if given) up to `below`: each minor line of a 0.x crate got its own
    fixed patch release, and 0.22.3 must move to 0.22.4, not across the minor to 0.24.2.
    """
    from packaging.version import InvalidVersion, Version

    found: list[Found] = []
    for package in packages:
        for row in rows:
            if package["name"] != row["crate"] or not isinstance(package.get("version"), str):
                continue
            try:
                version = Version(package["version"])
                old = version < Version(row["below"]) and ("from" not in row or version >= Version(row["from"]))
            except InvalidVersion:
                continue
            if old:
                found.append(Found((row["crate"], package["version"], row["to"]), f"Cargo.lock > {row['crate']} {package['version']} {row['why']}"))
    return tuple(found)
