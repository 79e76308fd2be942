"""A SQLite database the app creates beside its code.

The code stays root-owned, so the app user cannot create `./database.sqlite` and
dies with SQLITE_CANTOPEN. /app gets the sticky bit and the app's group (as /tmp
has): new files can be made there, the root-owned code cannot be replaced.
"""

from __future__ import annotations

import json

import pytest

from conftest import write_tree
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.render import render_plan

LOCK = json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {"": {"name": "demo", "dependencies": {"sqlite3": "^5"}}, "node_modules/sqlite3": {"version": "5.1.7"}}})


def _dockerfile(tmp_path, files):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "main": "server.js", "dependencies": {"sqlite3": "^5"}}),
        "package-lock.json": LOCK,
        **files,
    })
    return render_plan(plan_project(Project(tmp_path), {}))["Dockerfile"]


@pytest.mark.parametrize("code", [
    "const db = new sqlite3.Database('./database.sqlite')\n",
    "const file = path.join(__dirname, '../../db.sqlite3')\n",  # resolved from src/db/, so the root
])
def test_a_database_at_the_root_makes_app_sticky_and_group_writable(tmp_path, code):
    text = _dockerfile(tmp_path, {"server.js": "require('http').createServer().listen(3000)\n", "src/db/index.js": code})
    runtime = text[text.index("AS runtime"):]
    assert "RUN chgrp 1000 /app \\\n    && chmod 1775 /app" in runtime
    assert "chown 1000:1000 /app\n" not in runtime  # never the app's own: it could replace its code


def test_a_database_in_a_subfolder_is_handed_over_alone(tmp_path):
    text = _dockerfile(tmp_path, {"server.js": "const db = new sqlite3.Database('data/app.db')\nrequire('http').createServer().listen(3000)\n"})
    assert "mkdir -p /app/data" in text and "chmod 1775 /app" not in text


def test_a_dirname_path_that_leaves_the_project_is_ignored(tmp_path):
    text = _dockerfile(tmp_path, {"server.js": "const f = path.join(__dirname, '../../../outside.db')\nrequire('http').createServer().listen(3000)\n"})
    assert "chmod 1775" not in text and "mkdir -p" not in text


@pytest.mark.parametrize("code", [
    "const mkdirp = require('mkdirp')\nif (!existsSync(PATH__DATA)) mkdirp.sync(PATH__DATA)\n",
    "fs.mkdirSync(path.join(root, 'data'), { recursive: true })\n",
    "await fs.promises.mkdir(`${base}/uploads`, { recursive: true })\n",
    "fse.ensureDirSync(config.storage)\n",
])
def test_a_folder_made_at_a_computed_path_makes_app_sticky(tmp_path, code):
    """scaffold cannot tell where the folder goes, so /app takes new folders while its files stay root's."""
    text = _dockerfile(tmp_path, {"server.js": code + "require('http').createServer().listen(3000)\n"})
    assert "RUN chgrp 1000 /app \\\n    && chmod 1775 /app" in text[text.index("AS runtime"):]


@pytest.mark.parametrize(("rel", "code"), [
    ("server.js", "fs.mkdirSync('uploads')\n"),  # a literal folder is made and handed over by name instead
    ("test/setup.js", "fs.mkdirSync(tmp)\n"),  # a test's scratch folder is not the server's
    ("server.js", "// fs.mkdirSync(dir) in a comment\n"),
])
def test_a_literal_or_non_app_mkdir_leaves_app_read_only(tmp_path, rel, code):
    files = {"server.js": "require('http').createServer().listen(3000)\n"}
    files[rel] = code + files.get(rel, "")
    text = _dockerfile(tmp_path, files)
    assert "chmod 1775 /app" not in text
