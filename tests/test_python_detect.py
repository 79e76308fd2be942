"""Python detection and planning, table-driven over tests/fixtures/python-* and examples/python-*.

Each row names a folder and what scaffold must conclude about it: the package
manager, the Python line and where it came from, the application object and
where it was found, the start command. Bad input must end in one ScaffoldError
line that names the file (exit code 2), never a traceback.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scaffold.data import versions
from scaffold.providers import match
from scaffold.providers.python.detect import detect as detect_python
from scaffold.providers.python.detect import poetry_constraint_to_pep440
from scaffold.providers.python.requirements import read_requirements
from scaffold.errors import EXIT_BAD_INPUT, InconsistentProjectError, MalformedFileError, MissingEntryError, ScaffoldError
from scaffold.plan import plan_project
from scaffold.providers.python.start import dev_server_reason
from scaffold.providers.python.version import line_from_pin, resolve_python_line
from scaffold.project import Project
from scaffold.render import render_plan

from plan_queries import copied as copied_files
from plan_queries import role_lines
from conftest import write_tree
from scaffold.cli import main as scaffold_main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"


def _project(name: str) -> Project:
    base = EXAMPLES if (EXAMPLES / name).is_dir() else FIXTURES
    return Project(base / name)


# folder, package manager, python line, line source, app target, app source, start command
PLANS = [
    ("python-flask-requirements", "pip", "3.13", ".python-version", "app:app", "app.py:3 (Flask())",
     'gunicorn app:app --bind "0.0.0.0:$PORT"'),
    ("python-django-requirements", "pip", "3.11", "runtime.txt", "mysite.wsgi:application",
     "mysite/wsgi.py:16 (WSGI_APPLICATION in mysite/settings.py)", 'gunicorn --bind "0.0.0.0:$PORT" mysite.wsgi:application'),
    ("python-fastapi-uv", "uv", "3.13", ".python-version", "app.server:api", "app/server.py:4 (FastAPI())",
     'uvicorn app.server:api --host 0.0.0.0 --port "$PORT"'),
    ("python-fastapi-poetry", "poetry", "3.11", "pyproject.toml > project > requires-python (>=3.11,<3.12)", "main:app",
     "main.py:4 (FastAPI())", 'uvicorn main:app --host 0.0.0.0 --port "$PORT"'),
    ("python-flask-pipenv", "pipenv", "3.11", "Pipfile > requires > python_version", "wsgi:application",
     "wsgi.py:3 (create_app() from hello)", 'gunicorn --bind "0.0.0.0:$PORT" wsgi:application'),
    ("python-starlette-pdm", "pdm", None, "pyproject.toml > project > requires-python (>=3.12)", "service:asgi_app",
     "service.py:11 (Starlette())", 'uvicorn service:asgi_app --host 0.0.0.0 --port "$PORT"'),
    ("python-req-includes", "pip", "3.13", "versions.toml > python.default", "shop.site:web", "src/shop/site.py:3 (flask.Flask())",
     'gunicorn --bind "0.0.0.0:$PORT" shop.site:web'),
    ("python-factory-only", "pip", "3.13", "versions.toml > python.default", "hello:create_app()", "hello/__init__.py:4 (factory create_app())",
     "gunicorn --bind \"0.0.0.0:$PORT\" 'hello:create_app()'"),
    ("python-procfile-dev", "pip", "3.13", "versions.toml > python.default", "server:server", "server.py:3 (Flask())",
     'gunicorn --bind "0.0.0.0:$PORT" server:server'),
    ("python-pyproject-plain", "pip", None, "pyproject.toml > project > requires-python (>=3.12)", "app:app", "app.py:3 (flask.Flask())",
     'gunicorn --bind "0.0.0.0:$PORT" app:app'),
    ("python-uv-package", "uv", None, "pyproject.toml > project > requires-python (>=3.11)", "greeter:create_app()",
     "src/greeter/__init__.py:12 (factory create_app())", 'uvicorn --factory greeter:create_app --host 0.0.0.0 --port "$PORT"'),
    ("python-poetry-package", "poetry", None, "pyproject.toml > project > requires-python (>=3.12,<4.0)", "shopfront:site",
     "shopfront/__init__.py:3 (Flask())", 'gunicorn --bind "0.0.0.0:$PORT" shopfront:site'),
    ("python-procfile-missing", "pip", "3.13", "versions.toml > python.default", "main:application", "main.py:3 (FastAPI())",
     'uvicorn main:application --host 0.0.0.0 --port "$PORT"'),
]


def _newest_supported() -> str:
    return sorted(versions()["python"]["supported"], key=lambda v: tuple(map(int, v.split("."))))[-1]


@pytest.mark.parametrize(("folder", "tool", "line", "line_source", "app", "app_source", "start"), PLANS, ids=[p[0] for p in PLANS])
def test_plan(folder: str, tool: str, line: str | None, line_source: str, app: str, app_source: str, start: str) -> None:
    plan = plan_project(_project(folder))
    assert plan.ecosystem == "python"
    assert plan.value("package_manager") == tool
    assert plan.value("python_version") == (line or _newest_supported())
    assert plan.decisions["python_version"].source == line_source
    assert plan.value("app") == app
    assert plan.decisions["app"].source == app_source
    assert plan.value("start_command") == start
    assert plan.value("port") == 8000


@pytest.mark.parametrize("folder", [p[0] for p in PLANS])
def test_render_is_deterministic_and_safe(folder: str) -> None:
    first = render_plan(plan_project(_project(folder)))
    second = render_plan(plan_project(_project(folder)))
    assert first == second
    dockerfile = first["Dockerfile"]
    assert "USER 10001:10001" in dockerfile
    assert "EXPOSE 8000" in dockerfile
    assert "PYTHONDONTWRITEBYTECODE=1" in dockerfile and "PYTHONUNBUFFERED=1" in dockerfile
    assert "curl" not in dockerfile and "wget" not in dockerfile
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD "))
    assert json.loads(cmd[4:])  # exec form
    runtime = dockerfile.split("AS runtime", 1)[1]
    assert "gcc" not in runtime and "/opt/tools" not in runtime
    ignore = first[".dockerignore"]
    for pattern in ("**/__pycache__", "**/.venv", "**/.pytest_cache", "**/.mypy_cache", "**/*.py[cod]"):
        assert pattern in ignore.splitlines()


def test_requirements_includes_and_hashes() -> None:
    project = _project("python-req-includes")
    reqs = read_requirements(project, "requirements.txt")
    assert reqs.files == ("requirements.txt", "requirements/base.txt", "constraints.txt")
    assert reqs.names == ("flask", "gunicorn", "psycopg2")
    assert (reqs.hashed, reqs.total) == (1, 3)
    assert reqs.partly_hashed
    plan = plan_project(project)
    dockerfile = render_plan(plan)["Dockerfile"]
    assert "COPY requirements.txt constraints.txt ./" in dockerfile
    assert "COPY requirements/base.txt ./requirements/" in dockerfile
    assert "PYTHONPATH=/app/src" in dockerfile
    assert any("hash-checking mode" in w for w in plan.warnings)
    assert plan.value("native_packages") == ["psycopg2"]
    build, runtime = dockerfile.split("AS runtime", 1)
    assert "libpq-dev" in build and "gcc" in build
    assert "libpq5" in runtime and "libpq-dev" not in runtime


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_requirements_are_read_as_pip_reads_them(tmp_path: Path, encoding: str) -> None:
    """`pip freeze > requirements.txt` in Windows PowerShell writes UTF-16 with a BOM; pip decodes it."""
    text = "flask==3.0.3\r\ngunicorn==23.0.0\r\n"
    data = (b"\xfe\xff" + text.encode("utf-16-be")) if encoding == "utf-16-be" else text.encode("utf-16")
    write_tree(tmp_path, {"requirements.txt": data, "app.py": "from flask import Flask\napp = Flask(__name__)\n"})
    assert read_requirements(Project(tmp_path), "requirements.txt").names == ("flask", "gunicorn")


def test_utf16_is_not_accepted_where_the_tool_reads_utf8_only(tmp_path: Path) -> None:
    write_tree(tmp_path, {"package.json": '{"name": "x"}'.encode("utf-16"), "server.js": "require('http')"})
    with pytest.raises(MalformedFileError, match="not UTF-8 text"):
        Project(tmp_path).read_text("package.json")


def test_hashed_requirements_use_require_hashes() -> None:
    dockerfile = render_plan(plan_project(_project("python-flask-requirements")))["Dockerfile"]
    assert "pip install --require-hashes -r requirements.txt" in dockerfile


def test_dev_dependencies_are_known_and_excluded() -> None:
    for folder in ("python-fastapi-uv", "python-fastapi-poetry", "python-flask-pipenv", "python-starlette-pdm", "python-django-requirements"):
        facts = detect_python(_project(folder))
        assert "pytest" in facts.dev_dependencies, folder
        assert "pytest" not in facts.dependencies, folder


def test_procfile_dev_server_is_refused_and_server_installed() -> None:
    plan = plan_project(_project("python-procfile-dev"))
    assert any("development server (flask run)" in n for n in plan.notes)
    assert plan.value("server") == "gunicorn"
    pin = versions()["python"]["servers"]["gunicorn"]
    assert f"pip install gunicorn=={pin}" in render_plan(plan)["Dockerfile"]
    assert any(f"gunicorn=={pin}" in n for n in plan.notes)


def test_procfile_naming_a_missing_module_falls_back_to_the_code() -> None:
    plan = plan_project(_project("python-procfile-missing"))
    assert any("no module api exists" in n for n in plan.notes)


def test_procfile_binds_are_added() -> None:
    project = _project("python-procfile-missing")
    plan = plan_project(project, {"start": "uvicorn main:application"})
    assert plan.value("start_command") == 'uvicorn main:application --host 0.0.0.0 --port "$PORT"'


def test_django_collectstatic_and_settings() -> None:
    facts = detect_python(_project("python-django-requirements"))
    assert facts.django is not None
    assert facts.django.settings_module == "mysite.settings"
    assert facts.django.settings_source == "manage.py:9 (DJANGO_SETTINGS_MODULE)"
    assert facts.django.asgi is not None and facts.django.asgi.target == "mysite.asgi:application"
    dockerfile = render_plan(plan_project(_project("python-django-requirements")))["Dockerfile"]
    assert "python manage.py collectstatic --noinput" in dockerfile
    assert "COPY --from=build /app ./" in dockerfile


def test_uv_sync_is_frozen_without_dev_and_without_the_project() -> None:
    dockerfile = render_plan(plan_project(_project("python-fastapi-uv")))["Dockerfile"]
    assert "uv sync --frozen --no-dev --no-install-project" in dockerfile
    assert f"uv=={versions()['python']['tools']['uv']}" in dockerfile
    assert "UV_PYTHON_DOWNLOADS=never" in dockerfile


def test_installable_projects_are_installed_after_the_sources() -> None:
    uv = render_plan(plan_project(_project("python-uv-package")))["Dockerfile"]
    assert "uv sync --frozen --no-dev --no-editable --inexact" in uv
    assert "uv pip install --python /opt/venv/bin/python uvicorn==" in uv
    poetry = render_plan(plan_project(_project("python-poetry-package")))["Dockerfile"]
    assert poetry.index("COPY . .") < poetry.index("pip install --no-deps .")
    virtual = render_plan(plan_project(_project("python-fastapi-uv")))["Dockerfile"]
    assert "--no-editable" not in virtual  # a virtual project has nothing to install


def test_pyproject_without_lock_installs_declared_dependencies() -> None:
    plan = plan_project(_project("python-pyproject-plain"))
    dockerfile = render_plan(plan)["Dockerfile"]
    assert 'pip install "flask>=3.1" gunicorn "tomli; python_version < \'3.11\'"' in dockerfile
    assert any("resolved at build time" in w for w in plan.warnings)


def test_poetry_installs_main_group_only() -> None:
    dockerfile = render_plan(plan_project(_project("python-fastapi-poetry")))["Dockerfile"]
    assert "poetry install --only main --no-root" in dockerfile
    assert "COPY poetry.lock pyproject.toml ./" in dockerfile or "COPY pyproject.toml poetry.lock ./" in dockerfile


# -- Python version ------------------------------------------------------------------

class _Found:
    def __init__(self, value: str, source: str) -> None:
        self.value = value
        self.source = source


@pytest.mark.parametrize(
    ("pin", "line"),
    [("3.12", "3.12"), ("3.12.7", "3.12"), ("python-3.11.9", "3.11"), ("3.13t", "3.13"), ("pypy3.10", None), ("system", None)],
)
def test_line_from_pin(pin: str, line: str | None) -> None:
    assert line_from_pin(pin, versions()["python"]) == line


@pytest.mark.parametrize(
    ("spec", "expected"),
    [(">=3.11", "newest"), (">=3.11,<3.12", "3.11"), ("~=3.12.0", "3.12"), ("==3.13.*", "3.13"), (">=3.9,<3.11", "3.10")],
)
def test_requires_python_picks_newest_supported(spec: str, expected: str) -> None:
    result = resolve_python_line((), _Found(spec, "pyproject.toml > project > requires-python"), None)
    assert result.decision.value == (_newest_supported() if expected == "newest" else expected)
    if expected == "3.10":
        assert result.warnings  # end of life: said out loud


def test_pin_outside_requires_python_warns() -> None:
    result = resolve_python_line((_Found("3.11", ".python-version"),), _Found(">=3.12", "pyproject.toml > project > requires-python"), None)
    assert result.decision.value == "3.11"
    assert any("does not allow" in w for w in result.warnings)


def test_unsatisfiable_requires_python() -> None:
    with pytest.raises(ScaffoldError, match="no release satisfies"):
        resolve_python_line((), _Found(">=4.0", "pyproject.toml > project > requires-python"), None)


def test_poetry_caret_ranges() -> None:
    assert poetry_constraint_to_pep440("^3.11") == ">=3.11,<4.0"
    assert poetry_constraint_to_pep440("~3.12") == ">=3.12,<3.13"
    assert poetry_constraint_to_pep440(">=3.10,<3.13") == ">=3.10,<3.13"


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("flask run --host 0.0.0.0", "flask run"),
        ("python -m flask --app x run", "flask run"),
        ("python manage.py runserver 0.0.0.0:8000", "manage.py runserver"),
        ("uvicorn main:app --reload", "--reload"),
        ("fastapi dev main.py", "fastapi dev"),
        ("gunicorn app:app", None),
        ("uvicorn main:app --host 0.0.0.0", None),
    ],
)
def test_dev_server_reason(command: str, reason: str | None) -> None:
    assert dev_server_reason(command.split(), _project("python-no-app")) == reason


# -- bad input ---------------------------------------------------------------------------

BAD = [
    ("python-bad-pyproject", MalformedFileError, "pyproject.toml: cannot parse: invalid TOML"),
    ("python-bad-pipfile-lock", MalformedFileError, "Pipfile.lock: cannot parse: invalid JSON at line 1"),
    ("python-bad-uv-lock", MalformedFileError, "uv.lock: cannot parse: invalid TOML"),
    ("python-no-app", MissingEntryError, "requirements.txt: no Flask() application object found"),
    ("python-missing-include", MissingEntryError, "requirements/prod.txt: does not exist (requirements.txt:1 includes it)"),
    ("python-outside-include", InconsistentProjectError, "requirements.txt: line 1: ../shared/requirements.txt is outside the project folder"),
]


@pytest.mark.parametrize(("folder", "error", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input(folder: str, error: type[ScaffoldError], message: str) -> None:
    with pytest.raises(error) as caught:
        plan_project(_project(folder))
    text = caught.value.render()
    assert text.startswith(message), text
    assert "\n" not in text


@pytest.mark.parametrize("folder", [b[0] for b in BAD])
def test_bad_input_exits_2_with_one_line(folder: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scaffold", "plan", str(FIXTURES / folder)],
        capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == EXIT_BAD_INPUT
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("scaffold: error: ")
    assert "Traceback" not in result.stderr


def test_node_still_wins_over_python(tmp_path: Path) -> None:
    """A package.json that runs a server beside a requirements.txt (Python tooling) is the Node app."""
    shutil.copytree(EXAMPLES / "node-express-npm-v1", tmp_path / "app")
    (tmp_path / "app" / "requirements.txt").write_text("flask\n")
    matched = match(Project(tmp_path / "app"))
    assert matched is not None and matched[0].name == "node"
    assert plan_project(Project(tmp_path / "app")).decisions["provider"].value == "node"


# -- real-world layouts found in QA ------------------------------------------------------

def test_django_split_settings_run_production_and_collectstatic_gets_placeholders() -> None:
    """cookiecutter-django style: manage.py names config.settings.local (which needs dev-only apps),
    wsgi.py names config.settings.production, which requires DJANGO_SECRET_KEY."""
    plan = plan_project(_project("python-django-split-settings"))
    django = detect_python(_project("python-django-split-settings")).django
    assert django.settings_module == "config.settings.local"
    assert django.run_settings == "config.settings.production"
    assert django.run_settings_source == "config/wsgi.py:3 (DJANGO_SETTINGS_MODULE)"
    assert ("DJANGO_SECRET_KEY", "str") in django.required_env
    assert all(name != "DATABASE_URL" for name, _ in django.required_env)  # it has a default
    dockerfile = render_plan(plan)["Dockerfile"]
    assert (
        "RUN DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=collectstatic-placeholder-not-a-secret "
        "python manage.py collectstatic --noinput"
    ) in dockerfile
    assert "    DJANGO_SETTINGS_MODULE=config.settings.production\n" in dockerfile  # runtime ENV, for manage.py too
    assert "DJANGO_SECRET_KEY" not in dockerfile.split("FROM base AS runtime")[1]
    # psycopg[binary] bundles libpq: nothing to compile, nothing to add at run time
    assert "native_packages" not in plan.decisions


def _write(root: Path, files: dict[str, str]) -> Project:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return Project(root)


_FLASK = {"app.py": "from flask import Flask\napp = Flask(__name__)\n"}


def test_django_sibling_production_settings_beat_a_local_default(tmp_path: Path) -> None:
    project = _write(tmp_path, {
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_cfg.settings.dev')\n",
        "site_cfg/__init__.py": "", "site_cfg/settings/__init__.py": "",
        "site_cfg/settings/dev.py": "from .base import *\n",
        "site_cfg/settings/prod.py": "from .base import *\nimport os\nSECRET_KEY = os.environ['SECRET_KEY']\nDEBUG = config('DEBUG', cast=bool)\n",
        "site_cfg/settings/base.py": "INSTALLED_APPS = ['django.contrib.staticfiles']\nSTATIC_ROOT = 'static'\nDATABASES = {'default': env.db()}\n",
        "site_cfg/wsgi.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_cfg.settings.dev')\napplication = get_wsgi_application()\n",
        "requirements.txt": "django\ngunicorn\n",
    })
    django = detect_python(project).django
    assert django.run_settings == "site_cfg.settings.prod"
    assert dict(django.required_env) == {"SECRET_KEY": "str", "DEBUG": "bool", "DATABASE_URL": "db"}
    static = role_lines(plan_project(project), "project")[0]
    assert static.startswith("DJANGO_SETTINGS_MODULE=site_cfg.settings.prod DATABASE_URL=sqlite://:memory: DEBUG=False SECRET_KEY=")


def test_django_environ_call_takes_the_cast_second_not_a_default(tmp_path: Path) -> None:
    """env("X", None) and env("X", int) are required (Env.__call__(var, cast, default)); env.str("X", "d") has a default."""
    project = _write(tmp_path, {
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_cfg.settings')\n",
        "site_cfg/__init__.py": "",
        "site_cfg/settings.py": (
            "import environ\nenv = environ.Env()\nEXTRA = env('APPLICATION_SETTINGS', None)\nPORT = env('DB_PORT', int)\n"
            "NAME = env.str('DB_NAME', 'todo')\nHOST = env('DB_HOST', str, 'localhost')\n"
        ),
        "site_cfg/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
        "requirements.txt": "django\ndjango-environ\ngunicorn\n",
    })
    assert dict(detect_python(project).django.required_env) == {"APPLICATION_SETTINGS": "str", "DB_PORT": "int"}


def test_django_settings_chosen_through_a_variable_in_manage_py(tmp_path: Path) -> None:
    """setdefault("DJANGO_SETTINGS_MODULE", settings_module), the module picked by an if/else (rlanier-webdev/django-todo):
    the fallback branch's literal is what manage.py runs with, and a FastAPI in the requirements no longer hides Django."""
    project = _write(tmp_path, {
        "manage.py": (
            "import os\n\ndef main():\n    environment = os.getenv('ENVIRONMENT', 'development')\n    settings_module = None\n"
            "    if environment == 'production':\n        settings_module = 'core.settings.prod'\n    else:\n"
            "        settings_module = 'core.settings.base'\n    if settings_module:\n"
            "        os.environ.setdefault('DJANGO_SETTINGS_MODULE', settings_module)\n"
        ),
        "core/__init__.py": "", "core/settings/__init__.py": "",
        "core/settings/base.py": "INSTALLED_APPS = ['django.contrib.staticfiles']\nSTATIC_ROOT = 'staticfiles'\n",
        "core/settings/prod.py": "from .base import *\n",
        "core/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
        "requirements.txt": "django\nfastapi\nstarlette\ngunicorn\n",
    })
    django = detect_python(project).django
    assert django is not None and django.settings_module == "core.settings.base"
    plan = plan_project(project)
    assert plan.value("app") == "core.wsgi:application"


