"""Reading a large CSV file block by block, in bounded memory.

pandas' one-pass parse of a whole file holds its text and its tokens at once: a day of 100 Hz native CSV
(640 MB) peaked at 1.6 GB before the engine saw a sample, and the GENEActiv and generic readers, which kept
the text and its lines, at about 200 MB per hour of data. Above :data:`BLOCK_READ_ABOVE_BYTES` the native,
GENEActiv and generic readers parse whole-line blocks of a few MB with their usual code (so errors name the
same file, line and column) and write the numbers into arrays allocated once, sized by the file's line
count. Smaller files keep the one pass, the fastest for a walk of an hour or two.

Files whose lines end in a lone CR (old Mac) are not read so: the blocks are cut at LF.
"""
from __future__ import annotations

import os
import re
from typing import Callable, Iterator, Sequence

import numpy as np

#: files larger than this are read block by block (64 MB: about 2.5 h of 100 Hz 6-axis native CSV)
BLOCK_READ_ABOVE_BYTES = 64 * 2**20
#: bytes read per block (cut back to the last whole line)
READ_BLOCK_BYTES = 8 * 2**20

_LONE_CR = re.compile(rb"\r(?!\n)")


def reads_in_blocks(path: str | os.PathLike, head: bytes) -> bool:
    """Whether a file is read block by block: larger than :data:`BLOCK_READ_ABOVE_BYTES`, with lines ended
    by LF or CR LF (``head``: its first bytes)."""
    return os.stat(path).st_size > BLOCK_READ_ABOVE_BYTES and not _LONE_CR.search(head.rstrip(b"\r"))


def offset_of_line(path: str | os.PathLike, n_lines: int) -> int:
    """Byte offset at which line ``n_lines + 1`` starts (lines ended by LF or CR LF)."""
    with open(path, "rb") as fb:
        for _ in range(n_lines):
            if not fb.readline():
                break
        return fb.tell()


def count_line_ends(path: str | os.PathLike, offset: int = 0) -> int:
    """LFs in the file from byte ``offset`` on (C-speed ``bytes.count`` over blocks)."""
    n = 0
    with open(path, "rb") as fb:
        fb.seek(offset)
        while True:
            chunk = fb.read(READ_BLOCK_BYTES)
            if not chunk:
                return n
            n += chunk.count(b"\n")


def line_blocks(path: str | os.PathLike, offset: int, first_line_no: int,
                block_bytes: int | None = None) -> Iterator[tuple[bytes, int, bool]]:
    """``(block, number of its first line, is the last block)`` for blocks of whole lines (bytes, as in the
    file: pandas parses them undecoded, 1.5× faster than text) from byte ``offset`` on; the last block may
    end without a line end (a cut last line is the reader's to judge)."""
    size = int(block_bytes or READ_BLOCK_BYTES)
    with open(path, "rb") as fb:
        fb.seek(offset)
        pending: tuple[bytes, int] | None = None      # one block held back, to know which is the last
        carry = b""
        line_no = first_line_no
        while True:
            chunk = fb.read(size)
            if not chunk:
                break
            buf = carry + chunk
            cut = buf.rfind(b"\n") + 1
            if cut == 0:
                carry = buf                             # a line longer than a block: read on
                continue
            block, carry = buf[:cut], buf[cut:]
            if pending is not None:
                yield pending[0], pending[1], False
            pending = (block, line_no)
            line_no += block.count(b"\n")
        if carry:
            if pending is not None:
                yield pending[0], pending[1], False
            yield carry, line_no, True
        elif pending is not None:
            yield pending[0], pending[1], True


