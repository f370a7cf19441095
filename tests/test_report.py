"""Report sinks (text summary, steps CSV, HTML) on a hand-built AnalysisResult with known values.

The fixture is a realistic 10-minute lower-back recording: three walking bouts at a known
cadence, alternating left/right steps, bounce that rises in the last bout, and two flags.
Every number the renderers print is checked against the values the fixture was built from.
"""
from __future__ import annotations

import io
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imu_gait.report import render_html, render_text, steps_frame, write_html, write_steps_csv
from imu_gait.report.common import (build_overview, flag_evidence, fmt_clock, fmt_duration, metric_display,
                                    walking_line)
from imu_gait.report.html import smoothed_series
from imu_gait.report.text import print_summary
from imu_gait.result import STEP_COLUMNS, AnalysisResult, Flag

BOUTS_S = ((10.0, 190.0), (220.0, 400.0), (430.0, 590.0))
STEP_TIME_S = 0.545          # → 110.1 spm
ANSI = re.compile(r"\x1b\[")


def make_steps(*, gyro: bool = True, bouts=BOUTS_S, step_time_s: float = STEP_TIME_S, seed: int = 1,
               gait: str = "walk") -> pd.DataFrame:
    """Per-step table as the engine produces it (STEP_COLUMNS), with controlled values."""
    rng = np.random.default_rng(seed)
    rows = []
    for b, (start, end) in enumerate(bouts):
        n = int((end - start) / step_time_s)
        st = step_time_s + rng.normal(0, 0.012, n)
        t = start + np.concatenate([[0.0], np.cumsum(st[1:])])
        for i in range(n):
            vo = 3.5 + rng.normal(0, 0.25) + (1.6 if b == 2 else 0.0)   # bounce rises in bout 3
            sl = 0.68 + rng.normal(0, 0.03)
            rows.append({
                "time_s": t[i], "bout": b, "gait": gait, "side": "LR"[i % 2],
                "step_time_s": np.nan if i == 0 else st[i],
                "stride_time_s": np.nan if i < 2 else st[i] + st[i - 1],
                "cadence_spm": np.nan if i == 0 else 60.0 / st[i],
                "vertical_oscillation_cm": vo, "step_length_m": sl, "vertical_ratio_pct": vo / (sl * 100) * 100,
                "trunk_twist_deg": (10.0 + rng.normal(0, 1.2)) if gyro else np.nan,
                "forward_lean_deg": 2.0 + rng.normal(0, 0.8),
                "lateral_sway_cm": 3.0 + rng.normal(0, 0.3),
                "pelvic_drop_deg": (4.0 + rng.normal(0, 0.5)) if gyro else np.nan,
                "braking_mps": 0.08 + rng.normal(0, 0.01), "impact_g": 1.45 + rng.normal(0, 0.05),
                "ground_contact_ms": np.nan if gait == "walk" else 250 + rng.normal(0, 10),
                "step_regularity": 0.80 + rng.normal(0, 0.02), "stride_regularity": 0.86 + rng.normal(0, 0.02),
                "symmetry": 0.93 + rng.normal(0, 0.02),
            })
    return pd.DataFrame(rows, columns=list(STEP_COLUMNS))


FLAGS = [
    Flag(id="vertical_bounce", start_s=450.0, end_s=590.0, severity="moderate", metric="vertical_oscillation_cm",
         value=5.1, reference=3.5, reference_kind="baseline", threshold=4.2,
         message="Bounce well above your baseline for 2 min 20 s",
         cause="pushing off hard and lifting the body each step, often when hurrying",
         advice="take slightly quicker, shorter steps and let the hips glide forward"),
    Flag(id="trunk_twist_guarding", start_s=250.0, end_s=330.0, severity="mild", metric="trunk_twist_deg",
         value=5.5, reference=10.0, reference_kind="baseline", threshold=6.0,
         message="Trunk twist 5.5°, 45 % below your baseline of 10.0° <held stiff>",
         cause="holding the trunk stiff (guarding) or gripping a rail",
         advice="let the arms swing freely and the shoulders turn a little against the hips"),
]
WARNINGS = ["2 gap(s) in the samples, longest 180 ms, 0.31 s without data in total"]


def make_result(*, gyro: bool = True, flags=FLAGS, steps: pd.DataFrame | None = None, **kw) -> AnalysisResult:
    steps = make_steps(gyro=gyro, **kw) if steps is None else steps
    bouts = (steps.groupby("bout")["time_s"].agg(start_s="min", end_s="max").reset_index()
             if len(steps) else pd.DataFrame())
    if len(bouts):
        bouts["end_s"] += STEP_TIME_S
        bouts["duration_s"] = bouts["end_s"] - bouts["start_s"]
    summary = {"source": "datasets/example_walk.csv", "n_steps": int(len(steps)), "duration_s": 600.0,
               "cadence_spm": float(np.nanmedian(steps["cadence_spm"])) if len(steps) else None,
               "sample_rate_hz": 100.0, "has_gyro": gyro, "placement": "lower_back"}
    return AnalysisResult(steps=steps, summary=summary, flags=list(flags), warnings=list(WARNINGS), bouts=bouts)


@pytest.fixture(scope="module")
def result() -> AnalysisResult:
    return make_result()


# ---------------------------------------------------------------- helpers
def test_clock_and_duration_formats():
    assert fmt_clock(0) == "0:00"
    assert fmt_clock(450.0) == "7:30"
    assert fmt_clock(3725.4) == "1:02:05"
    assert fmt_duration(45.2) == "45 s"
    assert fmt_duration(125) == "2 min 05 s"
    assert fmt_duration(4380) == "1 h 13 min"
    assert fmt_duration(46.5) == "47 s" and fmt_duration(2.5) == "3 s"    # halves up, not to even


def test_walking_time_reads_the_same_in_the_summary_and_the_flag_note():
    """The demo (HA001 daily): 46.5 s of walking printed as '46 s' in the summary and '47 s' in the note
    on why no personal baseline was set."""
    import imu_gait
    from pathlib import Path
    res = imu_gait.analyze(imu_gait.read(Path(__file__).resolve().parents[1] / "datasets" / "mobgap_HA001_daily.csv"))
    text = " ".join(render_text(res).split())
    walked = re.search(r"Walking time (\d+) s", text).group(1)
    noted = re.search(r"Only (\d+) s of walking", text).group(1)
    assert walked == noted == "47", (walked, noted)


def test_overview_numbers_match_the_steps(result):
    ov = build_overview(result)
    steps = result.steps
    assert ov.n_steps == len(steps)
    assert ov.n_bouts == 3
    assert ov.walking_time_s == pytest.approx(sum(b - a for a, b in BOUTS_S), abs=3 * STEP_TIME_S)
    rows = {r.column: r for r in ov.metrics}
    cad = steps["cadence_spm"].dropna()
    assert rows["cadence_spm"].median == pytest.approx(np.median(cad))
    assert rows["cadence_spm"].p25 == pytest.approx(np.percentile(cad, 25))
    assert rows["cadence_spm"].median == pytest.approx(60 / STEP_TIME_S, abs=1.0)   # truth ±1 spm
    assert rows["cadence_spm"].status == "ok"
    assert rows["step_time_s"].median == pytest.approx(STEP_TIME_S * 1000, abs=5)   # shown in ms
    assert "ground_contact_ms" not in rows                                          # walking: not shown


def test_step_time_note_describes_the_median_step_time_shown(result):
    """The Step time row shows the median step time (summary step_time_s), not 60 000 / cadence (the
    cadence is per stride and pooled differently, so the two differ): the note says what is shown."""
    row = {r.column: r for r in build_overview(result).metrics}["step_time_s"]
    assert "median time from one contact to the next" in row.note
    assert "cadence" not in row.note
    page = render_html(result)
    assert "60 000 / cadence" not in page and "median time from one contact to the next" in page


def test_stride_variability_line_says_when_it_was_not_judged(result):
    """The walking lines give the steady-walking stride CV, or say plainly that there was too
    little steady walking (here: every stride turning) — never a number from turns and stops."""
    ov = build_overview(result)
    lines = dict(walking_line(ov))
    assert lines["Stride-time variability"].startswith(f"{ov.stride_cv_pct:.1f} % — ")
    turning = result.steps.assign(heading_change_deg=90.0)
    ov = build_overview(make_result(steps=turning))
    assert math.isnan(ov.stride_cv_pct)
    assert dict(walking_line(ov))["Stride-time variability"].startswith("not judged — too little steady walking")


def test_twist_and_sway_medians_leave_out_turning_strides(result):
    """A fifth of the strides turn (heading 60°) with twice the twist and sway: the key-metric medians
    are those of the other strides; the rest of the table is unchanged."""
    steps = result.steps.copy()
    turning = np.zeros(len(steps), bool)
    turning[10::15] = True
    steps["heading_change_deg"] = np.where(turning, 60.0, 1.0)
    near = turning | np.r_[False, turning[:-1]] | np.r_[turning[1:], False]   # and their neighbours
    for k in ("trunk_twist_deg", "lateral_sway_cm"):
        steps.loc[near, k] *= 2.0
    rows = {r.column: r for r in build_overview(make_result(steps=steps)).metrics}
    for k in ("trunk_twist_deg", "lateral_sway_cm"):
        assert rows[k].median == pytest.approx(np.nanmedian(steps.loc[~near, k]))
        assert rows[k].median < np.nanmedian(steps[k])          # the turns would have raised it
    assert rows["cadence_spm"].median == pytest.approx(np.nanmedian(steps["cadence_spm"]))


