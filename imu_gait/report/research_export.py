"""The research export: one folder of tidy CSV tables a statistics package loads without reading the JSON.

``imu-gait analyze walk.csv --export-dir out/`` writes

- ``steps.csv``: one row per initial contact — ``recording``, ``step``, ``time_s``, its wall-clock time
  (``time_unix_s``, ``time_iso``), then the steps CSV's columns in their order;
- ``minutes.csv``: one row per minute of the recording's time axis (floor(time_s / 60), as the days table
  counts wear), minutes without steps included: the seconds recorded in it (0 in a gap: no data, not no
  walking), whether the sensor was worn, the steps counted in it and each metric's median over them;
- ``bouts.csv``: the bouts CSV's rows (``--bouts-csv``) with ``recording`` first;
- ``settings.csv``: ``recording``, ``setting``, ``value`` — the imu_gait version and what the analysis was
  told and found (placement, sensor height, belt speed, sample rate, start time …), for a methods section;
- ``dictionary.csv``: ``table``, ``column``, ``unit``, ``description`` for every column of the four tables.

Every table starts with ``recording`` (the file as given), so the tables join on it, and on ``recording`` +
``step`` / ``minute`` / ``walking_bout``. Column order is fixed (:data:`STEP_EXPORT_COLUMNS`,
:data:`MINUTE_COLUMNS`): the same header for every recording, with or without steps. Numbers use ``.`` as the
decimal mark whatever the locale; a value not measured is an empty cell (read as NaN by pandas, NA by R);
``side`` is ``L``, ``R`` or empty (not known), ``gait`` ``walk`` or ``run``. The native steps/bouts CSVs and the
JSON are unchanged.
"""
from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..result import STEP_COLUMNS, AnalysisResult
from .bouts_csv import BOUT_CSV_COLUMNS, bout_rows, bouts_frame
from .steps_csv import DECIMALS, steps_frame
from .._output_file import atomic_text_file

#: the files the export writes, in order
EXPORT_FILES = ("steps.csv", "minutes.csv", "bouts.csv", "settings.csv", "dictionary.csv")
#: wall-clock columns the export adds after ``time_s``
CLOCK_COLUMNS = {
    "time_unix_s": "the contact's time in seconds since 1970-01-01 00:00 UTC (start_unix_s + time_s); empty when "
                   "the file does not say when it started or not in which time zone",
    "time_iso": "the contact's wall-clock time, ISO 8601 to the millisecond, with the UTC offset when the file "
                "gives one (none: local time as the file wrote it); empty when the file does not say when it started",
}
#: the steps table's columns, in order
STEP_EXPORT_COLUMNS = ("recording", "step", "time_s", *CLOCK_COLUMNS, *[c for c in STEP_COLUMNS if c != "time_s"],
                       "turning")
#: metrics summarised per minute (median over the minute's steps)
MINUTE_METRICS = ("cadence_spm", "step_time_s", "stride_time_s", "step_length_m", "walking_speed_mps",
                  "vertical_oscillation_cm", "trunk_twist_deg", "pelvic_drop_deg", "lateral_sway_cm", "impact_g")
MINUTE_COLUMNS = ("recording", "minute", "start_s", "end_s", "start_unix_s", "start_iso", "recorded_s", "worn", "n_steps",
                  "n_walking_steps", "n_running_steps", *[f"{m}_median" for m in MINUTE_METRICS])
