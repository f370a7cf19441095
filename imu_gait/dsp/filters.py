"""Filters that give the same output whether a signal arrives whole or in chunks.

Live monitoring feeds the engine a second at a time; offline analysis feeds it long
chunks. For both to yield the *same* steps, every filter here is exactly chunk-invariant:
IIR filters carry their state between calls (``scipy.signal.lfilter`` with ``zi``), and FIR
filters are evaluated only where their full support has arrived.
"""
from __future__ import annotations

import functools

import numpy as np
from scipy import signal


@functools.lru_cache(maxsize=64)
def butter(order: int, cutoff_hz: float | tuple[float, float], fs_hz: float, btype: str = "low"):
    """``scipy.signal.butter`` (b, a), designed once per set of arguments: every engine and every
    forward-axis estimate asks for the same few designs, and designing costs ~0.3 ms each —
    a real share of the analysis of a short recording. The arrays are read-only."""
    b, a = signal.butter(order, cutoff_hz, btype=btype, fs=fs_hz)
    b.flags.writeable = a.flags.writeable = False
    return b, a


@functools.lru_cache(maxsize=64)
def butter_sos(order: int, cutoff_hz: float | tuple[float, float], fs_hz: float, btype: str = "low") -> np.ndarray:
    """``scipy.signal.butter`` in second-order sections, designed once per set of arguments: every
    engine builds the same two high-passes for the step length, and designing them cost ~0.7 ms —
    5 % of the analysis of a 30-s recording. Read-only (shared by every caller): :class:`StreamSOS`
    filters with its own copy."""
    sos = signal.butter(order, cutoff_hz, btype=btype, fs=fs_hz, output="sos")
    sos.flags.writeable = False
    return sos


@functools.lru_cache(maxsize=64)
def fir_lowpass(fs_hz: float, cutoff_hz: float, half_width_s: float) -> np.ndarray:
    """Linear-phase (centred) FIR low-pass with 2·round(half_width_s·fs)+1 taps, unit DC gain
    (designed once per set of arguments; read-only)."""
    half = max(1, int(round(half_width_s * fs_hz)))
    taps = signal.firwin(2 * half + 1, cutoff_hz, fs=fs_hz, window="hamming")
    taps = taps / taps.sum()
    taps.flags.writeable = False
    return taps


@functools.lru_cache(maxsize=64)
def _lfilter_zi(b: bytes, a: bytes) -> np.ndarray:
    """``scipy.signal.lfilter_zi`` of a design given as its coefficients' float64 bytes, computed once
    per design (read-only): every engine's filters start from the same few (~40 µs each)."""
    zi = signal.lfilter_zi(np.frombuffer(b), np.frombuffer(a))
    zi.flags.writeable = False
    return zi


@functools.lru_cache(maxsize=64)
def _sosfilt_zi(sos: bytes) -> np.ndarray:
    """``scipy.signal.sosfilt_zi`` of second-order sections given as float64 bytes, once per design
    (read-only; ~150 µs each)."""
    zi = signal.sosfilt_zi(np.frombuffer(sos).reshape(-1, 6))
    zi.flags.writeable = False
    return zi


def filtfilt(b: np.ndarray, a: np.ndarray, x: np.ndarray, axis: int = -1) -> np.ndarray:
    """``scipy.signal.filtfilt(b, a, x, axis=axis)`` with its defaults (odd padding of 3 × the taps), the same
    operations in the same order — so the same numbers — but with ``lfilter_zi`` from :func:`_lfilter_zi`'s
    cache: scipy solves it again on every call (~0.25 ms, more than the filtering of a few strides), and the
    forward-axis estimates call it ~70 times an hour of walking (~3 % of the analysis)."""
    b, a = np.atleast_1d(np.asarray(b, float)), np.atleast_1d(np.asarray(a, float))
    x = np.asarray(x)
    edge = 3 * max(len(a), len(b))
    if x.shape[axis] <= edge:          # scipy's own refusal, word for word (callers catch the ValueError)
        raise ValueError(f"The length of the input vector x must be greater than padlen, which is {edge}.")
    x = np.moveaxis(x, axis, -1)
    ext = np.concatenate((2 * x[..., :1] - x[..., edge:0:-1], x, 2 * x[..., -1:] - x[..., -2:-(edge + 2):-1]),
                         axis=-1)
    zi = _lfilter_zi(b.tobytes(), a.tobytes())
    y, _ = signal.lfilter(b, a, ext, axis=-1, zi=zi * ext[..., :1])
    y, _ = signal.lfilter(b, a, y[..., ::-1], axis=-1, zi=zi * y[..., -1:])
    return np.moveaxis(y[..., ::-1][..., edge:-edge], -1, axis)


