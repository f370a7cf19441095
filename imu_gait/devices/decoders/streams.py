"""Stateful per-stream decoders: packet bytes → :class:`DecodedChunk` with loss accounting.

Still pure (no I/O, no clocks): each keeps just enough state to unwrap counters, place sample
times on the *sensor* clock and count what went missing between packets. One instance lives
for a whole stream, across reconnects, so gaps spanning a reconnect are measured too.

Loss detection per family (ble-protocols.md §3 rule 4):

* GaitIMU: sample index → **exact** number of lost samples; sequence → lost packets;
* Polar PMD: frame timestamp step beyond the frame's own samples (a fraction of a sample plus 5 %
  of the frame, see :data:`pmd.LOSS_TOL_SHARE`) → **estimated** lost samples;
  Verity Sense ACC + GYRO are two PMD streams merged onto the ACC samples (:class:`PmdImuStream`);
* Thingy:52: no timestamp, no sequence → loss is **undetectable** (``lost_before`` always 0).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import gaitimu, pmd, thingy
from .common import DEG_TO_RAD, G_MPS2, DecodeError

_U32 = 1 << 32
MAX_SAMPLES_PER_PACKET = 255          # GaitIMU: n is a u8
_U16 = 1 << 16
# Two sample times this close are one instant: ACC and GYRO samples taken together get times from
# frame stamps of different frames (whole ns, spread by division), which can differ by a few ns.
# An ACC sample at the instant of the gyro sample next to a gyro gap has that gyro, not none.
_SAME_INSTANT_NS = 1000


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
    # The sensor clock went back mid-stream (device restarted without a disconnect): samples were
    # lost before this chunk, how many cannot be known (lost_before is 0 then). Implies restarted.
    clock_reset: bool = False
    # Sensor time to pair with this notification's arrival in the clock fit. None: the chunk's
    # last sample (one stream per notification). NaN: this notification gives no clock point
    # (a merged stream whose samples were released by the *other* stream's frame).
    clock_sensor_time_s: float | None = None
    # Frames refused earlier for a stamp that went back (each counted as a bad packet then, as it
    # could have been one corrupt stamp) that this notification confirmed: they were good after all,
    # and their samples lead this chunk.
    held_confirmed: int = 0
    # A merged stream (Verity ACC + GYRO) says what it did with ACC samples that were not merged:
    # samples_before_gyro, on its first chunk: ACC samples left out before the gyro's first sample;
    # acc_only, on the chunk where it happens: the gyro never sent — or, with gyro_stopped, it sent and then
    # stopped (see PmdImuStream) — and the stream goes on without it
    samples_before_gyro: int = 0
    acc_only: bool = False
    gyro_stopped: bool = False

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
        self._suspect: tuple[int, int] | None = None   # (index, sequence) a refused packet announced

    def mark_reconnect(self) -> None:
        """Called after a reconnect (or a re-START): an index that went backwards now means a
        power-cycled device (new stream), not a stale packet."""
        self._reconnected = True

    def set_info(self, info: gaitimu.StreamInfo) -> None:
        self.info = info

    def feed(self, data: bytes) -> DecodedChunk:
        p = gaitimu.decode_data_packet(data)
        info = self.info
        ticks_per_sample = info.clock_hz / info.odr_hz
        restarted = False
        after_restart = self._reconnected
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
            packets_lost = (p.sequence - self._next_seq) % _U16
            # Mid-stream, samples are only lost with their packets (the sequence jumps too) or by the
            # firmware itself, which then says so (FIFO overflow flag). An index far ahead of both is
            # a corrupt packet: taken at its word, one flipped bit counted a million 'lost' samples
            # and refused every later packet as stale. Unless the next packet continues from it.
            if (not after_restart and ahead > (packets_lost + 1) * MAX_SAMPLES_PER_PACKET
                    and not p.flags & gaitimu.FLAG_FIFO_OVERFLOW
                    and self._suspect != (p.sample_index, p.sequence)):
                self._suspect = ((p.sample_index + p.n_samples) % _U32, (p.sequence + 1) % _U16)
                raise DecodeError(gaitimu.PROTOCOL, "value",
                                  f"sample index {ahead} ahead but only {packets_lost} packet(s) missing and no "
                                  "FIFO overflow: taken for a corrupt packet", data)
            index = self._next_index + ahead
            lost = index - self._next_index
            expected_ticks = self._last_ticks + (index - self._last_index) * ticks_per_sample
            ticks = _unwrap(p.sensor_time_us, expected_ticks, _U32)
        self._suspect = None
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
        """Called when the stream was STARTed again (reconnect, or re-START after a device-initiated
        stop). PMD timestamps continue, but the device skipped what it sampled while stopped: the
        next frame's stamp jump is all loss, however small (:meth:`PmdTimeline.restart`)."""
        self.timeline.restart()

    def feed(self, data: bytes) -> DecodedChunk:
        f = pmd.decode_frame(data, channels=self.channels, resolution_bits=self.resolution_bits)
        if f.meas_type != pmd.MEAS_ACC:
            raise DecodeError(pmd.PROTOCOL, "unknown_type", f"measurement type {f.meas_type} not expected "
                              "on this stream", data)
        mg = pmd.frame_to_mg(f, self.factor)
        p = self.timeline.place(f.timestamp_ns, f.n_samples, mg)
        if p.held is not None:     # the frame before, held for its stamp, is confirmed by this one
            mg = np.concatenate([p.held, mg])
        if p.clock_reset:          # H10 power-cycled under a live link: a new time base, not an error
            self._t0_ns = None
        if self._t0_ns is None:
            self._t0_ns = int(p.times_ns[0])
        first = self._next_index + p.lost
        self._next_index = first + mg.shape[0]
        t = (p.times_ns - self._t0_ns) / 1e9
        return DecodedChunk(t, mg * (G_MPS2 / 1000.0), None, first, p.lost, False,
                            restarted=p.clock_reset, clock_reset=p.clock_reset,
                            held_confirmed=int(p.held is not None))


