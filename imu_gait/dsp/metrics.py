"""Per-step metrics from body-frame trunk signals, vectorised over a batch of steps.

Every value of a step depends only on the samples around that step (and, for side and
regularity, on earlier steps), never on which other steps share its batch — so live and
offline analysis agree exactly.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..recording import G
from .segments import Segments, double_integral_range, integral_range

#: Zijlstra & Hof inverted-pendulum correction factor as used by Mobilise-D (all cohorts)
PENDULUM_K = 4.739 / 4
RUN_FLIGHT_G = 0.35        # specific force below this during a step = flight → running
CONTACT_END_G = 0.15       # running contact ends when vertical specific force drops below this
IMPACT_WINDOW_S = 0.15


@dataclass
class BodySignals:
    """Samples of one buffer in body terms (all (N,) arrays, SI units)."""

    fs_hz: float
    a_v: np.ndarray          # vertical acceleration, gravity removed (m/s²)
    a_ap: np.ndarray         # forward acceleration (m/s²)
    a_ml: np.ndarray         # leftward acceleration (m/s²)
    yaw_rate: np.ndarray | None    # rad/s about vertical
    pitch_deg: np.ndarray    # forward lean vs reference (deg)
    roll_deg: np.ndarray     # roll vs reference (deg), + = left side up


def step_rows(sig: BodySignals, ic: np.ndarray, prev: np.ndarray, prev2: np.ndarray,
              nxt: np.ndarray, *, has_gyro: bool, sensor_height_m: float,
              belt_speed_mps: float | None) -> dict[str, np.ndarray]:
    """Metrics for a batch of steps.

    ic, prev, prev2, nxt: fractional sample positions in the buffer of this contact, the two
    before it (NaN at bout start) and the next one (NaN: the bout ended; the step is then
    taken to last as long as the previous one).
    """
    fs = sig.fs_hz
    n = sig.a_v.size
    step_s = (ic - prev) / fs
    stride_s = (ic - prev2) / fs
    dur = np.where(np.isfinite(nxt), nxt - ic, np.where(np.isfinite(step_s), step_s * fs, 0.55 * fs))
    a = np.clip(np.round(ic).astype(np.int64), 0, n - 2)
    b = np.clip(np.round(ic + dur).astype(np.int64), a + 2, n)
    out: dict[str, np.ndarray] = {}
    out["step_time_s"] = step_s
    out["stride_time_s"] = stride_s
    out["cadence_spm"] = 60.0 / step_s

    steps = Segments.of(a, b)
    vo_m = double_integral_range(sig.a_v, steps, fs)
    out["vertical_oscillation_cm"] = 100 * vo_m
    force = sig.a_v[steps.idx] + G
    running = steps.min(force) < RUN_FLIGHT_G * G
    out["gait"] = np.where(running, "run", "walk")

    # step length: belt speed × step time on a treadmill, else the inverted pendulum
    if belt_speed_mps:
        length = belt_speed_mps * step_s
    else:
        h = sensor_height_m
        d = np.minimum(vo_m, h)
        length = PENDULUM_K * 2 * np.sqrt(np.maximum(2 * h * d - d * d, 0.0))
        length = np.where(running, np.nan, length)   # the pendulum model is for walking only
    out["step_length_m"] = length
    out["vertical_ratio_pct"] = 100 * vo_m / length

    # forward lean: mean pitch during the step; pelvic drop: roll range during the step
    out["forward_lean_deg"] = steps.mean(sig.pitch_deg[steps.idx])
    out["pelvic_drop_deg"] = steps.ptp(sig.roll_deg[steps.idx]) if has_gyro else np.full(a.size, np.nan)

    # braking: forward speed at contact minus its minimum in the first half of the step
    v = steps.detrend_ends(steps.cumsum(sig.a_ap[steps.idx]) / fs)
    first_half = steps.pos <= 0.5 * steps.lengths[steps.seg]
    out["braking_mps"] = -np.minimum.reduceat(np.where(first_half, v, np.inf), steps.offsets)

    # impact: peak vertical specific force just after contact, in g
    iw = max(2, int(round(IMPACT_WINDOW_S * fs)))
    imp = Segments.of(a, np.minimum(a + iw, n))
    out["impact_g"] = imp.max(sig.a_v[imp.idx] + G) / G

    # ground contact (running): from contact until the force first falls to near zero
    low = (force < CONTACT_END_G * G) & (steps.pos >= 2)
    first_low = np.minimum.reduceat(np.where(low, steps.pos, np.iinfo(np.int64).max), steps.offsets)
    gct = np.where(first_low < steps.lengths, first_low + (a - ic) + 0.5, np.nan) / fs * 1000
    out["ground_contact_ms"] = np.where(running, gct, np.nan)

    # stride metrics over the stride ending at this contact
    ok = np.isfinite(prev2)
    s0 = np.clip(np.round(np.where(ok, prev2, ic - 1)).astype(np.int64), 0, n - 2)
    strides = Segments.of(s0, np.maximum(a + 1, s0 + 2))
    sway = double_integral_range(sig.a_ml, strides, fs) * 100
    out["lateral_sway_cm"] = np.where(ok, sway, np.nan)
    if has_gyro and sig.yaw_rate is not None:
        twist = np.degrees(integral_range(sig.yaw_rate, strides, fs))
        out["trunk_twist_deg"] = np.where(ok, twist, np.nan)
    else:
        out["trunk_twist_deg"] = np.full(a.size, np.nan)

    # side: sideways speed at contact over the stride centred on it (+ = moving left → left foot)
    okc = np.isfinite(prev) & np.isfinite(nxt)
    c0 = np.clip(np.round(np.where(okc, prev, ic - 1)).astype(np.int64), 0, n - 2)
    c1 = np.clip(np.round(np.where(okc, nxt, ic + 1)).astype(np.int64), c0 + 2, n)
    centred = Segments.of(c0, c1)
    vml = centred.cumsum(sig.a_ml[centred.idx]) / fs
    vml = vml - centred.mean(vml)[centred.seg]
    at = np.clip(a - c0, 0, centred.lengths - 1)
    out["_ml_speed_at_ic"] = np.where(okc, vml[centred.offsets + at], 0.0)

    # regularity: unbiased autocorrelation of vertical acceleration over the last 4 strides
    step_n = np.where(np.isfinite(step_s), np.round(step_s * fs), 0).astype(np.int64)
    stride_n = np.where(np.isfinite(stride_s), np.round(stride_s * fs), 0).astype(np.int64)
    good = (step_n > 0) & (stride_n > 0)
    win = 4 * np.maximum(stride_n, 1)
    for name, lag in (("step_regularity", step_n), ("stride_regularity", stride_n)):
        st = a - win - lag
        okr = good & (st >= 0)
        st = np.where(okr, st, 0)
        en = np.where(okr, a - lag, 2)
        seg = Segments.of(st, np.maximum(en, st + 2))
        x = sig.a_v[seg.idx]
        y = sig.a_v[np.minimum(seg.idx + np.repeat(lag, seg.lengths), n - 1)]
        x = x - seg.mean(x)[seg.seg]
        y = y - seg.mean(y)[seg.seg]
        num = np.bincount(seg.seg, x * y, minlength=seg.n)
        den = np.sqrt(np.bincount(seg.seg, x * x, minlength=seg.n) * np.bincount(seg.seg, y * y, minlength=seg.n))
        out[name] = np.where(okr & (den > 0), num / np.where(den > 0, den, 1), np.nan)
    out["symmetry"] = out["step_regularity"] / out["stride_regularity"]
    return out
