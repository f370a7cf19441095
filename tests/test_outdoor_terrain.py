"""Walking outdoors on real terrain, with no treadmill context: hills and stairs.

Model (stated; ``imu_gait.synthetic``): the ground's grade moves only the path (a steady climb is a constant
vertical speed, which no accelerometer feels); what a hill changes is the walker's doing — uphill they lean
into it by about the slope's angle, atan(grade) (the treadmill incline rule's model: 5.7° at 10 %), walking
leaning that much further than standing. Stairs raise the trunk ``stair_rise_cm`` per step, smoothly within
the step. Truth per step: ``truth.steps`` (``forward_lean_deg`` against the first walking posture).
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import imu_gait
from imu_gait.recording import G
from imu_gait.strain import (DOWNHILL_BRAKING_ADVICE, DOWNHILL_BRAKING_CAUSE, DOWNHILL_IMPACT_CAUSE, HILL_LEAN_CAUSE,
                             STAIRS_BOUNCE_CAUSE, STAIRS_DOWN_ADVICE, STAIRS_DOWN_CAUSE)
from imu_gait.synthetic import synthesize_walk

HILL10_LEAN_DEG = math.degrees(math.atan(0.10))      # 5.71°
HUNCH_DEG = 7.0                                      # a real hunch on the level, past the +5° rule
LEAN_TOL_DEG = 0.5                                   # the baseline against the truth's level posture


def _lean_flags(res):
    return [f for f in res.flags if f.id == "forward_lean"]


def _overlaps(f, a, b):
    return f.start_s < b and f.end_s > a


@pytest.fixture(scope="module")
def uphill_start():
    """The usual loop from the front door: 2 min up a 10 % hill (leaning into it), 3 min on the level, a 60-s
    hunch on the level (5:05–6:05), 1 min on the level."""
    return synthesize_walk(5 + 120 + 180 + 60 + 60 + 3, posture_lean_deg=HILL10_LEAN_DEG, grade_pct=10.0,
                           segments=[(125, dict(posture_lean_deg=0.0, grade_pct=0.0)),
                                     (305, dict(posture_lean_deg=HUNCH_DEG)),
                                     (365, dict(posture_lean_deg=0.0))])


def test_a_loop_starting_uphill_still_flags_a_hunch_on_the_level(uphill_start):
    """The baseline minutes held 2 min of hill lean and 1 min of level walking: their median was the hill's, and the
    7° hunch on the level read +1.3° against it — no flag (before the fix). The more upright third is the reference."""
    rec, truth = uphill_start
    res = imu_gait.analyze(rec)
    level = truth.steps[(truth.steps.time_s > 140) & (truth.steps.time_s < 300)]["forward_lean_deg"].median()
    hunch = [f for f in _lean_flags(res) if _overlaps(f, 305, 365)]
    assert hunch, [(f.id, f.start_s, f.end_s) for f in res.flags]
    assert abs(hunch[0].reference - level) <= LEAN_TOL_DEG          # the level posture, not the hill's
    assert abs((hunch[0].value - hunch[0].reference) - HUNCH_DEG) <= 2 * LEAN_TOL_DEG
    notes = " ".join(res.summary["flag_notes"])
    assert "more upright last third" in notes and "if it was uphill, that is the hill" in notes


def test_a_level_start_keeps_the_median_baseline():
    """No posture change inside the baseline: the reference stays the median of the baseline minutes (the level
    posture, truth 0°) and nothing is said about it; the later hill is flagged and named as a possible hill."""
    rec, truth = synthesize_walk(5 + 240 + 90 + 120 + 3, grade_pct=0.0,
                                 segments=[(245, dict(posture_lean_deg=HILL10_LEAN_DEG, grade_pct=10.0)),
                                           (335, dict(posture_lean_deg=0.0, grade_pct=0.0))])
    res = imu_gait.analyze(rec)
    flags = _lean_flags(res)
    assert len(flags) == 1 and _overlaps(flags[0], 245, 335)
    assert abs(flags[0].reference - 0.0) <= LEAN_TOL_DEG
    assert abs(flags[0].value - HILL10_LEAN_DEG) <= LEAN_TOL_DEG
    assert not any("more upright last third" in n for n in res.summary["flag_notes"])
    # off a treadmill the slope is unknown: the lean into a hill is named as a possible cause (before: 'hunching
    # … more than your normal posture', nothing else)
    assert flags[0].cause.endswith(HILL_LEAN_CAUSE) and "uphill" in flags[0].cause
    # with the incline entered (a treadmill program), the incline rule judges it instead, in its own words
    sched = imu_gait.TreadmillSchedule.from_stages([(0.0, 1.3, 0.0), (245.0, 1.3, 10.0), (335.0, 1.3, 0.0)])
    on_belt = imu_gait.analyze(rec, treadmill_schedule=sched)
    assert [f.id for f in on_belt.flags if f.id in ("forward_lean", "incline_effort")] == ["incline_effort"]
    assert all(HILL_LEAN_CAUSE not in f.cause for f in on_belt.flags)


@pytest.mark.parametrize("start_lean_deg, then_lean_deg, change_s", [
    (-1.5, 0.0, 125),     # down a 10 % slope leaning back 1.5°, then level: below half the rule's rise (2.5°)
    (0.0, 4.4, 35),       # leaning further as it went (a chest pouch settling, as Oxford's Dario NeckPouch_2)
])
def test_other_posture_changes_in_the_baseline_keep_the_median(start_lean_deg, then_lean_deg, change_s):
    """Only a walk that straightened up by ≥ 2.5° gets the upright reference; these keep the median of the
    baseline minutes (truth: the median of the truth's per-step lean over them) and say nothing about it."""
    rec, truth = synthesize_walk(5 + 360 + 3, posture_lean_deg=start_lean_deg,
                                 segments=[(change_s, dict(posture_lean_deg=then_lean_deg))])
    res = imu_gait.analyze(rec)
    assert not _lean_flags(res)
    assert not any("more upright last third" in n for n in res.summary["flag_notes"])
    # the baseline: the first 180 s of walking (the default; under half of the 360-s walk)
    in_base = truth.steps[truth.steps.time_s <= truth.walk_start_s + 180.0]["forward_lean_deg"].median()
    assert abs(res.timeline.attrs["baselines"]["walk"]["forward_lean_deg"] - in_base) <= LEAN_TOL_DEG


def test_stairs_bounce_flag_names_the_stairs():
    """A minute of stairs (17-cm steps at 90 spm): step count and cadence stay right, the trunk's rise reads as bounce
    (the accelerometer cannot tell them apart) and the bounce flag says stairs do this."""
    rec, truth = synthesize_walk(5 + 240 + 60 + 60 + 3, ramp_s=1.0,
                                 segments=[(245, dict(cadence_spm=90.0, stair_rise_cm=17.0, speed_mps=0.5)),
                                           (305, dict(cadence_spm=110.0, stair_rise_cm=0.0, speed_mps=1.3))])
    res = imu_gait.analyze(rec)
    assert abs(len(res.steps) - len(truth.steps)) <= 0.01 * len(truth.steps)
    on_stairs = (res.steps.time_s > 250) & (res.steps.time_s < 300)
    assert abs(res.steps.cadence_spm[on_stairs].median() - 90.0) <= 0.02 * 90.0
    bounce = [f for f in res.flags if f.id == "vertical_bounce"]
    assert len(bounce) == 1 and _overlaps(bounce[0], 245, 305)
    assert STAIRS_BOUNCE_CAUSE in bounce[0].cause


LEVEL = dict(cadence_spm=110.0, stair_rise_cm=0.0, speed_mps=1.3, impact_mps2=4.0, posture_lean_deg=0.0)


def test_stairs_down_at_a_quicker_cadence_name_the_stairs():
    """A minute down a stairwell (17-cm steps at 120 spm, the level walk's 110 + 9 %; landing harder: the loading
    transient 4 → 9 m/s²). Steps and cadence stay right; the bounce flag is raised (the landings are harder) and, its
    cadence being ≥ 5 % above the baseline's, said only 'you were probably walking faster … ease back to your earlier
    pace' — the stairs unsaid (before the fix). A flight down is named now, in the cause and the advice."""
    rec, truth = synthesize_walk(5 + 240 + 60 + 120 + 3, ramp_s=1.0, seed=4,
                                 segments=[(245, dict(cadence_spm=120.0, stair_rise_cm=-17.0, speed_mps=0.5,
                                                      impact_mps2=9.0)), (305, LEVEL)])
    res = imu_gait.analyze(rec)
    assert abs(len(res.steps) - len(truth.steps)) <= 0.01 * len(truth.steps)
    on_stairs = (res.steps.time_s > 250) & (res.steps.time_s < 300)
    assert abs(res.steps.cadence_spm[on_stairs].median() - 120.0) <= 0.02 * 120.0
    bounce = [f for f in res.flags if f.id == "vertical_bounce"]
    assert len(bounce) == 1 and _overlaps(bounce[0], 245, 305) and bounce[0].end_s <= 305 + 30
    assert "above your baseline" in bounce[0].cause                  # the pace reading stays: it may be one
    assert STAIRS_DOWN_CAUSE in bounce[0].cause and STAIRS_DOWN_ADVICE in bounce[0].advice
    assert STAIRS_BOUNCE_CAUSE not in bounce[0].cause                 # one stairs sentence, the one that fits
    on_belt = imu_gait.analyze(rec, belt_speed_mps=1.3)               # a treadmill has no stairs
    assert all(STAIRS_DOWN_CAUSE not in f.cause for f in on_belt.flags)


def test_leaning_into_stairs_names_the_stairs():
    """A minute up a stairwell (17-cm steps at 92 spm) leaning 8° further forward over the front foot: the lean flag
    said only 'going uphill does this too' (before the fix); stairs are named now. Its value is the truth's lean."""
    rec, truth = synthesize_walk(5 + 240 + 60 + 120 + 3, ramp_s=1.0, seed=4,
                                 segments=[(245, dict(cadence_spm=92.0, stair_rise_cm=17.0, speed_mps=0.43,
                                                      posture_lean_deg=8.0)), (305, LEVEL)])
    res = imu_gait.analyze(rec)
    lean = _lean_flags(res)
    assert len(lean) == 1 and _overlaps(lean[0], 245, 305)
    up = truth.steps[(truth.steps.time_s > 250) & (truth.steps.time_s < 300)]["forward_lean_deg"].median()
    assert abs((lean[0].value - lean[0].reference) - up) <= 2 * LEAN_TOL_DEG
    assert lean[0].cause.endswith(HILL_LEAN_CAUSE) and "up stairs" in lean[0].cause
    assert "hill or stairs" in lean[0].advice


@pytest.mark.parametrize("kw", [dict(), dict(gyro=False, fs_hz=25.0), dict(placement="chest")])
def test_one_flight_up_and_one_down_count_every_step_and_raise_nothing(kw):
    """A flight up (17-cm stairs at 92 spm, 15 s) and a flight down (130 spm, landing hard: 4 → 12 m/s², 10 s) inside a
    2-min walk: every step on them is found at its cadence (truth ± 1 step, ± 2 %), and nothing is flagged — a flight is
    too short for a flag's 20-s hold, and the walk around it is unchanged. (Their step length, 3× the tread, is not
    checked: README 'Hills and stairs outdoors'.)"""
    rec, truth = synthesize_walk(5 + 120 + 3, ramp_s=1.0, seed=5, **kw,
                                 segments=[(65, dict(cadence_spm=92.0, stair_rise_cm=17.0, speed_mps=0.43)), (80, LEVEL),
                                           (95, dict(cadence_spm=130.0, stair_rise_cm=-17.0, speed_mps=0.55,
                                                     impact_mps2=12.0)), (105, LEVEL)])
    res = imu_gait.analyze(rec)
    for (a, b), cadence in (((66.0, 79.0), 92.0), ((96.0, 104.0), 130.0)):
        found = res.steps[(res.steps.time_s > a) & (res.steps.time_s < b)]
        true = truth.steps[(truth.steps.time_s > a) & (truth.steps.time_s < b)]
        assert abs(len(found) - len(true)) <= 1, (a, len(found), len(true))
        assert abs(found.cadence_spm.median() - cadence) <= 0.02 * cadence
    assert not res.flags, [(f.id, f.start_s, f.end_s) for f in res.flags]


@pytest.mark.parametrize("down", [dict(stair_rise_cm=-17.0, speed_mps=0.45), dict(grade_pct=-15.0, speed_mps=1.0)],
                         ids=["stairs", "ramp"])
def test_slower_steps_braking_harder_downhill_are_found_and_name_the_slope(down):
    """A minute down 17-cm stairs, or a 15 % ramp, at 100 spm (the level walk's 110 − 9 %) braking harder (0.15 → 0.22
    m/s: braking forces rise downhill). The synthetic stairs down had their fall caught before each contact, foot in the
    air: the contacts were found 0.24 s early and braking read 0.0 for every step (before the fix); the fall is caught
    after the contact now (weight acceptance), and contacts and braking are the truth's. Both are over-striding's two
    signs; off a treadmill its words name the slope and stairs."""
    rec, truth = synthesize_walk(5 + 240 + 60 + 120 + 3, ramp_s=1.0, seed=4,
                                 segments=[(245, dict(cadence_spm=100.0, braking_mps=0.22, **down)),
                                           (305, dict(LEVEL, grade_pct=0.0, braking_mps=0.15))])
    res = imu_gait.analyze(rec)
    assert abs(len(res.steps) - len(truth.steps)) <= 0.01 * len(truth.steps)
    found = res.steps[(res.steps.time_s > 250) & (res.steps.time_s < 300)]
    true_ic = np.asarray(truth.ic_times_s)
    error_ms = 1000 * (found.time_s.to_numpy() - true_ic[np.abs(found.time_s.to_numpy()[:, None] - true_ic).argmin(1)])
    assert abs(np.median(error_ms)) <= 30.0                        # level walking: −12 ms
    true_braking = truth.steps[(truth.steps.time_s > 250) & (truth.steps.time_s < 300)].braking_mps.median()
    assert abs(found.braking_mps.median() - true_braking) <= 0.03
    over = [f for f in res.flags if f.id == "overstriding"]
    assert len(over) == 1 and _overlaps(over[0], 245, 305)
    assert DOWNHILL_BRAKING_CAUSE in over[0].cause and DOWNHILL_BRAKING_ADVICE in over[0].advice
    on_belt = imu_gait.analyze(rec, belt_speed_mps=1.3)            # a treadmill knows its slope
    assert all(DOWNHILL_BRAKING_CAUSE not in f.cause for f in on_belt.flags)


def test_stairs_down_land_harder_than_level_walking():
    """The model's descent: the fall caught after each contact makes the trunk's vertical acceleration larger than on
    the level (stair descent's first force peak is its largest: McFadyen & Winter 1988), smoothly — no spike. The
    ground still carries the body all through it: the specific force never falls below 0.5 g (descent's force valley
    is ~0.6 of body weight, Riener et al. 2002). With the level walk's bounce added to the drop it fell to 0.40 g here
    and 0.11 g at 140 spm — near free fall, read as running (review s41); the range was then 1.46 g, now 1.01 g."""
    level, _ = synthesize_walk(60.0, seed=1)
    down, _ = synthesize_walk(60.0, seed=1, ramp_s=1.0, segments=[(20.0, dict(stair_rise_cm=-17.0))])
    t = level.time_s
    steady = (t > 25.0) & (t < 50.0)
    a_level, a_down = level.acc_mps2[steady, 2], down.acc_mps2[steady, 2]
    assert np.ptp(a_down) >= np.ptp(a_level) + 0.1 * G           # 0.89 g → 1.01 g at 110 spm
    assert a_down.min() >= 0.5 * G                                 # 0.62 g (before: 0.40 g)
    assert np.max(np.abs(np.diff(a_down, 2))) <= 1.2 * np.max(np.abs(np.diff(a_level, 2)))


def test_harder_landings_downhill_name_the_slope():
    """90 s down a 10 % slope landing harder (the loading transient 4 → 9 m/s²; downhill impact peaks rise with the
    slope: Gottschall & Kram 2005): the bounce flag is carried by the impact and says a downhill does this; the
    treadmill (which knows its incline) does not get the sentence."""
    rec, truth = synthesize_walk(5 + 240 + 90 + 90 + 3,
                                 segments=[(245, dict(grade_pct=-10.0, impact_mps2=9.0, posture_lean_deg=-1.5)),
                                           (335, dict(grade_pct=0.0, impact_mps2=4.0, posture_lean_deg=0.0))])
    res = imu_gait.analyze(rec)
    bounce = [f for f in res.flags if f.id == "vertical_bounce"]
    assert len(bounce) == 1 and _overlaps(bounce[0], 245, 335) and bounce[0].metric == "impact_g"
    assert DOWNHILL_IMPACT_CAUSE in bounce[0].cause and "downhill" in bounce[0].cause
    on_belt = imu_gait.analyze(rec, belt_speed_mps=1.3)
    assert all(DOWNHILL_IMPACT_CAUSE not in f.cause for f in on_belt.flags)


def test_grade_moves_only_the_path():
    """The synthetic model's statement: a steady climb is a constant vertical speed — the accelerometer reads the
    same as on the level, apart from the ramp onto the slope (speed × grade / ramp ≈ 0.04 m/s² at 10 %, 3 s)."""
    level, _ = synthesize_walk(60.0, seed=3)
    hill, _ = synthesize_walk(60.0, seed=3, segments=[(20.0, dict(grade_pct=10.0))])
    t = level.time_s
    steady = (t > 25.0) & (t < 50.0)
    assert np.max(np.abs(hill.acc_mps2[steady] - level.acc_mps2[steady])) < 1e-6
    ramp = (t > 20.0) & (t < 23.0)
    assert 0.01 < np.max(np.abs(hill.acc_mps2[ramp] - level.acc_mps2[ramp])) < 0.1


@pytest.mark.parametrize("kw", [dict(), dict(placement="chest")], ids=["lower_back", "chest"])
def test_a_fast_stair_descent_is_walked_not_run(kw):
    """A minute down 17-cm stairs at 140 spm, landing hard (4 → 12 m/s²), inside a level walk: every step on the stairs
    was labelled 'run' and over-striding was flagged (248–306 s) by running's rules — the synthetic descent fell at
    0.89 g, near free fall, a running flight to the engine. A foot is always loaded going down stairs: the trunk's
    specific force stays ≥ 0.35 g (the running flight's bound), its steps are walked (≥ 95 %), the cadence is the
    truth's (± 2 %), nothing is flagged as over-striding, and the bounce flag names the stairs."""
    rec, truth = synthesize_walk(5 + 240 + 60 + 120 + 3, ramp_s=1.0, seed=4, **kw,
                                 segments=[(245, dict(cadence_spm=140.0, stair_rise_cm=-17.0, speed_mps=0.6,
                                                      impact_mps2=12.0)), (305, LEVEL)])
    on = (rec.time_s > 250) & (rec.time_s < 300)
    assert np.linalg.norm(rec.acc_mps2[on], axis=1).min() >= 0.35 * G
    res = imu_gait.analyze(rec)
    on_stairs = res.steps[(res.steps.time_s > 250) & (res.steps.time_s < 300)]
    assert (on_stairs.gait == "walk").mean() >= 0.95
    assert abs(on_stairs.cadence_spm.median() - 140.0) <= 0.02 * 140.0
    assert not [f for f in res.flags if f.id == "overstriding"], [(f.id, f.start_s) for f in res.flags]
    bounce = [f for f in res.flags if f.id == "vertical_bounce"]
    assert len(bounce) == 1 and _overlaps(bounce[0], 245, 305) and STAIRS_DOWN_CAUSE in bounce[0].cause
