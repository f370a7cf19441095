"""Slow walking and irregular steps (slowreg s44).

Step regularity (the autocorrelation of the unfiltered vertical acceleration) reads lower at a slower, softer pace by
itself: the heel-strike's short jolt is large beside a small bounce, and the normal 1–2 % step-time variation moves it by
a good part of its width. The irregular-steps flag ('pace_too_fast') does not count the part of a regularity drop that
the pace and bounce explain (strain.pace_regularity_allowance) while the stride-time CV has not risen; the values
reported are unchanged. Synthetic walkers with known truth (imu_gait.synthetic).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import imu_gait
from imu_gait import strain
from imu_gait.recording import Recording
from imu_gait.synthetic import synthesize_walk

TYPING = dict(twist_deg=3.0, sway_cm=1.5, drop_deg=2.0, braking_mps=0.05, impact_mps2=1.0, nod_deg=1.0)
#: predicted against measured step regularity of a clean slower walk: the model (uncapped) over-predicts a large
#: slowdown's drop by up to 0.05 (110 → 85 spm) and is within 0.02 at the desk's 92 → 76 spm
MODEL_TOL = 0.05
#: the allowance given is the model's at most this (fitted at a baseline regularity ≥ ~0.93; review D F3)
CAP = 0.05
G = 9.80665


def _concat(recs):
    """The recordings one after another; also each one's (start, end) in the joined time."""
    t, spans, off = [], [], 0.0
    for r in recs:
        t.append(r.time_s + off)
        spans.append((float(t[-1][0]), float(t[-1][-1])))
        off = t[-1][-1] + 0.01
    return (Recording(np.concatenate(t), np.vstack([r.acc_mps2 for r in recs]), np.vstack([r.gyro_rads for r in recs])),
            spans)


def _uneven_heights(rec, truth, t0, sd, seed):
    """From t0 each step's vertical dynamic acceleration × its own random gain (1 + sd·N), the step timing untouched:
    uneven step heights / loading with even timing."""
    rng = np.random.default_rng(1000 + seed)
    t, acc, ics = rec.time_s, rec.acc_mps2.copy(), truth.ic_times_s
    k = np.clip(np.searchsorted(ics, t, side="right") - 1, 0, len(ics) - 1)
    g = np.where(t >= t0, np.clip(1 + sd * rng.standard_normal(len(ics)), 0.2, 2.5)[k], 1.0)
    g = np.convolve(g, np.ones(4) / 4, mode="same")          # no step edges in the gain
    acc[:, 2] = G + (acc[:, 2] - G) * g
    return Recording(t, acc, rec.gyro_rads)


def _desk_walks(seeds, jitter):
    """6 min at 92 spm (2.2 cm, 2.9 km/h), a minute's stop, 6 min at 76 spm (1.2 cm, 1.8 km/h), each walk standing
    30 s before and after, the same step-time variation all through."""
    recs = [synthesize_walk(420, seed=seed, stand_s=30, stand_end_s=30, cadence_spm=cad, bounce_cm=bounce,
                            speed_mps=speed, step_jitter=jitter, **TYPING)[0]
            for (cad, bounce, speed), seed in zip(((92.0, 2.2, 0.8), (76.0, 1.2, 0.45)), seeds)]
    t, off = [], 0.0
    for r in recs:
        t.append(r.time_s + off)
        off = t[-1][-1] + 0.01
    return Recording(np.concatenate(t), np.vstack([r.acc_mps2 for r in recs]), np.vstack([r.gyro_rads for r in recs]))


def _medians(cadence_spm, bounce_cm, jitter, extra):
    rec, _ = synthesize_walk(120, seed=7, cadence_spm=cadence_spm, bounce_cm=bounce_cm, step_jitter=jitter, **extra)
    st = imu_gait.analyze(rec).steps
    return (float(st["step_regularity"].median()), float(st["cadence_spm"].median()),
            float(st["vertical_oscillation_cm"].median()))


