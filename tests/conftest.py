"""Shared fixtures: example discovery, isolated HOME, readable snapshot files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from syrupy.extensions.json import JSONSnapshotExtension
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

ROOT = Path(__file__).resolve().parent.parent


def _sandbox_tool() -> Path:
    """The Docker sandbox tool scripts/test found ($SCAFFOLD_DOCKER_SANDBOX), else the one beside this checkout."""
    found = os.environ.get("SCAFFOLD_DOCKER_SANDBOX")
    return Path(found) if found else ROOT.parent / "shared" / "tools" / "docker-sandbox"


SANDBOX = _sandbox_tool()
# The HOME this session started with, read before any test isolates it: the sandbox tool copies this
# machine's rustup toolchain into its Rust stand-in, and rustup's proxies find their toolchains
# through HOME (an isolated HOME made it fall back to Debian's rustc 1.63).
MACHINE_HOME = os.environ.get("HOME", "")


def sandbox_env() -> dict[str, str]:
    """The environment for a docker-sandbox call: this process's, with the machine's HOME back."""
    return {**os.environ, **({"HOME": MACHINE_HOME} if MACHINE_HOME else {})}
EXAMPLES = ROOT / "examples"
_MANIFESTS = ("package.json", "pyproject.toml", "requirements.txt", "Pipfile", "go.mod", "go.work", "Cargo.toml", "index.html", "Staticfile")


def example_targets() -> list[tuple[str, Path, str | None]]:
    """(test id, example folder, app path inside a monorepo or None) for every example.

    A monorepo example yields one target per deployable app, since each app gets
    its own Dockerfile built from the repository root.
    """
    targets: list[tuple[str, Path, str | None]] = []
    for folder in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
        if not any((folder / m).is_file() for m in _MANIFESTS):
            continue
        apps = _monorepo_apps(folder)
        if apps is None:
            targets.append((folder.name, folder, None))
        else:
            targets.extend((f"{folder.name}--{app.replace('/', '-')}", folder, app) for app in apps)
    return targets


def _monorepo_apps(folder: Path) -> list[str] | None:
    """Deployable apps of a monorepo example, or None when the folder is a single app."""
    try:
        from scaffold.providers.node.workspaces import deployable_apps  # added with monorepo support
    except ImportError:
        return None if not folder.name.startswith("monorepo-") else []
    from scaffold.project import Project

    apps = deployable_apps(Project(folder))
    return None if apps is None else list(apps)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's config."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("SCAFFOLD_NO_INPUT", raising=False)


def text_snapshot_extension(suffix: str, doc: str = "") -> type[SingleFileSnapshotExtension]:
    """A syrupy extension storing one readable text file per snapshot, named <test>.<suffix>."""
    return type(f"{suffix.title()}Snapshot", (SingleFileSnapshotExtension,), {"_write_mode": WriteMode.TEXT, "file_extension": suffix, "__doc__": doc})


# Stored as <test>.Dockerfile: reviewed like a real Dockerfile (and linted by hadolint).
DockerfileSnapshot = text_snapshot_extension("Dockerfile")
DockerignoreSnapshot = text_snapshot_extension("dockerignore")


@pytest.fixture
def dockerfile_snapshot(snapshot):
    return snapshot.use_extension(DockerfileSnapshot)


@pytest.fixture
def dockerignore_snapshot(snapshot):
    return snapshot.use_extension(DockerignoreSnapshot)


@pytest.fixture
def plan_snapshot(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Build a small project from {relative path: content} (cookiecutter/copier test style)."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def docker_required() -> bool:
    return os.environ.get("SCAFFOLD_REQUIRE_DOCKER") == "1"


def program_or_skip(name: str) -> str:
    """The path of a program a test runs (node for a lockfile rewrite). Missing, the test skips on a
    developer's machine but fails in CI (.ci/run sets SCAFFOLD_REQUIRE_DOCKER=1), so CI never passes
    without running it."""
    import shutil

    found = shutil.which(name)
    if found is None:
        if docker_required():
            pytest.fail(f"{name} is not installed, and CI must run this test (install {name}, or unset SCAFFOLD_REQUIRE_DOCKER locally)")
        pytest.skip(f"{name} is not installed on this machine")
    return found
