"""One test table per Node detection rule, on small projects built in tmp dirs."""

from __future__ import annotations

import json

from plan_queries import apt_packages, install_groups, install_mounts, pm_setup, production_install, runtime_copies, runtime_env, stage_names
from plan_queries import cmd as plan_cmd
import pytest

from conftest import write_tree
from scaffold.providers.node.detect import detect as detect_node
from scaffold.plan import plan_project
from scaffold.providers.node.package_manager import choose_package_manager
from scaffold.project import Project


# A production dependency, so the image has a deps stage whose install the tests can read
EXPRESS = {"express": "^4.21.2"}


def _pkg(**fields) -> str:
    return json.dumps({"name": "demo", "version": "1.0.0", **fields})


def _plan(tmp_path, files, **answers):
    write_tree(tmp_path, files)
    return plan_project(Project(tmp_path), answers)


NPM_LOCK = json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {"": {"name": "demo"}}})
# With a production dependency the image has a deps stage, whose install the tests read
EXPRESS = {"express": "^4.21.2"}
NPM_LOCK_EXPRESS = json.dumps({
    "name": "demo", "lockfileVersion": 3,
    "packages": {"": {"name": "demo", "dependencies": EXPRESS}, "node_modules/express": {"version": "4.21.2"}},
})
SERVER = "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT || 3000)\n"


# -- Node version -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("files", "expected", "source"),
    [
        ({}, 26, "versions.toml > node.lts (current LTS)"),
        ({".nvmrc": "20.11.1\n"}, 20, ".nvmrc"),
        ({".nvmrc": "v22\n"}, 22, ".nvmrc"),
        ({".nvmrc": "lts/*\n"}, 26, ".nvmrc"),
        ({".nvmrc": "lts/iron\n"}, 20, ".nvmrc"),
        ({".nvmrc": "lts/jod"}, 22, ".nvmrc"),
        ({".node-version": "24.3.0"}, 24, ".node-version"),
        ({".tool-versions": "python 3.12.1\nnodejs 22.11.0\n"}, 22, ".tool-versions > nodejs"),
        ({"package.json": _pkg(volta={"node": "24.1.0"}, main="server.js")}, 24, "package.json > volta > node"),
        ({"package.json": _pkg(engines={"node": ">=20"}, main="server.js")}, 26, "package.json > engines > node"),
        ({"package.json": _pkg(engines={"node": "^22.11 || ^24"}, main="server.js")}, 24, "package.json > engines > node"),
        ({"package.json": _pkg(engines={"node": "22.x"}, main="server.js")}, 22, "package.json > engines > node"),
        ({"package.json": _pkg(engines={"node": ">=18 <23"}, main="server.js")}, 22, "package.json > engines > node"),
        ({"package.json": _pkg(engines={"node": "~24.3"}, main="server.js")}, 24, "package.json > engines > node"),
        ({"package.json": _pkg(engines={"node": "latest"}, main="server.js")}, 26, "package.json > engines > node"),
        ({"package.json": _pkg(engines={"node": "lts/*"}, main="server.js")}, 26, "package.json > engines > node"),
        # an exact pin beats the engines range, which is reported when it disagrees
        ({".nvmrc": "22", "package.json": _pkg(engines={"node": ">=24"}, main="server.js")}, 22, ".nvmrc"),
    ],
    ids=lambda v: v if isinstance(v, (int, str)) else None,
)
def test_node_version(tmp_path, files, expected, source):
    files = {"package.json": _pkg(main="server.js"), "server.js": SERVER, "package-lock.json": NPM_LOCK, **files}
    plan = _plan(tmp_path, files)
    assert plan.decisions["node_version"].value == expected
    assert plan.decisions["node_version"].source == source
    assert f"node:{expected}-" in plan.decisions["base_image"].value


def test_pin_outside_engines_warns(tmp_path):
    plan = _plan(tmp_path, {".nvmrc": "22", "package.json": _pkg(engines={"node": ">=24"}, main="server.js"), "server.js": SERVER})
    assert any("does not allow" in w for w in plan.warnings)