@pytest.mark.parametrize(("files", "mounts", "flags", "hidden", "copied"), [
    # a token written into requirements.txt: mounted as a secret, never copied
    ({"requirements.txt": "--extra-index-url https://deploy:t0k3n@pypi.example.com/simple\n-c constraints.txt\nflask\ngunicorn\n",
      "constraints.txt": "flask==3.1.2\n"},
     ["--mount=type=secret,id=requirements_txt,target=/app/requirements.txt,required=true"], ["id=requirements_txt,src=requirements.txt"],
     ["requirements.txt"], ["constraints.txt"]),
    # ${VAR} (pip expands it): the file is copied, the variable is an env build secret
    ({"requirements.txt": "flask\ngunicorn\nprivate-lib @ git+https://${GITHUB_TOKEN}@github.com/acme/lib.git\n"},
     ["--mount=type=secret,id=github_token,required=true"], ["id=github_token,env=GITHUB_TOKEN"], [], ["requirements.txt"]),
    # pip.conf: mounted where pip reads its global config; .pypirc just stays out
    ({"requirements.txt": "flask\ngunicorn\n", "pip.conf": "[global]\nindex-url = https://u:p@pypi.example.com/simple\n",
      ".pypirc": "[pypi]\npassword = pypi-xyz\n"},
     ["--mount=type=secret,id=pip_conf,target=/etc/pip.conf,required=true"], ["id=pip_conf,src=pip.conf"], ["pip.conf", ".pypirc"],
     ["requirements.txt"]),
    # an ssh git URL is not a credential
    ({"requirements.txt": "flask\ngunicorn\nlib @ git+ssh://git@github.com/acme/lib.git\n"}, [], [], [], ["requirements.txt"]),
])
def test_install_credentials_are_build_secrets(tmp_path: Path, files, mounts, flags, hidden, copied) -> None:
    plan = plan_project(_write(tmp_path, {**_FLASK, **files}))
    assert [m for m in role_lines(plan, "install") if "type=secret" in m] == mounts
    assert [s.flag() for s in plan.build_secrets] == flags
    assert sorted(copied_files(plan)) == sorted(copied)
    for path in hidden:
        assert path in plan.dockerignore or f"**/{path}" in plan.dockerignore
    rendered = render_plan(plan)["Dockerfile"]
    assert "t0k3n" not in rendered and "u:p@" not in rendered
    if "GITHUB_TOKEN" in files.get("requirements.txt", ""):
        assert 'GITHUB_TOKEN="$(cat /run/secrets/github_token)" pip install -r requirements.txt' in rendered


