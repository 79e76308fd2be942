"""Times monorepo discovery on a generated 500-package repository with a populated node_modules.

Discovery (globs -> packages -> internal dependency graph -> deployable apps)
must read the 500 manifests and never walk node_modules: a real install holds
tens of thousands of files there. The budget is 1 second; the script prints the
figure and exits 1 when discovery is slower.

    PYTHONPATH=. python bench/monorepo_discovery.py [--packages 500] [--modules-files 40000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

BUDGET_SECONDS = 1.0


def generate(root: Path, packages: int, modules_files: int) -> None:
    """apps/app-N (servers) and packages/lib-N (libraries) depending on each other, plus node_modules clutter."""
    apps = max(1, packages // 10)
    (root / "pnpm-workspace.yaml").write_text('packages:\n  - "apps/*"\n  - "packages/**"\n  - "!**/test/**"\n')
    (root / "package.json").write_text(json.dumps({"name": "bench", "private": True, "packageManager": "pnpm@10.34.9"}))
    for i in range(packages):
        is_app = i < apps
        folder = root / ("apps" if is_app else "packages") / (f"app-{i}" if is_app else f"group-{i % 7}/lib-{i}")
        folder.mkdir(parents=True)
        deps = {f"@bench/lib-{j}": "workspace:*" for j in (i * 3 + 1, i * 7 + 2) if apps <= j < packages and j != i}
        manifest = {"name": f"@bench/{'app' if is_app else 'lib'}-{i}", "version": "1.0.0", "dependencies": {**deps, "express": "^5.1.0"}}
        manifest["scripts"] = {"start": "node index.js"} if is_app else {"build": "tsc -p tsconfig.json"}
        (folder / "package.json").write_text(json.dumps(manifest))
        (folder / "index.js").write_text("module.exports = {};\n")
    # A populated node_modules: root, nested per package, and a pnpm virtual store, all full of package.json files.
    store = root / "node_modules" / ".pnpm"
    per_dir = 20
    for n in range(modules_files // per_dir):
        pkg = store / f"dep-{n}@1.0.0" / "node_modules" / f"dep-{n}"
        pkg.mkdir(parents=True)
        (pkg / "package.json").write_text(json.dumps({"name": f"dep-{n}", "version": "1.0.0"}))
        for f in range(per_dir - 1):
            (pkg / f"f{f}.js").write_text("")
    for i in range(0, packages, 5):  # nested node_modules inside workspace packages, matched by "packages/**"
        nested = next((root / "packages").glob(f"group-*/lib-{i}"), None)
        if nested is not None:
            inner = nested / "node_modules" / "inner"
            inner.mkdir(parents=True)
            (inner / "package.json").write_text('{"name": "inner", "version": "1.0.0"}')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=500)
    parser.add_argument("--modules-files", type=int, default=40000)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from scaffold.providers.node.workspaces import detect
    from scaffold.project import Project

    with tempfile.TemporaryDirectory(prefix="scaffold-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        generate(root, args.packages, args.modules_files)
        made = time.perf_counter() - started
        started = time.perf_counter()
        facts = detect(Project(root))
        assert facts is not None
        apps = facts.apps
        closures = [facts.build_closure(a.path) for a in apps]
        elapsed = time.perf_counter() - started
    assert len(facts.packages) == args.packages, f"found {len(facts.packages)} packages, expected {args.packages}"
    edges = sum(len(p.internal) + len(p.internal_dev) for p in facts.packages)
    print(
        f"discovery: {elapsed:.3f} s for {len(facts.packages)} packages ({len(apps)} apps, {edges} internal edges, "
        f"largest closure {max(map(len, closures))}) beside {args.modules_files} node_modules files "
        f"(generated in {made:.1f} s); budget {BUDGET_SECONDS:.1f} s"
    )
    return 0 if elapsed < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
