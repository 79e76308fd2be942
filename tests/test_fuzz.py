"""Property-based fuzzing of broken projects, for every provider (strategies in tests/fuzz_projects.py).

The invariant, for any manifest, lockfile, saved answers or folder shape:
`scaffold init --yes` exits 0, 1 or 2, prints no traceback, finishes in under
5 seconds, and changes no file when it fails. CI runs a bounded number of
examples (SCAFFOLD_FUZZ_EXAMPLES, default 40); bench/fuzz.py runs many more.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from fuzz_projects import breakages, build, run_scaffold, violations

EXAMPLES = int(os.environ.get("SCAFFOLD_FUZZ_EXAMPLES", "40"))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(breakages())
def test_broken_projects_keep_the_invariants(breakage):
    with tempfile.TemporaryDirectory(prefix="scaffold-fuzz-") as scratch:
        project = build(breakage, Path(scratch))
        outcome = run_scaffold(project)
        assert not violations(outcome), f"{breakage.describe()}: {violations(outcome)}\n{outcome.stderr[-2000:]}"
