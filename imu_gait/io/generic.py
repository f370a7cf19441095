"""Any CSV, described by options.

``read_generic(path, time_col=…, time_unit=…, acc_cols=[…], acc_unit=…, gyro_cols=[…],
gyro_unit=…, delimiter=…, skiprows=…, sample_rate_hz=…, day_first=…)``

* ``time_col``: column name or 0-based index (default: a column called time/timestamp/t, also
  with its unit — time_ms, timestamp_ns —, else column 0); ``'none'`` for a file without one (then
  ``sample_rate_hz`` is needed: the rows are taken as consecutive samples);
* ``time_unit``: ``s`` | ``ms`` | ``us`` | ``ns`` | ``datetime`` | ``samples`` (default: guessed
  from the spacing of the time stamps, with a warning; ``samples`` when ``sample_rate_hz`` is
  given). A column in seconds is kept as the recording's time axis (as in the native format);
  Unix times, ms/µs/ns counters, sample counters and date/times start at 0, and
  ``meta['time_offset_s']`` (numbers) or ``meta['start_time_iso']`` (date/times) map back;
* ``day_first``: how numeric dates in a date/time column are ordered. Default: as the column shows it —
  ``dd.mm.yyyy`` is day-first (the convention where it is written), ``nn/nn/yyyy`` day-first when a first
  field is over 12 and month-first when a second one is; slash dates that fit both (every day ≤ 12) are read
  month-first with a warning. ``True`` / ``False`` says it; dates that contradict it are refused;
* ``sample_rate_hz``: for a time column that counts samples (a sensor's packet counter: a jump
  in it is a gap of dropped samples, kept as a gap; an 8/16/32-bit counter rolling over to 0 is
  unwrapped, with a warning) or for no time column at all;
* ``acc_cols``: 3 names or indices (default: ``acc_x…``/``ax…``/``x,y,z`` by name, else the
  3 columns after time); ``acc_unit``: ``m/s2`` | ``g`` | ``mg``;
* ``gyro_cols``: 3 names or indices or ``None`` (default: ``gyro_x…``/``gx…`` by name, or
  columns 4–6 of a headerless 7-column file); ``gyro_unit``: ``rad/s`` | ``deg/s``;
* ``delimiter``: default sniffed from the first line (``,`` ``;`` tab); ``skiprows``:
  lines to skip before the header (or first data row).

Units that were not given are inferred from magnitudes (|a| ≈ 1 g at rest and on average
while walking; trunk |ω| rarely exceeds a few rad/s) and a warning says what was assumed.
Units that were given and contradict the data are refused.
"""
from __future__ import annotations

import io
import os
import re
import shlex
import warnings as _warnings
from pathlib import Path
from typing import Callable, NamedTuple, Sequence

import numpy as np
import pandas as pd

from ..clocktext import (AMBIGUOUS, DAY_FIRST, MONTH_FIRST, date_order, first_misread_date, has_utc_offset,
                         is_time_of_day_only, reads_day_first)
from ..errors import RecordingError
from ..recording import MIN_DURATION_S, MIN_RATE_ACCEPTED_HZ, MIN_RATE_HZ, Recording
from . import _blocks
from ._common import (blank_separator_rows, is_blank_or_separators, separator_rows_warning,
                      TIME_UNITS, acc_factor, check_stated_acc_unit, check_stated_gyro_unit, clean_os_errors,
                      csv_lines, find_overlong_row, finish, first_misfit_row, float32_clock, guess_acc_unit,
                      guess_gyro_unit, gyro_factor, header_names, is_data_cell, read_csv_safely, require_closed_quotes,
                      require_csv_file, row_line_mapper, rows_lost_or_shifted, sniff_decimal, sniff_delimiter, split_header, to_numbers)

GENERIC_OPTIONS = ("time_col", "time_unit", "acc_cols", "acc_unit", "gyro_cols", "gyro_unit", "delimiter",
                   "skiprows", "sample_rate_hz", "day_first")

#: time_col value for a file without a time column (rows are consecutive samples at sample_rate_hz)
NO_TIME_COLUMN = "none"

_ACC_NAME_SETS = [("acc_x", "acc_y", "acc_z"), ("ax", "ay", "az"), ("accx", "accy", "accz"),
                  ("acc x", "acc y", "acc z"), ("accel_x", "accel_y", "accel_z"), ("x", "y", "z")]
_GYRO_NAME_SETS = [("gyro_x", "gyro_y", "gyro_z"), ("gx", "gy", "gz"), ("gyrx", "gyry", "gyrz"),
                   ("gyr_x", "gyr_y", "gyr_z"), ("gyro x", "gyro y", "gyro z")]


#: a header name the generic reader takes for the time column when none is given
# (a unit suffix too: time_ms, timestamp_ns — the reader takes the unit from it)
_TIME_NAME_RX = re.compile(r"^(time|timestamp|t|unix)(_(s|ms|us|ns))?\b")


#: a line before the header that states the sampling rate ('Acquisition frequency: 100 Hz' in the IPOL
#: gait data set's Xsens files, '// Update Rate: 100.0Hz', 'Sampling rate = 50 Hz')
_RATE_LINE_RX = re.compile(r"^\s*(?://\s*)?(?:acquisition|sampling|sample|update|output)?\s*(?:frequency|rate)\s*[:=]"
                           r"\s*([0-9]+(?:\.[0-9]+)?)\s*hz\b", re.IGNORECASE)
#: a header name of a sample / packet counter
_COUNTER_NAME_RX = re.compile(r"^(packet_?counter|packet|counter|sample_?(index|number|count)?|samples|index)$")


class DateReading(NamedTuple):
    """How a date/time column's numeric dates were read (:meth:`_Rows.datetimes`)."""
    day_first: bool      # read day-first
    order: str | None    # what the column's own dates showed (:func:`imu_gait.clocktext.date_order`)


class PlainTable(NamedTuple):
    """What :func:`plain_table_layout` found."""
    why: str             # a few words on which layout it is, for the message that says the file was read so
    options: dict        # the reader options that read it (lines to skip, the counter and the rate; or none)
    headerless: bool     # no header: the columns are taken by position (time, acc x/y/z[, gyro x/y/z])
    n_columns: int


def plain_table_layout(head: str) -> PlainTable | None:
    """Whether a file no format claimed is still plainly a table of samples that :func:`read_generic`
    reads right on its own rules, judged from the file's first bytes ``head``: every one of the first 20
    rows holds the same number of cells, each a number or a date/time, and either

    * there is no header and 4 or 7 columns (time, acceleration x/y/z[, gyroscope x/y/z] — Axivity and
      skdh exports, many loggers), the first counting up; or
    * the header names a time column (time, timestamp, t, unix …) and three acceleration columns by a
      name the reader knows (acc_x…, ax…, accx…, x/y/z …); or
    * a line before the header states the sampling rate ('Acquisition frequency: 100 Hz'), and the header
      names a sample counter (PacketCounter, sample, index …) and the acceleration columns — the IPOL gait
      data set's Xsens files.

    Returns a :class:`PlainTable`, or None when the layout is not that plain: then which column is what
    must be said (options)."""
    lines = [l for l in csv_lines(head.lstrip("\ufeff")) if l.strip()]
    lines = lines[:-1] if len(lines) > 21 else lines        # the last line of a cut-off head may be partial
    stated = _rate_line(lines)                              # a preamble that states the rate
    rate, skip = (stated[0], stated[1] + 1) if stated else (None, 0)
    if rate is not None:
        if any(not (l.lstrip().startswith(("#", "//")) or ":" in l or "=" in l) for l in lines[:skip]):
            return None                                     # not a preamble of 'name: value' lines
        if not all(lines[k] == raw for k, raw in enumerate(csv_lines(head.lstrip("\ufeff"))[:skip])):
            return None                                     # blank lines in it: skiprows would miss the header
    body = lines[skip:]
    while body and body[0].lstrip().startswith("#"):       # comment lines before the table (the reader skips them)
        body = body[1:]
    if any(l.lstrip().startswith("#") for l in body) or len(body) < 4:
        return None
    delim = sniff_delimiter(body[0], body[1:21])
    cells = split_header(body[0], delim)
    has_header = not all(is_data_cell(c) and c for c in cells)
    rows = [split_header(l, delim) for l in body[1 if has_header else 0:21]]
    if any(len(r) != len(cells) or not all(c and is_data_cell(c) for c in r) for r in rows):
        return None
    if not has_header:
        if rate is not None or len(cells) not in (4, 7):
            return None
        try:                          # the first column must count up like a clock (a date/time is taken as one)
            first = np.array([float(r[0]) for r in rows])
        except ValueError:
            first = None
        if first is not None and not np.all(np.diff(first) > 0):
            return None
        return PlainTable(f"no header, {len(cells)} columns of numbers", {}, True, len(cells))
    lowered = [c.lower() for c in cells]
    if _find_set(cells, _ACC_NAME_SETS) is None:
        return None
    if rate is not None:
        counter = next((c for c, low in zip(cells, lowered) if _COUNTER_NAME_RX.match(low)), None)
        if counter is None:
            return None
        return PlainTable(f"a line stating {rate:g} Hz, then a header naming a sample counter and the acceleration "
                          "columns", {"skiprows": skip, "time_col": counter, "time_unit": "samples",
                                      "sample_rate_hz": rate}, False, len(cells))
    if any(_TIME_NAME_RX.match(c) for c in lowered):
        return PlainTable("its header names the time and acceleration columns", {}, False, len(cells))
    return None


# a clock's step per sample, in each unit, for a sampling rate of 10–1000 Hz (the ranges do not overlap)
_TIME_UNIT_STEPS = (("s", 1e-3, 0.1, 1.0), ("ms", 1.0, 100.0, 1e-3), ("us", 1e3, 1e5, 1e-6), ("ns", 1e6, 1e8, 1e-9))
# the median size of a still-or-walking trunk's acceleration (gravity dominates it), in each unit
_ACC_UNIT_SIZES = (("m/s2", 7.0, 12.5), ("g", 0.7, 1.3), ("mg", 700.0, 1300.0))
# a second gravity-sized column set is taken for another accelerometer only when its size is as steady as gravity:
# its standard deviation under this share of its median (a gyroscope's |ω| of ≈ 1 rad/s beside acceleration in g
# swings far more: 0 of 58 walking windows hinted as a second sensor, two accelerometers 58 of 58; daba0dc)
_SECOND_SENSOR_MAX_SPREAD = 0.3


def guess_layout(head: str, path: str) -> str | None:
    """For a table of numbers that no format claims and :func:`plain_table_layout` does not read on its
    own, a guess at which column is what, to show the user — never to read by: a column counting up like a
    clock of 10–1000 samples a second (its unit from its step), and three neighbouring columns whose vector
    has the size of gravity (their unit from that size). Returns the sentence with the command that would
    read the file so, or None when the first rows do not show both. (The Oxford step counter's phone logs
    are such tables: ns since boot, an accuracy column, then x, y, z in m/s².)"""
    lines = [l for l in csv_lines(head.lstrip("\ufeff")) if l.strip()]
    lines = lines[:-1] if len(lines) > 21 else lines       # the last line of a cut-off head may be partial
    if len(lines) < 6:
        return None
    delim = sniff_delimiter(lines[0], lines[1:21])
    cells = split_header(lines[0], delim)
    has_header = not all(is_data_cell(c) and c for c in cells)
    try:
        rows = np.array([[float(c) for c in split_header(l, delim)] for l in lines[1 if has_header else 0:]], float)
    except ValueError:
        return None                                         # dates, a decimal comma, text: leave it to the user
    if rows.ndim != 2 or rows.shape[0] < 5 or rows.shape[1] != len(cells) or rows.shape[1] < 4:
        return None
    steps = np.diff(rows, axis=0)
    time_col, time_unit, rate_hz = None, None, None
    for j in range(rows.shape[1]):
        if not np.all(steps[:, j] > 0):
            continue
        step = float(np.median(steps[:, j]))
        unit = next(((u, scale) for u, lo, hi, scale in _TIME_UNIT_STEPS if lo <= step <= hi), None)
        if unit is not None:
            time_col, (time_unit, scale) = j, unit
            rate_hz = 1.0 / (step * scale)
            break
    if time_col is None:
        return None
    found = []                  # every gravity-sized triple, not overlapping: one per sensor
    j = 0
    while j < rows.shape[1] - 2:
        norm = np.linalg.norm(rows[:, j:j + 3], axis=1)
        size = float(np.median(norm))
        unit = next((u for u, lo, hi in _ACC_UNIT_SIZES if lo <= size <= hi), None)
        # a second sensor's too, steady as gravity is (a gyroscope's |ω| of ≈ 1 rad/s swings far more)
        steady = not found or float(np.std(norm)) < _SECOND_SENSOR_MAX_SPREAD * size
        if time_col not in (j, j + 1, j + 2) and unit is not None and steady:
            found.append(([j, j + 1, j + 2], unit))
            j += 3
        else:
            j += 1
    if not found:
        return None
    cols, acc_unit = found[0]
    name = (lambda j: cells[j]) if has_header else str
    others = "".join(f"; so do columns {', '.join(name(j) for j in c)} ({u})" for c, u in found[1:])
    if others:                  # two sensors (back and wrist, hip and ankle): which is the trunk's is the user's word
        others += (f" — {len(found)} sensors? Give the trunk sensor's columns to --acc-cols (the first set is "
                   "in the command that follows)")
    opts = ["--time-col", name(time_col), "--time-unit", time_unit, "--acc-cols", ",".join(name(j) for j in cols),
            "--acc-unit", acc_unit]
    command = " ".join(shlex.quote(w) for w in ["imu-gait", "analyze", path, *opts])
    return (f"it looks like a table of {rows.shape[1]} columns of numbers{'' if has_header else ' without a header'}: "
            f"column {name(time_col)} counts up like a clock in {time_unit} (about {rate_hz:.0f} samples a second) and "
            f"columns {', '.join(name(j) for j in cols)} have the size of gravity in {acc_unit}{others}. If that is right, "
            f"read it with: {command} (add --gyro-cols X,Y,Z --gyro-unit rad/s|deg/s for a gyroscope)")


def _resolve(spec, cols: list[str], label: str, what: str, header_line: int | None) -> int:
    if isinstance(spec, str) and cols.count(spec) > 1 or (
            isinstance(spec, str) and spec not in cols and [c.lower() for c in cols].count(spec.lower()) > 1):
        where = [str(j) for j, c in enumerate(cols) if c.lower() == spec.lower()]
        raise RecordingError(f"the header names {len(where)} columns {spec!r} (columns {', '.join(where)}), so "
                             f"the name cannot say which is meant for {what}", path=label, line=header_line,
                             hint="pass 0-based column indices instead (e.g. --acc-cols 1,2,3)")
    if isinstance(spec, (int, np.integer)) or (isinstance(spec, str) and spec.strip().lstrip("-").isdigit()
                                               and spec not in cols):
        i = int(spec)
        if not -len(cols) <= i < len(cols):
            raise RecordingError(f"{what} index {i} is out of range: the file has {len(cols)} column(s)",
                                 path=label, line=header_line, hint="column indices count from 0")
        return i % len(cols)
    lowered = [c.lower() for c in cols]
    if spec in cols:
        return cols.index(spec)
    if str(spec).lower() in lowered:
        return lowered.index(str(spec).lower())
    raise RecordingError(f"no column named {spec!r} for {what} (columns: {', '.join(cols)})", path=label,
                         line=header_line, hint="pass a name from the header or a 0-based index")


def _find_set(cols: list[str], sets) -> list[int] | None:
    lowered = [c.lower().strip() for c in cols]
    for names in sets:
        if all(n in lowered for n in names):
            return [lowered.index(n) for n in names]
    # names with units, e.g. "ax (g)" or "acc_x [m/s^2]"
    stripped = [re.sub(r"\s*[\(\[].*$", "", c) for c in lowered]
    for names in sets:
        if all(n in stripped for n in names):
            return [stripped.index(n) for n in names]
    return None


def _tagged(name: str) -> re.Pattern:
    """``name`` with a sensor's name before or after it ('acc_x_hip', 'chest_acc_x', 'acc_x.1')."""
    return re.compile(rf"^(?:.+[_\s.\-])?{re.escape(name)}(?:[_\s.\-].+)?$")


def _sensor_sets(cols: list[str], found: list[int] | None, sets) -> list[list[int]]:
    """Every triple of columns in the header that names the same axes as the set ``found`` (from
    :func:`_find_set`), one per sensor: the same names with a unit or sensor in brackets ('x (ankle)' …
    'x (hip)' …), repeated, or with a sensor's name before or after them ('acc_x_hip', 'chest_acc_x'). One
    triple: one sensor. (Bare x/y/z count only so: 'hip_x' may be anything.)"""
    lowered = [c.lower().strip() for c in cols]
    stripped = [re.sub(r"\s*[\(\[].*$", "", c) for c in lowered]
    if found is None:         # no plain names ('back_acc_x', 'wrist_acc_x'): the first set tagged twice or more
        return max((_sensor_sets(cols, [j], [n]) for n in sets if n[0] != "x"
                    for j in range(len(cols)) if _tagged(n[0]).match(stripped[j])), key=len, default=[])
    names = next(n for n in sets if n[0] in (lowered[found[0]], stripped[found[0]]) or _tagged(n[0]).match(
        stripped[found[0]]))
    per_axis = []
    for n in names:
        tagged = _tagged(n) if n not in ("x", "y", "z") else None
        per_axis.append([j for j in range(len(cols)) if n in (lowered[j], stripped[j])
                         or (tagged is not None and tagged.match(stripped[j]))])
    if len({len(a) for a in per_axis}) != 1:        # not one column per axis and sensor: leave it to the
        return [found]                               # names _find_set chose
    return [list(t) for t in zip(*per_axis)]


#: what a column name's extra word or bracket may say that is not a sensor: a unit ('x (g)' … 'x (deg/s)' is one
#: sensor's acceleration and rotation) or a derived signal of the same sensor ('acc_x' … 'lin_acc_x', 'gyro_x_bias')
_NOT_A_SENSOR_TAG = re.compile(
    r"^(?:g|mg|gs|m\s*/\s*s.*|m\s*s.*|deg.*|°.*|rad.*|dps|1/s|/s|s\^?-1|units?|si|"
    r"lin|linear|filtered|filt|mean|avg|average|bias|raw|cal|calibrated|uncal|uncalibrated|std|sd|min|max|"
    r"smooth|smoothed|norm|hp|lp|offset|drift|world|earth|global|body|sensor|device|local|gravity|grav|user)$")


