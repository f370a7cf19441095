"""Walkers and runners who are not an average adult, with the height given: the adult cadence bounds scale with it.

Truth is synthetic (imu_gait.synthetic), its step rate and bounce set for the walker's size. Before the height
was used for them (review s41), a 1.28-m child's brisk walk at 160 spm crossed the adult 140-spm running bound
(98 % of its steps 'running', flagged 'over-striding' under the runners' 164 spm), and a 2-m runner's easy
155 spm run was 'over-striding' though `--height 2.0` was given.
"""
from __future__ import annotations

import numpy as np
import pytest

import imu_gait
from imu_gait import GaitEngine
from imu_gait.dsp.metrics import RUN_MIN_CADENCE_SPM, cadence_for_height, length_for_height
from imu_gait.strain import StrainConfig, runner_limits
from imu_gait.synthetic import synthesize_walk


def _child_brisk_walk():
    # 1.28 m (an 8-year-old): 160 spm at 1.5 m/s, 0.56-m steps; a 5-cm bounce is a pendulum of the leg's length
    # (sensor at 0.61 × 1.28 = 0.78 m: 0.78 − √(0.78² − 0.28²) = 5.2 cm) — its trunk dips below 0.35 g each step
    return synthesize_walk(50.0, seed=2, cadence_spm=160, speed_mps=1.5, bounce_cm=5.0, impact_mps2=6.0)


def _tall_run(cadence_spm):
    # 2.0 m: a run of 50 s (too short for a personal baseline: the runners' general limits judge it)
    return synthesize_walk(50.0, seed=2, gait="run", cadence_spm=cadence_spm, speed_mps=3.0, bounce_cm=9.1)


def test_limits_scale_as_legs_do_and_stay_an_adults_for_the_reference_height():
    assert cadence_for_height(RUN_MIN_CADENCE_SPM, None) == RUN_MIN_CADENCE_SPM
    assert cadence_for_height(RUN_MIN_CADENCE_SPM, 1.75) == RUN_MIN_CADENCE_SPM        # exactly: no change
    assert cadence_for_height(164.0, 2.0) == pytest.approx(153.4, abs=0.05)
    assert cadence_for_height(140.0, 1.28) == pytest.approx(163.7, abs=0.05)
    assert length_for_height(10.9, 2.0) == pytest.approx(12.46, abs=0.01)
    cfg = runner_limits(StrainConfig(), 2.0)
    assert cfg.run_cadence_min_spm == pytest.approx(153.4, abs=0.05)
    assert cfg.run_vo_max_cm["pelvis"] == pytest.approx(12.46, abs=0.01)
    assert cfg.run_vr_max_pct == StrainConfig().run_vr_max_pct                          # a ratio: no size
    assert runner_limits(StrainConfig(), None) == StrainConfig()
    # towards fewer flags only: a shorter runner keeps the adults' limits (none of children's is published)
    assert runner_limits(StrainConfig(), 1.28) == StrainConfig()
    assert runner_limits(StrainConfig(), 1.75) == StrainConfig()


def test_a_childs_brisk_walk_with_her_height_is_walking_and_not_flagged():
    rec, truth = _child_brisk_walk()
    res = imu_gait.analyze(rec, body_height_m=1.28)
    assert abs(len(res.steps) - len(truth.ic_times_s)) <= 1
    assert (res.steps["gait"] == "walk").mean() >= 0.99                      # before: 2 % (98 % 'run')
    assert res.summary["cadence_spm"] == pytest.approx(160.0, abs=1.0)
    assert [f.id for f in res.flags] == []                                    # before: overstriding (absolute)


def test_without_a_height_the_childs_walk_is_walking_but_judged_by_an_adults_limits():
    # without a height her walk is told by its trunk never in free fall (runwalk s43: 98 % 'run' before; more in
    # tests/test_run_walk_physics.py). Tolerance: ≤ 1 % 'run'
    rec, _ = _child_brisk_walk()
    assert (imu_gait.analyze(rec).steps["gait"] == "run").mean() <= 0.01


