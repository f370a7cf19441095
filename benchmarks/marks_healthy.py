"""Symptom marks on healthy people's real walks: how often a mark would name a metric by chance.

    .venv/bin/python benchmarks/marks_healthy.py      # ~10 s; writes benchmarks/results/marks_healthy.md/.json

A symptom mark (``imu_gait.marks``) names each metric whose minute of walking before it differs from
the personal baseline by more than two walks of the same person on the same day do
(``compare.REPEAT_CHANGE``); while running it gives the figures without judging them — this
benchmark's run is why. Nobody here marked anything, and nobody was asked to change how they
walked: marks placed every 15 s after the baseline, wherever the walker was walking, show how often
a mark names a metric when nothing changed on purpose — the feature's false-attribution rate.

Real recordings long enough for a baseline (≥ 2 min of walking) with a sensor on the trunk: the
Oxford phones in a chest (neck) pouch (6 walks of ~2.7 min; the trouser-pocket ones are off the
trunk, where the metrics are hidden) and the adeptdata 25-min outdoor run (ActiGraph on the left
hip, accelerometer only; running, judged with the walking limits — no repeat runs were measured).
IPOL's and Mobilise-D's walks are under 2 min. Reads ``../shared/datasets_raw`` in place; skips
what is absent.
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
from imu_gait.marks import MARK_METRICS, Mark, mark_contexts, repeat_change  # noqa: E402
from imu_gait.recording import G, Recording  # noqa: E402

MARK_EVERY_S = 15.0
ADEPT = ROOT.parent / "shared" / "datasets_raw" / "adeptdata_running" / "acc_running.rda"


def marks_after_baseline(res) -> list[Mark]:
    """A mark every MARK_EVERY_S from the end of the baseline (or of the first minute of walking, when the
    baseline has no settled end) to the last step, wherever the walker was walking then."""
    tl = res.timeline
    if not len(tl) or not len(res.steps):
        return []
    origin = float(res.summary.get("time_start_s") or 0.0)
    state = tl.attrs.get("baseline_state") or {}
    ends = [float(v["end_s"]) for v in state.values() if isinstance(v, dict)]
    t0 = max(ends) if ends else float(res.steps["time_s"].iloc[0]) + 60.0
    t1 = float(res.steps["time_s"].iloc[-1])
    walking = tl["walking"].to_numpy(bool)
    t_grid = tl["time_s"].to_numpy(float)
    out = []
    for t in np.arange(t0 + 60.0, t1, MARK_EVERY_S):       # the minute before lies after the baseline
        k = int(np.searchsorted(t_grid, t))
        if 0 < k < t_grid.size and walking[k - 1]:
            out.append(Mark(float(t - origin)))
    return out


def judge(name: str, res) -> dict:
    ctxs = [c for c in mark_contexts(res, marks_after_baseline(res)) if c.before_s is not None and c.has_baseline]
    limits = repeat_change()
    # against the walking limits whatever the gait: a run's marks are not judged (this is why)
    beyond = [[m for m in c.metrics if np.isfinite(m.change) and abs(m.change) > limits[m.metric]] for c in ctxs]
    named = collections.Counter(m.metric for b in beyond for m in b)
    worst = [max((abs(m.change) / limits[m.metric] for m in c.metrics if np.isfinite(m.change)), default=np.nan)
             for c in ctxs]
    return {"name": name, "marks": len(ctxs), "naming": sum(bool(b) for b in beyond),
            "named_by_imu_gait": sum(bool(c.stood_out) for c in ctxs), "named": dict(named),
            "gaits": dict(collections.Counter(c.gait for c in ctxs)),
            "worst_ratio_median": float(np.nanmedian(worst)) if ctxs else float("nan"),
            "walking_min": float(res.summary.get("walking_time_s") or 0.0) / 60.0}


def run() -> dict:
    cpu0 = time.process_time()
    groups: dict[str, list[dict]] = {}
    for r in refdata.load_all(["oxford"], log=lambda s: None):
        if r.condition != "NeckPouch":
            continue
        rec = Recording(r.time_s, r.acc_mps2, r.gyro_rads, meta={"sample_rate_hz": r.fs_hz, "placement": r.placement})
        groups.setdefault("oxford NeckPouch (chest, walking)", []).append(
            judge(r.name, imu_gait.analyze(rec, placement=r.placement)))
    if ADEPT.is_file():
        from running import load

        d = load(ADEPT)
        rec = Recording(d["left_hip_t"], d["left_hip"] * G, None, meta={"sample_rate_hz": 100.0, "placement": "hip"})
        groups["adeptdata run (left hip, running)"] = [judge("adeptdata/acc_running", imu_gait.analyze(rec))]
    return {"groups": groups, "limits": repeat_change(), "every_s": MARK_EVERY_S,
            "cpu_s": time.process_time() - cpu0}


def to_markdown(res: dict) -> str:
    lines = ["# Symptom marks on healthy people's real walks: how often a mark names a metric by chance", "",
             "Command: `.venv/bin/python benchmarks/marks_healthy.py` (from the repository root).  ",
             f"Date: {datetime.now(timezone.utc).isoformat(timespec='seconds')}. Python "
             f"{platform.python_version()}, numpy {np.__version__}. CPU for the whole run: {res['cpu_s']:.1f} s.", "",
             f"A mark every {res['every_s']:g} s after the baseline, wherever the walker was walking, on walks nobody "
             "marked and nobody was asked to change. A mark *names* a metric when the minute of walking before it "
             "differs from the personal baseline by more than two walks of the same person on the same day do "
             "(`compare.REPEAT_CHANGE`: " + ", ".join(f"{k} {v:g}" for k, v in res["limits"].items()
                                                       if k in MARK_METRICS) + "). "
             "Every naming here is a false attribution, or a real drift of a healthy walker (pace, fatigue, terrain). "
             "The run is counted against the walking limits too, which is why imu_gait does not judge a running "
             "mark's changes (it gives the figures): the last column is what imu_gait names.",
             "", "| recordings | n | walking min | marks judged | marks beyond a walking limit | metrics beyond (marks) | "
             "median largest change / limit | marks imu_gait names a metric for |", "|---|---|---|---|---|---|---|---|"]
    for g, rows in res["groups"].items():
        n = sum(r["marks"] for r in rows)
        k = sum(r["naming"] for r in rows)
        named = collections.Counter()
        for r in rows:
            named.update(r["named"])
        ratio = np.nanmedian([r["worst_ratio_median"] for r in rows]) if rows else np.nan
        lines.append(f"| {g} | {len(rows)} | {sum(r['walking_min'] for r in rows):.1f} | {n} | "
                     f"{k} ({100 * k / n:.0f} %) | " if n else f"| {g} | {len(rows)} | – | 0 | – | ")
        if n:
            lines[-1] += ((", ".join(f"{m} {c}" for m, c in named.most_common()) or "none") + f" | {ratio:.2f} | "
                          f"{sum(r['named_by_imu_gait'] for r in rows)} |")
        else:
            lines[-1] += "– | – | – |"
    lines += ["", "Per recording: marks judged / naming a metric (metrics named)", ""]
    for g, rows in res["groups"].items():
        for r in rows:
            lines.append(f"- {r['name']}: {r['marks']} / {r['naming']}"
                         + (f" ({', '.join(f'{m} {c}' for m, c in r['named'].items())})" if r["named"] else "")
                         + "; the minute before was " + ", ".join(f"{g or 'none'} {n}" for g, n in r["gaits"].items())
                         + f"; imu_gait names a metric for {r['named_by_imu_gait']} (walking minutes only)")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    # no options, but `--help` must say what it does, not run it: it overwrites the committed results
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    res = run()
    publish("marks_healthy", to_markdown(res), res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
