"""The live session: a sample stream in, the offline engine fed chunk by chunk, live results out.

One :class:`LiveSession` ties together

* a **source** — any async iterable of sample blocks (objects with ``time_s`` (n,) s,
  ``acc_mps2`` (n, 3) m/s² incl. gravity, ``gyro_rads`` (n, 3) rad/s or None and optionally
  ``lost_before``) and status events (anything else: ``Connected``, ``Gap``, ``Reconnecting`` …).
  :func:`imu_gait.devices.open_stream` (a Bluetooth sensor), :func:`simulated_stream` (the
  emulated GaitIMU sensor over the emulated radio) and :class:`~imu_gait.devices.replay.ReplaySource`
  (a recording played back) are such sources;
* the **same** :class:`~imu_gait.engine.GaitEngine` that :func:`imu_gait.analyze` uses, fed what
  arrived every 0.1 s of samples, so live steps and metrics equal the offline ones (the engine is
  chunk-invariant) and step events come out ~0.36 s after the foot strike (median);
* an optional **recording** (native CSV, written as samples arrive, made durable at least every
  0.5 s by :class:`~imu_gait.io.native.NativeCsvWriter`; lost samples stay a gap in the file);
* the **final result**, ``engine.finish()`` — the live engine's own result, no re-analysis.

Library use (your own asyncio program)::

    import asyncio
    from imu_gait.devices import open_stream
    from imu_gait.devices.live import monitor

    async def main():
        async with open_stream("GaitIMU-1234") as stream:               # or simulated_stream(speed=10)
            async with monitor(stream, record="walk.csv", on_step=lambda ev: print("step", ev.time_s),
                               sensor_height_m=1.0) as live:
                async for update in live:                                 # one per block / status event
                    if update.new_flags:
                        print("cue:", [f.message for f in update.new_flags])
                    if update.time_s > 120:                               # stop after 2 minutes
                        break
        result = live.result                                              # an AnalysisResult
        print(result.summary["cadence_spm"])

    asyncio.run(main())

Times are the source's own seconds (for a BLE stream: host seconds since the stream opened,
from the sensor clock mapped with drift correction).
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as _dt
import difflib
import inspect
import logging
import math
import os
import re
import signal
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from ..days import CLOCK_META_KEYS, recording_clock
from ..engine import GaitEngine, StepEvent, stored_height_note
from ..errors import ArgumentError, DeviceError, RecordingError, StuckAxisError
from ..marks import (HIGH_PAIN_ADVICE, Mark, attach_marks, high_pain, mark_contexts, marks_for, marks_path,
                     write_marks)
from ..recording import StuckGyroProbe, clock_text, stuck_gyro_text
from ..strain import walking_aid_name
from ..treadmill import TreadmillSchedule, sidecar_path, with_sidecar_schedule, write_schedule
from .cues import CUE_FADE_S, CueFader
from .keys import HELP as KEYS_HELP, KeyReader, MarkKeys, apply_key
from .registry import implied_placement
from ..result import AnalysisResult, Flag

#: the largest backwards step of a block's time axis that is absorbed by shifting the block
#: forward (sensor-clock fit updates move the mapping by a few ms); larger overlaps are dropped
MAX_TIME_SHIFT_S = 0.25
#: a stream that says per packet whether its gyroscope is in it (GaitIMU flag b0) and sends this long (s of
#: samples) without it has lost its gyroscope, not one packet: the session goes on accelerometer-only. Its
#: packets come every 50–100 ms, so 1 s is 10–20 in a row, never a glitch; the samples are held meanwhile
#: (not yet written), and 1 s keeps the recording's promise of losing at most about a second in a crash
GYRO_STOP_WAIT_S = 1.0
#: a gyroscope stuck on an axis from the start is judged on the first MOVING_MIN_S (5 s) of movement, the least the
#: offline check judges by (recording.stuck_gyro_axes). Until then every sample is kept, so that a stuck one's
#: walk is analysed again from its first sample without it — what the offline analysis of the recording gives —
#: for at most this long (s of samples; 10 min at 200 Hz: 7 MB, analysed again in ~0.1 s); a verdict later than
#: that (a walker who sat that long first) goes on without the gyroscope from then, as a stopped one does
GYRO_JUDGE_KEEP_S = 600.0
#: a back-strain cue stays on screen this long (s of walk) after the engine last listed it
FLAG_HOLD_S = 20.0
RATE_WINDOW_S = 5.0
#: more of the samples than this (%) lost, the numbers may not describe the walk: said before any number, live
#: and in the result — the offline analysis refuses a recording more than half missing (Recording.validated)
HEAVY_LOSS_PCT = 50.0
HEAVY_LOSS_MIN_S = 10.0          # … once this much of the stream (samples received and lost) has passed

ENGINE_CONTEXT_KEYS = ("belt_speed_mps", "incline_pct", "treadmill", "sensor_height_m", "placement", "walking_aid",
                       "max_incline_pct", "baseline_s", "treadmill_schedule", "body_height_m", "valid_day_worn_h")


def _walking_aid_or_none(value: Any) -> str | None:
    """The walking aid as the rules name it, for the recording's header; None for none (and for a value the engine
    refuses, with its own message, when it starts)."""
    try:
        return walking_aid_name(value)
    except ValueError:
        return None


# ------------------------------------------------------------------ what the session reports
@dataclass
class SignalQuality:
    """Link and sample bookkeeping for the live view and the report."""
    samples: int = 0                  # samples received (and fed to the engine)
    lost_samples: int = 0             # missing samples reported by the source (SampleBlock.lost_before)
    gaps: int = 0                     # blocks preceded by lost samples
    packets: int | None = None        # from the source's counters, when it has them
    corrupt: int = 0                  # malformed packets skipped (source counters)
    queue_drops: int = 0              # notifications dropped because the consumer lagged (source counters)
    connects: int = 0
    reconnects: int = 0
    connected: bool = False
    rate_hz: float = float("nan")     # measured from the received sample times over the last 5 s
    nominal_rate_hz: float = float("nan")
    drift_ppm: float = float("nan")
    loss_detection: str = "exact"     # "exact" | "estimated" | "none" (Thingy:52: loss undetectable)
    time_fixes: int = 0               # blocks shifted forward because their time axis stepped back
    dropped_overlap: int = 0          # samples dropped because their time went backwards by > 0.25 s
    # samples that came without angular rate in a stream that has it (GaitIMU flag b0 clear in a packet):
    # left out, and counted in lost_samples and gaps too (the analysis sees a gap there)
    samples_without_gyro: int = 0
    clipped_samples: int = 0          # in packets the sensor flagged clipping (source counters)
    # a replayed file's own holes (its time stamps say these samples are missing; source counters): not link loss
    file_gap_samples: int = 0
    file_gaps: int = 0
    # the link lost for good: stream seconds the session went on after the last sample without it coming back,
    # and the samples the sensor would have sent then (that time × the nominal rate, an estimate: no counter
    # tells them when no packet comes again) — counted in lost_samples and a gap, as an outage that ends in a
    # reconnect is (its lost_before): a report of 0 % loss after two thirds of a session without data hid it
    link_lost_s: float = 0.0
    unreturned_samples: int = 0

    @property
    def loss_pct(self) -> float:
        """Samples lost over the link, % of those the sensor sent (received + lost)."""
        total = self.samples + self.lost_samples
        return 100.0 * self.lost_samples / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The figures by name, with ``loss_pct``."""
        d = dict(self.__dict__)
        d["loss_pct"] = self.loss_pct
        return d

    def heavy_loss_hint(self) -> str | None:
        """One line when more than HEAVY_LOSS_PCT of the samples were lost: where (on this computer, or over
        the link), that the numbers may not describe the walk, and what to do; None otherwise. A Thingy host
        that fell behind read a 110-spm walk as 60–97 spm in an ordinary-looking summary, its loss at the bottom
        of the notes (found by review)."""
        total = self.samples + self.lost_samples
        rate = self.nominal_rate_hz if math.isfinite(self.nominal_rate_hz) and self.nominal_rate_hz > 0 else 100.0
        if self.loss_pct <= HEAVY_LOSS_PCT or total < HEAVY_LOSS_MIN_S * rate:
            return None
        on_host = self.queue_drops > 0 and ((self.loss_detection == "none" and self.lost_samples <= self.queue_drops)
                                          or self.queue_drops >= self.gaps / 2)
        where, todo = (("on this computer (processing fell behind)",
                        "close other programs, or stream at a lower --rate") if on_host else
                       ("over the link", "keep the sensor within a few metres of this computer, with nothing "
                        "between them"))
        return (f"{self.loss_pct:.0f} % of the samples were lost {where}: the numbers come from the "
                f"{100 - self.loss_pct:.0f} % that arrived and may not describe the walk ({self._why_heavy()}) "
                f"— {todo}")

    def _why_heavy(self) -> str:
        """Why the heavy loss matters, as it is: a recording with holes through it is refused by analyze; a link
        lost for good leaves a whole recording of the first part (analyze takes it), and the rest is missing."""
        counted = self.lost_samples - self.unreturned_samples
        in_file_pct = 100.0 * counted / max(self.samples + counted, 1)
        if self.unreturned_samples and in_file_pct <= HEAVY_LOSS_PCT:
            return f"the link was lost for good, and the last {clock_text(self.link_lost_s)} of the session had no data"
        return "imu-gait analyze refuses a recording more than half missing"


@dataclass(frozen=True)
class SessionNotice:
    """Something the session did with the data that the user should know (a status event of the session
    itself, in :attr:`LiveUpdate.event`); ``message`` names the device and says what to do."""
    time_s: float
    message: str


@dataclass
class LiveUpdate:
    """What one step of the session produced (one source item)."""
    time_s: float                                            # newest sample time so far (s)
    steps: list[StepEvent] = field(default_factory=list)     # newly confirmed initial contacts
    rows: list[dict[str, Any]] = field(default_factory=list)  # newly finalised per-step rows
    # contacts given earlier (in ``steps``, and their rows) that are no longer steps: the walker sat down
    # after them (the engine knows ~1.75 s after the contact), or their walk, once closed, had no rhythm at
    # all (StepParams.aperiodic_*); status()['n_steps'] no longer counts them
    retracted: list[StepEvent] = field(default_factory=list)
    new_flags: list[Flag] = field(default_factory=list)      # back-strain flags that just rose
    # ids among ``new_flags`` whose cue is faded this time (:mod:`.cues`): the pattern rose again soon after
    # it was told in full, so show it quietly (no bell, no advice repeated)
    faded_flag_ids: set[str] = field(default_factory=set)
    # cues that ended: the engine has not listed them for ``flag_hold_s`` (each as last listed, so
    # its end_s is when the pattern was last seen)
    cleared_flags: list[Flag] = field(default_factory=list)
    event: Any = None                                        # the source's status event, if any
    n_samples: int = 0                                       # samples in this block
    status_changed: bool = False                             # LiveSession.status() has new values


