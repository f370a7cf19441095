"""Sensor Logger exports (Kelvin Choi's app; iOS and Android): a folder or zip of CSVs.

Every sensor file has the header ``time,seconds_elapsed,z,y,x`` — ``time`` in ns since the
unix epoch, axes in *reverse* order; columns are read by name, never by position.

Acceleration with gravity, in order of preference:

1. ``TotalAcceleration.csv`` (Android) — m/s² with g;
2. ``Accelerometer.csv`` (gravity removed) + ``Gravity.csv`` — gravity interpolated onto
   the accelerometer times and added back (iOS);
3. ``AccelerometerUncalibrated.csv`` — in g on iOS (unless the app standardised units),
   m/s² on Android; the unit is taken from the platform and checked against |a|.

``Gyroscope.csv`` (rad/s) is optional and interpolated onto the acceleration times within
the overlap of both streams. ``Metadata.csv`` goes into ``Recording.meta``. Time is
re-based to the first acceleration sample (``meta['start_unix_s']`` and ``meta['time_offset_s']``
— copied into the analysis summary — keep the epoch).
"""
from __future__ import annotations

import csv
import os
import re
import zipfile
from pathlib import PurePosixPath
from typing import Callable

import numpy as np

from ..errors import EmptyRecordingError, RecordingError
from ..recording import G, Recording, gravity_size
from ._common import (Container, acc_factor, check_stated_acc_unit, check_stated_gyro_unit, clean_os_errors,
                      drop_cut_last_line, export_key, finish, guess_acc_unit, guess_gyro_unit, gyro_factor,
                      interp_columns, merge_gyro, meta_csv_rows, parse_numeric_csv, refuse_several_exports, row_line_mapper, separator_rows_warning, sniff_delimiter,
                      sorted_unique_time, split_copy_suffix, split_header, require_closed_quotes, header_names)

SENSOR_HEADER_START = ("time", "seconds_elapsed")

#: Sensor Logger's file names (lower-case stem) → the role this reader gives them
ROLES = {"totalacceleration": "total", "accelerometer": "lin", "accelerometeruncalibrated": "unc",
         "gravity": "gravity", "gyroscope": "gyro", "gyroscopeuncalibrated": "gyro_unc", "metadata": "meta"}
FILE_NAMES = {"total": "TotalAcceleration", "lin": "Accelerometer", "unc": "AccelerometerUncalibrated",
              "gravity": "Gravity", "gyro": "Gyroscope", "gyro_unc": "GyroscopeUncalibrated", "meta": "Metadata"}
_SENSOR_ROLES = ("total", "lin", "unc", "gravity", "gyro", "gyro_unc")


#: streams Sensor Logger records from a paired Apple Watch or AirPods into the phone's export (UNITS.md):
#: another sensor on another body part, never the trunk's — left out, and said so
_WORN_ELSEWHERE = {"wristmotion": "the Apple Watch's motion", "heartrate": "the Apple Watch's heart rate",
                   "headphone": "the headphones' (AirPods') motion"}
_WORN_ELSEWHERE_HINT = ("imu_gait analyses one sensor on the trunk (lower back or chest): analyse the phone's files "
                        "(TotalAcceleration.csv, or Accelerometer.csv + Gravity.csv) recorded with the phone on the "
                        "trunk; a watch or earbuds do not move with it")


def _worn_elsewhere(name: str) -> str | None:
    """What a member is when it is one of the watch's (or headphones') streams, else None."""
    p = PurePosixPath(name)
    if p.suffix.lower() != ".csv" or p.name.startswith((".", "._")):
        return None
    stem = split_copy_suffix(p.stem)[0].lower()
    if re.fullmatch(r"watch[a-z]+", stem):   # WatchLocation, WatchBarometer, WatchMagnetometer … (not watch_walk)
        return "the Apple Watch's " + stem[len("watch"):]
    return _WORN_ELSEWHERE.get(stem)


def looks_like_worn_elsewhere_header(line: str) -> bool:
    """The header of WristMotion.csv / Headphone.csv ('time,seconds_elapsed,rotationRateX,…,accelerationX,…')."""
    cols = [c.strip().lower() for c in split_header(line, ",")]
    return tuple(cols[:2]) == SENSOR_HEADER_START and {"accelerationx", "rotationratex"} & set(cols) != set()


