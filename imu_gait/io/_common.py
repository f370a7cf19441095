"""Shared helpers for the readers: containers (file / folder / zip), CSV sniffing,
locating bad cells, unit conversion and the final checks that name lines.

Nothing here knows a particular logger's format; the format modules do.
"""
from __future__ import annotations

import csv
import io
import math
import os
import re
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Sequence, TypeVar, cast

import numpy as np
import pandas as pd

from ..errors import RecordingError
from . import _blocks
from ..recording import (G, GYRO_DEG_S_P95, MOVING_MIN_S, Recording, exact_copy_rows, gravity_found,
                         moving_samples, moving_seconds, row_norms)

DEG = math.pi / 180.0

# acceleration units → factor to m/s²
ACC_UNIT_FACTORS = {"m/s2": 1.0, "m/s^2": 1.0, "m/s²": 1.0, "mps2": 1.0, "g": G, "mg": G / 1000.0}
# numeric time units → factor to seconds
TIME_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
# angular-rate units → factor to rad/s
GYRO_UNIT_FACTORS = {"rad/s": 1.0, "rads": 1.0, "deg/s": DEG, "°/s": DEG, "dps": DEG}


def acc_factor(unit: str, path: str | None = None) -> float:
    key = unit.strip().lower().replace(" ", "")
    if key not in ACC_UNIT_FACTORS:
        raise RecordingError(f"unknown acceleration unit {unit!r}", path=path,
                             hint="use one of: m/s2, g, mg")
    return ACC_UNIT_FACTORS[key]


def gyro_factor(unit: str, path: str | None = None) -> float:
    key = unit.strip().lower().replace(" ", "")
    if key not in GYRO_UNIT_FACTORS:
        raise RecordingError(f"unknown angular-rate unit {unit!r}", path=path,
                             hint="use one of: rad/s, deg/s")
    return GYRO_UNIT_FACTORS[key]


# ---------------------------------------------------------------------------------------
# Containers: a single file, a folder, or a zip archive, with the same small interface.
# ---------------------------------------------------------------------------------------
#: what a damaged or unreadable zip member raises: a bad CRC or header (BadZipFile), a corrupt deflate
#: stream (zlib.error), a cut-off member (EOFError), a password (RuntimeError), an unknown
#: compression method (NotImplementedError)
ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)


def zip_error(exc: BaseException, label: str) -> RecordingError:
    """A clean error for a zip archive (or one member of it) that cannot be read."""
    text = str(exc)
    if isinstance(exc, RuntimeError) and "encrypted" in text.lower():
        return RecordingError("the zip archive is password-protected (encrypted); imu_gait cannot open it",
                              path=label, hint="unzip it yourself (with the password) and analyse the folder")
    member = PurePosixPath(label.rsplit(":", 1)[1]).name if ":" in os.path.basename(label) else None
    inside = f"{member!r} inside it" if member else "a file inside it"
    if "Bad CRC" in text:
        what = f"{inside} fails its checksum (its bytes were changed after it was packed)"
    elif isinstance(exc, zlib.error) or "decompress" in text.lower():
        what = f"the compressed data of {inside} is corrupt"
    elif "File name in directory" in text:
        what = f"its table of contents and {inside} disagree on the file's name"
    elif isinstance(exc, EOFError):
        what = f"{inside} ends early (a download or copy cut short?)"
    else:
        what = text
    return RecordingError(f"the zip archive is damaged: {what}", path=label,
                          hint="download or export it again; or unzip it with another tool and analyse the "
                               "folder if that recovers the CSV files")


def os_error(exc: OSError, label: str) -> RecordingError:
    """A clean error for a file or folder the operating system will not let us read."""
    if isinstance(exc, PermissionError):
        return RecordingError("permission denied: imu_gait may not read this", path=label,
                              hint="check the file's permissions (chmod u+r), or copy it somewhere you can read")
    if isinstance(exc, IsADirectoryError):
        return RecordingError("this is a folder, not a file", path=label,
                              hint="point to the CSV file, or drop --format to let the folder be detected")
    return RecordingError(f"cannot be read ({exc.strerror or exc})", path=label,
                          hint="check that the file exists and is readable")


