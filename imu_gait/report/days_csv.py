"""The days CSV: one row per calendar day, for a spreadsheet or a statistics package.

A recording of a day or more is read day by day (:mod:`imu_gait.days`): each day's hours recorded and
worn, whether it counts (``valid``: worn ≥ 10 h), its steps and its walking bouts summarised by length.
Columns are :data:`~imu_gait.days.DAY_COLUMNS`; ``date`` is empty when the file does not say when it
started (then a day is 24 h from the first sample), and ``start_s`` / ``end_s`` are on the recording's own
axis, as the steps' ``time_s``. An empty cell is a value not measured (no walking bout of that length
that day; turns without a gyro). A pooled table (``imu-gait batch --days-csv``) puts ``recording`` first.
"""
from __future__ import annotations

import os
from typing import IO, Any, Iterable, Sequence

import pandas as pd

from ..days import DAY_COLUMNS
from ..result import AnalysisResult
from .steps_csv import DECIMALS
from .._output_file import atomic_text_file

#: the columns, in order (a pooled table puts ``recording`` before them)
DAY_CSV_COLUMNS = DAY_COLUMNS
_COUNTS = ("day", "n_steps", "n_walking_bouts", "n_walking_bouts_10s", "n_walking_bouts_30s", "n_walking_bouts_60s",
           "n_running_bouts", "n_turns")


def day_rows(result: AnalysisResult) -> list[dict[str, Any]]:
    """The result's days as plain rows (:data:`DAY_CSV_COLUMNS`), in time order."""
    days = getattr(result, "days", None)
    if days is None or not len(days):
        return []
    return days.reindex(columns=list(DAY_COLUMNS)).to_dict(orient="records")


def days_frame(rows: Iterable[dict[str, Any]], *, pooled: bool = False,
               study_columns: Sequence[str] = ()) -> pd.DataFrame:
    """Rows (:func:`day_rows`; with ``pooled``, each also holding ``recording``) as the CSV's table: hours
    to the second, seconds to the millisecond, the metrics rounded as the steps CSV rounds them."""
    cols = (["recording", *study_columns] if pooled else []) + list(DAY_CSV_COLUMNS)
    out = pd.DataFrame(list(rows), columns=cols)
    for col in DAY_CSV_COLUMNS:        # (a study's own columns are left as the table gave them)
        if col in ("date", "valid", "flags"):
            continue
        metric = next((m for m in DECIMALS if col.startswith(m)), None)
        dec = 4 if col.endswith("_h") else DECIMALS[metric] if metric else 3
        # (+ 0.0: a small negative rounds to -0.0, which the CSV would show as "-0.0")
        out[col] = pd.to_numeric(out[col], errors="coerce").round(dec) + 0.0
    for col in _COUNTS:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    out["date"] = out["date"].fillna("").astype(str)
    out["flags"] = out["flags"].fillna("").astype(str)
    out["valid"] = out["valid"].astype("boolean")
    return out


def write_days_csv(result: AnalysisResult, path: str | os.PathLike | IO[str]) -> None:
    """Write one row per day to ``path`` or an open text stream (``,`` separated, header first)."""
    with atomic_text_file(path, newline="") as fh:    # whole or not at all; a link there is replaced
        days_frame(day_rows(result)).to_csv(fh, index=False, na_rep="", lineterminator="\n")


def write_pooled_days_csv(rows: Iterable[dict[str, Any]], path: str | os.PathLike | IO[str],
                          study_columns: Sequence[str] = ()) -> None:
    """Write many recordings' day rows (each with ``recording``) as one table; ``study_columns``
    (a batch context table's subject, group …) follow ``recording``."""
    table = days_frame(rows, pooled=True, study_columns=study_columns)
    with atomic_text_file(path, newline="") as fh:    # whole or not at all; a link there is replaced
        table.to_csv(fh, index=False, na_rep="", lineterminator="\n")
