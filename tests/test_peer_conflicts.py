"""A package-lock.json holding a peer conflict was written with --legacy-peer-deps; the image installs the same way.

npm 7+ refuses such a tree in `npm ci` (ERESOLVE: react-helmet-async 2.0.5 wants React
16-18 beside React 19, nicolodonvito/vite-react-portfolio); the developer's install
passed --legacy-peer-deps (or --force), and so must the image's.
"""

from __future__ import annotations

import json

import pytest

from conftest import write_tree
from plan_queries import production_install
from scaffold.plan import plan_project
from scaffold.project import Project

SERVER = "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT || 3000)\n"


def _plan(tmp_path, packages: dict):
    deps = {k.removeprefix("node_modules/"): v["version"] for k, v in packages.items() if k.count("node_modules/") == 1}
    lock = {"name": "demo", "lockfileVersion": 3, "packages": {"": {"name": "demo", "dependencies": deps}, **packages}}
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "main": "server.js", "dependencies": deps}),
        "package-lock.json": json.dumps(lock), "server.js": SERVER,
    })
    return plan_project(Project(tmp_path), {})


HELMET = {"version": "2.0.5", "peerDependencies": {"react": "^16.6.0 || ^17.0.0 || ^18.0.0"}}


@pytest.mark.parametrize(("packages", "legacy"), [
    ({"node_modules/react": {"version": "19.2.0"}, "node_modules/react-helmet-async": HELMET}, True),
    ({"node_modules/react": {"version": "18.3.1"}, "node_modules/react-helmet-async": HELMET}, False),
    # an optional peer that is absent is never required...
    ({"node_modules/react-helmet-async": {**HELMET, "peerDependenciesMeta": {"react": {"optional": True}}}}, False),
    # ...but one that is there must fit: npm prune refused typeorm 1's better-sqlite3 ^12 beside 13 (leosuncin/koa-api-example)
    ({"node_modules/react": {"version": "19.2.0"}, "node_modules/react-helmet-async": {**HELMET, "peerDependenciesMeta": {"react": {"optional": True}}}}, True),
    # the peer Node finds first is the nested one, which fits
    ({"node_modules/react": {"version": "19.2.0"}, "node_modules/a": {"version": "1.0.0"},
      "node_modules/a/node_modules/react": {"version": "18.3.1"}, "node_modules/a/node_modules/react-helmet-async": HELMET}, False),
])
def test_a_locked_peer_conflict_installs_with_legacy_peer_deps(tmp_path, packages, legacy):
    plan = _plan(tmp_path, packages)
    assert ("--legacy-peer-deps" in production_install(plan)) is legacy
    assert any("react-helmet-async 2.0.5 wants react" in w and "--legacy-peer-deps" in w for w in plan.warnings) is legacy


def test_a_required_peer_missing_from_the_lock_installs_with_legacy_peer_deps(tmp_path):
    """npm 7+ locks every required peer; @astrojs/react's @types/react-dom was left out (michaltrabski/astro-blog):
    `npm ci` fails with "Missing: @types/react-dom from lock file"."""
    plan = _plan(tmp_path, {"node_modules/react-helmet-async": HELMET})
    assert "--legacy-peer-deps" in production_install(plan)
    assert any("which the lock does not hold" in w for w in plan.warnings)
    optional = {**HELMET, "peerDependenciesMeta": {"react": {"optional": True}}}
    assert "--legacy-peer-deps" not in production_install(_plan(tmp_path, {"node_modules/react-helmet-async": optional}))


def test_the_prune_after_the_build_reads_the_lock_the_same_way(tmp_path):
    """leosuncin/koa-api-example: npm ci passed and `npm prune --omit=dev` failed with ERESOLVE."""
    deps = {"react": "19.2.0", "react-helmet-async": "2.0.5"}
    lock = {"name": "demo", "lockfileVersion": 3, "packages": {"": {"name": "demo", "dependencies": deps},
            "node_modules/react": {"version": "19.2.0"}, "node_modules/react-helmet-async": HELMET}}
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "main": "dist/server.js", "scripts": {"build": "tsc"}, "dependencies": deps}),
        "package-lock.json": json.dumps(lock), "src/server.ts": SERVER,
    })
    from scaffold.render import render_plan

    dockerfile = render_plan(plan_project(Project(tmp_path), {}))["Dockerfile"]
    assert "npm prune --omit=dev --no-audit --no-fund --legacy-peer-deps" in dockerfile, dockerfile


@pytest.mark.parametrize(("lockfile", "legacy"), [(None, True), ("yarn.lock", False)])
def test_a_lockless_npm_install_resolves_peers_as_npm_6_did(tmp_path, lockfile, legacy):
    """1391020381/express-nunjucks (2021, no lock): `"connect-redis": "*"` now resolves to a major wanting
    redis >= 5 beside the project's redis ^2.8, and npm 7+ refuses the tree (ERESOLVE). Other managers
    do not enforce peers that way, and their installs are left alone."""
    files = {"package.json": json.dumps({"name": "demo", "main": "server.js", "dependencies": {"connect-redis": "*", "redis": "^2.8.0"}}), "server.js": SERVER}
    if lockfile:
        files[lockfile] = "# yarn lockfile v1\n"
    write_tree(tmp_path, files)
    plan = plan_project(Project(tmp_path), {})
    assert ("--legacy-peer-deps" in production_install(plan)) is legacy
    assert any("no lockfile for npm" in w and "--legacy-peer-deps" in w for w in plan.warnings) is legacy
