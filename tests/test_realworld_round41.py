"""Rules that the 41st round of unseen public apps broke, one small tree each (issue: real apps on the first try)."""

from __future__ import annotations

import json

import pytest

from conftest import write_tree
from plan_queries import cmd, copied, production_install, role_lines, runtime_env
from scaffold.plan import plan_project
from scaffold.project import Project

SERVER = "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT || 3000)\n"


def _v1_lock(resolved: str) -> str:
    return json.dumps({
        "name": "demo", "version": "1.0.0", "lockfileVersion": 1,
        "dependencies": {"express": {"version": "4.17.1", "resolved": resolved, "integrity": "sha512-abc"}},
    })


def test_an_env_schema_deep_in_a_large_app_names_the_port(tmp_path):
    """talkohavy/express-server-typescript-template: `PORT: Joi.number().port().default(8000)` sits in
    src/plugins/config-service/logic/env-validation-schema.ts, past the first 300 sources the scan read."""
    tree = {f"src/modules/m{i:03d}/index.ts": "export const x = 1\n" for i in range(320)}
    tree.update({
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "node dist/index.js", "build": "tsc"}, "dependencies": {"express": "^4", "joi": "^17"}, "devDependencies": {"typescript": "^5"}}),
        "tsconfig.json": json.dumps({"compilerOptions": {"outDir": "dist"}}),
        "src/index.ts": "import { app } from './app'\napp.listen(config.port)\n",
        "src/plugins/config-service/logic/env-validation-schema.ts": (
            "export const schema = Joi.object({\n  DB_PORT: Joi.number().default(5432),\n  PORT: Joi.number().port().default(8000).messages({}),\n})\n"
        ),
    })
    write_tree(tmp_path, tree)
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("port") == 8000
    assert "env-validation-schema.ts:3" in plan.decisions["port"].source


def test_a_client_port_in_an_env_schema_is_not_the_servers(tmp_path):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "node server.js"}, "dependencies": {"zod": "^3"}}),
        "server.js": "require('http').createServer().listen(env.PORT)\n",
        "src/env.js": "const env = z.object({\n  REDIS_PORT: z.coerce.number().default(6379),\n})\n",
    })
    assert plan_project(Project(tmp_path), {}).value("port") == 3000


def test_a_server_whose_port_comes_from_a_config_object_is_not_a_worker(tmp_path):
    """SuperficialL/express-server: `app.listen(APP.PORT)` with the port in app.config.js and node-schedule
    among the dependencies was planned as a worker: no EXPOSE, no health check."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "main": "app.js", "dependencies": {"express": "^4", "node-schedule": "^1"}}),
        "app.config.js": "exports.APP = { PORT: 3000 }\n",
        "app.js": "const { APP } = require('./app.config')\nconst app = require('express')()\napp.listen(APP.PORT)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.serves_http
    write_tree(tmp_path, {"app.js": "const { APP } = require('./app.config')\nrequire('node-schedule').scheduleJob('* * * * *', () => {})\n"})
    assert not plan_project(Project(tmp_path), {}).serves_http


def test_a_lock_on_a_registry_the_project_does_not_configure_installs_from_npm(tmp_path):
    """varmeh/demo-express-server: package-lock.json resolves every package from repository.sabre.com, a
    company Nexus that no .npmrc names: npm ci died on ENOTFOUND."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "node server.js"}, "dependencies": {"express": "^4"}}),
        "package-lock.json": _v1_lock("https://repository.sabre.com/repository/npm-all/express/-/express-4.17.1.tgz"),
        "server.js": SERVER,
    })
    plan = plan_project(Project(tmp_path), {})
    install = production_install(plan)
    assert "repository\\.sabre\\.com" in install and install.index("delete o.resolved") < install.index("npm ci")
    assert any("repository.sabre.com, a registry that no .npmrc" in w for w in plan.warnings)
    # the project names that registry: its .npmrc (and a build secret) is how it is reached
    write_tree(tmp_path, {".npmrc": "registry=https://repository.sabre.com/repository/npm-all/\n"})
    assert "delete o.resolved" not in production_install(plan_project(Project(tmp_path), {}))


