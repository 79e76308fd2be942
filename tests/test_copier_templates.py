"""Copier: the built-in templates as a Copier template, and a team's own templates.

The built-in templates must give byte-identical output through Copier and
through scaffold's fast path, for every example. Team templates get the
detected answers as data, write through scaffold's safe path, and `scaffold
update` brings in a new git-tagged version with Copier's 3-way update.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import example_targets

from scaffold import team_template
from scaffold.cli import main
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.render import render_plan, templates_dir

REPO = Path(__file__).resolve().parent.parent
TARGETS = example_targets()  # (id, example folder, monorepo app or None)
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def copy_example(name: str, dest: Path) -> Path:
    shutil.copytree(REPO / "examples" / name, dest, ignore=shutil.ignore_patterns("node_modules"))
    return dest


# -- the built-in templates through Copier ---------------------------------------------------


@pytest.mark.parametrize(("name", "folder", "app"), TARGETS, ids=[t[0] for t in TARGETS])
def test_builtin_templates_render_identically_through_copier(name, folder, app):
    plan = plan_project(Project(folder), {"app": app} if app else {})
    fast = render_plan(plan)
    through_copier = team_template.render(str(templates_dir()), team_template.template_data(plan))
    assert through_copier.files == fast, (
        "Copier's output differs from the fast path: every file render_plan() writes needs a wrapper in "
        "templates/copier/ named after its path in plan.files"
    )


def test_copier_cli_renders_the_builtin_template_from_scaffold_plan_json(tmp_path):
    root = copy_example("node-typescript-npm", tmp_path / "app")
    plan_json = subprocess.run(
        [sys.executable, "-m", "scaffold", "plan", "--json", str(root)], capture_output=True, text=True, env=_env(), check=True
    ).stdout
    (tmp_path / "plan.json").write_text(plan_json)
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--defaults", "--quiet", "--data-file", str(tmp_path / "plan.json"), str(templates_dir()), str(out)],
        capture_output=True, text=True, env=_env(), check=True,
    )
    expected = render_plan(plan_project(Project(root), {}))
    assert {p: (out / p).read_text() for p in expected} == expected
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)


def test_init_with_the_builtin_template_through_copier_matches_the_fast_path(tmp_path):
    fast = copy_example("node-express-yarn-classic", tmp_path / "fast")
    slow = copy_example("node-express-yarn-classic", tmp_path / "copier")
    assert main(["init", "--yes", str(fast)]) == 0
    assert main(["init", "--yes", "--template", str(templates_dir()), str(slow)]) == 0
    for name in ("Dockerfile", ".dockerignore"):
        assert (slow / name).read_bytes() == (fast / name).read_bytes()
    assert json.loads((slow / ".scaffold.json").read_text())["template"]["src"] == str(templates_dir())


# -- a team's template --------------------------------------------------------------------------

TEAM_COPIER_YML = """\
_templates_suffix: .jinja
_answers_file: .copier-answers.yml
node_version:
  type: str
  help: Node.js major
port:
  type: int
  default: 8000
start_command:
  type: yaml
  help: argv of the start command
registry:
  type: str
  default: registry.example.com/mirror
