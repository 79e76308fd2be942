"""A requirement capped from above is judged by the Python-line limits like a pin.

`Django>=3.0,<=3.1` installs a Django that imports distutils, which Python 3.12
removed,: the worker dies at boot on the default line (Azure-Samples/python-docs-hello-django).
"""

from __future__ import annotations

import pytest

from conftest import write_tree
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.providers.python.requirements import upper_bound
from scaffold.render import render_plan
from scaffold.data import versions

APP = "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n"


@pytest.mark.parametrize(("spec", "bound"), [
    ("Django>=3.0,<=3.1", ("<=", "3.1")),
    ("Django<4", ("<", "4")),
    ("django~=3.2", ("<", "4")),
    ("django~=3.2.5", ("<", "3.3")),
    ("Django>=3.0,<4.0,<3.2", ("<", "3.2")),
    ("Django>=4", None),
    ("Django", None),
])
def test_upper_bound(spec, bound):
    assert upper_bound(spec) == bound


@pytest.mark.parametrize(("requirement", "line", "why"), [
    ("Django>=3.0,<=3.1", "3.11", "predates Python 3.12"),
    ("Django<4.0", "3.11", "predates Python 3.12"),  # every release below 4.0 is below the limit
    ("Django<=4.0", "3.12", "imports the cgi module"),  # 4.0 itself has distutils gone, but still imports cgi
    ("Django>=4.2", None, None),
    # checked by building: 1.10.6 on 3.11 died in collectstatic with "cannot import name 'Iterator' from 'collections'"
    ("Django==1.10.6", "3.9", "collections.abc only"),
])
def test_a_capped_django_gets_a_line_it_runs_on(tmp_path, requirement, line, why):
    write_tree(tmp_path, {"requirements.txt": requirement + "\ngunicorn\n", "site/wsgi.py": APP, "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n", "site/settings.py": "DEBUG = True\n"})
    plan = plan_project(Project(tmp_path), {})
    chosen = plan.value("python_version")
    if line is None:
        assert "lowered" not in plan.decisions["python_version"].source
    else:
        assert chosen == line and why in plan.decisions["python_version"].source, plan.decisions["python_version"]


FLASK_APP = "from flask import Flask\napp = Flask(__name__)\n"


@pytest.mark.parametrize(("requirement", "line", "why"), [
    # checked by building: 2.8.4's C source fails on 3.11 (Py_TYPE as an lvalue), 2.9.x before 2.9.10 on 3.13
    ("psycopg2==2.8.4", "3.10", "Py_TYPE used as an lvalue"),
    ("psycopg2==2.9.3", "3.12", "gettimeofday undeclared"),
    ("psycopg2==2.9.10", "3.13", None),
    ("pydantic==1.8.2", "3.10", "not' is not a valid parameter name"),
    ("pydantic==1.10.13", "3.13", None),
    # checked in the wheels: 0.37.0's green thread module lacks start_joinable_thread, 0.38.0 has it
    ("eventlet==0.37.0", "3.12", "start_joinable_thread"),
    ("eventlet==0.38.0", "3.13", None),
])
def test_a_package_that_breaks_on_newer_lines_lowers_the_line(tmp_path, requirement, line, why):
    write_tree(tmp_path, {"requirements.txt": f"flask==3.0.3\ngunicorn==23.0.0\n{requirement}\n", "app.py": FLASK_APP})
    plan = plan_project(Project(tmp_path), {})
    decision = plan.decisions["python_version"]
    assert decision.value == line, decision
    if why:
        assert why in decision.source
    else:
        assert "lowered" not in decision.source


def test_a_line_that_ended_before_trixie_gets_a_bookworm_image(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "flask==3.0.3\ngunicorn==23.0.0\n", "app.py": FLASK_APP, ".python-version": "3.8\n"})
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("base_image") == "python:3.8-slim-bookworm"
    assert plan_project(Project(tmp_path), {"python_version": "3.12"}).value("base_image") == "python:3.12-slim-trixie"


def test_when_every_line_builds_some_package_from_source_the_oldest_line_is_taken(tmp_path):
    """A 2020 lock with wheels up to 3.8 only: every supported line compiles the same packages,
    and code of that era runs more surely on the line nearest to it (naufalafif/fastapi-starter)."""
    lock = """[[package]]
name = "markupsafe"
version = "1.1.1"
optional = false
python-versions = ">=2.7"
files = [
    {file = "MarkupSafe-1.1.1-cp38-cp38-manylinux1_x86_64.whl", hash = "sha256:0"},
    {file = "MarkupSafe-1.1.1.tar.gz", hash = "sha256:1"},
]

[[package]]
name = "flask"
version = "3.0.3"
optional = false
python-versions = ">=3.8"
files = [{file = "flask-3.0.3-py3-none-any.whl", hash = "sha256:2"}]

[metadata]
lock-version = "2.0"
python-versions = "^3.8"
content-hash = "0"
"""
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.poetry]\nname = "demo"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\npython = "^3.8"\nflask = "^3.0"\nmarkupsafe = "^1.1"\n',
        "poetry.lock": lock, "app.py": FLASK_APP,
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("python_version") == "3.11", plan.decisions["python_version"]
    assert any("markupsafe 1.1.1 has wheels up to Python 3.8" in w for w in plan.warnings)


