"""A study's per-recording context: one table that says, for each recording, what ``imu-gait analyze``'s
context options would (height, sensor height, belt speed, incline, placement, …) and carries the study's
own columns (subject, group, visit …) into ``imu-gait batch``'s summary table.

A study of thirty people on a treadmill has thirty heights and belt speeds; one set of command-line options
for the whole batch gave everyone the same step-length model and no belt at all. The table is a CSV::

    recording,subject,height_m,belt_speed_kmh,incline_pct,placement
    s01/walk.csv,s01,1.62,4.5,0,lower_back
    s02/walk.csv,s02,1.81,5.0,2,chest

``recording`` is a file, export folder or zip, relative to the table's own folder (or absolute). The
context columns are the ``analyze`` options, named as the option (``height``, ``belt_speed_kmh``) or
with the unit the library uses (``height_m``, ``belt_speed_mps``, ``incline_pct``, ``baseline_s``); each
value is checked exactly as the option is (:func:`imu_gait.cli.add_context_options`), and an empty cell
leaves that recording with the command line's value. Every other column is the study's own and is copied
into the summary table as it is (after ``recording``, ``status``, ``error``). A column named almost like
a context column (``hieght_m``) is refused, not copied: a typo must not silently drop a height.
"""
from __future__ import annotations

import argparse
import csv
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ImuGaitError

#: the column naming the recording (and the other names accepted for it)
RECORDING_COLUMNS = ("recording", "file", "path")
#: context column → the ``analyze`` option it stands for (the option's own name, and the library's with its unit)
CONTEXT_COLUMNS: dict[str, str] = {
    "height": "--height", "height_m": "--height", "body_height_m": "--height",
    "sensor_height": "--sensor-height", "sensor_height_m": "--sensor-height",
    "belt_speed": "--belt-speed", "belt_speed_mps": "--belt-speed",
    "belt_speed_kmh": "--belt-speed-kmh",
    "incline": "--incline", "incline_pct": "--incline",
    "max_incline": "--max-incline", "max_incline_pct": "--max-incline",
    "treadmill": "--treadmill",
    "treadmill_schedule": "--treadmill-schedule",
    "baseline": "--baseline", "baseline_s": "--baseline",
    "valid_day_hours": "--valid-day-hours", "valid_day_worn_h": "--valid-day-hours",
    "placement": "--placement",
    "walking_aid": "--walking-aid",
}
#: what a cell of the ``treadmill`` column may say
_YES = ("yes", "y", "true", "1", "x")
_NO = ("no", "n", "false", "0", "")
#: the treadmill's own context: a row that gives any of it replaces the command line's (a belt speed and a
#: schedule cannot both hold)
_BELT_KEYS = ("belt_speed_mps", "incline_pct", "treadmill_schedule")


@dataclass
class RecordingContext:
    """One table row: the recording, its context (``analyze`` keywords, only those the row gives), its
    study columns (as written) and where it came from (for messages)."""
    recording: Path
    context: dict[str, Any]
    columns: dict[str, str]
    line: int


@dataclass
class ContextTable:
    """A read context table: its rows by the recording's absolute path, and the study columns in table order."""
    path: Path
    rows: dict[Path, RecordingContext] = field(default_factory=dict)
    study_columns: list[str] = field(default_factory=list)

    def context_for(self, recording: Path, base: dict[str, Any]) -> dict[str, Any]:
        """``base`` (the command line's context) with this recording's own values over it."""
        row = self.rows.get(_key(recording))
        if row is None:
            return dict(base)
        out = dict(base)
        if any(k in row.context for k in _BELT_KEYS):
            for k in _BELT_KEYS:
                out.pop(k, None)
        out.update(row.context)
        # as on the command line: a belt speed or a schedule means a treadmill, an incline alone does not
        treadmill = bool(out.pop("treadmill", False) or out.get("belt_speed_mps") is not None
                         or out.get("treadmill_schedule") is not None)
        return {"treadmill": treadmill, **out}             # (first, as the command line's context has it)

    def columns_for(self, recording: Path) -> dict[str, str]:
        row = self.rows.get(_key(recording))
        return dict(row.columns) if row is not None else {}


def _key(recording: str | os.PathLike) -> Path:
    """A recording's key: its path made absolute, not resolved — links to one file under other names (a
    DataLad tree) are recordings of their own, as the batch finds them."""
    return Path(os.path.abspath(recording))


class _CellError(Exception):
    pass


class _RowParser(argparse.ArgumentParser):
    """The ``analyze`` context options, raising instead of exiting (a cell's error names its line and column)."""
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _CellError(message)


def _parser() -> _RowParser:
    from .cli import add_context_options         # late: the CLI module imports the whole package

    p = _RowParser(prog="imu-gait", add_help=False)
    add_context_options(p)
    return p


def _name(header: str) -> str:
    """A header cell as a column name: 'Height (m)' is not guessed at, but '--belt-speed-kmh', 'Belt speed kmh'
    and 'belt_speed_kmh' are one name."""
    return "_".join(header.strip().lstrip("\ufeff").lstrip("-").lower().replace("-", " ").split())


