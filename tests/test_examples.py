"""Every script in examples/ runs as a user would run it (a fresh interpreter, exit code 0), and
prints what its docstring promises."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPECT = {
    "analyze_recording.py": ["steps in", "median cadence", "n_turns", "walking bouts of 30 s or more: 0",
                            "2020-12-10"],
    "stream_engine.py": ["median step-event latency", "same steps as imu_gait.analyze: True"],
    "symptom_marks.py": ["5:00  pain 6/10 — lower back ache", "vertical oscillation 7.", "Flags holding: Vertical bounce",
                         "across the marks: vertical oscillation above your baseline (by more than 1.1 cm) before 2 of 3"],
    "treadmill_and_compare.py": ["3 stages", "walking speed per stage: [1.0, 1.2]", "Walking speed (m/s)"],
    # the regression floors' recordings (tests/test_real_recordings.py): F1 1.000 / 0.901 / 0.766 there
    "validate_against_reference.py": ["mobgap_HA001_walk1.csv: F1 1.000 (9 matched", "mobgap_HA001_daily.csv: F1 0.90",
                                      "pooled over 3 recording(s): F1 0.8"],
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


def test_example_says_what_is_wrong_with_a_bad_file(tmp_path):
    """Good practice for a script built on the library: catch ImuGaitError and show its message (it was
    a traceback), exit non-zero; a recording without walking is said, not 'median cadence nan'."""
    bad = tmp_path / "walk.csv"
    bad.write_text("time_s,acc_x,acc_y,acc_z\n0,0,0,1\n0.01,0,0,1\n", encoding="utf-8")
    script = str(ROOT / "examples" / "analyze_recording.py")
    proc = subprocess.run([sys.executable, script, str(bad)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "walk.csv" in proc.stderr, proc.stderr
    proc = subprocess.run([sys.executable, script, str(ROOT / "tests" / "data" / "native_sitting.csv")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0 and "no steps found" in proc.stdout and "nan" not in proc.stdout, proc.stdout
