"""Emulated sensors for tests and ``imu-gait live --simulate``: bumble GATT servers on an
in-process virtual radio, driven through bleak's public API by a custom backend.

    from imu_gait.devices import open_stream
    from imu_gait.devices.emulated import EMULATED_BACKEND, EmulatedAir, EmulatedGaitImu

    async with EmulatedAir() as air:
        sensor = await air.add(EmulatedGaitImu(speed=1.0))
        async with open_stream("GaitIMU", backend=EMULATED_BACKEND) as stream:
            async for item in stream: ...
"""
from .backend import EMULATED_BACKEND, BumbleClient, BumbleScanner, EmulatedAir
from .peripherals import (EmulatedGaitImu, EmulatedPolarH10, EmulatedPolarVerity, EmulatedThingy52,
                          EmulatorStats, Faults)
from .sources import ArraySource, SampleSource, gait_like_source

__all__ = ["EMULATED_BACKEND", "BumbleClient", "BumbleScanner", "EmulatedAir", "EmulatedGaitImu",
           "EmulatedPolarH10", "EmulatedPolarVerity", "EmulatedThingy52", "EmulatorStats", "Faults",
           "ArraySource", "SampleSource", "gait_like_source"]
