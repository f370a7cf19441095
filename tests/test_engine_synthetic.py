"""Every metric against synthetic truth, at several sensor mountings, with stated tolerances.

The synthetic generator (imu_gait.synthetic) derives what an IMU measures from explicit
trunk kinematics, so each per-step metric has an exact truth value.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import imu_gait
from imu_gait.evaluation import match_events
from imu_gait.recording import Recording
from imu_gait.synthetic import synthesize_walk

# Tolerances (per-step median absolute error unless stated)
TOL = {
    "cadence_spm": 1.0,              # spm
    "vertical_oscillation_cm": 0.5,  # cm
    "trunk_twist_deg": 2.0,          # deg
    "forward_lean_deg": 2.0,         # deg
    "lateral_sway_cm": 0.5,          # cm
    "pelvic_drop_deg": 1.0,          # deg
    "braking_mps": 0.03,             # m/s
    "heading_change_deg": 2.0,       # deg (a straight walk: ≈ 0)
}
IC_TOL_S = 0.04                      # contact timing, per step

MOUNTS = {
    "upright": (0, 0, 0),
    "rotated_yaw_90": (90, 0, 0),
    "upside_down": (0, 180, 0),
    "sideways_on_chest": (30, 100, -20),
    "arbitrary": (137, 45, 170),
}


def paired(result, truth):
    """Detected steps paired one-to-one with truth steps (±0.25 s)."""
    det = result.steps
    pairs, _, _ = match_events(det["time_s"].to_numpy(), truth.steps["time_s"].to_numpy(), tol_s=0.25)
    pairs = np.asarray(pairs, dtype=int).reshape(-1, 2)
    return det.iloc[pairs[:, 0]].reset_index(drop=True), truth.steps.iloc[pairs[:, 1]].reset_index(drop=True)


@pytest.fixture(scope="module", params=list(MOUNTS), ids=list(MOUNTS))
def walk(request):
    rec, truth = synthesize_walk(150, mount_euler_deg=MOUNTS[request.param], seed=3,
                                 segments=[(80.0, {"lean_deg": 8.0})])
    return imu_gait.analyze(rec), truth


def test_every_step_found_at_any_mounting(walk):
    res, truth = walk
    pairs, fp, fn = match_events(res.steps["time_s"].to_numpy(), truth.ic_times_s, tol_s=0.25)
    assert len(fp) == 0 and len(fn) <= 1          # at most the very last contact of the walk
    det, tru = paired(res, truth)
    err = np.abs(det["time_s"] - tru["time_s"])
    assert np.median(err) < IC_TOL_S
    assert np.percentile(err, 95) < 2 * IC_TOL_S


@pytest.mark.parametrize("metric", list(TOL))
def test_metric_matches_truth_at_any_mounting(walk, metric):
    res, truth = walk
    det, tru = paired(res, truth)
    ok = det[metric].notna() & tru[metric].notna()
    assert ok.sum() > 0.9 * len(det) - 4, f"{metric}: too many missing values"
    err = np.abs(det.loc[ok, metric].to_numpy() - tru.loc[ok, metric].to_numpy())
    assert np.median(err) <= TOL[metric], f"{metric}: median |error| {np.median(err):.3f} > {TOL[metric]}"


@pytest.mark.parametrize("mount", ["upright", "sideways_on_chest", "arbitrary"])
def test_heading_change_through_turns(mount):
    """A U-turn (90°/s for 2 s) and a gentle curve (−20°/s): the heading change per stride within
    ±2° of truth (per step, worst case), and no step lost or invented by turning."""
    rec, truth = synthesize_walk(90, mount_euler_deg=MOUNTS[mount], seed=3, ramp_s=1.0,
                                 segments=[(30, {"turn_deg_per_s": 90}), (32, {"turn_deg_per_s": 0}),
                                           (60, {"turn_deg_per_s": -20})])
    res = imu_gait.analyze(rec)
    pairs, fp, fn = match_events(res.steps["time_s"].to_numpy(), truth.ic_times_s, tol_s=0.25)
    assert len(fp) == 0 and len(fn) <= 1
    det, tru = paired(res, truth)
    ok = np.isfinite(det["heading_change_deg"]) & np.isfinite(tru["heading_change_deg"])
    assert ok.sum() > 0.9 * len(det) and tru["heading_change_deg"].max() > 80
    assert np.abs(det["heading_change_deg"] - tru["heading_change_deg"])[ok].max() < 2.0


def test_turning_steps_are_marked_in_the_steps_table():
    """The steps table says which steps the summary's twist and sway leave out: a stride turning ≥ 15°
    (StrainConfig.turn_heading_deg) and its neighbours in the bout. Truth: the same rule on the true
    heading change (a U-turn at 90°/s for 2 s, a curve at −20°/s: 22° per stride); detected and true
    marks agree on ≥ 95 % of the paired steps, both straight stretches are unmarked, and the U-turn's
    strides are marked. Without a gyroscope there is no heading, so no column."""
    from imu_gait.strain import StrainConfig
    rec, truth = synthesize_walk(90, seed=3, ramp_s=1.0, segments=[(30, {"turn_deg_per_s": 90}), (32, {"turn_deg_per_s": 0}),
                                                                   (60, {"turn_deg_per_s": -20})])
    res = imu_gait.analyze(rec)
    assert res.steps["turning"].dtype == bool
    det, tru = paired(res, truth)
    true_turn = np.abs(tru["heading_change_deg"].to_numpy()) >= StrainConfig().turn_heading_deg
    true_mark = true_turn | np.r_[False, true_turn[:-1]] | np.r_[true_turn[1:], False]
    assert (det["turning"].to_numpy() == true_mark).mean() >= 0.95
    t = det["time_s"].to_numpy()
    assert not det["turning"][(t > 10) & (t < 28)].any() and not det["turning"][(t > 36) & (t < 58)].any()
    assert det["turning"][(t > 31) & (t < 33)].all()
    acc_only = imu_gait.analyze(Recording(rec.time_s, rec.acc_mps2, None))
    assert "turning" not in acc_only.steps


def test_lean_change_is_seen_in_the_right_direction(walk):
    res, truth = walk
    st = res.steps
    before = st.loc[st["time_s"].between(30, 75), "forward_lean_deg"].median()
    after = st.loc[st["time_s"].between(90, 140), "forward_lean_deg"].median()
    assert after - before == pytest.approx(8.0, abs=2.0)


def test_sides_alternate_and_match_truth(walk):
    res, truth = walk
    det, tru = paired(res, truth)
    assert (det["side"] == tru["side"]).mean() > 0.95


def test_summary_cadence_within_one_spm():
    rec, truth = synthesize_walk(120, cadence_spm=104.0, seed=5)
    res = imu_gait.analyze(rec)
    assert res.summary["cadence_spm"] == pytest.approx(truth.steps["cadence_spm"].median(), abs=1.0)
    assert res.summary["n_steps"] == pytest.approx(len(truth.ic_times_s), abs=2)


def test_accelerometer_only_gives_the_accelerometer_metrics():
    rec, truth = synthesize_walk(120, gyro=False, mount_euler_deg=(40, 20, 10), seed=4)
    res = imu_gait.analyze(rec)
    det, tru = paired(res, truth)
    assert len(det) >= len(truth.ic_times_s) - 2
    assert np.nanmedian(np.abs(det["cadence_spm"] - tru["cadence_spm"])) <= 1.0
    assert np.nanmedian(np.abs(det["vertical_oscillation_cm"] - tru["vertical_oscillation_cm"])) <= 0.5
    # without a gyro, trunk roll (4° here) leaks gravity into the sideways acceleration and
    # cannot be told apart from sway: a wider tolerance, stated in the report's warning
    assert np.nanmedian(np.abs(det["lateral_sway_cm"] - tru["lateral_sway_cm"])) <= 1.5
    assert np.nanmedian(np.abs(det["forward_lean_deg"] - tru["forward_lean_deg"])) <= 2.0
    # gyro metrics are not invented
    assert det["trunk_twist_deg"].isna().all() and det["pelvic_drop_deg"].isna().all()
    assert any("gyroscope" in w for w in res.warnings)


def test_running_contact_time_and_gait():
    rec, truth = synthesize_walk(60, gait="run", seed=6, contact_s=0.24)
    res = imu_gait.analyze(rec)
    det, tru = paired(res, truth)
    assert len(det) >= len(truth.ic_times_s) - 2
    assert (det["gait"] == "run").mean() > 0.95
    assert np.nanmedian(np.abs(det["ground_contact_ms"] - 240.0)) <= 20.0      # Patoz 2022: RMSE ≈ 20 ms
    assert np.nanmedian(np.abs(det["cadence_spm"] - tru["cadence_spm"])) <= 1.0
    assert np.nanmedian(np.abs(det["vertical_oscillation_cm"] - tru["vertical_oscillation_cm"])) <= 0.5


def test_step_time_asymmetry():
    rec, truth = synthesize_walk(150, asymmetry=0.08, seed=7, step_jitter=0.005)
    res = imu_gait.analyze(rec)
    # truth: left steps 4 % longer, right 4 % shorter → |L − R| / mean = 8 %
    assert res.summary["step_time_asymmetry_pct"] == pytest.approx(8.0, abs=1.5)


def test_treadmill_belt_speed_gives_exact_step_length():
    rec, truth = synthesize_walk(90, seed=8)
    res = imu_gait.analyze(rec, belt_speed_mps=1.25)
    st = res.steps.dropna(subset=["step_time_s"])
    np.testing.assert_allclose(st["step_length_m"], 1.25 * st["step_time_s"], rtol=1e-9)
    assert res.summary["treadmill"] is True


def test_walking_speed_is_step_length_over_its_own_step_time():
    """Definition (exact): the length of the step from a contact to the next over that step's time; on a
    treadmill the belt speed itself."""
    rec, _ = synthesize_walk(90, seed=8)
    res = imu_gait.analyze(rec, sensor_height_m=0.95)
    st = res.steps
    nxt_time = st["time_s"].shift(-1) - st["time_s"]
    same_bout = st["bout"].shift(-1) == st["bout"]
    inner = st[same_bout]
    np.testing.assert_allclose(inner["walking_speed_mps"], inner["step_length_m"] / nxt_time[same_bout], rtol=1e-9)
    assert res.summary["walking_speed_mps"] == pytest.approx(np.nanmedian(st["walking_speed_mps"]))
    belt = imu_gait.analyze(rec, belt_speed_mps=1.25)
    assert np.all(belt.steps["walking_speed_mps"] == 1.25)


def test_pendulum_step_length_follows_the_model():
    rec, truth = synthesize_walk(90, seed=9, bounce_cm=4.0)
    res = imu_gait.analyze(rec, sensor_height_m=1.0)
    det, tru = paired(res, truth)
    d = tru["vertical_oscillation_cm"] / 100
    model = (4.739 / 4) * 2 * np.sqrt(2 * 1.0 * d - d * d)     # Zijlstra & Hof with the Mobilise-D factor
    assert np.nanmedian(np.abs(det["step_length_m"] - model)) < 0.03


def _pendulum_m(d_m, h_m):
    return (4.739 / 4) * 2 * np.sqrt(2 * h_m * d_m - d_m * d_m)     # Zijlstra & Hof with the Mobilise-D factor


@pytest.mark.parametrize("mount", [(0, 0, 0), (40, 70, -20)])
def test_pendulum_step_length_through_a_turn(mount):
    """A 15-s curve at 60°/s (≈ 33° per step): each step's length is the pendulum's times cos(heading
    change per step), measured from the gyro whatever the mounting; straight steps keep the plain model."""
    rec, truth = synthesize_walk(70, seed=9, bounce_cm=4.0, mount_euler_deg=mount,
                                 segments=[(25, {"turn_deg_per_s": 60}), (40, {"turn_deg_per_s": 0})], ramp_s=2.0)
    res = imu_gait.analyze(rec, sensor_height_m=1.0)
    det, tru = paired(res, truth)
    plain = _pendulum_m(tru["vertical_oscillation_cm"].to_numpy() / 100, 1.0)
    heading = tru["step_heading_change_deg"].to_numpy()
    model = plain * np.cos(np.radians(heading))
    err = det["step_length_m"].to_numpy() - model
    turning = np.abs(heading) > 25
    straight = np.abs(heading) < 1
    assert turning.sum() >= 15 and straight.sum() >= 40
    assert np.nanmedian(np.abs(err[turning])) < 0.03
    assert np.nanmedian(np.abs(err[straight])) < 0.03
    # the correction is larger than the tolerance: the uncorrected model would fail the check above
    assert np.nanmedian(plain[turning] - model[turning]) > 0.08
    # walking speed follows the shorter steps
    ws = res.steps["walking_speed_mps"].to_numpy()
    t = res.steps["time_s"].to_numpy()
    assert np.nanmedian(ws[(t > 30) & (t < 38)]) < 0.9 * np.nanmedian(ws[(t > 50) & (t < 60)])


def test_timestamp_jitter_and_irregular_sampling():
    rec, truth = synthesize_walk(90, fs_hz=200, jitter_s=0.0015, seed=10)
    res = imu_gait.analyze(rec)
    pairs, fp, fn = match_events(res.steps["time_s"].to_numpy(), truth.ic_times_s, tol_s=0.25)
    assert len(fp) == 0 and len(fn) <= 1
    det, tru = paired(res, truth)
    assert np.nanmedian(np.abs(det["cadence_spm"] - tru["cadence_spm"])) <= 1.0


def test_standing_still_counts_no_steps():
    rec, truth = synthesize_walk(60, stand_s=59.0, stand_end_s=0.5, seed=11, noise_mps2=0.08)
    res = imu_gait.analyze(rec)
    assert res.summary["n_steps"] == 0
    assert any("no walking" in w for w in res.warnings)
    # the note also names what else ends here: a very slow walk (found by review: 45 steps/min read as
    # 'standing, sitting or fidgeting only?')
    assert any("no walking" in w and "very slow walk" in w and "43 steps a minute" in w for w in res.warnings)


def test_a_standing_only_recording_is_made_and_counts_no_steps():
    """synthesize_walk's docstring promises standing only when no walk fits (stand_s = duration): it raised
    'zero-size array' on the stand-in contacts past the end (field audit s35). Truth: no contacts, no truth
    steps; the analysis finds none either."""
    rec, truth = synthesize_walk(20, stand_s=20.0, stand_end_s=0.0, seed=5)
    assert rec.n_samples == 2000 and truth.ic_times_s.size == 0 and len(truth.steps) == 0
    assert imu_gait.analyze(rec).summary["n_steps"] == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fidgeting_is_not_walking(seed):
    """Random trunk jolts (20 in a minute, step-like in size, without a rhythm) give no steps.

    Known limitation (measured, not tested): at 40 random jolts a minute, chance runs of
    steady jolts yield 0–8 false steps per minute.
    """
    rng = np.random.default_rng(seed)
    rec, _ = synthesize_walk(60, stand_s=59.0, stand_end_s=0.5, seed=seed, noise_mps2=0.02)
    t = rec.time_s
    jolt = np.zeros_like(t)
    for c in np.sort(rng.uniform(2, 58, 20)):
        jolt += rng.uniform(1.5, 3.5) * np.exp(-0.5 * ((t - c) / 0.05) ** 2)
    rec.acc_mps2[:, 2] += jolt
    res = imu_gait.analyze(rec)
    assert res.summary["n_steps"] == 0


@pytest.mark.parametrize("segments", [
    [(50.0, {"cadence_spm": 120.0})],
    # turns with soft steps: the acceptor's turning rate (a window of the gyro about 'up' per candidate)
    [(30.0, {"turn_deg_per_s": 120.0, "impact_mps2": 0.8}), (33.0, {"turn_deg_per_s": 0.0, "impact_mps2": 4.0}),
     (60.0, {"turn_deg_per_s": -150.0, "impact_mps2": 0.5}), (62.5, {"turn_deg_per_s": 0.0, "impact_mps2": 4.0})],
], ids=["cadence_change", "turns"])
def test_chunked_feeding_equals_whole_recording(fed_in_random_chunks, segments):
    """The engine fed in random small chunks gives the same steps and metrics as analyze()."""
    rec, _ = synthesize_walk(100, seed=13, segments=segments)
    whole = imu_gait.analyze(rec).steps
    chunked = fed_in_random_chunks(rec, seed=0).steps
    assert len(chunked) == len(whole)
    np.testing.assert_allclose(chunked["time_s"], whole["time_s"], atol=1e-9)
    num = [c for c in whole.columns if whole[c].dtype.kind == "f"]
    np.testing.assert_allclose(chunked[num].to_numpy(float), whole[num].to_numpy(float), rtol=1e-6, atol=1e-9)
    assert (chunked["side"] == whole["side"]).all()


@pytest.mark.parametrize("source", ["synthetic_sat_down", "mobgap_HA001_daily"])
def test_chunked_feeding_equals_whole_recording_when_steps_are_retracted(fed_in_random_chunks, sat_down, source):
    """A walk ending seated has its trailing steps taken back ~1.5 s after them, once their rows were
    given (StepParams.seated_*): fed in random small chunks (synthetic) or 1-s chunks (the Mobilise-D
    daily recording, 13 retracted), the engine keeps the same steps, metrics and bouts as analyze()."""
    if source == "synthetic_sat_down":
        rec, truth = sat_down(20.0)
        chunked = fed_in_random_chunks(rec, seed=0)
        n_retracted = truth.ic_times_s.size - len(imu_gait.analyze(rec).steps)
    else:
        rec = imu_gait.read(Path(__file__).resolve().parents[1] / "datasets" / f"{source}.csv")
        chunked = imu_gait.analyze(rec, chunk_s=1.0)
        n_retracted = 13
    whole = imu_gait.analyze(rec)
    assert n_retracted >= 1 and sum(len(c["retracted"]) for c in _posture_checks(rec)) == n_retracted
    a, b = whole.steps, chunked.steps
    assert len(b) == len(a)
    np.testing.assert_allclose(b["time_s"], a["time_s"], atol=1e-9)
    num = [c for c in a.columns if a[c].dtype.kind == "f"]
    np.testing.assert_allclose(b[num].to_numpy(float), a[num].to_numpy(float), rtol=1e-6, atol=1e-9)
    assert (b["side"] == a["side"]).all()
    pd.testing.assert_frame_equal(chunked.bouts, whole.bouts, check_exact=False, rtol=1e-6, atol=1e-9)


def _posture_checks(rec):
    eng = imu_gait.GaitEngine(rec.sample_rate_hz, has_gyro=rec.has_gyro)
    eng.feed(rec.time_s, rec.acc_mps2, rec.gyro_rads)
    eng.finish()
    return eng.posture_checks


def test_quick_walk_to_run_change_does_not_lock_onto_strides():
    """Walking at 90 spm, then running at 178 spm within a second: the running stride (0.67 s)
    is the walking step (0.67 s), so a bout that keeps its rhythm takes every other contact and
    reports 89 spm 'walking' for the whole run (seen on the adeptdata hip recording at the
    final sprint). The sensor is one-sided (left hip, ``side_load``), which makes it likelier."""
    rec, truth = synthesize_walk(120, cadence_spm=90.0, side_load=0.3, seed=12, gyro=False, contact_s=0.22,
                                 segments=[(40.0, {"run": 1.0, "cadence_spm": 178.0})], ramp_s=1.0)
    res = imu_gait.analyze(rec, placement="hip")
    s, tr = res.steps, truth.steps
    run_det, run_tru = s[s["time_s"] > 50], tr[tr["time_s"] > 50]
    pairs, fp, fn = match_events(run_det["time_s"].to_numpy(), run_tru["time_s"].to_numpy(), tol_s=0.1)
    assert len(fn) <= 2 and len(fp) <= 2                       # every running contact, not every other
    assert abs(run_det["cadence_spm"].median() - run_tru["cadence_spm"].median()) <= 2.0   # spm
    assert (run_det["gait"] == "run").mean() >= 0.95
    walk_det = s[s["time_s"] < 38]
    assert (walk_det["gait"] == "walk").all()
    assert abs(walk_det["cadence_spm"].median() - 90.0) <= 1.0                              # not doubled


def test_quick_run_start_is_not_halved_when_walking_steps_are_slow():
    """The re-locking must not halve genuine slow walking (a ½-step candidate during walking is
    anti-phase, its autocorrelation negative): 70 spm walking with double-humped loads stays 70."""
    rec, truth = synthesize_walk(90, cadence_spm=70.0, impact_mps2=9.0, seed=13, gyro=False)
    res = imu_gait.analyze(rec)
    assert abs(res.steps["cadence_spm"].median() - 70.0) <= 1.0
    pairs, fp, fn = match_events(res.steps["time_s"].to_numpy(), truth.ic_times_s, tol_s=0.25)
    assert len(fp) <= 1 and len(fn) <= 1        # the walk's first contact, which the truth leaves out


def test_cadence_is_the_step_rate_when_step_times_alternate():
    """Running at 158 spm with step times alternating ±9 % (asymmetry 0.18: 0.41 / 0.35 s, as a
    one-sided hip sensor measures them on adeptdata): each step's cadence is the rate over its
    stride, and the summary's median is not thrown
    to one of the two step-time modes (143 or 173 spm). The step times keep the alternation.
    Per step: median error ≤ 0.5 spm, 95th percentile ≤ 2 spm against 120 / the true stride time."""
    rec, truth = synthesize_walk(90, gait="run", cadence_spm=158.0, asymmetry=0.18, seed=14, gyro=False,
                                 step_jitter=0.005)
    res = imu_gait.analyze(rec, placement="hip")
    det, tru = paired(res, truth)
    err = np.abs(det["cadence_spm"] - 120.0 / tru["stride_time_s"]).dropna()   # vs the true stride rate
    assert len(err) >= len(truth.ic_times_s) - 6
    assert np.median(err) <= 0.5 and np.percentile(err, 95) <= 2.0                # spm
    assert res.summary["cadence_spm"] == pytest.approx(158.0, abs=0.5)
    assert res.summary["step_time_asymmetry_pct"] == pytest.approx(18.0, abs=2.0)


@pytest.mark.parametrize("turn_deg", [90.0, 180.0, -120.0])
def test_sensor_turned_between_two_walks_keeps_braking_and_sway_right(turn_deg, two_walks):
    """Forward is calibrated on the first long bout; a sensor turned about the vertical at a pause made
    braking 0.14 → 0.01 m/s and sway 3.2 → 2.0 cm for the rest of the recording (90°). Now a later bout
    that shows its forward direction clearly re-finds it: both walks within the engine's tolerances of
    truth (steps after the second walk's 16th step; before it the old axes apply, by design)."""
    rec, truth, shift = two_walks((turn_deg, 0.0, 0.0))
    res = imu_gait.analyze(rec)
    (turn,) = res.summary["sensor_turns"]
    assert abs(abs(turn["turn_deg"]) - abs(turn_deg)) <= 10.0 and shift < turn["time_s"] < shift + 20
    assert any("turned" in h for h in res.summary["sensor_hints"])
    det, tru = paired(res, type("T", (), {"steps": truth})())
    after = det["time_s"].to_numpy() > turn["time_s"] + 10.0
    for metric in ("braking_mps", "lateral_sway_cm", "forward_lean_deg"):
        err = np.nanmedian(np.abs(det.loc[after, metric].to_numpy() - tru.loc[after, metric].to_numpy()))
        assert err <= TOL[metric], (metric, err)


def test_a_sensor_that_stays_put_is_never_called_turned(two_walks):
    """Two walks, same mounting: no turn (the real recordings: none in 91, benchmarks' data)."""
    rec, _, _ = two_walks((0.0, 0.0, 0.0))
    assert imu_gait.analyze(rec).summary["sensor_turns"] == []


@pytest.mark.parametrize("turn_deg, over_s", [(90.0, 0.0), (-45.0, 0.0), (180.0, 0.0), (90.0, 60.0)])
def test_sensor_turned_during_a_walk_keeps_braking_and_sway_right(turn_deg, over_s, walk_with_sensor_turn):
    """No pause to re-calibrate at: the sensor swivels (at once) or a clip slides round the belt (90° over
    a minute) while the person walks on. Before: braking 0.14 → 0.02 m/s and sway 3.2 → 2.1 cm for the
    rest of the walk (90°). Forward is checked every 100 steps and two checks must agree, so the axes are
    right again ≤ ~2 minutes after the turn; from there on the metrics are within the engine's
    tolerances of truth, and the turn is reported where it was first seen."""
    rec, truth = walk_with_sensor_turn(turn_deg, at_s=100.0, over_s=over_s)
    res = imu_gait.analyze(rec)
    if abs(turn_deg) == 180.0:
        # a half turn during a walk is what a walker going backwards looks like (the fore-aft motion mirrored is a
        # half turn and a left-right mirror, and a symmetric gait is its own mirror half a stride on): it is said
        # as walking backwards 'or the sensor was turned round' (backward audit s42), braking and sway measured
        # along the way walked as before. (Its lean is taken about the way a backwards walker faces: a truly
        # swivelled sensor's lean reads with its sign turned — this walk's is 0, so it does not show here)
        assert res.summary["sensor_turns"] == []
        (stretch,) = res.summary["backward_walking"]
        # (its start: the first contact of the 12-step window the half turn was seen in — since backward2 s43 a
        # window can straddle it, so up to 12 steps of 0.55 s early)
        assert stretch["end_s"] is None and 100.0 - 12 * 0.55 < stretch["start_s"] < 100.0 + over_s + 60.0
        assert any("or the sensor was turned round" in h for h in res.summary["sensor_hints"])
    else:
        turns = res.summary["sensor_turns"]
        assert turns and all(t["during_walk"] for t in turns)
        total = sum(t["turn_deg"] for t in turns)
        assert abs((total - turn_deg + 180.0) % 360.0 - 180.0) <= 10.0, total
        assert all(100.0 < t["time_s"] < 100.0 + over_s + 60.0 for t in turns)
        assert any("during the walk" in h for h in res.summary["sensor_hints"])
    det, tru = paired(res, truth)
    after = det["time_s"].to_numpy() > 260.0
    assert after.sum() >= 250
    for metric in ("braking_mps", "lateral_sway_cm", "forward_lean_deg"):
        err = np.nanmedian(np.abs(det.loc[after, metric].to_numpy() - tru.loc[after, metric].to_numpy()))
        assert err <= TOL[metric], (metric, err)


def test_a_small_wobble_of_the_sensor_is_not_a_turn(walk_with_sensor_turn):
    """20° (below the 35° threshold; fixed sensors on real walks show ≤ 17°): left alone."""
    rec, _ = walk_with_sensor_turn(20.0)
    assert imu_gait.analyze(rec).summary["sensor_turns"] == []


def test_summary_has_the_same_keys_whatever_the_data():
    """A library user may index the summary: a recording without steps, one without a gyro and a walk all
    give the same keys (null where nothing could be measured) — before, ~40 keys went missing."""
    walk, _ = synthesize_walk(60, seed=2)
    acc_only, _ = synthesize_walk(60, seed=2, gyro=False)
    t = np.arange(0, 30, 0.01)
    still = Recording(t, np.tile([0.0, 0.0, 9.81], (t.size, 1)) + 0.01 * np.random.default_rng(0).standard_normal((t.size, 3)),
                      0.005 * np.random.default_rng(1).standard_normal((t.size, 3)))
    sums = [imu_gait.analyze(r).summary for r in (walk, acc_only, still)]
    assert set(sums[0]) == set(sums[1]) == set(sums[2])
    assert sums[2]["n_steps"] == 0 and sums[2]["step_length_m"] != sums[2]["step_length_m"]   # NaN → null
    assert sums[1]["trunk_twist_deg_iqr"] is None and sums[0]["trunk_twist_deg_iqr"] is not None


def test_a_walk_that_turns_into_a_run_is_summarised_per_gait():
    """100 s walking at 110 spm, then 100 s running at 165 spm: the pooled median describes neither, so the
    summary gives each gait on its own (±2 spm of truth) and says so; the walking cadence is the walking
    steps' (it was the pooled value)."""
    rec, truth = synthesize_walk(200, 100, seed=8, segments=[(100, {"run": 1.0, "cadence_spm": 165.0, "bounce_cm": 8.0,
                                                                    "speed_mps": 3.0})])
    s = imu_gait.analyze(rec).summary
    true_cad = truth.steps.groupby("gait")["cadence_spm"].median()
    assert s["cadence_walking_spm"] == pytest.approx(true_cad["walk"], abs=2.0)
    assert s["cadence_running_spm"] == pytest.approx(true_cad["run"], abs=2.0)
    by = s["by_gait"]
    assert set(by) == {"walk", "run"} and by["walk"]["n_steps"] >= 20 and by["run"]["n_steps"] >= 20
    assert by["walk"]["cadence_spm"] == pytest.approx(true_cad["walk"], abs=2.0)
    assert by["run"]["vertical_oscillation_cm"] > by["walk"]["vertical_oscillation_cm"] + 3.0
    res = imu_gait.analyze(rec)
    assert any("pool both gaits" in w for w in res.warnings)
    assert any("running: step length" in w for w in res.warnings)
    # a plain walk has no by_gait, and its walking cadence is its cadence
    s = imu_gait.analyze(synthesize_walk(60, seed=2)[0]).summary
    assert s["by_gait"] is None and s["cadence_walking_spm"] == s["cadence_spm"] and s["cadence_running_spm"] != s["cadence_running_spm"]
    # one stray 'running' step in a walk gives no running cadence (GaitPy's GENEActiv demo gave 105 spm from
    # one, a jolt while the sensor was being put on; since 2026-12-04 those are no steps): one running step
    # of truth in a 60-s walk at 108 spm, found as one; walking cadence ±2 spm of truth
    rec, truth = synthesize_walk(60, seed=3, ramp_s=0.3, segments=[
        (30.0, {"run": 1.0, "cadence_spm": 150.0, "bounce_cm": 8.0}), (30.5, {"run": 0.0, "cadence_spm": 108.0,
                                                                            "bounce_cm": 3.5})])
    assert (truth.steps["gait"] == "run").sum() == 1
    res = imu_gait.analyze(rec)
    assert (res.steps["gait"] == "run").sum() == 1
    assert res.summary["cadence_running_spm"] != res.summary["cadence_running_spm"]          # NaN
    true_walk = truth.steps.loc[truth.steps["gait"] == "walk", "cadence_spm"].median()
    assert res.summary["cadence_walking_spm"] == pytest.approx(true_walk, abs=2.0)


def test_a_sensor_off_the_trunk_reports_steps_and_pace_only():
    """README: a phone in a trouser pocket gives steps and cadence only. Its 'bounce', 'lean' or 'sway' —
    and the step length and speed estimated from that bounce — are the pocket's motion: not reported
    anywhere (summary, steps table), with the reason."""
    rec, _ = synthesize_walk(90, seed=3)
    res = imu_gait.analyze(rec, placement="back_trouser_pocket")
    s = res.summary
    assert s["placement_kind"] == "off_trunk" and s["one_sided_signal"] is None
    assert s["n_steps"] > 100 and s["cadence_spm"] == s["cadence_spm"]
    # the step length and speed come from the same bounce (the pendulum model): left out with it
    for k in ("vertical_oscillation_cm", "forward_lean_deg", "lateral_sway_cm", "trunk_twist_deg", "braking_mps",
              "step_length_m", "walking_speed_mps", "symmetry", "step_regularity"):
        assert s[k] != s[k] and res.steps[k].isna().all(), k
    # left vs right step times are the pocket's (and evened out): no asymmetry figure either
    assert s["step_time_asymmetry_pct"] != s["step_time_asymmetry_pct"]
    assert any("not on the trunk" in w for w in res.warnings)
    assert imu_gait.analyze(rec, placement="chest").summary["placement_kind"] == "chest"
    assert imu_gait.analyze(rec).summary["placement_kind"] in ("lower_back", "unknown")


def test_a_pocket_phone_on_a_treadmill_gets_step_length_and_speed_from_the_belt():
    """Step length = belt speed × step time needs no trunk: a phone in a pocket on a treadmill with a
    belt speed given gets exact step length and speed (they were NaN with the bounce's). Truth: 110 spm
    at 1.2 m/s → 0.6545 m per step (±2 %, the cadence's own tolerance); speed = the belt's exactly. A
    schedule whose second stage has no speed: step length there stays unreported, not the pendulum's."""
    rec, _ = synthesize_walk(90, seed=3, cadence_spm=110, speed_mps=1.2)
    res = imu_gait.analyze(rec, placement="back_trouser_pocket", belt_speed_mps=1.2)
    s = res.summary
    assert s["placement_kind"] == "off_trunk"
    assert s["step_length_m"] == pytest.approx(1.2 * 60 / 110, rel=0.02)
    assert s["walking_speed_mps"] == pytest.approx(1.2, abs=1e-9)
    assert s["vertical_oscillation_cm"] != s["vertical_oscillation_cm"]          # still the pocket's: NaN
    assert any("step length and speed from the belt speed" in w for w in res.warnings)
    sched = imu_gait.TreadmillSchedule.from_stages([(0, 1.2, None), (45, None, None)])
    res = imu_gait.analyze(rec, placement="pocket", treadmill_schedule=sched)
    first = res.steps[res.steps["time_s"] - rec.time_s[0] < 44]
    later = res.steps[res.steps["time_s"] - rec.time_s[0] > 46]
    assert first["walking_speed_mps"].iloc[2:].eq(1.2).all() and later["walking_speed_mps"].isna().all()
    assert later["step_length_m"].isna().all()


def test_a_pockets_alternating_contact_timing_is_evened_out_and_stride_variation_kept():
    """A pocket times one leg's contacts late (Oxford: ~130 ms). Truth: contacts every 0.55 s with 2 %
    jitter; every other contact 120 ms late, and the late foot changes parity after a missed contact
    (step 31 dropped). De-alternated, the step times no longer alternate (were ±120 ms) except next to
    the parity change, every contact carries the same 60-ms offset from the truth ±10 ms (were 0 or
    120 ms: both feet move half-way), and the stride times keep their variation (CV within 10 % of
    the truth's)."""
    import pandas as pd
    from imu_gait.engine import dealternate_contacts

    rng = np.random.default_rng(5)
    true_t = np.cumsum(0.55 * (1 + 0.02 * rng.standard_normal(60)))
    keep = np.ones(60, bool)
    keep[31] = False
    t = true_t[keep].copy()
    idx = np.arange(t.size)
    late = np.where(idx < 31, idx % 2 == 1, idx % 2 == 0)          # the same foot, other parity after the gap
    t[late] += 0.12
    steps = pd.DataFrame({"time_s": t, "bout": 0, "step_time_s": np.r_[np.nan, np.diff(t)],
                          "stride_time_s": np.r_[np.nan, np.nan, t[2:] - t[:-2]], "cadence_spm": np.nan})
    out = dealternate_contacts(steps)
    st = out["step_time_s"].to_numpy()
    alternation = np.abs(np.diff(st))
    far_from_gap = np.abs(np.arange(alternation.size) - 30) > 6
    assert np.nanmedian(np.abs(np.diff(steps["step_time_s"].to_numpy()))) > 0.2
    assert np.nanmax(alternation[far_from_gap & np.isfinite(alternation)]) < 0.015 + 4 * 0.02 * 0.55
    assert np.nanmedian(alternation) < 0.03
    # both feet end up half-way: one common offset of 60 ms (the late foot's 120 ms split), not 0 / 120 ms
    away = (np.abs(idx - 31) > 6) & (idx > 2) & (idx < idx.size - 3)
    before, after = t - true_t[keep], out["time_s"].to_numpy() - true_t[keep]
    assert np.abs(before[away] - np.median(before[away])).max() > 0.05
    assert np.abs(after[away] - np.median(after[away])).max() < 0.01
    assert np.median(after[away]) == pytest.approx(0.06, abs=0.01)
    stride = out["stride_time_s"].to_numpy()
    true_stride = (true_t[keep][2:] - true_t[keep][:-2])
    ok = np.isfinite(stride[2:]) & (np.abs(idx[2:] - 31) > 2)
    cv = lambda x: np.std(x) / np.mean(x)
    assert cv(stride[2:][ok]) == pytest.approx(cv(true_stride[ok]), rel=0.10)
    np.testing.assert_allclose(out["cadence_spm"].to_numpy()[2:], 120 / stride[2:])


def test_a_declared_pocket_phone_evens_its_contacts_and_a_trunk_sensor_keeps_its_asymmetry():
    """The bundled Oxford back-pocket phone: with --placement pocket its step times no longer alternate
    (median |Δ step| 89 → 7 ms), steps against the insole pads stay as good (F1 0.975 both ways), cadence
    unchanged (±0.5 spm). A trunk sensor's step-time alternation can be a limp: a lower-back walk with 8 %
    asymmetry (synthetic truth) keeps it (±2 points)."""
    import json

    from imu_gait.evaluation import ic_scores

    root = Path(__file__).resolve().parent.parent / "datasets"
    stem = "oxford_Samsung_Dario_Hard_BackPocket_1"
    rec = imu_gait.read(root / f"{stem}.csv")
    pads = np.asarray(json.loads((root / f"{stem}.ref.json").read_text())["step_times_s"])
    pocket = imu_gait.analyze(rec)                              # the file says back_trouser_pocket
    trunk = imu_gait.analyze(rec, placement="lower_back")
    assert pocket.summary["placement_kind"] == "off_trunk"
    alt = lambda r: float(np.nanmedian(np.abs(np.diff(r.steps["step_time_s"].to_numpy()))))
    assert alt(trunk) > 0.06 and alt(pocket) < 0.02
    f1 = lambda r: ic_scores(r.steps["time_s"].to_numpy(), pads, tol_s=0.25)["f1"]
    assert f1(pocket) >= f1(trunk) - 0.005 and f1(pocket) >= 0.95
    assert pocket.summary["cadence_spm"] == pytest.approx(trunk.summary["cadence_spm"], abs=0.5)
    # the pocket's left/right timing is not drawn either (the page plotted a 'step-time asymmetry' of
    # 0.01–0.27 % from the evened-out contacts), and its bouts start and end at its evened-out contacts
    tl = pocket.timeline
    for col in ("step_time_asymmetry_pct", "step_time_asymmetry_lcb_pct", "symmetry", "vertical_oscillation_cm",
                "vertical_oscillation_cm_baseline"):
        assert tl[col].isna().all(), col
    assert tl["cadence_spm"].notna().any() and trunk.timeline["step_time_asymmetry_pct"].notna().any()
    walking_bout = np.searchsorted(pocket.bouts["first_bout"].to_numpy(), pocket.steps["bout"].to_numpy(), "right") - 1
    span = pocket.steps.groupby(walking_bout)["time_s"].agg(["min", "max"])
    assert np.allclose(pocket.bouts["start_s"], span["min"]) and np.allclose(pocket.bouts["end_s"], span["max"])
    limp, _ = synthesize_walk(90, seed=6, asymmetry=0.08)
    assert imu_gait.analyze(limp, placement="lower_back").summary["step_time_asymmetry_pct"] == pytest.approx(8.0, abs=2.0)


def test_an_accelerometer_only_recording_says_sway_is_not_comparable_with_a_gyro_one():
    """Without a gyroscope the trunk's roll mixes into sway (synthetic: +1.1 cm; 64 real walks: −0.9 cm
    median): the warning says so, so a coach does not read a device change as a change of sway."""
    rec, _ = synthesize_walk(60, seed=2, gyro=False)
    assert any("compare them only between recordings with the same kind of sensor" in w
               for w in imu_gait.analyze(rec).warnings)


def test_a_bouts_last_contact_gets_no_step_metrics():
    """The last contact of a walk starts no step (the feet come together, the walker stops): its 'bounce'
    (0.4 cm on mobgap HA001 walk 1) became a 0.34-m step at 0.54 m/s in the medians. Now those are NaN
    for that one step of each bout, and every other step keeps them."""
    rec, _ = synthesize_walk(120, seed=4, stand_s=5, stand_end_s=10)
    st = imu_gait.analyze(rec).steps
    last = st["bout"].ne(st["bout"].shift(-1)).to_numpy()
    assert last.sum() == st["bout"].nunique() >= 1
    for k in ("vertical_oscillation_cm", "step_length_m", "walking_speed_mps", "vertical_ratio_pct"):
        assert st.loc[last, k].isna().all() and st.loc[~last, k].iloc[2:].notna().all(), k
    # on a belt the step before the last contact is the belt's: kept
    st = imu_gait.analyze(rec, belt_speed_mps=1.2).steps
    assert st.loc[st["bout"].ne(st["bout"].shift(-1)), "step_length_m"].notna().all()


def test_messages_count_time_from_the_recordings_start_on_an_epoch_time_axis():
    """A native file may keep epoch seconds as its time axis (the steps keep it: the JSON contract); the
    flag texts said 'from 28333335:51' — they count m:ss from the first sample, as the reports do."""
    rec, _ = synthesize_walk(480, seed=1, segments=[(240.0, {"lean_deg": 8})])
    t0 = 1.7e9
    res = imu_gait.analyze(Recording(rec.time_s + t0, rec.acc_mps2, rec.gyro_rads))
    (f,) = [f for f in res.flags if f.id == "forward_lean"]
    assert f.start_s > t0                                          # steps and flags keep the file's axis
    assert re.search(r"from 4:\d\d to 7:\d\d", f.message), f.message


def test_the_synthetic_walk_to_run_blend_is_physical():
    """The generator's walk → run blend had a single-sample ~880 g spike at each end of its ramp and a
    'bounce' of metres in between (the running force double-integrated over the whole walk before it):
    the engine then reported 11-m bounces there. Now the blend stays within running's accelerations, its
    truth bounce within 3–15 cm (but for the stopping step), and the engine's bounce within 0.5 cm of it (median) and 6 cm on every step
    (the steps inside the 3-s blend are neither walking nor running: 4.8 cm is the largest there)."""
    rec, truth = synthesize_walk(480, seed=1, segments=[(240, {"run": 1.0, "cadence_spm": 165, "speed_mps": 2.8})])
    assert np.linalg.norm(rec.acc_mps2, axis=1).max() < 6 * 9.81
    tv = truth.steps["vertical_oscillation_cm"].iloc[:-1].dropna()     # the last: the runner stops (eased out)
    assert tv.between(3.0, 15.0).all(), tv.describe()
    det, tru = paired(imu_gait.analyze(rec), truth)
    err = (det["vertical_oscillation_cm"] - tru["vertical_oscillation_cm"]).abs().dropna()
    assert err.max() <= 6.0 and err.median() <= 0.5, err.describe()


def test_a_sensor_still_being_put_on_does_not_set_the_posture_reference():
    """GaitPy's GENEActiv demo: the device turned 108° during the first walk (being put on), that walk
    set 'upright', and every later step read a 42° forward lean with three 'marked' flags. Here: a
    synthetic walk (no gyro, as on the GENEActiv) whose sensor tips from 80° to its final mount in 4 s,
    3 s into the walk, which goes on without a pause: the calibration is refused and tried again 8 steps
    later. Later steps' lean is within the ±2° tolerance, no lean flag, and the notes say why."""
    rec, truth = synthesize_walk(240, seed=5, gyro=False, stand_s=2, stand_end_s=3)
    t = rec.time_s
    tilt = np.radians(80.0) * np.clip((9.0 - t) / 4.0, 0.0, 1.0)   # 80° → 0 between 5 s and 9 s, while walking
    c, s = np.cos(tilt), np.sin(tilt)
    acc = rec.acc_mps2.copy()
    acc[:, 0], acc[:, 2] = c * rec.acc_mps2[:, 0] - s * rec.acc_mps2[:, 2], s * rec.acc_mps2[:, 0] + c * rec.acc_mps2[:, 2]
    res = imu_gait.analyze(Recording(t, acc, None))
    det, tru = paired(res, truth)
    later = det["time_s"].to_numpy() > 40.0
    err = np.nanmedian(np.abs(det.loc[later, "forward_lean_deg"].to_numpy() - tru.loc[later, "forward_lean_deg"].to_numpy()))
    assert err <= TOL["forward_lean_deg"], err
    assert not [f for f in res.flags if f.id == "forward_lean"]
    assert any("the posture reference was taken once it had settled" in w for w in res.warnings)


def test_a_first_walk_that_bends_does_not_set_the_posture_reference():
    """forward_lean_deg is measured against the posture of the first steady steps. A walk whose calibration
    window bends and straightens (here: bent 25° forward for 2.5 s of every 5 s, four times — picking things up,
    a sit-down) set a reference that hung on where the window fell: Mobilise-D HA002's daily recording read
    1.3° at 100 Hz and −5.0° at 50 Hz (lean audit s36), and here every later upright step read −13.5°. Truth: the
    steady upright steps after the bends read their true lean (0°) within the ±2° tolerance, at 100, 50 and
    25 Hz — the window is refused while its strides' postures spread (CALIBRATION_MAX_SPREAD_DEG) and the
    walk's steady stretch calibrates."""
    segments = [seg for k in range(4) for seg in ((7 + 5 * k, {"lean_deg": 25.0}), (9.5 + 5 * k, {"lean_deg": 0.0}))]
    for fs in (100, 50, 25):
        rec, truth = synthesize_walk(90, fs_hz=fs, seed=1, segments=segments, ramp_s=1.0)
        det, tru = paired(imu_gait.analyze(rec), truth)
        steady = det["time_s"].to_numpy() > 30.0
        err = np.nanmedian(det.loc[steady, "forward_lean_deg"].to_numpy() - tru.loc[steady, "forward_lean_deg"].to_numpy())
        assert abs(err) <= TOL["forward_lean_deg"], (fs, err)


def test_gap_time_does_not_depend_on_how_the_recording_is_fed():
    """summary['gap_s'] counted only gaps that fell between two fed chunks: a 0.65-s hole inside
    analyze()'s 300-s chunks gave 0 (every batch row read 0), fed in 1-s chunks 0.65. Truth: two holes
    of 0.65 s and 1.2 s cut into a 100-Hz walk → 0.66 + 1.21 s (each hole spans one sample period
    more than the samples it removed), whatever the chunking."""
    rec, _ = synthesize_walk(90, seed=2)
    keep = np.ones(rec.n_samples, bool)
    keep[3000:3065] = False           # 0.65 s
    keep[6000:6120] = False           # 1.2 s
    cut = Recording(rec.time_s[keep], rec.acc_mps2[keep], rec.gyro_rads[keep], meta=dict(rec.meta))
    truth = 0.66 + 1.21
    for chunk_s in (300.0, 7.0, 1.0):
        assert imu_gait.analyze(cut, chunk_s=chunk_s).summary["gap_s"] == pytest.approx(truth, abs=1e-6), chunk_s
    assert imu_gait.analyze(rec).summary["gap_s"] == 0.0


@pytest.mark.parametrize("sway_cm", [3.0, 8.0])
def test_sway_and_pelvic_drop_carry_no_bias_from_the_gravity_filter(sway_cm):
    """With a gyroscope, sway and pelvic drop were read about the 0.3-Hz 'up', which lets ~10 % of the
    stride-frequency sideways acceleration tilt it: sway read 6–8 % high (+0.17 cm of 3 cm, +0.61 of 8)
    and pelvic drop +0.14° / +0.62°. Measured about a 0.15-Hz 'up': median per-step error within 2 % of
    the sway and 0.1° of the drop, at an arbitrary mounting."""
    rec, truth = synthesize_walk(120, seed=11, sway_cm=sway_cm, mount_euler_deg=(120, -60, 30))
    det, tru = paired(imu_gait.analyze(rec), truth)
    sway_err = np.nanmedian(det["lateral_sway_cm"] - tru["lateral_sway_cm"])
    drop_err = np.nanmedian(det["pelvic_drop_deg"] - tru["pelvic_drop_deg"])
    assert abs(sway_err) <= 0.02 * sway_cm, sway_err
    assert abs(drop_err) <= 0.1, drop_err


@pytest.mark.parametrize("error", ["offset_plus", "offset_minus", "gyro_bias"])
def test_a_constant_sensor_error_leaves_bounce_and_sway_alone(error):
    """Found by review: a constant error survived the per-step drift removal as a parabola (c·T²/8) — at
    60 spm, ±30 mg on the vertical read bounce 2.3 / 6.9 cm for 3.6, and 2 °/s of gyro bias (a tilt error,
    gravity leaking sideways) read sway 8.3 cm for 3.0. Truth: the generator's per-step bounce and sway.
    Tolerances: bounce ±0.5 cm, sway ±0.5 cm, as the clean metrics' tests."""
    rec, truth = synthesize_walk(120, cadence_spm=60.0, seed=4)
    acc, gyro = rec.acc_mps2.copy(), rec.gyro_rads.copy()
    if error == "gyro_bias":
        gyro = gyro + np.radians([2.0, 2.0, 0.0])          # about both horizontal axes of an upright mount
    else:
        acc[:, 2] += 0.03 * 9.80665 * (1 if error == "offset_plus" else -1)
    res = imu_gait.analyze(Recording(rec.time_s, acc, gyro, meta=dict(rec.meta)))
    assert res.summary["vertical_oscillation_cm"] == pytest.approx(truth.steps["vertical_oscillation_cm"].median(),
                                                                   abs=0.5)
    assert res.summary["lateral_sway_cm"] == pytest.approx(truth.steps["lateral_sway_cm"].median(), abs=0.5)


@pytest.mark.parametrize("lag_error", [0.0, 0.04, -0.06])
def test_regularity_and_symmetry_at_the_autocorrelation_peak(lag_error):
    """Truth: a_v = cos(2π t / T_step) + c·cos(2π t / T_stride) has, at the step lag, correlation
    (1 − c²)/(1 + c²) (the stride term is half a period out), and 1 at the stride lag; c = 0.5: 0.6 and 1,
    symmetry 0.6. Given a mean lag a few % off (a walker's recent steps, alternating step times), the peak
    is still found (found by review: at the mean lag itself, 10 % asymmetry read −0.06). Tolerance ±0.03."""
    from imu_gait.dsp.metrics import regularity

    fs, step_s = 100.0, 0.55
    t = np.arange(0, 60, 1 / fs)
    a_v = np.cos(2 * np.pi * t / step_s) + 0.5 * np.cos(np.pi * t / step_s)
    ic = np.arange(10.0, 58.0, step_s) * fs
    lag = np.full(ic.size, step_s * (1 + lag_error))
    out = regularity(a_v, ic, lag, 2 * lag, np.zeros(ic.size), fs)
    late = slice(10, None)                         # once 4 strides lie before the contact
    np.testing.assert_allclose(out["step_regularity"][late], 0.6, atol=0.03)
    np.testing.assert_allclose(out["stride_regularity"][late], 1.0, atol=0.03)
    np.testing.assert_allclose(out["symmetry"][late], 0.6, atol=0.03)


def test_step_time_asymmetry_lowers_symmetry_whatever_the_variability():
    """Found by review: adding step-time variability to a 10 %-asymmetric walk at 60 spm raised its symmetry
    (−0.07 → 0.27 → 0.70). Truth: the same walk with and without the asymmetry; the asymmetric one reads lower
    symmetry at each variability, and the symmetric one stays near 1 (0.9–1.15)."""
    for jitter in (0.01, 0.03):
        even = imu_gait.analyze(synthesize_walk(120, cadence_spm=60, step_jitter=jitter, seed=11)[0]).summary
        limp = imu_gait.analyze(synthesize_walk(120, cadence_spm=60, step_jitter=jitter, asymmetry=0.1,
                                                seed=11)[0]).summary
        assert 0.9 <= even["symmetry"] <= 1.15
        assert 0.3 <= limp["symmetry"] < even["symmetry"] - 0.1
        assert limp["step_regularity"] > 0.3


def test_without_a_gyro_the_sway_warning_says_a_slow_pace_reads_more():
    """Without a gyroscope the trunk's roll (g·sin roll, at the stride rate) passes into sway as 1/cadence²:
    the generator's 3-cm sway with 4° of pelvic drop reads ~+0.3 cm at 110 spm and several cm more at 60
    (found by review). Truth: the generator's sway; the warning names the pace, and the reading rises as
    cadence falls (> 2 cm more at 60 spm than at 110)."""
    fast, truth = synthesize_walk(90, cadence_spm=110, seed=3, gyro=False)
    slow, _ = synthesize_walk(90, cadence_spm=60, seed=3, gyro=False)
    at_110, at_60 = imu_gait.analyze(fast), imu_gait.analyze(slow)
    assert at_110.summary["lateral_sway_cm"] == pytest.approx(truth.steps["lateral_sway_cm"].median(), abs=1.5)
    assert at_60.summary["lateral_sway_cm"] > at_110.summary["lateral_sway_cm"] + 2.0
    assert any("no gyroscope" in w and "slower the walk" in w for w in at_60.warnings)


@pytest.mark.parametrize("mount", ["upright", "arbitrary"])
def test_a_gyroscope_that_stops_mid_walk_goes_on_accelerometer_only(mount):
    """Live, a sensor's gyroscope can stop while its accelerometer goes on (a Verity Sense's gyro stream
    stopping). The engine takes one layout per stretch of signal; GaitEngine.drop_gyro() ends the stretch
    there (a segment break) and goes on without angular rate. Against the synthetic truth: every sample is
    fed (none lost), the steps before keep twist and pelvic drop within the engine's tolerances, the steps
    after have none (NaN, not invented), and steps, cadence and bounce after the switch match the truth
    within the engine's tolerances (at most 2 contacts missed around the switch, where the walk is split
    and the new filters settle; none invented)."""
    from imu_gait.engine import ArgumentError, GaitEngine

    rec, truth = synthesize_walk(150, mount_euler_deg=MOUNTS[mount], seed=3)
    t, acc, gyro = rec.time_s, rec.acc_mps2, rec.gyro_rads
    stop_s = 70.0
    eng = GaitEngine(100.0, has_gyro=True)
    for a in range(0, t.size, 50):                        # 0.5-s chunks, as live monitoring feeds
        sl = slice(a, min(a + 50, t.size))
        if t[sl][0] >= stop_s and eng.has_gyro:
            eng.drop_gyro()
            with pytest.raises(ArgumentError):
                eng.feed(t[sl], acc[sl], gyro[sl])        # one layout from the switch on
        eng.feed(t[sl], acc[sl], gyro[sl] if eng.has_gyro else None)
    res = eng.finish()
    s = res.summary
    assert s["n_samples"] == t.size and s["has_gyro"] is False
    assert s["gyro_stopped_s"] == pytest.approx(stop_s - 0.01, abs=1e-9)
    assert any(w.startswith("the gyroscope stopped 70 s into the recording") for w in res.warnings)
    steps = res.steps
    ic = truth.ic_times_s
    pairs, fp, fn = match_events(steps["time_s"].to_numpy(), ic, tol_s=0.25)
    assert len(fp) == 0
    missed = ic[np.asarray(fn, int)]
    assert np.sum(np.abs(missed - stop_s) < 5.0) <= 2 and np.sum(np.abs(missed - stop_s) >= 5.0) <= 1
    det, tru = paired(res, truth)
    before = (det["time_s"] < stop_s - 2.0).to_numpy()
    after = (det["time_s"] > stop_s + 2.0).to_numpy()
    assert before.sum() > 50 and after.sum() > 50
    for k in ("trunk_twist_deg", "pelvic_drop_deg"):
        err = np.nanmedian(np.abs(det[k].to_numpy(float)[before] - tru[k].to_numpy(float)[before]))
        assert err < TOL[k], (k, err)
        assert np.isnan(det[k].to_numpy(float)[det["time_s"].to_numpy() > stop_s]).all(), k
    for k in ("cadence_spm", "vertical_oscillation_cm"):
        err = np.nanmedian(np.abs(det[k].to_numpy(float)[after] - tru[k].to_numpy(float)[after]))
        assert err < TOL[k], (k, err)


def test_step_time_asymmetry_leaves_out_turns():
    """Summary step-time asymmetry over the steps the asymmetry rule judges (steady steps, no turns):
    a walk 3 % asymmetric on the straight with six 180° turns (2.5 s each) whose steps are 50 % uneven,
    as a U-turn's inner and outer steps are. Truth 3 % ± 1.5; the mean over every step read 11 % (audit
    s34 F2: healthy IPOL walkers 5–16 points above the foot sensors)."""
    segs = []
    for k in range(6):
        t0 = 15.0 + 15.0 * k
        segs += [(t0, {"turn_deg_per_s": 72.0, "asymmetry": 0.5}), (t0 + 2.5, {"turn_deg_per_s": 0.0, "asymmetry": 0.03})]
    rec, _ = synthesize_walk(110, asymmetry=0.03, seed=2, step_jitter=0.01, segments=segs, ramp_s=0.5)
    res = imu_gait.analyze(rec)
    assert (np.abs(res.steps["heading_change_deg"]) >= 30).sum() >= 20          # the turns are there
    assert res.summary["step_time_asymmetry_pct"] == pytest.approx(3.0, abs=1.5)


def test_symmetry_is_read_on_0_to_1():
    """Moe-Nilssen symmetry (step / stride regularity) is on 0–1: a ratio above 1 means the stride lag missed
    its peak (audit s34 F8: Mobilise-D HA001 walk1's median read 1.27). Truth: a pure step-periodic wave
    (0.5 s) given a mean stride lag 15 % / 20 % long, so that the ±10 % search misses the stride peak — step /
    stride regularity ≈ 1.1 (within the overshoot: reads exactly 1) and ≈ 1.9 (says nothing: NaN); a real
    left/right difference (a stride-periodic component) keeps its ratio below 1 unchanged."""
    from imu_gait.dsp.metrics import SYMMETRY_MAX_OVERSHOOT, regularity
    fs, step = 100.0, 0.5
    t = np.arange(0, 30, 1 / fs)
    ic = np.arange(4.0, 29.0, step)

    def reg(a, stride_lag):
        r = regularity(a, ic * fs, np.full(ic.size, step), np.full(ic.size, stride_lag), np.zeros(ic.size), fs)
        return r["step_regularity"] / r["stride_regularity"], r["symmetry"]

    wave = np.sin(2 * np.pi * t / step)
    ratio, sym = reg(wave, 2 * step * 1.15)
    assert np.all((ratio > 1.05) & (ratio < SYMMETRY_MAX_OVERSHOOT)) and np.all(sym == 1.0)
    ratio, sym = reg(wave, 2 * step * 1.20)
    assert np.all(ratio > 1.5) and np.isnan(sym).all()
    ratio, sym = reg(wave + 0.5 * np.sin(np.pi * t / step), 2 * step)
    assert np.all(ratio < 0.9) and np.allclose(sym, ratio)


@pytest.mark.parametrize("params", [{"sway_cm": 60.0, "bounce_cm": 4.0}, {"sway_cm": 4.0, "bounce_cm": 20.0}])
def test_a_walk_no_trunk_makes_is_taken_back(params):
    """Step-like motion with a sway or bounce no walking or running trunk reaches (audit s34 F1: BROAD's
    hand-held rig read 145 'steps', sway 125 cm, bounce 15 cm) is not walking: truth 94 contacts of a 60-cm
    sway (or 20-cm bounce) 'walk' → 0 steps, and a warning says what was left out and why."""
    rec, truth = synthesize_walk(60, gyro=False, seed=4, **params)
    assert truth.ic_times_s.size > 80
    res = imu_gait.analyze(rec)
    assert len(res.steps) == 0
    note = [w for w in res.warnings if "left out as not walking" in w]
    assert len(note) == 1 and "held in the hand" in note[0]


@pytest.mark.parametrize("params", [{"sway_cm": 12.0, "bounce_cm": 7.0},
                                    {"cadence_spm": 70.0, "step_jitter": 0.05, "bounce_cm": 1.5}])
def test_wide_swaying_or_slow_irregular_walks_are_kept(params):
    """The gate's other side: a walk swaying 12 cm and bouncing 7 cm (above the real walks' 10.5 cm / 5 cm) and
    a slow (70 spm), irregular (5 % step jitter), 1.5-cm-bounce walker stay walking — every contact ± 2."""
    for gyro in (True, False):
        rec, truth = synthesize_walk(60, gyro=gyro, seed=4, **params)
        res = imu_gait.analyze(rec)
        assert abs(len(res.steps) - truth.ic_times_s.size) <= 2
        assert not [w for w in res.warnings if "left out as not walking" in w]


def test_a_walk_twisting_more_than_a_trunk_can_is_taken_back():
    """With a gyroscope, a walk whose median twist per stride exceeds any trunk's (audit s34 F1: SciKit-Digital-
    Health's 2-min example, 22–34° per walk, raised 48° 'forward lean' flags; real trunk walks ≤ 17.6°): truth
    96 contacts twisting 30° per stride with irregular steps (25 % step-time jitter: step regularity ≈ 0.28, the
    AX6 walks' 0.11–0.38) → 0 steps with the note; 16° (a wide but real twist) → all kept; 30° with a regular
    rhythm (a walker twisting too much: the flag's business, review s34) → all kept; running, or without a
    gyroscope, the rule does not apply."""
    rec, truth = synthesize_walk(60, seed=4, twist_deg=30.0, step_jitter=0.25)
    res = imu_gait.analyze(rec)
    assert truth.ic_times_s.size > 80 and len(res.steps) == 0
    assert any("left out as not walking" in w and "twist 30°" in w for w in res.warnings)
    for params in ({"twist_deg": 16.0}, {"twist_deg": 30.0}, {"twist_deg": 30.0, "gait": "run"},
                   {"twist_deg": 30.0, "gyro": False}):
        rec, truth = synthesize_walk(60, seed=4, **params)
        assert abs(len(imu_gait.analyze(rec).steps) - truth.ic_times_s.size) <= 2, params


def test_the_standing_consensus_works_once_per_row_not_once_per_row_and_stop(monkeypatch):
    """Live-long audit s34 F1: the live flag re-judge rebuilds the steps table every 10 steps, and the standing
    consensus took a median over every row of the position once per standing — O(rows × stops) per rebuild,
    0.6 s at 6 h of a city walk with a stop every 2 min. Truth: a walk with 6 stops (12 standings) evaluates
    the standing pitch on at most 3 × rows + 20 × standings rows per rebuild (once for the offsets, and the
    two short 'walker changed' stretches), not standings × rows; and lean_vs_standing_deg is the same as the
    per-standing medians give (to 1e-9°)."""
    from imu_gait import engine as eng_mod
    from imu_gait.engine import GaitEngine
    parts = [synthesize_walk(50.0, 100.0, stand_s=6.0, stand_end_s=4.0, seed=k, cadence_spm=105 + 4 * (k % 3))[0]
             for k in range(7)]
    t = np.concatenate([p.time_s + 50.0 * k for k, p in enumerate(parts)])
    acc = np.concatenate([p.acc_mps2 for p in parts])
    gyro = np.concatenate([p.gyro_rads for p in parts])
    eng = GaitEngine(100.0, has_gyro=True)
    for i in range(0, t.size, 3000):
        eng.feed(t[i:i + 3000], acc[i:i + 3000], gyro[i:i + 3000])
    n_standings = len(eng._standings)
    assert n_standings >= 8                                  # the walk really has many stops
    counted = []
    pitch = GaitEngine._standing_pitch_deg

    def counting(forward, standing):
        counted.append(np.atleast_2d(forward).shape[0])
        return pitch(forward, standing)
    monkeypatch.setattr(GaitEngine, "_standing_pitch_deg", staticmethod(counting))
    eng._frame_cache = None
    df = eng.steps_frame()
    n_rows = len(df)
    assert sum(counted) <= 3 * n_rows + 20 * n_standings, (sum(counted), n_rows, n_standings)
    # the same lean_vs_standing as a median per standing over every row (the way it was computed before)
    monkeypatch.setattr(eng_mod, "_walk_lean_per_standing", lambda sts, lean, fw, pd_: np.array(
        [np.median(lean - pd_(fw, st)) for st in sts], float))
    eng._frame_cache = None
    brute = eng.steps_frame()["lean_vs_standing_deg"].to_numpy(float)
    fast = df["lean_vs_standing_deg"].to_numpy(float)
    assert np.isfinite(fast).sum() > n_rows / 2
    np.testing.assert_allclose(fast, brute, atol=1e-9, equal_nan=True)


def _steady_walk_with_short_holes(seed: int = 5):
    """A steady 12-min walk (1 % step jitter) that loses 50–250-ms stretches of samples every 0.3–0.9 s from
    4:00 to 11:00 (~11 % of the samples, every hole under the 0.5-s interpolation limit): a host that fell
    behind."""
    rec, _ = synthesize_walk(720.0, 100.0, seed=seed, stand_s=5.0)
    rng = np.random.default_rng(1)
    keep = np.ones(rec.time_s.size, bool)
    i = 24000
    while i < 66000:
        n = int(rng.uniform(0.05, 0.25) * 100)
        keep[i:i + n] = False
        i += n + int(rng.uniform(0.3, 0.9) * 100)
    return Recording(time_s=rec.time_s[keep], acc_mps2=rec.acc_mps2[keep], gyro_rads=rec.gyro_rads[keep],
                     meta=dict(rec.meta))


def test_short_holes_in_the_samples_raise_no_variability_flags():
    """Live-long audit s34 F2: a host that fell behind (19 % of the samples lost in holes of 50–260 ms, each
    bridged by interpolation) turned a steady walk into 'pace too fast' and 'fatigue' flags. Truth: the steady
    synthetic walk with ~11 % lost in short holes from 4:00 to 11:00 raised 'pace too fast' from 4:03 to 11:04
    before; now no variability-based flag (pace_too_fast, fatigue), and a flag note says how many steps
    straddle lost samples and that variability was judged without them."""
    res = imu_gait.analyze(_steady_walk_with_short_holes())
    assert not [f for f in res.flags if f.id in ("pace_too_fast", "fatigue")], res.flags
    (note,) = [n for n in res.summary["flag_notes"] if "straddle samples lost" in n]
    assert re.match(r"\d+ steps \(\d+ %\) straddle samples lost in short holes", note), note


def test_the_synthesizer_holds_no_rotation_per_fine_sample():
    """Live-long audit s34 F3: live --simulate peaked at 1.15 GB before its first sample, synthesising its 10-min
    loop at 200 Hz: every fine sample (10× oversampled) held its parameters, rotations and their derivative
    ((N, 3, 3) arrays). Truth (tracemalloc, allocations not time): a 120-s walk at 200 Hz peaks under 60 fine
    float arrays (98 MB now, 202 MB before), i.e. about half."""
    import tracemalloc

    tracemalloc.start()
    try:
        rec, _ = synthesize_walk(120.0, 200.0, seed=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    fine_array = rec.time_s.size * 10 * 8
    assert peak < 60 * fine_array, peak / fine_array


@pytest.mark.parametrize("seed", [12, 13])
def test_a_one_sided_runners_landing_peaks_do_not_keep_a_walk_to_run_change_on_strides(seed):
    """The quick walk → run change above with the runner's landing transient at its default (2.5 g, peaks 3.2 g
    at the trunk; a left-hip belt, side_load 0.3, so the right foot's landings read ~0.5× the left's): the
    signal repeats at ½ step only 0.46–0.49 and the right foot's peak rises ~0.5× the left's, both at the
    old re-lock bars (0.5 / 0.5), and the bout stayed on strides for 8–28 s (seed 12: 29 contacts missed,
    13: 40). Truth: every running contact; now the first 4–6 (≤ 5 s after the change) at most."""
    rec, truth = synthesize_walk(120, cadence_spm=90.0, side_load=0.3, seed=seed, gyro=False, contact_s=0.22,
                                 segments=[(40.0, {"run": 1.0, "cadence_spm": 178.0})], ramp_s=1.0)
    res = imu_gait.analyze(rec, placement="hip")
    s, tr = res.steps, truth.steps
    det, tru = s[s["time_s"] > 40], tr[tr["time_s"] > 40]
    pairs, fp, fn = match_events(det["time_s"].to_numpy(), tru["time_s"].to_numpy(), tol_s=0.1)
    missed_t = tru["time_s"].to_numpy()[np.asarray(fn, int)]
    assert len(fn) <= 6 and len(fp) <= 1 and (missed_t.size == 0 or missed_t.max() < 46.0), missed_t


def test_live_status_medians_are_nanmedian_to_the_bit():
    """live_status's medians of the last 10 steps come from one sort of all columns (_column_nanmedians, a live-CPU
    cut), not ten np.nanmedian calls: they must be the same numbers — NaN and ±inf mixed in, odd and even counts,
    empty and all-NaN columns (NaN where a column has no finite value, as before)."""
    from imu_gait.engine import _column_nanmedians
    rng = np.random.default_rng(7)
    checked = 0
    for trial in range(3000):
        rows = int(rng.integers(0, 11))
        x = rng.normal(size=(rows, 10)) * 10.0 ** rng.uniform(-3, 3, size=(rows, 10))
        u = rng.random((rows, 10))
        x[u < 0.25] = np.nan
        x[u > 0.97] = np.inf
        x[u > 0.985] = -np.inf
        x[:, 4] = np.nan
        got = _column_nanmedians(x)
        for j in range(10):
            col = x[:, j]
            with np.errstate(all="ignore"):
                want = float(np.nanmedian(col)) if np.isfinite(col).any() else float("nan")
            assert np.float64(got[j]).tobytes() == np.float64(want).tobytes(), (col, got[j], want)
            checked += np.isfinite(col).any()
    assert checked > 10000
