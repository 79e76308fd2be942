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


def test_a_json_process_file_started_in_a_chain_names_the_script(tmp_path):
    """1391020381/express-nunjucks: `cross-env NODE_ENV=prod pm2 start pm2.json && node …`. pm2 returns once
    it has daemonized the app, so the chain's later steps are not the server; pm2.json's script is."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "cross-env NODE_ENV=prod  pm2 start pm2.json && node --max_old_space_size=4096"},
                                    "dependencies": {"express": "^4.19.0"}}),
        "bin/www": "#!/usr/bin/env node\nrequire('express')().listen(process.env.PORT || 3000)\n",
        "pm2.json": json.dumps({"apps": [{"name": "web", "script": "./bin/www", "instances": 3, "env": {"LOG_LEVEL": "info", "CLUSTER": True}}]}),
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("start_command") == ["node", "bin/www"]
    assert plan.decisions["start_command"].source == "package.json > scripts > start (pm2.json > apps[0].script)"
    runtime = render_plan(plan)["Dockerfile"].split("AS runtime", 1)[-1]
    assert "NODE_ENV=prod" in runtime and "LOG_LEVEL=info" in runtime and "CLUSTER=true" in runtime


def test_a_yaml_process_file_is_read_too(tmp_path):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "pm2 start process.yml && pm2 logs"}, "dependencies": {"express": "^4.19.0"}}),
        "server.js": "require('express')().listen(process.env.PORT || 3000)\n",
        "process.yml": "apps:\n  - script: server.js\n    env:\n      WEB_CONCURRENCY: 2\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("start_command") == ["node", "server.js"]
    assert "WEB_CONCURRENCY=2" in render_plan(plan)["Dockerfile"].split("AS runtime", 1)[-1]
