"""Steps against a reference of your own: read a gold standard's contact times and score the
detected steps against them (``imu-gait score``).

A researcher validating imu_gait on a force plate, instrumented insoles or foot sensors has the
reference contact times in a CSV column or a JSON file; :func:`read_reference` reads them and
:func:`score_steps` matches them with the detected steps by the rule the accuracy benchmark uses
(:mod:`imu_gait.evaluation`: one-to-one, nearest first, within ± a tolerance), so the numbers are
comparable with ``benchmarks/results/accuracy.md``.

Reference files:

* **CSV / text**: one column of contact times (a header line is optional; ``column`` picks a column
  by name or 0-based index, default the first), in seconds or milliseconds (``unit``). Empty cells
  are skipped; anything else that is not a number is an error naming the line and column.
* **JSON**: ``{"ic_times_s": [...]}`` (or ``"step_times_s"``, as the bundled phone recordings'
  references; ``null`` entries are contacts the reference lost) with
  optional ``"bouts": [{"start_s", "end_s", "ic_times_s"}...]`` — then only the bouts are scored,
  minus the spans around lost contacts (the format of ``datasets/*.ref.json``); or a bare list of
  times.

Times are on the recording's time axis — the ``time_s`` of ``imu-gait analyze --steps-csv``. A
reference on the file's own time column instead (Unix seconds from a logger, a time column that did
not start at 0) is recognised when only that reading overlaps the recording, and said in a note.
"""
from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import evaluation as ev
from .errors import ImuGaitError, RecordingError
from .io._common import sniff_decimal

#: the columns of ``imu-gait score --events-csv``: one row per reference or detected contact
EVENT_COLUMNS = ("reference_s", "detected_s", "error_ms", "outcome")

__all__ = ["Reference", "read_reference", "score_steps", "render_score", "REFERENCE_UNITS"]

#: units a reference's times may be in (factor to seconds)
REFERENCE_UNITS = {"s": 1.0, "ms": 1e-3}


@dataclass
class Reference:
    """Reference contacts: ``ic_s`` (s, sorted; NaN = a contact the reference knows it lost),
    ``windows`` ((K, 2) s: only these are scored; None = the whole recording), ``source``,
    ``scope`` (what the windows are, in words)."""
    ic_s: np.ndarray
    windows: np.ndarray | None
    source: str
    notes: list[str] = field(default_factory=list)
    scope: str = "the whole recording"




class NoReferenceWalking(RecordingError):
    """A valid reference that saw no walking (its bouts list is empty): nothing to score against — not a
    broken file (a batch says 'not scored', not 'error')."""

def read_reference(path: str | os.PathLike, *, column: str | int | None = None, unit: str = "s") -> Reference:
    """Read reference contact times from a CSV/text column or a JSON file (see the module text)."""
    path = os.fspath(path)
    if unit not in REFERENCE_UNITS:
        raise ImuGaitError(f"reference unit {unit!r} is not one of {', '.join(REFERENCE_UNITS)}")
    if not os.path.isfile(path):
        raise RecordingError("no such reference file", path=path, hint="give the file with the reference contact times")
    try:
        with open(path, encoding="utf-8-sig") as fh:
            text = fh.read()
    except UnicodeDecodeError:
        raise RecordingError("not a text file", path=path,
                             hint="the reference is a CSV column or a JSON file of contact times") from None
    if not text.strip():
        raise RecordingError("the reference file is empty", path=path, hint="it should list the contact times")
    if "\x00" in text:           # (Python 3.10's csv module raised a bare 'line contains NUL' on it)
        raise RecordingError("a NUL byte: this is not a text file", path=path,
                             line=text[:text.index("\x00")].count("\n") + 1,
                             hint="the reference is a CSV column or a JSON file of contact times")
    if text.lstrip()[:1] in "[{":
        if column is not None:
            raise ImuGaitError(f"{path}: --ref-col is for a CSV reference; this one is JSON (its 'ic_times_s' is read)")
        return _from_json(path, text, REFERENCE_UNITS[unit])
    return _from_csv(path, text, column, REFERENCE_UNITS[unit])


