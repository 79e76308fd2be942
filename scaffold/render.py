"""BuildPlan -> file texts, through the Jinja templates in templates/<stack>/.

Templates receive only ``plan.to_dict()`` and run in a sandbox with
StrictUndefined: they may test and print plan fields, never compute one, and a
misspelt field is an error rather than an empty string.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
        bytecode_cache=_bytecode_cache(),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def _bytecode_cache() -> Any:
    """Compiled templates kept between runs, because compiling them costs a fifth of a dry run.

    Jinja keys each entry by the template's path and checks it against the
    template's source checksum, so an edited template is compiled again and the
    output never depends on the cache. Where no cache folder can be made or
    written (a read-only home), nothing is cached. SCAFFOLD_NO_CACHE=1 turns it off.
    """
    import os

    if os.environ.get("SCAFFOLD_NO_CACHE") == "1":
        return None
    from jinja2.bccache import Bucket, FileSystemBytecodeCache

    from scaffold import __version__

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "scaffold", f"templates-{__version__}")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None

    class QuietCache(FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: Bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass  # a full or read-only disk: the template is simply compiled again next run

    return QuietCache(folder)


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
