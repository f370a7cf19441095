"""Outputs to share: what ``--anonymise`` takes out of a recording before it is analysed and out of the result
after (README, "What the outputs contain").

Physiotherapists hand reports to patients and colleagues, researchers publish exports: the file's path (a home
folder, a patient's name in a folder), its wall-clock start, a sensor's name with its serial number and the
free text of a file's header must then not travel with the numbers. The metrics do not change: only the
recording's name, its clock and its identifying metadata go.
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import replace
from typing import Any, Iterable

from .days import CLOCK_META_KEYS

#: the pseudonym an anonymised recording is named by when none is given
DEFAULT_PSEUDONYM = "recording"

#: metadata a reader or a live session keeps that names the person, the place, the sensor or the moment:
#: dropped by :func:`anonymise_recording` (the clock keys too — the days are then 24-hour days from the first sample)
IDENTIFYING_META_KEYS = ("path", "source", "subject", "device", "device_serial", "geneactiv_extract_notes",
                         "time_offset_s", "time_origin", "replayed_at", "replay_of", *CLOCK_META_KEYS)


def anonymise_recording(recording: Any, pseudonym: str = DEFAULT_PSEUDONYM) -> Any:
    """A copy of ``recording`` named ``pseudonym``, without its wall clock and identifying metadata."""
    old = recording.meta or {}
    meta = {k: v for k, v in old.items() if k not in IDENTIFYING_META_KEYS}
    meta.update(source=pseudonym, anonymised=True)      # (the reports then say the start was left out)
    # a reader's note names the file it read by its path ('…/walk.csv: 3 rows repeat the row before')
    spellings = path_spellings([old.get("path"), old.get("source")])
    warnings = [redact_text(str(w), spellings, pseudonym) for w in recording.warnings]
    return replace(recording, meta=meta, warnings=warnings)


def path_spellings(paths: Iterable[Any]) -> list[str]:
    """Each path as given and as an absolute path, longest first (a message may carry either)."""
    out = set()
    for p in paths:
        if p is None or str(p) in ("", "-"):
            continue
        out.update({str(p), os.path.abspath(str(p))})
    return sorted(out, key=len, reverse=True)


def redact_text(text: str, spellings: list[str], pseudonym: str, *, names: bool = False) -> str:
    """``text`` with each whole occurrence of a path spelling named ``pseudonym``, in one pass (longest spelling
    first). Whole: a spelling that starts or ends in a name character must not run on from or into a longer name
    — a file called ``walk`` leaves 'walking' alone (it read 'recordinging'), 'walk.csv' is 'recording.csv'.
    A spelling that is one plain word (a file called ``sensor``, no folder, no extension) is the file only where
    the text names a file: before ':' or ', line' ('sensor: 3 rows repeat'), before an extension
    ('sensor.marks.csv') or in quotes — elsewhere it is the word ('sensor height not given' read 'recording
    height not given').

    ``names``: the spellings are a sensor's names and addresses (``live --anonymise``), not files: each is taken
    out wherever it stands as a whole — 'connected to GaitIMU-SIM1' — and an address in any case and with ':',
    '-' or '_' between its bytes (a BlueZ path's 'dev_AA_BB_…')."""
    if not spellings:
        return text
    return _spellings_pattern(tuple(spellings), names).sub(lambda _: pseudonym, text)


@functools.lru_cache(maxsize=64)
def _spellings_pattern(spellings: tuple[str, ...], names: bool = False) -> re.Pattern[str]:
    def whole(s: str) -> str:
        if names and _ADDRESS.match(s):
            # a MAC's six bytes with any separator; a UUID as it is (any case, both)
            body = r"[:_\-]".join(re.split(r"[:\-]", s)) if len(s) == 17 else re.escape(s)
            return r"(?<![0-9A-Fa-f])(?i:" + body + r")(?![0-9A-Fa-f])"
        before = r"(?<![\w.\-])" if re.match(r"[\w.\-]", s[0]) else ""
        after = r"(?![\w\-])" if re.match(r"[\w.\-]", s[-1]) else ""
        if not names and re.fullmatch(r"[\w\-]+", s):
            # a plain word: where it names the file (a reader's 'path: …', 'path, line 3', an extension, quotes)
            quoted = r"(?<=['\"‘“])" + re.escape(s) + r"(?=['\"’”])"
            return f"(?:{before}{re.escape(s)}(?=:|, line|\\.\\w)|{quoted})"
        return before + re.escape(s) + after
    return re.compile("|".join(whole(s) for s in sorted(spellings, key=len, reverse=True)))


#: keys (a summary's, a batch row's) whose value is a path (the rest hold text or the engine's words)
_PATH_KEYS = frozenset({"path", "source", "replay_of", "recording"})
#: a value that is one such word as a whole: 'walk', 'lower_back', 'fatigue', 'none'
_ENGINE_WORD = re.compile(r"[a-z][a-z0-9_]*")


def redact_value(value: Any, spellings: list[str], pseudonym: str, key: Any = None, *, names: bool = False) -> Any:
    """``value`` (text, or lists/dicts of it; ``key``: the key it is found under) with the path spellings named
    ``pseudonym`` (:func:`redact_text`; ``names``: the spellings are a sensor's names), the engine's own words
    kept."""
    if isinstance(value, str):
        if key not in _PATH_KEYS and _ENGINE_WORD.fullmatch(value) and not (names and value in spellings):
            # the engine's own word (gait 'walk', placement, a flag's id) that happens to be the file's name: a
            # file called 'walk' read gait 'recording', which no reader of the contract knows
            return value
        return redact_text(value, spellings, pseudonym, names=names)
    if isinstance(value, list):
        return [redact_value(v, spellings, pseudonym, key, names=names) for v in value]
    if isinstance(value, tuple):
        return tuple(redact_value(v, spellings, pseudonym, key, names=names) for v in value)
    if isinstance(value, dict):
        return {k: redact_value(v, spellings, pseudonym, k, names=names) for k, v in value.items()}
    return value


def anonymise_result(result: Any, paths: Iterable[Any], pseudonym: str = DEFAULT_PSEUDONYM) -> Any:
    """``result`` (in place, and returned) with each of ``paths`` (the recording, its marks, its schedule) named
    ``pseudonym`` in its summary's text and its warnings (a reader's note names the file it read)."""
    spellings = path_spellings(paths)
    result.summary = redact_value(dict(result.summary), spellings, pseudonym)
    result.summary["source"] = pseudonym
    result.warnings = redact_value(list(result.warnings), spellings, pseudonym)
    return result


#: a Bluetooth address (AA:BB:CC:DD:EE:FF) or a CoreBluetooth identifier (a UUID), as a stream is named when its
#: sensor advertises no name
_ADDRESS = re.compile(r"^(?:[0-9A-Fa-f]{2}[:\-]){5}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}$")
#: the last word of a sensor's advertised name when it is a serial or an id: 4 or more letters and digits with a
#: digit among them ('A1B2C3D4', '1234', 'SIM00001'); 'H10' (the model) is shorter
_SERIAL = re.compile(r"^(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{4,}$")


def device_model(name: Any) -> str:
    """A sensor's name without what tells one sensor from another (``live --anonymise``): 'Polar H10 A1B2C3D4' →
    'Polar H10', 'GaitIMU-1234' → 'GaitIMU', 'Thingy SIM3' → 'Thingy'; an address (no name advertised) →
    'unknown'; a replay ('replay:walk.csv', which names the file) → 'replay'. The model stays: a Polar H10 is a
    chest strap, which the analysis of its recording goes by."""
    text = str(name or "").strip()
    if not text or _ADDRESS.match(text):
        return "unknown"
    if text.startswith("replay"):
        return "replay"
    words = re.split(r"([\s_\-]+)", text)          # (the separators kept, so 'Polar H10' keeps its space)
    while len(words) > 1 and _SERIAL.match(words[-1]):
        words = words[:-2]
    model = "".join(words).strip(" _-")
    return model if model and not _SERIAL.match(model) else "unknown"
