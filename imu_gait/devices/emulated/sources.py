"""Sample sources for emulated sensors.

A source is any callable ``source(start_index, n, rate_hz) -> (acc_mps2 (n, 3), gyro_rads (n, 3))``
giving samples ``start_index … start_index + n − 1`` of a stream sampled at ``rate_hz``
(sensor axes, acceleration incl. gravity). Being a pure function of the index, the truth of
any received sample can be recomputed exactly in tests.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..decoders.common import G_MPS2

SampleSource = Callable[[int, int, float], tuple[np.ndarray, np.ndarray]]


def gait_like_source(cadence_spm: float = 110.0, bounce_m: float = 0.035, sway_m: float = 0.03,
                     twist_deg: float = 10.0, noise_mps2: float = 0.0, seed: int = 0) -> SampleSource:
    """Built-in trunk-motion-like signal (not a gait model: a smooth periodic test pattern).

    Sensor z up, x forward, y left. Vertical bounce at step frequency, lateral sway and yaw
    twist at stride frequency, a forward surge at step frequency, optional white noise.
    """
    f_step = cadence_spm / 60.0
    w1, w2 = 2 * np.pi * f_step, np.pi * f_step          # step, stride angular frequency
    twist_rad = np.deg2rad(twist_deg) / 2

    def source(start_index: int, n: int, rate_hz: float) -> tuple[np.ndarray, np.ndarray]:
        k = np.arange(start_index, start_index + n, dtype=np.float64)
        t = k / rate_hz
        acc = np.empty((n, 3))
        acc[:, 0] = 0.8 * np.sin(w1 * t + 0.6)                       # forward surge
        acc[:, 1] = sway_m / 2 * w2 ** 2 * np.sin(w2 * t)            # lateral sway (accel of x = A sin)
        acc[:, 2] = G_MPS2 + bounce_m / 2 * w1 ** 2 * np.cos(w1 * t)  # vertical bounce
        gyro = np.zeros((n, 3))
        gyro[:, 2] = twist_rad * w2 * np.cos(w2 * t)                 # yaw twist rate
        gyro[:, 0] = 0.3 * np.sin(w2 * t + 1.0)                       # some roll
        if noise_mps2 > 0:
            rng = np.random.default_rng([seed, start_index])
            acc += rng.normal(0.0, noise_mps2, acc.shape)
        return acc, gyro

    return source


class ArraySource:
    """Serve recorded/synthesised arrays (e.g. ``imu_gait.synthetic.synthesize_walk``), looping.

    The arrays must be sampled at the rate the emulator streams at; ``gyro_rads`` may be None
    (zeros are sent)."""

    def __init__(self, acc_mps2: np.ndarray, gyro_rads: np.ndarray | None = None, rate_hz: float | None = None):
        self.acc = np.asarray(acc_mps2, dtype=np.float64)
        self.gyro = np.zeros_like(self.acc) if gyro_rads is None else np.asarray(gyro_rads, dtype=np.float64)
        self.rate_hz = rate_hz

    @classmethod
    def from_recording(cls, recording) -> "ArraySource":
        dt = np.median(np.diff(recording.time_s))
        return cls(recording.acc_mps2, recording.gyro_rads, 1.0 / dt)

    def __call__(self, start_index: int, n: int, rate_hz: float) -> tuple[np.ndarray, np.ndarray]:
        if self.rate_hz is not None and abs(self.rate_hz - rate_hz) > 1e-6 * rate_hz + 1e-3:
            raise ValueError(f"ArraySource holds {self.rate_hz:g} Hz data, emulator streams at {rate_hz:g} Hz")
        idx = np.arange(start_index, start_index + n) % len(self.acc)
        return self.acc[idx], self.gyro[idx]
