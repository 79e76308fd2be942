"""Python facts: manifests, lockfiles, version files, the framework and its app object.

Only facts are recorded here, each with the file (and line) it came from;
choosing the package manager, the server or the Python line is the planner's job
(scaffold/providers/python/plan.py). Lockfiles are parsed fully so that a malformed one is
reported now, as one line naming the file, instead of failing mid-build, and so
the production dependency set (what the image will contain) is known exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from scaffold.detect.found import Found, tool_versions_pin, version_file_pin
from scaffold.detect.procfile import procfile_web, procfile_worker
from scaffold.dockerignore import ContextFiles, context_files
from scaffold.providers.python.app import AppObject, CodeIndex, find_apps, index_code, module_name
from scaffold.providers.python.scripts import QueueWorker, ScriptApp, find_queue_workers, find_script_apps
from scaffold.providers.python.django import DjangoFacts, detect_django
from scaffold.providers.python.detect_secrets import CredentialFile, PackageIndex, credential_files, package_indexes
from scaffold.providers.python.locked import LockedPackage, locked_packages
from scaffold.providers.python.requirements import Requirements, canonical, read_requirements
from scaffold.project import Project
from scaffold.providers.paths import with_placeholder_dirs
from scaffold.providers.python.written_paths import run_time_dirs
from scaffold.providers.python.dependencies import read_dependencies
from scaffold.providers.python.lock_tables import LOCKFILES, as_list, load_lock_toml, lock_packages, nested_table

# requirements files that hold production dependencies, most specific first.
PROD_REQUIREMENTS = (
    "requirements.txt",
    "requirements/production.txt",
    "requirements/prod.txt",
    "requirements-prod.txt",
    "requirements/base.txt",
    "requirements/main.txt",
    "requirements/requirements.txt",
)
_DEV_REQUIREMENTS = re.compile(r"(^|/)(requirements[-_/]?(dev|test|tests|testing|local|ci|lint|docs)|(dev|test)[-_]requirements)[^/]*\.txt$")
# Files that mark a folder as a Python project.
MARKERS = ("pyproject.toml", "requirements.txt", "Pipfile", "Pipfile.lock", "setup.py", "setup.cfg", "manage.py", *LOCKFILES)


@dataclass(frozen=True)
class PythonFacts:
    name: str | None
    description: str | None
    license: str | None
    lockfiles: tuple[str, ...]  # present, in LOCKFILES order
    has_pyproject: bool
    pyproject: dict[str, Any]
    has_pipfile: bool
    requirements: Requirements | None  # the production requirements file
    dev_requirement_files: tuple[str, ...]
    dependencies: frozenset[str]  # production distributions (the whole locked set when a lock says)
    dev_dependencies: frozenset[str]  # locked or listed only for development
    dependency_source: str  # "uv.lock", "requirements.txt" …
    declared_dependencies: tuple[str, ...]  # pyproject [project] dependencies, as written
    python_pins: tuple[Found, ...]  # exact versions, in precedence order
    requires_python: Found | None  # a PEP 440 range
    build_backend: str | None  # pyproject [build-system] build-backend
    installable: Found  # bool: the project itself is a package to install
    uv_default_groups: bool  # [tool.uv] default-groups set: --no-dev would leave some in
    apps: tuple[AppObject, ...]  # application objects found in the code, best first
    import_root: str  # "" or "src/" when code lives in a src layout
    django: DjangoFacts | None
    procfile_web: Found | None  # the Procfile's web: command
    frameworks: tuple[str, ...]  # frameworks among the production dependencies
    script_apps: tuple[ScriptApp, ...] = ()  # Streamlit/Gradio scripts, when there is no app object
    queue_workers: tuple[QueueWorker, ...] = ()  # Celery/Dramatiq/Huey apps, when there is neither
    uv_workspace_members: tuple[str, ...] = ()  # "packages/api": folders of a uv workspace, each a package
    credentials: tuple[CredentialFile, ...] = ()  # requirements/pip/uv/poetry config that may carry a token
    indexes: tuple[PackageIndex, ...] = ()  # [[tool.uv.index]], [[tool.poetry.source]], Pipfile [[source]] …
    files: frozenset[str] = field(default_factory=frozenset)  # top-level names
    locked: tuple[LockedPackage, ...] = ()  # production packages with their versions and wheel lines
    procfile_worker: Found | None = None  # the Procfile's worker: command
    pipfile_lock: Found | None = None  # "current", "legacy" or "stale" against the Pipfile (detect_pipfile_lock)
    writable: tuple[Found, ...] = ()  # logs/, uploads/ kept empty by a .gitkeep: the app writes there
    code: CodeIndex = field(default_factory=lambda: CodeIndex({}, frozenset()))  # what start commands may ask of the code
    context: ContextFiles = field(default_factory=lambda: ContextFiles((), ()))  # what the .dockerignore is made from

    def has(self, name: str) -> bool:
        return name in self.files


def detect(project: Project) -> PythonFacts | None:
    """Facts about the Python app at the project's root, or None if it is not one."""
    if not any(project.has_file(marker) for marker in MARKERS) and not requirements_files(project):
        return None
    from scaffold.data import load

    data = load("python")
    pyproject = _read_pyproject(project)
    project_table = pyproject.get("project") if isinstance(pyproject.get("project"), dict) else {}
    poetry_table = nested_table(pyproject, "tool", "poetry")
    lockfiles = tuple(name for name in LOCKFILES if project.has_file(name))
    requirements_path = next((p for p in PROD_REQUIREMENTS if project.has_file(p)), None)
    requirements = read_requirements(project, requirements_path) if requirements_path else None
    dev_files = tuple(p for p in requirements_files(project) if _DEV_REQUIREMENTS.search(p) and p != requirements_path)

    pipfile = _read_pipfile(project)
    deps, dev, dep_source = read_dependencies(project, lockfiles, pyproject, requirements, pipfile, dev_files)
    name = project_table.get("name") or poetry_table.get("name")
    import_root = _import_root(project)
    members = _uv_workspace_members(project, pyproject) if "uv.lock" in lockfiles else ()
    roots = (import_root, *(_import_root(project, m) for m in members)) if members else import_root
    files, other_files = _search_order(project, data, roots)
    apps = tuple(find_apps(project, files, data["app_constructors"], roots))
    script_apps = () if apps else find_script_apps(project, files, data.get("script_servers", {}), set(deps))
    queue_workers = () if apps or script_apps else find_queue_workers(project, files, data.get("queue_workers", {}), set(deps), roots)
    frameworks = tuple(fw for fw, dist in data["frameworks"].items() if dist in deps)
    pins = {name: (version, where, bound) for name, version, where, bound in (requirements.pins if requirements else ())}
    locked = tuple(p for p in locked_packages(project, dep_source if dep_source in LOCKFILES else None, pins) if p.name in deps)
    return PythonFacts(
        name=name if isinstance(name, str) else None,
        description=_str(project_table.get("description") or poetry_table.get("description")),
        license=_license(project_table.get("license") or poetry_table.get("license")),
        lockfiles=lockfiles,
        has_pyproject=project.has_file("pyproject.toml"),
        pyproject=pyproject,
        has_pipfile=project.has_file("Pipfile"),
        requirements=requirements,
        dev_requirement_files=dev_files,
        dependencies=frozenset(deps),
        dev_dependencies=frozenset(dev - deps),
        dependency_source=dep_source,
        declared_dependencies=tuple(d.strip() for d in as_list(project_table.get("dependencies")) if isinstance(d, str) and d.strip()),
        python_pins=_python_pins(project, pipfile),
        requires_python=_requires_python(pyproject),
        build_backend=_str(nested_table(pyproject, "build-system").get("build-backend")),
        installable=_installable(project, pyproject, lockfiles),
        uv_default_groups="default-groups" in nested_table(pyproject, "tool", "uv"),
        apps=apps,
        script_apps=script_apps,
        queue_workers=queue_workers,
        import_root=import_root,
        uv_workspace_members=members,
        django=detect_django(project, import_root),
        procfile_web=procfile_web(project),
        procfile_worker=procfile_worker(project),
        pipfile_lock=_pipfile_lock(project, pipfile, lockfiles),
        writable=tuple(with_placeholder_dirs(project, run_time_dirs(project, [*files, *other_files], _version_of("flask-sqlalchemy", deps, locked, pins)))),
        frameworks=frameworks,
        credentials=credential_files(project, requirements, pipfile),
        indexes=package_indexes(pyproject, pipfile),
        files=frozenset(project.list_dir(".")),
        locked=locked,
        code=index_code(project, files, other_files),
        context=context_files(project),
    )


