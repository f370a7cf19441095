"""Accuracy benchmark (issue 3): imu_gait vs mobgap vs scikit-digital-health on real
recordings with reference gait events.

Command (from the repository root)::

    python benchmarks/accuracy.py            # everything: sets up the peers, runs, writes results
    python benchmarks/accuracy.py --quick    # a small subset for development (results/accuracy-quick.*)

Options: ``--datasets ipol mobgap oxford datasets``, ``--tools imu_gait mobgap skdh``,
``--skip-setup`` (use the peer environments as they are), ``--reuse-peers`` (reuse the
peers' outputs of the previous run: ~15 s loop while tuning imu_gait), ``--tol 0.25``
(match window, s).

What it does
  1. loads every available recording with reference events (``benchmarks/refdata.py``):
     the in-repo ``datasets/`` and, when present, ``../shared/datasets_raw/{ipol_voisard_
     healthy_gait, mobgap_example, oxford_step_counter}`` (missing ones are skipped with a
     message);
  2. creates the isolated peer environments ``benchmarks/.peers/{mobgap,skdh}``
     (``benchmarks/setup_peers.py``; PyPI mobgap==1.2.0, scikit-digital-health==0.17.18),
     writes each recording in the peer's units and axes, and runs the peers' runner scripts
     (``benchmarks/peers/run_*.py``) with the peer interpreter, both at once;
  3. runs ``imu_gait.analyze`` in this process on the recordings as delivered (gaps and
     irregular phone sampling kept);
  4. scores everything with ``imu_gait.evaluation`` and writes
     ``benchmarks/results/accuracy.md`` and ``accuracy.json``.

All tools run single-threaded (BLAS/OpenMP threads = 1) so that CPU times are comparable.
"""
from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import datetime as _dt  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))
from benchmarks.machine import cpu_model  # noqa: E402

import refdata  # noqa: E402
import setup_peers  # noqa: E402

ev = refdata.load_evaluation()  # imu_gait.evaluation, even if the rest of imu_gait fails to import

RESULTS = HERE / "results"
WORK = HERE / ".peers" / "work"
SKDH_FAKE_EPOCH_S = 1699963200.0  # 2023-11-14 12:00 UTC: used when a recording has no absolute time

#: (variant key, peer, method key in the runner's JSON, label, runs on reference bouts only)
VARIANTS = [
    ("imu_gait", "imu_gait", None, "imu_gait analyze()", False),
    ("imu_gait_placed", "imu_gait", "placed", "imu_gait analyze(placement=…) ³", False),
    ("imu_gait_acc", "imu_gait", "acc_only", "imu_gait analyze(), gyroscope dropped ⁴", False),
    ("mobgap", "mobgap", "pipeline", "mobgap MobilisedPipelineHealthy", False),
    ("mobgap_wb", "mobgap", "pipeline:wb_ic_s", "mobgap MobilisedPipelineHealthy, ICs in final WBs only", False),
    ("mobgap_impaired", "mobgap", "pipeline_impaired", "mobgap MobilisedPipelineImpaired", False),
    ("skdh", "skdh", "pipeline", "skdh PredictGaitLumbarLgbm + GaitLumbar", False),
    ("mobgap_ionescu_ref", "mobgap", "icd_ionescu_refbouts", "mobgap IcdIonescu on ref. bouts ²", True),
    ("mobgap_shin_ref", "mobgap", "icd_shin_refbouts", "mobgap IcdShinImproved on ref. bouts ²", True),
    ("skdh_ref", "skdh", "gait_refbouts", "skdh GaitLumbar on ref. bouts ²", True),
]
VARIANT_BY_KEY = {v[0]: v for v in VARIANTS}

DATASET_INFO = {
    "ipol": ("IPOL healthy gait (Voisard et al.), lower back, 100 Hz with dropped packets",
             "foot-IMU initial contacts, manually checked; scored over the whole file (U-turn included); "
             "U-turn and straight-walk parts also scored separately. Cadence bout = the trial."),
    "mobgap": ("mobgap example data (Mobilise-D TVS lab), lower back, 100 Hz",
               "INDIP initial contacts (NaN dropped), scored inside INDIP walking bouts only; stride length "
               "per INDIP stride; false steps outside the bouts in the daily-activities recordings."),
    "oxford": ("Oxford step counter, phone in front/back trouser pocket or neck pouch, ~200/405 Hz irregular",
               "insole pressure pads: steps = rising edges of pad_1 + pad_2 (≈100 ms resolution: counts and "
               "cadence are exact, IC timing only coarse); whole file scored."),
    "datasets": ("in-repo datasets/ (native CSV + reference JSON)",
                 "reference JSON beside each CSV; scored inside its bouts when it has them, else whole file."),
    "datasets:mobgap": ("in-repo datasets/mobgap_* (the 6 mobgap lab recordings as native CSV)",
                        "INDIP ICs from the reference JSON, scored inside its bouts; stride length per INDIP "
                        "stride; the ICs must score as in the mobgap table (same recordings, converted; the JSON keeps "
                        "where INDIP lost an IC as null, and detections there are not scored, as there); strides "
                        "only of bouts in which INDIP lost no IC (the stride-to-IC pairing is otherwise ambiguous), "
                        "so fewer strides are compared than in the mobgap table."),
    "datasets:oxford": ("in-repo datasets/oxford_* (2 Oxford phone recordings as native CSV)",
                        "pad step times from the reference JSON; whole file scored."),
}


# ---- helpers ------------------------------------------------------------------------------
def _safe_id(name: str) -> str:
    return name.replace("/", "__")


def machine_info() -> dict:
    return {"nproc": os.cpu_count(), "cpu_model": cpu_model(), "platform": platform.platform(),
            "python": platform.python_version()}


class Progress:
    """Progress bars (rich) with a plain-text fallback; safe to update from threads."""

    def __init__(self):
        self._lock = threading.Lock()
        try:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as RP, TextColumn, TimeElapsedColumn
            self._p = RP(TextColumn("{task.description:<34}"), BarColumn(), MofNCompleteColumn(),
                         TimeElapsedColumn(), TextColumn("{task.fields[last]}"), refresh_per_second=4)
        except ImportError:  # pragma: no cover
            self._p = None
        self._tasks: dict[str, object] = {}
        self._counts: dict[str, list[int]] = {}

    def __enter__(self):
        if self._p:
            self._p.__enter__()
        return self

    def __exit__(self, *a):
        if self._p:
            self._p.__exit__(*a)

    def add(self, key: str, label: str, total: int):
        with self._lock:
            self._counts[key] = [0, total]
            if self._p:
                self._tasks[key] = self._p.add_task(label, total=total, last="")
            else:
                print(f"{label}: {total} recordings", flush=True)

    def advance(self, key: str, last: str = ""):
        with self._lock:
            c = self._counts[key]
            c[0] += 1
            if self._p:
                self._p.update(self._tasks[key], advance=1, last=last[-48:])
            else:
                print(f"  [{key} {c[0]}/{c[1]}] {last}", flush=True)

    def log(self, msg: str):
        with self._lock:
            if self._p:
                self._p.console.print(msg)
            else:
                print(msg, flush=True)


