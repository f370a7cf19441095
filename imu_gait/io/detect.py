"""``read(path, **options)``: detect the format from names and headers, read, validate.

Known formats (auto-detected):

* native imu_gait CSV (``time_s,acc_x,acc_y,acc_z[,gyro_x,gyro_y,gyro_z]``);
* phyphox export (``Raw Data.csv``, multi-sensor ``Accelerometer.csv``/``Gyroscope.csv``,
  folder or zip);
* Sensor Logger export (``TotalAcceleration.csv`` or ``Accelerometer.csv`` + ``Gravity.csv``,
  optional ``Gyroscope.csv``; folder or zip);
* GENEActiv CSV;
* AndroSensor CSV (``;``-separated; refused below 50 Hz).

Anything else is read by the generic reader when options describe it (``time_col``,
``time_unit``, ``sample_rate_hz``, ``acc_cols``, ``acc_unit``, ``gyro_cols``, ``gyro_unit``,
``delimiter``, ``skiprows``, ``day_first``). Without options, a file that is plainly a table of samples — no header and
4 or 7 columns of numbers (time, acc[, gyro]), a header naming the time and acceleration columns, or a
line stating the rate over a header naming a sample counter and the acceleration columns
(:func:`~imu_gait.io.generic.plain_table_layout`) — is read by the generic reader's own rules, and its
first warning says what was taken for what, with the command that reads it so; any other unknown file
raises :class:`RecordingError` listing the formats and the options. ``format=`` forces a reader: native | phyphox | sensorlogger |
geneactiv | androsensor | generic. Every reader returns ``Recording.validated()``.
"""
from __future__ import annotations

import os
import shlex
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ArgumentError, RecordingError
from ..recording import Recording
from ._common import (Container, clean_os_errors, csv_lines, header_names, is_data_cell, os_error,
                      refuse_crowded_zip, refuse_utf16, sniff_delimiter, split_header)
from .generic import GENERIC_OPTIONS, PlainTable, guess_layout, plain_table_layout, read_generic
from .androsensor import looks_like_androsensor, read_androsensor
from .geneactiv import looks_like_geneactiv, read_geneactiv
from .native import NATIVE_UNIT_OPTIONS, native_meta, read_native, sniff_native
from .phyphox import is_phyphox, looks_like_phyphox_header, read_phyphox
from .sensorlogger import (is_sensorlogger, looks_like_sensorlogger_header, looks_like_worn_elsewhere_header,
                           read_sensorlogger)

#: the options an app export (folder or zip) takes: its columns' units, nothing else (the app names them)
APP_UNIT_OPTIONS = ("acc_unit", "gyro_unit")
#: options a known format's reader takes: the units its columns really hold, when a file says otherwise
READER_OPTIONS = {"native": NATIVE_UNIT_OPTIONS, "geneactiv": ("acc_unit",), "generic": GENERIC_OPTIONS,
                  # the app exports too: the unit guards advise "pass --acc-unit g" for them as for any file, and
                  # a Sensor Logger iOS export without standardised units really is in g (its CSVs state no unit)
                  "phyphox": APP_UNIT_OPTIONS, "sensorlogger": APP_UNIT_OPTIONS}

#: spreadsheet workbooks by name: phyphox offers "Excel" among its export formats, and a physiotherapist's
#: folder may hold sheets saved from Excel or LibreOffice — none is a table of text imu_gait can read
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SPREADSHEET_HINT = ("in phyphox choose Export data → CSV (Comma, decimal point); in Excel or LibreOffice save the "
                    "sheet as CSV (File → Save as → CSV); then analyse that file or zip")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"     # an old binary .xls (an OLE compound file)


def is_spreadsheet(path: str) -> bool:
    """An Excel or OpenDocument workbook, told by its content (an .xlsx is a zip holding xl/workbook.xml, an
    .ods one whose mimetype names a spreadsheet, an .xls an OLE file), or by its suffix when it is not text:
    a text table some logger names .xls is still read as the table it is."""
    if not os.path.isfile(path):
        return False
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
                if "xl/workbook.xml" in names:
                    return True
                if "mimetype" not in names:
                    return False
                with z.open("mimetype") as fh:      # its first bytes only: a member may inflate to gigabytes
                    return b"spreadsheet" in fh.read(200)
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except (OSError, zipfile.BadZipFile):
        return False
    if head.startswith(_OLE_MAGIC):
        return True
    return path.lower().endswith(SPREADSHEET_SUFFIXES) and b"\x00" in head