def refuse_stream(path) -> None:
    """Refuse standard input ('-') and streams (a pipe, a terminal: /dev/stdin fed by a pipe): the readers
    need a file they can read more than once (sniffing, then parsing). They were told 'no such file'."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        return                                   # not a path at all: read() says what it takes
    p = os.fspath(path)
    hint = "save the data to a file first (e.g. '… > walk.csv') and analyse that file"
    if p == "-" and not os.path.exists(p):     # (a file really named '-' is read)
        raise RecordingError("reading a recording from standard input ('-') is not supported", path="-", hint=hint)
    try:
        mode = os.stat(p).st_mode
    except (OSError, TypeError, ValueError):
        return                                   # missing or odd: the reader says so
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode):
        raise RecordingError("this is a stream (a pipe or terminal, e.g. standard input), not a file: reading a "
                             "recording from a stream is not supported", path=str(p), hint=hint)


#: the byte-order marks UTF-16 text starts with (little-, big-endian)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def refuse_utf16(head: bytes, label: str) -> None:
    """Refuse UTF-16 text (a byte-order mark first: Excel's 'Unicode Text', a re-saved app export). Decoded as
    UTF-8 / cp1252 its header became 'ÿþ" T i m e …' and the reader said it found no time column."""
    if head.startswith(UTF16_BOMS):
        raise RecordingError("the file is UTF-16 text (as Excel's 'Unicode Text' saves it), not UTF-8 / ASCII CSV",
                             path=label, hint="open it and save it as 'CSV UTF-8 (comma delimited)', then try again")


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without a BOM), else cp1252 / Latin-1 (a header saved by an old Windows tool)."""
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def require_csv_file(path: str, fmt: str) -> None:
    """The single-CSV readers (native, GENEActiv, generic, AndroSensor): a clear error for a path that is
    missing, a folder or a zip archive (a folder said 'no such file'; a zip printed its bytes as the
    'header found'). Binary bytes are no test: real GENEActiv CSV exports hold NULs in their header."""
    detect_hint = ("drop --format (format=…) to let an export be detected, or name the CSV file inside "
                   "(imu-gait analyze 'folder/file.csv')")
    if os.path.isdir(path):
        raise RecordingError(f"this is a folder; the {fmt} reader reads one CSV file", path=path, hint=detect_hint)
    if not os.path.isfile(path):
        raise RecordingError("no such file", path=path, hint="check the path")
    if zipfile.is_zipfile(path):
        raise RecordingError(f"this is a zip archive, not a CSV file, which the {fmt} reader needs", path=path,
                             hint=detect_hint.replace("folder/file.csv", "unzipped/file.csv"))
    try:
        with open(path, "rb") as fh:
            refuse_utf16(fh.read(2), path)
    except OSError:
        return                                   # unreadable: the reader's own open says so


_Reader = TypeVar("_Reader", bound=Callable[..., Any])


def clean_os_errors(reader: _Reader) -> _Reader:
    """Decorator for the public readers: an OSError (unreadable file, a folder where a file was
    expected, a vanished file) becomes a RecordingError naming the path, never a traceback. Standard
    input and other streams are refused first (:func:`refuse_stream`). Typed to keep the reader's own
    signature: untyped, it made ``imu_gait.read`` an ``Any`` to type checkers (API audit s37)."""
    import functools

    @functools.wraps(reader)
    def wrapped(path: Any, *args: Any, **kwargs: Any) -> Any:
        refuse_stream(path)
        try:
            return reader(path, *args, **kwargs)
        except OSError as exc:
            raise os_error(exc, str(exc.filename or path)) from None
    return cast(_Reader, wrapped)


#: a zip member that unpacks to more than this many times its packed size, and to more than
#: ZIP_BOMB_MIN_BYTES, is refused unread: sensor CSVs pack 2–15:1 (numbers with changing digits; a
#: still phone's timestamps still change), while a zip bomb packs ~1000:1
ZIP_MAX_RATIO = 100
ZIP_BOMB_MIN_BYTES = 64 * 2**20


#: a zip archive listing more members than this is refused before its table of contents is parsed: real
#: phone exports hold under 50 (phyphox: a few CSVs and meta/; Sensor Logger: one CSV a sensor), while zipfile
#: spends ~0.1 ms of CPU on each listed member, and the format checks look at every name more than once — a
#: zip of 300 000 one-byte members kept a read busy for 26 s of CPU before it said 'unknown format'
ZIP_MAX_MEMBERS = 1000
_ZIP_END = b"PK\x05\x06"            # end-of-central-directory record
_ZIP64_LOCATOR = b"PK\x06\x07"      # zip64 end-of-central-directory locator (just before the record above)
_ZIP64_END = b"PK\x06\x06"          # zip64 end-of-central-directory record


def zip_member_count(path: str | os.PathLike) -> tuple[int, int] | None:
    """(members listed, bytes of the table of contents) from a zip's end record, read from its last 64 KiB
    without parsing the table itself; None if no end record is found (not a zip, or damaged: zipfile says so).
    Both numbers are returned because zipfile walks the table by its size in bytes, not by the count."""
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        tail_start = max(0, size - (22 + 65535))        # the record (22 bytes) and a comment of at most 64 KiB
        fh.seek(tail_start)
        tail = fh.read()
        at = tail.rfind(_ZIP_END)
        if at < 0 or len(tail) - at < 22:
            return None
        count = int.from_bytes(tail[at + 10:at + 12], "little")
        cd_bytes = int.from_bytes(tail[at + 12:at + 16], "little")
        loc = at - 20
        if loc >= 0 and tail[loc:loc + 4] == _ZIP64_LOCATOR:
            # zip64: the 16-bit count may be 0xFFFF; the true one is in the zip64 record the locator points to
            fh.seek(int.from_bytes(tail[loc + 8:loc + 16], "little"))
            rec = fh.read(56)
            if len(rec) == 56 and rec[:4] == _ZIP64_END:
                count = int.from_bytes(rec[32:40], "little")
                cd_bytes = int.from_bytes(rec[40:48], "little")
        return count, cd_bytes


#: bytes of table of contents a member may take, on average, before the archive counts as too crowded: an
#: entry is 46 bytes plus its name (real exports' names are < 100 characters)
_ZIP_CD_BYTES_PER_MEMBER = 512


def refuse_crowded_zip(path: str | os.PathLike) -> None:
    """Refuse, in well under a millisecond, a zip archive that lists more than ZIP_MAX_MEMBERS members (or whose
    table of contents is too long for that many), before zipfile parses it; a file that is not a zip passes."""
    try:
        found = zip_member_count(path)
    except OSError:
        return                                   # unreadable: the reader's own open says so
    if found is None:
        return
    count, cd_bytes = found
    if count > ZIP_MAX_MEMBERS or cd_bytes > ZIP_MAX_MEMBERS * _ZIP_CD_BYTES_PER_MEMBER:
        listed = (f"lists {count:,} files, more than" if count > ZIP_MAX_MEMBERS else
                  f"has a {cd_bytes / 2**20:,.1f} MiB table of contents, room for far more files than")
        raise RecordingError(
            f"this zip archive {listed} the {ZIP_MAX_MEMBERS:,} imu_gait opens (a phone's export holds fewer "
            f"than 50): it is not read", path=str(path),
            hint="if it is a whole study packed in one zip, unzip it yourself and analyse the folders with "
                 "'imu-gait batch'; otherwise ask for the export again")


class Container:
    """Read-only view of an export: a folder, a zip archive or a single file.

    ``names()`` are POSIX relative paths; ``label(name)`` is what error messages show.
    Unreadable or damaged inputs raise :class:`RecordingError` naming the file (never a raw
    OSError / zip error).
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._zip = None
        try:
            self.kind = "dir" if self.path.is_dir() else ("zip" if zipfile.is_zipfile(self.path) else "file")
            if self.kind == "zip":
                refuse_crowded_zip(self.path)
                self._zip = zipfile.ZipFile(self.path)
            if self.kind == "dir":
                self._names = sorted(str(PurePosixPath(*p.relative_to(self.path).parts))
                                     for p in self.path.rglob("*") if p.is_file())
            elif self.kind == "zip":
                self._names = sorted(n for n in self._zip.namelist() if not n.endswith("/"))
            else:
                self._names = [self.path.name]
        except ZIP_READ_ERRORS as exc:
            raise zip_error(exc, str(self.path)) from None
        except OSError as exc:
            raise os_error(exc, str(getattr(exc, "filename", None) or self.path)) from None

    def names(self) -> list[str]:
        return list(self._names)

    def find(self, *patterns: str) -> str | None:
        """First member whose *basename* matches one of the regexes (case-insensitive),
        preferring the shallowest path. Hidden/macOS resource files are ignored."""
        cands = [n for n in self._names if not PurePosixPath(n).name.startswith((".", "._"))
                 and "__MACOSX" not in n]
        for pat in patterns:
            rx = re.compile(pat, re.I)
            hits = [n for n in cands if rx.fullmatch(PurePosixPath(n).name)]
            if hits:
                return min(hits, key=lambda n: (n.count("/"), n))
        return None

    def find_path(self, pattern: str) -> str | None:
        """First member whose full relative path matches the regex (case-insensitive)."""
        rx = re.compile(pattern, re.I)
        hits = [n for n in self._names if rx.fullmatch(n) and "__MACOSX" not in n]
        return min(hits, key=lambda n: (n.count("/"), n)) if hits else None

    def read_bytes(self, name: str) -> bytes:
        try:
            if self.kind == "zip":
                self._refuse_zip_bomb(name)
                return self._zip.read(name)
            if self.kind == "dir":
                return self._member_file(name).read_bytes()
            return self.path.read_bytes()
        except ZIP_READ_ERRORS as exc:
            raise zip_error(exc, self.label(name)) from None
        except OSError as exc:
            raise os_error(exc, self.label(name)) from None

    def read_head(self, name: str, n_bytes: int) -> bytes:
        """The first ``n_bytes`` of member ``name`` (to tell formats apart): never more is read or
        decompressed, whatever the member's size."""
        try:
            if self.kind == "zip":
                with self._zip.open(name) as fh:
                    return fh.read(n_bytes)
            with open(self._member_file(name) if self.kind == "dir" else self.path, "rb") as fh:
                return fh.read(n_bytes)
        except ZIP_READ_ERRORS as exc:
            raise zip_error(exc, self.label(name)) from None
        except OSError as exc:
            raise os_error(exc, self.label(name)) from None

    def _member_file(self, name: str) -> Path:
        """The file of folder member ``name``, refusing a link (to a file, or a linked sub-folder) that leads out
        of the export folder: an export is one folder of the logger's CSVs, and a link out of it in a folder
        someone shared could make imu_gait read, and quote in its messages and reports, any file the user may
        read (a key, a password file). A link that stays inside the folder is read; the folder given may itself
        be a link."""
        member = self.path / name
        target = member.resolve()
        root = self.path.resolve()
        if target != root and root not in target.parents:
            raise RecordingError(
                f"{name!r} in this export folder is a link to {str(target)!r}, outside the folder: imu_gait does "
                f"not follow links out of an export folder", path=str(self.path),
                hint=f"if you trust it, replace the link by a copy of the file (delete the link '{member}', then "
                     f"copy '{target}' to that name) or analyse that file itself; otherwise ask for the export "
                     f"again")
        return member

    def _refuse_zip_bomb(self, name: str) -> None:
        """Refuse a member that would inflate far beyond what any sensor CSV does, before decompressing it:
        a small zip e-mailed by anyone must not fill the memory (a 12 MB zip held a 2 GiB member, and the
        read ended in a MemoryError traceback). The member's stated size bounds what zipfile returns."""
        info = self._zip.getinfo(name)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > ZIP_BOMB_MIN_BYTES and ratio > ZIP_MAX_RATIO:
            raise RecordingError(
                f"{name!r} inside this zip archive would unpack to {info.file_size / 2**20:,.0f} MiB from "
                f"{info.compress_size / 2**20:,.1f} MiB ({ratio:,.0f}:1) — far more than any sensor CSV packs to "
                f"(at most ~{ZIP_MAX_RATIO}:1); it is not read (a damaged or deliberately inflated archive)",
                path=str(self.path), hint="if you trust the file, unzip it yourself and analyse the folder; "
                                          "otherwise ask for the export again")

    def read_text(self, name: str) -> str:
        raw = self.read_bytes(name)
        refuse_utf16(raw[:2], self.label(name))
        return decode_text(raw)

    def label(self, name: str) -> str:
        if self.kind == "file":
            return str(self.path)
        return f"{self.path}/{name}" if self.kind == "dir" else f"{self.path}:{name}"

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---------------------------------------------------------------------------------------
# One export per read: copies and neighbouring exports must not be mixed
# ---------------------------------------------------------------------------------------
# ' (1)', ' (2)' … : what a browser or file manager appends to a second file of the same name
_COPY_RX = re.compile(r"^(.*?)(\s*\(\d+\))?$")


def split_copy_suffix(stem: str) -> tuple[str, str]:
    """``'TotalAcceleration (1)'`` → ``('TotalAcceleration', ' (1)')``; no suffix → ``(stem, '')``."""
    m = _COPY_RX.match(stem)
    return m.group(1), m.group(2) or ""


def export_key(name: str) -> tuple[str, str]:
    """(folder, copy suffix) of an export member: the files of one export share both."""
    p = PurePosixPath(name)
    return str(p.parent), split_copy_suffix(p.stem)[1]


def refuse_several_exports(label: str, groups: dict[tuple[str, str], list[str]], kind: str) -> None:
    """Raise when ``groups`` (export key → its member files) holds more than one export: reading them as
    one would mix the acceleration of one walk with the gyroscope of another."""
    if len(groups) < 2:
        return
    shown = []
    for (folder, _copy), members in sorted(groups.items()):
        files = ", ".join(sorted(PurePosixPath(m).name for m in members))
        shown.append(f"{folder}/ ({files})" if folder != "." else files)
    first_folder = min(groups)[0]
    if first_folder != "." and len({f for f, _ in groups}) == len(groups):
        how = (f"analyse one folder at a time (e.g. {os.path.join(label, first_folder)})" if os.path.isdir(label)
               else "unzip the archive and analyse one folder at a time")
    else:
        first = sorted(min(groups.items())[1])[0]
        how = f"name one file (e.g. imu-gait analyze '{os.path.join(label, first)}') or put each export in its own folder"
    if os.path.isdir(label):      # a researcher's folder of walks: batch analyses each on its own
        how += f"; or analyse them all, one row each: imu-gait batch '{label}' -r"
    # no count: loose files in one folder are one group here, though they may be several recordings
    raise RecordingError(f"this {kind} holds more than one export: {'; '.join(shown)} — analyse them one at a "
                         "time", path=label, hint=how)


# ---------------------------------------------------------------------------------------
# CSV helpers
# ---------------------------------------------------------------------------------------
_LINE_END_RX = re.compile(r"\r\n|\r|\n")


def csv_lines(text: str) -> list[str]:
    """``text``'s lines as a CSV parser sees them: split at CR LF, CR or LF only. (``str.splitlines``
    also splits at form feeds, \\x1c–\\x1e, NEL and U+2028/2029: one such byte in a cell split its row in
    two, so line numbers after it and the cell pandas failed on were no longer found.)"""
    lines = _LINE_END_RX.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def meta_csv_rows(cont: Container, name: str) -> list[list[str]]:
    """The rows of a small meta CSV (phyphox meta/*.csv, Sensor Logger Metadata.csv), whatever its line ends
    (a lone CR, as old Mac tools write, made the csv module raise 'new-line character seen in unquoted
    field'); raises csv.Error if unreadable. They only add facts: callers leave an unreadable one out."""
    raw = cont.read_bytes(name)
    # a meta file re-saved as UTF-16 is decoded as such (it only adds facts; the sensor files are refused)
    text = (raw.decode("utf-16", "replace") if raw.startswith(UTF16_BOMS)
            else decode_text(raw)).replace("\x00", "")
    lines = text.splitlines()
    if not lines:
        return []
    return list(csv.reader(lines, delimiter=sniff_delimiter(lines[0])))


def sniff_delimiter(header_line: str, sample_lines: Sequence[str] = ()) -> str:
    """Pick the field separator among ``,`` ``;`` and tab.

    Without ``sample_lines``: the one the header line holds most of (none at all, a single column:
    ``,``). With the lines that follow (a headerless file's first row is data too): a separator that
    splits the first line and every sample line into the same number (≥ 2) of fields, each of them a
    number (a decimal comma counts as one when ``;`` or tab separates) or a date/time, wins; ties and
    no such separator fall back to the count in the first line. (Counted alone, a headerless
    ``0,01;0,12;9,81`` file has more commas than semicolons.)
    """
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        return ","
    lines = [header_line] + [l for l in sample_lines if l.strip()][:10]
    if len(lines) < 2:
        return best
    fits = []
    for d in (",", ";", "\t"):
        if not counts[d]:
            continue
        split = [l.rstrip("\r\n").split(d) for l in lines]
        n = len(split[0])
        if any(len(cells) != n for cells in split):
            continue
        rows = split if all(is_data_cell(c, decimal_comma=d != ",") for c in split[0]) else split[1:]  # a header
        if all(is_data_cell(c, decimal_comma=d != ",") for cells in rows for c in cells):
            fits.append(d)
    if len(fits) == 1:
        return fits[0]
    return best


_DATE_RX = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}|^\d{1,2}:\d{2}(?::\d{2})?|^\d{1,2}([./])\d{1,2}\1(?:\d{4}|\d{2})(?!\d)")


