"""Live and offline analysis agree to the last bit: the engine fed the same samples in chunks of any size gives
the same steps table and summary as fed whole — every number equal (``==``), not close. Truth: the engine fed the
whole recording in one call. (Before the precision audit s36 they differed by up to ~4e-12: cadence 3.6e-12 spm,
sway 1.4e-13 cm, regularity 5e-14 — from the resampler's grid point a rounding step past a chunk's last sample,
running integrals re-associated at chunk ends, and sums over a buffer whose start depended on the chunking.)"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from imu_gait import GaitEngine
from imu_gait.dsp.resample import StreamResampler
from imu_gait.recording import Recording
from imu_gait.result import json_safe
from imu_gait.synthetic import synthesize_walk


def _fed(rec, n: int):
    eng = GaitEngine(rec.sample_rate_hz, has_gyro=rec.has_gyro)
    for i in range(0, rec.n_samples, n):
        eng.feed(rec.time_s[i:i + n], rec.acc_mps2[i:i + n], None if rec.gyro_rads is None else rec.gyro_rads[i:i + n])
    return eng.finish()


def _assert_same_bits(a, b, label: str) -> None:
    assert len(a.steps) == len(b.steps), label
    for col in a.steps.columns:
        x, y = a.steps[col], b.steps[col]
        if pd.api.types.is_numeric_dtype(x):
            x, y = x.to_numpy(float), y.to_numpy(float)
            same = (x == y) | (np.isnan(x) & np.isnan(y))
            assert same.all(), f"{label}: {col} differs in {int((~same).sum())} steps (max {np.nanmax(np.abs(x - y)):.3g})"
        else:
            assert (x.astype(str) == y.astype(str)).all(), f"{label}: {col}"
    # the summary as its JSON text (floats written to the last bit; NaN inside nested dicts as null)
    assert json.dumps(json_safe(a.summary), sort_keys=True) == json.dumps(json_safe(b.summary), sort_keys=True), label
    assert a.to_json() == b.to_json(), label          # … and everything else: flags, bouts, days, timeline


@pytest.mark.parametrize("kind", ["100 Hz", "200 Hz (box mean)", "jittered stamps", "acc only", "52 Hz run"])
def test_any_chunk_size_gives_the_whole_feeds_numbers_bit_for_bit(kind):
    # 70 s: the buffer is trimmed (past 30 s, at the regularity anchors of 10.24 s) while the walk goes on
    if kind == "52 Hz run":       # (upsampled to the grid: the impact peak read between samples, upsampled_peak)
        rec, _ = synthesize_walk(70, fs_hz=52.0, seed=2, stand_s=3, stand_end_s=3, gait="run", cadence_spm=165.0,
                                 contact_s=0.25)
    elif kind == "200 Hz (box mean)":
        rec, _ = synthesize_walk(70, fs_hz=200.0, seed=2, stand_s=3, stand_end_s=3)
    elif kind == "jittered stamps":
        rec = synthesize_walk(70, seed=2, stand_s=3, stand_end_s=3, jitter_s=0.002)[0].validated()
    else:
        rec, _ = synthesize_walk(70, seed=2, stand_s=3, stand_end_s=3)
    if kind == "acc only":
        rec = Recording(rec.time_s, rec.acc_mps2, None, meta=dict(rec.meta))
    whole = _fed(rec, rec.n_samples)
    assert len(whole.steps) > 60
    for n in ((1, 7, 100, 4096) if kind == "100 Hz" else (7, 100, 4096)):   # (1 sample per call: slow)
        _assert_same_bits(whole, _fed(rec, n), f"{kind}, chunks of {n}")


def test_a_grid_point_a_rounding_step_past_a_chunks_last_sample_is_that_sample():
    """k·dt = 16.990000000000002 for the sample at 16.99 s: fed whole it was interpolated towards 17.00 s, at the end
    of a chunk clamped to 16.99 s's value. Truth: the sample's own value, either way."""
    for rate in (100.0, 200.0):                        # interpolated; box means (input faster than 130 Hz)
        t = np.arange(int(30 * rate)) / rate
        v = 9.81 + 5 * np.sin(2 * np.pi * 2.3 * t)[:, None] * np.array([1.0, -2.0, 3.0])    # (steep: a rounding step shows)
        cut = int(16.99 * rate) + 1                     # the first chunk ends with the sample at 16.99 s
        whole = StreamResampler(100.0, input_rate_hz=rate).feed(t, v)
        rs = StreamResampler(100.0, input_rate_hz=rate)
        parts = rs.feed(t[:cut], v[:cut]) + rs.feed(t[cut:], v[cut:])
        a = np.concatenate([c.values for c in whole])
        b = np.concatenate([c.values for c in parts])
        assert np.array_equal(a, b), rate
        assert 1699 * 0.01 != t[cut - 1]                # (the case: the grid time is not the sample's float)
    t = np.arange(3000) / 100.0
    v = np.sin(t)[:, None] * np.array([1.0, 2.0, 3.0])
    out = np.concatenate([c.values for c in StreamResampler(100.0).feed(t, v)])
    assert np.array_equal(out, v)                      # grid points on the samples: their values exactly
