"""Treadmill context that changes during a walk: belt speed and incline over time.

Treadmill programs (intervals, hills) and people who turn the speed up after a warm-up change
the belt speed and the incline during one recording. A :class:`TreadmillSchedule` holds those
stages; each stage lasts from its start until the next one starts (the first also covers
anything before it). Times are *elapsed seconds since the recording's first sample* — what
the treadmill console shows when both were started together — so the same schedule file fits
any logger's time axis; the engine shifts it onto the recording's own axis.

Schedule file (CSV, ``imu-gait analyze --treadmill-schedule FILE``)::

    # lines starting with # are comments
    time,belt_speed_kmh,incline_pct
    0:00,4.5,0
    5:00,5.0,4
    12:30,5.0,8

``time`` is seconds (``330``, ``330.5``) or ``m:ss`` / ``h:mm:ss``; the speed column is one of
``belt_speed_mps``, ``belt_speed_kmh``, ``belt_speed_mph``; ``incline_pct`` is optional, as is
the speed (give at least one). An empty cell means "not known for this stage".
"""
from __future__ import annotations

import csv
import difflib
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable
from typing import Any

import numpy as np

from .errors import HintedError
from .recording import clock_text, parse_clock
from ._output_file import write_text_atomically

SPEED_UNITS = {"belt_speed_mps": 1.0, "belt_speed_kmh": 1 / 3.6, "belt_speed_mph": 0.44704}
SPEED_RANGE_MPS = (0.1, 12.0)
INCLINE_RANGE_PCT = (-30.0, 40.0)


class ScheduleError(HintedError):
    """A treadmill schedule that cannot be used (the message names the file, line and column)."""


@dataclass(frozen=True)
class TreadmillSchedule:
    """Belt speed (m/s) and incline (%) per stage; NaN where a stage does not say.

    ``start_s`` are elapsed seconds since the recording's first sample, strictly increasing.
    Build with :meth:`from_stages` (library) or :func:`read_schedule` (CSV file).
    """

    start_s: np.ndarray
    belt_speed_mps: np.ndarray
    incline_pct: np.ndarray
    #: the CSV it was read from (:func:`read_schedule`), None when built in code: a batch row's options then
    #: name the file, a command that can be run again
    path: str | None = field(default=None, compare=False)
    #: its stage times are the moments the live keys were pressed (GaitEngine.set_treadmill), or it was read
    #: from a sidecar that says so (LIVE_KEYS_MARK): seconds by construction, so no unit slip is looked for
    from_keys: bool = field(default=False, compare=False)

    @classmethod
    def from_stages(cls, stages: Iterable[Any]) -> "TreadmillSchedule":
        """From ``(start_s, belt_speed_mps, incline_pct)`` tuples or dicts (None = unknown). A dict may use
        the schedule CSV's names too: ``time`` / ``time_s`` / ``start`` for the start (seconds or 'm:ss'),
        ``belt_speed_kmh`` / ``belt_speed_mph`` for the speed; any other key is refused with the closest
        valid name (a silently dropped ``belt_speed`` left the belt speed unknown)."""
        if isinstance(stages, (str, bytes, dict)) or not isinstance(stages, Iterable):
            raise ScheduleError(f"the treadmill stages must be a list of stages, not {type(stages).__name__} "
                                f"{stages!r}", hint=_STAGES_HINT)
        rows = [_stage_values(i, st) for i, st in enumerate(stages)]
        if not rows:
            raise ScheduleError("the treadmill schedule has no stages")
        start, speed, incline = (np.array(c, float) for c in zip(*rows))
        _check(start, speed, incline, [f"stage {i + 1}" for i in range(len(rows))])
        return cls(start, speed, incline)

    @property
    def n_stages(self) -> int:
        return int(self.start_s.size)

    @property
    def is_constant(self) -> bool:
        """One stage, or every stage repeats the first one's values."""
        def same(a: np.ndarray) -> bool:
            return bool(np.all((a == a[0]) | (np.isnan(a) & np.isnan(a[0]))))
        return same(self.belt_speed_mps) and same(self.incline_pct)

    def stage_index(self, elapsed_s) -> np.ndarray:
        """Index of the stage in force at each elapsed time (before the first stage: the first)."""
        return np.clip(np.searchsorted(self.start_s, np.asarray(elapsed_s, float), side="right") - 1,
                       0, self.n_stages - 1)

    def speed_at(self, elapsed_s) -> np.ndarray:
        """Belt speed in m/s at each elapsed time (NaN where the stage gives none)."""
        return self.belt_speed_mps[self.stage_index(elapsed_s)]

    def incline_at(self, elapsed_s) -> np.ndarray:
        """Incline in % at each elapsed time (NaN where the stage gives none)."""
        return self.incline_pct[self.stage_index(elapsed_s)]

    def to_list(self) -> list[dict[str, float | None]]:
        """JSON-friendly stages (None for unknown values)."""
        def f(v: float) -> float | None:
            return None if math.isnan(v) else round(float(v), 6)
        return [{"start_s": float(s), "belt_speed_mps": f(v), "incline_pct": f(i)}
                for s, v, i in zip(self.start_s, self.belt_speed_mps, self.incline_pct)]

    def describe(self) -> str:
        """One line for a report: '3 stages: 0:00 1.25 m/s 0 % → 5:00 1.39 m/s 4 % → …'."""
        parts = []
        for s in self.to_list():
            bits = [mmss(s["start_s"])]
            if s["belt_speed_mps"] is not None:
                bits.append(f"{s['belt_speed_mps']:.2f} m/s ({s['belt_speed_mps'] * 3.6:.1f} km/h)")
            if s["incline_pct"] is not None:
                bits.append(f"{s['incline_pct']:g} %")
            parts.append(" ".join(bits))
        return f"{self.n_stages} stage{'s' if self.n_stages != 1 else ''}: " + " → ".join(parts)