def is_data_cell(cell: str, *, decimal_comma: bool = True) -> bool:
    """A cell of a data row: a number (``decimal_comma``: '0,01' counts, as in a ';' or tab-separated file),
    empty, or a date/time — not a header's name. (A headerless file's first row taken for a header lost
    that sample; its separator is the one that splits rows into such cells, :func:`sniff_delimiter`.)"""
    c = cell.strip().strip('"').lstrip("\ufeff").strip()          # (a second BOM, written by a re-save)
    if not c or _DATE_RX.match(c):
        return True
    try:
        float(c.replace(",", ".") if decimal_comma and c.count(",") == 1 else c)
        return True
    except ValueError:
        pass
    if not c[:1].isdigit():                   # names like 'time' or 'acc_x' never parse as dates
        return False
    return not pd.isna(pd.to_datetime(c, errors="coerce", utc=True))


def sniff_decimal(delimiter: str, data_lines: Sequence[str]) -> str:
    """``,`` when the separator is not a comma and numbers are written with decimal commas."""
    if delimiter == ",":
        return "."
    rx = re.compile(r"(?:^|[;\t])\s*\"?[-+]?\d+,\d+")
    return "," if any(rx.search(line) for line in data_lines if line.strip()) else "."


def split_header(line: str, delimiter: str) -> list[str]:
    return [c.strip().strip('"').strip("'").strip() for c in line.rstrip("\r\n").split(delimiter)]


def header_names(line: str, delimiter: str) -> list[str]:
    """A header line's column names: :func:`split_header` without the empty name a separator at the end of
    the line leaves. That separator names no column; kept as one, a row with a value in its place ('1,5'
    typed for 1.5) was read with its cells shifted one place, without a word (reader fuzzing). Readers
    select their columns (usecols) after one, so rows that end with a separator too read as clean."""
    cells = split_header(line, delimiter)
    return cells[:-1] if len(cells) > 1 and cells[-1] == "" else cells


def require_closed_quotes(header: str, *, label: str, line: int) -> None:
    """Refuse a header line with a quote that does not close on it: the CSV parser reads on to the next
    quote, on a data line, and that row becomes part of the header — lost without a word (reader fuzzing,
    benchmarks/fuzz_readers.py: a native file lost its first data row so)."""
    if header.count('"') % 2:
        raise RecordingError("the header line has a quote (\") that does not close on it, so the next line "
                             "would be read as part of the header (its data row lost)", path=label, line=line,
                             hint="remove the stray quote from the header line, or quote each name fully")


def thousands_separator_cell(line: str, delimiter: str) -> tuple[int, str] | None:
    """``(0-based field, cell)`` of the first quoted cell of ``line`` that reads as a number written with
    ``delimiter`` as its thousands separator ('"9,194.800"', as a spreadsheet saves a formatted number), or
    None. The field counts split at every separator, quotes or not, so such a cell was reported as
    'N fields where the header has M' — true but no help."""
    if '"' not in line or delimiter not in ",.' ":
        return None
    rx = re.compile(r"\s*[+-]?\d{1,3}(?:" + re.escape(delimiter) + r"\d{3})+(?:\.\d*)?\s*")
    try:
        cells = next(csv.reader([line], delimiter=delimiter, quotechar='"'))
    except (csv.Error, StopIteration):
        return None
    for j, cell in enumerate(cells):
        if delimiter in cell and rx.fullmatch(cell):
            return j, cell
    return None


def _thousands_problem(cell: str, delimiter: str) -> str:
    return (f"'\"{cell}\"' looks like a number written with a thousands separator {delimiter!r} (a spreadsheet's "
            f"number format), which is also the file's field separator: write it without it "
            f"({cell.strip().replace(delimiter, '')!r})")


def locate_bad_cell(text_lines: Iterable[str], first_line_no: int, columns: Sequence[str],
                    delimiter: str, decimal: str = ".", usecols: Sequence[int] | None = None,
                    expected: str = "the header") -> tuple[int, str | None, str] | None:
    """Scan data lines (slow path, used only after a fast parse failed) and return
    ``(line_number, column_name, problem)`` of the first line that is not all numbers.
    ``expected``: what the field count is compared with, in the message."""
    ncol = len(columns)
    check = range(ncol) if usecols is None else usecols
    for k, raw in enumerate(text_lines):
        line_no = first_line_no + k
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue  # the fast parser skips blank lines too
        if line.count('"') % 2:
            # the CSV parser reads on to the next quote, on a later line: the lines between become part of
            # this row (rows lost, or cells shifted, without a word)
            return line_no, None, ("a quote (\") opens a cell that does not close on this line, so the lines "
                                   "after it would be read as part of this row")
        cells = line.split(delimiter)
        if len(cells) == ncol + 1 and not cells[-1].strip():
            cells = cells[:-1]        # a trailing separator (an empty last field) is read as nothing
        if len(cells) != ncol or (usecols is not None and max(usecols) >= len(cells)):
            thousands = thousands_separator_cell(line, delimiter)
            if thousands is not None:
                j = thousands[0]
                return line_no, (columns[j] if j < ncol else None), _thousands_problem(thousands[1], delimiter)
            return line_no, None, (f"{len(cells)} field(s) where {expected} has {ncol} "
                                   f"(is the separator {delimiter!r} right?)")
        for j in check:
            try:
                v = c_parser_float(cells[j], decimal)
            except ValueError:
                shown = cells[j].strip(" \t\r\n")
                if decimal != "." and "." in shown:
                    return line_no, columns[j], (f"{shown!r} is not a number as this file writes them (with a "
                                                 f"decimal comma, e.g. {shown.replace('.', ',', 1)!r})")
                return line_no, columns[j], f"{shown!r} is not a number"
            if not math.isfinite(v):
                return line_no, columns[j], f"{cells[j].strip()!r} is not a finite number"
    return None


