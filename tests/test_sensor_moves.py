"""A sensor tilted on the body between two walks (re-clipped, a phone used in the hand and put back) is
calibrated afresh on the walk after it (field audit s35 F1).

Before: forward and the posture reference were calibrated once, on the first long walk, and later walks
were only checked for a turn about the vertical. A 60° re-clip read 60° of forward lean (a 'marked'
forward-lean flag), with no lean against standing (the standing before the walk was refused: 'another
position'); a 90° one was called a turn 'about the vertical' and read braking 0.02 m/s and sway 1.4 cm
(truth 0.15, 3); a sensor rolled 90° read pelvic drop ~1.6° (truth 4).

Truth: synthetic walks (imu_gait.synthetic) joined with a pause, the second with another mounting; the
body's motion is the same in both, so every metric of the second walk has the first's truth. Tolerances
are the engine's synthetic ones (test_engine_synthetic.TOL), lean against standing 1.5° (the engine reads
0.7° on a single upright walk: its standing and walking 'up' differ by the walk's filter lag).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import imu_gait
from imu_gait.recording import Recording
from imu_gait.synthetic import mount_matrix, synthesize_walk

TOL = {"braking_mps": 0.03, "lateral_sway_cm": 0.5, "pelvic_drop_deg": 1.0, "trunk_twist_deg": 2.0}
LEAN_VS_STANDING_TOL_DEG = 1.5


def _joined(*walks):
    """Recordings joined end to end on one time axis (each starts and ends standing), with their truths'
    contacts on that axis and each walk's first contact."""
    ts, accs, gys, ics, starts = [], [], [], [], []
    off = 0.0
    for rec, truth in walks:
        ts.append(rec.time_s + off)
        accs.append(rec.acc_mps2)
        gys.append(rec.gyro_rads)
        ics.append(truth.ic_times_s + off)
        starts.append(float(truth.ic_times_s[0] + off))
        off = ts[-1][-1] + 0.01
    return Recording(np.concatenate(ts), np.vstack(accs), np.vstack(gys)), np.concatenate(ics), starts


def _two_walks(mount_b, duration_s: float = 90.0, **walk_b):
    a = synthesize_walk(duration_s, seed=1, stand_s=5, stand_end_s=5)
    b = synthesize_walk(duration_s, seed=2, stand_s=5, stand_end_s=5, mount_euler_deg=mount_b, **walk_b)
    return _joined(a, b)


def _tilt_deg(mount_b) -> float:
    """How far gravity moved in the sensor's axes between the upright first mounting and ``mount_b``."""
    up_b = mount_matrix(mount_b).T @ np.array([0.0, 0.0, 1.0])       # body 'up' in the second sensor's axes
    return float(np.degrees(np.arccos(np.clip(up_b[2], -1.0, 1.0))))


@pytest.mark.parametrize("mount_b", [(0.0, 60.0, 0.0), (0.0, 90.0, 0.0), (20.0, -70.0, 15.0), (0.0, 0.0, 90.0)])
def test_a_sensor_tilted_between_two_walks_is_calibrated_afresh(mount_b):
    """Steps exact; the second walk's braking, sway, pelvic drop and twist within the synthetic tolerances of
    the truth (the first walk's values: same body motion), its lean against the standing before it within
    1.5° of upright, no forward-lean flag; the move said where the second walk starts, with its tilt."""
    rec, ics, (_, start_b) = _two_walks(mount_b)
    res = imu_gait.analyze(rec)
    assert len(res.steps) == len(ics)
    np.testing.assert_allclose(res.steps["time_s"], ics, atol=0.04)
    (move,) = res.summary["sensor_moves"]
    assert abs(move["time_s"] - start_b) <= 1.0
    assert abs(move["tilt_deg"] - _tilt_deg(mount_b)) <= 5.0
    assert any("re-clipped" in h for h in res.summary["sensor_hints"])
    first, second = (res.steps[res.steps["time_s"] < start_b - 1], res.steps[res.steps["time_s"] >= start_b - 1])
    for metric, tol in TOL.items():
        truth = first[metric].median()                  # the first walk is right (checked by test_engine_synthetic)
        assert abs(second[metric].median() - truth) <= tol, (metric, second[metric].median(), truth)
    lvs = second["lean_vs_standing_deg"]
    assert lvs.notna().mean() >= 0.95
    assert abs(lvs.median()) <= LEAN_VS_STANDING_TOL_DEG
    assert "forward_lean" not in {f.id for f in res.flags}


