"""Live-pipeline benchmark (issue 4): CPU per minute of a 200 Hz 6-axis stream, step-event latency.

Command (from the repository root)::

    python benchmarks/live_bench.py                 # 30 min of stream + 60 s real-time BLE emulation
    python benchmarks/live_bench.py --minutes 5 --e2e-seconds 0      # quick

What it measures
  A. CPU of the central's live pipeline, with no emulator in the process: a synthetic 200 Hz
     6-axis walk (``imu_gait.synthetic.synthesize_walk``, bounce rising after 40 % of the walk so a
     back-strain flag is raised and the strain rules run as they would) is encoded into real
     GaitIMU v1 notifications (14-byte header + 10 samples, the layout of ble-protocols.md §8.3),
     then each notification goes through what the central does with it: bytes into a bounded
     queue, the GaitIMU stream decoder, the sensor-clock fit (``SensorClock``), a ``SampleBlock``,
     the live session (engine fed every 0.1 s, live status, flag cues), the recording
     (``NativeCsvWriter`` with fsync) and the rich live view rendered once per stream second (and at once on a cue)
     to a null console. CPU = ``time.process_time()`` (all threads) per minute of stream, and as % of one
     core; by stage (each stage added in turn) and per 5-minute window (the strain rules re-judge
     the steps every 10 steps: the whole table until the personal baseline is settled, then only
     the last 10 minutes against it, so the cost should level off rather than grow with the walk).
  B. Step-event latency from each step's reference contact (synthetic truth) to the stream time of
     the block at which the live session emitted its StepEvent (50 ms blocks, as a 200 Hz sensor
     with 10-sample packets sends them).
  C. End to end over the emulated radio in real time (``--e2e-seconds``): emulated GaitIMU (bumble)
     → bleak with the project's bumble backend → StreamSupervisor → live session: latency from the
     reference contact to the host time the event came out; whole-process CPU (this includes the
     emulated peripheral and both virtual controllers, so it over-states the central's cost).

Results: a table on stdout and ``benchmarks/results/live.md``.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import math
import os
import platform
import struct
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.machine import cpu_model  # noqa: E402

from imu_gait.devices.clock import SensorClock  # noqa: E402
from imu_gait.devices.decoders import gaitimu  # noqa: E402
from imu_gait.devices.decoders.common import DEG_TO_RAD, G_MPS2  # noqa: E402
from imu_gait.devices.decoders.streams import GaitImuStream  # noqa: E402
from imu_gait.devices.link import SampleBlock  # noqa: E402
from imu_gait.devices.live import LiveSession  # noqa: E402
from imu_gait.synthetic import synthesize_walk  # noqa: E402

RATE_HZ = 200
N_PER_PACKET = 10
INFO = gaitimu.StreamInfo(1, RATE_HZ * 1000, 4096.0, 16.384, 8, 2000, 1_000_000, 0, "bench")
_HDR = struct.Struct("<BBHIIBB")


def encode_packets(acc: np.ndarray, gyro: np.ndarray) -> list[bytes]:
    """GaitIMU v1 data notifications (ble-protocols.md §8.3) for the whole stream."""
    raw = np.empty((acc.shape[0], 6))
    raw[:, :3] = acc / G_MPS2 * INFO.acc_lsb_per_g
    raw[:, 3:] = gyro / DEG_TO_RAD * INFO.gyro_lsb_per_dps
    raw = np.clip(np.round(raw), -32768, 32767).astype("<i2")
    out = []
    for seq, first in enumerate(range(0, acc.shape[0] - N_PER_PACKET + 1, N_PER_PACKET)):
        t_us = round(first * 1e6 / RATE_HZ) % (1 << 32)
        hdr = _HDR.pack(1, gaitimu.FLAG_GYRO, seq % (1 << 16), first, t_us, N_PER_PACKET, 80)
        out.append(hdr + raw[first:first + N_PER_PACKET].tobytes())
    return out


def arrival_times_s(n_packets: int, seed: int = 0) -> np.ndarray:
    """Host arrival of each packet: when its last sample was taken + 5–35 ms (link + OS delay)."""
    rng = np.random.default_rng(seed)
    last_sample = (np.arange(n_packets) * N_PER_PACKET + N_PER_PACKET - 1) / RATE_HZ
    return last_sample + 0.005 + rng.uniform(0, 0.030, n_packets)


class _NullView:
    def update(self, session, upd):
        pass


def run_pipeline(packets: list[bytes], arrivals: np.ndarray, *, stage: str, record_dir: str | None,
                 window_s: float = 300.0) -> dict:
    """Push every packet through the central's path; returns CPU figures."""
    from rich.console import Console

    from imu_gait.devices.view import RichView

    queue: deque = deque(maxlen=4096)
    decoder = GaitImuStream(INFO)
    clock = SensorClock()
    session = None
    view = None
    if stage != "decode":
        rec = os.path.join(record_dir, f"bench_{stage}.csv") if stage in ("record", "full") else None
        session = LiveSession(iter(()), record=rec, fs_hz=RATE_HZ,
                              status_interval_s=math.inf if stage == "feed" else 1.0)
        session.signal.connected = True
        if stage == "full":
            console = Console(file=io.StringIO(), force_terminal=True, width=100, color_system="truecolor")
            view = RichView(console=console, clock=lambda: session.time_s, refresh_hz=1.0)
            view.start(session)
    windows = []
    c0 = time.process_time()
    w0, next_w = c0, window_s
    n_steps = 0
    for data, t_arr in zip(packets, arrivals):
        queue.append((int(t_arr * 1e9), bytes(data)))          # the notification callback
        t_ns, payload = queue.popleft()                         # the consumer
        chunk = decoder.feed(payload)
        clock.update(float(chunk.sensor_time_s[-1]), t_ns / 1e9)
        block = SampleBlock(clock.to_host(chunk.sensor_time_s), chunk.acc_mps2, chunk.gyro_rads,
                            chunk.first_index, chunk.lost_before, chunk.sensor_time_s)
        if session is not None:
            upd = session.process(block)
            n_steps += len(upd.steps)
            if view is not None:
                view.update(session, upd)
        if t_arr >= next_w:
            c = time.process_time()
            windows.append(c - w0)
            w0, next_w = c, next_w + window_s
    if session is not None:
        session.finish()
    if view is not None:
        view.stop(session, "benchmark done")
    cpu = time.process_time() - c0
    minutes = len(packets) * N_PER_PACKET / RATE_HZ / 60.0
    return {"stage": stage, "cpu_s": cpu, "minutes": minutes, "cpu_s_per_min": cpu / minutes,
            "pct_core": 100.0 * cpu / (minutes * 60.0), "windows_pct": [100 * w / window_s for w in windows],
            "n_steps": n_steps, "renders": getattr(view, "n_renders", 0)}


