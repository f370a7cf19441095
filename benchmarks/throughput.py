"""Throughput and memory of offline analysis (issue: the foundation's performance targets).

    .venv/bin/python benchmarks/throughput.py            # ~40 s; writes benchmarks/results/throughput.md/.json
    .venv/bin/python benchmarks/throughput.py --day-file # also 24 h and 72 h *files* (~7 min more; up to 1.8 GB in a temp dir)

Measures, in one run on one machine:
- the I/O floor: ``pandas.read_csv`` alone on one hour of 100 Hz 6-axis native CSV;
- ``imu_gait.read`` (parse + validation) on the same file;
- end to end: ``imu_gait.read`` + ``imu_gait.analyze`` (steps, metrics, flags; no report);
- the analysis alone from arrays (CPU seconds per hour of data → × real time);
- peak resident memory (separate processes) for 24 h at 100 Hz: the engine fed in chunks
  from a generator (flat memory; and how much the engine itself grows per hour), ``analyze`` on a 24 h
  in-memory recording, and — with ``--day-file`` — ``imu-gait analyze`` on 24 h files as users have them:
  native CSV, a GENEActiv export and a headerless AX6-style table (read block by block, imu_gait.io._blocks),
  and a 72 h GENEActiv export (three days of a wear protocol; no target).
Each timing is the best of several repeats (the machine is shared and noisy); ratios
are computed from timings taken in the same run.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.machine import cpu_model  # noqa: E402

import imu_gait  # noqa: E402
from imu_gait.io.native import write_native  # noqa: E402
from imu_gait.recording import Recording  # noqa: E402
from imu_gait.synthetic import synthesize_walk  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def hour_of_walking(hours: float = 1.0) -> Recording:
    """A realistic hour: a 10-minute synthetic walk (with stops) tiled, 100 Hz, 6-axis."""
    rec, _ = synthesize_walk(600, seed=1, stand_s=20, stand_end_s=20, mount_euler_deg=(20, 70, 10),
                             segments=[(200, {"cadence_spm": 118}), (400, {"cadence_spm": 104})])
    k = int(round(hours * 3600 / 600))
    t = np.concatenate([rec.time_s + i * 600.0 for i in range(k)])
    return Recording(t, np.tile(rec.acc_mps2, (k, 1)), np.tile(rec.gyro_rads, (k, 1)),
                     meta={"source": "benchmark", "sample_rate_hz": 100, "placement": "lower_back"})


def best_of(fn, repeats: int):
    """(best wall seconds, best CPU seconds, last result)."""
    walls, cpus, out = [], [], None
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        cpus.append(time.process_time() - c0)
        walls.append(time.perf_counter() - w0)
    return min(walls), min(cpus), out


MEM_SNIPPETS = {
    "engine_stream_24h": """
import numpy as np, resource, sys
sys.path.insert(0, {root!r})
from imu_gait import GaitEngine
from benchmarks.throughput import hour_of_walking
rec = hour_of_walking(1.0)
eng = GaitEngine(100, has_gyro=True)
n_steps = 0
grown = []                       # RSS after each hour: what the engine itself keeps (the data is made once)
for h in range(24):
    for i in range(0, rec.n_samples, 6000):           # 60-s chunks, as analyze() feeds them
        sl = slice(i, i + 6000)
        eng.feed(rec.time_s[sl] + h * 3600.0, rec.acc_mps2[sl], rec.gyro_rads[sl])
    grown.append(int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize() / 2**20)
