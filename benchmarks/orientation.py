"""Orientation accuracy: imu_gait's GravityTracker ('up' in sensor axes) against optical truth.

    .venv/bin/python benchmarks/orientation.py              # ~1 min; writes benchmarks/results/orientation.md/.json
    .venv/bin/python benchmarks/orientation.py --no-peers   # imu_gait only

Reference: BROAD (Laidig et al., Data 2021, doi:10.3390/data6070072, CC-BY-4.0), the trials in
``../shared/peer_data/broad_subset/`` (07 fast rotation, 15 fast translation, 21 fast combined): a
handheld IMU rig, 285.7 Hz, with an optical reference quaternion ``opt_quat`` (sensor → ENU, w x y z;
NaN where the cameras lost the rig) and a ``movement`` mask. Trial 21 is a .mat file; 07 and 15 are
HDF5, read with h5py when importable, else converted to .npz by a subprocess with the skdh peer
interpreter (which has h5py), else skipped with a message.

Measured, per trial:
- inclination error = angle between estimated and true 'up' (true up = R(q)ᵀ·[0,0,1]; the
  convention is checked against the accelerometer at rest), per sample; RMSE and 95th
  percentile over all samples with truth, movement phases, rest phases and 'gait-like' samples
  (see GAIT_RULE); the first SETTLE_S seconds are excluded everywhere (filter settling);
- GravityTracker at the native rate, and at 100 Hz after the engine's StreamResampler (box mean)
  with the truth interpolated to the same grid; always fed in 1-s chunks, as live; a one-off
  check that one whole-array call gives the same output;
- CPU seconds per hour of 100 Hz data (best of N, single process);
- peers in the same run, from a throwaway venv ``benchmarks/.peers/orient`` (git-ignored; created
  on first use): vqf (causal VQF, and offlineVQF) and imufusion (Ahrs, default settings, gain 0.5),
  called through ``benchmarks/peers/run_orientation.py``; no peer code enters imu_gait.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import scipy
import scipy.io

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.machine import cpu_model  # noqa: E402
from imu_gait.dsp.orientation import GravityTracker  # noqa: E402
from imu_gait.dsp.resample import StreamResampler  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
BROAD = ROOT.parent / "shared" / "peer_data" / "broad_subset"
TRIALS = ("07_undisturbed_fast_rotation_B", "15_undisturbed_fast_translation_A", "21_undisturbed_fast_combined")
PEER_ENV = ROOT / "benchmarks" / ".peers" / "orient"
PEER_REQS = ["vqf==2.1.2", "imufusion==1.3.3"]
H5_PY = ROOT / "benchmarks" / ".peers" / "skdh" / "bin" / "python"
RUNNER = ROOT / "benchmarks" / "peers" / "run_orientation.py"
SETTLE_S = 5.0
G_STD = 9.80665
ENGINE_FS = 100.0
GAIT_DEV_DEG, GAIT_MEAN_S, GAIT_HIST_S = 15.0, 10.0, 10.0
GAIT_RULE = (f"movement-phase samples whose true up stayed within {GAIT_DEV_DEG:.0f}° of its centred "
             f"{GAIT_MEAN_S:.0f}-s running mean at every sample of the preceding {GAIT_HIST_S:.0f} s "
             "(and had truth throughout), i.e. filter input and memory in the small-angle regime of gait")
TOOLS = {"imu_gait": "imu_gait GravityTracker (causal)", "vqf": "vqf VQF 6D (causal)",
         "vqf_offline": "vqf offlineVQF 6D (acausal)", "imufusion": "imufusion Ahrs, gain 0.5 (causal)"}


@dataclass
class Trial:
    name: str
    fs: float
    acc: np.ndarray        # (N,3) m/s²
    gyr: np.ndarray        # (N,3) rad/s
    up_true: np.ndarray    # (N,3) unit, NaN without truth
    movement: np.ndarray   # (N,) bool


# ---------------------------------------------------------------------------- data

def quat_up(q: np.ndarray) -> np.ndarray:
    """'Up' in sensor axes, R(q)ᵀ·[0,0,1], for sensor→earth quaternions (w x y z) of a z-up earth frame."""
    q = q / np.linalg.norm(q, axis=1, keepdims=True)
    w, x, y, z = q.T
    return np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), w * w - x * x - y * y + z * z], axis=1)


H5_TO_NPZ = """
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'r') as f:
    np.savez(sys.argv[2], **{k: f[k][()] for k in ('imu_acc', 'imu_gyr', 'opt_quat', 'movement')},
             sampling_rate=float(f.attrs['sampling_rate']))
