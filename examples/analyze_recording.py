"""Analyse a recording with the library and look at the result.

    python examples/analyze_recording.py [FILE]

Without FILE it uses a bundled real recording (mobgap HA/001, simulated daily activities).
"""
import sys
from pathlib import Path

import imu_gait

path = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent.parent / "datasets" / "mobgap_HA001_daily.csv"
rec = imu_gait.read(path)
res = imu_gait.analyze(rec)

print(f"{rec.source}: {rec.duration_s:.0f} s at {rec.sample_rate_hz:.0f} Hz, gyro: {rec.has_gyro}")
print(f"{res.summary['n_steps']} steps in {res.summary['n_bouts']} walking bouts, "
      f"median cadence {res.summary['cadence_spm']:.0f} steps/min")
cols = ["time_s", "side", "cadence_spm", "vertical_oscillation_cm", "trunk_twist_deg", "forward_lean_deg"]
print(res.steps[cols].head(8).round(2).to_string(index=False))
for flag in res.flags:
    print(f"flag {flag.id} {flag.start_s:.0f}-{flag.end_s:.0f} s ({flag.severity}): {flag.message}")
for w in res.warnings:
    print("note:", w)
