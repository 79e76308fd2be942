"""Where one app's files are, as absolute paths, and relative paths from any folder.

A plan's paths are relative to the project root scaffold was pointed at. Compose
resolves ``dockerfile`` against the build context, and GitHub Actions resolves
every path against the repository root, which may be above the project; both
are computed here from resolved paths so ``..`` never depends on the cwd.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scaffold.plan.model import BuildPlan


@dataclass(frozen=True)
class AppPaths:
    plan: BuildPlan
    root: Path  # the project root the plan's paths are relative to

    @property
    def context(self) -> Path:
        return (self.root / self.plan.build_context).resolve()

    @property
    def dockerfile(self) -> Path:
        return (self.root / self.plan.dockerfile_path).resolve()

    @property
    def app_dir(self) -> Path:
        """The app's own folder: the one holding its Dockerfile."""
        return self.dockerfile.parent

    def watched(self) -> list[Path]:
        """Folders or files whose changes should rebuild this app's image.

        A planner that knows the app's real inputs (a monorepo app and the
        workspace packages it uses) lists them in ``plan.watch_paths``; otherwise
        everything in the build context counts, which is never wrong, only eager.
        """
        if self.plan.watch_paths:
            return [(self.root / p).resolve() for p in self.plan.watch_paths]
        return [self.context]


def rel(target: Path, start: Path) -> str:
    """``target`` relative to ``start`` in POSIX form ("." for the same folder)."""
    return Path(os.path.relpath(target, start)).as_posix()
