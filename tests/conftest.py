"""Shared test helpers."""
from __future__ import annotations

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
