"""Programs a Node build script runs that the slim image lacks (rsync, zip, jq, ...).

`./bin/prep-dist.sh && webpack`, where the shell script copies assets with rsync, died
with "rsync: not found" (exit 127) on node:*-slim. Each program named in
node_native.toml > [build_commands] is installed in the build stage only.
"""

from __future__ import annotations

import json

import pytest

from conftest import write_tree
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.render import render_plan


def _plan(tmp_path, scripts, files=None):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "node server.js", **scripts}}),
        "server.js": "require('http').createServer().listen(3000)\n",
        **(files or {}),
    })
    return plan_project(Project(tmp_path), {})


@pytest.mark.parametrize(("scripts", "files", "packages", "source"), [
    ({"build": "./bin/prep.sh && webpack"}, {"bin/prep.sh": "#!/bin/sh\nmkdir -p dist\nif true; then rsync -a src/static/ dist/; fi\n"}, "rsync", "bin/prep.sh runs rsync"),
    ({"build": "npm run zip", "zip": "cd dist && zip -r ../site.zip ."}, {}, "zip", "package.json > scripts > zip runs zip"),
    ({"build": "sh scripts/build.sh"}, {"scripts/build.sh": "VERSION=$(jq -r .version package.json)\nenvsubst < a.tpl > a.txt\n"}, "jq gettext-base", "scripts/build.sh runs jq; scripts/build.sh runs envsubst"),
])
def test_a_program_the_build_runs_is_installed_in_the_build_stage_only(tmp_path, scripts, files, packages, source):
    plan = _plan(tmp_path, scripts, files)
    assert plan.decisions["build_programs"].value == packages
    assert plan.decisions["build_programs"].source == source
    text = render_plan(plan)["Dockerfile"]
    install = f"apt-get install -y --no-install-recommends {packages}"
    assert install in text and install not in text[text.index("AS runtime"):]


@pytest.mark.parametrize(("scripts", "files"), [
    ({"build": "tsc"}, {}),
    ({"build": "./bin/prep.sh"}, {"bin/prep.sh": "#!/bin/sh\n# rsync would be faster here\necho \"make sure rsync is set\"\n"}),  # comments and words in strings
    ({"build": "webpack", "deploy": "rsync -a dist/ host:/srv"}, {}),  # a script the build does not run
])
def test_words_that_are_not_run_by_the_build_install_nothing(tmp_path, scripts, files):
    assert "build_programs" not in _plan(tmp_path, scripts, files).decisions