def test_range_notes_follow_gait_science_ranges():
    slow = make_result(step_time_s=0.65)      # 92 spm, below walking 100–120
    rows = {r.column: r for r in build_overview(slow).metrics}
    assert rows["cadence_spm"].status == "low"
    assert "below the typical walking range (100–120 spm)" in rows["cadence_spm"].note
    run = make_result(step_time_s=0.36, gait="run")    # 167 spm running → within 153–183
    rows = {r.column: r for r in build_overview(run).metrics}
    assert rows["cadence_spm"].status == "ok"
    assert "running range (153–183 spm)" in rows["cadence_spm"].note
    assert rows["vertical_oscillation_cm"].status == "low"     # 3.5–5 cm is low for running
    assert rows["ground_contact_ms"].median == pytest.approx(250, abs=5)


# ---------------------------------------------------------------- text summary
def test_text_summary_content(result):
    text = render_text(result, width=110)
    assert not ANSI.search(text)
    for expected in ("datasets/example_walk.csv", "10 min 00 s", "100 Hz", "Gyroscope", "lower back",
                     f"{len(result.steps)}", "8 min 39 s (87 % of the recording)"):
        assert expected in text, expected
    cad = np.median(result.steps["cadence_spm"].dropna())
    assert f"{cad:.0f} spm" in text
    assert "typical (walking 100–120 spm)" in text
    # flags: title, when, severity, message, cause, advice; sorted by start time
    assert "Stiff trunk (guarding)  4:10–5:30  mild" in text       # the title the flag's message uses
    assert "Vertical bounce / hard landings  7:30–9:50  moderate" in text
    assert text.index("Stiff trunk (guarding)") < text.index("Vertical bounce")
    for f in FLAGS:
        assert f.cause in text.replace("\n", " ").replace("    ", " ") or f.cause[:40] in text
    assert "Likely cause:" in text and "What to try:" in text
    assert "longest 180 ms" in text
    flat = " ".join(text.split())
    for words in ("not a diagnosis", "pain spreading down a leg", "numbness or tingling", "weakness in a leg",
                  "bladder or bowel", "fever", "weight loss"):
        assert words in flat, words
    assert flat.rstrip().endswith("does not ease within a few weeks is also a reason to be seen.")


def test_repeated_flags_are_grouped_once_per_pattern():
    again = Flag(**{**FLAGS[0].__dict__, "start_s": 100.0, "end_s": 150.0, "severity": "mild",
                    "message": "Bounce 4.4 cm for 50 s"})
    text = render_text(make_result(flags=[*FLAGS, again]), width=120)
    assert "Flags (2 patterns, 3 stretches)" in text
    assert "Vertical bounce / hard landings  1:40–2:30, 7:30–9:50  moderate" in text      # worst severity of the two
    assert text.count(FLAGS[0].advice) == 1
    assert FLAGS[0].message in text and "Bounce 4.4 cm for 50 s" not in text  # the worst one's message
    page = render_html(make_result(flags=[*FLAGS, again]))
    assert "Bounce 4.4 cm for 50 s" in page and page.count(FLAGS[0].advice) == 1


def test_evidence_units_come_from_metric_names():
    f = Flag(id="asymmetry", start_s=0, end_s=30, severity="mild", metric="step_time_asymmetry_lcb_pct",
             value=4.46, reference=2.2, reference_kind="baseline", threshold=4.2, message="m", cause="c", advice="a")
    assert flag_evidence(f) == "step time asymmetry lcb 4.5% vs your baseline 2.2% (flagged past 4.2%)"
    assert metric_display("stride_time_cv_pct") == ("Stride time cv", "%", 1, 1.0)
    assert metric_display("step_time_s")[1:] == ("ms", 0, 1000.0)


def test_text_is_plain_when_piped_and_coloured_on_request(result):
    buf = io.StringIO()              # not a terminal, like `imu-gait analyze … | less`
    print_summary(result, file=buf)
    assert "Vertical bounce" in buf.getvalue() and not ANSI.search(buf.getvalue())
    assert ANSI.search(render_text(result, color=True))


def test_text_without_gyro_says_so():
    text = " ".join(render_text(make_result(gyro=False), width=120).split())
    assert text.count("needs a gyroscope") == 2      # twist and pelvic drop
    assert "no (accelerometer only)" in text


def test_text_without_steps_says_no_walking():
    empty = make_result(steps=pd.DataFrame(columns=list(STEP_COLUMNS)), flags=[])
    text = render_text(empty)
    assert "No walking found" in text
    assert "Key metrics" not in text
    assert "not a diagnosis" in text


# ---------------------------------------------------------------- steps CSV
def test_steps_csv_columns_and_values(result, tmp_path):
    steps = result.steps.copy()
    steps["engine_extra"] = 1.0
    res = make_result(steps=steps)
    path = tmp_path / "steps.csv"
    write_steps_csv(res, path)
    back = pd.read_csv(path, keep_default_na=True)
    assert list(back.columns) == list(STEP_COLUMNS) + ["engine_extra"]
    assert len(back) == len(steps)
    np.testing.assert_allclose(back["time_s"], steps["time_s"], atol=5e-5)          # 4 decimals
    np.testing.assert_allclose(back["cadence_spm"], steps["cadence_spm"], atol=5e-3)
    assert back["step_time_s"].isna().sum() == 3                                   # first step of each bout
    assert back["ground_contact_ms"].isna().all()                                  # walking: empty cells
    assert set(back["side"]) == {"L", "R"} and set(back["bout"]) == {0, 1, 2}
    first_data_line = path.read_text().splitlines()[1]
    assert first_data_line.split(",")[2:4] == ["walk", "L"]


def test_steps_csv_rounds_every_degree_column_to_3_decimals(result, tmp_path):
    """heading_change_deg and lean_vs_standing_deg were written unrounded (-0.27181806252287144) while the
    other degree columns get 3 decimals: every ``*_deg`` column is written with at most 3 decimals."""
    steps = result.steps.copy()
    rng = np.random.default_rng(7)
    steps["heading_change_deg"] = rng.normal(0, 3, len(steps))
    steps["lean_vs_standing_deg"] = rng.normal(0, 1, len(steps))
    path = tmp_path / "steps.csv"
    write_steps_csv(make_result(steps=steps), path)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    deg_cols = [c for c in back.columns if c.endswith("_deg")]
    assert {"heading_change_deg", "lean_vs_standing_deg"} <= set(deg_cols)
    for col in deg_cols:
        cells = [v for v in back[col] if v]
        assert cells, col
        assert all(len(v.partition(".")[2]) <= 3 for v in cells), (col, cells[:3])


def test_steps_csv_fills_missing_columns(tmp_path):
    steps = pd.DataFrame({"time_s": [1.0, 1.5, 2.0], "cadence_spm": [np.nan, 120.0, 120.0]})
    res = AnalysisResult(steps=steps, summary={"n_steps": 3, "duration_s": 3.0, "cadence_spm": 120.0})
    frame = steps_frame(res)
    assert list(frame.columns) == list(STEP_COLUMNS)
    path = tmp_path / "s.csv"
    write_steps_csv(res, path)
    assert path.read_text().splitlines()[2].startswith("1.5,,,,")


# ---------------------------------------------------------------- HTML
def _assert_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    no_data = re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]*", "data:", page)   # base64 may spell 'http'
    assert "http" not in no_data.lower()                 # no URL of any kind, so nothing to fetch
    assert "<script" not in page.lower() and "<link" not in page.lower()
    for ref in re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", page):
        assert ref.startswith(("#", "data:")), ref


def test_html_report_is_self_contained_with_plots(result, tmp_path):
    path = tmp_path / "report.html"
    write_html(result, path)
    page = path.read_text(encoding="utf-8")
    _assert_self_contained(page)
    plots = re.findall(r"<figure class='plot' data-plot='([\w-]+)'><svg", page)
    assert plots == ["metrics-over-time", "flag-timeline", "step-scatter"]
    assert page.count("<svg") == 3
    for section in ("id='summary'", "id='over-time'", "id='flag-timeline'", "id='per-step'", "id='flags'",
                    "id='notes'", "class='disclaimer'"):
        assert section in page
    assert "Vertical bounce" in page and "7:30–9:50" in page and FLAGS[0].advice in page
    # evidence is added where the message does not already give the value
    assert "trunk twist (yaw range) 5.5° vs your baseline 10.0°" not in page          # message says 5.5°
    assert "Evidence: bounce (vertical oscillation) 5.1 cm vs your baseline 3.5 cm (flagged past 4.2 cm)" in page
    assert "&lt;held stiff&gt;" in page and "<held stiff>" not in page            # messages are escaped
    assert "longest 180 ms" in page
    assert "bladder or bowel" in page and "numbness or tingling" in page
    assert f"{len(result.steps)} steps in 3 bouts" in page
    # metric panels carry their labels; the timeline shows each flag row
    for label in ("Cadence (spm)", "Bounce (cm)", "Trunk twist (°)", "Forward lean (°)",
                  "Side-to-side sway (cm)", "Pelvic drop (°)", "Stiff trunk (guarding)", "walking (bouts)",
                  "recording time (min:s)"):
        assert label in page, label


