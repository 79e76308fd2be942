"""Does a refactor change what scaffold writes for real projects? Compare two code trees on every pinned app.

For each row of bench/realworld.tsv whose checkout exists, run
``scaffold init --yes --dry-run`` once with each tree on PYTHONPATH and compare
stdout, stderr and the exit code. Identical output means the last Docker run
of bench/realworld.py still holds for the new tree, without rebuilding.

    python bench/output_identity.py --checkouts /tmp/rw --old /path/to/old/tree [--new .]

The old tree is usually a git worktree at the previous landing
(``git worktree add /tmp/old <commit>``).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(tree: Path, folder: Path) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "SCAFFOLD_NO_CACHE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "scaffold", "init", "--yes", "--dry-run", str(folder)],
        capture_output=True, text=True, env=env, cwd="/", timeout=120, check=False,
    )
    return done.returncode, done.stdout, done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkouts", type=Path, required=True, help="folder of exported checkouts (<owner>+<name>)")
    parser.add_argument("--old", type=Path, required=True, help="the code tree to compare against")
    parser.add_argument("--new", type=Path, default=ROOT, help="the code tree under test (default: this one)")
    args = parser.parse_args()
    with (ROOT / "bench" / "realworld.tsv").open() as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("#") and r[0] != "repo"]
    same, changed, missing = 0, [], 0
    for repo, _commit, folder, *_ in rows:
        path = args.checkouts / repo.replace("/", "+") / (folder if folder not in ("", ".") else "")
        if not path.is_dir():
            missing += 1
            continue
        old, new = _run(args.old, path), _run(args.new, path)
        if old == new:
            same += 1
            continue
        changed.append(f"{repo} {folder}")
        print(f"CHANGED {repo} {folder}: exit {old[0]} -> {new[0]}")
        if "Traceback" in new[2]:
            print(new[2][-1500:])
    print(f"{same} identical, {len(changed)} changed, {missing} without a checkout")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