def test_a_real_posture_change_still_shows_against_the_new_positions_standing():
    """Re-clipped 45° and the walker now walks 8° further forward than they stand (posture_lean_deg): the lean
    against the standing before that walk reads 8° (± 1.5°) — calibrating afresh does not wipe out posture."""
    rec, _, (_, start_b) = _two_walks((0.0, 45.0, 0.0), posture_lean_deg=8.0)
    res = imu_gait.analyze(rec)
    assert len(res.summary["sensor_moves"]) == 1
    second = res.steps[res.steps["time_s"] >= start_b + 10]      # the lean eases in over the first steps
    assert abs(second["lean_vs_standing_deg"].median() - 8.0) <= LEAN_VS_STANDING_TOL_DEG


def test_a_short_walk_after_a_reclip_has_a_position_of_its_own():
    """Re-clipped 60°, then a walk of 8 steps (too short to calibrate on), then a long one: the short walk is
    measured in the new position (its lean against the standing before it within 1.5° of upright; against
    the first position's standing it read 60°), and the long walk confirms the same move (one, not two)."""
    a = synthesize_walk(90, seed=1, stand_s=5, stand_end_s=5)
    b = synthesize_walk(15, seed=2, stand_s=5, stand_end_s=5, mount_euler_deg=(0.0, 60.0, 0.0))
    c = synthesize_walk(60, seed=3, stand_s=5, stand_end_s=5, mount_euler_deg=(0.0, 60.0, 0.0))
    assert len(b[1].ic_times_s) < 16
    rec, ics, (_, start_b, start_c) = _joined(a, b, c)
    res = imu_gait.analyze(rec)
    assert len(res.steps) == len(ics)
    (move,) = res.summary["sensor_moves"]
    assert abs(move["time_s"] - start_b) <= 1.0 and abs(move["tilt_deg"] - 60.0) <= 5.0
    short = res.steps[(res.steps["time_s"] >= start_b - 1) & (res.steps["time_s"] < start_c - 1)]
    assert abs(short["lean_vs_standing_deg"].median()) <= LEAN_VS_STANDING_TOL_DEG


def test_a_reclipped_recording_streamed_in_chunks_gives_the_same_steps(fed_in_random_chunks):
    """The second walk's steps wait for its calibration point before they are measured: that must not depend
    on where a live stream's chunks end (every row equal to analyze's)."""
    rec, _, _ = _two_walks((0.0, 60.0, 0.0), duration_s=60.0)
    whole, chunked = imu_gait.analyze(rec), fed_in_random_chunks(rec)
    a, b = whole.steps, chunked.steps
    assert len(b) == len(a)
    num = [c for c in a.columns if a[c].dtype.kind == "f"]
    np.testing.assert_allclose(b[num].to_numpy(float), a[num].to_numpy(float), rtol=1e-6, atol=1e-9)
    (m_chunked,), (m_whole,) = chunked.summary["sensor_moves"], whole.summary["sensor_moves"]
    assert m_chunked == pytest.approx(m_whole, rel=1e-9)


