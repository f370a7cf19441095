"""The research export (``--export-dir``): tidy CSV tables a researcher loads with pandas / R without the JSON.

Each table is read back with pandas and checked against the truth of a synthetic walk, or against the same
run's JSON and native CSVs for a bundled real recording, with the tolerance stated at each check.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import imu_gait
from imu_gait.cli import main
from imu_gait.io.native import write_native
from imu_gait.report.research_export import EXPORT_FILES, EXPORT_MARKER, MINUTE_COLUMNS, STEP_EXPORT_COLUMNS
from imu_gait.synthetic import synthesize_walk

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "datasets" / "mobgap_HA001_walk1.csv"
START_UNIX_S = 1_700_000_000.0          # 2023-11-14 22:13:20 UTC


def _read(folder: Path, name: str) -> pd.DataFrame:
    # keep_default_na=False + na_values=[""]: only an empty cell is missing (a 'nan' text would stay text and fail)
    return pd.read_csv(folder / name, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A 150-s synthetic walk (3 minutes: 2 whole, 1 part) at 110 steps/min, its file saying when it started."""
    rec, truth = synthesize_walk(150.0, seed=3, cadence_spm=110.0)
    rec.meta["start_unix_s"] = START_UNIX_S
    folder = tmp_path_factory.mktemp("synth")
    path = folder / "walk.csv"
    write_native(path, rec)
    out = folder / "export"
    assert main(["analyze", str(path), "-q", "--export-dir", str(out), "--height", "1.75"]) == 0
    return path, truth, out


def test_export_writes_five_tables_with_fixed_columns(synthetic):
    path, _, out = synthetic
    assert sorted(p.name for p in out.iterdir()) == sorted((*EXPORT_FILES, EXPORT_MARKER))
    steps, minutes = _read(out, "steps.csv"), _read(out, "minutes.csv")
    assert list(steps.columns) == list(STEP_EXPORT_COLUMNS)
    assert list(minutes.columns) == list(MINUTE_COLUMNS)
    for name in ("steps.csv", "minutes.csv", "bouts.csv", "settings.csv"):
        table = _read(out, name)
        assert table.columns[0] == "recording" and (table["recording"] == str(path)).all(), name


