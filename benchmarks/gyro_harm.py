"""What a wrong gyroscope mapping does to the reported metrics, if nobody notices it.

    .venv/bin/python benchmarks/gyro_harm.py     # ~2 min; writes benchmarks/results/gyro_harm.md/.json

Every real recording with a gyroscope that benchmarks/gyro_check.py uses (IPOL lower-back walks,
Mobilise-D) is analysed with its own gyro mapping and with each of the 47 other signed permutations
of its gyro columns — all *as if the mapping check had said nothing* (the engine's verdict is
switched off here, and only here), so the table shows the harm a missed wrong mapping does. Per
class of wrong mapping and per summary metric: the median and the 90th percentile over recordings ×
mappings of |metric(wrong) − metric(own)|, beside the median |metric(own)| for scale. The classes
are named relative to the recording's vertical axis (the accelerometer's mean gravity).
"""
from __future__ import annotations

import argparse
import itertools
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path
from unittest import mock

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import imu_gait  # noqa: E402
import refdata  # noqa: E402
from publish import publish  # noqa: E402
from imu_gait.compare import REPEAT_CHANGE  # noqa: E402
from imu_gait.recording import Recording  # noqa: E402

MAPPINGS = [(p, s) for p in itertools.permutations(range(3)) for s in itertools.product([1, -1], repeat=3)]
METRICS = [("n_steps", "%", "steps found"), ("cadence_spm", "spm", "cadence"),
           ("trunk_twist_deg", "°", "trunk twist"), ("forward_lean_deg", "°", "forward lean"),
           ("pelvic_drop_deg", "°", "pelvic drop"), ("lateral_sway_cm", "cm", "lateral sway"),
           ("braking_mps", "m/s", "braking"), ("vertical_oscillation_cm", "cm", "vertical oscillation"),
           ("step_length_m", "m", "step length"), ("impact_g", "g", "impact"),
           ("step_regularity", "", "step regularity"), ("symmetry", "", "symmetry")]
CLASSES = ["vertical sign only", "one horizontal sign", "one horizontal sign + vertical sign",
           "both horizontal signs", "all three signs", "horizontal axes swapped (any signs)",
           "vertical rate moved to a horizontal axis"]


def mapping_class(perm: tuple, sign: tuple, vert: int) -> str:
    if perm[vert] != vert:
        return CLASSES[6]
    if perm != (0, 1, 2):
        return CLASSES[5]
    n_h = sum(sign[k] < 0 for k in range(3) if k != vert)
    v = sign[vert] < 0
    return {(0, True): CLASSES[0], (1, False): CLASSES[1], (1, True): CLASSES[2],
            (2, False): CLASSES[3], (2, True): CLASSES[4]}[(n_h, v)]


def summary_of(rec: Recording) -> dict:
    # the verdict off: the harm of a wrong mapping that is not noticed
    with mock.patch("imu_gait.engine.gyro_mapping_verdict", lambda rec, steps, **kw: (float("nan"), None, False)):
        s = imu_gait.analyze(rec).summary
    return {k: float(s[k]) if s.get(k) is not None else float("nan") for k, _, _ in METRICS}


