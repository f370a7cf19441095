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


def _acc_only(rec: Recording) -> Recording:
    return Recording(rec.time_s, rec.acc_mps2, None, meta=dict(rec.meta))


@pytest.mark.parametrize("push_hz,pitch_deg", [(0.7, 10.0), (0.8, 6.0), (0.8, 20.0), (0.9, 10.0)])
def test_without_a_gyroscope_pushing_is_not_walking_either(push_hz, pitch_deg):
    """A phone or a Polar H10 has no gyroscope: twist and drop are not measured, and the sway alone judges (median
    under StepParams.unalternating_max_sway_no_gyro_cm, 0.6 cm). Truth: 2 min of pushing, no step. Before: 84–108
    'steps', one walk (sway read 0.12–0.16 cm). Tolerance: no step, no flag, one warning naming the pitching without
    alternation, judged without a gyroscope."""
    res = imu_gait.analyze(_acc_only(_push(120.0, push_hz, pitch_deg)))
    assert len(res.steps) == 0 and res.flags == [], (len(res.steps), [f.id for f in res.flags])
    note = [w for w in res.warnings if "without left / right alternation" in w]
    assert len(note) == 1 and "wheelchair" in note[0] and "without a gyroscope" in note[0], res.warnings


@pytest.mark.parametrize("kw", [
    dict(cadence_spm=70, bounce_cm=1.0, twist_deg=2.0, sway_cm=1.5, drop_deg=1.0, speed_mps=0.3),   # slow shuffle
    dict(cadence_spm=60, bounce_cm=0.8, twist_deg=1.0, sway_cm=1.0, drop_deg=1.0, speed_mps=0.2),   # slower still
    dict(cadence_spm=90, bounce_cm=1.5, twist_deg=1.0, sway_cm=1.0, drop_deg=1.5, speed_mps=0.5),
    dict(cadence_spm=110, twist_deg=3.0, sway_cm=1.5, drop_deg=2.0, bounce_cm=1.5, speed_mps=0.6),  # a rollator's
])
def test_without_a_gyroscope_walks_that_alternate_little_keep_their_steps(kw):
    """Truth: the shuffles and the rollator walk the gyroscope rule keeps, read without their gyroscope: sway ≥ 1.75 cm
    (the roll tips gravity into the side-to-side axis), far above the 0.6-cm bar. Tolerance: every step kept (as with
    the check off) and no such warning."""
    rec = _acc_only(synthesize_walk(90.0, FS, **kw)[0])
    res = imu_gait.analyze(rec)
    off = imu_gait.analyze(rec, params=StepParams(unalternating_max_sway_no_gyro_cm=-math.inf))
    assert len(res.steps) == len(off.steps) >= 60, (len(res.steps), len(off.steps))
    assert not any("alternation" in w for w in res.warnings), res.warnings


@pytest.mark.parametrize("name", ["mobgap_HA001_daily", "mobgap_HA002_daily", "oxford_Samsung_Carmelo_Hard_NeckPouch_2"])
def test_without_a_gyroscope_real_walks_keep_every_step(name):
    """Truth: real walks on the trunk (lower back, a neck pouch), their gyroscope dropped; the least median sway of
    the 78 real walks of 16+ steps read so (benchmarks/refdata.py) is 1.87 cm. Tolerance: the same steps as with the
    check off, to the sample, and no such warning — placement declared or not."""
    from pathlib import Path
    rec = imu_gait.read(Path(__file__).resolve().parent.parent / "datasets" / f"{name}.csv")
    rec = Recording(rec.time_s, rec.acc_mps2, None, meta=dict(rec.meta))
    off = imu_gait.analyze(rec, params=StepParams(unalternating_max_sway_no_gyro_cm=-math.inf))
    assert off.steps["bout"].value_counts().max() >= 16           # (a walk long enough to be judged)
    for placement in (None, "chest" if "NeckPouch" in name else "lower_back"):
        res = imu_gait.analyze(rec, placement=placement)
        pd.testing.assert_series_equal(res.steps["time_s"], off.steps["time_s"])
        assert not any("alternation" in w for w in res.warnings), res.warnings


def test_pushing_live_equals_offline():
    """Fed in chunks as live, the engine reports the pushes' 'steps', takes them back when the 'walk' closes, and
    ends with the offline steps and warnings — with a gyroscope and without one. Truth: 60 s of pushing, then a
    60-s walk (~100 contacts): no step before 59 s, ≥ 90 after."""
    both = _join(_push(60.0, 0.8, 10.0), synthesize_walk(60.0, FS, seed=5)[0])
    for rec in (both, _acc_only(both)):
        offline = imu_gait.analyze(rec)
        t = offline.steps["time_s"]
        assert (t > 60.0).sum() >= 90 and (t < 59.0).sum() == 0, (rec.has_gyro, t.to_numpy())
        for chunk in (7, 1000):
            eng = GaitEngine(rec.sample_rate_hz, has_gyro=rec.has_gyro)
            retracted = 0
            for i in range(0, rec.n_samples, chunk):
                retracted += len(eng.feed(rec.time_s[i:i + chunk], rec.acc_mps2[i:i + chunk],
                                          None if rec.gyro_rads is None else rec.gyro_rads[i:i + chunk]).retracted)
            assert retracted >= 30, chunk
            res = eng.finish()
            pd.testing.assert_frame_equal(res.steps, offline.steps, check_exact=True)
            assert ([w for w in res.warnings if "alternation" in w]
                    == [w for w in offline.warnings if "alternation" in w] != [])


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


