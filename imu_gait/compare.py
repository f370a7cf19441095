"""Compare walks side by side: is the gait changing from session to session?

For a physiotherapist or coach following someone over weeks, and for anyone checking whether a
change of shoes, pace or posture did something. Each session is a recording (analysed here) or a
result JSON written earlier by ``imu-gait analyze --json`` / ``live`` (used as it is, with the
context it was analysed with). The table has one column per session and one row per key
metric (median over the walk's steps), then walking time and the back-strain flags (minutes per pattern and their
share of the walking time). The last column is the change from the first session to the last (for a metric,
the first and last that have a value); a change
is marked ``*`` when it is larger than two walks of the same healthy person on the same day differ
by (:data:`REPEAT_CHANGE`, measured on real repeat walks) and, where the first walk has a
step-to-step spread, the last median also lies outside the first walk's middle half (25th–75th
percentile of its steps). A pointer to a change worth a look, not a statistical test and not a
clinical threshold.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from .dsp.gyro_check import MISMATCH_LIMIT as GYRO_MISMATCH_LIMIT
from .engine import MIXED_GAIT_MIN_STEPS
from .batch import RECORDING_SUFFIXES, TEXT_SUFFIXES, output_table_kind
from .errors import ImuGaitError
from .saturation import marked_metrics
from .strain import placement_kind

#: (summary key, label, unit, decimals), in display order
METRIC_ROWS: tuple[tuple[str, str, str, int], ...] = (
    ("cadence_spm", "Cadence", "spm", 0),
    ("walking_speed_mps", "Walking speed", "m/s", 2),
    ("step_length_m", "Step length", "m", 2),
    ("vertical_oscillation_cm", "Bounce", "cm", 1),
    # running dynamics a runner reads beside the bounce (Garmin's): a row only where a session has them —
    # ground contact for running steps, vertical ratio where the step length is known (a belt speed for a run)
    ("vertical_ratio_pct", "Vertical ratio", "%", 1),
    ("ground_contact_ms", "Ground contact", "ms", 0),
    ("trunk_twist_deg", "Trunk twist", "°", 1),
    ("forward_lean_deg", "Forward lean", "°", 1),
    # against standing (where each session had the walker stand still first): the lean sessions can share —
    # each session's forward lean is against its own first steps, so its median sits near 0 in every one
    ("lean_vs_standing_deg", "Lean vs standing", "°", 1),
    ("lateral_sway_cm", "Side sway", "cm", 1),
    ("pelvic_drop_deg", "Pelvic drop", "°", 1),
    ("braking_mps", "Braking", "m/s", 2),
    ("impact_g", "Impact", "g", 2),
    ("step_regularity", "Step regularity", "", 2),
    ("stride_time_cv_pct", "Stride-time variability", "%", 1),
    ("step_time_asymmetry_pct", "Step-time asymmetry", "%", 1),
)

#: Rows shown for running only: a walk's vertical ratio is its bounce over the pendulum's estimated step
#: length — the bounce row again, with the model's error added
RUN_ONLY_ROWS = frozenset({"vertical_ratio_pct"})

#: The least y-span a panel of the comparison page shows, in the metric's unit. Without it an axis
#: stretches to fit whatever range the walks have, and a difference of 0.003 % stride-time CV
#: fills the panel like a doubling would. Chosen by judgement, not measured: a few times the
#: smallest change the table itself shows (its rounding) — about the difference worth a second
#: look between two sessions — so that a difference smaller than a tenth or so of the span looks
#: small and a real shift still spans much of the panel.
PANEL_MIN_SPAN: dict[str, float] = {
    "cadence_spm": 20.0, "walking_speed_mps": 0.3, "step_length_m": 0.15, "vertical_oscillation_cm": 3.0,
    "trunk_twist_deg": 6.0, "forward_lean_deg": 6.0, "lean_vs_standing_deg": 6.0, "lateral_sway_cm": 3.0, "pelvic_drop_deg": 4.0,
    "braking_mps": 0.15, "impact_g": 0.5, "vertical_ratio_pct": 2.0, "ground_contact_ms": 40.0,
    "step_regularity": 0.3, "stride_time_cv_pct": 3.0,
    "step_time_asymmetry_pct": 5.0,
}
#: Metrics that can take negative values (a backward lean); the others' axes stop at 0.
SIGNED_METRICS = ("forward_lean_deg", "lean_vs_standing_deg")
#: … and the ones bounded above (an autocorrelation).
UPPER_BOUND = {"step_regularity": 1.02}     # a little above 1: a marker at 1 stays whole

#: How much each metric's median changes between two walks of the same healthy person on the same
#: day — the smallest real difference (SRD), in the metric's unit, that a change must exceed to be
#: marked ``*``. Measured, not chosen: the 95th percentile of |last − first| over all 136 pairs of
#: walks of the same subject (IPOL: 10 healthy adults, lower-back sensor, 57 walks of ~30 s — 10 m,
#: U-turn, back — minutes apart; the sensor was put on again between trials 2 → 3 and 4 → 5, so 108
#: of the pairs cross a re-attachment, as two sessions always do), rounded to 2 digits, by
#: ``benchmarks/compare_repeat.py`` → ``benchmarks/results/compare_repeat.md``. On the 47
#: consecutive pairs there, the old mark (last median outside the first walk's middle half) starred
#: 33 % of the comparisons (cadence 49 %, bounce 47 %); now 3.3 %, and 3.9 % with the limits fitted
#: without the walker (leave-one-subject-out; 6.2 % over all 136 pairs). Mobilise-D HA001 walk1 →
#: walk2 (not fitted on): 2 of 11 metrics starred before, none now (HA002's, 7 and 8 steps: 4, now 2).
#: Absolute, not a share of the first walk: relative limits did no better on walkers left out (6.3 % vs
#: 6.2 %). Re-fitted 2026-12-04 on the engine of that day (cadence 11 → 12, twist 6.2 → 6.3, lean
#: 2.0 → 2.1, sway 1.3 → 1.4, braking 0.11 → 0.12, step length 0.097 → 0.096), and again after the
#: bounce window closed on the next contact (bounce 1.1 → 1.2) and sway / pelvic drop were measured about
#: the slower 'up' (pelvic drop 4.1 → 4.3), and once a walk's soft, late
#: last step counted (step length 0.096 → 0.094, twist 6.3 → 6.2, impact 0.26 → 0.25, regularity 0.17 →
#: 0.16), and once bounce and sway took out each step's mean acceleration — a sensor's offset or gain
#: error, a gyro bias's tilt (bounce 1.2 → 1.1, sway 1.4 → 1.3: both now repeat more closely), and once
#: regularity took the autocorrelation's peak near the lag (step regularity 0.16 → 0.11), and once a near tie
#: in the forward evidence kept the forward shown clearly before (2026-12-06: lean 2.1 → 1.9, impact
#: 0.25 → 0.26). The walks
#: are short: over
#: longer walks the median is steadier and these limits generous (by up to ~20 %; regularity ~2×).
#: Walks days or weeks apart were not measured and likely vary more. Twist and pelvic drop vary most
#: when the sensor is put on again (without that: 2.3° and 1.0°). Not here, so never marked:
#: stride-time variability and step-time asymmetry (a ~30-step walk's figure varies by up to 6 and 18
#: points between repeat walks: no useful limit) and running (no repeat runs measured: its rows keep
#: the middle-half test, with :func:`unmeasured_min_change` as the least change).
REPEAT_CHANGE: dict[str, float] = {
    "cadence_spm": 12.0,
    "walking_speed_mps": 0.25,
    "step_length_m": 0.094,
    "vertical_oscillation_cm": 1.1,
    "trunk_twist_deg": 6.2,
    "forward_lean_deg": 1.9,
    # (added 2026-12-06 with the metric, fitted on all 136 pairs — every IPOL walk has a standing reference:
    # how people stand varies between trials — 2.7° with the sensor left on, 4.7° across a re-attachment; 5.5
    # before the standing after a walk cross-checked the one before: ipol/4-5's, 5.4° further back, read 11.5°)
    "lean_vs_standing_deg": 4.7,
    "lateral_sway_cm": 1.3,
    "pelvic_drop_deg": 4.3,
    "braking_mps": 0.12,
    "impact_g": 0.26,
    "step_regularity": 0.11,
}


#: Rows whose change between a walk analysed with a gyroscope and one without says nothing of the walker:
#: side sway and braking are measured differently without one (:func:`comparability_notes` says so) — never
#: marked between such walks, as README's known limits promise (sway from an accelerometer alone is compared
#: only with the same kind of sensor)
GYRO_KIND_KEYS = frozenset({"lateral_sway_cm", "braking_mps"})
#: Rows that differ by the sensor's placement alone (chest vs lower back: bounce, lean and sway — and a run's
#: vertical ratio, which is its bounce over the step length): never marked between walks worn in different places
PLACEMENT_KEYS = frozenset({"vertical_oscillation_cm", "vertical_ratio_pct", "forward_lean_deg",
                            "lean_vs_standing_deg", "lateral_sway_cm"})

#: Rows that a treadmill's belt speed moves by itself (the note on different belt speeds names them): never
#: marked between two walks whose belts ran at different known speeds — walking speed is the belt's, and a
#: physio who raises the belt week by week saw cadence +15 spm * and speed +0.50 m/s * credited to the walker
BELT_SPEED_KEYS = frozenset({"cadence_spm", "walking_speed_mps", "step_length_m", "vertical_oscillation_cm",
                             "vertical_ratio_pct", "impact_g", "ground_contact_ms"})


def _and_list(words: list[str]) -> str:
    """'a, b and c'."""
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


def _belts_differ(first: Mapping[str, Any], last: Mapping[str, Any]) -> bool:
    """Whether both walks were on a belt of known speed and its speeds (slowest, fastest) differ by
    :data:`BELT_SPEED_NOTE_KMH` or more."""
    a, b = _belt_range_kmh(first), _belt_range_kmh(last)
    return a is not None and b is not None and max(abs(a[0] - b[0]), abs(a[1] - b[1])) >= BELT_SPEED_NOTE_KMH


def unmarkable_keys(first: Mapping[str, Any], last: Mapping[str, Any]) -> frozenset[str]:
    """The metric rows whose change from the ``first`` summary to the ``last`` is not the walker's — the
    ones :func:`comparability_notes` tells the reader not to compare between those walks: sway and braking
    when one walk had a gyroscope and the other not, bounce, lean and sway when they were worn in different
    (known) places, the speed-bound rows (:data:`BELT_SPEED_KEYS`) when their belts ran at different speeds.
    Such a row gets no ``beyond_spread`` / ``beyond_repeat`` (so no ``*``)."""
    out: set[str] = set()
    if (first.get("has_gyro") is False) != (last.get("has_gyro") is False):
        out |= GYRO_KIND_KEYS
    places = {str(x.get("placement") or "unknown") for x in (first, last)} - {"unknown"}
    if len(places) > 1:
        out |= PLACEMENT_KEYS
    if _belts_differ(first, last):
        out |= BELT_SPEED_KEYS
    # a sensor pinned at its range in either walk: its impact / bounce / twist are the range's, not the walker's
    # (a ±2-g walk against a ±8-g one read impact "down 38 %" — audit s36)
    for x in (first, last):
        out |= set(marked_metrics(x.get("saturation")))
    return frozenset(out)


def unmeasured_min_change(key: str) -> float:
    """The least |change| a row without a measured repeat limit (running) needs for a ``*``, in the metric's unit:
    walking's same-day limit for the metric (:data:`REPEAT_CHANGE`), else half the comparison panel's least span
    (:data:`PANEL_MIN_SPAN`: ground contact 20 ms, vertical ratio 1 %). Without it the middle-half test alone
    starred a −0.1° change of a steady run's lean (its first run's middle half was 0.1° wide). Runs were not
    measured twice, so this is a floor — running likely varies more between runs than walking."""
    return float(REPEAT_CHANGE.get(key, PANEL_MIN_SPAN.get(key, 0.0) / 2))


def is_marked(row: Mapping[str, Any]) -> bool:
    """Whether a comparison row's change gets the ``*``: beyond the same-day repeat limit
    (``beyond_repeat``) and not inside the first walk's middle half (``beyond_spread`` not False: a
    result that lacks the middle half of a metric is judged by the limit alone). A row without a
    repeat limit (running) needs the spread test and a change above :func:`unmeasured_min_change`."""
    repeat, spread = row.get("beyond_repeat"), row.get("beyond_spread")
    if repeat is None:
        change = _num(row.get("change"))
        return spread is True and math.isfinite(change) and abs(change) > unmeasured_min_change(str(row.get("key")))
    return repeat is True and spread is not False


#: the walking-bout rows (summary['walking_bouts'] keys, imu_gait.bouts.bout_outcomes), shown when a session
#: has two or more walking bouts: (key, row label, unit)
BOUT_ROWS = (("n_walking_bouts", "Walking bouts", ""), ("n_walking_bouts_30s", "Walking bouts of 30 s or more", ""),
             ("bout_duration_s_max", "Longest walking bout", "s"),
             ("cadence_spm_30s_mean", "Cadence in bouts of 30 s or more", "spm"),
             ("walking_speed_mps_30s_mean", "Walking speed in bouts of 30 s or more", "m/s"),
             ("walking_speed_mps_30s_p90", "Walking speed in bouts of 30 s or more, fastest tenth", "m/s"))
#: the day rows (summary['days'] keys, imu_gait.days.day_outcomes), shown when a session has a day worn
#: 10 h or more: (key, row label, unit)
DAY_ROWS = (("n_valid_days", "Days worn 10 h or more", ""), ("n_steps_per_day", "Steps per day", ""),
            ("walking_bout_time_s_per_day", "Walking-bout time per day", "min"),
            ("n_walking_bouts_10s_per_day", "Walking bouts of 10 s or more per day", ""),
            ("walking_speed_mps_10s_mean", "Walking speed in bouts of 10 s or more", "m/s"))
#: their decimals in the table
BOUT_ROW_DECIMALS = {"wb_n_walking_bouts": 0, "wb_n_walking_bouts_30s": 0, "wb_bout_duration_s_max": 0,
                     "wb_cadence_spm_30s_mean": 0, "wb_walking_speed_mps_30s_mean": 2,
                     "wb_walking_speed_mps_30s_p90": 2, "days_n_valid_days": 0, "days_n_steps_per_day": 0,
                     "days_walking_bout_time_s_per_day": 1, "days_n_walking_bouts_10s_per_day": 1,
                     "days_walking_speed_mps_10s_mean": 2}


@dataclass
class Session:
    """One walk's summary and flags (from a result or a result JSON)."""

    label: str
    summary: dict[str, Any]
    flags: list[dict[str, Any]] = field(default_factory=list)
    source: str = ""
    version: str = ""       # the imu_gait version that analysed it ("" for results from before it was said)
    marks: list[dict[str, Any]] = field(default_factory=list)   # the walker's symptom marks (JSON 'marks')
    #: the walk's own name (its file's) when ``label`` is a pseudonym (``compare --anonymise``): only for telling
    #: whether the order given is a file listing's (:func:`undated_order_note`), never written out
    order_name: str = ""


