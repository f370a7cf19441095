"""What the streaming engine keeps as a live session runs for hours (memory audit s36).

A live monitor feeds the engine every 0.1 s of samples, so most feeds give one step row or none. Each batch of rows
was a dict of ~30 column arrays (~3 kB of Python and numpy overhead for one row) and nothing joined them until a
standing or a flag judgement built the table: a continuous walk fed that way grew the engine 19 MB an hour (RSS,
0.5-s feeds, /tmp/review_mem_s36/FINDINGS.md). The rows the result needs are ~30 float columns: ~300 bytes a step.
"""
from __future__ import annotations

import gc
import sys
import tracemalloc

import numpy as np

from imu_gait import GaitEngine
from imu_gait.engine import MERGE_BATCH_MAX_ROWS
from imu_gait.synthetic import synthesize_walk


def _walk():
    # one continuous walk: no standing in it, so nothing but the engine's own bookkeeping joins the batches
    rec, _ = synthesize_walk(480, seed=1, stand_s=0, stand_end_s=0, mount_euler_deg=(20, 70, 10))
    return rec


def _feed(eng: GaitEngine, rec, start: int, stop: int, n: int) -> None:
    for i in range(start, stop, n):
        sl = slice(i, min(i + n, stop))
        eng.feed(rec.time_s[sl], rec.acc_mps2[sl], rec.gyro_rads[sl])


def _store_bytes(eng: GaitEngine) -> int:
    """What the engine's step-row batches hold: each dict and its arrays (data included: joined arrays own it)."""
    return sum(sys.getsizeof(b) + sum(sys.getsizeof(v) for v in b.values()) for b in eng._batches)


def test_rows_fed_in_small_chunks_cost_a_few_hundred_bytes_each():
    """Truth: each row kept is ~31 float64 values (STEP_COLUMNS and the engine's own per-row evidence): 248 B.
    Bounds, for a continuous walk fed in 0.5-s chunks as live does (a row or two per feed):
    - the row batches hold < 400 B per row (before the fix ~5,000 B: one dict of ~30 arrays per row), and number
      at most ~log2(rows) + rows / MERGE_BATCH_MAX_ROWS (before: one per feed that gave a row);
    - the whole engine grows < 2,000 B per row from minute 2 to 8 (tracemalloc; per-minute wear sums joined first,
      they are bounded; 1,430 B now, ~580 B of it the 30-s sample buffer filling, bounded too; 5,520 B before)."""
    rec = _walk()
    eng = GaitEngine(rec.sample_rate_hz, has_gyro=True)     # emit_rows True, as live
    n = int(0.5 * rec.sample_rate_hz)
    warm = int(120 * rec.sample_rate_hz)
    _feed(eng, rec, 0, warm, n)
    eng._minutes._merge()
    gc.collect()
    tracemalloc.start()
    try:
        before, rows0 = tracemalloc.get_traced_memory()[0], eng._n_rows
        _feed(eng, rec, warm, rec.n_samples, n)
        eng._minutes._merge()
        gc.collect()
        grown, rows = tracemalloc.get_traced_memory()[0] - before, eng._n_rows - rows0
    finally:
        tracemalloc.stop()
    assert rows > 500, rows                     # a walk of 6 min: ~660 steps
    assert _store_bytes(eng) / eng._n_rows < 400, f"{_store_bytes(eng) / eng._n_rows:.0f} B per row in batches"
    bound = np.log2(max(eng._n_rows, 2)) + eng._n_rows / MERGE_BATCH_MAX_ROWS + 2
    assert len(eng._batches) <= bound, (len(eng._batches), eng._n_rows)
    assert grown / rows < 2000, f"{grown / rows:.0f} B per step row"


def test_joined_batches_give_the_same_table_bit_for_bit():
    """Truth: the step table does not depend on how the rows were batched — the same walk fed in the same 0.2-s
    chunks, its batches joined as they come or (the join switched off) one per feed: every column equal, NaNs
    where NaNs, and the same rows given live."""
    rec = _walk()
    out = []
    for join in (True, False):
        eng = GaitEngine(rec.sample_rate_hz, has_gyro=True)
        if not join:
            eng._merge_small_batches = lambda: None
        rows = []
        for i in range(0, rec.n_samples, 20):
            rows += eng.feed(rec.time_s[i:i + 20], rec.acc_mps2[i:i + 20], rec.gyro_rads[i:i + 20]).rows
        n_batches = len(eng._batches)
        out.append((eng.finish().steps, rows, n_batches))
    (joined, rows_j, nb_j), (apart, rows_a, nb_a) = out
    assert len(joined) > 500 and nb_j < 20 < nb_a
    assert joined.equals(apart)
    assert len(rows_j) == len(rows_a) and all(
        a.keys() == b.keys() and all(a[k] == b[k] or (a[k] != a[k] and b[k] != b[k]) for k in a)
        for a, b in zip(rows_j, rows_a))