def test_a_bend_just_before_setting_off_is_not_a_move(monkeypatch):
    """Same mounting, but the trunk bends 80° forward and back as the second walk sets off (picking something up
    from the floor): 'up' before its first contact lies outside the first walk's position, so its steps are
    held — and then measured with the first walk's calibration, as without the hold: no move, every row the
    same as the engine gives with the suspicion switched off."""
    a = synthesize_walk(90, seed=1, stand_s=5, stand_end_s=5)
    b_rec, b_truth = synthesize_walk(90, seed=2, stand_s=5, stand_end_s=5)
    t = b_rec.time_s
    # bend: pitch forward 80° over 4.6–5.2 s, back over 5.2–5.65 s (smooth), around the first contact the engine
    # finds (5.54 s: the true first one, at 5.0 s, eases in); the gyro gets its rate
    s1, s2 = np.clip((t - 4.6) / 0.6, 0, 1), np.clip((t - 5.2) / 0.45, 0, 1)
    th = np.radians(80.0) * ((3 * s1 ** 2 - 2 * s1 ** 3) - (3 * s2 ** 2 - 2 * s2 ** 3))
    dth = np.radians(80.0) * (6 * s1 * (1 - s1) / 0.6 - 6 * s2 * (1 - s2) / 0.45)
    c, s = np.cos(th), np.sin(th)

    def bent(v):
        out = v.copy()
        out[:, 0], out[:, 2] = c * v[:, 0] - s * v[:, 2], s * v[:, 0] + c * v[:, 2]
        return out

    gyro = bent(b_rec.gyro_rads)
    gyro[:, 1] += dth
    rec, _, _ = _joined(a, (Recording(t, bent(b_rec.acc_mps2), gyro), b_truth))
    held = []
    suspect = imu_gait.GaitEngine._suspect_move

    def watched(self, bout, pos):
        suspect(self, bout, pos)
        held.append(self._move_pending is not None)

    monkeypatch.setattr(imu_gait.GaitEngine, "_suspect_move", watched)
    res = imu_gait.analyze(rec)
    assert held == [False, True]                      # the bend was seen: the second walk's steps were held
    assert res.summary["sensor_moves"] == []
    monkeypatch.setattr(imu_gait.GaitEngine, "_suspect_move", lambda self, bout, pos: None)
    unheld = imu_gait.analyze(rec)
    a_rows, b_rows = unheld.steps, res.steps
    assert len(a_rows) == len(b_rows)
    num = [c for c in a_rows.columns if a_rows[c].dtype.kind == "f"]
    np.testing.assert_allclose(b_rows[num].to_numpy(float), a_rows[num].to_numpy(float), rtol=1e-9, atol=1e-9)


def test_walks_in_one_position_note_no_move():
    """Two walks, same mounting (and the bundled real recordings: none): no move, nothing calibrated afresh."""
    rec, _, _ = _two_walks((0.0, 0.0, 0.0), duration_s=60.0)
    res = imu_gait.analyze(rec)
    assert res.summary["sensor_moves"] == []
    assert pd.Series(res.steps["forward_lean_deg"]).abs().median() < 1.0


# ---------------------------------------------------------------- a smaller re-clip (10–30°): a lean jump (audit s35 F2)
def test_a_small_reclip_the_standing_moved_with_raises_no_lean_flag(two_walks):
    """Re-clipped 20° further forward during a pause (too little to calibrate afresh: a lean jump), standing still
    before each walk. The walker stands and walks upright in both (lean against standing ~0.7°), so the jump was
    the sensor: no forward-lean flag (before: 'marked', from the jump to the end, against the first position's
    baseline), and the notes say why. The steps table keeps the lean as measured."""
    rec, _, shift = two_walks((0.0, 20.0, 0.0))
    res = imu_gait.analyze(rec)
    (jump,) = res.summary["lean_jumps"]
    assert jump["change_deg"] == pytest.approx(20.0, abs=1.0)
    assert "forward_lean" not in {f.id for f in res.flags}
    assert any("moved with it" in n for n in res.summary["flag_notes"])
    second = res.steps[res.steps["time_s"] > shift + 10]
    assert second["forward_lean_deg"].median() == pytest.approx(20.0, abs=1.5)
    assert abs(second["lean_vs_standing_deg"].median()) <= LEAN_VS_STANDING_TOL_DEG


def test_a_walker_who_hunches_after_a_rest_is_still_flagged():
    """The same sensor position, but after the pause the walker walks 12° further forward than they stand
    (posture_lean_deg; they stand upright): a lean jump the standing did not move with — the walker, not the
    sensor. The forward-lean flag stays (lean against standing reads the 12°)."""
    a = synthesize_walk(300, seed=1, stand_s=5, stand_end_s=5)
    b = synthesize_walk(300, seed=2, stand_s=5, stand_end_s=5, posture_lean_deg=12.0)
    rec, _, (_, start_b) = _joined(a, b)
    res = imu_gait.analyze(rec)
    assert len(res.summary["lean_jumps"]) == 1
    lean = [f for f in res.flags if f.id == "forward_lean"]
    assert lean and lean[0].start_s >= start_b - 5
    second = res.steps[res.steps["time_s"] > start_b + 10]
    assert abs(second["lean_vs_standing_deg"].median() - 12.0) <= LEAN_VS_STANDING_TOL_DEG


def test_a_stretch_taken_back_as_no_trunks_gait_moves_nothing():
    """A walk, then 53 'steps' in a 60° tilted position with 46 cm of sway and 16 cm of bounce (no trunk's gait:
    a sensor swung in the hand), then a walk in the first position. The middle stretch is taken back, and the
    move it brought with it too: no move noted, and the last walk is measured with the first walk's
    calibration (before: a move to the swung position and one back, the last walk calibrated afresh)."""
    a = synthesize_walk(90, seed=1, stand_s=5, stand_end_s=5)
    b = synthesize_walk(40, seed=2, stand_s=5, stand_end_s=5, mount_euler_deg=(0.0, 60.0, 0.0), sway_cm=45.0,
                        bounce_cm=16.0)
    c = synthesize_walk(90, seed=3, stand_s=5, stand_end_s=5)
    rec, _, (_, start_b, start_c) = _joined(a, b, c)
    res = imu_gait.analyze(rec)
    assert not ((res.steps["time_s"] > start_b - 1) & (res.steps["time_s"] < start_c - 1)).any()
    assert res.summary["sensor_moves"] == []
    last = res.steps[res.steps["time_s"] > start_c + 10]
    assert abs(last["lean_vs_standing_deg"].median()) <= LEAN_VS_STANDING_TOL_DEG
    assert abs(last["lateral_sway_cm"].median() - 3.0) <= TOL["lateral_sway_cm"]


def _sagging(rec: Recording, pitch_deg: float, t0_s: float, t1_s: float) -> Recording:
    """``rec`` (sensor upright: sensor axes = body axes) with the sensor pitching ``pitch_deg`` forward on the body
    (+ = its top tips forward, as a clip on a loose waistband sags) at an even rate between ``t0_s`` and ``t1_s``,
    and staying so: the readings rotate about the body's left axis, and the gyro gains the sensor's own turning."""
    th = np.radians(pitch_deg) * np.clip((rec.time_s - t0_s) / (t1_s - t0_s), 0.0, 1.0)
    dth = np.where((rec.time_s > t0_s) & (rec.time_s < t1_s), np.radians(pitch_deg) / (t1_s - t0_s), 0.0)
    c, s = np.cos(th), np.sin(th)

    def in_sensor_axes(v: np.ndarray) -> np.ndarray:
        out = v.copy()
        out[:, 0], out[:, 2] = c * v[:, 0] - s * v[:, 2], s * v[:, 0] + c * v[:, 2]
        return out

    gyro = in_sensor_axes(rec.gyro_rads)
    gyro[:, 1] += dth
    return Recording(rec.time_s, in_sensor_axes(rec.acc_mps2), gyro)


SAG_CAUSE = "the sensor tilted on the body while you walked"


@pytest.mark.parametrize("pitch_deg, t0_s, t1_s", [(30.0, 100.0, 160.0), (-30.0, 100.0, 160.0),
                                                   (40.0, 150.0, 152.0)])
def test_a_sensor_that_sags_30_to_40_degrees_during_a_walk_is_named_in_the_notes_and_its_lean_flag(
        pitch_deg, t0_s, t1_s, fed_in_random_chunks):
    """A clip that sags (over a minute) or slips (in 2 s) 30–40° on the body during a 5-min walk, the walker then
    standing still in it. Before (placement audit s41): no note at all — the standing after the walk was refused,
    its walk's end lying ≥ 30° from the posture the walk was measured about — and the lean flag ('strong hunch,
    29.9°' / '39.9°'; sagging back: a 'moderate hunch' over the walk's first 2 minutes against a baseline the
    backward sag had pulled to −8.8°) said 'stand tall'. Truth: the body is upright throughout (synthetic, lean 0),
    the sensor moved pitch_deg. Now one note naming the sensor and pitch_deg within 2°, and every lean flag over
    the walk says the sensor may have tilted; the same fed in random chunks."""
    rec, _ = synthesize_walk(300.0, seed=5, stand_s=5, stand_end_s=5)
    res = imu_gait.analyze(_sagging(rec, pitch_deg, t0_s, t1_s))
    hints = [h for h in res.summary["sensor_hints"] if "sensor tilted on the body" in h]
    assert len(hints) == 1, res.summary["sensor_hints"]
    deg = float(re.search(r"is (\d+)° further (forward|back)", hints[0]).group(1))
    assert abs(deg - abs(pitch_deg)) <= 2.0, hints
    assert ("forward" if pitch_deg > 0 else "back") in hints[0]
    lean_flags = [f for f in res.flags if f.metric in ("forward_lean_deg", "lean_vs_standing_deg")]
    assert lean_flags, "the tilt reads as a lean change: the flag stays, with words about the sensor"
    assert all(SAG_CAUSE in f.cause and "fix it firmly in place" in f.advice for f in lean_flags)
    chunked = fed_in_random_chunks(_sagging(rec, pitch_deg, t0_s, t1_s), seed=3)
    assert chunked.summary["sensor_hints"] == res.summary["sensor_hints"]
    assert [f.cause for f in chunked.flags] == [f.cause for f in res.flags]


def test_a_walker_who_hunches_with_the_sensor_in_place_gets_no_sensor_words_on_the_flag():
    """The same 5-min walk whose trunk hunches 12° while the standings before and after stay upright: the walker,
    not the sensor — the lean flag carries no sentence about a tilted sensor, and no note names one."""
    rec, _ = synthesize_walk(300.0, seed=5, stand_s=5, stand_end_s=5,
                             segments=[(100.0, {"posture_lean_deg": 12.0})], ramp_s=60.0)
    res = imu_gait.analyze(rec)
    lean_flags = [f for f in res.flags if f.id == "forward_lean"]
    assert lean_flags and all(SAG_CAUSE not in f.cause for f in lean_flags)
    assert not [h for h in res.summary["sensor_hints"] if "sensor tilted on the body" in h]


def _turned_on_the_belt(rec: Recording, yaw_deg: float, t0_s: float, t1_s: float) -> Recording:
    """``rec`` (sensor upright) with the sensor turning ``yaw_deg`` about the vertical on the body between ``t0_s``
    and ``t1_s`` (a clip sliding round a loose belt), and staying so; the gyro gains the sensor's own turning."""
    th = np.radians(yaw_deg) * np.clip((rec.time_s - t0_s) / (t1_s - t0_s), 0.0, 1.0)
    dth = np.where((rec.time_s > t0_s) & (rec.time_s < t1_s), np.radians(yaw_deg) / (t1_s - t0_s), 0.0)
    c, s = np.cos(th), np.sin(th)

    def in_sensor_axes(v: np.ndarray) -> np.ndarray:
        out = v.copy()
        out[:, 0], out[:, 1] = c * v[:, 0] + s * v[:, 1], -s * v[:, 0] + c * v[:, 1]
        return out

    gyro = in_sensor_axes(rec.gyro_rads)
    gyro[:, 2] += dth
    return Recording(rec.time_s, in_sensor_axes(rec.acc_mps2), gyro)


@pytest.mark.parametrize("yaw_deg", [90.0, -90.0])
def test_a_sensor_slid_round_the_belt_mid_walk_is_measured_on_its_new_axes_within_a_few_strides_of_the_check(
        yaw_deg, fed_in_random_chunks):
    """A clip slides 90° round the belt in 2 s at 150 s of a 5-min walk (the body's motion unchanged). Before
    (placement audit s41): the in-walk check that found the turn (at ~171 s: checks run every 100 steps) waited
    another 100 steps for a second one to agree, and 147 steps after the slide — to 232 s — read braking ~0.01 m/s
    (truth 0.15), sway 1.4 cm (3.0) and pelvic drop 2.0° (4.0). Now the confirming check comes 12 steps after the
    first: ≤ 70 such steps (measured 59), none after 195 s (measured 184 s). Truth: the synthetic walk's own
    braking, sway and pelvic drop (tolerances TOL); the turn named once, within 5°; the same fed in chunks."""
    rec, _ = synthesize_walk(300.0, seed=5, stand_s=5, stand_end_s=5)
    res = imu_gait.analyze(_turned_on_the_belt(rec, yaw_deg, 150.0, 152.0))
    turns = res.summary["sensor_turns"]
    assert len(turns) == 1 and abs(abs(turns[0]["turn_deg"]) - 90.0) < 5.0, turns
    st = res.steps
    t = st["time_s"].to_numpy()
    off = ((np.abs(st["braking_mps"] - 0.15) > TOL["braking_mps"])
           | (np.abs(st["lateral_sway_cm"] - 3.0) > TOL["lateral_sway_cm"])
           | (np.abs(st["pelvic_drop_deg"] - 4.0) > TOL["pelvic_drop_deg"])).to_numpy()
    after = (t > 152.0) & (t < 290.0)          # (the walk's last steps slow down into the standing)
    assert off[after].sum() <= 70, off[after].sum()
    assert t[off & after].max() < 195.0
    assert not off[(t > 20.0) & (t < 148.0)].any()      # before the slide: no step off
    chunked = fed_in_random_chunks(_turned_on_the_belt(rec, yaw_deg, 150.0, 152.0), seed=2)
    pd.testing.assert_frame_equal(chunked.steps, res.steps)


@pytest.mark.parametrize("pitch_deg, t0_s, t1_s", [(-20.0, 100.0, 160.0), (-30.0, 150.0, 152.0)])
def test_a_clip_that_tips_back_during_a_walk_does_not_take_the_walks_end_for_sitting_down(pitch_deg, t0_s, t1_s,
                                                                                          fed_in_random_chunks):
    """A clip tipping 20–30° back on the belt during a 5-min walk, the walker then standing still in it. Before
    (placement audit s41): the standing after read 20–30° reclined behind the walk's first steps — as a seat
    does — and the walk's last 20 s, 37 of its 530 steps, were taken back as 'sitting down', with nothing said.
    Now the stop is judged against the posture the walk ended in. Truth: the synthetic walk's contacts — every one
    found within 0.1 s, none extra; the same fed in random chunks."""
    rec, truth = synthesize_walk(300.0, seed=5, stand_s=5, stand_end_s=5)
    tipped = _sagging(rec, pitch_deg, t0_s, t1_s)
    res = imu_gait.analyze(tipped)
    t = res.steps["time_s"].to_numpy()
    assert len(t) == truth.ic_times_s.size
    assert np.abs(truth.ic_times_s[:, None] - t[None, :]).min(axis=1).max() < 0.1
    chunked = fed_in_random_chunks(tipped, seed=4)
    np.testing.assert_array_equal(chunked.steps["time_s"].to_numpy(), t)