def session_from_result(result: Any, label: str, source: str = "") -> Session:
    """From an :class:`~imu_gait.result.AnalysisResult` or its ``to_dict()`` / JSON contract."""
    d = result.to_dict() if hasattr(result, "to_dict") else result
    if not isinstance(d, dict) or not isinstance(d.get("summary"), dict):
        raise ImuGaitError(f"{source or label}: not an imu_gait result (no 'summary')")
    marks = d.get("marks") or []
    return Session(label=label, summary=d["summary"], flags=list(d.get("flags") or []), source=source,
                   version=str(d.get("imu_gait_version") or ""),
                   marks=[m for m in marks if isinstance(m, dict)] if isinstance(marks, list) else [])


def _refuse_non_finite(name: str) -> float:
    """``json.loads``'s hook for NaN / Infinity / -Infinity: an imu_gait result never holds them (a missing
    value is null), and an 'Infinity' sensor height was compared and printed as 'inf m'."""
    raise ValueError(f"it holds {name}, which an imu_gait result never does (a missing value is null)")


def load_session(path: str | Path, *, read_options: dict[str, Any] | None = None,
                 context: dict[str, Any] | None = None, label: str | None = None) -> Session:
    """A session from a result JSON (used as it is) or a recording (read and analysed)."""
    import imu_gait
    from .treadmill import with_sidecar_schedule

    path = Path(path)
    label = label or session_label(path)
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse_non_finite)
        except FileNotFoundError:
            raise ImuGaitError(f"{path}: no such file") from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:    # (JSONDecodeError is a ValueError)
            raise ImuGaitError(f"{path}: cannot read it as an imu_gait result JSON ({exc})") from None
        except RecursionError:
            # '[[[[…' 100,000 deep ended in a RecursionError traceback
            raise ImuGaitError(f"{path}: cannot read it as an imu_gait result JSON (nested too deeply; an "
                               "imu_gait result is a few levels deep)") from None
        return session_from_result(data, label, str(path))
    if _is_batch_table(path):
        raise ImuGaitError(
            f"{path}: this is an 'imu-gait batch' summary table (one row per recording), not a walk. compare takes "
            "recordings or result JSON files: 'imu-gait batch … --json-dir DIR' writes one JSON per recording "
            "(DIR/<recording>.json) to compare, e.g. imu-gait compare DIR/week1.csv.json DIR/week3.csv.json")
    from .marks import attach_marks, marks_for

    ctx, _ = with_sidecar_schedule(path, dict(context or {}))
    marks, _ = marks_for(path)                   # symptom marks beside the recording (walk.marks.csv)
    res = imu_gait.analyze(imu_gait.read(path, **(read_options or {})), **ctx)
    if marks is not None:
        attach_marks(res, marks)
    return session_from_result(res, label, str(path))


