"""Per-bout figures (``res.bouts``, imu_gait.bouts) against real reference data.

    .venv/bin/python benchmarks/bouts.py      # ~5 s; writes benchmarks/results/bouts.md/.json

1. Mobilise-D (``../shared/datasets_raw/mobgap_example``, Apache-2.0; the 6 lab recordings of HA001 and
   HA002, read as ``refdata.load_mobgap`` reads them): the INDIP reference's walking bouts (``MicroWB``:
   ``Start``, ``End``, ``Duration``, ``Cadence``, ``WalkingSpeed``, ``AverageStrideLength``,
   ``Turn_Number``, ``Turn_Angle``; read by :func:`load_indip_wbs` below). Each reference bout is
   matched to the imu_gait bout (any gait) that overlaps it most in time, if that overlap is at least
   50 % of the shorter of the two; unmatched bouts of either side are listed. For the matched pairs:
   mean absolute and mean signed error (imu_gait − INDIP) of ``duration_s``, ``cadence_spm``,
   ``walking_speed_mps``, ``stride_length_m`` and ``n_turns``, per recording and pooled. Per recording
   also: reference bouts vs imu_gait walking bouts, the walking time of each, and the time both call
   walking. Definition checks beside them: the duration spanned by all imu_gait bouts overlapping a
   reference bout (both join steps across pauses shorter than 3 s; before imu_gait did, 2026-12-05,
   duration's error was 2.57 s against 1.40 s for this span); cadence, stride length
   and speed against medians of INDIP's own contacts / strides (imu_gait gives medians, INDIP means);
   each imu_gait turn's angle against the raw gyro over its span (see below).
2. IPOL (``../shared/datasets_raw/ipol_voisard_healthy_gait``, AGPL-3.0, read in place): every trial is
   a straight walk, one U-turn and the walk back. ``imu_gait.bouts.find_turns`` on a trial's steps
   (turns within walking bouts; a stretch's first strides reach back over the pause before it, so a
   pivot that broke the stretch of steps counts) should find exactly one turn, of |angle| ≈ 180°,
   overlapping the U-turn window (``UTurnBoundaries``). A turn's span runs from the start of its first
   stride to its last contact.
   Check, not a reference: the raw gyro's rate about the mean acceleration direction, integrated over
   the turn's span and over the U-turn window ± 2 s; turns outside the U-turn are told apart by
   whether they start after the trial's end (``TrialBoundaries``) and whether the raw gyro turned ≥ 45°.

imu_gait runs as in benchmarks/accuracy.py: ``Recording(time_s, acc_mps2, gyro_rads)`` as delivered,
``analyze(rec, sensor_height_m=…)``, placement left to the default (both sets are lower-back).
"""
from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import imu_gait  # noqa: E402
import refdata  # noqa: E402
from benchmarks.machine import cpu_model  # noqa: E402
from imu_gait.bouts import find_turns  # noqa: E402
from imu_gait.recording import Recording  # noqa: E402
from publish import publish  # noqa: E402

#: the per-bout figures compared with INDIP: (imu_gait column, INDIP MicroWB field, unit)
METRICS = (("duration_s", "Duration", "s"), ("cadence_spm", "Cadence", "steps/min"),
           ("walking_speed_mps", "WalkingSpeed", "m/s"), ("stride_length_m", "AverageStrideLength", "m"),
           ("n_turns", "Turn_Number", "turns"))
MIN_OVERLAP = 0.5     # of the shorter bout


# ---- helpers ------------------------------------------------------------------------------
def _num(v) -> float:
    a = np.atleast_1d(np.asarray(v, dtype=np.float64)).ravel()
    return float(a[0]) if a.size else float("nan")


def _arr(v) -> np.ndarray:
    return np.atleast_1d(np.asarray(v, dtype=np.float64)).ravel()


def analyze(rec: refdata.RefRecording):
    """imu_gait on a reference recording, as benchmarks/accuracy.py calls it."""
    r = Recording(time_s=rec.time_s.copy(), acc_mps2=rec.acc_mps2.copy(),
                  gyro_rads=None if rec.gyro_rads is None else rec.gyro_rads.copy(), meta={"source": rec.name})
    return imu_gait.analyze(r, sensor_height_m=rec.sensor_height_m)


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def union_length(iv: list[tuple[float, float]]) -> float:
    tot, end = 0.0, -np.inf
    for s, e in sorted(iv):
        if e <= end:
            continue
        tot += e - max(s, end)
        end = e
    return tot