def test_html_without_gyro_leaves_out_gyro_panels():
    page = render_html(make_result(gyro=False))
    _assert_self_contained(page)
    assert "Not shown: trunk twist (yaw range) (needs a gyroscope), pelvic drop (roll range) (needs a gyroscope)" in page
    assert "Trunk twist (°)" not in page and "Cadence (spm)" in page


def test_html_without_steps_is_a_clear_page():
    empty = make_result(steps=pd.DataFrame(columns=list(STEP_COLUMNS)), flags=[])
    page = render_html(empty)
    _assert_self_contained(page)
    assert "No walking found" in page and "<svg" not in page
    assert "longest 180 ms" in page and "not a diagnosis" in page.lower()


def test_html_rasterises_dense_scatter_and_stays_small():
    # 6 hours of walking bouts ≈ 39 000 steps
    bouts = tuple((i * 600.0, i * 600.0 + 560.0) for i in range(36))
    res = make_result(steps=make_steps(bouts=bouts), flags=[])
    page = render_html(res)
    _assert_self_contained(page)
    assert "data:image/png;base64," in page
    assert len(page) < 4_000_000, len(page)


def test_smoothed_series_is_a_rolling_median_per_bout():
    t = np.arange(60) * 0.5
    bout = np.repeat([0, 1], 30)
    y = np.where(bout == 0, 3.0, 5.0)
    y[10] = 50.0                                     # one wild step does not move a median
    steps = pd.DataFrame({"time_s": t, "bout": bout, "vertical_oscillation_cm": y})
    ts, ys = smoothed_series(steps, None, "vertical_oscillation_cm")
    assert ts.size == 61 and np.isnan(ts[30]) and np.isnan(ys[30])      # a break between the bouts
    assert np.allclose(ys[:30], 3.0) and np.allclose(ys[31:], 5.0)


def test_smoothed_series_prefers_engine_timeline():
    steps = pd.DataFrame({"time_s": [0.0, 1.0], "bout": [0, 0], "cadence_spm": [100.0, 100.0]})
    tl = pd.DataFrame({"time_s": [0.0, 5.0, 10.0], "cadence_spm": [110.0, 111.0, 112.0]})
    ts, ys = smoothed_series(steps, tl, "cadence_spm")
    assert list(ts) == [0.0, 5.0, 10.0] and list(ys) == [110.0, 111.0, 112.0]


@pytest.mark.parametrize("stem, hint", [("oxford_Samsung_Dario_Hard_BackPocket_1", True),
                                        ("mobgap_HA001_walk1", False)])
def test_doubts_about_the_sensor_come_before_the_numbers(stem, hint):
    """A phone in a back pocket (its placement line removed): both reports say 'check the sensor'
    above the metrics, not only in the notes at the end; a lower-back sensor gets no such line."""
    from pathlib import Path

    import imu_gait
    rec = imu_gait.read(Path(__file__).resolve().parents[1] / "datasets" / f"{stem}.csv")
    rec.meta.pop("placement", None)
    res = imu_gait.analyze(rec)
    text = render_text(res, rec)
    page = render_html(res, rec)
    assert ("Check the sensor" in text) is hint and ("class='check-sensor'" in page) is hint
    if hint:
        assert text.index("Check the sensor") < text.index("Key metrics")
        assert page.index("check-sensor'>") < page.index("id='summary'")
        assert "sit on one side" in page


# ---------------------------------------------------------------- where step length came from
def _with_summary(**extra) -> AnalysisResult:
    steps = make_steps()
    steps["walking_speed_mps"] = steps["step_length_m"] / steps["step_time_s"]
    res = make_result(steps=steps)
    res.summary.update(extra)
    return res


def _metric_line(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(label))


@pytest.mark.parametrize("extra, length_note, speed_note", [
    ({}, "estimate, ±0.2 m", "estimate, ±0.2 m/s"),
    ({"treadmill": True, "belt_speed_mps": 1.3}, "from the belt speed", "the belt speed"),
    ({"treadmill": True, "treadmill_schedule": [{"start_s": 0.0, "belt_speed_mps": 1.2, "incline_pct": 0.0},
                                                {"start_s": 300.0, "belt_speed_mps": 1.4, "incline_pct": 2.0}]},
     "from the belt speed", "the belt speed"),
    ({"treadmill": True, "treadmill_schedule": [{"start_s": 0.0, "belt_speed_mps": 1.2, "incline_pct": 0.0},
                                                {"start_s": 300.0, "belt_speed_mps": None, "incline_pct": 2.0}]},
     "belt where known, else estimate", "belt where known, else estimate"),
])
def test_terminal_says_where_step_length_and_speed_came_from(extra, length_note, speed_note):
    """With a belt speed the step length is belt speed × step time: the terminal must not call it a
    ±0.2 m estimate (the review's 'analyze normal.csv --belt-speed-kmh 4.68'); the page says the same."""
    res = _with_summary(**extra)
    text = render_text(res, width=120)
    assert _metric_line(text, "Step length").rstrip().endswith(length_note)
    assert _metric_line(text, "Walking speed").rstrip().endswith(speed_note)
    page = render_html(res)
    if extra.get("belt_speed_mps"):
        assert "belt speed × step time (the belt speed you gave)" in page and "±0.2" not in text
        assert "model estimate" not in page


def test_live_values_never_show_negative_zero():
    from imu_gait.devices.view import fmt

    assert fmt(-0.04, 1, "°") == "0.0°" and fmt(-0.004, 2) == "0.00" and fmt(-0.3, 0, "°") == "0°"
    assert fmt(-0.06, 1, "°") == "-0.1°" and fmt(2.25, 1, "cm") == "2.2 cm" and fmt(float("nan")) == "—"


# ---------------------------------------------------------------- a walk that turns into a run
def make_walk_then_run(summary_by_gait: bool = True) -> AnalysisResult:
    """3 min walking at 110 spm, then 3 min running at 167 spm, in one bout."""
    walk = make_steps(bouts=((10.0, 190.0),), gait="walk")
    run = make_steps(bouts=((190.0, 370.0),), step_time_s=0.36, gait="run", seed=2)
    steps = pd.concat([walk, run], ignore_index=True)
    res = make_result(steps=steps, flags=[])
    if summary_by_gait:     # the engine's per-gait summary (its values are not what the report shows)
        res.summary["by_gait"] = {"walk": {"n_steps": len(walk)}, "run": {"n_steps": len(run)}}
    return res


@pytest.mark.parametrize("by_gait", [True, False], ids=["summary by_gait", "steps only"])
def test_walking_and_running_are_summarised_apart(by_gait):
    """Pooled, cadence read '167 spm, typical (running …)' with a middle half 110–167 — neither
    gait's. Now each gait has its own rows, judged against its own range."""
    res = make_walk_then_run(by_gait)
    n_walk, n_run = (res.steps["gait"] == "walk").sum(), (res.steps["gait"] == "run").sum()
    text = render_text(res, width=120)
    walk_part = text[text.index(f"Walking ({n_walk} steps)"):text.index(f"Running ({n_run} steps)")]
    run_part = text[text.index(f"Running ({n_run} steps)"):text.index("Flags")]
    assert re.search(r"Cadence\s+110 spm\s+10\d–11\d spm\s+typical \(walking 100–120 spm\)", walk_part), walk_part
    assert re.search(r"Cadence\s+167 spm\s+16\d–1[67]\d spm\s+typical \(running 153–183 spm\)", run_part), run_part
    assert "Ground contact" in run_part and "Ground contact" not in walk_part
    assert re.search(r"Cadence\s+110 steps/min walking, 167 steps/min running", text)
    assert "Cadence (overall)" not in text
    page = render_html(res)
    assert f"Walking ({n_walk} steps)</th>" in page and f"Running ({n_run} steps)</th>" in page


def test_a_few_running_steps_do_not_split_the_summary():
    res = make_walk_then_run(summary_by_gait=False)
    res.steps = res.steps[res.steps["time_s"] < 195.0].reset_index(drop=True)    # ~13 running steps
    assert 0 < (res.steps["gait"] == "run").sum() < 20
    text = render_text(res, width=120)
    assert "Running (" not in text and "Cadence (overall)" in text


def test_each_gait_range_is_drawn_only_over_its_own_stretch():
    """The cadence panel shades 100–120 spm over the walking (10–190 s) and 153–183 spm over the
    running (190–370 s), not the running range across the whole walk."""
    from imu_gait.report.html import metrics_over_time_figure

    res = make_walk_then_run()
    fig, _ = metrics_over_time_figure(res, build_overview(res))
    ax = next(a for a in fig.axes if a.get_ylabel().startswith("Cadence"))
    assert not ax.patches                                    # no band across the whole time axis
    bands = {}
    for c in ax.collections:
        if str(c.get_gid()).startswith("range-"):
            (x0, y0), (x1, y1) = c.get_paths()[0].get_extents().get_points()
            bands[c.get_gid()] = (round(x0), round(x1), y0, y1)
    walk_band, run_band = bands["range-walk"], bands["range-run"]
    assert walk_band[2:] == (100, 120) and run_band[2:] == (153, 183)
    assert 9 <= walk_band[0] <= 11 and 189 <= walk_band[1] <= 191
    assert 189 <= run_band[0] <= 191 and 369 <= run_band[1] <= 371


