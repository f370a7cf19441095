"""Put irregular samples on a uniform time grid, chunk by chunk, with identical results.

Phones and BLE sensors deliver irregular or gappy time stamps. The engine works on a
uniform grid: short gaps (≤ ``max_gap_s``) are bridged by linear interpolation; longer
gaps end a segment (the engine resets its filters) and are never filled with invented
samples. When the input is much faster than the grid (phones at 200–400 Hz), each grid
value is the *mean* of the input over its grid cell (box anti-alias filter, computed from a
running integral), so high-frequency noise does not alias into the gait band.

Chunking changes no number, to the last bit: live monitoring (small chunks) and offline analysis (long ones)
must give the same steps and metrics. Two things made the grid values depend on where a chunk ended, by
~1e-14: a grid point (or a box cell's edge) that k·dt puts a rounding step past a chunk's last sample
(16.990000000000002 s vs the sample at 16.99 s) was clamped to that sample, but interpolated towards the next
one when the samples came whole; and the running integral was re-associated at every chunk (c0 + cumsum).
Now a grid point or cell edge within rounding of a sample (:func:`_on_samples`) *is* that sample — fed whole
or in pieces — and the integral is one sequential sum from the segment's start.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class GridChunk:
    time_s: np.ndarray          # (n,) uniform times
    values: np.ndarray          # (n, c)
    segment_start: bool         # True when a gap > max_gap_s precedes this chunk's first sample


class StreamResampler:
    """Streaming resampler to ``fs_hz``; feed raw (time, values), get uniform chunks."""

    def __init__(self, fs_hz: float, *, input_rate_hz: float | None = None, max_gap_s: float = 0.5):
        self.fs = float(fs_hz)
        self.dt = 1.0 / self.fs
        self.max_gap_s = max_gap_s
        self.box = bool(input_rate_hz and input_rate_hz > 1.3 * self.fs)
        self._last_t: float | None = None
        self._last_v: np.ndarray | None = None
        self._last_c: np.ndarray | None = None   # running integral at the last raw sample
        self._next_k: int | None = None          # next grid index (time = k·dt)
        self._c_bound = None                     # (integral, time) at the last cell boundary
        # a segment break whose first samples gave no grid point yet: the next chunk carries it. A sensor that
        # sends one sample per notification (Thingy:52) put the first sample after a reconnect's hole in a call
        # of its own, off the grid: no chunk, the break was lost and the engine joined the two sides of the hole
        self._break_pending = False

    def feed(self, t: np.ndarray, v: np.ndarray) -> list[GridChunk]:
        t = np.asarray(t, float)
        v = np.asarray(v, float).reshape(t.size, -1)
        out: list[GridChunk] = []
        if t.size == 0:
            return out
        # split at long gaps (including the gap from the previous call)
        prev_t = self._last_t
        gaps = np.flatnonzero(np.diff(t) > self.max_gap_s) + 1
        bounds = np.concatenate([[0], gaps, [t.size]])
        for i0, i1 in zip(bounds[:-1], bounds[1:]):
            start_new = self._last_t is None or (t[i0] - self._last_t) > self.max_gap_s
            if start_new:
                self._last_t = None
            self._break_pending |= start_new and (prev_t is not None or i0 > 0)
            out_chunk = self._feed_contiguous(t[i0:i1], v[i0:i1])
            if out_chunk is not None:
                out.append(GridChunk(out_chunk[0], out_chunk[1], self._break_pending))
                self._break_pending = False
            prev_t = self._last_t
        return out

    def _feed_contiguous(self, t: np.ndarray, v: np.ndarray):
        if self._last_t is None:
            self._c_bound = None
            # a new segment starts on the first grid point at or after its first sample
            self._next_k = int(np.ceil(t[0] * self.fs - 1e-9))
            tt, vv = t, v
            c0 = np.zeros(v.shape[1])
        else:
            tt = np.concatenate([[self._last_t], t])
            vv = np.concatenate([self._last_v[None, :], v])
            c0 = self._last_c
        # grid points covered by [tt[0], tt[-1]] (need half a cell beyond for the box mean)
        lead = 0.5 * self.dt if self.box else 0.0
        k_end = int(np.floor((tt[-1] - lead) * self.fs + 1e-9))
        # … but not one whose support ends past the last sample by more than rounding: computed now it would be
        # clamped to that sample, while fed on it is interpolated towards the next (chunking would show)
        if k_end >= self._next_k and k_end * self.dt + lead - tt[-1] > _snap_tol(self.dt, tt[-1]):
            k_end -= 1
        res = None
        if self.box:
            # running integral of the linear interpolant (trapezoids), continued across calls as one sequential
            # sum (cumsum over [c0, increments]): the same additions in the same order whatever the chunking
            incr = 0.5 * (vv[1:] + vv[:-1]) * np.diff(tt)[:, None]
            c = np.cumsum(np.vstack([c0[None, :], incr]), axis=0)
            if self._c_bound is None:
                # the first cell's lower edge, once the samples reach it (with one sample per call, the segment's
                # first call may cover no grid cell: its edge was clipped to a later call's first sample, not the
                # segment's)
                lo0 = self._next_k * self.dt - 0.5 * self.dt
                if lo0 <= tt[-1] + _snap_tol(self.dt, tt[-1]):
                    lo0 = _on_samples(np.clip(np.array([lo0]), tt[0], tt[-1]), tt, self.dt)
                    self._c_bound = (np.array([_interp_integral(lo0, tt, vv[:, j], c[:, j])[0]
                                               for j in range(vv.shape[1])]), float(lo0[0]))
        if k_end >= self._next_k:
            k = np.arange(self._next_k, k_end + 1)
            tg = k * self.dt
            if self.box:
                # integral at the cell boundaries (k ± ½)·dt; the first boundary was computed in
                # the previous call (it lies before this call's samples), so keep it
                hi = _on_samples(np.clip(tg + 0.5 * self.dt, tt[0], tt[-1]), tt, self.dt)
                c_hi = np.stack([_interp_integral(hi, tt, vv[:, j], c[:, j]) for j in range(vv.shape[1])], 1)
                c_lo0, t_lo0 = self._c_bound
                c_all = np.vstack([c_lo0[None, :], c_hi])
                t_all = np.concatenate([[t_lo0], hi])
                vals = np.diff(c_all, axis=0) / np.maximum(np.diff(t_all), 1e-12)[:, None]
                self._c_bound = (c_hi[-1].copy(), float(hi[-1]))
            else:
                tq = _on_samples(tg, tt, self.dt)
                on = _run_of_samples(tq, tt)
                # samples already on the grid (a validated file, a sensor at the engine's rate): each grid point is
                # a sample, and np.interp gives a point equal to a sample (the last such) that sample's value —
                # taken directly, the same numbers (np.interp per channel cost ~4 % of the analysis of an hour)
                vals = (vv[on:on + tq.size].copy() if on is not None else
                        np.stack([np.interp(tq, tt, vv[:, j]) for j in range(vv.shape[1])], 1))
            res = (tg, vals)
            self._next_k = int(k_end + 1)
        self._last_t, self._last_v = float(tt[-1]), vv[-1].copy()
        if self.box:
            self._last_c = c[-1].copy()
        return res


def _snap_tol(dt: float, t) -> np.ndarray | float:
    """How near a grid time must be to a sample to be that sample: the grid's own tolerance (1e-9 of a cell, as
    in ``k_end``) plus a few units of rounding at the clock's size (a Unix time's last bit is 0.24 µs)."""
    return 1e-9 * dt + 8 * np.spacing(np.abs(t))


def _on_samples(x: np.ndarray, tt: np.ndarray, dt: float) -> np.ndarray:
    """``x`` with each time within rounding (:func:`_snap_tol`) of a sample of ``tt`` replaced by that sample's
    time: k·dt is rarely the sample's float (0.01·1699 = 16.990000000000002 for 16.99), and the rounding step
    decided whether the grid point was interpolated beyond the sample (fed whole) or clamped to it (the last
    sample of a chunk). On the sample it takes that sample's value exactly, however the samples came."""
    if tt.size == 1:
        near = np.full(x.shape, tt[0])
    elif (run := _near_run(x, tt, dt)) is not None:
        return run
    else:
        j = np.clip(np.searchsorted(tt, x), 1, tt.size - 1)
        near = np.where(x - tt[j - 1] <= tt[j] - x, tt[j - 1], tt[j])
    return np.where(np.abs(x - near) <= _snap_tol(dt, near), near, x)


