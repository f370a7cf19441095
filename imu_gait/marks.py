"""Symptom marks: when the walker felt their back (with a 0–10 pain rating), and what the gait did just before.

Someone whose back hurts on the treadmill wants to know what they were doing when it started;
their physiotherapist wants the same. Clinical trunk-sensor systems let the patient tag pain on a
0–10 scale during a session (dorsaVi ViMove, ``gait-science.md`` §1). Here a mark is a moment
since the recording began, an optional 0–10 rating and an optional note. Marks never change the
analysis: they are read beside it. For each mark :func:`mark_contexts` says

- whether the walker was walking then, or had stopped (then the last walking before the stop is
  described, up to :data:`MARK_LOOKBACK_S` back);
- each metric in the minute of walking before the mark against the personal baseline the flags
  use, and which changes are larger than two walks of the same person on the same day differ by
  (:data:`imu_gait.compare.REPEAT_CHANGE`, measured on real repeat walks) — a change smaller than
  that is not told apart from an ordinary walk;
- which back-strain flags held then;
- whether the mark lies inside the baseline minutes (pain already there makes the baseline itself
  painful walking, which the flags then take as normal).

:func:`marks_pattern` looks across marks: a metric beyond its repeat range, the same way, before
most of them.

Marks file (CSV; ``imu-gait live`` writes ``walk.marks.csv`` beside ``walk.csv`` when ``p`` is
pressed, and ``imu-gait analyze walk.csv`` reads it from there; any file with ``--marks``)::

    # lines starting with # are comments
    time,pain,note
    12:30,6,lower back ache
    21:05,,twinge on the left

``time`` is elapsed time since the recording's first sample (seconds, ``m:ss`` or ``h:mm:ss``, as
the reports' clock shows it); ``pain`` is 0–10 (optional, empty = not rated); ``note`` is free
text (optional).
"""
from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable
from typing import Any, Sequence

import numpy as np

from .errors import HintedError
from .recording import clock_text, parse_clock
from ._output_file import write_text_atomically

#: the walking before a mark that its figures describe, s
MARK_WINDOW_S = 60.0
#: a mark made after stopping describes the last walking up to this long before it, s
MARK_LOOKBACK_S = 180.0
#: a mark this close after walking counts as made while walking (the 1-s grid lags a stop), s
WALKING_AT_MARK_S = 3.0
PAIN_RANGE = (0.0, 10.0)
#: metrics compared with the baseline before a mark: those with a measured same-day repeat range
#: (:data:`imu_gait.compare.REPEAT_CHANGE`) that the timeline smooths (walking speed it does not)
MARK_METRICS: tuple[str, ...] = ("cadence_spm", "step_length_m", "vertical_oscillation_cm", "trunk_twist_deg",
                                 "forward_lean_deg", "lateral_sway_cm", "pelvic_drop_deg", "braking_mps", "impact_g",
                                 "step_regularity")
#: what a running mark shows (as figures, not judged)
RUNNING_FIGURES = ("cadence_spm", "vertical_oscillation_cm", "impact_g")

TIME_NAMES = ("time", "time_s", "elapsed", "elapsed_s")
PAIN_NAMES = ("pain", "pain_0_10", "rating", "nrs")
NOTE_NAMES = ("note", "notes", "what", "comment")
FORMAT_HINT = ("first line: time,pain,note — then one line per mark, e.g. 12:30,6,lower back ache "
               "(time since the recording began, s or m:ss; pain 0–10 or empty; note optional)")


class MarksError(HintedError):
    """A marks file that cannot be used (the message names the file, line and column)."""


#: a pain rating from which a mark is answered first with 'slow down or stop', not with a gait cue: 7–10 is
#: severe pain on the 0–10 numeric rating scale, more than exercise should be continued through
HIGH_PAIN = 7.0

#: what a mark rated HIGH_PAIN or more says before anything about the gait (live, replay and the reports)
HIGH_PAIN_ADVICE = ("pain this strong is a reason to slow down or stop and rest, not to keep going with a "
                    "different gait; if it spreads down a leg, or comes with numbness, tingling or weakness, "
                    "stop and see a clinician (the note at the end of the report says when it is urgent)")


