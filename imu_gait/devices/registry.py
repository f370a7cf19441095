"""Device families: how to recognise each one in an advertisement, how to start and stop
its stream over a connected bleak client, and which stream decoder turns its bytes into samples.

Recognition uses what the device advertises (service UUIDs, local name), never guesswork:

=========== ============================================ ========================= ==========
family      advertised                                   stream                    loss
=========== ============================================ ========================= ==========
gaitimu     service 75d10001-…, name ``GaitIMU-xxxx``    GaitIMU v1 data (acc+gyro) exact
polar_pmd   name ``Polar H10 …`` / ``Polar Sense …``     PMD ACC (+GYRO on Verity) estimated
thingy52    service EF680100-…, name ``Thingy``          raw motion (acc+gyro)     none
=========== ============================================ ========================= ==========
"""
from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import DeviceError
from .decoders import DecodeError, gaitimu, pmd, thingy
from .decoders.streams import GaitImuStream, PmdAccStream, PmdImuStream, ThingyStream

NotifyFn = Callable[[Any, bytearray], None]      # bleak notification callback (char, data)

CP_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class StreamSettings:
    """What to ask the sensor for. Devices that cannot do it pick their nearest option."""
    rate_hz: int = 200
    acc_range_g: int = 8
    gyro_range_dps: int = 2000
    samples_per_packet: int = 10         # GaitIMU: 10 → 50 ms at 200 Hz; 0 → maximum for the MTU
    request_conn_params: bool = True     # GaitIMU: ask the peripheral for 15–30 ms, latency 0, 4 s
    polar_gyro: bool = True              # Polar with a gyroscope (Verity Sense): stream it too, merged


class _CpWaiter:
    """Collects control-point indications; lets a coroutine wait for a given response.

    Messages the device sends on its own (``unsolicited``, e.g. PMD "streams stopped") are never
    answers: they go to ``on_other`` at once, also while a response is awaited — queued, they
    would be discarded by :meth:`wait_for` as not the awaited answer."""

    def __init__(self, parse: Callable[[bytes], Any], unsolicited: Callable[[Any], bool] = lambda m: False):
        self._parse = parse
        self._unsolicited = unsolicited
        self._queue: asyncio.Queue = asyncio.Queue()
        self.on_other: Callable[[Any], None] | None = None    # unsolicited messages, and those nobody waits for
        self.waiting = False

    def callback(self, _char: Any, data: bytearray) -> None:
        try:
            msg = self._parse(bytes(data))
        except DecodeError as exc:
            msg = exc
        if self.waiting and not self._unsolicited(msg):
            self._queue.put_nowait(msg)
        elif self.on_other is not None:
            self.on_other(msg)

    async def wait_for(self, predicate: Callable[[Any], bool], what: str, device: str) -> Any:
        self.waiting = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CP_TIMEOUT_S
        try:
            while True:
                msg = await asyncio.wait_for(self._queue.get(), max(0.0, deadline - loop.time()))
                if not isinstance(msg, Exception) and predicate(msg):
                    return msg
        except asyncio.TimeoutError:
            raise DeviceError(f"{device}: no control-point response to {what} within {CP_TIMEOUT_S:.0f} s."
                              "\n  What to do: switch the sensor off and on, then reconnect.") from None
        finally:
            self.waiting = False


class FamilySession:
    """Per-stream protocol driver (one instance for the whole stream, reused on reconnect)."""
    family: "DeviceFamily"
    decoder: Any
    nominal_rate_hz: float
    has_gyro: bool
    on_device_stop: Callable[[], None] | None = None
    # the session itself stopped and started the stream again: what comes after does not follow what came before
    # (the supervisor puts a reconnect mark in stream order, as after a device-initiated stop)
    on_stream_restarted: Callable[[], None] | None = None

    async def start(self, client: Any, on_data: NotifyFn, device: str) -> dict:
        """Subscribe and START on a fresh connection; returns info for the Connected event."""
        raise NotImplementedError

    async def restart(self, client: Any, device: str) -> None:
        """Send START again on a live connection whose subscriptions are still in place."""
        raise NotImplementedError

    async def stop(self, client: Any) -> None:
        raise NotImplementedError