def _tag_words(cols: list[str], triples: list[list[int]]) -> list[set[str]]:
    """Per triple, what its first column's name says beyond the words all the triples share (and its bracket)."""
    lowered = [cols[t[0]].lower().strip() for t in triples]
    brackets = [set(re.findall(r"[\(\[]\s*([^\)\]]*?)\s*[\)\]]", c)) for c in lowered]
    words = [set(w for w in re.split(r"[_\s.\-]+", re.sub(r"\s*[\(\[].*$", "", c)) if w) for c in lowered]
    common = set.intersection(*words) if words else set()
    return [(w - common) | b for w, b in zip(words, brackets)]


def _refuse_several_sensors(cols: list[str], found: list[int] | None, sets, what: str, option: str, label: str,
                            header_line: int | None, *, also: str = "") -> None:
    """Raise when the header holds ``what`` (acceleration or angular rate) of more than one sensor: reading the
    first would analyse a wrist, foot or second trunk sensor as silently as the right one (or mix their axes)."""
    triples = _sensor_sets(cols, found, sets)
    if len(triples) < 2:
        return
    if any(tag and all(_NOT_A_SENSOR_TAG.match(w) for w in tag) for tag in _tag_words(cols, triples)):
        return          # a unit or a derived signal tells this set apart, not a sensor's name (review s38)
    if any(cols.count(cols[j]) > 1 for t in triples for j in t):
        return          # the very same names twice (time,x,y,z,x,y,z is often acc then gyro): read the first of
                        # each, with the warning that names the columns used and how to choose others
    shown = "; ".join(", ".join(cols[j] for j in t) for t in triples)
    raise RecordingError(
        f"the header names the {what} of {len(triples)} sensors ({shown}): which one sat on the trunk cannot be "
        "told from the file", path=label, line=header_line,
        hint=f"choose one sensor's columns with {option} (e.g. {option} "
             f"{shlex.quote(','.join(cols[j] for j in triples[-1]))}){also}; from Python: "
             f"imu_gait.read(path, {option.strip('-').replace('-', '_')}=[…])")


#: seconds above which a time column in seconds is a wall clock (Unix time; 1e8 s ≈ 1973), not a
#: recording's own axis
EPOCH_MIN_S = 1e8


def _time_axis(traw: np.ndarray, unit: str) -> tuple[np.ndarray, dict]:
    """Seconds for the time axis and the meta that maps them back to the file's column.

    A column in seconds *is* the recording's own axis, kept as the native format keeps ``time_s``
    (the JSON contract: step times in the recording's own axis). Clock readings — Unix time, or
    ms/µs/ns counters (mostly time since the device booted) — start at 0 instead: hours of
    nothing before the first sample help no one. ``time_offset_s`` (what to add to ``time_s`` to
    get the file's column in seconds) keeps the mapping, and reaches the JSON summary.
    """
    scale = TIME_UNITS[unit]
    first_s = float(traw[0]) * scale
    if unit == "s" and abs(first_s) < EPOCH_MIN_S:
        return traw * scale, {"time_offset_s": 0.0}
    origin = {"time_offset_s": first_s}
    if abs(first_s) >= EPOCH_MIN_S:
        origin["start_unix_s"] = first_s
    t = traw - traw[0]
    t *= scale                  # (in place: the same numbers as (traw − traw[0]) × scale, one array fewer)
    return t, origin


#: bit widths of the sample counters loggers write: a byte, a 16-bit packet counter (Xsens PacketCounter,
#: most BLE sensors), a 32-bit count
COUNTER_BITS = (8, 16, 32)


def counter_wraps(counter: np.ndarray) -> tuple[int, np.ndarray] | None:
    """``(modulus 2**k, indices i at which counter[i] wrapped to 0 after counter[i-1])`` when each of the
    column's backward steps is a k-bit counter rolling over: whole numbers in [0, 2**k) (k the smallest of
    :data:`COUNTER_BITS` that holds them) and each drop a forward step once 2**k is added — of at most the
    largest forward step elsewhere, or 2**k / 64 (a few packets lost at the rollover). None when it never goes
    back, or goes back otherwise (a reset from 200 to 0 is two recordings joined: check_time_axis says so)."""
    if counter.size < 2:
        return None
    steps = np.diff(counter)
    back = np.flatnonzero(steps < 0)
    if back.size == 0 or float(counter.min()) < 0:
        return None
    top = float(counter.max())
    modulus = next((2 ** k for k in COUNTER_BITS if top < 2 ** k), None)
    if modulus is None or not np.all(counter[back] == np.round(counter[back])):
        return None
    wrapped = steps[back] + modulus          # the step the counter really took, across the rollover
    forward = steps[steps > 0]
    largest = max(float(forward.max()) if forward.size else 1.0, modulus / 64)
    if not (np.all(wrapped >= 1) and np.all(wrapped <= largest)):
        return None
    return modulus, back + 1


def unwrap_counter(counter: np.ndarray, modulus: int, at: np.ndarray) -> np.ndarray:
    """The counter with ``modulus`` added from each rollover (``at``) on: it keeps counting up."""
    add = np.zeros(counter.size)
    add[at] = modulus
    return counter + np.cumsum(add)


def _refuse_wrapping_counter(traw: np.ndarray, unit: str, how: str, label: str, column: str,
                             line_of: Callable[[int], int | None]) -> None:
    """A counter that rolls over, read as a time in ``unit``: refused as what it is, not as 'time goes
    backwards … split the file' (a continuous recording). Only a column read as samples is unwrapped: one
    stepping by 1 counts samples (say so); a clock's ticks that roll over are not guessed at."""
    wraps = counter_wraps(traw)
    if wraps is None:
        return
    modulus, at = wraps
    i = int(at[0])
    bits = modulus.bit_length() - 1
    steps = np.diff(traw[:i])
    by_one = steps.size > 0 and float(np.median(steps)) == 1.0
    hint = ("it counts samples: read it as a sample counter, --time-unit samples --sample-rate HZ (from Python: "
            "time_unit='samples', sample_rate_hz=…), and imu_gait unwraps it" if by_one else
            "imu_gait unwraps only a sample counter (--time-unit samples --sample-rate HZ); for ticks of a clock, "
            f"add {modulus} to the column from each rollover on, or pass another time column (--time-col)")
    raise RecordingError(f"the column goes back from {traw[i - 1]:.0f} to {traw[i]:.0f} ({at.size} time(s)): a "
                         f"{bits}-bit counter rolling over, not a time in {unit} ({how.split(',')[0]})", path=label,
                         line=line_of(i), column=column, hint=hint)


def _refuse_short_in_unit(traw: np.ndarray, unit: str, how: str, label: str, column: str) -> None:
    """Too short or too slow *because of the time unit*: say which unit made it so and which would fit
    ('lasts 3.0 s … record for longer' sent people to record again when the unit was guessed wrong;
    ns stamps read as ms were 'about 0.0 Hz … check the time unit (ms vs s)', naming neither)."""
    span = float(np.ptp(traw)) if traw.size else 0.0
    pos = np.diff(traw)
    pos = pos[pos > 0]
    step = float(np.median(pos, overwrite_input=True)) if pos.size else 0.0    # (pos: a copy; a day's: 70 MB)
    del pos
    rate = 1.0 / (step * TIME_UNITS[unit]) if step > 0 else float("inf")
    too_short = span * TIME_UNITS[unit] < MIN_DURATION_S
    if not too_short and rate >= MIN_RATE_ACCEPTED_HZ:
        return
    fits = [u for u in ("s", "ms", "us", "ns") if u != unit and step > 0
            and span * TIME_UNITS[u] >= MIN_DURATION_S and MIN_RATE_HZ <= 1.0 / (step * TIME_UNITS[u]) <= 5000.0]
    if not too_short and not fits:
        return                           # a slow logger, whatever the unit: Recording.validated says so
    hint = (f"if the column is in {fits[0]}, pass time_unit='{fits[0]}' (CLI: --time-unit {fits[0]}): the recording "
            f"would last {span * TIME_UNITS[fits[0]]:.0f} s at {1.0 / (step * TIME_UNITS[fits[0]]):.0f} Hz"
            if fits else "pass the time unit (time_unit=s|ms|us|ns; CLI --time-unit), or the right time column "
                         "(a sample counter needs the rate: sample_rate_hz=…, CLI --sample-rate HZ); "
                         "if the recording really is this short, record for longer")
    if too_short:
        what = f"spans {span * TIME_UNITS[unit]:.3g} s: at least {MIN_DURATION_S:.0f} s of walking are needed"
    else:
        what = (f"steps by {step:.6g} {unit} (median): a sampling rate of {rate:.3g} Hz, where gait analysis needs at least "
                f"{MIN_RATE_HZ:.0f} Hz")
    raise RecordingError(f"read in {unit} ({how}), the time column {what}", path=label, column=column, hint=hint)


#: unit names a units row may use (lower case, spaces and brackets removed) → the reader's unit
_TIME_UNIT_NAMES = {**{k: "s" for k in ("s", "sec", "secs", "second", "seconds")},
                    **{k: "ms" for k in ("ms", "msec", "msecs", "millis", "milliseconds")},
                    **{k: "us" for k in ("us", "µs", "usec", "usecs", "microseconds")},
                    **{k: "ns" for k in ("ns", "nsec", "nsecs", "nanoseconds")}}
_ACC_UNIT_NAMES = {**{k: "m/s2" for k in ("m/s2", "m/s^2", "m/s²", "ms-2", "ms^-2", "mps2", "m/s/s")},
                   "g": "g", "mg": "mg"}
_GYRO_UNIT_NAMES = {**{k: "deg/s" for k in ("deg/s", "deg/sec", "°/s", "dps", "degrees/s", "degree/s")},
                    **{k: "rad/s" for k in ("rad/s", "rad/sec", "rads", "rad/s^1")}}