# -- manifests -------------------------------------------------------------------

def _read_pyproject(project: Project) -> dict[str, Any]:
    if not project.has_file("pyproject.toml"):
        return {}
    return project.read_toml("pyproject.toml")


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _license(value: Any) -> str | None:
    if isinstance(value, str):
        return _str(value)
    if isinstance(value, dict):
        return _str(value.get("text"))
    return None


def _pipfile_lock(project: Project, pipfile: dict[str, Any], lockfiles: tuple[str, ...]) -> Found | None:
    if not pipfile or "Pipfile.lock" not in lockfiles:
        return None
    from scaffold.providers.python.detect_pipfile_lock import pipfile_lock_state  # lazy: packaging.utils costs 10 ms

    return pipfile_lock_state(project, pipfile)


def _read_pipfile(project: Project) -> dict[str, Any]:
    return project.read_toml("Pipfile") if project.has_file("Pipfile") else {}


def requirements_files(project: Project) -> list[str]:
    top = [n for n in project.list_dir(".") if n.endswith(".txt") and ("requirements" in n or n.startswith(("dev-", "test-"))) and project.has_file(n)]
    nested = [f"requirements/{n}" for n in project.list_dir("requirements") if n.endswith(".txt")]
    return sorted(top) + sorted(nested)


# -- dependencies ------------------------------------------------------------------


