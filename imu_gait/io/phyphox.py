"""phyphox exports (https://phyphox.org): a folder or zip of CSVs plus ``meta/``.

Handled:

* single-experiment ``Raw Data.csv`` — "Acceleration with g" (used as is),
  "Acceleration (without g)" (gravity removed: refused unless a gravity stream is in the
  export), "Gyroscope" alone (refused: nothing to analyse without acceleration), and
  user-built experiments with acceleration and/or gyroscope columns;
* multi-sensor "simple experiment" exports (``Accelerometer.csv``, ``Gyroscope.csv``,
  ``Linear Accelerometer.csv``, …), each on its own time axis: the gyroscope is linearly
  interpolated onto the accelerometer times, only inside the overlap of both streams
  (samples outside it are cut, and the cut is reported);
* separators ``,`` ``;`` or tab, decimal commas, quoted headers, ``%.9E`` numbers;
* ``meta/time.csv`` (absolute start time) and ``meta/device.csv`` into ``Recording.meta``.

Columns are matched by a regex on the axis letter and the unit in parentheses, never
by position. Time is phyphox's "seconds since experiment start" and is kept as is.
"""
from __future__ import annotations

import csv
import os
import re
import zipfile
from dataclasses import dataclass
from typing import Callable
from pathlib import PurePosixPath

import numpy as np

from ..errors import EmptyRecordingError, RecordingError
from ..recording import Recording
from ._common import (Container, acc_factor, check_stated_acc_unit, check_stated_gyro_unit, clean_os_errors,
                      csv_lines, drop_cut_last_line,
                      meta_csv_rows,
                      export_key, finish, guess_acc_unit, guess_gyro_unit, gyro_factor, interp_columns, merge_gyro, parse_numeric_csv,
                      refuse_several_exports, row_line_mapper, separator_rows_warning, sniff_decimal, sniff_delimiter, sorted_unique_time,
                      split_copy_suffix, require_closed_quotes, header_names)

_TIME_RX = re.compile(r"^\s*(time|t)\b", re.I)
_AXIS_RX = re.compile(r"(?:^|[\s_])([xyz])(?=$|[\s_(])", re.I)
_UNIT_RX = re.compile(r"\(([^()]*)\)\s*$")

_ACC_UNITS = {"m/s^2": "m/s2", "m/s²": "m/s2", "m/s2": "m/s2", "g": "g"}
_GYRO_UNITS = {"rad/s": "rad/s", "deg/s": "deg/s", "°/s": "deg/s"}


@dataclass
class _Stream:
    kind: str            # acc | linacc | gravity | gyro
    t: np.ndarray        # (N,) s
    xyz: np.ndarray      # (N, 3) in SI units (m/s², rad/s)
    label: str           # file label for messages
    first_line: int      # line number of the first data row
    columns: list[str]
    warnings: list[str]
    line_of_row: Callable[[int], int]   # file line of data row r (blank lines skipped)
    rows: np.ndarray | None = None      # data row of each sample (None: all, in order)


def looks_like_phyphox_header(line: str) -> bool:
    """A quoted header whose first column is a time in seconds: ``"Time (s)",…``."""
    first = line.lstrip("\ufeff").strip()
    return bool(re.match(r'^"(Time \(s\)|time|t \(s\))"\s*[,;\t]', first, re.I))


def _classify(col: str, file_hint: str) -> tuple[str, str, str | None] | None:
    """(kind, axis, unit) for a column name, or None if it is not an axis column."""
    m = _AXIS_RX.search(col)
    if not m:
        return None
    axis = m.group(1).lower()
    um = _UNIT_RX.search(col)
    unit_raw = um.group(1).strip() if um else None
    name = col.lower()
    unit_key = unit_raw.lower().replace(" ", "") if unit_raw else None
    if "gyro" in name or "rotation" in name or (unit_key in _GYRO_UNITS):
        return "gyro", axis, _GYRO_UNITS.get(unit_key, None) if unit_key else None
    if unit_key is not None and unit_key not in _ACC_UNITS:
        return None  # magnetometer (µT), location (°), … : not ours
    if "linear" in name:
        kind = "linacc"
    elif "gravity" in name:
        kind = "gravity"
    elif "acc" in name or unit_key in _ACC_UNITS:
        kind = "acc"
    else:
        return None
    # multi-file exports name columns just "X (m/s^2)": the file name says what it is
    if kind == "acc" and file_hint in ("linacc", "gravity"):
        kind = file_hint
    if file_hint == "gyro":
        kind = "gyro"
    unit = _ACC_UNITS.get(unit_key) if unit_key else None
    return kind, axis, unit