def test_turning_steps_are_hollow_in_the_twist_and_sway_panels_only():
    """Steps the engine marks `turning` (their twist and sway describe the route) are drawn hollow in
    the trunk-twist and side-sway panels — exactly those steps — and filled everywhere else; the caption
    says so. A table without the mark draws every dot filled and says nothing of turns."""
    from imu_gait.report.html import metrics_over_time_figure

    steps = make_steps(gyro=True)
    steps["turning"] = np.arange(len(steps)) % 7 == 0
    res = make_result(steps=steps)
    fig, _ = metrics_over_time_figure(res, build_overview(res))
    hollow = {}
    for ax in fig.axes:
        for c in ax.collections:
            if c.get_gid() == "turning-steps":
                hollow[ax.get_ylabel().split(" (")[0]] = len(c.get_offsets())
    n_turn = int(steps["turning"].sum())
    assert sorted(hollow) == ["Side-to-side sway", "Trunk twist"], hollow
    assert set(hollow.values()) == {n_turn}
    assert "hollow in trunk twist and side sway" in render_html(res)
    plain = make_result(steps=make_steps(gyro=True))
    fig, _ = metrics_over_time_figure(plain, build_overview(plain))
    assert not any(c.get_gid() == "turning-steps" for ax in fig.axes for c in ax.collections)
    assert "hollow in" not in render_html(plain)


# ---------------------------------------------------------------- clocks on a time axis that does not start at 0
@pytest.fixture(scope="module")
def epoch_and_plain_walk():
    """The same synthetic walk (bounce rising to 7 cm from 50 s, so one flag) analysed on its own
    time axis and shifted by 1.7e9 s, as a native file that keeps epoch seconds would be."""
    from imu_gait import analyze
    from imu_gait.recording import Recording
    from imu_gait.synthetic import synthesize_walk

    rec, _truth = synthesize_walk(150, seed=1, segments=[(50, {"bounce_cm": 7.0})])
    shifted = Recording(rec.time_s + 1.7e9, rec.acc_mps2, rec.gyro_rads)
    return (analyze(rec), rec), (analyze(shifted), shifted)


def _tick_labels(fig) -> list[tuple[tuple[float, float], list[str]]]:
    out = []
    for ax in fig.axes:
        if ax.get_xlabel() == "recording time (min:s)":
            fmt = ax.xaxis.get_major_formatter()
            out.append((ax.get_xlim(), [fmt(v, i) for i, v in enumerate(ax.get_xticks())]))
    return out


def test_report_clocks_count_from_the_first_sample_on_an_epoch_time_axis(epoch_and_plain_walk):
    """An epoch time axis printed flag spans as '472222:14:11–472222:15:46' and drew the plots from
    0 to 1.7e9 s. Clocks now count from summary.time_start_s: the shifted walk reads like the plain one."""
    from imu_gait.report.html import flag_timeline_figure, metrics_over_time_figure

    (plain, plain_rec), (epoch, epoch_rec) = epoch_and_plain_walk
    assert epoch.summary["time_start_s"] == pytest.approx(1.7e9)
    assert [f.id for f in plain.flags] == [f.id for f in epoch.flags] == ["vertical_bounce"]
    f = plain.flags[0]
    spans = f"{fmt_clock(f.start_s)}–{fmt_clock(f.end_s)}"          # 0:51–2:26, as the message says
    assert 45 <= f.start_s <= 60 and spans.startswith("0:5")
    # one clock format: the heading's span is the message's ('05:03' beside '5:03' before)
    assert f" from {spans.replace('–', ' to ')} " in f.message, (spans, f.message)
    for res, rec in ((plain, plain_rec), (epoch, epoch_rec)):
        text = render_text(res, rec, width=120)
        assert re.search(rf"● Vertical bounce / hard landings\s+{spans}\s+", text), text
        assert "472222" not in text
        page = render_html(res, rec)
        assert f"<span class='when'>{spans}</span>" in page and "472222" not in page
    for make in (metrics_over_time_figure, flag_timeline_figure):
        fig_plain = make(plain, build_overview(plain, plain_rec))
        fig_epoch = make(epoch, build_overview(epoch, epoch_rec))
        fig_plain, fig_epoch = (x[0] if isinstance(x, tuple) else x for x in (fig_plain, fig_epoch))
        (lim_p, ticks_p), = _tick_labels(fig_plain)
        (lim_e, ticks_e), = _tick_labels(fig_epoch)
        assert ticks_p == ticks_e and ticks_p[0] == "0:00" and ticks_p[-1].startswith("2:")
        assert lim_e[0] == pytest.approx(1.7e9) and lim_e[1] - lim_e[0] == pytest.approx(lim_p[1] - lim_p[0], abs=1)


def test_report_clocks_without_time_start_count_from_zero(result):
    """Older results (no time_start_s): the clock is the time axis itself, as before."""
    assert "time_start_s" not in result.summary and build_overview(result).time_origin_s == 0.0
    assert "7:30–9:50" in render_text(result, width=120)


# ---------------------------------------------------------------- a run is described in running words
def make_run() -> AnalysisResult:
    """6 min running at 167 spm (a belt speed gives the speed), no flags."""
    steps = make_steps(bouts=((10.0, 370.0),), step_time_s=0.36, gait="run", seed=2)
    steps["walking_speed_mps"] = 3.0 + np.random.default_rng(3).normal(0, 0.02, len(steps))
    res = make_result(steps=steps, flags=[])
    res.summary.update(gait="run", running_fraction=1.0, by_gait=None, stride_time_cv_pct=1.3,
                       belt_speed_mps=3.0)
    return res


def test_a_run_is_described_in_running_words_and_running_references():
    """A run read 'Walking', 'Walking time', 'Walking speed', 'walking (bouts)' and 'stride-time
    variability 1.3 % — steady (healthy steady walking ≈ 4 % or less)': walking's words and walking's
    reference. Now it says running, and where gait-science.md has no running norm, says so."""
    from imu_gait.report.html import flag_timeline_figure, metrics_over_time_figure

    res = make_run()
    text = render_text(res, width=140)
    assert re.search(r"^Running$", text, re.M) and "Running time" in text and "Walking" not in text
    assert re.search(r"Running speed\s+3\.00 m/s", text), text
    line = _metric_line(text, "Stride-time variability")
    assert "1.3 % — no published running range" in line and "healthy steady walking" not in text
    page = render_html(res)
    assert "<h3>Running</h3>" in page and "of running in a" in page and "healthy steady walking" not in page
    assert "<th scope='row'>Running speed</th>" in page and "Walking speed" not in page
    assert "no published range for running (8–15° is walking" in page     # twist: no running norm
    ov = build_overview(res)
    labels = [t.get_text() for t in flag_timeline_figure(res, ov).axes[0].get_yticklabels()]
    assert labels == ["running (bouts)"]
    fig, _ = metrics_over_time_figure(res, ov)
    assert "Running speed (m/s)" in [a.get_ylabel() for a in fig.axes]
    # the same table as a walk keeps walking's words
    walk = render_text(make_result(flags=[]), width=140)
    assert re.search(r"^Walking$", walk, re.M) and "Running" not in walk
    assert "Walking time" in walk and "healthy steady walking ≈ 4 %" in walk


def test_walk_then_run_gives_each_gait_its_stride_variability():
    """The summary's stride CV is the main gait's only; next to a walk and a run it was read as the
    whole walk's against walking's 4 %. Each gait now has its own line, in its own words."""
    res = make_walk_then_run()
    text = render_text(res, width=140)
    assert "Walking and running time" in text and re.search(r"^Walking and running$", text, re.M)
    walk_line = _metric_line(text, "Stride-time variability, walking")
    run_line = _metric_line(text, "Stride-time variability, running")
    assert "healthy steady walking ≈ 4 %" in walk_line and "no published running range" in run_line
    ov = build_overview(res)
    for g, st in (("walk", 0.545), ("run", 0.36)):        # make_steps: step-time sd 12 ms → CV ≈ 1.2/st %
        assert ov.stride_cv_by_gait[g] == pytest.approx(0.012 * math.sqrt(2) / (2 * st) * 100, rel=0.25)


def test_stride_variability_beside_a_pace_flag_says_it_is_the_whole_walk():
    """'Stride-time variability 1.3 % — steady' sat beside a marked 'pace too fast' flag whose stretch
    had 4.2 %: it read as a contradiction. The headline now says it is over the whole walk, and a line
    points to the flagged stretches with their own figure."""
    pace = Flag(id="pace_too_fast", start_s=450.0, end_s=590.0, severity="marked", metric="stride_time_cv_pct",
                value=4.2, reference=0.7, reference_kind="baseline", threshold=1.7,
                message="Pace too fast / shuffling (marked) from 7:30 to 9:50 (2.3 min): stride-time CV 4.2%",
                cause="hurrying", advice="slow down a little")
    res = make_result(flags=[pace])
    res.summary["stride_time_cv_pct"] = 1.3
    text = render_text(res, width=160)
    assert "1.3 % over the whole walk — steady" in _metric_line(text, "Stride-time variability")
    assert _metric_line(text, "Where the pace was flagged").rstrip().endswith(
        "stride-time variability 7:30–9:50 (4.2%) — see Flags")
    assert "Where the pace was flagged" in render_html(res)
    plain = make_result()                                  # flags on other metrics: the line stays as it was
    plain.summary["stride_time_cv_pct"] = 1.3
    text = render_text(plain, width=160)
    assert "over the whole walk" not in text and "Where the pace" not in text
    assert "1.3 % — steady" in _metric_line(text, "Stride-time variability")


