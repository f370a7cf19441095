"""Many recordings at once: ``imu-gait batch PATH… --out summary.csv``.

One row per recording (file, export folder or zip): the walk's summary metrics, how many
flags of each kind, and — when a recording cannot be read or analysed — its error message
instead of the numbers. One bad file never stops the batch; the exit code says whether any
failed. Per-recording JSON results can be written beside the table (``--json-dir``).

Which paths are recordings: a file; a folder that is a phone export (phyphox ``Raw Data.csv``
or per-sensor ``Accelerometer.csv``, Sensor Logger ``TotalAcceleration.csv`` /
``Gravity.csv``, recognised by their headers too); inside any other folder, its ``.csv`` and
``.zip`` files (spreadsheets — ``.xlsx``, ``.xls``, ``.ods`` — too: their rows say they are not analysed and
how to save them as CSV) — and its ``.txt`` / ``.tsv`` / ``.dat`` files when the reader options describe
the columns (``acc_cols`` or ``format='generic'``: lab exports such as Xsens ``_lb.txt``) — and
its export sub-folders (``recursive=True``: every sub-folder, at any depth). Folders are listed
in natural order (``2-1`` before ``10-1``).
"""
from __future__ import annotations

import csv
import os
import re
import shlex
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .bouts import OUTCOME_KEYS
from .days import DAY_OUTCOME_KEYS
from .errors import ImuGaitError
from .strain import FLAG_IDS
from .marks import attach_marks, marks_for
from .treadmill import with_sidecar_schedule
from ._output_file import atomic_text_file

if TYPE_CHECKING:
    from .context_table import ContextTable

#: summary keys copied into the table, in this order (medians over steps unless the name says so). First when the
#: recording started (``start_time_iso``, with its UTC offset where the file gave one; empty where it did not say):
#: a study's sessions weeks apart were otherwise told apart by their file names alone (weeks audit s36)
SUMMARY_COLUMNS = (
    "start_time_iso", "duration_s", "sample_rate_hz", "has_gyro", "gyro_axis_mismatch", "placement", "n_bouts", "walking_time_s", "n_steps", "gait",
    "running_fraction", "cadence_spm", "cadence_walking_spm", "cadence_running_spm", "step_time_s", "stride_time_s", "stride_time_cv_pct",
    "step_time_asymmetry_pct", "step_length_m", "walking_speed_mps", "vertical_oscillation_cm", "vertical_ratio_pct",
    "trunk_twist_deg", "forward_lean_deg", "lean_vs_standing_deg", "lateral_sway_cm", "pelvic_drop_deg", "braking_mps", "impact_g",
    "step_regularity", "stride_regularity", "symmetry", "ground_contact_ms", "gct_balance_pct", "one_sided_signal", "gap_s",
    "treadmill", "sensor_height_m", "sensor_height_source",
)
#: the walking-bout outcomes (summary['walking_bouts'], :func:`imu_gait.bouts.bout_outcomes`) copied into the
#: table, each as ``wb_<key>``: how many bouts of 10 / 30 / 60 s, how long, and cadence and speed by bout length
WALKING_BOUT_COLUMNS = tuple(f"wb_{k}" for k in OUTCOME_KEYS)
#: the day-by-day outcomes (summary['days'], :func:`imu_gait.days.day_outcomes`), each as ``days_<key>``: how
#: many days and valid days (worn ≥ 10 h), hours worn, and steps and walking bouts per valid day
DAY_COLUMNS = tuple(f"days_{k}" for k in DAY_OUTCOME_KEYS)
#: files a phone export folder is recognised by (lower case)
_EXPORT_MARKERS = ("raw data.csv", "accelerometer.csv", "totalacceleration.csv", "gravity.csv")
#: recordings by suffix in a folder: always, and when the reader options describe the columns
RECORDING_SUFFIXES = (".csv", ".zip")
TEXT_SUFFIXES = (".txt", ".tsv", ".dat")
#: a recording's reference contacts beside it: walk.csv → walk.ref.json or walk.ref.csv (an export folder
#: or zip 'exp' → exp.ref.json …), scored by ``batch --score-references``; never taken for a recording
REFERENCE_ENDINGS = (".ref.json", ".ref.csv")
#: the symptom-mark columns, when any recording has marks beside it (``walk.marks.csv``)
MARK_COLUMNS = ("n_marks", "pain_max", "marks_stood_out")
#: what a live session leaves beside its recording (treadmill context, symptom marks): read with the
#: recording, never taken for one
SIDECAR_ENDINGS = (".treadmill.csv", ".marks.csv")
#: … and the rows with angular rate kept when a live sensor's gyroscope stopped (NativeCsvWriter.drop_gyro:
#: walk.with-gyro.csv, -2 … if taken): the same walk as walk.csv, which holds every sample — a folder's batch
#: counted it twice (found by review); named on its own it is analysed
KEPT_GYRO_PART = re.compile(r"\.with-gyro(-\d+)?\.csv$", re.IGNORECASE)
#: the columns a scored row adds (imu_gait.scoring's names, 'ref_' before them)
SCORE_COLUMNS = ("ref_file", "ref_status", "ref_n", "ref_matched", "ref_missed", "ref_false", "ref_precision",
                 "ref_recall", "ref_f1", "ref_median_abs_err_ms", "ref_step_count_err_pct")


def reference_for(recording: Path) -> Path | None:
    """The reference file beside a recording (see :data:`REFERENCE_ENDINGS`), or None."""
    stem = recording.name[: -len(recording.suffix)] if recording.is_file() and recording.suffix else recording.name
    for ending in REFERENCE_ENDINGS:
        cand = recording.with_name(stem + ending)
        if cand.is_file():
            return cand
    return None


def _has_export_marker(folder: Path) -> bool:
    try:
        names = {p.name.lower() for p in folder.iterdir() if p.is_file()}
    except OSError:
        return False
    return any(m in names for m in _EXPORT_MARKERS)


def is_export_folder(folder: Path) -> bool:
    """True if the folder is one phone export (phyphox or Sensor Logger), read as one recording:
    a file named like an export's *and* headers the phyphox or Sensor Logger reader recognises — a
    lab's folder with a headerless ``accelerometer.csv`` (the Oxford step-counter data) is a folder
    of files, not an export."""
    if not _has_export_marker(folder):
        return False
    from .io.detect import detect_format

    try:
        return detect_format(folder) in ("phyphox", "sensorlogger")
    except (ImuGaitError, OSError):
        return False