"""

TEAM_DOCKERFILE = """\
FROM {{ registry }}/node:{{ node_version }}-slim
WORKDIR /app
COPY . .
USER 1000:1000
EXPOSE {{ port }}
CMD {{ start_command | tojson }}
"""

ANSWERS_JINJA = "# Written by Copier; do not edit by hand\n{{ _copier_answers | to_nice_yaml -}}\n"


def make_team_template(where: Path, dockerfile: str = TEAM_DOCKERFILE) -> Path:
    where.mkdir(parents=True)
    (where / "copier.yml").write_text(TEAM_COPIER_YML)
    (where / "Dockerfile.jinja").write_text(dockerfile)
    (where / "{{ _copier_conf.answers_file }}.jinja").write_text(ANSWERS_JINJA)
    return where


def test_team_template_gets_detected_answers(tmp_path):
    template = make_team_template(tmp_path / "team")
    root = copy_example("node-fastify-pnpm", tmp_path / "app")
    assert main(["init", "--yes", "--template", str(template), str(root)]) == 0
    assert (root / "Dockerfile").read_text() == textwrap.dedent("""\
        FROM registry.example.com/mirror/node:24-slim
        WORKDIR /app
        COPY . .
        USER 1000:1000
        EXPOSE 3000
        CMD ["node", "src/server.js"]
        """)
    answers = yaml.safe_load((root / ".copier-answers.yml").read_text())
    assert answers["port"] == 3000 and answers["node_version"] == "24"
    assert answers["_src_path"] == str(template)


def test_team_template_reruns_are_up_to_date_and_keep_its_own_answers(tmp_path, capsys):
    template = make_team_template(tmp_path / "team")
    root = copy_example("node-fastify-pnpm", tmp_path / "app")
    assert main(["init", "--yes", "--template", str(template), "--data", "registry=mirror.internal", str(root)]) == 0
    assert (root / "Dockerfile").read_text().startswith("FROM mirror.internal/node:24-slim\n")
    before = {p.name: p.stat().st_mtime_ns for p in root.iterdir() if p.is_file()}
    capsys.readouterr()
    # a template named only by the committed .scaffold.json is never rendered unattended without --trust
    assert main(["init", "--yes", str(root)]) == 2
    assert "names the team template" in capsys.readouterr().err
    assert main(["init", "--yes", "--trust", str(root)]) == 0  # the template and --data come from .scaffold.json
    err = capsys.readouterr().err
    assert "up to date" in err and "rendering the team template" in err
    assert {p.name: p.stat().st_mtime_ns for p in root.iterdir() if p.is_file()} == before
    assert main(["init", "--check", str(root)]) == 0


def test_team_template_output_merges_hand_edits(tmp_path):
    template = make_team_template(tmp_path / "team")
    root = copy_example("node-fastify-pnpm", tmp_path / "app")
    assert main(["init", "--yes", "--template", str(template), str(root)]) == 0
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("COPY . .\n", "COPY . .\nRUN echo hand-edit\n"))
    (root / ".node-version").write_text("22\n")
    assert main(["init", "--yes", "--trust", str(root)]) == 0
    text = dockerfile.read_text()
    assert "RUN echo hand-edit" in text and "node:22-slim" in text


def test_template_question_without_answer_or_default_is_a_clear_error(tmp_path, capsys):
    template = make_team_template(tmp_path / "team")
    (template / "copier.yml").write_text(TEAM_COPIER_YML + "team_name:\n  type: str\n")
    root = copy_example("node-fastify-pnpm", tmp_path / "app")
    assert main(["init", "--yes", "--template", str(template), str(root)]) == 2
    err = capsys.readouterr().err
    assert "team_name" in err and "--data NAME=VALUE" in err
    assert not (root / "Dockerfile").exists()


def test_data_needs_a_template(tmp_path, capsys):
    root = copy_example("node-fastify-pnpm", tmp_path / "app")
    assert main(["init", "--yes", "--data", "x=1", str(root)]) == 2
    assert "needs --template" in capsys.readouterr().err


def test_update_of_a_folder_template_uses_scaffolds_merge(tmp_path, capsys):
    template = make_team_template(tmp_path / "team")
    root = copy_example("node-fastify-pnpm", tmp_path / "app")
    assert main(["init", "--yes", "--template", str(template), str(root)]) == 0
    (template / "Dockerfile.jinja").write_text(TEAM_DOCKERFILE.replace("WORKDIR /app\n", "WORKDIR /app\nENV NODE_ENV=production\n"))
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "LABEL team=payments\n")
    capsys.readouterr()
    assert main(["update", "--yes", "--trust", str(root)]) == 0
    assert "Copier's update cannot run" in capsys.readouterr().err
    text = dockerfile.read_text()
    assert "ENV NODE_ENV=production" in text and "LABEL team=payments" in text


# -- scaffold update with a git-hosted template: Copier's 3-way update -----------------------------


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def git_identity(monkeypatch):
    for key, value in {
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }.items():
        monkeypatch.setenv(key, value)


def commit_all(cwd: Path, message: str, tag: str | None = None) -> None:
    git(cwd, "add", "-A")
    git(cwd, "commit", "-q", "-m", message)
    if tag:
        git(cwd, "tag", tag)


def git_hosted_project(tmp_path: Path) -> tuple[Path, Path]:
    template = make_team_template(tmp_path / "team")
    git(template, "init", "-q", "-b", "main")
    commit_all(template, "v1", tag="v1.0.0")
    root = copy_example("node-fastify-pnpm", tmp_path / "app")
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "app")
    assert main(["init", "--yes", "--template", str(template), str(root)]) == 0
    commit_all(root, "scaffold init")
    return template, root


@needs_git
def test_update_from_a_git_template_keeps_hand_edits(tmp_path, git_identity, capsys):
    template, root = git_hosted_project(tmp_path)
    assert yaml.safe_load((root / ".copier-answers.yml").read_text())["_commit"] == "v1.0.0"
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("COPY . .\n", "COPY . .\nRUN echo hand-edit\n"))
    commit_all(root, "hand edit")
    (template / "Dockerfile.jinja").write_text(TEAM_DOCKERFILE.replace("EXPOSE {{ port }}\n", "EXPOSE {{ port }}\nSTOPSIGNAL SIGTERM\n"))
    commit_all(template, "v2", tag="v2.0.0")

    capsys.readouterr()
    assert main(["update", "--yes", "--trust", str(root)]) == 0
    assert "updated to template version v2.0.0" in capsys.readouterr().err
    text = dockerfile.read_text()
    assert "RUN echo hand-edit" in text and "STOPSIGNAL SIGTERM" in text
    assert yaml.safe_load((root / ".copier-answers.yml").read_text())["_commit"] == "v2.0.0"
    # The new version is now the base: a plain re-run changes nothing.
    commit_all(root, "update")
    assert main(["init", "--check", str(root)]) == 0  # the kept hand edit is not drift...
    assert main(["init", "--yes", "--trust", str(root)]) == 0
    assert git(root, "status", "--porcelain") == ""  # ...and init keeps it untouched


@needs_git
def test_update_from_a_git_template_reports_conflicts(tmp_path, git_identity, capsys):
    template, root = git_hosted_project(tmp_path)
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("USER 1000:1000\n", "USER 1001:1001\n"))
    commit_all(root, "hand edit")
    (template / "Dockerfile.jinja").write_text(TEAM_DOCKERFILE.replace("USER 1000:1000\n", "USER node\n"))
    commit_all(template, "v2", tag="v2.0.0")

    capsys.readouterr()
    assert main(["update", "--yes", "--trust", str(root)]) == 1
    assert "merge conflicts in Dockerfile" in capsys.readouterr().err
    text = dockerfile.read_text()
    assert "<<<<<<<" in text and "USER 1001:1001" in text and "USER node" in text


@needs_git
def test_update_needs_a_clean_work_tree_for_copier(tmp_path, git_identity, capsys):
    template, root = git_hosted_project(tmp_path)
    (root / "notes.txt").write_text("wip\n")
    (template / "Dockerfile.jinja").write_text(TEAM_DOCKERFILE + "# v2\n")
    commit_all(template, "v2", tag="v2.0.0")
    capsys.readouterr()
    assert main(["update", "--yes", "--trust", str(root)]) == 0
    err = capsys.readouterr().err
    assert "uncommitted changes" in err
    assert (root / "Dockerfile").read_text().endswith("# v2\n")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env
