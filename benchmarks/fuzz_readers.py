"""Mutation fuzzing of the readers: ``imu_gait.read(path)`` then ``imu_gait.analyze(rec)``.

    .venv/bin/python benchmarks/fuzz_readers.py --seconds 600 --seed 1     # writes benchmarks/results/fuzz_readers.md
    .venv/bin/python benchmarks/fuzz_readers.py --seed 1 --replay 1234     # re-run one input, keep it on disk
    .venv/bin/python benchmarks/fuzz_readers.py --list-seeds

Not a test: a tool that looks for inputs the readers still mishandle. Each input is a small real
recording (``datasets/``, ``tests/data/``: native, phyphox single/multi-file folder or zip with ``,``/``;``,
Sensor Logger folder/zip, GENEActiv, AndroSensor rendered from its documented header, headerless generic
CSV read with options), cut to a few hundred rows, with 1–3 random structure-aware mutations: byte flips,
line deletion/duplication/swap, truncation mid-line, column deletion/duplication/reordering, header edits,
encodings (UTF-8 BOM, UTF-16 LE as Excel saves, Latin-1), CR/CRLF line ends, decimal commas, thousands
separators, quoted cells, trailing delimiters, blank lines, special numbers ('1e309', 'nan', '-0' …),
zip layouts (nesting, ``__MACOSX`` entries, empty zip, damaged bytes) and emptied export members.

Each input runs in a worker process with a per-input timeout and is classified:

* ``ok``          read and analysed, and the recording passed the plausibility checks;
* ``clean``       an ``imu_gait.errors.ImuGaitError`` (what bad input must give);
* ``raw``         any other exception — a bug (traceback summary kept);
* ``hang``        no answer within ``--timeout`` seconds — a bug;
* ``implausible`` accepted, but NaN in the arrays, time not strictly increasing, fewer data rows read
  than the file holds without a warning, or duration / rate / |a| far from the unmutated seed's without
  any warning.

Case ``i`` of a run is generated from ``random.Random(f"{seed}:{i}")`` alone, so ``--seed S --replay i``
reproduces it exactly (the materialised input is kept in ``--out-dir``).
"""
from __future__ import annotations

import argparse
import codecs
import io
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import zipfile
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
DATA = ROOT / "tests" / "data"


# ------------------------------------------------------------------------------------------ seeds
def _cut_lines(data: bytes, keep_rows: int, header_lines: int) -> bytes:
    lines = data.splitlines(keepends=True)
    return b"".join(lines[:header_lines + keep_rows])


def _native_header_lines(data: bytes) -> int:
    n = 0
    for line in data.splitlines():
        n += 1
        if not line.startswith(b"#") and line.strip():
            return n
    return n


def _cut_dir(folder: Path, rows: int) -> dict[str, bytes]:
    files = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            rel = str(p.relative_to(folder).as_posix())
            data = p.read_bytes()
            if "meta/" not in rel and not rel.lower().startswith("metadata"):
                data = _cut_lines(data, rows, 1)
            files[rel] = data
    return files


def _androsensor_seed(rows: int) -> bytes:
    """Rendered from the documented header (as tests/test_readers.py does): no real export exists here."""
    header = ("ACCELEROMETER X (m/s²);ACCELEROMETER Y (m/s²);ACCELEROMETER Z (m/s²);GRAVITY X (m/s²);"
              "GRAVITY Y (m/s²);GRAVITY Z (m/s²);LINEAR ACCELERATION X (m/s²);LINEAR ACCELERATION Y (m/s²);"
              "LINEAR ACCELERATION Z (m/s²);GYROSCOPE X (rad/s);GYROSCOPE Y (rad/s);GYROSCOPE Z (rad/s);"
              "Time since start in ms ;YYYY-MO-DD HH-MI-SS_SSS")
    src = (DATA / "source_walk.csv").read_text().splitlines()
    out = [header]
    body = [l for l in src if l and not l.startswith("#")][1:rows + 1]
    for line in body:
        t, ax, ay, az, gx, gy, gz = (float(c) for c in line.split(","))
        ms = int(round(t * 1000))
        cells = [ax, ay, az, 0.0, 0.0, 9.81, ax, ay, az - 9.81, gx, gy, gz]
        out.append(";".join(f"{v:.6g}" for v in cells) + f";{ms};2024-03-17 17-48-{52 + ms // 1000:02d}_{ms % 1000:03d}")
    return ("\n".join(out) + "\n").encode("utf-8")


def build_seeds(rows: int = 700) -> list[dict]:
    """The unmutated inputs: dicts with files {relpath: bytes}, pack file|dir|zip, target, options."""
    seeds = []

    def native(name, path, n=rows):
        data = path.read_bytes()
        seeds.append({"name": name, "files": {path.name: _cut_lines(data, n, _native_header_lines(data))},
                      "pack": "file", "target": path.name, "options": {}})

    native("native_walk", DATA / "source_walk.csv")
    native("native_sitting", DATA / "native_sitting.csv")
    native("native_mobgap", ROOT / "datasets" / "mobgap_HA001_walk1.csv")
    native("native_oxford_irregular", ROOT / "datasets" / "oxford_Samsung_Dario_Hard_BackPocket_1.csv", 1500)
    gene = (DATA / "gaitpy_demo" / "demo_data_30s.csv").read_bytes()
    seeds.append({"name": "geneactiv", "files": {"geneactiv.csv": _cut_lines(gene, 400, 100)}, "pack": "file",
                  "target": "geneactiv.csv", "options": {}})
    skdh = (DATA / "skdh_examples" / "example_data_30s.csv").read_bytes()
    skdh_rows = max(rows, 1500)          # its first 7 s do not pass the gravity check: 15 s do
    seeds.append({"name": "generic_headerless_opts", "files": {"skdh.csv": _cut_lines(skdh, skdh_rows, 0)}, "pack": "file",
                  "target": "skdh.csv", "options": dict(time_col=0, time_unit="s", acc_cols=[1, 2, 3], acc_unit="g",
                                                        gyro_cols=[4, 5, 6], gyro_unit="deg/s")})
    seeds.append({"name": "generic_headerless_guess", "files": {"skdh.csv": _cut_lines(skdh, skdh_rows, 0)}, "pack": "file",
                  "target": "skdh.csv", "options": dict(time_col=0)})
    named = b"timestamp;ax;ay;az\n" + b"".join(
        b";".join(l.split(b",")[:4]) + b"\n" for l in _cut_lines(skdh, skdh_rows, 0).splitlines())
    seeds.append({"name": "generic_named_semicolon", "files": {"named.csv": named}, "pack": "file",
                  "target": "named.csv", "options": dict(acc_unit="g")})
    seeds.append({"name": "androsensor", "files": {"andro.csv": _androsensor_seed(rows)}, "pack": "file",
                  "target": "andro.csv", "options": {}})
    for name in ("phyphox_with_g", "phyphox_semicolon", "phyphox_multi", "sensorlogger_android", "sensorlogger_ios"):
        files = _cut_dir(DATA / name, rows)
        seeds.append({"name": f"{name}_dir", "files": files, "pack": "dir", "target": None, "options": {}})
        seeds.append({"name": f"{name}_zip", "files": dict(files), "pack": "zip", "target": None, "options": {}})
    # one CSV of an export named directly (its siblings come along)
    files = _cut_dir(DATA / "phyphox_multi", rows)
    seeds.append({"name": "phyphox_multi_named", "files": files, "pack": "dir", "target": "Accelerometer.csv",
                  "options": {}})
    files = _cut_dir(DATA / "sensorlogger_ios", rows)
    seeds.append({"name": "sensorlogger_ios_named", "files": files, "pack": "dir", "target": "Accelerometer.csv",
                  "options": {}})
    return seeds