"""


def load_trial(name: str, tmp: Path) -> tuple[Trial | None, str]:
    mat, h5 = BROAD / f"{name}.mat", BROAD / f"{name}.hdf5"
    if mat.exists():
        d = scipy.io.loadmat(mat)
        how = "scipy.io.loadmat"
    elif h5.exists():
        try:
            import h5py  # noqa: F401 - not a project dependency; used only when present
            npz = tmp / f"{name}.npz"
            subprocess.run([sys.executable, "-c", H5_TO_NPZ, str(h5), str(npz)], check=True)
            how = "h5py (this interpreter)"
        except ImportError:
            if not H5_PY.exists():
                return None, f"{name}: skipped (HDF5 and no h5py: not in .venv, no {H5_PY})"
            npz = tmp / f"{name}.npz"
            r = subprocess.run([str(H5_PY), "-c", H5_TO_NPZ, str(h5), str(npz)], capture_output=True, text=True)
            if r.returncode != 0:
                return None, f"{name}: skipped (HDF5 conversion failed: {r.stderr.strip()[-200:]})"
            how = f"HDF5 → .npz with {H5_PY.relative_to(ROOT)} (h5py)"
        d = dict(np.load(npz))
    else:
        return None, f"{name}: skipped (not found in {BROAD})"
    q = np.asarray(d["opt_quat"], float)
    ok = np.isfinite(q).all(axis=1)
    up = np.full((q.shape[0], 3), np.nan)
    up[ok] = quat_up(q[ok])
    tr = Trial(name, float(np.ravel(d["sampling_rate"])[0]), np.asarray(d["imu_acc"], float),
               np.asarray(d["imu_gyr"], float), up, np.ravel(d["movement"]).astype(bool))
    return tr, how


def angle_deg(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Angle between rows of u and v (deg); atan2 form, accurate at small angles."""
    u = u / np.linalg.norm(u, axis=1, keepdims=True)
    v = v / np.linalg.norm(v, axis=1, keepdims=True)
    return np.degrees(np.arctan2(np.linalg.norm(np.cross(u, v), axis=1), np.sum(u * v, axis=1)))


def gait_like(up: np.ndarray, fs: float, movement: np.ndarray) -> np.ndarray:
    """Samples selected by GAIT_RULE (NaN truth counts as failing the rule)."""
    n = up.shape[0]
    ok = np.isfinite(up).all(axis=1)
    u0 = np.where(ok[:, None], up, 0.0)
    half = int(round(GAIT_MEAN_S * fs / 2))
    c = np.vstack([np.zeros(3), np.cumsum(u0, axis=0)])
    lo, hi = np.clip(np.arange(n) - half, 0, n), np.clip(np.arange(n) + half + 1, 0, n)
    mean = c[hi] - c[lo]
    dev = np.full(n, np.inf)
    dev[ok] = angle_deg(up[ok], mean[ok])
    bad = (dev > GAIT_DEV_DEG).astype(float)
    L = int(round(GAIT_HIST_S * fs))
    cb = np.concatenate([[0.0], np.cumsum(bad)])
    idx = np.arange(n)
    any_bad = (cb[idx + 1] - cb[np.clip(idx + 1 - L, 0, n)]) > 0
    return movement & ~any_bad & (idx >= L)


