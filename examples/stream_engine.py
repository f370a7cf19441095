"""Feed the engine chunk by chunk, as live monitoring does, and react to steps as they come.

    python examples/stream_engine.py

Uses the synthetic walk generator (known truth) so it runs anywhere; a real source would
call ``engine.feed(...)`` with each block of samples it receives (s, m/s² with gravity, rad/s;
times increasing). At the end the streamed result is checked against ``imu_gait.analyze`` on
the same samples: the engine promises the same steps.
"""
import numpy as np

import imu_gait
from imu_gait import GaitEngine
from imu_gait.synthetic import synthesize_walk

rec, truth = synthesize_walk(60, cadence_spm=112, mount_euler_deg=(90, 0, 180), seed=1)
engine = GaitEngine(fs_hz=rec.sample_rate_hz, has_gyro=rec.has_gyro)

block = 10  # 100 ms of samples per call, like a BLE packet batch
latencies = []
n_rows = 0
for i in range(0, rec.n_samples, block):
    upd = engine.feed(rec.time_s[i:i + block], rec.acc_mps2[i:i + block], rec.gyro_rads[i:i + block])
    for ev in upd.events:                      # a contact, as soon as the engine is sure of it
        latencies.append(ev.detected_at_s - ev.time_s)
    if n_rows // 20 < (n_rows + len(upd.rows)) // 20:   # every 20 steps with metrics
        st = engine.live_status()
        print(f"t={rec.time_s[min(i + block, rec.n_samples) - 1]:5.1f} s  steps={st['n_steps']:3d}  "
              f"cadence={st['cadence_spm']:5.1f}  bounce={st['vertical_oscillation_cm']:.1f} cm  "
              f"twist={st['trunk_twist_deg']:.1f}°")
    n_rows += len(upd.rows)

result = engine.finish()                       # once, at the end: closes the last bout, judges the flags
print(f"{len(result.steps)} steps (truth {len(truth.ic_times_s)}), "
      f"median step-event latency {np.median(latencies):.2f} s")

offline = imu_gait.analyze(rec)
same = len(offline.steps) == len(result.steps) and np.allclose(offline.steps["time_s"], result.steps["time_s"])
print(f"same steps as imu_gait.analyze: {same}")
