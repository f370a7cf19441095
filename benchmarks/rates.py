"""Low and odd sampling rates: every summary metric against truth at the rates real devices use, and real
recordings with reference contacts decimated to 50 and 25 Hz.

Command (from the repository root)::

    .venv/bin/python benchmarks/rates.py            # ~4 min; prints the tables, writes results/rates.md and .json
    .venv/bin/python benchmarks/rates.py --quick    # 25 and 100 Hz only, prints only

Rates: 12.5 (Axivity's lowest; GENEActiv 10), 20, 25 (Polar H10's lowest), 26 (Verity Sense SDK), 30 (ActiGraph
exports), 50, 52 (Verity Sense default) and 100 Hz. Walks at 90 / 110 / 125 spm and runs at 165 / 185 spm
(``imu_gait.synthetic.synthesize_walk``, 60 s, 6 axes, lower back, seed 1), each sampled three ways:

- ``point``: the continuous motion taken at each sample time, no anti-alias filter (a sensor without one: a
  running landing's 25–50-ms impact peak falls on one sample or none — the 25-Hz running aliasing);
- ``lowpass``: the motion at 16× the rate, a 4th-order Butterworth at 0.4× the rate (a MEMS sensor's digital
  filter tied to its output rate), every 16th sample;
- ``jitter``: point samples whose reported times wobble by 4 ms (a BLE sensor's or phone's clock).

Truth: the generator's per-step values (median), cadence 120 / stride time, stride-time CV and step-time
asymmetry by the engine's own steady-walk formula on the true contacts (``steady_walk_variability``), impact
the landing's peak specific force from the motion at 1000 Hz without noise. Tolerances: steps F1 ≥ 0.99
(±0.25 s, against every true contact), cadence ±1 spm, bounce ±0.5 cm, impact ±10 %, contact time ±15 ms,
twist ±2°, lean ±2°, sway ±0.5 cm, stride CV ±0.5 points, asymmetry ±1 point, step regularity ≥ 0.85. A cell
shows the error (impact: in %), ✗ outside the tolerance, "n/m" where the engine does not give the metric at
that rate (it says why in a warning), "refused" where the recording is refused (under 20 Hz).

Real recordings: the bundled ``datasets/`` (Mobilise-D lower back with INDIP contacts, Oxford phones with step
pads) and, when present, ``../shared/datasets_raw`` IPOL (58 lower-back walks with foot-sensor contacts), each
at its own rate and decimated to 50 and 25 Hz (every k-th sample, and with the low-pass first); step F1 pooled
per dataset at ±0.25 s inside the reference's scored windows (``imu_gait.evaluation``, as benchmarks/accuracy.py).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.signal import butter, sosfilt

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import imu_gait  # noqa: E402
from imu_gait.errors import ImuGaitError  # noqa: E402
from imu_gait.evaluation import ic_counts, match_events, scores_from_counts  # noqa: E402
from imu_gait.recording import G, Recording  # noqa: E402
from imu_gait.strain import steady_walk_variability  # noqa: E402
from imu_gait.synthetic import synthesize_walk  # noqa: E402

RESULTS = HERE / "results"
RATES = (12.5, 20.0, 25.0, 26.0, 30.0, 50.0, 52.0, 100.0)
GAITS = (("walk", 90.0), ("walk", 110.0), ("walk", 125.0), ("run", 165.0), ("run", 185.0))
MODES = ("point", "lowpass", "jitter")
OVERSAMPLE = 16
COLS = ("F1", "cadence spm", "bounce cm", "impact %", "contact ms", "twist °", "lean °", "sway cm",
        "stride CV pts", "asym pts", "step reg.")
TOL = {"cadence spm": 1.0, "bounce cm": 0.5, "impact %": 10.0, "contact ms": 15.0, "twist °": 2.0, "lean °": 2.0,
       "sway cm": 0.5, "stride CV pts": 0.5, "asym pts": 1.0}


def _kw(gait: str, cadence: float) -> dict:
    kw = {"duration_s": 60.0, "seed": 1, "gait": gait, "cadence_spm": cadence}
    if gait == "run":
        kw["contact_s"] = 0.22 if cadence >= 170 else 0.25
    return kw


def lowpass_decimate(rec: Recording, fs: float, rate: float) -> Recording:
    """A sensor's own low-pass (4th-order Butterworth at 0.4× its output rate, causal), then every k-th sample."""
    k = int(round(fs / rate))
    sos = butter(4, 0.4 * rate, fs=fs, output="sos")
    a0 = rec.acc_mps2[0]
    acc = (sosfilt(sos, rec.acc_mps2 - a0, axis=0) + a0)[::k]
    g0 = None if rec.gyro_rads is None else rec.gyro_rads[0]
    gyro = None if rec.gyro_rads is None else (sosfilt(sos, rec.gyro_rads - g0, axis=0) + g0)[::k]
    return Recording(rec.time_s[::k], acc, gyro, meta={**rec.meta, "sample_rate_hz": float(rate)})


