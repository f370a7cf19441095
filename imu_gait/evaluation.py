"""Scoring of detected gait events against a reference (pure numpy, no I/O).

Used by the accuracy benchmark (``benchmarks/accuracy.py``) and by the test suite's
regression checks. All times are in seconds on one common time axis; windows are
``(start_s, end_s)`` pairs, closed intervals.

Matching rule (the one used throughout): one-to-one, nearest first. A detection and a
reference event can only be paired when ``|t_det - t_ref| <= tol_s``; among candidates the
closest pairs are taken first (greedy on distance, which equals iterated mutual-nearest-
neighbour matching). Every detection and every reference event is used at most once.

Windowed scoring: the match is always computed on the *whole* event lists first; a
window then decides which outcomes are counted: a true positive or a miss counts when its
reference event lies in a window, a false positive when the detection lies in a window.
This avoids edge artefacts (a contact detected 30 ms after a window's end still matches
the reference contact just inside it).
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

__all__ = [
    "match_events", "ic_outcomes", "ic_counts", "scores_from_counts", "ic_scores", "pool_scores",
    "as_windows", "merge_windows", "in_windows", "windows_duration_s", "complement_windows",
    "subtract_windows", "lost_contact_spans",
    "cadence_from_ics_spm", "bout_cadence_errors_spm", "step_count_error_pct",
    "false_steps_per_min", "stride_length_errors_m", "stride_length_errors_by_reference", "stride_speed_errors_mps",
]

DEFAULT_TOL_S = 0.25


# ---- matching -------------------------------------------------------------------------
def _nearest_index(sorted_values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Index of the nearest element of ``sorted_values`` (non-empty, ascending) for each query."""
    pos = np.searchsorted(sorted_values, query)
    left = np.clip(pos - 1, 0, sorted_values.size - 1)
    right = np.clip(pos, 0, sorted_values.size - 1)
    take_right = np.abs(sorted_values[right] - query) < np.abs(query - sorted_values[left])
    return np.where(take_right, right, left)


