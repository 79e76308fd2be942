"""Python: pip, uv, Poetry, Pipenv and PDM projects served by gunicorn, uvicorn or their own launcher.

Detection (``detect``, ``requirements``, ``locked``, ``app``, ``django``,
``scripts``, ``detect_secrets``) and planning (``plan``, ``install``,
``start``, ``version``, ``plan_secrets``, ``image``) all live in this folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scaffold.providers.base import Option, Target

if TYPE_CHECKING:
    from scaffold.plan.model import BuildPlan
    from scaffold.project import Project
    from scaffold.providers.python.detect import PythonFacts


@dataclass(frozen=True)
class PythonProject:
    """The project and its Python facts. Planning reads no file (tests/test_pure_planning.py): the
    code index, the .dockerignore's sources and every lookup are in the facts; the project is
    kept for its folder name."""

    project: Project
    facts: PythonFacts


class PythonProvider:
    name = "python"
    markers = ("pyproject.toml", "requirements.txt", "Pipfile", "setup.py", "manage.py")

    def present(self, project: Project) -> list[str]:
        from scaffold.providers.python.detect import MARKERS, nested_requirements, requirements_files

        from scaffold.providers.python.inferred import framework_entry

        found = [m for m in MARKERS if project.has_file(m)] or requirements_files(project)
        if not found:
            entry = framework_entry(project)  # app.py importing flask, and no dependency file
            found = [entry] if entry else []
        if not found:
            nested = nested_requirements(project)  # the repository's one app, in src/ with its requirements
            found = [nested] if nested else []
        return found

    def detect(self, project: Project) -> PythonProject | None:
        from scaffold.providers.python.detect import detect

        facts = detect(project)
        return PythonProject(project, facts) if facts is not None else None

    def targets(self, found: PythonProject) -> tuple[Target, ...]:
        return (Target(found.facts.name or found.project.root.name, ".", "Python project"),)

    def plan(self, found: PythonProject, answers: dict[str, Any]) -> BuildPlan:
        from scaffold.providers.python.plan import plan_python

        return plan_python(found.project, found.facts, answers)

    def options(self) -> tuple[Option, ...]:
        from scaffold.providers.python.options import OPTIONS

        return OPTIONS


PROVIDER = PythonProvider()
