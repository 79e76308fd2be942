"""A Python project's production dependencies, from its lockfile, requirements file, pyproject.toml or Pipfile.

A lockfile's own groups decide what is production (uv's dev groups, Poetry's non-main groups, Pipfile's
develop): the names found here pick the server, the native libraries and the Python line.
"""

from __future__ import annotations

from typing import Any

from scaffold.providers.python.requirements import Requirements, canonical, extra_provides, read_requirements, requirement_name
from scaffold.errors import MalformedFileError
from scaffold.project import MAX_LOCKFILE_BYTES, Project
from scaffold.providers.python.lock_tables import as_list, load_lock_toml, lock_packages, nested_table, relock_hint


def read_dependencies(
    project: Project,
    lockfiles: tuple[str, ...],
    pyproject: dict[str, Any],
    requirements: Requirements | None,
    pipfile: dict[str, Any],
    dev_files: tuple[str, ...],
) -> tuple[set[str], set[str], str]:
    """(production names, development names, where they were read) from the first lock there is."""
    for lockfile in lockfiles:
        reader = {"uv.lock": _uv_lock, "poetry.lock": _poetry_lock, "pdm.lock": _pdm_lock, "Pipfile.lock": _pipfile_lock}[lockfile]
        prod, dev = reader(project, pyproject)
        # Every lock is parsed, so a broken second lock is reported too.
        for other in lockfiles[lockfiles.index(lockfile) + 1 :]:
            {"uv.lock": _uv_lock, "poetry.lock": _poetry_lock, "pdm.lock": _pdm_lock, "Pipfile.lock": _pipfile_lock}[other](project, pyproject)
        return prod, dev, lockfile
    if requirements is not None:
        dev: set[str] = set()
        for path in dev_files:
            dev |= set(read_requirements(project, path).names)
        return set(requirements.names), dev, requirements.path
    if pipfile:
        packages = pipfile.get("packages") if isinstance(pipfile.get("packages"), dict) else {}
        prod = _names(packages)
        for name, spec in packages.items():
            if isinstance(spec, dict) and isinstance(spec.get("extras"), list):
                prod |= extra_provides(f"{name}[{','.join(str(e) for e in spec['extras'])}]")
        return prod, _names(pipfile.get("dev-packages")), "Pipfile"
    declared = [s for s in as_list(nested_table(pyproject, "project").get("dependencies")) if isinstance(s, str)]
    prod = {n for n in (requirement_name(s) for s in declared) if n}
    for spec in declared:
        prod |= extra_provides(spec)
    dev = set()
    for group in nested_table(pyproject, "dependency-groups").values():
        dev |= {n for n in (requirement_name(s) for s in as_list(group) if isinstance(s, str)) if n}
    poetry_deps = nested_table(pyproject, "tool", "poetry", "dependencies")
    prod |= {canonical(n) for n in poetry_deps if n != "python"}
    return prod, dev, "pyproject.toml" if pyproject else "none"


def _names(table: Any) -> set[str]:
    return {canonical(k) for k in table} if isinstance(table, dict) else set()


def _uv_lock(project: Project, pyproject: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Walk the lock graph from the project's own entry: what it reaches without dev groups is production."""
    data = load_lock_toml(project, "uv.lock")
    packages = lock_packages(data, "uv.lock")
    by_name = {canonical(p["name"]): p for p in packages}
    root_name = canonical(str(nested_table(pyproject, "project").get("name", "")))
    root = by_name.get(root_name) or next((p for p in packages if isinstance(p.get("source"), dict) and ({"virtual", "editable"} & set(p["source"]))), None)
    every = set(by_name)
    if root is None:
        return every, set()
    prod = _reach(by_name, [d for d in as_list(root.get("dependencies")) if isinstance(d, dict) and isinstance(d.get("name"), str)])
    return prod - {canonical(root["name"])}, every - prod - {canonical(root["name"])}


def _reach(by_name: dict[str, dict[str, Any]], start: list[Any]) -> set[str]:
    """Names reachable from ``start`` (dependency tables, with any extras they ask for)."""
    seen: set[tuple[str, str]] = set()
    stack: list[tuple[str, str]] = [(canonical(d["name"]), e) for d in start for e in ("", *as_list(d.get("extra")))]
    while stack:
        name, extra = stack.pop()
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        package = by_name.get(name, {})
        deps = as_list(package.get("dependencies")) if not extra else as_list((package.get("optional-dependencies") or {}).get(extra))
        for dep in deps:
            if isinstance(dep, dict) and isinstance(dep.get("name"), str):
                stack.extend((canonical(dep["name"]), e) for e in ("", *as_list(dep.get("extra"))))
    return {name for name, _ in seen}


def _poetry_lock(project: Project, pyproject: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Poetry 2 locks list each package's groups; Poetry 1 locks give a category."""
    data = load_lock_toml(project, "poetry.lock")
    prod: set[str] = set()
    dev: set[str] = set()
    for package in lock_packages(data, "poetry.lock"):
        groups = package.get("groups")
        main = "main" in groups if isinstance(groups, list) else package.get("category", "main") == "main"
        (prod if main else dev).add(canonical(package["name"]))
    return prod, dev


def _pdm_lock(project: Project, pyproject: dict[str, Any]) -> tuple[set[str], set[str]]:
    data = load_lock_toml(project, "pdm.lock")
    prod: set[str] = set()
    dev: set[str] = set()
    for package in lock_packages(data, "pdm.lock"):
        groups = package.get("groups")
        main = "default" in groups if isinstance(groups, list) else True
        (prod if main else dev).add(canonical(package["name"]))
    return prod, dev


def _pipfile_lock(project: Project, pyproject: dict[str, Any]) -> tuple[set[str], set[str]]:
    data = project.read_json("Pipfile.lock", limit=MAX_LOCKFILE_BYTES)
    if not isinstance(data, dict) or not isinstance(data.get("default", {}), dict):
        raise MalformedFileError(path="Pipfile.lock", detail='"default" must be an object of packages', hint=relock_hint("Pipfile.lock"))
    return _names(data.get("default")), _names(data.get("develop"))