#: what a recording's name ends in (batch's recording suffixes), left out of a result JSON's label
#: ('walk.csv.json', as ``imu-gait batch --json-dir`` names them, is the walk 'walk' — as 'walk.csv' is)
_RECORDING_SUFFIXES = RECORDING_SUFFIXES + TEXT_SUFFIXES


def session_label(path: str | Path) -> str:
    """A walk's default column name: the file name without its extension — for a result JSON also
    without the recording's ('week1.csv.json' → 'week1'), so a walk is named alike whether its
    recording or its batch JSON is compared."""
    path = Path(path)
    stem = path.stem
    if path.suffix.lower() == ".json" and stem.lower().endswith(_RECORDING_SUFFIXES):
        stem = stem[: stem.rfind(".")] or stem
    return stem


def session_start(session: Session) -> Any:
    """When the session's recording started (a :class:`datetime.datetime`: aware when its UTC offset is known),
    from the summary's ``start_time_iso`` / ``start_unix_s``; None when the file did not say."""
    from .days import recording_start

    start = recording_start(session.summary)
    return None if start is None else start[0]


def in_time_order(sessions: Sequence[Session]) -> list[Session] | None:
    """The sessions oldest first by :func:`session_start` (ties keep their order), or None when that cannot
    be told: a session does not say when it was recorded, or some say it with a UTC offset and others in
    local time only (which instant a local time was is not known). A shell's ``week*.json`` lists week 10
    before week 2: taken as given, the change 'last − first' ran from week 1 to week 9 and the plot drew a
    saw-tooth (weeks audit s36)."""
    starts = [session_start(s) for s in sessions]
    if any(x is None for x in starts) or len({x.tzinfo is None for x in starts}) > 1:
        return None
    order = sorted(range(len(sessions)), key=lambda i: starts[i])
    return [sessions[i] for i in order]


def undated_order_note(sessions: Sequence[Session], labels: Sequence[str] | None = None) -> str:
    """When the walks cannot be put in time order (:func:`in_time_order` is None) although some say when they
    were recorded: which do not, and — where the dated ones are themselves out of time order as given — that
    'change' and the plot's line do not run over time. '' otherwise. One undated walk among a shell's
    ``week*.json`` kept week 10 before week 2 without a word: change ran from week 1 to week 9 (trends audit s42)."""
    if len(sessions) < 2 or in_time_order(sessions) is not None:
        return ""
    labels = list(labels) if labels is not None else _unique([s.label for s in sessions])
    starts = [session_start(s) for s in sessions]
    undated = [lab for lab, t in zip(labels, starts) if t is None]
    if len(undated) == len(sessions):
        # nothing to sort by; the order given is the user's — unless it is a file listing's of numbered names
        # ('week10' before 'week2': a shell sorts text, not numbers), which the names alone show. Judged by the
        # walks' own names even when they are shown by pseudonyms (compare --anonymise lost the note)
        names = [s.order_name or s.label for s in sessions]
        natural = sorted(names, key=_natural_key)
        if names == sorted(names) and names != natural:
            i = next(i for i, (a, b) in enumerate(zip(names, natural)) if a != b)
            if all(not s.order_name for s in sessions):
                return (f"The walks do not say when they were recorded and are in the order given, which looks like "
                        f"a file listing's ({names[i]} before {natural[i]}): 'change' and the plot's line run in "
                        "that order — give the walks oldest first.")
            # worded with the names shown (the pseudonyms): the files' own names stay out of the outputs
            later, earlier = labels[i], labels[names.index(natural[i])]
            return (f"The walks do not say when they were recorded and are in the order given, which looks like a "
                    f"file listing's: the file of {later} is numbered after that of {earlier} but comes before it "
                    "(a shell sorts names as text, not numbers). 'change' and the plot's line run in the order "
                    "given — give the walks oldest first.")
        return ""
    if not undated:         # all dated, some with a UTC offset and some in local time only: which came first is unknown
        return ("Some walks give their start time with a UTC offset and others in local time only, so they could not "
                "be put in time order: they are in the order given — give them oldest first.")
    text = (f"{', '.join(undated)} {'does' if len(undated) == 1 else 'do'} not say when {'it was' if len(undated) == 1 else 'they were'} "
            "recorded, so the walks are in the order given (not sorted by date)")
    dated = [(t, lab) for lab, t in zip(labels, starts) if t is not None]
    late = next(((a, b) for a, b in zip(dated, dated[1:])
                 if len({a[0].tzinfo is None, b[0].tzinfo is None}) == 1 and b[0] < a[0]), None)
    if late is not None:
        (_, first), (_, second) = late
        return (text + f", and those that do are not oldest first ({first} was recorded after {second}): 'change' "
                "and the plot's line do not run over time — give the walks oldest first (a shell lists week10 before "
                "week2).")
    return text + ": give them oldest first."


def _natural_key(name: str) -> list[Any]:
    """A name's sort key with its runs of digits as numbers ('week2' before 'week10')."""
    import re

    return [(0, int(part), "") if part.isdigit() else (1, 0, part.lower())
            for part in re.split(r"(\d+)", name) if part]


def order_words(sessions: Sequence[Session]) -> str:
    """How the sessions are ordered, for the page: 'oldest first' only when their start times say so."""
    ordered = in_time_order(sessions)
    if ordered is None:
        return "in the order given"
    if all(a is b for a, b in zip(ordered, sessions)):
        return "oldest first"
    return "in the order given (not oldest first)"


def _is_batch_table(path: Path) -> bool:
    """True for a summary table written by ``imu-gait batch`` (its header starts 'recording,status,error')."""
    return path.suffix.lower() == ".csv" and output_table_kind(path) == "batch summary table"


def _num(v: Any) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return math.nan
    return f


#: The gaits a session can hold, in table order, with the word the table uses
GAIT_WORDS: dict[str, str] = {"walk": "walking", "run": "running"}
#: Table columns that are not sessions
TABLE_FIXED_COLUMNS = ("row", "key", "gait", "unit", "change", "beyond_spread", "beyond_repeat", "trend",
                       "trend_beyond_noise")

#: The fewest walks with a value a metric row's ``trend`` is fitted over: fewer are two or three points a line
#: always nearly fits
TREND_MIN_WALKS = 5


def metric_trend(values: Sequence[float], when_days: Sequence[float] | None, limit: float | None,
                 ) -> tuple[float, bool | None]:
    """The straight line through every walk's median (least squares; against the recording day where each walk
    says it, else walk by walk evenly spaced) as its change from the earliest walk with a value to the latest, and
    whether that change is beyond the noise: |slope| > 1.96 × its standard error, the walks' scatter about the
    line taken as no less than a single walk's same-day repeat noise (``limit`` / 1.96 / √2: ``limit`` is the
    95th percentile of |a − b| of two repeat walks). (NaN, None) under :data:`TREND_MIN_WALKS` walks with a
    value; (trend, None) without a limit. Last − first rests on two walks: a steady real change of −1.0 cm bounce
    over 60 walks (repeat noise as measured) got its * in 42 % of simulated series, as with 2 walks; the line's
    test finds it in 100 % (16 walks: 83 %), 4 % false alarms without a change (trends audit s42)."""
    import numpy as np

    idx = [i for i, v in enumerate(values) if not math.isnan(v)]
    if len(idx) < TREND_MIN_WALKS:
        return math.nan, None
    x = np.array([when_days[i] if when_days is not None else i for i in idx], float)
    y = np.array([values[i] for i in idx], float)
    dx = x - x.mean()
    sxx = float(dx @ dx)
    if sxx <= 0:
        return math.nan, None
    slope = float(dx @ (y - y.mean())) / sxx
    # over the whole date span: walks kept in the order given (--keep-order) may not run oldest to newest, and the
    # line's change is the one between the earliest and latest walks in time
    trend = slope * float(x.max() - x.min())
    if limit is None:
        return trend, None
    resid = y - (y.mean() + slope * dx)
    scatter = max(math.sqrt(float(resid @ resid) / (len(idx) - 2)), limit / 1.96 / math.sqrt(2))
    return trend, bool(abs(slope) > 1.96 * scatter / math.sqrt(sxx))