def _near_run(x: np.ndarray, tt: np.ndarray, dt: float) -> np.ndarray | None:
    """:func:`_on_samples` of increasing times ``x`` that each lie within rounding of consecutive samples of ``tt``
    (samples already on the grid: the usual case) without a search per point: those samples, or None. Each is
    then the nearest, as the search would find it, where the samples around lie more than twice the tolerance
    apart (checked)."""
    if x.size == 0:
        return None
    j = int(np.clip(np.searchsorted(tt, x[0]), 1, tt.size - 1))
    i = j - 1 if x[0] - tt[j - 1] <= tt[j] - x[0] else j       # the nearest to the first, as the search picks it
    end = i + x.size
    if end > tt.size or abs(x[0] - tt[i]) > _snap_tol(dt, tt[i]):      # (a cell's edge, between two samples)
        return None
    run = tt[i:end]
    if not np.all(np.abs(x - run) <= _snap_tol(dt, run)):
        return None
    around = tt[max(i - 1, 0):min(end + 1, tt.size)]
    widest = _snap_tol(dt, max(abs(float(around[0])), abs(float(around[-1]))))
    return run.copy() if around.size < 2 or float(np.diff(around).min()) > 2 * widest else None


def _run_of_samples(x: np.ndarray, tt: np.ndarray) -> int | None:
    """``i`` when the times ``x`` (increasing) are exactly the samples ``tt[i:i + x.size]`` and each is the last sample
    at its time (where np.interp takes its value from), else None."""
    if x.size == 0:
        return None
    i = int(np.searchsorted(tt, x[0], side="right")) - 1
    end = i + x.size
    if i < 0 or end > tt.size or not np.array_equal(tt[i:end], x):
        return None
    # (a repeated time after the last: np.interp takes the later sample's value)
    return i if end == tt.size or tt[end] > x[-1] else None


def _interp_integral(x: np.ndarray, tt: np.ndarray, v: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Integral of the piecewise-linear interpolant of v from the segment start to x (``x`` within
    [tt[0], tt[-1]]). At a sample's time it is that sample's running integral exactly — the last sample's too,
    which the formula from the interval before gave a rounding step apart (and a chunk's last sample is the
    next chunk's first)."""
    i = np.clip(np.searchsorted(tt, x, side="right") - 1, 0, tt.size - 1)
    nxt = np.minimum(i + 1, tt.size - 1)
    h = x - tt[i]
    dt = tt[nxt] - tt[i]
    slope = np.where(dt > 0, (v[nxt] - v[i]) / np.where(dt > 0, dt, 1), 0.0)
    return c[i] + v[i] * h + 0.5 * slope * h * h
