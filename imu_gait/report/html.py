"""The HTML report: one self-contained file that opens in a browser with no network.

Plots are drawn with matplotlib's object API (``matplotlib.figure.Figure``, Agg/SVG
canvases; pyplot and the global backend are never touched) and inlined as SVG; CSS is
inline; there is no JavaScript. Dense point clouds (thousands of steps) are rasterised
inside the SVG as an embedded PNG so the file stays small.

Sections: header and summary tables, metrics over time, a flag timeline, per-step scatter
plots, the flags with cause and advice, notes about the input, and the disclaimer. A result
without steps gives a short "no walking found" page instead of empty plots.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import html
import io
import math
import os
import re
from typing import Any, Sequence

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter

from ..marks import marks_with_flag
from ..result import AnalysisResult, Flag
from ..strain import TURN_BLIND, severity_word
from .common import (FlagGroup, exercise_heading, DISCLAIMER, DISCLAIMER_TITLE, GAIT_WORDS, METRIC_BY_COLUMN, TIMELINE_METRICS, Overview,
                     build_overview, gait_stretches, flag_evidence, flag_groups, flag_value_text, flag_title, flags_by_id, fmt_clock, fmt_duration,
                     no_data_text, PUSHING_TEXT, recording_line, step_table, walking_line)
from .._output_file import write_text_atomically

#: Severity colours: yellow → vermilion → wine, ordered in lightness (L* 82 / 54 / 29) so they stay apart
#: for protan, deutan and tritan vision and in a grey print (the former #e0b000 / #e8710a / #c5221f came
#: within ΔE 13 of each other for deuteranopia). Severity is never shown by colour alone: the bars and
#: shaded spans also carry :data:`SEVERITY_HATCH` and the text says the severity in words.
SEVERITY_COLOR = {"mild": "#f0c808", "moderate": "#d55e00", "marked": "#7b1e4d"}
SEVERITY_HATCH = {"mild": "..", "moderate": "//", "marked": "xx"}
SIDE_COLOR = {"L": "#1f6fb4", "R": "#e69f00", "": "#8a8a8a"}
POINT_COLOR = "#7f9fbf"
LINE_COLOR = "#1b4f80"
RANGE_COLOR = "#2e9d5b"
MARK_COLOR = "#111111"          # the walker's symptom marks: black, a colour no flag or metric uses
#: gaps in the samples: a grey, back-hatched band (no flag uses grey or this hatch), so a hole in the data is not
#: read as a rest between two bouts
NO_DATA_COLOR, NO_DATA_HATCH = "#9aa5b1", "\\\\\\"

#: Above this many points in one figure its dots are rasterised (an embedded PNG inside the
#: SVG, at RASTER_DPI); axes, lines and text stay vector. Keeps a report of a long day small.
RASTERIZE_ABOVE = 1500
RASTER_DPI = 150
#: x label of the plots against recording time (its ticks are minutes:seconds from the first sample)
TIME_AXIS_LABEL = "recording time (min:s)"
#: ... and when the axis reaches an hour, where its ticks read h:mm:ss ('1:00:00' under 'min:s' made no sense)
TIME_AXIS_LABEL_H = "recording time (h:mm:ss)"
#: Above this many steps the step-time plot draws each side's median and middle half over SIDE_BINS runs of
#: steps (the dots of one side hid the other's); the dots stay, faint and grey.
SIDE_BINS_ABOVE = 5000
SIDE_BINS = 200
#: Rolling window (steps) for the smoothed line when the engine gave no timeline.
SMOOTH_STEPS = 11
#: A smoothed line longer than this is reduced to per-bin medians before drawing
#: (a 10-inch plot cannot show more; a 24-hour recording has ~100 000 steps).
MAX_LINE_POINTS = 1500

CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --bg:#ffffff; --soft:#f5f7fa; --link:#1a56a0; }
* { box-sizing: border-box; }
body { margin:0; background:var(--soft); color:var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
.page { max-width: 1040px; margin: 0 auto; padding: 24px 20px 40px; background: var(--bg); }
a { color: var(--link); }
.table-wrap { overflow-x: auto; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.0em; margin: 16px 0 4px; }
.sub { color: var(--muted); margin: 0 0 12px; word-break: break-all; }
.glance { font-size: 1.05em; background: var(--soft); padding: 10px 14px; border-radius: 6px; }
.cols { display: flex; flex-wrap: wrap; gap: 8px 40px; }
.cols > div { flex: 1 1 300px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; vertical-align: top; border-bottom: 1px solid var(--line); }
th { font-weight: 600; color: var(--muted); font-size: .9em; }
table.facts th { width: 42%; color: var(--ink); }
table.metrics th[scope='row'], table.bouts th[scope='row'] { font-weight: 400; color: var(--ink); font-size: 1em; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.note { color: var(--muted); }
td.note.ok { color: #2e7d4f; } td.note.low, td.note.high, td.note.flagged, td.note.clipped { color: #9a6700; }
figure.plot { margin: 8px 0 4px; }
figure.plot svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .9em; margin-top: 2px; }
.flag { border-left: 5px solid #999; background: var(--soft); padding: 8px 14px; margin: 10px 0; border-radius: 4px; }
.flag.mild { border-color: #f0c808; } .flag.moderate { border-color: #d55e00; } .flag.marked { border-color: #7b1e4d; }
.flag .when { color: var(--muted); font-variant-numeric: tabular-nums; }
figcaption .in-numbers { display: block; margin-top: 4px; color: var(--ink); }
.flag .sev { font-weight: 600; text-transform: uppercase; font-size: .8em; letter-spacing: .04em; }
.flag p { margin: 4px 0; }
.flag ul.occurrences { margin: 4px 0 6px; padding-left: 18px; }
.evidence { color: var(--muted); font-size: .92em; }
.empty { background: #fff8e1; padding: 14px 18px; border-radius: 6px; }
ul.warnings li { margin: 3px 0; }
.check-sensor { background: #fff8e1; border-left: 4px solid #f0b429; padding: 8px 12px; margin: 10px 0; }
footer.disclaimer { margin-top: 36px; padding: 14px 18px; border: 1px solid var(--line); border-radius: 6px;
  background: #fbfbfd; }
footer .meta { color: var(--muted); font-size: .85em; margin-top: 10px; }
@media (max-width: 600px) { .page { padding: 16px 12px 32px; } th, td { padding: 4px 5px; }
  td.num { white-space: normal; } }
@media print {
  @page { margin: 14mm 12mm; }
  body { background: #fff; font-size: 11pt; }
  .page { max-width: none; padding: 0; }
  .glance, .flag, .empty, .check-sensor, footer.disclaimer { background: #fff; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure.plot, .flag, footer.disclaimer, .check-sensor, tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }   /* a long table's header row on every printed page */
  figure.plot svg { width: auto; max-width: 100%; max-height: 19cm; margin: 0 auto; }
  figure.plot[data-plot='compare'] svg { max-height: 15cm; }   /* with the title above it on page 1 */
  .table-wrap { overflow: visible; }
  a { color: var(--ink); text-decoration: underline; }   /* the pages link only within themselves */
}
"""


# ---------------------------------------------------------------- figures → inline SVG
_SVG_STRIP = [
    re.compile(r"<\?xml[^>]*\?>\s*"),
    re.compile(r"<!DOCTYPE[^>]*>\s*", re.S),
    re.compile(r"<metadata>.*?</metadata>\s*", re.S),
    re.compile(r'\s+xmlns(:\w+)?="[^"]*"'),
]


def figure_svg(fig: Figure, dpi: float = RASTER_DPI) -> str:
    """The figure as an ``<svg>`` element fit for inlining into HTML5.

    The XML prolog, DOCTYPE, RDF metadata and namespace URLs are removed: HTML5 parsers
    know the SVG and xlink namespaces, and the page then holds no ``http`` reference at all.
    """
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", dpi=dpi)
    svg = buf.getvalue()
    for pat in _SVG_STRIP:
        svg = pat.sub("", svg)
    return svg.strip()


def _rc() -> dict[str, Any]:
    return {"svg.fonttype": "none", "font.size": PLOT_TEXT_PT, "axes.spines.top": False, "axes.spines.right": False,
            "axes.titlesize": 10, "axes.titleweight": "bold", "axes.titlelocation": "left",
            # SVG text stays text: name fonts every system has, ending in the generic family
            "font.family": ["sans-serif"],
            "font.sans-serif": ["DejaVu Sans", "Segoe UI", "Helvetica", "Arial", "Liberation Sans"],
            "svg.hashsalt": None}


def _nice_interval_s(span_s: float, max_ticks: int = 10) -> float:
    for step in (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400):
        if span_s / step <= max_ticks:
            return float(step)
    # whole days beyond: a fixed 12 h drew 730 ticks per axis for a year between two walks (a logger's
    # clock set forward), and matplotlib took 40 s to lay them out
    return 86400.0 * math.ceil(span_s / max_ticks / 86400.0)