def match_events(detected_s: Sequence[float] | np.ndarray, reference_s: Sequence[float] | np.ndarray,
                 tol_s: float = DEFAULT_TOL_S) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-to-one nearest matching of detected to reference event times.

    Parameters
    ----------
    detected_s, reference_s : event times in seconds (any order; NaN entries are ignored,
        i.e. never matched and never reported as fp/fn).
    tol_s : largest |detected - reference| in seconds for a pair to count as a match.

    Returns
    -------
    tp_pairs : (K, 2) int array of ``(detected_index, reference_index)`` into the inputs,
        sorted by reference time.
    fp : int array of indices of unmatched detections (false positives).
    fn : int array of indices of unmatched reference events (misses).

    Runs in O((n + m) log(n + m)) per round; rounds repeat only while a mutual-nearest pair
    was blocked by a closer one, which is rare for step sequences (typically 1–3 rounds).
    """
    det = np.asarray(detected_s, dtype=np.float64).ravel()
    ref = np.asarray(reference_s, dtype=np.float64).ravel()
    det_idx = np.flatnonzero(np.isfinite(det))
    ref_idx = np.flatnonzero(np.isfinite(ref))
    det_idx = det_idx[np.argsort(det[det_idx], kind="stable")]
    ref_idx = ref_idx[np.argsort(ref[ref_idx], kind="stable")]
    pairs: list[np.ndarray] = []
    while det_idx.size and ref_idx.size:
        d, r = det[det_idx], ref[ref_idx]
        near_r = _nearest_index(r, d)          # for each remaining detection: nearest reference
        near_d = _nearest_index(d, r)          # for each remaining reference: nearest detection
        mutual = near_d[near_r] == np.arange(d.size)
        close = np.abs(r[near_r] - d) <= tol_s
        take = mutual & close
        if not take.any():
            break
        di = np.flatnonzero(take)
        ri = near_r[di]
        pairs.append(np.stack([det_idx[di], ref_idx[ri]], axis=1))
        keep_d = np.ones(d.size, bool)
        keep_d[di] = False
        keep_r = np.ones(r.size, bool)
        keep_r[ri] = False
        det_idx, ref_idx = det_idx[keep_d], ref_idx[keep_r]
        # Stop early when no remaining detection has any reference within tolerance.
        if det_idx.size and ref_idx.size:
            rr = ref[ref_idx]
            gap = np.abs(rr[_nearest_index(rr, det[det_idx])] - det[det_idx])
            if not np.any(gap <= tol_s):
                break
    tp = np.concatenate(pairs) if pairs else np.empty((0, 2), dtype=np.int64)
    tp = tp[np.argsort(ref[tp[:, 1]], kind="stable")] if tp.size else tp.astype(np.int64)
    return tp.astype(np.int64), np.sort(det_idx).astype(np.int64), np.sort(ref_idx).astype(np.int64)


# ---- windows --------------------------------------------------------------------------
def as_windows(windows: Iterable[Sequence[float]] | np.ndarray | None) -> np.ndarray:
    """``(W, 2)`` float array of ``(start_s, end_s)``; empty ``(0, 2)`` for None/empty."""
    if windows is None:
        return np.empty((0, 2))
    w = np.asarray(list(windows) if not isinstance(windows, np.ndarray) else windows, dtype=np.float64)
    if w.size == 0:
        return np.empty((0, 2))
    w = w.reshape(-1, 2)
    if np.any(w[:, 1] < w[:, 0]):
        raise ValueError("a window ends before it starts")
    return w


def merge_windows(windows, pad_s: float = 0.0) -> np.ndarray:
    """Sort windows, widen each by ``pad_s`` on both sides, and merge the overlapping ones."""
    w = as_windows(windows).copy()
    if w.size == 0:
        return w
    w[:, 0] -= pad_s
    w[:, 1] += pad_s
    w = w[np.argsort(w[:, 0], kind="stable")]
    run_end = np.maximum.accumulate(w[:, 1])
    new = np.r_[True, w[1:, 0] > run_end[:-1]]
    starts = w[new, 0]
    group = np.cumsum(new) - 1
    ends = np.full(starts.size, -np.inf)
    np.maximum.at(ends, group, w[:, 1])
    return np.stack([starts, ends], axis=1)


def in_windows(times_s, windows) -> np.ndarray:
    """Boolean mask: which times lie inside any window (closed intervals)."""
    t = np.asarray(times_s, dtype=np.float64).ravel()
    w = merge_windows(windows)
    if w.size == 0:
        return np.zeros(t.size, dtype=bool)
    k = np.searchsorted(w[:, 0], t, side="right") - 1
    ok = k >= 0
    out = np.zeros(t.size, dtype=bool)
    out[ok] = t[ok] <= w[k[ok], 1]
    return out


def windows_duration_s(windows) -> float:
    """Total time covered by the (merged) windows, in seconds."""
    w = merge_windows(windows)
    return float(np.sum(w[:, 1] - w[:, 0])) if w.size else 0.0


def complement_windows(windows, start_s: float, end_s: float) -> np.ndarray:
    """The parts of ``[start_s, end_s]`` not covered by any window."""
    w = merge_windows(windows)
    w = w[(w[:, 1] > start_s) & (w[:, 0] < end_s)] if w.size else w
    edges_start = np.r_[start_s, w[:, 1]] if w.size else np.array([start_s])
    edges_end = np.r_[w[:, 0], end_s] if w.size else np.array([end_s])
    out = np.stack([np.maximum(edges_start, start_s), np.minimum(edges_end, end_s)], axis=1)
    return out[out[:, 1] > out[:, 0]]


def subtract_windows(windows, minus) -> np.ndarray:
    """The parts of ``windows`` not covered by ``minus`` (both lists of ``(start_s, end_s)``)."""
    w = merge_windows(windows)
    parts = [complement_windows(minus, a, b) for a, b in w]
    return np.concatenate(parts) if parts else np.empty((0, 2))


def lost_contact_spans(ic_s, start_s: float, end_s: float, tol_s: float = DEFAULT_TOL_S) -> np.ndarray:
    """Spans of a bout where the reference lost a contact it knows happened (NaN in its ordered
    list of contact times), as ``(start_s, end_s)`` windows: from the previous valid contact
    + ``tol_s`` to the next valid one − ``tol_s`` (the bout edge when there is none), so that
    the valid neighbours stay scored. A detection there is neither right nor wrong: subtract
    these spans from the scored windows (:func:`subtract_windows`).
    """
    ic = np.asarray(ic_s, dtype=np.float64).ravel()
    out = []
    bad = ~np.isfinite(ic)
    k = 0
    while k < ic.size:                       # runs of NaN: a loop over contacts, not samples
        if bad[k]:
            j = k
            while j < ic.size and bad[j]:
                j += 1
            prev = ic[k - 1] + tol_s if k > 0 else start_s
            nxt = ic[j] - tol_s if j < ic.size else end_s
            if nxt > prev:
                out.append((prev, nxt))
            k = j
        else:
            k += 1
    return np.array(out, dtype=np.float64).reshape(-1, 2)


# ---- detection scores -----------------------------------------------------------------
def ic_outcomes(detected_s, reference_s, tol_s: float = DEFAULT_TOL_S,
                windows=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The outcomes of :func:`match_events` that count, as its ``(tp pairs, fp, fn)`` indices.
    With ``windows`` (``(start_s, end_s)`` pairs): a pair / a miss counts when its reference
    event is inside a window, a false positive when the detection is inside a window."""
    det = np.asarray(detected_s, dtype=np.float64).ravel()
    ref = np.asarray(reference_s, dtype=np.float64).ravel()
    tp, fp, fn = match_events(det, ref, tol_s)
    if windows is not None:
        tp = tp[in_windows(ref[tp[:, 1]], windows)] if tp.size else tp
        fp = fp[in_windows(det[fp], windows)]
        fn = fn[in_windows(ref[fn], windows)]
    return tp, fp, fn


