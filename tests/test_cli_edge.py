"""The CLI at its edges: bad flag values, bad paths, a broken or newer record, failing writes.

Each case is a user mistake or an environment failure: it must end in one
line on stderr naming what and where, a non-zero exit code, no traceback,
and no half-written project.
"""

from __future__ import annotations

import errno
import json
import os
import shutil

import pytest

from conftest import EXAMPLES
from scaffold import write
from scaffold.cli import main


@pytest.fixture
def app(tmp_path):
    target = tmp_path / "app"
    shutil.copytree(EXAMPLES / "node-express-npm-v1", target)
    return target


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


# -- flag values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--start", ""], "argument --start: must not be empty"),
        (["--base-image", ""], "argument --base-image: must not be empty"),
        (["--base-image", "node 24"], "is not an image reference"),
        (["--name", ""], "argument --name: must not be empty"),
        (["--name", "My App"], "is not an image name"),
        (["--name", "ghcr.io/me/app"], "is not an image name"),
    ],
)
def test_bad_flag_values_are_refused_before_anything_runs(app, capsys, flags, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["init", str(app), "--yes", *flags])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not (app / "Dockerfile").exists()


@pytest.mark.parametrize("ref", ["node:24-trixie-slim", "registry.local:5000/base/node:24", "node@sha256:" + "a" * 64])
def test_valid_base_images_are_accepted(app, capsys, ref):
    assert main(["plan", str(app), "--base-image", ref]) == 0
    assert f"base_image       {ref}  <- --base-image" in capsys.readouterr().out


@pytest.mark.parametrize("version", ["99", "7"])
def test_node_version_override_without_an_image_is_refused(app, capsys, version):
    """A line with no node:<N>-*-slim image would only fail in docker build: refused up front, with the lines."""
    assert main(["plan", str(app), "--node-version", version]) == 2
    err = capsys.readouterr().err
    assert f"Node {version} has no Debian slim image" in err and "supported lines: 22, 24, 26" in err


def test_end_of_life_node_line_is_a_warning(app, capsys):
    assert main(["plan", str(app), "--node-version", "18"]) == 0
    assert "warning: --node-version: Node 18 is not a supported release line" in capsys.readouterr().out


