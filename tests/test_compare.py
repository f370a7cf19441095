"""`imu-gait compare`: walks side by side, against synthetic walks whose differences are known.

Truth: week 1 walks at 100 steps/min with 10° trunk twist, week 3 at 115 steps/min with 5° twist
(``imu_gait.synthetic``); everything else is the same walker. Cadence ±1 spm and twist ±1° as in
the engine's own tests.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

import imu_gait
from imu_gait.cli import main
from imu_gait.compare import (Session, comparability_notes, compare_sessions, load_session, mark_explanation,
                              render_comparison, render_comparison_html, session_from_result)
from imu_gait.errors import ImuGaitError
from imu_gait.io import write_native
from imu_gait.synthetic import synthesize_walk

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def walks(tmp_path_factory):
    d = tmp_path_factory.mktemp("walks")
    a, _ = synthesize_walk(300, seed=1, cadence_spm=100, twist_deg=10)
    b, _ = synthesize_walk(300, seed=2, cadence_spm=115, twist_deg=5)
    write_native(d / "week1.csv", a)
    write_native(d / "week3.csv", b)
    imu_gait.analyze(a).to_json(str(d / "week1.json"))
    return d


def test_the_table_shows_each_walk_and_the_change(walks):
    table = compare_sessions([load_session(walks / "week1.csv"), load_session(walks / "week3.csv")])
    row = table.set_index("key")
    assert row.loc["cadence_spm", "week1"] == pytest.approx(100, abs=1)
    assert row.loc["cadence_spm", "week3"] == pytest.approx(115, abs=1)
    assert row.loc["cadence_spm", "change"] == pytest.approx(15, abs=1.5)
    assert row.loc["trunk_twist_deg", "change"] == pytest.approx(-5, abs=1)
    assert row.loc["cadence_spm", "beyond_spread"] is True and row.loc["trunk_twist_deg", "beyond_spread"] is True
    assert row.loc["vertical_oscillation_cm", "beyond_spread"] is False           # same bounce both weeks
    assert row.loc["walking_time_min", "week1"] == pytest.approx(row.loc["walking_time_min", "week3"], rel=0.05)
    text = render_comparison(table)
    assert "Cadence (spm)" in text and "+15 *" in text and "Bounce (cm)" in text


def test_a_result_json_gives_the_same_numbers_as_the_recording(walks):
    from_json = load_session(walks / "week1.json")      # analysed from the arrays in memory
    from_csv = load_session(walks / "week1.csv")        # analysed from the native CSV (values rounded there)
    for key in ("cadence_spm", "walking_speed_mps", "trunk_twist_deg", "vertical_oscillation_cm"):
        assert from_json.summary[key] == pytest.approx(from_csv.summary[key], rel=1e-4)


def test_flags_appear_as_minutes_per_pattern():
    a = session_from_result({"summary": {"cadence_spm": 110, "walking_time_s": 600},
                             "flags": [{"id": "forward_lean", "start_s": 300, "end_s": 420}]}, "a")
    b = session_from_result({"summary": {"cadence_spm": 111, "walking_time_s": 600},
                             "flags": [{"id": "forward_lean", "start_s": 100, "end_s": 130},
                                       {"id": "forward_lean", "start_s": 200, "end_s": 230}]}, "b")
    row = compare_sessions([a, b]).set_index("key")
    assert row.loc["flag_forward_lean_min", "a"] == pytest.approx(2.0)
    assert row.loc["flag_forward_lean_min", "b"] == pytest.approx(1.0)
    assert row.loc["flag_forward_lean_min", "change"] == pytest.approx(-1.0)


def test_a_flag_a_walk_could_not_judge_is_not_zero_minutes_of_it():
    """The same walk, its trunk twisting 50 % more from 5:00 to 8:00, analysed with its gyroscope and without:
    without one twist cannot be judged (its flag_notes say so), yet compare showed 'trunk twist excess 3.6 →
    0.0 min', a change of −3.6 that read as the problem gone (review). Truth: ~3 min with the gyroscope
    (±0.5); not judged (NaN, shown '–') without, and no change computed."""
    import math
    from dataclasses import replace

    rec, _ = synthesize_walk(600, seed=1, step_jitter=0.012, segments=[(300.0, {"twist_deg": 15.0}),
                                                                      (480.0, {"twist_deg": 10.0})])
    with_gyro = imu_gait.analyze(rec)
    without = imu_gait.analyze(replace(rec, gyro_rads=None))
    assert "trunk_twist_excess" in without.summary["flags_not_judged"]
    assert "trunk_twist_excess" not in with_gyro.summary["flags_not_judged"]
    a, b = (session_from_result(json.loads(r.to_json()), lab) for r, lab in ((with_gyro, "gyro"), (without, "acc")))
    row = compare_sessions([a, b]).set_index("key").loc["flag_trunk_twist_excess_min"]
    assert row["gyro"] == pytest.approx(3.0, abs=0.5)
    assert math.isnan(row["acc"]) and math.isnan(row["change"])


def test_cli_compare_writes_the_table(walks, tmp_path, capsys):
    out = tmp_path / "progress.csv"
    code = main(["compare", str(walks / "week1.json"), str(walks / "week3.csv"), "--labels", "week 1,week 3",
                 "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0 and "week 1" in text and "week 3" in text
    table = pd.read_csv(out)
    assert list(table.columns) == ["row", "key", "gait", "unit", "week 1", "week 3", "change", "beyond_spread",
                                   "beyond_repeat", "trend", "trend_beyond_noise"]     # (trend: 5 walks or more)
    assert table.set_index("key").loc["cadence_spm", "week 3"] == pytest.approx(115, abs=1)


@pytest.mark.parametrize("argv,message", [
    (["compare", "one.json"], "at least two walks"),
    (["compare", "a.json", "b.json", "--labels", "x"], "1 names for 2 walks"),
])
def test_cli_compare_refuses_clearly(argv, message, capsys):
    assert main(argv) != 0
    assert message in capsys.readouterr().err


def test_cli_compare_given_a_folder_or_a_batch_table_says_what_to_give(tmp_path, capsys):
    """A physio naming the patient's folder of result JSONs read 'compare needs at least two walks', or beside a
    file 'unknown recording format: this folder matches none of the formats'; the batch summary table named
    alone read 'needs at least two walks' too, never reaching its own message (clinic audit s38)."""
    folder = tmp_path / "P01"
    folder.mkdir()
    for name in ("week1.csv.json", "week2.csv.json"):
        (folder / name).write_text("{}")
    for argv in (["compare", str(folder)], ["compare", str(folder), str(folder / "week1.csv.json")]):
        assert main(argv) != 0
        err = capsys.readouterr().err
        assert "P01 is a folder" in err and f"imu-gait compare {folder / '*.json'}" in err, err
        assert "unknown recording format" not in err and "at least two" not in err, err
    table = tmp_path / "summary.csv"
    table.write_text("recording,status,error,cadence_spm\nweek1.csv,ok,,110\nweek2.csv,ok,,111\n")
    assert main(["compare", str(table)]) != 0
    err = capsys.readouterr().err
    assert "'imu-gait batch' summary table" in err and "--json-dir" in err, err


def test_a_file_that_is_not_a_result_is_named(tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text(json.dumps({"hello": 1}))
    with pytest.raises(ImuGaitError, match="notes.json: not an imu_gait result"):
        load_session(bad)
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(ImuGaitError, match="broken.json: cannot read it"):
        load_session(broken)


def test_cli_compare_html_page_is_self_contained(walks, tmp_path, capsys):
    page = tmp_path / "progress.html"
    code = main(["compare", str(walks / "week1.json"), str(walks / "week3.csv"), "--labels", "week 1,week 3",
                 "--report", str(page)])
    assert code == 0
    html = page.read_text()
    assert html.lstrip().lower().startswith("<!doctype html") and html.count("<svg") == 1
    assert "week 1" in html and "week 3" in html and "Cadence" in html and "not a diagnosis" in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html


BASE_SUMMARY = {"placement": "lower_back", "one_sided_signal": False, "lean_jumps": [], "has_gyro": True,
                "sensor_height_m": 0.95, "gait": "walk", "cadence_spm": 110.0}


@pytest.mark.parametrize("change, fragment", [
    ({"placement": "chest"}, "not worn in the same place"),
    ({"one_sided_signal": True}, "looks one-sided"),
    ({"lean_jumps": [{"time_s": 310.0, "change_deg": 20.0}]}, "lean jumped"),
    ({"has_gyro": False}, "do not read a change of sway or braking"),
    ({"belt_speed_mps": 1.4}, "treadmill belt"),
    ({"sensor_height_m": 1.05}, "sensor height used for step length differs"),
    ({"gait": "run"}, "running"),
])
def test_what_makes_two_walks_hard_to_compare_is_said(change, fragment):
    """A change between walks is the walker's only when the sensor and the measuring stayed the same."""
    same = [Session("week1", dict(BASE_SUMMARY)), Session("week3", dict(BASE_SUMMARY))]
    assert comparability_notes(same) == []
    notes = comparability_notes([Session("week1", dict(BASE_SUMMARY)), Session("week3", {**BASE_SUMMARY, **change})])
    assert len(notes) == 1 and fragment in notes[0], notes


