"""Monorepos: workspace discovery, the internal dependency graph, app selection and the per-app Dockerfile.

Fixtures are small trees written per test; the three monorepo examples are
checked for the properties that make their images correct and cache-friendly
(only the app's closure is copied, installs are filtered, the runtime holds
production dependencies only). A Docker test proves the cache claim for real.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, SANDBOX, docker_required, write_tree
from scaffold.cli import main as scaffold_main
from scaffold.providers.node.workspace_globs import resolve_patterns
from scaffold.providers.node.workspaces import deployable_apps, detect, find_root
from scaffold.errors import MalformedFileError, UsageError
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.render import render_plan

PNPM = EXAMPLES / "monorepo-pnpm-turbo"
NPM = EXAMPLES / "monorepo-npm-workspaces"
YARN = EXAMPLES / "monorepo-yarn-berry"


def pkg(name: str, **fields) -> str:
    return json.dumps({"name": name, "version": "1.0.0", **fields})


def server(name: str, deps: dict | None = None, **fields) -> str:
    return pkg(name, scripts={"start": "node index.js"}, dependencies=deps or {}, **fields)


def render(root: Path, app: str | None = None, **answers) -> tuple[object, str, str]:
    plan = plan_project(Project(root), {**({"app": app} if app else {}), **answers})
    files = render_plan(plan)
    return plan, files[plan.dockerfile_path], files[plan.dockerignore_path]


# -- declaration and glob resolution -------------------------------------------------

def test_pnpm_workspace_file(tmp_path):
    write_tree(tmp_path, {
        "package.json": pkg("root"),
        "pnpm-workspace.yaml": "packages:\n  - 'apps/*'\n  - 'packages/**'\n  - '!packages/**/fixtures/**'\n",
        "apps/api/package.json": server("api"),
        "packages/a/package.json": pkg("a"),
        "packages/group/b/package.json": pkg("b"),
        "packages/group/b/fixtures/c/package.json": pkg("c"),
        "packages/a/node_modules/x/package.json": pkg("x"),
        "node_modules/y/package.json": pkg("y"),
    })
    facts = detect(Project(tmp_path))
    assert facts.manager_hint == "pnpm" and facts.source == "pnpm-workspace.yaml > packages"
    assert [p.path for p in facts.packages] == ["apps/api", "packages/a", "packages/group/b"]


def test_npm_array_and_yarn_object_forms(tmp_path):
    npm = write_tree(tmp_path / "npm", {
        "package.json": json.dumps({"name": "r", "workspaces": ["apps/*", "libs/one"]}),
        "apps/web/package.json": server("web"),
        "libs/one/package.json": pkg("one"),
        "libs/two/package.json": pkg("two"),
    })
    facts = detect(Project(npm))
    assert facts.manager_hint == "npm" and [p.path for p in facts.packages] == ["apps/web", "libs/one"]
    yarn = write_tree(tmp_path / "yarn", {
        "package.json": json.dumps({"name": "r", "workspaces": {"packages": ["apps/*"], "nohoist": ["**/x"]}}),
        "yarn.lock": "",
        "apps/web/package.json": server("web"),
    })
    facts = detect(Project(yarn))
    assert facts.manager_hint == "yarn" and facts.source == "package.json > workspaces > packages"
    bun = write_tree(tmp_path / "bun", {
        "package.json": json.dumps({"name": "r", "workspaces": ["apps/*"]}),
        "bun.lock": "{}",
        "apps/web/package.json": server("web"),
    })
    assert detect(Project(bun)).manager_hint == "bun"


def test_not_a_monorepo(tmp_path):
    write_tree(tmp_path, {"package.json": server("single")})
    assert detect(Project(tmp_path)) is None
    assert deployable_apps(Project(tmp_path)) is None


def test_malformed_workspaces_name_the_file(tmp_path):
    write_tree(tmp_path, {"package.json": json.dumps({"workspaces": "apps/*"})})
    with pytest.raises(MalformedFileError, match="package.json"):
        detect(Project(tmp_path))
    write_tree(tmp_path, {"pnpm-workspace.yaml": "packages: apps/*\n"})
    with pytest.raises(MalformedFileError, match="pnpm-workspace.yaml"):
        detect(Project(tmp_path))


def test_globs_never_enter_node_modules_or_git(tmp_path):
    write_tree(tmp_path, {
        "a/package.json": pkg("a"),
        "node_modules/b/package.json": pkg("b"),
        ".git/c/package.json": pkg("c"),
        "a/node_modules/d/package.json": pkg("d"),
    })
    assert resolve_patterns(tmp_path, ["**"]) == ["a"]
    assert resolve_patterns(tmp_path, ["node_modules/*", "../outside/*", "/abs/*"]) == []


def test_glob_forms(tmp_path):
    write_tree(tmp_path, {f"{d}/package.json": pkg(d.replace("/", "-")) for d in ("apps/a", "apps/b", "tools/x/y", "docs")})
    assert resolve_patterns(tmp_path, ["./apps/*/", "docs/package.json"]) == ["apps/a", "apps/b", "docs"]
    assert resolve_patterns(tmp_path, ["**", "!apps/b"]) == ["apps/a", "docs", "tools/x/y"]
    assert resolve_patterns(tmp_path, ["apps/[a]", "tools/**/y"]) == ["apps/a", "tools/x/y"]


# -- the dependency graph ---------------------------------------------------------------

def test_workspace_protocol_forms_and_closures(tmp_path):
    write_tree(tmp_path, {
        "package.json": pkg("root"),
        "pnpm-workspace.yaml": "packages: ['apps/*', 'packages/*']\n",
        "apps/api/package.json": server(
            "@x/api",
            {"@x/a": "workspace:*", "alias": "workspace:@x/b@^1.0.0", "@x/c": "workspace:^", "express": "^5"},
            devDependencies={"@x/config": "workspace:~"},
        ),
        "packages/a/package.json": pkg("@x/a", dependencies={"@x/d": "workspace:../d"}),
        "packages/b/package.json": pkg("@x/b"),
        "packages/c/package.json": pkg("@x/c", dependencies={"@x/a": "workspace:*"}),
        "packages/d/package.json": pkg("@x/d", dependencies={"@x/c": "workspace:*"}),  # a cycle: c -> a -> d -> c
        "packages/config/package.json": pkg("@x/config", devDependencies={"@x/b": "workspace:*"}),
        "packages/e/package.json": pkg("@x/e", dependencies={"@x/a": "1.0.0"}),  # pnpm: no workspace: -> registry
    })
    facts = detect(Project(tmp_path))
    api = facts.package("apps/api")
    assert api.internal == ("packages/a", "packages/b", "packages/c")
    assert api.internal_dev == ("packages/config",)
    assert facts.package("packages/a").internal == ("packages/d",)
    assert facts.package("packages/e").internal == ()
    runtime = facts.runtime_closure("apps/api")
    assert runtime[-1] == "apps/api" and set(runtime) == {"apps/api", "packages/a", "packages/b", "packages/c", "packages/d"}
    build = facts.build_closure("apps/api")
    assert set(build) == set(runtime) | {"packages/config"}
    # dependencies come before their dependents (the cycle is broken once)
    assert build.index("packages/b") < build.index("packages/config") < build.index("apps/api")


def test_npm_links_by_semver_and_file_protocol(tmp_path):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "r", "workspaces": ["*"]}),
        "app/package.json": server("app", {"lib": "^1.0.0", "old": "^2.0.0", "path": "file:../path", "star": "*"}),
        "lib/package.json": pkg("lib"),
        "old/package.json": pkg("old"),  # 1.0.0 does not satisfy ^2.0.0: npm installs it from the registry
        "path/package.json": pkg("path-lib"),
        "star/package.json": pkg("star"),
    })
    facts = detect(Project(tmp_path))
    assert facts.package("app").internal == ("lib", "path", "star")


def test_kinds(tmp_path):
    write_tree(tmp_path, {
        "package.json": json.dumps({"workspaces": ["*"]}),
        "api/package.json": server("api"),
        "dev-only/package.json": pkg("dev-only", scripts={"start": "nodemon index.js"}),
        "web/package.json": pkg("web", scripts={"dev": "vite", "build": "tsc && vite build"}),
        "web/index.html": "<html></html>",
        "vite-lib/package.json": pkg("vite-lib", scripts={"build": "vite build"}),
        "chained/package.json": pkg("chained", scripts={"start": "npm run serve", "serve": "node server.js"}),
    })
    kinds = {p.path: p.kind for p in detect(Project(tmp_path)).packages}
    assert kinds == {"api": "server", "dev-only": "library", "web": "static", "vite-lib": "library", "chained": "server"}


def test_turbo_version_and_tasks_from_the_lockfile():
    facts = detect(Project(PNPM))
    turbo = facts.orchestrator("turbo")
    assert turbo.version == "2.11.11" and "pnpm-lock.yaml" in turbo.version_source and turbo.tasks == ("build",)


def test_other_orchestrators_are_noted(tmp_path):
    write_tree(tmp_path, {
        "package.json": json.dumps({"workspaces": ["a"], "devDependencies": {"nx": "19.0.0", "lerna": "^8"}}),
        "a/package.json": server("a"),
        "nx.json": "{}",
        "lerna.json": "{}",
    })
    found = {o.tool: o.version for o in detect(Project(tmp_path)).orchestrators}
    assert found == {"nx": "19.0.0", "lerna": None}


def test_examples_deployable_apps():
    assert deployable_apps(Project(PNPM)) == ("apps/api", "apps/web")
    assert deployable_apps(Project(NPM)) == ("apps/server",)
    assert deployable_apps(Project(YARN)) == ("apps/web-api",)


# -- finding the root and the app ----------------------------------------------------------

def test_find_root_from_inside_an_app():
    assert find_root(PNPM / "apps" / "api") == (PNPM.resolve(), "apps/api")
    assert find_root(PNPM) == (PNPM.resolve(), ".")
    assert find_root(PNPM / "apps" / "api" / "src") == (PNPM.resolve(), "apps/api")


def test_a_project_below_an_unrelated_monorepo_stays_its_own(tmp_path):
    write_tree(tmp_path, {
        "package.json": json.dumps({"workspaces": ["packages/*"]}),
        "packages/a/package.json": pkg("a"),
        "tools/standalone/package.json": server("standalone"),
    })
    assert find_root(tmp_path / "tools" / "standalone") is None


def test_app_selection_by_folder_name_or_short_name():
    for wanted in ("apps/api", "./apps/api/", "@demo/api", "api"):
        assert plan_project(Project(PNPM), {"app": wanted}).dockerfile_path == "apps/api/Dockerfile"
    # the lead's harness: the app folder as project, --app relative to the root
    plan = plan_project(Project(PNPM / "apps" / "web"), {"app": "apps/web"})
    assert plan.dockerfile_path == "apps/web/Dockerfile" and plan.build_context == "."
    assert plan_project(Project(PNPM / "apps" / "web")).dockerfile_path == "apps/web/Dockerfile"


def test_root_without_app_lists_the_apps():
    with pytest.raises(UsageError, match=r"deployable apps: apps/api, apps/web.*--app apps/api.*--all"):
        plan_project(Project(PNPM))


def test_library_and_unknown_apps_are_refused():
    with pytest.raises(UsageError, match="packages/shared/package.json: a library"):
        plan_project(Project(PNPM), {"app": "packages/shared"})
    with pytest.raises(UsageError, match="--app nope: no workspace package"):
        plan_project(Project(PNPM), {"app": "nope"})


def test_app_flag_outside_a_monorepo(tmp_path):
    write_tree(tmp_path, {"package.json": server("single"), "index.js": ""})
    with pytest.raises(UsageError, match="not in a monorepo"):
        plan_project(Project(tmp_path), {"app": "x"})


def test_root_app_with_library_workspaces_is_planned_as_a_single_app(tmp_path):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "r", "workspaces": ["libs/*"], "scripts": {"start": "node server.js"}}),
        "server.js": "require('http').createServer().listen(process.env.PORT || 4000)\n",
        "libs/a/package.json": pkg("a"),
    })
    plan = plan_project(Project(tmp_path))
    assert plan.dockerfile_path == "Dockerfile" and plan.ecosystem == "node" and plan.template == "stages"


def test_a_leaf_package_with_a_server_framework_and_a_main_is_an_app(tmp_path):
    """No start script, but express, "main" and nothing depending on it (captain-corgi/ts-express-helloworld)."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "r", "private": True, "workspaces": ["services/*", "libs/*"]}),
        "services/api/package.json": pkg("api", main="dist/index.js", scripts={"build": "tsc"}, dependencies={"express": "^5.1.0", "shared": "*"}),
        "libs/shared/package.json": pkg("shared", version="1.0.0", main="index.js", dependencies={"express": "^5.1.0"}),
    })
    kinds = {p.path: (p.kind, p.kind_reason) for p in detect(Project(tmp_path)).packages}
    assert kinds["services/api"][0] == "server" and "main (dist/index.js), a express server" in kinds["services/api"][1]
    assert kinds["libs/shared"][0] == "library"  # the api depends on it
    write_tree(tmp_path, {"services/api/package.json": pkg("api", main="dist/index.js", scripts={"build": "tsc"}, dependencies={"lodash": "*"})})
    assert {p.path: p.kind for p in detect(Project(tmp_path)).packages}["services/api"] == "library"  # no server framework


# -- the generated Dockerfiles ----------------------------------------------------------------

def test_pnpm_turbo_api_prunes_and_deploys():
    plan, dockerfile, ignore = render(PNPM, "apps/api")
    assert plan.dockerignore_path == "apps/api/Dockerfile.dockerignore"
    assert "docker build -f apps/api/Dockerfile -t api ." in dockerfile
    assert "npm install -g turbo@2.11.11" in dockerfile
    assert "RUN turbo prune @demo/api --docker" in dockerfile
    assert "COPY tsconfig.base.json ./" in dockerfile  # turbo prune leaves root config behind
    assert "pnpm --filter=@demo/api deploy --prod --legacy /deploy" in dockerfile
    assert dockerfile.index("pnpm install --frozen-lockfile") < dockerfile.index("COPY --from=prune /app/out/full/ ./")
    assert "**/node_modules" in ignore


