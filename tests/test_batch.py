"""``imu-gait batch``: many real recordings into one summary table, bad files reported, not fatal."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
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


def test_the_gyro_rows_a_live_session_kept_are_not_a_second_recording(tmp_path):
    """A live sensor's gyroscope stopped: NativeCsvWriter.drop_gyro left walk.with-gyro.csv (walk.with-gyro-2.csv
    when that was taken) beside walk.csv, which holds every sample — a folder's batch analysed the walk twice
    (found by review). Named on its own, the kept part is still a recording."""
    for name in ("walk.csv", "walk.with-gyro.csv", "walk.with-gyro-2.csv", "other.csv"):
        shutil.copy(DATASETS / "mobgap_HA001_walk1.csv", tmp_path / name)
    assert [p.name for p in find_recordings([tmp_path])] == ["other.csv", "walk.csv"]
    assert find_recordings([tmp_path / "walk.with-gyro.csv"]) == [tmp_path / "walk.with-gyro.csv"]


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
            if fid in ref.summary["flags_not_judged"]:         # (empty: not judged, not 'not seen')
                assert r[f"flag_min_{fid}"] == ""
                continue
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


# ---------------------------------------------------------------- found in the audit on real data sets
OXFORD_NATIVE = DATASETS / "oxford_Samsung_Dario_Hard_BackPocket_1.csv"
IPOL = ROOT.parent / "shared" / "datasets_raw" / "ipol_voisard_healthy_gait" / "GaitData"
IPOL_OPTIONS = {"skiprows": 1, "sample_rate_hz": 100, "acc_cols": ["Acc_X", "Acc_Y", "Acc_Z"],
                "gyro_cols": ["Gyr_X", "Gyr_Y", "Gyr_Z"]}
OXFORD_OPTIONS = {"time_col": 0, "time_unit": "ns", "acc_cols": [2, 3, 4], "acc_unit": "m/s2"}


def _oxford_layout(root: Path, names: list[str], seconds: float = 60.0) -> Path:
    """The Oxford step-counter data set's own layout (``<phone>_<user>_…/accelerometer.csv``, no header:
    ns since boot, accuracy, x, y, z in m/s²; ``stepcounter.csv`` beside it), written from the bundled real
    recording ``datasets/oxford_Samsung_Dario_Hard_BackPocket_1.csv`` (CC BY 4.0, see datasets/README.md)."""
    import pandas as pd

    d = pd.read_csv(OXFORD_NATIVE, comment="#")
    d = d[d["time_s"] < seconds]
    t_ns = (d["time_s"] * 1e9).round().astype("int64") + 584391996435789
    for name in names:
        (root / name).mkdir(parents=True)
        pd.DataFrame({"t": t_ns, "accuracy": 3, "x": d["acc_x"], "y": d["acc_y"], "z": d["acc_z"]}).to_csv(
            root / name / "accelerometer.csv", header=False, index=False)
        (root / name / "stepcounter.csv").write_text("584391996435789,0,0\n584392096435789,1,0\n")
    return root


def test_a_lab_folder_with_a_headerless_accelerometer_csv_is_not_a_phone_export(tmp_path):
    """Every Oxford recording folder holds a lower-case 'accelerometer.csv' (no header), the name of a
    phyphox / Sensor Logger export file: each folder was taken as one phone export and failed ('this
    folder matches none of the formats') — 0 of 18 analysed. Their CSV files are recordings; real exports
    (recognised by their headers) still count as one recording each."""
    root = _oxford_layout(tmp_path / "data", ["Samsung_Dario_Hard_BackPocket_1", "Samsung_Dario_Hard_Backpocket_2"])
    shutil.copytree(DATA / "sensorlogger_android", root / "sensorlogger_android")
    shutil.copytree(DATA / "phyphox_multi", root / "phyphox_multi")
    found = [p.relative_to(root).as_posix() for p in find_recordings([root], recursive=True)]
    assert found == ["phyphox_multi", "Samsung_Dario_Hard_BackPocket_1/accelerometer.csv",
                     "Samsung_Dario_Hard_BackPocket_1/stepcounter.csv",
                     "Samsung_Dario_Hard_Backpocket_2/accelerometer.csv",
                     "Samsung_Dario_Hard_Backpocket_2/stepcounter.csv", "sensorlogger_android"]
    # without --recursive such a folder is not skipped unsaid: it stays a row that says why it failed
    assert [p.name for p in find_recordings([root])][:2] == ["phyphox_multi", "Samsung_Dario_Hard_BackPocket_1"]
    rows = run_batch(sorted(root.glob("*/accelerometer.csv")), None, read_options=OXFORD_OPTIONS)
    assert [r["status"] for r in rows] == ["ok", "ok"] and all(int(r["n_steps"]) > 80 for r in rows)


def test_json_names_say_which_folder_a_shared_file_name_came_from(tmp_path):
    """18 Oxford folders each with an 'accelerometer.csv' gave accelerometer.csv.json, accelerometer.csv-2.json
    … -18.json: which walk is which could not be told without the table. The folder names it now."""
    root = _oxford_layout(tmp_path / "data", ["Pixel_Jamie_Hard_NeckPouch_1", "Samsung_Carmelo_Hard_NeckPouch_2"])
    shutil.copy(DATASETS / "mobgap_HA001_walk1.csv", root / "walk1.csv")
    recs = sorted(root.glob("*/accelerometer.csv"))
    out = tmp_path / "s.csv"
    code = main(["batch", *map(str, recs), "--out", str(out), "--json-dir", str(tmp_path / "json"),
                 "--time-col", "0", "--time-unit", "ns", "--acc-cols", "2,3,4", "--acc-unit", "m/s2"])
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "json").iterdir())
    assert names == ["Pixel_Jamie_Hard_NeckPouch_1__accelerometer.csv.json",
                     "Samsung_Carmelo_Hard_NeckPouch_2__accelerometer.csv.json"]
    for r in read_table(out):
        assert Path(r["json"]).name.startswith(Path(r["recording"]).parent.name)
    # a name used once keeps the plain '<name>.json'
    rows = run_batch([root / "walk1.csv"], None, json_dir=tmp_path / "json2")
    assert Path(rows[0]["json"]).name == "walk1.csv.json"


@pytest.mark.parametrize("jobs", [1, 2])
def test_steps_dir_writes_each_recordings_steps_as_analyze_does(tmp_path, jobs):
    """A researcher pooling steps across a batch had to pull them out of each JSON; --steps-dir writes each
    recording's one-row-per-step CSV (byte for byte what 'analyze --steps-csv' writes), named like the
    JSON files (folder-qualified when names repeat), listed in the table's steps_csv column; a recording
    that fails gets no file and no entry."""
    root = _oxford_layout(tmp_path / "data", ["Pixel_Jamie_Hard_NeckPouch_1", "Samsung_Carmelo_Hard_NeckPouch_2"])
    recs = sorted(root.glob("*/accelerometer.csv"))
    broken = tmp_path / "data" / "empty.csv"
    broken.write_text("")
    out, steps_dir = tmp_path / "s.csv", tmp_path / "steps"
    opts = ["--time-col", "0", "--time-unit", "ns", "--acc-cols", "2,3,4", "--acc-unit", "m/s2"]
    code = main(["batch", *map(str, recs), str(broken), "--out", str(out), "--steps-dir", str(steps_dir),
                 "-j", str(jobs), "-q", *opts])
    assert code == 1                                     # the empty file failed, the walks did not
    assert sorted(p.name for p in steps_dir.iterdir()) == [
        "Pixel_Jamie_Hard_NeckPouch_1__accelerometer.csv.steps.csv",
        "Samsung_Carmelo_Hard_NeckPouch_2__accelerometer.csv.steps.csv"]
    rows = read_table(out)
    assert [r["status"] for r in rows] == ["ok", "ok", "error"] and rows[2]["steps_csv"] == ""
    for row, rec in zip(rows[:2], recs):
        single = tmp_path / f"{rec.parent.name}.csv"
        assert main(["analyze", str(rec), "-q", "--steps-csv", str(single), *opts]) == 0
        batch_file = Path(row["steps_csv"])
        assert batch_file.read_bytes() == single.read_bytes()
        steps = pd.read_csv(batch_file)
        assert list(steps.columns)[:2] == ["time_s", "bout"] and len(steps) == int(row["n_steps"]) > 80


@pytest.mark.parametrize("jobs", [1, 2])
def test_flags_csv_pools_every_recordings_flags_in_one_table(tmp_path, jobs):
    """'batch --flags-csv': one CSV of every recording's flags, the recording first — each recording's rows
    exactly the rows 'analyze --flags-csv' writes for it, in the batch's order; a recording that fails or
    raises no flag adds none; the table written into the folder being analysed is not taken for a
    recording on the next run. Truth: a synthetic walk whose bounce doubles for a minute twice."""
    from imu_gait.io.native import write_native
    from imu_gait.synthetic import synthesize_walk

    folder = tmp_path / "walks"
    folder.mkdir()
    for name, seed in (("a_bouncy.csv", 8), ("c_bouncy.csv", 9)):
        rec, _ = synthesize_walk(340.0, 100.0, seed=seed, segments=[
            (100.0, {"bounce_cm": 7.0}), (160.0, {"bounce_cm": 3.5}), (220.0, {"bounce_cm": 7.0}), (280.0, {"bounce_cm": 3.5})])
        write_native(folder / name, rec)
    shutil.copy(DATASETS / "mobgap_HA001_walk1.csv", folder / "b_steady.csv")
    (folder / "d_empty.csv").write_text("")
    out, flags = folder / "summary.csv", folder / "flags.csv"
    args = ["--baseline", "60", "-j", str(jobs), "-q"]
    assert main(["batch", str(folder), "--out", str(out), "--flags-csv", str(flags), *args]) == 1   # d_empty failed
    pooled = pd.read_csv(flags)
    assert list(pooled.columns)[:2] == ["recording", "id"]
    assert [Path(r).name for r in pooled["recording"]] == ["a_bouncy.csv"] * 2 + ["c_bouncy.csv"] * 2
    lines = flags.read_text().splitlines()
    for name in ("a_bouncy.csv", "c_bouncy.csv"):
        single = tmp_path / f"{name}.flags.csv"
        assert main(["analyze", str(folder / name), "--flags-csv", str(single), "--baseline", "60", "-q"]) == 0
        own = single.read_text().splitlines()
        mine = [l.split(",", 1)[1] for l in lines[1:] if Path(l.split(",", 1)[0]).name == name]
        assert mine == own[1:] and lines[0] == "recording," + own[0]
    rows = read_table(out)
    assert [r["n_flags"] for r in rows] == ["2", "0", "2", ""] and "_flag_rows" not in rows[0]
    # again, with the tables from the first run in the folder: they are not recordings
    assert main(["batch", str(folder), "--out", str(out), "--flags-csv", str(flags), *args]) == 1
    assert len(read_table(out)) == 4 and len(pd.read_csv(flags)) == 4


def test_score_references_take_references_in_milliseconds(tmp_path, capsys):
    """A study whose foot-switch references are in ms: the row said 'add --ref-unit ms', an option batch did not
    have (review). Truth: the same contacts in ms with --ref-unit ms score exactly as in seconds (9 of 9 matched
    on the bundled walk); without it the row says to add it; --ref-unit without --score-references is refused."""
    shutil.copy(DATASETS / "mobgap_HA001_walk1.csv", tmp_path / "walk1.csv")
    ic = json.loads((DATASETS / "mobgap_HA001_walk1.ref.json").read_text())["ic_times_s"]
    (tmp_path / "walk1.ref.csv").write_text("ic_ms\n" + "".join(f"{t * 1000.0:.1f}\n" for t in ic))
    out = tmp_path / "out" / "s.csv"
    out.parent.mkdir()
    assert main(["batch", str(tmp_path), "--out", str(out), "--score-references"]) == 0
    (row,) = read_table(out)
    assert row["ref_status"].startswith("error") and "--ref-unit ms" in row["ref_status"]
    assert main(["batch", str(tmp_path), "--out", str(out), "--score-references", "--ref-unit", "ms"]) == 0
    (row,) = read_table(out)
    assert row["ref_status"] == "scored" and (row["ref_matched"], row["ref_missed"]) == ("9", "0")
    capsys.readouterr()
    assert main(["batch", str(tmp_path), "--out", str(out), "--ref-unit", "ms"]) == 2
    assert "--ref-unit only applies with --score-references" in capsys.readouterr().err


@pytest.mark.parametrize("jobs", [1, 2])
def test_score_references_scores_each_recording_against_the_reference_beside_it(tmp_path, capsys, jobs):
    """A validation study's folder: each recording with its reference beside it (walk.ref.json, or a
    CSV column walk.ref.csv — never taken for a recording itself). Each row gets the numbers
    'imu-gait score' gives for that pair, a row without a usable reference says why, and the pooled
    F1 (counts summed) is printed."""
    for stem in ("mobgap_HA001_daily", "mobgap_HA002_walk1", "oxford_Samsung_Dario_Hard_BackPocket_1"):
        shutil.copy(DATASETS / f"{stem}.csv", tmp_path / f"{stem}.csv")
        shutil.copy(DATASETS / f"{stem}.ref.json", tmp_path / f"{stem}.ref.json")
    shutil.copy(DATASETS / "mobgap_HA001_walk1.csv", tmp_path / "walk1.csv")           # a CSV column reference
    ic = json.loads((DATASETS / "mobgap_HA001_walk1.ref.json").read_text())["ic_times_s"]
    (tmp_path / "walk1.ref.csv").write_text("ic_s\n" + "".join(f"{t}\n" for t in ic))
    shutil.copy(DATASETS / "mobgap_HA001_walk2.csv", tmp_path / "walk2.csv")           # no reference at all
    out = tmp_path / "out" / "s.csv"
    out.parent.mkdir()
    code = main(["batch", str(tmp_path), "--out", str(out), "--score-references", "-j", str(jobs)])
    err = capsys.readouterr().err
    assert code == 0
    rows = {Path(r["recording"]).name: r for r in read_table(out)}
    assert sorted(rows) == ["mobgap_HA001_daily.csv", "mobgap_HA002_walk1.csv",
                            "oxford_Samsung_Dario_Hard_BackPocket_1.csv", "walk1.csv", "walk2.csv"]
    for name in ("mobgap_HA001_daily.csv", "oxford_Samsung_Dario_Hard_BackPocket_1.csv"):
        single = tmp_path / "out" / f"{name}.json"
        assert main(["score", str(tmp_path / name), str(tmp_path / name.replace(".csv", ".ref.json")), "-q",
                     "--json", str(single)]) == 0
        s = json.loads(single.read_text())
        r = rows[name]
        assert r["ref_status"] == "scored" and int(r["ref_n"]) == s["n_ref"] and int(r["ref_matched"]) == s["tp"]
        assert (int(r["ref_missed"]), int(r["ref_false"])) == (s["fn"], s["fp"])
        assert float(r["ref_f1"]) == pytest.approx(s["f1"], abs=1e-6)
    assert rows["mobgap_HA001_daily.csv"]["ref_f1"].startswith("0.90")     # as tests/test_real_recordings.py
    # a CSV column has no bouts: the whole recording is scored, the steps outside INDIP's bout count as false
    w1 = rows["walk1.csv"]
    assert (w1["ref_matched"], w1["ref_missed"]) == ("9", "0") and w1["ref_file"].endswith("walk1.ref.csv")
    assert int(w1["ref_false"]) == int(w1["n_steps"]) - 9
    assert rows["walk2.csv"]["ref_status"].startswith("no reference") and rows["walk2.csv"]["ref_f1"] == ""
    # a reference that saw no walking is not a broken file: 'not scored', not 'error' (found by review)
    assert rows["mobgap_HA002_walk1.csv"]["ref_status"].startswith("not scored: the reference marks no walking")
    assert rows["mobgap_HA002_walk1.csv"]["status"] == "ok"            # its analysis stands
    tp = sum(int(rows[n]["ref_matched"]) for n in rows if rows[n]["ref_status"] == "scored")
    assert f"pooled over 3 recording(s)" in err and f"{tp} matched" in err and "2 not scored" in err


def test_a_folder_of_lab_text_files_is_found_when_the_options_describe_them(tmp_path, capsys):
    """IPOL's lower-back files are '<subject>-<trial>_lb.txt' beside '.json' event files: 'batch GaitData/'
    with the README's options said 'no recordings found … add --recursive' (there are no sub-folders).
    Now the folder's .txt files are recordings when --acc-cols describes them, listed in natural order
    (subject 2 before 10), and without the options the error says what the folder holds. (Real walks in the
    IPOL layout: the bundled Mobilise-D walks, renamed — IPOL's own files are AGPL and stay out of the repo.)"""
    d = tmp_path / "GaitData"
    d.mkdir()
    for name, src in (("10-1", "mobgap_HA001_walk1"), ("2-1", "mobgap_HA001_walk2"), ("1-1", "mobgap_HA002_walk2")):
        shutil.copy(DATASETS / f"{src}.csv", d / f"{name}_lb.txt")
        (d / f"{name}.json").write_text('{"Subject": 1}')
    out = tmp_path / "s.csv"
    notes = tmp_path / "Notes"                      # text files that are no table of samples: not taken unsaid
    notes.mkdir()
    for name in ("1-1", "2-1"):
        (notes / f"{name}.txt").write_text("subject walked 10 m, turned, walked back\n")
    assert main(["batch", str(notes), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "2 .txt" in err and "--acc-cols" in err and "--recursive" not in err
    # text files that plainly are tables of samples (here in the native layout) need no options
    assert main(["batch", str(d), "--out", str(out)]) == 0
    assert [Path(r["recording"]).name for r in read_table(out)] == ["1-1_lb.txt", "2-1_lb.txt", "10-1_lb.txt"]
    capsys.readouterr()
    code = main(["batch", str(d), "--out", str(out), "--time-col", "time_s", "--acc-cols", "acc_x,acc_y,acc_z",
                 "--gyro-cols", "gyro_x,gyro_y,gyro_z", "--gyro-unit", "rad/s"])
    assert code == 0
    rows = read_table(out)
    assert [Path(r["recording"]).name for r in rows] == ["1-1_lb.txt", "2-1_lb.txt", "10-1_lb.txt"]
    assert all(r["status"] == "ok" and int(r["n_steps"]) >= 7 for r in rows)


@pytest.mark.skipif(not IPOL.is_dir(), reason="needs ../shared/datasets_raw/ipol_voisard_healthy_gait")
def test_the_ipol_folder_needs_no_options(tmp_path):
    """IPOL's files state their rate on line 1 ('Acquisition frequency: 100 Hz') above a header naming a
    packet counter and the Acc_/Gyr_ columns: read with no options now, each row equal to the one the
    README's options give, and the first warning gives those options back."""
    d = tmp_path / "GaitData"
    d.mkdir()
    for name in ("1-1", "7-3", "10-1"):
        shutil.copy(IPOL / f"{name}_lb.txt", d)
        shutil.copy(IPOL / f"{name}.json", d)
    bare = run_batch(find_recordings([d]), None)
    told = run_batch(find_recordings([d], text_files=True), None, read_options=IPOL_OPTIONS)
    assert [Path(r["recording"]).name for r in bare] == ["1-1_lb.txt", "7-3_lb.txt", "10-1_lb.txt"]
    skip = {"warnings", "options"}
    for a, b in zip(bare, told):
        assert a["status"] == "ok" and {k: str(v) for k, v in a.items() if k not in skip} == {
            k: str(v) for k, v in b.items() if k not in skip}                   # (str: NaN equals NaN)
        assert a["warnings"].startswith("not a format imu_gait knows by name, but a plain table (a line stating "
                                        "100 Hz, then a header naming a sample counter")
        assert ("--skiprows 1 --time-col PacketCounter --time-unit samples --sample-rate 100 --acc-cols "
                "Acc_X,Acc_Y,Acc_Z --acc-unit m/s2 --gyro-cols Gyr_X,Gyr_Y,Gyr_Z --gyro-unit rad/s") in a["warnings"]


@pytest.mark.skipif(not IPOL.is_dir(), reason="needs ../shared/datasets_raw/ipol_voisard_healthy_gait")
def test_the_ipol_folder_itself_with_the_readme_options(tmp_path):
    """Two real IPOL trials in their folder (with the .json event files beside them), as the README's
    options describe them: both analysed, cadence within 3 spm of the foot-IMU reference's."""
    import json

    import numpy as np

    d = tmp_path / "GaitData"
    d.mkdir()
    for name in ("1-1", "10-1"):
        shutil.copy(IPOL / f"{name}_lb.txt", d)
        shutil.copy(IPOL / f"{name}.json", d)
    rows = run_batch([d], None, read_options=IPOL_OPTIONS)
    assert [Path(r["recording"]).name for r in rows] == ["1-1_lb.txt", "10-1_lb.txt"]
    for r in rows:
        ref = json.loads((d / Path(r["recording"]).name.replace("_lb.txt", ".json")).read_text())
        ics = np.sort([p[1] for p in ref["LeftFootEvents"] + ref["RightFootEvents"]]) / 100
        gaps = np.diff(ics)
        assert r["status"] == "ok"
        assert float(r["cadence_spm"]) == pytest.approx(60 / np.median(gaps[gaps < 1.5]), abs=3.0)


def test_one_recording_that_kills_its_worker_fails_alone(tmp_path, monkeypatch):
    """With -j, a worker that dies (the kernel's out-of-memory killer, a crash in a C library) broke the
    pool: every recording still in it became 'BrokenProcessPool … the file may be damaged' — 5 of 5 rows
    for one bad file. The unfinished ones are redone each in a process of its own."""
    import multiprocessing
    import os

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the injected crash reaches the workers only when they are forked")
    files = []
    for name in ("mobgap_HA001_walk1", "mobgap_HA001_walk2", "mobgap_HA002_walk1", "mobgap_HA002_walk2"):
        files.append(tmp_path / f"{name}.csv")
        shutil.copy(DATASETS / f"{name}.csv", files[-1])
    real, parent = imu_gait.analyze, os.getpid()

    def analyze(rec, **kw):
        if os.getpid() != parent and "HA001_walk2" in rec.source:
            os._exit(1)                       # the worker dies as if killed
        return real(rec, **kw)
    monkeypatch.setattr(imu_gait, "analyze", analyze)
    seen = []
    rows = run_batch(files, None, jobs=2, progress=lambda done, n, p: seen.append(done))
    assert [r["status"] for r in rows] == ["ok", "error", "ok", "ok"]
    assert "HA001_walk2" in rows[1]["error"] and "ended abruptly" in rows[1]["error"]
    assert sorted(seen) == [1, 2, 3, 4]


def test_the_table_carries_what_the_reports_say_before_the_numbers(tmp_path):
    """A phone in a back pocket (real Oxford data in its own layout, placement not stated) read lean, bounce
    and sway of the pocket: the reports open with 'The sensor seems to sit on one side …', the table had
    only one_sided_signal=True and an empty warnings cell. Now the hint leads the warnings; metrics outside
    the reports' typical ranges are listed; and what the flag rules could not judge is said (a 0 in a
    flag_min_ column of a short walk means 'not judged')."""
    root = _oxford_layout(tmp_path / "data", ["Samsung_Dario_Hard_BackPocket_1"])
    (row,) = run_batch([root / "Samsung_Dario_Hard_BackPocket_1" / "accelerometer.csv"], None,
                       read_options=OXFORD_OPTIONS)
    assert row["status"] == "ok" and row["one_sided_signal"] is True
    assert row["warnings"].startswith("The sensor seems to sit on one side")
    assert "step_regularity" in row["outside_typical"] and "below typical" in row["outside_typical"]
    assert "too short for a personal baseline" in row["flag_notes"]
    assert row["options"] == "--time-col 0 --time-unit ns --acc-cols 2,3,4 --acc-unit m/s2"
    # a sensor off the trunk (skdh's AX6 example: its 'up' changes every few seconds, it twists 29° per stride):
    # its twist read 'above typical'; since audit s34 F1 no trunk twists that far walking, and the row says the
    # walk was left out and why
    (ax6,) = run_batch([DATA / "skdh_examples" / "example_data_30s.csv"], None,
                       read_options={"time_col": 0, "time_unit": "s", "acc_cols": [1, 2, 3], "acc_unit": "g",
                                     "gyro_cols": [4, 5, 6], "gyro_unit": "deg/s"})
    assert "left out as not walking" in ax6["warnings"] and "twist 29°" in ax6["warnings"]


def test_an_error_and_its_advice_read_as_two_sentences(tmp_path):
    """'… matches none of the formats imu_gait knows What to do: …': the message and its hint, two lines in
    the terminal, ran together in the table's one-line error."""
    bad = tmp_path / "demo_gait_features.csv"         # another tool's output table, not a recording
    bad.write_text("bout_number,bout_length_sec,IC,FC\n1,24.0,1565087181400,1565087182180\n")
    (row,) = run_batch([bad], None)
    assert row["status"] == "error"
    assert "imu_gait knows. What to do: imu_gait reads" in row["error"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_keeps_the_rows_done_so_far(tmp_path, monkeypatch, jobs):
    """Ctrl-C an hour into a batch of long recordings lost every row: the table was written only at the end
    (measured: 40 copies of the 25-min adeptdata hip run, Ctrl-C after 5 s, -j 1 and -j 2 — no table). Now
    the rows done are written, the others marked 'interrupted'; with -j the queued recordings are cancelled
    instead of all being analysed before the interrupt is let through."""
    files = []
    for name in ("mobgap_HA001_walk1", "mobgap_HA001_walk2", "mobgap_HA002_walk1", "mobgap_HA002_walk2",
                 "mobgap_HA001_daily", "mobgap_HA002_daily"):
        files.append(tmp_path / f"{name}.csv")
        shutil.copy(DATASETS / f"{name}.csv", files[-1])

    def progress(done, n, path):           # the user's Ctrl-C, arriving in the main process
        if done == 1:
            raise KeyboardInterrupt
    out = tmp_path / "s.csv"
    with pytest.raises(KeyboardInterrupt):
        run_batch(files, out, jobs=jobs, progress=progress)
    rows = read_table(out)
    assert [Path(r["recording"]).name for r in rows] == [f.name for f in files]
    statuses = [r["status"] for r in rows]
    assert statuses.count("ok") >= 1 and "interrupted" in statuses
    assert set(statuses) <= {"ok", "interrupted"}
    if jobs == 1:
        assert statuses == ["ok"] + ["interrupted"] * 5
    for r in rows:
        if r["status"] == "interrupted":
            assert "interrupted before this recording was analysed" in r["error"] and r["n_steps"] == ""


def test_cli_batch_ctrl_c_keeps_the_rows_done_and_logs_progress_without_a_terminal(tmp_path):
    """`imu-gait batch` handed run_batch no table path, so a Ctrl-C an hour in lost every row; and with
    stderr not a terminal (nohup, a scheduler's log) it printed nothing until the end. A real process,
    interrupted (SIGINT) once two recordings are logged: exit 130, the table holds the done rows as
    'ok' and the rest as 'interrupted'."""
    import signal
    import subprocess
    import sys
    import time

    src = tmp_path / "walks"
    src.mkdir()
    for i in range(30):
        shutil.copy(DATASETS / "mobgap_HA001_daily.csv", src / f"w{i:02d}.csv")
    out = tmp_path / "summary.csv"
    proc = subprocess.Popen([sys.executable, "-m", "imu_gait.cli", "batch", str(src), "--out", str(out)],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=ROOT,
                            # a test run started in the background by a shell without job control inherits
                            # SIGINT ignored, and Python then never installs its Ctrl-C handler: the batch ran to
                            # the end (exit 0). A terminal's Ctrl-C is what is tested, so the child gets it back.
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        lines.append(line)
        if line.startswith("[3/30]"):
            break
    proc.send_signal(signal.SIGINT)
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 130, err
    assert lines[0].startswith("[1/30] ") and "w00.csv" in lines[0]
    assert "analysed so far are in" in err
    rows = read_table(out)
    status = [r["status"] for r in rows]
    assert len(rows) == 30 and status.count("ok") >= 2 and status.count("interrupted") >= 20, status


def test_cli_batch_says_when_sub_folders_were_left_out(tmp_path, capsys):
    """Recordings in sub-folders were skipped without a word when the top level had some."""
    top = tmp_path / "top"
    (top / "sub").mkdir(parents=True)
    shutil.copy(DATASETS / "mobgap_HA001_walk1.csv", top / "a.csv")
    shutil.copy(DATASETS / "mobgap_HA001_walk2.csv", top / "sub" / "b.csv")
    assert main(["batch", str(top), "--out", str(tmp_path / "s.csv")]) == 0
    assert "1 more recording(s) in sub-folders were not analysed: add --recursive" in capsys.readouterr().err
    assert main(["batch", str(top), "-r", "--out", str(tmp_path / "s.csv")]) == 0
    assert "sub-folders" not in capsys.readouterr().err


def test_cli_batch_progress_lines_count_each_recording_once_with_several_jobs(tmp_path, capsys):
    """Several jobs report each recording as it finishes; the log counted it as if it were starting, so
    six recordings logged [2/6] … [7/6]."""
    src = tmp_path / "walks"
    src.mkdir()
    for i in range(6):
        shutil.copy(DATASETS / "mobgap_HA001_walk1.csv", src / f"w{i}.csv")
    assert main(["batch", str(src), "-j", "2", "--out", str(tmp_path / "s.csv")]) == 0
    counts = [line.split("]")[0] + "]" for line in capsys.readouterr().err.splitlines() if line.startswith("[")]
    assert counts == [f"[{k}/6]" for k in range(1, 7)], counts


def test_links_to_one_file_are_recordings_of_their_own_named_by_their_own_folders(tmp_path):
    """A DataLad / git-annex tree is links: three names linking to one file gave one row (the others left
    out without a word), and linked recordings were named by their targets' folder. Each link is a
    recording, named by its own path; the same path given twice is still one."""
    src = tmp_path / "store"
    src.mkdir()
    shutil.copy(DATASETS / "mobgap_HA001_walk2.csv", src / "blob.csv")
    tree = tmp_path / "tree"
    for sub, name in (("C", "s2.csv"), ("C", "s10.csv"), ("C", "S3.csv"), ("A", "walk.csv"), ("B", "walk.csv")):
        (tree / sub).mkdir(parents=True, exist_ok=True)
        (tree / sub / name).symlink_to(src / "blob.csv")
    found = find_recordings([tree, tree / "C" / "s2.csv"], recursive=True, follow_links=True)
    assert [str(p.relative_to(tree)) for p in found] == ["A/walk.csv", "B/walk.csv", "C/s2.csv", "C/S3.csv",
                                                         "C/s10.csv"]
    out, js = tmp_path / "t.csv", tmp_path / "json"
    assert main(["batch", str(tree), "-r", "--follow-links", "--out", str(out), "--json-dir", str(js), "-q"]) == 0
    assert len(read_table(out)) == 5
    assert sorted(p.name for p in js.iterdir()) == ["A__walk.csv.json", "B__walk.csv.json", "S3.csv.json",
                                                    "s10.csv.json", "s2.csv.json"]


def test_natural_order_does_not_count_spaces(tmp_path):
    """'s 1.csv' came after 's10.csv' (a space sorts after nothing); numbers compare as numbers whatever the
    spacing and case."""
    for name in ("s10.csv", "s 1.csv", "S3.csv", "s2.csv", "sub 10.csv", "sub 2.csv"):
        shutil.copy(DATASETS / "mobgap_HA001_walk1.csv", tmp_path / name)
    assert [p.name for p in find_recordings([tmp_path])] == ["s 1.csv", "s2.csv", "S3.csv", "s10.csv",
                                                             "sub 2.csv", "sub 10.csv"]


@pytest.fixture()
def two_walks(tmp_path):
    """Two short synthetic walks as native CSVs in a folder with no sub-folders."""
    d = tmp_path / "walks"
    d.mkdir()
    for i, name in enumerate(("w1.csv", "w2.csv")):
        rec, _ = synthesize_walk(30, seed=11 + i)
        write_native(d / name, rec)
    return d


def test_batch_leaves_out_its_own_tables_in_the_folder(two_walks, tmp_path, capsys):
    """A batch's tables written into the folder it reads: run 1 said '2 more recording(s) in sub-folders were
    not analysed' (its own summary and flags tables, counted without its exclude list) where there is no
    sub-folder; a re-run with another --out, or -r with --steps-dir inside the tree, analysed the summary,
    flags and steps tables as recordings ('unknown recording format' rows, exit 1). They are recognised by
    their headers and left out, and the note says which."""
    d = two_walks
    tables = ["--out", str(d / "summary.csv"), "--flags-csv", str(d / "flags.csv"), "--bouts-csv",
              str(d / "bouts.csv"), "--days-csv", str(d / "days.csv")]
    assert main(["batch", str(d), *tables]) == 0
    err = capsys.readouterr().err
    assert "2 of 2 recordings analysed" in err and "sub-folders" not in err and "left out" not in err
    # again, another table name: the earlier four tables are not recordings
    assert main(["batch", str(d), "--out", str(d / "summary2.csv")]) == 0
    err = capsys.readouterr().err
    assert "2 of 2 recordings analysed" in err and "sub-folders" not in err
    assert "left out 4 of imu_gait's own output tables, not recordings" in err
    assert [r["recording"] for r in read_table(d / "summary2.csv")] == [str(d / "w1.csv"), str(d / "w2.csv")]
    # recursive, the steps tables written inside the tree: twice, the second run finds them there
    for _ in range(2):
        assert main(["batch", str(d), "-r", "--out", str(tmp_path / "all.csv"), "--steps-dir", str(d / "steps")]) == 0
        rows = read_table(tmp_path / "all.csv")
        assert [r["status"] for r in rows] == ["ok", "ok"]
        assert [Path(r["recording"]).name for r in rows] == ["w1.csv", "w2.csv"]
    err = capsys.readouterr().err
    assert "2 steps tables" in err and "5 batch summary tables" not in err


def test_context_table_in_the_recordings_folder_is_not_a_recording_in_a_sub_folder(two_walks, tmp_path, capsys):
    """A clinic keeps its context table beside the sessions: the batch left it out (rightly) but the recount
    for the sub-folder note did not, so a folder with no sub-folder said '1 more recording(s) in sub-folders
    were not analysed: add --recursive' (clinic audit s38)."""
    d = two_walks
    (d / "context.csv").write_text("recording,belt_speed_kmh,subject\nw1.csv,4.0,P01\nw2.csv,4.0,P01\n")
    assert main(["batch", str(d), "--context-table", str(d / "context.csv"), "--out", str(tmp_path / "s.csv")]) == 0
    err = capsys.readouterr().err
    assert "2 of 2 recordings analysed" in err and "sub-folders" not in err, err
    assert [r["subject"] for r in read_table(tmp_path / "s.csv")] == ["P01", "P01"]


def test_a_table_named_explicitly_is_left_out_with_a_note(two_walks, tmp_path, capsys):
    d = two_walks
    assert main(["batch", str(d), "--out", str(d / "summary.csv"), "-q"]) == 0
    capsys.readouterr()
    assert main(["batch", str(d / "summary.csv"), str(d / "w1.csv"), "--out", str(tmp_path / "t.csv")]) == 0
    err = capsys.readouterr().err
    assert "1 of 1 recordings analysed" in err
    assert f"left out, not recordings: {d / 'summary.csv'} (imu_gait's batch summary table)" in err
    # only the table: no recording, said so (not 'no recordings found' and nothing else)
    assert main(["batch", str(d / "summary.csv"), "--out", str(tmp_path / "t.csv")]) == 2
    err = capsys.readouterr().err
    assert "no recordings found" in err and "summary.csv (imu_gait's batch summary table)" in err


def test_each_output_table_is_recognised_by_its_header(two_walks, tmp_path):
    """Every table imu_gait writes, as written (single and pooled), and not a recording."""
    from imu_gait.batch import output_table_kind

    d, out = two_walks, tmp_path / "out"
    out.mkdir()
    w1 = str(d / "w1.csv")
    assert main(["analyze", w1, "-q", "--steps-csv", str(out / "s.csv"), "--flags-csv", str(out / "f.csv"),
                 "--bouts-csv", str(out / "b.csv"), "--days-csv", str(out / "d.csv")]) == 0
    assert main(["batch", str(d), "-q", "--out", str(out / "sum.csv"), "--flags-csv", str(out / "pf.csv"),
                 "--bouts-csv", str(out / "pb.csv"), "--days-csv", str(out / "pd.txt")]) == 0
    assert main(["compare", w1, str(d / "w2.csv"), "--out", str(out / "cmp.csv")]) == 0
    ic = imu_gait.analyze(imu_gait.read(w1)).steps["time_s"]
    pd.DataFrame({"heel_strike_s": ic}).to_csv(out / "ref.csv", index=False)
    assert main(["score", w1, str(out / "ref.csv"), "--ref-col", "heel_strike_s", "-q",
                 "--events-csv", str(out / "ev.csv")]) == 0
    expected = {"s.csv": "steps table", "f.csv": "flags table", "b.csv": "bouts table", "d.csv": "days table",
                "sum.csv": "batch summary table", "pf.csv": "flags table", "pb.csv": "bouts table",
                "pd.txt": "days table", "cmp.csv": "compare table", "ev.csv": "score events table"}
    assert {name: output_table_kind(out / name) for name in expected} == expected
    assert output_table_kind(d / "w1.csv") is None and output_table_kind(DATASETS / "mobgap_HA001_walk1.csv") is None
    assert output_table_kind(out / "ref.csv") is None and output_table_kind(d) is None


def test_the_table_says_when_each_recording_started(tmp_path):
    """Sessions weeks apart: the table had no date, so a researcher could order them only by file name (weeks audit
    s36 F2). Truth: the native header's start_time, as the result's summary says it, in ``start_time_iso`` (right
    after ``error``); empty for a file that does not say when it started and for a file that could not be read."""
    rec, _ = synthesize_walk(30, seed=1)
    rec.meta["start_time"] = "2026-10-05T11:30:00+02:00"
    write_native(tmp_path / "week 5.csv", rec)
    _short_walk(tmp_path / "undated.csv", 2)
    (tmp_path / "z_empty.csv").write_text("time_s,acc_x,acc_y,acc_z\n")
    (tmp_path / "out").mkdir()
    run_batch([tmp_path], tmp_path / "out" / "s.csv")
    rows = {Path(r["recording"]).name: r for r in read_table(tmp_path / "out" / "s.csv")}
    assert list(next(iter(rows.values())))[:5] == ["recording", "status", "error", "start_time_iso", "duration_s"]
    assert rows["week 5.csv"]["start_time_iso"] == "2026-10-05T11:30:00+02:00"
    assert rows["undated.csv"]["status"] == "ok" and rows["undated.csv"]["start_time_iso"] == ""
    assert rows["z_empty.csv"]["status"] == "error" and rows["z_empty.csv"]["start_time_iso"] == ""


def test_recordings_with_the_same_data_are_said_to_be_copies(tmp_path, capsys):
    """A copy made while sorting a study's files was analysed as a recording of its own without a word, so pooled
    statistics counted that walk twice (weeks audit s36 F4). Truth: the two byte-identical files (not the third,
    nor an empty file beside another empty one) are named in a note, every row is still analysed, and the later
    copy's warnings name the first."""
    shutil.copy(DATASETS / "mobgap_HA001_walk1.csv", tmp_path / "walk.csv")
    shutil.copy(DATASETS / "mobgap_HA001_walk1.csv", tmp_path / "walk (copy).csv")
    shutil.copy(DATASETS / "mobgap_HA001_walk2.csv", tmp_path / "other.csv")
    (tmp_path / "empty1.csv").write_text("")
    (tmp_path / "empty2.csv").write_text("")
    out = tmp_path / "out"
    out.mkdir()
    main(["batch", str(tmp_path), "--out", str(out / "s.csv")])
    err = capsys.readouterr().err
    assert "1 group(s) of recordings hold the same data" in err
    assert f"{tmp_path / 'walk (copy).csv'} = {tmp_path / 'walk.csv'}" in err
    rows = {Path(r["recording"]).name: r for r in read_table(out / "s.csv")}
    assert [rows[n]["status"] for n in ("walk.csv", "walk (copy).csv", "other.csv")] == ["ok"] * 3
    assert rows["walk.csv"]["warnings"].startswith(f"the same data byte for byte as {tmp_path / 'walk (copy).csv'}")
    assert "same data" not in rows["walk (copy).csv"]["warnings"] + rows["other.csv"]["warnings"]
    assert "same data" not in rows["empty2.csv"]["warnings"]


def test_a_recursive_search_does_not_read_a_git_annex_store_as_recordings(tmp_path):
    """A git-annex / DataLad dataset keeps each recording under .git/annex/objects and links its name there:
    ``batch -r`` read both, the link and the object, so every walk came twice (fixpriv s43). The store is not
    searched; the link is the recording."""
    obj = tmp_path / "ds" / ".git" / "annex" / "objects" / "Xy" / "Zw" / "MD5E-s1--abc.csv"
    obj.parent.mkdir(parents=True)
    shutil.copy(DATASETS / "mobgap_HA001_walk1.csv", obj)
    (tmp_path / "ds" / "sub").mkdir()
    (tmp_path / "ds" / "sub" / "walk.csv").symlink_to(obj)
    (tmp_path / "ds" / ".datalad").mkdir()
    shutil.copy(DATASETS / "mobgap_HA001_walk1.csv", tmp_path / "ds" / ".datalad" / "x.csv")
    found = find_recordings([tmp_path / "ds"], recursive=True)
    assert [str(p.relative_to(tmp_path / "ds")) for p in found] == ["sub/walk.csv"]