def read_context_table(path: str | os.PathLike) -> ContextTable:
    """Read and check a context table (module docstring). Every problem — a missing ``recording`` column, a
    recording that is not there or listed twice, a value its option refuses, a column named almost like a
    context column — is an :class:`ImuGaitError` naming the table, the line and the column, before any
    recording is analysed."""
    from .cli import analysis_context

    table = Path(path)
    try:
        with open(table, newline="", encoding="utf-8-sig") as fh:
            lines = list(csv.reader(fh))
    except FileNotFoundError:
        raise ImuGaitError(f"--context-table {table}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ImuGaitError(f"--context-table {table}: could not be read ({exc})") from None
    lines = [(i + 1, cells) for i, cells in enumerate(lines) if any(c.strip() for c in cells)]
    if not lines:
        raise ImuGaitError(f"{table}: the context table is empty"
                           "\n  What to do: a header line (recording,height_m,…) and a line per recording")
    header_line, header = lines[0]
    names = [_name(h) for h in header]
    where = f"{table} line {header_line}"
    rec_cols = [i for i, n in enumerate(names) if n in RECORDING_COLUMNS]
    if len(rec_cols) != 1:
        raise ImuGaitError(f"{where}: the context table needs {'one' if not rec_cols else 'only one'} column "
                           f"naming the recording ({' / '.join(RECORDING_COLUMNS)}); its header is {','.join(header)}"
                           "\n  What to do: name the column of file names 'recording'")
    seen: dict[str, int] = {}
    for i, n in enumerate(names):
        if not n:
            raise ImuGaitError(f"{where}, column {i + 1}: has no name\n  What to do: name every column")
        if n in seen:
            raise ImuGaitError(f"{where}: the column {header[i]!r} appears twice (columns {seen[n] + 1} and {i + 1})")
        seen[n] = i
        if n not in CONTEXT_COLUMNS and n not in RECORDING_COLUMNS:
            near = difflib.get_close_matches(n, list(CONTEXT_COLUMNS), n=1, cutoff=0.8)
            if near:
                raise ImuGaitError(f"{where}: the column {header[i]!r} is not a context column — did you mean "
                                   f"{near[0]!r}?\n  What to do: correct its name (columns that are not context, "
                                   "such as subject or group, are copied into the summary table as they are)")
    options = {i: CONTEXT_COLUMNS[n] for i, n in enumerate(names) if n in CONTEXT_COLUMNS}
    by_option: dict[str, int] = {}
    for i, opt in options.items():
        if opt in by_option:
            raise ImuGaitError(f"{where}: the columns {header[by_option[opt]]!r} and {header[i]!r} both give "
                               f"{opt}\n  What to do: keep one of them")
        by_option[opt] = i
    if "--belt-speed" in by_option and "--belt-speed-kmh" in by_option:
        raise ImuGaitError(f"{where}: the columns {header[by_option['--belt-speed']]!r} and "
                           f"{header[by_option['--belt-speed-kmh']]!r} both give the belt speed"
                           "\n  What to do: keep one of them (km/h or m/s)")
    study = [i for i, n in enumerate(names) if n not in CONTEXT_COLUMNS and n not in RECORDING_COLUMNS]
    out = ContextTable(path=table, study_columns=[header[i].strip() for i in study])
    parser = _parser()
    base = table.parent
    for line, cells in lines[1:]:
        where = f"{table} line {line}"
        cells = [c.strip() for c in cells] + [""] * (len(header) - len(cells))
        if len(cells) > len(header) and any(cells[len(header):]):
            raise ImuGaitError(f"{where}: {len(cells)} cells but the header has {len(header)} columns"
                               "\n  What to do: quote cells that hold a comma")
        name = cells[rec_cols[0]]
        if not name:
            raise ImuGaitError(f"{where}, column {header[rec_cols[0]]!r}: no recording named")
        rec = Path(name).expanduser()
        rec = rec if rec.is_absolute() else base / rec
        if not rec.exists():
            raise ImuGaitError(f"{where}: {name} not found (looked for {os.path.abspath(rec)})"
                               "\n  What to do: give its path relative to the table's folder, or an absolute one")
        argv: list[str] = []
        for i, opt in options.items():
            value = cells[i]
            if opt == "--treadmill":
                if value.lower() not in _YES + _NO:
                    raise ImuGaitError(f"{where}, column {header[i]!r}: {value!r} is neither yes nor no")
                if value.lower() in _YES:
                    argv.append(opt)
                continue
            if not value:
                continue                                 # the command line's value holds for this recording
            if opt == "--treadmill-schedule" and not Path(value).expanduser().is_absolute():
                value = str(base / value)
            try:
                parser.parse_args([opt, value])
            except _CellError as exc:
                raise ImuGaitError(f"{where}, column {header[i]!r}: {str(exc).removeprefix('argument ')}") from None
            argv += [opt, value]
        try:
            ns = parser.parse_args(argv)
            full = analysis_context(ns)
        except _CellError as exc:
            raise ImuGaitError(f"{where}: {str(exc).removeprefix('argument ')}") from None
        except ImuGaitError as exc:
            raise ImuGaitError(f"{where}: {exc}") from None
        given = {o for o in argv if o.startswith("--")}
        keys = {"--height": "body_height_m", "--sensor-height": "sensor_height_m", "--belt-speed": "belt_speed_mps",
                "--belt-speed-kmh": "belt_speed_mps", "--incline": "incline_pct", "--max-incline": "max_incline_pct",
                "--treadmill-schedule": "treadmill_schedule", "--baseline": "baseline_s",
                "--valid-day-hours": "valid_day_worn_h", "--placement": "placement",
                "--walking-aid": "walking_aid"}
        context = {keys[o]: full[keys[o]] for o in given if o in keys}
        if full.get("treadmill") and ("--treadmill" in given or any(k in context for k in _BELT_KEYS)):
            context["treadmill"] = True
        key = _key(rec)
        if key in out.rows:
            raise ImuGaitError(f"{where}: {name} is listed twice (also line {out.rows[key].line})")
        out.rows[key] = RecordingContext(recording=rec, context=context,
                                         columns={header[i].strip(): cells[i] for i in study}, line=line)
    if not out.rows:
        raise ImuGaitError(f"{table}: the context table lists no recording (only its header)")
    return out
