"""Running on a real recording: imu_gait on a 25-min outdoor run (adeptdata ``acc_running``).

    .venv/bin/python benchmarks/running.py          # ~10 s; writes benchmarks/results/running.md/.json

Data: ``../shared/datasets_raw/adeptdata_running/acc_running.rda`` (Karas, Urbanek et al.; GPL-3),
read *in place* and never copied: one healthy runner, ActiGraph GT9X at the left hip (elastic
belt, accelerometer only, 100 Hz, g) and at the left ankle. No reference events exist, so every
comparison below is against an *independent estimate* computed here, not by imu_gait's code:

- **moving / still** per 2-s window: still when the standard deviation of the acceleration
  magnitude is below 0.03 g at the hip *and* at the ankle (quiet standing: ≤ 0.02 g);
- **stride period** per 30-s window: lag of the highest peak of the autocorrelation of the
  mean-removed hip acceleration magnitude between 0.5 and 1.6 s (parabolic sub-sample
  refinement), kept when the peak is ≥ 0.5 and the window is ≥ 80 % moving; if a peak near half
  that lag is ≥ 0.8× as high, the half lag is the stride (guards against two strides). A
  one-sided hip sensor makes the stride peak (≈ 0.8) far stronger than the step peak (≈ 0.4), so
  this stride estimate does not share the step detector's failure modes. Cadence = 120 / stride;
- **running** window: independent cadence ≥ 140 spm and the hip magnitude below 0.5 g (near free
  fall: flight) in ≥ 1 % of the samples;
- **left-foot strikes** from the *ankle* accelerometer: one peak of the ankle magnitude per stride
  (≥ 4 g, ≥ 0.45 s apart) during running windows. This is another accelerometer on the same
  person, not a gold standard: its peak sits a roughly constant time after the true contact,
  so hip contacts are compared after removing the median offset, and the honest figures are
  the *detection* agreement (F1 at ±0.1 s around the offset) and the *stride-time* agreement.

Reader: ``benchmarks/rda.py``, our own ~150-line reader of R's XDR serialisation (what this file
uses: a data frame of doubles and a character column). Chosen over PyPI ``rdata`` in a peer venv
because it needs nothing beyond numpy/pandas, no network on first use, and leaves no converted
copy of GPL data on disk (a cached CSV would be a derivative file next to the repo).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.signal import find_peaks

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.machine import cpu_model  # noqa: E402
sys.path.insert(0, str(ROOT / "benchmarks"))

import imu_gait  # noqa: E402
from imu_gait.evaluation import match_events  # noqa: E402
from imu_gait.recording import G, Recording  # noqa: E402
from rda import read_rda  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets_raw" / "adeptdata_running" / "acc_running.rda"
RESULTS = ROOT / "benchmarks" / "results"
FS_HZ = 100.0
STILL_WIN_S = 2.0
STILL_STD_G = 0.03
CAD_WIN_S = 30.0
RUN_MIN_SPM = 140.0
FLIGHT_G = 0.5
MIN_MOVING = 0.8            # a window is scored for cadence when at least this much of it is moving
SENSOR_RANGE_G = 8.0          # ActiGraph GT9X Link accelerometer range


# ------------------------------------------------------------------------------------------ data
def load(path: Path) -> dict[str, np.ndarray]:
    df = read_rda(path)["acc_running"]
    out = {}
    for loc in ("left_hip", "left_ankle"):
        d = df[df["loc_id"] == loc]
        out[loc] = d[["x", "y", "z"]].to_numpy(float)
        out[loc + "_t"] = d["date_time"].to_numpy(float)
    # the reader is ours: check what the upstream documentation (acc_running.Rd) says of the data
    dt = np.diff(out["left_hip_t"])
    facts = {"300 000 rows": len(df) == 300_000,
             "150 000 samples per sensor": all(out[k].shape == (150_000, 3) for k in ("left_hip", "left_ankle")),
             "100 Hz": bool(np.allclose(dt, 0.01, atol=1e-4)),
             "starts 2018-10-25 17:57:30 UTC": out["left_hip_t"][0] == 1540490250.0,
             "same clock for both sensors": bool(np.array_equal(out["left_hip_t"], out["left_ankle_t"])),
             "hip y ≈ −1 g at rest": abs(float(np.median(out["left_hip"][:, 1])) + 1.0) < 0.05}
    bad = [k for k, ok in facts.items() if not ok]
    if bad:
        raise SystemExit(f"{path}: not the documented acc_running data ({', '.join(bad)} failed)")
    return out


# ------------------------------------------------------------------------ independent estimates
def window_std_g(mag_g: np.ndarray, n: int) -> np.ndarray:
    k = mag_g.size // n
    return mag_g[:k * n].reshape(k, n).std(axis=1)


def still_windows(hip_g: np.ndarray, ankle_g: np.ndarray) -> np.ndarray:
    """Per STILL_WIN_S window: True when both sensors are quiet (standing)."""
    n = int(STILL_WIN_S * FS_HZ)
    return (window_std_g(np.linalg.norm(hip_g, axis=1), n) < STILL_STD_G) & \
        (window_std_g(np.linalg.norm(ankle_g, axis=1), n) < STILL_STD_G)


def stride_period_s(mag_g: np.ndarray) -> tuple[float, float]:
    """(stride period s, autocorrelation peak) of one window; see the module docstring."""
    x = mag_g - mag_g.mean()
    n = x.size
    spec = np.fft.rfft(x, 2 * n)
    ac = np.fft.irfft(spec * np.conj(spec))[:n]
    ac = ac / ac[0] * n / (n - np.arange(n))            # unbiased
    lo, hi = int(0.5 * FS_HZ), int(1.6 * FS_HZ)
    j = lo + int(np.argmax(ac[lo:hi + 1]))
    half = j // 2
    if half >= lo:
        h0, h1 = max(lo, half - 5), half + 6
        jh = h0 + int(np.argmax(ac[h0:h1]))
        if ac[jh] >= 0.8 * ac[j]:
            j = jh
    y0, y1, y2 = ac[j - 1], ac[j], ac[j + 1]
    den = y0 - 2 * y1 + y2
    frac = 0.5 * (y0 - y2) / den if den < 0 else 0.0
    return (j + float(np.clip(frac, -0.5, 0.5))) / FS_HZ, float(y1)


def cadence_windows(hip_g: np.ndarray, still: np.ndarray) -> pd.DataFrame:
    n = int(CAD_WIN_S * FS_HZ)
    mag = np.linalg.norm(hip_g, axis=1)
    per = int(CAD_WIN_S / STILL_WIN_S)
    rows = []
    for w in range(mag.size // n):
        seg = mag[w * n:(w + 1) * n]
        stride, peak = stride_period_s(seg)
        moving = 1.0 - still[w * per:(w + 1) * per].mean()
        ok = peak >= 0.5 and moving >= MIN_MOVING
        cad = 120.0 / stride if ok else np.nan
        flight = float((seg < FLIGHT_G).mean())
        p99 = float(np.percentile(seg, 99))      # the hardest landings of the window (impact)
        rows.append({"t0_s": w * CAD_WIN_S, "t1_s": (w + 1) * CAD_WIN_S, "stride_s": stride if ok else np.nan,
                     "ac_peak": peak, "moving_frac": moving, "cadence_ref_spm": cad, "flight_frac": flight, "p99_g": p99,
                     "running_ref": bool(ok and cad >= RUN_MIN_SPM and flight >= 0.01)})
    return pd.DataFrame(rows)


def ankle_strikes_s(ankle_g: np.ndarray) -> np.ndarray:
    mag = np.linalg.norm(ankle_g, axis=1)
    pk, _ = find_peaks(mag, height=4.0, distance=int(0.45 * FS_HZ))
    return pk / FS_HZ


# ------------------------------------------------------------------------------------- scoring
def engine_per_window(steps: pd.DataFrame, win: pd.DataFrame) -> pd.DataFrame:
    t = steps["time_s"].to_numpy()
    out = []
    for _, w in win.iterrows():
        m = (t >= w.t0_s) & (t < w.t1_s)
        st = steps.loc[m, "stride_time_s"].to_numpy(float)
        st = st[np.isfinite(st)]
        out.append({"n_steps": int(m.sum()),
                    "cadence_spm": float(np.nanmedian(steps.loc[m, "cadence_spm"])) if m.sum() > 2 else np.nan,
                    "cadence_stride_spm": 120.0 / float(np.median(st)) if st.size > 2 else np.nan,
                    "run_frac": float((steps.loc[m, "gait"] == "run").mean()) if m.any() else np.nan})
    return pd.concat([win.reset_index(drop=True), pd.DataFrame(out)], axis=1)


def score_cadence(pw: pd.DataFrame) -> dict:
    ok = pw[np.isfinite(pw.cadence_ref_spm)]
    res = {"n_windows": int(len(ok))}
    for col in ("cadence_spm", "cadence_stride_spm"):
        have = ok[np.isfinite(ok[col])]
        ratio = have[col] / have.cadence_ref_spm
        err = (have[col] - have.cadence_ref_spm).abs()
        res[col] = {"n": int(len(have)), "mae_spm": float(err.mean()), "max_abs_spm": float(err.max()),
                    "halved_windows": int(((ratio > 0.4) & (ratio < 0.6)).sum()),
                    "doubled_windows": int(((ratio > 1.8) & (ratio < 2.2)).sum()),
                    "missing_windows": int(len(ok) - len(have))}
    return res


def score_running(steps: pd.DataFrame, pw: pd.DataFrame) -> dict:
    run_w = pw[pw.running_ref & (pw.moving_frac >= 0.999)]
    t = steps["time_s"].to_numpy()
    inside = np.zeros(t.size, bool)
    for _, w in run_w.iterrows():
        inside |= (t >= w.t0_s) & (t < w.t1_s)
    walk_w = pw[np.isfinite(pw.cadence_ref_spm) & ~pw.running_ref]
    in_walk = np.zeros(t.size, bool)
    for _, w in walk_w.iterrows():
        in_walk |= (t >= w.t0_s) & (t < w.t1_s)
    g = steps["gait"].to_numpy()
    return {"running_windows": int(len(run_w)), "steps_in_running_windows": int(inside.sum()),
            "run_fraction_in_running_windows": float((g[inside] == "run").mean()) if inside.any() else np.nan,
            "worst_window_run_fraction": float(run_w.run_frac.min()) if len(run_w) else np.nan,
            "walking_windows": int(len(walk_w)), "steps_in_walking_windows": int(in_walk.sum()),
            "walk_fraction_in_walking_windows": float((g[in_walk] == "walk").mean()) if in_walk.any() else np.nan}


def score_stops(steps: pd.DataFrame, still: np.ndarray) -> dict:
    t = steps["time_s"].to_numpy()
    w = np.clip((t // STILL_WIN_S).astype(int), 0, still.size - 1)
    n_in = int(still[w].sum())
    still_min = float(still.sum() * STILL_WIN_S / 60.0)
    return {"still_min": still_min, "steps_while_still": n_in,
            "per_min_still": n_in / still_min if still_min > 0 else np.nan,
            "times_s": [round(float(x), 2) for x in t[still[w]]][:20]}


def score_ankle(steps: pd.DataFrame, strikes_s: np.ndarray, pw: pd.DataFrame) -> dict:
    """Hip contacts vs the ankle's left-foot strikes, per running window.

    Where the ankle peak sits relative to the foot's contact is not known and, measured against
    the hip contacts, it moves between parts of the run (−0.09 s in the first minutes, about
    −0.25 s later — the ankle clip, the terrain or the hip contacts themselves; nothing here
    can tell which). So the offset is estimated per 30-s window (median hip contact − ankle peak,
    nearest contact of any side) and what is scored is independent of it: whether a hip contact
    lands on the left-foot rhythm (recall at ±0.1 s), the left stride time, and which side the
    hip labelled those contacts."""
    t = steps["time_s"].to_numpy()
    side = steps["side"].to_numpy()
    run_w = pw[pw.running_ref & (pw.moving_frac >= 0.999)]
    tp_total = fn_total = 0
    n_l_tp = n_l_fp = 0
    offsets, resid, labels, hs, ans, majority_l = [], [], [], [], [], []
    for _, w in run_w.iterrows():
        a = strikes_s[(strikes_s >= w.t0_s + 1) & (strikes_s < w.t1_s - 1)]   # 1-s margins: whole strides
        m = (t >= w.t0_s + 0.5) & (t < w.t1_s - 0.5)
        c, cs = t[m], side[m]
        if a.size < 5 or c.size < 10:
            continue
        j = np.clip(np.searchsorted(c, a), 1, c.size - 1)
        d = np.stack([c[j - 1], c[j]], 1) - a[:, None]
        near = d[np.arange(a.size), np.argmin(np.abs(d), 1)]
        off = float(np.median(near[np.abs(near) < 0.25]))
        offsets.append(off)
        pairs, _, fn = match_events(c - off, a, tol_s=0.1)
        pairs = np.asarray(pairs, int).reshape(-1, 2)
        tp_total += len(pairs)
        fn_total += len(fn)
        resid += list(np.abs(c[pairs[:, 0]] - off - a[pairs[:, 1]]))
        lab = cs[pairs[:, 0]]
        labels += list(lab)
        majority_l.append(bool((lab == "L").mean() >= 0.5))
        lp, lfp, _ = match_events(c[cs == "L"] - off, a, tol_s=0.1)
        n_l_tp += len(np.asarray(lp).reshape(-1, 2))
        n_l_fp += len(lfp)
        p = pairs[np.argsort(pairs[:, 1])]
        consec = np.diff(p[:, 1]) == 1
        hs += list(np.diff(c[p[:, 0]])[consec])
        ans += list(np.diff(a[p[:, 1]])[consec])
    if not offsets:
        return {"n_ankle": 0}
    hs, ans, labels = np.array(hs), np.array(ans), np.array(labels)
    ok = (ans > 0.5) & (ans < 1.0)
    err = (hs - ans)[ok]
    rec_l = n_l_tp / (tp_total + fn_total)
    prec_l = n_l_tp / max(n_l_tp + n_l_fp, 1)
    return {"n_ankle": int(tp_total + fn_total), "n_windows": len(offsets),
            "offset_s_range": [float(min(offsets)), float(max(offsets))], "offset_s_median": float(np.median(offsets)),
            "recall": tp_total / (tp_total + fn_total), "median_abs_residual_ms": float(1000 * np.median(resid)),
            "labelled_L_frac": float((labels == "L").mean()),
            "windows_majority_L": int(sum(majority_l)), "windows_majority_R": int(len(majority_l) - sum(majority_l)),
            "left_labelled": {"precision": prec_l, "recall": rec_l,
                              "f1": 2 * prec_l * rec_l / (prec_l + rec_l) if prec_l + rec_l else 0.0},
            "n_strides": int(ok.sum()), "stride_mae_ms": float(1000 * np.mean(np.abs(err))),
            "stride_bias_ms": float(1000 * np.mean(err)), "stride_p95_ms": float(1000 * np.percentile(np.abs(err), 95))}


def flags_vs_independent(flags, win: pd.DataFrame, baseline_s: float = 180.0) -> list[dict]:
    """Each flag beside what the independent signals did over its span, relative to the first
    ``baseline_s`` (the engine's personal baseline is built from the first minutes too): cadence
    from the stride autocorrelation and the hardest landings (99th percentile of |a| at the hip)."""
    base = win[(win.t1_s <= baseline_s) & win.running_ref]
    c0, p0 = float(base.cadence_ref_spm.median()), float(base.p99_g.median())
    out = []
    for f in flags:
        w = win[(win.t1_s > f.start_s) & (win.t0_s < f.end_s)]
        out.append({"id": f.id, "start_s": round(f.start_s, 1), "end_s": round(f.end_s, 1), "severity": f.severity,
                    "cadence_change_pct": float(100 * (w.cadence_ref_spm.median() / c0 - 1)),
                    "p99_change_pct": float(100 * (w.p99_g.median() / p0 - 1))})
    return out


def score_gct(steps: pd.DataFrame) -> dict:
    r = steps[steps["gait"] == "run"]
    g = r["ground_contact_ms"].to_numpy(float)
    out = {"n": int(np.isfinite(g).sum()), "median_ms": float(np.nanmedian(g)),
           "iqr_ms": [float(np.nanpercentile(g, 25)), float(np.nanpercentile(g, 75))],
           "frac_200_300": float(np.mean((g >= 200) & (g <= 300))),
           "frac_below_150": float(np.mean(g < 150)), "frac_above_350": float(np.mean(g > 350))}
    for s in ("L", "R"):
        gs = r.loc[r["side"] == s, "ground_contact_ms"].to_numpy(float)
        out[f"median_{s}_ms"] = float(np.nanmedian(gs)) if gs.size else np.nan
    return out


def analyse(acc_g: np.ndarray, t_s: np.ndarray, placement: str = "hip"):
    rec = Recording(t_s, acc_g * G, None, meta={"source": "adeptdata acc_running left_hip",
                                                 "sample_rate_hz": FS_HZ, "placement": placement})
    return imu_gait.analyze(rec)


def cpu_seconds(acc_g, t_s, repeats: int = 3) -> float:
    analyse(acc_g, t_s)                              # warm-up (imports, caches)
    best = np.inf
    for _ in range(repeats):
        c0 = time.process_time()
        analyse(acc_g, t_s)
        best = min(best, time.process_time() - c0)
    return float(best)


def run_case(name, acc_g, t_s, pw_ref, still, strikes) -> dict:
    res = analyse(acc_g, t_s)
    steps = res.steps
    pw = engine_per_window(steps, pw_ref)
    return {"name": name, "n_steps": int(len(steps)), "flags_vs_independent": flags_vs_independent(res.flags, pw_ref), "summary_gait": res.summary.get("gait"),
            "running_fraction": res.summary.get("running_fraction"),
            "step_time_asymmetry_pct": res.summary.get("step_time_asymmetry_pct"),
            "one_sided_signal": res.summary.get("one_sided_signal"),
            "cadence": score_cadence(pw), "running": score_running(steps, pw), "stops": score_stops(steps, still),
            "ankle": score_ankle(steps, strikes, pw), "gct": score_gct(steps),
            "flags": [{"id": f.id, "start_s": round(f.start_s, 1), "end_s": round(f.end_s, 1), "severity": f.severity}
                      for f in res.flags],
            "_windows": pw}


# -------------------------------------------------------------------------------------- report


def fmt(v, d=2):
    return "–" if v is None or (isinstance(v, float) and not np.isfinite(v)) else (f"{v:.{d}f}" if isinstance(v, float) else str(v))


def markdown(out: dict) -> str:
    L = ["# Running on a real recording (adeptdata `acc_running`, left hip)", "",
         "Command: `.venv/bin/python benchmarks/running.py` (from the repository root).  ",
         f"Date: {out['date']}. Machine: {out['machine']['cpu']}, {out['machine']['cores']} cores, "
         f"Python {out['machine']['python']}, numpy {np.__version__}, pandas {pd.__version__}.  ",
         f"Data: `{out['data']}` read in place (GPL-3, not copied): 25 min, 100 Hz, acc only; "
         f"{out['data_facts']['still_min']:.1f} min still, {out['data_facts']['running_windows']} of "
         f"{out['data_facts']['n_windows']} 30-s windows running by the independent estimate.  ",
         "References are *independent estimates* computed by the benchmark (see the docstring of "
         "`benchmarks/running.py`): stride period from the hip magnitude's autocorrelation per 30-s window, "
         "still = both sensors quiet per 2-s window, left-foot strikes from the **ankle accelerometer** "
         "(not a gold standard).", ""]
    L += ["| measure | " + " | ".join(c["name"] for c in out["cases"]) + " |",
          "|---|" + "---|" * len(out["cases"])]

    def row(label, f):
        L.append(f"| {label} | " + " | ".join(f(c) for c in out["cases"]) + " |")
    row("steps found", lambda c: str(c["n_steps"]))
    row("cadence per 30-s window vs stride autocorr., MAE / worst (spm), median step cadence",
        lambda c: f"{fmt(c['cadence']['cadence_spm']['mae_spm'], 1)} / {fmt(c['cadence']['cadence_spm']['max_abs_spm'], 1)}")
    row("… from the median stride time, MAE / worst (spm)",
        lambda c: f"{fmt(c['cadence']['cadence_stride_spm']['mae_spm'], 1)} / {fmt(c['cadence']['cadence_stride_spm']['max_abs_spm'], 1)}")
    row("windows with cadence halved / doubled (of scored)",
        lambda c: f"{c['cadence']['cadence_spm']['halved_windows']} / {c['cadence']['cadence_spm']['doubled_windows']} "
                  f"(of {c['cadence']['n_windows']})")
    row("steps in running windows called `run`",
        lambda c: f"{fmt(100 * c['running']['run_fraction_in_running_windows'], 1)} % "
                  f"(worst window {fmt(100 * c['running']['worst_window_run_fraction'], 0)} %)")
    row("steps in walking windows called `walk`",
        lambda c: f"{fmt(100 * c['running']['walk_fraction_in_walking_windows'], 1)} % ({c['running']['steps_in_walking_windows']} steps)")
    row("steps while still (both sensors quiet)",
        lambda c: f"{c['stops']['steps_while_still']} in {c['stops']['still_min']:.1f} min")
    row("ankle strikes with a hip contact on them (±0.1 s after the window's offset)",
        lambda c: f"{fmt(c['ankle'].get('recall', np.nan), 3)} of {c['ankle']['n_ankle']}; residual median "
                  f"{fmt(c['ankle'].get('median_abs_residual_ms', np.nan), 0)} ms")
    row("offset hip contact − ankle peak per window: median [range]",
        lambda c: f"{fmt(1000 * c['ankle'].get('offset_s_median', np.nan), 0)} ms "
                  f"[{fmt(1000 * c['ankle'].get('offset_s_range', [np.nan])[0], 0)} … "
                  f"{fmt(1000 * c['ankle'].get('offset_s_range', [np.nan, np.nan])[-1], 0)}]")
    row("those (left-foot) contacts labelled 'L'; windows mostly L / mostly R",
        lambda c: f"{fmt(100 * c['ankle'].get('labelled_L_frac', np.nan), 1)} %; "
                  f"{c['ankle'].get('windows_majority_L', '–')} / {c['ankle'].get('windows_majority_R', '–')}")
    row("hip 'L' contacts vs ankle strikes: P / R / F1",
        lambda c: (f"{fmt(c['ankle']['left_labelled']['precision'], 3)} / {fmt(c['ankle']['left_labelled']['recall'], 3)} / "
                   f"{fmt(c['ankle']['left_labelled']['f1'], 3)}") if "left_labelled" in c["ankle"] else "–")
    row("left stride time vs ankle: MAE / bias / p95 (ms)",
        lambda c: (f"{fmt(c['ankle']['stride_mae_ms'], 1)} / {fmt(c['ankle']['stride_bias_ms'], 1)} / "
                   f"{fmt(c['ankle']['stride_p95_ms'], 0)} ({c['ankle']['n_strides']} strides)")
        if "n_strides" in c["ankle"] else "–")
    row("ground contact (run steps): median [IQR] ms", lambda c: f"{fmt(c['gct']['median_ms'], 0)} "
        f"[{fmt(c['gct']['iqr_ms'][0], 0)}–{fmt(c['gct']['iqr_ms'][1], 0)}]")
    row("… median L / R side (ms)", lambda c: f"{fmt(c['gct']['median_L_ms'], 0)} / {fmt(c['gct']['median_R_ms'], 0)}")
    row("… in 200–300 ms / < 150 ms / > 350 ms",
        lambda c: f"{fmt(100 * c['gct']['frac_200_300'], 0)} % / {fmt(100 * c['gct']['frac_below_150'], 1)} % / "
                  f"{fmt(100 * c['gct']['frac_above_350'], 1)} %")
    row("step-time asymmetry (summary)", lambda c: f"{fmt(c['step_time_asymmetry_pct'], 1)} %")
    row("signal looks one-sided (placement check: the hip belt sits on the left)",
        lambda c: "yes" if c["one_sided_signal"] else "no")
    row("flags", lambda c: "; ".join(f"{f['id']} {f['start_s']:.0f}–{f['end_s']:.0f} s ({f['severity']})"
                                     for f in c["flags"]) or "none")
    L += ["", f"Clipping: samples at ±{SENSOR_RANGE_G:.0f} g (the sensor's range) — hip "
          f"{out['data_facts']['clipped_hip']}, ankle {out['data_facts']['clipped_ankle']} "
          f"(max |axis| hip {out['data_facts']['max_abs_hip_g']:.2f} g). The hip never clips, so the "
          "'±4 g' column clips a copy in memory at ±4 g (a smaller-range sensor) to see what saturation does.", "",
          "Flags (as recorded) beside the independent signals over their span, relative to the first 3 min: "
          "cadence from the stride autocorrelation, hardest landings = 99th percentile of the hip's |a|. "
          "The step-time asymmetry cannot be checked: there is no right-foot sensor.", "",
          "| flag | span | severity | cadence vs first 3 min | hip p99 vs first 3 min |", "|---|---|---|---|---|",
          *[f"| {f['id']} | {f['start_s']:.0f}–{f['end_s']:.0f} s | {f['severity']} | {f['cadence_change_pct']:+.1f} % | "
            f"{f['p99_change_pct']:+.1f} % |" for f in out["cases"][0]["flags_vs_independent"]], "",
          f"CPU: `imu_gait.analyze` on the 25-min hip recording {out['cpu_s']:.3f} s "
          f"(best of 3 after a warm-up) = {out['cpu_s_per_h']:.2f} s per hour of data.", "",
          "Per 30-s window (as recorded): independent stride period and cadence vs imu_gait", "",
          "| window | moving | ac peak | stride (s) | ref cadence | running (ref) | hip \\|a\\| p99 (g) | imu_gait steps | cadence (median step) | cadence (stride) | `run` |",
          "|---|---|---|---|---|---|---|---|---|---|---|"]
    for w in out["windows"]:
        L.append(f"| {w['t0_s']:.0f}–{w['t1_s']:.0f} | {100 * w['moving_frac']:.0f} % | {w['ac_peak']:.2f} | "
                 f"{fmt(w['stride_s'], 3)} | {fmt(w['cadence_ref_spm'], 1)} | {'yes' if w['running_ref'] else 'no'} | {w['p99_g']:.2f} | "
                 f"{w['n_steps']} | {fmt(w['cadence_spm'], 1)} | {fmt(w['cadence_stride_spm'], 1)} | "
                 f"{fmt(100 * w['run_frac'], 0) + ' %' if np.isfinite(w['run_frac']) else '–'} |")
    return "\n".join(L) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"skipped: {args.data} not found (GPL-3 data, read in place from ../shared/datasets_raw/)")
        return 0
    d = load(args.data)
    hip, ank = d["left_hip"], d["left_ankle"]
    t = d["left_hip_t"] - d["left_hip_t"][0]
    still = still_windows(hip, ank)
    win = cadence_windows(hip, still)
    strikes = ankle_strikes_s(ank)
    cases = [run_case("as recorded", hip, t, win, still, strikes),
             run_case("hip clipped at ±4 g", np.clip(hip, -4.0, 4.0), t, win, still, strikes)]
    cpu = cpu_seconds(hip, t)
    dur_h = (t[-1] - t[0] + 1 / FS_HZ) / 3600
    out = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "command": ".venv/bin/python benchmarks/running.py",
           "machine": {"python": platform.python_version(), "cpu": cpu_model(), "cores": os.cpu_count()},
           "data": "../shared/datasets_raw/adeptdata_running/acc_running.rda",
           "data_facts": {"still_min": float(still.sum() * STILL_WIN_S / 60), "n_windows": int(len(win)),
                          "running_windows": int(win.running_ref.sum()),
                          "clipped_hip": int((np.abs(hip) >= SENSOR_RANGE_G - 1e-9).sum()),
                          "clipped_ankle": int((np.abs(ank) >= SENSOR_RANGE_G - 1e-9).sum()),
                          "max_abs_hip_g": float(np.abs(hip).max())},
           "cpu_s": cpu, "cpu_s_per_h": cpu / dur_h,
           "windows": cases[0]["_windows"].to_dict("records"),
           "cases": [{k: v for k, v in c.items() if k != "_windows"} for c in cases]}
    md = markdown(out)
    print(md)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "running.md").write_text(md)
    (args.out / "running.json").write_text(json.dumps(out, indent=1, default=float))
    print(f"wrote {args.out / 'running.md'} and running.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
