"""Which way is forward: the engine's forward axis per step against the sensor's known anteroposterior axis.

    .venv/bin/python benchmarks/forward_axis.py      # ~1 min; writes benchmarks/results/forward_axis.md/.json

Braking, sway and lean are measured about the forward axis the engine finds from the walking itself
(imu_gait/dsp/orientation.py). Two sources say where the sensor's forward axis truly lies: the Mobilise-D
lower-back sensor (``../shared/datasets_raw/mobgap_example``, Apache-2.0: z anteroposterior) and IPOL's
Xsens on L5 (read in place, AGPL: −z, found consistently on all 58 straight walks). The error is the
angle, in the horizontal plane, between the axis a step was measured about and that axis (a sensor worn
a few degrees turned adds its turn to every figure); over 90° means forward and backward swapped.

Each step counts once, with the calibration it was measured under: 'long walk' when a walk of 16+ steps
calibrated the recording, 'short walks' for the steps of shorter walks before that. 'former' is the rule
before 2026-12-04 on the same samples: the accelerometer's step-periodic direction alone, from each short
walk on its own. Now several witnesses vote, each weighted by how clearly it shows a direction — the
step-periodic acceleration (forward), the stride-periodic sway (side to side) and, with a gyroscope, the
step-periodic pitch and stride-periodic roll rotations, without one the inverted pendulum's direction —
summed over the short walks so far and the calibrating walk (imu_gait.dsp.orientation.forward_evidence).
Run with and without the gyroscope (the same recordings, gyro dropped: a phone or a Polar H10). The last
lines name each set's three worst recordings.
"""
from __future__ import annotations

import argparse
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
from imu_gait import engine as engine_mod  # noqa: E402
from imu_gait.recording import Recording  # noqa: E402
from publish import publish  # noqa: E402

#: the sensor's true forward axis (sign included), per data set
TRUTH = {"mobgap": np.array([0.0, 0.0, 1.0]), "ipol": np.array([0.0, 0.0, -1.0])}


def axis_error_deg(ap: np.ndarray, up: np.ndarray, truth: np.ndarray) -> float:
    """Angle between ap and the truth's horizontal part (about 'up'), 0–180°."""
    t = truth - truth.dot(up) * up
    t /= np.linalg.norm(t)
    a = ap - ap.dot(up) * up
    a /= np.linalg.norm(a)
    return float(np.degrees(np.arccos(np.clip(a @ t, -1.0, 1.0))))


def run_one(rec: Recording, truth: np.ndarray) -> list[dict]:
    """One analysis; per emitted batch of steps: how many, the calibration's error, and which kind."""
    rows: list[dict] = []
    eng_cls = engine_mod.GaitEngine
    emit, short = eng_cls._emit_rows, eng_cls._short_walk_calibration
    alone: dict[int, object] = {}

    def former(self, times):
        """The rule before 2026-12-04 on the same samples: the accelerometer's step-periodic direction
        of this stretch alone (forward_axis)."""
        if len(times) < 4 or self._settling(times):
            return None
        found = self._forward_from(times)
        return None if found is None else found[:2]

    def short_spy(self, times):
        alone[id(times)] = former(self, times)
        out = short(self, times)
        self._spy_last = (out, alone.pop(id(times)))
        return out

    def emit_spy(self, steps, calib, upd):
        last = getattr(self, "_spy_last", None)
        kind = "long walk" if last is None or calib is not last[0] else "short walks"
        self._spy_last = None
        n = sum(1 for s in steps if s.pos >= self._base)
        if n:
            row = {"n": n, "kind": kind,
                   "err": axis_error_deg(calib[0], calib[1], truth) if calib is not None else float("nan")}
            own = last[1] if kind == "short walks" else (self._turn_ref, calib[1])
            row["err_former"] = axis_error_deg(own[0], own[1], truth) if own is not None else float("nan")
            rows.append(row)
        return emit(self, steps, calib, upd)

    eng_cls._emit_rows, eng_cls._short_walk_calibration = emit_spy, short_spy
    try:
        imu_gait.analyze(rec)
    finally:
        eng_cls._emit_rows, eng_cls._short_walk_calibration = emit, short
    return rows


