"""A repository with two stacks' manifests: the one that runs something wins.

A Django app whose package.json only builds its assets (zagaran/sample-django-app:
"start": "react-scripts start", a dev server) has nothing for Node to run, so the
Python provider plans it, and the plan says why Node stepped aside.
"""

from __future__ import annotations

import json

from conftest import write_tree
from scaffold.plan import plan_project
from scaffold.project import Project

MANAGE = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n"
WSGI = "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n"
SETTINGS = (
    "BASE_APPS = ['django.contrib.staticfiles']\nLOCAL_APPS = ['shop']\n"
    "INSTALLED_APPS = BASE_APPS + LOCAL_APPS\nWSGI_APPLICATION = 'site.wsgi.application'\nSTATIC_ROOT = 'staticfiles'\n"
)


def _tree(tmp_path, scripts):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "assets", "scripts": scripts, "dependencies": {"react": "^18"}}),
        "requirements.txt": "Django==5.1\ngunicorn==23.0.0\n",
        "manage.py": MANAGE, "site/__init__.py": "", "site/wsgi.py": WSGI, "site/settings.py": SETTINGS,
    })
    return plan_project(Project(tmp_path), {})


def test_an_assets_only_package_json_leaves_the_app_to_python(tmp_path):
    plan = _tree(tmp_path, {"start": "react-scripts start", "build": "react-scripts build"})
    assert plan.value("provider") == "python"
    assert "node: package.json found, but nothing to run in it" in plan.decisions["provider"].source
    # INSTALLED_APPS is computed: staticfiles is found in the settings' text, so collectstatic runs
    assert plan.value("static_files") == "collectstatic"


def test_a_package_json_that_starts_a_server_stays_node(tmp_path):
    write_tree(tmp_path, {"server.js": "require('http').createServer().listen(3000)\n"})
    plan = _tree(tmp_path, {"start": "node server.js"})
    assert plan.value("provider") == "node"