#: the summary's keys written to settings.csv (a methods section's figures), in order
SETTING_KEYS = {
    "imu_gait_version": "version of imu_gait that made the export",
    "options": "the reading and context options the recording was analysed with, as imu-gait analyze options "
               "(empty: none; the command 'imu-gait analyze <recording> <options>' repeats it)",
    "source": "the recording file as read",
    "start_time_iso": "wall-clock time of 0 s on the recording's time axis (UTC offset when the file gives one)",
    "start_unix_s": "that time as seconds since 1970-01-01 UTC (when the offset is known)",
    "time_offset_s": "the file's own time of 0 s (its times were shifted to start there)",
    "time_start_s": "the first sample on the recording's time axis, s",
    "duration_s": "recording duration, s",
    "n_samples": "samples read",
    "sample_rate_hz": "the file's sample rate, Hz",
    "engine_rate_hz": "rate the engine analysed at, Hz",
    "has_gyro": "whether a gyroscope was used",
    "placement": "sensor placement given or assumed",
    "placement_kind": "placement class the engine applied",
    "sensor_height_m": "sensor height above the ground used by the step-length model, m",
    "sensor_height_source": "where that height came from (given, body height, default)",
    "body_height_m": "body height given, m",
    "treadmill": "whether analysed as a treadmill walk",
    "belt_speed_mps": "treadmill belt speed given, m/s",
    "incline_pct": "treadmill incline given, %",
    "max_incline_pct": "incline above which a stage is flagged, %",
    "baseline_s": "length of the personal baseline, s",
    "walking_aid": "walking aid given",
    "n_steps": "steps detected",
    "walking_time_s": "time in walking bouts, s",
}


def _clock(result: AnalysisResult) -> tuple[float | None, _dt.datetime | None]:
    """(start_unix_s, the wall-clock datetime of 0 s) from the summary; None where the file does not say."""
    s = result.summary
    unix = s.get("start_unix_s")
    unix = float(unix) if isinstance(unix, (int, float)) and np.isfinite(unix) else None
    when = None
    iso = s.get("start_time_iso")
    if isinstance(iso, str) and iso:
        try:
            when = _dt.datetime.fromisoformat(iso)
        except ValueError:
            when = None
    return unix, when


def _iso_times_loop(when: _dt.datetime, t_s: np.ndarray) -> list[str]:
    """:func:`_iso_times` one datetime at a time (a time zone whose offset may change along the recording)."""
    half_ms = _dt.timedelta(microseconds=500)
    return [(when + _dt.timedelta(seconds=float(t)) + half_ms).isoformat(timespec="milliseconds")
            if np.isfinite(t) else "" for t in t_s]


def _iso_times(when: _dt.datetime | None, t_s: np.ndarray) -> list[str]:
    """``when`` + each of ``t_s`` (seconds) as ISO 8601 to the millisecond, with ``when``'s UTC offset; "" for a
    time that is not finite (or every time when ``when`` is None)."""
    t_s = np.asarray(t_s, dtype=float)
    if when is None:
        return [""] * len(t_s)
    # (milliseconds: finer than a 100-Hz sample. Rounded to the nearest ms, as time_unix_s is — isoformat alone
    # truncates: 49.7729 s read .772 — so + 0.5 ms, then truncated)
    if when.tzinfo is not None and not isinstance(when.tzinfo, _dt.timezone):
        return _iso_times_loop(when, t_s)
    # in numpy, not a datetime per step (review s41 L3: 1.3 s per 300k steps): the same microseconds as
    # timedelta(seconds=t) makes them (whole seconds, then the fraction rounded half to even), + 0.5 ms, and
    # the datetime64 cast to ms truncates as isoformat does
    finite = np.isfinite(t_s)
    t = np.where(finite, t_s, 0.0)
    whole = np.trunc(t)
    us = whole.astype(np.int64) * 1_000_000 + np.round((t - whole) * 1e6).astype(np.int64) + 500
    start = np.datetime64(when.replace(tzinfo=None), "us")
    text = np.datetime_as_string((start + us.astype("timedelta64[us]")).astype("datetime64[ms]"), unit="ms")
    offset = when.isoformat()[len(when.replace(tzinfo=None).isoformat()):]     # '+01:00', 'Z'-free, or ''
    out = np.char.add(text, offset).astype(object)
    out[~finite] = ""
    return out.tolist()


