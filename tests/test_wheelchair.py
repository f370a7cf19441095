"""A manual wheelchair user wearing the sensor on the lower back (audit wheel s43): pushing with both arms together
pitches the trunk fore-aft to a rhythm, without the left / right alternation of walking — it is not a gait, and its
'steps' are taken back (GaitEngine._retract_if_unalternating), without costing walks whose trunk alternates little
(a shuffle, a rollator)."""
import math

import numpy as np
import pandas as pd
import pytest

import imu_gait
from imu_gait.dsp.steps import StepParams
from imu_gait.engine import GaitEngine
from imu_gait.recording import G, Recording
from imu_gait.synthetic import synthesize_walk

FS = 100.0


def _push(duration_s: float, push_hz: float, pitch_deg: float, seed: int = 0) -> Recording:
    """Manual wheelchair pushing: the trunk leans forward ``pitch_deg`` and back at each push (both arms together;
    the rate drifts ±10 % over 40 s), the chair surges forward with each push, the trunk bounces a little at twice
    the push rate. Sensor on the lower back (x forward, z up), gyroscope on; no roll, hardly any yaw."""
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, duration_s, 1 / FS)
    phase = 2 * np.pi * np.cumsum(push_hz * (1 + 0.1 * np.sin(2 * np.pi * t / 40))) / FS
    pitch = np.radians(8 + pitch_deg / 2 * (1 - np.cos(phase)))
    pitch_rate = np.gradient(pitch, t)
    acc = np.stack([-G * np.sin(pitch), np.zeros_like(t), G * np.cos(pitch)], 1)
    acc[:, 0] += 0.8 * np.sin(phase) + 0.12 * np.gradient(pitch_rate, t)
    acc[:, 2] += 0.15 * np.sin(2 * phase)
    acc += rng.normal(0, 0.03, acc.shape)
    gyro = np.zeros_like(acc)
    gyro[:, 1] = pitch_rate
    gyro[:, 2] = 0.02 * np.sin(phase / 2)
    gyro += rng.normal(0, 0.005, gyro.shape)
    return Recording(t, acc, gyro, meta={"placement": "lower_back"})


def _join(*recs: Recording) -> Recording:
    acc = np.vstack([r.acc_mps2 for r in recs])
    gyro = np.vstack([r.gyro_rads for r in recs])
    return Recording(np.arange(acc.shape[0]) / FS, acc, gyro, meta={"placement": "lower_back"})


@pytest.mark.parametrize("push_hz,pitch_deg", [(0.7, 10.0), (0.8, 6.0), (0.8, 20.0), (0.9, 10.0)])
def test_wheelchair_pushing_is_not_walking(push_hz, pitch_deg):
    """Truth: 2 min of pushing, no step. Before: 84–108 'steps' (42–54 a minute), one walk over the whole recording.
    Tolerance: no step, no walk, no flag, and a warning naming the trunk pitching without alternation."""
    res = imu_gait.analyze(_push(120.0, push_hz, pitch_deg))
    assert len(res.steps) == 0, (len(res.steps), res.bouts)
    assert res.flags == [], [f.id for f in res.flags]
    note = [w for w in res.warnings if "without left / right alternation" in w]
    assert len(note) == 1 and "wheelchair" in note[0], res.warnings


def test_a_long_hill_push_raises_no_bounce_flag():
    """Truth: 5 min of pushing (0.85 pushes/s, then harder up a hill: 0.75/s, 16° of pitch, 8° more lean), no step.
    Before: ~250 'steps' and a strong 'vertical_bounce' flag with 'land softly' advice. Tolerance: none of either."""
    flat, hill = _push(150.0, 0.85, 8.0, seed=1), _push(150.0, 0.75, 16.0, seed=2)
    hill.acc_mps2[:, 0] -= G * math.sin(math.radians(8))
    hill.acc_mps2[:, 2] -= G * (1 - math.cos(math.radians(8)))
    res = imu_gait.analyze(_join(flat, hill))
    assert len(res.steps) == 0 and res.flags == [], (len(res.steps), [f.id for f in res.flags])


def test_pushing_then_walking_keeps_the_walk():
    """Truth: 90 s of pushing, then a 90-s walk (its trunk alternating little: twist 3°, sway 1.5 cm, drop 2° —
    a rollator's) with 149–151 contacts. Tolerance: the walk's steps all kept (±3), none in the push."""
    walk, truth = synthesize_walk(90.0, FS, stand_s=5.0, stand_end_s=5.0, cadence_spm=110, twist_deg=3.0,
                                  sway_cm=1.5, drop_deg=2.0, bounce_cm=1.5, speed_mps=0.6, seed=3)
    res = imu_gait.analyze(_join(_push(90.0, 0.8, 10.0), walk))
    t = res.steps["time_s"].to_numpy()
    assert (t < 89.0).sum() == 0, t[t < 89.0]
    assert abs((t >= 89.0).sum() - truth.ic_times_s.size) <= 3, ((t >= 89.0).sum(), truth.ic_times_s.size)


