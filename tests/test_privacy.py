"""What imu_gait's outputs give away about the person and the recording (README, 'What the outputs contain').

A GENEActiv header holds the subject's code (often a name), date of birth, the device serial and free-text
notes; a file's path holds the home folder's user name and often the patient's name in a folder. Reports are
handed to patients and colleagues, exports are published: these tests read every output byte.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from imu_gait.cli import main

DEMO = Path(__file__).parent / "data" / "gaitpy_demo" / "demo_data_30s.csv"

#: made-up identity written into the header; none may reach an output byte
SUBJECT = "Quixwort Zelda"
SERIAL = "SERIALQX77"
BIRTH = "1961-04-17"
NOTES = "Herniated disc Borgwhistle"
EXTRACT = "Zelda visit Borgwhistle"
STUDY = "StudyQXcode"
HEADER_SECRETS = (SUBJECT, SERIAL, BIRTH, NOTES, EXTRACT, STUDY, "Quixwort", "Borgwhistle")
#: the folder holding the file: the patient's name, as clinics file them
FOLDER = "Patient_Pimblewick_Ottoline"
#: the recording's wall clock (header 'Start Time' and the data rows' stamps), as written and as a Unix time
CLOCK_SECRETS = ("2019-08-06", "2019/08/06", "10:25:", "1565101")


def _identified_geneactiv(root: Path) -> Path:
    """The 30-s GaitPy GENEActiv demo, its header holding a made-up person, in a folder named after them."""
    text = DEMO.read_text(encoding="utf-8", errors="surrogateescape")
    for old, new in (("Device Unique Serial Code,046164", f"Device Unique Serial Code,{SERIAL}"),
                     ("Subject Code,20190806", f"Subject Code,{SUBJECT}"),
                     ("Date of Birth,1900-1-1", f"Date of Birth,{BIRTH}"),
                     ("Subject Notes,", f"Subject Notes,{NOTES}"),
                     ("Extract Notes,(device clock drift 0.019s)", f"Extract Notes,{EXTRACT}"),
                     ("Study Code,MattC", f"Study Code,{STUDY}")):
        assert old in text
        text = text.replace(old, new, 1)
    # a data row written twice: the reader's note about it names the file by its path
    row = next(line for line in text.splitlines(keepends=True) if line.startswith("2019-08-06 10:26:00:000,"))
    text = text.replace(row, row + row, 1)
    folder = root / FOLDER
    folder.mkdir()
    path = folder / "walk.csv"
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    return path


def _all_output_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _leaks(outputs: dict[str, bytes], secrets) -> list[tuple[str, str]]:
    return [(name, s) for name, data in outputs.items() for s in secrets if s.encode() in data]


def _analyze_everything(path: Path, out: Path, *extra: str) -> dict[str, bytes]:
    out.mkdir()
    assert main(["analyze", str(path), "-q", *extra, "--json", str(out / "r.json"),
                 "--steps-csv", str(out / "steps.csv"), "--flags-csv", str(out / "flags.csv"),
                 "--bouts-csv", str(out / "bouts.csv"), "--days-csv", str(out / "days.csv"),
                 "--timeline-csv", str(out / "timeline.csv"), "--report", str(out / "report.html"),
                 "--export-dir", str(out / "export")]) == 0
    return _all_output_bytes(out)


def test_header_identity_never_reaches_an_output(tmp_path):
    """Without any option: no GENEActiv header field that names the person (subject, birth date, notes, serial,
    study) is copied into the JSON, the CSV tables, the export or the HTML report."""
    path = _identified_geneactiv(tmp_path)
    outputs = _analyze_everything(path, tmp_path / "out")
    assert len(outputs) >= 12          # (every output was written: 7 files + the export's 5 tables)
    assert _leaks(outputs, HEADER_SECRETS) == []
    assert json.loads(outputs["r.json"])["summary"]["n_steps"] >= 10     # (a walk was analysed)


def test_report_names_the_file_not_its_folders(tmp_path):
    """The HTML report — the output handed to the walker — names the recording by its file name: the folders
    above it (a home folder's user name, the patient's name) are not in it, nor in its notes. Before: the
    absolute path was the page's subtitle and its 'Source' row."""
    path = _identified_geneactiv(tmp_path)
    out = tmp_path / "r.html"
    assert main(["analyze", str(path.resolve()), "-q", "--report", str(out)]) == 0
    page = out.read_bytes()
    assert FOLDER.encode() not in page and str(tmp_path).encode() not in page
    assert b"<td>walk.csv</td>" in page           # the Source row: the file name
    assert b"walk.csv: 1 of " in page              # the reader's note about the repeated row, by the file name


