"""The gyroscope axis check (imu_gait.dsp.gyro_check) on real walks: right and wrong mappings.

    .venv/bin/python benchmarks/gyro_check.py     # ~10 s; writes benchmarks/results/gyro_check.md/.json

Every real recording with a gyroscope and reference walking (IPOL lower-back walks with U-turns, read
in place; the Mobilise-D recordings, mobgap example data) is analysed once as recorded; the check
then judges, with the gait that analysis found, the recording's own gyro mapping and the 47 other
signed permutations of its columns, in classes named relative to the recording's vertical axis (the
accelerometer's mean gravity; benchmarks/gyro_harm.py measures what each class does to the metrics
when it is missed). Each kind of evidence is reported — the walker's turns, slow tilting outside
gait (bending, sitting down, standing up), the rhythm of the trunk's rotations while walking — and
the check's verdict, the largest judged one.
The limit in gyro_check (0.6) and the largest correct value quoted in messages come from this table.
"""
from __future__ import annotations

import argparse
import itertools
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import imu_gait  # noqa: E402
from publish import publish  # noqa: E402
from gyro_harm import CLASSES, gyro_recordings, mapping_class  # noqa: E402
from imu_gait.dsp.gyro_check import (MATCHING_MAX_BY_KIND, MIN_RHYTHM_WALKING_S, MIN_TILTING_S,  # noqa: E402
                                     MIN_TURNING_S, MISMATCH_LIMIT, RHYTHM_MIN_CONTRAST, _window_means,
                                     gyro_axis_mismatch)
from imu_gait.engine import walking_spans_s  # noqa: E402
from imu_gait.recording import Recording  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
MAPPINGS = [(p, s) for p in itertools.permutations(range(3)) for s in itertools.product([1, -1], repeat=3)]