def _row_unit(cells: list[str], names: dict[str, str]) -> str | None:
    """The unit the units row gives these columns, if they all name the same known one."""
    found = {names.get(re.sub(r"[\s()\[\]]", "", c.lower())) for c in cells}
    return found.pop() if len(found) == 1 and None not in found else None


def _rate_line(lines: Sequence[str]) -> tuple[float, int, str] | None:
    """(rate in Hz, index, the line) of the last of the first 10 lines that states a sampling rate
    ('Acquisition frequency: 100 Hz'), or None."""
    found = None
    for i, line in enumerate(lines[:10]):
        m = _RATE_LINE_RX.match(line)
        if m:
            found = (float(m.group(1)), i, line.strip())
    return found


def _stated_rate(path: str) -> tuple[float, str] | None:
    """(rate in Hz, the line that states it) from a file's first lines (:func:`_rate_line`), or None."""
    with open(path, "rb") as fb:
        head = fb.read(4096).decode("utf-8", "replace").lstrip("\ufeff")
    found = _rate_line(head.splitlines())
    return None if found is None else (found[0], found[2])


def _sample_rate(sample_rate_hz, time_unit, no_time_col: bool, path: str) -> float | None:
    """The sampling rate a counter (or row number) is divided by, checked against the other options."""
    unit = (time_unit or "").strip().lower() or None
    if sample_rate_hz is None:
        if no_time_col:
            raise RecordingError("a file without a time column needs its sampling rate", path=path,
                                 hint="pass sample_rate_hz=… (CLI: --sample-rate HZ)")
        if unit == "samples":
            raise RecordingError("a time column that counts samples needs the sampling rate", path=path,
                                 hint="pass sample_rate_hz=… (CLI: --sample-rate HZ)")
        return None
    try:
        rate = float(sample_rate_hz)
    except (TypeError, ValueError):
        rate = float("nan")
    if not (MIN_RATE_HZ <= rate <= 10_000.0):
        raise RecordingError(f"sample rate {sample_rate_hz!r} Hz is not usable", path=path,
                             hint=f"gait analysis needs a rate between {MIN_RATE_HZ:.0f} and 10000 Hz")
    if unit not in (None, "samples"):
        raise RecordingError(f"a sample rate was given with a time column in {unit}: the rate is for a column "
                             "that counts samples (a packet counter) or a file without a time column", path=path,
                             hint="drop --sample-rate (the time column says when each sample was taken), or "
                                  "pass --time-unit samples")
    return rate


_BOM = b"\xef\xbb\xbf"

#: bytes of a large file in which its header, units row and first data rows are looked for
HEAD_BYTES = 1 << 20


class _Rows:
    """The data rows of a CSV text — the whole file's, or one block's of a large file (``bytes``) — parsed
    by pandas' C parser (the used columns only), with each row's line in the file for naming a bad cell.

    ``skiprows``: lines of ``text`` before its data; ``first_line_no``: the file line of the first of
    them; ``lines``: the data lines when the caller has them (else split from ``text`` when needed)."""

    def __init__(self, text: str | bytes, skiprows: int, first_line_no: int, *, label: str, cols: list[str],
                 use: list[int], delim: str, decimal: str, lines: list[str] | None = None):
        self.text, self.skiprows, self.first_line_no = text, skiprows, first_line_no
        self.label, self.cols, self.delim, self.decimal = label, cols, delim, decimal
        self._lines = lines
        self._nonblank: np.ndarray | None = None
        #: rows of only separators (Excel's empty rows) made blank lines: ``(file line of the first, count)``
        self.skipped: list[tuple[int, int]] = []
        try:
            self.df = self._parse(text, skiprows, cols, use, delim, decimal)
            # such a row reads as missing values in every used column, so one column tells whether the
            # text need be looked at (a float column's isna: well under a millisecond an hour)
            if len(self.df) and self.df.iloc[:, 0].isna().any():
                blanked, found = blank_separator_rows(self._as_text(), delim, skiprows)
                if found:
                    self.skipped.append((first_line_no - skiprows + found[0], len(found)))
                    self.text, self._lines = blanked, None
                    self.df = self._parse(blanked, skiprows, cols, use, delim, decimal)
        except (ValueError, pd.errors.ParserError) as exc:
            # name the row in the file's terms (pandas' message counts rows its own way, or names none)
            hit = first_misfit_row(self.lines, first_line_no, len(cols), delim, cols)
            if hit is None:
                m = re.search(r"line (\d+)", str(exc))
                hit = ((first_line_no - 1 + int(m.group(1)) - 1) if m else None,
                       f"a row does not split into the header's {len(cols)} field(s) at {delim!r}")
            raise RecordingError(f"the rows do not match the header: {hit[1]}", path=label, line=hit[0],
                                 hint="fix or delete that row, or pass the right delimiter (delimiter=…)") from None

    @staticmethod
    def _parse(text: str | bytes, skiprows: int, cols: list[str], use: list[int], delim: str,
               decimal: str) -> pd.DataFrame:
        src = io.BytesIO(text) if isinstance(text, bytes) else io.StringIO(text)
        # (bytes that are not UTF-8 read as U+FFFD, as the one pass's text: the cell is then named)
        return read_csv_safely(src, sep=delim, decimal=decimal, header=None, skiprows=skiprows,
                               names=cols, usecols=sorted(set(use)), engine="c",
                               skip_blank_lines=True, comment=None, quotechar='"', encoding_errors="replace")

    def __len__(self) -> int:
        return len(self.df)

    def _as_text(self) -> str:
        """The text (a block's bytes decoded as the one pass decodes its file)."""
        return self.text.decode("utf-8", "replace") if isinstance(self.text, bytes) else self.text

    @property
    def lines(self) -> list[str]:
        """The data lines (blank ones included)."""
        if self._lines is None:
            self._lines = csv_lines(self._as_text())[self.skiprows:]
        return self._lines

    def require_rows_kept(self) -> None:
        """Refuse rows pandas' usecols read quietly wrong: a longer row's extra fields dropped, rows swallowed
        by a quote left open."""
        if rows_lost_or_shifted(self._as_text(), self.skiprows, len(self.cols), self.delim, len(self.df)):
            hit = find_overlong_row(self.lines, self.first_line_no, len(self.cols), self.delim, self.cols)
            raise RecordingError(f"the rows do not match the header: {hit[1] if hit else 'rows were lost in parsing'}",
                                 path=self.label, line=hit[0] if hit else None,
                                 hint="fix or delete that row (or pass the right delimiter=…)")

    def line_of(self, row: int) -> int:
        if self._nonblank is None:
            self._nonblank = np.array([i for i, l in enumerate(self.lines) if l.strip()], dtype=np.int64)
        nonblank = self._nonblank
        return int(self.first_line_no + (nonblank[row] if row < nonblank.size else row))

    def _numbers(self, col: pd.Series) -> pd.Series:
        """``col`` as numbers (NaN where a cell is none). A column pandas left as text because one cell is
        bad is read with the file's decimal mark, so that the bad cell — not the column's first — is named."""
        if self.decimal == "," and not pd.api.types.is_numeric_dtype(col):
            text = col.astype(str)
            col = text.where(text.str.contains(".", regex=False), text.str.replace(",", ".", regex=False))
        return to_numbers(col)

    def numeric(self, j: int) -> np.ndarray:
        """Column ``j`` as float64; a cell that is not a finite number is refused, named by line."""
        col = self.df[self.cols[j]]
        vals = self._numbers(col).to_numpy(dtype=np.float64)
        bad = ~np.isfinite(vals)
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            cell = col.iloc[r]
            # pandas reads an empty cell, a row short of fields and 'NA'/'null' alike as NaN: it said "'nan' is
            # not a finite number" of a cell that held nothing
            what = ("the cell is empty, missing (a row with too few fields) or a not-a-number mark ('NaN', 'NA', "
                    "'null'), not a finite number" if pd.isna(cell) else f"{str(cell)!r} is not a finite number")
            raise RecordingError(what, path=self.label, line=self.line_of(r),
                                 column=self.cols[j], hint="fix or delete that row, or check the delimiter and columns")
        return vals

    def mostly_text(self, j: int) -> bool:
        """More than half of column ``j`` is not numbers (a date/time column, when no time unit is given)."""
        return bool(self._numbers(self.df[self.cols[j]]).isna().mean() > 0.5)

    def datetimes(self, j: int, unit: str | None, day_first: bool | None = None, *, decided: bool = False
                  ) -> tuple[np.ndarray, str, DateReading]:
        """(column ``j`` as ns since 1970 in UTC, int64; its first cell as written; how its numeric dates were
        read). ``day_first``: the caller's option, or (``decided``) the order an earlier block of the same
        file was read in — dates that contradict it are refused, named by line."""
        tcol = self.df[self.cols[j]]
        text = tcol.astype(str)
        # (the order is in the date part: a day's 8.6 million stamps hold a few distinct ones)
        order = date_order(pd.unique(text.str.slice(0, 11)))
        if day_first is not None and (order, day_first) in ((DAY_FIRST, False), (MONTH_FIRST, True)):
            self._refuse_date_order(j, text, day_first, decided)
        read_day_first = reads_day_first(order, day_first)
        # utc=True: a UTC offset that changes mid-file (summer time begins) is the same clock; in UTC the
        # axis stays continuous (without it pandas refuses 'mixed timezones'). Naive times are taken as
        # they are — only differences are used. dayfirst only for nn.nn.yyyy / nn/nn/yyyy dates: pandas swaps
        # an ISO date's month and day when told it.
        ns = fixed_width_datetimes(text, read_day_first)
        if ns is not None:
            return ns, str(tcol.iloc[0]).strip(), DateReading(read_day_first, order)
        cells, fmt = tcol, "mixed" if unit is None else None
        if is_time_of_day_only(str(tcol.iloc[0])):
            # a time of day alone goes on 1970-01-01, as numpy puts it: pandas put it on today's date, so a large
            # file's blocks read by numpy and by pandas were 56 years apart (a 73 MB overnight file refused as 'a
            # gap of 1796688000 s'); and pandas 2.0 dropped a time of day's fraction (10 ms steps read as repeats)
            text = text.str.strip()
            cells, fmt = "1970-01-01" + text.where(text.str.startswith("T"), " " + text), "mixed"
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore", UserWarning)      # pandas' "Parsing dates in … format" note
            when = pd.to_datetime(cells, errors="coerce", format=fmt, utc=True, dayfirst=read_day_first)
        bad = when.isna().to_numpy()
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            cell = str(tcol.iloc[r])
            if _year_out_of_range(cell):
                self._refuse_year(j, r)               # pandas 2 makes such a year NaT (pandas 3 reads it: below)
            raise RecordingError(f"{cell!r} is not a date/time", path=self.label, line=self.line_of(r),
                                 column=self.cols[j],
                                 hint="give the unit of numeric times: --time-unit s|ms|us|ns (time_unit= in imu_gait.read)")
        # a year outside 1678–2261 does not fit int64 ns: pandas 2 made it NaT (refused above), pandas 3 reads it
        # in µs, and the cast below wrapped it into another century without a word
        out = ((when < _FIRST_TIME) | (when >= _END_TIME)).to_numpy()
        if out.any():
            self._refuse_year(j, int(np.flatnonzero(out)[0]))
        return (when.to_numpy(dtype="datetime64[ns]").astype(np.int64), str(tcol.iloc[0]).strip(),
                DateReading(read_day_first, order))

    def _refuse_year(self, j: int, r: int) -> None:
        """Refuse row ``r``'s time, whose year int64 ns cannot hold."""
        raise RecordingError(f"{str(self.df[self.cols[j]].iloc[r])!r} is a time imu_gait cannot hold: it reads times "
                             "from 1678 to 2261 only", path=self.label, line=self.line_of(r), column=self.cols[j],
                             hint="if every row has that year, the logger's clock was wrong: correct the year in "
                                  "the time column; else fix or delete that row")

    def _refuse_date_order(self, j: int, text: pd.Series, day_first: bool, decided: bool) -> None:
        """Refuse a date that cannot be read in the order given (or read so far): 17/03/2024 month-first."""
        r = first_misread_date(text, day_first)
        cell = str(text.iloc[r]).strip() if r is not None else "a date"
        said = "day-first" if day_first else "month-first"
        if decided:
            why = (f"{cell!r} is a {'month' if day_first else 'day'}-first date, but the file's first rows were read "
                   f"{said} (their dates fit both orders)")
            hint = ("to read the whole file day-first, pass --day-first (day_first=True in imu_gait.read)"
                    if not day_first else "to read it month-first, pass day_first=False in imu_gait.read")
        else:
            why = f"{cell!r} cannot be read {said}, as asked: these dates are {'month' if day_first else 'day'}-first"
            hint = ("drop --day-first (or day_first=True in imu_gait.read): these dates read month-first on their own"
                    if day_first else "drop day_first=False: these dates read day-first on their own")
        raise RecordingError(why, path=self.label, line=self.line_of(r) if r is not None else None,
                             column=self.cols[j], hint=hint)


