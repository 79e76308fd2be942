"""Rules that real public apps broke (issue: real apps on the first try), one small tree each."""

from __future__ import annotations

import json

from plan_queries import production_install
from plan_queries import cmd as plan_cmd
from plan_queries import runtime_copies
from plan_queries import role_lines
from plan_queries import copied as copied_files
import pytest

from conftest import write_tree
from scaffold.providers.python.requirements import read_requirements
from scaffold.errors import MalformedFileError
from scaffold.plan import plan_project
from scaffold.providers.node.npm_scripts import parse_script
from scaffold.project import Project

NPM_LOCK = json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {"": {"name": "demo"}}})
FASTIFY_LOCK = json.dumps({
    "name": "demo", "lockfileVersion": 3,
    "packages": {"": {"name": "demo", "dependencies": {"fastify": "^5"}}, "node_modules/fastify": {"version": "5.0.0"}},
})
SERVER = "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT || 3000)\n"


def _node(tmp_path, scripts):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": scripts}),
        "package-lock.json": NPM_LOCK,
        "server.js": SERVER,
    })
    return plan_project(Project(tmp_path), {})


@pytest.mark.parametrize(
    ("script", "shell"),
    [
        ("node server.js; echo done", True),  # `server.js;` must not become a file name
        ("node server.js&&echo done", True),
        ("node server.js | tee log", True),
        ("node server.js > out.log", True),
        ('node "server.js"', False),
        ("NODE_ENV=production node server.js", False),
    ],
)
def test_start_scripts_are_split_by_a_shell_lexer(script, shell):
    parsed = parse_script(script)
    assert parsed.complex is shell
    assert "server.js;" not in parsed.argv


def test_start_script_with_operators_runs_through_the_package_manager(tmp_path):
    plan = _node(tmp_path, {"start": "node server.js; echo stopped"})
    assert plan.value("start_command") == ["npm", "run", "start"]


def test_start_script_with_unbraced_variable_runs_under_sh_exec(tmp_path):
    plan = _node(tmp_path, {"start": "node server.js --port $PORT"})
    assert plan.value("start_command") == ["sh", "-c", "exec node server.js --port $PORT"]


def test_huge_script_is_not_lexed():
    assert parse_script("node " + "a" * 100_000).complex


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ('anyio==3.4.0; python_full_version >= "3.6.2"', "anyio"),
        ('flask[async]==3.0.0 ; python_version>="3.8" --hash=sha256:' + "a" * 64, "flask"),
        ("requests @ https://example.com/requests-2.0.tar.gz", "requests"),
        ("uvicorn[standard]>=0.20,<1", "uvicorn"),
    ],
)
def test_requirement_lines_with_markers_extras_and_urls(tmp_path, line, name):
    write_tree(tmp_path, {"requirements.txt": f"{line}\n"})
    reqs = read_requirements(Project(tmp_path), "requirements.txt")
    assert name in reqs.names


def test_overlong_requirement_line_is_one_error(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "a" * 60_000 + "\n"})
    with pytest.raises(MalformedFileError, match="line 1 is 60000 characters long"):
        read_requirements(Project(tmp_path), "requirements.txt")


def _node_server(tmp_path, code, extra=None):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "node server.js"}, "dependencies": {"fastify": "^5"}}),
        "package-lock.json": FASTIFY_LOCK,
        "server.js": code,
        **(extra or {}),
    })
    plan = plan_project(Project(tmp_path), {})
    from scaffold.render import render_plan

    return plan, render_plan(plan)[plan.dockerfile_path]


@pytest.mark.parametrize(
    "expr",
    [
        "process.env.API_PORT || 5000",
        "Number(process.env.SERVER_PORT) ?? 5000",
        "parseInt(process.env.HTTP_PORT, 10) || 5000",
        'process.env["APP_PORT"] || "5000"',
    ],
)
def test_port_variables_other_than_port(tmp_path, expr):
    plan, text = _node_server(tmp_path, f"const port = {expr};\nrequire('http').createServer().listen(port);\n")
    name = plan.decisions["port"].source.split("process.env.", 1)[1].split(" ", 1)[0]
    assert plan.port == 5000
    assert f"{name}=5000" in text and name != "PORT"


def test_port_from_env_example(tmp_path):
    plan, text = _node_server(tmp_path, "require('http').createServer().listen(process.env.PORT);\n", {".env.example": "PORT=4567\nDB_URL=postgres://x\n"})
    assert plan.port == 4567 and "PORT=4567" in text and "postgres" not in text


def test_host_ternary_on_a_variable_sets_it(tmp_path):
    code = "const app = require('fastify')();\napp.listen({ port: 3000, host: process.env.LISTEN_ALL ? '0.0.0.0' : 'localhost' });\n"
    plan, text = _node_server(tmp_path, code)
    assert "LISTEN_ALL=true" in text


def test_host_ternary_on_node_env_sets_production(tmp_path):
    code = "const app = require('express')();\napp.listen(3000, process.env.NODE_ENV === 'production' ? '0.0.0.0' : 'localhost');\n"
    plan, text = _node_server(tmp_path, code)
    assert "NODE_ENV=production" in text and not any("unreachable" in w for w in plan.warnings)


def test_fastify_host_from_an_unset_variable_gets_every_interface(tmp_path):
    code = "const app = require('fastify')();\napp.listen({ port: 3000, host: process.env.HOST });\n"
    plan, text = _node_server(tmp_path, code)
    assert "HOST=0.0.0.0" in text


def test_browser_downloads_are_skipped_and_bring_no_compiler(tmp_path):
    lock = json.dumps({
        "name": "demo", "lockfileVersion": 3,
        "packages": {
            "": {"name": "demo", "devDependencies": {"puppeteer": "^23", "cypress": "^13"}},
            "node_modules/puppeteer": {"version": "23.0.0", "dev": True, "hasInstallScript": True},
            "node_modules/cypress": {"version": "13.0.0", "dev": True, "hasInstallScript": True},
        },
    })
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "node server.js", "build": "echo ok"}, "devDependencies": {"puppeteer": "^23", "cypress": "^13"}}),
        "package-lock.json": lock,
        "server.js": SERVER,
    })
    plan = plan_project(Project(tmp_path), {})
    from scaffold.render import render_plan

    text = render_plan(plan)[plan.dockerfile_path]
    assert "PUPPETEER_SKIP_DOWNLOAD=true" in text and "CYPRESS_INSTALL_BINARY=0" in text
    assert "g++" not in text and "build-base" not in text
    assert not plan.warnings  # dev-only: nothing drives a browser in production


def test_preloaded_dev_module_stays_installed(tmp_path):
    lock = json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {
        "": {"name": "demo", "devDependencies": {"dotenv": "^16"}}, "node_modules/dotenv": {"version": "16.4.5", "dev": True}}})
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "node -r dotenv/config server.js"}, "devDependencies": {"dotenv": "^16"}}),
        "package-lock.json": lock,
        "server.js": SERVER,
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("kept_dev_dependencies") == ["dotenv"]
    assert "--omit=dev" not in production_install(plan)


FLASK_APP = "from flask import Flask\napp = Flask(__name__)\n"


def _python(tmp_path, files):
    write_tree(tmp_path, {"app.py": FLASK_APP, **files})
    return plan_project(Project(tmp_path), {})


def test_old_gunicorn_keeps_python_below_312(tmp_path):
    plan = _python(tmp_path, {"requirements.txt": "flask==2.0.3\ngunicorn==20.1.0\n"})
    decision = plan.decisions["python_version"]
    assert decision.value == "3.11"
    assert "gunicorn 20.1.0" in decision.source and "pkg_resources" in decision.source and "requirements.txt:2" in decision.source


def test_uv_lock_wheels_pick_the_line(tmp_path):
    wheels = ", ".join(f'{{ url = "https://files.example/httptools-0.6.1-cp3{m}-cp3{m}-manylinux_2_17_x86_64.whl" }}' for m in (10, 11, 12))
    lock = (
        'version = 1\nrequires-python = ">=3.10"\n\n'
        '[[package]]\nname = "demo"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [{ name = "flask" }, { name = "httptools" }]\n\n'
        '[[package]]\nname = "flask"\nversion = "3.0.0"\nsource = { registry = "https://pypi.org/simple" }\n'
        'wheels = [{ url = "https://files.example/flask-3.0.0-py3-none-any.whl" }]\n\n'
        f'[[package]]\nname = "httptools"\nversion = "0.6.1"\nsource = {{ registry = "https://pypi.org/simple" }}\nwheels = [{wheels}]\n'
    )
    pyproject = '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["flask", "httptools"]\n'
    plan = _python(tmp_path, {"pyproject.toml": pyproject, "uv.lock": lock})
    decision = plan.decisions["python_version"]
    assert decision.value == "3.12" and "httptools 0.6.1 has wheels up to Python 3.12 (uv.lock)" in decision.source


def test_exact_pin_is_not_lowered(tmp_path):
    plan = _python(tmp_path, {"requirements.txt": "flask==2.0.3\ngunicorn==20.1.0\n", ".python-version": "3.13\n"})
    assert plan.decisions["python_version"].value == "3.13"


@pytest.mark.parametrize(("yarn", "plugin", "focus"), [("4.5.0", False, True), ("3.6.4", False, False), ("3.6.4", True, True), ("2.4.3", False, False)])
def test_yarn_berry_production_install_per_major(tmp_path, yarn, plugin, focus):
    yarnrc = "nodeLinker: node-modules\n" + ("plugins:\n  - path: .yarn/plugins/@yarnpkg/plugin-workspace-tools.cjs\n    spec: \"@yarnpkg/plugin-workspace-tools\"\n" if plugin else "")
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "packageManager": f"yarn@{yarn}", "scripts": {"start": "node server.js"}, "dependencies": {"ms": "^2"}}),
        "yarn.lock": '__metadata:\n  version: 6\n\n"ms@npm:^2":\n  version: 2.1.3\n',
        ".yarnrc.yml": yarnrc,
        "server.js": SERVER,
    })
    plan = plan_project(Project(tmp_path), {})
    assert ("workspaces focus" in production_install(plan)) is focus
    assert any("workspace-tools" in w for w in plan.warnings) is (not focus)


