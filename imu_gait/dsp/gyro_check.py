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

Turns test where the vertical rate sits, not the horizontal axes: a sign error of a horizontal axis,
or the two horizontal axes swapped, predicts nothing different while the trunk turns about the
vertical. Two more kinds of evidence judge those:

*Tilting* slowly outside gait — bending, sitting down, standing up, lying down — where the
accelerometer's one-second mean is gravity alone (calm: its samples within 1.5 m/s² rms of the mean,
≥ 1 s from any walking) and the gyro says the trunk tilted by ≥ 5° within one second (and turned
< 20° about the vertical). The gravity direction one second later is predicted from the integrated
rate, Δĝ ≈ ĝ × ∫ω dt; the statistic is the median of |observed Δĝ − predicted| / |horizontal ∫ω dt|:
again 0 for a perfect match, ~1 for a rotation the accelerometer does not see, ~2 for one seen
reversed. It sees signs and swaps of the axes the trunk tilted about — in daily life, not in a lab walk.

The *rhythm* of walking: the trunk pitches (about the side-to-side axis) twice per stride, once per
step, while it rolls (about the forward axis) and twists once per stride. The accelerometer names the
axes: forward is the horizontal axis of its step-periodic acceleration (as in .orientation), side to
side the one across it. Pairing each sample with the one a step later splits the rate about any
horizontal axis into a step-periodic part (the sum) and a stride-periodic part (the difference); the
gyro axis with the largest step-periodic share is its pitch axis, and the statistic is its angle from
the accelerometer's side-to-side axis in units of 90°: ~0 for a correct mapping, ~1 with the
horizontal axes swapped. It is judged over ≥ 10 s of walking on the trunk when the shares about the
two axes differ by ≥ 0.25 (else the rhythm does not tell the axes apart); it cannot see a sign.

Why not compare tilt with the accelerometer *during* walking (the trunk pitches and rolls by a few
degrees at every step)? Measured on the 64 real walks (benchmarks/gyro_check.py, last table): at step
and stride frequencies the accelerometer's direction follows the walker's own acceleration (1–3 m/s²,
against 0.3–0.7 m/s² of gravity from a 2–4° tilt), and in 10–40 s of lab walking the slow tilt is a
degree or less: a correct gyro's tilt change over one second correlated with the accelerometer's no
better than a wrong one's, so no limit separated them. Quiet standing is as weak (0.3–1° rms of
sway); starting, stopping and turning on the spot are not calm (a correct gyro scored up to 1.1
there), hence the gap to walking.

What it cannot see: a sign error of the vertical axis alone (it turns gravity about itself), and a
horizontal sign error without a bend, sit or stand-up in the recording (a lab walk, a treadmill); with
none of the three kinds of evidence nothing is said. Running is not judged: its one-second mean
acceleration is not gravity alone (correct synthetic runs scored 0.45–0.61, walks 0.09–0.21), no
real run with a gyroscope was at hand to set a limit of its own, and its rhythm is another.

Cost, all three kinds together: 13 ms per hour of 100-Hz walking (the turns alone: 12 ms; a synthetic
hour, six walks, timed through engine.gyro_mapping_verdict) — the windows are shared, the rhythm uses
at most RHYTHM_MAX_PAIRS sample pairs however long the walking.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

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
#: mismatch above which the mapping is called wrong, for every kind of evidence. Measured first on the
#: turns (benchmarks/gyro_check.py: the 25 real walks with gyros and ≥ 2 s of turning, IPOL and
#: Mobilise-D): correct mappings 0.09–0.21 (≤ 0.33 in shorter trials not judged); the vertical rate
#: moved to a horizontal axis 0.48–1.11, 98.8 % over 0.6. Set at 0.6 — about three times the largest
#: correct value — so a correct gyro is not dropped; a wrong mapping between 0.2 and 0.6 goes unnoticed.
#: Correct mappings on the same recordings: tilting ≤ 0.26 (0.21 once the still offset was taken out), rhythm ≤ 0.35 (MATCHING_MAX_BY_KIND). (Tilting
#: was ≤ 0.19 until HA002's rhythmless 'walk' at 143.5–156.6 s was taken back, 2026-12-04: its bent-over
#: task became tilting evidence, 1.6 → 2.4 s, and that correct mapping reads 0.26.)
MISMATCH_LIMIT = 0.6
#: the largest mismatch of a correctly mapped gyro in those walks (for messages)
MATCHING_MAX_MEASURED = 0.23