# ---- peers --------------------------------------------------------------------------------
def write_peer_inputs(recs: list[refdata.RefRecording], peers: list[str]) -> dict[str, dict]:
    """Write one .npz per recording and peer; returns per-recording preparation info."""
    prep: dict[str, dict] = {}
    for p in peers:
        d = WORK / p / "in"
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        od = WORK / p / "out"
        if od.exists():
            shutil.rmtree(od)
    for rec in recs:
        u = refdata.uniform_signal(rec, 100.0)
        order, sign = refdata.body_axes_permutation(u["acc_mps2"])
        acc = u["acc_mps2"][:, order] * sign
        gyro = None if u["gyro_rads"] is None else u["gyro_rads"][:, order] * sign
        t0 = float(rec.time_s[0])
        bouts = rec.bouts - t0 if rec.bouts.size else np.empty((0, 2))
        sh = np.nan if rec.sensor_height_m is None else float(rec.sensor_height_m)
        h = np.nan if rec.body_height_m is None else float(rec.body_height_m)
        n = acc.shape[0]
        info = {"t0_s": t0, "duration_s": (n - 1) / 100.0, "interpolated_fraction": u["interpolated_fraction"],
                "axes": f"order {order.tolist()} sign {sign.astype(int).tolist()}", "notes": []}
        if gyro is None:
            info["notes"].append("no gyroscope: zeros given to mobgap (used there only for turns / left-right)")
        if u["interpolated_fraction"] > 0.001:
            info["notes"].append(f"{100 * u['interpolated_fraction']:.1f} % of the 100 Hz grid interpolated (gaps)")
        prep[rec.name] = info
        sid = _safe_id(rec.name)
        if "mobgap" in peers:
            np.savez(WORK / "mobgap" / "in" / f"{sid}.npz", acc_mps2=acc,
                     gyr_dps=np.rad2deg(gyro) if gyro is not None else np.zeros_like(acc),
                     fs_hz=100.0, sensor_height_m=sh, height_m=h, ref_bouts_s=bouts)
        if "skdh" in peers:
            epoch = rec.start_unix_s if rec.start_unix_s else SKDH_FAKE_EPOCH_S
            np.savez(WORK / "skdh" / "in" / f"{sid}.npz", time_unix_s=epoch + np.arange(n) / 100.0,
                     accel_g=acc / refdata.G, gyro_rads=gyro if gyro is not None else np.empty((0, 3)),
                     fs_hz=100.0, sensor_height_m=sh, height_m=h, t0_s=0.0, ref_bouts_s=bouts)
    return prep


def launch_peer(peer: str, progress: Progress) -> tuple[subprocess.Popen, threading.Thread]:
    py = setup_peers.peer_python(peer)
    script = HERE / "peers" / f"run_{peer}.py"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    log = open(WORK / peer / "stderr.log", "w")
    proc = subprocess.Popen([str(py), str(script), str(WORK / peer / "in"), str(WORK / peer / "out")],
                            stdout=subprocess.PIPE, stderr=log, text=True, env=env, cwd=str(REPO))

    def pump():
        for line in proc.stdout:
            if line.startswith("DONE "):
                progress.advance(peer, line[5:].strip().replace("__", "/"))
        proc.wait()
        log.close()

    th = threading.Thread(target=pump, daemon=True)
    th.start()
    return proc, th


def collect_peer(peer: str, recs, prep) -> dict[str, dict]:
    """Per recording: the runner's JSON with times shifted back to the recording's axis."""
    out = {}
    for rec in recs:
        f = WORK / peer / "out" / f"{_safe_id(rec.name)}.json"
        if not f.exists():
            out[rec.name] = {"error": "runner produced no output (crashed? see benchmarks/.peers/work/"
                                      f"{peer}/stderr.log)"}
            continue
        res = json.loads(f.read_text())
        t0 = prep[rec.name]["t0_s"]
        for k, v in res.items():
            if isinstance(v, dict) and "ic_s" in v:
                for ik in ("ic_s", "wb_ic_s"):
                    if ik in v:
                        v[ik] = (np.asarray(v[ik], dtype=float) + t0).tolist()
                if v.get("strides"):
                    s = np.asarray([[np.nan if x is None else x for x in row] for row in v["strides"]], dtype=float)
                    s[:, :2] += t0
                    v["strides"] = s.tolist()
        out[rec.name] = res
    return out


# ---- imu_gait -----------------------------------------------------------------------------
def _imu_gait_row(res, cpu: float, wall: float) -> dict:
    """One imu_gait result as the scorer reads it: contacts, strides with lengths, timing."""
    steps = res.steps
    t = steps["time_s"].to_numpy(dtype=float) if len(steps) else np.empty(0)
    strides = np.empty((0, 3))
    if len(steps) >= 3 and "step_length_m" in steps:
        sl = steps["step_length_m"].to_numpy(dtype=float)
        bout = steps["bout"].to_numpy() if "bout" in steps else np.zeros(len(steps))
        same = (bout[2:] == bout[1:-1]) & (bout[1:-1] == bout[:-2])
        # a row's step length is the step from its contact to the next: stride i→i+2 = rows i and i+1
        strides = np.c_[t[:-2], t[2:], sl[:-2] + sl[1:-1]][same]
    return {"ic_s": t.tolist(), "strides": strides.tolist(), "cpu_s": cpu, "wall_s": wall,
            "n_bouts": int(len(res.bouts)) if getattr(res, "bouts", None) is not None else None,
            "warnings": list(getattr(res, "warnings", []))[:10]}


