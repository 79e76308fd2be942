"""Times `scaffold init --yes --dry-run` on an example (a fresh process each run, as a user sees it).

    .venv/bin/python bench/init_dry_run.py [examples/NAME] [--runs N]

The #11 budget is a 150 ms median.

Prints the median and the spread. Not a test: machine load changes the numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("example", nargs="?", default=str(ROOT / "examples" / "node-express-npm-v1"))
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    # The console script a user types (``python -m`` adds runpy's own import time), with the
    # package's bytecode compiled as pip compiles it on install: a checkout run with
    # PYTHONDONTWRITEBYTECODE=1 would otherwise recompile every module on every run.
    script = Path(sys.executable).with_name("scaffold")
    cmd = [str(script), "init", "--yes", "--dry-run", args.example] if script.exists() else [sys.executable, "-m", "scaffold", "init", "--yes", "--dry-run", args.example]
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "scaffold")], check=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(cmd, capture_output=True, check=True, env=env)  # warm the OS file cache and the template cache
    times = []
    for _ in range(max(args.runs, 10)):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - start)
    print(f"scaffold init --yes --dry-run {Path(args.example).name}: median {statistics.median(times) * 1000:.0f} ms "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, {len(times)} runs)")


if __name__ == "__main__":
    main()
