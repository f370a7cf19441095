"""Where is 'up', and which way is forward — for a sensor mounted in any orientation.

Up (V): gravity direction in the sensor frame, tracked by a linear complementary filter:
the accelerometer gives the slow part (a 2nd-order low-pass), the gyroscope the fast part
(the rotation of the gravity vector, −ω × g, through the matching high-pass). The filter
is linear in the signal, so it runs as ``lfilter`` with carried state — vectorised and
exactly chunk-invariant. Linearising the rotation about a slower gravity estimate is
accurate while the trunk stays within ~15° of that estimate, which holds during gait.

Why not a full quaternion filter (vqf, imufusion, ahrs)? Measured (benchmarks/orientation.py,
BROAD's fast trials with optical truth): at rest this filter is as good as vqf (0.21° vs 0.29°
RMSE), but during BROAD's large fast rotations (120–390 °/s) its linearisation fails (49° vs
vqf 1.2°) — such motions are not gait, where no metric is taken. Used as the engine's 'up' for
step detection, vqf *lowered* step F1 on the Mobilise-D recordings (0.869 → 0.818; IPOL
unchanged), so this filter stays; it costs 0.04 s per hour of data offline (0.2 s in 1-s live
chunks; vqf 0.1 s). The synthetic tests hold lean to ±2° at arbitrary mountings.

Forward (AP): gravity gives no heading. The AP axis is the horizontal direction of the
step-periodic acceleration (steps repeat every step in AP and V, every *stride* in ML), and
its sign comes from the inverted pendulum: in walking the trunk is slowest when highest
(forward speed and height are in anti-phase); in running both are lowest at mid-stance.
"""
from __future__ import annotations

import numpy as np
from scipy import signal

from ..recording import G
from .filters import StreamIIR, butter, complementary_pair


class GravityTracker:
    """Streaming estimate of the unit 'up' vector in sensor axes, per sample."""

    def __init__(self, fs_hz: float, *, has_gyro: bool, cutoff_hz: float = 0.3):
        self.has_gyro = has_gyro
        b, a, br, ar = complementary_pair(fs_hz, cutoff_hz)
        self.lp_acc = StreamIIR(b, a, 3)
        self.hp_rate = StreamIIR(br, ar, 3)
        # slower reference for the linearisation (gravity moves slowly relative to it)
        bs, as_ = butter(2, cutoff_hz / 2, fs_hz)
        self.slow = StreamIIR(bs, as_, 3)

    def reset(self) -> None:
        for f in (self.lp_acc, self.hp_rate, self.slow):
            f.reset()

    def __call__(self, acc: np.ndarray, gyro: np.ndarray | None) -> np.ndarray:
        g_lp = self.lp_acc(acc)
        if self.has_gyro and gyro is not None:
            g_slow = self.slow(acc)
            rate = cross_rows(g_slow, gyro)     # d(g)/dt = −ω × g in sensor axes: gravity turns against the sensor
            g = g_lp + self.hp_rate(rate, x0=np.zeros(3))
        else:
            g = g_lp
        n = np.sqrt(np.einsum("ij,ij->i", g, g))[:, None]     # 3× faster than linalg.norm
        return g / np.where(n > 0, n, 1.0)


def cross_rows(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Row-wise cross product u × v of (N, 3) arrays (np.cross is ~2× slower on this shape)."""
    u0, u1, u2 = u[:, 0], u[:, 1], u[:, 2]
    v0, v1, v2 = v[:, 0], v[:, 1], v[:, 2]
    out = np.empty((u0.size, 3))       # columns written in place: no stacking copy
    np.subtract(u1 * v2, u2 * v1, out=out[:, 0])
    np.subtract(u2 * v0, u0 * v2, out=out[:, 1])
    np.subtract(u0 * v1, u1 * v0, out=out[:, 2])
    return out


def row_dot(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Row-wise dot product of (N, 3) arrays (either may be a broadcast row): the same sums as
    ``np.sum(u * v, axis=1)`` — which adds each row's three products in order, (p0 + p1) + p2, as
    this does — but ~4× faster (a reduction along a 3-long axis is numpy's slow case)."""
    return u[:, 0] * v[:, 0] + u[:, 1] * v[:, 1] + u[:, 2] * v[:, 2]


def horizontal(v: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Component of v (N,3) perpendicular to the unit vectors up (N,3)."""
    return v - row_dot(v, up)[:, None] * up


def estimate_forward_axis(acc: np.ndarray, up: np.ndarray, step_samples: int, *, running: bool,
                          fs_hz: float) -> np.ndarray:
    """Unit forward (AP) axis in sensor coordinates from a stretch of steady gait.

    acc, up: (N,3) over several strides; step_samples: median step duration in samples.
    """
    return forward_axis(acc, up, step_samples, running=running, fs_hz=fs_hz)[0]


def forward_axis(acc: np.ndarray, up: np.ndarray, step_samples: int, *, running: bool,
                 fs_hz: float) -> tuple[np.ndarray, float]:
    """:func:`estimate_forward_axis` and how clearly the walk showed it: the ratio of the largest to
    the second eigenvalue of the step-periodic horizontal acceleration (1 = no preferred direction;
    steady real walks 4–17, bouts of turns and shuffles 1.5–3)."""
    up_mean = up.mean(axis=0)
    up_mean /= np.linalg.norm(up_mean)
    ah = horizontal(acc, up)
    L = int(step_samples)
    if ah.shape[0] <= 2 * L:
        raise ValueError("need more than two steps of samples to find the forward axis")
    # step-periodic part: average of the signal and itself one step later cancels the
    # stride-periodic (odd) harmonics that dominate side-to-side motion
    even = 0.5 * (ah[:-L] + ah[L:])
    even = even - even.mean(axis=0)
    cov = even.T @ even
    # restrict to the horizontal plane of the mean up vector
    P = np.eye(3) - np.outer(up_mean, up_mean)
    w, vecs = np.linalg.eigh(P @ cov @ P)          # ascending; the up direction gives ~0
    ap = vecs[:, np.argmax(w)]
    quality = float(w[-1] / max(w[-2], 1e-12 * max(w[-1], 1e-300)))
    ap = ap - ap.dot(up_mean) * up_mean
    ap /= np.linalg.norm(ap)
    # sign from the inverted pendulum: correlate forward speed with height
    a_ap = ah @ ap
    a_v = row_dot(acc, up) - G
    b, a = butter(2, (0.5, 5.0), fs_hz, "band")
    # one filtfilt on both rows: its set-up costs as much as the filtering of a few strides
    v_ap, z = signal.filtfilt(b, a, np.stack([np.cumsum(a_ap) / fs_hz,
                                              np.cumsum(np.cumsum(a_v) / fs_hz) / fs_hz]), axis=1)
    c = float(np.dot(v_ap - v_ap.mean(), z - z.mean()))
    if (c > 0) != running:   # walking: anti-phase (c < 0) expected for the true forward axis
        ap = -ap
    return ap, quality
