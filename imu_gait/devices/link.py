"""The Bluetooth LE link: scan, connect, subscribe, START, supervise, reconnect.

Rules from ble-protocols.md §3, implemented here:

1. supervisor loop: scan (advertised service/name) → connect (``bleak-retry-connector``) →
   subscribe → START → wait for disconnect → back off 1, 2, 4 … 30 s → repeat, re-sending START;
2. the notification callback only takes ``clock_ns()`` and copies the bytes into a bounded
   queue; when the consumer lags the *oldest* packet is dropped and counted;
3. sample times come from the sensor clock, mapped to host time by :class:`SensorClock`;
4. loss is counted from the protocol (exact for GaitIMU, estimated for PMD, impossible for
   Thingy:52) and reported as :class:`Gap` events and ``SampleBlock.lost_before``.

Times in everything this module yields are seconds on the host monotonic clock since the
stream was opened (``StreamSupervisor.t0_ns``).
"""
from __future__ import annotations

import asyncio
import datetime as _dt
import logging
import math
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from bleak import BleakScanner
from bleak.exc import BleakError
from bleak_retry_connector import BleakClientWithServiceCache, establish_connection

from ..errors import DeviceError
from ..terminal_text import terminal_safe
from .clock import SensorClock
from .decoders import DecodeError
from .decoders.gaitimu import FLAG_CLIPPING
from .registry import ALL_ADVERTISED_SERVICE_UUIDS, DeviceFamily, FamilySession, StreamSettings, classify

log = logging.getLogger(__name__)

DEFAULT_BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)


class BleBackend(NamedTuple):
    """bleak backend classes to use instead of the platform's (e.g. the bumble emulator)."""
    scanner: type | None
    client: type | None


def _scanner_backend(backend: BleBackend | None) -> dict:
    return {} if backend is None or backend.scanner is None else {"backend": backend.scanner}


def _client_backend(backend: BleBackend | None) -> dict:
    return {} if backend is None or backend.client is None else {"backend": backend.client}


# ------------------------------------------------------------------ what the stream yields
@dataclass(frozen=True)
class SampleBlock:
    """Decoded samples of one notification.

    time_s: (n,) host seconds since the stream opened (sensor clock mapped by the drift fit);
    acc_mps2: (n, 3) incl. gravity, sensor axes; gyro_rads: (n, 3) or None;
    first_index: stream sample index of the first sample (continues across reconnects);
    lost_before: samples missing right before this block (exact for GaitIMU, estimated for PMD);
    received_s: host seconds since the stream opened when its notification came (the callback's stamp), None
    when unknown: a consumer behind a backlog takes it off the queue seconds later, so silence is judged from it.
    """
    time_s: np.ndarray
    acc_mps2: np.ndarray
    gyro_rads: np.ndarray | None
    first_index: int
    lost_before: int
    sensor_time_s: np.ndarray | None = None
    received_s: float | None = None

    @property
    def n(self) -> int:
        """Number of samples in the block."""
        return int(self.time_s.shape[0])


@dataclass(frozen=True)
class StreamEvent:
    """Base class of status events; ``time_s`` as in :class:`SampleBlock`."""
    time_s: float


@dataclass(frozen=True)
class Connected(StreamEvent):
    """The link is up and streaming starts: the device's advertised ``name``, its Bluetooth ``address``, its
    ``family`` key (:data:`~imu_gait.devices.FAMILIES`), the negotiated ATT ``mtu`` in bytes, and what the
    sensor's session reported while starting it (``info``: its stream settings, and firmware or battery where
    the device tells)."""
    name: str
    address: str
    family: str
    mtu: int
    info: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Disconnected(StreamEvent):
    """The link went down: ``intentional`` when this program closed it (stop, Ctrl-C), else a loss the
    supervisor reconnects after (:class:`Reconnecting`)."""
    intentional: bool = False


@dataclass(frozen=True)
class Reconnecting(StreamEvent):
    """The supervisor tries again in ``delay_s``. ``reason``: why the previous attempt failed (its error
    message, first line the cause, then what to do), "" on the first attempt after a link loss."""
    attempt: int
    delay_s: float
    reason: str = ""


@dataclass(frozen=True)
class Gap(StreamEvent):
    """Samples lost between t0_s (last sample before) and t1_s (first sample after)."""
    n_lost: int
    t0_s: float
    t1_s: float
    exact: bool
    first_index: int = 0


