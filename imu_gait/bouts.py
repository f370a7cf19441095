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
bouts for the best); the names are imu_gait's own, with their units in them. A walking bout is
Mobilise-D's too: the step detector's stretches of steady steps (the steps' ``bout``: one starts
after ``StepParams.min_bout_steps`` steady steps and ends at a pause), joined where less than 3 s
apart (:data:`MAX_PAUSE_S`). Only walking bouts enter the outcomes (running bouts are counted apart): the literature's
real-world outcomes describe walking.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

#: the per-step metrics each bout gets a median of (the summary's, with units in the names)
BOUT_METRICS = ("cadence_spm", "step_time_s", "stride_time_s", "step_length_m", "walking_speed_mps",
                "vertical_oscillation_cm", "vertical_ratio_pct", "trunk_twist_deg", "forward_lean_deg",
                "lean_vs_standing_deg", "lateral_sway_cm", "pelvic_drop_deg", "braking_mps", "impact_g", "ground_contact_ms",
                "step_regularity", "stride_regularity", "symmetry")
#: the bout table's columns, in order
BOUT_COLUMNS = ("walking_bout", "first_bout", "last_bout", "start_s", "end_s", "duration_s", "n_steps", "n_pauses",
                "gait", "running_share", "n_turns", "flags", *BOUT_METRICS[:4], "stride_length_m", *BOUT_METRICS[4:])
#: stretches of steady steps (the steps' ``bout``) less than this far apart, s, are one walking bout: the
#: Mobilise-D definition (a walking bout's breaks are shorter than 3 s; INDIP's reference bouts hold
#: pauses of up to 2.5 s between contacts, where the step detector ends a stretch after ~1.3 s — a
#: door, a pivot turn — and one 18-s INDIP bout was 4 stretches here)
MAX_PAUSE_S = 3.0
#: a bout is 'run' when at least this share of its steps are running steps, 'walk' when at most
#: 1 − this share are; between the two it is 'mixed' (a jog broken by walking)
GAIT_SHARE = 0.8
#: a bout's ground contact is its running steps' median when it is a 'run' bout or has at least this many
#: running steps (a real stretch of running: the summary's MIXED_GAIT_MIN_STEPS), else not measured
BOUT_RUN_MIN_STEPS = 20
#: what the pendulum model gives for walking only (running: from a belt speed, else not measured)
PENDULUM_ONLY_METRICS = ("step_length_m", "walking_speed_mps", "vertical_ratio_pct")
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
    of its strides' heading changes. (Adding a quarter of the two end strides', for the half-strides
    at the ends counted once, overshot IPOL's U-turns by a median 21° against the gyro: the turn
    eases in and out inside those end strides; half the sum came within 4°, benchmarks/results/bouts.md.)
    """
    bout = np.asarray(bout)
    starts, ends, angle = _turn_runs(bout, heading_change_deg, stride_time_s, min_turn_deg, min_rate_dps)
    return bout[starts], angle, ends


def _turn_runs(bout: np.ndarray, heading_change_deg: np.ndarray, stride_time_s: np.ndarray, min_turn_deg: float,
               min_rate_dps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first step, last step, angle) of each turn (:func:`count_turns`)."""
    heading = np.asarray(heading_change_deg, float)
    stride = np.asarray(stride_time_s, float)
    empty = (np.zeros(0, int), np.zeros(0, int), np.zeros(0))
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
    angle = 0.5 * total
    keep = np.abs(angle) >= min_turn_deg
    return starts[keep], ends[keep], angle[keep]


def find_turns(steps: pd.DataFrame, bouts: pd.DataFrame | None = None, *,
               max_pause_s: float = MAX_PAUSE_S) -> pd.DataFrame:
    """The turns of a result's steps (:func:`count_turns`), one row each: ``walking_bout`` (the row of
    :func:`bout_table` it is in), ``start_s`` (the start of its first stride), ``end_s`` (its last
    contact), ``angle_deg`` (+ = to the left). Turns are counted within walking bouts: a stretch's
    first strides reach back over the pause before it (``heading_change_deg`` does, in the engine),
    so a turn on the spot that broke the stretch of steps counts; their duration is the time between
    the contacts. Empty without heading values (no gyro)."""
    if not len(steps) or "heading_change_deg" not in steps or "bout" not in steps:
        return pd.DataFrame(columns=TURN_COLUMNS)
    steps = steps[steps["bout"].notna()]
    return _find_turns(steps, _walking_bout_of_steps(steps, bouts, max_pause_s))


#: :func:`find_turns`' columns
TURN_COLUMNS = ("walking_bout", "start_s", "end_s", "angle_deg")


def _find_turns(steps: pd.DataFrame, wb_of_step: np.ndarray) -> pd.DataFrame:
    t = steps["time_s"].to_numpy(float)
    stride = steps["stride_time_s"].to_numpy(float).copy()
    back = np.r_[False, False, wb_of_step[2:] == wb_of_step[:-2]] & ~np.isfinite(stride)
    stride[back] = t[back] - t[np.flatnonzero(back) - 2]
    first, last, angle = _turn_runs(wb_of_step, steps["heading_change_deg"].to_numpy(float), stride,
                                    TURN_MIN_DEG, TURN_MIN_RATE_DPS)
    start = t[first] - np.where(np.isfinite(stride[first]), stride[first], 0.0)
    return pd.DataFrame({"walking_bout": wb_of_step[first], "start_s": start, "end_s": t[last], "angle_deg": angle},
                        columns=list(TURN_COLUMNS))


def walking_bout_numbers(start_s: np.ndarray, end_s: np.ndarray, max_pause_s: float = MAX_PAUSE_S) -> np.ndarray:
    """For stretches of steps in time order (their first and last contact, s), the walking bout each
    belongs to (0, 1, …): a stretch starting less than ``max_pause_s`` after the previous one ended
    continues its walking bout."""
    start_s, end_s = np.asarray(start_s, float), np.asarray(end_s, float)
    if not start_s.size:
        return np.zeros(0, int)
    with np.errstate(invalid="ignore"):
        new = np.r_[True, ~(start_s[1:] - end_s[:-1] < max_pause_s)]
    return np.cumsum(new) - 1


def _stretches(steps: pd.DataFrame, bouts: pd.DataFrame | None, max_pause_s: float) -> pd.DataFrame:
    """The stretches of steady steps (``bout``, ``start_s``, ``end_s``: first and last contact as reported,
    the engine's own times where the steps have none) in time order, with their ``walking_bout``."""
    if bouts is None or not len(bouts) or not {"bout", "start_s", "end_s"} <= set(bouts.columns):
        if not len(steps) or "bout" not in steps:
            return pd.DataFrame(columns=["bout", "start_s", "end_s", "walking_bout"])
        span = steps.groupby("bout")["time_s"].agg(["min", "max"])
        bouts = pd.DataFrame({"bout": span.index.to_numpy(), "start_s": span["min"].to_numpy(),
                              "end_s": span["max"].to_numpy()})
    span = steps.groupby("bout")["time_s"].agg(["min", "max"]).reindex(pd.Index(bouts["bout"].to_numpy()))
    stretch = pd.DataFrame({"bout": bouts["bout"].to_numpy(),
                            "start_s": span["min"].fillna(bouts["start_s"].set_axis(span.index)).to_numpy(float),
                            "end_s": span["max"].fillna(bouts["end_s"].set_axis(span.index)).to_numpy(float)})
    stretch = stretch.sort_values("start_s", kind="stable").reset_index(drop=True)
    stretch["walking_bout"] = walking_bout_numbers(stretch["start_s"], stretch["end_s"], max_pause_s)
    return stretch


def _walking_bout_of_steps(steps: pd.DataFrame, bouts: pd.DataFrame | None = None,
                           max_pause_s: float = MAX_PAUSE_S, *, stretch: pd.DataFrame | None = None) -> np.ndarray:
    """Each step's walking bout number (steps with a ``bout``)."""
    if stretch is None:
        stretch = _stretches(steps, bouts, max_pause_s)
    return steps["bout"].map(dict(zip(stretch["bout"], stretch["walking_bout"]))).to_numpy()


