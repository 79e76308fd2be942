"""The Go provider's options: what its flags are and how their values are checked."""

from __future__ import annotations

import argparse
import re

from scaffold.providers.base import Option
from scaffold.providers.common_options import TARGET, release

_GLOBS = re.compile(r"^[A-Za-z0-9*?.\[\]/_~-]+(,[A-Za-z0-9*?.\[\]/_~-]+)*$")


def module_globs(value: object) -> str:
    """--go-private: GOPRIVATE's comma-separated module path globs, and nothing a shell would read."""
    text = str(value).strip() if isinstance(value, str) else ""
    if len(text) > 500 or not _GLOBS.match(text):
        raise argparse.ArgumentTypeError(f"{value!r} is not a GOPRIVATE list (comma-separated module globs, e.g. github.com/acme/*)")
    return text

OPTIONS = (
    Option(
        key="go_version",
        flag="--go-version",
        help="Go release line for the build image (e.g. 1.27)",
        metavar="VER",
        check=release,
        question="Go version",
        decision="go_version",
    ),
    Option(
        key="go_private",
        flag="--go-private",
        help="GOPRIVATE module globs; they download with a .netrc passed as a build secret (id=netrc)",
        metavar="GLOBS",
        check=module_globs,
    ),
    TARGET,
)
