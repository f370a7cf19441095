"""A study's per-recording context table for ``imu-gait batch`` (imu_gait.context_table).

Truth: two synthetic walks written as native CSVs — 110 steps/min on a belt the table says runs at
4.32 km/h (1.2 m/s), so each step is 1.2 / (110 / 60) = 0.6545 m long; and 100 steps/min over ground for a
walker the table says is 1.75 m tall, whose row must equal ``imu_gait.analyze(rec, body_height_m=1.75)``.
The study's own columns must arrive in the summary table verbatim. Each broken table is refused before any
recording is analysed, naming the table, its line and column.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

import imu_gait
from imu_gait.batch import run_batch
from imu_gait.context_table import read_context_table
from imu_gait.errors import ImuGaitError
from imu_gait.io.native import write_native
from imu_gait.synthetic import synthesize_walk


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("study")
    for sub, cadence, seed in (("s01", 110.0, 1), ("s02", 100.0, 2)):
        (root / sub).mkdir()
        rec, _ = synthesize_walk(60, seed=seed, cadence_spm=cadence)
        write_native(root / sub / "walk.csv", rec)
    (root / "study.csv").write_text("recording,subject,Belt speed kmh,height_m,group\n"
                                    "s01/walk.csv,S01,4.32,,control\n"
                                    "s02/walk.csv,S02,,1.75,patient\n", encoding="utf-8")
    return root


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_each_recording_is_analysed_with_its_own_context(study, tmp_path, imu_gait_cli):
    out = tmp_path / "summary.csv"
    done = imu_gait_cli("batch", "--context-table", str(study / "study.csv"), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = _rows(out)
    # the study's columns, verbatim, right after recording, status, error
    assert list(rows[0])[:5] == ["recording", "status", "error", "subject", "group"]
    assert [(r["subject"], r["group"]) for r in rows] == [("S01", "control"), ("S02", "patient")]
    belt, ground = rows
    # on the belt: the step length is the belt's distance per step (synthetic truth, ±1 %)
    assert float(belt["step_length_m"]) == pytest.approx(1.2 / (110 / 60), rel=0.01)
    assert float(belt["walking_speed_mps"]) == pytest.approx(1.2, rel=0.01)
    assert belt["options"] == "--treadmill --belt-speed 1.2"
    # over ground: exactly what analyze gives with that height (the pendulum model's leg from it)
    res = imu_gait.analyze(imu_gait.read(study / "s02" / "walk.csv"), body_height_m=1.75)
    assert float(ground["step_length_m"]) == pytest.approx(res.summary["step_length_m"], rel=1e-5)
    assert ground["options"] == "--height 1.75"


def test_an_empty_cell_keeps_the_command_line_and_a_belt_replaces_it(study, tmp_path):
    table = read_context_table(study / "study.csv")
    rows = run_batch([], None, context_table=table, context={"body_height_m": 1.6, "incline_pct": 3.0})
    # s01: its belt speed replaces the command line's incline (the treadmill's context is the row's), height kept
    assert rows[0]["options"] == "--treadmill --height 1.6 --belt-speed 1.2"
    # s02: no belt in its row: the command line's incline holds, its own height replaces 1.6
    assert rows[1]["options"] == "--height 1.75 --incline 3"


def test_paths_and_a_table_that_differ_are_said(study, tmp_path):
    extra = study / "s02" / "extra.csv"
    rec, _ = synthesize_walk(30, seed=3)
    write_native(extra, rec)
    try:
        notes: list[str] = []
        rows = run_batch([study / "s02"], None, context_table=read_context_table(study / "study.csv"),
                         note=notes.append)
    finally:
        extra.unlink()
    assert [Path(r["recording"]).name for r in rows] == ["extra.csv", "walk.csv"]
    assert rows[0]["options"] == "" and rows[1]["options"] == "--height 1.75"
    assert rows[0].get("subject") is None and rows[1]["subject"] == "S02"
    assert any("1 recording(s) are not in the context table" in n and "extra.csv" in n for n in notes), notes
    assert any("not under the paths given" in n and "(line 2)" in n for n in notes), notes


@pytest.mark.parametrize("text, said", [
    ("recording,hieght_m\ns01/walk.csv,1.7\n", "line 1: the column 'hieght_m' is not a context column — did you mean 'height_m'?"),
    ("recording,height_m\ns01/walk.csv,172\n", "line 2, column 'height_m': --height: 172 m is outside the plausible range"),
    ("recording,belt_speed_kmh,belt_speed_mps\ns01/walk.csv,4,\n", "both give the belt speed"),
    ("recording,incline\ns01/walk.csv,2\ns09/walk.csv,3\n", "line 3: s09/walk.csv not found"),
    ("recording,treadmill\ns01/walk.csv,maybe\n", "line 2, column 'treadmill': 'maybe' is neither yes nor no"),
    ("recording,placement\ns01/walk.csv,wrist\n", "line 2, column 'placement': --placement: invalid choice: 'wrist'"),
    ("recording,height_m\ns01/walk.csv,1.7\ns01/walk.csv,1.8\n", "line 3: s01/walk.csv is listed twice (also line 2)"),
    ("subject,height_m\nS01,1.7\n", "line 1: the context table needs one column naming the recording"),
    ("recording,height_m\n", "lists no recording"),
    ("", "the context table is empty"),
])
def test_a_broken_table_is_refused_naming_line_and_column(study, tmp_path, text, said):
    bad = study / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    try:
        with pytest.raises(ImuGaitError) as err:
            read_context_table(bad)
    finally:
        bad.unlink()
    assert said in str(err.value) and "bad.csv" in str(err.value)


def test_a_study_column_named_like_a_summary_column_is_refused(study, tmp_path, imu_gait_cli):
    (tmp_path / "t.csv").write_text(f"recording,cadence_spm\n{study / 's01' / 'walk.csv'},3\n", encoding="utf-8")
    done = imu_gait_cli("batch", "--context-table", "t.csv", "--out", "s.csv", cwd=tmp_path)
    assert done.returncode == 2 and "the column 'cadence_spm' is one of the summary table's own" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "s.csv").exists()
    done = imu_gait_cli("batch", "--out", "s.csv", cwd=tmp_path)
    assert done.returncode == 2 and "give files or folders of recordings, or a --context-table" in done.stderr


def test_the_pooled_tables_carry_the_study_columns(study, tmp_path, imu_gait_cli):
    """Each line of the pooled flags, bouts and days tables names its subject and group (after
    ``recording``), so a study groups them without a join; a second batch in that folder still knows
    them for its own tables, not recordings."""
    done = imu_gait_cli("batch", "--context-table", str(study / "study.csv"), "--out", "summary.csv",
                        "--flags-csv", "flags.csv", "--bouts-csv", "bouts.csv", "--days-csv", "days.csv",
                        cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    subject = {str(study / "s01" / "walk.csv"): ("S01", "control"), str(study / "s02" / "walk.csv"): ("S02", "patient")}
    for name, own_first in (("flags.csv", "id"), ("bouts.csv", "walking_bout"), ("days.csv", "day")):
        with open(tmp_path / name, newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert header[:4] == ["recording", "subject", "group", own_first], (name, header)
    for name in ("bouts.csv", "days.csv"):      # a 60-s walk is one bout on one day
        rows = _rows(tmp_path / name)
        assert len(rows) == 2, (name, rows)
        assert all((r["subject"], r["group"]) == subject[r["recording"]] for r in rows), (name, rows)
    from imu_gait.batch import output_table_kind
    assert [output_table_kind(tmp_path / n) for n in ("flags.csv", "bouts.csv", "days.csv")] == \
        ["flags table", "bouts table", "days table"]


def test_a_study_column_named_like_a_pooled_tables_column_is_refused_only_with_that_table(study, tmp_path):
    (tmp_path / "t.csv").write_text(f"recording,date\n{study / 's01' / 'walk.csv'},2026-03-01\n", encoding="utf-8")
    table = read_context_table(tmp_path / "t.csv")
    rows = run_batch([], None, context_table=table)         # the summary has no 'date': kept verbatim
    assert rows[0]["status"] == "ok" and rows[0]["date"] == "2026-03-01"
    with pytest.raises(ImuGaitError, match=r"the column 'date' is one of the days CSV \(--days-csv\)'s own"):
        run_batch([], None, context_table=table, days_csv=tmp_path / "days.csv")
    assert not (tmp_path / "days.csv").exists()