def export_steps_frame(result: AnalysisResult, recording: str) -> pd.DataFrame:
    """One row per step (:data:`STEP_EXPORT_COLUMNS`), rounded as the steps CSV."""
    steps = steps_frame(result)
    t = pd.to_numeric(steps["time_s"], errors="coerce").to_numpy(float)
    unix, when = _clock(result)
    out = pd.DataFrame({"recording": [recording] * len(steps), "step": np.arange(len(steps), dtype=np.int64)})
    out["time_s"] = steps["time_s"].to_numpy()
    out["time_unix_s"] = np.round(unix + t, 3) if unix is not None else np.full(len(t), np.nan)
    out["time_iso"] = _iso_times(when, t)
    for c in STEP_EXPORT_COLUMNS[5:]:
        out[c] = steps[c].to_numpy() if c in steps else (np.zeros(len(steps), bool) if c == "turning"
                                                          else np.full(len(steps), np.nan))
    return out.reindex(columns=list(STEP_EXPORT_COLUMNS))


def export_minutes_frame(result: AnalysisResult, recording: str) -> pd.DataFrame:
    """One row per minute of the recording's time axis (``minute`` = floor(time_s / 60), as the days table
    counts wear), from the first sample's minute to the last's, minutes inside a gap included
    (:data:`MINUTE_COLUMNS`)."""
    s = result.summary
    first = float(s.get("time_start_s") or 0.0)
    last = first + float(s.get("duration_s") or 0.0)
    steps = result.steps
    t = pd.to_numeric(steps["time_s"], errors="coerce").to_numpy(float) if len(steps) else np.array([])
    t = t[np.isfinite(t)] if len(t) else t
    engine_minutes = result.minutes if isinstance(result.minutes, pd.DataFrame) else pd.DataFrame()
    lo = int(np.floor(min(first, *(t[:1] if len(t) else [first])) / 60.0))
    hi = int(np.floor(max(last, *(t[-1:] if len(t) else [last])) / 60.0))
    if len(engine_minutes):
        lo = min(lo, int(engine_minutes["minute"].min()))
        hi = max(hi, int(engine_minutes["minute"].max()))
    n_min = hi - lo + 1 if (len(t) or s.get("duration_s") or len(engine_minutes)) else 0
    number = lo + np.arange(n_min, dtype=np.int64)
    start = 60.0 * number
    end = np.minimum(start + 60.0, max(last, float(t[-1]) if len(t) else last))
    unix, when = _clock(result)
    out = pd.DataFrame({"recording": [recording] * n_min, "minute": number,
                        "start_s": np.round(start, 4) + 0.0, "end_s": np.round(end, 4) + 0.0,
                        "start_unix_s": np.round(unix + start, 3) if unix is not None else np.full(n_min, np.nan),
                        "start_iso": _iso_times(when, start)})
    # samples and wear, as the engine counted them for the days table: a minute in a gap is recorded 0 s —
    # its 0 steps are 'no data', not 'no walking'. A result read back from a JSON has no minutes: empty cells
    recorded = np.full(n_min, np.nan)
    worn = pd.array([pd.NA] * n_min, dtype="boolean")
    if len(engine_minutes) and n_min:
        at = engine_minutes["minute"].to_numpy(np.int64) - lo
        recorded[:] = 0.0
        recorded[at] = engine_minutes["recorded_s"].to_numpy(float)
        if (s.get("days") or {}).get("wear_judged"):
            worn[at] = engine_minutes["worn"].to_numpy(bool)
            worn[recorded == 0] = pd.NA
    out["recorded_s"] = np.round(recorded, 3) + 0.0
    out["worn"] = worn
    # (clipped to the grid: a pocket's contact evened out may fall a few ms before the first sample)
    minute = (np.clip(np.floor(t / 60.0).astype(np.int64) - lo, 0, max(n_min - 1, 0)) if len(t)
              else np.array([], np.int64))
    gait = steps["gait"].astype(str).to_numpy() if len(steps) else np.array([], str)
    finite = (pd.to_numeric(steps["time_s"], errors="coerce").notna().to_numpy() if len(steps)
              else np.array([], bool))
    gait = gait[finite]
    out["n_steps"] = np.bincount(minute, minlength=n_min)[:n_min]
    out["n_walking_steps"] = np.bincount(minute[gait == "walk"], minlength=n_min)[:n_min]
    out["n_running_steps"] = np.bincount(minute[gait == "run"], minlength=n_min)[:n_min]
    for m in MINUTE_METRICS:
        col = np.full(n_min, np.nan)
        if len(t) and m in steps:
            values = pd.to_numeric(steps[m], errors="coerce").to_numpy(float)[finite]
            med = pd.Series(values).groupby(minute).median()
            col[med.index.to_numpy()] = med.to_numpy()
        out[f"{m}_median"] = np.round(col, DECIMALS.get(m, 4)) + 0.0
    return out.reindex(columns=list(MINUTE_COLUMNS))