# ------------------------------------------------------------------------------------------ mutations
SPECIAL = [b"1e309", b"-1e309", b"nan", b"NaN", b"inf", b"-inf", b"-0", b"0", b"", b" ", b"NULL", b"0x10",
           b"1_000", b"1e308", b"-1e308", b"1e-400", b"9" * 40, b"+5", b".5", b"5.", b"1.0.0", b"true", b"\"\"",
           b"\"1.5\"", b"1,5", b"1 234.5", b"\xd9\xa1\xd9\xa2", b"\xc2\xa01", b"1e5", b"-", b"e", b"#", b"\x00"]
JUNK = [b"\x00", b"\xff", b"\"", b",", b";", b"\t", b"\r", b"\n", b"#", b"e", b"-", b".", b" ", b"\xef\xbb\xbf",
        b"\xc3", b"'", b"\\", b"E+", b"\x1a"]


def _delim_of(line: bytes) -> bytes:
    counts = {d: line.count(d) for d in (b",", b";", b"\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else b","


def _split(data: bytes) -> tuple[list[bytes], bytes]:
    eol = b"\r\n" if b"\r\n" in data[:2000] else (b"\r" if b"\r" in data[:2000] and b"\n" not in data[:2000] else b"\n")
    lines = data.split(eol)
    return lines, eol


def _header_index(lines: list[bytes]) -> int:
    for i, l in enumerate(lines):
        if l.strip() and not l.startswith(b"#") and not re.match(rb'^\s*"?[-+.]?\d', l):
            return i
    return 0


def _data_range(lines: list[bytes]) -> tuple[int, int]:
    h = _header_index(lines)
    lo = h + 1 if not re.match(rb'^\s*"?[-+.]?\d', lines[h] if lines else b"") else h
    hi = len(lines) - (1 if lines and lines[-1] == b"" else 0)
    return lo, max(lo, hi)


def m_byte_flip(d, r):
    if not d:
        return d, "noop"
    b = bytearray(d)
    for _ in range(r.choice([1, 1, 2, 5])):
        i = r.randrange(len(b))
        b[i] = r.choice([b[i] ^ (1 << r.randrange(8)), r.randrange(256)])
    return bytes(b), "byte_flip"


def m_insert_junk(d, r):
    i = r.randrange(len(d) + 1)
    return d[:i] + r.choice(JUNK) + d[i:], "insert_junk"


def m_truncate(d, r):
    if not d:
        return d, "noop"
    lo = int(len(d) * 0.5)
    return d[:r.randrange(lo, len(d))], "truncate"


def m_truncate_head(d, r):
    lines, eol = _split(d)
    h = _header_index(lines)
    cut = r.choice([0, h, h + 1, r.randrange(len(lines) + 1)])
    return eol.join(lines[:cut]) + (eol if cut and r.random() < .5 else b""), "truncate_early"


def m_lines(d, r):
    lines, eol = _split(d)
    lo, hi = _data_range(lines)
    if hi - lo < 3:
        return d, "noop"
    op = r.choice(["delete", "delete_block", "dup", "dup_block", "swap", "move", "reverse_block", "sort_block"])
    i = r.randrange(lo, hi)
    j = r.randrange(lo, hi)
    if op == "delete":
        del lines[i]
    elif op == "delete_block":
        del lines[i:i + r.randrange(2, 200)]
    elif op == "dup":
        lines.insert(i, lines[i])
    elif op == "dup_block":
        k = r.randrange(2, 150)
        lines[i:i] = lines[i:i + k]
    elif op == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "move":
        lines.insert(j, lines.pop(i))
    elif op == "reverse_block":
        lines[i:i + 20] = lines[i:i + 20][::-1]
    elif op == "sort_block":
        lines[i:i + 50] = sorted(lines[i:i + 50])
    return eol.join(lines), "lines_" + op


def _cells_map(d, r, fn, name, rows="all"):
    lines, eol = _split(d)
    h = _header_index(lines)
    delim = _delim_of(lines[h]) if lines else b","
    out = []
    for k, l in enumerate(lines):
        if l.startswith(b"#") or not l.strip() or (rows == "data" and k <= h) or (rows == "header" and k != h):
            out.append(l)
            continue
        out.append(delim.join(fn(l.split(delim), k == h)))
    return eol.join(out), name


def m_columns(d, r):
    lines, _ = _split(d)
    h = _header_index(lines)
    n = len(lines[h].split(_delim_of(lines[h]))) if lines else 0
    if n < 2:
        return d, "noop"
    i, j = r.randrange(n), r.randrange(n)
    op = r.choice(["delete", "dup", "swap", "rotate", "delete_data_only", "swap_header_only", "add_col"])
    if op == "delete":
        return _cells_map(d, r, lambda c, hd: c[:i] + c[i + 1:], "col_delete")
    if op == "dup":
        return _cells_map(d, r, lambda c, hd: c[:i + 1] + c[i:], "col_dup")
    def sw(c, hd):
        c = list(c)
        if max(i, j) < len(c):
            c[i], c[j] = c[j], c[i]
        return c

    if op == "swap":
        return _cells_map(d, r, sw, "col_swap")
    if op == "rotate":
        return _cells_map(d, r, lambda c, hd: c[1:] + c[:1], "col_rotate")
    if op == "delete_data_only":
        return _cells_map(d, r, lambda c, hd: c[:i] + c[i + 1:], "col_delete_data_only", rows="data")
    if op == "swap_header_only":
        return _cells_map(d, r, sw, "col_swap_header_only", rows="header")
    return _cells_map(d, r, lambda c, hd: c + ([b"extra"] if hd else [b"1.0"]), "col_add")


def m_header(d, r):
    lines, eol = _split(d)
    if not lines:
        return d, "noop"
    h = _header_index(lines)
    head = lines[h]
    op = r.choice(["upper", "lower", "spaces", "unquote", "quote", "rename", "drop", "dup_header", "unit",
                   "sep_line", "bom_mid", "nonascii", "dup_name", "empty_name"])
    if op == "upper":
        head = head.upper()
    elif op == "lower":
        head = head.lower()
    elif op == "spaces":
        head = head.replace(b",", b" , ").replace(b";", b" ; ")
    elif op == "unquote":
        head = head.replace(b'"', b"")
    elif op == "quote":
        delim = _delim_of(head)
        head = delim.join(b'"' + c + b'"' for c in head.split(delim))
    elif op == "rename":
        delim = _delim_of(head)
        cells = head.split(delim)
        k = r.randrange(len(cells))
        cells[k] = r.choice([b"foo", b"x", b"time", b"Time (s)", b"acc_x", b"gyro_x", b"z", b"t", b"seconds_elapsed",
                             b"\"X (g)\"", b"\"X (deg/s)\"", b"\"Gravity x (m/s^2)\"", b"\"Linear Acceleration x (m/s^2)\""])
        head = delim.join(cells)
    elif op == "drop":
        del lines[h]
        return eol.join(lines), "header_drop"
    elif op == "dup_header":
        lines.insert(h + r.randrange(1, 50), head)
        return eol.join(lines), "header_dup_in_data"
    elif op == "unit":
        head = head.replace(b"m/s^2", r.choice([b"g", b"m/s\xc2\xb2", b"mg", b"", b"\xb5T"]))
    elif op == "sep_line":
        lines.insert(0, r.choice([b"sep=,", b"sep=;", b"sep=\t"]))
        return eol.join(lines), "excel_sep_line"
    elif op == "bom_mid":
        head = b"\xef\xbb\xbf" + head
    elif op == "nonascii":
        head = head.replace(b"s", b"\xc2\xb5s", 1)
    elif op == "dup_name":
        delim = _delim_of(head)
        cells = head.split(delim)
        if len(cells) > 2:
            cells[-1] = cells[1]
        head = delim.join(cells)
    elif op == "empty_name":
        delim = _delim_of(head)
        cells = head.split(delim)
        cells[r.randrange(len(cells))] = b""
        head = delim.join(cells)
    lines[h] = head
    return eol.join(lines), "header_" + op


def m_encoding(d, r):
    op = r.choice(["bom", "utf16", "utf16_nobom", "latin1", "utf16be", "double_bom"])
    if op == "bom":
        return b"\xef\xbb\xbf" + d, "enc_utf8_bom"
    if op == "double_bom":
        return b"\xef\xbb\xbf\xef\xbb\xbf" + d, "enc_double_bom"
    text = d.decode("utf-8", "replace")
    if op == "utf16":
        return codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le"), "enc_utf16le_bom_crlf"
    if op == "utf16_nobom":
        return text.encode("utf-16-le"), "enc_utf16le_nobom"
    if op == "utf16be":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "enc_utf16be_bom"
    return text.replace("s", "ß", 1).replace("2)", "²)").encode("latin-1", "replace"), "enc_latin1"


def m_line_endings(d, r):
    op = r.choice(["crlf", "cr", "mixed", "double_lf"])
    base = d.replace(b"\r\n", b"\n")
    if op == "crlf":
        return base.replace(b"\n", b"\r\n"), "eol_crlf"
    if op == "cr":
        return base.replace(b"\n", b"\r"), "eol_cr"
    if op == "double_lf":
        return base.replace(b"\n", b"\n\n"), "eol_blank_between_rows"
    lines = base.split(b"\n")
    return b"".join(l + r.choice([b"\n", b"\r\n", b"\r"]) for l in lines), "eol_mixed"


_NUM = re.compile(rb"(?<![\w.])(-?\d+)\.(\d+)(?:[eE][-+]?\d+)?")


def m_decimal_comma(d, r):
    op = r.choice(["keep_delim", "to_semicolon", "to_tab"])
    lines, eol = _split(d)
    h = _header_index(lines)
    delim = _delim_of(lines[h]) if lines else b","
    new = {"keep_delim": delim, "to_semicolon": b";", "to_tab": b"\t"}[op]
    out = []
    for k, l in enumerate(lines):
        if l.startswith(b"#") or not l.strip():
            out.append(l)
            continue
        cells = l.split(delim)
        if k != h:
            cells = [c.replace(b".", b",") for c in cells]
        out.append(new.join(cells))
    return eol.join(out), "decimal_comma_" + op


def m_thousands(d, r):
    def fmt(m):
        whole = m.group(1)
        neg = whole.startswith(b"-")
        digits = whole.lstrip(b"-")
        if len(digits) <= 3:
            return m.group(0)
        sep = r.choice([b",", b" ", b"\xc2\xa0", b"'", b"."])
        groups = []
        while len(digits) > 3:
            groups.insert(0, digits[-3:])
            digits = digits[:-3]
        groups.insert(0, digits)
        return (b"-" if neg else b"") + sep.join(groups) + m.group(0)[len(m.group(1)):]
    out = re.sub(rb"(?<![\w.])(-?\d{4,})(\.\d+)?", fmt, d)
    return out, "thousands_sep"


def m_quote_cells(d, r):
    op = r.choice(["all", "some", "unbalanced", "single"])
    if op == "unbalanced":
        lines, eol = _split(d)
        lo, hi = _data_range(lines)
        if hi > lo:
            k = r.randrange(lo, hi)
            lines[k] = b'"' + lines[k]
        return eol.join(lines), "quote_unbalanced"
    q = b"'" if op == "single" else b'"'
    p = 1.0 if op in ("all", "single") else 0.1
    return _cells_map(d, r, lambda c, hd: [q + x + q if r.random() < p else x for x in c], "quote_" + op,
                      rows="data")


def m_trailing(d, r):
    lines, eol = _split(d)
    h = _header_index(lines)
    delim = _delim_of(lines[h]) if lines else b","
    op = r.choice(["all", "data", "some", "header", "spaces"])
    out = []
    for k, l in enumerate(lines):
        if not l.strip() or l.startswith(b"#"):
            out.append(l)
        elif op == "spaces":
            out.append(l + b"  ")
        elif op == "all" or (op == "data" and k > h) or (op == "header" and k == h) or (op == "some" and r.random() < .05):
            out.append(l + delim)
        else:
            out.append(l)
    return eol.join(out), "trailing_" + op


def m_blank(d, r):
    lines, eol = _split(d)
    op = r.choice(["before_header", "in_data", "end", "whitespace", "many_end", "delims_only"])
    h = _header_index(lines)
    delim = _delim_of(lines[h]) if lines else b","
    if op == "before_header":
        lines[h:h] = [b""] * r.randrange(1, 4)
    elif op == "in_data":
        for _ in range(r.randrange(1, 10)):
            lines.insert(r.randrange(h + 1, max(h + 2, len(lines))), b"")
    elif op == "end":
        lines.append(b"")
    elif op == "many_end":
        lines.extend([b""] * 50)
    elif op == "whitespace":
        lines.insert(r.randrange(h + 1, max(h + 2, len(lines))), r.choice([b" ", b"\t", b"   \t "]))
    elif op == "delims_only":
        lines.insert(r.randrange(h + 1, max(h + 2, len(lines))), delim * lines[h].count(delim))
    return eol.join(lines), "blank_" + op


def m_special_cell(d, r):
    lines, eol = _split(d)
    lo, hi = _data_range(lines)
    if hi <= lo:
        return d, "noop"
    delim = _delim_of(lines[_header_index(lines)])
    tok = r.choice(SPECIAL)
    nrows = r.choice([1, 1, 1, 3, 30])
    col = None
    for _ in range(nrows):
        k = r.randrange(lo, hi)
        cells = lines[k].split(delim)
        if not cells:
            continue
        c = col if col is not None and col < len(cells) else r.randrange(len(cells))
        col = c
        cells[c] = tok
        lines[k] = delim.join(cells)
    return eol.join(lines), f"special_{tok[:12]!r}"


def m_comment(d, r):
    lines, eol = _split(d)
    lo, hi = _data_range(lines)
    op = r.choice(["data_comment", "meta_bad", "meta_huge", "meta_sensor_height", "meta_rate", "meta_placement",
                   "meta_format", "meta_private"])
    if op == "data_comment":
        lines.insert(r.randrange(lo, max(lo + 1, hi)), b"# comment in the data")
    else:
        line = {"meta_bad": b"# sample_rate_hz: abc", "meta_huge": b"# sample_rate_hz: 1e309",
                "meta_sensor_height": r.choice([b"# sensor_height_m: 1e309", b"# sensor_height_m: nan",
                                                b"# sensor_height_m: -1", b"# sensor_height_m: abc",
                                                b"# height_m: 0"]),
                "meta_rate": b"# sample_rate_hz: 0", "meta_placement": r.choice([b"# placement: ???",
                                                                                  b"# placement: ankle",
                                                                                  b"# placement: 12"]),
                "meta_format": b"# format: phyphox", "meta_private": b"# _validated: 1"}[op]
        lines.insert(0, line)
    return eol.join(lines), "comment_" + op


def m_scale(d, r):
    lines, eol = _split(d)
    h = _header_index(lines)
    delim = _delim_of(lines[h]) if lines else b","
    lo, hi = _data_range(lines)
    n = len(lines[lo].split(delim)) if hi > lo else 0
    if n < 2:
        return d, "noop"
    col = r.randrange(n)
    op = r.choice(["x1000", "x0.001", "const", "neg", "zero", "huge_offset", "repeat_time", "ms"])
    out = list(lines)
    for k in range(lo, hi):
        cells = out[k].split(delim)
        if col >= len(cells):
            continue
        try:
            v = float(cells[col].strip(b'"').replace(b",", b"."))
        except ValueError:
            continue
        nv = {"x1000": v * 1000, "x0.001": v / 1000, "const": 1.0, "neg": -v, "zero": 0.0,
              "huge_offset": v + 1e15, "repeat_time": float(int(v)), "ms": v * 1000}[op]
        cells[col] = repr(nv).encode()
        out[k] = delim.join(cells)
    return eol.join(out), f"scale_{op}"


def m_long_line(d, r):
    lines, eol = _split(d)
    lo, hi = _data_range(lines)
    if hi <= lo:
        return d, "noop"
    k = r.randrange(lo, hi)
    op = r.choice(["long_cell", "many_cols", "binary_tail"])
    if op == "long_cell":
        lines[k] = lines[k] + b"9" * 100_000
    elif op == "many_cols":
        lines[k] = lines[k] + b",1" * 5000
    else:
        return d + bytes(r.randrange(256) for _ in range(2000)), "binary_tail"
    return eol.join(lines), "long_" + op


TEXT_MUTATORS = [(m_byte_flip, 3), (m_insert_junk, 2), (m_truncate, 2), (m_truncate_head, 1), (m_lines, 4),
                 (m_columns, 3), (m_header, 3), (m_encoding, 2), (m_line_endings, 2), (m_decimal_comma, 2),
                 (m_thousands, 1), (m_quote_cells, 2), (m_trailing, 2), (m_blank, 2), (m_special_cell, 4),
                 (m_comment, 1), (m_scale, 2), (m_long_line, 1)]


def _pick_member(case, r) -> str | None:
    names = [n for n in case["files"]]
    if not names:
        return None
    data_names = [n for n in names if "meta" not in n.lower()]
    if data_names and r.random() < 0.85:
        return r.choice(data_names)
    return r.choice(names)


def c_container(case, r):
    """Structure mutations of folder/zip exports."""
    files = case["files"]
    op = r.choice(["nest", "deep_nest", "macosx", "ds_store", "drop_member", "empty_member", "header_only_member",
                   "rename_case", "copy_suffix", "second_export", "to_zip", "to_dir", "empty_zip", "dir_entries",
                   "rawzip_flip", "rawzip_truncate", "name_member", "empty_meta", "garbage_meta", "stored_zip"])
    if op == "nest":
        case["files"] = {f"export/{k}": v for k, v in files.items()}
    elif op == "deep_nest":
        case["files"] = {f"a/b/c/{k}": v for k, v in files.items()}
    elif op == "macosx":
        for k, v in list(files.items()):
            p = k.rsplit("/", 1)
            files[f"__MACOSX/{'/'.join(p[:-1]) + '/' if len(p) > 1 else ''}._{p[-1]}"] = b"\x00\x05\x16\x07" + b"\x00" * 60
    elif op == "ds_store":
        files[".DS_Store"] = b"\x00\x00\x00\x01Bud1" + b"\x00" * 100
    elif op == "drop_member" and files:
        del files[r.choice(sorted(files))]
    elif op == "empty_member" and files:
        files[_pick_member(case, r)] = b""
    elif op == "header_only_member" and files:
        k = _pick_member(case, r)
        files[k] = files[k].split(b"\n", 1)[0] + r.choice([b"\n", b""])
    elif op == "rename_case" and files:
        k = r.choice(sorted(files))
        files[k.upper() if r.random() < .5 else k.lower()] = files.pop(k)
    elif op == "copy_suffix" and files:
        k = r.choice(sorted(files))
        stem, dot, ext = k.rpartition(".")
        files[f"{stem} (1).{ext}"] = files.pop(k) if r.random() < .5 else files[k]
    elif op == "second_export":
        case["files"] = {**files, **{f"other/{k}": v for k, v in files.items()}}
    elif op == "to_zip":
        case["pack"] = "zip"
        case["target"] = None
    elif op == "to_dir":
        case["pack"] = "dir"
    elif op == "empty_zip":
        case["pack"] = "zip"
        case["files"] = {}
        case["target"] = None
    elif op == "dir_entries":
        case["pack"] = "zip"
        case["dir_entries"] = True
    elif op == "stored_zip":
        case["pack"] = "zip"
        case["stored"] = True
    elif op in ("rawzip_flip", "rawzip_truncate"):
        case["pack"] = "zip"
        case["target"] = None
        case["raw_mut"] = op
    elif op == "name_member" and files:
        case["pack"] = "dir"
        case["target"] = r.choice(sorted(files))
    elif op in ("empty_meta", "garbage_meta"):
        metas = [k for k in files if "meta" in k.lower()]
        if metas:
            k = r.choice(metas)
            files[k] = b"" if op == "empty_meta" else r.choice([b"\xff\xfe\x00", b"a\n", b"\"START\"\n",
                                                               b"\"event\",\"x\"\n\"START\",abc,def\n", b"\n\n"])
    else:
        return case, "noop"
    return case, "cont_" + op


def mutate(seed: dict, rng: random.Random) -> dict:
    case = {k: (dict(v) if isinstance(v, dict) else v) for k, v in seed.items()}
    case["ops"] = []
    n = rng.choice([1, 1, 1, 2, 2, 3])
    for _ in range(n):
        if case["pack"] != "file" and rng.random() < 0.3:
            case, name = c_container(case, rng)
            case["ops"].append(name)
            continue
        member = _pick_member(case, rng)
        if member is None:
            continue
        fns, weights = zip(*TEXT_MUTATORS)
        fn = rng.choices(fns, weights)[0]
        try:
            data, name = fn(case["files"][member], rng)
        except (IndexError, ValueError, OverflowError):
            continue
        case["files"][member] = data
        case["ops"].append(f"{name}@{member}")
    return case


def gen_case(seeds: list[dict], seed: int, i: int) -> dict:
    rng = random.Random(f"{seed}:{i}")
    s = rng.choice(seeds)
    case = mutate(s, rng)
    case["seed"] = s["name"]
    case["i"] = i
    case["rng_tail"] = rng.random()
    return case


def materialise(case: dict, workdir: Path) -> str:
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    if case["pack"] == "file":
        name, data = next(iter(case["files"].items()))
        p = workdir / Path(name).name
        p.write_bytes(data)
        return str(p)
    if case["pack"] == "dir":
        root = workdir / "export"
        root.mkdir()
        for k, v in case["files"].items():
            p = root / k
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(v)
        tgt = case.get("target")
        if tgt and tgt in case["files"]:
            return str(root / tgt)
        return str(root)
    zp = workdir / "export.zip"
    buf = io.BytesIO()
    comp = zipfile.ZIP_STORED if case.get("stored") else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buf, "w", comp) as zf:
        if case.get("dir_entries"):
            dirs = sorted({k.rsplit("/", 1)[0] + "/" for k in case["files"] if "/" in k}) or ["empty/"]
            for dname in dirs:
                zf.writestr(zipfile.ZipInfo(dname), b"")
        for k, v in case["files"].items():
            zf.writestr(k, v)
    raw = buf.getvalue()
    mut = case.get("raw_mut")
    if mut:
        r = random.Random(case["rng_tail"])
        if mut == "rawzip_flip" and raw:
            b = bytearray(raw)
            for _ in range(r.choice([1, 3, 10])):
                b[r.randrange(len(b))] = r.randrange(256)
            raw = bytes(b)
        elif mut == "rawzip_truncate" and raw:
            raw = raw[:r.randrange(len(raw))]
    zp.write_bytes(raw)
    return str(zp)


# ------------------------------------------------------------------------------------------ worker
_LOST_WORDS = ("ignored", "dropped", "averaged", "merged", "cut", "incomplete", "repeated", "sorted", "interpolated",
               "not data", "skipped")
#: mutations after which duration, rate and |a| may rightly differ from the seed's (rows or values changed)
_VALUE_CHANGING = ("truncate", "lines_delete", "scale_", "special_", "col_", "header_", "byte_flip", "insert_junk",
                   "long_", "cont_")


def _numeric_lines(path: str) -> int | None:
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    data = data.replace(b"\xef\xbb\xbf", b"")
    # a data row: starts like a number or a date and holds at least two separators
    return sum(1 for l in re.split(rb"\r\n|\r|\n", data)
               if re.match(rb'^\s*"?[-+.]?\d', l) and len(re.findall(rb"[,;\t]", l)) >= 2)


def run_input(path: str, options: dict) -> dict:
    import warnings as pywarnings

    import numpy as np

    import imu_gait
    from imu_gait.errors import ImuGaitError

    out: dict = {}
    stage = "read"
    with pywarnings.catch_warnings(record=True) as caught:
        pywarnings.simplefilter("always")
        try:
            rec = imu_gait.read(path, **options)
            t, acc, gyro = rec.time_s, rec.acc_mps2, rec.gyro_rads
            problems = []
            if not (np.all(np.isfinite(t)) and np.all(np.isfinite(acc)) and (gyro is None or np.all(np.isfinite(gyro)))):
                problems.append("NaN/inf in the recording arrays")
            if t.size > 1 and not np.all(np.diff(t) > 0):
                problems.append("time not strictly increasing")
            if acc.shape != (t.size, 3) or (gyro is not None and gyro.shape != acc.shape):
                problems.append("array shapes")
            # (a named member of a phyphox / Sensor Logger export other than its acceleration file, e.g.
            # Gyroscope.csv, reads the whole export: its own rows say nothing of the samples)
            own_rows = rec.meta.get("format") in ("native", "geneactiv", "generic", "androsensor") or \
                re.search(r"acc", os.path.basename(path), re.I)
            if os.path.isfile(path) and not zipfile.is_zipfile(path) and own_rows:
                rows = _numeric_lines(path)
                lost_noted = any(w in s for s in rec.warnings for w in _LOST_WORDS)
                if rows is not None and rec.n_samples < rows and not lost_noted:
                    problems.append(f"{rows - rec.n_samples} of {rows} data rows lost without a warning")
                if rows is not None and rec.n_samples > rows:
                    problems.append(f"{rec.n_samples} samples from {rows} data rows")
            # per-row values (time, acc, gyro) for the compare-with-seed check of values in the wrong columns
            out["rows"] = np.column_stack([t, acc] + ([gyro] if gyro is not None else [])).astype(np.float64)
            mag = float(np.median(np.linalg.norm(acc, axis=1)))
            out.update(n=int(rec.n_samples), duration=float(rec.duration_s), rate=float(rec.sample_rate_hz), mag=mag,
                       gyro=gyro is not None, n_warnings=len(rec.warnings), warnings=rec.warnings[:6])
            stage = "analyze"
            res = imu_gait.analyze(rec)
            out.update(n_steps=int(res.summary.get("n_steps", -1)) if hasattr(res, "summary") and isinstance(res.summary, dict) else None)
            out["status"] = "implausible" if problems else "ok"
            out["problems"] = problems
        except ImuGaitError as exc:
            msg = str(exc)
            out.update(status="clean", etype=type(exc).__name__, msg=msg[:600], stage=stage,
                       names_path=os.path.basename(path.rstrip("/")) in msg or "export" in msg)
        except Exception as exc:  # noqa: BLE001 — that is the point: any other exception is a bug
            frames = traceback.extract_tb(exc.__traceback__)
            ours = [f for f in frames if "imu_gait" in f.filename]
            last = ours[-1] if ours else frames[-1]
            where = f"{os.path.relpath(last.filename, ROOT) if 'imu_gait' in last.filename else last.filename}:" \
                    f"{last.lineno} {last.name}"
            out.update(status="raw", etype=type(exc).__name__, msg=str(exc)[:400], stage=stage, where=where,
                       tb=traceback.format_exc()[-3000:])
        except RecursionError as exc:  # pragma: no cover
            out.update(status="raw", etype="RecursionError", msg=str(exc)[:200], stage=stage, where="?")
    out["pywarnings"] = sorted({f"{w.category.__name__}: {str(w.message)[:80]}" for w in caught
                                if "imu_gait" in (w.filename or "")})[:3]
    return out


def worker_main(conn) -> None:
    import imu_gait  # noqa: F401  (import once)
    import imu_gait.engine  # noqa: F401
    while True:
        msg = conn.recv()
        if msg is None:
            return
        path, options = msg
        conn.send(run_input(path, options))


class Slot:
    def __init__(self, ctx):
        self.ctx = ctx
        self.start()

    def start(self):
        self.parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=worker_main, args=(child,), daemon=True)
        self.proc.start()

    def run(self, path: str, options: dict, timeout: float) -> dict:
        t0 = time.monotonic()
        self.parent.send((path, options))
        if self.parent.poll(timeout):
            try:
                res = self.parent.recv()
            except EOFError:
                res = {"status": "raw", "etype": "WorkerDied", "msg": f"exit code {self.proc.exitcode}",
                       "where": "worker", "stage": "?"}
                self.proc.join(1)
                self.start()
        else:
            self.proc.kill()
            self.proc.join(5)
            self.start()
            res = {"status": "hang", "msg": f"no answer within {timeout:.0f} s"}
        res["secs"] = round(time.monotonic() - t0, 3)
        return res

    def stop(self):
        try:
            self.parent.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.proc.join(2)
        if self.proc.is_alive():
            self.proc.kill()


