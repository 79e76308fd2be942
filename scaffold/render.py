"""BuildPlan -> file texts, through the Jinja templates in templates/<stack>/.

Templates receive only ``plan.to_dict()`` and run in a sandbox with
StrictUndefined: they may test and print plan fields, never compute one, and a
misspelt field is an error rather than an empty string.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

    from scaffold.plan.model import BuildPlan


def templates_dir() -> Path:
    """templates/ ships inside the wheel as scaffold/templates; in a checkout it sits beside the package."""
    packaged = Path(__file__).with_name("templates")
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "templates"


@cache
def _environment() -> SandboxedEnvironment:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        loader=FileSystemLoader(str(templates_dir())),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def render_template(name: str, context: dict) -> str:
    text = _environment().get_template(name).render(**context)
    # One trailing newline, no trailing spaces: byte-stable output on every machine.
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def render_plan(plan: BuildPlan) -> dict[str, str]:
    """Relative output path -> file text."""
    context = plan.to_dict()
    return {
        plan.dockerfile_path: render_template(f"{plan.template}/Dockerfile.j2", context),
        plan.dockerignore_path: render_template("common/dockerignore.j2", context),
    }