def synthetic(rate: float, mode: str, gait: str, cadence: float):
    kw = _kw(gait, cadence)
    if mode == "lowpass":
        rec, truth = synthesize_walk(fs_hz=rate * OVERSAMPLE, **kw)
        return lowpass_decimate(rec, rate * OVERSAMPLE, rate), truth
    return synthesize_walk(fs_hz=rate, jitter_s=0.004 if mode == "jitter" else 0.0, **kw)


def true_impact_g(gait: str, cadence: float) -> float:
    rec, truth = synthesize_walk(fs_hz=1000.0, noise_mps2=0.0, noise_rads=0.0, **_kw(gait, cadence))
    a_g = np.linalg.norm(rec.acc_mps2, axis=1) / G
    return float(np.median([a_g[(rec.time_s >= t) & (rec.time_s < t + 0.15)].max() for t in truth.ic_times_s[2:-2]]))


def evaluate(rate: float, mode: str, gait: str, cadence: float, impact_true: float) -> dict:
    rec, truth = synthetic(rate, mode, gait, cadence)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = imu_gait.analyze(rec)
    except ImuGaitError as e:
        return {"refused": str(e).splitlines()[0]}
    s, ts = res.summary, truth.steps
    every = np.r_[truth.walk_start_s, truth.ic_times_s, truth.walk_end_s]
    pairs, fp, fn = match_events(res.steps["time_s"].to_numpy(), every, tol_s=0.25)
    # the walk's first and last contact carry no motion when walking: missed, they are not counted
    n_fn = int(np.sum((np.asarray(fn, int) > 0) & (np.asarray(fn, int) < every.size - 1)))
    tp = len(pairs)
    cv_t, asym_t = steady_walk_variability(ts.assign(gait=gait))
    out = {"F1": 2 * tp / max(2 * tp + len(fp) + n_fn, 1),
           "cadence spm": s["cadence_spm"] - (120.0 / ts["stride_time_s"]).median(),
           "bounce cm": s["vertical_oscillation_cm"] - ts["vertical_oscillation_cm"].median(),
           "impact %": 100 * (s["impact_g"] / impact_true - 1),
           "contact ms": (s["ground_contact_ms"] - ts["ground_contact_ms"].median()) if gait == "run" else None,
           "twist °": s["trunk_twist_deg"] - ts["trunk_twist_deg"].median(),
           "lean °": s["forward_lean_deg"] - ts["forward_lean_deg"].median(),
           "sway cm": s["lateral_sway_cm"] - ts["lateral_sway_cm"].median(),
           "stride CV pts": s["stride_time_cv_pct"] - cv_t,
           "asym pts": s["step_time_asymmetry_pct"] - asym_t,
           "step reg.": s["step_regularity"],
           "flags": sorted({f.id for f in res.flags}),
           "low_rate_note": next((w for w in res.warnings if "not measured below" in w), None)}
    return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in out.items()}


def cell(col: str, v) -> str:
    if col == "contact ms" and v is None:
        return ""
    if v is None:
        return "n/m"
    if col == "F1":
        return f"{v:.3f}" + (" ✗" if v < 0.99 else "")
    if col == "step reg.":
        return f"{v:.2f}" + (" ✗" if v < 0.85 else "")
    txt = f"{v:+.0f}" if col in ("impact %", "contact ms") else f"{v:+.2f}"
    return txt + (" ✗" if abs(v) > TOL[col] else "")


def real(quick: bool) -> list[dict]:
    """Step F1 of real recordings at their own rate and decimated to 50 and 25 Hz."""
    import refdata
    names = ["datasets"] if quick else ["datasets", "ipol"]
    rows = []
    for rec in refdata.load_all(names, log=lambda m: None):
        fs = float(rec.fs_hz)
        base = Recording(rec.time_s, rec.acc_mps2, rec.gyro_rads, meta={"placement": rec.placement})
        for rate, how in ((fs, "as recorded"), (50.0, "every k-th"), (50.0, "low-pass"), (25.0, "every k-th"),
                          (25.0, "low-pass")):
            if rate > fs or (rate == fs and how != "as recorded"):
                continue
            k = int(round(fs / rate))
            r = base if how == "as recorded" else (
                Recording(base.time_s[::k], base.acc_mps2[::k], None if base.gyro_rads is None else base.gyro_rads[::k],
                          meta=dict(base.meta)) if how == "every k-th" else lowpass_decimate(base, fs, rate))
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    res = imu_gait.analyze(r, sensor_height_m=rec.sensor_height_m)
                det = res.steps["time_s"].to_numpy(float)
            except ImuGaitError:
                det = np.empty(0)
            c = ic_counts(det, rec.ref_ic_s, 0.25, windows=rec.effective_windows)
            # (a phone's ~200 Hz decimated by k is about, not exactly, the rate: named by the target rate)
            rows.append({"dataset": rec.dataset, "recording": rec.name, "rate_hz": rate if how != "as recorded" else
                         "own", "how": how,
                         **{k2: int(c[k2]) for k2 in ("tp", "fp", "fn")},
                         "abs_err_ms": [float(abs(e)) * 1000 for e in c["errors_s"]]})
    return rows