class ThingyStream:
    """Thingy:52 raw motion notifications (one sample each) → chunks.

    There is no timestamp: sensor time is ``index / nominal rate``; the host clock fit then
    estimates the real rate. Lost notifications cannot be detected."""
    loss_detection = "none"

    def __init__(self, nominal_rate_hz: float):
        self.nominal_rate_hz = float(nominal_rate_hz)
        self._next_index = 0
        self._reconnected = False
        self._skipped = 0

    def skip(self, n_notifications: int) -> None:
        """``n_notifications`` arrived but were dropped on this host before decoding (a consumer that fell
        behind): one sample each, so the index goes on past them and the next chunk counts them lost. Without
        this the samples after a drop were glued to those before it, time squeezed — a simulated walk at
        20× read 131 steps/min for 110 (found by review). Loss *over the air* stays invisible."""
        self._next_index += int(n_notifications)
        self._skipped += int(n_notifications)

    def mark_reconnect(self) -> None:
        """No counter to check: how much a reconnect missed is invisible in the data, so the
        sensor time axis cannot bridge it. The first sample after a reconnect starts a new
        clock segment (``restarted``): its times are mapped afresh from arrival, so the
        outage shows as a gap in time, though its samples cannot be counted."""
        self._reconnected = True

    def feed(self, data: bytes) -> DecodedChunk:
        r = thingy.decode_raw(data)
        i = self._next_index
        self._next_index += 1
        restarted, self._reconnected = self._reconnected, False
        lost, self._skipped = (0 if restarted else self._skipped), 0      # (a new clock segment: no gap to fill)
        return DecodedChunk(np.array([i / self.nominal_rate_hz]), r.acc_mps2()[None, :],
                            r.gyro_rads()[None, :], i, lost, lost > 0, restarted=restarted)