def test_walks_at_different_belt_speeds_are_said_to_differ_by_the_speed_alone():
    """Two treadmill walks, one at 4.7 km/h and one whose program went 4.7 → 5.5 km/h: bounce 3.6 vs
    4.4 cm read as the walker's change, nothing said about the belt. Speeds within 0.3 km/h say nothing."""
    a = {**BASE_SUMMARY, "treadmill": True, "belt_speed_mps": 4.7 / 3.6}
    b = {**BASE_SUMMARY, "treadmill": True, "treadmill_schedule": [
        {"start_s": 0.0, "belt_speed_mps": 4.7 / 3.6, "incline_pct": 0.0},
        {"start_s": 300.0, "belt_speed_mps": 5.5 / 3.6, "incline_pct": 0.0}]}
    notes = comparability_notes([Session("week1", a), Session("week3", b)])
    assert len(notes) == 1 and "belt ran at different speeds (week1: 4.7 km/h, week3: 4.7–5.5 km/h)" in notes[0]
    close = {**a, "belt_speed_mps": 4.9 / 3.6}
    assert comparability_notes([Session("week1", a), Session("week3", close)]) == []


def test_cli_compare_says_when_the_placement_changed(walks, tmp_path, capsys):
    """week 3 analysed as a chest recording: the terminal table and the page say so; same walker, same
    placement (the fixture's two recordings) say nothing."""
    b = imu_gait.read(str(walks / "week3.csv"))
    imu_gait.analyze(b, placement="chest").to_json(str(tmp_path / "week3_chest.json"))
    assert main(["compare", str(walks / "week1.json"), str(tmp_path / "week3_chest.json"),
                 "--report", str(tmp_path / "c.html")]) == 0
    out = capsys.readouterr().out
    assert "Before reading a change" in out and "not worn in the same place" in out
    assert "not worn in the same place" in (tmp_path / "c.html").read_text()
    assert main(["compare", str(walks / "week1.csv"), str(walks / "week3.csv")]) == 0
    assert "Before reading a change" not in capsys.readouterr().out


def _session(label, gait="walk", **metrics):
    """A session from a summary alone: medians and their middle halves (± 1 % of the value)."""
    summary = {**BASE_SUMMARY, "gait": gait, "walking_time_s": 300.0}
    for k, v in metrics.items():
        summary[k] = v
        summary[k + "_iqr"] = [v - abs(v) * 0.01, v + abs(v) * 0.01]
    return Session(label, summary)


def _panel(fig, title):
    return next(ax for ax in fig.axes if ax.get_visible() and ax.get_title().startswith(title))


def test_panels_keep_a_minimum_span_so_tiny_differences_look_tiny():
    """Stride-time CV 0.668 → 0.671 % and twist 9.95 → 10.05° (the review's walks): each difference
    is under 1/20 of its panel's height, not a swing across the panel; a real change (cadence
    100 → 115 spm) still spans most of its panel."""
    from imu_gait.compare import PANEL_MIN_SPAN, comparison_figure

    sessions = [_session("a", stride_time_cv_pct=0.668, trunk_twist_deg=9.95, cadence_spm=100.0),
                _session("b", stride_time_cv_pct=0.671, trunk_twist_deg=10.05, cadence_spm=115.0)]
    metrics = [("stride_time_cv_pct", "Stride-time variability", "%"), ("trunk_twist_deg", "Trunk twist", "°"),
               ("cadence_spm", "Cadence", "spm")]
    fig = comparison_figure(sessions, metrics, ["a", "b"])
    for key, title, a, b in (("stride_time_cv_pct", "Stride-time", 0.668, 0.671),
                             ("trunk_twist_deg", "Trunk twist", 9.95, 10.05)):
        lo, hi = _panel(fig, title).get_ylim()
        assert hi - lo >= PANEL_MIN_SPAN[key] - 1e-9 and lo <= a and b <= hi
        assert (b - a) / (hi - lo) < 0.05
    lo, hi = _panel(fig, "Cadence").get_ylim()
    assert 0.6 < 15.0 / (hi - lo) < 1.0 and lo < 100 * 0.99 and 115 * 1.01 < hi


def test_panel_ranges_stay_within_what_the_metric_can_be():
    from imu_gait.compare import panel_ylim

    lo, hi = panel_ylim("step_time_asymmetry_pct", [0.1, 0.2])      # near 0: no negative asymmetry axis
    assert lo == 0.0 and hi >= 5.0
    lo, hi = panel_ylim("step_regularity", [0.97, 0.99])              # an autocorrelation: not far above 1
    assert hi <= 1.02 and hi - lo >= 0.3 - 1e-9 and lo <= 0.97
    lo, hi = panel_ylim("forward_lean_deg", [-0.5, 0.4])              # lean may be negative
    assert lo < -0.5 and hi > 0.4 and hi - lo >= 6.0


def test_a_walking_and_a_running_session_are_not_joined_as_one_trend():
    """walk, run, walk, walk: the cadence panel joins only the last two (two walks in a row); the
    running session is a triangle of its own and the page says what the marks are."""
    from imu_gait.compare import comparison_figure, render_comparison_html

    sessions = [_session("w1", cadence_spm=110.0), _session("r", "run", cadence_spm=170.0),
                _session("w2", cadence_spm=111.0), _session("w3", cadence_spm=112.0)]
    fig = comparison_figure(sessions, [("cadence_spm", "Cadence", "spm")], ["w1", "r", "w2", "w3"])
    trends = [ln for ln in _panel(fig, "Cadence").get_lines() if ln.get_gid() == "trend"]
    assert [list(ln.get_xdata()) for ln in trends] == [[2, 3]]
    markers = {ln.get_marker() for ln in _panel(fig, "Cadence").get_lines() if ln.get_gid() != "trend"}
    assert {"o", "^"} <= markers
    page = render_comparison_html(sessions)
    assert "Circles are walking, triangles running" in page


def test_the_compare_page_never_shows_negative_zero():
    """A lean of −0.004° in both walks is 0.0 in the page's table (the review saw '-0.00'), with the
    metric's own decimals like the terminal table."""
    from imu_gait.compare import render_comparison_html

    sessions = [_session("a", forward_lean_deg=-0.004, cadence_spm=110.2),
                _session("b", forward_lean_deg=-0.003, cadence_spm=110.4)]
    page = render_comparison_html(sessions)
    row = page[page.index("<th scope='row'>Forward lean"):]
    row = row[:row.index("</tr>")]
    assert "-0.0" not in row and "−0.0" not in row and "<td class='num'>0.0</td>" in row
    assert "+0.0</td>" in row
    cad = page[page.index("<th scope='row'>Cadence"):]
    assert "<td class='num'>110</td>" in cad[:cad.index("</tr>")]


def test_walks_analysed_by_different_versions_are_said_to_be_so(walks):
    """A result JSON from another imu_gait version (or one from before results said their version)
    next to a recording analysed now: the notes name both versions."""
    saved = json.loads((walks / "week1.json").read_text())
    assert saved["imu_gait_version"] == imu_gait.__version__
    old = dict(saved, imu_gait_version="0.0.9")
    now = load_session(walks / "week1.json")
    assert now.version == imu_gait.__version__
    assert not any("versions" in n for n in comparability_notes([now, now]))
    notes = comparability_notes([session_from_result(old, "old"), now])
    assert any("old: 0.0.9" in n and f"week1: {imu_gait.__version__}" in n for n in notes), notes
    legacy = {k: v for k, v in saved.items() if k != "imu_gait_version"}
    notes = comparability_notes([session_from_result(legacy, "legacy"), now])
    assert any("legacy: unknown" in n for n in notes), notes


