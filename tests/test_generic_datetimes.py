"""A generic CSV's date/time column is read from its cells' bytes with numpy (``fixed_width_datetimes``) when
every cell has the first one's fixed layout, else by pandas as before. pandas read a column of
'05/03/2024 10:00:00.010' or '10:00:00.010' one cell at a time (format='mixed'): 40 s and 28 s for an hour of
100 Hz rows. The numpy reading gives pandas' ns (a time of day alone: both on 1970-01-01) and
declines whatever it cannot read, which pandas then reads or names."""
from __future__ import annotations

import random
import warnings

import numpy as np
import pandas as pd
import pytest

from imu_gait.io import generic

LAYOUTS = ["{Y}-{M}-{D} {h}:{m}:{s}{f}", "{Y}-{M}-{D}T{h}:{m}:{s}{f}{z}", "{D}/{M}/{Y} {h}:{m}:{s}{f}",
           "{M}/{D}/{Y} {h}:{m}:{s}{f}", "{D}.{M}.{Y} {h}:{m}:{s}{f}", "{h}:{m}:{s}{f}"]


def _pandas_ns(cells: list[str], day_first: bool, mixed: bool) -> np.ndarray | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        when = pd.to_datetime(pd.Series(cells), errors="coerce", format="mixed" if mixed else None, utc=True,
                              dayfirst=day_first)
    if when.isna().any():
        return None
    return when.to_numpy(dtype="datetime64[ns]").astype(np.int64)


def _column(rng: random.Random, layout: str) -> tuple[list[str], bool]:
    day_first = layout.startswith("{D}")
    digits = rng.choice([0, 1, 2, 3, 6])
    zone = rng.choice(["", "Z", "+01:00", "-04:30", "+0530"]) if "{z}" in layout else ""
    cells = []
    for _ in range(rng.choice([1, 2, 5, 30])):
        bad = rng.random() < 0.03
        y = rng.choice([2019, 2024, 1970, 1678, 2261] + [1677, 2262, 1000] * bad)
        mo = rng.randint(1 - bad, 12 + bad)
        d = rng.randint(1 - bad, 31 if bad or rng.random() < 0.1 else 28)
        h, mi, s = rng.choice([0, 9, 23] + [24] * bad), rng.choice([0, 59] + [60] * bad), rng.choice([0, 59] + [60] * bad)
        f = ("." + "".join(rng.choice("0123456789") for _ in range(digits))) if digits else ""
        z = zone if not (zone and zone != "Z" and rng.random() < 0.2) else rng.choice(["+02:00", "-04:30", "+0530"])
        cell = layout.format(Y=f"{y:04d}", M=f"{mo:02d}", D=f"{d:02d}", h=f"{h:02d}", m=f"{mi:02d}", s=f"{s:02d}",
                             f=f, z=z)
        if rng.random() < 0.02:
            i = rng.randrange(len(cell))
            cell = cell[:i] + rng.choice(["/", "a", " ", "9", "é", ""]) + cell[i + 1:]
        cells.append(cell)
    return cells, day_first


@pytest.mark.parametrize("layout", LAYOUTS)
def test_numpy_reading_gives_pandas_ns_and_declines_what_it_cannot_read(layout):
    rng = random.Random(LAYOUTS.index(layout))
    n_read = n_declined = 0
    for _ in range(250):
        cells, day_first = _column(rng, layout)
        fast = generic.fixed_width_datetimes(pd.Series(cells, dtype=object).astype(str), day_first)
        if fast is None:
            n_declined += 1
            continue
        n_read += 1
        for mixed in (True, False):
            # a time of day alone: the reader gives pandas it on 1970-01-01 (pandas alone: today's date, and
            # pandas 2.0 drops its fraction)
            ref = _pandas_ns(["1970-01-01 " + c for c in cells] if layout.startswith("{h}") else cells, day_first,
                             mixed)
            assert ref is not None, cells                 # (what numpy reads, pandas reads too)
            assert np.array_equal(fast, ref), (cells, mixed)
    assert n_read > 100 and n_declined > 5


