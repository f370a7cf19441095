"""A GENEActiv file read whole (under 64 MB) has its data rows parsed from the bytes by the block reader's
numpy stamp parser (``_parse_rows_fast``) when they are plain, else as text with pandas, as before. Both
give the same samples, meta, warnings and errors (the text path is the reference: it is forced here by
making the fast path decline), and the stamp parser gives the ns pandas' to_datetime gives."""
from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pytest

from imu_gait.io import _common, geneactiv

DATA = Path(__file__).parent / "data"
REAL = (DATA / "gaitpy_demo" / "demo_data_30s.csv").read_bytes()
NAMES = ["timestamp", "x", "y", "z", "lux", "button", "temperature"]


def _lines_and_first() -> tuple[list[bytes], int]:
    lines = REAL.split(b"\n")
    return lines, next(i for i, line in enumerate(lines) if line[:4].isdigit() and line[4:5] == b"-")


def _variants() -> dict[str, bytes]:
    lines, first = _lines_and_first()
    row = lines[first + 5]

    def with_row(new: bytes) -> bytes:
        return b"\n".join(lines[:first + 5] + [new] + lines[first + 6:])

    return {
        "real": REAL, "crlf": REAL.replace(b"\n", b"\r\n"), "lone_cr": REAL.replace(b"\n", b"\r"),
        "bom": b"\xef\xbb\xbf" + REAL, "no_last_line_end": REAL.rstrip(b"\n"),
        "cut_last_line": REAL.rstrip(b"\n")[:-3], "blank_lines_at_end": REAL + b"\n\n",
        "blank_line_mid": with_row(row + b"\n"), "separator_row": with_row(row + b"\n,,,,,,"),
        "latin1_header": REAL.replace(b"Subject Code,", b"Subject Code,M\xfcller ", 1),
        "utf8_in_a_row": with_row(row + "°".encode()), "latin1_in_a_row": with_row(row[:-1] + b"\xb0"),
        "lone_cr_in_the_data": b"\n".join(lines[:first + 5]) + b"\r" + b"\n".join(lines[first + 5:]),
        "crlf_in_the_data_only": b"\n".join(lines[:first + 5]) + b"\r\n" + b"\n".join(lines[first + 5:]),
        "4_columns": b"\n".join(lines[:first] + [b",".join(l.split(b",")[:4]) for l in lines[first:]]),
        "9_columns": b"\n".join(lines[:first] + [l + b",1,2" if l else l for l in lines[first:]]),
        "year_2300": REAL.replace(b"2019-08-06", b"2300-08-06"), "year_1678": REAL.replace(b"2019-08-06", b"1678-08-06"),
        "29_feb_2020": REAL.replace(b"2019-08-06", b"2020-02-29"),
        "29_feb_2019": REAL.replace(b"2019-08-06", b"2019-02-29"),
        "31_april": REAL.replace(b"2019-08-06", b"2019-04-31"),
        "second_60": with_row(row[:17] + b"60" + row[19:]), "dot_before_ms": REAL.replace(b":000,", b".000,"),
        "nan_cell": with_row(b",".join(row.split(b",")[:1] + [b"nan"] + row.split(b",")[2:])),
        "quote": REAL.replace(b",0.1", b',"0.1', 1), "semicolons": with_row(row.replace(b",", b";")),
        "a_field_too_many": with_row(row + b",7"), "plus_signs": REAL.replace(b",0.", b",+0."),
        "long_header": b"Device Type,GENEActiv\n" + b"\n".join(b"Note %d,%s" % (k, b"x" * 900) for k in range(80))
                       + b"\n" + REAL.split(b"\n", 1)[1],
    }


def _outcome(path: Path):
    try:
        rec = geneactiv.read_geneactiv(path)
    except Exception as e:                      # the error is part of the outcome compared
        return type(e).__name__, str(e)
    meta = {k: v for k, v in rec.meta.items() if k != "_validated"}
    return rec.time_s.tobytes(), rec.acc_mps2.tobytes(), rec.time_s.shape, meta, list(rec.warnings)


@pytest.mark.parametrize("name", sorted(_variants()))
def test_whole_file_fast_path_reads_as_the_text_path(tmp_path, monkeypatch, name):
    p = tmp_path / f"{name}.csv"
    p.write_bytes(_variants()[name])
    fast = _outcome(p)
    monkeypatch.setattr(geneactiv, "_whole_file_fast", lambda path: None)       # the text path, as before
    assert fast == _outcome(p)


def test_a_plain_export_is_read_without_the_text_path(tmp_path, monkeypatch):
    """The real export (CR LF line ends, as the PC software writes them) and its LF copy take the numpy path."""
    def refuse(*a, **k):
        raise AssertionError("the text path was taken")
    monkeypatch.setattr(geneactiv, "_parse_rows", refuse)
    for name, data in (("lf", REAL), ("crlf", REAL.replace(b"\n", b"\r\n"))):
        p = tmp_path / f"{name}.csv"
        p.write_bytes(data)
        rec = geneactiv.read_geneactiv(p)
        assert rec.time_s.size == 1500