@pytest.mark.parametrize("fast, slow, jitter, extra", [
    ((92.0, 2.2), (76.0, 1.2), 0.02, TYPING),        # the desk pad turned down
    ((110.0, 3.5), (85.0, 1.5), 0.02, {}),           # a walker slowing to a stroll outdoors
    ((110.0, 3.5), (102.3, 2.0), 0.01, {}),          # a −7 % slower, flatter walk, steps as even
])
def test_the_regularity_a_slower_pace_reads_by_itself_is_what_the_allowance_predicts(fast, slow, jitter, extra):
    """Truth: two clean synthetic walks with the same step-time variation, the second slower and softer. The step
    regularity measured on the second is the first's less the model's drop, within MODEL_TOL (measured → predicted:
    92 → 76 spm at 2 %: 0.970 → 0.878, 0.89; 110 → 85 spm at 2 %: 0.954 → 0.822, 0.775). The allowance given is
    that model capped at CAP (0.05), and never more than the true drop."""
    reg_b, cad_b, vo_b = _medians(*fast, jitter, extra)
    reg, cad, vo = _medians(*slow, jitter, extra)
    args = (np.array([reg_b]), np.array([cad]), np.array([cad_b]), np.array([vo]), np.array([vo_b]), np.array([1.0]),
            np.array([1.0]))
    cfg = strain.StrainConfig()
    model = strain.pace_regularity_allowance(*args, dataclasses.replace(cfg, pace_reg_max=1.0))[0]
    allow = strain.pace_regularity_allowance(*args, cfg)[0]
    assert reg_b - reg > 0.01                                   # the slower walk does read less regular
    assert abs((reg_b - model) - reg) <= MODEL_TOL, (reg_b, reg, model)
    assert cfg.pace_reg_max == CAP and allow == min(model, CAP) and allow <= reg_b - reg + 0.01, (reg_b, reg, allow)


def test_no_allowance_where_the_stride_cv_rose_nearby():
    """The allowance is 0 within a minute of a stride CV ×1.5 its baseline (a 60-s CV of uneven steps dips under
    the limit now and then), and wherever the pace is not slower."""
    n = 300
    cfg = strain.StrainConfig()
    reg_b, cad_b, vo_b, cv_b = (np.full(n, v) for v in (0.97, 92.0, 2.2, 1.2))
    cad, vo, cv = np.full(n, 76.0), np.full(n, 1.2), np.full(n, 1.2)
    cv[150] = 1.2 * 1.5
    allow = strain.pace_regularity_allowance(reg_b, cad, cad_b, vo, vo_b, cv, cv_b, cfg)
    assert np.all(allow[90:211] == 0.0) and np.all(allow[:90] > 0.03) and np.all(allow[211:] > 0.03)
    assert allow.max() == CAP                                   # the desk's model drop is 0.08: capped
    same = strain.pace_regularity_allowance(reg_b, cad_b, cad_b, vo_b * 1.1, vo_b, cv_b, cv_b, cfg)
    assert np.all(same == 0.0)
    # a dead-band: row noise under an unchanged pace is no slowdown (cadence −4 %, bounce −14 %: none)
    near_same = strain.pace_regularity_allowance(reg_b, cad_b * 0.96, cad_b, vo_b * 0.86, vo_b, cv_b, cv_b, cfg)
    assert np.all(near_same == 0.0)
    assert np.all(strain.pace_regularity_allowance(reg_b, cad_b * 0.95, cad_b, vo_b, vo_b, cv_b, cv_b, cfg) > 0.0)
    assert np.all(strain.pace_regularity_allowance(reg_b, cad_b, cad_b, vo_b * 0.85, vo_b, cv_b, cv_b, cfg) > 0.0)


def test_no_allowance_where_no_stride_cv_was_measured_within_a_minute():
    """A walk under ~a minute has no 60-s stride CV (NaN): 'not risen' there gave short walks the whole allowance
    (review D F1). A NaN row gets it only with a measured CV (under the rise) within pace_reg_cv_hold_rows rows."""
    n = 300
    cfg = strain.StrainConfig()
    reg_b, cad_b, vo_b, cv_b = (np.full(n, v) for v in (0.97, 92.0, 2.2, 1.2))
    cad, vo, cv = np.full(n, 76.0), np.full(n, 1.2), np.full(n, np.nan)
    assert np.all(strain.pace_regularity_allowance(reg_b, cad, cad_b, vo, vo_b, cv, cv_b, cfg) == 0.0)
    cv[200:] = 1.2                                              # measured from row 200
    allow = strain.pace_regularity_allowance(reg_b, cad, cad_b, vo, vo_b, cv, cv_b, cfg)
    assert np.all(allow[:140] == 0.0) and np.all(allow[140:] == CAP)


