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

Forward (AP): gravity gives no heading. Walking shows it several ways: the step-periodic
acceleration lies along AP (steps repeat every step in AP and V, every *stride* in ML), the
stride-periodic sway across it, and the trunk pitches once per step about ML and rolls once per
stride about AP; and the direction whose speed rises and falls with the height once a step is
forward (the inverted pendulum). :func:`forward_axis` uses the first alone (the sensor-turn checks compare it with
itself); :func:`forward_evidence` lets all of them vote, weighted by how clearly each shows a
direction, in a form that sums over several walks — the engine's calibration (see
:class:`ForwardEvidence` for why). The sign comes from the inverted pendulum: in walking the trunk
is slowest when highest (forward speed and height are in anti-phase); in running both are lowest
at mid-stance.
"""
from __future__ import annotations

import numpy as np

from ..recording import G
from .filters import StreamIIR, butter, complementary_pair, filtfilt


#: the coning pass's largest wobble of 'up' about its slow reference, as a fraction of g (sin 15°)
CONING_MAX_TILT = 0.26


class GravityTracker:
    """Streaming estimate of the unit 'up' vector in sensor axes, per sample."""

    def __init__(self, fs_hz: float, *, has_gyro: bool, cutoff_hz: float = 0.3, coning: bool = False):
        self.has_gyro, self.cutoff_hz = has_gyro, cutoff_hz
        b, a, br, ar = complementary_pair(fs_hz, cutoff_hz)
        self.lp_acc = StreamIIR(b, a, 3)
        self.hp_rate = StreamIIR(br, ar, 3)
        # ``coning``: a trunk that twists (yaw) and rolls at the stride's pace, a quarter-cycle apart, turns about
        # its pitch axis on average (the body rate's ψ̇·sin φ has a mean) while its attitude stays periodic. The
        # exact ġ = −ω × g cancels that mean through g's own stride-paced wobble; −ω × g_slow has no wobble to
        # cancel it with, so this 'up' sits tipped forward while walking: lean vs standing read +0.7° on the
        # default synthetic walk (10° twist, 4° drop), +2.4° at 25° and 8°, the error ∝ twist × drop and none
        # without a gyroscope (benchmarks/metric_grid.py; rates audit s35). A second pass takes the rate about
        # the first pass's 'up', wobble included, so the mean cancels as in the exact equation; the wobble is
        # capped at CONING_MAX_TILT (the linearisation's range) so that a sit-down's large turn adds nothing wild
        self.hp_rate2 = StreamIIR(br, ar, 3) if coning else None
        # slower reference for the linearisation (gravity moves slowly relative to it)
        bs, as_ = butter(2, cutoff_hz / 2, fs_hz)
        self.slow = StreamIIR(bs, as_, 3)

    @property
    def lag_s(self) -> float:
        """How late a slow change of posture shows in the estimate, s: none with a gyroscope (its rate
        carries the change at once); without, the low-pass's group delay at 0 Hz, √2 / (2π · cutoff)
        for this second-order Butterworth (0.75 s at 0.3 Hz)."""
        return 0.0 if self.has_gyro else float(np.sqrt(2.0) / (2.0 * np.pi * self.cutoff_hz))

    def reset(self) -> None:
        for f in (self.lp_acc, self.hp_rate, self.slow, self.hp_rate2):
            if f is not None:
                f.reset()

    def __call__(self, acc: np.ndarray, gyro: np.ndarray | None, *,
                 acc_lowpassed: np.ndarray | None = None) -> np.ndarray:
        """Unit 'up' per sample. ``acc_lowpassed``: ``acc`` already through a low-pass of this tracker's
        design, started on the same first sample — another tracker's slow reference at this tracker's cut-off
        (:meth:`up_and_slow`) — used instead of filtering ``acc`` again. Give it on every call or on none:
        this tracker's own low-pass state does not advance when it is given."""
        return self.up_and_slow(acc, gyro, acc_lowpassed=acc_lowpassed)[0]

    def up_and_slow(self, acc: np.ndarray, gyro: np.ndarray | None, *,
                    acc_lowpassed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        """(unit 'up' per sample, the slow reference ``acc`` was low-passed to, or None without a gyroscope)."""
        return self.ups(acc, gyro, acc_lowpassed=acc_lowpassed)[:2]

    def ups(self, acc: np.ndarray, gyro: np.ndarray | None, *, acc_lowpassed: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """(unit 'up', the slow reference, the unit 'up' with the coning pass) per sample; the last is None
        without ``coning`` or a gyroscope. The plain 'up' is the same with or without ``coning``: the pass only
        adds its own output (one more filter over the first pass's wobble, so cheap enough per live chunk)."""
        g_lp = self.lp_acc(acc) if acc_lowpassed is None else acc_lowpassed
        g_slow = g_coning = None
        if self.has_gyro and gyro is not None:
            g_slow = self.slow(acc)
            rate = cross_rows(g_slow, gyro)     # d(g)/dt = −ω × g in sensor axes: gravity turns against the sensor
            g = g_lp + self.hp_rate(rate, x0=np.zeros(3))
            if self.hp_rate2 is not None:
                wobble = g - g_slow
                size2 = row_dot(wobble, wobble)
                big = size2 > (CONING_MAX_TILT * G) ** 2          # rare while walking: scale those rows only
                if big.any():
                    wobble[big] *= (CONING_MAX_TILT * G / np.sqrt(size2[big]))[:, None]
                g_coning = _unit_rows(g_lp + self.hp_rate2(cross_rows(g_slow + wobble, gyro), x0=np.zeros(3)))
        else:
            g = g_lp
        return _unit_rows(g), g_slow, g_coning

    def lowpass_is_slow_of(self, other: "GravityTracker") -> bool:
        """This tracker's accelerometer low-pass is the same filter as ``other``'s slow reference (the same
        design, both starting on the first sample fed), so its output can be shared (``acc_lowpassed``)."""
        return (np.array_equal(self.lp_acc.b, other.slow.b) and np.array_equal(self.lp_acc.a, other.slow.a))


def _unit_rows(g: np.ndarray) -> np.ndarray:
    """Each row scaled to unit length (a zero row stays zero)."""
    n = np.sqrt(row_dot_as_einsum(g, g))[:, None]     # (einsum's sums: 3× faster than linalg.norm, this 2× more)
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


def row_dot_as_einsum(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``np.einsum("ij,ij->i", u, v)`` of float64 (N, 3) arrays whose rows are contiguous (or "kij,kij->ki" of
    (K, N, 3)), the same numbers ~2× faster: for three terms einsum's per-row set-up costs more than the sums
    (review perf s41). It adds the three products as x86-64 numpy's
    einsum does (two-lane vectors, no fused multiply-add: (p0 + p2) + p1, then into a zeroed output — the + 0.0,
    which only turns −0.0 into +0.0). (On aarch64 numpy's einsum fuses its multiply-adds, so there these sums can
    differ from einsum's in the last bit.)"""
    d = u[..., 0] * v[..., 0]
    d += u[..., 2] * v[..., 2]
    d += u[..., 1] * v[..., 1]
    d += 0.0
    return d


def horizontal(v: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Component of v (N,3) perpendicular to the unit vectors up (N,3)."""
    return v - row_dot(v, up)[:, None] * up


def horizontal_unit(ref: np.ndarray, up: np.ndarray) -> np.ndarray:
    """The one vector ``ref`` (3,) made horizontal to each row of the unit vectors ``up`` (N, 3), unit length: the
    numbers of ``h = horizontal(np.broadcast_to(ref, up.shape), up); h / np.sqrt(row_dot_as_einsum(h, h))[:, None]``
    (the same products, sums and divisions), a column at a time — numpy ran the subtraction from the broadcast
    row three elements at a time (30,000 rows: 1.7 → 0.5 ms; the engine's body frame, per batch of steps)."""
    d = ref[0] * up[:, 0] + ref[1] * up[:, 1] + ref[2] * up[:, 2]         # row_dot's products, in its order
    h = np.empty(up.shape)
    for k in range(3):
        np.subtract(ref[k], d * up[:, k], out=h[:, k])
    size = np.sqrt(row_dot_as_einsum(h, h))
    for k in range(3):
        np.divide(h[:, k], size, out=h[:, k])
    return h


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
    v_ap, z = filtfilt(b, a, np.stack([np.cumsum(a_ap) / fs_hz,
                                              np.cumsum(np.cumsum(a_v) / fs_hz) / fs_hz]), axis=1)
    c = float(np.dot(v_ap - v_ap.mean(), z - z.mean()))
    if (c > 0) != running:   # walking: anti-phase (c < 0) expected for the true forward axis
        ap = -ap
    return ap, quality


class ForwardEvidence:
    """What a stretch of walking says about the forward axis, in a form that adds up over several
    short walks of one fixed sensor (the engine pools the walks too short to calibrate on their own).

    ``cov``: the sum of four horizontal covariances, each scaled to unit trace and weighted by how clearly
    it shows a direction (anisotropy squared), so each is a vote: the step-periodic acceleration (along
    forward), the stride-periodic acceleration (the sway over each foot, across forward: turned 90° about
    'up'), and with a gyroscope the step-periodic rotation (the pitch, about the side-to-side axis: turned
    90°) and the stride-periodic rotation (the roll, about forward) — without one, the inverted pendulum's
    direction (:data:`PENDULUM_VOTE`). A stretch's votes count the same whatever its length.
    ``pendulum``: Σ over samples of the band-passed forward speed along each sensor axis times the
    band-passed height (walking: forward · pendulum < 0; a run's is stored negated, so the rule holds).
    ``up``: Σ of the stretch's mean 'up', weighted (``forward_evidence(weight=…)``: the engine gives its
    steps).

    Why several witnesses: in everyday walking — short walks that bend and turn — the accelerometer's
    step-periodic direction alone found the sensor's side-to-side axis (Mobilise-D daily recordings: per
    step median 74° off), while the side-to-side sway and the trunk's rotation did not; on straight lab
    walks it is the best single witness, and on some people one of the others is the worst (IPOL: the
    step-periodic rotation alone p90 20°). Weighted by clarity and summed, per step (benchmarks/
    forward_axis.py): Mobilise-D median 1.2° (was 74°), IPOL 3.5° (was 4.1°); accelerometer only 15.9°
    (was 49°, 39 % reversed) and 4.6° (was 4.6°; its worst walk, IPOL 9-3, whose samples 9-4 repeats, 25°,
    was 1°)."""

    __slots__ = ("cov", "pendulum", "up")

    def __init__(self, cov: np.ndarray, pendulum: np.ndarray, up: np.ndarray):
        self.cov, self.pendulum, self.up = cov, pendulum, up

    def __add__(self, other: "ForwardEvidence") -> "ForwardEvidence":
        return ForwardEvidence(self.cov + other.cov, self.pendulum + other.pendulum, self.up + other.up)

    @property
    def up_mean(self) -> np.ndarray:
        """The weighted mean 'up' of the walks summed (unit)."""
        return self.up / np.linalg.norm(self.up)

    def forward(self) -> tuple[np.ndarray, float]:
        """(unit forward axis square to :attr:`up_mean`, quality: largest / second eigenvalue)."""
        up = self.up_mean
        P = np.eye(3) - np.outer(up, up)
        w, vecs = np.linalg.eigh(P @ self.cov @ P)
        ap = vecs[:, -1] - vecs[:, -1].dot(up) * up
        ap /= np.linalg.norm(ap)
        if ap.dot(self.pendulum) > 0:
            ap = -ap
        return ap, float(w[-1] / max(w[-2], 1e-12 * max(w[-1], 1e-300)))


def _even_cov(x: np.ndarray, up: np.ndarray, P: np.ndarray, L: int, *, odd: bool = False) -> np.ndarray:
    """Covariance of the step-periodic (or, ``odd``, the stride-periodic) part of x's horizontal
    component (see forward_axis), scaled to unit trace and then by its anisotropy squared
    ((λ1 − λ2) / (λ1 + λ2))²: a witness that shows no direction has no say, one that shows a clear one most."""
    h = horizontal(x, up)
    even = 0.5 * (h[:-L] - h[L:]) if odd else 0.5 * (h[:-L] + h[L:])
    even = even - even.mean(axis=0)
    c = P @ (even.T @ even) @ P
    tr = np.trace(c)
    if not tr > 0:
        return np.zeros((3, 3))
    w = np.linalg.eigvalsh(c)
    return c * ((w[-1] - w[-2]) / (w[-1] + w[-2])) ** 2 / tr


def forward_evidence(acc: np.ndarray, up: np.ndarray, step_samples: int, *, running: bool, fs_hz: float,
                     gyro: np.ndarray | None = None, weight: float = 1.0) -> ForwardEvidence:
    """:class:`ForwardEvidence` from one stretch of gait: acc, up (and gyro, rad/s) (N, 3) in sensor
    axes over ≥ 2 steps; step_samples: the median step in samples; weight: how much the stretch's 'up'
    counts in a sum's walking posture."""
    L = int(step_samples)
    if acc.shape[0] <= 2 * L:
        raise ValueError("need more than two steps of samples to find the forward axis")
    up_mean = up.mean(axis=0)
    up_mean /= np.linalg.norm(up_mean)
    P = np.eye(3) - np.outer(up_mean, up_mean)
    k = np.array([[0.0, -up_mean[2], up_mean[1]], [up_mean[2], 0.0, -up_mean[0]],
                  [-up_mean[1], up_mean[0], 0.0]])          # v ↦ up × v: a quarter turn about up
    # forward: the step-periodic acceleration; side to side: the stride-periodic sway over each foot
    cov = _even_cov(acc, up, P, L) + k @ _even_cov(acc, up, P, L, odd=True) @ k.T
    if gyro is not None:
        # the rotation's slow part (a turn's yaw seen through a tilted 'up') is not the pitch of the steps
        bh, ah = butter(2, 0.5, fs_hz, "high")
        g = filtfilt(bh, ah, gyro, axis=0)
        # the pitch about the side-to-side axis once per step; the roll about the forward axis once per
        # stride (alone each is a poor witness — roll's second harmonic comes through the step-periodic
        # part, the vertical turn rate through the stride-periodic one — but they outvote each other's errors)
        cov = cov + k @ _even_cov(g, up, P, L) @ k.T + _even_cov(g, up, P, L, odd=True)
    b, a = butter(2, (0.5, 5.0), fs_hz, "band")
    a_h = horizontal(acc, up)
    a_v = row_dot(acc, up) - G
    sig = filtfilt(b, a, np.vstack([np.cumsum(a_h, axis=0).T / fs_hz,
                                           (np.cumsum(np.cumsum(a_v) / fs_hz) / fs_hz)[None, :]]), axis=1)
    v_h, z = sig[:3], sig[3]
    v_h, z = v_h - v_h.mean(axis=1, keepdims=True), z - z.mean()
    pendulum = v_h @ z
    if gyro is None:
        cov = cov + _pendulum_vote(pendulum, v_h, z)
    return ForwardEvidence(cov, -pendulum if running else pendulum, up_mean * weight)


#: How much the inverted pendulum's direction counts, against a unit vote (accelerometer only). Alone it is
#: a middling witness (per calibration window: IPOL lab walks median 9° off where the step-periodic
#: acceleration is 5°; Mobilise-D 8°, p90 46°) but its failures lie elsewhere: on the Mobilise-D window where both
#: accelerometer votes read the side-to-side axis (HA002's first straight walk: 63° and 71° off) it was 8°
#: off. Per step over all walks (benchmarks/forward_axis.py), weight 0 / 0.3 / 0.5 / 1 / 2: Mobilise-D median
#: 21.4 / 19.0 / 15.9 / 10.5 / 5.1°, IPOL 4.2 / 4.4 / 4.6 / 5.0 / 6.2° (p90 10.8 / 11.3 / 11.3 / 13.6 /
#: 14.5°); steps > 30° off 3 % (both sets) → 0 from 0.3 on. 0.5 trades 0.4° of IPOL's median for 5.5° of
#: Mobilise-D's. With a gyroscope the two rotation votes do that job, and adding this one there made
#: Mobilise-D worse (weight 1: 36 % of steps > 30° off).
PENDULUM_VOTE = 0.5


def _pendulum_vote(pendulum: np.ndarray, v_h: np.ndarray, z: np.ndarray) -> np.ndarray:
    """The horizontal direction whose speed rises and falls with the height once a step (the inverted
    pendulum: forward), as a rank-one vote weighted by :data:`PENDULUM_VOTE` × the correlation² of that
    speed with the height. v_h (3, N) band-passed horizontal speed, z (N,) height, both centred."""
    norm = float(np.linalg.norm(pendulum))
    if not norm > 0:
        return np.zeros((3, 3))
    axis = pendulum / norm
    r = norm / max(float(np.linalg.norm(axis @ v_h) * np.linalg.norm(z)), 1e-300)
    return PENDULUM_VOTE * r * r * np.outer(axis, axis)
