"""A lockfile that no longer matches package.json is installed without the frozen flag, with a warning.

A frozen install (`npm ci`, `pnpm install --frozen-lockfile`, `yarn --frozen-lockfile`)
refuses such a lock, and real repositories commit them (GagaMen/express-example: an
npm 7 lock without fsevents, which npm 9+ refuses). The image still builds; the
warning says what to commit for a reproducible one.
"""

from __future__ import annotations

import json

import pytest

from conftest import write_tree
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.providers.node.lockfiles import installs_on_linux
from plan_queries import production_install

SERVER = "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT || 3000)\n"


def _npm_lock(root_deps: dict, packages: dict) -> str:
    return json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {"": {"name": "demo", "dependencies": root_deps}, **packages}})


def _plan(tmp_path, deps, lock_name, lock_text):
    write_tree(tmp_path, {"package.json": json.dumps({"name": "demo", "main": "server.js", "dependencies": deps}), lock_name: lock_text, "server.js": SERVER})
    return plan_project(Project(tmp_path), {})


def test_a_lock_missing_a_declared_dependency_installs_unfrozen(tmp_path):
    lock = _npm_lock({"express": "^5"}, {"node_modules/express": {"version": "5.0.0"}})
    plan = _plan(tmp_path, {"express": "^5", "koa": "^3"}, "package-lock.json", lock)
    assert "npm install --omit=dev --no-audit --no-fund" in production_install(plan)
    assert any(w.startswith("package-lock.json has no entry for koa (declared in package.json): a frozen install would refuse it") for w in plan.warnings), plan.warnings


def test_an_npm_lock_without_an_optional_dependency_installs_unfrozen(tmp_path):
    lock = _npm_lock({"chokidar": "^3"}, {"node_modules/chokidar": {"version": "3.5.2", "optionalDependencies": {"fsevents": "~2.3.2"}}})
    plan = _plan(tmp_path, {"chokidar": "^3"}, "package-lock.json", lock)
    assert "npm install --omit=dev" in production_install(plan) and "npm ci" not in production_install(plan)
    assert any("omits the optional dependency fsevents" in w for w in plan.warnings)


def test_an_optional_dependency_resolved_only_to_another_major_installs_unfrozen(tmp_path):
    """NarasimhaPk2380/node-express-app: chokidar 3 wants fsevents ~2.3.1, and the only fsevents an npm 7 lock has is
    webpack 4's 1.2.13 at the top: npm ci said "Missing: fsevents@2.3.3 from lock file"."""
    lock = _npm_lock({"chokidar": "^3"}, {
        "node_modules/chokidar": {"version": "3.5.2", "optionalDependencies": {"fsevents": "~2.3.1"}},
        "node_modules/fsevents": {"version": "1.2.13", "optional": True},
    })
    plan = _plan(tmp_path, {"chokidar": "^3"}, "package-lock.json", lock)
    assert "npm install --omit=dev" in production_install(plan) and any("omits the optional dependency fsevents" in w for w in plan.warnings)


def test_an_optional_dependency_nested_under_its_package_is_found(tmp_path):
    """jruizsilva/vite-portfolio: framer-motion's own node_modules holds the @emotion/is-prop-valid 0.8 it wants."""
    lock = _npm_lock({"framer-motion": "^6"}, {
        "node_modules/framer-motion": {"version": "6.5.1", "optionalDependencies": {"@emotion/is-prop-valid": "^0.8.2"}},
        "node_modules/framer-motion/node_modules/@emotion/is-prop-valid": {"version": "0.8.8", "optional": True},
        "node_modules/@emotion/is-prop-valid": {"version": "1.2.0"},
    })
    assert "npm ci --omit=dev" in production_install(_plan(tmp_path, {"framer-motion": "^6"}, "package-lock.json", lock))


def test_a_matching_lock_stays_frozen(tmp_path):
    lock = _npm_lock({"chokidar": "^3"}, {"node_modules/chokidar": {"version": "3.5.2", "optionalDependencies": {"fsevents": "~2.3.2"}}, "node_modules/fsevents": {"version": "2.3.3", "optional": True, "os": ["darwin"]}})
    plan = _plan(tmp_path, {"chokidar": "^3"}, "package-lock.json", lock)
    assert "npm ci --omit=dev" in production_install(plan) and not any("frozen" in w for w in plan.warnings)


def test_a_stale_pnpm_lock_installs_without_frozen_lockfile(tmp_path):
    lock = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      express:\n        specifier: ^5\n        version: 5.0.0\n"
    plan = _plan(tmp_path, {"express": "^5", "koa": "^3"}, "pnpm-lock.yaml", lock)
    install = production_install(plan)
    assert "pnpm install --prod" in install and "--frozen-lockfile" not in install


@pytest.mark.parametrize(("meta", "installed"), [
    ({}, True),
    ({"os": ["android"], "cpu": ["arm"]}, False),
    ({"os": ["linux"], "cpu": ["x64"]}, True),
    ({"os": ["linux"], "cpu": ["arm64"], "libc": ["musl"]}, False),
    ({"os": ["!win32"]}, True),
    ({"cpu": ["!x64", "!arm64"]}, False),
])
def test_platform_packages_for_other_systems_are_not_installed(meta, installed):
    """esbuild's and swc's per-platform packages for other systems never run their install scripts here."""
    assert installs_on_linux(meta) is installed


def test_a_changed_range_the_locked_version_no_longer_satisfies_installs_unfrozen(tmp_path):
    """npm ci checks each range against the locked version (Aye-Bee-See/sqlite-express-api: eslint ^9.29.0, lock 9.28.0)."""
    lock = _npm_lock({"express": "^4.17.0"}, {"node_modules/express": {"version": "4.17.1"}})
    plan = _plan(tmp_path, {"express": "^4.18.0"}, "package-lock.json", lock)
    assert "npm install --omit=dev" in production_install(plan)
    assert any("other versions of express (^4.18.0; the lock has 4.17.1)" in w for w in plan.warnings), plan.warnings


def test_a_changed_range_the_locked_version_still_satisfies_stays_frozen(tmp_path):
    lock = _npm_lock({"express": "^4.17.0"}, {"node_modules/express": {"version": "4.18.2"}})
    plan = _plan(tmp_path, {"express": "^4.18.0"}, "package-lock.json", lock)
    assert "npm ci --omit=dev" in production_install(plan)


def test_pnpm_compares_specifiers_themselves(tmp_path):
    lock = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      express:\n        specifier: ^4.17.0\n        version: 4.18.2\n"
    plan = _plan(tmp_path, {"express": "^4.18.0"}, "pnpm-lock.yaml", lock)
    assert "--frozen-lockfile" not in production_install(plan)


def test_an_npm6_lock_resolves_peers_the_old_way(tmp_path):
    lock = json.dumps({"name": "demo", "lockfileVersion": 1, "dependencies": {"express": {"version": "4.17.1"}}})
    plan = _plan(tmp_path, {"express": "^4.17.0"}, "package-lock.json", lock)
    assert "npm ci --omit=dev --no-audit --no-fund --legacy-peer-deps" in production_install(plan)
