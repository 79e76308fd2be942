"""Python facts + answers -> a BuildPlan.

Stages: ``base`` (the official slim image, WORKDIR /app, Python's container
environment variables), ``build`` (compilers and headers for native packages,
the pinned package manager, the locked production dependencies in /opt/venv,
then the project itself and Django's static files when there are any) and
``runtime`` (run-time system libraries, the venv and the code, a numeric
non-root user, the server bound to 0.0.0.0:$PORT). Nothing used only to build
(gcc, headers, Poetry, uv, pip caches) reaches the runtime stage.
"""

from __future__ import annotations

import posixpath
import shlex
from typing import Any

from scaffold.data import load, versions
from scaffold.flag_values import debian_base
from scaffold.providers.python.detect import PythonFacts
from scaffold.errors import MissingEntryError, UsageError
from scaffold.plan.model import BuildPlan, Decision
from scaffold.providers import shared
from scaffold.plan.runtime import AppRuntime
from scaffold.plan.steps import Arg
from scaffold.providers.python.image import PythonImage, python_dockerfile
from scaffold.providers.python.install import VENV, install_plan
from scaffold.providers.python.plan_secrets import secret_plan
from scaffold.providers.python.locked import LockedPackage
from scaffold.providers.python.version import resolve_python_line
from scaffold.project import Project
from scaffold.providers.python.choose_start import choose_start, listen_shim_fields, port_decision, server_source, src_layout_path

APP_UID = 10001  # above every uid a Debian package or a host's first users take
TOOLS = ("uv", "poetry", "pdm", "pipenv", "pip")
_LOCK_OF = {"uv": "uv.lock", "poetry": "poetry.lock", "pdm": "pdm.lock", "pipenv": "Pipfile.lock"}


