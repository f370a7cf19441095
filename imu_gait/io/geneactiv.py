"""GENEActiv CSV exports (GENEActiv PC Software).

About 100 header lines of ``key,value`` (``Measurement Frequency,50.0 Hz``,
``Device Location Code,back``, ``Units,g`` …), then rows
``2019-08-06 10:25:50:000,-0.4264,0.7279,0.5089,0,0,31.6`` = timestamp (milliseconds after a
*colon*), x, y, z [g], light [lux], button, temperature [°C]. The first data row is
found by pattern, not by a fixed line count; timestamps are parsed vectorised.
"""
from __future__ import annotations

import csv
import io
import math
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from ..clocktext import utc_offset_of_zone
from ..errors import RecordingError
from ..recording import Recording
from . import _blocks
from ._common import (acc_factor, blank_separator_rows, check_stated_acc_unit, clean_os_errors, csv_lines, finish,
                      locate_bad_cell, separator_rows_warning,
                      read_csv_safely, require_csv_file, row_line_mapper, rows_lost_or_shifted)

_ROW_RX = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}:\d{3},")
_KEEP_KEYS = {
    "Device Type": "device", "Device Location Code": "placement", "Measurement Frequency": "geneactiv_frequency",
    "Start Time": "start_time", "Time Zone": "time_zone", "Device Unique Serial Code": "device_serial",
    "Subject Code": "subject", "Extract Notes": "geneactiv_extract_notes",
}


def looks_like_geneactiv(head_text: str) -> bool:
    head = head_text.lstrip("\ufeff")
    return head.startswith("Device Type,GENEActiv") or ("GENEActiv" in head[:2000] and "Measurement Frequency" in head)


@clean_os_errors
def read_geneactiv(path: str | os.PathLike, *, acc_unit: str | None = None) -> Recording:
    """Read a GENEActiv CSV (acceleration in g → m/s²; no gyroscope) into a validated Recording.

    ``acc_unit`` (g|mg|m/s2) overrides the header's ``Units`` line — for an export whose line is wrong
    (the reader refuses data that contradicts it and suggests this)."""
    path = str(path)
    require_csv_file(path, "GENEActiv")
    with open(path, "rb") as fb:
        head = fb.read(HEAD_BYTES)
    large = _blocks.reads_in_blocks(path, head)
    # a large file's header is found in its head (a GENEActiv header is ~100 lines); the data is read block by block
    text = head.decode("utf-8-sig", "replace") if large else None
    lines = csv_lines(text) if large else []
    fast = None
    if not large:
        # a file read whole: its data rows parsed from the bytes as a large file's blocks are (stamps with
        # numpy, _parse_rows_fast) when they are plain — else as text, as before (which names what is wrong)
        fast = _whole_file_fast(path)
        if fast is not None:
            lines = fast[0]
        else:
            with open(path, "r", encoding="utf-8-sig", errors="replace") as fh:
                text = fh.read()
            lines = csv_lines(text)
    if large and len(head) == HEAD_BYTES:
        lines = lines[:-1]            # the head's last line may be cut by the head's end
    header, units, first, suspect = _scan_header(lines)
    if suspect is not None:
        # a data row whose stamp does not parse, before the first good one: taken for a header line it
        # would be skipped without a word (a sample lost) — refuse it as a bad stamp later in the file is
        stamp = lines[suspect].split(",")[0]
        raise RecordingError(f"bad value: {stamp!r} is not a 'YYYY-MM-DD HH:MM:SS:mmm' time", path=path,
                             line=suspect + 1, column="timestamp", hint="fix or delete that row")
    if first is None:
        raise RecordingError(
            "no data rows found (expected rows like '2019-08-06 10:25:50:000,x,y,z,lux,button,temp')",
            path=path, line=len(lines) or None,
            hint="export the GENEActiv .bin as CSV with raw (not epoch-summarised) data")
    meta: dict = {"format": "geneactiv", "path": path}
    for k, name in _KEEP_KEYS.items():
        if header.get(k):
            meta[name] = header[k]
    m = re.match(r"\s*([\d.]+)", header.get("Measurement Frequency", ""))
    if m:
        meta["sample_rate_hz"] = float(m.group(1))
    stated = acc_unit
    warnings: list[str] = []
    acc_unit = acc_unit or (units[0] if units else "g")
    ncol = lines[first].count(",") + 1
    if ncol < 4:
        raise RecordingError(f"the data rows hold {ncol} column(s); a GENEActiv row is time,x,y,z,lux,button,temperature",
                             path=path, line=first + 1,
                             hint="export the GENEActiv .bin again as raw CSV (all columns)")
    names = ["timestamp", "x", "y", "z", "lux", "button", "temperature"][:ncol] + \
        [f"col{j}" for j in range(7, ncol)]
    if large:
        ns, acc = _parse_blocks(path, first, names, warnings)
        rows_source: str | Path = Path(path)         # (a str would be taken for the text itself)
    elif fast is not None and (parsed := _parse_rows_fast(fast[1], names)) is not None:
        ns, acc = parsed
        rows_source = Path(path)                     # (the file is scanned for line numbers only when asked)
        fast = None                                  # (its bytes need not be held any longer)
    else:
        if text is None:                             # (the plain data rows were not plain after all)
            fast = None
            with open(path, "r", encoding="utf-8-sig", errors="replace") as fh:
                text = fh.read()
            lines = csv_lines(text)
        # An export or copy cut short leaves a partial last line: drop it and say so (as the native reader)
        if not text.endswith(("\n", "\r")) and len(lines) > first + 1 and not _is_whole_row(lines[-1], ncol):
            warnings.append(f"the last line ({len(lines)}) was incomplete (export or copy cut short?) and was ignored")
            lines = lines[:-1]
            text = "\n".join(lines) + "\n"
        skipped: list[tuple[int, int]] = []       # rows of only separators (Excel's empty rows)
        ns, acc = _parse_rows(text, first, first + 1, names, path, lambda: lines[first:], skipped)
        note = separator_rows_warning(path, skipped)
        if note:
            warnings.append(note)
        rows_source = text
    t_s = (ns - ns[0]) * 1e-9
    meta["start_time_iso"] = _start_time_iso(int(ns[0]), meta.get("time_zone"))
    del ns                            # (a day's stamps are 70 MB: not held through the checks below)
    check_stated_acc_unit(acc, acc_unit, path, ["x", "y", "z"])
    if stated is not None and units and units[0] != stated:
        warnings.append(f"acceleration read in {stated} as asked, not in {units[0]} as the header's Units line says")
    if not acc.flags.writeable:
        acc = acc.copy()              # (pandas may hand out a read-only view)
    acc *= acc_factor(acc_unit, path)      # in place: a day's acceleration is 200 MB
    return finish(t_s, acc, None, label=path, meta=meta, warnings=warnings, first_line_no=first + 1,
                  time_column="timestamp", line_of_row=row_line_mapper(rows_source, first + 1))


