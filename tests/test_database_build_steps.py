"""A build script step that needs the app's database is left out of the image build.

`docker build` has no database: `prisma migrate deploy && next build` would fail
there, so the image runs the rest of the chain and the warning says what was left
for the deploy. Seen on koyeb/example-koa-prisma ("build": "prisma migrate reset -f").
"""

from __future__ import annotations

import json

import pytest

from conftest import write_tree
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.providers.node.npm_scripts import rewrite_build

LOCK = json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {"": {"name": "demo"}}})


@pytest.mark.parametrize(("scripts", "kept", "dropped"), [
    ({"build": "prisma migrate deploy && next build"}, ("node_modules/.bin/next build",), ("prisma migrate deploy",)),
    ({"build": "npx prisma db push --accept-data-loss && tsc"}, ("node_modules/.bin/tsc",), ("npx prisma db push --accept-data-loss",)),
    ({"build": "npm run migrate && tsc -p .", "migrate": "knex migrate:latest"}, ("node_modules/.bin/tsc -p .",), ("npm run migrate",)),
    ({"build": "tsc", "postbuild": "sequelize db:migrate"}, ("node_modules/.bin/tsc",), ("sequelize db:migrate",)),
    ({"build": "prisma migrate reset -f"}, (), ("prisma migrate reset -f",)),
])
def test_database_steps_are_split_off(scripts, kept, dropped):
    split = rewrite_build(scripts)
    assert split is not None and split.kept == kept and split.dropped == dropped


@pytest.mark.parametrize("scripts", [
    {"build": "prisma generate && next build"},  # generating the client reads only the schema
    {"build": "drizzle-kit generate && tsc"},
    {"build": "prisma migrate deploy || true && next build"},  # not a plain chain: left as written
    {"build": "npm run gen && tsc", "gen": "prisma generate"},
])
def test_builds_without_database_steps_are_left_alone(scripts):
    assert rewrite_build(scripts) is None


def _plan(tmp_path, scripts, deps=None):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "node server.js", **scripts}, "dependencies": deps or {}}),
        "package-lock.json": LOCK,
        "server.js": "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT || 3000)\n",
    })
    return plan_project(Project(tmp_path), {})


def test_the_image_builds_the_rest_and_says_what_it_left_out(tmp_path):
    plan = _plan(tmp_path, {"build": "prisma migrate deploy && tsc"})
    assert plan.value("build_command") == "node_modules/.bin/tsc"
    assert "without `prisma migrate deploy`" in plan.decisions["build_command"].source
    assert any(w.startswith("package.json > scripts > build runs `prisma migrate deploy`, which needs the app's database") and "--build" in w for w in plan.warnings)


def test_a_build_that_only_migrates_is_not_run(tmp_path):
    plan = _plan(tmp_path, {"build": "knex migrate:latest"})
    assert plan.value("build_command") is None
    assert "only runs `knex migrate:latest`" in plan.decisions["build_command"].source


def test_a_build_answer_still_wins(tmp_path):
    write_tree(tmp_path, {"package.json": json.dumps({"name": "demo", "scripts": {"start": "node server.js", "build": "prisma migrate deploy"}}), "package-lock.json": LOCK, "server.js": "x"})
    assert plan_project(Project(tmp_path), {"build": "npm run compile"}).value("build_command") == "npm run compile"


@pytest.mark.parametrize(("scripts", "kept", "unwatched"), [
    # the watcher sits in a script the build runs by name (Khaspper/mini-message-board-express-ejs hung here)
    ({"build": "npm run build:css && npm run build:ts", "build:css": "postcss in.css -o out.css --watch", "build:ts": "tsc --build"},
     ("node_modules/.bin/postcss in.css -o out.css", "npm run build:ts"), ("postcss in.css -o out.css --watch",)),
    ({"build": "tsc -w"}, ("node_modules/.bin/tsc",), ("tsc -w",)),
    ({"build": "npx tailwindcss -i a.css -o b.css --watch=always && vite build"}, ("npx tailwindcss -i a.css -o b.css", "node_modules/.bin/vite build"), ("npx tailwindcss -i a.css -o b.css --watch=always",)),
])
def test_a_watching_build_step_runs_once(scripts, kept, unwatched):
    split = rewrite_build(scripts)
    assert split is not None and split.kept == kept and split.unwatched == unwatched and split.dropped == ()


def test_the_watch_rewrite_is_explained(tmp_path):
    plan = _plan(tmp_path, {"build": "npm run css", "css": "postcss a.css -o b.css -w"})
    assert plan.value("build_command") == "node_modules/.bin/postcss a.css -o b.css"
    assert any("watches and never exits: the image build runs it once without the flag" in w for w in plan.warnings)
