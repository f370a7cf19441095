"""Run scikit-digital-health (skdh) lumbar gait on benchmark inputs. Executed with the
interpreter of ``benchmarks/.peers/skdh`` (see ``benchmarks/setup_peers.py``).

    benchmarks/.peers/skdh/bin/python benchmarks/peers/run_skdh.py IN_DIR OUT_DIR

Each ``IN_DIR/<id>.npz`` holds (written by ``benchmarks/accuracy.py``): ``time_unix_s`` (N,)
unix seconds, ``accel_g`` (N, 3) in g, ``gyro_rads`` (N, 3) rad/s or an empty array,
``fs_hz``, ``height_m``, ``sensor_height_m`` (NaN when unknown), ``t0_s`` (the recording
time of the first sample) and ``ref_bouts_s`` (B, 2) on the recording's time axis.
For each input ``OUT_DIR/<id>.json`` receives, per method:

* ``pipeline`` — ``skdh.context.PredictGaitLumbarLgbm`` (gait classification) followed by
  ``skdh.gait.GaitLumbar`` on the bouts it finds (skdh's documented lumbar gait pipeline,
  default parameters);
* ``gait_refbouts`` — ``GaitLumbar`` given the reference walking bouts as ``gait_bouts``;

each with ``ic_s`` (initial contacts on the recording's time axis), ``strides``
(start_s, end_s, stride_length_m), ``cpu_s`` / ``wall_s`` of the skdh calls alone, or
``error``. skdh's own warnings are collected in ``warnings``. The skdh code is only
called, never copied.
"""
from __future__ import annotations

import sys
import time
import traceback
import warnings
from pathlib import Path

from _runner import run_all  # beside this script (the peer's interpreter runs it from here)

import numpy as np


def _gait_to_result(g: dict, unix_to_rec: float) -> dict:
    ic_unix = np.asarray(g.get("IC Timestamp", []), dtype=float)
    ic = ic_unix - unix_to_rec
    st = np.asarray(g.get("stride time", np.full(ic.size, np.nan)), dtype=float)
    sl = np.asarray(g.get("stride length", np.full(ic.size, np.nan)), dtype=float)
    strides = np.c_[ic, ic + st, sl] if ic.size else np.empty((0, 3))
    return {"ic_s": ic.tolist(), "strides": [[None if not np.isfinite(v) else float(v) for v in row] for row in strides],
            "n_bouts": int(np.unique(g.get("Bout N", [])).size)}


def run_one(npz_path: Path) -> dict:
    import skdh

    z = np.load(npz_path)
    t = np.asarray(z["time_unix_s"], dtype=float)
    acc = np.ascontiguousarray(z["accel_g"], dtype=float)
    gyro = np.asarray(z["gyro_rads"], dtype=float)
    gyro = np.ascontiguousarray(gyro) if gyro.size else None
    fs = float(z["fs_hz"])
    h, sh = float(z["height_m"]), float(z["sensor_height_m"])
    kw = {}
    if np.isfinite(sh):
        kw["leg_length"] = sh          # skdh: "leg length / center of mass / sensor height"
    elif np.isfinite(h):
        kw["height"] = h               # skdh multiplies by its height_factor (0.53)
    unix_to_rec = t[0] - float(z["t0_s"])
    out: dict = {"n_samples": int(t.size), "fs_hz": fs}

    caught: list[str] = []
    with warnings.catch_warnings(record=True) as wlist:
        warnings.simplefilter("always")
        try:
            c0, w0 = time.process_time(), time.perf_counter()
            cls = skdh.context.PredictGaitLumbarLgbm().predict(time=t, accel=acc, fs=fs)
            bouts = np.c_[cls["Gait Bout Start Index"], cls["Gait Bout Stop Index"]].astype(int)
            g = skdh.gait.GaitLumbar().predict(time=t, accel=acc, gyro=gyro, fs=fs, gait_bouts=bouts, **kw)
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            res = _gait_to_result(g, unix_to_rec)
            res["gait_bouts_s"] = (t[bouts] - unix_to_rec).tolist() if bouts.size else []
            res.update(cpu_s=cpu, wall_s=wall)
            out["pipeline"] = res
        except Exception as e:  # noqa: BLE001 - any peer failure is recorded, not raised
            out["pipeline"] = {"error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc(limit=3)}
        caught += [str(w.message) for w in wlist]

    rb = np.asarray(z["ref_bouts_s"], dtype=float).reshape(-1, 2)
    with warnings.catch_warnings(record=True) as wlist:
        warnings.simplefilter("always")
        try:
            if not rb.size:   # nothing to run on (the recording is not scored either)
                out["gait_refbouts"] = {"ic_s": [], "strides": [], "cpu_s": 0.0, "wall_s": 0.0,
                                        "seconds_processed": 0.0, "notes": ["no reference bouts"]}
                raise StopIteration
            t_rec = t - unix_to_rec
            idx = np.c_[np.searchsorted(t_rec, rb[:, 0]), np.minimum(np.searchsorted(t_rec, rb[:, 1]), t.size - 1)]
            c0, w0 = time.process_time(), time.perf_counter()
            g = skdh.gait.GaitLumbar().predict(time=t, accel=acc, gyro=gyro, fs=fs, gait_bouts=idx, **kw)
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            res = _gait_to_result(g, unix_to_rec)
            res.update(cpu_s=cpu, wall_s=wall, seconds_processed=float(np.sum(rb[:, 1] - rb[:, 0])))
            out["gait_refbouts"] = res
        except StopIteration:
            pass
        except Exception as e:  # noqa: BLE001
            out["gait_refbouts"] = {"error": f"{type(e).__name__}: {e}"}
        caught += [str(w.message) for w in wlist]
    out["warnings"] = sorted(set(caught))[:20]
    return out


def main(argv: list[str]) -> int:
    return run_all(argv, run_one, peer="skdh", distribution="scikit-digital-health")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