def latency_engine(seconds: float = 300.0) -> dict:
    """Contact → StepEvent (stream time of the emitting block), 50 ms blocks."""
    from imu_gait.devices.live import monitor
    from imu_gait.devices.replay import ReplaySource

    rec, truth = synthesize_walk(seconds, float(RATE_HZ), seed=11)
    lat, found = [], []

    async def main():
        async with monitor(ReplaySource(rec, speed=0, block_s=0.05)) as live:
            async for upd in live:
                for ev in upd.steps:
                    j = int(np.argmin(np.abs(truth.ic_times_s - ev.time_s)))
                    if abs(truth.ic_times_s[j] - ev.time_s) <= 0.1:
                        lat.append(upd.time_s - truth.ic_times_s[j])
                    found.append(ev.time_s)

    asyncio.run(main())
    lat = np.array(lat)
    return {"n": int(lat.size), "n_truth": int(truth.ic_times_s.size), "median": float(np.median(lat)),
            "p95": float(np.percentile(lat, 95)), "max": float(lat.max())}


E2E_RATE_HZ = {"gaitimu": 200, "polar_h10": 200, "polar_verity": 52, "thingy52": 100}
E2E_LABEL = {"gaitimu": "GaitIMU (10 samples / notification)", "polar_h10": "Polar H10 (PMD int16 frames)",
             "polar_verity": "Polar Verity Sense (PMD ACC + GYRO delta frames, merged)",
             "thingy52": "Thingy:52 (1 sample / notification)"}


