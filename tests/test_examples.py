"""Every script in examples/ runs as a user would run it (a fresh interpreter, exit code 0), and
prints what its docstring promises."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPECT = {
    "analyze_recording.py": ["steps in", "median cadence", "n_turns", "walking bouts of 30 s or more: 0",
                            "2020-12-10", "lean vs standing (stood still 72–76 s): median +0."],
    "stream_engine.py": ["median step-event latency", "same steps as imu_gait.analyze: True"],
    "symptom_marks.py": ["5:00  pain 6/10 — lower back ache", "vertical oscillation 7.", "Flags holding: Vertical bounce",
                         "across the marks: vertical oscillation above your baseline (by more than 1.1 cm) before 2 of 3"],
    # exact step length from the belt: 1.0 m/s at 100 steps/min = 0.60 m, 1.3 m/s at 112 = 0.70 m (synthetic truth)
    "treadmill_and_compare.py": ["3 stages", "steps/min [100.0, 112.0, 112.0] step length (m) [0.6, 0.7, 0.7]",
                                 "flag incline_effort 24", "flag forward_lean 24", "Walking speed (m/s)"],
    # every bundled recording with a reference, as batch --score-references scores them (the regression
    # floors' recordings, tests/test_real_recordings.py: F1 1.000 / 0.901 / 0.766 there)
    "validate_against_reference.py": ["mobgap_HA001_walk1.csv: F1 1.000 (9 matched", "mobgap_HA001_daily.csv: F1 0.90",
                                      "mobgap_HA002_walk1.csv: not scored", "oxford_Samsung_Dario_Hard_BackPocket_1.csv: F1 0.9",
                                      "pooled over 6 recording(s): F1 0.9"],
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


def test_validate_example_pools_what_batch_pools(tmp_path):
    """The example promises batch's numbers: it pooled 3 of the 6 scored recordings (F1 0.856 against
    batch's 0.950)."""
    ex = subprocess.run([sys.executable, str(ROOT / "examples" / "validate_against_reference.py")],
                        capture_output=True, text=True, cwd=ROOT, timeout=300)
    batch = subprocess.run([sys.executable, "-m", "imu_gait.cli", "batch", "datasets", "--score-references",
                            "--out", str(tmp_path / "summary.csv")], capture_output=True, text=True, cwd=ROOT,
                           timeout=300)
    assert ex.returncode == 0 and batch.returncode == 0, ex.stderr[-2000:] + batch.stderr[-2000:]
    pooled = ex.stdout.strip().splitlines()[-1]            # "pooled over 6 recording(s): F1 0.950 (precision …)"
    assert pooled.startswith("pooled over "), ex.stdout
    assert pooled.split(" (", 1)[0].replace("pooled", "against the references, pooled") \
        in batch.stdout + batch.stderr, (pooled, batch.stdout[-1000:], batch.stderr[-1000:])
    counts = pooled.split("; ", 1)[1].rstrip(")")          # "582 matched, 28 missed, 33 false"
    assert counts in batch.stdout + batch.stderr


def test_treadmill_example_outside_the_repository_says_what_is_wrong(tmp_path):
    """Copied out of the repository (no datasets/ beside it) it ended in a RecordingError traceback; the
    other examples print imu_gait's 'error: … What to do: …' and exit non-zero."""
    script = tmp_path / "treadmill_and_compare.py"
    shutil.copy(ROOT / "examples" / "treadmill_and_compare.py", script)
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith("error: ") and "mobgap_HA001_walk1.csv" in proc.stderr
    assert "What to do:" in proc.stderr


def test_marks_example_says_when_its_bounce_rises():
    """The symptom-marks example's docstring said the bounce rises 'after 3 min 20 s (200 s)'; its walk
    changes the bounce at 220 s (the segment at 200 s changed nothing) — docs audit s36 F6. The time the
    docstring gives is where a segment of its walk sets the bounce."""
    import ast

    src = (ROOT / "examples" / "symptom_marks.py").read_text(encoding="utf-8")
    said = re.search(r"bounce rises from [\d.]+ to [\d.]+ cm at (\d+) min (\d+) s \((\d+) s\)", ast.get_docstring(ast.parse(src)))
    assert said and int(said.group(1)) * 60 + int(said.group(2)) == int(said.group(3))
    call = next(n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "synthesize_walk")
    segments = ast.literal_eval(next(k.value for k in call.keywords if k.arg == "segments"))
    assert [start for start, changes in segments if "bounce_cm" in changes] == [int(said.group(3))]
    assert all(changes for _, changes in segments)     # no segment that changes nothing (it read as the rise)
