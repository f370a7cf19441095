"""A treadmill program and a before/after comparison, with the library.

    python examples/treadmill_and_compare.py

Uses the bundled real recordings (mobgap HA/001): the first is analysed as if walked on a
treadmill whose belt sped up after a minute and whose incline then rose (a schedule); then two
walks are compared side by side, as a physiotherapist would compare two sessions.
"""
from pathlib import Path

import imu_gait
from imu_gait.compare import compare_sessions, render_comparison, session_from_result

DATA = Path(__file__).parent.parent / "datasets"

# belt speed (m/s) and incline (%) per stage; times are seconds since the recording began
program = imu_gait.TreadmillSchedule.from_stages([(0, 1.0, 0), (60, 1.2, 0), (100, 1.2, 6)])
print(program.describe())
rec = imu_gait.read(DATA / "mobgap_HA001_daily.csv")
res = imu_gait.analyze(rec, treadmill_schedule=program, max_incline_pct=5)
st = res.steps.dropna(subset=["step_time_s"])
print(f"{len(st)} steps; walking speed per stage:",
      st.groupby(st["time_s"] >= 60)["walking_speed_mps"].median().round(2).tolist(), "m/s")
for flag in res.flags:
    print(f"flag {flag.id} {flag.start_s:.0f}-{flag.end_s:.0f} s: {flag.message}")

before = session_from_result(imu_gait.analyze(imu_gait.read(DATA / "mobgap_HA001_walk1.csv")), "straight walk")
after = session_from_result(imu_gait.analyze(rec), "daily activities")
print(render_comparison(compare_sessions([before, after])))