def test_anonymise_leaves_no_path_clock_or_identity_and_the_same_numbers(tmp_path):
    """analyze --anonymise: no output byte holds the folder, the file name, the wall-clock date or the header's
    identity; the recording is called 'recording' (or --pseudonym); every step's numbers are those of the plain
    run (the clock only named the day)."""
    path = _identified_geneactiv(tmp_path)
    plain = _analyze_everything(path.resolve(), tmp_path / "plain")
    assert _leaks(plain, CLOCK_SECRETS + (FOLDER,))          # (the plain run does carry them: the test can fail)
    assert any(FOLDER in w for w in json.loads(plain["r.json"])["warnings"])     # (the reader's note: its path)
    anon = _analyze_everything(path.resolve(), tmp_path / "anon", "--anonymise")
    assert _leaks(anon, (*HEADER_SECRETS, *CLOCK_SECRETS, FOLDER, str(tmp_path), "walk.csv")) == []
    doc, plain_doc = json.loads(anon["r.json"]), json.loads(plain["r.json"])
    s = doc["summary"]
    assert s["source"] == "recording"
    assert s.get("start_time_iso") is None and s.get("start_unix_s") is None and s["days"]["clock"] == "none"
    assert plain_doc["summary"]["start_time_iso"].startswith("2019-08-06T10:25")
    assert doc["steps"] == plain_doc["steps"]                 # bit for bit the same steps
    assert anon["steps.csv"] == plain["steps.csv"] and anon["flags.csv"] == plain["flags.csv"]
    steps = pd.read_csv(tmp_path / "anon" / "export" / "steps.csv")
    assert set(steps["recording"]) == {"recording"} and steps["time_iso"].isna().all()
    assert steps["time_unix_s"].isna().all()

    out = tmp_path / "p.json"
    assert main(["analyze", str(path), "-q", "--pseudonym", "P07", "--json", str(out)]) == 0
    assert json.loads(out.read_text())["summary"]["source"] == "P07"


def test_batch_anonymise_names_recordings_by_pseudonym(tmp_path):
    """batch --anonymise: every table, JSON and export names the recordings recording-001 … in the order of the
    plain table; a failed file's error names its pseudonym, not its path; no folder, clock or header identity."""
    (tmp_path / "in").mkdir()
    path = _identified_geneactiv(tmp_path / "in")
    (path.parent / "broken.csv").write_text("garbage\n1,2\n")
    def batch(out: Path, *extra: str) -> int:
        out.mkdir()
        return main(["batch", str((tmp_path / "in").resolve()), "-r", "-q", *extra, "--out", str(out / "summary.csv"),
                     "--json-dir", str(out / "json"), "--steps-dir", str(out / "steps"),
                     "--flags-csv", str(out / "flags.csv"), "--bouts-csv", str(out / "bouts.csv"),
                     "--days-csv", str(out / "days.csv"), "--export-dir", str(out / "export")])

    assert batch(tmp_path / "plain") == 1                # the broken file fails
    plain = pd.read_csv(tmp_path / "plain" / "summary.csv")
    assert _leaks(_all_output_bytes(tmp_path / "plain"), (FOLDER, "2019-08-06"))     # (the test can fail)
    out = tmp_path / "out"
    assert batch(out, "--anonymise") == 1
    outputs = _all_output_bytes(out)
    assert _leaks(outputs, (*HEADER_SECRETS, *CLOCK_SECRETS, FOLDER, "broken.csv", "walk.csv")) == []
    table = pd.read_csv(out / "summary.csv")
    assert list(table["recording"]) == ["recording-001", "recording-002"]
    assert list(table["status"]) == list(plain["status"]) == ["error", "ok"]      # broken.csv first, as plain
    assert table["error"][0].startswith("recording-001:")
    assert sorted(p.name for p in (out / "json").iterdir()) == ["recording-002.json"]
    assert table["n_steps"][1] == plain["n_steps"][1] and table["cadence_spm"][1] == plain["cadence_spm"][1]
    assert set(pd.read_csv(out / "export" / "steps.csv")["recording"]) == {"recording-002"}


@pytest.mark.parametrize("command", ["analyze", "batch", "live", "compare"])
def test_anonymise_is_documented(command, capsys):
    """Each command that writes outputs to share offers --anonymise in its help (live and compare had none)."""
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "--anonymise" in capsys.readouterr().out
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "--anonymise" in readme and "What the outputs contain" in readme


def test_an_empty_pseudonym_is_refused(tmp_path, capsys):
    """--pseudonym '' would have left every output named by the path without a word: refused, naming the option."""
    path = _identified_geneactiv(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(path), "-q", "--pseudonym", " ", "--json", str(tmp_path / "r.json")])
    assert exc.value.code == 2 and "--pseudonym: give a name" in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()


def test_batch_anonymise_scores_against_the_reference_without_naming_it(tmp_path):
    """batch --score-references --anonymise: the same scores as the plain run (the reference is matched on the
    file's own clock, which the anonymised analysis leaves out), and ref_file named after the pseudonym — the
    reference beside walk.csv is walk.ref.json, which names the recording too."""
    import shutil

    folder = tmp_path / FOLDER
    folder.mkdir()
    data = Path(__file__).parents[1] / "datasets"
    for name in ("mobgap_HA001_walk1.csv", "mobgap_HA001_walk1.ref.json"):
        shutil.copy(data / name, folder / name)
    tables = {}
    for key, extra in (("plain", []), ("anon", ["--anonymise"])):
        out = tmp_path / f"{key}.csv"
        assert main(["batch", str(folder), "-q", "--score-references", *extra, "--out", str(out)]) == 0
        tables[key] = (out.read_bytes(), pd.read_csv(out))
    assert b"mobgap_HA001" in tables["plain"][0]                  # (the test can fail)
    assert b"mobgap_HA001" not in tables["anon"][0] and FOLDER.encode() not in tables["anon"][0]
    plain, anon = tables["plain"][1], tables["anon"][1]
    assert anon["ref_file"][0] == "recording-001.ref.json" and anon["ref_status"][0] == "scored"
    for col in ("ref_n", "ref_matched", "ref_f1", "ref_median_abs_err_ms"):
        assert anon[col][0] == plain[col][0], col


def test_a_file_named_like_a_word_is_replaced_only_where_it_stands_whole(tmp_path, monkeypatch):
    """A file called ``walk`` (analyze walk --anonymise / --pseudonym P07): its name was replaced as plain text
    inside other words — 'enough steady recordinging', 'P07ing'. Truth: the notes of the anonymised run are those
    of the plain run (which name no path) word for word; the file's name standing whole in a sentence still goes."""
    from imu_gait.io.native import write_native
    from imu_gait.privacy import path_spellings, redact_text
    from imu_gait.synthetic import synthesize_walk

    rec, _ = synthesize_walk(20.0, seed=3)     # (short: its note says "Only 11 s of walking …")
    write_native(tmp_path / "walk", rec)
    monkeypatch.chdir(tmp_path)
    docs = {}
    for name, extra in (("plain", []), ("anon", ["--anonymise"]), ("p07", ["--pseudonym", "P07"])):
        assert main(["analyze", "walk", "-q", *extra, "--json", f"{name}.json"]) == 0
        docs[name] = json.loads((tmp_path / f"{name}.json").read_text())["summary"]
    notes = docs["plain"]["flag_notes"] + docs["plain"]["sensor_hints"]
    assert any("walking" in n for n in notes), notes          # (the test can fail: a word holding 'walk')
    for name in ("anon", "p07"):
        assert docs[name]["flag_notes"] + docs[name]["sensor_hints"] == notes, name
        # the engine's words that are the file's name as a whole stay (gait 'walk' read 'recording' / 'P07')
        assert docs[name]["gait"] == docs["plain"]["gait"] == "walk", name
        assert docs[name]["flags_not_judged"] == docs["plain"]["flags_not_judged"], name
        assert docs[name]["placement"] == docs["plain"]["placement"], name
    # the batch's row too (its gait column read 'recording-001'); its notes as the plain run's
    assert main(["batch", "walk", "-q", "--anonymise", "--out", "b.csv"]) == 0
    row = pd.read_csv(tmp_path / "b.csv").iloc[0]
    assert row["recording"] == "recording-001" and row["gait"] == "walk" and row["placement"] == docs["plain"][
        "placement"]
    assert row["flag_notes"] == " | ".join(docs["plain"]["flag_notes"]), row["flag_notes"]
    spellings = path_spellings(["walk"])
    assert redact_text("walk: 3 rows repeat; 'walk' and walk.csv, walking, sidewalk, walk-in", spellings,
                       "P07") == "P07: 3 rows repeat; 'P07' and P07.csv, walking, sidewalk, walk-in"
    assert redact_text(f"{spellings[0]}: bad row", spellings, "P07") == "P07: bad row"


# ------------------------------------------------------------------ live, compare, batch's key, plain-word names
#: a Bluetooth sensor's advertised name holds its serial; the emulated Polar H10's is 'Polar H10 SIM00001'
SENSOR_SERIAL = "A1B2C3D4"


def test_device_model_leaves_out_serials_and_addresses():
    """What --anonymise keeps of a sensor's name: its model (a Polar H10 is a chest strap, which the analysis of its
    recording goes by), not its serial, its address or a replayed file's name."""
    from imu_gait.privacy import device_model

    assert device_model(f"Polar H10 {SENSOR_SERIAL}") == "Polar H10"
    assert device_model("Polar Sense B5C6D7E8") == "Polar Sense"
    assert device_model("GaitIMU-1234") == "GaitIMU"
    assert device_model("AA:BB:CC:DD:EE:FF") == "unknown"           # no name advertised: the address
    assert device_model("0A1B2C3D-1111-2222-3333-444455556666") == "unknown"     # macOS's identifier
    assert device_model("replay:walk.csv") == "replay"


@pytest.mark.parametrize("name, address, model", [
    ("GaitIMU-SIM1", "AA:BB:CC:DD:EE:01", "GaitIMU"),
    ("GaitIMU-1234", "0A1B2C3D-1111-2222-3333-444455556666", "GaitIMU"),
    ("Movesense_174630000192", "0C:8C:DC:00:11:22", "Movesense"),
    ("AA:BB:CC:DD:EE:FF", "AA:BB:CC:DD:EE:FF", "unknown"),       # no name advertised: the stream is its address
    ("0A1B2C3D-1111-2222-3333-444455556666", "0A1B2C3D-1111-2222-3333-444455556666", "unknown"),
    (None, "AA:BB:CC:DD:EE:FF", None),                              # (no name at all yet: 'the sensor')
])
def test_live_anonymise_takes_a_one_word_sensor_name_or_address_out_of_every_line(name, address, model):
    """live --anonymise said 'connected to GaitIMU-SIM1' on the screen: a one-word sensor name (a hyphen or an
    underscore before its serial) or a macOS UUID address was taken out only where a one-word *file* name is —
    before ':' or an extension, in quotes. A sensor's names and addresses now go wherever they stand whole; a
    file called like a word still keeps that word elsewhere."""
    from types import SimpleNamespace

    from imu_gait.devices.live import LiveSession
    from imu_gait.privacy import redact_text, redact_value

    session = LiveSession(SimpleNamespace(name=name, address=address), anonymise=True)
    assert session.device == model
    told = [session.told(line.format(n=n)) for n in (name, address) if n
            for line in ("connected to {n} (gaitimu, MTU 247)", "no data from {n} for 4 s though it was still "
                         "connected", "lost {n}: reconnecting", "{n} sent 3 bad packets", "link to '{n}' lost")]
    told.append(session.told("BlueZ: /org/bluez/hci0/dev_" + address.replace(":", "_").lower() + " gone"))
    secrets = [s for s in (name, address) if s] + [address.lower(), address.replace(":", "_")]
    assert [t for t in told if any(s.lower() in t.lower() for s in secrets)] == [], told
    assert told[0] == f"connected to {model or 'the sensor'} (gaitimu, MTU 247)"
    doc = redact_value({"device": name or address, "warnings": [f"{address} went quiet"]},
                       [s for s in (name, address) if s], model or "the sensor", names=True)
    assert doc == {"device": model or "the sensor", "warnings": [f"{model or 'the sensor'} went quiet"]}
    # a file's one-word name is still replaced only where it names the file
    assert redact_text("sensor height not given; sensor: 3 rows repeat", ["sensor"], "recording") == \
        "sensor height not given; recording: 3 rows repeat"


def _identified_native(root: Path) -> Path:
    """A 60-s synthetic walk as a live session's recording: its header names the sensor with its serial and the
    start on the wall clock, in a folder named after the patient."""
    from imu_gait.io.native import write_native
    from imu_gait.synthetic import synthesize_walk

    rec, _ = synthesize_walk(60.0, seed=5)
    rec.meta.update(device=f"Polar H10 {SENSOR_SERIAL}", start_time="2019-08-06T10:25:00+02:00")
    folder = root / FOLDER
    folder.mkdir()
    path = folder / "walk.csv"
    write_native(path, rec)
    assert SENSOR_SERIAL in path.read_text() and "2019-08-06" in path.read_text()
    return path


def _data_rows(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]


def test_live_replay_anonymise_leaves_out_the_file_the_sensor_and_the_clock(tmp_path, capsys):
    """live --replay … --anonymise: the new recording, its JSON and HTML and the terminal hold neither the
    replayed file's folder or name, nor the sensor's serial, nor the wall-clock date; they are named 'recording'.
    The samples recorded and every step are those of the plain replay. Before: live had no --anonymise."""
    path = _identified_native(tmp_path)
    runs = {}
    for key, extra in (("plain", []), ("anon", ["--anonymise"])):
        out = tmp_path / key
        out.mkdir()
        assert main(["live", "--replay", str(path), "--speed", "0", "--view", "plain", "--no-keys", *extra,
                     "--record", str(out / "rec.csv")]) == 0
        captured = capsys.readouterr()
        runs[key] = (_all_output_bytes(out), captured.out, json.loads((out / "rec.json").read_text()))
    secrets = (FOLDER, "walk.csv", SENSOR_SERIAL, "2019-08-06", "10:25")
    plain_files, plain_out, plain_doc = runs["plain"]
    assert _leaks(plain_files, secrets)                     # (the plain replay does name them: the test can fail)
    files, out, doc = runs["anon"]
    assert len(files) == 3 and _leaks(files, secrets) == []
    assert [s for s in secrets if s in out] == []
    s = doc["summary"]
    assert s["source"] == "recording" and s["device"] == "replay" and s["days"]["clock"] == "none"
    assert s.get("start_time_iso") is None and s.get("start_utc") is None and "replay_of" not in s
    assert plain_doc["summary"]["start_time_iso"].startswith("2019-08-06T10:25")
    assert doc["steps"] == plain_doc["steps"] and doc["flags"] == plain_doc["flags"]
    assert _data_rows(tmp_path / "anon" / "rec.csv") == _data_rows(tmp_path / "plain" / "rec.csv")
    assert b"Started</th><td>left out (--anonymise)" in files["rec.html"] or b"left out (--anonymise)" in files["rec.html"]


def _have_bumble() -> bool:
    try:
        import bumble  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _have_bumble(), reason="bumble (test extra) not installed: no emulated radio")
def test_live_anonymise_over_the_emulated_radio_names_the_sensor_by_its_model(tmp_path, capsys):
    """live --simulate --sim-sensor polar_h10 --anonymise: the emulated strap advertises 'Polar H10 SIM00001'. The
    view, the default recording (recordings/recording.csv, not <time>_Polar-H10-SIM00001.csv), its JSON and HTML
    say 'Polar H10' and no serial; the recording's header has no start time and keeps what analysing it again needs
    (the model and the chest placement it implies). Before: 5 serials on the screen, 9 in the files."""
    import imu_gait

    folder = tmp_path / "recordings"
    assert main(["live", "--simulate", "--sim-sensor", "polar_h10", "--duration", "20", "--speed", "10", "--view",
                 "plain", "--no-keys", "--recordings-dir", str(folder), "--anonymise"]) == 0
    out = capsys.readouterr().out
    assert "connected to Polar H10 (" in out and "SIM00001" not in out
    files = _all_output_bytes(folder)
    assert sorted(files) == ["recording.csv", "recording.html", "recording.json"]
    assert _leaks(files, ("SIM00001", "start_utc: 2", "start_time: 2")) == []
    rec = imu_gait.read(str(folder / "recording.csv"))
    assert rec.meta["device"] == "Polar H10" and rec.meta["placement"] == "chest"
    s = json.loads(files["recording.json"])["summary"]
    assert s["device"] == "Polar H10" and s["source"] == "recording" and s.get("start_time_iso") is None