class PmdImuStream:
    """Polar Verity Sense ACC + GYRO → 6-axis chunks.

    The two PMD streams share the sensor clock and the DATA characteristic but come in separate
    frames of their own sizes, at their own moments. The merged stream is the ACC stream with
    the gyro linearly interpolated at each ACC sample time from the gyro samples around it. An
    ACC sample is released once the gyro covers its time. ACC samples with no gyro to go with
    them — inside a gap of the gyro stream (a lost gyro frame), or left behind when the gyro
    stalls for more than ``max_gyro_wait_s`` — are not given invented values: they leave the
    merged stream, which then has a gap there that is counted as lost samples like any other.
    ACC samples before the first gyro sample are not part of the merged stream (counted in
    ``samples_before_gyro`` and said on the first chunk). One contiguous run is released per
    notification; a run that follows a gap waits for the next one.

    A gyro stream that was started but sends nothing for ``max_gyro_wait_s`` of ACC samples (before
    any merged sample went out) is given up: the stream goes on ACC only (``acc_only``; chunks without
    gyro, the held ACC samples among them — none is dropped), said on the chunk where it happens; GYRO
    frames after that are ignored (``gyro_frames_ignored``), since the stream keeps one layout. (A
    Verity whose gyro never sent lost every accelerometer sample without a word.)

    A gyro stream that sent and then *stops* while the ACC goes on (firmware dropped the gyro, its PMD
    stream stopped) is given up the same way once the ACC runs ``max_gyro_wait_s`` past the newest gyro
    sample (``gyro_stopped`` as well as ``acc_only``): the ACC samples the gyro still covers go out with
    it, every later one without — none is dropped, none given an invented rate. (They were all left out
    for want of gyro, counted as lost, for the rest of the session.) The wait is the never-sent case's:
    Verity frames come in bursts every 1–2 s (ble-protocols §4.4) and the two streams at their own
    moments, so a gyro a burst or a lost frame (~70 samples, 1.3 s at 52 Hz) behind the ACC is normal, and 5 s is
    well past that while keeping what is held back bounded. A gyro that comes back is not taken up again
    (its frames are ignored): the stream, the analysis and the recording keep the layout they switched to,
    rather than splitting the walk again each time a flaky gyro comes and goes.

    A device that restarts under a live link stamps both streams from its reset clock again
    (:class:`~imu_gait.devices.decoders.pmd.PmdTimeline` tells a restart from one corrupt stamp).
    Each stream's samples from the new clock on are a new *epoch* of the shared sensor time; the
    two streams are matched within an epoch, never across the restart. The merged stream's first
    run of a new epoch is a ``clock_reset`` chunk released with an ACC frame of that epoch, whose
    clock point starts the new clock fit; no ACC frame of the new epoch gives a clock point before
    it. ACC samples from before the restart that no gyro covers leave the stream, counted as lost.
    """
    loss_detection = "estimated"

    def __init__(self, acc_rate_hz: float, gyro_rate_hz: float, acc_factor: float | None = None,
                 gyro_factor: float | None = None, channels: int = 3, resolution_bits: int = 16,
                 max_gyro_wait_s: float = 5.0):
        self.acc_timeline = pmd.PmdTimeline(acc_rate_hz)
        self.gyro_timeline = pmd.PmdTimeline(gyro_rate_hz)
        self.acc_factor = acc_factor
        self.gyro_factor = gyro_factor
        self.channels = channels
        self.resolution_bits = resolution_bits
        self.max_gyro_wait_ns = int(max_gyro_wait_s * 1e9)
        # ACC that *arrived* since the last GYRO frame, ns (samples × period): the gyro has stopped only when this
        # much came without it — not when the ACC's timestamps lie that far past the gyro's, as they do after a
        # reconnect or an outage of both streams (ACC is started first: a 5-s reconnect gave the gyro up for the
        # rest of the session; found by review)
        self._acc_period_ns = 1e9 / float(acc_rate_hz)
        self._acc_since_gyro_ns = 0.0
        self._t0_ns: int | None = None                  # sensor time 0 of the epoch being released
        self._acc_next_index = 0                        # ACC stream index expected next
        self._acc_t = np.empty(0, np.int64)             # pending ACC: sensor time [ns, internal axis] …
        self._acc_v = np.empty((0, 3))                  # … m/s² …
        self._acc_i = np.empty(0, np.int64)             # … ACC stream index …
        self._acc_e = np.empty(0, np.int64)             # … epoch of the sensor clock
        self._gyr_t = np.empty(0, np.int64)             # gyro samples still needed [ns] …
        self._gyr_v = np.empty((0, 3))                  # … rad/s
        self._gyr_gaps: list[tuple[int, int]] = []      # (last before, first after) a gyro loss [ns]
        self._gyr_last_ns: int | None = None            # newest gyro sample placed [ns]
        self._next_out: int | None = None               # merged (= ACC) index expected next
        self._acc_done_ns = 0                           # newest ACC sample released or left out
        # the internal time axis: stamps of epoch k + offset[k]; a new epoch starts well after all before
        self._epoch_offset_ns = [0]
        self._acc_epoch = self._gyr_epoch = self._out_epoch = 0
        self._newest_ns: int | None = None
        self._epoch_gap_ns = int(pmd.MAX_STAMP_STEP_S * 1e9) + self.max_gyro_wait_ns
        self.samples_before_gyro = 0
        self.samples_without_gyro = 0                   # ACC samples left out for want of gyro
        self.acc_only = False                           # the gyro never sent (or stopped): ACC alone from then on
        self.gyro_stopped = False                       # … it had sent, then stopped (acc_only too)
        self.gyro_frames_ignored = 0                    # GYRO frames after that
        self._before_gyro_said = False

    def mark_reconnect(self) -> None:
        """Called when the streams were STARTed again (reconnect, or re-START after a device-initiated
        stop): the next frame of each stream does not follow its previous one (see
        :meth:`PmdAccStream.mark_reconnect`)."""
        self.acc_timeline.restart()
        self.gyro_timeline.restart()
        self._acc_since_gyro_ns = 0.0

    def _internal(self, p: pmd.PmdPlacement, epoch: int) -> tuple[np.ndarray, int]:
        """A placement's sample times on the internal axis, and its stream's epoch from it on."""
        if p.clock_reset:
            epoch += 1
            if epoch == len(self._epoch_offset_ns):    # the first of the two streams on the new clock
                self._epoch_offset_ns.append((self._newest_ns or 0) + self._epoch_gap_ns - int(p.times_ns[0]))
        t = p.times_ns + self._epoch_offset_ns[epoch]
        self._newest_ns = int(t[-1]) if self._newest_ns is None else max(self._newest_ns, int(t[-1]))
        return t, epoch

    def feed(self, data: bytes) -> DecodedChunk:
        f = pmd.decode_frame(data, channels=self.channels, resolution_bits=self.resolution_bits)
        if f.meas_type == pmd.MEAS_ACC:
            vals = pmd.frame_to_mg(f, self.acc_factor) * (G_MPS2 / 1000.0)
            p = self.acc_timeline.place(f.timestamp_ns, f.n_samples, vals)
            if p.held is not None:                       # the frame before, confirmed by this one
                vals = np.concatenate([p.held, vals])
            times, self._acc_epoch = self._internal(p, self._acc_epoch)
            first = self._acc_next_index + p.lost
            self._acc_next_index = first + vals.shape[0]
            self._acc_t = np.concatenate([self._acc_t, times])
            self._acc_v = np.concatenate([self._acc_v, vals])
            self._acc_i = np.concatenate([self._acc_i, first + np.arange(vals.shape[0], dtype=np.int64)])
            self._acc_e = np.concatenate([self._acc_e, np.full(times.size, self._acc_epoch, np.int64)])
            clock_ns, frame_epoch = int(times[-1]), self._acc_epoch
            self._acc_since_gyro_ns += f.n_samples * self._acc_period_ns
        elif f.meas_type == pmd.MEAS_GYRO and self.acc_only:
            self.gyro_frames_ignored += 1
            return DecodedChunk(np.empty(0), np.empty((0, 3)), None, self._next_out or 0, 0, False,
                                clock_sensor_time_s=math.nan)
        elif f.meas_type == pmd.MEAS_GYRO:
            vals = pmd.frame_to_dps(f, self.gyro_factor) * DEG_TO_RAD
            p = self.gyro_timeline.place(f.timestamp_ns, f.n_samples, vals)
            if p.held is not None:
                vals = np.concatenate([p.held, vals])
            times, self._gyr_epoch = self._internal(p, self._gyr_epoch)
            if self._gyr_last_ns is not None and (p.lost or p.clock_reset):
                # lost gyro frames, or the device restarted: no ACC sample is interpolated across
                self._gyr_gaps.append((self._gyr_last_ns, int(times[0])))
            self._gyr_last_ns = int(times[-1])
            self._acc_since_gyro_ns = 0.0
            self._gyr_t = np.concatenate([self._gyr_t, times])
            self._gyr_v = np.concatenate([self._gyr_v, vals])
            clock_ns, frame_epoch = None, None           # the clock fit follows the ACC frames only
        else:
            raise DecodeError(pmd.PROTOCOL, "unknown_type", f"measurement type {f.meas_type} not expected "
                              "on this stream", data)
        if self._t0_ns is None:
            self._t0_ns = int(times[0])
        was_acc_only = self.acc_only
        t, acc, gyro, first, lost, new_epoch = self._release(frame_epoch)
        before = 0
        if t.size and not self._before_gyro_said:       # the first chunk says what was left out before it
            before, self._before_gyro_said = self.samples_before_gyro, True
        # an ACC frame of an epoch the merged stream has not reached yet gives no clock point: the clock
        # fit would mix the two clocks (it starts again with the new epoch's first chunk)
        clock_s = (math.nan if clock_ns is None or frame_epoch != self._out_epoch
                   else (clock_ns - self._t0_ns) / 1e9)
        return DecodedChunk(t, acc, gyro, first, lost, False, restarted=new_epoch, clock_reset=new_epoch,
                            clock_sensor_time_s=clock_s, held_confirmed=int(p.held is not None),
                            samples_before_gyro=before, acc_only=self.acc_only and not was_acc_only,
                            gyro_stopped=self.gyro_stopped and not was_acc_only)

    def _release(self, acc_epoch: int | None) -> tuple:
        """(sensor times s, acc, gyro, first index, lost before, starts a new epoch) of the next
        releasable run. ``acc_epoch``: the epoch of this notification's ACC frame (None: a GYRO frame)."""
        empty = (np.empty(0), np.empty((0, 3)), np.empty((0, 3)), self._next_out or 0, 0, False)
        t = self._acc_t
        if t.size == 0:
            if self._gyr_t.size and self._gyr_t[-1] - self._gyr_t[0] > self.max_gyro_wait_ns:
                # ACC stalled: keep the wait bounded on this side too
                k = int(np.searchsorted(self._gyr_t, self._gyr_t[-1] - self.max_gyro_wait_ns)) - 1
                self._gyr_t, self._gyr_v = self._gyr_t[max(k, 0):], self._gyr_v[max(k, 0):]
            return empty
        if self.acc_only:
            return self._release_acc_only(acc_epoch)
        if self._gyr_t.size == 0:
            if (t[-1] - t[0] > self.max_gyro_wait_ns and self._gyr_last_ns is None
                    and self._next_out is None):        # the gyro never sent: go on without it
                self.acc_only = True
                return self._release_acc_only(acc_epoch)
            if t[-1] - t[0] > self.max_gyro_wait_ns:    # no gyro at all yet: keep the wait bounded
                n_old = int(np.searchsorted(t, t[-1] - self.max_gyro_wait_ns, side="right"))
                self.samples_before_gyro += n_old
                self._drop_acc(n_old)
            return empty
        g_last = int(self._gyr_t[-1])
        # the gyro sent, then fell silent while the ACC ran on for the wait (on the same sensor clock: after
        # a device restart the ACC's new epoch lies far ahead of the gyro's old one without either stopping)
        stopped = (self._gyr_last_ns is not None and int(self._acc_e[-1]) == self._gyr_epoch
                   and int(t[-1]) - g_last > self.max_gyro_wait_ns
                   and self._acc_since_gyro_ns > self.max_gyro_wait_ns)
        # the gyro's last sample covers the ACC sample of its instant, stamped a few ns after it by another frame
        g_end = g_last + _SAME_INSTANT_NS if stopped else g_last
        if stopped and int(t[0]) > g_end:           # nothing pending is covered any more: go on without it
            self.acc_only = self.gyro_stopped = True
            return self._release_acc_only(acc_epoch)
        # when stopped, the samples the gyro still covers go out with it first; those after it wait for the
        # switch (they used to be left out here, counted as lost, for as long as the session lasted)
        cut = g_end if stopped else max(g_last, int(t[-1]) - self.max_gyro_wait_ns)
        n_ready = int(np.searchsorted(t, cut, side="right"))
        if n_ready == 0:
            return empty
        tr, ir, er = t[:n_ready], self._acc_i[:n_ready], self._acc_e[:n_ready]
        # (the ACC sample at the instant of the gyro's first sample, stamped a few ns before it, has that gyro)
        keep = (tr >= self._gyr_t[0] - _SAME_INSTANT_NS) & (tr <= g_end)
        for a, b in self._gyr_gaps:
            keep &= ~((tr > a + _SAME_INSTANT_NS) & (tr < b - _SAME_INSTANT_NS))
        if not keep.any():
            self._count_left_out(n_ready)
            self._drop_acc(n_ready)
            return empty
        p0 = int(np.argmax(keep))
        # the run ends at the first sample left out, at a jump of the ACC index (lost ACC frame) or
        # where the sensor clock started again
        breaks = np.flatnonzero(~keep[p0 + 1:] | (np.diff(ir[p0:]) != 1) | (np.diff(er[p0:]) != 0))
        p1 = p0 + 1 + int(breaks[0]) if breaks.size else n_ready
        self._count_left_out(p0)
        epoch = int(er[p0])
        new_epoch = epoch != self._out_epoch
        if new_epoch and acc_epoch != epoch:
            if acc_epoch is not None and acc_epoch > epoch:   # the ACC is on a later clock still: these
                self._count_left_out(p1 - p0)                # can never go out with a frame of theirs
                self._drop_acc(p1)
            else:                                            # wait for an ACC frame of this epoch
                self._drop_acc(p0)
            return empty
        ts = tr[p0:p1]
        gyro = np.column_stack([np.interp(ts, self._gyr_t, self._gyr_v[:, k]) for k in range(3)])
        first = int(ir[p0])
        lost = 0 if self._next_out is None else first - self._next_out
        if new_epoch:                                        # sensor time counts from the new clock's
            self._out_epoch, self._t0_ns = epoch, int(ts[0])  # first sample, as PmdAccStream's does
        out = ((ts - self._t0_ns) / 1e9, self._acc_v[p0:p1].copy(), gyro, first, lost, new_epoch)
        self._next_out = int(ir[p1 - 1]) + 1
        self._drop_acc(p1)
        return out

    def _release_acc_only(self, acc_epoch: int | None) -> tuple:
        """:meth:`_release` once the gyro was given up: the next contiguous run of pending ACC samples
        (one ACC index run, one clock epoch), without gyro."""
        t, ir, er = self._acc_t, self._acc_i, self._acc_e
        breaks = np.flatnonzero((np.diff(ir) != 1) | (np.diff(er) != 0))
        p1 = int(breaks[0]) + 1 if breaks.size else t.size
        epoch = int(er[0])
        new_epoch = epoch != self._out_epoch
        if new_epoch and acc_epoch != epoch:              # start a new clock with an ACC frame of its own
            return np.empty(0), np.empty((0, 3)), None, self._next_out or 0, 0, False
        first = int(ir[0])
        lost = 0 if self._next_out is None else first - self._next_out
        if new_epoch:
            self._out_epoch, self._t0_ns = epoch, int(t[0])
        out = ((t[:p1] - self._t0_ns) / 1e9, self._acc_v[:p1].copy(), None, first, lost, new_epoch)
        self._next_out = int(ir[p1 - 1]) + 1
        self._drop_acc(p1)
        return out

    def _count_left_out(self, n: int) -> None:
        if self._next_out is None:
            self.samples_before_gyro += n            # the merged stream has not started: no loss
        else:
            self.samples_without_gyro += n           # inside the stream: shows as lost samples

    def _drop_acc(self, n: int) -> None:
        """Forget the first n pending ACC samples and the gyro no longer needed for the rest."""
        if n:
            self._acc_done_ns = int(self._acc_t[n - 1])
        self._acc_t, self._acc_v, self._acc_i = self._acc_t[n:], self._acc_v[n:], self._acc_i[n:]
        self._acc_e = self._acc_e[n:]
        # keep the gyro from the last sample at or before the next ACC sample still to come
        horizon = int(self._acc_t[0]) if self._acc_t.size else self._acc_done_ns
        k = max(int(np.searchsorted(self._gyr_t, horizon, side="right")) - 1, 0)
        self._gyr_t, self._gyr_v = self._gyr_t[k:], self._gyr_v[k:]
        self._gyr_gaps = [(a, b) for a, b in self._gyr_gaps if b > horizon]
