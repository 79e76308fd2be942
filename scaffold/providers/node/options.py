"""The Node provider's options: its flags and how their values are checked.

The monorepo pair lives here too: --app picks which workspace app this run writes
(so it is not remembered as an answer), --turbo/--no-turbo is a switch.
"""

from __future__ import annotations

from scaffold.providers.base import Option
from scaffold.providers.common_options import PACKAGE_MANAGER, version_word

OPTIONS = (
    Option(key="node_version", flag="--node-version", help="Node version or major (e.g. 24, lts)", metavar="VER", check=version_word),
    PACKAGE_MANAGER,
    Option(key="app", flag="--app", help="in a monorepo (pnpm, npm, Yarn or Bun workspaces): the app to containerise, its folder (apps/api) or package name", metavar="PATH", remembered=False),
    Option(key="turbo", flag="--turbo", help="in a monorepo: use `turbo prune --docker` (default when turbo.json is present and usable)", switch=True),
)
