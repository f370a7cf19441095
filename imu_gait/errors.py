"""The project's own exceptions.

User mistakes (a bad file, wrong columns, an unknown device) raise :class:`ImuGaitError`
with a message that names the file, line/column or device and says what to do. The CLI
prints the message without a traceback and exits non-zero.
"""
from __future__ import annotations

import re


class ImuGaitError(Exception):
    """Base class for errors caused by input the user can fix."""


class HintedError(ImuGaitError):
    """An error in a small side file (a treadmill schedule, symptom marks): the message names the file,
    line and column; ``hint`` (when given) says what to do and is appended as "What to do: …"."""

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message + (f"\n  What to do: {hint}" if hint else ""))
        self.hint = hint


class RecordingError(ImuGaitError):
    """A recording cannot be read or cannot be trusted."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: str | None = None, hint: str | None = None):
        where = []
        if path is not None:
            where.append(str(path))
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        text = (": ".join([", ".join(where), message]) if where else message)
        if hint:
            text += f"\n  What to do: {hint}"
        super().__init__(text)
        self.message = message
        self.path, self.line, self.column, self.hint = path, line, column, hint


class EmptyRecordingError(RecordingError):
    """A file holds a header but no data rows — fatal for the acceleration, not for an optional
    sensor file of an export (an empty gyroscope file: analysed without it)."""


class DeviceError(ImuGaitError):
    """A Bluetooth device cannot be found, connected or understood."""


class ArgumentError(ImuGaitError, ValueError, TypeError):
    """A library call with an argument that cannot be right (a typo in a keyword, a value in the wrong
    unit, arrays of the wrong shape, methods called in the wrong order, a file object where a path is
    wanted). Also a ``ValueError`` and a ``TypeError``, so code that caught those before still catches it."""


class StuckAxisError(ArgumentError):
    """Acceleration fed to the engine with an axis stuck at one value (a sensor fault, not a unit slip).
    ``detail`` says which axis and value, ``hint`` what to do: a live session names its device with them."""

    def __init__(self, message: str, *, detail: str, hint: str):
        super().__init__(message)
        self.detail, self.hint = detail, hint


#: the plain words of flag texts (the HTML report and JSON a patient reads) → the option a command-line user types
#: for them, said in the terminal only: '--treadmill-schedule' in a patient's report (clinic audit s38 N1) is a
#: command nobody reading it can run
OPTION_WORDS = {
    "analyse it again as a pocket placement": "analyse it again with --placement pocket",
    "(the treadmill's incline, or an incline_pct column": "(--incline, or an incline_pct column",
    "a shorter baseline setting": "a shorter --baseline",
    "enter the change in a treadmill schedule (during a live walk: the ] key)":
        "give the change in a --treadmill-schedule (during imu-gait live: the ] key)",
}


def command_line_words(text: str) -> str:
    """``text`` for a command-line user: messages shared with the library name the option and the keyword
    ('--sensor-height / sensor_height_m=', '… (from Python: belt_speed_mps=5 / 3.6)'); the option is what a
    command-line user types, the keyword only puzzles them. A flag text's plain words get their option
    (:data:`OPTION_WORDS`)."""
    for plain, option in OPTION_WORDS.items():
        if plain in text:
            text = text.replace(plain, option)
    text = re.sub(r"(--[a-z][\w-]*) / [a-z_]+=", r"\1", text)
    out, i = [], 0
    while (j := text.find(" (from Python:", i)) >= 0:
        out.append(text[i:j])
        depth, k = 0, j + 1
        while k < len(text):                     # to the parenthesis that closes it (keywords hold their own)
            depth += {"(": 1, ")": -1}.get(text[k], 0)
            if depth == 0:
                break
            k += 1
        i = k + 1
    if not out:
        return text
    return "".join(out) + text[i:]
