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


def _short_walk(path: Path, seed: int) -> Path:
    rec, _ = synthesize_walk(40, seed=seed)
    write_native(path, rec)
    return path


def _damaged_zip(path: Path) -> Path:
    """A phyphox-style zip whose stored 'Raw Data.csv' has one flipped byte: the zip module raises
    BadZipFile (bad CRC-32) when it is read — not an error the readers were written to expect."""
    import io
    import zipfile

    buf = io.BytesIO()
    body = "Time (s),Acceleration x (m/s^2),Acceleration y (m/s^2),Acceleration z (m/s^2)\n" + \
        "".join(f"{i / 100:.2f},0.1,0.2,9.8\n" for i in range(3000))
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("Raw Data.csv", body)
    data = bytearray(buf.getvalue())
    data[200] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_damaged_zip_becomes_an_error_row_and_the_table_is_written(tmp_path, capsys, jobs):
    d = tmp_path / "walks"
    d.mkdir()
    _short_walk(d / "a.csv", 1)
    _damaged_zip(d / "b_damaged.zip")
    _short_walk(d / "c.csv", 2)
    out = tmp_path / "s.csv"
    assert main(["batch", str(d), "--out", str(out), "-j", jobs]) == 1
    rows = {Path(r["recording"]).name: r for r in read_table(out)}
    assert [rows[n]["status"] for n in ("a.csv", "b_damaged.zip", "c.csv")] == ["ok", "error", "ok"]
    assert "b_damaged.zip" in rows["b_damaged.zip"]["error"]
    assert int(rows["c.csv"]["n_steps"]) > 50                  # the file after the bad one was analysed
    err = capsys.readouterr().err
    assert "2 of 3 recordings analysed" in err and "Traceback" not in err


def test_any_unexpected_error_in_one_recording_is_a_named_error_row(tmp_path, monkeypatch):
    """Whatever a reader or the engine raises (here a RuntimeError from the analysis of one file)
    is reported in that file's row with its kind and message; the others are analysed."""
    a, b = _short_walk(tmp_path / "a.csv", 1), _short_walk(tmp_path / "b.csv", 2)
    real, calls = imu_gait.analyze, []

    def analyze(rec, **kw):                  # one job: recordings are analysed in order, b second
        calls.append(rec)
        if len(calls) == 2:
            raise RuntimeError("engine fell over")
        return real(rec, **kw)
    monkeypatch.setattr(imu_gait, "analyze", analyze)
    out = tmp_path / "s.csv"
    rows = run_batch([a, b], out)
    assert [r["status"] for r in rows] == ["ok", "error"]
    assert "b.csv" in rows[1]["error"] and "RuntimeError" in rows[1]["error"]
    assert "engine fell over" in rows[1]["error"]
    table = read_table(out)
    assert [t["status"] for t in table] == ["ok", "error"] and int(table[0]["n_steps"]) > 50


def test_keyboard_interrupt_still_stops_the_batch(tmp_path, monkeypatch):
    a = _short_walk(tmp_path / "a.csv", 1)

    def analyze(rec, **kw):
        raise KeyboardInterrupt
    monkeypatch.setattr(imu_gait, "analyze", analyze)
    with pytest.raises(KeyboardInterrupt):
        run_batch([a], tmp_path / "s.csv")


def test_every_value_summarise_computes_reaches_the_table(tmp_path):
    """A walk and a run: the set of keys in each row equals the set of CSV columns (nothing computed
    and then dropped), and the newer columns carry the summary's values."""
    from imu_gait.batch import summarise, table_columns

    walk = _short_walk(tmp_path / "walk.csv", 1)
    rec, _ = synthesize_walk(40, seed=3, gait="run")
    run = tmp_path / "run.csv"
    write_native(run, rec)
    out = tmp_path / "s.csv"
    rows = run_batch([walk, run], out, json_dir=tmp_path / "json", context={"sensor_height_m": 1.02})
    table = read_table(out)
    header = list(table[0])
    assert header == table_columns(with_json=True)
    for r in rows:
        assert r["status"] == "ok" and set(r) == set(header)
    assert set(summarise(walk)) == set(table_columns())
    w, r = table
    for row in (w, r):
        assert float(row["sensor_height_m"]) == 1.02 and row["sensor_height_source"] == "given"
        assert row["n_lean_jumps"] == "0" and row["n_sensor_turns"] == "0"
    ref = imu_gait.analyze(imu_gait.read(run))
    assert float(r["ground_contact_ms"]) == pytest.approx(ref.summary["ground_contact_ms"], rel=1e-5)
    assert 150 < float(r["ground_contact_ms"]) < 350 and w["ground_contact_ms"] == ""   # running only
    # each gait's cadence on its own (a walk that turns into a run pools both in cadence_spm)
    assert float(r["cadence_running_spm"]) == pytest.approx(ref.summary["cadence_running_spm"], rel=1e-5)
    assert r["cadence_walking_spm"] == "" and float(w["cadence_walking_spm"]) > 90 and w["cadence_running_spm"] == ""