def _role(name: str) -> tuple[str | None, str]:
    """(role, copy suffix) of a member from its file name; role None for any other name."""
    p = PurePosixPath(name)
    if p.suffix.lower() != ".csv" or p.name.startswith((".", "._")) or "__MACOSX" in name:
        return None, ""
    stem, copy = split_copy_suffix(p.stem)
    return ROLES.get(stem.lower()), copy


def _exports(cont: Container) -> dict[tuple[str, str], dict[str, str]]:
    """The exports in a container: (folder, copy suffix) → {role: member}. Only sensor files count
    (a Metadata.csv alone is not an export)."""
    groups: dict[tuple[str, str], dict[str, str]] = {}
    for n in cont.names():
        role, _copy = _role(n)
        if role is not None:
            groups.setdefault(export_key(n), {}).setdefault(role, n)
    return {k: v for k, v in groups.items() if any(r in v for r in _SENSOR_ROLES)}


def looks_like_sensorlogger_header(line: str) -> bool:
    cols = [c.strip().lower() for c in split_header(line, ",")]      # (in any letter case, as the reader)
    return len(cols) >= 5 and tuple(cols[:2]) == SENSOR_HEADER_START and {"x", "y", "z"} <= set(cols)


def is_sensorlogger(cont: Container) -> bool:
    if not _exports(cont) and any(_worn_elsewhere(n) and cont.read_head(n, 40).decode("utf-8", "replace")
                                  .lstrip("\ufeff").lower().startswith("time,seconds_elapsed") for n in cont.names()):
        return True          # the watch's files alone: read_sensorlogger says what they are
    for members in _exports(cont).values():
        if "meta" in members and any(r in members for r in ("total", "lin", "unc")):
            return True
        for n in members.values():
            head = cont.read_head(n, 300).decode("utf-8", "replace").lstrip("\ufeff")
            if looks_like_sensorlogger_header(head.splitlines()[0] if head else ""):
                return True
    return False


def _stated_acc(acc: np.ndarray, acc_unit: str | None, label: str) -> np.ndarray:
    """Acceleration with gravity in m/s², from the unit the user stated (checked against gravity's size);
    unchanged when none was stated."""
    if acc_unit is None:
        return acc
    check_stated_acc_unit(acc, acc_unit, label, ["x", "y", "z"])
    return acc * acc_factor(acc_unit, label)


def _read_sensor(cont: Container, name: str,
                 warnings: list[str]) -> tuple[np.ndarray, np.ndarray, str, Callable[[int], int]]:
    """(time_ns as float64, xyz (N,3) in file units with columns in x,y,z order, label, file line of a
    data row); a last line cut short is dropped with a note in ``warnings``."""
    label = cont.label(name)
    text = cont.read_text(name)
    if "\n" not in text and "\r" in text:
        # old-Mac line ends (a CSV re-saved by Excel for Mac): the whole file was taken for its header
        # ('the header lacks x (found: …, x1710697732444921974, …)'); one CR per line keeps the line numbers
        text = text.replace("\r", "\n")
    first_nl = text.find("\n")
    header = text if first_nl < 0 else text[:first_nl]
    if not header.strip():
        raise RecordingError("the file is empty", path=label, hint="export the recording again from Sensor Logger")
    delim = sniff_delimiter(header)
    require_closed_quotes(header, label=label, line=1)
    cols = header_names(header, delim)     # (a separator at the end names no column)
    # the names in any letter case ('Time,Seconds_Elapsed,Z,Y,X' after an edit in a spreadsheet) — refused
    # before as 'the header lacks time, x, y, z'
    lowered = [c.strip().lower() for c in cols]
    missing = [c for c in ("time", "x", "y", "z") if c not in lowered]
    if missing and looks_like_worn_elsewhere_header(header):
        # WristMotion.csv / Headphone.csv under another name ('my_walk.csv'): refused before as 'the header
        # lacks x, y, z' with the phone's header as the hint — which never said it is a wrist's (or head's) sensor
        raise RecordingError("the columns (rotationRateX…, accelerationX…) are those of Sensor Logger's "
                             "WristMotion.csv (an Apple Watch) or Headphone.csv (AirPods) under another name: "
                             "a sensor on the wrist or head, not on the trunk", path=label, line=1, hint=_WORN_ELSEWHERE_HINT)
    if missing:
        raise RecordingError(f"the header lacks {', '.join(missing)} (found: {', '.join(cols)})", path=label,
                             line=1, hint="Sensor Logger files start 'time,seconds_elapsed,z,y,x'")
    if first_nl < 0 or not text[first_nl + 1:].strip():
        raise EmptyRecordingError("the file has a header but no data rows", path=label, line=1,
                                  hint="the sensor was not enabled or recorded nothing; enable it in Sensor Logger")
    want = [lowered.index(c) for c in ("time", "x", "y", "z")]
    text = drop_cut_last_line(text, delim, ".", len(cols), label, warnings)
    skipped: list[tuple[int, int]] = []           # rows of only separators (re-saved in Excel)
    data = parse_numeric_csv(text, label=label, skiprows=1, names=cols, delimiter=delim,
                             usecols=want, first_line_no=2, skipped=skipped)
    note = separator_rows_warning(label, skipped)
    if note:
        warnings.append(note)
    if data.shape[0] == 0:        # its only row was cut short (and dropped above)
        raise EmptyRecordingError("the file has a header but no complete data row", path=label, line=2,
                                  hint="the sensor recorded nothing whole; export the recording again")
    pos = {c: j for j, c in enumerate(sorted(want))}
    t_ns = data[:, pos[want[0]]]
    xyz = data[:, [pos[i] for i in want[1:]]]
    return t_ns, xyz, label, row_line_mapper(text, 2)