def test_uv_toml_with_a_token_is_mounted_and_without_one_is_copied(tmp_path: Path) -> None:
    base = {
        "pyproject.toml": '[project]\nname = "svc"\nversion = "0"\nrequires-python = ">=3.11"\ndependencies = []\n[tool.uv]\npackage = false\n',
        "uv.lock": 'version = 1\nrequires-python = ">=3.11"\n[[package]]\nname = "svc"\nversion = "0"\nsource = { virtual = "." }\n',
        "main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
    }
    plain = plan_project(_write(tmp_path / "a", {**base, "uv.toml": "[[index]]\nurl = \"https://pypi.example.com/simple\"\n"}))
    assert sorted(copied_files(plain)) == ["pyproject.toml", "uv.lock", "uv.toml"]
    secret = plan_project(_write(tmp_path / "b", {**base, "uv.toml": "[[index]]\nurl = \"https://me:tok@pypi.example.com/simple\"\n"}))
    assert "--mount=type=secret,id=uv_toml,target=/app/uv.toml,required=true" in role_lines(secret, "install")
    assert "uv.toml" in secret.dockerignore


def test_extras_that_bring_a_server_or_a_binary_build(tmp_path: Path) -> None:
    plan = plan_project(_write(tmp_path, {
        "requirements.txt": "fastapi[standard]\npsycopg[binary]\n", "main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
    }))
    assert plan.decisions["server"].source == "requirements.txt lists uvicorn"  # not installed a second time
    assert "native_packages" not in plan.decisions


