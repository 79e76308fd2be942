"""Where a workspace's packages are: the patterns pnpm-workspace.yaml or package.json > workspaces declare, resolved to folders.

Globs are resolved by walking only the folders a pattern can reach (never node_modules or .git), with
negated patterns applied after, the way pnpm, npm, Yarn and Bun read them.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

from scaffold.errors import MalformedFileError
from scaffold.project import Project

# Folders a workspace glob never descends into
NEVER_ENTER = frozenset({"node_modules", ".git", ".hg", ".svn", ".yarn", ".pnpm-store", ".turbo", ".cache", ".next"})



def declared_patterns(project: Project) -> tuple[str, str, list[str]] | None:
    """(package manager, source, globs) from pnpm-workspace.yaml or package.json > workspaces."""
    if project.has_file("pnpm-workspace.yaml"):
        data = project.read_yaml("pnpm-workspace.yaml") or {}
        if not isinstance(data, dict):
            raise MalformedFileError(path="pnpm-workspace.yaml", detail="the top level is not a mapping")
        packages = data.get("packages")
        if packages is None:
            # A workspace file without "packages" holds settings only (onlyBuiltDependencies, catalogs):
            # pnpm 10 then takes the root package alone, so this is one app, not a monorepo.
            return None
        if not isinstance(packages, list) or not all(isinstance(p, str) for p in packages):
            raise MalformedFileError(path="pnpm-workspace.yaml", detail='"packages" must be a list of globs')
        return "pnpm", "pnpm-workspace.yaml > packages", list(packages)
    if not project.has_file("package.json"):
        return None
    manifest = project.read_json("package.json")
    if not isinstance(manifest, dict) or "workspaces" not in manifest:
        return None
    workspaces = manifest["workspaces"]
    source = "package.json > workspaces"
    if isinstance(workspaces, dict):  # Yarn's object form: {"packages": [...], "nohoist": [...]}
        workspaces = workspaces.get("packages", [])
        source = "package.json > workspaces > packages"
    if not isinstance(workspaces, list) or not all(isinstance(p, str) for p in workspaces):
        raise MalformedFileError(path="package.json", detail='"workspaces" must be a list of globs (or {"packages": [...]})')
    if not workspaces:
        return None
    manager = "yarn" if project.has_file("yarn.lock") or project.has_file(".yarnrc.yml") else "npm"
    if project.has_file("bun.lock") or project.has_file("bun.lockb"):
        manager = "bun"
    return manager, source, list(workspaces)


def resolve_patterns(root: Path, patterns: list[str]) -> list[str]:
    """Folders (relative, sorted) that hold a package.json and match the globs, minus "!" exclusions."""
    included: set[str] = set()
    excluded: list[str] = []
    for raw in patterns:
        pattern = raw.strip()
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip().removeprefix("./").rstrip("/")
        if pattern.endswith("/package.json"):
            pattern = pattern[: -len("/package.json")]
        if not pattern or pattern.startswith(("/", "..")):
            continue  # outside the repository: not something scaffold copies
        if negate:
            excluded.append(pattern)
            continue
        for rel in _glob_dirs(root, pattern.split("/")):
            if rel and (root / rel / "package.json").is_file():
                included.add(rel)
    return sorted(rel for rel in included if not any(_matches(rel, ex) for ex in excluded))


def _glob_dirs(root: Path, segments: list[str], prefix: str = "") -> list[str]:
    """Directories matching the segments, walking only folders the glob can reach."""
    if not segments:
        return [prefix]
    head, rest = segments[0], segments[1:]
    base = root / prefix if prefix else root
    if head == "**":
        found = _glob_dirs(root, rest, prefix)  # "**" may match no folder at all
        for child in _subdirs(base):
            found.extend(_glob_dirs(root, segments, _join(prefix, child)))
        return found
    if not any(ch in head for ch in "*?["):
        if head in NEVER_ENTER or not (base / head).is_dir():
            return []
        return _glob_dirs(root, rest, _join(prefix, head))
    found: list[str] = []
    for child in _subdirs(base):
        if fnmatch.fnmatchcase(child, head):
            found.extend(_glob_dirs(root, rest, _join(prefix, child)))
    return found


def _subdirs(path: Path) -> list[str]:
    try:
        with os.scandir(path) as entries:
            return sorted(
                e.name
                for e in entries
                if e.name not in NEVER_ENTER and not e.name.startswith(".") and e.is_dir(follow_symlinks=False)
            )
    except OSError:
        return []


def _join(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


def _matches(rel: str, pattern: str) -> bool:
    """A "!" exclusion glob against a folder path; "**" spans any number of folders."""
    regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
    return re.fullmatch(regex, rel) is not None or rel.startswith(pattern.rstrip("/") + "/")