def _read_metadata(cont: Container, n: str | None, warnings: list[str]) -> dict:
    """Metadata.csv (device, platform, requested rates): it only adds facts, so an unreadable one is left
    out with a warning and the recording is still read."""
    if not n:
        return {}
    try:
        rows = meta_csv_rows(cont, n)
    except csv.Error as exc:
        warnings.append(f"{PurePosixPath(n).name} could not be read ({exc}): the device and platform are unknown")
        return {}
    if len(rows) < 2:
        return {}
    raw = {k.strip(): v.strip() for k, v in zip(rows[0], rows[1])}
    meta: dict = {"sensorlogger_" + k.replace(" ", "_"): v for k, v in raw.items() if v}
    if raw.get("device name"):
        meta["device"] = raw["device name"]
    if raw.get("platform"):
        meta["platform"] = raw["platform"]
    rates = [x for x in raw.get("sampleRateMs", "").split("|") if x.strip()]
    try:
        ms = [float(x) for x in rates]
        if ms and min(ms) > 0:
            meta["requested_rate_hz"] = round(1000.0 / min(ms), 3)
    except ValueError:
        pass
    return meta


def _named_file_members(cont: Container, named: str) -> tuple[dict[str, str], list[str]]:
    """The members to read when one CSV of an export was named: that file as the acceleration, with
    only the siblings of the *same* export (same folder, same copy suffix) it needs — Gravity for a
    gravity-removed Accelerometer, the gyroscope, Metadata. Never another acceleration file."""
    role, copy = _role(named)
    worn = _worn_elsewhere(named)
    if worn:
        raise RecordingError(f"this is Sensor Logger's {PurePosixPath(named).name}: {worn}, not a sensor on the "
                             "trunk", path=cont.label(named), hint=_WORN_ELSEWHERE_HINT)
    if role in ("gravity", "gyro", "gyro_unc", "meta"):
        raise RecordingError(
            f"this is Sensor Logger's {FILE_NAMES[role]}.csv: it holds no acceleration to analyse",
            path=cont.label(named),
            hint="name the export's acceleration file (TotalAcceleration.csv, or Accelerometer.csv with "
                 "Gravity.csv beside it) or the whole export folder")
    if role is None:
        # renamed (walk_monday.csv): which sensor it was is unknown, and so is which files were its
        # export; read it alone as acceleration with gravity — the unit checks refuse anything else
        return {"total": named}, [f"{PurePosixPath(named).name}: a Sensor Logger file under another name, read "
                                  "alone as total acceleration (with gravity); no gyroscope"]
    members = {role: named}
    by_name = {n.lower(): n for n in cont.names() if "/" not in n}
    for sib in ("gravity", "gyro", "gyro_unc", "meta"):
        n = by_name.get(f"{FILE_NAMES[sib]}{copy}.csv".lower())
        if n:
            members[sib] = n
    return members, []


