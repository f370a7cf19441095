"""The terminal summary printed by ``imu-gait analyze``.

Calm and short: what was recorded, how much walking was found, the key metrics (median,
middle half of steps, a plain-language range note), the flags with cause and advice, notes
about the input, and the not-a-diagnosis note. Colour only on a terminal; piped output is
plain text (rich drops the escape codes when the output is not a TTY).
"""
from __future__ import annotations

import io
import re
import sys
from typing import IO, Any

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..errors import command_line_words
from ..marks import marks_with_flag
from ..result import AnalysisResult
from ..strain import severity_word
from .common import (DISCLAIMER, exercise_heading, DISCLAIMER_TITLE, GAIT_WORDS, Overview, build_overview, flag_groups,
                     PUSHING_TEXT, recording_line, walking_line)

#: Colour goes on short marks only (a flag's ●, a note's •, a warning's !); words stay in the terminal's own text
#: colour, bold where they need attention. Yellow, green and cyan words read 1.7–3.3:1 against a light terminal's
#: white (xterm, macOS Terminal, GNOME, VS Code; WCAG asks 4.5:1) — the range notes, the sensor warnings and
#: the notes about the input were whole sentences in them. The words say everything the colour does.
SEVERITY_STYLE = {"mild": "yellow", "moderate": "dark_orange", "marked": "bold red"}
STATUS_STYLE = {"ok": "", "low": "bold", "high": "bold", "norange": "dim", "missing": "dim", "few": "dim",
                "flagged": "bold", "clipped": "bold"}
WARN_MARK = ("! ", "bold yellow")


def _facts(rows: list[tuple[str, str]]) -> Padding:
    t = Table(box=None, show_header=False, padding=(0, 3, 0, 0), pad_edge=False)
    t.add_column(style="bold", no_wrap=True)
    t.add_column(overflow="fold")
    for k, v in rows:
        t.add_row(k, v)
    return Padding(t, (0, 0, 0, 2))


def _metrics_table(ov: Overview) -> Table:
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1))
    t.add_column("Metric", no_wrap=True)
    t.add_column("Median", justify="right", no_wrap=True)
    t.add_column("Middle half", justify="right", no_wrap=True)
    t.add_column("", overflow="fold")
    # a walk that is partly a run: each gait on its own, under its name (pooled medians describe neither)
    sections = ([(f"{GAIT_WORDS[g]} ({ov.n_walk_steps if g == 'walk' else ov.n_run_steps} steps)", rows)
                 for g, rows in ov.metrics_by_gait.items()] or [("", ov.metrics)])
    for i, (title, rows) in enumerate(sections):
        if title:
            t.add_row(Text(title, style="bold"), "", "", "", end_section=False)
        for r in rows:
            if r.short:
                t.add_row(("  " if title else "") + r.short, r.value_text(), r.spread_text(),
                          Text(r.brief, style=STATUS_STYLE.get(r.status, "")))
        if i < len(sections) - 1:
            t.add_row("", "", "", "")
    return t


def _flags_block(ov: Overview, words: Any = str) -> Group:
    """The flags, each cause and advice passed through ``words`` (the command line's: the options named)."""
    parts: list[Any] = []
    for g in flag_groups(ov.flags):
        head = Text()
        head.append("● ", style=SEVERITY_STYLE.get(g.severity, ""))
        head.append(g.title, style="bold")
        head.append(f"  {g.spans_text(origin_s=ov.time_origin_s)}  ")
        head.append(severity_word(g.severity), style="bold")
        head.append(f"  [{g.id}]", style="dim")
        lines: list[Any] = [Text(g.worst.message)]
        for cause in g.causes():
            lines.append(Text.assemble(("Likely cause: ", "bold"), words(cause)))
        for advice in g.advice():
            lines.append(Text.assemble(("What to try: ", "bold"), words(advice)))
        marked = marks_with_flag(ov.marks, g.id, ov.time_origin_s)
        if marked:
            lines.append(Text(marked, style="bold"))
        parts.append(Padding(Group(head, Padding(Group(*lines), (0, 0, 0, 2))), (0, 0, 1, 2)))
    return Group(*parts)


def _marks_block(result: AnalysisResult, ov: Overview) -> Padding:
    """The walker's symptom marks, each with what the gait did before it, then what repeats across them."""
    from ..marks import marks_pattern

    t = Table.grid(padding=(0, 2))
    t.add_column(no_wrap=True, style="bold")
    t.add_column(overflow="fold")
    for c in result.marks:
        body = [Text(c.mark.label(), style="bold")] + [Text(line) for line in c.lines(ov.time_origin_s)]
        t.add_row(ov.clock(c.time_s), Group(*body))
    pattern = marks_pattern(result.marks)
    if pattern:
        t.add_row("", Text("Across your marks: " + "; ".join(pattern) + ".", style="bold"))
    return Padding(t, (0, 0, 0, 2))


