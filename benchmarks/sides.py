"""Left/right labels of the detected steps against reference feet.

    .venv/bin/python benchmarks/sides.py      # ~2 s; writes benchmarks/results/sides.md/.json

Each detected contact matched (±0.25 s, imu_gait.evaluation.match_events) to a reference contact
with a known foot: the IPOL lower-back walks (foot IMUs: LeftFootEvents / RightFootEvents; read in
place, AGPL) and the bundled Mobilise-D recordings (INDIP ``ic_sides``). Reports the share of
labelled matched contacts with the right foot, how many were left unlabelled, and the trials
below 90 % (a mirrored stretch shows there).
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import imu_gait  # noqa: E402
import refdata  # noqa: E402
from publish import publish  # noqa: E402
from imu_gait.evaluation import match_events  # noqa: E402
from imu_gait.recording import Recording  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def ref_asymmetry_pct(ref_t: np.ndarray, ref_side: np.ndarray) -> float:
    """The reference's step-time asymmetry: |median left − median right step time| / their mean, %,
    over steps between contacts of alternating feet within 30 % of the median step (turns and pauses
    out); a step's side is the foot that lands at its end."""
    o = np.argsort(ref_t)
    t, side = ref_t[o], ref_side[o]
    st = np.diff(t)
    alt = side[1:] != side[:-1]
    if alt.sum() < 8:
        return float("nan")
    ok = alt & (np.abs(st / np.median(st[alt]) - 1.0) < 0.3)
    lt, rt = np.median(st[ok & (side[1:] == "L")]), np.median(st[ok & (side[1:] == "R")])
    return float(100 * abs(lt - rt) / ((lt + rt) / 2))


def score(det_t: np.ndarray, det_side: np.ndarray, ref_t: np.ndarray, ref_side: np.ndarray) -> dict:
    pairs, _, _ = match_events(det_t, ref_t, 0.25)
    got = det_side[pairs[:, 0]]
    truth = ref_side[pairs[:, 1]]
    labelled = got != ""
    # one foot's contacts systematically later than the other's (by the reference's feet): a step-time
    # asymmetry the detector makes, not the walker
    err = det_t[pairs[:, 0]] - ref_t[pairs[:, 1]]
    el, er = err[truth == "L"], err[truth == "R"]
    offset = float(1000 * (np.median(el) - np.median(er))) if el.size >= 3 and er.size >= 3 else float("nan")
    return {"matched": int(len(pairs)), "labelled": int(labelled.sum()),
            "correct": int((got[labelled] == truth[labelled]).sum()), "side_offset_ms": offset,
            "ref_asymmetry_pct": ref_asymmetry_pct(ref_t, ref_side)}


def ipol() -> list[dict]:
    rows = []
    for r in refdata.load_all(["ipol"], log=lambda s: None):
        meta = json.loads((refdata.IPOL_DIR / "GaitData" / (r.name.split("/", 1)[1] + ".json")).read_text())
        left = np.asarray(meta["LeftFootEvents"], float).reshape(-1, 2)[:, 1] / 100.0
        right = np.asarray(meta["RightFootEvents"], float).reshape(-1, 2)[:, 1] / 100.0
        ref_t = np.r_[left, right]
        ref_side = np.r_[np.full(left.size, "L"), np.full(right.size, "R")]
        res = imu_gait.analyze(Recording(r.time_s, r.acc_mps2, r.gyro_rads, meta={"sample_rate_hz": r.fs_hz}))
        steps = res.steps
        rows.append({"name": r.name, **score(steps["time_s"].to_numpy(), steps["side"].to_numpy(), ref_t, ref_side),
                     "asymmetry_pct": float(res.summary["step_time_asymmetry_pct"])})
    return rows