def _output_table_headers() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(what it is, the first columns of its header) for each table imu_gait writes (imported when first
    needed: the report modules import the whole package)."""
    global _OUTPUT_TABLE_HEADERS
    if _OUTPUT_TABLE_HEADERS is None:
        from .bouts import BOUT_COLUMNS
        from .compare import TABLE_FIXED_COLUMNS
        from .days import DAY_COLUMNS
        from .report.flags_csv import FLAG_CSV_COLUMNS
        from .report.research_export import MINUTE_COLUMNS, STEP_EXPORT_COLUMNS
        from .result import STEP_COLUMNS
        from .scoring import EVENT_COLUMNS

        _OUTPUT_TABLE_HEADERS = (
            ("batch summary table", tuple(table_columns()[:3])),      # recording,status,error
            ("steps table", tuple(STEP_COLUMNS)[:4]),
            ("flags table", tuple(FLAG_CSV_COLUMNS[:4])),
            ("bouts table", tuple(BOUT_COLUMNS[:4])),
            ("days table", tuple(DAY_COLUMNS[:4])),
            ("compare table", tuple(TABLE_FIXED_COLUMNS[:4])),
            ("score events table", tuple(EVENT_COLUMNS)),
            # the research export's own tables (--export-dir; its bouts.csv is a pooled bouts table)
            ("research export steps table", tuple(STEP_EXPORT_COLUMNS[:4])),
            ("research export minutes table", tuple(MINUTE_COLUMNS[:4])),
            ("research export settings table", ("recording", "setting", "value")),
            ("research export data dictionary", ("table", "column", "unit", "description")),
        )
    return _OUTPUT_TABLE_HEADERS


_OUTPUT_TABLE_HEADERS: tuple[tuple[str, tuple[str, ...]], ...] | None = None


def output_table_kind(path: str | os.PathLike) -> str | None:
    """What imu_gait output table ``path`` is ("batch summary table", "steps table", "flags table", …),
    recognised by its header's first columns (the pooled tables' leading ``recording`` and study columns
    too), or None: a recording, or anything else. A batch run in the folder it wrote its tables to (or its ``--steps-dir``)
    took them for recordings: 'unknown recording format' rows and exit code 1."""
    path = Path(path)
    if not path.is_file() or path.suffix.lower() not in (".csv", ".txt"):
        return None
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.readline(4096)
    except OSError:
        return None
    cols = [c.strip().strip('"') for c in head.lstrip("\ufeff").rstrip("\r\n").split(",")]
    # a pooled table: 'recording', then a context table's study columns (any number), then its own
    variants = [cols] + ([cols[i:] for i in range(1, len(cols))] if cols[:1] == ["recording"] else [])
    for kind, first in _output_table_headers():
        if any(tuple(c[:len(first)]) == first for c in variants):
            return kind
    return None


def skipped_tables_note(skipped: Sequence[tuple[Path, str]], anonymise: bool = False) -> str:
    """One line on the files left out as imu_gait's own output tables (:func:`output_table_kind`).
    ``anonymise``: counted, not named (their paths hold the folder, often the patient's name)."""
    if len(skipped) <= 3 and not anonymise:
        return ("left out, not recordings: " + "; ".join(f"{p} (imu_gait's {kind})" for p, kind in skipped))
    counts: dict[str, int] = {}
    for _, kind in skipped:
        counts[kind] = counts.get(kind, 0) + 1
    kinds = ", ".join(f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in counts.items())
    return (f"left out {len(skipped)} of imu_gait's own output tables, not recordings ({kinds}), "
            + ("their names left out (--anonymise)" if anonymise else f"e.g. {skipped[0][0]}"))


def _natural_key(name: str) -> list:
    """'S2-10' → ['s', 2, '-', 10, '']: numbers compare as numbers (subject 2 before subject 10). Spaces
    do not count ('s 1' before 's10', not after it); the name itself breaks ties."""
    parts = re.split(r"(\d+)", name.lower())
    return [[int(p) if p.isdigit() else "".join(p.split()) for p in parts], name]


def takes_text_files(read_options: dict[str, Any]) -> bool:
    """Whether folders' ``.txt``/``.tsv``/``.dat`` files count as recordings: when the reader options
    describe the columns (``acc_cols``, or ``format='generic'``)."""
    return (read_options.get("acc_cols") is not None
            or str(read_options.get("format") or "").lower() == "generic")


def _plain_text(path: Path) -> bool:
    """A text file (.txt …) that reads with no options: a format imu_gait knows, or plainly a table of samples."""
    from .io.detect import _format_or_none, is_plain_table

    return _format_or_none(str(path)) is not None or is_plain_table(str(path))


def _annex_dataset(path: str) -> str | None:
    """The dataset folder (the one holding ``.git``) when ``path`` is a git-annex object (under
    ``<dataset>/.git/annex/objects``), else None."""
    parts = Path(path).parts
    for i in range(len(parts) - 3, -1, -1):
        if parts[i:i + 3] == (".git", "annex", "objects"):
            return str(Path(*parts[:i])) if i else None
    return None


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def link_leaves(link: Path, top: Path) -> Path | None:
    """Where ``link`` (a symbolic link found inside the folder ``top``) leads, if that is outside ``top``; None
    when it stays inside (or is not a link). Judged hop by hop along a chain of links: each hop must stay inside
    ``top``, so a link to another patient's folder leaves even when the file there is itself a link back into a
    store. A git-annex / DataLad object (a file under ``<dataset>/.git/annex/objects``) counts as inside when its
    dataset is ``top``'s own — it holds ``top`` (the store may sit above the folder given) or sits inside
    it — not when it belongs to another dataset (another patient's)."""
    if not link.is_symlink():
        return None
    try:
        root = os.path.realpath(top, strict=True)
        final = link.resolve()
    except (OSError, RuntimeError):            # (a loop of links: it leads nowhere readable)
        return Path(os.readlink(link))
    allowed = [root]
    cur, hops = str(link), 0
    while os.path.islink(cur):
        hops += 1
        if hops > 40:
            return Path(os.readlink(link))
        # this hop's target: the link's own folder resolved, its text joined on, then all but the last name
        # resolved by the system — which follows a linked folder before the '..' after it (a normpath first
        # dropped 'shared/..' as text: 'notes.csv -> shared/../walk.csv' with shared -> ../patientB/walks read
        # patient B's walk as inside; review-C s43)
        joined = os.path.join(os.path.realpath(os.path.dirname(cur)), os.readlink(cur))
        head, name = os.path.split(joined)
        hop = os.path.realpath(joined) if name in ("", ".", "..") else os.path.join(os.path.realpath(head), name)
        lexical = os.path.normpath(joined)     # (only to spot a .git/annex/objects path)
        if not any(_within(hop, a) for a in allowed):
            store = _annex_dataset(lexical) or _annex_dataset(hop)
            if store is None:
                return final
            ds = os.path.realpath(store)
            if not (_within(root, ds) or _within(ds, root)):
                return final                   # another dataset's store: another patient's recording
            objects = os.path.join(ds, ".git", "annex", "objects")
            allowed += [objects, os.path.realpath(objects)]
        cur = hop
    return None


def left_links_note(links: Sequence[tuple[Path, Path]], anonymise: bool = False) -> str:
    """The batch's note on links it did not follow (:func:`find_recordings`' ``left_links``). ``anonymise``:
    counted, not named (the link's folder and the file it leads to may name patients)."""
    named = "; ".join(f"{link} -> {where}" for link, where in links[:3])
    more = f" and {len(links) - 3} more" if len(links) > 3 else ""
    if anonymise:
        named, more = "their names left out: --anonymise", ""
    return (f"left out {len(links)} link(s) that lead out of the folder given ({named}{more}): not read, as they "
            "may point at someone else's recordings. If they are yours, add --follow-links, or name the files "
            "themselves")


#: folders of version-control metadata, never searched for recordings (``-r``)
VCS_FOLDERS = frozenset({".git", ".hg", ".svn", ".datalad"})


def find_recordings(paths: Iterable[str | os.PathLike], *, recursive: bool = False,
                    text_files: bool = False, skipped: list[tuple[Path, str]] | None = None,
                    follow_links: bool = False, left_links: list[tuple[Path, Path]] | None = None) -> list[Path]:
    """The recordings named by ``paths`` (see the module doc), in natural order within each folder,
    no duplicates. A symbolic link found in a folder that leads out of it (:func:`link_leaves`) is not taken
    unless ``follow_links``: it is appended to ``left_links`` as (link, where it leads) for the caller to say
    so (a file or folder named in ``paths`` itself is always taken, link or not). ``text_files``: also take ``.txt``/``.tsv``/``.dat`` files found in folders
    (when the reader options describe the columns). imu_gait's own output tables (:func:`output_table_kind`:
    a batch summary, flags, bouts, days or steps CSV …) are never taken, found in a folder or named: each
    is appended to ``skipped`` as (path, what it is) for the caller to say so.

    Raises :class:`~imu_gait.errors.ImuGaitError` for a path that does not exist.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    from .io.detect import SPREADSHEET_SUFFIXES

    # spreadsheets too: not readable, but never left out unsaid — their rows say how to save them as CSV
    suffixes = RECORDING_SUFFIXES + SPREADSHEET_SUFFIXES + (TEXT_SUFFIXES if text_files else ())

    def add(p: Path) -> None:
        # the path as given, made absolute — not resolved: links to one file under other names (a DataLad or
        # git-annex tree) are recordings of their own; only the same path named twice is one
        key = Path(os.path.abspath(p))
        if key not in seen:
            seen.add(key)
            out.append(p)

    def refused(child: Path, top: Path) -> bool:
        # a link out of the folder given (to another patient's folder, say) is not followed unless asked for
        where = None if follow_links else link_leaves(child, top)
        if where is not None and left_links is not None:
            left_links.append((child, where))
        return where is not None

    def walk(folder: Path, top: Path) -> Iterator[Path]:
        for child in sorted(folder.iterdir(), key=lambda c: _natural_key(c.name)):
            if child.is_dir():
                if is_export_folder(child):
                    if not refused(child, top):
                        yield child
                elif recursive:
                    # a version-control store holds copies of the tree's own files (git-annex keeps each
                    # recording under .git/annex/objects, linked from its name): read, each walk came twice
                    if child.name not in VCS_FOLDERS and not refused(child, top):
                        yield from walk(child, top)
                elif _has_export_marker(child):
                    if not refused(child, top):
                        yield child   # looks like an export but is not one: its row says why (never skipped unsaid)
            elif child.name.lower().endswith(REFERENCE_ENDINGS + SIDECAR_ENDINGS) or KEPT_GYRO_PART.search(child.name):
                continue
            elif child.suffix.lower() in suffixes or (child.suffix.lower() in TEXT_SUFFIXES and _plain_text(child)):
                if not refused(child, top) and not own_table(child):
                    yield child      # (a text file that is plainly a table of samples needs no options: IPOL's)

    def own_table(p: Path) -> bool:
        kind = output_table_kind(p)
        if kind is not None and skipped is not None and all(q != p for q, _ in skipped):
            skipped.append((p, kind))
        return kind is not None

    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise ImuGaitError(f"{p}: no such file or folder")
        if p.is_file():
            if not own_table(p):
                add(p)
        elif is_export_folder(p):
            add(p)
        else:
            for rec in walk(p, p):
                add(rec)
    return out


def identical_recordings(recordings: Sequence[Path]) -> list[list[Path]]:
    """Groups (two or more, in the recordings' order) of recording files whose bytes are the same: a copy made
    while sorting a study's files ('copy of walk.csv', a session exported twice) is analysed as a recording of its
    own, and pooled statistics counted that walk twice without a word (weeks audit s36). Only files of equal size
    are read (hashed in blocks), so a folder of distinct recordings costs one ``stat`` each; export folders are
    not compared."""
    import hashlib

    by_size: dict[int, list[Path]] = {}
    for r in recordings:
        try:
            if r.is_file():
                by_size.setdefault(r.stat().st_size, []).append(r)
        except OSError:
            continue
    groups: dict[bytes, list[Path]] = {}
    for size, same in by_size.items():
        if len(same) < 2 or size == 0:          # (empty files: their rows already say they are empty)
            continue
        for r in same:
            h = hashlib.blake2b(digest_size=20)
            try:
                with open(r, "rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        h.update(block)
            except OSError:
                continue
            groups.setdefault(h.digest(), []).append(r)
    order = {r: i for i, r in enumerate(recordings)}
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: order[g[0]])


def _what_is_there(paths: Sequence[str | os.PathLike], recursive: bool) -> str:
    """Why no recording was found, for the error: what the folders do hold, and what would take it."""
    counts: dict[str, int] = {}
    subfolders = 0
    for raw in paths:
        p = Path(raw)
        if not p.is_dir():
            continue
        try:
            children = list(p.rglob("*") if recursive else p.iterdir())
        except OSError:
            continue
        for c in children:
            if c.is_dir():
                subfolders += 1
            elif c.is_file():
                ext = c.suffix.lower() or "(no extension)"
                counts[ext] = counts.get(ext, 0) + 1
    parts = []
    if counts:
        held = ", ".join(f"{n} {ext}" for ext, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        parts.append(f"the folder holds {held} file(s), none .csv or .zip")
    if any(ext in TEXT_SUFFIXES for ext in counts):
        parts.append("text files (.txt, .tsv, .dat) are taken when --acc-cols describes their columns (see "
                     "--skiprows, --sample-rate, --gyro-cols), or name them: imu-gait batch FOLDER/*.txt …")
    if subfolders and not recursive:
        parts.append(f"add --recursive to look into its {subfolders} sub-folder(s)")
    return "; ".join(parts) if parts else "looked for .csv/.zip files and phone export folders"


def summarise(path: Path, *, read_options: dict[str, Any] | None = None,
              context: dict[str, Any] | None = None, json_path: Path | None = None,
              steps_path: Path | None = None, score_reference: bool = False, ref_unit: str = "s",
              with_flag_rows: bool = False, with_bout_rows: bool = False, with_day_rows: bool = False,
              with_export: bool = False, pseudonym: str | None = None) -> dict[str, Any]:
    """Read and analyse one recording; the table row (``status`` "ok" or "error"). ``json_path`` /
    ``steps_path``: also write its JSON result / its one-row-per-step CSV there. ``score_reference``:
    score its steps against the reference beside it (:func:`reference_for`; the ``ref_*`` columns), its times
    in ``ref_unit`` ("s" or "ms").
    ``with_flag_rows``: the row also holds ``_flag_rows``, its flags as the flags CSV's rows (not a
    column of the table: the batch pools them into ``--flags-csv``); ``with_bout_rows``: likewise
    ``_bout_rows``, its walking bouts as the bouts CSV's rows (pooled into ``--bouts-csv``), and
    ``with_day_rows``: ``_day_rows``, its days (pooled into ``--days-csv``); ``with_export``: ``_export``, its
    share of the research export (:func:`~imu_gait.report.research_export.export_parts`, pooled into
    ``--export-dir``). ``pseudonym`` (--anonymise): the name the row and its outputs give the recording, which
    is analysed without its clock and identifying metadata (:mod:`imu_gait.privacy`)."""
    import imu_gait

    name = pseudonym or str(path)
    hide = pseudonym is not None
    row: dict[str, Any] = {"recording": name, "status": "ok", "error": "",
                           "options": options_text(context, read_options, hide_paths=hide),
                           "imu_gait_version": imu_gait.__version__}
    try:
        ctx, side_note = with_sidecar_schedule(path, dict(context or {}))   # a live recording's treadmill context
        if side_note:
            row["options"] = options_text(ctx, read_options, hide_paths=hide)
        rec = read = imu_gait.read(path, **(read_options or {}))
        if pseudonym is not None:
            from .privacy import anonymise_recording
            rec = anonymise_recording(read, pseudonym)
        res = imu_gait.analyze(rec, **ctx)
        if side_note:
            res.warnings.append(side_note)
        marks, marks_note = marks_for(path)      # symptom marks a live session (or the walker) left beside it
        if marks is not None:
            attach_marks(res, marks)
            res.warnings.append(marks_note)
            row.update(_marks_row(res))
        if pseudonym is not None:
            from .marks import marks_path
            from .privacy import anonymise_result
            from .treadmill import sidecar_path
            anonymise_result(res, [path, marks_path(path), sidecar_path(path)], pseudonym)
        if score_reference:
            scored = _score_row(path, read, res, ref_unit)     # (references on the file's own clock)
            if pseudonym is not None and scored.get("ref_file"):
                # the reference beside walk.csv is walk.ref.json: named after the recording too
                from .privacy import path_spellings, redact_text
                ref = scored["ref_file"]
                ending = next((e for e in REFERENCE_ENDINGS if ref.endswith(e)), Path(ref).suffix)
                scored = {k: redact_text(v, path_spellings([ref]), pseudonym + ending) if isinstance(v, str) else v
                          for k, v in scored.items()}
            row.update(scored)
    except ImuGaitError as exc:
        row.update(status="error", error=one_line(exc))
        return row
    except Exception as exc:  # noqa: BLE001 — the batch's promise: one bad file never stops the others
        return {**_error_row(path, exc), "options": row["options"]}
    s = res.summary
    for k in SUMMARY_COLUMNS:
        v = s.get(k)
        row[k] = float(v) if hasattr(v, "dtype") else v       # numpy scalars → plain numbers
    wb = s.get("walking_bouts") or {}
    for col in WALKING_BOUT_COLUMNS:
        v = wb.get(col[3:])
        row[col] = float(v) if hasattr(v, "dtype") else v
    days = s.get("days") or {}
    for col in DAY_COLUMNS:
        v = days.get(col[5:])
        row[col] = float(v) if hasattr(v, "dtype") else v
    counts: dict[str, int] = {}
    for f in res.flags:
        counts[f.id] = counts.get(f.id, 0) + 1
    row["n_lean_jumps"] = len(s.get("lean_jumps") or [])     # sensor moved between two walks? (see flag notes)
    row["n_sensor_turns"] = len(s.get("sensor_turns") or [])  # … or turned (forward found again)
    # steps in the stretches walked backwards / stepped sideways (summary 'backward_walking', 'side_stepping'): which
    # recordings hold these rehab exercises, and how much of them — before (sidestep s44) only the warnings text said
    row["steps_backwards"] = _steps_within(res, s.get("backward_walking"))
    row["steps_sideways"] = _steps_within(res, s.get("side_stepping"))
    row["n_flags"] = len(res.flags)
    row["flags"] = " ".join(f"{k}×{n}" if n > 1 else k for k, n in sorted(counts.items()))
    not_judged = set(s.get("flags_not_judged") or ())
    for fid in FLAG_IDS:                      # numbers for statistics: minutes each pattern was flagged
        # (empty where the walk could not judge it: a 0 there read as 'not seen')
        row[f"flag_min_{fid}"] = (None if fid in not_judged else
                                  sum(max(f.end_s - f.start_s, 0.0) for f in res.flags if f.id == fid) / 60)
    # the placement doubts the reports put before any number (a pocket's 'lean' is the pocket's), then
    # the reader's and the engine's warnings
    row["warnings"] = " | ".join(" ".join(str(w).split())
                                 for w in [*(s.get("sensor_hints") or []), *res.warnings])
    row["outside_typical"] = outside_typical(res)
    if with_flag_rows:
        from .report.flags_csv import flag_rows

        row["_flag_rows"] = [{"recording": name, **fr} for fr in flag_rows(res)]
    if with_bout_rows:
        from .report.bouts_csv import bout_rows

        row["_bout_rows"] = [{"recording": name, **br} for br in bout_rows(res)]
    if with_day_rows:
        from .report.days_csv import day_rows

        row["_day_rows"] = [{"recording": name, **dr} for dr in day_rows(res)]
    if with_export:
        from .report.research_export import export_parts

        row["_export"] = export_parts(res, name, row["options"])
    # what the back-strain rules could not judge (a walk too short for a personal baseline): a 0 in a
    # flag_min_ column there means 'not judged', not 'not seen'
    row["flag_notes"] = " | ".join(" ".join(str(n).split()) for n in (s.get("flag_notes") or []))
    if json_path is not None:
        try:
            res.write_json(str(json_path))
        except OSError as exc:      # a full disk or a read-only file: the numbers are still good
            row.update(status="error", error=f"{path}: could not write {json_path}: {exc.strerror or exc}")
        else:
            row["json"] = str(json_path)
    if steps_path is not None:
        from .report.steps_csv import write_steps_csv

        try:
            write_steps_csv(res, steps_path)
        except OSError as exc:
            row.update(status="error", error=f"{path}: could not write {steps_path}: {exc.strerror or exc}")
        else:
            row["steps_csv"] = str(steps_path)
    return row


def _steps_within(res: Any, stretches: Any) -> int:
    """How many of ``res``'s steps lie in the stretches (``[{start_s, end_s}]``, ``end_s`` None: to the end; from
    ``start_s`` up to, not including, ``end_s`` — as the engine leaves them out of the flags)."""
    steps = getattr(res, "steps", None)
    if not stretches or steps is None or not len(steps):
        return 0
    t = steps["time_s"].to_numpy(float)
    inside = np.zeros(t.size, dtype=bool)
    for x in stretches:
        inside |= (t >= float(x["start_s"])) & (t < (np.inf if x.get("end_s") is None else float(x["end_s"])))
    return int(inside.sum())


def _marks_row(res: Any) -> dict[str, Any]:
    """The ``marks`` columns: how many symptom marks, the highest pain rating, and which metrics stood out
    (beyond a same-day repeat walk's range, :mod:`imu_gait.marks`) before how many of them."""
    counts: dict[str, int] = {}
    for c in res.marks:
        for m in c.stood_out:
            key = f"{m.metric} {m.direction}"
            counts[key] = counts.get(key, 0) + 1
    pains = [c.mark.pain for c in res.marks if c.mark.pain is not None]
    return {"n_marks": len(res.marks), "pain_max": max(pains) if pains else None,
            "marks_stood_out": " | ".join(f"{k} ×{n}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))}


def _score_row(path: Path, rec: Any, res: Any, ref_unit: str = "s") -> dict[str, Any]:
    """The ``ref_*`` columns: the steps against the reference beside the recording. A reference that
    cannot be used says why in ``ref_status``; the recording's own row stays "ok"."""
    from .scoring import NoReferenceWalking, read_reference, score_steps

    ref_path = reference_for(path)
    if ref_path is None:
        return {"ref_status": "no reference (" + " or ".join(f"<name>{e}" for e in REFERENCE_ENDINGS) + " beside it)"}
    out: dict[str, Any] = {"ref_file": str(ref_path)}
    try:
        s = score_steps(res.steps["time_s"].to_numpy(), read_reference(ref_path, unit=ref_unit),
                        recording_span_s=(float(rec.time_s[0]), float(rec.time_s[-1])),
                        time_offset_s=float(rec.meta.get("time_offset_s") or 0.0))
    except NoReferenceWalking:
        return {**out, "ref_status": "not scored: the reference marks no walking (its bouts list is empty)"}
    except ImuGaitError as exc:
        return {**out, "ref_status": "error: " + one_line(exc)}
    out.update(ref_status="scored" + ("; " + "; ".join(s["notes"]) if s["notes"] else ""), ref_n=s["n_ref"],
               ref_matched=s["tp"], ref_missed=s["fn"], ref_false=s["fp"], ref_precision=s["precision"],
               ref_recall=s["recall"], ref_f1=s["f1"], ref_median_abs_err_ms=s["median_abs_err_ms"],
               ref_step_count_err_pct=s["step_count_err_pct"])
    return out


def pooled_reference_scores(rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Counts summed over the scored rows (micro-average) and their F1; None when none was scored."""
    scored = [r for r in rows if str(r.get("ref_status", "")).startswith("scored")]
    if not scored:
        return None
    from .evaluation import scores_from_counts

    tp, fp, fn = (sum(int(r[k]) for r in scored) for k in ("ref_matched", "ref_false", "ref_missed"))
    s = scores_from_counts(tp, fp, fn)
    return {"n_recordings": len(scored), "tp": tp, "fp": fp, "fn": fn,
            **{k: s[k] for k in ("f1", "precision", "recall")}}


def one_line(exc: BaseException) -> str:
    """An error's message on one line for the table: 'message. What to do: hint' (the message and its
    hint are on two lines in the terminal; joined bare they ran together: '… knows What to do: …')."""
    text = str(exc)
    msg, sep, hint = text.partition("\n  What to do:")
    msg = " ".join(msg.split())
    if not sep:
        return msg
    return msg + ("" if msg.endswith((".", "!", "?", ":", ";")) else ".") + " What to do: " + " ".join(hint.split())


#: the CLI option for each analysis-context and reader keyword (the ``options`` column reads like a command line)
_CLI_NAMES = {"treadmill": "--treadmill", "belt_speed_mps": "--belt-speed", "incline_pct": "--incline",
              "max_incline_pct": "--max-incline", "sensor_height_m": "--sensor-height", "body_height_m": "--height",
              "baseline_s": "--baseline", "valid_day_worn_h": "--valid-day-hours",
              "placement": "--placement", "walking_aid": "--walking-aid", "format": "--format", "time_col": "--time-col",
              "time_unit": "--time-unit", "sample_rate_hz": "--sample-rate", "acc_cols": "--acc-cols",
              "acc_unit": "--acc-unit", "gyro_cols": "--gyro-cols", "gyro_unit": "--gyro-unit",
              "delimiter": "--delimiter", "skiprows": "--skiprows", "day_first": "--day-first"}


def options_text(context: dict[str, Any] | None, read_options: dict[str, Any] | None, *,
                 hide_paths: bool = False) -> str:
    """The context and reader options a recording was analysed with, as CLI options
    ('--belt-speed 1.25 --skiprows 1 --acc-cols Acc_X,Acc_Y,Acc_Z'): the table says how each row was
    made, so a row can be reproduced with ``imu-gait analyze FILE <options>``. Empty: none. ``hide_paths``
    (--anonymise): a schedule file is described by its stages, not named by its path."""
    parts: list[str] = []
    for key, value in [*(context or {}).items(), *(read_options or {}).items()]:
        if value is None or value is False:
            continue
        flag = _CLI_NAMES.get(key, f"{key}=")
        if value is True:
            parts.append(flag)
            continue
        if key == "treadmill_schedule":
            if getattr(value, "path", None) and not hide_paths:       # the file: a command that runs again
                parts.append(f"--treadmill-schedule {shlex.quote(str(value.path))}")
            else:
                desc = value.describe() if hasattr(value, "describe") else str(value)
                parts.append(f"--treadmill-schedule [{desc}]")
            continue
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, float):
            value = f"{value:g}"
        value = {"\t": "'\\t'", ";": "';'", " ": "' '"}.get(str(value), str(value))
        parts.append(f"{flag}{value}" if flag.endswith("=") else f"{flag} {value}")
    return " ".join(parts)


def outside_typical(result: Any) -> str:
    """The metrics whose median lies outside the typical range the reports use (gait-science.md §3:
    cadence, bounce, trunk twist, step regularity; running: ground contact, vertical ratio), as the
    text summary words them: 'trunk_twist_deg 21.8: above typical (walking 8–15°)'. A pointer to rows
    worth a look (a sensor off the trunk, a slow walker), not a verdict. Empty: all typical or no range."""
    from .report.common import build_overview

    ov = build_overview(result)
    groups = ov.metrics_by_gait.items() if ov.metrics_by_gait else [("", ov.metrics)]
    out = []
    for gait, rows in groups:
        for m in rows:
            # (a median over few steps is still outside its range: its brief says 'N steps only')
            if m.status in ("low", "high") or (m.status == "few" and m.brief.startswith(("below", "above"))):
                value = f"{m.median:.{m.decimals}f}"
                out.append(f"{m.column}{' (' + gait + ')' if gait else ''} {value}: {m.brief}")
    return " | ".join(out)


def pseudonyms(n: int) -> list[str]:
    """The names an anonymised batch gives its ``n`` recordings: recording-001, recording-002 … in the order
    the batch lists them (the order of the table made without --anonymise: the key stays with whoever ran it)."""
    width = max(3, len(str(n)))
    return [f"recording-{i:0{width}d}" for i in range(1, n + 1)]


def redact_row(row: dict[str, Any], path: Path, pseudonym: str | None) -> dict[str, Any]:
    """``row`` with ``path`` named ``pseudonym`` in its text (an error message names the file it read)."""
    if pseudonym is None:
        return row
    from .privacy import path_spellings, redact_value

    spellings = path_spellings([path])
    # (the export's frames were made under the pseudonym; a file called 'walk' keeps its gait 'walk')
    return {k: redact_value(v, spellings, pseudonym, k) for k, v in row.items()} | {"recording": pseudonym}


def _error_row(path: Path, exc: BaseException) -> dict[str, Any]:
    """The row for a recording that failed with an error the readers and the engine did not foresee
    (a damaged zip, a crashed worker process …): named, so the table says which file and why."""
    what = " ".join(str(exc).split()) or "no message"
    from . import __version__

    return {"recording": str(path), "status": "error", "imu_gait_version": __version__,
            "error": f"{path}: could not be read or analysed ({type(exc).__name__}: {what}); the file may be "
                     "damaged — if it opens fine elsewhere, please report this"}


def _run_parallel(recordings: list[Path], options: list[dict[str, Any]], by_index: dict[int, dict[str, Any]], *,
                  jobs: int, progress: Callable[[int, int, Path], None] | None,
                  on_row: Callable[[int], None] | None = None) -> None:
    """:func:`summarise` each recording (with its keyword ``options``) in ``jobs`` worker processes,
    filling ``by_index`` as they finish; ``on_row(i)`` is called as row ``i`` is put there."""
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    n = len(recordings)
    broken: list[int] = []
    done = 0
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(summarise, path, **opts): i for i, (path, opts) in enumerate(zip(recordings, options))}
        try:
            for fut in as_completed(futures):
                i = futures[fut]
                try:
                    by_index[i] = fut.result()
                except BrokenProcessPool:
                    # a worker died (killed for memory, a crash in a C library): the pool fails every
                    # recording still in it, not only the one that killed it — those are redone below
                    broken.append(i)
                    continue
                except Exception as exc:  # noqa: BLE001 — e.g. a row that cannot be sent back
                    by_index[i] = _error_row(recordings[i], exc)
                if on_row is not None:
                    on_row(i)
                done += 1
                if progress is not None:
                    progress(done, n, recordings[i])
        except KeyboardInterrupt:
            # leaving the block waits for the pool: only for the recordings already running, not the queue
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    for i in sorted(broken):      # each alone, so a recording that kills its worker fails alone
        by_index[i] = _summarise_isolated(recordings[i], options[i])
        if on_row is not None:
            on_row(i)
        done += 1
        if progress is not None:
            progress(done, n, recordings[i])


def _summarise_isolated(path: Path, options: dict[str, Any]) -> dict[str, Any]:
    """:func:`summarise` (with its keyword ``options``) in a worker process of its own: the row, or —
    if that process dies too — an error row saying this recording ended its process."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(summarise, path, **options).result()
    except BrokenProcessPool:
        from . import __version__

        return {"recording": str(path), "status": "error", "imu_gait_version": __version__,
                "error": f"{path}: the analysis process ended abruptly on this recording (run out of memory? a very "
                         "long or damaged file?); the other recordings were analysed. Try it alone: "
                         f"imu-gait analyze {path}"}
    except Exception as exc:  # noqa: BLE001
        return _error_row(path, exc)


def _output_names(recordings: list[Path], folder: Path, ending: str = ".json") -> list[Path]:
    """``<name>.json`` per recording (walk.csv → walk.csv.json, an export folder → its name.json;
    ``ending`` another ending, e.g. ``.steps.csv``).
    Recordings that share a name in different folders (every Oxford folder holds an
    ``accelerometer.csv``) are named by their folders too — ``<folder>__<name>.json``, from the
    first folder in which their paths differ — so each JSON says which recording it is; numbered
    only if even that repeats."""
    by_name: dict[str, list[Path]] = {}
    for r in recordings:
        by_name.setdefault(r.name, []).append(r)

    def qualified(r: Path) -> str:
        same = by_name[r.name]
        if len(same) == 1:
            return r.name
        # (the folders as given: a linked recording is named by its link's folder, not its target's)
        parts = [Path(os.path.abspath(p)).parent.parts for p in same]
        common = 0          # leading folders all of them share: left out of the name
        while all(len(x) > common for x in parts) and len({x[common] for x in parts}) == 1:
            common += 1
        return "__".join([*Path(os.path.abspath(r)).parent.parts[common:], r.name])

    used: dict[str, int] = {}
    out = []
    for r in recordings:
        name = qualified(r) + ending
        n = used.get(name, 0)
        used[name] = n + 1
        out.append(folder / (name if n == 0 else f"{name[:-len(ending)]}-{n + 1}{ending}"))
    return out


def run_batch(paths: Sequence[str | os.PathLike], out_csv: str | os.PathLike | None, *, recursive: bool = False,
              read_options: dict[str, Any] | None = None, context: dict[str, Any] | None = None,
              json_dir: str | os.PathLike | None = None, jobs: int = 1,
              progress: Callable[[int, int, Path], None] | None = None,
              exclude: Sequence[str | os.PathLike] = (),
              steps_dir: str | os.PathLike | None = None, score_references: bool = False, ref_unit: str = "s",
              flags_csv: str | os.PathLike | None = None,
              bouts_csv: str | os.PathLike | None = None,
              days_csv: str | os.PathLike | None = None,
              export_dir: str | os.PathLike | None = None,
              note: Callable[[str], None] | None = None,
              context_table: ContextTable | None = None, anonymise: bool = False,
              key: dict[str, Path] | None = None, follow_links: bool = False) -> list[dict[str, Any]]:
    """Analyse every recording under ``paths``; write the table to ``out_csv`` (None: don't);
    return the rows in input order. ``jobs`` > 1 analyses that many recordings at once in worker
    processes (0: one per CPU). ``progress(done, n, path)`` is called as recordings start (one
    job) or finish (several). ``exclude``: files that are not recordings (e.g. the table when the
    caller writes it itself). ``json_dir`` / ``steps_dir``: also write each recording's JSON result
    (``walk.csv.json``) / its one-row-per-step CSV (``walk.csv.steps.csv``, as ``imu-gait analyze
    --steps-csv``) there, named as :func:`_output_names` says. ``score_references``: score each
    recording's steps against the reference beside it (:func:`reference_for`; ``ref_*`` columns,
    pooled by :func:`pooled_reference_scores`). ``flags_csv``: also write every recording's flags into
    that one CSV (a row per flag, ``recording`` first; :mod:`~imu_gait.report.flags_csv`); ``bouts_csv``:
    likewise every recording's walking bouts (:mod:`~imu_gait.report.bouts_csv`); ``days_csv``: every
    recording's days (:mod:`~imu_gait.report.days_csv`); ``export_dir``: every recording's steps, minutes,
    bouts and settings pooled into the research export's tables there (:mod:`~imu_gait.report.research_export`;
    a recording that failed has no rows). ``note(text)`` is told of files left out as
    imu_gait's own output tables (:func:`output_table_kind`). ``context_table``: each recording's own context
    and study columns (:mod:`imu_gait.context_table`; its values over ``context``); with no ``paths``, the
    recordings it lists, in its order. Interrupted (Ctrl-C), the table (and the flags, bouts and days CSVs, and the
    export) are still written: the rows done so far, the others with status "interrupted" (not in the export).
    The export's rows are written as each recording is done (:class:`~imu_gait.report.research_export.ExportWriter`),
    and a folder holding other files of its names is refused before any analysis. ``anonymise``: every output
    names the n-th recording (in the order the batch lists them) ``recording-00n`` instead of its path, and
    holds no wall clock nor identifying metadata (:func:`pseudonyms`, :mod:`imu_gait.privacy`); ``key`` (a dict)
    is then filled with each pseudonym's recording, for the caller to say on the console, never in an output.
    ``follow_links``: also read links found in the folders that lead out of them (else left out, and ``note`` says
    so)."""
    if context_table is not None:
        _refuse_clashing_study_columns(context_table, flags_csv is not None, bouts_csv is not None,
                                       days_csv is not None)
    opts = read_options or {}
    text_files = takes_text_files(opts)
    own_tables: list[tuple[Path, str]] = []
    left_links: list[tuple[Path, Path]] = []
    if not paths and context_table is not None:
        recordings = [r.recording for r in context_table.rows.values()]
    else:
        recordings = find_recordings(paths, recursive=recursive, text_files=text_files, skipped=own_tables,
                                     follow_links=follow_links, left_links=left_links)
    # a summary from an earlier run in the same folder is not a recording, nor is the context table
    skip = {Path(p).resolve() for p in [*exclude, *([out_csv] if out_csv is not None else []),
                                        *([context_table.path] if context_table is not None else [])]}
    recordings = [r for r in recordings if r.resolve() not in skip]
    own_tables = [(p, kind) for p, kind in own_tables if p.resolve() not in skip]   # (being written now: unsaid)
    if not recordings:
        raise ImuGaitError(f"no recordings found in {', '.join(str(p) for p in paths)}: "
                           + (left_links_note(left_links, anonymise) if left_links else "")
                           + ("; " if left_links else "")
                           + (skipped_tables_note(own_tables, anonymise) if own_tables
                              else _what_is_there(paths, recursive)))
    # (anonymised: these notes count the files they are about — not the batch's recordings, so no pseudonym
    # stands for them — rather than name them)
    if left_links and note is not None:
        note(left_links_note(left_links, anonymise))
    if own_tables and note is not None:
        note(skipped_tables_note(own_tables, anonymise))
    if context_table is not None and paths and note is not None:
        for line in _context_table_notes(recordings, context_table, anonymise):
            note(line)
    same_data = identical_recordings(recordings)
    if same_data and note is not None:
        note(f"{len(same_data)} group(s) of recordings hold the same data byte for byte (copies?), e.g. "
             f"{' = '.join(str(r) for r in same_data[0][:3])}: each has its own row — count each walk once in pooled "
             "statistics (the later rows' warnings name the first)")
    names: list[str | None] = pseudonyms(len(recordings)) if anonymise else [None] * len(recordings)
    if anonymise and key is not None:
        key.update(zip(names, recordings))
    # (anonymised: the files are named by the pseudonyms, not by the recordings' names and folders)
    named = [Path(p) for p in names] if anonymise else recordings
    json_paths: list[Path | None] = [None] * len(recordings)
    if json_dir is not None:
        Path(json_dir).mkdir(parents=True, exist_ok=True)
        json_paths = list(_output_names(named, Path(json_dir)))
    steps_paths: list[Path | None] = [None] * len(recordings)
    if steps_dir is not None:
        Path(steps_dir).mkdir(parents=True, exist_ok=True)
        steps_paths = list(_output_names(named, Path(steps_dir), ".steps.csv"))
    n = len(recordings)
    # summarise()'s keywords per recording: the shared ones and each recording's own output files
    options = [{"read_options": read_options, "json_path": jpath, "steps_path": spath,
                "context": context if context_table is None else context_table.context_for(rec, context or {}),
                "score_reference": score_references, "ref_unit": ref_unit, "with_flag_rows": flags_csv is not None,
                "with_bout_rows": bouts_csv is not None, "with_day_rows": days_csv is not None,
                "with_export": export_dir is not None, "pseudonym": name}
               for rec, jpath, spath, name in zip(recordings, json_paths, steps_paths, names)]
    study = list(context_table.study_columns) if context_table is not None else []
    jobs = (os.cpu_count() or 1) if jobs == 0 else max(1, int(jobs))
    # the pooled tables: each row's list under that key, written to that path
    pooled = {"_flag_rows": flags_csv, "_bout_rows": bouts_csv, "_day_rows": days_csv}
    by_index: dict[int, dict[str, Any]] = {}
    export = None
    export_failed: list[OSError] = []
    if export_dir is not None:
        # refused before any recording is analysed: files of the export's names that an earlier export did not write
        from .report.research_export import ExportWriter
        export = ExportWriter(export_dir)

    def spill(i: int) -> None:
        # each recording's export rows go to disk as it is done (memory for one recording, not the batch's)
        nonlocal export
        if anonymise:
            # an error row (and any message) names the file by its path: by its pseudonym instead
            by_index[i] = redact_row(by_index[i], recordings[i], names[i])
        parts = by_index[i].get("_export")
        if export is not None and parts is not None:
            try:
                export.add(i, parts)
            except OSError as exc:
                # a full disk under the export: the batch goes on and its summary is written, the export
                # is given up and said at the end (as when the export was written at the end only)
                export.discard()
                export = None
                export_failed.append(exc)
        # dropped once on disk (a Ctrl-C in the middle of add leaves it, for the interrupt to write)
        by_index[i].pop("_export", None)

    spool = export
    try:
        try:
            if jobs == 1 or n == 1:
                for i, (path, opts) in enumerate(zip(recordings, options)):
                    if progress is not None:
                        progress(i, n, path)
                    by_index[i] = summarise(path, **opts)
                    spill(i)
            else:
                _run_parallel(recordings, options, by_index, jobs=min(jobs, n), progress=progress, on_row=spill)
        except KeyboardInterrupt:
            # Ctrl-C an hour into a batch: the rows done so far are kept, the others say they were not analysed
            if out_csv is not None:
                kept = [by_index.get(i) or {"recording": names[i] or str(r), "status": "interrupted",
                                            "options": options_text(options[i]["context"], read_options,
                                                                    hide_paths=anonymise),
                                            "error": "the batch was interrupted before this recording was analysed"}
                        for i, r in enumerate(recordings)]
                _add_study_columns(kept, recordings, context_table)
                try:
                    write_table(kept, out_csv, study_columns=study)
                except OSError:
                    pass
            for i in by_index:
                _add_study_columns([by_index[i]], [recordings[i]], context_table)
            for key, path in pooled.items():
                if path is not None:
                    try:
                        _write_pooled(key, [by_index[i] for i in sorted(by_index)], path, study)
                    except OSError:
                        pass
            if export is not None:          # the recordings done so far, as the tables above (review s41 L1)
                try:
                    for i in sorted(by_index):
                        spill(i)            # (one interrupted between its analysis and its spill)
                    if export is not None:  # (spill gives the export up on a write error)
                        export.finish()
                except OSError:
                    pass
            raise
        rows = [by_index[i] for i in range(n)]
        _add_study_columns(rows, recordings, context_table)
        index = {r: i for i, r in enumerate(recordings)}
        for group in same_data:
            for r in group[1:]:
                row = rows[index[r]]
                first = names[index[group[0]]] or group[0]
                copy = f"the same data byte for byte as {first} (a copy?): count the walk once in pooled statistics"
                row["warnings"] = " | ".join(w for w in (copy, row.get("warnings")) if w)
        if out_csv is not None:
            write_table(rows, out_csv, study_columns=study)
        for key, path in pooled.items():
            if path is not None:
                _write_pooled(key, rows, path, study)
        if export is not None:
            try:
                export.finish()
            except OSError as exc:
                export_failed.append(exc)
    finally:
        # whatever ends the batch — an error, a table above that could not be written, a second Ctrl-C while
        # the first one's tables are written — no hidden chunk folder is left in the export folder (discard is
        # a no-op once finish or spill's discard removed it; review-2 s41 L1)
        if spool is not None:
            spool.discard()
    for r in rows:
        for key in (*pooled, "_export"):
            r.pop(key, None)
    if export_failed:
        exc = export_failed[0]
        raise ExportFailedError(f"{export_dir}: could not write the research export ({exc.strerror or exc}); the "
                                "summary and the other tables were written"
                                "\n  What to do: free some space or choose a folder you can write to, and run the "
                                "batch again with --export-dir", rows)
    return rows


class ExportFailedError(ImuGaitError):
    """:func:`run_batch`'s research export could not be written, every other output was: ``rows`` are the
    batch's rows as it returns them, so a caller can still say how the batch went (review-2 s41 L5: the
    closing lines — "N of M recordings analysed", the notes, each failed recording — were lost)."""

    def __init__(self, message: str, rows: list[dict[str, Any]]):
        super().__init__(message)
        self.rows = rows


def _add_study_columns(rows: list[dict[str, Any]], recordings: list[Path], table: ContextTable | None) -> None:
    """Each row gets its recording's study columns from the context table (subject, group …), in place."""
    if table is not None:
        for row, rec in zip(rows, recordings):
            row.update(table.columns_for(rec))


def _context_table_notes(recordings: list[Path], table: ContextTable, anonymise: bool = False) -> list[str]:
    """What the batch says when the recordings found under its paths and the context table's differ.
    ``anonymise``: a recording the batch does not analyse is named by its line in the table, not its path."""
    found = {Path(os.path.abspath(r)) for r in recordings}
    outside = [r for r in recordings if Path(os.path.abspath(r)) not in table.rows]
    unused = [row for key, row in table.rows.items() if key not in found]
    out = []
    if outside:
        out.append(f"{len(outside)} recording(s) are not in the context table {table.path}: analysed with the "
                   f"command line's context alone, e.g. {outside[0]}")
    if unused:
        out.append(f"{len(unused)} recording(s) of the context table are not under the paths given and were not "
                   f"analysed, e.g. "
                   + (f"the one on line {unused[0].line}" if anonymise
                      else f"{unused[0].recording} (line {unused[0].line})")
                   + "; give no paths to analyse the "
                   "table's recordings")
    return out


def _refuse_clashing_study_columns(table: ContextTable, flags: bool, bouts: bool, days: bool) -> None:
    """A study column named like a column of a table this batch writes would overwrite it (or be
    overwritten): refused before any recording is analysed, naming the table that has it."""
    from .report.bouts_csv import BOUT_CSV_COLUMNS
    from .report.days_csv import DAY_CSV_COLUMNS
    from .report.flags_csv import FLAG_CSV_COLUMNS

    written = [("the summary table", table_columns(True, True, True, True)),
               *([("the flags CSV (--flags-csv)", FLAG_CSV_COLUMNS)] if flags else []),
               *([("the bouts CSV (--bouts-csv)", BOUT_CSV_COLUMNS)] if bouts else []),
               *([("the days CSV (--days-csv)", DAY_CSV_COLUMNS)] if days else [])]
    for col in table.study_columns:
        for name, cols in written:
            if col in cols:
                raise ImuGaitError(f"{table.path}: the column {col!r} is one of {name}'s own"
                                   f"\n  What to do: rename it in the context table (e.g. study_{col})")


#: what a spreadsheet (Excel, LibreOffice, Google Sheets) runs as a formula at the start of a cell
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: a cell starting with + or - runs something only if it names a function, a link or another cell (letters, a
#: call, a sheet/DDE reference); '-', '-/-', '+/+', '-1,5' or '-00:05' (missing-value marks, a decimal comma,
#: a time offset in a study table) are ordinary text, and guarding them would put a ' into a researcher's data
_SIGNED_FORMULA_PART = re.compile(r"[A-Za-z(!|]")


def spreadsheet_safe(value: Any) -> Any:
    """``value`` for a CSV cell a spreadsheet will open: text copied from the input (a file name, a context
    table's subject or group) that starts like a formula gets a leading ``'`` — ``=HYPERLINK(…)`` in a
    subject cell of a study table someone sent would otherwise run when the summary is opened (CSV
    injection). Numbers (``-3``, ``+1.5``, ``1e-3``), signed text without letters or a call (``-``, ``-/-``,
    ``-1,5``) and any other text are kept as they are."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if value[0] in "+-" and not _SIGNED_FORMULA_PART.search(value):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value


#: the summary table's cells that hold text from the input (file names, paths in messages)
_INPUT_TEXT_COLUMNS = ("recording", "error")


def _write_pooled(key: str, rows: list[dict[str, Any]], path: str | os.PathLike,
                  study_columns: Sequence[str] = ()) -> None:
    """Write the rows' ``key`` lists ("_flag_rows", "_bout_rows", "_day_rows") as one pooled CSV; each
    line carries its recording's study columns (subject, group …) after ``recording``, so the pooled
    table can be grouped without a join."""
    from .report.bouts_csv import write_pooled_bouts_csv
    from .report.days_csv import write_pooled_days_csv
    from .report.flags_csv import write_pooled_flags_csv

    write = {"_flag_rows": write_pooled_flags_csv, "_bout_rows": write_pooled_bouts_csv,
             "_day_rows": write_pooled_days_csv}[key]
    text_cols = ("recording", *study_columns)
    pooled = [{**x, **{c: r.get(c) for c in study_columns}} for r in rows for x in r.get(key, ())]
    write([{**x, **{c: spreadsheet_safe(x.get(c)) for c in text_cols if c in x}} for x in pooled], path,
          study_columns=study_columns)


def table_columns(with_json: bool = False, with_steps: bool = False, with_scores: bool = False,
                  with_marks: bool = False, study_columns: Sequence[str] = ()) -> list[str]:
    """The table's columns, in order: every key :func:`summarise` puts in a row (one list, so a
    value added there cannot be computed and then silently left out of the CSV); a context table's study
    columns (subject, group …) after ``error``."""
    cols = ["recording", "status", "error", *study_columns, *SUMMARY_COLUMNS, *WALKING_BOUT_COLUMNS, *DAY_COLUMNS, "n_lean_jumps", "n_sensor_turns",
            "steps_backwards", "steps_sideways", "n_flags",
            "flags", *(f"flag_min_{fid}" for fid in FLAG_IDS), "warnings", "outside_typical", "flag_notes",
            "options", "imu_gait_version"]
    return (cols + (["json"] if with_json else []) + (["steps_csv"] if with_steps else [])
            + (list(SCORE_COLUMNS) if with_scores else []) + (list(MARK_COLUMNS) if with_marks else []))


def write_table(rows: list[dict[str, Any]], out_csv: str | os.PathLike, study_columns: Sequence[str] = ()) -> None:
    """One CSV row per recording; numbers with up to 6 significant digits, empty for missing. ``study_columns``:
    a context table's own columns, after ``error``."""
    cols = table_columns(with_json=any("json" in r for r in rows), with_steps=any("steps_csv" in r for r in rows),
                         with_scores=any("ref_status" in r for r in rows),
                         with_marks=any("n_marks" in r for r in rows), study_columns=study_columns)

    def cell(v: Any) -> Any:
        if v is None:
            return ""
        if isinstance(v, float):
            return "" if v != v else f"{v:.6g}"
        return v

    with_marks = "n_marks" in cols
    text_cols = {*_INPUT_TEXT_COLUMNS, *study_columns}

    def filled(r: dict[str, Any]) -> dict[str, Any]:
        # an analysed recording with no marks file beside it had 0 marks (an empty cell read as 'unknown')
        if with_marks and r.get("status") == "ok" and "n_marks" not in r:
            return {**r, "n_marks": 0}
        return r

    # (surrogateescape: a file name the locale could not decode keeps its bytes, as in report/html.py)
    with atomic_text_file(out_csv, newline="", errors="surrogateescape") as fh:    # whole or not at all
        w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in map(filled, rows):
            w.writerow({k: cell(spreadsheet_safe(r.get(k)) if k in text_cols else r.get(k)) for k in cols})