def test_uv_workspace_members_are_packages() -> None:
    """A uv workspace (root + packages/*): the app is imported as its member package, the members'
    manifests are copied for the lock install, and the members are installed with the sources."""
    facts = detect_python(_project("python-uv-workspace"))
    assert facts.uv_workspace_members == ("packages/api", "packages/core")
    plan = plan_project(_project("python-uv-workspace"))
    assert plan.value("app") == "api.main:app"
    copied = copied_files(plan)
    assert copied == ["pyproject.toml", "uv.lock", "packages/api/pyproject.toml", "packages/core/pyproject.toml"]
    assert role_lines(plan, "install")[-1].endswith("uv sync --frozen --no-dev --no-install-workspace")
    assert role_lines(plan, "project")[-1].endswith("uv sync --frozen --no-dev --no-editable --inexact")


_PIPFILE_LOCK = json.dumps({
    "_meta": {"hash": {"sha256": "0"}, "pipfile-spec": 6, "requires": {},
              "sources": [{"name": "private", "url": "https://${PIP_INDEX_USER}:${PIP_INDEX_TOKEN}@pypi.example.com/simple", "verify_ssl": True}]},
    "default": {"flask": {"hashes": ["sha256:00"], "version": "==3.1.2"}, "gunicorn": {"hashes": ["sha256:00"], "version": "==23.0.0"}},
    "develop": {},
})


