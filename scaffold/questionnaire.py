"""The questions `scaffold init` asks on a terminal, pre-filled with what it detected.

Each question shows where its pre-filled value came from ("from .node-version",
"your earlier answer"), so pressing Enter is an informed choice. Questions are
asked one at a time and the plan is recomputed after each answer: choosing
pnpm changes the build command offered next.

Only answers that differ from what scaffold detects are kept (in
``.scaffold.json``): accepting a detected value leaves it following the
project, so bumping ``engines.node`` later still changes the Dockerfile.

questionary (and prompt_toolkit under it) is imported only here, inside the
functions, so ``scaffold init --yes`` never loads it. Every function takes a
:class:`Prompter`, which tests point at a prompt_toolkit pipe input.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scaffold.data import load
from scaffold.errors import ScaffoldError

if TYPE_CHECKING:
    from scaffold.plan.model import BuildPlan
    from scaffold.project import Project
    from scaffold.write import FileChange

Planner = Callable[["Project", dict[str, Any]], "BuildPlan"]
Validator = Callable[[str], "bool | str"]


@dataclass(frozen=True)
class Prompter:
    """Where questions are shown: the real terminal by default; tests pass a pipe input and DummyOutput."""

    input: Any = None
    output: Any = None

    def kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in (("input", self.input), ("output", self.output)) if v is not None}


def terminal_available() -> bool:
    """Questions need a person at a terminal on both ends: keys in, screen out (and no SCAFFOLD_NO_INPUT=1)."""
    import os

    return sys.stdin.isatty() and sys.stdout.isatty() and os.environ.get("SCAFFOLD_NO_INPUT") != "1"


def prompter_for(*, yes: bool) -> Prompter | None:
    """A prompter when a person can answer; None (detected values) with --yes or without a terminal."""
    if yes:
        return None
    if not terminal_available():
        import os

        why = "SCAFFOLD_NO_INPUT=1 is set" if os.environ.get("SCAFFOLD_NO_INPUT") == "1" else "no terminal to ask on"
        print(f"scaffold: {why}: using the detected values and saved answers (pass --yes to say so)", file=sys.stderr)
        return None
    return Prompter()


# -- one small function per question type ------------------------------------------


def ask_text(prompter: Prompter, message: str, default: str, validate: Validator | None = None) -> str:
    import questionary

    kwargs: dict[str, Any] = {"validate": validate} if validate else {}
    return str(questionary.text(message, default=default, **kwargs, **prompter.kwargs()).unsafe_ask()).strip()


def ask_port(prompter: Prompter, message: str, default: int, validate: Validator | None = None) -> int:
    def check(text: str) -> bool | str:
        if not text.strip().isdigit() or not 1 <= int(text) <= 65535:
            return "a port is a number from 1 to 65535"
        return validate(text) if validate else True

    return int(ask_text(prompter, message, str(default), check))


def ask_choice(prompter: Prompter, message: str, choices: list[str], default: str) -> str:
    import questionary

    options = choices if default in choices else [default, *choices]
    return str(questionary.select(message, choices=options, default=default, **prompter.kwargs()).unsafe_ask())


def ask_extras(prompter: Prompter, message: str, options: dict[str, str], checked: set[str]) -> set[str]:
    import questionary

    choices = [questionary.Choice(title=label, value=key, checked=key in checked) for key, label in options.items()]
    return set(questionary.checkbox(message, choices=choices, **prompter.kwargs()).unsafe_ask())


def ask_edited_file(prompter: Prompter, change: FileChange, show: Callable[[str], None] = print) -> str:
    """What to do with a file edited by hand when scaffold now writes something different.

    Returns "merge", "overwrite" or "keep"; "show the diff" prints it and asks again.
    """
    import questionary

    if change.base is not None:
        message = f"{change.path} was edited by hand, and scaffold now writes something different:"
        first = [questionary.Choice("merge: keep your edits and add scaffold's changes (3-way)", value="merge")]
    else:
        message = f"{change.path} exists and was not written by scaffold:"
        first = []
    choices = [
        *first,
        questionary.Choice(f"overwrite: write scaffold's version (yours is kept as {change.path}.scaffold-backup)", value="overwrite"),
        questionary.Choice("keep: leave your file as it is", value="keep"),
        questionary.Choice("show the changes on both sides" if change.base is not None else "show the diff", value="diff"),
    ]
    while True:
        choice = questionary.select(message, choices=choices, **prompter.kwargs()).unsafe_ask()
        if choice != "diff":
            return str(choice)
        show(_describe(change))


def _describe(change: FileChange) -> str:
    """With a base: what scaffold changed and what the person changed, each since scaffold last wrote the file."""
    import difflib

    def diff(old: str, new: str, old_name: str, new_name: str) -> str:
        lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), old_name, new_name)
        return "".join(lines) or "(no change)\n"

    if change.base is None:
        return diff(change.old or "", change.new, f"{change.path} (yours)", f"{change.path} (scaffold)")
    return (
        f"scaffold's changes since it last wrote {change.path}:\n"
        + diff(change.base, change.new, f"{change.path} (scaffold, last time)", f"{change.path} (scaffold, now)")
        + "\nyour edits:\n"
        + diff(change.base, change.old or "", f"{change.path} (scaffold, last time)", f"{change.path} (yours)")
    )


# -- the questionnaire ---------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    key: str  # the answer key, as the CLI override flag stores it
    decision: str  # the plan decision that pre-fills it
    label: str
    kind: str  # text | port | choice
    choices: tuple[str, ...] = ()

    def prefill(self, plan: BuildPlan) -> Any:
        value = plan.value(self.decision)
        if self.kind == "port":
            return int(value)
        if self.decision == "package_manager":
            return str(value).split("@", 1)[0]
        if self.decision == "start_command":
            argv = list(value or [])
            return argv[2] if argv[:2] == ["sh", "-c"] and len(argv) == 3 else shlex.join(argv)
        return "" if value is None else str(value)


def questions_for(plan: BuildPlan) -> list[Question]:
    """The questions that matter for this plan, in the order they are asked."""
    data = load("questionnaire")
    runtime = data["runtime_version"].get(_runtime_name(plan))
    questions = [Question(runtime["decision"], runtime["decision"], runtime["label"], "text")] if runtime else []
    managers = tuple(data["package_managers"].get(plan.ecosystem, ()))
    questions += [
        Question("package_manager", "package_manager", "Package manager", "choice" if managers else "text", managers),
        Question("build", "build_command", "Build command, empty for none", "text"),
        Question("start", "start_command", "Start command", "text"),
        Question("port", "port", "Port the app listens on", "port"),
    ]
    return [q for q in questions if q.decision in plan.decisions]


def _runtime_name(plan: BuildPlan) -> str:
    """What the image runs ("node", "bun", "python"): the plan's dockerfile.runtime (a name, or a dict with a kind), else the ecosystem."""
    runtime = plan.dockerfile.get("runtime")
    if isinstance(runtime, dict):
        runtime = runtime.get("kind")
    return str(runtime or plan.ecosystem)