def stats(errs: np.ndarray, weights: np.ndarray) -> dict:
    ok = np.isfinite(errs)
    e, w = errs[ok], weights[ok]
    if not e.size:
        return {"steps": 0}
    rep = np.repeat(e, w.astype(int))
    return {"steps": int(w.sum()), "no_axis": int(weights[~ok].sum()), "median_deg": float(np.median(rep)),
            "p90_deg": float(np.percentile(rep, 90)), "over_30_pct": float(100 * np.mean(rep > 30)),
            "reversed_pct": float(100 * np.mean(rep > 90))}


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    sources = {"mobgap": refdata.load_mobgap}
    if (refdata.IPOL_DIR / "GaitData").is_dir():
        sources["ipol"] = refdata.load_ipol
    res: dict[str, dict] = {}
    for ds, loader in sources.items():
        recs = list(loader(log=lambda s: None))
        for gyro in (True, False):
            rows = []
            for r in recs:
                rec = Recording(r.time_s, r.acc_mps2, r.gyro_rads if gyro else None, meta={"sample_rate_hz": r.fs_hz})
                for row in run_one(rec, TRUTH[ds]):
                    rows.append({**row, "recording": r.name, "condition": r.condition})
            key = f"{ds} {'acc + gyro' if gyro else 'acc only'}"
            n = np.array([x["n"] for x in rows], float)
            err = np.array([x["err"] for x in rows], float)
            long_ = np.array([x["kind"] == "long walk" for x in rows])
            former = np.array([x["err_former"] for x in rows], float)
            res[key] = {"recordings": len(recs), "all": stats(err, n), "former all": stats(former, n),
                        "long walk": stats(err[long_], n[long_]), "long walk, former": stats(former[long_], n[long_]),
                        "short walks": stats(err[~long_], n[~long_]),
                        "short walks, former": stats(former[~long_], n[~long_]), "rows": rows}
            print(f"{key}: done", file=sys.stderr)
    lines = ["# Forward axis against the sensor's true anteroposterior axis", "",
             "Command: `.venv/bin/python benchmarks/forward_axis.py` (from the repository root).  ",
             f"Date: {datetime.now(timezone.utc).isoformat(timespec='seconds')}. Python {platform.python_version()}.", "",
             "Per step: the angle between the forward axis the step was measured about and the sensor's true one "
             "(horizontal plane). 'former': the rule before 2026-12-04 (the accelerometer's step-periodic direction, "
             "each short walk alone), on the same steps.", "",
             "| data | calibrated by | steps | median ° | p90 ° | > 30° | reversed (> 90°) |",
             "|---|---|---|---|---|---|---|"]
    for key, r in res.items():
        for kind in ("all", "former all", "long walk", "long walk, former", "short walks", "short walks, former"):
            s = r[kind]
            if not s.get("steps"):
                continue
            lines.append(f"| {key} | {kind} | {s['steps']} | {s['median_deg']:.1f} | {s['p90_deg']:.1f} | "
                         f"{s['over_30_pct']:.0f} % | {s['reversed_pct']:.0f} % |")
    lines += ["", "Per recording (acc + gyro, steps of short walks; steps, median error now / former):", ""]
    for key, r in res.items():
        if "gyro" not in key:
            continue
        per: dict[str, list] = {}
        for x in r["rows"]:
            if x["kind"] == "short walks":
                per.setdefault(x["recording"], []).append(x)
        for name, xs in per.items():
            n = np.array([x["n"] for x in xs], float)
            p = stats(np.array([x["err"] for x in xs]), n)
            a = stats(np.array([x["err_former"] for x in xs]), n)
            lines.append(f"- {name}: {p.get('steps', 0)} steps, {p.get('median_deg', np.nan):.0f}° / "
                         f"{a.get('median_deg', np.nan):.0f}°")
    lines += ["", "The three recordings whose steps are furthest off (median per recording, all steps; with and without "
              "the gyroscope):", ""]
    for key, r in res.items():
        per = {}
        for x in r["rows"]:
            per.setdefault(x["recording"], []).append(x)
        worst = sorted(((stats(np.array([x["err"] for x in xs]), np.array([x["n"] for x in xs], float)), name)
                        for name, xs in per.items()), key=lambda t: -t[0].get("median_deg", -1.0))[:3]
        lines.append(f"- {key}: " + "; ".join(f"{name} {s.get('median_deg', np.nan):.0f}° ({s.get('steps', 0)} steps)"
                                             for s, name in worst))
    md = "\n".join(lines) + "\n"
    publish("forward_axis", md, {k: {kk: vv for kk, vv in v.items()} for k, v in res.items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