def test_pnpm_without_turbo_copies_only_the_closure():
    _plan, dockerfile, _ = render(PNPM, "apps/api", turbo=False)
    assert "COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./" in dockerfile
    assert "COPY packages/shared/package.json ./packages/shared/" in dockerfile
    assert "pnpm install --frozen-lockfile --filter=@demo/api..." in dockerfile
    assert "unused" not in dockerfile and "apps/web" not in dockerfile
    # internal packages are built first, then the app
    assert "RUN pnpm --filter=@demo/shared run build \\\n    && pnpm --filter=@demo/api run build" in dockerfile
    assert "COPY tsconfig.base.json ./" in dockerfile


def test_static_app_is_served_by_unprivileged_nginx():
    plan, dockerfile, _ = render(PNPM, "apps/web")
    assert plan.port == 8080 and plan.value("kind") == "static"
    assert "COPY --from=build /app/apps/web/dist /usr/share/nginx/html" in dockerfile
    assert "USER 101:101" in dockerfile and 'CMD ["nginx", "-g", "daemon off;"]' in dockerfile
    assert "deploy" not in dockerfile and "tsconfig.base.json" not in dockerfile


def test_static_app_gets_the_single_app_static_site_config():
    # the same planning code and template block as a single Vite app: SPA fallback, cached hashed assets
    plan, dockerfile, _ = render(PNPM, "apps/web")
    assert plan.value("framework") == "vite (single-page app)"
    assert plan.decisions["framework"].source == "apps/web/package.json > devDependencies > vite"
    assert "try_files $uri $uri/ /index.html;" in dockerfile
    assert "location /assets/ {" in dockerfile
    assert plan.dockerfile["runtime"]["static"]["fallback"] == "index.html"


