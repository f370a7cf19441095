"""Where offline analysis spends its CPU, stage by stage (a development aid for the speed targets of
benchmarks/throughput.py; prints only, writes no results file).

    .venv/bin/python benchmarks/profile_stages.py              # ~20 s: the hour of throughput.py, best of 5
    .venv/bin/python benchmarks/profile_stages.py --repeats 9

cProfile's per-call overhead inflates the per-step Python (the step acceptor, ~6,000 calls an hour) several
times over and blurs the numpy stages, so each stage here is timed by ``time.process_time`` around its own
calls, *exclusive* of the other timed stages it calls (a stage's own code plus the untimed helpers under it),
best of N per stage. The wrappers add ~1 µs per call: the per-step stages read a little high. Two parts:

- ``imu_gait.read`` of the hour as a native CSV against ``pandas.read_csv`` of the same file (the I/O
  floor of throughput.py): the C parse, the validation, the rest;
- ``imu_gait.analyze`` of the hour from arrays, split into the engine's numeric stages, the per-step Python
  and the table / flag work after the last sample.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import imu_gait  # noqa: E402
import imu_gait.engine as engine  # noqa: E402
import imu_gait.io._common as io_common  # noqa: E402
import imu_gait.io.generic as io_generic  # noqa: E402
import imu_gait.io.native as io_native  # noqa: E402
import imu_gait.recording as recording  # noqa: E402
import imu_gait.strain as strain  # noqa: E402
from benchmarks.throughput import hour_of_walking  # noqa: E402
from imu_gait.dsp import orientation, segments  # noqa: E402
from imu_gait.dsp.steps import StepAcceptor  # noqa: E402
from imu_gait.io.native import write_native  # noqa: E402


class StageClock:
    """Exclusive CPU seconds per stage label, over the functions :meth:`wrap` was given."""

    def __init__(self):
        self.spent: dict[str, float] = defaultdict(float)
        self._stack: list[float] = []
        self._originals: list[tuple] = []

    def wrap(self, owner, name: str, label: str) -> None:
        fn = getattr(owner, name)
        self._originals.append((owner, name, fn))
        clock = self

        def timed(*args, **kwargs):
            t0 = time.process_time()
            clock._stack.append(0.0)
            try:
                return fn(*args, **kwargs)
            finally:
                took = time.process_time() - t0
                inner = clock._stack.pop()
                clock.spent[label] += took - inner
                if clock._stack:
                    clock._stack[-1] += took
        setattr(owner, name, timed)

    def unwrap(self) -> None:
        for owner, name, fn in reversed(self._originals):
            setattr(owner, name, fn)
        self._originals = []


# (owner, function name, stage label): each name as the caller looks it up (engine imports step_rows & co. by name)
ANALYSIS_STAGES = [
    (engine, "step_rows", "numeric: per-step metrics (dsp.metrics.step_rows)"),
    (engine, "regularity", "numeric: regularity (dsp.metrics.regularity)"),
    (orientation.GravityTracker, "ups", "numeric: gravity 'up' trackers (IIR filters)"),
    (engine.GaitEngine, "_body", "numeric: body-frame signals (_body)"),
    (engine, "forward_axis", "numeric: forward-axis estimates (calibration, sensor-turn rechecks)"),
    (engine.VerticalDisplacement, "__call__", "numeric: vertical displacement (IIR)"),
    (engine.StreamResampler, "feed", "numeric: resampler"),
    (engine, "refine_contacts", "numeric: contact refinement"),
    (engine, "candidate_mask", "numeric: step candidates"),
    (engine.GaitEngine, "_turn_rates", "numeric: candidates' turn rates"),
    (strain, "_rolling_median_cols", "flags: rolling medians (pandas)"),
    (engine, "evaluate_flags", "flags: evaluate_flags, rest"),
    (StepAcceptor, "offer", "per-step Python: StepAcceptor.offer (rhythm state machine)"),
    (engine.GaitEngine, "_add_step", "per-step Python: _add_step"),
    (engine.GaitEngine, "_take", "per-step Python: _take"),
    (engine.GaitEngine, "_detect", "engine: _detect, rest (the candidate loop)"),
    (engine.GaitEngine, "_check_sensor_turn", "engine: sensor-turn checks, rest"),
    (engine.GaitEngine, "_gait_window", "engine: gait windows for the checks"),
    (engine.GaitEngine, "_emit_rows", "engine: _emit_rows, rest (row assembly)"),
    (engine.GaitEngine, "_finalise", "engine: _finalise, rest"),
    (engine.GaitEngine, "_process", "engine: _process, rest (buffers, FIRs)"),
    (engine.GaitEngine, "feed", "engine: feed, rest (input checks, minutes)"),
    (engine.GaitEngine, "finish", "after the data: finish, rest (tables, summary)"),
    (engine, "analyze", "analyze, rest (gyro check, saturation, chunking)"),
]
READ_STAGES = [
    (pd, "read_csv", "pandas C parse inside imu_gait.read"),
    (recording.Recording, "validated", "Recording.validated (units, stuck axes, spikes, clipping)"),
    (io_common, "refuse_impossible_values", "refuse_impossible_values"),
    (io_common, "drop_time_glitches", "drop_time_glitches"),
    (io_generic, "_refuse_short_in_unit", "time-unit check"),
    (io_native, "finish", "readers' finish, rest (contiguous copies, time checks)"),
    (io_native, "read_native", "read_native, rest (header, checks)"),
    (imu_gait, "read", "imu_gait.read, rest (format detection)"),
]


def best_by_stage(clock: StageClock, fn, repeats: int) -> tuple[float, dict[str, float]]:
    """(best total CPU s, best exclusive CPU s per stage) over ``repeats`` runs of ``fn``."""
    total, best = float("inf"), defaultdict(lambda: float("inf"))
    for _ in range(repeats):
        clock.spent.clear()
        t0 = time.process_time()
        fn()
        total = min(total, time.process_time() - t0)
        for k, v in clock.spent.items():
            best[k] = min(best[k], v)
    return total, dict(best)


def table(total: float, stages: dict[str, float], unit_label: str) -> str:
    lines = [f"| stage | CPU ms | share of {unit_label} |", "|---|---|---|"]
    for k, v in sorted(stages.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {k} | {1000 * v:.1f} | {100 * v / total:.0f} % |")
    lines.append(f"| (sum of the stages' bests; the total is best of its own) | {1000 * sum(stages.values()):.1f} | |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    rec = hour_of_walking(1.0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hour.csv"
        write_native(path, rec)
        floor = min(_cpu(lambda: pd.read_csv(path, comment="#")) for _ in range(args.repeats))
        clock = StageClock()
        for owner, name, label in READ_STAGES:
            clock.wrap(owner, name, label)
        read_total, read_stages = best_by_stage(clock, lambda: imu_gait.read(path), args.repeats)
        clock.unwrap()
        validated = imu_gait.read(path)          # analysed as throughput.py does: read (validated) once, then timed
    clock = StageClock()
    for owner, name, label in ANALYSIS_STAGES:
        clock.wrap(owner, name, label)
    an_total, an_stages = best_by_stage(clock, lambda: engine.analyze(validated), args.repeats)
    clock.unwrap()
    print(f"1 h of 100 Hz 6-axis walking (benchmarks/throughput.py's hour), CPU, best of {args.repeats}\n")
    print(f"pandas.read_csv(path, comment='#'): {1000 * floor:.1f} ms; imu_gait.read: {1000 * read_total:.1f} ms "
          f"({read_total / floor:.2f}x); analyze from arrays: {1000 * an_total:.1f} ms ({an_total / floor:.2f}x "
          f"read_csv, {3600 / an_total:,.0f}x real time)\n")
    print(table(read_total, read_stages, "imu_gait.read"))
    print()
    print(table(an_total, an_stages, "analyze"))
    return 0


def _cpu(fn) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


if __name__ == "__main__":
    raise SystemExit(main())
