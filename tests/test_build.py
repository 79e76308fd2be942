"""Every example, built and run for real: docker build, docker run, HTTP 200.

Skipped with the reason when no Docker engine answers; with
SCAFFOLD_REQUIRE_DOCKER=1 (set by .ci/run) a missing engine fails instead, so
CI can never pass by skipping. Base images are the local stand-ins from
../shared/tools/docker-sandbox, since no registry is reachable here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, SANDBOX, docker_required, example_targets, sandbox_env
from scaffold.cli import main as scaffold_main

pytestmark = pytest.mark.docker
TARGETS = example_targets()
PROBE_SECONDS = 30


def _engine_ok() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0


@pytest.fixture(scope="session")
def docker_engine() -> None:
    if not _engine_ok():
        if docker_required():
            pytest.fail("SCAFFOLD_REQUIRE_DOCKER=1 but no Docker engine answers (run ../shared/tools/docker-sandbox up)")
        pytest.skip("no Docker engine reachable; set SCAFFOLD_REQUIRE_DOCKER=1 to make this a failure")


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def _prepare(tmp_path: Path, folder: Path, app: str | None) -> tuple[Path, dict]:
    """Copy the example, run `scaffold init --yes` on the copy, return (context, plan json)."""
    work = tmp_path / folder.name
    shutil.copytree(folder, work, ignore=shutil.ignore_patterns("node_modules", ".venv", "__pycache__"))
    target = work / app if app else work
    argv = ["init", str(target), "--yes"]
    assert scaffold_main(argv) == 0
    from scaffold.plan import plan_project
    from scaffold.project import Project

    plan = plan_project(Project(target), {"app": app} if app else {})
    return work, plan.to_dict()


def _node_module_probe(name: str) -> list[str]:
    return ["sh", "-c", f"find /app -type d -path '*/node_modules/{name}' 2>/dev/null | grep -q ."]


def _dev_probes(folder: Path, app: str | None, kept: set[str] = frozenset()) -> list[list[str]]:
    """Commands that must FAIL in the final image: each looks for one dev-only dependency.

    ``kept``: devDependencies the plan keeps on purpose because the start command needs them.
    """
    base = folder / app if app else folder
    probes: list[list[str]] = []
    if (base / "package.json").is_file():
        manifest = json.loads((base / "package.json").read_text())
        dev = set(manifest.get("devDependencies", {})) - set(manifest.get("dependencies", {})) - kept
        for name in sorted(dev):
            probes.append(_node_module_probe(name))
    dev_py: set[str] = set()
    if (base / "pyproject.toml").is_file():
        data = tomllib.loads((base / "pyproject.toml").read_text())
        for group in (data.get("dependency-groups") or {}).values():
            dev_py.update(_req_name(r) for r in group if isinstance(r, str))
        for group in ((data.get("tool") or {}).get("poetry", {}).get("group") or {}).values():
            dev_py.update(group.get("dependencies", {}))
    if (base / "Pipfile").is_file():
        dev_py.update(tomllib.loads((base / "Pipfile").read_text()).get("dev-packages", {}))
    if (base / "requirements-dev.txt").is_file():
        for line in (base / "requirements-dev.txt").read_text().splitlines():
            if line.strip() and not line.startswith(("#", "-")):
                dev_py.add(_req_name(line))
    for name in sorted(dev_py):
        module = name.lower().replace("-", "_")
        probes.append(["python", "-c", f"import importlib.util,sys; sys.exit(0 if importlib.util.find_spec('{module}') else 1)"])
    return probes


def _process_uid(container: str) -> str:
    """The uid the app's process runs as, read from the host's /proc: distroless images have no `id`."""
    pid = _run(["docker", "inspect", "-f", "{{.State.Pid}}", container]).stdout.strip()
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # the engine runs elsewhere (rootless, a VM): ask the container instead
        return _run(["docker", "exec", container, "id", "-u"]).stdout.strip()
    return next((line.split()[1] for line in status.splitlines() if line.startswith("Uid:")), "")


def _assert_healthcheck_passes(container: str, tag: str) -> None:
    """The image's own HEALTHCHECK command, run once now, succeeds: without a shell or curl where there is none."""
    test = json.loads(_run(["docker", "inspect", "-f", "{{json .Config.Healthcheck}}", tag]).stdout or "null")
    if not test or not test.get("Test") or test["Test"][0] == "NONE":
        return
    kind, *argv = test["Test"]
    command = argv if kind == "CMD" else ["sh", "-c", argv[0]]
    result = _run(["docker", "exec", container, *command], timeout=30)
    assert result.returncode == 0, f"HEALTHCHECK {test['Test']} failed: {result.stdout[-500:]}{result.stderr[-500:]}"