def _static_app(tmp_path, manifest, lock_packages, files):
    lock = json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {"": {"name": "demo", **{k: v for k, v in manifest.items() if k.endswith("ependencies")}}, **lock_packages}})
    write_tree(tmp_path, {"package.json": json.dumps({"name": "demo", **manifest}), "package-lock.json": lock, **files})
    return plan_project(Project(tmp_path), {})


def test_vite_out_dir_is_relative_to_its_root(tmp_path):
    manifest = {"scripts": {"build": "vite build"}, "devDependencies": {"vite": "^5"}}
    plan = _static_app(tmp_path, manifest, {"node_modules/vite": {"version": "5.4.0", "dev": True}}, {
        "vite.config.js": "export default { root: 'src', build: { outDir: '../public-build' } }\n",
        "src/index.html": "<h1>x</h1>",
    })
    assert plan.value("build_output") == "public-build"


def test_vite_default_out_dir_under_a_root(tmp_path):
    manifest = {"scripts": {"build": "vite build"}, "devDependencies": {"vite": "^5"}}
    plan = _static_app(tmp_path, manifest, {"node_modules/vite": {"version": "5.4.0", "dev": True}}, {
        "vite.config.js": "export default { root: 'client' }\n",
        "client/index.html": "<h1>x</h1>",
    })
    assert plan.value("build_output") == "client/dist"


def test_next_export_writes_to_dist_dir(tmp_path):
    manifest = {"scripts": {"build": "next build"}, "dependencies": {"next": "^15", "react": "^19", "react-dom": "^19"}}
    lock = {f"node_modules/{n}": {"version": v} for n, v in (("next", "15.0.0"), ("react", "19.0.0"), ("react-dom", "19.0.0"))}
    plan = _static_app(tmp_path, manifest, lock, {"next.config.js": "module.exports = { output: 'export', distDir: 'build' }\n", "app/page.js": ""})
    assert plan.value("build_output") == "build"


def test_static_site_from_a_staticfile_root(tmp_path):
    write_tree(tmp_path, {"Staticfile": "root: site\n", "site/index.html": "<h1>x</h1>", "site/about.html": "x"})
    plan = plan_project(Project(tmp_path), {})
    from scaffold.render import render_plan

    text = render_plan(plan)[plan.dockerfile_path]
    assert plan.ecosystem == "static" and "COPY site/ /usr/share/nginx/html/" in text and "try_files $uri $uri.html" in text


def test_index_html_beside_package_json_is_not_a_static_site(tmp_path):
    write_tree(tmp_path, {"index.html": "<h1>x</h1>", "package.json": json.dumps({"name": "d", "scripts": {"start": "node server.js"}}), "package-lock.json": NPM_LOCK, "server.js": SERVER})
    assert plan_project(Project(tmp_path), {}).ecosystem == "node"


def test_staticfile_root_outside_the_project_is_refused(tmp_path):
    write_tree(tmp_path, {"Staticfile": "root: ../elsewhere\n", "index.html": "x"})
    from scaffold.cli import main

    assert main(["plan", str(tmp_path)]) == 2


def _worker_app(tmp_path, files):
    write_tree(tmp_path, files)
    plan = plan_project(Project(tmp_path), {})
    from scaffold.render import render_plan

    return plan, render_plan(plan)[plan.dockerfile_path]


def test_queue_worker_gets_no_expose_and_no_http_healthcheck(tmp_path):
    lock = json.dumps({"name": "wk", "lockfileVersion": 3, "packages": {"": {"name": "wk", "dependencies": {"bullmq": "^5"}}, "node_modules/bullmq": {"version": "5.0.0"}}})
    plan, text = _worker_app(tmp_path, {
        "package.json": json.dumps({"name": "wk", "scripts": {"start": "node worker.js"}, "dependencies": {"bullmq": "^5"}}),
        "package-lock.json": lock,
        "worker.js": "const { Worker } = require('bullmq');\nnew Worker('q', async () => {});\n",
    })
    assert plan.value("worker") is True and not plan.serves_http
    assert "EXPOSE" not in text and "HEALTHCHECK" not in text
    assert plan.next_steps()[1] == "docker run -d --name wk wk"
    from scaffold.compose import compose_context

    assert compose_context(tmp_path, [plan])["services"][0]["ports"] == []


def test_procfile_worker_without_web_is_the_command(tmp_path):
    plan, text = _worker_app(tmp_path, {
        "package.json": json.dumps({"name": "bot"}),
        "package-lock.json": json.dumps({"name": "bot", "lockfileVersion": 3, "packages": {"": {"name": "bot"}}}),
        "Procfile": "worker: node bot.js\n",
        "bot.js": "setInterval(() => {}, 1000);\n",
    })
    assert plan.value("start_command") == ["node", "bot.js"] and plan.value("worker") is True
    assert "EXPOSE" not in text


def test_server_with_a_queue_library_is_not_a_worker(tmp_path):
    lock = json.dumps({"name": "api", "lockfileVersion": 3, "packages": {"": {"name": "api", "dependencies": {"bullmq": "^5"}}, "node_modules/bullmq": {"version": "5.0.0"}}})
    plan, text = _worker_app(tmp_path, {
        "package.json": json.dumps({"name": "api", "scripts": {"start": "node server.js"}, "dependencies": {"bullmq": "^5"}}),
        "package-lock.json": lock,
        "server.js": SERVER,
    })
    assert plan.value("worker") is None and "EXPOSE 3000" in text


def test_old_django_gets_a_line_it_runs_on(tmp_path):
    plan = _python(tmp_path, {"requirements.txt": "Django==3.2.13\n"})
    decision = plan.decisions["python_version"]
    assert decision.value == "3.11" and "django 3.2.13 predates Python 3.12" in decision.source


def test_procfile_with_setup_steps_binds_the_server_and_execs_it(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "flask==3.0.0\ngunicorn==23.0.0\n",
        "app.py": FLASK_APP,
        "Procfile": "web: flask db upgrade; gunicorn app:app\n",
    })
    plan = plan_project(Project(tmp_path), {})
    command = plan.value("start_command")  # Python plans record the shell text; CMD runs it with sh -c
    assert "upgrade;" not in command
    assert command.startswith("flask db upgrade ; exec gunicorn app:app --bind")
    from scaffold.render import render_plan

    assert 'CMD ["sh", "-c", "flask db upgrade ; exec gunicorn' in render_plan(plan)[plan.dockerfile_path]


def test_python_procfile_worker_without_an_app(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "rq==1.16.2\n", "Procfile": "worker: rq worker default\n", "tasks.py": "import rq\n"})
    plan = plan_project(Project(tmp_path), {})
    from scaffold.render import render_plan

    text = render_plan(plan)[plan.dockerfile_path]
    assert plan.value("worker") is True and not plan.serves_http
    assert 'CMD ["rq", "worker", "default"]' in text and "EXPOSE" not in text and "HEALTHCHECK" not in text


# -- second QA round: rules from the 47 added apps ---------------------------------

def test_next_export_into_dist_dir_has_no_cache_mount_inside_it(tmp_path):
    # next build empties distDir before it exports there: a cache mounted inside it fails with EBUSY
    manifest = {"scripts": {"build": "next build"}, "dependencies": {"next": "^14", "react": "^18", "react-dom": "^18"}}
    lock = {f"node_modules/{n}": {"version": v} for n, v in (("next", "14.0.4"), ("react", "18.2.0"), ("react-dom", "18.2.0"))}
    plan = _static_app(tmp_path, manifest, lock, {"next.config.js": "module.exports = { output: 'export', distDir: '_static' }\n", "pages/index.js": ""})
    from scaffold.render import render_plan

    text = render_plan(plan)[plan.dockerfile_path]
    assert plan.value("build_output") == "_static"
    assert "target=/app/_static/cache" not in text


def test_a_start_script_serving_a_folder_names_the_build_output(tmp_path):
    # DigitalOcean's CRA sample: the build moves build/ to _static, and the start script serves _static
    manifest = {
        "scripts": {"build": "react-scripts build && mv build _static", "start": "node banner.js; serve -s _static -l tcp://0.0.0.0:$PORT -n"},
        "dependencies": {"react-scripts": "5.0.1", "serve": "^14"},
    }
    plan = _static_app(tmp_path, manifest, {"node_modules/react-scripts": {"version": "5.0.1"}, "node_modules/serve": {"version": "14.2.0"}}, {"src/index.js": "", "public/index.html": ""})
    assert plan.value("build_output") == "_static"
    assert plan.decisions["build_output"].source == "package.json > scripts > start serves _static"


@pytest.mark.parametrize(
    ("package", "config", "out"),
    [("gatsby", "gatsby-config.js", "public"), ("@docusaurus/core", "docusaurus.config.js", "build"), ("@11ty/eleventy", ".eleventy.js", "_site")],
)
def test_static_site_generators_are_served_by_nginx(tmp_path, package, config, out):
    manifest = {"scripts": {"build": "build-site", "develop": "dev-site", "start": "npm run develop"}, "dependencies": {package: "^3"}}
    plan = _static_app(tmp_path, manifest, {f"node_modules/{package}": {"version": "3.0.0"}}, {config: "module.exports = {}\n", "src/pages/index.js": ""})
    assert plan.value("build_output") == out
    assert plan.value("start_command")[0] == "nginx"


def test_bun_project_without_lockfile_starts_from_its_module_field(tmp_path):
    # `bun init`: "module": "index.ts", @types/bun (or bun-types) as the only hint
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "module": "http.ts", "type": "module", "devDependencies": {"bun-types": "latest"}}),
        "http.ts": "Bun.serve({ port: 3000, fetch() { return new Response('ok') } })\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("package_manager").startswith("bun@")
    assert plan.value("start_command") == ["bun", "http.ts"]
    assert plan.value("base_image").startswith("oven/bun:")


def test_typescript_entry_files_are_for_bun_only(tmp_path):
    write_tree(tmp_path, {"package.json": json.dumps({"name": "demo"}), "package-lock.json": NPM_LOCK, "index.ts": "", "server.js": SERVER})
    assert plan_project(Project(tmp_path), {}).value("start_command") == ["node", "server.js"]


def test_host_chosen_by_a_variable_being_set(tmp_path):
    code = "const host = ('RENDER' in process.env) ? `0.0.0.0` : `localhost`;\nrequire('fastify')().listen({ host, port: 3000 });\n"
    plan, text = _node_server(tmp_path, code)
    assert "RENDER=1" in text