def test_a_walk_that_turned_into_a_run_is_compared_gait_by_gait(walks, tmp_path, capsys):
    """Week 1 walks 300 s at 100 spm; week 5 walks 100 s at 110 spm, then runs 100 s at 165 spm (truth of
    the synthetic generator). Pooled, week 5's 'cadence' was a median over both gaits (a walk-run mixture
    ~30 spm off each) compared with a pure walk. Now each gait has its own rows: walking 100 → 110 spm
    (±2 spm), running 165 spm in week 5 only (no change to a week without running); the note says so and
    the page draws week 5 as a circle and a triangle."""
    mixed, truth = synthesize_walk(200, 100, seed=8, segments=[(100, {"run": 1.0, "cadence_spm": 165.0,
                                                                      "bounce_cm": 8.0, "speed_mps": 3.0})])
    write_native(tmp_path / "week5.csv", mixed)
    true_cad = truth.steps.groupby("gait")["cadence_spm"].median()
    sessions = [load_session(walks / "week1.json"), load_session(tmp_path / "week5.csv")]
    table = compare_sessions(sessions)
    rows = {(r["key"], r["gait"]): r for r in table.to_dict(orient="records")}
    assert ("cadence_spm", "") not in rows                       # no pooled row when the gaits differ
    walk, run = rows[("cadence_spm", "walk")], rows[("cadence_spm", "run")]
    assert walk["row"] == "Cadence, walking" and run["row"] == "Cadence, running"
    assert walk["week1"] == pytest.approx(100, abs=2) and walk["week5"] == pytest.approx(true_cad["walk"], abs=2)
    assert walk["change"] == pytest.approx(true_cad["walk"] - 100, abs=2) and walk["beyond_spread"] is True
    assert run["week5"] == pytest.approx(true_cad["run"], abs=2) and run["week1"] != run["week1"]   # NaN
    assert run["change"] != run["change"] and run["beyond_spread"] is None     # one running session: no change
    bounce_run = rows[("vertical_oscillation_cm", "run")]["week5"]
    assert bounce_run > rows[("vertical_oscillation_cm", "walk")]["week5"] + 3.0
    notes = comparability_notes(sessions)
    assert any("shown apart" in n and "week5 turned from walking to running" in n and "Stride-time variability, running" in render_comparison(table, notes) for n in notes), notes
    text = render_comparison(table, notes)
    assert "Cadence, walking (spm)" in text and "Cadence, running (spm)" in text
    # the page: week 5 has a circle (walking) and a triangle (running); a line joins the two walking medians
    from imu_gait.compare import comparison_figure
    fig = comparison_figure(sessions, [("cadence_spm", "Cadence", "spm")], ["week1", "week5"])
    ax = _panel(fig, "Cadence")
    trends = [ln for ln in ax.get_lines() if ln.get_gid() == "trend"]
    assert len(trends) == 1 and list(trends[0].get_xdata()) == [0, 1]
    assert list(trends[0].get_ydata()) == pytest.approx([walk["week1"], walk["week5"]])
    marks = [(ln.get_marker(), float(ln.get_xdata()[0]), float(ln.get_ydata()[0]))
             for ln in ax.get_lines() if ln.get_gid() != "trend" and len(ln.get_xdata()) == 1]
    assert ("^", 1.0, pytest.approx(run["week5"])) in marks
    # the CSV keeps one column saying which gait a row is
    assert main(["compare", str(walks / "week1.json"), str(tmp_path / "week5.csv"),
                 "--out", str(tmp_path / "c.csv")]) == 0
    csv = pd.read_csv(tmp_path / "c.csv", keep_default_na=False)
    assert list(csv.columns[:4]) == ["row", "key", "gait", "unit"]
    assert set(csv["gait"]) == {"walk", "run", ""}


def test_walks_of_one_gait_keep_one_row_per_metric(walks):
    table = compare_sessions([load_session(walks / "week1.json"), load_session(walks / "week3.csv")])
    assert set(table["gait"]) == {""} and table["key"].is_unique


def test_a_walk_labelled_like_a_table_column_keeps_its_own_column(walks, tmp_path):
    """A walk saved or labelled 'gait' (or 'change') overwrote that column: the terminal lost the walk and
    the CSV had two 'gait' columns. Now it becomes 'gait (2)'."""
    table = compare_sessions([load_session(walks / "week1.json", label="gait"),
                              load_session(walks / "week3.csv", label="change")])
    assert list(table.columns) == ["row", "key", "gait", "unit", "gait (2)", "change (2)", "change", "beyond_spread",
                                   "beyond_repeat", "trend", "trend_beyond_noise"]
    row = table.set_index("key").loc["cadence_spm"]
    assert row["gait (2)"] == pytest.approx(100, abs=1) and row["gait"] == ""
    assert "gait (2)" in render_comparison(table)


def test_an_old_result_that_pools_walking_and_running_is_said_to(walks, tmp_path):
    """A result JSON from before by_gait (41 % running) was compared as one pooled walk without a word."""
    mixed, _ = synthesize_walk(200, 100, seed=8, segments=[(100, {"run": 1.0, "cadence_spm": 165.0,
                                                                  "bounce_cm": 8.0, "speed_mps": 3.0})])
    d = imu_gait.analyze(mixed).to_dict()
    d["summary"].pop("by_gait")
    (tmp_path / "old.json").write_text(json.dumps(d))
    notes = comparability_notes([load_session(walks / "week1.json"), load_session(tmp_path / "old.json")])
    assert any("old mixed walking and running" in n and "analyse the recording again" in n for n in notes), notes
    assert not any("mixed walking and running" in n
                   for n in comparability_notes([load_session(walks / "week1.json"), load_session(walks / "week3.csv")]))


# ---------------------------------------------------------------- the batch → compare workflow, on real walks
DATASETS = ROOT / "datasets"


def test_batch_json_results_are_named_like_their_recordings(tmp_path, capsys):
    """A researcher runs 'batch --json-dir' over a person's sessions, then compares the JSONs: their columns
    were 'mobgap_HA001_walk1.csv' (the JSON's stem) next to 'mobgap_HA001_walk2' for the same walk analysed
    from its recording — two names for one walk. A result JSON's label drops the recording's extension too."""
    from imu_gait.batch import run_batch

    walk1, walk2 = DATASETS / "mobgap_HA001_walk1.csv", DATASETS / "mobgap_HA001_walk2.csv"
    rows = run_batch([walk1, walk2], None, json_dir=tmp_path / "json")
    json1 = Path(rows[0]["json"])
    assert json1.name == "mobgap_HA001_walk1.csv.json"
    assert main(["compare", str(json1), str(walk2)]) == 0
    head = capsys.readouterr().out.splitlines()[0].split()
    assert head == ["mobgap_HA001_walk1", "mobgap_HA001_walk2", "change"]
    table = compare_sessions([load_session(json1), load_session(walk1)])       # one walk, both ways
    assert [c for c in table.columns if c.startswith("mobgap")] == ["mobgap_HA001_walk1", "mobgap_HA001_walk1 (2)"]
    assert table.set_index("key").loc["cadence_spm", "change"] == pytest.approx(0.0, abs=1e-6)


def test_a_batch_summary_table_given_to_compare_says_what_to_give_instead(tmp_path, capsys):
    """'compare summary.csv …' (the batch's table, one row per recording) said 'unknown recording format' and
    listed every reader's options; it now says what the file is and how to get walks to compare."""
    from imu_gait.batch import run_batch

    out = tmp_path / "summary.csv"
    run_batch([DATASETS / "mobgap_HA001_walk1.csv", DATASETS / "mobgap_HA001_walk2.csv"], out)
    assert main(["compare", str(out), str(DATASETS / "mobgap_HA001_walk2.csv")]) == 2
    err = capsys.readouterr().err
    assert "summary.csv: this is an 'imu-gait batch' summary table" in err and "--json-dir" in err
    assert "unknown recording format" not in err


# ---------------------------------------------------------------- what * means: beyond a same-day repeat
def test_a_change_within_a_same_day_repeat_is_not_starred_a_larger_one_is(walks, tmp_path):
    """Truth (synthetic generator): week 1 at 100 spm; a repeat walk at 103 spm (3 spm: well inside the
    12 spm by which 95 % of same-day repeat walks of healthy people differ, benchmarks/compare_repeat.py);
    week 3 at 115 spm (15 spm, beyond it). The synthetic walks are so steady that 3 spm already lies
    outside week 1's middle half — the old mark starred it (as it starred 51 % of real repeat walks'
    cadence); now only the 15-spm change is starred. Measured changes ±1.5 spm of the truth."""
    from imu_gait.compare import REPEAT_CHANGE, is_marked

    repeat, truth = synthesize_walk(300, seed=3, cadence_spm=103, twist_deg=10)
    write_native(tmp_path / "repeat.csv", repeat)
    week1 = load_session(walks / "week1.csv")
    same_day = compare_sessions([week1, load_session(tmp_path / "repeat.csv")]).set_index("key")
    later = compare_sessions([week1, load_session(walks / "week3.csv")]).set_index("key")
    assert same_day.loc["cadence_spm", "change"] == pytest.approx(truth.steps["cadence_spm"].median() - 100, abs=1.5)
    assert later.loc["cadence_spm", "change"] == pytest.approx(15, abs=1.5)
    assert same_day.loc["cadence_spm", "beyond_spread"] is True           # the spread test alone would star it
    assert same_day.loc["cadence_spm", "beyond_repeat"] is False and later.loc["cadence_spm", "beyond_repeat"] is True
    assert not any(is_marked(r) for r in same_day.reset_index().to_dict(orient="records"))
    assert is_marked(later.loc["cadence_spm"].to_dict())
    assert REPEAT_CHANGE["cadence_spm"] < 15 - 1.5 and REPEAT_CHANGE["cadence_spm"] > 3 + 1.5
    text = render_comparison(same_day.reset_index())
    assert "*" not in text.split("Medians over")[0]                        # no row marked


