"""A runner's and their coach's journeys through imu_gait: running recordings (synthetic truth) from a chest
strap or a waist belt, intervals, a treadmill run at a known belt speed, two runs compared.

Truth: :func:`imu_gait.synthetic.synthesize_walk` (running: a half-sine contact force of known duration, free
fall in flight, the forward speed lowest at mid-stance). Each test says what it caught before its fix.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import imu_gait
from imu_gait.compare import compare_sessions, render_comparison, session_from_result
from imu_gait.report.text import render_text
from imu_gait.strain import evaluate_flags
from imu_gait.synthetic import synthesize_walk

RUN = {"run": 1.0, "cadence_spm": 170, "bounce_cm": 8.0, "speed_mps": 3.0, "braking_mps": 0.25}
WALK = {"run": 0.0, "cadence_spm": 110, "bounce_cm": 3.5, "speed_mps": 1.3, "braking_mps": 0.15}


def flat(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------------------------ forward axis
@pytest.mark.parametrize("cadence_spm, contact_s", [(162.0, 0.22), (180.0, 0.20), (165.0, 0.23)])
def test_a_run_with_short_contacts_keeps_its_forward_direction(cadence_spm, contact_s):
    """Quick steps with short contacts, as many runners run (Garmin: GCT 218-308 ms at 153-183 spm). The
    synthetic run's forward speed fell over the whole half step after contact — into the flight, where no
    force acts — so at these contacts speed and height were a quarter cycle apart and the engine's running
    sign test read forward backwards: braking 0.00 m/s for 0.25 m/s of truth (162 spm / 0.22 s, 180 / 0.20)
    or a 'sensor turned 180°' in the middle of a run (165 / 0.23 at 1:56). With the speed lowest at
    mid-stance (the physics of a running contact) no sensor turn is reported, and braking is within
    0.03 m/s of the truth (it read 0.20-0.21 m/s, ~15 % low, until braking was measured from the force's
    contact start instead of the contact estimate, which sits ~25 ms into this load: now 0.24)."""
    rec, truth = synthesize_walk(180, gait="run", seed=5, cadence_spm=cadence_spm, contact_s=contact_s)
    res = imu_gait.analyze(rec)
    assert res.summary["sensor_turns"] == []
    truth_braking = float(truth.steps["braking_mps"].median())
    assert truth_braking == pytest.approx(0.25, abs=0.01)            # the truth is what was asked for
    assert abs(res.summary["braking_mps"] - truth_braking) <= 0.03, res.summary["braking_mps"]


# -------------------------------------------------------------------------------- baseline in words
def _walk_then_run():
    """7 min of walking whose bounce rises after 5 min (a baseline-relative flag), then 3.4 min of running."""
    return synthesize_walk(630, seed=11, segments=[(300, {"bounce_cm": 5.5}), (420, RUN)])


def test_the_baseline_text_gives_each_gait_its_own_length():
    """Walk → run: the strain rules take each gait's baseline from that gait's own time (walking: min(180 s,
    half of ~415 s) = 3 min; running: half of ~205 s ≈ 1:42), and the notes say so ('Running baseline from
    the first 102 s of running'), but the reports' "your baseline" sentence said 'the first 3 min 00 s of
    walking (and of running, for the running steps)' — half of *all* the walking and running time. Now it
    names each gait's own length, and the running one agrees with the strain note within 1 s."""
    rec, _ = _walk_then_run()
    res = imu_gait.analyze(rec)
    assert any(f.reference_kind == "baseline" for f in res.flags)
    note = next(n for n in res.summary["flag_notes"] if n.startswith("Running baseline from the first"))
    run_base_s = float(re.search(r"first (\d+) s of running", note).group(1))
    assert 90 <= run_base_s <= 110
    text = flat(render_text(res, width=200))
    m = re.search(r"how you walked in the first (\d+) min (\d+) s of walking and how you ran in the first "
                  r"(\d+) min (\d+) s of running in this recording", text)
    assert m, text[text.find("Your baseline") - 5:][:400]
    walk_s, ran_s = int(m[1]) * 60 + int(m[2]), int(m[3]) * 60 + int(m[4])
    assert walk_s == 180
    assert abs(ran_s - run_base_s) <= 1.0


def _run_with_more_bounce(**kw):
    """10 min of running whose contacts shorten after 5 min: more flight, more bounce (a relative flag)."""
    return synthesize_walk(600, gait="run", seed=12, gyro=False, segments=[(300, {"contact_s": 0.20})], **kw)


def test_an_outdoor_run_is_not_told_about_rails_or_how_it_walked():
    """A chest-strap run outdoors (accelerometer only) with a bounce flag: the baseline sentence said 'how you
    walked in the first 3 min 00 s of running' and 'If you were already holding the rails …' — there are no
    rails outdoors. Now 'how you ran', 'this run', and the rails only for a treadmill."""
    rec, _ = _run_with_more_bounce()
    res = imu_gait.analyze(rec, placement="chest")
    assert "vertical_bounce" in {f.id for f in res.flags}
    text = flat(render_text(res, width=200))
    assert "how you ran in the first 3 min 00 s of running" in text
    assert "how you walked" not in text
    assert "rails" not in text.split("Your baseline")[1]
    assert "became your normal for this run." in text
    on_belt = flat(render_text(imu_gait.analyze(rec, placement="chest", belt_speed_mps=3.0), width=200))
    assert "holding the rails" in on_belt.split("Your baseline")[1]


def test_a_baseline_note_does_not_claim_a_shortfall_it_does_not_show():
    """Half of a 359.6-s run is 179.8 s: the note read 'Running baseline from the first 180 s of running
    (asked for 180 s)' (the interval walk → 6-min run → walk of this audit). Only a shortfall that shows
    in whole seconds is noted; a real one still is (a 5-min run: 150 s)."""
    def run_steps(duration_s: float) -> pd.DataFrame:
        n = int(duration_s / 0.35)
        t = 10.0 + 0.35 * np.arange(n)
        return pd.DataFrame({"time_s": t, "step_time_s": np.full(n, 0.35), "stride_time_s": np.full(n, 0.70),
                             "cadence_spm": np.full(n, 171.4), "vertical_oscillation_cm": np.full(n, 7.5),
                             "gait": "run", "bout": 0})
    _, tl = evaluate_flags(run_steps(359.6))
    assert not [n for n in tl.attrs["notes"] if "Running baseline" in n], tl.attrs["notes"]
    _, tl = evaluate_flags(run_steps(300.0))
    assert any("Running baseline from the first 150 s of running (asked for 180 s)" in n for n in tl.attrs["notes"])


# --------------------------------------------------------------------------------- vertical ratio
def test_a_treadmill_runs_summary_shows_its_vertical_ratio():
    """A run at a known belt speed has a vertical ratio (bounce / step length, Garmin's running-dynamics
    figure with a published runners' range) in the JSON and HTML, but the terminal summary left it out.
    Now a 'Vertical ratio' line, within 0.8 points of the truth (truth bounce / (belt × step time)); a walk's
    terminal summary (pendulum step length) still has none."""
    rec, truth = synthesize_walk(240, 52.0, gait="run", gyro=False, seed=2)
    res = imu_gait.analyze(rec, placement="chest", belt_speed_mps=10 / 3.6)
    ts = truth.steps
    vr_truth = float(np.median(ts["vertical_oscillation_cm"] / (10 / 3.6 * ts["step_time_s"])))
    m = re.search(r"Vertical ratio +([\d.]+)%", render_text(res, width=200))
    assert m, render_text(res, width=200)
    assert abs(float(m[1]) - vr_truth) <= 0.8, (m[1], vr_truth)
    walk, _ = synthesize_walk(90, seed=2)
    assert "Vertical ratio" not in render_text(imu_gait.analyze(walk), width=200)


# ---------------------------------------------------------------------------------------- compare
def test_comparing_two_runs_shows_ground_contact_and_running_time():
    """A coach comparing two runs: the table had cadence, bounce, braking, impact … but no ground contact
    time — a running figure the report shows for each run — and called the runs' time 'Walking time'.
    (Added with it: the explanation must not list the new rows as 'never marked', which running rows are not;
    and a run's speed on a belt is 'Speed', not 'Walking speed'.)
    Truth: contacts of 0.25 s and then 0.30 s (the same cadence): the row reads each within 25 ms (100-Hz
    samples are 10 ms apart, and the contact is timed from a 0.15-g crossing: 240 / 280 ms) and the change
    +50 ± 25 ms; the time row is 'Running time'. Comparing two walks shows neither new row."""
    runs = [synthesize_walk(150, gait="run", seed=s, contact_s=c)[0] for s, c in ((1, 0.25), (2, 0.30))]
    sessions = [session_from_result(imu_gait.analyze(r), lab) for r, lab in zip(runs, ("easy", "tired"))]
    table = compare_sessions(sessions)
    gct = table[table["key"] == "ground_contact_ms"].iloc[0]
    assert abs(gct["easy"] - 250) <= 25 and abs(gct["tired"] - 300) <= 25, gct
    assert abs(gct["change"] - 50) <= 25
    text = flat(render_comparison(table))
    assert "Running time" in text
    # on a belt a run has a speed, and it is not a 'walking speed'
    belt = [session_from_result(imu_gait.analyze(r, belt_speed_mps=3.0), lab) for r, lab in zip(runs, ("a", "b"))]
    bt = compare_sessions(belt)
    assert bt.loc[bt["key"] == "walking_speed_mps", "row"].tolist() == ["Speed"]
    # its * follows the middle-half test like every running row: it is not among the rows 'never marked'
    assert "Stride-time variability and step-time asymmetry are never marked" in text
    walks = [session_from_result(imu_gait.analyze(synthesize_walk(90, seed=s)[0]), f"w{s}") for s in (1, 2)]
    wt = compare_sessions(walks)
    assert not {"ground_contact_ms", "vertical_ratio_pct"} & set(wt["key"])
    assert "Walking time" in set(wt["row"])


# --------------------------------------------------------------------------- bounce while speeding up
def test_a_bounce_flag_while_the_run_speeds_up_says_so_instead_of_asking_for_quicker_steps():
    """A run that speeds up after 7 min (cadence 170 → 182 spm, contacts 0.25 → 0.19 s) and lands harder (its
    impact transient 2.5 → 3.5 g: impact +41 %, as the real surge's hardest landings rose 42 %; since the
    synthetic runner has an impact transient, shorter contacts alone raise the trunk's peak only 13 %), so
    the bounce flag fires — and told the runner to 'try slightly quicker, shorter
    steps', which they had just done (real: the adeptdata run's finishing surge, impact +50 % at cadence
    +9 %, 'marked'). Off a belt the speed is unknown, but the cadence says it rose: the cause now names the
    cadence change (170 → 182 spm, within 2 spm and 2 points of the truth) and the likely faster pace; the
    advice no longer asks for quicker steps. At an unchanged cadence (shorter contacts only) the words stay."""
    rec, truth = synthesize_walk(600, gait="run", seed=13, gyro=False,
                                 segments=[(420, {"cadence_spm": 182, "contact_s": 0.19, "speed_mps": 4.0,
                                                "impact_run_g": 3.5})])
    res = imu_gait.analyze(rec, placement="chest")
    f = next(f for f in res.flags if f.id == "vertical_bounce")
    m = re.search(r"cadence was also (\d+) % above your baseline here \((\d+) → (\d+) spm\)", f.cause)
    assert m, f.cause
    assert abs(int(m[2]) - 170) <= 2 and abs(int(m[3]) - 182) <= 2 and abs(int(m[1]) - 7) <= 2
    assert "quicker, shorter steps" not in f.advice
    rec, _ = _run_with_more_bounce()
    same = next(f for f in imu_gait.analyze(rec, placement="chest").flags if f.id == "vertical_bounce")
    assert "cadence was also" not in same.cause and "quicker, shorter steps" in same.advice


ADEPT = __import__("pathlib").Path(__file__).resolve().parents[2] / "shared" / "datasets_raw" / "adeptdata_running" / "acc_running.rda"


@pytest.fixture(scope="module")
def adept_run():
    """The adeptdata run analysed as benchmarks/running.py does (its loader checks the documented facts)."""
    if not ADEPT.exists():
        pytest.skip("adeptdata acc_running (GPL-3) is read in place from ../shared")
    import sys
    root = __import__("pathlib").Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(root), str(root / "benchmarks")]
    try:
        from benchmarks.running import DATA, analyse, load
    finally:
        del sys.path[:2]
    d = load(DATA)
    return analyse(d["left_hip"], d["left_hip_t"] - d["left_hip_t"][0])