def _slash_file(path, n=3000):
    t = pd.Timestamp("2024-03-05 23:58:00") + pd.to_timedelta(np.arange(n) * 10, unit="ms")
    rng = np.random.default_rng(4)
    acc = rng.normal(0, 1, (n, 3)) + [0, 0, 9.81]
    with open(path, "w") as fh:
        fh.write("time,ax,ay,az\n")
        for stamp, (x, y, z) in zip(t.strftime("%d/%m/%Y %H:%M:%S.%f"), acc):
            fh.write(f"{stamp[:-3]},{x:.4f},{y:.4f},{z:.4f}\n")


@pytest.mark.parametrize("large", [False, True], ids=["read_whole", "read_in_blocks"])
@pytest.mark.parametrize("unit", [None, "datetime"])
def test_a_day_first_column_is_read_without_pandas_dates_and_as_before(tmp_path, monkeypatch, large, unit):
    """The same Recording as pandas' reading (forced by making numpy decline), and pandas' to_datetime not
    called: it took 40 s for an hour of such rows (now about 0.2 s). Across midnight, day-first dates."""
    from imu_gait.io import _blocks

    monkeypatch.setattr(_blocks, "BLOCK_READ_ABOVE_BYTES", 0 if large else 64 * 2**20)
    monkeypatch.setattr(_blocks, "READ_BLOCK_BYTES", 40_000)         # (several blocks)
    p = tmp_path / "walk.csv"
    _slash_file(p)
    kw = {"time_unit": unit} if unit else {}

    def refuse(*a, **k):
        raise AssertionError("pandas' to_datetime was called")

    with monkeypatch.context() as m:
        m.setattr(generic.pd, "to_datetime", refuse)
        fast = generic.read_generic(p, day_first=True, **kw)
    monkeypatch.setattr(generic, "fixed_width_datetimes", lambda text, day_first: None)
    ref = generic.read_generic(p, day_first=True, **kw)
    assert np.array_equal(fast.time_s, ref.time_s) and np.array_equal(fast.acc_mps2, ref.acc_mps2)
    def meta(r):
        return {k: v for k, v in r.meta.items() if k != "_validated"}
    assert meta(fast) == meta(ref) and fast.warnings == ref.warnings
    assert fast.time_s.size == 3000 and abs(fast.time_s[-1] - 29.99) < 1e-9


@pytest.mark.parametrize("cell", ["2300-03-05 10:00:00.020", "05/03/1600 10:00:00.020", "2300-03-05T10:00:00.020Z",
                                  "2300-03-05T10:00:00.020+01:00", "2024-13-05 10:00:00.020", "2024-03-05 10:00:0x"])
def test_a_time_outside_what_ns_hold_is_named_not_read_into_another_century(tmp_path, cell):
    """On pandas 3 such a cell was read in µs and wrapped into another century without a word (a 20-ms step
    became ~585 years); pandas 2 makes it NaT, which was refused as 'not a date/time' with a hint about numeric
    time units. Now named for its year, with what to do, on both (a cell wrong otherwise: 'not a date/time')."""
    from imu_gait.errors import RecordingError

    p = tmp_path / "clock.csv"
    day_first = "/" in cell
    zone = "Z" if cell.endswith("Z") else ""
    date = "05/03/2024 " if day_first else "2024-03-05" + ("T" if zone else " ")
    rows = [f"{date}10:00:{k // 100:02d}.{10 * (k % 100):03d}{zone}" for k in range(800)]
    rows[2] = cell
    p.write_text("time,ax,ay,az\n" + "".join(f"{r},0.1,0.2,9.8\n" for r in rows))
    with pytest.raises(RecordingError) as e:
        generic.read_generic(p, day_first=day_first or None)
    msg = str(e.value)
    assert "line 4, column 'time'" in msg and repr(cell) in msg
    year = "2300" in cell or "1600" in cell
    assert ("1678 to 2261" in msg) == year and ("not a date/time" in msg) == (not year)
    assert ("--time-unit" in msg) == (not year)