READERS = {
    "native": read_native,
    "phyphox": read_phyphox,
    "sensorlogger": read_sensorlogger,
    "geneactiv": read_geneactiv,
    "androsensor": read_androsensor,
    "generic": read_generic,
}

KNOWN_FORMATS_TEXT = (
    "imu_gait reads: the native CSV (header time_s,acc_x,acc_y,acc_z[,gyro_x,gyro_y,gyro_z]); phyphox "
    "exports (Raw Data.csv, Accelerometer.csv + Gyroscope.csv, folder or zip); Sensor Logger exports "
    "(TotalAcceleration.csv or Accelerometer.csv + Gravity.csv, optional Gyroscope.csv; folder or zip); "
    "GENEActiv CSV; AndroSensor CSV")
#: how to describe any other CSV — command-line options first, as PLAIN_TABLE_HINT and the unit hints of
#: imu_gait.recording put them: this reaches `imu-gait analyze` users as often as library callers, and a
#: keyword list first read as if the command line took "time_col=…"; the keywords follow for Python
OPTIONS_TEXT = (
    "for any other CSV describe it: --time-col NAME|INDEX|none, --time-unit s|ms|us|ns|datetime|samples, "
    "--sample-rate HZ (for a sample counter or no time column), --acc-cols X,Y,Z, --acc-unit m/s2|g|mg, "
    "--gyro-cols X,Y,Z, --gyro-unit rad/s|deg/s, --delimiter ';', --skiprows N, --day-first (dates like "
    "05/03/2024 are 5 March) (from Python: imu_gait.read(path, time_col=…, time_unit=…, sample_rate_hz=…, "
    "acc_cols=[x, y, z], acc_unit=…, gyro_cols=[x, y, z], gyro_unit=…, delimiter=…, skiprows=…, day_first=True))")
#: the same for a library caller only: read() given a keyword it does not take (the command line cannot)
KEYWORDS_TEXT = (
    "imu_gait.read takes, for any CSV: time_col=<name|index|none>, time_unit=s|ms|us|ns|datetime|samples, "
    "sample_rate_hz=HZ (for a sample counter or no time column), acc_cols=[x, y, z], acc_unit=m/s2|g|mg, "
    "gyro_cols=[x, y, z], gyro_unit=rad/s|deg/s, delimiter=',', skiprows=N, day_first=True|False (dates like "
    "05/03/2024: 5 March | 3 May); and format=<reader name>")


#: what to do when a file read as a plain table was read wrong
PLAIN_TABLE_HINT = ("if a column was taken for the wrong thing, say which is which: --time-col, --time-unit, "
                    "--sample-rate, --acc-cols, --acc-unit, --gyro-cols, --gyro-unit (from Python: time_col=…, "
                    "acc_cols=[…] …)")


def detect_format(path: str | os.PathLike) -> str | None:
    """Name of the reader for ``path`` ('native', 'phyphox', …) or None if unknown."""
    p = Path(path)
    if p.is_dir() or (p.is_file() and zipfile.is_zipfile(p)):
        with Container(p) as cont:
            if is_sensorlogger(cont):
                return "sensorlogger"
            if is_phyphox(cont):
                return "phyphox"
        return None
    try:
        with open(p, "rb") as fh:
            raw = fh.read(16384)
    except OSError as exc:
        raise os_error(exc, str(p)) from None
    if raw.startswith(b"PK\x03\x04"):
        # zip's local-header signature, yet zipfile found no central directory: cut off
        raise RecordingError("this is a damaged zip archive (its end is missing: a download or copy cut short?)",
                             path=str(p), hint="download or export it again; or unzip it with another tool and "
                                              "analyse the folder if that recovers the CSV files")
    refuse_utf16(raw, str(p))
    return _format_of_head(raw)


def _format_of_head(raw: bytes) -> str | None:
    """The single-file format whose first bytes these are (native, GENEActiv, …), or None."""
    head = raw.decode("utf-8", "replace").lstrip("\ufeff")
    if sniff_native(head):
        return "native"
    if looks_like_geneactiv(head):
        return "geneactiv"
    first = next((l for l in head.splitlines() if l.strip()), "")
    if looks_like_phyphox_header(first):
        return "phyphox"
    if looks_like_sensorlogger_header(first) or looks_like_worn_elsewhere_header(first):
        return "sensorlogger"
    if looks_like_androsensor(first):
        return "androsensor"
    return None


