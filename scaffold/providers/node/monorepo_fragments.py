"""Plain fragments the monorepo planner builds its stages from: a stage, a COPY, a RUN (mounts and commands apart), an ENV.

monorepo_image.py turns them into typed steps.
"""

from __future__ import annotations

from typing import Any


def stage_fragment(name: str, from_: str, comment: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "from": from_, "comment": comment, "steps": steps}


def copy_fragment(src: list[str], dest: str, *, from_: str = "") -> dict[str, Any]:
    return {"kind": "copy", "from": from_, "src": src, "dest": dest, "comment": ""}


def run_fragment(commands: list[str], mounts: list[str] | None = None, prefix: str = "", *, comment: str = "") -> dict[str, Any]:
    """One RUN: cache and secret mounts, then the commands (the template joins them with &&)."""
    return {"kind": "run", "mounts": list(mounts or []), "commands": [prefix + commands[0], *commands[1:]], "comment": comment}


def env_fragment(pairs: list[str]) -> dict[str, Any]:
    return {"kind": "env", "pairs": pairs, "comment": ""}


def copy_group_fragments(files: list[str]) -> list[dict[str, Any]]:
    """Files grouped by their folder (root files in one COPY); folders each to their own destination.

    COPY flattens its sources into the destination, so a file below a folder
    must be copied to that folder, never to ./ with the root files.
    """
    by_parent: dict[str, list[str]] = {}
    for f in files:
        if not _is_dir(f):
            parent = f.rsplit("/", 1)[0] + "/" if "/" in f else ""
            by_parent.setdefault(parent, []).append(f)
    groups = [copy_fragment(srcs, f"./{parent}") for parent, srcs in by_parent.items()]
    groups += [copy_fragment([f], f"./{f}/") for f in files if _is_dir(f)]
    return groups


def _is_dir(path: str) -> bool:
    return path in ("patches", ".yarn/releases", ".yarn/patches", ".yarn/plugins")