def bout_table(steps: pd.DataFrame, bouts: pd.DataFrame | None = None, *,
               max_pause_s: float = MAX_PAUSE_S, flags: Sequence[Any] | None = None,
               cadence_span_strides: int | None = None) -> pd.DataFrame:
    """One row per walking bout (:data:`BOUT_COLUMNS`).

    ``steps``: a result's steps table (``time_s``, ``bout``, ``gait`` and the per-step metrics; a
    ``turning`` column, where present, leaves turning strides out of twist and sway, as the summary
    does). ``bouts``: the engine's stretches of steady steps (``bout``, ``start_s``, ``end_s``), else
    taken from the steps. Stretches less than ``max_pause_s`` apart are one walking bout
    (:data:`MAX_PAUSE_S`; 0 keeps each stretch on its own): ``first_bout`` / ``last_bout`` are the
    steps' ``bout`` numbers it spans, ``n_pauses`` the pauses joined. ``start_s`` / ``end_s`` are its
    first and last contact, ``duration_s`` the time between them (pauses included); the metric
    columns are medians over its steps (NaN when none of its steps has a value: a metric needing a
    gyro, or the pendulum model while running; ground contact outside a run, and a run's pendulum figures
    from its few walking steps, are not given: :func:`_gait_only_medians`); ``stride_length_m`` is twice
    the median step length;
    ``n_turns`` counts turns of ≥ 45° (:func:`count_turns`; NaN without a gyro; a turn on the spot
    across a pause is not seen, as a stride across a pause has no heading); ``running_share`` is the
    share of running steps; ``flags`` the ids of the back-strain flags (anything with ``id``, ``start_s``,
    ``end_s``: :class:`imu_gait.result.Flag`) held at some time during the bout, space-separated in order
    of onset ("" none; None where ``flags`` was not given). ``cadence_span_strides`` (k): the cadence is the
    median over the bout's spans of k strides within a stretch (:func:`span_cadence_spm`; the engine's under
    TIMING_MIN_RATE_HZ, as the summary's), the median of its steps' cadence where no stretch of it is that long;
    None: the median of its steps' cadence.
    """
    cols = list(BOUT_COLUMNS)
    steps = steps[steps["bout"].notna()] if "bout" in steps else steps.iloc[:0]
    stretch = _stretches(steps, bouts, max_pause_s)
    if not len(stretch):
        return pd.DataFrame(columns=cols)
    ids = pd.Index(np.arange(int(stretch["walking_bout"].max()) + 1 if len(stretch) else 0))
    grouped = stretch.groupby("walking_bout")
    first = grouped["bout"].first().reindex(ids)
    last = grouped["bout"].last().reindex(ids)
    start = grouped["start_s"].min().reindex(ids).to_numpy(float)
    end = grouped["end_s"].max().reindex(ids).to_numpy(float)
    n_pauses = grouped.size().reindex(ids).to_numpy(int) - 1
    wb_of_step = _walking_bout_of_steps(steps, stretch=stretch)
    plain = steps
    if "turning" in steps and steps["turning"].any():
        from .strain import TURN_BLIND   # late: strain is heavy and this module is light

        turning = steps["turning"].to_numpy(bool)
        plain = steps.assign(**{k: np.where(turning, np.nan, steps[k].to_numpy(float))
                                for k in TURN_BLIND if k in steps})
    # one groupby over every numeric column, then one reindex onto the bouts: column by column .map()
    # cost 14 ms per hour of walking, most of it pandas overhead
    have = [k for k in BOUT_METRICS if k in plain]
    extra = {"_run": (plain["gait"] == "run").to_numpy(float)} if "gait" in plain else {}
    g = plain.assign(_wb=wb_of_step, **extra).groupby("_wb", sort=False)
    med = g[have].median().reindex(ids) if have else pd.DataFrame(index=ids)
    n_steps = g.size().reindex(ids).fillna(0).to_numpy(int)
    rs = g["_run"].mean().reindex(ids).to_numpy(float) if extra else np.full(len(ids), np.nan)
    heading = steps["heading_change_deg"].to_numpy(float) if "heading_change_deg" in steps else None
    if heading is not None and np.isfinite(heading).any():
        turns = _find_turns(steps, wb_of_step)
        n_turns = turns["walking_bout"].value_counts().reindex(ids).fillna(0).to_numpy(int)
    else:
        n_turns = np.full(len(ids), np.nan)        # no gyro: turns are not seen, not absent
    data = {"walking_bout": ids.to_numpy(), "first_bout": first.to_numpy(), "last_bout": last.to_numpy(),
            "start_s": start, "end_s": end, "duration_s": end - start, "n_steps": n_steps, "n_pauses": n_pauses,
            "gait": np.where(np.isnan(rs), None, np.where(rs >= GAIT_SHARE, "run",
                                                          np.where(rs <= 1 - GAIT_SHARE, "walk", "mixed"))),
            "running_share": rs, "n_turns": n_turns, "flags": flags_during(start, end, flags)}
    for k in BOUT_METRICS:
        data[k] = med[k].to_numpy(float) if k in have else np.full(len(ids), np.nan)
    if cadence_span_strides is not None and len(steps):
        spans = span_cadence_spm(steps["time_s"].to_numpy(float), steps["bout"].to_numpy(), cadence_span_strides)
        by_span = pd.Series(spans).groupby(wb_of_step, sort=False).median().reindex(ids).to_numpy(float)
        data["cadence_spm"] = np.where(np.isfinite(by_span) & np.isfinite(data["cadence_spm"]), by_span,
                                       data["cadence_spm"])
    if extra:
        _gait_only_medians(data, plain, wb_of_step, ids, rs, n_steps)
    data["stride_length_m"] = 2.0 * data["step_length_m"]
    return pd.DataFrame(data, columns=cols)