class GaitImuSession(FamilySession):
    def __init__(self, settings: StreamSettings):
        self.settings = settings
        self.decoder: GaitImuStream | None = None
        self.nominal_rate_hz = float(settings.rate_hz)
        self.has_gyro = True
        self.info: gaitimu.StreamInfo | None = None
        self.samples_per_packet = settings.samples_per_packet     # as the last START that took effect asked

    def _start_command(self, samples_per_packet: int) -> bytes:
        s = self.settings
        code = max(0, min(4, round(math.log2(max(s.gyro_range_dps, 125) / 125))))
        return gaitimu.encode_start(s.rate_hz, s.acc_range_g, code, samples_per_packet)

    async def _send_start(self, client, cp: _CpWaiter, device: str, samples_per_packet: int):
        cp.waiting = True
        await client.write_gatt_char(gaitimu.CONTROL_UUID, self._start_command(samples_per_packet), response=True)
        return await cp.wait_for(lambda m: m.opcode == gaitimu.OP_START, "START", device)

    async def start(self, client, on_data, device):
        s = self.settings
        info = gaitimu.parse_stream_info(await client.read_gatt_char(gaitimu.STREAM_INFO_UUID))
        cp = _CpWaiter(gaitimu.parse_control_response)
        await client.start_notify(gaitimu.CONTROL_UUID, cp.callback)
        await client.start_notify(gaitimu.DATA_UUID, on_data)
        n = s.samples_per_packet
        resp = await self._send_start(client, cp, device, n)
        if resp.status == gaitimu.STATUS_INVALID_MTU and n != 0:
            # The firmware's MTU holds fewer samples than asked (its stack, not this computer, caps the MTU: a
            # Zephyr build left at its default 65 holds 4). gatt-spec §2: 0 asks for as many as fit — refusing to
            # stream at all told the walker to change computers.
            n = 0
            resp = await self._send_start(client, cp, device, n)
        if not resp.ok:
            hint = ("not even one sample fits the link's MTU: the sensor's firmware must allow an ATT MTU of at "
                    "least 29 (247 preferred; Zephyr CONFIG_BT_L2CAP_TX_MTU, NimBLE ble_att_set_preferred_mtu) "
                    "and this computer must negotiate it"
                    if resp.status == gaitimu.STATUS_INVALID_MTU else
                    "check the requested rate/range against the firmware's stream info")
            raise DeviceError(f"{device}: START refused with status {resp.status_name}.\n  What to do: {hint}.")
        self.samples_per_packet = n
        if resp.params:
            info = gaitimu.parse_stream_info(resp.params)
        self.info = info
        self.nominal_rate_hz = info.odr_hz
        if self.decoder is None:
            self.decoder = GaitImuStream(info)
        else:
            self.decoder.set_info(info)
        if s.request_conn_params:
            cp.waiting = True
            await client.write_gatt_char(gaitimu.CONTROL_UUID, gaitimu.encode_req_conn_params(15, 30, 0, 4000),
                                         response=True)
            await cp.wait_for(lambda m: m.opcode == gaitimu.OP_REQ_CONN_PARAMS, "REQ_CONN_PARAMS", device)
        return {"stream_info": info, "firmware": info.firmware, "rate_hz": info.odr_hz}

    async def restart(self, client, device):
        await client.write_gatt_char(gaitimu.CONTROL_UUID, self._start_command(self.samples_per_packet),
                                     response=True)

    async def stop(self, client):
        await client.write_gatt_char(gaitimu.CONTROL_UUID, gaitimu.encode_stop(), response=True)