def plan_python(project: Project, facts: PythonFacts, answers: dict[str, Any]) -> BuildPlan:
    warnings: list[str] = []
    notes: list[str] = []
    decisions: dict[str, Decision] = {}

    stdlib = tuple(LockedPackage(f.value, "0", f.source, stdlib=True) for f in facts.removed_stdlib_imports)
    version = resolve_python_line(facts.python_pins, facts.requires_python, answers.get("python_version"), (*facts.locked, *stdlib))
    warnings.extend(version.warnings)
    line = str(version.decision.value)
    decisions["python_version"] = version.decision

    tool = _package_manager(facts, answers, warnings)
    decisions["package_manager"] = tool
    if tool.value in _LOCK_OF:
        decisions["lockfile"] = Decision(_LOCK_OF[tool.value], "found in the project")
    elif facts.requirements is not None:
        decisions["requirements"] = Decision(facts.requirements.path, "first production requirements file found")
    decisions["image_name"] = _image_name(project, facts, answers)
    decisions["base_image"] = _base_image(line, answers)

    start, server_packages = choose_start(project, facts, answers, warnings, notes, line)
    decisions["start_command"] = Decision(start.shell(), start.source)
    if start.app is not None:
        decisions["app"] = Decision(start.app.target, start.app.source)
        if start.app.framework:
            decisions["framework"] = Decision(start.app.framework, start.app.source)
    elif start.framework:
        decisions["framework"] = Decision(start.framework, start.source)
    if start.server:
        decisions["server"] = Decision(start.server, server_source(start, facts, server_packages))
    port = port_decision(start, answers)
    decisions["port"] = port
    worker = bool(answers.get("worker")) or start.worker
    if worker:
        decisions["worker"] = Decision(True, "--worker" if answers.get("worker") else f"{start.source}: a worker process with no web app")
        notes.append("a worker: no EXPOSE and no HTTP health check; pass --port if it does serve HTTP")
    decisions["healthcheck"] = shared.healthcheck_wanted(answers, worker=worker)

    extra = [f.value for f in facts.missing_requirements]
    if extra:
        warnings.append(
            f"{facts.dependency_source} lacks what the code imports: "
            + "; ".join(f"{f.value} ({f.source})" for f in facts.missing_requirements)
            + ": the image installs them unpinned, resolved with the file's pins; add them to it to pin them"
        )
        decisions["added_requirements"] = Decision(" ".join(extra), "; ".join(f.source for f in facts.missing_requirements))
    install = install_plan(facts, str(tool.value), server_packages)
    notes.extend(install.notes)
    warnings.extend(install.warnings)
    secrets = secret_plan(facts.credentials, install.tool, facts.indexes)
    install.mounts = [*install.mounts, *secrets.install_mounts]
    install.install[install.index_step] = secrets.env_prefix + install.install[install.index_step]
    install.copy = [*(f for f in install.copy if f not in secrets.hidden), *secrets.copy]
    notes.extend(secrets.notes)
    warnings.extend(secrets.warnings)
    build_pkgs, runtime_pkgs, native = _native_packages(facts)
    if native:
        decisions["native_packages"] = Decision(native, f"{facts.dependency_source} + python.toml > native")
        if build_pkgs:
            notes.append(f"{', '.join(native)} build against system libraries: the build stage installs {' '.join(build_pkgs)}; the image keeps only {' '.join(runtime_pkgs) or 'nothing extra'}")
        else:
            notes.append(f"{', '.join(native)} need Debian packages at run time: the image installs {' '.join(runtime_pkgs) or 'nothing extra'}")

    collectstatic = _collectstatic(facts, notes)
    if collectstatic:
        decisions["static_files"] = Decision("collectstatic", f"{facts.django.static_root} (STATIC_ROOT)")
    project_steps = [*install.project, *([collectstatic] if collectstatic else [])]
    build_has_source = install.needs_source or bool(project_steps)
    src_path = src_layout_path(facts, start.app)

    env = [f"VIRTUAL_ENV={VENV}", f'PATH="{VENV}/bin:$PATH"', f"PORT={port.value}"]
    env.extend(f"{k}={str(v).replace('$PORT', str(port.value))}" for k, v in start.env.items())
    if facts.django and facts.django.run_settings and facts.django.run_settings != facts.django.settings_module:
        env.append(f"DJANGO_SETTINGS_MODULE={facts.django.run_settings}")
        decisions["django_settings"] = Decision(facts.django.run_settings, facts.django.run_settings_source)
    if src_path and "PYTHONPATH" not in start.env:
        env.append(f"PYTHONPATH=/app/{src_path}")
        if src_path.rsplit("/", 1)[-1] == "src":
            where = "a src layout"
        else:
            where = f"{src_path}/, beside its manage.py" if facts.django else f"{src_path}/, whose entry imports the folder's modules as top-level ones"
        notes.append(f"the app lives in {where}: PYTHONPATH=/app/{src_path} lets the server import {start.app.module if start.app else 'it'}")
    base_image = decisions["base_image"].value
    version_arg = _base_image_arg(base_image, line)
    image = PythonImage(
        base_image=base_image,
        base_comment=f"Runtime image: Debian slim, Python {line} ({decisions['python_version'].source})" if version_arg else f"Runtime image ({decisions['base_image'].source})",
        version_arg=Arg(name=version_arg["name"], default=version_arg["value"]) if version_arg else None,
        base_from=version_arg["from"] if version_arg else base_image,
        tool=install.tool,
        tool_comment=f"{install.label} in its own virtualenv ({tool.source}; version from scaffold's versions.toml)" if install.tool != "pip" else None,
        setup=tuple(install.setup),
        build_packages=tuple(build_pkgs),
        native_packages=tuple(native),
        build_env=tuple(install.env),
        install_copy=() if install.needs_source else tuple(_copy_groups(install.copy)),
        install_mounts=tuple(install.mounts),
        install=tuple(install.install),
        install_lint_ignore=tuple(install.lint_ignore),
        install_lint_why=install.lint_why,
        needs_source=install.needs_source,
        project_mounts=tuple(install.mounts if install.project else ()),
        project_steps=tuple(project_steps),
        runtime_setup=tuple(_runtime_setup(runtime_pkgs)),
        runtime_packages=tuple(runtime_pkgs),
        source_from_build=build_has_source,
        listen_shim=listen_shim_fields() if "PYTHONPATH" in start.env else None,
        env=tuple(env),
        writable=facts.writable,
        runtime=AppRuntime(
            kind="python",
            labels=_labels(facts, decisions["image_name"].value),
            uid=APP_UID,
            port=port.value,
            serves_http=not worker,
            healthcheck=("python", "-c", _healthcheck_script()) if decisions["healthcheck"].value else None,
            cmd=tuple(start.cmd()),
            build_secrets=tuple(secrets.secrets),
        ),
    )
    dockerfile = python_dockerfile(image)
    from scaffold.dockerignore import python_dockerignore

    must_keep = [*install.copy, *([start.app.path] if start.app else []), *([facts.django.manage, *facts.django.asset_dirs] if facts.django else [])]
    dockerignore, ignore_notes = python_dockerignore(facts.context, must_keep=must_keep, secret_files=secrets.hidden)
    notes.extend(ignore_notes)
    return BuildPlan(
        ecosystem="python",
        template="stages",
        decisions=decisions,
        dockerfile=dockerfile,
        dockerignore=dockerignore,
        warnings=warnings,
        notes=notes,
    )


