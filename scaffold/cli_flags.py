"""The command line's flags: every subcommand, override and shipping option, and the answers they give.

Provider flags (--go-version, --target...) come from the providers' option records, so a new stack's
flags need no edit here. Nothing heavy is imported: scaffold --help answers fast.
"""

from __future__ import annotations

import argparse
from typing import Any

from scaffold import __version__
from scaffold.flag_values import CI_CHOICES, command, image_name, image_reference, one_line, port


def _add_detection_overrides(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("overrides (each replaces one detected value)")
    group.add_argument("--port", type=port, metavar="N", help="port the app listens on")
    group.add_argument("--start", type=command, metavar="CMD", help="production start command")
    group.add_argument("--build", type=one_line, metavar="CMD", help="build command ('' for none)")
    group.add_argument("--base-image", type=image_reference, metavar="REF", help="runtime base image")
    group.add_argument("--name", dest="image_name", type=image_name, metavar="NAME", help="image name used in the printed commands")
    group.add_argument("--no-healthcheck", dest="healthcheck", action="store_false", default=None, help="leave out HEALTHCHECK")
    group.add_argument("--worker", action="store_true", default=None, help="the app serves no HTTP (a queue consumer, a bot): no EXPOSE, no HTTP health check")
    stacks = parser.add_argument_group("stack options (each provider declares its own)")
    for option in _provider_options():
        if option.switch:
            stacks.add_argument(option.flag, dest=option.key, action=argparse.BooleanOptionalAction, default=None, help=option.help)
        else:
            stacks.add_argument(option.flag, dest=option.key, type=option.check, metavar=option.metavar, help=option.help)


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
    init.add_argument("--all", action="store_true", help="in a monorepo: write a Dockerfile for every deployable app")
    _add_detection_overrides(init)
    _add_ship_options(init)

    update = sub.add_parser("update", help="bring in a newer template or scaffold version, merging your edits")
    update.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    update.add_argument("--yes", "-y", action="store_true", help="ask nothing: merge edited files, report conflicts")
    update.add_argument("--force", action="store_true", help="overwrite edited files (a .scaffold-backup copy is kept)")
    update.add_argument("--trust", action="store_true", help="with --yes, render the team template .scaffold.json names")
    _add_detection_overrides(update)

    plan = sub.add_parser("plan", help="print every decision and where it came from; writes nothing")
    plan.add_argument("path", nargs="?", default=".")
    plan.add_argument("--json", action="store_true", help="machine-readable plan")
    _add_detection_overrides(plan)

    build = sub.add_parser("build", help="docker build the image from the generated Dockerfile")
    build.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    build.add_argument("--name", dest="image_name", type=image_name, metavar="NAME", help="image name (default: the one scaffold init used)")
    build.add_argument("--app", metavar="PATH", help="in a monorepo: the app to build (its folder or package name)")

    run = sub.add_parser("run", help="docker run the built image in the background and print its URL")
    run.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    run.add_argument("--name", dest="image_name", type=image_name, metavar="NAME", help="image name (default: the one scaffold init used)")
    run.add_argument("--app", metavar="PATH", help="in a monorepo: the app to run (its folder or package name)")
    run.add_argument("--host-port", type=port, metavar="N", help="host port to publish (default: the app's port)")
    return parser


def _add_template_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("team templates (Copier)")
    group.add_argument("--template", metavar="SRC", help="render this Copier template (folder or git URL) instead of the built-in one")
    group.add_argument("--trust", action="store_true", help="with --yes, render the template .scaffold.json names (a committed file may name any template)")
    group.add_argument("--data", metavar="NAME=VALUE", action="append", default=[], type=_data_pair, help="answer one of the template's own questions (repeatable)")


def _data_pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return name.strip(), value


def _add_ship_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("shipping (remembered for later runs)")
    group.add_argument("--compose", action=argparse.BooleanOptionalAction, default=None, help="also write compose.yaml")
    group.add_argument("--ci", choices=CI_CHOICES, help="also write a CI workflow that builds and pushes the image")
    group.add_argument("--registry", type=one_line, metavar="REG", help="where CI pushes: ghcr (default), dockerhub, or a host[/namespace]")


def _provider_options() -> list[Any]:
    from scaffold.providers import options

    return options()


def answers_from_flags(args: argparse.Namespace) -> dict[str, Any]:
    keys = (
        "port", "start", "build", "base_image", "image_name",
        "healthcheck", "worker", "compose", "ci", "registry", *(o.key for o in _provider_options() if o.remembered),
    )
    return {k: getattr(args, k) for k in keys if getattr(args, k, None) is not None}
