"""Play a recording through the live path, in real time or faster.

:class:`ReplaySource` is a live source (see :mod:`.live`): it yields
:class:`~imu_gait.devices.link.SampleBlock` objects cut from a recording (any format
:func:`imu_gait.read` knows, or a :class:`~imu_gait.recording.Recording`) as if a sensor sent
them, paced by the wall clock divided by ``speed`` (``speed=0`` → as fast as possible). The
sample times are the recording's own, so a replay through :func:`~.live.monitor` gives the
same steps as :func:`imu_gait.analyze` on the file, and its result says of the file what analyze says
(the reader's notes, the file's rate and clock; a gap in the file is not a loss over a link).

    async with ReplaySource("walk.csv", speed=4) as src:
        async with monitor(src) as live:
            async for update in live: ...
"""
from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..days import CLOCK_META_KEYS, clock_summary, recording_start_utc
from ..recording import GAP_PERIODS
from .link import SampleBlock


@dataclass
class ReplayCounters:
    packets: int = 0
    samples: int = 0
    lost_samples: int = 0           # over the link: none, a file has no link
    corrupt: int = 0
    queue_drops: int = 0
    # samples the file's own time stamps say are missing (its holes, by the reader's gap rule), played so far:
    # not lost here — the reader's note on the file's gaps says so in the result, as analyze says it
    file_gap_samples: int = 0
    file_gaps: int = 0