def test_postinstall_running_a_dev_only_binary_skips_scripts_in_the_production_install(tmp_path):
    # `left-pad` is a dependency, but the `acme` command of its postinstall comes from @acme/cli, a devDependency
    # (Remix 1's `remix setup node` is the real-world case; Remix itself gets a build stage, so a plain server stands in)
    lock = json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {
        "": {"name": "demo", "dependencies": {"left-pad": "^1"}, "devDependencies": {"@acme/cli": "^1"}},
        "node_modules/left-pad": {"version": "1.3.0"},
        "node_modules/@acme/cli": {"version": "1.1.3", "dev": True, "bin": {"acme": "dist/cli.js"}},
    }})
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"postinstall": "acme setup node", "start": "node server.js"}, "dependencies": {"left-pad": "^1"}, "devDependencies": {"@acme/cli": "^1"}}),
        "package-lock.json": lock,
        "server.js": SERVER,
    })
    plan = plan_project(Project(tmp_path), {})
    assert production_install(plan).endswith("--ignore-scripts")
    assert any("postinstall script calls acme" in n for n in plan.notes)

def test_locked_packages_older_than_every_supported_line_get_an_end_of_life_line(tmp_path):
    # psycopg2-binary 2.9.3 has wheels up to CPython 3.10 only
    plan = _python(tmp_path, {"requirements.txt": "flask==2.0.3\npsycopg2-binary==2.9.3\n"})
    assert plan.value("python_version") == "3.10"
    assert "end-of-life" in plan.decisions["python_version"].source
    assert any("3.10 is end of life" in w for w in plan.warnings)


@pytest.mark.parametrize(
    ("tool", "code", "argv", "port", "env"),
    [
        ("streamlit", "import streamlit as st\nst.title('hi')\n", ["sh", "-c", 'exec streamlit run app.py "--server.port=$PORT" --server.address=0.0.0.0 --server.headless=true'], 8501, "STREAMLIT_BROWSER_GATHER_USAGE_STATS=false"),
        ("gradio", "import gradio as gr\ndemo = gr.Interface(fn=str, inputs='text', outputs='text')\ndemo.launch()\n", ["python", "app.py"], 7860, "GRADIO_SERVER_NAME=0.0.0.0"),
    ],
)
def test_launcher_run_scripts_start_with_their_launcher(tmp_path, tool, code, argv, port, env):
    write_tree(tmp_path, {"requirements.txt": f"{tool}==1.0\n", "app.py": code, "helpers.py": "x = 1\n"})
    plan = plan_project(Project(tmp_path), {})
    from scaffold.render import render_plan

    text = render_plan(plan)[plan.dockerfile_path]
    assert plan_cmd(plan) == argv
    assert plan.port == port and plan.value("framework") == tool
    assert env in text


@pytest.mark.parametrize(("files", "shim"), [
    # snj-adhikari/simple-python-bottle-app: @route on bottle's default app, run(port=8080), no dependency file
    ({"server.py": "from bottle import route, run\n\n@route('/')\ndef index():\n    return 'ok'\n\nif __name__ == '__main__':\n    run(port=8080, debug=True)\n"}, True),
    ({"requirements.txt": "bottle==0.13.2\n", "server.py": "from bottle import route, run\n\n@route('/')\ndef index():\n    return 'ok'\n\nrun(host='0.0.0.0', port=9000)\n"}, False),
])
def test_bottle_default_app_runs_its_own_script(tmp_path, files, shim):
    write_tree(tmp_path, files)
    plan = plan_project(Project(tmp_path), {})
    from scaffold.render import render_plan

    text = render_plan(plan)[plan.dockerfile_path]
    assert plan_cmd(plan) == ["python", "server.py"] and plan.value("framework") == "bottle"
    assert plan.port == (8080 if shim else 9000)
    assert ("sitecustomize.py" in text) is shim


def test_gradio_module_without_launch_is_not_an_app(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "gradio==4.0\n", "ui.py": "import gradio as gr\n"})
    with pytest.raises(Exception, match="application object"):
        plan_project(Project(tmp_path), {})


def test_sqlite_folders_the_app_creates_are_given_to_the_app_user(tmp_path):
    # Docker's getting-started app: mkdir /etc/todos fails with EACCES as uid 1000
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "node src/index.js"}}),
        "package-lock.json": NPM_LOCK,
        "src/index.js": "require('http').createServer().listen(3000)\n",
        "src/persistence/sqlite.js": "const location = process.env.SQLITE_DB_LOCATION || '/etc/todos/todo.db';\nconst other = './data/cache.sqlite';\n",
    })
    plan = plan_project(Project(tmp_path), {})
    from scaffold.render import render_plan

    text = render_plan(plan)[plan.dockerfile_path]
    assert "RUN mkdir -p /app/data /etc/todos \\\n    && chown 1000:1000 /app/data /etc/todos" in text
    assert "chown 1000:1000 /app\n" not in text


def test_a_devdependency_the_server_code_requires_stays_installed(tmp_path):
    # Docker's bulletin-board sample: server.js requires body-parser, declared in devDependencies
    lock = json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {
        "": {"name": "demo", "dependencies": {"express": "^4"}, "devDependencies": {"body-parser": "^1", "jest": "^29"}},
        "node_modules/express": {"version": "4.21.0"},
        "node_modules/body-parser": {"version": "1.20.3", "dev": True},
        "node_modules/jest": {"version": "29.7.0", "dev": True},
    }})
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "main": "server.js", "dependencies": {"express": "^4"}, "devDependencies": {"body-parser": "^1", "jest": "^29"}}),
        "package-lock.json": lock,
        "server.js": "const express = require('express');\nconst routes = require('./app/routes');\nexpress().listen(8080);\n",
        "app/routes.js": "// require('jest') in a comment is not an import\nconst bodyParser = require('body-parser');\nmodule.exports = bodyParser;\n",
        "test/app.test.js": "require('jest');\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("kept_dev_dependencies") == ["body-parser"]
    assert "app/routes.js:2" in plan.decisions["kept_dev_dependencies"].source
    assert "--omit=dev" not in production_install(plan)


def test_an_unclosed_comment_does_not_slow_the_scan():
    import time

    from scaffold.providers.node.detect_frameworks import strip_js_comments

    started = time.monotonic()
    strip_js_comments("/* x " * 50_000)
    assert time.monotonic() - started < 1


def test_a_standard_library_http_server_script_is_run_as_is(tmp_path):
    # dockersamples/helloworld-demo-python: HTTPServer(('', 8080)) under a __main__ guard
    code = (
        "from http.server import BaseHTTPRequestHandler, HTTPServer\n"
        "class H(BaseHTTPRequestHandler):\n    def do_GET(self):\n        self.send_response(200)\n"
        "def run():\n    HTTPServer(('', 8080), H).serve_forever()\n"
        "if __name__ == '__main__':\n    run()\n"
    )
    write_tree(tmp_path, {"requirements.txt": "requests==2.32.3\n", "app.py": code})
    plan = plan_project(Project(tmp_path), {})
    assert plan_cmd(plan) == ["python", "app.py"]
    assert plan.port == 8080


@pytest.mark.parametrize(
    ("requirement", "code", "argv"),
    [
        ("celery==5.4.0", "from celery import Celery\napp = Celery('tasks', broker='redis://redis')\n", ["celery", "-A", "tasks:app", "worker", "--loglevel=INFO"]),
        ("dramatiq==1.17.0", "import dramatiq\nfrom dramatiq.brokers.redis import RedisBroker\nbroker = RedisBroker(host='redis')\n", ["dramatiq", "tasks"]),
    ],
)
def test_a_task_queue_app_without_a_web_app_is_a_worker(tmp_path, requirement, code, argv):
    write_tree(tmp_path, {"requirements.txt": f"{requirement}\n", "tasks.py": code})
    plan = plan_project(Project(tmp_path), {})
    from scaffold.render import render_plan

    text = render_plan(plan)[plan.dockerfile_path]
    assert plan_cmd(plan) == argv
    assert plan.value("worker") is True
    assert "EXPOSE" not in text and "HEALTHCHECK" not in text


def test_celery_beside_a_flask_app_is_not_the_command(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "flask==3.0.0\ncelery==5.4.0\n", "app.py": FLASK_APP, "tasks.py": "from celery import Celery\napp = Celery('t')\n"})
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("start_command").startswith("gunicorn")


@pytest.mark.parametrize(("files", "source"), [
    ({"package.json": json.dumps({"name": "demo", "scripts": {"start": "node server.js"}, "engines": {"node": "4.0.0"}})}, "engines"),
    ({"package.json": json.dumps({"name": "demo", "scripts": {"start": "node server.js"}}), ".nvmrc": "8\n"}, ".nvmrc"),
])
def test_a_node_line_with_no_image_gets_the_lts(tmp_path, files, source):
    # heroku/node-js-sample: engines "4.0.0"; node:4-bookworm-slim does not exist
    write_tree(tmp_path, {**files, "package-lock.json": NPM_LOCK, "server.js": SERVER})
    plan = plan_project(Project(tmp_path), {})
    from scaffold.data import versions

    assert plan.value("node_version") == int(versions()["node"]["lts"])
    assert any("has no Debian slim image" in w for w in plan.warnings)


def test_a_dash_app_is_served_by_its_flask_server(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "dash==2.17.1\n", "app.py": "from dash import Dash, html\napp = Dash(__name__)\nserver = app.server\napp.layout = html.Div('hi')\n"})
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("app") == "app:server" and plan.value("framework") == "dash"
    assert plan.value("start_command").startswith("gunicorn")


def test_a_dash_app_without_a_server_name_says_how_to_add_one(tmp_path):
    from scaffold.errors import ScaffoldError

    write_tree(tmp_path, {"requirements.txt": "dash==2.17.1\n", "app.py": "from dash import Dash\napp = Dash(__name__)\n"})
    with pytest.raises(ScaffoldError, match="server = app.server"):
        plan_project(Project(tmp_path), {})