def to_engine_rate(tr: Trial, chunk_s: float = 1.0) -> Trial:
    """The engine's path to 100 Hz: StreamResampler (box mean) fed 1-s chunks; truth interpolated to the grid."""
    t = np.arange(tr.acc.shape[0]) / tr.fs
    rs = StreamResampler(ENGINE_FS, input_rate_hz=tr.fs)
    x = np.hstack([tr.acc, tr.gyr])
    step = int(round(chunk_s * tr.fs))
    tg, vals = [], []
    for i in range(0, t.size, step):
        for ch in rs.feed(t[i:i + step], x[i:i + step]):
            if ch.segment_start:
                raise RuntimeError("unexpected gap in a BROAD trial")
            tg.append(ch.time_s)
            vals.append(ch.values)
    tg, vals = np.concatenate(tg), np.vstack(vals)
    # truth: linear interpolation of the up vector (NaN next to any lost sample), renormalised
    up = np.stack([np.interp(tg, t, tr.up_true[:, j]) for j in range(3)], axis=1)
    up /= np.linalg.norm(up, axis=1, keepdims=True)
    mv = tr.movement[np.clip(np.rint(tg * tr.fs).astype(int), 0, t.size - 1)]
    return Trial(tr.name, ENGINE_FS, vals[:, :3], vals[:, 3:], up, mv)


def run_tracker(acc: np.ndarray, gyr: np.ndarray, fs: float, chunk_s: float | None = 1.0) -> np.ndarray:
    gt = GravityTracker(fs, has_gyro=True)
    if chunk_s is None:
        return gt(acc, gyr)
    step = int(round(chunk_s * fs))
    return np.vstack([gt(acc[i:i + step], gyr[i:i + step]) for i in range(0, acc.shape[0], step)])


# ---------------------------------------------------------------------------- scoring

def subsets(tr: Trial) -> dict[str, np.ndarray]:
    has = np.isfinite(tr.up_true).all(axis=1) & (np.arange(tr.up_true.shape[0]) >= int(round(SETTLE_S * tr.fs)))
    return {"all": has, "movement": has & tr.movement, "rest": has & ~tr.movement,
            "gait_like": has & gait_like(tr.up_true, tr.fs, tr.movement)}


def score(err: np.ndarray, sets: dict[str, np.ndarray]) -> dict:
    out = {}
    for k, m in sets.items():
        e = err[m]
        out[k] = {"n": int(m.sum()),
                  "rmse_deg": float(np.sqrt(np.mean(e ** 2))) if e.size else None,
                  "p95_deg": float(np.percentile(e, 95)) if e.size else None}
    return out


# ---------------------------------------------------------------------------- peers

def ensure_peer_env() -> tuple[Path | None, str]:
    py = PEER_ENV / "bin" / "python"
    check = [str(py), "-c", "import vqf, imufusion, numpy"]
    if py.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return py, f"reused {PEER_ENV.relative_to(ROOT)}"
    print(f"creating {PEER_ENV.relative_to(ROOT)} ({', '.join(PEER_REQS)}) …", flush=True)
    log = PEER_ENV.parent / "orient-install.log"
    PEER_ENV.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as fh:
        if subprocess.run([sys.executable, "-m", "venv", str(PEER_ENV)], stdout=fh, stderr=subprocess.STDOUT).returncode:
            return None, f"python -m venv failed (see {log})"
        if subprocess.run([str(py), "-m", "pip", "install", *PEER_REQS, "numpy"], stdout=fh,
                          stderr=subprocess.STDOUT).returncode:
            return None, f"pip install {' '.join(PEER_REQS)} failed (see {log})"
    if subprocess.run(check, capture_output=True).returncode:
        return None, f"peers not importable after install (see {log})"
    return py, f"created {PEER_ENV.relative_to(ROOT)}"


