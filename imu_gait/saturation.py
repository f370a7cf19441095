"""A sensor pinned at the end of its range (clipping), per recording and per step: ``summary["saturation"]``.

The rails themselves are found by :func:`imu_gait.recording.clipped_rails` (which also words the reading-time
warnings); here the analysis adds how many *steps* a rail touched and which metrics those steps under-read, so
the summary, the JSON and the reports can mark them instead of printing them as ordinary numbers.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .recording import CLIPPED_METRICS, G, Recording, clipped_rails, clipped_text, suggested_range

#: a step's span when no next contact of its bout bounds it: its own step time, at most this (s) — a pause
#: between bouts is no step
MAX_STEP_SPAN_S = 2.0
#: the reports mark a clipped sensor's metrics when at least this share of the steps touched a rail (%): fewer
#: leave the medians as measured
MARK_STEPS_PCT = 10.0


def clipped_steps(step_t: np.ndarray, bout: np.ndarray, step_time_s: np.ndarray, sample_t: np.ndarray,
                  pinned: np.ndarray) -> np.ndarray:
    """Boolean per step: a pinned sample lies between its contact and the next contact of its bout (the last
    step of a bout: its own step time, ≤ MAX_STEP_SPAN_S). Vectorised: two searches in the pinned times."""
    n = step_t.size
    if n == 0 or not pinned.any():
        return np.zeros(n, dtype=bool)
    own = np.where(np.isfinite(step_time_s), np.clip(step_time_s, 0.0, MAX_STEP_SPAN_S), 0.0)
    end = step_t + own
    if n > 1:
        same_bout = bout[1:] == bout[:-1]
        end[:-1] = np.where(same_bout, np.minimum(step_t[1:], step_t[:-1] + MAX_STEP_SPAN_S), end[:-1])
    hit_t = sample_t[pinned]
    return np.searchsorted(hit_t, end, side="left") > np.searchsorted(hit_t, step_t, side="left")


def saturation(rec: Recording, steps: pd.DataFrame) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """``summary["saturation"]`` (None when no sensor clipped) and each clipped sensor's warning, worded with the
    share of steps: ``{"accelerometer": text, …}``. See docs/json.md for the keys."""
    out: dict[str, Any] = {}
    texts: dict[str, str] = {}
    order = np.argsort(steps["time_s"].to_numpy(float), kind="stable") if len(steps) else np.zeros(0, int)
    st = steps.iloc[order] if len(steps) else steps
    step_t = st["time_s"].to_numpy(float) if len(st) else np.zeros(0)
    bout = st["bout"].to_numpy() if "bout" in st and len(st) else np.zeros(step_t.size)
    step_time = st["step_time_s"].to_numpy(float) if "step_time_s" in st and len(st) else np.full(step_t.size, np.nan)
    for sensor, x in (("accelerometer", rec.acc_mps2), ("gyroscope", rec.gyro_rads)):
        rails, pinned = clipped_rails(x, sensor)
        if not rails:
            out[sensor] = None
            continue
        hit = clipped_steps(step_t, bout, step_time, rec.time_s, pinned)
        steps_pct = 100.0 * float(hit.mean()) if hit.size else None
        top = max(abs(r.level) for r in rails)
        out[sensor] = {
            "limit": round(top / G, 3) if sensor == "accelerometer" else round(math.degrees(top), 1),
            "unit": "g" if sensor == "accelerometer" else "deg/s",
            "axes": [f"{'xyz'[r.axis]}{'+' if r.level > 0 else '-'}" for r in rails],
            "samples_pct": round(100.0 * float(pinned.mean()), 2),
            "steps_pct": None if steps_pct is None else round(steps_pct, 1),
            "metrics": list(CLIPPED_METRICS[sensor]),
            "set_range": suggested_range(rails),
        }
        texts[sensor] = clipped_text(rails, float(pinned.mean()),
                                     None if steps_pct is None else steps_pct / 100.0)
    return (out if any(v is not None for v in out.values()) else None), texts


def marked_metrics(sat: dict[str, Any] | None) -> dict[str, str]:
    """Metric column → why it reads wrong, for the sensors that clipped on ≥ MARK_STEPS_PCT of the steps."""
    out: dict[str, str] = {}
    for sensor, info in (sat or {}).items():
        if not isinstance(info, dict) or not (info.get("steps_pct") or 0) >= MARK_STEPS_PCT:
            continue
        limit = f"±{info.get('limit'):g} {'g' if info.get('unit') == 'g' else '°/s'}"
        for m in info.get("metrics") or []:
            out[str(m)] = (f"the {sensor} hit its {limit} limit on {info['steps_pct']:.0f} % of steps: "
                           f"{'at most the limit (under-read)' if m == 'impact_g' else 'reads wrong'}; "
                           f"set the sensor to {info.get('set_range')}")
    return out