def test_end_of_life_node_pin_names_its_file_and_what_to_pass(tmp_path, capsys):
    (tmp_path / "package.json").write_text('{"name": "demo", "scripts": {"start": "node index.js"}}')
    (tmp_path / "index.js").write_text("require('http').createServer().listen(3000)\n")
    (tmp_path / ".node-version").write_text("v20.9.0\n")
    assert main(["plan", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "warning: .node-version: Node 20 is not a supported release line" in out
    from scaffold.data import versions

    assert f"pass --node-version {int(versions()['node']['lts'])} (or change .node-version) to move" in out


def test_alpine_base_image_is_refused(app, capsys):
    assert main(["plan", str(app), "--base-image", "node:24-alpine"]) == 2
    assert "Alpine (musl) image cannot run this Dockerfile" in capsys.readouterr().err


def test_plan_prints_yes_no_none(app, capsys):
    assert main(["plan", str(app)]) == 0
    out = capsys.readouterr().out
    assert "True" not in out and "None" not in out


# -- paths ------------------------------------------------------------------------------


def test_missing_path_and_file_path_say_which(tmp_path, capsys):
    (tmp_path / "file.txt").write_text("x")
    assert main(["plan", str(tmp_path / "nope")]) == 2
    assert "nope: no such folder" in capsys.readouterr().err
    assert main(["init", "--yes", str(tmp_path / "file.txt")]) == 2
    assert "file.txt: is a file, not a folder" in capsys.readouterr().err


# -- .scaffold.json ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ['{"answers": {"port": 3000}, broken', "[1, 2]"])
def test_malformed_record_is_an_error_and_is_never_replaced(app, capsys, text):
    """Ignoring it would silently drop the saved answers and then overwrite the file that held them."""
    assert main(["init", str(app), "--yes", "--port", "3000"]) == 0
    (app / ".scaffold.json").write_text(text)
    capsys.readouterr()
    for argv in (["init", "--yes"], ["init", "--yes", "--force"], ["init", "--check"], ["build"], ["plan"]):
        assert main([argv[0], str(app), *argv[1:]]) == 2, argv
        err = capsys.readouterr().err
        assert ".scaffold.json: cannot parse" in err and "delete it to start over" in err
        assert "Traceback" not in err
    assert (app / ".scaffold.json").read_text() == text


def test_record_from_a_newer_scaffold_is_not_rewritten_without_force(app, capsys):
    assert main(["init", str(app), "--yes"]) == 0
    state = json.loads((app / ".scaffold.json").read_text())
    state["scaffold_version"] = "99.0.0"
    (app / ".scaffold.json").write_text(json.dumps(state))
    before = (app / ".scaffold.json").read_text()
    capsys.readouterr()
    assert main(["init", str(app), "--yes", "--port", "3000"]) == 2
    assert "written by scaffold 99.0.0, newer than this scaffold" in capsys.readouterr().err
    assert (app / ".scaffold.json").read_text() == before
    assert main(["init", str(app), "--check"]) == 0  # previews still work
    assert main(["init", str(app), "--yes", "--force"]) == 0
    assert json.loads((app / ".scaffold.json").read_text())["scaffold_version"] != "99.0.0"


# -- failing writes -----------------------------------------------------------------------


def test_unwritable_folder_is_one_line_and_writes_nothing(app, capsys, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    before = _names(app)
    assert main(["init", str(app), "--yes"]) == 2
    err = capsys.readouterr().err
    assert "Dockerfile: cannot write: Permission denied (nothing was changed;" in err
    assert "Traceback" not in err
    assert _names(app) == before


def test_disk_full_while_writing_leaves_the_project_as_it_was(app, capsys, monkeypatch):
    """The third file (.scaffold.json) fails: the Dockerfile written before it must not appear without its record."""
    real_fsync = os.fsync
    calls = {"n": 0}

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(write.os, "fsync", fsync)
    before = _names(app)
    assert main(["init", str(app), "--yes"]) == 2
    err = capsys.readouterr().err
    assert ".scaffold.json: cannot write: No space left on device (nothing was changed;" in err
    assert _names(app) == before  # no Dockerfile, no .dockerignore, no temporary files


def test_disk_full_on_rerun_keeps_old_files_and_record(app, capsys, monkeypatch):
    assert main(["init", str(app), "--yes"]) == 0
    snapshot = {p.name: p.read_bytes() for p in app.iterdir() if p.is_file()}
    monkeypatch.setattr(write.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device")))
    assert main(["init", str(app), "--yes", "--port", "3000"]) == 2
    assert {p.name: p.read_bytes() for p in app.iterdir() if p.is_file()} == snapshot


def test_force_backup_is_part_of_the_same_all_or_nothing_write(app, capsys, monkeypatch):
    (app / "Dockerfile").write_text("FROM scratch\n")
    real_fsync = os.fsync
    calls = {"n": 0}

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] == 2:  # the backup is staged, then the new Dockerfile fails
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(write.os, "fsync", fsync)
    assert main(["init", str(app), "--yes", "--force"]) == 2
    assert (app / "Dockerfile").read_text() == "FROM scratch\n"
    assert not (app / "Dockerfile.scaffold-backup").exists()


def test_unreadable_dockerfile_is_named(app, capsys):
    (app / "Dockerfile").write_bytes(b"FROM node\n\xff\xfe\n")
    assert main(["init", str(app), "--yes"]) == 2
    err = capsys.readouterr().err
    assert "Dockerfile: cannot read:" in err and "Traceback" not in err


# -- plan explains what init writes ----------------------------------------------------------


def test_plan_uses_saved_answers_like_init_does(app, capsys):
    assert main(["init", str(app), "--yes", "--port", "3000"]) == 0
    capsys.readouterr()
    assert main(["plan", str(app)]) == 0
    out = capsys.readouterr().out
    assert "port             3000  <- --port" in out
    assert "note: answers saved in .scaffold.json (shown as their flags above): port=3000" in out
    assert main(["plan", str(app), "--port", "4000"]) == 0  # a flag still wins, and is not listed as saved
    out = capsys.readouterr().out
    assert "port             4000  <- --port" in out and "saved in .scaffold.json" not in out
    assert main(["plan", str(app), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["decisions"]["port"]["value"] == 3000


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"port": "abc"}, "answers > port: 'abc' is not a number"),
        ({"port": 0}, "answers > port: 0 is not a port"),
        ({"healthcheck": "no"}, "answers > healthcheck: 'no' is not true or false"),
        ({"turbo": "maybe"}, "answers > turbo: 'maybe' is not true or false"),  # a provider's switch option
        ({"ci": "gitlab"}, "answers > ci: 'gitlab' is not one of github, none"),
        ({"base_image": "a b"}, "answers > base_image: 'a b' is not an image reference"),
        ({"start": ""}, "answers > start: must not be empty"),
    ],
)
def test_hand_edited_saved_answers_are_checked_like_flags(app, capsys, answers, message):
    """A wrong type in .scaffold.json used to end in a traceback from deep inside planning."""
    (app / ".scaffold.json").write_text(json.dumps({"answers": answers}))
    for argv in (["init", "--yes", "--dry-run"], ["plan"]):
        assert main([argv[0], str(app), *argv[1:]]) == 2
        err = capsys.readouterr().err
        assert f".scaffold.json: {message}" in err and "Traceback" not in err


def test_saved_answers_written_loosely_still_work(app, capsys):
    (app / ".scaffold.json").write_text(json.dumps({"answers": {"port": "3000", "node_version": 24, "later_key": 1}}))
    assert main(["plan", str(app)]) == 0
    out = capsys.readouterr().out
    assert "port             3000  <- --port" in out and "node_version     24  <- --node-version" in out


def test_no_input_variable_is_named_when_it_stops_the_questions(app, capsys, monkeypatch):
    monkeypatch.setenv("SCAFFOLD_NO_INPUT", "1")
    assert main(["init", str(app)]) == 0
    assert "scaffold: SCAFFOLD_NO_INPUT=1 is set: using the detected values" in capsys.readouterr().err


def test_closed_stdout_is_not_a_traceback(app):
    """`scaffold plan --json | head -1`: the reader is gone before scaffold writes."""
    import subprocess
    import sys

    from conftest import ROOT

    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "scaffold", "plan", "--json", str(app)],
            stdout=write_end, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 141
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_plan_at_a_monorepo_root_does_not_offer_all(capsys):
    """`plan` takes one app; its hint must not suggest a flag it does not have."""
    from conftest import EXAMPLES
    from scaffold.cli import main

    assert main(["plan", str(EXAMPLES / "monorepo-pnpm-turbo")]) == 2
    err = capsys.readouterr().err
    assert "choose an app (deployable apps: apps/api, apps/web)" in err
    assert "pass --app apps/api for one app" in err and "--all" not in err
