"""An old pinned framework whose own dependencies are left unpinned gets them capped.

Flask 1.x allows any Jinja2 and MarkupSafe, so a 2020 requirements file pinning only
Flask installs Jinja2 3.1 today and the worker dies at import (`cannot import name
'Markup' from 'jinja2'`, choyiny/flask-api-starter). Checked by building Flask 1.1.4
with the caps on Python 3.11: it serves.
"""

from __future__ import annotations

import pytest

from conftest import write_tree
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.render import render_plan

APP = "from flask import Flask\napp = Flask(__name__)\n"


def _plan(tmp_path, requirements):
    write_tree(tmp_path, {"requirements.txt": requirements, "app.py": APP})
    plan = plan_project(Project(tmp_path), {})
    return plan, render_plan(plan)["Dockerfile"]


def _caps(dockerfile):
    line = next((l for l in dockerfile.splitlines() if "build-constraints.txt" in l and "printf" in l), "")
    return line.split("'")[1].split("\\n")[:-1] if line else []


def test_flask_1_caps_its_unpinned_dependencies(tmp_path):
    plan, dockerfile = _plan(tmp_path, "Flask==1.1.4\ngunicorn==20.1.0\n")
    # setuptools<82 is gunicorn 20's (python_build_constraints: it imports pkg_resources)
    # flask==1.1.4 is held too: an sdist's setup_requires (Flask-User 1.0) fetches Flask while it builds, and
    # unpinned there it is the newest, which asks for a Werkzeug the caps refuse (anhducc13/flask-app)
    assert _caps(dockerfile) == ["setuptools<82", "flask==1.1.4", "jinja2<3.0", "markupsafe<2.1", "itsdangerous<2.0", "werkzeug<2.0"]
    assert "PIP_CONSTRAINT=/tmp/build-constraints.txt pip install -r requirements.txt" in dockerfile
    assert any("requirements.txt:1: flask 1.1.4" in n and "python_era_constraints" in n for n in plan.notes)


def test_a_dependency_the_project_names_keeps_its_own_specifier(tmp_path):
    _, dockerfile = _plan(tmp_path, "Flask==1.1.4\nJinja2==2.11.3\ngunicorn==20.1.0\n")
    assert _caps(dockerfile) == ["setuptools<82", "flask==1.1.4", "markupsafe<2.1", "itsdangerous<2.0", "werkzeug<2.0"]


@pytest.mark.parametrize(("requirements", "caps"), [
    ("Flask==2.2.5\n", ["flask==2.2.5", "werkzeug<3.0"]),  # the later, looser row only
    ("flask<2.3\n", ["werkzeug<3.0"]),  # a cap counts as the release below it, and holds nothing
    ("Flask==3.0.3\n", []),
    ("Flask\n", []),  # unpinned: today's Flask with today's Werkzeug
    ("Flask==3.0.3\nFlask-SQLAlchemy==2.5.1\n", ["flask-sqlalchemy==2.5.1", "sqlalchemy<2.0"]),
])
def test_which_rows_apply(tmp_path, requirements, caps):
    _, dockerfile = _plan(tmp_path, requirements + "gunicorn==23.0.0\n")
    assert _caps(dockerfile) == caps


def test_a_lockfile_is_left_alone(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["flask==1.1.4"]\n',
        "uv.lock": 'version = 1\nrequires-python = ">=3.11"\n\n[[package]]\nname = "flask"\nversion = "1.1.4"\nsource = { registry = "https://pypi.org/simple" }\n\n[[package]]\nname = "demo"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [{ name = "flask" }]\n',
        "app.py": APP,
    })
    dockerfile = render_plan(plan_project(Project(tmp_path), {}))["Dockerfile"]
    assert "build-constraints" not in dockerfile


@pytest.mark.parametrize(("requirements", "caps"), [
    # SQLAlchemy 2.1 connects postgresql:// with psycopg 3 (kyrylosheliah/fastapi-todo: No module named 'psycopg')
    ("flask\nsqlmodel\npsycopg2-binary\n", ["sqlalchemy<2.1"]),
    ("flask\nSQLAlchemy>=2.0\npsycopg2==2.9.10\n", ["sqlalchemy<2.1"]),  # a range that allows 2.1 still gets the cap
    ("flask\nSQLAlchemy==2.1.3\npsycopg2-binary\n", []),  # an exact pin is the project's choice
    ("flask\nsqlmodel\npsycopg2-binary\npsycopg[binary]\n", []),  # psycopg 3 is there too
    ("flask\npsycopg2-binary\n", []),  # no SQLAlchemy at all
])
def test_psycopg2_with_an_unpinned_sqlalchemy_stays_below_2_1(tmp_path, requirements, caps):
    plan, dockerfile = _plan(tmp_path, requirements + "gunicorn==23.0.0\n")
    assert _caps(dockerfile) == caps
    assert bool(caps) == any("python_pairing_constraints" in n for n in plan.notes)


def test_a_pinned_werkzeug_1_with_flask_unpinned_caps_what_flask_1_brings(tmp_path):
    # hmaerki/flask-socketio-chat: pip chose Flask 1.1.4 for Werkzeug==0.16.0, then Jinja2 2.11 with
    # MarkupSafe 3 (cannot import name 'soft_unicode'); 200 after, checked with docker
    plan, dockerfile = _plan(tmp_path, "Flask\nWerkzeug==0.16.0\n")
    assert _caps(dockerfile) == ["werkzeug==0.16.0", "jinja2<3.0", "markupsafe<2.1", "itsdangerous<2.0"]  # flask is named: pip keeps its choice
    plan, dockerfile = _plan(tmp_path, "Flask\nWerkzeug==2.0.3\n")
    assert "markupsafe<2.1" not in dockerfile
