"""Day by day on a made 24-hour day: wear time, steps per day and walking bouts against the day's own truth.

    .venv/bin/python benchmarks/days.py      # ~1 min; writes benchmarks/results/days.md/.json

No recording in ``../shared`` lasts an hour, and none comes with a wear diary, so wear detection
(:mod:`imu_gait.days`, van Hees's rule) cannot be measured on real data here. This benchmark makes
one day whose truth is known to the sample — a lower-back sensor, 100 Hz, accelerometer only (a
phone or a Polar H10 records so) — and states every modelling choice, so the figures are read as
what the rule does on *this* model, not as field accuracy:

- 00:00–07:00 **asleep**, lying on the back (gravity along the sensor's forward axis), breathing at
  15 breaths/min moving the sensor by ``BREATH_MG`` (a lower-back sensor's breathing signal is a few
  mg), 1.5 mg of sensor noise, and turning over every ``TURN_EVERY_MIN`` minutes (side, back, other
  side: gravity moves by 90°). Worn.
- 07:00–23:30 **awake**: sitting (trunk tilted 5–25°, a posture shift of 2–8° every 1–6 min, 4 mg
  of sway), standing still now and then, and ``N_BOUTS`` walking bouts of 8 s – 6 min
  (:func:`imu_gait.synthetic.synthesize_walk`, cadence 95–118 spm). Worn.
- 09:30–11:30 the sensor **lies on a table** (2 mg of noise). Not worn.
- 23:30–24:00 asleep again.

Truth: worn = all but the table's 120 min; steps = the walking bouts' own contacts; walking bouts ≥ 10 s
and their durations from the made bouts. The day starts at 00:00 local time (``start_time``), so all
of it is one calendar day.
"""
from __future__ import annotations

import argparse
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
from publish import publish  # noqa: E402
from imu_gait.recording import G, Recording  # noqa: E402
from imu_gait.synthetic import synthesize_walk  # noqa: E402

FS = 100.0
BREATH_MG = 3.0
TURN_EVERY_MIN = (25.0, 70.0)         # asleep: minutes between turns (uniform)
N_BOUTS = 60
TABLE = (9.5 * 3600, 11.5 * 3600)
SEED = 11


def _rot_x(deg: float) -> np.ndarray:
    a = np.radians(deg)
    return np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])


def _still(n: int, up: np.ndarray, noise_g: float, rng: np.random.Generator) -> np.ndarray:
    return np.tile(up * G, (n, 1)) + rng.normal(0.0, noise_g * G, (n, 3))


def asleep(t0: float, t1: float, rng: np.random.Generator) -> np.ndarray:
    """Lying: gravity along the sensor's x (forward) axis and turned about z (the body's long axis when
    lying) at each turn-over; breathing on the vertical-in-bed axis."""
    n = int(round((t1 - t0) * FS))
    t = np.arange(n) / FS
    out = np.empty((n, 3))
    i, angle = 0, 0.0
    while i < n:
        seg = min(n - i, int(rng.uniform(*TURN_EVERY_MIN) * 60 * FS))
        up = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle)), 0.0])
        out[i:i + seg] = _still(seg, up, 0.0015, rng)
        out[i:i + seg] += np.outer(np.sin(2 * np.pi * 0.25 * t[i:i + seg]), up) * BREATH_MG / 1000 * G
        i += seg
        angle = (angle + rng.choice([-90.0, 90.0])) % 360.0
        angle = angle if angle in (0.0, 90.0, 270.0) else 0.0     # back or a side, never face down
    return out


def sitting(n: int, rng: np.random.Generator) -> np.ndarray:
    out = np.empty((n, 3))
    i, tilt = 0, rng.uniform(5, 25)
    while i < n:
        seg = min(n - i, int(rng.uniform(1, 6) * 60 * FS))
        up = _rot_x(tilt) @ np.array([0.0, 0.0, 1.0])
        out[i:i + seg] = _still(seg, up, 0.004, rng)
        i += seg
        tilt = float(np.clip(tilt + rng.choice([-1, 1]) * rng.uniform(2, 8), 0, 35))
    return out


