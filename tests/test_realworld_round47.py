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


def test_a_prisma_without_openssl_3_engines_is_refused_with_the_fix(tmp_path):
    """siemah/fastify-api: Prisma 3.2.1 knows OpenSSL 1.x only, so `prisma generate` fails on every
    Debian the node images build on ("Unknown binaryTarget debian-openssl-3.0.x")."""
    import pytest
    from scaffold.errors import ScaffoldError

    lock = ('"@prisma/client@^3.2.1":\n  version "3.2.1"\n  resolved "https://registry.yarnpkg.com/@prisma/client/-/client-3.2.1.tgz"\n\n'
            'prisma@^3.2.1:\n  version "3.2.1"\n  resolved "https://registry.yarnpkg.com/prisma/-/prisma-3.2.1.tgz"\n')
    tree = {
        "package.json": json.dumps({"name": "demo", "main": "server.js", "dependencies": {"@prisma/client": "^3.2.1"}, "devDependencies": {"prisma": "^3.2.1"}}),
        "yarn.lock": lock,
        "prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\ngenerator client {\n  provider = "prisma-client-js"\n}\n',
        "server.js": "require('http').createServer().listen(3000)\n",
    }
    write_tree(tmp_path, tree)
    with pytest.raises(ScaffoldError, match=r"yarn.lock: prisma 3.2.1 has query engines for OpenSSL 1.x only"):
        plan_project(Project(tmp_path), {})
    write_tree(tmp_path, {"yarn.lock": lock.replace("3.2.1", "3.15.2")})
    assert cmd(plan_project(Project(tmp_path), {})) == ["node", "server.js"]


SV_DB = """import { drizzle } from 'drizzle-orm/{driver}';
import {{ env }} from '$env/dynamic/private';
if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set');
if (!dev && !env.DATABASE_AUTH_TOKEN) throw new Error('DATABASE_AUTH_TOKEN is not set');
"""


def _sveltekit(tmp_path, db_module):
    write_tree(tmp_path, {
        "package.json": json.dumps({
            "name": "demo", "type": "module", "scripts": {"build": "vite build"},
            "devDependencies": {"@sveltejs/kit": "^2.16.0", "@sveltejs/adapter-node": "^5", "vite": "^6"},
        }),
        "svelte.config.js": "import adapter from '@sveltejs/adapter-node';\nexport default { kit: { adapter: adapter() } };\n",
        "src/lib/server/db/index.ts": db_module,
        "src/routes/+page.svelte": "<h1>hi</h1>\n",
    })
    return plan_project(Project(tmp_path), {})


def test_a_sveltekit_build_gets_placeholders_for_what_its_db_module_requires(tmp_path):
    """jdplumst/sveltekit-app: `sv create`'s drizzle module throws at import without DATABASE_URL, and
    `vite build` imports it to analyse the routes; the build command alone gets a placeholder the
    imported driver accepts (libsql: a file: URL). 200 after, with the real values given at run time."""
    from scaffold.render import render_plan

    plan = _sveltekit(tmp_path, SV_DB.replace("{driver}", "libsql").replace("{{", "{").replace("}}", "}"))
    dockerfile = render_plan(plan)["Dockerfile"]
    assert "DATABASE_AUTH_TOKEN=build DATABASE_URL=file:/tmp/build.db npm run build" in dockerfile
    assert "ENV DATABASE_URL" not in dockerfile and "ARG DATABASE_URL" not in dockerfile
    assert plan.value("build_placeholders") == ["DATABASE_AUTH_TOKEN=build", "DATABASE_URL=file:/tmp/build.db"]


def test_the_placeholder_follows_the_driver_the_module_imports(tmp_path):
    plan = _sveltekit(tmp_path, SV_DB.replace("{driver}", "postgres-js").replace("{{", "{").replace("}}", "}"))
    assert "DATABASE_URL=postgres://build:build@localhost:5432/build" in plan.value("build_placeholders")


def test_a_module_that_does_not_throw_gets_no_placeholder(tmp_path):
    plan = _sveltekit(tmp_path, "import { env } from '$env/dynamic/private';\nexport const url = env.DATABASE_URL ?? 'file:local.db';\n")
    assert plan.value("build_placeholders") is None