_STAGES_HINT = ("give a list of (start_s, belt_speed_mps, incline_pct) tuples or of dicts such as "
                "{'start_s': 0, 'belt_speed_mps': 1.25, 'incline_pct': 0}, e.g. from_stages([(0, 1.25, 0)])")
#: the keys a stage dict may use: the library's names and the schedule CSV's columns
_TIME_KEYS = ("start_s", "time", "time_s", "start")
_STAGE_KEYS = (*_TIME_KEYS, *SPEED_UNITS, "incline_pct")


def _closest_key(key: Any) -> str:
    """' — did you mean 'belt_speed_mps'?' for a misspelt stage key ('' when nothing is close); a unit-less
    name ('belt_speed', 'incline') gets the SI one, as analyze()'s keyword check does."""
    text = str(key).strip().lower()
    close = (difflib.get_close_matches(text, _STAGE_KEYS, n=1, cutoff=0.5)
             or [k for k in _STAGE_KEYS if k.startswith(text.split("_")[0])][:1])
    return f" — did you mean {close[0]!r}?" if close else ""


def _stage_values(i: int, st: Any) -> tuple[float, float, float]:
    """One stage (a tuple or a dict) as (start_s, belt_speed_mps, incline_pct), NaN for unknown; a
    :class:`ScheduleError` naming the stage otherwise."""
    where = f"treadmill stage {i + 1}"
    if isinstance(st, dict):
        unknown = [k for k in st if k not in _STAGE_KEYS]
        if unknown:
            raise ScheduleError(f"{where}: unknown key {unknown[0]!r}{_closest_key(unknown[0])}",
                                hint=f"a stage's keys are {', '.join(_STAGE_KEYS)} (one time, one speed)")
        times = [k for k in _TIME_KEYS if k in st]
        speeds = [k for k in SPEED_UNITS if k in st]
        if len(times) != 1:
            raise ScheduleError(f"{where}: {'no start time' if not times else f'two start times {times}'} "
                                f"in {st!r}", hint="give the stage's start as 'start_s' (seconds since the "
                                "recording began)")
        if len(speeds) > 1:
            raise ScheduleError(f"{where}: give the belt speed in one unit only, found {speeds}")
        start = _stage_number(st[times[0]], where, times[0], clock=True)
        speed = (_stage_number(st[speeds[0]], where, speeds[0]) * SPEED_UNITS[speeds[0]]
                 if speeds else float("nan"))
        return start, speed, _stage_number(st.get("incline_pct"), where, "incline_pct")
    if isinstance(st, (str, bytes)) or not isinstance(st, Iterable):
        raise ScheduleError(f"{where}: {st!r} is a {type(st).__name__}, not a stage", hint=_STAGES_HINT)
    vals = tuple(st)
    if not 1 <= len(vals) <= 3:
        raise ScheduleError(f"{where}: {st!r} has {len(vals)} values, a stage has 1 to 3 "
                            "(start_s, belt_speed_mps, incline_pct)", hint=_STAGES_HINT)
    vals += (None,) * (3 - len(vals))
    return (_stage_number(vals[0], where, "start_s", clock=True), _stage_number(vals[1], where, "belt_speed_mps"),
            _stage_number(vals[2], where, "incline_pct"))


