"""The timeline CSV: the smoothed series the back-strain flags are judged on, and the personal baselines,
second by second — the solid and dashed lines of the report's "Metrics over time", as numbers.

Rows are the engine's timeline (:attr:`~imu_gait.result.AnalysisResult.timeline`: a 1-s grid on the recording's own
time axis, as the steps' ``time_s``; an idle stretch over an hour keeps 10 min at each end, and a gap in the samples
has no rows). Columns: ``time_s``, ``clock`` (m:ss from the first sample, as the report's times), ``gait``,
``walking``, then each smoothed metric (the steps' names and units) and each ``<metric>_baseline``. An empty cell:
not walking there, the metric not measured, or no baseline yet. The rules' internal columns are left out.
"""
from __future__ import annotations

import os
from typing import IO

import numpy as np
import pandas as pd

from ..recording import clock_text
from ..result import AnalysisResult
from ..strain import TIMELINE_SERIES
from .._output_file import atomic_text_file

#: decimal places: time to the millisecond, the series to well below their accuracy
TIME_DECIMALS, VALUE_DECIMALS = 3, 4


def timeline_frame(result: AnalysisResult) -> pd.DataFrame:
    """The timeline's exported columns (see the module), rounded for writing: ``time_s``, ``clock``, ``gait``,
    ``walking`` and each of :data:`~imu_gait.strain.TIMELINE_SERIES` with its baseline, for every recording —
    with no rows when the result has no timeline (a recording without steps, a result read back from a JSON,
    which does not keep it): a standing-only recording's CSV had the first four columns alone, so tables of
    several recordings did not line up (contracts audit s35 F4)."""
    tl = result.timeline if isinstance(result.timeline, pd.DataFrame) else pd.DataFrame()
    if "time_s" not in tl.columns:
        tl = pd.DataFrame({"time_s": np.array([], float)})
    # "rule__metric" and "flag__id" are the strain rules' working columns (the flags CSV says when each flag held)
    series = [c for c in tl.columns if c not in ("time_s", "gait", "walking") and "__" not in c
              and pd.api.types.is_numeric_dtype(tl[c]) and not pd.api.types.is_bool_dtype(tl[c])]
    values = list(TIMELINE_SERIES) + [c for c in series if not c.endswith("_baseline") and c not in TIMELINE_SERIES]
    ordered = [c for v in values for c in (v, f"{v}_baseline")]
    ordered += [c for c in series if c not in ordered]
    origin = float(result.summary.get("time_start_s") or 0.0)
    t = pd.to_numeric(tl["time_s"], errors="coerce")
    # (+ 0.0 after rounding: a small negative rounds to -0.0, which a CSV shows as "-0.0")
    out = pd.DataFrame({"time_s": t.round(TIME_DECIMALS) + 0.0,
                        "clock": [clock_text(v - origin) if np.isfinite(v) else "" for v in t.to_numpy(float)],
                        "gait": tl["gait"].fillna("").astype(str) if "gait" in tl else "",
                        "walking": tl["walking"].astype(bool) if "walking" in tl else False})
    for c in ordered:
        # (a series the timeline lacks — none when it has steps — is an empty column: not measured)
        out[c] = (pd.to_numeric(tl[c], errors="coerce").round(VALUE_DECIMALS).add(0.0).to_numpy() if c in tl.columns
                  else np.full(len(tl), np.nan))
    return out.reset_index(drop=True)


def write_timeline_csv(result: AnalysisResult, path: str | os.PathLike | IO[str]) -> None:
    """Write the timeline (:func:`timeline_frame`) to ``path`` or an open text stream (``,`` separated, header
    first)."""
    with atomic_text_file(path, newline="") as fh:    # whole or not at all; a link there is replaced
        timeline_frame(result).to_csv(fh, index=False, na_rep="", lineterminator="\n")