@pytest.mark.parametrize("cadence_spm", [155.0, 158.0])
def test_a_tall_runners_easy_cadence_is_not_overstriding_with_the_height_given(cadence_spm):
    rec, _ = _tall_run(cadence_spm)
    assert "overstriding" in [f.id for f in imu_gait.analyze(rec).flags]           # an adult's 164-spm limit
    res = imu_gait.analyze(rec, body_height_m=2.0)
    assert res.summary["cadence_spm"] == pytest.approx(cadence_spm, abs=1.0)
    assert "overstriding" not in [f.id for f in res.flags]                           # limit 153.4 spm at 2 m


def test_a_tall_runners_low_cadence_is_still_flagged_and_told_the_scaled_limit():
    rec, _ = _tall_run(145.0)
    res = imu_gait.analyze(rec, body_height_m=2.0)
    fl = [f for f in res.flags if f.id == "overstriding"]
    assert fl and fl[0].reference_kind == "absolute"
    assert fl[0].threshold == pytest.approx(153.4, abs=0.05)
    assert "scaled for your height of 2.00 m" in fl[0].cause and "153 spm" in fl[0].cause


def test_a_childs_run_at_a_childs_cadence_is_not_flagged_by_a_scaled_up_limit():
    # 1.28 m, 50 s at 175 spm (children run at 170–200): the adults' 164-spm limit, not 192 (which made it 'marked')
    rec, _ = synthesize_walk(50.0, seed=2, gait="run", cadence_spm=175, speed_mps=2.6, bounce_cm=5.9)
    res = imu_gait.analyze(rec, body_height_m=1.28)
    assert res.summary["gait"] == "run" and res.summary["cadence_spm"] == pytest.approx(175.0, abs=1.0)
    assert [f.id for f in res.flags] == []
    from imu_gait.report.common import build_overview
    row = {r.column: r for r in build_overview(res).metrics}["cadence_spm"]
    assert row.status == "ok" and "153–183 spm" in row.note                 # the runners' range, as given


def _small_child_run(height_m, cadence_spm, seed=3):
    # a child's run: 0.25-s contacts, bounce 8 cm × height / 1.75 (dynamic similarity with an adult's 8 cm);
    # at 185 spm its trunk is in free fall 0.07–0.10 s a step, under the 185-spm bound a 1.0-m height raises to
    return synthesize_walk(50.0, seed=seed, gait="run", cadence_spm=cadence_spm, speed_mps=2.4,
                           bounce_cm=round(8.0 * height_m / 1.75, 1))


@pytest.mark.parametrize("height_m,cadence_spm", [(1.0, 165), (1.0, 180), (1.0, 185), (1.0, 200), (1.1, 170),
                                                  (1.1, 185), (1.2, 165), (1.3, 175)])
def test_a_small_childs_run_stays_running_under_her_raised_bound(height_m, cadence_spm):
    # review s41 L4: the raised bound (140 × √(1.75 / h): 185 spm at 1.0 m) made a 1.0-m child's 185-spm run 70–88 %
    # 'run' (100 % without a height), 1.1 m at 170 spm 97.5 %. Steps in free fall keep the adult 140-spm bound.
    # Tolerance: ≥ 98 % of steps 'run' (a bout's stopping step may read walk, as it does without a height)
    rec, _ = _small_child_run(height_m, cadence_spm)
    res = imu_gait.analyze(rec, body_height_m=height_m)
    assert (res.steps["gait"] == "run").mean() >= 0.98
    assert res.summary["gait"] == "run"
    assert res.summary["cadence_spm"] == pytest.approx(cadence_spm, abs=2.0)


@pytest.mark.parametrize("height_m,cadence_spm,bounce_cm", [(1.28, 160, 5.0), (1.28, 160, 6.0), (1.0, 181, 4.5),
                                                            (1.1, 170, 5.0)])
def test_a_childs_brisk_walk_never_leaves_the_ground_and_stays_walking(height_m, cadence_spm, bounce_cm):
    # the free-fall rule must not undo the raised bound for a walk: brisk walks of children (a 1.0-m child's
    # at 181 spm is the 1.28-m child's 160 spm scaled), bounce up to 6 cm (deeper than the pendulum of her
    # leg, 5.2 cm at 1.28 m) dip to 0.10 g but ≤ 0.04 s below 0.15 g. Without a height they are 98 % 'run'
    rec, _ = synthesize_walk(50.0, seed=2, cadence_spm=cadence_spm, speed_mps=1.5, bounce_cm=bounce_cm,
                             impact_mps2=6.0)
    res = imu_gait.analyze(rec, body_height_m=height_m)
    assert (res.steps["gait"] == "run").mean() <= 0.01
    assert [f.id for f in res.flags] == []


