"""Broken projects for the property-based fuzz test (tests/test_fuzz.py) and its longer run (bench/fuzz.py).

Each case starts from one of the examples, one per provider and package manager,
and breaks it the way real repositories and hostile pull requests do: a manifest,
lockfile or saved-answers file replaced by another JSON/TOML/YAML value, cut
short, or filled with odd text; a value placed at a key the detectors read; a
folder, a FIFO or a link loop where a file was.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

# One example per provider and manifest family, and the files worth breaking in each.
BASES: dict[str, tuple[str, ...]] = {
    "node-express-npm-v1": ("package.json", "package-lock.json", ".scaffold.json", ".nvmrc", ".gitignore"),
    "node-fastify-pnpm": ("package.json", "pnpm-lock.yaml", ".npmrc", ".gitignore"),
    "node-koa-yarn-berry": ("package.json", "yarn.lock", ".yarnrc.yml"),
    "node-bun": ("package.json", "bun.lock"),
    "node-vite-spa": ("package.json", "vite.config.js", "package-lock.json"),
    "monorepo-pnpm-turbo": ("pnpm-workspace.yaml", "package.json", "apps/api/package.json", "turbo.json"),
    "python-flask-requirements": ("requirements.txt", "app.py", "Procfile", ".python-version"),
    "python-fastapi-uv": ("pyproject.toml", "uv.lock"),
    "python-fastapi-poetry": ("pyproject.toml", "poetry.lock"),
    "python-flask-pipenv": ("Pipfile", "Pipfile.lock"),
    "go-stdlib": ("go.mod", "main.go", "go.sum"),
    "rust-axum": ("Cargo.toml", "Cargo.lock", "src/main.rs"),
    "static-plain": ("index.html", "Staticfile"),
}

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40), st.sampled_from(["", "\n", "latest", "pnpm@", "a\nRUN curl evil", "$(id)", "`id`", "'", '"', "\\", "../..", "/etc/passwd", "9" * 5000]),
)
json_values = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=20)

# Keys the detectors index into, by file.
KEYS: dict[str, tuple[str, ...]] = {
    "package.json": ("name", "main", "module", "scripts", "dependencies", "devDependencies", "engines", "packageManager", "workspaces", "description", "type", "config"),
    "package-lock.json": ("lockfileVersion", "packages", "dependencies", "name"),
    "bun.lock": ("lockfileVersion", "workspaces", "packages"),
    ".scaffold.json": ("answers", "apps", "template", "files", "scaffold_version"),
    "apps/api/package.json": ("name", "scripts", "dependencies"),
    "turbo.json": ("tasks", "pipeline"),
}


@dataclass(frozen=True)
class Breakage:
    base: str
    target: str
    kind: str  # "value", "key", "truncate", "text", "folder", "fifo", "loop", "bytes"
    payload: object

    def describe(self) -> str:
        shown = repr(self.payload)
        return f"{self.base}: {self.kind} {self.target} <- {shown[:80]}"


@st.composite
def breakages(draw) -> Breakage:
    base = draw(st.sampled_from(sorted(BASES)))
    target = draw(st.sampled_from(BASES[base]))
    kinds = ["value", "truncate", "text", "folder", "bytes", "fifo", "loop"]
    if target in KEYS:
        kinds.append("key")
    kind = draw(st.sampled_from(kinds))
    if kind == "value":
        payload: object = draw(json_values)
    elif kind == "key":
        payload = (draw(st.sampled_from(KEYS[target])), draw(json_values))
    elif kind == "truncate":
        payload = draw(st.floats(min_value=0.0, max_value=0.99))
    elif kind == "text":
        payload = draw(st.text(max_size=200))
    elif kind == "bytes":
        payload = draw(st.binary(max_size=120))
    else:
        payload = None
    return Breakage(base, target, kind, payload)


def build(breakage: Breakage, into: Path) -> Path:
    """The example copied to ``into`` with the breakage applied; returns the project folder."""
    project = into / breakage.base
    shutil.copytree(EXAMPLES / breakage.base, project, symlinks=True)
    path = project / breakage.target
    original = path.read_bytes() if path.is_file() else b""
    if path.is_file() or path.is_symlink():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    kind, payload = breakage.kind, breakage.payload
    if kind == "value":
        path.write_text(_dump(path.name, payload), encoding="utf-8", errors="surrogatepass")
    elif kind == "key":
        key, value = payload
        try:
            data = json.loads(original or b"{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        data[key] = value
        path.write_text(json.dumps(data), encoding="utf-8")
    elif kind == "truncate":
        path.write_bytes(original[: int(len(original) * payload)])
    elif kind == "text":
        path.write_text(payload, encoding="utf-8", errors="surrogatepass")
    elif kind == "bytes":
        path.write_bytes(payload)
    elif kind == "folder":
        path.mkdir()
        (path / "inside").write_text("x")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "loop":
        os.symlink(path.name, path)  # a link to itself
    return project


def _dump(name: str, value: object) -> str:
    if name.endswith(".toml") or name in ("Pipfile", "uv.lock", "poetry.lock", "Cargo.toml", "Cargo.lock"):
        return f"value = {json.dumps(value)}\n" if not isinstance(value, dict) else "\n".join(f"{json.dumps(str(k))} = {json.dumps(v)}" for k, v in value.items())
    return json.dumps(value)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every path under ``folder`` with its kind and size, found without recursion."""
    out: dict[str, tuple[str, int]] = {}
    stack = [str(folder)]
    while stack:
        for entry in os.scandir(stack.pop()):
            rel = os.path.relpath(entry.path, folder)
            if entry.is_symlink():
                out[rel] = ("link", 0)
            elif entry.is_dir():
                out[rel] = ("dir", 0)
                stack.append(entry.path)
            elif entry.is_file():
                out[rel] = ("file", entry.stat().st_size)
            else:
                out[rel] = ("other", 0)
    return out


@dataclass(frozen=True)
class Outcome:
    code: int | None  # None: it did not finish in time
    seconds: float
    stderr: str
    changed: bool


def run_scaffold(project: Path, timeout: float = 5.0) -> Outcome:
    """`scaffold init --yes` in a fresh process, as a user or CI would run it."""
    before = snapshot(project)
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "scaffold", "init", "--yes", str(project)],
            capture_output=True, text=True, timeout=timeout, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.DEVNULL,
        )
        code, err = done.returncode, done.stderr
    except subprocess.TimeoutExpired as exc:
        code, err = None, (exc.stderr or b"").decode("utf-8", "replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
    seconds = time.monotonic() - started
    return Outcome(code, seconds, err, snapshot(project) != before)


def violations(outcome: Outcome) -> list[str]:
    """The invariants a run broke: exit 0, 1 or 2; no traceback; under 5 s; nothing changed on failure."""
    found = []
    if outcome.code is None:
        found.append("did not finish in 5 s")
    elif outcome.code not in (0, 1, 2):
        found.append(f"exit code {outcome.code}")
    if "Traceback (most recent call last)" in outcome.stderr:
        found.append("traceback: " + outcome.stderr.strip().splitlines()[-1][:200])
    if outcome.code not in (0, None) and outcome.changed:
        found.append("files changed although it failed")
    return found