def test_eol_only_range_warns(tmp_path):
    plan = _plan(tmp_path, {"package.json": _pkg(engines={"node": "^18"}, main="server.js"), "server.js": SERVER})
    assert plan.decisions["node_version"].value == 18
    assert "bookworm" in plan.decisions["base_image"].value
    assert any("end-of-life" in w for w in plan.warnings)


# -- package manager -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("files", "pm", "source", "install"),
    [
        ({"package-lock.json": NPM_LOCK}, "npm", "package-lock.json", "npm ci --omit=dev"),
        ({"npm-shrinkwrap.json": NPM_LOCK}, "npm", "npm-shrinkwrap.json", "npm ci --omit=dev"),
        ({"yarn.lock": "# yarn lockfile v1\n\n"}, "yarn@1.22.22", "yarn.lock", "yarn install --frozen-lockfile --production"),
        (
            {"yarn.lock": "__metadata:\n  version: 8\n", ".yarnrc.yml": "nodeLinker: node-modules\n"},
            "yarn@4.18.1",
            "yarn.lock",
            "yarn workspaces focus --all --production",
        ),
        ({"pnpm-lock.yaml": "lockfileVersion: '9.0'\nimporters:\n  .: {}\n"}, "pnpm@10.34.9", "pnpm-lock.yaml", "pnpm install --frozen-lockfile --prod"),
        ({"pnpm-lock.yaml": "lockfileVersion: '6.0'\n"}, "pnpm@8.15.9", "pnpm-lock.yaml", "pnpm install --frozen-lockfile --prod"),
        ({"bun.lock": '{"lockfileVersion": 1, "workspaces": {"": {}},}'}, "bun@1.4.5", "bun.lock", "bun install --frozen-lockfile --production"),
        ({"bun.lockb": b"\x00binary"}, "bun@1.4.5", "bun.lockb", "bun install --frozen-lockfile --production"),
    ],
    ids=["npm", "shrinkwrap", "yarn1", "berry", "pnpm9", "pnpm6", "bun-text", "bun-binary"],
)
def test_package_manager_from_lockfile(tmp_path, files, pm, source, install):
    plan = _plan(tmp_path, {"package.json": _pkg(main="server.js"), "server.js": SERVER, **files})
    assert plan.decisions["package_manager"].value == pm
    assert plan.decisions["package_manager"].source == source
    # The fixture has no dependencies, so its image installs nothing: ask the package manager itself
    chosen = choose_package_manager(detect_node(Project(tmp_path)), None, 26)[1]
    assert chosen.install(production=True).startswith(install)


def test_package_manager_field_wins_and_pins_version(tmp_path):
    plan = _plan(
        tmp_path,
        {
            "package.json": _pkg(main="server.js", packageManager="pnpm@9.12.3+sha512.abc"),
            "server.js": SERVER,
            "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
        },
    )
    assert plan.decisions["package_manager"].value == "pnpm@9.12.3"
    assert plan.decisions["package_manager"].source == "package.json > packageManager"
    assert pm_setup(plan) == ["npm install -g pnpm@9.12.3"]


def test_yarn_on_node_without_bundled_yarn_installs_it(tmp_path):
    plan = _plan(tmp_path, {"package.json": _pkg(main="server.js"), "server.js": SERVER, "yarn.lock": "# yarn lockfile v1\n"})
    assert plan.decisions["node_version"].value == 26
    assert pm_setup(plan) == ["npm install -g yarn@1.22.22"]
    plan24 = plan_project(Project(tmp_path), {"node_version": "24"})
    assert pm_setup(plan24) == []  # node:24 images ship yarn 1.22.22


def test_no_lockfile_uses_npm_install_and_warns(tmp_path):
    plan = _plan(tmp_path, {"package.json": _pkg(main="server.js", dependencies=EXPRESS), "server.js": SERVER})
    assert production_install(plan).startswith("npm install --omit=dev")
    assert any("no lockfile" in w for w in plan.warnings)