def run_peers(py: Path, cases: dict[str, Trial], timing: tuple[np.ndarray, np.ndarray, float], repeats: int,
              tmp: Path) -> tuple[dict[str, np.ndarray], dict]:
    arrays: dict = {"names": np.array(list(cases)), "repeats": repeats,
                    "timing__acc": timing[0], "timing__gyr": timing[1], "timing__fs": timing[2]}
    for k, tr in cases.items():
        arrays.update({f"{k}__acc": tr.acc, f"{k}__gyr": tr.gyr, f"{k}__fs": tr.fs})
    src, out, js = tmp / "peer_in.npz", tmp / "peer_out.npz", tmp / "peer_out.json"
    np.savez(src, **arrays)
    subprocess.run([str(py), str(RUNNER), str(src), str(out), str(js)], check=True, cwd=ROOT)
    return dict(np.load(out)), json.loads(js.read_text())


# ---------------------------------------------------------------------------- main

def fmt(s: dict, n: bool = False) -> str:
    if s["rmse_deg"] is None:
        return "– | –" + (" | 0" if n else "")
    return f"{s['rmse_deg']:.2f} | {s['p95_deg']:.2f}" + (f" | {s['n']:,}" if n else "")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-peers", action="store_true", help="measure imu_gait only")
    ap.add_argument("--repeats", type=int, default=5, help="timing repeats (best of N)")
    args = ap.parse_args(argv)
    command = "python benchmarks/orientation.py" + (" --no-peers" if args.no_peers else "") + \
        (f" --repeats {args.repeats}" if args.repeats != 5 else "")
    res: dict = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 "machine": {"python": platform.python_version(), "cpu": cpu_model(), "cores": os.cpu_count(),
                             "numpy": np.__version__, "scipy": scipy.__version__},
                 "command": command, "settle_s": SETTLE_S, "gait_like_rule": GAIT_RULE,
                 "trials": {}, "skipped": [], "notes": []}
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as tmpd:
        tmp = Path(tmpd)
        trials: list[Trial] = []
        for name in TRIALS:
            tr, how = load_trial(name, tmp)
            if tr is None:
                print(how)
                res["skipped"].append(how)
                continue
            # convention check: true up vs accelerometer direction while the rig is still
            rest = np.isfinite(tr.up_true).all(axis=1) & ~tr.movement
            chk = float(np.median(angle_deg(tr.up_true[rest], tr.acc[rest])))
            print(f"{name}: {tr.acc.shape[0]} samples at {tr.fs:.2f} Hz ({how}); truth on "
                  f"{np.isfinite(tr.up_true).all(axis=1).mean():.1%}; median ∠(true up, acc) at rest {chk:.2f}°")
            if chk > 3.0:
                raise SystemExit(f"{name}: quaternion convention check failed ({chk:.1f}° at rest)")
            res["trials"][name] = {"fs_hz": tr.fs, "samples": int(tr.acc.shape[0]), "read_with": how,
                                   "duration_s": tr.acc.shape[0] / tr.fs,
                                   "truth_fraction": float(np.isfinite(tr.up_true).all(axis=1).mean()),
                                   "rest_median_angle_true_up_vs_acc_deg": chk, "results": {}}
            trials.append(tr)
        if not trials:
            raise SystemExit("no BROAD trial available")

        cases: dict[str, Trial] = {}
        for tr in trials:
            cases[f"{tr.name}@native"] = tr
            cases[f"{tr.name}@100Hz"] = to_engine_rate(tr)

        # chunk invariance, checked once (trial 21 or the last one): 1-s chunks vs one call, both rates
        tr = trials[-1]
        d_native = float(np.max(angle_deg(run_tracker(tr.acc, tr.gyr, tr.fs), run_tracker(tr.acc, tr.gyr, tr.fs, None))))
        whole = to_engine_rate(tr, chunk_s=1e9)
        c100 = cases[f"{tr.name}@100Hz"]
        same_grid = whole.acc.shape == c100.acc.shape
        d_100 = float(np.max(angle_deg(run_tracker(c100.acc, c100.gyr, 100.0),
                                       run_tracker(whole.acc, whole.gyr, 100.0, None)))) if same_grid else float("nan")
        res["chunk_invariance"] = {"trial": tr.name, "max_diff_deg_native": d_native,
                                   "max_diff_deg_100hz_resampler_and_tracker": d_100,
                                   "same_grid": same_grid}
        print(f"chunk invariance ({tr.name}): max ∠ difference 1-s chunks vs one call: native {d_native:.2e}°, "
              f"100 Hz incl. resampler {d_100:.2e}°")

        # imu_gait on every case, 1-s chunks
        estimates: dict[str, dict[str, np.ndarray]] = {k: {"imu_gait": run_tracker(c.acc, c.gyr, c.fs)}
                                                       for k, c in cases.items()}

        # CPU per hour of 100 Hz data: the 100 Hz version of the last trial tiled to one hour
        k = int(np.ceil(3600 * ENGINE_FS / c100.acc.shape[0]))
        h_acc = np.tile(c100.acc, (k, 1))[:int(3600 * ENGINE_FS)]
        h_gyr = np.tile(c100.gyr, (k, 1))[:int(3600 * ENGINE_FS)]
        timing: dict = {}
        for label, chunk in (("imu_gait_1s_chunks", 1.0), ("imu_gait_300s_chunks", 300.0)):
            best = float("inf")
            for _ in range(args.repeats):
                c0 = time.process_time()
                run_tracker(h_acc, h_gyr, ENGINE_FS, chunk)
                best = min(best, time.process_time() - c0)
            timing[label] = best
        peer_info: dict = {}
        if args.no_peers:
            notes.append("Peers not run (--no-peers).")
        else:
            py, msg = ensure_peer_env()
            print(f"peers: {msg}", flush=True)
            if py is None:
                notes.append(f"Peers could not be installed ({msg}); published BROAD numbers (not measured here): "
                             "vqf 0.69° causal / 0.41° offline, imufusion 4.4° (see ../shared/peer_data/README.md).")
            else:
                quats, peer_info = run_peers(py, cases, (h_acc, h_gyr, ENGINE_FS), args.repeats, tmp)
                for key, q in quats.items():
                    case, filt = key.rsplit("__", 1)
                    estimates[case][filt] = quat_up(q)
                for key, err in peer_info.get("errors", {}).items():
                    notes.append(f"peer failure {key}: {err.splitlines()[0]}")
                for key, v in peer_info.get("cpu_s", {}).items():
                    if key.startswith("timing__"):
                        timing[key.split("__", 1)[1]] = v / peer_info["timing_hours"]
        res["cpu_s_per_hour_100hz"] = timing
        res["peers"] = {k: v for k, v in peer_info.items() if k != "cpu_s"}

        # scoring
        rows = []
        pooled: dict[tuple[str, str], dict[str, list]] = {}
        for case, c in cases.items():
            name, rate = case.split("@")
            sets = subsets(c)
            res["trials"][name].setdefault("gait_like_fraction_of_movement", {})[rate] = \
                float(sets["gait_like"].sum() / max(1, sets["movement"].sum()))
            gl = sets["gait_like"]
            g_idx, m_idx = np.flatnonzero(gl), np.flatnonzero(c.movement)
            runs = np.split(g_idx, np.flatnonzero(np.diff(g_idx) > 1) + 1) if g_idx.size else []
            res["trials"][name].setdefault("gait_like_runs_s_after_movement_start", {})[rate] = [
                [round(float((r[0] - m_idx[0]) / c.fs), 2), round(float(r.size / c.fs), 2)] for r in runs]
            res["trials"][name].setdefault("median_gyro_deg_s", {})[rate] = {
                "movement": float(np.degrees(np.median(np.linalg.norm(c.gyr[sets["movement"]], axis=1)))),
                "gait_like": float(np.degrees(np.median(np.linalg.norm(c.gyr[gl], axis=1)))) if gl.any() else None}
            lin = np.linalg.norm(c.acc - G_STD * np.where(np.isfinite(c.up_true), c.up_true, 0.0), axis=1)
            res["trials"][name].setdefault("linear_acc_rms_mps2", {})[rate] = {
                k: float(np.sqrt(np.mean(lin[sets[k]] ** 2))) if sets[k].any() else None
                for k in ("movement", "gait_like")}
            # diagnostic: the accelerometer-only path of the same tracker (no gyro) on the gait-like samples
            acc_only = GravityTracker(c.fs, has_gyro=False)(c.acc, None)
            e_ao = angle_deg(acc_only, np.where(np.isfinite(c.up_true), c.up_true, 1.0))
            res["trials"][name].setdefault("imu_gait_acc_only_rmse_deg", {})[rate] = score(e_ao, sets)
            for tool in TOOLS:
                if tool not in estimates[case]:
                    continue
                err = angle_deg(estimates[case][tool], np.where(np.isfinite(c.up_true), c.up_true, 1.0))
                sc = score(err, sets)
                res["trials"][name]["results"].setdefault(rate, {})[tool] = sc
                rows.append((name[:2], rate, tool, sc))
                p = pooled.setdefault((rate, tool), {k: [] for k in sets})
                for k, m in sets.items():
                    p[k].append(err[m])
        # sanity: every estimate near the truth at rest (frame conventions of the peers)
        for name, t in res["trials"].items():
            for rate, by_tool in t["results"].items():
                for tool, sc in by_tool.items():
                    if sc["rest"]["rmse_deg"] is not None and sc["rest"]["rmse_deg"] > 5.0:
                        notes.append(f"WARNING {name} {rate} {tool}: rest RMSE {sc['rest']['rmse_deg']:.1f}° — "
                                     "frame convention suspect")
        pooled_rows = []
        res["pooled"] = {}
        for (rate, tool), p in pooled.items():
            sc = {k: score(np.concatenate(v), {k: np.ones(sum(x.size for x in v), bool)})[k] for k, v in p.items()}
            res["pooled"].setdefault(rate, {})[tool] = sc
            pooled_rows.append((rate, tool, sc))

    res["notes"] = notes
    md = render(res, rows, pooled_rows, timing)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "orientation.md").write_text(md)
    (RESULTS / "orientation.json").write_text(json.dumps(res, indent=1))
    print(md)
    return 0