def _compare_plain_and_anonymised(walks, tmp_path, capsys):
    """``compare`` run on ``walks`` without and with --anonymise: {'plain'|'anon': (output files' bytes, captured)}."""
    runs = {}
    for key, extra in (("plain", []), ("anon", ["--anonymise"])):
        out = tmp_path / key
        out.mkdir()
        assert main(["compare", *walks, *extra, "--out", str(out / "c.csv"), "--report", str(out / "c.html")]) == 0
        runs[key] = (_all_output_bytes(out), capsys.readouterr())
    return runs


def test_compare_anonymise_names_walks_by_pseudonym_with_the_same_numbers(tmp_path, capsys):
    """compare --anonymise: the table and the page name the walks recording-001, recording-002 (in the order
    given) — not by their files, folders or dates; the console says which file each is; the numbers are the plain
    comparison's. Before: compare had no --anonymise (the page listed each walk's path and date)."""
    import shutil

    folder = tmp_path / FOLDER
    folder.mkdir()
    shutil.copy(DEMO, folder / "week1.csv")
    shutil.copy(Path(__file__).parents[1] / "datasets" / "mobgap_HA001_walk1.csv", folder / "week2.csv")
    walks = [str(folder / "week1.csv"), str(folder / "week2.csv")]
    runs = _compare_plain_and_anonymised(walks, tmp_path, capsys)
    secrets = (FOLDER, "week1", "week2", "2019-08-06")
    assert _leaks(runs["plain"][0], secrets)                 # (the test can fail)
    files, captured = runs["anon"]
    assert _leaks(files, secrets) == [] and [s for s in secrets if s in captured.out] == []
    assert f"recording-001 is {walks[0]}" in captured.err      # the key: on the console only
    plain_csv, anon_csv = runs["plain"][0]["c.csv"].decode(), files["c.csv"].decode()
    assert anon_csv.splitlines()[0].split(",")[4:6] == ["recording-001", "recording-002"]
    assert anon_csv.splitlines()[1:] == plain_csv.splitlines()[1:]      # the same numbers


def test_compare_anonymise_keeps_the_file_listing_order_warning_without_the_names(tmp_path, capsys):
    """compare week1 week10 week2 (undated walks, as a shell lists them) warns that the order looks like a file
    listing's; with --anonymise the walks were renamed recording-00n before the names were compared, so the
    warning was lost (the pseudonyms are in order). It is now worked out from the files' names and worded with
    the pseudonyms: on the screen and the page, and no file name in the page or the table."""
    folder = tmp_path / FOLDER
    folder.mkdir()
    text = (Path(__file__).parents[1] / "datasets" / "mobgap_HA001_walk1.csv").read_text()
    undated = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("# start_time"))
    walks = []
    for name in ("week1", "week10", "week2"):
        (folder / f"{name}.csv").write_text(undated)
        walks.append(str(folder / f"{name}.csv"))
    runs = _compare_plain_and_anonymised(walks, tmp_path, capsys)
    assert "file listing" in runs["plain"][1].out and b"file listing" in runs["plain"][0]["c.html"]
    files, captured = runs["anon"]
    assert "file listing" in captured.out and b"file listing" in files["c.html"]
    assert "recording-002 is numbered after that of recording-003" in captured.out
    secrets = (FOLDER, "week1", "week10", "week2")
    assert _leaks(files, secrets) == [] and [s for s in secrets if s in captured.out] == []