def _recordings_in_zip(path: str) -> list[str]:
    """Names of the CSV files in a zip archive that are single-file recordings (native, GENEActiv …)."""
    found = []
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                name = info.filename
                if info.is_dir() or not name.lower().endswith(".csv") or "__MACOSX" in name:
                    continue
                with zf.open(info) as fh:
                    if _format_of_head(fh.read(16384)) is not None:
                        found.append(name)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError):
        return []
    return found


def _format_or_none(path: str) -> str | None:
    try:
        return detect_format(path)
    except (RecordingError, OSError):
        return None


def _read_known_with_options(path: str, given: dict) -> Recording:
    """A single file read with reader options: a native or GENEActiv file keeps its own reader when the
    options only state units (its metadata — placement, sensor height — would be lost by the generic
    reader, and a GENEActiv row is no plain CSV row); other files are described by the options."""
    fmt = _format_or_none(path)
    units = {k: v for k, v in given.items() if k in READER_OPTIONS.get(fmt or "", ())}
    if fmt == "native":
        if len(units) == len(given):
            return read_native(path, **units)
        # columns described anew: the generic reader reads them, the metadata lines still count
        meta = {**native_meta(path), **(given.get("meta") or {})}
        return read_generic(path, **{**given, "meta": meta})
    if fmt == "geneactiv":
        if len(units) == len(given):
            return read_geneactiv(path, **units)
        raise RecordingError(
            f"this is a GENEActiv export, whose columns imu_gait knows: the options "
            f"{', '.join(k for k in given if k not in units)} do not apply", path=path,
            hint="drop them (only acc_unit / --acc-unit applies, when the header's Units line is wrong), or force "
                 "the generic reader with format='generic' (--format generic)")
    if fmt in ("phyphox", "sensorlogger") and units and len(units) == len(given):
        return READERS[fmt](path, **units)      # one CSV of an app export, its units stated
    return read_generic(path, **given)


def _read_export_with_options(path: str, given: dict) -> Recording:
    """A folder or zip read with reader options: a phyphox or Sensor Logger export takes unit options
    (:data:`APP_UNIT_OPTIONS`); any other option describes a single CSV's columns and is refused."""
    fmt = _format_or_none(path)
    extra = [k for k in given if k not in READER_OPTIONS.get(fmt or "", ())]
    if fmt in ("phyphox", "sensorlogger") and not extra:
        return READERS[fmt](path, **given)
    kind = "folder" if os.path.isdir(path) else "zip archive"
    if fmt in ("phyphox", "sensorlogger"):
        raise RecordingError(f"options {', '.join(extra)} describe a single CSV file's columns, but this is a "
                             f"{fmt} export ({kind}), whose columns imu_gait knows", path=path,
                             hint="drop them (only acc_unit / gyro_unit — --acc-unit, --gyro-unit — apply to an "
                                  "app export), or point to the CSV file inside")
    raise RecordingError(f"options {', '.join(given)} describe a single CSV file, but this is a {kind}", path=path,
                         hint="drop the options (phyphox and Sensor Logger exports are detected), or point "
                              "to the CSV file inside")


#: at most this many sensors are told apart by a text column of a long-format table
_MAX_SENSORS_IN_ROWS = 12
#: … its header is looked for in the file's first this many lines (of its first 16 kB, _head_text): below any lines
#: a logger writes above the header
_SENSORS_HEADER_MAX_LINE = 200
#: … each candidate header's delimiter is sniffed together with this many lines below it
_SENSORS_DELIMITER_SAMPLE_LINES = 10
#: … and a column is a sensor-name column only when it holds text (no number, no date or time) on every non-blank
#: one of this many lines under the header
_SENSORS_TEXT_ROWS = 50