# -- Python version ------------------------------------------------------------------

def _python_pins(project: Project, pipfile: dict[str, Any]) -> tuple[Found, ...]:
    """Exact versions, in precedence order: what developers run beats what a manifest allows."""
    pins: list[Found] = []
    runtime_txt = version_file_pin(project, "runtime.txt")
    for found in (
        version_file_pin(project, ".python-version"),
        Found(runtime_txt.value.removeprefix("python-"), runtime_txt.source) if runtime_txt else None,
        tool_versions_pin(project, ("python",)),
    ):
        if found is not None:
            pins.append(found)
    requires = nested_table(pipfile, "requires")
    for key in ("python_full_version", "python_version"):
        if isinstance(requires.get(key), str) and requires[key].strip():
            pins.append(Found(requires[key].strip(), f"Pipfile > requires > {key}"))
            break
    return tuple(pins)


def _requires_python(pyproject: dict[str, Any]) -> Found | None:
    value = nested_table(pyproject, "project").get("requires-python")
    if isinstance(value, str) and value.strip():
        return Found(value.strip(), "pyproject.toml > project > requires-python")
    poetry = nested_table(pyproject, "tool", "poetry", "dependencies").get("python")
    if isinstance(poetry, str) and poetry.strip():
        return Found(poetry_constraint_to_pep440(poetry.strip()), "pyproject.toml > tool.poetry.dependencies > python")
    return None


def poetry_constraint_to_pep440(text: str) -> str:
    """Poetry's ^ and ~ ranges as PEP 440 (``^3.11`` -> ``>=3.11,<4.0``); others pass through."""
    parts = []
    for piece in re.split(r"\s*,\s*|\s+(?=[<>=!~^])", text):
        match = re.fullmatch(r"([\^~])\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?", piece)
        if not match:
            parts.append(piece)
            continue
        op, major, minor, patch = match.group(1), int(match.group(2)), match.group(3), match.group(4)
        low = ".".join(x for x in (str(major), minor, patch) if x is not None)
        if op == "^":
            high = f"{major + 1}.0" if major > 0 or minor is None else f"0.{int(minor) + 1}"
        else:
            high = f"{major}.{int(minor) + 1}" if minor is not None else f"{major + 1}.0"
        parts.append(f">={low},<{high}")
    return ",".join(p for p in parts if p)


# -- the project itself ----------------------------------------------------------------

def _installable(project: Project, pyproject: dict[str, Any], lockfiles: tuple[str, ...]) -> Found:
    """Whether the project is a package to install into the environment, and who says so."""
    if "uv.lock" in lockfiles:
        if nested_table(pyproject, "tool", "uv").get("package") is False:
            return Found(False, "pyproject.toml > tool.uv.package")
        name = canonical(str(nested_table(pyproject, "project").get("name", "")))
        data = load_lock_toml(project, "uv.lock")
        for package in lock_packages(data, "uv.lock"):
            if canonical(package["name"]) == name and isinstance(package.get("source"), dict):
                return Found("virtual" not in package["source"], "uv.lock > package source")
    if "poetry.lock" in lockfiles:
        poetry = nested_table(pyproject, "tool", "poetry")
        if poetry.get("package-mode") is False:
            return Found(False, "pyproject.toml > tool.poetry.package-mode")
        if poetry.get("packages") or _has_package_dir(project, str(poetry.get("name") or nested_table(pyproject, "project").get("name") or "")):
            return Found(True, "pyproject.toml (Poetry package mode)")
        return Found(False, "pyproject.toml (no package folder matches the project name)")
    if "pdm.lock" in lockfiles:
        pdm = nested_table(pyproject, "tool", "pdm")
        if "distribution" in pdm:
            return Found(bool(pdm["distribution"]), "pyproject.toml > tool.pdm.distribution")
    if pyproject.get("build-system") and (project.has_file("setup.py") or _has_package_dir(project, str(nested_table(pyproject, "project").get("name", "")))):
        return Found(True, "pyproject.toml > build-system")
    return Found(False, "no build-system")


