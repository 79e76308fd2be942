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
])
def test_a_capped_django_gets_a_line_it_runs_on(tmp_path, requirement, line, why):
    write_tree(tmp_path, {"requirements.txt": requirement + "\ngunicorn\n", "site/wsgi.py": APP, "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n", "site/settings.py": "DEBUG = True\n"})
    plan = plan_project(Project(tmp_path), {})
    chosen = plan.value("python_version")
    if line is None:
        assert "lowered" not in plan.decisions["python_version"].source
    else:
        assert chosen == line and why in plan.decisions["python_version"].source, plan.decisions["python_version"]