def export_settings_frame(result: AnalysisResult, recording: str, options: str = "") -> pd.DataFrame:
    """``recording``, ``setting``, ``value``: the version, the ``options`` given and :data:`SETTING_KEYS` from
    the summary."""
    from .. import __version__
    values = {"imu_gait_version": __version__, "options": options,
              **{k: result.summary.get(k) for k in SETTING_KEYS if k not in ("imu_gait_version", "options")}}

    def text(v: Any) -> str:
        if v is None or (isinstance(v, float) and not np.isfinite(v)):
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        return repr(v) if isinstance(v, float) else str(v)

    return pd.DataFrame({"recording": recording, "setting": list(values), "value": [text(v) for v in values.values()]},
                        columns=["recording", "setting", "value"])


_UNITS = {"_s": "s", "_spm": "steps/min", "_cm": "cm", "_m": "m", "_pct": "%", "_mps": "m/s", "_deg": "deg",
          "_g": "g", "_ms": "ms", "_h": "h", "_hz": "Hz"}


def _unit(column: str) -> str:
    name = column[:-len("_median")] if column.endswith("_median") else column
    return next((u for end, u in _UNITS.items() if name.endswith(end)), "")


def dictionary_frame() -> pd.DataFrame:
    """``table``, ``column``, ``unit``, ``description`` for every column the export writes."""
    rec = "the recording file as given (the key the tables join on)"
    steps = {"recording": rec, "step": "the step's number in the recording (0, 1, …)", **{"time_s": STEP_COLUMNS["time_s"]},
             **CLOCK_COLUMNS, **{c: STEP_COLUMNS[c] for c in STEP_COLUMNS if c != "time_s"},
             "turning": "true: a stride turning 15 deg or more, or next to one (needs a gyro; false without one)"}
    minutes = {"recording": rec, "minute": "minute of the recording's time axis: floor(time_s / 60), as the days "
                                           "table counts wear (0 at the file's start time)",
               "start_s": "the minute's start on the recording's time axis (as the steps' time_s)",
               "end_s": "the minute's end (the last minute ends with the recording)",
               "recorded_s": "seconds of samples in the minute (0: a gap in the recording — its 0 steps are no "
                             "data, not no walking; empty: not known, a result read back from a JSON)",
               "worn": "the sensor worn in the minute (not lying still, as the days table judges wear); empty "
                       "when wear could not be judged (too short a recording) or the minute was not recorded",
               "start_unix_s": "the minute's start in seconds since 1970-01-01 UTC (empty: clock or time zone unknown)",
               "start_iso": "the minute's start as wall-clock time, ISO 8601 (empty: clock unknown)",
               "n_steps": "initial contacts in the minute (walking and running)",
               "n_walking_steps": "of them, walking steps", "n_running_steps": "of them, running steps",
               **{f"{m}_median": f"median over the minute's steps of the steps table's {m} (empty: none measured)"
                  for m in MINUTE_METRICS}}
    bouts = {"recording": rec,
             **{c: f"median over the bout's steps of the steps table's {c} (empty: none of its steps has a value)"
                for c in BOUT_CSV_COLUMNS if c in STEP_COLUMNS}}
    bouts.update({"walking_bout": "the walking bout's number in the recording (0, 1, …): steady stretches less "
                                  "than 3 s apart joined, as Mobilise-D counts bouts",
                  "first_bout": "the steps' bout number of its first stretch", "last_bout": "… of its last stretch",
                  "start_s": "first contact of the bout (the recording's time axis)", "end_s": "its last contact",
                  "duration_s": "end_s - start_s (pauses included)", "n_steps": "steps in the bout",
                  "n_pauses": "pauses under 3 s joined into it", "gait": "'walk', 'run' or 'mixed'",
                  "running_share": "share of its steps that are running", "n_turns": "turns of 45 deg or more "
                  "(empty without a gyro: not seen, not absent)",
                  "flags": "ids of the back-strain flags held during the bout, space-separated (empty: none)",
                  "stride_length_m": "twice the bout's median step length",
                  "cadence_spm": "the bout's cadence: median over its spans of strides (median of its steps' "
                                 "cadence where too short)",
                  "start_mmss": "start_s as m:ss from the first sample", "end_mmss": "end_s as m:ss",
                  "day": "the day (1, 2, …) the bout starts in, as the days table numbers days",
                  "date": "that day's date, YYYY-MM-DD (empty when the file does not say when it started)"})
    bouts = {c: bouts[c] for c in ("recording", *BOUT_CSV_COLUMNS)}
    settings = {"recording": rec, "setting": "name of the setting (one of: " + ", ".join(SETTING_KEYS) + ")",
                "value": "its value as text (empty: not given / not known; true/false)"}
    # in each table's column order (the dict literals above are grouped by meaning)
    steps = {c: steps[c] for c in STEP_EXPORT_COLUMNS}
    minutes = {c: minutes[c] for c in MINUTE_COLUMNS}
    rows = [(table, col, _unit(col) if col not in ("recording", "step", "minute", "time_iso", "start_iso") else "",
             desc)
            for table, cols in (("steps", steps), ("minutes", minutes), ("bouts", bouts), ("settings", settings))
            for col, desc in cols.items()]
    out = pd.DataFrame(rows, columns=["table", "column", "unit", "description"])
    for ends, unit in (("_iqr", ""), ("running_share", "fraction 0..1"), ("_mmss", "m:ss"), ("date", "YYYY-MM-DD"), ("time_unix_s", "s since 1970-01-01 UTC"),
                       ("start_unix_s", "s since 1970-01-01 UTC")):
        out.loc[out["column"].str.endswith(ends), "unit"] = unit
    return out


