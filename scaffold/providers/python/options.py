"""The Python provider's options: its flags and how their values are checked."""

from __future__ import annotations

from scaffold.providers.base import Option
from scaffold.providers.common_options import PACKAGE_MANAGER, version_word

OPTIONS = (
    Option(key="python_version", flag="--python-version", help="Python release line (e.g. 3.12)", metavar="VER", check=version_word),
    PACKAGE_MANAGER,
)
