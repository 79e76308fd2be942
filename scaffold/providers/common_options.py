"""Option records more than one provider takes, and the checks their values pass.

Kept free of heavy imports: the CLI reads every provider's options to build its
flags before it knows which stack the folder is.
"""

from __future__ import annotations

import argparse
import re

from scaffold.providers.base import Option

_TARGET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$")
_RELEASE = re.compile(r"^\d+(\.\d+){0,2}$")


def target_name(value: object) -> str:
    """--target: a binary or main-package name, or its folder (cmd/api); never shell text."""
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not _TARGET.match(text) or ".." in text.split("/"):
        raise argparse.ArgumentTypeError(f"{value!r} is not a target name or folder (e.g. api, cmd/api)")
    return text.rstrip("/")


def release(value: object) -> str:
    """A version written as numbers and dots (1.27, 1.95.0)."""
    text = str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""
    text = text.removeprefix("go").removeprefix("v")
    if not _RELEASE.match(text):
        raise argparse.ArgumentTypeError(f"{value!r} is not a version (numbers and dots, e.g. 1.27)")
    return text


TARGET = Option(
    key="target",
    flag="--target",
    help="the binary to build when the project has several (a Go main package or a Cargo binary: its name or folder)",
    metavar="NAME",
    check=target_name,
    question="Binary to build",
    decision="target",
)


def package_manager(value: object) -> str:
    """--package-manager: one of the managers some provider installs with."""
    from scaffold.flag_values import PACKAGE_MANAGERS

    if value not in PACKAGE_MANAGERS:
        raise argparse.ArgumentTypeError(f"{value!r} is not a package manager scaffold knows (use one of: {', '.join(PACKAGE_MANAGERS)})")
    return str(value)


PACKAGE_MANAGER = Option(
    key="package_manager",
    flag="--package-manager",
    help="the package manager to install with (npm, pnpm, yarn, bun; pip, uv, poetry, pipenv, pdm)",
    metavar="NAME",
    check=package_manager,
)


def version_word(value: object) -> str:
    """--node-version/--python-version, or its saved answer (a number in a hand-edited .scaffold.json too)."""
    from scaffold.flag_values import version_text

    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise argparse.ArgumentTypeError(f"{value!r} is not a version (e.g. 24, lts, 3.12)")
    return version_text(str(value))
