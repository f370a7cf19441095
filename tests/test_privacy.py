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