def test_two_real_walks_of_one_person_minutes_apart_are_not_starred(capsys):
    """Mobilise-D HA001, two straight walks at comfortable speed in one lab session: by the INDIP
    reference (insoles + foot sensors) cadence 100.5 → 103.5 spm, speed 1.06 → 1.05 m/s — a repeat,
    not a change. imu_gait's cadence change matches the reference's (±2 spm); the old mark starred 4 of
    its 11 metrics (2 since walk 2's slowing last steps past INDIP's bout count, 2026-12-04), now none (the limits were fitted on other people's walks, IPOL). Tolerances: cadence
    ±2 spm, speed ±0.15 m/s of the reference's change."""
    ref = [json.loads((DATASETS / f"mobgap_HA001_walk{i}.ref.json").read_text())["bouts"][0] for i in (1, 2)]
    assert ref[1]["cadence_spm"] - ref[0]["cadence_spm"] == pytest.approx(2.9, abs=0.1)
    assert main(["compare", str(DATASETS / "mobgap_HA001_walk1.csv"), str(DATASETS / "mobgap_HA001_walk2.csv"),
                 "--labels", "walk 1,walk 2"]) == 0
    out = capsys.readouterr().out
    table = compare_sessions([load_session(DATASETS / f"mobgap_HA001_walk{i}.csv") for i in (1, 2)])
    row = table.set_index("key")
    assert row.loc["cadence_spm", "change"] == pytest.approx(ref[1]["cadence_spm"] - ref[0]["cadence_spm"], abs=2)
    # speed from the pendulum model over ~10 steps: ±0.15 m/s (Mobilise-D's lab speed error: 0.06–0.12 m/s)
    ref_speed_change = ref[1]["walking_speed_mps"] - ref[0]["walking_speed_mps"]
    assert row.loc["walking_speed_mps", "change"] == pytest.approx(ref_speed_change, abs=0.15)
    assert (row["beyond_spread"] == True).sum() >= 2          # noqa: E712 — what starred them before
    assert "*" not in out.split("Medians over")[0]
    assert "same healthy person on the same day" in out and "cadence 12 spm" in out


def test_the_limits_are_the_ones_the_benchmark_measured():
    """REPEAT_CHANGE is copied from benchmarks/results/compare_repeat.json (the 95th percentile of the
    same-day repeat differences, rounded): re-running the benchmark with another result means updating
    the constant and the numbers its comment quotes."""
    from imu_gait.compare import REPEAT_CHANGE

    res = json.loads((ROOT / "benchmarks" / "results" / "compare_repeat.json").read_text())
    assert REPEAT_CHANGE == res["limits_shipped"]
    src = (ROOT / "imu_gait" / "compare.py").read_text()
    assert "benchmarks/compare_repeat.py" in src and "benchmarks/results/compare_repeat.md" in src


def test_the_page_and_the_terminal_say_what_the_star_means(walks):
    """Both footnotes say, in plain words, that * is a change beyond a same-day repeat of a healthy
    person, with the limits of the rows shown, and that variability and asymmetry are never marked."""
    from imu_gait.compare import render_comparison_html

    sessions = [load_session(walks / "week1.json"), load_session(walks / "week3.csv")]
    table = compare_sessions(sessions)
    for text in (render_comparison(table), render_comparison_html(sessions, table)):
        assert "two walks of the same healthy person on the same day" in text
        assert "cadence 12 spm" in text and "bounce 1.1 cm" in text
        assert "middle half" in text and "never marked" in text
        assert "outside the first walk's middle half (25th–75th percentile of its steps): a shift larger" not in text


def test_running_rows_have_no_repeat_limit_and_keep_the_spread_test():
    """No repeat runs were measured: a running row's beyond_repeat is None and its * is the middle-half
    test with walking's limit as a floor (160 → 175 spm beyond a ±1 % middle half is marked; see
    test_a_tiny_running_change_is_not_starred for 160 → 170), and the footnote says so."""
    sessions = [_session("r1", "run", cadence_spm=160.0), _session("r2", "run", cadence_spm=175.0)]
    table = compare_sessions(sessions)
    row = table.set_index("key").loc["cadence_spm"]
    assert row["beyond_repeat"] is None and row["beyond_spread"] is True
    text = render_comparison(table)
    assert "+15 *" in text and "Running has no measured repeat limit" in text
    walking = compare_sessions([_session("w1", cadence_spm=110.0), _session("w2", cadence_spm=120.0)])
    assert walking.set_index("key").loc["cadence_spm", "beyond_repeat"] is False       # 10 spm < 12 spm
    assert "+10 *" not in render_comparison(walking)


@pytest.mark.parametrize("places, label", [(("chest", "chest_strap"), "Trunk roll"),
                                           (("chest", "lower_back"), "Pelvic drop"),
                                           (("lower_back", "lower_back"), "Pelvic drop")])
def test_roll_range_row_is_trunk_roll_when_every_walk_was_worn_on_the_chest(places, label):
    """The single-walk report calls a chest sensor's roll range 'Trunk roll' (the thorax's side-bend); compare
    said 'Pelvic drop' for two chest-strap runs. Every walk on the chest → 'Trunk roll'; any on the pelvis
    (already named as worn in different places) → the pelvis's word."""
    sessions = [Session(f"w{i}", {**BASE_SUMMARY, "placement": p, "pelvic_drop_deg": 4.0 + i})
                for i, p in enumerate(places)]
    row = compare_sessions(sessions).set_index("key").loc["pelvic_drop_deg", "row"]
    assert row == label
    html = render_comparison_html(sessions)
    assert label in html and ("Trunk roll" if label == "Pelvic drop" else "Pelvic drop") not in html.split("<table")[1]
    # the explanation of the * names the row's limit in the table's word too
    assert f"{label.lower()} " in mark_explanation(compare_sessions(sessions))
    assert ("trunk roll" if label == "Pelvic drop" else "pelvic drop") not in mark_explanation(compare_sessions(sessions))


IPOL = ROOT.parent / "shared" / "datasets_raw" / "ipol_voisard_healthy_gait" / "GaitData"