def test_static_app_with_vite_hoisted_to_the_root(tmp_path):
    write_tree(tmp_path, {
        "package.json": pkg("root", private=True, workspaces=["apps/*"], devDependencies={"vite": "^8.0.0"}),
        "apps/web/package.json": pkg("web", scripts={"build": "vite build"}),
        "apps/web/index.html": "<html></html>",
    })
    plan, dockerfile, _ = render(tmp_path, "apps/web")
    assert plan.decisions["framework"].source == "package.json > devDependencies > vite"
    assert "try_files $uri $uri/ /index.html;" in dockerfile


def test_static_app_without_a_known_build_tool_is_refused(tmp_path):
    write_tree(tmp_path, {
        "package.json": pkg("root", private=True, workspaces=["apps/*"]),
        "apps/web/package.json": pkg("web", scripts={"build": "vite build"}),
        "apps/web/index.html": "<html></html>",
    })
    with pytest.raises(UsageError, match="apps/web/package.json: looks like a static site"):
        plan_project(Project(tmp_path), {"app": "apps/web"})


def test_npm_filtered_production_install():
    plan, dockerfile, _ = render(NPM, "apps/server")
    assert "npm ci --omit=dev --workspace=@acme/lib --workspace=@acme/server --include-workspace-root=false" in dockerfile
    assert "COPY packages/lib/ ./packages/lib/" in dockerfile and "WORKDIR /app/apps/server" in dockerfile
    assert plan.value("start_command") == ["node", "index.js"]
    assert plan.value("strategy") == "filtered install"


