"""What every sink (text, HTML) says about a result: facts, metric summaries, range notes.

The text summary and the HTML report are two renderings of the same :class:`Overview`, so
they can never disagree. Nothing here prints or draws; it turns an
:class:`~imu_gait.result.AnalysisResult` (plus, optionally, the
:class:`~imu_gait.recording.Recording` it came from) into plain numbers and sentences.

Normal ranges are those of the project's gait-science notes (§3, kept beside the repository, not in
it); each metric's range and where it comes from are below (``range_source``). Where the science gives
none, the note says so instead of inventing one.
"""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field, replace
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..dsp.gyro_check import MISMATCH_LIMIT
from ..dsp.metrics import SIZE_REFERENCE_HEIGHT_M, cadence_for_height, length_for_height
from ..recording import clock_text, duration_text
from ..result import BACKWARD_NOTE_WORDS, SIDE_STEP_NOTE_WORDS, STEP_COLUMNS, AnalysisResult, Flag
from ..saturation import marked_metrics
# the not-a-diagnosis note: one text for every sink (the strain rules own it; the JSON carries the same words)
from ..strain import step_length_source  # noqa: F401 - where step length came from (re-exported here)
from ..strain import (DISCLAIMER_TEXT as DISCLAIMER, DISCLAIMER_TITLE, FLAG_INFO, StrainConfig, steady_stride_cv_pct,
                      placement_kind, without_turns)

SEVERITY_ORDER = {"mild": 0, "moderate": 1, "marked": 2}



def _exercise_note(hint: str) -> bool:
    """A sensor_hints line that tells of walking backwards or side-stepping (an exercise, not a sensor problem)."""
    return BACKWARD_NOTE_WORDS in hint or SIDE_STEP_NOTE_WORDS in hint


def exercise_heading(notes: list[str]) -> str:
    """The heading the reports give ``backward_notes``: what was walked."""
    back = any(BACKWARD_NOTE_WORDS in n for n in notes)
    side = any(SIDE_STEP_NOTE_WORDS in n for n in notes)
    return "Walking backwards and sideways" if back and side else "Stepping sideways" if side else "Walking backwards"

@dataclass(frozen=True)
class MetricInfo:
    """How to show one per-step metric.

    ``walk_range`` / ``run_range``: typical values (low, high) in display units, or None
    where no published range exists; ``range_source`` says where the range comes from.
    ``scale`` converts the step-table unit to the display unit (e.g. s → ms).
    """

    column: str
    label: str
    unit: str
    decimals: int = 1
    walk_range: tuple[float, float] | None = None
    run_range: tuple[float, float] | None = None
    range_source: str = ""
    no_range_note: str = "no published normal range — compare with your own earlier recordings"
    needs_gyro: bool = False
    running_only: bool = False
    core: bool = False          # always shown (with an explanation when missing)
    scale: float = 1.0
    short: str = ""             # label in the terminal summary ("" = not shown there)
    brief: str = ""             # terminal note when there is no range
    run_label: str = ""         # label where the gait is running ("" = ``label``)
    run_no_range_note: str = ""  # note where the gait is running and no range exists ("" = ``no_range_note``)
    run_short: str = ""         # terminal label where the gait is running, for a metric shown there only for runs
    chest_label: str = ""       # label where the sensor sat on the chest ("" = ``label``): what it measures there
    chest_short: str = ""       # terminal label for a chest sensor ("" = ``short``)
    above_note: str = ""        # a one-sided metric, more of which is no concern: what a median above the range
                                # is called (status "ok"); "" = 'above the typical range' (status "high")
    below_note: str = ""        # likewise for less: (long note, brief) format strings; "" = 'below the typical range'
    below_brief: str = ""
    run_range_pelvis: tuple[float, float] | None = None   # runners' range for a waist / lower-back sensor, where it
                                                           # differs from ``run_range`` (a chest strap's)

    def range_for(self, gait: str, chest: bool, body_height_m: float | None = None) -> tuple[float, float] | None:
        """The typical range of ``gait`` ("walk" | "run") where the sensor sat: a run's is a chest strap's on
        the chest, else a waist pod's (which reads more bounce: gait-science.md §1.2), as the flag rules take it.
        ``body_height_m`` (given): an adult's cadence and bounce ranges scaled for it, as the flags' bounds are
        (:data:`SIZE_SCALED_RANGES`) — a 1.28-m child's 150-spm walk read 'above the typical walking range'."""
        if gait != "run":
            rng = self.walk_range
        else:
            rng = self.run_range if chest or self.run_range_pelvis is None else self.run_range_pelvis
        scale = SIZE_SCALED_RANGES.get(self.column)
        if rng is None or scale is None or body_height_m is None:
            return rng
        if gait == "run" and body_height_m <= SIZE_REFERENCE_HEIGHT_M:
            # runners' ranges are Garmin's adults': eased for a taller runner, as the flags' limits
            # (strain.runner_limits), never made stricter — a child's 175-spm run is not 'below typical'
            return rng
        lo, hi = (round(scale(v, body_height_m), self.decimals) for v in rng)
        return (lo, hi)


#: the typical ranges (an adult's, about 1.75 m) that scale with the walker's height where it is given, as the
#: flags' cadence bounds do (imu_gait.dsp.metrics.SIZE_REFERENCE_HEIGHT_M): cadence by √(1.75 / height), bounce by
#: height / 1.75
SIZE_SCALED_RANGES = {"cadence_spm": cadence_for_height, "vertical_oscillation_cm": length_for_height}


