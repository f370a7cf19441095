"""Stateful per-stream decoders: packet bytes → :class:`DecodedChunk` with loss accounting.

Still pure (no I/O, no clocks): each keeps just enough state to unwrap counters, place sample
times on the *sensor* clock and count what went missing between packets. One instance lives
for a whole stream, across reconnects, so gaps spanning a reconnect are measured too.

Loss detection per family (ble-protocols.md §3 rule 4):

* GaitIMU: sample index → **exact** number of lost samples; sequence → lost packets;
* Polar PMD: frame timestamp jump > 1.5 frame durations → **estimated** lost samples;
* Thingy:52: no timestamp, no sequence → loss is **undetectable** (``lost_before`` always 0).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import gaitimu, pmd, thingy
from .common import G_MPS2, DecodeError

_U32 = 1 << 32
_U16 = 1 << 16


@dataclass(frozen=True)
class DecodedChunk:
    """Samples from one notification, in SI units, on the sensor's own time axis."""
    sensor_time_s: np.ndarray          # (n,) float64, sensor clock, unwrapped
    acc_mps2: np.ndarray               # (n, 3) incl. gravity
    gyro_rads: np.ndarray | None       # (n, 3) or None
    first_index: int                   # stream sample index of the first sample
    lost_before: int                   # samples missing between the previous chunk and this one
    lost_exact: bool                   # True: counted from an index; False: estimated / unknown
    packets_lost: int = 0              # from a packet sequence number, where the protocol has one
    flags: int = 0
    restarted: bool = False            # the device started a new stream (e.g. power cycle): new clock

    @property
    def n(self) -> int:
        return int(self.sensor_time_s.shape[0])


def _unwrap(raw: int, expected: float, modulus: int) -> int:
    """Full value congruent to ``raw`` (mod ``modulus``) closest to ``expected``."""
    k = round((expected - raw) / modulus)
    return int(raw + k * modulus)


class GaitImuStream:
    """GaitIMU v1 data packets → chunks. Needs the stream info (scale factors, ODR, clock)."""
    loss_detection = "exact"

    def __init__(self, info: gaitimu.StreamInfo):
        self.info = info
        self._next_index: int | None = None     # unwrapped index expected next
        self._next_seq: int | None = None
        self._last_index = 0
        self._last_ticks = 0
        self._reconnected = False

    def mark_reconnect(self) -> None:
        """Called after a reconnect: an index that went backwards now means a power-cycled
        device (new stream), not a stale packet."""
        self._reconnected = True

    def set_info(self, info: gaitimu.StreamInfo) -> None:
        self.info = info

    def feed(self, data: bytes) -> DecodedChunk:
        p = gaitimu.decode_data_packet(data)
        info = self.info
        ticks_per_sample = info.clock_hz / info.odr_hz
        restarted = False
        if self._next_index is not None and self._reconnected:
            self._reconnected = False
            if (p.sample_index - self._next_index) % _U32 >= _U32 // 2:
                self._next_index = None            # index went back across a reconnect: new stream
                restarted = True
        if self._next_index is None:
            index = p.sample_index
            ticks = p.sensor_time_us
            lost = 0
            packets_lost = 0
        else:
            ahead = (p.sample_index - self._next_index) % _U32
            if ahead >= _U32 // 2:                 # behind the expected index: duplicate/stale
                raise DecodeError(gaitimu.PROTOCOL, "stale",
                                  f"sample index {p.sample_index} repeats or goes back "
                                  f"(expected {self._next_index % _U32})", data)
            index = self._next_index + ahead
            lost = index - self._next_index
            packets_lost = (p.sequence - self._next_seq) % _U16
            expected_ticks = self._last_ticks + (index - self._last_index) * ticks_per_sample
            ticks = _unwrap(p.sensor_time_us, expected_ticks, _U32)
        self._next_index = index + p.n_samples
        self._next_seq = (p.sequence + 1) % _U16
        self._last_index, self._last_ticks = index, ticks
        acc, gyro = gaitimu.raw_to_si(p.raw, info, p.gyro_present)
        t = ticks / info.clock_hz + np.arange(p.n_samples) / info.odr_hz
        return DecodedChunk(t, acc, gyro, index, lost, True, packets_lost, p.flags, restarted)


class PmdAccStream:
    """Polar PMD ACC frames (H10 int16 mG or delta-compressed with FACTOR) → chunks."""
    loss_detection = "estimated"

    def __init__(self, nominal_rate_hz: float, factor: float | None = None, channels: int = 3,
                 resolution_bits: int = 16):
        self.timeline = pmd.PmdTimeline(nominal_rate_hz)
        self.factor = factor
        self.channels = channels
        self.resolution_bits = resolution_bits
        self._next_index = 0
        self._t0_ns: int | None = None

    def mark_reconnect(self) -> None:
        """PMD timestamps continue across a reconnect; nothing to do."""

    def feed(self, data: bytes) -> DecodedChunk:
        f = pmd.decode_frame(data, channels=self.channels, resolution_bits=self.resolution_bits)
        if f.meas_type != pmd.MEAS_ACC:
            raise DecodeError(pmd.PROTOCOL, "unknown_type", f"measurement type {f.meas_type} not expected "
                              "on this stream", data)
        mg = pmd.frame_to_mg(f, self.factor)
        times_ns, lost = self.timeline.place(f.timestamp_ns, f.n_samples)
        if self._t0_ns is None:
            self._t0_ns = int(times_ns[0])
        first = self._next_index + lost
        self._next_index = first + f.n_samples
        t = (times_ns - self._t0_ns) / 1e9
        return DecodedChunk(t, mg * (G_MPS2 / 1000.0), None, first, lost, False)


class ThingyStream:
    """Thingy:52 raw motion notifications (one sample each) → chunks.

    There is no timestamp: sensor time is ``index / nominal rate``; the host clock fit then
    estimates the real rate. Lost notifications cannot be detected."""
    loss_detection = "none"

    def __init__(self, nominal_rate_hz: float):
        self.nominal_rate_hz = float(nominal_rate_hz)
        self._next_index = 0

    def mark_reconnect(self) -> None:
        """No counter to check: a reconnect gap is invisible in the data (only in host time)."""

    def feed(self, data: bytes) -> DecodedChunk:
        r = thingy.decode_raw(data)
        i = self._next_index
        self._next_index += 1
        return DecodedChunk(np.array([i / self.nominal_rate_hz]), r.acc_mps2()[None, :],
                            r.gyro_rads()[None, :], i, 0, False)
