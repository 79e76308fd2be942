"""`scaffold build` and `scaffold run`: thin wrappers over the docker CLI.

They run exactly the commands the Dockerfile header and README.Docker.md print,
so what works here works by hand. An unreachable engine becomes one clear line
(DockerUnavailableError) before anything is attempted, instead of a docker
usage dump half-way through.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.errors import DockerCommandError, DockerUnavailableError, UsageError

if TYPE_CHECKING:
    from scaffold.plan.model import BuildPlan

ENGINE_TIMEOUT = 20  # seconds for `docker version` to reach the engine


@dataclass(frozen=True)
class Started:
    container_id: str
    url: str


def ensure_engine() -> None:
    """Raise DockerUnavailableError unless a Docker engine answers."""
    if shutil.which("docker") is None:
        raise DockerUnavailableError(detail="the docker command is not installed or not on PATH")
    try:
        result = subprocess.run(
            ["docker", "version", "--format", "{{.Server.Version}}"],
            capture_output=True, text=True, timeout=ENGINE_TIMEOUT, check=False,
        )
    except subprocess.TimeoutExpired:
        where = os.environ.get("DOCKER_HOST") or "the default socket"
        raise DockerUnavailableError(detail=f"{where} did not answer within {ENGINE_TIMEOUT} s") from None
    if result.returncode != 0 or not result.stdout.strip():
        raise DockerUnavailableError(detail=_last_line(result.stderr) or f"docker version exited with {result.returncode}")


def build_command(plan: BuildPlan) -> list[str]:
    """`docker build` as printed in the next steps; run from the project root."""
    command = ["docker", "build", "-t", plan.image_name, "-f", plan.dockerfile_path]
    for secret in plan.build_secrets:
        command += ["--secret", secret.flag()]
    return [*command, plan.build_context]


def run_command(plan: BuildPlan, host_port: int | None = None) -> list[str]:
    return ["docker", "run", "-d", *_container_args(plan, host_port)]


def _container_args(plan: BuildPlan, host_port: int | None) -> list[str]:
    if not plan.serves_http:
        return [plan.image_name]
    return ["-p", f"{host_port or plan.port}:{plan.port}", plan.image_name]


def build(root: Path, plan: BuildPlan) -> None:
    """Build the image, streaming docker's own output; raise if the build fails."""
    dockerfile = root / plan.dockerfile_path
    if not dockerfile.is_file():
        raise UsageError(f"{dockerfile}: not found", hint="run `scaffold init` first")
    ensure_engine()
    command = build_command(plan)
    print("+ " + " ".join(command), file=sys.stderr, flush=True)
    # BuildKit is required for the RUN --mount cache and secret mounts the Dockerfile uses.
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    code = subprocess.run(command, cwd=root, env=env, check=False).returncode
    if code != 0:
        raise DockerCommandError(command="docker build", code=code)


def run(root: Path, plan: BuildPlan, host_port: int | None = None) -> Started:
    """Start the built image in the background and say where it answers."""
    ensure_engine()
    inspect = subprocess.run(["docker", "image", "inspect", plan.image_name], capture_output=True, text=True, check=False)
    if inspect.returncode != 0:
        raise UsageError(f"image {plan.image_name!r} not found", hint="run `scaffold build` first")
    command = run_command(plan, host_port)
    print("+ " + " ".join(command), file=sys.stderr, flush=True)
    # `docker run -d` as create + start, so a container that cannot start (a port already
    # taken) is removed instead of left behind in the Created state.
    created = subprocess.run(["docker", "create", *_container_args(plan, host_port)], cwd=root, capture_output=True, text=True, check=False)
    if created.returncode != 0:
        raise DockerCommandError(command="docker run", code=created.returncode, detail=_docker_error(created.stderr))
    container = created.stdout.strip()
    started = subprocess.run(["docker", "start", container], capture_output=True, text=True, check=False)
    if started.returncode != 0:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True, check=False)
        raise DockerCommandError(command="docker run", code=started.returncode, detail=_docker_error(started.stderr))
    return Started(container_id=container[:12], url=f"http://localhost:{host_port or plan.port}/")


def _docker_error(stderr: str) -> str:
    """Docker's own reason, without its "Error response from daemon" framing and usage hints."""
    for line in stderr.splitlines():
        line = line.strip()
        if line and not line.startswith("Run 'docker"):
            for prefix in ("docker: ", "Error response from daemon: ", "Error: "):
                line = line.removeprefix(prefix)
            return line
    return _last_line(stderr)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""