def _session_days(sessions: Sequence[Session]) -> list[float] | None:
    """Each session's start in days from the first one's, when every one says when it was recorded (in one kind
    of clock, :func:`in_time_order`); None otherwise."""
    if in_time_order(sessions) is None:
        return None
    starts = [session_start(s) for s in sessions]
    return [(t - starts[0]).total_seconds() / 86400 for t in starts]


def gait_medians(session: Session) -> dict[str, dict[str, Any]]:
    """Each gait's medians in one session: the summary's ``by_gait`` when the walk turned into a run
    (each gait on its own), else the whole summary under the session's gait (``""`` when unknown)."""
    by = session.summary.get("by_gait")
    if isinstance(by, dict):
        out = {g: v for g, v in by.items() if g in GAIT_WORDS and isinstance(v, dict)}
        if out:
            return out
    return {str(session.summary.get("gait") or ""): session.summary}


def compared_gaits(sessions: Sequence[Session]) -> list[str]:
    """The gaits the table shows apart: none (``[]``, one row per metric) when every session is of one
    gait, else walking and running each in their own rows — cadence, bounce and impact differ by gait
    alone, so one median over a walk that turned into a run describes neither, and a running session
    next to a walking one is not a change of the walker's gait."""
    present = {g for s in sessions for g in gait_medians(s)} - {""}
    return [g for g in GAIT_WORDS if g in present] if len(present) > 1 else []


