"""Back-strain flags on real walks of healthy people (how often the rules cry wolf), and the
stride-time CV against a foot-sensor reference.

    .venv/bin/python benchmarks/flags_healthy.py      # ~3 s; writes benchmarks/results/flags_healthy.md/.json

The rules are tested on synthetic patterns in ``tests/test_strain.py``; this is their check on
real recordings: the IPOL lower-back walks (58 trials of healthy adults: ~10 m, a U-turn, back),
the Oxford phones (chest pouch and trouser pockets; the pocket ones are judged on step timing
only) and the Mobilise-D lab recordings of two healthy adults (a few short walks and simulated
daily activities). Nobody here was asked to walk badly, so every flag is a candidate false alarm —
an upper bound: a healthy person can still walk asymmetrically (IPOL subject 7's own foot-sensor
contacts alternate 0.62 / 0.54 s steps, 13 % step-time asymmetry).

Second table: the per-trial stride-time CV the rules judge (steady strides, robust CV) against
the same statistic of the IPOL reference contacts (foot IMUs) over the steady strides of the trial
(not the U-turn nor the strides touching it, not the first two strides nor the last two steps).
Reads ``../shared/datasets_raw`` in place (AGPL / CC BY data, never copied); skips what is absent.
"""
from __future__ import annotations

import argparse
import collections
import platform
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
from publish import publish  # noqa: E402
from imu_gait.evaluation import in_windows  # noqa: E402
from imu_gait.recording import Recording  # noqa: E402
from imu_gait.strain import (StrainConfig, _bout_heading, _prepare, _steady_steps, one_sided_signal,  # noqa: E402
                             placement_kind)

RESULTS = ROOT / "benchmarks" / "results"
DATASETS = ("ipol", "oxford", "mobgap")


def robust_cv_pct(stride_s: np.ndarray, outlier_frac: float = 0.25) -> float:
    """1.4826 × MAD / median of the strides within ±outlier_frac of their median (the rules' statistic,
    over a whole trial instead of a rolling window); NaN below 8 strides."""
    x = stride_s[np.isfinite(stride_s)]
    if x.size < 8:
        return float("nan")
    x = x[np.abs(x / np.median(x) - 1.0) < outlier_frac]
    med = np.median(x)
    return float(1.4826 * np.median(np.abs(x - med)) / med * 100.0)


def sd_cv_pct(stride_s: np.ndarray, outlier_frac: float = 0.25) -> float:
    x = stride_s[np.isfinite(stride_s)]
    if x.size < 8:
        return float("nan")
    x = x[np.abs(x / np.median(x) - 1.0) < outlier_frac]
    return float(np.std(x, ddof=1) / np.mean(x) * 100.0)


def reference_steady_strides(ref_ic_s: np.ndarray, uturn: np.ndarray, edge: int = 2) -> np.ndarray:
    """Stride times of the reference contacts away from the U-turn and the trial's start and end."""
    t = np.sort(ref_ic_s)
    stride = t[2:] - t[:-2]
    touches = in_windows(t[2:], uturn) | in_windows(t[1:-1], uturn) | in_windows(t[:-2], uturn)
    keep = ~touches
    keep[: max(0, 2 * edge - 2)] = False         # strides ending at contacts 2, 3 (the first two)
    keep[len(keep) - edge:] = False
    return stride[keep]


def run(datasets=DATASETS) -> dict:
    per_ds: dict[str, dict] = {}
    cv_rows = []
    cpu0 = time.process_time()
    for ds in datasets:
        recs = refdata.load_all([ds], log=lambda s: None)
        if not recs:
            continue
        d = per_ds.setdefault(ds, {"recordings": 0, "minutes": 0.0, "flagged": [], "count": collections.Counter(),
                                   "flag_minutes": collections.Counter(), "placements": collections.Counter()})
        for r in recs:
            rec = Recording(r.time_s, r.acc_mps2, r.gyro_rads,
                            meta={"sample_rate_hz": r.fs_hz, "placement": r.placement})
            res = imu_gait.analyze(rec, placement=r.placement)
            d["recordings"] += 1
            d["minutes"] += r.duration_s / 60.0
            d["placements"][r.placement] += 1
            if res.flags:
                d["flagged"].append({"name": r.name, "placement": r.placement,
                                     "flags": [(f.id, f.severity, f.reference_kind) for f in res.flags]})
            for f in res.flags:
                d["count"][f.id] += 1
                d["flag_minutes"][f.id] += (f.end_s - f.start_s) / 60.0
            # the placement check (strain.one_sided_signal) whatever the placement: would a pocket
            # phone be noticed if the user had not said where it was, and is a trunk sensor left alone?
            # (a phone declared off the trunk reports no symmetry: judge the run without the placement)
            probe = res if placement_kind(r.placement) != "off_trunk" else imu_gait.analyze(
                Recording(r.time_s, r.acc_mps2, r.gyro_rads, meta={"sample_rate_hz": r.fs_hz}))
            side = per_ds.setdefault("_sided", {}).setdefault(f"{ds} {r.condition}", {"n": 0, "one_sided": 0, "symmetry": []})
            side["n"] += 1
            side["one_sided"] += one_sided_signal(probe.steps) is not None
            steady = _steady_steps(*_bout_heading(probe.steps), StrainConfig())
            side["symmetry"].append(float(np.nanmedian(probe.steps["symmetry"].to_numpy(float)[steady]))
                                    if steady.any() else float("nan"))
            if ds == "ipol" and r.gyro_rads is not None:
                st = _prepare(res.steps, True, [])
                ours = st["stride_time_s"].to_numpy()[_steady_steps(st["bout"].to_numpy(), st["heading_change_deg"].to_numpy(),
                                                                     StrainConfig())]
                ref = reference_steady_strides(r.ref_ic_s, r.extra_windows.get("uturn", np.empty((0, 2))))
                cv_rows.append({"name": r.name, "ref_sd": sd_cv_pct(ref), "ref_robust": robust_cv_pct(ref),
                                "ours_sd": sd_cv_pct(ours), "ours_robust": robust_cv_pct(ours)})
    sided = per_ds.pop("_sided", {})
    out = {"datasets": {k: {**v, "count": dict(v["count"]), "flag_minutes": dict(v["flag_minutes"]),
                            "placements": dict(v["placements"])} for k, v in per_ds.items()},
           "one_sided": sided,
           "stride_cv": cv_rows, "cpu_s": time.process_time() - cpu0}
    return out