def pooled(rows: list[dict]) -> list[dict]:
    out = []
    keys = sorted({(r["dataset"], r["how"] if r["how"] != "as recorded" else "", r["rate_hz"]) for r in rows},
                  key=lambda k: (k[0], -(k[2] if k[2] != "own" else 1e9), k[1]))
    for ds, how, rate in keys:
        sel = [r for r in rows if r["dataset"] == ds and r["rate_hz"] == rate
               and (r["how"] == how or (how == "" and r["how"] == "as recorded"))]
        tp, fp, fn = (sum(r[k] for r in sel) for k in ("tp", "fp", "fn"))
        err = [e for r in sel for e in r["abs_err_ms"]]
        sc = scores_from_counts(tp, fp, fn)
        out.append({"dataset": ds, "rate_hz": rate, "how": how or "as recorded", "n_recordings": len(sel),
                    "tp": tp, "fp": fp, "fn": fn, "f1": sc["f1"],
                    "median_abs_err_ms": float(np.median(err)) if err else None})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    t0 = time.time()
    rates = (25.0, 100.0) if args.quick else RATES
    gaits = (("walk", 110.0), ("run", 185.0)) if args.quick else GAITS
    syn = []
    for gait, cad in gaits:
        imp = true_impact_g(gait, cad)
        for rate in rates:
            for mode in MODES:
                syn.append({"gait": gait, "cadence_spm": cad, "rate_hz": rate, "mode": mode,
                            "impact_true_g": imp, **evaluate(rate, mode, gait, cad, imp)})
                print(".", end="", flush=True)
    print()
    lines = ["# Low and odd sampling rates (synthetic truth; real recordings decimated)", "",
             "Command: `.venv/bin/python benchmarks/rates.py` (from the repository root; "
             f"{time.time() - t0:.0f} s for the synthetic part on this machine).", "",
             " ".join(l.strip() for l in next(p for p in __doc__.split("\n\n") if p.startswith("Truth")).split("\n")),
             "",
             "| gait | rate Hz | sampling | " + " | ".join(COLS) + " | flags |",
             "|---|---:|---|" + "---:|" * len(COLS) + "---|"]
    for r in syn:
        head = f"| {r['gait']} {r['cadence_spm']:.0f} | {r['rate_hz']:g} | {r['mode']} |"
        if "refused" in r:
            lines.append(head + " refused |" + " |" * (len(COLS) - 1) + " |")
            continue
        lines.append(head + " " + " | ".join(cell(c, r[c]) for c in COLS) + " | "
                     + (", ".join(r["flags"]) or "") + " |")
    n_bad = sum(1 for r in syn if "refused" not in r and any(
        "✗" in cell(c, r[c]) for c in COLS))
    lines += ["", f"{n_bad} of {len(syn)} points have a given metric outside its tolerance.", ""]
    refused = next((r["refused"] for r in syn if "refused" in r), None)
    if refused:
        lines += [f"Under 20 Hz the recording is refused: “{refused}”", ""]
    note = next((r["low_rate_note"] for r in syn if r.get("low_rate_note") and r["gait"] == "run"), None)
    if note:
        lines += [f"The note a run under 40 Hz gets: “{note}”", ""]
    t1 = time.time()
    rows = real(args.quick)
    pool = pooled(rows)
    lines += ["## Real recordings decimated", "",
              f"Step F1 (±0.25 s) against the reference contacts, pooled per dataset ({time.time() - t1:.0f} s).", "",
              "| dataset | rate Hz | decimation | recordings | TP | FP | FN | F1 | median abs. timing error ms |",
              "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for p in pool:
        lines.append(f"| {p['dataset']} | {p['rate_hz'] if p['rate_hz'] == 'own' else format(p['rate_hz'], 'g')} | {p['how']} | {p['n_recordings']} | {p['tp']} | {p['fp']} | "
                     f"{p['fn']} | {p['f1']:.3f} | {p['median_abs_err_ms']:.0f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.quick:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "rates.md").write_text(text)
        (RESULTS / "rates.json").write_text(json.dumps({"synthetic": syn, "real_pooled": pool, "real": rows},
                                                       indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
