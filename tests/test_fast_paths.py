"""The faster forms of hot-path arithmetic give bit-for-bit the values of the plain forms they
replaced (the analysis must not change when it gets faster): row-wise dot products, per-segment
cumulative sums and detrending, and the step acceptor's sliding median windows."""
from __future__ import annotations

import random

import numpy as np
import pytest

from imu_gait.dsp.orientation import cross_rows, horizontal, row_dot
from imu_gait.dsp.segments import SEGMENT_COLUMNS_FROM, Segments
from imu_gait.dsp.steps import StepAcceptor, StepParams, _median


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 9, 100, 8193, 30000])
def test_row_dot_is_numpys_row_sum_bit_for_bit(n):
    rng = np.random.default_rng(n)
    u = rng.normal(size=(n, 3)) * 10.0 ** rng.integers(-4, 4, size=(n, 3))
    v = rng.normal(size=(n, 3))
    assert np.array_equal(row_dot(u, v), np.sum(u * v, axis=1))
    row = np.broadcast_to(rng.normal(size=3), v.shape)          # one vector against every row
    assert np.array_equal(row_dot(row, v), np.sum(row * v, axis=1))
    assert np.array_equal(horizontal(u, v), u - np.sum(u * v, axis=1, keepdims=True) * v)
    u0, u1, u2, v0, v1, v2 = u[:, 0], u[:, 1], u[:, 2], v[:, 0], v[:, 1], v[:, 2]
    assert np.array_equal(cross_rows(u, v), np.stack([u1 * v2 - u2 * v1, u2 * v0 - u0 * v2, u0 * v1 - u1 * v0], axis=1))


@pytest.mark.parametrize("n_segments", [1, 3, SEGMENT_COLUMNS_FROM - 1, SEGMENT_COLUMNS_FROM, 300])
def test_segment_cumsum_and_detrend_match_the_plain_formulas(n_segments):
    # (few segments: a cumsum along padded rows; many: one add per position down padded columns)
    rng = np.random.default_rng(n_segments)
    starts = np.sort(rng.integers(0, 5000, size=n_segments))
    segs = Segments.of(starts, starts + rng.integers(1, 120, size=starts.size))
    x = rng.normal(size=6000)[segs.idx]
    # each segment's own running sum (not one over all minus the sum before: that carried the rounding of the
    # segments gathered before it, which depend on a live stream's chunking — precision audit s36)
    plain = np.concatenate([np.cumsum(x[o:o + n]) for o, n in zip(segs.offsets, segs.lengths)])
    assert np.array_equal(segs.cumsum(x), plain)
    c = np.cumsum(x)
    np.testing.assert_allclose(segs.cumsum(x), c - np.repeat(np.concatenate([[0.0], c])[segs.offsets], segs.lengths),
                               rtol=0, atol=1e-12)          # the same sums, but for rounding
    for v in (x, plain):                                           # the cached fractions serve any series
        f, l = v[segs.offsets], v[segs.offsets + segs.lengths - 1]
        frac = segs.pos / np.maximum(segs.lengths - 1, 1)[segs.seg]
        assert np.array_equal(segs.detrend_ends(v), v - (f[segs.seg] + frac * (l - f)[segs.seg]))


def test_acceptor_sliding_windows_give_the_medians_of_the_last_nine_steps():
    """After every candidate the cached (step, stride, rise) medians equal the medians of the
    bout's last 9 peaks computed from scratch."""
    for seed in range(40):
        rng = random.Random(seed)
        acc = StepAcceptor(StepParams())
        t, step, checked = 1.0, rng.uniform(0.4, 1.0), 0
        for _ in range(300):
            t += step * rng.gauss(1.0, 0.04) if rng.random() > 0.05 else rng.uniform(0.1, 2.5)
            lag = 0.05 + rng.choice([0.0, 0.05, -0.05, rng.uniform(-0.04, 0.04)])
            acc.offer(t, t - lag, rng.choice([2.0, rng.uniform(0.2, 3.0)]))
            b = acc.bout
            if b is None:
                continue
            pk = b.peaks[-9:]
            want = (_median([y - x for x, y in zip(pk[:-1], pk[1:])]),
                    _median([y - x for x, y in zip(pk[:-2], pk[2:])]) if len(pk) >= 3 else None,
                    _median(b.rises[-9:]))
            got = acc._bout_stats()
            assert got[0] == want[0] and got[2] == want[2] and (want[1] is None or got[1] == want[1])
            checked += 1
        assert checked > 0
