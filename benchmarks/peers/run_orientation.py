"""Run the peer orientation filters (vqf, imufusion) for benchmarks/orientation.py.

Executed *inside* the throwaway peer environment ``benchmarks/.peers/orient`` (numpy, vqf,
imufusion; nothing from imu_gait), so the peers never enter imu_gait's own environment:

    benchmarks/.peers/orient/bin/python benchmarks/peers/run_orientation.py IN.npz OUT.npz OUT.json

IN.npz holds ``names`` (case names) and per case ``<name>__acc`` (N,3) m/s², ``<name>__gyr``
(N,3) rad/s, ``<name>__fs`` Hz; optionally ``timing__acc/gyr/fs`` (one hour of data to time)
and ``repeats``. OUT.npz receives ``<name>__<filter>`` (N,4) quaternions, w x y z, sensor →
earth frame with z up (vqf: its own z-up frame; imufusion: NWU), untouched; the benchmark
turns them into 'up' in sensor axes. OUT.json: versions, CPU seconds of each call, errors.
"""
from __future__ import annotations

import importlib.metadata
import json
import sys
import time
import traceback

import numpy as np

G = 9.80665   # imufusion wants the accelerometer in g and the gyroscope in deg/s


def run_vqf(acc, gyr, fs):
    from vqf import VQF
    f = VQF(1.0 / fs, 1.0 / fs)            # gyrTs, accTs; default parameters, 6D (no magnetometer)
    return f.updateBatch(np.ascontiguousarray(gyr, float), np.ascontiguousarray(acc, float))["quat6D"]


def run_vqf_offline(acc, gyr, fs):
    from vqf import offlineVQF
    return offlineVQF(np.ascontiguousarray(gyr, float), np.ascontiguousarray(acc, float), None, 1.0 / fs)["quat6D"]


def run_imufusion(acc, gyr, fs):
    import imufusion
    ahrs = imufusion.Ahrs()
    s = imufusion.AhrsSettings()             # defaults: gain 0.5, NWU, rejections off
    s.sample_rate = fs
    ahrs.set_settings(s)
    ahrs.set_sample_period(1.0 / fs)
    g_deg = np.ascontiguousarray(np.degrees(gyr), float)
    a_g = np.ascontiguousarray(acc / G, float)
    out = np.empty((acc.shape[0], 4))
    for i in range(acc.shape[0]):           # imufusion has no batch call: per sample, as documented
        ahrs.update_no_magnetometer(g_deg[i], a_g[i])
        out[i] = ahrs.get_quaternion()
    return out


FILTERS = {"vqf": run_vqf, "vqf_offline": run_vqf_offline, "imufusion": run_imufusion}
DISTRIBUTIONS = {"vqf": "vqf", "vqf_offline": "vqf", "imufusion": "imufusion"}


def main(argv: list[str]) -> int:
    src, out_npz, out_json = argv[1], argv[2], argv[3]
    d = np.load(src)
    names = [str(n) for n in d["names"]]
    repeats = int(d["repeats"]) if "repeats" in d else 3
    info: dict = {"versions": {k: importlib.metadata.version(v) for k, v in DISTRIBUTIONS.items()},
                  "numpy": np.__version__, "errors": {}, "cpu_s": {}}
    quats: dict[str, np.ndarray] = {}
    for filt, fn in FILTERS.items():
        try:   # untimed warm-up on a short piece (one-off import / allocation costs)
            n0 = names[0]
            fn(d[n0 + "__acc"][:500], d[n0 + "__gyr"][:500], float(d[n0 + "__fs"]))
        except Exception:  # noqa: BLE001 - the real calls below record any failure
            pass
        for name in names:
            try:
                c0 = time.process_time()
                q = fn(d[name + "__acc"], d[name + "__gyr"], float(d[name + "__fs"]))
                info["cpu_s"][f"{name}__{filt}"] = time.process_time() - c0
                quats[f"{name}__{filt}"] = np.asarray(q, float)
            except Exception as e:  # noqa: BLE001 - a failing peer is a table entry
                info["errors"][f"{name}__{filt}"] = f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"
        if "timing__acc" in d:
            acc, gyr, fs = d["timing__acc"], d["timing__gyr"], float(d["timing__fs"])
            best = float("inf")
            try:
                for _ in range(repeats):
                    c0 = time.process_time()
                    fn(acc, gyr, fs)
                    best = min(best, time.process_time() - c0)
                info["cpu_s"][f"timing__{filt}"] = best
                info["timing_hours"] = acc.shape[0] / fs / 3600.0
            except Exception as e:  # noqa: BLE001
                info["errors"][f"timing__{filt}"] = f"{type(e).__name__}: {e}"
        print(f"DONE {filt}", flush=True)
    np.savez(out_npz, **quats)
    with open(out_json, "w") as fh:
        json.dump(info, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