class ReplaySource:
    """A recording as a live stream of sample blocks.

    Parameters
    ----------
    recording : path (read with :func:`imu_gait.read`) or a :class:`~imu_gait.recording.Recording`.
    speed : playback speed (1 = real time, 10 = ten times faster, 0 = no pacing at all).
    block_s : block length in seconds of recording time (like a sensor's packet batching), or a
        callable returning the next block length (e.g. random sizes in tests).
    clock : wall clock in seconds (monotonic), injectable for tests.
    """

    family = "replay"
    loss_detection = "exact"
    time_origin = "the replayed recording's own time axis"

    def __init__(self, recording: Any, *, speed: float = 1.0, block_s: float | Callable[[], float] = 0.05,
                 clock: Callable[[], float] = time.monotonic, **read_options: Any):
        if isinstance(recording, (str, os.PathLike)):
            from ..io import read

            self.path: Path | None = Path(recording)
            recording = read(recording, **read_options)
        else:
            self.path = None
        rec = recording if recording.is_validated else recording.validated()
        self.recording = rec
        self.name = f"replay:{self.path.name}" if self.path is not None else "replay"
        self.rate_hz = float(rec.sample_rate_hz)
        self.has_gyro = rec.gyro_rads is not None
        # what imu_gait.analyze takes from the file's metadata, so a replay analyses the same way
        self.engine_context: dict[str, Any] = {}
        try:
            if rec.meta.get("sensor_height_m") is not None:
                self.engine_context["sensor_height_m"] = float(rec.meta["sensor_height_m"])
        except (TypeError, ValueError):
            pass
        if rec.meta.get("placement"):
            self.engine_context["placement"] = str(rec.meta["placement"])
        if rec.meta.get("walking_aid"):            # (a live session's own recording says its aid, as analyze reads it)
            self.engine_context["walking_aid"] = str(rec.meta["walking_aid"])
        try:
            if rec.meta.get("height_m") is not None:          # the walker's height, as analyze reads it
                self.engine_context["body_height_m"] = float(rec.meta["height_m"])
        except (TypeError, ValueError):
            pass
        #: when the replayed recording began (its header's clock keys, for 0 s on its time axis): a replay
        #: plays the file's own time axis, so its calendar days are the file's, not today's
        self.clock_meta: dict[str, Any] = {k: rec.meta[k] for k in CLOCK_META_KEYS if rec.meta.get(k) not in (None, "")}
        self.gyro_axis_mismatch: float | None = None     # for the result's summary (None: no gyro)
        #: notes that imu_gait.analyze adds after the engine's own (live.py puts them there too)
        self.analysis_notes: list[str] = []
        if rec.gyro_rads is not None:
            # the gyro axis check needs the whole walk (imu_gait.analyze does it after the fact): run it
            # up front, so a replay leaves out a mismatched gyroscope exactly as analyze does
            from dataclasses import replace

            from ..engine import GYRO_LEFT_OUT_NOTE_START, GYRO_UNCHECKED_NOTE, analyze

            first = analyze(rec, **self.engine_context)
            self.gyro_axis_mismatch = float(first.summary.get("gyro_axis_mismatch", float("nan")))
            note = next((w for w in first.warnings if w.startswith(GYRO_LEFT_OUT_NOTE_START)), None)
            if note is not None:          # (analyze adds its note to the reader's, then analyses without the gyro)
                rec = replace(rec, gyro_rads=None, warnings=[*rec.warnings, note]).validated()
                self.recording = rec
                self.has_gyro = False
            elif GYRO_UNCHECKED_NOTE in first.warnings:
                self.analysis_notes.append(GYRO_UNCHECKED_NOTE)
        #: notes for the session's result (live.py puts them first), as imu_gait.analyze gives them: the reader's
        #: (units it assumed, the format it guessed, the file's gaps …) and a gyroscope left out for its axes —
        #: a replay's result said nothing of how the file was read
        self.notes: list[str] = list(rec.warnings)
        #: what imu_gait.analyze's summary says of the file itself, for the replay's summary (live.py puts them
        #: over the live session's): its sampling rate (the reader's, from the times' median step — not the
        #: live rate measured over the last 5 s: 223 vs 207 Hz on an Oxford phone file) and its clock — where
        #: its time axis began (time_offset_s, start_unix_s, start_time_iso) and, for start_utc, that same start
        #: in UTC (None when the file gives only a local time), not when the replay ran
        start = recording_start_utc(rec.meta)
        self.file_summary: dict[str, Any] = {
            "sample_rate_hz": round(float(rec.sample_rate_hz), 3),
            **clock_summary(rec.meta),
            "start_utc": None if start is None else start.isoformat(timespec="milliseconds")}
        if "time_offset_s" in rec.meta:
            # the new recording keeps the map back to the file's own clock, so analysing it says what the file does
            self.clock_meta["time_offset_s"] = rec.meta["time_offset_s"]
        # samples the time stamps say are missing, by the reader's gap rule (a step over 3 sample periods): holes
        # in the file, counted as such (file_gap_samples) for the live view — not as samples lost over a link
        # (the result said '25 samples were lost over the link' of a GENEActiv file's 520-ms gap; the reader's
        # own gap note, in self.notes, says what analyze says). _missing_upto[k]: samples missing before sample k.
        dt = np.diff(rec.time_s)
        period = 1.0 / self.rate_hz
        missing = np.where(dt > GAP_PERIODS * period, np.rint(dt / period) - 1.0, 0.0).astype(np.int64)
        self._missing_upto = np.concatenate([[0], np.cumsum(missing)])
        self.speed = float(speed)
        if self.speed < 0 or not np.isfinite(self.speed):
            raise ValueError(f"speed must be ≥ 0 (0 = as fast as possible), got {speed!r}")
        self.block_s = block_s
        self.clock = clock
        self.counters = ReplayCounters()
        self._i = 0
        self._wall0: float | None = None
        self._closed = False
        self._wake: asyncio.Event | None = None

    # ---- context manager (nothing to open; present so replay and devices look alike)
    async def __aenter__(self) -> "ReplaySource":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """End the replay; a pending ``__anext__`` returns at once (idempotent)."""
        self._closed = True
        if self._wake is not None:
            self._wake.set()

    @property
    def done_fraction(self) -> float:
        """Share of the recording's samples sent so far, 0..1."""
        return self._i / max(self.recording.n_samples, 1)

    def _next_len_s(self) -> float:
        b = self.block_s() if callable(self.block_s) else self.block_s
        return max(float(b), 1e-9)

    # ---- iteration
    def __aiter__(self) -> "ReplaySource":
        return self

    async def __anext__(self) -> SampleBlock:
        rec = self.recording
        t = rec.time_s
        n = t.size
        if self._closed or self._i >= n:
            raise StopAsyncIteration
        i0 = self._i
        i1 = int(np.searchsorted(t, t[i0] + self._next_len_s(), side="left"))
        i1 = min(max(i1, i0 + 1), n)
        if self.speed > 0:
            if self._wall0 is None:
                self._wall0 = self.clock() - (t[i1 - 1] - t[0]) / self.speed
            due = self._wall0 + (t[i1 - 1] - t[0]) / self.speed
            wait = due - self.clock()
            if wait > 0:
                if self._wake is None:
                    self._wake = asyncio.Event()
                try:
                    await asyncio.wait_for(self._wake.wait(), wait)
                except asyncio.TimeoutError:
                    pass
                if self._closed:
                    raise StopAsyncIteration
        else:
            await asyncio.sleep(0)          # let other tasks (view, signals) run
        self._i = i1
        self.counters.packets += 1
        self.counters.samples += i1 - i0
        # the file's holes before this block's first sample and inside it (a block is short: 50 ms by default)
        missing = int(self._missing_upto[i1 - 1] - (self._missing_upto[i0 - 1] if i0 else 0))
        if missing:
            self.counters.file_gap_samples += missing
            self.counters.file_gaps += int(np.count_nonzero(np.diff(self._missing_upto[max(i0 - 1, 0):i1])))
        return SampleBlock(time_s=t[i0:i1], acc_mps2=rec.acc_mps2[i0:i1],
                           gyro_rads=None if rec.gyro_rads is None else rec.gyro_rads[i0:i1],
                           first_index=i0, lost_before=0)
