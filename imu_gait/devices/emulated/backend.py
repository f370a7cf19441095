"""A bleak backend over bumble's in-process virtual radio (``bumble.link.LocalLink``).

bleak instantiates backend classes itself, so the shared radio lives in a module-level
registry: :class:`EmulatedAir` (one LocalLink, one central "adapter" device, any number of
emulated peripherals). Use it as ``async with EmulatedAir() as air: await air.add(periph)``;
then the ordinary bleak API works with ``backend=BumbleScanner`` / ``backend=BumbleClient``
(or ``imu_gait.devices.open_stream(..., backend=EMULATED_BACKEND)``).

Covered: advertising/scan with service filter, connect, MTU exchange (247), GATT discovery,
read/write, notifications/indications, disconnect callbacks (fired on every disconnect, as
BlueZ does). Not covered: OS stack behaviour (BlueZ, WinRT, CoreBluetooth), radio, pairing.
"""
from __future__ import annotations

import asyncio
import contextlib
import uuid as uuid_mod
from typing import Any

from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakDeviceNotFoundError, BleakError, BleakGATTProtocolError
from bumble.att import ATT_Error
from bumble.controller import Controller
from bumble.core import AdvertisingData, BaseBumbleError
from bumble.device import Device, Peer
from bumble.hci import Address
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

from ..link import BleBackend

CENTRAL_ADDRESS = "C0:00:00:00:00:01"
REQUESTED_MTU = 247

_PROPS = [(0x01, "broadcast"), (0x02, "read"), (0x04, "write-without-response"), (0x08, "write"),
          (0x10, "notify"), (0x20, "indicate"), (0x40, "authenticated-signed-writes"),
          (0x80, "extended-properties")]


def bleak_uuid(u: Any) -> str:
    """bumble UUID → bleak's lower-case 128-bit string."""
    return str(uuid_mod.UUID(bytes=bytes(reversed(u.to_bytes(force_128=True)))))


@contextlib.contextmanager
def _as_bleak_errors(what: str):
    """bumble's errors as bleak raises them: an ATT error response → BleakGATTProtocolError (its code), any
    other (GATT timeout, link gone under the request) → BleakError. They went through as bumble's own, which
    code written against bleak does not catch: a refused read on a reconnect ended the live supervisor under
    emulation, where under bleak it is one failed attempt."""
    try:
        yield
    except ATT_Error as exc:
        raise BleakGATTProtocolError(exc.error_code) from exc
    except BaseBumbleError as exc:
        raise BleakError(f"emulated {what} failed: {exc!r}") from exc


def make_device(link: LocalLink, name: str, address: str) -> Device:
    """A bumble host + software controller attached to ``link``."""
    controller = Controller(name, link=link, public_address=address)
    return Device(name=name, address=Address(address), host=Host(controller, AsyncPipeSink(controller)))


class EmulatedAir:
    """The shared virtual radio. Entering it makes it the current one for the bleak backend."""
    current: "EmulatedAir | None" = None

    def __init__(self) -> None:
        self.link = LocalLink()
        self.peripherals: list[Any] = []
        self._central: Device | None = None
        self._scanners = 0
        self._lock = asyncio.Lock()

    async def central(self) -> Device:
        if self._central is None:
            self._central = make_device(self.link, "imu-gait-central", CENTRAL_ADDRESS)
            await self._central.power_on()
        return self._central

    async def add(self, peripheral: Any) -> Any:
        """Power on an emulated peripheral (see :mod:`.peripherals`) on this radio."""
        await peripheral.power_on(self.link)
        self.peripherals.append(peripheral)
        return peripheral

    async def start_scanning(self) -> Device:
        async with self._lock:
            central = await self.central()
            if self._scanners == 0:
                await central.start_scanning(filter_duplicates=False)
            self._scanners += 1
            return central

    async def stop_scanning(self) -> None:
        async with self._lock:
            self._scanners = max(0, self._scanners - 1)
            if self._scanners == 0 and self._central is not None and self._central.scanning:
                await self._central.stop_scanning()

    async def close(self) -> None:
        for p in self.peripherals:
            await p.power_off()
        if self._central is not None:
            for conn in list(self._central.connections.values()):
                try:
                    await conn.disconnect()
                except Exception:  # noqa: BLE001
                    pass
        self.peripherals.clear()

    async def __aenter__(self) -> "EmulatedAir":
        EmulatedAir.current = self
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()
        if EmulatedAir.current is self:
            EmulatedAir.current = None