def test_a_small_childs_run_is_running_live_chunk_for_chunk():
    rec, _ = _small_child_run(1.0, 185)
    whole = imu_gait.analyze(rec, body_height_m=1.0)
    eng = GaitEngine(rec.sample_rate_hz, has_gyro=rec.has_gyro, body_height_m=1.0)
    for i in range(0, rec.n_samples, 23):
        eng.feed(rec.time_s[i:i + 23], rec.acc_mps2[i:i + 23], rec.gyro_rads[i:i + 23])
    live = eng.finish()
    assert (live.steps["gait"] == "run").mean() >= 0.98
    assert list(live.steps["gait"]) == list(whole.steps["gait"])


def test_a_tall_walkers_running_bound_is_not_lowered():
    eng = GaitEngine(100.0, has_gyro=True, body_height_m=2.0)
    assert eng.run_min_cadence_spm == RUN_MIN_CADENCE_SPM
    assert GaitEngine(100.0, has_gyro=True, body_height_m=1.28).run_min_cadence_spm == pytest.approx(163.7, abs=0.05)


def test_the_height_reaches_live_monitoring_chunk_for_chunk():
    # live feeds the engine in chunks: the same steps (walk, not run) and flags as analyze(), to the bit
    rec, _ = _child_brisk_walk()
    whole = imu_gait.analyze(rec, body_height_m=1.28)
    eng = GaitEngine(rec.sample_rate_hz, has_gyro=rec.has_gyro, body_height_m=1.28)
    for i in range(0, rec.n_samples, 37):
        eng.feed(rec.time_s[i:i + 37], rec.acc_mps2[i:i + 37], rec.gyro_rads[i:i + 37])
    live = eng.finish()
    assert (live.steps["gait"] == "walk").mean() >= 0.99                      # the child's bound live too
    assert list(live.steps["gait"]) == list(whole.steps["gait"])
    assert np.array_equal(live.steps["cadence_spm"].to_numpy(float), whole.steps["cadence_spm"].to_numpy(float),
                          equal_nan=True)
    assert [f.id for f in live.flags] == [f.id for f in whole.flags]


def test_the_reports_typical_ranges_are_scaled_for_the_height_given():
    # a 1.28-m child's everyday walk at 130 spm, 1.15 m/s (bounce 3 cm, the pendulum of her leg with Mobilise-D's
    # factor): before, 'above the typical walking range (100–120 spm)' with her height given too; scaled for it
    # the range is 117–140 spm (× √(1.75 / 1.28)) and her bounce is judged against 1.8–3.7 cm (× 1.28 / 1.75)
    from imu_gait.report.common import build_overview
    rec, _ = synthesize_walk(50.0, seed=2, cadence_spm=130, speed_mps=1.15, bounce_cm=3.0)
    rows = {r.column: r for r in build_overview(imu_gait.analyze(rec)).metrics}
    assert rows["cadence_spm"].status == "high" and "100–120 spm" in rows["cadence_spm"].note
    rows = {r.column: r for r in build_overview(imu_gait.analyze(rec, body_height_m=1.28)).metrics}
    assert rows["cadence_spm"].median == pytest.approx(130.0, abs=1.0)
    assert rows["cadence_spm"].status == "ok", rows["cadence_spm"].note           # within 117–140 spm
    assert "(117–140 spm) for your height of 1.28 m" in rows["cadence_spm"].note
    assert "an adult's 100–120 spm" in rows["cadence_spm"].note
    assert "1.8–3.7 cm" in rows["vertical_oscillation_cm"].note
    # a 1.75-m walker's ranges are the adult ones, word for word
    rows = {r.column: r for r in build_overview(imu_gait.analyze(rec, body_height_m=1.75)).metrics}
    assert rows["cadence_spm"].status == "high" and "scaled" not in rows["cadence_spm"].note
