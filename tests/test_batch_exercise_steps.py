"""``imu-gait batch``: how many steps each recording holds walked backwards or stepped sideways (``steps_backwards``,
``steps_sideways``). Before (sidestep s44) the table had no such column: a researcher could not see which recordings
held these rehab exercises but by reading the warnings text. Truth: synthetic walks with a backwards stretch
(imu_gait.synthetic's ``backward``, marked per step in the truth) and a side-stepped one (the sensor's axes turned 90°
about the vertical from 300 s to 420 s, as tests/test_side_stepping.py builds it), and a plain forward walk."""
from __future__ import annotations

import csv

import numpy as np
import pytest

from imu_gait.batch import run_batch, table_columns
from imu_gait.io.native import write_native
from imu_gait.recording import Recording
from imu_gait.synthetic import synthesize_walk

RETRO = [(60.0, {"backward": 1.0, "cadence_spm": 100.0, "speed_mps": 0.6, "braking_mps": 0.10, "posture_lean_deg": 3.0}),
         (200.0, {"backward": 0.0, "cadence_spm": 110.0, "speed_mps": 1.1, "braking_mps": 0.15, "posture_lean_deg": 0.0})]
SIDE_START_S, SIDE_END_S = 300.0, 420.0


def _side_stepped(seed: int):
    rec, truth = synthesize_walk(700.0, seed=seed)
    t = rec.time_s
    m = (t >= SIDE_START_S) & (t < SIDE_END_S)
    rot = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])      # 90° about the vertical
    acc, gyr = rec.acc_mps2.copy(), rec.gyro_rads.copy()
    acc[m] = acc[m] @ rot.T
    gyr[m] = gyr[m] @ rot.T
    n_side = int(np.count_nonzero((truth.ic_times_s >= SIDE_START_S) & (truth.ic_times_s < SIDE_END_S)))
    return Recording(t, acc, gyr), n_side


def test_the_batch_table_counts_the_steps_walked_backwards_and_sideways(tmp_path):
    retro, retro_truth = synthesize_walk(330.0, seed=5, segments=RETRO, speed_mps=1.1)
    side, n_side = _side_stepped(2)
    plain, _ = synthesize_walk(120.0, seed=4)
    paths = []
    for name, rec in (("a_retro.csv", retro), ("b_side.csv", side), ("c_plain.csv", plain)):
        write_native(tmp_path / name, rec)
        paths.append(tmp_path / name)
    out = tmp_path / "summary.csv"
    run_batch(paths, out, context={"treadmill": True})
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    assert header == table_columns()
    # additive: the columns before them keep their order, n_flags follows them
    i = header.index("n_sensor_turns")
    assert header[i + 1:i + 4] == ["steps_backwards", "steps_sideways", "n_flags"]
    r, s, p = rows
    assert all(x["status"] == "ok" for x in rows)
    n_back = int(np.count_nonzero(retro_truth.steps["backward"]))
    # a backwards stretch's start is found within ~36 steps, its end within ~24 (README): a count within 40 of truth
    assert int(r["steps_backwards"]) == pytest.approx(n_back, abs=40) and int(r["steps_sideways"]) == 0
    assert n_back > 200
    # side-stepping: its start at the walk's forward checks (≤ 112 steps late), its end sooner since sidestep s44
    assert int(s["steps_sideways"]) == pytest.approx(n_side, abs=120) and int(s["steps_backwards"]) == 0
    assert int(s["steps_sideways"]) > 50
    assert p["steps_backwards"] == "0" and p["steps_sideways"] == "0"