@dataclass(frozen=True)
class PacketError(StreamEvent):
    """A notification that could not be decoded and was skipped (counted in ``StreamCounters.corrupt``):
    ``reason`` a short machine-readable kind, ``message`` the sentence for a person."""
    reason: str
    message: str


@dataclass(frozen=True)
class DeviceStopped(StreamEvent):
    """The device ended the stream by itself; the supervisor re-sends START."""


@dataclass(frozen=True)
class DeviceRestarted(StreamEvent):
    """The sensor's clock went back mid-stream: it restarted (e.g. power cycle) without the link
    dropping. Samples between t0_s (last before) and t1_s (first after) are lost; how many cannot
    be known, so they are not in ``lost_samples``. ``message`` names the device for the user."""
    t0_s: float
    t1_s: float
    message: str = ""


@dataclass(frozen=True)
class Notice(StreamEvent):
    """What the stream did with samples that the user should know, other than loss over the link (e.g. a
    Verity whose gyroscope never sent goes on with the accelerometer only). ``kind``: "acc_only" (the gyro
    never sent) | "gyro_stopped" (it sent, then stopped: blocks from here on have no gyro_rads) |
    "before_gyro" | "clipping" (said once; counted in StreamCounters); ``message`` names the device and
    says what to do."""
    kind: str
    message: str


@dataclass
class StreamCounters:
    """Running counts of one stream (:attr:`StreamSupervisor.counters`); the units are in the comments:
    counts of notifications or samples, ``rate_hz`` in Hz, ``drift_ppm`` in parts per million."""
    packets: int = 0            # notifications decoded
    samples: int = 0
    lost_samples: int = 0       # from the protocol (see SampleBlock.lost_before)
    lost_packets: int = 0       # from a packet sequence number (GaitIMU)
    corrupt: int = 0            # notifications that failed to decode (skipped)
    queue_drops: int = 0        # notifications dropped because the consumer lagged
    connects: int = 0
    disconnects: int = 0
    device_restarts: int = 0    # clock went back mid-stream (DeviceRestarted): uncounted loss
    samples_before_gyro: int = 0   # merged ACC + GYRO stream: ACC samples left out before the gyro started
    clipped_packets: int = 0    # GaitIMU packets flagged clipping (b3): a reading at the end of the range …
    clipped_samples: int = 0    # … and the samples in them
    rate_hz: float = float("nan")       # measured sample rate in host seconds
    drift_ppm: float = float("nan")     # sensor clock vs host clock

    def as_dict(self) -> dict:
        """The counters by name (a copy)."""
        return dict(self.__dict__)


class FoundDevice(NamedTuple):
    """A supported sensor seen while scanning: advertised ``name`` (None when it sends none), Bluetooth
    ``address``, signal strength ``rssi`` in dBm (None when unknown) and its ``family`` key."""
    name: str | None
    address: str
    rssi: int | None
    family: str


# ------------------------------------------------------------------ scanning
def _bluetooth_problem(exc: Exception) -> str:
    """What stopped Bluetooth, in plain words: the raw 'FileNotFoundError(2, 'No such file or directory')' (no
    system bus socket: Linux's Bluetooth service is not there) told a walker nothing."""
    reason = getattr(getattr(exc, "reason", None), "name", "")      # bleak ≥ 2: BleakBluetoothNotAvailableError
    text = str(exc).lower()
    if reason == "POWERED_OFF" or "powered" in text or "turned off" in text:
        return "Bluetooth is switched off"
    if reason == "NO_BLUETOOTH" or "no bluetooth adapters" in text:
        return "no Bluetooth adapter found on this computer"
    if reason == "NO_BLE_CENTRAL_ROLE":
        return "this computer's Bluetooth adapter cannot talk to Bluetooth Low Energy sensors"
    if reason.startswith("DENIED") or isinstance(exc, PermissionError):
        return "this program is not allowed to use Bluetooth (a permission or policy setting)"
    if isinstance(exc, FileNotFoundError):
        # bleak on Linux talks to BlueZ over the system D-Bus; no socket: no Bluetooth service (or no adapter)
        return "no Bluetooth service found on this computer (no adapter, or Linux's Bluetooth service is not running)"
    return f"Bluetooth is not usable ({str(exc).strip() or type(exc).__name__})"