def compare_sessions(sessions: Sequence[Session], *,
                     repeat_change: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The comparison table: one row per metric / flag, one column per session, then ``change``
    (last − first; between the first and last sessions with a value in the row), ``beyond_spread`` (the last median outside the first's middle half; None when the
    first walk has no spread for it) and ``beyond_repeat`` (|change| larger than two walks of the
    same person on the same day differ by, :data:`REPEAT_CHANGE`; None without a limit: running rows,
    stride-time variability, asymmetry, walking time, flags). :func:`is_marked` combines the two into
    the ``*``. Both are None too where the first and last walk differ in a way :func:`comparability_notes`
    says makes the row's change no walker's (:func:`unmarkable_keys`: sway and braking with vs without a
    gyroscope, bounce, lean and sway by placement).

    When walking and running are both present (:func:`compared_gaits`) each metric has a row per gait
    (``gait`` = "walk" / "run"; "" otherwise) from each session's medians of that gait, and ``change``
    runs from the first to the last session with that gait. ``repeat_change`` replaces
    :data:`REPEAT_CHANGE` (the benchmark fits it)."""
    if len(sessions) < 2:
        raise ImuGaitError("compare needs at least two walks")
    labels = _unique([s.label for s in sessions])
    rows: list[dict[str, Any]] = []
    split = compared_gaits(sessions)
    # the limits come from repeat walks: rows of running (a split's running rows, or sessions that all ran) have none
    all_run = not split and set(session_gaits(sessions)) - {""} == {"run"}
    limits = REPEAT_CHANGE if repeat_change is None else repeat_change
    days = _session_days(sessions)
    for gait in split or [""]:
        # the summary a session contributes to these rows (None: that session has no steps of this gait)
        parts = [gait_medians(s).get(gait) for s in sessions] if gait else [s.summary for s in sessions]
        have = [i for i, p in enumerate(parts) if p is not None]
        for key, label, unit, decimals in METRIC_ROWS:
            if key in RUN_ONLY_ROWS and not (gait == "run" or all_run):
                continue
            vals = [_num(p.get(key)) if p is not None else math.nan for p in parts]
            if all(math.isnan(v) for v in vals):
                continue
            # from the first to the last session with a value of this metric: a first week in which no walking was
            # found (or a last one without a gyroscope's twist) blanked the change of every such row (weeks audit s36)
            with_value = [i for i in have if not math.isnan(vals[i])]
            i0, i1 = (with_value[0], with_value[-1]) if len(with_value) >= 2 else (0, 0)
            change = vals[i1] - vals[i0] if len(with_value) >= 2 else math.nan
            iqr = parts[i0].get(key + "_iqr") if len(with_value) >= 2 else None
            beyond = (bool(vals[i1] < _num(iqr[0]) or vals[i1] > _num(iqr[1]))
                      if isinstance(iqr, (list, tuple)) and len(iqr) == 2 and not math.isnan(vals[i1]) else None)
            if beyond and round(abs(change), decimals) == 0:
                beyond = False        # a very steady first walk: a change too small to show is not a shift
            limit = None if gait == "run" or all_run else limits.get(key)
            repeat = bool(abs(change) > limit) if limit is not None and math.isfinite(change) else None
            if len(with_value) >= 2 and key in unmarkable_keys(sessions[i0].summary, sessions[i1].summary):
                beyond = repeat = None    # a change the notes say not to read (another sensor kind or place)
            # the line through all the walks (last − first rests on two): not over walks the notes say not to
            # compare with the first (another place, sensor kind, belt speed, a clipped sensor)
            if any(key in unmarkable_keys(sessions[with_value[0]].summary, sessions[i].summary)
                   for i in with_value) if with_value else True:
                trend, trend_beyond = math.nan, None
            else:
                trend, trend_beyond = metric_trend(vals, days, limit)
            if key == "walking_speed_mps" and (gait == "run" or all_run):
                label = "Speed"            # a run's is no walking speed (its row says ', running' in a split)
            label = chest_label(key, label, sessions)
            rows.append({"row": f"{label}, {GAIT_WORDS[gait]}" if gait else label, "key": key, "gait": gait,
                         "unit": unit, **dict(zip(labels, vals)), "change": change, "beyond_spread": beyond,
                         "beyond_repeat": repeat, "trend": trend, "trend_beyond_noise": trend_beyond})
    walk = [_num(s.summary.get("walking_time_s")) / 60 for s in sessions]
    # a run's time is not 'walking time' to a runner (the key stays: CSV readers rely on it)
    time_row = "Running time" if all_run else "Walking and running time" if split else "Walking time"
    rows.append({"row": time_row, "key": "walking_time_min", "gait": "", "unit": "min",
                 **dict(zip(labels, walk)), "change": _first_to_last(walk), "beyond_spread": None, "beyond_repeat": None,
                 # is walking time growing: the line's change, never marked (no repeat noise is known for it)
                 "trend": metric_trend(walk, days, None)[0]})
    ids = sorted({f.get("id") for s in sessions for f in s.flags if f.get("id")})
    from .report.common import flag_title    # (as chest_label: the report package imports matplotlib)
    for fid in ids:
        # a flag a walk could not judge (no gyroscope for twist, a sensor off the trunk, too short for a
        # baseline) is not 0 minutes of it: '3.6 → 0.0' read as the problem gone (review)
        minutes = [float("nan") if fid in (s.summary.get("flags_not_judged") or ()) else
                   sum(max(_num(f.get("end_s")) - _num(f.get("start_s")), 0.0) for f in s.flags
                       if f.get("id") == fid) / 60 for s in sessions]
        # the single report's title for the flag ('Pace too fast / shuffling'), not its id's words
        rows.append({"row": f"Flag: {flag_title(fid)} (minutes)", "key": f"flag_{fid}_min", "gait": "",
                     "unit": "min", **dict(zip(labels, minutes)), "change": _first_to_last(minutes),
                     "beyond_spread": None, "beyond_repeat": None, "trend": metric_trend(minutes, days, None)[0]})
        # … and as a share of the walk's walking time: a walker whose walks grow from 10 to 40 minutes while the
        # flag holds 30 % → 15 % of them read '3.0 → 6.0 min, +3.0' — worse, where it came half as often (trends
        # audit s42). None when the walk was not judged for it or found no walking.
        share = [m / w * 100 if w > 0 else math.nan for m, w in zip(minutes, walk)]
        rows.append({"row": f"Flag: {flag_title(fid)} (% of walking time)", "key": f"flag_{fid}_pct", "gait": "",
                     "unit": "%", **dict(zip(labels, share)), "change": _first_to_last(share),
                     "beyond_spread": None, "beyond_repeat": None, "trend": metric_trend(share, days, None)[0]})
    if any(_num((s.summary.get("walking_bouts") or {}).get("n_walking_bouts")) >= 2 for s in sessions):
        # recordings of a day (or walks with stops): the bouts by length, as real-world walking studies compare
        # them — short errands are walked more slowly than a long walk, so a day with fewer long bouts has a
        # lower median speed without the walker being slower (no same-day range is known: never marked)
        for key, label, unit in BOUT_ROWS:
            vals = [_num((s.summary.get("walking_bouts") or {}).get(key)) for s in sessions]
            if all(math.isnan(v) for v in vals):
                continue
            rows.append({"row": label, "key": f"wb_{key}", "gait": "", "unit": unit, **dict(zip(labels, vals)),
                         "change": _first_to_last(vals), "beyond_spread": None, "beyond_repeat": None,
                         "trend": metric_trend(vals, days, None)[0]})
    if any(_num((s.summary.get("days") or {}).get("n_valid_days")) >= 1 for s in sessions):
        # recordings of whole days (a week at home before and after treatment): the figures per day worn
        # 10 h or more, as real-world walking studies compare them (never marked, as the bout rows)
        for key, label, unit in DAY_ROWS:
            vals = [_num((s.summary.get("days") or {}).get(key)) for s in sessions]
            if key == "walking_bout_time_s_per_day":
                vals = [v / 60 for v in vals]
            if all(math.isnan(v) for v in vals):
                continue
            rows.append({"row": label, "key": f"days_{key}", "gait": "", "unit": unit, **dict(zip(labels, vals)),
                         "change": _first_to_last(vals), "beyond_spread": None, "beyond_repeat": None,
                         "trend": metric_trend(vals, days, None)[0]})
    if any(s.marks for s in sessions):
        # the walker's symptom marks (imu_gait.marks): how often and how much it hurt, beside the gait's change
        count = [float(len(s.marks)) for s in sessions]
        pains = [[_num(m.get("pain")) for m in s.marks if math.isfinite(_num(m.get("pain")))] for s in sessions]
        worst = [max(p) if p else math.nan for p in pains]
        for key, row, vals in (("marks_n", "Symptom marks (count)", count),
                               ("pain_max", "Highest pain marked (0–10)", worst)):
            rows.append({"row": row, "key": key, "gait": "", "unit": "", **dict(zip(labels, vals)),
                         "change": _first_to_last(vals), "beyond_spread": None, "beyond_repeat": None,
                         "trend": metric_trend(vals, days, None)[0]})
    for r in rows:
        r.setdefault("trend", math.nan)
        r.setdefault("trend_beyond_noise", None)
    return pd.DataFrame(rows, columns=["row", "key", "gait", "unit", *labels, "change", "beyond_spread",
                                       "beyond_repeat", "trend", "trend_beyond_noise"])


def _first_to_last(vals: Sequence[float]) -> float:
    """A row's change: from the first walk with a value to the last (NaN with fewer than two), as the metric rows
    take it. Ten weekly walks, the last without a gyroscope (its twist flag not judged), left the twist flag's
    change '–' over all ten (trends audit s42)."""
    have = [v for v in vals if not math.isnan(v)]
    return have[-1] - have[0] if len(have) >= 2 else math.nan


def chest_label(key: str, label: str, sessions: Sequence[Session]) -> str:
    """A row's label where every session's sensor sat on the chest: the single-walk report's word for what a
    chest sensor measures (``chest_short`` in :data:`~imu_gait.report.common.METRICS`: its roll range is the
    thorax's side-bend, 'Trunk roll', not the pelvis's drop)."""
    from .report.common import METRIC_BY_COLUMN   # (here: the report package imports matplotlib)

    info = METRIC_BY_COLUMN.get(key)
    if info is not None and info.chest_short and sessions and all(
            placement_kind(s.summary.get("placement")) == "chest" for s in sessions):
        return info.chest_short
    return label


def comparability_notes(sessions: Sequence[Session]) -> list[str]:
    """What makes these walks hard to compare, in plain words (empty when nothing does).

    A change between two walks is only the walker's when the sensor and the way of measuring stayed
    the same: the placement (chest vs lower back differ in bounce, lean and sway by placement alone),
    a sensor on one side, a sensor moved during a walk, a missing gyroscope, step length from a
    treadmill belt vs the pendulum model or from different sensor heights, walking vs running."""
    labels = _unique([s.label for s in sessions])
    notes: list[str] = []

    def which(pred) -> list[str]:
        return [lab for lab, s in zip(labels, sessions) if pred(s.summary)]

    def listed(names: list[str]) -> str:
        return ", ".join(names)

    places = {lab: str(s.summary.get("placement") or "unknown") for lab, s in zip(labels, sessions)}
    known = {p for p in places.values() if p != "unknown"}
    if len(known) > 1:
        notes.append("The sensor was not worn in the same place (" + listed([f"{k}: {v}" for k, v in places.items()])
                     + "): bounce, lean and sway differ by placement alone, so a change of them between "
                     "two places is not marked *.")
    one_sided = which(lambda x: bool(x.get("one_sided_signal")))
    if one_sided and len(one_sided) < len(sessions):
        notes.append(f"The signal of {listed(one_sided)} looks one-sided (a pocket or one hip?), the others' not: "
                     "asymmetry, pelvic drop and lean are not comparable between them.")
    moved = which(lambda x: bool(x.get("lean_jumps")))
    if moved:
        notes.append(f"In {listed(moved)} the sensor's lean jumped between two walks (re-clipped?): "
                     "that walk's lean is uncertain.")
    clipped = which(lambda x: bool(marked_metrics(x.get("saturation"))))
    if clipped:
        label = {key: lab.lower() for key, lab, _, _ in METRIC_ROWS}
        words = sorted({label.get(m, m) for s in sessions for m in marked_metrics(s.summary.get("saturation"))})
        notes.append(f"In {listed(clipped)} the sensor hit the end of its range (clipping) on many steps: "
                     f"{', '.join(words)} read wrong there, so a change of them is not marked *.")
    no_gyro = which(lambda x: x.get("has_gyro") is False)
    if no_gyro and len(no_gyro) < len(sessions):
        left_out = set(which(lambda x: _num(x.get("gyro_axis_mismatch")) > GYRO_MISMATCH_LIMIT))
        how = ", ".join(f"{lab} (left out: its axes did not match the accelerometer's)" if lab in left_out else lab
                        for lab in no_gyro)
        notes.append(f"{how} had no gyroscope in the analysis: trunk twist and pelvic drop are missing there, and "
                     "side sway and braking were measured without it (on real walks sway differs by −2 to +4 cm, "
                     "up or down by person and walk, more at a slow pace, and far more in walks with turns; braking about "
                     "10 % lower) — do not read a change of sway or braking between these and the others (such a change is not marked *).")
    belt = which(lambda x: _num(x.get("belt_speed_mps")) > 0 or bool(x.get("treadmill_schedule")))
    if belt and len(belt) < len(sessions):
        notes.append(f"Step length and speed of {listed(belt)} come from the treadmill belt, of the others "
                     "from the trunk's motion (±0.2 m): compare them with care.")
    speeds = {lab: _belt_range_kmh(s.summary) for lab, s in zip(labels, sessions)}
    known_speeds = {k: v for k, v in speeds.items() if v is not None}
    if len(known_speeds) > 1 and (max(hi for _, hi in known_speeds.values())
                                  - min(lo for lo, _ in known_speeds.values()) >= BELT_SPEED_NOTE_KMH):
        notes.append("The belt ran at different speeds (" + listed(
            [f"{k}: {lo:.1f} km/h" if hi - lo < 0.05 else f"{k}: {lo:.1f}–{hi:.1f} km/h"
             for k, (lo, hi) in known_speeds.items()])
            + "): " + _and_list([lab.lower() for key, lab, _, _ in METRIC_ROWS if key in BELT_SPEED_KEYS])
            + " change with the speed alone, so a change of them "
            "between two speeds is not marked * — compare walks at the same speed to see a change in the walker.")
    heights = {round(h, 2) for h in (_num(s.summary.get("sensor_height_m")) for s in sessions) if not math.isnan(h)}
    if heights and max(heights) - min(heights) > 0.05 and not belt:     # 5 cm: ~3 % of step length
        notes.append("The sensor height used for step length differs between the walks "
                     f"({', '.join(f'{h:.2f} m' for h in sorted(heights))}): step length and speed shift with it.")
    # the walker's height entered differs: two people's walks in one folder (a clinic's patients, a household
    # sharing a sensor) — on a treadmill the sensor-height note above is left out, and nothing said so (trends
    # audit s42). 5 cm: more than a height entered twice, rounded, differs by
    bodies: dict[float, list[str]] = {}
    for lab, s in zip(labels, sessions):
        h = _num(s.summary.get("body_height_m"))
        if math.isfinite(h):
            bodies.setdefault(round(h, 2), []).append(lab)
    if bodies and max(bodies) - min(bodies) > BODY_HEIGHT_NOTE_M:
        notes.append("The walker's height entered differs between the walks (" + "; ".join(
            f"{h:.2f} m: {listed(names)}" for h, names in sorted(bodies.items()))
            + "): are they one person's walks? Walks of two people, or with a wrong height, are no change in the "
            "walker — and step length and speed shift with the height.")
    # enough steps of each gait for by_gait, but the result has none (it pools them)
    pooled = which(lambda x: not isinstance(x.get("by_gait"), dict)
                   and min(_num(x.get("running_fraction")), 1 - _num(x.get("running_fraction")))
                   * _num(x.get("n_steps")) >= MIXED_GAIT_MIN_STEPS)
    if pooled:
        notes.append(f"{listed(pooled)} mixed walking and running, but the result has no per-gait medians (made by "
                     "an older imu_gait): its figures pool both gaits — analyse the "
                     "recording again to compare it gait by gait.")
    if compared_gaits(sessions):
        mixed = which(lambda x: isinstance(x.get("by_gait"), dict) and {"walk", "run"} <= set(x["by_gait"]))
        notes.append("Walking and running are shown apart (rows '…, walking' and '…, running'): cadence, bounce and "
                     "impact differ by gait alone. "
                     + (f"{listed(mixed)} turned from walking to running (or back): each of its gaits is in its own rows. " if mixed else "")
                     + "A change runs from the first to the last walk with that gait; walking time and flags are "
                     "the whole walk's.")
    order_note = undated_order_note(sessions, labels)
    if order_note:
        notes.append(order_note)
    versions = {lab: s.version or "unknown" for lab, s in zip(labels, sessions)}
    if len(set(versions.values())) > 1:
        notes.append("The walks were analysed by different imu_gait versions (" + listed(
            [f"{k}: {v}" for k, v in versions.items()]) + "): metrics and rules can change between versions; "
            "re-analyse the recordings with one version to compare like with like.")
    return notes


#: the walker's heights entered this far apart (m, shortest to tallest over the walks) are said to differ
BODY_HEIGHT_NOTE_M = 0.05
#: belt speeds this far apart (km/h, slowest to fastest over the walks) are said to differ
BELT_SPEED_NOTE_KMH = 0.3


def _belt_range_kmh(summary: dict[str, Any]) -> tuple[float, float] | None:
    """(slowest, fastest) belt speed of a walk in km/h — its fixed speed or its schedule's stages with a
    speed — or None off a known belt."""
    v = _num(summary.get("belt_speed_mps"))
    if v > 0:
        return 3.6 * v, 3.6 * v
    stages = [_num(st.get("belt_speed_mps")) for st in summary.get("treadmill_schedule") or []
              if isinstance(st, dict)]
    stages = [x for x in stages if x > 0]
    return (3.6 * min(stages), 3.6 * max(stages)) if stages else None


def _unique(labels: Iterable[str]) -> list[str]:
    """Session labels as table columns: repeated ones numbered, and none named like a fixed column
    (a walk labelled or saved as 'gait' or 'change' would have overwritten that column)."""
    seen: dict[str, int] = {c: 1 for c in TABLE_FIXED_COLUMNS}
    out = []
    for lab in labels:
        k = seen.get(lab, 0)
        seen[lab] = k + 1
        out.append(lab if k == 0 else f"{lab} ({k + 1})")
    return out


def mark_explanation(table: pd.DataFrame) -> str:
    """What the ``*`` means, in plain words, with the same-day limits of the metrics in ``table``."""
    recs = table.to_dict(orient="records")
    limits = []
    for key, label, unit, decimals in METRIC_ROWS:
        if key in REPEAT_CHANGE and any(r["key"] == key and r.get("beyond_repeat") is not None for r in recs):
            x = REPEAT_CHANGE[key]
            # the table's own word for the row (a chest sensor's roll range is 'Trunk roll' there)
            label = next((str(r["row"]).split(", ")[0] for r in recs if r["key"] == key), label)
            limits.append(f"{label.lower()} {x:.{decimals}f}" + ("" if unit in ("", "°") else " ") + unit)
    text = ("* = a change larger than two walks of the same healthy person on the same day differ by"
            + (f" ({', '.join(limits)}: 95 % of such repeat walks stay within these)" if limits else "")
            + ", and outside the first walk's middle half (25th–75th percentile of its steps). The limits "
            "come from short walks minutes apart; walks weeks apart vary more, so a * is a pointer to a change "
            "worth a look, not a test or a clinical threshold. A change without a * is within that everyday "
            "difference or the first walk's middle half (or in a row not marked at all): too small to tell from "
            "an ordinary day — not proof that nothing changed.")
    # rows that can never get a * (no repeat limit and no middle half to leave): not ground contact or vertical
    # ratio of runs, which have the middle-half test like every running row (said below)
    unmarked = [label for key, label, _, _ in METRIC_ROWS
                if key not in REPEAT_CHANGE and any(r["key"] == key and r.get("gait") != "run"
                                                    and r.get("beyond_spread") is None for r in recs)]
    if unmarked:
        text += (f" {' and '.join(unmarked).capitalize()} {'is' if len(unmarked) == 1 else 'are'} never marked: "
                 f"{'it varies' if len(unmarked) == 1 else 'they vary'} too much from one walk to the next to say.")
    kinds = [word for prefix, word in (("wb_", "walking-bout"), ("days_", "day"))
             if any(str(r["key"]).startswith(prefix) for r in recs)]
    if kinds:
        text += (f" The {' and '.join(kinds)} rows are never marked: no same-day range is known for them, and a "
                 "day's bouts depend on its errands as much as on the walker.")
    unmeasured = [(key, label, unit, decimals) for key, label, unit, decimals in METRIC_ROWS
                  if any(r["key"] == key and r.get("beyond_repeat") is None and r.get("beyond_spread") is not None
                         for r in recs)]
    if unmeasured:
        floors = ", ".join(f"{label.lower()} {unmeasured_min_change(key):.{decimals}f}"
                           + ("" if unit in ("", "°") else " ") + unit
                           for key, label, unit, decimals in unmeasured if key not in REPEAT_CHANGE)
        text += (" Running has no measured repeat limit: in its rows * means the last median lies outside the first "
                 "run's middle half and the change is larger than walking's same-day limit for the metric"
                 + (f" (where walking has none, half the plot's least span: {floors})" if floors else "")
                 + " — a floor, as runs likely vary more.")
    return text


def change_words(table: pd.DataFrame) -> str:
    """What ``change`` is: last − first, and — where a row's first or last walk has no value (no walking found, no
    gyroscope for twist) — between the first and last walks that have one, as :func:`compare_sessions` takes it."""
    sessions = [c for c in table.columns if c not in TABLE_FIXED_COLUMNS]
    recs = table.to_dict(orient="records")
    skipped = any(not _nan(r["change"]) and (_nan(r[sessions[0]]) or _nan(r[sessions[-1]])) for r in recs)
    return "change = last − first" + (" (where the first or last walk has no value in a row, between the first "
                                     "and the last walk that have one)" if skipped else "")


def typical_walking_ranges(table: pd.DataFrame) -> str:
    """The published typical walking range of each walking row in ``table`` that has one (the single walk's report
    shows them beside each median and as a green band; the comparison showed none, so a physio could not see a
    guarded trunk twist of 5.2° move into walking's 8–15° over the weeks): '' when no row has one."""
    from .report.common import METRIC_BY_COLUMN   # (here: the report package imports matplotlib)

    recs = table.to_dict(orient="records")
    # walks that all ran share one set of rows (gait ''): their time row is the table's sign of it
    if any(r["key"] == "walking_time_min" and r["row"] == "Running time" for r in recs):
        return ""
    parts = []
    for key, label, unit, decimals in METRIC_ROWS:
        info = METRIC_BY_COLUMN.get(key)
        if info is None or info.walk_range is None or not any(r["key"] == key and r.get("gait") != "run" for r in recs):
            continue
        lo, hi = info.walk_range
        parts.append(f"{label.lower()} {lo:g}–{hi:g}" + ("" if unit in ("", "°") else " ") + unit)
    if not parts:
        return ""
    return "Typical walking ranges (healthy adults; a sanity range, not a target): " + ", ".join(parts) + "."


def render_comparison(table: pd.DataFrame, notes: Sequence[str] = ()) -> str:
    """Plain-text table for the terminal (changes beyond the same-day repeat limit and the first walk's
    spread marked *, :func:`is_marked`), then ``notes`` (:func:`comparability_notes`)."""
    sessions = [c for c in table.columns if c not in TABLE_FIXED_COLUMNS]
    fmt = format_cell

    trended = has_trend(table)
    head = ["", *sessions, "change", *(["trend"] if trended else [])]
    body = []
    for r in table.to_dict(orient="records"):
        name = r["row"] + (f" ({r['unit']})" if r["unit"] and "(" not in r["row"] else "")
        mark = " *" if is_marked(r) else ""
        body.append([name, *[fmt(r[s], r["key"]) for s in sessions], fmt(r["change"], r["key"], signed=True) + mark,
                     *([trend_cell(r)] if trended else [])])
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(row))
             for row in [head, *body]]
    lines.insert(1, "  ".join("─" * w for w in widths))
    lines.append("")
    lines.append(f"Medians over each walk's steps; {change_words(table)}. " + mark_explanation(table)
                 + (" " + trend_words(table) if trended else ""))
    ranges = typical_walking_ranges(table)
    if ranges:
        lines.append(ranges)
    if notes:
        lines += ["", "Before reading a change as the walker's:"] + [f"  • {n}" for n in notes]
    return "\n".join(lines)


