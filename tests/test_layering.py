"""Import rules between layers, checked on the source: detection never imports planning,
planning never imports the CLI, and no module imports another module's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "scaffold"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for every import in the file, lazy ones included."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            out.extend((a.name, [], node.lineno) for a in node.names)
    return out


def _name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_private_names_cross_modules(path):
    bad = [
        f"line {line}: {name} from {module}"
        for module, names, line in _imports(path)
        if module.startswith("scaffold") and module != _name(path)
        for name in names
        if name.startswith("_") and not (name.startswith("__") and name.endswith("__"))
    ]
    assert not bad, bad


# Detection modules: the shared helpers, and each provider's detection half.
DETECTION = sorted(
    [*(PACKAGE / "detect").rglob("*.py"), *(PACKAGE / "providers").glob("*/detect*.py"), *(PACKAGE / "providers").glob("*/sources.py"),
     *(PACKAGE / "providers").glob("*/facts.py"),
     *(PACKAGE / "providers" / "node" / n for n in ("workspaces.py", "npm_scripts.py", "monorepo_detect.py")),
     *(PACKAGE / "providers" / "python" / n for n in ("requirements.py", "locked.py", "app.py", "django.py", "scripts.py"))],
)
PLANNING_PARTS = ("plan", "plan_addons", "plan_frameworks", "plan_secrets", "image", "monorepo", "monorepo_image", "monorepo_select", "install", "start")


def _is_planning(module: str) -> bool:
    parts = module.split(".")
    return module.startswith(("scaffold.plan", "scaffold.cli", "scaffold.render")) or (
        module.startswith("scaffold.providers.") and len(parts) >= 4 and parts[3] in PLANNING_PARTS
    )


@pytest.mark.parametrize("path", DETECTION, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_detection_never_imports_planning(path):
    assert path.is_file(), f"{path} is listed as detection but does not exist"
    bad = [f"line {line}: {module}" for module, _, line in _imports(path) if _is_planning(module)]
    assert not bad, bad


@pytest.mark.parametrize("path", sorted((PACKAGE / "plan").rglob("*.py")) + sorted((PACKAGE / "providers").rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_planning_never_imports_the_cli(path):
    bad = [f"line {line}: {module}" for module, _, line in _imports(path) if module.startswith(("scaffold.cli", "scaffold.questionnaire"))]
    assert not bad, bad