def _air() -> EmulatedAir:
    if EmulatedAir.current is None:
        raise BleakError("no emulated radio: enter `async with EmulatedAir()` first")
    return EmulatedAir.current


class BumbleScanner(BaseBleakScanner):
    """bleak scanner backend: bumble scanning on the emulated radio."""

    def __init__(self, detection_callback=None, service_uuids=None, scanning_mode="active", **kwargs: Any):
        super().__init__(detection_callback, service_uuids)
        self._central: Device | None = None

    async def start(self) -> None:
        self.seen_devices = {}
        self._central = await _air().start_scanning()
        self._central.on("advertisement", self._on_advertisement)

    async def stop(self) -> None:
        if self._central is not None:
            self._central.remove_listener("advertisement", self._on_advertisement)
            self._central = None
            await _air().stop_scanning()

    def _on_advertisement(self, adv: Any) -> None:
        data = adv.data
        names = (data.get_all(AdvertisingData.COMPLETE_LOCAL_NAME)
                 or data.get_all(AdvertisingData.SHORTENED_LOCAL_NAME))
        name = names[0] if names else None
        uuids: list[str] = []
        for t in (AdvertisingData.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
                  AdvertisingData.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
                  AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
                  AdvertisingData.INCOMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS):
            for lst in data.get_all(t):
                for u in (lst if isinstance(lst, list) else [lst]):
                    s = bleak_uuid(u)
                    if s not in uuids:
                        uuids.append(s)
        manufacturer = {cid: bytes(v) for cid, v in data.get_all(AdvertisingData.MANUFACTURER_SPECIFIC_DATA)}
        service_data = {bleak_uuid(u): bytes(v) for u, v in data.get_all(AdvertisingData.SERVICE_DATA_16_BIT_UUID)
                        + data.get_all(AdvertisingData.SERVICE_DATA_128_BIT_UUID)}
        tx = data.get(AdvertisingData.TX_POWER_LEVEL)
        ad = AdvertisementData(local_name=name, manufacturer_data=manufacturer, service_data=service_data,
                               service_uuids=uuids, tx_power=tx, rssi=adv.rssi, platform_data=(adv,))
        if not self.is_allowed_uuid(uuids):
            return
        address = str(adv.address).split("/")[0]
        device = self.create_or_update_device(address, address, name, adv.address, ad)
        self.call_detection_callbacks(device, ad)


