"""Decoder for Polar's Measurement Data service (PMD): H10 and Verity Sense.

* control point (CP) writes: ``01 type`` GET_SETTINGS, ``02 type TLVs`` START, ``03 type`` STOP;
* CP indications: ``F0 op type status more params…``; a message ``01 types…`` means the device
  stopped those streams by itself;
* data frames: type u8 · u64 timestamp [ns since 2000-01-01, of the LAST sample] · frame type u8
  · payload; frame type 0x01 = int16 triplets in mG (H10), bit 7 = delta-compressed (Verity).

All functions are pure; :class:`PmdTimeline` holds the little state needed to spread sample
times between frames and to detect lost frames.
"""
from __future__ import annotations

import math
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .common import DecodeError, require_length

PROTOCOL = "PolarPMD"

SERVICE_UUID = "fb005c80-02e7-f387-1cad-8acd2d8df0c8"
CONTROL_UUID = "fb005c81-02e7-f387-1cad-8acd2d8df0c8"
DATA_UUID = "fb005c82-02e7-f387-1cad-8acd2d8df0c8"
HEART_RATE_SERVICE_UUID = "0000180d-0000-1000-8000-00805f9b34fb"

MEAS_ECG, MEAS_PPG, MEAS_ACC, MEAS_PPI, MEAS_GYRO, MEAS_MAG = 0, 1, 2, 3, 5, 6
OP_GET_SETTINGS, OP_START, OP_STOP = 0x01, 0x02, 0x03
RESPONSE_CODE = 0xF0

SET_SAMPLE_RATE, SET_RESOLUTION, SET_RANGE, SET_RANGE_MILLIUNIT, SET_CHANNELS, SET_FACTOR, SET_SECURITY = range(7)
# setting type → (struct code per value or None for raw bytes, bytes per value)
_SETTING_LAYOUT = {SET_SAMPLE_RATE: ("H", 2), SET_RESOLUTION: ("H", 2), SET_RANGE: ("H", 2),
                   SET_RANGE_MILLIUNIT: ("I", 4), SET_CHANNELS: ("B", 1), SET_FACTOR: ("f", 4),
                   SET_SECURITY: (None, 16)}

STATUS_NAMES = {0: "SUCCESS", 1: "INVALID_OP_CODE", 2: "INVALID_MEASUREMENT_TYPE", 3: "NOT_SUPPORTED",
                4: "INVALID_LENGTH", 5: "INVALID_PARAMETER", 6: "ALREADY_IN_STATE",
                7: "INVALID_RESOLUTION", 8: "INVALID_SAMPLE_RATE", 9: "INVALID_RANGE",
                10: "INVALID_MTU", 11: "INVALID_NUMBER_OF_CHANNELS", 12: "INVALID_STATE",
                13: "DEVICE_IN_CHARGER", 14: "DISK_FULL"}

FRAME_HEADER_SIZE = 10
MAX_TIMESTAMP_NS = 1 << 63           # stamps are u64 on the air; sample times are int64 ns
#: within a running stream (no re-START in between) a frame stamped this far after the previous
#: one — or at all before it — is taken for a corrupt stamp unless the next frame confirms it (see
#: PmdTimeline.place)
MAX_STAMP_STEP_S = 60.0
EPOCH_2000_UNIX_S = 946_684_800          # 2000-01-01T00:00:00Z in unix seconds
FRAME_INT16 = 0x01
DELTA_BIT = 0x80
#: The only delta-compressed frame type decoded (byte 0x80): raw values × FACTOR. Polar's SDK reads compressed
#: type 1 differently (ACC already in mG, GYRO as float32) and refuses the others, so any other type is refused
#: here rather than scaled as type 0.
FRAME_DELTA_TYPE0 = 0x00


# ---- control point -----------------------------------------------------------------------

def encode_settings(settings: Iterable[tuple[int, Sequence]]) -> bytes:
    """TLVs ``setting_type count values…`` in the given order (CHANNELS is u8, FACTOR float32)."""
    out = bytearray()
    for stype, values in settings:
        code, size = _SETTING_LAYOUT[stype]
        values = list(values)
        out += bytes([stype, len(values)])
        for v in values:
            out += bytes(v) if code is None else struct.pack("<" + code, v)
    return bytes(out)


def encode_start(meas_type: int, settings: Iterable[tuple[int, Sequence]]) -> bytes:
    """START ``02 type TLVs`` with settings in the given order."""
    return bytes([OP_START, meas_type]) + encode_settings(settings)