def test_yarn_berry_focus_with_every_manifest():
    plan, dockerfile, _ = render(YARN, "apps/web-api")
    assert "COPY package.json yarn.lock .yarnrc.yml ./" in dockerfile
    assert "YARN_ENABLE_IMMUTABLE_INSTALLS=true yarn workspaces focus @berry/web-api --production" in dockerfile
    assert "npm install -g @yarnpkg/cli-dist@4.18.1" in dockerfile
    assert any("all 2 workspace manifests" in n for n in plan.notes)


def test_yarn_and_bun_copy_every_manifest_pnpm_and_npm_only_the_closure(tmp_path):
    def tree(extra: dict) -> dict:
        return {
            "package.json": json.dumps({"name": "r", "workspaces": ["apps/*", "packages/*"], "private": True}),
            "apps/api/package.json": server("@x/api", {"@x/lib": "*"}),
            "apps/api/index.js": "require('http').createServer().listen(3000)\n",
            "packages/lib/package.json": pkg("@x/lib"),
            "packages/other/package.json": pkg("@x/other"),
            **extra,
        }
    yarn = write_tree(tmp_path / "yarn", tree({"yarn.lock": '__metadata:\n  version: 8\n', "package.json": json.dumps(
        {"name": "r", "workspaces": ["apps/*", "packages/*"], "packageManager": "yarn@4.18.1"})}))
    _, dockerfile, _ = render(yarn, "apps/api")
    assert "COPY packages/other/package.json ./packages/other/" in dockerfile
    assert "COPY packages/other/ " not in dockerfile  # sources of unused packages never
    npm = write_tree(tmp_path / "npm", tree({"package-lock.json": json.dumps({"lockfileVersion": 3, "packages": {"": {}}})}))
    _, dockerfile, _ = render(npm, "apps/api")
    assert "packages/other" not in dockerfile


def test_tsconfig_extends_chain_outside_the_package_is_copied(tmp_path):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "r", "workspaces": ["apps/*"]}),
        "package-lock.json": json.dumps({"lockfileVersion": 3, "packages": {"": {}}}),
        "config/ts/base.json": '{"compilerOptions": {"strict": true}}',
        "config/ts/node.json": '{ // JSONC\n "extends": "./base.json" }',
        "apps/api/package.json": pkg("api", scripts={"build": "tsc", "start": "node dist/index.js"}),
        "apps/api/tsconfig.json": '{"extends": "../../config/ts/node", "compilerOptions": {"outDir": "dist"}}',
        "apps/api/src/index.ts": "",
    })
    _, dockerfile, _ = render(tmp_path, "apps/api")
    # COPY flattens its sources: files below a folder go to that folder
    assert "COPY config/ts/node.json config/ts/base.json ./config/ts/" in dockerfile
    assert "COPY --from=build /app/apps/api/dist/ ./apps/api/dist/" in dockerfile


def test_turbo_can_be_forced_off_and_refused_when_unusable(tmp_path):
    assert render(PNPM, "apps/api", turbo=False)[0].value("strategy") == "filtered install"
    with pytest.raises(UsageError, match="--turbo: the repository has no turbo.json"):
        render(NPM, "apps/server", turbo=True)