def _time_of_day_file(path, cells):
    rng = np.random.default_rng(1)
    with open(path, "w") as fh:
        fh.write("time,ax,ay,az\n")
        for c in cells:
            fh.write(f"{c},{rng.normal():.4f},{rng.normal():.4f},{9.81 + rng.normal():.4f}\n")


def _excel_overnight(n=12000):
    """Excel's 'h:mm:ss.000' (hour not zero-padded) across midnight: numpy reads the blocks before midnight
    ('23:59:…' has the first row's layout), pandas the ones after it ('0:00:…' does not)."""
    t = pd.Timestamp("2024-03-05 23:59:00") + pd.to_timedelta(np.arange(n) * 10, unit="ms")
    return [f"{s.hour}:{s.minute:02d}:{s.second:02d}.{s.microsecond // 1000:03d}" for s in t]


def _python_times(n=6000):
    """Python's str(datetime.time): '10:00:00.004213' …, and '10:00:30' where the µs are 0 (one cell, in a
    later block): that block goes to pandas, the others to numpy."""
    import datetime as dt
    t0 = dt.datetime(2024, 3, 5, 10, 0, 0, 4213)
    out = [str((t0 + dt.timedelta(microseconds=10_000 * k)).time()) for k in range(n)]
    out[3000] = "10:00:30"
    return out


@pytest.mark.parametrize("large", [False, True], ids=["read_whole", "read_in_blocks"])
@pytest.mark.parametrize("make,span,midnight", [(_excel_overnight, 119.99, True), (_python_times, 59.99, False)],
                         ids=["excel_unpadded_hour_overnight", "python_str_time"])
def test_a_time_of_day_is_on_one_date_whichever_reader_reads_a_block(tmp_path, monkeypatch, large, make, span,
                                                                     midnight):
    """A time of day alone was put on 1970-01-01 by numpy and on today's date by pandas: a large file read in
    blocks, some in the first row's layout and some not, was ~56 years apart at a block boundary — refused as
    'a gap of 1796688000.0 s' (a 73 MB overnight file) or 'time goes backwards'. And pandas 2.0 dropped a time
    of day's fraction: '11880 of 12000 timestamps repeat'. Now every sample, the same in blocks as whole."""
    from imu_gait.io import _blocks

    monkeypatch.setattr(_blocks, "BLOCK_READ_ABOVE_BYTES", 0 if large else 64 * 2**20)
    monkeypatch.setattr(_blocks, "READ_BLOCK_BYTES", 40_000)         # (several blocks)
    cells = make()
    p = tmp_path / "tod.csv"
    _time_of_day_file(p, cells)
    r = generic.read_generic(p)
    assert r.time_s.size == len(cells) and abs(r.time_s[-1] - span) < 1e-6
    steps = np.diff(r.time_s)
    assert steps.min() > 0.005 and steps.max() < 0.015
    assert any("passed midnight" in w for w in r.warnings) == midnight


def test_pandas_reads_a_time_of_day_as_numpy_does(monkeypatch):
    """The whole-column reading: pandas (numpy made to decline) gives the very ns numpy gives — the same date,
    the fraction kept (pandas 2.0 dropped it)."""
    cells = pd.Series(["23:59:59.990", "23:59:59.995", "T23:59:59.999", " 23:59:59.9991 "], dtype=object)
    rows = generic._Rows("".join(f"{c},1\n" for c in cells).encode(), 0, 2, label="f.csv",
                         cols=["time", "x"], use=[0, 1], delim=",", decimal=".")
    fast = generic.fixed_width_datetimes(pd.Series(cells[:2]), False)
    monkeypatch.setattr(generic, "fixed_width_datetimes", lambda text, day_first: None)
    ns, first, _ = rows.datetimes(0, None)
    assert ns[:2].tolist() == fast.tolist()
    assert (ns - ns[0]).tolist() == [0, 5_000_000, 9_000_000, 9_100_000]