def _numbers(values: Any, path: str, where: str) -> np.ndarray:
    if not isinstance(values, list):
        raise RecordingError(f"{where} is not a list of times", path=path,
                             hint="give the contact times as a list of numbers (null for a lost one)")
    out = []
    for i, v in enumerate(values):
        if v is None:
            out.append(np.nan)
        elif isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v):
            out.append(float(v))
        else:
            raise RecordingError(f"{where}[{i}] is {v!r}, not a time", path=path,
                                 hint="contact times are numbers (null for one the reference lost)")
    return np.asarray(out, dtype=np.float64)


def _from_json(path: str, text: str, scale: float) -> Reference:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordingError(f"not valid JSON ({exc.msg})", path=path, line=exc.lineno,
                             hint="check the file, or give the contact times as a CSV column") from None
    except RecursionError:        # '[[[[…' thousands deep: a traceback before
        raise RecordingError("not a reference: its JSON is nested thousands of levels deep", path=path,
                             hint="a JSON reference holds {\"ic_times_s\": [...]}, or is a bare list of contact "
                                  "times") from None
    if isinstance(doc, list):
        ic = _numbers(doc, path, "the list") * scale
        return _checked(Reference(np.sort(ic), None, path), path)
    key = next((k for k in ("ic_times_s", "step_times_s") if isinstance(doc, dict) and k in doc), None)
    if key is None:
        keys = ", ".join(list(doc)[:8]) if isinstance(doc, dict) else type(doc).__name__
        raise RecordingError(f"no 'ic_times_s' in it (it has: {keys})", path=path,
                             hint="a JSON reference holds {\"ic_times_s\": [...]} (optionally \"bouts\"), "
                                  "or is a bare list of contact times")
    ic = _numbers(doc[key], path, key) * scale
    bouts = doc.get("bouts")
    if bouts is None:
        return _checked(Reference(np.sort(ic), None, path), path)
    if not isinstance(bouts, list):
        raise RecordingError(f"its 'bouts' is a {type(bouts).__name__}, not a list of bouts", path=path,
                             hint="give 'bouts' as [{\"start_s\": …, \"end_s\": …}, …], or drop it to score the "
                                  "whole recording")
    if not bouts:
        raise NoReferenceWalking("its 'bouts' is empty: the reference marks no walking to score against", path=path,
                             hint="drop 'bouts' to score the whole recording, or use a reference that saw walking")
    windows, lost = [], []
    for k, b in enumerate(bouts):
        if not isinstance(b, dict) or not all(isinstance(b.get(x), (int, float)) for x in ("start_s", "end_s")):
            raise RecordingError(f"bouts[{k}] has no numeric start_s / end_s", path=path,
                                 hint="each bout is {\"start_s\": …, \"end_s\": …[, \"ic_times_s\": […]]}")
        a, z = float(b["start_s"]) * scale, float(b["end_s"]) * scale
        windows.append((a, z))
        if "ic_times_s" in b:     # a bout's own list keeps the contacts the reference lost (null)
            bic = _numbers(b["ic_times_s"], path, f"bouts[{k}].ic_times_s") * scale
            if np.isnan(bic).any():
                lost.append(ev.lost_contact_spans(bic, a, z))
    w = np.asarray(windows, dtype=np.float64)
    scope = f"the reference's {len(windows)} walking bout{'s' if len(windows) > 1 else ''}"
    if lost:
        w = ev.subtract_windows(w, np.concatenate(lost))
        scope += f" less {sum(len(x) for x in lost)} span(s) where it lost a contact"
    return _checked(Reference(np.sort(ic), w, path, scope=scope), path)


