"""Trunk posture around a step: did the walker sit down after it?

A trunk sensor (lower back or chest) tilts back with the pelvis when its wearer sits: on the Mobilise-D
daily recordings the seated trunk reads +12 … +24° behind the walking posture, and none of the 89 steps the
INDIP foot sensors confirm reclines more than +7.5° within 1.5 s after it, whereas 26 of the 53 detections
outside both references do (``benchmarks/false_steps.py``). These helpers turn the tracked 'up' vector into
that evidence; the engine decides what to do with it (:meth:`imu_gait.engine.GaitEngine` retracts the
reclined tail of a walk).

Pure numpy: arrays in, arrays out. Each window is averaged on its own (no running sums over a buffer), so
the result does not depend on where a stream's buffer starts — live and offline give the same numbers.
"""
from __future__ import annotations

import numpy as np

from .orientation import row_dot_as_einsum


def window_mean_rows(x: np.ndarray, starts: np.ndarray, length: int) -> np.ndarray:
    """Mean of ``x[a:a + length]`` (rows of an (N, 3) array) for each start ``a`` — all windows must lie
    inside ``x``. Vectorised: one gather of (len(starts), length, 3)."""
    starts = np.asarray(starts, dtype=np.int64)
    if starts.size == 0:
        return np.empty((0, x.shape[1]))
    idx = starts[:, None] + np.arange(int(length))[None, :]
    return x[idx].mean(axis=1)


def unit(v: np.ndarray) -> np.ndarray:
    """Rows (or one vector) scaled to unit length."""
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 0, n, 1.0)


def walking_up(step_ups: np.ndarray) -> np.ndarray:
    """The walking posture's 'up' from per-step mean 'up' vectors (K, 3): their component-wise median,
    unit length — a few steps bent to the floor or already sitting do not move it."""
    return unit(np.median(np.asarray(step_ups, float), axis=0))


def recline_deg(up: np.ndarray, up_walk: np.ndarray, forward: np.ndarray) -> np.ndarray:
    """How far the trunk leans back behind its walking posture, degrees (+ = reclined, as when seated;
    − = bent forward), for 'up' vectors ``up`` (K, 3) in sensor axes.

    ``up_walk`` is the walking posture's 'up', ``forward`` the walking direction (any vector with a
    forward component; it is made horizontal to ``up_walk``). Leaning back turns the sensor's forward axis
    upwards, so 'up' (gravity's direction, in sensor axes) gains a forward component: the angle is
    arcsin(up · forward) in the sagittal plane, 0 for the walking posture itself."""
    up_walk = unit(np.asarray(up_walk, float))
    fwd = np.asarray(forward, float)
    fwd = unit(fwd - fwd.dot(up_walk) * up_walk)
    u = unit(np.atleast_2d(np.asarray(up, float)))
    return np.degrees(np.arcsin(np.clip(u @ fwd, -1.0, 1.0)))


def braking_vector(acc: np.ndarray, up: np.ndarray, contacts: np.ndarray, n: int) -> np.ndarray:
    """The trunk's horizontal acceleration change at each contact (sensor axes, (K, 3)): its mean over the
    ``n`` rows from the contact on minus that over the ``n`` rows before, with 'up' per row (``acc``,
    ``up``: (N, 3); ``contacts``: row indices, each with n rows either side). The trunk slows down as the
    foot lands, so summed over steps it points backwards; the left / right sway alternates by foot and
    cancels."""
    idx = np.asarray(contacts, np.int64)[:, None] + np.arange(-n, n)[None, :]
    a, u = acc[idx], up[idx]                               # (K, 2n, 3)
    ah = a - row_dot_as_einsum(a, u)[:, :, None] * u
    return ah[:, n:].mean(axis=1) - ah[:, :n].mean(axis=1)