def has_trend(table: pd.DataFrame) -> bool:
    """Whether any row has a ``trend`` (:func:`metric_trend`: five walks or more with a value)."""
    return "trend" in table.columns and any(not _nan(v) for v in table["trend"])


def trend_cell(r: Mapping[str, Any]) -> str:
    """A row's trend as the table shows it: signed, in the metric's decimals, ``*`` when beyond the noise."""
    return format_cell(r.get("trend"), r["key"], signed=True) + (" *" if r.get("trend_beyond_noise") is True else "")


def trend_words(table: pd.DataFrame) -> str:
    """What the ``trend`` column is, for the footnote."""
    return (f"trend = the change from the first walk to the last along a straight line fitted through every walk "
            f"with a value (rows with {TREND_MIN_WALKS} walks or more; against the recording dates where every walk "
            "says it); * there = the line's slope is more than 1.96 of its standard errors from flat, the walks' "
            "scatter about it taken as no less than a single walk's same-day repeat noise — over many walks a "
            "steady change too small for last − first to tell shows here. Not fitted across walks the notes say "
            "not to compare. Walking time, the flags' minutes and share of it, the bouts, days and symptom-mark rows "
            "have a trend but no *: no repeat noise is known for them.")


def panel_ylim(key: str, values: Iterable[float]) -> tuple[float, float]:
    """The y-range of one metric's panel: the values (medians and their middle halves) with a
    margin, but never narrower than :data:`PANEL_MIN_SPAN` — centred on the values, moved (not
    cut) to stay within what the metric can be (≥ 0, regularity ≤ 1)."""
    v = [float(x) for x in values if x is not None and math.isfinite(float(x))]
    if not v:
        return 0.0, 1.0
    lo, hi = min(v), max(v)
    pad = 0.1 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    span = max(hi - lo, PANEL_MIN_SPAN.get(key, 0.0))
    mid = (lo + hi) / 2
    lo, hi = mid - span / 2, mid + span / 2
    top = UPPER_BOUND.get(key)
    if top is not None and hi > top and max(v) <= top:
        lo, hi = lo - (hi - top), top
    if key not in SIGNED_METRICS and lo < 0 <= min(v):
        lo, hi = 0.0, hi - lo
    return lo, hi


