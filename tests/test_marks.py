"""Symptom marks ("my back hurts now", 0–10) set beside the gait.

Truth: a synthetic walk whose bounce rises from 3.5 to 7 cm at 200 s (every other parameter fixed).
A mark after the rise must name the bounce, at the synthetic values (± 0.5 cm, the bounce metric's
tolerance), and nothing whose truth did not change; a mark before it must name nothing. Files are
real CSVs on disk; the live path is a real replay through the live session, and the terminal path
(typing p and a number into ``imu-gait live``) is in ``test_live_keys.py``.
"""
from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path

import numpy as np
import pytest

import imu_gait
from imu_gait.cli import main
from imu_gait.compare import REPEAT_CHANGE
from imu_gait.devices.keys import MarkKeys
from imu_gait.devices.live import monitor
from imu_gait.devices.replay import ReplaySource
from imu_gait.io import write_native
from imu_gait.marks import (HIGH_PAIN_ADVICE, MARK_METRICS, Mark, MarksError, attach_marks, mark_contexts, marks_path,
                            marks_pattern, read_marks, write_marks)
from imu_gait.synthetic import synthesize_walk

BOUNCE_TOL_CM = 0.5


@pytest.fixture(scope="module")
def bounce_walk():
    """420 s: bounce 3.5 cm, then 7 cm from 200 s (ramped over 3 s); analysed once."""
    rec, truth = synthesize_walk(420, seed=3, segments=[(200, {}), (220, {"bounce_cm": 7.0})])
    return rec, truth, imu_gait.analyze(rec)


def test_mark_metrics_are_the_repeat_limited_ones_the_timeline_smooths():
    # (lean vs standing is forward lean plus one offset per recording: within a walk, where marks compare, it
    # changes exactly as forward lean does — shown once)
    assert set(MARK_METRICS) == set(REPEAT_CHANGE) - {"walking_speed_mps", "lean_vs_standing_deg"}


def test_read_marks_as_people_write_them(tmp_path):
    p = tmp_path / "walk.marks.csv"
    p.write_text("# my walk on Tuesday\nTime,Pain,Note\n5:00,6/10,lower back ache\n1:05:30,,\n"
                 '90.5,7,"sharp, left side"\n100,3,stiff, after the hill\n', encoding="utf-8")
    marks = read_marks(p)
    assert [m.elapsed_s for m in marks] == [90.5, 100.0, 300.0, 3930.0]           # in time order
    assert [m.pain for m in marks] == [7.0, 3.0, 6.0, None]
    assert [m.note for m in marks] == ["sharp, left side", "stiff, after the hill", "lower back ache", ""]
    semi = tmp_path / "semi.csv"
    semi.write_text("time;pain\n12,5;5\n", encoding="utf-8")                # ';' cells, a decimal comma
    assert read_marks(semi) == [Mark(12.5, 5.0, "")]


def test_write_then_read_gives_the_same_marks(tmp_path):
    marks = [Mark(12.25, None, ""), Mark(3.5, 10.0, 'says "ouch", twice')]
    back = read_marks(write_marks(tmp_path / "m.csv", marks, note="test"))
    assert back == sorted(marks, key=lambda m: m.elapsed_s)


@pytest.mark.parametrize("text, where, what", [
    ("", "", "empty"),
    ("when,pain\n1,2\n", "line 1", "needs a time column"),
    ("time,pain,colour\n1,2,red\n", "line 1", "unknown column(s) ['colour']"),
    ("time,pain\n1:75,2\n", "line 2, column 'time'", "is not a time"),
    ("time,pain\n10,11\n", "line 2, column 'pain'", "is not a pain rating 0–10"),
    ("time,pain\n10,bad\n", "line 2, column 'pain'", "is not a pain rating 0–10"),
    ("time,pain\n-5,2\n", "line 2, column 'time'", "before the recording began"),
    ("time,pain\n# a comment\n10,2,3\n", "line 3", "3 cells, the header has 2"),
    ("time,pain,note\n10,2,a\x00b\n", "line 2", "a NUL byte"),          # (Python 3.10's csv raised on it)
])
def test_bad_marks_files_name_the_line_and_column(tmp_path, text, where, what):
    p = tmp_path / "bad.marks.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(MarksError) as err:
        read_marks(p)
    msg = str(err.value)
    assert str(p) in msg and where in msg and what in msg and "What to do:" in msg


