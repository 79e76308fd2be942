"""The providers on the stage plan, in the order they are tried, and the rule between them.

Precedence: the first provider whose ``detect`` finds something to deploy wins. Go and
Rust come first because a compiled server's repository often holds a
package.json for its front-end assets (Tailwind, a Vite bundle that is
embedded), while a Node app rarely has a go.mod or a Cargo.toml with a binary
at its root. A provider that matches its marker file but finds nothing to run
(a Go module of libraries, a Cargo library built as a Node addon) returns
nothing and the next one is tried; the plan names every provider that matched.

The static provider matches only a folder with no other stack's manifest, so an
index.html beside a package.json stays the Node app's. Node comes before
Python: a repository with both a package.json that runs something and a
requirements.txt is most often a Node app with Python tooling (node-gyp, a
docs build); a Django app whose package.json only builds assets has no start
for Node, so Node finds nothing to run and Python is tried. A folder inside a
declared npm/pnpm/Yarn/Bun workspace is always the Node provider's.

A new stack is one more sub-package exposing ``PROVIDER`` and one more name here.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scaffold.providers.base import Option, Provider
    from scaffold.project import Project

ORDER: tuple[str, ...] = ("go", "rust", "static", "node", "python")

# Files that mean a stack scaffold has no provider for yet, named in the error when nothing matched.
UNSUPPORTED_MARKERS: tuple[tuple[str, str], ...] = (
    ("pom.xml", "Java (Maven)"),
    ("build.gradle", "Java/Kotlin (Gradle)"),
    ("build.gradle.kts", "Java/Kotlin (Gradle)"),
    ("composer.json", "PHP (Composer)"),
    ("Gemfile", "Ruby (Bundler)"),
    ("deno.json", "Deno"),
    ("deno.jsonc", "Deno"),
    ("mix.exs", "Elixir"),
    # an Nx app folder: its targets live in project.json and the workspace root's package.json
    ("project.json", "an Nx project, whose targets scaffold does not read yet"),
)
UNSUPPORTED_SUFFIXES: tuple[tuple[str, str], ...] = ((".csproj", ".NET"), (".sln", ".NET"), (".fsproj", ".NET"))
SUPPORTED = "Node (package.json), Python (pyproject.toml, requirements.txt, Pipfile), Go (go.mod with a main package), Rust (Cargo.toml with a binary), static sites (index.html, a Staticfile, public/index.html)"


def provider(name: str) -> Provider:
    return import_module(f"scaffold.providers.{name}").PROVIDER


def options() -> list[Option]:
    """Every provider's options, each once (a shared option such as --target is listed by several)."""
    seen: dict[str, Option] = {}
    for name in ORDER:
        for option in provider(name).options():
            seen.setdefault(option.key, option)
    return list(seen.values())


def match(project: Project) -> tuple[Provider, Any, list[str]] | None:
    """(winning provider, its facts, why) for the first provider that finds something to deploy."""
    why: list[str] = []
    for name in ORDER:
        candidate = provider(name)
        present = candidate.present(project)
        if not present:
            continue
        facts = candidate.detect(project)
        if facts is None:
            why.append(f"{name}: {', '.join(present)} found, but nothing to run in it")
            continue
        why.append(f"{name}: {present[0]}")
        return candidate, facts, why
    return None


def nested_projects(project: Project, limit: int = 40) -> list[str]:
    """Top-level folders that hold a supported stack's marker file ("src (requirements/production.txt)"), for the 'nothing detected' hint.

    A repository whose app lives in src/ or backend/ has nothing at its root; naming
    the folder tells the user what to pass instead of leaving them to guess.
    """
    from scaffold.project import Project

    out: list[str] = []
    for entry in sorted(project.list_dir("."))[:limit]:
        if entry.startswith((".", "_")) or entry in ("node_modules", "vendor", "docs", "test", "tests") or not project.has_dir(entry):
            continue
        child = Project(project.root / entry)
        present = next((m for name in ORDER for m in provider(name).present(child)), None)
        if present:
            out.append(f"{entry}/ ({present})")
    return out


def markers_found(project: Project) -> list[str]:
    """Marker files of every stack in the folder, supported or not, for the 'nothing detected' error."""
    found = [f"{m} (nothing to run in it)" for name in ORDER for m in provider(name).markers if project.has_file(m)]
    found += [f"{m} ({stack})" for m, stack in UNSUPPORTED_MARKERS if project.has_file(m)]
    for entry in project.list_dir("."):
        for suffix, stack in UNSUPPORTED_SUFFIXES:
            if entry.endswith(suffix):
                found.append(f"{entry} ({stack})")
    return found