# Paths that mean a compiler, a package manager's cache or the sources were left in a compiled
# stack's runtime image: the final stage should hold the binary and the files it reads.
_COMPILED_LEFTOVERS = {
    "go.mod": ("usr/local/go/", "go/pkg/mod/", "root/.cache/go-build/", ".go"),
    "go.work": ("usr/local/go/", "go/pkg/mod/", "root/.cache/go-build/", ".go"),
    "Cargo.toml": ("usr/local/cargo/", "usr/local/rustup/", ".rs", "Cargo.toml", "app/target/"),
}


def _toolchain_left(container: str, folder: Path, app: str | None) -> list[str]:
    base = folder / app if app else folder
    marks = next((v for k, v in _COMPILED_LEFTOVERS.items() if (base / k).is_file()), None)
    if marks is None:
        return []
    import io
    import tarfile

    exported = subprocess.run(["docker", "export", container], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(exported)) as tar:
        names = tar.getnames()
    return [n for n in names if any(n.startswith(m) if m.endswith("/") else n.endswith(m) for m in marks)]


def _req_name(req: str) -> str:
    return re.split(r"[\s<>=!~\[;]", req.strip(), maxsplit=1)[0]


def _probe(url: str, deadline: float) -> tuple[int | None, str]:
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as resp:
                return resp.status, resp.read(200).decode(errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, ""
        except Exception as exc:  # not listening yet
            last = str(exc)
            time.sleep(0.5)
    return None, last


@pytest.mark.parametrize(("name", "folder", "app"), TARGETS, ids=[t[0] for t in TARGETS])
def test_example_builds_runs_and_answers(name, folder, app, tmp_path, docker_engine):
    work, plan = _prepare(tmp_path, folder, app)
    files = plan["files"]
    # paths in the plan are relative to the build context root (the repo root for monorepo apps)
    context = work / files["context"]
    dockerfile = context / files["dockerfile"]
    base = _run(["bash", str(SANDBOX), "base", "--for", str(dockerfile)], timeout=900, env=sandbox_env())
    assert base.returncode == 0, base.stderr[-2000:]
    tag = f"scaffold-test/{name}:latest"
    build = _run(["docker", "build", "-f", str(dockerfile), "-t", tag, str(context)], timeout=1200)
    assert build.returncode == 0, build.stderr[-4000:]
    port = plan["decisions"]["port"]["value"]
    container = f"scaffold-test-{name}"
    _run(["docker", "rm", "-f", container])
    started = _run(["docker", "run", "-d", "--name", container, "-p", f"127.0.0.1::{port}", tag])
    assert started.returncode == 0, started.stderr
    try:
        mapped = _run(["docker", "port", container, f"{port}/tcp"]).stdout.strip().splitlines()[0]
        status, body = _probe(f"http://{mapped}/", time.monotonic() + PROBE_SECONDS)
        logs = _run(["docker", "logs", container])
        assert status == 200, f"no HTTP 200 on / within {PROBE_SECONDS}s ({body}); logs:\n{logs.stdout[-1500:]}{logs.stderr[-1500:]}"
        uid = _process_uid(container)
        assert uid.isdigit() and int(uid) != 0, f"container runs as uid {uid!r}"
        _assert_healthcheck_passes(container, tag)
        user = _run(["docker", "inspect", "-f", "{{.Config.User}}", tag]).stdout.strip()
        assert re.match(r"^[1-9][0-9]*(:[0-9]+)?$", user), f"USER must be numeric and non-root, got {user!r}"
        for folder_name in (plan["dockerfile"].get("writable_dirs") or "").split():
            wrote = _run(["docker", "exec", container, "sh", "-c", f"touch {folder_name}/.scaffold-probe"])
            assert wrote.returncode == 0, f"the app user cannot write {folder_name}: {wrote.stderr}"
        kept = set((plan["decisions"].get("kept_dev_dependencies") or {}).get("value") or [])
        for probe in _dev_probes(folder, app, kept):
            found = _run(["docker", "exec", container, *probe])
            assert found.returncode != 0, f"dev dependency present in the final image: {probe[-1]}"
        for name in sorted(kept):  # the start command needs these: the plan says so, and the image must have them
            found = _run(["docker", "exec", container, *_node_module_probe(name)])
            assert found.returncode == 0, f"{name} is kept for the start command, but the image has no node_modules/{name}"
        toolchain = _toolchain_left(container, folder, app)
        assert not toolchain, f"build tools or sources in the final image: {toolchain[:5]}"
    finally:
        _run(["docker", "rm", "-f", container])


def test_go_cross_compiles_for_arm64_without_emulation(tmp_path, docker_engine):
    """`--platform linux/arm64` compiles on the build machine's own Go: the binary is aarch64, no QEMU ran.

    Only the build stage is built: the stand-in runtime images exist for amd64 alone.
    (Rust's cross build needs `rustup target add`, which downloads from a host this
    machine cannot reach, so only Go is checked here.)
    """
    folder = ROOT / "examples" / "go-stdlib"
    work, _plan = _prepare(tmp_path, folder, None)
    base = _run(["bash", str(SANDBOX), "base", "--for", str(work / "Dockerfile")], timeout=900, env=sandbox_env())
    assert base.returncode == 0, base.stderr[-2000:]
    tag = "scaffold-test/go-stdlib-arm64-build:latest"
    build = _run(["docker", "build", "--platform", "linux/arm64", "--target", "build", "-t", tag, str(work)], timeout=1200)
    assert build.returncode == 0, build.stderr[-3000:]
    container = _run(["docker", "create", tag, "true"]).stdout.strip()
    try:
        copied = _run(["docker", "cp", f"{container}:/out/go-stdlib", str(tmp_path / "bin")])
        assert copied.returncode == 0, copied.stderr
    finally:
        _run(["docker", "rm", "-f", container])
    header = (tmp_path / "bin").read_bytes()[:20]
    assert header[:4] == b"\x7fELF" and int.from_bytes(header[18:20], "little") == 0xB7, "not an aarch64 ELF binary"


def test_loopback_only_server_answers_through_the_bridge(tmp_path, docker_engine):
    """A Go server bound to localhost:PORT in its code still answers from outside, and stops on SIGTERM."""
    from conftest import write_tree

    code = 'package main\n\nimport (\n\t"fmt"\n\t"net/http"\n)\n\nfunc main() {\n\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "hi") })\n\thttp.ListenAndServe("localhost:8099", nil)\n}\n'
    work = write_tree(tmp_path / "loopback", {"go.mod": "module example.com/loopback\n\ngo 1.26\n", "main.go": code})
    assert scaffold_main(["init", str(work), "--yes"]) == 0
    assert "loopback-bridge" in (work / "Dockerfile").read_text()
    base = _run(["bash", str(SANDBOX), "base", "--for", str(work / "Dockerfile")], timeout=900, env=sandbox_env())
    assert base.returncode == 0, base.stderr[-2000:]
    tag = "scaffold-test/loopback-bridge:latest"
    build = _run(["docker", "build", "-t", tag, str(work)], timeout=1200)
    assert build.returncode == 0, build.stderr[-3000:]
    container = "scaffold-test-loopback-bridge"
    _run(["docker", "rm", "-f", container])
    assert _run(["docker", "run", "-d", "--name", container, "-p", "127.0.0.1::8099", tag]).returncode == 0
    try:
        mapped = _run(["docker", "port", container, "8099/tcp"]).stdout.strip().splitlines()[0]
        status, _ = _probe(f"http://{mapped}/", time.monotonic() + PROBE_SECONDS)
        assert status == 200
        _assert_healthcheck_passes(container, tag)
        stopped = _run(["docker", "stop", "-t", "5", container])
        assert stopped.returncode == 0
        code = _run(["docker", "inspect", "-f", "{{.State.ExitCode}}", container]).stdout.strip()
        assert code == "143", f"SIGTERM reached the app through the bridge: exit {code}"
    finally:
        _run(["docker", "rm", "-f", container])
