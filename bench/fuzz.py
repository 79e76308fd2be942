"""The long fuzz run: many more broken projects than CI's bounded test, with a summary.

    PYTHONPATH=.:tests python bench/fuzz.py [--examples 2000] [--seed N]

Prints each case that breaks an invariant (exit 0/1/2, no traceback, < 5 s, no
file changed on failure), then how many cases ran and how many failed.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from fuzz_projects import breakages, build, run_scaffold, violations  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    failures: list[str] = []
    codes: collections.Counter[int | None] = collections.Counter()
    started = time.monotonic()

    @settings(max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(breakages())
    def run(breakage):
        with tempfile.TemporaryDirectory(prefix="scaffold-fuzz-") as scratch:
            outcome = run_scaffold(build(breakage, Path(scratch)))
            codes[outcome.code] += 1
            broken = violations(outcome)
            if broken:
                failures.append(f"{breakage.describe()}: {'; '.join(broken)}")
                print(failures[-1], flush=True)

    import random

    random.seed(args.seed)
    run()
    total = sum(codes.values())
    print(f"\n{total} cases in {time.monotonic() - started:.0f} s; exit codes {dict(codes)}; {len(failures)} broke an invariant")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
