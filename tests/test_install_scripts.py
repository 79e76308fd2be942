"""Root scripts npm runs during an install, and the devDependencies they call.

npm 7+ runs a script named "dependencies" after any install that changed
node_modules, so `"dependencies": "node -r ts-node/register ./bin/deps.ts"`
(dvallin/koa-example) runs inside the production install, where ts-node is gone.
"""

from __future__ import annotations

import json

import pytest

from conftest import write_tree
from plan_queries import production_install
from scaffold.plan import plan_project
from scaffold.project import Project

LOCK = json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {
    "": {"name": "demo", "dependencies": {"koa": "^2"}, "devDependencies": {"ts-node": "^10"}},
    "node_modules/koa": {"version": "2.0.0"},
    "node_modules/ts-node": {"version": "10.0.0", "dev": True},
}})


@pytest.mark.parametrize(("name", "script"), [
    ("dependencies", "node -r ts-node/register ./bin/deps.ts"),
    ("postinstall", "node --require=ts-node/register scripts/setup.ts"),
    ("prepare", "ts-node scripts/setup.ts"),
])
def test_an_install_script_calling_a_dev_package_skips_scripts_in_the_production_install(tmp_path, name, script):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "main": "server.js", "scripts": {name: script}, "dependencies": {"koa": "^2"}, "devDependencies": {"ts-node": "^10"}}),
        "package-lock.json": LOCK,
        "server.js": "require('http').createServer().listen(process.env.PORT || 3000)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert "--ignore-scripts" in production_install(plan)
    assert any(f"the root {name} script calls ts-node, a devDependency" in n for n in plan.notes), plan.notes