def latency_e2e(seconds: float, sensor: str = "gaitimu") -> dict:
    """Emulated sensor → bleak (bumble backend) → live session, in real time."""
    from imu_gait.devices.live import monitor, simulated_stream

    rate_hz = E2E_RATE_HZ[sensor]

    events, emit = [], []

    # sample index ↔ stream time from the blocks the supervisor produced: capture via a recording
    with tempfile.TemporaryDirectory() as d:
        import imu_gait

        async def main_rec():
            async with simulated_stream(speed=1.0, rate_hz=rate_hz, walk_s=seconds + 30, seed=5,
                                        sensor=sensor) as stream:
                c0, w0 = time.process_time(), time.monotonic()
                path = os.path.join(d, "e2e.csv")
                async with monitor(stream, record=path) as live:
                    async for upd in live:
                        for ev in upd.steps:
                            events.append(ev.time_s)
                            emit.append(stream.now_s())
                        if live.time_s >= seconds:
                            break
                cpu, wall = time.process_time() - c0, time.monotonic() - w0
                return stream, live, cpu, wall, path

        stream, live, cpu, wall, path = asyncio.run(main_rec())
        saved = imu_gait.read(path)
    k = np.arange(saved.n_samples)
    slope, offset = np.polyfit(saved.time_s, k, 1)          # stream time → sample index
    truth = stream.truth.ic_times_s
    ev = np.array(events)
    ev_idx_s = (slope * ev + offset) / rate_hz
    lat = []
    for e_s, e_emit in zip(ev_idx_s, emit):
        j = int(np.argmin(np.abs(truth - e_s)))
        if abs(truth[j] - e_s) <= 0.1:
            lat.append(e_emit - (truth[j] * rate_hz - offset) / slope)
    lat = np.array(lat)
    stream_min = live.time_s / 60.0
    return {"sensor": sensor, "seconds": live.time_s, "n": int(lat.size), "median": float(np.median(lat)),
            "p95": float(np.percentile(lat, 95)), "max": float(lat.max()),
            "cpu_pct_whole_process": 100.0 * cpu / wall, "cpu_s_per_min": cpu / stream_min,
            "lost": live.signal.lost_samples, "queue_drops": live.signal.queue_drops,
            "rate_hz": live.signal.rate_hz}