def _read_blocks(path: str, data_start: int, *, ti: int | None, ai: list[int], gi: list[int] | None,
                 unit: str | None, day_first: bool | None, time_text: bool | None, ref_cells: list[str],
                 warnings: list[str], label: str, cols: list[str], use: list[int], delim: str, decimal: str):
    """The data of a large file, block by block (:mod:`._blocks`), each block a :class:`_Rows` (the same
    messages as the one pass, naming the file's lines): ``(rows, time column as read — float, or ns for
    date/times —, acc (N, 3) as read, gyro (N, 3) or None, the time column is date/times, its first
    cell, how its dates were read (:class:`DateReading`: the first block's, which the others must fit))``.
    ``time_text``: whether a time column without a unit holds date/times, when the caller judged it
    (else it is judged on the first block)."""
    offset = _blocks.offset_of_line(path, data_start)
    if offset == 0:
        # a byte-order mark before headerless data: the one pass's text is decoded as utf-8-sig (pandas then
        # drops one more mark at the start of its input, in both paths)
        with open(path, "rb") as fb:
            offset = 3 if fb.read(3) == _BOM else 0
    n_max = _blocks.count_line_ends(path, offset) + 1
    state: dict = {"time_text": time_text if unit is None else unit == "datetime", "first_cell": None, "dates": None}
    k_last = max((j for j, c in enumerate(ref_cells) if c.strip()), default=0)
    parse_kw = dict(label=label, cols=cols, use=use, delim=delim, decimal=decimal)

    def parse(block: bytes, line_no: int, last: bool):
        if last and not block.endswith((b"\n", b"\r")):
            cut = block.rfind(b"\n") + 1
            tail = block[cut:].decode("utf-8", "replace")
            cells = tail.split(delim)
            # as the one pass: a last line with fewer fields than the first data row, or empty where it has
            # its last value, was cut short
            if tail.strip() and (len(cells) < len(ref_cells) or not cells[k_last].strip()):
                last_line_no = line_no + block.count(b"\n")
                warnings.append(f"the last line ({last_line_no}) was incomplete (recording interrupted or copy cut "
                                "short?) and was ignored")
                block = block[:cut]
        if not block or block.isspace():
            return _empty_parts(ti, state, gi)
        rows = _Rows(block, 0, line_no, **parse_kw)
        skipped.extend(rows.skipped)
        if not len(rows):
            return _empty_parts(ti, state, gi)
        rows.require_rows_kept()
        t_part = None
        if ti is not None:
            if state["time_text"] is None:
                state["time_text"] = unit is None and rows.mostly_text(ti)
            if state["time_text"]:
                # the first block's dates decide their order (unless the caller said it); a later block that
                # cannot be read so is refused, not read in another order (time would jump by months)
                decided = state["dates"]
                t_part, first, reading = rows.datetimes(
                    ti, unit, day_first if day_first is not None or decided is None else decided.day_first,
                    decided=day_first is None and decided is not None)
                if decided is None:
                    state["dates"] = reading
            else:
                t_part, first = rows.numeric(ti), None
            if state["first_cell"] is None:
                state["first_cell"] = first
        acc = np.column_stack([rows.numeric(j) for j in ai])
        gyro = None if gi is None else np.column_stack([rows.numeric(j) for j in gi])
        return t_part, acc, gyro

    skipped: list[tuple[int, int]] = []           # rows of only separators (Excel's empty rows), per block
    parts = _blocks.fill_from_blocks(_blocks.line_blocks(path, offset, data_start + 1), n_max, parse)
    note = separator_rows_warning(label, skipped)
    if note:
        warnings.append(note)
    if not parts:
        return 0, None, None, None, state["time_text"], None, None
    t_read, acc_read, gyro_read = parts
    return (acc_read.shape[0], t_read, acc_read, gyro_read, bool(state["time_text"]), state["first_cell"],
            state["dates"])


_FIRST_TIME, _END_TIME = pd.Timestamp("1678-01-01", tz="UTC"), pd.Timestamp("2262-01-01", tz="UTC")
#: the 4-digit year of a numeric date at the start of a cell: 2300-03-05 …, 05/03/2300 …, 05.03.2300 …
_YEAR_RX = re.compile(r"\s*(?:(\d{4})[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](\d{4}))(?![\d.:])")


def _year_out_of_range(cell: str) -> bool:
    """The cell starts with a numeric date whose year is outside 1678–2261 (pandas 2 reads such a time as NaT)."""
    m = _YEAR_RX.match(cell)
    return m is not None and not 1678 <= int(m[1] or m[2]) <= 2261


#: the date/time layouts :func:`fixed_width_datetimes` reads: an ISO date (``-``) or a numeric one (``/`` or ``.``,
#: day and month in the order the column is read in), then ' ' or 'T'; or no date. A time of day to the second,
#: a fraction of 1–6 digits, and with a date a UTC offset (``Z``, ``±hh:mm``, ``±hhmm``)
_FIXED_STAMP_RX = re.compile(
    r"(?:(?P<Y>\d{4})-(?P<M>\d{2})-(?P<D>\d{2})[T ]|(?P<A>\d{2})(?P<sep>[/.])(?P<B>\d{2})(?P=sep)(?P<Y2>\d{4}) )?"
    r"(?P<h>\d{2}):(?P<m>\d{2}):(?P<s>\d{2})(?:\.(?P<f>\d{1,6}))?"
    r"(?P<z>Z|[+-]\d{2}:?\d{2})?")


