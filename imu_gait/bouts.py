"""Walking bouts: one row per bout with its own gait figures, and the real-world walking outcomes
built from them.

A day-long recording is many short walks — to the kitchen, along a corridor, round a shop — and
its medians over all steps mix them. Researchers of real-world walking (Mobilise-D: Kirk et al.
2024, Micó-Amigo et al. 2023) therefore describe each walking bout on its own and then summarise
the bouts by length: short bouts (10–30 s) are walked differently from long ones (≥ 30 s), and
the fastest of the longer bouts (their 90th percentile) is a person's capacity in daily life.
This module does that for imu_gait's bouts, so its figures can be set beside those studies':

- :func:`bout_table`: per bout its start and end, duration, steps, gait (walk / run / mixed), turns
  and the median of each per-step metric over its steps (as the summary takes medians);
- :func:`count_turns`: turns of ≥ 45° within a bout, from the steps' heading changes (gyro only);
- :func:`bout_outcomes`: the bouts summarised by length group (counts, durations; cadence, stride
  time, stride length and walking speed as the mean, or 90th percentile, over the bouts of a group).

The groups and the outcome names follow the Mobilise-D aggregation's choice of outcomes (counts
of bouts ≥ 10 / 30 / 60 s; speed in 10–30-s bouts and ≥ 30-s bouts; the 90th percentile over
bouts for the best); the names are imu_gait's own, with their units in them. Bouts are the
engine's: a bout starts after ``StepParams.min_bout_steps`` steady steps and ends at a pause.
Only walking bouts enter the outcomes (running bouts are counted apart): the literature's
real-world outcomes describe walking.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: the per-step metrics each bout gets a median of (the summary's, with units in the names)
BOUT_METRICS = ("cadence_spm", "step_time_s", "stride_time_s", "step_length_m", "walking_speed_mps",
                "vertical_oscillation_cm", "vertical_ratio_pct", "trunk_twist_deg", "forward_lean_deg",
                "lateral_sway_cm", "pelvic_drop_deg", "braking_mps", "impact_g", "ground_contact_ms",
                "step_regularity", "stride_regularity", "symmetry")
#: the bout table's columns, in order
BOUT_COLUMNS = ("bout", "start_s", "end_s", "duration_s", "n_steps", "gait", "running_share", "n_turns",
                *BOUT_METRICS[:4], "stride_length_m", *BOUT_METRICS[4:])
#: a bout is 'run' when at least this share of its steps are running steps, 'walk' when at most
#: 1 − this share are; between the two it is 'mixed' (a jog broken by walking)
GAIT_SHARE = 0.8
#: a turn: the walking direction changing by at least this much (Mobilise-D's and El-Gohary et al.
#: 2014's definition of a turn while walking) …
TURN_MIN_DEG = 45.0
#: … on consecutive strides each turning at least this fast, deg/s (El-Gohary's peak threshold: a
#: gentle curve of a corridor is not a turn)
TURN_MIN_RATE_DPS = 15.0
#: the bout-length groups of the outcomes: name → (shortest, longest) duration in s; a bout belongs
#: to a group when shortest ≤ duration < longest
BOUT_GROUPS: dict[str, tuple[float, float]] = {
    "all": (0.0, np.inf), "10_30s": (10.0, 30.0), "10s": (10.0, np.inf), "30s": (30.0, np.inf),
    "60s": (60.0, np.inf)}
#: the outcomes of :func:`bout_outcomes` that describe a metric: (metric, group, statistic)
METRIC_OUTCOMES = (
    ("cadence_spm", "all", "mean"), ("cadence_spm", "30s", "mean"), ("cadence_spm", "30s", "p90"),
    ("stride_time_s", "all", "mean"), ("stride_time_s", "30s", "mean"),
    ("stride_length_m", "10_30s", "mean"), ("stride_length_m", "30s", "mean"),
    ("walking_speed_mps", "10_30s", "mean"), ("walking_speed_mps", "10s", "p90"),
    ("walking_speed_mps", "30s", "mean"), ("walking_speed_mps", "30s", "p90"),
)

#: the keys of :func:`bout_outcomes`, in order
OUTCOME_KEYS = ("n_walking_bouts", "n_walking_bouts_10s", "n_walking_bouts_30s", "n_walking_bouts_60s",
                "n_running_bouts", "walking_bout_time_s", "bout_duration_s_median", "bout_duration_s_p90",
                "bout_duration_s_max", "n_turns", *(f"{m}_{g}_{st}" for m, g, st in METRIC_OUTCOMES))


def count_turns(bout: np.ndarray, heading_change_deg: np.ndarray, stride_time_s: np.ndarray,
                *, min_turn_deg: float = TURN_MIN_DEG, min_rate_dps: float = TURN_MIN_RATE_DPS
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Turns within bouts, from per-step heading changes.

    Parameters
    ----------
    bout : bout number per step (steps in time order).
    heading_change_deg : the walking direction's change over the stride ending at each step, deg
        (+ = to the left; the steps table's ``heading_change_deg``; NaN without a gyro).
    stride_time_s : that stride's duration, s.
    min_turn_deg, min_rate_dps : a turn is a run of consecutive strides of one bout, each turning the
        same way at ≥ ``min_rate_dps``, whose total is ≥ ``min_turn_deg``.

    Returns
    -------
    (turn_bout, turn_angle_deg, turn_end_index): per turn its bout, its angle (deg, signed) and the
    index of its last step. Consecutive strides overlap by a step, so a run's angle is half the sum
    of its strides' heading changes plus a quarter of its two end strides' (each end step's own
    half-stride is counted once, not twice).
    """
    bout = np.asarray(bout)
    heading = np.asarray(heading_change_deg, float)
    stride = np.asarray(stride_time_s, float)
    empty = (np.zeros(0, bout.dtype), np.zeros(0), np.zeros(0, int))
    if not heading.size:
        return empty
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = heading / stride
    sign = np.where(np.isfinite(rate) & (np.abs(rate) >= min_rate_dps), np.sign(rate), 0.0)
    # runs of one sign within one bout
    new_run = np.r_[True, (sign[1:] != sign[:-1]) | (bout[1:] != bout[:-1])]
    starts = np.flatnonzero(new_run)
    ends = np.r_[starts[1:], sign.size] - 1
    turning = sign[starts] != 0
    starts, ends = starts[turning], ends[turning]
    if not starts.size:
        return empty
    h = np.where(sign != 0, heading, 0.0)
    csum = np.r_[0.0, np.cumsum(h)]
    total = csum[ends + 1] - csum[starts]
    angle = 0.5 * total + 0.25 * (heading[starts] + heading[ends])
    keep = np.abs(angle) >= min_turn_deg
    return bout[starts[keep]], angle[keep], ends[keep]


