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


def assert_same_recording(a, b):
    """Bit for bit: the same samples, warnings and metadata."""
    assert np.array_equal(a.time_s, b.time_s)
    assert np.array_equal(a.acc_mps2, b.acc_mps2)
    assert (a.gyro_rads is None) == (b.gyro_rads is None)
    if a.gyro_rads is not None:
        assert np.array_equal(a.gyro_rads, b.gyro_rads)
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
