"""Result objects shared by the engine, the strain rules and every sink (CLI, JSON, HTML, live).

The per-step table (one row per detected initial contact) has these columns; a metric that
cannot be measured (no gyro, not running, bout too short) is NaN and the summary says why.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._equality import same_values
from ._output_file import atomic_text_file, write_text_atomically

#: Per-step columns, in order, with their meaning. Units are in the names.
#: the words every 'you walked backwards' note in ``sensor_hints`` carries (the engine writes them): the reports
#: show those notes under their own heading, not under 'Check the sensor' — walking backwards is an exercise
BACKWARD_NOTE_WORDS = " you walked backwards (or the sensor was turned round"
#: … and every 'you stepped sideways' note's (side-stepping: shown with them)
SIDE_STEP_NOTE_WORDS = " you stepped sideways (or the sensor was turned 90° and back)"

STEP_COLUMNS: dict[str, str] = {
    "time_s": "time of the initial contact (foot strike), on the recording's own time axis (a sensor declared off the trunk, e.g. a pocket: one foot's early / late offset evened out)",
    "bout": "number (0, 1, …) of the stretch of steady steps this step is in; a pause ends a stretch (the bouts table joins stretches less than 3 s apart into one walking bout)",
    "gait": "'walk' or 'run'",
    "side": "'L' or 'R' when the signal allows, else ''",
    "step_time_s": "time from the previous initial contact (NaN for the first step of a bout)",
    "stride_time_s": "time from the same foot's previous contact (NaN for the first two steps)",
    "cadence_spm": "steps per minute over the stride ending at this contact: 120 / stride_time_s (60 / step_time_s at a bout's second step)",
    "vertical_oscillation_cm": "trunk vertical excursion (max - min) during the step from this contact to the next",
    "step_length_m": "inverted-pendulum model (Zijlstra & Hof, Mobilise-D factor) on the trunk's vertical displacement (high-passed as Mobilise-D does) during the step from this contact to the next, or on a treadmill exactly belt speed × step_time_s",
    "vertical_ratio_pct": "vertical oscillation / step length × 100 (NaN for a step that progressed less than 20 cm: a pivot or a shuffle)",
    "walking_speed_mps": "step_length_m / that step's duration (the step from this contact to the next); on a treadmill the belt speed",
    "trunk_twist_deg": "trunk yaw range over the stride ending at this contact (needs a gyro)",
    "heading_change_deg": "change of walking direction over the stride ending at this contact, + = to the left (needs a gyro); the first steps after a pause shorter than 3 s: from the contact two back, across the pause",
    "forward_lean_deg": "trunk pitch vs the walking posture of the first steady steps (the reference posture), + = forward",
    "lean_vs_standing_deg": "trunk pitch vs the posture standing still just before a walk (at least 2 s, not rising from a seat or bent), + = forward: the first such standing in the step's sensor position (between two lean jumps or sensor moves, a sensor re-clipped), before or after the step; NaN where that position has none",
    "lateral_sway_cm": "side-to-side trunk excursion over the stride ending at this contact",
    "pelvic_drop_deg": "trunk roll range during the step from this contact to the next (needs a gyro)",
    "braking_mps": "forward-speed loss after the contact (speed at contact - minimum in the first half of the step)",
    "impact_g": "peak vertical acceleration in the first 150 ms after contact, in g (gravity included)",
    "ground_contact_ms": "ground contact time (running only)",
    "step_regularity": "autocorrelation at one step lag, over the last few strides (0..1)",
    "stride_regularity": "autocorrelation at one stride lag, over the last few strides (0..1)",
    "symmetry": "step_regularity / stride_regularity (1 = symmetric)",
}

#: Metrics that only exist with a gyroscope.
GYRO_METRICS = ("trunk_twist_deg", "pelvic_drop_deg", "heading_change_deg")


@dataclass
class Flag:
    """One back-strain pattern held over a stretch of the recording.

    Attributes
    ----------
    id : which pattern, e.g. "vertical_bounce", "trunk_twist_excess", "trunk_twist_guarding".
    start_s, end_s : when it held, s, on the recording's own time axis (as ``steps["time_s"]``).
    severity : "mild" | "moderate" | "marked" (shown to people as "strong": :func:`imu_gait.strain.severity_word`).
    metric : the per-step column the evidence is about, e.g. "vertical_oscillation_cm".
    value, reference, threshold : the metric's typical value while the flag held, the personal baseline
        or absolute fallback it was compared with, and the value it had to pass — all in the unit
        ``metric`` names (cm, deg, spm, %, …).
    reference_kind : "baseline" | "absolute".
    message : one line: what happened, with numbers. ``cause`` : the likely cause, plain words.
    advice : what to try.
    title : the pattern's name as the reports, the live view, the flags CSV and the JSON show it, as its
        evidence words it: :data:`~imu_gait.strain.FLAG_INFO`'s title ("Vertical bounce / hard landings"),
        except where the evidence contradicts it (a 'pace too fast' flag whose cadence did not rise is
        "Irregular steps / shuffling"). Given as "" (the default), it is the id's title, so a UI need not
        parse ``message``. The ids: ``imu_gait.strain.FLAG_IDS``.
    """

    id: str                 # e.g. "vertical_bounce", "trunk_twist_excess", "trunk_twist_guarding"
    start_s: float
    end_s: float
    severity: str           # "mild" | "moderate" | "marked"
    metric: str             # the metric the evidence is about, e.g. "vertical_oscillation_cm"
    value: float            # typical value while the flag held
    reference: float        # personal baseline or absolute fallback it was compared with
    reference_kind: str     # "baseline" | "absolute"
    threshold: float        # the value the metric had to pass
    message: str            # one line: what happened, with numbers
    cause: str              # likely cause, plain words
    advice: str             # what to try
    title: str = ""         # the pattern's name as the evidence words it (report audit s34 F6); "" → the id's title

    def __post_init__(self) -> None:
        if not self.title:
            from .strain import flag_title      # (late: strain imports this module)

            self.title = flag_title(self.id)

    def to_dict(self) -> dict[str, Any]:
        """The flag as the JSON holds it: its fields by name, NaN as None."""
        return json_safe(asdict(self))

    def __eq__(self, other: object) -> bool:
        """The same fields, a NaN value equal to NaN (the dataclass ``==`` called two flags of the same analysis
        unequal where a value was NaN)."""
        if not isinstance(other, Flag):
            return NotImplemented
        return same_values(self, other)

    __hash__ = None     # type: ignore[assignment]   # mutable: as the dataclass made it


@dataclass
class AnalysisResult:
    """What :func:`imu_gait.analyze` returns.

    Attributes
    ----------
    steps : DataFrame, one row per step, columns :data:`STEP_COLUMNS`; with a gyroscope also ``turning``
        (bool: a stride turning ≥ 15° or next to one — left out of the summary's twist and sway).
    summary : dict of plain numbers/strings (``n_steps``, ``duration_s``, ``cadence_spm`` …; each
        metric's median over the steps and ``<metric>_iqr`` = [25th, 75th percentile], the middle half,
        or None under 4 values). The same keys for every recording (NaN/None where nothing was measured);
        ``by_gait`` ({"walk": {…}, "run": {…}}: each gait's ``n_steps``, medians, ``_iqr``,
        stride-time CV and step-time asymmetry) when a walk
        turns into a run, ``by_treadmill_stage`` (a treadmill schedule of two or more stages: per stage its
        ``start_s``, belt speed, incline, ``n_steps`` and medians), ``placement_kind``,
        ``time_start_s`` (the first sample on the steps' time axis). About how the walk could be judged:
        ``flag_notes`` (what the rules could not judge, or judged against fallbacks only),
        ``one_sided_signal`` (the signal looks like a sensor on one side — a pocket, one hip),
        ``lean_jumps`` (``{time_s, change_deg}`` where the lean jumped ≥ 10° between two walks — a
        sensor re-clipped?), ``sensor_turns`` (``{time_s, turn_deg, during_walk}`` where the sensor was
        turned about the vertical — between two walks or during one — and forward was found again), ``backward_walking``
        (``{start_s, end_s}``: walked backwards — forward reversed during a walk, or between walks on a treadmill,
        not a desk, the sensor's 'up' kept; ``end_s`` None: to the end), ``sensor_moves``
        (``{time_s, tilt_deg}`` where the sensor was tilted ≥ 30° on the body between two walks and calibrated afresh
        on the walk at ``time_s``), ``sensor_hints`` (these as short lines for a report's head),
        ``sensor_height_m`` and ``sensor_height_source`` ("given" | "body height" | "default"), ``body_height_m``
        (only when a body height was given),
        ``gyro_axis_mismatch`` (how far the gyro's rotation disagreed with the accelerometer's: the largest
        of the walker's turns, slow tilting outside gait — bends, sit-downs —, and the rhythm of the trunk's
        pitching while walking, :mod:`imu_gait.dsp.gyro_check`; 0 agrees, ~1 unseen; over 0.6 the gyro was
        left out; NaN when not judged — no gyro, or none of the three in the recording).
    flags : list of :class:`Flag`.
    timeline : DataFrame of smoothed metrics over time (the series the flags are judged on), on a 1-s
        grid (an idle stretch over an hour keeps 10 min at each end): ``time_s``, ``gait``, ``walking``, each metric smoothed (same names and units as the steps), ``<metric>_baseline``.
    warnings : notes about the input and about metrics that could not be measured.
    bouts : DataFrame, one row per walking bout (:func:`imu_gait.bouts.bout_table`; stretches of steps less
        than 3 s apart are one walking bout, as Mobilise-D counts them): ``walking_bout``, ``first_bout`` /
        ``last_bout`` (the steps' ``bout`` numbers it spans), ``start_s``, ``end_s`` (first and last contact,
        s), ``duration_s``, ``n_steps``, ``n_pauses``, ``gait`` (walk | run | mixed), ``running_share``,
        ``n_turns`` (≥ 45°; NaN without a gyro), ``flags`` (ids of the flags held during the bout,
        space-separated), each per-step metric's median over the bout (same names and units as the steps) and
        ``stride_length_m``. The summary's ``n_bouts`` counts these rows, and its
        ``walking_bouts`` holds the walking bouts summarised by length (:func:`imu_gait.bouts.bout_outcomes`).
    days : DataFrame, one row per calendar day (24-hour days from the first sample when the file does
        not say when it started; :func:`imu_gait.days.day_table`): ``day``, ``date``, ``start_s`` /
        ``end_s``, ``recorded_h``, ``worn_h`` (the sensor not lying still, van Hees's rule), ``valid`` (worn
        ≥ 10 h), ``n_steps`` and the day's walking bouts summarised as ``walking_bouts`` is. The summary's
        ``days`` holds the figures per valid day (:func:`imu_gait.days.day_outcomes`).
    marks : the walker's symptom marks (pain 0–10) with what the gait did before each
        (:class:`imu_gait.marks.MarkContext`); empty unless marks were given (:func:`imu_gait.marks.attach_marks`,
        ``imu-gait analyze --marks``, or ``walk.marks.csv`` beside the recording).
    """

    steps: pd.DataFrame
    summary: dict[str, Any]
    flags: list[Flag] = field(default_factory=list)
    timeline: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: list[str] = field(default_factory=list)
    bouts: pd.DataFrame = field(default_factory=pd.DataFrame)
    marks: list[Any] = field(default_factory=list)
    days: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the minutes the days table counts wear in (:func:`imu_gait.days.worn_minutes`: ``minute`` =
    #: floor(time_s / 60), ``start_s``, ``n_samples``, ``recorded_s``, ``worn``), for the research export's
    #: minutes table; not in the JSON (empty for a result read back from one), not compared by ``==``
    minutes: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)

    def __eq__(self, other: object) -> bool:
        """Equal when every field holds the same values: the same tables cell by cell (columns, dtypes, NaN where
        the other has NaN), summary, flags, warnings and marks. The dataclass ``==`` raised 'The truth value of a
        DataFrame is ambiguous' (API audit s37). To compare only what the JSON holds: ``a.to_dict() == b.to_dict()``."""
        if not isinstance(other, AnalysisResult):
            return NotImplemented
        return same_values(self, other)

    __hash__ = None     # type: ignore[assignment]   # mutable: as the dataclass made it

    def to_dict(self, *, steps: bool = True) -> dict[str, Any]:
        """The JSON contract as Python objects (``steps=False``: without the per-step rows, for
        :meth:`write_json`, which turns them into text a few thousand at a time)."""
        from . import __version__  # late: the package imports this module while it is being set up
        from ._source_commit import source_commit
        from .strain import DISCLAIMER  # late: strain imports this module

        rows = self.steps.replace({np.nan: None}).to_dict(orient="records") if steps else []
        return {
            # which release made the numbers: metrics and rules change between versions. An extra
            # top-level key (docs/json.md: keys may be added, not change meaning).
            "imu_gait_version": __version__,
            # … and, run from a git checkout, which commit (the version is the same for all of a development
            # checkout's): None for an installed release. Another extra top-level key
            "imu_gait_source": source_commit(),
            # the not-a-diagnosis note with the symptoms that need a clinician (pain down a leg, numbness,
            # weakness, bladder/bowel changes): a tool that shows these flags must be able to show it too,
            # as the terminal and HTML reports do. Another extra top-level key.
            "disclaimer": DISCLAIMER,
            "steps": [json_safe(s) for s in rows],
            "summary": json_safe(dict(self.summary)),
            "flags": [f.to_dict() for f in self.flags],
            "bouts": [json_safe(b) for b in self.bouts.to_dict(orient="records")] if len(self.bouts) else [],
            # one row per day (imu_gait.days.day_table): an extra key
            "days": [json_safe(d) for d in self.days.to_dict(orient="records")] if len(self.days) else [],
            "warnings": list(self.warnings),
            # the walker's symptom marks, when any were given: an extra key, absent otherwise
            **({"marks": [json_safe(m.to_dict()) for m in self.marks]} if self.marks else {}),
        }

    def write_timeline_csv(self, path: str | os.PathLike | Any) -> None:
        """Write :attr:`timeline`'s smoothed series and baselines — the lines the HTML report draws, the series the
        flags are judged on — as CSV to ``path`` or an open text stream (:mod:`imu_gait.report.timeline_csv`;
        the JSON does not hold them)."""
        from .report.timeline_csv import write_timeline_csv   # late: the report package imports matplotlib

        write_timeline_csv(self, path)

    def to_json(self, path: str | os.PathLike | None = None, *, indent: int | None = 1) -> str:
        """The JSON output (its keys: ``docs/json.md`` in the repository) as text; also written to ``path``
        (UTF-8) when given. NaN becomes null. (To write a long recording's JSON without holding its text: :meth:`write_json`.)"""
        text = "".join(self._json_pieces(indent))
        if path is not None:
            write_text_atomically(path, text)        # whole or not at all; a link at the path is replaced
        return text

    def write_json(self, path: str | os.PathLike, *, indent: int | None = 1) -> None:
        """Write :meth:`to_json`'s text to ``path`` piece by piece: a day's JSON (125 MB, 149,000 steps)
        built whole as Python objects took 0.8 GB more memory than the analysis."""
        with atomic_text_file(path) as fh:           # (a crash midway leaves no half JSON behind)
            for piece in self._json_pieces(indent):
                fh.write(piece)

    #: steps turned into JSON at a time (their Python objects are what costs memory)
    JSON_STEPS_PER_PIECE = 5000

    def _json_pieces(self, indent: int | None):
        """The text of ``json.dumps(self.to_dict(), indent=indent)``, in pieces: the steps a few thousand at a
        time, each indented as they sit in the whole (the same bytes: tests/test_result_json.py)."""
        doc = unescaped_names(self.to_dict(steps=False))      # (the step rows hold no names)
        marker = "\u0000steps\u0000"
        doc["steps"] = marker
        text = json.dumps(doc, indent=indent, allow_nan=False)
        head, tail = text.split(json.dumps(marker), 1)
        yield head
        n = len(self.steps)
        if n == 0:
            yield "[]"
        else:
            pad = "" if indent is None else "\n" + " " * (2 * indent)
            sep = ", " if indent is None else ","
            yield "["
            for i in range(0, n, self.JSON_STEPS_PER_PIECE):
                rows = self.steps.iloc[i:i + self.JSON_STEPS_PER_PIECE].replace({np.nan: None}).to_dict(orient="records")
                parts = [json.dumps(json_safe(r), indent=indent, allow_nan=False) for r in rows]
                if indent is not None:
                    parts = [p.replace("\n", pad) for p in parts]
                yield (sep if i else "") + sep.join(pad + p for p in parts)
            yield ("" if indent is None else "\n" + " " * indent) + "]"
        yield tail


def unescaped_names(obj: Any) -> Any:
    """``obj`` with each text that holds a file name's undecodable bytes (lone surrogates, Python's
    surrogateescape: in a C/ASCII locale without UTF-8 mode 'Müller walk.csv' arrives as 'M\\udcc3\\udcbcller
    walk.csv') turned back into the name's own text — its bytes read as UTF-8, any invalid byte as U+FFFD. The
    JSON held them as '\\udcc3\\udcbc', which strict JSON parsers refuse and no reader shows as 'ü'."""
    if isinstance(obj, dict):
        return {unescaped_names(k): unescaped_names(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [unescaped_names(v) for v in obj]
    if isinstance(obj, str) and not obj.isascii():
        try:
            obj.encode("utf-8")
        except UnicodeEncodeError:
            try:
                return obj.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            except UnicodeEncodeError:      # a lone surrogate that is no escaped byte
                return obj.encode("utf-8", "replace").decode("utf-8")
    return obj


def json_safe(obj: Any) -> Any:
    """Make a value JSON-safe: numpy scalars to Python, NaN/inf to None."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        v = float(obj)
        return v if math.isfinite(v) else None
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj
