"""Recordings and tables from someone else (a patient's e-mail, a downloaded dataset, a shared folder): what a
hostile or just odd file can do to the memory, the terminal and the spreadsheet that opens the tables written.
Each test builds the real file (a real zip, a real CSV from datasets/) and runs the real command."""
from __future__ import annotations

import contextlib
import csv
import html.parser
import os
import shutil
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest

import imu_gait
from imu_gait.batch import find_recordings
from imu_gait.cli import main
from imu_gait.errors import RecordingError
from imu_gait.io._common import ZIP_BOMB_MIN_BYTES, ZIP_MAX_RATIO

DATA = Path(__file__).resolve().parents[1] / "datasets"
WALK = DATA / "mobgap_HA001_walk1.csv"

PHYPHOX_HEADER = b'"Time (s)","Acceleration x (m/s^2)","Acceleration y (m/s^2)","Acceleration z (m/s^2)"\n'
SENSORLOGGER_HEADER = b"time,seconds_elapsed,z,y,x\n"


def _phyphox_rows() -> bytes:
    """The real walk as phyphox 'Acceleration with g' rows (time and the three acc columns)."""
    rows = [line.split(",")[:4] for line in WALK.read_text().splitlines() if line[:1].isdigit()]
    return "".join(",".join(r) + "\n" for r in rows).encode()


@pytest.mark.parametrize("member,header", [("Accelerometer.csv", PHYPHOX_HEADER),
                                           ("TotalAcceleration.csv", SENSORLOGGER_HEADER)])