def made_day() -> tuple[Recording, dict]:
    rng = np.random.default_rng(SEED)
    parts, truth_ic, bouts = [asleep(0.0, 7 * 3600, rng)], [], []
    t, end_awake, k, table = 7 * 3600.0, 23.5 * 3600, 0, None

    def place(acc: np.ndarray) -> None:
        nonlocal t
        parts.append(acc)
        t += acc.shape[0] / FS

    while t < end_awake:
        if table is None and t >= TABLE[0]:
            table = (t, t + TABLE[1] - TABLE[0])                      # on its side on a table
            place(_still(int(round((TABLE[1] - TABLE[0]) * FS)), np.array([0.0, 1.0, 0.0]), 0.002, rng))
            continue
        limit = TABLE[0] if table is None else end_awake
        sit = min(rng.uniform(60, 1500) if k < N_BOUTS else np.inf, limit - t)
        if sit > 0:
            place(sitting(int(round(sit * FS)), rng))
        if t >= limit or k >= N_BOUTS:
            continue
        rec, tr = synthesize_walk(float(np.exp(rng.uniform(np.log(8), np.log(360)))) + 4.0, FS, gyro=False,
                                  stand_s=2.0, stand_end_s=2.0, seed=SEED + k, cadence_spm=float(rng.uniform(95, 118)))
        truth_ic.append(tr.ic_times_s + t)
        bouts.append((t + tr.walk_start_s, t + tr.walk_end_s))
        place(rec.acc_mps2)
        k += 1
    sleep_from = t
    parts.append(asleep(t, 24 * 3600.0, rng))
    acc = np.concatenate(parts)
    time_s = np.arange(acc.shape[0]) / FS
    rec = Recording(time_s, acc, None, meta={"start_time": "2026-06-01T00:00:00+02:00", "placement": "lower_back",
                                             "sample_rate_hz": FS})
    durations = np.array([e - s0 for s0, e in bouts])
    return rec, {"ic": np.concatenate(truth_ic), "bouts": np.array(bouts), "durations": durations, "table": table,
                 "sleep_from": sleep_from,
                 "worn_h": (acc.shape[0] / FS - (table[1] - table[0])) / 3600}


def main(argv: list[str] | None = None) -> int:
    # no options, but `--help` must say what it does, not run it: it overwrites the committed results
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    t0 = time.time()
    rec, truth = made_day()
    make_s = time.time() - t0
    c0 = time.process_time()
    res = imu_gait.analyze(rec)
    cpu_s = time.process_time() - c0
    day = res.days.iloc[0]
    minutes, _ = imu_gait.days.worn_minutes(  # per-minute worn, for where the misses are
        _minutes_of(rec), FS)
    mt = minutes["start_s"].to_numpy(float) + 30.0
    worn = minutes["worn"].to_numpy(bool)
    asleep_mask = (mt < 7 * 3600) | (mt >= truth["sleep_from"])
    table_mask = (mt >= truth["table"][0]) & (mt < truth["table"][1])
    awake_mask = ~asleep_mask & ~table_mask
    steps_true = int(truth["ic"].size)
    wb_true = int((truth["durations"] >= 10).sum())
    res_rows = {
        "worn, h": (truth["worn_h"], float(day["worn_h"])),
        "table time read as worn, min": (0.0, float(worn[table_mask].sum())),
        "awake time read as not worn, min": (0.0, float((~worn[awake_mask]).sum())),
        f"sleep read as not worn, min (of {int(asleep_mask.sum())})": (0.0, float((~worn[asleep_mask]).sum())),
        "steps": (steps_true, int(day["n_steps"])),
        "walking bouts of 10 s or more": (wb_true, int(day["n_walking_bouts_10s"])),
        "walking-bout time, min": (float(truth["durations"].sum() / 60), float(day["walking_bout_time_s"] / 60)),
        "valid day (worn ≥ 10 h)": (True, bool(day["valid"])),
    }
    out = {"command": ".venv/bin/python benchmarks/days.py", "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "python": platform.python_version(), "numpy": np.__version__, "imu_gait": imu_gait.__version__,
           "seed": SEED, "breath_mg": BREATH_MG, "turn_every_min": list(TURN_EVERY_MIN), "n_bouts_made": len(truth["bouts"]),
           "make_s": round(make_s, 1), "analysis_cpu_s": round(cpu_s, 2),
           "rows": {k: {"truth": v[0], "imu_gait": v[1]} for k, v in res_rows.items()}}
    publish("days", to_markdown(out), out)
    return 0


def _minutes_of(rec: Recording):
    from imu_gait.days import MinuteStats

    ms = MinuteStats()
    ms.add(rec.time_s, rec.acc_mps2)
    return ms.frame()


def to_markdown(out: dict) -> str:
    lines = ["# Day by day on a made 24-hour day", "",
             f"Command: `{out['command']}` (from the repository root).  ",
             f"Date: {out['date']}. Python {out['python']}, numpy {out['numpy']}, imu_gait {out['imu_gait']}. "
             f"Seed {out['seed']}; making the day took {out['make_s']} s, analysing it {out['analysis_cpu_s']} s CPU.", "",
             "How the day is made, and why no real recording: the docstring of `benchmarks/days.py`. A model, not "
             "field accuracy: breathing of "
             f"{out['breath_mg']:g} mg and turning over every {out['turn_every_min'][0]:g}–{out['turn_every_min'][1]:g} "
             f"min while asleep are assumptions. {out['n_bouts_made']} walking bouts were made.", "",
             "| figure | truth | imu_gait |", "|---|---|---|"]
    for k, v in out["rows"].items():
        fmt = (lambda x: f"{x:.2f}") if isinstance(v["truth"], float) else str
        lines.append(f"| {k} | {fmt(v['truth'])} | {fmt(v['imu_gait']) if isinstance(v['imu_gait'], float) else v['imu_gait']} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