def encode_start_acc(sample_rate_hz: int = 200, resolution_bits: int = 16, range_g: int = 8,
                     channels: int | None = None) -> bytes:
    """START ACC with SAMPLE_RATE, RESOLUTION, RANGE (and CHANNELS u8 if given: Verity)."""
    settings = [(SET_SAMPLE_RATE, [sample_rate_hz]), (SET_RESOLUTION, [resolution_bits]),
                (SET_RANGE, [range_g])]
    if channels is not None:
        settings.append((SET_CHANNELS, [channels]))
    return encode_start(MEAS_ACC, settings)


def encode_start_gyro(sample_rate_hz: int = 52, resolution_bits: int = 16, range_dps: int = 2000,
                      channels: int | None = 3) -> bytes:
    settings = [(SET_SAMPLE_RATE, [sample_rate_hz]), (SET_RESOLUTION, [resolution_bits]),
                (SET_RANGE, [range_dps])]
    if channels is not None:
        settings.append((SET_CHANNELS, [channels]))
    return encode_start(MEAS_GYRO, settings)


def encode_get_settings(meas_type: int) -> bytes:
    return bytes([OP_GET_SETTINGS, meas_type])


def encode_stop(meas_type: int) -> bytes:
    return bytes([OP_STOP, meas_type])


def parse_settings(data: bytes) -> dict[int, list]:
    """Parse TLVs into ``{setting_type: [values…]}``; raises DecodeError if truncated/unknown."""
    data = bytes(data)
    out: dict[int, list] = {}
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise DecodeError(PROTOCOL, "short", f"setting TLV header truncated at byte {pos}", data)
        stype, count = data[pos], data[pos + 1]
        pos += 2
        if stype not in _SETTING_LAYOUT:
            raise DecodeError(PROTOCOL, "unknown_type", f"unknown setting type {stype}", data)
        code, size = _SETTING_LAYOUT[stype]
        if pos + size * count > len(data):
            raise DecodeError(PROTOCOL, "short", f"setting {stype} needs {size * count} bytes", data)
        if code is None:
            vals = [data[pos + i * size: pos + (i + 1) * size] for i in range(count)]
        else:
            vals = list(struct.unpack_from(f"<{count}{code}", data, pos))
        out[stype] = vals
        pos += size * count
    return out


@dataclass(frozen=True)
class PmdControlResponse:
    """CP indication ``F0 op type status more params``."""
    opcode: int
    meas_type: int
    status: int
    more: bool
    settings: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 0

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, f"UNKNOWN_{self.status}")

    @property
    def factor(self) -> float | None:
        f = self.settings.get(SET_FACTOR)
        return float(f[0]) if f else None


@dataclass(frozen=True)
class PmdStopped:
    """Device-initiated stop: the device ended these measurement types."""
    meas_types: tuple[int, ...]


def parse_control(data: bytes) -> PmdControlResponse | PmdStopped:
    """Parse a CP indication (response or device-initiated stop)."""
    data = bytes(data)
    require_length(PROTOCOL, data, 1, "CP message")
    if data[0] == RESPONSE_CODE:
        require_length(PROTOCOL, data, 4, "CP response")
        more = bool(data[4]) if len(data) > 4 else False
        settings = parse_settings(data[5:]) if (len(data) > 5 and data[3] == 0) else {}
        return PmdControlResponse(data[1], data[2], data[3], more, settings)
    if data[0] == 0x01:
        return PmdStopped(tuple(data[1:]))
    raise DecodeError(PROTOCOL, "opcode", f"unknown CP message 0x{data[0]:02X}", data)


# ---- data frames ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PmdFrame:
    """One data notification; ``raw`` holds integer samples (n, channels) before scaling."""
    meas_type: int
    timestamp_ns: int            # of the LAST sample, ns since 2000-01-01 (sensor clock)
    frame_type: int              # bits 0–6
    compressed: bool
    raw: np.ndarray              # (n, channels) int64

    @property
    def n_samples(self) -> int:
        return int(self.raw.shape[0])


def pmd_time_to_unix_s(timestamp_ns: int) -> float:
    """PMD timestamp (ns since 2000-01-01) → unix seconds."""
    return timestamp_ns / 1e9 + EPOCH_2000_UNIX_S