def run(
    project: Project,
    answers: dict[str, Any],
    *,
    planner: Planner,
    prompter: Prompter | None = None,
    skip: frozenset[str] = frozenset(),
    extras: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Ask each question; return the answers to use (and keep) from now on.

    ``skip`` holds keys already given as flags: they are not asked again.
    ``extras`` are the optional files this scaffold can write (answer keys).
    """
    prompter = prompter or Prompter()
    answers = dict(answers)
    for question in questions_for(planner(project, answers)):
        if question.key in skip:
            continue
        plan = planner(project, answers)
        detected_plan = planner(project, _without(answers, question.key)) if question.key in answers else plan
        current, detected = question.prefill(plan), question.prefill(detected_plan)
        message = f"{question.label} ({_source(question, answers, plan, detected, detected_plan)}):"
        value = _ask(prompter, question, message, current, _validator(project, answers, question, planner))
        if value == detected:
            answers.pop(question.key, None)
        else:
            answers[question.key] = value
    wanted = [key for key in extras if key not in skip]
    if wanted:
        answers = _ask_extras(prompter, answers, wanted)
    if answers.get("ci") not in (None, "", "none") and "registry" not in skip:
        answers = _ask_registry(prompter, answers)
    return answers


def _ask(prompter: Prompter, question: Question, message: str, current: Any, validate: Validator) -> Any:
    if question.kind == "port":
        return ask_port(prompter, message, current, validate)
    if question.kind == "choice":
        return ask_choice(prompter, message, list(question.choices), current)
    return ask_text(prompter, message, current, validate)


def _ask_extras(prompter: Prompter, answers: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    extras = load("questionnaire")["extras"]
    checked = {key for key in keys if answers.get(key, extras[key]["off"]) == extras[key]["on"]}
    chosen = ask_extras(prompter, "Also write (space toggles, Enter confirms):", {k: extras[k]["label"] for k in keys}, checked)
    answers = dict(answers)
    for key in keys:
        if key in chosen:
            answers[key] = extras[key]["on"]
        else:
            answers.pop(key, None)
    return answers


def _ask_registry(prompter: Prompter, answers: dict[str, Any]) -> dict[str, Any]:
    """Where the CI workflow pushes: asked only once a workflow was chosen."""
    from scaffold.registry import DEFAULT, parse_registry

    def validate(text: str) -> bool | str:
        try:
            parse_registry(text.strip() or DEFAULT)
        except ScaffoldError as exc:
            return exc.render()
        return True

    current = str(answers.get("registry") or DEFAULT)
    source = "your earlier answer" if "registry" in answers else "default"
    chosen = ask_text(prompter, f"Registry the workflow pushes to: ghcr, dockerhub or host[/namespace] ({source}):", current, validate)
    answers = dict(answers)
    if chosen in ("", DEFAULT):
        answers.pop("registry", None)
    else:
        answers["registry"] = chosen
    return answers


def _source(question: Question, answers: dict[str, Any], plan: BuildPlan, detected: Any, detected_plan: BuildPlan) -> str:
    if question.key not in answers:
        return _from(plan.decisions[question.decision].source)
    found = detected_plan.decisions[question.decision].source
    shown = detected if detected != "" else "none"
    return f"your earlier answer; detected: {shown}, {_from(found)}"


def _from(source: str) -> str:
    """ "from .node-version", but "no build script" and "default" read better bare."""
    return source if source == "default" or source.startswith("no ") else f"from {source}"


def _validator(project: Project, answers: dict[str, Any], question: Question, planner: Planner) -> Validator:
    """Plan with the typed value before accepting it, so a bad answer is refused at the prompt."""

    def validate(text: str) -> bool | str:
        value: Any = int(text) if question.kind == "port" else text.strip()
        if question.key in ("start", "package_manager") and not value:
            return "an answer is needed here"
        try:
            planner(project, {**answers, question.key: value})
        except ScaffoldError as exc:
            return exc.render()
        return True

    return validate


def _without(answers: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in answers.items() if k != key}