# ------------------------------------------------------------------------------------------ driver
def plausibility_vs_seed(res: dict, base: dict | None, ops: list[str]) -> None:
    """Only for mutations that keep every value (encodings, line ends, quotes, separators, blank lines):
    the recording must then come out like the seed's, or a warning must say why."""
    if res.get("status") != "ok" or not base or base.get("status") != "ok":
        return
    if any(op.startswith(_VALUE_CHANGING) for op in ops):
        return
    if res.get("n_warnings"):
        return
    probs = []
    for key, lim in (("duration", 2.0), ("rate", 2.0), ("mag", 1.5)):
        a, b = res.get(key), base.get(key)
        if a and b and not (1 / lim <= a / b <= lim):
            probs.append(f"{key} {a:.4g} vs seed {b:.4g} without any warning")
    if probs:
        res["status"] = "implausible"
        res["problems"] = res.get("problems", []) + probs


#: mutations after which a row's values may no longer be compared with the seed's row at the same time:
#: all values rescaled, columns renamed / reordered / dropped (read by name, they may rightly differ), or
#: another member of an export read
_ROWS_INCOMPARABLE = ("scale_", "col_", "header_", "cont_")


def shifted_rows_vs_seed(res: dict, base: dict | None, ops: list[str]) -> None:
    """Values in the wrong columns: a row of the mutated input (matched to the seed's by its time stamp,
    after the best common offset — a reader may count time from the first row) whose x/y/z/gyro hold,
    in two or more places, values the seed's same row has in *other* columns. A mutation changes one
    value at a time (a flipped byte, a special number); a shift moves a run of them."""
    import numpy as np
    rows, seed_rows = res.get("rows"), (base or {}).get("rows")
    if res.get("status") != "ok" or rows is None or seed_rows is None or len(rows) < 3:
        return
    if any(op.startswith(_ROWS_INCOMPARABLE) for op in ops) or rows.shape[1] != seed_rows.shape[1]:
        return
    ts, tm = seed_rows[:, 0], rows[:, 0]
    order = np.argsort(ts, kind="stable")
    ts_sorted = ts[order]
    tol = 1e-6 * max(1.0, float(np.max(np.abs(ts))))
    best = None
    for d in {round(float(tm[a] - ts[b]), 9) for a in range(min(3, len(tm))) for b in range(min(60, len(ts)))}:
        j = np.clip(np.searchsorted(ts_sorted, tm - d), 1, len(ts_sorted) - 1)
        j = np.where(np.abs(ts_sorted[j - 1] - (tm - d)) < np.abs(ts_sorted[j] - (tm - d)), j - 1, j)
        hit = np.abs(ts_sorted[j] - (tm - d)) <= tol
        # on a regular grid many offsets match every time stamp: the right one also matches the values
        same = hit & np.all(np.isclose(rows[:, 1:], seed_rows[order[j], 1:], rtol=1e-9, atol=1e-12), axis=1)
        if best is None or (same.sum(), hit.sum()) > best[0]:
            best = ((int(same.sum()), int(hit.sum())), j, hit)
    if best is None or best[0][0] < 0.5 * len(tm):
        return
    _, j, hit = best
    mine, seeds = rows[hit, 1:], seed_rows[order[j[hit]], :]
    vals = seeds[:, 1:]
    close = lambda a, b: np.isclose(a, b, rtol=1e-9, atol=0.0) & (a != 0)      # noqa: E731
    differs = ~np.isclose(mine, vals, rtol=1e-9, atol=1e-12)
    # value k of the mutated row equals, in the seed's same row, a value of another column (time included)
    from_other = np.zeros_like(differs)
    for k in range(mine.shape[1]):
        others = [c for c in range(seeds.shape[1]) if c != k + 1]
        from_other[:, k] = np.any([close(mine[:, k], seeds[:, c]) for c in others], axis=0)
    bad = np.flatnonzero((differs & from_other).sum(axis=1) >= 2)
    if bad.size:
        res["status"] = "implausible"
        res["problems"] = res.get("problems", []) + [
            f"{bad.size} row(s) with values from other columns of the seed's row (first at t={rows[hit][bad[0], 0]:.6g})"]