class PmdSession(FamilySession):
    """Polar PMD streams. Reads the feature byte of the control point, asks for the ACC settings
    (GET_SETTINGS) and picks the nearest rate and range: H10 25/50/100/200 Hz int16 mG frames,
    accelerometer only; Verity Sense 52 Hz delta-compressed frames scaled by the FACTOR of the
    START answer, plus — when the features list a gyroscope and ``settings.polar_gyro`` — the
    GYRO stream at the rate nearest the ACC rate, merged onto the ACC samples
    (:class:`~imu_gait.devices.decoders.streams.PmdImuStream`)."""

    def __init__(self, settings: StreamSettings):
        self.settings = settings
        self.decoder: PmdAccStream | PmdImuStream | None = None
        self.rate = 200
        self.range_g = 8
        self.channels: int | None = None
        self.gyro_rate: int | None = None          # None: no gyro stream
        self.gyro_range_dps = 2000
        self.gyro_channels: int | None = None
        self.nominal_rate_hz = 200.0
        self.has_gyro = False
        self._cp: _CpWaiter | None = None

    def _choose(self, offered: dict) -> None:
        s = self.settings
        rates = offered.get(pmd.SET_SAMPLE_RATE) or [200]
        ranges = offered.get(pmd.SET_RANGE) or [8]
        self.rate = int(min(rates, key=lambda r: abs(r - s.rate_hz)))
        self.range_g = int(min(ranges, key=lambda r: abs(r - s.acc_range_g)))
        self.channels = int(offered[pmd.SET_CHANNELS][0]) if offered.get(pmd.SET_CHANNELS) else None
        self.nominal_rate_hz = float(self.rate)

    def _choose_gyro(self, offered: dict) -> None:
        rates = offered.get(pmd.SET_SAMPLE_RATE) or [self.rate]
        ranges = offered.get(pmd.SET_RANGE) or [2000]
        self.gyro_rate = int(min(rates, key=lambda r: abs(r - self.rate)))
        self.gyro_range_dps = int(min(ranges, key=lambda r: abs(r - self.settings.gyro_range_dps)))
        self.gyro_channels = int(offered[pmd.SET_CHANNELS][0]) if offered.get(pmd.SET_CHANNELS) else None

    @staticmethod
    def _is_resp(op: int, meas: int):
        return lambda m: isinstance(m, pmd.PmdControlResponse) and m.opcode == op and m.meas_type == meas

    async def _gyro_offered(self, client: Any) -> bool:
        """True if the feature byte (read of the control point: ``0F b1 …``) lists GYRO."""
        try:
            features = bytes(await client.read_gatt_char(pmd.CONTROL_UUID))
        except Exception:  # noqa: BLE001 - a device that refuses the read simply gets ACC only
            return False
        return len(features) >= 2 and features[0] == 0x0F and bool(features[1] & (1 << pmd.MEAS_GYRO))

    def _new_cp_waiter(self) -> _CpWaiter:
        cp = _CpWaiter(pmd.parse_control, unsolicited=lambda m: isinstance(m, pmd.PmdStopped))
        cp.on_other = self._on_cp_message
        self._cp = cp
        return cp

    async def start(self, client, on_data, device):
        cp = self._new_cp_waiter()
        first = self.decoder is None
        want_gyro = first and self.settings.polar_gyro and await self._gyro_offered(client)
        # Handshake: CP indications and DATA notifications first, then write the CP.
        await client.start_notify(pmd.CONTROL_UUID, cp.callback)
        await client.start_notify(pmd.DATA_UUID, on_data)
        if first:
            cp.waiting = True
            await client.write_gatt_char(pmd.CONTROL_UUID, pmd.encode_get_settings(pmd.MEAS_ACC), response=True)
            got = await cp.wait_for(self._is_resp(pmd.OP_GET_SETTINGS, pmd.MEAS_ACC), "GET_SETTINGS ACC", device)
            if not got.ok:
                raise DeviceError(f"{device}: has no accelerometer stream (GET_SETTINGS: {got.status_name})."
                                  "\n  What to do: use a Polar H10 or Verity Sense.")
            self._choose(got.settings)
            if want_gyro:
                cp.waiting = True
                await client.write_gatt_char(pmd.CONTROL_UUID, pmd.encode_get_settings(pmd.MEAS_GYRO),
                                             response=True)
                got = await cp.wait_for(self._is_resp(pmd.OP_GET_SETTINGS, pmd.MEAS_GYRO), "GET_SETTINGS GYRO",
                                        device)
                if got.ok:
                    self._choose_gyro(got.settings)
        resp = await self._send_start(client, device, pmd.MEAS_ACC)
        gyro_resp = await self._send_start(client, device, pmd.MEAS_GYRO) if self.gyro_rate else None
        if first:
            if gyro_resp is not None:
                self.decoder = PmdImuStream(self.rate, self.gyro_rate, resp.factor, gyro_resp.factor,
                                            channels=self.channels or 3)
                self.has_gyro = True
            else:
                self.decoder = PmdAccStream(self.rate, resp.factor, channels=self.channels or 3)
        else:
            self._update_factors(resp, gyro_resp)
        info = {"rate_hz": self.rate, "range_g": self.range_g, "factor": resp.factor}
        if gyro_resp is not None:
            info.update(gyro_rate_hz=self.gyro_rate, gyro_range_dps=self.gyro_range_dps,
                        gyro_factor=gyro_resp.factor)
        return info

    def _update_factors(self, resp, gyro_resp) -> None:
        dec = self.decoder
        if isinstance(dec, PmdImuStream):
            if resp.factor is not None:
                dec.acc_factor = resp.factor
            if gyro_resp is not None and gyro_resp.factor is not None:
                dec.gyro_factor = gyro_resp.factor
        elif dec is not None and resp.factor is not None:
            dec.factor = resp.factor

    async def _send_start(self, client, device, meas: int) -> pmd.PmdControlResponse:
        cp = self._cp
        cp.waiting = True
        if meas == pmd.MEAS_GYRO:
            cmd, what = pmd.encode_start_gyro(self.gyro_rate, 16, self.gyro_range_dps, self.gyro_channels), "GYRO"
        else:
            cmd, what = pmd.encode_start_acc(self.rate, 16, self.range_g, self.channels), "ACC"
        await client.write_gatt_char(pmd.CONTROL_UUID, cmd, response=True)
        resp = await cp.wait_for(self._is_resp(pmd.OP_START, meas), f"START {what}", device)
        if resp.status == 6 and resp.factor is None and self._factor_unknown(meas):
            # ALREADY_IN_STATE (another central runs the stream: a Verity takes two connections) answers without
            # FACTOR, and without it every delta frame was refused as a bad packet for the whole walk: STOP it
            # and START it again for an answer that has it
            cp.waiting = True
            await client.write_gatt_char(pmd.CONTROL_UUID, pmd.encode_stop(meas), response=True)
            await cp.wait_for(self._is_resp(pmd.OP_STOP, meas), f"STOP {what}", device)
            if self.on_stream_restarted is not None:   # what it skips before the START takes effect is loss
                self.on_stream_restarted()
            cp.waiting = True
            await client.write_gatt_char(pmd.CONTROL_UUID, cmd, response=True)
            resp = await cp.wait_for(self._is_resp(pmd.OP_START, meas), f"START {what}", device)
        if not resp.ok and resp.status != 6:            # 6 ALREADY_IN_STATE: fine after a reconnect
            raise DeviceError(f"{device}: PMD START {what} refused with status {resp.status_name}."
                              "\n  What to do: reconnect; if it persists, restart the sensor.")
        return resp

    def _factor_unknown(self, meas: int) -> bool:
        """No FACTOR known yet for this stream (delta frames cannot be scaled without it; the H10's int16 frames
        need none, and a STOP + START of them costs only a moment)."""
        dec = self.decoder
        if isinstance(dec, PmdImuStream):
            return (dec.gyro_factor if meas == pmd.MEAS_GYRO else dec.acc_factor) is None
        return dec is None or dec.factor is None

    async def restart(self, client, device):
        resp = await self._send_start(client, device, pmd.MEAS_ACC)
        gyro_resp = await self._send_start(client, device, pmd.MEAS_GYRO) if self.has_gyro else None
        self._update_factors(resp, gyro_resp)

    def _on_cp_message(self, msg) -> None:
        # gyro_rate, not has_gyro: a stop can come during the first START GYRO, before has_gyro is set
        mine = {pmd.MEAS_ACC, pmd.MEAS_GYRO} if self.gyro_rate else {pmd.MEAS_ACC}
        if isinstance(msg, pmd.PmdStopped) and mine & set(msg.meas_types) and self.on_device_stop:
            self.on_device_stop()

    async def stop(self, client):
        await client.write_gatt_char(pmd.CONTROL_UUID, pmd.encode_stop(pmd.MEAS_ACC), response=True)
        if self.has_gyro:
            await client.write_gatt_char(pmd.CONTROL_UUID, pmd.encode_stop(pmd.MEAS_GYRO), response=True)