def _from_csv(path: str, text: str, column: str | int | None, scale: float) -> Reference:
    sample = [line for line in text.splitlines() if line.strip()][:20]
    # the separator: the first of tab, ';', ',', space that every sampled line holds equally often (a
    # headerless '5,05;L' has as many commas as semicolons: a ';' line's commas are decimal commas)
    delim = next((d for d in ("\t", ";", ",", " ") if sample[0].count(d) and
                  all(line.count(d) == sample[0].count(d) for line in sample)), ",")
    decimal_comma = sniff_decimal(delim, sample) == ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))

    def number(cell: str) -> str:
        return cell.replace(",", ".") if decimal_comma else cell

    first = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if first is None:
        raise RecordingError("the reference file is empty", path=path, hint="it should list the contact times")
    header = [c.strip() for c in rows[first]]
    by_index = column is None or isinstance(column, int) or str(column).isdigit()
    col = int(column or 0) if by_index else -1
    if by_index and col >= len(header):
        raise ImuGaitError(f"{path}: --ref-col {column}: the file has {len(header)} column(s)")
    # a header line is one whose cell in the chosen column is no number ('5.05 L' is data: a side label
    # beside the time); a column chosen by name needs one
    has_header = not by_index or not _is_number(number(header[col]))
    names = header if has_header else [str(i) for i in range(len(header))]
    if not by_index:
        if column not in names:
            raise ImuGaitError(f"{path}: --ref-col {column}: no such column (the header has: {', '.join(names)})")
        col = names.index(column)
    label = names[col] if has_header else f"column {col}"
    values = []
    for i in range(first + (1 if has_header else 0), len(rows)):
        r = rows[i]
        cell = number(r[col].strip()) if col < len(r) else ""
        if not cell:
            continue
        if not _is_number(cell):
            raise RecordingError(f"{cell!r} is not a time", path=path, line=i + 1, column=label,
                                 hint="the reference column holds contact times in seconds (or --ref-unit ms); "
                                      "pick another with --ref-col")
        values.append(float(cell))
    if not values:
        raise RecordingError(f"no contact times in {label}", path=path,
                             hint="the reference column holds one contact time per row")
    ic = np.asarray(values, dtype=np.float64) * scale
    return _checked(Reference(np.sort(ic), None, path), path)


def _is_number(s: str) -> bool:
    try:
        return np.isfinite(float(s))
    except ValueError:
        return False


def _checked(ref: Reference, path: str) -> Reference:
    if not np.isfinite(ref.ic_s).any():
        raise RecordingError("the reference lists no contact times", path=path,
                             hint="it should list the contact times of the walk")
    return ref


def score_steps(steps_time_s, reference: Reference, *, recording_span_s: tuple[float, float],
                time_offset_s: float = 0.0, tol_s: float = ev.DEFAULT_TOL_S,
                only_reference_span: bool = False) -> dict[str, Any]:
    """Match detected contacts (``steps_time_s``, s on the recording's axis) with the reference.

    ``recording_span_s``: (first, last) sample time of the recording; ``time_offset_s``: what the
    reader subtracted from the file's own time column (``meta['time_offset_s']``) — a reference on
    that column is recognised when only it overlaps the recording. ``only_reference_span``: score
    from the first reference contact to the last (± ``tol_s``) instead of the whole recording (a
    force plate or a camera volume that saw part of the walk). Returns the counts and scores of
    :func:`imu_gait.evaluation.ic_scores` plus ``step_count_err_pct``, the scored ``windows``,
    ``shift_s`` (subtracted from the reference) and ``notes``; ``events``: one row per matched pair,
    miss and false step."""
    det = np.sort(np.asarray(steps_time_s, dtype=np.float64).ravel())
    t0, t1 = recording_span_s
    notes = list(reference.notes)
    ic, windows = reference.ic_s, reference.windows
    scope = reference.scope
    shift = 0.0
    if _inside(ic, t0, t1) < 0.5:
        if time_offset_s and _inside(ic - time_offset_s, t0, t1) >= 0.5:
            shift = float(time_offset_s)
            notes.append(f"the reference is on the file's own time column: {shift:.3f} s subtracted to put it on "
                         "the recording's axis (the steps CSV's time_s)")
        else:
            finite = ic[np.isfinite(ic)]
            as_ms = ic * 1e-3
            if _inside(as_ms, t0, t1) >= 0.5 or (time_offset_s and _inside(as_ms - time_offset_s, t0, t1) >= 0.5):
                raise ImuGaitError(f"{reference.source}: the reference's contacts ({finite.min():.0f}–"
                                   f"{finite.max():.0f}) fit the recording ({t0:.2f}–{t1:.2f} s) as milliseconds"
                                   "\n  What to do: add --ref-unit ms")
            raise ImuGaitError(
                f"{reference.source}: the reference's contacts ({finite.min():.2f}–{finite.max():.2f} s) do not "
                f"overlap the recording ({t0:.2f}–{t1:.2f} s)\n  What to do: give the contact times in seconds on "
                "the recording's time axis (the time_s of 'imu-gait analyze --steps-csv'); --ref-unit ms if they "
                "are milliseconds")
    ic = ic - shift
    if windows is not None:
        windows = windows - shift
    elif only_reference_span:
        finite = ic[np.isfinite(ic)]
        windows = np.array([[finite.min() - tol_s, finite.max() + tol_s]])
        scope = "the reference's span (first contact to last)"
    valid = ic[np.isfinite(ic)]
    tp, fp, fn = ev.ic_outcomes(det, valid, tol_s, windows)
    errors_s = det[tp[:, 0]] - valid[tp[:, 1]] if tp.size else np.empty(0)
    out: dict[str, Any] = ev.scores_from_counts(int(tp.shape[0]), int(fp.size), int(fn.size), errors_s)
    out["step_count_err_pct"] = ev.step_count_error_pct(out["n_det"], out["n_ref"])
    out.update(tolerance_s=float(tol_s), shift_s=shift, reference=reference.source, scope=scope,
               windows=None if windows is None else np.asarray(windows).tolist(),
               scored_s=float(t1 - t0) if windows is None else ev.windows_duration_s(windows), notes=notes)
    out["events"] = _events(det, valid, tp, fp, fn)
    return out


