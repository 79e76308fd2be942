"""Pipfile.lock's hash, read as each pipenv generation computes it.

The hashes below were computed by pipenv 2026.10.3 itself (its vendored plette
``Pipfile.get_hash()`` for names as written, ``Project.pipfile.calculate_hash()``
for PEP 503 names) on the Pipfile below, not by scaffold.
"""

from __future__ import annotations

import json

from conftest import write_tree
from plan_queries import production_install
from scaffold.plan import plan_project
from scaffold.project import Project

PIPFILE = (
    '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n'
    '[packages]\nFlask = "==3.0.3"\n\n[dev-packages]\n\n[requires]\npython_version = "3.12"\n'
)
AS_WRITTEN = "eaf4ec22aa27db29892729ea6f9f04bdb24b30343998d1dfcab7f4cb494cfce9"
NORMALISED = "30b3076b30486df2a675cbacc3a6669ca41ec655bf3a3f9641467e86b27963eb"
APP = "from flask import Flask\napp = Flask(__name__)\n\n@app.get('/')\ndef index():\n    return 'ok'\n"


def _plan(tmp_path, recorded: str):
    lock = {
        "_meta": {"hash": {"sha256": recorded}, "pipfile-spec": 6, "requires": {"python_version": "3.12"},
                  "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": True}]},
        "default": {"flask": {"hashes": ["sha256:" + "0" * 64], "version": "==3.0.3"}},
        "develop": {},
    }
    write_tree(tmp_path, {"Pipfile": PIPFILE, "Pipfile.lock": json.dumps(lock), "app.py": APP})
    return plan_project(Project(tmp_path), {})


def test_a_lock_todays_pipenv_agrees_with_is_verified_in_the_image(tmp_path):
    plan = _plan(tmp_path, NORMALISED)
    assert "pipenv verify" in production_install(plan)
    assert not any("pipenv lock" in w for w in plan.warnings)


def test_a_lock_an_older_pipenv_wrote_skips_verify_and_says_why(tmp_path):
    """Today's `pipenv verify` would call it out of date (oliviat255/flask-todo: Flask = "==2.0.1")."""
    plan = _plan(tmp_path, AS_WRITTEN)
    install = production_install(plan)
    assert "pipenv verify" not in install and "pipenv requirements --hash" in install
    assert any("as the pipenv that wrote it hashed it" in n for n in plan.notes)
    assert not any("out of date" in w for w in plan.warnings)


def test_without_verify_the_index_credential_still_reaches_pip(tmp_path):
    """The ${PYPI_TOKEN} of a private source is read by pip, the step after `pipenv requirements`."""
    pipfile = PIPFILE.replace('url = "https://pypi.org/simple"', 'url = "https://${PYPI_USER}:${PYPI_TOKEN}@pypi.example.com/simple"').replace('name = "pypi"', 'name = "private"')
    lock = {"_meta": {"hash": {"sha256": "8da01fb86a8cf4af8a86e311f2801239a6fefee2626cb5af96ccc30d1633f913"}},
            "default": {"flask": {"hashes": ["sha256:" + "0" * 64], "version": "==3.0.3"}}, "develop": {}}
    write_tree(tmp_path, {"Pipfile": pipfile, "Pipfile.lock": json.dumps(lock), "app.py": APP})
    plan = plan_project(Project(tmp_path), {})
    install = production_install(plan)
    assert "pipenv verify" not in install
    line = next(part for part in install.split("&&") if "pip install --require-hashes" in part)
    assert "PYPI_TOKEN" in line, install


def test_a_stale_lock_is_installed_as_locked_with_a_warning(tmp_path):
    plan = _plan(tmp_path, "f" * 64)
    assert "pipenv verify" not in production_install(plan)
    assert any("Pipfile.lock is out of date" in w for w in plan.warnings)