def _refuse_interleaved_sensors(exc: RecordingError, path: str) -> None:
    """A time axis refused (stamps repeating, going back) in a table with a text column naming a few sensors
    ('sensor', 'device', 'loc_id': left_hip, left_ankle …): the rows of two or more sensors, one after the
    other or in turn. Say so, instead of blaming the time column (its unit, its coarseness, a clock reset), and
    how to analyse one. Runs only on that error path: the column is read then."""
    lines = [l for l in csv_lines(_head_text(path).lstrip("\ufeff"))][:_SENSORS_HEADER_MAX_LINE]
    for i, line in enumerate(lines):
        delim = sniff_delimiter(line, lines[i + 1:i + 1 + _SENSORS_DELIMITER_SAMPLE_LINES])
        cols = [c.strip() for c in header_names(line, delim)]
        if exc.column in cols:
            break
    else:
        return
    rows = [split_header(l, delim) for l in lines[i + 1:i + 1 + _SENSORS_TEXT_ROWS] if l.strip()]
    texts = [j for j, c in enumerate(cols) if c != exc.column and rows and
             all(len(r) > j and r[j].strip() and not is_data_cell(r[j].strip()) for r in rows)]
    ti = cols.index(exc.column)
    for j in texts:                       # (numbers and dates/times are no sensor's name)
        try:
            table = pd.read_csv(path, sep=delim, skiprows=i + 1, header=None, usecols=[ti, j], dtype=str,
                                encoding="utf-8-sig", on_bad_lines="skip")
        except (ValueError, OSError, pd.errors.ParserError):
            continue
        values = table[j].str.strip()
        counts = values.value_counts(sort=False)
        if not 2 <= len(counts) <= _MAX_SENSORS_IN_ROWS:
            continue
        # each sensor's own times must run forward (else the clash is the clock's, and a column of activity
        # labels is no list of sensors): told on numeric times only
        t = pd.to_numeric(table[ti], errors="coerce")
        if t.isna().any() or not all(np.all(np.diff(t[values == v].to_numpy()) > 0) for v in counts.index):
            continue
        shown = ", ".join(f"{v} ({n} rows)" for v, n in counts.items())
        first = str(counts.index[0])
        raise RecordingError(
            f"the rows of {len(counts)} sensors are mixed in one table: column {cols[j]!r} names {shown}; read as "
            f"one recording, their times clash ({exc.message})", path=path, line=exc.line, column=cols[j],
            hint=f"analyse one sensor at a time: keep the header and the rows whose {cols[j]!r} is one sensor "
                 f"(e.g. {first}) in a file of their own — a spreadsheet's filter, or in Python "
                 f"df[df[{cols[j]!r}] == {first!r}].to_csv(…) — and analyse that file") from None


@clean_os_errors
def read(path: str | os.PathLike, format: str | None = None, **options) -> Recording:
    """Read any supported recording into a validated :class:`Recording`.

    ``options`` are the generic reader's (see module doc); giving any of them reads the file
    with the generic reader, as described — except that a native, GENEActiv, phyphox or Sensor Logger file
    given only unit options (``acc_unit``, ``gyro_unit``) keeps its own reader and its metadata; a phyphox
    or Sensor Logger folder or zip takes those unit options only. ``format`` forces a reader.
    """
    try:
        return _read(path, format, **options)
    except RecordingError as exc:
        # a long-format table of two sensors fails on its time axis: say that instead (single CSV files only)
        if exc.column is not None and isinstance(path, (str, os.PathLike)) and os.path.isfile(path) and \
                not zipfile.is_zipfile(path):
            _refuse_interleaved_sensors(exc, str(path))
        raise


