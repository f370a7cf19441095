"""The command on terminals and files that are not UTF-8 (encoding audit s38).

A Windows user who redirects the summary to a file (``imu-gait analyze walk.csv > summary.txt``:
stdout is then cp1252), a cp437 console, ``PYTHONIOENCODING=ascii`` or a ``LANG=C`` container:
the summary stopped at its first ≥ or — with a ``UnicodeEncodeError`` traceback (exit 1). These run
the real command in a fresh process with the encoding set, as the user's shell would.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from imu_gait.terminal_text import ascii_stand_in

ROOT = Path(__file__).resolve().parents[1]
WALK1 = ROOT / "datasets" / "mobgap_HA001_walk1.csv"
WALK2 = ROOT / "datasets" / "mobgap_HA001_walk2.csv"


def run_with(env_extra: dict[str, str], *args: str, cwd: Path) -> tuple[int, bytes, bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_CTYPE", "PYTHONIOENCODING",
                                                             "PYTHONUTF8")}
    env.update(PYTHONPATH=str(ROOT), COLUMNS="100", **env_extra)
    proc = subprocess.run([sys.executable, "-m", "imu_gait", *args], cwd=cwd, capture_output=True, env=env,
                          timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("encoding", ["ascii", "cp1252", "cp437"])
def test_summary_prints_whole_on_a_narrow_encoding(encoding, tmp_path):
    code, out, err = run_with({"PYTHONIOENCODING": encoding}, "analyze", str(WALK1), cwd=tmp_path)
    assert code == 0 and b"Traceback" not in err, err.decode(encoding, "replace")[-600:]
    text = out.decode(encoding)                      # strict: every byte is of the terminal's encoding
    # the whole summary, up to its closing disclaimer, not cut at the first character the encoding lacks
    assert "Key metrics" in text and "Cadence" in text and "This is not a diagnosis" in text
    # '≥ 120 s' (the baseline note): cp437 has '≥', the others do not
    assert ("≥ 120 s" if encoding == "cp437" else ">= 120 s") in text
    if encoding == "cp1252":                         # a character the encoding has is kept, not replaced
        assert "°" in text and "—" in text and "deg" not in text
    if encoding == "ascii":
        assert " deg" in text and "+/-0.2 m" in text


def test_compare_and_error_messages_on_a_narrow_encoding(tmp_path):
    code, out, err = run_with({"PYTHONIOENCODING": "cp437"}, "compare", str(WALK1), str(WALK2), cwd=tmp_path)
    assert code == 0 and b"Traceback" not in err
    assert "25th-75th percentile" in out.decode("cp437")     # '–' is not in cp437
    # an error message with an em dash reaches the user, not a second traceback about encoding it
    code, out, err = run_with({"PYTHONIOENCODING": "ascii"}, "analyze", str(WALK1), "--height", "172",
                              cwd=tmp_path)
    message = err.decode("ascii")
    assert code == 2 and "Traceback" not in message and "172 cm = 1.72 m" in message and "1-2.5 m" in message


def test_c_locale_keeps_a_non_ascii_file_name_as_typed(tmp_path):
    """LANG=C (no UTF-8 mode): Python reads the name 'Müller Gang.csv' from argv as escaped bytes; the
    summary writes those bytes back unchanged (as Python's own default does), the rest in ASCII."""
    walk = tmp_path / "Müller Gang.csv"
    walk.write_bytes(WALK1.read_bytes())
    code, out, err = run_with({"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}, "analyze", str(walk),
                              cwd=tmp_path)
    assert code == 0 and b"Traceback" not in err, err[-600:]
    assert "Müller Gang.csv".encode("utf-8") in out and b"This is not a diagnosis" in out
    assert b">= 120 s" in out


def test_stand_ins():
    assert ascii_stand_in("≥") == ">=" and ascii_stand_in("—") == "-" and ascii_stand_in("ü") == "u"
    assert ascii_stand_in("°") == " deg" and ascii_stand_in("°", "/") == "deg"      # '8.4 deg', 'deg/s'
    assert ascii_stand_in("─") == "-" and ascii_stand_in("│") == "|" and ascii_stand_in("步") == "?"


def test_live_treadmill_sidecar_is_utf8_whatever_the_locale(tmp_path):
    """The schedule a live treadmill walk leaves beside its recording names the recording in its first
    line; it was written in the locale's encoding (cp1252 on Windows: a walk recorded as '步行.csv' failed
    to save, 'Müller.csv' was saved in bytes its reader, UTF-8, refuses). LANG=C (ASCII) stands in for
    the Windows code page here: the same call, the same kind of failure."""
    code = ("import sys\n"
            "from imu_gait.treadmill import TreadmillSchedule, read_schedule, write_schedule\n"
            "s = TreadmillSchedule.from_stages([(0.0, 1.2, 0.0), (60.0, 1.4, 2.0)])\n"
            "p = write_schedule(s, sys.argv[1], note='recorded live with M\\u00fcller \\u6b65\\u884c.csv')\n"   # argv is ASCII in LANG=C
            "back = read_schedule(p)\n"
            "print(back.start_s.tolist(), back.belt_speed_mps.round(6).tolist(), back.incline_pct.tolist())\n")
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_CTYPE", "PYTHONUTF8")}
    env.update(PYTHONPATH=str(ROOT), LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONIOENCODING="utf-8")
    out = tmp_path / "walk.treadmill.csv"
    proc = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-800:]
    assert proc.stdout.split("\n")[0] == "[0.0, 60.0] [1.2, 1.4] [0.0, 2.0]"
    assert "Müller 步行.csv" in out.read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8"])
def test_column_names_typed_match_a_header_excel_saved_in_cp1252(encoding, tmp_path):
    """Excel's plain 'CSV' on a German Windows saves 'Beschl X (m/s²)' and 'Gyro X (°/s)' in cp1252; read as
    UTF-8 the header became 'm/s\ufffd' and the names the user typed matched no column ('no column named')."""
    import numpy as np
    import pandas as pd

    import imu_gait

    native = imu_gait.read(WALK1)
    frame = pd.read_csv(WALK1, comment="#")
    names = ["Zeit (s)", "Beschl X (m/s²)", "Beschl Y (m/s²)", "Beschl Z (m/s²)", "Gyro X (°/s)", "Gyro Y (°/s)",
             "Gyro Z (°/s)"]
    frame.columns = names
    path = tmp_path / f"Müller_Gang_{encoding}.csv"
    path.write_bytes(frame.to_csv(index=False, sep=";", decimal=",").encode(encoding))
    rec = imu_gait.read(path, format="generic", time_col="Zeit (s)", acc_cols=names[1:4], acc_unit="m/s2",
                        gyro_cols=names[4:], gyro_unit="rad/s")
    assert rec.n_samples == native.n_samples
    np.testing.assert_array_equal(rec.acc_mps2, native.acc_mps2)  # every sample, exactly
    np.testing.assert_array_equal(rec.gyro_rads, native.gyro_rads)


def test_live_output_closed_early_is_not_an_error(tmp_path):
    """`imu-gait live --replay walk.csv | head -1`: the reader goes away after the first line. rich met the closed
    pipe with SystemExit(1) at the summary, so the command exited 1 (analyze exits 0: cli.main's rule for a closed
    pipe); the walk's files are still written."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "imu_gait", "live", "--replay", str(WALK1), "--speed", "0",
                             "--no-keys", "--record", str(tmp_path / "walk.csv")], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()                                # as head -1 does
    err = proc.stderr.read()
    code = proc.wait(timeout=300)
    assert first.startswith(b"imu-gait live: replay:")
    assert code == 0 and b"Traceback" not in err, err[-600:]
    assert (tmp_path / "walk.json").stat().st_size > 1000 and (tmp_path / "walk.html").stat().st_size > 1000


def test_c_locale_non_ascii_name_into_report_and_batch_table(tmp_path):
    """LANG=C without UTF-8 mode: Python holds 'Müller Gang.csv' from argv as escaped bytes. Writing it into the
    UTF-8 HTML report failed midway (UnicodeEncodeError traceback, an empty report left behind), and batch's
    summary table likewise. The name is written back as the bytes it came as: UTF-8 'Müller'."""
    walk = tmp_path / "Müller Gang.csv"
    walk.write_bytes(WALK1.read_bytes())
    c_locale = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    code, out, err = run_with(c_locale, "analyze", str(walk), "-q", "--report", str(tmp_path / "r.html"), cwd=tmp_path)
    assert code == 0 and b"Traceback" not in err, err[-600:]
    assert "Müller Gang.csv" in (tmp_path / "r.html").read_text(encoding="utf-8")      # strict UTF-8
    code, out, err = run_with(c_locale, "batch", str(walk), "-q", "--out", str(tmp_path / "b.csv"), cwd=tmp_path)
    assert code == 0 and b"Traceback" not in err, err[-600:]
    assert "Müller Gang.csv" in (tmp_path / "b.csv").read_text(encoding="utf-8")


def _no_lone_surrogates(obj) -> bool:
    """Every text in a parsed JSON document is valid Unicode (json.loads turns '\\udcc3' into a lone surrogate)."""
    if isinstance(obj, dict):
        return all(_no_lone_surrogates(k) and _no_lone_surrogates(v) for k, v in obj.items())
    if isinstance(obj, list):
        return all(_no_lone_surrogates(v) for v in obj)
    if isinstance(obj, str):
        try:
            obj.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


def test_c_locale_non_ascii_name_into_json(tmp_path):
    """LANG=C without UTF-8 mode: the JSON held "source": "…/M\\udcc3\\udcbcller Gang.csv" (the escaped bytes of
    argv), which strict JSON parsers refuse and no reader shows as 'Müller'. Now the name itself, in the JSON
    file, in --json - and in score's JSON."""
    import json

    walk = tmp_path / "Müller Gang.csv"
    walk.write_bytes(WALK1.read_bytes())
    c_locale = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    code, out, err = run_with(c_locale, "analyze", str(walk), "-q", "--json", str(tmp_path / "j.json"), cwd=tmp_path)
    assert code == 0 and b"Traceback" not in err, err[-600:]
    raw = (tmp_path / "j.json").read_bytes()
    assert b"\\udc" not in raw.lower()
    doc = json.loads(raw.decode("utf-8"))
    assert doc["summary"]["source"] == str(walk) and _no_lone_surrogates(doc)
    code, out, err = run_with(c_locale, "analyze", str(walk), "--json", "-", cwd=tmp_path)
    assert code == 0 and b"\\udc" not in out.lower() and json.loads(out)["summary"]["source"] == str(walk)
    ref = tmp_path / "ref.csv"
    ref.write_text("time_s\n1.0\n2.0\n")
    code, out, err = run_with(c_locale, "score", str(walk), str(ref), "-q", "--json", "-", cwd=tmp_path)
    assert code == 0, err[-600:]
    assert b"\\udc" not in out.lower() and json.loads(out)["recording"] == str(walk)
