"""The questionnaire: pre-filled answers with sources, saved answers, TTY handling, Ctrl-C.

Prompts are driven through prompt_toolkit's pipe input (keystrokes in, nothing
drawn); one test runs the real CLI under a pseudo-terminal with pexpect.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scaffold import questionnaire
from scaffold.cli import main
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.questionnaire import Prompter

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

ENTER = "\r"
CLEAR = "\x15"  # Ctrl-U: empty the pre-filled line
DOWN = "\x1b[B"
CTRL_C = "\x03"


def copy_example(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(EXAMPLES / name, target, ignore=shutil.ignore_patterns("node_modules"))
    return target


@pytest.fixture
def keys():
    """A prompter reading keystrokes from a pipe; call ``send`` with what the person types."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    with create_pipe_input() as pipe:
        yield Prompter(pipe, DummyOutput()), pipe.send_text


def record_messages(monkeypatch) -> list[str]:
    messages: list[str] = []
    for name in ("ask_text", "ask_choice"):
        original = getattr(questionnaire, name)

        def wrapper(prompter, message, *args, _original=original, **kwargs):
            messages.append(message)
            return _original(prompter, message, *args, **kwargs)

        monkeypatch.setattr(questionnaire, name, wrapper)
    return messages


# -- one function per question type ---------------------------------------------------


def test_text_enter_keeps_the_prefilled_value(keys):
    prompter, send = keys
    send(ENTER)
    assert questionnaire.ask_text(prompter, "Start command:", "node server.js") == "node server.js"


def test_text_replaced_value(keys):
    prompter, send = keys
    send(CLEAR + "node dist/main.js" + ENTER)
    assert questionnaire.ask_text(prompter, "Start command:", "node server.js") == "node dist/main.js"


def test_port_refuses_a_non_port_then_accepts(keys):
    prompter, send = keys
    send(CLEAR + "70000" + ENTER + CLEAR + "8080" + ENTER)
    assert questionnaire.ask_port(prompter, "Port:", 3000) == 8080


def test_choice_moves_down(keys):
    prompter, send = keys
    send(DOWN + ENTER)
    assert questionnaire.ask_choice(prompter, "Package manager:", ["npm", "pnpm", "yarn"], "npm") == "pnpm"


def test_choice_offers_a_detected_value_missing_from_the_list(keys):
    prompter, send = keys
    send(ENTER)
    assert questionnaire.ask_choice(prompter, "Package manager:", ["npm"], "deno") == "deno"


def test_extras_checkbox(keys):
    prompter, send = keys
    send(" " + DOWN + " " + ENTER)
    chosen = questionnaire.ask_extras(prompter, "Also write:", {"compose": "compose.yaml", "ci": "CI"}, set())
    assert chosen == {"compose", "ci"}


# -- the questionnaire over a real project -------------------------------------------


def test_accepting_every_detected_value_saves_no_answer(keys, tmp_path):
    prompter, send = keys
    project = Project(copy_example("node-fastify-pnpm", tmp_path))
    send(ENTER * 5)  # runtime, package manager, build, start, port
    assert questionnaire.run(project, {}, planner=plan_project, prompter=prompter) == {}


def test_questions_show_where_each_value_came_from(keys, tmp_path, monkeypatch):
    prompter, send = keys
    messages = record_messages(monkeypatch)
    project = Project(copy_example("node-fastify-pnpm", tmp_path))
    send(ENTER * 5)
    questionnaire.run(project, {}, planner=plan_project, prompter=prompter)
    assert messages == [
        "Node.js version (from .node-version):",
        "Package manager (from package.json > packageManager):",
        "Build command, empty for none (no build script):",
        "Start command (from package.json > scripts > start):",
        "Port the app listens on (from src/server.js:4 (process.env.PORT fallback)):",
    ]


def test_changed_answers_are_kept_and_later_questions_follow_them(keys, tmp_path):
    prompter, send = keys
    project = Project(copy_example("node-typescript-npm", tmp_path))
    # keep Node, switch npm -> pnpm, keep the (now pnpm) build command, keep start, port 8080
    send(ENTER + DOWN + ENTER + ENTER + ENTER + CLEAR + "8080" + ENTER)
    answers = questionnaire.run(project, {}, planner=plan_project, prompter=prompter)
    assert answers == {"package_manager": "pnpm", "port": 8080}
    plan = plan_project(project, answers)
    assert plan.value("build_command") == "pnpm run build"


def test_saved_answer_is_prefilled_and_says_so(keys, tmp_path, monkeypatch):
    prompter, send = keys
    messages = record_messages(monkeypatch)
    project = Project(copy_example("node-fastify-pnpm", tmp_path))
    send(ENTER * 5)
    answers = questionnaire.run(project, {"port": 8080}, planner=plan_project, prompter=prompter)
    assert answers == {"port": 8080}
    assert messages[-1] == "Port the app listens on (your earlier answer; detected: 3000, from src/server.js:4 (process.env.PORT fallback)):"