@pytest.mark.parametrize(
    ("requirement", "code", "argv", "port"),
    [
        ("aiohttp==3.10.5", "from aiohttp import web\napp = web.Application()\nif __name__ == '__main__':\n    web.run_app(app, port=8081)\n", ["python", "app.py"], 8081),
        ("aiohttp==3.10.5", "from aiohttp.web import Application, run_app\napp = Application()\nrun_app(app)\n", ["python", "app.py"], 8080),
        ("tornado==6.4.1", "import tornado.ioloop, tornado.web\napp = tornado.web.Application([])\napp.listen(8899)\ntornado.ioloop.IOLoop.current().start()\n", ["python", "app.py"], 8899),
        ("chainlit==1.1.0", "import chainlit as cl\n@cl.on_message\nasync def main(m):\n    pass\n", ["sh", "-c", 'exec chainlit run app.py --host 0.0.0.0 --port "$PORT" --headless'], 8000),
    ],
)
def test_script_servers_run_their_script(tmp_path, requirement, code, argv, port):
    write_tree(tmp_path, {"requirements.txt": f"{requirement}\n", "app.py": code})
    plan = plan_project(Project(tmp_path), {})
    assert plan_cmd(plan) == argv
    assert plan.port == port


@pytest.mark.parametrize("code", [
    "require('http').createServer().listen(3000, '127.0.0.1')\n",
    "require('http').createServer().listen({ port: 3000, host: 'localhost' })\n",
])
def test_a_literal_loopback_listen_gets_the_preload_shim(tmp_path, code):
    plan, text = _node_server(tmp_path, code)
    assert 'NODE_OPTIONS="--require /usr/local/lib/scaffold/listen-all.cjs"' in text
    assert "COPY <<'EOF' /usr/local/lib/scaffold/listen-all.cjs" in text
    assert not any("unreachable from outside the container: listen on" in w for w in plan.warnings)


def test_a_loopback_host_from_a_variable_needs_no_shim(tmp_path):
    plan, text = _node_server(tmp_path, "require('http').createServer().listen(3000, process.env.HOST || 'localhost')\n")
    assert "listen-all.cjs" not in text and "HOST=0.0.0.0" in text


def test_listen_on_a_name_bound_to_an_env_alias_with_a_fallback(tmp_path):
    # la3rence/node-express-example: const TCP_PORT = env.TCP_PORT; const PORT = TCP_PORT || 8080; app.listen(PORT)
    code = "import { env } from 'node:process';\nconst TCP_PORT = env.TCP_PORT;\nconst PORT = TCP_PORT || 8080;\nrequire('http').createServer().listen(PORT);\n"
    plan, text = _node_server(tmp_path, code)
    assert plan.port == 8080 and "TCP_PORT=8080" in text


def test_an_engines_range_older_than_every_image_gets_the_lts(tmp_path):
    write_tree(tmp_path, {"package.json": json.dumps({"name": "demo", "scripts": {"start": "node server.js"}, "engines": {"node": "0.8.x"}}), "package-lock.json": NPM_LOCK, "server.js": SERVER})
    plan = plan_project(Project(tmp_path), {})
    from scaffold.data import versions

    assert plan.value("node_version") == int(versions()["node"]["lts"])


def test_poetry_lock_extras_named_password_are_not_a_credential(tmp_path):
    lock = '[[package]]\nname = "flask"\nversion = "3.0.0"\n\n[package.extras]\npassword = ["passlib (>=1.6,<2.0)"]\n\n[metadata]\nlock-version = "2.0"\n'
    pyproject = '[tool.poetry]\nname = "x"\nversion = "0"\n[tool.poetry.dependencies]\npython = "^3.11"\nflask = "*"\n'
    write_tree(tmp_path, {"pyproject.toml": pyproject, "poetry.lock": lock, "app.py": FLASK_APP})
    assert plan_project(Project(tmp_path), {}).value("start_command").startswith("gunicorn")


def test_httptools_without_newer_wheels_lowers_the_line(tmp_path):
    plan = _python(tmp_path, {"requirements.txt": "fastapi==0.110.0\nhttptools==0.6.1\nuvicorn==0.29.0\n", "app.py": "from fastapi import FastAPI\napp = FastAPI()\n"})
    assert plan.value("python_version") == "3.12"


@pytest.mark.parametrize("bind", ["HTTPServer(('localhost', 8000), H)", "HTTPServer(('127.0.0.1', 8000), H)"])
def test_a_script_server_on_loopback_gets_the_sitecustomize_shim(tmp_path, bind):
    code = f"from http.server import BaseHTTPRequestHandler, HTTPServer\nclass H(BaseHTTPRequestHandler):\n    pass\nif __name__ == '__main__':\n    {bind}.serve_forever()\n"
    write_tree(tmp_path, {"requirements.txt": "requests==2.32.3\n", "app.py": code})
    plan = plan_project(Project(tmp_path), {})
    from scaffold.render import render_plan

    text = render_plan(plan)[plan.dockerfile_path]
    assert "PYTHONPATH=/usr/local/lib/scaffold-python" in text
    assert "COPY <<'EOF' /usr/local/lib/scaffold-python/sitecustomize.py" in text
    assert plan.port == 8000


def test_a_script_server_on_every_interface_needs_no_shim(tmp_path):
    code = "from http.server import BaseHTTPRequestHandler, HTTPServer\nHTTPServer(('', 8080), BaseHTTPRequestHandler).serve_forever()\n"
    write_tree(tmp_path, {"requirements.txt": "requests==2.32.3\n", "app.py": code})
    plan = plan_project(Project(tmp_path), {})
    assert "listen_shim" not in plan.dockerfile