def signature(case: dict, res: dict) -> str:
    st = res["status"]
    if st == "raw":
        return f"raw {res.get('etype')} at {res.get('where')} ({res.get('stage')})"
    if st == "hang":
        return f"hang {case['seed']} {sorted({o.split('@')[0] for o in case['ops']})}"
    if st == "implausible":
        return "implausible " + "; ".join(re.sub(r"[\d.]+", "N", p) for p in res.get("problems", []))
    return st


def save_case(case: dict, res: dict, out_dir: Path, tag: str) -> Path:
    d = out_dir / f"{tag}_{case['i']:07d}"
    path = materialise(case, d / "input")
    (d / "result.json").write_text(json.dumps({"case": {k: v for k, v in case.items() if k != "files"},
                                               "path": path, "result": res}, indent=1, default=str))
    return Path(path)


def cli_check(path: str, options: dict) -> dict:
    exe = ROOT / ".venv" / "bin" / "imu-gait"
    cmd = [str(exe), "analyze", path, "-q"]
    flag = {"time_col": "--time-col", "time_unit": "--time-unit", "acc_cols": "--acc-cols", "acc_unit": "--acc-unit",
            "gyro_cols": "--gyro-cols", "gyro_unit": "--gyro-unit"}
    for k, v in options.items():
        cmd += [flag[k], ",".join(map(str, v)) if isinstance(v, list) else str(v)]
    with tempfile.TemporaryDirectory() as td:
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=td)
        except subprocess.TimeoutExpired:
            return {"rc": None, "traceback": False, "stderr": "timeout"}
    err = p.stderr.strip()
    return {"rc": p.returncode, "traceback": "Traceback" in err, "stderr": err[-600:],
            "paragraphs": len([b for b in re.split(r"\n\s*\n", err) if b.strip()])}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Classes: ok, clean (ImuGaitError), raw (bug), hang (bug), implausible (bug).")
    ap.add_argument("--seconds", type=float, default=120.0, help="how long to fuzz (default 120)")
    ap.add_argument("--seed", type=int, default=1, help="random seed; case i is reproducible from (seed, i)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per input before it counts as a hang")
    ap.add_argument("--rows", type=int, default=700, help="data rows kept from each seed file (default 700)")
    ap.add_argument("--out-dir", default=os.path.join(tempfile.gettempdir(), "fuzz_readers_out"),
                    help="where bug inputs are kept (default: $TMP/fuzz_readers_out)")
    ap.add_argument("--replay", type=int, action="append", help="re-run case I of --seed (repeatable) and keep it")
    ap.add_argument("--cli-samples", type=int, default=12, help="bug/clean inputs also run through imu-gait analyze")
    ap.add_argument("--no-write", action="store_true", help="do not write benchmarks/results/fuzz_readers.md")
    ap.add_argument("--list-seeds", action="store_true")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    seeds = build_seeds(args.rows)
    if args.list_seeds:
        for s in seeds:
            print(s["name"], s["pack"], sorted(s["files"]), s["options"])
        return 0
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = mp.get_context("fork")

    if args.replay:
        slot = Slot(ctx)
        replay_bases = {}
        for i in args.replay:                       # the seeds' parse, for the wrong-columns check
            name = gen_case(seeds, args.seed, i)["seed"]
            if name not in replay_bases:
                s = next(x for x in seeds if x["name"] == name)
                bpath = materialise(dict(s, ops=[], i=-1), out_dir / f"base_{name}")
                replay_bases[name] = slot.run(bpath, s["options"], args.timeout)
        for i in args.replay:
            case = gen_case(seeds, args.seed, i)
            path = save_case(case, {}, out_dir, "replay")
            res = slot.run(str(path), case["options"], args.timeout)
            shifted_rows_vs_seed(res, replay_bases.get(case["seed"]), case["ops"])
            res.pop("rows", None)
            print(json.dumps({"i": i, "seed": case["seed"], "ops": case["ops"], "path": str(path),
                              "options": case["options"], "result": res}, indent=1, default=str))
        slot.stop()
        return 0

    # the unmutated seeds first: they must read (baseline for the plausibility checks)
    base_slot = Slot(ctx)
    baselines = {}
    tmp_root = Path(tempfile.mkdtemp(prefix="fuzz_readers_"))
    for s in seeds:
        c = dict(s, ops=[], i=-1)
        path = materialise(c, tmp_root / "base")
        baselines[s["name"]] = base_slot.run(path, s["options"], args.timeout)
        if baselines[s["name"]]["status"] != "ok":
            print(f"warning: seed {s['name']} does not read: {baselines[s['name']]}", file=sys.stderr)
    base_slot.stop()

    counts: Counter = Counter()
    by_seed: dict[str, Counter] = defaultdict(Counter)
    by_op: dict[str, Counter] = defaultdict(Counter)
    bugs: dict[str, dict] = {}
    clean_samples: list[tuple[dict, dict]] = []
    clean_msgs: Counter = Counter()
    clean_example: dict[str, tuple[int, str, str]] = {}
    unnamed: Counter = Counter()
    lock = threading.Lock()
    next_i = [0]
    deadline = time.monotonic() + args.seconds
    t_start = time.monotonic()

    def loop(k: int):
        slot = Slot(ctx)
        wd = tmp_root / f"w{k}"
        try:
            while time.monotonic() < deadline:
                with lock:
                    i = next_i[0]
                    next_i[0] += 1
                try:
                    case = gen_case(seeds, args.seed, i)
                    path = materialise(case, wd)
                except Exception:  # noqa: BLE001 — a harness bug must not stop the run; it is counted
                    traceback.print_exc()
                    with lock:
                        counts["skipped"] += 1
                    continue
                res = slot.run(path, case["options"], args.timeout)
                plausibility_vs_seed(res, baselines.get(case["seed"]), case["ops"])
                shifted_rows_vs_seed(res, baselines.get(case["seed"]), case["ops"])
                res.pop("rows", None)
                st = res["status"]
                with lock:
                    counts[st] += 1
                    by_seed[case["seed"]][st] += 1
                    for op in case["ops"]:
                        by_op[re.sub(r"@.*", "", op)][st] += 1
                    if st == "clean":
                        first_line = res["msg"].split("\n")[0]
                        key = re.sub(r"^.*?: ", "", re.sub(r"[\d.]+", "N", first_line))[:90]
                        clean_msgs[key] += 1
                        clean_example.setdefault(key, (i, case["seed"], res["msg"][:600]))
                        if not res.get("names_path") and res.get("stage") == "read":
                            unnamed[first_line[:100]] += 1
                        if len(clean_samples) < 200 and random.Random(i).random() < 0.05:
                            clean_samples.append((case, res))
                    if st in ("raw", "hang", "implausible"):
                        sig = signature(case, res)
                        b = bugs.setdefault(sig, {"count": 0, "first": None, "seeds": Counter(), "ops": Counter()})
                        b["count"] += 1
                        b["seeds"][case["seed"]] += 1
                        for op in case["ops"]:
                            b["ops"][re.sub(r"@.*", "", op)] += 1
                        if b["first"] is None or len(case["ops"]) < len(b["first"]["ops"]):
                            saved = save_case(case, res, out_dir, "bug")
                            b["first"] = {"i": i, "ops": case["ops"], "seed": case["seed"], "path": str(saved),
                                          "options": case["options"], "res": res}
        finally:
            slot.stop()

    threads = [threading.Thread(target=loop, args=(k,)) for k in range(args.jobs)]
    for th in threads:
        th.start()
    last_report = time.monotonic()
    while any(th.is_alive() for th in threads):
        time.sleep(1.0)
        if time.monotonic() - last_report > 30:
            last_report = time.monotonic()
            with lock:
                print(f"[{time.monotonic() - t_start:5.0f} s] {sum(counts.values())} inputs {dict(counts)} "
                      f"{len(bugs)} bug signature(s)", file=sys.stderr, flush=True)
    for th in threads:
        th.join()
    elapsed = time.monotonic() - t_start
    total = sum(counts.values())

    # CLI: the bug inputs and a sample of clean errors must give rc != 0, one message, no traceback
    cli_rows = []
    picks = [(b["first"]["path"], b["first"]["options"], sig) for sig, b in bugs.items() if b["first"]][:args.cli_samples]
    for case, res in clean_samples[:args.cli_samples]:
        p = save_case(case, res, out_dir, "clean")
        picks.append((str(p), case["options"], "clean: " + res["msg"].split("\n")[0][:80]))
    for path, options, what in picks:
        r = cli_check(path, options)
        cli_rows.append((what, path, r))
    shutil.rmtree(tmp_root, ignore_errors=True)

    lines = [
        "# Reader fuzzing (benchmarks/fuzz_readers.py)", "",
        f"Command: `.venv/bin/python benchmarks/fuzz_readers.py --seconds {args.seconds:g} --seed {args.seed} "
        f"--jobs {args.jobs} --timeout {args.timeout:g} --rows {args.rows}`  ",
        f"Run: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}, {elapsed:.0f} s wall, {total} inputs "
        f"({total / max(elapsed, 1e-9):.1f}/s), {len(seeds)} seeds, per-input timeout {args.timeout:g} s.  ",
        f"Replay one input: `.venv/bin/python benchmarks/fuzz_readers.py --seed {args.seed} --replay I` "
        "(I = case number below; the input is kept in the out dir).", "",
        "## Classification", "", "| class | inputs |", "|---|---:|"]
    for st in ("ok", "clean", "raw", "hang", "implausible", "skipped"):
        lines.append(f"| {st} | {counts.get(st, 0)} |")
    lines += ["", "`raw`, `hang` and `implausible` are bugs; `clean` is an `ImuGaitError` (the wanted outcome for bad input).",
              "", "## Bug signatures", ""]
    if not bugs:
        lines.append("None found in this run.")
    for sig, b in sorted(bugs.items(), key=lambda kv: -kv[1]["count"]):
        f = b["first"]
        lines += [f"### {sig}", "",
                  f"- {b['count']} input(s); seeds {dict(b['seeds'].most_common(4))}; mutations {dict(b['ops'].most_common(5))}",
                  f"- smallest example: case {f['i']} (seed {f['seed']}, ops {f['ops']}); `--replay {f['i']}`",
                  f"- message: `{(f['res'].get('msg') or '; '.join(f['res'].get('problems', [])))[:300]}`", ""]
    lines += ["## Clean errors: most frequent messages", "", "| inputs | message (numbers as N) |", "|---:|---|"]
    for msg, n in clean_msgs.most_common(25):
        lines.append(f"| {n} | {msg.replace('|', '/')} |")
    lines += ["", f"Clean read errors whose message does not name the input: {sum(unnamed.values())}", ""]
    for msg, n in unnamed.most_common(8):
        lines.append(f"- {n}× `{msg}`")
    lines += ["", "## Outcome per seed", "", "| seed | ok | clean | raw | hang | implausible |", "|---|---:|---:|---:|---:|---:|"]
    for s in seeds:
        c = by_seed.get(s["name"], Counter())
        lines.append(f"| {s['name']} | {c['ok']} | {c['clean']} | {c['raw']} | {c['hang']} | {c['implausible']} |")
    lines += ["", "## Outcome per mutation", "", "| mutation | ok | clean | raw | hang | implausible |",
              "|---|---:|---:|---:|---:|---:|"]
    for op, c in sorted(by_op.items()):
        lines.append(f"| {op} | {c['ok']} | {c['clean']} | {c['raw']} | {c['hang']} | {c['implausible']} |")
    lines += ["", "## CLI check (`imu-gait analyze FILE -q`)", "",
              "| input | rc | traceback | message paragraphs | stderr (end) |", "|---|---:|---|---:|---|"]
    for what, path, r in cli_rows:
        tail = r["stderr"].replace("\n", " ⏎ ").replace("|", "/")[-160:]
        lines.append(f"| {what[:70].replace('|', '/')} | {r['rc']} | {r['traceback']} | {r.get('paragraphs', '')} | {tail} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "fuzz_readers.md").write_text(text)
        (RESULTS / "fuzz_readers.json").write_text(json.dumps(
            {"command": lines[2], "elapsed_s": elapsed, "inputs": total, "counts": counts,
             "bugs": {k: {**v, "seeds": dict(v["seeds"]), "ops": dict(v["ops"])} for k, v in bugs.items()},
             # every distinct clean message (numbers as N) with its count and one (case, seed, full message)
             "clean_messages": [{"n": n, "message": m, "case": clean_example[m][0], "seed": clean_example[m][1],
                                 "example": clean_example[m][2]} for m, n in clean_msgs.most_common()]},
            indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