def fixed_width_datetimes(text: pd.Series, day_first: bool) -> np.ndarray | None:
    """A date/time column's cells (``text``) as ns since 1970 in UTC (int64), as ``pd.to_datetime(…, utc=True,
    dayfirst=day_first)`` gives them, read from their bytes with numpy when every cell has the first one's
    layout (:data:`_FIXED_STAMP_RX`, the same length, the separators in the same places) and is a real time:
    pandas read a column of '05/03/2024 10:00:00.010' one cell at a time (format='mixed'), 40 s an hour of 100 Hz
    rows. A time of day without a date is on 1970-01-01 (pandas: today's date) — only differences are used.
    ``None`` when anything is unusual (another layout in a cell, a year outside 1678–2261, 31 April, an hour
    24 …): pandas then reads the column, and names a bad cell."""
    if not len(text):
        return None
    first = str(text.iloc[0])
    m = _FIXED_STAMP_RX.fullmatch(first)
    if m is None or (m["z"] and not (m["Y"] or m["Y2"])) or not first.isascii():
        return None
    width = len(first)
    try:
        cells = np.array(text.to_numpy(dtype=object), dtype=f"S{width + 1}")
    except (UnicodeEncodeError, ValueError, TypeError):
        return None                           # (a cell that is not ASCII text, or a missing one)
    b = cells.view(np.uint8).reshape(len(cells), width + 1)
    del cells
    if b[:, width].any() or not b[:, width - 1].all():
        return None                           # a longer or a shorter cell
    ref = np.frombuffer(first.encode("ascii"), np.uint8)
    digit = (ref >= 48) & (ref <= 57)
    d = b[:, :width] - np.uint8(48)
    if np.any(d[:, digit] > 9) or np.any(b[:, :width][:, ~digit] != ref[~digit]):
        return None

    def num(group: str) -> np.ndarray:
        lo, hi = m.span(group)
        out = np.zeros(len(b), np.int64)
        for k in range(lo, hi):
            out = out * 10 + d[:, k]
        return out

    hour, minute, sec = num("h"), num("m"), num("s")
    if m["Y"] or m["Y2"]:
        if m["Y"]:
            year, month, day = num("Y"), num("M"), num("D")
        else:
            year = num("Y2")
            month, day = (num("B"), num("A")) if day_first else (num("A"), num("B"))
        if np.any((year < 1678) | (year > 2261) | (month < 1) | (month > 12) | (day < 1)):
            return None
        months = (year - 1970) * 12 + month - 1
        days = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + day - 1
        if np.any(day > 28):
            next_first = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
            if np.any(days >= next_first):
                return None                   # the 31st of a 30-day month, 29 February …
    else:
        days = 0
    if np.any((hour > 23) | (minute > 59) | (sec > 59)):
        return None
    ns = (days * 86400 + hour * 3600 + minute * 60 + sec) * 1_000_000_000
    if m["f"]:
        ns += num("f") * 10 ** (9 - len(m["f"]))
    if m["z"] and m["z"] != "Z":
        lo = m.start("z")
        sign = 1 if first[lo] == "+" else -1
        zh = d[:, lo + 1].astype(np.int64) * 10 + d[:, lo + 2]
        zm = d[:, -2].astype(np.int64) * 10 + d[:, -1]
        if np.any((zh > 23) | (zm > 59)):
            return None
        ns -= sign * (zh * 60 + zm) * 60_000_000_000
    return ns


def _ambiguous_dates_warning(first_cell: str) -> str:
    """The warning for slash dates that fit both orders, read month-first: names the assumption and the option."""
    return (f"the dates in the time column (first {first_cell!r}) fit both day-first and month-first: read "
            "month-first (05/03 = 3 May, as in the US); if they are day-first (5 March), pass --day-first "
            "(day_first=True in imu_gait.read)")


#: a step between two samples this long, in dates that fit both orders, is a day read as a month
_MONTH_JUMP_S = 20 * 86400.0


def _refuse_month_jump(t_s: np.ndarray, first_cell: str, label: str, column: str, line_of) -> None:
    """Slash dates that fit both orders, read month-first, whose time leaps by weeks between two samples: a
    walk crossing midnight from 05/03 to 06/03 read as 3 May → 3 June. Refused with the likely cause — not
    the gap check's 'most of the recording is missing'."""
    if t_s.size < 2:
        return
    step = np.diff(t_s)
    r = int(np.argmax(step))
    if step[r] < _MONTH_JUMP_S:
        return
    raise RecordingError(
        f"time leaps by {step[r] / 86400.0:.0f} days from one sample to the next: the dates (first "
        f"{first_cell!r}) fit both day-first and month-first and were read month-first, so a new day read as a "
        "new month", path=label, line=line_of(r + 1), column=column,
        hint="if the dates are day-first (05/03/2024 = 5 March), pass --day-first (day_first=True in imu_gait.read)")


def _wall_clock_jumps_undone(ns: np.ndarray, first_cell: str, column: str, line_of, warnings: list[str]
                             ) -> np.ndarray:
    """A date/time column (``ns``: as read, int64 ns; naive times as if UTC) made one continuous clock where
    it is a wall clock that jumped while the samples ran on:

    * a time of day without a date (``23:59:59.990`` → ``00:00:00.000``) steps back a day at midnight;
    * local times without their UTC offset step back an hour when summer time ends (Europe/London
      ``01:59:59.990`` → ``01:00:00.000``) and forward an hour when it begins (America/New_York
      ``01:59:59.990`` → ``03:00:00.000``).

    Such a step is taken for the clock's jump only when it is a day or an hour within a few samples (so no
    sample is missing) and, for an hour, lands on a whole hour of the wall clock, where the change happens.
    Each kind undone is said in ``warnings``; other steps are left to the time checks (a clock reset, a gap).
    Vectorised: a cumulative sum of the corrections, in whole ns (the times stay exactly as written apart)."""
    if ns.size < 3 or has_utc_offset(first_cell):
        return ns
    step = np.diff(ns)
    forward = step[step > 0]
    if not forward.size:
        return ns
    hour, day = 3_600_000_000_000, 86_400_000_000_000
    slack = max(1_000_000_000, 5 * int(np.median(forward)))      # a few samples, at least a second
    after = ns[1:] % hour                                       # where in its hour the stamp after each step lies
    on_hour = (after <= slack) | (after >= hour - slack)
    midnight = ((step + day >= 0) & (step + day <= slack) if is_time_of_day_only(first_cell)
                else np.zeros(step.size, bool))
    back = on_hour & (step + hour >= 0) & (step + hour <= slack)
    ahead = on_hour & (step - hour >= 0) & (step - hour <= slack)
    fix = np.where(midnight, day, 0) + np.where(back, hour, 0) - np.where(ahead, hour, 0)
    if not fix.any():
        return ns
    for what, where in (("passed midnight (a time of day without a date)", midnight),
                        ("went back an hour, as when summer time ends (local times without their UTC offset)", back),
                        ("went forward an hour, as when summer time begins (local times without their UTC offset)",
                         ahead)):
        rows = np.flatnonzero(where)
        if rows.size:
            warnings.append(f"the clock in column {column!r} {what} at line {line_of(int(rows[0]) + 1)}"
                            + (f" and {rows.size - 1} more time(s)" if rows.size > 1 else "")
                            + ": counted on as one continuous clock, no sample missing")
    out = ns.copy()
    out[1:] += np.cumsum(fix)
    return out


def _day_first_option(day_first, label: str) -> bool | None:
    """The ``day_first`` option checked: True, False or None (not said)."""
    if day_first is None or isinstance(day_first, bool):
        return day_first
    if isinstance(day_first, (int, np.integer)) and day_first in (0, 1):
        return bool(day_first)
    raise RecordingError(f"day_first={day_first!r} is not True or False", path=label,
                         hint="pass day_first=True (dates like 05/03/2024 are 5 March) or day_first=False (3 May); "
                              "CLI: --day-first")


def _empty_parts(ti, state, gi):
    t = None if ti is None else np.empty(0, np.int64 if state["time_text"] else np.float64)
    return t, np.empty((0, 3)), (None if gi is None else np.empty((0, 3)))


def _header_lines_in_cp1252(head: bytes, start: int, lines: list[str]) -> list[str]:
    """``lines`` with the header (line ``start``) and the line under it (a units row) re-read as
    Windows-1252 when they are not UTF-8: Excel's plain 'CSV' on a Western Windows saves 'm/s²' and '°/s'
    so, and read as UTF-8 they became 'm/s\ufffd', which no column name the user types can match (nor
    the units row's units). UTF-8 and cp1252 keep every ASCII byte, so the lines are the same lines; a
    file that starts with a UTF-8 byte-order mark says it is UTF-8 and is left alone."""
    if "\ufffd" not in lines[start] or head.startswith(b"\xef\xbb\xbf"):
        return lines
    again = csv_lines(head.decode("cp1252", "replace"))
    stop = min(start + 2, len(lines), len(again) - 1)   # (the head's last line may be cut by its end)
    if stop <= start:
        return lines
    return lines[:start] + again[start:stop] + lines[stop:]


