"""Outputs read by people on a dumb terminal, a light terminal background, or on paper (accessibility audit s40).

Each test runs the real renderer (or the real command in a pseudo-terminal) and checks the property on what a user
gets: the live view's kind on a dumb terminal, the colours the terminal summary gives whole sentences, and the long
HTML tables' header rows, which a browser repeats on every printed page only when they sit in a <thead>.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
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