@pytest.mark.parametrize(("folder", "app"), [(PNPM, "apps/api"), (PNPM, "apps/web"), (NPM, "apps/server"), (YARN, "apps/web-api")])
@pytest.mark.parametrize("turbo", [None, False])
def test_every_variant_is_hadolint_clean_and_deterministic(folder, app, turbo, tmp_path):
    answers = {} if turbo is None else {"turbo": turbo}
    _plan, dockerfile, ignore = render(folder, app, **answers)
    assert render(folder, app, **answers)[1:] == (dockerfile, ignore)
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint
    path = tmp_path / "Dockerfile"
    path.write_text(dockerfile)
    result = subprocess.run([hadolint, "--no-color", "--failure-threshold", "style", str(path)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


# -- the command line ---------------------------------------------------------------------------

def test_cli_at_the_root_needs_app_or_all(tmp_path, capsys):
    work = shutil.copytree(PNPM, tmp_path / "repo")
    assert scaffold_main(["init", str(work), "--yes"]) == 2
    assert "deployable apps: apps/api, apps/web" in capsys.readouterr().err
    assert scaffold_main(["init", str(work), "--all", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "docker build -f apps/api/Dockerfile -t api ." in out and "docker build -f apps/web/Dockerfile -t web ." in out
    assert (work / "apps/api/Dockerfile").is_file() and (work / "apps/web/Dockerfile.dockerignore").is_file()
    assert not (work / "Dockerfile").exists()


def test_cli_inside_an_app_writes_next_to_it_and_remembers_answers_per_app(tmp_path, monkeypatch, capsys):
    work = shutil.copytree(PNPM, tmp_path / "repo")
    monkeypatch.chdir(work / "apps" / "api")
    assert scaffold_main(["init", "--yes", "--port", "4000"]) == 0
    assert "EXPOSE 4000" in (work / "apps/api/Dockerfile").read_text()
    state = json.loads((work / ".scaffold.json").read_text())
    assert state["apps"]["apps/api"] == {"port": 4000} and state["answers"] == {}
    assert scaffold_main(["init", str(work), "--app", "web", "--yes"]) == 0
    state = json.loads((work / ".scaffold.json").read_text())
    assert "app" not in state["answers"] and all("app" not in a for a in state["apps"].values())  # --app steers one run only
    assert scaffold_main(["init", "--yes", "--check"]) == 0  # the saved port is reused: no drift
    assert scaffold_main(["plan", str(work), "--app", "apps/api", "--json"]) == 0
    assert '"dockerfile": "apps/api/Dockerfile"' in capsys.readouterr().out


# -- the cache claim, for real ----------------------------------------------------------------------

def _engine_ok() -> bool:
    return shutil.which("docker") is not None and subprocess.run(["docker", "info"], capture_output=True).returncode == 0


@pytest.mark.docker
@pytest.mark.parametrize("turbo", ["--turbo", "--no-turbo"])
def test_unrelated_package_edit_keeps_the_install_cached(tmp_path, turbo):
    """Build apps/api, edit packages/unused, build again: the install step must be CACHED."""
    if not _engine_ok():
        if docker_required():
            pytest.fail("SCAFFOLD_REQUIRE_DOCKER=1 but no Docker engine answers")
        pytest.skip("no Docker engine reachable")
    work = shutil.copytree(PNPM, tmp_path / "repo", ignore=shutil.ignore_patterns("node_modules"))
    assert scaffold_main(["init", str(work), "--app", "apps/api", "--yes", turbo]) == 0
    sandbox = SANDBOX
    subprocess.run(["bash", str(sandbox), "base", "--for", str(work / "apps/api/Dockerfile")], capture_output=True, timeout=900)
    tag = f"monorepo-cache-test{turbo.replace('--', '-')}"

    def build() -> str:
        done = subprocess.run(
            ["docker", "build", "--progress=plain", "-f", "apps/api/Dockerfile", "-t", tag, "."],
            cwd=work, capture_output=True, text=True, timeout=900,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stderr

    build()
    unused = work / "packages/unused/src/index.ts"
    unused.write_text(unused.read_text() + "\nexport const changed = true;\n")
    log = build()
    steps = _step_states(log)
    install = next(name for name in steps if "pnpm install --frozen-lockfile" in name)
    assert steps[install] == "CACHED", f"install step re-ran after editing packages/unused:\n{log[-3000:]}"
    assert all(state == "CACHED" for name, state in steps.items() if name.startswith(("[build", "[runtime"))), steps
    subprocess.run(["docker", "rmi", "-f", tag], capture_output=True)


def _step_states(log: str) -> dict[str, str]:
    """BuildKit plain progress: '#12 [build 2/6] RUN …' then '#12 CACHED' or '#12 DONE 1.2s'."""
    names: dict[str, str] = {}
    states: dict[str, str] = {}
    for line in log.splitlines():
        parts = line.split(" ", 1)
        if len(parts) < 2 or not parts[0].startswith("#"):
            continue
        step, rest = parts
        if rest.startswith("[") and step not in names:
            names[step] = rest
        elif rest == "CACHED" or rest.startswith("DONE"):
            states.setdefault(step, "CACHED" if rest == "CACHED" else "DONE")
    return {names[s]: states.get(s, "?") for s in names}


def test_compose_keeps_every_app_written_so_far(tmp_path):
    work = shutil.copytree(PNPM, tmp_path / "repo")
    assert scaffold_main(["init", str(work), "--app", "apps/api", "--yes", "--compose"]) == 0
    assert scaffold_main(["init", str(work / "apps" / "web"), "--yes"]) == 0
    compose = (work / "compose.yaml").read_text()
    assert "dockerfile: apps/api/Dockerfile" in compose and "dockerfile: apps/web/Dockerfile" in compose
    state = json.loads((work / ".scaffold.json").read_text())
    assert state["answers"] == {"compose": True} and set(state["apps"]) == {"apps/api", "apps/web"}
    assert scaffold_main(["init", str(work), "--all", "--yes", "--check"]) == 0


def test_turbo_2_needs_a_package_manager_field_to_prune(tmp_path):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "r", "workspaces": ["apps/*"], "devDependencies": {"turbo": "2.11.11"}}),
        "package-lock.json": json.dumps({"lockfileVersion": 3, "packages": {"": {"devDependencies": {"turbo": "2.11.11"}}, "node_modules/turbo": {"version": "2.11.11"}}}),
        "turbo.json": '{"tasks": {"build": {}}}',
        "apps/api/package.json": server("api"),
        "apps/api/index.js": "",
    })
    plan, dockerfile, _ = render(tmp_path, "apps/api")
    assert plan.value("strategy") == "filtered install" and "turbo prune" not in dockerfile
    assert any("packageManager" in n for n in plan.notes)
    manifest = json.loads((tmp_path / "package.json").read_text())
    (tmp_path / "package.json").write_text(json.dumps({**manifest, "packageManager": "npm@11.6.2"}))
    plan, dockerfile, _ = render(tmp_path, "apps/api")
    assert "RUN turbo prune api --docker" in dockerfile


def test_pnpm_deploy_without_legacy_when_packages_are_injected(tmp_path):
    work = shutil.copytree(PNPM, tmp_path / "repo")
    (work / "pnpm-workspace.yaml").write_text((work / "pnpm-workspace.yaml").read_text() + "injectWorkspacePackages: true\n")
    _, dockerfile, _ = render(work, "apps/api")
    assert "pnpm --filter=@demo/api deploy --prod /deploy" in dockerfile


def test_static_output_folder_from_the_vite_config(tmp_path):
    work = shutil.copytree(PNPM, tmp_path / "repo")
    (work / "apps/web/vite.config.js").write_text("export default { build: { outDir: 'public-build' } };\n")
    plan, dockerfile, _ = render(work, "apps/web")
    assert plan.value("build_output") == "public-build"
    assert plan.decisions["build_output"].source == "apps/web/vite.config.js > outDir: 'public-build'"
    assert "COPY --from=build /app/apps/web/public-build /usr/share/nginx/html" in dockerfile


def test_watch_paths_cover_the_closure_and_root_files():
    plan = plan_project(Project(PNPM), {"app": "apps/api", "turbo": False})
    assert plan.watch_paths == ["packages/shared", "apps/api", "package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", "tsconfig.base.json"]


def test_build_override_runs_in_the_app_folder():
    _, dockerfile, _ = render(NPM, "apps/server", build="node build.js")
    assert "npm exec --workspace=@acme/server -- node build.js" in dockerfile
    assert "FROM base AS build" in dockerfile


def test_library_built_by_its_prepare_script(tmp_path):
    """npm workspaces where a lib builds itself in "prepare": tsc (a common pre-bundler pattern).

    The installs see only manifests (no sources, no dev tools in the production one), so
    running prepare there fails with `tsc: not found`; it runs in the build stage instead.
    """
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "r", "private": True, "workspaces": ["apps/*", "packages/*"]}),
        "package-lock.json": json.dumps({"lockfileVersion": 3, "packages": {"": {}}}),
        "packages/shared/package.json": pkg("@r/shared", main="dist/index.js", scripts={"prepare": "tsc"}, devDependencies={"typescript": "5.6.3"}),
        "packages/shared/src/index.ts": "export const a = 1;\n",
        "apps/api/package.json": server("@r/api", {"@r/shared": "^1.0.0"}),
        "apps/api/index.js": "require('http').createServer().listen(process.env.PORT || 3000)\n",
    })
    plan, dockerfile, _ = render(tmp_path, "apps/api")
    assert "--include-workspace-root=false --no-audit --no-fund --ignore-scripts" in dockerfile
    assert "--include-workspace-root --no-audit --no-fund --ignore-scripts" in dockerfile
    assert "RUN npm run prepare --workspace=@r/shared" in dockerfile
    assert "COPY --from=build /app/packages/shared/ ./packages/shared/" in dockerfile
    assert any("--ignore-scripts" in n for n in plan.notes)


