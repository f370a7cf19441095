"""Does the gyroscope turn the way the accelerometer does? A check of the axis mapping.

A gyroscope whose axes are not the accelerometer's (a column mix-up in a generic CSV: x and z
swapped, the vertical rate on a horizontal axis) still gives plausible-looking numbers, and the
engine uses it for 'up' between steps — so steps, bounce, lean and sway come out wrong without a
word. Measured on mobgap HA/001's daily-activities recording with its gyro's x and z swapped:
74 steps instead of 97, lean −12° instead of +3°, sway 9.2 instead of 6.0 cm.

Physics: gravity is fixed in the world, so in sensor axes it turns against the sensor,
dĝ/dt = −ω × ĝ. Over one-second means (about a stride) the step-periodic accelerations of walking
largely cancel and the mean acceleration points up, ĝ. During a sustained turn of the walker (a
one-second mean rate of 30–140 °/s) a correctly mapped rate is about ĝ and ĝ stays put — both sides
of the equation are ~0. With the vertical rate on a horizontal axis the gyro says gravity should
sweep at the turning rate while the accelerometer sees it still; while someone bends or sits down
(rotation about a horizontal axis) a wrong axis or sign predicts the wrong sweep. The statistic is
the median, over such moments inside walking, of |observed dĝ/dt − predicted| / |ω̄|: 0 for a
perfect match, ~1 when the gyro's rotation is not seen by the accelerometer at all.

What it cannot see: a sign error of the vertical axis alone, or of the horizontal axes during a walk
without bending (the turns are about the vertical); a walk without turns (a treadmill) gives no
moments to judge, and then nothing is said. Running is not judged: its one-second mean acceleration
is not gravity alone (correct synthetic runs scored 0.45–0.61, walks 0.09–0.21), and no real run
with a gyroscope was at hand to set a limit of its own.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..recording import G

#: the one-second means (about one stride: the step-periodic accelerations cancel)
MEAN_WINDOW_S = 1.0
#: judged every this many seconds (the one-second means change slowly; every sample would cost 10× more)
STEP_S = 0.1
#: sustained rates judged, rad/s (30–140 °/s): a walker's turns; faster is not walking, and the
#: one-second mean of the acceleration no longer points up
RATE_RANGE_RADS = (0.5, 2.5)
#: the one-second mean acceleration within this fraction of g: not a jump, a fall or a shake
G_TOLERANCE = 0.05
#: at least this many seconds of such moments before judging
MIN_TURNING_S = 2.0
#: mismatch above which the mapping is called wrong. Measured (benchmarks/gyro_check.py: the 25 real
#: walks with gyros and ≥ 2 s of turning, IPOL and Mobilise-D): correct mappings 0.09–0.21 (≤ 0.33 in
#: shorter trials not judged); the vertical rate moved to a horizontal axis 0.48–1.11, 98.8 % over
#: 0.6. Set at 0.6 — about three times the largest correct value — so a correct gyro is not dropped;
#: a wrong mapping between 0.2 and 0.6 goes unnoticed.
MISMATCH_LIMIT = 0.6
#: the largest mismatch of a correctly mapped gyro in those walks (for messages)
MATCHING_MAX_MEASURED = 0.21


@dataclass(frozen=True)
class GyroAxisCheck:
    """Result of :func:`gyro_axis_mismatch`: ``mismatch`` (NaN when nothing could be judged) and the
    seconds of turning it rests on."""

    mismatch: float
    turning_s: float

    @property
    def judged(self) -> bool:
        return self.turning_s >= MIN_TURNING_S and np.isfinite(self.mismatch)

    @property
    def wrong(self) -> bool:
        # on the value the summary keeps (3 decimals), so reports reading it agree with the decision
        return self.judged and round(self.mismatch, 3) > MISMATCH_LIMIT


def _window_means(x: np.ndarray, block: int, n_blocks: int) -> np.ndarray:
    """Means of x (N, 3) over windows of ``n_blocks`` consecutive blocks of ``block`` samples, one
    window per block start: row j covers samples [j·block, (j + n_blocks)·block). Summing blocks first
    keeps the running sum short (a cumsum over every sample cost most of this check)."""
    m = x.shape[0] // block
    # einsum sums the blocks ~5× faster than .sum(axis=1) on this (m, block, 3) shape
    sums = np.cumsum(np.einsum("ijk->ik", x[:m * block].reshape(m, block, x.shape[1])), axis=0)
    total = sums[n_blocks - 1:].copy()
    total[1:] -= sums[:m - n_blocks]
    return total / (block * n_blocks)


def gyro_axis_mismatch(time_s: np.ndarray, acc_mps2: np.ndarray, gyro_rads: np.ndarray, fs_hz: float,
                       walking_spans_s: np.ndarray | None = None) -> GyroAxisCheck:
    """How far the gyroscope's rotation disagrees with the accelerometer's gravity (see the module).

    time_s (N,), acc_mps2 (N, 3) with gravity, gyro_rads (N, 3) on the same sensor axes; fs_hz the
    (nominal) sample rate; walking_spans_s (B, 2): judge only inside these [start, end] times, sorted
    and not overlapping (None: everywhere)."""
    block = max(int(round(STEP_S * fs_hz)), 1)
    n_blocks = max(int(round(MEAN_WINDOW_S / STEP_S)), 1)
    if time_s.size // block <= n_blocks + 2:
        return GyroAxisCheck(float("nan"), 0.0)
    w = _window_means(gyro_rads, block, n_blocks)
    rate = np.sqrt(np.einsum("ij,ij->i", w, w))
    mid_rate = 0.5 * (rate[1:] + rate[:-1])
    # pairs of neighbouring windows (a block apart) turning at a judged rate: few, so the rest works on them
    j = np.flatnonzero((mid_rate > RATE_RANGE_RADS[0]) & (mid_rate < RATE_RANGE_RADS[1]))
    t = time_s[np.arange(w.shape[0]) * block + (block * n_blocks) // 2]        # each window's centre
    if walking_spans_s is not None and j.size:
        spans = np.asarray(walking_spans_s, dtype=float).reshape(-1, 2)
        if not spans.size:
            return GyroAxisCheck(float("nan"), 0.0)
        k = np.searchsorted(spans[:, 0], t, side="right") - 1
        inside = (k >= 0) & (t <= spans[np.maximum(k, 0), 1])
        j = j[inside[j] & inside[j + 1]]
    if not j.size:
        return GyroAxisCheck(float("nan"), 0.0)
    a = _window_means(acc_mps2, block, n_blocks)
    a0, a1 = a[j], a[j + 1]
    n0 = np.sqrt(np.einsum("ij,ij->i", a0, a0))
    n1 = np.sqrt(np.einsum("ij,ij->i", a1, a1))
    j_ok = np.abs(0.5 * (n0 + n1) - G) < G_TOLERANCE * G
    turning_s = float(j_ok.sum() * block / fs_hz)
    if not j_ok.any():
        return GyroAxisCheck(float("nan"), turning_s)
    g0 = a0[j_ok] / np.maximum(n0[j_ok], 1e-9)[:, None]
    g1 = a1[j_ok] / np.maximum(n1[j_ok], 1e-9)[:, None]
    jj = j[j_ok]
    d_obs = (g1 - g0) / np.maximum(t[jj + 1] - t[jj], 1e-9)[:, None]       # observed dĝ/dt
    pred = -np.cross(0.5 * (w[jj] + w[jj + 1]), 0.5 * (g0 + g1))            # −ω × ĝ
    err = np.sqrt(np.sum((d_obs - pred) ** 2, axis=1)) / mid_rate[jj]
    return GyroAxisCheck(float(np.median(err)), turning_s)
