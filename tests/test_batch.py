"""``imu-gait batch``: many real recordings into one summary table, bad files reported, not fatal."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

import imu_gait
from imu_gait.strain import FLAG_IDS
from imu_gait.batch import find_recordings, run_batch
from imu_gait.cli import main
from imu_gait.io.native import write_native
from imu_gait.synthetic import synthesize_walk

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
DATASETS = ROOT / "datasets"


@pytest.fixture()
def folder(tmp_path):
    """Two bundled real recordings, a phone export folder, and a header-only CSV, one level down."""
    d = tmp_path / "walks"
    (d / "phone").mkdir(parents=True)
    shutil.copy(DATASETS / "mobgap_HA001_walk1.csv", d / "a_walk.csv")
    shutil.copy(DATASETS / "mobgap_HA001_daily.csv", d / "b_daily.csv")
    shutil.copy(DATASETS / "mobgap_HA001_daily.ref.json", d / "b_daily.ref.json")    # not a recording
    shutil.copytree(DATA / "phyphox_with_g", d / "phone" / "phyphox_with_g")
    (d / "c_empty.csv").write_text("time_s,acc_x,acc_y,acc_z\n")
    return d


def read_table(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_finds_files_and_export_folders(folder):
    names = [p.name for p in find_recordings([folder])]
    assert names == ["a_walk.csv", "b_daily.csv", "c_empty.csv"]            # sub-folder not entered
    names = [p.name for p in find_recordings([folder], recursive=True)]
    assert names == ["a_walk.csv", "b_daily.csv", "c_empty.csv", "phyphox_with_g"]   # phone/ sorts last
    # an export folder named directly is one recording; the same file twice is listed once
    assert find_recordings([DATA / "phyphox_with_g", folder / "a_walk.csv", folder / "a_walk.csv"]) == \
        [DATA / "phyphox_with_g", folder / "a_walk.csv"]


def test_batch_cli_table_matches_analyze_and_reports_the_bad_file(folder, tmp_path, capsys):
    out = tmp_path / "summary.csv"
    code = main(["batch", str(folder), "-r", "--out", str(out), "--json-dir", str(tmp_path / "json")])
    assert code == 1                                           # one recording failed: the batch says so
    rows = {Path(r["recording"]).name: r for r in read_table(out)}
    assert set(rows) == {"a_walk.csv", "b_daily.csv", "c_empty.csv", "phyphox_with_g"}
    bad = rows["c_empty.csv"]
    assert bad["status"] == "error" and "c_empty.csv" in bad["error"] and bad["n_steps"] == ""
    for name in ("a_walk.csv", "b_daily.csv"):
        ref = imu_gait.analyze(imu_gait.read(folder / name))
        r = rows[name]
        assert r["status"] == "ok" and int(r["n_steps"]) == ref.summary["n_steps"]
        assert float(r["cadence_spm"]) == pytest.approx(ref.summary["cadence_spm"], rel=1e-5)
        assert float(r["trunk_twist_deg"]) == pytest.approx(ref.summary["trunk_twist_deg"], rel=1e-5)
        assert int(r["n_flags"]) == len(ref.flags)
        for fid in FLAG_IDS:                                   # minutes per pattern, for statistics
            minutes = sum(f.end_s - f.start_s for f in ref.flags if f.id == fid) / 60
            assert float(r[f"flag_min_{fid}"]) == pytest.approx(minutes, abs=1e-5)
        saved = json.loads(Path(r["json"]).read_text())
        assert len(saved["steps"]) == ref.summary["n_steps"]
    assert rows["phyphox_with_g"]["status"] == "ok" and int(rows["phyphox_with_g"]["n_steps"]) > 0
    err = capsys.readouterr().err
    assert "3 of 4 recordings analysed" in err and "failed:" in err and "c_empty.csv" in err


def test_summary_inside_the_folder_is_not_read_back_as_a_recording(folder):
    out = folder / "summary.csv"
    run_batch([folder], out)
    rows = run_batch([folder], out)                            # second run, the summary now sits there
    assert [Path(r["recording"]).name for r in rows] == ["a_walk.csv", "b_daily.csv", "c_empty.csv"]


def test_missing_path_and_empty_folder_are_clear_errors(tmp_path, capsys):
    assert main(["batch", str(tmp_path / "nope"), "--out", str(tmp_path / "s.csv")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["batch", str(tmp_path / "empty"), "--out", str(tmp_path / "s.csv")]) == 2
    assert "no recordings found" in capsys.readouterr().err


def test_parallel_jobs_give_the_same_table_in_input_order(folder, tmp_path):
    one = run_batch([folder], tmp_path / "one.csv", recursive=True)
    two = run_batch([folder], tmp_path / "two.csv", recursive=True, jobs=2)
    assert [r["recording"] for r in two] == [r["recording"] for r in one]
    assert (tmp_path / "one.csv").read_text() == (tmp_path / "two.csv").read_text()


def test_flag_minutes_per_pattern_in_the_table(tmp_path):
    """A 10-minute walk leaning 9° forward from 5:00 to 8:00 (synthetic, written as a native CSV):
    its forward-lean minutes in the table are those of its own analysis, the other patterns 0."""
    rec, _ = synthesize_walk(600, seed=1, step_jitter=0.012, segments=[(300.0, {"lean_deg": 9.0}),
                                                                        (480.0, {"lean_deg": 0.0})])
    src = tmp_path / "lean.csv"
    write_native(src, rec)
    ref = imu_gait.analyze(imu_gait.read(src))
    expected = sum(f.end_s - f.start_s for f in ref.flags if f.id == "forward_lean") / 60
    assert expected > 2.0
    out = tmp_path / "s.csv"
    run_batch([src], out)
    row = read_table(out)[0]
    assert float(row["flag_min_forward_lean"]) == pytest.approx(expected, abs=1e-5)
    assert float(row["flag_min_pace_too_fast"]) == 0.0