def high_pain(mark: "Mark") -> bool:
    """Whether a mark's rating calls for :data:`HIGH_PAIN_ADVICE`."""
    return mark.pain is not None and mark.pain >= HIGH_PAIN


def repeat_change() -> dict[str, float]:
    """:data:`imu_gait.compare.REPEAT_CHANGE` (imported late: compare brings pandas and the engine, which
    the command line does not load before it needs them)."""
    from .compare import REPEAT_CHANGE

    return REPEAT_CHANGE


@dataclass(frozen=True)
class Mark:
    """One symptom mark.

    elapsed_s : seconds since the recording's first sample (the reports' clock).
    pain : 0–10 rating, or None when not rated.
    note : free text ('' when none).
    """

    elapsed_s: float
    pain: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if not (isinstance(self.elapsed_s, (int, float)) and math.isfinite(self.elapsed_s) and self.elapsed_s >= 0):
            raise MarksError(f"a mark's time must be a number of seconds ≥ 0 since the recording began, "
                             f"not {self.elapsed_s!r}")
        if self.pain is not None and not (isinstance(self.pain, (int, float)) and math.isfinite(self.pain)
                                          and PAIN_RANGE[0] <= self.pain <= PAIN_RANGE[1]):
            raise MarksError(f"a mark's pain rating must be 0–10, not {self.pain!r}")

    def label(self) -> str:
        """'pain 6/10 — lower back ache' / 'mark' / 'pain 6/10'."""
        head = f"pain {self.pain:g}/10" if self.pain is not None else "mark"
        return head + (f" — {self.note}" if self.note else "")

    def to_dict(self) -> dict[str, Any]:
        return {"elapsed_s": round(float(self.elapsed_s), 3), "pain": self.pain, "note": self.note}


def named_path(path: str | Path) -> Path:
    """``path`` as a path with a name to put a sidecar's beside: ``.`` and ``..`` (``imu-gait analyze .``
    inside an export folder) have none — Path.with_name raised a ValueError traceback — so their absolute
    form is used. The root folder keeps an empty name; its sidecar is looked for inside it."""
    p = Path(path)
    if p.name in ("", "..") or p.name == os.curdir:
        p = Path(os.path.abspath(p))
    return p if p.name else p / "recording"


def marks_path(recording: str | Path) -> Path:
    """Where a recording's marks sit: ``walk.csv`` → ``walk.marks.csv`` (an export folder ``walk/`` →
    ``walk.marks.csv`` beside it; ``.`` — the export folder you are in — by its own name)."""
    p = named_path(recording)
    return p.with_name((p.stem if p.suffix else p.name) + ".marks.csv")


def marks_for(recording: str | Path, given: str | Path | None = None) -> tuple[list[Mark] | None, str | None]:
    """The marks for a recording: from ``given`` (a file path), else from :func:`marks_path` beside the
    recording when it exists. Returns (marks or None when there are none, a note saying where sidecar
    marks came from, or None)."""
    if given is not None:
        return read_marks(given), None
    side = marks_path(recording)
    if not side.is_file():
        return None, None
    marks = read_marks(side)
    return marks, (f"symptom marks read from {side.name} ({len(marks)} mark{'s' if len(marks) != 1 else ''}, "
                   "beside the recording)")


