"""`pm2 start ecosystem.config.js --env prod`: the image runs the app itself, as pm2's file says.

shanxp/express-ejs starts through pm2 with a committed template (ecosystem.config.default.js)
whose env_prod sets NODE_ENV=prod, and bootstrap.js reads app/env/${NODE_ENV}.json.
"""

from __future__ import annotations

import json

import pytest

from conftest import write_tree
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.render import render_plan

ECOSYSTEM = (
    "const pkg = require('./package.json');\nmodule.exports = {\n  apps: [{\n    name: pkg.name,\n    script: './index.js',\n"
    "    // env_old: { NODE_ENV: 'old' },\n    env: { NODE_ENV: 'dev', LOG_LEVEL: 'info' },\n    env_prod: { NODE_ENV: 'prod', 'FEATURE_X': true },\n  }],\n};\n"
)


def _plan(tmp_path, start, config_name="ecosystem.config.js"):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": start}, "dependencies": {"express": "^4.19.0"}}),
        "index.js": "require('express')().listen(process.env.PORT || 5000)\n",
        config_name: ECOSYSTEM,
    })
    return plan_project(Project(tmp_path), {})


@pytest.mark.parametrize("config_name", ["ecosystem.config.js", "ecosystem.config.default.js"])
def test_the_ecosystem_script_runs_with_the_chosen_env_block(tmp_path, config_name):
    plan = _plan(tmp_path, "pm2 start ecosystem.config.js --env prod", config_name)
    assert plan.value("start_command") == ["node", "index.js"]
    assert plan.decisions["start_command"].source == f"package.json > scripts > start ({config_name} > apps[0].script)"
    text = render_plan(plan)["Dockerfile"]
    runtime = text[text.index("AS runtime"):] if "AS runtime" in text else text
    assert "NODE_ENV=prod" in runtime and "LOG_LEVEL=info" in runtime and "FEATURE_X=true" in runtime
    assert "NODE_ENV=old" not in text  # a commented-out block is not read
    assert "pm2" not in text.split("CMD", 1)[-1]


def test_a_development_env_block_leaves_node_env_production(tmp_path):
    text = render_plan(_plan(tmp_path, "pm2 start ecosystem.config.js"))["Dockerfile"]
    assert "NODE_ENV=production" in text and "NODE_ENV=dev" not in text
