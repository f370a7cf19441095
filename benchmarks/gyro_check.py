"""The gyroscope axis check (imu_gait.dsp.gyro_check) on real walks: right and wrong mappings.

    .venv/bin/python benchmarks/gyro_check.py     # ~10 s; writes benchmarks/results/gyro_check.md/.json

Every real recording with a gyroscope and reference walking (IPOL lower-back walks with U-turns, read
in place; the Mobilise-D recordings, mobgap example data) is analysed once as recorded; the check
then judges, on the walking stretches that analysis found, the recording's own gyro mapping and the
47 other signed permutations of its columns, split into those that move the vertical rate (the gyro
axis along the accelerometer's mean gravity) onto a horizontal axis and those that keep it there (a
sign or the two horizontal axes wrong). The limit in gyro_check (0.6) and the largest correct value
quoted in messages come from this table.
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
import refdata  # noqa: E402
from publish import publish  # noqa: E402
from imu_gait.dsp.gyro_check import MATCHING_MAX_MEASURED, MIN_TURNING_S, MISMATCH_LIMIT, gyro_axis_mismatch  # noqa: E402
from imu_gait.engine import walking_spans_s  # noqa: E402
from imu_gait.recording import Recording  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
MAPPINGS = [(p, s) for p in itertools.permutations(range(3)) for s in itertools.product([1, -1], repeat=3)]


def judge(rec: Recording, spans: np.ndarray) -> dict:
    vert = int(np.argmax(np.abs(rec.acc_mps2.mean(axis=0))))
    out = {"own": None, "vertical_moved": [], "vertical_kept": [], "turning_s": 0.0}
    for perm, sign in MAPPINGS:
        chk = gyro_axis_mismatch(rec.time_s, rec.acc_mps2, rec.gyro_rads[:, list(perm)] * np.array(sign),
                                 rec.sample_rate_hz, spans)
        value = chk.mismatch if chk.judged else float("nan")
        if perm == (0, 1, 2) and sign == (1, 1, 1):
            out["own"], out["turning_s"] = value, chk.turning_s
        else:
            out["vertical_moved" if perm[vert] != vert else "vertical_kept"].append(value)
    return out


def main(argv: list[str] | None = None) -> int:
    # --help must only explain: without a parser, it ran the benchmark and overwrote the results
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    rows = []
    for r in refdata.load_all(["ipol", "mobgap"], log=lambda s: None):
        if r.gyro_rads is None:
            continue
        rec = Recording(r.time_s, r.acc_mps2, r.gyro_rads, meta={"sample_rate_hz": r.fs_hz}).validated()
        res = imu_gait.analyze(rec)
        rows.append({"name": r.name, "dataset": r.dataset, **judge(rec, walking_spans_s(res.steps))})
    judged = [r for r in rows if np.isfinite(r["own"])]
    own = np.array([r["own"] for r in judged])
    moved = np.array([v for r in judged for v in r["vertical_moved"] if np.isfinite(v)])
    kept = np.array([v for r in judged for v in r["vertical_kept"] if np.isfinite(v)])
    lines = [
        "# Gyroscope axis check on real walks", "",
        "Command: `.venv/bin/python benchmarks/gyro_check.py` (from the repository root).  ",
        f"Date: {datetime.now(timezone.utc).isoformat(timespec='seconds')}. Python {platform.python_version()}, "
        f"numpy {np.__version__}.", "",
        "mismatch = median over the walker's turns of |observed dĝ/dt − (−ω × ĝ)| / |ω| (one-second means; "
        f"imu_gait/dsp/gyro_check.py); judged when ≥ {MIN_TURNING_S:.0f} s of turning; limit {MISMATCH_LIMIT} "
        "(above it the gyro is left out).", "",
        f"Recordings with a gyro: {len(rows)}; judged (enough turning): {len(judged)}.", "",
        "| mapping | n | min | median | max | share over the limit |",
        "|---|---|---|---|---|---|",
    ]
    for label, v in (("the recording's own (correct)", own), ("vertical rate moved to a horizontal axis", moved),
                     ("vertical kept, a sign or the horizontal axes wrong", kept)):
        lines.append(f"| {label} | {v.size} | {v.min():.2f} | {np.median(v):.2f} | {v.max():.2f} | "
                     f"{100 * np.mean(v > MISMATCH_LIMIT):.1f} % |")
    lines += ["", f"Largest correct value quoted in the messages: {MATCHING_MAX_MEASURED} (measured here: "
              f"{own.max():.2f}).", "", "Judged recordings:", "", "| recording | turning s | own | vertical moved: min | vertical kept: min – max |",
              "|---|---|---|---|---|"]
    for r in judged:
        mv = [v for v in r["vertical_moved"] if np.isfinite(v)]
        kp = [v for v in r["vertical_kept"] if np.isfinite(v)]
        lines.append(f"| {r['name']} | {r['turning_s']:.1f} | {r['own']:.2f} | "
                     f"{min(mv) if mv else float('nan'):.2f} | "
                     + (f"{min(kp):.2f} – {max(kp):.2f}" if kp else "–") + " |")
    md = "\n".join(lines) + "\n"
    publish("gyro_check", md, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