@clean_os_errors
def read_generic(path: str | os.PathLike, *, time_col=None, time_unit: str | None = None,
                 acc_cols: Sequence | None = None, acc_unit: str | None = None, gyro_cols: Sequence | None = None,
                 gyro_unit: str | None = None, delimiter: str | None = None, skiprows: int = 0,
                 sample_rate_hz: float | None = None, day_first: bool | None = None, meta: dict | None = None
                 ) -> Recording:
    """Read a CSV described by options (see module doc) into a validated Recording."""
    path = str(path)
    label = path
    day_first = _day_first_option(day_first, label)
    require_csv_file(path, "generic")
    no_time_col = isinstance(time_col, str) and time_col.strip().lower() == NO_TIME_COLUMN
    stated_rate = None
    if sample_rate_hz is None and (no_time_col or (time_unit or "").strip().lower() == "samples"):
        # a counter (or no time) and no --sample-rate: the rate a preamble line states ('Acquisition
        # frequency: 100 Hz', as read without options) rather than a refusal asking for it
        stated_rate = _stated_rate(path)
        sample_rate_hz = stated_rate[0] if stated_rate else None
    rate_hz = _sample_rate(sample_rate_hz, time_unit, no_time_col, path)
    if rate_hz is not None and not no_time_col:
        time_unit = "samples"
    with open(path, "rb") as fb:
        head = fb.read(HEAD_BYTES)
    # a large file's header, units row and first rows are judged from its head; its data is read block by block
    large = _blocks.reads_in_blocks(path, head)
    if large:
        text = head.decode("utf-8-sig", "replace")
        lines = csv_lines(text)
        if len(head) == HEAD_BYTES:
            lines = lines[:-1]                        # (the head's last line may be cut by the head's end)
    else:
        with open(path, "r", encoding="utf-8-sig", errors="replace") as fh:
            text = fh.read()
        lines = csv_lines(text)
    given_skiprows = skiprows
    try:
        skiprows = int(skiprows or 0)
        ok = skiprows >= 0 and float(given_skiprows or 0) == skiprows
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise RecordingError(f"skiprows must be a whole number of lines ≥ 0, not {given_skiprows!r}", path=path,
                             hint="pass skiprows=N (CLI: --skiprows N) with N ≥ 0")
    if large and skiprows + 100 > len(lines):
        large = False                                  # (the header lies beyond the head: read it whole)
        with open(path, "r", encoding="utf-8-sig", errors="replace") as fh:
            text = fh.read()
        lines = csv_lines(text)
    # skip comment lines and blank lines right after the skipped rows
    start = skiprows
    while start < len(lines) and (not lines[start].strip() or lines[start].lstrip().startswith("#")):
        start += 1
    if start >= len(lines):
        raise RecordingError("the file is empty" if not text.strip() else "no data after the skipped lines",
                             path=label, hint="pick the right file, or lower skiprows")
    lines = _header_lines_in_cp1252(head, start, lines)
    first = lines[start]
    delim = delimiter if delimiter else sniff_delimiter(first, lines[start + 1:start + 11])
    if delim in ("\\t", "tab"):
        delim = "\t"
    cells = header_names(first, delim)     # (a separator at the end names no column: the rows may end with one)
    has_header = not all(is_data_cell(c) for c in cells)
    if has_header:
        require_closed_quotes(first, label=label, line=start + 1)
    numbers = [c for c in cells if c and is_data_cell(c)]
    if has_header and len(numbers) > len(cells) / 2:
        # mostly numbers: a data row with a bad cell, not a header — taken for one, the row was lost unseen
        bad = next(c for c in cells if not is_data_cell(c))
        raise RecordingError(f"the first line holds {len(numbers)} numbers and {bad!r}: a data row with a cell that "
                             "is not a number, or a header whose names are numbers", path=label, line=start + 1,
                             column=bad, hint="fix that cell; if the line really is a header, pass skiprows="
                                             f"{start + 1} (--skiprows {start + 1}) and give the columns by 0-based index")
    if has_header:
        cols = cells
        header_line = start + 1
        data_start = start + 1
    else:
        cols = [str(i) for i in range(len(cells))]
        header_line = None
        data_start = start
    # a units row under the header (Shimmer, Xsens and lab loggers: 'ms, m/(s^2), …'): skipped, and its
    # units used where the options give none (checked against the data like units given by hand)
    units_row: list[str] | None = None
    header_again = False             # the header written twice (a logger that re-writes it on resume)
    if has_header and data_start < len(lines):
        nxt = split_header(lines[data_start], delim)
        if len(nxt) == len(cols) + 1 and nxt[-1] == "":
            nxt = nxt[:-1]               # (a units row that ends with a separator, as the header may)
        if len(nxt) == len(cols) and any(c for c in nxt) and not any(is_data_cell(c) for c in nxt if c):
            header_again = [c.lower() for c in nxt] == [c.lower() for c in cols]
            units_row = None if header_again else nxt
            data_start += 1
    decimal = sniff_decimal(delim, lines[data_start:data_start + 20])
    if data_start >= len(lines) or not any(l.strip() for l in lines[data_start:]):
        raise RecordingError("the file has a header but no data rows", path=label, line=header_line,
                             hint="the recording is empty: record again or pick another file")
    if len(cols) < (3 if no_time_col else 4):
        raise RecordingError(
            f"only {len(cols)} column(s) when split at {delim!r}: need "
            f"{'3 acceleration columns' if no_time_col else 'time + 3 acceleration columns'}",
            path=label, line=start + 1,
            hint="pass the right delimiter (delimiter=';' or '\\t'), or check the file")
    warnings: list[str] = []
    if stated_rate is not None:
        warnings.append(f"sampling rate {stated_rate[0]:g} Hz taken from the file's line '{stated_rate[1]}' "
                        "(--sample-rate / sample_rate_hz= to override)")
    if units_row is not None:
        warnings.append(f"line {data_start} is a units row ({', '.join(c for c in units_row if c)}): not data")
    if header_again:
        warnings.append(f"line {data_start} repeats the header: skipped")
    # a last line cut short (a copy interrupted, a logger still writing): dropped with a warning, as the
    # native reader does (it was parsed, its missing cells shown as 'nan' in a refusal). Judged against
    # the first data row: fewer fields, or empty where that row has its last value
    body = [i for i in range(data_start, len(lines)) if not is_blank_or_separators(lines[i])]
    cut_warning_at = len(warnings)          # (where a large file's last block puts its word on a cut last line)
    if not large and text and not text.endswith(("\n", "\r")) and len(body) > 1 and body[-1] == len(lines) - 1:
        ref, cells = lines[body[0]].split(delim), lines[-1].split(delim)
        k = max((j for j, c in enumerate(ref) if c.strip()), default=0)
        if len(cells) < len(ref) or not cells[k].strip():
            warnings.append(f"the last line ({len(lines)}) was incomplete (recording interrupted or copy cut "
                            "short?) and was ignored")
            text = text[:max(text.rfind("\n"), text.rfind("\r")) + 1]
            lines = lines[:-1]
    # every data row ends with the separator but the header does not (a logger printing 'x,' per value):
    # the empty last field is ignored (pandas refused such a file, naming no line)
    sample = [l for l in lines[data_start:data_start + 50] if l.strip()]
    if has_header and sample and all(l.rstrip().endswith(delim) and len(l.split(delim)) == len(cols) + 1
                                     for l in sample):
        warnings.append(f"every data row ends with {delim!r} (an empty last field the header lacks): ignored")
        cols = cols + [f"(empty field {len(cols)})"]
    repeated = sorted({c for c in cols if cols.count(c) > 1})

    # ---- columns -----------------------------------------------------------------------
    if no_time_col:
        ti = None
    elif time_col is None:
        lowered = [c.lower() for c in cols]
        cand = [i for i, c in enumerate(lowered) if _TIME_NAME_RX.match(c)]
        ti = cand[0] if cand else 0
    else:
        ti = _resolve(time_col, cols, label, "time_col", header_line)
    if acc_cols is None:
        ai = _find_set(cols, _ACC_NAME_SETS) if has_header else None
        if has_header:
            _refuse_several_sensors(cols, ai, _ACC_NAME_SETS, "acceleration", "--acc-cols", label, header_line,
                                    also=" and, for its gyroscope, --gyro-cols")
        if ai is None:
            ai = [j for j in range(len(cols)) if j != ti][:3]
            warnings.append(f"acceleration columns not given: used {', '.join(cols[j] for j in ai)}")
    else:
        if len(acc_cols) != 3:
            raise RecordingError(f"acc_cols needs 3 columns, got {len(acc_cols)}", path=label,
                                 hint="pass acc_cols=[x, y, z] as names or 0-based indices")
        ai = [_resolve(c, cols, label, "acc_cols", header_line) for c in acc_cols]
    if gyro_cols is None:
        gi = _find_set(cols, _GYRO_NAME_SETS) if has_header else None
        if has_header:
            _refuse_several_sensors(cols, gi, _GYRO_NAME_SETS, "angular rate", "--gyro-cols", label, header_line)
        if gi is None and not has_header and len(cols) == 7 and acc_cols is None and ti == 0:
            gi = [4, 5, 6]
            warnings.append("headerless 7-column file: columns 4–6 taken as the gyroscope")
    elif isinstance(gyro_cols, str) and gyro_cols.lower() in ("none", ""):
        gi = None
    else:
        if len(gyro_cols) != 3:
            raise RecordingError(f"gyro_cols needs 3 columns, got {len(gyro_cols)}", path=label,
                                 hint="pass gyro_cols=[x, y, z] as names or 0-based indices")
        gi = [_resolve(c, cols, label, "gyro_cols", header_line) for c in gyro_cols]

    if repeated:
        # names that repeat cannot be told apart by pandas or by the user: suffix them with their index
        auto = ([ti] if time_col is None else []) + (ai if acc_cols is None else []) + \
            ((gi or []) if gyro_cols is None else [])       # given columns need no word
        used = ", ".join(f"{cols[j]!r} → column {j}" for j in auto if cols[j] in repeated)
        if used:
            warnings.append(f"the header repeats the column name(s) {', '.join(map(repr, repeated))}; used {used} "
                            "(pass 0-based indices to choose others)")
        cols = [c if c not in repeated else f"{c}#{j}" for j, c in enumerate(cols)]

    # one column cannot be two things (a copy-paste of --acc-cols into --gyro-cols was read as a gyro)
    roles = ([] if ti is None else [("time_col", ti)]) + [("acc_cols", j) for j in ai] + [("gyro_cols", j) for j in (gi or [])]
    seen: dict[int, str] = {}
    for role, j in roles:
        if j in seen:
            raise RecordingError(f"column {cols[j]!r} is given twice ({seen[j]} and {role})", path=label,
                                 line=header_line,
                                 hint="each of time_col, acc_cols and gyro_cols needs its own columns")
        seen[j] = role

    if units_row is not None:
        if time_unit is None and ti is not None:
            time_unit = _row_unit([units_row[ti]], _TIME_UNIT_NAMES)
            if time_unit is not None:
                warnings.append(f"time unit {time_unit} taken from the units row")
        if acc_unit is None:
            acc_unit = _row_unit([units_row[j] for j in ai], _ACC_UNIT_NAMES)
        if gyro_unit is None and gi is not None:
            gyro_unit = _row_unit([units_row[j] for j in gi], _GYRO_UNIT_NAMES)

    # ---- parse (C parser; bad cells located vectorised) --------------------------------
    use = ([] if ti is None else [ti]) + ai + (gi or [])
    unit = (time_unit or "").strip().lower() or None
    parse = dict(label=label, cols=cols, use=use, delim=delim, decimal=decimal)
    if large:
        ref = lines[body[0]].split(delim) if body else []
        head_time_text = None
        if ti is not None and unit is None:
            # whether the time column holds date/times, judged on the head's rows (the one pass judges the
            # whole column; a file's first 1 MB of rows is a fair sample, and all of a small one)
            try:
                head_rows = _Rows("\n".join(lines[data_start:]) + "\n", 0, data_start + 1, **parse)
                head_time_text = head_rows.mostly_text(ti) if len(head_rows) else None
            except RecordingError:
                pass                                   # (judged on the first block; its errors named there)
        said: list[str] = []
        n_rows, t_read, acc_read, gyro_read, time_text, first_time_cell, date_reading = _read_blocks(
            path, data_start, ti=ti, ai=ai, gi=gi, unit=unit, day_first=day_first, time_text=head_time_text,
            ref_cells=ref, warnings=said, **parse)
        warnings[cut_warning_at:cut_warning_at] = said
        line_of = row_line_mapper(Path(path), data_start + 1)      # (a str would be taken for the text)
        numeric = None
    else:
        rows = _Rows(text, data_start, data_start + 1, lines=lines[data_start:], **parse)
        n_rows = len(rows)
        note = separator_rows_warning(label, rows.skipped)
        if note:
            warnings.append(note)
    if n_rows == 0:
        raise RecordingError("the file has a header but no data rows", path=label, line=header_line,
                             hint="the recording is empty: record again or pick another file")
    if not large:
        rows.require_rows_kept()
        line_of, numeric = rows.line_of, rows.numeric
        time_text = None if ti is None or unit is not None else rows.mostly_text(ti)
        t_read = acc_read = gyro_read = first_time_cell = date_reading = None

    # time
    if ti is None:
        t_s = np.arange(n_rows, dtype=np.float64) / rate_hz
        time_origin = {"time_offset_s": 0.0, "sample_rate_hz": rate_hz}
        warnings.append(f"no time column: the {n_rows} rows taken as consecutive samples at {rate_hz:g} Hz "
                        "(a dropped sample cannot be seen)")
        unit = "samples"
    elif unit == "samples":
        counter = numeric(ti) if numeric else t_read
        steps = np.diff(counter)
        if np.any(steps != np.round(steps)):
            r = int(np.flatnonzero(steps != np.round(steps))[0]) + 1
            raise RecordingError(f"{counter[r]:g} is not a whole sample number", path=label, line=line_of(r),
                                 column=cols[ti], hint="a column that counts samples holds whole numbers; for a "
                                 "time column in s/ms/us/ns pass --time-unit instead of --sample-rate")
        wraps = counter_wraps(counter)
        if wraps is not None:
            # a 16-bit packet counter rolls over every 11 min at 100 Hz: a continuous recording, not two
            modulus, at = wraps
            counter = unwrap_counter(counter, modulus, at)
            warnings.append(f"column {cols[ti]!r} is a {modulus.bit_length() - 1}-bit sample counter that rolls over "
                            f"from {modulus - 1} to 0 {at.size} time(s) (first at line {line_of(int(at[0]))}): "
                            f"unwrapped, counting on from {modulus} at each rollover")
        t_s = (counter - counter[0]) / rate_hz
        time_origin = {"time_offset_s": float(counter[0]) / rate_hz, "sample_rate_hz": rate_hz}
    elif unit == "datetime" or (unit is None and time_text):
        ns, first_cell, date_reading = (rows.datetimes(ti, unit, day_first) if numeric
                                        else (t_read, first_time_cell, date_reading))
        ns = _wall_clock_jumps_undone(ns, first_cell, cols[ti], line_of, warnings)
        t_s = (ns - ns[0]) * 1e-9
        # a date/time has no seconds axis of its own: time_s counts from the first stamp, kept as written
        time_origin = {"start_time_iso": first_cell}
        if date_reading is not None and date_reading.order is not None:
            # (the days table reads the start from that first cell again: in the same order)
            time_origin["day_first"] = date_reading.day_first
            if date_reading.order == AMBIGUOUS and day_first is None:
                _refuse_month_jump(t_s, first_cell, label, cols[ti], line_of)
                warnings.append(_ambiguous_dates_warning(first_cell))
        if unit is None:
            warnings.append(f"time column {cols[ti]!r} parsed as date/time")
        unit = "datetime"
    else:
        traw = numeric(ti) if numeric else t_read
        how = "as given"
        if unit is None:  # a unit in the column name: time_s, t_ms, "Time (s)", timestamp [ns]
            m = re.search(r"(?:[_\s(\[])(s|ms|us|µs|ns)[)\]]?$", cols[ti].strip().lower())
            if m:
                unit = m.group(1).replace("µ", "u")
                how = "from its name"
        float32_clock(traw, unit, label, cols[ti], warnings)
        if unit is None:
            dt = np.diff(traw)
            dt = dt[dt > 0]
            med = float(np.median(dt, overwrite_input=True)) if dt.size else 1.0   # (dt: a copy)
            dt = None             # (a day's steps are 70 MB)
            unit = "s"
            for u, lo, hi in (("s", 1e-4, 0.2), ("ms", 0.1, 200.0), ("us", 100.0, 2e5), ("ns", 1e5, 2e8)):
                if lo <= med < hi:
                    unit = u
                    break
            warnings.append(f"time unit not given: assumed {unit} (median step {med:.6g} {unit})")
            how = f"guessed from its median step of {med:.6g}, not given"
        if unit not in TIME_UNITS:
            raise RecordingError(f"unknown time unit {time_unit!r}", path=label, column=cols[ti],
                                 hint="use one of: s, ms, us, ns, datetime, samples (with a sample rate)")
        _refuse_wrapping_counter(traw, unit, how, label, cols[ti], line_of)
        _refuse_short_in_unit(traw, unit, how, label, cols[ti])
        t_s, time_origin = _time_axis(traw, unit)

    t_read = traw = counter = ns = dt = None   # (the time column as read: a day's is 70 MB, not needed again)
    acc_raw = np.column_stack([numeric(j) for j in ai]) if numeric else acc_read
    acc_names = [cols[j] for j in ai]
    if acc_unit is None:
        guess = guess_acc_unit(acc_raw, t_s)
        if guess is None:
            acc_unit_used = "m/s2"
        else:
            acc_unit_used = guess[0]
            if acc_unit_used != "m/s2":
                warnings.append(f"acceleration unit not given: median |a| = {guess[1]:.3g} → read as "
                                f"{acc_unit_used} and converted to m/s² (to override: --acc-unit, or acc_unit= in "
                                "imu_gait.read)")
    else:
        acc_unit_used = acc_unit
        acc_factor(acc_unit, label)  # validates the name
        check_stated_acc_unit(acc_raw, acc_unit, label, acc_names)
    # (in place: a day's acceleration is 200 MB; the raw values are not used again)
    acc = acc_raw
    acc *= acc_factor(acc_unit_used, label)

    gyro = None
    if gi is not None:
        gyro_raw = np.column_stack([numeric(j) for j in gi]) if numeric else gyro_read
        if gyro_unit is None:
            gunit, p95 = guess_gyro_unit(gyro_raw)
            warnings.append(f"gyro unit not given: 95th percentile |ω| = {p95:.3g} → read as {gunit}"
                            + (" (converted to rad/s)" if gunit != "rad/s" else "")
                            + "; to override: --gyro-unit, or gyro_unit= in imu_gait.read")
        else:
            gunit = gyro_unit
            check_stated_gyro_unit(t_s, acc, gyro_raw, gunit, label, [cols[j] for j in gi])
        gyro = gyro_raw
        gyro *= gyro_factor(gunit, label)

    meta = dict(meta or {})
    meta.update(time_origin)
    if gyro is not None:
        meta["gyro_unit"] = gunit
        if gyro_unit is not None:
            meta["_gyro_unit_given"] = True     # the user's word wins over check_units' guess (in memory only)
    meta.update({"format": "generic", "path": label, "time_unit": unit, "acc_unit": acc_unit_used,
                 "columns": {"time": None if ti is None else cols[ti], "acc": acc_names, "gyro": None if gi is None else [cols[j] for j in gi]}})
    return finish(t_s, acc, gyro, label=label, meta=meta, warnings=warnings, first_line_no=data_start + 1,
                  line_of_row=line_of,
                  time_column="time" if ti is None else cols[ti])
