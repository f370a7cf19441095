"""Numbers written and read back (precision audit s36): no "-0.0" in the output tables."""
from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest

import imu_gait
from imu_gait.report.bouts_csv import write_bouts_csv
from imu_gait.report.steps_csv import write_steps_csv
from imu_gait.report.timeline_csv import write_timeline_csv
from imu_gait.synthetic import synthesize_walk

DATASETS = Path(__file__).resolve().parents[1] / "datasets"
NEGATIVE_ZERO = re.compile(r"(^|,)-0(\.0*)?(,|$)", re.MULTILINE)


def test_a_step_whose_speed_never_dips_below_the_contacts_brakes_0_not_minus_0():
    """Mobilise-D HA002 daily: 14 steps had braking_mps exactly -0.0 (−min of a speed whose minimum is the contact's
    0.0), written "-0.0" in the steps CSV and JSON. Truth: +0.0 (no braking)."""
    res = imu_gait.analyze(imu_gait.read(DATASETS / "mobgap_HA002_daily.csv"))
    brk = res.steps["braking_mps"].to_numpy(float)
    assert (brk == 0).sum() > 0                                   # (the case is there)
    assert not np.signbit(brk[brk == 0]).any()
    assert '"braking_mps": -0.0' not in res.to_json()


@pytest.fixture(scope="module")
def walk_result():
    rec, _ = synthesize_walk(60, seed=4, stand_s=3, stand_end_s=3)
    return imu_gait.analyze(rec)


def test_a_small_negative_rounded_to_zero_is_written_0_not_minus_0(walk_result):
    """A heading change of −0.0004° rounds to −0.0 at the CSV's 3 decimals (pandas keeps the sign). Truth: "0.0"."""
    res = walk_result
    res.steps.loc[res.steps.index[3], "heading_change_deg"] = -4e-4
    res.steps.loc[res.steps.index[4], "braking_mps"] = -1e-6
    buf = io.StringIO()
    write_steps_csv(res, buf)
    assert not NEGATIVE_ZERO.search(buf.getvalue()), NEGATIVE_ZERO.search(buf.getvalue())
    for writer in (write_bouts_csv, write_timeline_csv):
        buf = io.StringIO()
        writer(res, buf)
        assert not NEGATIVE_ZERO.search(buf.getvalue()), writer.__name__


@pytest.mark.parametrize("rate_hz, t0", [(208.0, 0.0), (1024.0, 1.7e9), (100.0, 5e-5)],
                         ids=["Movesense 208 Hz", "1024 Hz on a Unix clock", "first sample at 50 µs"])
def test_the_native_writer_keeps_the_time_axis_exactly(tmp_path, rate_hz, t0):
    """Written with the native writer and read back, every time stamp is the same float64 (so the sample intervals and
    the rate too). Truth: the times written. With '%.6f' (before the precision audit s36) a 208-Hz period read
    4807/4808 µs, a 1024-Hz one on a Unix clock 975.8–977.0 µs — and that recording's rate 1023.5 Hz."""
    from imu_gait.io.native import read_native, write_native
    from imu_gait.recording import Recording

    rec, _ = synthesize_walk(20, fs_hz=rate_hz, seed=1, stand_s=2, stand_end_s=2)
    rec = Recording(rec.time_s + t0, rec.acc_mps2, rec.gyro_rads, meta=dict(rec.meta))
    back = read_native(write_native(tmp_path / "walk.csv", rec))
    assert np.array_equal(back.time_s, rec.time_s)
    assert back.sample_rate_hz == rec.sample_rate_hz
    # the values to 7 significant digits (0.1 ppm: below any sensor's resolution), by design
    np.testing.assert_allclose(back.acc_mps2, rec.acc_mps2, rtol=5.1e-7, atol=0)