@pytest.mark.parametrize("gyro", [True, False])
def test_pushing_through_the_live_path_is_taken_back_as_offline(gyro):
    """The live session (a replay through monitor(), as a sensor streams) shows the pushes as steps while they last
    and drops them when the 'walk' closes: its step count falls to 0 within a few seconds of the pushing's end, and
    it ends with the offline steps and warning. Truth: 60 s of pushing, 10 s sitting still, a 60-s walk."""
    import asyncio

    from imu_gait.devices.live import monitor
    from imu_gait.devices.replay import ReplaySource

    still = Recording(np.arange(0, 10.0, 1 / FS), np.tile([-G * math.sin(math.radians(8)), 0.0,
                                                            G * math.cos(math.radians(8))], (1000, 1)),
                      np.zeros((1000, 3)), meta={"placement": "lower_back"})
    still.acc_mps2 += np.random.default_rng(9).normal(0, 0.02, still.acc_mps2.shape)
    rec = _join(_push(60.0, 0.8, 10.0), still, synthesize_walk(60.0, FS, seed=5)[0])
    if not gyro:
        rec = _acc_only(rec)
    offline = imu_gait.analyze(rec)
    seen = []                                   # (stream time, live step count)

    async def main():
        async with monitor(ReplaySource(rec, speed=0, block_s=0.5)) as live:
            async for _ in live:
                st = live.status()
                seen.append((st["elapsed_s"], st["n_steps"]))
        return live

    live = asyncio.run(asyncio.wait_for(main(), 120))
    at, counts = np.array(seen, float).T
    assert counts[at < 60.0].max() >= 30                         # the pushes were shown while they lasted …
    assert (counts[(at >= 64.0) & (at < 69.0)] == 0).all()       # … and gone within 4 s of their end (3.0 s measured)
    pd.testing.assert_series_equal(live.result.steps["time_s"], offline.steps["time_s"])
    assert (offline.steps["time_s"] < 69.0).sum() == 0 and len(offline.steps) >= 90
    assert ([w for w in live.result.warnings if "alternation" in w]
            == [w for w in offline.warnings if "alternation" in w] != [])


@pytest.mark.parametrize("gyro", [True, False])
def test_a_recording_of_pushing_only_says_so_not_to_check_the_wear(gyro):
    """Truth: 2 min of pushing, nothing else. Before: 'no walking found: … (standing, sitting or fidgeting only? …)'
    and reports asking whether the sensor was worn on the trunk while walking — a wheelchair user told to check
    the wear. Tolerance: the warning and both reports say rhythmic pushing was found and not counted, and do not
    ask about the wear or suggest standing or fidgeting."""
    from imu_gait.report import render_html, render_text

    rec = _push(120.0, 0.8, 10.0)
    res = imu_gait.analyze(rec if gyro else _acc_only(rec))
    assert len(res.steps) == 0
    first = [w for w in res.warnings if w.lower().startswith("no walking found")]
    assert len(first) == 1 and "rhythmic pushing" in first[0] and "not counted" in first[0], first
    assert "fidgeting" not in first[0]
    text, page = " ".join(render_text(res, width=200).split()), render_html(res)
    for out in (text, page):
        assert "Rhythmic pushing (a manual wheelchair) or rocking was found" in out
        assert "worn on the trunk" not in out and "fidgeting" not in out


def test_no_walking_in_a_still_recording_still_asks_about_the_wear():
    """Truth: a minute sitting still, no pushing: the usual 'no walking found' words stay."""
    from imu_gait.report import render_text

    still = Recording(np.arange(0, 60.0, 1 / FS), np.tile([0.0, 0.0, G], (6000, 1))
                      + np.random.default_rng(3).normal(0, 0.02, (6000, 3)), None, meta={"placement": "lower_back"})
    res = imu_gait.analyze(still)
    assert any(w.lower().startswith("no walking found: no run of at least") for w in res.warnings), res.warnings
    assert "worn on the trunk" in " ".join(render_text(res, width=200).split())