def test_pipfile_source_variables_are_env_build_secrets(tmp_path: Path) -> None:
    """pipenv keeps ${VAR} of a [[source]] url unexpanded in the lock and in `pipenv requirements`;
    pip expands it, so the variables are env secrets on that pip command and reach every secrets list."""
    plan = plan_project(_write(tmp_path, {**_FLASK, "Pipfile.lock": _PIPFILE_LOCK, "Pipfile": (
        '[[source]]\nname = "private"\nurl = "https://${PIP_INDEX_USER}:${PIP_INDEX_TOKEN}@pypi.example.com/simple"\nverify_ssl = true\n\n'
        '[packages]\nflask = "*"\ngunicorn = "*"\n'
    )}))
    assert plan.dockerfile["build_secrets"] == [
        {"id": "pip_index_user", "kind": "environment", "value": "PIP_INDEX_USER"},
        {"id": "pip_index_token", "kind": "environment", "value": "PIP_INDEX_TOKEN"},
    ]
    run = role_lines(plan, "install")
    assert "--mount=type=secret,id=pip_index_user,required=true" in run
    assert any(line.removeprefix("&& ").startswith('PIP_INDEX_USER="$(cat /run/secrets/pip_index_user)" PIP_INDEX_TOKEN="$(cat /run/secrets/pip_index_token)" '
                               "pip install --require-hashes") for line in run)
    assert sorted(copied_files(plan)) == ["Pipfile", "Pipfile.lock"]
    assert any("Pipfile [[source]] url read ${PIP_INDEX_TOKEN}" in n for n in plan.notes)
    assert "--secret id=pip_index_user,env=PIP_INDEX_USER --secret id=pip_index_token,env=PIP_INDEX_TOKEN" in plan.next_steps()[0]
    from scaffold.compose import build_secrets
    assert [s["id"] for s in build_secrets(plan)] == ["pip_index_user", "pip_index_token"]


@pytest.mark.parametrize(("files", "where"), [
    ({"Pipfile": '[[source]]\nname = "p"\nurl = "https://deploy:t0k3n@pypi.example.com/simple"\n[packages]\nflask = "*"\n',
      "Pipfile.lock": _PIPFILE_LOCK}, "Pipfile:3"),
    ({"Pipfile": '[[source]]\nname = "p"\nurl = "https://pypi.org/simple"\n[packages]\nflask = "*"\n',
      "Pipfile.lock": _PIPFILE_LOCK.replace("${PIP_INDEX_USER}:${PIP_INDEX_TOKEN}", "deploy:t0k3n")}, "Pipfile.lock:"),
    ({"pyproject.toml": '[project]\nname = "svc"\nversion = "0"\ndependencies = ["flask"]\n\n[[tool.uv.index]]\nname = "corp"\n'
                        'url = "https://ghp_abc123@pypi.example.com/simple"\n', "uv.lock": 'version = 1\n'}, "pyproject.toml:8"),
    ({"pyproject.toml": '[tool.poetry]\nname = "svc"\nversion = "0"\n[tool.poetry.dependencies]\npython = "^3.11"\nflask = "*"\n'
                        '[[tool.poetry.source]]\nname = "corp"\nurl = "https://me:pw@pypi.example.com/simple"\n', "poetry.lock": ""}, "pyproject.toml:9"),
    ({"pyproject.toml": '[project]\nname = "svc"\nversion = "0"\ndependencies = ["flask"]\n[[tool.pdm.source]]\nname = "corp"\n'
                        'url = "https://me:pw@pypi.example.com/simple"\n', "pdm.lock": ""}, "pyproject.toml:7"),
])
def test_a_credential_written_in_a_manifest_is_refused(tmp_path: Path, files: dict[str, str], where: str) -> None:
    """The install and the app need these files, so no Dockerfile could keep the credential out of a layer."""
    with pytest.raises(ScaffoldError) as error:
        plan_project(_write(tmp_path, {**_FLASK, **files}))
    assert error.value.exit_code == EXIT_BAD_INPUT
    message = error.value.render()
    assert message.startswith(where) and "written-out credential" in message and "\n" not in message
    assert "${VAR}" in message or "UV_INDEX_<NAME>" in message


def test_a_database_url_in_a_pipfile_script_is_not_an_install_credential(tmp_path: Path) -> None:
    """4GeeksAcademy/flask-rest-hello (a bootcamp template with thousands of forks) was refused: its Pipfile's
    [scripts] hold `postgresql://gitpod:postgres@localhost`, which no install reads."""
    pipfile = ('[[source]]\nname = "pypi"\nurl = "https://pypi.org/simple"\n[packages]\nflask = "*"\n[scripts]\n'
               'diagram = "eralchemy2 -i \'postgresql://gitpod:postgres@localhost:5432/example\' -o diagram.png"\n')
    plan = plan_project(_write(tmp_path, {**_FLASK, "Pipfile": pipfile, "Pipfile.lock": _PIPFILE_LOCK}))
    assert plan.ecosystem == "python"