def _stage_number(value: Any, where: str, name: str, clock: bool = False) -> float:
    """A stage value as a float (None → NaN, unknown); a start time may be written 'm:ss' as in the CSV."""
    if value is None:
        return float("nan")
    try:
        return parse_clock(value) if clock and isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ScheduleError(f"{where}: {name} {value!r} is not a number", hint=_STAGES_HINT) from None


#: the comment line a sidecar of stages made with the live keys carries (write_schedule), read back as from_keys
LIVE_KEYS_MARK = "# stage times are when the live keys were pressed"


def read_schedule(path: str | Path) -> TreadmillSchedule:
    """Read a schedule CSV (format in the module docstring); errors name the file, line and column."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScheduleError(f"{path}: no such treadmill schedule file") from None
    except IsADirectoryError:
        raise ScheduleError(f"{path}: is a folder, not a treadmill schedule file",
                            hint="name the schedule's CSV file (time,belt_speed_kmh,incline_pct)") from None
    except UnicodeDecodeError as exc:
        raise ScheduleError(f"{path}: the treadmill schedule is not a text file ({exc.reason} at byte {exc.start})",
                            hint="save the schedule as CSV text (UTF-8): time,belt_speed_kmh,incline_pct") from None
    except OSError as exc:
        raise ScheduleError(f"{path}: cannot read the treadmill schedule ({exc.strerror or exc})",
                            hint="check the file's permissions, or copy it somewhere you can read") from None
    if "\x00" in text:            # (Python 3.10's csv module raised on it; no text file holds one)
        line_no = text[:text.index("\x00")].count("\n") + 1
        raise ScheduleError(f"{path}, line {line_no}: a NUL byte — this is not a text file", hint="save the schedule as CSV text (UTF-8): time,belt_speed_kmh,incline_pct")
    lines = [(i + 1, ln) for i, ln in enumerate(text.splitlines()) if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise ScheduleError(f"{path}: the treadmill schedule is empty",
                            hint="first line: time,belt_speed_kmh,incline_pct — then one line per stage")
    delim = ";" if lines[0][1].count(";") > lines[0][1].count(",") else ","
    header_no, header_line = lines[0]
    header = [h.strip().lower() for h in next(csv.reader(io.StringIO(header_line), delimiter=delim))]
    where = f"{path}, line {header_no}"
    time_cols = [h for h in header if h in ("time", "time_s", "start", "start_s")]
    speed_cols = [h for h in header if h in SPEED_UNITS]
    unknown = [h for h in header if h not in ("time", "time_s", "start", "start_s", "incline_pct", *SPEED_UNITS)]
    hint = "columns: time (s or m:ss), belt_speed_kmh | belt_speed_mps | belt_speed_mph, incline_pct"
    if len(time_cols) != 1:
        raise ScheduleError(f"{where}: the header needs one time column ('time'), found {header}", hint=hint)
    if len(speed_cols) > 1:
        raise ScheduleError(f"{where}: give the belt speed in one unit only, found {speed_cols}", hint=hint)
    if unknown:
        raise ScheduleError(f"{where}: unknown column(s) {unknown}", hint=hint)
    if not speed_cols and "incline_pct" not in header:
        raise ScheduleError(f"{where}: the header names neither a belt speed nor an incline column", hint=hint)
    ti = header.index(time_cols[0])
    vi = header.index(speed_cols[0]) if speed_cols else None
    ii = header.index("incline_pct") if "incline_pct" in header else None
    start, speed, incline, labels = [], [], [], []
    for line_no, line in lines[1:]:
        cells = [c.strip() for c in next(csv.reader(io.StringIO(line), delimiter=delim))]
        if len(cells) != len(header):
            raise ScheduleError(f"{path}, line {line_no}: {len(cells)} cells, the header has {len(header)}",
                                hint=f"separate the cells with '{delim}'")
        where = f"{path}, line {line_no}"
        start.append(_parse_time(cells[ti], f"{where}, column {header[ti]!r}"))
        speed.append(_parse_number(cells[vi], f"{where}, column {header[vi]!r}") * SPEED_UNITS[header[vi]]
                     if vi is not None else float("nan"))
        incline.append(_parse_number(cells[ii], f"{where}, column 'incline_pct'") if ii is not None else float("nan"))
        labels.append(where)
    if not start:
        raise ScheduleError(f"{path}: the treadmill schedule has a header but no stages")
    s, v, i = np.array(start), np.array(speed), np.array(incline)
    _check(s, v, i, labels)
    from_keys = any(ln.strip() == LIVE_KEYS_MARK for ln in text.splitlines())
    return TreadmillSchedule(s, v, i, path=str(path), from_keys=from_keys)


def _check(start: np.ndarray, speed: np.ndarray, incline: np.ndarray, labels: list[str]) -> None:
    for k in range(start.size):
        if not math.isfinite(start[k]) or start[k] < 0:
            raise ScheduleError(f"{labels[k]}: the start time must be a number ≥ 0 (elapsed time since the "
                                "recording began)")
        if k and start[k] <= start[k - 1]:
            raise ScheduleError(f"{labels[k]}: starts at {mmss(start[k])}, not after the stage before "
                                f"({mmss(start[k - 1])}); list the stages in time order")
        lo, hi = SPEED_RANGE_MPS
        if not math.isnan(speed[k]) and not lo <= speed[k] <= hi:
            raise ScheduleError(f"{labels[k]}: belt speed {speed[k]:.2f} m/s is outside {lo}–{hi} m/s",
                                hint="check the unit in the header (belt_speed_kmh vs belt_speed_mps)")
        lo, hi = INCLINE_RANGE_PCT
        if not math.isnan(incline[k]) and not lo <= incline[k] <= hi:
            raise ScheduleError(f"{labels[k]}: incline {incline[k]:g} % is outside {lo:g} to {hi:g} %",
                                hint="incline is in percent grade (a treadmill's 5 means 5 %)")


def _parse_number(cell: str, where: str) -> float:
    if cell == "":
        return float("nan")
    if ":" in cell:
        raise ScheduleError(f"{where}: {cell!r} is not a number")
    return _parse_time(cell, where)


def _parse_time(cell: str, where: str) -> float:
    """Seconds, or m:ss / h:mm:ss (:func:`imu_gait.recording.parse_clock`); an empty cell is NaN."""
    if cell == "":
        return float("nan")
    try:
        return parse_clock(cell)
    except ValueError as exc:
        raise ScheduleError(f"{where}: {exc}") from None


def mmss(t: float) -> str:
    """Seconds → 'm:ss' ('h:mm:ss' from an hour), as everywhere (:func:`imu_gait.recording.clock_text`)."""
    return clock_text(float(t))


def write_schedule(schedule: TreadmillSchedule, path: str | Path, *, note: str = "") -> Path:
    """Write ``schedule`` as a schedule CSV (readable by :func:`read_schedule`); times in seconds."""
    path = Path(path)
    lines = [f"# imu_gait treadmill schedule{': ' + note if note else ''}",
             "# times are seconds since the recording's first sample; an empty cell = not known",
             *([LIVE_KEYS_MARK] if schedule.from_keys else []),
             "time,belt_speed_kmh,incline_pct"]
    for st in schedule.to_list():
        v, i = st["belt_speed_mps"], st["incline_pct"]
        lines.append(f"{st['start_s']:.2f},{'' if v is None else f'{v * 3.6:.4f}'},{'' if i is None else f'{i:g}'}")
    # UTF-8 as read_schedule reads it, not the locale's code page: the note names the recording ('步行.csv')
    write_text_atomically(path, "\n".join(lines) + "\n")   # whole or not at all; a link there is replaced
    return path


def sidecar_path(recording: str | Path) -> Path:
    """Where a live session leaves the treadmill context of its recording: ``walk.csv`` → ``walk.treadmill.csv``."""
    from .marks import named_path

    p = named_path(recording)        # '.' (the export folder you are in) has no name of its own
    return p.with_name((p.stem if p.suffix else p.name) + ".treadmill.csv")


def with_sidecar_schedule(recording: str | Path, context: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Analysis context plus the treadmill context a live session left beside its recording
    (``walk.treadmill.csv``), used only when the context gives none itself: (context, a note
    saying so, or None)."""
    if any(context.get(k) is not None for k in ("belt_speed_mps", "incline_pct", "treadmill_schedule")):
        return context, None
    side = sidecar_path(recording)
    if not side.is_file():
        return context, None
    return ({**context, "treadmill_schedule": read_schedule(side), "treadmill": True},
            f"treadmill context read from {side.name} (saved by the live session that recorded this walk)")
