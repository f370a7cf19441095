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


def test_start_check_takes_the_stride_median_once_and_it_is_the_medians():
    """The start of a bout is steady (_steady) and periodic (_periodic, a regularity at the median stride
    lag): the median stride is computed once, in _steady, and handed on — the lag asked is the median of
    the candidates' strides, as _periodic computed it again before."""
    lags: list[tuple[float, float]] = []
    k = StepParams().min_bout_steps
    for seed in range(30):
        rng = random.Random(seed)
        # (asked with no bout open: the start check; within a bout the half-rhythm check asks other lags)
        acc = StepAcceptor(StepParams(), regularity=lambda t0, t1, lag: (acc.bout is None and lags.append(
            (lag, want[0]))) or 1.0)
        t, step = 1.0, rng.uniform(0.4, 1.0)
        want = [float("nan")]
        for _ in range(60):
            t += step * rng.gauss(1.0, 0.03) if rng.random() > 0.1 else rng.uniform(0.1, 2.5)
            pend = [c[0] for c in acc.pending[-(k - 1):]] + [t]
            want[0] = float(np.median(np.asarray(pend[2:]) - np.asarray(pend[:-2]))) if len(pend) >= 3 else -1.0
            acc.offer(t, t - 0.05, rng.choice([2.0, rng.uniform(1.5, 3.0)]))
        pk = [1.0 + 0.55 * i + rng.uniform(-0.01, 0.01) for i in range(k)]
        assert acc._steady(pk) == float(np.median(np.asarray(pk[2:]) - np.asarray(pk[:-2])))
        assert acc._steady([1.0 + 0.55 * i * (1 + (i == 3)) for i in range(k)]) is None
    assert len(lags) > 50 and all(lag == w for lag, w in lags)


def _plain_on_samples(x: np.ndarray, tt: np.ndarray, dt: float) -> np.ndarray:
    """resample._on_samples as a search per point (the form its on-grid shortcut must equal)."""
    from imu_gait.dsp.resample import _snap_tol
    if tt.size == 1:
        near = np.full(x.shape, tt[0])
    else:
        j = np.clip(np.searchsorted(tt, x), 1, tt.size - 1)
        near = np.where(x - tt[j - 1] <= tt[j] - x, tt[j - 1], tt[j])
    return np.where(np.abs(x - near) <= _snap_tol(dt, near), near, x)


def _plain_grid(t: np.ndarray, v: np.ndarray, fs: float, chunk: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """StreamResampler's grid values with np.interp of every channel at every grid point (no shortcut)."""
    from unittest import mock

    import imu_gait.dsp.resample as rs_mod
    with mock.patch.object(rs_mod, "_near_run", lambda x, tt, dt: None), \
            mock.patch.object(rs_mod, "_run_of_samples", lambda x, tt: None):
        rs = rs_mod.StreamResampler(fs)
        return [(c.time_s, c.values) for i in range(0, t.size, chunk) for c in rs.feed(t[i:i + chunk], v[i:i + chunk])]


@pytest.mark.parametrize("case", ["on_grid", "unix_clock", "rounding_off_grid", "off_grid", "jitter", "repeat_last",
                                  "near_duplicate"])
@pytest.mark.parametrize("chunk", [1, 7, 250, 100_000])
def test_resampler_on_grid_shortcuts_equal_the_interpolation_bit_for_bit(case, chunk):
    """Samples already on the grid are taken as they are (no search per grid point, no np.interp): the values,
    times and segment breaks are exactly those of the search and the interpolation, in any chunking; times off
    the grid, jittered, repeated or within rounding of each other take the general path."""
    from imu_gait.dsp.resample import StreamResampler, _on_samples
    rng = np.random.default_rng(5)
    n = 1500
    t = np.arange(n) / 100.0
    if case == "unix_clock":
        t = 1.7e9 + t
    elif case == "rounding_off_grid":
        t = np.array([k * 0.01 + (np.spacing(k * 0.01) if k % 3 else 0.0) for k in range(n)])
    elif case == "off_grid":
        t = t + 0.0037
    elif case == "jitter":
        t = t + rng.uniform(-0.002, 0.002, n)
        t.sort()
    elif case == "repeat_last":
        t[700] = t[699]                                   # a repeated time: np.interp takes the later sample
    elif case == "near_duplicate":
        t[700] = t[699] + 1e-13
    v = rng.standard_normal((n, 6))
    v[::97] = -0.0
    rs = StreamResampler(100.0)
    fast = [(c.time_s, c.values) for i in range(0, n, chunk) for c in rs.feed(t[i:i + chunk], v[i:i + chunk])]
    plain = _plain_grid(t, v, 100.0, chunk)
    assert len(fast) == len(plain)
    for (tf, vf), (tp, vp) in zip(fast, plain):
        assert tf.tobytes() == tp.tobytes() and vf.tobytes() == vp.tobytes()
    for x in (np.arange(3, 900) / 100.0 + (1.7e9 if case == "unix_clock" else 0.0), t[10:800], t[10:800] + 1e-12):
        assert _on_samples(x, t, 0.01).tobytes() == _plain_on_samples(x, t, 0.01).tobytes()


@pytest.mark.parametrize("fault", ["none", "stuck_acc_axis", "stuck_gyro_axis", "gyro_too_slow", "dead_gyro",
                                   "spikes"])
def test_shared_window_variance_gives_the_checks_own_verdicts(fault):
    """Recording.validated computes the accelerometer's 1-s windows' variance once for stuck_axes, stuck_gyro_axes
    and walking_rotation_rads (acc_var): each gives what it gives computing its own, and validated's warnings,
    samples and refusals are those of the checks run on their own (a despiked acc gets its own windows)."""
    from imu_gait import recording as R
    from imu_gait.synthetic import synthesize_walk
    rec, _ = synthesize_walk(120, seed=2)
    t, acc, gyro = rec.time_s, rec.acc_mps2.copy(), rec.gyro_rads.copy()
    if fault == "stuck_acc_axis":
        acc[:, 1] = -19.6133
    elif fault == "stuck_gyro_axis":
        gyro[:, 2] = 0.05
    elif fault == "gyro_too_slow":
        gyro = gyro / 57.3
    elif fault == "dead_gyro":
        gyro[:] = 0.0
    elif fault == "spikes":
        acc[[500, 4000], 0] = 50 * R.G
    var = R._window_variance(t, acc)
    assert var is not None
    assert R.stuck_axes(t, acc, acc_var=var) == R.stuck_axes(t, acc)
    assert R.stuck_gyro_axes(t, acc, gyro, acc_var=var) == R.stuck_gyro_axes(t, acc, gyro)
    assert R.walking_rotation_rads(t, acc, gyro, acc_var=var) == R.walking_rotation_rads(t, acc, gyro)

    def outcome(validate):
        try:
            v = validate()
        except R.RecordingError as exc:
            return str(exc)
        return v.warnings, v.acc_mps2.tobytes(), None if v.gyro_rads is None else v.gyro_rads.tobytes()
    shared = outcome(lambda: R.Recording(t, acc, gyro).validated())
    from unittest import mock
    with mock.patch.object(R, "_window_variance", lambda t, acc: None):   # every check its own windows
        own = outcome(lambda: R.Recording(t, acc, gyro).validated())
    assert shared == own