def run_imu_gait(recs, progress: Progress) -> tuple[dict[str, dict], str | None, str | None]:
    """Run imu_gait.analyze on each recording. Returns (per recording, unavailable reason, version)."""
    progress.add("imu_gait", "imu_gait analyze()", len(recs))
    try:
        import imu_gait
        from imu_gait import Recording
        version = getattr(imu_gait, "__version__", "?")
    except Exception as e:  # noqa: BLE001 - ImportError, or the package failing while it is written
        for r in recs:
            progress.advance("imu_gait", r.name)
        return {}, f"not available: import imu_gait failed ({type(e).__name__}: {e})", None
    out: dict[str, dict] = {}
    if recs:  # warm-up (untimed, discarded): one-off import / cache costs are not per-hour runtime
        try:
            imu_gait.analyze(Recording(time_s=recs[0].time_s.copy(), acc_mps2=recs[0].acc_mps2.copy(),
                                       gyro_rads=None if recs[0].gyro_rads is None else recs[0].gyro_rads.copy(),
                                       meta={"source": recs[0].name}), sensor_height_m=recs[0].sensor_height_m)
        except Exception:  # noqa: BLE001 - the timed run below records any failure
            pass
    for rec in recs:
        r = Recording(time_s=rec.time_s.copy(), acc_mps2=rec.acc_mps2.copy(),
                      gyro_rads=None if rec.gyro_rads is None else rec.gyro_rads.copy(),
                      meta={"source": rec.name})
        try:
            c0, w0 = time.process_time(), time.perf_counter()
            res = imu_gait.analyze(r, sensor_height_m=rec.sensor_height_m)
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            placed = None
            if rec.placement != "lower_back":
                # the same recording with the placement a user would declare (a pocket: contacts evened out)
                c1, w1 = time.process_time(), time.perf_counter()
                placed_res = imu_gait.analyze(r, sensor_height_m=rec.sensor_height_m, placement=rec.placement)
                placed = (placed_res, time.process_time() - c1, time.perf_counter() - w1)
            acc_only = None
            if r.gyro_rads is not None:
                # as a phone or a Polar H10 would record it: the accelerometer alone
                c2, w2 = time.process_time(), time.perf_counter()
                acc_res = imu_gait.analyze(Recording(r.time_s, r.acc_mps2, None, meta=r.meta),
                                           sensor_height_m=rec.sensor_height_m)
                acc_only = (acc_res, time.process_time() - c2, time.perf_counter() - w2)
        except (NotImplementedError, ImportError, AttributeError) as e:
            if not out:  # the engine is not there at all
                for r2 in recs:
                    progress.advance("imu_gait", r2.name)
                return {}, f"not available: {type(e).__name__}: {e}", version
            out[rec.name] = {"error": f"{type(e).__name__}: {e}"}
            progress.advance("imu_gait", rec.name)
            continue
        except Exception as e:  # noqa: BLE001 - recorded in the table
            out[rec.name] = {"error": f"{type(e).__name__}: {e}",
                             "traceback": traceback.format_exc(limit=4)}
            progress.advance("imu_gait", rec.name)
            continue
        out[rec.name] = _imu_gait_row(res, cpu, wall)
        # recordings whose placement is the lower back: the declared run is the same run
        out[rec.name]["placed"] = _imu_gait_row(*placed) if placed else dict(out[rec.name])
        out[rec.name]["acc_only"] = _imu_gait_row(*acc_only) if acc_only else dict(out[rec.name])
        progress.advance("imu_gait", rec.name)
    return out, None, version


# ---- scoring ------------------------------------------------------------------------------
def score_one(rec: refdata.RefRecording, res: dict, on_ref_bouts: bool, tol: float) -> dict:
    """Per-recording metrics of one tool variant (``res``: ic_s, strides, cpu_s, … or error)."""
    row: dict = {"recording": rec.name, "subject": rec.subject, "condition": rec.condition,
                 "duration_s": rec.duration_s}
    scored = not (rec.score_windows is not None and rec.score_windows.size == 0)
    row["scored"] = scored
    if "error" in res:
        row["error"] = res["error"]
    det = np.asarray(res.get("ic_s", []), dtype=float)   # failure = no detections (counted as misses)
    c = ev.ic_counts(det, rec.ref_ic_s, tol, windows=rec.effective_windows)
    row.update({k: c[k] for k in ("tp", "fp", "fn", "n_det", "n_ref")})
    row["_errors_s"] = c["errors_s"]
    s = ev.scores_from_counts(c["tp"], c["fp"], c["fn"], c["errors_s"])
    row.update({k: s[k] for k in ("precision", "recall", "f1", "median_abs_err_ms", "p95_abs_err_ms", "mean_err_ms")})
    row["step_count_err_pct"] = ev.step_count_error_pct(c["n_det"], c["n_ref"])
    if not rec.ic_timing_valid and det.size:
        # coarse references (pad edges) lag the true contact by a roughly constant amount that differs
        # per recording; a tool whose contacts are on time then misses the ±0.25 s window. Secondary
        # score: remove this recording's median signed lag (pairs within ±0.5 s) and match again.
        pairs, _, _ = ev.match_events(det, rec.ref_ic_s, 2 * tol)
        lag = float(np.median(det[pairs[:, 0]] - rec.ref_ic_s[pairs[:, 1]])) if len(pairs) else 0.0
        cc = ev.ic_counts(det - lag, rec.ref_ic_s, tol, windows=rec.effective_windows)
        row["_offset_corrected"] = cc
        row["lag_ms"] = 1000.0 * lag
    row["cadence_err_spm"] = ev.bout_cadence_errors_spm(det, rec.ref_ic_s, rec.bouts, tol).tolist()
    if rec.ref_strides.size and res.get("strides"):
        row["stride_len_err_m"] = ev.stride_length_errors_m(np.asarray(res["strides"], float), rec.ref_strides, tol).tolist()
        row["stride_speed_err_mps"] = ev.stride_speed_errors_mps(np.asarray(res["strides"], float), rec.ref_strides,
                                                                 tol).tolist()
        idx, err = ev.stride_length_errors_by_reference(np.asarray(res["strides"], float), rec.ref_strides, tol)
        row["_stride_len_by_ref"] = dict(zip(idx.tolist(), err.tolist()))
    else:
        row["stride_len_err_m"] = row["stride_speed_err_mps"] = []
    row["n_ref_strides"] = int(rec.ref_strides.shape[0])
    if rec.false_step_eval and not on_ref_bouts:
        per_min, n_false, minutes = ev.false_steps_per_min(det, rec.ref_ic_s, rec.bouts, rec.time_s[0], rec.time_s[-1], tol)
        row.update(false_steps=n_false, minutes_outside=minutes, false_steps_per_min=per_min)
        # INDIP misses some bouts that the Stereophoto cameras saw (HA001 131–134 s, HA002 142–147 s):
        # steps there are real. Second count: outside the walking of either reference.
        either = ev.merge_windows(np.vstack([rec.bouts.reshape(-1, 2), rec.other_walking.reshape(-1, 2)]))
        per_min2, n_false2, minutes2 = ev.false_steps_per_min(det, rec.ref_ic_s, either, rec.time_s[0],
                                                              rec.time_s[-1], tol)
        row.update(false_steps_any_ref=n_false2, minutes_outside_any_ref=minutes2)
    for k, w in rec.extra_windows.items():
        cc = ev.ic_counts(det, rec.ref_ic_s, tol, windows=w)
        row[f"_extra_{k}"] = cc
        row[f"_gapfp_{k}"] = fp_in_reference_gaps(det, rec.ref_ic_s, tol, w)
    row["cpu_s"] = res.get("cpu_s")
    row["wall_s"] = res.get("wall_s")
    row["data_s"] = res.get("seconds_processed", rec.duration_s) if on_ref_bouts else rec.duration_s
    for k in ("bout_errors", "notes"):
        if res.get(k):
            row[k] = res[k]
    return row


