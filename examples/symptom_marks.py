"""Symptom marks: when the back hurt (0–10), set beside what the gait did just before.

    python examples/symptom_marks.py

A walker notes (or presses p in ``imu-gait live``) when their back hurts. Here a synthetic walk
whose bounce rises from 3.5 to 7 cm at 3 min 40 s (220 s) stands in for the recording, and a small marks
CSV beside it for the diary. Each mark is read against the minute of walking before it: which
metrics differed from the walker's own baseline by more than two walks on the same day do, and
which back-strain flags held then.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import imu_gait
from imu_gait.io import write_native
from imu_gait.marks import attach_marks, marks_path, marks_pattern, read_marks
from imu_gait.recording import clock_text
from imu_gait.synthetic import synthesize_walk


def main() -> None:
    rec, _ = synthesize_walk(420, seed=3, segments=[(220, {"bounce_cm": 7.0})])   # 7 cm from 220 s (a 3-s ramp)
    with tempfile.TemporaryDirectory() as folder:
        walk = Path(folder) / "walk.csv"
        write_native(walk, rec)
        # the diary: times since the recording began (m:ss or s), pain 0–10, a note
        marks_path(walk).write_text("time,pain,note\n1:30,1,\n5:00,6,lower back ache\n6:40,7,\n", encoding="utf-8")
        result = imu_gait.analyze(imu_gait.read(walk))
        attach_marks(result, read_marks(marks_path(walk)))
    for ctx in result.marks:
        print(f"{clock_text(ctx.time_s)}  {ctx.mark.label()}")
        for line in ctx.lines():
            print(f"       {line}")
    for line in marks_pattern(result.marks):
        print(f"across the marks: {line}")


if __name__ == "__main__":
    main()