def test_a_pocket_recordings_page_shows_cadence_where_bounce_is_not_measured():
    """A sensor off the trunk reports no bounce: the step scatter's right panel was empty ('bounce or
    cadence not measured') under a caption about bounce. It shows the cadence of every step instead."""
    from pathlib import Path

    import imu_gait
    from imu_gait.report.html import step_scatter_figure
    rec = imu_gait.read(Path(__file__).resolve().parents[1] / "datasets" / "oxford_Samsung_Dario_Hard_BackPocket_1.csv")
    res = imu_gait.analyze(rec)
    fig = step_scatter_figure(res, build_overview(res, rec))
    right = fig.axes[1]
    assert right.get_title() == "Cadence, step by step" and len(right.collections[0].get_offsets()) > 100
    page = render_html(res, rec)
    assert "Right: cadence of every step (bounce is not measured" in page


def test_not_a_diagnosis_note_is_in_the_text_the_html_and_the_json_alike(tmp_path):
    """The JSON — what other tools show the flags from — had no not-a-diagnosis note and none of the
    symptoms that need a clinician, while the terminal and the HTML report had them (in words of their
    own, different from the strain rules' note). One note now, the same in all three."""
    import json

    import imu_gait
    from imu_gait.strain import DISCLAIMER, DISCLAIMER_TEXT, DISCLAIMER_TITLE
    from imu_gait.synthetic import synthesize_walk

    rec, _ = synthesize_walk(150, seed=4, step_jitter=0.012)
    res = imu_gait.analyze(rec)
    res.to_json(tmp_path / "walk.json")
    data = json.loads((tmp_path / "walk.json").read_text(encoding="utf-8"))
    assert data["disclaimer"] == DISCLAIMER == f"{DISCLAIMER_TITLE} {DISCLAIMER_TEXT}"
    write_html(res, tmp_path / "walk.html", rec)
    page = (tmp_path / "walk.html").read_text(encoding="utf-8")
    text = " ".join(render_text(res, rec, width=100).split())
    for words in ("not a diagnosis", "pain spreading down a leg", "numbness or tingling", "weakness in a leg",
                  "bladder or bowel", "urgently"):
        assert words in data["disclaimer"], words
        assert words in text, words
        assert words in page, words
    assert DISCLAIMER_TEXT in text and DISCLAIMER_TEXT.replace("'", "&#x27;") in page
    assert res.timeline.attrs["disclaimer"] == DISCLAIMER


