"""Decoder for the Nordic Thingy:52 motion service (raw data + motion configuration).

Raw data (notify, 18 bytes): accel int16 Q6.10 [g], gyro int16 Q11.5 [deg/s], compass int16
Q12.4 [µT, unconfirmed]. One sample per notification, no timestamp and no sequence number:
**loss cannot be detected** on this device; times come from arrival order and the clock fit.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from .common import DEG_TO_RAD, G_MPS2, DecodeError, require_length

PROTOCOL = "Thingy52"

_BASE = "ef68{:04x}-9b35-4933-9b10-52ffa9740042"
CONFIG_SERVICE_UUID = _BASE.format(0x0100)
MOTION_SERVICE_UUID = _BASE.format(0x0400)
MOTION_CONFIG_UUID = _BASE.format(0x0401)
RAW_DATA_UUID = _BASE.format(0x0406)
CONN_PARAMS_UUID = _BASE.format(0x0104)
MTU_UUID = _BASE.format(0x0108)

RAW_SIZE = 18
CONFIG_SIZE = 9
_CONFIG = struct.Struct("<HHHHB")


@dataclass(frozen=True)
class ThingyRaw:
    acc_g: np.ndarray          # (3,)
    gyro_dps: np.ndarray       # (3,)
    compass_ut: np.ndarray     # (3,)

    def acc_mps2(self) -> np.ndarray:
        return self.acc_g * G_MPS2

    def gyro_rads(self) -> np.ndarray:
        return self.gyro_dps * DEG_TO_RAD


def decode_raw(data: bytes) -> ThingyRaw:
    """Decode one 18-byte raw motion notification."""
    data = bytes(data)
    require_length(PROTOCOL, data, RAW_SIZE, "raw motion notification")
    if len(data) != RAW_SIZE:
        raise DecodeError(PROTOCOL, "length", f"raw motion notification has {len(data)} bytes, expected 18",
                          data)
    v = np.frombuffer(data, dtype="<i2").astype(np.float64)
    return ThingyRaw(v[0:3] / 1024.0, v[3:6] / 32.0, v[6:9] / 16.0)


@dataclass(frozen=True)
class MotionConfig:
    pedometer_interval_ms: int
    temperature_interval_ms: int
    compass_interval_ms: int
    motion_freq_hz: int
    wake_on_motion: bool


def encode_motion_config(cfg: MotionConfig) -> bytes:
    if not 1 <= cfg.motion_freq_hz <= 200:
        raise ValueError(f"motion_freq_hz must be 1..200 Hz, got {cfg.motion_freq_hz}")
    return _CONFIG.pack(cfg.pedometer_interval_ms, cfg.temperature_interval_ms, cfg.compass_interval_ms,
                        cfg.motion_freq_hz, int(bool(cfg.wake_on_motion)))


def parse_motion_config(data: bytes) -> MotionConfig:
    data = bytes(data)
    if len(data) != CONFIG_SIZE:
        raise DecodeError(PROTOCOL, "short" if len(data) < CONFIG_SIZE else "length",
                          f"motion config has {len(data)} bytes, expected 9", data)
    a, b, c, d, e = _CONFIG.unpack(data)
    return MotionConfig(a, b, c, d, bool(e))
