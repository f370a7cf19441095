"""Emulated BLE peripherals (bumble GATT servers) with fault injection.

* :class:`EmulatedGaitImu` — the project's GaitIMU v1 firmware (stream info, control point
  with indications, data notifications sized from the negotiated MTU, peripheral-initiated
  connection-parameter update on REQ_CONN_PARAMS);
* :class:`EmulatedPolarH10` — Polar PMD accelerometer at 25–200 Hz, int16 mG frames;
* :class:`EmulatedPolarVerity` — Polar PMD ACC and GYRO at 52 Hz, delta-compressed frames with
  FACTOR, the two streams in frames of different sizes on one DATA characteristic;
* :class:`EmulatedThingy52` — Nordic Thingy:52 motion service: one raw sample per notification,
  no time stamp, no counter, rate set through the motion configuration characteristic.

Time: the emulator runs on "true time" τ = (monotonic − power-on) × ``speed`` seconds. With
``speed=20`` a minute of walking streams in three seconds; give the central a host clock
scaled the same way (:meth:`EmulatedPeripheral.host_clock_ns`). The sensor crystal is off by
``faults.drift_ppm``: sample k is taken at τ = k / (rate · (1 + ppm·1e-6)) after the first START
but stamped k / rate on the sensor clock, exactly as a real sensor's FIFO would do.
"""
from __future__ import annotations

import asyncio
import logging
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from bumble.att import ATT_Error, ErrorCode
from bumble.core import UUID, AdvertisingData
from bumble.gatt import Characteristic, CharacteristicValue, Service

from ..decoders import gaitimu, pmd, thingy
from ..decoders.common import DEG_TO_RAD, G_MPS2, DecodeError
from .backend import make_device
from .sources import SampleSource, gait_like_source

log = logging.getLogger(__name__)

_P = Characteristic.Properties


@dataclass
class Faults:
    """Scripted faults (times are true seconds since power-on, see module doc)."""
    drop_sequences: frozenset = frozenset()   # GaitIMU packet sequences / PMD frame numbers never sent
    # GaitIMU: at these sequences a packet with no samples (n = 0) is sent first, taking the sequence
    empty_packets: frozenset = frozenset()
    # GaitIMU: packet sequences sent with flag b0 (gyro present) clear, their gyro fields 0
    no_gyro_packets: frozenset = frozenset()
    # {seq: kind}: an extra bad packet after that one. GaitIMU: "short"|"version"|"garbage"|"index_ahead"; PMD frame
    # number: "short"|"stamp_overflow"|"stamp_ahead"|"stamp_back" (see pmd_junk)
    junk_after: dict = field(default_factory=dict)
    disconnect_at_s: tuple = ()               # peripheral drops the link at these times…
    outage_s: float = 0.5                     # …and stays off air this long before advertising again
    drift_ppm: float = 0.0                    # sensor crystal error, + = runs fast
    burst_every_s: float = 0.0                # hold packets for burst_hold_s out of every burst_every_s
    burst_hold_s: float = 0.0
    device_stop_at_s: tuple = ()              # PMD: device-initiated stop (CP "01 02") at these times
    # PMD: {n: "before_answer" | "after_answer"}: the device stops its streams (CP "01 02") right
    # before / right after it answers the n-th START command (any stream, counted from 1 since
    # power-on). "before_answer": the START took effect, then the streams stopped, and the stop
    # notice is indicated ahead of the START answer (which still says SUCCESS).
    device_stop_at_start: dict = field(default_factory=dict)
    # PMD: the device restarts at these times without dropping the link: silent for reboot_s, then
    # it streams on by itself (every stream it had running) with its clock counting from its reset
    # value again (stamps go back)
    clock_reset_at_s: tuple = ()
    reboot_s: float = 0.5
    drop_gyro_frames: frozenset = frozenset() # Verity: GYRO frame numbers never sent
    start_status: int = 0                     # answer START with this status (e.g. 10 INVALID_MTU)
    # GaitIMU: at these START commands (counted from 1 since power-on) the link drops instead of an answer
    drop_link_at_start: frozenset = frozenset()
    # GaitIMU: these reads of the stream info (counted from 1) are answered with an ATT error (UNLIKELY_ERROR)
    info_read_errors: frozenset = frozenset()
    # PMD: measurement types another central already runs at power-on (a Verity takes two connections, ⚠ not
    # confirmed on hardware): START answers ALREADY_IN_STATE with no settings (no FACTOR), 1.5 s late, and
    # streams to us from the START on, until a STOP of that type
    pmd_running_elsewhere: frozenset = frozenset()


@dataclass
class EmulatorStats:
    starts: int = 0
    packets_sent: int = 0
    samples_sent: int = 0
    samples_dropped: int = 0                  # inside packets removed by drop_sequences
    samples_skipped: int = 0                  # produced while not streaming (disconnect / outage)
    start_commands: int = 0                   # PMD: START commands answered (ACC and GYRO)
    device_stops: int = 0                     # PMD: device-initiated stops (notices indicated)
    junk_sent: int = 0
    disconnects: int = 0
    conn_params: list = field(default_factory=list)   # (interval_ms, latency, timeout_ms) after updates
    mtu: int = 23