# -- package manager and image ------------------------------------------------------

def _package_manager(facts: PythonFacts, answers: dict[str, Any], warnings: list[str]) -> Decision:
    """The lockfile decides; a requirements file means pip; pyproject.toml alone means pip without a lock."""
    wanted = answers.get("package_manager")
    if wanted:
        if wanted not in TOOLS:
            raise UsageError(f"--package-manager {wanted}: not a Python package manager (use one of: {', '.join(TOOLS)})")
        lock = _LOCK_OF.get(wanted)
        if lock and lock not in facts.lockfiles:
            raise UsageError(f"--package-manager {wanted}: the project has no {lock}", hint=f"create it with `{wanted} lock` first")
        if wanted == "pip" and facts.requirements is None and not facts.has_pyproject:
            raise UsageError("--package-manager pip: the project has no requirements.txt or pyproject.toml")
        return Decision(wanted, "--package-manager")
    if facts.lockfiles:
        chosen = facts.lockfiles[0]
        if len(facts.lockfiles) > 1:
            warnings.append(f"found {', '.join(facts.lockfiles)}: using {chosen}; delete the stale one or pass --package-manager")
        if facts.requirements is not None:
            warnings.append(f"{facts.requirements.path} is ignored: {chosen} holds the locked dependencies")
        return Decision(_tool_of(chosen), chosen)
    if facts.requirements is not None:
        return Decision("pip", facts.requirements.path)
    if facts.has_pipfile:
        raise MissingEntryError(
            path="Pipfile", detail="has no Pipfile.lock, so the image could not install a locked set", hint="run `pipenv lock` and commit Pipfile.lock"
        )
    poetry = facts.pyproject.get("tool", {}).get("poetry") if isinstance(facts.pyproject.get("tool"), dict) else None
    if poetry is not None and "project" not in facts.pyproject:
        raise MissingEntryError(
            path="pyproject.toml", detail="is a Poetry project without poetry.lock", hint="run `poetry lock` and commit poetry.lock"
        )
    if facts.has_pyproject:
        return Decision("pip", "pyproject.toml (no lockfile)")
    if facts.inferred_dependencies:
        return Decision("pip", facts.inferred_dependencies)
    if facts.unmapped_imports:
        raise MissingEntryError(
            path=".",
            detail=f"no requirements.txt, pyproject.toml or lockfile lists the dependencies, and scaffold cannot tell which distribution {', '.join(facts.unmapped_imports[:4])} comes from",
            hint="add a requirements.txt (pip freeze > requirements.txt)",
        )
    raise MissingEntryError(
        path=".", detail="no requirements.txt, pyproject.toml or lockfile lists the dependencies", hint="add a requirements.txt (pip freeze > requirements.txt)"
    )


def _tool_of(lockfile: str) -> str:
    return next(tool for tool, lock in _LOCK_OF.items() if lock == lockfile)


def _image_name(project: Project, facts: PythonFacts, answers: dict[str, Any]) -> Decision:
    if facts.name:
        return shared.image_name(answers, facts.name, "pyproject.toml > project > name")
    return shared.image_name(answers, project.root.name, "folder name")


def _base_image(line: str, answers: dict[str, Any]) -> Decision:
    data = versions()["python"]
    return shared.base_image(answers, f"{data['image']}:{line}-slim-{data.get('suite_of_line', {}).get(line, data['debian_suite'])}", "versions.toml > python.image, Debian slim", adapt=debian_base)


def _base_image_arg(image: str, line: str) -> dict[str, str] | None:
    """Expose the Python line as a build arg when the image tag is the standard one."""
    prefix = f"python:{line}-"
    if image.startswith(prefix):
        return {"name": "PYTHON_VERSION", "value": line, "from": "python:${PYTHON_VERSION}-" + image[len(prefix):]}
    return None


# -- what runs ---------------------------------------------------------------------


# -- system packages and static files ------------------------------------------------