def export_parts(result: AnalysisResult, recording: str, options: str = "") -> dict[str, Any]:
    """One recording's share of the export: its steps, minutes and settings frames and its bout rows (a batch
    worker makes these; :func:`write_export_parts` pools them)."""
    return {"steps": export_steps_frame(result, recording), "minutes": export_minutes_frame(result, recording),
            "bouts": [{"recording": recording, **b} for b in bout_rows(result)],
            "settings": export_settings_frame(result, recording, options)}


#: each export file's header as this module writes it, from its first column on (enough to tell an earlier
#: export's table from a recording or another table of that name: only those are written over)
_EXPORT_HEADER_START = {"steps.csv": STEP_EXPORT_COLUMNS[:4], "minutes.csv": MINUTE_COLUMNS[:4],
                        "bouts.csv": ("recording", *BOUT_CSV_COLUMNS[:3]),
                        "settings.csv": ("recording", "setting", "value"),
                        "dictionary.csv": ("table", "column", "unit", "description")}


#: a hidden file the export leaves in its folder: the SHA-256 of the bouts table it wrote. Without a context
#: table a batch's pooled ``--bouts-csv DIR/bouts.csv`` has the very header of the export's bouts table (the same
#: writer), so the header alone cannot tell them apart (review-2 s41 L3: such a table was replaced unsaid)
EXPORT_MARKER = ".imu_gait-export"