def _file_hint(name: str) -> str | None:
    base = PurePosixPath(name).stem.lower()
    if "linear" in base:
        return "linacc"
    if "gravity" in base:
        return "gravity"
    if "gyro" in base:
        return "gyro"
    if "accel" in base or "raw data" in base:
        return "acc" if "accel" in base else None
    return None


def _read_table(cont: Container, name: str, acc_unit: str | None = None,
                gyro_unit: str | None = None) -> list[_Stream]:
    """The sensor streams of one CSV in SI units; ``acc_unit`` / ``gyro_unit`` (the user's) replace the units
    the header states (or leaves out) for every acceleration / angular-rate column."""
    label = cont.label(name)
    text = cont.read_text(name)
    lines = csv_lines(text)
    if not lines or not lines[0].strip():
        raise RecordingError("the file is empty", path=label, hint="export the experiment again from phyphox")
    header = lines[0]
    delim = sniff_delimiter(header)
    require_closed_quotes(header, label=label, line=1)
    cols = header_names(header, delim)     # (a separator at the end names no column)
    decimal = sniff_decimal(delim, lines[1:20])
    tcol = next((i for i, c in enumerate(cols) if _TIME_RX.match(c)), None)
    if tcol is None:
        raise RecordingError(f"no time column in the header ({', '.join(cols)})", path=label, line=1,
                             hint="phyphox exports start with \"Time (s)\"; for other CSVs pass time_col=…")
    hint = _file_hint(name)
    groups: dict[str, dict[str, tuple[int, str | None]]] = {}
    for i, c in enumerate(cols):
        cl = _classify(c, hint or "")
        if cl is None:
            continue
        kind, axis, unit = cl
        groups.setdefault(kind, {}).setdefault(axis, (i, unit))
    partial = {k: v for k, v in groups.items() if set(v) != {"x", "y", "z"}}
    groups = {k: v for k, v in groups.items() if set(v) == {"x", "y", "z"}}
    if not groups and partial:
        # a damaged header: the file was passed over and the export said it held 'only the gyroscope'
        kind, axes = next(iter(partial.items()))
        missing = ", ".join(a for a in "xyz" if a not in axes)
        what = {"gyro": "angular-rate", "linacc": "linear-acceleration", "gravity": "gravity"}.get(kind, "acceleration")
        raise RecordingError(f"the header names the {what} axes {', '.join(sorted(axes))} but no {missing} "
                             f"(columns: {', '.join(cols)})", path=label, line=1,
                             hint="the header was damaged or the file edited: export the experiment again from "
                                  "phyphox, or restore the missing column's name")
    if not groups:
        return []
    if len(lines) < 2 or not any(l.strip() for l in lines[1:]):
        raise EmptyRecordingError("the file has a header but no data rows", path=label, line=1,
                                  hint="the experiment recorded nothing: press play in phyphox before exporting")
    usecols = sorted({tcol} | {i for g in groups.values() for i, _ in g.values()})
    cut_note: list[str] = []
    for i in usecols:             # a repeated name: the first such column is read, and the user told so
        again = [str(j) for j, c in enumerate(cols) if c == cols[i]]
        if len(again) > 1 and again[0] == str(i):
            cut_note.append(f"{PurePosixPath(name).name}: the header names {cols[i]!r} {len(again)} times (columns "
                            f"{', '.join(again)}, from 0): read column {i}")
    text = drop_cut_last_line(text, delim, decimal, len(cols), label, cut_note)
    skipped: list[tuple[int, int]] = []           # rows of only separators (re-saved in Excel)
    data = parse_numeric_csv(text, label=label, skiprows=1, names=cols, delimiter=delim, decimal=decimal,
                             usecols=usecols, first_line_no=2, skipped=skipped)
    note = separator_rows_warning(label, skipped)
    if note:
        cut_note.append(note)
    if data.shape[0] == 0:        # its only row was cut short (and dropped above)
        raise EmptyRecordingError("the file has a header but no complete data row", path=label, line=2,
                                  hint="export the experiment again from phyphox")
    pos = {c: j for j, c in enumerate(usecols)}
    t = data[:, pos[tcol]]
    lines = row_line_mapper(text, 2)
    out = []
    for kind, axes in groups.items():
        idx = [axes[a][0] for a in "xyz"]
        units = {axes[a][1] for a in "xyz"}
        unit = units.pop() if len(units) == 1 else None
        xyz = data[:, [pos[i] for i in idx]]
        names = [cols[i] for i in idx]
        notes: list[str] = [] if out else cut_note      # a cut line is said once per file
        if kind == "gyro":
            if gyro_unit is not None:   # the user's word: checked against the movement in _combine
                unit = gyro_unit
            elif unit is None:  # user-built experiment without units: infer, say so
                unit, p95 = guess_gyro_unit(xyz)
                notes.append(f"{PurePosixPath(name).name}: no unit on {names[0]!r}…; 95th percentile |ω| = "
                             f"{p95:.3g} → read as {unit}")
            xyz = xyz * gyro_factor(unit, label)
        else:
            if acc_unit is not None:    # the user's word, checked where gravity is in the data
                unit = acc_unit
                if kind == "acc":
                    check_stated_acc_unit(xyz, unit, label, names)
            elif unit is None and kind in ("acc", "gravity"):
                guess = guess_acc_unit(xyz, t)
                unit = guess[0] if guess else "m/s2"
                if unit != "m/s2":
                    notes.append(f"{PurePosixPath(name).name}: no unit on {names[0]!r}…; median |a| = "
                                 f"{guess[1]:.3g} → read as {unit} and converted to m/s²")
            elif kind == "acc":
                check_stated_acc_unit(xyz, unit, label, names)
            xyz = xyz * acc_factor(unit or "m/s2", label)
        out.append(_Stream(kind, t, xyz, label, 2, names, notes, lines))
    return out