def test_a_real_runs_finishing_surge_is_named_as_speed(adept_run):
    """Real: the adeptdata 25-min run (hip belt, accelerometer only, GPL-3, read in place by
    benchmarks/running.py's loader). Its bounce flags: one at the baseline's cadence (+2 % by the benchmark's
    independent stride autocorrelation; bounce +34 %, hardest landings +16 %) and a marked one at 23:05-23:53,
    where the independent cadence is 171-178 spm against 157 in the first 3 min — a finishing surge. That one
    now names the cadence rise (within 3 points of the independent +9-13 %) and does not ask for quicker
    steps; the other keeps the usual words. (Two more, mild, on impact alone went with the per-foot impact:
    the one-sided hip's step medians flipped between the feet's 4.3 and 2.5 g.)"""
    bounce = [f for f in adept_run.flags if f.id == "vertical_bounce"]
    surge = [f for f in bounce if f.start_s > 1300]
    assert len(surge) == 1 and len(bounce) >= 2
    m = re.search(r"cadence was also (\d+) % above", surge[0].cause)
    assert m and 6 <= int(m[1]) <= 16, surge[0].cause
    assert "quicker, shorter steps" not in surge[0].advice
    for f in bounce:
        if f is not surge[0]:
            assert "cadence was also" not in f.cause and "quicker, shorter steps" in f.advice