class StreamIIR:
    """A causal IIR filter over an (N, …) signal, state carried across calls."""

    def __init__(self, b: np.ndarray, a: np.ndarray, n_channels: int):
        self.b, self.a = np.asarray(b, float), np.asarray(a, float)
        self.n_channels = n_channels
        self.zi: np.ndarray | None = None

    def reset(self) -> None:
        self.zi = None

    def __call__(self, x: np.ndarray, *, x0: np.ndarray | None = None) -> np.ndarray:
        x = np.asarray(x, float).reshape(len(x), -1)
        if x.shape[0] == 0:
            return x
        if self.zi is None:
            # start in steady state on the first sample (no start-up transient)
            first = x[0] if x0 is None else x0
            zi0 = _lfilter_zi(self.b.tobytes(), self.a.tobytes())
            self.zi = zi0[:, None] * first[None, :]
        y, self.zi = signal.lfilter(self.b, self.a, x, axis=0, zi=self.zi)
        return y


class StreamSOS:
    """A causal IIR filter in second-order sections over a 1-D signal, state carried across calls
    (for low cut-offs, where the (b, a) form loses precision)."""

    def __init__(self, sos: np.ndarray):
        # a private, writable copy: scipy's sosfilt refuses a read-only array (a cached design)
        self.sos = np.array(sos, float)
        self.zi: np.ndarray | None = None

    def reset(self) -> None:
        self.zi = None

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, float)
        if x.size == 0:
            return x
        if self.zi is None:                  # steady state on the first sample (no start-up transient)
            self.zi = _sosfilt_zi(self.sos.tobytes()) * x[0]
        y, self.zi = signal.sosfilt(self.sos, x, zi=self.zi)
        return y


class VerticalDisplacement:
    """Trunk vertical displacement from vertical acceleration, streaming: high-pass 0.1 Hz →
    integrate → high-pass 1 Hz → integrate (4th-order Butterworth, the Mobilise-D chain for the
    inverted-pendulum step length, whose correction factor was fitted on displacement made this
    way; here causal so that live and offline agree). Chunk-invariant: filter states and the two
    running integrals carry over between calls."""

    def __init__(self, fs_hz: float):
        self.fs = float(fs_hz)
        self._hp_acc = StreamSOS(butter_sos(4, 0.1, self.fs, "high"))
        self._hp_vel = StreamSOS(butter_sos(4, 1.0, self.fs, "high"))
        self._sum_acc = self._sum_vel = 0.0

    def reset(self) -> None:
        self._hp_acc.reset()
        self._hp_vel.reset()
        self._sum_acc = self._sum_vel = 0.0

    def __call__(self, a_v: np.ndarray) -> np.ndarray:
        if len(a_v) == 0:
            return np.empty(0)
        # the running sums carried as sums (scaled by 1/fs per sample, not before carrying) and continued by one
        # cumsum from them: the same additions in the same order whatever the chunking. 'vel0 + cumsum(x) / fs'
        # re-associated them at every chunk, so live and offline displacement differed by ~1e-15 m (found by
        # the precision audit s36); fed whole, the numbers are those of before (0 + x0 is x0)
        s_acc = np.cumsum(np.concatenate(([self._sum_acc], self._hp_acc(a_v))))[1:]
        s_vel = np.cumsum(np.concatenate(([self._sum_vel], self._hp_vel(s_acc / self.fs))))[1:]
        self._sum_acc, self._sum_vel = float(s_acc[-1]), float(s_vel[-1])
        return s_vel / self.fs


def complementary_pair(fs_hz: float, cutoff_hz: float):
    """Coefficients of a 2nd-order low-pass H and of (1 − H)/s, the matching high-pass
    applied to a *rate* (so a gyro rate can be fused with an accelerometer angle without
    integrating it first — no drift, no reset).

    Returns (b_lp, a_lp, b_rate, a_rate): y = lfilter(b_lp, a_lp, slow) + lfilter(b_rate, a_rate, rate).
    """
    b, a = butter(2, cutoff_hz, fs_hz)
    # 1 − H = (a − b)/a has a zero at z = 1 (unit DC gain), so dividing by the discrete
    # integrator (1 − z⁻¹)/T leaves a proper filter.
    num = a - b
    q, r = np.polydiv(num, np.array([1.0, -1.0]))
    if np.max(np.abs(r)) > 1e-9:
        raise ArithmeticError("complementary filter design lost its DC zero")
    b_rate = np.concatenate([q, np.zeros(len(a) - len(q))]) / fs_hz
    return b, a, b_rate, a


def causal_fir_valid(x: np.ndarray, taps: np.ndarray) -> np.ndarray:
    """Centred FIR over x evaluated only where the full support lies inside x.

    Output length len(x) − len(taps) + 1; output i is centred on x[i + half].
    """
    if x.shape[0] < taps.size:
        return np.empty((0,) + x.shape[1:])
    return np.convolve(x, taps[::-1], mode="valid") if x.ndim == 1 else \
        np.stack([np.convolve(x[:, k], taps[::-1], mode="valid") for k in range(x.shape[1])], axis=1)
