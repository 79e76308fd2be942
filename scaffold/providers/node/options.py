"""The Node provider's options: its flags and how their values are checked.

--app and --turbo (monorepos) are still declared by the CLI: --turbo is a yes/no pair
(--turbo/--no-turbo), which an Option record does not describe yet.
"""

from __future__ import annotations

from scaffold.providers.base import Option
from scaffold.providers.common_options import PACKAGE_MANAGER, version_word

OPTIONS = (
    Option(key="node_version", flag="--node-version", help="Node version or major (e.g. 24, lts)", metavar="VER", check=version_word),
    PACKAGE_MANAGER,
)