def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path, member, header):
    """A 100 KB zip whose one member unpacks to 80 MiB (a zip bomb's ratio, ~1000:1) is refused with a message
    naming the member, having read a few hundred bytes of it. Before: the member was inflated whole, twice
    (once to look at its first 400 bytes): a 12 MB zip holding 2 GiB ended in a MemoryError traceback under a
    3 GB memory limit. Real sensor CSVs pack at most 6.2:1 (77 files in /work/shared), the limit is 100:1."""
    path = tmp_path / "export.zip"
    size = ZIP_BOMB_MIN_BYTES + 16 * 2**20
    block = b"1.0,0.1,9.8,0.2\n" * 65536
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open(member, "w", force_zip64=True) as fh:
            fh.write(header)
            for _ in range(size // len(block)):
                fh.write(block)
    info = zipfile.ZipFile(path).getinfo(member)
    assert info.file_size > ZIP_MAX_RATIO * info.compress_size and info.file_size > ZIP_BOMB_MIN_BYTES

    tracemalloc.start()
    try:
        with pytest.raises(RecordingError, match=rf"{member}.* would unpack to 80 MiB") as err:
            imu_gait.read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(path) in str(err.value) and "unzip it yourself" in str(err.value)
    assert peak < 16 * 2**20, f"{peak / 2**20:.0f} MiB allocated to refuse the zip"


def test_a_real_export_zip_still_reads(tmp_path, monkeypatch):
    """The limit leaves real exports alone: the real walk zipped as a phyphox export reads in full. The size floor
    is lowered for the test (the walk is ~1 MB, far below 64 MiB), so the ratio rule itself is what must let a real
    CSV's packing (3–14:1) through."""
    import imu_gait.io._common as common
    monkeypatch.setattr(common, "ZIP_BOMB_MIN_BYTES", 64 * 2**10)
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("Accelerometer.csv", PHYPHOX_HEADER + _phyphox_rows())
    rec = imu_gait.read(path)
    assert len(rec.time_s) == len(_phyphox_rows().splitlines())


def test_a_zips_mimetype_member_is_looked_at_not_inflated(tmp_path):
    """Telling a workbook (.ods) from a sensor export reads a zip's 'mimetype' member: its first 200 bytes, not the
    whole member. Before, a 1.5 MB zip with a 1.5 GiB 'mimetype' ended `imu-gait analyze` in a MemoryError
    traceback before the zip-bomb guard ever saw it. Here an 80 MiB member: under 4 MiB allocated to look."""
    from imu_gait.io.detect import is_spreadsheet
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("mimetype", "w", force_zip64=True) as fh:
            for _ in range(80):
                fh.write(bytes(2**20))
        zf.writestr("Accelerometer.csv", PHYPHOX_HEADER + _phyphox_rows())
    tracemalloc.start()
    try:
        answer = is_spreadsheet(str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert answer is False
    assert peak < 4 * 2**20, f"{peak / 2**20:.0f} MiB allocated to look at 'mimetype'"


def test_analyze_dot_inside_an_export_folder(tmp_path, monkeypatch, capsys):
    """`imu-gait analyze .` inside an unzipped export: the folder is analysed and its marks are looked for
    beside it (walk.marks.csv for walk/). Before: ValueError "PosixPath('.') has an empty name" traceback
    from the marks sidecar's name."""
    folder = tmp_path / "walk"
    folder.mkdir()
    (folder / "Accelerometer.csv").write_bytes(PHYPHOX_HEADER + _phyphox_rows())
    (tmp_path / "walk.marks.csv").write_text("time,pain,note\n0:06,4,ache\n")
    monkeypatch.chdir(folder)
    assert main(["analyze", ".", "--json", str(tmp_path / "r.json")]) == 0
    import json
    marks = json.loads((tmp_path / "r.json").read_text())["marks"]
    assert [m["pain"] for m in marks] == [4]


ESC = "\x1b[2J\x1b]0;retitled\x07\x1b[31m"


def test_control_characters_from_a_file_do_not_reach_the_terminal(tmp_path, capsys):
    """A device field and a marks note holding ESC sequences (clear screen, set the window title), and a file
    name holding one: the summary and the error show '?' for each control character, never the sequence.
    Before: printed as they were (the summary's Source, Device and marks lines; the error's path)."""
    text = WALK.read_text().replace("# device: McRoberts MM+", f"# device: dev{ESC}end")
    path = tmp_path / "walk.csv"
    path.write_text(text)
    (tmp_path / "walk.marks.csv").write_text(f"time,pain,note\n0:06,4,note{ESC}end\n")
    assert main(["analyze", str(path), "--report", str(tmp_path / "r.html")]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "dev?[2J?]0;retitled" in out and "note?[2J?]0;retitled" in out

    assert main(["analyze", str(tmp_path / f"gone{ESC}.csv")]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "gone?[2J" in err


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.active: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key.startswith("on") or "javascript:" in (value or "").lower():
                self.active.append((tag, key, value))
        if tag in ("script", "img", "iframe", "object", "embed"):
            self.active.append((tag, "", None))


HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)></style><!-- javascript:alert(3)'


def test_the_report_escapes_every_text_from_the_input(tmp_path):
    """File name, device field and marks note holding markup: the report (analyze) and the compare page show
    them as text — no script, image or event handler comes out of the input. (Held before: a guard.)"""
    name = HOSTILE.replace("/", "_")
    path = tmp_path / f"{name}.csv"
    path.write_text(WALK.read_text().replace("# device: McRoberts MM+", f"# device: {HOSTILE}"))
    (tmp_path / f"{name}.marks.csv").write_text(f'time,pain,note\n0:06,4,"{HOSTILE.replace(chr(34), "")}"\n')
    other = tmp_path / "other.csv"
    shutil.copy(DATA / "mobgap_HA001_walk2.csv", other)
    assert main(["analyze", str(path), "--report", str(tmp_path / "r.html")]) == 0
    assert main(["compare", str(path), str(other), "--report", str(tmp_path / "c.html")]) == 0
    for page in ("r.html", "c.html"):
        text = (tmp_path / page).read_text()
        tags = _Tags()
        tags.feed(text)
        assert tags.active == [], page
        assert "&lt;script&gt;alert(1)" in text, page


def test_batch_tables_keep_formulas_from_the_input_from_running(tmp_path):
    """A context table's subject '=1+2', group '@SUM(A1)' and a recording named '=HYPERLINK(…).csv' are written
    with a leading ' in the summary and the pooled bouts table (Excel would run them as formulas); a number
    ('-3', '+1.5') and plain text stay as they were. Before: copied verbatim."""
    formula_name = '=HYPERLINK("http:__x","y").csv'
    shutil.copy(WALK, tmp_path / formula_name)
    shutil.copy(DATA / "mobgap_HA001_walk2.csv", tmp_path / "walk.csv")
    with open(tmp_path / "study.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["recording", "subject", "group", "visit", "dose"])
        w.writerow([formula_name, "=1+2", "@SUM(A1)", "-3", "+1.5"])
        w.writerow(["walk.csv", "S02", "-control", "2", "plain"])
    cwd = os.getcwd()
    os.chdir(tmp_path)       # the recording column is the path as given: a bare '=…' name
    try:
        assert main(["batch", "--context-table", "study.csv", "--out", "sum.csv", "--bouts-csv", "bouts.csv",
                     "-q"]) == 0
    finally:
        os.chdir(cwd)
    summary = list(csv.DictReader(open(tmp_path / "sum.csv", newline="")))
    bouts = list(csv.DictReader(open(tmp_path / "bouts.csv", newline="")))
    first = next(r for r in summary if "HYPERLINK" in r["recording"])
    assert first["recording"] == "'" + formula_name
    assert (first["subject"], first["group"], first["visit"], first["dose"]) == ("'=1+2", "'@SUM(A1)", "-3", "+1.5")
    second = next(r for r in summary if r["recording"].endswith("walk.csv"))
    assert (second["subject"], second["group"]) == ("S02", "'-control")
    assert {(b["subject"], b["group"]) for b in bouts} == {("'=1+2", "'@SUM(A1)"), ("S02", "'-control")}
    for row in summary + bouts:
        assert not any(str(v).startswith(("=", "@")) for v in row.values())


def test_a_bluetooth_name_is_made_safe_to_print():
    """Any peripheral in range can advertise any name: ESC sequences and bidi overrides become '?', and a name
    longer than a sensor's is cut. Before: passed to the live view, the logs and the recording's metadata."""
    from imu_gait.devices.link import MAX_NAME_CHARS, _advertised_name

    assert _advertised_name(f"GaitIMU-1a2b{ESC}") == "GaitIMU-1a2b?[2J?]0;retitled??[31m"
    assert _advertised_name("Polar H10 \u202eevil") == "Polar H10 ?evil"
    assert _advertised_name("Thingy") == "Thingy" and _advertised_name(None) is None
    assert len(_advertised_name("GaitIMU" + "x" * 500)) == MAX_NAME_CHARS + 1


def test_batch_and_compare_print_file_names_safely(tmp_path, capsys):
    """A shared folder with a file named with ESC sequences (one that is not a recording, so batch names it in a
    'failed:' line) and a walk named '=cmd…': batch's lines and compare's table show '?' for the controls, and
    the compare CSV's column for the walk does not start like a formula. Before: printed and written as they were."""
    folder = tmp_path / "shared"
    folder.mkdir()
    shutil.copy(WALK, folder / f"=cmd{ESC}.csv")
    (folder / f"junk{ESC}.csv").write_text("not a recording\n")
    assert main(["batch", str(folder), "--out", str(tmp_path / "sum.csv")]) == 1
    err = capsys.readouterr().err
    assert "failed: " in err and "junk?[2J" in err and "\x1b" not in err

    assert main(["compare", str(folder / f"=cmd{ESC}.csv"), str(DATA / "mobgap_HA001_walk2.csv"),
                 "--out", str(tmp_path / "cmp.csv")]) == 0
    out = capsys.readouterr().out
    assert "=cmd?[2J" in out and "\x1b" not in out
    header = next(csv.reader(open(tmp_path / "cmp.csv", newline="")))
    assert f"'=cmd{ESC}" in header and not any(h.startswith("=") for h in header)


@pytest.mark.parametrize("text,said", [("[" * 100_000 + "]" * 100_000, "nested too deeply"),
                                       ('{"summary": {"cadence_spm": NaN}}', "it holds NaN"),
                                       ('{"summary": {"sensor_height_m": Infinity}}', "it holds Infinity")])
def test_compare_refuses_a_json_no_imu_gait_result_is(tmp_path, capsys, text, said):
    """A result JSON 100,000 levels deep, or holding NaN / Infinity (an imu_gait result writes null): a clear
    error naming the file. Before: a RecursionError traceback; NaN and Infinity were compared ('inf m')."""
    bad = tmp_path / "week1.json"
    bad.write_text(text)
    assert main(["compare", str(bad), str(DATA / "mobgap_HA001_walk2.csv")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: cannot read it as an imu_gait result JSON ({said}" in err and "Traceback" not in err


def test_score_refuses_a_reference_json_nested_too_deeply(tmp_path, capsys):
    """A .ref.json 100,000 levels deep: a clear error. Before: a RecursionError traceback."""
    ref = tmp_path / "walk.ref.json"
    ref.write_text("[" * 100_000 + "]" * 100_000)
    assert main(["score", str(WALK), str(ref)]) == 2
    assert "nested thousands of levels deep" in capsys.readouterr().err


def test_live_replay_shows_a_hostile_file_name_and_note_safely(tmp_path, capsys, monkeypatch):
    """`imu-gait live --replay` of a file whose name and marks note hold ESC sequences: the plain view's lines
    show '?' for them. Before: its first line (the source's name) and the mark's line cleared the screen."""
    path = tmp_path / f"walk{ESC}.csv"
    shutil.copy(WALK, path)
    (tmp_path / f"walk{ESC}.marks.csv").write_text(f"time,pain,note\n0:06,4,note{ESC}end\n")
    monkeypatch.chdir(tmp_path)          # (the replay records to ./recordings/)
    assert main(["live", "--replay", str(path), "--speed", "50"]) == 0
    out = capsys.readouterr()
    shown = out.out + out.err
    assert "\x1b" not in shown and "walk?[2J" in shown and "note?[2J" in shown


def test_the_rich_live_panel_passes_no_control_sequence_from_its_text():
    """The rich live panel (a terminal): a device name with ESC[2J in its title is drawn as '?[2J', rich's own
    colours stay. Before: rich passed the ESC through to the terminal."""
    import io

    from rich.console import Console
    from rich.panel import Panel
    from rich.text import Text

    from imu_gait.terminal_text import TerminalSafe

    buf = io.StringIO()
    Console(file=buf, force_terminal=True, color_system="standard", width=60).print(
        TerminalSafe(Panel(Text("cadence 110", style="bold"), title=f"imu-gait live · GaitIMU{ESC}")))
    text = buf.getvalue()
    assert "\x1b[2J" not in text and "\x1b]0;" not in text and "GaitIMU?[2J?]0;retitled" in text
    assert "\x1b[1m" in text          # rich's own bold is kept


@pytest.mark.parametrize("cell,written", [
    ("=1+2", "'=1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-HYPERLINK(\"http:__x\")", "'-HYPERLINK(\"http:__x\")"), ("\tx", "'\tx"),
    ("-3", "-3"), ("+1.5", "+1.5"), ("-1e-3", "-1e-3"),
    ("-", "-"), ("-/-", "-/-"), ("+/+", "+/+"), ("-1,5", "-1,5"), ("-00:05", "-00:05"), ("subject 7", "subject 7")])
def test_the_formula_guard_leaves_a_study_tables_ordinary_text_alone(cell, written):
    """What starts like a formula and can run something (a function, a link, a DDE call) gets its leading ';
    a study table's ordinary signed text — '-' for a missing value, '-/-', a decimal comma, a time offset —
    is written as it was (before: every cell starting with + or - that was not a number got a ')."""
    from imu_gait.batch import spreadsheet_safe
    assert spreadsheet_safe(cell) == written


# ---------------------------------------------------------------- session 40: crowded zips, links in and out
def _crowded_zip(path: Path, n_members: int, real_member: str | None = "Accelerometer.csv") -> None:
    """A zip of ``n_members`` one-byte members (plus, if named, the real walk as a phyphox member)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        if real_member:
            zf.writestr(real_member, PHYPHOX_HEADER + _phyphox_rows())
        for i in range(n_members - (1 if real_member else 0)):
            zf.writestr(f"x/{i:06d}.txt", b"x")


def test_a_zip_listing_too_many_members_is_refused_at_once(tmp_path, capsys):
    """A zip listing more than ZIP_MAX_MEMBERS members is refused from its end record, before zipfile parses its
    table of contents (~0.1 ms a member, parsed three times, and every name checked by each format): before,
    300 000 one-byte members kept a read busy for 26 s of CPU, and a zip of 1 001 members holding a real export
    was read. A 30 000-member zip (0.8 s before) must be refused in under 0.1 s of CPU."""
    import time

    from imu_gait.io._common import ZIP_MAX_MEMBERS
    crowded = tmp_path / "crowded.zip"
    _crowded_zip(crowded, ZIP_MAX_MEMBERS + 1)
    with pytest.raises(RecordingError) as err:
        imu_gait.read(crowded)
    said = str(err.value)
    assert str(crowded) in said and f"{ZIP_MAX_MEMBERS + 1:,} files" in said and "unzip it yourself" in said

    many = tmp_path / "many.zip"
    _crowded_zip(many, 30_000, real_member=None)
    start = time.process_time()
    with pytest.raises(RecordingError, match="lists 30,000 files"):
        imu_gait.read(many)
    assert time.process_time() - start < 0.1
    assert main(["analyze", str(many)]) == 2
    err_text = capsys.readouterr().err
    assert "Traceback" not in err_text and "30,000 files" in err_text and str(many) in err_text


def test_a_zip_whose_end_record_understates_its_members_is_still_refused(tmp_path):
    """zipfile walks the table of contents by its size in bytes, not by the count the end record states: a count
    forged down to 5 must not let 30 000 members through."""
    many = tmp_path / "forged.zip"
    _crowded_zip(many, 30_000, real_member=None)
    raw = bytearray(many.read_bytes())
    end = raw.rfind(b"PK\x05\x06")
    raw[end + 8:end + 12] = (5).to_bytes(2, "little") * 2         # members on this disk, and in all
    many.write_bytes(bytes(raw))
    with pytest.raises(RecordingError, match=r"MiB table of contents, room for far more files than the 1,000"):
        imu_gait.read(many)


def test_a_zip_of_as_many_members_as_allowed_still_reads(tmp_path):
    """The cap is on the count only: ZIP_MAX_MEMBERS members, one of them a real phyphox export, read in full."""
    from imu_gait.io._common import ZIP_MAX_MEMBERS
    path = tmp_path / "full.zip"
    _crowded_zip(path, ZIP_MAX_MEMBERS)
    assert len(imu_gait.read(path).time_s) == len(_phyphox_rows().splitlines())


def test_a_link_out_of_an_export_folder_is_refused_naming_it(tmp_path, capsys):
    """An export folder whose Accelerometer.csv is a link to a file outside it: before, the link was followed and
    the file outside read (a shared folder could make imu_gait read, and quote in its errors and reports, any file
    the user may read). Now it is refused, naming the link and where it leads; a link that stays inside the
    folder, and a folder that is itself a link, still read."""
    outside = tmp_path / "elsewhere" / "acc.csv"
    outside.parent.mkdir()
    outside.write_bytes(PHYPHOX_HEADER + _phyphox_rows())
    n_rows = len(_phyphox_rows().splitlines())
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "Accelerometer.csv").symlink_to(outside)
    with pytest.raises(RecordingError) as err:
        imu_gait.read(folder)
    said = str(err.value)
    assert "'Accelerometer.csv'" in said and str(outside) in said and "outside the folder" in said
    assert main(["analyze", str(folder)]) == 2
    err_text = capsys.readouterr().err
    assert "Traceback" not in err_text and "Accelerometer.csv" in err_text and "What to do" in err_text
    # the way out in plain words, not GNU cp's --remove-destination (not on macOS, nor on Windows)
    assert "--remove-destination" not in err_text and "delete the link" in err_text

    inside = tmp_path / "inside"
    (inside / "data").mkdir(parents=True)
    shutil.copy(outside, inside / "data" / "acc.dat")
    (inside / "Accelerometer.csv").symlink_to(Path("data") / "acc.dat")
    assert len(imu_gait.read(inside).time_s) == n_rows
    (tmp_path / "walk_link").symlink_to(inside, target_is_directory=True)
    assert len(imu_gait.read(tmp_path / "walk_link").time_s) == n_rows


def _precious(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A file outside the output folder, and a link to it at the output path ``name``."""
    target = tmp_path / "precious" / f"{name}.keep"
    target.parent.mkdir(exist_ok=True)
    target.write_text("do not overwrite\n")
    (tmp_path / "out").mkdir(exist_ok=True)
    link = tmp_path / "out" / name
    link.symlink_to(target)
    return target, link


def _replaced(target: Path, link: Path) -> None:
    assert target.read_text() == "do not overwrite\n", f"{target} was written through the link {link}"
    assert not link.is_symlink() and link.stat().st_size > 0, f"{link}: the output is not there"
    assert [p.name for p in link.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_outputs_replace_a_link_at_their_path_rather_than_write_through_it(tmp_path):
    """Before: every output (JSON, the CSV tables, the HTML report) followed a link at its path and overwrote the
    file it pointed to. Now each is written to a temporary file beside it and renamed over the link."""
    options = ("--json", "--steps-csv", "--flags-csv", "--bouts-csv", "--days-csv", "--timeline-csv", "--report")
    args, links = ["analyze", str(WALK), "--quiet"], []
    for opt in options:
        name = opt.strip("-").replace("-csv", ".csv").replace("json", "r.json").replace("report", "r.html")
        links.append(_precious(tmp_path, name))
        args += [opt, str(links[-1][1])]
    assert main(args) == 0
    for target, link in links:
        _replaced(target, link)
    import json
    assert json.loads((tmp_path / "out" / "r.json").read_text())["summary"]["n_steps"] > 0


@pytest.mark.skipif(not (os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK)), reason="needs /dev/shm")
def test_a_link_in_dev_shm_or_to_it_is_replaced_like_anywhere_else(tmp_path):
    """Every name under /dev was taken for a device or a stream and written straight, so a link in the shared
    folder /dev/shm (or a link to a file there) was written through (review s40 M1). Only the names of open files
    (/dev/stdout, /dev/fd/N, /proc/<pid>/fd/N) are; a link at /dev/shm/…/r.json is replaced, its target kept."""
    import shutil
    import tempfile

    from imu_gait._output_file import write_text_atomically
    shm = Path(tempfile.mkdtemp(prefix="imu_gait_shm_", dir="/dev/shm"))
    try:
        victim = tmp_path / "victim.txt"
        victim.write_text("KEEP ME\n")
        (shm / "r.json").symlink_to(victim)
        write_text_atomically(shm / "r.json", "new\n")
        assert victim.read_text() == "KEEP ME\n" and not (shm / "r.json").is_symlink()
        assert (shm / "r.json").read_text() == "new\n"
        shared = shm / "shared.txt"
        shared.write_text("KEEP ME\n")
        (tmp_path / "out.json").symlink_to(shared)
        write_text_atomically(tmp_path / "out.json", "new\n")
        assert shared.read_text() == "KEEP ME\n" and (tmp_path / "out.json").read_text() == "new\n"
    finally:
        shutil.rmtree(shm)


def test_batch_compare_marks_and_schedule_replace_a_link_too(tmp_path):
    from imu_gait.marks import Mark, write_marks
    from imu_gait.treadmill import TreadmillSchedule, write_schedule
    folder = tmp_path / "walks"
    folder.mkdir()
    shutil.copy(WALK, folder / "a.csv")
    summary, json_link = _precious(tmp_path, "summary.csv"), _precious(tmp_path, "a.json")
    assert main(["batch", str(folder), "--out", str(summary[1]), "--quiet"]) == 0
    _replaced(*summary)
    table, page = _precious(tmp_path, "cmp.csv"), _precious(tmp_path, "cmp.html")
    two = DATA / "mobgap_HA001_walk2.csv"
    assert main(["compare", str(WALK), str(two), "--out", str(table[1]), "--report", str(page[1])]) == 0
    _replaced(*table)
    _replaced(*page)
    res = imu_gait.analyze(imu_gait.read(WALK))
    res.write_json(json_link[1])
    _replaced(*json_link)
    for name, write in (("w.marks.csv", lambda p: write_marks(p, [Mark(elapsed_s=3.0, pain=4, note="ache")])),
                        ("w.treadmill.csv", lambda p: write_schedule(TreadmillSchedule.from_stages([(0.0, 1.2, 0.0)]), p)),
                        ("to.json", lambda p: res.to_json(p))):
        target, link = _precious(tmp_path, name)
        write(link)
        _replaced(target, link)


def test_the_live_recorder_replaces_a_link_and_still_writes_as_it_goes(tmp_path):
    """The live recording stays incremental (rows on disk while the walk goes on, so a crash loses at most the
    last second) but a link at its path is replaced, not written through."""
    import numpy as np

    from imu_gait.io.native import NativeCsvWriter
    target, link = _precious(tmp_path, "live.csv")
    w = NativeCsvWriter(link, has_gyro=False, autoflush_thread=False)
    w.write(np.arange(3) / 100.0, np.tile([0.0, 0.0, 9.81], (3, 1)), None)
    w.flush()
    assert len([l for l in link.read_text().splitlines() if l[:1].isdigit()]) == 3   # on disk before close
    w.close()
    _replaced(target, link)


def test_a_crash_while_writing_leaves_the_previous_output_whole(tmp_path, monkeypatch):
    """A run stopped midway (here: the JSON's steps fail to render after its first piece is written) leaves the
    previous file as it was, and no temporary file; before, the JSON was left cut off after its first piece."""
    res = imu_gait.analyze(imu_gait.read(WALK))
    path = tmp_path / "r.json"
    res.write_json(path)
    whole = path.read_bytes()

    def pieces(indent):
        yield "{\n"
        raise KeyboardInterrupt
    monkeypatch.setattr(type(res), "_json_pieces", lambda self, indent: pieces(indent))
    with pytest.raises(KeyboardInterrupt):
        res.write_json(path)
    assert path.read_bytes() == whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_outputs_to_a_pipe_are_written_into_it_not_replaced(tmp_path):
    """A device or pipe at the output path (`--json /dev/stdout`, a named pipe) cannot be renamed over: it is
    written into as before, and stays a pipe."""
    import stat
    import threading

    from imu_gait._output_file import write_text_atomically
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_text_atomically(fifo, "through the pipe\n")
    reader.join(10)
    assert got == [b"through the pipe\n"] and stat.S_ISFIFO(os.stat(fifo).st_mode)


# ---------------------------------------------------------------- outputs into open files, locked files, long names
REPO = Path(__file__).resolve().parents[1]
#: writes argv[2] with write_text_atomically (``text``) or records 3 rows with NativeCsvWriter (``record``)
_WRITE_TO = """
import sys
import numpy as np
from imu_gait._output_file import write_text_atomically
from imu_gait.io.native import NativeCsvWriter
if sys.argv[1] == "text":
    write_text_atomically(sys.argv[2], "through stdout\\n")
else:
    w = NativeCsvWriter(sys.argv[2], has_gyro=False, autoflush_thread=False)
    w.write(np.arange(3) / 100.0, np.tile([0.0, 0.0, 9.81], (3, 1)), None)
    w.close()
"""


def _run_with_stdout_to(out: Path, *args: str, user: int | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    with open(out, "w") as fh:
        return subprocess.run([sys.executable, *args], stdout=fh, stderr=subprocess.PIPE, text=True, env=env,
                              timeout=300, cwd=str(out.parent), **({} if user is None else
                                                                   {"user": user, "group": user, "extra_groups": []}))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc (Linux)")
def test_stdout_named_by_a_path_is_written_into_not_renamed_over(tmp_path):
    """`--json /dev/stdout > out.json`: /dev/stdout is a link (via /proc/self/fd/1) to out.json, a regular file,
    so the output was written beside the link and renamed over it: as root the system's /dev/stdout became a
    file holding the JSON and out.json stayed empty; /dev/fd/1 and /proc/self/fd/1 failed (No such file or
    directory). Tested with a link of our own to /proc/self/fd/1 (never the real /dev/stdout) and with /dev/fd/1
    and /proc/self/fd/1, stdout sent to a regular file: the text arrives there and the link stays a link."""
    link = tmp_path / "stdout_link"
    link.symlink_to("/proc/self/fd/1")
    names = [str(link), "/proc/self/fd/1"] + (["/dev/fd/1"] if os.path.isdir("/dev/fd") else [])
    for name in names:
        out = tmp_path / "captured.txt"
        done = _run_with_stdout_to(out, "-c", _WRITE_TO, "text", name)
        assert done.returncode == 0, (name, done.stderr)
        assert out.read_text() == "through stdout\n", name
        assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    # the live recorder too: the link is written into, not deleted and replaced by a file
    done = _run_with_stdout_to(out, "-c", _WRITE_TO, "record", str(link))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and len([r for r in out.read_text().splitlines() if r[:1].isdigit()]) == 3
    # and the command line: the whole JSON reaches the file the shell redirected stdout to
    done = _run_with_stdout_to(out, "-m", "imu_gait", "analyze", str(WALK), "--quiet", "--json", str(link))
    assert done.returncode == 0, done.stderr
    import json
    assert json.loads(out.read_text())["summary"]["n_steps"] > 0 and link.is_symlink()


def test_the_live_recorder_writes_into_a_link_to_a_pipe(tmp_path):
    """`--record link` where the link leads to a named pipe (streaming the recording to another program): before,
    the link was deleted and a regular file made in its place, so the program at the pipe got nothing."""
    import stat
    import threading

    import numpy as np

    from imu_gait.io.native import NativeCsvWriter
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "live.csv"
    link.symlink_to(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        w = NativeCsvWriter(link, has_gyro=False, autoflush_thread=False)
        w.write(np.arange(3) / 100.0, np.tile([0.0, 0.0, 9.81], (3, 1)), None)
        w.close()
        reader.join(10)
        assert link.is_symlink() and stat.S_ISFIFO(os.stat(link).st_mode)
        assert got and len([r for r in got[0].decode().splitlines() if r[:1].isdigit()]) == 3
    finally:
        if reader.is_alive():                 # (a reader still waiting: let it go)
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def test_a_recording_into_a_pipe_that_loses_its_gyro_goes_on_beside_it(tmp_path):
    """drop_gyro (the gyroscope stopped mid-walk) reads the recording back to rewrite it: into a named pipe that
    read waited for ever for a writer, and the live session's rows with it. Now the rewrite is declined at once,
    said in ``problem``, and the rows go on in the continuation file beside it."""
    import threading

    import numpy as np

    from imu_gait.io.native import NativeCsvWriter
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    w = NativeCsvWriter(fifo, has_gyro=True, autoflush_thread=False)
    w.write(np.arange(3) / 100.0, np.tile([0.0, 0.0, 9.81], (3, 1)), np.zeros((3, 3)))
    try:
        w.drop_gyro(wait=False)
        assert w.wait_rewrite(10), "the rewrite still waits on the pipe"
        w.write(np.arange(3, 5) / 100.0, np.tile([0.0, 0.0, 9.81], (2, 1)), None)
        w.close()
        reader.join(10)
        assert got and len([r for r in got[0].decode().splitlines() if r[:1].isdigit()]) == 3
        assert w.problem and "pipe" in w.problem and "pipe.acc-only" in w.problem
        # what the user can do: not 'imu-gait analyze <the pipe>' (it waits for a writer), but the reader's file
        # and the continuation (review s40 L4)
        assert f"imu-gait analyze {fifo}'" not in w.problem and "analyze <that file>" in w.problem, w.problem
        assert f"imu-gait analyze {tmp_path / 'pipe.acc-only'}'" in w.problem, w.problem
        cont = (tmp_path / "pipe.acc-only").read_text().splitlines()
        assert "time_s,acc_x,acc_y,acc_z" in cont and [r.split(",")[0] for r in cont if r[:1].isdigit()] == ["0.03", "0.04"]
    finally:
        if w.rewriting or reader.is_alive():   # (a thread still waiting at the pipe: let it go)
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_RDWR | os.O_NONBLOCK))


_LOCKED = """
import sys
from imu_gait._output_file import write_text_atomically
try:
    write_text_atomically(sys.argv[1], "replaced")
except PermissionError as exc:
    print("refused", exc.filename)
else:
    print("wrote")
"""


def test_a_read_only_output_file_is_refused_not_replaced(tmp_path):
    """A file the user made read-only (0444) to keep it: open(path, 'w') refused it, but the temporary file and
    rename of the atomic writes needed only the folder's permission and replaced it silently. Now refused again
    (PermissionError, file and mode kept, no temporary file). Root may write it, as before, so under root the
    check runs as the unprivileged user 65534 in a folder it may write."""
    import stat
    import tempfile
    folder = Path(tempfile.mkdtemp(prefix="imu_gait_ro_")) if os.geteuid() == 0 else tmp_path
    try:
        folder.chmod(0o777)
        locked = folder / "locked.csv"
        locked.write_text("KEEP ME\n")
        locked.chmod(0o444)
        if os.geteuid() == 0:
            # a checkout in a private home folder is out of that user's reach: then there is no one to test as
            can = _run_with_stdout_to(folder / "said.txt", "-c", "import imu_gait._output_file", user=65534)
            if can.returncode != 0:
                pytest.skip(f"user 65534 cannot import this checkout: {can.stderr.strip()[-200:]}")
            done = _run_with_stdout_to(folder / "said.txt", "-c", _LOCKED, str(locked), user=65534)
            assert done.returncode == 0, done.stderr
            said = (folder / "said.txt").read_text()
            assert said.strip() == f"refused {locked}", said
        else:
            from imu_gait._output_file import write_text_atomically
            with pytest.raises(PermissionError):
                write_text_atomically(locked, "replaced")
        assert locked.read_text() == "KEEP ME\n" and stat.S_IMODE(locked.stat().st_mode) == 0o444
        assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []
    finally:
        if folder != tmp_path:
            shutil.rmtree(folder)


def test_a_long_output_name_is_written(tmp_path, capsys):
    """The temporary file's name was the output's plus 14 characters, so a name the system takes (here 250 bytes,
    and 124 two-byte letters) failed with 'File name too long', in the CLI only after the whole analysis. A name
    the system would refuse is now refused before the analysis, saying so."""
    from imu_gait._output_file import write_text_atomically
    for name in ("a" * 245 + ".json", "é" * 124 + ".json"):
        write_text_atomically(tmp_path / name, "{}")
        assert (tmp_path / name).read_text() == "{}"
    assert main(["analyze", str(WALK), "--quiet", "--json", str(tmp_path / ("ü" * 124 + ".json"))]) == 0
    assert json_n_steps(tmp_path / ("ü" * 124 + ".json")) > 0
    too_long = tmp_path / ("b" * 252 + ".json")
    assert main(["analyze", str(WALK), "--quiet", "--json", str(too_long)]) == 2
    err = capsys.readouterr().err
    assert "File name too long" in err and "shorter name" in err and "Traceback" not in err


def json_n_steps(path: Path) -> int:
    import json
    return json.loads(path.read_text(encoding="utf-8"))["summary"]["n_steps"]


def test_outputs_are_written_byte_for_byte_on_every_platform(tmp_path):
    """The temporary file was opened without os.O_BINARY: on Windows its descriptor is in text mode, and the C
    library turned each \\n Python wrote into \\r\\n again (CRLF CSVs, \\r\\r\\n in JSON). Only Windows can fail
    this; elsewhere it holds the bytes the other platforms must match."""
    from imu_gait._output_file import atomic_text_file
    path = tmp_path / "t.csv"
    with atomic_text_file(path, newline="") as fh:
        fh.write("x,y\n1,2\n")
    assert path.read_bytes() == b"x,y\n1,2\n"


def test_batch_leaves_out_links_that_lead_out_of_the_folder(tmp_path, capsys):
    """A link inside the folder given to `batch`, pointing at a file or folder elsewhere (another patient's), was
    followed and that file read into the table. Now it is left out and named, with what to do; --follow-links
    reads it; a link that stays inside the folder, a git-annex / DataLad tree's links into its store, and a file
    named on the command line still read."""
    walk = DATA / "mobgap_HA001_walk1.csv"
    mine, other = tmp_path / "patient_a", tmp_path / "patient_b"
    mine.mkdir()
    (other / "sub").mkdir(parents=True)
    shutil.copy(walk, mine / "w1.csv")
    shutil.copy(walk, other / "secret.csv")
    shutil.copy(walk, other / "sub" / "deep.csv")
    (mine / "link_file.csv").symlink_to(other / "secret.csv")
    (mine / "link_dir").symlink_to(other / "sub", target_is_directory=True)
    (mine / "inside.csv").symlink_to("w1.csv")
    left: list = []
    found = find_recordings([mine], recursive=True, left_links=left)
    assert [p.name for p in found] == ["inside.csv", "w1.csv"]
    assert sorted(p.name for p, _ in left) == ["link_dir", "link_file.csv"]
    assert len(find_recordings([mine], recursive=True, follow_links=True)) == 4
    assert [p.name for p in find_recordings([mine / "link_file.csv"])] == ["link_file.csv"]

    out = tmp_path / "t.csv"
    assert main(["batch", str(mine), "-r", "--out", str(out)]) == 0
    said = capsys.readouterr().err
    assert "secret" not in out.read_text() and "deep" not in out.read_text()
    assert "link_file.csv" in said and "--follow-links" in said and "Traceback" not in said
    assert main(["batch", str(mine), "-r", "--follow-links", "--out", str(out), "-q"]) == 0
    assert "link_file.csv" in out.read_text() and "deep.csv" in out.read_text()

    # a DataLad / git-annex tree: links into the dataset's own store, above the folder given
    store = tmp_path / "ds" / ".git" / "annex" / "objects" / "Xy" / "Zw" / "KEY"
    store.mkdir(parents=True)
    shutil.copy(walk, store / "KEY")
    (tmp_path / "ds" / "sub-01").mkdir()
    (tmp_path / "ds" / "sub-01" / "walk.csv").symlink_to(store / "KEY")
    assert [p.name for p in find_recordings([tmp_path / "ds" / "sub-01"])] == ["walk.csv"]


def test_batch_leaves_out_a_link_to_another_datasets_annexed_recording(tmp_path, capsys):
    """Any link whose final target sat under `.git/annex/objects` counted as inside the folder given, whoever's
    annex it was: in a DataLad / git-annex study every recording is such a link, so patient A's folder holding
    a link to patient B's recording read B's walk into A's table. A link is now judged hop by hop: the hop to
    B's folder leaves A's, and an annex store counts as inside only when it is the folder's own dataset's."""
    walk = DATA / "mobgap_HA001_walk1.csv"
    study = tmp_path / "study"
    key = "MD5E-s1--abc.csv"
    for patient in ("patientA", "patientB"):            # two datasets, each with its recording annexed
        store = study / patient / ".git" / "annex" / "objects" / "Q1" / "w2" / key
        store.mkdir(parents=True)
        shutil.copy(walk, store / key)
        (study / patient / f"walk_{patient[-1]}.csv").symlink_to(f".git/annex/objects/Q1/w2/{key}/{key}")
    (study / "patientA" / "walk_B_link.csv").symlink_to("../patientB/walk_B.csv")
    # straight into B's store, skipping B's own link
    (study / "patientA" / "walk_B_obj.csv").symlink_to(f"../patientB/.git/annex/objects/Q1/w2/{key}/{key}")
    (study / "patientA" / "again.csv").symlink_to("walk_A.csv")     # A's own: two hops, both inside
    left: list = []
    found = find_recordings([study / "patientA"], left_links=left)
    assert [p.name for p in found] == ["again.csv", "walk_A.csv"]
    assert sorted(p.name for p, _ in left) == ["walk_B_link.csv", "walk_B_obj.csv"]
    # a sub-folder of a dataset still reads links into the dataset's store above it
    (study / "patientA" / "sub").mkdir()
    (study / "patientA" / "sub" / "up.csv").symlink_to(f"../.git/annex/objects/Q1/w2/{key}/{key}")
    assert [p.name for p in find_recordings([study / "patientA" / "sub"])] == ["up.csv"]
    assert len(find_recordings([study / "patientA"], follow_links=True)) == 4

    out = tmp_path / "t.csv"
    assert main(["batch", str(study / "patientA"), "--out", str(out)]) == 0
    said = capsys.readouterr().err
    assert "2 of 2 recordings analysed" in said and "walk_B_link.csv" in said and "--follow-links" in said
    assert "walk_B" not in out.read_text()


def test_a_dotdot_after_a_linked_folder_is_judged_where_the_system_goes(tmp_path):
    """'notes.csv -> shared/../walk.csv' with 'shared -> ../patientB/walks': the system follows the folder link
    before the '..' and opens patient B's walk; the hop-by-hop rule dropped 'shared/..' as text and read it as
    inside (review-C s43). And the other way round: a '..' after a folder link that stays inside reaches a file
    inside, which must still be read."""
    from imu_gait.batch import find_recordings, link_leaves

    (tmp_path / "patientB" / "walks").mkdir(parents=True)
    (tmp_path / "patientB" / "walk.csv").write_text("t,ax,ay,az\n0,0,0,9.8\n")
    top = tmp_path / "patientA"
    top.mkdir()
    (top / "shared").symlink_to("../patientB/walks")
    (top / "sneaky.csv").symlink_to("shared/../walk.csv")
    assert os.path.realpath(top / "sneaky.csv") == str((tmp_path / "patientB" / "walk.csv").resolve())
    assert link_leaves(top / "sneaky.csv", top) == (tmp_path / "patientB" / "walk.csv").resolve()
    left: list = []
    assert find_recordings([top], recursive=True, left_links=left) == []
    assert sorted(p.name for p, _ in left) == ["shared", "sneaky.csv"]
    # inside: top/raw/walk.csv reached as dl/../../raw/walk.csv with dl -> deep/d2 (the system: deep/d2/../../raw)
    (top / "raw").mkdir()
    (top / "raw" / "walk.csv").write_text("t,ax,ay,az\n0,0,0,9.8\n")
    (top / "deep" / "d2").mkdir(parents=True)
    (top / "dl").symlink_to("deep/d2")
    (top / "dotdot.csv").symlink_to("dl/../../raw/walk.csv")
    assert os.path.realpath(top / "dotdot.csv") == str((top / "raw" / "walk.csv").resolve())
    assert link_leaves(top / "dotdot.csv", top) is None
