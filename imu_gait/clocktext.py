"""Wall-clock text as files write it: dates day-first or month-first, UTC offsets as apps spell them.

Pure functions shared by the readers (a date/time column, a header's time zone) and :mod:`imu_gait.days`
(the start time a file gives). Why they exist:

* ``dd.mm.yyyy`` (German, most of Europe) is day-first by convention; ``nn/nn/yyyy`` is day-first in
  Britain and month-first in the US. pandas reads both month-first unless told, so 05.03.2024 became
  3 May. The column's own values settle a slash date when a first field is over 12 (day-first) or a second
  one is (month-first); a column where neither is (every date in the first 12 days of a month) cannot be
  told from the data: the caller decides (``day_first``) or it is read month-first with a warning.
* phyphox writes ``2024-03-17 19:48:52.325 UTC+02:00``; pandas reads a ``UTC+02`` suffix POSIX-style
  (sign inverted: −02:00). GENEActiv writes ``Time Zone,GMT -04``. Both are turned into ISO ``+02:00``.
* A time of day alone (``10:00:00.000``) names no day: pandas fills in today's date, which made an
  analysis depend on the day it ran.
"""
from __future__ import annotations

import re
import warnings
from typing import Iterable

import numpy as np
import pandas as pd

DAY_FIRST = "day-first"
MONTH_FIRST = "month-first"
AMBIGUOUS = "ambiguous"

#: a date written nn.nn.yyyy or nn/nn/yyyy (or -yy) at the start of a cell: (first, separator, second)
_NUMERIC_DATE_RX = re.compile(r"^\s*(\d{1,2})([./])(\d{1,2})\2(?:\d{4}|\d{2})(?!\d)")
#: an app's zone suffix: "UTC+02:00", "UTC-5", "GMT +01:00", "GMT -04", "UTC" — at the end of the text
_ZONE_SUFFIX_RX = re.compile(r"\s*(?:UTC|GMT)\s*(?:([+-])\s*(\d{1,2})(?::?(\d{2}))?)?\s*$", re.IGNORECASE)
#: a time of day with no date: "10:00:00", "T10:00:00.000", "9:03", with an offset or am/pm
_TIME_ONLY_RX = re.compile(r"^\s*T?\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?\s*"
                           r"(?:Z|[+-]\d{2}(?::?\d{2})?)?\s*$")


def date_order(cells: Iterable[str]) -> str | None:
    """How the numeric dates in ``cells`` (a date/time column's text) are ordered: :data:`DAY_FIRST`
    (``dd.mm.yyyy``, or a slash date with a first field over 12), :data:`MONTH_FIRST` (a slash date with a
    second field over 12), :data:`AMBIGUOUS` (slash dates, every field ≤ 12), or None: no such dates
    (ISO ``yyyy-mm-dd``, times only, numbers — nothing to decide)."""
    found = pd.Series(list(cells), dtype=object).astype(str).str.extract(_NUMERIC_DATE_RX).dropna()
    if not len(found):
        return None
    first, sep, second = found[0].astype(int), found[1], found[2].astype(int)
    if (sep == ".").any() or (first > 12).any():
        return DAY_FIRST
    if (second > 12).any():
        return MONTH_FIRST
    return AMBIGUOUS


def first_misread_date(cells: pd.Series, day_first: bool) -> int | None:
    """Position of the first of ``cells`` whose numeric date cannot be read in that order (its month field
    over 12: 17/03/2024 month-first, 03/17/2024 day-first), or None."""
    found = cells.astype(str).str.extract(_NUMERIC_DATE_RX)
    month = pd.to_numeric(found[2] if day_first else found[0], errors="coerce")
    bad = np.flatnonzero((month > 12).to_numpy())
    return int(bad[0]) if bad.size else None


def reads_day_first(order: str | None, day_first: bool | None) -> bool:
    """Whether dates in :func:`date_order`'s ``order`` are read day-first: as the data say when they say it;
    an ambiguous slash date as the caller said (``day_first``), else month-first (pandas' and the US
    reading). ISO dates are never day-first (pandas would swap their month and day)."""
    if order == DAY_FIRST:
        return True
    if order == AMBIGUOUS:
        return bool(day_first)
    return False


def iso_zone_text(text: str) -> str:
    """``text`` with an app's zone suffix in ISO form: '… UTC+02:00' → '…+02:00', 'GMT -04' → '-04:00',
    a bare 'UTC' → '+00:00'; other text as it is."""
    m = _ZONE_SUFFIX_RX.search(text)
    if m is None or m.start() == 0:
        return text
    sign, hours, minutes = m.groups()
    offset = "+00:00" if sign is None else f"{sign}{int(hours):02d}:{int(minutes or 0):02d}"
    return text[:m.start()] + offset


def utc_offset_of_zone(name: str | None) -> str | None:
    """A header's time zone as an ISO offset ('GMT -04' → '-04:00', 'GMT +01:00' → '+01:00', 'UTC' →
    '+00:00'), or None when it is not an offset from UTC (absent, or a zone name: its offset is not known
    without the date)."""
    if not isinstance(name, str):
        return None
    m = _ZONE_SUFFIX_RX.fullmatch(name.strip())
    if m is None:
        return None
    sign, hours, minutes = m.groups()
    if sign is None:
        return "+00:00"
    if int(hours) > 14 or int(minutes or 0) >= 60:           # no place on Earth is further from UTC
        return None
    return f"{sign}{int(hours):02d}:{int(minutes or 0):02d}"


#: a UTC offset after the time at the end of a date/time: ISO 'Z' / '+02:00' / '-0500', or an app's 'UTC+02:00' / 'GMT -04' / 'UTC'
_OFFSET_RX = re.compile(r":\d{2}(?:[.,]\d+)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?|(?:UTC|GMT)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?)"
                        r"\s*$", re.IGNORECASE)


def has_utc_offset(text: str) -> bool:
    """True when a date/time as written ends with its UTC offset ('…T10:00:00+02:00', '…Z', '… UTC+02:00'):
    an instant. Without one it is a local wall-clock reading, which jumps by an hour when summer time begins
    or ends."""
    return bool(_OFFSET_RX.search(str(text).strip()))


def is_time_of_day_only(text: str) -> bool:
    """True for a time of day without a date ('10:00:00.000'): it says nothing about which day."""
    return bool(_TIME_ONLY_RX.match(text))


def parse_wall_clock(text: str, day_first: bool | None = None) -> pd.Timestamp | None:
    """One start time as a file writes it → a Timestamp (aware when the text gives its UTC offset), or None
    when it is not a date and time: no date in it (a time of day alone) or not a time at all. Numeric dates
    are ordered by :func:`date_order` of this one value and ``day_first`` for an ambiguous slash date."""
    text = iso_zone_text(str(text).strip())
    if not text or is_time_of_day_only(text):
        return None
    dayfirst = reads_day_first(date_order([text]), day_first)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")              # pandas' "Parsing dates in … format" UserWarning
        ts = pd.to_datetime(text, dayfirst=dayfirst)
    return None if ts is pd.NaT or pd.isna(ts) else ts
