"""Image size and rebuild time after a one-line source change, per example.

    .venv/bin/python bench/rebuild.py [--cold] [examples/NAME ...]

For each example: copy it, `scaffold init --yes`, build once, append a comment
to one source file, build again and time it. A fast rebuild proves the
dependency layers (and, for Go and Rust, the compiled dependencies in the cache
mounts) stayed cached. --cold empties BuildKit's cache before each first build,
so "cold" is a first build on a fresh builder. For a Dockerfile with a `build`
stage, "single" is the size of that stage as an image: what a single-stage
build on the toolchain image would ship. Needs a Docker engine and the stand-in
bases.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import SANDBOX, example_targets  # noqa: E402

SOURCE_SUFFIXES = (".ts", ".js", ".mjs", ".py", ".tsx", ".jsx", ".vue", ".svelte", ".astro", ".go", ".rs")
SKIP = {"node_modules", ".git", "dist", "build", ".venv", "__pycache__", "tests", "test", "target", "vendor"}


def _source_file(app_dir: Path) -> Path | None:
    candidates = []
    for path in sorted(app_dir.rglob("*")):
        if any(part in SKIP for part in path.relative_to(app_dir).parts):
            continue
        if path.is_file() and path.suffix in SOURCE_SUFFIXES and "config" not in path.name:
            candidates.append(path)
    mains = [p for p in candidates if p.name in ("main.rs", "main.go")]  # the binary's own source, not a library beside it
    preferred = mains or [p for p in candidates if p.parent.name in ("src", "app", "routes", "pages") or p.stem in ("server", "index", "app", "main")]
    return (preferred or candidates or [None])[0]


def _build(dockerfile: Path, context: Path, tag: str, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run(["docker", "build", "-q", *extra, "-f", str(dockerfile), "-t", tag, str(context)], check=True, capture_output=True)
    return time.perf_counter() - start


def main(selected: list[str]) -> None:
    from scaffold.cli import main as scaffold

    cold_start = "--cold" in selected
    selected = [s for s in selected if s != "--cold"]
    print(f"{'example':<42} {'size':>8} {'over base':>9} {'single':>8} {'cold':>7} {'rebuild':>8}  changed file")
    for name, folder, app in example_targets():
        if selected and not any(s.rstrip("/").endswith(folder.name) or s == name for s in selected):
            continue
        work = Path(tempfile.mkdtemp()) / folder.name
        shutil.copytree(folder, work, ignore=shutil.ignore_patterns("node_modules", ".venv"))
        target = work / app if app else work
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = scaffold(["init", str(target), "--yes"])
        if code != 0:
            print(f"{name:<42} scaffold failed")
            continue
        dockerfile = target / "Dockerfile"
        subprocess.run(["bash", str(SANDBOX), "base", "--for", str(dockerfile)], capture_output=True)
        tag = f"scaffold-bench/{name}"
        if cold_start:
            subprocess.run(["docker", "builder", "prune", "-af"], capture_output=True)
        cold = _build(dockerfile, work, tag)
        single = ""
        if re.search(r"^FROM .* AS build$", dockerfile.read_text(), re.M):
            _build(dockerfile, work, f"{tag}-build", "--target", "build")
            single = f"{_size(f'{tag}-build') / 1e6:.0f}MB"
        source = _source_file(target)
        if source is None:
            print(f"{name:<42} no source file to change")
            continue
        stamp = time.time_ns()  # unique, so BuildKit cannot reuse an earlier run
        comment = f"# scaffold bench {stamp}\n" if source.suffix == ".py" else f"// scaffold bench {stamp}\n"
        source.write_text(source.read_text() + comment)
        warm = _build(dockerfile, work, tag)
        size = _size(tag)
        base = _size(_final_base(dockerfile))
        print(f"{name:<42} {size / 1e6:>6.1f}MB {(size - base) / 1e6:>7.1f}MB {single:>8} {cold:>6.1f}s {warm:>7.1f}s  {source.relative_to(work)}")


def _size(ref: str) -> int:
    out = subprocess.run(["docker", "image", "inspect", "-f", "{{.Size}}", ref], capture_output=True, text=True).stdout.strip()
    return int(out) if out.isdigit() else 0


def _final_base(dockerfile: Path) -> str:
    """The external image the last stage starts from (following stage names and ARG defaults)."""
    text = dockerfile.read_text()
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", text, re.M))
    froms = re.findall(r"^FROM (?:--platform=\S+ )?(\S+)(?: AS (\S+))?", text, re.M)
    stages = {alias: ref for ref, alias in froms if alias}
    ref = froms[-1][0]
    while ref in stages:
        ref = stages[ref]
    return re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), ""), ref)


if __name__ == "__main__":
    main(sys.argv[1:])