def test_of_several_apps_the_one_serving_the_root_is_started(tmp_path):
    # a course repo: app.py serves /posts only, example.py serves /
    write_tree(tmp_path, {
        "requirements.txt": "flask==3.0.0\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n@app.route('/posts')\ndef posts():\n    return 'p'\n",
        "example.py": "from flask import Flask\napp = Flask(__name__)\n@app.route('/')\ndef index():\n    return 'i'\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("app") == "example:app"


def test_a_top_level_module_with_relative_imports_is_not_an_app(tmp_path):
    write_tree(tmp_path, {
        "requirements.txt": "flask==3.0.0\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\n@app.route('/posts')\ndef posts():\n    return 'p'\n",
        "example.py": "from flask import Flask\nfrom .repo import Repo\napp = Flask(__name__)\n@app.route('/')\ndef index():\n    return 'i'\n",
        "repo.py": "class Repo: ...\n",
    })
    assert plan_project(Project(tmp_path), {}).value("app") == "app:app"


def test_a_package_init_with_relative_imports_can_hold_the_app_factory(tmp_path):
    """The Flask tutorial: flaskr/__init__.py does `from . import db` and defines create_app(test_config=None)."""
    write_tree(tmp_path, {
        "requirements.txt": "flask==3.1.2\ngunicorn==23.0.0\n",
        "flaskr/__init__.py": "from flask import Flask\nfrom . import db\n\ndef create_app(test_config=None):\n    app = Flask(__name__)\n    return app\n",
        "flaskr/db.py": "x = 1\n",
        # a top-level module with a relative import still cannot be imported by a server
        "tool.py": "from flask import Flask\nfrom .x import y\napp = Flask(__name__)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("app") == "flaskr:create_app()"
    assert plan_cmd(plan)[-1] == "exec gunicorn --bind \"0.0.0.0:$PORT\" 'flaskr:create_app()'"


def test_a_subclass_of_an_app_class_is_an_app(tmp_path):
    """class Application(FastAPI): ...; app = Application() (a public FastAPI example) is the app object."""
    write_tree(tmp_path, {
        "requirements.txt": "fastapi==0.115.0\nuvicorn==0.30.6\n",
        "main/__init__.py": "",
        "main/app.py": "from fastapi import FastAPI\n\nclass Application(FastAPI):\n    pass\n\napp = Application()\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("app") == "main.app:app" and plan.value("framework") == "fastapi"


def test_a_wrapper_script_the_start_runs_by_path_is_in_the_runtime(tmp_path):
    """"start": "./node ." runs a committed shell wrapper: the built runtime must have it."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "w", "main": "dist/index.js", "scripts": {"build": "tsc", "start": "./node ."},
                                    "dependencies": {"express": "^4.21.2"}, "devDependencies": {"typescript": "^5"}}),
        "node": "#!/bin/sh\nexec node \"$@\"\n",
        "tsconfig.json": json.dumps({"compilerOptions": {"outDir": "dist"}}),
        "src/index.ts": "import express from 'express'\nexpress().listen(process.env.PORT || 3000)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert {"from": "build", "src": "/app/node", "dest": "./node"} in runtime_copies(plan)


@pytest.mark.parametrize(("lock", "expected"), [
    ({"lockfileVersion": 1, "dependencies": {"jwa": {"version": "1.4.1"}, "express": {"version": "4.21.2"}}}, 24),
    ({"lockfileVersion": 3, "packages": {"": {"dependencies": {"express": "^4.21.2"}}, "node_modules/express": {"version": "4.21.2"},
                                         "node_modules/jwa": {"version": "2.0.0"}}}, 24),
    ({"lockfileVersion": 3, "packages": {"": {"dependencies": {"express": "^4.21.2"}}, "node_modules/express": {"version": "4.21.2"},
                                         "node_modules/jwa": {"version": "1.4.2"}}}, None),
    # Next 10 nests its own postcss 8.1, whose "./" folder export Node 17 dropped (KirdesMF/nextjs-portfolio)
    ({"lockfileVersion": 1, "dependencies": {"express": {"version": "4.21.2"}, "postcss": {"version": "7.0.32"},
                                             "next": {"version": "10.0.7", "dependencies": {"postcss": {"version": "8.1.7"}}}}}, 16),
    ({"lockfileVersion": 3, "packages": {"": {"dependencies": {"express": "^4.21.2"}}, "node_modules/express": {"version": "4.21.2"},
                                         "node_modules/next/node_modules/postcss": {"version": "8.2.4"}}}, 16),
    ({"lockfileVersion": 3, "packages": {"": {"dependencies": {"express": "^4.21.2"}}, "node_modules/express": {"version": "4.21.2"},
                                         "node_modules/postcss": {"version": "8.2.10"}}}, None),
], ids=["jwa-1.4.1-lock-v1", "jwa-2.0.0", "jwa-1.4.2-patched", "nested-postcss-8.1-lock-v1", "nested-postcss-8.2.4", "postcss-8.2.10-fixed"])
def test_a_locked_package_that_breaks_on_newer_node_picks_the_last_line_it_runs_on(tmp_path, lock, expected):
    """jsonwebtoken's jwa < 1.4.2 reads buffer.SlowBuffer, which Node 25 removed: the app crashes at require."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "j", "main": "server.js", "dependencies": {"express": "^4.21.2"}}),
        "package-lock.json": json.dumps({"name": "j", **lock}),
        "server.js": "require('express')().listen(process.env.PORT || 3000)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    from scaffold.data import versions
    assert plan.value("node_version") == (expected or int(versions()["node"]["lts"]))
    if expected:
        assert "runtime_limits" in plan.decisions["node_version"].source


def test_tsconfig_paths_at_run_time_keeps_tsconfig_and_the_folders_it_maps(tmp_path):
    """tsconfig-paths (a production dependency) reads tsconfig.json at run time and resolves aliases into its folders."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "t", "main": "dist/index.js", "scripts": {"build": "tsc", "start": "node -r tsconfig-paths/register ."},
                                    "dependencies": {"express": "^4.21.2", "tsconfig-paths": "^4.2.0"}, "devDependencies": {"typescript": "^5"}}),
        "tsconfig.json": '{\n  // JSONC\n  "compilerOptions": {"outDir": "dist", "paths": {"|db/*": ["./db/*"], "|/*": ["./src/*", "./dist/*"]}}\n}\n',
        "db/config.js": "module.exports = {}\n",
        "src/index.ts": "import express from 'express'\nexpress().listen(process.env.PORT || 3000)\n",
    })
    copies = runtime_copies(plan_project(Project(tmp_path), {}))
    assert {"from": "build", "src": "/app/tsconfig.json", "dest": "./tsconfig.json"} in copies
    assert {"from": "build", "src": "/app/db", "dest": "./db"} in copies
    assert not any(c["src"] == "/app/src" for c in copies)


def test_pnpm_and_yarn_locks_list_their_locked_versions(tmp_path):
    """The Node-line limits read every lockfile: a pnpm lock pinning jwa 1.4.1 gets Node 24 too."""
    lock = ("lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      jsonwebtoken:\n        specifier: ^8.5.1\n        version: 8.5.1\n"
            "packages:\n  jsonwebtoken@8.5.1:\n    resolution: {integrity: sha512-x}\n  jwa@1.4.1:\n    resolution: {integrity: sha512-y}\n")
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "p", "main": "server.js", "dependencies": {"jsonwebtoken": "^8.5.1"}}),
        "pnpm-lock.yaml": lock,
        "server.js": "require('http').createServer().listen(process.env.PORT || 3000)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("node_version") == 24 and "pnpm-lock.yaml > jwa 1.4.1" in plan.decisions["node_version"].source


def test_a_tsc_build_under_no_emit_has_no_output_folder(tmp_path):
    """"noEmit": true beside "outDir": "dist" makes `tsc` a type check; copying dist failed with "/app/dist": not found (aginev/fastify-api)."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "t", "main": "src/index.ts", "scripts": {"build": "tsc"}, "dependencies": {"fastify": "^5"}, "devDependencies": {"typescript": "^5"}}),
        "tsconfig.json": '{\n  "compilerOptions": {\n    "noEmit": true, // tsx runs the sources\n    "outDir": "dist"\n  }\n}\n',
        "src/index.ts": "import Fastify from 'fastify'\nFastify().listen({ port: Number(process.env.PORT) || 3000, host: '0.0.0.0' })\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert "build_output" not in plan.decisions
    write_tree(tmp_path, {"tsconfig.json": '{"compilerOptions": {"outDir": "dist"}}\n'})
    assert plan_project(Project(tmp_path), {}).value("build_output") == "dist"


def test_a_typescript_main_runs_through_tsx_when_the_project_has_it(tmp_path):
    """main src/index.ts with extensionless imports: Node's own type stripping fails (ERR_MODULE_NOT_FOUND);
    the project's dev script runs tsx, so the image does, keeping tsx (aginev/fastify-api). Built and served."""
    manifest = {"name": "t", "type": "module", "main": "src/index.ts", "scripts": {"dev": "tsx watch src/index.ts"},
                "dependencies": {"fastify": "^5"}, "devDependencies": {"tsx": "^4"}}
    write_tree(tmp_path, {
        "package.json": json.dumps(manifest),
        "src/index.ts": "import { app } from './app'\napp.listen({ port: 3000, host: '0.0.0.0' })\n",
        "src/app.ts": "import Fastify from 'fastify'\nexport const app = Fastify()\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("start_command") == ["node", "--import", "tsx", "src/index.ts"]
    assert "tsx" in plan.value("kept_dev_dependencies")
    write_tree(tmp_path, {"package.json": json.dumps({**manifest, "devDependencies": {}})})
    assert plan_project(Project(tmp_path), {}).value("start_command") == ["node", "src/index.ts"]


def test_with_no_start_script_the_dev_watcher_names_the_server(tmp_path):
    """"dev": "tsx watch src/main.ts" and nothing else (Mintnoii/node-hono-api): init stopped with "no start command";
    the image runs what the watcher restarts, tsx kept at run time. A main or an entry file still comes first."""
    manifest = {"name": "h", "type": "module", "scripts": {"dev": "tsx watch src/main.ts"},
                "dependencies": {"hono": "^4", "@hono/node-server": "^1"}, "devDependencies": {"tsx": "^4"}}
    write_tree(tmp_path, {
        "package.json": json.dumps(manifest),
        "src/main.ts": "import { serve } from '@hono/node-server'\nimport { Hono } from 'hono'\nserve({ fetch: new Hono().fetch, port: 3000 })\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("start_command")[-1] == "src/main.ts" and "tsx" in plan.value("start_command")[0]
    assert "(what the watcher runs)" in plan.decisions["start_command"].source and "tsx" in plan.value("kept_dev_dependencies")
    write_tree(tmp_path, {"server.js": "require('http').createServer().listen(3000)\n"})
    assert plan_project(Project(tmp_path), {}).value("start_command") == ["node", "server.js"]


def test_a_cloudflare_worker_is_named_not_given_the_generic_no_start_error(tmp_path, capsys):
    """fabianvieri/hono-api: hono on Workers (wrangler.jsonc, `export default app`), no start script."""
    from scaffold.cli import main

    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "w", "scripts": {"deploy": "wrangler deploy"}, "dependencies": {"hono": "^4"}, "devDependencies": {"wrangler": "^4"}}),
        "wrangler.jsonc": '{ "name": "w", "main": "src/index.ts" }\n',
        "src/index.ts": "import { Hono } from 'hono'\nexport default new Hono()\n",
    })
    assert main(["init", "--yes", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("scaffold: error: wrangler.jsonc: a Cloudflare Workers project") and "@hono/node-server" in err[0]
    assert not (tmp_path / "Dockerfile").exists()


@pytest.mark.parametrize(("root_dir", "compiled"), [(None, "dist/index.js"), ("./", "dist/src/index.js"), ("src", "dist/index.js")])
def test_a_typescript_main_runs_the_build_output(tmp_path, root_dir, compiled):
    """"main": "src/index.ts" with "build": "tsc" (sentator/simple-express-app): node cannot run the sources
    (extensionless imports, decorators), so the image runs what tsc emits, where rootDir puts it."""
    options = {"outDir": "./dist", **({"rootDir": root_dir} if root_dir else {})}
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "t", "main": "src/index.ts", "scripts": {"build": "tsc"},
                                    "dependencies": {"express": "^4"}, "devDependencies": {"typescript": "^5"}}),
        "package-lock.json": NPM_LOCK,
        "tsconfig.json": "{\n  // tsc --init keeps its comments\n  \"compilerOptions\": " + json.dumps(options) + "\n}\n",
        "src/index.ts": "import express from 'express'\nimport { routes } from './routes'\nexpress().use(routes).listen(process.env.PORT ?? 5000)\n",
        "src/routes.ts": "export const routes = []\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("start_command") == ["node", compiled]
    assert f"src/index.ts compiles to {compiled}" in plan.decisions["start_command"].source


@pytest.mark.parametrize(("literal", "folder"), [("./logs/app.log", "/app/logs"), ("logs/error.log", "/app/logs"), ("combined.log", "/app")])
def test_a_log_file_the_code_opens_gets_a_folder_the_app_user_can_write(tmp_path, literal, folder):
    """fs.createWriteStream('./logs/app.log') (sentator/simple-express-app), winston's filename: the code is
    root-owned and logs/ is not in the repository, so the app died at start with ENOENT/EACCES."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "l", "main": "server.js", "dependencies": {"express": "^4"}}),
        "package-lock.json": NPM_LOCK,
        "server.js": f"const fs = require('fs')\nconst log = fs.createWriteStream('{literal}', {{ flags: 'a' }})\n" + SERVER,
    })
    lines = role_lines(plan_project(Project(tmp_path), {}), "writable_dirs")
    assert any(f"mkdir -p {folder}" in line for line in lines) or (folder == "/app" and any("chmod" in line and "/app" in line for line in lines)), lines


def test_path_aliases_resolved_by_tsconfig_paths_keep_the_sources_running(tmp_path):
    """acunap/ts-express-app: `ts-node -r tsconfig-paths/register ./src/index.ts` with "paths" aliases and a tsc
    build. tsc leaves `@backend/x` in its output, so the compiled file died with MODULE_NOT_FOUND; the image runs
    the start script, with tsconfig.json (which ts-node and tsconfig-paths read) and the runners kept."""
    lock = {"name": "a", "lockfileVersion": 3, "packages": {
        "": {"name": "a", "dependencies": {"express": "^4"}, "devDependencies": {"ts-node": "^10", "tsconfig-paths": "^4", "typescript": "^5"}},
        "node_modules/express": {"version": "4.19.2"},
        "node_modules/ts-node": {"version": "10.9.2", "dev": True},
        "node_modules/tsconfig-paths": {"version": "4.2.0", "dev": True},
        "node_modules/typescript": {"version": "5.4.5", "dev": True},
    }}
    manifest = {"name": "a", "scripts": {"build": "tsc", "start": "ts-node -r tsconfig-paths/register ./src/index.ts"},
                "dependencies": {"express": "^4"}, "devDependencies": {"ts-node": "^10", "tsconfig-paths": "^4", "typescript": "^5"}}
    tsconfig = {"compilerOptions": {"outDir": "./dist", "baseUrl": ".", "paths": {"@backend/*": ["src/backend/*"]}}}
    write_tree(tmp_path, {
        "package.json": json.dumps(manifest), "package-lock.json": json.dumps(lock), "tsconfig.json": json.dumps(tsconfig),
        "src/index.ts": "import { server } from '@backend/server'\nserver.listen(3000)\n",
        "src/backend/server.ts": "import express from 'express'\nexport const server = express()\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan_cmd(plan) == ["node_modules/.bin/ts-node", "-r", "tsconfig-paths/register", "./src/index.ts"]
    assert {"ts-node", "tsconfig-paths", "typescript"} <= set(plan.value("kept_dev_dependencies"))
    assert {"src": "/app/tsconfig.json", "dest": "./tsconfig.json", "from": "build"} in runtime_copies(plan)
    manifest["scripts"]["build"] = "tsc && tsc-alias"
    write_tree(tmp_path, {"package.json": json.dumps(manifest)})
    assert plan_cmd(plan_project(Project(tmp_path), {})) == ["node", "dist/index.js"]


@pytest.mark.parametrize(
    ("code", "folder"),
    [
        ("new DailyRotateFile({ dirname: path.join(__dirname, '../logs'), filename: 'app-%DATE%.log' })", "/app/logs"),
        ("multer({ dest: 'uploads/' })", "/app/uploads"),
        ("const conf = { tmpDir: path.join(__dirname, '../public/upload/tmp') }", "/app/public/upload/tmp"),
    ],
)
def test_a_folder_option_the_app_creates_at_start_is_made_writable(tmp_path, code, folder):
    """funnyzak/koa-starter: winston-daily-rotate-file's dirname and an upload tmpDir, created at start as uid 1000 in
    a root-owned /app: EACCES, and the app never listened. A folder the repository has (views/) stays root's."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "d", "main": "server.js", "dependencies": {"express": "^4"}}),
        "package-lock.json": NPM_LOCK,
        "lib/setup.js": f"const path = require('path')\n{code}\nconst views = {{ viewsDir: path.join(__dirname, '../views'), dest: 'views' }}\n",
        "views/index.ejs": "<p>hi</p>\n",
        "server.js": SERVER,
    })
    lines = " ".join(role_lines(plan_project(Project(tmp_path), {}), "writable_dirs"))
    assert f"mkdir -p {folder}" in lines and "/app/views" not in lines, lines


def test_a_django_project_with_no_dependency_file_installs_the_release_its_settings_name(tmp_path):
    """aridonkrasniqii/Simple-Django-Application: manage.py, settings.py and apps, no requirements.txt at all.
    startproject's header names the release; the image installs its newest patch (built and served: 200)."""
    write_tree(tmp_path, {
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n",
        "site1/__init__.py": "",
        "site1/settings.py": '"""\nDjango settings for site1 project.\n\nGenerated by \'django-admin startproject\' using Django 4.1.5.\n"""\nWSGI_APPLICATION = "site1.wsgi.application"\n',
        "site1/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.decisions["package_manager"].source == "site1/wsgi.py:1 (imports; no dependency file) + site1/settings.py:4 (generated by Django 4.1)"
    assert 'pip install "django>=4.1,<4.2" gunicorn' in production_install(plan)
    assert plan.value("python_version") == "3.12"  # django <4.2 imports cgi, which 3.13 removed
    assert any("commit a requirements.txt" in w for w in plan.warnings)
    write_tree(tmp_path, {"site1/settings.py": 'WSGI_APPLICATION = "site1.wsgi.application"\n'})
    assert "pip install django gunicorn" in production_install(plan_project(Project(tmp_path), {}))  # no header: today's release


def test_a_file_the_root_postinstall_runs_is_copied_before_the_install(tmp_path):
    """NarasimhaPk2380/node-express-app: "postinstall": "node ./decorate-angular-cli.js && ngcc": the install ran
    before the sources were copied and died with MODULE_NOT_FOUND."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "p", "main": "server.js", "scripts": {"postinstall": "node ./scripts/patch.js && echo done"}, "dependencies": {"express": "^4"}}),
        "package-lock.json": NPM_LOCK,
        "scripts/patch.js": "console.log('patched')\n",
        "server.js": SERVER,
    })
    assert "scripts/patch.js" in copied_files(plan_project(Project(tmp_path), {}))


@pytest.mark.parametrize(("version", "node"), [("4.46.0", 16), ("5.38.1", 16), ("5.61.0", None)])
def test_a_webpack_that_hashes_with_md4_builds_on_node_16(tmp_path, version, node):
    """webpack before 5.61.0 hashes with MD4, which Node 17+'s OpenSSL 3 refuses (ERR_OSSL_EVP_UNSUPPORTED at build)."""
    lock = {"name": "w", "lockfileVersion": 3, "packages": {"": {"name": "w", "dependencies": {"express": "^4"}, "devDependencies": {"webpack": "*"}},
            "node_modules/express": {"version": "4.19.2"}, "node_modules/webpack": {"version": version, "dev": True}}}
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "w", "main": "server.js", "dependencies": {"express": "^4"}, "devDependencies": {"webpack": "*"}}),
        "package-lock.json": json.dumps(lock),
        "server.js": SERVER,
    })
    decision = plan_project(Project(tmp_path), {}).decisions["node_version"]
    if node:
        assert decision.value == node and f"webpack {version} hashes with MD4" in decision.source
    else:
        assert "webpack" not in decision.source


@pytest.mark.parametrize(("spec", "node"), [("2.1.8", 16), ("^4.0.3", 16), ("^5.0.1", None), ("*", None), ("latest", None)])
def test_a_lockless_toolchain_that_brings_webpack_4_builds_on_node_16(tmp_path, spec, node):
    """garrettgsb/react-express-boilerplate: react-scripts 2.1.8 and no lockfile, so no lock says webpack 4; the
    declared range does (every react-scripts before 5 depends on it), and the build died with ERR_OSSL_EVP_UNSUPPORTED."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "w", "scripts": {"build": "react-scripts build"}, "dependencies": {"react": "^16.8.6", "react-scripts": spec}}),
        "public/index.html": "<div id=root></div>\n", "src/index.js": "import React from 'react'\n",
    })
    decision = plan_project(Project(tmp_path), {}).decisions["node_version"]
    if node:
        assert decision.value == node and f"react-scripts {spec!r} bundles webpack 4" in decision.source
    else:
        assert "declared_limits" not in decision.source


def test_an_app_run_from_its_folder_imports_from_there(tmp_path):
    """sabkat-ahmed-rafi/fastapi-todo: app/main.py does `from core.app import create_app` (app/core/, app/ not a
    package), so it is run as `cd app && uvicorn main:app`; imported as app.main it died on `from core...`."""
    write_tree(tmp_path, {
        "requirements.txt": "fastapi==0.115.0\nuvicorn==0.30.6\n",
        "app/main.py": "from core.app import create_app\n\napp = create_app()\n",
        "app/core/__init__.py": "",
        "app/core/app.py": "from fastapi import FastAPI\n\ndef create_app():\n    return FastAPI()\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("app") == "main:app"
    assert any(n.startswith("the app lives in app/, whose entry imports") for n in plan.notes)
    write_tree(tmp_path, {"app/__init__.py": "", "app/main.py": "from app.core.app import create_app\n\napp = create_app()\n"})
    assert plan_project(Project(tmp_path), {}).value("app") != "main:app"


@pytest.mark.parametrize(("start", "argv"), [
    ("cross-env NODE_ENV=production dotenv -e .env node dist/index.js", ["node", "server.js"]),
    ("dotenv -e .env -- node server.js", ["node", "server.js"]),
    ("env-cmd -f .env node server.js", ["node", "server.js"]),
    ("dotenv -v DEBUG=1 -- node server.js", None),  # a value the wrapper sets itself keeps it
])
def test_an_env_file_wrapper_is_dropped_when_its_files_never_enter_the_image(tmp_path, start, argv):
    """redcartel/node-express-starter-2022: `dotenv -e .env node dist/index.js`, with dotenv-cli a devDependency:
    the container failed with exec: "dotenv": executable file not found."""
    plan = _node(tmp_path, {"start": start.replace("dist/index.js", "server.js")})
    assert plan.value("start_command") == (argv or plan.value("start_command"))
    if argv is None:
        assert "dotenv" in " ".join(plan.value("start_command"))


def test_a_flask_app_with_no_dependency_file_installs_what_its_imports_name(tmp_path, capsys):
    """dharik-arsath/flask-todo: wsgi.py and an app/ package, no requirements.txt. The imports name flask and
    sqlalchemy (via python.toml's table); an import the table lacks stops init naming it, never a guess."""
    from scaffold.cli import main

    write_tree(tmp_path, {
        "wsgi.py": "from app import create_app\n\napp = create_app()\n",
        "app/__init__.py": "import os\nfrom flask import Flask\nfrom app.models import Base\n\ndef create_app():\n    return Flask(__name__)\n",
        "app/models.py": "from sqlalchemy.orm import declarative_base\nfrom dotenv import load_dotenv\nBase = declarative_base()\n",
        "tests/test_app.py": "import pytest\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.decisions["provider"].source.startswith("python: wsgi.py (imports app, which imports flask)")
    assert 'pip install flask python-dotenv sqlalchemy gunicorn' in production_install(plan)
    assert plan.decisions["package_manager"].source == "app/__init__.py:2, app/models.py:1, app/models.py:2 (imports; no dependency file)"
    write_tree(tmp_path, {"app/models.py": "import fancy_unknown_lib\n"})
    assert main(["init", "--yes", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "app/models.py:1 (import fancy_unknown_lib)" in err[0] and not (tmp_path / "Dockerfile").exists()


@pytest.mark.parametrize(("start", "argv"), [
    ("pm2 start ecosystem.config.js --env prod", ["node", "server.js"]),  # the config's script: main or an entry file decides
    ("pm2 start server.js -i max", ["node", "server.js"]),
    ("forever start server.js", ["node", "server.js"]),
])
def test_a_process_manager_start_runs_the_app_itself(tmp_path, start, argv):
    """shanxp/express-ejs: "start": "pm2 start ecosystem.config.js --env prod". pm2 is not installed, and it
    daemonizes anyway: the container failed with exec: "pm2": not found."""
    assert _node(tmp_path, {"start": start}).value("start_command") == argv


def test_next_start_keeps_the_dev_packages_its_pages_import(tmp_path):
    """onschan/nextjs-blog: react-icons in devDependencies, imported by a component; `next start` requires it from
    node_modules when it renders the page, so after a production install every page answered 500."""
    manifest = {"name": "n", "scripts": {"build": "next build", "start": "next start"},
                "dependencies": {"next": "13.0.6", "react": "18.2.0", "react-dom": "18.2.0"}, "devDependencies": {"react-icons": "^4.7.1", "eslint": "^8"}}
    write_tree(tmp_path, {
        "package.json": json.dumps(manifest),
        "package-lock.json": NPM_LOCK,
        "src/pages/index.tsx": "import type { NextPage } from 'next'\nimport Header from '@/components/Header'\nexport default function Home() { return <Header /> }\n",
        "src/components/Header.tsx": "import { IoMenu } from 'react-icons/io5'\nexport default function Header() { return <IoMenu /> }\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("kept_dev_dependencies") == ["react-icons"]
    assert "react-icons at src/components/Header.tsx:1" in plan.decisions["kept_dev_dependencies"].source
    assert "--omit=dev" not in production_install(plan)


@pytest.mark.parametrize(("version", "node"), [("2.16.0", 18), ("2.18.0", 20), ("2.19.0", None)])
def test_a_nan_based_addon_builds_on_a_node_whose_v8_it_knows(tmp_path, version, node):
    """nan before 2.17.0 uses v8::AccessorSignature (gone in Node 19's V8), before 2.19.0 v8::AccessControl
    (gone in Node 22's): an old addon on it has no prebuilt binary for a new Node and fails to compile."""
    lock = {"name": "n", "lockfileVersion": 3, "packages": {"": {"name": "n", "dependencies": {"bcrypt": "^3"}},
            "node_modules/bcrypt": {"version": "3.0.8", "hasInstallScript": True, "dependencies": {"nan": "^2"}}, "node_modules/nan": {"version": version}}}
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "n", "main": "server.js", "dependencies": {"bcrypt": "^3"}}),
        "package-lock.json": json.dumps(lock),
        "server.js": SERVER,
    })
    decision = plan_project(Project(tmp_path), {}).decisions["node_version"]
    assert (decision.value == node and f"nan {version}" in decision.source) if node else "nan" not in decision.source


def _express(tmp_path, files, scripts=None):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": scripts or {"start": "node src/index.js"}, "dependencies": {"express": "^4"}}),
        "package-lock.json": NPM_LOCK,
        **files,
    })
    return plan_project(Project(tmp_path), {})


def test_a_test_file_starting_its_own_server_does_not_name_the_port(tmp_path):
    """point-hub/express-api-starter: `const port = 3001` in src/server.spec.ts won over .env.example's PORT=3000."""
    plan = _express(tmp_path, {
        "src/index.js": "const app = require('express')();\napp.listen(Number(process.env.PORT));\n",
        "src/server.spec.ts": "const port = 3001;\nit('listens', () => app.listen(port));\nconst PORT = 3001;\n",
        ".env.example": "PORT=3000\n",
    })
    assert plan.value("port") == 3000, plan.decisions["port"]


def test_a_client_connection_port_and_host_say_nothing_about_the_server(tmp_path):
    """pateatlau/node-express-api-2026: REDIS_PORT || 6379 became the EXPOSEd port and REDIS_HOST was set to 0.0.0.0."""
    plan = _express(tmp_path, {
        "src/index.js": "const app = require('express')();\nconst { port } = require('./config');\napp.listen(port);\n",
        "src/cache.js": "new Redis({ host: process.env.REDIS_HOST || 'localhost', port: parseInt(process.env.REDIS_PORT || '6379') });\n",
        "src/config.js": "module.exports = { port: process.env.PORT || 4000 };\n",
    })
    assert plan.value("port") == 4000, plan.decisions["port"]
    assert "REDIS_HOST" not in json.dumps(plan.dockerfile)


@pytest.mark.parametrize("schema", [
    "PORT: z\n    .string()\n    .default('4000')\n    .transform(Number),",  # zod, chained over lines
    "PORT: z.coerce.number().default(4000),",
    "PORT: port({ default: 4000 }),",  # envalid
])
def test_an_env_schema_default_names_the_port(tmp_path, schema):
    plan = _express(tmp_path, {
        "src/index.js": "const app = require('express')();\nconst { env } = require('./env');\napp.listen(env.PORT);\n",
        "src/env.js": "const schema = z.object({\n  NODE_ENV: z.string().default('development'),\n  " + schema + "\n  DB_PORT: z.string().default('5432'),\n});\n",
    })
    assert plan.value("port") == 4000, plan.decisions["port"]


def test_a_start_script_that_installs_then_runs_the_dev_server_is_a_dev_script(tmp_path):
    """gkiely/vite-react-starter: `npm run fast-install && npm run dev` ran Vite's dev server as the image's command."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "scripts": {"start": "npm run fast-install && npm run dev", "fast-install": "npm i --prefer-offline", "dev": "vite", "build": "vite build"}, "devDependencies": {"vite": "^5"}}),
        "package-lock.json": NPM_LOCK,
        "index.html": "<!doctype html><div id=app></div>\n",
        "vite.config.ts": "export default {}\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("framework").startswith("vite (single-page app)"), plan.decisions["framework"]
    assert any("runs a dev server or watcher (vite)" in n for n in plan.notes), plan.notes


def test_a_pnpm_workspace_file_with_settings_only_is_one_app(tmp_path):
    """pnpm 10 takes the root package alone when pnpm-workspace.yaml has no `packages` (onlyBuiltDependencies only)."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "demo", "packageManager": "pnpm@10.14.0", "scripts": {"build": "nuxt build"}, "devDependencies": {"nuxt": "^3"}}),
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
        "pnpm-workspace.yaml": "onlyBuiltDependencies:\n  - esbuild\n",
        "nuxt.config.ts": "export default defineNuxtConfig({})\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("start_command") == ["node", ".output/server/index.mjs"]
    assert "pnpm-workspace.yaml" in copied_files(plan)


def test_a_ts_node_dev_watcher_names_the_server_and_keeps_ts_node(tmp_path):
    """elmariachi111/fastify-api-demo: only `"dev": "ts-node-dev --respawn -r tsconfig-paths/register src/server.ts"`."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "f", "scripts": {"dev": "ts-node-dev --respawn --ignore-watch node_modules -r tsconfig-paths/register src/server.ts"},
                                    "dependencies": {"fastify": "^4"}, "devDependencies": {"ts-node": "^10", "ts-node-dev": "^2", "typescript": "^5", "tsconfig-paths": "^4"}}),
        "src/server.ts": "import Fastify from 'fastify'\nFastify().listen({ port: 3000, host: '0.0.0.0' })\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("start_command") == ["node_modules/.bin/ts-node", "-r", "tsconfig-paths/register", "src/server.ts"]
    assert "ts-node" in plan.value("kept_dev_dependencies")


def test_a_pnpm_workspace_without_a_lockfile_installs_with_pnpm(tmp_path):
    """Adrianmjim/nestjs-api-example: no lockfile and no packageManager; npm cannot install `workspace:*`."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "root", "private": True, "devDependencies": {"@x/config": "workspace:*"}}),
        "pnpm-workspace.yaml": "packages:\n  - 'apps/*'\n  - 'packages/*'\n",
        "packages/config/package.json": json.dumps({"name": "@x/config"}),
        "apps/api/package.json": json.dumps({"name": "api", "scripts": {"start": "node server.js"}, "dependencies": {"express": "^4"}}),
        "apps/api/server.js": SERVER,
    })
    plan = plan_project(Project(tmp_path), {"app": "apps/api"})
    assert plan.value("package_manager").startswith("pnpm@"), plan.decisions["package_manager"]
    assert "pnpm-workspace.yaml" in plan.decisions["package_manager"].source


def test_an_out_of_date_lockfile_beside_another_managers_lock_gives_way(tmp_path):
    """Flower-dev/bun-app: a stale package-lock.json beside bun.lockb made an npm install on the Node
    image, and `bun dist/index.js` then had no bun to run."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "b", "scripts": {"start": "bun src/index.ts"}, "dependencies": {"elysia": "^1.2.0"}, "devDependencies": {"@types/bun": "^1"}}),
        "package-lock.json": NPM_LOCK,  # names no elysia
        "bun.lockb": "\0binary\n",
        "src/index.ts": "import { Elysia } from 'elysia'\nnew Elysia().get('/', () => 'ok').listen(3000)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("package_manager").startswith("bun@") and plan.value("base_image").startswith("oven/bun:")
    assert any("package-lock.json is out of date" in w and "so bun.lockb is used" in w for w in plan.warnings), plan.warnings


def test_the_npm_bun_package_runs_from_node_modules_on_the_node_image(tmp_path):
    """robertncl/bun-app: `"start": "bun run src/index.js"` with `bun` an npm dependency and a package-lock.json."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "b", "scripts": {"start": "bun run src/index.js"}, "dependencies": {"bun": "^1.3.14"}}),
        "package-lock.json": json.dumps({"name": "b", "lockfileVersion": 3, "packages": {"": {"name": "b", "dependencies": {"bun": "^1.3.14"}}, "node_modules/bun": {"version": "1.3.14", "hasInstallScript": True}}}),
        "src/index.js": "import { serve } from 'bun'\nserve({ port: 3000, fetch: () => new Response('ok') })\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("start_command") == ["node_modules/.bin/bun", "run", "src/index.js"]
    assert "native_toolchain" not in plan.decisions  # its install script links a prebuilt binary


@pytest.mark.parametrize("start", [
    "run-p start:**",  # leanstacks/sample-api-node-express-mongo
    "npm-run-all --parallel start:build start:run",
    'concurrently "tsc -w" "nodemon dist/index.js"',
    "concurrently npm:start:*",
])
def test_a_parallel_dev_start_names_the_server_it_runs_beside_the_build_watcher(tmp_path, start):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "p", "scripts": {"build": "run-s build:compile", "build:compile": "tsc", "start:build": "tsc -w", "start:run": "nodemon dist/index.js", "start": start},
                                    "dependencies": {"express": "^4"}, "devDependencies": {"typescript": "^5", "nodemon": "^3", "npm-run-all": "^4", "concurrently": "^9"}}),
        "package-lock.json": NPM_LOCK,
        "tsconfig.json": '{"compilerOptions": {"outDir": "./dist/"}}',
        "src/index.ts": "import express from 'express'\nexpress().listen(process.env.PORT || 3000)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("start_command") == ["node", "dist/index.js"], plan.decisions["start_command"]


