"""A packaged Python app with no module-level app object, served by its own console script."""

from __future__ import annotations

import pytest

from conftest import write_tree
from plan_queries import cmd as plan_cmd
from scaffold.errors import MissingEntryError
from scaffold.plan import plan_project
from scaffold.project import Project

PYPROJECT = """\
[project]
name = "svc"
version = "0.1.0"
dependencies = ["litestar", "uvicorn"]

[project.scripts]
svc = "svc.__main__:cli"

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
"""

BUILDER = """\
from litestar import Litestar


class AppBuilder:
    def build(self) -> Litestar:
        return Litestar(route_handlers=[])
"""

SERVER = """\
import uvicorn


class Server:
    def __init__(self, app, config):
        self.app, self.config = app, config

    def run(self):
        uvicorn.Server(uvicorn.Config(self.app, host=self.config.host, port=self.config.port)).run()
"""

SETTINGS = """\
from pydantic import BaseModel, Field


class ServerConfig(BaseModel):
    host: str = "{host}"
    port: int = Field(default=8080, ge=0, le=65535)
"""

MAIN = """\
from svc.app import AppBuilder
from svc.config import ServerConfig
from svc.server import Server


def cli():
    Server(AppBuilder().build(), ServerConfig()).run()
"""


def _project(tmp_path, pyproject=PYPROJECT, host="0.0.0.0", server=SERVER):
    write_tree(tmp_path, {
        "pyproject.toml": pyproject,
        "src/svc/__init__.py": "",
        "src/svc/__main__.py": MAIN,
        "src/svc/app.py": BUILDER,
        "src/svc/server.py": server,
        "src/svc/config.py": SETTINGS.format(host=host),
    })
    return Project(tmp_path)


def test_console_script_that_serves_the_app_is_the_start_command(tmp_path):
    plan = plan_project(_project(tmp_path), {})
    assert plan_cmd(plan) == ["svc"]
    assert plan.port == 8080  # the settings default, not uvicorn's 8000
    note = next(n for n in plan.notes if "[project.scripts] svc" in n)
    assert "src/svc/server.py:1 (import uvicorn)" in note and "src/svc/config.py:6" in note


def test_poetry_scripts_count_too(tmp_path):
    pyproject = PYPROJECT.replace("[project.scripts]", "[tool.poetry.scripts]")
    assert plan_cmd(plan_project(_project(tmp_path, pyproject), {})) == ["svc"]


def test_loopback_default_host_gets_the_listen_shim(tmp_path):
    plan = plan_project(_project(tmp_path, host="127.0.0.1"), {})
    from scaffold.render import render_plan

    text = render_plan(plan)[plan.dockerfile_path]
    assert "PYTHONPATH=" in text and "sitecustomize.py" in text
    assert any("src/svc/config.py:5 ('127.0.0.1')" in n for n in plan.notes)


def test_without_a_port_literal_the_server_default_is_used(tmp_path):
    project = _project(tmp_path)
    (tmp_path / "src/svc/config.py").write_text("class ServerConfig:\n    host = '0.0.0.0'\n")
    assert plan_project(project, {}).port == 8000


def test_a_script_whose_package_imports_no_server_is_not_a_start(tmp_path):
    # a CLI tool (migrations, a seed command) is not the web server
    project = _project(tmp_path, server="class Server:\n    pass\n")
    with pytest.raises(MissingEntryError):
        plan_project(project, {})


def test_a_project_that_is_not_installed_has_no_console_script(tmp_path):
    # without [build-system] the image does not install the project, so the script is never on PATH
    pyproject = PYPROJECT.split("[build-system]")[0]
    with pytest.raises(MissingEntryError):
        plan_project(_project(tmp_path, pyproject), {})


def test_a_module_level_app_object_still_wins(tmp_path):
    project = _project(tmp_path)
    (tmp_path / "src/svc/asgi.py").write_text("from litestar import Litestar\napp = Litestar(route_handlers=[])\n")
    assert "svc.asgi:app" in " ".join(plan_cmd(plan_project(project, {})))