# ------------------------------------------------------------------------------------- HTML report
def test_a_runs_html_report_draws_ground_contact_over_time():
    """Ground contact time is the running figure that tiring lengthens, and the report lists it per run, but
    'Metrics over time' drew cadence, bounce, twist … and no ground contact: a coach could not see it change
    over a run. Truth: contacts 0.25 s for 5 min, then 0.20 s — the panel's smoothed line reads each within
    20 ms. A walk (no running steps) gets no such panel."""
    from imu_gait.report.common import build_overview
    from imu_gait.report.html import metrics_over_time_figure

    rec, _ = _run_with_more_bounce()
    res = imu_gait.analyze(rec, placement="chest")
    fig, _ = metrics_over_time_figure(res, build_overview(res))
    ax = next((a for a in fig.axes if a.get_ylabel() == "Ground contact time (ms)"), None)
    assert ax is not None, [a.get_ylabel() for a in fig.axes]
    t, y = (np.asarray(v, float) for v in ax.lines[0].get_data())
    ok = np.isfinite(y)
    assert abs(np.median(y[ok & (t > 60) & (t < 280)]) - 250) <= 20
    assert abs(np.median(y[ok & (t > 340) & (t < 590)]) - 200) <= 20
    walk = imu_gait.analyze(synthesize_walk(90, seed=3)[0])
    fig, _ = metrics_over_time_figure(walk, build_overview(walk))
    assert "Ground contact time (ms)" not in [a.get_ylabel() for a in fig.axes]