def test_batch_anonymise_says_which_input_failed_on_the_console_only(tmp_path, capsys):
    """batch --anonymise: a failed recording's console line names its input beside its pseudonym ('failed:
    recording-001' gave no way back to the file); the summary table still does not name it."""
    folder = tmp_path / FOLDER
    folder.mkdir()
    (folder / "broken.csv").write_text("garbage\n1,2\n")
    (folder / "other.csv").write_text("garbage\n3,4\n")
    out = tmp_path / "s.csv"
    assert main(["batch", str(folder), "--anonymise", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"failed: recording-001 (= {folder / 'broken.csv'}): " in err
    assert f"failed: recording-002 (= {folder / 'other.csv'}): " in err
    table = out.read_text()
    assert "broken" not in table and FOLDER not in table and "recording-001" in table


def test_a_file_named_like_a_word_keeps_that_word_in_every_note(tmp_path, monkeypatch):
    """A recording called 'sensor' (or 'treadmill'): under --anonymise its name was replaced wherever the word stood
    — 'recording height not given: … give the recording's height above the ground'. Now only where a note names
    the file: every warning and note is the plain run's, word for word."""
    from imu_gait.io.native import write_native
    from imu_gait.synthetic import synthesize_walk

    rec, _ = synthesize_walk(20.0, seed=3)
    monkeypatch.chdir(tmp_path)
    for word in ("sensor", "treadmill"):
        write_native(Path(word), rec)
        docs = {}
        for key, extra in (("plain", []), ("anon", ["--anonymise"])):
            assert main(["analyze", word, "-q", *extra, "--json", f"{word}.{key}.json"]) == 0
            docs[key] = json.loads(Path(f"{word}.{key}.json").read_text())
        plain, anon = docs["plain"], docs["anon"]
        assert any(f"{word} " in w for w in plain["warnings"]), word          # (the test can fail)
        assert anon["warnings"] == plain["warnings"], word
        assert anon["summary"]["flag_notes"] == plain["summary"]["flag_notes"], word
        assert anon["summary"]["source"] == "recording"


def _console_leaks(text: str, secrets, *, key_lines=()) -> list[str]:
    """Lines of ``text`` naming one of ``secrets``, the key lines (that start so) aside."""
    return [line for line in text.splitlines()
            if any(s in line for s in secrets) and not line.lstrip().startswith(tuple(key_lines))]


def test_batch_anonymise_progress_and_notes_name_recordings_by_pseudonym(tmp_path, capsys):
    """batch --anonymise without a terminal (a log): a progress line per recording said its path ('[1/6]
    …/Patient_Pimblewick_Ottoline/week1.csv') and the copies note named two files; now the pseudonyms. The only
    lines naming a file are the key ones ('failed: recording-00n (= path)'): none here. Before: 8 lines."""
    folder = tmp_path / FOLDER
    folder.mkdir()
    for k in range(1, 6):
        (folder / f"week{k}.csv").write_bytes(DEMO.read_bytes().replace(b"2019-08-06", b"2019-08-1%d" % k))
    (folder / "copy.csv").write_bytes((folder / "week1.csv").read_bytes())
    out = tmp_path / "s.csv"
    assert main(["batch", str(folder), "--anonymise", "--jobs", "1", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert [f"[{k}/6] recording-00{k}" for k in range(1, 7)] == [l for l in err.splitlines() if l.startswith("[")]
    assert "byte for byte (copies?), e.g. recording-001 = recording-002" in err
    assert _console_leaks(err, (FOLDER, *(f"week{k}" for k in range(1, 6)), "copy.csv")) == []


def test_batch_anonymise_notes_on_files_it_leaves_out_count_them_not_name_them(tmp_path, capsys):
    """batch --anonymise's end notes named files that are not its recordings (no pseudonym stands for them):
    a link it did not follow ('…/Patient_…/link.csv -> …/Jones_Other/walk.csv'), an earlier run's summary
    ('left out, not recordings: …/Patient_…/old_summary.csv') and a context-table row not under the paths given
    ('e.g. …/Jones_Other/w1.csv (line 4)'). Now counted (the table's row by its line). Before: 3 lines."""
    folder = tmp_path / FOLDER
    other = tmp_path / "Jones_Other"
    folder.mkdir()
    other.mkdir()
    for k in (1, 2):
        (folder / f"week{k}.csv").write_bytes(DEMO.read_bytes().replace(b"2019-08-06", b"2019-08-1%d" % k))
    (other / "w1.csv").write_bytes(DEMO.read_bytes())
    (folder / "link.csv").symlink_to(other / "w1.csv")
    assert main(["batch", str(folder), "--out", str(folder / "old_summary.csv"), "-q"]) == 0
    table = tmp_path / "study.csv"
    table.write_text(f"recording,subject\n{folder / 'week1.csv'},S01\n{folder / 'week2.csv'},S01\n"
                     f"{other / 'w1.csv'},S02\n")
    capsys.readouterr()
    assert main(["batch", str(folder), "--anonymise", "--jobs", "1", "--context-table", str(table),
                 "--out", str(tmp_path / "s.csv")]) == 0
    err = capsys.readouterr().err
    assert "2 of 2 recordings analysed" in err
    assert "left out 1 link(s) that lead out of the folder given (their names left out: --anonymise)" in err
    assert "left out 1 of imu_gait's own output tables, not recordings (1 batch summary table), their names " \
           "left out (--anonymise)" in err
    assert "1 recording(s) of the context table are not under the paths given and were not analysed, e.g. the " \
           "one on line 4" in err
    assert _console_leaks(err, (FOLDER, "Jones", "week1", "week2", "link.csv", "old_summary")) == []


def test_compare_anonymise_progress_names_walks_by_pseudonym(tmp_path, capsys):
    """compare --anonymise of 5 recordings (analysed, so a line says each as it starts): '[1/5] analysing
    …/week1.csv' named the file; now 'analysing recording-001'. The key lines ('recording-001 is …') stay, on
    the error stream only."""
    folder = tmp_path / FOLDER
    folder.mkdir()
    walks = []
    for k in range(1, 6):
        (folder / f"week{k}.csv").write_bytes(DEMO.read_bytes().replace(b"2019-08-06", b"2019-08-1%d" % (6 - k)))
        walks.append(str(folder / f"week{k}.csv"))
    assert main(["compare", *walks, "--anonymise"]) == 0
    captured = capsys.readouterr()
    assert [f"[{k}/5] analysing recording-00{k}" for k in range(1, 6)] == \
        [l for l in captured.err.splitlines() if l.startswith("[")]
    assert "oldest first" in captured.err and "recording-005 (2019-08-11" in captured.err
    weeks = tuple(f"week{k}" for k in range(1, 6))
    assert _console_leaks(captured.err, (FOLDER, *weeks), key_lines=("recording-00",)) == []
    assert [l for l in captured.err.splitlines() if " is " in l and FOLDER in l] == \
        [f"recording-00{k} is {w}" for k, w in enumerate(walks, 1)]
    assert _console_leaks(captured.out, (FOLDER, *weeks)) == []


def test_live_anonymise_view_does_not_show_the_record_path(tmp_path, capsys):
    """live --replay … --anonymise --record <folder named after the patient>/walk_live.csv: the view (standard
    output, which gets logged) said 'recording to …/Patient_Pimblewick_Ottoline/walk_live.csv'; it now says a
    file is recorded, and the files written are named at the end on the error stream only."""
    path = _identified_native(tmp_path)
    folder = tmp_path / "out" / FOLDER
    folder.mkdir(parents=True)
    assert main(["live", "--replay", str(path), "--speed", "0", "--view", "plain", "--no-keys", "--anonymise",
                 "--record", str(folder / "walk_live.csv")]) == 0
    captured = capsys.readouterr()
    assert "recording to a file (named at the end)" in captured.out
    assert _console_leaks(captured.out, (FOLDER, "walk_live", "walk.csv")) == []
    assert f"Wrote recording: {folder / 'walk_live.csv'}" in captured.err


def test_batch_anonymise_error_with_no_recordings_does_not_name_a_link_target(tmp_path, capsys):
    """A folder holding only a link out of it and an earlier summary: batch --anonymise stops with 'no recordings
    found', and that message named the link's target in another patient's folder ('…/link.csv ->
    …/Jones_Other/w1.csv') and the summary's name (review F L2, s44). Now counted, as in the end notes."""
    folder = tmp_path / FOLDER
    other = tmp_path / "Jones_Other"
    folder.mkdir()
    other.mkdir()
    (other / "w1.csv").write_bytes(DEMO.read_bytes())
    (folder / "link.csv").symlink_to(other / "w1.csv")
    assert main(["batch", str(folder), "--anonymise", "--out", str(tmp_path / "s.csv")]) != 0
    err = capsys.readouterr().err
    assert "no recordings found" in err and "1 link(s)" in err
    assert "Jones" not in err and "w1.csv" not in err, err