class EmulatedPeripheral:
    """Common part: bumble device on a LocalLink, advertising, true-time pacing, faults."""
    adv_name: str
    rate_hz: float
    #: largest ATT MTU its stack accepts (None: bumble's default, 2048 > the 247 the central asks); set it
    #: before power-on to emulate firmware built with a small MTU (Zephyr's default BT_L2CAP_TX_MTU is 65)
    max_mtu: int | None = None

    def __init__(self, name: str, address: str, source: SampleSource | None = None,
                 faults: Faults | None = None, speed: float = 1.0):
        self.name = name
        self.address = address
        self.source = source or gait_like_source()
        self.faults = faults or Faults()
        self.speed = float(speed)
        self.stats = EmulatorStats()
        self.device: Any = None
        self.connection: Any = None
        self.advertising = False
        self._t_on_ns = 0
        self._tasks: set[asyncio.Task] = set()
        self._radio_ops: set[asyncio.Future] = set()   # HCI operations in flight (see _radio)
        self._stream_task: asyncio.Task | None = None
        self._powered = False

    # ---- time
    def tau(self) -> float:
        """True seconds since power-on."""
        return (time.monotonic_ns() - self._t_on_ns) * 1e-9 * self.speed

    def host_clock_ns(self) -> int:
        """A host clock running on the same (scaled) time base as this emulator, ns."""
        return int((time.monotonic_ns() - self._t_on_ns) * self.speed)

    async def _sleep_until(self, tau_target: float) -> None:
        dt = (tau_target - self.tau()) / self.speed
        if dt > 0:
            await asyncio.sleep(dt)
        else:
            await asyncio.sleep(0)

    def _spawn(self, coro) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        # an emulated sensor whose stream task failed went silent with no word (e.g. samples asked
        # at a rate its source does not hold): say why, once, where the user sees it
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            log.error("emulated sensor %s stopped: %s: %s", self.name, type(exc).__name__, exc)

    async def _radio(self, coro) -> Any:
        """Run one radio operation (HCI commands) so that cancelling the caller does not cut it off.

        bumble's host keeps the future of the command in flight; a task cancelled while it waits
        cancels that future, and the controller's answer — already queued on the loop — then hits
        the cancelled future: an InvalidStateError traceback from the event loop (seen when Ctrl-C
        ends ``live --simulate`` just as the sensor starts advertising again). Shielded, the
        command completes; :meth:`power_off` waits for any still running."""
        op = asyncio.ensure_future(coro)
        self._radio_ops.add(op)
        op.add_done_callback(self._radio_ops.discard)
        return await asyncio.shield(op)

    # ---- lifecycle
    def build_services(self) -> list[Service]:
        raise NotImplementedError

    def advertising_data(self) -> bytes:
        raise NotImplementedError

    async def power_on(self, link: Any) -> None:
        self.device = make_device(link, self.name, self.address)
        self.device.add_services(self.build_services())
        if self.max_mtu is not None:
            self.device.gatt_server.max_mtu = int(self.max_mtu)
        self.device.on("connection", self._on_connection)
        await self.device.power_on()
        self._t_on_ns = time.monotonic_ns()
        self._powered = True
        await self._advertise()
        for t in self.faults.disconnect_at_s:
            self._spawn(self._disconnect_at(t))

    async def power_off(self) -> None:
        self._powered = False
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._radio_ops:                   # let commands in flight finish (see _radio)
            await asyncio.wait(list(self._radio_ops), timeout=2.0)
        if self.connection is not None:
            try:
                await self.connection.disconnect()
            except Exception:  # noqa: BLE001
                pass
        if self.advertising:
            try:
                await self.device.stop_advertising()
            except Exception:  # noqa: BLE001
                pass
            self.advertising = False

    async def _advertise(self) -> None:
        if not self._powered or self.advertising or self.connection is not None:
            return
        # The bumble software controller echoes the advertising data as scan response, so name and
        # service UUID both go into the advertising data here (a real board puts the name in the
        # scan response to stay within 31 bytes).
        self.advertising = True       # set first: power_off stops it even if this is cut off midway
        try:
            await self._radio(self.device.start_advertising(
                advertising_data=self.advertising_data(), auto_restart=False,
                advertising_interval_min=20, advertising_interval_max=20))
        except asyncio.CancelledError:
            raise
        except Exception:
            self.advertising = False
            raise

    def _on_connection(self, connection: Any) -> None:
        self.connection = connection
        self.advertising = False
        connection.on("disconnection", self._on_disconnection)
        connection.on("connection_att_mtu_update", lambda: self._mtu_update(connection))
        connection.on("connection_parameters_update", lambda: self._params_update(connection))

    def _mtu_update(self, connection: Any) -> None:
        self.stats.mtu = connection.att_mtu

    def _params_update(self, connection: Any) -> None:
        p = connection.parameters
        self.stats.conn_params.append((p.connection_interval, p.peripheral_latency, p.supervision_timeout))

    def _on_disconnection(self, reason: int) -> None:
        self.connection = None
        self.stats.disconnects += 1
        self.stop_streaming()
        delay = self._outage_pending
        self._outage_pending = 0.0
        self._spawn(self._readvertise(delay))

    _outage_pending = 0.0

    async def _readvertise(self, delay_s: float) -> None:
        if delay_s > 0:
            await self._sleep_until(self.tau() + delay_s)
        await self._advertise()

    async def _disconnect_at(self, t: float) -> None:
        await self._sleep_until(t)
        await self.drop_link(self.faults.outage_s)

    async def drop_link(self, outage_s: float = 0.0) -> None:
        """Peripheral-side disconnect (e.g. out of range), then off air for ``outage_s`` true seconds."""
        if self.connection is not None:
            self._outage_pending = outage_s
            await self._radio(self.connection.disconnect())

    # ---- streaming
    def stop_streaming(self) -> None:
        if self._stream_task is not None:
            self._stream_task.cancel()
            self._stream_task = None

    def _packet_send_tau(self, tau_ready: float) -> float:
        f = self.faults
        if f.burst_every_s > 0 and f.burst_hold_s > 0:
            phase = tau_ready % f.burst_every_s
            if phase < f.burst_hold_s:
                return tau_ready - phase + f.burst_hold_s
        return tau_ready

    async def _notify(self, characteristic: Any, value: bytes) -> bool:
        conn = self.connection
        if conn is None:
            return False
        try:
            await self.device.notify_subscriber(conn, characteristic, value)
            return True
        except Exception as exc:  # noqa: BLE001 - link went away under us
            log.debug("notify failed: %s", exc)
            return False


def _info_bytes(info: gaitimu.StreamInfo) -> bytes:
    return struct.pack("<BIffHHIB", info.version, info.odr_mhz, info.acc_lsb_per_g, info.gyro_lsb_per_dps,
                       info.acc_full_scale_g, info.gyro_full_scale_dps, info.clock_hz,
                       info.mounting_code) + info.firmware.encode("ascii")


