"""Placeholders collectstatic gets for the environment the settings read (zagaran/sample-django-app).

django-environ's `environ.Env(DEBUG=(bool, False))` declares defaults, so `env("DEBUG")`
needs no placeholder; a DSN placeholder is empty, which turns Sentry off instead of
failing to parse ("Unsupported scheme").
"""

from __future__ import annotations

from conftest import write_tree
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.render import render_plan

SETTINGS = '''import environ
env = environ.Env(DEBUG=(bool, False), ALLOWED_HOSTS=(list, []))
SECRET_KEY = env("SECRET_KEY")
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
SENTRY_DSN = env("SENTRY_DSN")
INSTALLED_APPS = ["django.contrib.staticfiles"]
STATIC_ROOT = "staticfiles"
WSGI_APPLICATION = "site.wsgi.application"
'''


def test_declared_defaults_need_no_placeholder_and_a_dsn_is_empty(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "Django==5.1\ndjango-environ==0.11.2\ngunicorn==23.0.0\n",
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n",
        "site/__init__.py": "", "site/settings.py": SETTINGS,
        "site/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
    })
    text = render_plan(plan_project(Project(tmp_path), {}))["Dockerfile"]
    run = next(line for line in text.splitlines() if "collectstatic --noinput" in line)
    assert "SECRET_KEY=collectstatic-placeholder-not-a-secret" in run and "SENTRY_DSN='' " in run
    assert "DEBUG=" not in run and "ALLOWED_HOSTS=" not in run
