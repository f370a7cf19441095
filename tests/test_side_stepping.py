"""Side-stepping on the belt (a rehab exercise): the travel turned ~90° off the way the sensor faces for a stretch of a
walk, 'up' unchanged. Truth: a plain synthesize_walk with the sensor's axes turned ±90° about the vertical from 300 s to
420 s (hand-built: the travel is 90° off the sensor's forward, as in side-steps). Before (backward2 s43) it read as the
sensor turned 90° twice during the walk ('sensor_turns', two 'Check the sensor' notes) and its steps stayed in the
baselines and flags."""
from __future__ import annotations

import numpy as np
import pytest

import imu_gait
from imu_gait.recording import Recording
from imu_gait.synthetic import synthesize_walk

SIDE_START_S, SIDE_END_S = 300.0, 420.0


def _side_stepped(seed: int, deg: float, back: bool = True):
    rec, truth = synthesize_walk(700.0, seed=seed)
    t = rec.time_s
    m = (t >= SIDE_START_S) & ((t < SIDE_END_S) if back else True)
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    rot = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    acc, gyr = rec.acc_mps2.copy(), rec.gyro_rads.copy()
    acc[m] = acc[m] @ rot.T
    gyr[m] = gyr[m] @ rot.T
    return Recording(t, acc, gyr), truth


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("deg", [90.0, -90.0])
def test_side_steps_inside_a_walk_read_as_side_stepping_not_two_sensor_turns(seed, deg):
    rec, truth = _side_stepped(seed, deg)
    res = imu_gait.analyze(rec, treadmill=True)
    s = res.summary
    assert len(res.steps) == len(truth.ic_times_s)                   # every step counted
    assert s["sensor_turns"] == []                                   # before: two of ±90°
    (side,) = s["side_stepping"]
    # found at the walk's 100-step forward checks (each confirmed 12 steps later): ≤ 112 steps (0.55 s) late
    assert SIDE_START_S - 12 * 0.55 <= side["start_s"] <= SIDE_START_S + 112 * 0.55
    assert SIDE_END_S - 12 * 0.55 <= side["end_s"] <= SIDE_END_S + 112 * 0.55
    hints = " ".join(s["sensor_hints"])
    assert "stepped sideways" in hints and "turned 90" not in hints.replace("turned 90° and back", "")
    assert any("walked backwards or sideways were left out" in n for n in s["flag_notes"])
    from rich.console import Console
    from imu_gait.report.text import summary_renderable
    con = Console(record=True, width=200)
    con.print(summary_renderable(res, rec))
    text = con.export_text()
    assert "Check the sensor" not in text and "Stepping sideways\n" in text


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_sensor_turned_90_degrees_and_left_so_is_still_a_sensor_turn(seed):
    # truth: the sensor's axes turned 90° at 300 s and never back (a clip slid round): one sensor turn, no side-steps
    rec, truth = _side_stepped(seed, 90.0, back=False)
    s = imu_gait.analyze(rec, treadmill=True).summary
    assert s["side_stepping"] == []
    (turn,) = s["sensor_turns"]
    assert turn["turn_deg"] == pytest.approx(90.0, abs=10.0)
