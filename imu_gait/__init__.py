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
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .errors import DeviceError, ImuGaitError, RecordingError

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


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value          # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = ["read", "analyze", "Recording", "AnalysisResult", "Flag", "GaitEngine",
           "TreadmillSchedule", "read_schedule", "ImuGaitError", "RecordingError", "DeviceError"]
__version__ = "0.1.0"
