"""The command line: parse flags, call the pipeline, map errors to exit codes.

Only this module and its flags (cli_flags.py) know argparse. It imports nothing heavy at start-up (Jinja,
questionary and Copier are imported inside the commands that use them) so
``scaffold --help`` and ``scaffold plan`` answer fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from scaffold import __version__
from scaffold.errors import EXIT_BROKEN_PIPE, EXIT_DRIFT, EXIT_INTERRUPTED, EXIT_OK, ScaffoldError, UsageError
from scaffold.cli_flags import answers_from_flags, build_parser


def _project(path: str):
    from scaffold.project import Project

    root = Path(path)
    if not root.exists():
        raise UsageError(f"{path}: no such folder", hint="pass the project's folder, or run scaffold inside it")
    if not root.is_dir():
        raise UsageError(f"{path}: is a file, not a folder", hint="pass the folder that holds it")
    return Project(root)


def cmd_plan(args: argparse.Namespace) -> int:
    """The plan `scaffold init` would write from: saved answers in .scaffold.json, then flags."""
    from scaffold.providers.node.monorepo_select import AppRequiredError

    try:
        _, plan, saved = _saved_plan(args)
    except AppRequiredError as exc:
        raise exc.for_single_app_command() from None
    if args.json:
        print(json.dumps(plan.to_dict(), indent=2, sort_keys=True))
        return EXIT_OK
    width = max(len(k) for k in plan.decisions)
    for key in sorted(plan.decisions):
        decision = plan.decisions[key]
        answered = f" ({decision.origin} answer)" if decision.origin in ("saved", "asked") else ""
        print(f"{key:<{width}}  {_shown(decision.value)}  <- {decision.source}{answered}")
    if saved:
        listed = ", ".join(f"{k}={saved[k]!r}" for k in sorted(saved))
        print(f"note: answers saved in .scaffold.json (shown as their flags above): {listed}")
    for note in plan.notes:
        print(f"note: {note}")
    for warning in plan.warnings:
        print(f"warning: {warning}")
    return EXIT_OK


def _shown(value: Any) -> str:
    """A decision's value as a person reads it: yes/no/none, lists space-separated, not Python's repr."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " ".join(_shown(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def cmd_init(args: argparse.Namespace) -> int:
    from scaffold.providers.node.monorepo_select import monorepo_of, resolve_app

    project = _project(args.path)
    mono = monorepo_of(project)
    if mono is None:
        if args.app or args.all:
            raise UsageError(f"{'--app' if args.app else '--all'}: {project.root} is not in a monorepo (no pnpm-workspace.yaml, no package.json > workspaces)")
        return _init_one(project, None, args)
    root, ws, rel = mono
    if args.all:
        apps = [p.path for p in ws.apps]
        if not apps:
            raise UsageError(f"--all: {root.root} has no deployable app (no workspace package has a start script or a static build)")
    elif args.app:
        apps = [resolve_app(ws, args.app, rel)]
    elif rel != ".":
        apps = [rel]
    else:
        apps = _choose_apps(root, ws, args)
        if apps is None:  # the root is the app; its workspaces are only libraries
            return _init_one(project, None, args)
    return _init_apps(root, list(apps), args)


def _choose_apps(root: Any, ws: Any, args: argparse.Namespace) -> list[str] | None:
    """At a monorepo root without --app: ask on a terminal, otherwise explain the flags."""
    from scaffold.providers.node.monorepo_select import AppRequiredError, locate

    try:
        locate(root, None)
    except AppRequiredError as exc:
        if args.yes or not _interactive() or not exc.apps:
            raise
        import questionary  # lazy: only an interactive run pays for it

        every = f"all {len(exc.apps)} apps"
        answer = questionary.select("Which app should get a Dockerfile?", choices=[*exc.apps, every]).ask()
        if answer is None:
            raise KeyboardInterrupt from None
        return list(exc.apps) if answer == every else [answer]
    return None


def _interactive() -> bool:
    import os

    return sys.stdin.isatty() and sys.stdout.isatty() and os.environ.get("SCAFFOLD_NO_INPUT") != "1"


SHIP_KEYS = ("compose", "ci", "registry")


def _init_one(project: Any, app: str | None, args: argparse.Namespace) -> int:
    return _init_apps(project, [app], args)