def ic_counts(detected_s, reference_s, tol_s: float = DEFAULT_TOL_S, windows=None) -> dict:
    """Raw outcome counts of :func:`match_events`, optionally restricted to windows
    (:func:`ic_outcomes`).

    Returns ``dict(tp, fp, fn, n_det, n_ref, errors_s)`` where ``errors_s`` holds the signed
    timing errors ``detected - reference`` (s) of the counted true positives.
    """
    det = np.asarray(detected_s, dtype=np.float64).ravel()
    ref = np.asarray(reference_s, dtype=np.float64).ravel()
    tp, fp, fn = ic_outcomes(det, ref, tol_s, windows)
    errors = det[tp[:, 0]] - ref[tp[:, 1]] if tp.size else np.empty(0)
    return {"tp": int(tp.shape[0]), "fp": int(fp.size), "fn": int(fn.size),
            "n_det": int(tp.shape[0] + fp.size), "n_ref": int(tp.shape[0] + fn.size),
            "errors_s": errors}


def scores_from_counts(tp: int, fp: int, fn: int, errors_s=()) -> dict:
    """Precision, recall, F1 and timing-error statistics from outcome counts.

    Returns ``dict(precision, recall, f1, median_abs_err_ms, p95_abs_err_ms, mean_err_ms,
    n_ref, n_det, tp, fp, fn)``; a ratio with a zero denominator is NaN (F1 is 0 when there
    are reference events and nothing correct was found).
    """
    e = np.abs(np.asarray(errors_s, dtype=np.float64).ravel()) * 1000.0
    n_det, n_ref = tp + fp, tp + fn
    precision = tp / n_det if n_det else float("nan")
    recall = tp / n_ref if n_ref else float("nan")
    if tp:
        f1 = 2.0 * tp / (2.0 * tp + fp + fn)
    else:
        f1 = 0.0 if (fp + fn) else float("nan")
    signed = np.asarray(errors_s, dtype=np.float64).ravel() * 1000.0
    return {
        "precision": float(precision), "recall": float(recall), "f1": float(f1),
        "median_abs_err_ms": float(np.median(e)) if e.size else float("nan"),
        "p95_abs_err_ms": float(np.percentile(e, 95)) if e.size else float("nan"),
        "mean_err_ms": float(np.mean(signed)) if signed.size else float("nan"),
        "n_ref": int(n_ref), "n_det": int(n_det), "tp": int(tp), "fp": int(fp), "fn": int(fn),
    }