def stride_length_on_common_strides(tools: dict[str, dict]) -> list[dict]:
    """imu_gait against each other full pipeline on the reference strides *both* paired (each tool's
    own MAE is over the strides it happened to pair: a different, tool-chosen subset)."""
    mine = {r["recording"]: r.get("_stride_len_by_ref") or {} for r in tools.get("imu_gait", {}).get("per_recording", [])}
    out = []
    for key, t in tools.items():
        _, _, method, _, on_ref = VARIANT_BY_KEY[key]
        if key.startswith("imu_gait") or on_ref or ":" in (method or ""):
            continue          # other pipelines only: not detectors on bouts, nor an IC subset of the same strides
        a, b = [], []
        for r in t.get("per_recording", []):
            theirs, ours = r.get("_stride_len_by_ref") or {}, mine.get(r["recording"], {})
            for i in sorted(set(theirs) & set(ours)):
                a.append(ours[i])
                b.append(theirs[i])
        if a:
            out.append({"tool": key, "n": len(a), "imu_gait_mae_m": float(np.mean(np.abs(a))),
                        "tool_mae_m": float(np.mean(np.abs(b))),
                        "imu_gait_median_abs_m": float(np.median(np.abs(a))),
                        "tool_median_abs_m": float(np.median(np.abs(b)))})
    return out


#: a gap between consecutive reference contacts this many times their median step: a step must have been
#: there (in IPOL's U-turns the foot-sensor events leave 1.5–3-step gaps while the walker turned)
REF_GAP_STEPS = 1.4


def fp_in_reference_gaps(det: np.ndarray, ref: np.ndarray, tol: float,
                         windows: np.ndarray) -> tuple[int, int, float, float]:
    """(unmatched detections inside ``windows``, of them how many lie in a reference gap ≥
    :data:`REF_GAP_STEPS` × the reference's median step, the seconds in such gaps, the seconds from
    the first to the last reference contact) — a detection in a gap may be a step the reference
    lacks rather than a false one; the time share says how much of the walk the gaps cover."""
    ref = np.sort(np.asarray(ref, float))
    if ref.size < 3:
        return 0, 0, 0.0, 0.0
    d = np.diff(ref)
    med = float(np.median(d))
    gap_s, span_s = float(d[d >= REF_GAP_STEPS * med].sum()), float(d.sum())
    if det.size == 0:
        return 0, 0, gap_s, span_s
    _, fp, _ = ev.match_events(det, ref, tol)
    x = det[fp][ev.in_windows(det[fp], windows)]
    k = np.searchsorted(ref, x)
    inner = (k > 0) & (k < ref.size)
    gap = ref[np.minimum(k[inner], ref.size - 1)] - ref[k[inner] - 1]
    return int(x.size), int(np.sum(gap >= REF_GAP_STEPS * med)), gap_s, span_s


def _nanmean(x):
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    return float(np.mean(x)) if x.size else float("nan")


def _nanmax(x):
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    return float(np.max(x)) if x.size else float("nan")


def aggregate(rows: list[dict]) -> dict:
    """Pool per-recording rows (micro-average for detection, means over recordings/bouts)."""
    rows = [r for r in rows if r["scored"]]
    if not rows:
        return {"n_recordings": 0}
    pooled = ev.pool_scores([{"tp": r["tp"], "fp": r["fp"], "fn": r["fn"], "errors_s": r["_errors_s"]} for r in rows])
    cnt = np.array([r["step_count_err_pct"] for r in rows], dtype=float)
    cad = np.concatenate([np.asarray(r["cadence_err_spm"], float) for r in rows]) if rows else np.empty(0)
    sl = np.concatenate([np.asarray(r["stride_len_err_m"], float) for r in rows]) if rows else np.empty(0)
    sv = np.concatenate([np.asarray(r.get("stride_speed_err_mps", []), float) for r in rows]) if rows else np.empty(0)
    n_ref_strides = sum(r["n_ref_strides"] for r in rows)
    agg = dict(pooled)
    agg.update({
        "n_recordings": len(rows),
        "n_failed": sum(1 for r in rows if "error" in r),
        "step_count_err_pct_mean_abs": _nanmean(np.abs(cnt)),
        "step_count_err_pct_worst_abs": _nanmax(np.abs(cnt)),
        "step_count_err_pct_mean": _nanmean(cnt),
        "cadence_err_spm_mean_abs": _nanmean(np.abs(cad)),
        "cadence_err_spm_worst_abs": _nanmax(np.abs(cad)),
        "n_bouts": int(cad.size), "n_bouts_no_cadence": int(np.sum(~np.isfinite(cad))),
        "stride_len_err_m_mean_abs": _nanmean(np.abs(sl)) if sl.size else float("nan"),
        "stride_len_err_m_median_abs": float(np.median(np.abs(sl))) if sl.size else float("nan"),
        "stride_len_err_m_mean": _nanmean(sl) if sl.size else float("nan"),
        "stride_speed_err_mps_mean_abs": _nanmean(np.abs(sv)) if sv.size else float("nan"),
        "stride_speed_err_mps_mean": _nanmean(sv) if sv.size else float("nan"),
        "n_strides_compared": int(sl.size), "n_ref_strides": int(n_ref_strides),
    })
    fs = [r for r in rows if "false_steps" in r]
    if fs:
        minutes = sum(r["minutes_outside"] for r in fs)
        agg["false_steps_per_min"] = sum(r["false_steps"] for r in fs) / minutes if minutes else float("nan")
        agg["false_steps"] = sum(r["false_steps"] for r in fs)
        agg["minutes_outside"] = minutes
        minutes2 = sum(r["minutes_outside_any_ref"] for r in fs)
        agg["false_steps_any_ref"] = sum(r["false_steps_any_ref"] for r in fs)
        agg["false_steps_per_min_any_ref"] = agg["false_steps_any_ref"] / minutes2 if minutes2 else float("nan")
    oc = [r for r in rows if "_offset_corrected" in r]
    if oc:
        agg["offset_corrected"] = ev.pool_scores([r["_offset_corrected"] for r in oc])
        agg["lag_ms_median"] = float(np.median([r["lag_ms"] for r in oc]))
    extra_keys = sorted({k for r in rows for k in r if k.startswith("_extra_")})
    for k in extra_keys:
        agg[k[1:]] = ev.pool_scores([r[k] for r in rows if k in r])
        g = [r["_gapfp_" + k[7:]] for r in rows if "_gapfp_" + k[7:] in r]
        agg["gapfp_" + k[7:]] = [sum(v[0] for v in g), sum(v[1] for v in g),
                                 sum(v[2] for v in g) / max(sum(v[3] for v in g), 1e-9)]
    timed = [r for r in rows if r.get("cpu_s") is not None]
    data_h = sum(r["data_s"] for r in timed) / 3600.0
    if timed and data_h > 0:
        agg["cpu_s_per_h"] = sum(r["cpu_s"] for r in timed) / data_h
        agg["wall_s_per_h"] = sum(r["wall_s"] for r in timed) / data_h
        agg["data_h_timed"] = data_h
    return agg