@pytest.mark.skipif(not IPOL.is_dir(), reason="needs ../shared/datasets_raw/ipol_voisard_healthy_gait")
def test_the_repeat_benchmark_still_runs_and_fits_the_shipped_limits():
    """benchmarks/compare_repeat.py measures REPEAT_CHANGE. Once compare gained the running rows it stopped
    with a KeyError (walks have none) and nobody saw it for two days while engine changes moved its fit.
    Run it on today's engine (~7 s) and render its report: every walking metric gets a limit, and each
    fitted limit lies within 15 % of the shipped one (farther: re-run the benchmark, update the constant)."""
    import importlib.util

    from imu_gait.compare import REPEAT_CHANGE

    spec = importlib.util.spec_from_file_location("compare_repeat", ROOT / "benchmarks" / "compare_repeat.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    res = bench.run()
    md = bench.to_markdown(res)
    assert "## Starred comparisons of the repeat walks" in md and "Limits per held-out fold" in md
    fitted = {k: v["limit"] for k, v in res["limits_fit"].items() if k not in bench.NO_LIMIT}
    assert set(fitted) == set(REPEAT_CHANGE)
    for k, limit in REPEAT_CHANGE.items():
        assert fitted[k] == pytest.approx(limit, rel=0.15), k


@pytest.mark.parametrize("change, unmarked", [
    ({"has_gyro": False}, {"lateral_sway_cm", "braking_mps"}),
    ({"placement": "chest"}, {"vertical_oscillation_cm", "forward_lean_deg", "lean_vs_standing_deg",
                              "lateral_sway_cm"}),
])
def test_a_change_the_notes_say_not_to_read_is_not_marked(change, unmarked):
    """A walk with a gyroscope against an accelerometer-only one (or a chest walk against a lower-back one):
    sway 3 → 6 cm, braking, bounce and lean well beyond the same-day limits and the first walk's middle half.
    The note says these differ by the sensor alone (README: sway from an accelerometer alone is compared
    only with the same kind of sensor), so the table must not star them — it used to, under that note. Between
    two walks of the same kind the very same numbers are starred, and cadence is starred either way."""
    first = {**BASE_SUMMARY, "lateral_sway_cm": 3.0, "lateral_sway_cm_iqr": [2.7, 3.3], "braking_mps": 0.15,
             "braking_mps_iqr": [0.13, 0.17], "vertical_oscillation_cm": 3.0, "vertical_oscillation_cm_iqr": [2.8, 3.2],
             "forward_lean_deg": 0.0, "forward_lean_deg_iqr": [-1.0, 1.0], "lean_vs_standing_deg": 2.0,
             "lean_vs_standing_deg_iqr": [1.0, 3.0], "cadence_spm": 100.0, "cadence_spm_iqr": [98.0, 102.0]}
    last = {**first, "lateral_sway_cm": 6.0, "braking_mps": 0.40, "vertical_oscillation_cm": 6.0,
            "forward_lean_deg": 8.0, "lean_vs_standing_deg": 10.0, "cadence_spm": 120.0}
    same = compare_sessions([Session("week1", first), Session("week3", last)]).set_index("key")
    for key in unmarked | {"cadence_spm"}:
        assert same.loc[key, "beyond_repeat"] is True and same.loc[key, "beyond_spread"] is True, key
    sessions = [Session("week1", first), Session("week3", {**last, **change})]
    table = compare_sessions(sessions)
    rows = table.set_index("key")
    for key in unmarked:
        assert rows.loc[key, "beyond_repeat"] is None and rows.loc[key, "beyond_spread"] is None, key
        assert rows.loc[key, "change"] == pytest.approx(same.loc[key, "change"])     # the change is still shown
    assert rows.loc["cadence_spm", "beyond_repeat"] is True and rows.loc["cadence_spm", "beyond_spread"] is True
    text = render_comparison(table, comparability_notes(sessions))
    starred = {line.split("  ")[0].split(" (")[0] for line in text.splitlines() if line.endswith(" *")}
    assert "Cadence" in starred and not starred & set(rows.loc[sorted(unmarked), "row"]), starred
    # every other row that changed as much is starred as between walks of the same kind
    assert starred == set(same.loc[[k for k in same.index if k not in unmarked and
                                    same.loc[k, "beyond_repeat"] is True], "row"]), starred
    assert "not marked *" in text                  # the note says why the row has no *


def test_a_change_of_the_belt_speed_is_not_starred_as_the_walkers():
    """A physio raising the belt from 4.0 to 5.8 km/h between two weekly treadmill walks (same walker,
    otherwise alike) saw cadence +15 spm *, walking speed +0.50 m/s * and step length +0.17 m * credited to
    the walker under a note saying these change with the speed alone (clinic audit s38). The speed-bound rows
    are shown but not starred, as for a change of placement; trunk twist and lean at either speed still are;
    at the same belt speed (or 0.2 km/h apart) cadence is starred as before."""
    first = {**BASE_SUMMARY, "treadmill": True, "belt_speed_mps": 4.0 / 3.6, "cadence_spm": 110.0,
             "cadence_spm_iqr": [109.0, 111.0], "walking_speed_mps": 1.11, "walking_speed_mps_iqr": [1.11, 1.11],
             "step_length_m": 0.60, "step_length_m_iqr": [0.60, 0.61], "trunk_twist_deg": 5.0,
             "trunk_twist_deg_iqr": [4.8, 5.2]}
    last = {**first, "belt_speed_mps": 5.8 / 3.6, "cadence_spm": 125.0, "walking_speed_mps": 1.61,
            "step_length_m": 0.77, "trunk_twist_deg": 12.0}
    sessions = [Session("week1", first), Session("week6", last)]
    rows = compare_sessions(sessions).set_index("key")
    for key in ("cadence_spm", "walking_speed_mps", "step_length_m"):
        assert rows.loc[key, "beyond_repeat"] is None and rows.loc[key, "beyond_spread"] is None, key
        assert rows.loc[key, "change"] == pytest.approx(last[key] - first[key])    # the change is still shown
    assert rows.loc["trunk_twist_deg", "beyond_repeat"] is True          # 7° > 6.2°: the walker's, at any speed
    notes = comparability_notes(sessions)
    assert any("belt ran at different speeds" in n and "not marked *" in n for n in notes), notes
    # the note names every row it leaves unmarked, vertical ratio and ground contact too (review s38)
    (belt_note,) = [n for n in notes if "belt ran at different speeds" in n]
    assert all(w in belt_note for w in ("cadence", "walking speed", "step length", "bounce", "vertical ratio",
                                        "ground contact and impact")), belt_note
    for other_kmh in (4.0, 4.2):                     # within BELT_SPEED_NOTE_KMH: alike
        alike = compare_sessions([Session("week1", first), Session("week6", {**last, "belt_speed_mps": other_kmh / 3.6})])
        assert alike.set_index("key").loc["cadence_spm", "beyond_repeat"] is True, other_kmh


def test_the_comparison_gives_walkings_typical_ranges():
    """A patient's trunk twist rose week by week from a guarded 5.2° to 10.0° (synthetic truth 5 → 10°): the
    single walk's report says 'below the typical walking range (8–15°)', but the comparison gave no range at
    all, in its table or its plots, so the physio could not see it come into walking's range (clinic audit
    s38). The text and the page name each walking row's published range, and each such panel draws it as
    the report does; a comparison of runs gives none (walking's ranges are not a run's)."""
    from imu_gait.compare import render_comparison_html, typical_walking_ranges

    walks = [Session(f"week{i + 1}", {**BASE_SUMMARY, "trunk_twist_deg": twist, "vertical_oscillation_cm": 3.7})
             for i, twist in enumerate((5.2, 6.6, 8.1, 10.0))]
    table = compare_sessions(walks)
    words = typical_walking_ranges(table)
    assert "trunk twist 8–15°" in words and "cadence 100–120 spm" in words and "bounce 2.5–5 cm" in words, words
    assert "side sway" not in words                                   # no published range: none made up
    assert words in render_comparison(table)
    page = render_comparison_html(walks, table)
    assert words.replace("'", "&#x27;") in page
    # a band in each panel with a range (cadence, bounce, trunk twist), none in the others
    assert page.count('id="typical-range') == 3, page.count('id="typical-range')
    runs = [Session(f"run{i + 1}", {**BASE_SUMMARY, "gait": "run", "cadence_spm": c}) for i, c in enumerate((160, 170))]
    run_table = compare_sessions(runs)
    assert typical_walking_ranges(run_table) == "" and 'id="typical-range' not in render_comparison_html(runs, run_table)


def test_the_footnote_says_in_words_what_no_star_means():
    """The guarded twist's +4.8° over four weeks (truth +5°) is under trunk twist's 6.2° same-day limit, so it has
    no *; the footnote said only what a * is, leaving the physio to infer that no * means 'too small to tell
    from an ordinary day' rather than 'no change' (clinic audit s38)."""
    walks = [Session(f"week{i + 1}", {**BASE_SUMMARY, "trunk_twist_deg": twist})
             for i, twist in enumerate((5.2, 6.6, 8.1, 10.0))]
    table = compare_sessions(walks)
    (twist_line,) = [line for line in render_comparison(table).splitlines() if line.startswith("Trunk twist")]
    assert twist_line.endswith("+4.8"), twist_line
    assert ("A change without a * is within that everyday difference or the first walk's middle half"
            in mark_explanation(table)) and "not proof that nothing changed" in render_comparison(table)


def test_a_tiny_running_change_is_not_starred():
    """Running rows had the middle-half test alone: on a steady first run (a 0.1°-wide middle half) a lean
    change of −0.1° got a *, read as a change worth a look (report audit s34 F5). Truth: a running row's
    change needs more than walking's same-day limit for the metric (lean 1.9°, cadence 12 spm), or half
    the panel's least span where walking has none (ground contact 40/2 = 20 ms); the footnote names that rule."""
    from imu_gait.compare import is_marked, unmeasured_min_change

    assert unmeasured_min_change("forward_lean_deg") == 1.9 and unmeasured_min_change("ground_contact_ms") == 20.0
    first = dict(forward_lean_deg=1.0, cadence_spm=160.0, ground_contact_ms=240.0, lateral_sway_cm=3.0)
    small = dict(forward_lean_deg=0.9, cadence_spm=170.0, ground_contact_ms=250.0, lateral_sway_cm=3.1)
    large = dict(forward_lean_deg=4.0, cadence_spm=175.0, ground_contact_ms=270.0, lateral_sway_cm=5.0)
    for last, starred in ((small, False), (large, True)):
        table = compare_sessions([_session("r1", "run", **first), _session("r2", "run", **last)])
        for r in table.to_dict(orient="records"):
            if r["key"] in first:
                assert r["beyond_spread"] is True and r["beyond_repeat"] is None, r["key"]   # outside the middle half
                assert is_marked(r) is starred, (r["key"], r["change"])
    text = render_comparison(table)
    assert "larger than walking's same-day limit for the metric" in text and "ground contact 20 ms" in text


def test_flag_rows_use_the_reports_titles_and_no_trend_line_joins_walks_not_to_compare():
    """(report audit s34 F10) The flag rows said 'Flag: pace too fast (minutes)' where the single report says
    'Pace too fast / shuffling'; and a trend line joined an accelerometer-only walk's sway to the others' while
    the note under the table says not to compare them. Truth: the row carries FLAG_INFO's title; in the
    side-sway panel no line touches the no-gyro walk (0 of 2 segments drawn) and its marker is hollow, while
    the cadence panel still joins all three walks (2 segments) with filled markers."""
    from imu_gait.compare import comparison_figure
    from imu_gait.strain import FLAG_INFO

    a = _session("a", cadence_spm=110.0, lateral_sway_cm=3.0)
    b = _session("b", cadence_spm=112.0, lateral_sway_cm=4.1)
    b.summary["has_gyro"] = False
    c = _session("c", cadence_spm=111.0, lateral_sway_cm=3.0)
    c.flags = [{"id": "pace_too_fast", "start_s": 10.0, "end_s": 70.0}]
    table = compare_sessions([a, b, c])
    assert table.set_index("key").loc["flag_pace_too_fast_min", "row"] == (
        f"Flag: {FLAG_INFO['pace_too_fast']['title']} (minutes)")
    fig = comparison_figure([a, b, c], [("cadence_spm", "Cadence", "spm"), ("lateral_sway_cm", "Side sway", "cm")],
                            ["a", "b", "c"])
    for title, n_lines, hollow in (("Cadence", 2, []), ("Side sway", 0, [1])):
        ax = _panel(fig, title)
        assert sum(ln.get_gid() == "trend" for ln in ax.lines) == n_lines, title
        markers = [ln for ln in ax.lines if ln.get_marker() == "o"]
        assert [int(ln.get_xdata()[0]) for ln in markers if ln.get_markerfacecolor() in ("white", (1, 1, 1, 1))] \
            == hollow, title
    page = render_comparison_html([a, b, c], table)
    assert "A hollow marker is a walk whose value the notes below say not to compare" in page
    assert "Pace too fast / shuffling" in page


def _dated_result(path, cadence, start):
    """A result JSON of a walk at ``cadence`` recorded at ``start`` (ISO; None: the file did not say)."""
    summary = {**BASE_SUMMARY, "cadence_spm": cadence, "walking_time_s": 300.0,
               **({"start_time_iso": start} if start else {})}
    path.write_text(json.dumps({"summary": summary, "flags": []}))
    return str(path)


def test_weekly_walks_given_out_of_time_order_are_put_oldest_first(tmp_path, capsys):
    """A shell lists week10.json before week2.json: taken as given, 'change' ran from week 1 to week 9 and the page
    said 'oldest first' under a saw-tooth (weeks audit s36 F1). Truth: the start times order the columns week 1,
    2, 10; change = week 10 − week 1 = +12 spm; --keep-order keeps the given order and says it is not oldest first."""
    files = [_dated_result(tmp_path / "week1.json", 100, "2026-09-07T10:30:00+02:00"),
             _dated_result(tmp_path / "week10.json", 112, "2026-11-09T10:30:00+02:00"),
             _dated_result(tmp_path / "week2.json", 103, "2026-09-14T09:00:00+02:00")]   # (the shell's order)
    out, page = tmp_path / "c.csv", tmp_path / "c.html"
    assert main(["compare", *files, "--labels", "w1,w10,w2", "--out", str(out), "--report", str(page)]) == 0
    err = capsys.readouterr().err
    assert "oldest first by when they were recorded" in err and "--keep-order" in err
    table = pd.read_csv(out)
    assert [c for c in table.columns if c.startswith("w")] == ["w1", "w2", "w10"]     # labels follow their walks
    assert table.set_index("key").loc["cadence_spm", "change"] == pytest.approx(12)
    html = page.read_text()
    assert "3 walks, oldest first" in html and "(recorded 2026-09-14 09:00+02:00)" in html

    assert main(["compare", *files, "--keep-order", "--out", str(out), "--report", str(page)]) == 0
    assert "not oldest first" in capsys.readouterr().err
    table = pd.read_csv(out)
    assert [c for c in table.columns if c.startswith("week")] == ["week1", "week10", "week2"]
    assert table.set_index("key").loc["cadence_spm", "change"] == pytest.approx(3)
    assert "3 walks, in the order given (not oldest first)" in page.read_text()


def test_the_trend_of_dated_walks_kept_out_of_time_order_spans_all_their_dates():
    """Six weekly walks, bounce truly rising 0.3 cm a week (3.0 → 4.5 cm), given as weeks 3, 1, 2, 6, 5, 4 (as
    --keep-order keeps them): the line is fitted against the dates, and its change is over the walks' whole span
    of 5 weeks — truth +1.5 cm (±1e-9), not the line over week 3 → week 4 as given (+0.3)."""
    import datetime as dt
    walks = []
    for week in (3, 1, 2, 6, 5, 4):
        start = (dt.datetime(2026, 3, 1, 10, tzinfo=dt.timezone.utc) + dt.timedelta(days=7 * (week - 1))).isoformat()
        walks.append(Session(f"week{week}", {**BASE_SUMMARY, "vertical_oscillation_cm": 3.0 + 0.3 * (week - 1),
                                            "walking_time_s": 600.0, "start_time_iso": start}))
    row = compare_sessions(walks).set_index("key").loc["vertical_oscillation_cm"]
    assert row["trend"] == pytest.approx(1.5, abs=1e-9), row["trend"]
    in_order = sorted(walks, key=lambda w: w.summary["start_time_iso"])
    assert compare_sessions(in_order).set_index("key").loc["vertical_oscillation_cm", "trend"] == pytest.approx(
        row["trend"], abs=1e-9)


def test_walks_that_do_not_all_say_when_they_were_recorded_keep_the_order_given(tmp_path, capsys):
    """Order by time only where every walk says when it was recorded, and in one kind of clock: a walk without a
    start, or a local time beside one with its UTC offset, leaves the order as given — and the page no longer
    claims 'oldest first'."""
    files = [_dated_result(tmp_path / "b.json", 110, "2026-09-14T10:00:00+02:00"),
             _dated_result(tmp_path / "a.json", 100, None)]
    page = tmp_path / "c.html"
    assert main(["compare", *files, "--report", str(page)]) == 0
    assert "oldest first" not in capsys.readouterr().err
    assert "2 walks, in the order given<" in page.read_text()
    from imu_gait.compare import in_time_order

    mixed = [load_session(_dated_result(tmp_path / "c.json", 100, "2026-09-14T10:00:00+02:00")),
             load_session(_dated_result(tmp_path / "d.json", 100, "2026-09-07T10:00:00"))]
    assert in_time_order(mixed) is None
    local = [load_session(_dated_result(tmp_path / "e.json", 100, "2026-09-14T10:00:00")), mixed[1]]
    assert [s.label for s in in_time_order(local)] == ["d", "e"]


def test_a_week_without_walking_does_not_blank_every_change():
    """Weekly sessions, the first of which found no walking (the patient sat through it): every metric's change was
    '–' (weeks audit s36 F3). Truth: the change runs from the first to the last walk with a value — cadence 100 →
    114 = +14, starred (beyond the 12-spm repeat limit and the second walk's middle half) — and the text says so;
    the walking time, known in every week, still runs from the first week."""
    nothing = Session("week1", {**BASE_SUMMARY, "cadence_spm": None, "walking_time_s": 0.0, "n_steps": 0})
    sessions = [nothing, _session("week2", cadence_spm=100.0), _session("week3", cadence_spm=107.0),
                _session("week4", cadence_spm=114.0)]
    table = compare_sessions(sessions)
    row = table.set_index("key").loc["cadence_spm"]
    assert row["change"] == pytest.approx(14.0)
    assert row["beyond_repeat"] is True and row["beyond_spread"] is True
    assert table.set_index("key").loc["walking_time_min", "change"] == pytest.approx(5.0)
    text = render_comparison(table)
    assert "+14 *" in text and "between the first and the last walk that have one" in text
    # a week without the metric at the end too: from week 2 to week 3
    table = compare_sessions([*sessions[:3], Session("week4", {**BASE_SUMMARY, "cadence_spm": None,
                                                               "walking_time_s": 0.0})])
    assert table.set_index("key").loc["cadence_spm", "change"] == pytest.approx(7.0)
    # every walk with a value: the plain words, unchanged
    assert "(where" not in render_comparison(compare_sessions(sessions[1:]))


def _tick_geometry(n, label):
    """Render the comparison figure of ``n`` sessions named '<label> k' and measure its first panel's session
    names: (their rotation, the clearance between two neighbours perpendicular to the text, a line of text's
    height, how many are shown, the gap from the lowest name down to the next row's panel title), in pixels."""
    import math as _m

    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from imu_gait.compare import METRIC_ROWS, comparison_figure
    from imu_gait.report.html import _rc

    sessions = [_session(f"{label} {k + 1}", **{key: 1.0 + k for key, *_ in METRIC_ROWS[:6]}) for k in range(n)]
    with rc_context(_rc()):
        fig = comparison_figure(sessions, [(k, lab, u) for k, lab, u, _ in METRIC_ROWS[:6]],
                                [s.label for s in sessions])
        renderer = FigureCanvasAgg(fig).get_renderer()
        ticks = [t for t in fig.axes[0].get_xticklabels() if t.get_text()]
        rot = ticks[0].get_rotation()
        boxes = [t.get_window_extent(renderer) for t in ticks]
        anchors = [b.x1 if rot else b.x0 for b in boxes]          # (slanted names end at their tick)
        dx = min(b - a for a, b in zip(anchors, anchors[1:]))
        clear = dx * _m.sin(_m.radians(rot)) if rot else dx - max(b.width for b in boxes)
        gap = min(b.y0 for b in boxes) - fig.axes[3].title.get_window_extent(renderer).y1
        return rot, clear, ticks[0].get_fontsize() * fig.dpi / 72, len(ticks), gap


def test_twelve_weekly_session_names_do_not_run_into_each_other():
    """12 weekly walks named 'Woche k – Übung': slanted 30°, neighbouring names overlapped into an unreadable band
    (9 px apart for 11-px text; weeks audit s36 F5). Truth: each name clears its neighbour by a line of text and
    stays above the next row's titles; 30 sessions show every third name (every other at 8 pt: the names are 9 pt
    since review s43, a line of text is taller); 3 sessions keep the slanted names."""
    for n, shown in ((12, 12), (30, 10)):
        rot, clear, line, k, gap = _tick_geometry(n, "Woche – Übung")
        assert clear >= line and gap > 0 and k == shown, (n, rot, clear, line, k, gap)
    rot, clear, line, k, gap = _tick_geometry(3, "Woche – Übung")
    assert rot == 30 and clear >= line and k == 3 and gap > 0


def test_a_table_wider_than_the_terminal_points_to_the_page(tmp_path, capsys, monkeypatch):
    """12 weekly walks print a ~200-character table that a terminal wraps into an unreadable band (weeks audit s36
    F7). Truth: wider than the terminal (COLUMNS=100), a line points to --report and --out; not for two walks, nor
    when the page is being written."""
    files = [_dated_result(tmp_path / f"week {k + 1}.json", 100 + k, f"2026-09-{7 + k:02d}T10:00:00+02:00")
             for k in range(12)]
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["compare", *files]) == 0
    assert "wider than this terminal's 100: --report" in capsys.readouterr().err
    assert main(["compare", *files[:2]]) == 0
    assert "wider than" not in capsys.readouterr().err
    assert main(["compare", *files, "--report", str(tmp_path / "p.html")]) == 0
    assert "wider than" not in capsys.readouterr().err
    assert main(["compare", *files, "--out", str(tmp_path / "p.csv")]) == 0      # (the CSV asked for: not offered)
    err = capsys.readouterr().err
    assert "--report progress.html" in err and "--out progress.csv" not in err