def _read_meta(cont: Container, warnings: list[str] | None = None) -> dict:
    """``meta/time.csv`` (absolute start) and ``meta/device.csv`` (phone) into metadata. They only add
    facts: an empty or damaged one is left out with a warning, the recording is still read."""
    meta: dict = {}
    warnings = [] if warnings is None else warnings
    tname = cont.find_path(r"(.*/)?meta/time\.csv")
    if tname:
        try:
            for row in meta_csv_rows(cont, tname)[1:]:
                if row and row[0].strip().upper() == "START" and len(row) >= 3:
                    meta["start_unix_s"] = float(row[2].replace(",", ".")) - float(row[1].replace(",", "."))
                    if len(row) >= 4:
                        meta["start_time"] = row[3]
                    break
        except (ValueError, IndexError, csv.Error) as exc:
            meta.pop("start_unix_s", None)
            warnings.append(f"{tname} could not be read ({exc}): the absolute start time is unknown")
    dname = cont.find_path(r"(.*/)?meta/device\.csv")
    if dname:
        try:
            rows = meta_csv_rows(cont, dname)
        except csv.Error as exc:
            rows = []
            warnings.append(f"{dname} could not be read ({exc}): the phone model is unknown")
        props = {r[0].strip(): r[1].strip() for r in rows[1:] if len(r) >= 2}
        if props.get("deviceModel"):
            meta["device"] = " ".join(x for x in (props.get("deviceManufacturer") or props.get("deviceBrand"),
                                                   props["deviceModel"]) if x)
        for k in ("version", "fileFormat", "deviceBaseOS", "deviceRelease"):
            if props.get(k):
                meta[f"phyphox_{k}"] = props[k]
    return meta


def is_phyphox(cont: Container) -> bool:
    if cont.find_path(r"(.*/)?meta/device\.csv") or cont.find_path(r"(.*/)?meta/time\.csv"):
        return True
    for n in cont.names():
        if n.lower().endswith(".csv") and "/meta/" not in "/" + n.lower():
            head = cont.read_head(n, 400).decode("utf-8", "replace")
            if looks_like_phyphox_header(head.splitlines()[0] if head else ""):
                return True
    return False


def _data_names(cont: Container) -> list[str]:
    """The CSV members that may hold sensor data (not meta/, not macOS or hidden files)."""
    return [n for n in cont.names() if n.lower().endswith(".csv") and not re.search(r"(^|/)meta/", n, re.I)
            and "__MACOSX" not in n and not PurePosixPath(n).name.startswith((".", "._"))]