class ThingySession(FamilySession):
    def __init__(self, settings: StreamSettings):
        self.settings = settings
        self.rate = max(1, min(200, settings.rate_hz))
        self.nominal_rate_hz = float(self.rate)
        self.decoder = ThingyStream(self.rate)
        self.has_gyro = True

    async def start(self, client, on_data, device):
        cfg = thingy.parse_motion_config(await client.read_gatt_char(thingy.MOTION_CONFIG_UUID))
        new = thingy.MotionConfig(cfg.pedometer_interval_ms, cfg.temperature_interval_ms, cfg.compass_interval_ms,
                                  self.rate, cfg.wake_on_motion)
        await client.write_gatt_char(thingy.MOTION_CONFIG_UUID, thingy.encode_motion_config(new), response=True)
        await client.start_notify(thingy.RAW_DATA_UUID, on_data)
        return {"rate_hz": self.rate}

    async def restart(self, client, device):
        pass                                   # the Thingy never stops by itself

    async def stop(self, client):
        await client.stop_notify(thingy.RAW_DATA_UUID)


@dataclass(frozen=True)
class DeviceFamily:
    """One kind of supported sensor (:data:`FAMILIES`): how it is recognised in an advertisement, the GATT
    service it must have, whether it reports lost samples exactly, and how its stream is decoded."""
    key: str
    label: str
    advertised_service_uuids: tuple[str, ...]   # any of these in the advert identifies the family…
    name_pattern: str | None                    # …and/or a local-name match
    require_both: bool                          # True: service AND name must match
    gatt_service_uuid: str                      # must exist after connecting
    loss_detection: str                         # "exact" | "estimated" | "none"
    session_factory: Callable[[StreamSettings], FamilySession]

    def matches(self, name: str | None, service_uuids: list[str] | None) -> bool:
        """Whether an advertisement with this local ``name`` and these service UUIDs is this family."""
        uuids = {u.lower() for u in (service_uuids or [])}
        by_uuid = bool(uuids & set(self.advertised_service_uuids))
        by_name = bool(name and self.name_pattern and re.match(self.name_pattern, name))
        return (by_uuid and by_name) if self.require_both else (by_uuid or by_name)