#: The metrics shown in summaries, in display order.
METRICS: tuple[MetricInfo, ...] = (
    MetricInfo("cadence_spm", "Cadence", "spm", 0, (100, 120), (153, 183),
               "walking ≈ 100–120 spm; runners 153–183 spm (Garmin 5th–95th percentile)", core=True,
               short="Cadence"),
    MetricInfo("step_time_s", "Step time", "ms", 0, scale=1000.0,
               no_range_note="median time from one contact to the next; the variability row says how steady it was"),
    MetricInfo("step_length_m", "Step length", "m", 2,
               no_range_note="model estimate (about ±0.2 m) unless a belt speed was given",
               short="Step length", brief="estimate, ±0.2 m"),
    MetricInfo("walking_speed_mps", "Walking speed", "m/s", 2,
               no_range_note="step length ÷ step time: a model estimate unless a belt speed was given",
               short="Walking speed", brief="estimate, ±0.2 m/s", run_label="Running speed"),
    MetricInfo("vertical_oscillation_cm", "Bounce (vertical oscillation)", "cm", 1, (2.5, 5.0), (6.4, 11.5),
               "walking ≈ 2.5–5 cm, rising with speed; runners 6.4–11.5 cm at the chest, 6.8–13.0 cm at the waist "
               "(Garmin 5th–95th percentile)", core=True,
               short="Bounce", run_range_pelvis=(6.8, 13.0)),
    MetricInfo("vertical_ratio_pct", "Vertical ratio", "%", 1, None, (6.1, 10.1),
               "runners 6.1–10.1 % at the chest, 6.5–11.9 % at the waist (Garmin 5th–95th percentile)",
               run_range_pelvis=(6.5, 11.9),
               no_range_note="no walking range published; lower means less bounce per metre",
               # a runner's own figure (Garmin's running dynamics show it beside the bounce); measured for a run
               # only from a belt speed, and a walk's comes from the pendulum estimate: the terminal shows it for runs
               run_short="Vertical ratio"),
    MetricInfo("trunk_twist_deg", "Trunk twist (yaw range)", "°", 1, (8, 15), None,
               "walking ≈ 8–15° (a sanity range, not a target)", needs_gyro=True, core=True,
               short="Trunk twist", run_no_range_note="no published range for running (8–15° is walking's); "
                                                      "compare with your own runs"),
    MetricInfo("forward_lean_deg", "Forward lean", "°", 1,
               # the reference is the trunk's tilt over the first steady steps (the engine's calibration), not standing:
               # a runner leaning 8° from the first stride after standing upright reads ~0° (synthetic: -0.3°)
               no_range_note="measured against the trunk's tilt in your first steady steps of this recording (about "
                             "upright when they are walking; a run from the first step makes its own lean the zero); "
                             "+10° or more beyond it held for a while counts as hunched (where you stood still "
                             "before setting off: 10° beyond standing, the row below)",
               core=True, short="Forward lean", brief="vs your first steps"),
    # gait-science.md's own reference (pitch vs standing), where the recording has the walker standing still just
    # before a walk; no range: walking's is not published, runners lean 3.6 ± 2.8° (low) to 10.8 ± 2.2° (high)
    MetricInfo("lean_vs_standing_deg", "Forward lean vs standing", "°", 1,
               no_range_note="measured against how you stood, still, just before you set off; +10° or more held "
                             "for a while counts as hunched (runners who lean 'a lot' lean about 11°)",
               short="Lean vs standing", brief="vs standing still"),
    MetricInfo("lateral_sway_cm", "Side-to-side sway", "cm", 1, core=True, short="Side sway",
               brief="no norm; compare over time"),
    # a chest sensor's roll range is the thorax's side-bend, not the pelvis's drop (the runner audit: a chest
    # strap's report said 'Pelvic drop' for it)
    MetricInfo("pelvic_drop_deg", "Pelvic drop (roll range)", "°", 1, needs_gyro=True, core=True,
               no_range_note="no normal range for walking; a rise against your own baseline matters more",
               short="Pelvic drop", brief="no norm; compare over time",
               chest_label="Trunk roll (side-bend range at the chest)", chest_short="Trunk roll",
               run_no_range_note="no normal range for running; a rise against your own baseline matters more "
                                 "(in runners, more drop went with more injuries)"),
    MetricInfo("braking_mps", "Braking (speed loss per step)", "m/s", 2,
               no_range_note="no walking range published; compare with your own baseline",
               run_no_range_note="no running range published for a trunk sensor; compare with your own baseline"),
    MetricInfo("impact_g", "Impact (peak vertical acceleration)", "g", 2),
    # shorter contact is what fast and trained runners show ('elites < 200 ms', gait-science.md): a 200-ms
    # run read 'below typical', as if something were wrong
    MetricInfo("ground_contact_ms", "Ground contact time", "ms", 0, None, (218, 308),
               "runners 218–308 ms (Garmin 5th–95th percentile)", running_only=True,
               short="Ground contact",
               below_note="shorter than most runners' ({rng}): quick contacts, as fast and trained runners have",
               below_brief="quicker than most ({what} {rng})"),
    # the 0.6–0.9 is healthy adults' walking (gait-science.md §3, itself unconfirmed): no running range is
    # published, and a run's was called 'below the typical running range' (the adeptdata hip run, 0.50)
    MetricInfo("step_regularity", "Step regularity", "", 2, (0.6, 0.9), None,
               "healthy adults walking ≈ 0.6–0.9 (1 = every step identical)",
               run_no_range_note="1 = every step identical; no published running range (0.6–0.9 is walking's) — "
                                 "compare with your own runs",
               # 1 is every step alike: above the range is steadier, not a problem (a real healthy chest-pouch
               # walk reads 0.95; a treadmill's belt evens the steps further)
               above_note="more regular than the typical {what} range ({rng}): steady, even steps"),
    MetricInfo("symmetry", "Left/right symmetry", "", 2,
               no_range_note="1 = left and right steps alike; compare with your own baseline"),
)
METRIC_BY_COLUMN = {m.column: m for m in METRICS}

#: Metrics drawn over time in the HTML report, in panel order.
#: Ground contact has a panel only where there are running steps (a walk's are NaN): it is the running figure
#: that tiring lengthens (Schütte 2016: from lap 4 of a 3200-m time trial), so a run's report draws it over time.
TIMELINE_METRICS = ("cadence_spm", "vertical_oscillation_cm", "ground_contact_ms", "trunk_twist_deg", "forward_lean_deg",
                    "lean_vs_standing_deg",     # (a panel only where the walker stood still before a walk)
                    "lateral_sway_cm", "pelvic_drop_deg", "step_length_m", "walking_speed_mps", "braking_mps",
                    "impact_g", "step_regularity")


@dataclass
class MetricRow:
    """One line of the key-metrics table (display units)."""

    column: str
    label: str
    unit: str
    median: float          # NaN when not measured
    p25: float
    p75: float
    n: int                 # steps with a value
    note: str              # plain-language range note / why missing
    status: str            # "ok" | "low" | "high" | "norange" | "missing" | "few" (a range judged on few steps)
                           # | "flagged" (typical overall, but a flag held on it for part of the walk)
    decimals: int = 1
    short: str = ""        # terminal label ("" = HTML/CSV only)
    brief: str = ""        # terminal note

    def value_text(self) -> str:
        return "—" if math.isnan(self.median) else fmt_num(self.median, self.decimals, self.unit)

    def spread_text(self) -> str:
        if math.isnan(self.p25) or self.n < 4:
            return "—"
        sep = " to " if self.p25 < 0 else "–"   # "-5.0–0.2°" would read as a range of negatives
        return f"{fmt_num(self.p25, self.decimals)}{sep}{fmt_num(self.p75, self.decimals, self.unit)}"


#: the reports' 'No walking found' text when all that was found was rhythmic pushing or rocking (Overview.only_pushing)
PUSHING_TEXT = ("Rhythmic pushing (a manual wheelchair) or rocking was found: the trunk pitched to a rhythm without "
                "swaying from side to side, which is not walking, so it was not counted — there are no steps, "
                "metrics, plots or flags from it (the notes below say when).")