def test_marks_path_sits_beside_the_recording(tmp_path):
    assert marks_path(tmp_path / "walk.csv") == tmp_path / "walk.marks.csv"
    assert marks_path(tmp_path / "export") == tmp_path / "export.marks.csv"            # an export folder
    assert marks_path(tmp_path / "export.zip") == tmp_path / "export.marks.csv"


def test_a_mark_after_the_bounce_rose_names_the_bounce_at_its_true_values(bounce_walk):
    _, truth, res = bounce_walk
    before, after, later, beyond = mark_contexts(res, [Mark(100, 2), Mark(300, 6, "ache"), Mark(400, 7), Mark(600)])
    # before the rise, inside the 3-min baseline: nothing stands out, and it says the baseline held it
    assert before.walking and before.in_baseline and before.stood_out == []
    assert before.before_s == pytest.approx((41.0, 100.0), abs=1.0)
    for ctx in (after, later):
        assert ctx.walking and not ctx.in_baseline
        assert ctx.before_s[1] - ctx.before_s[0] == pytest.approx(59.0, abs=1.0)
        by = {m.metric: m for m in ctx.metrics}
        bounce = by["vertical_oscillation_cm"]
        assert bounce.stands_out and bounce.direction == "above"
        assert abs(bounce.value - 7.0) < BOUNCE_TOL_CM and abs(bounce.baseline - 3.5) < BOUNCE_TOL_CM
        stood = {m.metric for m in ctx.stood_out}
        assert stood <= {"vertical_oscillation_cm", "step_length_m", "impact_g"}   # only what the bounce moves
        assert ctx.stood_out[0].metric == "vertical_oscillation_cm"                 # the largest change first
        for m in ("cadence_spm", "trunk_twist_deg", "forward_lean_deg", "lateral_sway_cm", "pelvic_drop_deg"):
            assert not by[m].stands_out, m                                          # their truth did not change
        assert ctx.flag_ids == ["vertical_bounce"]
    assert not beyond.in_recording and beyond.before_s is None and beyond.metrics == []
    assert any("vertical oscillation above your baseline (by more than 1.1 cm) before 2 of 3 marks" in line
               for line in marks_pattern([before, after, later, beyond]))
    assert "vertical oscillation 7." in after.lines()[0] and "your baseline 3." in after.lines()[0]
    # off a treadmill step length is the pendulum model's: it rose with the bounce, and the line says so
    assert "Step length is estimated from the bounce" in after.lines()[0]
    assert marks_pattern([before, after, later])[0].startswith("vertical oscillation above")   # the largest first
    # … and across marks it is not a finding of its own (it read as over-striding before pain)
    assert not any(line.startswith("step length") for line in marks_pattern([before, after, later, beyond]))
    # a 7/10 mark says 'slow down or stop' first; a 6/10 mark does not
    assert later.lines()[0].startswith("Pain this strong is a reason to slow down or stop and rest")
    assert not any("slow down or stop" in line for line in after.lines())


def test_attach_marks_keeps_a_late_mark_with_a_warning_and_the_json_carries_them(bounce_walk):
    _, _, res = bounce_walk
    import copy

    res = copy.copy(res)
    res.warnings = list(res.warnings)
    attach_marks(res, [Mark(300, 6, "ache"), Mark(900)])
    assert any("after the recording ended (7:00): 15:00" in w for w in res.warnings)
    doc = json.loads(res.to_json())
    assert [m["elapsed_s"] for m in doc["marks"]] == [300.0, 900.0]
    assert doc["marks"][0]["stood_out"][0] == "vertical_oscillation_cm" and doc["marks"][0]["pain"] == 6
    assert doc["marks"][0]["flags"] == ["vertical_bounce"] and doc["marks"][1]["in_recording"] is False
    assert "marks" not in json.loads(bounce_walk[2].to_json())                 # no marks, no key


def test_one_mark_alone_is_a_list_of_one(bounce_walk):
    """attach_marks(res, Mark(...)) raised "'Mark' object is not iterable": one mark means a list of one,
    so the JSON marks are the same as for [Mark(...)]."""
    import copy

    one, listed = copy.copy(bounce_walk[2]), copy.copy(bounce_walk[2])
    one.warnings, listed.warnings = list(one.warnings), list(listed.warnings)
    attach_marks(one, Mark(300, 6, "ache"))
    attach_marks(listed, [Mark(300, 6, "ache")])
    assert json.loads(one.to_json())["marks"] == json.loads(listed.to_json())["marks"]


