"""Treadmill keys during a live walk: the belt speed or incline just changed — one key tells imu_gait.

On a treadmill people turn the speed up after the warm-up, or raise the incline. With these
keys the live session starts a new treadmill stage at that moment, so step length (belt speed ×
step time) stays exact and incline effort is judged where the incline is up (see
:meth:`imu_gait.GaitEngine.set_treadmill`):

    + / = / →   belt speed +0.1 km/h        ] / ↑   incline +0.5 %
    - / _ / ←   belt speed −0.1 km/h        [ / ↓   incline −0.5 %
    p           my back hurts now (a symptom mark; then 0–10 within 6 s says how much)
    q           stop the walk (as Ctrl-C)

:func:`apply_key` is the whole logic (no terminal needed); :class:`KeyReader` delivers single
key presses from a POSIX terminal to the event loop and does nothing when stdin is not one.
"""
from __future__ import annotations

import asyncio
import math
import os
import sys
import time
from typing import IO, Any, Callable

from ..marks import HIGH_PAIN_ADVICE, high_pain
from ..recording import clock_text
from ..treadmill import INCLINE_RANGE_PCT, SPEED_RANGE_MPS

SPEED_STEP_KMH = 0.1
INCLINE_STEP_PCT = 0.5
SPEED_RANGE_KMH = tuple(round(v * 3.6, 1) for v in SPEED_RANGE_MPS)   # the schedule's limits, in km/h
KEYS: dict[str, tuple[str, int]] = {"+": ("speed", +1), "=": ("speed", +1), "-": ("speed", -1), "_": ("speed", -1),
                                    "]": ("incline", +1), "[": ("incline", -1)}
HELP = "keys: + / - (→ / ←) belt speed ±0.1 km/h · ] / [ (↑ / ↓) incline ±0.5 % · p back hurts (then 0–10) · q stop"
#: where the keys work: KeyReader needs termios (POSIX). On Windows they are not read — `live --help` promised them
#: there, and q did nothing (encoding audit s38)
WHERE = ("keys work in a terminal on Linux and macOS; on Windows they are not read: Ctrl-C ends the walk, and a "
         "belt-speed or incline change can be given afterwards in a treadmill schedule "
         "('imu-gait analyze RECORDING --treadmill-schedule FILE.csv')")
#: a number typed this soon after p rates that mark, s
MARK_RATE_WINDOW_S = 6.0
#: arrow keys (ANSI CSI and SS3 forms) as the keys above; any other escape sequence is ignored
ARROWS = {"A": "]", "B": "[", "C": "+", "D": "-"}
#: the rest of an escape sequence cut off by a read is awaited this long; later keys are keys
ESC_WAIT_S = 0.5


def decode_keys(data: str) -> list[str]:
    """Single keys from what a terminal sent: arrows become their treadmill keys, other escape
    sequences (function keys, Home, …) are dropped whole — their '[' must not lower the incline."""
    return split_keys(data)[0]


def split_keys(data: str) -> tuple[list[str], str]:
    """:func:`decode_keys`, plus an escape sequence cut off at the end of ``data`` (returned, not
    decoded): a terminal's read may end inside one (ESC | [A over a slow link), and its '[' read on
    its own lowered the incline where ↑ meant to raise it."""
    keys: list[str] = []
    i = 0
    while i < len(data):
        ch = data[i]
        if ch != "\x1b":
            keys.append(ch)
            i += 1
            continue
        if i + 1 == len(data):
            return keys, data[i:]                # ESC at the very end: the rest may follow
        if data[i + 1] in "[O":
            j = i + 2
            while j < len(data) and not ("@" <= data[j] <= "~"):   # parameter bytes up to the final byte
                j += 1
            if j == len(data):
                return keys, data[i:]            # no final byte yet
            if data[j] in ARROWS and j == i + 2:
                keys.append(ARROWS[data[j]])
            i = j + 1
        else:
            i += 1                               # a lone ESC
    return keys, ""


def apply_key(session: Any, key: str) -> str | None:
    """Act on one key press on a live session: a line for the view, or None when the key means nothing.

    ``session`` needs ``treadmill_now()`` → (belt speed m/s or None, incline % or None) and
    ``set_treadmill(belt_speed_mps=…, incline_pct=…)`` (:class:`~imu_gait.devices.live.LiveSession`)."""
    if key not in KEYS:
        return None
    what, sign = KEYS[key]
    speed_mps, incline = session.treadmill_now()
    if what == "speed":
        if speed_mps is None:
            return "belt speed unknown: start with --belt-speed-kmh (or --belt-speed) to adjust it with + / -"
        lo, hi = SPEED_RANGE_KMH
        kmh = min(max(round(speed_mps * 3.6 + sign * SPEED_STEP_KMH, 1), lo), hi)
        session.set_treadmill(belt_speed_mps=kmh / 3.6)
        return f"belt speed now {kmh:.1f} km/h ({kmh / 3.6:.2f} m/s)"
    lo, hi = INCLINE_RANGE_PCT
    pct = min(max(round((incline or 0.0) + sign * INCLINE_STEP_PCT, 1), lo), hi)
    session.set_treadmill(incline_pct=pct)
    return f"incline now {pct:g} %"


class MarkKeys:
    """``p`` marks 'my back hurts now' (:meth:`~imu_gait.devices.live.LiveSession.add_mark`); a number
    typed within :data:`MARK_RATE_WINDOW_S` rates it 0–10 (``1`` then ``0`` is 10; a later digit that
    would pass 10 starts the number again). Digits at any other time mean nothing."""

    def __init__(self, rate_window_s: float = MARK_RATE_WINDOW_S):
        self.rate_window_s = float(rate_window_s)
        self._marked_at = -math.inf          # when p was pressed (the caller's clock, s)
        self._typed = ""

    def apply(self, session: Any, key: str, now_s: float) -> str | None:
        """Act on one key press at ``now_s`` (any monotonic clock, s): a line for the view, or None."""
        if key in ("p", "P"):
            mark = session.add_mark()
            self._marked_at, self._typed = now_s, ""
            said = (f"marked {clock_text(mark.elapsed_s)}: your back hurts — type 0–10 now to say how much "
                    "(0 none, 10 worst)")
            feedback = session.mark_feedback(mark) if hasattr(session, "mark_feedback") else None
            return said + (f"\n       {feedback}" if feedback else "")
        if key.isdigit() and len(key) == 1 and now_s - self._marked_at <= self.rate_window_s:
            typed = self._typed + key
            if int(typed) > 10:
                typed = key
            self._typed = typed
            mark = session.rate_last_mark(float(int(typed)))
            if mark is None:
                return None
            # a severe rating is answered first with 'slow down or stop', not with the gait cue said at the mark
            return f"mark at {clock_text(mark.elapsed_s)}: pain {int(typed)}/10" + (
                f" — {HIGH_PAIN_ADVICE}" if high_pain(mark) else "")
        return None


class KeyReader:
    """Single key presses from a terminal, delivered to ``on_key(char)`` on the running event loop.

    A context manager: it puts the terminal in cbreak mode (no line buffering, no echo; Ctrl-C still
    interrupts) and restores it on exit. ``active`` is False — and nothing is touched — when the
    stream is not a terminal or the platform has no ``termios`` (Windows)."""

    def __init__(self, on_key: Callable[[str], Any], stream: IO[str] | None = None):
        self.on_key = on_key
        self.stream = stream if stream is not None else sys.stdin
        self.active = False
        self._fd: int | None = None
        self._saved: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._partial = ""                      # an escape sequence cut off by the last read …
        self._partial_t = 0.0                   # … and when it came (an ESC key alone is not held for ever)

    def __enter__(self) -> "KeyReader":
        try:
            import termios
            import tty

            if not self.stream.isatty():
                return self
            fd = self.stream.fileno()
            self._saved = termios.tcgetattr(fd)
            tty.setcbreak(fd)
            self._loop = asyncio.get_running_loop()
            self._loop.add_reader(fd, self._ready)
            self._fd = fd
            self.active = True
        except (ImportError, OSError, ValueError, AttributeError, RuntimeError, NotImplementedError):
            self._restore()
        return self

    def _ready(self) -> None:
        try:
            data = os.read(self._fd, 64).decode("utf-8", errors="ignore")
        except OSError:
            return
        now = time.monotonic()
        if self._partial and now - self._partial_t <= ESC_WAIT_S:
            data = self._partial + data
        self._partial = ""
        keys, rest = split_keys(data)
        if rest:
            self._partial, self._partial_t = rest, now
        for key in keys:
            self.on_key(key)

    def _restore(self) -> None:
        if self._loop is not None and self._fd is not None:
            try:
                self._loop.remove_reader(self._fd)
            except (ValueError, RuntimeError):
                pass
        if self._saved is not None:
            import termios

            try:
                termios.tcsetattr(self.stream.fileno(), termios.TCSADRAIN, self._saved)
            except (OSError, ValueError):
                pass
        self._saved = self._fd = self._loop = None
        self.active = False

    def __exit__(self, *exc: Any) -> None:
        self._restore()