def cv_agreement(rows: list[dict]) -> dict:
    a = {k: np.array([r[k] for r in rows], float) for k in ("ref_sd", "ref_robust", "ours_sd", "ours_robust")}
    ok = np.all([np.isfinite(v) for v in a.values()], axis=0)
    a = {k: v[ok] for k, v in a.items()}
    res = {"n": int(ok.sum())}
    for ours, ref in (("ours_sd", "ref_sd"), ("ours_robust", "ref_sd"), ("ours_robust", "ref_robust")):
        e = a[ours] - a[ref]
        res[f"{ours} vs {ref}"] = {"bias": float(np.mean(e)), "mae": float(np.mean(np.abs(e))),
                                   "median_ours": float(np.median(a[ours])), "median_ref": float(np.median(a[ref])),
                                   "over_5pct_ours": int(np.sum(a[ours] > 5.0)), "over_5pct_ref": int(np.sum(a[ref] > 5.0))}
    return res


def to_markdown(res: dict) -> str:
    lines = ["# Back-strain flags on healthy people's real walks", "",
             "Command: `.venv/bin/python benchmarks/flags_healthy.py` (from the repository root).  ",
             f"Date: {datetime.now(timezone.utc).isoformat(timespec='seconds')}. "
             f"Python {platform.python_version()}, numpy {np.__version__}. "
             f"CPU for the whole run: {res['cpu_s']:.1f} s.", "",
             "Every flag below is a *candidate* false alarm (healthy adults walking as asked). "
             "Rules without a personal baseline (walks under 2 min) use the absolute fallbacks.", "",
             "| dataset | recordings | minutes | recordings with a flag | flags (recordings) and flagged minutes per flag |",
             "|---|---|---|---|---|"]
    for ds, d in res["datasets"].items():
        per = "; ".join(f"{k} {d['count'][k]} ({d['flag_minutes'][k]:.1f} min)" for k in sorted(d["count"])) or "none"
        lines.append(f"| {ds} | {d['recordings']} | {d['minutes']:.1f} | {len(d['flagged'])} | {per} |")
    lines += ["", "Flagged recordings:", ""]
    for ds, d in res["datasets"].items():
        for f in d["flagged"]:
            lines.append(f"- {f['name']} ({f['placement']}): " + ", ".join(f"{i} ({s}, {k})" for i, s, k in f["flags"]))
    if res.get("one_sided"):
        lines += ["", "## Placement check: does the signal look one-sided? (placement not used)", "",
                  "strain.one_sided_signal: median step/stride regularity (symmetry) of the steady steps < 0.65 "
                  "while the stride regularity is ≥ 0.5. The rules add a note (and the summary "
                  "`one_sided_signal`); a trouser-pocket phone should be noticed, a trunk sensor not.", "",
                  "| recordings | n | looks one-sided | symmetry min – max |", "|---|---|---|---|"]
        for k, v in res["one_sided"].items():
            sym = np.array(v["symmetry"], float)
            rng = f"{np.nanmin(sym):.2f} – {np.nanmax(sym):.2f}" if np.isfinite(sym).any() else "n/a"
            lines.append(f"| {k} | {v['n']} | {v['one_sided']} | {rng} |")
    if res["stride_cv"]:
        ag = cv_agreement(res["stride_cv"])
        lines += ["", f"## Stride-time CV per IPOL trial vs the foot-sensor reference ({ag['n']} trials)", "",
                  "Steady strides only (as the rules use them); CV over the whole trial (the rules use 60-s windows). "
                  "'robust' = 1.4826 × median absolute deviation / median (what the rules judge); 'SD' = SD / mean.", "",
                  "| imu_gait | reference | median imu_gait % | median reference % | bias (points) | mean abs. diff. | trials > 5 % imu_gait / reference |",
                  "|---|---|---|---|---|---|---|"]
        for key, v in ag.items():
            if key == "n":
                continue
            ours, ref = key.split(" vs ")
            lines.append(f"| {ours.replace('ours_', '')} | {ref.replace('ref_', '')} | {v['median_ours']:.2f} | "
                         f"{v['median_ref']:.2f} | {v['bias']:+.2f} | {v['mae']:.2f} | {v['over_5pct_ours']} / {v['over_5pct_ref']} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", nargs="*", default=list(DATASETS), choices=list(DATASETS))
    args = ap.parse_args(argv)
    res = run(args.datasets)
    if not res["datasets"]:
        print("no reference datasets found under ../shared/datasets_raw — nothing to measure")
        return 0
    md = to_markdown(res)
    publish("flags_healthy", md, res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
