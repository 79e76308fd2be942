"""Rules that the 47th round of unseen public apps broke, one small tree each (issue: real apps on the first try)."""

from __future__ import annotations

import json

from conftest import write_tree
from plan_queries import cmd
from scaffold.plan import plan_project
from scaffold.project import Project


def test_a_hosting_cli_dev_server_is_not_the_start(tmp_path):
    """hotspoon/hono-api: `"start": "vercel dev"` wants a Vercel login and a linked project; the
    dev script's watcher names the Hono app Bun serves."""
    write_tree(tmp_path, {
        "package.json": json.dumps({
            "name": "demo", "scripts": {"start": "vercel dev", "dev": "bun run --hot api/index.ts"},
            "dependencies": {"hono": "^4"}, "devDependencies": {"@types/bun": "latest", "vercel": "^41"},
        }),
        "bun.lock": "{}\n",
        "api/index.ts": "import { Hono } from 'hono'\nconst app = new Hono()\nexport default app\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert cmd(plan) == ["bun", "api/index.ts"]
    assert any("vercel dev" in n and "not used in production" in n for n in plan.notes)


def test_npm_inits_main_outside_the_build_output_is_not_the_start(tmp_path):
    """siemah/fastify-api: `"main": "index.js"` from npm init, no such file, and tsc builds src/ into
    dist/: the build never writes index.js, so the built server is the start."""
    write_tree(tmp_path, {
        "package.json": json.dumps({
            "name": "demo", "main": "index.js", "scripts": {"dev": "nodemon", "build": "tsc -p ."},
            "dependencies": {"fastify": "^3"}, "devDependencies": {"typescript": "^4", "nodemon": "^2", "ts-node": "^10"},
        }),
        "yarn.lock": "",
        "tsconfig.json": json.dumps({"compilerOptions": {"outDir": "./dist", "rootDir": "./src"}}),
        "src/server.ts": "import app from './app'\napp.listen(process.env.PORT || 4321)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert cmd(plan) == ["node", "dist/server.js"]
    assert any("main names index.js" in w and "outside the build's output dist/" in w for w in plan.warnings)


def test_a_main_inside_the_build_output_is_still_trusted(tmp_path):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "main": "dist/app.js", "scripts": {"build": "tsc"}, "dependencies": {"express": "^4"}, "devDependencies": {"typescript": "^5"}}),
        "tsconfig.json": json.dumps({"compilerOptions": {"outDir": "dist"}}),
        "src/app.ts": "import express from 'express'\nexpress().listen(3000)\n",
    })
    assert cmd(plan_project(Project(tmp_path), {})) == ["node", "dist/app.js"]


def test_a_bare_nodemon_runs_what_nodemon_json_execs(tmp_path):
    """A `"dev": "nodemon"` whose nodemon.json says `"exec": "ts-node ./src/server.ts"`: with no other
    start, the image runs the server's compiled JavaScript."""
    write_tree(tmp_path, {
        "package.json": json.dumps({
            "name": "demo", "scripts": {"dev": "nodemon", "build": "tsc"},
            "dependencies": {"express": "^4"}, "devDependencies": {"typescript": "^5", "nodemon": "^3", "ts-node": "^10"},
        }),
        "tsconfig.json": json.dumps({"compilerOptions": {"outDir": "build", "rootDir": "src"}}),
        "nodemon.json": json.dumps({"watch": ["src"], "exec": "ts-node ./src/api.ts"}),
        "src/api.ts": "import express from 'express'\nexpress().listen(3000)\n",
    })
    assert cmd(plan_project(Project(tmp_path), {})) == ["node", "build/api.js"]


def test_a_malformed_nodemon_json_is_only_ignored(tmp_path):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"dev": "nodemon"}, "main": "server.js", "dependencies": {"express": "^4"}}),
        "nodemon.json": "{ not json",
        "server.js": "require('express')().listen(3000)\n",
    })
    assert cmd(plan_project(Project(tmp_path), {})) == ["node", "server.js"]


def test_a_prod_script_that_only_builds_is_not_the_start(tmp_path):
    """german9304/flask-app: `"prod": "parcel build ./static/js/index.js"` bundles a Flask app's assets;
    it starts nothing, so the package.json is no Node app and the Python provider is asked."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"prod": "parcel build ./static/js/index.js --out-dir ./static/js/build"}, "devDependencies": {"parcel-bundler": "^1"}}),
        "requirements.txt": "flask==3.0.3\ngunicorn==22.0.0\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n",
        "static/js/index.js": "console.log(1)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.ecosystem == "python"