def mobgap_bundled() -> list[dict]:
    rows = []
    for ref_path in sorted((ROOT / "datasets").glob("mobgap_*.ref.json")):
        ref = json.loads(ref_path.read_text())
        t = np.array([np.nan if v is None else v for v in ref["ic_times_s"]], float)
        side = np.array(["L" if str(s).lower().startswith("l") else "R" for s in ref["ic_sides"]])
        ok = np.isfinite(t)
        res = imu_gait.analyze(imu_gait.read(ref_path.with_name(ref_path.name.replace(".ref.json", ".csv"))))
        steps = res.steps
        rows.append({"name": ref_path.name.replace(".ref.json", ""),
                     **score(steps["time_s"].to_numpy(), steps["side"].to_numpy(), t[ok], side[ok]),
                     "asymmetry_pct": float(res.summary["step_time_asymmetry_pct"])})
    return rows


def summarise(rows: list[dict]) -> dict:
    lab = sum(r["labelled"] for r in rows)
    cor = sum(r["correct"] for r in rows)
    per = [r["correct"] / r["labelled"] for r in rows if r["labelled"]]
    return {"recordings": len(rows), "matched": sum(r["matched"] for r in rows), "labelled": lab,
            "correct_pct": 100.0 * cor / lab if lab else float("nan"),
            "below_90": [r["name"] for r in rows if r["labelled"] and r["correct"] / r["labelled"] < 0.9],
            "worst_pct": 100.0 * min(per) if per else float("nan")}


def main(argv: list[str] | None = None) -> int:
    # --help must only explain: without a parser, it ran the benchmark and overwrote the results
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    res = {}
    if (refdata.IPOL_DIR / "GaitData").is_dir():
        res["ipol"] = ipol()
    res["mobgap (datasets/)"] = mobgap_bundled()
    lines = ["# Left/right labels vs reference feet", "",
             "Command: `.venv/bin/python benchmarks/sides.py` (from the repository root).  ",
             f"Date: {datetime.now(timezone.utc).isoformat(timespec='seconds')}. Python {platform.python_version()}.", "",
             "| data | recordings | matched contacts | labelled | right foot | worst recording | recordings below 90 % |",
             "|---|---|---|---|---|---|---|"]
    for name, rows in res.items():
        s = summarise(rows)
        lines.append(f"| {name} | {s['recordings']} | {s['matched']} | {s['labelled']} | {s['correct_pct']:.1f} % | "
                     f"{s['worst_pct']:.0f} % | {len(s['below_90'])}: {', '.join(s['below_90']) or '–'} |")
    lines += ["", "## One foot's contacts later than the other's, and step-time asymmetry", "",
              "side offset = median timing error of the left foot's matched contacts − the right foot's (ms): a "
              "waveform that peaks later after one foot's contact shifts that foot's contacts and makes a step-time "
              "asymmetry the walker does not have. asymmetry = the summary's `step_time_asymmetry_pct` (mean left "
              "vs right step time over the steady steps: no turns, no bout edges) against the reference's (medians of alternating steps within "
              "30 % of the median step).", "",
              "| data | recordings | \\|side offset\\| median ms | > 50 ms | > 100 ms | asymmetry: median ours / reference % "
              "| mean abs. diff. | correlation |", "|---|---|---|---|---|---|---|---|"]
    big: list[str] = []
    for name, rows in res.items():
        off = np.array([r["side_offset_ms"] for r in rows], float)
        off = off[np.isfinite(off)]
        a = np.array([(r["asymmetry_pct"], r["ref_asymmetry_pct"]) for r in rows], float)
        a = a[np.isfinite(a).all(axis=1)]
        corr = float(np.corrcoef(a[:, 0], a[:, 1])[0, 1]) if len(a) > 2 else float("nan")
        lines.append(f"| {name} | {len(rows)} | {np.median(np.abs(off)):.0f} | {(np.abs(off) > 50).sum()} | "
                     f"{(np.abs(off) > 100).sum()} | {np.median(a[:, 0]):.1f} / {np.median(a[:, 1]):.1f} | "
                     f"{np.mean(np.abs(a[:, 0] - a[:, 1])):.1f} | {corr:.2f} |")
        big += [f"{r['name']} ({r['side_offset_ms']:+.0f})" for r in rows if abs(r["side_offset_ms"]) > 50]
    if big:
        lines += ["", f"Side offsets over 50 ms (ms): {', '.join(big)}."]
    md = "\n".join(lines) + "\n"
    publish("sides", md, res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