def _time_axis(ax, t0: float, t1: float, origin_s: float = 0.0) -> None:
    """Ticks at round m:ss (h:mm:ss from the hour) counted from ``origin_s`` (the recording's first sample): a file with
    epoch seconds as its time axis must read 00:00, 00:30 … and not the epoch's clock."""
    step = _nice_interval_s(t1 - t0)
    k0, k1 = math.ceil((t0 - origin_s) / step - 1e-9), math.floor((t1 - origin_s) / step + 1e-9)
    ticks = [k * step for k in range(k0, k1 + 1)]
    ax.xaxis.set_major_locator(FixedLocator([origin_s + v for v in ticks]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_clock(v - origin_s)))
    # the label names the ticks' format: fmt_clock writes h:mm:ss from the hour on (an axis that ends just
    # short of its 1:00:00 tick keeps min:s)
    ax.set_xlabel(TIME_AXIS_LABEL_H if any(fmt_clock(v).count(":") == 2 for v in ticks) else TIME_AXIS_LABEL)


def _num(steps: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(steps[col], errors="coerce").to_numpy(dtype=float)


def _break_at_bouts(t: np.ndarray, y: np.ndarray, bout: np.ndarray, max_gap_s: float = 5.0):
    """Insert NaN between bouts (and across long pauses) so lines do not bridge them."""
    if t.size < 2:
        return t, y
    cut = (np.diff(bout) != 0) | (np.diff(t) > max_gap_s)
    idx = np.flatnonzero(cut) + 1
    return np.insert(t, idx, np.nan), np.insert(y, idx, np.nan)


def decimate_line(t: np.ndarray, y: np.ndarray, max_points: int = MAX_LINE_POINTS
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Reduce a long line to medians over ``max_points`` equal time bins.

    Empty bins and bins holding only NaN become NaN, so breaks between bouts survive.
    Lines at or under ``max_points`` are returned unchanged.
    """
    if t.size <= max_points:
        return t, y
    ok = np.isfinite(t)
    t0, t1 = float(np.min(t[ok])), float(np.max(t[ok]))
    edges = np.linspace(t0, t1, max_points + 1)
    idx = np.clip(np.searchsorted(edges, t[ok], side="right") - 1, 0, max_points - 1)
    frame = pd.DataFrame({"bin": idx, "t": t[ok], "y": y[ok]})
    agg = frame.groupby("bin").agg(t=("t", "median"), y=("y", "median")).reindex(range(max_points))
    centres = 0.5 * (edges[:-1] + edges[1:])
    tt = np.where(np.isnan(agg["t"].to_numpy()), centres, agg["t"].to_numpy())
    return tt, agg["y"].to_numpy(dtype=float)


def smoothed_series(steps: pd.DataFrame, timeline: pd.DataFrame | None, col: str) -> tuple[np.ndarray, np.ndarray]:
    """(time_s, value) of the smoothed metric: the engine's timeline if it has the column,
    else a rolling median over :data:`SMOOTH_STEPS` steps within each bout."""
    if isinstance(timeline, pd.DataFrame) and len(timeline) and col in timeline.columns:
        tcol = next((c for c in ("time_s", "t_s", "start_s") if c in timeline.columns), None)
        t = _num(timeline, tcol) if tcol else pd.to_numeric(pd.Series(timeline.index), errors="coerce").to_numpy(float)
        y = _num(timeline, col)
        if np.isfinite(t).all() and np.isfinite(y).any():
            bout = _num(timeline, "bout") if "bout" in timeline.columns else np.zeros_like(t)
            return _break_at_bouts(t, y, bout)
    t = _num(steps, "time_s")
    bout = np.nan_to_num(_num(steps, "bout"), nan=-1.0)
    y = pd.Series(_num(steps, col)).groupby(bout).transform(
        lambda s: s.rolling(SMOOTH_STEPS, center=True, min_periods=3).median()).to_numpy(float)
    return _break_at_bouts(t, y, bout)


def _span(ov: Overview, steps: pd.DataFrame, flags: Sequence[Flag]) -> tuple[float, float]:
    t0 = ov.time_origin_s       # the recording's first sample on the steps' axis (not 0 for epoch times)
    ends = [t0 + ov.duration_s] if math.isfinite(ov.duration_s) else []
    if len(steps):
        tt = _num(steps, "time_s")
        t0 = min(t0, float(np.nanmin(tt)))
        ends.append(float(np.nanmax(tt)))
    ends += [float(f.end_s) for f in flags if f.end_s is not None and math.isfinite(float(f.end_s))]
    t1 = max(ends) if ends else 1.0
    return t0, max(t1, t0 + 1.0)


#: Smallest y-span of a panel, in display units: a steady metric is drawn flat instead of
#: magnifying sensor noise (0.1° of lean must not look like a change).
MIN_SPAN = {"cadence_spm": 20.0, "vertical_oscillation_cm": 2.0, "trunk_twist_deg": 6.0, "forward_lean_deg": 6.0,
            "lean_vs_standing_deg": 6.0,
            "lateral_sway_cm": 2.0, "pelvic_drop_deg": 4.0, "step_length_m": 0.2, "walking_speed_mps": 0.3, "braking_mps": 0.1,
            "impact_g": 0.4, "step_regularity": 0.4, "ground_contact_ms": 60.0, "stride_time_cv_pct": 4.0, "step_time_asymmetry_pct": 6.0}

#: Series only the engine's timeline has (no per-step value), drawn when present.
TIMELINE_ONLY = {"stride_time_cv_pct": ("Stride-time CV", "%"),
                 "step_time_asymmetry_pct": ("Step-time asymmetry", "%")}


def _stem(name: str) -> str:
    """Metric name without its unit suffix (``step_time_asymmetry_pct`` → ``step_time_asymmetry``)."""
    return name.rsplit("_", 1)[0] if "_" in name else name


def panel_for_metric(metric: str, panels: Sequence[str]) -> str | None:
    """The panel a flag's metric belongs to: the same name, or a panel whose stem starts it
    (``step_time_asymmetry_lcb_pct`` → ``step_time_asymmetry_pct``)."""
    if metric in panels:
        return metric
    matches = [p for p in panels if metric.startswith(_stem(p) + "_")]
    return max(matches, key=lambda p: len(_stem(p))) if matches else None


#: panels a flag also rests on besides its main metric: handrail gripping is less twist *and* less sway
#: (its span was shaded on the twist panel alone); over-striding is braking *and* a lower cadence; irregular pace is
#: a higher stride-time CV *or* a lower step regularity (strain's rule), and its card names both — the span was
#: shaded on the CV panel alone, beside a step-regularity panel that showed the drop unshaded
FLAG_EVIDENCE_PANELS = {"handrail_gripping": ("lateral_sway_cm",), "overstriding": ("cadence_spm", "braking_mps"),
                        "pace_too_fast": ("stride_time_cv_pct", "step_regularity")}


def flag_panels(flag: Any, panels: Sequence[str]) -> set[str]:
    """The panels a flag's span is drawn on: its metric's (:func:`panel_for_metric`) and its other evidence's."""
    main = panel_for_metric(str(flag.metric), panels)
    return ({main} if main else set()) | {p for p in FLAG_EVIDENCE_PANELS.get(str(flag.id), ()) if p in panels}


def _timeline_has(timeline: Any, col: str) -> bool:
    return (isinstance(timeline, pd.DataFrame) and col in timeline.columns
            and bool(np.isfinite(pd.to_numeric(timeline[col], errors="coerce")).any()))


def _panel_label(info: Any, col: str, ov: Overview) -> str:
    """A metric's name on its panel (and in the plot's text alternative)."""
    label = info.label.split(" (")[0]
    if info.chest_label and any(r.column == col and r.label == info.chest_label for r in ov.metrics):
        label = info.chest_label.split(" (")[0]         # a chest sensor's row says what it measured
    if info.run_label and ov.metrics_by_gait:       # both gaits on one axis
        label = label.split()[-1].capitalize()
    elif info.run_label and ov.dominant_gait == "run":
        label = info.run_label
    return label


def _turning_mask(steps: pd.DataFrame) -> np.ndarray:
    """The engine's per-step ``turning`` mark (gyro recordings), else all False."""
    if "turning" in steps and steps["turning"].dtype == bool:
        return steps["turning"].to_numpy()
    return np.zeros(len(steps), dtype=bool)


def _mark_times(result: AnalysisResult) -> list[tuple[float, str]]:
    """(time on the recording's axis, short label) of each symptom mark within the recording."""
    return [(float(c.time_s), f"{c.mark.pain:g}" if c.mark.pain is not None else "•")
            for c in getattr(result, "marks", []) or [] if c.in_recording]


def _draw_no_data(axes: Sequence[Any], gaps: Sequence[tuple[float, float]]) -> None:
    """A grey hatched band over each gap in the samples (:attr:`Overview.data_gaps`) on every panel."""
    for a, b in gaps:
        for ax in axes:
            ax.axvspan(a, b, facecolor="#eef1f4", edgecolor=NO_DATA_COLOR, hatch=NO_DATA_HATCH, lw=0, zorder=0.5,
                       gid="no-data")


#: the smallest text in a plot, in points (the page's own text is ~12 pt; 7.5–8 pt labels were hard to read, printed
#: or for a reader with low vision)
PLOT_TEXT_PT = 9


def _no_data_handle() -> Patch:
    return Patch(facecolor="#eef1f4", edgecolor=NO_DATA_COLOR, hatch=NO_DATA_HATCH, lw=0, label="no data (gap)")


def _draw_marks(axes: Sequence[Any], marks: list[tuple[float, str]], t0: float, t1: float) -> None:
    """A thin line through every panel at each symptom mark, its pain rating at the top of the first panel."""
    for t, label in marks:
        if not t0 <= t <= t1:
            continue
        for ax in axes:
            ax.axvline(t, color=MARK_COLOR, lw=1.1, alpha=0.85, gid="symptom-mark")
        axes[0].annotate(label, (t, 1.0), xycoords=("data", "axes fraction"), xytext=(2, -2),
                         textcoords="offset points", ha="left", va="top", fontsize=PLOT_TEXT_PT, color=MARK_COLOR,
                         fontweight="bold")


def _flagged_extent(flags: Sequence[Flag], ts: np.ndarray, ys: np.ndarray, t: np.ndarray, y: np.ndarray
                    ) -> tuple[float, float]:
    """(low, high) a panel must show over its flags' spans: the smoothed line's extremes there and the 2nd–98th
    percentile of the steps there; (inf, -inf) when no flag has a finite value on the panel."""
    lo, hi = math.inf, -math.inf
    for f in flags:
        a, b = float(f.start_s), float(f.end_s)
        line = ys[(ts >= a) & (ts <= b) & np.isfinite(ys)]
        dots = y[(t >= a) & (t <= b) & np.isfinite(y)]
        if line.size:
            lo, hi = min(lo, float(line.min())), max(hi, float(line.max()))
        if dots.size:
            d_lo, d_hi = np.percentile(dots, [2, 98])
            lo, hi = min(lo, float(d_lo)), max(hi, float(d_hi))
    return lo, hi


def _over_time_panels(steps: pd.DataFrame, tl: Any, ov: Overview) -> list[str]:
    """The metrics-over-time plot's panels (and its text alternative's): each metric with a value.

    A run under the engine's timing rate has no regularity on its running steps (RUN_REGULARITY_BLIND): its panel
    held only the odd walking step at the run's ends — one dot on a 25-Hz run's 60 s, unexplained — so it is left
    out (and named, with the rate as the reason), as the metrics table leaves the row out."""
    from ..engine import TIMING_MIN_RATE_HZ, rate_below_limit
    run_blind = rate_below_limit(ov.sample_rate_hz, TIMING_MIN_RATE_HZ) and ov.dominant_gait == "run"
    cols = [c for c in TIMELINE_METRICS if np.isfinite(_num(steps, c)).any()
            and not (run_blind and c == "step_regularity")]
    return cols + [c for c in TIMELINE_ONLY if _timeline_has(tl, c)]


def metrics_over_time_figure(result: AnalysisResult, ov: Overview) -> tuple[Figure | None, list[str]]:
    """Small multiples of each measured metric against recording time; returns the figure
    (None when nothing is measured) and the labels of metrics left out for lack of data."""
    steps = step_table(result)
    tl = result.timeline
    from ..engine import TIMING_MIN_RATE_HZ, rate_below_limit
    timing_blind = rate_below_limit(ov.sample_rate_hz, TIMING_MIN_RATE_HZ)
    run_blind = timing_blind and ov.dominant_gait == "run"
    cols = _over_time_panels(steps, tl, ov)
    # the panels the rate took away are named with it even where they are not always shown (impact, and a run's
    # contact time and regularity)
    rate_taken = ({"impact_g"} | ({"ground_contact_ms", "step_regularity"} if run_blind else set())
                  if timing_blind else set())
    missing = []
    for c in TIMELINE_METRICS:
        if c not in cols and (METRIC_BY_COLUMN[c].core or c in rate_taken):
            info = METRIC_BY_COLUMN[c]
            why = "needs a gyroscope" if info.needs_gyro and ov.has_gyro is False else "not measured"
            if c in rate_taken:
                why = (f"not measured {'for running ' if c == 'step_regularity' else ''}below "
                       f"{TIMING_MIN_RATE_HZ:.0f} Hz; this recording is sampled at {ov.sample_rate_hz:.0f} Hz")
            # a chest sensor's roll range is 'trunk roll' (as its panel and table row say), not 'pelvic drop'
            label = info.chest_label if ov.chest and info.chest_label else info.label
            missing.append(f"{label.lower()} ({why})")
    if not cols:
        return None, missing
    t0, t1 = _span(ov, steps, ov.flags)
    fig = Figure(figsize=(10, 1.45 * len(cols) + 0.5))
    axes = fig.subplots(len(cols), 1, sharex=True, squeeze=False)[:, 0]
    t = _num(steps, "time_s")
    # the engine's per-step mark (gyro): a turning stride's twist and sway describe the route, and the
    # summary and flags leave them out — drawn hollow, so a turn's wild dot is not read as the trunk's
    turning = _turning_mask(steps)
    raster = len(steps) * len(cols) > RASTERIZE_ABOVE
    flag_panel = {id(f): flag_panels(f, cols) for f in ov.flags}
    stretches = gait_stretches(steps) if ov.metrics_by_gait else []
    any_baseline = False
    for ax, col in zip(axes, cols):
        info = METRIC_BY_COLUMN.get(col)
        if info is not None:
            label, unit, scale = _panel_label(info, col, ov), info.unit, info.scale
            rng = info.range_for(ov.dominant_gait, ov.chest, ov.body_height_m)
            y = _num(steps, col) * scale
        else:
            (label, unit), scale, rng, y = TIMELINE_ONLY[col], 1.0, None, np.full(len(steps), np.nan)
        if stretches and info is not None:
            # walking and running: each gait's typical range only over its own stretches (the running
            # range drawn over the walking would make a normal walk look low)
            ranges = []
            for g, a, b in stretches:
                r = info.range_for(g, ov.chest, ov.body_height_m)
                if r is not None:
                    ax.fill_between([a, b], r[0], r[1], color=RANGE_COLOR, alpha=0.08, lw=0, gid=f"range-{g}")
                    ranges.append(r)
            rng = (min(r[0] for r in ranges), max(r[1] for r in ranges)) if ranges else None
        elif rng is not None:
            ax.axhspan(rng[0], rng[1], color=RANGE_COLOR, alpha=0.08, lw=0)
        for f in ov.flags:
            if col in flag_panel[id(f)]:
                c = SEVERITY_COLOR.get(f.severity, "#999")
                ax.axvspan(f.start_s, f.end_s, color=c, alpha=0.18, lw=0)
                # the severity's hatch over the tint: the span's severity does not rest on its colour alone
                ax.axvspan(f.start_s, f.end_s, facecolor="none", edgecolor=c, alpha=0.45, lw=0,
                           hatch=SEVERITY_HATCH.get(f.severity, ""), gid=f"flag-span-{f.severity}")
        if np.isfinite(y).any():
            hollow = turning if col in TURN_BLIND else np.zeros_like(turning)
            ax.scatter(t[~hollow], y[~hollow], s=5, color=POINT_COLOR, alpha=0.45, lw=0, rasterized=raster)
            if hollow.any():
                ax.scatter(t[hollow], y[hollow], s=9, facecolors="none", edgecolors=POINT_COLOR, alpha=0.6, lw=0.6,
                           rasterized=raster, gid="turning-steps")
        st_full, sy_full = smoothed_series(steps, tl, col)
        ts, ys = decimate_line(st_full, sy_full)
        ax.plot(ts, ys * scale, color=LINE_COLOR, lw=1.4)
        base = f"{col}_baseline"
        if _timeline_has(tl, base):
            bt, by = decimate_line(*smoothed_series(steps, tl, base))
            ax.plot(bt, by * scale, color="#52606d", lw=1.0, ls=(0, (4, 3)))
            any_baseline = True
        finite = np.concatenate([y[np.isfinite(y)], (ys * scale)[np.isfinite(ys)]])
        if finite.size > 4:  # keep a few wild steps from flattening the panel
            lo, hi = np.percentile(finite, [2, 98])
            # the percentiles drop single wild steps, but also a short flagged episode (under 2 % of an
            # hour's steps): the flagged stretch's smoothed line, and its steps' middle 96 %, stay inside
            # the panel, so the plot shows how large the flagged change was (the caption gives its numbers)
            flagged_lo, flagged_hi = _flagged_extent(
                [f for f in ov.flags if col in flag_panel[id(f)]], st_full, sy_full * scale, t, y)
            lo, hi = min(lo, flagged_lo), max(hi, flagged_hi)
            if rng is not None:
                lo, hi = min(lo, rng[0]), max(hi, rng[1])
            pad = max((hi - lo) * 0.2, 1e-3)
            lo, hi = lo - pad, hi + pad
            grow = MIN_SPAN.get(col, 0.0) - (hi - lo)
            if grow > 0:
                lo, hi = lo - grow / 2, hi + grow / 2
            if lo < 0 <= finite.min():        # a metric that cannot go negative gets no negative axis
                lo, hi = 0.0, hi - lo
            ax.set_ylim(lo, hi)
        ax.set_ylabel(label + (f" ({unit})" if unit else ""), rotation=0, ha="right", va="center", fontsize=PLOT_TEXT_PT)
        ax.grid(axis="y", color="#e4e7eb", lw=0.6)
    marks = _mark_times(result)
    _draw_marks(axes, marks, t0, t1)
    _draw_no_data(axes, ov.data_gaps)
    axes[-1].set_xlim(t0, t1)
    _time_axis(axes[-1], t0, t1, ov.time_origin_s)
    handles = [Line2D([], [], color=POINT_COLOR, marker="o", ls="", ms=4, label="one step"),
               Line2D([], [], color=LINE_COLOR, lw=1.6, label="smoothed")]
    if any_baseline:
        handles.append(Line2D([], [], color="#52606d", lw=1.0, ls=(0, (4, 3)), label="your baseline"))
    if marks:
        handles.append(Line2D([], [], color=MARK_COLOR, lw=1.1, label="your mark (pain 0–10)"))
    handles.append(Patch(color=RANGE_COLOR, alpha=0.25, label="typical range"))
    if ov.data_gaps:
        handles.append(_no_data_handle())
    handles += [Patch(facecolor=c, edgecolor=c, alpha=0.4, hatch=SEVERITY_HATCH[s], lw=0, label=f"{severity_word(s)} flag")
                for s, c in SEVERITY_COLOR.items() if any(f.severity == s for f in ov.flags)]
    fig.legend(handles=handles, loc="upper right", ncol=len(handles), frameon=False, fontsize=PLOT_TEXT_PT,
               bbox_to_anchor=(0.99, 1.0))
    fig.subplots_adjust(hspace=0.18, top=1 - 0.35 / fig.get_figheight())
    return fig, missing


def flag_timeline_figure(result: AnalysisResult, ov: Overview) -> Figure:
    """Horizontal bars: walking bouts on top, then one row per flag id, coloured by severity."""
    steps = step_table(result)
    groups = flags_by_id(ov.flags)
    stages = _treadmill_stages(result)
    rows = ["walking"] + (["treadmill"] if stages else []) + list(groups)
    t0, t1 = _span(ov, steps, ov.flags)
    fig = Figure(figsize=(10, 0.75 + 0.42 * len(rows)))
    ax = fig.subplots()
    bouts = _bout_spans(result, steps)
    n = len(rows)
    ax.broken_barh([(a, max(b - a, (t1 - t0) * 0.002)) for a, b in bouts], (n - 1 - 0.35, 0.7),
                   facecolors="#b8c4d0")
    if stages:
        # the treadmill program under the bouts: a flag that starts with a stage is easy to see
        y = n - 2
        for k, (a, label) in enumerate(stages):
            b = stages[k + 1][0] if k + 1 < len(stages) else t1
            a, b = max(a, t0), min(b, t1)
            if b <= a:
                continue
            ax.broken_barh([(a, b - a)], (y - 0.35, 0.7), facecolors="#dfe7ef" if k % 2 == 0 else "#c9d6e3",
                           edgecolors="white")
            # labelled where the text fits its bar (9 pt: ~0.6 em a character, the axes' own width in points)
            bar_pt = (b - a) / (t1 - t0) * ax.get_position().width * fig.get_figwidth() * 72
            if bar_pt >= 0.6 * PLOT_TEXT_PT * len(label) + 6:
                ax.text((a + b) / 2, y, label, ha="center", va="center", fontsize=PLOT_TEXT_PT, color="#323f4b")
    for i, fid in enumerate(groups):
        y = n - 2 - (1 if stages else 0) - i
        for f in groups[fid]:
            width = max(float(f.end_s) - float(f.start_s), (t1 - t0) * 0.003)
            ax.broken_barh([(float(f.start_s), width)], (y - 0.35, 0.7),
                           facecolors=SEVERITY_COLOR.get(f.severity, "#999"), edgecolors="white", linewidths=0,
                           hatch=SEVERITY_HATCH.get(f.severity, ""), gid=f"flag-bar-{f.severity}")
    ax.set_yticks(range(n))
    names = {"walking": f"{ov.gait_word.lower()} (bouts)", "treadmill": "treadmill program"}
    # each row by its flags' own title ("Irregular steps / shuffling" where the cadence fell), as the cards head them
    ax.set_yticklabels([names.get(r) or FlagGroup(r, groups[r]).title for r in reversed(rows)])
    ax.set_ylim(-0.6, n - 0.4)
    _draw_marks([ax], _mark_times(result), t0, t1)
    _draw_no_data([ax], ov.data_gaps)
    ax.set_xlim(t0, t1)
    _time_axis(ax, t0, t1, ov.time_origin_s)
    ax.grid(axis="x", color="#e4e7eb", lw=0.6)
    ax.set_axisbelow(True)
    handles = [Patch(facecolor=c, edgecolor="white", hatch=SEVERITY_HATCH[s], lw=0, label=severity_word(s))
               for s, c in SEVERITY_COLOR.items() if any(f.severity == s for f in ov.flags)]
    if groups and _mark_times(result):
        handles.append(Line2D([], [], color=MARK_COLOR, lw=1.1, label="your mark"))
    if ov.data_gaps:
        handles.append(_no_data_handle())
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=PLOT_TEXT_PT,
                  title="severity" if groups else None, title_fontsize=PLOT_TEXT_PT)
    if not groups:
        ax.text(0.5, 0.15, "no flags", transform=ax.transAxes, ha="center", va="center", color="#616e7c")
    return fig


def _treadmill_stages(result: AnalysisResult) -> list[tuple[float, str]]:
    """(start on the recording's axis, 'km/h · %' label) per stage of a treadmill schedule, else []."""
    sched = result.summary.get("treadmill_schedule") or []
    origin = float(result.summary.get("treadmill_schedule_origin_s") or 0.0)
    out = []
    for st in sched:
        bits = []
        if st.get("belt_speed_mps") is not None:
            bits.append(f"{st['belt_speed_mps'] * 3.6:.1f} km/h")
        if st.get("incline_pct") is not None:
            bits.append(f"{st['incline_pct']:g} %")
        out.append((origin + float(st["start_s"]), " · ".join(bits)))
    return out


def _bout_spans(result: AnalysisResult, steps: pd.DataFrame) -> list[tuple[float, float]]:
    b = result.bouts
    if isinstance(b, pd.DataFrame) and len(b) and {"start_s", "end_s"} <= set(b.columns):
        return [(float(s), float(e)) for s, e in zip(_num(b, "start_s"), _num(b, "end_s"))
                if math.isfinite(s) and math.isfinite(e)]
    if not len(steps):
        return []
    t = _num(steps, "time_s")
    bout = np.nan_to_num(_num(steps, "bout"), nan=-1.0)
    return [(float(t[bout == k].min()), float(t[bout == k].max())) for k in np.unique(bout)]


def step_scatter_figure(result: AnalysisResult, ov: Overview) -> Figure:
    """Left: step time per step index, left/right coloured. Right: bounce against cadence,
    coloured by recording time."""
    steps = step_table(result)
    raster = 2 * len(steps) > RASTERIZE_ABOVE
    fig = Figure(figsize=(10, 3.6))
    ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.35, 1]})
    idx = np.arange(len(steps))
    st_ms = _num(steps, "step_time_s") * 1000.0
    side = steps["side"].fillna("").astype(str).to_numpy()
    binned = len(steps) > SIDE_BINS_ABOVE
    if binned:
        # thousands of dots: the side drawn last covered the other (20 000 steps showed orange alone). Each
        # side's median and middle half per run of steps instead, over the steps as faint grey dots
        ok = np.isfinite(st_ms)
        ax1.scatter(idx[ok], st_ms[ok], s=3, color="#b8c4d0", alpha=0.35, lw=0, rasterized=True, label="one step")
        per_bin = math.ceil(len(steps) / SIDE_BINS)
        for s, label in (("L", "left"), ("R", "right")):
            m = (side == s) & ok
            if m.sum() < 2:
                continue
            q = pd.DataFrame({"bin": idx[m] // per_bin, "i": idx[m], "v": st_ms[m]}).groupby("bin").agg(
                i=("i", "median"), lo=("v", lambda v: v.quantile(0.25)), med=("v", "median"),
                hi=("v", lambda v: v.quantile(0.75)))
            ax1.fill_between(q["i"], q["lo"], q["hi"], color=SIDE_COLOR[s], alpha=0.2, lw=0)
            ax1.plot(q["i"], q["med"], color=SIDE_COLOR[s], lw=1.3, gid=f"side-median-{s}",
                     label=f"{label}: median of each {per_bin} steps (band: middle half)")
    else:
        for s, label in (("L", "left"), ("R", "right"), ("", "side unknown")):
            m = side == s
            if m.any() and np.isfinite(st_ms[m]).any():
                ax1.scatter(idx[m], st_ms[m], s=7, color=SIDE_COLOR[s], alpha=0.75, lw=0, label=label,
                            rasterized=raster)
    ax1.set_title("Step time, step by step")
    ax1.set_xlabel("step number")
    ax1.set_ylabel("step time (ms)")
    fin = st_ms[np.isfinite(st_ms)]
    if fin.size > 4:
        lo, hi = np.percentile(fin, [0.5, 99.5])
        pad = max((hi - lo) * 0.15, 10.0)
        ax1.set_ylim(lo - pad, hi + pad)
    if binned:
        # under the plot: on a long recording the lines fill the panel, and no corner is free
        ax1.legend(frameon=False, fontsize=PLOT_TEXT_PT, markerscale=2, loc="upper center", bbox_to_anchor=(0.5, -0.2),
                   ncol=1)
    elif ax1.collections:
        # 'best' searches every point for a free corner: minutes for a day's 150,000 steps
        ax1.legend(frameon=False, fontsize=PLOT_TEXT_PT, markerscale=2, loc="best")
    ax1.grid(color="#e4e7eb", lw=0.6)
    cad = _num(steps, "cadence_spm")
    vo = _num(steps, "vertical_oscillation_cm")
    ok = np.isfinite(cad) & np.isfinite(vo)
    ax2.set_title("Bounce against cadence")
    ax2.set_xlabel("cadence (steps/min)")
    ax2.set_ylabel("vertical oscillation (cm)")
    ax2.grid(color="#e4e7eb", lw=0.6)
    if ok.sum() >= 2:
        t_min = (_num(steps, "time_s")[ok] - ov.time_origin_s) / 60.0
        sc = ax2.scatter(cad[ok], vo[ok], c=t_min, cmap="viridis", s=7, alpha=0.8, lw=0, rasterized=raster)
        cb = fig.colorbar(sc, ax=ax2, pad=0.02)
        cb.set_label("recording time (min)", fontsize=PLOT_TEXT_PT)
        lo, hi = np.percentile(cad[ok], [1, 99])
        ax2.set_xlim(lo - max((hi - lo) * 0.1, 2), hi + max((hi - lo) * 0.1, 2))
        lo, hi = np.percentile(vo[ok], [1, 99])
        ax2.set_ylim(lo - max((hi - lo) * 0.1, 0.2), hi + max((hi - lo) * 0.1, 0.2))
    elif np.isfinite(cad).sum() >= 2:
        # no bounce (a sensor off the trunk, e.g. a pocket): the cadence alone, step by step, rather than
        # an empty panel
        ok = np.isfinite(cad)
        ax2.cla()
        ax2.set_title("Cadence, step by step")
        ax2.set_xlabel("step number")
        ax2.set_ylabel("cadence (steps/min)")
        ax2.grid(color="#e4e7eb", lw=0.6)
        t_min = (_num(steps, "time_s")[ok] - ov.time_origin_s) / 60.0
        sc = ax2.scatter(idx[ok], cad[ok], c=t_min, cmap="viridis", s=7, alpha=0.8, lw=0, rasterized=raster)
        fig.colorbar(sc, ax=ax2, pad=0.02).set_label("recording time (min)", fontsize=PLOT_TEXT_PT)
    else:
        ax2.text(0.5, 0.5, "bounce or cadence not measured", transform=ax2.transAxes, ha="center",
                 va="center", color="#616e7c")
    fig.tight_layout()
    return fig


def _bounce_measured(result: AnalysisResult) -> bool:
    return bool(np.isfinite(_num(step_table(result), "vertical_oscillation_cm")).sum() >= 2)


# ---------------------------------------------------------------- text alternatives of the plots
def _fmt(v: float, decimals: int) -> str:
    v = 0.0 if round(v, decimals) == 0 else v
    return f"{v:.{decimals}f}"


def _range_text(values: np.ndarray, decimals: int) -> str:
    """'a–b' over the finite values ('a' when they round alike); '' when there are none."""
    v = values[np.isfinite(values)]
    if not v.size:
        return ""
    lo, hi = _fmt(float(v.min()), decimals), _fmt(float(v.max()), decimals)
    return lo if lo == hi else f"{lo} to {hi}" if lo.startswith("-") else f"{lo}–{hi}"


def _unit_after(unit: str) -> str:
    """A unit after a number as the tables write it (:func:`~.common.fmt_num`): '9.9–10.0°', '0.7–0.8%', '3.6 cm'."""
    return "" if not unit else unit if unit in ("°", "%") else f" {unit}"


def _when_text(ov: Overview, flags: Sequence[Flag], most: int = 4) -> str:
    """'5:01–9:56 (strong), …' for up to ``most`` flags, then 'and N more'."""
    bits = [f"{ov.clock(f.start_s)}–{ov.clock(f.end_s)} ({severity_word(f.severity)})" for f in flags[:most]]
    if len(flags) > most:
        bits.append(f"and {len(flags) - most} more")
    return ", ".join(bits)


def over_time_summary(result: AnalysisResult, ov: Overview) -> str:
    """What the metrics-over-time plot shows, in numbers: each panel's smoothed range and its flags."""
    steps = step_table(result)
    tl = result.timeline
    cols = _over_time_panels(steps, tl, ov)
    t0, t1 = _span(ov, steps, ov.flags)
    flag_panel = {id(f): flag_panels(f, cols) for f in ov.flags}
    out = []
    for col in cols:
        info = METRIC_BY_COLUMN.get(col)
        if info is not None:
            label, unit, scale, dec = _panel_label(info, col, ov), info.unit, info.scale, info.decimals
        else:
            (label, unit), scale, dec = TIMELINE_ONLY[col], 1.0, 1
        _t, ys = smoothed_series(steps, tl, col)
        rng = _range_text(ys * scale, dec)
        if not rng:
            continue
        text = f"{label} {rng}{_unit_after(unit)}"
        mine = [f for f in ov.flags if col in flag_panel[id(f)]]
        if mine:
            text += f", flagged {_when_text(ov, mine)}"
        out.append(text)
    return (f"Smoothed values over {fmt_duration(t1 - t0)}: " + "; ".join(out) + "."
            + ("" if ov.flags else " No flags."))


def timeline_summary(result: AnalysisResult, ov: Overview) -> str:
    """What the flag timeline shows, in numbers: the bouts, the treadmill program's stages, and when each flag
    held, with its severity."""
    steps = step_table(result)
    bouts = _bout_spans(result, steps)
    text = (f"{len(bouts)} {ov.gait_word.lower()} bout{'s' if len(bouts) != 1 else ''}, "
            f"{fmt_duration(ov.walking_time_s)} in a {fmt_duration(ov.duration_s)} recording{_no_data_glance(ov)}.")
    stages = _treadmill_stages(result)
    if stages:
        # the figure's 'treadmill program' row, whose short stages carry no label (told apart by shade alone)
        text += " Treadmill program: " + "; ".join(
            (f"{ov.clock(a)}–{ov.clock(stages[k + 1][0])}" if k + 1 < len(stages) else f"from {ov.clock(a)}")
            + (f" {label}" if label else "") for k, (a, label) in enumerate(stages)) + "."
    groups = flags_by_id(ov.flags)
    marks = _mark_times(result)
    if marks:
        text += f" Your marks at {', '.join(ov.clock(t) + ('' if lab == '•' else f' (pain {lab})') for t, lab in marks)}."
    if not groups:
        return text + " No flags."
    return text + " " + " ".join(f"{FlagGroup(fid, fl).title}: {_when_text(ov, fl)}." for fid, fl in groups.items())


def scatter_summary(result: AnalysisResult, ov: Overview) -> str:
    """What the step-by-step plot shows, in numbers: step time (and by side), cadence and bounce ranges."""
    steps = step_table(result)
    st_ms = _num(steps, "step_time_s") * 1000.0
    fin = st_ms[np.isfinite(st_ms)]
    bits = []
    if fin.size:
        q1, med, q3 = np.percentile(fin, [25, 50, 75])
        side = steps["side"].fillna("").astype(str).to_numpy()
        n_l, n_r = int((side == "L").sum()), int((side == "R").sum())
        sides = ""
        if n_l and n_r:
            ml = np.nanmedian(st_ms[side == "L"])
            mr = np.nanmedian(st_ms[side == "R"])
            sides = f"; left steps median {ml:.0f} ms ({n_l} steps), right {mr:.0f} ms ({n_r} steps)"
        bits.append(f"Step time median {med:.0f} ms, middle half {q1:.0f}–{q3:.0f} ms, over {fin.size} steps{sides}.")
    for col, label, unit, dec in (("cadence_spm", "Cadence", "steps/min", 0), ("vertical_oscillation_cm", "Bounce", "cm", 1)):
        v = _num(steps, col)
        v = v[np.isfinite(v)]
        if v.size >= 2:
            lo, hi = np.percentile(v, [5, 95])
            bits.append(f"{label} {_fmt(lo, dec)}–{_fmt(hi, dec)} {unit} (5th–95th percentile of the steps).")
    return " ".join(bits) or "No step times measured."


# ---------------------------------------------------------------- HTML assembly
def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _head_body(head: str, rows: Sequence[str]) -> str:
    """A long table's header row in ``<thead>``, its rows in ``<tbody>``: a browser repeats a thead on every printed
    page, so page 2 of a 100-bout table still says which column is the cadence and which the speed."""
    return f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody>"


def _facts_table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th scope='row'>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f"<table class='facts'>{body}</table>"


def _metrics_table(ov: Overview) -> str:
    head = ("<tr><th scope='col'>Metric</th><th scope='col' class='num'>Median</th>"
            "<th scope='col' class='num'>Middle half of steps</th><th scope='col'>Note</th></tr>")
    def rows(metrics: list) -> str:
        return "".join(
            f"<tr><th scope='row'>{_e(r.label)}</th><td class='num'>{_e(r.value_text())}</td>"
            f"<td class='num'>{_e(r.spread_text())}</td><td class='note {r.status}'>{_e(r.note)}</td></tr>"
            for r in metrics)

    if ov.metrics_by_gait:      # partly a run: each gait on its own (pooled medians describe neither)
        body = "".join(
            f"<tr class='gait'><th colspan='4' scope='rowgroup'>{_e(GAIT_WORDS[g])} "
            f"({ov.n_walk_steps if g == 'walk' else ov.n_run_steps} steps)</th></tr>" + rows(ms)
            for g, ms in ov.metrics_by_gait.items())
    else:
        body = rows(ov.metrics)
    caption = ("<caption>Trunk twist and side sway leave out turning strides (a turn bends the path, "
               "not the trunk).</caption>" if ov.has_gyro else "")
    return (f"<div class='table-wrap'><table class='metrics' aria-labelledby='key-metrics'>{caption}{head}{body}"
            "</table></div>")


def _flag_cards(ov: Overview) -> str:
    if not ov.flags:
        return f"<p>{_e(ov.no_flags_text)}</p>"
    out = []
    for g in flag_groups(ov.flags):
        sev = g.severity if g.severity in SEVERITY_COLOR else ""
        n = len(g.flags)
        when = f"{n} stretches, {fmt_duration(g.total_s)} in all" if n > 1 else fmt_duration(g.total_s)
        items = []
        for f in g.flags:
            ev = flag_evidence(f)
            if flag_value_text(f) in f.message:   # the message already gives the evidence
                ev = ""
            items.append(f"<li><span class='when'>{_e(ov.clock(f.start_s))}–{_e(ov.clock(f.end_s))}</span> "
                         f"<span class='sev'>{_e(severity_word(f.severity))}</span> {_e(f.message)}"
                         + (f"<br><span class='evidence'>Evidence: {_e(ev)}</span>" if ev else "") + "</li>")
        out.append(
            f"<div class='flag {sev}' id='flag-{_e(g.id)}'>"
            f"<h3>{_e(g.title)} <span class='when'>{_e(when)}</span> <span class='sev'>severity: {_e(severity_word(g.severity))}</span>"
            f"</h3><ul class='occurrences'>{''.join(items)}</ul>"
            + "".join(f"<p><strong>Likely cause:</strong> {_e(c)}</p>" for c in g.causes())
            + "".join(f"<p><strong>What to try:</strong> {_e(a)}</p>" for a in g.advice())
            + (f"<p class='marked'><strong>{_e(marked)}</strong></p>"
               if (marked := marks_with_flag(ov.marks, g.id, ov.time_origin_s)) else "")
            # the rule's id is for whoever reads the JSON or flags CSV beside the page: in the heading it was the
            # first thing a patient (and a screen reader: 'forward underscore lean') met (clinic audit s38)
            + f"<p class='evidence flag-id'>Name in the JSON and flags CSV: <code>{_e(g.id)}</code></p>"
            + "</div>")
    if ov.baseline_text:
        out.append(f"<p class='baseline-note'>{_e(ov.baseline_text)}</p>")
    return "".join(out)


def _marks_section(result: AnalysisResult, ov: Overview) -> str:
    """The walker's symptom marks, each with what the gait did before it, and what repeats across them."""
    from ..marks import marks_pattern

    items = "".join(
        f"<li><span class='when'>{_e(ov.clock(c.time_s))}</span> <strong>{_e(c.mark.label())}</strong>"
        + "".join(f"<br>{_e(line)}" for line in c.lines(ov.time_origin_s)) + "</li>"
        for c in result.marks)
    pattern = marks_pattern(result.marks)
    across = f"<p><strong>Across your marks:</strong> {_e('; '.join(pattern))}.</p>" if pattern else ""
    return (f"<section id='marks'><h2>Your marks</h2><p class='evidence'>Each mark against the minute of walking "
            "before it: a metric is named when it differs from your baseline by more than two walks of the same "
            "person on the same day do (a smaller change cannot be told from an ordinary walk). A mark is when you "
            "felt it, not its cause.</p>"
            f"<ul class='occurrences marks'>{items}</ul>{across}</section>")


#: the most bout rows the report lists (a day holds hundreds; all of them are in --bouts-csv and the JSON)
MAX_BOUT_ROWS = 100


def _cell(v: Any, decimals: int) -> str:
    """A table cell's number, '–' where it was not measured."""
    try:
        v = float(v)
    except (TypeError, ValueError):
        return "–"
    return _fmt(v, decimals) if math.isfinite(v) else "–"


def _bouts_section(result: AnalysisResult, ov: Overview) -> str:
    """One row per bout, when there are two or more: when, how long, how many steps and turns, and the
    bout's cadence, speed, bounce, twist and lean (medians over its steps) — a day's short walks side by side."""
    from ..bouts import BOUT_COLUMNS, bout_table

    table = result.bouts if isinstance(result.bouts, pd.DataFrame) else pd.DataFrame()
    if not set(BOUT_COLUMNS) <= set(table.columns):     # a result put together by hand, or from an older JSON
        # (under the engine's timing rate with its span cadence, as the engine builds the table: single strides
        # take two or three values at 20–26 Hz and their median landed on one — a 165-spm run at 20 Hz read 163)
        from ..engine import CADENCE_SPAN_STRIDES, TIMING_MIN_RATE_HZ, rate_below_limit
        span = CADENCE_SPAN_STRIDES if rate_below_limit(ov.sample_rate_hz, TIMING_MIN_RATE_HZ) else None
        table = bout_table(step_table(result), table, flags=result.flags, cadence_span_strides=span)
    if len(table) < 2:
        return ""
    table = table.sort_values("start_s")
    cols = [("cadence_spm", "Cadence (spm)", 0), ("walking_speed_mps", "Speed (m/s)", 2),
            ("vertical_oscillation_cm", "Bounce (cm)", 1), ("trunk_twist_deg", "Twist (°)", 1),
            ("forward_lean_deg", "Lean (°)", 1)]
    cols = [c for c in cols if c[0] in table and np.isfinite(pd.to_numeric(table[c[0]], errors="coerce")).any()]
    turns = "n_turns" in table and np.isfinite(pd.to_numeric(table["n_turns"], errors="coerce")).any()
    pauses = bool((pd.to_numeric(table["n_pauses"], errors="coerce") > 0).any())
    flagged = bool(table["flags"].fillna("").astype(str).str.len().gt(0).any())
    head = ("<tr><th scope='col'>Bout</th><th scope='col'>From</th><th scope='col' class='num'>Length</th>"
            "<th scope='col' class='num'>Steps</th><th scope='col'>Gait</th>"
            + ("<th scope='col' class='num'>Pauses</th>" if pauses else "")
            + ("<th scope='col' class='num'>Turns</th>" if turns else "")
            + "".join(f"<th scope='col' class='num'>{_e(label)}</th>" for _, label, _ in cols)
            + ("<th scope='col'>Flags</th>" if flagged else "") + "</tr>")
    rows = []
    titles = {g.id: g.title for g in flag_groups(ov.flags)}     # the flags' own titles, as the cards head them
    for r in table.head(MAX_BOUT_ROWS).itertuples(index=False):
        d = r._asdict()
        rows.append(f"<tr><th scope='row'>{int(d['walking_bout']) + 1}</th><td>{_e(ov.clock(d['start_s']))}</td>"
                    f"<td class='num'>{_e(fmt_duration(d['duration_s']))}</td><td class='num'>{int(d['n_steps'])}</td>"
                    f"<td>{_e(GAIT_WORDS.get(d['gait'], d['gait'] or '–').lower())}</td>"
                    + (f"<td class='num'>{_e(_cell(d['n_pauses'], 0))}</td>" if pauses else "")
                    + (f"<td class='num'>{_e(_cell(d['n_turns'], 0))}</td>" if turns else "")
                    + "".join(f"<td class='num'>{_e(_cell(d[k], dec))}</td>" for k, _, dec in cols)
                    + (f"<td>{_e(', '.join(titles.get(i) or flag_title(i) for i in str(d['flags'] or '').split()) or '–')}</td>"
                       if flagged else "") + "</tr>")
    more = (f"<p class='evidence'>The first {MAX_BOUT_ROWS} of {len(table)} bouts; all of them are in "
            "<code>--bouts-csv</code> and the JSON.</p>" if len(table) > MAX_BOUT_ROWS else "")
    speed_note = (" Speed comes from the trunk's bounce (an estimate, ±0.2 m/s), or from the belt speed on a "
                  "treadmill." if any(k == "walking_speed_mps" for k, _, _ in cols) else "")
    return ("<section id='bouts'><h2 id='walking-bouts'>Walking bouts</h2><p class='evidence'>Each bout from its first step to its "
            "last; a pause of less than 3 s (a door, turning on the spot) does not end a bout, as real-world walking "
            "studies count them (Mobilise-D)" + (" — Pauses counts those" if pauses else "") + ". Each metric is the "
            "median over the bout's steps (twist leaves out turning strides). Turns: changes of direction of 45° or "
            "more." + speed_note + (" Flags: the back-strain flags held at some time during the bout." if flagged
                                    else "") + "</p>"
            f"<div class='table-wrap'><table class='bouts' aria-labelledby='walking-bouts'>{_head_body(head, rows)}</table></div>{more}"
            "</section>")


def days_figure(table: pd.DataFrame, valid_h: float) -> Figure:
    """Steps per calendar day: days worn ``valid_h`` hours or more solid, the others pale and hatched, each
    bar labelled with the hours worn — a day of few steps and few hours worn is not a day of little walking."""
    fig = Figure(figsize=(10, 2.8))
    ax = fig.subplots()
    x = np.arange(len(table))
    steps = pd.to_numeric(table["n_steps"], errors="coerce").fillna(0).to_numpy(float)
    valid = table["valid"].astype(bool).to_numpy()
    ax.bar(x[valid], steps[valid], color=LINE_COLOR, width=0.7, label=f"worn {valid_h:g} h or more")
    ax.bar(x[~valid], steps[~valid], color="#c9d6e3", hatch="//", edgecolor="#8a8a8a", lw=0.5, width=0.7,
           label=f"worn less than {valid_h:g} h (does not count)")
    top = max(float(steps.max()) if steps.size else 0.0, 1.0)
    # each label fits its day's width (~0.6 em a character): '12.3 h worn', on many days '12.3 h', on more upright
    day_pt = ax.get_position().width * fig.get_figwidth() * 72 / max(len(table), 1)
    char_pt = 0.6 * PLOT_TEXT_PT
    words, turn = (" h worn", 0) if day_pt >= 11 * char_pt + 4 else ((" h", 0) if day_pt >= 6 * char_pt + 4 else (" h", 90))
    for xi, st, worn in zip(x, steps, pd.to_numeric(table["worn_h"], errors="coerce").to_numpy(float)):
        ax.text(xi, st + top * 0.02, f"{worn:.1f}{words}", ha="center", va="bottom", fontsize=PLOT_TEXT_PT,
                color="#444444", rotation=turn)
    ax.set_ylim(0, top * 1.18)
    ax.set_xticks(x)
    days = [_day_label(d, n) for d, n in zip(table["date"], table["day"])]
    wide = max((len(str(d)) for d in days), default=0) * char_pt + 4 > day_pt       # (dates ran into each other)
    ax.set_xticklabels(days, fontsize=PLOT_TEXT_PT, rotation=90 if wide else 0)
    ax.set_ylabel("steps")
    ax.set_title("Steps per day" + ("" if words == " h worn" else " (above each bar: hours worn)"))
    ax.legend(frameon=False, fontsize=PLOT_TEXT_PT, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def _day_label(date: Any, day: Any) -> str:
    """A day's date, or 'day N' when the recording does not say when it started (no date: None or NaN)."""
    return date if isinstance(date, str) and date else f"day {int(day)}"


def days_summary(table: pd.DataFrame, valid_h: float) -> str:
    """The days plot in numbers: each day's steps and hours worn, and whether it counts."""
    parts = [f"{_day_label(d, n)}: {int(st)} steps, {w:.1f} h worn"
             + ("" if v else f" (less than {valid_h:g} h: does not count)")
             for d, n, st, w, v in zip(table["date"], table["day"], table["n_steps"], table["worn_h"], table["valid"])]
    return "Steps per day — " + "; ".join(parts) + "."


def _days_section(result: AnalysisResult, ov: Overview) -> str:
    """One row per calendar day, when the recording spans two or more: hours recorded and worn, whether the
    day counts, its steps and walking bouts, and the cadence and speed of its walking bouts of 30 s or more."""
    table = getattr(result, "days", None)
    if not isinstance(table, pd.DataFrame) or len(table) < 2:
        return ""
    head = ("<tr><th scope='col'>Day</th><th scope='col'>Date</th><th scope='col' class='num'>Recorded</th>"
            "<th scope='col' class='num'>Worn</th><th scope='col'>Counts</th><th scope='col' class='num'>Steps</th>"
            "<th scope='col' class='num'>Walking bouts</th><th scope='col' class='num'>of 10 s or more</th>"
            "<th scope='col' class='num'>Walking time</th><th scope='col' class='num'>Cadence, bouts ≥ 30 s (spm)</th>"
            "<th scope='col' class='num'>Speed, bouts ≥ 30 s (m/s)</th></tr>")
    rows = []
    for d in table.head(MAX_BOUT_ROWS).to_dict(orient="records"):
        rows.append(f"<tr><th scope='row'>{int(d['day'])}</th><td>{_e(d['date'] if isinstance(d['date'], str) else '–')}</td>"
                    f"<td class='num'>{_e(fmt_duration(d['recorded_h'] * 3600))}</td>"
                    f"<td class='num'>{_e(fmt_duration(d['worn_h'] * 3600))}</td>"
                    f"<td>{'yes' if d['valid'] else 'no'}</td><td class='num'>{int(d['n_steps'])}</td>"
                    f"<td class='num'>{int(d['n_walking_bouts'])}</td><td class='num'>{int(d['n_walking_bouts_10s'])}</td>"
                    f"<td class='num'>{_e(fmt_duration(d['walking_bout_time_s']))}</td>"
                    f"<td class='num'>{_e(_cell(d['cadence_spm_30s_mean'], 0))}</td>"
                    f"<td class='num'>{_e(_cell(d['walking_speed_mps_30s_mean'], 2))}</td></tr>")
    when = {"local": "Calendar days in the recording's own clock.",
            "UTC": "Calendar days in UTC: the file gives Unix time, not the local clock.",
            }.get(ov.days.get("clock"), "24-hour days from the first sample: the file does not say when it started.")
    valid_h = float(ov.days.get("valid_day_worn_h", 10.0))
    shown = table.head(MAX_BOUT_ROWS)
    plot = _plot(days_figure(shown, valid_h), "days", "Steps per calendar day; the label over each bar is the "
                 "hours the sensor was worn that day.", title="Steps per day", summary=days_summary(shown, valid_h))
    return ("<section id='days'><h2 id='days-head'>Day by day</h2>" + plot + "<p class='evidence'>" + when + " Worn: the "
            "sensor not lying still (a still minute within an hour in which two of its axes moved less than 13 mg "
            f"counts as taken off, van Hees's rule). A day counts when it was worn {valid_h:g} h or more; the "
            "figures per day in the summary are over those days only.</p>"
            f"<div class='table-wrap'><table class='days' aria-labelledby='days-head'>{_head_body(head, rows)}</table></div>"
            "</section>")


def accessible_svg(svg: str, name: str, title: str, summary: str = "") -> str:
    """The inline ``<svg>`` as one image to assistive technology: ``role="img"``, a ``<title>`` (its
    name) and ``<desc>`` (what it shows in numbers), labelled by the title and described by the
    figure's caption (``plot-{name}-cap``), so a screen reader does not read out every tick label."""
    ids = f"plot-{name}"
    svg = re.sub(r"^<svg\b", f'<svg role="img" aria-labelledby="{ids}-title" aria-describedby="{ids}-cap"',
                 svg, count=1)
    head_end = svg.index(">") + 1
    inner = f'<title id="{ids}-title">{_e(title)}</title>' + (f"<desc>{_e(summary)}</desc>" if summary else "")
    return svg[:head_end] + inner + svg[head_end:]


def plot_html(svg: str, name: str, title: str, caption: str, summary: str = "") -> str:
    """A ``<figure>`` of an inline SVG plot with its caption and, below it, the plot in numbers
    (the text alternative everyone can read, also on paper)."""
    fig_svg = accessible_svg(svg, name, title, summary)
    numbers = f"<span class='in-numbers'><strong>In numbers:</strong> {_e(summary)}</span>" if summary else ""
    return (f"<figure class='plot' data-plot='{name}'>{fig_svg}<figcaption id='plot-{name}-cap'>"
            f"{_e(caption)}{' ' + numbers if numbers else ''}</figcaption></figure>")


def _plot(fig: Figure | None, name: str, caption: str, dpi: float = RASTER_DPI, *, title: str = "",
          summary: str = "") -> str:
    if fig is None:
        return ""
    with rc_context(_rc()):
        svg = figure_svg(fig, dpi)
    return plot_html(svg, name, title or name.replace("-", " ").capitalize(), caption, summary)


def _no_data_glance(ov: Overview) -> str:
    """' (including 40 s with no data, 2:00–2:40)' after the recording's length, '' without gaps."""
    if not ov.no_data_s:
        return ""
    return f" (including {fmt_duration(ov.no_data_s)} with no data" + (
        f": {no_data_text(ov)}" if ov.data_gaps else "") + ")"


def named_by_file(ov: Overview) -> Overview:
    """``ov`` with the recording named by its file name, not its path, in the report and its notes: a report is
    handed to the walker and to colleagues, and a path holds a home folder's user name and often the patient's
    name in a folder (README, 'What the outputs contain')."""
    from ..privacy import path_spellings, redact_text

    name = os.path.basename(os.path.normpath(ov.source)) if ov.source else ov.source
    if not name or name == ov.source:
        return ov
    spellings = path_spellings([ov.source])
    return dataclasses.replace(ov, source=name, **{
        key: [redact_text(str(t), spellings, name) for t in getattr(ov, key)]
        for key in ("warnings", "flag_notes", "sensor_hints", "backward_notes")})


def render_html(result: AnalysisResult, recording: Any = None, *, title: str | None = None) -> str:
    """The report as one HTML string (no external resources)."""
    ov = named_by_file(build_overview(result, recording))
    from .. import __version__ as version  # late: the package imports the report lazily

    title = title or f"Gait report — {ov.source}"
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>{_e(title)}</title><style>{CSS}</style></head><body><div class='page'>",
             f"<header><h1>{_e(title)}</h1><p class='sub'>{_e(ov.source)}</p></header><main>"]
    if ov.sensor_hints:        # before any number is read: the numbers may describe the sensor's place, or the
        # few samples that arrived (a live session that lost most of them) — also when no walking was found
        parts.append("<div class='check-sensor'><strong>Check the sensor.</strong> "
                     + " ".join(_e(h) for h in ov.sensor_hints) + "</div>")
    if ov.belt_doubts:         # before the numbers: step length and speed below would be the belt speed's impossible ones
        parts.append("<div class='check-sensor'><strong>Check the belt speed.</strong> "
                     + " ".join(_e(h) for h in ov.belt_doubts) + "</div>")
    if ov.walking_found:
        sev_counts = {s: sum(f.severity == s for f in ov.flags) for s in SEVERITY_COLOR}
        flag_text = ("no flags" if not ov.flags else f"<a href='#flags'>{len(ov.flags)} flag"
                     f"{'s' if len(ov.flags) != 1 else ''}</a> ("
                     + ", ".join(f"{n} {severity_word(s)}" for s, n in sev_counts.items() if n) + ")")
        parts.append(f"<p class='glance'>{ov.n_steps} steps in {ov.n_bouts} bout{'s' if ov.n_bouts != 1 else ''}, "
                     f"{_e(fmt_duration(ov.walking_time_s))} of {_e(ov.gait_word.lower())} in a {_e(fmt_duration(ov.duration_s))} "
                     f"recording{_e(_no_data_glance(ov))}; {flag_text}. "
                     # the note sat only at the foot of the last printed page, after the flags' advice
                     f"<strong>{_e(DISCLAIMER_TITLE.rstrip('.'))}</strong>: <a href='#disclaimer'>see the note at the "
                     "end</a>, and when to see a doctor or physiotherapist.</p>")
    parts.append("<section id='summary'><h2>Summary</h2><div class='cols'>"
                 f"<div><h3>Recording</h3>{_facts_table(recording_line(ov))}</div>")
    if ov.walking_found:
        # walking backwards: an exercise seen, said beside the walk (not under 'Check the sensor')
        backward = ("" if not ov.backward_notes else f"<p class='backward'><strong>{_e(exercise_heading(ov.backward_notes))}.</strong> "
                    + " ".join(_e(h) for h in ov.backward_notes) + "</p>")
        parts.append(f"<div><h3>{_e(ov.gait_word)}</h3>{_facts_table(walking_line(ov))}</div></div>{backward}"
                     f"<h3 id='key-metrics'>Key metrics</h3>{_metrics_table(ov)}</section>")
    else:
        parts.append("</div></section>"
                     "<section id='no-walking'><h2>No walking found</h2><div class='empty'>"
                     + (f"<p>{_e(PUSHING_TEXT)}</p>" if ov.only_pushing else
                        "<p>No stretch of steady walking or running was detected in this recording, so there are "
                        "no steps, metrics, plots or flags.</p><p>Check that the sensor was worn on the trunk "
                        "(lower back or chest) while walking. Sitting, standing and fidgeting are not counted as "
                        "steps; a few isolated steps do not make a walking bout.</p>")
                     + "</div></section>")
    if ov.walking_found:
        dpi = RASTER_DPI if ov.n_steps <= 10_000 else 100   # dense clouds compress badly
        with rc_context(_rc()):
            fig, missing = metrics_over_time_figure(result, ov)
            over_time = _plot(fig, "metrics-over-time",
                              "Each dot is one step" + (" (hollow in trunk twist and side sway: a turning stride, "
                                                        "which the summary and flags leave out)" if _turning_mask(step_table(result)).any()
                                                        else "") + "; the solid line is the smoothed value (the series the flags are "
                              "judged on), the dashed line your personal baseline once it is established; shaded spans mark flags on that "
                              "metric; the green band is the typical range where one is published"
                              + (" — walking's under the walking, running's under the running" if ov.metrics_by_gait
                                 else "") + ("; grey back-hatched bands mark gaps in the samples (no data, not a rest)"
                                             if ov.data_gaps else "") + ".", dpi, title="Metrics over time",
                              summary=over_time_summary(result, ov) if fig is not None else "")
            timeline = _plot(flag_timeline_figure(result, ov), "flag-timeline",
                             f"Grey: {ov.gait_word.lower()} bouts" + ("; below them the treadmill program (belt speed · incline per stage)"
                                                     if _treadmill_stages(result) else "")
                             + ". Coloured bars: when each flag held, by severity (mild dotted, moderate "
                             "striped, strong cross-hatched)" + (". Grey back-hatched bands: no data (a gap in the "
                                                                 "samples, not a rest)" if ov.data_gaps else "") + ".", dpi, title="Flag timeline",
                             summary=timeline_summary(result, ov))
            scatter = _plot(step_scatter_figure(result, ov), "step-scatter",
                            ("Left: step time of every step (grey), with the left and right steps' median and middle "
                             "half over each run of steps (a dot per side would cover the other's). "
                             if ov.n_steps > SIDE_BINS_ABOVE else
                             "Left: step time of every step (left/right where the signal tells them apart). ")
                            + ("Right: bounce against cadence" if _bounce_measured(result) else
                               "Right: cadence of every step (bounce is not measured for this sensor position)")
                            + "; colour shows when in the recording the step was.", dpi, title="Step by step",
                            summary=scatter_summary(result, ov))
        parts.append("<section id='over-time'><h2>Metrics over time</h2>" + over_time
                     + (f"<p class='evidence'>Not shown: {_e(', '.join(missing))}.</p>" if missing else "")
                     + "</section>")
        parts.append(f"<section id='flag-timeline'><h2>Flag timeline</h2>{timeline}</section>")
        parts.append(f"<section id='per-step'><h2>Step by step</h2>{scatter}</section>")
        parts.append(_bouts_section(result, ov))
        parts.append(_days_section(result, ov))
        judged = ("<h3>How the flags were judged</h3><ul class='warnings'>"
                  + "".join(f"<li>{_e(n)}</li>" for n in ov.flag_notes) + "</ul>") if ov.flag_notes else ""
        parts.append(f"<section id='flags'><h2>Flags</h2>{_flag_cards(ov)}{judged}</section>")
    if getattr(result, "marks", None):
        parts.append(_marks_section(result, ov))
    if ov.warnings:
        parts.append("<section id='notes'><h2>Notes about the input</h2><ul class='warnings'>"
                     + "".join(f"<li>{_e(w)}</li>" for w in ov.warnings) + "</ul></section>")
    parts.append(f"</main><footer class='disclaimer' id='disclaimer'><p><strong>{_e(DISCLAIMER_TITLE)}</strong> {_e(DISCLAIMER)}</p>"
                 f"<p class='meta'>Made by imu_gait {_e(version)} on {_e(now)}. This page is self-contained "
                 "and needs no network.</p></footer></div></body></html>")
    return "".join(parts)


def write_html(result: AnalysisResult, path: str | os.PathLike, recording: Any = None, *,
               title: str | None = None) -> None:
    """Write the report to ``path`` (UTF-8)."""
    text = render_html(result, recording, title=title)
    # surrogateescape: a file name Python could not decode (LANG=C, no UTF-8 mode: 'Müller.csv' arrives as escaped
    # bytes) is written back as its own bytes, UTF-8 on any current system; strict, the write failed midway
    # (whole or not at all, and a link at the path is replaced, not written through: _output_file.py)
    write_text_atomically(path, text, encoding="utf-8", errors="surrogateescape")
