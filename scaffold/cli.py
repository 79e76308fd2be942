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
from scaffold.errors import EXIT_DRIFT, EXIT_INTERRUPTED, EXIT_OK, ConflictError, DriftError, ScaffoldError, UsageError


def _add_detection_overrides(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("overrides (each replaces one detected value)")
    group.add_argument("--node-version", metavar="VER", help="Node version or major (e.g. 24, lts)")
    group.add_argument("--python-version", metavar="VER", help="Python release line (e.g. 3.12)")
    group.add_argument("--package-manager", choices=["npm", "pnpm", "yarn", "bun", "pip", "uv", "poetry", "pipenv", "pdm"])
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
    _add_detection_overrides(init)
    _add_ship_options(init)

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


def _add_ship_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("shipping (remembered for later runs)")
    group.add_argument("--compose", action=argparse.BooleanOptionalAction, default=None, help="also write compose.yaml")
    group.add_argument("--ci", choices=["github", "none"], help="also write a CI workflow that builds and pushes the image")
    group.add_argument("--registry", metavar="REG", help="where CI pushes: ghcr (default), dockerhub, or a host[/namespace]")


def _answers(args: argparse.Namespace) -> dict[str, Any]:
    keys = (
        "node_version", "python_version", "package_manager", "port", "start", "build", "base_image", "image_name",
        "healthcheck", "compose", "ci", "registry",
    )
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
    from scaffold import write
    from scaffold.plan import plan_project
    from scaffold.render import render_plan
    from scaffold.ship import ShipOptions, render_ship_files, ship_next_steps

    project = _project(args.path)
    state = write.load_state(project.root)
    saved = state.get("answers", {}) if isinstance(state.get("answers"), dict) else {}
    answers = {**saved, **_answers(args)}
    ship = ShipOptions.from_answers(answers)
    plan = plan_project(project, answers)
    files = render_plan(plan)
    files.update(render_ship_files(project.root, [plan], ship))
    for warning in plan.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for note in plan.notes:
        print(f"note: {note}", file=sys.stderr)

    if args.dry_run:
        for rel, text in files.items():
            print(f"# ---- {rel}")
            print(text, end="")
        return EXIT_OK
    changes = write.classify(project.root, files, state)
    if args.diff or args.check:
        changed = [c for c in changes if c.action != "identical"]
        if args.diff:
            for change in changed:
                print(change.diff(), end="")
        if args.check and changed:
            raise DriftError(paths=[c.path for c in changed])
        return EXIT_OK

    conflicts = [c for c in changes if c.action == "conflict"]
    if conflicts and not args.force:
        for change in conflicts:
            write.announce("conflict", change.path)
        raise ConflictError(paths=[c.path for c in conflicts])
    for change in changes:
        target = project.root / change.path
        if change.action == "identical":
            write.announce("identical", change.path)
            continue
        if change.action == "conflict":
            saved_to = write.backup(target)
            write.announce("backup", str(saved_to.relative_to(project.root)))
        write.atomic_write(target, change.new)
        write.announce("overwrite" if change.action in ("update", "conflict") else "create", change.path)
    write.save_state(project.root, answers, files, __version__)
    if all(c.action == "identical" for c in changes):
        print("up to date", file=sys.stderr)
    print("\nNext:")
    for step in [*plan.next_steps(), *ship_next_steps([plan], ship)]:
        print(f"  {step}")
    return EXIT_OK


def _saved_plan(args: argparse.Namespace):
    """The plan `scaffold init` wrote files from: saved answers, then this command's flags."""
    from scaffold import write
    from scaffold.plan import plan_project

    project = _project(args.path)
    state = write.load_state(project.root)
    saved = state.get("answers", {}) if isinstance(state.get("answers"), dict) else {}
    return project, plan_project(project, {**saved, **_answers(args)})


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
        commands = {"init": cmd_init, "plan": cmd_plan, "build": cmd_build, "run": cmd_run}
        return commands[args.command](args)
    except ScaffoldError as exc:
        print(f"scaffold: error: {exc.render()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("scaffold: interrupted; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED


__all__ = ["main", "build_parser", "EXIT_DRIFT"]