def walking_tilt_correlation(rec: Recording, gyro: np.ndarray, spans: np.ndarray) -> float:
    """The alternative not taken (gyro_check's module text): inside walking, turns left out (|rate about
    up| over 0.3 rad/s), the correlation between the change over one second of the one-second mean
    gravity direction and its change predicted from the integrated rate, ĝ × ∫ω dt — the smaller of
    the two horizontal axes' (a wrong sign gives a negative one, a swap ~0). NaN under 5 s."""
    block = int(round(0.1 * rec.sample_rate_hz))
    a = _window_means(rec.acc_mps2, block, 10)
    g = a / np.linalg.norm(a, axis=1)[:, None]
    t = rec.time_s[np.arange(a.shape[0]) * block + 5 * block]
    m = a.shape[0] - 10
    cum = np.vstack([np.zeros(3), np.cumsum(gyro[:(gyro.shape[0] // block) * block].reshape(-1, block, 3).sum(1), 0)])
    theta = (cum[np.arange(m) + 15] - cum[np.arange(m) + 5]) / rec.sample_rate_hz
    gm = g[:m] + g[10:10 + m]
    gm /= np.linalg.norm(gm, axis=1)[:, None]
    k = np.searchsorted(spans[:, 0], t, side="right") - 1 if spans.size else np.full(t.size, -1)
    inside = (k >= 0) & (t <= spans[np.maximum(k, 0), 1]) if spans.size else np.zeros(t.size, bool)
    ok = inside[:m] & inside[10:10 + m] & (np.abs(np.einsum("ij,ij->i", theta, gm)) < 0.3)
    if ok.sum() < 50:
        return float("nan")
    obs, pred = g[10:10 + m][ok] - g[:m][ok], np.cross(gm[ok], theta[ok])
    up = gm[ok].mean(axis=0)
    e1 = np.eye(3)[np.argmin(np.abs(up))] - up[np.argmin(np.abs(up))] * up
    e1 /= np.linalg.norm(e1)
    return float(min(np.corrcoef(obs @ e, pred @ e)[0, 1] for e in (e1, np.cross(up, e1))))


def judge(rec: Recording, spans: np.ndarray, bouts: np.ndarray, contacts: np.ndarray) -> dict:
    vert = int(np.argmax(np.abs(rec.acc_mps2.mean(axis=0))))
    out = {"own": None, "wrong": []}
    for perm, sign in MAPPINGS:
        chk = gyro_axis_mismatch(rec.time_s, rec.acc_mps2, rec.gyro_rads[:, list(perm)] * np.array(sign),
                                 rec.sample_rate_hz, spans, bouts, contacts)
        v = {"verdict": chk.mismatch if chk.judged else float("nan"),
             "turn": chk.turn_mismatch if chk.turn_judged else float("nan"), "turning_s": chk.turning_s,
             "tilt": chk.tilt_mismatch if chk.tilt_judged else float("nan"), "tilting_s": chk.tilting_s,
             "rhythm": chk.rhythm_mismatch if chk.rhythm_judged else float("nan"),
             "rhythm_walking_s": chk.rhythm_walking_s, "rhythm_contrast": chk.rhythm_contrast,
             "walking_tilt_corr": walking_tilt_correlation(rec, rec.gyro_rads[:, list(perm)] * np.array(sign), spans)}
        if perm == (0, 1, 2) and sign == (1, 1, 1):
            out["own"] = v
        else:
            out["wrong"].append({"perm": perm, "sign": sign, "class": mapping_class(perm, sign, vert), **v})
    return out


def _pct(k: int, n: int) -> str:
    return f"{100 * k / n:.1f} % ({k}/{n})" if n else "–"


def main(argv: list[str] | None = None) -> int:
    # --help must only explain: without a parser, it ran the benchmark and overwrote the results
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    rows = []
    for r, rec in gyro_recordings():
        res = imu_gait.analyze(rec)
        bouts = res.steps.groupby("bout")["time_s"].agg(["min", "max"]).sort_values("min").to_numpy(float)
        walk = res.steps["gait"].to_numpy() == "walk"
        rows.append({"name": r.name, "dataset": r.dataset,
                     **judge(rec, walking_spans_s(res.steps), bouts, res.steps["time_s"].to_numpy(float)[walk])})
    own = {k: np.array([r["own"][k] for r in rows]) for k in ("verdict", "turn", "tilt", "rhythm")}
    judged = [r for r in rows if np.isfinite(r["own"]["verdict"])]
    lines = [
        "# Gyroscope axis check on real walks", "",
        "Command: `.venv/bin/python benchmarks/gyro_check.py` (from the repository root).  ",
        f"Date: {datetime.now(timezone.utc).isoformat(timespec='seconds')}. Python {platform.python_version()}, "
        f"numpy {np.__version__}.", "",
        "Three kinds of evidence (imu_gait/dsp/gyro_check.py), each 0 for a perfect match and ~1 for a rotation the "
        "accelerometer does not see: **turns** — median over the walker's turns of "
        "|observed dĝ/dt − (−ω × ĝ)| / |ω| (one-second means), judged when ≥ "
        f"{MIN_TURNING_S:.0f} s of turning; **tilting** — median over slow tilts outside gait (bending, sitting down, "
        "standing up: calm one-second means 1 s apart, ≥ 5° of gyro tilt, ≥ 1 s from walking) of "
        f"|observed Δĝ − ĝ × ∫ω dt| / |horizontal ∫ω dt| (~2 for a tilt seen reversed), judged when ≥ "
        f"{MIN_TILTING_S:.0f} s; **rhythm** — while walking, the angle (in units of 90°) between the horizontal gyro "
        "axis whose rate repeats most every step (the trunk pitches twice per stride, rolls once) and the "
        "accelerometer's side-to-side axis (across its step-periodic forward acceleration), judged over ≥ "
        f"{MIN_RHYTHM_WALKING_S:.0f} s of walking when the two axes' step-periodic shares differ by ≥ "
        f"{RHYTHM_MIN_CONTRAST}. Verdict: the largest judged one; over {MISMATCH_LIMIT} the gyro is left out with "
        "a note. What a missed mapping of each class changes in the metrics: benchmarks/results/gyro_harm.md.", "",
        f"Recordings with a gyro: {len(rows)}; judged: {len(judged)} (turns: {int(np.isfinite(own['turn']).sum())} — "
        f"the check before the tilting and rhythm evidence —, tilting: {int(np.isfinite(own['tilt']).sum())}, "
        f"rhythm: {int(np.isfinite(own['rhythm']).sum())}).", "",
        "Correct mappings (the recordings' own):", "",
        "| evidence | judged | min | median | max | false alarms (over the limit) |",
        "|---|---|---|---|---|---|",
    ]
    for label, key in (("verdict", "verdict"), ("turns", "turn"), ("tilting", "tilt"), ("rhythm", "rhythm")):
        v = own[key][np.isfinite(own[key])]
        lines.append(f"| {label} | {v.size} | " + (f"{v.min():.2f} | {np.median(v):.2f} | {v.max():.2f} | "
                     if v.size else "– | – | – | ") + f"{int((v > MISMATCH_LIMIT).sum())} |")
    lines += ["", "Wrong mappings, per class: detected = over the limit (the gyro left out). 'judged recordings': "
              "only on the recordings whose own mapping could be judged; 'turns only' is the check before the "
              "tilting and rhythm evidence on the same mappings.", "",
              "| class | n (all 64 recordings) | detected, all | detected, judged recordings | turns only, all | "
              "turns only, judged recordings |",
              "|---|---|---|---|---|---|"]
    judged_names = {r["name"] for r in judged}
    for c in CLASSES:
        sel = [(r["name"], w) for r in rows for w in r["wrong"] if w["class"] == c]
        sj = [w for nm, w in sel if nm in judged_names]
        det = sum(w["verdict"] > MISMATCH_LIMIT for _, w in sel)
        det_j = sum(w["verdict"] > MISMATCH_LIMIT for w in sj)
        turn_j = sum(w["turn"] > MISMATCH_LIMIT for w in sj)
        turn = sum(w["turn"] > MISMATCH_LIMIT for _, w in sel)
        lines.append(f"| {c} | {len(sel)} | {_pct(det, len(sel))} | {_pct(det_j, len(sj))} | {_pct(turn, len(sel))} | "
                     f"{_pct(turn_j, len(sj))} |")
    quoted = ", ".join(f"{k} {v} (measured here: {np.nanmax(own[key]):.2f})" for (k, v), key in
                       zip(MATCHING_MAX_BY_KIND.items(), ("turn", "tilt", "rhythm")))
    lines += ["", f"Largest correct values quoted in the messages: {quoted}.", "",
              "Judged recordings (own mapping; wrong mappings: the lowest and highest verdict of their class "
              "group, NaN = not judged):", "",
              "| recording | turning s | tilting s | rhythm: walking s, contrast | own turns | own tilting | own rhythm "
              "| vertical moved: min | vertical kept: min – max |",
              "|---|---|---|---|---|---|---|---|---|"]
    for r in judged:
        mv = [w["verdict"] for w in r["wrong"] if w["class"] == CLASSES[-1] and np.isfinite(w["verdict"])]
        kp = [w["verdict"] for w in r["wrong"] if w["class"] != CLASSES[-1] and np.isfinite(w["verdict"])]
        o = r["own"]
        lines.append(f"| {r['name']} | {o['turning_s']:.1f} | {o['tilting_s']:.1f} | "
                     f"{o['rhythm_walking_s']:.0f}, {o['rhythm_contrast']:.2f} | {o['turn']:.2f} | {o['tilt']:.2f} | "
                     f"{o['rhythm']:.2f} | "
                     f"{min(mv) if mv else float('nan'):.2f} | " + (f"{min(kp):.2f} – {max(kp):.2f}" if kp else "–") + " |")
    own_c = np.array([r["own"]["walking_tilt_corr"] for r in rows])
    kept_c = np.array([w["walking_tilt_corr"] for r in rows for w in r["wrong"] if w["class"] != CLASSES[-1]])
    own_c, kept_c = own_c[np.isfinite(own_c)], kept_c[np.isfinite(kept_c)]
    lines += ["", "Not used — tilt *during* walking (turns left out): correlation of the one-second change of the "
              "one-second mean gravity direction with the one predicted from the integrated rate, the smaller of "
              "the two horizontal axes' (a correct gyro should be near 1, a wrong sign negative, a swap ~0):", "",
              f"- own mappings: n {own_c.size}, median {np.median(own_c):.2f}, min {own_c.min():.2f}, max "
              f"{own_c.max():.2f}",
              f"- wrong, vertical kept: n {kept_c.size}, median {np.median(kept_c):.2f}, max {kept_c.max():.2f}"]
    for lim in (0.0, 0.2, 0.4):
        lines.append(f"- called wrong below {lim}: correct mappings {100 * np.mean(own_c < lim):.0f} % (false alarms), "
                     f"wrong ones {100 * np.mean(kept_c < lim):.0f} %")
    md = "\n".join(lines) + "\n"
    # the JSON keeps every figure, rounded, the wrong mappings as compact rows
    keys = ("verdict", "turn", "tilt", "rhythm", "walking_tilt_corr")
    publish("gyro_check", md, [
        {"name": r["name"], "dataset": r["dataset"], "own": {k: round(float(v), 3) for k, v in r["own"].items()},
         "wrong_columns": ["perm", "sign", "class", *keys],
         "wrong": [[list(w["perm"]), list(w["sign"]), w["class"], *(round(float(w[k]), 3) for k in keys)]
                   for w in r["wrong"]]} for r in rows])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