def render(res: dict, rows: list, pooled_rows: list, timing: dict) -> str:
    head = ("| {0} | tool | all: RMSE | p95 | movement: RMSE | p95 | rest: RMSE | p95 | gait-like: RMSE | p95 | n |\n"
            "|{1}---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    t_rows = [f"| {tr} | {rate} | {TOOLS[tool]} | {fmt(sc['all'])} | {fmt(sc['movement'])} | {fmt(sc['rest'])} | "
              f"{fmt(sc['gait_like'], True)} |" for tr, rate, tool, sc in rows]
    p_rows = [f"| {rate} | {TOOLS[tool]} | {fmt(sc['all'])} | {fmt(sc['movement'])} | {fmt(sc['rest'])} | "
              f"{fmt(sc['gait_like'], True)} |" for rate, tool, sc in pooled_rows]
    m = res["machine"]
    trials_md = []
    for name, t in res["trials"].items():
        gl = t.get("gait_like_fraction_of_movement", {})
        gy = t.get("median_gyro_deg_s", {}).get("100Hz", {})
        trials_md.append(f"- `{name}`: {t['duration_s']:.0f} s at {t['fs_hz']:.2f} Hz, truth on {t['truth_fraction']:.0%} "
                         f"of samples, read with {t['read_with']}; median ∠(true up, accelerometer) at rest "
                         f"{t['rest_median_angle_true_up_vs_acc_deg']:.2f}° (convention check); gait-like = "
                         f"{gl.get('100Hz', 0):.0%} of the movement phase at 100 Hz ("
                         + (", ".join(f"{d:.1f} s from {a:.1f} s" for a, d in
                                      t.get("gait_like_runs_s_after_movement_start", {}).get("100Hz", [])) or "none")
                         + " after the movement starts); median |ω| movement "
                         f"{gy.get('movement', float('nan')):.0f}°/s, gait-like "
                         f"{(gy.get('gait_like') or float('nan')):.0f}°/s; RMS linear acceleration "
                         "|acc − g·up| movement "
                         f"{t['linear_acc_rms_mps2']['100Hz']['movement']:.1f} m/s², gait-like "
                         f"{(t['linear_acc_rms_mps2']['100Hz']['gait_like'] or float('nan')):.1f} m/s²")
    ci = res["chunk_invariance"]
    lab = {"imu_gait_1s_chunks": "imu_gait GravityTracker, 1-s chunks (live)",
           "imu_gait_300s_chunks": "imu_gait GravityTracker, 300-s chunks (offline)",
           "vqf": "vqf VQF.updateBatch (causal)", "vqf_offline": "vqf offlineVQF",
           "imufusion": "imufusion Ahrs.update_no_magnetometer, per-sample Python loop"}
    cpu_rows = [f"| {lab.get(k, k)} | {v:.3f} |" for k, v in timing.items()]
    vers = res.get("peers", {}).get("versions", {})
    lines = [
        "# Orientation accuracy: gravity direction ('up') vs optical truth (BROAD)",
        "",
        f"Command: `{res['command']}` (from the repository root, in `.venv`).  ",
        f"Date: {res['date']}. Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, numpy {m['numpy']}, "
        f"scipy {m['scipy']}." + (f" Peers: vqf {vers.get('vqf')}, imufusion {vers.get('imufusion')} "
                                  "(throwaway venv `benchmarks/.peers/orient`)." if vers else ""),
        "",
        "Data: BROAD (Laidig et al., *Data* 2021, doi:10.3390/data6070072), © the authors, CC-BY-4.0; read in place from "
        "`../shared/peer_data/broad_subset/`, nothing copied. A handheld IMU rig moved fast by hand — rotations far "
        "larger and faster than a trunk during gait.",
        *trials_md,
        *(f"- {s}" for s in res["skipped"]),
        "",
        "Metric: inclination error = angle between estimated and true up in sensor axes (true up = R(q)ᵀ·[0,0,1], "
        "q = `opt_quat` sensor→ENU, w x y z), per sample, in degrees; RMSE and 95th percentile. Samples without "
        f"optical truth (NaN) are excluded; **the first {SETTLE_S:.0f} s of every trial are excluded (filter "
        "settling)**. *movement* / *rest* = BROAD's `movement` mask / its complement. *gait-like* = "
        f"{res['gait_like_rule']}. *100Hz* = IMU data through the engine's `StreamResampler` (box mean, fed 1-s "
        "chunks) and the truth linearly interpolated to the same grid; *native* = 285.71 Hz. Every filter is fed "
        "the same samples; imu_gait in 1-s chunks (as live). imufusion gets acc in g (÷9.80665) and gyro in °/s.",
        "",
        "## Pooled over the trials",
        "",
        head.format("rate", ""),
        *p_rows,
        "",
        "## Per trial",
        "",
        head.format("trial | rate", "---|"),
        *t_rows,
        "",
        "## CPU per hour of 100 Hz data",
        "",
        "The 100 Hz version of the last trial tiled to one hour (360,000 samples), single process, best of "
        "the repeats, filter call only.",
        "",
        "| filter | CPU s per hour |",
        "|---|---:|",
        *cpu_rows,
        "",
        f"Chunk invariance ({ci['trial']}): GravityTracker fed 1-s chunks vs one whole-array call differs by at most "
        f"{ci['max_diff_deg_native']:.1e}° (native) and {ci['max_diff_deg_100hz_resampler_and_tracker']:.1e}° "
        "(100 Hz, resampler and tracker both chunked).",
        "",
        *(f"- {n}" for n in res["notes"]),
        *interpretation(res, timing),
    ]
    return "\n".join(lines)