def _native_packages(facts: PythonFacts) -> tuple[list[str], list[str], list[str]]:
    """(build-stage Debian packages, runtime Debian packages, native distributions found)."""
    native = load("python")["native"]
    table = native["packages"]
    found = [name for name in sorted(facts.dependencies) if name in table]
    if "psycopg" in found and ({"psycopg-binary", "psycopg-c"} & facts.dependencies):
        found.remove("psycopg")  # the binary build bundles libpq; psycopg-c has its own entry
    build: list[str] = []
    runtime: list[str] = []
    if any(table[name].get("compiler") for name in found):
        build.extend(native["compiler"])
    for name in found:
        build.extend(p for p in table[name].get("build", []) if p not in build)
        runtime.extend(p for p in table[name].get("runtime", []) if p not in runtime)
    return sorted(build), sorted(runtime), found


def _collectstatic(facts: PythonFacts, notes: list[str]) -> str | None:
    """``manage.py collectstatic`` with the run settings and placeholders for what they require.

    collectstatic imports the settings the server will use, so a settings module
    that reads ``SECRET_KEY`` or ``DATABASE_URL`` from the environment without a
    default would fail the build. Those variables get placeholder values on this
    one command line only (never an ENV, so they are in no layer's environment and
    never reach the runtime); the container still needs the real ones.
    """
    django = facts.django
    if django is None or not django.staticfiles_app:
        return None
    if django.static_root is None:
        notes.append("django.contrib.staticfiles is installed but STATIC_ROOT is not set: collectstatic is skipped")
        return None
    env = []
    if django.run_settings and django.run_settings != django.settings_module:
        env.append(f"DJANGO_SETTINGS_MODULE={django.run_settings}")
    if django.required_env:
        placeholders = load("python")["django_build_env"]
        for name, kind in django.required_env:
            value = next((v for suffix, v in placeholders["by_suffix"].items() if name.endswith(suffix) and kind == "str"), placeholders.get(kind, placeholders["str"]))
            env.append(f"{name}={shlex.quote(value) if value else chr(39) * 2}")
        names = ", ".join(name for name, _ in django.required_env)
        notes.append(
            f"{django.run_settings} requires {names} from the environment: collectstatic runs with placeholders for them "
            f"(that command only); pass the real values when the container runs (docker run -e {django.required_env[0][0]}=...)"
        )
    return " ".join([*env, f"python {django.manage} collectstatic --noinput"])


def _runtime_setup(packages: list[str]) -> list[str]:
    commands = []
    if packages:
        commands.extend(["apt-get update", "apt-get install -y --no-install-recommends " + " ".join(packages), "apt-get clean", "rm -rf /var/lib/apt/lists/*"])
    commands.append(f"groupadd --system --gid {APP_UID} app")
    commands.append(f"useradd --system --uid {APP_UID} --gid app --no-log-init --create-home --home-dir /home/app --shell /usr/sbin/nologin app")
    return commands


# -- files -------------------------------------------------------------------------

def _copy_groups(files: list[str]) -> list[dict[str, Any]]:
    """One COPY per destination folder, top-level files first, in a stable order."""
    groups: dict[str, list[str]] = {}
    for path in files:
        folder = posixpath.dirname(path)
        groups.setdefault(folder, []).append(path)
    return [{"src": groups[f], "dest": f"./{f}/" if f else "./"} for f in sorted(groups)]


def _labels(facts: PythonFacts, name: str) -> tuple[tuple[str, str], ...]:
    labels = [("org.opencontainers.image.title", name)]
    if facts.description:
        labels.append(("org.opencontainers.image.description", facts.description))
    if facts.license:
        labels.append(("org.opencontainers.image.licenses", facts.license))
    return tuple(labels)


def _healthcheck_script() -> str:
    """Asks the app over HTTP with Python's own urllib: slim images have no curl or wget.

    Any answer below 500 counts as healthy (urllib raises for 4xx, so the
    HTTPError's code is checked): an API may 404 on "/", and Django answers 400
    to a Host header outside ALLOWED_HOSTS, yet both are up.
    """
    return (
        "import os,sys,urllib.request as u,urllib.error as e\n"
        "try:u.urlopen('http://127.0.0.1:%s/'%os.environ.get('PORT','8000'),timeout=4)\n"
        "except e.HTTPError as x:sys.exit(x.code>=500)\n"
        "except Exception:sys.exit(1)"
    )