def ic_scores(detected_s, reference_s, tol_s: float = DEFAULT_TOL_S, windows=None) -> dict:
    """Initial-contact detection scores of one recording.

    ``dict(precision, recall, f1, median_abs_err_ms, p95_abs_err_ms, mean_err_ms, n_ref,
    n_det, tp, fp, fn)``; see :func:`ic_counts` for the windowing rule and
    :func:`scores_from_counts` for the definitions.
    """
    c = ic_counts(detected_s, reference_s, tol_s, windows)
    return scores_from_counts(c["tp"], c["fp"], c["fn"], c["errors_s"])


def pool_scores(counts: Iterable[dict]) -> dict:
    """Pool several :func:`ic_counts` results (micro-average: sum counts, pool errors)."""
    counts = list(counts)
    tp = sum(c["tp"] for c in counts)
    fp = sum(c["fp"] for c in counts)
    fn = sum(c["fn"] for c in counts)
    errs = np.concatenate([np.asarray(c["errors_s"], float) for c in counts]) if counts else np.empty(0)
    return scores_from_counts(tp, fp, fn, errs)


# ---- derived gait measures ------------------------------------------------------------
#: Step times outside [LOW, HIGH] × the bout's median step time are left out of the bout
#: cadence (a missed contact doubles a step time, a pause lengthens it more).
CADENCE_KEEP_LOW, CADENCE_KEEP_HIGH = 0.6, 1.6


def cadence_from_ics_spm(ic_times_s) -> float:
    """Cadence over one bout, steps/min: ``60 / mean(step time)`` over the plausible step times.

    Step times are the intervals between consecutive contacts; those outside
    ``[0.6, 1.6] ×`` their median are left out, so an isolated missed contact or a pause
    does not move the bout cadence (misses and extras are counted by F1 / step-count
    error). The mean of the kept intervals, rather than their median, keeps coarse time
    stamps (e.g. pressure pads logged every 100 ms) from quantising the result.
    NaN with fewer than two contacts.
    """
    t = np.sort(np.asarray(ic_times_s, dtype=np.float64).ravel())
    t = t[np.isfinite(t)]
    if t.size < 2:
        return float("nan")
    dt = np.diff(t)
    dt = dt[dt > 0]
    if not dt.size:
        return float("nan")
    med = np.median(dt)
    keep = (dt >= CADENCE_KEEP_LOW * med) & (dt <= CADENCE_KEEP_HIGH * med)
    return float(60.0 / np.mean(dt[keep]))


def bout_cadence_errors_spm(detected_s, reference_s, bouts, pad_s: float = DEFAULT_TOL_S) -> np.ndarray:
    """Per-bout cadence error (detected − reference), steps/min.

    For each bout ``(start_s, end_s)`` both cadences use :func:`cadence_from_ics_spm` on the
    events inside the bout widened by ``pad_s`` on each side (the same estimator for the
    tool and the reference). NaN where the tool found fewer than two contacts in the bout
    or the reference has fewer than two.
    """
    det = np.asarray(detected_s, dtype=np.float64).ravel()
    ref = np.asarray(reference_s, dtype=np.float64).ravel()
    out = []
    for a, b in as_windows(bouts):
        rc = cadence_from_ics_spm(ref[(ref >= a - pad_s) & (ref <= b + pad_s)])
        dc = cadence_from_ics_spm(det[(det >= a - pad_s) & (det <= b + pad_s)])
        out.append(dc - rc)
    return np.asarray(out, dtype=np.float64)


def step_count_error_pct(n_detected: int, n_reference: int) -> float:
    """Signed step-count error in percent of the reference count (NaN if the reference is 0)."""
    return float(100.0 * (n_detected - n_reference) / n_reference) if n_reference else float("nan")