# ------------------------------------------------------------------------------ pace in a run's words
def test_a_runs_uneven_step_timing_is_told_in_running_words(adept_run):
    """The pace flag's words were walking's for a run too: 'faster than you can walk smoothly or when you start
    to shuffle', 'pick the feet up'. Real: the adeptdata run had a pace flag (11:30-12:23, step regularity 0.42 vs
    0.53 at the mean lag; gone since regularity is the autocorrelation's peak near the lag: any it has is checked).
    Synthetic: a 110-s run with 8 % step-time jitter (stride CV 5.0 %: the absolute fallback). Both
    speak of the run and its pace; a walk with the same jitter keeps the walking words."""
    real = [f for f in adept_run.flags if f.id == "pace_too_fast"]
    rec, _ = synthesize_walk(110, gait="run", seed=4, step_jitter=0.08)
    synth = [f for f in imu_gait.analyze(rec, placement="chest").flags if f.id == "pace_too_fast"]
    assert synth and synth[0].reference_kind == "absolute"
    for f in real + synth:
        assert "walk smoothly" not in f.cause and "shuffle" not in f.cause, f.cause
        assert "run" in f.cause and "pick the feet up" not in f.advice, (f.cause, f.advice)
    walk, _ = synthesize_walk(110, seed=4, step_jitter=0.08)
    wf = [f for f in imu_gait.analyze(walk).flags if f.id == "pace_too_fast"]
    assert wf and "walk" in wf[0].cause and "your run" not in wf[0].cause