def test_answering_the_detected_value_drops_a_saved_answer(keys, tmp_path):
    prompter, send = keys
    project = Project(copy_example("node-fastify-pnpm", tmp_path))
    send(ENTER * 4 + CLEAR + "3000" + ENTER)
    assert questionnaire.run(project, {"port": 8080}, planner=plan_project, prompter=prompter) == {}


def test_flags_are_not_asked_again(keys, tmp_path, monkeypatch):
    prompter, send = keys
    messages = record_messages(monkeypatch)
    project = Project(copy_example("node-fastify-pnpm", tmp_path))
    send(ENTER * 4)
    answers = questionnaire.run(project, {"port": 9000}, planner=plan_project, prompter=prompter, skip=frozenset({"port"}))
    assert answers == {"port": 9000}
    assert not any(m.startswith("Port") for m in messages)


def test_an_answer_the_planner_rejects_is_refused_at_the_prompt(keys, tmp_path):
    prompter, send = keys
    project = Project(copy_example("node-fastify-pnpm", tmp_path))
    # An empty start command is refused; the person then types a real one.
    send(ENTER * 3 + CLEAR + ENTER + "node src/server.js --trace-warnings" + ENTER + ENTER)
    answers = questionnaire.run(project, {}, planner=plan_project, prompter=prompter)
    assert answers == {"start": "node src/server.js --trace-warnings"}


def test_extras_are_asked_only_when_offered_and_saved_when_changed(keys, tmp_path):
    prompter, send = keys
    project = Project(copy_example("node-fastify-pnpm", tmp_path))
    send(ENTER * 5 + " " + DOWN + " " + ENTER + CLEAR + "registry.example.com/team" + ENTER)
    answers = questionnaire.run(project, {}, planner=plan_project, prompter=prompter, extras=("compose", "ci"))
    assert answers == {"compose": True, "ci": "github", "registry": "registry.example.com/team"}


def test_the_registry_is_asked_only_with_a_workflow_and_checked(keys, tmp_path, monkeypatch):
    prompter, send = keys
    messages = record_messages(monkeypatch)
    project = Project(copy_example("node-fastify-pnpm", tmp_path))
    send(ENTER * 5 + DOWN + " " + ENTER + CLEAR + "not a registry!" + ENTER + CLEAR + ENTER)
    answers = questionnaire.run(project, {}, planner=plan_project, prompter=prompter, extras=("compose", "ci"))
    assert answers == {"ci": "github"}  # the default registry (ghcr) is not saved
    assert messages[-1].startswith("Registry the workflow pushes to")


def test_unchecking_an_extra_drops_its_saved_answer(keys, tmp_path):
    prompter, send = keys
    project = Project(copy_example("node-fastify-pnpm", tmp_path))
    send(ENTER * 5 + DOWN + " " + ENTER)  # leave compose checked, uncheck ci
    saved = {"compose": True, "ci": "github", "registry": "dockerhub"}
    answers = questionnaire.run(project, saved, planner=plan_project, prompter=prompter, extras=("compose", "ci"))
    assert answers == {"compose": True, "registry": "dockerhub"}


# -- the CLI ------------------------------------------------------------------------


def test_ctrl_c_exits_130_and_writes_nothing(keys, tmp_path, monkeypatch, capsys):
    prompter, send = keys
    root = copy_example("node-fastify-pnpm", tmp_path)
    before = sorted(p.name for p in root.iterdir())
    monkeypatch.setattr(questionnaire, "prompter_for", lambda yes: prompter)
    send(ENTER + CTRL_C)
    assert main(["init", str(root)]) == 130
    assert sorted(p.name for p in root.iterdir()) == before
    assert "interrupted; nothing written" in capsys.readouterr().err


def test_interactive_init_saves_only_changed_answers(keys, tmp_path, monkeypatch):
    prompter, send = keys
    root = copy_example("node-fastify-pnpm", tmp_path)
    monkeypatch.setattr(questionnaire, "prompter_for", lambda yes: prompter)
    send(ENTER * 4 + CLEAR + "8080" + ENTER + ENTER)  # ... port 8080, no optional files
    assert main(["init", str(root)]) == 0
    state = json.loads((root / ".scaffold.json").read_text())
    assert state["answers"] == {"port": 8080}
    assert "EXPOSE 8080" in (root / "Dockerfile").read_text()


def test_each_decision_says_whether_it_was_asked_saved_flagged_found_or_defaulted(keys, tmp_path, monkeypatch, capsys):
    """The port answered at the prompt is ``asked``; the next run reads it back as ``saved``; a flag beats both."""
    import scaffold.plan

    prompter, send = keys
    root = copy_example("node-fastify-pnpm", tmp_path)
    monkeypatch.setattr(questionnaire, "prompter_for", lambda yes: prompter)
    planned = []
    real_plan_project = scaffold.plan.plan_project
    monkeypatch.setattr(scaffold.plan, "plan_project", lambda *a, **k: planned.append(real_plan_project(*a, **k)) or planned[-1])
    send(ENTER * 4 + CLEAR + "8080" + ENTER + ENTER)
    assert main(["init", str(root)]) == 0
    assert planned[-1].decisions["port"].origin == "asked"
    capsys.readouterr()

    def origins(*flags: str) -> dict[str, str]:
        assert main(["plan", str(root), "--json", *flags]) == 0
        return {key: d["origin"] for key, d in json.loads(capsys.readouterr().out)["decisions"].items()}

    saved = origins()
    assert (saved["port"], saved["base_image"], saved["node_version"]) == ("saved", "default", "project")
    assert origins("--port", "9090")["port"] == "flag"
    assert main(["plan", str(root)]) == 0
    assert "port             8080  <- --port (saved answer)" in capsys.readouterr().out


