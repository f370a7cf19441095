"""The installed package tells type checkers it is typed (PEP 561): imu_gait/py.typed exists, is declared
as package data, and — where a setuptools new enough for this pyproject.toml is installed — is in the
wheel actually built. Without the marker mypy/pyright ignore the package's hints ("missing library
stubs"), although imu_gait/__init__.py promises type-checker support."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

try:
    import tomllib
except ImportError:   # Python 3.10
    tomllib = pytest.importorskip("tomli")


def test_py_typed_marker_exists_and_is_package_data():
    assert (ROOT / "imu_gait" / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["imu_gait"]


def _setuptools_version():
    try:
        import setuptools
    except ImportError:
        return None
    return tuple(int(p) for p in setuptools.__version__.split(".")[:2] if p.isdigit())


@pytest.mark.skipif((_setuptools_version() or (0,)) < (77,),
                    reason="building the wheel offline needs setuptools>=77 in this interpreter "
                           "(pyproject.toml's build requirement)")
def test_wheel_ships_py_typed(tmp_path):
    # built from a copy of what the wheel is made of: an in-tree build would reuse a stale build/ folder
    src = tmp_path / "src"
    shutil.copytree(ROOT / "imu_gait", src / "imu_gait", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    # --no-build-isolation: the installed setuptools builds it, nothing is downloaded (a few seconds)
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "--no-index", "-w", str(tmp_path / "dist"), str(src)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("imu_gait-*.whl")
    with zipfile.ZipFile(wheel) as z:
        assert "imu_gait/py.typed" in z.namelist()