def _read(path: str | os.PathLike, format: str | None = None, **options) -> Recording:
    """:func:`read` (documented there) without its wrapping: streams not refused, OS errors raw, time errors unreworded."""
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        # an open file or a table is not 'no such file': say what read() takes
        name = getattr(path, "name", None)
        hint = (f"pass its name: imu_gait.read({name!r})" if isinstance(name, str)
                else "for arrays or a DataFrame build one: imu_gait.Recording(time_s, acc_mps2, gyro_rads) — s, m/s² "
                     "with gravity, rad/s")
        raise ArgumentError(f"read() takes a path (str or os.PathLike), not {type(path).__name__}\n  What to do: {hint}")
    path = str(path)
    if not os.path.exists(path):
        raise RecordingError("no such file or folder", path=path, hint="check the path and its spelling")
    if os.path.isfile(path) and zipfile.is_zipfile(path):
        refuse_crowded_zip(path)                 # before anything parses a table of contents of 300 000 members
    if is_spreadsheet(path):
        # before any reader: the zip or binary inside would otherwise be reported as an unknown archive
        raise RecordingError("this is a spreadsheet workbook (Excel / LibreOffice), not a CSV recording", path=path,
                             hint=SPREADSHEET_HINT)
    for key in ("acc_cols", "gyro_cols"):
        if isinstance(options.get(key), str) and "," in options[key]:   # 'ax,ay,az' as on the command line
            options[key] = [c.strip() for c in options[key].split(",") if c.strip()]
    unknown = sorted(set(options) - set(GENERIC_OPTIONS) - {"meta"})
    if unknown:
        raise RecordingError(f"unknown reader option(s): {', '.join(unknown)}", path=path, hint=KEYWORDS_TEXT)
    given = {k: v for k, v in options.items() if v is not None}
    if format is not None:
        fmt = format.strip().lower().replace(" ", "").replace("_", "")
        if fmt not in READERS:
            raise RecordingError(f"unknown format {format!r}", path=path,
                                 hint=f"use one of: {', '.join(READERS)}")
        extra = [k for k in given if k not in READER_OPTIONS.get(fmt, ()) and k != "meta"]
        if extra:
            allowed = READER_OPTIONS.get(fmt, ())
            raise RecordingError(f"options {', '.join(extra)} apply to the generic reader, not {fmt}", path=path,
                                 hint="drop the options" + (f" ({fmt} takes only {', '.join(allowed)})" if allowed else "")
                                      + ", or use format='generic'")
        if fmt == "generic":
            return read_generic(path, **given)
        return READERS[fmt](path, **{k: v for k, v in given.items() if k != "meta"})
    if given:
        if os.path.isfile(path) and not zipfile.is_zipfile(path):
            return _read_known_with_options(path, given)
        return _read_export_with_options(path, given)
    if os.path.isfile(path) and os.path.getsize(path) == 0:
        raise RecordingError("the file is empty (0 bytes)", path=path,
                             hint="the recording was not saved; record again or pick another file")
    fmt = detect_format(path)
    if fmt is None and os.path.isdir(path):
        # a folder of recordings, not one phone export: say how to analyse them all
        inside = [n for n in sorted(os.listdir(path)) if n.lower().endswith((".csv", ".zip"))]
        readable = [n for n in inside if os.path.isfile(os.path.join(path, n))
                    and (_format_or_none(os.path.join(path, n)) or is_plain_table(os.path.join(path, n)))]
        if readable:
            raise RecordingError(
                f"this folder is not one phone export but holds {len(readable)} recording(s) "
                f"({', '.join(readable[:3])}{' …' if len(readable) > 3 else ''})", path=path,
                hint=f"analyse one: imu-gait analyze {shlex.quote(os.path.join(path, readable[0]))}; or all of "
                     f"them: imu-gait batch {shlex.quote(path)} --out summary.csv")
    if fmt is None and zipfile.is_zipfile(path):
        # recordings zipped together (to mail them), not one phone export: say so, and how to read them
        inside = _recordings_in_zip(path)
        if inside:
            raise RecordingError(
                f"this zip archive is not one phone export but holds {len(inside)} recording file(s) "
                f"({', '.join(inside[:3])}{' …' if len(inside) > 3 else ''})", path=path,
                hint="unzip it, then analyse a file (imu-gait analyze FILE) or the folder of them all "
                     "(imu-gait batch FOLDER --out summary.csv)")
    if fmt is None and os.path.isfile(path) and not zipfile.is_zipfile(path):
        head = _head_text(path)
        plain = plain_table_layout(head)
        if plain is not None:
            return _read_plain_table(path, plain)
    if fmt is None:
        what = "folder" if os.path.isdir(path) else ("zip archive" if zipfile.is_zipfile(path) else "file")
        # a table of numbers in an unknown layout: show the guess at its columns first, the list after it
        guess = guess_layout(_head_text(path), path) if what == "file" else None
        raise RecordingError(f"unknown recording format: this {what} matches none of the formats imu_gait knows",
                             path=path, hint=(f"{guess}. Otherwise: " if guess else "") +
                             f"{KNOWN_FORMATS_TEXT}; {OPTIONS_TEXT}")
    return READERS[fmt](path)


def is_plain_table(path: str) -> bool:
    """A CSV file no format claims that :func:`read` still reads as a plain table."""
    try:
        return not zipfile.is_zipfile(path) and plain_table_layout(_head_text(path)) is not None
    except OSError:
        return False


def _head_text(path: str) -> str:
    with open(path, "rb") as fh:
        return fh.read(16384).decode("utf-8", "replace")