def _sha256(path: Path) -> str | None:
    import hashlib

    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _marker_bouts_sha256(folder: Path) -> str | None:
    """The bouts table's SHA-256 the export's marker holds; "" when the folder has no marker (an export made
    before the marker, or none), None when the marker cannot be read."""
    import json

    marker = folder / EXPORT_MARKER
    if not os.path.lexists(marker):
        return ""
    try:
        with open(marker, encoding="utf-8") as fh:
            return str(json.load(fh)["bouts.csv"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _header_matches(path: Path, name: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.readline(4096)
    except OSError:
        return False
    cols = tuple(c.strip().strip('"') for c in head.lstrip("\ufeff").rstrip("\r\n").split(","))
    start = _EXPORT_HEADER_START[name]
    return cols[:len(start)] == tuple(start)


def _is_earlier_export_table(path: Path, name: str) -> bool:
    """True when ``path`` holds the header this module writes for ``name`` (an export made before). The bouts
    table must also be the one the export's marker (:data:`EXPORT_MARKER`) names by its SHA-256; in a folder
    without a marker (an export made before it) only when the folder's settings and dictionary tables are an
    export's too — the export writes all five together, a batch never writes those two."""
    if not _header_matches(path, name):
        return False
    if name != "bouts.csv":
        return True
    recorded = _marker_bouts_sha256(path.parent)
    if recorded == "":
        return all(_header_matches(path.parent / other, other) for other in ("settings.csv", "dictionary.csv"))
    return recorded is not None and recorded == _sha256(path)


def foreign_export_targets(folder: str | os.PathLike) -> list[tuple[Path, str]]:
    """The files in ``folder`` named as an export table (:data:`EXPORT_FILES`) that are not that table from an
    earlier export — a recording called steps.csv, the user's own minutes.csv, another imu_gait table —, each
    with what it is. The export would write over them (review s41 H2: a participant's steps.csv was left out of
    the batch and replaced by the steps table)."""
    from ..batch import output_table_kind

    out = []
    for name in EXPORT_FILES:
        path = Path(folder) / name
        if not os.path.lexists(path):
            continue
        if path.is_dir():
            out.append((path, "a folder"))
        elif not path.is_file() or not _is_earlier_export_table(path, name):
            kind = output_table_kind(path) if path.is_file() else None
            if name == "bouts.csv" and path.is_file() and _header_matches(path, name):
                what = ("imu_gait's bouts table, not one this research export wrote (a batch's pooled "
                        "--bouts-csv has the same columns; the export's own bouts table is known by the "
                        f"{EXPORT_MARKER} file it leaves)")
            else:
                what = (f"imu_gait's {kind}, not the export's {name[:-4]} table" if kind
                        else "not a table of an earlier research export (a recording or another file)")
            out.append((path, what))
    return out


def refuse_foreign_export_targets(folder: str | os.PathLike, option: str = "--export-dir") -> None:
    """Raise :class:`~imu_gait.errors.ImuGaitError` naming the first of :func:`foreign_export_targets`: said
    before a long analysis, and nothing is written over."""
    from ..errors import ImuGaitError

    foreign = foreign_export_targets(folder)
    if foreign:
        path, what = foreign[0]
        more = (f" (and {len(foreign) - 1} more: {', '.join(p.name for p, _ in foreign[1:])})"
                if len(foreign) > 1 else "")
        raise ImuGaitError(f"{option} {folder}: the export would write {path.name} over {path}, {what}{more}; "
                           "refusing to overwrite it"
                           f"\n  What to do: give the export a folder of its own (e.g. {Path(folder) / 'export'}), "
                           f"or move {path.name} away")


class ExportWriter:
    """The export written as the recordings arrive, with memory for one recording at a time (review s41 L2: a
    batch held every recording's steps frame to the end, ~0.47 kB a step — 1-2 GB for 200 day-long recordings).

    :meth:`add` writes a recording's rows at once, without header, to chunk files in a hidden folder inside the
    export folder; :meth:`finish` joins them in the recordings' order (not the order they finished in: a batch
    with several jobs finishes out of order) under each table's header, each table through
    :func:`~imu_gait._output_file.atomic_text_file` (whole or not at all), and removes the chunks. Refuses at
    once (:func:`refuse_foreign_export_targets`) a folder holding other files of the export's names."""

    def __init__(self, folder: str | os.PathLike):
        import tempfile

        self.folder = Path(folder)
        refuse_foreign_export_targets(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        # (same file system as the tables; '.part' chunks: a later batch never takes them for recordings)
        self._spool: Path | None = Path(tempfile.mkdtemp(prefix=".imu_gait-export-", suffix=".tmp", dir=self.folder))
        self._added: set[int] = set()     # (a set: the same recording added twice is written once)

    def _chunk(self, index: int, key: str) -> Path:
        assert self._spool is not None, "the export was finished or discarded"
        return self._spool / f"{index:09d}.{key}.part"

    def add(self, index: int, parts: dict[str, Any]) -> None:
        """Write recording number ``index``'s :func:`export_parts`."""
        from ..batch import spreadsheet_safe     # (a file name starting like a formula, as the batch tables guard it)

        tables = {"steps": parts["steps"].reindex(columns=list(STEP_EXPORT_COLUMNS)),
                  "minutes": parts["minutes"].reindex(columns=list(MINUTE_COLUMNS)),
                  "bouts": bouts_frame(parts["bouts"], pooled=True),
                  "settings": parts["settings"].reindex(columns=["recording", "setting", "value"])}
        for key, table in tables.items():
            if len(table):
                table = table.assign(recording=table["recording"].map(spreadsheet_safe))
            with open(self._chunk(index, key), "w", encoding="utf-8", newline="") as fh:
                table.to_csv(fh, index=False, header=False, na_rep="", lineterminator="\n")
        self._added.add(index)

    def finish(self) -> list[Path]:
        """Write the five tables (:data:`EXPORT_FILES`) from the recordings added so far; returns the files."""
        import shutil

        heads = {"steps": STEP_EXPORT_COLUMNS, "minutes": MINUTE_COLUMNS,
                 "bouts": ("recording", *BOUT_CSV_COLUMNS), "settings": ("recording", "setting", "value")}
        written = []
        try:
            # (an old marker would vouch for its bouts table while the new one is not written yet)
            if os.path.lexists(self.folder / EXPORT_MARKER) and not (self.folder / EXPORT_MARKER).is_dir():
                os.unlink(self.folder / EXPORT_MARKER)
            for name in EXPORT_FILES:
                path = self.folder / name
                with atomic_text_file(str(path), newline="") as fh:    # whole or not at all
                    if name == "dictionary.csv":
                        dictionary_frame().to_csv(fh, index=False, na_rep="", lineterminator="\n")
                    else:
                        key = name[:-len(".csv")]
                        pd.DataFrame(columns=list(heads[key])).to_csv(fh, index=False, lineterminator="\n")
                        for i in sorted(self._added):
                            with open(self._chunk(i, key), encoding="utf-8", newline="") as part:
                                shutil.copyfileobj(part, fh, 1 << 20)
                written.append(path)
            # (after the tables: a marker naming a bouts table not yet written would vouch for the old one)
            self._write_marker()
        finally:
            self.discard()
        return written

    def _write_marker(self) -> None:
        import json

        with atomic_text_file(str(self.folder / EXPORT_MARKER)) as fh:
            json.dump({"written_by": "imu_gait research export", "bouts.csv": _sha256(self.folder / "bouts.csv")},
                      fh)
            fh.write("\n")

    def discard(self) -> None:
        """Remove the chunks (nothing of the export is written)."""
        import shutil

        if self._spool is not None:
            shutil.rmtree(self._spool, ignore_errors=True)
            self._spool = None


def write_export_parts(parts: Sequence[dict[str, Any]], folder: str | os.PathLike) -> list[Path]:
    """Write the recordings' :func:`export_parts` as the export's five tables (:data:`EXPORT_FILES`) in
    ``folder`` (made if missing), the recordings in the order given; returns the files written. Refuses
    (:func:`refuse_foreign_export_targets`) a folder whose files of those names are not an earlier export's."""
    writer = ExportWriter(folder)
    try:
        for i, p in enumerate(parts):
            writer.add(i, p)
    except BaseException:
        writer.discard()
        raise
    return writer.finish()


def write_export(results: Sequence[tuple[str, AnalysisResult]], folder: str | os.PathLike,
                 options: Sequence[str] = ()) -> list[Path]:
    """Write the export (see the module) of one or more (recording name, result) into ``folder``; ``options``:
    each one's analysis options as text (:func:`imu_gait.batch.options_text`)."""
    opts = list(options) + [""] * (len(results) - len(options))
    return write_export_parts([export_parts(r, name, o) for (name, r), o in zip(results, opts)], folder)