def unpack_signed_lsb_first(payload: bytes, bit_width: int, n_values: int) -> np.ndarray:
    """Unpack ``n_values`` two's-complement integers of ``bit_width`` bits, LSB-first."""
    if not 1 <= bit_width <= 32:
        raise DecodeError(PROTOCOL, "value", f"delta bit width {bit_width} out of range 1..32")
    bits = np.unpackbits(np.frombuffer(payload, dtype=np.uint8), bitorder="little")
    bits = bits[: n_values * bit_width].reshape(n_values, bit_width).astype(np.int64)
    values = bits @ (np.int64(1) << np.arange(bit_width, dtype=np.int64))
    sign = np.int64(1) << (bit_width - 1)
    return np.where(values >= sign, values - (sign << 1), values)


def decode_delta_payload(payload: bytes, channels: int, resolution_bits: int) -> np.ndarray:
    """Delta-compressed payload → raw samples (n, channels), reference sample first."""
    payload = bytes(payload)
    ref_bytes = math.ceil(resolution_bits / 8)
    ref_size = channels * ref_bytes
    require_length(PROTOCOL, payload, ref_size, "delta reference sample")
    ref = np.array([int.from_bytes(payload[i * ref_bytes:(i + 1) * ref_bytes], "little", signed=True)
                    for i in range(channels)], dtype=np.int64)
    parts = [ref[None, :]]
    pos = ref_size
    while pos < len(payload):
        if pos + 2 > len(payload):
            raise DecodeError(PROTOCOL, "short", f"delta block header truncated at byte {pos}", payload)
        bw, count = payload[pos], payload[pos + 1]
        pos += 2
        nbytes = math.ceil(bw * channels * count / 8)
        if pos + nbytes > len(payload):
            raise DecodeError(PROTOCOL, "short",
                              f"delta block ({bw} bit × {count}) needs {nbytes} bytes, "
                              f"{len(payload) - pos} left", payload)
        deltas = unpack_signed_lsb_first(payload[pos:pos + nbytes], bw, channels * count)
        parts.append(deltas.reshape(count, channels))
        pos += nbytes
    stacked = np.concatenate(parts, axis=0)
    return np.cumsum(stacked, axis=0)


def decode_frame(data: bytes, *, channels: int = 3, resolution_bits: int = 16) -> PmdFrame:
    """Decode a DATA notification (frame 0x01 int16 triplets, or delta-compressed type 0, 0x80); any other
    frame type is refused (``DecodeError`` reason ``unknown_type``)."""
    data = bytes(data)
    require_length(PROTOCOL, data, FRAME_HEADER_SIZE, "data frame header")
    meas_type = data[0] & 0x3F
    timestamp_ns = int.from_bytes(data[1:9], "little")
    if timestamp_ns >= MAX_TIMESTAMP_NS:
        # 292 years after 2000: a corrupt stamp; numpy's int64 sample times overflowed on it, and the
        # OverflowError ended a live walk
        raise DecodeError(PROTOCOL, "value", f"frame time stamp {timestamp_ns} ns is out of range", data)
    ftype_byte = data[9]
    compressed = bool(ftype_byte & DELTA_BIT)
    ftype = ftype_byte & 0x7F
    payload = data[FRAME_HEADER_SIZE:]
    if compressed and ftype == FRAME_DELTA_TYPE0:
        raw = decode_delta_payload(payload, channels, resolution_bits)
    elif not compressed and ftype == FRAME_INT16 and meas_type in (MEAS_ACC, MEAS_GYRO, MEAS_MAG):
        if len(payload) == 0 or len(payload) % 6:
            raise DecodeError(PROTOCOL, "length",
                              f"int16 triplet payload of {len(payload)} bytes is not a multiple of 6", data)
        raw = np.frombuffer(payload, dtype="<i2").reshape(-1, 3).astype(np.int64)
    else:
        raise DecodeError(PROTOCOL, "unknown_type",
                          f"unsupported frame: measurement {meas_type}, frame type 0x{ftype_byte:02X}", data)
    return PmdFrame(meas_type, timestamp_ns, ftype, compressed, raw)


def frame_to_mg(frame: PmdFrame, factor: float | None = None) -> np.ndarray:
    """ACC frame → milli-g (n, 3): int16 frames are mG already; delta frames are raw × FACTOR × 1000."""
    if frame.compressed:
        if factor is None:
            raise DecodeError(PROTOCOL, "value", "delta frame needs FACTOR from the START response")
        return frame.raw.astype(np.float64) * (factor * 1000.0)
    return frame.raw.astype(np.float64)