def gyro_recordings():
    """(reference recording, its imu_gait Recording) for every IPOL / mobgap recording with a gyroscope —
    the real mappings both gyro benchmarks start from."""
    for r in refdata.load_all(["ipol", "mobgap"], log=lambda s: None):
        if r.gyro_rads is not None:
            yield r, Recording(r.time_s, r.acc_mps2, r.gyro_rads, meta={"sample_rate_hz": r.fs_hz}).validated()


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    rows = []
    for r, rec in gyro_recordings():
        mean_g = rec.acc_mps2.mean(axis=0)
        vert = int(np.argmax(np.abs(mean_g)))
        tilt_deg = float(np.degrees(np.arccos(abs(mean_g[vert]) / np.linalg.norm(mean_g))))
        own = summary_of(rec)
        for perm, sign in MAPPINGS[1:]:
            wrong = summary_of(Recording(rec.time_s, rec.acc_mps2, rec.gyro_rads[:, list(perm)] * np.array(sign),
                                         meta=rec.meta).validated())
            d = {k: (100 * (wrong[k] - own[k]) / own[k] if k == "n_steps" else wrong[k] - own[k]) for k, _, _ in METRICS}
            rows.append({"name": r.name, "perm": perm, "sign": sign, "class": mapping_class(perm, sign, vert),
                         "own": own, "delta": d, "vertical_axis_tilt_deg": tilt_deg})
    owns = {row["name"]: row["own"] for row in rows}
    tilts = {row["name"]: row["vertical_axis_tilt_deg"] for row in rows}
    lines = ["# What a missed wrong gyro mapping changes", "",
             "Command: `.venv/bin/python benchmarks/gyro_harm.py` (from the repository root).  ",
             f"Date: {datetime.now(timezone.utc).isoformat(timespec='seconds')}. Python {platform.python_version()}, "
             f"numpy {np.__version__}.", "",
             f"{len(owns)} real recordings with a gyro (IPOL, Mobilise-D), each analysed with its own mapping and the 47 "
             "other signed permutations of its gyro columns, the mapping check switched off. Cells: median / 90th "
             "percentile over recordings × mappings of |summary median (wrong) − (own)|; steps found in % of the own "
             "count. 'own' row: median |value| with the own mapping, for scale.", ""]
    head = "| class | n | " + " | ".join(f"{lab} ({u})" if u else lab for _, u, lab in METRICS) + " |"
    lines += [head, "|" + "---|" * (len(METRICS) + 2)]
    own_vals = {k: np.nanmedian(np.abs([o[k] for o in owns.values()])) for k, _, _ in METRICS}
    lines.append(f"| own mapping (scale) | {len(owns)} | " + " | ".join(
        f"{own_vals[k]:.3g}" if k != "n_steps" else f"{own_vals[k]:.0f} steps" for k, _, _ in METRICS) + " |")
    lines.append(f"| same-day repeat (compare.REPEAT_CHANGE: p95 of two walks' difference) | | " + " | ".join(
        f"{REPEAT_CHANGE[k]:.3g}" if k in REPEAT_CHANGE else "–" for k, _, _ in METRICS) + " |")
    for c in CLASSES:
        sel = [row for row in rows if row["class"] == c]
        cells = []
        for k, _, _ in METRICS:
            v = np.abs([row["delta"][k] for row in sel])
            v = v[np.isfinite(v)]
            cells.append(f"{np.median(v):.2g} / {np.percentile(v, 90):.2g}" if v.size else "–")
        lines.append(f"| {c} | {len(sel)} | " + " | ".join(cells) + " |")
    n_tilted = sum(v > 15 for v in tilts.values())
    lines += ["", f"The 'vertical' axis is the sensor axis nearest gravity; in {n_tilted} of {len(tilts)} recordings it is "
              f"over 15° from it (median {np.median(list(tilts.values())):.0f}°: IPOL's sensor sits tilted), so there a "
              "'vertical' sign error also reverses part of the horizontal rate and the turning rate leaks into "
              "the tilt. Twist is a range of the rate about 'up', so reversing every axis leaves it nearly "
              "unchanged, but not the rest. Which classes the check now catches: benchmarks/results/gyro_check.md."]
    md = "\n".join(lines) + "\n"
    # the JSON: each recording's own summary once, each wrong mapping's changes rounded
    publish("gyro_harm", md, {"own": {n: {k: round(v, 4) for k, v in o.items()} for n, o in owns.items()},
                              "vertical_axis_tilt_deg": {n: round(v, 1) for n, v in tilts.items()},
                              "wrong": [{"name": r["name"], "perm": r["perm"], "sign": r["sign"], "class": r["class"],
                                         "delta": {k: round(v, 4) for k, v in r["delta"].items()}} for r in rows]})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
