"""Folders the repository keeps empty (logs/.gitkeep) are where the app writes at run time.

The code stays root-owned, so winston's `dirname: 'logs/access'` died with EACCES at
start (axbg/koa-starter). A folder kept by a placeholder alone, under a run-time name,
is made and handed to the app user in every stack; a folder with content is not.
"""

from __future__ import annotations

import json

import pytest

from conftest import write_tree
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.providers.paths import placeholder_dirs
from scaffold.render import render_plan

NODE = {
    "package.json": json.dumps({"name": "demo", "main": "server.js", "dependencies": {"express": "^4"}}),
    "package-lock.json": json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {"": {"name": "demo", "dependencies": {"express": "^4"}}, "node_modules/express": {"version": "4.21.2"}}}),
    "server.js": "require('express')().listen(process.env.PORT || 3000)\n",
}
FLASK = {
    "requirements.txt": "flask==3.0.3\ngunicorn==23.0.0\n",
    "app.py": "from flask import Flask\napp = Flask(__name__)\n",
}


def _dockerfile(tmp_path, files):
    write_tree(tmp_path, files)
    return render_plan(plan_project(Project(tmp_path), {}))["Dockerfile"]


@pytest.mark.parametrize(("files", "uid"), [(NODE, 1000), (FLASK, 10001)])
def test_a_folder_kept_by_a_gitkeep_is_handed_to_the_app_user(tmp_path, files, uid):
    dockerfile = _dockerfile(tmp_path, {**files, "logs/.gitkeep": "", "public/uploads/.keep": ""})
    assert f"chown {uid}:{uid} /app/logs /app/public/uploads" in dockerfile
    assert "mkdir -p /app/logs /app/public/uploads" in dockerfile
    # the hand-over comes after the code is copied in, or the copy would leave it root's again
    assert dockerfile.index("chown") > dockerfile.rindex("COPY")


@pytest.mark.parametrize("files", [NODE, FLASK])
def test_a_folder_with_content_or_an_unrelated_name_stays_root_owned(tmp_path, files):
    dockerfile = _dockerfile(tmp_path, {**files, "data/seed.json": "[]", "data/.gitkeep": "", "docs/.gitkeep": ""})
    assert "chown" not in dockerfile


def test_a_compiled_binary_gets_the_folder_by_copy_chown(tmp_path):
    write_tree(tmp_path, {
        "go.mod": "module example.com/demo\n\ngo 1.22\n",
        "main.go": 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
        "uploads/.gitkeep": "",
    })
    dockerfile = render_plan(plan_project(Project(tmp_path), {}))["Dockerfile"]
    assert "(uploads/): owned by the app user at run time" in dockerfile
    assert "COPY --from=build --chown=65532:65532" in dockerfile


def test_the_source_names_the_placeholder(tmp_path):
    write_tree(tmp_path, {"logs/.gitkeep": "", "tmp/.gitignore": "*\n!.gitignore\n", "storage/cache/x.txt": "kept"})
    found = {str(f.value): f.source for f in placeholder_dirs(Project(tmp_path))}
    assert set(found) == {"logs", "tmp"}  # storage/ holds a file in a subfolder: not empty
    assert found["logs"].startswith("logs/.gitkeep")
