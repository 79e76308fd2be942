"""A provider's ``plan`` reads nothing: every file it needs was read by ``detect``.

Each Project method that touches the disk is made to fail while ``plan`` runs,
so a planner that looks at a file (a .gitignore, a start script's target, a
module the Procfile names) fails here instead of quietly depending on the disk.

A workspace app is planned the same way once it is chosen: which app is an
answer (``--app``), so the Node provider detects it after the choice
(``providers/node/monorepo_detect.py``), and ``plan_workspace_app`` then reads
nothing either.
"""

from __future__ import annotations

import pytest

from conftest import example_targets
from scaffold.project import Project
from scaffold.providers import match

SINGLE_APPS = [(name, folder) for name, folder, app in example_targets() if app is None]
WORKSPACE_APPS = [(name, folder, app) for name, folder, app in example_targets() if app is not None]
DISK_METHODS = ("has_file", "has_dir", "first_existing", "list_dir", "walk_files", "read_text", "read_json", "read_toml", "read_yaml", "is_real_file")


def _refuse_the_disk(monkeypatch, planner: str, reader: str) -> None:
    """Every disk method of Project raises from here on, naming the planner that called it."""

    def refuse(method: str):
        def read(self, *args, **kwargs):
            raise AssertionError(f"{planner} called Project.{method}{args}: read it in {reader}")

        return read

    for method in DISK_METHODS:
        monkeypatch.setattr(Project, method, refuse(method))


@pytest.mark.parametrize(("name", "folder"), SINGLE_APPS, ids=[n for n, _ in SINGLE_APPS])
def test_planning_reads_no_file(name, folder, monkeypatch):
    project = Project(folder)
    matched = match(project)
    assert matched is not None, name
    provider, facts, _ = matched
    _refuse_the_disk(monkeypatch, f"{provider.name}.plan", "detect")
    plan = provider.plan(facts, {})
    assert plan.dockerfile["stages"], name


@pytest.mark.parametrize(("name", "folder", "app"), WORKSPACE_APPS, ids=[n for n, _, _ in WORKSPACE_APPS])
def test_planning_a_workspace_app_reads_no_file(name, folder, app, monkeypatch):
    from scaffold.providers.node.monorepo import plan_workspace_app
    from scaffold.providers.node.monorepo_detect import detect_workspace_app
    from scaffold.providers.node.monorepo_select import locate

    located = locate(Project(folder), app)
    assert located is not None, name
    root, ws, app_path, _ = located
    facts = detect_workspace_app(root, ws, app_path)
    _refuse_the_disk(monkeypatch, "plan_workspace_app", "monorepo_detect")
    plan = plan_workspace_app(facts, {"app_source": "--app"})
    assert plan.dockerfile["stages"] and plan.dockerfile_path == f"{app_path}/Dockerfile", name


def test_a_path_detection_did_not_look_up_is_refused():
    """Presence says so loudly instead of answering "absent" for a path nobody checked."""
    from scaffold.detect.presence import Presence

    presence = Presence(frozenset({"server.js"}), frozenset({"public"}), frozenset({"src/index.js"}))
    assert presence.has_file("./server.js") and presence.has_dir("public/") and not presence.has_file("src/index.js")
    assert not presence.has_file("missing.js")  # the whole top level was listed
    with pytest.raises(LookupError, match="'lib/other.js'.*did not look up"):
        presence.has_file("lib/other.js")
