"""The Go provider's options: what its flags are and how their values are checked."""

from __future__ import annotations

from scaffold.providers.base import Option
from scaffold.providers.common_options import TARGET, release

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
    TARGET,
)