def c_parser_float(cell: str, decimal: str = ".") -> float:
    """``cell`` as pandas' C parser reads a float (raises ValueError where it fails). Python's float() is
    more lenient — '1_000', Arabic-Indic digits, a no-break space, '0.04""', '1.5' under decimal commas —
    and such a cell, taken for a number here, left a failed parse unexplained."""
    c = cell.strip(" \t\r\n")           # (str.strip() would take a no-break space too: pandas does not)
    if len(c) >= 2 and c[0] == c[-1] == '"':
        c = c[1:-1]
    if not c.isascii() or "_" in c or '"' in c or (decimal != "." and "." in c):
        raise ValueError(cell)
    return float(c.replace(decimal, ".") if decimal != "." else c)


_OPEN_QUOTE = ("a quote (\") opens a cell that does not close on this line, so the lines after it would "
               "be read as part of this row")


def _first_bad_row(lines: Sequence[str], first_line_no: int, n_fields: int, delimiter: str,
                   *, longer_only: bool, columns: Sequence[str] | None = None) -> tuple[int, str] | None:
    """The shared walk of :func:`first_misfit_row` and :func:`find_overlong_row`: the first non-blank line
    with an open quote, or with a field count that is wrong (any, or — ``longer_only`` — more fields
    than ``n_fields``, a trailing separator excepted)."""
    for k, line in enumerate(lines):
        if not line.strip():
            continue
        if line.count('"') % 2:
            return first_line_no + k, _OPEN_QUOTE
        n = line.count(delimiter) + 1
        trailing = n == n_fields + 1 and not line.rsplit(delimiter, 1)[1].strip()
        if n != n_fields and not trailing:
            thousands = thousands_separator_cell(line, delimiter)
            if thousands is not None:
                j = thousands[0]
                where = (f"column {columns[j]!r}" if columns is not None and j < len(columns)
                         else f"field {j + 1}")
                return first_line_no + k, f"{where}: {_thousands_problem(thousands[1], delimiter)}"
        if longer_only and n > n_fields and not trailing:
            return first_line_no + k, (f"{n} field(s) where {n_fields} are expected: a separator too many "
                                       "shifts this row's values into the wrong columns")
        if not longer_only and n != n_fields:
            return first_line_no + k, (f"{n} field(s) where the header has {n_fields}"
                                       + (f" (the line ends with a separator {delimiter!r}: an empty field more)"
                                          if trailing else f" (is the separator {delimiter!r} right?)"))
    return None


def first_misfit_row(lines: Sequence[str], first_line_no: int, n_fields: int,
                     delimiter: str, columns: Sequence[str] | None = None) -> tuple[int, str] | None:
    """``(line number, problem)`` of the first data line that holds an unclosed quote or not exactly
    ``n_fields`` fields — a trailing separator (an empty field more) counted as the field too many it is
    to pandas when the other rows lack it. For naming the line when pandas' parse failed on one."""
    return _first_bad_row(lines, first_line_no, n_fields, delimiter, longer_only=False, columns=columns)


def is_complete_row(line: str, delimiter: str, decimal: str, n_fields: int) -> bool:
    """A line written whole: ``n_fields`` fields, each a finite number."""
    cells = line.strip().split(delimiter)
    if len(cells) != n_fields:
        return False
    try:
        return all(math.isfinite(float(c.strip().strip('"').replace(decimal, "."))) for c in cells)
    except ValueError:
        return False


def drop_cut_last_line(text: str, delimiter: str, decimal: str, n_fields: int, label: str,
                       warnings: list[str]) -> str:
    """``text`` without a last line cut short — no line end after it and not a whole row of numbers (an
    export or copy interrupted) — with a warning naming it; a whole last row merely without its final
    line end (many editors save so) is kept. The rows before it are as good as ever: refusing the file
    for its last line sent people to edit it by hand."""
    if not text or text.endswith(("\n", "\r")):
        return text
    cut = max(text.rfind("\n"), text.rfind("\r"))
    if cut < 0 or is_complete_row(text[cut + 1:], delimiter, decimal, n_fields):
        return text
    line_no = len(csv_lines(text[:cut + 1])) + 1
    warnings.append(f"{PurePosixPath(label).name}: the last line ({line_no}) was incomplete (export or copy cut "
                    "short?) and was ignored")
    return text[:cut + 1]


def rows_lost_or_shifted(text_or_path, skiprows: int, n_fields: int, delimiter: str, n_parsed: int,
                         nrows: int | None = None) -> bool:
    """After a parse with ``usecols`` (which pandas does quietly wrong): True when a data row has more
    fields than the header — pandas drops the extra ones, so a stray separator mid-row shifts that row's
    values into the wrong columns — or when fewer rows came back than the data has lines (a quote opened
    in an unused cell runs on over line ends and swallows rows). A trailing separator (one empty field
    more) is no such row. Fast path: the separator count is exactly (fields − 1) × rows and the data
    holds no quote (C-speed tests); only otherwise are the lines looked at one by one."""
    if isinstance(text_or_path, str):
        text = text_or_path
    else:
        with open(text_or_path, "rb") as fh:
            text = fh.read().decode("utf-8", "replace")
    if skiprows:
        parts = re.split(r"\r\n|\r|\n", text, maxsplit=skiprows)
        body = parts[skiprows] if len(parts) > skiprows else ""
    else:
        body = text         # (maxsplit=0 is 'no limit' to re.split: the body was the first line alone)
    if '"' not in body and body.count(delimiter) == (n_fields - 1) * n_parsed:
        return False
    lines = [line for line in re.split(r"\r\n|\r|\n", body) if line.strip()]
    if nrows is not None:
        lines = lines[:nrows]
    if len(lines) > n_parsed:
        return True
    for line in lines:
        n = line.count(delimiter) + 1
        if n > n_fields and not (n == n_fields + 1 and not line.rsplit(delimiter, 1)[1].strip()):
            return True
    return False


def find_overlong_row(lines: Sequence[str], first_line_no: int, n_fields: int,
                      delimiter: str, columns: Sequence[str] | None = None) -> tuple[int, str] | None:
    """``(line number, problem)`` of the first data line that :func:`rows_lost_or_shifted` objects to: a
    quote left open, or more fields than the header (a trailing separator excepted)."""
    return _first_bad_row(lines, first_line_no, n_fields, delimiter, longer_only=True, columns=columns)


#: pandas < 3's default float parser crashes the interpreter (SIGSEGV) on an exponent of 2**31 or more
#: ('1e2147483648' — pandas 2.3.3, the newest for Python 3.10; found by benchmarks/fuzz_readers.py run
#: on 3.10). A file holding such an exponent is parsed there with the legacy parser, which reads the
#: cell as text instead, so the readers name it as a bad value like any other; pd.to_numeric shares the
#: parser, so cells of text go through :func:`to_numbers`.
PANDAS_EXPONENT_CRASH = int(pd.__version__.split(".")[0]) < 3
_HUGE_EXPONENT_RX = re.compile(r"[eE][+-]?\d{10,}")


def read_csv_safely(src, **kwargs) -> pd.DataFrame:
    """``pandas.read_csv(src, **kwargs)``, with the legacy float parser where pandas < 3 would crash on the
    text (:data:`PANDAS_EXPONENT_CRASH`). ``src``: a StringIO of CSV text, a BytesIO of UTF-8 CSV or a file path."""
    if PANDAS_EXPONENT_CRASH:
        if isinstance(src, io.StringIO):
            text = src.getvalue()
        elif isinstance(src, io.BytesIO):          # (a block of a large file: it was opened as a path, TypeError)
            text = src.getvalue().decode("utf-8", "replace")
        else:
            with open(src, "r", encoding="utf-8", errors="replace") as fh:
                text = fh.read()
        if _HUGE_EXPONENT_RX.search(text):
            kwargs["float_precision"] = "legacy"
    return pd.read_csv(src, **kwargs)