@pytest.mark.parametrize("marks, said", [([{"elapsed_s": 5, "pain": 6}], r"mark 1 is a dict \(\{'elapsed_s'"),
                                         ([(5, 6)], r"mark 1 is a tuple \(\(5, 6\)\), not a Mark"),
                                         ([Mark(5), 30], "mark 2 is a int"),
                                         (30, "must be a list of Mark, not int 30"),
                                         ({"elapsed_s": 5}, "must be a list of Mark, not dict")])
def test_marks_that_are_not_marks_are_a_marks_error_saying_what_was_given(bounce_walk, marks, said):
    """A dict, a tuple or a number where a Mark belongs raised a raw AttributeError / TypeError; it must be
    an ImuGaitError naming what was given and how to build a Mark, before the result is touched."""
    import copy

    res = copy.copy(bounce_walk[2])
    with pytest.raises(MarksError, match=said) as err:
        attach_marks(res, marks)
    assert isinstance(err.value, imu_gait.ImuGaitError) and "Mark(elapsed_s=" in str(err.value)
    assert getattr(res, "marks", None) == getattr(bounce_walk[2], "marks", None)


def test_a_mark_after_stopping_describes_the_last_walking_before_it():
    rec, truth = synthesize_walk(200, seed=4, stand_s=5, stand_end_s=60)
    res = imu_gait.analyze(rec)
    stopped, long_after = mark_contexts(res, [Mark(170), Mark(400)])
    assert not stopped.walking
    assert stopped.before_s[1] == pytest.approx(truth.walk_end_s, abs=2.5)
    assert stopped.before_s[1] - stopped.before_s[0] == pytest.approx(59.0, abs=1.0)
    assert "You had stopped" in stopped.lines()[0]
    assert not long_after.in_recording
    early = mark_contexts(res, [Mark(2)])[0]                                     # before any walking
    assert early.before_s is None and "No walking in the 3 minutes before it" in early.lines()[0]


@pytest.fixture(scope="module")
def bounce_file(tmp_path_factory, bounce_walk):
    folder = tmp_path_factory.mktemp("marks_cli")
    path = folder / "walk.csv"
    write_native(path, bounce_walk[0])
    marks_path(path).write_text("time,pain,note\n1:40,2,\n5:00,6,lower back ache\n6:40,7,\n", encoding="utf-8")
    return path


def test_analyze_reads_the_marks_beside_the_recording_into_every_output(bounce_file, tmp_path, capsys):
    out_json, out_html = tmp_path / "r.json", tmp_path / "r.html"
    assert main(["analyze", str(bounce_file), "--json", str(out_json), "--report", str(out_html)]) == 0
    text = capsys.readouterr().out
    block = text[text.index("Your marks (3)"):text.index("Notes about the input")]
    assert "5:00  pain 6/10 — lower back ache" in block
    assert "Flags holding: Vertical bounce / hard landings." in block
    assert "This was in your baseline minutes" in block                      # the 1:40 mark
    assert "vertical oscillation above your baseline (by more than 1.1 cm) before 2 of 3" in " ".join(block.split())
    flags_block = text[text.index("Flags (1 pattern"):text.index("Your marks (3)")]   # the flag's card names them
    assert "Your marks while it held: 5:00 (pain 6/10), 6:40 (pain 7/10)." in " ".join(flags_block.split())
    doc = json.loads(out_json.read_text())
    assert [m["pain"] for m in doc["marks"]] == [2, 6, 7]
    assert any("symptom marks read from walk.marks.csv (3 marks" in w for w in doc["warnings"])
    page = out_html.read_text()
    assert "<section id='marks'>" in page and "pain 6/10 — lower back ache" in page
    assert "<p class='marked'><strong>Your marks while it held: 5:00 (pain 6/10), 6:40 (pain 7/10).</strong>" in page
    # one line per mark in each of the over-time panels and in the flag timeline
    assert page.count('id="symptom-mark') >= 3 * 2
    assert "Your marks at 1:40 (pain 2), 5:00 (pain 6), 6:40 (pain 7)." in page


def test_analyze_marks_option_and_a_bad_marks_file(bounce_file, tmp_path, capsys):
    other = tmp_path / "diary.csv"
    other.write_text("time,pain\n250,4\n", encoding="utf-8")
    out_json = tmp_path / "r.json"
    assert main(["analyze", str(bounce_file), "--marks", str(other), "--json", str(out_json), "-q"]) == 0
    doc = json.loads(out_json.read_text())
    assert [(m["elapsed_s"], m["pain"]) for m in doc["marks"]] == [(250.0, 4)]    # the given file, not the sidecar
    assert not any("walk.marks.csv" in w for w in doc["warnings"])
    bad = tmp_path / "bad.csv"
    bad.write_text("time,pain\n250,12\n", encoding="utf-8")
    assert main(["analyze", str(bounce_file), "--marks", str(bad), "-q"]) != 0
    err = capsys.readouterr().err
    assert f"{bad}, line 2, column 'pain': '12' is not a pain rating 0–10" in err and "Traceback" not in err


