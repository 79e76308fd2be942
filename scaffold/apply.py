"""Apply rendered files to the project: decide per file, then write everything at once.

Every question (overwrite, keep, merge?) is asked before the first byte is
written, so Ctrl-C at any prompt leaves the project as it was. Nothing is
touched when nothing changed: a re-run of an unchanged project rewrites no file
and changes no mtime.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold import write
from scaffold.errors import ConflictError, DriftError, MergeConflictError
from scaffold.merge import has_conflict_markers, merge3

# What may be done with a file that differs from scaffold's new render because of hand edits.
MERGE, OVERWRITE, KEEP = "merge", "overwrite", "keep"

# change -> MERGE | OVERWRITE | KEEP; asked interactively, or decided by the mode.
Chooser = Callable[[write.FileChange], str]


@dataclass
class ApplyReport:
    written: list[str] = field(default_factory=list)
    conflicted: list[str] = field(default_factory=list)  # written with conflict markers, or still holding them
    kept: list[str] = field(default_factory=list)
    state_changed: bool = False

    @property
    def up_to_date(self) -> bool:
        return not self.written and not self.conflicted


def automatic_choice(change: write.FileChange) -> str:
    """The non-interactive policy: merge hand edits; files scaffold never wrote need --force."""
    if change.action == "merge":
        return MERGE
    raise ConflictError(paths=[change.path])


def apply_changes(
    root: Path,
    changes: list[write.FileChange],
    choose: Chooser,
    *,
    answers: dict[str, Any],
    version: str,
    template: dict[str, Any] | None = None,
    app_answers: dict[str, dict[str, Any]] | None = None,
    force: bool = False,
) -> ApplyReport:
    """Write the files, then the state. Raises ConflictError, before writing anything, when a file cannot be merged.

    ``force`` makes every file exactly scaffold's render, hand-edited ones
    included, each edited file kept as a backup first.
    """
    choices: dict[str, str] = {}
    unmergeable: list[str] = []
    for change in changes:
        if force and change.action in ("merge", "conflict", "edited"):
            choices[change.path] = OVERWRITE
        elif change.action in ("merge", "conflict"):
            try:
                choices[change.path] = choose(change)
            except ConflictError:
                unmergeable.append(change.path)
    if unmergeable:
        for path in unmergeable:
            write.announce("conflict", path)
        raise ConflictError(
            paths=unmergeable,
            hint="scaffold has no record of writing them, so it cannot merge; nothing was written. "
            "--diff shows the change, --force overwrites (a .scaffold-backup copy is kept)",
        )

    report = ApplyReport()
    pending: list[tuple[write.FileChange, str, str]] = []  # change, text to write, label
    for change in changes:
        choice = choices.get(change.path)
        if change.action == "identical":
            write.announce("identical", change.path)
        elif change.action in ("create", "update"):
            pending.append((change, change.new, "create" if change.action == "create" else "update"))
        elif change.action == "edited" and choice is None:
            _report_edited(change, report)
        elif choice == KEEP:
            write.announce("kept", change.path)
            report.kept.append(change.path)
        elif choice == OVERWRITE:
            pending.append((change, change.new, "overwrite"))
        else:  # MERGE
            assert change.base is not None and change.old is not None
            result = merge3(change.base, change.old, change.new)
            pending.append((change, result.text, "merged" if result.clean else "conflict"))

    # Every byte goes to temporary files first (backups, files, the record); only then is
    # anything renamed into place, so a full disk or a read-only folder changes nothing.
    batch = write.Batch()
    announcements: list[tuple[str, str]] = []
    for change, text, label in pending:
        target = root / change.path
        if label == "overwrite" and change.old is not None:
            saved_to, needed = write.backup_path(target, change.old)
            if needed:
                batch.add(saved_to, change.old)
            announcements.append(("backup", saved_to.relative_to(root).as_posix()))
        if change.old != text:
            batch.add(target, text)
            report.written.append(change.path)
        announcements.append((label, change.path))
        if label == "conflict":
            report.conflicted.append(change.path)

    rendered = {c.path: c.new for c in changes}
    state = write.state_text(root, answers, rendered, version, app_answers=app_answers, template=template)
    if state is not None:
        batch.add(root / write.STATE_FILE, state)
    batch.commit()
    report.state_changed = state is not None
    for label, path in announcements:
        write.announce(label, path)
    return report


def _report_edited(change: write.FileChange, report: ApplyReport) -> None:
    if change.old is not None and has_conflict_markers(change.old):
        write.announce("conflict", change.path)
        report.conflicted.append(change.path)
    else:
        write.announce("kept", change.path)
        report.kept.append(change.path)


def drift_reasons(changes: list[write.FileChange]) -> dict[str, str]:
    """Why each file would change, for --check.

    A file edited by hand whose render has not changed since is what `init` keeps
    ("up to date (kept your edits)"), so it is not drift: a team that keeps an edit
    gets a green check until scaffold would bring in something new.
    """
    reasons = {
        "create": "missing",
        "update": "out of date",
        "merge": "edited by hand, and scaffold now writes something different",
        "conflict": "differs, and was not written by scaffold",
    }
    return {c.path: reasons[c.action] for c in changes if c.action in reasons}


def preview(changes: list[write.FileChange], *, diff: bool, check: bool) -> int:
    """--diff prints what would change; --check exits 1 (DriftError) when anything differs."""
    if diff:
        for change in changes:
            if change.action != "identical":
                print(change.diff(), end="")
    reasons = drift_reasons(changes)
    if check and reasons:
        for path, reason in reasons.items():
            print(f"{path}: {reason}", file=sys.stderr)
        raise DriftError(paths=list(reasons))
    return 0


def run(
    root: Path,
    changes: list[write.FileChange],
    prompter: Any,
    *,
    answers: dict[str, Any],
    template: Any,
    force: bool,
    version: str,
    app_answers: dict[str, dict[str, Any]] | None = None,
) -> ApplyReport:
    """Apply with the right chooser (ask on a terminal, else merge), then report.

    Raises MergeConflictError (exit 1) after writing when a merge left conflict markers.
    """
    choose: Chooser = automatic_choice
    if prompter is not None:
        from scaffold.questionnaire import ask_edited_file

        def choose(change: write.FileChange) -> str:
            return ask_edited_file(prompter, change)

    report = apply_changes(
        root,
        changes,
        choose,
        answers=answers,
        version=version,
        template=template.to_state() if template else None,
        app_answers=app_answers,
        force=force,
    )
    if report.conflicted:
        raise MergeConflictError(paths=report.conflicted)
    if report.up_to_date:
        kept = f" (kept your edits in {', '.join(report.kept)})" if report.kept else ""
        print(f"up to date{kept}", file=sys.stderr)
    return report