class BumbleClient(BaseBleakClient):
    """bleak client backend: a bumble GATT client on the emulated radio's central."""

    def __init__(self, address_or_ble_device: BLEDevice | str, *, disconnected_callback=None,
                 timeout: float = 10.0, **kwargs: Any):
        super().__init__(address_or_ble_device, disconnected_callback=disconnected_callback, timeout=timeout)
        details = address_or_ble_device.details if isinstance(address_or_ble_device, BLEDevice) else None
        self._peer_address = details if isinstance(details, Address) else Address(self.address)
        self._conn: Any = None
        self._peer: Peer | None = None
        self._proxies: dict[int, Any] = {}
        self._subs: dict[int, Any] = {}

    @property
    def name(self) -> str:
        return self.address

    @property
    def mtu_size(self) -> int:
        return self._conn.att_mtu if self._conn is not None else 23

    @property
    def is_connected(self) -> bool:
        return self._conn is not None

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        air = _air()
        central = await air.central()
        timeout = kwargs.get("timeout", self._timeout)
        target = str(self._peer_address).split("/")[0].upper()
        if not any(p.address.upper() == target and p.advertising for p in air.peripherals):
            raise BleakDeviceNotFoundError(self.address, f"Device with address {self.address} was not found.")
        try:
            conn = await central.connect(self._peer_address, timeout=timeout)
        except Exception as exc:  # bumble raises its own errors / TimeoutError
            raise BleakError(f"emulated connect to {self.address} failed: {exc!r}") from exc
        self._conn = conn
        conn.on("disconnection", self._on_disconnection)
        self._peer = Peer(conn)
        with _as_bleak_errors("MTU exchange / service discovery"):
            await self._peer.request_mtu(REQUESTED_MTU)
            await self._peer.discover_all()
        self.services = self._build_services()

    def _build_services(self) -> BleakGATTServiceCollection:
        coll = BleakGATTServiceCollection()
        self._proxies = {}
        for s in self._peer.services:
            svc = BleakGATTService(s, s.handle, bleak_uuid(s.uuid))
            coll.add_service(svc)
            for c in s.characteristics:
                props = [n for bit, n in _PROPS if c.properties & bit]
                ch = BleakGATTCharacteristic(c, c.handle, bleak_uuid(c.uuid), props,
                                             lambda: self.mtu_size - 3, svc)
                coll.add_characteristic(ch)
                self._proxies[c.handle] = c
                for d in c.descriptors:
                    coll.add_descriptor(BleakGATTDescriptor(d, d.handle, bleak_uuid(d.type), ch))
        return coll

    def _on_disconnection(self, reason: int) -> None:
        self._conn = None
        self._peer = None
        cb = self._disconnected_callback
        if cb is not None:
            asyncio.get_running_loop().call_soon(cb)

    async def disconnect(self) -> None:
        if self._conn is not None:
            conn = self._conn
            try:
                await conn.disconnect()
            except Exception:  # noqa: BLE001 - already gone
                pass
            self._conn = None

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("pairing is not emulated")

    async def unpair(self) -> None:
        raise NotImplementedError("pairing is not emulated")

    def _require(self) -> Peer:
        if self._peer is None:
            raise BleakError("Not connected")
        return self._peer

    async def read_gatt_char(self, characteristic: BleakGATTCharacteristic, *, use_cached: bool = False,
                             **kwargs: Any) -> bytearray:
        with _as_bleak_errors("read"):
            return bytearray(await self._require().read_value(characteristic.handle))

    async def read_gatt_descriptor(self, descriptor: BleakGATTDescriptor, *, use_cached: bool = False,
                                   **kwargs: Any) -> bytearray:
        with _as_bleak_errors("read"):
            return bytearray(await self._require().read_value(descriptor.handle))

    async def write_gatt_char(self, characteristic: BleakGATTCharacteristic, data: Any, response: bool) -> None:
        with _as_bleak_errors("write"):
            await self._require().write_value(characteristic.handle, bytes(data), with_response=bool(response))

    async def write_gatt_descriptor(self, descriptor: BleakGATTDescriptor, data: Any) -> None:
        if descriptor.uuid.startswith("00002902"):
            raise ValueError("write the CCCD with start_notify()/stop_notify(), not write_gatt_descriptor()")
        with _as_bleak_errors("write"):
            await self._require().write_value(descriptor.handle, bytes(data), with_response=True)

    async def start_notify(self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback,
                           **kwargs: Any) -> None:
        peer = self._require()
        proxy = self._proxies[characteristic.handle]

        def forward(value: bytes) -> None:
            callback(bytearray(value))

        self._subs[characteristic.handle] = forward
        with _as_bleak_errors("subscribe"):
            await peer.subscribe(proxy, forward, prefer_notify=True)

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        peer = self._require()
        with _as_bleak_errors("unsubscribe"):
            await peer.unsubscribe(self._proxies[characteristic.handle], self._subs.pop(characteristic.handle, None))


EMULATED_BACKEND = BleBackend(BumbleScanner, BumbleClient)