def test_pnp_berry_installs_with_node_modules_linker(tmp_path):
    plan = _plan(tmp_path, {"package.json": _pkg(main="server.js", dependencies=EXPRESS), "server.js": SERVER, "yarn.lock": '__metadata:\n  version: 8\n\n"express@npm:^4.21.2":\n  version: 4.21.2\n', ".yarnrc.yml": "yarnPath: .yarn/releases/yarn-4.1.0.cjs\n", ".yarn/releases/yarn-4.1.0.cjs": "//"})
    assert "YARN_NODE_LINKER=node-modules" in production_install(plan)
    assert {"src": [".yarn/releases"], "dest": "./.yarn/releases/"} in install_groups(plan)


# -- start command -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("scripts", "main", "extra", "expected", "source"),
    [
        ({"start": "node server.js"}, None, {}, ["node", "server.js"], "package.json > scripts > start"),
        ({"start": "NODE_OPTIONS=--enable-source-maps node server.js"}, None, {}, ["node", "server.js"], "package.json > scripts > start"),
        ({"start": "cross-env NODE_ENV=production node ./server.js --verbose"}, None, {}, ["node", "./server.js", "--verbose"], "package.json > scripts > start"),
        ({"start": "npm run serve", "serve": "node server.js"}, None, {}, ["node", "server.js"], "package.json > scripts > serve"),
        # the watcher is refused; the script it restarts is what the developers run
        ({"start": "nodemon server.js"}, "index.js", {}, ["node", "server.js"], "package.json > scripts > start (what the watcher runs)"),
        # nodemon's own bin file, run by path (siegfriedgrimbeek/fastify-api), is the same watcher
        ({"start": "./node_modules/nodemon/bin/nodemon.js ./server.js"}, None, {}, ["node", "./server.js"], "package.json > scripts > start (what the watcher runs)"),
        ({"start": "node --watch server.js"}, None, {}, ["node", "server.js"], "package.json > scripts > start (what the watcher runs)"),
        ({"start": "ts-node-dev src/x.ts", "start:prod": "node server.js"}, None, {}, ["node", "server.js"], "package.json > scripts > start:prod"),
        ({}, "server.js", {}, ["node", "server.js"], "package.json > main"),
        ({}, None, {}, ["node", "server.js"], "conventional entry file"),
        ({"start": "node server.js && echo done"}, None, {}, ["npm", "run", "start"], "package.json > scripts > start"),
        ({"start": " "}, "server.js", {}, ["node", "server.js"], "package.json > main"),
    ],
    ids=["node", "env-assign", "cross-env", "npm-run-chain", "nodemon", "nodemon-by-path", "node-watch", "start-prod", "main", "entry", "shell", "empty-start"],
)
def test_start_command(tmp_path, scripts, main, extra, expected, source):
    fields = {"scripts": scripts}
    if main:
        fields["main"] = main
    plan = _plan(tmp_path, {"package.json": _pkg(**fields), "server.js": SERVER, "package-lock.json": NPM_LOCK, **extra})
    assert plan.decisions["start_command"].value == expected
    assert plan.decisions["start_command"].source == source


def test_node_start_script_runs_with_bun_on_the_bun_image(tmp_path):
    # oven/bun has no node binary: `node server.js` would fail at start; bun runs Node entry files itself
    plan = _plan(tmp_path, {
        "package.json": _pkg(scripts={"start": "node server.js"}, packageManager="bun@1.4.5"),
        "bun.lock": '{"lockfileVersion": 1, "workspaces": {"": {}},}',
        "server.js": SERVER,
    })
    assert plan.decisions["base_image"].value.startswith("oven/bun:")
    assert plan.decisions["start_command"].value == ["bun", "server.js"]
    assert plan_cmd(plan) == ["bun", "server.js"]
    assert any("no node binary" in n and "bun server.js" in n for n in plan.notes)


def test_dev_server_start_is_refused_with_a_note(tmp_path):
    plan = _plan(tmp_path, {"package.json": _pkg(scripts={"start": "nodemon server.js"}), "server.js": SERVER})
    assert any("nodemon" in n and "not used in production" in n for n in plan.notes)


def test_local_binary_runs_from_node_modules_bin(tmp_path):
    plan = _plan(tmp_path, {"package.json": _pkg(scripts={"start": "fastify start app.js"}, dependencies={"fastify-cli": "1"}), "app.js": SERVER})
    assert plan.decisions["start_command"].value[0] in ("node_modules/.bin/fastify", "fastify")