@pytest.mark.parametrize("seeds", [(1, 2), (3, 4)])
@pytest.mark.parametrize("context", [dict(walking_aid="desk"), dict(treadmill=True)], ids=["desk", "treadmill"])
def test_a_desk_set_slower_with_the_usual_step_variation_is_not_irregular_steps(seeds, context):
    """Truth: the pad turned down 92 → 76 spm after a stop, the same 2 % step-time variation all through (healthy).
    Before: 'Irregular steps / shuffling (mild) from 7:31 to 13:29' (step regularity 0.85 against the first walk's
    0.97 — the slower pace's, not the steps'). Now no flag."""
    res = imu_gait.analyze(_desk_walks(seeds, 0.02), **context)
    assert [f.id for f in res.flags] == [], [f.message for f in res.flags]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_slower_shuffle_whose_stride_cv_doubled_is_still_irregular_steps(seed):
    """Truth: at 5:00 a walker shuffles — 110 → 102.3 spm (−7 %), bounce 3.5 → 2.0 cm, step-time variation 1 → 2 %
    (stride CV doubles). 'Irregular steps' from within 35 s of 5:00 to the end of the walk (10:00, ±10 s), as before
    this change (the regularity drop beyond what the pace explains, or the stride CV)."""
    rec, _ = synthesize_walk(600, seed=seed, step_jitter=0.01,
                             segments=[(300.0, dict(cadence_spm=102.3, step_jitter=0.02, bounce_cm=2.0))])
    pace = [f for f in imu_gait.analyze(rec).flags if f.id == "pace_too_fast"]
    assert len(pace) == 1, [f.message for f in pace]
    assert 0.0 <= pace[0].start_s - 300.0 <= 35.0 and abs(pace[0].end_s - 596.0) <= 10.0, pace[0].message


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_tired_walkers_irregular_steps_stay_one_flag(seed):
    """Truth: from 5:00, over 200 s, 110 → 100 spm, bounce 3.5 → 3.0 cm, step-time variation 3 → 4.4 % (stride CV
    ×1.47, a 60-s estimate dipping under ×1.5 now and then). One 'Irregular steps' flag from before 7:00 to the walk's
    end (15:00, ±10 s) — an allowance that came and went with the CV broke it into 2–4 pieces."""
    rec, _ = synthesize_walk(900, seed=seed, step_jitter=0.03, ramp_s=200.0,
                             segments=[(300.0, dict(cadence_spm=100.0, step_jitter=0.044, bounce_cm=3.0))])
    pace = [f for f in imu_gait.analyze(rec).flags if f.id == "pace_too_fast"]
    assert len(pace) == 1, [f.message for f in pace]
    assert pace[0].start_s <= 420.0 and abs(pace[0].end_s - 896.0) <= 10.0, pace[0].message


@pytest.mark.parametrize("seed", [1, 2])
def test_a_slower_shuffle_in_short_walks_is_still_irregular_steps(seed):
    """Truth: a 6-min walk at 110 spm (1 % step-time variation), then five 40-s walks 20 s apart of the shuffle above
    (102.3 spm, 2.0 cm, 2 %: stride CV doubled). The 60-s stride CV is never measured in a 40-s walk; counted as
    'not risen' it gave them the whole allowance: 1 and 2 of the 5 flagged (review D F1; 5 of 5 before the
    allowance). Now ≥ 4 of 5 (measured 5 and 4)."""
    recs = [synthesize_walk(380, seed=seed, step_jitter=0.01, stand_s=10, stand_end_s=10)[0]]
    recs += [synthesize_walk(60, seed=seed * 100 + k, step_jitter=0.02, cadence_spm=102.3, bounce_cm=2.0, stand_s=10,
                             stand_end_s=10)[0] for k in range(5)]
    rec, spans = _concat(recs)
    pace = [f for f in imu_gait.analyze(rec).flags if f.id == "pace_too_fast"]
    flagged = [any(f.start_s < b - 10.0 and f.end_s > a + 10.0 for f in pace) for a, b in spans[1:]]
    assert sum(flagged) >= 4, [f.message for f in pace]
    assert not any(f.start_s < spans[0][1] - 20.0 for f in pace), [f.message for f in pace]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_uneven_step_heights_while_slowing_are_still_irregular_steps(seed):
    """Truth: at 5:00 the walker slows 110 → 93.5 spm (−15 %), bounce 3.5 → 2.5 cm, and each step's height varies
    ±35 % (uneven loading / scuffing) with the same 2 % step-time variation: the stride CV rises only ×1.0–1.4, so
    the allowance is not held off. Uncapped (0.07 here) it cut the flag to 75, 30 and 31 % of the rest of the walk
    (review D F2). 'Irregular steps' from within 30 s of 5:00, over ≥ 85 % of the rest (measured 95, 100, 93 %)."""
    rec, truth = synthesize_walk(600, seed=seed, step_jitter=0.02,
                                 segments=[(300.0, dict(cadence_spm=93.5, bounce_cm=2.5))])
    pace = [f for f in imu_gait.analyze(_uneven_heights(rec, truth, 300.0, 0.35, seed)).flags
            if f.id == "pace_too_fast"]
    assert pace and min(f.start_s for f in pace) - 300.0 <= 30.0, [f.message for f in pace]
    covered = sum(max(0.0, min(f.end_s, 596.0) - max(f.start_s, 305.0)) for f in pace)
    assert covered >= 0.85 * (596.0 - 305.0), [f.message for f in pace]