def _init_apps(project: Any, apps: list[str | None], args: argparse.Namespace, *, latest: bool = False, ask: bool = True) -> int:
    """Plan, render and write the Dockerfiles (one per monorepo app, or the project's one) and the ship files.

    In a monorepo, compose.yaml and the CI workflow cover every app scaffold has
    written a Dockerfile for (this run's and earlier runs'), so adding one app
    never drops another; the ship flags are kept for the whole repository,
    every other answer per app. The questions are asked when one Dockerfile is
    written (not for --all); ``latest`` moves a team template to its newest version.
    """
    # Each module is imported only when this run needs it: a dry run asks nothing and
    # writes nothing, and most projects have no team template (start-up is budgeted).
    from scaffold import write
    from scaffold.plan import plan_project
    from scaffold.ship import ShipOptions, render_ship_files, ship_next_steps

    state = write.load_state(project.root)
    if not (args.dry_run or args.diff or args.check or args.force):
        write.refuse_newer_state(project.root, state, __version__)
    flags = answers_from_flags(args)
    mono = apps != [None]
    source = None
    if state.get("template") is not None or getattr(args, "template", None) is not None or getattr(args, "data", None):
        from scaffold import team_template

        source = team_template.choose_source(state, getattr(args, "template", None), dict(getattr(args, "data", [])))
    if source is not None and getattr(args, "template", None) is None:
        # The template came from a committed file, which a pull request can change: say so,
        # and never run it unattended without being told to.
        if args.yes and not getattr(args, "trust", False):
            raise UsageError(
                f".scaffold.json names the team template {str(source.src)[:120]!r}, and --yes would render it without asking",
                hint=f"pass --template {str(source.src)[:120]} (or --trust) if you trust it",
            )
        print(f"note: rendering the team template {str(source.src)[:120]!r} named in .scaffold.json", file=sys.stderr)
    if source is not None and len(apps) > 1:
        raise UsageError("--template renders one Dockerfile at a time: pass --app instead of --all")
    root_answers = write.saved_answers(state)
    if mono:
        root_answers = {**root_answers, **{k: v for k, v in flags.items() if k in SHIP_KEYS}}
        flags = {k: v for k, v in flags.items() if k not in SHIP_KEYS}
    preview = args.dry_run or args.diff or args.check
    prompter = None
    if not (preview or args.yes):
        from scaffold import questionnaire

        prompter = questionnaire.prompter_for(yes=args.yes)
    ask = ask and prompter is not None and len(apps) == 1
    plans = []
    app_answers: dict[str, dict[str, Any]] = {}
    files: dict[str, str] = {}
    for app in apps:
        saved = write.saved_answers(state, app)
        answers = {**saved, **flags}
        if ask:
            asked = _ask(project, app, {**answers, **_ship_part(root_answers)} if mono else answers, args, prompter)
            answers = {k: v for k, v in asked.items() if not (mono and k in SHIP_KEYS)}
            if mono:
                root_answers = {**{k: v for k, v in root_answers.items() if k not in SHIP_KEYS}, **_ship_part(asked)}
        origins = answer_origins(saved, flags, answers if ask else None)
        if app is None:
            root_answers = answers
        else:
            app_answers[app] = answers
            answers = {**answers, "app": app}
        plan = plan_project(project, answers, origins)
        plans.append(plan)
        if source is None:
            from scaffold.render import render_plan

            rendered = render_plan(plan)
        else:
            from scaffold import team_template

            rendered, source = team_template.render_files(project.root, plan, source, latest=latest)
        files.update(rendered)
    ship = ShipOptions.from_answers(root_answers)
    ship_plans = list(plans)
    if mono:  # apps written by earlier runs stay in compose.yaml and the workflow
        for earlier in sorted(set(state.get("apps") or {}) - set(apps)):
            if (project.root / earlier / "Dockerfile").is_file():
                earlier_answers = write.saved_answers(state, earlier)
                ship_plans.append(plan_project(project, {**earlier_answers, "app": earlier}, answer_origins(earlier_answers, {})))
        ship_plans.sort(key=lambda p: p.dockerfile_path)
    files.update(render_ship_files(project.root, ship_plans, ship))
    for plan in plans:
        for warning in plan.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        for note in plan.notes:
            print(f"note: {note}", file=sys.stderr)

    if args.dry_run:
        for rel, text in files.items():
            print(f"# ---- {rel}")
            print(text, end="")
        return EXIT_OK
    from scaffold import apply

    changes = write.classify(project.root, files, state)
    if args.diff or args.check:
        return apply.preview(changes, diff=args.diff, check=args.check)
    apply.run(
        project.root, changes, prompter,
        answers=root_answers, app_answers=app_answers, template=source, force=args.force, version=__version__,
    )
    where = "" if not mono or Path.cwd().resolve() == project.root else f" (from {project.root})"
    print(f"\nNext{where}:")
    steps = [step for plan in plans for step in plan.next_steps()]
    for step in [*steps, *ship_next_steps(ship_plans, ship)]:
        print(f"  {step}")
    return EXIT_OK


def _ask(project: Any, app: str | None, answers: dict[str, Any], args: argparse.Namespace, prompter: Any) -> dict[str, Any]:
    """The questionnaire for one Dockerfile (a monorepo app's questions are planned for that app)."""
    from scaffold import questionnaire
    from scaffold.plan import plan_project

    def planner(project: Any, answers: dict[str, Any]) -> Any:
        return plan_project(project, answers if app is None else {**answers, "app": app})

    return questionnaire.run(project, answers, planner=planner, prompter=prompter, skip=frozenset(answers_from_flags(args)), extras=_extras(args))


