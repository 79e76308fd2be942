"""Re-runs: identical output touches nothing, --check finds drift, hand edits are merged, never lost."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from scaffold import apply, questionnaire, write
from scaffold.cli import main
from scaffold.merge import has_conflict_markers, merge3
from scaffold.questionnaire import Prompter

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = "node-fastify-pnpm"
ENTER, DOWN, CTRL_C = "\r", "\x1b[B", "\x03"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / EXAMPLE
    shutil.copytree(REPO / "examples" / EXAMPLE, root, ignore=shutil.ignore_patterns("node_modules"))
    return root


@pytest.fixture
def keys():
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    with create_pipe_input() as pipe:
        yield Prompter(pipe, DummyOutput()), pipe.send_text


def init(root: Path, *flags: str) -> int:
    return main(["init", "--yes", str(root), *flags])


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.iterdir()) if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


# -- re-runs ---------------------------------------------------------------------------


def test_rerun_is_byte_identical_and_touches_nothing(project, capsys):
    assert init(project) == 0
    before = snapshot(project)
    capsys.readouterr()
    assert init(project) == 0
    assert snapshot(project) == before  # same bytes, same mtimes, .scaffold.json included
    assert "up to date" in capsys.readouterr().err


def test_first_run_saves_no_answer_when_nothing_was_chosen(project):
    assert init(project) == 0
    state = json.loads((project / ".scaffold.json").read_text())
    assert state["answers"] == {}
    assert "\n".join(state["last_render"]["Dockerfile"]) == (project / "Dockerfile").read_text()


def test_saved_answers_are_reused(project):
    assert init(project, "--port", "8080") == 0
    assert init(project) == 0
    assert "EXPOSE 8080" in (project / "Dockerfile").read_text()
    assert json.loads((project / ".scaffold.json").read_text())["answers"] == {"port": 8080}


def test_a_project_change_flows_into_the_next_run(project):
    assert init(project) == 0
    (project / ".node-version").write_text("22\n")
    assert init(project) == 0
    assert "NODE_VERSION=22" in (project / "Dockerfile").read_text()


# -- --check ----------------------------------------------------------------------------


def test_check_passes_when_up_to_date(project):
    assert init(project) == 0
    assert init(project, "--check") == 0


def test_check_fails_when_the_project_changed(project, capsys):
    assert init(project) == 0
    before = snapshot(project)
    (project / ".node-version").write_text("22\n")
    capsys.readouterr()
    assert init(project, "--check") == 1
    assert "Dockerfile: out of date" in capsys.readouterr().err
    assert {k: v for k, v in snapshot(project).items() if k != ".node-version"} == {k: v for k, v in before.items() if k != ".node-version"}


def test_check_agrees_with_init_on_a_kept_hand_edit_and_fails_on_a_missing_file(project, capsys):
    """`init` keeps a hand edit when its render is unchanged ("up to date"), so --check passes on it."""
    assert init(project) == 0
    edit(project / "Dockerfile", "WORKDIR /app\n", "WORKDIR /app\nRUN echo hand-edit\n")
    assert init(project, "--check") == 0
    (project / ".dockerignore").unlink()
    capsys.readouterr()
    assert init(project, "--check") == 1
    err = capsys.readouterr().err
    assert "Dockerfile" not in err
    assert ".dockerignore: missing" in err


def test_check_before_the_first_run(project):
    assert init(project, "--check") == 1


# -- hand edits -------------------------------------------------------------------------


def test_hand_edit_is_kept_when_scaffold_has_nothing_new(project, capsys):
    assert init(project) == 0
    edit(project / "Dockerfile", "WORKDIR /app\n", "WORKDIR /app\nRUN echo hand-edit\n")
    before = snapshot(project)
    capsys.readouterr()
    assert init(project) == 0
    assert snapshot(project) == before
    assert "up to date (kept your edits in Dockerfile)" in capsys.readouterr().err


def test_non_conflicting_edit_is_merged(project):
    assert init(project) == 0
    edit(project / "Dockerfile", "WORKDIR /app\n", "WORKDIR /app\nRUN echo hand-edit\n")
    assert init(project, "--port", "8080") == 0
    text = (project / "Dockerfile").read_text()
    assert "RUN echo hand-edit" in text and "EXPOSE 8080" in text
    assert not has_conflict_markers(text)
    # the new render is the next base: a re-run changes nothing
    before = snapshot(project)
    assert init(project) == 0
    assert snapshot(project) == before


def test_conflicting_edit_is_written_with_markers_and_exit_1(project, capsys):
    assert init(project) == 0
    edit(project / "Dockerfile", "EXPOSE 3000\n", "EXPOSE 9999\n")
    capsys.readouterr()
    assert init(project, "--port", "8080") == 1
    err = capsys.readouterr().err
    assert "conflict  Dockerfile" in err and "merge conflicts in Dockerfile" in err
    text = (project / "Dockerfile").read_text()
    assert "<<<<<<< your edits\nEXPOSE 9999\n=======\nEXPOSE 8080\n>>>>>>> scaffold\n" in text
    # Unresolved markers keep failing the run until a person resolves them.
    assert init(project) == 1
    (project / "Dockerfile").write_text(text.replace("<<<<<<< your edits\nEXPOSE 9999\n=======\n", "").replace(">>>>>>> scaffold\n", ""))
    assert init(project) == 0


def test_force_overwrites_and_keeps_a_backup(project):
    assert init(project) == 0
    edit(project / "Dockerfile", "EXPOSE 3000\n", "EXPOSE 9999\n")
    edited = (project / "Dockerfile").read_text()
    assert init(project, "--port", "8080", "--force") == 0
    assert (project / "Dockerfile.scaffold-backup").read_text() == edited
    assert "EXPOSE 8080" in (project / "Dockerfile").read_text()


def test_a_dockerfile_scaffold_never_wrote_is_not_touched(project, capsys):
    (project / "Dockerfile").write_text("FROM scratch\n")
    assert init(project) == 1
    assert (project / "Dockerfile").read_text() == "FROM scratch\n"
    assert not (project / ".dockerignore").exists()  # all or nothing
    assert not (project / ".scaffold.json").exists()
    assert "scaffold has no record of writing them" in capsys.readouterr().err
    assert init(project, "--force") == 0
    assert (project / "Dockerfile.scaffold-backup").read_text() == "FROM scratch\n"


def test_update_merges_without_a_team_template(project):
    assert init(project) == 0
    edit(project / "Dockerfile", "WORKDIR /app\n", "WORKDIR /app\nRUN echo hand-edit\n")
    (project / ".node-version").write_text("22\n")
    assert main(["update", "--yes", str(project)]) == 0
    text = (project / "Dockerfile").read_text()
    assert "RUN echo hand-edit" in text and "NODE_VERSION=22" in text


# -- per-file choices on a terminal -------------------------------------------------------


def _edited_project(project: Path) -> list[write.FileChange]:
    assert init(project) == 0
    edit(project / "Dockerfile", "WORKDIR /app\n", "WORKDIR /app\nRUN echo hand-edit\n")
    assert init(project, "--check") == 0  # a kept hand edit is not drift
    (project / ".node-version").write_text("22\n")
    assert init(project, "--check") == 1  # now scaffold would bring something new
    from scaffold.plan import plan_project
    from scaffold.project import Project
    from scaffold.render import render_plan

    files = render_plan(plan_project(Project(project), {}))
    return write.classify(project, files, write.load_state(project))


@pytest.mark.parametrize(
    ("typed", "expect_edit", "expect_new", "backup"),
    [
        (ENTER, True, True, False),  # merge (the first choice)
        (DOWN + ENTER, False, True, True),  # overwrite
        (DOWN + DOWN + ENTER, True, False, False),  # keep
    ],
)
def test_interactive_choice_per_file(project, keys, typed, expect_edit, expect_new, backup):
    prompter, send = keys
    changes = _edited_project(project)
    assert [c.action for c in changes] == ["merge", "identical"]
    send(typed)
    apply.run(project, changes, prompter, answers={}, template=None, force=False, version="test")
    text = (project / "Dockerfile").read_text()
    assert ("hand-edit" in text) is expect_edit
    assert ("NODE_VERSION=22" in text) is expect_new
    assert (project / "Dockerfile.scaffold-backup").exists() is backup


def test_show_diff_then_choose(project, keys, capsys):
    prompter, send = keys
    changes = _edited_project(project)
    send(DOWN * 3 + ENTER + ENTER)  # show the diff, then merge
    apply.run(project, changes, prompter, answers={}, template=None, force=False, version="test")
    out = capsys.readouterr().out
    scaffold_side, yours = out.split("your edits:")
    assert "+ARG NODE_VERSION=22" in scaffold_side and "hand-edit" not in scaffold_side
    assert "+RUN echo hand-edit" in yours and "NODE_VERSION=22" not in yours
    assert "hand-edit" in (project / "Dockerfile").read_text()


def test_ctrl_c_at_a_file_prompt_writes_nothing(project, keys, monkeypatch):
    prompter, send = keys
    assert init(project) == 0
    edit(project / "Dockerfile", "WORKDIR /app\n", "WORKDIR /app\nRUN echo hand-edit\n")
    before = snapshot(project)
    monkeypatch.setattr(questionnaire, "prompter_for", lambda yes: prompter)
    asked: list[str] = []
    original = questionnaire.ask_edited_file
    monkeypatch.setattr(questionnaire, "ask_edited_file", lambda p, change: asked.append(change.path) or original(p, change))
    # answer the questions (port 8080, no optional files), then Ctrl-C at "Dockerfile was edited"
    send(ENTER * 4 + "\x15" + "8080" + ENTER + ENTER + CTRL_C)
    assert main(["init", str(project)]) == 130
    assert asked == ["Dockerfile"]
    assert snapshot(project) == before


# -- the merge itself ----------------------------------------------------------------------

BASE = "".join(f"line {i}\n" for i in range(1, 11))


def _replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def test_merge_takes_both_sides_changes():
    ours = _replace(BASE, "line 2\n", "line 2 (mine)\n")
    theirs = _replace(BASE, "line 8\n", "line 8 (new)\n")
    result = merge3(BASE, ours, theirs)
    assert result.clean
    assert result.text == _replace(ours, "line 8\n", "line 8 (new)\n")


def test_merge_of_insertions_and_deletions():
    ours = _replace(BASE, "line 3\n", "")  # deleted a line
    theirs = _replace(BASE, "line 9\n", "line 9\nline 9b\n")  # added one
    result = merge3(BASE, ours, theirs)
    assert result.clean
    assert result.text == _replace(_replace(BASE, "line 3\n", ""), "line 9\n", "line 9\nline 9b\n")


def test_merge_of_the_same_change_on_both_sides_is_clean():
    changed = _replace(BASE, "line 5\n", "line five\n")
    assert merge3(BASE, changed, changed).text == changed
    assert merge3(BASE, changed, changed).clean
    assert merge3(BASE, _replace(changed, "line 1\n", "first\n"), changed).text == _replace(changed, "line 1\n", "first\n")


def test_merge_conflict_is_marked_and_kept_small():
    ours = _replace(BASE, "line 5\n", "line 5 (mine)\n")
    theirs = _replace(BASE, "line 5\n", "line 5 (new)\n")
    result = merge3(BASE, ours, theirs)
    assert result.conflicts == 1
    assert result.text == _replace(BASE, "line 5\n", "<<<<<<< your edits\nline 5 (mine)\n=======\nline 5 (new)\n>>>>>>> scaffold\n")
    assert has_conflict_markers(result.text)


def test_merge_without_trailing_newlines():
    result = merge3("a\nb", "a\nmine", "a\nnew")
    assert result.text == "a\n<<<<<<< your edits\nmine\n=======\nnew\n>>>>>>> scaffold\n"
    assert merge3("a\nb", "a\nb", "a\nc").text == "a\nc"


def test_merge_properties_on_random_edits():
    rng = random.Random(7)
    for _ in range(300):
        base = [f"l{i}\n" for i in range(rng.randint(0, 12))]
        ours, theirs = _mutate(base, rng), _mutate(base, rng)
        b, o, t = "".join(base), "".join(ours), "".join(theirs)
        assert merge3(b, o, b).text == o
        assert merge3(b, b, t).text == t
        assert merge3(b, o, o).text == o
        result = merge3(b, o, t)
        if result.clean:
            # every line either side added survives a clean merge
            added = (set(ours) - set(base)) | (set(theirs) - set(base))
            assert added <= set(result.text.splitlines(keepends=True))


@pytest.mark.skipif(shutil.which("git") is None, reason="git is only an oracle here")
def test_clean_merges_agree_with_git_merge_file(tmp_path):
    rng = random.Random(11)
    compared = 0
    for _ in range(150):
        base = [f"l{i}\n" for i in range(rng.randint(3, 12))]
        ours, theirs = _mutate(base, rng), _mutate(base, rng)
        ours_file, base_file, theirs_file = (tmp_path / n for n in ("ours", "base", "theirs"))
        for path, lines in ((ours_file, ours), (base_file, base), (theirs_file, theirs)):
            path.write_text("".join(lines))
        git = subprocess.run(["git", "merge-file", "-p", str(ours_file), str(base_file), str(theirs_file)], capture_output=True, text=True, check=False)
        ours_result = merge3("".join(base), "".join(ours), "".join(theirs))
        if git.returncode == 0 and ours_result.clean:
            assert ours_result.text == git.stdout
            compared += 1
    assert compared > 50


def _mutate(lines: list[str], rng: random.Random) -> list[str]:
    out = list(lines)
    for _ in range(rng.randint(0, 2)):
        op = rng.choice(("change", "insert", "delete"))
        at = rng.randint(0, max(len(out) - 1, 0))
        if op == "insert" or not out:
            out.insert(at, f"new{rng.randint(0, 999)}\n")
        elif op == "change":
            out[at] = f"chg{rng.randint(0, 999)}\n"
        else:
            del out[at]
    return out


def test_a_second_forced_overwrite_keeps_the_first_backup(project):
    assert init(project) == 0
    edit(project / "Dockerfile", "EXPOSE 3000\n", "EXPOSE 9999\n")
    first = (project / "Dockerfile").read_text()
    assert init(project, "--port", "8080", "--force") == 0
    edit(project / "Dockerfile", "EXPOSE 8080\n", "EXPOSE 7777\n")
    second = (project / "Dockerfile").read_text()
    assert init(project, "--port", "8181", "--force") == 0
    assert (project / "Dockerfile.scaffold-backup").read_text() == first
    assert (project / "Dockerfile.scaffold-backup-2").read_text() == second


def test_force_also_resets_a_hand_edit_scaffold_had_nothing_new_for(project):
    assert init(project) == 0
    edit(project / "Dockerfile", "WORKDIR /app\n", "WORKDIR /app\nRUN echo hand-edit\n")
    edited = (project / "Dockerfile").read_text()
    assert init(project, "--force") == 0
    assert (project / "Dockerfile.scaffold-backup").read_text() == edited
    assert init(project, "--check") == 0