def to_numbers(col: pd.Series) -> pd.Series:
    """``pd.to_numeric(col, errors="coerce")`` — where pandas < 3 would crash on a huge exponent in a cell of
    text (its to_numeric shares the parser), that cell becomes NaN first: the caller names it, with its own
    text, as not a finite number."""
    if PANDAS_EXPONENT_CRASH and col.dtype == object:
        huge = col.astype(str).str.contains(_HUGE_EXPONENT_RX)
        if huge.any():
            col = col.mask(huge)
    return pd.to_numeric(col, errors="coerce")


def _first_row_ends_with_separator(text_or_path, skiprows: int, delimiter: str, n_names: int,
                                   head: str | None = None) -> bool:
    """Whether the first non-blank data row has one field more than ``n_names`` and that field is empty.
    ``head``: the start of the file, when the caller has read it already."""
    if head is None and isinstance(text_or_path, str):
        head = text_or_path[:65536]
    elif head is None and isinstance(text_or_path, bytes):
        head = text_or_path[:65536].decode("utf-8", "replace")
    elif head is None:
        with open(text_or_path, "r", encoding="utf-8-sig", errors="replace") as fh:
            head = fh.read(65536)
    rows = [line for line in re.split(r"\r\n|\r|\n", head)[skiprows:] if not is_blank_or_separators(line)]
    if not rows:
        return False
    first = rows[0]
    return first.count(delimiter) == n_names and not first.rsplit(delimiter, 1)[1].strip()


#: what a row of only empty cells is made of (besides white space): Excel saves formatted empty rows as
#: ',,,,,,' (or ';;;;;' where ';' separates). The line mappers count such a line as blank, as the readers
#: that skip them do (:func:`parse_numeric_csv` with ``skipped``); a reader that does not skip them refuses
#: the line, so no row is ever mapped past one.
def is_blank_or_separators(line: str) -> bool:
    """A line holding nothing but white space and separators (',' ';' tab): no cell has a value."""
    return not line.replace(",", "").replace(";", "").strip()


def blank_separator_rows(text: str, delimiter: str, skiprows: int) -> tuple[str, list[int]]:
    """``text`` with each line after the first ``skiprows`` that holds only ``delimiter`` (and white space)
    made empty — the line ends kept, so every later line keeps its number — and the 0-based indices of those
    lines in ``text``. Only run after a fast parse failed: the normal path never pays for it."""
    rx = re.compile(r"(?m)^[ \t]*(?:" + re.escape(delimiter) + r"[ \t]*)+(?=\r?$)")
    found: list[int] = []
    pos, line_idx = 0, 0

    def blank(m: re.Match) -> str:
        nonlocal pos, line_idx
        line_idx += text.count("\n", pos, m.start())
        pos = m.start()
        if line_idx < skiprows:
            return m.group(0)
        found.append(line_idx)
        return ""
    out = rx.sub(blank, text)
    return out, found


def separator_rows_warning(label: str, skipped: Sequence[tuple[int, int]]) -> str | None:
    """The one warning for rows of only separators skipped by :func:`parse_numeric_csv` (``skipped``: its
    ``(first line, count)`` records, possibly one per block of a large file), or None when none were."""
    if not skipped:
        return None
    n = sum(c for _, c in skipped)
    first = min(l for l, _ in skipped)
    return (f"{PurePosixPath(label).name}: {n} row(s) holding only separators (no value in any cell — Excel "
            f"saves formatted empty rows so), the first on line {first}, were skipped")


def parse_numeric_csv(text_or_path, *, label: str, skiprows: int, names: Sequence[str],
                      delimiter: str, decimal: str = ".", usecols: Sequence[int] | None = None,
                      first_line_no: int, dtype=np.float64, nrows: int | None = None,
                      head: str | None = None, ends_file: bool = True,
                      skipped: list[tuple[int, int]] | None = None) -> np.ndarray:
    """Fast path: pandas C parser, float64, no Python per row. On failure, find the first
    bad line/column and raise :class:`RecordingError` naming it.

    ``text_or_path``: a ``str`` is CSV *text*, ``bytes`` CSV text in UTF-8 (a block of a large file,
    :mod:`._blocks`); a :class:`pathlib.Path` is a file to read. ``head``: the file's first 64 KiB as text,
    when the caller has read them already (not read again). ``ends_file``: the text's last line is the
    file's (not so for a block of a large file but the last). ``skipped``: when given, rows of only
    separators (every cell empty) are skipped like blank lines — found only after the fast parse failed, so
    the normal path is untouched — and ``(file line of the first, count)`` is appended to it for the caller's
    one warning (:func:`separator_rows_warning`); without it they are refused as bad values, as before.
    """
    raw = text_or_path if isinstance(text_or_path, bytes) else None
    if raw is not None:
        # pandas reads the bytes undecoded; the text is made only where lines are looked at
        if head is None:
            head = raw[:65536].decode("utf-8", "replace")
    is_text = isinstance(text_or_path, str)
    src = (io.BytesIO(raw) if raw is not None else io.StringIO(text_or_path) if is_text else text_or_path)
    n_names = len(names)
    if _first_row_ends_with_separator(text_or_path, skiprows, delimiter, n_names, head):
        # rows ending in a separator the header lacks (header_names drops it there): pandas takes the width
        # from the first row, so it gets a name for that empty field and the real columns are selected
        n_names, usecols = n_names + 1, (list(range(len(names))) if usecols is None else usecols)
    try:
        # positional names: a header that repeats a name is the reader's business (pandas refuses it).
        # na_filter=False: no cell is compared with pandas' missing-value words ('', 'NA', 'null', 'nan', …): the
        # 1-h native file's parse 81.8 → 77.9 ms CPU (best of 41; median 99 → 92). Those words are refused either
        # way — as NaN by the finite test below, or now as not a number (ValueError) — and both go to the text
        # scan that names the cell; a cell that is a number parses to the same float with or without the filter
        df = read_csv_safely(src, sep=delimiter, decimal=decimal, header=None, skiprows=skiprows,
                             names=range(n_names), usecols=usecols, dtype=dtype, engine="c",
                             skip_blank_lines=True, na_filter=False, quotechar='"', nrows=nrows)
        arr = df.to_numpy(dtype=np.float64)
        if arr.size and not np.isfinite(arr).all():
            raise ValueError("non-finite")
        if arr.ndim == 2 and arr.shape[1] != (len(names) if usecols is None else len(usecols)):
            raise ValueError("shape")
        # (without usecols pandas refuses a longer row, and a cell run on over a line end fails as a number)
        if usecols is not None and rows_lost_or_shifted(text_or_path if raw is None else raw.decode("utf-8", "replace"),
                                                        skiprows, len(names), delimiter, arr.shape[0], nrows):
            raise ValueError("a row longer than the header, or rows joined by a quote")
        return arr
    except (ValueError, TypeError, pd.errors.ParserError):
        if is_text or raw is not None:
            full = text_or_path if raw is None else raw.decode("utf-8", "replace")
        else:
            with open(text_or_path, "r", encoding="utf-8", errors="replace", newline="") as fh:
                full = fh.read()
        if skipped is not None:
            blanked, found = blank_separator_rows(full, delimiter, skiprows)
            if found:
                # parsed again with those rows as blank lines: every other row and line number as in the file
                skipped.append((first_line_no - skiprows + found[0], len(found)))
                return parse_numeric_csv(blanked, label=label, skiprows=skiprows, names=names,
                                         delimiter=delimiter, decimal=decimal, usecols=usecols,
                                         first_line_no=first_line_no, dtype=dtype, nrows=nrows, head=None,
                                         ends_file=ends_file, skipped=None)
        lines = csv_lines(full)[skiprows:]
        if nrows is not None:
            lines = lines[:nrows]
        hit = locate_bad_cell(lines, first_line_no, names, delimiter, decimal, usecols)
        if hit is None:
            # pandas also refuses what locate_bad_cell lets pass: a trailing separator on some rows only
            row = first_misfit_row(lines, first_line_no, len(names), delimiter, names)
            if row is not None:
                raise RecordingError(f"bad value in the data: {row[1]}", path=label, line=row[0],
                                     hint="fix or delete that row") from None
            raise RecordingError("the data rows could not be read as numbers (no single bad cell found)",
                                 path=label, line=first_line_no,
                                 hint=f"check that the separator is {delimiter!r}, the decimal mark {decimal!r}, "
                                      "and that every data row holds only numbers") from None
        line_no, col, problem = hit
        last = ends_file and line_no == first_line_no + len(lines) - 1
        raise RecordingError(f"bad value in the data: {problem}", path=label, line=line_no, column=col,
                             hint="fix or delete that row" + (" (a last line cut short by a crash can simply be "
                                                              "deleted)" if last else "")) from None


