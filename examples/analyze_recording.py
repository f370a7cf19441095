"""Analyse a recording with the library and look at the result.

    python examples/analyze_recording.py [FILE]

Without FILE it uses a bundled real recording (mobgap HA/001, simulated daily activities).
A file that cannot be analysed gets imu_gait's message (what is wrong, what to do), not a traceback.
"""
import sys
from pathlib import Path

import imu_gait

path = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent.parent / "datasets" / "mobgap_HA001_daily.csv"
try:
    rec = imu_gait.read(path)
    res = imu_gait.analyze(rec)     # context if known: belt_speed_mps=1.3, body_height_m=1.72, placement="chest" …
except imu_gait.ImuGaitError as err:   # bad input the user can fix: the message says how
    sys.exit(f"error: {err}")               # it names the file (and line, column) itself

print(f"{rec.source}: {rec.duration_s:.0f} s at {rec.sample_rate_hz:.0f} Hz, gyro: {rec.has_gyro}")
if res.summary["n_steps"]:
    print(f"{res.summary['n_steps']} steps in {res.summary['n_bouts']} walking bouts, "
          f"median cadence {res.summary['cadence_spm']:.0f} steps/min")
else:
    print("no steps found")           # summary metrics are NaN then (null in the JSON)
# one row per step; a bout's first step has no step before it, so its step time and cadence are NaN
# (and its side is empty until the walking rhythm tells left from right)
cols = ["time_s", "side", "cadence_spm", "vertical_oscillation_cm", "trunk_twist_deg", "forward_lean_deg"]
print(res.steps[cols].head(8).round(2).to_string(index=False))
# forward lean is against the first steady steps; where the walker stood still just before a walk, lean is
# also measured against that standing posture — the hunch itself, comparable between sessions
ref = res.summary["standing_reference"]
if ref:
    print(f"lean vs standing (stood still {ref['start_s']:.0f}–{ref['end_s']:.0f} s): "
          f"median {res.summary['lean_vs_standing_deg']:+.1f}°")
# each walking bout on its own: a day is many short walks, and short ones are walked more slowly
bout_cols = ["start_s", "duration_s", "n_steps", "n_turns", "cadence_spm", "walking_speed_mps"]
print(res.bouts[bout_cols].round(2).to_string(index=False))
print(f"walking bouts of 30 s or more: {res.summary['walking_bouts']['n_walking_bouts_30s']}")
# day by day (a recording of days: hours worn, steps, walking bouts; days worn >= 10 h count)
print(res.days[["date", "recorded_h", "worn_h", "valid", "n_steps", "n_walking_bouts"]].round(3).to_string(index=False))
for flag in res.flags:
    print(f"flag {flag.id} {flag.start_s:.0f}-{flag.end_s:.0f} s ({flag.severity}): {flag.message}")
if not res.flags:
    # no flag is not the same as 'all well': a short recording has no personal baseline, and rules that
    # need a gyroscope cannot be judged without one — the summary says which, and why
    print("no back-strain flags; not judged anywhere:", ", ".join(res.summary["flags_not_judged"]) or "none")
    for line in res.summary["flag_notes"]:
        print("  how the flags were judged:", line)
for w in res.warnings:
    print("note:", w)
