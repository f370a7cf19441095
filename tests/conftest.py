"""Shared test helpers."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from imu_gait.recording import Recording
from imu_gait.synthetic import synthesize_walk


def join_two_walks(mount_b, seed: int = 1):
    """Two 5-minute synthetic walks with a pause; for the second the sensor is mounted ``mount_b``
    (yaw, pitch, roll in degrees: re-clipped, or a phone put back the other way round). Returns the
    recording, the per-step truth of both walks on the joined time axis and the second walk's start."""
    a, ta = synthesize_walk(300, seed=seed, stand_s=5, stand_end_s=5)
    b, tb = synthesize_walk(300, seed=seed + 1, stand_s=5, stand_end_s=5, mount_euler_deg=mount_b)
    shift = a.time_s[-1] + 0.01
    truth = pd.concat([ta.steps, tb.steps.assign(time_s=tb.steps["time_s"] + shift)], ignore_index=True)
    rec = Recording(np.r_[a.time_s, b.time_s + shift], np.r_[a.acc_mps2, b.acc_mps2], np.r_[a.gyro_rads, b.gyro_rads])
    return rec, truth, shift


@pytest.fixture
def two_walks():
    """:func:`join_two_walks`, for tests of a sensor moved between two walks."""
    return join_two_walks


def turn_during_walk(turn_deg: float, at_s: float = 100.0, over_s: float = 0.0, seed: int = 3,
                     duration_s: float = 420.0):
    """A synthetic walk without a pause (7 minutes) during which the sensor turns ``turn_deg`` about the
    vertical, starting at ``at_s`` and taking ``over_s`` (0: at once — swivelled; 60 s: a clip sliding
    round the belt). The sensor is mounted upright (its z axis up), so the turn is a rotation of its x–y
    readings. Returns the recording and the per-step truth (the body's motion is unchanged by the turn)."""
    rec, truth = synthesize_walk(duration_s, seed=seed, stand_s=5, stand_end_s=5)
    frac = np.clip((rec.time_s - at_s) / over_s, 0.0, 1.0) if over_s > 0 else (rec.time_s >= at_s).astype(float)
    yaw = np.radians(turn_deg) * frac
    c, s = np.cos(yaw), np.sin(yaw)

    def turned(v: np.ndarray) -> np.ndarray:
        out = v.copy()
        out[:, 0], out[:, 1] = c * v[:, 0] - s * v[:, 1], s * v[:, 0] + c * v[:, 1]
        return out

    return Recording(rec.time_s, turned(rec.acc_mps2), turned(rec.gyro_rads)), truth


@pytest.fixture
def walk_with_sensor_turn():
    """:func:`turn_during_walk`, for tests of a sensor that turns while the person keeps walking."""
    return turn_during_walk


def walk_then_sit_down(recline_deg: float = 20.0, after_last_s: float = 0.3, over_s: float = 1.0,
                       seed: int = 5, duration_s: float = 40.0):
    """A synthetic walk (sensor upright on the lower back) after whose last contact the trunk reclines
    ``recline_deg`` about the mediolateral axis, starting ``after_last_s`` after that contact and taking
    ``over_s`` (smoothly), then stays so for the rest of the recording (~5 s) — as when sitting down on a
    chair; 0° is the same walk ending standing. The angular rate of the recline is added to the gyro, so
    the engine's gyro-aided 'up' sees a consistent motion. Returns the recording and the truth."""
    rec, truth = synthesize_walk(duration_s, seed=seed, stand_s=3, stand_end_s=5)
    t0 = float(truth.ic_times_s[-1]) + after_last_s
    s = np.clip((rec.time_s - t0) / over_s, 0.0, 1.0)
    th = np.radians(recline_deg) * (3 * s ** 2 - 2 * s ** 3)               # smoothstep
    dth = np.radians(recline_deg) * 6 * s * (1 - s) / over_s
    c, sn = np.cos(th), np.sin(th)

    def reclined(v: np.ndarray) -> np.ndarray:
        # body axes x forward, y left, z up; leaning back turns x up: readings rotate by +th about y
        out = v.copy()
        out[:, 0], out[:, 2] = c * v[:, 0] + sn * v[:, 2], -sn * v[:, 0] + c * v[:, 2]
        return out

    gyro = reclined(rec.gyro_rads)
    gyro[:, 1] -= dth                      # the body turns by -th about its left axis
    return Recording(rec.time_s, reclined(rec.acc_mps2), gyro), truth


@pytest.fixture
def sat_down():
    """:func:`walk_then_sit_down`, for tests of the steps taken back when a walk ends seated."""
    return walk_then_sit_down


def _finish_fed_in_random_chunks(rec: Recording, seed: int = 0, max_chunk: int = 40):
    """``rec`` fed to a GaitEngine in random chunks of 1 … max_chunk − 1 samples, then finished: the
    streaming path, to set beside analyze(rec) (results must not depend on where chunks end)."""
    from imu_gait import GaitEngine

    eng = GaitEngine(rec.sample_rate_hz, has_gyro=rec.has_gyro)
    rng = np.random.default_rng(seed)
    i = 0
    while i < rec.n_samples:
        n = int(rng.integers(1, max_chunk))
        eng.feed(rec.time_s[i:i + n], rec.acc_mps2[i:i + n], None if rec.gyro_rads is None else rec.gyro_rads[i:i + n])
        i += n
    return eng.finish()


@pytest.fixture
def fed_in_random_chunks():
    """:func:`_finish_fed_in_random_chunks`, for tests that compare streaming with analyze()."""
    return _finish_fed_in_random_chunks


@pytest.fixture
def imu_gait_cli():
    """Run ``python -m imu_gait ARGS`` in ``cwd`` (a fresh process, as a user's shell runs it): the finished
    process, output captured as text."""
    def run(*args: str, cwd) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "imu_gait", *args], cwd=cwd, capture_output=True, text=True,
                              timeout=300)
    return run