def _still_runs(acc: np.ndarray, gyro: np.ndarray | None, fs_hz: float, window_s: float, smooth_s: float,
                acc_sd_mps2: float, gyro_rads: float, min_s: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Runs of still rows in ``acc`` (a slice (N, 3), m/s²; ``gyro`` the same rows or None) that last at least
    ``min_s``: (starts, stops) as row offsets [a, b) into the slice, in time order, and the window length w.
    Still is :func:`still_stretch_before`'s rule. Vectorised: running sums over the slice."""
    w = max(int(round(window_s * fs_hz)), 2)
    x = np.asarray(acc, float)
    x = x - x.mean(axis=0)                       # the sums of squares stay well conditioned
    m = max(int(round(smooth_s * fs_hz)), 1)
    if m > 1 and len(x) > m:                     # moving average over m rows (the last m − 1 rows keep theirs)
        c0 = np.vstack([np.zeros((1, 3)), np.cumsum(x, axis=0)])
        x = np.vstack([(c0[m:] - c0[:-m]) / m, x[len(x) - m + 1:]])
    c1 = np.vstack([np.zeros((1, 3)), np.cumsum(x, axis=0)])
    c2 = np.vstack([np.zeros((1, 3)), np.cumsum(x * x, axis=0)])
    s1, s2 = c1[w:] - c1[:-w], c2[w:] - c2[:-w]               # per window start i: rows [i, i + w)
    var = np.maximum(s2 / w - (s1 / w) ** 2, 0.0)
    still = (var < acc_sd_mps2 ** 2).all(axis=1)
    if gyro is not None:
        g = np.linalg.norm(np.asarray(gyro, float), axis=1)
        cg = np.concatenate([[0.0], np.cumsum(g)])
        still &= (cg[w:] - cg[:-w]) / w < gyro_rads
    # runs of still windows: each run's rows go from its first window's start to its last window's end. Only runs
    # long enough count — a moment's calm in the first steps (one window, a weight shift between them) is not
    # standing, and must not hide the standing just before it
    edges = np.flatnonzero(np.diff(np.concatenate([[0], still.astype(np.int8), [0]])))
    starts, stops = edges[0::2], edges[1::2] - 1 + w          # rows [start, stop)
    keep = stops - starts >= min_s * fs_hz
    return starts[keep], stops[keep], w


def still_stretch_before(acc: np.ndarray, gyro: np.ndarray | None, fs_hz: float, end: int, *,
                         min_s: float, max_gap_s: float, window_s: float = 0.5, smooth_s: float = 0.1,
                         acc_sd_mps2: float = 0.25, gyro_rads: float = 0.15) -> tuple[int, int] | None:
    """Rows ``[a, b)`` of the last still stretch of at least ``min_s`` seconds that ends no more than
    ``max_gap_s`` before row ``end`` of ``acc`` (N, 3, m/s²), or None: someone standing before they walk.

    Still: in every ``window_s`` window of the stretch each acceleration axis, averaged over ``smooth_s`` first
    (a treadmill's motor and belt shake the deck at tens of Hz; a body sways and steps below ~5 Hz), varies by
    less than ``acc_sd_mps2`` (standard deviation; standing sway is ~0.05–0.1 m/s², a step 1–3 m/s²) and, with a
    gyroscope (``gyro`` (N, 3) rad/s, or None), the mean angular rate is below ``gyro_rads``. Only the rows
    from ``end − max_gap_s − min_s − window_s`` on are looked at, so ``a`` is at most that far back.
    Vectorised: running sums over that stretch."""
    w = max(int(round(window_s * fs_hz)), 2)
    lo = max(int(end - round((max_gap_s + min_s) * fs_hz)) - w, 0)
    end = int(min(end, len(acc)))
    if end - lo < max(w, int(round(min_s * fs_hz))):
        return None
    starts, stops, _ = _still_runs(acc[lo:end], None if gyro is None else gyro[lo:end], fs_hz, window_s, smooth_s,
                                   acc_sd_mps2, gyro_rads, min_s)
    if not starts.size:
        return None
    a, b = lo + int(starts[-1]), lo + int(stops[-1])           # the last run: the one nearest the walk
    if end - b > max_gap_s * fs_hz:
        return None
    return a, b


def still_stretch_after(acc: np.ndarray, gyro: np.ndarray | None, fs_hz: float, start: int, *,
                        min_s: float, max_gap_s: float, window_s: float = 0.5, smooth_s: float = 0.1,
                        acc_sd_mps2: float = 0.25, gyro_rads: float = 0.15) -> tuple[int, int] | None:
    """Rows ``[a, b)`` of the first still stretch of at least ``min_s`` seconds that starts no more than
    ``max_gap_s`` after row ``start`` of ``acc``, or None: someone standing after they stopped walking — the
    mirror of :func:`still_stretch_before` (same stillness rule and parameters). Only the rows up to
    ``start + max_gap_s + min_s + window_s`` are looked at (fewer where ``acc`` ends sooner), so ``b`` is at most
    that far on: the answer depends on a fixed stretch of samples, whatever arrived after it."""
    w = max(int(round(window_s * fs_hz)), 2)
    start = max(int(start), 0)
    hi = min(int(start + round((max_gap_s + min_s) * fs_hz)) + w, len(acc))
    if hi - start < max(w, int(round(min_s * fs_hz))):
        return None
    starts, stops, _ = _still_runs(acc[start:hi], None if gyro is None else gyro[start:hi], fs_hz, window_s,
                                   smooth_s, acc_sd_mps2, gyro_rads, min_s)
    near = starts <= max_gap_s * fs_hz
    if not near.any():
        return None
    k = int(np.flatnonzero(near)[0])                           # the first run: the one nearest the walk
    return start + int(starts[k]), start + int(stops[k])