def test_without_a_terminal_detected_values_are_used_and_said(tmp_path):
    root = copy_example("node-fastify-pnpm", tmp_path)
    done = _run_cli(["init", str(root)], stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert "no terminal to ask on: using the detected values" in done.stderr
    assert (root / "Dockerfile").is_file()


def test_importing_the_cli_loads_no_heavy_module():
    code = "import sys, scaffold.cli; print(sorted(m for m in ('jinja2', 'questionary', 'copier', 'prompt_toolkit') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True)
    assert done.stdout.strip() == "[]"


def test_init_yes_never_loads_questionary_or_copier(tmp_path):
    root = copy_example("node-fastify-pnpm", tmp_path)
    code = (
        "import sys\nfrom scaffold.cli import main\n"
        f"rc = main(['init', '--yes', {str(root)!r}])\n"
        "print(rc, sorted(m for m in ('questionary', 'copier', 'prompt_toolkit') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True)
    assert done.stdout.strip().splitlines()[-1] == "0 []"


# -- a real terminal --------------------------------------------------------------------


def test_real_terminal_session(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    root = copy_example("node-fastify-pnpm", tmp_path)
    child = pexpect.spawn(
        sys.executable, ["-m", "scaffold", "init", str(root)], env={**_env(), "TERM": "xterm"}, encoding="utf-8", timeout=20, dimensions=(40, 160)
    )
    try:
        child.expect("Node.js version")
        child.expect("from .node-version")
        child.send(ENTER)
        child.expect("Package manager")
        child.send(ENTER)
        child.expect("Build command")
        child.send(ENTER)
        child.expect("Start command")
        child.send(ENTER)
        child.expect("Port the app listens on")
        child.send(CLEAR + "8181" + ENTER)
        child.expect("Also write")
        child.expect("compose.yaml")
        child.send(" " + ENTER)  # tick compose.yaml
        child.expect("create")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert "EXPOSE 8181" in (root / "Dockerfile").read_text()
    assert (root / "compose.yaml").is_file()
    assert json.loads((root / ".scaffold.json").read_text())["answers"] == {"compose": True, "port": 8181}


def test_real_terminal_ctrl_c(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    root = copy_example("node-fastify-pnpm", tmp_path)
    child = pexpect.spawn(sys.executable, ["-m", "scaffold", "init", str(root)], env={**_env(), "TERM": "xterm"}, encoding="utf-8", timeout=20)
    try:
        child.expect("Node.js version")
        child.sendcontrol("c")
        child.expect("interrupted; nothing written")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130
    assert not (root / "Dockerfile").exists()
    assert not (root / ".scaffold.json").exists()


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _run_cli(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scaffold", *argv], capture_output=True, text=True, env=_env(), check=False, **kwargs)


def test_a_bun_image_is_not_asked_for_a_node_version(keys, tmp_path, monkeypatch):
    prompter, send = keys
    messages = record_messages(monkeypatch)
    project = Project(copy_example("node-bun", tmp_path))
    send(ENTER * 4)
    assert questionnaire.run(project, {}, planner=plan_project, prompter=prompter) == {}
    assert [m.split(" (")[0] for m in messages] == ["Package manager", "Build command, empty for none", "Start command", "Port the app listens on"]


def test_a_monorepo_app_is_asked_about_and_its_answers_kept_per_app(keys, tmp_path, monkeypatch):
    prompter, send = keys
    messages = record_messages(monkeypatch)
    root = copy_example("monorepo-npm-workspaces", tmp_path)
    monkeypatch.setattr(questionnaire, "prompter_for", lambda yes: prompter)
    send(ENTER * 4 + CLEAR + "9090" + ENTER + ENTER)  # Node, package manager, build, start, port 9090, no extras
    assert main(["init", "--app", "apps/server", str(root)]) == 0
    state = json.loads((root / ".scaffold.json").read_text())
    assert state["apps"] == {"apps/server": {"port": 9090}}
    assert "EXPOSE 9090" in (root / "apps/server/Dockerfile").read_text()
    assert messages[0] == "Node.js version (from versions.toml > node.lts (current LTS)):"
    assert messages[3] == "Start command (from apps/server/package.json > scripts > start):"


def test_scaffold_no_input_means_no_questions(monkeypatch):
    monkeypatch.setenv("SCAFFOLD_NO_INPUT", "1")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert questionnaire.prompter_for(yes=False) is None