# ------------------------------------------------------------------ the session
class LiveSession:
    """Feeds a source into a :class:`GaitEngine`; async context manager and async iterator of
    :class:`LiveUpdate`. Create it with :func:`monitor`."""

    def __init__(self, source: Any, *, on_step: Callable | None = None, on_status: Callable | None = None,
                 record: str | os.PathLike | Any | None = None, record_meta: dict | None = None,
                 fs_hz: float | None = None, feed_interval_s: float = 0.1, status_interval_s: float = 1.0,
                 cue_fade_s: float | None = CUE_FADE_S, anonymise: bool = False, **engine_context: Any):
        unknown = set(engine_context) - set(ENGINE_CONTEXT_KEYS)
        if unknown:
            # an ArgumentError (an ImuGaitError and, as before, a TypeError) naming the closest key (API audit s37)
            close = [c for k in sorted(unknown) for c in difflib.get_close_matches(k, list(ENGINE_CONTEXT_KEYS), n=1)]
            raise ArgumentError(f"unknown engine context {sorted(unknown)}"
                                + (f" (did you mean {', '.join(close)}?)" if close else "")
                                + f"; known: {', '.join(ENGINE_CONTEXT_KEYS)}")
        self.source = source
        #: outputs to share (``live --anonymise``): the device named by its model, no wall clock, the recording
        #: named 'recording' (:func:`imu_gait.privacy.device_model`, README "What the outputs contain")
        self.anonymise = bool(anonymise)
        #: what named the sensor before it was anonymised (its advertised names, its address), to take out of notes
        self._sensor_names: set[str] = set()
        self.on_step = on_step
        self.on_status = on_status
        self.record = record
        self.record_meta = dict(record_meta or {})
        self.fs_hz = fs_hz
        self.feed_interval_s = float(feed_interval_s)
        self.status_interval_s = float(status_interval_s)
        self._status_t = -math.inf
        self._rows_since_status = False
        self._pending: list[tuple] = []
        self._fed_t = -math.inf
        self._flag_seen: dict[str, tuple[Flag, float]] = {}
        self.flag_hold_s = FLAG_HOLD_S
        self.cues = CueFader(cue_fade_s)          # which risen cues are told in full, which quietly
        # a source may know context (a replayed file's sensor height, placement); the caller's wins
        ctx = {k: v for k, v in (getattr(source, "engine_context", None) or {}).items() if k in ENGINE_CONTEXT_KEYS}
        given = {k: v for k, v in engine_context.items() if v is not None}
        #: said after the engine's notes, as analyze says it: the file's sensor height set aside for the walker's
        self._height_note: str | None = None
        if "sensor_height_m" in given or "body_height_m" in given:
            # as analyze: a height given for this walk replaces both of the file's (`live --replay --height 1.8`
            # kept the file's sensor height, 0.96 m 'given', where analyze took 0.61 × 1.8 m and said so)
            stored = ctx.pop("sensor_height_m", None)
            ctx.pop("body_height_m", None)
            if stored is not None and "sensor_height_m" not in given:
                self._height_note = stored_height_note(float(stored))
        ctx.update(given)
        self.engine_context = ctx
        self.engine: GaitEngine | None = None
        self.writer: Any = None
        self.record_path: Path | None = None
        # the recording as it was when the sensor's gyroscope stopped (NativeCsvWriter.drop_gyro), if it did
        self.gyro_record_path: Path | None = None
        self.gyro_record_label = "recording with angular rate, until the gyroscope stopped"
        # where the recording went on without angular rate, if walk.csv could not be rewritten without it
        self.continuation_path: Path | None = None
        self._writer_problem: str | None = None   # the writer's message about that, once said
        # blocks that came without angular rate in a stream that has it, held until the gyroscope comes back
        # (then they are left out, a counted gap) or GYRO_STOP_WAIT_S passes (then the walk goes on without it)
        self._held_no_gyro: list[tuple[np.ndarray, np.ndarray]] = []
        # while the gyroscope is not yet judged for a stuck axis (see GYRO_JUDGE_KEEP_S): the judge, the samples so
        # far, and the step events given so far (taken back if the walk is analysed again without it)
        self._gyro_probe: StuckGyroProbe | None = None
        self._judge_keep: list[tuple[np.ndarray, np.ndarray]] | None = None
        self._given: list[StepEvent] | None = None
        self._engine_fs: float | None = None
        self.signal = SignalQuality()
        self.events_seen: list[Any] = []
        self.notices: list[str] = []             # the source's notices (what it did with samples), for the result
        # where the context came from when not from the caller (a replay's saved treadmill context), said after
        # the engine's notes as analyze says it
        self.context_notes: list[str] = []
        #: when the last block's notification came (SampleBlock.received_s; None when the source does not stamp)
        self.received_s: float | None = None
        self.active_flags: list[Flag] = []       # cues on screen: listed by the engine, or within the hold
        # ids the engine lists at its latest judgement: these patterns are still going on (an active
        # flag not among them is held on screen after it ended)
        self.ongoing_flag_ids: set[str] = set()
        # risen / cleared cues not yet handed out in a LiveUpdate (a refresh from status() has no update)
        self._risen: list[Flag] = []
        self._cleared: list[Flag] = []
        self.device: str | None = self._named(getattr(source, "name", None), getattr(source, "address", None))
        self.family: str | None = getattr(source, "family_key", None) or getattr(source, "family", None)
        if self.family is not None and not isinstance(self.family, str):
            self.family = getattr(self.family, "key", str(self.family))
        self._made_utc = _dt.datetime.now(_dt.timezone.utc)
        self.result: AnalysisResult | None = None
        self._iter: AsyncIterator | None = None
        self._last_t: float | None = None
        self._first_t: float | None = None
        self._rate_hist: deque = deque()          # (t_last, cumulative samples) per block
        self._status: dict[str, Any] = {}
        self._stop = False
        self._close_task: asyncio.Future | None = None
        # stream time known from the source's clock while no sample comes (link lost, sensor silent):
        # its status events' times and, in run_live, its clock read while waiting
        self._clock_t: float | None = None
        self._connected_t: float | None = None
        self._link_down = False                   # an unintended Disconnected, no Connected since
        self._arrival_t: float | None = None      # the source's clock when the last samples came
        self.last_quiet_s = 0.0
        self._last_step_t: float | None = None     # the latest step given (its contact, stream s)
        self.marks: list[Mark] = []               # the walker's symptom marks (p in the live view)
        self.marks_error: str | None = None       # why the marks file could not be saved, if it could not

    def _named(self, name: Any, address: Any = None) -> str | None:
        """The name the session gives a sensor called ``name``: itself, or anonymised its model alone."""
        if not self.anonymise:
            return name
        from ..privacy import device_model

        self._sensor_names.update(str(n) for n in (name, address) if n)   # (an address even with no name yet)
        return None if name is None else device_model(name)

    def told(self, text: str) -> str:
        """``text`` as the session says it: anonymised, the sensor's own names (serial, address) said as its model."""
        if not self._sensor_names:
            return text
        from ..privacy import redact_text

        return redact_text(text, sorted(self._sensor_names - {self.device}, key=len, reverse=True),
                           self.device or "the sensor", names=True)

    @property
    def start_utc(self) -> _dt.datetime:
        """When 0 s on the session's time axis was, UTC: the source's own (a sensor stream's 0 s is when it was
        opened, before the sensor connected: :attr:`StreamSupervisor.start_utc`), else when this session was made.
        Written to the millisecond: whole seconds put the recording's start up to 1 s early."""
        start = getattr(self.source, "start_utc", None)
        return start if isinstance(start, _dt.datetime) and start.tzinfo is not None else self._made_utc

    # ---- lifecycle
    async def __aenter__(self) -> "LiveSession":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self._close_task is not None:         # let a stop() finish closing the source (STOP, disconnect)
            try:
                await asyncio.wait_for(asyncio.shield(self._close_task), 5.0)
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
        self.finish()

    def stop(self) -> None:
        """Ask the session to end (safe from a signal handler): iteration stops, the source is closed."""
        if self._stop:
            return
        self._stop = True
        close = getattr(self.source, "close", None)
        if close is not None:
            res = close()
            if inspect.isawaitable(res):
                self._close_task = asyncio.ensure_future(res)

    @property
    def stopped(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stop

    # ---- iteration
    def __aiter__(self) -> "LiveSession":
        return self

    async def __anext__(self) -> LiveUpdate:
        if self._stop:
            raise StopAsyncIteration
        if self._iter is None:
            self._iter = self.source.__aiter__()
        item = await self._iter.__anext__()        # StopAsyncIteration ends the session
        upd = self.process(item)
        await self._callbacks(upd)
        return upd

    async def run(self, *, until_s: float | None = None) -> AnalysisResult:
        """Consume the whole source (or up to ``until_s`` seconds of stream time) and finish."""
        async for upd in self:
            if until_s is not None and self._first_t is not None and upd.time_s - self._first_t >= until_s:
                break
        return self.finish()

    async def _callbacks(self, upd: LiveUpdate) -> None:
        if self.on_step is not None:
            for ev in upd.steps:
                r = self.on_step(ev)
                if inspect.isawaitable(r):
                    await r
        if self.on_status is not None and (upd.status_changed or upd.event is not None):
            r = self.on_status(self.status())
            if inspect.isawaitable(r):
                await r

    # ---- the work (synchronous, so it can also be driven without asyncio)
    def process(self, item: Any) -> LiveUpdate:
        """Handle one source item: a sample block or a status event."""
        if hasattr(item, "time_s") and hasattr(item, "acc_mps2"):
            self.received_s = getattr(item, "received_s", None)
            upd = self._process_block(item)
        else:
            upd = self._process_event(item)
        if self._writer_problem is None and upd.event is None:
            self._say_writer_problem(upd)
        return upd

    def _say_writer_problem(self, upd: LiveUpdate | None) -> None:
        """The recording's rewrite without gyro columns (on the writer's own thread) failed: said once, when it
        is known (a plain attribute read per item), in the next update that carries no other event."""
        msg = getattr(self.writer, "problem", None)
        if not msg:
            return
        self._writer_problem = msg
        self.notices.append(msg.split("\n")[0])
        if upd is not None:
            upd.event = SessionNotice(self._last_t if self._last_t is not None else 0.0, msg)

    def note_time(self, t: Any) -> None:
        """The source's clock reads ``t`` (its stream seconds) though no sample came with it."""
        try:
            t = float(t)
        except (TypeError, ValueError):
            return
        if math.isfinite(t) and (self._clock_t is None or t > self._clock_t):
            self._clock_t = t

    def note_arrival(self, t: Any) -> None:
        """Samples came when the source's clock read ``t`` (silence is measured from it: a sample's
        own time lags its arrival, by seconds after a burst)."""
        try:
            t = float(t)
        except (TypeError, ValueError):
            return
        # how long the source was silent before these (not note_time: a sample's mapped time lags
        # its arrival, and --duration counts sample time while samples come)
        ref = self._arrival_t if self._arrival_t is not None else self._connected_t
        if self._connected_t is not None and ref is not None and self._connected_t > ref:
            ref = self._connected_t
        self.last_quiet_s = max(t - ref, 0.0) if ref is not None else 0.0
        self._arrival_t = t

    def silent_s(self) -> float:
        """Stream seconds since the last sample (or since connecting, before the first), as far as
        the source's clock tells (0 when it tells nothing)."""
        ref = self._arrival_t if self._arrival_t is not None else (
            self._last_t if self._last_t is not None else self._connected_t)
        if ref is None or self._clock_t is None:
            return 0.0
        if self._connected_t is not None and self._connected_t > ref:
            ref = self._connected_t             # reconnected: silence counts from the new link
        return max(self._clock_t - ref, 0.0)

    def _process_event(self, ev: Any) -> LiveUpdate:
        self.note_time(getattr(ev, "time_s", None))
        self.events_seen.append(ev)
        if len(self.events_seen) > 500:
            del self.events_seen[:100]
        name = type(ev).__name__
        s = self.signal
        if name == "Connected":
            self._connected_t = self._clock_t
            self._link_down = False
            s.connected = True
            s.connects += 1
            if s.connects > 1:
                s.reconnects += 1
            self.device = self._named(getattr(ev, "name", None), getattr(ev, "address", None)) or self.device
            self.family = getattr(ev, "family", None) or self.family
            rate = (getattr(ev, "info", None) or {}).get("rate_hz")
            if rate:
                s.nominal_rate_hz = float(rate)
        elif name == "Disconnected":
            s.connected = False
            # (our own closing of a link already lost does not bring it back)
            self._link_down = self._link_down or not getattr(ev, "intentional", False)
        elif name == "Notice" and getattr(ev, "kind", "") != "clipping":     # clipping: counted in the result
            self.notices.append(str(getattr(ev, "message", "")).split("\n")[0])
        self._pull_counters()
        t = self._last_t if self._last_t is not None else float(getattr(ev, "time_s", 0.0) or 0.0)
        upd = LiveUpdate(time_s=t, event=ev)
        if self.engine is not None:
            if name == "Notice" and getattr(ev, "kind", "") == "gyro_stopped":
                self._go_acc_only(upd)
            self._feed_pending(upd)
        return upd

    def _go_acc_only(self, upd: LiveUpdate, meta: dict | None = None, why: str = "stopped") -> None:
        """The source says its gyroscope stopped: its blocks come without angular rate from here on (a Verity
        Sense, see PmdImuStream). Left out as gaps, as a single GaitIMU packet without gyro is (_without_gyro),
        every sample of the rest of the walk was lost. Instead the engine ends its 6-axis stretch with what
        came before and goes on from the accelerometer alone (GaitEngine.drop_gyro), and the recording goes
        on without gyro columns, the rows so far kept with them beside it (NativeCsvWriter.drop_gyro).
        ``meta``, ``why``: the recording's note and the result's word on why (default: it stopped)."""
        if not self.engine.has_gyro:
            return
        self._gyro_probe = self._judge_keep = self._given = None      # (nothing left to judge)
        self._feed_pending(upd)                  # the samples with angular rate that came before, first
        with self._device_faults():
            res = self.engine.drop_gyro(why)
        self._take_engine_update(res, upd)
        stopped = self.engine.gyro_stopped_s
        self._drop_writer_gyro(meta or {"gyro_stopped_s": "unknown" if stopped is None else f"{stopped:.3f}",
                                        "gyro_note": "the gyroscope stopped during the live session; from then on "
                                                     "accelerometer only"})

    def _judge_gyro(self, t: np.ndarray, acc: np.ndarray, gyro: np.ndarray, upd: LiveUpdate) -> bool:
        """A block with angular rate while the gyroscope is not yet judged: kept, and judged once the accelerometer
        has moved for MOVING_MIN_S (StuckGyroProbe: the offline stuck_gyro_axes on the windows so far). An axis
        stuck then: said once, naming the device, and the walk goes on without the gyroscope — analysed again
        from its first sample by a fresh engine without it, the steps given so far taken back and given again
        (the offline analysis of the recording, which drops such a gyroscope whole, gives the same), or past
        GYRO_JUDGE_KEEP_S from here on, as a stopped gyroscope; the recording without gyro columns either way.
        True when the pending samples are in the engine already."""
        if self._judge_keep is not None:
            self._judge_keep.append((t, acc))
            if float(t[-1]) - self._first_t > GYRO_JUDGE_KEEP_S:
                self._judge_keep = None
        stuck = self._gyro_probe.add(acc, gyro)
        if stuck is None:
            return False
        moving_s = self._gyro_probe.moving_s
        keep, given = self._judge_keep, self._given
        self._gyro_probe = self._judge_keep = self._given = None
        if not stuck:
            return False
        name = self.device or "the sensor"
        which = {1: "on one axis", 2: "on two axes"}.get(len(stuck), "on every axis")
        since = ("from its start (the steps so far are measured again without it)" if keep is not None
                 else "from here on")
        message = (f"{name}: its gyroscope is stuck {which} ({stuck_gyro_text(stuck)}, over the first "
                   f"{moving_s:.0f} s of movement); the walk is measured by the accelerometer alone {since}: trunk "
                   "twist and pelvic drop are not measured, steps, cadence, bounce, lean and sway go on (nothing was "
                   "dropped).\n  What to do: a stuck axis is a fault of the sensor — after the walk, power-cycle it "
                   "and record again; if the axis stays stuck, it needs a firmware update or service.")
        self.notices.append(message.split("\n")[0])
        if upd.event is None:
            upd.event = SessionNotice(self._last_t, message)
        self.gyro_record_label = "recording as the sensor sent it, with the stuck gyroscope"
        meta = {"gyro_left_out": f"stuck {which} ({stuck_gyro_text(stuck)})",
                "gyro_note": "the gyroscope was stuck during the live session; the recording is accelerometer only"}
        if keep is None:
            self._go_acc_only(upd, meta, why=f"was left out (stuck {which})")
            return True
        old = self.engine
        ctx = dict(self.engine_context)
        if old.treadmill_schedule is not None:          # (changed by keys before the verdict)
            ctx.pop("belt_speed_mps", None)
            ctx.pop("incline_pct", None)
            ctx.update(treadmill_schedule=old.treadmill_schedule, treadmill=True)
        self.engine = GaitEngine(self._engine_fs, has_gyro=False, **ctx)
        self._pending.clear()                           # (all of them are in keep)
        upd.retracted.extend(given or [])
        with self._device_faults():
            res = self.engine.feed(np.concatenate([k[0] for k in keep]), np.concatenate([k[1] for k in keep]))
        self._fed_t = self._last_t
        self._status = {}
        self._take_engine_update(res, upd)
        self._refresh_status(forget_unlisted=True)      # cues only the gyroscope's steps raised end now
        upd.status_changed = True
        self._drop_writer_gyro(meta)
        return True

    def _drop_writer_gyro(self, meta: dict) -> None:
        """The recording goes on without gyro columns. Our writer rewrites the file on a thread of its own
        (wait=False): done here, on the event loop, it held the sensor's packets for 0.1–0.5 s per recorded hour
        and so mistimed them; how it ended is read in process() and finish()."""
        from ..io.native import NativeCsvWriter

        drop = getattr(self.writer, "drop_gyro", None)
        if drop is None:
            return
        keep = drop(meta, wait=False) if isinstance(self.writer, NativeCsvWriter) else drop(meta)
        self.gyro_record_path = Path(keep) if keep is not None else None

    def _pull_counters(self) -> None:
        c = getattr(self.source, "counters", None)
        if c is None:
            return
        s = self.signal
        s.packets = getattr(c, "packets", s.packets)
        s.corrupt = getattr(c, "corrupt", s.corrupt)
        s.queue_drops = getattr(c, "queue_drops", s.queue_drops)
        s.clipped_samples = getattr(c, "clipped_samples", s.clipped_samples)
        s.file_gap_samples = getattr(c, "file_gap_samples", s.file_gap_samples)
        s.file_gaps = getattr(c, "file_gaps", s.file_gaps)
        drift = getattr(c, "drift_ppm", float("nan"))
        if drift is not None and math.isfinite(drift):
            s.drift_ppm = float(drift)

    def _nominal_rate(self, t: np.ndarray) -> float:
        for cand in (self.fs_hz, getattr(self.source, "rate_hz", None), self.signal.nominal_rate_hz):
            if cand is not None and math.isfinite(float(cand)) and cand > 0:
                return float(cand)
        session = getattr(self.source, "session", None)
        rate = getattr(session, "nominal_rate_hz", None)
        if rate:
            return float(rate)
        if t.size > 1:
            return float(1.0 / np.median(np.diff(t)))
        return 100.0

    def _start(self, t: np.ndarray, has_gyro: bool) -> None:
        fs = self._nominal_rate(t)
        s = self.signal
        if not math.isfinite(s.nominal_rate_hz):
            s.nominal_rate_hz = fs
        decoder = getattr(getattr(self.source, "session", None), "decoder", None)
        s.loss_detection = getattr(decoder, "loss_detection", None) or getattr(self.source, "loss_detection", "exact")
        if not self.engine_context.get("placement") and implied_placement(self.device):
            # a chest strap is on the chest: the running bounce limits and the recording's header say so
            self.engine_context["placement"] = implied_placement(self.device)
        self.engine = GaitEngine(fs, has_gyro=has_gyro, **self.engine_context)
        self._engine_fs = fs
        if has_gyro:
            self._gyro_probe, self._judge_keep, self._given = StuckGyroProbe(fs), [], []
        if self.record is not None:
            self._open_writer(has_gyro, fs)

    def _open_writer(self, has_gyro: bool, fs: float) -> None:
        rec = self.record
        if hasattr(rec, "write"):                  # a writer the caller made
            self.writer = rec
            self.record_path = Path(getattr(rec, "path", "")) if getattr(rec, "path", None) else None
            return
        from ..io.native import NativeCsvWriter

        path = Path(rec)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"source": "imu-gait live", "device": self.device or "unknown",
                "protocol": self.family or "unknown", "sample_rate_hz": round(fs, 3),
                "start_utc": self.start_utc.isoformat(timespec="milliseconds"),
                # the same moment on this computer's clock, with its UTC offset: a later 'analyze' of the
                # file puts its days at the walker's own midnights, as the live session's result does
                "start_time": self._start_local(),
                "time_origin": getattr(self.source, "time_origin",
                                       "seconds since the stream opened (sensor clock mapped to host time)")}
        clock_meta = getattr(self.source, "clock_meta", None)
        if clock_meta is not None:
            # a replay plays the file's own time axis: its 0 s is when the file began, not now (a replayed
            # walk of 2020 was dated today, and a multi-day file's days were cut at today's midnights)
            for key in ("start_utc", "start_time"):
                meta.pop(key)
            meta.update(clock_meta)
            meta["replayed_at"] = self._start_local()
        if self.anonymise:
            # outputs to share: no wall clock in the recording either (as analyze --anonymise: times stay seconds
            # from the first sample); the device is its model (above), which a chest strap's placement goes by
            for key in (*CLOCK_META_KEYS, "replayed_at", "time_offset_s"):
                meta.pop(key, None)
        # what the walker told us goes with the recording, so a later 'analyze' of it gives the same steps
        for key in ("placement", "sensor_height_m"):
            if self.engine_context.get(key):
                meta[key] = self.engine_context[key]
        if self.engine_context.get("body_height_m"):
            meta["height_m"] = self.engine_context["body_height_m"]
        # … and the walking aid: a rollator session analysed again from its file was judged with free hands
        # ('Forward lean / hunching, strong' where the live session had no flag; review s39 M2)
        aid = _walking_aid_or_none(self.engine_context.get("walking_aid"))
        if aid:
            meta["walking_aid"] = aid
        meta.update(self.record_meta)
        self.writer = NativeCsvWriter(path, has_gyro=has_gyro, meta=meta)
        self.record_path = path

    def _monotone(self, t: np.ndarray, acc: np.ndarray, gyro: np.ndarray | None):
        """Keep the time axis strictly increasing across blocks (the engine and the file need it).

        A sensor-clock fit update can move the mapping back by a few ms: such a block is shifted
        forward to start one sample period after the previous one (no sample is dropped or
        invented). A larger step back (> 0.25 s) drops the overlapping samples, counted."""
        last = self._last_t
        if last is None or t[0] > last:
            return t, acc, gyro
        dt = float(np.median(np.diff(t))) if t.size > 1 else 1.0 / max(self.signal.nominal_rate_hz, 1.0)
        overlap = last - t[0]
        if overlap <= MAX_TIME_SHIFT_S:
            self.signal.time_fixes += 1
            return t + (overlap + dt), acc, gyro
        keep = t > last
        self.signal.dropped_overlap += int((~keep).sum())
        return t[keep], acc[keep], None if gyro is None else gyro[keep]

    def _process_block(self, block: Any) -> LiveUpdate:
        t = np.asarray(block.time_s, dtype=np.float64)
        acc = np.asarray(block.acc_mps2, dtype=np.float64)
        gyro = getattr(block, "gyro_rads", None)
        gyro = None if gyro is None else np.asarray(gyro, dtype=np.float64)
        s = self.signal
        lost = int(getattr(block, "lost_before", 0) or 0)
        if lost > 0:
            s.lost_samples += lost
            s.gaps += 1
        if t.size == 0:
            return LiveUpdate(time_s=self._last_t or 0.0)
        if self.engine is None:
            self._start(t, gyro is not None)
        if self.engine.has_gyro and gyro is None:
            return self._without_gyro(t, acc)
        upd = self._leave_out_held() if self._held_no_gyro else None    # the gyroscope is back: a glitch
        if not self.engine.has_gyro:
            gyro = None
        return self._take_block(t, acc, gyro, upd)

    def _take_block(self, t: np.ndarray, acc: np.ndarray, gyro: np.ndarray | None,
                    upd: LiveUpdate | None = None) -> LiveUpdate:
        """Samples of the engine's layout: to the file, to the engine (every feed_interval_s), counted."""
        s = self.signal
        t, acc, gyro = self._monotone(t, acc, gyro)
        if t.size == 0:
            return upd or LiveUpdate(time_s=self._last_t or 0.0)
        if self._first_t is None:
            self._first_t = float(t[0])
            self._fed_t = float(t[0]) - 1.0 / max(self.signal.nominal_rate_hz, 1.0)
        if self.writer is not None:              # every sample goes to the file as it arrives
            self.writer.write(t, acc, gyro)
        self._last_t = float(t[-1])
        s.samples += t.size
        self._measure_rate(t)
        self._pull_counters()
        self._pending.append((t, acc, gyro))
        if upd is None:
            upd = LiveUpdate(time_s=self._last_t)
        upd.time_s, upd.n_samples = self._last_t, upd.n_samples + int(t.size)
        if self._gyro_probe is not None and gyro is not None and self._judge_gyro(t, acc, gyro, upd):
            return upd
        # the engine is fed every `feed_interval_s` of samples (fewer, larger calls: less CPU)
        if self._last_t - self._fed_t >= self.feed_interval_s - 0.25 / max(self.signal.nominal_rate_hz, 1.0):
            self._feed_pending(upd)
        return upd

    def _without_gyro(self, t: np.ndarray, acc: np.ndarray) -> LiveUpdate:
        """A block without angular rate in a stream that has it: GaitIMU says per packet whether the gyro
        is in it (flag b0), and one packet without ended the walk with a raw ValueError. The engine takes
        one layout, and a gyro is not invented. The block is held: if the gyroscope comes back, the held
        samples are left out, counted as a gap, said once (:meth:`_leave_out_held`); if it stays away for
        GYRO_STOP_WAIT_S of samples, it stopped — left out, every later sample of the walk was lost — and
        the walk goes on from the accelerometer alone, the held samples first (:meth:`_go_acc_only`)."""
        self._held_no_gyro.append((t, acc))
        t0 = float(self._held_no_gyro[0][0][0])
        if float(t[-1]) - t0 < GYRO_STOP_WAIT_S:
            return LiveUpdate(time_s=self._last_t or float(t[-1]))
        held, self._held_no_gyro = self._held_no_gyro, []
        name = self.device or "the sensor"
        message = (f"{name}: its gyroscope stopped ({float(t[-1]) - t0:.1f} s of packets came without angular "
                   "rate); from here on the walk is measured by the accelerometer alone: trunk twist and pelvic drop "
                   "are no longer measured, steps, cadence, bounce, lean and sway go on (nothing was dropped).\n  "
                   "What to do: if you need twist and pelvic drop, stop, switch the sensor off and on, and start "
                   "again (a gyroscope that comes back is not taken up again in this session).")
        self.notices.append(message.split("\n")[0])
        upd = LiveUpdate(time_s=self._last_t or t0, event=SessionNotice(t0, message))
        self._go_acc_only(upd)
        return self._take_block(np.concatenate([h[0] for h in held]), np.concatenate([h[1] for h in held]),
                                None, upd)

    def _leave_out_held(self) -> LiveUpdate:
        """The gyroscope came back within GYRO_STOP_WAIT_S: the held samples without it are left out, counted
        as a gap; said once."""
        held, self._held_no_gyro = self._held_no_gyro, []
        n = sum(int(h[0].size) for h in held)
        s = self.signal
        first = s.samples_without_gyro == 0
        s.samples_without_gyro += n
        s.lost_samples += n
        s.gaps += 1
        upd = LiveUpdate(time_s=self._last_t or float(held[-1][0][-1]))
        if first:
            upd.event = SessionNotice(float(held[0][0][0]), (
                f"{self.device or 'the sensor'}: {n} samples came without angular rate (its gyroscope "
                "missing from the packet) and were left out as a gap; the walk goes on.\n  What to do: "
                "nothing if it is rare; if it keeps happening, switch the sensor off and on."))
        return upd

    @contextlib.contextmanager
    def _device_faults(self):
        """The engine's refusal of a stuck accelerometer axis, said of this device: the engine only knows
        'acc_mps2', and the walker must know which sensor to re-seat (found by review)."""
        try:
            yield
        except StuckAxisError as exc:
            raise DeviceError(f"{self.device or 'the sensor'}: {exc.detail}: its accelerometer has a stuck axis"
                              f"\n  What to do: {exc.hint}") from None

    def _feed_pending(self, upd: LiveUpdate) -> None:
        if not self._pending:
            return
        if len(self._pending) == 1:
            t, acc, gyro = self._pending[0]
        else:
            t = np.concatenate([p[0] for p in self._pending])
            acc = np.concatenate([p[1] for p in self._pending])
            gyro = None if self._pending[0][2] is None else np.concatenate([p[2] for p in self._pending])
        self._pending.clear()
        with self._device_faults():
            res = self.engine.feed(t, acc, gyro)
        self._fed_t = float(t[-1])
        self._take_engine_update(res, upd)

    def _take_engine_update(self, res: Any, upd: LiveUpdate) -> None:
        """What the engine confirmed (steps, rows, retractions) into ``upd``, and the live status and cues."""
        upd.steps.extend(res.events)
        upd.rows.extend(res.rows)
        upd.retracted.extend(res.retracted)
        if res.events:
            self._last_step_t = max(self._last_step_t or -math.inf, float(res.events[-1].time_s))
        if self._given is not None:             # (only while the gyroscope is not yet judged)
            gone = {ev.time_s for ev in res.retracted}
            self._given = [ev for ev in self._given + list(res.events) if ev.time_s not in gone]
        # live status (medians of the last steps, flags) at most once per `status_interval_s`
        if res.rows or res.retracted:
            self._rows_since_status = True
        if res.retracted:
            # steps taken back were not walking (sat down, a task without rhythm): a cue only they raised
            # ends now, not after the hold — the walker was told something the data no longer says
            self._refresh_status(forget_unlisted=True)
            upd.status_changed = True
        elif self._rows_since_status and self._fed_t - self._status_t >= self.status_interval_s:
            self._refresh_status()
            upd.status_changed = True
        elif self.active_flags:
            # no new steps (standing): a held cue still ends once the hold has passed
            self._set_active(self._last_t if self._last_t is not None else 0.0)
        if self._risen or self._cleared:
            now = self._last_t if self._last_t is not None else 0.0
            upd.faded_flag_ids.update(f.id for f in self._risen if not self.cues.rise(f.id, f.severity, now))
            upd.new_flags.extend(self._risen)
            upd.cleared_flags.extend(self._cleared)
            self._risen, self._cleared = [], []
            upd.status_changed = True

    def _measure_rate(self, t: np.ndarray) -> None:
        h = self._rate_hist
        h.append((float(t[-1]), self.signal.samples))
        while len(h) > 2 and h[-1][0] - h[0][0] > RATE_WINDOW_S:
            h.popleft()
        if len(h) >= 2 and h[-1][0] > h[0][0]:
            self.signal.rate_hz = (h[-1][1] - h[0][1]) / (h[-1][0] - h[0][0])

    def _refresh_status(self, *, forget_unlisted: bool = False) -> list[Flag]:
        """Recompute the engine's live status; return the flags that rose since the last time.

        A flag stays active for ``flag_hold_s`` after the engine last listed it: the engine
        re-judges its flags every few steps, and a cue should not flicker in between — unless
        ``forget_unlisted`` (steps were taken back): then a flag the engine no longer lists ends at
        once. Risen and cleared cues also wait for the next :class:`LiveUpdate` (a refresh asked for by
        :meth:`status` would otherwise swallow them)."""
        self._status = self.engine.live_status()
        now = self._last_t if self._last_t is not None else 0.0
        self._status_t = now
        self._rows_since_status = False
        risen = []
        listed = self._status.get("active_flags") or []
        for f in listed:
            if f.id not in self._flag_seen or now - self._flag_seen[f.id][1] > self.flag_hold_s:
                risen.append(f)
            self._flag_seen[f.id] = (f, now)
        if forget_unlisted:
            ids = {f.id for f in listed}
            for fid, (f, _seen) in list(self._flag_seen.items()):
                if fid not in ids:
                    self._flag_seen[fid] = (f, -math.inf)       # its hold has passed
        self.ongoing_flag_ids = {f.id for f in listed}
        self._risen.extend(risen)
        self._set_active(now)
        return risen

    def _set_active(self, now: float) -> None:
        """Cues on screen at stream time ``now``; those whose hold has passed are queued as cleared."""
        active = [f for f, seen in self._flag_seen.values() if now - seen <= self.flag_hold_s]
        ids = {f.id for f in active}
        self._cleared.extend(self._flag_seen[f.id][0] for f in self.active_flags if f.id not in ids)
        self.ongoing_flag_ids &= ids
        self.active_flags = active

    # ---- the treadmill changed (keys in the live view, or any caller)
    def set_treadmill(self, *, belt_speed_mps: float | None | object = ..., incline_pct: float | None | object = ...
                      ) -> None:
        """The belt speed and/or incline changed now (``...``: unchanged); see
        :meth:`imu_gait.GaitEngine.set_treadmill`. Before the first sample it sets the starting values."""
        if self.engine is None:
            ctx = self.engine_context
            sched = ctx.pop("treadmill_schedule", None)
            if sched is not None:                 # taken over from a plan before it began
                ctx.setdefault("belt_speed_mps", _nan_to_none(sched.belt_speed_mps[0]))
                ctx.setdefault("incline_pct", _nan_to_none(sched.incline_pct[0]))
            if belt_speed_mps is not ...:
                ctx["belt_speed_mps"] = belt_speed_mps
            if incline_pct is not ...:
                ctx["incline_pct"] = incline_pct
            ctx["treadmill"] = True
            return
        self.engine.set_treadmill(belt_speed_mps=belt_speed_mps, incline_pct=incline_pct)
        self._status = {}

    def treadmill_now(self) -> tuple[float | None, float | None]:
        """(belt speed m/s, incline %) in force now; None where not known."""
        sched = self.engine.treadmill_schedule if self.engine is not None else self.engine_context.get(
            "treadmill_schedule")
        if sched is not None:
            k = int(sched.stage_index(self.time_s))
            return _nan_to_none(sched.belt_speed_mps[k]), _nan_to_none(sched.incline_pct[k])
        ctx = self.engine.context if self.engine is not None else self.engine_context
        return ctx.get("belt_speed_mps"), ctx.get("incline_pct")

    # ---- the walker marks a symptom (p in the live view, or any caller)
    def add_mark(self, pain: float | None = None, note: str = "", *, at_s: float | None = None) -> Mark:
        """A symptom mark now (stream time since the first sample, by the source's clock; ``at_s``: at that
        stream time instead — a replayed mark), saved at once beside the recording (``walk.marks.csv``) so
        that a crash later loses no mark."""
        mark = Mark(round(self.clock_s if at_s is None else float(at_s), 2), pain, note)
        self.marks.append(mark)
        self._save_marks()
        return mark

    def mark_feedback(self, mark: Mark) -> str | None:
        """What the gait did in the minute before ``mark``, in a line for the live view: the metrics
        beyond their same-day repeat range against the baseline and what to try (from a flag holding
        then) — read against the flags' latest judgement (every 10 steps). None before any."""
        if self.engine is None:
            return None
        flags, timeline = self.engine.judged_so_far()
        if timeline is None or not len(timeline):
            return None
        now = SimpleNamespace(summary={"time_start_s": self.time_origin_s, "duration_s": self.clock_s,
                                       "baseline_s": self.engine.context.get("baseline_s")},
                              timeline=timeline, flags=flags)
        (ctx,) = mark_contexts(now, [mark], gaps=self.engine.sample_gaps)
        if ctx.before_s is None:
            return None
        stood = ctx.stood_out[:2]
        if ctx.gait == "run" and ctx.has_baseline:
            text = "in the minute before: " + ctx.running_text()
        elif stood:
            text = "in the minute before: " + "; ".join(m.text() for m in stood)
        elif ctx.has_baseline:
            text = "in the minute before, nothing measured was off your baseline"
        else:
            return "your baseline is still forming: nothing to compare the minute before with yet"
        holding = [f for f in flags if f.id in ctx.flag_ids]
        holding.sort(key=lambda f: f.metric not in {m.metric for m in stood})   # the flag on what changed first
        if holding:
            text += f" — what to try: {holding[0].advice}"
        return text + (" (still your baseline minutes)" if ctx.in_baseline else "")

    def rate_last_mark(self, pain: float) -> Mark | None:
        """Give the latest mark its 0–10 pain rating (typed just after marking); None without a mark."""
        if not self.marks:
            return None
        last = self.marks[-1]
        self.marks[-1] = Mark(last.elapsed_s, pain, last.note)
        self._save_marks()
        return self.marks[-1]

    def _save_marks(self) -> None:
        if self.record_path is None:
            return
        try:
            write_marks(marks_path(self.record_path), self.marks, note=f"marked live during {self.record_path.name}")
            self.marks_error = None
        except OSError as exc:        # a full disk: the walk and the marks in memory go on
            self.marks_error = f"{marks_path(self.record_path)}: could not save the marks ({exc.strerror or exc})"

    # ---- read-outs
    @property
    def time_origin_s(self) -> float:
        """The first sample's time: flag times minus this are the m:ss the flag messages show."""
        return self._first_t if self._first_t is not None else 0.0

    @property
    def time_s(self) -> float:
        """Stream time covered so far (s since the first sample)."""
        if self._first_t is None or self._last_t is None:
            return 0.0
        return self._last_t - self._first_t

    @property
    def clock_s(self) -> float:
        """Stream time since the first sample by the source's clock: goes on while no sample comes
        (``time_s`` stands still then)."""
        if self._first_t is None:
            return 0.0
        return max(self.time_s, (self._clock_t if self._clock_t is not None else -math.inf) - self._first_t)

    @property
    def since_last_step_s(self) -> float | None:
        """Stream seconds of samples since the latest step given (its contact) — the walker stopped, or no data
        came —; None before any step. The live status keeps the values of the last steps while none come."""
        if self._last_step_t is None or self._last_t is None:
            return None
        return max(self._last_t - self._last_step_t, 0.0)

    def status(self) -> dict[str, Any]:
        """Latest live values: the engine's ``live_status()`` plus ``signal``, ``elapsed_s``, ``device``."""
        if self.engine is not None and not self._status:
            self._refresh_status()
        out = dict(self._status) if self._status else {"n_steps": 0, "walking": False, "gait": "",
                                                       "active_flags": []}
        out["signal"] = self.signal
        loss = self.signal.heavy_loss_hint()
        if loss is not None:                        # before any number, as the sensor's place is
            out["sensor_hints"] = [loss, *(out.get("sensor_hints") or [])]
        out["elapsed_s"] = self.time_s
        out["device"] = self.device
        out["protocol"] = self.family
        return out

    # ---- the end
    def _count_link_lost_for_good(self) -> str | None:
        """The link lost and not back when the session ended (by --duration, q or Ctrl-C while reconnecting):
        count the time without data (:attr:`SignalQuality.link_lost_s`) and the samples the sensor would have
        sent in it at its nominal rate as lost, one gap — so loss_pct and the heavy-loss hint see it — and
        return the note that says so; None when the link was up at the end (or dropped with the last sample).

        Only an outage that ended in a reconnect was counted (its first block's lost_before): a sensor that
        never came back left 0 % loss, 0 reconnects and no word, the report shortened to the data's length."""
        s = self.signal
        down_s = self.clock_s - self.time_s
        if not self._link_down or s.connected or down_s < LINK_LOST_MIN_S:
            return None
        s.link_lost_s = down_s
        rate_hz = s.nominal_rate_hz
        counted = ""
        if math.isfinite(rate_hz) and rate_hz > 0:
            s.unreturned_samples = int(round(down_s * rate_hz))
            s.lost_samples += s.unreturned_samples
            s.gaps += 1
            counted = (f"; its ~{s.unreturned_samples} samples ({down_s:.0f} s at {rate_hz:g} Hz) are counted as "
                       "lost")
        return (f"the link to {self.device or 'the sensor'} was lost at {clock_text(self.time_s)} and not regained: "
                f"the session went on for {clock_text(down_s)} without data, to {clock_text(self.clock_s)}{counted}; "
                "the walk's numbers cover the time before")

    def _sensor_rate_hz(self, engine_rate_hz: Any) -> float:
        """The stream's sampling rate as analyze gives it for the recording: 1 / the median step of the samples
        fed (the engine's), else the nominal rate. Not ``rate_hz``, the arrival rate of the last 5 s: a 200-Hz
        stream with 20 % lost said 160 Hz, and analyze of its recording 200 Hz, with no word why."""
        for rate in (engine_rate_hz, self.signal.nominal_rate_hz):
            if rate is not None and math.isfinite(float(rate)) and rate > 0:
                return round(float(rate), 3)
        return round(float(self.signal.rate_hz), 3)

    def _start_local(self) -> str:
        """The session's start on this computer's clock, ISO with its UTC offset."""
        return self.start_utc.astimezone().isoformat(timespec="milliseconds")

    def finish(self) -> AnalysisResult | None:
        """Close the recording and return the engine's final result (idempotent).

        None when no sample ever arrived."""
        if self.result is not None:
            return self.result
        if self._held_no_gyro:              # the walk ended while the gyroscope was away: those samples are a gap
            self._leave_out_held()
        if self.writer is not None:
            try:
                self.writer.close()            # (waits for a rewrite without gyro columns still running)
            except RecordingError as exc:      # rows it held in memory could not be written: the analysis has them
                self.notices.append(str(exc).split("\n")[0])
            # how the rewrite ended: the file that kept the gyro rows (walk.csv itself if it failed), and the
            # continuation file the recording went on in then
            gyro_path = getattr(self.writer, "gyro_path", None)
            if gyro_path is not None:
                self.gyro_record_path = None if Path(gyro_path) == self.record_path else Path(gyro_path)
            cont = getattr(self.writer, "continuation_path", None)
            self.continuation_path = Path(cont) if cont is not None and Path(cont).exists() else None
            if self._writer_problem is None:
                self._say_writer_problem(None)
        if self.engine is None:
            return None
        self._feed_pending(LiveUpdate(time_s=self._last_t or 0.0))
        lost_for_good = self._count_link_lost_for_good()
        replayed = getattr(self.source, "path", None)
        # calendar days on this computer's clock; a replay's: its file's own start (None when it has none)
        clock_meta = getattr(self.source, "clock_meta", None)
        shown_steps = int((self._status or {}).get("n_steps", 0))
        seated_before = sum(len(c["retracted"]) for c in self.engine.posture_checks)
        with self._device_faults():
            res = self.engine.finish(clock=None if self.anonymise
                                     else recording_clock(clock_meta) if clock_meta is not None
                                     else None if replayed is not None
                                     else recording_clock({"start_time": self._start_local()}))
        s = self.signal
        placement = self.engine_context.get("placement")
        # a replayed file is the source when nothing new was recorded (it read 'live', hiding which file)
        res.summary.update({
            "source": (str(self.record_path) if self.record_path is not None
                       else str(replayed) if replayed is not None else "live"),
            "sample_rate_hz": self._sensor_rate_hz(res.summary.get("sample_rate_hz")),
            "placement": placement or "unknown",
            "n_samples": int(s.samples),
            "device": self.device or "unknown",
            "protocol": self.family or "unknown",
            "lost_samples": int(s.lost_samples),
            "loss_pct": round(s.loss_pct, 3),
            "reconnects": int(s.reconnects),
            "link_lost_s": round(s.link_lost_s, 2),
            "corrupt_packets": int(s.corrupt),
            "queue_drops": int(s.queue_drops),
            "start_utc": self.start_utc.isoformat(timespec="milliseconds"),
        })
        loss = s.heavy_loss_hint()
        if loss is not None:
            res.summary["sensor_hints"] = [loss, *(res.summary.get("sensor_hints") or [])]
        if self.record_path is not None:
            res.summary["path"] = str(self.record_path)
        if replayed is not None:
            res.summary["replay_of"] = str(replayed)
        file_summary = getattr(self.source, "file_summary", None)
        if file_summary:
            # a replay: what the file says of itself (its rate, its clock) as analyze says it; the session's own
            # wall-clock start is when the replay ran, not when the walk began
            res.summary["replayed_at"] = res.summary.pop("start_utc")
            res.summary.update(file_summary)
        elif replayed is None:
            # a live walk's 0 s is when the session began, on this computer's clock: the summary says it as analyze
            # of its recording does (start_time_iso, start_unix_s, time_offset_s), not as start_utc alone (review)
            from ..days import clock_summary

            res.summary.update({"time_offset_s": 0.0, **clock_summary({"start_time": self._start_local()})})
        if not file_summary and res.summary.get("treadmill_schedule") is None:
            # a walk at one belt speed / incline: the schedule its recording's walk.treadmill.csv holds (run_live
            # saves _treadmill_context there), which analyze of the recording reads and reports — the live JSON
            # said null for it (contracts audit s35 F1). A replay says what analyze of its file says: not here.
            sched = _treadmill_context(self)
            if sched is not None:
                res.summary["treadmill_schedule"] = sched.to_list()
                res.summary["treadmill_schedule_origin_s"] = float(self._first_t or 0.0)
        notes = []
        # where the lost samples went: a stream without counter or stamp (Thingy:52) sees no loss over the link —
        # every sample it counts lost is a notification this computer dropped (ThingyStream.skip → lost_before).
        # That loss was said three times, two of them wrong: 'lost over the link', next to 'N notifications were
        # dropped because processing fell behind' and 'lost packets cannot be detected' (found by review).
        # … except the time a reconnect's outage left without data, estimated at the nominal rate (the link's Gap)
        on_host = s.loss_detection == "none" and s.lost_samples <= s.queue_drops
        if s.lost_samples:
            where = (f"on this computer ({s.queue_drops} notifications were dropped because processing fell "
                     "behind)" if on_host and s.queue_drops
                     else "over the link or on this computer" if s.queue_drops else "over the link")
            notes.append(f"{s.lost_samples} samples ({s.loss_pct:.2f} %) were lost {where} in {s.gaps} gap(s); "
                         "gaps are left as gaps (nothing interpolated beyond 0.5 s)")
        if s.loss_detection == "none":
            notes.append("this sensor's stream has no sequence number or timestamp: packets lost over the link "
                         "cannot be detected" + (" (those dropped on this computer are counted)"
                                                 if s.queue_drops else ""))
        if lost_for_good:
            notes.append(lost_for_good)
        if s.reconnects:
            notes.append(f"the sensor reconnected {s.reconnects} time(s) during the walk")
        if s.queue_drops and not (on_host and s.lost_samples):
            notes.append(f"{s.queue_drops} notifications were dropped on this computer because processing fell "
                         "behind" + (" (their samples are among the lost ones above)" if s.lost_samples else ""))
        if s.dropped_overlap:
            notes.append(f"{s.dropped_overlap} samples were dropped because their time stamps went backwards")
        notes += self.notices
        taken_back = shown_steps - len(res.steps)
        if taken_back > 0:
            # the live counter counts a walk's steps as they come; the end of the data closes the last walk, and
            # its last steps are judged then (sitting down after them?) as analyze judges them: the counter said
            # 25 and the report 21 with no word why (new-user audit s34 #11)
            seated = sum(len(c["retracted"]) for c in self.engine.posture_checks) - seated_before
            why = ("the trunk settled reclined after them: sitting down, not walking" if seated >= taken_back
                   else "judged when the last walk closed")
            notes.append(f"the live step counter showed {shown_steps} steps; the last {taken_back} were taken back at "
                         f"the end ({why}), as imu-gait analyze of the recording judges them: the walk counts "
                         f"{len(res.steps)}")
        if self._status:
            self._status["n_steps"] = len(res.steps)     # status() after the end agrees with the result
        if s.clipped_samples:
            notes.append(f"{s.clipped_samples} samples came in packets the sensor flagged as clipped (a reading at "
                         "the end of its range): the peaks of fast movements or knocks are cut off there")
        if s.samples_without_gyro:
            notes.append(f"{s.samples_without_gyro} samples came without angular rate (gyroscope missing from "
                         "their packets) and were left out as gaps (counted in the lost samples)")
        # what the source knows about its data (a replay: the reader's notes on the file, a gyroscope left out
        # for its axes), before the engine's notes and after them, where imu_gait.analyze puts them
        notes += [str(n) for n in (getattr(self.source, "notes", None) or [])]
        if getattr(self.source, "gyro_axis_mismatch", None) is not None:
            res.summary["gyro_axis_mismatch"] = self.source.gyro_axis_mismatch
        after = [str(n) for n in (getattr(self.source, "analysis_notes", None) or [])]
        if self._height_note:
            after.append(self._height_note)
        after += self.context_notes
        res.warnings = notes + list(res.warnings) + after
        if self.marks:
            self._save_marks()            # (a mark made before the recording file opened is saved now)
            attach_marks(res, self.marks)
            if self.marks_error:
                res.warnings.append(self.marks_error)
        if self.anonymise:
            self._anonymise_result(res, replayed)
        self.result = res
        return res

    def _anonymise_result(self, res: AnalysisResult, replayed: Any) -> None:
        """``res`` as ``analyze --anonymise`` gives it: named 'recording', no wall clock, no path; the sensor's own
        names (with their serials, its address) said as its model in the notes too."""
        from ..privacy import DEFAULT_PSEUDONYM, anonymise_result, redact_value

        for key in ("path", "replay_of", "replayed_at", "start_utc", "time_offset_s", *CLOCK_META_KEYS):
            res.summary.pop(key, None)
        anonymise_result(res, [self.record_path, replayed], DEFAULT_PSEUDONYM)
        names = sorted(self._sensor_names - {self.device}, key=len, reverse=True)
        if names:
            model = self.device or "the sensor"
            res.summary = redact_value(dict(res.summary), names, model, names=True)
            res.summary["source"] = DEFAULT_PSEUDONYM
            res.warnings = redact_value(list(res.warnings), names, model, names=True)


