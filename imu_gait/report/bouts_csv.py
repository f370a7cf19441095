"""The bouts CSV: one row per walking bout, for a spreadsheet or a statistics package.

Real-world walking is many short bouts; researchers compare them bout by bout and by length
(:mod:`imu_gait.bouts`). Columns are :data:`~imu_gait.bouts.BOUT_COLUMNS`, then ``start_mmss`` /
``end_mmss`` (counted from the recording's first sample, as the report's times), then ``day`` and
``date``: the day the bout starts in, as the days table (``--days-csv``) numbers and dates it (``date``
empty when the file does not say when it started) — a week's bouts grouped by day without
recomputing midnights. Times are on the
recording's own axis, as the steps' ``time_s``; an empty cell is a value not measured (turns and
twist without a gyro; step length while running without a belt speed). ``flags``: the ids of the
back-strain flags held during the bout, space-separated (empty: none). A pooled table
(``imu-gait batch --bouts-csv``) puts ``recording`` first.
"""
from __future__ import annotations

import os
from typing import IO, Any, Iterable, Sequence

import numpy as np
import pandas as pd

from ..bouts import BOUT_COLUMNS
from ..recording import clock_text
from ..result import AnalysisResult
from .steps_csv import DECIMALS
from .._output_file import atomic_text_file

#: the columns, in order (a pooled table puts ``recording`` before them)
BOUT_CSV_COLUMNS = (*BOUT_COLUMNS, "start_mmss", "end_mmss", "day", "date")


def bout_rows(result: AnalysisResult) -> list[dict[str, Any]]:
    """The result's bouts as plain rows (:data:`BOUT_CSV_COLUMNS`), in time order."""
    origin = float(result.summary.get("time_start_s") or 0.0)
    table = result.bouts.reindex(columns=list(BOUT_COLUMNS))
    rows = table.sort_values("start_s").to_dict(orient="records") if len(table) else []
    days = result.days
    if rows and len(days):
        # the day a bout starts in, as day_table counts bouts: rows begin at their day's start (the first
        # clipped to the first sample, before any contact), and a day with nothing recorded has no row
        day_start = days["start_s"].to_numpy(float)
        at = np.clip(np.searchsorted(day_start, [float(r["start_s"]) for r in rows], side="right") - 1, 0, None)
        numbers, dates = days["day"].to_numpy()[at], days["date"].to_numpy()[at]
    else:
        numbers, dates = [None] * len(rows), [None] * len(rows)
    for r, number, date in zip(rows, numbers, dates):
        r["start_mmss"] = clock_text(float(r["start_s"]) - origin)
        r["end_mmss"] = clock_text(float(r["end_s"]) - origin)
        r["day"] = None if number is None else int(number)
        r["date"] = date if isinstance(date, str) else None
    return rows


def bouts_frame(rows: Iterable[dict[str, Any]], *, pooled: bool = False,
                study_columns: Sequence[str] = ()) -> pd.DataFrame:
    """Rows (:func:`bout_rows`; with ``pooled``, each also holding ``recording``) as the CSV's table,
    rounded as the steps CSV rounds the same metrics."""
    cols = (["recording", *study_columns] if pooled else []) + list(BOUT_CSV_COLUMNS)
    out = pd.DataFrame(list(rows), columns=cols)
    decimals = {**DECIMALS, "start_s": 4, "end_s": 4, "duration_s": 3, "running_share": 3, "stride_length_m": 4}
    for col, dec in decimals.items():
        if col in out:
            # (+ 0.0: a small negative rounds to -0.0, which the CSV would show as "-0.0")
            out[col] = pd.to_numeric(out[col], errors="coerce").round(dec) + 0.0
    for col in ("walking_bout", "first_bout", "last_bout", "n_steps", "n_pauses", "n_turns", "day"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    out["gait"] = out["gait"].fillna("").astype(str)
    out["flags"] = out["flags"].fillna("").astype(str)
    return out


def write_bouts_csv(result: AnalysisResult, path: str | os.PathLike | IO[str]) -> None:
    """Write one row per bout to ``path`` or an open text stream (``,`` separated, header first; a
    recording with no bout gives the header alone)."""
    with atomic_text_file(path, newline="") as fh:    # whole or not at all; a link there is replaced
        bouts_frame(bout_rows(result)).to_csv(fh, index=False, na_rep="", lineterminator="\n")


def write_pooled_bouts_csv(rows: Iterable[dict[str, Any]], path: str | os.PathLike | IO[str],
                           study_columns: Sequence[str] = ()) -> None:
    """Write many recordings' bout rows (each with ``recording``) as one table; ``study_columns``
    (a batch context table's subject, group …) follow ``recording``."""
    table = bouts_frame(rows, pooled=True, study_columns=study_columns)
    with atomic_text_file(path, newline="") as fh:    # whole or not at all; a link there is replaced
        table.to_csv(fh, index=False, na_rep="", lineterminator="\n")
