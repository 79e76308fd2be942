"""What a provider is: one stack's detection, targets, planning and options.

A provider keeps everything about one stack in its own folder under
``scaffold/providers/``. ``detect`` is the only part that reads the project; it
returns frozen facts, so ``plan`` is a pure function of those facts and the
answers and can be tested without a folder. Options are records, so the CLI
builds its flags, the saved-answer checks and the questionnaire from them
instead of each keeping its own list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from scaffold.plan.model import BuildPlan
    from scaffold.project import Project


@dataclass(frozen=True)
class Target:
    """One deployable thing in a project: a Go main package, a Cargo binary."""

    name: str  # what --target accepts and the binary is called
    path: str  # where it lives, relative to the project root
    detail: str = ""  # why it is a candidate, shown when scaffold lists them


@dataclass(frozen=True)
class Option:
    """One answer a provider takes: its flag, how a value is checked, and its question.

    ``check`` is an argparse type: it gets the flag's text (or a saved value) and
    returns the value or raises ``argparse.ArgumentTypeError``. A ``switch`` is a
    yes/no pair (``--turbo``/``--no-turbo``); its saved value is checked as a yes/no.
    An option that is not ``remembered`` steers this run only (``--app`` picks which
    app to write) and is never saved as an answer.
    """

    key: str  # answer key, as saved in .scaffold.json
    flag: str  # --go-version
    help: str
    metavar: str = "VALUE"
    check: Callable[[Any], Any] = str
    question: str | None = None  # label in the questionnaire; None: not asked
    decision: str | None = None  # the plan decision that pre-fills the question
    switch: bool = False
    remembered: bool = True


class Provider(Protocol):
    """The four things every stack supplies (see the module docstring)."""

    name: str
    markers: tuple[str, ...]  # files whose presence means "this stack", for messages and precedence

    def present(self, project: Project) -> list[str]: ...

    def detect(self, project: Project) -> Any | None: ...

    def targets(self, facts: Any) -> tuple[Target, ...]: ...

    def plan(self, facts: Any, answers: dict[str, Any]) -> BuildPlan: ...

    def options(self) -> tuple[Option, ...]: ...


class PackageProvider:
    """A provider laid out as a package with ``detect``, ``plan`` and ``options`` modules.

    Each module is imported only when its step runs, so the CLI can read every
    provider's options without paying for detection code it will not use. A
    project that has the marker file but nothing to deploy (no target) is not
    a match, so the next provider is tried.
    """

    def __init__(self, name: str, markers: tuple[str, ...], package: str) -> None:
        self.name = name
        self.markers = markers
        self._package = package

    def _module(self, part: str) -> Any:
        from importlib import import_module

        return import_module(f"{self._package}.{part}")

    def present(self, project: Project) -> list[str]:
        """The marker files in the folder: detection runs only when one is there."""
        return [m for m in self.markers if project.has_file(m)]

    def detect(self, project: Project) -> Any | None:
        facts = self._module("detect").detect(project)
        return facts if facts is not None and self.targets(facts) else None

    def targets(self, facts: Any) -> tuple[Target, ...]:
        return self._module("plan").targets(facts)

    def plan(self, facts: Any, answers: dict[str, Any]) -> BuildPlan:
        return self._module("plan").plan(facts, answers)

    def options(self) -> tuple[Option, ...]:
        return self._module("options").OPTIONS