#: slow tilting outside gait: gravity compared between one-second means this far apart
TILT_LAG_S = 1.0
#: calm: rms deviation of the samples from their one-second mean acceleration, m/s² (in the real
#: recordings of benchmarks/gyro_check.py: walking 1.4–4.1, 5th–95th percentile; ≥ 1 s away from
#: walking a median 0.08, 95th percentile 0.8)
CALM_MPS2 = 1.5
#: the gyro's tilt (rotation about a horizontal axis) over the lag at least this, rad (5°) …
TILT_MIN_RAD = float(np.radians(5.0))
#: … while it turned less than this about the vertical, rad (20°): turning on the spot is not calm
TILT_MAX_TURN_RAD = float(np.radians(20.0))
#: moments this close to walking or running (s) are left out: starting and stopping lean the trunk
#: while the walker's own acceleration tilts the accelerometer's mean
GAIT_GAP_S = 1.0
#: at least this many seconds of tilting moments (about one bend, sit-down or stand-up) before judging
MIN_TILTING_S = 1.0

#: still: rms deviation of the samples from their one-second mean acceleration below this, m/s² (0.02 g:
#: standing, sitting, the sensor put down — quiet standing sways by ~0.01 g) …
STILL_MPS2 = 0.2
#: … for at least this many seconds in all: then the gyro's median over those seconds is its offset, taken
#: out before judging. A MEMS gyro's uncalibrated offset is often 1–5 °/s; at 4 °/s a second's integral
#: made a calm stretch look like a 5° tilt the accelerometer did not see, and a correctly mapped gyro was
#: left out as 'axes do not match' (found by review; synthetic walk with 4–5 °/s of offset: mismatch 1.00)
STILL_MIN_S = 3.0

#: the walking rhythm: a run of walking is used when it has at least this many steps …
RHYTHM_MIN_STEPS = 6
#: … and every this many seconds a sample is paired with the ones half a step, a step and one and a
#: half steps later (exact pairs; a pair every 0.05 s or 0.2 s judged the real walks alike)
RHYTHM_STEP_S = 0.1
#: … at most this many pairs, spread evenly over all the walking (10 min at RHYTHM_STEP_S)
RHYTHM_MAX_PAIRS = 6000
#: judged when the step-periodic shares about the two horizontal axes differ by at least this …
RHYTHM_MIN_CONTRAST = 0.25
#: … over at least this many seconds of walking
MIN_RHYTHM_WALKING_S = 10.0

#: the largest mismatch of a correctly mapped gyro, per kind of evidence, on the real recordings of
#: benchmarks/gyro_check.py (for messages; measured again 2026-12-06, with the still offset taken out and
#: the day's step and metric changes: turns 0.21 → 0.23, tilting 0.26 → 0.21)
MATCHING_MAX_BY_KIND = {"turns": MATCHING_MAX_MEASURED, "tilting": 0.21, "rhythm": 0.35}


