"""Times `scaffold init --all --dry-run` on a generated pnpm workspace (issue budgets: 500 packages / 50 apps in
1.5 s, 3,000 packages / 300 apps in 5 s).

The workspace is discovered once per run, and each app's plan reuses it, so the
time grows with the number of packages, not with packages x apps. Prints the
figure for each size and exits 1 when one is over its budget.

    PYTHONPATH=. python bench/monorepo_all.py [--sizes 500,3000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from monorepo_discovery import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUDGETS = {500: 1.5, 3000: 5.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,3000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    over = False
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="scaffold-all-") as tmp:
            root = Path(tmp)
            generate(root, size, 2000)
            (root / "pnpm-lock.yaml").write_text(_lock(root))
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "scaffold", "init", "--all", "--dry-run", "--yes", str(root)], capture_output=True, text=True, cwd=ROOT)
                times.append(time.perf_counter() - started)
                if done.returncode != 0:
                    print(done.stderr[-1500:])
                    return 2
            apps = done.stdout.count("Dockerfile")
            median = statistics.median(times)
            budget = BUDGETS.get(size)
            over |= budget is not None and median > budget
            print(f"{size} packages ({size // 10} apps): median {median:.2f} s of {args.repeat} runs"
                  + (f"; budget {budget:.1f} s" if budget else "") + f" [{apps} Dockerfile mentions in the output]")
    return 1 if over else 0


def _lock(root: Path) -> str:
    """A pnpm v9 lockfile whose importers match the generated manifests, so the frozen-install check passes."""
    lines = ["lockfileVersion: '9.0'", "", "importers:", "", "  .: {}", ""]
    for manifest in sorted(root.glob("apps/*/package.json")) + sorted(root.glob("packages/*/*/package.json")):
        rel = manifest.parent.relative_to(root).as_posix()
        deps = json.loads(manifest.read_text()).get("dependencies", {})
        lines.append(f"  {rel}:")
        if deps:
            lines.append("    dependencies:")
            for name, spec in sorted(deps.items()):
                version = "link:../../packages" if spec.startswith("workspace:") else "5.1.0"
                lines.append(f"      '{name}':")
                lines.append(f"        specifier: '{spec}'")
                lines.append(f"        version: {version if not spec.startswith('workspace:') else 'link:' + _where(root, name, rel)}")
        lines.append("")
    return "\n".join(lines) + "\n"


def _where(root: Path, name: str, rel: str) -> str:
    import os

    index = name.rsplit("-", 1)[-1]
    target = next(root.glob(f"packages/*/lib-{index}"))
    return os.path.relpath(target, root / rel).replace(os.sep, "/")


if __name__ == "__main__":
    raise SystemExit(main())
