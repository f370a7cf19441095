"""Every script in examples/ runs as a user would run it (a fresh interpreter, exit code 0), and
prints what its docstring promises."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPECT = {
    "analyze_recording.py": ["steps in", "median cadence"],
    "stream_engine.py": ["median step-event latency"],
    "treadmill_and_compare.py": ["3 stages", "walking speed per stage: [1.0, 1.2]", "Walking speed (m/s)"],
}


def test_every_example_is_checked():
    assert sorted(p.name for p in (ROOT / "examples").glob("*.py")) == sorted(EXPECT)


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_example_runs(name):
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / name)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for text in EXPECT[name]:
        assert text in proc.stdout, (text, proc.stdout[-2000:])
