"""The bouts CSV: one row per walking bout, for a spreadsheet or a statistics package.

Real-world walking is many short bouts; researchers compare them bout by bout and by length
(:mod:`imu_gait.bouts`). Columns are :data:`~imu_gait.bouts.BOUT_COLUMNS`, then ``start_mmss`` /
``end_mmss`` (counted from the recording's first sample, as the report's times). Times are on the
recording's own axis, as the steps' ``time_s``; an empty cell is a value not measured (turns and
twist without a gyro; step length while running without a belt speed). ``flags``: the ids of the
back-strain flags held during the bout, space-separated (empty: none). A pooled table
(``imu-gait batch --bouts-csv``) puts ``recording`` first.
"""
from __future__ import annotations

import os
from typing import IO, Any, Iterable

import pandas as pd

from ..bouts import BOUT_COLUMNS
from ..recording import clock_text
from ..result import AnalysisResult
from .steps_csv import DECIMALS

#: the columns, in order (a pooled table puts ``recording`` before them)
BOUT_CSV_COLUMNS = (*BOUT_COLUMNS, "start_mmss", "end_mmss")


def bout_rows(result: AnalysisResult) -> list[dict[str, Any]]:
    """The result's bouts as plain rows (:data:`BOUT_CSV_COLUMNS`), in time order."""
    origin = float(result.summary.get("time_start_s") or 0.0)
    table = result.bouts.reindex(columns=list(BOUT_COLUMNS))
    rows = table.sort_values("start_s").to_dict(orient="records") if len(table) else []
    for r in rows:
        r["start_mmss"] = clock_text(float(r["start_s"]) - origin)
        r["end_mmss"] = clock_text(float(r["end_s"]) - origin)
    return rows


def bouts_frame(rows: Iterable[dict[str, Any]], *, pooled: bool = False) -> pd.DataFrame:
    """Rows (:func:`bout_rows`; with ``pooled``, each also holding ``recording``) as the CSV's table,
    rounded as the steps CSV rounds the same metrics."""
    cols = (["recording"] if pooled else []) + list(BOUT_CSV_COLUMNS)
    out = pd.DataFrame(list(rows), columns=cols)
    decimals = {**DECIMALS, "start_s": 4, "end_s": 4, "duration_s": 3, "running_share": 3, "stride_length_m": 4}
    for col, dec in decimals.items():
        if col in out:
            out[col] = pd.to_numeric(out[col], errors="coerce").round(dec)
    for col in ("walking_bout", "first_bout", "last_bout", "n_steps", "n_pauses", "n_turns"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    out["gait"] = out["gait"].fillna("").astype(str)
    out["flags"] = out["flags"].fillna("").astype(str)
    return out


def write_bouts_csv(result: AnalysisResult, path: str | os.PathLike | IO[str]) -> None:
    """Write one row per bout to ``path`` or an open text stream (``,`` separated, header first; a
    recording with no bout gives the header alone)."""
    bouts_frame(bout_rows(result)).to_csv(path, index=False, na_rep="", lineterminator="\n")


def write_pooled_bouts_csv(rows: Iterable[dict[str, Any]], path: str | os.PathLike | IO[str]) -> None:
    """Write many recordings' bout rows (each with ``recording``) as one table."""
    bouts_frame(rows, pooled=True).to_csv(path, index=False, na_rep="", lineterminator="\n")