def frame_to_dps(frame: PmdFrame, factor: float | None = None) -> np.ndarray:
    """GYRO frame → deg/s (n, 3): raw × FACTOR."""
    if frame.compressed and factor is None:
        raise DecodeError(PROTOCOL, "value", "delta frame needs FACTOR from the START response")
    return frame.raw.astype(np.float64) * (factor if frame.compressed else 1.0)


def spread_sample_times_ns(t_frame_ns: int, n: int, t_prev_ns: int | None, nominal_rate_hz: float
                           ) -> np.ndarray:
    """Sample times (n,) int64 ns: evenly between the previous frame stamp and this one
    (``t_i = t_prev + (i+1)(t_frame − t_prev)/n``); without a previous frame, ``nominal_rate_hz``
    backwards from ``t_frame`` (which belongs to the last sample). Offsets are computed in float
    and added to the integer stamp: float64 itself resolves only 128 ns at PMD stamps (~6e17 ns)."""
    i = np.arange(1, n + 1, dtype=np.float64)
    if t_prev_ns is None:
        period = 1e9 / nominal_rate_hz
        return np.int64(t_frame_ns) - ((n - i) * period).round().astype(np.int64)
    return np.int64(t_prev_ns) + (i * ((t_frame_ns - t_prev_ns) / n)).round().astype(np.int64)


#: Loss tolerance between back-to-back frames, in samples: LOSS_TOL_SAMPLES + LOSS_TOL_SHARE × n. PMD
#: stamps are the sensor's own clock (no arrival jitter): frames that follow each other step by their
#: own sample count, off only by stamp rounding and by the error of the rate used (nominal until
#: measured: real sensors run a few % off). The spec's "1.5 frame durations" rule missed a whole lost
#: frame when it held under half the next frame's samples — Verity delta frames vary in size (30
#: lost before a 70-sample frame went unreported, and the 70 samples were stretched over the hole).
LOSS_TOL_SAMPLES = 0.5
LOSS_TOL_SHARE = 0.05


def lost_samples_between(t_prev_ns: int, t_frame_ns: int, n: int, rate_hz: float, *,
                         restarted: bool = False) -> int:
    """Samples lost before a frame of n samples stamped ``t_frame_ns`` (its last sample), the previous
    frame's last sample stamped ``t_prev_ns``, at ``rate_hz`` (measured on the sensor clock, else nominal).

    The stamp step holds round(step × rate) sample periods; n of them are this frame's. Within a
    running stream the excess counts as lost only beyond LOSS_TOL_SAMPLES + LOSS_TOL_SHARE × n
    (stamp rounding, the rate error over the frame): a lost frame of any size beyond that shows,
    whatever the size of the frame after it. After the stream was re-STARTed (device-initiated
    stop, reconnect) the device skipped whatever it took while stopped — any number, often less
    than half a frame — so every whole sample period beyond the frame counts."""
    excess = (t_frame_ns - t_prev_ns) / 1e9 * rate_hz - n
    if not restarted and excess <= LOSS_TOL_SAMPLES + LOSS_TOL_SHARE * n:
        return 0
    return max(0, int(round(excess)))


@dataclass(frozen=True)
class PmdPlacement:
    """Where :meth:`PmdTimeline.place` put a frame's samples on the sensor clock."""
    times_ns: np.ndarray          # sample times [ns]: those of a held frame this one confirmed, then its own
    lost: int                     # samples lost before times_ns[0] (after a clock reset: 0, unknown)
    held: object = None           # the payload given with the held frame whose samples lead times_ns, or None
    clock_reset: bool = False     # the stamps went back: times_ns start a new time base (the device restarted)


@dataclass(frozen=True)
class _HeldFrame:
    t_ns: int
    n: int
    payload: object


