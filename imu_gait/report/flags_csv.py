"""The flags CSV: one row per back-strain flag, for a spreadsheet or a statistics package.

The JSON result holds the same flags; this is the form a physiotherapist opens in a spreadsheet and a
researcher pools across a batch (``imu-gait batch --flags-csv``: a ``recording`` column first). Times
are on the recording's own axis, as the steps' ``time_s``; ``start_mmss`` / ``end_mmss`` count from the
recording's first sample, as the flag's message does. Values are in the unit of ``metric`` (its name
says which); an empty cell is a value that does not apply (an incline flag has no personal baseline).
"""
from __future__ import annotations

import os
from typing import IO, Any, Iterable, Sequence

import pandas as pd

from ..recording import clock_text
from ..result import AnalysisResult
from .._output_file import atomic_text_file

#: the columns, in order (a pooled table puts ``recording`` before them)
FLAG_CSV_COLUMNS = ("id", "title", "severity", "start_s", "end_s", "duration_s", "start_mmss", "end_mmss",
                    "metric", "value", "reference", "reference_kind", "threshold", "message", "cause", "advice")


def flag_rows(result: AnalysisResult) -> list[dict[str, Any]]:
    """The result's flags as plain rows (:data:`FLAG_CSV_COLUMNS`), in time order."""
    from ..strain import flag_title

    origin = float(result.summary.get("time_start_s") or 0.0)
    rows = []
    for f in sorted(result.flags, key=lambda f: (f.start_s, f.id)):
        d = f.to_dict()
        rows.append({**{k: d.get(k) for k in FLAG_CSV_COLUMNS if k in d},
                     "title": flag_title(f),
                     "duration_s": max(float(f.end_s) - float(f.start_s), 0.0),
                     "start_mmss": clock_text(float(f.start_s) - origin),
                     "end_mmss": clock_text(float(f.end_s) - origin)})
    return rows


def flags_frame(rows: Iterable[dict[str, Any]], *, pooled: bool = False,
                study_columns: Sequence[str] = ()) -> pd.DataFrame:
    """Rows (:func:`flag_rows`; with ``pooled``, each also holding ``recording``) as the CSV's table,
    numbers rounded to well below their accuracy (times to 1 ms, values to 4 significant decimals)."""
    cols = (["recording", *study_columns] if pooled else []) + list(FLAG_CSV_COLUMNS)
    out = pd.DataFrame(list(rows), columns=cols)
    for col in ("start_s", "end_s", "duration_s"):
        # (+ 0.0: a small negative rounds to -0.0, which the CSV would show as "-0.0")
        out[col] = pd.to_numeric(out[col], errors="coerce").round(3) + 0.0
    for col in ("value", "reference", "threshold"):
        out[col] = pd.to_numeric(out[col], errors="coerce").round(4) + 0.0
    return out


def write_flags_csv(result: AnalysisResult, path: str | os.PathLike | IO[str]) -> None:
    """Write one row per flag to ``path`` or an open text stream (``,`` separated, header first; a walk
    with no flag gives the header alone)."""
    with atomic_text_file(path, newline="") as fh:    # whole or not at all; a link there is replaced
        flags_frame(flag_rows(result)).to_csv(fh, index=False, na_rep="", lineterminator="\n")


def write_pooled_flags_csv(rows: Iterable[dict[str, Any]], path: str | os.PathLike | IO[str],
                           study_columns: Sequence[str] = ()) -> None:
    """Write many recordings' flag rows (each with ``recording``) as one table; ``study_columns``
    (a batch context table's subject, group …) follow ``recording``."""
    table = flags_frame(rows, pooled=True, study_columns=study_columns)
    with atomic_text_file(path, newline="") as fh:    # whole or not at all; a link there is replaced
        table.to_csv(fh, index=False, na_rep="", lineterminator="\n")
