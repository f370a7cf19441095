"""What a user installs is the package the checkout runs. The installed package tells type checkers it is
typed (PEP 561): imu_gait/py.typed exists, is declared as package data, and — where a setuptools new enough
for this pyproject.toml is installed — is in the wheel actually built (without the marker mypy/pyright
ignore the package's hints, "missing library stubs", although imu_gait/__init__.py promises type-checker
support). The wheel, built from the sdist as ``python -m build`` does, holds every file of imu_gait/ and
nothing else; the sdist holds the package and its metadata, not a test suite that cannot run from it."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
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


needs_setuptools = pytest.mark.skipif(
    (_setuptools_version() or (0,)) < (77,),
    reason="building offline needs setuptools>=77 in this interpreter (pyproject.toml's build requirement)")

# a checkout's untracked by-products, which a release is built without
_NOT_SOURCE = shutil.ignore_patterns(".git", ".venv*", "__pycache__", "*.pyc", "build", "dist", "*.egg-info",
                                     ".pytest_cache", ".peers", "recordings", "out", ".notes")


@pytest.fixture(scope="module")
def sdist_and_wheel(tmp_path_factory):
    """The sdist of a copy of this checkout, and the wheel built from that sdist — what ``python -m build``
    makes and a user installs (an in-tree build would reuse a stale build/ folder)."""
    tmp = tmp_path_factory.mktemp("release")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=_NOT_SOURCE)
    # the installed setuptools builds both, nothing is downloaded (about 10 s together)
    proc = subprocess.run([sys.executable, "-c", "import sys; from setuptools import build_meta as b; "
                           "print(b.build_sdist(sys.argv[1]))", str(tmp / "sdist")],
                          cwd=src, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    sdist = tmp / "sdist" / proc.stdout.split()[-1]
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "--no-index", "-w", str(tmp / "dist"), str(sdist)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel,) = (tmp / "dist").glob("imu_gait-*.whl")
    return sdist, wheel


def _package_files() -> set[str]:
    """Every file of the package in this checkout, as a path inside the wheel (imu_gait/...)."""
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "imu_gait").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


@needs_setuptools
def test_wheel_ships_py_typed(sdist_and_wheel):
    with zipfile.ZipFile(sdist_and_wheel[1]) as z:
        assert "imu_gait/py.typed" in z.namelist()


@needs_setuptools
def test_wheel_holds_exactly_the_package(sdist_and_wheel):
    """What works from the checkout works installed: every file under imu_gait/ reaches the wheel (a data
    file the code reads — say a report template — is left out unless declared as package data, and the
    installed tool then fails where the checkout works), and nothing else does (tests, datasets)."""
    with zipfile.ZipFile(sdist_and_wheel[1]) as z:
        names = set(z.namelist())
    package = {n for n in names if ".dist-info/" not in n}
    assert package == _package_files(), (sorted(_package_files() - package), sorted(package - _package_files()))


@needs_setuptools
def test_sdist_is_the_package_and_its_metadata(sdist_and_wheel):
    """The sdist held tests/test_*.py (setuptools adds them by itself) without tests/conftest.py, tests/data/
    or datasets/, so they failed from an unpacked sdist: it now holds the package and what builds it."""
    with tarfile.open(sdist_and_wheel[0]) as t:
        names = {m.name.split("/", 1)[1] for m in t.getmembers() if m.isfile()}
    others = {n for n in names if not n.startswith(("imu_gait/", "imu_gait.egg-info/"))}
    assert others <= {"PKG-INFO", "pyproject.toml", "setup.cfg", "README.md", "LICENSE", "MANIFEST.in"}, others
    assert _package_files() <= names



def test_ci_tests_the_lowest_numeric_stack_pyproject_allows():
    """CI's lowest-bounds leg pins numpy / scipy / pandas / matplotlib / rich to pyproject.toml's ">=" bounds: a
    bound raised (or lowered) in one place and not the other would test versions no user can get, or leave the
    allowed oldest untested — as a matplotlib-3.9-only report test was, for months (packaging audit s37)."""
    import re
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for name in ("numpy", "scipy", "pandas", "matplotlib", "rich"):
        (low,) = [m.group(1) for d in deps if (m := re.fullmatch(re.escape(name) + r">=([\d.]+)", d))]
        major_minor = ".".join((low.split(".") + ["0"])[:2])
        assert f'"{name}=={major_minor}.*"' in ci, (name, low)