def _replay_context(replayed: Path | None, context: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The session's context, with the treadmill context its live session saved beside a replayed recording
    (walk.treadmill.csv) when the caller gave none, and the note saying so — as analyze reads it: a replay
    gave 0.61 m 'estimate' steps where analyze of the same file gave 0.76 m from the belt speed."""
    if replayed is None:
        return context, None
    return with_sidecar_schedule(replayed, context)


def _replayed_mark_line(session: LiveSession, mark: Mark) -> str:
    """The live view's line for a replayed symptom mark, with what the gait did before it."""
    feedback = session.mark_feedback(mark)
    return (f"mark {clock_text(mark.elapsed_s)} (from the recording's marks): {mark.label()}"
            + (f"\n       {HIGH_PAIN_ADVICE}" if high_pain(mark) else "")
            + (f"\n       {feedback}" if feedback else ""))


def _treadmill_context(session: LiveSession) -> TreadmillSchedule | None:
    """The walk's treadmill context as a schedule (one stage when it never changed), or None."""
    eng = session.engine
    if eng is None:
        return None
    if eng.treadmill_schedule is not None:
        return eng.treadmill_schedule
    belt, incline = eng.context.get("belt_speed_mps"), eng.context.get("incline_pct")
    if belt is None and incline is None:
        return None
    return TreadmillSchedule.from_stages([(0.0, belt, incline)])


def _nan_to_none(v: float) -> float | None:
    return None if v is None or not math.isfinite(float(v)) else float(v)


def monitor(source: Any, *, on_step: Callable[[StepEvent], Any] | None = None,
            on_status: Callable[[dict], Any] | None = None, record: str | os.PathLike | Any | None = None,
            **engine_context: Any) -> LiveSession:
    """Monitor a live sample stream with the gait engine.

    ``source``: an *opened* stream — an async iterable of sample blocks and status events, e.g.
    ``async with open_stream("GaitIMU-1234") as stream`` (see :mod:`imu_gait.devices`),
    :func:`simulated_stream` or :class:`~imu_gait.devices.replay.ReplaySource`.
    ``on_step(event)``: called for every confirmed step (:class:`~imu_gait.engine.StepEvent`); a walk's
    last steps after which the walker sat down are taken back ~1.75 s later, and a walk that had no rhythm
    at all when it closes (a task's jolts) is taken back whole (``update.retracted``, and
    ``status()['n_steps']`` drops them).
    ``on_status(status)``: called with :meth:`LiveSession.status` whenever it changes (new
    per-step metrics, a flag rising, a link event). Callbacks may be plain or ``async`` functions.
    ``record``: native CSV path (or a ``NativeCsvWriter``) receiving every sample as it arrives.
    ``engine_context``: ``belt_speed_mps``, ``incline_pct``, ``treadmill``, ``sensor_height_m``,
    ``placement``, ``max_incline_pct``, ``baseline_s`` (as for :func:`imu_gait.analyze`),
    ``fs_hz`` (the input rate, when the source does not say) and ``feed_interval_s`` (the engine
    is fed every 0.1 s of samples by default: fewer, larger calls; 0 = every block) and
    ``status_interval_s`` (live status and flag cues re-read at most once per 1 s of stream) and
    ``cue_fade_s`` (a pattern that rises again within this many seconds of its last full cue — doubling
    each time — is shown quietly, ``update.faded_flag_ids``; 0 or None: every cue in full; see :mod:`.cues`) and
    ``anonymise`` (outputs to share: the sensor named by its model without serial or address, no wall clock in
    the recording or the result, the result's source 'recording'; README "What the outputs contain").

    Returns a :class:`LiveSession`: ``async with monitor(stream) as live: async for update in live: …``;
    afterwards ``live.result`` holds the :class:`~imu_gait.result.AnalysisResult` (also returned by
    ``live.finish()``). Example::

        async with open_stream("GaitIMU-1234") as stream:
            async with monitor(stream, record="walk.csv", on_step=print) as live:
                async for update in live:
                    if update.new_flags:
                        print("cue:", update.new_flags[0].message)
        print(live.result.summary["cadence_spm"])
    """
    fs_hz = engine_context.pop("fs_hz", None)
    feed_interval_s = engine_context.pop("feed_interval_s", 0.1)
    status_interval_s = engine_context.pop("status_interval_s", 1.0)
    cue_fade_s = engine_context.pop("cue_fade_s", CUE_FADE_S)
    anonymise = engine_context.pop("anonymise", False)
    return LiveSession(source, on_step=on_step, on_status=on_status, record=record, fs_hz=fs_hz,
                       feed_interval_s=feed_interval_s, status_interval_s=status_interval_s, cue_fade_s=cue_fade_s,
                       anonymise=anonymise, **engine_context)


# ------------------------------------------------------------------ the built-in emulated sensor
SIMULATED_SENSORS = ("gaitimu", "polar_h10", "polar_verity", "thingy52")
H10_RATES_HZ = (25, 50, 100, 200)                      # as EmulatedPolarH10 offers them (GET_SETTINGS)


@contextlib.asynccontextmanager
async def simulated_stream(*, speed: float = 1.0, rate_hz: int = 200, walk_s: float = 240.0, seed: int = 0,
                           faults: Any = None, sensor: str = "gaitimu", name: str | None = None,
                           stream_kwargs: dict | None = None, **synth_params: Any):
    """An opened stream from an emulated sensor (bumble GATT server on an in-process virtual
    radio), driven through bleak with the project's bumble backend — the whole BLE path with no
    hardware. ``sensor``: "gaitimu" (the open firmware: acc + gyro, exact loss accounting),
    "polar_h10" (PMD accelerometer only, loss estimated from frame time stamps) or
    "polar_verity" (PMD ACC + GYRO in delta-compressed frames, always 52 Hz: ``rate_hz`` is ignored)
    or "thingy52" (one sample per notification, no time stamp: loss undetectable; ≤ 200 Hz).

    The sensor plays :func:`imu_gait.synthetic.synthesize_walk` samples (``walk_s`` long, looping)
    at ``rate_hz``; ``speed`` > 1 runs faster than real time (the stream's clock is scaled the same
    way, so times stay in walk seconds). The yielded stream has ``.truth``
    (:class:`~imu_gait.synthetic.GaitTruth`), ``.sensor`` (the emulator) and ``.recording`` (the
    synthetic samples) for tests."""
    from ..synthetic import synthesize_walk
    from . import StreamSettings, open_stream
    from .emulated import (EMULATED_BACKEND, ArraySource, EmulatedAir, EmulatedGaitImu, EmulatedPolarH10,
                           EmulatedPolarVerity, EmulatedThingy52)

    if sensor not in SIMULATED_SENSORS:
        raise ValueError(f"unknown emulated sensor {sensor!r}: {', '.join(SIMULATED_SENSORS)}")
    if sensor == "polar_verity":
        rate_hz = 52                                   # the Verity's default (and only emulated) rate
    if sensor == "thingy52":
        rate_hz = min(int(rate_hz), 200)               # the Thingy's motion rate tops out at 200 Hz
    if sensor == "polar_h10":
        # the H10 offers 25/50/100/200 Hz and PmdSession starts it at the nearest (ties: the lower):
        # the walk must be synthesised at that rate (at 150 Hz the emulator's source refused the
        # 100-Hz stream and the live view waited forever for a first sample)
        rate_hz = min(H10_RATES_HZ, key=lambda r: abs(r - rate_hz))
        # … and a chest strap: it plays a walk as the chest moves (synthetic's rigid-trunk chest model), which the
        # live session judges as a chest sensor (registry.implied_placement)
        synth_params.setdefault("placement", "chest")
    rec, truth = synthesize_walk(walk_s, float(rate_hz), seed=seed, **synth_params)
    logging.getLogger("bumble").setLevel(logging.ERROR)     # its shutdown chatter is not the user's concern
    source = ArraySource(rec.acc_mps2, rec.gyro_rads, rate_hz)
    async with EmulatedAir() as air:
        if sensor == "gaitimu":
            periph = EmulatedGaitImu(name=name or "GaitIMU-SIM1", source=source, faults=faults, speed=speed)
        elif sensor == "polar_h10":
            periph = EmulatedPolarH10(name=name or "Polar H10 SIM00001", source=source, faults=faults, speed=speed)
        elif sensor == "polar_verity":
            periph = EmulatedPolarVerity(name=name or "Polar Sense SIM00002", source=source, faults=faults,
                                         speed=speed)
        else:
            periph = EmulatedThingy52(name=name or "Thingy SIM3", source=source, faults=faults, speed=speed)
        periph = await air.add(periph)
        # name_check_s 0: its own radio holds this one sensor, there is no other to tell it from
        kw = dict(backoff_s=(0.2, 0.5, 1.0, 2.0), scan_timeout_s=5.0, name_check_s=0.0)
        kw.update(stream_kwargs or {})
        async with open_stream(periph.name, backend=EMULATED_BACKEND, clock_ns=periph.host_clock_ns,
                               settings=StreamSettings(rate_hz=int(rate_hz)), **kw) as stream:
            stream.truth = truth
            stream.sensor = periph
            stream.recording = rec
            yield stream


# ------------------------------------------------------------------ reports and the whole command
def default_record_path(device: str | None, folder: str | os.PathLike = "recordings", *,
                        anonymise: bool = False) -> Path:
    """``recordings/<UTC timestamp>_<device>.csv``; ``anonymise``: ``recordings/recording.csv`` (then
    ``recording-2.csv`` …): neither the day nor the sensor's name in a file name that is shared."""
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    dev = re.sub(r"[^A-Za-z0-9_.-]+", "-", device or "sensor").strip("-") or "sensor"
    # a replay is named after its file ('replay:walk.csv'): not 'replay-walk.csv.csv'
    dev = re.sub(r"\.(csv|zip)$", "", dev, flags=re.IGNORECASE) or "sensor"
    Path(folder).mkdir(parents=True, exist_ok=True)
    stem = "recording" if anonymise else f"{stamp}_{dev}"
    path = Path(folder) / f"{stem}.csv"
    k = 2
    while True:
        # two walks started within the same second — two `imu-gait live` of one sensor family, or the same
        # device twice — must not share a file: the name is taken by creating the (empty) file at once, which
        # only one process can do. (A check for an existing file let both sessions pick one name: the writer
        # opens it seconds later, after the connection; both walks went into one CSV and one JSON.)
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return path
        except FileExistsError:
            path = Path(folder) / f"{stem}-{k}.csv"
            k += 1


def _release_unused(path: Path) -> None:
    """Remove a recording name :func:`default_record_path` took when no sample came to fill it."""
    try:
        if path.stat().st_size == 0:
            path.unlink()
    except OSError:
        pass


def write_reports(result: AnalysisResult, *, json_path: str | os.PathLike | None = None,
                  html_path: str | os.PathLike | None = None, anonymised: bool = False) -> list[tuple[str, Path]]:
    """The same outputs as ``imu-gait analyze --json … --report …``; returns what was written. ``anonymised``:
    the report says the start was left out, as ``analyze --anonymise``'s does."""
    written: list[tuple[str, Path]] = []
    if json_path is not None:
        result.to_json(str(json_path))
        written.append(("JSON", Path(json_path)))
    if html_path is not None:
        try:
            from ..report import write_html
        except ImportError:  # report module not installed: JSON only
            write_html = None
        if write_html is not None:
            s = result.summary
            marker = SimpleNamespace(meta={"anonymised": True}, source=s.get("source"), warnings=[],
                                     duration_s=s.get("duration_s"), sample_rate_hz=s.get("sample_rate_hz"),
                                     has_gyro=s.get("has_gyro")) if anonymised else None
            write_html(result, html_path, marker)
            written.append(("HTML report", Path(html_path)))
    return written


#: while no item comes, the source's clock is read this often (wall seconds)
TICK_S = 0.5
#: a connected sensor silent this long (stream s) is said so once
SILENT_NOTE_S = 3.0
#: --duration also ends a walk whose samples stopped (link lost for good): once the source's clock
#: is this far past it (the last second's samples may still be on their way) and no sample has come for
#: as long (samples still coming late — a backlog on a busy computer — are waited for: the clock alone
#: cut a 30-s walk at 29 s of samples)
DURATION_GRACE_S = 1.0
#: --duration's upper bound: a computer behind for good (samples keep coming, ever later, from a backlog) kept the
#: walk going without end, waiting for the duration's samples. This far past --duration by the source's clock
#: (stream s) the link is closed and the walk ends, said so; the samples it had received are still taken
DURATION_LATE_MAX_S = 60.0
#: the link down at the session's end for this long (stream s) past the last sample: lost for good, said and
#: counted (less is the last packet's own delay when the session ends as the link drops)
LINK_LOST_MIN_S = 2.0


async def _with_ticks(session: LiveSession, stream: Any):
    """The session's updates, and None every ``TICK_S`` while none comes — with the session told the
    stream's clock (``stream.now_s()``, when it has one). A link lost for good sends no sample and,
    after a few reconnect attempts, no event for up to a minute: --duration and the view kept waiting
    with the clock stood still."""
    now = getattr(stream, "now_s", None)
    pending: asyncio.Future | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(_next_or_none(session))
            done, _ = await asyncio.wait({pending}, timeout=TICK_S)
            if not done:
                if callable(now):
                    session.note_time(now())
                yield None
                continue
            item, pending = pending.result(), None
            if item is _END:
                return
            if item.n_samples:
                # when the link received them (stamped in its notification callback), not when they were taken
                # off its queue: behind a backlog a 6-s silence of the sensor was dequeued without a pause (and
                # not said), and a stall of this loop looked like one (flaky audit s38 F5)
                if session.received_s is not None:
                    session.note_arrival(session.received_s)
                elif callable(now):
                    session.note_arrival(now())
            yield item
    finally:
        if pending is not None and not pending.done():
            pending.cancel()
            with contextlib.suppress(BaseException):
                await pending


_END = object()


async def _next_or_none(session: LiveSession) -> Any:
    try:
        return await session.__anext__()
    except StopAsyncIteration:
        return _END


def _while_silent(session: LiveSession, view: Any, silence: dict) -> None:
    """Say once when a connected sensor has sent nothing for ``SILENT_NOTE_S`` (the view otherwise
    stood still with no word, as if the program hung)."""
    quiet = session.silent_s()
    if quiet >= SILENT_NOTE_S and session.signal.connected and not silence["said"]:
        silence["said"] = quiet
        if view is not None:
            view.note(session, f"no data from {session.device or 'the sensor'} for {quiet:.0f} s though it is "
                               "still connected — waiting; nothing is invented for the gap")
    elif silence["said"]:
        silence["said"] = max(silence["said"], quiet)


def _late_note(duration_s: float, time_s: float, at_close_s: float) -> str:
    """What --duration's upper bound did: the link closed ``DURATION_LATE_MAX_S`` past it, ``time_s`` of samples
    in the walk (``at_close_s`` of them taken before the close, the rest from the queue after it)."""
    late = (f"{DURATION_LATE_MAX_S:g} s past it by the clock, the samples were still coming ever later (this computer "
            f"fell behind the sensor), so the link was closed there")
    if time_s >= duration_s:
        return (f"duration {duration_s:g} s reached late: {late}; the samples already received (from "
                f"{clock_text(at_close_s)} on) came off the queue after it")
    return (f"duration {duration_s:g} s not reached: {late}; the walk holds {clock_text(time_s)} of samples — every "
            f"one received ({clock_text(time_s - at_close_s)} of them taken off the queue after the close)")


async def _close_source(stream: Any) -> None:
    """Close ``stream`` (no more samples), leaving its queue to be read to the end."""
    close = getattr(stream, "close", None)
    res = close() if close is not None else None
    if inspect.isawaitable(res):
        await res


class _StoppedWhileOpening(Exception):
    """Ctrl-C / SIGTERM / q came before the source was open (scanning, connecting)."""


def _cancelled_from_outside(task: asyncio.Task | None) -> bool:
    """Whether ``task`` itself has a cancellation pending (then a CancelledError is not ours to
    swallow). ``Task.cancelling()`` is Python 3.11+; on 3.10 this cannot be told, and a
    cancellation seen while :meth:`_Opening.cancel` was called is taken as Ctrl-C's."""
    cancelling = getattr(task, "cancelling", None)
    return bool(cancelling()) if cancelling is not None else False


class _Opening:
    """``source_cm`` whose opening (a BLE scan of up to 10 s, connecting, START) can be given up
    at once with :meth:`cancel`: Ctrl-C used to wait until the scan had timed out."""

    def __init__(self, source_cm: Any):
        self.cm = source_cm
        self._task: asyncio.Task | None = None
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True
        if self._task is not None:
            self._task.cancel()

    async def __aenter__(self) -> Any:
        if self._cancelled:
            raise _StoppedWhileOpening
        self._task = asyncio.ensure_future(self.cm.__aenter__())
        try:
            return await self._task
        except asyncio.CancelledError:
            if self._cancelled and self._task.cancelled() and not _cancelled_from_outside(asyncio.current_task()):
                raise _StoppedWhileOpening from None
            raise
        finally:
            self._task = None

    async def __aexit__(self, *exc: Any) -> Any:
        return await self.cm.__aexit__(*exc)


async def run_live(source_cm: Any, *, view: Any = None, record: str | os.PathLike | None = None,
                   json_path: str | os.PathLike | None = None, html_path: str | os.PathLike | None = None,
                   duration_s: float | None = None, engine_context: dict | None = None,
                   handle_signals: bool = True, record_folder: str | os.PathLike = "recordings",
                   auto_record: bool = True, keys: bool = False, anonymise: bool = False
                   ) -> tuple[LiveSession, list[tuple[str, Path]]]:
    """Run a whole live walk: open ``source_cm`` (an async context manager yielding a stream),
    monitor it, show it in ``view`` (see :mod:`.view`), record, stop on ``duration_s`` /
    Ctrl-C / SIGTERM / end of stream, and write the report. Returns (session, written files).

    ``record``: CSV path; None with ``auto_record`` → ``recordings/<timestamp>_<device>.csv``.
    ``json_path``/``html_path``: None → next to the recording (same stem), when recording.
    ``keys``: read treadmill keys (belt speed, incline, q) from the terminal (:mod:`.keys`).
    ``anonymise``: outputs to share (:func:`monitor`'s ``anonymise``; the default recording ``recording.csv``)."""
    loop = asyncio.get_running_loop()
    session: LiveSession | None = None
    installed: list[int] = []
    stop_reason = {"why": None}

    opener = _Opening(source_cm)

    def request_stop(why: str) -> None:
        stop_reason["why"] = why
        if session is not None:
            session.stop()
        else:                    # still scanning / connecting: give up now, not after the scan's 10 s
            opener.cancel()

    if handle_signals:
        for sig, why in ((signal.SIGINT, "interrupted (Ctrl-C)"), (signal.SIGTERM, "terminated (SIGTERM)")):
            try:
                loop.add_signal_handler(sig, request_stop, why)
                installed.append(sig)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread / Windows
                pass
    error: BaseException | None = None
    silence = {"said": 0.0}
    late: dict[str, Any] = {"closing": None, "time_s": None}     # --duration's upper bound reached (see below)
    rec_path: Path | None = None
    try:
        async with opener as stream:
            device = getattr(stream, "name", None)
            rec_path = record if record is not None else (
                default_record_path(device, record_folder, anonymise=anonymise) if auto_record else None)
            replayed = getattr(stream, "path", None)
            context, side_note = _replay_context(replayed, engine_context or {})
            session = monitor(stream, record=rec_path, anonymise=anonymise, **context)
            if side_note:
                session.context_notes.append(side_note)
            if stop_reason["why"] is not None:
                session.stop()
            # a replayed recording's symptom marks (walk.marks.csv) come back at their times, as p did
            replay_marks = list(marks_for(replayed)[0] or []) if replayed is not None else []
            now_s = getattr(stream, "now_s", None)

            mark_keys = MarkKeys()

            def on_key(key: str) -> None:
                if key in ("q", "Q"):
                    request_stop("stopped with q")
                    return
                line = apply_key(session, key) or mark_keys.apply(session, key, time.monotonic())
                if line is not None and view is not None:
                    view.note(session, line)

            with KeyReader(on_key) if keys else contextlib.nullcontext() as reader:
                if view is not None and getattr(reader, "active", False):
                    view.keys_help = KEYS_HELP
                if view is not None:
                    view.start(session)
                try:
                    # aclosing: a break after a tick leaves a read pending; it is cancelled here,
                    # before finish(), not whenever the generator is collected
                    async with session, contextlib.aclosing(_with_ticks(session, stream)) as updates:
                        async for upd in updates:
                            if upd is None:              # nothing came for a while: the source's clock
                                _while_silent(session, view, silence)
                                tick = getattr(view, "tick", None)      # (a caller's own view may have none)
                                if tick is not None:
                                    tick(session)
                            elif view is not None:
                                view.update(session, upd)
                            while replay_marks and session.time_s >= replay_marks[0].elapsed_s:
                                m = replay_marks.pop(0)
                                mark = session.add_mark(m.pain, m.note, at_s=m.elapsed_s)
                                if view is not None:
                                    view.note(session, _replayed_mark_line(session, mark))
                            if upd is not None and upd.n_samples and not silence["said"] and \
                                    session.last_quiet_s >= SILENT_NOTE_S and session.signal.connected:
                                # a silence seen only now, from the link's receipt stamps: the loop was behind
                                # its queue the whole time, so no tick came while it lasted
                                silence["said"] = session.last_quiet_s
                                if view is not None:
                                    view.note(session, f"no data from {session.device or 'the sensor'} for "
                                                       f"{session.last_quiet_s:.0f} s though it was still connected "
                                                       "(seen late: this computer was behind); nothing is "
                                                       "invented for the gap")
                            if upd is not None and upd.n_samples and silence["said"]:
                                if view is not None:
                                    quiet = max(session.last_quiet_s, silence["said"])
                                    view.note(session, f"data again after {quiet:.0f} s of silence")
                                silence["said"] = 0.0
                            if duration_s is not None and (session.time_s >= duration_s or (
                                    session.clock_s >= duration_s + DURATION_GRACE_S
                                    and session.silent_s() >= DURATION_GRACE_S)):
                                stop_reason["why"] = stop_reason["why"] or f"duration {duration_s:g} s reached"
                                break
                            if duration_s is not None and callable(now_s) and session.time_s > 0:
                                late_s = now_s() - session.time_origin_s - duration_s
                                if late["closing"] is None and late_s >= DURATION_LATE_MAX_S:
                                    # no new samples from here; those already received still come off the queue
                                    late["closing"] = asyncio.ensure_future(_close_source(stream))
                                    late["time_s"] = session.time_s
                                elif late["closing"] is not None and late_s >= 2 * DURATION_LATE_MAX_S:
                                    break               # a source that goes on after its close: no drain for ever
                        # (inside: the session's exit makes its result, which takes this note)
                        if late["closing"] is not None:
                            with contextlib.suppress(Exception):
                                await asyncio.wait_for(asyncio.shield(late["closing"]), 5.0)
                            note = _late_note(duration_s, session.time_s, late["time_s"])
                            session.context_notes.append(note)
                            if stop_reason["why"] in (None, f"duration {duration_s:g} s reached"):
                                stop_reason["why"] = note
                except Exception as exc:  # noqa: BLE001 - report what was recorded, then re-raise
                    error = exc
                    stop_reason["why"] = f"error: {exc}"
                finally:
                    session.finish()
                    if record is None and rec_path is not None and session.record_path is None:
                        _release_unused(rec_path)       # nothing recorded: no empty file left behind
                    if view is not None:
                        view.stop(session, stop_reason["why"] or "stream ended")
    except _StoppedWhileOpening:
        _remove_handlers(loop, installed)
        return None, []
    except BaseException:
        _remove_handlers(loop, installed)
        if record is None and rec_path is not None:
            _release_unused(rec_path)     # the name was taken, then setting up failed: no empty file left behind
        raise
    # Ctrl-C / SIGTERM stay ours while the reports are written: that takes seconds after hours of walking, and a
    # second Ctrl-C pressed meanwhile (the first asked to stop) raised KeyboardInterrupt in the middle of it, the
    # handlers being gone — no HTML report, no summary, only 'interrupted' (live audit s36 F1). Ours only asks to
    # stop, which the session already does; the save goes on.
    try:
        return _save_outputs(session, error, json_path, html_path)
    finally:
        _remove_handlers(loop, installed)


def _remove_handlers(loop: asyncio.AbstractEventLoop, installed: list[int]) -> None:
    for sig in installed:
        loop.remove_signal_handler(sig)
    installed.clear()


def _save_outputs(session: LiveSession | None, error: BaseException | None, json_path: Any, html_path: Any
                  ) -> tuple[LiveSession | None, list[tuple[str, Path]]]:
    """The end of :func:`run_live`: the reports beside the recording, the treadmill context and marks files, and
    the error (if the walk ended on one) raised with what was kept. Returns (session, written files)."""
    written: list[tuple[str, Path]] = []
    result = session.result if session is not None else None
    if result is not None:
        base = session.record_path
        jp = json_path if json_path is not None else (base.with_suffix(".json") if base is not None else None)
        hp = html_path if html_path is not None else (base.with_suffix(".html") if base is not None else None)
        try:
            written = write_reports(result, json_path=jp, html_path=hp, anonymised=session.anonymise)
        except OSError as exc:      # a disk that filled during the walk: the recording itself is safe
            from ..errors import ImuGaitError

            rec_note = (f"; the recording {base} is complete — 'imu-gait analyze {base} --json … --report …' "
                        "makes the reports from it" if base is not None else "")
            raise ImuGaitError(f"{exc.filename or 'report'}: could not write it ({exc.strerror or exc})"
                               + rec_note) from None
        if base is not None:
            sched = _treadmill_context(session)
            if sched is not None:             # so that re-analysing the recording uses the same context
                written.append(("treadmill schedule", write_schedule(
                    sched, sidecar_path(base), note=f"recorded live with {base.name}")))
            if session.marks and session.marks_error is None:    # saved at each mark
                written.append(("symptom marks", marks_path(base)))
    if error is not None:
        from ..errors import ImuGaitError

        if isinstance(error, ImuGaitError):
            raise error
        # anything else is a bug; it reached the user as a raw traceback (a ValueError on one GaitIMU packet
        # without gyro ended a walk so): say what happened and what of the walk was kept
        kept = ([("recording", session.record_path)] if session is not None and session.record_path is not None
                else []) + written
        raise ImuGaitError(f"the live session stopped on an unexpected error ({type(error).__name__}: {error})"
                           + "".join(f"\n  {what} kept: {path}" for what, path in kept)
                           + "\n  What to do: the samples up to the error are kept" + (" (above)" if kept else "")
                           + "; please report this message — it is a bug") from error
    if session is not None and session.record_path is not None:
        written.insert(0, ("recording", session.record_path))
        if session.gyro_record_path is not None:
            written.insert(1, (session.gyro_record_label, session.gyro_record_path))
        if session.continuation_path is not None:       # the rewrite without gyro columns failed (said in the view)
            written.insert(1, ("recording continued without angular rate", session.continuation_path))
    return session, written

