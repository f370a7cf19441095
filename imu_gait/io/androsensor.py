"""AndroSensor (Android app) CSV exports — optional format.

``;``-separated, one wide row per logging tick; the header names every sensor column with
its unit, e.g. ``ACCELEROMETER X (m/s²);…;GYROSCOPE X (rad/s);…;Time since start in ms ;
YYYY-MO-DD HH-MI-SS_SSS``. Traps handled: non-ASCII ``²`` (read as UTF-8), the trailing
space in ``Time since start in ms ``, and the user-set logging interval — exports at
500 ms per row exist and are refused (below 50 Hz a trunk signal is not resolved well
enough for step timing). ``ACCELEROMETER`` includes gravity; ``LINEAR ACCELERATION`` is
never used. Parsing is delegated to the generic reader with the columns resolved here.

Built from the format description in the project's data notes (``datasets.md`` §8.4, kept beside the
repository, not in it); no real AndroSensor export
was available to test against (the test uses a file rendered from that description).
"""
from __future__ import annotations

import os
import re

from ..errors import RecordingError
from ..recording import Recording
from ._common import clean_os_errors, read_csv_safely, require_csv_file, split_header, to_numbers

_COL_RX = re.compile(r"^(ACCELEROMETER|GYROSCOPE) ([XYZ]) \(([^)]*)\)\s*$", re.I)
_TIME_NAME = "time since start in ms"
MIN_ANDROSENSOR_RATE_HZ = 50.0


def looks_like_androsensor(first_line: str) -> bool:
    low = first_line.lower()
    return "accelerometer x (" in low and _TIME_NAME in low and ";" in first_line


@clean_os_errors
def read_androsensor(path: str | os.PathLike) -> Recording:
    """Read an AndroSensor CSV export (semicolon-separated, ``ACCELEROMETER X (m/s²)`` … columns) into a
    :class:`Recording` in SI units; :func:`imu_gait.read` picks this reader itself."""
    from .generic import read_generic

    path = str(path)
    require_csv_file(path, "AndroSensor")
    with open(path, "r", encoding="utf-8-sig", errors="replace") as fh:
        header = fh.readline()
    cols = split_header(header, ";")
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for c in cols:
        m = _COL_RX.match(c)
        if m:
            found.setdefault(m.group(1).upper(), {})[m.group(2).lower()] = (c, m.group(3).strip())
    time_col = next((c for c in cols if c.strip().lower() == _TIME_NAME), None)
    acc = found.get("ACCELEROMETER", {})
    if time_col is None or set(acc) != {"x", "y", "z"}:
        raise RecordingError("AndroSensor header without 'ACCELEROMETER X/Y/Z (…)' and 'Time since start in ms'",
                             path=path, line=1, hint="enable the accelerometer in AndroSensor and export CSV")
    acc_unit = acc["x"][1].replace("²", "2").replace("^", "")
    gyro = found.get("GYROSCOPE", {})
    kw = {}
    if set(gyro) == {"x", "y", "z"}:
        kw = {"gyro_cols": [gyro[a][0] for a in "xyz"], "gyro_unit": gyro["x"][1]}
    # the logging interval first: a 500 ms export deserves its own explanation
    import numpy as np
    import pandas as pd
    try:
        t_ms = read_csv_safely(path, sep=";", usecols=[cols.index(time_col)], engine="c").iloc[:, 0]
        t_ms = to_numbers(t_ms).dropna().to_numpy(dtype=float)
        dt = np.diff(t_ms)
        dt = dt[dt > 0]
        rate = 1000.0 / float(np.median(dt)) if dt.size else float("nan")
    except (ValueError, pd.errors.ParserError):
        rate = float("nan")  # the generic reader will name the bad line
    if rate < MIN_ANDROSENSOR_RATE_HZ:
        raise RecordingError(
            f"AndroSensor logged one row every {1000.0 / rate:.0f} ms ({rate:.1f} Hz): too slow for gait "
            f"analysis (at least {MIN_ANDROSENSOR_RATE_HZ:.0f} Hz needed)", path=path, column=time_col,
            hint="in AndroSensor's settings set the recording interval to the fastest (e.g. 10 ms) and record again")
    rec = read_generic(path, time_col=time_col, time_unit="ms", acc_cols=[acc[a][0] for a in "xyz"],
                       acc_unit=acc_unit, delimiter=";", meta={"format": "androsensor"}, **kw)
    rec.meta["format"] = "androsensor"
    return rec