def interpretation(res: dict, timing: dict) -> list[str]:
    """What the numbers mean for gait (numbers taken from this run)."""
    p = res["pooled"].get("100Hz", {})
    ours = p.get("imu_gait")
    if ours is None:
        return []
    v = p.get("vqf")
    vs = (lambda k: f" (vqf causal {v[k]['rmse_deg']:.2f}°)" if v and v[k]["rmse_deg"] is not None else "")
    t15 = res["trials"].get("15_undisturbed_fast_translation_A", {}).get("results", {}).get("100Hz", {}).get("imu_gait")
    gl = ours["gait_like"]
    w = [t["median_gyro_deg_s"]["100Hz"]["movement"] for t in res["trials"].values() if "median_gyro_deg_s" in t]
    ao15 = res["trials"].get("15_undisturbed_fast_translation_A", {}).get("imu_gait_acc_only_rmse_deg", {}).get("100Hz")
    la15 = res["trials"].get("15_undisturbed_fast_translation_A", {}).get("linear_acc_rms_mps2", {}).get("100Hz", {})
    out = [
        "",
        "## What this means",
        "",
        f"- **At rest** GravityTracker is as good as the quaternion filters: {ours['rest']['rmse_deg']:.2f}° RMSE{vs('rest')}.",
        f"- **During BROAD's movement phases it fails**: {ours['movement']['rmse_deg']:.1f}° RMSE, p95 "
        f"{ours['movement']['p95_deg']:.0f}°{vs('movement')}. The filter linearises the rotation of gravity about a slow "
        "gravity estimate (low-pass at half the 0.3 Hz cutoff); BROAD's hand-held rig turns by tens to hundreds of "
        f"degrees within a second (median |ω| {min(w):.0f}–{max(w):.0f}°/s over the movement phases), far outside "
        "that approximation, and the estimate can end up pointing sideways or down. This is the expected, designed-in limitation, not a regression; it means the tracker's output is not "
        "valid during or for a few seconds after large fast re-orientations (a phone handled in the hand, lying "
        "down / getting up, a fall), so lean or pelvic drop must not be reported from such stretches.",
        f"- **Gait-like selection** ({gl['n']:,} samples at 100 Hz, almost all in the first seconds of movement after a "
        f"rest): {gl['rmse_deg']:.1f}° RMSE, p95 {gl['p95_deg']:.1f}°{vs('gait_like')}."
        + (f" Most of these samples come from trial 15 (fast translation), where the rig's linear acceleration "
           f"(RMS {la15.get('gait_like') or float('nan'):.1f} m/s² in these samples) leaks through the 0.3 Hz "
           f"accelerometer low-pass ({t15['gait_like']['rmse_deg']:.1f}° there; the same tracker without the gyro gives "
           f"{ao15['gait_like']['rmse_deg']:.1f}°, so the accelerometer path dominates)." if t15 and ao15 else "")
        + " Trunk tilts during walking stay within ~10–15° of their mean, which is the regime the filter is built "
        "for, and the trunk's acceleration is mostly at the step frequency and its harmonics (≈2 Hz and up), "
        "which the low-pass attenuates strongly; "
        "BROAD has no gait segment, so this benchmark neither confirms nor refutes the ±2° of the synthetic tests "
        "(and the ≤2° RMSE trunk-pitch target of `../shared/docs/gait-science.md` §6, ViMove level) on real gait. "
        "That needs a trunk recording during walking with optical truth, which is not available here.",
        "- **Peers vs their published numbers**: `../shared/peer_data/README.md` quotes vqf 0.69° causal / 0.41° "
        "offline and imufusion 4.4° on BROAD (which trials is not stated there); these three trials are the *fast* "
        "ones, so somewhat larger errors here are expected. imufusion 1.3.3's default settings leave acceleration "
        "rejection off, a plausible (untested) reason for its large error on the fast-translation trial.",
        f"- **Cost**: {timing.get('imu_gait_300s_chunks', float('nan')):.3f} s CPU per hour of 100 Hz data in 300-s "
        f"chunks, {timing.get('imu_gait_1s_chunks', float('nan')):.3f} s in 1-s chunks (per-call overhead)"
        + (f"; vqf's compiled batch call {timing['vqf']:.3f} s" if "vqf" in timing else "")
        + ". All are negligible next to real time (3,600 s).",
        "",
    ]
    return out


if __name__ == "__main__":
    sys.exit(main())