def test_build_script_means_multi_stage_and_output_dir(tmp_path):
    plan = _plan(
        tmp_path,
        {
            "package.json": _pkg(scripts={"build": "tsc", "start": "node dist/index.js"}, devDependencies={"typescript": "5"}),
            "tsconfig.json": '{\n  // comment\n  "compilerOptions": {"outDir": "./dist", "rootDir": "src"},\n}\n',
            "src/index.ts": "import http from 'node:http';\nhttp.createServer().listen(Number(process.env.PORT) || 4000);\n",
        },
    )
    assert "build" in stage_names(plan)
    assert plan.decisions["build_output"].value == "dist"
    assert plan.decisions["port"].value == 4000
    assert {"from": "build", "src": "/app/dist", "dest": "./dist"} in runtime_copies(plan)


# -- port ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("code", "port", "kind"),
    [
        ("app.listen(8080)", 8080, "listen()"),
        ("const port = process.env.PORT || 5000; app.listen(port)", 5000, "process.env.PORT fallback"),
        ("const port = process.env.PORT ?? '4321'", 4321, "process.env.PORT fallback"),
        ("server.listen({ port: 7000, host: '0.0.0.0' })", 7000, "listen()"),
        ("Bun.serve({ port: 9000, fetch() {} })", 9000, "listen()"),
        ("app.listen(process.env.PORT)", 3000, None),
        ("const port = parseInt(process.env.PORT, 10) || 4000", 4000, "process.env.PORT fallback"),
    ],
)
def test_port_from_code(tmp_path, code, port, kind):
    plan = _plan(tmp_path, {"package.json": _pkg(main="index.js"), "index.js": code + "\n"})
    assert plan.decisions["port"].value == port
    if kind:
        assert plan.decisions["port"].source == f"index.js:1 ({kind})"
    assert plan.dockerfile["port"] == port
    assert f"PORT={port}" in runtime_env(plan)


def test_flags_override_every_detected_value(tmp_path):
    write_tree(tmp_path, {"package.json": _pkg(main="server.js"), "server.js": SERVER, "package-lock.json": NPM_LOCK})
    plan = plan_project(
        Project(tmp_path),
        {"node_version": "22", "package_manager": "npm", "port": 9999, "start": "node other.js", "build": "npm run compile", "base_image": "node:22-bookworm-slim"},
    )
    assert plan.decisions["node_version"].source == "--node-version"
    assert plan.decisions["port"].value == 9999 and plan.decisions["port"].source == "--port"
    assert plan.decisions["start_command"].value == ["node", "other.js"]
    assert plan.decisions["build_command"].value == "npm run compile"
    assert plan.value("base_image") == "node:22-bookworm-slim"


# -- secrets ---------------------------------------------------------------------------

def test_npmrc_with_literal_token_is_a_build_secret(tmp_path):
    plan = _plan(
        tmp_path,
        {
            "package.json": _pkg(main="server.js", dependencies=EXPRESS),
            "server.js": SERVER,
            "package-lock.json": NPM_LOCK_EXPRESS,
            ".npmrc": "//registry.npmjs.org/:_authToken=npm_abcdef123456\n",
        },
    )
    copied = [f for group in install_groups(plan) for f in group["src"]]
    assert ".npmrc" not in copied
    assert any("type=secret" in m and "target=/app/.npmrc" in m for m in install_mounts(plan))
    assert ".npmrc" in plan.dockerignore
    assert any(".npmrc holds a credential" in n for n in plan.notes)


def test_npmrc_with_env_token_is_copied_and_token_mounted(tmp_path):
    plan = _plan(
        tmp_path,
        {
            "package.json": _pkg(main="server.js", dependencies=EXPRESS),
            "server.js": SERVER,
            "package-lock.json": NPM_LOCK_EXPRESS,
            ".npmrc": "//npm.pkg.github.com/:_authToken=${NPM_TOKEN}\n@acme:registry=https://npm.pkg.github.com\n",
        },
    )
    copied = [f for group in install_groups(plan) for f in group["src"]]
    assert ".npmrc" in copied
    assert 'NPM_TOKEN="$(cat /run/secrets/npm_token)" ' in production_install(plan)
    assert ".npmrc" not in plan.dockerignore


