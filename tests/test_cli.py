"""The CLI end to end: what it prints, what it writes, and what it refuses to overwrite."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import EXAMPLES
from scaffold.cli import main


@pytest.fixture
def app(tmp_path):
    target = tmp_path / "app"
    shutil.copytree(EXAMPLES / "node-express-npm-v1", target)
    return target


def test_init_writes_files_and_prints_next_steps(app, capsys):
    assert main(["init", str(app), "--yes"]) == 0
    out, err = capsys.readouterr()
    assert (app / "Dockerfile").is_file() and (app / ".dockerignore").is_file()
    assert f"docker build -t node-express-npm-v1 {app}" not in out  # context is ".", run from the app folder
    assert "docker build -t node-express-npm-v1 ." in out
    assert "docker run -d --name node-express-npm-v1 -p 8080:8080 node-express-npm-v1" in out
    assert "docker logs -f node-express-npm-v1" in out
    assert "create  Dockerfile" in err


def test_dry_run_prints_and_writes_nothing(app, capsys):
    assert main(["init", str(app), "--yes", "--dry-run"]) == 0
    out, _ = capsys.readouterr()
    assert "FROM node:${NODE_VERSION}-trixie-slim AS base" in out
    assert not (app / "Dockerfile").exists() and not (app / ".scaffold.json").exists()


def test_plan_json_is_sorted_with_schema_version(app, capsys):
    assert main(["plan", str(app), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema_version"] == 1
    assert data["decisions"]["port"] == {"value": 8080, "source": "index.js:13 (listen())", "origin": "project"}
    assert list(data["decisions"]) == sorted(data["decisions"])


def test_plan_text_shows_value_and_source(app, capsys):
    assert main(["plan", str(app)]) == 0
    out = capsys.readouterr().out
    assert "start_command    node index.js  <- package.json > main" in out


def test_rerun_is_identical_and_touches_nothing(app, capsys):
    assert main(["init", str(app), "--yes"]) == 0
    stamp = (app / "Dockerfile").stat().st_mtime_ns
    before = (app / "Dockerfile").read_bytes()
    capsys.readouterr()
    assert main(["init", str(app), "--yes"]) == 0
    _, err = capsys.readouterr()
    assert "up to date" in err
    assert (app / "Dockerfile").read_bytes() == before
    assert (app / "Dockerfile").stat().st_mtime_ns == stamp


def test_edited_file_is_merged_never_overwritten_without_force(app, capsys):
    assert main(["init", str(app), "--yes"]) == 0
    edited = (app / "Dockerfile").read_text() + "# my edit\n"
    (app / "Dockerfile").write_text(edited)
    capsys.readouterr()
    # A change scaffold brings in elsewhere in the file: 3-way merged, the edit stays.
    assert main(["init", str(app), "--yes", "--port", "9000"]) == 0
    merged = (app / "Dockerfile").read_text()
    assert "EXPOSE 9000" in merged and merged.endswith("# my edit\n")
    # An edit of the very line scaffold changes: conflict markers, exit 1.
    (app / "Dockerfile").write_text(merged.replace("EXPOSE 9000", "EXPOSE 9999"))
    assert main(["init", str(app), "--yes", "--port", "9001"]) == 1
    conflicted = (app / "Dockerfile").read_text()
    assert "<<<<<<< your edits\nEXPOSE 9999\n=======\nEXPOSE 9001\n>>>>>>> scaffold\n" in conflicted
    assert main(["init", str(app), "--yes", "--port", "9002", "--force"]) == 0
    assert (app / "Dockerfile.scaffold-backup").read_text() == conflicted
    assert "EXPOSE 9002" in (app / "Dockerfile").read_text()


def test_existing_unrelated_dockerfile_is_a_conflict(app, capsys):
    (app / "Dockerfile").write_text("FROM scratch\n")
    assert main(["init", str(app), "--yes"]) == 1
    assert (app / "Dockerfile").read_text() == "FROM scratch\n"
    assert not (app / ".dockerignore").exists(), "nothing is half-written"
    assert "not written by scaffold or changed outside its record: Dockerfile" in capsys.readouterr().err


def test_check_reports_drift(app, capsys):
    assert main(["init", str(app), "--yes"]) == 0
    assert main(["init", str(app), "--check"]) == 0
    (app / "index.js").write_text((app / "index.js").read_text().replace("8080", "8081"))
    assert main(["init", str(app), "--check"]) == 1


def test_answers_are_remembered(app, capsys):
    assert main(["init", str(app), "--yes", "--port", "9100"]) == 0
    assert main(["init", str(app), "--yes"]) == 0
    assert "EXPOSE 9100" in (app / "Dockerfile").read_text()


def test_module_entry_point(app):
    result = subprocess.run([sys.executable, "-m", "scaffold", "plan", str(app), "--json"], capture_output=True, text=True)
    assert result.returncode == 0 and json.loads(result.stdout)["ecosystem"] == "node"


def test_cli_start_up_imports_nothing_heavy():
    code = "import sys, scaffold.cli; print(','.join(m for m in ('jinja2','questionary','copier','yaml','nodesemver') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_a_dry_run_on_a_single_app_never_compiles_the_gitignore_matcher():
    """pathspec costs a third of the start-up budget to import; the plain matcher answers every
    fixed .dockerignore line and secret check, so a run that imports it has a path the shortcut misses."""
    names = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir() and not p.name.startswith("monorepo-"))
    code = (
        "import sys, io, contextlib\n"
        "from scaffold.cli import main\n"
        "bad = []\n"
        f"for name in {names!r}:\n"
        "    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"        main(['init', '--yes', '--dry-run', {str(EXAMPLES)!r} + '/' + name])\n"
        "    if 'pathspec' in sys.modules:\n"
        "        bad.append(name); break\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"pathspec imported on {result.stdout.strip()}"
