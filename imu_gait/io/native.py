"""The native recording format (a contract other tools rely on).

CSV with header ``time_s,acc_x,acc_y,acc_z`` optionally followed by
``,gyro_x,gyro_y,gyro_z``; time in s, acceleration in m/s² *including gravity*, angular
rate in rad/s. Lines starting with ``#`` before the header carry metadata as
``# key: value`` (``# sample_rate_hz: 100``, ``# placement: lower_back``, ``# device: …``). A value
reads back as its exact text, except under the keys of :data:`NUMERIC_META_KEYS` (numbers); a key may
not hold ':'.

Reading uses pandas' C parser straight into float64 (no Python per row), so a 1-hour,
100 Hz, 6-axis file reads in about the time of a bare ``pandas.read_csv``.

:class:`NativeCsvWriter` appends samples as they arrive (live recording) and makes them
durable (flush + fsync) at least once per second of wall time.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from .._output_file import TEMP_NAME_CHARS, _writes_straight
from ..errors import RecordingError
from ..recording import MIN_DURATION_S, Recording
from . import _blocks
from ._common import (TIME_UNITS, acc_factor, check_stated_acc_unit, check_stated_gyro_unit, clean_os_errors, finish,
                      float32_clock,
                      gyro_factor, is_complete_row, parse_numeric_csv, require_csv_file, row_line_mapper, separator_rows_warning,
                      sniff_decimal,
                      sniff_delimiter, split_header, require_closed_quotes, header_names)

ACC_COLUMNS = ("acc_x", "acc_y", "acc_z")
GYRO_COLUMNS = ("gyro_x", "gyro_y", "gyro_z")
TIME_COLUMN = "time_s"
HEADER_ACC = ",".join((TIME_COLUMN,) + ACC_COLUMNS)
HEADER_GYRO = ",".join((TIME_COLUMN,) + ACC_COLUMNS + GYRO_COLUMNS)

#: time as the shortest text that reads back as the same float64 ('%r': 0.01, 16.99, 1700000000.0009766): the time
#: axis round-trips exactly. '%.6f' rounded it to the µs, which made the intervals of a rate whose period is not a
#: whole µs uneven (208 Hz: 4807/4808 µs; 1024 Hz on a Unix clock: 975.8–977.0 µs, read back as 1023.5 Hz) and
#: moved every Unix time by up to 0.5 µs (precision audit s36). No longer for most files: 6.6 characters a row for
#: k/100 s, 17 for 208 Hz (the digits its period needs). (Below 1e-4 s Python writes an exponent: '5e-05'.)
DEFAULT_TIME_FMT = "%r"
#: values to 7 significant digits: 0.1 ppm, below any IMU's resolution (a 16-bit reading × its scale has at most 5
#: digits, which come back exactly); values converted on reading (g → m/s², deg/s → rad/s) come back within 5e-8
#: relative — the analysis of the file read back then agrees to ~1e-6 relative, steps the same. Full float64 text
#: would double a day's file for digits no sensor measured.
DEFAULT_VALUE_FMT = "%.7g"


# ---------------------------------------------------------------------------------------
# metadata lines
# ---------------------------------------------------------------------------------------
#: keys whose values the package reads as numbers (the sampling rate, heights, clock offsets): only these
#: are converted when read. Every other value stays the exact text of the file, because text that looks
#: like a number is often a code that is not one (a GENEActiv serial '046164', a strap id '12E45678', a
#: firmware '1.10', a subject 'NaN'), and a number read from it would change what a round trip writes back.
NUMERIC_META_KEYS = frozenset({"sample_rate_hz", "requested_rate_hz", "sensor_height_m", "height_m",
                               "time_offset_s", "start_unix_s"})

_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_FLOAT_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _parse_meta_value(key: str, text: str) -> Any:
    """The value of metadata line ``key: text``: a number for the keys read as numbers, else the text."""
    text = text.strip()
    if key not in NUMERIC_META_KEYS:
        return text
    # plain decimal notation only ('1_000', 'nan', 'inf' are left as text: the consumers judge those)
    if _INT_TEXT.fullmatch(text):
        return int(text)
    if _FLOAT_TEXT.fullmatch(text):
        return float(text)
    return text


def _format_meta_lines(meta: dict | None, label: str = "recording") -> str:
    out = []
    for key, value in (meta or {}).items():
        key = str(key).strip()
        if not key or key == "path" or key.startswith("_"):
            continue                     # '_' keys are in-memory state (e.g. '_validated'), not metadata
        if ":" in key:
            # a reader splits '# key: value' at the first ':': 'ratio:x: 3' would come back as key 'ratio'
            raise RecordingError(f"the metadata key {key!r} holds a ':', which the native format cannot keep "
                                 "('# key: value' lines end the key at the first ':')", path=label,
                                 hint=f"rename the key without ':' (e.g. {key.replace(':', '_')!r}) in recording.meta "
                                      "before writing")
        value = str(value).replace("\r", " ").replace("\n", " ").strip()
        out.append(f"# {key}: {value}\n")
    return "".join(out)


def _format_row_template(n_values: int, time_fmt: str, value_fmt: str) -> str:
    return ",".join([time_fmt] + [value_fmt] * n_values) + "\n"


def _format_rows(time_s: np.ndarray, values: np.ndarray, time_fmt: str, value_fmt: str) -> str:
    """Text for many rows at once (one % per row; callers write big blocks)."""
    block = np.column_stack([np.asarray(time_s, dtype=np.float64), values])
    tmpl = _format_row_template(values.shape[1], time_fmt, value_fmt)
    return "".join(tmpl % tuple(row) for row in block.tolist())


# ---------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------
def sniff_native(head_text: str) -> bool:
    """True when the first non-comment line is a native header (columns in any order)."""
    for line in head_text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cols = {c.lower() for c in split_header(line, sniff_delimiter(line))}   # any case: TIME_S, Acc_X
        # a native header missing a column is still the native format: its reader says which is missing
        return TIME_COLUMN in cols and bool(cols & {*ACC_COLUMNS, *GYRO_COLUMNS})
    return False


def _printable(text: str, limit: int = 120) -> str:
    """Text fit for a message: a binary file's bytes shown as '?' and cut short."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in text)
    return shown if len(shown) <= limit else shown[:limit] + " …"


