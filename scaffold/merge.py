"""Three-way merge of text files: keep a person's edits when scaffold's output changes.

base   = what scaffold wrote last time (kept in .scaffold.json)
ours   = the file on disk, possibly edited by hand
theirs = what scaffold would write now

Lines changed on one side only are taken from that side; lines changed the
same way on both sides are taken once; lines changed differently on both
sides become a conflict, written between git-style markers so editors and
``git diff --check`` recognise them.

Why our own ~100 lines on top of :mod:`difflib` instead of a library or
``git merge-file``: git is not always installed where scaffold runs (slim CI
images, Windows), and the one maintained pure-Python diff3 on PyPI (Breezy's
``merge3``) is GPL-2.0-or-later, which scaffold (MIT) cannot depend on without
changing its own licence. The algorithm is the classic diff3 one: find the
base lines that both sides kept unchanged ("sync" lines) and resolve each
stretch between two of them on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

MARK_OURS = "<<<<<<<"
MARK_SPLIT = "======="
MARK_THEIRS = ">>>>>>>"


@dataclass(frozen=True)
class MergeResult:
    text: str
    conflicts: int  # number of conflicting stretches written with markers

    @property
    def clean(self) -> bool:
        return self.conflicts == 0


def merge3(base: str, ours: str, theirs: str, *, ours_label: str = "your edits", theirs_label: str = "scaffold") -> MergeResult:
    """Merge the changes base->ours and base->theirs into one text."""
    if ours == theirs:
        return MergeResult(ours, 0)
    if ours == base:
        return MergeResult(theirs, 0)
    if theirs == base:
        return MergeResult(ours, 0)
    b, o, t = (s.splitlines(keepends=True) for s in (base, ours, theirs))
    out: list[str] = []
    conflicts = 0
    i = a = c = 0  # positions in base, ours, theirs
    for si, sa, sc in [*_sync_lines(b, o, t), (len(b), len(o), len(t))]:
        if (si, sa, sc) != (i, a, c):
            conflicts += _resolve(b[i:si], o[a:sa], t[c:sc], out, ours_label, theirs_label)
        if si < len(b):
            out.append(b[si])
        i, a, c = si + 1, sa + 1, sc + 1
    return MergeResult("".join(out), conflicts)


def has_conflict_markers(text: str) -> bool:
    """True when a file still holds an unresolved conflict (a full marker triple)."""
    starts = {line.split(" ", 1)[0] for line in text.splitlines() if line[:7] in (MARK_OURS, MARK_SPLIT, MARK_THEIRS)}
    return {MARK_OURS, MARK_SPLIT, MARK_THEIRS} <= starts


def _matches(base: list[str], other: list[str]) -> dict[int, int]:
    """Base line index -> index of the same, unchanged line in ``other``."""
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    pairs: dict[int, int] = {}
    for start_base, start_other, size in matcher.get_matching_blocks():
        for k in range(size):
            pairs[start_base + k] = start_other + k
    return pairs


def _sync_lines(base: list[str], ours: list[str], theirs: list[str]) -> list[tuple[int, int, int]]:
    """Base lines that both sides kept, with their positions on each side, in order."""
    in_ours = _matches(base, ours)
    in_theirs = _matches(base, theirs)
    return [(i, in_ours[i], in_theirs[i]) for i in range(len(base)) if i in in_ours and i in in_theirs]


def _resolve(base: list[str], ours: list[str], theirs: list[str], out: list[str], ours_label: str, theirs_label: str) -> int:
    """Append the merge of one unstable stretch to ``out``; return 1 when it conflicts."""
    if ours in (base, theirs):
        out.extend(theirs)
        return 0
    if theirs == base:
        out.extend(ours)
        return 0
    # Both sides changed it differently. Lines both sides agree on at the edges
    # are not part of the conflict: keep the marked block as small as possible.
    head = 0
    while head < min(len(ours), len(theirs)) and ours[head] == theirs[head]:
        head += 1
    tail = 0
    while tail < min(len(ours), len(theirs)) - head and ours[-1 - tail] == theirs[-1 - tail]:
        tail += 1
    out.extend(ours[:head])
    out.append(f"{MARK_OURS} {ours_label}\n")
    out.extend(_terminated(ours[head : len(ours) - tail]))
    out.append(f"{MARK_SPLIT}\n")
    out.extend(_terminated(theirs[head : len(theirs) - tail]))
    out.append(f"{MARK_THEIRS} {theirs_label}\n")
    out.extend(ours[len(ours) - tail :])
    return 1


def _terminated(lines: list[str]) -> list[str]:
    """A last line without a newline would glue itself to the next marker."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines
