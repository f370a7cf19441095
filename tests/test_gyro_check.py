"""A gyroscope on other axes than the accelerometer is noticed and left out, not analysed silently.

Truth: the real recordings' own gyro mapping (mobgap HA/001, HA/002 daily activities: McRoberts
MM+ at L5, x vertical) and the synthetic generator's, at several mountings; a wrong mapping is made by
permuting / negating the gyro columns. Limits (imu_gait.dsp.gyro_check, benchmarks/gyro_check.py): a
correct mapping measured ≤ 0.23 on real walks with turns, ≤ 0.21 on real bends, ≤ 0.35 by the walking
rhythm; the limit is 0.6; a correct mapping is held here to ≤ 0.3 (half the limit) where the truth is
exact (synthetic) or the evidence is turns and bends.
"""
from __future__ import annotations

import dataclasses
import itertools
import json
from pathlib import Path

import numpy as np
import pytest

import imu_gait
from imu_gait.dsp.gyro_check import MISMATCH_LIMIT, gyro_axis_mismatch
from imu_gait.engine import GYRO_LEFT_OUT_NOTE_START, walking_spans_s
from imu_gait.evaluation import ic_scores
from imu_gait.synthetic import synthesize_walk

DATA = Path(__file__).resolve().parent.parent / "datasets"
SIGNS = list(itertools.product([1, -1], repeat=3))
CORRECT_MAX = 0.3          # half the limit: a correct mapping stays well clear of it


@pytest.fixture(scope="module")
def daily():
    out = {}
    for stem in ("mobgap_HA001_daily", "mobgap_HA002_daily"):
        rec = imu_gait.read(DATA / f"{stem}.csv")
        out[stem] = (rec, imu_gait.analyze(rec))
    return out


@pytest.mark.parametrize("stem", ["mobgap_HA001_daily", "mobgap_HA002_daily"])
def test_the_recordings_own_gyro_matches(daily, stem):
    rec, res = daily[stem]
    assert res.summary["has_gyro"] is True
    assert res.summary["gyro_axis_mismatch"] <= CORRECT_MAX
    assert not any("axes do not match" in w for w in res.warnings)


@pytest.mark.parametrize("stem", ["mobgap_HA001_daily", "mobgap_HA002_daily"])
def test_every_mapping_that_moves_the_vertical_rate_is_caught(daily, stem):
    """All 32 signed permutations that put the gyro's vertical (x) rate on a horizontal axis: measured
    on the walking stretches of the correct analysis, each is over the limit."""
    rec, res = daily[stem]
    spans = walking_spans_s(res.steps)
    caught = []
    for perm in itertools.permutations(range(3)):
        if perm[0] == 0:
            continue
        for sign in SIGNS:
            chk = gyro_axis_mismatch(rec.time_s, rec.acc_mps2, rec.gyro_rads[:, list(perm)] * sign,
                                     rec.sample_rate_hz, spans)
            caught.append(chk.wrong)
    assert len(caught) == 32 and all(caught)


def test_a_swapped_gyro_is_left_out_with_a_note(daily):
    """HA/001 daily with gyro x and z swapped: analysed with it, 74 of INDIP's contacts' 97 steps were
    found and lean read −12°; now the gyro is dropped with a note naming the columns, and the result is
    the accelerometer-only analysis (step F1 against INDIP within its bouts ≥ the swapped analysis's)."""
    rec, good = daily["mobgap_HA001_daily"]
    swapped = dataclasses.replace(rec, gyro_rads=rec.gyro_rads[:, [2, 1, 0]])
    res = imu_gait.analyze(swapped)
    note = next(w for w in res.warnings if "axes do not match" in w)
    assert "--gyro-cols" in note and "without the gyroscope" in note
    assert res.summary["has_gyro"] is False and res.summary["gyro_axis_mismatch"] > MISMATCH_LIMIT
    assert np.isnan(res.summary["trunk_twist_deg"])
    acc_only = imu_gait.analyze(dataclasses.replace(rec, gyro_rads=None))
    assert np.array_equal(res.steps["time_s"].to_numpy(), acc_only.steps["time_s"].to_numpy())
    ref = json.loads((DATA / "mobgap_HA001_daily.ref.json").read_text())
    bouts = np.array([[b["start_s"], b["end_s"]] for b in ref["bouts"]])
    f1 = ic_scores(res.steps["time_s"].to_numpy(), np.asarray(ref["ic_times_s"]), tol_s=0.25, windows=bouts)["f1"]
    assert f1 >= 0.85
    # the note reaches the JSON like every reader note, and the reports say the gyro was left out
    # (not "no gyroscope": the file has one)
    assert any("axes do not match" in w for w in res.to_dict()["warnings"])
    from imu_gait.report.html import render_html
    from imu_gait.report.text import render_text
    text = " ".join(render_text(res, width=200).split())
    assert "Gyroscope left out: its axes do not match the accelerometer's" in text
    assert "left out: its axes do not match the accelerometer&#x27;s" in render_html(res)
    assert "Gyroscope yes" in " ".join(render_text(good, width=200).split())


TURNS = [(t0, {"turn_deg_per_s": 90.0 if i % 2 == 0 else 0.0}) for i, t0 in enumerate(range(20, 110, 10))]


@pytest.mark.parametrize("mount", [(0, 0, 0), (40, -70, 120)])
def test_synthetic_turning_walks_at_any_mounting(mount):
    """A walk with four 90-°/s turns: the true mapping kept (≤ 0.3), x ↔ z swapped dropped — at a
    level mounting (z vertical) and a tilted, rolled one."""
    rec, _ = synthesize_walk(120, seed=4, segments=TURNS, ramp_s=1.0, mount_euler_deg=mount)
    res = imu_gait.analyze(rec)
    assert res.summary["has_gyro"] and res.summary["gyro_axis_mismatch"] <= CORRECT_MAX
    bad = imu_gait.analyze(dataclasses.replace(rec, gyro_rads=rec.gyro_rads[:, [2, 1, 0]]))
    assert bad.summary["has_gyro"] is False and bad.summary["gyro_axis_mismatch"] > MISMATCH_LIMIT
    assert abs(bad.summary["n_steps"] - res.summary["n_steps"]) <= 2


def test_a_walk_without_turns_keeps_its_blind_spot():
    """A straight walk gives no turn: the vertical rate moved to the forward axis (x ↔ z at a level
    mounting) is not seen — the rhythm of walking judges only the side-to-side axis, which is right here
    (mismatch ~0) — and the gyro is used as given: the check's stated blind spot, not a guess."""
    rec, _ = synthesize_walk(60, seed=5)
    res = imu_gait.analyze(dataclasses.replace(rec, gyro_rads=rec.gyro_rads[:, [2, 1, 0]]))
    assert res.summary["gyro_axis_mismatch"] <= CORRECT_MAX and res.summary["has_gyro"] is True
    assert not any("axes do not match" in w for w in res.warnings)


@pytest.mark.parametrize("mount", [(0, 0, 0), (90, 0, 0), (0, 25, 10)])
def test_swapped_horizontal_axes_are_caught_by_the_walking_rhythm(mount):
    """A straight walk without a turn or a bend: before, nothing judged the mapping (NaN) and a gyro with
    its two horizontal axes swapped was used silently. The trunk pitches once per step and rolls once per
    stride (synthetic truth: nod_deg per step, drop_deg per stride), so the swapped gyro 'pitches' about
    the forward axis: ~90° from the accelerometer's side-to-side axis (mismatch ~1) — dropped with a note
    saying so; the true mapping stays (≤ 0.3). Level mountings (z up, two headings) and a tilted one."""
    rec, _ = synthesize_walk(60, seed=5, mount_euler_deg=mount)
    res = imu_gait.analyze(rec)
    assert res.summary["has_gyro"] is True and res.summary["gyro_axis_mismatch"] <= CORRECT_MAX
    bad = imu_gait.analyze(dataclasses.replace(rec, gyro_rads=rec.gyro_rads[:, [1, 0, 2]]))
    assert bad.summary["has_gyro"] is False and bad.summary["gyro_axis_mismatch"] > MISMATCH_LIMIT
    note = next(w for w in bad.warnings if "axes do not match" in w)
    assert "of walking" in note and "side-to-side" in note and "swapped" in note and "--gyro-cols" in note


def test_the_rhythm_is_not_judged_off_the_trunk():
    """A pocket's rotations follow the thigh, not the trunk's step rhythm: with placement 'pocket' the
    same swapped gyro is not judged by it (no turns or bends either: NaN), as the engine was told."""
    rec, _ = synthesize_walk(60, seed=5)
    res = imu_gait.analyze(dataclasses.replace(rec, gyro_rads=rec.gyro_rads[:, [1, 0, 2]]), placement="pocket")
    assert np.isnan(res.summary["gyro_axis_mismatch"])


@pytest.mark.parametrize("mount", [(0, 0, 0), (0, 25, 10), (40, -70, 120)])
def test_a_reversed_axis_is_caught_by_a_bend(mount):
    """A straight walk, then standing and bending forward by 40° and back (synthetic lean_deg: a pure
    rotation about the side-to-side axis). Before, no turn meant no verdict and a gyro with y reversed
    was used. Now the bend is judged: the accelerometer's gravity tilts the other way from the one the
    reversed gyro predicts (mismatch ~2), the gyro is dropped with a note naming the bend; the true
    mapping's tilt matches (≤ 0.3)."""
    rec, _ = synthesize_walk(75, seed=6, stand_end_s=18.0, ramp_s=1.5, mount_euler_deg=mount,
                             segments=[(62.0, {"lean_deg": 40.0}), (68.0, {"lean_deg": 0.0})])
    res = imu_gait.analyze(rec)
    assert res.summary["has_gyro"] is True and res.summary["gyro_axis_mismatch"] <= CORRECT_MAX
    bad = imu_gait.analyze(dataclasses.replace(rec, gyro_rads=rec.gyro_rads * np.array([1, -1, 1])))
    assert bad.summary["has_gyro"] is False and bad.summary["gyro_axis_mismatch"] > 1.5
    note = next(w for w in bad.warnings if "axes do not match" in w)
    assert "bending, sitting down or standing up" in note and "reversed" in note


@pytest.mark.parametrize("stem", ["mobgap_HA001_daily", "mobgap_HA002_daily"])
def test_real_daily_recordings_catch_a_reversed_or_swapped_horizontal_axis(daily, stem):
    """Mobilise-D daily activities (McRoberts at L5, x vertical; truth: the recording's own mapping).
    Judged on turns only, 9 of the 12 mappings below (x kept; y reversed, alone or with z, or y and z
    swapped) scored 0.35–0.59 — under the limit, used silently (y reversed: 0.35 / 0.38). The
    participants' bends, sit-downs and stand-ups show them: each is over the limit, the own mapping's
    tilting ≤ 0.3."""
    rec, res = daily[stem]
    spans = walking_spans_s(res.steps)
    bouts = res.steps.groupby("bout")["time_s"].agg(["min", "max"]).sort_values("min").to_numpy(float)
    own = gyro_axis_mismatch(rec.time_s, rec.acc_mps2, rec.gyro_rads, rec.sample_rate_hz, spans, bouts)
    assert own.tilt_judged and own.tilt_mismatch <= CORRECT_MAX and not own.wrong
    wrong = []
    for perm in ((0, 1, 2), (0, 2, 1)):
        for sign in SIGNS:
            if sign[0] < 0 or (perm == (0, 1, 2) and sign[1] > 0):
                continue            # x (vertical) kept; y reversed, or y and z swapped
            chk = gyro_axis_mismatch(rec.time_s, rec.acc_mps2, rec.gyro_rads[:, list(perm)] * sign,
                                     rec.sample_rate_hz, spans, bouts)
            wrong.append(chk.tilt_judged and chk.wrong)
    assert len(wrong) == 6 and all(wrong)


def test_a_reversed_axis_in_a_real_recording_is_left_out_with_a_note(daily):
    """HA/001 daily with gyro y reversed: the whole analysis leaves the gyro out, says why (bending …,
    a sign or two axes swapped) and what to do, and finds the accelerometer-only analysis's steps."""
    rec, _ = daily["mobgap_HA001_daily"]
    res = imu_gait.analyze(dataclasses.replace(rec, gyro_rads=rec.gyro_rads * np.array([1, -1, 1])))
    note = next(w for w in res.warnings if "axes do not match" in w)
    assert "bending, sitting down or standing up" in note and "reversed" in note and "--gyro-cols" in note
    assert "negated in the file" in note        # --gyro-cols cannot reverse a column: said, not implied
    assert res.summary["has_gyro"] is False and res.summary["gyro_axis_mismatch"] > MISMATCH_LIMIT
    acc_only = imu_gait.analyze(dataclasses.replace(rec, gyro_rads=None))
    assert np.array_equal(res.steps["time_s"].to_numpy(), acc_only.steps["time_s"].to_numpy())


def test_a_run_with_turns_keeps_its_correct_gyro():
    """Running is not judged: a correct synthetic gyro on runs with ±60-°/s turns scored 0.45–0.61
    (the one-second mean acceleration of running is not gravity alone) and 6 of 36 were dropped. Now
    a run's gyro is kept and not judged; a walk that turns into a run is judged on its walking."""
    for seed in (1, 2, 3):
        rec, _ = synthesize_walk(90, seed=seed, gait="run", cadence_spm=160.0, ramp_s=1.0,
                                 segments=[(20, {"turn_deg_per_s": 60.0}), (30, {"turn_deg_per_s": 0.0}),
                                           (60, {"turn_deg_per_s": -60.0}), (70, {"turn_deg_per_s": 0.0})])
        s = imu_gait.analyze(rec).summary
        assert s["has_gyro"] is True and np.isnan(s["gyro_axis_mismatch"])
    segs = [(20, {"turn_deg_per_s": 90.0}), (30, {"turn_deg_per_s": 0.0}), (40, {"turn_deg_per_s": -90.0}),
            (50, {"turn_deg_per_s": 0.0}), (60, {"run": 1.0, "cadence_spm": 165.0, "turn_deg_per_s": 60.0})]
    rec, _ = synthesize_walk(100, seed=7, segments=segs, ramp_s=1.0)
    s = imu_gait.analyze(rec).summary
    assert s["has_gyro"] is True and s["gyro_axis_mismatch"] <= CORRECT_MAX
    bad = imu_gait.analyze(dataclasses.replace(rec, gyro_rads=rec.gyro_rads[:, [2, 1, 0]])).summary
    assert bad["has_gyro"] is False and bad["gyro_axis_mismatch"] > MISMATCH_LIMIT


def test_a_replay_leaves_a_mismatched_gyro_out_as_analyze_does(daily, tmp_path):
    """`imu-gait live --replay` promises analyze's report: with HA/001's gyro x ↔ z swapped it kept the
    gyro (74 steps, lean −12°) while analyze left it out (95 steps). Now both leave it out, with the same
    note and mismatch, and find the same steps."""
    import asyncio

    from imu_gait.devices.live import monitor
    from imu_gait.devices.replay import ReplaySource

    rec, _ = daily["mobgap_HA001_daily"]
    swapped = dataclasses.replace(rec, gyro_rads=rec.gyro_rads[:, [2, 1, 0]])
    offline = imu_gait.analyze(swapped)

    async def replay():
        async with monitor(ReplaySource(swapped, speed=0, block_s=0.05)) as live:
            async for _ in live:
                pass
        return live.result

    live = asyncio.run(replay())
    assert live.summary["has_gyro"] is False and offline.summary["has_gyro"] is False
    assert live.summary["gyro_axis_mismatch"] == offline.summary["gyro_axis_mismatch"] > MISMATCH_LIMIT
    assert sum("axes do not match" in w for w in live.warnings) == 1
    np.testing.assert_allclose(live.steps["time_s"].to_numpy(), offline.steps["time_s"].to_numpy(), atol=0.011)


def test_gyro_columns_mapped_by_hand_that_nothing_could_check_are_said_to_be_unchecked(tmp_path):
    """A straight synthetic walk (no turns, bends or sitting) through the generic reader with its gyro's y
    and z columns swapped: twist reads 2° for a true 10° and the check has nothing to judge by — the result
    says the mapping was not checked. The same walk with the right columns is judged by its rhythm (no
    note); a native file's mapping is the format's own (no note even when nothing judges it)."""
    from imu_gait.engine import GYRO_UNCHECKED_NOTE
    rec, truth = synthesize_walk(60, seed=1)
    opts = dict(time_col="t", time_unit="s", acc_cols=["ax", "ay", "az"], acc_unit="m/s2",
                gyro_cols=["gx", "gy", "gz"], gyro_unit="rad/s")
    results = {}
    for name, gyro in (("right", rec.gyro_rads), ("swapped", rec.gyro_rads[:, [0, 2, 1]])):
        path = tmp_path / f"{name}.csv"
        np.savetxt(path, np.column_stack([rec.time_s, rec.acc_mps2, gyro]), delimiter=",",
                   header="t,ax,ay,az,gx,gy,gz", comments="")
        results[name] = imu_gait.analyze(imu_gait.read(path, **opts))
    assert results["swapped"].summary["trunk_twist_deg"] < 0.5 * truth.params["twist_deg"]   # the harm
    assert np.isnan(results["swapped"].summary["gyro_axis_mismatch"])
    assert GYRO_UNCHECKED_NOTE in results["swapped"].warnings
    assert results["right"].summary["gyro_axis_mismatch"] <= CORRECT_MAX
    assert GYRO_UNCHECKED_NOTE not in results["right"].warnings
    native = imu_gait.analyze(dataclasses.replace(rec, gyro_rads=rec.gyro_rads[:, [0, 2, 1]]))
    assert GYRO_UNCHECKED_NOTE not in native.warnings


def test_gyro_columns_mapped_by_hand_checked_only_by_the_rhythm_are_said_to_be_checked_in_part(tmp_path):
    """Found by review: a straight walk through the generic reader with its gyro's x (forward) and z (vertical)
    columns swapped passes the rhythm check (the pitch axis is right) — mismatch ≈ 0 — while twist reads 3.9°
    for a true 10°. The rhythm cannot see that swap, so the result says the mapping was checked only in part,
    right or swapped alike; with a turn in the walk (all three axes judged) it does not, nor for a native file."""
    from imu_gait.engine import GYRO_PITCH_ONLY_NOTE, GYRO_UNCHECKED_NOTE
    opts = dict(time_col="t", time_unit="s", acc_cols=["ax", "ay", "az"], acc_unit="m/s2",
                gyro_cols=["gx", "gy", "gz"], gyro_unit="rad/s")

    def generic(rec, gyro, name):
        path = tmp_path / f"{name}.csv"
        np.savetxt(path, np.column_stack([rec.time_s, rec.acc_mps2, gyro]), delimiter=",",
                   header="t,ax,ay,az,gx,gy,gz", comments="")
        return imu_gait.analyze(imu_gait.read(path, **opts))

    rec, truth = synthesize_walk(240, seed=7)
    right, swapped = generic(rec, rec.gyro_rads, "right"), generic(rec, rec.gyro_rads[:, [2, 1, 0]], "swapped")
    assert swapped.summary["trunk_twist_deg"] < 0.5 * truth.params["twist_deg"]       # the harm …
    assert swapped.summary["gyro_axis_mismatch"] <= CORRECT_MAX                       # … that the rhythm misses
    for res in (right, swapped):
        assert GYRO_PITCH_ONLY_NOTE in res.warnings and GYRO_UNCHECKED_NOTE not in res.warnings
    turning, _ = synthesize_walk(240, seed=7, segments=[(100.0, {"turn_deg_per_s": 30.0}),
                                                        (110.0, {"turn_deg_per_s": 0.0})])
    judged = generic(turning, turning.gyro_rads, "turning")
    assert judged.summary["gyro_axis_mismatch"] <= CORRECT_MAX
    assert GYRO_PITCH_ONLY_NOTE not in judged.warnings
    native = imu_gait.analyze(dataclasses.replace(rec, gyro_rads=rec.gyro_rads[:, [2, 1, 0]]))
    assert GYRO_PITCH_ONLY_NOTE not in native.warnings


@pytest.mark.parametrize("offset_deg_s", [4.0, 5.0])
def test_a_gyro_offset_is_not_taken_for_wrong_axes(offset_deg_s):
    """Found by review: an uncalibrated gyro reading 4–5 °/s while still (axes right) made a calm second look
    like a 5° tilt the accelerometer did not see — 'axes do not match', the gyro left out, twist and pelvic
    drop not measured. The offset is read while still and taken out before judging. Truth: the generator's
    walk (standing 8 s first) with a constant offset on all three axes; twist ±2° of the generator's."""
    from imu_gait.synthetic import synthesize_walk

    rec, truth = synthesize_walk(90, gyro_bias_rads=np.radians(offset_deg_s), seed=4)
    res = imu_gait.analyze(rec)
    assert res.summary["gyro_axis_mismatch"] < 0.3
    assert not any(GYRO_LEFT_OUT_NOTE_START in w for w in res.warnings)
    assert res.summary["trunk_twist_deg"] == pytest.approx(truth.steps["trunk_twist_deg"].median(), abs=2.0)
