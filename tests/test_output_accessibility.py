"""Outputs read by people on a dumb terminal, a light terminal background, or on paper (accessibility audit s40).

Each test runs the real renderer (or the real command in a pseudo-terminal) and checks the property on what a user
gets: the live view's kind on a dumb terminal, the colours the terminal summary gives whole sentences, and the long
HTML tables' header rows, which a browser repeats on every printed page only when they sit in a <thead>.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from imu_gait.devices.view import PlainView, RichView, make_view

ROOT = Path(__file__).resolve().parents[1]
DAILY = ROOT / "datasets" / "mobgap_HA001_daily.csv"


# ------------------------------------------------------------------------------------------ live view, TERM=dumb
@pytest.fixture()
def pty_file():
    """The writing end of a real pseudo-terminal, as a text file (isatty() is True)."""
    master, slave = os.openpty()
    f = os.fdopen(slave, "w", encoding="utf-8")
    yield f
    f.close()
    os.close(master)


@pytest.mark.parametrize("term, kind", [("xterm-256color", RichView), ("dumb", PlainView), ("unknown", PlainView)])
def test_auto_view_is_plain_lines_on_a_dumb_terminal(term, kind, pty_file, monkeypatch):
    """Before: on a terminal with TERM=dumb (Emacs' shell, some screen-reader setups) 'auto' chose the rich panel,
    which rich's Live cannot redraw there: it drew it once, when the walk had ended — no step count, no cue."""
    monkeypatch.setenv("TERM", term)
    assert pty_file.isatty()
    assert isinstance(make_view("auto", file=pty_file), kind)


def test_live_on_a_dumb_terminal_says_the_steps_while_walking(tmp_path):
    """The real command in a pseudo-terminal with TERM=dumb: status lines come during the replay (40 s of the daily
    recording at 20x, a line every 0.5 s of wall time), not one panel at the end. Before: one panel, drawn at 00:40."""
    master, slave = os.openpty()
    env = dict(os.environ, TERM="dumb", PYTHONPATH=str(ROOT), COLUMNS="80")
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "imu_gait", "live", "--replay", str(DAILY), "--speed", "20",
                             "--duration", "40", "--no-record", "--no-keys", "--status-every", "0.5"],
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, cwd=tmp_path, env=env)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            chunk = os.read(master, 65536)
        except OSError:          # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=60)
    os.close(master)
    text = out.decode("utf-8", "replace")
    assert proc.returncode == 0, text[-800:]
    status = [line for line in text.splitlines() if " steps=" in line]
    assert len(status) >= 3, text[-800:]                 # one every 10 s of recording at least
    assert "Sample rate" not in text                     # the rich panel's field: not drawn
    assert "\x1b[" not in text                           # no cursor movement or colour on a dumb terminal


# ------------------------------------------------------------------------------------------ printed tables
class _Rows(HTMLParser):
    """Every <tr> of every table: the table's class and the row's enclosing row group (thead/tbody/none)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.rows: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            table = next((a for t, a in reversed(self.stack) if t == "table"), {})
            group = next((t for t, _ in reversed(self.stack) if t in ("thead", "tbody", "table")), "table")
            self.rows.append({"table": table.get("class", ""), "group": group, "cells": []})
        if tag in ("th", "td") and self.rows:
            self.rows[-1]["cells"].append((tag, dict(attrs).get("scope")))
        self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def _table_rows(page: str, cls: str) -> list[dict]:
    parser = _Rows()
    parser.feed(page)
    return [r for r in parser.rows if r["table"] == cls]


def _header_row_repeats_on_every_printed_page(rows: list[dict]) -> None:
    head, body = rows[0], rows[1:]
    assert head["group"] == "thead" and all(c == ("th", "col") for c in head["cells"]), head
    assert body and all(r["group"] == "tbody" for r in body)
    assert all(r["cells"][0] == ("th", "row") for r in body)


@pytest.fixture(scope="module")
def many_bouts():
    """45 walks of 16 s, each followed by 8 s standing still: 45 walking bouts, a bouts table of 45 rows (about a
    page and a half on paper)."""
    import numpy as np

    from imu_gait import analyze
    from imu_gait.recording import Recording
    from imu_gait.synthetic import synthesize_walk

    rng = np.random.default_rng(7)
    fs, walk_s, stand_s = 100.0, 16.0, 8.0
    t, acc, gyro, t0 = [], [], [], 0.0
    for k in range(45):
        w, _ = synthesize_walk(walk_s, fs, seed=k)
        t.append(t0 + w.time_s)
        acc.append(w.acc_mps2)
        gyro.append(w.gyro_rads)
        t0 += walk_s
        n = int(stand_s * fs)
        t.append(t0 + np.arange(n) / fs)
        acc.append(np.tile(w.acc_mps2.mean(axis=0), (n, 1)) + rng.normal(0.0, 0.05, (n, 3)))
        gyro.append(rng.normal(0.0, 0.01, (n, 3)))
        t0 += stand_s
    rec = Recording(np.concatenate(t), np.concatenate(acc), np.concatenate(gyro), meta={"placement": "lower_back"})
    return rec, analyze(rec)


def test_the_bouts_table_prints_its_header_on_every_page(many_bouts):
    """A table of 45 bouts runs over a printed page (~35 rows). Before: the header row sat among the rows, outside
    any <thead>, so the second page printed columns of numbers without their names."""
    from imu_gait.report.html import render_html

    rec, res = many_bouts
    rows = _table_rows(render_html(res, rec), "bouts")
    assert len(rows) - 1 == len(res.bouts) >= 40
    _header_row_repeats_on_every_printed_page(rows)


def test_the_days_table_prints_its_header_on_every_page():
    """A walk across midnight: two calendar days, so the report has its day-by-day table."""
    from imu_gait import analyze
    from imu_gait.report.html import CSS, render_html
    from imu_gait.synthetic import synthesize_walk

    rec, _ = synthesize_walk(240, seed=3)
    rec.meta["start_time"] = "2026-03-01T23:58:00+01:00"
    res = analyze(rec)
    rows = _table_rows(render_html(res, rec), "days")
    assert len(rows) == 3
    _header_row_repeats_on_every_printed_page(rows)
    print_css = CSS[CSS.index("@media print"):]
    assert "thead { display: table-header-group; }" in print_css


# ------------------------------------------------------------------------------------------ terminal colours
def _coloured_words(renderable, width: int = 80) -> list[str]:
    """The texts rich draws in a foreground colour (standard 16 colours, as on a plain terminal); box-drawing
    borders left out. Yellow, green and cyan read 1.7–3.3:1 on a light terminal's white (ansi_contrast.py in the
    audit's notes: xterm, macOS Terminal, GNOME, VS Code), so only short marks may carry them."""
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, force_terminal=True, color_system="standard")
    out = []
    for seg in console.render(renderable):
        style = seg.style
        if seg.control or style is None or style.color is None or style.color.is_default:
            continue
        text = "".join(ch for ch in seg.text if not 0x2500 <= ord(ch) <= 0x257F).strip()
        if text:
            out.append(text)
    return out


