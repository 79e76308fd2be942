"""Node: one package.json app, or an app of an npm, pnpm, Yarn or Bun workspace.

Everything Node lives in this folder: detection (``detect``, ``detect_addons``,
``detect_frameworks``, ``workspaces``, ``npm_scripts``), planning (``plan``,
``plan_addons``, ``plan_frameworks``, ``version``, ``package_manager``,
``typescript``, ``monorepo``) and the stage layout (``image``,
``monorepo_image``).

A folder inside a declared workspace is planned as that workspace's app: the
workspace is found from the folder upwards and discovered once
(``monorepo_select``). Which app, at the workspace root, is an answer
(``--app``), so the choice happens in ``plan``, not in ``detect``: the provider's ``plan``
then reads the chosen app once (``monorepo_detect``) and hands the facts to
``plan_workspace_app``, which reads nothing, as a single app's ``plan_node`` reads nothing;
the paths they ask about are in ``Presence`` records (tests/test_pure_planning.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scaffold.providers.base import Option, Target

if TYPE_CHECKING:
    from scaffold.plan.model import BuildPlan
    from scaffold.project import Project
    from scaffold.providers.node.detect import NodeFacts


@dataclass(frozen=True)
class NodeProject:
    """What Node detection found: a single app's facts, or a folder in a workspace (``in_workspace``)."""

    project: Project
    facts: NodeFacts | None
    in_workspace: bool


# Marker files of the stacks tried after Node (providers/__init__.py's order)
OTHER_STACK_MARKERS = ("requirements.txt", "pyproject.toml", "Pipfile", "manage.py")


class NodeProvider:
    name = "node"
    markers = ("package.json", "pnpm-workspace.yaml")

    def present(self, project: Project) -> list[str]:
        return [m for m in self.markers if project.has_file(m)]

    def detect(self, project: Project) -> NodeProject | None:
        from scaffold.providers.node.detect import detect
        from scaffold.providers.node.workspaces import find_root

        if find_root(project.root) is not None:
            return NodeProject(project, None, True)
        facts = detect(project)
        if facts is None:
            return None
        if any(project.has_file(m) for m in OTHER_STACK_MARKERS):
            from scaffold.providers.node.start import has_start_candidate

            if not has_start_candidate(facts):
                return None  # a package.json that only builds another stack's assets: the next provider is tried
        return NodeProject(project, facts, False)

    def targets(self, found: NodeProject) -> tuple[Target, ...]:
        if not found.in_workspace:
            return (Target(found.project.root.name, ".", "package.json"),)
        from scaffold.providers.node.monorepo_select import monorepo_of

        located = monorepo_of(found.project)
        return tuple(Target(p.name or p.path, p.path, "workspace app") for p in located[1].apps) if located else ()

    def plan(self, found: NodeProject, answers: dict[str, Any]) -> BuildPlan:
        """A workspace app (answers["app"], the folder given, or the root app), else the single app."""
        if found.in_workspace:
            from scaffold.providers.node.monorepo_select import locate

            located = locate(found.project, answers.get("app"))
            if located is not None:
                from scaffold.providers.node.monorepo import plan_workspace_app
                from scaffold.providers.node.monorepo_detect import detect_workspace_app

                root, ws, app, source = located
                return plan_workspace_app(detect_workspace_app(root, ws, app), {**answers, "app_source": source})
            from scaffold.providers.node.detect import detect

            facts = detect(found.project)  # the root is the app; its workspaces are only libraries
            if facts is None:  # pragma: no cover - locate() returns None only for a root with a package.json
                raise AssertionError("a workspace root without package.json")
            return _plan_single(found.project, facts, answers)
        assert found.facts is not None
        return _plan_single(found.project, found.facts, answers)

    def options(self) -> tuple[Option, ...]:
        from scaffold.providers.node.options import OPTIONS

        return OPTIONS


def _plan_single(project: Project, facts: NodeFacts, answers: dict[str, Any]) -> BuildPlan:
    from scaffold.providers.node.plan import plan_node

    return plan_node(project, facts, answers)


PROVIDER = NodeProvider()
