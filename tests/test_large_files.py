"""Large files are read block by block (imu_gait.io._blocks): the same samples, warnings and error
messages as the one-pass read, in bounded memory.

The block path is forced on small real files by lowering the size limit and the block size (64 KiB
blocks: a bundled 7-min recording is read in ~30 blocks, so every kind of block boundary occurs).
The memory it saves is measured in benchmarks/throughput.py --day-file, not here.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from imu_gait.errors import RecordingError
from imu_gait.io import _blocks, read
from imu_gait.io._common import row_line_mapper

DATASETS = Path(__file__).parents[1] / "datasets"
DATA = Path(__file__).parent / "data"
DAILY = DATASETS / "mobgap_HA001_daily.csv"          # real, 100 Hz, 6 axes, 84 s
GENEACTIV = DATA / "gaitpy_demo" / "demo_data_30s.csv"


@pytest.fixture
def in_blocks(monkeypatch):
    """Every file read block by block, in blocks of ``size`` bytes (default 64 KiB)."""
    def force(size: int = 65536):
        monkeypatch.setattr(_blocks, "BLOCK_READ_ABOVE_BYTES", 0)
        monkeypatch.setattr(_blocks, "READ_BLOCK_BYTES", size)
    return force


def read_both(path, in_blocks, size: int = 65536, **options):
    """(one-pass recording, block-by-block recording) of the same file."""
    whole = read(path, **options)
    in_blocks(size)
    return whole, read(path, **options)


def error_of(path, **options) -> str:
    with pytest.raises(RecordingError) as info:
        read(path, **options)
    return str(info.value)


def assert_same_samples(a, b):
    """Bit for bit: the same times, acceleration and angular rate (or none of it in both)."""
    assert np.array_equal(a.time_s, b.time_s)
    assert np.array_equal(a.acc_mps2, b.acc_mps2)
    assert (a.gyro_rads is None) == (b.gyro_rads is None)
    if a.gyro_rads is not None:
        assert np.array_equal(a.gyro_rads, b.gyro_rads)


def assert_same_recording(a, b):
    """Bit for bit: the same samples, warnings and metadata."""
    assert_same_samples(a, b)
    assert a.warnings == b.warnings
    drop = {"_validated"}
    assert {k: v for k, v in a.meta.items() if k not in drop} == {k: v for k, v in b.meta.items() if k not in drop}


def test_native_real_recording_same_in_blocks(in_blocks):
    whole, blocks = read_both(DAILY, in_blocks)
    assert DAILY.stat().st_size > 10 * 65536           # really many blocks
    assert blocks.n_samples == whole.n_samples > 8000
    assert_same_recording(whole, blocks)
    # and the arrays the engine gets are contiguous (no copy made later)
    assert blocks.acc_mps2.flags["C_CONTIGUOUS"] and blocks.gyro_rads.flags["C_CONTIGUOUS"]


@pytest.mark.parametrize("size", [4096, 65536, 1 << 20])
def test_native_quirks_same_in_blocks(tmp_path, in_blocks, size):
    """CR LF line ends, blank and white-space lines, a time glitch (a named warning), columns in another
    order with an extra one, and a last line cut by a crash: all as in the one pass, at any block size."""
    lines = DAILY.read_text().splitlines()
    n_meta = next(i for i, l in enumerate(lines) if l.startswith("time_s"))
    header, rows = lines[n_meta].split(","), lines[n_meta + 1:]
    order = [3, 0, 5, 1, 2, 6, 4]                 # acc_z,time_s,gyro_y,… plus a 'note' column
    out = lines[:n_meta] + [",".join([header[j] for j in order] + ["note"])]
    for i, row in enumerate(rows):
        cells = row.split(",")
        if i == 5000:
            cells[0] = str(float(cells[0]) + 3.0)    # one wild time stamp: dropped with its line named
        out.append(",".join([cells[j] for j in order] + [str(i % 7)]))
        if i in (1000, 4321):
            out.append("")
        if i == 2000:
            out.append("   ")
    text = "\r\n".join(out) + "\r\n" + out[-1][:9]          # a cut last line, no line end
    path = tmp_path / "quirks.csv"
    path.write_bytes(text.encode())
    whole, blocks = read_both(path, in_blocks, size)
    assert_same_recording(whole, blocks)
    assert any("last line was incomplete" in w for w in blocks.warnings)
    glitch = next(w for w in blocks.warnings if "far from both neighbours" in w)
    # the wild stamp's line: header line + 1 + its row index + the blank lines written before it
    assert f"line {n_meta + 2 + 5000 + 3}" in glitch


def test_native_bad_cell_in_a_later_block_named_alike(tmp_path, in_blocks):
    lines = DAILY.read_text().splitlines()
    bad_line = len(lines) - 1200                          # far into the file: a late block
    cells = lines[bad_line - 1].split(",")
    cells[2] = "1.2.3"
    lines[bad_line - 1] = ",".join(cells)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    whole = error_of(path)
    in_blocks()
    blocks = error_of(path)
    assert blocks == whole
    assert f"line {bad_line}" in blocks and "acc_y" in blocks


def test_native_not_utf8_named_alike(tmp_path, in_blocks):
    raw = DAILY.read_bytes()
    at = raw.index(b"\n", len(raw) // 2) + 3               # inside a row in the second half
    path = tmp_path / "latin1.csv"
    path.write_bytes(raw[:at] + b"\xe9" + raw[at:])
    whole = error_of(path)
    in_blocks()
    assert error_of(path) == whole
    assert re.search(r"line \d+", whole)


def test_geneactiv_real_export_same_in_blocks(in_blocks):
    whole, blocks = read_both(GENEACTIV, in_blocks, 16384)
    assert blocks.n_samples == whole.n_samples > 1000
    assert_same_recording(whole, blocks)
    assert blocks.meta["start_time_iso"] == whole.meta["start_time_iso"]


def test_geneactiv_cut_last_line_and_bad_stamp_named_alike(tmp_path, in_blocks):
    lines = GENEACTIV.read_text().splitlines()
    cut = tmp_path / "cut.csv"
    cut.write_text("\n".join(lines) + "\n" + lines[-1][:30])
    whole, blocks = read_both(cut, in_blocks, 16384)
    assert_same_recording(whole, blocks)
    assert any(f"the last line ({len(lines) + 1})" in w for w in blocks.warnings)

    bad = tmp_path / "bad.csv"
    k = len(lines) - 40
    lines[k] = lines[k].replace(":", "-", 1)               # a damaged stamp near the end
    bad.write_text("\n".join(lines) + "\n")
    _blocks.BLOCK_READ_ABOVE_BYTES = 10**12                 # (the fixture restores it) one pass first
    whole_error = error_of(bad)
    in_blocks(16384)
    assert error_of(bad) == whole_error
    assert f"line {k + 1}" in whole_error and "timestamp" in whole_error


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64])
def test_line_numbers_of_rows_scanned_in_blocks(tmp_path, monkeypatch, size):
    """The block scan's row → line map equals the text one, with LF, CR LF and lone CR line ends, blank
    and white-space lines, and block ends between CR and LF (tiny blocks put them everywhere)."""
    text = "h1\nh2\r\n1,2\r\n\r\n3,4\r5,6\n \t\n7,8\r\r9,0\n\x1f\n1,1\r\n2,2"
    path = tmp_path / "ends.csv"
    path.write_bytes(text.encode())
    by_text = row_line_mapper(text, 3)
    monkeypatch.setattr(_blocks, "READ_BLOCK_BYTES", size)
    numbers = _blocks.nonblank_line_numbers(path, 3)
    assert numbers.tolist() == [by_text(i) for i in range(len(numbers))]
    assert numbers.tolist() == [3, 5, 6, 8, 10, 12, 13]     # read by eye from the text above


def test_line_blocks_keep_every_byte_and_count_lines(tmp_path):
    """Blocks are whole lines (a line longer than a block too), nothing lost, and each block's first line
    number is right."""
    lines = [f"{i}," + "x" * (i % 50) for i in range(3000)] + ["y" * 5000]
    path = tmp_path / "lines.csv"
    path.write_bytes(("\n".join(lines) + "\n" + "tail").encode())
    blocks = list(_blocks.line_blocks(path, 0, 1, block_bytes=1000))
    assert b"".join(b for b, _, _ in blocks) == path.read_bytes()
    assert [last for _, _, last in blocks] == [False] * (len(blocks) - 1) + [True]
    for block, line_no, _ in blocks:
        first = block.split(b"\n", 1)[0].decode()
        expected = lines.index(first) + 1 if first in lines else len(lines) + 1
        assert line_no == expected
    assert _blocks.count_line_ends(path) == len(lines)


# ---- generic CSVs (an Axivity AX6 export: unix s, acc in g, gyro in deg/s) ---------------------------
AX6 = DATA / "skdh_examples" / "example_data_30s.csv"


def ax6_rows(repeat: int = 4) -> list[list[str]]:
    """The real AX6 rows, repeated end to end with their times shifted (a longer file: many blocks)."""
    rows = [line.split(",") for line in AX6.read_text().splitlines() if line.strip()]
    t = np.array([float(r[0]) for r in rows])
    span = t[-1] - t[0] + float(np.median(np.diff(t)))
    return [[f"{float(r[0]) + k * span:.4f}"] + r[1:] for k in range(repeat) for r in rows]


def test_generic_real_ax6_export_same_in_blocks(in_blocks):
    whole, blocks = read_both(AX6, in_blocks, 16384)
    assert blocks.n_samples == whole.n_samples > 2000
    assert_same_recording(whole, blocks)
    assert blocks.gyro_rads is not None


@pytest.mark.parametrize("layout", ["units_row", "datetime", "counter", "no_time", "bom_headerless"])
def test_generic_layouts_same_in_blocks(tmp_path, in_blocks, layout):
    """A header with a units row, a date/time column, a packet counter (--sample-rate), no time column, a
    byte-order mark before headerless data: each read block by block as in one pass (16 KiB blocks)."""
    rows = ax6_rows()
    options: dict = {}
    if layout == "units_row":
        lines = ["time,ax,ay,az,gx,gy,gz", "s,g,g,g,deg/s,deg/s,deg/s"] + [",".join(r) for r in rows]
        options = {"time_col": "time", "acc_cols": ["ax", "ay", "az"], "gyro_cols": ["gx", "gy", "gz"]}
    elif layout == "datetime":
        stamps = (np.datetime64("2026-03-02T08:00:00", "ms")
                  + np.round((np.array([float(r[0]) for r in rows]) - float(rows[0][0])) * 1000).astype(int))
        lines = ["when,ax,ay,az"] + [f"{str(s).replace('T', ' ')},{r[1]},{r[2]},{r[3]}" for s, r in zip(stamps, rows)]
        options = {"time_col": "when", "acc_cols": ["ax", "ay", "az"]}     # no unit: judged a date/time column
    elif layout == "counter":
        lines = ["packet,ax,ay,az"] + [f"{i + 100 + (i > 3000)},{r[1]},{r[2]},{r[3]}" for i, r in enumerate(rows)]
        options = {"time_col": "packet", "sample_rate_hz": 100}
    elif layout == "no_time":
        lines = ["ax,ay,az"] + [",".join(r[1:4]) for r in rows]
        options = {"time_col": "none", "sample_rate_hz": 100, "acc_cols": ["ax", "ay", "az"]}
    else:
        lines = [",".join(r) for r in rows]
    path = tmp_path / f"{layout}.csv"
    path.write_bytes(("\ufeff" if layout == "bom_headerless" else "").encode() + ("\n".join(lines) + "\n").encode())
    whole, blocks = read_both(path, in_blocks, 16384, **options)
    assert blocks.n_samples == whole.n_samples >= len(rows) - 1
    assert_same_recording(whole, blocks)


def test_generic_cut_last_line_bad_cell_and_long_row_named_alike(tmp_path, in_blocks):
    rows = ax6_rows()
    lines = ["time,ax,ay,az,gx,gy,gz"] + [",".join(r) for r in rows]
    cut = tmp_path / "cut.csv"
    cut.write_text("\n".join(lines) + "\n" + lines[-1][:20])
    whole, blocks = read_both(cut, in_blocks, 16384)
    assert_same_recording(whole, blocks)
    assert any(f"the last line ({len(lines) + 1})" in w for w in blocks.warnings)

    for name, damage in (("bad", lambda r: r[:2] + ["x1"] + r[3:]), ("long", lambda r: r + ["9"])):
        k = len(lines) - 300                                  # a late block
        damaged = list(lines)
        damaged[k] = ",".join(damage(damaged[k].split(",")))
        path = tmp_path / f"{name}.csv"
        path.write_text("\n".join(damaged) + "\n")
        _blocks.BLOCK_READ_ABOVE_BYTES = 10**12               # (the fixture restores it) one pass first
        whole_error = error_of(path)
        in_blocks(16384)
        assert error_of(path) == whole_error
        assert f"line {k + 1}" in whole_error


def test_geneactiv_fast_stamps_equal_pandas_and_step_aside_when_unsure():
    """A large GENEActiv file's stamps are read from the bytes with numpy: the same ns as pandas'
    to_datetime on the real export; any row that is not plainly well formed leaves the block to pandas."""
    from imu_gait.io.geneactiv import _parse_rows, _parse_rows_fast
    names = ["timestamp", "x", "y", "z", "lux", "button", "temperature"]
    lines = [l for l in GENEACTIV.read_text().splitlines() if re.match(r"\d{4}-\d\d-\d\d ", l)]
    block = ("\n".join(lines) + "\n").encode()
    fast = _parse_rows_fast(block, names)
    assert fast is not None
    slow = _parse_rows("\n".join(lines) + "\n", 0, 1, names, "x.csv", lambda: lines)   # text: pandas' path
    assert np.array_equal(fast[0], slow[0]) and np.array_equal(fast[1], slow[1])
    # across a leap day, a month end and a year end, to the millisecond
    stamps = ["2024-02-28 23:59:59:999", "2024-02-29 00:00:00:000", "2023-12-31 23:59:59:990", "1999-12-31 12:00:00:005"]
    rows = [f"{s},0.1000,-0.9800,0.0100,0,0,25.0" for s in stamps]
    ns, _ = _parse_rows_fast(("\n".join(rows) + "\n").encode(), names)
    assert ns.tolist() == [int(np.datetime64(s[:19].replace(" ", "T") + "." + s[20:], "ns").astype(np.int64))
                           for s in stamps]
    for bad in ("2023-02-29 00:00:00:000", "2024-04-31 00:00:00:000", "2024-01-01 24:00:00:000",
                "2024-01-01 00:00:00.000", "2024-1-01 00:00:00:0000"):
        assert _parse_rows_fast((rows[0] + "\n" + bad + ",0.1,0.2,0.3,0,0,25\n").encode(), names) is None
    for odd in (rows[0] + "\n\n" + rows[1] + "\n",                       # a blank line
                rows[0] + "\n" + rows[1].replace(",", ";") + "\n",       # another separator
                rows[0] + "\n" + rows[1] + ",7\n",                       # a field more
                rows[0] + "\n" + rows[1].replace("-0.9800", "nan") + "\n",
                rows[0] + "\n" + rows[1]):                               # no line end
        assert _parse_rows_fast(odd.encode(), names) is None


@pytest.mark.parametrize("fmt", ["geneactiv", "generic"])
def test_lines_named_alike_after_blank_lines(tmp_path, in_blocks, fmt):
    """Samples out of time order after blank lines: the warning names the same lines both ways (the block
    path once named them as if there were no blank lines — a fuzz finding, benchmarks/fuzz_blocks.py)."""
    src = GENEACTIV if fmt == "geneactiv" else AX6
    lines = src.read_text().splitlines()
    first = next(i for i, l in enumerate(lines) if re.match(r"\d", l))
    rows = lines[first:]
    rows[600], rows[900] = rows[900], rows[600]            # two samples seconds out of place: dropped, named
    body = rows[:50] + [""] * 7 + rows[50:]
    path = tmp_path / f"{fmt}.csv"
    path.write_text("\n".join(lines[:first] + body) + "\n")
    options = {} if fmt == "geneactiv" else {"time_col": 0, "time_unit": "s", "acc_cols": [1, 2, 3], "acc_unit": "g"}
    whole, blocks = read_both(path, in_blocks, 4096, **options)
    assert_same_recording(whole, blocks)
    said = next(w for w in blocks.warnings if "far from both neighbours" in w)
    # row 600 sits on line first + 1 + 600 + the 7 blank lines
    assert f"line {first + 1 + 600 + 7} " in said and f"line {first + 1 + 900 + 7} " in said


def test_generic_fuzz_findings_read_alike(tmp_path, in_blocks):
    """Three more benchmarks/fuzz_blocks.py findings: byte-order marks before headerless data, a byte that
    is not UTF-8 in a late block, and a cut last line in a file whose columns are guessed (its warning in the
    one pass's place among the others)."""
    rows = ax6_rows()
    body = ("\n".join(",".join(r) for r in rows) + "\n").encode()
    cases = {
        "bom2": (b"\xef\xbb\xbf" * 2 + body, {"time_col": 0}),
        "bom3": (b"\xef\xbb\xbf" * 3 + body, {"time_col": 0}),
        "latin1": (body[:len(body) * 3 // 4] + b"\xe9" + body[len(body) * 3 // 4:], {"time_col": 0}),
        "cut": (body + body.splitlines()[-1][:25], {"time_col": 0}),
    }
    for name, (data, options) in cases.items():
        path = tmp_path / f"{name}.csv"
        path.write_bytes(data)
        _blocks.BLOCK_READ_ABOVE_BYTES = 10**12                # (the fixture restores it) one pass first
        try:
            whole = ("ok", read(path, **options))
        except RecordingError as exc:
            whole = ("error", str(exc))
        in_blocks(4096)
        if whole[0] == "ok":
            assert_same_recording(whole[1], read(path, **options))
        else:
            assert error_of(path, **options) == whole[1]
            assert re.search(r"line \d+", whole[1])
    assert whole[0] == "ok" and any("last line" in w for w in whole[1].warnings)


@pytest.mark.parametrize("size", [4096, 65536])
@pytest.mark.parametrize("fmt", ["native", "generic"])
def test_rows_of_only_separators_skipped_alike_in_blocks(tmp_path, in_blocks, size, fmt):
    # Excel's empty rows (',,,,,,') at a block's start, inside blocks and at the end: the same samples and the
    # one warning as the one pass, and a bad cell after them named on its true line (review s37, excel)
    src = DATA / "source_walk.csv"
    lines = src.read_text().splitlines()
    header = next(i for i, l in enumerate(lines) if l.startswith("time_s"))
    if fmt == "generic":
        lines = lines[header:]
        options = {"time_col": "time_s", "time_unit": "s", "acc_cols": ["acc_x", "acc_y", "acc_z"],
                   "acc_unit": "m/s^2", "gyro_cols": ["gyro_x", "gyro_y", "gyro_z"], "gyro_unit": "rad/s"}
    else:
        options = {}
    out = []
    for k, line in enumerate(lines):
        out.append(line)
        if k in (header + 1, 37, 300, 301, 302, 1200) or k > len(lines) - 2:
            out.extend([",,,,,,"] * (3 if k > len(lines) - 2 else 1))
    path = tmp_path / "excel.csv"
    path.write_text("\n".join(out) + "\n")
    plain = tmp_path / "plain.csv"
    plain.write_text("\n".join(lines) + "\n")
    whole, blocks = read_both(path, in_blocks, size, **options)
    assert_same_recording(whole, blocks)
    ref = read(plain, **options)
    assert np.array_equal(blocks.time_s, ref.time_s) and np.array_equal(blocks.acc_mps2, ref.acc_mps2)
    said = [w for w in blocks.warnings if "only separators" in w]
    first = out.index(",,,,,,") + 1
    assert len(said) == 1 and f"{out.count(',,,,,,')} row(s)" in said[0] and f"line {first}," in said[0], said
    # a bad cell well after the skipped rows: named on its line in the file
    bad = len(out) - 200
    out[bad - 1] = "x" + out[bad - 1][out[bad - 1].index(","):]
    path.write_text("\n".join(out) + "\n")
    assert f"line {bad}" in error_of(path, **options)


@pytest.mark.parametrize("size", [4096, 65536])
def test_geneactiv_rows_of_only_separators_skipped_alike_in_blocks(tmp_path, in_blocks, size):
    # a GENEActiv export re-saved in Excel: ',,,,,,' rows in the data and below it (review s37, excel)
    lines = GENEACTIV.read_text().splitlines()
    first = next(i for i, l in enumerate(lines) if re.match(r"\d{4}-\d\d-\d\d ", l))
    out = []
    for k, line in enumerate(lines):
        out.append(line)
        if k in (first + 3, first + 700, first + 701) or k == len(lines) - 1:
            out.extend([",,,,,,"] * (2 if k == len(lines) - 1 else 1))
    path = tmp_path / "excel.csv"
    path.write_text("\n".join(out) + "\n")
    plain = tmp_path / "plain.csv"
    plain.write_text("\n".join(lines) + "\n")
    ref = read(plain)
    whole, blocks = read_both(path, in_blocks, size)
    assert_same_recording(whole, blocks)
    assert np.array_equal(blocks.time_s, ref.time_s) and np.array_equal(blocks.acc_mps2, ref.acc_mps2)
    said = [w for w in blocks.warnings if "only separators" in w]
    assert len(said) == 1 and "5 row(s)" in said[0] and f"line {first + 5}," in said[0], said
    bad = len(out) - 100
    out[bad - 1] = out[bad - 1].replace(",", ",x", 1)
    path.write_text("\n".join(out) + "\n")
    assert f"line {bad}" in error_of(path)