def test_prepare_that_runs_build_runs_it_once(tmp_path):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "r", "private": True, "packageManager": "pnpm@9.15.0"}),
        "pnpm-workspace.yaml": "packages: ['apps/*', 'packages/*']\n",
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\nimporters:\n  .: {}\n  apps/api:\n    dependencies:\n      '@r/lib': {specifier: 'workspace:^', version: link:../../packages/lib}\n  packages/lib: {}\n",
        "packages/lib/package.json": pkg("@r/lib", scripts={"build": "tsc", "prepare": "pnpm run build"}),
        "apps/api/package.json": server("@r/api", {"@r/lib": "workspace:^"}),
        "apps/api/index.js": "",
    })
    _, dockerfile, _ = render(tmp_path, "apps/api")
    assert "pnpm install --frozen-lockfile --filter=@r/api... --ignore-scripts" in dockerfile
    assert "RUN pnpm --filter=@r/lib run prepare\n" in dockerfile and "run build" not in dockerfile


@pytest.mark.parametrize("setting, linked", [
    ({".npmrc": "link-workspace-packages=true\n"}, True),
    ({"pnpm-workspace.yaml": "packages: ['apps/*', 'packages/*']\nlinkWorkspacePackages: deep\n"}, True),
    ({"package.json": json.dumps({"name": "r", "packageManager": "pnpm@8.15.9"})}, True),  # pnpm 8's default
    ({}, False),  # pnpm 9+: a plain range resolves from the registry
])
def test_pnpm_link_workspace_packages_links_plain_ranges(tmp_path, setting, linked):
    """pnpm repos with link-workspace-packages (or on pnpm 8) depend on workspace libs with "^1.2.0"."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "r", "packageManager": "pnpm@9.15.0"}),
        "pnpm-workspace.yaml": "packages: ['apps/*', 'packages/*']\n",
        "packages/lib/package.json": json.dumps({"name": "@r/lib", "version": "1.2.0"}),
        "apps/api/package.json": server("@r/api", {"@r/lib": "^1.2.0"}),
        **setting,
    })
    facts = detect(Project(tmp_path))
    assert facts.package("apps/api").internal == (("packages/lib",) if linked else ())


def test_pnpm_lockfile_per_package_is_copied_with_each_manifest(tmp_path):
    """shared-workspace-lockfile=false: each package installs from its own pnpm-lock.yaml."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "r", "packageManager": "pnpm@9.15.0"}),
        "pnpm-workspace.yaml": "packages: ['apps/*', 'packages/*']\n",
        ".npmrc": "link-workspace-packages=true\nshared-workspace-lockfile=false\n",
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\nimporters:\n  .: {}\n",
        "packages/lib/package.json": json.dumps({"name": "@r/lib", "version": "1.2.0"}),
        "packages/lib/pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
        "apps/api/package.json": server("@r/api", {"@r/lib": "^1.2.0"}),
        "apps/api/pnpm-lock.yaml": "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      '@r/lib': {specifier: ^1.2.0, version: link:../../packages/lib}\n",
        "apps/api/index.js": "",
    })
    _, dockerfile, dockerignore = render(tmp_path, "apps/api")
    assert "COPY apps/api/package.json apps/api/pnpm-lock.yaml ./apps/api/" in dockerfile
    assert "COPY packages/lib/package.json packages/lib/pnpm-lock.yaml ./packages/lib/" in dockerfile
    (tmp_path / "apps/api/pnpm-lock.yaml").unlink()
    with pytest.raises(Exception, match="apps/api/pnpm-lock.yaml"):
        render(tmp_path, "apps/api")