def bout_table(steps: pd.DataFrame, bouts: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per bout (:data:`BOUT_COLUMNS`).

    ``steps``: a result's steps table (``time_s``, ``bout``, ``gait`` and the per-step metrics; a
    ``turning`` column, where present, leaves turning strides out of twist and sway, as the summary
    does). ``bouts``: the result's bout list (``bout``, ``start_s``, ``end_s``, ``n_steps``); without
    it the bouts are taken from the steps. ``start_s`` / ``end_s`` are the first and last contact,
    ``duration_s`` the time between them; the metric columns are medians over the bout's steps
    (NaN when none of its steps has a value: a metric needing a gyro, or the pendulum model while
    running); ``stride_length_m`` is twice the median step length; ``n_turns`` counts turns of
    ≥ 45° (:func:`count_turns`; NaN without a gyro); ``running_share`` is the share of running steps.
    """
    cols = list(BOUT_COLUMNS)
    if bouts is None or not len(bouts):
        if not len(steps) or "bout" not in steps:
            return pd.DataFrame(columns=cols)
        bouts = pd.DataFrame({"bout": pd.unique(steps["bout"].dropna())})
    ids = pd.Index(bouts["bout"].to_numpy())
    steps = steps[steps["bout"].notna()] if "bout" in steps else steps.iloc[:0]
    # one groupby over every numeric column, then one reindex onto the bout list: column by column
    # .map() cost 14 ms per hour of walking, most of it pandas overhead
    plain = steps
    if "turning" in steps and steps["turning"].any():
        from .strain import TURN_BLIND   # late: strain is heavy and this module is light

        turning = steps["turning"].to_numpy(bool)
        plain = steps.assign(**{k: np.where(turning, np.nan, steps[k].to_numpy(float))
                                for k in TURN_BLIND if k in steps})
    have = [k for k in BOUT_METRICS if k in plain]
    extra = {"_run": (plain["gait"] == "run").to_numpy(float)} if "gait" in plain else {}
    g = plain.assign(**extra).groupby("bout", sort=False)
    med = g[have].median().reindex(ids) if have else pd.DataFrame(index=ids)
    t = g["time_s"].agg(["min", "max", "size"]).reindex(ids)
    start = t["min"].to_numpy(float)
    end = t["max"].to_numpy(float)
    if "start_s" in bouts:     # a bout the steps table has no contact of keeps the engine's times
        start = np.where(np.isnan(start), bouts["start_s"].to_numpy(float), start)
        end = np.where(np.isnan(end), bouts["end_s"].to_numpy(float), end)
    rs = g["_run"].mean().reindex(ids).to_numpy(float) if extra else np.full(len(ids), np.nan)
    heading = steps["heading_change_deg"].to_numpy(float) if "heading_change_deg" in steps else None
    if heading is not None and np.isfinite(heading).any():
        turn_bout, _, _ = count_turns(steps["bout"].to_numpy(), heading, steps["stride_time_s"].to_numpy(float))
        n_turns = pd.Series(turn_bout).value_counts().reindex(ids).fillna(0).to_numpy(int)
    else:
        n_turns = np.full(len(ids), np.nan)        # no gyro: turns are not seen, not absent
    data = {"bout": bouts["bout"].to_numpy(), "start_s": start, "end_s": end, "duration_s": end - start,
            "n_steps": t["size"].fillna(0).to_numpy(int),
            "gait": np.where(np.isnan(rs), None, np.where(rs >= GAIT_SHARE, "run",
                                                          np.where(rs <= 1 - GAIT_SHARE, "walk", "mixed"))),
            "running_share": rs, "n_turns": n_turns}
    for k in BOUT_METRICS:
        data[k] = med[k].to_numpy(float) if k in have else np.full(len(ids), np.nan)
    data["stride_length_m"] = 2.0 * data["step_length_m"]
    return pd.DataFrame(data, columns=cols)


def _stat(values: np.ndarray, stat: str) -> float:
    v = values[np.isfinite(values)]
    if not v.size:
        return float("nan")
    return float(np.mean(v)) if stat == "mean" else float(np.percentile(v, 90))


def bout_outcomes(table: pd.DataFrame) -> dict[str, Any]:
    """The walking bouts of a :func:`bout_table` summarised by length (:data:`BOUT_GROUPS`).

    Keys (units in the names; NaN where a group has no bout, or no bout with the metric):

    - ``n_walking_bouts`` and ``n_walking_bouts_10s`` / ``_30s`` / ``_60s`` (bouts at least that
      long), ``n_running_bouts`` (running and mixed bouts: counted, left out of the rest);
    - ``walking_bout_time_s`` (the walking bouts' durations summed), ``bout_duration_s_median``,
      ``bout_duration_s_p90``, ``bout_duration_s_max``; ``n_turns`` (NaN without a gyro);
    - per :data:`METRIC_OUTCOMES` ``<metric>_<group>_<mean|p90>`` — e.g. ``walking_speed_mps_30s_p90``,
      the 90th percentile over the bouts of ≥ 30 s of each bout's median walking speed.
    """
    walk = table[table["gait"] == "walk"] if len(table) else table
    dur = walk["duration_s"].to_numpy(float) if len(walk) else np.zeros(0)
    out: dict[str, Any] = {"n_walking_bouts": int(dur.size)}
    for name in ("10s", "30s", "60s"):
        out[f"n_walking_bouts_{name}"] = int((dur >= BOUT_GROUPS[name][0]).sum())
    out["n_running_bouts"] = int(len(table) - len(walk))
    out["walking_bout_time_s"] = float(dur.sum())
    out["bout_duration_s_median"] = float(np.median(dur)) if dur.size else float("nan")
    out["bout_duration_s_p90"] = float(np.percentile(dur, 90)) if dur.size else float("nan")
    out["bout_duration_s_max"] = float(dur.max()) if dur.size else float("nan")
    turns = walk["n_turns"].to_numpy(float) if len(walk) else np.zeros(0)
    out["n_turns"] = int(np.nansum(turns)) if turns.size and np.isfinite(turns).any() else float("nan")
    for metric, group, stat in METRIC_OUTCOMES:
        lo, hi = BOUT_GROUPS[group]
        sel = (dur >= lo) & (dur < hi)
        vals = walk[metric].to_numpy(float)[sel] if len(walk) else np.zeros(0)
        out[f"{metric}_{group}_{stat}"] = _stat(vals, stat)
    return out