def test_comparing_many_recordings_says_which_one_it_is_analysing(tmp_path, capsys):
    """compare analyses recordings (not JSON results) before printing anything: a dozen weekly hour-long walks took
    minutes without a word (weeks audit s36). Truth: from 5 recordings on (as batch logs), a line per recording as
    it starts, counted over the recordings only; none for JSON results, nor for fewer recordings."""
    paths = []
    for k in range(5):
        rec, _ = synthesize_walk(20, seed=k)
        write_native(tmp_path / f"w{k}.csv", rec)
        paths.append(str(tmp_path / f"w{k}.csv"))
    results = [_dated_result(tmp_path / "r.json", 100, None)]
    assert main(["compare", *results, *paths]) == 0
    lines = [l for l in capsys.readouterr().err.splitlines() if "analysing" in l]
    assert lines == [f"[{k + 1}/5] analysing {p}" for k, p in enumerate(paths)]
    assert main(["compare", *paths[:2]]) == 0
    assert "analysing" not in capsys.readouterr().err


def test_a_flag_is_also_shown_as_a_share_of_walking_time():
    """Walks that grow from 10 to 40 minutes while the forward-lean flag holds 30 % → 15 % of them: the minutes row
    read '3.0 → 6.0, +3.0' — the flag coming more often, where it came half as often (trends audit s42 F2). Truth:
    a row 'Flag: … (% of walking time)' of 30 → 15, change −15 (exact: 180 s of 600, 360 s of 2400); a walk not
    judged for the flag, or with no walking, has no share ('–'), not 0 %; the minutes row is as before."""
    def walk(label, walking_s, flag_s, not_judged=()):
        return session_from_result({"summary": {**BASE_SUMMARY, "walking_time_s": walking_s,
                                                "flags_not_judged": list(not_judged)},
                                    "flags": [{"id": "forward_lean", "start_s": 100, "end_s": 100 + flag_s}]
                                    if flag_s else []}, label)
    table = compare_sessions([walk("week1", 600, 180), walk("week8", 2400, 360)]).set_index("key")
    assert table.loc["flag_forward_lean_min", "change"] == pytest.approx(3.0, abs=1e-9)
    share = table.loc["flag_forward_lean_pct"]
    assert (share["week1"], share["week8"], share["change"]) == pytest.approx((30.0, 15.0, -15.0), abs=1e-9)
    assert share["unit"] == "%" and share["row"].endswith("(% of walking time)")
    assert "(% of walking time)   30.0   15.0   -15.0" in render_comparison(table.reset_index())
    table = compare_sessions([walk("a", 600, 180), walk("b", 0, 0), walk("c", 600, 0, ["forward_lean"])])
    shares = table.set_index("key").loc["flag_forward_lean_pct", ["a", "b", "c"]].astype(float).tolist()
    assert shares[0] == pytest.approx(30.0) and math.isnan(shares[1]) and math.isnan(shares[2])