@dataclass(frozen=True)
class GyroAxisCheck:
    """Result of :func:`gyro_axis_mismatch`: the mismatch of each kind of evidence — the walker's turns,
    slow tilting outside gait, the rhythm of walking — (NaN when not measured) with what it rests on.
    ``mismatch`` is the largest of the judged ones (NaN when none was judged)."""

    turn_mismatch: float
    turning_s: float
    tilt_mismatch: float = float("nan")
    tilting_s: float = 0.0
    rhythm_mismatch: float = float("nan")
    rhythm_walking_s: float = 0.0
    rhythm_contrast: float = 0.0

    @property
    def turn_judged(self) -> bool:
        return self.turning_s >= MIN_TURNING_S and bool(np.isfinite(self.turn_mismatch))

    @property
    def tilt_judged(self) -> bool:
        return self.tilting_s >= MIN_TILTING_S and bool(np.isfinite(self.tilt_mismatch))

    @property
    def rhythm_judged(self) -> bool:
        return (self.rhythm_walking_s >= MIN_RHYTHM_WALKING_S and self.rhythm_contrast >= RHYTHM_MIN_CONTRAST
                and bool(np.isfinite(self.rhythm_mismatch)))

    def _judged_parts(self) -> list[tuple[float, str, str]]:
        """(mismatch, kind, the evidence in words) of each judged kind."""
        parts = ((self.turn_mismatch, self.turn_judged, "turns", f"{self.turning_s:.0f} s of turning while walking"),
                 (self.tilt_mismatch, self.tilt_judged, "tilting",
                  f"{self.tilting_s:.0f} s of bending, sitting down or standing up"),
                 (self.rhythm_mismatch, self.rhythm_judged, "rhythm",
                  f"{self.rhythm_walking_s:.0f} s of walking (the trunk's pitching and rolling at each step)"))
        return [(v, kind, words) for v, ok, kind, words in parts if ok]

    @property
    def judged(self) -> bool:
        return bool(self._judged_parts())

    @property
    def mismatch(self) -> float:
        parts = self._judged_parts()
        return max(v for v, _, _ in parts) if parts else float("nan")

    @property
    def wrong(self) -> bool:
        # on the value the summary keeps (3 decimals), so reports reading it agree with the decision
        return self.judged and round(self.mismatch, 3) > MISMATCH_LIMIT

    @property
    def evidence(self) -> str:
        """What the verdict rests on, in words, for messages: the judged kind with the largest mismatch
        ('' when none was judged)."""
        parts = self._judged_parts()
        return max(parts, key=lambda p: p[0])[2] if parts else ""

    @property
    def pitch_axis_only(self) -> bool:
        """Judged by the walking rhythm alone: that finds the axis the trunk pitches about (a swap with the
        side-to-side axis), but not the vertical and forward axes swapped or a sign reversed on them."""
        return self.rhythm_judged and not (self.turn_judged or self.tilt_judged)

    @property
    def evidence_kind(self) -> str:
        """'turns' | 'tilting' | 'rhythm': the judged kind with the largest mismatch ('' when none)."""
        parts = self._judged_parts()
        return max(parts, key=lambda p: p[0])[1] if parts else ""


def _block_sums(x: np.ndarray, block: int) -> np.ndarray:
    """Sums of x (N, k) over consecutive blocks of ``block`` samples (the last partial block dropped)."""
    m = x.shape[0] // block
    # einsum sums the blocks ~5× faster than .sum(axis=1) on this (m, block, k) shape
    return np.einsum("ijk->ik", x[:m * block].reshape(m, block, x.shape[1]))


def _window_means(x: np.ndarray, block: int, n_blocks: int) -> np.ndarray:
    """Means of x (N, k) over windows of ``n_blocks`` consecutive blocks of ``block`` samples, one
    window per block start: row j covers samples [j·block, (j + n_blocks)·block). Summing blocks first
    keeps the running sum short (a cumsum over every sample cost most of this check)."""
    return _means_of_blocks(_block_sums(x, block), block, n_blocks)


def _means_of_blocks(sums: np.ndarray, block: int, n_blocks: int) -> np.ndarray:
    """:func:`_window_means` from the block sums (m, k)."""
    cum = np.cumsum(sums, axis=0)
    total = cum[n_blocks - 1:].copy()
    total[1:] -= cum[:cum.shape[0] - n_blocks]
    return total / (block * n_blocks)


