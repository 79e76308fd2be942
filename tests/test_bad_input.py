"""Broken projects get one clear line naming the file, exit code 2, no traceback, nothing written."""

from __future__ import annotations

import json
import os

import pytest

from conftest import write_tree
from scaffold.cli import main

GOOD_PKG = json.dumps({"name": "demo", "main": "server.js", "dependencies": {"express": "^5.0.0"}})
GOOD_LOCK = json.dumps({"lockfileVersion": 3, "packages": {"": {"dependencies": {"express": "^5.0.0"}}}})
SERVER = "require('http').createServer().listen(3000)\n"


def _run(capsys, tmp_path):
    code = main(["init", str(tmp_path), "--yes"])
    out, err = capsys.readouterr()
    return code, out, err


CASES = {
    "invalid-json": (
        {"package.json": '{"name": "demo",, }', "server.js": SERVER},
        "package.json: cannot parse: invalid JSON at line 1",
    ),
    "package-json-not-object": ({"package.json": "[1, 2]", "server.js": SERVER}, "package.json: cannot parse: the top level is a list, not a JSON object"),
    "scripts-not-strings": ({"package.json": '{"scripts": {"start": 1}}', "server.js": SERVER}, 'package.json: cannot parse: "scripts" must be an object of strings'),
    "pnpm-lock-malformed": (
        {"package.json": GOOD_PKG, "pnpm-lock.yaml": "lockfileVersion: '9.0'\nimporters: [unclosed\n", "server.js": SERVER},
        "pnpm-lock.yaml: cannot parse: invalid YAML",
    ),
    "yarnrc-malformed": (
        {"package.json": GOOD_PKG, ".yarnrc.yml": "nodeLinker: [\n", "server.js": SERVER},
        ".yarnrc.yml: cannot parse: invalid YAML",
    ),
    "missing-entry": (
        {"package.json": json.dumps({"name": "demo", "scripts": {"start": "node server.js"}}), "index.html": "x"},
        "package.json: package.json > scripts > start runs server.js, which does not exist and no build script creates it",
    ),
    "no-start-at-all": ({"package.json": json.dumps({"name": "demo"})}, "package.json: no start command"),
    "engines-unsatisfiable": (
        {"package.json": json.dumps({"name": "demo", "main": "server.js", "engines": {"node": ">=99"}}), "server.js": SERVER},
        "package.json: no release satisfies '>=99'",
    ),
    "engines-invalid": (
        {"package.json": json.dumps({"name": "demo", "main": "server.js", "engines": {"node": "banana"}}), "server.js": SERVER},
        "package.json: cannot parse: engines.node 'banana' is not a semver range",
    ),
    "not-utf8": ({"package.json": b'{"name": "\xff\xfe"}', "server.js": SERVER}, "package.json: cannot parse: not UTF-8 text"),
    "nothing-detected": ({"README.md": "hello"}, "no supported project found"),
    # the app lives in src/: the error names the folder to pass
    "projects-in-two-subfolders": (
        {"README.md": "hello", "api/requirements.txt": "flask\n", "api/app.py": "x = 1\n", "web/package.json": "{}"},
        "no supported project at the top level, but api/ (requirements.txt), web/ (package.json) hold one (run scaffold in that folder: scaffold init api)",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_clear_line(case, tmp_path, capsys):
    files, expected = CASES[case]
    write_tree(tmp_path, files)
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = _run(capsys, tmp_path)
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("scaffold: error:")]
    assert len(lines) == 1, err
    assert expected in lines[0]
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "nothing may be written"


def test_huge_manifest_is_refused(tmp_path, capsys):
    write_tree(tmp_path, {"server.js": SERVER})
    with open(tmp_path / "package.json", "w") as fh:
        fh.write('{"name": "demo", "description": "')
        fh.write("x" * (5 * 1024 * 1024))
        fh.write('"}')
    code, _out, err = _run(capsys, tmp_path)
    assert code == 2
    assert "package.json: cannot read:" in err and "larger than" in err


def test_symlink_loop_is_reported(tmp_path, capsys):
    write_tree(tmp_path, {"server.js": SERVER})
    os.symlink(tmp_path / "package.json", tmp_path / "package.json.tmp")
    os.replace(tmp_path / "package.json.tmp", tmp_path / "package.json")  # package.json -> itself
    code, _out, err = _run(capsys, tmp_path)
    assert code == 2
    assert "package.json: cannot read: symbolic link loop" in err
    assert "Traceback" not in err


def test_symlinked_folder_loop_does_not_hang_the_scan(tmp_path, capsys):
    write_tree(tmp_path, {"package.json": GOOD_PKG, "package-lock.json": GOOD_LOCK, "server.js": SERVER, "src/a.js": "x"})
    os.symlink(tmp_path, tmp_path / "src" / "loop")
    code, _out, _err = _run(capsys, tmp_path)
    assert code == 0


def test_unreadable_file_via_error_path(tmp_path, capsys, monkeypatch):
    """Tests run as root in CI, and root ignores file modes: simulate EACCES where the read happens."""
    write_tree(tmp_path, {"package.json": GOOD_PKG, "server.js": SERVER})
    from pathlib import Path

    real = Path.read_bytes

    def deny(self):
        if self.name == "package.json":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    code, _out, err = _run(capsys, tmp_path)
    assert code == 2
    assert "package.json: cannot read: Permission denied" in err


def test_bad_flag_value_exits_2(tmp_path, capsys):
    write_tree(tmp_path, {"package.json": GOOD_PKG, "server.js": SERVER})
    with pytest.raises(SystemExit) as exc:
        main(["init", str(tmp_path), "--port", "70000"])
    assert exc.value.code == 2
    assert "70000 is not a port" in capsys.readouterr().err


def test_bad_node_version_flag(tmp_path, capsys):
    write_tree(tmp_path, {"package.json": GOOD_PKG, "server.js": SERVER})
    code = main(["init", str(tmp_path), "--yes", "--node-version", "banana"])
    assert code == 2
    assert "--node-version: cannot read 'banana'" in capsys.readouterr().err


def test_link_out_of_the_project_is_not_read_or_echoed(tmp_path, capsys, monkeypatch):
    """requirements.txt -> /proc/self/environ once printed the environment, tokens included, in the error."""
    import os

    from scaffold.cli import main

    monkeypatch.setenv("SCAFFOLD_TEST_SECRET", "hunter2-do-not-print")
    (tmp_path / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    os.symlink("/proc/self/environ", tmp_path / "requirements.txt")
    assert main(["plan", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "outside the project" in err and "hunter2" not in err and len(err.strip().splitlines()) == 1