def test_an_undated_walk_among_dated_ones_says_the_walks_are_not_in_time_order(tmp_path):
    """Twelve weekly walks, trunk twist falling 1°/week, the shell's order (week1, week10, week11, week12, week2 …),
    week5's result without a start time: they cannot be sorted by date and stayed in the shell's order without a
    word — change −8° (week 1 → 9) where the truth over the weeks is −11° (trends audit s42 F1). Truth: the notes
    name week5 as undated and say the dated walks are not oldest first; given oldest first, only that week5 is
    undated; every walk dated: no such note. None dated, in the shell's order: the names show week10 before week2
    and the note says so; in the names' numeric order, nothing to say."""
    def files(undated):
        out = []
        for w in range(1, 13):
            start = None if w in undated else f"2026-09-{w:02d}T09:00:00+02:00"
            p = tmp_path / f"week{w}.json"
            p.write_text(json.dumps({"summary": {**BASE_SUMMARY, "trunk_twist_deg": 13.0 - w,
                                                 "walking_time_s": 600.0,
                                                 **({"start_time_iso": start} if start else {})}, "flags": []}))
            out.append(p)
        return out
    shell = [load_session(p) for p in sorted(files({5}), key=str)]
    notes = comparability_notes(shell)
    note = next(n for n in notes if "week5 does not say when it was recorded" in n)
    assert "not oldest first (week12 was recorded after week2)" in note and "do not run over time" in note
    in_order = [load_session(p) for p in files({5})]
    note = next(n for n in comparability_notes(in_order) if "does not say when" in n)
    assert "not oldest first" not in note
    assert compare_sessions(in_order).set_index("key").loc["trunk_twist_deg", "change"] == pytest.approx(-11.0)
    assert not any("say when" in n for n in comparability_notes([load_session(p) for p in files(set())]))
    page = render_comparison_html(shell)
    assert "week5 does not say when it was recorded" in page
    # none dated: the names show a shell's listing (week10 before week2); oldest first by name, nothing to say
    undated = files(set(range(1, 13)))
    note = next(n for n in comparability_notes([load_session(p) for p in sorted(undated, key=str)])
                if "do not say when" in n)
    assert "looks like a file listing's (week10 before week2)" in note
    assert not any("say when" in n for n in comparability_notes([load_session(p) for p in undated]))


def test_walks_entered_with_different_walker_heights_ask_whether_they_are_one_persons():
    """A clinic's folder holding two patients' treadmill walks (heights entered 1.62 and 1.85 m): the sensor-height
    note is left out on a belt, and nothing said the columns were two people (trends audit s42 F3). Truth: a note
    naming each height with its walks; heights 2 cm apart (one person, entered twice) or not entered: none."""
    belt = {**BASE_SUMMARY, "belt_speed_mps": 1.2}
    def walk(label, height):
        return Session(label, {**belt, **({"body_height_m": height} if height else {})})
    notes = comparability_notes([walk("mon", 1.62), walk("wed", 1.85), walk("fri", 1.62)])
    note = next(n for n in notes if "height entered differs" in n)
    assert "1.62 m: mon, fri; 1.85 m: wed" in note and "one person's walks?" in note
    assert not any("height entered" in n for n in comparability_notes([walk("a", 1.62), walk("b", 1.64)]))
    assert not any("height entered" in n for n in comparability_notes([walk("a", 1.62), walk("b", None)]))


def test_a_last_walk_not_judged_for_a_flag_does_not_blank_its_change():
    """Ten weekly walks, twist-flag minutes 4.0 → 1.0 over weeks 1–9, week 10 without a gyroscope (its twist flag not
    judged): the flag's change was '–' over all ten, though the metric rows skip such a walk (trends audit s42 F4).
    Truth (exact): minutes change 1.0 − 4.0 = −3.0 (week 1 → week 9), share −30 points of a 10-minute walk; the
    footnote says the change ran between the walks that have a value."""
    sessions = []
    for w in range(1, 11):
        minutes = 4.0 - 3.0 * (w - 1) / 8
        summary = {**BASE_SUMMARY, "walking_time_s": 600.0,
                   "flags_not_judged": ["trunk_twist_excess"] if w == 10 else []}
        flags = [] if w == 10 else [{"id": "trunk_twist_excess", "start_s": 60.0, "end_s": 60.0 + 60 * minutes}]
        sessions.append(session_from_result({"summary": summary, "flags": flags}, f"week{w}"))
    table = compare_sessions(sessions)
    rows = table.set_index("key")
    assert math.isnan(rows.loc["flag_trunk_twist_excess_min", "week10"])
    assert rows.loc["flag_trunk_twist_excess_min", "change"] == pytest.approx(-3.0, abs=1e-9)
    assert rows.loc["flag_trunk_twist_excess_pct", "change"] == pytest.approx(-30.0, abs=1e-9)
    assert "between the first and the last walk that have one" in render_comparison(table)