def _refuse_one_signed_rates(path: str, rates) -> None:
    """Columns 4–6 of a headerless 7-column table are only guessed to be a gyroscope: a trunk turning back
    and forth reads both signs on every axis, light / button / temperature columns (a GENEActiv body without
    its header) never do — then the file is not as plain as it looked, and its columns must be said."""
    if rates is None or len(rates) == 0:
        return
    g = np.asarray(rates, float)
    one_signed = [j for j in range(3) if not (np.mean(g[:, j] < 0) >= 0.01 and np.mean(g[:, j] > 0) >= 0.01)]
    if one_signed:
        raise RecordingError(
            "unknown recording format: a table of 7 columns of numbers without a header, but its columns "
            f"{', '.join(str(4 + j) for j in one_signed)} never change sign, so they are not the gyroscope "
            "the last three columns of such a table usually are", path=path,
            hint=f"say which column is what: {OPTIONS_TEXT}")


def _last_columns_of_head(path: str, max_lines: int = 20000):
    """Columns 4–6 of the first ``max_lines`` rows as numbers (rows that do not parse are left out)."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for i, line in enumerate(fh):
            if i >= max_lines:
                break
            cells = line.replace(";", ",").replace("\t", ",").split(",")
            try:
                out.append([float(c) for c in cells[4:7]])
            except ValueError:
                continue
    return np.array([r for r in out if len(r) == 3], float).reshape(-1, 3)


def _read_plain_table(path: str, plain: PlainTable) -> Recording:
    """A file no format claimed, but plainly a table of samples (:func:`plain_table_layout`): read by the
    generic reader's own rules, and said so first among the warnings — which column was taken for what, in
    which unit, and the command that reads it so, to be corrected where a guess is wrong."""
    why, options, headerless = plain.why, plain.options, plain.headerless
    try:
        rec = read_generic(path, **options)
    except RecordingError as exc:
        if headerless and plain.n_columns == 7:
            _refuse_one_signed_rates(path, _last_columns_of_head(path))
        # the table was only guessed to be plain: say so, with what reading it so ran into
        raise RecordingError(f"read as a plain table ({why}; no format imu_gait knows by name): {exc.message}",
                             path=path, line=exc.line, column=exc.column,
                             hint=(f"{exc.hint}; " if exc.hint else "") + PLAIN_TABLE_HINT) from None
    m = rec.meta
    cols = m.get("columns") or {}
    if headerless and rec.has_gyro:
        _refuse_one_signed_rates(path, rec.gyro_rads)

    def named(c: list) -> str:
        return ("columns " + ", ".join(map(str, c))) if headerless else ", ".join(map(repr, c))
    time_col = cols.get("time")
    unit = m.get("time_unit")
    if unit == "samples" and options.get("sample_rate_hz"):
        unit = f"samples at {options['sample_rate_hz']:g} Hz"
    said = [f"time = {'column ' + str(time_col) if headerless else repr(time_col)} ({unit})",
            f"acceleration = {named(cols.get('acc') or [])} ({m.get('acc_unit')})"]
    opts = (["--skiprows", str(options["skiprows"])] if options.get("skiprows") else []) + [
        "--time-col", str(time_col), "--time-unit", str(m.get("time_unit"))] + (
        ["--sample-rate", f"{options['sample_rate_hz']:g}"] if options.get("sample_rate_hz") else []) + (
        ["--day-first"] if m.get("day_first") and options.get("day_first") else []) + [
            "--acc-cols", ",".join(map(str, cols.get("acc") or [])), "--acc-unit", str(m.get("acc_unit"))]
    if cols.get("gyro"):
        said.append(f"gyroscope = {named(cols['gyro'])} ({m.get('gyro_unit')})")
        opts += ["--gyro-cols", ",".join(map(str, cols["gyro"])), "--gyro-unit", str(m.get("gyro_unit"))]
    else:
        said.append("no gyroscope")
    command = " ".join(shlex.quote(w) for w in ["imu-gait", "analyze", path, *opts])
    # (the reader's own lines on which columns it took say less than this one: dropped; its unit evidence stays)
    rec.warnings[:] = [w for w in rec.warnings if not w.startswith(("acceleration columns not given",
                                                                     "headerless 7-column file"))]
    rec.warnings.insert(0, f"not a format imu_gait knows by name, but a plain table ({why}): read as "
                           f"{'; '.join(said)}. If a column or a unit is wrong, say which is which: {command} "
                           "(change what is wrong)")
    return rec
