"""How each Python package manager installs production dependencies into /opt/venv.

Shared rules, whatever the tool:

* The app's environment is a virtualenv at ``/opt/venv``, created from the
  image's own interpreter, so the runtime stage copies one folder and needs no
  package manager at all.
* The tool itself goes into a separate virtualenv (``/opt/tools``) in the build
  stage, pinned to the version in versions.toml: its own dependencies never mix
  with the app's, and a new release of the tool cannot change the image.
* Only the manifest and lockfile are copied before the install, so a code edit
  does not re-run it; the download cache is a BuildKit cache mount, so a
  changed lockfile re-downloads only what changed and the cache never lands in
  a layer.
* The lock is the truth: every tool is asked to install exactly the locked set,
  without development groups, and to fail rather than re-resolve.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from dataclasses import dataclass, field

from scaffold.data import load, versions
from scaffold.providers.python.mirrors import drop_index_options, mirror_note, rewrite_uv_lock
from scaffold.providers.python.detect import PythonFacts
from scaffold.providers.python.requirements import Requirements

VENV = "/opt/venv"
TOOLS = "/opt/tools"
PIP_CACHE = "--mount=type=cache,id=pip,target=/root/.cache/pip"


@dataclass
class InstallPlan:
    tool: str  # "pip", "uv", "poetry", "pipenv", "pdm"
    label: str  # "uv 0.13.9" (for the Dockerfile comment)
    setup: list[str]  # commands run once, before anything is copied (tool + venv)
    env: list[str]  # ENV pairs of the build stage
    copy: list[str]  # files copied before the dependency install
    mounts: list[str]  # cache mounts of the install RUN
    install: list[str]  # commands of the dependency install RUN (joined with &&)
    project: list[str] = field(default_factory=list)  # after COPY . .: install the project itself
    needs_source: bool = False  # the dependency install reads the sources (pip "-e .")
    index_step: int = 0  # the install command where pip reads index URLs (and expands ${VAR} in them)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lint_ignore: list[str] = field(default_factory=list)  # hadolint rules the install RUN knowingly breaks
    lint_why: str = "Version ranges as pyproject.toml states them (there is no lockfile to pin from):"


def install_plan(facts: PythonFacts, tool: str, server_packages: list[str]) -> InstallPlan:
    """The install steps for ``tool``, plus ``server_packages`` (pinned specs) the project lacks."""
    builder = {"uv": _uv, "poetry": _poetry, "pipenv": _pipenv, "pdm": _pdm}.get(tool, _pip)
    plan = builder(facts, server_packages)
    if facts.scm_versioned and facts.installable.value:
        _pretend_scm_version(plan)
    return plan


_BUILDS_PROJECT = re.compile(r"\binstall\s+(?:-e\s+)?\.(?:\s|$|\[)|\buv sync\b(?!.*--no-install-project)|\bpoetry install\b(?!.*--no-root)|\bpdm install\b(?!.*--no-self)")


def _pretend_scm_version(plan: InstallPlan) -> None:
    """setuptools-scm reads the version from git, and the build context has no .git: the steps that build
    the project get SETUPTOOLS_SCM_PRETEND_VERSION (that RUN only) instead of failing with LookupError."""
    for i, command in enumerate(plan.install):
        if _BUILDS_PROJECT.search(command):
            plan.install[i] = f"SETUPTOOLS_SCM_PRETEND_VERSION=0.0.0 {command}"
    if any(c.startswith("SETUPTOOLS_SCM_PRETEND_VERSION") for c in plan.install):
        plan.notes.append("the build system takes the version from git tags (setuptools-scm), and the build has no .git: the install builds it as 0.0.0 (SETUPTOOLS_SCM_PRETEND_VERSION, that RUN only)")


def _tool_setup(name: str) -> tuple[list[str], str]:
    data = versions()["python"]
    version = data["tools"][name]
    extra = "".join(f" {_quote(c)}" for c in data.get("tool_constraints", {}).get(name, []))
    return [f"python -m venv {TOOLS}", f"{TOOLS}/bin/pip install {name}=={version}{extra}"], f"{name} {version}"


def _quote(spec: str) -> str:
    """A requirement as one shell word (double quotes: PEP 508 markers use single quotes)."""
    return spec if re.fullmatch(r"[\w.=-]+", spec) else '"' + spec.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'


def _venv_env() -> list[str]:
    return [f"VIRTUAL_ENV={VENV}", f'PATH="{VENV}/bin:$PATH"', "PIP_DISABLE_PIP_VERSION_CHECK=1"]


def _pip_server(server_packages: list[str]) -> list[str]:
    return [f"pip install {' '.join(server_packages)}"] if server_packages else []


def _pip(facts: PythonFacts, server_packages: list[str]) -> InstallPlan:
    """pip: ``pip install -r`` of the production requirements file and its includes.

    When the file carries ``--hash`` on every line, ``--require-hashes`` is said
    out loud (pip would switch it on by itself) so a later unhashed line fails
    the build instead of silently weakening it. A requirement that installs a
    local folder (``-e .``) needs the sources, so then the install runs after
    ``COPY . .``. With no requirements file and no lock, pyproject.toml's
    dependencies are resolved at build time (not reproducible, and reported as
    such): ``pip install .`` when the project is a package, else its declared
    ``[project] dependencies`` by name, since building a non-package fails.
    """
    plan = InstallPlan("pip", "pip", [f"python -m venv {VENV}"], _venv_env(), [], [PIP_CACHE], [])
    reqs = facts.requirements
    if reqs is not None:
        plan.copy = list(reqs.files)
        flags = "--require-hashes " if reqs.fully_hashed else ""
        if reqs.local_paths:
            plan.needs_source = True
            plan.notes.append(
                f"{reqs.path} installs local folders ({', '.join(reqs.local_paths)}): the install runs after the sources are copied"
            )
        missing = [f.value for f in facts.missing_requirements]  # never with --hash lines (detect leaves them)
        # Resolved with the file's pins in one pip run, so what is added fits them (an older flask-cors for Flask 1.1)
        edits = [*_drop_windows_only(plan, reqs), *_drop_mirror_options(plan, facts, reqs.files, reqs.path)]
        plan.install = [*edits, f"pip install {flags}-r {reqs.path}{''.join(' ' + m for m in missing)}", *_pip_server(server_packages)]
        plan.index_step = len(edits)  # the pip command, after the edits of the file's copy
        if missing:
            plan.lint_ignore = ["DL3013"]
            plan.lint_why = f"Added unpinned: {reqs.path} lacks what the code imports (scaffold plan says where); pin them in the file:"
        _add_build_constraints(plan, facts)
        if reqs.partly_hashed:
            plan.warnings.append(
                f"{reqs.path}: {reqs.hashed} of {reqs.total} requirements carry --hash; pip's hash-checking mode rejects the others, so the install will fail"
            )
        return plan
    plan.warnings.append("no lockfile or requirements file: dependency versions are resolved at build time, so two builds may differ")
    if facts.installable.value:
        plan.needs_source = True
        plan.install = ["pip install .", *_pip_server(server_packages)]
        return plan
    # Not a package (no build-system, or nothing to package): building it would fail,
    # so its declared dependencies are installed by name. Regenerate when they change
    # (`scaffold init --check` reports the drift).
    wanted = [*facts.declared_dependencies, *server_packages]
    plan.install = [f"pip install {' '.join(_quote(w) for w in wanted)}" if wanted else "pip check"]
    plan.lint_ignore = ["DL3013"]  # the ranges are the project's own, as pyproject.toml states them
    if facts.inferred_dependencies:
        _add_build_constraints(plan, facts)  # unpinned by nature: the code's era decides the majors
        plan.warnings.append(
            (f"{facts.empty_requirements} lists no requirements" if facts.empty_requirements else "no requirements.txt or pyproject.toml")
            + f": the image installs {' '.join(facts.declared_dependencies)}, read off the imports "
            f"({facts.inferred_dependencies.split(' (')[0]}), at today's releases; commit a requirements.txt (pip freeze > requirements.txt) to fix the versions"
        )
    else:
        plan.notes.append("pyproject.toml is not a package: the Dockerfile installs its [project] dependencies by name; run scaffold again when they change")
    return plan


def _drop_mirror_options(plan: InstallPlan, facts: PythonFacts, files: list[str], where: str) -> list[str]:
    """The command that drops a public PyPI mirror's index options from the build's copy of requirements files."""
    if not facts.pypi_mirrors:
        return []
    plan.warnings.append(mirror_note(where, facts.pypi_mirrors, "the build drops those index lines from its copy of the file"))
    return [drop_index_options(files, facts.pypi_mirrors)]


def _drop_windows_only(plan: InstallPlan, reqs: Requirements) -> list[str]:
    """Commands that remove Windows-only requirement lines from the build stage's copy of the files.

    Only the copies the install reads change; the project's own files are untouched.
    Python does the edit because such a file is often UTF-16 (PowerShell's `pip freeze >`),
    which sed cannot read.
    """
    if not reqs.windows_only:
        return []
    names = sorted({name for name, _ in reqs.windows_only})
    files = sorted({where.rsplit(":", 1)[0] for _, where in reqs.windows_only})
    pattern = "|".join(re.escape(n).replace("\\-", "-").replace("-", "[-_.]") for n in names)
    decode = 'd=lambda b:b.decode("utf-16" if b[:2] in (b"\\xff\\xfe",b"\\xfe\\xff") else "utf-8-sig")'
    keep = f'k=lambda l:";" in l or not re.match(r"(?i)\\s*({pattern})\\s*([=<>~!@\\[]|$)",l)'
    script = f'import re,sys,pathlib as P;{decode};{keep};[P.Path(f).write_text("".join(filter(k,d(P.Path(f).read_bytes()).splitlines(True)))) for f in sys.argv[1:]]'
    plan.notes.append(
        f"{', '.join(w for _, w in reqs.windows_only)}: {', '.join(names)} install on Windows only (a `pip freeze` made on Windows lists them "
        "without a marker): the build drops those lines from its copy of the requirements; add `; sys_platform == \"win32\"` to them to say so in the file"
    )
    return [f"python -c {shlex.quote(script)} {' '.join(files)}"]


def _add_build_constraints(plan: InstallPlan, facts: PythonFacts) -> None:
    """Pinned releases whose source build needs an older build tool get it through PIP_CONSTRAINT.

    The constraint file is written by the install RUN itself (nothing is copied for it),
    and the variable is set for that RUN only, so the image keeps no trace of it.
    """
    from packaging.version import InvalidVersion, Version

    rows = load("python").get("python_build_constraints", [])
    hits = []
    for package in facts.locked:
        for row in rows:
            try:
                older = Version(package.version) < Version(row["below"])
            except InvalidVersion:
                continue
            # "opentelemetry-instrumentation*": each instrumentation pins the base package at its own version
            named = fnmatch.fnmatchcase(package.name, row["package"])
            named = named and ("version_pattern" not in row or re.match(row["version_pattern"], package.version) is not None)
            if named and older and row["constraint"] not in hits:
                hits.append(row["constraint"])
                what = f"the install keeps {row['constraint']} for it" if row.get("at_run_time") else f"the install builds it with {row['constraint']}"
                plan.notes.append(f"{package.source}: {package.name} {package.version} {row['why']}: {what} (python.toml > python_build_constraints)")
    hits += _import_constraints(plan, facts, [h for h in hits])
    hits += _era_constraints(plan, facts, [h for h in hits])
    hits += _pairing_constraints(plan, facts, [h for h in hits])
    if not hits:
        return
    path = "/tmp/build-constraints.txt"
    lines = "\\n".join(hits)
    plan.install[plan.index_step] = f"PIP_CONSTRAINT={path} {plan.install[plan.index_step]}"
    plan.install.insert(0, f"printf '{lines}\\n' > {path}")
    plan.index_step += 1


def _import_constraints(plan: InstallPlan, facts: PythonFacts, taken: list[str]) -> list[str]:
    """Caps from the app's own imports (from pydantic import BaseSettings -> pydantic<2).

    Skipped when the requirements pin the package themselves: the pin is the project's word.
    Each capped package is capped once, by the first row that names it.
    """
    from packaging.requirements import Requirement

    pinned = {p.name for p in facts.locked if p.bound == "=="}
    added: list[str] = []
    for hit in facts.import_constraints:
        package, constraints = hit.value
        if package in pinned:
            continue
        capped = {Requirement(c).name for c in [*taken, *added]}
        fresh = [c for c in constraints if Requirement(c).name not in capped and Requirement(c).name not in pinned]
        if fresh:
            added += fresh
            plan.notes.append(f"{hit.source}: the install caps {', '.join(fresh)} (python.toml > python_import_constraints)")
    return added


def _era_constraints(plan: InstallPlan, facts: PythonFacts, taken: list[str]) -> list[str]:
    """Caps on the unpinned dependencies of an old pinned framework (python.toml > python_era_constraints).

    Only for requirements files: a lockfile already fixes every release. A package the
    project's requirements name itself keeps the project's own specifier. The constraints
    file also reaches the build environments of sdists, so an exactly pinned framework is
    held there too.
    """
    from packaging.requirements import Requirement
    from packaging.version import InvalidVersion, Version

    named = facts.dependencies
    added: list[str] = []
    for package in facts.locked:
        for row in load("python").get("python_era_constraints", []):
            if package.name != row["package"]:
                continue
            try:
                version, below = Version(package.version), Version(str(row["below"]))
            except InvalidVersion:
                continue
            if not (version <= below if package.bound == "<" else version < below):
                continue
            capped = {Requirement(c).name for c in [*taken, *added]}  # the first (tightest) row that caps a package wins
            fresh = [c for c in row["constraints"] if Requirement(c).name not in named | capped]
            if fresh:
                held = f"{package.name}=={package.version}"
                # A package that builds from an sdist may fetch the framework itself while building
                # (Flask-User's setup_requires): unpinned there, it would be the newest, which the caps refuse
                hold = package.bound == "==" and held not in added
                added += [held] * hold + fresh
                also = f", and holds {held} for what fetches it while building (setup_requires)" if hold else ""
                plan.notes.append(f"{package.source}: {package.name} {package.shown} {row['why']}: the install caps them with {', '.join(fresh)}{also} (python.toml > python_era_constraints)")
    return added


def _pairing_constraints(plan: InstallPlan, facts: PythonFacts, taken: list[str]) -> list[str]:
    """Caps for packages that only work together below some release (python.toml > python_pairing_constraints).

    Keyed on which packages the requirements name, not on their versions: psycopg2 with an
    unpinned SQLAlchemy meets 2.1, whose postgresql:// dialect imports psycopg 3 instead. A
    package the project pins exactly keeps its pin.
    """
    from packaging.requirements import Requirement

    named = facts.dependencies
    pinned = {p.name for p in facts.locked if p.bound == "=="}
    added: list[str] = []
    for row in load("python").get("python_pairing_constraints", []):
        present = [n for n in row["present"] if n in named]
        if not present or any(n in named for n in row.get("absent", ())) or not any(n in named for n in row["with_any"]):
            continue
        capped = {Requirement(c).name for c in [*taken, *added]}
        fresh = [c for c in row["constraints"] if Requirement(c).name not in pinned | capped]
        if fresh:
            added += fresh
            plan.notes.append(f"{facts.dependency_source} lists {present[0]}, {row['why']}: the install caps it with {', '.join(fresh)} (python.toml > python_pairing_constraints)")
    return added


def _uv(facts: PythonFacts, server_packages: list[str]) -> InstallPlan:
    """uv: ``uv sync --frozen --no-dev --no-install-project``, then the project.

    ``--frozen`` installs uv.lock exactly as committed, without re-resolving or
    rewriting it; ``--no-dev`` leaves out the dev group (``--no-default-groups``
    when the project declares other default groups). The project itself (when
    it is a package, not a "virtual" one) is installed only after the sources
    are copied, non-editable so the venv does not point back into /app, and
    ``--inexact`` keeps the server installed next to the locked set.
    UV_PYTHON pins the image's interpreter and UV_PYTHON_DOWNLOADS=never forbids
    fetching another one; UV_LINK_MODE=copy because the cache is a different
    filesystem (a mount) than the venv; bytecode is compiled once, at build time.
    A server the lock lacks is added with ``uv pip install --python
    /opt/venv/bin/python``: with UV_PYTHON set, a bare ``uv pip install`` would
    target the system interpreter instead of the venv.
    """
    setup, label = _tool_setup("uv")
    uv = f"{TOOLS}/bin/uv"
    groups = "--no-default-groups" if facts.uv_default_groups else "--no-dev"
    env = [
        f"VIRTUAL_ENV={VENV}",
        f'PATH="{VENV}/bin:$PATH"',
        f"UV_PROJECT_ENVIRONMENT={VENV}",
        "UV_PYTHON=/usr/local/bin/python",
        "UV_PYTHON_DOWNLOADS=never",
        "UV_COMPILE_BYTECODE=1",
        "UV_LINK_MODE=copy",
    ]
    members = facts.uv_workspace_members
    # A workspace: uv reads every member's pyproject.toml to load the lock, and the
    # members (the app's own packages) are installed with the sources, like a project.
    install = [f"{uv} sync --frozen {groups} {'--no-install-workspace' if members else '--no-install-project'}"]
    mirrors = [rewrite_uv_lock(facts.pypi_mirrors, ("uv.lock", "pyproject.toml"))] if facts.pypi_mirrors else []
    install = [*mirrors, *install]
    if server_packages:
        install.append(f"{uv} pip install --python {VENV}/bin/python {' '.join(server_packages)}")
    copy = ["pyproject.toml", "uv.lock", *(f"{m}/pyproject.toml" for m in members)]
    plan = InstallPlan("uv", label, setup, env, copy, ["--mount=type=cache,id=uv,target=/root/.cache/uv"], install)
    if facts.installable.value or members:
        plan.project = [*mirrors, f"{uv} sync --frozen {groups} --no-editable --inexact"]
    if mirrors:
        plan.warnings.append(mirror_note("uv.lock", facts.pypi_mirrors, "the build points the lock's copy at pypi.org and files.pythonhosted.org"))
    if members:
        plan.notes.append(f"uv workspace: {', '.join(members)} are installed into /opt/venv (non-editable) once the sources are copied")
    return plan


def _poetry(facts: PythonFacts, server_packages: list[str]) -> InstallPlan:
    """Poetry: ``poetry install --only main --no-root`` into the activated /opt/venv.

    Poetry installs into the virtualenv named by VIRTUAL_ENV instead of making
    its own; ``--only main`` takes the main group and nothing else, and Poetry 2
    refuses a poetry.lock that no longer matches pyproject.toml, so the image is
    always the locked set. Sources declared in pyproject.toml
    (``[[tool.poetry.source]]``) are honoured as Poetry reads them. The project
    itself, when Poetry packages it, is built and installed by pip as a regular
    (non-editable) wheel once the sources are there.
    """
    setup, label = _tool_setup("poetry")
    env = [*_venv_env(), "POETRY_NO_INTERACTION=1", "POETRY_VIRTUALENVS_CREATE=false"]
    install = [f"{TOOLS}/bin/poetry install --only main --no-root --no-ansi", *_pip_server(server_packages)]
    plan = InstallPlan(
        "poetry", label, [*setup, f"python -m venv {VENV}"], env, ["pyproject.toml", "poetry.lock"],
        ["--mount=type=cache,id=poetry,target=/root/.cache/pypoetry", *([PIP_CACHE] if server_packages or facts.installable.value else [])],
        install,
    )
    if facts.installable.value:
        plan.project = ["pip install --no-deps ."]
    return plan


def _pipenv(facts: PythonFacts, server_packages: list[str]) -> InstallPlan:
    """Pipenv: ``pipenv verify``, ``pipenv requirements --hash``, then pip.

    ``verify`` fails when Pipfile.lock is stale against the Pipfile (what
    ``pipenv install --deploy`` checks); ``requirements`` turns the lock's
    default section into a requirements file with every hash, which pip installs
    with ``--require-hashes --no-deps``: exactly the locked set, verified, and
    without Pipenv creating or managing any environment of its own.

    ``verify`` runs only when today's pipenv agrees with the lock's hash: a lock
    an older pipenv wrote (names hashed as written) is checked by detection
    instead, and a stale one is installed as locked, with a warning, as a Node
    lockfile that no longer matches package.json is.
    """
    setup, label = _tool_setup("pipenv")
    pipenv = f"{TOOLS}/bin/pipenv"
    state = facts.pipfile_lock.value if facts.pipfile_lock else "current"
    install = [
        *([f"{pipenv} verify"] if state == "current" else []),
        f"{pipenv} requirements --hash > /tmp/requirements.txt",
        "pip install --require-hashes --no-deps -r /tmp/requirements.txt",
        *_pip_server(server_packages),
    ]
    if facts.pypi_mirrors:  # the exported file carries the Pipfile's [[source]] as -i lines
        install.insert(install.index("pip install --require-hashes --no-deps -r /tmp/requirements.txt"), drop_index_options(["/tmp/requirements.txt"], facts.pypi_mirrors))
    env = [*_venv_env(), "PIPENV_VERBOSITY=-1"]
    # `pipenv requirements` writes the lock's source URLs as they are (${VAR} unexpanded,
    # so no value lands in the layer); pip expands them when it reads the file.
    plan = InstallPlan("pipenv", label, [*setup, f"python -m venv {VENV}"], env, ["Pipfile", "Pipfile.lock"], [PIP_CACHE], install)
    plan.index_step = install.index("pip install --require-hashes --no-deps -r /tmp/requirements.txt")
    if facts.pypi_mirrors:
        plan.warnings.append(mirror_note("Pipfile > source", facts.pypi_mirrors, "the build drops those index lines from the requirements it exports"))
    if state == "legacy":
        plan.notes.append(
            "Pipfile.lock matches the Pipfile as the pipenv that wrote it hashed it (names as written); today's `pipenv verify` "
            "hashes normalised names and would call it out of date, so the image skips it: run `pipenv lock` to get the check back"
        )
    elif state == "stale":
        plan.warnings.append(
            "Pipfile.lock is out of date with the Pipfile (its _meta hash differs): the image installs the locked set as it is, "
            "without `pipenv verify`; run `pipenv lock` and commit Pipfile.lock so the image gets what the Pipfile says"
        )
    return plan


def _pdm(facts: PythonFacts, server_packages: list[str]) -> InstallPlan:
    """PDM: ``pdm lock --check``, ``pdm export --prod`` with hashes, then pip.

    ``lock --check`` fails when pdm.lock no longer matches pyproject.toml (export
    alone only warns). Exporting keeps PDM out of the app's environment
    entirely; pip then installs the default group's locked set with
    ``--require-hashes --no-deps``. The project itself, when it is a
    distribution, is installed by pip after the sources are copied.
    """
    setup, label = _tool_setup("pdm")
    install = [
        f"{TOOLS}/bin/pdm lock --check",
        f"{TOOLS}/bin/pdm export --prod --format requirements --output /tmp/requirements.txt",
        "pip install --require-hashes --no-deps -r /tmp/requirements.txt",
        *_pip_server(server_packages),
    ]
    plan = InstallPlan("pdm", label, [*setup, f"python -m venv {VENV}"], [*_venv_env(), "PDM_CHECK_UPDATE=false"], ["pyproject.toml", "pdm.lock"], [PIP_CACHE], install)
    if facts.installable.value:
        plan.project = ["pip install --no-deps ."]
    return plan
