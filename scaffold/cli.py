"""The command line: parse flags, call the pipeline, map errors to exit codes.

Only this module knows argparse. It imports nothing heavy at start-up (Jinja,
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
from scaffold.errors import EXIT_DRIFT, EXIT_INTERRUPTED, EXIT_OK, ScaffoldError, UsageError


def _add_detection_overrides(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("overrides (each replaces one detected value)")
    group.add_argument("--node-version", metavar="VER", help="Node version or major (e.g. 24, lts)")
    group.add_argument("--package-manager", choices=["npm", "pnpm", "yarn", "bun"])
    group.add_argument("--port", type=_port, metavar="N", help="port the app listens on")
    group.add_argument("--start", metavar="CMD", help="production start command")
    group.add_argument("--build", metavar="CMD", help="build command ('' for none)")
    group.add_argument("--base-image", metavar="REF", help="runtime base image")
    group.add_argument("--name", dest="image_name", metavar="NAME", help="image name used in the printed commands")
    group.add_argument("--no-healthcheck", dest="healthcheck", action="store_false", default=None, help="leave out HEALTHCHECK")


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (1-65535)")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scaffold", description="Write a production Dockerfile and .dockerignore for a project.")
    parser.add_argument("--version", action="version", version=f"scaffold {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = sub.add_parser("init", help="detect the project and write Dockerfile and .dockerignore")
    init.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    init.add_argument("--yes", "-y", action="store_true", help="ask nothing; use detected values and flags")
    init.add_argument("--dry-run", action="store_true", help="print the files instead of writing them")
    init.add_argument("--diff", action="store_true", help="show what would change, write nothing")
    init.add_argument("--force", action="store_true", help="overwrite edited files (a .scaffold-backup copy is kept)")
    init.add_argument("--check", action="store_true", help="exit 1 if the files on disk differ from what would be written")
    _add_template_options(init)
    _add_detection_overrides(init)
    _add_ship_options(init)

    update = sub.add_parser("update", help="bring in a newer template or scaffold version, merging your edits")
    update.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    update.add_argument("--yes", "-y", action="store_true", help="ask nothing: merge edited files, report conflicts")
    update.add_argument("--force", action="store_true", help="overwrite edited files (a .scaffold-backup copy is kept)")
    _add_detection_overrides(update)

    plan = sub.add_parser("plan", help="print every decision and where it came from; writes nothing")
    plan.add_argument("path", nargs="?", default=".")
    plan.add_argument("--json", action="store_true", help="machine-readable plan")
    _add_detection_overrides(plan)

    build = sub.add_parser("build", help="docker build the image from the generated Dockerfile")
    build.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    build.add_argument("--name", dest="image_name", metavar="NAME", help="image name (default: the one scaffold init used)")

    run = sub.add_parser("run", help="docker run the built image in the background and print its URL")
    run.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    run.add_argument("--name", dest="image_name", metavar="NAME", help="image name (default: the one scaffold init used)")
    run.add_argument("--host-port", type=_port, metavar="N", help="host port to publish (default: the app's port)")
    return parser


def _add_template_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("team templates (Copier)")
    group.add_argument("--template", metavar="SRC", help="render this Copier template (folder or git URL) instead of the built-in one")
    group.add_argument("--data", metavar="NAME=VALUE", action="append", default=[], type=_data_pair, help="answer one of the template's own questions (repeatable)")


def _data_pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return name.strip(), value


def _add_ship_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("shipping (remembered for later runs)")
    group.add_argument("--compose", action=argparse.BooleanOptionalAction, default=None, help="also write compose.yaml")
    group.add_argument("--ci", choices=["github", "none"], help="also write a CI workflow that builds and pushes the image")
    group.add_argument("--registry", metavar="REG", help="where CI pushes: ghcr (default), dockerhub, or a host[/namespace]")


def _answers(args: argparse.Namespace) -> dict[str, Any]:
    keys = ("node_version", "package_manager", "port", "start", "build", "base_image", "image_name", "healthcheck", "compose", "ci", "registry")
    return {k: getattr(args, k) for k in keys if getattr(args, k, None) is not None}


def _project(path: str):
    from scaffold.project import Project

    root = Path(path)
    if not root.is_dir():
        raise UsageError(f"{path}: not a folder")
    return Project(root)


def cmd_plan(args: argparse.Namespace) -> int:
    from scaffold.plan import plan_project

    plan = plan_project(_project(args.path), _answers(args))
    if args.json:
        print(json.dumps(plan.to_dict(), indent=2, sort_keys=True))
        return EXIT_OK
    width = max(len(k) for k in plan.decisions)
    for key in sorted(plan.decisions):
        decision = plan.decisions[key]
        value = " ".join(decision.value) if isinstance(decision.value, list) else decision.value
        print(f"{key:<{width}}  {value}  <- {decision.source}")
    for note in plan.notes:
        print(f"note: {note}")
    for warning in plan.warnings:
        print(f"warning: {warning}")
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from scaffold import apply, questionnaire, team_template, write
    from scaffold.plan import plan_project
    from scaffold.ship import ShipOptions, ship_next_steps

    project = _project(args.path)
    state = write.load_state(project.root)
    flags = _answers(args)
    answers = {**_saved_answers(state), **flags}
    source = team_template.choose_source(state, args.template, dict(args.data))
    preview = args.dry_run or args.diff or args.check
    prompter = None if preview else questionnaire.prompter_for(yes=args.yes)
    if prompter is not None:
        answers = questionnaire.run(
            project, answers, planner=plan_project, prompter=prompter, skip=frozenset(flags), extras=_extras(args)
        )
    ship = ShipOptions.from_answers(answers)
    plan = plan_project(project, answers)
    _print_plan_messages(plan)
    files, source = _render(project, plan, source, ship)

    if args.dry_run:
        for rel, text in files.items():
            print(f"# ---- {rel}")
            print(text, end="")
        return EXIT_OK
    changes = write.classify(project.root, files, state)
    if args.diff or args.check:
        return apply.preview(changes, diff=args.diff, check=args.check)
    apply.run(project.root, changes, prompter, answers=answers, template=source, force=args.force, version=__version__)
    print("\nNext:")
    for step in [*plan.next_steps(), *ship_next_steps([plan], ship)]:
        print(f"  {step}")
    return EXIT_OK


def cmd_update(args: argparse.Namespace) -> int:
    """Newest template version, same answers; Copier's own 3-way update when it can run."""
    from scaffold import apply, questionnaire, team_template, write
    from scaffold.plan import plan_project
    from scaffold.ship import ShipOptions

    project = _project(args.path)
    state = write.load_state(project.root)
    answers = {**_saved_answers(state), **_answers(args)}
    plan = plan_project(project, answers)
    _print_plan_messages(plan)
    source = team_template.TemplateSource.from_state(state)
    ship = ShipOptions.from_answers(answers)
    if source is not None:
        why_not = team_template.can_copier_update(project.root, source.answers_file)
        if why_not is None:
            team_template.copier_update_project(project.root, plan, answers, source, version=__version__)
            return EXIT_OK
        print(f"note: Copier's update cannot run ({why_not}): merging with scaffold's own 3-way merge", file=sys.stderr)
    files, source = _render(project, plan, source, ship, latest=True)
    changes = write.classify(project.root, files, state)
    prompter = questionnaire.prompter_for(yes=args.yes)
    apply.run(project.root, changes, prompter, answers=answers, template=source, force=args.force, version=__version__)
    return EXIT_OK