def _gait_only_medians(data: dict[str, Any], steps: pd.DataFrame, wb_of_step: np.ndarray, ids: pd.Index,
                       running_share: np.ndarray, n_steps: np.ndarray) -> None:
    """Blank, in place, a bout's medians that would describe the other gait's few steps (the summary's rules,
    per bout): ground contact is measured on running steps only, so a walk's median of it was that of its
    stray 'run' steps — kept for a 'run' bout or one with a real stretch of running
    (:data:`BOUT_RUN_MIN_STEPS`); the pendulum gives no running step length, so a 'run' bout's step
    length, speed and vertical ratio were those of its few walking steps — kept only when its running
    steps have them (a belt speed measures both gaits)."""
    n_run = np.rint(np.nan_to_num(running_share) * n_steps)
    is_run = np.asarray(data["gait"] == "run", bool)
    if "ground_contact_ms" in data:
        data["ground_contact_ms"] = np.where(is_run | (n_run >= BOUT_RUN_MIN_STEPS), data["ground_contact_ms"], np.nan)
    if not is_run.any():
        return
    run_rows = steps["gait"].to_numpy() == "run"
    pos = pd.Index(ids).get_indexer(wb_of_step[run_rows])
    for k in PENDULUM_ONLY_METRICS:
        if k not in steps:
            continue
        has = np.zeros(len(ids), bool)
        ok = np.isfinite(steps[k].to_numpy(float)[run_rows]) & (pos >= 0)
        has[pos[ok]] = True
        data[k] = np.where(is_run & ~has, np.nan, data[k])


def span_cadence_spm(time_s: np.ndarray, stretch: np.ndarray, strides: int) -> np.ndarray:
    """Per contact i: the cadence over the ``strides`` strides from it, 120 · strides / (time from contact i to
    contact i + 2 · strides), spm, when both contacts are of one stretch (``stretch``: the steps' ``bout``;
    stretches are contiguous in time); NaN else (the last 2 · strides contacts: NaN). Steps in time order.
    A contact's timing error (one sample at a low rate) is spread over the span instead of deciding each
    stride's value; the summary, the bouts table and the days under TIMING_MIN_RATE_HZ all take their cadence
    as medians of these (:func:`imu_gait.engine.analyze`)."""
    time_s = np.asarray(time_s, float)
    stretch = np.asarray(stretch)
    n = 2 * int(strides)
    out = np.full(time_s.size, np.nan)
    if time_s.size <= n:
        return out
    span = time_s[n:] - time_s[:-n]
    ok = (stretch[n:] == stretch[:-n]) & np.isfinite(span) & (span > 0)
    out[:-n][ok] = 60.0 * n / span[ok]
    return out


def flags_during(start_s: np.ndarray, end_s: np.ndarray, flags: Sequence[Any] | None) -> list[str | None]:
    """Per span [start_s, end_s] (s): the ids of the flags held at some time within it, space-separated,
    each once, in order of onset ("" none; None for every span when ``flags`` is None: not judged)."""
    if flags is None:
        return [None] * len(start_s)
    ordered = sorted(flags, key=lambda f: float(f.start_s))
    f0 = np.array([float(f.start_s) for f in ordered])
    f1 = np.array([float(f.end_s) for f in ordered])
    ids = [str(f.id) for f in ordered]
    out = []
    for a, b in zip(np.asarray(start_s, float).tolist(), np.asarray(end_s, float).tolist()):
        held = np.flatnonzero((f0 <= b) & (f1 >= a)) if f0.size else []
        out.append(" ".join(dict.fromkeys(ids[i] for i in held)))
    return out


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