def _inside(t: np.ndarray, t0: float, t1: float) -> float:
    t = t[np.isfinite(t)]
    return float(np.mean((t >= t0 - 1.0) & (t <= t1 + 1.0))) if t.size else 0.0


def _events(det: np.ndarray, ref: np.ndarray, tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> list[dict[str, Any]]:
    """Every counted outcome in time order: matched pairs, misses (reference only), false steps."""
    rows = [{"reference_s": ref[j], "detected_s": det[i], "error_ms": 1000.0 * (det[i] - ref[j]),
             "outcome": "matched"} for i, j in tp]
    rows += [{"reference_s": ref[j], "detected_s": np.nan, "error_ms": np.nan, "outcome": "missed"} for j in fn]
    rows += [{"reference_s": np.nan, "detected_s": det[i], "error_ms": np.nan, "outcome": "false"} for i in fp]
    rows.sort(key=lambda r: r["reference_s"] if np.isfinite(r["reference_s"]) else r["detected_s"])
    return rows


def render_score(s: dict[str, Any], recording: str) -> str:
    """The plain-text block ``imu-gait score`` prints."""
    def f(x, fmt):
        if x is None or not np.isfinite(x):
            return "–"            # no pair to time, nothing detected …
        text = fmt.format(x)
        return text[1:] if text.startswith("-") and float(text) == 0 else text   # −0.3 ms reads '0', not '-0'

    scope = f"{s['scope']}, {s['scored_s']:.1f} s"
    lines = [f"Steps against the reference — {recording}",
             f"  reference: {s['reference']}",
             f"  matching: one to one, nearest first, within ±{s['tolerance_s']:g} s; scored over {scope}",
             "",
             f"  Reference contacts  {s['n_ref']}",
             f"  Detected steps      {s['n_det']}",
             f"  Matched             {s['tp']}",
             f"  Missed              {s['fn']}",
             f"  False               {s['fp']}",
             f"  Precision / recall / F1   {f(s['precision'], '{:.3f}')} / {f(s['recall'], '{:.3f}')} / "
             f"{f(s['f1'], '{:.3f}')}",
             f"  Timing (detected − reference)   median |error| {f(s['median_abs_err_ms'], '{:.0f}')} ms, "
             f"95th percentile {f(s['p95_abs_err_ms'], '{:.0f}')} ms, mean {f(s['mean_err_ms'], '{:+.0f}')} ms",
             f"  Step count error    {f(s['step_count_err_pct'], '{:+.1f}')} %"]
    lines += [f"  Note: {n}" for n in s["notes"]]
    return "\n".join(lines)