def intersection_length(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> float:
    """Time in both interval sets (each assumed non-overlapping within itself)."""
    return float(sum(overlap(s0, e0, s1, e1) for s0, e0 in a for s1, e1 in b))


def err_stats(d: np.ndarray) -> dict:
    d = np.asarray(d, float)
    d = d[np.isfinite(d)]
    if not d.size:
        return {"mae": float("nan"), "me": float("nan"), "n": 0}
    return {"mae": float(np.mean(np.abs(d))), "me": float(np.mean(d)), "n": int(d.size)}


def _f(x, fmt="{:.2f}", na="–") -> str:
    try:
        return na if x is None or not np.isfinite(x) else fmt.format(x)
    except TypeError:
        return str(x)


# ---- 1. Mobilise-D, INDIP walking bouts ---------------------------------------------------
def load_indip_wbs(root: Path = refdata.MOBGAP_DIR) -> dict[str, list[dict]]:
    """INDIP ``MicroWB`` per recording (names as refdata.load_mobgap gives them), the fields compared here."""
    out: dict[str, list[dict]] = {}
    for cohort, pid, test, trial, rec in refdata.mobgap_trials(root):
        std = rec.get("Standards", {}).get("INDIP")
        wbs = refdata._as_bout_list(std.get("MicroWB")) if isinstance(std, dict) else []
        rows = []
        for b in wbs:
            ic = _arr(b.get("InitialContact_Event", []))
            step = np.diff(ic)          # NaN where INDIP lost a contact: that interval is unknown
            sl, ss = _arr(b.get("Stride_Length", [])), _arr(b.get("Stride_Speed", []))
            rows.append({"start_s": _num(b["Start"]), "end_s": _num(b["End"]),
                         "duration_s": _num(b["Duration"]), "cadence_spm": _num(b["Cadence"]),
                         "walking_speed_mps": _num(b["WalkingSpeed"]),
                         "stride_length_m": _num(b["AverageStrideLength"]),
                         "n_turns": _num(b["Turn_Number"]),
                         "turn_angles_deg": _arr(b.get("Turn_Angle", [])).tolist(),
                         "turn_start_s": _arr(b.get("Turn_Start", [])).tolist(),
                         "turn_end_s": _arr(b.get("Turn_End", [])).tolist(),
                         # the same figures as medians over the bout's steps / strides, as imu_gait
                         # takes them
                         "cadence_median_spm": float(60.0 / np.nanmedian(step)) if np.isfinite(step).any()
                         else float("nan"),
                         "stride_length_median_m": float(np.nanmedian(sl)) if np.isfinite(sl).any() else float("nan"),
                         "walking_speed_median_mps": float(np.nanmedian(ss)) if np.isfinite(ss).any() else float("nan"),
                         "n_ic": int(ic.size), "n_ic_nan": int(np.isnan(ic).sum()),
                         "first_ic_s": float(np.nanmin(ic)) if np.isfinite(ic).any() else float("nan"),
                         "last_ic_s": float(np.nanmax(ic)) if np.isfinite(ic).any() else float("nan")})
        out[f"mobgap/{cohort}{pid}/{test}/{trial}"] = rows
    return out


def match_bouts(ref: list[dict], ours: list[dict]) -> list[tuple[int, int | None, float]]:
    """Per reference bout: (its index, the index of our bout overlapping it most or None, overlap s)."""
    out = []
    for i, r in enumerate(ref):
        best, best_ov = None, 0.0
        for j, o in enumerate(ours):
            ov = overlap(r["start_s"], r["end_s"], o["start_s"], o["end_s"])
            if ov > best_ov:
                best, best_ov = j, ov
        if best is not None:
            shorter = min(r["end_s"] - r["start_s"], ours[best]["end_s"] - ours[best]["start_s"])
            if best_ov < MIN_OVERLAP * shorter:
                best = None
        out.append((i, best, best_ov))
    return out


def mobgap() -> dict:
    indip = load_indip_wbs()
    recordings, pairs = [], []
    for rec in refdata.load_mobgap(log=lambda s: None):
        res = analyze(rec)
        tab = res.bouts
        ours = tab.to_dict(orient="records") if len(tab) else []
        ref = indip.get(rec.name, [])
        st = res.steps
        if len(st):
            spans = turn_spans(st)
            gyro = raw_heading(rec)
            for sp in spans:
                sp["raw_gyro_deg"] = gyro(sp["start_s"], sp["end_s"])
        else:
            spans = []
        m = match_bouts(ref, ours)
        matched_ours = [j for _, j, _ in m if j is not None]
        walk = [o for o in ours if o["gait"] == "walk"]
        rec_pairs = []
        for i, j, ov in m:
            if j is None:
                continue
            r, o = ref[i], ours[j]
            p = {"recording": rec.name, "ref_index": i, "bout": int(o["walking_bout"]), "overlap_s": ov,
                 "gait": o["gait"], "shared_with_other_ref": matched_ours.count(j) > 1,
                 "ref_turn_angles_deg": r["turn_angles_deg"],
                 "ours_turn_angles_deg": [sp["angle_deg"] for sp in spans if sp["bout"] == o["walking_bout"]]}
            # all our bouts overlapping the reference bout, first start → last end (both join steps across
            # pauses shorter than 3 s: the same as the matched bout's duration, unless that rule differs)
            over = [x for x in ours if overlap(r["start_s"], r["end_s"], x["start_s"], x["end_s"]) > 0]
            p["n_overlapping_bouts"] = len(over)
            p["ours_span_duration_s"] = float(max(x["end_s"] for x in over) - min(x["start_s"] for x in over))
            p["ref_span_duration_s"] = r["duration_s"]
            for k in ("cadence", "stride_length", "walking_speed"):
                unit = {"cadence": "spm", "stride_length": "m", "walking_speed": "mps"}[k]
                p[f"ref_{k}_median_{unit}"] = r[f"{k}_median_{unit}"]
                p[f"ours_{k}_median_{unit}"] = float(o[f"{k}_{unit}"])
            p["ours_turns_raw_gyro_deg"] = [sp["raw_gyro_deg"] for sp in spans if sp["bout"] == o["walking_bout"]]
            rg = raw_heading(rec)
            p["ref_turns_raw_gyro_deg"] = [rg(a, b) for a, b in zip(r["turn_start_s"], r["turn_end_s"])]
            p["raw_gyro_ref_bout_deg"] = rg(r["start_s"], r["end_s"])
            for k, _, _ in METRICS:
                p[f"ref_{k}"], p[f"ours_{k}"] = r[k], float(o[k])
            p["ref_start_s"], p["ref_end_s"] = r["start_s"], r["end_s"]
            p["ours_start_s"], p["ours_end_s"] = float(o["start_s"]), float(o["end_s"])
            rec_pairs.append(p)
        ref_iv = [(r["start_s"], r["end_s"]) for r in ref]
        walk_iv = [(float(o["start_s"]), float(o["end_s"])) for o in walk]
        row = {"recording": rec.name, "n_ref_wb": len(ref), "n_bouts": len(ours), "n_walking_bouts": len(walk),
               "summary_n_walking_bouts": res.summary["walking_bouts"]["n_walking_bouts"],
               "ref_walking_time_s": float(sum(r["duration_s"] for r in ref)),
               "walking_time_s": float(sum(o["duration_s"] for o in walk)),
               "summary_walking_bout_time_s": float(res.summary["walking_bouts"]["walking_bout_time_s"]),
               "both_walking_time_s": intersection_length(ref_iv, walk_iv),
               "matched": len(rec_pairs),
               "unmatched_ref": [{"start_s": ref[i]["start_s"], "end_s": ref[i]["end_s"],
                                  "best_overlap_s": ov} for i, j, ov in m if j is None],
               "unmatched_ours": [{"bout": int(o["walking_bout"]), "start_s": float(o["start_s"]), "end_s": float(o["end_s"]),
                                   "n_steps": int(o["n_steps"]), "gait": o["gait"],
                                   "stereophoto_walking": bool(any(overlap(a, b, o["start_s"], o["end_s"]) > 0
                                                                   for a, b in rec.other_walking))}
                                  for j, o in enumerate(ours) if j not in matched_ours],
               "errors": {k: err_stats([p[f"ours_{k}"] - p[f"ref_{k}"] for p in rec_pairs]) for k, _, _ in METRICS},
               # the definition of a bout's ends: INDIP Start/End against its first/last contact
               "ref_start_minus_first_ic_s": [r["start_s"] - r["first_ic_s"] for r in ref],
               "ref_end_minus_last_ic_s": [r["end_s"] - r["last_ic_s"] for r in ref]}
        recordings.append(row)
        pairs += rec_pairs
    pooled = {k: err_stats([p[f"ours_{k}"] - p[f"ref_{k}"] for p in pairs]) for k, _, _ in METRICS}
    pooled["span_duration_s"] = err_stats([p["ours_span_duration_s"] - p["ref_duration_s"] for p in pairs])
    MED = ("cadence_median_spm", "stride_length_median_m", "walking_speed_median_mps")
    for k in MED:
        pooled[k] = err_stats([p[f"ours_{k}"] - p[f"ref_{k}"] for p in pairs])
    for k in (*(m[0] for m in METRICS), "span_duration_s", *MED):
        refv = np.array([p[f"ref_{k}"] for p in pairs], float)
        ours = np.array([p[f"ours_{k}"] for p in pairs], float)
        ok = np.isfinite(refv) & np.isfinite(ours) & (refv != 0)
        pooled[k]["ref_mean"] = float(np.mean(refv[np.isfinite(refv)])) if np.isfinite(refv).any() else float("nan")
        pooled[k]["mape_pct"] = float(100 * np.mean(np.abs(ours[ok] - refv[ok]) / np.abs(refv[ok]))) if ok.any() \
            else float("nan")
        pooled[k]["corr"] = float(np.corrcoef(refv[ok], ours[ok])[0, 1]) if ok.sum() > 2 else float("nan")
    return {"recordings": recordings, "pairs": pairs, "pooled": pooled}


# ---- 2. IPOL U-turns ----------------------------------------------------------------------
def raw_heading(rec: refdata.RefRecording):
    """Heading change between two times from the raw gyro (deg, + = left): the angular rate about the
    mean acceleration direction (the vertical, for a trunk sensor) of the span, integrated. An
    independent check on the engine's per-stride heading changes, not a reference."""
    t, acc, w = rec.time_s, rec.acc_mps2, rec.gyro_rads

    def between(a: float, b: float) -> float:
        m = (t >= a) & (t <= b)
        if m.sum() < 2:
            return float("nan")
        up = acc[m].mean(axis=0)
        up /= np.linalg.norm(up)
        rate = np.degrees(w[m] @ up)
        return float(np.sum(0.5 * (rate[1:] + rate[:-1]) * np.diff(t[m])))
    return between


def turn_spans(steps) -> list[dict]:
    """imu_gait's turns (``imu_gait.bouts.find_turns``: within walking bouts, a stretch's first strides
    reaching back over the pause before it), each with its span (start of its first stride → its last
    contact) and its walking bout."""
    return [{"start_s": float(r.start_s), "end_s": float(r.end_s), "angle_deg": float(r.angle_deg),
             "bout": int(r.walking_bout)} for r in find_turns(steps).itertuples()]


def _pcts(x) -> dict:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if not x.size:
        return {"n": 0, "median": float("nan"), "p5": float("nan"), "p95": float("nan")}
    return {"n": int(x.size), "median": float(np.median(x)), "p5": float(np.percentile(x, 5)),
            "p95": float(np.percentile(x, 95))}


def ipol() -> dict:
    import json

    trials = []
    for rec in refdata.load_ipol(log=lambda s: None):
        res = analyze(rec)
        st = res.steps
        meta = json.loads((refdata.IPOL_DIR / "GaitData" / (rec.name.split("/", 1)[1] + ".json")).read_text())
        trial_end = float(np.asarray(meta["TrialBoundaries"], float).ravel()[-1] / 100.0)
        uturn = rec.extra_windows["uturn"]
        u0, u1 = float(uturn[:, 0].min()), float(uturn[:, 1].max())
        gyro = raw_heading(rec)
        t = st["time_s"].to_numpy(float) if len(st) else np.zeros(0)
        spans = turn_spans(st) if len(st) else []
        for sp in spans:
            sp["overlap_uturn_s"] = overlap(sp["start_s"], sp["end_s"], u0, u1)
            sp["raw_gyro_deg"] = gyro(sp["start_s"], sp["end_s"])
            sp["after_trial_end"] = bool(sp["start_s"] >= trial_end)
        in_u = [sp for sp in spans if sp["overlap_uturn_s"] > 0]
        best = max(in_u, key=lambda sp: sp["overlap_uturn_s"]) if in_u else None
        # a bout boundary within the U-turn (±0.5 s): the stride across it has no heading change
        near = (t > u0 - 0.5) & (t < u1 + 0.5)
        bouts_near = st["bout"].to_numpy()[near] if len(st) else np.zeros(0)
        trials.append({
            "name": rec.name, "n_steps": int(len(st)), "n_bouts": int(st["bout"].nunique()) if len(st) else 0,
            "uturn_s": [u0, u1], "trial_end_s": trial_end,
            "n_ref_ic_in_uturn": int(((rec.ref_ic_s >= u0) & (rec.ref_ic_s <= u1)).sum()),
            "n_steps_in_uturn": int(((t >= u0) & (t <= u1)).sum()),
            "bout_break_in_uturn": bool(np.unique(bouts_near).size > 1),
            "raw_gyro_uturn_deg": gyro(u0 - 2.0, u1 + 2.0),
            "n_turns": len(spans), "n_turns_in_uturn": len(in_u), "n_turns_outside_uturn": len(spans) - len(in_u),
            "uturn_angle_deg": best["angle_deg"] if best else float("nan"),
            "uturn_raw_gyro_span_deg": best["raw_gyro_deg"] if best else float("nan"),
            "uturn_angle_sum_deg": float(sum(sp["angle_deg"] for sp in in_u)) if in_u else float("nan"),
            "uturn_turn_span_s": [best["start_s"], best["end_s"]] if best else None,
            "turns": spans})
    n = len(trials)
    nt = np.array([r["n_turns"] for r in trials])
    col = lambda k: np.array([r[k] for r in trials], float)  # noqa: E731
    a = col("uturn_angle_deg")
    has = np.isfinite(a)
    af = np.abs(a[has])
    outside = [sp for r in trials for sp in r["turns"] if sp["overlap_uturn_s"] <= 0]
    no_uturn = [r for r in trials if not r["n_turns_in_uturn"]]
    small = [r for r in trials if r["n_turns_in_uturn"] and abs(r["uturn_angle_deg"]) < 135]
    summary = {
        "trials": n, "exactly_one_pct": 100.0 * float(np.mean(nt == 1)) if n else float("nan"),
        "n_exactly_one": int((nt == 1).sum()), "n_zero": int((nt == 0).sum()), "n_two_plus": int((nt >= 2).sum()),
        "n_with_uturn_turn": int(has.sum()),
        "exactly_one_in_uturn_and_none_outside": int(sum(r["n_turns_in_uturn"] == 1 and r["n_turns_outside_uturn"] == 0
                                                         for r in trials)),
        "n_two_plus_in_uturn": int(sum(r["n_turns_in_uturn"] >= 2 for r in trials)),
        "abs_angle": _pcts(af),
        "abs_angle_mean_abs_err_vs_180": float(np.mean(np.abs(af - 180))) if af.size else float("nan"),
        # the same turns: half the strides' summed heading change, and the raw gyro over the turn's span
        "abs_raw_gyro_span": _pcts(np.abs(col("uturn_raw_gyro_span_deg")[has])),
        "angle_minus_raw_gyro_span": _pcts((np.abs(a) - np.abs(col("uturn_raw_gyro_span_deg")))[has]),
        "abs_raw_gyro_uturn_all_trials": _pcts(np.abs(col("raw_gyro_uturn_deg"))),
        "uturn_turn_below_135": len(small),
        "no_uturn_turn_with_bout_break": sum(r["bout_break_in_uturn"] for r in no_uturn),
        "below_135_with_bout_break": sum(r["bout_break_in_uturn"] for r in small),
        "bout_break_in_uturn_all": sum(r["bout_break_in_uturn"] for r in trials),
        "turns_outside_uturn": len(outside),
        "turns_outside_after_trial_end": sum(sp["after_trial_end"] for sp in outside),
        "turns_outside_raw_gyro_ge_45": sum(abs(sp["raw_gyro_deg"]) >= 45 for sp in outside),
        "sign_left": int((a > 0).sum()), "sign_right": int((a < 0).sum()),
        "sign_agrees_with_raw_gyro": int(sum(np.sign(r["uturn_angle_deg"]) == np.sign(r["raw_gyro_uturn_deg"])
                                             for r in trials if np.isfinite(r["uturn_angle_deg"]))),
        }
    return {"trials": trials, "summary": summary}


# ---- report -------------------------------------------------------------------------------
def _git() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return f"{head}{' (working tree modified)' if dirty else ''}" if head else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def render(mg: dict | None, ip: dict | None, runtime_s: float) -> str:
    lines = ["# Per-bout figures vs reference data", "",
             "Command: `.venv/bin/python benchmarks/bouts.py` (from the repository root).  ",
             f"Date: {datetime.now(timezone.utc).isoformat(timespec='seconds')}. Machine: {cpu_model()}. "
             f"Python {platform.python_version()}, numpy {np.__version__}, imu_gait "
             f"{getattr(imu_gait, '__version__', '?')} (git {_git()}). Runtime {runtime_s:.0f} s.", "",
             "How it is measured: the docstring of `benchmarks/bouts.py`.", ""]
    if mg is not None:
        P = mg["pooled"]
        lines += ["## 1. Mobilise-D example (mobgap_example, INDIP walking bouts)", "",
                  f"Reference bout ↔ the imu_gait bout overlapping it most, overlap ≥ {MIN_OVERLAP:.0%} of the shorter "
                  "of the two. Error = imu_gait − INDIP. INDIP's figures are its `MicroWB` fields (stride length and speed: "
                  "the mean over the bout's strides; cadence: INDIP's own); imu_gait's are medians over the bout's steps "
                  "(`stride_length_m` = 2 × median step length). Both measure a bout from its first to its last contact "
                  "(INDIP `Start`/`End` = its first/last `InitialContact_Event`: "
                  + ("checked, all equal" if all(abs(x) < 1e-6 for r in mg["recordings"]
                                                  for x in r["ref_start_minus_first_ic_s"] + r["ref_end_minus_last_ic_s"]
                                                  if np.isfinite(x)) else "NOT equal in every bout, see JSON") + ").", "",
                  "### Pooled over the matched bouts", "",
                  "The last four rows are definition checks: the duration spanned by every imu_gait bout overlapping the "
                  "INDIP bout, and imu_gait's medians against medians of INDIP's own contacts (cadence = 60 / median "
                  "interval between consecutive contacts, none lost) and strides (`Stride_Length`, `Stride_Speed`); "
                  "their 'INDIP mean' is the mean over bouts of those medians.", "",
                  "| figure | n | INDIP mean | MAE | mean error (bias) | MAPE | r |", "|---|---|---|---|---|---|---|"]
        labels = {"span_duration_s": "duration_s, all imu_gait bouts overlapping the INDIP bout (first start → last end) (s)",
                  "cadence_median_spm": "cadence_spm vs INDIP 60 / median contact interval (steps/min)",
                  "stride_length_median_m": "stride_length_m vs INDIP median stride length (m)",
                  "walking_speed_median_mps": "walking_speed_mps vs INDIP median stride speed (m/s)"}
        for k, unit in [(m[0], m[2]) for m in METRICS] + [(k, "") for k in labels]:
            s = P[k]
            label = labels.get(k, f"{k} ({unit})")
            lines.append(f"| {label} | {s['n']} | {_f(s['ref_mean'])} | {_f(s['mae'])} | {_f(s['me'], '{:+.2f}')} | "
                         f"{_f(s['mape_pct'], '{:.0f} %')} | {_f(s['corr'])} |")
        lines += ["", "### Per recording", "",
                  "| recording | INDIP bouts | imu_gait bouts (walking) | matched | INDIP walking time s | imu_gait walking "
                  "time s | both s | unmatched INDIP | unmatched imu_gait |", "|---|---|---|---|---|---|---|---|---|"]
        for r in mg["recordings"]:
            ur = ", ".join(f"{u['start_s']:.1f}–{u['end_s']:.1f}" for u in r["unmatched_ref"]) or "–"
            uo = ", ".join(f"{u['start_s']:.1f}–{u['end_s']:.1f} ({u['n_steps']} steps"
                           f"{', Stereophoto: walking' if u['stereophoto_walking'] else ''})"
                           for u in r["unmatched_ours"]) or "–"
            lines.append(f"| {r['recording']} | {r['n_ref_wb']} | {r['n_bouts']} ({r['n_walking_bouts']}) | {r['matched']} | "
                         f"{r['ref_walking_time_s']:.1f} | {r['walking_time_s']:.1f} | {r['both_walking_time_s']:.1f} | {ur} | {uo} |")
        tot = {k: sum(r[k] for r in mg["recordings"]) for k in
               ("n_ref_wb", "n_bouts", "n_walking_bouts", "matched", "ref_walking_time_s", "walking_time_s",
                "both_walking_time_s")}
        lines.append(f"| **all** | {tot['n_ref_wb']} | {tot['n_bouts']} ({tot['n_walking_bouts']}) | {tot['matched']} | "
                     f"{tot['ref_walking_time_s']:.1f} | {tot['walking_time_s']:.1f} | {tot['both_walking_time_s']:.1f} | "
                     f"{sum(len(r['unmatched_ref']) for r in mg['recordings'])} | "
                     f"{sum(len(r['unmatched_ours']) for r in mg['recordings'])} |")
        lines += ["", "Errors per recording (MAE / mean error, n matched):", "",
                  "| recording | " + " | ".join(f"{k}" for k, _, _ in METRICS) + " |", "|---|" + "---|" * len(METRICS)]
        for r in mg["recordings"]:
            cells = [f"{_f(e['mae'])} / {_f(e['me'], '{:+.2f}')} ({e['n']})" if e["n"] else "–"
                     for e in (r["errors"][k] for k, _, _ in METRICS)]
            lines.append(f"| {r['recording']} | " + " | ".join(cells) + " |")
        lines += ["", "Every matched bout (INDIP → imu_gait). Raw gyro = the lower-back sensor's angular rate about its "
                  "mean acceleration direction integrated over the turn's span (`Turn_Start`–`Turn_End` for INDIP's) — a "
                  "check of what the trunk did, not a reference:", "",
                  "| recording | INDIP s | imu_gait s | imu_gait bouts overlapping | duration s | cadence spm | speed m/s | "
                  "stride length m | turns | INDIP turn angles [raw gyro over INDIP's turn] ° | imu_gait turn angles "
                  "[raw gyro over the turn] ° |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for p in mg["pairs"]:
            cells = [f"{_f(p['ref_' + k], fmt)} → {_f(p['ours_' + k], fmt)}" for k, fmt in
                     (("duration_s", "{:.1f}"), ("cadence_spm", "{:.0f}"), ("walking_speed_mps", "{:.2f}"),
                      ("stride_length_m", "{:.2f}"), ("n_turns", "{:.0f}"))]
            ang = ", ".join(f"{a:+.0f} [{g:+.0f}]" for a, g in zip(p["ref_turn_angles_deg"],
                                                                   p["ref_turns_raw_gyro_deg"])) or "–"
            ours_ang = ", ".join(f"{a:+.0f} [{g:+.0f}]" for a, g in zip(p["ours_turn_angles_deg"],
                                                                        p["ours_turns_raw_gyro_deg"])) or "–"
            lines.append(f"| {p['recording']} | {p['ref_start_s']:.1f}–{p['ref_end_s']:.1f} | {p['ours_start_s']:.1f}–"
                         f"{p['ours_end_s']:.1f}{' (shared)' if p['shared_with_other_ref'] else ''} | "
                         f"{p['n_overlapping_bouts']} | " + " | ".join(cells) + f" | {ang} | {ours_ang} |")
        lines.append("")
    if ip is not None:
        s = ip["summary"]
        A, R, D = s["abs_angle"], s["abs_raw_gyro_span"], s["angle_minus_raw_gyro_span"]
        G = s["abs_raw_gyro_uturn_all_trials"]
        lines += ["## 2. IPOL healthy gait: the U-turn", "",
                  "`find_turns` over all of a trial's steps; expected: exactly one turn, |angle| ≈ 180°, overlapping "
                  "`UTurnBoundaries`. Angle statistics over the trials with a turn overlapping the U-turn window (the "
                  "one overlapping it most).", "",
                  "| trials | exactly 1 turn | 0 turns | ≥ 2 turns | a turn overlaps the U-turn | 1 turn there and none "
                  "elsewhere | \\|angle\\| median ° | p5 ° | p95 ° | mean \\|\\|angle\\| − 180\\| ° |",
                  "|---|---|---|---|---|---|---|---|---|---|",
                  f"| {s['trials']} | {s['n_exactly_one']} ({s['exactly_one_pct']:.0f} %) | {s['n_zero']} | {s['n_two_plus']} | "
                  f"{s['n_with_uturn_turn']} | {s['exactly_one_in_uturn_and_none_outside']} | "
                  f"{_f(A['median'], '{:.0f}')} | {_f(A['p5'], '{:.0f}')} | {_f(A['p95'], '{:.0f}')} | "
                  f"{_f(s['abs_angle_mean_abs_err_vs_180'], '{:.0f}')} |", "",
                  "The same U-turn turns measured otherwise (|angle|, median [p5, p95] °; raw gyro = the angular rate "
                  "about the mean acceleration direction integrated — a check, not a reference):", "",
                  "| measure | n | median | p5 | p95 |", "|---|---|---|---|---|",
                  f"| `find_turns` angle | {A['n']} | {_f(A['median'], '{:.0f}')} | {_f(A['p5'], '{:.0f}')} | {_f(A['p95'], '{:.0f}')} |",
                  f"| raw gyro over the turn's span (start of first stride → last step) | {R['n']} | {_f(R['median'], '{:.0f}')} | "
                  f"{_f(R['p5'], '{:.0f}')} | {_f(R['p95'], '{:.0f}')} |",
                  f"| `find_turns` − raw gyro over the span (\\|·\\| difference) | {D['n']} | {_f(D['median'], '{:+.0f}')} | "
                  f"{_f(D['p5'], '{:+.0f}')} | {_f(D['p95'], '{:+.0f}')} |",
                  f"| raw gyro over the U-turn window ± 2 s, all trials | {G['n']} | {_f(G['median'], '{:.0f}')} | "
                  f"{_f(G['p5'], '{:.0f}')} | {_f(G['p95'], '{:.0f}')} |", "",
                  f"Why trials miss: {s['trials'] - s['n_with_uturn_turn']} trial(s) have no turn overlapping the U-turn "
                  f"({s['no_uturn_turn_with_bout_break']} of them with a bout break within the U-turn ± 0.5 s); {s['uturn_turn_below_135']} have a U-turn turn below 135° "
                  f"({s['below_135_with_bout_break']} with a bout break there); bout breaks within the U-turn in all: "
                  f"{s['bout_break_in_uturn_all']} of {s['trials']}. Turns outside the U-turn window: "
                  f"{s['turns_outside_uturn']}, {s['turns_outside_after_trial_end']} of them starting after the trial's end "
                  f"(`TrialBoundaries`; the walker kept stepping), {s['turns_outside_raw_gyro_ge_45']} with ≥ 45° of raw-gyro "
                  f"heading change over their span (the walker did turn). Direction of the U-turn turn: {s['sign_left']} "
                  f"left (+), {s['sign_right']} right (−); same sign as the raw gyro over the U-turn: "
                  f"{s['sign_agrees_with_raw_gyro']} of {s['n_with_uturn_turn']}.", "",
                  "Trials not as expected (turns: `find_turns` angle [raw gyro over its span] (span s), ° — "
                  "`*` = starts after the trial's end):", "",
                  "| trial | steps | bouts | U-turn s | ref contacts / steps in U-turn | bout break in U-turn | turns | "
                  "raw gyro U-turn ± 2 s ° |", "|---|---|---|---|---|---|---|---|"]
        for r in ip["trials"]:
            if r["n_turns"] == 1 and r["n_turns_in_uturn"] == 1:
                continue
            angs = ", ".join(f"{t['angle_deg']:+.0f} [{t['raw_gyro_deg']:+.0f}] ({t['start_s']:.1f}–{t['end_s']:.1f})"
                             f"{'*' if t['after_trial_end'] else ''}" for t in r["turns"]) or "none"
            lines.append(f"| {r['name']} | {r['n_steps']} | {r['n_bouts']} | {r['uturn_s'][0]:.1f}–{r['uturn_s'][1]:.1f} | "
                         f"{r['n_ref_ic_in_uturn']} / {r['n_steps_in_uturn']} | {'yes' if r['bout_break_in_uturn'] else 'no'} | "
                         f"{angs} | {_f(r['raw_gyro_uturn_deg'], '{:+.0f}')} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    mg = mobgap() if (refdata.MOBGAP_DIR / "data" / "lab").is_dir() else None
    ip = ipol() if (refdata.IPOL_DIR / "GaitData").is_dir() else None
    runtime = time.perf_counter() - t0
    md = render(mg, ip, runtime)
    data = {"command": ".venv/bin/python benchmarks/bouts.py", "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": {"cpu": cpu_model(), "python": platform.python_version(), "numpy": np.__version__},
            "imu_gait": getattr(imu_gait, "__version__", "?"), "git": _git(), "runtime_s": runtime,
            "min_overlap_of_shorter": MIN_OVERLAP, "mobgap": mg, "ipol": ip}
    if args.no_write:
        print(md)
    else:
        publish("bouts", md, data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