def test_a_commented_credential_or_an_ssh_user_is_not_refused(tmp_path: Path) -> None:
    plan = plan_project(_write(tmp_path, {**_FLASK, "requirements.txt": "flask\ngunicorn\n", "pyproject.toml": (
        '# url = "https://me:pw@pypi.example.com/simple"\n[project]\nname = "svc"\nversion = "0"\n'
        'dependencies = ["lib @ git+ssh://git@github.com/acme/lib.git"]\n'
    )}))
    assert plan.ecosystem == "python"


@pytest.mark.parametrize(("tool", "files", "names"), [
    ("uv", {"pyproject.toml": '[project]\nname = "svc"\nversion = "0"\nrequires-python = ">=3.11"\ndependencies = []\n[tool.uv]\npackage = false\n'
                              '[[tool.uv.index]]\nname = "corp-internal"\nurl = "https://pypi.corp.example/simple"\n'
                              '[[tool.uv.index]]\nname = "pypi"\nurl = "https://pypi.org/simple"\n',
            "uv.lock": 'version = 1\nrequires-python = ">=3.11"\n[[package]]\nname = "svc"\nversion = "0"\nsource = { virtual = "." }\n'},
     ("UV_INDEX_CORP_INTERNAL_USERNAME", "UV_INDEX_CORP_INTERNAL_PASSWORD")),
    ("poetry", {"pyproject.toml": '[tool.poetry]\nname = "svc"\nversion = "0"\npackage-mode = false\n[tool.poetry.dependencies]\npython = "^3.11"\n'
                                  '[[tool.poetry.source]]\nname = "corp.internal"\nurl = "https://pypi.corp.example/simple"\npriority = "supplemental"\n',
                "poetry.lock": '[metadata]\nlock-version = "2.1"\npython-versions = "^3.11"\ncontent-hash = "0"\n'},
     ("POETRY_HTTP_BASIC_CORP_INTERNAL_USERNAME", "POETRY_HTTP_BASIC_CORP_INTERNAL_PASSWORD")),
])
def test_a_private_index_note_names_the_credential_variables(tmp_path: Path, tool: str, files: dict[str, str], names: tuple[str, str]) -> None:
    plan = plan_project(_write(tmp_path, {"main.py": "from fastapi import FastAPI\napp = FastAPI()\n", **files}))
    assert plan.value("package_manager") == tool
    index_notes = [n for n in plan.notes if "https://pypi.corp.example/simple" in n]
    assert len(index_notes) == 1 and all(name in index_notes[0] for name in names)
    assert not any("pypi.org" in n for n in plan.notes)  # PyPI itself needs no credentials
    assert plan.dockerfile["build_secrets"] == []


def test_an_old_pyyaml_pin_builds_with_cython_below_3(tmp_path: Path) -> None:
    """PyYAML 5.4.1 (pinned by countless 2021 requirements files) has no wheel for Python 3.10+, and its
    setup.py fails with Cython 3: the install RUN gets a build constraint, through PIP_CONSTRAINT, for that RUN only."""
    plan = plan_project(_write(tmp_path, {**_FLASK, "requirements.txt": "flask\ngunicorn\nPyYAML==5.4.1\n"}))
    run = role_lines(plan, "install")
    assert "printf 'cython<3\\n' > /tmp/build-constraints.txt" in run
    assert any(line.startswith("&& PIP_CONSTRAINT=/tmp/build-constraints.txt pip install -r requirements.txt") for line in run)
    assert any("pyyaml 5.4.1" in n and "cython<3" in n for n in plan.notes)
    current = plan_project(_write(tmp_path / "new", {**_FLASK, "requirements.txt": "flask\ngunicorn\nPyYAML==6.0.2\n"}))
    assert not any("PIP_CONSTRAINT" in line for line in role_lines(current, "install"))


DJANGO_ONE_DOWN = {
    "requirements.txt": "Django==4.2.16\ngunicorn==23.0.0\n",
    "site/manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n",
    "site/mysite/__init__.py": "",
    "site/mysite/settings.py": "from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\nINSTALLED_APPS = ['django.contrib.staticfiles']\nWSGI_APPLICATION = 'mysite.wsgi.application'\nSTATIC_ROOT = BASE_DIR / 'staticfiles'\n",
    "site/mysite/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
}


def test_a_django_project_one_folder_below_the_requirements_is_served_from_there(tmp_path):
    """requirements.txt at the root and site/manage.py (hseritt/django-blog's shape): built and
    served by hand on this machine; before, init stopped with "no application object found"."""
    write_tree(tmp_path, DJANGO_ONE_DOWN)
    plan = plan_project(Project(tmp_path), {})
    dockerfile = render_plan(plan)["Dockerfile"]
    assert plan.value("app") == "mysite.wsgi:application"
    assert plan.decisions["app"].source.startswith("site/mysite/wsgi.py:")
    assert "RUN python site/manage.py collectstatic --noinput" in dockerfile
    assert "PYTHONPATH=/app/site" in dockerfile
    assert any("site/, beside its manage.py" in n for n in plan.notes)


def test_two_folders_with_a_manage_py_are_not_guessed_between(tmp_path):
    write_tree(tmp_path, {**DJANGO_ONE_DOWN, "other/manage.py": "import os\n"})
    assert scaffold_main(["plan", str(tmp_path)]) == 2


def test_windows_only_requirements_are_dropped_from_the_build_copy(tmp_path: Path) -> None:
    """rezashataie/simple-flask-api: a `pip freeze` made on Windows (UTF-16) pins pywin32==308, which pip on Linux
    cannot find. The build drops such unmarked lines from its copy; the command is run here on a copy."""
    text = "flask==3.0.3\r\npywin32==308\r\nPyWin32 >= 300\r\npywin32==308 ; sys_platform == 'win32'\r\ngunicorn==23.0.0\r\n"
    write_tree(tmp_path, {"requirements.txt": text.encode("utf-16"), "app.py": "from flask import Flask\napp = Flask(__name__)\n"})
    reqs = read_requirements(Project(tmp_path), "requirements.txt")
    assert [w for _, w in reqs.windows_only] == ["requirements.txt:2", "requirements.txt:3"]
    plan = plan_project(Project(tmp_path))
    install = role_lines(plan, "install")
    drop = next(line for line in install if line.lstrip("&& ").startswith("python -c"))
    command = drop.strip().removeprefix("&& ").removesuffix("\\").strip()
    subprocess.run(["sh", "-c", command.replace("python -c", f"{sys.executable} -c", 1)], cwd=tmp_path, check=True)
    assert (tmp_path / "requirements.txt").read_text() == "flask==3.0.3\npywin32==308 ; sys_platform == 'win32'\ngunicorn==23.0.0\n"


