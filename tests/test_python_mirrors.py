"""Public PyPI mirrors in a project's index options: the build's copies are pointed back at PyPI.

Checked with docker: a requirements file with `-i https://pypi.tuna.tsinghua.edu.cn/simple` (a host this
build network cannot resolve) installs and serves 200 once the build drops the line, and so does the
python-fastapi-uv example with its uv.lock rewritten to the mirror's URLs.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

from conftest import write_tree
from plan_queries import role_lines
from scaffold.plan import plan_project
from scaffold.project import Project
from scaffold.providers.python.mirrors import drop_index_options, mirror_hosts, rewrite_uv_lock

APP = "from flask import Flask\napp = Flask(__name__)\n"


def _install(plan) -> str:
    return " && ".join(role_lines(plan, "install"))


def test_a_requirements_file_on_a_mirror_loses_its_index_lines_in_the_build(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "-i https://pypi.tuna.tsinghua.edu.cn/simple\n--trusted-host pypi.tuna.tsinghua.edu.cn\nflask==3.0.3\n", "app.py": APP})
    plan = plan_project(Project(tmp_path), {})
    install = _install(plan)
    assert "python -c" in install and install.index("python -c") < install.index("pip install -r requirements.txt")
    assert any("requirements.txt installs from pypi.tuna.tsinghua.edu.cn, a public mirror of PyPI" in w for w in plan.warnings)


def test_a_private_index_is_left_alone(tmp_path):
    write_tree(tmp_path, {"requirements.txt": "--extra-index-url https://pypi.acme.internal/simple\nflask==3.0.3\n", "app.py": APP})
    plan = plan_project(Project(tmp_path), {})
    assert "python -c" not in _install(plan) and not any("mirror of PyPI" in w for w in plan.warnings)


def test_the_index_drop_keeps_everything_else_and_reads_utf16(tmp_path):
    text = "-i https://mirrors.aliyun.com/pypi/simple/\n--extra-index-url https://pypi.acme.internal/simple\nflask==3.0.3\n--trusted-host mirrors.aliyun.com\n"
    (tmp_path / "requirements.txt").write_bytes(text.encode("utf-16"))
    command = drop_index_options(["requirements.txt"], ("mirrors.aliyun.com",)).replace("python -c", shlex.quote(sys.executable) + " -c", 1)
    subprocess.run(["sh", "-c", command], cwd=tmp_path, check=True)
    assert (tmp_path / "requirements.txt").read_text() == "--extra-index-url https://pypi.acme.internal/simple\nflask==3.0.3\n"


def test_a_pipfile_source_on_a_mirror_is_dropped_from_the_exported_requirements(tmp_path):
    pipfile = '[[source]]\nurl = "https://pypi.tuna.tsinghua.edu.cn/simple"\nverify_ssl = true\nname = "pypi"\n\n[packages]\nflask = "==3.0.3"\n'
    lock = {"_meta": {"hash": {"sha256": "x"}, "sources": [{"url": "https://pypi.tuna.tsinghua.edu.cn/simple", "name": "pypi", "verify_ssl": True}], "requires": {}},
            "default": {"flask": {"version": "==3.0.3", "hashes": ["sha256:x"]}}, "develop": {}}
    write_tree(tmp_path, {"Pipfile": pipfile, "Pipfile.lock": json.dumps(lock), "app.py": APP})
    install = _install(plan_project(Project(tmp_path), {}))
    assert install.index("requirements --hash > /tmp/requirements.txt") < install.index("python -c") < install.index("pip install --require-hashes")
    assert "/tmp/requirements.txt" in install.split("python -c", 1)[1].split("&&", 1)[0]


def test_uv_lock_urls_on_a_mirror_point_at_pypi(tmp_path):
    (tmp_path / "uv.lock").write_text(
        '[[package]]\nname = "anyio"\nsource = { registry = "https://pypi.tuna.tsinghua.edu.cn/simple" }\n'
        'wheels = [{ url = "https://pypi.tuna.tsinghua.edu.cn/packages/a1/b2/anyio-4.0.0-py3-none-any.whl" }]\n'
    )
    subprocess.run(["sh", "-c", rewrite_uv_lock(("pypi.tuna.tsinghua.edu.cn",))], cwd=tmp_path, check=True)
    text = (tmp_path / "uv.lock").read_text()
    assert 'registry = "https://pypi.org/simple"' in text and "https://files.pythonhosted.org/packages/a1/b2/anyio-4.0.0-py3-none-any.whl" in text


def test_only_known_mirrors_count():
    assert mirror_hosts(["-i https://pypi.tuna.tsinghua.edu.cn/simple", "https://pypi.org/simple", "https://pypi.acme.internal/simple"]) == ("pypi.tuna.tsinghua.edu.cn",)


def test_a_uv_project_locked_through_a_mirror_rewrites_the_lock_before_each_sync(tmp_path):
    import shutil
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "examples" / "python-fastapi-uv"
    shutil.copytree(example, tmp_path / "app")
    lock = tmp_path / "app" / "uv.lock"
    lock.write_text(lock.read_text().replace("https://pypi.org/simple", "https://pypi.tuna.tsinghua.edu.cn/simple").replace("https://files.pythonhosted.org/packages/", "https://pypi.tuna.tsinghua.edu.cn/packages/"))
    plan = plan_project(Project(tmp_path / "app"), {})
    install = _install(plan)
    sed = "sed -i -e 's#https://pypi\\.tuna\\.tsinghua\\.edu\\.cn/simple#https://pypi.org/simple#g'"
    assert sed in install and install.index(sed) < install.index("uv sync --frozen")
    assert any("uv.lock installs from pypi.tuna.tsinghua.edu.cn" in w for w in plan.warnings)
