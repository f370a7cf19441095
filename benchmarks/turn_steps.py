"""Why contacts are missed or doubled in turns: every miss and every extra, and the stage behind it.

    .venv/bin/python benchmarks/turn_steps.py   # ~10 s; writes benchmarks/results/turn_steps.md/.json

Recordings: the IPOL lower-back walks, scored inside their U-turns (UTurnBoundaries; foot-IMU contacts;
read in place from ../shared/datasets_raw, AGPL) and the two bundled Mobilise-D daily-activity
recordings (datasets/mobgap_HA00{1,2}_daily, INDIP contacts inside INDIP bouts, the spans where INDIP
lost a contact left out — scored as in tests/test_real_recordings.py). Matching: ±0.25 s one-to-one,
nearest first (imu_gait.evaluation.match_events), as in benchmarks/accuracy.py.

The engine runs as ``imu_gait.analyze`` runs it; the script only listens: every step candidate offered
to the step acceptor is logged with the acceptor's verdict, and the 4 Hz vertical acceleration (s4,
the detector's signal) and the turning rate (gyro · up) are kept as the engine computed them.

Per miss (a reference contact no detection matched), the stage that lost it:

* ``no peak``          — s4 has no local maximum (±peak_halfwidth) near it: the trunk gave no load peak
* ``rise < min``       — a local maximum, but rising less than ``min_prominence_mps2`` above the low before it
* ``too soft to start`` / ``no steady start`` — a candidate outside a bout that could not start one
* ``early`` / ``wobble`` / ``off_rhythm`` / ``weaker than held`` / ``held, replaced`` — a candidate the
  acceptor turned down inside a bout (see StepAcceptor._judge)
* ``bout timed out`` — the bout had ended (no step for ``end_after_steps`` steps) when it came, and it
  could not start a new one
* ``taken, > tol``     — a detection was there but more than the tolerance away (its contact time)
* ``taken, paired elsewhere`` — the nearest detection matched a neighbouring reference contact
* ``ref pair < 0.3 s`` — … and that neighbour is < 0.3 s away: two reference contacts within less than
  the shortest step a trunk signal separates (a duplicate, or both feet shuffling)

Per extra (a detection no reference contact matched), first that applies: ``ref gap, same foot twice``
when the reference contacts before and after it belong to the same foot (the other foot's contact
between them is missing from the reference), ``timing`` when an unmatched reference contact lies
within 0.5 s, ``ref gap`` when it lies in a reference gap of ≥ 1.4 × the local reference step (a step
the reference may lack), ``double`` when another detection is within 0.6 × the local step, else
``extra``.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import imu_gait  # noqa: E402
import imu_gait.engine as engine_mod  # noqa: E402
import refdata  # noqa: E402
from imu_gait.dsp.steps import StepAcceptor, StepParams  # noqa: E402
from imu_gait.evaluation import in_windows, match_events  # noqa: E402
from imu_gait.recording import Recording  # noqa: E402
from publish import publish  # noqa: E402

TOL_S = 0.25
BUNDLED = ("mobgap_HA001_daily", "mobgap_HA002_daily")


class LoggingAcceptor(StepAcceptor):
    """The engine's acceptor, unchanged, with every candidate and verdict written down."""

    log: list[dict] = []
    committed: set = set()

    def offer(self, peak_t, contact_t=None, rise=np.inf, *more):
        rec = {"peak": peak_t, "ic": contact_t, "rise": rise, "in_bout": self.bout is not None,
               "held_before": self.held is not None, "verdict": None}
        if self.bout is not None and len(self.bout.peaks) >= 2:
            step, stride, med_rise = self._bout_stats()
            rec.update(bout_step=step, bout_med_rise=med_rise, gap=peak_t - self.bout.peaks[-1],
                       expected=stride - (self.bout.peaks[-1] - self.bout.peaks[-2]))
        self._rec = rec
        n0 = self.n_bouts
        out = super().offer(peak_t, contact_t, rise, *more)
        if self.n_bouts != n0 and self.bout is not None:      # a bout started: its run is taken
            LoggingAcceptor.committed.update(self.bout.peaks)
            rec["verdict"] = rec["verdict"] or "started bout"
        if rec["verdict"] is None:
            if rec["in_bout"]:
                rec["verdict"] = "weaker than held" if rec["held_before"] else "bout timed out"
            else:
                rec["verdict"] = ("too soft to start" if rise < self.p.start_prominence_mps2
                                  else "no steady start")
        if self.held is not None and self.held[0] == peak_t:
            rec["verdict"] = "hold"
        LoggingAcceptor.log.append(rec)
        return out

    def _judge(self, peak_t, ic, rise, *more):
        v = super()._judge(peak_t, ic, rise, *more)
        self._rec["verdict"] = v
        return v

    def _commit(self, peak_t, ic, rise):
        LoggingAcceptor.committed.add(peak_t)
        return super()._commit(peak_t, ic, rise)