@pytest.mark.parametrize("kw", [
    dict(cadence_spm=70, bounce_cm=1.0, twist_deg=2.0, sway_cm=1.5, drop_deg=1.0, speed_mps=0.3),   # slow shuffle
    dict(cadence_spm=60, bounce_cm=0.8, twist_deg=1.0, sway_cm=1.0, drop_deg=1.0, speed_mps=0.2),   # slower still
    dict(cadence_spm=90, bounce_cm=1.5, twist_deg=1.0, sway_cm=1.0, drop_deg=1.5, speed_mps=0.5),
])
def test_walks_that_alternate_little_keep_their_steps(kw):
    """Truth: 90-s walks whose trunk alternates less than any real walk measured (pelvic drop 1–1.5° per step, the
    least real median 1.5°; twist 1–2°). They read drop ≥ 1.0°, above the 0.6° bar. Tolerance: every step kept (as
    with the check off) and no such warning."""
    rec, _ = synthesize_walk(90.0, FS, **kw)
    res = imu_gait.analyze(rec)
    off = imu_gait.analyze(rec, params=StepParams(unalternating_max_drop_deg=-math.inf))
    assert len(res.steps) == len(off.steps) >= 60, (len(res.steps), len(off.steps))
    assert not any("alternation" in w for w in res.warnings), res.warnings


def test_without_a_gyroscope_pushing_is_left_alone():
    """Twist and drop need the gyroscope: without one the check does not judge (its 'steps' stay, as before)."""
    rec = _push(120.0, 0.8, 10.0)
    res = imu_gait.analyze(Recording(rec.time_s, rec.acc_mps2, None, meta={"placement": "lower_back"}))
    assert not any("alternation" in w for w in res.warnings), res.warnings


def test_pushing_live_equals_offline():
    """Fed in chunks as live, the engine reports the pushes' 'steps', takes them back when the 'walk' closes, and
    ends with the offline steps and warnings."""
    rec = _join(_push(60.0, 0.8, 10.0), synthesize_walk(60.0, FS, seed=5)[0])
    offline = imu_gait.analyze(rec)
    for chunk in (7, 1000):
        eng = GaitEngine(rec.sample_rate_hz, has_gyro=True)
        retracted = 0
        for i in range(0, rec.n_samples, chunk):
            retracted += len(eng.feed(rec.time_s[i:i + chunk], rec.acc_mps2[i:i + chunk],
                                      rec.gyro_rads[i:i + chunk]).retracted)
        assert retracted >= 30, chunk
        res = eng.finish()
        pd.testing.assert_frame_equal(res.steps, offline.steps, check_exact=True)
        assert [w for w in res.warnings if "alternation" in w] == [w for w in offline.warnings if "alternation" in w]


def test_no_backward_walking_is_reported_over_steps_taken_back():
    """Truth: pushing 70 s, a transfer-like pause, pushing 70 s: no step, so no stretch of backward walking or
    side-stepping. Before: 'From … you walked backwards … those steps are counted' over 0 steps."""
    still = Recording(np.arange(0, 20.0, 1 / FS), np.tile([0.0, 0.0, G], (2000, 1)) + 0.03,
                      np.zeros((2000, 3)), meta={"placement": "lower_back"})
    for rec in (_join(_push(70.0, 1.0, 10.0, seed=4), still, _push(70.0, 1.0, 10.0, seed=5)),
                _push(120.0, 0.9, 10.0)):
        res = imu_gait.analyze(rec)
        assert len(res.steps) == 0
        assert res.summary["backward_walking"] == [] and res.summary["side_stepping"] == []
        assert not any("backwards" in h for h in res.summary["sensor_hints"]), res.summary["sensor_hints"]


def test_the_flat_trunk_note_names_no_missing_gyroscope_when_there_was_one():
    """Pedalling with a gyroscope is left out by the flat-trunk check: its note must not blame 'a recording without a
    gyroscope' (it had one), and names being pushed in a wheelchair; without the gyroscope it still does."""
    from test_pedalling import _session

    for gyro in (True, False):
        res = imu_gait.analyze(_session(80.0, seed=80, bike_s=120.0, gyro=gyro)[0])
        note = [w for w in res.warnings if "rhythmic motion" in w]
        assert len(note) == 1, res.warnings
        assert ("without a gyroscope" in note[0]) is (not gyro), note[0]
        assert "wheelchair" in note[0]
