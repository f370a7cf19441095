"""Changes of the input that must not change the answer (metamorphic tests; invariance audit s35).

- a time axis shifted by a whole number of samples (a recording from 0 s vs the same one on a Unix-epoch clock);
- the walk mirrored left ↔ right (sides swap, everything else stays);
- another recording analysed first in the same process (nothing carried over through caches).
Chunking has its own tests (test_engine_synthetic: chunked feeding equals the whole recording).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import imu_gait
from imu_gait.dsp.steps import StepAcceptor, StepParams
from imu_gait.recording import Recording

DATASETS = Path(__file__).resolve().parents[1] / "datasets"


def _shifted(rec: Recording, shift_s: float, acc=None, gyro="same") -> Recording:
    meta = {k: v for k, v in rec.meta.items() if not k.startswith("_")}
    return Recording(rec.time_s + shift_s, rec.acc_mps2 if acc is None else acc,
                     rec.gyro_rads if isinstance(gyro, str) else gyro, meta=meta)


@pytest.fixture(scope="module")
def ha002_daily():
    rec = imu_gait.read(DATASETS / "mobgap_HA002_daily.csv")
    return rec, imu_gait.analyze(rec)


@pytest.mark.parametrize("shift_s", [10.0, 40.0, 1.7e9])
def test_a_time_axis_shifted_by_whole_samples_gives_the_same_steps(ha002_daily, shift_s):
    """Mobilise-D HA002's daily-activity recording from 0 s gave 66 steps; the same samples from 10 s, 40 s or a
    Unix time (1.7e9 s) gave 65: a gap between two 4-Hz peaks (on the 10-ms grid) exactly at a rhythm bound
    (|0.94 − 0.80| s vs 0.35 × 0.40 s) fell on either side of it with the float rounding of where the walk lay on
    the clock, and 20 sides, sway (3.3 → 6.9 cm) and braking followed. Truth: the same steps, shifted, to 1 µs,
    the same sides, and lean, sway and braking to 1e-3 (float rounding at a Unix time is ~1e-7 s)."""
    rec, base = ha002_daily
    res = imu_gait.analyze(_shifted(rec, shift_s))
    assert len(res.steps) == len(base.steps) == 66
    np.testing.assert_allclose(res.steps["time_s"].to_numpy() - shift_s, base.steps["time_s"].to_numpy(), atol=1e-6)
    assert res.steps["side"].tolist() == base.steps["side"].tolist()
    for key in ("forward_lean_deg", "lateral_sway_cm", "braking_mps", "cadence_spm"):
        assert res.summary[key] == pytest.approx(base.summary[key], abs=1e-3), key


def test_a_mirrored_walk_swaps_the_sides_and_keeps_the_metrics():
    """The walk reflected left ↔ right in the same right-handed sensor frame (Mobilise-D: y is side to side):
    the side-to-side acceleration negated, and the rotations about the other two axes (yaw about the vertical x,
    roll about the forward z). Truth: the same steps, every L/R label swapped, metrics the same to 1e-6
    relative (measured: identical)."""
    rec = imu_gait.read(DATASETS / "mobgap_HA001_daily.csv")
    base = imu_gait.analyze(rec)
    mirrored = imu_gait.analyze(_shifted(rec, 0.0, acc=rec.acc_mps2 * [1, -1, 1], gyro=rec.gyro_rads * [-1, 1, -1]))
    np.testing.assert_array_equal(mirrored.steps["time_s"].to_numpy(), base.steps["time_s"].to_numpy())
    swap = {"L": "R", "R": "L", "": ""}
    assert mirrored.steps["side"].tolist() == [swap[s] for s in base.steps["side"]]
    assert (base.steps["side"] != "").sum() > 70
    for key in ("forward_lean_deg", "lateral_sway_cm", "braking_mps", "trunk_twist_deg", "pelvic_drop_deg",
                "vertical_oscillation_cm", "step_length_m"):
        assert mirrored.summary[key] == pytest.approx(base.summary[key], rel=1e-6), key


def test_an_earlier_analysis_in_the_same_process_changes_nothing():
    """Caches (filters, the frame cache) must not carry one recording into the next: a straight walk analysed
    after the other recordings gives byte-identical JSON to the same walk analysed first."""
    walk = DATASETS / "mobgap_HA001_walk1.csv"
    first = imu_gait.analyze(imu_gait.read(walk)).to_json()
    for other in ("mobgap_HA002_daily.csv", "oxford_Samsung_Dario_Hard_BackPocket_1.csv"):
        imu_gait.analyze(imu_gait.read(DATASETS / other))
    assert imu_gait.analyze(imu_gait.read(walk)).to_json() == first


def _accepted_contacts(offset_s: float) -> list[float]:
    """A steady 0.75-s walk (stride 1.5 s) offered to the step acceptor on a 10-ms grid from ``offset_s``, then a
    candidate exactly 0.3 × stride (0.45 s) after the last step, one a step after that and one a stride later;
    the contacts accepted, in s from ``offset_s``."""
    acceptor = StepAcceptor(StepParams())
    ks = [75 * i for i in range(10)] + [675 + 45, 675 + 75, 675 + 150]
    out = []
    for k in ks:
        t = offset_s + k * 0.01             # (the engine's grid times: index × dt)
        accepted, _ = acceptor.offer(t, t - 0.05, 1.0)
        out += [round(c - offset_s, 6) for c, _ in accepted]
    accepted, _ = acceptor.poll(offset_s + (675 + 450) * 0.01)
    return out + [round(c - offset_s, 6) for c, _ in accepted]


@pytest.mark.parametrize("offset_s", [0.0, 10.0, 40.0, 1e6, 1.7e9])
def test_a_candidate_exactly_at_the_too_early_bound_is_judged_alike_anywhere_on_the_clock(offset_s):
    """GaitPy's GENEActiv demo (168 s, accelerometer only) gave 179 steps from 0 s and 174 from 40 s or a Unix
    time: at 26.93 s a gap of 0.45 s against 0.3 × a 1.5-s stride read 0.4499999999999993 (too early) or
    0.45000000000000284 (a step), and the extra step turned its forward axis 90° (lean −3.1° → +1.5°, 148 sides
    swapped). Truth: a tie counts as too early, at every offset — the step a whole step later is taken (7.45 s)."""
    assert _accepted_contacts(offset_s) == [-0.05, 0.7, 1.45, 2.2, 2.95, 3.7, 4.45, 5.2, 5.95, 6.7, 7.45, 8.2]
