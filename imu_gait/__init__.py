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
from .errors import DeviceError, ImuGaitError, RecordingError
from .recording import Recording
from .result import AnalysisResult, Flag
from .io import read
from .treadmill import TreadmillSchedule, read_schedule
from .engine import GaitEngine, analyze

__all__ = ["read", "analyze", "Recording", "AnalysisResult", "Flag", "GaitEngine",
           "TreadmillSchedule", "read_schedule", "ImuGaitError", "RecordingError", "DeviceError"]
__version__ = "0.1.0"