@pytest.mark.parametrize(
    ("code", "requirements", "capped"),
    [
        ("from pydantic import BaseSettings\n", "fastapi\nuvicorn\n", "pydantic<2"),
        ("from pydantic import (\n    BaseModel,\n    BaseSettings,\n)\n", "fastapi\nuvicorn\n", "pydantic<2"),
        ("from werkzeug.urls import url_parse\n", "flask\nflask-login\n", "werkzeug<3.0"),
        ("def init(db, app):\n    db.create_all(app=app)\n", "flask\nflask-sqlalchemy\n", "flask-sqlalchemy<3.0\\nsqlalchemy<2.0\\nflask<3.0"),
        ("from pydantic import BaseSettings\n", "fastapi\nuvicorn\npydantic==1.10.13\n", None),  # the pin is the project's word
        ("from pydantic_settings import BaseSettings\n", "fastapi\nuvicorn\n", None),
    ],
)
def test_imports_of_an_older_major_cap_it(tmp_path: Path, code: str, requirements: str, capped: str | None) -> None:
    """wlsouza/fastapi-todolist (2022): unpinned fastapi, `from pydantic import BaseSettings`; today's install brought
    pydantic 2 and the app died with PydanticImportError at import (checked with docker: it then gets past it)."""
    app = "from fastapi import FastAPI\napp = FastAPI()\n" if "fastapi" in requirements else "from flask import Flask\napp = Flask(__name__)\n"
    write_tree(tmp_path, {"requirements.txt": requirements, "app/__init__.py": "", "app/config.py": code, "app/main.py": app})
    install = " ".join(role_lines(plan_project(Project(tmp_path)), "install"))
    if capped:
        assert f"printf '{capped}\\n' > /tmp/build-constraints.txt" in install and "PIP_CONSTRAINT=/tmp/build-constraints.txt pip install" in install
    else:
        assert "build-constraints" not in install


def test_a_folder_that_is_a_package_of_relative_imports_is_imported_as_the_package_app(tmp_path):
    """sinasezza/FastAPI-TodoListApp's backend/ has __init__.py and `from .apis import ...`: no server can import
    main.py as a top-level module. The image copies the folder to /app, so it is the package `app`, imported
    from / (hr-sobuj/flask-sqlalchemy-practice, round 44, runs this way with `flask --app app.py run`)."""
    write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "todo"\nversion = "1"\ndependencies = ["fastapi", "uvicorn"]\n',
        "__init__.py": "", "apis.py": "x = 1\n",
        "main.py": "from fastapi import FastAPI\nfrom .apis import x\n\napp: FastAPI = FastAPI()\n",
    })
    plan = plan_project(Project(tmp_path))
    assert plan.value("app") == "app.main:app"
    assert "uvicorn --app-dir / app.main:app" in render_plan(plan)["Dockerfile"]
    assert any("main.py:2 (from .apis import ...): the project's root is a package" in n for n in plan.notes)


def test_a_flask_root_package_gets_its_instance_folder_beside_it(tmp_path):
    """Flask puts a package's instance folder beside the package: /instance for the package /app."""
    write_tree(tmp_path, {
        "requirements.txt": "flask==3.0.3\nflask-sqlalchemy==3.1.1\ngunicorn==23.0.0\n",
        "__init__.py": "", "controller.py": "def register(app):\n    pass\n",
        "app.py": "from flask import Flask\nfrom .controller import register\n\napp = Flask(__name__)\napp.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:///site.db'\n",
    })
    plan = plan_project(Project(tmp_path))
    dockerfile = render_plan(plan)["Dockerfile"]
    assert "gunicorn --pythonpath / --bind" in dockerfile and "app.app:app" in dockerfile
    assert "mkdir -p /instance" in dockerfile and "chown 10001:10001 /instance" in dockerfile


def test_gitpython_gets_the_git_executable_in_the_runtime_only(tmp_path: Path) -> None:
    """GitPython runs `git`; without it `import git` fails at boot (digma-ai/example-fastapi-app: "Bad git executable")."""
    write_tree(tmp_path, {"requirements.txt": "fastapi==0.110.0\nuvicorn==0.29.0\nGitPython==3.1.26\n", "main.py": "from fastapi import FastAPI\nimport git\napp = FastAPI()\n"})
    plan = plan_project(Project(tmp_path))
    build, runtime = render_plan(plan)["Dockerfile"].split("AS runtime", 1)
    assert plan.value("native_packages") == ["gitpython"]
    assert "install -y --no-install-recommends git" in runtime and "gcc" not in build


@pytest.mark.parametrize(("requirement", "capped"), [
    ("opentelemetry-instrumentation-fastapi==0.30b1", True),  # digma-ai/example-fastapi-app: No module named 'pkg_resources'
    ("opentelemetry-instrumentation==0.48b0", True),
    ("opentelemetry-instrumentation-fastapi==0.49b0", False),  # 0.49b0 dropped pkg_resources
    ("opentelemetry-instrumentation-digma==0.5.14", False),  # a third party's numbering says nothing
])
def test_a_release_importing_pkg_resources_keeps_a_setuptools_that_has_it(tmp_path: Path, requirement: str, capped: bool) -> None:
    """setuptools 82 removed pkg_resources; an unbounded setuptools>=16 dependency takes it."""
    plan = plan_project(_write(tmp_path, {**_FLASK, "requirements.txt": f"flask\ngunicorn\n{requirement}\n"}))
    run = " ".join(role_lines(plan, "install"))
    assert ("printf 'setuptools<82\\n' > /tmp/build-constraints.txt" in run) is capped, run
    assert any("the install keeps setuptools<82 for it" in n for n in plan.notes) is capped


@pytest.mark.parametrize(("pin", "capped"), [("opentelemetry-sdk==1.11.1", True), ("opentelemetry-sdk==1.12.0", False)])
def test_an_old_opentelemetry_keeps_protobuf_3(tmp_path: Path, pin: str, capped: bool) -> None:
    """digma-ai/example-fastapi-app: protobuf 7 refused opentelemetry-proto 1.11's _pb2 modules at import."""
    plan = plan_project(_write(tmp_path, {**_FLASK, "requirements.txt": f"flask\ngunicorn\n{pin}\nopentelemetry-exporter-otlp\n"}))
    assert ("protobuf<4" in " ".join(role_lines(plan, "install"))) is capped