def _scan_header(lines: list[str]) -> tuple[dict[str, str], list[str], int | None, int | None]:
    """(header ``key → value``, the ``Units`` values, index of the first data row or None, index of a line
    before it shaped like a data row whose stamp is damaged or None) of a file's first ``lines``."""
    header: dict[str, str] = {}
    units: list[str] = []
    first = None
    suspect = None        # a line before the first data row that is shaped like one (its stamp damaged)
    for i, line in enumerate(lines):
        if _ROW_RX.match(line):
            first = i
            break
        if suspect is None and _looks_like_a_row(line):
            suspect = i
        if "," in line:
            k, v = line.split(",", 1)
            k, v = k.strip(), v.strip()
            if k == "Units" and v:
                units.append(v)
            elif k and v:
                header.setdefault(k, v)
    return header, units, first, suspect


def _whole_file_fast(path: str) -> tuple[list[str], bytes] | None:
    """For a file read whole (under :data:`~._blocks.BLOCK_READ_ABOVE_BYTES`) whose data is plain — its
    first data row in its first :data:`HEAD_BYTES`, lines ended by LF or CR LF (no lone CR), the data rows
    ASCII, the last ended by its line end: ``(the lines up to and with the first data row, as the text read
    whole splits them; the data rows as bytes, LF-ended)``. ``None`` otherwise: the file
    is then read as text, as before. The lines before the first data row are all the header scan looks at,
    so it finds the same header, first row and damaged stamp as on the whole text."""
    with open(path, "rb") as fb:
        raw = fb.read()
    if not raw.endswith(b"\n"):
        return None                                   # (a last line without its end: judged on the text)
    head = raw[:HEAD_BYTES]
    lines = csv_lines(head.decode("utf-8-sig", "replace"))
    if len(head) == HEAD_BYTES:
        lines = lines[:-1]                            # the head's last line may be cut by the head's end
    first = _scan_header(lines)[2]
    if first is None:
        return None
    if head.count(b"\r") != head.count(b"\r\n"):
        return None                                   # (a lone CR: not split as text mode does)
    offset = 0
    for _ in range(first):
        offset = raw.index(b"\n", offset) + 1
    data = raw[offset:]
    del raw
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
        if b"\r" in data:
            return None
    if not data.isascii():
        return None
    return lines[:first + 1], data