# ------------------------------------------------------------------------ a treadmill walk-run session
def test_a_walk_run_session_given_the_running_belt_speed_is_told_to_give_a_schedule():
    """Treadmill: 4 min walking, 6 min running at 10 km/h, 3 min walking, analysed with --belt-speed-kmh 10 (one
    speed for the session). The walking steps at that belt speed are 1.52 m long — no one walks like that — and the
    note said 'was the speed in km/h? Give it with --belt-speed-kmh', which the runner had done. The running steps
    fit the belt (0.98 m at 170 spm; truth 2.78 m/s × 0.353 s), so the belt ran slower while walking: the note now
    says so and points to a --treadmill-schedule. A belt speed typed in km/h into the m/s option (5 for a walk)
    still gets the unit note."""
    rec, _ = synthesize_walk(800, seed=4, segments=[(240, RUN), (600, WALK)])
    res = imu_gait.analyze(rec, belt_speed_mps=10 / 3.6)
    note = next(w for w in res.warnings if "1.52-m steps" in w)
    assert "--treadmill-schedule" in note and "run slower while you walked" in note and "was the speed in km/h" not in note
    m = re.search(r"running steps fit it \((\d\.\d\d) m\)", note)
    assert m and abs(float(m[1]) - 10 / 3.6 * 60 / 170) <= 0.03
    walk, _ = synthesize_walk(120, seed=4)
    slip = " ".join(imu_gait.analyze(walk, belt_speed_mps=5.0).warnings)
    assert "was the speed in km/h" in slip and "--treadmill-schedule" not in slip


# ----------------------------------------------------------------------- a short run's low cadence
def test_a_short_runs_low_cadence_is_not_called_over_striding_outright(adept_run):
    """A run too short for a personal baseline (< 2 min of running) is judged on the general cadence limit, 164 spm
    — Garmin's 30th percentile of runners (gait-science.md §1.2) — and was told its low cadence 'usually means long
    steps that land ahead of the body'. The real healthy adeptdata runner ran 154-160 spm for 25 min (benchmark's
    independent cadence), so the first 100 s of that run — a real cadence below the limit — got the flag. Now the
    cause says what the limit is (about 7 in 10 runners step quicker), that a low cadence *often* goes with long
    braking steps but is common at an easy pace, and that the run was too short to compare with the runner's own."""
    first = adept_run.steps
    first = first[(first["gait"] == "run") & (first["time_s"] < first["time_s"].iloc[0] + 100)]
    assert 150 <= first["cadence_spm"].median() <= 163
    flags, _ = evaluate_flags(first, placement="hip", has_gyro=False)
    f = next(f for f in flags if f.id == "overstriding")
    assert f.reference_kind == "absolute"
    assert "usually means" not in f.cause and "7 in 10 runners" in f.cause and "easy pace" in f.cause


# ----------------------------------------------------------------------------- interval time per gait
def test_an_interval_summary_says_how_long_each_gait_lasted():
    """Walk 4 min → run 6 min → walk 3 min: the summary said '791 walking steps, 1019 running steps' and one
    'Walking and running time 13 min 11 s' — not how long the runner ran, a coach's first question about an
    interval session. Now each gait's time beside its steps, within 5 s of the truth (the sum of the truth's
    step times per gait: walking 7 min 12 s, running 6 min 00 s)."""
    rec, truth = synthesize_walk(800, seed=4, segments=[(240, RUN), (600, WALK)])
    text = flat(render_text(imu_gait.analyze(rec), width=200))
    m = re.search(r"(\d+) walking steps \((\d+) min (\d+) s\), (\d+) running steps \((\d+) min (\d+) s\)", text)
    assert m, text[:1500]
    ts = truth.steps
    for g, (mm, ss) in (("walk", (m[2], m[3])), ("run", (m[5], m[6]))):
        assert abs(int(mm) * 60 + int(ss) - ts.loc[ts["gait"] == g, "step_time_s"].sum()) <= 5, g