def _read_head(path: Path) -> tuple[dict[str, Any], int, str | None, list[str]]:
    """``(meta, lines before the header, header line, a few data lines)`` of a native file."""
    meta: dict[str, Any] = {}
    n_pre = 0
    with open(path, "r", encoding="utf-8-sig", errors="replace", newline="") as fh:
        for line in fh:
            if line.startswith("#"):
                n_pre += 1
                body = line[1:].strip()
                if ":" in body:
                    k, v = body.split(":", 1)
                    if not k.strip().startswith("_"):    # a file cannot claim in-memory state ('_validated')
                        meta[k.strip()] = _parse_meta_value(k.strip(), v)
                continue
            if not line.strip():
                n_pre += 1
                continue
            return meta, n_pre, line, [next(fh, "") for _ in range(5)]
    return meta, n_pre, None, []


@clean_os_errors
def native_meta(path: str | os.PathLike) -> dict[str, Any]:
    """The ``# key: value`` metadata of a native file (placement, sensor_height_m …), for a native file
    read by the generic reader (its columns described by options): the metadata must not be lost."""
    return _read_head(Path(path))[0]


#: options that say a native file's columns hold other units than the contract's (s, m/s², rad/s):
#: a logger writing the native header with values in g is read as stated, its metadata kept
NATIVE_UNIT_OPTIONS = ("time_unit", "acc_unit", "gyro_unit")


