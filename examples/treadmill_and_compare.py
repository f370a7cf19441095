"""A treadmill program and a before/after comparison, with the library.

    python examples/treadmill_and_compare.py

Uses the bundled real recordings (mobgap HA/001): the first is analysed as if walked on a
treadmill whose belt sped up after a minute and whose incline then rose (a schedule); then two
walks are compared side by side, as a physiotherapist would compare two sessions.
"""
import sys
from pathlib import Path

import imu_gait
from imu_gait.compare import compare_sessions, render_comparison, session_from_result

DATA = Path(__file__).parent.parent / "datasets"

# belt speed (m/s) and incline (%) per stage; times are seconds since the recording began
program = imu_gait.TreadmillSchedule.from_stages([(0, 1.0, 0), (60, 1.2, 0), (100, 1.2, 6)])
print(program.describe())
try:
    rec = imu_gait.read(DATA / "mobgap_HA001_daily.csv")
    res = imu_gait.analyze(rec, treadmill_schedule=program, max_incline_pct=5)
    first = imu_gait.analyze(imu_gait.read(DATA / "mobgap_HA001_walk1.csv"))
    second = imu_gait.analyze(rec)
except imu_gait.ImuGaitError as err:   # e.g. the script copied out of the repository, without datasets/
    sys.exit(f"error: {err}")
st = res.steps.dropna(subset=["step_time_s"])
# each step's stage, from its time since the recording began (the schedule's clock)
stage = program.stage_index(st["time_s"].to_numpy() - res.summary["time_start_s"])
per_stage = st.groupby(stage)["walking_speed_mps"].median().reindex(range(program.n_stages))
print(f"{len(st)} steps; walking speed per stage:", per_stage.round(2).tolist(), "m/s")
for flag in res.flags:
    print(f"flag {flag.id} {flag.start_s:.0f}-{flag.end_s:.0f} s: {flag.message}")

before = session_from_result(first, "straight walk")
after = session_from_result(second, "daily activities")
print(render_comparison(compare_sessions([before, after])))
