"""Cached filter designs (imu_gait.dsp.filters): the cached design is the one scipy makes, every
caller shares it without being able to change it, and a filter built on it filters exactly as one
built on a fresh design."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from imu_gait.dsp.filters import StreamSOS, VerticalDisplacement, butter, butter_sos, fir_lowpass


@pytest.mark.parametrize("order, cutoff, fs, btype", [(4, 0.1, 100.0, "high"), (4, 1.0, 100.0, "high"),
                                                      (2, 3.0, 50.0, "low"), (2, (0.5, 5.0), 100.0, "band")])
def test_butter_sos_is_scipys_design_and_read_only(order, cutoff, fs, btype):
    sos = butter_sos(order, cutoff, fs, btype)
    assert np.array_equal(sos, signal.butter(order, cutoff, btype=btype, fs=fs, output="sos"))
    assert butter_sos(order, cutoff, fs, btype) is sos            # designed once
    with pytest.raises(ValueError):
        sos[0, 0] = 1.0                                          # a caller cannot change the shared design
    assert np.array_equal(sos, signal.butter(order, cutoff, btype=btype, fs=fs, output="sos"))


def test_cached_b_a_and_fir_are_read_only():
    b, a = butter(2, 0.3, 100.0)
    taps = fir_lowpass(100.0, 4.0, 0.15)
    for arr in (b, a, taps):
        with pytest.raises(ValueError):
            arr[0] = 0.0


def test_stream_sos_filters_its_own_copy():
    sos = butter_sos(4, 1.0, 100.0, "high")
    f = StreamSOS(sos)
    assert f.sos is not sos and f.sos.flags.writeable
    f.sos[0, 0] = 123.0                                          # changing one filter's copy …
    assert butter_sos(4, 1.0, 100.0, "high")[0, 0] != 123.0      # … leaves the cache alone


def test_vertical_displacement_on_cached_designs_equals_fresh_designs():
    rng = np.random.default_rng(3)
    x = rng.normal(size=2500)
    cached = VerticalDisplacement(100.0)
    fresh_acc = StreamSOS(signal.butter(4, 0.1, btype="high", fs=100.0, output="sos"))
    fresh_vel = StreamSOS(signal.butter(4, 1.0, btype="high", fs=100.0, output="sos"))
    vel = np.cumsum(fresh_acc(x)) / 100.0
    pos = np.cumsum(fresh_vel(vel)) / 100.0
    assert np.array_equal(cached(x), pos)
    # a second engine's filter starts from the same design: same output again
    assert np.array_equal(VerticalDisplacement(100.0)(x), pos)


def test_cached_initial_states_are_scipys_and_read_only():
    from imu_gait.dsp.filters import _lfilter_zi, _sosfilt_zi
    b, a = butter(2, 0.3, 100.0)
    zi = _lfilter_zi(np.asarray(b, float).tobytes(), np.asarray(a, float).tobytes())
    assert np.array_equal(zi, signal.lfilter_zi(b, a))
    sos = butter_sos(4, 0.1, 100.0, "high")
    zs = _sosfilt_zi(sos.tobytes())
    assert np.array_equal(zs, signal.sosfilt_zi(sos))
    for arr in (zi, zs):
        with pytest.raises(ValueError):
            arr[0] = 1.0


def test_stream_filters_start_as_with_fresh_initial_states():
    from imu_gait.dsp.filters import StreamIIR
    rng = np.random.default_rng(5)
    x = rng.normal(size=(700, 3)) + 9.8
    b, a = butter(2, 0.3, 100.0)
    for _ in range(2):                                  # the second filter starts from the cached state
        got = StreamIIR(b, a, 3)(x)
        want, _ = signal.lfilter(b, a, x, axis=0, zi=signal.lfilter_zi(b, a)[:, None] * x[0][None, :])
        assert np.array_equal(got, want)
    sos = butter_sos(4, 1.0, 100.0, "high")
    for _ in range(2):
        got = StreamSOS(sos)(x[:, 0])
        want, _ = signal.sosfilt(np.array(sos), x[:, 0], zi=signal.sosfilt_zi(sos) * x[0, 0])
        assert np.array_equal(got, want)


@pytest.mark.parametrize("design, shape, axis", [(("band", (0.5, 5.0)), (4, 700), 1), (("high", 0.5), (700, 3), 0),
                                                 (("band", (0.5, 5.0)), (2, 31), -1), (("high", 0.5), (500,), 0)])
def test_filtfilt_is_scipys_bit_for_bit(design, shape, axis):
    # truth: scipy.signal.filtfilt with its defaults, exactly (the forward-axis estimates' results must not move)
    from imu_gait.dsp.filters import filtfilt
    btype, cutoff = design
    b, a = butter(2, cutoff, 100.0, btype)
    x = np.random.default_rng(5).normal(size=shape).cumsum(axis=axis)
    assert np.array_equal(filtfilt(b, a, x, axis=axis), signal.filtfilt(b, a, x, axis=axis))
    with pytest.raises(ValueError, match="greater than padlen"):    # too short: scipy's refusal, which callers catch
        filtfilt(b, a, np.ones(3 * max(len(a), len(b))))


def test_forward_axis_estimates_do_not_solve_lfilter_zi_again(monkeypatch):
    # the speed-up itself: scipy's filtfilt solved lfilter_zi on every call (~70 times an hour of walking);
    # the forward-axis estimates now take it from the cache. Truth: no call to scipy's lfilter_zi once warm.
    from imu_gait.dsp import orientation
    from imu_gait.synthetic import synthesize_walk
    rec, _ = synthesize_walk(30, seed=2)
    acc, gyro = rec.acc_mps2[:2000], rec.gyro_rads[:2000]
    up = orientation.GravityTracker(100.0, has_gyro=True)(acc, gyro)
    orientation.forward_axis(acc, up, 55, running=False, fs_hz=100.0)            # warm the caches
    orientation.forward_evidence(acc, up, 55, running=False, fs_hz=100.0, gyro=gyro)
    calls = []
    real = signal.lfilter_zi
    counting = lambda *a, **k: calls.append(1) or real(*a, **k)    # noqa: E731
    monkeypatch.setattr(signal, "lfilter_zi", counting)
    try:                  # scipy's filtfilt calls the name in its own module (where it is, in this scipy)
        import scipy.signal._signaltools as signaltools
        monkeypatch.setattr(signaltools, "lfilter_zi", counting, raising=False)
    except ImportError:
        pass
    orientation.forward_axis(acc, up, 55, running=False, fs_hz=100.0)
    orientation.forward_evidence(acc, up, 55, running=False, fs_hz=100.0, gyro=gyro)
    assert calls == []