@clean_os_errors
def read_native(path: str | os.PathLike, *, time_unit: str | None = None, acc_unit: str | None = None,
                gyro_unit: str | None = None) -> Recording:
    """Read a native CSV into a validated :class:`Recording`.

    Raises :class:`RecordingError` naming the file, line and column for an empty file, a
    missing header, wrong columns, non-numeric or non-finite cells, a broken time axis.
    An incomplete *last* line (recording interrupted mid-write) is dropped with a warning.
    ``time_unit`` (s|ms|us|ns), ``acc_unit`` (m/s2|g|mg), ``gyro_unit`` (rad/s|deg/s): the units the
    columns really hold, when they are not the format's; checked against the data like the generic
    reader's.
    """
    path = Path(path)
    label = str(path)
    require_csv_file(label, "native")
    warnings: list[str] = []
    meta, n_pre, header, sample = _read_head(path)    # sample: a few data lines (decimal commas?)
    if header is None:
        raise RecordingError("the file is empty (no header line)" if n_pre == 0 else
                             "the file holds only comment lines, no header and no data",
                             path=label, hint="record again, or pick the right file")
    delim = sniff_delimiter(header)
    cols = header_names(header, delim)     # (a separator at the end names no column)
    trailing_sep = len(cols) < len(split_header(header, delim))
    header_line_no = n_pre + 1
    require_closed_quotes(header, label=label, line=header_line_no)
    # the native names in another case (a spreadsheet's 'TIME_S', 'Acc_X'): the same columns
    native_names = {TIME_COLUMN, *ACC_COLUMNS, *GYRO_COLUMNS}
    cased = [c.lower() if c not in native_names and c.lower() in native_names else c for c in cols]
    if cased != cols:
        warnings.append(f"header names in another case ({', '.join(c for c, n in zip(cols, cased) if c != n)}) "
                        "read as the native " + ", ".join(n for c, n in zip(cols, cased) if c != n))
        cols = cased
    missing = [c for c in (TIME_COLUMN,) + ACC_COLUMNS if c not in cols]
    if missing:
        raise RecordingError(
            f"not a native imu_gait CSV: the header lacks {', '.join(missing)} (found: {_printable(', '.join(cols[:8]))})",
            path=label, line=header_line_no,
            hint=f"the native header is '{HEADER_GYRO}' (gyro optional); for other CSVs pass "
                 "time_col, acc_cols, acc_unit … (imu_gait.read(path, time_col=…, acc_cols=[…], acc_unit='g'))")
    decimal = sniff_decimal(delim, sample)
    if delim != ",":
        warnings.append(f"separator {delim!r} instead of ','" + (" and decimal commas" if decimal == "," else "")
                        + " (read anyway)")
    has_gyro = all(c in cols for c in GYRO_COLUMNS)
    if any(c in cols for c in GYRO_COLUMNS) and not has_gyro:
        raise RecordingError("the header has some but not all of gyro_x, gyro_y, gyro_z",
                             path=label, line=header_line_no, hint="write all three gyro columns or none")
    wanted = (TIME_COLUMN,) + ACC_COLUMNS + (GYRO_COLUMNS if has_gyro else ())
    usecols = [cols.index(c) for c in wanted]
    # the usual case: no column selection needed (faster); after a trailing separator the selection keeps
    # pandas from reading rows that end with one as having an index column
    all_cols = tuple(cols) == wanted and not trailing_sep

    with open(path, "rb") as fb:
        head = fb.read(65536)
    if _blocks.reads_in_blocks(path, head):
        t, acc, gyro = _parse_blocks(path, label=label, header_line_no=header_line_no, cols=cols, delim=delim,
                                     decimal=decimal, usecols=usecols, all_cols=all_cols, has_gyro=has_gyro,
                                     warnings=warnings)
    else:
        t, acc, gyro = _parse_whole(path, head, label=label, header_line_no=header_line_no, cols=cols,
                                    delim=delim, decimal=decimal, usecols=usecols, all_cols=all_cols,
                                    has_gyro=has_gyro, warnings=warnings)
    if time_unit is not None and time_unit.strip().lower() not in TIME_UNITS:
        # (before the float32 check, which would otherwise name the unknown unit: review s37)
        raise RecordingError(f"unknown time unit {time_unit!r} for the native time_s column", path=label,
                             column=TIME_COLUMN, hint="use one of: s, ms, us, ns")
    float32_clock(t, (time_unit or "s").strip().lower(), label, TIME_COLUMN, warnings)
    if time_unit is None and t.size and float(t[-1] - t[0]) >= MIN_DURATION_S:
        # time_s in ms (10 s a sample) was 'about 0.1 Hz … check the time unit (ms vs s)': name the unit that fits
        # (a file too short is left to Recording.validated, as before)
        from .generic import _refuse_short_in_unit

        _refuse_short_in_unit(t, "s", "as the native format's time_s", label, TIME_COLUMN)
    if time_unit is not None:
        t = t * TIME_UNITS[time_unit.strip().lower()]
        meta["time_unit"] = time_unit
    if acc_unit is not None:
        factor = acc_factor(acc_unit, label)
        check_stated_acc_unit(acc, acc_unit, label, ACC_COLUMNS)
        acc = acc * factor
        meta["acc_unit"] = acc_unit
    if gyro_unit is not None and gyro is not None:
        factor = gyro_factor(gyro_unit, label)
        check_stated_gyro_unit(t, acc, gyro, gyro_unit, label, GYRO_COLUMNS)
        gyro = gyro * factor
        meta["gyro_unit"] = gyro_unit
        meta["_gyro_unit_given"] = True         # the user's word wins over check_units' guess (in memory only)
    if meta.get("format", "native") != "native":  # written from another reader's recording
        meta["source_format"] = meta["format"]
    meta["format"] = "native"
    meta["path"] = label
    # time_s is the recording's own axis; a file written from another reader's recording keeps the
    # offset to that export's clock
    meta.setdefault("time_offset_s", 0.0)
    return finish(t, acc, gyro, label=label, meta=meta, warnings=warnings, first_line_no=header_line_no + 1,
                  time_column=TIME_COLUMN, line_of_row=row_line_mapper(path, header_line_no + 1))