def _ship_part(answers: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answers.items() if k in SHIP_KEYS}


def _extras(args: argparse.Namespace) -> tuple[str, ...]:
    """Optional files offered in the questionnaire: those whose flag this command has (--compose, --ci)."""
    from scaffold.data import load

    return tuple(key for key in load("questionnaire")["extras"] if hasattr(args, key))


def cmd_update(args: argparse.Namespace) -> int:
    """Newest template version, same answers: Copier's own 3-way update when it can run, else scaffold's merge."""
    from scaffold import team_template, write
    from scaffold.plan import plan_project
    from scaffold.providers.node.monorepo_select import monorepo_of

    project = _project(args.path)
    apps: list[str | None] = [None]
    mono = monorepo_of(project)
    if mono is not None:
        root, _, rel = mono
        recorded = sorted(write.load_state(root.root).get("apps") or {})
        targets: list[str | None] = [rel] if rel != "." else list(recorded)
        if targets:
            project, apps = root, targets
    state = write.load_state(project.root)
    source = team_template.TemplateSource.from_state(state)
    if source is not None and apps == [None]:
        why_not = team_template.can_copier_update(project.root, source.answers_file)
        if why_not is None:
            plan = plan_project(project, {**write.saved_answers(state), **answers_from_flags(args)})
            team_template.copier_update_project(project.root, plan, write.saved_answers(state), source, version=__version__)
            return EXIT_OK
        print(f"note: Copier's update cannot run ({why_not}): merging with scaffold's own 3-way merge", file=sys.stderr)
    args.dry_run = args.diff = args.check = False
    return _init_apps(project, apps, args, latest=True, ask=False)


def _saved_plan(args: argparse.Namespace):
    """The plan `scaffold init` wrote files from: saved answers, then this command's flags.

    Returns the project (the repository root for a monorepo app), the plan, and
    the saved answers it used that no flag replaced.
    """
    from scaffold import write
    from scaffold.plan import plan_project

    from scaffold.providers.node.monorepo_select import monorepo_of, resolve_app

    project = _project(args.path)
    app = None
    mono = monorepo_of(project)
    if mono is not None:  # a monorepo app: paths and saved answers belong to the repository root
        root, ws, rel = mono
        app = resolve_app(ws, args.app, rel) if getattr(args, "app", None) else (rel if rel != "." else None)
        if app is not None:
            project = root
    state = write.load_state(project.root)
    flags = answers_from_flags(args)
    saved = write.saved_answers(state, app)
    answers = {**saved, **flags}
    if app is not None:
        answers = {**{k: v for k, v in write.saved_answers(state).items() if k in SHIP_KEYS}, **answers, "app": app}
    elif getattr(args, "app", None):  # not a monorepo: plan_project explains why --app does not apply
        answers["app"] = args.app
    plan_keys = {k: v for k, v in saved.items() if k not in flags and k not in SHIP_KEYS}
    return project, plan_project(project, answers, answer_origins(saved, flags)), plan_keys


def answer_origins(saved: dict[str, Any], flags: dict[str, Any], asked: dict[str, Any] | None = None) -> dict[str, str]:
    """Where each answer came from, for the plan's decision origins: a flag beats a question beats .scaffold.json.

    An answer counts as asked when the questionnaire ran and left a value that
    .scaffold.json did not hold; one the user kept as it was stays ``saved``.
    """
    origins = {key: "saved" for key in saved}
    for key, value in (asked or {}).items():
        if key not in flags and (key not in saved or saved[key] != value):
            origins[key] = "asked"
    return {**origins, **{key: "flag" for key in flags}}


def cmd_build(args: argparse.Namespace) -> int:
    from scaffold import docker_cli

    project, plan, _ = _saved_plan(args)
    docker_cli.build(project.root, plan)
    name_flag = f" --name {args.image_name}" if args.image_name else ""
    print(f"built {plan.image_name}; start it with: scaffold run {args.path}{name_flag}")
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from scaffold import docker_cli

    project, plan, _ = _saved_plan(args)
    started = docker_cli.run(project.root, plan, args.host_port)
    print(started.container_id)
    print(f"{plan.image_name} is starting on {started.url}")
    print(f"  logs: docker logs -f {started.container_id}")
    print(f"  stop: docker rm -f {started.container_id}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        commands = {"init": cmd_init, "update": cmd_update, "plan": cmd_plan, "build": cmd_build, "run": cmd_run}
        return commands[args.command](args)
    except ScaffoldError as exc:
        print(f"scaffold: error: {exc.render()}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # `scaffold plan --json | head -1`: the reader left, which is not an error worth a traceback.
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except (KeyboardInterrupt, EOFError):
        # Questions are all asked before the first write, so stopping here leaves the project as it was.
        print("\nscaffold: interrupted; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED


__all__ = ["main", "build_parser", "EXIT_DRIFT"]