@pytest.fixture(scope="module")
def back_pocket():
    """A phone in a back trouser pocket, its placement line removed: the summary says 'Check the sensor' and has
    notes about the input."""
    import imu_gait

    rec = imu_gait.read(str(ROOT / "datasets" / "oxford_Samsung_Dario_Hard_BackPocket_1.csv"))
    rec.meta.pop("placement", None)
    return rec


def test_summary_colours_only_short_marks(back_pocket):
    """Before: the sensor warnings, the notes about the input and the range notes were whole sentences in yellow or
    green (under 3.3:1 on a light terminal). Now colour sits only on marks (●, •, !); every word is readable in the
    terminal's own colour, and the words say what the colour did."""
    import imu_gait
    from imu_gait.report.text import summary_renderable
    from imu_gait.synthetic import synthesize_walk

    flagged, _ = synthesize_walk(600, 100.0, segments=[(300, {"bounce_cm": 7.0})])
    for rec in (back_pocket, flagged):
        res = imu_gait.analyze(rec)
        group = summary_renderable(res, rec)
        coloured = _coloured_words(group)
        assert coloured, "the marks keep their colour"
        assert all(len(t) <= 2 for t in coloured), coloured
    plain = render_plain(group)
    assert "strong" in plain and "typical (walking" in plain


def render_plain(renderable, width: int = 80) -> str:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def test_live_panel_colours_only_short_marks(back_pocket):
    """The live panel of the back-pocket walk (its 'sit on one side' hint, still learning the walker's normal walk):
    before, the hint was a yellow sentence, 'Learning your normal walk' cyan, the link state green, the title grey50
    (the cue lines were already a coloured ● before bold words)."""
    import asyncio

    from imu_gait.devices.live import monitor
    from imu_gait.devices.replay import ReplaySource
    from imu_gait.devices.view import RichView

    async def replay(rec):
        async with monitor(ReplaySource(rec, speed=0, block_s=0.5)) as live:
            async for _ in live:
                pass
        return live

    live = asyncio.run(asyncio.wait_for(replay(back_pocket), 240))
    panel = RichView().render(live)
    text = render_plain(panel, 100)
    assert "sit on one side" in text and "Learning your normal walk" in text and "streaming" in text
    coloured = _coloured_words(panel, 100)
    assert coloured == ["!"], coloured


def test_the_text_summary_has_no_trailing_spaces(capsys):
    """rich padded every line of the summary to the console's width: a summary saved with 'analyze … > out.txt'
    (or render_text) had up to ~90 spaces at the end of most lines (seen in diffs, read out by some screen
    readers). Now no line ends in a space, printed or rendered, and the text is otherwise the same."""
    from imu_gait import analyze
    from imu_gait.cli import main
    from imu_gait.report.text import render_text
    from imu_gait.synthetic import synthesize_walk

    rec, _ = synthesize_walk(240.0, 100.0, seed=8, segments=[(150.0, {"bounce_cm": 8.0})])
    text = render_text(analyze(rec))
    lines = text.splitlines()
    assert len(lines) > 20 and not [l for l in lines if l != l.rstrip()], [l for l in lines if l != l.rstrip()][:3]
    assert "Bounce" in text
    walk = Path(__file__).resolve().parents[1] / "datasets" / "mobgap_HA001_walk1.csv"
    assert main(["analyze", str(walk)]) == 0
    out = capsys.readouterr().out
    assert "Source" in out and not [l for l in out.splitlines() if l != l.rstrip()]