# --------------------------------------------------------------------------------- lean reference
def test_forward_lean_says_it_is_against_the_first_steps_not_upright():
    """The summary called forward lean 'vs your upright posture', but the engine's reference is the trunk's tilt
    over the first steady steps. Truth: a runner who stood upright for 5 s, then ran leaning 8° from the first
    stride (a common running lean, Teng & Powers: 3.6-10.8°) reads -0.3° — 'upright' told the coach the runner ran
    upright. The lean (0 ± 0.5° against the first steps, which is what is measured) is unchanged; the words now say
    what it is measured against."""
    rec, truth = synthesize_walk(120, gait="run", seed=4, segments=[(3.0, {"lean_deg": 8.0})], ramp_s=1.0)
    res = imu_gait.analyze(rec, placement="chest")
    assert truth.steps["forward_lean_deg"].median() == pytest.approx(8.0, abs=0.1)
    assert abs(res.summary["forward_lean_deg"]) <= 0.5
    text = flat(render_text(res, width=200))
    assert "vs your upright posture" not in text and "vs your first steps" in text
    from imu_gait.report.html import render_html
    assert "tilt in your first steady steps" in render_html(res)


def test_a_short_uneven_run_is_compared_with_even_running():
    """A 110-s run with 12 % step-time asymmetry (truth) is judged on the general limit (> 6 %), and its cause said
    'more than in even walking'. Now 'even running'; a walk keeps 'even walking'."""
    rec, _ = synthesize_walk(110, gait="run", seed=4, asymmetry=0.12)
    f = next(f for f in imu_gait.analyze(rec, placement="chest").flags if f.id == "asymmetry")
    assert f.reference_kind == "absolute" and "even running" in f.cause and "walking" not in f.cause
    walk, _ = synthesize_walk(110, seed=4, asymmetry=0.12)
    w = next(f for f in imu_gait.analyze(walk).flags if f.id == "asymmetry")
    assert "even walking" in w.cause


# ------------------------------------------------------------------------ treadmill walk-run schedule
def test_a_walk_run_schedule_does_not_say_fatigue_was_judged_without_cadence():
    """Treadmill walk 5 km/h → run 10 km/h → walk 5 km/h with a --treadmill-schedule (Polar H10-like: 52 Hz, no
    gyro). Each gait is judged against its own baseline and belt, but the note 'Where the belt ran 10 % or more
    faster or slower than during your baseline, fatigue was judged without cadence and bounce' appeared: the
    schedule switches at 4:00 and the runner's stride ~1.5 s later, so a second of walking steps sat on the running
    belt. A change shorter than a flag's hold (20 s) now goes unmentioned; a walk whose belt really ran faster for 5
    minutes still gets the note."""
    from imu_gait.treadmill import TreadmillSchedule
    run = {**RUN, "speed_mps": 10 / 3.6}
    walk = {**WALK, "speed_mps": 5 / 3.6}
    rec, _ = synthesize_walk(800, 52.0, seed=8, gyro=False, speed_mps=5 / 3.6, segments=[(240, run), (600, walk)])
    sched = TreadmillSchedule.from_stages([(0, 5 / 3.6, 0), (240, 10 / 3.6, 0), (600, 5 / 3.6, 0)])
    notes = imu_gait.analyze(rec, placement="chest", treadmill_schedule=sched).summary["flag_notes"]
    assert not [n for n in notes if "judged without cadence and bounce" in n], notes
    rec, _ = synthesize_walk(720, 52.0, seed=8, gyro=False, speed_mps=4.7 / 3.6,
                             segments=[(300, {"speed_mps": 5.5 / 3.6, "cadence_spm": 116})])
    sched = TreadmillSchedule.from_stages([(0, 4.7 / 3.6, 0), (300, 5.5 / 3.6, 0)])
    notes = imu_gait.analyze(rec, placement="chest", treadmill_schedule=sched).summary["flag_notes"]
    assert [n for n in notes if "judged without cadence and bounce" in n], notes