def test_yarn_classic_cache_mount_is_locked_against_parallel_installs(tmp_path):
    """Yarn 1 workspaces (nx repos often use them): the deps and build stages install at the same
    time, and two yarn 1 installs on one shared cache corrupt it ("Extracting tar content ... failed")."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "r", "private": True, "workspaces": {"packages": ["apps/*", "packages/*"]}}),
        "nx.json": "{}",
        "yarn.lock": "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n",
        "packages/lib/package.json": pkg("@r/lib", scripts={"build": "node build.js"}),
        "apps/api/package.json": server("@r/api", {"@r/lib": "1.0.0"}),
        "apps/api/index.js": "",
    })
    _, dockerfile, _ = render(tmp_path, "apps/api")
    mounts = [line for line in dockerfile.splitlines() if "id=yarn," in line]
    assert len(mounts) == 2 and all(line.rstrip(" \\").endswith(",sharing=locked") for line in mounts)


def test_hoisted_command_runs_from_the_root_node_modules(tmp_path):
    """npm workspaces app started with `tsx src/index.ts` (or `next start`): npm hoists tsx to
    /app/node_modules/.bin, so node_modules/.bin/tsx relative to the app folder does not exist."""
    lock = {"lockfileVersion": 3, "packages": {
        "": {"workspaces": ["apps/*"]},
        "apps/api": {"dependencies": {"tsx": "4.19.2"}},
        "node_modules/tsx": {"version": "4.19.2", "bin": {"tsx": "dist/cli.mjs"}},
    }}
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "r", "private": True, "workspaces": ["apps/*"]}),
        "package-lock.json": json.dumps(lock),
        "apps/api/package.json": pkg("@r/api", scripts={"start": "tsx src/index.ts"}, dependencies={"tsx": "4.19.2"}),
        "apps/api/src/index.ts": "",
    })
    plan, dockerfile, _ = render(tmp_path, "apps/api")
    assert 'CMD ["/app/node_modules/.bin/tsx", "src/index.ts"]' in dockerfile
    # a version only the app uses is nested under the app: the relative path is right
    lock["packages"]["apps/api/node_modules/tsx"] = lock["packages"].pop("node_modules/tsx")
    (tmp_path / "package-lock.json").write_text(json.dumps(lock))
    plan, dockerfile, _ = render(tmp_path, "apps/api")
    assert 'CMD ["node_modules/.bin/tsx", "src/index.ts"]' in dockerfile


def test_next_standalone_app_in_a_pnpm_monorepo_uses_the_framework_rule(tmp_path):
    """A Next.js app (output: 'standalone', transpilePackages of an internal ui lib) in a pnpm
    workspace: the image runs the traced server.js, which Next writes under standalone/<app>/
    because it traces from the repository root, with no install and no pnpm deploy."""
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "r", "private": True, "packageManager": "pnpm@9.15.0"}),
        "pnpm-workspace.yaml": "packages: ['apps/*', 'packages/*']\n",
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\nimporters:\n  .: {}\n  apps/web:\n    dependencies:\n      '@r/ui': {specifier: 'workspace:*', version: link:../../packages/ui}\n      next: {specifier: 15.1.3, version: 15.1.3}\n  packages/ui: {}\n",
        "packages/ui/package.json": json.dumps({"name": "@r/ui", "version": "1.0.0", "exports": {".": "./src/index.tsx"}}),
        "apps/web/package.json": pkg("@r/web", scripts={"build": "next build", "start": "next start"}, dependencies={"@r/ui": "workspace:*", "next": "15.1.3"}),
        "apps/web/next.config.mjs": "export default { output: 'standalone', transpilePackages: ['@r/ui'] };\n",
        "apps/web/public/robots.txt": "",
    })
    plan, dockerfile, _ = render(tmp_path, "apps/web")
    assert plan.value("framework") == "next (standalone)"
    assert plan.value("start_command") == ["node", "server.js"]
    assert "deploy" not in dockerfile and "AS deps" not in dockerfile
    assert "COPY --from=build /app/apps/web/.next/standalone/ ./\n" in dockerfile
    assert "COPY --from=build /app/apps/web/.next/static/ ./apps/web/.next/static/" in dockerfile
    assert "COPY --from=build /app/apps/web/public/ ./apps/web/public/" in dockerfile
    assert "WORKDIR /app/apps/web" in dockerfile and "HOSTNAME=0.0.0.0" in dockerfile
    assert "--mount=type=cache,id=web-next-cache,target=/app/apps/web/.next/cache" in dockerfile
    assert "chown 1000:1000 .next/cache" in dockerfile
    # without standalone, `next start` keeps the generic runtime with production dependencies
    (tmp_path / "apps/web/next.config.mjs").write_text("export default { transpilePackages: ['@r/ui'] };\n")
    plan, dockerfile, _ = render(tmp_path, "apps/web")
    assert "deploy --prod" in dockerfile and plan.value("start_command")[-1] == "start"


def test_framework_servers_in_a_pnpm_monorepo_use_the_framework_rule(tmp_path):
    """NestJS and SvelteKit adapter-node apps in a pnpm workspace get the single-app rule's start
    command and runtime files (relative to the app), with node_modules from pnpm deploy: never
    `nest start`, and no sources or configs beyond what the server reads."""
    lock = (
        "lockfileVersion: '9.0'\nimporters:\n  .: {}\n"
        "  apps/api:\n    dependencies:\n      '@r/lib': {specifier: 'workspace:*', version: link:../../packages/lib}\n"
        "      '@nestjs/core': {specifier: 10.4.15, version: 10.4.15}\n"
        "  apps/web:\n    dependencies:\n      '@r/lib': {specifier: 'workspace:*', version: link:../../packages/lib}\n"
        "    devDependencies:\n      '@sveltejs/kit': {specifier: 2.15.0, version: 2.15.0}\n"
        "      '@sveltejs/adapter-node': {specifier: 5.2.11, version: 5.2.11}\n"
        "  packages/lib: {}\n"
    )
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "r", "private": True, "packageManager": "pnpm@9.15.0"}),
        "pnpm-workspace.yaml": "packages: ['apps/*', 'packages/*']\n",
        "pnpm-lock.yaml": lock,
        "packages/lib/package.json": pkg("@r/lib", main="dist/index.js", scripts={"build": "tsc"}),
        "packages/lib/tsconfig.json": json.dumps({"compilerOptions": {"outDir": "dist"}}),
        "apps/api/package.json": pkg("@r/api", scripts={"build": "nest build", "start": "nest start", "start:prod": "node dist/main"},
                                     dependencies={"@r/lib": "workspace:*", "@nestjs/core": "10.4.15"}),
        "apps/api/nest-cli.json": json.dumps({"sourceRoot": "src"}),
        "apps/api/tsconfig.json": json.dumps({"compilerOptions": {"outDir": "./dist"}}),
        "apps/api/src/main.ts": "",
        "apps/web/package.json": pkg("@r/web", type="module", scripts={"build": "vite build", "start": "node build"},
                                     dependencies={"@r/lib": "workspace:*"},
                                     devDependencies={"@sveltejs/kit": "2.15.0", "@sveltejs/adapter-node": "5.2.11"}),
        "apps/web/svelte.config.js": "import adapter from '@sveltejs/adapter-node';\nexport default { kit: { adapter: adapter() } };\n",
        "apps/web/src/app.html": "",
    })
    plan, dockerfile, _ = render(tmp_path, "apps/api")
    assert plan.value("framework") == "nestjs"
    assert plan.value("start_command") == ["node", "dist/main.js"]
    assert "nest start" not in dockerfile.split("FROM base AS runtime")[1]
    assert "deploy --prod /deploy" in dockerfile
    runtime = dockerfile.split("FROM base AS runtime")[1]
    assert "COPY --from=build /deploy/node_modules/ ./node_modules/\n" in runtime
    assert "COPY --from=build /app/apps/api/dist/ ./dist/\n" in runtime
    assert "COPY --from=build /app/apps/api/package.json ./\n" in runtime
    assert "/deploy/ ./" not in runtime and "src" not in runtime  # not the whole app folder

    plan, dockerfile, _ = render(tmp_path, "apps/web")
    assert plan.value("framework") == "sveltekit (adapter-node)"
    assert plan.value("start_command") == ["node", "build"]
    assert plan.value("build_output") == "build"
    runtime = dockerfile.split("FROM base AS runtime")[1]
    assert "COPY --from=build /app/apps/web/build/ ./build/\n" in runtime
    assert "COPY --from=build /app/apps/web/package.json ./\n" in runtime
    assert "svelte.config.js" not in runtime and "WORKDIR" not in runtime


def test_pnpm_workspace_without_root_package_json(tmp_path):
    """pnpm accepts a workspace root that has only pnpm-workspace.yaml; so does scaffold."""
    from conftest import write_tree
    from scaffold.plan import plan_project
    from scaffold.project import Project
    from scaffold.render import render_plan

    write_tree(tmp_path, {
        "pnpm-workspace.yaml": 'packages:\n  - "apps/*"\n',
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n\nimporters:\n\n  apps/api: {}\n",
        "apps/api/package.json": '{"name": "api", "scripts": {"start": "node index.js"}}',
        "apps/api/index.js": "require('http').createServer().listen(3000)\n",
    })
    plan = plan_project(Project(tmp_path / "apps" / "api"), {})
    text = render_plan(plan)[plan.dockerfile_path]
    assert "COPY pnpm-lock.yaml pnpm-workspace.yaml ./" in text
    assert "COPY package.json" not in text


def test_the_roots_own_workspace_packages_reach_the_build(tmp_path):
    """Adrianmjim/nestjs-api-example: the root package.json devDepends on workspace configs
    (`@x/typescript-config`) that a package's tsconfig extends; pnpm's filtered install failed with
    ERR_PNPM_WORKSPACE_PKG_NOT_FOUND, then tsc could not find the base tsconfig."""
    work = shutil.copytree(PNPM, tmp_path / "repo")
    root = json.loads((work / "package.json").read_text())
    root.setdefault("devDependencies", {})["@demo/tsconfig"] = "workspace:*"
    (work / "package.json").write_text(json.dumps(root))
    (work / "packages/tsconfig").mkdir()
    (work / "packages/tsconfig/package.json").write_text(json.dumps({"name": "@demo/tsconfig", "version": "0.0.0"}))
    (work / "packages/tsconfig/base.json").write_text("{}\n")
    plan, dockerfile, _ = render(work, "apps/api", turbo=False)
    assert "COPY packages/tsconfig/package.json ./packages/tsconfig/" in dockerfile
    assert "COPY packages/tsconfig/ ./packages/tsconfig/" in dockerfile
    assert any("--filter=." in line for line in dockerfile.splitlines() if "pnpm install" in line and "--prod" not in line), dockerfile
    assert "packages/tsconfig" in plan.watch_paths
