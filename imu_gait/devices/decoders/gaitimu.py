"""Decoder for the project's open firmware service "GaitIMU", format v1.

Layout (all little-endian), see ``firmware_notes/gatt-spec.md``:

* stream info (read, and appended to the START response): version u8, ODR u32 [mHz],
  acc LSB/g f32, gyro LSB/(deg/s) f32, acc full scale u16 [g], gyro full scale u16 [deg/s],
  time-source clock u32 [Hz], mounting code u8, ASCII firmware version.
* data packet: 14-byte header (version, flags, seq u16, sample index u32, sensor time u32 [ticks
  of the stream-info clock; µs at 1 MHz], n u8, battery u8) then n × 6 int16 raw counts
  (ax ay az gx gy gz; gyro fields 0 and ignored when flag b0 is clear).
* control point: ``op, params`` written; indication ``F0 op status [params]``.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from .common import DEG_TO_RAD, G_MPS2, DecodeError, require_length
from .pmd import STATUS_NAMES

PROTOCOL = "GaitIMU"
FORMAT_VERSION = 1

SERVICE_UUID = "75d10001-d738-4a0c-9491-c2f00a4eaa90"
DATA_UUID = "75d10002-d738-4a0c-9491-c2f00a4eaa90"
CONTROL_UUID = "75d10003-d738-4a0c-9491-c2f00a4eaa90"
STREAM_INFO_UUID = "75d10004-d738-4a0c-9491-c2f00a4eaa90"

OP_GET_INFO = 0x01
OP_START = 0x02
OP_STOP = 0x03
OP_SET_TIME = 0x04
OP_REQ_CONN_PARAMS = 0x05
OPCODE_NAMES = {OP_GET_INFO: "GET_INFO", OP_START: "START", OP_STOP: "STOP",
                OP_SET_TIME: "SET_TIME", OP_REQ_CONN_PARAMS: "REQ_CONN_PARAMS"}
RESPONSE_CODE = 0xF0

# Status codes: the PMD numbering (our firmware reuses it, so one table serves both).
STATUS_SUCCESS = 0
STATUS_INVALID_MTU = 10

FLAG_GYRO = 0x01
FLAG_FIFO_OVERFLOW = 0x02
FLAG_TX_DROPS = 0x04
FLAG_CLIPPING = 0x08
FLAG_TIME_SET = 0x10

HEADER_SIZE = 14
SAMPLE_SIZE = 12
STREAM_INFO_FIXED_SIZE = 22
_HEADER = struct.Struct("<BBHIIBB")
_INFO = struct.Struct("<BIffHHIB")


def max_samples_per_packet(att_mtu: int) -> int:
    """Largest n that fits one notification: (MTU − 3 ATT header − 14) // 12 (0 if none)."""
    return max(0, (int(att_mtu) - 3 - HEADER_SIZE) // SAMPLE_SIZE)


@dataclass(frozen=True)
class StreamInfo:
    """Self-description of a GaitIMU stream (scale factors and rate)."""
    version: int
    odr_mhz: int                 # output data rate, millihertz
    acc_lsb_per_g: float
    gyro_lsb_per_dps: float
    acc_full_scale_g: int
    gyro_full_scale_dps: int
    clock_hz: int                # tick rate of the sensor time source (1 MHz: µs)
    mounting_code: int
    firmware: str

    @property
    def odr_hz(self) -> float:
        return self.odr_mhz / 1000.0


def parse_stream_info(data: bytes) -> StreamInfo:
    """Parse the stream-info characteristic (≥ 22 bytes + ASCII firmware version)."""
    data = bytes(data)
    require_length(PROTOCOL, data, STREAM_INFO_FIXED_SIZE, "stream info")
    ver, odr, acc_lsb, gyro_lsb, acc_fs, gyro_fs, clock, mount = _INFO.unpack_from(data, 0)
    if ver != FORMAT_VERSION:
        raise DecodeError(PROTOCOL, "version", f"stream info format version {ver}, expected 1", data)
    if odr == 0 or not (acc_lsb > 0) or not (gyro_lsb > 0) or clock == 0:
        raise DecodeError(PROTOCOL, "value", "stream info has a zero rate, clock or scale factor", data)
    try:
        fw = data[STREAM_INFO_FIXED_SIZE:].decode("ascii")
    except UnicodeDecodeError as exc:
        raise DecodeError(PROTOCOL, "value", "firmware version is not ASCII", data) from exc
    return StreamInfo(ver, odr, acc_lsb, gyro_lsb, acc_fs, gyro_fs, clock, mount, fw)


@dataclass(frozen=True)
class GaitPacket:
    """One decoded data notification (raw counts; convert with :func:`raw_to_si`)."""
    version: int
    flags: int
    sequence: int                # u16, wraps
    sample_index: int            # u32 index of the first sample, from the first START after power-on
    sensor_time_us: int          # u32 sensor time of the first sample [clock ticks], wraps
    n_samples: int
    battery_pct: int
    raw: np.ndarray              # (n, 6) int16: ax ay az gx gy gz

    @property
    def gyro_present(self) -> bool:
        return bool(self.flags & FLAG_GYRO)


def decode_data_packet(data: bytes) -> GaitPacket:
    """Decode a data notification; raises :class:`DecodeError` on any inconsistency."""
    data = bytes(data)
    require_length(PROTOCOL, data, HEADER_SIZE, "data packet header")
    ver, flags, seq, index, t_us, n, batt = _HEADER.unpack_from(data, 0)
    if ver != FORMAT_VERSION:
        raise DecodeError(PROTOCOL, "version", f"data packet format version {ver}, expected 1", data)
    expected = HEADER_SIZE + SAMPLE_SIZE * n
    if len(data) != expected:
        reason = "short" if len(data) < expected else "length"
        raise DecodeError(PROTOCOL, reason,
                          f"packet says {n} samples ({expected} bytes) but has {len(data)} bytes", data)
    raw = np.frombuffer(data, dtype="<i2", offset=HEADER_SIZE).reshape(n, 6)
    return GaitPacket(ver, flags, seq, index, t_us, n, batt, raw)


def raw_to_si(raw: np.ndarray, info: StreamInfo, gyro_present: bool = True
              ) -> tuple[np.ndarray, np.ndarray | None]:
    """Raw counts (n, 6) → acceleration [m/s², incl. gravity] (n, 3), angular rate [rad/s] (n, 3)|None."""
    raw = np.asarray(raw, dtype=np.float64).reshape(-1, 6)
    acc_mps2 = raw[:, :3] * (G_MPS2 / info.acc_lsb_per_g)
    gyro_rads = raw[:, 3:] * (DEG_TO_RAD / info.gyro_lsb_per_dps) if gyro_present else None
    return acc_mps2, gyro_rads


# ---- control point -----------------------------------------------------------------------

def encode_get_info() -> bytes:
    return bytes([OP_GET_INFO])


def encode_start(odr_hz: int, acc_fs_g: int, gyro_fs_code: int, samples_per_packet: int = 0) -> bytes:
    """START: odr u16 [Hz], acc full scale u8 [g], gyro code u8 (125·2^code dps), samples/packet u8 (0 = max)."""
    return struct.pack("<BHBBB", OP_START, int(odr_hz), int(acc_fs_g), int(gyro_fs_code),
                       int(samples_per_packet))


def encode_stop() -> bytes:
    return bytes([OP_STOP])


def encode_set_time(unix_us: int) -> bytes:
    return struct.pack("<BQ", OP_SET_TIME, int(unix_us))


def encode_req_conn_params(min_interval_ms: int, max_interval_ms: int, latency: int,
                           timeout_ms: int) -> bytes:
    return struct.pack("<BHHHH", OP_REQ_CONN_PARAMS, int(min_interval_ms), int(max_interval_ms),
                       int(latency), int(timeout_ms))


def gyro_full_scale_dps(code: int) -> int:
    """Gyro range code → full scale in deg/s (125 · 2^code; 4 → 2000)."""
    return 125 * (1 << int(code))


@dataclass(frozen=True)
class ControlCommand:
    """A parsed control-point write (used by the firmware side and the emulator)."""
    opcode: int
    params: dict


def parse_control_command(data: bytes) -> ControlCommand:
    """Parse a control-point write (firmware side). Raises DecodeError (reason "opcode"/"short"/"length")."""
    data = bytes(data)
    require_length(PROTOCOL, data, 1, "control command")
    op = data[0]
    layouts = {OP_GET_INFO: ("", ()), OP_STOP: ("", ()),
               OP_START: ("<HBBB", ("odr_hz", "acc_fs_g", "gyro_fs_code", "samples_per_packet")),
               OP_SET_TIME: ("<Q", ("unix_us",)),
               OP_REQ_CONN_PARAMS: ("<HHHH", ("min_interval_ms", "max_interval_ms", "latency",
                                              "timeout_ms"))}
    if op not in layouts:
        raise DecodeError(PROTOCOL, "opcode", f"unknown control opcode 0x{op:02X}", data)
    fmt, names = layouts[op]
    size = struct.calcsize(fmt) if fmt else 0
    if len(data) - 1 != size:
        raise DecodeError(PROTOCOL, "short" if len(data) - 1 < size else "length",
                          f"{OPCODE_NAMES[op]} takes {size} parameter bytes, got {len(data) - 1}", data)
    values = struct.unpack_from(fmt, data, 1) if fmt else ()
    return ControlCommand(op, dict(zip(names, values)))


@dataclass(frozen=True)
class ControlResponse:
    opcode: int
    status: int
    params: bytes

    @property
    def ok(self) -> bool:
        return self.status == STATUS_SUCCESS

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, f"UNKNOWN_{self.status}")


def parse_control_response(data: bytes) -> ControlResponse:
    """Parse a control-point indication ``F0 op status [params]``."""
    data = bytes(data)
    require_length(PROTOCOL, data, 3, "control response")
    if data[0] != RESPONSE_CODE:
        raise DecodeError(PROTOCOL, "opcode", f"control response starts with 0x{data[0]:02X}, expected 0xF0",
                          data)
    return ControlResponse(data[1], data[2], data[3:])