def fill_from_blocks(blocks: Iterator[tuple[bytes, int, bool]], n_rows_max: int,
                     parse: Callable[[bytes, int, bool], Sequence[np.ndarray | None]]) -> list[np.ndarray | None]:
    """Run ``parse(block, first_line_no, is_last)`` on each block and write what it returns (arrays of the
    block's rows; ``None`` for an absent one) into arrays allocated once for ``n_rows_max`` rows.
    Returns the filled parts (views), in ``parse``'s order.

    Every block after the first is parsed behind the file's first data row, whose values are then dropped:
    pandas takes a table's width (and a separator that ends its rows) from its first row, so a block
    beginning with a short or odd row would otherwise be read, or refused, otherwise than in one pass."""
    outs: list[np.ndarray | None] | None = None
    pos = 0
    lead: bytes | None = None
    for text, line_no, last in blocks:
        if lead is None:
            parts = parse(text, line_no, last)
            lead = first_row(text)
        else:
            parts = [None if p is None else p[1:] for p in parse(lead + text, line_no - 1, last)]
        if outs is None:
            outs = [None if p is None else np.empty((n_rows_max,) + p.shape[1:], dtype=p.dtype) for p in parts]
        m = next((p.shape[0] for p in parts if p is not None), 0)
        if pos + m > n_rows_max:                # cannot happen: rows ≤ lines; refuse rather than overrun
            raise RuntimeError(f"{pos + m} rows parsed from a file of {n_rows_max} lines")
        for out, p in zip(outs, parts):
            if out is not None:
                out[pos:pos + m] = p
        pos += m
    if outs is None:
        return []
    return [None if o is None else o[:pos] for o in outs]


def first_row(block: bytes) -> bytes | None:
    """The first line of ``block`` that holds more than white space and separators (a row of values), with
    an LF; None if there is none."""
    for line in block.split(b"\n"):
        if line.replace(b",", b"").replace(b";", b"").strip():
            return line + b"\n"
    return None


_WHITESPACE = np.zeros(256, dtype=bool)
_WHITESPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True      # what str.strip() removes, in ASCII
#: and the separators: a line of only ',' / ';' (an Excel-saved empty row) is no data row either, as
#: _common.is_blank_or_separators says
_NO_VALUE = _WHITESPACE.copy()
_NO_VALUE[[ord(","), ord(";")]] = True


def nonblank_line_numbers(path: str | os.PathLike, first_line_no: int) -> np.ndarray:
    """The 1-based numbers of the lines from ``first_line_no`` on that hold more than white space and
    separators (lines
    ended by LF, CR LF or a lone CR, as :func:`~imu_gait.io._common.csv_lines` splits them), found block by
    block with numpy: a day's file never sits in memory as text or as a list of lines."""
    found: list[np.ndarray] = []
    line_no = 1                   # number of the line the next byte belongs to
    has_text = False              # the current (unfinished) line holds a non-white byte
    prev_cr = False               # the byte before this block was a CR
    with open(path, "rb") as fb:
        while True:
            chunk = fb.read(READ_BLOCK_BYTES)
            if not chunk:
                break
            b = np.frombuffer(chunk, dtype=np.uint8)
            lf, cr = b == 10, b == 13
            # a line ends at an LF, and at a CR not followed by an LF (the block's last CR: decided by the next)
            nxt_lf = np.r_[lf[1:], False]
            end = lf.copy()
            end[:-1] |= cr[:-1] & ~nxt_lf[:-1]
            if prev_cr and not lf[0]:
                # the previous block's last byte was a lone CR: a line ended just before this block
                if has_text and line_no >= first_line_no:
                    found.append(np.array([line_no]))
                line_no, has_text = line_no + 1, False
            last_cr = bool(cr[-1])
            if last_cr:
                end[-1] = False
            ends = np.flatnonzero(end)
            text_count = np.cumsum(~_NO_VALUE[b])
            if ends.size:
                # non-white bytes in each ended line: from the previous end (or the block start) to this end
                upto = text_count[ends]
                before = np.r_[0, upto[:-1]]
                line_text = upto - before > 0
                line_text[0] |= has_text
                nums = line_no + np.arange(ends.size)
                keep = line_text & (nums >= first_line_no)
                found.append(nums[keep])
                line_no += ends.size
                has_text = bool(text_count[-1] - upto[-1] > 0)
            else:
                has_text = has_text or bool(text_count[-1] > 0)
            prev_cr = last_cr
    if has_text and line_no >= first_line_no:
        found.append(np.array([line_no]))                 # a last line without a line end
    return np.concatenate(found).astype(np.int64) if found else np.zeros(0, np.int64)