def test_a_direct_tarball_url_is_not_a_registry(tmp_path):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "node server.js"}, "dependencies": {"express": "^4"}}),
        "package-lock.json": _v1_lock("https://example.com/downloads/express.tgz"),
        "server.js": SERVER,
    })
    assert "delete o.resolved" not in production_install(plan_project(Project(tmp_path), {}))


@pytest.mark.parametrize("declared", [False, True])
def test_a_typescript_runner_no_manifest_declares_is_installed(tmp_path, declared):
    """botflux/ts-express-server: `nodemon --exec 'ts-node' src/server.ts` with ts-node installed globally on the
    author's machine; the container died on exec: "ts-node": executable file not found."""
    dev = {"typescript": "^3.7.3", "nodemon": "^2", **({"ts-node": "^10"} if declared else {})}
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"dev": "nodemon --watch 'src/**/*.ts' --exec 'ts-node' src/server.ts"}, "dependencies": {"express": "^4"}, "devDependencies": dev}),
        "tsconfig.json": "{}",
        "src/server.ts": "import express from 'express'\nexpress().listen(process.env.PORT || 3000)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    tools = role_lines(plan, "runtime_tools")
    if declared:
        assert tools == [] and cmd(plan) == ["node_modules/.bin/ts-node", "src/server.ts"]
    else:
        assert tools[-1] == "npm install -g --no-audit --no-fund ts-node@10.9.2"
        assert cmd(plan) == ["ts-node", "src/server.ts"]
        assert any("declares no ts-node" in w and "scripts > dev" in w for w in plan.warnings)


def test_the_wsgi_module_runs_before_a_script_that_builds_the_same_app(tmp_path):
    """esfoobar/flask-api-poetry-boilerplate: db_init.py and wsgi.py both do `app = create_app()`; the
    server ran the seeding script's module."""
    write_tree(tmp_path, {
        "requirements.txt": "flask==3.0.3\n",
        "my_api/__init__.py": "",
        "my_api/application.py": "from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n",
        "my_api/db_init.py": "from my_api.application import create_app\n\napp = create_app()\n",
        "my_api/wsgi.py": "from my_api.application import create_app\n\napp = create_app()\n",
    })
    assert plan_project(Project(tmp_path), {}).value("app") == "my_api.wsgi:app"