res = eng.finish()
print((grown[-1] - grown[0]) / 23, len(res.steps), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
""",
    "analyze_in_memory_24h": """
import numpy as np, resource, sys
sys.path.insert(0, {root!r})
import imu_gait
from imu_gait.recording import Recording
from benchmarks.throughput import hour_of_walking
one = hour_of_walking(1.0)
t = np.concatenate([one.time_s + h * 3600.0 for h in range(24)])
rec = Recording(t, np.tile(one.acc_mps2, (24, 1)), np.tile(one.gyro_rads, (24, 1)), meta={{"source": "bench"}})
del one
res = imu_gait.analyze(rec)
print(len(res.steps), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
""",
}


def run_mem(name: str) -> tuple[int, float, list[str]]:
    """(steps, peak RSS in MB, anything else the snippet printed before them)."""
    code = MEM_SNIPPETS[name].format(root=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    *more, steps, kb = out.stdout.split()
    return int(steps), int(kb) / 1024.0, more


def write_geneactiv(path: Path, rec: Recording, start: str = "2026-03-02T08:00:00") -> None:
    """``rec`` as a GENEActiv CSV export (the header of the bundled real export, 100 Hz; x y z in g; 4
    decimals, as the PC software writes them), in blocks of rows."""
    sample = ROOT / "tests" / "data" / "gaitpy_demo" / "demo_data_30s.csv"
    head = []
    for line in sample.read_text().splitlines():
        if line[:4].isdigit() and "-" in line[:8]:
            break
        head.append("Measurement Frequency,100 Hz" if line.startswith("Measurement Frequency") else line)
    ms = np.round(rec.time_s * 1000).astype(np.int64)
    g = rec.acc_mps2 / 9.80665
    with open(path, "w", newline="\n") as fh:
        fh.write("\n".join(head) + "\n")
        for i in range(0, ms.size, 200_000):
            stamps = (np.datetime64(start, "ms") + ms[i:i + 200_000]).astype(str)
            fh.write("".join(f"{s[:10]} {s[11:19]}:{s[20:23]},{x:.4f},{y:.4f},{z:.4f},0,0,24.7\n"
                             for s, (x, y, z) in zip(stamps.tolist(), g[i:i + 200_000].tolist())))


def write_generic(path: Path, rec: Recording, start_unix_s: float = 1772434800.0) -> None:
    """``rec`` as a headerless table as an Axivity AX6 export to CSV has it: Unix time in s, acceleration in
    g, rotation in deg/s (read by the generic reader: it recognises the layout)."""
    g = rec.acc_mps2 / 9.80665
    w = np.degrees(rec.gyro_rads)
    with open(path, "w", newline="\n") as fh:
        for i in range(0, rec.n_samples, 200_000):
            sl = slice(i, i + 200_000)
            block = np.column_stack([rec.time_s[sl] + start_unix_s, g[sl], w[sl]])
            fh.write("".join("%.4f,%.6f,%.6f,%.6f,%.4f,%.4f,%.4f\n" % tuple(r) for r in block.tolist()))


def analyze_file_peak(path: Path, *outputs: str) -> tuple[float, float]:
    """(peak RSS in MB, wall s) of ``imu-gait analyze FILE -q [outputs…]`` in its own process."""
    args = [sys.executable, "-m", "imu_gait", "analyze", str(path), "-q", *outputs]
    code = ("import resource,subprocess,sys;"
            f"subprocess.run({args!r},check=True,cwd={str(ROOT)!r});"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    w0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1]) / 1024, time.perf_counter() - w0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--day-file", action="store_true", help="also analyse a 24 h native CSV file (slow)")
    args = ap.parse_args(argv)

    rec = hour_of_walking(1.0)
    hours = rec.duration_s / 3600
    rows: list[tuple[str, str, str]] = []
    res_json: dict = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                      "machine": {"python": platform.python_version(), "cpu": cpu_model(), "cores": os.cpu_count(),
                                  "numpy": np.__version__, "pandas": pd.__version__},
                      "command": "python benchmarks/throughput.py" + (" --day-file" if args.day_file else "")}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hour.csv"
        write_native(path, rec)
        size_mb = path.stat().st_size / 1e6
        print(f"1 h of 100 Hz 6-axis native CSV: {rec.n_samples} rows, {size_mb:.1f} MB")

        # the three file-level timings interleaved, best of N each
        t_pd = t_read = t_e2e = float("inf")
        for _ in range(args.repeats):
            w, _, _ = best_of(lambda: pd.read_csv(path, comment="#"), 1)
            t_pd = min(t_pd, w)
            w, _, r = best_of(lambda: imu_gait.read(path), 1)
            t_read = min(t_read, w)
            w, _, res = best_of(lambda: imu_gait.analyze(imu_gait.read(path)), 1)
            t_e2e = min(t_e2e, w)
        _, cpu_an, res = best_of(lambda: imu_gait.analyze(r), args.repeats)
        wall_an, _, _ = best_of(lambda: imu_gait.analyze(r), args.repeats)
    rt = 3600 * hours / cpu_an
    res_json["hour_file"] = {"rows": rec.n_samples, "size_mb": round(size_mb, 1), "pandas_read_csv_s": t_pd,
                             "imu_gait_read_s": t_read, "read_plus_analyze_s": t_e2e,
                             "ratio_end_to_end_vs_read_csv": t_e2e / t_pd,
                             "analysis_cpu_s_per_hour": cpu_an / hours, "analysis_wall_s_per_hour": wall_an / hours,
                             "analysis_x_real_time": rt, "steps": int(len(res.steps))}
    rows += [
        ("pandas.read_csv alone (I/O floor), 1 h file", f"{t_pd:.3f} s", "—"),
        ("imu_gait.read (parse + validation)", f"{t_read:.3f} s", f"{t_read / t_pd:.2f}× read_csv"),
        ("read + analyze end to end", f"{t_e2e:.3f} s", f"**{t_e2e / t_pd:.2f}× read_csv** (target ≤ 2×)"),
        ("analysis alone from arrays, CPU", f"{cpu_an / hours:.3f} s per hour", f"**{rt:,.0f}× real time** (target ≥ 5,000×)"),
        ("analysis alone from arrays, wall", f"{wall_an / hours:.3f} s per hour", f"{3600 * hours / wall_an:,.0f}× real time"),
    ]
    print("measuring peak memory for 24 h (separate processes) …", flush=True)
    for name, label in (("engine_stream_24h", "24 h streamed through the engine in 60 s chunks"),
                        ("analyze_in_memory_24h", "24 h in-memory recording → analyze()")):
        steps, mb, more = run_mem(name)
        res_json[name] = {"peak_rss_mb": round(mb, 1), "steps": steps}
        note = f"{steps} steps (target < 1,500 MB)"
        if more:        # the streamed engine: its own growth (the peak is mostly the made hour of data)
            res_json[name]["engine_growth_mb_per_hour"] = round(float(more[0]), 2)
            note += f"; the engine itself grows {float(more[0]):.1f} MB per hour of data"
        rows.append((f"peak RSS: {label}", f"{mb:,.0f} MB", note))
    if args.day_file:
        print("writing and analysing 24 h files (native, GENEActiv, generic) …", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            one = hour_of_walking(1.0)
            t = np.concatenate([one.time_s + h * 3600.0 for h in range(24)])
            day = Recording(t, np.tile(one.acc_mps2, (24, 1)), np.tile(one.gyro_rads, (24, 1)),
                            meta={"source": "bench", "start_time": "2026-03-02T08:00:00+01:00"})
            del one
            files = {"native": Path(tmp) / "day.csv", "geneactiv": Path(tmp) / "day_geneactiv.csv",
                     "generic": Path(tmp) / "day_ax6.csv"}
            write_native(files["native"], day)
            write_geneactiv(files["geneactiv"], day)
            write_generic(files["generic"], day)
            del day, t
            for kind, path in files.items():
                mb, wall = analyze_file_peak(path)
                size = path.stat().st_size / 1e6
                res_json[f"day_file_{kind}"] = {"peak_rss_mb": round(mb, 1), "wall_s": round(wall, 1),
                                                "size_mb": round(size, 1)}
                what = {"native": "native CSV (6 axes)", "geneactiv": "GENEActiv CSV (3 axes, g)",
                        "generic": "headerless AX6-style CSV (Unix s, g, deg/s; generic reader)"}[kind]
                rows.append((f"peak RSS: `imu-gait analyze` on a 24 h {what}, {size:,.0f} MB",
                             f"{mb:,.0f} MB", f"wall {wall:.0f} s, read block by block (target < 1,500 MB)"))
            # … and with every output a user asks for on a day: JSON (125 MB), HTML report, the days table
            out = Path(tmp)
            mb, wall = analyze_file_peak(files["native"], "--json", str(out / "day.json"), "--report",
                                         str(out / "day.html"), "--days-csv", str(out / "days.csv"))
            res_json["day_file_native_all_outputs"] = {"peak_rss_mb": round(mb, 1), "wall_s": round(wall, 1),
                                                       "json_mb": round((out / "day.json").stat().st_size / 1e6, 1)}
            rows.append(("peak RSS: the same native day with `--json --report --days-csv`", f"{mb:,.0f} MB",
                         f"wall {wall:.0f} s; JSON {(out / 'day.json').stat().st_size / 1e6:,.0f} MB written in pieces "
                         "(target < 1,500 MB)"))
            # three days, as research wear protocols run for days: beyond the target, how memory grows
            for path in files.values():
                path.unlink()
            one = hour_of_walking(1.0)
            days = Recording(np.concatenate([one.time_s + h * 3600.0 for h in range(72)]),
                             np.tile(one.acc_mps2, (72, 1)), None, meta={"source": "bench"})
            del one
            three = Path(tmp) / "three_days_geneactiv.csv"
            write_geneactiv(three, days)
            del days
            mb, wall = analyze_file_peak(three)
            size = three.stat().st_size / 1e6
            res_json["three_day_file_geneactiv"] = {"peak_rss_mb": round(mb, 1), "wall_s": round(wall, 1),
                                                    "size_mb": round(size, 1)}
            rows.append((f"peak RSS: `imu-gait analyze` on a 72 h GENEActiv CSV, {size:,.0f} MB", f"{mb:,.0f} MB",
                         f"wall {wall:.0f} s (no target: the recording is held in memory, ~11 MB an hour, and the "
                         "analysis's temporaries grow with it)"))

    table = ["| measurement | value | ratio / note |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    md = "\n".join([
        "# Throughput and memory",
        "",
        f"Command: `{res_json['command']}` (from the repository root, in `.venv`).  ",
        f"Date: {res_json['date']}. Machine: {res_json['machine']['cpu']}, {res_json['machine']['cores']} cores, "
        f"Python {res_json['machine']['python']}, numpy {np.__version__}, pandas {pd.__version__}.  ",
        f"Data: 1 h of 100 Hz 6-axis synthetic walking with stops ({rec.n_samples} rows, {size_mb:.1f} MB native CSV, "
        f"{res_json['hour_file']['steps']} steps); timings are the best of {args.repeats} repeats, all from this one run.",
        "",
        *table,
        "",
    ])
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "throughput.md").write_text(md)
    (RESULTS / "throughput.json").write_text(json.dumps(res_json, indent=1))
    print(md)
    return 0




if __name__ == "__main__":
    sys.exit(main())