@pytest.mark.parametrize(("requirement", "line"), [
    ("pillow==8.0.1", "3.9"),  # cp39 wheels from 8.0.0, cp310 only from 8.3.2 (aliceridgway/django-blog)
    ("pillow==9.5.0", "3.11"),  # cp311 from 9.2.0, cp312 from 10.0.0
    ("numpy==1.21.6", "3.10"),
    ("numpy==2.1.0", "3.13"),  # the first with cp313 wheels is allowed 3.13
    ("pillow<9.2", "3.10"),  # a cap installs the release below it
    ("regex==2020.11.13", "3.9"),  # C only: cp310 wheels from 2021.8.21 (SL-Lee/flask-todo-app's 2021 freeze)
    ("typed-ast==1.5.5", "3.11"),  # no release has a cp312 wheel ("never" in the table)
])
def test_a_compiled_package_pinned_before_a_lines_first_wheel_lowers_the_line(tmp_path, requirement, line):
    write_tree(tmp_path, {"requirements.txt": f"flask==3.0.3\n{requirement}\n", "app.py": FLASK_APP})
    decision = plan_project(Project(tmp_path), {}).decisions["python_version"]
    assert decision.value == line, decision


def test_an_end_of_life_line_gets_a_server_release_that_installs_on_it(tmp_path):
    """gunicorn 27 needs Python 3.10: on 3.9 the added server is the newest release that installs there."""
    write_tree(tmp_path, {"requirements.txt": "flask==3.0.3\npillow==8.0.1\n", "app.py": FLASK_APP})
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("python_version") == "3.9"
    data = versions()["python"]
    old, new = data["servers_by_line"]["3.9"]["gunicorn"], data["servers"]["gunicorn"]
    assert old != new
    assert f"pip install gunicorn=={old}" in render_plan(plan)["Dockerfile"]
    write_tree(tmp_path, {"requirements.txt": "flask==3.0.3\n"})
    assert f"pip install gunicorn=={new}" in render_plan(plan_project(Project(tmp_path), {}))["Dockerfile"]


def test_a_pinned_line_older_than_a_pinned_release_allows_is_raised(tmp_path):
    """Pipfile says 3.7, requirements.txt pins numpy 1.22.0 (requires-python >=3.8): pip on 3.7 finds no
    numpy 1.22.0 at all (hannesdatta/flask-todo). The line rises to what the pin needs, and says so."""
    write_tree(tmp_path, {
        "requirements.txt": "flask==2.0.2\nnumpy==1.22.0\n", "app.py": FLASK_APP,
        "Pipfile": '[packages]\nflask = "*"\n\n[requires]\npython_version = "3.7"\n',
    })
    plan = plan_project(Project(tmp_path), {})
    decision = plan.decisions["python_version"]
    assert decision.value == "3.8" and "numpy 1.22.0 (requirements.txt:2) needs Python 3.8" in decision.source
    assert any("asks for Python 3.7" in w and "using 3.8" in w for w in plan.warnings)
    write_tree(tmp_path, {"requirements.txt": "flask==2.0.2\nnumpy<1.22\n"})  # a cap may install an older numpy
    assert plan_project(Project(tmp_path), {}).value("python_version") == "3.7"


def test_python_37_builds_on_its_last_debian_with_servers_that_install_there(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "flask==2.0.2\n", "app.py": FLASK_APP, "runtime.txt": "python-3.7.12\n"})
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("base_image") == "python:3.7-slim-bookworm"
    assert f"pip install gunicorn=={versions()['python']['servers_by_line']['3.7']['gunicorn']}" in render_plan(plan)["Dockerfile"]
    assert not any("not a line scaffold knows" in w for w in plan.warnings)


def test_a_pin_below_every_line_with_an_image_is_raised_to_the_oldest(tmp_path):
    """python:3.6 images stop at bullseye and buster, whose archives apt no longer serves."""
    write_tree(tmp_path, {"requirements.txt": "flask==1.1.4\n", "app.py": FLASK_APP, "runtime.txt": "python-3.6.9\n"})
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("python_version") == "3.7" and plan.value("base_image") == "python:3.7-slim-bookworm"
    assert any("asks for Python 3.6" in w and "using 3.7" in w for w in plan.warnings)


@pytest.mark.parametrize(("module", "line"), [("crypt", "3.12"), ("cgi", "3.12"), ("imp", "3.11"), ("json", "3.13")])
def test_an_import_of_a_removed_stdlib_module_caps_the_line(tmp_path, module, line):
    """tbog357/simple-flask-app: `import crypt` (PEP 594 removed it in 3.13) died with ModuleNotFoundError on 3.13."""
    write_tree(tmp_path, {"requirements.txt": "flask==3.0.3\n", "app.py": f"import {module}\nfrom flask import Flask\napp = Flask(__name__)\n"})
    decision = plan_project(Project(tmp_path), {}).decisions["python_version"]
    assert decision.value == line
    if line != "3.13":
        assert f"the {module} module is imported" in decision.source and "app.py:1" in decision.source