@dataclass
class PmdTimeline:
    """Frame-to-frame state for one PMD stream: sample times and loss estimate.

    The sample period on the sensor clock is measured from the stamps of back-to-back frames
    (``rate_hz``; the nominal rate until one step was seen): real sensors are a few % off
    nominal, and after a restart the lost count and the first frame's sample times rest on it.

    A stamp that cannot follow the previous one within a running stream — far ahead, or before it
    (the clock went back) — is held and refused (:class:`DecodeError`) until the next frame tells
    which it was: a next frame that follows the previous stamp shows it was one corrupt frame (it
    stays refused); a next frame that follows the held stamp confirms it, and both frames' samples
    are placed then, none lost — a clock that went back is a device restart (``clock_reset``)."""
    nominal_rate_hz: float
    t_prev_ns: int | None = None
    restarted: bool = False            # set by :meth:`restart`; cleared by the next frame placed
    _span_ns: int = 0                  # sum of stamp steps of back-to-back frames …
    _span_n: int = 0                   # … and of their sample counts
    _held: _HeldFrame | None = None    # a frame refused for its stamp, until the next frame judges it

    @property
    def rate_hz(self) -> float:
        """Sample rate on the sensor clock, measured from back-to-back frames (else nominal)."""
        return self._span_n * 1e9 / self._span_ns if self._span_n else float(self.nominal_rate_hz)

    def restart(self) -> None:
        """The stream was STARTed again: the next frame does not follow the previous one, and any stamp
        is believed (a device power-cycled while disconnected starts its clock again)."""
        self.restarted = True

    def place(self, t_frame_ns: int, n: int, payload: object = None) -> PmdPlacement:
        """Place a frame of n samples stamped ``t_frame_ns`` (its last sample). ``payload`` (e.g. the
        frame's values) comes back in :attr:`PmdPlacement.held` if the frame is held and later confirmed.
        Raises :class:`DecodeError` for a repeated stamp and for a stamp held as suspect."""
        prev = self.t_prev_ns
        if prev is not None and t_frame_ns == prev:
            raise DecodeError(PROTOCOL, "value", f"frame timestamp {t_frame_ns} repeats the previous frame's")
        held, self._held = self._held, None
        limit_ns = MAX_STAMP_STEP_S * 1e9
        if prev is not None and not self.restarted and not 0 < t_frame_ns - prev <= limit_ns:
            # One frame with a stamp far ahead (a flipped high bit) counted an hour of lost samples and put
            # every frame after it 'before' it; one a little behind (a flipped low bit) was taken for a
            # device restart, then the next frame counted the step back as lost. Either is refused and the
            # state kept, unless the next frame follows it: a sensor silent for minutes on a live link, or
            # one that restarted (its clock counts again from its reset value).
            if held is None or not 0 < t_frame_ns - held.t_ns <= limit_ns:
                self._held = _HeldFrame(int(t_frame_ns), int(n), payload)
                step_s = (t_frame_ns - prev) / 1e9
                where = f"{step_s:.0f} s after" if step_s > 0 else f"{-step_s:.3g} s before"
                raise DecodeError(PROTOCOL, "value", f"frame time stamp {where} the previous frame's: taken for a "
                                  "corrupt stamp unless the next frame follows it")
        else:
            held = None                  # the previous stamp goes on: a held frame was corrupt
        restarted, self.restarted = self.restarted, False
        first_t = held.t_ns if held is not None else t_frame_ns
        clock_reset = prev is not None and first_t < prev
        if clock_reset:                  # the sensor clock started again: a new time base; what was lost
            self.t_prev_ns = None        # in between cannot be known. The measured rate is kept: same crystal
            restarted = False
        if held is None:
            times, lost = self._advance(t_frame_ns, n, restarted)
            return PmdPlacement(times, lost, None, clock_reset)
        times_h, lost = self._advance(held.t_ns, held.n, restarted)
        times, lost_between = self._advance(t_frame_ns, n, False)
        if lost_between:                 # a frame between the two was lost as well: the held samples are
            return PmdPlacement(times, lost + held.n + lost_between, None, clock_reset)   # not next to these
        return PmdPlacement(np.concatenate([times_h, times]), lost, held.payload, clock_reset)

    def _advance(self, t_frame_ns: int, n: int, restarted: bool) -> tuple[np.ndarray, int]:
        """(sample times ns (n,), samples lost before them) of a frame accepted after ``t_prev_ns``."""
        lost = 0
        rate = self.rate_hz
        if self.t_prev_ns is not None:
            lost = lost_samples_between(self.t_prev_ns, t_frame_ns, n, rate, restarted=restarted)
        contiguous = self.t_prev_ns is not None and not lost and not restarted
        times = spread_sample_times_ns(t_frame_ns, n, self.t_prev_ns if contiguous else None, rate)
        if contiguous:
            self._span_ns += t_frame_ns - self.t_prev_ns
            self._span_n += n
        self.t_prev_ns = t_frame_ns
        return times, lost