def test_husky_prepare_does_not_break_production_install(tmp_path):
    plan = _plan(
        tmp_path,
        {
            "package.json": _pkg(main="server.js", scripts={"prepare": "husky"}, dependencies=EXPRESS, devDependencies={"husky": "9"}),
            "server.js": SERVER,
            "package-lock.json": json.dumps({"lockfileVersion": 3, "packages": {"": {"dependencies": EXPRESS, "devDependencies": {"husky": "9"}}, "node_modules/express": {"version": "4.21.2"}}}),
        },
    )
    assert production_install(plan).endswith("--ignore-scripts")


# -- real-world start scripts -------------------------------------------------------------

@pytest.mark.parametrize(
    ("start", "files", "expected"),
    [
        ("node --env-file=.env server.js", {".env": "A=1\n"}, ["node", "server.js"]),
        ("node --env-file .env.production --enable-source-maps server.js", {}, ["node", "--enable-source-maps", "server.js"]),
        ("node -r dotenv/config --env-file-if-exists=.env server.js", {}, ["node", "-r", "dotenv/config", "server.js"]),
        # a committed, non-secret env file is in the image: the flag stays
        ("node --env-file=config/app.env server.js", {"config/app.env": "A=1\n"}, ["node", "--env-file=config/app.env", "server.js"]),
        # after the script the flag belongs to the app
        ("node server.js --env-file=.env", {}, ["node", "server.js", "--env-file=.env"]),
    ],
    ids=["env-file", "env-file-space", "if-exists", "committed-file", "app-arg"],
)
def test_env_file_flag_is_dropped_when_the_file_is_not_in_the_image(tmp_path, start, files, expected):
    # node exits at start ("node: .env: not found") and .env never enters the build context
    plan = _plan(tmp_path, {"package.json": _pkg(scripts={"start": start}), "server.js": SERVER, "package-lock.json": NPM_LOCK, **files})
    assert plan.decisions["start_command"].value == expected
    dropped = not any("env-file" in word for word in expected)
    assert dropped == any("--env-file" in n and "docker run --env-file" in n for n in plan.notes)


@pytest.mark.parametrize(
    "start",
    ["npm run build && node dist/index.js", "tsc && node dist/index.js", "yarn build && node dist/index.js", "npm run build && npm run serve"],
)
def test_build_then_start_runs_only_the_start_in_the_image(tmp_path, start):
    # the build stage already built; at run time the compiler (a devDependency) is not there
    plan = _plan(tmp_path, {
        "package.json": _pkg(scripts={"build": "tsc", "start": start, "serve": "node dist/index.js"}, devDependencies={"typescript": "5"}),
        "tsconfig.json": '{"compilerOptions": {"outDir": "dist", "rootDir": "src"}}',
        "src/index.ts": SERVER,
    })
    assert plan.decisions["start_command"].value == ["node", "dist/index.js"]
    assert plan_cmd(plan) == ["node", "dist/index.js"]


def test_build_then_start_with_other_shell_steps_keeps_the_script(tmp_path):
    plan = _plan(tmp_path, {
        "package.json": _pkg(scripts={"build": "tsc", "start": "npm run build && node dist/a.js || true"}),
        "src/index.ts": SERVER,
    })
    assert plan.decisions["start_command"].value == ["npm", "run", "start"]


@pytest.mark.parametrize(
    ("main", "files", "expected"),
    [
        ("lib", {"lib/index.js": SERVER}, "lib/index.js"),
        ("./lib/", {"lib/index.js": SERVER}, "lib/index.js"),
        ("server", {"server.js": SERVER}, "server.js"),
        ("app.js", {"app.js": SERVER}, "app.js"),
    ],
)
def test_main_resolves_like_require(tmp_path, main, files, expected):
    plan = _plan(tmp_path, {"package.json": _pkg(main=main), "package-lock.json": NPM_LOCK, **files})
    assert plan.decisions["start_command"].value == ["node", expected]


