"""The two git facts shipping needs, read from files (no git binary, no network).

* The repository root: GitHub reads workflows only from ``<root>/.github/workflows``
  and runs them from the root, so a project in a subfolder needs its paths prefixed.
* The GitHub owner of the ``origin`` remote, so README.Docker.md can print an exact
  ``ghcr.io/<owner>/<name>`` instead of a placeholder.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

_GITHUB_REMOTE = re.compile(r"github\.com[:/](?P<owner>[A-Za-z0-9-]+)/[^/\s]+?(\.git)?/?$")


def repository_root(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` holding ``.git`` (a folder, or a file in worktrees)."""
    here = path.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return None


def github_owner(root: Path) -> str | None:
    """Owner of the ``origin`` remote when it is a GitHub URL (https or ssh), else None."""
    config = _config_file(root)
    if config is None:
        return None
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(config.read_text(encoding="utf-8", errors="replace"))
    except (OSError, configparser.Error):
        return None
    url = parser.get('remote "origin"', "url", fallback="")
    match = _GITHUB_REMOTE.search(url.strip())
    return match.group("owner") if match else None


def _config_file(root: Path) -> Path | None:
    """``.git/config``; a worktree's ``.git`` file points at a gitdir whose ``commondir`` holds it."""
    dot_git = root / ".git"
    try:
        if dot_git.is_dir():
            return dot_git / "config"
        if dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8").strip()
            if not text.startswith("gitdir:"):
                return None
            gitdir = (root / text.removeprefix("gitdir:").strip()).resolve()
            common = gitdir / "commondir"
            if common.is_file():
                gitdir = (gitdir / common.read_text(encoding="utf-8").strip()).resolve()
            return gitdir / "config" if (gitdir / "config").is_file() else None
    except OSError:
        return None
    return None