@dataclass(frozen=True)
class _Windows:
    """One-second means every STEP_S of the acceleration, |acceleration|² and rate, and the rate's
    block sums: computed once for the turns and the tilting."""

    block: int
    n_blocks: int
    acc: np.ndarray          # (M, 3) window means
    acc_sq: np.ndarray       # (M,) window means of |acc|²
    gyro: np.ndarray         # (M, 3) window means
    gyro_blocks: np.ndarray  # (m, 3) block sums


def _windows(acc_mps2: np.ndarray, gyro_rads: np.ndarray, fs_hz: float) -> _Windows | None:
    block = max(int(round(STEP_S * fs_hz)), 1)
    n_blocks = max(int(round(MEAN_WINDOW_S / STEP_S)), 1)
    m = acc_mps2.shape[0] // block
    if m <= n_blocks + max(int(round(TILT_LAG_S / STEP_S)), 1) + 2:
        return None
    blocks = acc_mps2[:m * block].reshape(m, block, 3)
    gyro_blocks = _block_sums(gyro_rads, block)
    return _Windows(block, n_blocks, _means_of_blocks(np.einsum("ijk->ik", blocks), block, n_blocks),
                    _means_of_blocks(np.einsum("ijk,ijk->i", blocks, blocks)[:, None], block, n_blocks)[:, 0],
                    _means_of_blocks(gyro_blocks, block, n_blocks), gyro_blocks)


def still_offset_rads(win: _Windows) -> np.ndarray | None:
    """The gyro's reading while the sensor is still (rad/s, 3 axes: the median of the one-second means
    whose acceleration deviates from its mean by under :data:`STILL_MPS2` rms), or None with under
    :data:`STILL_MIN_S` of such time. The rhythm check needs none: it pairs samples a step apart."""
    dev_sq = win.acc_sq - np.einsum("ij,ij->i", win.acc, win.acc)       # the window's variance, summed over axes
    still = dev_sq < STILL_MPS2 ** 2
    if still.sum() * STEP_S < STILL_MIN_S:
        return None
    return np.median(win.gyro[still], axis=0)


def without_still_offset(win: _Windows) -> _Windows:
    """The windows with :func:`still_offset_rads` taken out of the rates (unchanged without one)."""
    offset = still_offset_rads(win)
    if offset is None:
        return win
    return replace(win, gyro=win.gyro - offset, gyro_blocks=win.gyro_blocks - offset * win.block)


