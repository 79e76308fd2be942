"""Writing generated files without ever losing a person's edits.

Each write is classified first:

- create: the file does not exist;
- identical: the file already holds exactly the new text;
- update: the file is exactly what scaffold wrote last time, so replacing it loses nothing;
- edited: the file was edited by hand, but scaffold would write the same as last time,
  so there is nothing to bring in and the edit stays;
- merge: the file was edited and scaffold now writes something else: a 3-way merge
  (base = scaffold's last render, kept in ``.scaffold.json``) keeps both;
- conflict: the file differs and scaffold has no record of writing it, so there is
  no base to merge from.

Edits are never overwritten silently: they are merged, asked about, or replaced
with ``--force`` after a backup. Files are replaced atomically, and only after
every file has rendered and been written to a temporary file beside its target
(a :class:`Batch`), so a full disk or a read-only folder leaves nothing
half-written: no new Dockerfile without its ``.scaffold.json`` record.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

from scaffold.errors import MalformedFileError, NewerStateError, SavedAnswerError, UnreadableFileError, WriteFailedError

STATE_FILE = ".scaffold.json"


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the project root
    new: str
    old: str | None
    action: str  # create | identical | update | edited | merge | conflict
    base: str | None = None  # what scaffold wrote last time, when known

    def diff(self) -> str:
        old = (self.old or "").splitlines(keepends=True)
        new = self.new.splitlines(keepends=True)
        import difflib  # lazy: only --diff and the questions show a diff

        return "".join(difflib.unified_diff(old, new, f"a/{self.path}", f"b/{self.path}"))


def digest(text: str) -> str:
    import hashlib  # lazy: a dry run hashes nothing

    return hashlib.sha256(text.encode()).hexdigest()


_STATE_HINT = (
    "fix it (`git checkout -- .scaffold.json` restores the committed one), or delete it to start over: "
    "scaffold then treats the files it wrote as not its own and leaves them alone unless --force"
)


def load_state(root: Path) -> dict[str, Any]:
    """The saved answers and the digests of the files scaffold last wrote.

    A ``.scaffold.json`` that cannot be read is an error, not an empty record:
    treating it as empty would drop the saved answers silently and, on the next
    write, replace the file that held them.
    """
    path = root / STATE_FILE
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableFileError(path=path, detail=_reason(exc), hint=_STATE_HINT) from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise MalformedFileError(path=path, detail=str(exc).splitlines()[0][:160] if not isinstance(exc, RecursionError) else "nested too deeply", hint=_STATE_HINT) from None
    if not isinstance(data, dict):
        raise MalformedFileError(path=path, detail=f"expected a JSON object, found {type(data).__name__}", hint=_STATE_HINT)
    from scaffold import file_shapes

    file_shapes.check(data, STATE_FILE)
    return data


def newer_writer(state: dict[str, Any], version: str) -> str | None:
    """The scaffold version that wrote ``state`` when it is newer than ``version``, else None."""
    from packaging.version import InvalidVersion, Version  # lazy: only runs that write read it

    recorded = state.get("scaffold_version")
    if not isinstance(recorded, str):
        return None
    try:
        return recorded if Version(recorded) > Version(version) else None
    except InvalidVersion:
        return None


def refuse_newer_state(root: Path, state: dict[str, Any], version: str) -> None:
    """An older scaffold must not rewrite what a newer one wrote: its templates and record format may be older."""
    newer = newer_writer(state, version)
    if newer is not None:
        raise NewerStateError(path=root / STATE_FILE, recorded=newer, running=version)


def _reason(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def read_existing(path: Path) -> str | None:
    """The text of a file scaffold may replace, or None when there is none; unreadable is an error."""
    if not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableFileError(
            path=path, detail=_reason(exc), hint="scaffold needs to read it to know whether you edited it; fix its permissions or encoding, or move it away"
        ) from None


def last_render(state: dict[str, Any], rel: str) -> str | None:
    """The text scaffold wrote to ``rel`` last time: the base of a 3-way merge."""
    renders = state.get("last_render")
    lines = renders.get(rel) if isinstance(renders, dict) else None
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        return None
    text = "\n".join(lines)
    written = state.get("files", {}) if isinstance(state.get("files"), dict) else {}
    # A base whose digest disagrees was edited in .scaffold.json itself: do not merge from it.
    return text if written.get(rel) in (None, digest(text)) else None


def classify(root: Path, files: dict[str, str], state: dict[str, Any]) -> list[FileChange]:
    written = state.get("files", {}) if isinstance(state.get("files"), dict) else {}
    changes = []
    for rel, text in files.items():
        target = root / rel
        old = read_existing(target)
        base = last_render(state, rel)
        base_digest = digest(base) if base is not None else written.get(rel)
        if old is None:
            action = "create"
        elif old == text:
            action = "identical"
        elif base_digest is None:
            action = "conflict"
        elif digest(old) == base_digest:
            action = "update"
        elif digest(text) == base_digest:
            action = "edited"
        elif base is not None:
            action = "merge"
        else:
            action = "conflict"
        changes.append(FileChange(rel, text, old, action, base))
    return changes


# Temporary files scaffold writes beside their targets; .dockerignore excludes them.
TEMP_SUFFIX = ".scaffold-tmp"


def _remove_stale_temps(path: Path, keep: set[str]) -> None:
    """Temporary files an earlier, killed run left beside ``path`` (they would reach the build context).

    Only names mkstemp gives for this very target (``.Dockerfile.<8 chars>.scaffold-tmp``)
    are removed, never one this run has staged (a backup's temp looks alike).
    """
    stale_name = re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}{re.escape(TEMP_SUFFIX)}")
    for stale in path.parent.glob(f".{glob_escape(path.name)}.*{TEMP_SUFFIX}"):
        if stale_name.fullmatch(stale.name) and str(stale) not in keep and stale.is_file() and not stale.is_symlink():
            stale.unlink(missing_ok=True)


class Batch:
    """Files written together: each goes to a temporary file beside its target first, then all are renamed.

    Writing the bytes is what fails on a full disk or a read-only folder, so
    doing all of it before the first rename means such a failure changes no
    file. A failure is a :class:`WriteFailedError` naming the file.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[str, Path]] = []

    def add(self, path: Path, text: str) -> None:
        # Every obstacle is found before the first rename: a folder named .dockerignore
        # must not leave the Dockerfile already replaced.
        if path.is_dir() or (path.exists() and not path.is_file()):
            self.discard()
            raise WriteFailedError(path=path, detail="a folder or special file is in the way", hint="move it aside and run scaffold again")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            self.discard()
            raise WriteFailedError(path=path, detail="the content holds characters that are not text (a lone surrogate)") from None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale_temps(path, {tmp for tmp, _ in self._staged})
            import tempfile  # lazy: only a run that writes needs it

            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
        except OSError as exc:
            raise self._failed(path, exc) from None
        self._staged.append((tmp, path))
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        except OSError as exc:
            raise self._failed(path, exc) from None

    def commit(self) -> None:
        """Rename every staged file over its target (a rename within a folder needs no new space)."""
        replaced: list[str] = []
        try:
            while self._staged:
                tmp, path = self._staged[0]
                try:
                    os.replace(tmp, path)
                except OSError as exc:
                    raise WriteFailedError(path=path, detail=_reason(exc), replaced=replaced) from None
                replaced.append(path.name)
                self._staged.pop(0)
        finally:
            self.discard()

    def discard(self) -> None:
        for tmp, _ in self._staged:
            Path(tmp).unlink(missing_ok=True)
        self._staged.clear()

    def _failed(self, path: Path, exc: OSError) -> WriteFailedError:
        self.discard()
        return WriteFailedError(path=path, detail=_reason(exc))


