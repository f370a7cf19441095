"""Text for a terminal (or a redirected stdout) whose encoding cannot show every character.

The summary, the tables and the messages use °, —, ≥, →, ± … . A Windows console redirected to a
file (``imu-gait analyze walk.csv > summary.txt``: stdout is then cp1252), a cp437 console, a
``LANG=C`` container or ``PYTHONIOENCODING=ascii`` cannot encode some of them, and Python stops
the command with a ``UnicodeEncodeError`` traceback halfway through the summary.
:func:`tolerate_narrow_encodings` makes stdout and stderr write a readable ASCII stand-in
(``≥`` → ``>=``, ``°`` → `` deg``, ``ü`` → ``u``) for each character their encoding lacks, and
only for those: a cp1252 console keeps its ° and —. Files the command writes (JSON, CSV, HTML)
are UTF-8 whatever the terminal and are not touched by this.
"""
from __future__ import annotations

import codecs
import re
import sys
import unicodedata
from typing import Any, Iterator

#: the error handler's name (``codecs.register_error``)
ERROR_HANDLER = "imu_gait_ascii_stand_in"

#: ASCII stand-ins for the characters the messages use; any other character is decomposed
#: (é → e) or, failing that, shown as '?'
ASCII_STAND_INS = {
    "—": "-", "–": "-", "−": "-", "‐": "-", "‑": "-", "…": "...", "→": "->", "←": "<-", "↔": "<->",
    "↑": "^", "↓": "v", "↦": "->", "×": "x", "÷": "/", "≥": ">=", "≤": "<=", "≈": "~", "≠": "!=",
    "±": "+/-", "°": " deg", "²": "2", "¹": "1", "³": "3", "⁻": "-", "µ": "u", "μ": "u", "·": ".",
    "•": "*", "●": "*", "⚠": "!", "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'",
    "«": '"', "»": '"', "½": "1/2", "¼": "1/4", "¾": "3/4", "§": "S", "√": "sqrt", "∝": "~",
    "Δ": "d", "ω": "w", "σ": "sd", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "ß": "ss", "æ": "ae",
    "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
}
# the unit word already follows a space in '8.4°' → '8.4 deg'; in '°/s' the space would be odd
_DEGREE_BEFORE = {"/": "deg"}


#: characters a terminal acts on rather than shows: C0 controls but tab and newline (ESC starts the
#: sequences that clear the screen, move the cursor, set the window title or write to the clipboard),
#: DEL, C1 controls, and the bidirectional overrides that show text in another order than it is
_TERMINAL_CONTROL_RX = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """``text`` with every character a terminal would act on shown as ``?``: for text from a file, a folder
    or a Bluetooth device (a name, a note, a metadata field) printed in a message or the summary, so that a
    recording e-mailed by anyone cannot clear the screen, retitle the window or hide a line."""
    return _TERMINAL_CONTROL_RX.sub("?", text)


class TerminalSafe:
    """A rich renderable that shows ``inner`` with :func:`terminal_safe` text: rich passes ESC and the
    other controls in a Text through to the terminal as they are. Rich's own styling is not touched."""

    def __init__(self, inner: Any):
        self.inner = inner

    def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
        from rich.segment import Segment

        for seg in console.render(self.inner, options):
            if seg.control or not _TERMINAL_CONTROL_RX.search(seg.text):
                yield seg
            else:
                yield Segment(terminal_safe(seg.text), seg.style)


def ascii_stand_in(char: str, following: str = "") -> str:
    """The ASCII text that stands in for ``char`` on a terminal that cannot show it."""
    if char == "°" and following[:1] in _DEGREE_BEFORE:
        return _DEGREE_BEFORE[following[:1]]
    if char in ASCII_STAND_INS:
        return ASCII_STAND_INS[char]
    code = ord(char)
    if 0x2500 <= code <= 0x257F:          # box drawing (rules, table lines)
        name = unicodedata.name(char, "")
        return "|" if "VERTICAL" in name and "HORIZONTAL" not in name else "-" if "HORIZONTAL" in name else "+"
    if 0x2580 <= code <= 0x259F:          # block elements (bars)
        return "#"
    if 0x2800 <= code <= 0x28FF:          # braille (spinners)
        return "."
    plain = "".join(c for c in unicodedata.normalize("NFKD", char) if c.isascii() and c.isprintable())
    return plain or "?"


def _stand_in_handler(exc: UnicodeError) -> tuple[Any, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text, start, end = exc.object, exc.start, exc.end
    code = ord(text[start])
    if 0xDC80 <= code <= 0xDCFF:
        # a byte of a file name the locale could not decode (Python's surrogateescape): write the
        # byte back as it was, as Python does by default for such names in a C locale
        run = start
        while run < end and 0xDC80 <= ord(text[run]) <= 0xDCFF:
            run += 1
        return bytes(ord(c) - 0xDC00 for c in text[start:run]), run
    return "".join(ascii_stand_in(text[i], text[i + 1:i + 2]) for i in range(start, end)), end


def _register() -> None:
    try:
        codecs.lookup_error(ERROR_HANDLER)
    except LookupError:
        codecs.register_error(ERROR_HANDLER, _stand_in_handler)


def _is_utf(encoding: str | None) -> bool:
    return (encoding or "").lower().replace("_", "-").startswith(("utf-8", "utf8", "utf-16", "utf-32", "utf16",
                                                                     "utf32"))


def _narrow_streams() -> Iterator[Any]:
    # Python's defaults: stdout 'strict' ('surrogateescape' in a C locale), stderr 'backslashreplace'
    # (which printed '1\u20132.5 m' in messages); a stream the user set otherwise
    # (PYTHONIOENCODING=ascii:replace) is kept
    for stream, defaults in ((sys.stdout, ("strict", "surrogateescape")),
                             (sys.stderr, ("strict", "surrogateescape", "backslashreplace"))):
        if (stream is not None and hasattr(stream, "reconfigure") and not _is_utf(getattr(stream, "encoding", None))
                and getattr(stream, "errors", "strict") in defaults):
            yield stream


def tolerate_narrow_encodings() -> list[tuple[Any, str]]:
    """Make stdout and stderr write ASCII stand-ins for characters their encoding lacks. Returns
    what was changed, as (stream, its former error handler), for :func:`restore`."""
    changed = []
    for stream in _narrow_streams():
        _register()
        former = stream.errors
        try:
            stream.reconfigure(errors=ERROR_HANDLER)
        except (AttributeError, ValueError, OSError):    # a stream that cannot be reconfigured: left alone
            continue
        changed.append((stream, former))
    return changed


def restore(changed: list[tuple[Any, str]]) -> None:
    """Undo :func:`tolerate_narrow_encodings` (``main()`` may be called from a program's own code)."""
    for stream, former in changed:
        try:
            stream.reconfigure(errors=former)
        except (AttributeError, ValueError, OSError):
            pass
