"""A pip freeze that lacks a package the code imports.

ernestromen/flask-todo-list's requirements.txt pins five packages (a freeze) while
app.py imports flask_cors, flask_sqlalchemy and psycopg2, which the project's own
Dockerfile installed by hand: the worker died with ModuleNotFoundError. Only a file
whose every line is pinned counts, since a hand-written list leaves transitive
packages out on purpose.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_tree
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.render import render_plan

APP = "from flask import Flask\nfrom flask_cors import CORS\nimport dotenv\n\napp = Flask(__name__)\nCORS(app)\n"


def _plan(tmp_path, requirements, app=APP):
    write_tree(tmp_path, {"requirements.txt": requirements, "app.py": app})
    return plan_project(Project(tmp_path), {})


def test_imports_a_freeze_lacks_are_installed_with_its_pins_and_named(tmp_path):
    plan = _plan(tmp_path, "Flask==3.0.3\nWerkzeug==3.0.3\ngunicorn==23.0.0\n")
    assert plan.decisions["added_requirements"].value == "flask-cors python-dotenv"
    assert plan.decisions["added_requirements"].source == "app.py:2 (import flask_cors); app.py:3 (import dotenv)"
    text = render_plan(plan)["Dockerfile"]
    assert "pip install -r requirements.txt flask-cors python-dotenv" in text  # one resolve with the file's pins
    assert "# hadolint ignore=DL3013" in text and "lacks what the code imports" in text
    assert any("requirements.txt lacks what the code imports" in w and "flask-cors (app.py:2" in w for w in plan.warnings)
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    (tmp_path / "Dockerfile").write_text(text)
    result = subprocess.run([hadolint, "--no-color", "--failure-threshold", "style", str(tmp_path / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


@pytest.mark.parametrize("requirements", [
    "flask\nwerkzeug==3.0.3\n",  # a hand-written list: flask-cors may come with something listed
    "Flask==3.0.3\nFlask-Cors==4.0.1\npython-dotenv==1.0.1\n",  # listed, in another spelling
    "Flask==3.0.3 --hash=sha256:" + "a" * 64 + "\n",  # hash-checking mode refuses an unhashed addition
])
def test_nothing_is_added_unless_a_freeze_truly_lacks_it(tmp_path, requirements):
    assert "added_requirements" not in _plan(tmp_path, requirements).decisions


@pytest.mark.parametrize(("requirements", "app"), [
    ("Flask==2.0.2\nFlask-SQLAlchemy==2.5\n", "from flask import Flask\nfrom sqlalchemy import and_\napp = Flask(__name__)\n"),  # hannesdatta/flask-todo
    ("Flask==1.1.2\npandas==1.2.3\n", "from flask import Flask\nimport numpy as np\napp = Flask(__name__)\n"),  # cerny-jan/flask-heroku
])
def test_an_import_a_listed_package_brings_is_no_gap(tmp_path, requirements, app):
    assert "added_requirements" not in _plan(tmp_path, requirements, app=app).decisions


def test_an_addition_another_addition_brings_is_left_to_it(tmp_path):
    app = "from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\nfrom sqlalchemy import text\napp = Flask(__name__)\n"
    assert _plan(tmp_path, "Flask==3.0.3\n", app=app).decisions["added_requirements"].value == "flask-sqlalchemy"


def test_a_listed_distribution_that_installs_the_module_under_another_name_wins(tmp_path):
    """flask_bootstrap is installed by Flask-Bootstrap and by Bootstrap-Flask: the listed one is kept."""
    plan = _plan(tmp_path, "Flask==3.0.3\nFlask-Bootstrap==3.3.7.1\n", app="from flask import Flask\nfrom flask_bootstrap import Bootstrap\napp = Flask(__name__)\n")
    assert "added_requirements" not in plan.decisions


def test_a_driver_a_sqlalchemy_url_names_is_added_when_the_requirements_lack_it(tmp_path):
    """Hoomanzoh79/fastapi-todo-app: create_engine("postgresql+psycopg2://...") at import, requirements without
    psycopg2: the app died at import (No module named 'psycopg2') before any page could answer."""
    write_tree(tmp_path, {
        "requirements.txt": "fastapi\nsqlalchemy\nuvicorn\n",
        "main.py": "from fastapi import FastAPI\nfrom db import engine\napp = FastAPI()\n",
        "db.py": "from sqlalchemy import create_engine\nengine = create_engine('postgresql+psycopg2://u:p@localhost/db')\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("added_requirements") == "psycopg2-binary"
    assert any("db.py:2 (a postgresql+psycopg2 URL)" in w for w in plan.warnings)
    write_tree(tmp_path, {"requirements.txt": "fastapi\nsqlalchemy\nuvicorn\npsycopg2==2.9.10\n"})
    assert "added_requirements" not in plan_project(Project(tmp_path), {}).decisions


def test_fastapi_forms_bring_python_multipart(tmp_path):
    """FastAPI imports python-multipart when a route declares Form/File/UploadFile (Hoomanzoh79/fastapi-todo-app:
    "Form data requires python-multipart to be installed" at import)."""
    write_tree(tmp_path, {
        "requirements.txt": "fastapi\nuvicorn\n",
        "main.py": "from fastapi import FastAPI, Form\napp = FastAPI()\n\n@app.post('/login')\ndef login(name: str = Form(...)):\n    return name\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("added_requirements") == "python-multipart"
    assert any("main.py:5 (FastAPI form parsing)" in w for w in plan.warnings)