@pytest.mark.parametrize("kind", ["accelerometer only", "shorter than the baseline"])
def test_no_flags_is_not_an_all_clear_when_rules_could_not_be_judged(tmp_path, kind):
    """An accelerometer-only walk whose twist doubled, or a 90-s walk with no personal baseline: 'Flags:
    None: no back-strain pattern was held long enough to flag' read as an all-clear although the twist /
    bounce / over-striding rules could not be judged at all. The flags section now says that some could not
    be judged, and the notes name them."""
    import json

    import imu_gait
    from imu_gait.synthetic import synthesize_walk

    if kind == "accelerometer only":
        rec, _ = synthesize_walk(600, seed=1, step_jitter=0.012, gyro=False,
                                 segments=[(300, {"twist_deg": 20.0}), (480, {"twist_deg": 10.0})])
        not_judged = ("trunk twist", "pelvic drop")
    else:
        rec, _ = synthesize_walk(90, seed=1, step_jitter=0.012, segments=[(40, {"bounce_cm": 5.5})])
        not_judged = ("Over-striding", "bounce", "trunk twist", "fatigue")
    res = imu_gait.analyze(rec)
    assert res.flags == []
    notes = " ".join(res.summary["flag_notes"])
    assert "could not be judged" in notes or "cannot be judged" in notes
    for what in not_judged:
        assert what in notes, what
    text = " ".join(render_text(res, rec, width=100).split())
    assert "no back-strain pattern was held long enough" not in text
    assert "None of the patterns that could be judged" in text and "How the flags were judged" in text
    write_html(res, tmp_path / "r.html", rec)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "None of the patterns that could be judged" in page
    res.to_json(tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["flag_notes"] == res.summary["flag_notes"]


def test_no_flags_on_a_fully_judged_walk_is_said_plainly():
    import imu_gait
    from imu_gait.synthetic import synthesize_walk

    rec, _ = synthesize_walk(400, seed=2, step_jitter=0.012)
    res = imu_gait.analyze(rec)
    assert res.flags == [] and res.summary["flag_notes"] == []
    assert "None: no back-strain pattern was held long enough to flag." in " ".join(render_text(res, rec).split())


def test_flag_headings_evidence_and_time_axes_say_what_the_flag_says(tmp_path):
    """A treadmill walk over the walker's maximum incline with a bounce pattern: the headings used the
    flag ids' words ('Trunk twist guarding', 'Pace too fast' for a shuffling flag) while the messages use
    the flags' titles; the incline's evidence said 'vs the general limit 8.0%' for the walker's own
    maximum; the time axes were labelled without their unit."""
    import imu_gait
    from imu_gait.report.html import flag_timeline_figure, metrics_over_time_figure
    from imu_gait.synthetic import synthesize_walk

    rec, _ = synthesize_walk(600, seed=1, step_jitter=0.012, segments=[(300, {"bounce_cm": 5.0}), (480, {"bounce_cm": 3.5})])
    res = imu_gait.analyze(rec, treadmill=True, belt_speed_mps=1.3, incline_pct=10.0, max_incline_pct=8.0)
    assert sorted(f.id for f in res.flags) == ["incline_effort", "vertical_bounce"]
    incline = next(f for f in res.flags if f.id == "incline_effort")
    assert flag_evidence(incline) == "incline 10.0% vs your maximum 8.0%"
    write_html(res, tmp_path / "r.html", rec)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Evidence: incline 10.0% vs your maximum 8.0%" in page and "general limit" not in page
    text = render_text(res, rec, width=120)
    for f in res.flags:
        title = f.message.split(" (")[0]          # 'Vertical bounce / hard landings', 'Incline effort'
        assert re.search(re.escape(title) + r"  \d+:\d\d–", text), title
        assert f"<h3>{title} " in page.replace("&#x27;", "'"), title
    ov = build_overview(res, rec)
    fig, _ = metrics_over_time_figure(res, ov)
    assert fig.axes[len([a for a in fig.axes]) - 1].get_xlabel() == "recording time (min:s)"
    timeline = flag_timeline_figure(res, ov)
    assert timeline.axes[0].get_xlabel() == "recording time (min:s)"
    rows = [t.get_text() for t in timeline.axes[0].get_yticklabels()]
    assert {"Vertical bounce / hard landings", "Incline effort"} <= set(rows)


def test_more_regular_steps_than_the_range_are_not_called_out_of_range():
    """Step regularity is one-sided: 1 = every step alike, and the 0.6–0.9 range is where healthy adults
    usually lie, not a band to stay inside. A real healthy walk (Oxford chest pouch, bundled) has 0.95
    and was shown 'above the typical walking range' in the warning colour — as is every steady treadmill
    walk, whose belt makes the steps even more regular. More regular than typical is said as that, in
    the 'within' colour; below the range is still called out."""
    from pathlib import Path

    import imu_gait

    path = Path(__file__).resolve().parents[1] / "datasets" / "oxford_Samsung_Carmelo_Hard_NeckPouch_2.csv"
    res = imu_gait.analyze(imu_gait.read(path))
    row = {r.column: r for r in build_overview(res).metrics}["step_regularity"]
    assert row.median > 0.9                                   # the real walk's median (0.95 when written)
    assert row.status == "ok" and "above" not in row.note and "more regular than" in row.note
    assert "above" not in row.brief
    low = make_steps()
    low["step_regularity"] = 0.45
    row = {r.column: r for r in build_overview(make_result(steps=low)).metrics}["step_regularity"]
    assert row.status == "low" and "below the typical walking range (0.6–0.9)" in row.note


def test_reports_say_what_your_baseline_is():
    """Every relative flag reads '… vs your baseline 4.1 cm …', but neither the terminal nor the HTML
    report said what that baseline is — how you walked in the first minutes of this recording
    (min(asked 180 s, 300 s, half the walking)). Fixture: 520 s of walking → the first 3 min 00 s; asked
    for 600 s → half the walking, 4 min 20 s. Only flags judged against a general limit: not said."""
    res = make_result()
    text = " ".join(render_text(res, width=200).split())
    assert "“Your baseline” is how you walked in the first 3 min 00 s of walking in this recording" in text
    assert "“Your baseline” is how you walked in the first 3 min 00 s" in render_html(res)
    longer = make_result()
    longer.summary["baseline_s"] = 600.0
    assert "first 4 min 20 s of walking" in " ".join(render_text(longer, width=200).split())
    limits = make_result(flags=[Flag(id="forward_lean", start_s=20.0, end_s=60.0, severity="mild",
                                     metric="forward_lean_deg", value=12.0, reference=10.0,
                                     reference_kind="absolute", threshold=10.0, message="Lean 12°", cause="c",
                                     advice="a")])
    assert "Your baseline" not in render_text(limits, width=200)


@pytest.mark.parametrize("placement, label", [("chest", "Trunk roll"), ("lower_back", "Pelvic drop")])
def test_a_chest_sensors_roll_range_is_called_trunk_roll(tmp_path, placement, label):
    """A chest sensor's roll range is the thorax's side-bend, not the pelvis's drop: the runner audit found a
    chest strap's report calling it 'Pelvic drop'. Truth: a 6° roll range per step (synthetic); the value
    is the same either way (±0.5°), only the words follow the placement — terminal summary and HTML page."""
    import imu_gait
    from imu_gait.synthetic import synthesize_walk

    rec, _ = synthesize_walk(90.0, 100.0, seed=3, drop_deg=6.0)
    rec.meta["placement"] = placement
    res = imu_gait.analyze(rec)
    assert res.summary["pelvic_drop_deg"] == pytest.approx(6.0, abs=0.5)
    text = render_text(res, rec, width=120)
    row = next(l for l in text.splitlines() if re.match(r"\s*(Trunk roll|Pelvic drop)\s+\d", l))
    assert row.strip().startswith(label)
    html = render_html(res, rec)
    other = "Pelvic drop" if label == "Trunk roll" else "Trunk roll"
    assert label in html and other not in html


@pytest.mark.parametrize("indent", [1, None, 2, 0])
def test_json_written_in_pieces_is_byte_identical(result, tmp_path, monkeypatch, indent):
    """to_json / write_json build the steps a few thousand at a time (a day's JSON whole took 0.8 GB more
    memory): the text must be exactly json.dumps of to_dict(), whatever the piece size."""
    import json
    whole = json.dumps(result.to_dict(), indent=indent, allow_nan=False)
    assert len(result.steps) > 100
    for per_piece in (7, 100, 5000):
        monkeypatch.setattr(AnalysisResult, "JSON_STEPS_PER_PIECE", per_piece)
        assert result.to_json(indent=indent) == whole
        result.write_json(tmp_path / "r.json", indent=indent)
        assert (tmp_path / "r.json").read_text(encoding="utf-8") == whole
    empty = AnalysisResult(steps=result.steps.iloc[:0], summary={"n_steps": 0})
    assert empty.to_json(indent=indent) == json.dumps(empty.to_dict(), indent=indent, allow_nan=False)


@pytest.mark.parametrize("span_s", [1.0, 59.0, 600.0, 3601.0, 86400.0, 6.5 * 86400, 30 * 86400, 365 * 86400 + 1200])
def test_time_axis_has_at_most_ten_ticks_over_any_span(span_s):
    """A year between two walks (a logger's clock set forward) drew 730 ticks an axis at a fixed 12 h and
    took 40 s to lay out. Any span: at most 10 intervals, each a round m:ss, hour or whole day."""
    from imu_gait.report.html import _nice_interval_s

    step = _nice_interval_s(span_s)
    assert span_s / step <= 10
    assert step in (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200) or step % 86400 == 0


@pytest.mark.parametrize("placement, bounce_range, ratio_range", [
    ("lower_back", "6.8–13 cm", "6.5–11.9%"),      # a waist pod's (Garmin RD Pod, gait-science.md §1.2)
    ("chest", "6.4–11.5 cm", "6.1–10.1%"),         # a chest strap's
])
def test_a_runs_typical_bounce_and_ratio_are_those_of_where_the_sensor_sat(placement, bounce_range, ratio_range):
    """A lower-back runner was shown the chest strap's range (6.4–11.5 cm) while the flag rules used the
    pelvis limit (10.9 cm): 11.5 cm read 'typical' beside a bounce flag. The waist pod reads more bounce;
    its own range is shown for any sensor not on the chest, in the summary and on the plots."""
    import imu_gait
    from imu_gait.synthetic import synthesize_walk
    rec, _ = synthesize_walk(90, seed=2, gait="run")
    res = imu_gait.analyze(rec, placement=placement, belt_speed_mps=3.0)
    rows = {r.column: r for r in build_overview(res, rec).metrics}
    assert f"running range ({bounce_range})" in rows["vertical_oscillation_cm"].note
    assert f"running range ({ratio_range})" in rows["vertical_ratio_pct"].note
    lo, hi = (float(v) for v in re.findall(r"[\d.]+", bounce_range)[:2])
    from imu_gait.report.common import METRIC_BY_COLUMN       # the plots' band is drawn from the same range
    assert METRIC_BY_COLUMN["vertical_oscillation_cm"].range_for("run", placement == "chest") == (lo, hi)


def test_a_typical_median_beside_a_flag_on_it_says_so_and_few_steps_are_a_rough_figure():
    """A green 'within the typical range' stood beside a moderate bounce flag (the walk's median can be
    typical while a part of it bounced): the row says a flag held on it, not in green. A 7-step walk's
    'bounce above typical' read as a finding: its rows say how few steps they rest on, not in colour."""
    import imu_gait
    from imu_gait.synthetic import synthesize_walk
    rec, _ = synthesize_walk(420, seed=3, segments=[(250, {}), (170, {"bounce_cm": 4.8})])
    res = imu_gait.analyze(rec)
    assert [f.id for f in res.flags] == ["vertical_bounce"]
    rows = {r.column: r for r in build_overview(res, rec).metrics}
    bounce = rows["vertical_oscillation_cm"]
    assert 2.5 <= bounce.median <= 5.0 and bounce.status == "flagged"
    assert "a flag held on it for part of it" in bounce.note and "flagged part of the walk" in bounce.brief
    assert rows["cadence_spm"].status == "ok"                       # no flag on it: typical, in green
    short = imu_gait.read(Path(__file__).resolve().parents[1] / "datasets" / "mobgap_HA002_walk1.csv")
    rows = {r.column: r for r in build_overview(imu_gait.analyze(short), short).metrics}
    assert rows["vertical_oscillation_cm"].status == "few"
    assert rows["vertical_oscillation_cm"].brief.startswith("above typical") and "steps only" in rows[
        "vertical_oscillation_cm"].brief
    from imu_gait.batch import outside_typical                      # a researcher's table still lists it
    assert "vertical_oscillation_cm" in outside_typical(imu_gait.analyze(short))


def test_a_flag_that_began_inside_the_baseline_minutes_says_so():
    """A 4-minute walk whose bounce rises at 1:20: the bounce flag begins at 1:21, inside the 1 min 55 s
    baseline (half the walk) — the report said 'your baseline is the first 1 min 55 s' beside it without a
    word. It now says the baseline holds part of the pattern; a flag after the baseline gets no such line."""
    import imu_gait
    from imu_gait.synthetic import synthesize_walk
    inside, _ = synthesize_walk(240, seed=3, segments=[(80, {"bounce_cm": 6.0})])
    res = imu_gait.analyze(inside)
    (flag,) = res.flags
    text = build_overview(res, inside).baseline_text
    assert flag.start_s < 115 and "flag began at 1:2" in text and "part of that pattern is in the baseline" in text
    after, _ = synthesize_walk(420, seed=3, segments=[(250, {"bounce_cm": 6.0})])
    res = imu_gait.analyze(after)
    assert res.flags and "part of that pattern" not in build_overview(res, after).baseline_text


def test_a_short_ground_contact_reads_as_quick_not_below_typical():
    """Ground contact 190–210 ms read 'below typical' (in amber) — what trained runners show; it is said as
    quicker than most runners', in green. Truth: a synthetic run with 0.19-s contacts (the engine reads
    ~10 ms short)."""
    import imu_gait
    from imu_gait.synthetic import synthesize_walk
    rec, _ = synthesize_walk(90, seed=2, gait="run", segments=[(0, {"contact_s": 0.19})])
    rows = {r.column: r for r in build_overview(imu_gait.analyze(rec), rec).metrics}
    gct = rows["ground_contact_ms"]
    assert 160 <= gct.median <= 210 and gct.status == "ok", (gct.median, gct.note)
    assert "quick contacts" in gct.note and gct.brief.startswith("quicker than most")


def test_a_handrail_flag_is_drawn_on_the_sway_panel_too():
    """Handrail gripping is less twist and less sway; its span was shaded on the twist panel alone. Both
    panels carry it now (the plots' text alternative says so, as it does for the shading)."""
    import imu_gait
    from imu_gait.report.html import flag_panels
    from imu_gait.synthetic import synthesize_walk
    rec, _ = synthesize_walk(600, speed_mps=5 / 3.6, segments=[(300, {"twist_deg": 4.0, "sway_cm": 1.8,
                                                                      "bounce_cm": 2.8})])
    res = imu_gait.analyze(rec, belt_speed_mps=5 / 3.6)
    (flag,) = res.flags
    assert flag.id == "handrail_gripping"
    assert flag_panels(flag, ["cadence_spm", "trunk_twist_deg", "lateral_sway_cm"]) == {"trunk_twist_deg",
                                                                                      "lateral_sway_cm"}
    alt = re.search(r"Smoothed values over[^<]*", render_html(res, rec)).group(0)
    assert re.search(r"Side-to-side sway [^;]*, flagged 5:0\d", alt) and re.search(r"Trunk twist [^;]*, flagged", alt)
    assert not re.search(r"Cadence [^;]*, flagged", alt)


# ---------------------------------------------------------------- report audit s34
def _panel(fig, label: str):
    return next(a for a in fig.axes if a.get_ylabel().startswith(label))


def test_a_short_flagged_episode_in_a_long_walk_is_drawn_inside_its_panel():
    """An hour of 3.5-cm bounce with 50 s of 8 cm at 30:00, flagged: the flagged steps are ~1.4 % of the hour's,
    so the 2nd–98th percentile y-range (2–5.5 cm) cut them and the smoothed line off the panel. Truth: the
    panel reaches at least 8 cm (the episode's level), while one wild 40-cm step still does not stretch it."""
    from imu_gait.report.html import metrics_over_time_figure

    steps = make_steps(bouts=((0.0, 3600.0),))
    t = steps["time_s"].to_numpy()
    episode = (t >= 1800.0) & (t <= 1850.0)
    steps.loc[episode, "vertical_oscillation_cm"] = 8.0 + np.random.default_rng(3).normal(0, 0.2, episode.sum())
    steps.loc[100, "vertical_oscillation_cm"] = 40.0            # one wild step, to be trimmed
    flag = Flag(id="vertical_bounce", start_s=1801.0, end_s=1850.0, severity="marked",
                metric="vertical_oscillation_cm", value=8.1, reference=3.5, reference_kind="baseline", threshold=4.2,
                message="Bounce well above your baseline", cause="", advice="")
    res = make_result(steps=steps, flags=[flag])
    res.summary["duration_s"] = 3600.0
    fig, _ = metrics_over_time_figure(res, build_overview(res))
    lo, hi = _panel(fig, "Bounce").get_ylim()
    assert hi >= 8.0 and lo <= 3.0, (lo, hi)
    assert hi < 12.0, (lo, hi)                                   # the 40-cm step is still trimmed


def test_lean_vs_standing_gets_the_same_minimum_span_as_forward_lean():
    """'Lean vs standing' is forward lean with another zero: 0.1° of noise drew it over a 0.3° axis as a
    posture change. Truth: its panel spans at least 6°, as the forward-lean panel does."""
    from imu_gait.report.html import MIN_SPAN, metrics_over_time_figure

    steps = make_steps()
    steps["lean_vs_standing_deg"] = 0.7 + np.random.default_rng(5).normal(0, 0.05, len(steps))
    res = make_result(steps=steps, flags=[])
    fig, _ = metrics_over_time_figure(res, build_overview(res))
    lo, hi = _panel(fig, "Forward lean vs standing").get_ylim()
    assert hi - lo >= 6.0 - 1e-9, (lo, hi)
    assert MIN_SPAN["lean_vs_standing_deg"] == MIN_SPAN["forward_lean_deg"]


def test_a_gap_in_the_samples_is_drawn_as_no_data_and_said_in_the_summary():
    """A 30-s hole in the samples between two bouts was drawn as an empty stretch (read as a rest) and
    'Duration 10 min' did not say it held no data. Truth: the engine's gap (190–220 s, timeline
    attrs['sample_gaps']) is a grey hatched 'no-data' band on every metric panel and on the flag timeline, the
    glance line and Duration say '30 s with no data' at 3:10–3:40, and a 0.5-s gap is not drawn."""
    from imu_gait.report.html import flag_timeline_figure, metrics_over_time_figure

    res = make_result()
    res.timeline = pd.DataFrame()
    res.timeline.attrs["sample_gaps"] = [(190.0, 220.0), (300.0, 300.5)]
    ov = build_overview(res)
    assert ov.data_gaps == [(190.0, 220.0)] and ov.no_data_s == pytest.approx(30.0)
    fig, _ = metrics_over_time_figure(res, ov)
    for fig_ in (fig, flag_timeline_figure(res, ov)):
        for ax in (a for a in fig_.axes if a.get_ylabel() or a.get_yticklabels()):
            bands = [p for p in ax.patches if p.get_gid() == "no-data"]
            assert len(bands) == 1, ax.get_ylabel()
            # axvspan gives a Polygon before matplotlib 3.9 (pyproject allows 3.7) and a Rectangle from
            # 3.9: read the band's x extent from its outline, which both have
            xs = bands[0].get_patch_transform().transform(bands[0].get_path().vertices)[:, 0]
            x0, x1 = xs.min(), xs.max()
            assert (x0, x1) == (pytest.approx(190.0), pytest.approx(220.0))
    page = render_html(res)
    assert "in a 10 min 00 s recording (including 30 s with no data: 1 gap in the samples, 3:10–3:40)" in page
    assert "10 min 00 s (including 30 s with no data" in page
    assert "no data (gap)" in page and "gaps in the samples (no data, not a rest)" in page
    text = render_text(res, width=200)
    assert "30 s with no data" in text
    # no gap times (a result read back from a JSON): no band; the total from summary['gap_s'] is still said
    plain = make_result()
    plain.summary["gap_s"] = 30.0
    ov = build_overview(plain)
    assert ov.data_gaps == [] and ov.no_data_s == 30.0
    assert "(including 30 s with no data)" in render_html(plain)


@pytest.mark.parametrize("end_s, label", [(3599.0, "recording time (min:s)"), (3599.7, "recording time (min:s)"),
                                          (3660.0, "recording time (h:mm:ss)")])
def test_the_time_axis_label_names_the_tick_format(end_s, label):
    """A 3-h walk's ticks read 1:00:00, 1:30:00 … under 'recording time (min:s)'. Truth: the label says h:mm:ss
    when the axis reaches an hour (its ticks then have hours), min:s below; both plots against time agree."""
    from imu_gait.report.html import flag_timeline_figure, metrics_over_time_figure

    res = make_result(bouts=((0.0, end_s - 30.0),), flags=[])
    res.summary["duration_s"] = end_s
    ov = build_overview(res)
    for fig in (metrics_over_time_figure(res, ov)[0], flag_timeline_figure(res, ov)):
        labelled = [a for a in fig.axes if a.get_xlabel()]
        assert [a.get_xlabel() for a in labelled] == [label]
        ticks = [labelled[0].xaxis.get_major_formatter()(v, i) for i, v in enumerate(labelled[0].get_xticks())]
        assert max(t.count(":") for t in ticks) == (2 if "h:" in label else 1), ticks   # '1:00:00' under h:mm:ss only


def test_a_pace_flag_is_shaded_on_the_stride_cv_and_the_step_regularity_panels():
    """The pace rule is a higher stride-time CV or a lower step regularity, and its card names both; the span was
    shaded on the CV panel alone. Truth: flag_panels gives both panels, whichever metric the flag names, and the
    plot's text alternative says both were flagged."""
    from imu_gait.report.html import flag_panels

    panels = ["cadence_spm", "step_regularity", "stride_time_cv_pct"]
    for metric in ("stride_time_cv_lcb_pct", "step_regularity"):
        flag = Flag(id="pace_too_fast", start_s=250.0, end_s=330.0, severity="moderate", metric=metric, value=0.86,
                    reference=0.98, reference_kind="baseline", threshold=0.9, message="m", cause="c", advice="a")
        assert flag_panels(flag, panels) == {"step_regularity", "stride_time_cv_pct"}, metric
    res = make_result(flags=[flag])
    alt = re.search(r"Smoothed values over[^<]*", render_html(res)).group(0)
    assert re.search(r"Step regularity [^;]*, flagged 4:10", alt), alt


def test_a_long_walks_step_time_plot_keeps_left_and_right_apart():
    """20 000 steps drawn as dots: the right side's (drawn last) covered the left's, so the plot could not show
    a left/right difference. Truth: above SIDE_BINS_ABOVE steps each side has a median line over runs of steps,
    at the side's true step time (left 520 ms, right 570 ms; ±10 ms: a median of ~17 steps of SD 5 ms, over 6 standard errors), apart
    all along, and the legend sits outside the points;
    a short walk keeps one dot per step."""
    from imu_gait.report.html import SIDE_BINS_ABOVE, step_scatter_figure

    steps = make_steps(bouts=((0.0, 3600.0),))
    assert len(steps) > SIDE_BINS_ABOVE
    left = (steps["side"] == "L").to_numpy()
    steps.loc[left, "step_time_s"] = 0.520 + np.random.default_rng(2).normal(0, 0.005, left.sum())
    steps.loc[~left, "step_time_s"] = 0.570 + np.random.default_rng(3).normal(0, 0.005, (~left).sum())
    res = make_result(steps=steps, flags=[])
    ax = step_scatter_figure(res, build_overview(res)).axes[0]
    lines = {ln.get_gid(): np.asarray(ln.get_ydata(), float) for ln in ax.lines}
    assert np.all(np.abs(lines["side-median-L"] - 520.0) < 10.0) and np.all(np.abs(lines["side-median-R"] - 570.0) < 10.0)
    assert len(lines["side-median-L"]) >= 100                   # the trend over the hour stays visible
    assert "median of each" in render_html(res)
    short = make_result(flags=[])
    ax = step_scatter_figure(short, build_overview(short)).axes[0]
    assert not ax.lines and len(ax.collections) == 2             # one dot per step, left and right


def test_units_and_flag_durations_are_written_one_way():
    """'In numbers' wrote 'Trunk twist 9.9–10.0 °' and 'Stride-time CV 0.7–0.8 %' where the tables write '10.0°' and
    '8.6%'; a flag card's heading said '2 min 54 s' and its message '(2.9 min)'. Truth: degrees and percent follow
    the number without a space, other units after one; the engine's flag message gives its span as the card does."""
    import imu_gait
    from imu_gait.synthetic import synthesize_walk

    page = render_html(make_result())
    alt = re.search(r"Smoothed values over[^<]*", page).group(0)
    assert re.search(r"Trunk twist [0-9.–]+°[,;]", alt) and " °" not in alt and " %" not in alt, alt
    assert re.search(r"Bounce [0-9.–]+ cm", alt), alt
    rec, _ = synthesize_walk(300, seed=3, segments=[(120, {"bounce_cm": 7.0})])
    res = imu_gait.analyze(rec)
    flag = next(f for f in res.flags if f.id == "vertical_bounce")
    dur = fmt_duration(flag.end_s - flag.start_s)
    assert dur.startswith("2 min") and f"({dur}):" in flag.message, (dur, flag.message)
    assert " min):" not in flag.message.replace(f"({dur}):", "")


def test_the_timeline_csv_holds_the_lines_the_report_draws(epoch_and_plain_walk, tmp_path, capsys):
    """The smoothed line (the series the flags are judged on) and the dashed baseline were in no export, so a
    researcher could not check them (report audit s34 F11). Truth: `analyze --timeline-csv` and
    AnalysisResult.write_timeline_csv write, second by second, exactly the values the metrics-over-time panel
    draws (to the CSV's 4 decimals) and the baseline, with m:ss clocks; the rules' working columns stay out."""
    from imu_gait.cli import main
    from imu_gait.io import write_native
    from imu_gait.report.html import smoothed_series

    (res, rec), _ = epoch_and_plain_walk
    path = tmp_path / "tl.csv"
    res.write_timeline_csv(path)
    table = pd.read_csv(path)
    assert list(table.columns[:4]) == ["time_s", "clock", "gait", "walking"]
    assert not any("__" in c for c in table.columns)
    steps = res.steps
    for col in ("vertical_oscillation_cm", "vertical_oscillation_cm_baseline", "cadence_spm"):
        t, y = smoothed_series(steps, res.timeline, col)
        drawn = pd.Series(y[np.isfinite(t)], index=t[np.isfinite(t)])
        got = table.set_index("time_s")[col].reindex(drawn.index)
        both = drawn.notna() & got.notna()
        assert both.sum() > 100 and (drawn.isna() == got.isna()).all(), col
        assert np.allclose(got[both], drawn[both], atol=1e-4), col
    assert table.loc[table["time_s"] == 61.0, "clock"].item() == "1:01"
    rec_path = tmp_path / "walk.csv"
    write_native(rec_path, rec)
    assert main(["analyze", str(rec_path), "-q", "--timeline-csv", str(tmp_path / "cli.csv")]) == 0
    cli = pd.read_csv(tmp_path / "cli.csv")     # (the native file's rounding moves the numbers a little)
    assert list(cli.columns) == list(table.columns) and cli["time_s"].equals(table["time_s"])
    assert np.nanmax(np.abs(cli["cadence_spm"] - table["cadence_spm"])) < 0.5


def test_a_flags_own_title_heads_its_card_summary_and_csv_row():
    """Report audit s34 F6: a 'pace too fast' flag whose cadence fell is titled "Irregular steps / shuffling" by
    the rules, but the HTML card, the terminal summary and the flags CSV took the title from the id ('Pace too
    fast / shuffling'). Truth: each shows the flag's own title; two flags of one id with different titles are
    headed by the id's title (one heading must not claim for both what only one showed)."""
    from imu_gait.report.common import flag_groups
    from imu_gait.report.flags_csv import flag_rows

    def pace(t0, title):
        return Flag(id="pace_too_fast", start_s=t0, end_s=t0 + 100.0, severity="moderate",
                    metric="stride_time_cv_pct", value=4.2, reference=0.7, reference_kind="baseline", threshold=1.7,
                    message=f"{title} (moderate) from … : stride-time CV 4.2%", cause="c", advice="a", title=title)
    res = make_result(flags=[pace(450.0, "Irregular steps / shuffling")])
    assert "<h3>Irregular steps / shuffling <span" in render_html(res)
    assert "● Irregular steps / shuffling" in render_text(res, width=160)
    assert [r["title"] for r in flag_rows(res)] == ["Irregular steps / shuffling"]
    both = [pace(230.0, "Pace too fast / shuffling"), pace(450.0, "Irregular steps / shuffling")]
    assert flag_groups(both)[0].title == "Pace too fast / shuffling"      # the id's title: FLAG_INFO's
    assert [r["title"] for r in flag_rows(make_result(flags=both))] == [f.title for f in both]
    # a flag built without a title (older JSON, a hand-made Flag) keeps the id's title
    assert flag_groups([replace_title(both[1], "")])[0].title == "Pace too fast / shuffling"


def replace_title(flag, title):
    from dataclasses import replace
    return replace(flag, title=title)


def test_a_marked_severity_is_shown_as_strong_but_stored_as_marked(tmp_path):
    """New-user audit s34 #9: the severity "marked" sat beside symptom *marks* ("1 flag (1 marked)", "CUE [marked]")
    and read as a pain mark. Truth: the terminal summary, the HTML page (headline, card, legend) and the live cue
    say "strong"; the flags CSV and the JSON keep the value "marked" (docs/json.md's contract)."""
    import json
    import types
    from dataclasses import replace

    from imu_gait.devices.view import PlainView
    from imu_gait.report.flags_csv import flag_rows

    strong = replace(FLAGS[0], severity="marked", message="Vertical bounce / hard landings (strong) from 7:30 to 9:50")
    res = make_result(flags=[strong])
    text = render_text(res, width=160)
    head = next(line for line in text.splitlines() if "●" in line)
    assert "strong" in head and "marked" not in head, head
    page = render_html(res)
    assert "1 flag</a> (1 strong)" in page and "(1 marked)" not in page
    assert "severity: strong" in page and "<span class='sev'>strong</span>" in page
    assert "strong flag" in page and "marked flag" not in page          # the plots' legend (in the SVG's text)
    assert [r["severity"] for r in flag_rows(res)] == ["marked"]
    assert json.loads(res.to_json())["flags"][0]["severity"] == "marked"
    out = io.StringIO()
    session = types.SimpleNamespace(time_s=460.0, ongoing_flag_ids=(), time_origin_s=0.0)
    upd = types.SimpleNamespace(event=None, new_flags=[strong], cleared_flags=(), faded_flag_ids=())
    PlainView(file=out, every_s=1e9).update(session, upd)
    assert "CUE [strong] " in out.getvalue() and "[marked]" not in out.getvalue(), out.getvalue()


@pytest.mark.parametrize("gyro", [True, False])
def test_an_accelerometer_only_walks_stride_variability_says_it_includes_turns(gyro):
    """New-user audit s34 #6: without a gyroscope the turns cannot be found, so their strides stay in the stride-time
    CV — 16 % on a 20-s walk with turns, told 'uneven (healthy steady walking ≈ 4 % or less); crowds, rough ground
    or shuffling raise it', while with the gyroscope the same walk was 'not judged'. Truth: the figure is shown,
    but without a gyroscope it says it includes turns and is not comparable with the 4 %, and blames no
    shuffling; with one the usual words stay — in the terminal summary and the HTML page alike."""
    res = make_result(gyro=gyro, flags=[])
    res.summary["stride_time_cv_pct"] = 16.0
    line = _metric_line(render_text(res, width=200), "Stride-time variability")
    assert "16.0 %" in line
    if gyro:
        assert "uneven (healthy steady walking ≈ 4 % or less)" in line and "turns" not in line, line
    else:
        assert "includes turns" in line and "not comparable with healthy steady walking's ≈ 4 %" in line, line
        assert "shuffling" not in line and "uneven" not in line, line
        assert "not comparable with healthy steady walking&#x27;s ≈ 4 %" in render_html(res) or \
            "not comparable with healthy steady walking's ≈ 4 %" in render_html(res)


def test_the_flag_timeline_names_a_flag_by_its_own_title():
    """Report audit s34 F6: the cards said "Irregular steps / shuffling" but the flag timeline's row and its
    "In numbers" still said 'Pace too fast / shuffling' (the id's title). Truth: one title on the whole page."""
    from imu_gait.report.html import flag_timeline_figure, timeline_summary

    f = Flag(id="pace_too_fast", start_s=450.0, end_s=550.0, severity="moderate", metric="stride_time_cv_pct",
             value=4.2, reference=0.7, reference_kind="baseline", threshold=1.7, message="m", cause="c", advice="a",
             title="Irregular steps / shuffling")
    res = make_result(flags=[f])
    ov = build_overview(res)
    labels = [t.get_text() for t in flag_timeline_figure(res, ov).axes[0].get_yticklabels()]
    assert "Irregular steps / shuffling" in labels and "Pace too fast / shuffling" not in labels, labels
    assert "Irregular steps / shuffling: 7:30–9:10" in timeline_summary(res, ov)
    assert "Pace too fast" not in render_html(res)


def test_the_report_says_when_the_file_gives_no_start_time(result):
    """A physio prints four weekly reports: a recording with a clock shows 'Started 2026-11-02 09:00:00 UTC+01:00',
    but one without (the Oxford phone files; a plain CSV of seconds) had no Started row at all, so its printout
    showed no date and did not say why (clinic audit s38). Now the row says the file recorded none."""
    from imu_gait.report.common import recording_line

    rows = dict(recording_line(build_overview(result)))
    assert rows["Started"] == "not known: the file gives no date"
    page = render_html(result)
    assert "<th scope='row'>Started</th><td>not known: the file gives no date</td>" in page
    dated = AnalysisResult(steps=result.steps, summary={**result.summary, "start_time_iso": "2026-11-02T09:00:00+01:00"},
                           flags=result.flags, warnings=result.warnings, bouts=result.bouts)
    assert dict(recording_line(build_overview(dated)))["Started"] == "2026-11-02 09:00:00 UTC+01:00"