def _named_file_names(cont: Container, base: str) -> list[str]:
    """One CSV of an export folder was named: that file, plus — for a multi-sensor export, whose
    files are named by sensor — the other sensor files of the *same* export (same copy suffix).
    'Raw Data.csv' holds a whole experiment: it is read alone, never a 'Raw Data (1).csv' beside it."""
    if _file_hint(base) is None:
        return [base]
    copy = split_copy_suffix(PurePosixPath(base).stem)[1]
    sibs = [n for n in _data_names(cont) if "/" not in n and n != base and _file_hint(n) is not None
            and split_copy_suffix(PurePosixPath(n).stem)[1] == copy]
    return [base] + sorted(sibs)


@clean_os_errors
def read_phyphox(path: str | os.PathLike, *, acc_unit: str | None = None, gyro_unit: str | None = None) -> Recording:
    """Read a phyphox export (``Raw Data.csv``, a folder, or a zip) into a validated Recording.

    ``acc_unit`` (m/s2|g|mg) and ``gyro_unit`` (rad/s|deg/s) state the units the columns really hold when
    the header says otherwise (an export converted by another tool): the unit guards' advice
    ("pass --acc-unit g") must work for an export folder or zip too.

    A folder or zip must hold one export (one folder of data files, no ' (1)' copies beside them);
    a named CSV is read itself, with its sensor siblings only (see :func:`_named_file_names`).
    """
    path = str(path)
    if not os.path.exists(path):
        raise RecordingError("no such file or folder", path=path, hint="check the path")
    cont_path, base = path, None
    # a zip is read as one whatever its name (a Sensor Logger zip renamed .csv: a stray-quote error)
    if os.path.isfile(path) and not (path.lower().endswith(".zip") or zipfile.is_zipfile(path)):
        # One CSV of an export. If it sits in an export folder (one with meta/), read from the folder
        # so meta/ and, for multi-sensor exports, the sibling sensor files come along.
        parent = os.path.dirname(os.path.abspath(path))
        if os.path.isdir(os.path.join(parent, "meta")):
            cont_path, base = parent, os.path.basename(path)
    with Container(cont_path) as cont:
        if base is not None:
            names = _named_file_names(cont, base)
        else:
            names = _data_names(cont)
            groups: dict[tuple[str, str], list[str]] = {}
            for n in names:
                groups.setdefault(export_key(n), []).append(n)
            refuse_several_exports(path, groups, "zip archive" if cont.kind == "zip" else "folder")
        if not names:
            raise RecordingError("no CSV files in this phyphox export", path=path,
                                 hint="export the experiment as CSV (comma or semicolon) from phyphox")
        streams: list[_Stream] = []
        empty_gyro: list[str] = []
        left_out: list[tuple[str, RecordingError]] = []
        for n in names:
            try:
                streams.extend(_read_table(cont, n, acc_unit, gyro_unit))
            except EmptyRecordingError as exc:
                if _file_hint(n) == "gyro":
                    empty_gyro.append(os.path.basename(n))
                elif _optional_file(n, base):
                    left_out.append((n, exc))
                else:
                    raise                     # the acceleration itself recorded nothing
            except RecordingError as exc:
                # a file that names no sensor of ours (an empty Magnetometer.csv, the user's notes.csv) refused
                # the whole export: 'export/empty.csv: the file is empty'
                if not _optional_file(n, base):
                    raise
                left_out.append((n, exc))
        if left_out and not any(s.kind in ("acc", "linacc") for s in streams):
            raise left_out[0][1]              # no acceleration elsewhere: that file's own error says most
        _refuse_same_sensor_twice(streams, path)
        notes = [f"{n} holds no samples: analysed without the gyroscope" for n in empty_gyro]
        notes += [f"{os.path.basename(n)} was left out (it holds no acceleration or gyroscope data imu_gait reads: "
                  f"{exc.message})" for n, exc in left_out]
        meta = _read_meta(cont, notes)
        for key, unit in (("acc_unit", acc_unit), ("gyro_unit", gyro_unit)):
            if unit is not None:
                meta[key] = unit
        return _combine(streams, path, meta, notes, gyro_unit)


def _optional_file(name: str, named: str | None) -> bool:
    """A CSV of an export folder that is not one of the sensor files imu_gait reads (no accelerometer,
    gyroscope, linear-acceleration or gravity name, not 'Raw Data.csv') and was not the file the user named."""
    base = PurePosixPath(name).name
    return (named is None or base != named) and _file_hint(name) is None and "raw data" not in base.lower()