def session_gaits(sessions: Sequence[Session]) -> list[str]:
    """Each session's main gait ("walk" / "run" / "" when unknown)."""
    return [str(s.summary.get("gait") or "") for s in sessions]


def gait_series(sessions: Sequence[Session]) -> list[tuple[str, list[dict[str, Any] | None]]]:
    """What the panels draw: (gait, each session's medians of that gait or None) — one series per gait
    when walking and running are shown apart (a walk that turned into a run is in both), else one
    series of the whole summaries under their common gait."""
    split = compared_gaits(sessions)
    if split:
        return [(g, [gait_medians(s).get(g) for s in sessions]) for g in split]
    gaits = set(session_gaits(sessions)) - {""}
    return [(gaits.pop() if len(gaits) == 1 else "", [s.summary for s in sessions])]


#: a walk's marker at most, pt (a few walks), and at least (60 walks: markers shrink to the room each has)
MARKER_PT_MAX, MARKER_PT_MIN = 5.0, 1.5
#: the size of the session names under each panel, pt
TICK_FONT_PT = 9


def _tick_layout(labels: Sequence[str], ncol: int = 3) -> dict[str, Any]:
    """How the session names stand under a panel. Slanted 30° they need the panels' width per session times
    sin 30° to clear a line of text: past ~9 sessions (12 weekly walks) they ran into one another in an unreadable
    band (weeks audit s36). Then they stand upright (a line of text per session), every ``step``-th one where even
    that is too narrow (the table lists them all), with the row's height grown by the longest name so it clears
    the next row's titles. ``rotation`` 30 (or 0: short names, chosen by the caller) keeps the figure as before."""
    # (a panel's width: the 10-in figure within matplotlib's default margins, ncol panels 0.3 of one apart)
    width_in = 10 * (0.9 - 0.125) / (ncol + (ncol - 1) * 0.3)
    per_session_in = width_in / max(len(labels), 1)
    line_in = TICK_FONT_PT / 72 * 1.25
    if per_session_in * math.sin(math.radians(30)) >= line_in:
        return {"rotation": 30, "step": 1}
    longest_in = max(len(str(lab)) for lab in labels) * 0.62 * TICK_FONT_PT / 72
    panel_in, gap_in = 1.6, longest_in + 0.6        # the axes, and below them the names and the next title
    return {"rotation": 90, "step": max(1, math.ceil(line_in / per_session_in)),
            "row_h_in": panel_in + gap_in, "hspace": gap_in / panel_in}


def comparison_figure(sessions: Sequence[Session], metrics: Sequence[tuple[str, str, str]],
                      labels: Sequence[str]) -> Any:
    """One small panel per metric: each session's median with its middle half, walking as circles
    and running as triangles in another colour. A line joins two consecutive sessions of the same
    gait only: cadence, bounce and impact differ by gait alone, so a walk next to a run is no trend."""
    from matplotlib.figure import Figure

    from .report.common import METRIC_BY_COLUMN
    from .report.html import LINE_COLOR, RANGE_COLOR

    run_color = "#c8611a"
    series = gait_series(sessions)
    ncol = 3
    nrow = math.ceil(len(metrics) / ncol)
    long = max(len(str(lab)) for lab in labels) > 8 or len(labels) > 4
    ticks = _tick_layout(labels, ncol)
    upright = ticks["rotation"] == 90
    fig = Figure(figsize=(10, ticks["row_h_in"] * nrow if upright else (3.0 if long else 2.3) * nrow))
    axes = fig.subplots(nrow, ncol, squeeze=False).ravel()
    x = list(range(len(sessions)))
    summaries = [s.summary for s in sessions]
    # each walk's room along a panel, pt (as _tick_layout): 60 walks had 5-pt markers with 3-pt caps every ~2.7 pt,
    # one merged band; the markers now take ~¾ of their room, the middle-half bars lose their caps when crowded
    room_pt = 10 * (0.9 - 0.125) / (3 + 2 * 0.3) * 72 / max(len(sessions), 1)
    ms = min(MARKER_PT_MAX, max(MARKER_PT_MIN, 0.75 * room_pt))
    cap = 3.0 if room_pt >= 12 else 0.0
    for ax, (key, lab, unit) in zip(axes, metrics):
        span: list[float] = []
        # a walk whose value the notes say not to compare with the first's (another sensor kind or place,
        # unmarkable_keys) is drawn hollow, and no trend line joins two walks that cannot be compared: a line
        # through them invited the very reading the note warns against
        apart = [key in unmarkable_keys(summaries[0], summaries[i]) for i in x]
        for gait, parts in series:
            run = gait == "run"
            color = run_color if run else LINE_COLOR
            med = [_num(p.get(key)) if p is not None else math.nan for p in parts]
            iqr = [p.get(key + "_iqr") if p is not None else None for p in parts]
            q_lo = [_num(q[0]) if isinstance(q, (list, tuple)) and len(q) == 2 else math.nan for q in iqr]
            q_hi = [_num(q[1]) if isinstance(q, (list, tuple)) and len(q) == 2 else math.nan for q in iqr]
            span += [*med, *q_lo, *q_hi]
            for i in range(len(x) - 1):
                if (math.isfinite(med[i]) and math.isfinite(med[i + 1])
                        and key not in unmarkable_keys(summaries[i], summaries[i + 1])):
                    ax.plot(x[i:i + 2], med[i:i + 2], color=color, lw=1.2, gid="trend")
            for i in x:
                if not math.isfinite(med[i]):
                    continue
                err = [[max(med[i] - q_lo[i], 0) if math.isfinite(q_lo[i]) else 0],
                       [max(q_hi[i] - med[i], 0) if math.isfinite(q_hi[i]) else 0]]
                ax.errorbar([i], [med[i]], yerr=err, fmt="^" if run else "o", color=color,
                            ecolor="#e8b48f" if run else "#9fb3c8", capsize=cap, ms=ms,
                            elinewidth=1.0 if room_pt >= 4 else 0.6,
                            **({"mfc": "white", "gid": "not-comparable"} if apart[i] else {}))
        info = METRIC_BY_COLUMN.get(key)
        if len(series) == 1 and series[0][0] != "run" and info is not None and info.walk_range is not None:
            # walking's typical range, as the single walk's report draws it (walks only: a run's differs)
            ax.axhspan(*info.walk_range, color=RANGE_COLOR, alpha=0.08, lw=0, zorder=0, gid="typical-range")
        ax.set_ylim(*panel_ylim(key, span))
        ax.set_title(f"{lab}" + (f" ({unit})" if unit else ""), fontsize=9)
        ax.set_xticks(x)
        if upright:
            ax.set_xticks(x[::ticks["step"]])
            ax.set_xticklabels(labels[::ticks["step"]], rotation=90, ha="center", fontsize=TICK_FONT_PT)
        else:
            ax.set_xticklabels(labels, rotation=30 if long else 0, ha="right" if long else "center",
                               fontsize=TICK_FONT_PT)
        ax.set_xlim(-0.4, len(sessions) - 0.6)
        ax.grid(axis="y", color="#e4e7eb", lw=0.6)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    fig.subplots_adjust(hspace=ticks["hspace"] if upright else 1.0 if long else 0.65, wspace=0.3)
    return fig