def _series(n, bounce_change, *, seed, noise_cm=0.4, dated=True, **extra):
    """``n`` treadmill-free walks twice a week, bounce falling linearly by ``bounce_change`` cm from the first to the
    last plus Gaussian noise of ``noise_cm`` (a walk's same-day repeat noise: 1.1 cm / 1.96 / √2 ≈ 0.4)."""
    import datetime as dt
    import numpy as np

    rng = np.random.default_rng(seed)
    t0 = dt.datetime(2026, 9, 1, 9, tzinfo=dt.timezone.utc)
    out = []
    for i in range(n):
        b = 4.0 + bounce_change * i / (n - 1) + float(rng.normal(0, noise_cm))
        summary = {**BASE_SUMMARY, "vertical_oscillation_cm": b, "walking_time_s": 600.0, **extra,
                   **({"start_time_iso": (t0 + dt.timedelta(days=3.5 * i)).isoformat()} if dated else {})}
        out.append(Session(f"s{i + 1}", summary))
    return out


def test_a_steady_change_over_many_walks_shows_in_the_trend_column():
    """A physio's 16 sessions (twice a week for 8 weeks), bounce truly falling 1.0 cm, each walk off by the same-day
    repeat noise: last − first rests on two walks and stars such a change in ~42 % of series, whatever their
    number (trends audit s42 F5, trend_power.py). Truth: without noise the trend is −1.0 cm exactly (±1e-9) and
    starred; with noise it is the least-squares line's change (±1e-9), its mean over 10 seeded series within ±0.33 cm
    (3 standard errors) of −1.0, starred in ≥ 7 of 10 seeded series (83 % expected) — more than last − first's * — and with no change starred in
    ≤ 1 of 10 (4 % expected); fewer than 5 walks or walks worn in two places: no trend; two walks: the text has no
    trend column."""
    import numpy as np

    exact = compare_sessions(_series(16, -1.0, seed=0, noise_cm=0.0)).set_index("key").loc["vertical_oscillation_cm"]
    assert exact["trend"] == pytest.approx(-1.0, abs=1e-9) and exact["trend_beyond_noise"] is True
    found = found_last_first = false_alarms = 0
    trends = []
    for seed in range(10):
        walks = _series(16, -1.0, seed=seed)
        row = compare_sessions(walks).set_index("key").loc["vertical_oscillation_cm"]
        fit = np.polyfit(np.arange(16), [w.summary["vertical_oscillation_cm"] for w in walks], 1)[0] * 15
        assert row["trend"] == pytest.approx(fit, abs=1e-9), seed
        trends.append(row["trend"])
        found += row["trend_beyond_noise"] is True
        found_last_first += row["beyond_repeat"] is True and row["change"] < 0
        false_alarms += compare_sessions(_series(16, 0.0, seed=seed)).set_index("key").loc[
            "vertical_oscillation_cm", "trend_beyond_noise"] is True
    assert float(np.mean(trends)) == pytest.approx(-1.0, abs=0.33)     # 3 standard errors of a 10-series mean
    assert found >= 7 and found > found_last_first and false_alarms <= 1, (found, found_last_first, false_alarms)
    undated = compare_sessions(_series(16, -1.0, seed=0, dated=False)).set_index("key")
    dated = compare_sessions(_series(16, -1.0, seed=0)).set_index("key")     # (evenly spaced: the same line)
    assert undated.loc["vertical_oscillation_cm", "trend"] == pytest.approx(
        dated.loc["vertical_oscillation_cm", "trend"], abs=1e-9)
    # walks months apart at the end: the line runs against the recording dates (truth: −1.0 cm exactly over days
    # 0, 1, 2, 3, 100; walk by walk the same values read a bent line and another change)
    import datetime as dt
    gap = []
    for i, day in enumerate((0, 1, 2, 3, 100)):
        start = (dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc) + dt.timedelta(days=day)).isoformat()
        gap.append(Session(f"g{i}", {**BASE_SUMMARY, "vertical_oscillation_cm": 4.0 - day / 100,
                                     "walking_time_s": 600.0, "start_time_iso": start}))
    assert compare_sessions(gap).set_index("key").loc["vertical_oscillation_cm", "trend"] == pytest.approx(-1.0, abs=1e-9)
    table = compare_sessions(_series(16, -1.0, seed=0))
    text = render_comparison(table)
    assert " trend" in text.splitlines()[0] and "trend = the change from the first walk" in text
    assert "trend = the change" in render_comparison_html(_series(16, -1.0, seed=0), table)
    assert math.isnan(compare_sessions(_series(4, -1.0, seed=0)).set_index("key").loc["vertical_oscillation_cm",
                                                                                     "trend"])
    moved = _series(8, -1.0, seed=0)
    moved[-1].summary["placement"] = "chest"
    row = compare_sessions(moved).set_index("key").loc["vertical_oscillation_cm"]
    assert math.isnan(row["trend"]) and row["trend_beyond_noise"] is None
    # is walking time growing (10 → 25 min over 16 walks, exact) and a flag's share falling (30 → 15 %, exact):
    # a trend, never marked
    grow = _series(16, 0.0, seed=0)
    for i, w in enumerate(grow):
        w.summary["walking_time_s"] = 600.0 + 900.0 * i / 15
        w.flags = [{"id": "forward_lean", "start_s": 0.0, "end_s": w.summary["walking_time_s"] * (0.3 - 0.15 * i / 15)}]
    rows = compare_sessions(grow).set_index("key")
    assert rows.loc["walking_time_min", "trend"] == pytest.approx(15.0, abs=1e-9)
    assert rows.loc["flag_forward_lean_pct", "trend"] == pytest.approx(-15.0, abs=1e-9)
    assert rows.loc["walking_time_min", "trend_beyond_noise"] is None
    two = render_comparison(compare_sessions(_series(2, -1.0, seed=0)))
    assert "trend" not in two.splitlines()[0] and "trend =" not in two


def test_flag_bout_day_and_mark_rows_have_a_trend_over_many_walks():
    """Over 6 walks the metric rows, walking time and a flag's share had a trend, but a flag's minutes, the bout,
    day and symptom-mark rows had none (an empty trend cell beside the growing minutes of a flag). Now each has
    the line's change over every walk with a value (truth: values rising by exactly 1 a walk → trend +5 over 6
    walks), never starred (no repeat noise is known for them); under 5 walks still no trend."""
    def walk(i):
        summary = {**BASE_SUMMARY, "walking_time_s": 600.0,
                   "walking_bouts": {"n_walking_bouts": 2.0 + i, "n_walking_bouts_30s": 1.0 + i},
                   "days": {"n_valid_days": 1.0, "n_steps_per_day": 5000.0 + 100 * i}}
        flags = [{"id": "vertical_bounce", "start_s": 0.0, "end_s": 60.0 * (1 + i)}]
        marks = [{"t_s": 10.0 * k, "pain": 3} for k in range(1 + i)]
        return Session(f"w{i}", summary, flags=flags, marks=marks)

    table = compare_sessions([walk(i) for i in range(6)]).set_index("key")
    for key, per_walk in (("flag_vertical_bounce_min", 1.0), ("wb_n_walking_bouts", 1.0),
                          ("wb_n_walking_bouts_30s", 1.0), ("days_n_steps_per_day", 100.0), ("marks_n", 1.0)):
        assert table.loc[key, "trend"] == pytest.approx(5 * per_walk, abs=1e-9), key
        assert table.loc[key, "trend_beyond_noise"] is None, key
    assert table.loc["pain_max", "trend"] == pytest.approx(0.0, abs=1e-9)
    few = compare_sessions([walk(i) for i in range(4)]).set_index("key")
    assert math.isnan(few.loc["flag_vertical_bounce_min", "trend"]) and math.isnan(few.loc["marks_n", "trend"])


def test_sixty_walks_markers_do_not_merge_into_one_band():
    """60 walks drew 5-pt markers with 3-pt caps every ~2.7 pt of a panel: one merged band, no walk to be told
    from its neighbours. Now each marker fits its walk's room along the panel (≤ that room, ≥ 1.5 pt) and the
    middle-half bars lose their caps when crowded; 6 walks keep 5-pt markers and caps as before. The session
    names are 9 pt (8 before)."""
    from imu_gait.compare import comparison_figure

    metrics = [("cadence_spm", "Cadence", "spm"), ("vertical_oscillation_cm", "Bounce", "cm")]
    for n, want_ms, want_caps in ((6, 5.0, True), (60, None, False)):
        walks = [_session(f"walk {i + 1}", cadence_spm=110.0 + i % 3, vertical_oscillation_cm=4.0 + (i % 5) / 10)
                 for i in range(n)]
        fig = comparison_figure(walks, metrics, [w.label for w in walks])
        ax = _panel(fig, "Cadence")
        fig.canvas.draw()
        room_pt = ax.get_window_extent().width / fig.dpi * 72 / n
        dots = [ln for ln in ax.lines if ln.get_marker() == "o"]
        caps = [ln for ln in ax.lines if ln.get_marker() == "_"]
        assert len(dots) == n
        sizes = {ln.get_markersize() for ln in dots}
        assert all(1.5 <= ms <= room_pt for ms in sizes), (n, sizes, room_pt)
        if want_ms is not None:
            assert sizes == {want_ms}
        assert bool(caps) is want_caps and all(ln.get_markersize() > 0 for ln in caps)
        assert min(t.get_fontsize() for t in ax.get_xticklabels()) >= 9
