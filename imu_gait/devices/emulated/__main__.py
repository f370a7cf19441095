"""Run an emulated sensor and stream it through the real BLE stack code, outside pytest.

    python -m imu_gait.devices.emulated --device gaitimu --seconds 10 --speed 1
    python -m imu_gait.devices.emulated --device h10 --seconds 60 --speed 20 --drop-every 50

Prints one status line per second of sensor time and the final counters.
"""
from __future__ import annotations

import argparse
import asyncio
import time

from ..link import Gap, SampleBlock, StreamEvent, open_stream
from ..registry import StreamSettings
from . import EMULATED_BACKEND, EmulatedAir, EmulatedGaitImu, EmulatedPolarH10, Faults


async def run(device: str, seconds: float, speed: float, rate_hz: int, drop_every: int, drift_ppm: float,
              quiet: bool) -> dict:
    drops = frozenset(range(drop_every, 1_000_000, drop_every)) if drop_every else frozenset()
    faults = Faults(drop_sequences=drops, drift_ppm=drift_ppm)
    cls = EmulatedGaitImu if device == "gaitimu" else EmulatedPolarH10
    async with EmulatedAir() as air:
        sensor = await air.add(cls(speed=speed, faults=faults))
        wall0 = time.perf_counter()
        async with open_stream(sensor.name, backend=EMULATED_BACKEND, clock_ns=sensor.host_clock_ns,
                               settings=StreamSettings(rate_hz=rate_hz)) as stream:
            n, next_print = 0, 1.0
            async for item in stream:
                if isinstance(item, SampleBlock):
                    n += item.n
                    t = float(item.time_s[-1])
                    if not quiet and t >= next_print:
                        c = stream.counters
                        print(f"t={t:7.2f} s  samples={c.samples:7d}  lost={c.lost_samples:5d}  "
                              f"corrupt={c.corrupt}  rate={c.rate_hz:8.3f} Hz  drift={c.drift_ppm:7.1f} ppm")
                        next_print += 1.0
                    if n >= seconds * rate_hz:
                        break
                elif isinstance(item, StreamEvent) and not quiet and not isinstance(item, Gap):
                    print(item)
            counters = stream.counters.as_dict()
        wall = time.perf_counter() - wall0
    counters.update(wall_s=wall, samples_per_wall_s=counters["samples"] / wall, emulator=sensor.stats)
    return counters


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m imu_gait.devices.emulated", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", choices=["gaitimu", "h10"], default="gaitimu")
    ap.add_argument("--seconds", type=float, default=10.0, help="sensor seconds to stream")
    ap.add_argument("--speed", type=float, default=1.0, help="× real time")
    ap.add_argument("--rate", type=int, default=200, help="sample rate, Hz")
    ap.add_argument("--drop-every", type=int, default=0, help="drop every Nth packet")
    ap.add_argument("--drift-ppm", type=float, default=0.0)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    result = asyncio.run(run(a.device, a.seconds, a.speed, a.rate, a.drop_every, a.drift_ppm, a.quiet))
    for k, v in result.items():
        print(f"{k}: {v}")


if __name__ == "__main__":
    main()