# ---- reporting ----------------------------------------------------------------------------
def _f(x, fmt="{:.3f}", na="–"):
    try:
        if x is None or not np.isfinite(x):
            return na
    except TypeError:
        return na
    return fmt.format(x)


def _status(agg: dict, rows: list[dict], unavailable: str | None) -> str:
    if unavailable:
        return unavailable
    bad = [r for r in rows if "error" in r and r["scored"]]
    if not bad:
        return "ok"
    reasons = sorted({r["error"].split("\n")[0][:90] for r in bad})
    return f"failed on {len(bad)}/{len(rows)} recordings (counted as no detections): " + "; ".join(reasons[:3])


def render_markdown(report: dict) -> str:
    m = report["meta"]
    L = ["# Accuracy benchmark: imu_gait vs mobgap vs scikit-digital-health", "",
         f"Generated {m['date_utc']} by `{m['command']}` (issue 3). "
         f"Machine: {m['machine']['cpu_model']}, {m['machine']['nproc']} CPUs, {m['machine']['platform']}, "
         f"Python {m['machine']['python']}. All tools single-threaded.", "",
         "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".", ""]
    if m.get("peers_reused_from_previous_run"):
        L += ["**Peer results reused from the previous run** (`--reuse-peers`): " +
              ", ".join(m["peers_reused_from_previous_run"]) + "; rerun without the flag for a same-run comparison.", ""]
    L += [
         f"Initial contacts (ICs) are matched one-to-one, nearest first, within ±{m['tol_s']} s "
         "(`imu_gait.evaluation.match_events`); precision / recall / F1 are pooled over the recordings "
         "of a dataset; timing error = |detected − reference| of matched ICs. Step-count error per recording "
         "= (detected − reference) / reference over the scored part; cadence per reference bout = "
         "60 / mean step time of the ICs inside the bout (± tolerance), leaving out step times outside "
         "0.6–1.6 × their median (a missed contact or a pause; those count in F1 and the step-count error), "
         "the same estimator for tool and reference; stride length compared per reference stride with the tool's stride whose start "
         "and end ICs are each within the tolerance; false steps = unmatched detections outside the "
         "reference walking bouts, per minute of non-walking time (daily-activities recordings). "
         "Runtime = CPU seconds of the algorithm call alone per hour of data processed.", "",
         "Peers get a gap-free 100 Hz copy (boxcar-averaged / linearly interpolated; phones resampled) "
         "with the sensor axis closest to gravity as vertical (pointing up) and the other two in their "
         "original order (no rotation: lower-back pipelines expect the sensor's own axes); mobgap in m/s² "
         "and deg/s, skdh in g and rad/s with unix time; sensor height (or 0.53 × body height) where "
         "known. imu_gait gets the recording as delivered (gaps, irregular phone timestamps).", "",
         "² *on ref. bouts* variants run the detector only inside the reference walking bouts (the "
         "Mobilise-D way of testing an IC detector in isolation); they do not have to find walking "
         "and are not comparable with full pipelines on false steps; their runtime is per hour of "
         "bout data.", "",
         "³ *placement=…*: imu_gait told where the phone was (`--placement pocket` / `chest`, as the README "
         "asks of phone users; the peers have no such option). A pocket phone's contacts alternate early / "
         "late by foot: declared, they are evened out (its step-time asymmetry is not reported anyway). "
         "Shown only for datasets with sensors off the lower back.", "",
         "⁴ *gyroscope dropped*: the same recordings analysed from the accelerometer alone, as a phone or a "
         "Polar H10 records them. Shown only for datasets whose sensor has a gyroscope.", ""]
    L += render_targets(report)
    for ds, d in report["datasets"].items():
        title, how = DATASET_INFO.get(ds, (ds, ""))
        L += [f"## {title}", "", f"{d['n_recordings']} recordings, {d['duration_s'] / 60:.1f} min, "
              f"{d['n_ref_ics']} reference ICs / steps in the scored parts. {how}", ""]
        L += ["| tool | F1 | precision | recall | median \\|err\\| ms | p95 \\|err\\| ms | step count err % mean\\|·\\| / worst | "
              "cadence err spm mean\\|·\\| / worst (bouts) | stride length err m mean\\|·\\| (n) | false steps /min | "
              "CPU s per h | status |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for key, t in d["tools"].items():
            a = t["aggregate"]
            label = VARIANT_BY_KEY[key][3]
            if not a or a.get("n_recordings", 0) == 0:
                L.append(f"| {label} | – | – | – | – | – | – | – | – | – | – | {t['status']} |")
                continue
            timing_note = "" if d.get("ic_timing_valid", True) else " ¹"
            L.append(
                f"| {label} | {_f(a['f1'])} | {_f(a['precision'])} | {_f(a['recall'])} | "
                f"{_f(a['median_abs_err_ms'], '{:.0f}')}{timing_note} | {_f(a['p95_abs_err_ms'], '{:.0f}')}{timing_note} | "
                f"{_f(a['step_count_err_pct_mean_abs'], '{:.1f}')} / {_f(a['step_count_err_pct_worst_abs'], '{:.1f}')} | "
                f"{_f(a['cadence_err_spm_mean_abs'], '{:.1f}')} / {_f(a['cadence_err_spm_worst_abs'], '{:.1f}')} "
                f"({a['n_bouts']}{', ' + str(a['n_bouts_no_cadence']) + ' n/a' if a['n_bouts_no_cadence'] else ''}) | "
                f"{_f(a['stride_len_err_m_mean_abs'], '{:.3f}')} ({a['n_strides_compared']}/{a['n_ref_strides']}) | "
                f"{_f(a.get('false_steps_per_min'), '{:.2f}')} | {_f(a.get('cpu_s_per_h'), '{:.2f}')} | {t['status']} |")
        if not d.get("ic_timing_valid", True):
            L += ["", "¹ reference step times are pressure-pad edges logged every ≈100 ms: timing errors here "
                      "measure the pad logger as much as the tool.", "",
                  "With each recording's median signed lag (tool − pad, pairs within ±0.5 s) removed before matching "
                  "(the pads lag the contact by an amount that differs per recording and placement; this checks "
                  "that a tool's contacts are there, one per step, whatever the pad delay):", "",
                  "| tool | F1, lag removed | precision | recall | median lag tool − pad, ms |", "|---|---|---|---|---|"]
            for key, t in d["tools"].items():
                a = t["aggregate"] or {}
                o = a.get("offset_corrected")
                if o:
                    L.append(f"| {VARIANT_BY_KEY[key][3]} | {_f(o['f1'])} | {_f(o['precision'])} | {_f(o['recall'])} | "
                             f"{_f(a.get('lag_ms_median'), '{:+.0f}')} |")
        any_ref = [(VARIANT_BY_KEY[key][3], (t["aggregate"] or {}).get("false_steps_per_min_any_ref"),
                    (t["aggregate"] or {}).get("false_steps_any_ref")) for key, t in d["tools"].items()]
        if any(v is not None for _, v, _ in any_ref):
            L += ["", "False steps outside the walking bouts of *either* reference (INDIP, or the Stereophoto "
                      "cameras, which saw walking INDIP missed): "
                  + "; ".join(f"{lab} {_f(v, '{:.2f}')} /min ({n})" for lab, v, n in any_ref if v is not None) + "."]
        common = d.get("stride_len_common") or []
        if common:
            L += ["", "Stride length on the reference strides *both* tools paired (each tool's column above is over "
                      "the strides it paired itself — a subset it chose): "
                  + "; ".join(f"with {VARIANT_BY_KEY[c['tool']][3]} ({c['n']} strides): imu_gait "
                              f"{c['imu_gait_mae_m']:.3f} m vs {c['tool_mae_m']:.3f} m mean abs. error (median "
                              f"{c['imu_gait_median_abs_m']:.3f} vs {c['tool_median_abs_m']:.3f})" for c in common) + "."]
        extra = sorted({k for t in d["tools"].values() for k in (t["aggregate"] or {}) if k.startswith("extra_")})
        if extra:
            L += ["", "| tool | " + " | ".join(f"{k[6:]}: F1 / recall / precision / median ms" for k in extra) + " |",
                  "|---|" + "---|" * len(extra)]
            for key, t in d["tools"].items():
                a = t["aggregate"] or {}
                cells = []
                for k in extra:
                    e = a.get(k)
                    cells.append("–" if not e else f"{_f(e['f1'])} / {_f(e['recall'])} / {_f(e['precision'])} / "
                                 f"{_f(e['median_abs_err_ms'], '{:.0f}')} (n_ref {e['n_ref']})")
                L.append(f"| {VARIANT_BY_KEY[key][3]} | " + " | ".join(cells) + " |")
            for k in extra:
                gaps = [(VARIANT_BY_KEY[key][3], (t["aggregate"] or {}).get("gapfp_" + k[6:]))
                        for key, t in d["tools"].items()]
                gaps = [(lab, g) for lab, g in gaps if g and g[0]]
                if gaps:
                    L += ["", f"Unmatched detections in the {k[6:]} parts that lie in a gap of the reference of "
                              f"≥ {REF_GAP_STEPS} × its median step (no reference contact where a step must have been "
                              "— a step the reference may lack rather than a false one; such gaps are "
                              f"{100 * gaps[0][1][2]:.0f} % of the time between the reference's first and last "
                              "contacts): " + "; ".join(f"{lab} {g[1]} of {g[0]}" for lab, g in gaps) + "."]
        # per condition (when there is more than one) and per subject
        for what, groups, field in (("condition", d.get("conditions", []), "per_condition"),
                                    ("subject", d["subjects"], "per_subject")):
            keys = [k for k, t in d["tools"].items() if t.get(field) and k != "mobgap_wb"]
            if not keys or not groups or (what == "condition" and len(groups) < 2):
                continue
            L += ["", f"Per {what}: F1 / median \\|err\\| ms / mean \\|step count err\\| % / cadence MAE spm", "",
                  f"| {what} | n_ref | " + " | ".join(VARIANT_BY_KEY[k][3] for k in keys) + " |",
                  "|---|---|" + "---|" * len(keys)]
            for g in groups:
                n_ref = next((d["tools"][k][field].get(g, {}).get("n_ref") for k in keys
                              if d["tools"][k][field].get(g)), 0)
                cells = []
                for k in keys:
                    a = d["tools"][k][field].get(g)
                    cells.append("–" if not a or not a.get("n_recordings") else
                                 f"{_f(a['f1'], '{:.3f}')} / {_f(a['median_abs_err_ms'], '{:.0f}')} / "
                                 f"{_f(a['step_count_err_pct_mean_abs'], '{:.1f}')} / {_f(a['cadence_err_spm_mean_abs'], '{:.1f}')}")
                L.append(f"| {g} | {n_ref} | " + " | ".join(cells) + " |")
        L.append("")
    fails = report.get("failures", [])
    L += ["## Failures and notes", ""]
    if fails:
        L += [f"- {f}" for f in fails]
    else:
        L.append("- none")
    L += ["", "## Skipped", ""] + ([f"- {s}" for s in report["meta"]["skipped"]] or ["- nothing"])
    L += ["", "Per-recording numbers: `accuracy.json` beside this file "
              "(`datasets.<name>.tools.<tool>.per_recording`).", ""]
    return "\n".join(L)


def targets(report: dict) -> list[dict]:
    """imu_gait's row against the targets of issue 3 (pass / fail / not measured)."""
    D = report["datasets"]

    def agg(ds, key):
        return ((D.get(ds) or {}).get("tools", {}).get(key) or {}).get("aggregate") or {}

    out = []

    def add(what, target, value, ok, detail=""):
        out.append({"target": what, "goal": target, "value": value,
                    "status": "not measured" if ok is None else ("met" if ok else "NOT met"), "detail": detail})

    def num(x):
        return x is not None and np.isfinite(x)

    for ds, goal in (("ipol", 0.98), ("mobgap", 0.93)):
        f1 = agg(ds, "imu_gait").get("f1")
        add(f"IC F1, {ds}", f"≥ {goal}", _f(f1), f1 >= goal if num(f1) else None)
    for ds in ("ipol", "mobgap", "oxford"):
        f1 = agg(ds, "imu_gait").get("f1")
        peers = {k: agg(ds, k).get("f1") for k in ("mobgap", "mobgap_impaired", "skdh")}
        best = max([v for v in peers.values() if num(v)], default=None)
        placed = agg(ds, "imu_gait_placed").get("f1")
        add(f"IC F1 higher than both peers' full pipelines, {ds}", "> max(mobgap healthy / impaired, skdh)",
            f"{_f(f1)} vs " + ", ".join(f"{k} {_f(v)}" for k, v in peers.items())
            # the status stays on the run without a placement; the README asks phone users to give one
            + (f" (imu_gait told the placement ³: {_f(placed)})" if num(placed) else ""),
            (f1 > best) if num(f1) and best is not None else None)
    for ds in ("ipol", "mobgap"):
        e = agg(ds, "imu_gait").get("median_abs_err_ms")
        add(f"median IC timing error, {ds}", "≤ 40 ms", _f(e, "{:.0f} ms"), e <= 40 if num(e) else None)
    for ds in ("ipol", "mobgap", "oxford"):
        a = agg(ds, "imu_gait")
        c = a.get("cadence_err_spm_mean_abs")
        add(f"cadence error per bout, {ds}", "≤ 1.5 spm (mean abs. error over bouts)",
            f"{_f(c, '{:.2f}')} (worst {_f(a.get('cadence_err_spm_worst_abs'), '{:.1f}')})",
            c <= 1.5 if num(c) else None)
    a = agg("oxford", "imu_gait")
    m, w = a.get("step_count_err_pct_mean_abs"), a.get("step_count_err_pct_worst_abs")
    add("step count error per phone recording, Oxford", "≤ 0.7 % mean, ≤ 1.5 % worst",
        f"{_f(m, '{:.2f}')} % mean, {_f(w, '{:.2f}')} % worst",
        (m <= 0.7 and w <= 1.5) if num(m) and num(w) else None)
    sl = agg("mobgap", "imu_gait").get("stride_len_err_m_mean_abs")
    add("stride length error vs INDIP, mobgap", "≤ 0.12 m (mean abs. error)", _f(sl, "{:.3f} m"), sl <= 0.12 if num(sl) else None)
    for c in report["datasets"].get("mobgap", {}).get("stride_len_common") or []:
        if c["tool"] in ("mobgap", "mobgap_impaired"):
            out.append({"target": f"stride length error on the INDIP strides both imu_gait and {c['tool']} paired",
                        "goal": "(no issue target; the row above is over imu_gait's own pairs, each peer's over its own)",
                        "value": f"{c['imu_gait_mae_m']:.3f} m vs {c['tool_mae_m']:.3f} m ({c['n']} strides)",
                        "status": "info", "detail": ""})
    for tool in ("imu_gait", "mobgap", "mobgap_impaired"):
        sv = agg("mobgap", tool).get("stride_speed_err_mps_mean_abs")
        if num(sv):
            detail = f"{tool}: {sv:.3f} m/s (signed mean {agg('mobgap', tool).get('stride_speed_err_mps_mean'):+.3f})"
            out.append({"target": f"walking speed per stride vs INDIP, mobgap ({tool})",
                        "goal": "(no issue target; Mobilise-D lab MAE 0.06–0.12 m/s, gait-science.md)",
                        "value": f"{sv:.3f} m/s", "status": "info", "detail": detail})
    fs = agg("mobgap", "imu_gait").get("false_steps_per_min")
    fs2 = agg("mobgap", "imu_gait").get("false_steps_per_min_any_ref")
    add("false steps outside walking, mobgap daily activities", "≤ 1 /min",
        _f(fs, "{:.2f} /min") + (f" outside INDIP bouts; {_f(fs2, '{:.2f}')} /min outside INDIP and Stereophoto bouts"
                                 if num(fs2) else ""),
        fs <= 1 if num(fs) else None)
    cpu = {}
    for k in ("imu_gait", "mobgap", "skdh"):
        rows = [r for ds in ("ipol", "mobgap", "oxford") for r in
                ((D.get(ds) or {}).get("tools", {}).get(k) or {}).get("per_recording", [])
                if r.get("cpu_s") is not None and r["scored"]]
        h = sum(r["data_s"] for r in rows) / 3600
        cpu[k] = sum(r["cpu_s"] for r in rows) / h if h else None
    c = cpu.get("imu_gait")
    add("analysis CPU time (IPOL + mobgap + Oxford)", "≤ 0.2 s per hour of data", _f(c, "{:.2f} s/h"),
        c <= 0.2 if c is not None else None)
    for k, factor in (("skdh", 10), ("mobgap", 100)):
        p = cpu.get(k)
        add(f"faster than {k} (same run)", f"≥ {factor}×", f"{_f(p / c if p and c else None, '{:.1f}')}× "
            f"({k} {_f(p, '{:.2f}')} s/h)", (p / c >= factor) if p and c else None)
    return out


def render_targets(report: dict) -> list[str]:
    rows = report.get("targets") or []
    if not rows:
        return []
    L = ["## imu_gait against the targets of issue 3", "",
         "| target | goal | imu_gait | status |", "|---|---|---|---|"]
    L += [f"| {r['target']} | {r['goal']} | {r['value']} | {r['status']} |" for r in rows]
    return L + [""]


def _jsonable(o):
    if isinstance(o, dict):
        return {k: _jsonable(v) for k, v in o.items() if not k.startswith("_")}
    if isinstance(o, (list, tuple)):
        return [_jsonable(v) for v in o]
    if isinstance(o, np.ndarray):
        return _jsonable(o.tolist())
    if isinstance(o, (np.floating, float)):
        return None if not np.isfinite(o) else round(float(o), 6)
    if isinstance(o, np.integer):
        return int(o)
    return o


# ---- main ---------------------------------------------------------------------------------
QUICK = {
    "ipol": {"ipol/1-1", "ipol/1-2", "ipol/6-1", "ipol/10-1"},
    "oxford": {"oxford/Samsung_Dario_Hard_FrontPocket_1", "oxford/Samsung_Dario_Hard_BackPocket_1",
               "oxford/Pixel_Jamie_Hard_NeckPouch_1"},
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small subset; writes results/accuracy-quick.*")
    ap.add_argument("--datasets", nargs="+", choices=list(refdata.LOADERS), default=None)
    ap.add_argument("--tools", nargs="+", choices=["imu_gait", "mobgap", "skdh"], default=["imu_gait", "mobgap", "skdh"])
    ap.add_argument("--skip-setup", action="store_true", help="do not create/check the peer environments")
    ap.add_argument("--reuse-peers", action="store_true",
                    help="reuse the peers' outputs of the previous run (benchmarks/.peers/work) when every "
                         "recording has one; for iterating on imu_gait")
    ap.add_argument("--tol", type=float, default=ev.DEFAULT_TOL_S, help="IC match window, s (default 0.25)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    t_start = time.perf_counter()
    skipped: list[str] = []

    def log(msg):
        print(msg, flush=True)
        if msg.startswith("skip") or "not found" in msg:
            skipped.append(msg)

    recs = refdata.load_all(args.datasets, log=log)
    if args.quick:
        recs = [r for r in recs if r.dataset not in QUICK or r.name in QUICK[r.dataset]]
    by_ds: dict[str, list] = {}
    for r in recs:
        by_ds.setdefault(r.dataset, []).append(r)
    print(f"{len(recs)} recordings, {sum(r.duration_s for r in recs) / 3600:.2f} h: "
          + ", ".join(f"{k} {len(v)}" for k, v in by_ds.items()), flush=True)

    versions: dict[str, str] = {}
    unavailable: dict[str, str | None] = {}
    peers = [p for p in ("mobgap", "skdh") if p in args.tools]
    ready = []
    for p in peers:
        if args.skip_setup:
            v = setup_peers.peer_version(p)
            ok, msg = v is not None, f"{p}: environment missing (run python benchmarks/setup_peers.py)"
        else:
            print(f"checking / creating the {p} environment (benchmarks/.peers/{p}) …", flush=True)
            ok, msg = setup_peers.setup_peer(p)
            print(msg, flush=True)
        if ok:
            ready.append(p)
            versions[setup_peers.PEERS[p][0][0].split("==")[0]] = setup_peers.peer_version(p) or "?"
        else:
            unavailable[p] = f"not available: {msg.splitlines()[0]}"

    reused = []
    if args.reuse_peers:
        reused = [p for p in ready
                  if all((WORK / p / "out" / f"{_safe_id(r.name)}.json").exists() for r in recs)]
        if reused:
            print("reusing the previous outputs of " + ", ".join(reused), flush=True)
    to_run = [p for p in ready if p not in reused]
    prep = write_peer_inputs(recs, to_run)
    results: dict[str, dict[str, dict]] = {}
    with Progress() as prog:
        procs = []
        for p in to_run:
            prog.add(p, f"{p} (isolated venv)", len(recs))
            procs.append((p, *launch_peer(p, prog)))
        for p, proc, th in procs:
            th.join()
            if proc.returncode:
                prog.log(f"{p} runner exited with {proc.returncode} (see {WORK / p / 'stderr.log'})")
        if "imu_gait" in args.tools:
            results["imu_gait"], unavailable["imu_gait"], v = run_imu_gait(recs, prog)
            versions["imu_gait"] = v or "?"
    for p in ready:
        results[p] = collect_peer(p, recs, prep)
    versions["numpy (imu_gait env)"] = np.__version__

    # ---- score
    report = {"meta": {
        "date_utc": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python benchmarks/accuracy.py" + (" " + " ".join(argv if argv is not None else sys.argv[1:])
                                                      if (argv if argv is not None else sys.argv[1:]) else ""),
        "machine": machine_info(), "versions": versions, "tol_s": args.tol, "skipped": skipped,
        "peer_inputs": {"rate_hz": 100.0, "per_recording": prep},
        "peers_reused_from_previous_run": reused,
    }, "datasets": {}, "failures": []}
    for ds, drecs in by_ds.items():
        dsd = {"n_recordings": len(drecs), "duration_s": sum(r.duration_s for r in drecs),
               "n_ref_ics": sum(r.n_ref_steps for r in drecs),
               "ic_timing_valid": all(r.ic_timing_valid for r in drecs),
               "subjects": sorted({r.subject for r in drecs}),
               "conditions": sorted({r.condition for r in drecs}), "tools": {}}
        for key, peer, method, label, on_ref in VARIANTS:
            if peer not in args.tools:
                continue
            if key == "imu_gait_placed" and all(r.placement == "lower_back" for r in drecs):
                continue                    # the same run as imu_gait analyze() there
            if key == "imu_gait_acc" and all(r.gyro_rads is None for r in drecs):
                continue                    # (phones: no gyroscope to drop)
            if unavailable.get(peer):
                dsd["tools"][key] = {"status": unavailable[peer], "aggregate": {}, "per_subject": {},
                                     "per_condition": {}, "per_recording": []}
                continue
            rows = []
            for rec in drecs:
                raw = results.get(peer, {}).get(rec.name, {"error": "no result"})
                mkey, _, ic_key = (method or "").partition(":")
                res = raw if method is None else (raw.get(mkey) or {"error": raw.get("error", "no result")})
                if ic_key and "error" not in res:
                    res = dict(res, ic_s=res.get(ic_key, []))
                rows.append(score_one(rec, res, on_ref, args.tol))
                if "error" in res:
                    report["failures"].append(f"{label} on {rec.name}: {str(res['error']).splitlines()[0][:200]}")
                for be in res.get("bout_errors", []) or []:
                    report["failures"].append(f"{label} on {rec.name}: {be[:200]}")
            per_subject = {s: aggregate([r for r in rows if r["subject"] == s]) for s in dsd["subjects"]}
            per_condition = {c: aggregate([r for r in rows if r["condition"] == c]) for c in dsd["conditions"]}
            dsd["tools"][key] = {"status": _status(None, rows, None), "aggregate": aggregate(rows),
                                 "per_subject": per_subject, "per_condition": per_condition,
                                 "per_recording": rows}
        dsd["stride_len_common"] = stride_length_on_common_strides(dsd["tools"])
        report["datasets"][ds] = dsd
    if "imu_gait" in args.tools:
        report["targets"] = targets(report)
    report["meta"]["elapsed_s"] = time.perf_counter() - t_start
    for r in recs:
        for n in r.notes:
            if "nothing to score" in n or "!=" in n:
                report["failures"].append(f"{r.name}: {n}")

    args.out.mkdir(parents=True, exist_ok=True)
    stem = "accuracy-quick" if args.quick else "accuracy"
    md = render_markdown(report)
    (args.out / f"{stem}.md").write_text(md)
    (args.out / f"{stem}.json").write_text(json.dumps(_jsonable(report), indent=1))
    print_summary(report)
    print(f"\nwrote {args.out / (stem + '.md')} and {stem}.json in {report['meta']['elapsed_s']:.0f} s", flush=True)
    return 0


def print_summary(report: dict) -> None:
    print()
    hdr = f"{'dataset':<9} {'tool':<42} {'F1':>6} {'P':>6} {'R':>6} {'med ms':>7} {'cnt%':>6} {'cad':>5} {'SL m':>6} {'FS/min':>6} {'CPU s/h':>8}"
    print(hdr)
    print("-" * len(hdr))
    for ds, d in report["datasets"].items():
        for key, t in d["tools"].items():
            a = t["aggregate"]
            label = VARIANT_BY_KEY[key][3][:42]
            if not a or not a.get("n_recordings"):
                print(f"{ds:<9} {label:<42} {t['status']}")
                continue
            print(f"{ds:<9} {label:<42} {_f(a['f1']):>6} {_f(a['precision']):>6} {_f(a['recall']):>6} "
                  f"{_f(a['median_abs_err_ms'], '{:.0f}'):>7} {_f(a['step_count_err_pct_mean_abs'], '{:.1f}'):>6} "
                  f"{_f(a['cadence_err_spm_mean_abs'], '{:.1f}'):>5} {_f(a['stride_len_err_m_mean_abs'], '{:.2f}'):>6} "
                  f"{_f(a.get('false_steps_per_min'), '{:.2f}'):>6} {_f(a.get('cpu_s_per_h'), '{:.1f}'):>8}")


if __name__ == "__main__":
    sys.exit(main())
