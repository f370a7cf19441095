"""A treadmill program and a before/after comparison, with the library.

    python examples/treadmill_and_compare.py

First a treadmill walk whose belt speeds up after two minutes and whose incline then rises to 8 %
(a schedule): a synthetic walk stands in for the recording — the walker quickens their steps with
the belt and leans into the hill. With the belt speed known, step length is exact (belt speed ÷
step rate), so each stage shows how the walker met the faster belt: longer steps or quicker ones.
Then two real walks of the same task (mobgap HA/001, the same straight walk twice) are compared
side by side, as a physiotherapist compares two sessions.
"""
import sys
from pathlib import Path

import imu_gait
from imu_gait.compare import compare_sessions, render_comparison, session_from_result
from imu_gait.synthetic import synthesize_walk

DATA = Path(__file__).parent.parent / "datasets"

# belt speed (m/s) and incline (%) per stage; times are seconds since the recording began
program = imu_gait.TreadmillSchedule.from_stages([(0, 1.0, 0), (120, 1.3, 0), (240, 1.3, 8)])
print(program.describe())
walk, _ = synthesize_walk(360, seed=5, cadence_spm=100, segments=[(120, {"cadence_spm": 112}),
                                                                   (240, {"cadence_spm": 112, "lean_deg": 7})])
res = imu_gait.analyze(walk, treadmill_schedule=program, max_incline_pct=6)
st = res.steps.dropna(subset=["step_time_s"])
# each step's stage, from its time since the recording began (the schedule's clock)
stage = program.stage_index(st["time_s"].to_numpy() - res.summary["time_start_s"])
per_stage = st.groupby(stage)[["cadence_spm", "step_length_m"]].median().reindex(range(program.n_stages))
print(f"{len(st)} steps; per stage: steps/min", per_stage["cadence_spm"].round(0).tolist(),
      "step length (m)", per_stage["step_length_m"].round(2).tolist())
for flag in res.flags:
    print(f"flag {flag.id} {flag.start_s:.0f}-{flag.end_s:.0f} s: {flag.message}")

try:
    first = imu_gait.analyze(imu_gait.read(DATA / "mobgap_HA001_walk1.csv"))
    second = imu_gait.analyze(imu_gait.read(DATA / "mobgap_HA001_walk2.csv"))
except imu_gait.ImuGaitError as err:   # e.g. the script copied out of the repository, without datasets/
    sys.exit(f"error: {err}")
# a '*' in the table marks a change larger than two walks on the same day differ by (and outside the
# first walk's middle half): two walks of the same task minutes apart should show few or none
before = session_from_result(first, "walk 1")
after = session_from_result(second, "walk 2")
print(render_comparison(compare_sessions([before, after])))