@pytest.mark.parametrize("build", ["run-s build:clean build:compile", "npm run build:clean && npm run build:compile"])
def test_a_tsc_build_in_a_script_of_its_own_still_names_the_output(tmp_path, build):
    """leanstacks/sample-api-node-express-mongo: `"build": "run-s build:clean build:compile"`, tsc in build:compile."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "p", "scripts": {"build": build, "build:clean": "rimraf dist", "build:compile": "tsc"},
                                    "dependencies": {"express": "^4"}, "devDependencies": {"typescript": "^5", "npm-run-all": "^4", "rimraf": "^5"}}),
        "package-lock.json": NPM_LOCK,
        "tsconfig.json": '{"compilerOptions": {"outDir": "./dist/"}}',
        "src/index.ts": "import express from 'express'\nexpress().listen(process.env.PORT || 3000)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("build_output") == "dist" and plan.value("start_command") == ["node", "dist/index.js"]


def test_an_install_script_generating_from_the_sources_runs_after_they_are_copied(tmp_path):
    """bellanda/my-react-router-app: `"postinstall": "bun react-router typegen"` failed in the install layer
    ("Could not find a root route module"), and react-router-serve's node shebang had no node on the Bun image."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "r", "scripts": {"build": "react-router build", "start": "react-router-serve ./build/server/index.js", "postinstall": "bun react-router typegen"},
                                    "dependencies": {"@react-router/node": "^7", "@react-router/serve": "^7", "react": "^19", "react-dom": "^19", "react-router": "^7"},
                                    "devDependencies": {"@react-router/dev": "^7", "vite": "^6"}}),
        "bun.lock": "{}\n",
        "react-router.config.ts": "export default { ssr: true }\n",
        "app/root.tsx": "export default function App() { return null }\n",
    })
    plan = plan_project(Project(tmp_path), {})
    build = role_lines(plan, "build")
    assert any("bun run postinstall" in line for line in build) and any("bun run build" in line for line in build), build
    assert all("--ignore-scripts" in line for line in role_lines(plan, "full_install") if "bun install" in line)
    assert plan.value("start_command")[:2] == ["bun", "node_modules/.bin/react-router-serve"]