def summary_renderable(result: AnalysisResult, recording: Any = None, *, command_line: bool = False) -> Group:
    """The whole summary as one rich renderable; ``command_line``: for ``imu-gait`` in a terminal — the notes
    name the options only, not the library's keywords beside them (:func:`~imu_gait.errors.command_line_words`)."""
    ov = build_overview(result, recording)
    if command_line:
        for name in ("warnings", "belt_doubts", "flag_notes", "sensor_hints", "backward_notes"):
            setattr(ov, name, [command_line_words(w) for w in getattr(ov, name)])
    parts: list[Any] = [Rule("[bold]imu_gait — gait summary[/bold]", style="dim"),
                        Text("Recording", style="bold underline"), _facts(recording_line(ov)), Text("")]
    if ov.sensor_hints:        # before the numbers: they may describe where the sensor sat, or the few samples
        # that arrived (a live session that lost most of them) — also when no walking was found
        parts += [Text.assemble(WARN_MARK, ("Check the sensor", "bold underline"))]
        parts += [Padding(Text(h), (0, 0, 0, 2)) for h in ov.sensor_hints] + [Text("")]
    if ov.belt_doubts:         # before the numbers: step length and speed would be the belt speed's impossible ones
        parts += [Text.assemble(WARN_MARK, ("Check the belt speed", "bold underline"))]
        parts += [Padding(Text(h), (0, 0, 0, 2)) for h in ov.belt_doubts] + [Text("")]
    if ov.walking_found:
        parts += [Text(ov.gait_word, style="bold underline"), _facts(walking_line(ov)), Text("")]
        if ov.backward_notes:  # an exercise seen, not a sensor problem (before backward2 s43: under 'Check the sensor')
            parts += [Text(exercise_heading(ov.backward_notes), style="bold underline")]
            parts += [Padding(Text(h), (0, 0, 0, 2)) for h in ov.backward_notes] + [Text("")]
        parts += [Text("Key metrics", style="bold underline"),
                  Text(f"  median of {'each gait' if ov.metrics_by_gait else 'all steps'} (twist, sway: not "
                       "turning); middle half = 25th–75th pct.", style="dim"),
                  Padding(_metrics_table(ov), (0, 0, 0, 2)), Text("")]
        if ov.flags:
            n_ids = len(flag_groups(ov.flags))
            title = f"Flags ({n_ids} pattern{'s' if n_ids != 1 else ''}, {len(ov.flags)} stretch" \
                    f"{'es' if len(ov.flags) != 1 else ''})"
            words = command_line_words if command_line else str
            parts += [Text(title, style="bold underline"), _flags_block(ov, words)]
            baseline_text = ov.baseline_text
            if baseline_text:
                baseline_text = command_line_words(baseline_text) if command_line else baseline_text
                parts += [Padding(Text(baseline_text, style="dim"), (0, 0, 1, 2))]
        else:
            parts += [Text("Flags", style="bold underline"),
                      Padding(Text(ov.no_flags_text), (0, 0, 0, 2)),
                      Text("")]
    else:
        parts += [Text("No walking found", style="bold underline"),
                  Padding(Text(PUSHING_TEXT if ov.only_pushing else
                               "No stretch of steady walking or running was detected, so there are no steps, "
                               "metrics or flags. Was the sensor worn on the trunk while walking? Sitting, "
                               "standing and fidgeting are not counted as steps."), (0, 0, 0, 2)), Text("")]
    if getattr(result, "marks", None):
        parts += [Text(f"Your marks ({len(result.marks)})", style="bold underline"), _marks_block(result, ov), Text("")]
    if ov.walking_found and ov.flag_notes:
        notes = Table.grid(padding=(0, 1))
        notes.add_column(no_wrap=True)
        notes.add_column(overflow="fold")
        for n in ov.flag_notes:
            notes.add_row("•", Text(n, style="dim"))
        parts += [Text("  How the flags were judged", style="dim"), Padding(notes, (0, 0, 0, 2)), Text("")]
    if ov.warnings:
        parts.append(Text("Notes about the input", style="bold underline"))
        notes = Table.grid(padding=(0, 1))
        notes.add_column(no_wrap=True)
        notes.add_column(overflow="fold")
        for w in ov.warnings:
            notes.add_row(Text("•", style="yellow"), Text(w))
        parts += [Padding(notes, (0, 0, 0, 2)), Text("")]
    parts += [Rule(style="dim"), Text.assemble((DISCLAIMER_TITLE + " ", "bold"), DISCLAIMER)]
    return Group(*parts)


def print_summary(result: AnalysisResult, recording: Any = None, *, file: IO[str] | None = None,
                  console: Console | None = None, command_line: bool = False) -> None:
    """Print the summary to ``console`` (default: a console on ``file`` or stdout); ``command_line``: see
    :func:`summary_renderable`."""
    from ..terminal_text import TerminalSafe

    console = console or Console(file=file or sys.stdout, highlight=False)
    # (file names, metadata and notes come from the input: their control characters are shown as '?')
    with console.capture() as cap:
        console.print(TerminalSafe(summary_renderable(result, recording, command_line=command_line)))
    console.file.write(_no_trailing_spaces(cap.get()))
    console.file.flush()


#: the spaces rich pads a line with up to the console's width (before any closing colour codes)
_TRAILING = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$", re.M)


def _no_trailing_spaces(text: str) -> str:
    """``text`` without the spaces at its lines' ends: rich pads every line of a panel or table to the console's
    width, which a saved summary kept as ~20–90 trailing spaces a line (diffs, screen readers and e-mail show
    them)."""
    return _TRAILING.sub(r"\1", text)


def render_text(result: AnalysisResult, recording: Any = None, *, width: int = 100, color: bool = False) -> str:
    """The summary as a string (plain text unless ``color``)."""
    buf = io.StringIO()
    console = Console(file=buf, width=width, highlight=False, force_terminal=color,
                      color_system="standard" if color else None, no_color=not color)
    from ..terminal_text import TerminalSafe

    console.print(TerminalSafe(summary_renderable(result, recording)))
    return _no_trailing_spaces(buf.getvalue())