def read_marks(path: str | Path) -> list[Mark]:
    """Read a marks CSV (format in the module docstring), in time order; errors name the file, line and column."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MarksError(f"{path}: no such marks file", hint=FORMAT_HINT) from None
    except IsADirectoryError:
        raise MarksError(f"{path}: is a folder, not a marks file", hint=FORMAT_HINT) from None
    except UnicodeDecodeError as exc:
        raise MarksError(f"{path}: the marks file is not text ({exc.reason} at byte {exc.start})",
                         hint="save it as CSV text (UTF-8): " + FORMAT_HINT) from None
    except OSError as exc:
        raise MarksError(f"{path}: cannot read the marks file ({exc.strerror or exc})",
                         hint="check the file's permissions, or copy it somewhere you can read") from None
    if "\x00" in text:            # (Python 3.10's csv module raised on it; no text file holds one)
        line_no = text[:text.index("\x00")].count("\n") + 1
        raise MarksError(f"{path}, line {line_no}: a NUL byte — this is not a text file", hint=FORMAT_HINT)
    lines = [(i + 1, ln) for i, ln in enumerate(text.splitlines()) if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise MarksError(f"{path}: the marks file is empty", hint=FORMAT_HINT)
    head_no, head_line = lines[0]
    delim = ";" if head_line.count(";") > head_line.count(",") else ","
    header = [h.strip().lower() for h in next(csv.reader(io.StringIO(head_line), delimiter=delim))]
    where = f"{path}, line {head_no}"

    def column(names: tuple[str, ...], what: str) -> int | None:
        found = [i for i, h in enumerate(header) if h in names]
        if len(found) > 1:
            raise MarksError(f"{where}: two {what} columns ({', '.join(header[i] for i in found)})", hint=FORMAT_HINT)
        return found[0] if found else None

    ti, pi, ni = column(TIME_NAMES, "time"), column(PAIN_NAMES, "pain"), column(NOTE_NAMES, "note")
    if ti is None:
        raise MarksError(f"{where}: the header needs a time column ('time'), found {header}", hint=FORMAT_HINT)
    unknown = [h for i, h in enumerate(header) if i not in (ti, pi, ni)]
    if unknown:
        raise MarksError(f"{where}: unknown column(s) {unknown}", hint=FORMAT_HINT)
    marks = []
    for line_no, line in lines[1:]:
        raw = next(csv.reader(io.StringIO(line), delimiter=delim))
        cells = [c.strip() for c in raw]
        # a note with the separator in it and no quotes: the cells past the header's belong to the note
        if ni == len(header) - 1 and len(cells) > len(header):
            cells = cells[:ni] + [delim.join(raw[ni:]).strip()]
        if len(cells) < len(header) - (1 if ni == len(header) - 1 else 0) or len(cells) > len(header):
            raise MarksError(f"{path}, line {line_no}: {len(cells)} cells, the header has {len(header)}",
                             hint=f"separate the cells with '{delim}'; put a note with a '{delim}' in quotes")
        at = f"{path}, line {line_no}"
        try:
            t = parse_clock(cells[ti])
        except ValueError as exc:
            raise MarksError(f"{at}, column {header[ti]!r}: {exc}", hint=FORMAT_HINT) from None
        if t < 0:
            raise MarksError(f"{at}, column {header[ti]!r}: {cells[ti]!r} is before the recording began",
                             hint="times count from the recording's first sample (0:00)")
        pain = None
        if pi is not None and pi < len(cells) and cells[pi] != "":
            raw = cells[pi].split("/")[0].strip()           # '6/10' as people write it
            try:
                pain = parse_clock(raw) if ":" not in raw else float("nan")
            except ValueError:
                pain = float("nan")
            if not (math.isfinite(pain) and PAIN_RANGE[0] <= pain <= PAIN_RANGE[1]):
                raise MarksError(f"{at}, column {header[pi]!r}: {cells[pi]!r} is not a pain rating 0–10",
                                 hint="0 = no pain, 10 = the worst imaginable; leave the cell empty when not rated")
        note = cells[ni] if ni is not None and ni < len(cells) else ""
        marks.append(Mark(t, pain, note))
    return sorted(marks, key=lambda m: m.elapsed_s)


def write_marks(path: str | Path, marks: Iterable[Mark], *, note: str = "") -> Path:
    """Write ``marks`` as a marks CSV (readable by :func:`read_marks`); times in seconds."""
    path = Path(path)
    buf = io.StringIO()
    buf.write(f"# imu_gait symptom marks{': ' + note if note else ''}\n"
              "# time = seconds since the recording's first sample; pain 0-10 (empty = not rated)\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["time", "pain", "note"])
    for m in sorted(marks, key=lambda m: m.elapsed_s):
        w.writerow([f"{m.elapsed_s:.2f}", "" if m.pain is None else f"{m.pain:g}", m.note])
    write_text_atomically(path, buf.getvalue())     # whole or not at all; a link at the path is replaced
    return path


@dataclass(frozen=True)
class MetricChange:
    """One metric in the walking before a mark against the personal baseline (units as the metric's name)."""

    metric: str
    value: float           # median of the smoothed metric over the walking before the mark
    baseline: float        # the personal baseline the flags compare with (NaN before one is set)
    limit: float           # how far two same-day walks of one person differ (REPEAT_CHANGE); inf running

    @property
    def change(self) -> float:
        return self.value - self.baseline

    @property
    def stands_out(self) -> bool:
        """The change is larger than :attr:`limit`."""
        return bool(np.isfinite(self.change) and abs(self.change) > self.limit)

    @property
    def direction(self) -> str:
        return "above" if self.change > 0 else "below"

    def text(self) -> str:
        from .strain import metric_text, metric_words     # late: strain imports much of the package

        return (f"{metric_words(self.metric)} {metric_text(self.value, self.metric)} "
                f"(your baseline {metric_text(self.baseline, self.metric)})")

    def to_dict(self) -> dict[str, Any]:
        def f(v: float) -> float | None:
            return round(float(v), 4) if np.isfinite(v) else None
        return {"metric": self.metric, "value": f(self.value), "baseline": f(self.baseline),
                "change": f(self.change), "repeat_limit": f(self.limit), "stands_out": self.stands_out}


@dataclass
class MarkContext:
    """What the gait did around one :class:`Mark` (see :func:`mark_contexts`).

    time_s : the mark on the recording's own time axis (as ``steps["time_s"]``).
    gait : 'walk' or 'run' in the minute before ('' when none).
    walking : walking (or running) at the mark.
    in_recording : the mark lies within the recording.
    in_baseline : the mark lies in the baseline minutes of walking.
    before_s : (start, end) of the walking the figures describe, recording axis; None when there was
        none within :data:`MARK_LOOKBACK_S` before the mark.
    data_gap_s : (last sample before, first sample after) of the gap in the samples the mark fell in (or
        ended within :data:`WALKING_AT_MARK_S` before it, with no walking since), recording axis; ``walking``
        is then None: with no data, whether the walker walked or stood is not known.
    metrics : each metric of :data:`MARK_METRICS` measured then (:class:`MetricChange`).
    flag_ids : back-strain flags that held at the mark or in the walking described.
    """

    mark: Mark
    time_s: float
    gait: str = ""
    length_from_bounce: bool = False     # step length is the pendulum model's (no belt speed): it follows the bounce
    walking: bool | None = False         # None: the mark fell in a gap in the samples (data_gap_s)
    in_recording: bool = True
    in_baseline: bool = False
    before_s: tuple[float, float] | None = None
    data_gap_s: tuple[float, float] | None = None
    metrics: list[MetricChange] = field(default_factory=list)
    flag_ids: list[str] = field(default_factory=list)

    @property
    def has_baseline(self) -> bool:
        """Some metric before the mark had a personal baseline to be compared with."""
        return any(np.isfinite(m.baseline) for m in self.metrics)

    @property
    def stood_out(self) -> list[MetricChange]:
        """The metrics beyond their same-day repeat range, largest change (in repeat ranges) first."""
        out = [m for m in self.metrics if m.stands_out]
        return sorted(out, key=lambda m: -abs(m.change) / m.limit)

    def _length_note(self) -> str:
        """Step length off a treadmill is estimated from the bounce (inverted pendulum): when both stood out
        the same way, the step length says nothing the bounce did not."""
        ms = {m.metric: m for m in self.stood_out}
        b, L = ms.get("vertical_oscillation_cm"), ms.get("step_length_m")
        if self.length_from_bounce and b is not None and L is not None and b.direction == L.direction:
            return " (Step length is estimated from the bounce without a belt speed, so it moves with it.)"
        return ""

    def running_text(self) -> str:
        """A running mark's key figures against the baseline, said as figures: a run's changes are not judged
        (no same-day range for running was measured)."""
        by = {m.metric: m for m in self.metrics}
        shown = [by[k].text() for k in RUNNING_FIGURES if k in by]
        return "; ".join(shown) + " (changes while running are not judged: no same-day range for running is known)"

    def lines(self, origin_s: float = 0.0) -> list[str]:
        """Plain sentences for a report: where the mark was, what stood out, which flags held."""
        from .strain import flag_title

        out = [HIGH_PAIN_ADVICE[0].upper() + HIGH_PAIN_ADVICE[1:] + "."] if high_pain(self.mark) else []
        if not self.in_recording:
            return out + ["After the recording ended: nothing to compare."]
        if self.before_s is None:
            return out + [f"No walking in the {MARK_LOOKBACK_S / 60:.0f} minutes before it: nothing to compare."]
        a, b = self.before_s
        span = f"{clock_text(a - origin_s)}–{clock_text(b - origin_s)}"
        moving = "running" if self.gait == "run" else "walking"     # a run's mark: not 'the minute of walking'
        when = (f"In the minute of {moving} before it ({span})" if self.walking
                else f"{self._gap_text(origin_s)}; in your last {moving} before it ({span})" if self.data_gap_s
                else f"You had stopped; in your last {moving} before it ({span})")
        stood = self.stood_out
        if self.gait == "run" and self.has_baseline:
            out.append(f"{when}: {self.running_text()}.")
        elif stood:
            out.append(f"{when}: " + "; ".join(m.text() for m in stood) + " — more than two walks on the same day "
                       "differ by." + self._length_note())
        elif self.has_baseline:
            out.append(f"{when}: every metric within what two walks on the same day differ by, against your "
                       "baseline.")
        else:
            out.append(f"{when}: no personal baseline to compare with (too little walking for one).")
        if self.flag_ids:
            out.append("Flags holding: " + ", ".join(flag_title(f) for f in self.flag_ids) + ".")
        if self.in_baseline:
            out.append("This was in your baseline minutes: the flags took that walking as your normal.")
        return out

    def _gap_text(self, origin_s: float) -> str:
        """The mark fell in a gap in the samples: said as no data (a link lost, a logger's hole), not as a stop —
        a physio read 'You had stopped' beside pain 8/10 made while the walker walked on unrecorded."""
        a, b = self.data_gap_s
        return (f"No data from {clock_text(a - origin_s)} to {clock_text(b - origin_s)} (a gap in the samples), so "
                "whether you were walking then is not known")

    def to_dict(self) -> dict[str, Any]:
        return {**self.mark.to_dict(), "time_s": round(float(self.time_s), 3), "gait": self.gait,
                "walking": self.walking,
                "data_gap_start_s": None if self.data_gap_s is None else round(self.data_gap_s[0], 3),
                "data_gap_end_s": None if self.data_gap_s is None else round(self.data_gap_s[1], 3),
                "in_recording": self.in_recording, "in_baseline": self.in_baseline,
                "before_start_s": None if self.before_s is None else round(self.before_s[0], 3),
                "before_end_s": None if self.before_s is None else round(self.before_s[1], 3),
                "stood_out": [m.metric for m in self.stood_out],
                "flags": list(self.flag_ids),
                "metrics": [m.to_dict() for m in self.metrics]}


def as_mark_list(marks: Any) -> list[Mark]:
    """``marks`` as a list of :class:`Mark`; one Mark alone is read as a list of one (what the caller
    obviously meant). Anything else (a dict, a tuple, a number) is a :class:`MarksError` saying what was
    given and how to build a Mark: it was a raw TypeError / AttributeError deep in the analysis."""
    if isinstance(marks, Mark):
        return [marks]
    build = "build each mark as Mark(elapsed_s=30, pain=6, note='ache') (from a dict d: Mark(**d)), " \
            "or read them with read_marks('walk.marks.csv')"
    if isinstance(marks, (str, bytes, dict)) or not isinstance(marks, Iterable):
        raise MarksError(f"the marks must be a list of Mark, not {type(marks).__name__} {marks!r}", hint=build)
    out = list(marks)
    for i, m in enumerate(out):
        if not isinstance(m, Mark):
            raise MarksError(f"mark {i + 1} is a {type(m).__name__} ({m!r}), not a Mark", hint=build)
    return out


def mark_contexts(result: Any, marks: Sequence[Mark] | Mark, *, window_s: float = MARK_WINDOW_S,
                  gaps: Sequence[tuple[float, float]] | None = None) -> list[MarkContext]:
    """What the gait did before each mark, from an :class:`~imu_gait.AnalysisResult`'s timeline (the
    smoothed series and baselines the flags are judged on) and flags. Pure: ``result`` is not changed.
    ``gaps``: the gaps in the samples, (last sample before, first after) on the recording axis; None: the
    timeline's (``attrs['sample_gaps']``, set by the engine)."""
    summary = getattr(result, "summary", {}) or {}
    origin = float(summary.get("time_start_s") or 0.0)
    duration = float(summary.get("duration_s") or 0.0)
    tl = getattr(result, "timeline", None)
    have_tl = tl is not None and len(tl) and "time_s" in tl.columns and "walking" in tl.columns
    # the engine's gaps in the samples (GaitEngine.sample_gaps, kept with the timeline)
    gaps = list((tl.attrs.get("sample_gaps") or []) if tl is not None else []) if gaps is None else list(gaps)
    t_grid = tl["time_s"].to_numpy(float) if have_tl else np.zeros(0)
    walking = tl["walking"].to_numpy(bool) if have_tl else np.zeros(0, bool)
    gait = tl["gait"].to_numpy(str) if have_tl and "gait" in tl.columns else np.full(t_grid.size, "walk")
    grid_s = float(np.median(np.diff(t_grid))) if t_grid.size > 1 else 1.0
    baseline_len = _baseline_lengths(summary, walking, gait, grid_s)
    # where the flags' baseline of each gait ended, when it was settled (timeline.attrs, strain)
    state = (tl.attrs.get("baseline_state") or {}) if have_tl else {}
    baseline_end = {g: float(v["end_s"]) for g, v in state.items() if isinstance(v, dict) and "end_s" in v}
    limits = repeat_change()
    from .strain import step_length_source

    from_bounce = step_length_source(summary) != "belt"
    out = []
    for mark in sorted(as_mark_list(marks), key=lambda m: m.elapsed_s):
        t = origin + float(mark.elapsed_s)
        ctx = MarkContext(mark, t, in_recording=mark.elapsed_s <= duration + 1.0, length_from_bounce=from_bounce)
        out.append(ctx)
        if not ctx.in_recording or not walking.any():
            continue
        recent = walking & (t_grid <= t) & (t_grid >= t - MARK_LOOKBACK_S)
        if not recent.any():
            continue
        last = float(t_grid[recent].max())
        ctx.walking = t - last <= WALKING_AT_MARK_S
        ctx.data_gap_s = None if ctx.walking else _gap_at(gaps, t, last)
        if ctx.data_gap_s is not None:
            ctx.walking = None
        rows = recent & (t_grid > last - window_s)
        ctx.before_s = (float(t_grid[rows].min()), last)
        g = str(gait[rows][-1])
        ctx.gait = g
        done = float(np.count_nonzero(walking & (gait == g) & (t_grid <= t))) * grid_s
        for m in MARK_METRICS:
            if m not in tl.columns:
                continue
            v = _nanmedian(tl[m].to_numpy(float)[rows])
            if not np.isfinite(v):
                continue
            b = _nanmedian(tl[m + "_baseline"].to_numpy(float)[rows]) if m + "_baseline" in tl.columns else np.nan
            # running is not judged: no repeat runs were measured, and against walking's limits 60 % of marks
            # on a healthy 25-min run named a metric (benchmarks/results/marks_healthy.md) — its figures are
            # given as they are
            ctx.metrics.append(MetricChange(m, v, b, limits[m] if g != "run" else math.inf))
        # (no baseline at all — too little walking — is said as that, not as 'in the baseline minutes')
        ctx.in_baseline = ctx.has_baseline and (t <= baseline_end[g] if g in baseline_end
                                            else done <= baseline_len.get(g, 0.0))
        lo = ctx.before_s[0]
        ctx.flag_ids = list(dict.fromkeys(f.id for f in getattr(result, "flags", [])
                                          if f.start_s <= t + WALKING_AT_MARK_S and f.end_s >= lo))
    return out


def _gap_at(gaps: Sequence[tuple[float, float]], t: float, last_walking_s: float) -> tuple[float, float] | None:
    """The gap in the samples a mark at ``t`` was made in — or one that ended at most WALKING_AT_MARK_S before
    it with no walking since (the grid lags the data's return as it lags a stop) — else None."""
    for a, b in gaps:
        if a <= t <= b + WALKING_AT_MARK_S and last_walking_s <= b:
            return (float(a), float(b))
    return None


def _nanmedian(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")


def _baseline_lengths(summary: dict, walking: np.ndarray, gait: np.ndarray, grid_s: float) -> dict[str, float]:
    """Per gait, the walking time its baseline takes, as the strain rules take it: the first
    min(asked, 300 s, half that gait's walking) (:class:`~imu_gait.strain.StrainConfig`)."""
    from .strain import StrainConfig

    cfg = StrainConfig()
    asked = float(summary.get("baseline_s") or 180.0)          # (analyze's default baseline_s)
    out = {}
    for g in np.unique(gait[walking]):
        total = float(np.count_nonzero(walking & (gait == g))) * grid_s
        out[str(g)] = cfg.baseline_length_s(asked, total)
    return out


def marks_pattern(contexts: Sequence[MarkContext], *, min_marks: int = 2) -> list[str]:
    """Across marks: each metric that was beyond its same-day repeat range the same way before at least
    ``min_marks`` marks and more than half of those that could be compared ('vertical oscillation above your
    baseline (by more than 1.1 cm) before 3 of 4 marks'). Empty when no metric repeats so."""
    from .strain import metric_text, metric_words

    judged = [c for c in contexts if c.before_s is not None and c.has_baseline]
    found = []

    def repeats(metric: str, direction: str) -> list[MetricChange]:
        hits = [m for c in judged for m in c.metrics if m.metric == metric and m.stands_out and m.direction == direction]
        return hits if len(hits) >= min_marks and len(hits) > len(judged) / 2 else []

    from_bounce = bool(judged) and all(c.length_from_bounce for c in judged)
    for metric in MARK_METRICS:
        for direction in ("above", "below"):
            hits = repeats(metric, direction)
            if metric == "step_length_m" and from_bounce and repeats("vertical_oscillation_cm", direction):
                # without a belt speed the step length is the bounce's pendulum estimate: as a repeat of its
                # own it read as over-striding before pain, where only the bounce had changed
                continue
            if hits:
                size = float(np.mean([abs(m.change) / m.limit for m in hits]))
                found.append((-len(hits), -size, f"{metric_words(metric)} {direction} your baseline (by more than "
                              f"{metric_text(repeat_change()[metric], metric)}) before {len(hits)} of {len(judged)} marks"))
    return [text for *_, text in sorted(found)]   # the most often first, then the largest change


def marks_with_flag(contexts: Sequence[MarkContext], flag_id: str, origin_s: float = 0.0) -> str:
    """'Your marks while it held: 5:00 (pain 6/10), 6:40 (pain 7/10).' for a flag's card; '' when none."""
    hits = [c for c in contexts if flag_id in c.flag_ids]
    if not hits:
        return ""
    return ("Your marks while it held: " + ", ".join(
        clock_text(c.time_s - origin_s) + (f" (pain {c.mark.pain:g}/10)" if c.mark.pain is not None else "")
        for c in hits) + ".")


def attach_marks(result: Any, marks: Sequence[Mark] | Mark) -> Any:
    """Set ``result.marks`` to :func:`mark_contexts` of ``marks`` (a list of :class:`Mark`, or one Mark)
    and return ``result`` (the reports and the JSON show them); a mark after the recording ended is kept,
    with a warning."""
    ctxs = mark_contexts(result, marks)
    result.marks = ctxs
    late = [c for c in ctxs if not c.in_recording]
    if late:
        dur = float(result.summary.get("duration_s") or 0.0)
        result.warnings.append(
            f"{len(late)} symptom mark{'s' if len(late) != 1 else ''} after the recording ended ({clock_text(dur)}): "
            + ", ".join(clock_text(c.mark.elapsed_s) for c in late)
            + " — are the marks' times counted from the recording's start (0:00)?")
    return result
