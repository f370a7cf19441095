"""A sensor pinned at the end of its range (clipping) and a coarse resolution (audit s36, "sat" F1–F3).

Truth from the synthetic generator: the kinematics are exact, so the unclipped recording's peaks and twist are
known, and clipping is applied to the raw channels exactly as a sensor set to a small range does (np.clip at ±range).
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import imu_gait
from imu_gait.recording import G, clipping_warning, gyro_clipping_warning
from imu_gait.report.html import render_html
from imu_gait.report.text import render_text
from imu_gait.saturation import clipped_steps
from imu_gait.synthetic import synthesize_walk

DATASETS = Path(__file__).resolve().parent.parent / "datasets"


@pytest.fixture(scope="module")
def hard_run():
    """A 60-s run whose lower back peaks at 3.3 g (contact 0.17 s) and twists 40° per stride (~180 °/s) —
    within what real runners reach at the trunk (3–5 g; > 250 °/s). The short contacts' push alone peaks there:
    without the landing transient (impact_run_g 0), which would take it to 4.1 g, past the ±4-g range below."""
    rec, truth = synthesize_walk(60, seed=3, gait="run", contact_s=0.17, bounce_cm=10.0, twist_deg=40.0,
                                 impact_run_g=0.0)
    return rec, truth


def _clipped(rec, acc_g=None, gyro_dps=None):
    acc = rec.acc_mps2 if acc_g is None else np.clip(rec.acc_mps2, -acc_g * G, acc_g * G)
    gyro = rec.gyro_rads if gyro_dps is None else np.clip(rec.gyro_rads, -np.radians(gyro_dps), np.radians(gyro_dps))
    return replace(rec, acc_mps2=acc, gyro_rads=gyro, warnings=[])


def test_a_gyroscope_clipped_at_125_dps_is_warned_and_its_twist_marked(hard_run, tmp_path):
    """F1: a gyroscope at ±125 °/s under a 40° twist read twist 34° with no word at all. Truth: twist 40° (the
    unclipped analysis within 1°); clipped, the median twist is low by > 3° — and now the warning names the
    gyroscope, its ±125 °/s limit, the share of steps (every step of the run: ≥ 90 %) and a range to set
    (±500 °/s); summary["saturation"]["gyroscope"] says the same, in strict JSON, and the reports mark twist."""
    rec, truth = hard_run
    clean = imu_gait.analyze(rec)
    assert abs(np.nanmedian(clean.steps["trunk_twist_deg"]) - 40.0) < 1.0
    assert clean.summary["saturation"] is None
    res = imu_gait.analyze(_clipped(rec, gyro_dps=125))
    assert np.nanmedian(res.steps["trunk_twist_deg"]) < 37.0          # what clipping does (not the fix)
    sat = res.summary["saturation"]["gyroscope"]
    assert sat["limit"] == 125.0 and sat["unit"] == "deg/s" and sat["axes"] == ["z+", "z-"]
    assert sat["steps_pct"] >= 90.0 and "trunk_twist_deg" in sat["metrics"] and sat["set_range"] == "±500 °/s"
    assert res.summary["saturation"]["accelerometer"] is None
    said = [w for w in res.warnings if w.startswith("the gyroscope clipped:")]
    assert len(said) == 1 and "±125 °/s limit on" in said[0] and "twist" in said[0] and "±500 °/s" in said[0]
    res.write_json(tmp_path / "r.json")
    saved = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"),
                       parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert saved["summary"]["saturation"]["gyroscope"]["limit"] == 125.0
    assert "class='note clipped'>not trustworthy — the gyroscope hit its ±125 °/s limit" in render_html(res)
    twist_line = next(l for l in render_text(res, width=140).splitlines() if "Trunk twist" in l)
    assert "sensor range too small" in twist_line


def test_an_accelerometer_clipped_at_2g_marks_impact_and_bounce(hard_run):
    """F2: at ±2 g a 3.3-g run read impact 2.0 g (−38 %) and bounce −28 % as ordinary numbers, the clipping
    only in a free-text note. Truth: unclipped impact ≥ 3 g; clipped ≤ 2.0 g + its gravity-removal slack.
    Now summary["saturation"]["accelerometer"] = limit 2 g on the z+ axis, every step (≥ 90 %), impact and
    bounce listed, ±8 g suggested; one warning (the reading-time one worded again, not a second)."""
    rec, _ = hard_run
    assert np.nanmedian(imu_gait.analyze(rec).steps["impact_g"]) > 3.0
    res = imu_gait.analyze(_clipped(rec, acc_g=2))
    assert np.nanmedian(res.steps["impact_g"]) < 2.1
    sat = res.summary["saturation"]["accelerometer"]
    assert sat["limit"] == 2.0 and sat["unit"] == "g" and sat["axes"] == ["z+"] and sat["steps_pct"] >= 90.0
    assert {"impact_g", "vertical_oscillation_cm"} <= set(sat["metrics"]) and sat["set_range"] == "±8 g"
    said = [w for w in res.warnings if "accelerometer clipped" in w]
    assert len(said) == 1 and said[0].startswith("the accelerometer clipped: it hit its ±2 g limit on 100% of the steps")
    html = render_html(res)
    assert "Impact (peak vertical acceleration)</th>" in html
    impact_row = html.split("Impact (peak vertical acceleration)</th>", 1)[1].split("</tr>", 1)[0]
    assert "class='note clipped'" in impact_row and "under-read" in impact_row and "±8 g" in impact_row


@pytest.mark.parametrize("gait", ["walk", "run"])
def test_a_coarse_resolution_is_no_clipping(gait):
    """F3: 8 bits over ±8 g (62.5 mg steps) — nothing clipped — was warned "clipped: 2.0 % … z at +1.62 g"
    (walking's regular peaks repeat their rounded top) and, running, "z at −0.00 g" (the flight's free fall
    rounded to 0). Truth: no sample reaches ±8 g, so no clipping warning and summary["saturation"] null."""
    rec, _ = synthesize_walk(90, seed=1 if gait == "walk" else 2, gait=gait)
    lsb = 16 * G / 256
    coarse = replace(rec, acc_mps2=np.round(rec.acc_mps2 / lsb) * lsb, warnings=[])
    assert np.abs(coarse.acc_mps2).max() < 7 * G      # well inside ±8 g: no sample at a rail
    assert clipping_warning(coarse.acc_mps2) is None
    res = imu_gait.analyze(coarse)
    assert res.summary["saturation"] is None and not any("clipped" in w for w in res.warnings)


def test_the_ranges_a_trunk_does_not_reach_are_not_warned(hard_run):
    """No false warning: the same run at ±4 g / ±250 °/s (above its 3.3 g and ~180 °/s) touches no rail."""
    rec, _ = hard_run
    r = _clipped(rec, acc_g=4, gyro_dps=250)
    assert clipping_warning(r.acc_mps2) is None and gyro_clipping_warning(r.gyro_rads) is None


def test_the_bundled_clipped_phone_has_its_saturation_and_the_others_none():
    """The one bundled recording that is clipped (Oxford back-pocket phone, y at +4 g in ~95 flat tops) has
    summary["saturation"] naming it; the other seven have null."""
    for path in sorted(DATASETS.glob("*.csv")):
        rec = imu_gait.read(path)
        if "Dario_Hard_BackPocket" in path.name:
            sat = imu_gait.analyze(rec).summary["saturation"]
            assert sat["accelerometer"]["limit"] == 4.0 and sat["accelerometer"]["axes"] == ["y+"]
            assert sat["gyroscope"] is None and 20.0 < sat["accelerometer"]["steps_pct"] < 80.0
        else:
            assert clipping_warning(rec.acc_mps2) is None and gyro_clipping_warning(rec.gyro_rads) is None, path.name


def test_clipped_steps_are_the_steps_whose_span_holds_a_pinned_sample():
    """Exact truth: contacts at 0, 1, 2 s (bout 0) and 10 s (bout 1, step time 0.5 s); pinned samples at 1.5 s and
    10.4 s → steps 2 and 4 (the last step of a bout spans its own step time; the pause 2–10 s is no step)."""
    t = np.arange(0, 12, 0.1)
    pinned = np.isclose(t, 1.5) | np.isclose(t, 10.4) | np.isclose(t, 5.0)
    hit = clipped_steps(np.array([0.0, 1.0, 2.0, 10.0]), np.array([0, 0, 0, 1]), np.array([np.nan, 1.0, 1.0, 0.5]),
                        t, pinned)
    assert hit.tolist() == [False, True, False, True]


@pytest.mark.parametrize("range_g", [8, 2])
def test_a_coarse_runner_is_analysed_not_refused_as_a_stuck_axis(hard_run, range_g):
    """F4: 8 bits over ±8 g round the flight (free fall: 0 g on every axis) to exactly 0 for half the run — read
    as "the x axis … the z axis read exactly 0 … stuck" and the run refused. 8 bits over ±2 g hold the rail through
    every impact, in more than half of the samples outside the flight (a guard: leaving the free fall out of the
    stuck check instead read it 'stuck at +1.98 g'). Truth: the run has 118 contacts (the synthetic
    truth's); it is analysed, with every one found (±2) — a stuck axis holds its value for seconds, not 0.1–0.2 s."""
    rec, truth = hard_run
    lsb = 2 * range_g * G / 256
    coarse = replace(rec, acc_mps2=np.clip(np.round(rec.acc_mps2 / lsb) * lsb, -range_g * G, range_g * G - lsb),
                     warnings=[])
    res = imu_gait.analyze(coarse)
    assert abs(len(res.steps) - len(truth.steps)) <= 2
    assert (res.summary["saturation"] is not None) == (range_g == 2)


def test_a_clipped_walk_is_not_compared_as_a_change_of_the_walker():
    """The same runner at ±8 g (impact 3.3 g) and then at ±2 g (2.0 g, the limit): the comparison starred impact
    "−38 %" as the runner's change. Truth: the same runner — impact and bounce are not marked *, a note says the
    second hit its range, and cadence (unaffected by clipping) is compared as before (170 → 150 spm: marked)."""
    from imu_gait.compare import Session, compare_sessions, comparability_notes, unmarkable_keys
    sat = {"accelerometer": {"limit": 2.0, "unit": "g", "axes": ["z+"], "samples_pct": 24.0, "steps_pct": 100.0,
                             "metrics": ["impact_g", "vertical_oscillation_cm", "vertical_ratio_pct", "braking_mps"],
                             "set_range": "±8 g"}, "gyroscope": None}
    base = {"placement": "lower_back", "has_gyro": True, "gait": "run", "cadence_spm": 170.0,
            "cadence_spm_iqr": [169.0, 171.0], "impact_g": 3.3, "impact_g_iqr": [3.2, 3.4]}
    clipped = {**base, "impact_g": 2.0, "impact_g_iqr": [2.0, 2.0], "cadence_spm": 150.0, "saturation": sat}
    assert {"impact_g", "vertical_oscillation_cm"} <= unmarkable_keys(base, clipped)
    assert "impact_g" not in unmarkable_keys(base, {**base, "saturation": None})
    sessions = [Session("w1", {**base, "saturation": None}), Session("w2", clipped)]
    rows = compare_sessions(sessions).set_index("key")
    assert rows.loc["impact_g", "beyond_spread"] is None and rows.loc["impact_g", "beyond_repeat"] is None
    assert rows.loc["cadence_spm", "beyond_spread"] is True
    notes = comparability_notes(sessions)
    assert any(n.startswith("In w2 the sensor hit the end of its range") and "impact" in n for n in notes), notes
