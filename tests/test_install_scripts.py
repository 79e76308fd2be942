"""Root scripts npm runs during an install, and the devDependencies they call.

npm 7+ runs a script named "dependencies" after any install that changed
node_modules, so `"dependencies": "node -r ts-node/register ./bin/deps.ts"`
(dvallin/koa-example) runs inside the production install, where ts-node is gone.
"""

from __future__ import annotations

import json

import pytest

from conftest import write_tree
from plan_queries import production_install, role_lines
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


@pytest.mark.parametrize("script", [
    "echo 'npm run pre-commit' > .git/hooks/pre-commit & echo 'npm run pre-push' > .git/hooks/pre-push",  # gkiely/vite-react-starter
    "git config core.hooksPath .githooks",
])
def test_an_install_script_that_sets_up_git_hooks_is_skipped_by_every_install(tmp_path, script):
    """The context has no .git and the image no git: the build stage's install failed too (exit 2)."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "main": "server.js", "scripts": {"postinstall": script, "build": "tsc"}, "dependencies": {"koa": "^2"}, "devDependencies": {"ts-node": "^10"}}),
        "package-lock.json": LOCK,
        "server.js": "require('http').createServer().listen(process.env.PORT || 3000)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    installs = [line for line in [*role_lines(plan, "full_install"), *role_lines(plan, "install")] if "npm ci" in line]
    assert installs and all("--ignore-scripts" in line for line in installs), installs
    assert any("the root postinstall script sets up git hooks" in n for n in plan.notes), plan.notes


def test_an_install_script_that_only_mentions_git_keeps_its_scripts(tmp_path):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "main": "server.js", "scripts": {"postinstall": "node scripts/digit.js"}, "dependencies": {"koa": "^2"}}),
        "package-lock.json": LOCK,
        "server.js": "require('http').createServer().listen(process.env.PORT || 3000)\n",
    })
    assert "--ignore-scripts" not in production_install(plan_project(Project(tmp_path), {}))


def test_after_an_ignore_scripts_install_the_dependencies_install_scripts_run_but_hooks_and_notices(tmp_path):
    """gkiely/vite-react-starter: a nested esbuild 0.15 with no postinstall run died with "Failed to install correctly"."""
    lock = json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {
        "": {"name": "demo", "dependencies": {"koa": "^2"}},
        "node_modules/koa": {"version": "2.0.0"},
        "node_modules/x/node_modules/esbuild": {"version": "0.15.0", "hasInstallScript": True},
        "node_modules/husky": {"version": "8.0.0", "hasInstallScript": True, "dev": True},
        "node_modules/core-js": {"version": "3.0.0", "hasInstallScript": True},
    }})
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "main": "server.js", "scripts": {"postinstall": "git config core.hooksPath .githooks"}, "dependencies": {"koa": "^2"}}),
        "package-lock.json": lock,
        "server.js": "require('http').createServer().listen(process.env.PORT || 3000)\n",
    })
    install = production_install(plan_project(Project(tmp_path), {}))
    assert "npm rebuild esbuild" in install and "husky" not in install and "core-js" not in install, install


def test_an_install_script_calling_a_dev_packages_binary_by_its_own_name_skips_scripts(tmp_path):
    """bellanda/my-react-router-app: `"postinstall": "bun react-router typegen"`, the binary of @react-router/dev
    (here babel-node, @babel/node's: a binary named otherwise than its package, node.toml > bin_owners)."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "main": "server.js", "scripts": {"postinstall": "babel-node scripts/setup.js"}, "dependencies": {"koa": "^2"}, "devDependencies": {"@babel/node": "^7"}}),
        "package-lock.json": LOCK,
        "server.js": "require('http').createServer().listen(process.env.PORT || 3000)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert "--ignore-scripts" in production_install(plan)
    assert any("calls @babel/node, a devDependency" in n for n in plan.notes), plan.notes


BUILD_LOCK = json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {
    "": {"name": "demo", "dependencies": {"express": "^4"}, "devDependencies": {"typescript": "^5"}},
    "node_modules/express": {"version": "4.0.0"},
    "node_modules/typescript": {"version": "5.0.0", "dev": True, "bin": {"tsc": "bin/tsc", "tsserver": "bin/tsserver"}},
}})


@pytest.mark.parametrize("postinstall", ["npm run build && npm run build:css", "tsc"])
def test_a_postinstall_that_runs_the_build_runs_after_the_sources_are_copied(tmp_path, postinstall):
    """draney98/express-ejs-tailwind-ts-template: `"postinstall": "npm run build && npm run build:css"` ran tsc
    inside the production install, with neither typescript nor the sources there."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"build": "tsc", "build:css": "node css.js", "start": "node dist/server.js", "postinstall": postinstall},
                                    "dependencies": {"express": "^4"}, "devDependencies": {"typescript": "^5"}}),
        "package-lock.json": BUILD_LOCK,
        "tsconfig.json": '{"compilerOptions": {"outDir": "dist"}}',
        "src/server.ts": "import http from 'http'\nhttp.createServer().listen(process.env.PORT || 3000)\n",
        "css.js": "",
    })
    plan = plan_project(Project(tmp_path), {})
    assert production_install(plan).endswith("--ignore-scripts")
    build = " && ".join(role_lines(plan, "build"))
    if postinstall == "tsc":  # nothing beyond the build itself: built once
        assert "npm run postinstall" not in build and build.count("npm run build") == 1
        assert any("the root postinstall script runs the build" in n for n in plan.notes), plan.notes
    else:  # build:css runs only through postinstall
        assert "npm run postinstall" in build and build.index("npm run postinstall") < build.index("npm run build")
        assert any("the root postinstall script reads the sources" in n for n in plan.notes), plan.notes