def _has_package_dir(project: Project, name: str) -> bool:
    if not name:
        return False
    folder = re.sub(r"[-.]+", "_", name).lower()
    return any(project.has_file(f"{root}{folder}/__init__.py") for root in ("", "src/"))


def _import_root(project: Project, base: str = "") -> str:
    """"src/" for a src layout (packages under src/, src/ itself not a package), else "" (``base`` + them for a member).

    A Django project one folder down (requirements.txt at the root, ``blog/manage.py``
    beside its ``blog/blog/settings.py``) imports from that folder, as manage.py does:
    it is the import root when it is the only folder holding a manage.py.
    """
    prefix = f"{base}/" if base else ""
    src = f"{prefix}src"
    if project.has_dir(src) and not project.has_file(f"{src}/__init__.py"):
        if any(project.has_file(f"{src}/{n}/__init__.py") for n in project.list_dir(src)):
            return f"{src}/"
    if not base and not project.has_file("manage.py"):
        managed = [n for n in project.list_dir(".") if n.isidentifier() and project.has_file(f"{n}/manage.py") and not project.has_file(f"{n}/__init__.py")]
        if len(managed) == 1:
            return f"{managed[0]}/"
    return prefix


def _uv_workspace_members(project: Project, pyproject: dict[str, Any]) -> tuple[str, ...]:
    """Member folders of ``[tool.uv.workspace] members`` (globs of one ``*`` per part), minus ``exclude``."""
    workspace = nested_table(pyproject, "tool", "uv", "workspace")
    excluded = {str(e).strip("/") for e in as_list(workspace.get("exclude"))}
    found: list[str] = []
    for pattern in as_list(workspace.get("members")):
        if not isinstance(pattern, str):
            continue
        paths = [""]
        for part in pattern.strip("/").split("/"):
            if part in ("", "."):
                continue
            if "*" in part or "?" in part:
                import fnmatch

                paths = [f"{p}/{n}".lstrip("/") for p in paths for n in project.list_dir(p or ".") if fnmatch.fnmatch(n, part) and project.has_dir(f"{p}/{n}".lstrip("/"))]
            else:
                paths = [f"{p}/{part}".lstrip("/") for p in paths]
        found.extend(p for p in paths if p and p not in found and p not in excluded and project.has_file(f"{p}/pyproject.toml"))
    return tuple(sorted(found))


def _version_of(name: str, deps: set[str] | frozenset[str], locked: tuple, pins: dict) -> str | None:
    """A dependency's locked or pinned version, "" when it is unpinned, None when the app does not depend on it."""
    if name not in deps:
        return None
    found = next((p.version for p in locked if p.name == name and p.bound == "=="), None)
    if found is None and name in pins and pins[name][2] == "==":
        found = pins[name][0]
    return found or ""


def _search_order(project: Project, data: dict[str, Any], import_root: str | tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Python files that may hold the app object (conventional names first), and the other .py files found."""
    search = data["app_search"]
    skip_dirs = set(search["skip_dirs"])
    skip_files = set(search["skip_files"])

    def wanted(rel: str) -> bool:
        parts = rel.split("/")
        if any(p in skip_dirs for p in parts[:-1]) or parts[-1] in skip_files:
            return False
        if parts[-1].startswith("test_") or parts[-1].endswith("_test.py"):
            return False
        return module_name(rel, import_root) is not None

    ordered = [rel for rel in search["preferred_files"] if project.has_file(rel) and wanted(rel)]
    others: list[str] = []
    for rel in project.walk_files(".", suffixes=(".py",), limit=int(search["max_files"])):
        if rel not in ordered:
            (ordered if wanted(rel) else others).append(rel)
    return ordered, others
