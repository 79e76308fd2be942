"""Locked versions and their wheels: what tells which Python lines a project's dependencies run on.

A lockfile from 2023 pins packages whose compiled wheels stop at Python 3.11 or
3.12; on a newer line pip or uv falls back to building them from source (no
compiler in a slim image, or no headers) or cannot install them at all. uv.lock
and poetry.lock name every file of every locked release, so the lines with a
wheel can be read off the filenames; requirements.txt and Pipfile.lock only pin
versions, which the data table of known limits in python.toml then judges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from scaffold.project import MAX_LOCKFILE_BYTES, Project

_WHEEL = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(?:-\d[^-]*)?-(?P<py>[^-]+)-(?P<abi>[^-]+)-(?P<plat>[^-]+)\.whl$")
_CP = re.compile(r"^cp3(\d{1,2})$")


@dataclass(frozen=True)
class LockedPackage:
    name: str  # canonical
    version: str
    source: str  # "uv.lock", "requirements.txt:12"
    # Python lines with a Linux wheel ("3.11"); None when a pure or abi3 wheel serves every line, or the lock lists no files.
    wheel_lines: frozenset[str] | None = None
    abi3_from: str | None = None  # the oldest line an abi3 wheel serves
    has_sdist: bool = False
    bound: str = "=="  # "<" or "<=": the version is a requirement's upper bound, not a pin
    stdlib: bool = False  # a standard-library module the code imports (version "0"), limited like a package

    @property
    def shown(self) -> str:
        return self.version if self.bound == "==" else f"{self.bound}{self.version}"

    @property
    def label(self) -> str:
        """How a limit names it: "flask 1.0.2", or "the crypt module" for the standard library."""
        return f"the {self.name} module" if self.stdlib else f"{self.name} {self.shown}"


def locked_packages(project: Project, lockfile: str | None, requirement_pins: dict[str, tuple[str, str, str]]) -> tuple[LockedPackage, ...]:
    """Every locked (or ==-pinned) production package with the lines its wheels cover, best effort.

    A lockfile shape this module does not expect yields nothing rather than an
    error: the dependency reader in python.py already validates the lockfile.
    """
    if lockfile == "uv.lock":
        return tuple(_from_toml_lock(project, "uv.lock", _uv_files))
    if lockfile == "poetry.lock":
        return tuple(_from_toml_lock(project, "poetry.lock", _poetry_files))
    if lockfile == "Pipfile.lock":
        return tuple(_from_pipfile_lock(project))
    return tuple(LockedPackage(name, version, where, bound=bound) for name, (version, where, bound) in sorted(requirement_pins.items()))


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _from_toml_lock(project: Project, path: str, files_of: Any) -> list[LockedPackage]:
    data = project.read_toml(path)
    packages = data.get("package")
    if not isinstance(packages, list):
        return []
    legacy = ((data.get("metadata") or {}).get("files") or {}) if isinstance(data.get("metadata"), dict) else {}
    out = []
    for package in packages:
        if not isinstance(package, dict) or not isinstance(package.get("name"), str) or not isinstance(package.get("version"), str):
            continue
        names = files_of(package, legacy)
        out.append(_judge(_canonical(package["name"]), package["version"], path, names))
    return out


def _uv_files(package: dict[str, Any], _legacy: dict) -> list[str]:
    names = [str(w.get("url", "")).rsplit("/", 1)[-1] for w in package.get("wheels") or [] if isinstance(w, dict)]
    if isinstance(package.get("sdist"), dict):
        names.append("sdist.tar.gz")
    return names


def _poetry_files(package: dict[str, Any], legacy: dict) -> list[str]:
    files = package.get("files") or legacy.get(package["name"]) or []
    return [str(f.get("file", "")) for f in files if isinstance(f, dict)]


def _from_pipfile_lock(project: Project) -> list[LockedPackage]:
    data = project.read_json("Pipfile.lock", limit=MAX_LOCKFILE_BYTES)
    default = data.get("default") if isinstance(data, dict) else None
    out = []
    for name, spec in sorted(default.items()) if isinstance(default, dict) else []:
        version = spec.get("version") if isinstance(spec, dict) else None
        if isinstance(version, str) and version.startswith("=="):
            out.append(LockedPackage(_canonical(name), version[2:], "Pipfile.lock"))
    return out


def _judge(name: str, version: str, source: str, files: list[str]) -> LockedPackage:
    lines: set[str] = set()
    universal = False
    abi3: list[int] = []
    sdist = False
    for file in files:
        if not file.endswith(".whl"):
            sdist = sdist or file.endswith((".tar.gz", ".zip"))
            continue
        m = _WHEEL.match(file)
        if m is None:
            continue
        if "linux" not in m.group("plat") and m.group("plat") != "any":
            continue
        if m.group("abi") == "none" and m.group("plat") == "any":
            universal = True
            continue
        for tag in m.group("py").split("."):
            cp = _CP.match(tag)
            if cp is None:
                if tag.startswith("py3"):
                    universal = True
                continue
            if m.group("abi") == "abi3":
                abi3.append(int(cp.group(1)))
            else:
                lines.add(f"3.{int(cp.group(1))}")
    if universal or (not lines and not abi3):
        return LockedPackage(name, version, source, None, None, sdist)
    return LockedPackage(name, version, source, frozenset(lines), f"3.{min(abi3)}" if abi3 else None, sdist)
