"""A segment break (a hole longer than max_gap_s) survives however the samples arrive.

Found by the live audit: a Thingy:52 sends one sample per notification and no gap marker after a reconnect,
so the first sample after the hole came in a call of its own. Its time is off the grid, so it gave no grid
point and no chunk, the break was lost, and the engine joined the two sides of the hole: every later step
1.9 s (the hole) early, three of them inside it, one extra where the sides met. Truth: the samples' own time
axis — the chunk after the hole starts a segment, and the engine fed one sample at a time gives the same
steps as analyze() on the same samples (to 1e-9 s).
"""
from __future__ import annotations

import numpy as np

import imu_gait
from imu_gait.dsp.resample import StreamResampler
from imu_gait.recording import Recording
from imu_gait.synthetic import synthesize_walk


def test_a_lone_off_grid_sample_after_a_hole_still_starts_a_segment():
    rs = StreamResampler(100.0)
    t = np.arange(0, 2.0, 0.01) + 0.0031                      # off the 100-Hz grid, as fitted clock times are
    assert [c.segment_start for c in rs.feed(t, np.ones(t.size))] == [False]
    after = 2.0 + 1.9 + 0.0031                                # a 1.9-s hole
    assert rs.feed(np.array([after]), np.ones(1)) == []        # alone: no grid point yet
    chunks = rs.feed(after + 0.01 * np.arange(1, 50), np.ones(49))
    assert chunks and chunks[0].segment_start
    assert chunks[0].time_s[0] >= after                        # nothing invented inside the hole


def test_one_sample_at_a_time_across_a_hole_gives_analyze_s_steps():
    rec, _ = synthesize_walk(45, seed=4)
    keep = (rec.time_s < 20.0) | (rec.time_s > 21.9)           # a reconnect's hole
    t = rec.time_s[keep] + 0.0037                               # off the grid
    acc, gyro = rec.acc_mps2[keep], rec.gyro_rads[keep]
    offline = imu_gait.analyze(Recording(t, acc, gyro)).steps["time_s"].to_numpy()
    eng = imu_gait.GaitEngine(fs_hz=100.0, has_gyro=True)
    for i in range(t.size):
        eng.feed(t[i:i + 1], acc[i:i + 1], gyro[i:i + 1])
    live = eng.finish().steps["time_s"].to_numpy()
    assert live.size == offline.size and np.allclose(live, offline, atol=1e-9), (live.size, offline.size)
    assert not ((live > 20.0) & (live < 21.9)).any()
