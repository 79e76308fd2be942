"""Folders a Python app creates files in at run time are made and handed to the app user.

The code is root-owned in the image and the app runs as uid 10001: Flask-SQLAlchemy's
`sqlite:///site.db` with `db.create_all()` at import failed with "unable to open
database file" and gunicorn's worker never booted (checked with docker: 200 after).
"""

from __future__ import annotations

import pytest

from conftest import write_tree
from plan_queries import role_lines
from scaffold.plan import plan_project
from scaffold.project import Project

FLASK_APP = """from flask import Flask
from flask_sqlalchemy import SQLAlchemy
app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = {uri!r}
db = SQLAlchemy(app)
"""


def _writable(tmp_path, files) -> str:
    write_tree(tmp_path, files)
    return " ".join(role_lines(plan_project(Project(tmp_path), {}), "writable_dirs"))


@pytest.mark.parametrize(
    ("pin", "uri", "folder"),
    [
        ("flask-sqlalchemy==3.1.1", "sqlite:///site.db", "/app/instance"),  # 3.x: relative to the instance folder
        ("flask-sqlalchemy", "sqlite:///site.db", "/app/instance"),  # unpinned: today's 3.x
        ("flask-sqlalchemy==2.5.1", "sqlite:///data/site.db", "/app/data"),  # 2.x: relative to the working directory
        ("flask-sqlalchemy==3.1.1", "sqlite:////var/lib/blog/site.db", "/var/lib/blog"),
    ],
)
def test_flask_sqlalchemy_database_folder(tmp_path, pin, uri, folder):
    lines = _writable(tmp_path, {"requirements.txt": f"flask==3.0.3\n{pin}\n", "app.py": FLASK_APP.format(uri=uri)})
    assert f"mkdir -p {folder}" in lines and f"chown 10001:10001 {folder}" in lines, lines


def test_instance_folder_of_a_package_app_is_beside_the_package(tmp_path):
    files = {"requirements.txt": "flask==3.0.3\nflask-sqlalchemy==3.1.1\n", "blog/__init__.py": FLASK_APP.format(uri="sqlite:///blog.db"), "wsgi.py": "from blog import app\n"}
    assert "mkdir -p /app/instance" in _writable(tmp_path, files)


def test_a_database_beside_the_code_makes_app_sticky_not_owned(tmp_path):
    code = "import sqlite3\nfrom flask import Flask\napp = Flask(__name__)\nconn = sqlite3.connect('todo.db')\n"
    lines = _writable(tmp_path, {"requirements.txt": "flask==3.0.3\n", "app.py": code})
    assert "chgrp 10001 /app" in lines and "chmod 1775 /app" in lines and "chown 10001:10001 /app" not in lines


@pytest.mark.parametrize(
    ("code", "folder"),
    [
        ("logging.basicConfig(filename='logs/app.log')", "/app/logs"),
        ("os.makedirs('uploads', exist_ok=True)", "/app/uploads"),
        ("app.config['UPLOAD_FOLDER'] = 'static/uploads'", "/app/static/uploads"),
        ("os.makedirs(app.instance_path, exist_ok=True)", "/app/instance"),
    ],
)
def test_logs_and_upload_folders(tmp_path, code, folder):
    source = f"import logging, os\nfrom flask import Flask\napp = Flask(__name__)\n{code}\n"
    assert f"mkdir -p {folder}" in _writable(tmp_path, {"requirements.txt": "flask==3.0.3\n", "app.py": source})


def test_a_folder_the_repository_has_stays_root_owned(tmp_path):
    source = "import os\nfrom flask import Flask\napp = Flask(__name__)\nos.makedirs('static', exist_ok=True)\n"
    assert _writable(tmp_path, {"requirements.txt": "flask==3.0.3\n", "app.py": source, "static/site.css": "body{}\n"}) == ""


@pytest.mark.parametrize("code", [
    'import os\nos.makedirs(app.config["EXPORT_DIR"], exist_ok=True)\n',  # sigaurav/sample-flask-app: worker failed to boot
    "from pathlib import Path\nLOG_DIR = Path(settings.root) / 'logs'\nLOG_DIR.mkdir(parents=True, exist_ok=True)\n",
])
def test_a_folder_made_at_a_computed_path_makes_app_take_new_folders(tmp_path, code):
    lines = _writable(tmp_path, {"requirements.txt": "flask==3.0.3\n", "app.py": FLASK_APP.format(uri="sqlite:////var/lib/x/x.db") + code})
    assert "chmod 1775 /app" in lines


@pytest.mark.parametrize("files", [
    {"tests/test_export.py": "import os\nos.makedirs(tmp_dir)\n"},  # a test's scratch folder
    {"app_helpers.py": "import os\n# os.makedirs(path)\n"},  # commented out
])
def test_computed_folders_outside_the_app_code_change_nothing(tmp_path, files):
    lines = _writable(tmp_path, {"requirements.txt": "flask==3.0.3\n", "app.py": "from flask import Flask\napp = Flask(__name__)\n", **files})
    assert "chmod 1775 /app" not in lines


@pytest.mark.parametrize(("code", "folder"), [
    # hmaerki/flask-socketio-chat: PermissionError on /app/static/img/cards at import (200 after, checked with docker)
    ("import pathlib\nHERE = pathlib.Path(__file__).parent.absolute()\nCARDS = HERE / 'static' / 'img' / 'cards'\n"
     "def convert():\n    if not CARDS.exists():\n        CARDS.mkdir(parents=True)\n", "/app/pkg/static/img/cards"),
    ("import os\nbasedir = os.path.abspath(os.path.dirname(__file__))\nUPLOADS = os.path.join(basedir, 'uploads')\nos.makedirs(UPLOADS, exist_ok=True)\n", "/app/pkg/uploads"),
    ("from pathlib import Path\nROOT = Path(__file__).resolve().parent.parent\n(ROOT / 'media').mkdir(exist_ok=True)\n", "/app/media"),
])
def test_a_folder_made_relative_to_the_module_is_the_one_made_writable(tmp_path, code, folder):
    lines = _writable(tmp_path, {"requirements.txt": "flask==3.0.3\n", "app.py": "from flask import Flask\napp = Flask(__name__)\n", "pkg/__init__.py": "", "pkg/files.py": code})
    assert f"mkdir -p {folder}" in lines
    assert "chmod 1775 /app" not in lines  # the rest of the code stays read-only


def test_a_module_relative_folder_the_repository_has_stays_root_owned(tmp_path):
    code = "from pathlib import Path\nSTATIC = Path(__file__).parent / 'static'\nSTATIC.mkdir(exist_ok=True)\n"
    lines = _writable(tmp_path, {"requirements.txt": "flask==3.0.3\n", "app.py": "from flask import Flask\napp = Flask(__name__)\n" + code, "static/site.css": "body{}\n"})
    assert lines == ""


@pytest.mark.parametrize(("config", "folder"), [
    # hmaerki/flask-socketio-chat: Flask-Session's quickstart config, PermissionError on /app/flask_session
    ("app.config['SESSION_TYPE'] = 'filesystem'", "/app/flask_session"),
    ("SESSION_TYPE = 'filesystem'\nSESSION_FILE_DIR = 'var/sessions'", "/app/var/sessions"),
])
def test_flask_session_filesystem_backend_gets_its_folder(tmp_path, config, folder):
    source = f"from flask import Flask\napp = Flask(__name__)\n{config}\n"
    assert f"mkdir -p {folder}" in _writable(tmp_path, {"requirements.txt": "flask==3.0.3\nflask-session==0.8.0\n", "app.py": source})