@clean_os_errors
def read_sensorlogger(path: str | os.PathLike, *, acc_unit: str | None = None,
                      gyro_unit: str | None = None) -> Recording:
    """Read a Sensor Logger export (zip, folder, or one of its CSV files) into a validated Recording.

    ``acc_unit`` (m/s2|g|mg) and ``gyro_unit`` (rad/s|deg/s) state the units of the acceleration (and
    gravity) files and of the gyroscope file: Sensor Logger's CSVs carry no unit, and an iOS export without
    'standardised units' holds g (CoreMotion's unit) — the unit guards' advice "pass --acc-unit g" must
    work for the export folder or zip it comes from. Each stated unit is checked against the data.

    A folder or zip must hold one export; one named CSV is read itself (see :func:`_named_file_members`).
    """
    path = str(path)
    if not os.path.exists(path):
        raise RecordingError("no such file or folder", path=path, hint="check the path")
    cont_path, named = path, None
    # a zip is read as one whatever its name (a Sensor Logger zip renamed .csv: a stray-quote error)
    if os.path.isfile(path) and not (path.lower().endswith(".zip") or zipfile.is_zipfile(path)):
        cont_path = os.path.dirname(os.path.abspath(path))  # one CSV given: its siblings may be needed
        named = os.path.basename(path)
    warnings: list[str] = []
    rows = None                      # data row of each acceleration sample, once some were cut
    with Container(cont_path) as cont:
        if named is not None:
            members, notes = _named_file_members(cont, named)
            warnings.extend(notes)
        else:
            groups = _exports(cont)
            refuse_several_exports(path, {k: list(v.values()) for k, v in groups.items()},
                                   "zip archive" if cont.kind == "zip" else "folder")
            members = next(iter(groups.values()), {})
            worn = sorted((n for n in cont.names() if _worn_elsewhere(n)), key=str.lower)
            if worn and not members:
                raise RecordingError(
                    "this Sensor Logger export holds only a watch's or headphones' streams ("
                    + ", ".join(f"{PurePosixPath(n).name}: {_worn_elsewhere(n)}" for n in worn) + ")",
                    path=path, hint=_WORN_ELSEWHERE_HINT)
            if worn:
                warnings.append("left out " + ", ".join(PurePosixPath(n).name for n in worn) + " ("
                                + "; ".join(sorted({_worn_elsewhere(n) for n in worn})) + "): imu_gait analyses one "
                                "sensor on the trunk — the phone's")
            if "meta" not in members:
                members["meta"] = cont.find(r"Metadata\.csv")
        meta = _read_metadata(cont, members.get("meta"), warnings)
        platform = str(meta.get("platform", "")).lower()
        total, lin, grav, unc = (members.get(r) for r in ("total", "lin", "gravity", "unc"))
        acc_scale = 1.0 if acc_unit is None else acc_factor(acc_unit, path)
        if total:
            t_ns, acc, label, line_of_row = _read_sensor(cont, total, warnings)
            acc = _stated_acc(acc, acc_unit, label)
            meta["acc_source"] = "TotalAcceleration"
        elif lin and grav:
            t_ns, acc, label, line_of_row = _read_sensor(cont, lin, warnings)
            tg_ns, g_xyz, glabel, _ = _read_sensor(cont, grav, warnings)
            tg, vg = sorted_unique_time(tg_ns, g_xyz * acc_scale)
            acc = acc * acc_scale
            lo, hi = max(t_ns.min(), tg[0]), min(t_ns.max(), tg[-1])
            keep = (t_ns >= lo) & (t_ns <= hi)
            if keep.sum() < 2:
                raise RecordingError("Accelerometer.csv and Gravity.csv do not overlap in time", path=glabel,
                                     hint="export the whole recording again")
            if (~keep).any():
                warnings.append(f"cut {int((~keep).sum())} accelerometer sample(s) outside the Gravity.csv time range")
            t_ns, acc, rows = t_ns[keep], acc[keep] + interp_columns(tg, vg, t_ns[keep]), np.flatnonzero(keep)
            if acc_unit is not None:     # judged with gravity back in (Accelerometer.csv alone has none)
                check_stated_acc_unit(acc / acc_scale, acc_unit, label, ["x", "y", "z"])
            warnings.append("Accelerometer.csv has gravity removed: Gravity.csv was interpolated and added back")
            meta["acc_source"] = "Accelerometer+Gravity"
        elif unc:
            t_ns, acc, label, line_of_row = _read_sensor(cont, unc, warnings)
            m = gravity_size(acc, t_ns * 1e-9)          # a run's flight pulls the median |a| down
            in_g = acc_unit is None and 0.6 < m < 1.6   # (a stated unit is the user's word, checked)
            acc = _stated_acc(acc, acc_unit, label)
            if platform == "ios" and not in_g and 6.0 < m < 15.0:
                warnings.append("AccelerometerUncalibrated.csv from iOS is already in m/s² (standardised units)")
            if in_g:
                acc = acc * G
                warnings.append("AccelerometerUncalibrated.csv is in g (iOS): converted to m/s²")
            warnings.append("uncalibrated accelerometer used (no TotalAcceleration/Gravity in the export)")
            meta["acc_source"] = "AccelerometerUncalibrated"
        elif lin:
            raise RecordingError(
                "Sensor Logger's Accelerometer.csv has gravity removed and the export has no Gravity.csv "
                "or TotalAcceleration.csv to restore it",
                path=cont.label(lin),
                hint="enable 'Gravity' (iOS) or 'Total Acceleration' (Android) in Sensor Logger and record again")
        else:
            raise RecordingError(
                "no acceleration file in this Sensor Logger export (expected TotalAcceleration.csv, or "
                "Accelerometer.csv + Gravity.csv)", path=path,
                hint="enable the accelerometer (and gravity / total acceleration) in Sensor Logger")

        if acc_unit is None and meta["acc_source"] != "AccelerometerUncalibrated":
            # an iOS export without 'standardise units' is in g (CoreMotion's unit; its CSVs state none): told by
            # gravity's size and converted with a note, as the plain-table reader does (it was refused, the
            # advice to pass --acc-unit g given one unit per run)
            guess = guess_acc_unit(acc, t_ns * 1e-9)
            if guess is not None and guess[0] == "g":
                acc = acc * G
                warnings.append(f"{os.path.basename(total or lin)}: no unit stated and gravity's size is "
                                f"{guess[1]:.3g} → read as g (an iOS export without 'standardise units') and "
                                "converted to m/s²")
        if rows is None:
            rows = np.arange(t_ns.size)
        t0_ns = float(t_ns.min())
        gyro = None
        gname = members.get("gyro") or members.get("gyro_unc")
        if gname:
            try:
                tw_ns, w, wlabel, _ = _read_sensor(cont, gname, warnings)
            except EmptyRecordingError:
                warnings.append(f"{os.path.basename(gname)} holds no samples: analysed without the gyroscope")
            else:
                t_ns, acc, gyro, kept = merge_gyro(t_ns, acc, tw_ns, w, name=os.path.basename(gname),
                                                   warnings=warnings, seconds_per_unit=1e-9)
                rows = rows[kept]
                if gyro is not None and gyro_unit is not None:
                    check_stated_gyro_unit((t_ns - t_ns[0]) * 1e-9, acc, gyro, gyro_unit, wlabel, ["x", "y", "z"])
                    gyro = gyro * gyro_factor(gyro_unit, wlabel)
                elif gyro is not None:
                    # deg/s (iOS without 'standardise units'): a trunk never turns at 8 rad/s, 460 deg/s — so a
                    # 95th percentile over it is deg/s, converted with a note (--gyro-unit rad/s keeps rad/s)
                    unit, p95 = guess_gyro_unit(gyro)
                    if unit == "deg/s":
                        gyro = np.radians(gyro)
                        warnings.append(f"{os.path.basename(gname)}: no unit stated and the 95th percentile |ω| is "
                                        f"{p95:.3g} → read as deg/s and converted to rad/s (if it really is rad/s: "
                                        "--gyro-unit rad/s)")
        t_s = (t_ns - t0_ns) * 1e-9
        meta["start_unix_s"] = t0_ns * 1e-9
        meta["time_offset_s"] = t0_ns * 1e-9     # the 'time' column is Unix ns: time_s + this, in seconds
        for key, unit in (("acc_unit", acc_unit), ("gyro_unit", gyro_unit)):
            if unit is not None:
                meta[key] = unit
        if gyro_unit is not None:
            meta["_gyro_unit_given"] = True     # the user's word wins over check_units' guess (in memory only)
        meta.setdefault("format", "sensorlogger")
        meta["path"] = path
        return finish(t_s, acc, gyro, label=label, meta=meta, warnings=warnings, first_line_no=2, rows=rows,
                      line_of_row=line_of_row,
                      time_column="time", gyro_label=None if gyro is None else wlabel)