@dataclass
class Overview:
    """Everything a summary says, as plain values (shared by the text and HTML renderers)."""

    source: str
    duration_s: float
    sample_rate_hz: float
    has_gyro: bool | None
    placement: str
    context: list[str]                  # treadmill, belt speed, incline …
    n_steps: int
    n_bouts: int
    walking_time_s: float
    n_walk_steps: int
    n_run_steps: int
    cadence_spm: float                  # summary cadence (the JSON contract value)
    stride_cv_pct: float
    dominant_gait: str                  # "walk" | "run" | ""
    metrics: list[MetricRow]
    flags: list[Flag]
    warnings: list[str]
    extra: dict[str, Any] = field(default_factory=dict)
    flag_notes: list[str] = field(default_factory=list)   # how the back-strain rules could judge this walk
    sensor_hints: list[str] = field(default_factory=list)  # doubts about the sensor's place: said up front
    # stretches walked backwards or sideways (summary sensor_hints' notes of them): an exercise, said beside the numbers —
    # before (backward2 s43) under 'Check the sensor', as if the sensor were at fault
    backward_notes: list[str] = field(default_factory=list)
    # a belt speed whose steps no one can take (5 typed into --belt-speed meaning km/h): said up front, and that
    # gait's step length and speed are not shown as measured (summary['belt_speed_doubts'])
    belt_doubts: list[str] = field(default_factory=list)
    # a walk that is partly a run: the key metrics of each gait on its own ("walk", "run"), judged
    # against that gait's range — empty otherwise (then ``metrics`` is the whole story)
    metrics_by_gait: dict[str, list[MetricRow]] = field(default_factory=dict)
    # a walk that is partly a run: each gait's steady stride-time variability (the summary's figure is
    # the main gait's only)
    stride_cv_by_gait: dict[str, float] = field(default_factory=dict)
    # the first sample's time on the steps' axis: report clocks count from it, so a file that keeps
    # epoch seconds as its time axis reads 02:26 and not 472222:15:46 (0 when the summary lacks it)
    time_origin_s: float = 0.0
    baseline_s: float = 180.0           # the walking time asked for as the personal baseline (analyze's baseline_s)
    chest: bool = False                 # the sensor sat on the chest: runners' chest-strap ranges (else the waist's)
    body_height_m: float | None = None  # the walker's height where given: cadence and bounce ranges scaled for it
    # each gait's time as the strain rules count it for the baseline (the sum of its step times, each ≤ 2 s)
    gait_time_s: dict[str, float] = field(default_factory=dict)
    marks: list[Any] = field(default_factory=list)   # the walker's symptom marks (imu_gait.marks.MarkContext)
    # the walking bouts summarised by length (summary['walking_bouts'], imu_gait.bouts.bout_outcomes); {} when
    # the result has none (a result read back from an older JSON)
    walking_bouts: dict[str, Any] = field(default_factory=dict)
    # day by day (summary['days'], imu_gait.days.day_outcomes): hours recorded and worn, valid days and the
    # figures per valid day; {} when the result has none (a result read back from an older JSON)
    days: dict[str, Any] = field(default_factory=dict)
    # the gaps in the samples of NO_DATA_MIN_S or more, (last sample before, first after) on the steps' axis: the
    # plots draw them as "no data" and the text says the duration includes them — a 40-s hole drawn as an empty
    # stretch between two bouts read as a rest, and "79 % of the recording" as 21 % not walking
    data_gaps: list[tuple[float, float]] = field(default_factory=list)
    no_data_s: float = 0.0              # their total (summary['gap_s'] where the result keeps no gap times)

    @property
    def baseline_text(self) -> str:
        """What 'your baseline' in the flags means, for walkers who read it there (empty when no flag was
        judged against one): the first min(asked, 300 s, half the walking) of walking of this recording, as
        :func:`~imu_gait.strain.evaluate_flags` takes it — per gait: a walk that turned into a run has a
        walking and a running baseline, each from that gait's own time (the strain rules never mix them)."""
        if not any(f.reference_kind == "baseline" for f in self.flags):
            return ""
        cfg = StrainConfig()

        def length(g: str) -> float:
            total = self.gait_time_s.get(g, self.walking_time_s) if self.metrics_by_gait else self.walking_time_s
            return cfg.baseline_length_s(self.baseline_s, total)

        gaits = [g for g in ("walk", "run") if g in self.metrics_by_gait and length(g) >= cfg.baseline_min_s] \
            or [self.dominant_gait or "walk"]
        parts = [f"how you {'ran' if g == 'run' else 'walked'} in the first {fmt_duration(length(g))} of "
                 f"{'running' if g == 'run' else 'walking'}" for g in gaits]
        # a runner outdoors held no rails: the rails belong to a treadmill's baseline only
        held = "holding the rails, leaning or tired" if "treadmill" in self.context else "leaning or tired"
        this = {"walk": "walk", "run": "run"}.get(self.dominant_gait, "walk") if len(gaits) == 1 else "recording"
        # a flag that began before the baseline could have ended (walking time never runs ahead of the clock,
        # so a start within the baseline's length of the first sample is inside it): the baseline holds part
        # of the pattern (a 4-min walk: baseline 'the first 1 min 57 s' beside a bounce flag from 1:31)
        early = [f for f in self.flags if f.reference_kind == "baseline"
                 and _f(f.start_s) - self.time_origin_s < max(length(g) for g in gaits)]
        began = fmt_clock(_f(early[0].start_s) - self.time_origin_s) if early else ""
        inside = (f" The {flag_title(early[0].id).lower()} flag began at {began}, within those minutes: part of "
                  "that pattern is in the baseline itself, so the change may be larger than the flag says — a steady warm-up before it, or a shorter baseline setting, gives a cleaner "
                  "reference." if early else "")
        return (f"“Your baseline” is {' and '.join(parts)} in this recording"
                + (" (each gait is judged against its own)" if len(gaits) > 1 else "")
                + f". A flag means a change from it held for at least {cfg.hold_s:.0f} s (the threshold is "
                "where the change starts to count); a flag that names no baseline was judged against a fixed limit "
                f"for everyone instead. If you were already {held} in those first minutes, that "
                f"became your normal for this {this}." + inside)

    @property
    def walking_found(self) -> bool:
        return self.n_steps > 0

    @property
    def only_pushing(self) -> bool:
        """No step, and every 'walk' found was rhythmic pushing (a manual wheelchair) or rocking, taken back: the 'No
        walking found' section says so instead of asking whether the sensor was worn while walking."""
        from ..engine import NO_WALKING_PUSHING
        return not self.walking_found and any(w.lower().startswith(NO_WALKING_PUSHING) for w in self.warnings)

    @property
    def gait_word(self) -> str:
        """'Walking', 'Running' (mostly running) or 'Walking and running' (each gait summarised apart)."""
        if self.metrics_by_gait:
            return "Walking and running"
        return GAIT_WORDS.get(self.dominant_gait, "Walking")

    @property
    def no_flags_text(self) -> str:
        """What the flags section says when there are none: unqualified only when every rule could be judged
        (without a gyroscope, or on a walk too short for a baseline, "none" must not read as an all-clear)."""
        if any("judged" in n for n in self.flag_notes):
            return ("None of the patterns that could be judged was held long enough to flag; some could not be "
                    "judged on this recording (see “How the flags were judged” below).")
        return "None: no back-strain pattern was held long enough to flag."

    def clock(self, t_s: float) -> str:
        """``t_s`` on the steps' time axis as ``m:ss`` from the start of the recording."""
        return fmt_clock(_f(t_s) - self.time_origin_s)