@pytest.mark.parametrize(("code", "fatal"), [
    ("const dotenv = require('dotenv')\nconst out = dotenv.config();\nif (out.error) {\n  throw out.error;\n}\n", True),  # leanstacks
    ("require('dotenv').config()\n", False),  # a missing .env is only a no-op
])
def test_an_app_that_throws_without_a_dotenv_file_gets_an_empty_one(tmp_path, code, fatal):
    plan = _express(tmp_path, {"src/index.js": code + "require('express')().listen(process.env.PORT || 3000)\n"})
    from scaffold.render import render_plan

    dockerfile = render_plan(plan)["Dockerfile"]
    assert ("COPY <<'EOF' /app/.env" in dockerfile) is fatal, dockerfile


@pytest.mark.parametrize(("build", "kept"), [("babel src -d dist", True), ("esbuild src/server.js --bundle --platform=node --outdir=dist", False)])
def test_a_transpile_only_build_keeps_the_devdependencies_its_code_imports(tmp_path, build, kept):
    """victorocna/express-mongo-api-starter: babel transpiles file by file, so `import { compile } from 'handlebars'`
    (a devDependency) is still a require in the output, and the production image died with MODULE_NOT_FOUND."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "b", "scripts": {"build": build, "start": "node dist/server.js"}, "dependencies": {"express": "^4"},
                                    "devDependencies": {"@babel/cli": "^7", "esbuild": "^0.25", "handlebars": "^4"}}),
        "package-lock.json": NPM_LOCK,
        "src/server.js": "import { compile } from 'handlebars'\nimport express from 'express'\nexpress().listen(process.env.PORT || 3000)\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert ("handlebars" in (plan.value("kept_dev_dependencies") or [])) is kept, plan.decisions.get("kept_dev_dependencies")


def test_a_lockless_next_12_builds_below_node_25(tmp_path):
    # thayashi1988/nextjs-blog: next ^12.0.0 with no lock; `next build` died on Node 26 in buffer-equal-constant-time
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "n", "scripts": {"build": "next build", "start": "next start"}, "dependencies": {"next": "^12.0.0", "react": "^17", "react-dom": "^17"}}),
        "pages/index.js": "export default function Home() { return null }\n",
    })
    decision = plan_project(Project(tmp_path), {}).decisions["node_version"]
    assert decision.value == 24 and "declared_limits" in decision.source


@pytest.mark.parametrize("lock", [
    {"name": "n", "lockfileVersion": 3, "packages": {"": {"name": "n", "dependencies": {"express": "^4"}},
     "node_modules/express": {"version": "4.18.2", "resolved": "https://registry.npm.taobao.org/express/download/express-4.18.2.tgz", "integrity": "sha512-x"},
     "node_modules/@acme/tool": {"version": "1.0.0", "resolved": "https://npm.acme.internal/@acme/tool/-/tool-1.0.0.tgz"}}},
    {"name": "n", "lockfileVersion": 1, "dependencies": {"express": {"version": "4.18.2", "resolved": "https://registry.npmmirror.com/express/-/express-4.18.2.tgz",
     "dependencies": {"qs": {"version": "6.11.0", "resolved": "https://registry.npm.taobao.org/qs/download/qs-6.11.0.tgz"}}}}},
], ids=["v3", "v1-nested"])
def test_lock_urls_on_public_npm_mirrors_are_dropped_before_the_install(tmp_path, lock):
    """Lantianyou/nextjs-blog: 760 packages resolved from registry.npm.taobao.org (retired) failed `npm ci` with
    ENOTFOUND; without those URLs npm fetched the same versions from the registry and the app served 200."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "n", "main": "server.js", "dependencies": {"express": "^4"}}),
        "package-lock.json": json.dumps(lock),
        "server.js": SERVER,
    })
    plan = plan_project(Project(tmp_path), {})
    install = production_install(plan)
    assert install.startswith("node -e ") and install.endswith("npm ci --omit=dev --no-audit --no-fund" + (" --legacy-peer-deps" if lock["lockfileVersion"] == 1 else ""))
    assert "registry\\.npm\\.taobao\\.org" in install
    if lock["lockfileVersion"] == 3:
        # a registry no .npmrc names: its unscoped URLs go, a scoped one (which may live there alone) stays
        assert "(npm\\.acme\\.internal)\\/(?![^#]*@)" in install
    else:
        assert "acme" not in install
    assert any("public mirror" in w and "package-lock.json resolves packages from" in w for w in plan.warnings)