def test_batch_reads_sidecars_without_taking_them_for_recordings(bounce_file, tmp_path):
    folder = bounce_file.parent
    (folder / "walk.treadmill.csv").write_text("time,belt_speed_kmh\n0,4.7\n", encoding="utf-8")
    try:
        out = tmp_path / "table.csv"
        assert main(["batch", str(folder), "--out", str(out), "-q"]) == 0
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
    finally:
        (folder / "walk.treadmill.csv").unlink()
    assert [Path(r["recording"]).name for r in rows] == ["walk.csv"]               # no sidecar as a recording
    (row,) = rows
    assert row["status"] == "ok" and row["n_marks"] == "3" and row["pain_max"] == "7"
    assert row["marks_stood_out"].startswith("vertical_oscillation_cm above ×2")


def test_batch_counts_zero_marks_for_a_recording_without_a_marks_file(bounce_file, tmp_path):
    """In a table with marks columns, a recording with no marks file had an empty n_marks (read as
    'unknown' by a researcher's script): it is 0; its pain_max stays empty (no rating to give)."""
    import shutil
    shutil.copy(bounce_file, tmp_path / "a_marked.csv")
    shutil.copy(marks_path(bounce_file), marks_path(tmp_path / "a_marked.csv"))
    shutil.copy(bounce_file, tmp_path / "b_unmarked.csv")
    out = tmp_path / "out" / "table.csv"
    out.parent.mkdir()
    assert main(["batch", str(tmp_path), "--out", str(out), "-q"]) == 0
    rows = {Path(r["recording"]).name: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["a_marked.csv"]["n_marks"] == "3" and rows["b_unmarked.csv"]["n_marks"] == "0"
    assert rows["b_unmarked.csv"]["pain_max"] == "" and rows["b_unmarked.csv"]["status"] == "ok"


def test_live_p_marks_now_and_a_number_rates_it(tmp_path):
    """A replay through the live session: p at 300 s then 6; p at 350 s then 1, 0 (= 10); a digit long
    after a mark means nothing. The marks are saved beside the recording at once and the live result
    reads them against the gait, as analyze does."""
    rec, _ = synthesize_walk(420, seed=3, segments=[(200, {}), (220, {"bounce_cm": 7.0})])
    recording = tmp_path / "live.csv"
    said, saved = [], []
    keys = MarkKeys(rate_window_s=6.0)

    async def go():
        presses = [(100.0, "p"), (300.0, "p6"), (350.0, "p10"), (380.0, "5")]
        async with monitor(ReplaySource(rec, speed=0, block_s=0.2), record=recording) as live:
            async for _ in live:
                while presses and live.time_s >= presses[0][0]:
                    t, typed = presses.pop(0)
                    said.extend(keys.apply(live, k, t) for k in typed)
                    saved.append(read_marks(marks_path(recording)))
        return live

    live = asyncio.run(asyncio.wait_for(go(), 120))
    # during the baseline minutes there is nothing to compare with yet; after the rise, the bounce and
    # the holding flag's advice come at once, while the walker can still act on them
    assert said[0].startswith("marked 1:40: your back hurts") and "baseline is still forming" in said[0]
    said = said[1:]
    assert said[0].startswith("marked 5:00: your back hurts — type 0–10") and said[1] == "mark at 5:00: pain 6/10"
    feedback = said[0].split("\n")[1]
    assert feedback.strip().startswith("in the minute before: vertical oscillation 7.")
    assert "(your baseline 3." in feedback and "what to try: Land softly" in feedback
    assert said[3] == "mark at 5:50: pain 1/10" and said[5] is None
    # a severe rating is answered with 'slow down or stop' (a 7/10 got only the gait cue again)
    assert said[4] == f"mark at 5:50: pain 10/10 — {HIGH_PAIN_ADVICE}" and "slow down or stop" in said[4]
    assert "slow down or stop" not in said[1]                                    # 6/10: no
    assert [m.pain for m in saved[1]] == [None, 6.0]                               # on disk at once
    marks = read_marks(marks_path(recording))
    assert [m.pain for m in marks] == [None, 6.0, 10.0]
    assert [m.elapsed_s for m in marks] == pytest.approx([100.0, 300.0, 350.0], abs=0.3)
    res = live.result
    assert [c.mark.pain for c in res.marks] == [None, 6.0, 10.0]
    bounce = {m.metric: m for m in res.marks[1].metrics}["vertical_oscillation_cm"]
    assert bounce.stands_out and abs(bounce.value - 7.0) < BOUNCE_TOL_CM
    # the recording analysed later gives the same marks against the same gait
    again = attach_marks(imu_gait.analyze(imu_gait.read(recording)), read_marks(marks_path(recording)))
    np.testing.assert_allclose([c.time_s for c in again.marks], [c.time_s for c in res.marks], atol=0.02)
    assert [[m.metric for m in c.stood_out] for c in again.marks] == [[m.metric for m in c.stood_out] for c in res.marks]
    assert [c.in_baseline for c in res.marks] == [True, False, False]


def test_a_recording_too_short_for_a_baseline_says_so_not_in_the_baseline():
    """A real daily-activity recording (Mobilise-D HA001, 47 s of walking): no personal baseline, so a
    mark is compared with nothing and is not said to lie in the baseline minutes."""
    rec = imu_gait.read(Path(__file__).resolve().parents[1] / "datasets" / "mobgap_HA001_daily.csv")
    res = imu_gait.analyze(rec)
    (ctx,) = mark_contexts(res, [Mark(60, 3)])
    assert not ctx.walking and ctx.before_s is not None and not ctx.in_baseline and ctx.stood_out == []
    assert ctx.lines() == [f"You had stopped; in your last walking before it (0:07–0:53): no personal baseline to "
                           "compare with (too little walking for one)."]


def test_compare_puts_the_marks_beside_the_gait_across_walks(bounce_file, tmp_path):
    """Weeks of walks side by side: each walk's mark count and highest pain are rows of the comparison,
    from a result JSON's marks or from the marks beside a recording analysed now."""
    from imu_gait.compare import compare_sessions, load_session, render_comparison

    first = tmp_path / "week1.json"
    assert main(["analyze", str(bounce_file), "--json", str(first), "-q"]) == 0        # 3 marks, up to 7
    later = tmp_path / "week3.csv"
    write_native(later, synthesize_walk(240, seed=5)[0])
    marks_path(later).write_text("time,pain\n2:00,2\n", encoding="utf-8")
    sessions = [load_session(first), load_session(later)]
    table = compare_sessions(sessions).set_index("key")
    assert table.loc["marks_n", ["week1", "week3"]].tolist() == [3.0, 1.0]
    assert table.loc["pain_max", ["week1", "week3"]].tolist() == [7.0, 2.0] and table.loc["pain_max", "change"] == -5
    rows = {line.split("  ")[0]: line.split() for line in render_comparison(compare_sessions(sessions)).splitlines()}
    assert rows["Symptom marks (count)"][-3:] == ["3", "1", "-2"]
    assert rows["Highest pain marked (0–10)"][-3:] == ["7", "2", "-5"]
    unmarked = tmp_path / "week5.csv"
    write_native(unmarked, synthesize_walk(120, seed=6)[0])
    keys = set(compare_sessions([load_session(unmarked), load_session(unmarked)])["key"])
    assert not keys & {"marks_n", "pain_max"}                                     # no marks anywhere, no rows


def test_a_replay_brings_the_recordings_marks_back_at_their_times(bounce_file, tmp_path, capsys):
    """``imu-gait live --replay walk.csv``: the marks beside it come back in the view at their times, each
    with what the gait did before it, and go into the replay's own recording's marks file."""
    recording = tmp_path / "again.csv"
    assert main(["live", "--replay", str(bounce_file), "--speed", "0", "--view", "plain", "--record",
                 str(recording), "-q"]) == 0
    out = capsys.readouterr().out
    assert "mark 1:40 (from the recording's marks): pain 2/10" in out
    line = out[out.index("mark 5:00 (from the recording's marks): pain 6/10 — lower back ache"):]
    assert line.split("\n")[1].strip().startswith("in the minute before: vertical oscillation 7.")
    assert [(m.elapsed_s, m.pain) for m in read_marks(marks_path(recording))] == [(100.0, 2.0), (300.0, 6.0),
                                                                                   (400.0, 7.0)]


def test_a_running_mark_gives_the_figures_and_judges_nothing():
    """No same-day range for running is known (walking's limits named a metric before 60 % of marks on a
    healthy 25-min run, benchmarks/results/marks_healthy.md): a running mark says cadence, bounce and
    impact against the baseline as figures — cadence at its synthetic truth, 170 → 150 spm — and names
    nothing."""
    rec, truth = synthesize_walk(420, seed=2, gait="run", segments=[(200, {}), (220, {"cadence_spm": 150.0})])
    res = imu_gait.analyze(rec)
    (ctx,) = mark_contexts(res, [Mark(300, 5)])
    assert ctx.gait == "run" and ctx.stood_out == [] and all(m.limit == np.inf for m in ctx.metrics)
    cadence = {m.metric: m for m in ctx.metrics}["cadence_spm"]
    assert abs(cadence.value - 150.0) < 1.0 and abs(cadence.baseline - 170.0) < 1.0      # ±1 spm, as cadence
    (line,) = [x for x in ctx.lines() if "In the minute of running before it" in x]   # (it said 'of walking')
    assert "cadence 150 spm (your baseline 170 spm)" in line and "vertical oscillation" in line and "impact" in line
    assert "changes while running are not judged" in line
    assert marks_pattern([ctx, ctx]) == []


def test_on_a_treadmill_step_length_does_not_follow_the_bounce(bounce_walk):
    """With the belt speed given, step length is belt speed × step time: the bounce stands out alone, and
    no note about step length following the bounce."""
    res = imu_gait.analyze(bounce_walk[0], belt_speed_mps=1.3)
    (ctx,) = mark_contexts(res, [Mark(300, 6)])
    assert ctx.stood_out[0].metric == "vertical_oscillation_cm"
    assert {m.metric for m in ctx.stood_out} <= {"vertical_oscillation_cm", "impact_g"}      # not step length
    assert "Step length is estimated" not in ctx.lines()[0]


@pytest.mark.parametrize("args, what", [((-1.0,), "time must be a number of seconds ≥ 0"),
                                        ((float("nan"),), "time must be a number of seconds ≥ 0"),
                                        ((5.0, "6"), "pain rating must be 0–10, not '6'"),
                                        ((5.0, 11), "pain rating must be 0–10, not 11")])
def test_a_bad_mark_from_the_library_is_a_clear_error(args, what):
    with pytest.raises(MarksError, match=what):
        Mark(*args)


def test_a_mark_made_while_no_data_came_says_so_not_that_the_walker_stopped(tmp_path):
    """A pain mark made while the link was down read 'You had stopped' (JSON walking: false) though the walker
    walked on: there were no samples, not a stop. Truth: the walk goes on throughout and its samples from 1:30 to
    1:50 are missing; marks at 1:40 (in the gap) and 1:50 (as the data came back) say there was no data from
    1:30 to 1:50 and that whether they walked is not known (walking null, the gap in the JSON); a mark at 2:30,
    walking, is read as walking."""
    from dataclasses import replace

    rec, _ = synthesize_walk(200, seed=4)
    keep = (rec.time_s < 90.0) | (rec.time_s >= 110.0)
    holed = replace(rec, time_s=rec.time_s[keep], acc_mps2=rec.acc_mps2[keep], gyro_rads=rec.gyro_rads[keep])
    path = tmp_path / "walk.csv"
    write_native(path, holed)
    (tmp_path / "m.csv").write_text("time,pain,note\n1:40,8,during link gap\n1:50,6,\n2:30,3,\n", encoding="utf-8")
    assert main(["analyze", str(path), "--marks", str(tmp_path / "m.csv"), "--json", str(tmp_path / "a.json"),
                 "-q"]) == 0
    marks = json.loads((tmp_path / "a.json").read_text())["marks"]
    in_gap, back, walking = marks
    for m in (in_gap, back):
        assert m["walking"] is None
        assert (m["data_gap_start_s"], m["data_gap_end_s"]) == pytest.approx((90.0, 110.0), abs=0.02)
    assert walking["walking"] is True and walking["data_gap_start_s"] is None
    res = attach_marks(imu_gait.analyze(imu_gait.read(str(path))), [Mark(100, 8), Mark(110, 6), Mark(150, 3)])
    said = [next(line for line in c.lines() if "before it" in line) for c in res.marks]
    for line in said[:2]:
        assert line.startswith("No data from 1:30 to 1:50 (a gap in the samples), so whether you were walking "
                               "then is not known; in your last walking before it"), line
        assert "stopped" not in line
    assert said[2].startswith("In the minute of walking before it"), said[2]