PARAMS: dict = {}    # StepParams overrides (--param name=value): to try a change before making it


def run_logged(rec: Recording, **kw):
    """analyze() with the logging acceptor; also the engine's s4 and turning rate (deg/s) on its grid."""
    LoggingAcceptor.log, LoggingAcceptor.committed = [], set()
    sig: dict[int, tuple[float, float]] = {}
    orig_trim, orig_seg = engine_mod.GaitEngine._trim_buffer, engine_mod.GaitEngine._segment_break

    def harvest(eng):
        n = eng._s4_done
        rows = np.arange(eng._fir4.size // 2, n)
        yaw = np.degrees(np.einsum("ij,ij->i", eng._gyro[rows], eng._up[rows]))
        for r, s, y in zip((eng._base + rows).tolist(), eng._s4[rows].tolist(), yaw.tolist()):
            sig[r] = (s, y)

    def trim(eng):
        harvest(eng)
        orig_trim(eng)

    def seg(eng, upd):
        harvest(eng)
        orig_seg(eng, upd)

    engine_mod.StepAcceptor, engine_mod.GaitEngine._trim_buffer = LoggingAcceptor, trim
    engine_mod.StepParams = lambda: StepParams(**PARAMS)
    engine_mod.GaitEngine._segment_break = seg
    try:
        res = imu_gait.analyze(rec, **kw)
    finally:
        engine_mod.StepAcceptor, engine_mod.StepParams = StepAcceptor, StepParams
        engine_mod.GaitEngine._trim_buffer, engine_mod.GaitEngine._segment_break = orig_trim, orig_seg
    idx = np.array(sorted(sig))
    vals = np.array([sig[i] for i in idx]).reshape(-1, 2)
    fs = engine_mod.ENGINE_RATE_HZ
    return res, list(LoggingAcceptor.log), set(LoggingAcceptor.committed), (idx / fs, vals[:, 0], vals[:, 1])


def local_step(ref: np.ndarray, t: float) -> float:
    """The reference's median step time within ±2 s of t (s)."""
    k = np.flatnonzero(np.abs(ref - t) <= 2.0)
    d = np.diff(ref[k[0]:k[-1] + 1]) if k.size >= 2 else np.empty(0)
    return float(np.median(d)) if d.size else float("nan")


def s4_near(sig_t, s4, t, p: StepParams, fs: float):
    """(largest s4 within t−0.05 … t+0.30 s (where a contact's load peak lies), its rise above the
    lowest value of the preceding prominence window, whether it is a local max within ±peak_halfwidth)."""
    m = (sig_t >= t - 0.05) & (sig_t <= t + 0.30)
    if not m.any():
        return float("nan"), float("nan"), False
    k = np.flatnonzero(m)[np.argmax(s4[m])]
    w, pw = int(round(p.peak_halfwidth_s * fs)), int(round(p.prominence_window_s * fs))
    is_max = s4[k] >= s4[max(0, k - w):k + w + 1].max()
    rise = s4[k] - s4[max(0, k - pw):k + 1].min()
    return float(s4[k]), float(rise), bool(is_max)


def ref_sides(rec) -> np.ndarray | None:
    """The reference's foot ('L' / 'R') per contact of rec.ref_ic_s (sorted), or None when not known."""
    if rec.dataset == "ipol":
        meta = json.loads((refdata.IPOL_DIR / "GaitData" / f"{rec.name.split('/')[-1]}.json").read_text())
        t = [np.asarray(meta[k], float).reshape(-1, 2)[:, 1] / 100.0 for k in ("LeftFootEvents", "RightFootEvents")]
        side = np.r_[np.full(t[0].size, "L"), np.full(t[1].size, "R")]
        t = np.concatenate(t)
    else:
        ref = json.loads((refdata.DATASETS_DIR / f"{rec.name.split('/')[-1]}.ref.json").read_text())
        if "ic_sides" not in ref:
            return None
        t = np.asarray(ref["ic_times_s"], float)
        side = np.array(["L" if str(x).lower().startswith("l") else "R" for x in ref["ic_sides"]])
    o = np.argsort(t, kind="stable")
    if t.size != rec.ref_ic_s.size or not np.allclose(t[o], rec.ref_ic_s):
        return None
    return side[o]


def diagnose(name: str, res, log, committed, sig, ref: np.ndarray, windows: np.ndarray, group: str,
             sides: np.ndarray | None = None):
    p, fs = StepParams(**PARAMS), engine_mod.ENGINE_RATE_HZ
    det = res.steps["time_s"].to_numpy(float) if len(res.steps) else np.empty(0)
    tp, fp, fn = match_events(det, ref, TOL_S)
    matched_det = set(tp[:, 0].tolist()) if tp.size else set()
    pair_of_det = {int(d): int(r) for d, r in tp} if tp.size else {}
    sig_t, s4, yaw = sig
    cand_peak = np.array([c["peak"] for c in log])
    cand_ic = np.array([c["ic"] for c in log])
    rows = []

    def context(t):
        step = local_step(ref, t)
        m = np.abs(sig_t - t) <= 0.5
        turn = float(np.mean(np.abs(yaw[m]))) if m.any() else float("nan")
        return step, turn

    for j in fn[in_windows(ref[fn], windows)] if fn.size else []:
        t = float(ref[j])
        step, turn = context(t)
        near = np.flatnonzero(np.abs(cand_ic - t) <= TOL_S) if cand_ic.size else np.empty(0, int)
        peak, rise, is_max = s4_near(sig_t, s4, t, p, fs)
        cand = None
        if near.size:
            # the candidate closest to the reference contact; a taken one first
            taken = [k for k in near if log[k]["peak"] in committed]
            pool = taken or list(near)
            cand = log[min(pool, key=lambda k: abs(cand_ic[k] - t))]
        dnear = np.flatnonzero(np.abs(det - t) <= 0.5) if det.size else np.empty(0, int)
        if cand is not None and cand["peak"] in committed:
            cause = "taken, paired elsewhere" if any(d in matched_det for d in dnear) else "taken, > tol"
        elif cand is not None:
            cause = cand["verdict"]
            if cause == "hold":
                cause = "held, replaced"
        elif not is_max:
            cause = "no peak"
        else:
            cause = "rise < min" if rise < p.min_prominence_mps2 else "no candidate (other)"
        if cause == "taken, paired elsewhere":
            d = dnear[np.argmin(np.abs(det[dnear] - t))]
            other = ref[pair_of_det[int(d)]] if int(d) in pair_of_det else np.nan
            note = f"det {det[d]:.2f} paired with ref {other:.2f}"
        elif cand is not None:
            note = f"cand ic {cand['ic']:.2f} rise {cand['rise']:.2f}" + (
                f" (bout median rise {cand['bout_med_rise']:.2f}, step {cand['bout_step']:.2f})"
                if "bout_med_rise" in cand else "")
        else:
            note = ""
        twin = np.abs(np.delete(ref, j) - t).min() if ref.size > 1 else np.inf
        if twin < 0.3:
            note = (note + "; " if note else "") + f"another reference contact {twin:.2f} s away"
            if cause.startswith("taken"):
                cause = "ref pair < 0.3 s"
        rows.append({"group": group, "recording": name, "kind": "miss", "t_s": round(t, 2),
                     "cadence_spm": round(60 / step, 0) if step == step else None,
                     "turn_dps": round(turn, 0), "s4_peak": round(peak, 2), "s4_rise": round(rise, 2),
                     "cause": cause, "note": note})
    for j in fp[in_windows(det[fp], windows)] if fp.size else []:
        t = float(det[j])
        step, turn = context(t)
        k = np.searchsorted(ref, t)
        gap = ref[min(k, ref.size - 1)] - ref[max(k - 1, 0)] if 0 < k < ref.size else np.inf
        fn_near = fn[np.abs(ref[fn] - t) <= 0.5] if fn.size else np.empty(0)
        others = np.delete(det, j)
        dmin = float(np.min(np.abs(others - t))) if others.size else np.inf
        same_foot = sides is not None and 0 < k < ref.size and sides[k - 1] == sides[k]
        if same_foot and not fn_near.size:
            cause = "ref gap, same foot twice"
        elif fn_near.size:
            cause = "timing"
        elif step == step and gap >= 1.4 * step:
            cause = "ref gap"
        elif step == step and dmin < 0.6 * step:
            cause = "double"
        else:
            cause = "extra"
        c = np.flatnonzero(np.abs(cand_ic - t) <= 0.02) if cand_ic.size else np.empty(0, int)
        note = f"nearest ref {ref[np.argmin(np.abs(ref - t))]:.2f}; ref gap {gap:.2f} s" if ref.size else ""
        peak, rise, _ = s4_near(sig_t, s4, t, p, fs)
        if c.size:
            rise = log[c[0]]["rise"]
        rows.append({"group": group, "recording": name, "kind": "extra", "t_s": round(t, 2),
                     "cadence_spm": round(60 / step, 0) if step == step else None,
                     "turn_dps": round(turn, 0), "s4_peak": round(peak, 2), "s4_rise": round(rise, 2),
                     "cause": cause, "note": note})
    n_ref = int(np.sum(in_windows(ref, windows)))
    n_tp = int(np.sum(in_windows(ref[tp[:, 1]], windows))) if tp.size else 0
    return rows, {"n_ref": n_ref, "tp": n_tp,
                  "fn": sum(r["kind"] == "miss" for r in rows), "fp": sum(r["kind"] == "extra" for r in rows)}


def f1(c):
    d = 2 * c["tp"] + c["fp"] + c["fn"]
    return 2 * c["tp"] / d if d else float("nan")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--straight", action="store_true", help="also the IPOL straight parts (long table)")
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="a StepParams override (implies --no-write)")
    args = ap.parse_args(argv)
    for kv in args.param:
        k, v = kv.split("=", 1)
        PARAMS[k] = type(getattr(StepParams(), k))(json.loads(v))
    args.no_write |= bool(PARAMS)
    quiet = lambda msg: None  # noqa: E731
    jobs = []
    for rec in refdata.load_ipol(log=quiet):
        jobs.append(("ipol uturn", rec, rec.extra_windows["uturn"]))
        if args.straight:
            jobs.append(("ipol straight", rec, rec.extra_windows["straight"]))
    for rec in refdata.load_datasets_dir(log=quiet):
        stem = rec.name.split("/")[-1]
        if stem in BUNDLED:
            jobs.append((stem, rec, rec.effective_windows))
    rows, counts, cache = [], {}, {}
    for group, rec, windows in jobs:
        if rec.name not in cache:
            r = Recording(time_s=rec.time_s.copy(), acc_mps2=rec.acc_mps2.copy(),
                          gyro_rads=None if rec.gyro_rads is None else rec.gyro_rads.copy(), meta={"source": rec.name})
            cache = {rec.name: run_logged(r, sensor_height_m=rec.sensor_height_m)}
        res, log, committed, sig = cache[rec.name]
        rr, c = diagnose(rec.name, res, log, committed, sig, rec.ref_ic_s, windows, group, ref_sides(rec))
        rows += rr
        g = counts.setdefault(group, {"n_ref": 0, "tp": 0, "fn": 0, "fp": 0})
        for k in g:
            g[k] += c[k]
    groups = list(counts)
    lines = ["# Missed and extra contacts in turns, by the stage that lost or added them", "",
             f"Generated {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC by `python benchmarks/turn_steps.py"
             f"{' --straight' if args.straight else ''}` (Python {platform.python_version()}). "
             "Stages and causes: the docstring of benchmarks/turn_steps.py. ±0.25 s one-to-one matching.", "",
             "| part | n_ref | TP | misses | extras | F1 |", "|---|---|---|---|---|---|"]
    for g in groups:
        c = counts[g]
        lines.append(f"| {g} | {c['n_ref']} | {c['tp']} | {c['fn']} | {c['fp']} | {f1(c):.3f} |")
    causes = sorted({(r["kind"], r["cause"]) for r in rows})
    lines += ["", "Misses and extras by cause:", "", "| kind | cause | " + " | ".join(groups) + " |",
              "|---|---|" + "---|" * len(groups)]
    for kind, cause in causes:
        cnt = Counter(r["group"] for r in rows if r["kind"] == kind and r["cause"] == cause)
        lines.append(f"| {kind} | {cause} | " + " | ".join(str(cnt.get(g, 0)) for g in groups) + " |")
    lines += ["", "Every miss and extra (cadence = the reference's local step rate; turn = mean |turning rate| "
              "over ±0.5 s, deg/s; s4 = the largest 4 Hz vertical acceleration from −0.05 to +0.30 s and its rise "
              "above the preceding 0.4 s low, m/s²):", "",
              "| part | recording | kind | t s | cadence spm | turn °/s | s4 peak | s4 rise | cause | detail |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['group']} | {r['recording']} | {r['kind']} | {r['t_s']:.2f} | {r['cadence_spm']} | "
                     f"{r['turn_dps']:.0f} | {r['s4_peak']:.2f} | {r['s4_rise']:.2f} | {r['cause']} | {r['note']} |")
    md = "\n".join(lines) + "\n"
    data = {"counts": {g: dict(counts[g], f1=f1(counts[g])) for g in groups}, "rows": rows}
    if args.no_write:
        print(md)
    else:
        publish("turn_steps", md, data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