FAMILIES: dict[str, DeviceFamily] = {
    "gaitimu": DeviceFamily("gaitimu", "GaitIMU open firmware", (gaitimu.SERVICE_UUID,), r"^GaitIMU", False,
                            gaitimu.SERVICE_UUID, "exact", GaitImuSession),
    "polar_pmd": DeviceFamily("polar_pmd", "Polar (PMD)", (pmd.SERVICE_UUID, pmd.HEART_RATE_SERVICE_UUID),
                              r"^Polar (H10|Sense|Verity)", True, pmd.SERVICE_UUID, "estimated", PmdSession),
    "thingy52": DeviceFamily("thingy52", "Nordic Thingy:52", (thingy.CONFIG_SERVICE_UUID,), r"^Thingy", False,
                             thingy.MOTION_SERVICE_UUID, "none", ThingySession),
}

ALL_ADVERTISED_SERVICE_UUIDS: list[str] = sorted({u for f in FAMILIES.values() for u in f.advertised_service_uuids})


def implied_placement(name: str | None) -> str | None:
    """Where a sensor is worn when its kind decides it: a Polar H9 / H10 is a chest strap. Other
    sensors (GaitIMU, Thingy:52, a Verity Sense on a clip or an arm band) can sit anywhere: None."""
    return "chest" if name and re.match(r"^Polar H(9|10)\b", name) else None


def classify(name: str | None, service_uuids: list[str] | None) -> DeviceFamily | None:
    """The family an advertisement belongs to, or None if it is not a supported sensor."""
    for fam in FAMILIES.values():
        if fam.matches(name, service_uuids):
            return fam
    return None
