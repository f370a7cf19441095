"""imu_gait — trunk-worn IMU gait monitor.

Public API (kept small)::

    import imu_gait
    rec = imu_gait.read("walk.csv")                 # any supported format, auto-detected
    res = imu_gait.analyze(rec, belt_speed_mps=1.3)  # steps, summary, flags
    res.steps            # pandas DataFrame, one row per step
    res.summary          # dict
    res.flags            # list of Flag
    res.to_json("out.json")

    # a treadmill program: belt speed (m/s) and incline (%) per stage, times since the recording began
    sched = imu_gait.TreadmillSchedule.from_stages([(0, 1.2, 0), (300, 1.4, 5)])   # or read_schedule("p.csv")
    res = imu_gait.analyze(rec, treadmill_schedule=sched)

    # your own arrays (s, m/s² with gravity, rad/s), and live data chunk by chunk
    rec = imu_gait.Recording(time_s, acc_mps2, gyro_rads)
    engine = imu_gait.GaitEngine(fs_hz=100, has_gyro=True)
    update = engine.feed(t_chunk, acc_chunk, gyro_chunk)      # steps as they are confirmed
    res = engine.finish()                                    # the same AnalysisResult as analyze

    try:
        ...
    except imu_gait.ImuGaitError as err:    # bad input or a misused argument: a message saying what to do
        print(err)                          # (imu_gait.RecordingError: the data; imu_gait.ArgumentError: a call)
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_names
from .errors import ArgumentError, DeviceError, ImuGaitError, RecordingError

# The rest of the public API is imported on first use (PEP 562): `imu-gait --help` and the
# live view's start-up then do not wait ~0.7 s for scipy.signal and pandas, which only an
# analysis needs. `imu_gait.analyze`, `from imu_gait import read` etc. work as before.
_LAZY = {
    "read": ".io",
    "analyze": ".engine",
    "GaitEngine": ".engine",
    "Recording": ".recording",
    "AnalysisResult": ".result",
    "Flag": ".result",
    "TreadmillSchedule": ".treadmill",
    "read_schedule": ".treadmill",
}

if TYPE_CHECKING:   # for type checkers and IDEs: the same names, imported eagerly
    from .engine import GaitEngine, analyze
    from .io import read
    from .recording import Recording
    from .result import AnalysisResult, Flag
    from .treadmill import TreadmillSchedule, read_schedule
else:   # at run time; hidden from type checkers, which then flag a misspelt name as an error
    __getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())


__all__ = ["read", "analyze", "Recording", "AnalysisResult", "Flag", "GaitEngine",
           "TreadmillSchedule", "read_schedule", "ImuGaitError", "RecordingError", "DeviceError", "ArgumentError"]
__version__ = "0.1.0"