def atomic_write(path: Path, text: str) -> None:
    batch = Batch()
    batch.add(path, text)
    batch.commit()


def backup_path(path: Path, text: str) -> tuple[Path, bool]:
    """Where to copy ``path`` (holding ``text``) before it is overwritten, and whether that copy is still needed.

    An earlier backup with other content is never replaced: the next one is numbered.
    """
    target = path.with_name(f"{path.name}.scaffold-backup")
    number = 1
    while target.exists() and target.read_text(encoding="utf-8", errors="replace") != text:
        number += 1
        target = path.with_name(f"{path.name}.scaffold-backup-{number}")
    return target, not target.exists()


def backup(path: Path) -> Path:
    """Copy ``path`` aside before it is overwritten."""
    text = path.read_text(encoding="utf-8")
    target, needed = backup_path(path, text)
    if needed:
        atomic_write(target, text)
    return target


def saved_answers(state: dict[str, Any], app: str | None = None) -> dict[str, Any]:
    """The answers saved for the project, or for one app of a monorepo (kept apart per app)."""
    import argparse

    from scaffold.flag_values import saved_answer

    if app is None:
        answers, where = state.get("answers"), "answers"
    else:
        apps = state.get("apps")
        answers, where = (apps.get(app) if isinstance(apps, dict) else None), f"apps > {app}"
    if answers is None:
        return {}
    if not isinstance(answers, dict):
        raise SavedAnswerError(path=STATE_FILE, where=where, detail="expected an object of answers")
    checked = {}
    for key, value in answers.items():
        try:
            checked[key] = saved_answer(key, value)
        except argparse.ArgumentTypeError as exc:
            raise SavedAnswerError(path=STATE_FILE, where=f"{where} > {key}", detail=str(exc)) from None
    return checked