def machine() -> str:
    return (f"{cpu_model()}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, numpy {np.__version__}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=30.0, help="minutes of stream for the CPU part (30)")
    ap.add_argument("--e2e-seconds", type=float, default=60.0,
                    help="seconds of real-time emulated BLE streaming (0 = skip) (60)")
    ap.add_argument("--e2e-sensors", default="gaitimu,polar_h10,polar_verity,thingy52",
                    help="emulated sensors for the end-to-end latency, comma-separated (all four)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "live.md"))
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    dur = args.minutes * 60.0
    print(f"synthesising {args.minutes:g} min at {RATE_HZ} Hz …", flush=True)
    rec, _ = synthesize_walk(dur, float(RATE_HZ), seed=3, segments=[(0.4 * dur, {"bounce_cm": 6.5})])
    packets = encode_packets(rec.acc_mps2, rec.gyro_rads)
    arrivals = arrival_times_s(len(packets))
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for stage in ("decode", "feed", "engine", "record", "full"):
            r = run_pipeline(packets, arrivals, stage=stage, record_dir=d)
            rows.append(r)
            print(f"  {stage:7s} {r['cpu_s_per_min']:.3f} CPU s/min  {r['pct_core']:.2f} % of one core", flush=True)
    print("latency (engine, 50 ms blocks) …", flush=True)
    lat = latency_engine()
    e2e_runs = []
    if args.e2e_seconds > 0:
        for sensor in [x.strip() for x in args.e2e_sensors.split(",") if x.strip()]:
            print(f"end to end over the emulated radio, {sensor}, {args.e2e_seconds:g} s in real time …", flush=True)
            e2e_runs.append(latency_e2e(args.e2e_seconds, sensor))

    full = rows[-1]
    label = {"decode": "bytes → queue → decoder → sensor-clock fit → SampleBlock",
             "feed": "+ live session feeding the engine every 0.1 s (GaitEngine.feed only)",
             "engine": "+ live status and flag cues (engine.live_status() ≤ 1×/s; strain rules every 10 steps)",
             "record": "+ recording: NativeCsvWriter (fsync ≥ 2×/s)",
             "full": "+ rich live view rendered 1×/s (+ on cues/link events) to a null console (= the whole pipeline)"}
    cmd = "python benchmarks/live_bench.py " + " ".join(sys.argv[1:] if argv is None else argv)
    lines = [
        "# Live pipeline benchmark (issue 4)", "",
        f"Command: `{cmd.strip()}`  ",
        f"Machine: {machine()}  ",
        f"Date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}", "",
        f"## CPU — {args.minutes:g} min of 200 Hz 6-axis GaitIMU stream (10 samples / notification)", "",
        "Target: ≤ 2 % of one core. Cumulative stages (each row adds to the one above):", "",
        "| stage | CPU s per minute of stream | % of one core |", "|---|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {label[r['stage']]} | {r['cpu_s_per_min']:.3f} | {r['pct_core']:.2f} |")
    win = full["windows_pct"]
    if win:
        lines += ["", "Whole pipeline per 5-minute window of the walk (% of one core): "
                  + ", ".join(f"{w:.2f}" for w in win)
                  + ". The strain rules re-judge the steps every 10 steps: the whole table until the personal "
                  "baseline is settled (≥ 6 min of walking) and the walk is 20 min long, then only the last 10 min "
                  "against the settled baseline."]
    lines += ["", f"Steps confirmed: {full['n_steps']}; view renders: {full['renders']}.", "",
              "## Step-event latency", "",
              "From each step's reference contact (synthetic truth) to the event in the live output.", "",
              "| path | steps | median | p95 | max |", "|---|---:|---:|---:|---:|",
              f"| live session, 50 ms blocks (stream time of the emitting block), 300 s walk | {lat['n']}/{lat['n_truth']} "
              f"| {lat['median']:.3f} s | {lat['p95']:.3f} s | {lat['max']:.3f} s |"]
    for e2e in e2e_runs:
        lines.append(f"| emulated {E2E_LABEL[e2e['sensor']]} at {E2E_RATE_HZ[e2e['sensor']]} Hz → bumble radio → "
                     f"bleak (bumble backend) → supervisor → live session, real time, {e2e['seconds']:.0f} s (host "
                     f"time the event came out) | {e2e['n']} | {e2e['median']:.3f} s | {e2e['p95']:.3f} s "
                     f"| {e2e['max']:.3f} s |")
    if e2e_runs:
        lines += [""] + [
            f"End-to-end {e2e['sensor']}: {e2e['rate_hz']:.1f} Hz measured, {e2e['lost']} samples lost, "
            f"{e2e['queue_drops']} queue drops; whole-process CPU {e2e['cpu_pct_whole_process']:.1f} % of one core "
            f"({e2e['cpu_s_per_min']:.2f} CPU s per minute).  " for e2e in e2e_runs]
        lines += ["", "Whole-process CPU in the end-to-end runs includes the emulated peripheral, two virtual bumble "
                  "controllers and the GATT stack in the same process, so it is not the central's cost. The Verity "
                  "sends 36-sample ACC frames (0.7 s at 52 Hz) and the merge waits for the gyro frame that covers "
                  "each sample: its latency is set by the sensor's framing, not by the pipeline."]
    lines += ["", "The maximum latency is the first steps of a walking bout: they are confirmed together once "
              "the bout is accepted (a few steady steps), by design.", ""]
    text = "\n".join(lines)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