def _paving(rec: Recording, hz: float, amp: float, seed: int = 0) -> Recording:
    """``rec`` with a damped 25-Hz jolt (``amp`` m/s² up, 0.3 of it forward, a little sideways) at each paving joint,
    ``hz`` joints a second (±30 ms)."""
    rng = np.random.default_rng(seed)
    acc, gyro, t = rec.acc_mps2.copy(), rec.gyro_rads.copy(), rec.time_s
    k = np.arange(0, 0.08, 1 / FS)
    pulse = np.sin(2 * np.pi * 25 * k) * np.exp(-k / 0.02)
    joints = np.arange(0.3, t[-1], 1 / hz)
    for j in joints + rng.normal(0, 0.03, joints.size):
        i = int(j * FS)
        n = min(k.size, t.size - i)
        a = amp * rng.uniform(0.6, 1.4)
        acc[i:i + n] += np.outer(pulse[:n], [0.3 * a, 0.2 * a * rng.normal(), a])
        gyro[i:i + n, 0] += 0.05 * a * rng.normal() * pulse[:n]
    return Recording(t, acc, gyro, meta=dict(rec.meta))


def test_pushing_over_paving_leaves_no_short_walk():
    """Truth: 2 min of pushing (0.8/s) over paving, a 6-m/s² jolt 1.5 times a second: no step. Before: one 'walk'
    of 14 'steps' (84–96 s) between the jolts, under the 16 steps the check needed (sway 0.38 cm). Tolerance: no
    step and no flag, with the gyroscope and without."""
    rec = _paving(_push(120.0, 0.8, 10.0, seed=2), 1.5, 6.0)
    for r in (rec, _acc_only(rec)):
        res = imu_gait.analyze(r)
        assert len(res.steps) == 0 and res.flags == [], (r.has_gyro, res.steps["time_s"].round(1).tolist())


def test_the_pushing_note_explains_each_stretch_as_it_was_judged_when_the_gyroscope_stops():
    # 120 s of pushing with the gyroscope, the gyroscope given up (drop_gyro), 120 s more without: the first stretch
    # was judged on the gyroscope's bars (drop/twist/sway), the second on sway alone. Before (review A s44 L1) the
    # note explained both as 'median under 0.6 cm … judged without a gyroscope', the first stretch's sway 0.6 cm
    rec = _push(240.0, 0.8, 10.0)
    eng = GaitEngine(rec.sample_rate_hz, has_gyro=True, placement="lower_back")
    n = rec.n_samples // 2
    eng.feed(rec.time_s[:n], rec.acc_mps2[:n], rec.gyro_rads[:n])
    eng.drop_gyro("stopped")
    eng.feed(rec.time_s[n:], rec.acc_mps2[n:])
    res = eng.finish()
    (note,) = [w for w in res.warnings if "without left / right alternation" in w]
    first, second = eng._unalternating
    assert "drop" in first and first["drop"] <= 0.6 and first["sway"] <= 2.0      # measured 0.1°, 0.6 cm
    assert "drop" not in second and second["sway"] <= 0.6                         # measured 0.1 cm
    p = StepParams()
    assert f"with the gyroscope: medians under {p.unalternating_max_drop_deg:.1f}°" in note, note
    assert f"median under {p.unalternating_max_sway_no_gyro_cm:.1f} cm" in note and "judged without a gyroscope" in note
    assert note.index("with the gyroscope") < note.index("judged without a gyroscope")


def test_the_live_plain_view_does_not_call_pushes_taken_back_a_learned_walk():
    """5 s still, 60 s of pushing (taken back when it closes: 0 steps), 30 s still, replayed as fast as it goes with
    no wall-clock status line: the plain view said 'learning your normal walk' at the first pushes and then 'your
    normal walk is learned' when they were taken back — on a recording with no step (review F M1, s44). Learned
    needs the baseline's minutes walked; learning may be said (it was true while the pushes counted)."""
    import asyncio
    import io

    from imu_gait.devices.live import monitor
    from imu_gait.devices.replay import ReplaySource
    from imu_gait.devices.view import PlainView

    def still(s, seed):
        rng = np.random.default_rng(seed)
        n, p = int(s * FS), math.radians(8)
        acc = np.tile([-G * math.sin(p), 0, G * math.cos(p)], (n, 1)) + rng.normal(0, 0.03, (n, 3))
        return Recording(np.arange(n) / FS, acc, rng.normal(0, 0.005, (n, 3)), meta={"placement": "lower_back"})

    rec = _join(still(5, 1), _push(60.0, 0.8, 10.0), still(30, 2))
    out = io.StringIO()
    view = PlainView(file=out, every_s=1e9)

    async def run():
        async with monitor(ReplaySource(rec, speed=0, block_s=0.05)) as live:
            view.start(live)
            async for upd in live:
                view.update(live, upd)
            view.stop(live, "stream ended")
            return live.finish()

    result = asyncio.run(run())
    notes = [line for line in out.getvalue().splitlines() if "  NOTE " in line]
    assert len(result.steps) == 0
    assert any("learning your normal walk" in n for n in notes), notes      # the pushes counted while they went on
    assert not any("is learned" in n for n in notes), notes