# ---------------------------------------------------------------------------------------
# Final checks with line numbers, then Recording.validated()
# ---------------------------------------------------------------------------------------
def row_line_mapper(text_or_path, first_line_no: int) -> Callable[[int], int]:
    """``line_of(row)``: the 1-based file line of data row ``row`` (0-based, blank lines not counted —
    the parsers skip them). The file is scanned only when a line is asked for (errors, warnings)."""
    cache: list[np.ndarray] = []

    def line_of(row: int) -> int:
        if not cache:
            if not isinstance(text_or_path, str) and os.stat(text_or_path).st_size > _blocks.BLOCK_READ_ABOVE_BYTES:
                # a large file is scanned block by block: its text and lines never sit in memory at once
                cache.append(_blocks.nonblank_line_numbers(text_or_path, first_line_no))
                return line_of(row)
            if isinstance(text_or_path, str):
                text = text_or_path
            else:
                with open(text_or_path, "r", encoding="utf-8", errors="replace", newline="") as fh:
                    text = fh.read()
            lines = _LINE_END_RX.split(text)[first_line_no - 1:]
            cache.append(first_line_no + np.flatnonzero([not is_blank_or_separators(l) for l in lines]))
        nonblank = cache[0]
        return int(nonblank[row]) if 0 <= row < nonblank.size else first_line_no + int(row)
    return line_of


#: an isolated time stamp further than this from its neighbours (which agree with each other) is a
#: glitch and is dropped; closer, it is a late sample and is sorted into place (Recording.validated)
GLITCH_MIN_S = 0.25
#: a run of more than this many samples behind an earlier time stamp is a clock set back, not a late
#: sample: sorted, the overlap would interleave (and average) samples from two different moments
MAX_LATE_RUN = 3


def drop_time_glitches(t: np.ndarray, line_of: Callable[[int], int | None], label: str, column: str,
                       warnings: list[str]) -> np.ndarray | None:
    """Indices of the samples to keep — all but isolated wild time stamps (one sample 3 s back, 5 s
    ahead or 0 while both neighbours are consistent), each named by line in ``warnings`` — or None when
    every sample is kept. More than a few such samples are not glitches: nothing is dropped, and
    :func:`check_time_axis` judges."""
    if t.size < 3:
        return None
    dt = np.diff(t)
    if max(float(dt.max()), -float(dt.min())) <= GLITCH_MIN_S:
        return None          # a sample can sit no further than its larger step from its neighbours' middle
    pos = dt[dt > 0]
    med = float(np.median(pos, overwrite_input=True)) if pos.size else 0.0    # (pos is a copy)
    del dt, pos                # (over a day's recording, each array here is 70 MB at the reader's peak)
    if med <= 0:
        return None
    prev, mid, nxt = t[:-2], t[1:-1], t[2:]
    span = nxt - prev
    neighbours_agree = (span > 0) & (span <= 4.0 * med)
    del span
    off = prev + nxt           # |mid − ½(prev + nxt)|, in place in one array
    off *= 0.5
    np.subtract(mid, off, out=off)
    np.abs(off, out=off)
    glitch = neighbours_agree & (off > max(GLITCH_MIN_S, 5.0 * med))
    del off, neighbours_agree
    idx = np.flatnonzero(glitch) + 1
    if idx.size == 0 or idx.size > max(3, int(0.001 * t.size)):
        return None
    shown = ", ".join(f"line {line_of(int(i))} (t={t[i]:.6g} between {t[i - 1]:.6g} and {t[i + 1]:.6g})"
                      for i in idx[:5])
    warnings.append(f"{idx.size} sample(s) with a time stamp far from both neighbours dropped "
                    f"(column {column!r}): {shown}{' …' if idx.size > 5 else ''}")
    return np.delete(np.arange(t.size), idx)


def repeated_rows(t: np.ndarray, acc: np.ndarray, gyro: np.ndarray | None, line_of: Callable[[int], int | None],
                  label: str, warnings: list[str]) -> np.ndarray | None:
    """Indices of the samples to keep — all but the blocks of rows that repeat rows already read exactly
    (the same time and the same values: a logger that wrote a buffer twice), each block named by its lines
    in ``warnings`` — or None when every sample is kept. A block is a run of rows each at or behind the
    latest time so far, at least one behind it; only a block every row of which is such a copy is merged.
    One with the same times but other values is kept, for :func:`check_time_axis` to refuse (a clock set
    back: two moments) or, a late sample or two, to be sorted into place."""
    if t.size < 2:
        return None
    if not (t[1:] < t[:-1]).any():
        return None          # (the usual file: one pass, no copy of the arrays)
    # (index arithmetic on the few rows concerned: a cumulative sum over a day's samples costs ~0.1 s each)
    latest = np.maximum.accumulate(t)
    at_or_behind = np.zeros(t.size, dtype=bool)
    np.less_equal(t[1:], latest[:-1], out=at_or_behind[1:])
    behind = np.flatnonzero(t[1:] < latest[:-1]) + 1
    del latest
    step = np.diff(at_or_behind.view(np.int8))
    del at_or_behind
    starts, ends = np.flatnonzero(step == 1) + 1, np.flatnonzero(step == -1) + 1
    if starts.size > ends.size:                     # a run to the last row (the first row is never behind)
        ends = np.r_[ends, t.size]
    del step
    blocks = np.searchsorted(behind, ends) > np.searchsorted(behind, starts)
    starts, ends = starts[blocks], ends[blocks]
    if starts.size == 0:
        return None
    # every row at a time the blocks hold; among them, a row that equals an earlier one (time and values) is
    # a copy (np.unique's first occurrence of each distinct row is the one read first)
    tb = t[_run_rows(starts, ends)]
    near = np.flatnonzero((t >= tb.min()) & (t <= tb.max()))      # (np.isin over a day's samples sorts them all)
    pool = near[np.isin(t[near], tb)]
    del tb, near
    rows = np.hstack([t[pool, None], acc[pool]] + ([] if gyro is None else [gyro[pool]]))
    _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    del rows
    original = pool[first[np.ravel(inverse)]]          # the row each row of the pool repeats (itself: none)
    copies = pool[original != pool]
    whole = np.searchsorted(copies, ends) - np.searchsorted(copies, starts) == ends - starts
    starts, ends = starts[whole], ends[whole]
    if starts.size == 0:
        return None

    def of(i: int) -> int:          # (pool is in file order)
        return int(original[np.searchsorted(pool, i)])

    shown = ", ".join(f"lines {line_of(int(a))}–{line_of(int(b) - 1)} ({int(b - a)} rows, as lines "
                      f"{line_of(of(a))}–{line_of(of(b - 1))})" for a, b in zip(starts[:5], ends[:5]))
    warnings.append(f"{label}: {int((ends - starts).sum())} row(s) repeat rows already read exactly (the same "
                    f"time and values: written twice) and were merged with them: {shown}"
                    f"{' …' if starts.size > 5 else ''}")
    keep = np.ones(t.size, dtype=bool)
    keep[_run_rows(starts, ends)] = False
    return np.flatnonzero(keep)


def consecutive_copies(t: np.ndarray, acc: np.ndarray, gyro: np.ndarray | None, line_of: Callable[[int], int | None],
                       label: str, warnings: list[str]) -> np.ndarray | None:
    """Indices of the samples to keep — all but the rows that repeat the row before exactly (the same time
    and values: a logger writing each packet twice), counted in ``warnings`` whatever their share (the docs
    promise exact duplicates merged; over 5 % they were refused as 'a time column too coarse') — or None when
    there are none. Rows repeating only the time are left for :func:`check_time_axis` to judge."""
    copy = exact_copy_rows(t, acc, gyro)
    n = int(np.count_nonzero(copy))
    if n == 0:
        return None
    first = int(np.argmax(copy))
    warnings.append(f"{label}: {n} of {t.size} rows repeat the row before exactly (the same time and values: "
                    f"written twice, first at line {line_of(first)}) and were merged with it")
    return np.flatnonzero(~copy)


