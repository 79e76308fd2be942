"""Writing generated files without ever losing a person's edits.

Each write is classified first: create, identical, update (the file on disk is
exactly what scaffold wrote last time, so replacing it loses nothing), or
conflict (the file was edited, or was not written by scaffold). Conflicts are
never overwritten silently: they are reported, asked about, or replaced with
``--force`` after a backup. Files are replaced atomically, and only after every
file has rendered, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STATE_FILE = ".scaffold.json"


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the project root
    new: str
    old: str | None
    action: str  # create | identical | update | conflict

    def diff(self) -> str:
        old = (self.old or "").splitlines(keepends=True)
        new = self.new.splitlines(keepends=True)
        return "".join(difflib.unified_diff(old, new, f"a/{self.path}", f"b/{self.path}"))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def load_state(root: Path) -> dict[str, Any]:
    """The saved answers and the digests of the files scaffold last wrote."""
    path = root / STATE_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def classify(root: Path, files: dict[str, str], state: dict[str, Any]) -> list[FileChange]:
    written = state.get("files", {}) if isinstance(state.get("files"), dict) else {}
    changes = []
    for rel, text in files.items():
        target = root / rel
        old = target.read_text(encoding="utf-8") if target.is_file() else None
        if old is None:
            action = "create"
        elif old == text:
            action = "identical"
        elif written.get(rel) == digest(old):
            action = "update"
        else:
            action = "conflict"
        changes.append(FileChange(rel, text, old, action))
    return changes


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def backup(path: Path) -> Path:
    target = path.with_name(path.name + ".scaffold-backup")
    atomic_write(target, path.read_text(encoding="utf-8"))
    return target


def saved_answers(state: dict[str, Any], app: str | None = None) -> dict[str, Any]:
    """The answers saved for the project, or for one app of a monorepo (kept apart per app)."""
    if app is None:
        answers = state.get("answers")
    else:
        apps = state.get("apps")
        answers = apps.get(app) if isinstance(apps, dict) else None
    return dict(answers) if isinstance(answers, dict) else {}


def save_state(
    root: Path, answers: dict[str, Any], files: dict[str, str], version: str, *, app_answers: dict[str, dict[str, Any]] | None = None
) -> None:
    """Record the answers (the repository's, and each monorepo app's apart) and digests of the files written."""
    state = load_state(root)
    recorded = dict(state.get("files", {})) if isinstance(state.get("files"), dict) else {}
    recorded.update({rel: digest(text) for rel, text in files.items()})
    apps = dict(state["apps"]) if isinstance(state.get("apps"), dict) else {}
    apps.update(app_answers or {})
    new_state = {
        "_comment": "Written by scaffold: the answers it was given and digests of the files it wrote, so re-runs never overwrite your edits.",
        "answers": {k: answers[k] for k in sorted(answers)},
        "files": {k: recorded[k] for k in sorted(recorded)},
        "scaffold_version": version,
    }
    if apps:
        new_state["apps"] = {name: {k: apps[name][k] for k in sorted(apps[name])} for name in sorted(apps)}
    text = json.dumps(new_state, indent=2, sort_keys=True) + "\n"
    if (root / STATE_FILE).is_file() and (root / STATE_FILE).read_text(encoding="utf-8") == text:
        return
    atomic_write(root / STATE_FILE, text)


def announce(action: str, rel: str) -> None:
    print(f"{action:>10}  {rel}", file=sys.stderr)