class EmulatedGaitImu(EmulatedPeripheral):
    """GaitIMU v1 firmware emulation. Sample index runs from the first START and keeps running
    while disconnected (never reset), so the central can count a reconnect gap exactly.

    ``rates_hz``: the output data rates its IMU has (None: any 1–1000 Hz); START runs at the
    nearest one and says so in its answer's stream info (gatt-spec §2). Unlike a real firmware the
    emulator takes rate and ranges from the first START only (its sample clock is fixed from then
    on); later STARTs change the samples per packet, and a START while streaming changes nothing.
    It serves no Device Information service (0x180A), which the host does not read."""

    def __init__(self, name: str = "GaitIMU-E001", address: str = "F0:00:00:00:00:01", *,
                 source: SampleSource | None = None, faults: Faults | None = None, speed: float = 1.0,
                 sensor_time_start_us: int = (1 << 32) - 3_000_000, battery_pct: int = 87,
                 rates_hz: tuple[float, ...] | None = None):
        super().__init__(name, address, source, faults, speed)
        self.rates_hz = rates_hz
        self.rate_hz = 100.0
        self.acc_fs_g, self.gyro_code, self.n_per_packet = 8, 4, 10
        self.sensor_time_start_us = sensor_time_start_us     # default: wraps 3 s after START
        self.battery_pct = battery_pct
        self._tau_first_start: float | None = None
        self._next_index = 0
        self._seq = 0
        self._time_set = False
        self._start_commands = 0
        self._info_reads = 0

    @property
    def info(self) -> gaitimu.StreamInfo:
        return gaitimu.StreamInfo(1, int(round(self.rate_hz * 1000)), 32768.0 / self.acc_fs_g,
                                  32768.0 / gaitimu.gyro_full_scale_dps(self.gyro_code), self.acc_fs_g,
                                  gaitimu.gyro_full_scale_dps(self.gyro_code), 1_000_000, 0, "0.9.0-emu")

    def build_services(self) -> list[Service]:
        self.c_data = Characteristic(gaitimu.DATA_UUID, _P.NOTIFY, Characteristic.READABLE, b"")
        self.c_ctrl = Characteristic(gaitimu.CONTROL_UUID, _P.WRITE | _P.INDICATE, Characteristic.WRITEABLE,
                                     CharacteristicValue(write=self._on_control_write))
        self.c_info = Characteristic(gaitimu.STREAM_INFO_UUID, _P.READ, Characteristic.READABLE,
                                     CharacteristicValue(read=self._read_info))
        batt = Characteristic("2A19", _P.READ, Characteristic.READABLE,
                              CharacteristicValue(read=lambda conn: bytes([self.battery_pct])))
        return [Service(gaitimu.SERVICE_UUID, [self.c_data, self.c_ctrl, self.c_info]), Service("180F", [batt])]

    def _read_info(self, connection: Any) -> bytes:
        self._info_reads += 1
        if self._info_reads in self.faults.info_read_errors:
            raise ATT_Error(ErrorCode.UNLIKELY_ERROR)
        return _info_bytes(self.info)

    def advertising_data(self) -> bytes:
        return bytes(AdvertisingData([
            (AdvertisingData.FLAGS, bytes([0x06])),
            (AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS, UUID(gaitimu.SERVICE_UUID).to_bytes()),
            (AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode())]))

    # sample k (since first START) is taken at this true time
    def _tau_of_sample(self, k: float) -> float:
        return self._tau_first_start + k / (self.rate_hz * (1 + self.faults.drift_ppm * 1e-6))

    def _samples_taken(self, tau: float) -> int:
        return int(np.floor((tau - self._tau_first_start) * self.rate_hz * (1 + self.faults.drift_ppm * 1e-6))) + 1

    def _on_control_write(self, connection: Any, value: bytes) -> None:
        self._spawn(self._handle_control(connection, bytes(value)))

    async def _respond(self, connection: Any, op: int, status: int, params: bytes = b"") -> None:
        await asyncio.sleep(0)      # let the write response go out first
        try:
            await self.device.indicate_subscriber(connection, self.c_ctrl, bytes([0xF0, op, status]) + params)
        except Exception as exc:  # noqa: BLE001
            log.debug("indication failed: %s", exc)

    async def _handle_control(self, connection: Any, value: bytes) -> None:
        try:
            cmd = gaitimu.parse_control_command(value)
        except DecodeError as exc:
            status = 1 if exc.reason == "opcode" else 4
            await self._respond(connection, value[0] if value else 0, status)
            return
        op, p = cmd.opcode, cmd.params
        if op == gaitimu.OP_START:
            self._start_commands += 1
            if self._start_commands in self.faults.drop_link_at_start:
                await self.drop_link(self.faults.outage_s)
                return
            if self.faults.start_status:
                await self._respond(connection, op, self.faults.start_status)
                return
            if self._stream_task is not None and not self._stream_task.done():   # gatt-spec §2: re-applies nothing
                self.stats.starts += 1
                await self._respond(connection, op, 0, _info_bytes(self.info))
                return
            n_max = gaitimu.max_samples_per_packet(connection.att_mtu)
            n = p["samples_per_packet"] or n_max
            if n_max == 0 or n > n_max:
                await self._respond(connection, op, gaitimu.STATUS_INVALID_MTU)
                return
            if not (1 <= p["odr_hz"] <= 1000) or p["acc_fs_g"] not in (2, 4, 8, 16) or p["gyro_fs_code"] > 4:
                await self._respond(connection, op, 5)
                return
            if self._tau_first_start is None:
                rate = float(p["odr_hz"])
                if self.rates_hz:                   # the nearest rate the IMU has (gatt-spec §2)
                    rate = float(min(self.rates_hz, key=lambda r: abs(r - rate)))
                self.rate_hz, self.acc_fs_g, self.gyro_code = rate, p["acc_fs_g"], p["gyro_fs_code"]
                self._tau_first_start = self.tau()
            self.n_per_packet = n
            self.stats.starts += 1
            self._start_streaming()
            await self._respond(connection, op, 0, _info_bytes(self.info))
        elif op == gaitimu.OP_STOP:
            self.stop_streaming()
            await self._respond(connection, op, 0)
        elif op == gaitimu.OP_GET_INFO:
            await self._respond(connection, op, 0, _info_bytes(self.info))
        elif op == gaitimu.OP_SET_TIME:
            self._time_set = True
            await self._respond(connection, op, 0)
        elif op == gaitimu.OP_REQ_CONN_PARAMS:
            await self._respond(connection, op, 0)
            try:
                await connection.update_parameters(p["min_interval_ms"], p["max_interval_ms"], p["latency"],
                                                   p["timeout_ms"], use_l2cap=True)
            except Exception as exc:  # noqa: BLE001 - central may refuse
                log.info("connection parameter update failed: %s", exc)

    def _start_streaming(self) -> None:
        if self._stream_task is not None:
            return
        # Resume from the newest sample: what was produced while not streaming is skipped (the
        # firmware keeps no replay buffer yet); the index jump tells the central exactly how much.
        newest = max(self._samples_taken(self.tau()) - 1, 0)
        if newest > self._next_index:
            self.stats.samples_skipped += newest - self._next_index
            self._next_index = newest
        self._stream_task = self._spawn(self._stream())

    def _encode(self, first: int, n: int, flags_extra: int = 0) -> bytes:
        acc, gyro = self.source(first, n, self.rate_hz)
        info = self.info
        raw = np.empty((n, 6))
        raw[:, :3] = acc / G_MPS2 * info.acc_lsb_per_g
        raw[:, 3:] = gyro / DEG_TO_RAD * info.gyro_lsb_per_dps
        raw = np.round(raw)
        flags = gaitimu.FLAG_GYRO | flags_extra
        if self._seq in self.faults.no_gyro_packets:
            flags &= ~gaitimu.FLAG_GYRO
            raw[:, 3:] = 0
        if (np.abs(raw) > 32767).any():
            flags |= gaitimu.FLAG_CLIPPING
        raw = np.clip(raw, -32768, 32767).astype("<i2")
        t_us = (self.sensor_time_start_us + round(first * 1e6 / self.rate_hz)) % (1 << 32)
        if self._time_set:
            flags |= gaitimu.FLAG_TIME_SET
            self._time_set = False
        header = struct.pack("<BBHIIBB", 1, flags, self._seq, first % (1 << 32), t_us, n, self.battery_pct)
        return header + raw.tobytes()

    def truth(self, first_index: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        """What the central should decode for samples first_index… (quantised like the packets)."""
        acc, gyro = self.source(first_index, n, self.rate_hz)
        info = self.info
        acc_q = np.clip(np.round(acc / G_MPS2 * info.acc_lsb_per_g), -32768, 32767) / info.acc_lsb_per_g * G_MPS2
        gyro_q = (np.clip(np.round(gyro / DEG_TO_RAD * info.gyro_lsb_per_dps), -32768, 32767)
                  / info.gyro_lsb_per_dps * DEG_TO_RAD)
        return acc_q, gyro_q

    async def _stream(self) -> None:
        f = self.faults
        while True:
            n = self.n_per_packet
            first = self._next_index
            await self._sleep_until(self._packet_send_tau(self._tau_of_sample(first + n - 1)))
            if self.connection is None:
                return
            seq = self._seq
            if seq in f.empty_packets:
                if not await self._notify(self.c_data, self._encode(first, 0)):
                    return
                self.stats.packets_sent += 1
                seq = self._seq = (seq + 1) % (1 << 16)
            if seq in f.drop_sequences:
                self.stats.samples_dropped += n
            else:
                if not await self._notify(self.c_data, self._encode(first, n)):
                    return
                self.stats.packets_sent += 1
                self.stats.samples_sent += n
            if seq in f.junk_after:
                kind = f.junk_after[seq]
                good = self._encode(first, n)
                # "index_ahead": the next packet with a flipped bit in its sample index (2^20 ahead)
                ahead = self._encode(first + n, n)
                ahead = (ahead[:2] + ((seq + 1) % (1 << 16)).to_bytes(2, "little")
                         + ((first + n + (1 << 20)) % (1 << 32)).to_bytes(4, "little") + ahead[8:])
                junk = {"short": good[:-5], "version": b"\x07" + good[1:],
                        "garbage": bytes([0xA5] * 9), "index_ahead": ahead}[kind]
                await self._notify(self.c_data, junk)
                self.stats.junk_sent += 1
            self._seq = (seq + 1) % (1 << 16)
            self._next_index = first + n


PMD_EPOCH_2019_NS = 599_616_000 * 1_000_000_000     # H10 clock after reset: 2019-01-01T00:00:00Z


class EmulatedPolarH10(EmulatedPeripheral):
    """Polar H10 PMD accelerometer (int16 mG frames, 25/50/100/200 Hz, ±2/4/8 g).

    Needs CP indications and DATA notifications enabled before a CP write is answered
    (the real device stays silent otherwise). The stream stops on disconnect.
    ``samples_per_frame``: one size, or sizes taken in turn frame after frame (a Verity's delta frames
    fill the packet, so their sizes vary with how well the samples compress)."""

    def __init__(self, name: str = "Polar H10 E0000001", address: str = "F0:00:00:00:00:10", *,
                 source: SampleSource | None = None, faults: Faults | None = None, speed: float = 1.0,
                 samples_per_frame: int | Sequence[int] = 20):
        super().__init__(name, address, source, faults, speed)
        self.rate_hz, self.range_g = 200.0, 8
        self.rates, self.ranges = (25, 50, 100, 200), (2, 4, 8)
        self.samples_per_frame = samples_per_frame
        self._frame_no = 0
        self._next_index = 0
        self._cp_indicate: set = set()
        self._data_notify: set = set()
        self._tau_first = None
        self._elsewhere = set(self.faults.pmd_running_elsewhere)    # see Faults.pmd_running_elsewhere

    features = bytes([0x0F, 0x05, 0x00])         # CP read: ECG + ACC (H10)

    def build_services(self) -> list[Service]:
        self.c_cp = Characteristic(pmd.CONTROL_UUID, _P.READ | _P.WRITE | _P.INDICATE,
                                   Characteristic.READABLE | Characteristic.WRITEABLE,
                                   CharacteristicValue(read=lambda conn: self.features,
                                                       write=self._on_cp_write))
        self.c_data = Characteristic(pmd.DATA_UUID, _P.NOTIFY, Characteristic.READABLE, b"")
        self.c_cp.on("subscription", lambda b, n, i: (self._cp_indicate.add(b) if i else
                                                     self._cp_indicate.discard(b)))
        self.c_data.on("subscription", lambda b, n, i: (self._data_notify.add(b) if n else
                                                       self._data_notify.discard(b)))
        hr = Characteristic("2A37", _P.NOTIFY, Characteristic.READABLE, b"\x00\x48")
        return [Service(pmd.SERVICE_UUID, [self.c_cp, self.c_data]), Service("180D", [hr])]

    def advertising_data(self) -> bytes:
        return bytes(AdvertisingData([
            (AdvertisingData.FLAGS, bytes([0x06])),
            (AdvertisingData.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS, UUID("180D").to_bytes()),
            (AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode())]))

    def _on_connection(self, connection: Any) -> None:
        super()._on_connection(connection)
        self._cp_indicate.clear()
        self._data_notify.clear()
        for t in self.faults.device_stop_at_s:
            self._spawn(self._device_stop_at(t, connection))
        for t in self.faults.clock_reset_at_s:
            self._spawn(self._clock_reset_at(t, connection))

    def _tau_of_sample(self, k: float) -> float:
        return self._tau_first + k / (self.rate_hz * (1 + self.faults.drift_ppm * 1e-6))

    _clock_base = 0                              # sample index at which the sensor clock was last reset
    _clock_restarts = False                      # the clock restarts at the next START (see drop_link)

    async def drop_link(self, outage_s: float = 0.0, *, clock_restarts: bool = False) -> None:
        """As :meth:`EmulatedPeripheral.drop_link`; ``clock_restarts``: the sensor is switched off and on while
        away, so its clock counts from its reset value (2019-01-01) again when it is STARTed next."""
        self._clock_restarts = self._clock_restarts or clock_restarts
        await super().drop_link(outage_s)

    def sensor_time_ns(self, k: int) -> int:
        return PMD_EPOCH_2019_NS + round((k - self._clock_base) * 1e9 / self.rate_hz)

    def _on_cp_write(self, connection: Any, value: bytes) -> None:
        self._spawn(self._handle_cp(connection, bytes(value)))

    async def _indicate(self, connection: Any, value: bytes) -> None:
        await asyncio.sleep(0)
        if connection not in self._cp_indicate:
            return                         # real H10: no response unless indications are on
        try:
            await self.device.indicate_subscriber(connection, self.c_cp, value)
        except Exception as exc:  # noqa: BLE001
            log.debug("indication failed: %s", exc)

    async def _handle_cp(self, connection: Any, value: bytes) -> None:
        if len(value) < 2:
            await self._indicate(connection, bytes([0xF0, value[0] if value else 0, 0, 4, 0]))
            return
        op, mtype = value[0], value[1]
        if mtype != pmd.MEAS_ACC:
            await self._indicate(connection, bytes([0xF0, op, mtype, 3, 0]))
            return
        if op == pmd.OP_GET_SETTINGS:
            await self._indicate(connection, bytes([0xF0, op, mtype, 0, 0]) + self.settings_tlvs())
        elif op == pmd.OP_START:
            s = await self._start_settings(connection, value)
            if s is None:
                return
            rate, rng = s.get(pmd.SET_SAMPLE_RATE, [200])[0], s.get(pmd.SET_RANGE, [8])[0]
            status = self.faults.start_status or (8 if rate not in self.rates else
                                                  9 if rng not in self.ranges else 0)
            if status == 0 and self._stream_task is not None:
                status = 6
            elsewhere = status == 0 and pmd.MEAS_ACC in self._elsewhere     # streams to us too, says 6
            if status == 0 and connection in self._data_notify:
                if self._tau_first is None:
                    self.rate_hz, self.range_g = float(rate), rng
                    self._tau_first = self.tau()
                self.stats.starts += 1
                newest = max(int((self.tau() - self._tau_first) * self.rate_hz
                                 * (1 + self.faults.drift_ppm * 1e-6)), 0)
                if newest > self._next_index:
                    self.stats.samples_skipped += newest - self._next_index
                    self._next_index = newest
                if self._clock_restarts:         # switched off and on while away: the clock counts afresh
                    self._clock_base, self._clock_restarts = self._next_index, False
                self._stream_task = self._spawn(self._stream())
            if elsewhere:                 # its frames were flowing already: a few reach us before the answer
                await self._sleep_until(self.tau() + 1.5)
                status = 6
            params = self.start_params() if status == 0 else bytes([0])
            await self._answer_start(connection, bytes([0xF0, op, mtype, status]) + params)
        elif op == pmd.OP_STOP:
            self.stop_streaming()
            self._elsewhere.discard(pmd.MEAS_ACC)
            await self._indicate(connection, bytes([0xF0, op, mtype, 0, 0]))

    async def _start_settings(self, connection: Any, value: bytes) -> dict | None:
        """The TLVs of a START command, or None after answering INVALID_PARAMETER."""
        try:
            return pmd.parse_settings(value[2:])
        except DecodeError:
            await self._indicate(connection, bytes([0xF0, value[0], value[1], 5, 0]))
            return None

    async def _device_stop_at(self, t: float, connection: Any) -> None:
        await self._sleep_until(t)
        if self.connection is connection and self._stream_task is not None:
            await self._device_stop(connection)

    async def _clock_reset_at(self, t: float, connection: Any) -> None:
        await self._sleep_until(t)
        if self.connection is not connection or self._stream_task is None:
            return
        running = self._running_streams()
        self.stop_streaming()
        await self._sleep_until(t + self.faults.reboot_s)
        if self.connection is not connection:
            return
        newest = int((self.tau() - self._tau_first) * self.rate_hz * (1 + self.faults.drift_ppm * 1e-6))
        self.stats.samples_skipped += max(newest - self._next_index, 0)
        self._next_index = self._clock_base = max(newest, self._next_index)
        self._resume_streams(running, newest)

    def _running_streams(self) -> set:
        return {pmd.MEAS_ACC} if self._stream_task is not None else set()

    def _resume_streams(self, streams: set, newest: int) -> None:
        """After a restart: the streams that were running go on from sample ``newest``."""
        if pmd.MEAS_ACC in streams:
            self._stream_task = self._spawn(self._stream())

    async def _device_stop(self, connection: Any) -> None:
        """Stop every stream by itself and say so on the CP (``01 02``)."""
        self.stop_streaming()
        self.stats.device_stops += 1
        await self._indicate(connection, bytes([0x01, pmd.MEAS_ACC]))

    async def _answer_start(self, connection: Any, answer: bytes) -> None:
        """Indicate a START answer; ``Faults.device_stop_at_start`` puts a device stop around it."""
        self.stats.start_commands += 1
        when = self.faults.device_stop_at_start.get(self.stats.start_commands)
        if when == "before_answer":
            await self._device_stop(connection)
        await self._indicate(connection, answer)
        if when == "after_answer":
            await self._device_stop(connection)

    def settings_tlvs(self) -> bytes:
        return pmd.encode_settings([(pmd.SET_SAMPLE_RATE, list(self.rates)), (pmd.SET_RESOLUTION, [16]),
                                    (pmd.SET_RANGE, list(self.ranges))])

    def start_params(self) -> bytes:
        return bytes([0])                  # "more" = 0, no settings (int16 frames need no FACTOR)

    def _mg(self, first: int, n: int) -> np.ndarray:
        acc, _ = self.source(first, n, self.rate_hz)
        lim = self.range_g * 1000
        return np.clip(np.round(acc / G_MPS2 * 1000), -lim, lim)

    def truth(self, first_index: int, n: int) -> np.ndarray:
        return self._mg(first_index, n) / 1000 * G_MPS2

    def frame(self, first: int, n: int) -> bytes:
        return (bytes([pmd.MEAS_ACC]) + self.sensor_time_ns(first + n - 1).to_bytes(8, "little")
                + bytes([pmd.FRAME_INT16]) + self._mg(first, n).astype("<i2").tobytes())

    async def _stream(self) -> None:
        while True:
            n = frame_size(self.samples_per_frame, self._frame_no)
            if self.connection is not None and type(self) is EmulatedPolarH10:
                n = min(n, (self.connection.att_mtu - 3 - pmd.FRAME_HEADER_SIZE) // 6)
            first = self._next_index
            await self._sleep_until(self._packet_send_tau(self._tau_of_sample(first + n - 1)))
            if self.connection is None:
                return
            frame = self.frame(first, n)
            if self._frame_no in self.faults.drop_sequences:
                self.stats.samples_dropped += n
            else:
                if not await self._notify(self.c_data, frame):
                    return
                self.stats.packets_sent += 1
                self.stats.samples_sent += n
            if self._frame_no in self.faults.junk_after:
                await self._notify(self.c_data, pmd_junk(frame, self.faults.junk_after[self._frame_no]))
                self.stats.junk_sent += 1
            self._frame_no += 1
            self._next_index = first + n


def frame_size(sizes: int | Sequence[int], frame_no: int) -> int:
    """Samples in frame ``frame_no``: one size for all, or a sequence of sizes taken in turn."""
    return int(sizes) if np.ndim(sizes) == 0 else int(sizes[frame_no % len(sizes)])


def pmd_junk(frame: bytes, kind: str) -> bytes:
    """A bad copy of a PMD data frame (``Faults.junk_after``): "short" (cut 3 bytes; any other
    kind too), "stamp_overflow" (time stamp with its top byte 0xFF: ≥ 2^63 ns), "stamp_ahead"
    (time stamp one hour ahead: a flipped bit in a plausible range) or "stamp_back" (2^32 ns ≈ 4.3 s
    back: a flipped bit that looks like a clock reset, while the next frames go on from the old clock)."""
    if kind == "stamp_overflow":
        return frame[:8] + b"\xff" + frame[9:]
    if kind in ("stamp_ahead", "stamp_back"):
        t = int.from_bytes(frame[1:9], "little") + (3600 * 10**9 if kind == "stamp_ahead" else -(1 << 32))
        return frame[:1] + t.to_bytes(8, "little") + frame[9:]
    return frame[:-3]


def _bits_needed(values: np.ndarray) -> int:
    """Smallest two's-complement width holding every value (≥ 1)."""
    hi = int(values.max(initial=0))
    lo = int(values.min(initial=0))
    return max(1, max(hi.bit_length(), (-lo - 1).bit_length() if lo < 0 else 0) + 1)


def encode_delta_payload(raw: np.ndarray, resolution_bits: int = 16, split: int = 2) -> bytes:
    """Firmware-side delta compression: reference sample, then ``split`` blocks, each with the
    narrowest bit width for its deltas, packed LSB-first (as the Polar Verity Sense does)."""
    raw = np.asarray(raw, dtype=np.int64)
    ref_bytes = (resolution_bits + 7) // 8
    out = bytearray(b"".join(int(v).to_bytes(ref_bytes, "little", signed=True) for v in raw[0]))
    deltas = np.diff(raw, axis=0)
    for part in np.array_split(deltas, split) if len(deltas) else []:
        if len(part) == 0:
            continue
        w = _bits_needed(part)
        flat = (part.ravel() & ((1 << w) - 1)).astype(np.uint64)
        bits = ((flat[:, None] >> np.arange(w, dtype=np.uint64)) & np.uint64(1)).astype(np.uint8).ravel()
        out += bytes([w, len(part)]) + np.packbits(bits, bitorder="little").tobytes()
    return bytes(out)


class EmulatedPolarVerity(EmulatedPolarH10):
    """Polar Verity Sense: ACC and GYRO at 52 Hz, delta-compressed frames, FACTOR in each START
    answer. GYRO frames hold ``gyro_samples_per_frame`` samples (ACC: ``samples_per_frame``), so
    the two streams' frames interleave irregularly, as on the real device; both are stamped on
    the same sensor clock. ``gyro=False`` emulates a firmware that offers ACC only. (MAG/PPG not
    emulated.)"""

    FACTOR = struct.unpack("<f", struct.pack("<f", 0.000244))[0]     # g per LSB, float32 on the wire
    GYRO_FACTOR = struct.unpack("<f", struct.pack("<f", 2000 / 32768))[0]   # deg/s per LSB at ±2000 dps

    def __init__(self, name: str = "Polar Sense E0000002", address: str = "F0:00:00:00:00:20", *,
                 source: SampleSource | None = None, faults: Faults | None = None, speed: float = 1.0,
                 samples_per_frame: int | Sequence[int] = 36, gyro: bool = True,
                 gyro_samples_per_frame: int | Sequence[int] = 28):
        super().__init__(name, address, source=source, faults=faults, speed=speed,
                         samples_per_frame=samples_per_frame)
        self.rate_hz, self.range_g = 52.0, 8
        self.rates, self.ranges = (52,), (8,)
        self.gyro = gyro
        self.gyro_samples_per_frame = gyro_samples_per_frame
        self.features = bytes([0x0F, 0x6E if gyro else 0x0E, 0x00])  # PPG, ACC, PPI (+ GYRO, MAG)
        self._gyro_task: asyncio.Task | None = None
        self._gyro_next = 0
        self._gyro_frame_no = 0

    def settings_tlvs(self) -> bytes:
        return pmd.encode_settings([(pmd.SET_SAMPLE_RATE, list(self.rates)), (pmd.SET_RESOLUTION, [16]),
                                    (pmd.SET_RANGE, list(self.ranges)), (pmd.SET_CHANNELS, [3])])

    def start_params(self) -> bytes:
        return bytes([0]) + pmd.encode_settings([(pmd.SET_FACTOR, [self.FACTOR])])

    def _raw(self, first: int, n: int) -> np.ndarray:
        acc, _ = self.source(first, n, self.rate_hz)
        return np.clip(np.round(acc / G_MPS2 / self.FACTOR), -32768, 32767).astype(np.int64)

    def truth(self, first_index: int, n: int) -> np.ndarray:
        return self._raw(first_index, n) * (self.FACTOR * 1000.0) / 1000.0 * G_MPS2

    def frame(self, first: int, n: int) -> bytes:
        return (bytes([pmd.MEAS_ACC]) + self.sensor_time_ns(first + n - 1).to_bytes(8, "little")
                + bytes([pmd.DELTA_BIT]) + encode_delta_payload(self._raw(first, n)))

    # ---- gyroscope (sample k is taken with ACC sample k; its own frames and frame sizes)
    def _gyro_raw(self, first: int, n: int) -> np.ndarray:
        _, gyro = self.source(first, n, self.rate_hz)
        return np.clip(np.round(gyro / DEG_TO_RAD / self.GYRO_FACTOR), -32768, 32767).astype(np.int64)

    def gyro_truth(self, first_index: int, n: int) -> np.ndarray:
        """The gyro a perfect receiver decodes for samples first_index … first_index + n − 1 [rad/s]."""
        return self._gyro_raw(first_index, n) * self.GYRO_FACTOR * DEG_TO_RAD

    def gyro_frame(self, first: int, n: int) -> bytes:
        return (bytes([pmd.MEAS_GYRO]) + self.sensor_time_ns(first + n - 1).to_bytes(8, "little")
                + bytes([pmd.DELTA_BIT]) + encode_delta_payload(self._gyro_raw(first, n)))

    async def _handle_cp(self, connection: Any, value: bytes) -> None:
        if len(value) < 2 or value[1] != pmd.MEAS_GYRO or not self.gyro:
            await super()._handle_cp(connection, value)
            return
        op, mtype = value[0], value[1]
        if op == pmd.OP_GET_SETTINGS:
            await self._indicate(connection, bytes([0xF0, op, mtype, 0, 0]) + pmd.encode_settings(
                [(pmd.SET_SAMPLE_RATE, [52]), (pmd.SET_RESOLUTION, [16]),
                 (pmd.SET_RANGE, [250, 500, 1000, 2000]), (pmd.SET_CHANNELS, [3])]))
        elif op == pmd.OP_START:
            s = await self._start_settings(connection, value)
            if s is None:
                return
            status = (8 if s.get(pmd.SET_SAMPLE_RATE, [52])[0] != 52 else
                      9 if s.get(pmd.SET_RANGE, [2000])[0] != 2000 else 0)   # emulated at ±2000 dps only
            if status == 0 and self._gyro_task is not None:
                status = 6
            elsewhere = status == 0 and pmd.MEAS_GYRO in self._elsewhere
            if status == 0 and connection in self._data_notify:
                if self._tau_first is None:
                    self._tau_first = self.tau()
                newest = max(int((self.tau() - self._tau_first) * self.rate_hz
                                 * (1 + self.faults.drift_ppm * 1e-6)), 0)
                self._gyro_next = max(self._gyro_next, newest)
                self._gyro_task = self._spawn(self._gyro_stream())
            if elsewhere:
                await self._sleep_until(self.tau() + 1.5)
                status = 6
            params = (bytes([0]) + pmd.encode_settings([(pmd.SET_FACTOR, [self.GYRO_FACTOR])])
                      if status == 0 else bytes([0]))
            await self._answer_start(connection, bytes([0xF0, op, mtype, status]) + params)
        elif op == pmd.OP_STOP:
            self._stop_gyro()
            self._elsewhere.discard(pmd.MEAS_GYRO)
            await self._indicate(connection, bytes([0xF0, op, mtype, 0, 0]))

    def _stop_gyro(self) -> None:
        if self._gyro_task is not None:
            self._gyro_task.cancel()
            self._gyro_task = None

    def _running_streams(self) -> set:
        return super()._running_streams() | ({pmd.MEAS_GYRO} if self._gyro_task is not None else set())

    def _resume_streams(self, streams: set, newest: int) -> None:
        super()._resume_streams(streams, newest)
        if pmd.MEAS_GYRO in streams:           # the gyro restarted with the same clock, from the same sample
            self._gyro_next = max(newest, self._gyro_next)
            self._gyro_task = self._spawn(self._gyro_stream())

    def stop_streaming(self) -> None:
        super().stop_streaming()
        self._stop_gyro()

    async def _gyro_stream(self) -> None:
        while True:
            n, first = frame_size(self.gyro_samples_per_frame, self._gyro_frame_no), self._gyro_next
            await self._sleep_until(self._packet_send_tau(self._tau_of_sample(first + n - 1)))
            if self.connection is None:
                return
            if self._gyro_frame_no not in self.faults.drop_gyro_frames:
                if not await self._notify(self.c_data, self.gyro_frame(first, n)):
                    return
            self._gyro_frame_no += 1
            self._gyro_next = first + n


class EmulatedThingy52(EmulatedPeripheral):
    """Nordic Thingy:52 (firmware 2.x) motion service. The raw-data stream runs while its
    notifications are enabled, one 18-byte sample (acc Q6.10 g, gyro Q11.5 deg/s, compass 0)
    per notification at ``motion_freq_hz`` of the motion configuration (firmware default 10 Hz).
    The sensor keeps sampling while nobody listens, so samples taken during a disconnect are
    simply never sent — and, with no counter in the packet, nobody can tell. ``faults.drop_sequences``
    holds sample indices never sent (undetectable loss, on purpose)."""

    def __init__(self, name: str = "Thingy E0003", address: str = "F0:00:00:00:00:30", *,
                 source: SampleSource | None = None, faults: Faults | None = None, speed: float = 1.0):
        super().__init__(name, address, source, faults, speed)
        self.config = thingy.MotionConfig(1000, 1000, 100, 10, False)
        self.rate_hz = 10.0
        self._tau_first: float | None = None
        self._next_index = 0
        self.sent_indices: list[int] = []

    def build_services(self) -> list[Service]:
        self.c_cfg = Characteristic(thingy.MOTION_CONFIG_UUID, _P.READ | _P.WRITE,
                                    Characteristic.READABLE | Characteristic.WRITEABLE,
                                    CharacteristicValue(read=lambda conn: thingy.encode_motion_config(self.config),
                                                        write=self._on_config_write))
        self.c_raw = Characteristic(thingy.RAW_DATA_UUID, _P.NOTIFY, Characteristic.READABLE, b"")
        self.c_raw.on("subscription", self._on_subscription)
        conn_params = Characteristic(thingy.CONN_PARAMS_UUID, _P.READ | _P.WRITE,
                                     Characteristic.READABLE | Characteristic.WRITEABLE,
                                     struct.pack("<HHHH", 6, 12, 0, 400))
        return [Service(thingy.CONFIG_SERVICE_UUID, [conn_params]),
                Service(thingy.MOTION_SERVICE_UUID, [self.c_cfg, self.c_raw])]

    def advertising_data(self) -> bytes:
        return bytes(AdvertisingData([
            (AdvertisingData.FLAGS, bytes([0x06])),
            (AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS, UUID(thingy.CONFIG_SERVICE_UUID).to_bytes()),
            (AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode())]))

    def _on_config_write(self, connection: Any, value: bytes) -> None:
        cfg = thingy.parse_motion_config(bytes(value))        # a bad write raises: bumble answers an ATT error
        if not 1 <= cfg.motion_freq_hz <= 200:
            raise ValueError("motion_freq_hz out of range")
        self.config = cfg
        if self._tau_first is None:
            self.rate_hz = float(cfg.motion_freq_hz)

    def _on_subscription(self, connection: Any, notify: bool, indicate: bool) -> None:
        if notify and self._stream_task is None:
            if self._tau_first is None:
                self._tau_first = self.tau()
                self.rate_hz = float(self.config.motion_freq_hz)
            newest = max(int((self.tau() - self._tau_first) * self.rate_hz * (1 + self.faults.drift_ppm * 1e-6)), 0)
            if newest > self._next_index:
                self.stats.samples_skipped += newest - self._next_index
                self._next_index = newest
            self.stats.starts += 1
            self._stream_task = self._spawn(self._stream())
        elif not notify:
            self.stop_streaming()

    def _tau_of_sample(self, k: float) -> float:
        return self._tau_first + k / (self.rate_hz * (1 + self.faults.drift_ppm * 1e-6))

    def raw(self, k: int) -> bytes:
        acc, gyro = self.source(k, 1, self.rate_hz)
        q = np.concatenate([np.round(acc[0] / G_MPS2 * 1024), np.round(gyro[0] / DEG_TO_RAD * 32), np.zeros(3)])
        return np.clip(q, -32768, 32767).astype("<i2").tobytes()

    def truth(self, first_index: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        """What a perfect receiver decodes for samples first_index … first_index + n − 1."""
        acc, gyro = self.source(first_index, n, self.rate_hz)
        acc_q = np.clip(np.round(acc / G_MPS2 * 1024), -32768, 32767) / 1024 * G_MPS2
        gyro_q = np.clip(np.round(gyro / DEG_TO_RAD * 32), -32768, 32767) / 32 * DEG_TO_RAD
        return acc_q, gyro_q

    async def _stream(self) -> None:
        while True:
            k = self._next_index
            await self._sleep_until(self._packet_send_tau(self._tau_of_sample(k)))
            if self.connection is None:
                return
            if k in self.faults.drop_sequences:
                self.stats.samples_dropped += 1
            else:
                if not await self._notify(self.c_raw, self.raw(k)):
                    return
                self.sent_indices.append(k)
                self.stats.packets_sent += 1
                self.stats.samples_sent += 1
            self._next_index = k + 1
