"""The wheel carries the templates and data files, so an installed scaffold renders like a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import ROOT


def test_wheel_ships_templates_and_data(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = next(tmp_path.glob("scaffold-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*") if p.is_file()):
        assert f"scaffold/{template}" in names, f"{template} is missing from the wheel"
    for data in sorted(p.name for p in (ROOT / "scaffold" / "data").glob("*.toml")):
        assert f"scaffold/data/{data}" in names