def test_an_empty_requirements_file_is_read_like_none(tmp_path: Path) -> None:
    """fatmakahveci/Django-Todo-App: requirements.txt held one blank line, and the image had no Django."""
    plan = plan_project(_write(tmp_path, {
        "requirements.txt": "\n# nothing yet\n",
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n",
        "site1/settings.py": "INSTALLED_APPS = []\nWSGI_APPLICATION = 'site1.wsgi.application'\n",
        "site1/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
    }))
    assert "django" in " ".join(role_lines(plan, "install")).lower()
    assert any(w.startswith("requirements.txt lists no requirements: the image installs django") for w in plan.warnings), plan.warnings


def test_asyncpg_without_a_wheel_for_the_newest_line_lowers_it(tmp_path: Path) -> None:
    plan = plan_project(_write(tmp_path, {**_FLASK, "requirements.txt": "flask==3.0.3\ngunicorn==23.0.0\nasyncpg==0.29.0\n"}))
    assert plan.value("python_version") == "3.12" and "asyncpg 0.29.0" in plan.decisions["python_version"].source


def test_gunicorn_20_keeps_a_setuptools_with_pkg_resources(tmp_path: Path) -> None:
    """vectornguyen76/flask-rest-api-template: gunicorn 20.1.0 died with No module named 'pkg_resources'."""
    plan = plan_project(_write(tmp_path, {**_FLASK, "requirements.txt": "flask==2.3.3\ngunicorn==20.1.0\n"}))
    assert "printf 'setuptools<82\\n' > /tmp/build-constraints.txt" in " ".join(role_lines(plan, "install"))


def test_pygraphviz_builds_against_graphviz_and_keeps_its_libraries(tmp_path: Path) -> None:
    """4GeeksAcademy/flask-rest-hello locks pygraphviz (eralchemy2's), which has no wheels: graphviz/cgraph.h was missing."""
    plan = plan_project(_write(tmp_path, {**_FLASK, "requirements.txt": "flask==3.0.3\ngunicorn==23.0.0\npygraphviz==1.14\n"}))
    build, runtime = render_plan(plan)["Dockerfile"].split("AS runtime", 1)
    assert "libgraphviz-dev" in build and "libcgraph6" in runtime and "libgvc6" in runtime and "libgraphviz-dev" not in runtime


@pytest.mark.parametrize(("requires", "pretend"), [('["setuptools", "setuptools_scm", "wheel"]', True), ('["hatchling", "hatch-vcs"]', True), ('["setuptools"]', False)])
def test_a_git_tag_version_builds_without_git(tmp_path: Path, requires: str, pretend: bool) -> None:
    """amoghmadan/Python-Flask-REST-Starter: `pip install .` died with "setuptools-scm was unable to detect version"."""
    backend = "hatchling.build" if "hatchling" in requires else "setuptools.build_meta"
    plan = plan_project(_write(tmp_path, {"src/app/__init__.py": _FLASK["app.py"], "pyproject.toml": f'[build-system]\nrequires = {requires}\nbuild-backend = "{backend}"\n'
                                          '[project]\nname = "app"\ndynamic = ["version"]\ndependencies = ["flask", "gunicorn"]\n'}))
    run = " ".join(role_lines(plan, "install"))
    assert ("SETUPTOOLS_SCM_PRETEND_VERSION=0.0.0 pip install ." in run) is pretend, run


def test_a_factory_built_on_another_factory_is_the_app(tmp_path: Path) -> None:
    """astei/quart-app-template: create_full_app() calls create_base_app() and registers the routes;
    serving the base factory answered 404 everywhere (200 after, checked with docker)."""
    code = (
        "from quart import Quart\n\n\ndef create_base_app():\n    app = Quart(__name__)\n    return app\n\n\n"
        "def create_full_app():\n    app = create_base_app()\n    app.register_blueprint(bp)\n    return app\n"
    )
    write_tree(tmp_path, {"requirements.txt": "quart==0.19.6\nuvicorn==0.30.0\n", "svc/__init__.py": code})
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("app") == "svc:create_full_app()"
    assert plan.value("start_command") == 'uvicorn --factory svc:create_full_app --host 0.0.0.0 --port "$PORT"'


def test_apps_a_django_setting_names_by_string_count_as_imports(tmp_path: Path) -> None:
    """jake-bestland/django-todo-app (no dependency file): 'django_cleanup.apps.CleanupConfig' in INSTALLED_APPS
    is imported by Django itself; collectstatic died with No module named 'django_cleanup'."""
    settings = "INSTALLED_APPS = [\n    'django.contrib.admin',\n    'todo',\n    'django_cleanup.apps.CleanupConfig',\n]\nMIDDLEWARE = ['whitenoise.middleware.WhiteNoiseMiddleware']\n"
    write_tree(tmp_path, {"manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n", "site1/__init__.py": "", "site1/settings.py": settings,
                          "site1/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n", "todo/__init__.py": ""})
    facts = detect_python(Project(tmp_path))
    assert {"django", "django-cleanup", "whitenoise"} <= set(facts.dependencies)
    assert "todo" not in facts.dependencies  # the project's own app


def test_manage_py_reading_its_settings_module_through_decouple_names_the_default(tmp_path: Path) -> None:
    """mehdi-msv/Django-ToDo-App: `os.environ.setdefault("DJANGO_SETTINGS_MODULE", config("DJANGO_SETTINGS_MODULE",
    default="core.settings.development"))` was not read, so the project's Celery app was run as a worker."""
    manage = ("import os\nfrom decouple import config\n\n\ndef main():\n    os.environ.setdefault(\n        'DJANGO_SETTINGS_MODULE',\n"
              "        config('DJANGO_SETTINGS_MODULE', default='core.settings.development'),\n    )\n")
    write_tree(tmp_path, {
        "requirements.txt": "django==4.2.15\npython-decouple==3.8\ncelery==5.4.0\n",
        "manage.py": manage, "core/__init__.py": "from .celery import app as celery_app\n",
        "core/celery.py": "from celery import Celery\napp = Celery('core')\n",
        "core/settings/__init__.py": "", "core/settings/development.py": "WSGI_APPLICATION = 'core.wsgi.application'\n",
        "core/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("framework") == "django" and "core.wsgi:application" in plan.value("start_command")
