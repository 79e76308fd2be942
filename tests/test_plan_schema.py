"""`scaffold plan --json` matches docs/plan.schema.json for every example, and the schema knows every step kind."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import example_targets
from scaffold.cli import main

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs" / "plan.schema.json").read_text())


@pytest.mark.parametrize(("name", "folder", "app"), example_targets(), ids=[t[0] for t in example_targets()])
def test_plan_json_matches_the_schema(name, folder, app, capsys):
    assert main(["plan", "--json", *(["--app", app] if app else []), str(folder)]) == 0
    plan = json.loads(capsys.readouterr().out)
    jsonschema.validate(plan, SCHEMA)


def test_the_schema_names_every_step_kind():
    from scaffold.plan import steps

    kinds = {cls.kind for cls in vars(steps).values() if isinstance(cls, type) and issubclass(cls, steps.Step) and cls is not steps.Step}
    assert kinds == set(SCHEMA["$defs"]["step"]["properties"]["kind"]["enum"])


@pytest.mark.parametrize(
    "broken",
    [
        lambda p: p["decisions"]["port"].pop("source"),
        lambda p: p.update(schema_version=2),
        lambda p: next(s for s in p["dockerfile"]["stages"][-1]["steps"] if s["kind"] == "user").update(user="root"),
        lambda p: p["dockerfile"]["stages"][-1]["steps"].append({"kind": "shell"}),
    ],
)
def test_the_schema_rejects_a_broken_plan(broken, capsys):
    assert main(["plan", "--json", str(Path(__file__).resolve().parent.parent / "examples" / "node-express-npm-v1")]) == 0
    plan = json.loads(capsys.readouterr().out)
    broken(plan)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(plan, SCHEMA)


@pytest.mark.parametrize(("name", "folder", "app"), example_targets(), ids=[t[0] for t in example_targets()])
def test_a_plan_reads_back_from_its_json_and_renders_the_same_files(name, folder, app):
    from scaffold.plan import plan_project
    from scaffold.plan.model import BuildPlan
    from scaffold.project import Project
    from scaffold.render import render_plan

    plan = plan_project(Project(folder), {"app": app} if app else {})
    again = BuildPlan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again.to_dict() == plan.to_dict()
    assert render_plan(again) == render_plan(plan)


@pytest.mark.parametrize(
    "source, origin",
    [
        ("--port", "flag"),
        ("default", "default"),
        ("versions.toml > node.lts (current LTS)", "default"),
        ("package.json > engines > node", "project"),
        ("pyproject.toml > project > name", "project"),  # a project's .toml is not scaffold's data
    ],
)
def test_a_decision_origin_follows_from_its_source(source, origin):
    from scaffold.plan.model import Decision

    assert Decision(1, source).origin == origin


def test_a_decision_origin_outside_the_closed_set_is_refused():
    from scaffold.plan.model import Decision

    with pytest.raises(ValueError, match="one of default, project, saved, asked, flag"):
        Decision(1, "--port", origin="guessed")


@pytest.mark.parametrize(
    ("example", "write", "expected"),
    [
        ("node-express-npm-v1", (".npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"), {"id": "npm_token", "kind": "environment", "value": "NPM_TOKEN"}),
        ("python-flask-requirements", ("pip.conf", "[global]\nindex-url = https://user:pw@pypi.example/simple\n"), {"id": "pip_conf", "kind": "file", "value": "pip.conf"}),
    ],
    ids=["node-env-token", "python-pip-conf"],
)
def test_build_secrets_are_records_in_the_plan_json(example, write, expected, tmp_path, capsys):
    """A secret is {id, kind, value} in the plan, so nothing downstream parses a --secret flag back."""
    import shutil

    from conftest import EXAMPLES

    root = tmp_path / example
    shutil.copytree(EXAMPLES / example, root)
    (root / write[0]).write_text(write[1])
    assert main(["plan", "--json", str(root)]) == 0
    plan = json.loads(capsys.readouterr().out)
    jsonschema.validate(plan, SCHEMA)
    assert plan["dockerfile"]["build_secrets"] == [expected]