def _parse_whole(path: Path, head: bytes, *, label: str, header_line_no: int, cols: list[str], delim: str,
                 decimal: str, usecols: list[int], all_cols: bool, has_gyro: bool, warnings: list[str]):
    """(time, acc, gyro or None) of a native file parsed in one pass (``head``: its first 64 KiB)."""
    # An interrupted write leaves a partial last line: drop it, say so.
    nrows = None
    size = path.stat().st_size
    with open(path, "rb") as fb:
        fb.seek(max(0, size - 1))
        last = fb.read(1)
    if last not in (b"\n", b"\r", b""):
        with open(path, "rb") as fb:     # lines may end in \n, \r\n or a lone \r (Excel for Mac)
            raw_lines = re.split(rb"\r\n|\r|\n", fb.read())
        if not is_complete_row(raw_lines[-1].decode("utf-8", "replace"), delim, decimal, len(cols)):
            # pandas' nrows counts data rows, and it skips blank lines: count the non-blank ones
            # (and rows of only separators, which the parse below skips)
            nrows = sum(1 for l in raw_lines[header_line_no:-1] if l.replace(b",", b"").replace(b";", b"").strip())
            warnings.append("the last line was incomplete (recording interrupted?) and was ignored")
        # else: a whole last row merely without its final newline (many editors save so) is kept

    # pandas does not count a blank line ended by a lone CR (old Mac line ends) among the lines it skips:
    # with one before the header, the first data row was skipped too, silently. Such files are parsed
    # from text with the line ends made '\n' (rare, so the 1-h happy path is untouched).
    src: Path | str = path
    skipped: list[tuple[int, int]] = []           # rows of only separators (Excel's empty rows)
    if re.search(rb"\r(?!\n)", head):
        with open(path, "r", encoding="utf-8-sig", errors="replace", newline=None) as fh:
            src = fh.read()
    data = parse_numeric_csv(src, label=label, skiprows=header_line_no, names=cols, delimiter=delim,
                             decimal=decimal, usecols=None if all_cols else usecols, first_line_no=header_line_no + 1,
                             nrows=nrows, head=head.decode("utf-8-sig", errors="replace"), skipped=skipped)
    note = separator_rows_warning(label, skipped)
    if note:
        warnings.append(note)
    if data.shape[0] == 0:
        raise RecordingError("the file has a header but no data rows", path=label, line=header_line_no,
                             hint="the recording is empty: record again or pick another file")
    # usecols returns columns in file order; put them in `wanted` order
    if not all_cols:
        data = data[:, np.argsort(np.argsort(usecols))]
    t = data[:, 0]
    acc = data[:, 1:4]
    gyro = data[:, 4:7] if has_gyro else None
    return t, acc, gyro


def _parse_blocks(path: Path, *, label: str, header_line_no: int, cols: list[str], delim: str, decimal: str,
                  usecols: list[int], all_cols: bool, has_gyro: bool, warnings: list[str]):
    """(time, acc, gyro or None) of a large native file parsed block by block (:mod:`._blocks`): each block
    by the one-pass parser (errors name the same line and column), the numbers written into arrays
    allocated once, so a day's file is never held twice."""
    order = np.arange(len(usecols)) if all_cols else np.argsort(np.argsort(usecols))   # parsed column of wanted[j]
    i_t, i_acc, i_gyro = int(order[0]), order[1:4], order[4:7]
    offset = _blocks.offset_of_line(path, header_line_no)
    n_max = _blocks.count_line_ends(path, offset) + 1

    def parse(block: bytes, line_no: int, last: bool):
        if last and not block.endswith((b"\n", b"\r")):
            cut = block.rfind(b"\n") + 1
            if not is_complete_row(block[cut:].decode("utf-8", "replace"), delim, decimal, len(cols)):
                block = block[:cut]          # an interrupted write's partial last line, as in the one pass
                warnings.append("the last line was incomplete (recording interrupted?) and was ignored")
        if not block or block.isspace():
            return np.empty(0), np.empty((0, 3)), (np.empty((0, 3)) if has_gyro else None)
        data = parse_numeric_csv(block, label=label, skiprows=0, names=cols, delimiter=delim, decimal=decimal,
                                 usecols=None if all_cols else usecols, first_line_no=line_no, ends_file=last,
                                 skipped=skipped)
        return data[:, i_t], data[:, i_acc], (data[:, i_gyro] if has_gyro else None)

    skipped: list[tuple[int, int]] = []           # rows of only separators (Excel's empty rows), per block
    parts = _blocks.fill_from_blocks(_blocks.line_blocks(path, offset, header_line_no + 1), n_max, parse)
    note = separator_rows_warning(label, skipped)
    if note:
        warnings.append(note)
    if not parts or parts[0].size == 0:
        raise RecordingError("the file has a header but no data rows", path=label, line=header_line_no,
                             hint="the recording is empty: record again or pick another file")
    return tuple(parts)