def test_stamp_parser_gives_pandas_ns_and_declines_what_it_cannot_read():
    rng = random.Random(3)
    n_read = 0
    for _ in range(400):
        rows = []
        for _ in range(rng.choice([1, 2, 7, 40])):
            bad = rng.random() < 0.02                   # (one field out of range: the block is declined)
            y = rng.choice([2019, 2020, 1678, 2261] + [1677, 2262] * bad)
            mo, d = rng.randint(1 - bad, 12 + bad), rng.randint(1 - bad, 31 if bad or rng.random() < 0.1 else 28)
            h, mi, s = rng.choice([0, 9, 23] + [24] * bad), rng.choice([0, 59] + [60] * bad), rng.choice([0, 59] + [60] * bad)
            row = f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}:{rng.randint(0, 999):03d},{rng.uniform(-2, 2):.4f}," \
                  f"{rng.uniform(-2, 2):.4f},{rng.uniform(-2, 2):.4f},0,0,24.7"
            if rng.random() < 0.01:
                i = rng.randrange(len(row))
                row = row[:i] + rng.choice(["/", "a", " ", "\x00", "9"]) + row[i + 1:]
            rows.append(row)
        block = ("\n".join(rows) + "\n").encode()
        fast = geneactiv._parse_rows_fast(block, NAMES)
        if fast is None:
            continue
        n_read += 1
        assert all(1678 <= int(r[:4]) <= 2261 for r in rows)    # (outside: left to pandas, which wraps or refuses)
        ns, acc = geneactiv._parse_rows(block.decode(), 0, 1, NAMES, "f.csv", lambda: [])
        assert np.array_equal(fast[0], ns) and fast[1].tobytes() == acc.tobytes()
    assert n_read > 100


@pytest.mark.parametrize("year,read", [(1677, False), (1678, True), (2261, True), (2262, False)])
def test_stamp_parser_leaves_years_outside_the_ns_range_to_pandas(year, read):
    block = f"{year}-06-01 10:00:00:000,0.1,0.2,0.9,0,0,20\n{year}-06-01 10:00:00:010,0.1,0.2,0.9,0,0,20\n".encode()
    assert (geneactiv._parse_rows_fast(block, NAMES) is not None) == read


def test_rows_of_exactly_a_stamp_and_a_comma_are_declined_not_read_past():
    block = b"2019-08-06 10:25:50:000,\n2019-08-06 10:25:50:020,\n"
    assert geneactiv._parse_rows_fast(block, NAMES) is None


def test_read_csv_safely_reads_bytes_where_pandas_could_crash(monkeypatch):
    """With pandas < 3 (PANDAS_EXPONENT_CRASH) the text is searched for a huge exponent first: a BytesIO (a
    block of a large file) was opened as a path — TypeError, every block refused."""
    monkeypatch.setattr(_common, "PANDAS_EXPONENT_CRASH", True)
    df = _common.read_csv_safely(io.BytesIO(b"1,2\n3,4\n"), header=None)
    assert df.to_numpy().tolist() == [[1, 2], [3, 4]]


@pytest.mark.parametrize("large", [False, True], ids=["read_whole", "read_in_blocks"])
@pytest.mark.parametrize("year", [1, 1000, 1677, 2262, 2300, 9999])
def test_a_year_int64_ns_cannot_hold_is_named_not_read_into_another_century(tmp_path, monkeypatch, year, large):
    """A stamp outside 1678–2261 wrapped silently on pandas 3 (2300-08-06 read as 1716-01-16, its start
    time and day wrong) and was refused unexplained on pandas 2: the row is named, with what to do."""
    from imu_gait.errors import RecordingError
    from imu_gait.io import _blocks
    monkeypatch.setattr(_blocks, "BLOCK_READ_ABOVE_BYTES", 0 if large else 64 * 2**20)
    p = tmp_path / "clock.csv"
    p.write_bytes(REAL.replace(b"2019-08-06", b"%04d-08-06" % year))
    first = _lines_and_first()[1]
    with pytest.raises(RecordingError) as e:
        geneactiv.read_geneactiv(p)
    msg = str(e.value)
    assert f"line {first + 1}, column 'timestamp'" in msg and f"the year {year}," in msg and "1678 to 2261" in msg
    assert "clock" in msg and str(p) in msg


@pytest.mark.parametrize("large", [False, True], ids=["read_whole", "read_in_blocks"])
def test_one_row_with_a_year_out_of_range_is_named_by_its_line(tmp_path, monkeypatch, large):
    from imu_gait.errors import RecordingError
    from imu_gait.io import _blocks
    monkeypatch.setattr(_blocks, "BLOCK_READ_ABOVE_BYTES", 0 if large else 64 * 2**20)
    lines, first = _lines_and_first()
    lines = list(lines)
    lines[first + 700] = lines[first + 700].replace(b"2019-", b"2919-")
    p = tmp_path / "row.csv"
    p.write_bytes(b"\n".join(lines))
    with pytest.raises(RecordingError, match=rf"line {first + 701}, column 'timestamp'.*the year 2919,"):
        geneactiv.read_geneactiv(p)


@pytest.mark.parametrize("large", [False, True], ids=["read_whole", "read_in_blocks"])
@pytest.mark.parametrize("year", [1678, 2261])
def test_the_years_at_the_ends_of_the_range_read_as_written(tmp_path, monkeypatch, year, large):
    from imu_gait.io import _blocks
    monkeypatch.setattr(_blocks, "BLOCK_READ_ABOVE_BYTES", 0 if large else 64 * 2**20)
    p = tmp_path / "edge.csv"
    p.write_bytes(REAL.replace(b"2019-08-06", b"%d-08-06" % year))
    rec = geneactiv.read_geneactiv(p)
    (tmp_path / "real.csv").write_bytes(REAL)
    real = geneactiv.read_geneactiv(tmp_path / "real.csv")
    assert rec.meta["start_time_iso"] == real.meta["start_time_iso"].replace("2019-", f"{year}-")
    assert np.array_equal(rec.time_s, real.time_s) and np.array_equal(rec.acc_mps2, real.acc_mps2)