# -- helpers shared by init and update ------------------------------------------------


def _saved_answers(state: dict[str, Any]) -> dict[str, Any]:
    saved = state.get("answers")
    return dict(saved) if isinstance(saved, dict) else {}


def _extras(args: argparse.Namespace) -> tuple[str, ...]:
    """Optional files offered in the questionnaire: those whose flag this build has (--compose, --ci)."""
    from scaffold.data import load

    return tuple(key for key in load("questionnaire")["extras"] if hasattr(args, key))


def _render(project, plan, source, ship, *, latest: bool = False):
    """The Dockerfile and .dockerignore (built-in or team template), plus the shipping files asked for."""
    from scaffold import team_template
    from scaffold.ship import render_ship_files

    files, source = team_template.render_files(project.root, plan, source, latest=latest)
    files.update(render_ship_files(project.root, [plan], ship))
    return files, source


def _print_plan_messages(plan) -> None:
    for warning in plan.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for note in plan.notes:
        print(f"note: {note}", file=sys.stderr)


def _saved_plan(args: argparse.Namespace):
    """The plan `scaffold init` wrote files from: saved answers, then this command's flags."""
    from scaffold import write
    from scaffold.plan import plan_project

    project = _project(args.path)
    state = write.load_state(project.root)
    return project, plan_project(project, {**_saved_answers(state), **_answers(args)})


def cmd_build(args: argparse.Namespace) -> int:
    from scaffold import docker_cli

    project, plan = _saved_plan(args)
    docker_cli.build(project.root, plan)
    name_flag = f" --name {args.image_name}" if args.image_name else ""
    print(f"built {plan.image_name}; start it with: scaffold run {args.path}{name_flag}")
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from scaffold import docker_cli

    project, plan = _saved_plan(args)
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
    except (KeyboardInterrupt, EOFError):
        # Questions are all asked before the first write, so stopping here leaves the project as it was.
        print("\nscaffold: interrupted; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED


__all__ = ["main", "build_parser", "EXIT_DRIFT"]
