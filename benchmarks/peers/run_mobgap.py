"""Run mobgap (Mobilise-D) on benchmark inputs. Executed with the interpreter of
``benchmarks/.peers/mobgap`` (see ``benchmarks/setup_peers.py``), never imported by imu_gait.

    benchmarks/.peers/mobgap/bin/python benchmarks/peers/run_mobgap.py IN_DIR OUT_DIR

Each ``IN_DIR/<id>.npz`` holds (written by ``benchmarks/accuracy.py``):
``acc_mps2`` (N, 3) in mobgap's sensor frame (x = inferior→superior ≈ +g at rest, y, z),
``gyr_dps`` (N, 3) deg/s in the same frame, ``fs_hz``, ``sensor_height_m``, ``height_m``,
``ref_bouts_s`` (B, 2) (reference walking bouts, for the detector-only variant).
For each input ``OUT_DIR/<id>.json`` receives, per method:

* ``pipeline`` / ``pipeline_impaired`` — ``MobilisedPipelineHealthy`` /
  ``MobilisedPipelineImpaired`` on the whole recording: ``ic_s`` (the raw
  initial contacts inside the detected gait sequences), ``wb_ic_s`` (those inside the final
  walking bouts), ``strides`` (start_s, end_s, stride_length_m), ``wbs`` (start_s, end_s,
  cadence_spm, stride_length_m), ``gs`` (start_s, end_s);
* ``icd_ionescu_refbouts`` / ``icd_shin_refbouts`` — ``IcdIonescu`` / ``IcdShinImproved``
  run on the reference walking bouts only (the Mobilise-D way of testing a detector);

each with ``cpu_s`` / ``wall_s`` of the algorithm call alone (data conversion excluded) or
``error`` with the reason it failed. The mobgap code is only called, never copied.
"""
from __future__ import annotations

import sys
import time
import traceback
import warnings
from pathlib import Path

from _runner import run_all  # beside this script (the peer's interpreter runs it from here)

import numpy as np
import pandas as pd


def _timed(fn):
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - c0, time.perf_counter() - w0


def run_one(npz_path: Path) -> dict:
    from mobgap.data import GaitDatasetFromData
    from mobgap.initial_contacts import IcdIonescu, IcdShinImproved
    from mobgap.pipeline import MobilisedPipelineHealthy, MobilisedPipelineImpaired
    from mobgap.utils.conversions import to_body_frame

    z = np.load(npz_path)
    fs = float(z["fs_hz"])
    cols = ["acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"]
    df = pd.DataFrame(np.c_[z["acc_mps2"], z["gyr_dps"]], columns=cols)
    sh = float(z["sensor_height_m"])
    h = float(z["height_m"])
    notes = []
    if not np.isfinite(sh):
        sh = 0.53 * h if np.isfinite(h) else 0.9
        notes.append(f"sensor height unknown: {sh:.3f} m used")
    if not np.isfinite(h):
        h = sh / 0.53
    pmeta = {"height_m": h, "sensor_height_m": sh, "cohort": "HA"}
    ds = GaitDatasetFromData({"rec": {"LowerBack": df}}, fs, {"rec": pmeta},
                             {"rec": {"measurement_condition": "laboratory"}})
    out: dict = {"n_samples": int(len(df)), "fs_hz": fs, "notes": notes}

    # --- full pipelines ----------------------------------------------------------------
    for key, cls in (("pipeline", MobilisedPipelineHealthy), ("pipeline_impaired", MobilisedPipelineImpaired)):
        try:
            dp = ds[0]
            p, cpu, wall = _timed(lambda: cls().run(dp))
            ic = p.raw_ic_list_["ic"].to_numpy(dtype=float) / fs if len(p.raw_ic_list_) else np.empty(0)
            st = p.per_stride_parameters_
            strides = (np.c_[st["start"].to_numpy(float) / fs, st["end"].to_numpy(float) / fs,
                             st["stride_length_m"].to_numpy(float)] if len(st) else np.empty((0, 3)))
            wb = p.per_wb_parameters_
            wbs = (np.c_[wb["start"].to_numpy(float) / fs, wb["end"].to_numpy(float) / fs,
                         wb["cadence_spm"].to_numpy(float), wb["stride_length_m"].to_numpy(float)]
                   if len(wb) else np.empty((0, 4)))
            in_wb = np.zeros(ic.size, bool)
            for a, b, *_ in wbs:
                in_wb |= (ic >= a - 1e-9) & (ic <= b + 1e-9)
            gs = p.gs_list_
            out[key] = {
                "ic_s": ic.tolist(), "wb_ic_s": ic[in_wb].tolist(),
                "strides": np.where(np.isfinite(strides), strides, np.nan).tolist(),
                "wbs": wbs.tolist(),
                "gs": (np.c_[gs["start"].to_numpy(float), gs["end"].to_numpy(float)] / fs).tolist() if len(gs) else [],
                "cpu_s": cpu, "wall_s": wall,
            }
        except Exception as e:  # noqa: BLE001 - any peer failure is recorded, not raised
            out[key] = {"error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc(limit=3)}

    # --- detectors on the reference bouts ------------------------------------------------
    body = to_body_frame(df)
    bouts = np.asarray(z["ref_bouts_s"], dtype=float).reshape(-1, 2)
    for key, make in (("icd_ionescu_refbouts", IcdIonescu), ("icd_shin_refbouts", IcdShinImproved)):
        ics, errs, cpu_t, wall_t = [], [], 0.0, 0.0
        for a, b in bouts:
            i0, i1 = max(0, int(round(a * fs))), min(len(body), int(round(b * fs)) + 1)
            seg = body.iloc[i0:i1].reset_index(drop=True)
            try:
                det, cpu, wall = _timed(lambda: make().detect(seg, sampling_rate_hz=fs))
                cpu_t += cpu
                wall_t += wall
                ics.extend(((det.ic_list_["ic"].to_numpy(float) + i0) / fs).tolist())
            except Exception as e:  # noqa: BLE001
                errs.append(f"bout {a:.2f}-{b:.2f} s: {type(e).__name__}: {e}")
        res = {"ic_s": sorted(ics), "cpu_s": cpu_t, "wall_s": wall_t,
               "seconds_processed": float(np.sum(bouts[:, 1] - bouts[:, 0])) if bouts.size else 0.0}
        if errs:
            res["bout_errors"] = errs
        out[key] = res
    return out


def main(argv: list[str]) -> int:
    warnings.filterwarnings("ignore")
    return run_all(argv, run_one, peer="mobgap", distribution="mobgap")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