@pytest.mark.parametrize(
    ("code", "env", "shimmed"),
    [
        ("const HOST = process.env.HOST || 'localhost';\napp.listen(process.env.PORT || 3000, HOST);", "HOST=0.0.0.0", False),
        ("server.listen(PORT, process.env.BIND_HOST ?? '127.0.0.1');", "BIND_HOST=0.0.0.0", False),
        ("app.listen(process.env.PORT || 3000, '127.0.0.1');", None, True),
        ("app.listen({ port: Number(process.env.PORT) || 3000, host: 'localhost' });", None, True),
        ("const fastify = require('fastify')();\nfastify.listen({ port: process.env.PORT || 3000 });", None, True),
        ("const fastify = require('fastify')();\nfastify.listen({ port: process.env.PORT || 3000, host: '0.0.0.0' });", None, False),
        ("app.listen(process.env.PORT || 3000, () => {});\nconst db = { host: 'localhost' };", None, False),
    ],
    ids=["host-env", "custom-env", "listen-literal", "listen-object", "fastify-default", "fastify-all", "db-host"],
)
def test_loopback_binding_is_made_reachable_or_reported(tmp_path, code, env, shimmed):
    # a server on 127.0.0.1 inside a container cannot be reached through a published port: a variable
    # that decides the host is set; a literal loopback gets the listen() preload shim
    plan = _plan(tmp_path, {"package.json": _pkg(main="server.js"), "server.js": code + "\n", "package-lock.json": NPM_LOCK})
    if env:
        assert env in runtime_env(plan)
        assert any(env.split("=")[0] in n and "reachable" in n for n in plan.notes)
    assert shimmed == any(e.startswith("NODE_OPTIONS=") and "listen-all.cjs" in e for e in runtime_env(plan))
    assert shimmed == any("listen on every interface" in n for n in plan.notes)
    assert not any("unreachable from outside the container" in w for w in plan.warnings)


@pytest.mark.parametrize(
    ("deps", "dev", "expected"),
    [
        ({"express": "^4.21.2"}, {"patch-package": "^8.0.0", "husky": "9"}, "npx --yes 'patch-package@^8.0.0'"),
        ({"express": "^4.21.2", "patch-package": "^8.0.0"}, {"husky": "9"}, "node_modules/.bin/patch-package"),
    ],
    ids=["dev-tool", "prod-tool"],
)
def test_patch_package_still_patches_the_production_install(tmp_path, deps, dev, expected):
    # --ignore-scripts (for husky or a dev-only postinstall) would leave production running unpatched code
    plan = _plan(tmp_path, {
        "package.json": _pkg(main="server.js", scripts={"postinstall": "patch-package", "prepare": "husky"}, dependencies=deps, devDependencies=dev),
        "server.js": SERVER,
        "patches/express+4.21.2.patch": "diff\n",
    })
    assert "--ignore-scripts" in production_install(plan)
    assert production_install(plan).endswith(f"&& {expected}")
    assert {"src": ["patches"], "dest": "./patches/"} in install_groups(plan)


def test_patch_package_uses_the_locked_version(tmp_path):
    lock = {"lockfileVersion": 3, "packages": {"": {"dependencies": EXPRESS, "devDependencies": {"patch-package": "^8.0.0"}}, "node_modules/express": {"version": "4.21.2"}, "node_modules/patch-package": {"version": "8.0.1", "dev": True}}}
    plan = _plan(tmp_path, {
        "package.json": _pkg(main="server.js", scripts={"postinstall": "patch-package"}, dependencies=EXPRESS, devDependencies={"patch-package": "^8.0.0"}),
        "package-lock.json": json.dumps(lock),
        "server.js": SERVER,
    })
    assert production_install(plan).endswith("&& npx --yes patch-package@8.0.1")