def _run_rows(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The indices in [starts[i], ends[i]) for every i, in order."""
    lengths = ends - starts
    return np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(int(lengths.sum()))


def _float32_rounding(traw: np.ndarray) -> tuple[float, float, int] | None:
    """(the rounding step and the mean step between samples, in the column's own unit; how many rows repeat the
    time before them) when the time column was stored as 32-bit floats (7 significant digits) and that rounding shows:
    the rounding is ≥ 5 % of a sample's step, every step is a whole number of half float32 steps at the
    column's size, and the steps jitter by it (over 10 % of them off the median, or repeated). A clean clock
    whose step happens to be a power of two (128 Hz) does not jitter; integer ms are far finer than float32's
    step until 2^24 ms. None otherwise. (The first 10,000 steps decide whether the rounding shows before the
    whole column is looked at: a day's steps are 70 MB.)"""
    if traw.size < 10:
        return None
    top = float(max(abs(traw[0]), abs(traw[-1])))
    mean_step = float(traw[-1] - traw[0]) / (traw.size - 1)
    if not (np.isfinite(top) and top > 0.0 and mean_step >= 0.0):
        return None
    rounding = float(np.spacing(np.float32(top)))
    if rounding < 0.05 * mean_step or (mean_step == 0.0 and top < 2.0 ** 24):
        return None         # (one value throughout, below float32's whole numbers: a constant, not a clock)
    def on_grid(steps: np.ndarray) -> bool:
        # (below a power of two the float32 step is half; a tenth of it for text printed to 4 decimals; a step
        # of a sample is zero or at least one half-step: 10 ms on a float64 Unix time is neither)
        halves = steps / (rounding / 2)
        whole = np.round(halves)
        return bool(np.all((np.abs(halves - whole) <= 0.1) & ((whole >= 1) | (steps == 0))))

    head = np.diff(traw[:10_001])
    median = float(np.median(head))
    off = float(np.mean((head != median) & (head <= 3 * max(median, rounding))))
    if not on_grid(head) or (np.mean(head == 0) <= 0.1 and off <= 0.1):
        return None          # (a clean clock — the common case — is decided on the head alone)
    steps = np.diff(traw)
    if not on_grid(steps):
        return None
    return rounding, mean_step, int(np.count_nonzero(steps == 0))


def float32_clock(traw: np.ndarray, unit: str | None, label: str, column: str, warnings: list[str]) -> None:
    """Refuse a time column rounded coarser than its samples by 32-bit floats (a Unix time in seconds keeps only
    steps of 128 s: it was 'read in ms, spans 0.128 s'), naming the cause and what to do; warn when the
    rounding is finer than a sample (seconds since boot at 120000 s: ±3.9 ms, and a 100-Hz clock read as
    128 Hz)."""
    found = _float32_rounding(traw)
    if found is None:
        return
    rounding, mean_step, repeated = found
    in_unit = f" {unit}" if unit else ""
    what = (f"the time column's values are rounded to steps of {rounding:.6g}{in_unit} — 32-bit floats keep 7 "
            f"significant digits, and at {abs(float(traw[-1])):.7g}{in_unit} that is their step")
    if rounding >= mean_step:
        raise RecordingError(f"{what}, coarser than the samples ({repeated} of the {traw.size} rows repeat the "
                             "time before them): the times cannot place the samples", path=label, column=column,
                             hint="export the time column with full precision (64-bit floats or integers); if the "
                                  "samples are evenly spaced, read them without it: --time-col none --sample-rate HZ")
    warnings.append(f"{what}: each time is off by up to ±{rounding / 2:.3g}{in_unit} (the samples are "
                    f"{mean_step:.4g}{in_unit} apart on average, so the sample rate the summary gives from the median "
                    "step may be off); export the time with full precision for exact times")


def check_time_axis(t: np.ndarray, label: str, line_of: Callable[[int], int | None], column: str = "time") -> None:
    """Refuse time axes that cannot be repaired by sorting, naming the line (``line_of(sample)``).

    Tolerated (``Recording.validated`` sorts/averages and warns): a few late samples, a
    few repeated stamps. Refused here: a time reset (a jump back by more than 1 s), a clock
    set back (a run of samples behind an earlier stamp), many backward steps or repeats, one gap
    longer than the rest of the recording.
    """
    if t.size < 2:
        return
    dt = np.diff(t)
    back = dt < 0
    if back.any():
        i = int(np.flatnonzero(back)[0]) + 1
        if dt.min() < -1.0 or back.sum() > 0.01 * t.size:
            i = int(np.argmin(dt)) + 1 if dt.min() < -1.0 else i
            raise RecordingError(
                f"time goes backwards (from {t[i - 1]:.6g} to {t[i]:.6g}; {int(back.sum())} backward step(s) in "
                f"{t.size} samples): two recordings joined, a clock reset, or not a time column",
                path=label, line=line_of(i), column=column,
                hint="split the file at that line, or pass the right time column (time_col=…)")
        # samples behind the latest stamp so far: a late packet is 1–2; a clock set back leaves a run
        behind = t < np.maximum.accumulate(t)
        edges = np.diff(np.r_[0, behind.astype(np.int8), 0])
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        long = np.flatnonzero(ends - starts > MAX_LATE_RUN)
        if long.size:
            j, n = int(starts[long[0]]), int(ends[long[0]] - starts[long[0]])
            latest = float(np.max(t[:j]))
            step = float(np.median(dt[dt > 0])) if np.any(dt > 0) else 0.0   # t[j] was due one step later
            raise RecordingError(
                f"the clock was set back by {latest + step - t[j]:.3g} s (from {latest:.6g} to {t[j]:.6g}): the {n} "
                "samples "
                "from this line on repeat times already recorded, so two moments would be mixed",
                path=label, line=line_of(j), column=column,
                hint="split the file at that line (or fix the time stamps), then analyse the parts")
    rep = dt == 0
    if rep.sum() > 0.05 * t.size:
        i = int(np.flatnonzero(rep)[0]) + 1
        raise RecordingError(
            f"{int(rep.sum())} of {t.size} timestamps repeat the previous one (first at this line): "
            "the time column is too coarse or not a time",
            path=label, line=line_of(i), column=column,
            hint="pass the time unit (time_unit=ms|us|ns|s) or another time column")
    i = int(np.argmax(dt))
    if dt[i] > 0:
        span = float(t.max() - t.min())
        # (the median last, only for a gap over half the span: over a day its copies are 140 MB)
        if dt[i] > 0.5 * span and dt[i] > 10.0 * float(np.median(dt[dt > 0], overwrite_input=True)):
            raise RecordingError(
                f"a gap of {dt[i]:.1f} s (from t={t[i]:.6g} to t={t[i + 1]:.6g}) is more than half of the "
                f"{span:.1f} s covered: most of the recording is missing",
                path=label, line=line_of(i + 1), column=column,
                hint="the logger lost most of the data, or two recordings were joined: split the file")


def _kept(keep: np.ndarray | None, t: np.ndarray, acc: np.ndarray, gyro: np.ndarray | None,
          rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """The samples a check keeps (``keep``: their indices, None: all) and their rows in the file."""
    if keep is None:
        return t, acc, gyro, rows
    return t[keep], acc[keep], None if gyro is None else gyro[keep], keep if rows is None else rows[keep]


#: an acceleration this many times the file's typical |a| (gravity's size, in whatever unit the columns hold) is no
#: measurement: trunk impacts stay under ~20 g and a glitch the engine smooths (> 50 g) under a few hundred
IMPOSSIBLE_ACC_RATIO = 1000.0
#: an angular rate over this (in rad/s, or in deg/s not yet converted) is no measurement: gyroscopes stop at
#: 35 rad/s (2000 deg/s)
IMPOSSIBLE_GYRO = 1e4


def refuse_impossible_values(acc: np.ndarray, gyro: np.ndarray | None, line_of_sample: Callable[[int], int | None],
                             label: str, t: np.ndarray, gyro_label: str | None = None) -> None:
    """Refuse a damaged value far beyond any sensor's range ('99999999', '1e30' in one cell), naming its line.
    One such acceleration was refused as 'not steady like gravity … the sensor seems to swing'; one such angular
    rate was read without a word and bent the whole walk's forward direction ('no bout of 16+ steady steps').
    ``gyro_label``: the gyroscope's own file when it was interpolated from one (then the time is named)."""
    # min / max first (no copy of a day's arrays); the search only when a value is out of range
    scale = max(float(np.median(np.abs(acc[::max(1, acc.shape[0] // 4096)]).max(axis=1))), G)
    limit = IMPOSSIBLE_ACC_RATIO * scale
    for name, arr, lim, src in (("acceleration", acc, limit, None), ("angular rate", gyro, IMPOSSIBLE_GYRO, gyro_label)):
        if arr is None or arr.size == 0 or (float(arr.max()) <= lim and float(arr.min()) >= -lim):
            continue
        i, j = divmod(int(np.flatnonzero((arr > lim) | (arr < -lim))[0]), 3)
        what = (f"an {name} of {arr[i, j]:.3g} on the {'xyz'[j]} axis is over {lim:.3g}"
                + (f" ({IMPOSSIBLE_ACC_RATIO:.0f} times gravity's size in this file, {scale:.3g})" if name == "acceleration"
                   else "") + ": no sensor measures that, the value is damaged")
        if src is not None:
            raise RecordingError(f"{what} (at {t[i] - t[0]:.3f} s into the recording)", path=src,
                                 hint="fix or delete that row of the file, then read the recording again")
        raise RecordingError(what, path=label, line=line_of_sample(i),
                             hint="fix or delete that row, then read the recording again")


def finish(t: np.ndarray, acc: np.ndarray, gyro: np.ndarray | None, *, label: str, meta: dict,
           warnings: list[str] | None = None, first_line_no: int | None = None,
           time_column: str = "time", rows: np.ndarray | None = None,
           line_of_row: Callable[[int], int] | None = None, gyro_label: str | None = None) -> Recording:
    """Common ending of every reader: isolated time glitches dropped, blocks of rows written twice merged
    (:func:`repeated_rows`), line-aware time checks, then ``validated()``.

    Line numbers in messages: sample ``i`` is data row ``rows[i]`` of the file (``rows``: what is left
    after a reader cut samples, e.g. outside the gyroscope's overlap; default: all rows in order), on
    line ``line_of_row(row)`` (default ``first_line_no + row``: no blank lines).
    """
    t = np.ascontiguousarray(t, dtype=np.float64)
    acc = np.ascontiguousarray(acc, dtype=np.float64)
    gyro = None if gyro is None else np.ascontiguousarray(gyro, dtype=np.float64)
    if t.size == 0:
        raise RecordingError("the file has a header but no data rows", path=label,
                             hint="the recording is empty: record again or pick another file")
    # (no np.arange for "every row": over a day's recording each index array is 70 MB at the peak)
    rows = None if rows is None else np.asarray(rows)
    if line_of_row is None:
        line_of_row = (lambda r: None) if first_line_no is None else (lambda r: first_line_no + int(r))

    def line_of_sample(i: int) -> int | None:
        return line_of_row(int(i) if rows is None else int(rows[i]))

    refuse_impossible_values(acc, gyro, line_of_sample, label, t, gyro_label)
    warnings = list(warnings or [])
    # each check returns the samples it keeps (None: all); rows follow, so later lines are still named right
    t, acc, gyro, rows = _kept(drop_time_glitches(t, line_of_sample, label, time_column, warnings), t, acc, gyro, rows)
    t, acc, gyro, rows = _kept(repeated_rows(t, acc, gyro, line_of_sample, label, warnings), t, acc, gyro, rows)
    t, acc, gyro, rows = _kept(consecutive_copies(t, acc, gyro, line_of_sample, label, warnings), t, acc, gyro, rows)
    check_time_axis(t, label, line_of_sample, time_column)
    meta = dict(meta)
    meta.setdefault("path", label)
    rec = Recording(time_s=t, acc_mps2=acc, gyro_rads=gyro, meta=meta, warnings=warnings)
    return rec.validated()


def gyro_magnitude_p95(gyro: np.ndarray) -> float:
    return float(np.percentile(row_norms(gyro), 95, overwrite_input=True)) if gyro.size else float("nan")


def guess_acc_unit(acc_raw: np.ndarray, t: np.ndarray | None = None) -> tuple[str, float] | None:
    """Unit implied by gravity's size in a recording (:func:`~imu_gait.recording.gravity_size`): ≈1 → g,
    ≈9.8 → m/s², ≈1000 → mg. ``None`` if none fits (gravity removed, raw counts …): the body's acceleration
    without gravity also has a median |a| near 1 m/s², which must not be taken for 1 g."""
    missing, m = gravity_found(acc_raw, t)           # one pass over the 2-s means for both
    if missing:
        return None
    if 0.6 < m < 1.6:
        return "g", m
    if 6.0 < m < 15.0:
        return "m/s2", m
    if 600.0 < m < 1600.0:
        return "mg", m
    return None


def guess_gyro_unit(gyro_raw: np.ndarray) -> tuple[str, float]:
    """rad/s unless the 95th percentile of |ω| exceeds 8 (8 rad/s ≈ 460 deg/s: far beyond
    trunk motion, ordinary in deg/s). A still recording is ambiguous: rad/s is assumed."""
    p95 = gyro_magnitude_p95(gyro_raw)
    return ("deg/s" if p95 > GYRO_DEG_S_P95 else "rad/s"), p95


def check_stated_acc_unit(acc_raw: np.ndarray, unit: str, label: str, columns: Sequence[str]) -> None:
    """Refuse when the data contradicts the unit the user or the format stated."""
    guess = guess_acc_unit(acc_raw)
    if guess is None:
        return  # let Recording.check_units explain (gravity removed, counts…)
    g_unit, m = guess
    stated = unit.strip().lower().replace(" ", "").replace("^", "").replace("²", "2")
    if stated in ("m/s2", "mps2"):
        stated = "m/s2"
    if g_unit != stated:
        show = {"m/s2": "m/s²", "g": "g", "mg": "mg"}
        raise RecordingError(
            f"the acceleration columns {', '.join(map(str, columns))} are stated in {show.get(stated, unit)} but "
            f"gravity's size in them is {m:.3g}: that is 1 g expressed in {show[g_unit]}",
            path=label, column=str(columns[0]),
            hint=f"pass acc_unit='{g_unit}' (CLI: --acc-unit {g_unit}) if the data really is in {g_unit}")


#: 95th percentile of |ω| in deg/s while the wearer moves below which values stated in deg/s are
#: really rad/s: walking trunks give 42–128 deg/s on the bundled real recordings (mobgap, IPOL, source
#: walk), the same walks in rad/s 0.7–2.2
GYRO_MOVING_DEG_S_MIN = 5.0


def check_stated_gyro_unit(t_s: np.ndarray, acc_mps2: np.ndarray, gyro_raw: np.ndarray, unit: str, label: str,
                           columns: Sequence[str]) -> None:
    """Refuse angular rates stated in deg/s that are far too small for the movement the accelerometer
    shows (the mirror of the deg/s-read-as-rad/s guard in ``Recording.validated``): read as deg/s,
    rad/s data makes every rotation 57× too small (twist 0.2° instead of 6°)."""
    if gyro_factor(unit, label) != DEG or t_s.size < 2:
        return
    moving = moving_samples(t_s, acc_mps2)
    if moving_seconds(t_s, moving) < MOVING_MIN_S:
        return                                   # still: small rates are what deg/s would show too
    p95 = float(np.percentile(np.sqrt(np.einsum("ij,ij->i", gyro_raw[moving], gyro_raw[moving])), 95))
    if p95 < GYRO_MOVING_DEG_S_MIN:
        raise RecordingError(
            f"the angular-rate columns {', '.join(map(str, columns))} are stated in deg/s, but while the "
            f"accelerometer shows movement their 95th percentile is only {p95:.3g}: a moving trunk turns at "
            f"40–130 deg/s, so these values look like rad/s",
            path=label, column=str(columns[0]),
            hint="pass gyro_unit='rad/s' (CLI: --gyro-unit rad/s) if the data really is in rad/s")


def interp_columns(t_src: np.ndarray, values: np.ndarray, t_dst: np.ndarray) -> np.ndarray:
    """Linear interpolation of each column of ``values`` from ``t_src`` onto ``t_dst``
    (t_src must be increasing; callers stay inside its range)."""
    return np.stack([np.interp(t_dst, t_src, values[:, k]) for k in range(values.shape[1])], axis=1)


#: the gyroscope must cover this share of the acceleration's time span; else the recording is
#: analysed without it instead of being cut to the gyroscope's stretch (no walking is thrown away)
GYRO_MIN_COVER = 0.9


def merge_gyro(t: np.ndarray, acc: np.ndarray, t_gyro: np.ndarray, gyro: np.ndarray, *, name: str,
               warnings: list[str], seconds_per_unit: float = 1.0
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]:
    """A gyroscope stream on its own time axis, interpolated onto the acceleration's times.

    Returns ``(t, acc, gyro, kept)`` (``kept``: indices of the acceleration samples kept): cut to the overlap when the gyroscope covers at least
    ``GYRO_MIN_COVER`` of the acceleration's span (a few samples at the ends); else the acceleration
    whole and ``gyro`` None — a gyroscope that stopped early must not shorten the walk. Either way
    ``warnings`` says what was done. ``seconds_per_unit``: 1e-9 for ns time stamps.
    """
    tg, vg = sorted_unique_time(t_gyro, gyro)
    t_lo, t_hi = float(np.min(t)), float(np.max(t))
    lo, hi = max(t_lo, tg[0]), min(t_hi, tg[-1])
    keep = (t >= lo) & (t <= hi)
    span_s, cover_s = (t_hi - t_lo) * seconds_per_unit, max(hi - lo, 0.0) * seconds_per_unit
    if keep.sum() < 2 or cover_s < GYRO_MIN_COVER * span_s:
        warnings.append(f"{name} covers {cover_s:.1f} s of the {span_s:.1f}-s acceleration recording"
                        + (" (the two do not overlap)" if keep.sum() < 2 else "")
                        + ": analysed without the gyroscope (no twist, pelvic drop or turns) rather than cut")
        return t, acc, None, np.arange(t.size)
    n_cut = int((~keep).sum())
    warnings.append(f"{name} interpolated onto the acceleration times (separate time axes); kept the overlap "
                    f"{(lo - t_lo) * seconds_per_unit:.3f}–{(hi - t_lo) * seconds_per_unit:.3f} s, "
                    f"cut {n_cut} acceleration sample(s) outside it")
    return t[keep], acc[keep], interp_columns(tg, vg, t[keep]), np.flatnonzero(keep)


def sorted_unique_time(t: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort a secondary stream by time and drop repeated stamps (for interpolation only)."""
    order = np.argsort(t, kind="stable")
    t, values = t[order], values[order]
    keep = np.concatenate([[True], np.diff(t) > 0])
    return t[keep], values[keep]