# ---------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------
def write_native(path: str | os.PathLike, recording: Recording, *, time_fmt: str = DEFAULT_TIME_FMT,
                 value_fmt: str = DEFAULT_VALUE_FMT, chunk_rows: int = 100_000) -> Path:
    """Write ``recording`` as a native CSV (metadata lines, header, rows). Returns the path."""
    path = Path(path)
    has_gyro = recording.gyro_rads is not None
    with NativeCsvWriter(path, has_gyro=has_gyro, meta=recording.meta, time_fmt=time_fmt,
                         value_fmt=value_fmt, autoflush_thread=False) as w:
        n = recording.n_samples
        for i in range(0, n, chunk_rows):
            sl = slice(i, min(n, i + chunk_rows))
            w.write(recording.time_s[sl], recording.acc_mps2[sl],
                    None if not has_gyro else recording.gyro_rads[sl])
    return path


def _free_name(path: Path) -> Path:
    """``path``, or ``<stem>-2<suffix>``, ``-3`` … : the first name not taken."""
    k, out = 1, path
    while out.exists():
        k += 1
        out = path.with_name(f"{path.stem}-{k}{path.suffix}")
    return out


class NativeCsvWriter:
    """Append samples to a native CSV as they arrive; durable at least once per second.

    >>> with NativeCsvWriter("walk.csv", has_gyro=True, meta={"device": "X"}) as w:
    ...     w.write(t_s, acc_mps2, gyro_rads)      # any number of times, any chunk size

    ``write`` accepts a scalar time with (3,) vectors or (N,) times with (N, 3) arrays.
    ``flush()`` pushes the Python buffer to the OS and ``os.fsync``s it, so the file is
    complete and readable by :func:`read_native` without ``close()``. Writes flush
    automatically when the last flush is ``flush_interval_s`` (default 0.5 s) old, and a
    background thread flushes pending rows when writes pause, so a crash or a pulled plug
    loses at most about a second.
    """

    def __init__(self, path: str | os.PathLike, *, has_gyro: bool, meta: dict | None = None,
                 time_fmt: str = DEFAULT_TIME_FMT, value_fmt: str = DEFAULT_VALUE_FMT,
                 flush_interval_s: float = 0.5, autoflush_thread: bool = True):
        self.path = Path(path)
        self.has_gyro = bool(has_gyro)
        self.time_fmt, self.value_fmt = time_fmt, value_fmt
        self.flush_interval_s = float(flush_interval_s)
        self.n_rows = 0
        self._lock = threading.Lock()
        self._dirty = False
        self._closed = False
        meta_text = _format_meta_lines(meta, str(self.path))    # (a key it refuses leaves no file behind)
        self._meta_text = meta_text
        # drop_gyro's state: where the gyro rows are kept, where rows go while (or if) the file cannot be
        # rewritten, the rows held in memory while even that file cannot be made, and what went wrong
        self.gyro_path: Path | None = None
        self.continuation_path: Path | None = None
        self.problem: str | None = None
        self.retry_s = 2.0
        self._held: list[str] = []
        self._cont_head = ""
        self._cont_error: OSError | None = None
        self._cont_tried = 0.0
        self._rewrite_thread: threading.Thread | None = None
        if self.path.is_symlink() and not _writes_straight(str(self.path)):
            # a link at the path is replaced by the recording, not written through (as every output: _output_file.py);
            # the rows themselves go straight to the file as they come, so a crash loses at most the last second.
            # A link to a device, a pipe or an open file (/dev/stdout) is written into, as _output_file does.
            self.path.unlink()
        self._fh = open(self.path, "w", encoding="utf-8", newline="\n")
        self._fh.write(meta_text)
        self._fh.write((HEADER_GYRO if self.has_gyro else HEADER_ACC) + "\n")
        self._ncols = 6 if self.has_gyro else 3
        self._tmpl = _format_row_template(self._ncols, time_fmt, value_fmt)
        self._last_flush = time.monotonic()
        self.flush()
        self._stop = threading.Event()
        self._thread = None
        if autoflush_thread:
            self._thread = threading.Thread(target=self._autoflush, name="NativeCsvWriter-flush", daemon=True)
            self._thread.start()

    # -- public -------------------------------------------------------------------------
    def write(self, time_s, acc_mps2, gyro_rads=None) -> int:
        """Append one sample or a block of samples; returns the number of rows written."""
        t = np.atleast_1d(np.asarray(time_s, dtype=np.float64))
        acc = np.asarray(acc_mps2, dtype=np.float64).reshape(-1, 3)
        if acc.shape[0] != t.shape[0]:
            raise ValueError(f"{t.shape[0]} time(s) but {acc.shape[0]} acceleration row(s)")
        if self.has_gyro:
            if gyro_rads is None:
                raise ValueError("this writer has gyro columns: pass gyro_rads")
            gyro = np.asarray(gyro_rads, dtype=np.float64).reshape(-1, 3)
            if gyro.shape[0] != t.shape[0]:
                raise ValueError(f"{t.shape[0]} time(s) but {gyro.shape[0]} gyro row(s)")
            block = np.column_stack([t, acc, gyro])
        else:
            block = np.column_stack([t, acc])
        tmpl = self._tmpl
        text = "".join(tmpl % tuple(row) for row in block.tolist())
        with self._lock:
            if self._closed:
                raise ValueError("write to a closed NativeCsvWriter")
            if self._fh is not None:
                self._fh.write(text)
            else:                   # (drop_gyro could not make its continuation file yet: held, see there)
                self._held.append(text)
            self._dirty = True
            self.n_rows += t.shape[0]
            if time.monotonic() - self._last_flush >= self.flush_interval_s:
                self._flush_locked()
        return int(t.shape[0])

    def drop_gyro(self, meta: dict | None = None, *, keep_gyro_as: str | os.PathLike | None = None,
                  wait: bool = True) -> Path | None:
        """Go on without gyro columns (a sensor whose gyroscope stopped mid-recording); returns the path of the
        copy that keeps the gyro columns, or None if there were none.

        A native file has one header for all its rows and every cell a finite number (an empty or NaN cell
        is refused by :func:`read_native`), and zeros would read as a trunk that never turned: there is no
        way to write a row without angular rate under a gyro header. So the file becomes what a sensor
        without a gyroscope gives from the start — ``time_s,acc_x,acc_y,acc_z`` — with every row written so
        far (its time and acceleration text unchanged) and the rows to come: one valid file that holds every
        accelerometer sample of the recording and reads with no options. The angular rate written so far is
        not thrown away: the file as it was stays beside it, as ``keep_gyro_as`` (default
        ``<name>.with-gyro<suffix>``), a valid native file of its own. ``meta`` lines are added to the
        header (e.g. when the gyroscope stopped). The file under ``path`` is complete at every moment: the
        new text is written and made durable beside it, then put in its place by one rename.

        The rewrite reads and writes the whole file (0.1–0.5 s per recorded hour), so it runs on a thread of
        its own: a live session calls this with ``wait=False`` from its event loop, which would otherwise
        stall and mistime the sensor's packets. Rows written meanwhile go, durably, to a continuation file
        (``<name>.acc-only<suffix>``, a valid acc-only native file) and are moved behind the rewritten rows,
        in order, when the rename is done; the continuation file is then removed. ``wait=True`` (the default)
        returns once that is done.

        If the rewrite fails (a full disk, a folder that takes no new file), nothing is lost: ``path`` stays
        the file with gyro columns up to here, the recording goes on in the continuation file, and
        :attr:`problem` says so once, naming both files (the return value is then ``path`` itself, where the
        gyro columns are). If even the continuation file cannot be made, the rows are held in memory and the
        file is tried again every :attr:`retry_s` seconds; :meth:`close` raises a :class:`RecordingError`
        naming it if they could never be written."""
        with self._lock:
            if self._closed:
                raise ValueError("drop_gyro on a closed NativeCsvWriter")
            if not self.has_gyro:
                return None
            extra = _format_meta_lines(meta, str(self.path))      # (a key it refuses changes nothing)
            self._flush_locked()
            self._fh.close()
            self._fh = None
            keep = _free_name(Path(keep_gyro_as) if keep_gyro_as is not None else self.path.with_name(
                f"{self.path.stem}.with-gyro{self.path.suffix}"))      # never over a file already there
            self.continuation_path = _free_name(self.path.with_name(f"{self.path.stem}.acc-only{self.path.suffix}"))
            self.has_gyro = False
            self._ncols = 3
            self._tmpl = _format_row_template(self._ncols, self.time_fmt, self.value_fmt)
            self.gyro_path = keep
            # the continuation file: a valid native file of its own (the rewrite's fallback), with this file's
            # metadata, the new lines and what it continues
            self._cont_head = (self._meta_text + extra
                               + _format_meta_lines({"continues": self.path.name}, str(self.path)) + HEADER_ACC + "\n")
            self._open_continuation_locked()
            self._rewrite_thread = threading.Thread(target=self._rewrite_acc_only, args=(keep, extra),
                                                    name="NativeCsvWriter-drop-gyro", daemon=True)
            self._rewrite_thread.start()
        if wait:
            self.wait_rewrite()
            return self.gyro_path
        return keep

    @property
    def rewriting(self) -> bool:
        """A :meth:`drop_gyro` rewrite is still running."""
        th = self._rewrite_thread
        return th is not None and th.is_alive()

    def wait_rewrite(self, timeout: float | None = None) -> bool:
        """Wait for a :meth:`drop_gyro` rewrite to end (True when it has, or none ran)."""
        th = self._rewrite_thread
        if th is not None:
            th.join(timeout)
            return not th.is_alive()
        return True

    def flush(self) -> None:
        """Make everything written so far durable: ``fh.flush()`` + ``os.fsync``."""
        with self._lock:
            if not self._closed:
                self._flush_locked()

    def close(self) -> None:
        """Flush and close (after a :meth:`drop_gyro` rewrite still running has ended). Raises a
        :class:`RecordingError` naming the file if rows held in memory (see :meth:`drop_gyro`) could not be
        written even now."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=2.0)
            self._thread = None
        self.wait_rewrite()
        with self._lock:
            if self._closed:
                return
            if self._fh is None and self._held:
                self._cont_tried = -float("inf")        # a last try, whatever the retry interval
            self._flush_locked()
            self._closed = True
            if self._fh is not None:
                self._fh.close()
            if self._held:
                n = sum(t.count("\n") for t in self._held)
                self._held = []
                err = self._cont_error
                raise RecordingError(
                    f"could not be made ({type(err).__name__}: {getattr(err, 'strerror', None) or err}), so the "
                    f"last {n} samples of the recording (those after the angular rate ended) were not saved; "
                    f"{self.path} holds the samples before", path=str(self.continuation_path),
                    hint=f"free disk space or make {self.path.parent} writable before the next recording; the "
                         "live analysis and its reports include those samples")

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran (the file is complete)."""
        return self._closed

    def __enter__(self) -> "NativeCsvWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):  # best effort; close() is the contract
        try:
            self.close()
        except Exception:
            pass

    # -- internals ------------------------------------------------------------------------
    def _open_continuation_locked(self) -> None:
        """Open the continuation file and write the rows held so far into it (under the lock); on an OSError
        the rows stay held, and the next try is :attr:`retry_s` later."""
        self._cont_tried = time.monotonic()
        try:
            fh = open(self.continuation_path, "x", encoding="utf-8", newline="\n")
        except OSError as exc:
            self._cont_error = exc
            return
        try:
            fh.write(self._cont_head + "".join(self._held))
            fh.flush()
            os.fsync(fh.fileno())
        except OSError as exc:
            fh.close()
            with contextlib.suppress(OSError):
                os.unlink(self.continuation_path)
            self._cont_error = exc
            return
        self._held = []
        self._fh = fh
        self._cont_error = None

    def _rewrite_acc_only(self, keep: Path, extra: str) -> None:
        """The body of :meth:`drop_gyro`'s rewrite (its own thread): the acc-only text of every row so far into
        a temporary file, then — under the lock, so no row comes between — the rows since (continuation file
        and held), the rename, and the writer back on ``path``."""
        tmp: Path | None = None
        linked = False
        try:
            st = os.stat(self.path)
            if not stat.S_ISREG(st.st_mode):
                # a recording sent into a pipe or a device (--record through a link to a named pipe) cannot be
                # read back: opening it would wait for ever for a writer. The rows go on in the continuation file
                raise OSError(errno.ESPIPE, "a pipe or device cannot be read back and rewritten", str(self.path))
            # a name of its own, made new (O_EXCL): a fixed name was truncated or written through a link left at
            # it, and shared by two recorders of one name in a folder (review s43); the file's permissions kept
            fd, tmp_name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name[:TEMP_NAME_CHARS]}.",
                                            suffix=".acc-only.tmp")
            tmp = Path(tmp_name)
            with contextlib.suppress(OSError):
                os.fchmod(fd, stat.S_IMODE(st.st_mode))
            with open(fd, "w", encoding="utf-8", newline="\n") as dst, \
                    open(self.path, "r", encoding="utf-8", newline="\n") as src:
                header_seen = False
                for line in src:
                    if header_seen:
                        parts = line.split(",", 4)      # time and acceleration: the text as first written
                        dst.write(",".join(parts[:4]) + ("\n" if len(parts) > 4 else ""))
                    elif line.startswith("#"):
                        dst.write(line)
                    else:                               # the header line
                        dst.write(extra + HEADER_ACC + "\n")
                        header_seen = True
                dst.flush()
                with self._lock:
                    # the rows since the drop, in order: the continuation file's (past its head), then held ones
                    if self._fh is not None:
                        self._fh.flush()
                        with open(self.continuation_path, "rb") as cont:     # (bytes: a text file seeks by cookie)
                            cont.seek(len(self._cont_head.encode("utf-8")))
                            dst.write(cont.read().decode("utf-8"))          # (seconds of rows: small)
                    dst.write("".join(self._held))
                    dst.flush()
                    os.fsync(dst.fileno())
                    try:                 # the gyro rows stay as they are, under the new name: a hard link, no copy
                        os.link(self.path, keep)
                    except OSError:      # (a file system without hard links: FAT on a memory stick)
                        shutil.copyfile(self.path, keep)
                    linked = True
                    # the append handle first, on the new text itself: after the rename nothing can fail, so no
                    # row is ever in both the rewritten file and the continuation file
                    fh = open(tmp, "a", encoding="utf-8", newline="\n")
                    try:
                        os.replace(tmp, self.path)
                    except OSError:
                        fh.close()
                        raise
                    if self._fh is not None:
                        self._fh.close()
                        with contextlib.suppress(OSError):
                            os.unlink(self.continuation_path)
                    self._fh, self._held = fh, []
                    self.continuation_path = None
        except Exception as exc:  # noqa: BLE001 - any failure: say so, lose nothing (the recording goes on)
            # ``path`` is untouched (the rename is the last step): the temporary text goes, and so does the copy
            # of ``path`` made for the gyro rows — ``path`` itself keeps them
            for leftover in ((tmp, keep) if linked else (tmp,)):
                if leftover is not None:
                    with contextlib.suppress(OSError):
                        os.unlink(leftover)
            with self._lock:
                self.gyro_path = self.path
                self.problem = self._problem_text(exc)

    def _problem_text(self, exc: BaseException) -> str:
        why = f"{type(exc).__name__}: {getattr(exc, 'strerror', None) or exc}"
        cont = self.continuation_path
        if self._fh is not None and isinstance(exc, OSError) and exc.errno == errno.ESPIPE:
            # (a pipe's rows went to its reader: 'imu-gait analyze <the pipe>' would wait for a writer, or read
            # nothing — review s40 L4)
            return (f"{self.path} is a pipe or device, not a file: the rows sent into it (every sample up to when the "
                    "angular rate ended, with it) went to whatever reads it and cannot be rewritten without their "
                    f"gyro columns. Nothing is lost: the recording goes on in {cont} (every sample since, without "
                    "angular rate; the same time axis).\n  What to do: keep the file the program reading "
                    f"{self.path} saved together with {cont}, and analyse each ('imu-gait analyze <that file>' and "
                    f"'imu-gait analyze {cont}').")
        if self._fh is not None:
            return (f"{self.path}: could not be rewritten without its gyro columns ({why}). Nothing is lost: it keeps "
                    f"every sample up to when the angular rate ended, with it, and the recording goes on in {cont} "
                    "(every sample since, without angular rate; the same time axis).\n  What to do: keep both files "
                    f"together and analyse each ('imu-gait analyze {self.path}' and '… {cont}').")
        cerr = self._cont_error
        cwhy = f"{type(cerr).__name__}: {getattr(cerr, 'strerror', None) or cerr}" if cerr is not None else why
        return (f"{self.path}: could not be rewritten without its gyro columns ({why}), and {cont} could not be "
                f"made to go on in ({cwhy}): the samples since are held in memory and written to {cont} as soon "
                f"as {self.path.parent} takes a new file (tried every {self.retry_s:g} s).\n  What to do: free "
                f"disk space or make {self.path.parent} writable now — held samples that cannot be written by "
                "the end of the walk are lost from the recording (the live analysis has them).")

    def _flush_locked(self) -> None:
        if self._fh is None:
            # rows held since drop_gyro could not make the continuation file: try it again now and then
            if self._held and time.monotonic() - self._cont_tried >= self.retry_s:
                self._open_continuation_locked()
            if self._fh is None:
                self._last_flush = time.monotonic()
                return
        self._fh.flush()
        try:
            os.fsync(self._fh.fileno())
        except OSError as exc:
            # a pipe or a terminal (--record through a link to a named pipe, or /dev/stdout) has nothing to make
            # durable: the system says EINVAL; anything else (a full disk) is a real failure
            if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
                raise
        self._dirty = False
        self._last_flush = time.monotonic()

    def _autoflush(self) -> None:
        period = min(self.flush_interval_s, 0.5)
        while not self._stop.wait(period):
            with self._lock:
                if self._closed:
                    return
                if self._dirty and time.monotonic() - self._last_flush >= self.flush_interval_s:
                    self._flush_locked()