def test_steps_match_synthetic_truth_and_carry_wall_clock(synthetic):
    _, truth, out = synthetic
    steps = _read(out, "steps.csv")
    t = steps["time_s"].to_numpy()
    # every true contact inside the walk found within 60 ms (contacts at the walk's edges may be missed)
    inner = truth.ic_times_s[(truth.ic_times_s > truth.walk_start_s + 2) & (truth.ic_times_s < truth.walk_end_s - 2)]
    nearest = np.abs(t[None, :] - inner[:, None]).min(axis=1)
    assert (nearest < 0.06).mean() > 0.97, np.sort(nearest)[-5:]
    # wall clock: start_unix_s + time_s to the millisecond (rounding), and time_iso the same instant
    assert np.allclose(steps["time_unix_s"], START_UNIX_S + t, atol=0.0011)
    iso = pd.to_datetime(steps["time_iso"], utc=True, format="ISO8601")
    unix_from_iso = (iso - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds().to_numpy()
    assert np.abs(unix_from_iso - steps["time_unix_s"].to_numpy()).max() <= 0.0011
    assert steps["time_iso"].iloc[0].startswith("2023-11-14T22:13:")
    # side coded L / R (or empty: not known), matching the truth's side at the matched contact in ≥ 90 %
    assert set(steps["side"].dropna()) <= {"L", "R"}
    j = np.abs(truth.ic_times_s[None, :] - t[:, None]).argmin(axis=1)
    sided = steps["side"].notna().to_numpy()
    assert sided.mean() > 0.8 and (steps["side"].to_numpy()[sided] == truth.sides[j][sided]).mean() > 0.9
    assert list(steps["step"]) == list(range(len(steps)))


def test_minutes_count_the_steps_and_carry_the_cadence(synthetic):
    _, truth, out = synthetic
    steps, minutes = _read(out, "steps.csv"), _read(out, "minutes.csv")
    assert list(minutes["minute"]) == [0, 1, 2]            # 150 s: minutes 0, 1 and a half minute 2
    assert minutes["start_s"].tolist() == pytest.approx([0.0, 60.0, 120.0], abs=0.02)
    assert minutes["recorded_s"].tolist() == pytest.approx([60.0, 60.0, 30.0], abs=0.05)
    assert minutes["worn"].isna().all()                     # 2.5 min: too short to judge wear (60-min windows)
    assert minutes["end_s"].iloc[-1] == pytest.approx(150.0, abs=0.05)
    assert minutes["n_steps"].sum() == len(steps)           # every step in exactly one minute
    true_per_minute = np.bincount((truth.ic_times_s // 60).astype(int), minlength=3)[:3]
    assert np.abs(minutes["n_steps"].to_numpy() - true_per_minute).max() <= 3, (minutes["n_steps"], true_per_minute)
    assert (minutes["n_running_steps"] == 0).all() and (minutes["n_walking_steps"] == minutes["n_steps"]).all()
    # whole walking minute 1: median cadence within 1 spm of the truth's 110, step time within 5 ms of 60/110
    assert minutes["cadence_spm_median"].iloc[1] == pytest.approx(110.0, abs=1.0)
    assert minutes["step_time_s_median"].iloc[1] == pytest.approx(60 / 110, abs=0.005)
    assert minutes["start_unix_s"].tolist() == pytest.approx([START_UNIX_S + 60 * k for k in range(3)], abs=0.02)


def test_minutes_in_a_gap_say_not_recorded_not_zero_walking(tmp_path):
    """Two 4-min walks 2 minutes apart in one file: the minutes between have 0 steps and recorded_s 0 (no data) —
    before, a per-minute table could not tell them from minutes recorded without walking. Recorded seconds of a
    whole walking minute within 0.05 s of 60."""
    from imu_gait.recording import Recording
    a, truth_a = synthesize_walk(240.0, seed=5, cadence_spm=100.0)
    b, truth_b = synthesize_walk(240.0, seed=6, cadence_spm=100.0)
    shift = 240.0 + 120.0
    rec = Recording(np.r_[a.time_s, b.time_s + shift], np.vstack([a.acc_mps2, b.acc_mps2]),
                    np.vstack([a.gyro_rads, b.gyro_rads]), meta={"placement": "lower_back"})
    path = tmp_path / "two_walks.csv"
    write_native(path, rec)
    out = tmp_path / "export"
    assert main(["analyze", str(path), "-q", "--export-dir", str(out)]) == 0
    minutes = _read(out, "minutes.csv").set_index("minute")
    assert list(minutes.index) == list(range(0, 10))       # 0 … 599.99 s: minutes 0-9, the gap's too
    gap = minutes.loc[4:5]                                  # 240-359 s: nothing recorded (239.99-360 s)
    assert (gap["recorded_s"] == 0).all() and (gap["n_steps"] == 0).all(), gap[["recorded_s", "n_steps"]]
    assert gap["worn"].isna().all()
    assert minutes.loc[0, "recorded_s"] == pytest.approx(60.0, abs=0.05)
    assert minutes.loc[[1, 2, 3, 6, 7, 8, 9], "recorded_s"].tolist() == pytest.approx([60.0] * 7, abs=0.05)
    true_n = len(truth_a.ic_times_s) + len(truth_b.ic_times_s)
    assert abs(minutes["n_steps"].sum() - true_n) <= 6


def test_settings_record_version_options_and_context(synthetic):
    _, _, out = synthetic
    settings = _read(out, "settings.csv").set_index("setting")["value"]
    assert settings["imu_gait_version"] == imu_gait.__version__
    assert "--height 1.75" in settings["options"]
    assert float(settings["body_height_m"]) == 1.75
    assert float(settings["start_unix_s"]) == START_UNIX_S
    assert settings["has_gyro"] == "true" and settings["placement"] == "lower_back"


def test_dictionary_describes_every_column_with_its_unit(synthetic):
    _, _, out = synthetic
    d = _read(out, "dictionary.csv")
    assert list(d.columns) == ["table", "column", "unit", "description"]
    for table, name in (("steps", "steps.csv"), ("minutes", "minutes.csv"), ("bouts", "bouts.csv"),
                        ("settings", "settings.csv")):
        assert d.loc[d["table"] == table, "column"].tolist() == list(_read(out, name).columns), table
    assert d["description"].notna().all()
    unit = d.set_index(["table", "column"])["unit"]
    assert unit["steps", "step_length_m"] == "m" and unit["steps", "cadence_spm"] == "steps/min"
    assert unit["minutes", "walking_speed_mps_median"] == "m/s" and unit["steps", "ground_contact_ms"] == "ms"
    assert unit["steps", "time_unix_s"] == "s since 1970-01-01 UTC"
    assert unit["bouts", "start_mmss"] == "m:ss" and unit["minutes", "recorded_s"] == "s"
    # every column says what it is in its own words (no "as the bouts CSV" pointer to elsewhere)
    assert not d["description"].str.contains("as the bouts CSV").any()
    assert d.groupby("table")["column"].apply(lambda c: c.is_unique).all()


def test_real_recording_export_matches_its_json_and_native_csvs(tmp_path):
    """mobgap HA001 walk 1 (the file gives its start with a UTC offset, +01:00): the export's steps are the
    JSON's steps (times to 0.1 ms, cadence to 0.005 spm: the CSV's rounding), its bouts the bouts CSV's rows."""
    out = tmp_path / "export"
    js, bouts = tmp_path / "r.json", tmp_path / "bouts.csv"
    assert main(["analyze", str(REAL), "-q", "--json", str(js), "--bouts-csv", str(bouts),
                 "--export-dir", str(out)]) == 0
    doc = json.loads(js.read_text())
    ref = pd.DataFrame(doc["steps"])
    steps = _read(out, "steps.csv")
    assert len(steps) == len(ref) == doc["summary"]["n_steps"]
    assert np.allclose(steps["time_s"], ref["time_s"], atol=5e-5)
    both = steps["cadence_spm"].notna()
    assert (both == ref["cadence_spm"].notna()).all()
    assert np.allclose(steps["cadence_spm"][both], ref["cadence_spm"][both], atol=0.005)
    assert steps["side"].fillna("").tolist() == [s or "" for s in ref["side"]]
    start = dt.datetime.fromisoformat(doc["summary"]["start_time_iso"])
    first = dt.datetime.fromisoformat(steps["time_iso"].iloc[0])
    assert abs((first - start).total_seconds() - steps["time_s"].iloc[0]) <= 0.0011
    assert first.utcoffset() == dt.timedelta(hours=1)
    native = pd.read_csv(bouts, keep_default_na=False, na_values=[""])
    exported = _read(out, "bouts.csv")
    assert exported.drop(columns="recording").equals(native)
    minutes = _read(out, "minutes.csv")
    assert minutes["n_steps"].sum() == len(steps) and len(minutes) == 1        # 12.45 s: one (part) minute


def test_batch_export_pools_recordings_joinable_on_recording(tmp_path, capsys):
    """Two recordings, one export: each table holds both, and steps join the batch summary on ``recording``."""
    other = REPO / "datasets" / "mobgap_HA002_walk1.csv"
    out, summary = tmp_path / "export", tmp_path / "summary.csv"
    assert main(["batch", str(REAL), str(other), "-q", "--out", str(summary), "--export-dir", str(out)]) == 0
    table = pd.read_csv(summary)
    steps = _read(out, "steps.csv")
    assert list(steps["recording"].unique()) == [str(REAL), str(other)]
    joined = steps.merge(table[["recording", "n_steps"]], on="recording", validate="many_to_one")
    assert (joined.groupby("recording").size() == joined.groupby("recording")["n_steps"].first()).all()
    settings = _read(out, "settings.csv")
    assert settings.groupby("recording").size().nunique() == 1          # the same settings for each recording
    # a later batch over the export folder does not take the export's tables for recordings
    capsys.readouterr()
    assert main(["batch", str(out), "-q", "--out", str(tmp_path / "again.csv")]) == 2
    err = capsys.readouterr().err
    assert "no recordings found" in err and "research export steps table" in err, err


def test_export_refuses_to_write_over_the_recording(tmp_path, capsys):
    """An export into the recording's own folder, the recording named steps.csv: refused before the analysis,
    the recording untouched."""
    rec, _ = synthesize_walk(20.0, seed=1)
    path = tmp_path / "steps.csv"
    write_native(path, rec)
    before = path.read_bytes()
    assert main(["analyze", str(path), "-q", "--export-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "would write steps.csv over" in err and "that is the recording itself" in err, err
    assert path.read_bytes() == before


def _short_walk(path: Path, seed: int, duration_s: float = 30.0) -> Path:
    rec, _ = synthesize_walk(duration_s, seed=seed, cadence_spm=105.0 + seed)
    rec.meta["start_unix_s"] = START_UNIX_S + 3600.0 * seed
    write_native(path, rec)
    return path


def test_batch_export_into_the_recordings_folder_never_drops_or_overwrites_a_recording(tmp_path, capsys):
    """Review s41 H2: ``batch data --export-dir data`` with a participant's recording named steps.csv left it out
    of the batch ('1 of 1 recordings analysed') and replaced it by the steps table. Now refused before any
    analysis, naming the file and what to do, the recording byte for byte as it was; an earlier export's own
    tables in that folder are still replaced, and never taken for recordings."""
    data = tmp_path / "data"
    data.mkdir()
    _short_walk(data / "walk.csv", 1)
    steps_recording = _short_walk(data / "steps.csv", 2)
    before = steps_recording.read_bytes()
    summary = tmp_path / "summary.csv"
    assert main(["batch", str(data), "-q", "--out", str(summary), "--export-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert f"would write steps.csv over {data / 'steps.csv'}" in err and "refusing to overwrite it" in err, err
    assert "What to do: give the export a folder of its own" in err, err
    assert steps_recording.read_bytes() == before and not summary.exists()
    # renamed, the same folder takes the export; a second run replaces its tables and analyses the 2 recordings
    steps_recording.rename(data / "walk2.csv")
    for run in range(2):
        assert main(["batch", str(data), "-q", "--out", str(summary), "--export-dir", str(data)]) == 0
        assert sorted(Path(r).name for r in pd.read_csv(summary)["recording"]) == ["walk.csv", "walk2.csv"], run
        steps = _read(data, "steps.csv")
        assert sorted(Path(r).name for r in steps["recording"].unique()) == ["walk.csv", "walk2.csv"], run
    # no chunk folder left behind: the one hidden file is the export's marker (its bouts table's SHA-256)
    assert [p.name for p in data.iterdir() if p.name.startswith(".")] == [".imu_gait-export"]


@pytest.mark.parametrize("name, holds", [("minutes.csv", "recording"), ("bouts.csv", "analyze --bouts-csv"),
                                         ("dictionary.csv", "the user's own notes")])
def test_analyze_export_refuses_a_file_of_an_export_name_it_did_not_write(tmp_path, capsys, name, holds):
    """Review s41 H2: ``analyze X --export-dir D`` replaced any D/minutes.csv, bouts.csv … — another recording,
    analyze's own bouts CSV (no ``recording`` column: not the export's pooled table), a user's file. Refused
    before the analysis, the file unchanged."""
    walk = _short_walk(tmp_path / "walk.csv", 1, 20.0)
    study = tmp_path / "study"
    study.mkdir()
    target = study / name
    if holds == "recording":
        _short_walk(target, 3, 20.0)
    elif holds == "analyze --bouts-csv":
        assert main(["analyze", str(walk), "-q", "--bouts-csv", str(target)]) == 0
    else:
        target.write_text("my own dictionary\n")
    before = target.read_bytes()
    capsys.readouterr()
    assert main(["analyze", str(walk), "-q", "--export-dir", str(study)]) == 2
    err = capsys.readouterr().err
    assert f"would write {name} over {target}" in err and "move " + name + " away" in err, err
    if holds == "analyze --bouts-csv":
        assert "imu_gait's bouts table, not the export's bouts table" in err, err
    assert target.read_bytes() == before
    assert sorted(p.name for p in study.iterdir()) == [name]
    # an earlier export in that folder is replaced: the same analysis twice gives the same tables
    target.unlink()
    assert main(["analyze", str(walk), "-q", "--export-dir", str(study)]) == 0
    first = {n: (study / n).read_bytes() for n in EXPORT_FILES}
    assert main(["analyze", str(walk), "-q", "--export-dir", str(study)]) == 0
    assert {n: (study / n).read_bytes() for n in EXPORT_FILES} == first


@pytest.mark.parametrize("jobs", [1, 2])
def test_batch_export_is_the_recordings_own_exports_in_input_order(tmp_path, jobs):
    """Review s41 L2: the batch writes each recording's rows as it is done (not all held to the end). The pooled
    tables are still exactly each recording's own export, header once, in the order the recordings were given —
    with 2 jobs too, where the long first recording finishes last."""
    from imu_gait.batch import run_batch

    files = [_short_walk(tmp_path / "a_long.csv", 1, 200.0), _short_walk(tmp_path / "b.csv", 2, 20.0),
             _short_walk(tmp_path / "c.csv", 3, 30.0)]
    out = tmp_path / "export"
    on_disk = []

    def progress(i, n, path):       # (one job: called as recording i starts, so recordings < i are done)
        if jobs == 1 and i == 2:
            spool = [p for p in out.iterdir() if p.name.startswith(".imu_gait-export-")]
            on_disk.extend(len(p.read_text().splitlines()) for p in sorted(spool[0].glob("*.steps.part")))
    rows = run_batch(files, tmp_path / "s.csv", jobs=jobs, export_dir=out, progress=progress)
    if jobs == 1:         # the two recordings done were on disk already, one chunk each, every step a line
        assert on_disk == [rows[0]["n_steps"], rows[1]["n_steps"]], on_disk
    assert [r["status"] for r in rows] == ["ok"] * 3 and all("_export" not in r for r in rows)
    for name in ("steps.csv", "minutes.csv", "bouts.csv", "settings.csv"):
        pooled = (out / name).read_text().splitlines()
        own = []
        for i, f in enumerate(files):
            single = tmp_path / f"single{i}"
            assert main(["analyze", str(f), "-q", "--export-dir", str(single)]) == 0
            lines = (single / name).read_text().splitlines()
            own += lines if i == 0 else lines[1:]
        assert pooled == own, name
    assert sorted(p.name for p in out.iterdir()) == sorted((*EXPORT_FILES, EXPORT_MARKER))        # no chunk folder left behind


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_during_a_batch_keeps_the_export_of_the_recordings_done(tmp_path, jobs):
    """Review s41 L1: Ctrl-C during a batch wrote the summary, flags, bouts and days tables for the recordings
    done so far, but no export at all. Now the export holds exactly the recordings the summary has as 'ok'."""
    from imu_gait.batch import run_batch

    files = [_short_walk(tmp_path / f"w{i}.csv", i, 20.0) for i in range(1, 6)]

    def progress(done, n, path):           # the user's Ctrl-C, arriving in the main process
        if done == 2:
            raise KeyboardInterrupt
    out, summary = tmp_path / "export", tmp_path / "s.csv"
    with pytest.raises(KeyboardInterrupt):
        run_batch(files, summary, jobs=jobs, progress=progress, export_dir=out)
    table = pd.read_csv(summary)
    done = list(table.loc[table["status"] == "ok", "recording"])
    assert len(done) >= 2 and "interrupted" in set(table["status"])
    if jobs == 1:
        assert done == [str(files[0]), str(files[1])]
    assert sorted(p.name for p in out.iterdir()) == sorted((*EXPORT_FILES, EXPORT_MARKER))        # no chunk folder left behind
    for name in ("steps.csv", "minutes.csv", "settings.csv"):
        assert list(_read(out, name)["recording"].unique()) == done, name
    steps = _read(out, "steps.csv")
    assert (steps.groupby("recording").size()
            == table.set_index("recording").loc[done, "n_steps"].astype(int)).all()


def test_iso_times_in_numpy_equal_the_datetime_loop():
    """Review s41 L3: the wall-clock column made one datetime per step (1.3 s per 300k steps). The numpy
    version gives the same text to the character: times at .0005 s (rounding), negative, not finite, and
    starts with and without a UTC offset, with microseconds."""
    from imu_gait.report.research_export import _iso_times, _iso_times_loop

    rng = np.random.default_rng(7)
    t = np.concatenate([rng.uniform(-5.0, 3e5, 20000), np.round(rng.uniform(0, 1e4, 5000), 3) + 0.0005,
                        np.arange(0.0, 10.0, 0.01), [np.nan, np.inf, -np.inf, 0.0, 0.0005, 0.0015]])
    for when in (dt.datetime(2023, 11, 14, 22, 13, 20),
                 dt.datetime.fromisoformat("2024-03-31T01:59:59.999500-05:30"),
                 dt.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.timezone.utc)):
        assert _iso_times(when, t) == _iso_times_loop(when, t), when
    assert _iso_times(None, t[:3]) == ["", "", ""]


def test_a_full_disk_under_the_export_still_writes_the_batch_summary(tmp_path, monkeypatch, capsys):
    """With the export written as recordings finish, a write error there (a full disk: injected, it cannot be
    made for real here) must not lose the batch: the summary is written with every row, the export is given up
    with a message naming its folder (exit 2), and no chunks are left behind."""
    import errno

    from imu_gait.report import research_export

    files = [_short_walk(tmp_path / f"w{i}.csv", i, 20.0) for i in (1, 2, 3)]
    calls = []
    real_add = research_export.ExportWriter.add

    def add_then_fill_the_disk(self, index, parts):
        calls.append(index)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_add(self, index, parts)
    monkeypatch.setattr(research_export.ExportWriter, "add", add_then_fill_the_disk)
    out, summary = tmp_path / "export", tmp_path / "s.csv"
    assert main(["batch", *map(str, files), "-q", "--out", str(summary), "--export-dir", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{out}: could not write the research export (No space left on device)" in err, err
    assert list(pd.read_csv(summary)["status"]) == ["ok"] * 3
    assert calls == [0, 1] and list(out.iterdir()) == []


@pytest.mark.parametrize("stop", ["before the rows are written", "after the rows are written"])
def test_ctrl_c_while_a_recording_is_written_to_the_export_keeps_it_once(tmp_path, monkeypatch, stop):
    """A Ctrl-C arriving while a done recording's rows go to disk (injected at either end of that write): the
    summary has it 'ok', so the export has it too — once, not lost and not twice."""
    from imu_gait.batch import run_batch
    from imu_gait.report import research_export

    files = [_short_walk(tmp_path / f"w{i}.csv", i, 20.0) for i in (1, 2, 3)]
    real_add = research_export.ExportWriter.add
    interrupted = []

    def add(self, index, parts):
        if index == 1 and not interrupted:
            interrupted.append(index)
            if stop.startswith("after"):
                real_add(self, index, parts)
            raise KeyboardInterrupt
        real_add(self, index, parts)
    monkeypatch.setattr(research_export.ExportWriter, "add", add)
    out, summary = tmp_path / "export", tmp_path / "s.csv"
    with pytest.raises(KeyboardInterrupt):
        run_batch(files, summary, export_dir=out)
    table = pd.read_csv(summary)
    assert list(table["status"]) == ["ok", "ok", "interrupted"]
    steps = _read(out, "steps.csv")
    assert list(steps["recording"].unique()) == [str(files[0]), str(files[1])]
    assert (steps.groupby("recording").size() == table.set_index("recording")["n_steps"].iloc[:2].astype(int)).all()


def test_a_second_ctrl_c_while_the_first_ones_tables_are_written_leaves_no_hidden_chunks(tmp_path, monkeypatch):
    """Ctrl-C during the 3rd recording, and again while the interrupt writes the summary (injected: the timing of
    two key presses cannot be placed otherwise): the hidden chunk folder with every done recording's rows was left
    in the export folder for good (review-2 s41 L1). Now the batch still ends with KeyboardInterrupt and the
    export folder holds no hidden folder."""
    from imu_gait import batch
    from imu_gait.report import research_export

    files = [_short_walk(tmp_path / f"w{i}.csv", i, 20.0) for i in (1, 2, 3)]
    real_add = research_export.ExportWriter.add

    def add(self, index, parts):
        real_add(self, index, parts)
        if index == 1:
            raise KeyboardInterrupt                     # the first press, as recording 2's rows are on disk

    def write_table(*args, **kwargs):
        raise KeyboardInterrupt                         # the second, while the summary is written
    monkeypatch.setattr(research_export.ExportWriter, "add", add)
    monkeypatch.setattr(batch, "write_table", write_table)
    out = tmp_path / "export"
    with pytest.raises(KeyboardInterrupt):
        batch.run_batch(files, tmp_path / "s.csv", export_dir=out, jobs=1)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_ctrl_c_then_a_full_disk_in_the_interrupts_export_ends_as_an_interrupt(tmp_path, monkeypatch):
    """Ctrl-C while recording 1's rows go to disk, then the disk is full when the interrupt writes what is left: the
    batch ended in 'AttributeError: NoneType has no attribute finish' (the write error had given the export up;
    review-2 s41 L2). Now it ends as the interrupt it was, with the summary written and no chunks left."""
    import errno

    from imu_gait.batch import run_batch
    from imu_gait.report import research_export

    files = [_short_walk(tmp_path / f"w{i}.csv", i, 20.0) for i in (1, 2)]
    calls = []

    def add(self, index, parts):
        calls.append(index)
        if len(calls) == 1:
            raise KeyboardInterrupt
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(research_export.ExportWriter, "add", add)
    out, summary = tmp_path / "export", tmp_path / "s.csv"
    with pytest.raises(KeyboardInterrupt):
        run_batch(files, summary, export_dir=out, jobs=1)
    assert list(pd.read_csv(summary)["status"]) == ["ok", "interrupted"]
    assert calls == [0, 0] and list(out.iterdir()) == []


def test_export_refuses_a_batchs_pooled_bouts_table_of_the_same_header(tmp_path, capsys):
    """Review-2 s41 L3: ``batch old/ --bouts-csv DIR/bouts.csv`` (no context table) writes the very header of the
    export's bouts table, so a later ``batch new/ --export-dir DIR`` replaced it with other recordings' bouts
    without a word. Now refused before any analysis, naming the file and what to do, the table byte for byte
    as it was; the export's own bouts table (known by its marker) is still replaced on a re-run."""
    old_walk = _short_walk(tmp_path / "old.csv", 1)
    new_walk = _short_walk(tmp_path / "new.csv", 2)
    study = tmp_path / "study"
    study.mkdir()
    pooled = study / "bouts.csv"
    assert main(["batch", str(old_walk), "-q", "--out", str(tmp_path / "s0.csv"), "--bouts-csv", str(pooled)]) == 0
    before = pooled.read_bytes()
    assert before.startswith(b"recording,walking_bout,")        # the export's bouts header: the clash
    capsys.readouterr()
    summary = tmp_path / "s1.csv"
    assert main(["batch", str(new_walk), "-q", "--out", str(summary), "--export-dir", str(study)]) == 2
    err = capsys.readouterr().err
    assert f"would write bouts.csv over {pooled}" in err and "not one this research export wrote" in err, err
    assert "move bouts.csv away" in err, err
    assert pooled.read_bytes() == before and not summary.exists()
    # a pooled table written over an export's own bouts table: its SHA-256 is not the one the marker holds
    pooled.rename(tmp_path / "kept_bouts.csv")
    assert main(["batch", str(new_walk), "-q", "--out", str(summary), "--export-dir", str(study)]) == 0
    assert (study / ".imu_gait-export").is_file()
    assert main(["batch", str(old_walk), "-q", "--out", str(tmp_path / "s0.csv"), "--bouts-csv", str(pooled)]) == 0
    capsys.readouterr()
    assert main(["batch", str(new_walk), "-q", "--out", str(summary), "--export-dir", str(study)]) == 2
    assert "not one this research export wrote" in capsys.readouterr().err
    assert pooled.read_bytes() == before
    # the export's own tables, and an export made before the marker (all five tables, no marker), are replaced
    pooled.unlink()
    for marker in ("kept", "removed"):
        assert main(["batch", str(new_walk), "-q", "--out", str(summary), "--export-dir", str(study)]) == 0, marker
        assert list(_read(study, "bouts.csv")["recording"].map(lambda r: Path(r).name).unique()) == ["new.csv"]
        (study / ".imu_gait-export").unlink()


def test_an_export_failure_at_the_end_still_says_how_the_batch_went(tmp_path, monkeypatch, capsys):
    """Review-2 s41 L5: the export failing as its tables are joined (a full disk: injected) raised out of
    run_batch, so the batch's closing lines — "N of M recordings analysed", each failed recording — were never
    said. Now they are, the export is said NOT written, then the error, and the exit code is still 2."""
    import errno

    from imu_gait.report import research_export

    files = [_short_walk(tmp_path / f"w{i}.csv", i, 20.0) for i in (1, 2)]
    bad = tmp_path / "broken.csv"
    bad.write_text("this is not a recording\n")

    def full_disk(self):
        self.discard()
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(research_export.ExportWriter, "finish", full_disk)
    out, summary = tmp_path / "export", tmp_path / "s.csv"
    assert main(["batch", *map(str, files), str(bad), "--out", str(summary), "--export-dir", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"2 of 3 recordings analysed; summary: {summary}; research export: NOT written" in err, err
    assert f"failed: {bad}" in err, err
    assert err.rstrip().splitlines()[-2].startswith(f"imu-gait: error: {out}: could not write the research export "
                                                    "(No space left on device)"), err
    assert list(pd.read_csv(summary)["status"]) == ["ok", "ok", "error"]
    assert list(out.iterdir()) == []
