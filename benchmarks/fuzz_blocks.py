"""Differential fuzzing of the block-by-block read of large files against the one-pass read.

    .venv/bin/python benchmarks/fuzz_blocks.py --seconds 300 --seed 1    # writes benchmarks/results/fuzz_blocks.md
    .venv/bin/python benchmarks/fuzz_blocks.py --seed 1 --replay 1234    # re-run one input, keep it on disk

Not a test: a tool that looks for inputs the two reads treat differently. A native, GENEActiv or generic
CSV over 64 MB is parsed block by block (``imu_gait.io._blocks``); each must give what the one pass gives —
the same samples, warnings and metadata, or the same error message. The inputs are benchmarks/
fuzz_readers.py's (small real recordings with 1–3 structure-aware mutations); each is read once in one
pass and once block by block with the size limit lowered to 0 and a random block size (1 byte to 64 KiB,
so block ends fall everywhere), in this process (no analysis: a read takes milliseconds).

Outcomes: ``same`` (both read, bit-identical), ``same error`` (both refused, the same message), ``other
error`` (both refused, each naming a line, but not the same fault: a file with two faults, of which the
one pass checks the structure of all rows first and the blocks one block at a time), ``differ`` (a
finding — one read and one refused, different samples or warnings, or a block error naming no line where
the one pass named one: the case is kept in ``--out-dir``).
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.fuzz_readers import build_seeds, gen_case, materialise  # noqa: E402

import imu_gait  # noqa: E402
from imu_gait.errors import ImuGaitError  # noqa: E402
from imu_gait.io import _blocks  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
#: the formats read block by block when large (others are always read whole: nothing to compare)
BLOCK_FORMATS = ("native", "geneactiv", "generic", "plain")
#: block sizes a case is read with (bytes): block ends fall inside lines, cells and line ends
BLOCK_SIZES = (1, 7, 64, 333, 4096, 65536)


def outcome(path: str, options: dict) -> tuple[str, object]:
    """('ok', (arrays, warnings, meta)) or ('error', message)."""
    try:
        rec = imu_gait.read(path, **options)
    except ImuGaitError as exc:
        return "error", str(exc)
    meta = {k: v for k, v in rec.meta.items() if k != "_validated"}
    return "ok", (rec.time_s, rec.acc_mps2, rec.gyro_rads, list(rec.warnings), meta)


def same(a: tuple[str, object], b: tuple[str, object]) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "error":
        return a[1] == b[1]
    (ta, aa, ga, wa, ma), (tb, ab, gb, wb, mb) = a[1], b[1]
    return (np.array_equal(ta, tb) and np.array_equal(aa, ab) and (ga is None) == (gb is None)
            and (ga is None or np.array_equal(ga, gb)) and wa == wb and ma == mb)


def compare(case: dict, workdir: Path) -> tuple[str, str]:
    """(result, detail) for one case."""
    path = materialise(case, workdir)
    options = case.get("options") or {}
    saved = _blocks.BLOCK_READ_ABOVE_BYTES, _blocks.READ_BLOCK_BYTES
    size = random.Random(case["rng_tail"]).choice(BLOCK_SIZES)
    try:
        whole = outcome(path, options)
        _blocks.BLOCK_READ_ABOVE_BYTES, _blocks.READ_BLOCK_BYTES = 0, size
        blocks = outcome(path, options)
    finally:
        _blocks.BLOCK_READ_ABOVE_BYTES, _blocks.READ_BLOCK_BYTES = saved
    if same(whole, blocks):
        return ("same" if whole[0] == "ok" else "same error"), ""
    folder = str(Path(path).parent) + "/"        # (the messages' paths, shown without the temporary folder)
    whole, blocks = [(k, v.replace(folder, "") if isinstance(v, str) else v) for k, v in (whole, blocks)]
    if whole[0] == blocks[0] == "error" and (", line " in blocks[1] or ", line " not in whole[1]):
        # both refused, each naming a real fault: a block is checked whole before the next is read, so with
        # two faults in a file the one pass (structure first, then values) may name the other one
        return "other error", f"one pass: {whole[1].splitlines()[0]} | blocks: {blocks[1].splitlines()[0]}"
    show = {"ok": lambda v: f"read ({len(v[0])} samples, warnings {v[3]})", "error": lambda v: f"refused: {v}"}
    return "differ", (f"block size {size}: one pass {show[whole[0]](whole[1])[:300]} | "
                      f"blocks {show[blocks[0]](blocks[1])[:300]}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rows", type=int, default=700, help="data rows kept from each seed file (default 700)")
    ap.add_argument("--out-dir", default=str(Path(tempfile.gettempdir()) / "fuzz_blocks_out"))
    ap.add_argument("--replay", type=int, action="append", help="re-run case I of --seed and keep it")
    ap.add_argument("--no-write", action="store_true", help="do not write benchmarks/results/fuzz_blocks.md")
    args = ap.parse_args(argv)
    seeds = [s for s in build_seeds(args.rows) if any(f in s["name"] for f in BLOCK_FORMATS)]
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if args.replay:
        for i in args.replay:
            case = gen_case(seeds, args.seed, i)
            print(i, case["seed"], case.get("ops"), *compare(case, out / f"case_{i}"))
        return 0
    counts: Counter = Counter()
    by_seed: Counter = Counter()
    findings: list[str] = []
    other_errors: list[str] = []
    t_end = time.monotonic() + args.seconds
    i = 0
    work = Path(tempfile.mkdtemp(prefix="fuzz_blocks_"))
    while time.monotonic() < t_end:
        case = gen_case(seeds, args.seed, i)
        result, detail = compare(case, work / "case")
        counts[result] += 1
        by_seed[case["seed"]] += 1
        if result == "other error":
            other_errors.append(f"- case {i} ({case['seed']}; {', '.join(case.get('ops', []))}): {detail}")
        if result == "differ":
            keep = out / f"case_{i}"
            materialise(case, keep)
            findings.append(f"- case {i} ({case['seed']}; {', '.join(case.get('ops', []))}): {detail}")
            print(findings[-1], flush=True)
        i += 1
    others = [d for d in other_errors[:5]]
    lines = ["# Block-by-block read against the one pass (differential fuzzing)", "",
             f"Command: `python benchmarks/fuzz_blocks.py --seconds {args.seconds:g} --seed {args.seed}`.  ",
             f"Date: {datetime.now(timezone.utc).isoformat(timespec='seconds')}. {i} inputs from the seeds "
             + ", ".join(f"{k} ({v})" for k, v in sorted(by_seed.items())) + ".", "",
             "| outcome | inputs |", "|---|---|"] + [f"| {k} | {counts[k]} |"
                                                    for k in ("same", "same error", "other error", "differ")]
    lines += ["", "`other error`: both refused the input, naming different faults (a file with two faults; "
              "each message names a line). The first few:" if others else "", *others]
    lines += ["", "Findings:" if findings else "No input was read by one and refused by the other, or read "
              "differently.", *findings, ""]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "fuzz_blocks.md").write_text(text)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