def _no_bluetooth(exc: Exception) -> DeviceError:
    return DeviceError(f"{_bluetooth_problem(exc)}.\n  What to do: switch Bluetooth on (Linux: is "
                       "bluetoothd running and the adapter powered? `bluetoothctl power on`), or use "
                       "`--simulate` to try the live view with an emulated sensor.")


#: the longest device name kept (a BLE advertisement holds at most 248 bytes of name; longer is not a sensor's)
MAX_NAME_CHARS = 64


def _advertised_name(name: str | None) -> str | None:
    """A device's name as it advertises it, fit to print and record: any peripheral in range can advertise
    any name, and a name with ESC sequences (``\\x1b[2J``) cleared the screen of the live view and went
    into the recording's metadata as it was; its control characters are shown as '?' and it is cut short."""
    if not name:
        return name
    name = terminal_safe(str(name))
    return name if len(name) <= MAX_NAME_CHARS else name[:MAX_NAME_CHARS] + "…"


async def scan(timeout: float = 5.0, backend: BleBackend | None = None) -> list[FoundDevice]:
    """Scan for supported sensors; returns (name, address, rssi, family) sorted by RSSI."""
    try:
        found = await BleakScanner.discover(timeout=timeout, return_adv=True,
                                            service_uuids=ALL_ADVERTISED_SERVICE_UUIDS, **_scanner_backend(backend))
    except (BleakError, OSError) as exc:       # no adapter / no D-Bus socket (FileNotFoundError)
        raise _no_bluetooth(exc) from exc
    out = []
    for dev, adv in found.values():
        name = _advertised_name(adv.local_name or dev.name)
        fam = classify(name, adv.service_uuids)
        if fam is not None:
            out.append(FoundDevice(name, dev.address, adv.rssi, fam.key))
    return sorted(out, key=lambda d: -(d.rssi if d.rssi is not None else -999))


#: After the first sensor that matches a name (or no name), scan this much longer for another one: two sensors
#: that match ("Thingy" is every Thingy:52's name; "Polar" every strap) were told apart by whichever advertised
#: first, and the walk of the wrong one recorded without a word. Best effort: a sensor that advertises less often
#: than this can still be missed. Not used when the address is given (reconnects).
NAME_CHECK_S = 1.0


async def find_device(device: str | None, *, family: str | None = None, timeout: float = 10.0,
                      backend: BleBackend | None = None, name_check_s: float = NAME_CHECK_S
                      ) -> tuple[Any, DeviceFamily]:
    """Find one supported device by address or name (exact, else prefix); None → the supported sensor in range.
    More than one sensor matching a name (or None) is refused with their addresses (a full name that one
    of them has exactly is not ambiguous)."""
    wanted = device.lower() if device else None
    hits: dict[str, tuple[Any, DeviceFamily, str | None]] = {}
    by_address = asyncio.Event()
    first = asyncio.Event()

    def seen(dev, adv) -> None:
        name = _advertised_name(adv.local_name or dev.name)
        fam = classify(name, adv.service_uuids)
        if fam is None or (family is not None and fam.key != family):
            return
        if wanted is not None and dev.address.lower() == wanted:
            hits.clear()
            hits[dev.address] = (dev, fam, name)
            by_address.set()
        elif not by_address.is_set() and (wanted is None or (name or "").lower().startswith(wanted)):
            hits[dev.address] = (dev, fam, name)
        else:
            return
        first.set()

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        async with BleakScanner(detection_callback=seen, service_uuids=ALL_ADVERTISED_SERVICE_UUIDS,
                                **_scanner_backend(backend)):
            try:
                await asyncio.wait_for(first.wait(), timeout)
                if not by_address.is_set():
                    await asyncio.wait_for(by_address.wait(), max(0.0, min(name_check_s, deadline - loop.time())))
            except asyncio.TimeoutError:
                pass
    except (BleakError, OSError) as exc:       # no adapter / no D-Bus socket (FileNotFoundError)
        raise _no_bluetooth(exc) from exc
    if not hits:
        what = f"sensor {device!r}" if device else "any supported sensor"
        # a sensor already connected (another `imu-gait live`, a phone app) stops advertising: to this scan it is
        # simply absent, and 'switch it on' was all a second session started on it was told
        raise DeviceError(f"{what} not found within {timeout:.0f} s of scanning."
                          "\n  What to do: switch it on (and off any phone app holding it), bring it closer, "
                          "and check the name with `imu-gait scan`. A sensor streams to one connection at a time: "
                          "if another `imu-gait live` (or an app) is connected to it, it cannot be found — stop that "
                          "one first; for two sensors run one session each, --device NAME per sensor.")
    found = list(hits.values())
    exact = [h for h in found if wanted is not None and (h[2] or "").lower() == wanted]
    if len(exact) == 1:
        found = exact
    if len(found) > 1:
        listed = ", ".join(f"{name or '(no name)'} at {dev.address}" for dev, _fam, name in found)
        what = f"named {device!r}" if exact else (f"whose names start with {device!r}" if device else "in range")
        raise DeviceError(f"{len(found)} sensors {what}: {listed}.\n  What to do: give the one to use by its "
                          "address (--device ADDRESS), or switch the others off.")
    dev, fam, _name = found[0]
    return dev, fam