# ------------------------------------------------------------------------------ regularity of a run
def test_a_runs_step_regularity_is_not_judged_against_walkings_range(adept_run):
    """Step regularity's 'typical range' 0.6–0.9 is healthy adults' *walking* (gait-science.md §3), but it was used
    for runs too: the real adeptdata hip run (0.50, a one-sided belt) read 'below the typical running range
    (0.6–0.9)' in the warning colour. No running range is published: the row now says so, as the other running
    rows without one do; a walk is still judged against 0.6–0.9."""
    from imu_gait.report.common import build_overview
    row = {r.column: r for r in build_overview(adept_run).metrics}["step_regularity"]
    assert 0.4 <= row.median <= 0.6
    assert row.status == "norange" and "running range" in row.note and "below" not in row.note
    walk = imu_gait.analyze(synthesize_walk(90, seed=3)[0])
    wrow = {r.column: r for r in build_overview(walk).metrics}["step_regularity"]
    assert "0.6–0.9" in wrow.note and wrow.status == "ok"


# ------------------------------------------------------------------------------------- live cues
def _live_cues(rec, every_s: float = 5.0) -> dict[str, list[float]]:
    """Feed ``rec`` to a GaitEngine in 1-s chunks as the live path does; flag ids cued (active) → the times."""
    eng = imu_gait.GaitEngine(fs_hz=rec.sample_rate_hz, has_gyro=rec.has_gyro)
    n = int(rec.sample_rate_hz)
    cues: dict[str, list[float]] = {}
    for i in range(0, rec.n_samples, n):
        sl = slice(i, i + n)
        eng.feed(rec.time_s[sl], rec.acc_mps2[sl], None if rec.gyro_rads is None else rec.gyro_rads[sl])
        t = float(rec.time_s[min(i + n, rec.n_samples) - 1])
        if t % every_s < 1.0:
            for f in eng.live_status()["active_flags"]:
                cues.setdefault(f"{f.id}:{f.reference_kind}", []).append(t)
    return cues, eng.finish()


def test_a_runner_is_not_cued_over_striding_while_their_baseline_forms():
    """Live, a 158-spm run (a common easy pace; the healthy adeptdata runner's) was cued 'Over-striding: raise your
    cadence by 5-10 %' from 0:30 to 2:00 — judged on the general 164-spm limit while no running baseline existed yet —
    then the cue stopped and the report had no flag (a run of 2 min or more is judged against its own first minutes).
    The running-only general limits are no longer cued live; the report is unchanged (a 100-s run still gets its
    absolute flag there), and a change from the baseline is still cued (shorter contacts after 5 min: bounce)."""
    rec, _ = synthesize_walk(200, gait="run", seed=4, cadence_spm=158)
    cues, res = _live_cues(rec)
    assert not [k for k in cues if k.startswith("overstriding")], cues
    assert not res.flags
    short, _ = synthesize_walk(110, gait="run", seed=4, cadence_spm=158)
    cues, res = _live_cues(short)
    assert not cues and [f.id for f in res.flags] == ["overstriding"]
    rec, _ = _run_with_more_bounce()
    cues, res = _live_cues(rec, every_s=10.0)
    assert min(cues.get("vertical_bounce:baseline", [np.inf])) < 420, cues


def test_a_runner_who_starts_favouring_one_leg_mid_run_is_flagged_against_their_own_balance():
    """A 10-min run whose ground-contact balance goes 50 % → 54 % at 5:00 (left contacts 260 ms, right 220 ms):
    gait-science §7 gives GCT balance a relative trigger (baseline + 2 points), but it was judged only in runs
    too short for a baseline — a 90-s run at 54 % was 'marked', this one raised nothing (review). Truth: the
    flag starts within 30 s of 5:00 on the balance, against a baseline of 50 % (±0.5), quoting ~54 % (±1)."""
    rec, _ = synthesize_walk(600, gait="run", seed=1, step_jitter=0.012, segments=[(300.0, {"contact_balance": 0.08})])
    res = imu_gait.analyze(rec)
    f = next(f for f in res.flags if f.id == "asymmetry")
    assert f.metric == "gct_balance_long_side_pct" and f.reference_kind == "baseline"
    assert abs(f.start_s - 300.0) <= 30.0 and abs(f.reference - 50.0) <= 0.5 and abs(f.value - 54.0) <= 1.0