def format_cell(v: Any, key: str, *, signed: bool = False) -> str:
    """A table value with the metric's decimals (:data:`METRIC_ROWS`; 1 for walking time and flag
    minutes, 0 for symptom-mark counts and pain); '–' when missing; never '-0.0' (a value that rounds to
    zero is zero)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    d = {k: dec for k, _, _, dec in METRIC_ROWS}.get(key, BOUT_ROW_DECIMALS.get(key, 0 if key in ("marks_n", "pain_max")
                                                                            else 1))
    v = 0.0 if round(float(v), d) == 0 else float(v)
    return f"{v:+.{d}f}" if signed else f"{v:.{d}f}"


def render_comparison_html(sessions: Sequence[Session], table: pd.DataFrame | None = None, *,
                           anonymised: bool = False) -> str:
    """A self-contained page: one small panel per key metric (each walk's median with its middle
    half), the table, and what the marks mean. No network, no JavaScript (like the report). ``anonymised``
    (``compare --anonymise``): the walks' list names neither their files nor when they were recorded."""
    import datetime as _dt
    import html as _html

    from matplotlib import rc_context

    from . import __version__ as version
    from .report.common import DISCLAIMER, DISCLAIMER_TITLE
    from .report.html import CSS, _rc, figure_svg, plot_html

    table = compare_sessions(sessions) if table is None else table
    ranges = typical_walking_ranges(table)
    notes = comparability_notes(sessions)
    labels = [c for c in table.columns if c not in TABLE_FIXED_COLUMNS]
    metrics = [(k, chest_label(k, lab, sessions), unit) for k, lab, unit, _ in METRIC_ROWS if k in set(table["key"])]
    e = _html.escape
    fig_html = ""
    if metrics:
        with rc_context(_rc()):
            fig = comparison_figure(sessions, metrics, labels)
            mixed = (" Circles are walking, triangles running (a walk that turned into a run has both); a line "
                     "joins only two walks in a row with the same gait." if compared_gaits(sessions) else "")
            fig_html = plot_html(figure_svg(fig), "compare", "Key metrics walk by walk",
                                 "Each walk's median; the bar is its middle half (25th–75th percentile of the steps). "
                                 "Each panel spans at least a set range in its unit, so a small difference looks small."
                                 + mixed + (" A hollow marker is a walk whose value the notes below say not to "
                                            "compare with the first walk's; no line joins it to its neighbours."
                                            if any(unmarkable_keys(sessions[0].summary, s.summary) for s in sessions)
                                            else "")
                                 + (" The pale green band is walking's typical range, where one is published."
                                    if len(gait_series(sessions)) == 1 and gait_series(sessions)[0][0] != "run"
                                    and ranges else ""), comparison_summary(table, labels))
    rows_html = []
    trended = has_trend(table)
    for r in table.to_dict(orient="records"):
        cells = "".join(f"<td class='num'>{format_cell(r[c], r['key'])}</td>" for c in labels)
        mark = " *" if is_marked(r) else ""
        change = format_cell(r["change"], r["key"], signed=True) + ("" if _nan(r["change"]) else mark)
        unit = f" ({e(r['unit'])})" if r["unit"] and "(" not in r["row"] else ""
        trend = f"<td class='num'>{e(trend_cell(r))}</td>" if trended else ""
        rows_html.append(f"<tr><th scope='row'>{e(r['row'])}{unit}</th>{cells}<td class='num'>{e(change)}</td>"
                         f"{trend}</tr>")
    head = "".join(f"<th scope='col' class='num'>{e(c)}</th>" for c in labels)
    if trended:
        head_trend = "<th scope='col' class='num'>trend</th>"
    else:
        head_trend = ""
    def recorded(s: Session) -> str:
        when = session_start(s)
        return "" if when is None else f" (recorded {when.isoformat(sep=' ', timespec='minutes')})"

    sources = "".join(f"<li>{e(s.label)}: file and date left out (--anonymise)</li>" if anonymised
                      else f"<li>{e(s.label)}: {e(s.source)}{e(recorded(s))}</li>" for s in sessions)
    order = order_words(sessions)
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>Gait comparison</title><style>{CSS}</style></head><body><div class='page'>"
            f"<header><h1>Gait comparison</h1><p class='sub'>{len(sessions)} walks, {e(order)}</p></header><main>"
            f"<section id='panels'><h2>Key metrics walk by walk</h2>{fig_html}</section>"
            f"<section id='table'><h2>Table</h2><div class='table-wrap'><table class='compare'>"
            f"<caption>Each walk's median, {e(order)}, and the change from the first walk to the last "
            f"(* = beyond the usual repeat-to-repeat difference)</caption>"
            f"<tr><th scope='col'>Metric</th>{head}<th scope='col' class='num'>change</th>{head_trend}</tr>"
            f"{''.join(rows_html)}</table></div><p class='evidence'>{e(change_words(table))}. "
            f"{e(mark_explanation(table))}" + (f" {e(trend_words(table))}" if trended else "") + "</p>"
            + (f"<p class='evidence'>{e(ranges)}</p>" if ranges else "")
            + "</section>"
            + (("<section id='comparability'><h2>Before reading a change as the walker's</h2><ul>"
                + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul></section>") if notes else "") +
            f"<section id='walks'><h2>Walks</h2><ul>{sources}</ul></section></main>"
            f"<footer class='disclaimer'><p><strong>{e(DISCLAIMER_TITLE)}</strong> {e(DISCLAIMER)}</p>"
            f"<p class='meta'>Made by imu_gait {e(version)} on {e(now)}. This page is self-contained and needs no "
            "network.</p></footer></div></body></html>")


def comparison_summary(table: pd.DataFrame, labels: Sequence[str]) -> str:
    """The comparison plot in numbers (its text alternative): each metric's medians walk by walk."""
    bits = []
    for r in table.to_dict(orient="records"):
        if r["key"] not in {k for k, *_ in METRIC_ROWS} or all(_nan(r[c]) for c in labels):
            continue
        unit = f" ({r['unit']})" if r["unit"] and "(" not in r["row"] else ""
        bits.append(f"{r['row']}{unit}: " + ", ".join(format_cell(r[c], r["key"]) for c in labels))
    return f"Medians of {', '.join(labels)}, in that order. " + "; ".join(bits) + "."


def _nan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))
