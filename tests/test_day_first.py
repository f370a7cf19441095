"""Numeric dates in a date/time column: day-first or month-first (imu_gait.clocktext, the generic reader).

Truth is written, not measured: a real walk (tests/data/source_walk.csv, 100 Hz) is given a time column
that starts on 5 March 2024 (or a chosen minute of it), written the German way (05.03.2024, semicolons,
decimal commas), the British way (05/03/2024) or the US way (03/05/2024); which day each sample is on is
known from the start and the sample's own time.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import imu_gait
from imu_gait.clocktext import AMBIGUOUS, DAY_FIRST, MONTH_FIRST, date_order, parse_wall_clock
from imu_gait.errors import RecordingError

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def walk():
    """The real walking segment: t (s, from 0), acc (m/s²)."""
    arr = np.loadtxt(DATA / "source_walk.csv", delimiter=",", comments="#", skiprows=5)
    return arr[:, 0] - arr[0, 0], arr[:, 1:4]


def write_walk(path: Path, walk, start: str, date_format: str, *, sep: str = ",", decimal: str = ".") -> Path:
    """The walk with a time column 'time' starting at ``start`` (ISO), written with ``date_format``."""
    t, acc = walk
    stamps = (pd.Timestamp(start) + pd.to_timedelta(t, unit="s")).strftime(date_format)
    frame = pd.DataFrame({"time": stamps, "ax": acc[:, 0], "ay": acc[:, 1], "az": acc[:, 2]})
    frame.to_csv(path, index=False, sep=sep, decimal=decimal)
    return path


@pytest.mark.parametrize("cells, order", [
    (["05.03.2024 10:00:00", "05.03.2024 10:00:01"], DAY_FIRST),        # dotted: day-first by convention
    (["17/03/2024 10:00"], DAY_FIRST),                                  # 17 is no month
    (["03/17/2024 10:00"], MONTH_FIRST),
    (["05/03/2024 10:00", "06/03/2024 00:00"], AMBIGUOUS),
    (["2024-03-05T10:00:00+01:00"], None),                             # ISO: nothing to decide
    (["10:00:00.000"], None),
])
def test_date_order_from_the_columns_own_values(cells, order):
    """What the dates themselves say about their order (the reader follows it, or warns when they fit both)."""
    assert date_order(cells) == order


@pytest.mark.parametrize("text, day_first, expected", [
    ("05.03.2024 10:00:00", None, "2024-03-05T10:00:00"),
    ("05/03/2024 10:00:00", True, "2024-03-05T10:00:00"),
    ("05/03/2024 10:00:00", None, "2024-05-03T10:00:00"),             # fits both: month-first unless told
    ("17/03/2024 10:00:00", None, "2024-03-17T10:00:00"),
    ("2024-03-05 10:00:00", True, "2024-03-05T10:00:00"),              # an ISO date is never swapped
])
def test_a_start_time_is_read_in_the_order_its_reader_found(text, day_first, expected):
    """days reads the start from the first cell again: 05.03.2024 is 5 March; a slash date as the reader
    read the column (its ``day_first``); an ISO date as ISO even when day_first is said."""
    assert parse_wall_clock(text, day_first).isoformat() == expected


def test_a_german_csv_is_dated_5_march(tmp_path, walk):
    """A walk written '05.03.2024 10:00:00,000000;…' with semicolons and decimal commas: one day, 5 March
    2024 (it was read as 3 May)."""
    path = write_walk(tmp_path / "de.csv", walk, "2024-03-05 10:00:00", "%d.%m.%Y %H:%M:%S.%f", sep=";", decimal=",")
    rec = imu_gait.read(path)
    out = json.loads(imu_gait.analyze(rec).to_json())
    assert [d["date"] for d in out["days"]] == ["2024-03-05"]
    assert out["summary"]["start_time_iso"] == "05.03.2024 10:00:00.000000"       # as written (docs/json.md)
    assert rec.time_s[-1] == pytest.approx(walk[0][-1], abs=1e-6)


def test_a_german_walk_across_midnight_is_two_days_not_a_month_gap(tmp_path, walk):
    """The same walk from 05.03.2024 23:59:50: 05.03 → 06.03 is 10 s on, not 3 May → 3 June (it was
    refused as a gap of 2,592,000 s). Days 5 and 6 March; the steps before midnight in the first."""
    path = write_walk(tmp_path / "de_mid.csv", walk, "2024-03-05 23:59:50", "%d.%m.%Y %H:%M:%S.%f", sep=";",
                      decimal=",")
    res = imu_gait.analyze(imu_gait.read(path))
    assert res.days["date"].tolist() == ["2024-03-05", "2024-03-06"]
    assert res.days["n_steps"].iloc[0] == int((res.steps["time_s"] < 10.0).sum())
    assert int(res.days["n_steps"].sum()) == len(res.steps)


def test_british_dates_are_read_day_first_when_they_show_it_or_are_told(tmp_path, walk):
    """'17/03/2024 …' can only be day-first: 17 March, no option needed and no pandas warning leaking out.
    '05/03/2024 …' fits both: month-first (3 May) with a warning naming the assumption and --day-first;
    with day_first=True (CLI --day-first) 5 March and no warning."""
    import warnings

    path17 = write_walk(tmp_path / "uk17.csv", walk, "2024-03-17 10:00:00", "%d/%m/%Y %H:%M:%S.%f")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rec = imu_gait.read(path17)
    assert imu_gait.analyze(rec).days["date"].tolist() == ["2024-03-17"]

    path5 = write_walk(tmp_path / "uk5.csv", walk, "2024-03-05 10:00:00", "%d/%m/%Y %H:%M:%S.%f")
    rec = imu_gait.read(path5)
    assert imu_gait.analyze(rec).days["date"].tolist() == ["2024-05-03"]
    said = [w for w in rec.warnings if "fit both" in w]
    assert len(said) == 1 and "month-first" in said[0] and "--day-first" in said[0]
    rec = imu_gait.read(path5, day_first=True)
    assert imu_gait.analyze(rec).days["date"].tolist() == ["2024-03-05"]
    assert not [w for w in rec.warnings if "fit both" in w]


def test_the_cli_takes_day_first(tmp_path, walk):
    """imu-gait analyze uk.csv --day-first --json: days[0].date is 5 March."""
    from imu_gait.cli import main

    path = write_walk(tmp_path / "uk.csv", walk, "2024-03-05 10:00:00", "%d/%m/%Y %H:%M:%S.%f")
    assert main(["analyze", str(path), "--day-first", "-q", "--json", str(tmp_path / "o.json")]) == 0
    assert json.loads((tmp_path / "o.json").read_text())["days"][0]["date"] == "2024-03-05"


def test_a_us_walk_across_midnight_reads_month_first(tmp_path, walk):
    """'03/05/2024 23:59:50' → '03/06/2024 00:00:…' (US): month-first, fits both, read so: two days,
    5 and 6 March, with the warning."""
    path = write_walk(tmp_path / "us.csv", walk, "2024-03-05 23:59:50", "%m/%d/%Y %H:%M:%S.%f")
    res = imu_gait.analyze(imu_gait.read(path))
    assert res.days["date"].tolist() == ["2024-03-05", "2024-03-06"]


def test_ambiguous_dates_leaping_a_month_are_refused_with_the_option_to_pass(tmp_path, walk):
    """'05/03/2024 23:59:50' (British) read month-first leaps from 3 May to 3 June at midnight: refused
    with the line of the leap and the advice --day-first, not as lost data; with it, two days."""
    path = write_walk(tmp_path / "uk_mid.csv", walk, "2024-03-05 23:59:50", "%d/%m/%Y %H:%M:%S.%f")
    with pytest.raises(RecordingError) as err:
        imu_gait.read(path)
    text = str(err.value)
    assert "--day-first" in text and "month-first" in text and "missing" not in text
    first_after_midnight = int(np.argmax(walk[0] >= 10.0))
    assert err.value.line == first_after_midnight + 2               # +1: header; +1: lines count from 1
    res = imu_gait.analyze(imu_gait.read(path, day_first=True))
    assert res.days["date"].tolist() == ["2024-03-05", "2024-03-06"]


def test_a_stated_order_the_dates_contradict_is_refused(tmp_path, walk):
    """day_first=True on '03/17/2024' (17 is no month) and day_first=False on '17/03/2024': refused, naming
    the line, the cell and what to do — not read in the other order quietly."""
    us = write_walk(tmp_path / "us17.csv", walk, "2024-03-17 10:00:00", "%m/%d/%Y %H:%M:%S.%f")
    with pytest.raises(RecordingError, match="cannot be read day-first") as err:
        imu_gait.read(us, day_first=True)
    assert err.value.line == 2 and "drop --day-first" in str(err.value)
    uk = write_walk(tmp_path / "uk17.csv", walk, "2024-03-17 10:00:00", "%d/%m/%Y %H:%M:%S.%f")
    with pytest.raises(RecordingError, match="cannot be read month-first"):
        imu_gait.read(uk, day_first=False)
    with pytest.raises(RecordingError, match="not True or False"):
        imu_gait.read(uk, day_first="yes")


def test_block_by_block_reading_keeps_one_order(tmp_path, walk, monkeypatch):
    """A large file is read in blocks: they all use the order the first block showed. A German file gives
    the same samples as the one pass; a British file whose first block fits both orders but a later one
    holds 13/03 is refused (read month-first it would jump by months), naming that line and --day-first."""
    from imu_gait.io import _blocks

    de = write_walk(tmp_path / "de.csv", walk, "2024-03-05 23:59:50", "%d.%m.%Y %H:%M:%S.%f", sep=";", decimal=",")
    whole = imu_gait.read(de)
    monkeypatch.setattr(_blocks, "BLOCK_READ_ABOVE_BYTES", 0)
    monkeypatch.setattr(_blocks, "READ_BLOCK_BYTES", 4096)
    parts = imu_gait.read(de)
    np.testing.assert_array_equal(parts.time_s, whole.time_s)
    assert parts.meta["day_first"] is True

    t, acc = walk
    stamps = list((pd.Timestamp("2024-03-12 23:59:50") + pd.to_timedelta(t, unit="s")).strftime("%d/%m/%Y %H:%M:%S.%f"))
    frame = pd.DataFrame({"time": stamps, "ax": acc[:, 0], "ay": acc[:, 1], "az": acc[:, 2]})
    frame.to_csv(tmp_path / "uk.csv", index=False)
    with pytest.raises(RecordingError) as err:
        imu_gait.read(tmp_path / "uk.csv")
    assert "--day-first" in str(err.value)
    assert err.value.line == int(np.argmax(t >= 10.0)) + 2
    rec = imu_gait.read(tmp_path / "uk.csv", day_first=True)
    assert imu_gait.analyze(rec).days["date"].tolist() == ["2024-03-12", "2024-03-13"]


def test_a_native_copy_keeps_the_order_of_its_start(tmp_path, walk):
    """A British walk read with day_first=True (05/03/2024 = 5 March) and written as a native CSV keeps its
    start as written plus '# day_first: True': read back, it is still dated 5 March."""
    from imu_gait.io.native import write_native

    path = write_walk(tmp_path / "uk.csv", walk, "2024-03-05 10:00:00", "%d/%m/%Y %H:%M:%S.%f")
    write_native(tmp_path / "n.csv", imu_gait.read(path, day_first=True))
    assert "# day_first: True" in (tmp_path / "n.csv").read_text()
    assert imu_gait.analyze(imu_gait.read(tmp_path / "n.csv")).days["date"].tolist() == ["2024-03-05"]


def test_batch_options_say_day_first():
    """The batch table's options column reads like the command line that made the row."""
    from imu_gait.batch import options_text

    assert options_text(None, {"day_first": True, "time_unit": "datetime"}) == "--day-first --time-unit datetime"