def gyro_axis_mismatch(time_s: np.ndarray, acc_mps2: np.ndarray, gyro_rads: np.ndarray, fs_hz: float,
                       walking_spans_s: np.ndarray | None = None,
                       gait_spans_s: np.ndarray | None = None,
                       contacts_s: np.ndarray | None = None) -> GyroAxisCheck:
    """How far the gyroscope's rotation disagrees with the accelerometer's gravity (see the module).

    time_s (N,), acc_mps2 (N, 3) with gravity, gyro_rads (N, 3) on the same sensor axes; fs_hz the
    (nominal) sample rate; walking_spans_s (B, 2): turns are judged only inside these [start, end]
    times, sorted and not overlapping (None: everywhere); gait_spans_s (B', 2), sorted: walking *and*
    running, kept ≥ GAIT_GAP_S away from the tilting moments (None: walking_spans_s); contacts_s: the
    walking contacts inside walking_spans_s, for the rhythm of walking (None: not judged — give None for
    a sensor off the trunk, whose rotations have another rhythm)."""
    rhythm = (float("nan"), 0.0, 0.0)
    if contacts_s is not None and walking_spans_s is not None:
        rhythm = pitch_axis_mismatch(time_s, acc_mps2, gyro_rads, fs_hz, walking_spans_s, contacts_s)
    win = _windows(acc_mps2, gyro_rads, fs_hz)
    if win is None:
        return GyroAxisCheck(float("nan"), 0.0, float("nan"), 0.0, *rhythm)
    win = without_still_offset(win)
    t = time_s[np.arange(win.acc.shape[0]) * win.block + (win.block * win.n_blocks) // 2]   # window centres
    turn = _turn_mismatch(win, t, walking_spans_s)
    tilt = _tilt_mismatch(win, t, fs_hz, walking_spans_s if gait_spans_s is None else gait_spans_s)
    return GyroAxisCheck(*turn, *tilt, *rhythm)


def _turn_mismatch(win: _Windows, t: np.ndarray, walking_spans_s: np.ndarray | None) -> tuple[float, float]:
    """(mismatch, seconds judged) over the walker's turns (see the module); t: the windows' centres."""
    w = win.gyro
    rate = np.sqrt(np.einsum("ij,ij->i", w, w))
    mid_rate = 0.5 * (rate[1:] + rate[:-1])
    # pairs of neighbouring windows (a block apart) turning at a judged rate: few, so the rest works on them
    j = np.flatnonzero((mid_rate > RATE_RANGE_RADS[0]) & (mid_rate < RATE_RANGE_RADS[1]))
    if walking_spans_s is not None and j.size:
        spans = np.asarray(walking_spans_s, dtype=float).reshape(-1, 2)
        if not spans.size:
            return float("nan"), 0.0
        k = np.searchsorted(spans[:, 0], t, side="right") - 1
        inside = (k >= 0) & (t <= spans[np.maximum(k, 0), 1])
        j = j[inside[j] & inside[j + 1]]
    if not j.size:
        return float("nan"), 0.0
    a0, a1 = win.acc[j], win.acc[j + 1]
    n0 = np.sqrt(np.einsum("ij,ij->i", a0, a0))
    n1 = np.sqrt(np.einsum("ij,ij->i", a1, a1))
    j_ok = np.abs(0.5 * (n0 + n1) - G) < G_TOLERANCE * G
    turning_s = float(j_ok.sum() * STEP_S)
    if not j_ok.any():
        return float("nan"), turning_s
    g0 = a0[j_ok] / np.maximum(n0[j_ok], 1e-9)[:, None]
    g1 = a1[j_ok] / np.maximum(n1[j_ok], 1e-9)[:, None]
    jj = j[j_ok]
    d_obs = (g1 - g0) / np.maximum(t[jj + 1] - t[jj], 1e-9)[:, None]       # observed dĝ/dt
    pred = -np.cross(0.5 * (w[jj] + w[jj + 1]), 0.5 * (g0 + g1))            # −ω × ĝ
    err = np.sqrt(np.sum((d_obs - pred) ** 2, axis=1)) / mid_rate[jj]
    return float(np.median(err)), turning_s


def _near(t0: np.ndarray, t1: np.ndarray, spans: np.ndarray, gap_s: float) -> np.ndarray:
    """Whether [t0 − gap, t1 + gap] overlaps any of the sorted, non-overlapping spans (B, 2)."""
    if not spans.size:
        return np.zeros(t0.size, bool)
    k = np.searchsorted(spans[:, 0], t1 + gap_s, side="right") - 1
    return (k >= 0) & (spans[np.maximum(k, 0), 1] >= t0 - gap_s)


def tilt_mismatch(time_s: np.ndarray, acc_mps2: np.ndarray, gyro_rads: np.ndarray, fs_hz: float,
                  gait_spans_s: np.ndarray | None = None) -> tuple[float, float]:
    """(mismatch, seconds judged) over slow tilting outside gait (see the module): the median over the
    moments of |observed Δĝ − ĝ × ∫ω dt| / |horizontal ∫ω dt| between one-second means TILT_LAG_S apart.

    Same arguments as :func:`gyro_axis_mismatch`; gait_spans_s (B, 2) sorted [start, end] times of
    walking and running (None: no gait in the recording)."""
    win = _windows(acc_mps2, gyro_rads, fs_hz)
    if win is None:
        return float("nan"), 0.0
    win = without_still_offset(win)
    t = time_s[np.arange(win.acc.shape[0]) * win.block + (win.block * win.n_blocks) // 2]
    return _tilt_mismatch(win, t, fs_hz, gait_spans_s)


def _tilt_mismatch(win: _Windows, t: np.ndarray, fs_hz: float, gait_spans_s: np.ndarray | None) -> tuple[float, float]:
    lag = max(int(round(TILT_LAG_S / STEP_S)), 1)
    a = win.acc
    norm2 = np.einsum("ij,ij->i", a, a)
    motion = np.sqrt(np.maximum(win.acc_sq - norm2, 0.0))    # rms deviation from the window's mean
    norm = np.sqrt(norm2)
    calm = (motion < CALM_MPS2) & (np.abs(norm - G) < G_TOLERANCE * G)
    k = np.flatnonzero(calm[:-lag] & calm[lag:])               # pairs (k, k + lag), both calm
    if k.size and gait_spans_s is not None:
        spans = np.asarray(gait_spans_s, dtype=float).reshape(-1, 2)
        half = 0.5 * MEAN_WINDOW_S
        k = k[~_near(t[k] - half, t[k + lag] + half, spans, GAIT_GAP_S)]
    if not k.size:
        return float("nan"), 0.0
    # the rate integrated from one window's centre to the other's, from block sums (no per-sample cumsum)
    cum = np.vstack([np.zeros((1, 3)), np.cumsum(win.gyro_blocks, axis=0)]) / fs_hz
    half_b = win.n_blocks // 2
    theta = cum[k + half_b + lag] - cum[k + half_b]                # rad, sensor axes
    g0 = a[k] / norm[k, None]
    g1 = a[k + lag] / norm[k + lag, None]
    gm = g0 + g1
    gm /= np.sqrt(np.einsum("ij,ij->i", gm, gm))[:, None]
    turn = np.einsum("ij,ij->i", theta, gm)
    tilt_vec = theta - turn[:, None] * gm
    tilt = np.sqrt(np.einsum("ij,ij->i", tilt_vec, tilt_vec))
    use = (tilt > TILT_MIN_RAD) & (np.abs(turn) < TILT_MAX_TURN_RAD)
    tilting_s = float(use.sum() * STEP_S)
    if not use.any():
        return float("nan"), tilting_s
    d = (g1[use] - g0[use]) - np.cross(gm[use], theta[use])     # observed − predicted Δĝ
    return float(np.median(np.sqrt(np.einsum("ij,ij->i", d, d)) / tilt[use])), tilting_s


def pitch_axis_mismatch(time_s: np.ndarray, acc_mps2: np.ndarray, gyro_rads: np.ndarray, fs_hz: float,
                        walking_spans_s: np.ndarray, contacts_s: np.ndarray) -> tuple[float, float, float]:
    """(mismatch, seconds of walking used, contrast) from the rhythm of the trunk's rotations while
    walking (see the module): the angle, in units of 90°, between the horizontal gyro axis whose rate
    repeats every *step* most and the accelerometer's side-to-side axis.

    walking_spans_s (B, 2): sorted [first, last] contact times of each run of walking; contacts_s:
    the walking contacts (their count per span gives its step period). Contrast: the step-periodic
    share of the rate about that axis minus the share about the one across it (0–1; a small one
    means the rhythm does not tell the axes apart, and then the mismatch says nothing)."""
    nan3 = (float("nan"), 0.0, 0.0)
    spans = np.asarray(walking_spans_s, dtype=float).reshape(-1, 2)
    contacts = np.sort(np.asarray(contacts_s, dtype=float))
    if not spans.size or contacts.size < 2:
        return nan3
    n_c = np.searchsorted(contacts, spans[:, 1], side="right") - np.searchsorted(contacts, spans[:, 0])
    lag = np.round((spans[:, 1] - spans[:, 0]) / np.maximum(n_c - 1, 1) * fs_hz).astype(int)   # samples/step
    i0 = np.searchsorted(time_s, spans[:, 0])
    i1 = np.searchsorted(time_s, spans[:, 1], side="right")
    # each sample t is used with the ones half a step (h), one step and one and a half steps later
    half = lag // 2
    n_pairs = np.maximum(i1 - i0 - lag - half, 0)
    ok = (n_c >= RHYTHM_MIN_STEPS) & (lag >= 2) & (n_pairs > 0)
    if not ok.any():
        return nan3
    i0, lag, half, n_pairs = i0[ok], lag[ok], half[ok], n_pairs[ok]
    walking_s = float(n_pairs.sum() / fs_hz)
    # a t every RHYTHM_STEP_S — or sparser, evenly, beyond RHYTHM_MAX_PAIRS: the cost stays flat
    # however long the walking
    stride = max(int(round(RHYTHM_STEP_S * fs_hz)), 1, int(np.ceil(n_pairs.sum() / RHYTHM_MAX_PAIRS)))
    counts = (n_pairs + stride - 1) // stride
    span_of = np.repeat(np.arange(counts.size), counts)
    first = np.cumsum(counts) - counts
    t_idx = i0[span_of] + (np.arange(counts.sum()) - first[span_of]) * stride
    l_idx, h_idx = t_idx + lag[span_of], t_idx + half[span_of]
    lh_idx = l_idx + half[span_of]

    def step_periodic(x: np.ndarray) -> np.ndarray:
        # x(t) + x(t + step) keeps what repeats every step and cancels what alternates every stride;
        # minus the same half a step later cancels the slow part too (a turn's steady centripetal
        # acceleration, a lean into it), which would otherwise pass for the step rhythm
        return 0.5 * (x[t_idx] + x[l_idx] - x[h_idx] - x[lh_idx])

    # per span: up (mean acceleration) and forward (the horizontal axis of the step-periodic acceleration)
    up = np.add.reduceat(acc_mps2[t_idx], first, axis=0)
    up /= np.sqrt(np.einsum("ij,ij->i", up, up))[:, None]
    a_even = step_periodic(acc_mps2)
    cov = np.add.reduceat(np.einsum("ni,nj->nij", a_even, a_even).reshape(-1, 9), first, axis=0).reshape(-1, 3, 3)
    proj = np.eye(3) - np.einsum("si,sj->sij", up, up)                # onto each span's horizontal plane
    ap = np.linalg.eigh(proj @ cov @ proj)[1][:, :, -1]
    ap -= np.einsum("ij,ij->i", ap, up)[:, None] * up
    ap /= np.sqrt(np.einsum("ij,ij->i", ap, ap))[:, None]
    ml = np.cross(up, ap)
    # the rate about forward and side-to-side: its step-periodic (pitch-like) and stride-periodic
    # (roll-like: x(t) − x(t + step)) parts, both twice a pure rhythm's amplitude
    basis = np.stack([ap, ml], axis=1)[span_of]                       # (n, 2, 3)
    even = np.einsum("nkj,nj->nk", basis, step_periodic(gyro_rads))
    odd = np.einsum("nkj,nj->nk", basis, gyro_rads[t_idx] - gyro_rads[l_idx])
    c_even = even.T @ even
    c_all = c_even + odd.T @ odd
    if np.linalg.det(c_all) <= 0:
        return nan3
    # the axis with the largest step-periodic share: the top eigenvector of c_all⁻¹ c_even
    vals, vecs = np.linalg.eig(np.linalg.solve(c_all, c_even))
    vals, vecs = vals.real, vecs.real
    v = vecs[:, np.argmax(vals)]
    angle = np.arctan2(abs(v[0]), abs(v[1]))                       # from side-to-side (ML), rad
    return float(angle / (np.pi / 2)), walking_s, float(vals.max() - vals.min())