def test_a_flask_openapi3_app_is_a_flask_app(tmp_path):
    """luolingchun/flask-api-demo: `OpenAPI(__name__)` (flask-openapi3, a Flask subclass) was no application object."""
    write_tree(tmp_path, {
        "requirements.txt": "flask-openapi3==4.3.0\n",
        "wsgi.py": "from flask_openapi3 import OpenAPI\n\napp = OpenAPI(__name__)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("app") == "wsgi:app" and cmd(plan)[-1].endswith("wsgi:app")


def test_the_one_app_of_a_repository_in_src_is_planned_from_the_root(tmp_path):
    """rykroon/flask-api-template: src/requirements.txt beside src/main.py, nothing at the root but the
    repository's own Dockerfile (which copies src/): scaffold refused the root."""
    write_tree(tmp_path, {
        "README.md": "hello",
        "src/requirements.txt": "flask==3.0.3\ngunicorn==23.0.0\n",
        "src/main.py": "from flask import Flask\nfrom views import bp\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n",
        "src/views/__init__.py": "bp = None\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert copied(plan) == ["src/requirements.txt"]
    assert "PYTHONPATH=/app/src" in runtime_env(plan)
    assert cmd(plan)[-1].endswith("'main:create_app()'")


def test_an_absolute_folder_made_in_a_loop_is_given_to_the_app_user(tmp_path):
    """luolingchun/flask-api-demo: `DATA_PREFIX = "/data/data"`, `FILE_PATH = os.path.join(DATA_PREFIX, "files")`,
    then `for d in [FILE_PATH]: os.makedirs(d)` at import: PermissionError: '/data' as uid 10001."""
    write_tree(tmp_path, {
        "requirements.txt": "flask==3.0.3\n",
        "config.py": 'import os\n\nDATA_PREFIX = "/data/data"\nFILE_PATH = os.path.join(DATA_PREFIX, "files")\nfor d in [FILE_PATH]:\n    if not os.path.exists(d):\n        os.makedirs(d)\n',
        "app.py": "from flask import Flask\nimport config\n\napp = Flask(__name__)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert role_lines(plan, "writable_dirs") == ["mkdir -p /data/data/files", "&& chown 10001:10001 /data/data/files"]


def test_node_watch_mode_runs_the_same_command_without_watching_or_env_file(tmp_path):
    """KonstantinDyulin/fastify-app (round 42): `node --import=tsx --env-file=.env --watch ./src/index.ts`
    was refused as a watcher, with nothing else to start: init failed."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "type": "module", "scripts": {"start": "node --import=tsx --env-file=.env --watch ./src/index.ts"}, "dependencies": {"fastify": "^5"}, "devDependencies": {"tsx": "^4"}}),
        "src/index.ts": "import Fastify from 'fastify'\nawait Fastify().listen({ port: 8080, host: '0.0.0.0' })\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert cmd(plan) == ["node", "--import=tsx", "./src/index.ts"]


def test_the_health_check_asks_the_planned_port_when_no_port_variable_is_set(tmp_path):
    """An app listening on a literal 8080 reads no PORT, so the image sets none; the health check asked 3000."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "node server.js"}, "dependencies": {"express": "^4"}}),
        "server.js": "require('express')().listen(8080)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    check = json.loads([s for st in plan.dockerfile["stages"] for s in st["steps"] if s["kind"] == "healthcheck"][0]["exec"])
    assert "process.env.PORT||8080" in check[-1]


def test_a_start_script_is_pointed_at_where_tsc_really_writes_the_server(tmp_path):
    """theerapatk/fastify-app (round 42): "include" names jest.config.ts beside src/**, so tsc's root is the
    project and it writes dist/src/index.js; the start script's `node dist/index.js` died on MODULE_NOT_FOUND."""
    tree = {
        "package.json": json.dumps({"name": "demo", "scripts": {"build": "tsc -p tsconfig.json", "start": "node dist/index.js"}, "dependencies": {"fastify": "^3"}, "devDependencies": {"typescript": "^4"}}),
        "tsconfig.json": json.dumps({"include": ["src/**/*.ts", "jest.config.ts"], "compilerOptions": {"outDir": "./dist"}}),
        "jest.config.ts": "export default {}\n",
        "src/index.ts": "import Fastify from 'fastify'\nFastify().listen(3000, '0.0.0.0')\n",
    }
    write_tree(tmp_path, tree)
    plan = plan_project(Project(tmp_path), {})
    assert cmd(plan) == ["node", "dist/src/index.js"]
    assert any("tsc writes the server to dist/src/index.js" in w for w in plan.warnings)
    # include only src/: the root is src/ and the script is right
    write_tree(tmp_path, {"tsconfig.json": json.dumps({"include": ["src/**/*.ts"], "compilerOptions": {"outDir": "./dist"}})})
    assert cmd(plan_project(Project(tmp_path), {})) == ["node", "dist/index.js"]


@pytest.mark.parametrize(("pin", "line"), [("onnxruntime==1.16.3", "3.11"), ("onnxruntime==1.17.0", "3.12"), ("onnxruntime==1.20.0", "3.13"), ("pydantic==2.5.3", "3.12"), ("pydantic==1.10.13", "3.13"), ("pydantic==2.11.7", "3.13"), ("pyyaml==6.0", "3.11"), ("tokenizers==0.13.3", "3.11")])
def test_a_pinned_binary_only_release_caps_the_python_line(tmp_path, pin, line):
    """enansaif/django-portfolio (round 42): onnxruntime==1.16.3 has wheels up to cp311 and no sdist; on 3.12
    pip found no distribution at all."""
    write_tree(tmp_path, {"requirements.txt": f"flask==3.0.3\n{pin}\n", "app.py": "from flask import Flask\napp = Flask(__name__)\n"})
    assert plan_project(Project(tmp_path), {}).value("python_version") == line


def test_a_start_that_builds_and_serves_at_once_runs_its_server(tmp_path):
    """hu-qi/vite-express-vue3-app (round 43): `concurrently "npm run build-only" "node ./build/main.js"` builds the
    Vue client and runs the Express server that serves it and the API; it was planned as a static site."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {
            "start": 'concurrently "cross-env NODE_ENV=production npm run build-only" "cross-env NODE_ENV=production node ./build/main.js" --raw',
            "build": 'concurrently "npm run build:server" "npm run build:client"', "build-only": "vite build",
            "build:server": "tsc -p tsconfig.server.json", "build:client": "vite build",
        }, "dependencies": {"express": "^4", "vue": "^3"}, "devDependencies": {"vite": "^5", "concurrently": "^8", "cross-env": "^7", "typescript": "^5"}}),
        "index.html": "<div id=app></div>",
        "vite.config.ts": "export default {}\n",
        "src/server/main.ts": "import express from 'express'\nexpress().listen(process.env.PORT || 3000)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert cmd(plan) == ["node", "./build/main.js"]
    assert any("builds and serves at once" in n for n in plan.notes)


def test_a_loopback_host_held_in_a_constant_gets_the_listen_shim(tmp_path):
    """shakeela-metron/express-ejs-app (round 45): `const hostname = "127.0.0.1"` then `app.listen(port, hostname)`."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "node index"}, "dependencies": {"express": "^4"}}),
        "index.js": "const app = require('express')()\nconst port = process.env.PORT || 5000\nconst hostname = \"127.0.0.1\"\napp.listen(port, hostname, () => {})\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert any("NODE_OPTIONS=--require" in n and "hostname = '127.0.0.1' at line 3" in n for n in plan.notes)


def test_a_remix_server_declared_as_a_devdependency_is_kept(tmp_path):
    """bradgarropy/remix-app (round 45): @remix-run/serve in devDependencies was refused; the start command names
    remix-serve, so the image keeps the devDependencies it needs and says so."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"build": "remix vite:build", "start": "remix-serve build/server/index.js"},
                                    "dependencies": {"@remix-run/node": "^2", "@remix-run/react": "^2", "react": "^18"},
                                    "devDependencies": {"@remix-run/dev": "^2", "@remix-run/serve": "^2", "vite": "^5"}}),
        "vite.config.ts": "import { vitePlugin as remix } from '@remix-run/dev'\nexport default { plugins: [remix()] }\n",
        "app/root.tsx": "export default function App() { return null }\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert cmd(plan) == ["node_modules/.bin/remix-serve", "./build/server/index.js"]
    assert "--omit=dev" not in production_install(plan)
    assert any("@remix-run/serve at run time, declared in devDependencies" in w for w in plan.warnings)


@pytest.mark.parametrize("lockfile", ["package-lock.json", "yarn.lock"])
def test_a_company_proxy_loses_only_its_unscoped_urls(tmp_path, lockfile):
    """varmeh/demo-express-server: 35 of 514 URLs on repository.sabre.com, among them cookie and serve-static."""
    import subprocess

    from conftest import program_or_skip

    program_or_skip("node" if lockfile != "yarn.lock" else "sed")
    from scaffold.providers.node.package_manager import drop_mirror_urls

    if lockfile == "yarn.lock":
        (tmp_path / lockfile).write_text(
            'a@^1:\n  version "1.0.0"\n  resolved "https://npm.acme.com/a/-/a-1.0.0.tgz#abc"\n'
            '"@co/b@^1":\n  version "1.0.0"\n  resolved "https://npm.acme.com/@co/b/-/b-1.0.0.tgz#def"\n'
        )
    else:
        (tmp_path / lockfile).write_text(json.dumps({"lockfileVersion": 3, "packages": {
            "node_modules/a": {"resolved": "https://npm.acme.com/a/-/a-1.0.0.tgz", "integrity": "sha512-a"},
            "node_modules/@co/b": {"resolved": "https://npm.acme.com/@co/b/-/b-1.0.0.tgz"},
            "node_modules/c": {"resolved": "https://registry.npmjs.org/c/-/c-1.0.0.tgz"},
        }}))
    subprocess.run(["sh", "-c", drop_mirror_urls(lockfile, (), ("npm.acme.com",))], cwd=tmp_path, check=True)
    text = (tmp_path / lockfile).read_text()
    assert "npm.acme.com/a/" not in text and "npm.acme.com/@co/b/" in text
    if lockfile != "yarn.lock":
        assert json.loads(text)["packages"]["node_modules/a"] == {"integrity": "sha512-a"} and "registry.npmjs.org/c/" in text


def test_a_lockfile_v1_that_no_longer_answers_package_json_is_not_installed_frozen(tmp_path):
    """miyachew/nestjs-sqlite-user-photo-tags (round 45): package.json asks axios >=0.21.1 (a security bump)
    and the v1 lock still has 0.21.0: npm ci refused with EUSAGE."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "node server.js"}, "dependencies": {"axios": ">=0.21.1"}}),
        "package-lock.json": json.dumps({"name": "demo", "lockfileVersion": 1, "dependencies": {"axios": {"version": "0.21.0", "resolved": "https://registry.npmjs.org/axios/-/axios-0.21.0.tgz"}}}),
        "server.js": SERVER,
    })
    plan = plan_project(Project(tmp_path), {})
    assert production_install(plan).startswith("npm install --omit=dev")
    assert any("other versions of axios (>=0.21.1; the lock has 0.21.0)" in w for w in plan.warnings)


@pytest.mark.parametrize(("engine", "driver"), [("django.db.backends.mysql", "mysqlclient"), ("django.db.backends.postgresql", "psycopg2-binary")])
def test_a_django_backend_gets_its_driver_when_the_requirements_lack_it(tmp_path, engine, driver):
    """LondheShubham153/django-notes-app (round 46): ENGINE 'django.db.backends.mysql' and no mysqlclient in
    requirements.txt: collectstatic died on "Error loading MySQLdb module"."""
    write_tree(tmp_path, {
        "requirements.txt": "Django==4.1.5\ngunicorn==20.1.0\n",
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n",
        "site1/__init__.py": "", "site1/wsgi.py": "application = None\n",
        "site1/settings.py": f"INSTALLED_APPS = []\nDATABASES = {{'default': {{'ENGINE': '{engine}', 'NAME': 'x'}}}}\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert any(f"lacks what the code imports: {driver} (site1/settings.py:2 (Django's" in w for w in plan.warnings)


def test_a_committed_frontend_build_that_django_serves_stays_in_the_context(tmp_path):
    """LondheShubham153/django-notes-app (round 46): TEMPLATES DIRS names BASE_DIR / 'mynotes/build', a committed
    React build; the .dockerignore's **/build left it out and every page raised TemplateDoesNotExist."""
    write_tree(tmp_path, {
        "requirements.txt": "Django==4.1.5\ngunicorn==20.1.0\n",
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n",
        "site1/__init__.py": "", "site1/wsgi.py": "application = None\n",
        "site1/settings.py": "from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\nINSTALLED_APPS = []\nTEMPLATES = [{'DIRS': [BASE_DIR / 'mynotes/build']}]\n",
        "mynotes/build/index.html": "<html></html>",
    })
    plan = plan_project(Project(tmp_path), {})
    assert "**/build" not in plan.dockerignore
    assert any("left out '**/build': it would hide mynotes/build" in n for n in plan.notes)
