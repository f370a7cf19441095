"""Day by day: when the sensor was worn, and each day's walking.

A sensor worn for days (a researcher's week of daily life, a patient sent home with a logger) is read
day by day, as real-world walking studies report it (Mobilise-D): each calendar day's steps, walking
bouts and their cadence and speed, and how long the sensor was worn that day — a day the sensor spent
on the bedside table is not a day of no walking. Only days worn long enough (:data:`VALID_DAY_WORN_H`)
count in the figures per day.

Wear is judged from the raw acceleration, per minute, with van Hees et al.'s rule (2011, 2013; the
rule most accelerometry studies use): a sensor lying still is not worn. A minute is *not worn* when it
lies in a 60-minute window (:data:`NONWEAR_WINDOW_MIN`) in which at least 2 of the 3 axes have a
standard deviation under 13 mg or a range under 50 mg, and is itself still by that test; a person lying
or sitting still for an hour still shifts by more than that. (van Hees marks the 15-minute block at the
centre of each such window; taking every still minute of the window keeps the edges of a long still
stretch where they are, to the minute.) Its known limit, as for van Hees: an hour of sleep without turning over can
read as taken off (breathing moves a trunk sensor by a few mg) — worn means "moved", not a diary. A recording of under 60 minutes cannot be judged: all of its recorded minutes count as worn.

Days are calendar days in the recording's own clock when the file says when it started (the native
``# start_time:`` line with its UTC offset, a live recording's ``start_utc``, a GENEActiv or date/time
column's local time, a phone's Unix time — taken as UTC, which the table says), else 24-hour days from
the first sample. Minutes are on the recording's time axis; a minute that a midnight cuts is shared
between its two days by the seconds of it recorded on each side, and each step counts in the day of its
contact.

Pure numpy / pandas; the per-minute sums are gathered chunk by chunk as samples arrive
(:class:`MinuteStats`, fed by the engine), so a week-long recording costs a few arrays of 10,080
minutes.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .bouts import OUTCOME_KEYS, bout_outcomes, flags_during
from .clocktext import parse_wall_clock
from .recording import G
MINUTE_S = 60.0
DAY_S = 86400.0
#: van Hees's window: the sensor must lie still this long before it counts as not worn
NONWEAR_WINDOW_MIN = 60
#: per-axis standard deviation (g) under which an axis is still
NONWEAR_STD_MAX_G = 0.013
#: per-axis range, max − min (g), under which an axis is still
NONWEAR_RANGE_MAX_G = 0.050
#: how many of the 3 axes must be still (by either test)
NONWEAR_AXES_MIN = 2
#: a window is judged only if at least this share of its minutes hold samples (a data gap is not stillness)
NONWEAR_WINDOW_MIN_COVER = 0.5
#: a day counts in the figures per day when the sensor was worn at least this long (10 h: the usual
#: accelerometry criterion for a valid day, Troiano et al. 2008; Mobilise-D asks 12 h of waking time)
VALID_DAY_WORN_H = 10.0

#: per-minute columns (:func:`minute_frame`, :func:`worn_minutes`)
MINUTE_COLUMNS = ("minute", "start_s", "n_samples", "recorded_s", "worn")
#: one row per day (:func:`day_table`); the walking figures are :func:`imu_gait.bouts.bout_outcomes`' keys
DAY_COLUMNS = ("day", "date", "start_s", "end_s", "recorded_h", "worn_h", "valid", "n_steps", "flags", *OUTCOME_KEYS)
#: ``summary['days']`` (:func:`day_outcomes`)
DAY_OUTCOME_KEYS = ("clock", "n_days", "n_valid_days", "valid_day_worn_h", "recorded_h", "worn_h",
                    "wear_judged", "n_steps_per_day", "walking_bout_time_s_per_day", "n_walking_bouts_per_day",
                    "n_walking_bouts_10s_per_day", "n_walking_bouts_30s_per_day", "n_walking_bouts_60s_per_day",
                    "cadence_spm_10s_mean", "walking_speed_mps_10s_mean", "stride_length_m_10s_mean")


class MinuteStats:
    """Per-minute sums of the raw acceleration (g): samples, sum, sum of squares, min and max per axis.

    ``add`` takes each chunk as it arrives (time strictly increasing across chunks); minutes are
    ``floor(time_s / 60)`` on the recording's time axis, so a minute split between two chunks is joined
    in :meth:`frame`."""

    def __init__(self) -> None:
        self._parts: list[tuple[np.ndarray, ...]] = []

    def add(self, time_s: np.ndarray, acc_mps2: np.ndarray) -> None:
        if time_s.size == 0:
            return
        minute = np.floor(np.asarray(time_s, float) / MINUTE_S).astype(np.int64)
        starts = np.r_[0, np.flatnonzero(np.diff(minute)) + 1]
        a = np.asarray(acc_mps2, float)            # m/s² here, g in frame(): one pass less per chunk
        self._parts.append((minute[starts], np.diff(np.r_[starts, minute.size]), np.add.reduceat(a, starts),
                            np.add.reduceat(a * a, starts), np.minimum.reduceat(a, starts),
                            np.maximum.reduceat(a, starts)))
        if len(self._parts) >= 512:                # a live feed's many small chunks: merge, memory stays small
            self._merge()

    def frame(self) -> pd.DataFrame:
        """One row per minute holding samples: ``minute``, ``start_s``, ``n_samples`` and the per-axis
        ``sum_x…``, ``sumsq_x…``, ``min_x…``, ``max_x…`` (g)."""
        if not self._parts:
            return minute_frame(np.zeros(0, np.int64), np.zeros(0), np.zeros((0, 3)), np.zeros((0, 3)),
                                np.zeros((0, 3)), np.zeros((0, 3)))
        minute, n, s, ss, lo, hi = self._merge()
        return minute_frame(minute, n, s / G, ss / G ** 2, lo / G, hi / G)

    def _merge(self) -> tuple[np.ndarray, ...]:
        minute, n, s, ss, lo, hi = (np.concatenate(x) for x in zip(*self._parts))
        first = np.r_[0, np.flatnonzero(np.diff(minute)) + 1]       # sorted: a split minute is adjacent
        if first.size < minute.size:
            n, s, ss = (np.add.reduceat(x, first) for x in (n, s, ss))
            lo, hi = np.minimum.reduceat(lo, first), np.maximum.reduceat(hi, first)
            minute = minute[first]
        self._parts = [(minute, n, s, ss, lo, hi)]
        return self._parts[0]


def minute_frame(minute: np.ndarray, n: np.ndarray, s: np.ndarray, ss: np.ndarray, lo: np.ndarray,
                 hi: np.ndarray) -> pd.DataFrame:
    cols: dict[str, Any] = {"minute": minute.astype(np.int64), "start_s": minute * MINUTE_S,
                            "n_samples": n.astype(np.int64)}
    for k, ax in enumerate("xyz"):
        cols[f"sum_{ax}"], cols[f"sumsq_{ax}"] = s[:, k], ss[:, k]
        cols[f"min_{ax}"], cols[f"max_{ax}"] = lo[:, k], hi[:, k]
    return pd.DataFrame(cols)


def worn_minutes(minutes: pd.DataFrame, sample_rate_hz: float, *, window_min: int = NONWEAR_WINDOW_MIN,
                 std_max_g: float = NONWEAR_STD_MAX_G, range_max_g: float = NONWEAR_RANGE_MAX_G,
                 axes_min: int = NONWEAR_AXES_MIN, min_cover: float = NONWEAR_WINDOW_MIN_COVER
                 ) -> tuple[pd.DataFrame, bool]:
    """(the minutes of the recording — ``minute``, ``start_s``, ``n_samples`` (0: not recorded),
    ``recorded_s`` (samples / ``sample_rate_hz``, at most 60), ``worn`` —, whether wear could be judged at
    all: at least one window with enough of its minutes recorded). Every minute from the first to the last
    recorded one, except inside a gap longer than a window (no window there can be judged; a clock jump of
    years costs nothing).

    A recorded minute is not worn when it lies in a ``window_min``-minute window (sliding by a minute,
    ≥ ``min_cover`` of its minutes recorded) in which ≥ ``axes_min`` axes have a standard deviation
    under ``std_max_g`` or a range under ``range_max_g``, and is itself still by the same test."""
    if not len(minutes):
        return pd.DataFrame({c: [] for c in MINUTE_COLUMNS}), False
    m = minutes["minute"].to_numpy(np.int64)
    cuts = np.flatnonzero(np.diff(m) > window_min) + 1
    runs = [_worn_in_run(part, sample_rate_hz, window_min=window_min, std_max_g=std_max_g,
                         range_max_g=range_max_g, axes_min=axes_min, min_cover=min_cover)
            for part in (minutes.iloc[a:b] for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(minutes)]))]
    return (pd.concat([r[0] for r in runs], ignore_index=True) if len(runs) > 1 else runs[0][0],
            any(r[1] for r in runs))


def _worn_in_run(minutes: pd.DataFrame, sample_rate_hz: float, *, window_min: int, std_max_g: float,
                 range_max_g: float, axes_min: int, min_cover: float) -> tuple[pd.DataFrame, bool]:
    """:func:`worn_minutes` on a run of minutes without a gap longer than a window."""
    m0 = int(minutes["minute"].iloc[0])
    count = int(minutes["minute"].iloc[-1]) - m0 + 1
    at = minutes["minute"].to_numpy(np.int64) - m0
    n = np.zeros(count)
    n[at] = minutes["n_samples"].to_numpy(float)
    full = pd.DataFrame({"minute": np.arange(m0, m0 + count, dtype=np.int64)})
    full["start_s"] = full["minute"] * MINUTE_S
    full["n_samples"] = n.astype(np.int64)
    full["recorded_s"] = np.minimum(n / float(sample_rate_hz), MINUTE_S) if sample_rate_hz > 0 else 0.0
    if count < window_min:
        full["worn"] = n > 0
        return full, False
    s, ss = np.zeros((count, 3)), np.zeros((count, 3))
    lo, hi = np.full((count, 3), np.inf), np.full((count, 3), -np.inf)
    for k, ax in enumerate("xyz"):
        s[at, k], ss[at, k] = minutes[f"sum_{ax}"].to_numpy(float), minutes[f"sumsq_{ax}"].to_numpy(float)
        lo[at, k], hi[at, k] = minutes[f"min_{ax}"].to_numpy(float), minutes[f"max_{ax}"].to_numpy(float)

    def window_sums(x: np.ndarray) -> np.ndarray:            # sums over each window [j, j + window_min)
        c = np.concatenate([np.zeros((1,) + x.shape[1:]), np.cumsum(x, axis=0)])
        return c[window_min:] - c[:-window_min]

    wn, ws, wss = window_sums(n), window_sums(s), window_sums(ss)
    cover = window_sums((n > 0).astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        var = wss / wn[:, None] - (ws / wn[:, None]) ** 2
    std = np.sqrt(np.clip(var, 0.0, None))
    view = np.lib.stride_tricks.sliding_window_view
    rng = view(hi, window_min, axis=0).max(axis=-1) - view(lo, window_min, axis=0).min(axis=-1)
    still = (std < std_max_g) | (rng < range_max_g)
    judged = (cover >= min_cover * window_min) & (wn > 0)
    off = judged & (still.sum(axis=1) >= axes_min)
    # … and the minute itself still by the same test: a window's std is diluted by its still minutes, so a
    # window of 58 still minutes and 2 of walking can pass on a quiet axis — its walking minutes were worn
    with np.errstate(invalid="ignore", divide="ignore"):
        mvar = ss / n[:, None] - (s / n[:, None]) ** 2
    mstill = ((np.sqrt(np.clip(mvar, 0.0, None)) < std_max_g) | (hi - lo < range_max_g)).sum(axis=1) >= axes_min
    # a minute is not worn when any window holding it is still: a window starting at j covers j … j+w−1
    starts_before = np.concatenate([[0], np.cumsum(off)])
    j_hi = np.minimum(np.arange(count), off.size - 1)
    j_lo = np.maximum(np.arange(count) - window_min + 1, 0)
    covered = starts_before[j_hi + 1] - starts_before[j_lo] > 0
    full["worn"] = (n > 0) & ~(covered & mstill)
    return full, bool(judged.any())


#: the metadata keys :func:`recording_clock` reads (a replay carries them over into its new recording)
CLOCK_META_KEYS = ("start_time_iso", "start_time", "start_utc", "start_unix_s", "timezone",
                   "sensorlogger_recording_timezone", "day_first")


#: start times outside these years are damage, not a date (no wearable recorded before 1980)
CLOCK_YEARS = (1980, 2200)


def recording_clock(meta: Mapping[str, Any] | None) -> tuple[_dt.datetime, str] | None:
    """(the wall-clock time of 0 s on the recording's time axis, "local" | "UTC"), or None when the file
    does not say when it started. The time is naive (the wall clock as read), but for a Unix time in an IANA
    time zone: aware in that zone, whose midnights move with summer time (:func:`day_edges_s`). Read from (the first found that parses) ``start_time_iso`` (a date/time
    column's first value, local), ``start_time`` (ISO; with a UTC offset, its local time), ``start_utc``,
    or ``start_unix_s`` (UTC, as a phone stores it — local when the export names its IANA time zone:
    ``timezone`` or Sensor Logger's ``recording timezone``)."""
    start = recording_start(meta)
    if start is None:
        return None
    when, kind = start
    if kind == "UTC" and when.tzinfo is not None:
        return when.astimezone(_dt.timezone.utc).replace(tzinfo=None), "UTC"
    if when.tzinfo is not None and not isinstance(when.tzinfo, _dt.timezone):
        # an IANA time zone (a phone's 'Europe/London'): kept, for its midnights move with summer time — a
        # week across the October change had every later day begin at 23:00 (day_edges_s)
        return when, kind
    # the wall clock where it was recorded: an ISO offset says which; drop it for the calendar
    return when.replace(tzinfo=None), kind


def recording_start(meta: Mapping[str, Any] | None) -> tuple[_dt.datetime, str] | None:
    """:func:`recording_clock`'s start as read, before its UTC offset is dropped: (the time of 0 s on the
    recording's time axis — aware when the file gives its offset, a time zone or a Unix time —,
    "local" | "UTC"), or None. The first of ``start_time_iso``, ``start_time``, ``start_utc``,
    ``start_unix_s`` that reads as a time (:func:`_start_from`)."""
    for key in ("start_time_iso", "start_time", "start_utc", "start_unix_s"):
        start = _start_from(meta or {}, key)
        if start is not None:
            return start
    return None


def _start_from(meta: Mapping[str, Any], key: str) -> tuple[_dt.datetime, str] | None:
    """One header key's start time, (when, "local" | "UTC"), or None when it is absent or not a time.
    ``start_time_iso`` / ``start_time``: local (aware when an offset is given); ``start_utc``: UTC (an
    offset-less value too: the key says so); ``start_unix_s``: UTC, or local in the export's IANA time
    zone (``timezone`` or Sensor Logger's ``recording timezone``). Text is read by
    :func:`imu_gait.clocktext.parse_wall_clock`: an app's 'UTC+02:00' is +02:00, a numeric date in the
    order the reader found (``day_first``), a time of day without a date is no start. A year outside
    :data:`CLOCK_YEARS` is not a time any sensor recorded ("5" reads as the year 5; ms read as s is past any
    date)."""
    value = meta.get(key)
    if value in (None, ""):
        return None
    try:
        if key == "start_unix_s":
            unix = float(value)
            if not np.isfinite(unix):
                return None
            zone = _zone(meta.get("timezone") or meta.get("sensorlogger_recording_timezone"))
            if zone is not None:           # a phone that said where it was (Sensor Logger on Android)
                when, kind = _dt.datetime.fromtimestamp(unix, zone), "local"
            else:
                when, kind = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc) + _dt.timedelta(seconds=unix), "UTC"
        else:
            # (the app's zone suffix in ISO form — pandas reads phyphox's "UTC+02:00" as −02:00 —, a numeric
            # date in the order the reader found, and a time of day alone is no start: it names no day, and
            # pandas would date it today, so the output changed with the day the analysis ran)
            ts = parse_wall_clock(str(value), day_first=_day_first(meta.get("day_first")))
            if ts is None:
                return None
            # (inside the try: pandas reads "-0" as year 0 and "-5" as year -5, which Python's datetime
            # refuses — a damaged phyphox time.csv stopped the analysis with a traceback; found by fuzzing)
            when, kind = ts.to_pydatetime(), "local"
            if key == "start_utc":
                when, kind = (when if when.tzinfo is not None else when.replace(tzinfo=_dt.timezone.utc)), "UTC"
    except (ValueError, TypeError, OverflowError, OSError):
        return None                        # (1e20 s, or ms read as s, is past any datetime: not a traceback)
    return (when, kind) if CLOCK_YEARS[0] <= when.year <= CLOCK_YEARS[1] else None


def clock_summary(meta: Mapping[str, Any] | None) -> dict[str, Any]:
    """The summary's ``start_time_iso`` and ``start_unix_s`` (the wall-clock time of 0 s on the recording's
    time axis) from what :func:`recording_start` read: ``{}`` when the file does not say when it started;
    ``start_time_iso`` keeps the UTC offset when the file gave one (none: local time, offset unknown);
    ``start_unix_s`` only when the offset is known. A reader's own values of these keys (and its
    ``time_offset_s``) are kept over these."""
    start = recording_start(meta)
    out: dict[str, Any] = {}
    if start is not None:
        when = start[0]
        out["start_time_iso"] = when.isoformat()
        if when.tzinfo is not None:
            out["start_unix_s"] = round(when.timestamp(), 6)
    # the reader's own (and its time_offset_s: the file's times were shifted to start at 0 s)
    out.update({k: meta[k] for k in ("time_offset_s", "start_unix_s", "start_time_iso") if meta and k in meta})
    return out


def recording_start_utc(meta: Mapping[str, Any] | None) -> _dt.datetime | None:
    """0 s on the recording's time axis as a UTC instant (timezone-aware), when the file says it without doubt:
    ``start_utc``, ``start_unix_s``, or an ISO ``start_time`` / ``start_time_iso`` with its UTC offset — the
    first of these that does. None when none does, or the file gives only a local time without its offset
    (a date/time column without one, a GENEActiv header without a 'Time Zone' line): which instant that was
    is not known."""
    for key in ("start_utc", "start_unix_s", "start_time_iso", "start_time"):
        start = _start_from(meta or {}, key)
        if start is not None and start[0].tzinfo is not None:
            return start[0].astimezone(_dt.timezone.utc)
    return None


def _day_first(value: Any) -> bool | None:
    """A reader's ``day_first`` (how it read the date/time column's numeric dates), or None when not said.
    ('True' / 'False' too: a native file written from such a recording keeps it as a '# day_first:' line.)"""
    if isinstance(value, str):
        value = {"true": True, "false": False}.get(value.strip().lower())
    return value if isinstance(value, bool) else None


def _zone(name: Any) -> _dt.tzinfo | None:
    """The IANA time zone ``name`` names ('Europe/Berlin'), or None (none given, unknown, or this system has no
    time-zone database: then Unix times stay UTC, as the outputs say)."""
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name.strip())
    except Exception:  # noqa: BLE001 — ZoneInfoNotFoundError, ValueError on a malformed key: stay in UTC
        return None


def day_edges_s(first_s: float, last_s: float, clock: tuple[_dt.datetime, str] | None) -> tuple[np.ndarray, list]:
    """(edges on the time axis: day k is [edges[k], edges[k+1]) s, the days' dates — None without a
    clock). With a clock, midnights; without, 24 h from ``first_s``."""
    if clock is None:
        n = max(int(np.floor((last_s - first_s) / DAY_S)) + 1, 1)
        return first_s + DAY_S * np.arange(n + 1), [None] * n
    zero, _ = clock
    if zero.tzinfo is not None:
        # a time zone with summer time: each local midnight as an instant, so a day may be 23 or 25 h long
        # (a loop over the days, not the samples)
        zone, zero_utc = zero.tzinfo, zero.astimezone(_dt.timezone.utc)
        first_date = (zero_utc + _dt.timedelta(seconds=float(first_s))).astimezone(zone).date()
        edges_s, days = [], []
        while True:
            date = first_date + _dt.timedelta(days=len(edges_s))
            midnight = _dt.datetime.combine(date, _dt.time(), tzinfo=zone).astimezone(_dt.timezone.utc)
            edges_s.append((midnight - zero_utc).total_seconds())
            if edges_s[-1] > last_s:
                break
            days.append(date.isoformat())
        return np.array(edges_s), days
    first_wall = zero + _dt.timedelta(seconds=float(first_s))
    midnight = _dt.datetime.combine(first_wall.date(), _dt.time())
    t_mid = (midnight - zero).total_seconds()
    n = max(int(np.floor((last_s - t_mid) / DAY_S)) + 1, 1)
    return t_mid + DAY_S * np.arange(n + 1), [(midnight.date() + _dt.timedelta(days=k)).isoformat() for k in range(n)]


def day_table(steps: pd.DataFrame, bouts: pd.DataFrame, minutes: pd.DataFrame, *,
              clock: tuple[_dt.datetime, str] | None = None, valid_day_worn_h: float = VALID_DAY_WORN_H,
              wear_judged: bool = True, span_s: tuple[float, float] | None = None,
              flags: Sequence[Any] | None = None) -> pd.DataFrame:
    """One row per day (:data:`DAY_COLUMNS`) from a result's steps and walking bouts
    (:func:`imu_gait.bouts.bout_table`) and the per-minute wear (:func:`worn_minutes`).

    ``start_s`` / ``end_s`` are the day's span on the time axis, clipped to the recording (``span_s``:
    its first and last sample, else its first and last minute's edges); ``recorded_h`` and ``worn_h`` sum
    the ``recorded_s`` of its minutes and of its worn minutes; ``valid`` = worn ≥
    ``valid_day_worn_h`` (never, when wear was not judged: under an hour of data); a minute cut by a
    midnight is shared between its two days by its recorded seconds on each side; a day with nothing
    recorded has no row (``day`` keeps counting calendar days from the first, so a gap shows); ``n_steps`` the steps
    whose contact falls in the day; ``flags`` the ids of the back-strain flags held during the day
    (:func:`imu_gait.bouts.flags_during`; None when ``flags`` is not given); the rest are :func:`imu_gait.bouts.bout_outcomes` over the walking
    bouts that start in the day."""
    if not len(minutes):
        return pd.DataFrame({c: [] for c in DAY_COLUMNS})
    t_min = minutes["start_s"].to_numpy(float)
    recorded = minutes["n_samples"].to_numpy() > 0
    first_s, last_s = ((float(span_s[0]), float(span_s[1])) if span_s is not None
                       else (float(t_min[recorded][0]), float(t_min[recorded][-1] + MINUTE_S)))
    edges, dates = day_edges_s(first_s, last_s - 1e-9, clock)
    n_days = len(dates)
    # the minutes lie on the time axis's own grid, so a midnight falls inside one: its recorded seconds are
    # shared between its two days by how much of its recorded part lies on each side. (Counted whole in the
    # day of its middle, a recording begun 10 s before midnight had no row for its first day, and that day's
    # steps were in no row.)
    day_a, share_b = _minute_day_shares(t_min, first_s, last_s, edges)
    day_b = np.minimum(day_a + 1, n_days - 1)
    step_t = steps["time_s"].to_numpy(float) if len(steps) else np.zeros(0)
    day_of_step = np.clip(np.searchsorted(edges, step_t, side="right") - 1, 0, n_days - 1)
    bout_t = bouts["start_s"].to_numpy(float) if len(bouts) else np.zeros(0)
    day_of_bout = np.clip(np.searchsorted(edges, bout_t, side="right") - 1, 0, n_days - 1)
    worn = minutes["worn"].to_numpy(bool)
    seconds = minutes["recorded_s"].to_numpy(float)

    def per_day(weight: np.ndarray) -> np.ndarray:            # each minute's weight, shared between its days
        return (np.bincount(day_a, weight * (1.0 - share_b), minlength=n_days)
                + np.bincount(day_b, weight * share_b, minlength=n_days))

    recorded_s, worn_s = per_day(np.where(recorded, seconds, 0.0)), per_day(np.where(recorded & worn, seconds, 0.0))
    has_data = (per_day(recorded.astype(float)) > 0) | (np.bincount(day_of_step, minlength=n_days) > 0)
    day_flags = flags_during(np.maximum(edges[:-1], first_s), np.minimum(edges[1:], last_s), flags)
    rows = []
    for k in np.flatnonzero(has_data).tolist():               # a day with nothing recorded gets no row
        date = dates[k]
        worn_h = float(worn_s[k]) / 3600.0
        row: dict[str, Any] = {
            "day": k + 1, "date": date,
            "start_s": max(float(edges[k]), first_s), "end_s": min(float(edges[k + 1]), last_s),
            "recorded_h": float(recorded_s[k]) / 3600.0, "worn_h": worn_h,
            "valid": bool(wear_judged and worn_h >= valid_day_worn_h),
            "n_steps": int((day_of_step == k).sum()), "flags": day_flags[k],
        }
        row.update(bout_outcomes(bouts[day_of_bout == k] if len(bouts) else bouts))
        rows.append(row)
    return pd.DataFrame(rows, columns=list(DAY_COLUMNS))


def _minute_day_shares(start_s: np.ndarray, first_s: float, last_s: float, edges: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(each minute's day — the day of the start of its recorded part —, the share (0–1) of that recorded
    part lying in the next day). A minute's recorded part is the minute clipped to the recording
    [``first_s``, ``last_s``]: the first and last minutes stick out of it. A minute is shorter than a day, so
    it touches two days at most; one with no recorded length (a lone sample) stays whole in its day."""
    n_days = edges.size - 1
    lo = np.clip(start_s, first_s, last_s)
    hi = np.clip(start_s + MINUTE_S, first_s, last_s)
    day = np.clip(np.searchsorted(edges, lo, side="right") - 1, 0, n_days - 1)
    length_s = hi - lo
    past_edge_s = hi - edges[day + 1]
    past_edge_s[past_edge_s < 1e-6] = 0.0      # (a µs past an edge is rounding in the edges, not a recorded second)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where((length_s > 0) & (day + 1 < n_days), past_edge_s / length_s, 0.0)
    return day, np.clip(share, 0.0, 1.0)


def day_outcomes(days: pd.DataFrame, bouts: pd.DataFrame, *, clock_kind: str = "none",
                 valid_day_worn_h: float = VALID_DAY_WORN_H, wear_judged: bool = True) -> dict[str, Any]:
    """``summary['days']`` (:data:`DAY_OUTCOME_KEYS`): how many days and valid days, hours recorded and
    worn, and over the valid days only: the mean per day of steps, walking-bout time and bouts (all, ≥ 10,
    30, 60 s), and the cadence, speed and stride length of the ≥ 10-s walking bouts that start on valid
    days (the mean of their medians). NaN where no day is valid."""
    valid = days[days["valid"].astype(bool)] if len(days) else days
    out: dict[str, Any] = {"clock": clock_kind, "n_days": int(len(days)), "n_valid_days": int(len(valid)),
                           "valid_day_worn_h": float(valid_day_worn_h),
                           "recorded_h": float(days["recorded_h"].sum()) if len(days) else 0.0,
                           "worn_h": float(days["worn_h"].sum()) if len(days) else 0.0,
                           "wear_judged": bool(wear_judged)}
    for key, col in (("n_steps_per_day", "n_steps"), ("walking_bout_time_s_per_day", "walking_bout_time_s"),
                     ("n_walking_bouts_per_day", "n_walking_bouts"),
                     ("n_walking_bouts_10s_per_day", "n_walking_bouts_10s"),
                     ("n_walking_bouts_30s_per_day", "n_walking_bouts_30s"),
                     ("n_walking_bouts_60s_per_day", "n_walking_bouts_60s")):
        out[key] = float(valid[col].mean()) if len(valid) else float("nan")
    pooled = pd.DataFrame()
    if len(valid) and len(bouts):
        spans = [(float(s), float(e)) for s, e in zip(valid["start_s"], valid["end_s"])]
        t = bouts["start_s"].to_numpy(float)
        keep = np.zeros(t.size, bool)
        for s, e in spans:
            keep |= (t >= s) & (t < e)
        pooled = bouts[keep]
    walk = pooled[(pooled["gait"] == "walk") & (pooled["duration_s"] >= 10.0)] if len(pooled) else pooled
    for key, col in (("cadence_spm_10s_mean", "cadence_spm"), ("walking_speed_mps_10s_mean", "walking_speed_mps"),
                     ("stride_length_m_10s_mean", "stride_length_m")):
        vals = walk[col].to_numpy(float) if len(walk) else np.zeros(0)
        vals = vals[np.isfinite(vals)]
        out[key] = float(vals.mean()) if vals.size else float("nan")
    return out