# ---------------------------------------------------------------- formatting helpers
def fmt_num(value: float, decimals: int = 1, unit: str = "") -> str:
    """``12.3 cm``; degrees and percent without a space; NaN as an em dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{decimals}f}".replace(",", " ") if abs(value) >= 10000 else f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    if not unit:
        return text
    return f"{text}{unit}" if unit in ("°", "%") else f"{text} {unit}"


def fmt_clock(t_s: float) -> str:
    """Recording time as ``m:ss`` (``h:mm:ss`` from one hour)."""
    if t_s is None or not math.isfinite(t_s):
        return "?"
    return clock_text(t_s)


def fmt_duration(d_s: float) -> str:
    """A duration in words: ``45 s``, ``2 min 05 s``, ``1 h 12 min``."""
    if d_s is None or not math.isfinite(d_s):
        return "unknown"
    return duration_text(d_s)        # (the flag messages' format too)


def flag_title(flag_id: "str | Flag | FlagGroup") -> str:
    """The flag's title as its own message words it (``trunk_twist_guarding`` → ``Stiff trunk (guarding)``,
    :data:`~imu_gait.strain.FLAG_INFO`); an unknown id → ``Its words capitalised``. A :class:`Flag` gives its own
    ``title`` when it has one (the evidence's words), a :class:`FlagGroup` its flags' common title."""
    if isinstance(flag_id, FlagGroup):
        return flag_id.title
    if not isinstance(flag_id, str):
        return getattr(flag_id, "title", "") or flag_title(flag_id.id)
    info = FLAG_INFO.get(flag_id)
    return info["title"] if info else flag_id.replace("_", " ").strip().capitalize()


#: Units recognised from a metric name's suffix (names carry their units).
UNIT_SUFFIXES = (("_pct", "%", 1), ("_deg", "°", 1), ("_cm", "cm", 1), ("_spm", "spm", 0), ("_ms", "ms", 0),
                 ("_mps", "m/s", 2), ("_g", "g", 2), ("_m", "m", 2), ("_s", "s", 2))


def metric_display(metric: str) -> tuple[str, str, int, float]:
    """(label, unit, decimals, scale) for any metric name, known or not.

    Known step metrics use :data:`METRICS`; other names (``stride_time_cv_pct``,
    ``step_time_asymmetry_lcb_pct`` …) are read from their unit suffix.
    """
    info = METRIC_BY_COLUMN.get(metric)
    if info is not None:
        return info.label, info.unit, info.decimals, info.scale
    for suffix, unit, dec in UNIT_SUFFIXES:
        if metric.endswith(suffix):
            return metric[: -len(suffix)].replace("_", " ").strip().capitalize(), unit, dec, 1.0
    return metric.replace("_", " ").strip().capitalize(), "", 2, 1.0


def flag_value_text(flag: Flag) -> str:
    """The flag's value with its unit, as the evidence line writes it (``5.1 cm``)."""
    _label, unit, dec, scale = metric_display(flag.metric)
    return fmt_num(_f(flag.value) * scale, dec, unit)


def flag_evidence(flag: Flag) -> str:
    """One sentence comparing the flag's value with what it was judged against."""
    label, unit, dec, scale = metric_display(flag.metric)

    def num(v: float) -> str:
        return fmt_num(_f(v) * scale, dec, unit)

    if math.isnan(_f(flag.value)):
        return ""
    # an incline above the maximum is judged against the walker's own maximum, not a general limit
    ref = ("your baseline" if flag.reference_kind == "baseline" else
           "your maximum" if flag.metric == "incline_pct" else "the general limit")
    text = f"{label.lower()} {num(flag.value)}"
    if not math.isnan(_f(flag.reference)):
        text += f" vs {ref} {num(flag.reference)}"
    if not math.isnan(_f(flag.threshold)) and _f(flag.threshold) != _f(flag.reference):
        text += f" (flagged past {num(flag.threshold)})"
    return text


def _f(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


# ---------------------------------------------------------------- building the overview
def step_table(result: AnalysisResult) -> pd.DataFrame:
    """The steps table with every :data:`STEP_COLUMNS` column present (missing ones NaN)."""
    steps = result.steps if isinstance(result.steps, pd.DataFrame) else pd.DataFrame(result.steps)
    steps = steps.copy()
    for col in STEP_COLUMNS:
        if col not in steps.columns:
            steps[col] = "" if col in ("gait", "side") else np.nan
    return steps


def _numeric(steps: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(steps[col], errors="coerce").to_numpy(dtype=float)


def _range_status(median: float, rng: tuple[float, float] | None) -> str:
    if rng is None:
        return "norange"
    lo, hi = rng
    return "low" if median < lo else "high" if median > hi else "ok"


def _range_text(info: MetricInfo, rng: tuple[float, float]) -> str:
    """``100–120 spm``, ``2.5–5 cm``, ``8–15°``, ``0.6–0.9``."""
    hi = f"{rng[1]:g}"
    return f"{rng[0]:g}–" + (hi + info.unit if info.unit in ("°", "%", "") else f"{hi} {info.unit}")


def _range_note(info: MetricInfo, median: float, rng: tuple[float, float] | None, gait: str
                ) -> tuple[str, str, str]:
    """(long note, status, brief note) for a measured metric."""
    status = _range_status(median, rng)
    if status == "norange":
        return info.no_range_note, status, info.brief or "no norm; compare over time"
    what = "running" if gait == "run" else "walking"
    rng_text = _range_text(info, rng)
    if status == "high" and info.above_note:
        return info.above_note.format(what=what, rng=rng_text), "ok", f"steadier than typical ({what} {rng_text})"
    if status == "low" and info.below_note:
        return (info.below_note.format(what=what, rng=rng_text), "ok",
                info.below_brief.format(what=what, rng=rng_text))
    word = {"ok": "within", "low": "below", "high": "above"}[status]
    brief = {"ok": "typical", "low": "below typical", "high": "above typical"}[status]
    return f"{word} the typical {what} range ({rng_text})", status, f"{brief} ({what} {rng_text})"


#: (long note, terminal note) for step length / speed by where they came from (see step_length_source)
_STEP_LENGTH_NOTES = {
    "belt": {"step_length_m": ("belt speed × step time (the belt speed you gave)", "from the belt speed"),
             "walking_speed_mps": ("the belt speed you gave", "the belt speed")},
    "partly belt": {"step_length_m": ("belt speed × step time where the schedule gives a belt speed; elsewhere "
                                      "a model estimate (about ±0.2 m)", "belt where known, else estimate"),
                    "walking_speed_mps": ("the belt speed where the schedule gives one; elsewhere step length ÷ "
                                          "step time, a model estimate", "belt where known, else estimate")},
}


#: Steps each gait needs before a report shows the gaits apart (the engine's by_gait uses the same)
MIXED_GAIT_MIN_STEPS = 20
#: a median over fewer steps is still shown against its typical range, but marked as rough (status "few")
FEW_STEPS_FOR_RANGE = 20


def with_flags_noted(rows: list[MetricRow], flags: list[Any]) -> list[MetricRow]:
    """Rows of metrics a flag held on, whose median over the whole walk is typical: said so (status
    "flagged"). A green 'within the typical range' beside a marked bounce flag read as 'fine' — the
    median of a walk half of which bounced can be typical."""
    flagged = {str(getattr(f, "metric", "")) for f in flags}
    out = []
    for r in rows:
        if r.column in flagged and r.status == "ok":
            r = replace(r, note=r.note + " over the whole walk — but a flag held on it for part of it (see the flags)",
                        brief=r.brief + "; flagged part of the walk", status="flagged")
        out.append(r)
    return out
GAIT_WORDS = {"walk": "Walking", "run": "Running"}


def is_mixed_gait(summary: dict[str, Any], steps: pd.DataFrame) -> bool:
    """True when a recording holds enough walking *and* running that one median over both would
    describe neither (cadence ~110 and ~165 pooled into a middle half of 110–165): the summary's
    ``by_gait`` says so, or — for results without it — the steps table."""
    by_gait = summary.get("by_gait")
    if isinstance(by_gait, dict):
        return {"walk", "run"} <= set(by_gait)
    if not len(steps) or "gait" not in steps.columns:
        return False
    gait = steps["gait"].astype(str)
    return int((gait == "walk").sum()) >= MIXED_GAIT_MIN_STEPS and int((gait == "run").sum()) >= MIXED_GAIT_MIN_STEPS


def gait_stretches(steps: pd.DataFrame) -> list[tuple[str, float, float]]:
    """(gait, start_s, end_s) of each run of consecutive steps of one gait within one bout, in time
    order; a stretch ends one step after its last contact. What a plot shades a gait's typical
    range over — not the whole recording, when the walker also ran."""
    if not len(steps):
        return []
    st = steps.sort_values("time_s")
    t = pd.to_numeric(st["time_s"], errors="coerce").to_numpy(dtype=float)
    gait = st["gait"].astype(str).to_numpy()
    bout = pd.to_numeric(st["bout"], errors="coerce").fillna(-1).to_numpy()
    step_t = pd.to_numeric(st["step_time_s"], errors="coerce").to_numpy(dtype=float)
    typical = float(np.nanmedian(step_t)) if np.isfinite(step_t).any() else 0.5
    out: list[tuple[str, float, float]] = []
    start = 0
    for i in range(1, len(t) + 1):
        if i == len(t) or gait[i] != gait[start] or bout[i] != bout[start]:
            last_step = step_t[i - 1] if math.isfinite(step_t[i - 1]) else typical
            end = t[i] if i < len(t) and bout[i] == bout[start] else t[i - 1] + last_step
            out.append((str(gait[start]), float(t[start]), float(end)))
            start = i
    return out


def metric_rows(steps: pd.DataFrame, *, has_gyro: bool | None, gait: str,
                length_source: str = "model", chest: bool = False,
                body_height_m: float | None = None) -> list[MetricRow]:
    """Median, interquartile range and a range note for each metric worth showing (twist and sway
    over the strides that do not turn, :func:`~imu_gait.strain.without_turns`). ``length_source``
    (:func:`step_length_source`) says whether step length and speed are estimates or the belt's;
    ``chest``: the sensor sat on the chest (labels say what it measures there); ``body_height_m``: the walker's
    height where given (cadence and bounce are judged against ranges scaled for it, and the note says so)."""
    rows: list[MetricRow] = []
    steps = without_turns(steps)
    for info in METRICS:
        if info.running_only and gait != "run":
            continue
        label, short = info.label, info.short
        if chest and info.chest_label:
            label, short = info.chest_label, (info.chest_short or short)
        if gait == "run" and info.run_label:            # a run is not described in walking words
            label, short = info.run_label, (info.run_label if info.short else "")
        if gait == "run" and info.run_short:
            short = info.run_short
        x = _numeric(steps, info.column) * info.scale if len(steps) else np.array([])
        x = x[np.isfinite(x)]
        if x.size == 0:
            if info.needs_gyro and has_gyro is False:
                note = "needs a gyroscope (this analysis had none — see the notes on the input)"
                brief = "needs a gyroscope"
            elif info.core:
                note = "could not be measured in this recording (see the notes on the input)"
                brief = "not measured (see notes)"
            else:
                continue
            rows.append(MetricRow(info.column, label, info.unit, float("nan"), float("nan"),
                                  float("nan"), 0, note, "missing", info.decimals, short, brief))
            continue
        med = float(np.median(x))
        p25, p75 = (float(v) for v in np.percentile(x, [25, 75]))
        rng = info.range_for(gait, chest, body_height_m)
        note, status, brief = _range_note(info, med, rng, gait)
        adult = info.range_for(gait, chest)
        if rng is not None and rng != adult:
            note += f" for your height of {body_height_m:.2f} m (an adult's {_range_text(info, adult)}, scaled)"
        if status in ("ok", "low", "high") and x.size < FEW_STEPS_FOR_RANGE:
            # a 7-step walk's 'bounce 6.9 cm above typical' read as a finding: said, but not judged in colour
            note += f" — from only {x.size} steps, a rough figure"
            brief += f"; {x.size} steps only"
            status = "few"
        if status == "norange" and gait == "run" and info.run_no_range_note:
            note = info.run_no_range_note
        if status == "norange" and info.column in _STEP_LENGTH_NOTES.get(length_source, {}):
            note, brief = _STEP_LENGTH_NOTES[length_source][info.column]
        rows.append(MetricRow(info.column, label, info.unit, med, p25, p75, int(x.size), note, status,
                              info.decimals, short, brief))
    return rows


def _walking_time_s(result: AnalysisResult, steps: pd.DataFrame) -> float:
    s = result.summary
    for key in ("walking_time_s", "walking_duration_s", "gait_time_s"):
        if key in s and s[key] is not None and math.isfinite(_f(s[key])):
            return _f(s[key])
    b = result.bouts
    if isinstance(b, pd.DataFrame) and len(b):
        if "duration_s" in b.columns:
            return float(pd.to_numeric(b["duration_s"], errors="coerce").sum())
        if {"start_s", "end_s"} <= set(b.columns):
            return float((pd.to_numeric(b["end_s"]) - pd.to_numeric(b["start_s"])).sum())
    if not len(steps):
        return 0.0
    t = _numeric(steps, "time_s")
    bout = pd.to_numeric(steps["bout"], errors="coerce").fillna(0).to_numpy()
    step_t = np.nanmedian(_numeric(steps, "step_time_s")) if np.isfinite(_numeric(steps, "step_time_s")).any() else 0.55
    total = 0.0
    for b_id in np.unique(bout):
        tb = t[bout == b_id]
        total += float(tb.max() - tb.min() + step_t)
    return total


def _n_bouts(result: AnalysisResult, steps: pd.DataFrame) -> int:
    for key in ("n_bouts", "bouts"):
        if isinstance(result.summary.get(key), (int, np.integer)):
            return int(result.summary[key])
    if isinstance(result.bouts, pd.DataFrame) and len(result.bouts):
        return int(len(result.bouts))
    if not len(steps):
        return 0
    return int(pd.to_numeric(steps["bout"], errors="coerce").nunique())


#: A gap in the samples this long or longer is shown as "no data" (plots and text): a shorter one cannot look like
#: a rest, as a pause of under 3 s does not end a walking bout either.
NO_DATA_MIN_S = 3.0


def data_gaps(result: AnalysisResult) -> tuple[list[tuple[float, float]], float]:
    """The gaps in the samples of :data:`NO_DATA_MIN_S` or more as (last sample before, first after), from the
    engine's timeline (``attrs['sample_gaps']``), and their total in seconds. A result without gap times (read back
    from a JSON) has no spans; its total is ``summary['gap_s']`` when that reaches NO_DATA_MIN_S."""
    tl = getattr(result, "timeline", None)
    raw = tl.attrs.get("sample_gaps") if isinstance(tl, pd.DataFrame) else None
    if raw is None:
        total = _f((result.summary or {}).get("gap_s"))
        return [], total if math.isfinite(total) and total >= NO_DATA_MIN_S else 0.0
    gaps = [(float(a), float(b)) for a, b in raw if float(b) - float(a) >= NO_DATA_MIN_S]
    return gaps, float(sum(b - a for a, b in gaps))


def build_overview(result: AnalysisResult, recording: Any = None) -> Overview:
    """Collect what a summary says about ``result`` (``recording`` fills facts the summary lacks)."""
    s = dict(result.summary or {})
    meta = dict(getattr(recording, "meta", {}) or {})
    steps = step_table(result)

    # A file path names the recording best; a "source" may be a long provenance note.
    source = str(s.get("path") or meta.get("path") or s.get("source") or meta.get("source")
                 or (recording.source if recording is not None else "recording"))
    device = str(s.get("device") or meta.get("device") or "")
    duration = _f(s.get("duration_s"))
    if math.isnan(duration) and recording is not None:
        duration = float(recording.duration_s)
    rate = _f(s.get("sample_rate_hz", meta.get("sample_rate_hz")))
    if math.isnan(rate) and recording is not None:
        rate = float(recording.sample_rate_hz)
    has_gyro = s.get("has_gyro")
    if has_gyro is None and recording is not None:
        has_gyro = bool(recording.has_gyro)
    if has_gyro is None and len(steps):
        has_gyro = bool(np.isfinite(_numeric(steps, "trunk_twist_deg")).any()) or None
    placement = str(s.get("placement") or meta.get("placement") or "not stated").replace("_", " ")

    context: list[str] = []
    if s.get("treadmill"):
        context.append("treadmill")
    if math.isfinite(_f(s.get("belt_speed_mps"))):
        v = _f(s["belt_speed_mps"])
        context.append(f"belt {v:.2f} m/s ({v * 3.6:.1f} km/h)")
    if math.isfinite(_f(s.get("incline_pct"))):
        context.append(f"incline {_f(s['incline_pct']):g} %")
    if s.get("treadmill_schedule"):
        from ..treadmill import TreadmillSchedule

        context.append("schedule " + TreadmillSchedule.from_stages(s["treadmill_schedule"]).describe())
    if math.isfinite(_f(s.get("sensor_height_m"))) and s.get("sensor_height_given", True) is not False:
        context.append(f"sensor height {_f(s['sensor_height_m']):.2f} m")
    elif s.get("sensor_height_source") == "body height" and math.isfinite(_f(s.get("body_height_m"))):
        # the height the user gave is context too: it set the step-length model's pendulum
        context.append(f"height {_f(s['body_height_m']):.2f} m (sensor taken at {_f(s['sensor_height_m']):.2f} m)")
    if s.get("walking_aid"):
        # the aid the flags were worded for (strain.WALKING_AIDS): a reader of the report sees why a rollator's lean
        # raised no flag
        context.append(f"walking aid: {s['walking_aid']}")

    gait = steps["gait"].astype(str) if len(steps) else pd.Series([], dtype=str)
    n_run = int((gait == "run").sum())
    n_walk = int(len(steps) - n_run)
    dominant = "" if not len(steps) else ("run" if n_run > n_walk else "walk")
    n_steps = int(s["n_steps"]) if isinstance(s.get("n_steps"), (int, np.integer)) else int(len(steps))
    cad = _f(s.get("cadence_spm"))
    if math.isnan(cad) and len(steps):
        c = _numeric(steps, "cadence_spm")
        cad = float(np.nanmedian(c)) if np.isfinite(c).any() else float("nan")
    cv = _f(s.get("stride_time_cv_pct"))
    if math.isnan(cv) and "stride_time_cv_pct" not in s and len(steps):   # a table without a summary
        cv = steady_stride_cv_pct(steps)

    flags = sorted(result.flags or [], key=lambda f: (_f(f.start_s), f.id))
    if _run_regularity_withheld(rate) and len(steps) and {"time_s", "bout", "cadence_spm"} <= set(steps.columns):
        # the metrics table's cadence as the summary's under the engine's timing rate (spans of strides): single
        # strides take two or three values there — a 165-spm run at 20 Hz showed 'Cadence 162 spm' beside
        # 'Cadence (overall) 166'
        from ..engine import centred_span_cadence_spm
        t = _numeric(steps, "time_s")
        if np.all(t[1:] >= t[:-1]):
            steps = steps.assign(cadence_spm=centred_span_cadence_spm(steps))
    length_source = step_length_source(s)
    chest = placement_kind(s.get("placement") or meta.get("placement")) == "chest"
    body_height_m = _f(s.get("body_height_m"))      # the walker's height, where given: ranges scaled for it
    body_height_m = body_height_m if math.isfinite(body_height_m) and body_height_m > 0 else None
    by_gait: dict[str, list[MetricRow]] = {}
    cv_by_gait: dict[str, float] = {}
    if is_mixed_gait(s, steps):
        for g in ("walk", "run"):
            by_gait[g] = with_flags_noted(metric_rows(steps[gait == g], has_gyro=has_gyro, gait=g,
                                                      length_source=length_source, chest=chest,
                                                      body_height_m=body_height_m), flags)
            cv_by_gait[g] = steady_stride_cv_pct(steps[gait == g])
    if str(s.get("gait") or "") in GAIT_WORDS and len(steps):
        dominant = str(s["gait"])           # the engine's word (running_fraction > 0.5) where it gave one
    origin = _f(s.get("time_start_s"))
    gaps, no_data_s = data_gaps(result)
    doubts = [d for d in (s.get("belt_speed_doubts") or []) if isinstance(d, dict)]
    pooled = steps
    if dominant == "run" and len(steps) and _run_regularity_withheld(rate):
        # a run's regularity is not given under the engine's timing rate (NaN on its running steps): the pooled
        # median was then the few walking steps' at its ends — a 20-Hz run showed 'step regularity 0.87' from one
        from ..engine import RUN_REGULARITY_BLIND
        pooled = steps.assign(**{k: np.nan for k in RUN_REGULARITY_BLIND if k in steps})
    overall = with_flags_noted(metric_rows(pooled, has_gyro=has_gyro, gait=dominant, length_source=length_source,
                                           chest=chest, body_height_m=body_height_m), flags)
    if doubts:
        # the pooled medians hold the doubtful gait's steps whichever gait dominates
        overall = _belt_rows_withheld(overall)
        by_gait = {g: (_belt_rows_withheld(rows) if any(d.get("gait") == g for d in doubts) else rows)
                   for g, rows in by_gait.items()}
    marked = marked_metrics(s.get("saturation"))
    if marked:
        # a sensor pinned at its range: its metrics are shown, but not as measured (audit s36)
        overall = _clipped_rows_marked(overall, marked)
        by_gait = {g: _clipped_rows_marked(rows, marked) for g, rows in by_gait.items()}
    said_up_front = {str(d.get("message")) for d in doubts}
    return Overview(
        data_gaps=gaps, no_data_s=no_data_s,
        source=source, duration_s=duration, sample_rate_hz=rate, has_gyro=has_gyro, placement=placement,
        context=context, n_steps=n_steps, n_bouts=_n_bouts(result, steps),
        walking_time_s=_walking_time_s(result, steps), n_walk_steps=n_walk, n_run_steps=n_run,
        walking_bouts=dict(s.get("walking_bouts") or {}),
        days=dict(s.get("days") or {}),
        cadence_spm=cad, stride_cv_pct=cv, dominant_gait=dominant,
        metrics=overall,
        flags=flags, metrics_by_gait=by_gait, stride_cv_by_gait=cv_by_gait,
        warnings=[w for w in dict.fromkeys(list(getattr(recording, "warnings", None) or [])
                                           + list(result.warnings or [])) if w not in said_up_front],
        extra={"device": device, "started": started_text({**meta, **s}), "anonymised": bool(meta.get("anonymised")),
               # the recording had a gyro, but its axes were not the accelerometer's: analysed without it
               "gyro_left_out": bool(_f(s.get("gyro_axis_mismatch")) > MISMATCH_LIMIT)},
        flag_notes=[str(n) for n in (s.get("flag_notes") or [])],
        sensor_hints=[str(n) for n in (s.get("sensor_hints") or []) if not _exercise_note(str(n))],
        backward_notes=[str(n) for n in (s.get("sensor_hints") or []) if _exercise_note(str(n))],
        belt_doubts=[str(d.get("message")) for d in doubts],
        time_origin_s=origin if math.isfinite(origin) else 0.0, chest=chest, body_height_m=body_height_m,
        baseline_s=_f(s.get("baseline_s")) if _f(s.get("baseline_s")) > 0 else 180.0,
        gait_time_s=_gait_time_s(steps, gait),
        marks=list(getattr(result, "marks", None) or []),
    )


#: metrics that follow the belt speed on a treadmill: step length = belt × step time, speed = belt, and the
#: vertical ratio = bounce ÷ step length
BELT_DERIVED = ("step_length_m", "walking_speed_mps", "vertical_ratio_pct")


def _belt_rows_withheld(rows: list[MetricRow]) -> list[MetricRow]:
    """``rows`` with the belt-derived metrics not shown: their medians are the belt speed as given, which makes
    steps no one can take — a number in the table would read as measured."""
    out = []
    for r in rows:
        if r.column in BELT_DERIVED:
            r = replace(r, median=float("nan"), p25=float("nan"), p75=float("nan"), status="missing",
                        note="not shown: the belt speed you gave makes steps no one can take (see the belt-speed "
                             "note at the top)",
                        brief="not shown: belt speed doubtful (see top)")
        out.append(r)
    return out


def _clipped_rows_marked(rows: list[MetricRow], marked: dict[str, str]) -> list[MetricRow]:
    """``rows`` with the metrics of a sensor that hit its range's limit (:func:`~imu_gait.saturation.marked_metrics`)
    marked (status "clipped"): a typical-looking impact of a ±2-g sensor is the limit, not the walker."""
    out = []
    for r in rows:
        if r.column in marked and r.status != "missing":
            r = replace(r, status="clipped", note=f"not trustworthy — {marked[r.column]}",
                        brief="sensor range too small: reads wrong (see notes)")
        out.append(r)
    return out


def _gait_time_s(steps: pd.DataFrame, gait: pd.Series) -> dict[str, float]:
    """Each gait's time as :func:`~imu_gait.strain.evaluate_flags` counts it for the baseline: the sum of
    its steps' times, each clipped to 0–2 s (a pause between bouts is no walking time)."""
    if not len(steps):
        return {}
    dt = np.clip(np.nan_to_num(_numeric(steps, "step_time_s"), nan=0.0), 0.0, 2.0)
    g = gait.to_numpy()
    return {k: float(dt[g == k].sum()) for k in ("walk", "run") if (g == k).any()}


def variability_note(cv_pct: float, gait: str = "walk", turns_included: bool = False) -> str:
    """Plain words for the steady-walking stride-time CV (healthy steady walking ≈ 4 % or less,
    Hausdorff; turns and bout starts / stops are already left out when the heading is known). The
    reference is walking's; for running none is published (gait-science.md §3), and the note says so.
    ``turns_included``: no gyroscope, so the turns could not be found and left out — a turning stride
    is slower and the CV reads far higher (a 20-s walk with turns: 16 % without a gyroscope, 'not
    judged' with one), so it is not set against the 4 % nor blamed on shuffling (new-user audit s34 #6)."""
    if math.isnan(cv_pct):
        return "too little steady " + ("running" if gait == "run" else "walking") + " to judge"
    if gait == "run":
        return ("no published running range (≈ 4 % is walking's); compare with your own runs"
                + ("; includes turns (no gyroscope)" if turns_included else ""))
    if turns_included:
        return ("includes turns and their strides (no gyroscope to find them), so not comparable with healthy "
                "steady walking's ≈ 4 % or less" + ("" if cv_pct > 4.0 else "; steady even so"))
    if cv_pct <= 4.0:
        return "steady (healthy steady walking ≈ 4 % or less)"
    if cv_pct <= 6.0:
        return "a little uneven (healthy steady walking ≈ 4 % or less); crowds and rough ground raise it"
    return "uneven (healthy steady walking ≈ 4 % or less); crowds, rough ground or shuffling raise it"


def started_text(clock: dict[str, Any]) -> str:
    """When the recording started, from a summary's (or a reader's) clock keys as :func:`imu_gait.days.recording_start`
    reads them: ``2024-10-27 01:59:00 UTC+01:00`` (the file gave its UTC offset or time zone), ``… UTC`` (a Unix
    time without a zone), ``… local time`` (a date/time without its offset); empty when the file does not say
    (no clock, or times of day without a date). The reports' times count from this instant (m:ss)."""
    from ..days import recording_start

    start = recording_start(clock)
    if start is None:
        return ""
    when, kind = start
    if kind == "UTC" or (clock.get("days") or {}).get("clock") == "UTC":
        # (a Unix time with no zone: the summary's start_time_iso is it at +00:00, and the days are UTC days)
        utc = when.astimezone(_dt.timezone.utc) if when.tzinfo is not None else when
        return f"{utc.strftime('%Y-%m-%d %H:%M:%S')} UTC"
    text = when.strftime("%Y-%m-%d %H:%M:%S")
    offset = when.utcoffset() if when.tzinfo is not None else None
    if offset is None:
        return f"{text} local time"
    minutes = int(round(offset.total_seconds() / 60))
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    return f"{text} UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def recording_line(ov: Overview) -> list[tuple[str, str]]:
    """(label, value) pairs describing the recording."""
    gyro = {True: "yes", False: "no (accelerometer only)", None: "unknown"}[ov.has_gyro]
    if ov.extra.get("gyro_left_out"):
        gyro = "left out: its axes do not match the accelerometer's (see the notes)"
    rows = [("Source", ov.source), ("Duration", fmt_duration(ov.duration_s) + (
                f" (including {fmt_duration(ov.no_data_s)} with no data: {no_data_text(ov)})" if ov.no_data_s else "")),
            ("Sampling rate", "unknown" if math.isnan(ov.sample_rate_hz) else f"{ov.sample_rate_hz:.0f} Hz"),
            ("Gyroscope", gyro), ("Placement", ov.placement)]
    rows[2:2] = wear_rows(ov.days)
    # (the times in the report count from here: a physio with a week of files needs to know which walk it is; a
    # file without a clock had no row at all, so four weekly printouts showed no date and did not say why)
    rows.insert(1, ("Started", ov.extra.get("started") or ("left out (--anonymise)" if ov.extra.get("anonymised")
                                                          else "not known: the file gives no date")))
    if ov.extra.get("device"):
        rows.insert(1, ("Device", ov.extra["device"]))
    if ov.context:
        rows.append(("Context", ", ".join(ov.context)))
    return rows


def no_data_text(ov: Overview) -> str:
    """'1 gap in the samples, 2:00–2:40' (up to 3 spans, then 'and N more'), or the total where the times are not kept."""
    if not ov.data_gaps:
        return "gaps in the samples"
    n = len(ov.data_gaps)
    spans = ", ".join(f"{ov.clock(a)}–{ov.clock(b)}" for a, b in ov.data_gaps[:3])
    return f"{n} gap{'s' if n != 1 else ''} in the samples, {spans}" + (f" and {n - 3} more" if n > 3 else "")


def walking_line(ov: Overview) -> list[tuple[str, str]]:
    """(label, value) pairs describing the walking that was found."""
    pct = (f" ({ov.walking_time_s / ov.duration_s * 100:.0f} % of the recording"
           + (f", whose {fmt_duration(ov.no_data_s)} with no data count as not walking" if ov.no_data_s else "")
           + ")" if ov.duration_s and math.isfinite(ov.duration_s) and ov.duration_s > 0 else "")
    if ov.n_run_steps == 0:
        gait = "all walking"
    elif ov.n_walk_steps == 0:
        gait = "all running"
    else:
        # an interval session: how long each gait lasted (the coach's first question), where they are shown apart
        t_walk, t_run = (f" ({fmt_duration(ov.gait_time_s[g])})" if ov.metrics_by_gait and g in ov.gait_time_s else ""
                         for g in ("walk", "run"))
        gait = (f"{ov.n_walk_steps} walking step{'s' if ov.n_walk_steps != 1 else ''}{t_walk}, "
                f"{ov.n_run_steps} running step{'s' if ov.n_run_steps != 1 else ''}{t_run}")
    split = (" — a bout cannot run through a gap in the samples (" + no_data_text(ov).split(", ", 1)[1]
             + "), so walking through one counts as two bouts" if ov.data_gaps and ov.n_bouts > 1 else "")
    rows = [("Bouts", str(ov.n_bouts) + bouts_by_length_text(ov.walking_bouts) + split),
            (f"{ov.gait_word} time", fmt_duration(ov.walking_time_s) + pct),
            ("Steps", str(ov.n_steps)), ("Walk / run", gait)]
    rows += long_bouts_rows(ov.walking_bouts)
    cadences = [(GAIT_WORDS[g].lower(), r.median) for g, rs in ov.metrics_by_gait.items()
                for r in rs if r.column == "cadence_spm" and math.isfinite(r.median)]
    if cadences:            # one number over walking and running steps would be neither gait's cadence
        rows.append(("Cadence", ", ".join(f"{c:.0f} steps/min {g}" for g, c in cadences)))
    elif math.isfinite(ov.cadence_spm):
        rows.append(("Cadence (overall)", f"{ov.cadence_spm:.0f} steps/min"))
    no_gyro = ov.has_gyro is False           # turns cannot be found, so the strides include them
    if ov.stride_cv_by_gait:     # the summary's figure is the main gait's only: give each gait its own
        for g, cv in ov.stride_cv_by_gait.items():
            what = GAIT_WORDS[g].lower()
            rows.append((f"Stride-time variability, {what}",
                         f"{cv:.1f} %{' over all the ' + what if pace_flags(ov.flags) else ''} — {variability_note(cv, g, no_gyro)}"
                         if math.isfinite(cv)
                         else _cv_missing_why(ov, g, what, short=True)))
    elif math.isfinite(ov.stride_cv_pct):
        # one figure over the whole walk: beside a pace flag it must say so, or "1.3 % — steady" reads as
        # contradicting a flagged stretch that had 4.2 %
        whole = " over the whole walk" if pace_flags(ov.flags) else ""
        rows.append(("Stride-time variability",
                     f"{ov.stride_cv_pct:.1f} %{whole} — {variability_note(ov.stride_cv_pct, ov.dominant_gait, no_gyro)}"))
    elif ov.n_steps:
        what = "running" if ov.dominant_gait == "run" else "walking"
        rows.append(("Stride-time variability", _cv_missing_why(ov, ov.dominant_gait, what, short=False)))
    pace = pace_flags(ov.flags)
    if pace:
        spans = ", ".join(f"{ov.clock(f.start_s)}–{ov.clock(f.end_s)} ({flag_value_text(f)})" for f in pace[:4])
        more = f" and {len(pace) - 4} more" if len(pace) > 4 else ""
        rows.append(("Where the pace was flagged", f"stride-time variability {spans}{more} — see Flags"))
    return rows


def _run_regularity_withheld(rate_hz: float) -> bool:
    """Whether a run sampled at ``rate_hz`` has its regularity withheld (:data:`imu_gait.engine.RUN_REGULARITY_BLIND`)."""
    from ..engine import TIMING_MIN_RATE_HZ, rate_below_limit
    return rate_below_limit(rate_hz, TIMING_MIN_RATE_HZ)


def _cv_missing_why(ov, gait: str, what: str, *, short: bool) -> str:
    """Why a gait's stride-time CV is missing: a run sampled under the engine's timing rate is not timed finely
    enough (the summary leaves it out there: 'too little steady running' told a 25-Hz runner the wrong reason),
    else too little steady walking or running."""
    from ..engine import TIMING_MIN_RATE_HZ, WALK_STRIDE_CV_MIN_RATE_HZ, rate_below_limit
    if gait == "run" and rate_below_limit(ov.sample_rate_hz, TIMING_MIN_RATE_HZ):
        return (f"not measured at {ov.sample_rate_hz:.0f} Hz — running contacts are not timed finely enough under "
                f"{TIMING_MIN_RATE_HZ:.0f} Hz (see the notes)")
    if gait == "walk" and rate_below_limit(ov.sample_rate_hz, WALK_STRIDE_CV_MIN_RATE_HZ):
        return (f"not measured at {ov.sample_rate_hz:.0f} Hz — strides are not timed finely enough under "
                f"{WALK_STRIDE_CV_MIN_RATE_HZ:.0f} Hz (see the notes)")
    return f"not judged — too little steady {what}" + ("" if short else " (turns, starts and stops are left out)")


def wear_rows(days: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) after the duration: how long the sensor was worn, when it lay still (taken off) for
    a minute or more of the recording, and the calendar days with the figures per day, when the recording
    spans two or more (:mod:`imu_gait.days`)."""
    rows = []
    recorded, worn = _wb(days, "recorded_h"), _wb(days, "worn_h")
    if days.get("wear_judged") and math.isfinite(recorded) and math.isfinite(worn) and recorded - worn >= 1 / 60:
        rows.append(("Worn", f"{fmt_duration(worn * 3600)} of {fmt_duration(recorded * 3600)} recorded — the "
                             f"sensor lay still (taken off) for {fmt_duration((recorded - worn) * 3600)}"))
    n_days, n_valid = _wb(days, "n_days"), _wb(days, "n_valid_days")
    if math.isfinite(n_days) and n_days >= 2:
        text = (f"{int(n_days)} calendar days{' (UTC)' if days.get('clock') == 'UTC' else ''}; "
                f"{int(n_valid) if math.isfinite(n_valid) else 0} worn {_wb(days, 'valid_day_worn_h'):g} h or more")
        steps, walk = _wb(days, "n_steps_per_day"), _wb(days, "walking_bout_time_s_per_day")
        if math.isfinite(steps):
            text += (f" — on those, {steps:,.0f} steps and {fmt_duration(walk)} of walking bouts a day"
                     if math.isfinite(walk) else f" — on those, {steps:,.0f} steps a day")
        if days.get("clock") == "none":
            text += " (24-hour days from the start: the file does not say when it started)"
        rows.append(("Days", text))
    return rows


def _wb(wb: dict[str, Any], key: str) -> float:
    v = wb.get(key)
    return float(v) if isinstance(v, (int, float, np.integer, np.floating)) and v is not None else float("nan")


def bouts_by_length_text(wb: dict[str, Any]) -> str:
    """After the bout count, for a recording of several walking bouts (a day, a walk with stops): how long
    the longest was and how many lasted 10 s and 30 s or more — the lengths real-world walking studies
    group bouts by — and the turns of 45° or more (gyro only). Empty for a single walk."""
    n = int(_wb(wb, "n_walking_bouts")) if math.isfinite(_wb(wb, "n_walking_bouts")) else 0
    if n < 2:
        return ""
    n10, n30 = int(_wb(wb, "n_walking_bouts_10s")), int(_wb(wb, "n_walking_bouts_30s"))
    # beside running bouts the figures are the walking bouts' alone: say so
    of = f"{n} walking: " if _wb(wb, "n_running_bouts") > 0 else ""
    text = (f" — {of}longest {fmt_duration(_wb(wb, 'bout_duration_s_max'))}; {n10 or 'none'} of 10 s or more, "
            f"{n30 or 'none'} of 30 s or more")
    turns = _wb(wb, "n_turns")
    if math.isfinite(turns):
        text += f"; {int(turns)} turn{'s' if int(turns) != 1 else ''} of 45° or more"
    return text


def long_bouts_rows(wb: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) for the walking bouts of 30 s or more, when there are other bouts beside them: their
    cadence and walking speed (each bout's median, averaged over the bouts; the fastest tenth with two or
    more) — daily walking is mostly short bouts, walked more slowly than a long walk."""
    n, n30 = _wb(wb, "n_walking_bouts"), _wb(wb, "n_walking_bouts_30s")
    if not (math.isfinite(n) and n >= 2 and n30 >= 1):
        return []
    parts = []
    cad = _wb(wb, "cadence_spm_30s_mean")
    if math.isfinite(cad):
        parts.append(f"cadence {cad:.0f} steps/min")
    speed, fast = _wb(wb, "walking_speed_mps_30s_mean"), _wb(wb, "walking_speed_mps_30s_p90")
    if math.isfinite(speed):
        parts.append(f"walking speed {speed:.2f} m/s" + (f" (fastest tenth {fast:.2f} m/s)"
                                                          if n30 >= 2 and math.isfinite(fast) else ""))
    if not parts:
        return []
    over = f"the mean over {int(n30)} bouts" if n30 >= 2 else "that bout's median"
    return [("Walking bouts of 30 s or more", f"{', '.join(parts)} — {over}")]


def pace_flags(flags: Sequence[Flag]) -> list[Flag]:
    """Flags judged on stride-time variability (pace too fast / shuffling), in time order."""
    return sorted((f for f in flags if str(f.metric).startswith("stride_time_cv")), key=lambda f: _f(f.start_s))


def flags_by_id(flags: Sequence[Flag]) -> dict[str, list[Flag]]:
    """Flags grouped by id, ids in order of first appearance, each group in time order."""
    out: dict[str, list[Flag]] = {}
    for f in sorted(flags, key=lambda f: _f(f.start_s)):
        out.setdefault(f.id, []).append(f)
    return out


@dataclass
class FlagGroup:
    """All occurrences of one flag id: what the summary shows once per pattern."""

    id: str
    flags: list[Flag]

    @property
    def severity(self) -> str:
        """The most severe occurrence's severity."""
        return max((f.severity for f in self.flags), key=lambda s: SEVERITY_ORDER.get(s, -1))

    @property
    def title(self) -> str:
        """The flags' own title when they share one (the evidence's words, e.g. "Irregular steps / shuffling"),
        else the id's: one heading must not claim for every stretch what only some showed."""
        titles = {flag_title(f) for f in self.flags}
        return titles.pop() if len(titles) == 1 else flag_title(self.id)

    @property
    def total_s(self) -> float:
        return float(sum(max(_f(f.end_s) - _f(f.start_s), 0.0) for f in self.flags))

    @property
    def worst(self) -> Flag:
        """Most severe occurrence, the longest among equals."""
        return max(self.flags, key=lambda f: (SEVERITY_ORDER.get(f.severity, -1), _f(f.end_s) - _f(f.start_s)))

    def spans_text(self, limit: int = 4, origin_s: float = 0.0) -> str:
        """``m:ss–m:ss`` of each occurrence, counted from ``origin_s`` (the recording's first sample)."""
        spans = [f"{fmt_clock(_f(f.start_s) - origin_s)}–{fmt_clock(_f(f.end_s) - origin_s)}" for f in self.flags]
        more = len(spans) - limit
        return ", ".join(spans[:limit]) + (f" and {more} more" if more > 0 else "")

    def causes(self) -> list[str]:
        return list(dict.fromkeys(f.cause for f in self.flags if f.cause))

    def advice(self) -> list[str]:
        return list(dict.fromkeys(f.advice for f in self.flags if f.advice))


def flag_groups(flags: Sequence[Flag]) -> list[FlagGroup]:
    """Flags grouped by id (see :func:`flags_by_id`)."""
    return [FlagGroup(k, v) for k, v in flags_by_id(flags).items()]