def false_steps_per_min(detected_s, reference_s, bouts, start_s: float, end_s: float,
                        tol_s: float = DEFAULT_TOL_S) -> tuple[float, int, float]:
    """Detections outside reference walking bouts, per minute of non-walking time.

    A detection is a false step when it matches no reference event (see
    :func:`match_events`) and lies outside every bout. The non-walking time is
    ``[start_s, end_s]`` minus the bouts. Returns ``(per_min, n_false, minutes_outside)``;
    ``per_min`` is NaN when there is no time outside the bouts.
    """
    det = np.asarray(detected_s, dtype=np.float64).ravel()
    _, fp, _ = match_events(det, reference_s, tol_s)
    outside = complement_windows(bouts, start_s, end_s)
    minutes = windows_duration_s(outside) / 60.0
    n_false = int(np.sum(in_windows(det[fp], outside)))
    return (n_false / minutes if minutes > 0 else float("nan")), n_false, minutes


def stride_length_errors_m(tool_strides, ref_strides, tol_s: float = DEFAULT_TOL_S) -> np.ndarray:
    """Per-stride length error (tool − reference), metres.

    Both inputs are ``(N, 3)`` arrays of ``(start_s, end_s, length_m)``. A reference stride
    is compared with the tool stride whose start *and* end are each within ``tol_s`` of the
    reference stride's (the nearest such by summed boundary distance); reference strides
    without such a partner are skipped (they are already counted as IC misses).
    """
    tool, ref = _paired_strides(tool_strides, ref_strides, tol_s)
    return tool[:, 2] - ref[:, 2]


def stride_length_errors_by_reference(tool_strides, ref_strides,
                                      tol_s: float = DEFAULT_TOL_S) -> tuple[np.ndarray, np.ndarray]:
    """(indices into ``ref_strides`` as given, length errors m) of the reference strides paired as in
    :func:`stride_length_errors_m` — so that two tools can be compared on the strides *both* paired
    (each tool's mean error is otherwise over its own subset: a tool that pairs only easy strides
    looks better than one that pairs more)."""
    ref = np.asarray(ref_strides, dtype=np.float64).reshape(-1, 3)
    finite = np.flatnonzero(np.all(np.isfinite(ref), axis=1))
    tool = np.asarray(tool_strides, dtype=np.float64).reshape(-1, 3)
    tool = tool[np.all(np.isfinite(tool), axis=1)]
    if not tool.size or not finite.size:
        return np.empty(0, dtype=np.int64), np.empty(0)
    r = ref[finite]
    ds = np.abs(r[:, None, 0] - tool[None, :, 0])
    de = np.abs(r[:, None, 1] - tool[None, :, 1])
    cost = np.where((ds <= tol_s) & (de <= tol_s), ds + de, np.inf)
    best = np.argmin(cost, axis=1)
    ok = np.isfinite(cost[np.arange(r.shape[0]), best])
    return finite[ok], tool[best[ok], 2] - r[ok, 2]


def stride_speed_errors_mps(tool_strides, ref_strides, tol_s: float = DEFAULT_TOL_S) -> np.ndarray:
    """Per-stride walking-speed error (tool − reference), m/s: each stride's length over its own
    duration, strides paired as in :func:`stride_length_errors_m`."""
    tool, ref = _paired_strides(tool_strides, ref_strides, tol_s)
    return tool[:, 2] / (tool[:, 1] - tool[:, 0]) - ref[:, 2] / (ref[:, 1] - ref[:, 0])


def _paired_strides(tool_strides, ref_strides, tol_s: float) -> tuple[np.ndarray, np.ndarray]:
    """(tool rows, reference rows) of the paired strides (see :func:`stride_length_errors_m`)."""
    tool = np.asarray(tool_strides, dtype=np.float64).reshape(-1, 3)
    ref = np.asarray(ref_strides, dtype=np.float64).reshape(-1, 3)
    tool = tool[np.all(np.isfinite(tool), axis=1)]
    ref = ref[np.all(np.isfinite(ref), axis=1)]
    if not tool.size or not ref.size:
        return np.empty((0, 3)), np.empty((0, 3))
    ds = np.abs(ref[:, None, 0] - tool[None, :, 0])
    de = np.abs(ref[:, None, 1] - tool[None, :, 1])
    cost = np.where((ds <= tol_s) & (de <= tol_s), ds + de, np.inf)
    best = np.argmin(cost, axis=1)
    ok = np.isfinite(cost[np.arange(ref.shape[0]), best])
    return tool[best[ok]], ref[ok]