def test_the_mirror_rewrite_keeps_other_urls_and_the_integrity(tmp_path):
    import subprocess

    from conftest import program_or_skip

    program_or_skip("node")
    from scaffold.providers.node.package_manager import drop_mirror_urls

    lock = {"lockfileVersion": 3, "packages": {"node_modules/a": {"version": "1.0.0", "resolved": "https://registry.npm.taobao.org/a/download/a-1.0.0.tgz", "integrity": "sha512-a"},
            "node_modules/b": {"version": "2.0.0", "resolved": "https://registry.npmjs.org/b/-/b-2.0.0.tgz", "integrity": "sha512-b"}}}
    (tmp_path / "package-lock.json").write_text(json.dumps(lock))
    subprocess.run(["sh", "-c", drop_mirror_urls("package-lock.json", ("registry.npm.taobao.org",))], cwd=tmp_path, check=True)
    out = json.loads((tmp_path / "package-lock.json").read_text())["packages"]
    assert out["node_modules/a"] == {"version": "1.0.0", "integrity": "sha512-a"}
    assert out["node_modules/b"]["resolved"] == "https://registry.npmjs.org/b/-/b-2.0.0.tgz"


def test_yarn_1_lock_urls_on_public_npm_mirrors_are_dropped_before_the_install(tmp_path):
    """Yarn 1 re-resolves an entry with no `resolved` line from the registry and checks its integrity
    (checked with docker: ms 2.1.3 locked at registry.npm.taobao.org installs once the line is gone)."""
    lock = (
        "# yarn lockfile v1\n\n\nms@^2.1.3:\n  version \"2.1.3\"\n"
        "  resolved \"https://registry.npm.taobao.org/ms/download/ms-2.1.3.tgz#574c\"\n  integrity sha512-x\n"
    )
    write_tree(tmp_path, {"package.json": json.dumps({"name": "n", "main": "server.js", "dependencies": {"ms": "^2.1.3"}}), "yarn.lock": lock, "server.js": SERVER})
    install = production_install(plan_project(Project(tmp_path), {}))
    assert install == "sed -i -E '/^[[:space:]]+resolved \"https?:\\/\\/(registry\\.npm\\.taobao\\.org)\\//d' yarn.lock && yarn install --frozen-lockfile --production --non-interactive --ignore-engines"


def test_node_config_with_ts_files_keeps_ts_node_and_an_old_release_stays_on_node_22(tmp_path):
    """alanbueno/koa-typescript-template: node-config reads config/default.ts through ts-node at start
    ("Cannot find module 'ts-node'"), and config 3.3.2 calls util.isRegExp, gone in Node 23 (checked with
    docker: 200 on Node 22 with ts-node kept)."""
    lock = {"name": "n", "lockfileVersion": 1, "dependencies": {"config": {"version": "3.3.2"}, "koa": {"version": "2.13.0"}, "ts-node": {"version": "9.0.0", "dev": True}, "typescript": {"version": "4.0.5", "dev": True}}}
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "n", "scripts": {"build": "tsc", "start": "node dist/index.js"}, "dependencies": {"config": "^3.3.2", "koa": "^2"}, "devDependencies": {"ts-node": "^9", "typescript": "^4"}}),
        "package-lock.json": json.dumps(lock),
        "tsconfig.json": '{"compilerOptions": {"outDir": "dist"}}',
        "index.ts": "import config from 'config'\n",
        "config/default.ts": "export default { port: 3001 }\n",
    })
    plan = plan_project(Project(tmp_path), {})
    assert plan.value("kept_dev_dependencies") == ["ts-node", "typescript"]
    assert "node-config reads .ts config files through ts-node" in plan.decisions["kept_dev_dependencies"].source
    assert plan.value("node_version") == 22 and "config 3.3.2" in plan.decisions["node_version"].source