def save_state(
    root: Path,
    answers: dict[str, Any],
    files: dict[str, str],
    version: str,
    *,
    app_answers: dict[str, dict[str, Any]] | None = None,
    template: dict[str, Any] | None = None,
) -> bool:
    """Record the answers and what was rendered; return whether the file changed."""
    text = state_text(root, answers, files, version, app_answers=app_answers, template=template)
    if text is None:
        return False
    atomic_write(root / STATE_FILE, text)
    return True


def state_text(
    root: Path,
    answers: dict[str, Any],
    files: dict[str, str],
    version: str,
    *,
    app_answers: dict[str, dict[str, Any]] | None = None,
    template: dict[str, Any] | None = None,
) -> str | None:
    """The new ``.scaffold.json``, or None when it would not change.

    Answers are the repository's, and each monorepo app's apart. The last render
    of each file is kept as a list of lines (readable, and it diffs line by line
    in review) so the next run can 3-way merge hand edits. The file is left
    untouched when nothing changed, so a no-op run changes no mtime.
    """
    state = load_state(root)
    recorded = dict(state.get("files", {})) if isinstance(state.get("files"), dict) else {}
    renders = dict(state.get("last_render", {})) if isinstance(state.get("last_render"), dict) else {}
    recorded.update({rel: digest(text) for rel, text in files.items()})
    renders.update({rel: text.split("\n") for rel, text in files.items()})
    apps = dict(state["apps"]) if isinstance(state.get("apps"), dict) else {}
    apps.update(app_answers or {})
    new_state: dict[str, Any] = {
        "_comment": "Written by scaffold: your answers (only those that differ from what it detects) and what it last wrote, so re-runs keep your edits.",
        "answers": {k: answers[k] for k in sorted(answers)},
        "files": {k: recorded[k] for k in sorted(recorded)},
        "last_render": {k: renders[k] for k in sorted(renders)},
        "scaffold_version": version,
    }
    if apps:
        new_state["apps"] = {name: {k: apps[name][k] for k in sorted(apps[name])} for name in sorted(apps)}
    if template:
        new_state["template"] = template
    text = json.dumps(new_state, indent=2, sort_keys=True) + "\n"
    if (root / STATE_FILE).is_file() and (root / STATE_FILE).read_text(encoding="utf-8") == text:
        return None
    return text


def announce(action: str, rel: str) -> None:
    print(f"{action:>10}  {rel}", file=sys.stderr)
