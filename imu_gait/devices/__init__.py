"""Bluetooth LE sensors: discovery, supervised streaming, protocol decoders, emulators.

Public API (for the live view / CLI)::

    from imu_gait.devices import open_stream, scan, SampleBlock, Gap

    found = await scan(timeout=5)                       # [(name, address, rssi, family), …]
    async with open_stream("GaitIMU-1234") as stream:   # name, name prefix or address
        async for item in stream:
            if isinstance(item, SampleBlock):
                engine.feed(item.time_s, item.acc_mps2, item.gyro_rads)
            else:                                       # Connected, Disconnected, Reconnecting,
                show(item)                              # Gap, PacketError, DeviceStopped, DeviceRestarted
        stream.counters                                 # packets, samples, lost_samples, lost_packets, corrupt, …

Live results from the same engine as offline analysis (any source above, a replayed
recording or the built-in emulated sensor)::

    from imu_gait.devices import monitor, open_stream, ReplaySource, simulated_stream

    async with open_stream("GaitIMU-1234") as stream:
        async with monitor(stream, record="walk.csv") as live:
            async for update in live:                   # LiveUpdate: steps, new_flags, link events
                print(live.status()["cadence_spm"], [f.id for f in update.new_flags])
    live.result                                         # the same AnalysisResult as imu_gait.analyze

Emulated sensors (tests, ``--simulate``): :mod:`imu_gait.devices.emulated`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

# Imported on first use (PEP 562), like the top-level package: `imu-gait --help` loads
# imu_gait.devices.cli_live, and should not wait for bleak, scipy.signal and pandas.
_LAZY = {
    **dict.fromkeys(["SensorClock"], ".clock"),
    **dict.fromkeys(["DecodeError"], ".decoders"),
    **dict.fromkeys(["BleBackend", "Connected", "DeviceRestarted", "DeviceStopped", "Disconnected",
                     "FoundDevice", "Gap", "Notice", "PacketError", "Reconnecting", "SampleBlock", "StreamCounters",
                     "StreamEvent", "StreamSupervisor", "find_device", "open_stream", "scan"], ".link"),
    **dict.fromkeys(["FAMILIES", "DeviceFamily", "StreamSettings", "classify"], ".registry"),
    **dict.fromkeys(["LiveSession", "LiveUpdate", "SignalQuality", "monitor", "simulated_stream"], ".live"),
    **dict.fromkeys(["ReplaySource"], ".replay"),
}

if TYPE_CHECKING:
    from .clock import SensorClock
    from .decoders import DecodeError
    from .link import (BleBackend, Connected, DeviceRestarted, DeviceStopped, Disconnected, FoundDevice, Gap,
                       Notice, PacketError, Reconnecting, SampleBlock, StreamCounters, StreamEvent, StreamSupervisor,
                       find_device, open_stream, scan)
    from .live import LiveSession, LiveUpdate, SignalQuality, monitor, simulated_stream
    from .registry import FAMILIES, DeviceFamily, StreamSettings, classify
    from .replay import ReplaySource
else:   # at run time; hidden from type checkers, which then flag a misspelt name as an error
    __getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())


__all__ = ["open_stream", "scan", "find_device", "StreamSupervisor", "StreamSettings", "SampleBlock",
           "StreamEvent", "Connected", "Disconnected", "Reconnecting", "Gap", "Notice", "PacketError", "DeviceStopped",
           "DeviceRestarted", "StreamCounters", "FoundDevice", "BleBackend", "SensorClock", "DecodeError",
           "FAMILIES", "DeviceFamily", "classify", "monitor", "simulated_stream", "ReplaySource", "LiveSession",
           "LiveUpdate", "SignalQuality"]