def _refuse_same_sensor_twice(streams: list[_Stream], path: str) -> None:
    """Two files with the same sensor (a 'Raw Data.csv' and a renamed copy of another walk beside it)
    are two exports: which one to analyse is the user's choice, not the bigger file's."""
    for kind in ("acc", "gyro", "linacc"):
        labels = sorted({s.label for s in streams if s.kind == kind})
        if len(labels) > 1:
            names = [os.path.basename(l) for l in labels]
            raise RecordingError(
                f"{len(labels)} files hold the {'gyroscope' if kind == 'gyro' else 'acceleration'}: "
                f"{', '.join(names)} — this holds {len(labels)} exports; analyse them one at a time",
                path=path, hint=f"name one file (e.g. imu-gait analyze '{labels[0]}') or put each export in "
                                "its own folder")


def _pick(streams: list[_Stream], kind: str) -> _Stream | None:
    cands = [s for s in streams if s.kind == kind]
    return max(cands, key=lambda s: s.t.size) if cands else None


def _combine(streams: list[_Stream], path: str, meta: dict, warnings: list[str] | None = None,
             gyro_unit: str | None = None) -> Recording:
    warnings = list(warnings or [])
    acc = _pick(streams, "acc")
    gyro = _pick(streams, "gyro")
    if acc is None:
        lin, grav = _pick(streams, "linacc"), _pick(streams, "gravity")
        if lin is not None and grav is not None:
            tg, vg = sorted_unique_time(grav.t, grav.xyz)
            lo, hi = max(lin.t.min(), tg[0]), min(lin.t.max(), tg[-1])
            keep = (lin.t >= lo) & (lin.t <= hi)
            acc = _Stream("acc", lin.t[keep], lin.xyz[keep] + interp_columns(tg, vg, lin.t[keep]),
                          lin.label, lin.first_line, lin.columns, lin.warnings + grav.warnings, lin.line_of_row,
                          np.flatnonzero(keep))
            warnings.append("acceleration without g + gravity stream: gravity interpolated and added back")
        elif lin is not None:
            raise RecordingError(
                "this is phyphox 'Acceleration (without g)': gravity was removed, and imu_gait needs it "
                "to find which way is up",
                path=lin.label, column=lin.columns[0],
                hint="record with the phyphox experiment 'Acceleration with g' (or a multi-sensor export "
                     "that includes 'Accelerometer')")
        elif gyro is not None:
            raise RecordingError(
                "this export holds only the gyroscope: gait cannot be analysed from rotation rate alone",
                path=gyro.label, column=gyro.columns[0],
                hint="record 'Acceleration with g' as well (or a multi-sensor experiment with Accelerometer "
                     "+ Gyroscope) and read that export")
        else:
            raise RecordingError("no acceleration columns found (expected e.g. \"Acceleration x (m/s^2)\" "
                                 "or \"X (m/s^2)\" in Accelerometer.csv)", path=path,
                                 hint="export 'Acceleration with g' as CSV from phyphox")
    t, a = acc.t, acc.xyz
    rows = np.arange(t.size) if acc.rows is None else acc.rows
    warnings.extend(acc.warnings)
    g = None
    if gyro is not None:
        warnings.extend(gyro.warnings)
        if gyro.t is acc.t or (gyro.t.shape == acc.t.shape and np.array_equal(gyro.t, acc.t)):
            g = gyro.xyz
        else:
            t0, t1 = float(np.min(t)), float(np.max(t))
            t, a, g, kept = merge_gyro(t, a, gyro.t, gyro.xyz, name=os.path.basename(gyro.label), warnings=warnings)
            rows = rows[kept]
            if g is not None:
                meta["gyro_interpolated"] = True
                meta["overlap_s"] = [round(max(t0, float(np.min(gyro.t))), 6), round(min(t1, float(np.max(gyro.t))), 6)]
    if g is not None and gyro is not None and gyro_unit is not None:
        # rad/s data stated as deg/s: judged on the file's values (the stream is already converted)
        check_stated_gyro_unit(t, a, g / gyro_factor(gyro_unit, gyro.label), gyro_unit, gyro.label, gyro.columns)
        meta["_gyro_unit_given"] = True         # the user's word wins over check_units' guess (in memory only)
    meta.setdefault("format", "phyphox")
    meta["time_offset_s"] = 0.0                  # 'Time (s)' is kept as the recording's own axis
    meta["path"] = path
    return finish(t, a, g, label=acc.label, meta=meta, warnings=warnings, first_line_no=acc.first_line,
                  rows=rows, line_of_row=acc.line_of_row, time_column="Time (s)",
                  gyro_label=None if gyro is None or gyro.label == acc.label else gyro.label)