# ------------------------------------------------------------------ the supervisor
class StreamSupervisor:
    """Keeps one sensor streaming; an async context manager and async iterator of
    :class:`SampleBlock` and :class:`StreamEvent` items. See :func:`open_stream`."""

    def __init__(self, device: str | None = None, *, family: str | None = None,
                 settings: StreamSettings | None = None, backend: BleBackend | None = None,
                 queue_size: int = 4096, scan_timeout_s: float = 10.0, name_check_s: float = NAME_CHECK_S,
                 backoff_s: Sequence[float] = DEFAULT_BACKOFF_S, max_connect_attempts: int = 4,
                 clock_ns: Callable[[], int] = time.monotonic_ns, clock: SensorClock | None = None):
        self.device = device
        self.family_key = family
        self.settings = settings or StreamSettings()
        self.backend = backend
        self.queue_size = int(queue_size)
        self.scan_timeout_s = scan_timeout_s
        self.name_check_s = name_check_s
        self.backoff_s = tuple(backoff_s)
        self.max_connect_attempts = max_connect_attempts
        self.clock_ns = clock_ns
        self.clock = clock or SensorClock()
        self.counters = StreamCounters()
        self.t0_ns = 0
        #: the wall-clock instant (UTC) of 0 s on the stream's time axis, taken with t0_ns: a live session's start
        #: (start_utc, the recording's start_time) — the session is made only after the sensor connected, seconds
        #: later on a real sensor (contracts audit s35 F2)
        self.start_utc: _dt.datetime | None = None
        self.family: DeviceFamily | None = None
        self.session: FamilySession | None = None
        self.client: Any = None
        self.name: str | None = None
        self.address: str | None = None
        # ("data", t_ns, bytes) | ("event", StreamEvent) | ("block", SampleBlock) | ("mark", "reconnect" | "stopped")
        self._rx: deque = deque()
        self._n_data = 0
        self._dropped_unseen = 0          # data notifications dropped since the consumer last decoded one
        self._wake = asyncio.Event()
        self._disconnected = asyncio.Event()
        # set only when the link of the client being started (self.client) drops: ends a handshake at once
        # (_disconnected is also set by a device-initiated stop, which is no reason to end one)
        self._link_lost = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task | None = None
        self._fatal: BaseException | None = None
        self._last_t_s: float | None = None
        # samples lost before a chunk with no samples of its own (a GaitIMU packet with n = 0): counted
        # at once, reported with the next block's Gap (the gap ends at that block's first sample)
        self._lost_pending = 0
        self._restart_requested = False
        self._holding: list | None = None
        # the last mark ("reconnect" / "stopped") if no samples went out since: a clock that went back then
        # restarted while the link was down / the stream stopped, not under a live stream
        self._mark_unseen: str | None = None

    # ---- what the live view needs to know
    @property
    def has_gyro(self) -> bool:
        """True if SampleBlocks carry gyro_rads (GaitIMU, Thingy:52, Verity), False for Polar ACC — and from
        the moment a Verity's merged stream went on without its gyroscope (Notice "acc_only"/"gyro_stopped")."""
        decoder = getattr(self.session, "decoder", None)
        return bool(self.session is not None and self.session.has_gyro and not getattr(decoder, "acc_only", False))

    @property
    def nominal_rate_hz(self) -> float:
        """Sample rate the device was started at (the measured one is ``counters.rate_hz``)."""
        return float(self.session.nominal_rate_hz) if self.session is not None else float("nan")

    @property
    def loss_detection(self) -> str:
        """Loss detection of this family: "exact" (GaitIMU), "estimated" (PMD), "none" (Thingy:52)."""
        return self.family.loss_detection if self.family is not None else "none"

    # ---- time
    def now_s(self) -> float:
        """Seconds since the stream opened, on the host clock the samples' ``time_s`` use."""
        return (self.clock_ns() - self.t0_ns) / 1e9

    # ---- cheap notification callback (rule 2)
    def _on_notify(self, _char: Any, data: bytearray) -> None:
        if self._holding is not None:          # during START: keep behind the Connected event
            self._holding.append(("data", self.clock_ns(), bytes(data)))
            return
        self._rx.append(("data", self.clock_ns(), bytes(data)))
        self._n_data += 1
        if self._n_data > self.queue_size:
            self._drop_oldest_data()
        self._wake.set()

    def _drop_oldest_data(self) -> None:
        for i, item in enumerate(self._rx):
            if item[0] == "data":
                del self._rx[i]
                self._n_data -= 1
                self.counters.queue_drops += 1
                # it preceded every data item still queued: a decoder that numbers notifications itself
                # (no counter or stamp in the data: Thingy:52) is told before it decodes the next one
                self._dropped_unseen += 1
                return

    def _emit(self, event: StreamEvent) -> None:
        self._rx.append(("event", event))
        self._wake.set()

    def _on_disconnect(self, client: Any) -> None:
        self._disconnected.set()
        if client is self.client:
            self._link_lost.set()

    # ---- connection handling
    async def _connect_once(self) -> None:
        ble_device, fam = await find_device(self.device if self.address is None else self.address,
                                            family=self.family_key or (self.family.key if self.family else None),
                                            timeout=self.scan_timeout_s, backend=self.backend,
                                            name_check_s=self.name_check_s)
        if self.family is None:
            self.family = fam
            self.session = fam.session_factory(self.settings)
            self.session.on_device_stop = self._on_device_stop
            self.session.on_stream_restarted = self._on_stream_restarted
        self.name = _advertised_name(ble_device.name) or ble_device.address
        self.address = ble_device.address
        self._disconnected.clear()
        try:
            client = await establish_connection(BleakClientWithServiceCache, ble_device, self.name,
                                                disconnected_callback=self._on_disconnect,
                                                max_attempts=self.max_connect_attempts,
                                                **_client_backend(self.backend))
        except BleakError as exc:
            raise DeviceError(f"{self.name}: cannot connect ({exc}).\n  What to do: make sure no other "
                              "app or phone is connected to the sensor, then try again.") from exc
        self.client = client
        self._link_lost.clear()
        try:
            if client.services.get_service(self.family.gatt_service_uuid) is None:
                raise DeviceError(f"{self.name}: does not offer the {self.family.label} service "
                                  f"{self.family.gatt_service_uuid}.\n  What to do: update its firmware or "
                                  "pick another device.")
            self._holding = []
            info = await self._unless_link_lost(client, self.session.start(client, self._on_notify, self.name))
        except BaseException:
            self._holding = None
            await self._safe_disconnect(client)
            raise
        self.counters.connects += 1
        self._emit(Connected(self.now_s(), self.name, self.address, self.family.key, client.mtu_size, info))
        if self.counters.connects > 1:
            self._rx.append(("mark", "reconnect"))    # decoder learns of the reconnect in stream order
        held, self._holding = self._holding, None
        for item in held:
            self._rx.append(item)
            self._n_data += item[0] == "data"
        while self._n_data > self.queue_size:
            self._drop_oldest_data()

    async def _unless_link_lost(self, client: Any, handshake: Any) -> Any:
        """Await a START handshake, ended at once if the link drops under it: the answers it waits for can
        no longer come. (It waited out the 5-s control-point timeout on the dead link, then blamed the sensor
        for not answering: each reconnect the sensor dropped during START cost 5 s more of the walk.)"""
        step = asyncio.ensure_future(handshake)
        lost = asyncio.ensure_future(self._link_lost.wait())
        try:
            if not client.is_connected:      # dropped before this client was ours: its callback came too early
                self._link_lost.set()
            await asyncio.wait({step, lost}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            lost.cancel()
            if not step.done():
                step.cancel()
                await asyncio.wait({step})    # let it unwind (its GATT calls) before the caller disconnects
        # a GATT call that failed because the link dropped under it is the link loss too (bumble raises its own
        # errors there, BlueZ a D-Bus error): said as such; a START answered just before the drop counts
        failed = step.cancelled() or (step.exception() is not None
                                      and (self._link_lost.is_set() or not client.is_connected))
        if not failed:
            return step.result()
        raise DeviceError(f"{self.name}: the link dropped while the stream was being started.\n  What to do: "
                          "bring the sensor closer to this computer; it is tried again on its own."
                          ) from (None if step.cancelled() else step.exception())

    async def _safe_disconnect(self, client: Any) -> None:
        try:
            await client.disconnect()
        except Exception as exc:  # noqa: BLE001 - best effort on the way out
            log.debug("disconnect failed: %s", exc)

    def _on_device_stop(self) -> None:
        # May come at any point, also while a START answer is awaited (on connect: while frames are
        # held back). In stream order, behind the last frame sent before the stop: what comes after
        # the re-START does not follow it (PMD: the stamp jump is all loss, however short).
        rx = self._holding if self._holding is not None else self._rx
        rx.append(("event", DeviceStopped(self.now_s())))
        rx.append(("mark", "stopped"))
        self._wake.set()
        self._restart_requested = True
        self._disconnected.set()            # wake the supervisor; it restarts without reconnecting

    def _on_stream_restarted(self) -> None:
        # the session STOPped and STARTed the stream itself (during START): in stream order, like a device stop
        (self._holding if self._holding is not None else self._rx).append(("mark", "stopped"))

    async def _supervise(self) -> None:
        attempt = 0
        while not self._closing:
            await self._disconnected.wait()
            if self._closing:
                return
            if self._restart_requested and self.client is not None and self.client.is_connected:
                self._restart_requested = False
                self._disconnected.clear()
                try:
                    await self.session.restart(self.client, self.name)
                    continue
                except Exception as exc:  # noqa: BLE001 - fall back to a full reconnect
                    log.info("re-START failed (%s); reconnecting", exc)
                    await self._safe_disconnect(self.client)
            self.counters.disconnects += 1
            self._emit(Disconnected(self.now_s(), intentional=False))
            self.client = None
            reason = ""
            while not self._closing:
                delay = self.backoff_s[min(attempt, len(self.backoff_s) - 1)]
                attempt += 1
                self._emit(Reconnecting(self.now_s(), attempt, delay, reason))
                await asyncio.sleep(delay)
                if self._closing:
                    return
                try:
                    await self._connect_once()
                    attempt = 0
                    break
                except (DeviceError, BleakError, asyncio.TimeoutError, DecodeError) as exc:
                    log.info("reconnect attempt %d failed: %s", attempt, exc)
                    # said with the next attempt: it only went to the log, and a walker watched "reconnect
                    # attempt 9 in 30.0 s" for minutes not knowing that the sensor refused START (in its
                    # charger, another app holding it …) or was not found at all
                    reason = str(exc).strip() or type(exc).__name__

    async def __aenter__(self) -> "StreamSupervisor":
        self.t0_ns = self.clock_ns()
        self.start_utc = _dt.datetime.now(_dt.timezone.utc)
        try:
            await self._connect_once()
        except (BleakError, DecodeError, asyncio.TimeoutError) as exc:
            raise DeviceError(f"{self.name or self.device or 'sensor'}: could not start the stream ({exc})."
                              "\n  What to do: switch the sensor off and on and try again; if it keeps "
                              "failing, check its firmware.") from exc
        self._task = asyncio.create_task(self._supervise())
        self._task.add_done_callback(self._task_done)
        return self

    def _task_done(self, task: asyncio.Task) -> None:
        if not task.cancelled() and task.exception() is not None:
            self._fatal = task.exception()
        self._wake.set()

    async def close(self) -> None:
        """Stop the stream (STOP written if connected), disconnect intentionally, end iteration."""
        if self._closing:
            return
        self._closing = True
        self._disconnected.set()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        client = self.client
        if client is not None and client.is_connected:
            try:
                await asyncio.wait_for(self.session.stop(client), 2.0)
            except Exception as exc:  # noqa: BLE001
                log.debug("STOP failed: %s", exc)
            await self._safe_disconnect(client)
        self._emit(Disconnected(self.now_s(), intentional=True))
        self._wake.set()

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # ---- consumer side: decode in the iterator (so a lagging consumer fills the bounded queue)
    def __aiter__(self) -> "StreamSupervisor":
        return self

    async def __anext__(self) -> SampleBlock | StreamEvent:
        while True:
            if self._rx:
                item = self._rx.popleft()
                if item[0] == "mark":
                    self.session.decoder.mark_reconnect()
                    self._mark_unseen = item[1]
                    continue
                if item[0] != "data":          # "event" or a "block" queued behind its Gap
                    return item[1]
                self._n_data -= 1
                if self._dropped_unseen:
                    skip = getattr(self.session.decoder, "skip", None)
                    if skip is not None:
                        skip(self._dropped_unseen)
                    self._dropped_unseen = 0
                out = self._decode(item[1], item[2])
                if out is not None:
                    return out
                continue
            if self._fatal is not None:
                exc, self._fatal = self._fatal, None
                raise exc
            if self._closing:
                raise StopAsyncIteration
            self._wake.clear()
            await self._wake.wait()

    def _decode(self, t_ns: int, data: bytes) -> SampleBlock | StreamEvent | None:
        c = self.counters
        try:
            chunk = self.session.decoder.feed(data)
        except DecodeError as exc:
            c.corrupt += 1
            return PacketError((t_ns - self.t0_ns) / 1e9, exc.reason, str(exc))
        last_t_s = self._last_t_s
        # a frame held for its stamp and now confirmed was counted as a bad packet: it was a good one
        c.corrupt -= chunk.held_confirmed
        c.packets += chunk.held_confirmed
        if chunk.restarted:
            self.clock.reset()
            self._last_t_s = None
        c.packets += 1
        clock_s = chunk.clock_sensor_time_s
        if clock_s is None and chunk.n:
            clock_s = float(chunk.sensor_time_s[-1])
        if clock_s is not None and math.isfinite(clock_s):
            self.clock.update(clock_s, (t_ns - self.t0_ns) / 1e9)
        c.lost_samples += chunk.lost_before
        c.lost_packets += chunk.packets_lost
        if chunk.n == 0:                     # e.g. a merged stream waiting for its other half
            # an empty packet right after lost ones: its loss was swallowed here, gap and count
            self._lost_pending += chunk.lost_before
            return None
        lost_before, self._lost_pending = chunk.lost_before + self._lost_pending, 0
        after, self._mark_unseen = self._mark_unseen, None
        c.samples += chunk.n
        c.samples_before_gyro += chunk.samples_before_gyro
        if chunk.flags & FLAG_CLIPPING:    # decoded, and not used: clipped readings went by unsaid
            c.clipped_packets += 1
            c.clipped_samples += chunk.n
        c.drift_ppm = self.clock.drift_ppm
        c.rate_hz = self.session.nominal_rate_hz / self.clock.rate_ratio
        time_s = self.clock.map_stream(chunk.sensor_time_s)
        if (chunk.restarted and after == "reconnect" and not lost_before and last_t_s is not None
                and self.loss_detection == "none"):
            # A stream with no counter or stamp (Thingy:52) starts a new clock segment after a reconnect, so the
            # outage is a hole in time whose samples no counter tells. They are estimated at the nominal rate, as a
            # link lost for good is (LiveSession._count_link_lost_for_good), and said as an estimated Gap: a
            # Thingy whose link dropped every 2 s said 0 % loss and no gap over a minute 49 s of which had no data —
            # the recording analyze then refused as more than half missing (review s41 reconnect F2)
            lost_before = max(int(round((float(time_s[0]) - last_t_s) * self.session.nominal_rate_hz)) - 1, 0)
            c.lost_samples += lost_before
        block = SampleBlock(time_s, chunk.acc_mps2, chunk.gyro_rads, chunk.first_index, lost_before,
                            chunk.sensor_time_s, (t_ns - self.t0_ns) / 1e9)
        out = self._block_or_event(chunk, block, time_s, last_t_s, lost_before, after)
        notices = self._notices(chunk, float(time_s[0]))
        if not notices:
            return out
        # the notices go out first, then what would have gone out (an event queues its block behind it)
        self._rx.appendleft(("block", out) if out is block else ("event", out))
        for n in reversed(notices[1:]):
            self._rx.appendleft(("event", n))
        return notices[0]

    def _notices(self, chunk: Any, t_s: float) -> list[Notice]:
        """Notices for what the decoder did with samples (a merged stream's ACC it could not merge, see
        DecodedChunk) and for the first packet the sensor flagged clipped."""
        out = []
        name = self.name or self.device or "the sensor"
        rate = self.session.nominal_rate_hz
        wait = getattr(self.session.decoder, "max_gyro_wait_ns", 0) / 1e9
        if chunk.gyro_stopped:
            out.append(Notice(t_s, "gyro_stopped", (
                f"{name}: its gyroscope stopped sending ({wait:.0f} s of accelerometer data came without it); "
                "from here on the walk is measured by the accelerometer alone: trunk twist and pelvic drop are "
                "no longer measured, steps, cadence, bounce, lean and sway go on (nothing was dropped).\n  What "
                "to do: if you need twist and pelvic drop, stop, switch the sensor off and on, and start again "
                "(a gyroscope that comes back is not taken up again in this session).")))
        elif chunk.acc_only:
            out.append(Notice(t_s, "acc_only", (
                f"{name}: its gyroscope was started but sent nothing in {wait:.0f} s; going on with the "
                "accelerometer only (no angular-rate measures this session; nothing was dropped).\n  What to "
                "do: if you need them, stop, switch the sensor off and on, and start again.")))
        if chunk.flags & FLAG_CLIPPING and self.counters.clipped_packets == 1:
            out.append(Notice(t_s, "clipping", (
                f"{name}: some readings hit the end of the sensor's range (clipping) — the peaks of fast "
                "movements or knocks are cut off there; counted for the report.\n  What "
                "to do: strap the sensor firmly (a loose sensor knocks); if it keeps happening, tell us.")))
        if chunk.samples_before_gyro:
            n = chunk.samples_before_gyro
            out.append(Notice(t_s, "before_gyro", (
                f"{name}: its first {n} accelerometer samples ({n / rate:.1f} s) came before its gyroscope "
                "started and were left out; the stream starts with both.\n  What to do: nothing.")))
        return out

    def _block_or_event(self, chunk: Any, block: SampleBlock, time_s: np.ndarray, last_t_s: float | None,
                        lost_before: int, after_mark: str | None = None) -> SampleBlock | StreamEvent:
        c = self.counters
        if chunk.clock_reset:
            c.device_restarts += 1
            t1 = float(time_s[0])
            t0 = last_t_s if last_t_s is not None else t1
            self._rx.appendleft(("block", block))
            self._last_t_s = float(time_s[-1])
            # (an H10 switched off and on while out of reach said it restarted 'while still connected')
            when = {"reconnect": "while the link was down", "stopped": "while its stream was stopped"}.get(
                after_mark or "", "while still connected")
            return DeviceRestarted(t1, t0, t1, (
                f"{self.name}: its clock went back — the sensor restarted (power cycle?) {when}; "
                f"the samples of the {t1 - t0:.1f} s before are lost and cannot be counted."
                "\n  What to do: nothing if it keeps streaming; if it happens again, check its battery "
                "and strap contact."))
        if lost_before > 0:
            # (across a new clock segment _last_t_s was cleared: the gap starts at the last sample before all the same)
            t0 = next((t for t in (self._last_t_s, last_t_s) if t is not None), float(time_s[0]))
            self._rx.appendleft(("block", block))
            self._last_t_s = float(time_s[-1])
            return Gap(float(time_s[0]), lost_before, t0, float(time_s[0]), chunk.lost_exact,
                       chunk.first_index - lost_before)
        self._last_t_s = float(time_s[-1])
        return block


def open_stream(device: str | None = None, *, backend: BleBackend | None = None, family: str | None = None,
                settings: StreamSettings | None = None, **kwargs: Any) -> StreamSupervisor:
    """Open a supervised sensor stream::

        async with open_stream("GaitIMU-0001") as stream:
            async for item in stream:
                if isinstance(item, SampleBlock): ...
                else: ...                       # Connected / Disconnected / Reconnecting / Gap / …

    ``device``: name (or name prefix) or address; None → the supported sensor in range (more than one
    matching is refused, see :func:`find_device`).
    ``backend``: :class:`BleBackend` (None → the platform's bleak backend).
    Other keyword arguments go to :class:`StreamSupervisor` (queue_size, scan_timeout_s, name_check_s, backoff_s,
    max_connect_attempts, clock_ns). Raises :class:`~imu_gait.errors.DeviceError` if the first
    connection fails; after that it reconnects on its own until closed.
    """
    return StreamSupervisor(device, family=family, settings=settings, backend=backend, **kwargs)