def _start_time_iso(first_ns: int, time_zone: str | None) -> str:
    """The first stamp (local wall clock, ns) as ISO, with the UTC offset the header's 'Time Zone' gives
    ('GMT -04' → '-04:00'): then the summary can say which instant it was (``start_unix_s``), as docs/json.md
    promises when the file gives its zone. Without one, the local time as it was."""
    start = pd.Timestamp(first_ns)
    offset = utc_offset_of_zone(time_zone)
    if offset is None:
        return str(start)
    return start.isoformat() + offset


#: bytes a large file's header is looked for in (a GENEActiv header is about 100 short lines)
HEAD_BYTES = 65536


def _parse_rows(text: str | bytes, skiprows: int, first_line_no: int, names: list[str], path: str,
                lines_of: Callable[[], Iterable[str]],
                skipped: list[tuple[int, int]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(time stamps in ns since 1970 as int64, x y z as read (N, 3)) of the data rows of ``text`` after its
    first ``skiprows`` lines; the first data row is line ``first_line_no`` of the file. ``lines_of()``: the
    data lines, for naming a bad cell. ``skipped``: rows of only separators (an export re-saved in Excel)
    are skipped as blank lines and recorded there, as :func:`~._common.parse_numeric_csv` does."""
    if isinstance(text, bytes) and skiprows == 0:
        fast = _parse_rows_fast(text, names)
        if fast is not None:
            return fast
    try:
        # GENEActiv quotes nothing: a stray '"' is a character of its cell (named below as a bad value),
        # never the start of a quoted cell that would swallow the rows up to the next quote
        src = io.BytesIO(text) if isinstance(text, bytes) else io.StringIO(text)
        df = read_csv_safely(src, header=None, skiprows=skiprows, names=names, usecols=[0, 1, 2, 3],
                             dtype={"timestamp": str, "x": np.float64, "y": np.float64, "z": np.float64},
                             engine="c", quoting=csv.QUOTE_NONE, encoding_errors="replace")
        # … and a row with more fields than the first loses them silently (usecols): a stray separator
        # would shift its x, y, z
        if rows_lost_or_shifted(text if isinstance(text, str) else text.decode("utf-8", "replace"), skiprows,
                                len(names), ",", len(df)):
            raise ValueError("a row with more fields than the first")
        ts = df["timestamp"].astype(str)
        # a stamp is exactly 23 characters: a longer one holds other cells (a row written with ';'
        # would otherwise be read as shifted values: x = the y column, y and z = lux and button)
        if (ts.str.len() != 23).any():
            raise ValueError("malformed timestamp")
        # 'YYYY-MM-DD HH:MM:SS:mmm' → replace the colon before the milliseconds with a dot
        iso = ts.str.slice(0, 19) + "." + ts.str.slice(20, 23)
        when = pd.to_datetime(iso, format="%Y-%m-%d %H:%M:%S.%f", errors="raise")
        # a year outside 1678–2261 does not fit int64 ns: pandas 2 refuses it (unexplained), pandas 3 parses it
        # in µs and the cast below wraps it into another century without a word — named by _locate instead
        if len(when) and (when.min() < _FIRST_TIME or when.max() >= _END_TIME):
            raise ValueError("a year outside the range of ns times")
        acc = df[["x", "y", "z"]].to_numpy(dtype=np.float64)
        if not np.isfinite(acc).all():
            raise ValueError("non-finite")
    except (ValueError, TypeError, pd.errors.ParserError):
        if skipped is not None:
            full = text if isinstance(text, str) else text.decode("utf-8", "replace")
            blanked, found = blank_separator_rows(full, ",", skiprows)
            if found:
                # parsed again with those rows as blank lines (line ends kept: every line keeps its number)
                skipped.append((first_line_no - skiprows + found[0], len(found)))
                return _parse_rows(blanked, skiprows, first_line_no, names, path,
                                   lambda: csv_lines(blanked)[skiprows:])
        bad = _locate(lines_of(), first_line_no, names)
        if bad is None:
            raise RecordingError("the data rows could not be read as time stamps and numbers (no single bad "
                                 "cell found)", path=path, line=first_line_no,
                                 hint="check that the file is an unmodified GENEActiv CSV export") from None
        line_no, col, problem = bad
        raise RecordingError(f"bad value: {problem}", path=path, line=line_no, column=col,
                             hint=_YEAR_HINT if problem.endswith(_YEAR_WORDS) else "fix or delete that row") from None
    return when.to_numpy(dtype="datetime64[ns]").astype(np.int64), acc


#: byte offsets of a stamp's separators ('YYYY-MM-DD HH:MM:SS:mmm,') and its digits
_STAMP_SEPARATORS = {4: ord("-"), 7: ord("-"), 10: ord(" "), 13: ord(":"), 16: ord(":"), 19: ord(":"), 23: ord(",")}
_STAMP_DIGITS = np.array([i for i in range(23) if i not in _STAMP_SEPARATORS])
_STAMP_COLUMNS = np.arange(24)[:, None]
_NS_PER_S = 1_000_000_000
#: years whose every time is in datetime64[ns]'s range (1677-09-21 … 2262-04-11): outside it the int64 ns here
#: wrap, and pandas' to_datetime either refuses the stamp (pandas 2) or wraps it too (3): such stamps are
#: left to the one-pass code, so both paths give the same on every pandas
_YEAR_MIN, _YEAR_MAX = 1678, 2261
_FIRST_TIME, _END_TIME = pd.Timestamp(f"{_YEAR_MIN}-01-01"), pd.Timestamp(f"{_YEAR_MAX + 1}-01-01")


def _parse_rows_fast(block: bytes, names: list[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`_parse_rows` of a block of well-formed rows, the stamps read from the bytes with numpy (a
    quarter of the time of pandas' strings and to_datetime; the same ns). ``None`` when anything is
    unusual — a blank or short line, a stamp that is not a real time, a cell pandas refuses — and the
    one-pass code then reads the block (and names what is wrong)."""
    b = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(b == 10)
    if ends.size == 0 or ends[-1] != b.size - 1:
        return None                                     # (a last block without its line end: the slow path)
    starts = np.r_[0, ends[:-1] + 1]
    if np.any(ends - starts < 24):
        return None                                     # a blank or short line
    # (24, rows): a stamp byte of every row, each. (Read as three unaligned 8-byte words per row it took
    # 8 ms, not 14, on an hour's rows, but `imu-gait analyze` on a day's file then peaked 7 MB higher,
    # 761 vs 754 MB, though the read alone peaked lower: the allocator's doing, measured, not pinned down)
    cells = b[_STAMP_COLUMNS + starts]
    for i, sep in _STAMP_SEPARATORS.items():
        if np.any(cells[i] != sep):
            return None
    d = cells[_STAMP_DIGITS] - np.uint8(48)             # (a byte below '0' wraps past 9 in uint8)
    del cells
    if np.any(d > 9):
        return None
    # two digits make at most 99: uint8 holds them, and the checks and sums run on bytes, not int64 (2× faster)
    year = (d[0] * 10 + d[1]).astype(np.int64) * 100 + (d[2] * 10 + d[3])
    month, day = d[4] * 10 + d[5], d[6] * 10 + d[7]
    hour, minute, sec = d[8] * 10 + d[9], d[10] * 10 + d[11], d[12] * 10 + d[13]
    if np.any((year < _YEAR_MIN) | (year > _YEAR_MAX) | (month < 1) | (month > 12) | (day < 1) | (hour > 23)
              | (minute > 59) | (sec > 59)):
        return None
    ms = (d[14] * 10 + d[15]).astype(np.int64) * 10 + d[16]
    month, day, hour, minute, sec = (v.astype(np.int64) for v in (month, day, hour, minute, sec))
    months = (year - 1970) * 12 + month - 1
    first_day = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    days = first_day + day - 1
    if np.any(day > 28):                                # (every month has 28 days: only later ones are looked at)
        next_first = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        if np.any(days >= next_first):
            return None                                 # the 31st of a 30-day month, 29 February …
    ns = (days * 86400 + (hour * 60 + minute) * 60 + sec) * _NS_PER_S + ms * 1_000_000
    try:
        df = read_csv_safely(io.BytesIO(block), header=None, names=names, usecols=[1, 2, 3],
                             dtype={"x": np.float64, "y": np.float64, "z": np.float64}, engine="c",
                             quoting=csv.QUOTE_NONE, encoding_errors="replace")
    except (ValueError, TypeError, pd.errors.ParserError):
        return None
    # (rows_lost_or_shifted's own first test, on the bytes: decoding keeps every ',' and '"', so it is the same)
    plain = b'"' not in block and block.count(b",") == (len(names) - 1) * len(df)
    if len(df) != ns.size or not plain and rows_lost_or_shifted(block.decode("utf-8", "replace"), 0, len(names), ",",
                                                                len(df)):
        return None
    acc = df[["x", "y", "z"]].to_numpy(dtype=np.float64)
    if not np.isfinite(acc).all():
        return None
    return ns, acc


def _parse_blocks(path: str, first: int, names: list[str], warnings: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_parse_rows` of a large file, block by block (:mod:`._blocks`): a day of 100 Hz data is held
    as its numbers only, never as text and lines."""
    offset = _blocks.offset_of_line(path, first)
    n_max = _blocks.count_line_ends(path, offset) + 1

    def parse(block: bytes, line_no: int, last: bool):
        if last and not block.endswith((b"\n", b"\r")):
            cut = block.rfind(b"\n") + 1
            if not _is_whole_row(block[cut:].decode("utf-8", "replace"), len(names)):
                last_line_no = line_no + block.count(b"\n")
                warnings.append(f"the last line ({last_line_no}) was incomplete (export or copy cut short?) and was "
                                "ignored")
                block = block[:cut]
        if not block or block.isspace():
            return np.empty(0, np.int64), np.empty((0, 3))
        return _parse_rows(block, 0, line_no, names, path, lambda: csv_lines(block.decode("utf-8", "replace")),
                           skipped)

    skipped: list[tuple[int, int]] = []           # rows of only separators (Excel's empty rows), per block
    parts = _blocks.fill_from_blocks(_blocks.line_blocks(path, offset, first + 1), n_max, parse)
    note = separator_rows_warning(path, skipped)
    if note:
        warnings.append(note)
    return parts[0], parts[1]


def _looks_like_a_row(line: str) -> bool:
    """A header line is 'key,value'; a line of 4+ fields whose stamp has a date or whose x, y, z are
    numbers is a data row (with a damaged stamp), whatever its first cell holds."""
    cells = line.split(",")
    if len(cells) < 4:
        return False
    if re.search(r"\d{4}-\d{2}-\d{2}", cells[0]):
        return True
    numbers = 0
    for c in cells[1:4]:
        try:
            numbers += math.isfinite(float(c))
        except ValueError:
            pass
    return numbers == 3


def _is_whole_row(line: str, ncol: int) -> bool:
    """A row with its time stamp, all its fields and finite x, y, z (the cells read)."""
    cells = line.split(",")
    if not _ROW_RX.match(line) or len(cells) != ncol or len(cells[0]) != 23:
        return False
    try:
        return all(math.isfinite(float(c)) for c in cells[1:4])
    except ValueError:
        return False


def _valid_clock(line: str) -> bool:
    """The stamp's fields are a real date and time of day (the row pattern only checks the digits: an
    hour 50 or a month 13 failed pandas' parse and left it unexplained)."""
    try:
        datetime.strptime(line[:19], "%Y-%m-%d %H:%M:%S")
        return True
    except ValueError:
        return False


_YEAR_WORDS = "times from 1678 to 2261 only"
_YEAR_HINT = ("if every row has that year, the sensor's clock was wrong when it was set up: correct the year in the "
              "time stamps (the times of day and the steps between rows are kept), or set the clock and export again; "
              "if only this row has it, fix or delete that row")


def _year_problem(stamp: str) -> str:
    """What is wrong with a stamp whose year int64 ns cannot hold."""
    return f"{stamp!r} has the year {int(stamp[:4])}, and imu_gait reads {_YEAR_WORDS}"


def _locate(lines, first_line_no, names):
    rx = _ROW_RX
    for k, line in enumerate(lines):
        if not line.strip():
            continue
        if not rx.match(line) or not _valid_clock(line):
            return first_line_no + k, "timestamp", f"{line.split(',')[0]!r} is not a 'YYYY-MM-DD HH:MM:SS:mmm' time"
        if not _YEAR_MIN <= int(line[:4]) <= _YEAR_MAX:
            return first_line_no + k, "timestamp", _year_problem(line.split(",")[0])
        hit = locate_bad_cell([line], first_line_no + k, names, ",", usecols=[1, 2, 3], expected="the first row")
        if hit is not None:
            return hit
    return None