@pytest.mark.parametrize(
    ("files", "source"),
    [
        ({"package.json": _pkg(main="server.js", dependencies={"lib": "github:acme/lib#v1"})}, "package.json > dependencies > lib"),
        ({"package.json": _pkg(main="server.js", devDependencies={"lib": "git+https://git.example.com/acme/lib.git"})}, "package.json > devDependencies > lib"),
        ({"package.json": _pkg(main="server.js", dependencies={"a": "1"}), "package-lock.json": json.dumps({"lockfileVersion": 3, "packages": {
            "": {"dependencies": {"a": "1"}}, "node_modules/a": {"version": "1.0.0"},
            "node_modules/b": {"version": "2.0.0", "resolved": "git+ssh://git@github.com/acme/b.git#0123abc"}}})}, "package-lock.json"),
        ({"package.json": _pkg(main="server.js", dependencies={"a": "1"}), "yarn.lock": '"a@1":\n  version "1.0.0"\n\n"b@git+https://git.example.com/b.git#abc":\n  version "2.0.0"\n'}, "yarn.lock"),
    ],
    ids=["github-shorthand", "git-url-dev", "npm-lock-transitive", "yarn-lock"],
)
def test_git_dependencies_put_git_in_the_install_stages(tmp_path, files, source):
    # node slim images have no git: npm/yarn/pnpm fail with "spawn git ENOENT"
    plan = _plan(tmp_path, {"server.js": SERVER, **files})
    assert apt_packages(plan, "build-base") is not None
    assert "git" in apt_packages(plan, "build-base")
    assert source in plan.decisions["git"].source
    assert apt_packages(plan, "runtime") is None


def test_registry_dependencies_need_no_git(tmp_path):
    plan = _plan(tmp_path, {"package.json": _pkg(main="server.js", dependencies={"a": "^1", "b": "npm:c@2", "d": "file:../d"}), "server.js": SERVER})
    assert "git" not in plan.decisions


def test_port_from_express_generator_bin_www(tmp_path):
    # express-generator: "start": "node ./bin/www", a JavaScript file without a suffix
    www = "#!/usr/bin/env node\nvar app = require('../app');\nvar port = normalizePort(process.env.PORT || '5050');\n"
    plan = _plan(tmp_path, {"package.json": _pkg(scripts={"start": "node ./bin/www"}), "bin/www": www, "app.js": "module.exports = 1\n", "package-lock.json": NPM_LOCK})
    assert plan.decisions["port"].value == 5050
    assert plan.decisions["port"].source == "bin/www:3 (process.env.PORT fallback)"


@pytest.mark.parametrize(
    ("procfile", "scripts", "expected", "source"),
    [
        ("web: node web/server.js\nworker: node worker.js\n", {}, ["node", "web/server.js"], "Procfile:1"),
        ("web: npm start\n", {"start": "node web/server.js"}, ["node", "web/server.js"], "package.json > scripts > start"),
        ("web: node web/server.js --port $PORT\n", {}, ["sh", "-c", "exec node web/server.js --port $PORT"], "Procfile:1"),
        ("web: nodemon web/server.js\n", {"start": "node web/server.js"}, ["node", "web/server.js"], "package.json > scripts > start"),
    ],
    ids=["node", "npm-start", "port-var", "dev-server"],
)
def test_procfile_web_is_the_production_command(tmp_path, procfile, scripts, expected, source):
    # Heroku-style apps often have no start script: the Procfile's web line is what runs
    plan = _plan(tmp_path, {"package.json": _pkg(scripts=scripts), "Procfile": procfile, "web/server.js": SERVER, "package-lock.json": NPM_LOCK})
    assert plan.decisions["start_command"].value == expected
    assert plan.decisions["start_command"].source == source


def test_every_preloaded_file_reaches_the_built_runtime(tmp_path):
    # OpenTelemetry-style preloads live next to package.json, outside the build output
    plan = _plan(tmp_path, {
        "package.json": _pkg(scripts={"build": "tsc", "start": "node -r ./env.js --import=./otel.mjs dist/index.js"}, devDependencies={"typescript": "5"}),
        "tsconfig.json": '{"compilerOptions": {"outDir": "dist", "rootDir": "src"}}',
        "src/index.ts": SERVER, "env.js": "1\n", "otel.mjs": "1\n",
    })
    sources = [c["src"] for c in runtime_copies(plan)]
    assert "/app/env.js" in sources and "/app/otel.mjs" in sources
