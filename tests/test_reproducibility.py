"""A researcher re-running an analysis gets the same bytes: run again, under another hash seed (set / dict
order), with another BLAS/OpenMP thread count (summation order), in a fresh process or a second time in the
same one. benchmarks/reproducibility.py does the same over every bundled recording and across Pythons and
numpy/scipy/pandas releases (results/reproducibility.md)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

import imu_gait

ROOT = Path(__file__).resolve().parent.parent
# a real lower-back walk with a gyroscope: steps of both sides, every metric measured
WALK = ROOT / "datasets" / "mobgap_HA001_walk1.csv"
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _analyze_in_subprocess(out: Path, hash_seed: str, threads: str) -> tuple[bytes, bytes]:
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
    env.update(PYTHONPATH=str(ROOT), PYTHONHASHSEED=hash_seed, **{k: threads for k in THREAD_VARS})
    out.mkdir()
    proc = subprocess.run([sys.executable, "-m", "imu_gait", "analyze", str(WALK), "-q",
                           "--json", str(out / "r.json"), "--steps-csv", str(out / "steps.csv")],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return (out / "r.json").read_bytes(), (out / "steps.csv").read_bytes()


def _numbers(json_bytes: bytes) -> dict:
    """Every number of a JSON result by its path (steps[3].time_s)."""
    out: dict = {}

    def walk(v, path):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{path}.{k}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{path}[{i}]")
        else:
            out[path] = v
    walk(json.loads(json_bytes), "")
    return out


def _assert_same_but_blas_bits(json_a: bytes, json_c: bytes) -> None:
    """The same bytes under numpy 2; under numpy 1 the same keys, texts and counts, floats within 1e-12."""
    if int(np.__version__.split(".")[0]) >= 2:
        assert json_a == json_c, "the JSON changed with the BLAS/OpenMP thread count"
        return
    a, c = _numbers(json_a), _numbers(json_c)
    assert a.keys() == c.keys()
    for k, v in a.items():
        if isinstance(v, float) and isinstance(c[k], float):
            assert abs(v - c[k]) <= 1e-12 * max(1.0, abs(v)), (k, v, c[k])
        else:
            assert v == c[k], (k, v, c[k])


def test_same_bytes_under_other_hash_seeds_thread_counts_and_in_one_process(tmp_path):
    json_a, steps_a = _analyze_in_subprocess(tmp_path / "a", hash_seed="0", threads="1")
    assert b'"n_steps": ' in json_a and steps_a.count(b"\n") > 10      # a walk was analysed, not an error

    # another hash seed (set and dict order of strings): the same bytes
    json_b, steps_b = _analyze_in_subprocess(tmp_path / "b", hash_seed="4242", threads="1")
    assert json_a == json_b, "the JSON changed with PYTHONHASHSEED"
    assert steps_a == steps_b, "the steps CSV changed with PYTHONHASHSEED"

    # two BLAS threads: numpy 2 with its OpenBLAS gives the same bytes; CI's lowest bounds (numpy 1.24.4, scipy
    # 1.10.1) move the JSON's full-precision lean, drop and braking by ~3e-15 (which threaded library call does it
    # is not pinned down: not np.dot, not the 3×3 covariance products; benchmarks/results/reproducibility.md) —
    # what is written rounded, the steps CSV, must not move at all
    json_c, steps_c = _analyze_in_subprocess(tmp_path / "c", hash_seed="0", threads="2")
    assert steps_a == steps_c, "the steps CSV changed with the BLAS/OpenMP thread count"
    _assert_same_but_blas_bits(json_a, json_c)

    # the library in this process, twice: nothing the first analysis leaves behind changes the second
    first = imu_gait.analyze(imu_gait.read(WALK))
    second = imu_gait.analyze(imu_gait.read(WALK))
    assert first.to_json() == second.to_json()
    first.write_json(tmp_path / "lib.json")
    # the library writes what the CLI wrote (this process has the machine's default thread count)
    _assert_same_but_blas_bits(json_a, (tmp_path / "lib.json").read_bytes())


def test_the_strongest_fatigue_signal_is_the_first_of_equals_on_any_numpy():
    """A fatigue flag names its strongest signal (metric, value, baseline, threshold) from a sort of the
    signals' grades. numpy's default sort is not stable: numpy 2 on an AVX2 CPU put [1, 1, 2, 2, 0, 0] in the
    order [3, 2, 1, 0, 4, 5], numpy 1.24 in [2, 3, 0, 1, 4, 5] — two equally drifted signals named different
    metrics on different machines. Ties keep the criteria's own order; NaN (not measured) go last."""
    from imu_gait.strain import _largest_first

    assert _largest_first(np.array([1.0, 1.0, 2.0, 2.0, 0.0, 0.0])).tolist() == [2, 3, 0, 1, 4, 5]
    assert _largest_first(np.array([np.nan, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, -1.0])).tolist() == [1, 2, 3, 4, 5, 6, 7, 0]
    rng = np.random.default_rng(7)        # small integer grades: ties everywhere, 2–40 signals
    for n in rng.integers(2, 40, 200):
        z = rng.integers(0, 3, n).astype(float)
        order = _largest_first(z)
        assert np.all(np.diff(-z[order]) >= 0)                                       # largest first
        same = z[order][1:] == z[order][:-1]
        assert np.all(order[1:][same] > order[:-1][same]), z                         # ties in given order
