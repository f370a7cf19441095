"""The steps CSV: one row per detected step, :data:`~imu_gait.result.STEP_COLUMNS` first, in order.

Units are in the column names (``time_s``, ``cadence_spm`` …). A metric that could not be
measured is an empty cell. Columns the engine adds beyond the contract follow, unchanged.
"""
from __future__ import annotations

import os
from typing import IO

import pandas as pd

from ..result import STEP_COLUMNS, AnalysisResult
from .common import step_table
from .._output_file import atomic_text_file

#: Decimal places written per column (time to 0.1 ms; metrics to well below their accuracy).
DECIMALS = {"time_s": 4, "step_time_s": 4, "stride_time_s": 4, "cadence_spm": 2,
            "vertical_oscillation_cm": 3, "step_length_m": 4, "vertical_ratio_pct": 3,
            "walking_speed_mps": 4,
            "trunk_twist_deg": 3, "heading_change_deg": 3, "forward_lean_deg": 3, "lean_vs_standing_deg": 3,
            "lateral_sway_cm": 3, "pelvic_drop_deg": 3,
            "braking_mps": 4, "impact_g": 4, "ground_contact_ms": 1, "step_regularity": 4,
            "stride_regularity": 4, "symmetry": 4}


def steps_frame(result: AnalysisResult) -> pd.DataFrame:
    """The steps table in CSV column order, rounded for writing."""
    steps = step_table(result)
    extra = [c for c in steps.columns if c not in STEP_COLUMNS]
    out = steps[list(STEP_COLUMNS) + extra].copy()
    for col, dec in DECIMALS.items():
        # (+ 0.0: a small negative rounds to -0.0, which the CSV would show as "-0.0")
        out[col] = pd.to_numeric(out[col], errors="coerce").round(dec) + 0.0
    if len(out):
        out["bout"] = pd.to_numeric(out["bout"], errors="coerce").astype("Int64")
    for col in ("gait", "side"):
        out[col] = out[col].fillna("").astype(str)
    return out


def write_steps_csv(result: AnalysisResult, path: str | os.PathLike | IO[str]) -> None:
    """Write one row per step to ``path`` or an open text stream (``,`` separated, header first)."""
    with atomic_text_file(path, newline="") as fh:    # whole or not at all; a link there is replaced
        steps_frame(result).to_csv(fh, index=False, na_rep="", lineterminator="\n")
