"""Scoring functions of imu_gait.evaluation, checked against hand-computed truth and a
brute-force reference implementation of the same matching rule."""
import numpy as np
import pytest

from imu_gait import evaluation as ev


def brute_force_greedy(det, ref, tol):
    """O(n·m) reference: all pairs within tol, closest first, each event used once."""
    cand = sorted((abs(d - r), i, j) for i, d in enumerate(det) for j, r in enumerate(ref) if abs(d - r) <= tol)
    used_d, used_r, pairs = set(), set(), []
    for _, i, j in cand:
        if i not in used_d and j not in used_r:
            used_d.add(i)
            used_r.add(j)
            pairs.append((i, j))
    return set(pairs)


def test_match_exact_and_shifted():
    ref = np.arange(10) * 0.55 + 1.0
    det = ref + 0.03
    tp, fp, fn = ev.match_events(det, ref)
    assert tp.shape == (10, 2) and fp.size == 0 and fn.size == 0
    assert np.array_equal(tp[:, 0], tp[:, 1])
    s = ev.ic_scores(det, ref)
    assert s["f1"] == 1.0 and s["precision"] == 1.0 and s["recall"] == 1.0
    assert s["median_abs_err_ms"] == pytest.approx(30.0, abs=1e-9)
    assert s["mean_err_ms"] == pytest.approx(30.0, abs=1e-9)


def test_match_takes_nearest_not_first():
    # detection at 1.00: refs at 0.90 (0.10 away) and 1.05 (0.05 away) -> pairs with 1.05
    tp, fp, fn = ev.match_events([1.0], [0.9, 1.05], tol_s=0.25)
    assert tp.tolist() == [[0, 1]]
    assert fp.tolist() == [] and fn.tolist() == [0]


def test_match_one_to_one_double_detection():
    # two detections around one reference: only the closer one is a TP, the other a FP
    tp, fp, fn = ev.match_events([2.00, 2.12], [2.10])
    assert tp.tolist() == [[1, 0]] and fp.tolist() == [0] and fn.size == 0
    s = ev.ic_scores([2.00, 2.12], [2.10])
    assert s["precision"] == 0.5 and s["recall"] == 1.0
    assert s["f1"] == pytest.approx(2 / 3)


def test_tolerance_boundary_and_unsorted_input_indices():
    ref = np.array([5.0, 1.0, 3.0])           # unsorted on purpose
    det = np.array([3.25, 0.70, 5.1])          # 3.25 is exactly at the tolerance, 0.70 is 0.30 away
    tp, fp, fn = ev.match_events(det, ref, tol_s=0.25)
    assert {tuple(p) for p in tp} == {(0, 2), (2, 0)}
    assert fp.tolist() == [1] and fn.tolist() == [1]


def test_nan_and_empty_inputs():
    tp, fp, fn = ev.match_events([], [1.0, 2.0])
    assert tp.shape == (0, 2) and fp.size == 0 and fn.tolist() == [0, 1]
    s = ev.ic_scores([], [1.0, 2.0])
    assert s["recall"] == 0.0 and s["f1"] == 0.0 and np.isnan(s["precision"])
    s = ev.ic_scores([1.0], [])
    assert s["precision"] == 0.0 and np.isnan(s["recall"])
    tp, fp, fn = ev.match_events([1.0, np.nan], [np.nan, 1.1])
    assert tp.tolist() == [[0, 1]] and fp.size == 0 and fn.size == 0


@pytest.mark.parametrize("seed", range(25))
def test_match_equals_brute_force_greedy(seed):
    rng = np.random.default_rng(seed)
    ref = np.cumsum(rng.uniform(0.35, 0.7, size=rng.integers(5, 60)))
    keep = rng.random(ref.size) > 0.1
    det = ref[keep] + rng.normal(0, 0.08, keep.sum())
    det = np.r_[det, rng.uniform(0, ref[-1], rng.integers(0, 8))]   # false detections
    rng.shuffle(det)
    tp, fp, fn = ev.match_events(det, ref, 0.25)
    assert {tuple(p) for p in tp} == brute_force_greedy(det, ref, 0.25)
    assert tp.shape[0] + fp.size == det.size and tp.shape[0] + fn.size == ref.size
    assert np.all(np.abs(det[tp[:, 0]] - ref[tp[:, 1]]) <= 0.25)
    assert len(set(tp[:, 0])) == tp.shape[0] and len(set(tp[:, 1])) == tp.shape[0]


def test_windowed_counts_keep_edge_match():
    ref = np.array([1.0, 2.0, 3.0, 10.0])
    det = np.array([1.02, 2.05, 3.10, 7.0, 10.0])
    # window [0.9, 3.05]: the contact detected at 3.10 (outside) still matches ref 3.0 (inside)
    c = ev.ic_counts(det, ref, windows=[(0.9, 3.05)])
    assert (c["tp"], c["fp"], c["fn"]) == (3, 0, 0)
    # outside the window the false detection at 7.0 and the pair at 10.0 are not counted
    c = ev.ic_counts(det, ref, windows=[(6.0, 8.0)])
    assert (c["tp"], c["fp"], c["fn"]) == (0, 1, 0)
    pooled = ev.pool_scores([ev.ic_counts(det, ref, windows=[(0.9, 3.05)]),
                             ev.ic_counts(det, ref, windows=[(6.0, 8.0)])])
    assert (pooled["tp"], pooled["fp"], pooled["fn"]) == (3, 1, 0)
    assert pooled["precision"] == 0.75


def test_window_helpers():
    w = ev.merge_windows([(5, 6), (0, 1), (0.5, 2), (6, 7)])
    assert w.tolist() == [[0, 2], [5, 7]]
    assert ev.windows_duration_s([(0, 1), (0.5, 2)]) == 2.0
    assert ev.in_windows([-1, 0, 1.5, 2, 3, 5.5, 7.01], [(0, 2), (5, 7)]).tolist() == \
        [False, True, True, True, False, True, False]
    assert ev.complement_windows([(1, 2), (4, 5)], 0, 6).tolist() == [[0, 1], [2, 4], [5, 6]]
    assert ev.complement_windows([], 0, 6).tolist() == [[0, 6]]
    assert ev.complement_windows([(-1, 7)], 0, 6).size == 0
    assert ev.merge_windows([(1, 2)], pad_s=0.5).tolist() == [[0.5, 2.5]]
    assert ev.subtract_windows([(0, 10), (20, 30)], [(2, 3), (9, 21)]).tolist() == [[0, 2], [3, 9], [21, 30]]
    assert ev.subtract_windows([(0, 10)], []).tolist() == [[0, 10]]


def test_cadence_and_counts():
    ic = np.arange(11) * 0.5            # 10 steps in 5 s -> 120 spm
    assert ev.cadence_from_ics_spm(ic) == pytest.approx(120.0)
    assert ev.cadence_from_ics_spm(ic[::-1]) == pytest.approx(120.0)   # order does not matter
    assert np.isnan(ev.cadence_from_ics_spm([1.0]))
    # an isolated missed step (one 1.0 s interval = 2 x median) or a pause is left out
    assert ev.bout_cadence_errors_spm(np.delete(ic, 5), ic, [(0.0, 5.0)]).tolist() == pytest.approx([0.0])
    assert ev.cadence_from_ics_spm(np.r_[ic, 9.0 + np.arange(5) * 0.5]) == pytest.approx(120.0)
    # an extra detection at 2.15 s splits one step into 0.15 s (dropped) and 0.35 s (kept):
    # mean of 9 x 0.5 s and 0.35 s = 0.485 s -> 123.7 spm
    assert ev.bout_cadence_errors_spm(np.r_[ic, 2.15], ic, [(0.0, 5.0)]).tolist() == \
        pytest.approx([60 / 0.485 - 120.0])
    # coarse reference stamps (pads logged every 0.1 s) do not quantise the cadence:
    # true steps every 0.53 s (113.2 spm), stamped on the next 0.1 s tick
    true = 0.013 + np.arange(200) * 0.53
    stamped = np.ceil(true * 10) / 10
    assert ev.cadence_from_ics_spm(stamped) == pytest.approx(60 / 0.53, abs=0.1)
    assert abs(60 / np.median(np.diff(stamped)) - 60 / 0.53) > 5   # what a median would give
    # a slower rhythm is seen: 0.55 s steps -> 109.09 spm, error -10.91 spm
    det = np.arange(10) * 0.55
    assert ev.bout_cadence_errors_spm(det, ic, [(0.0, 5.0)]).tolist() == pytest.approx([60 / 0.55 - 120.0])
    # two bouts, the tool finds nothing in the second: NaN there
    err = ev.bout_cadence_errors_spm(ic, np.r_[ic, 20 + ic], [(0.0, 5.0), (20.0, 25.0)])
    assert err[0] == pytest.approx(0.0) and np.isnan(err[1])
    assert ev.step_count_error_pct(99, 100) == pytest.approx(-1.0)
    assert np.isnan(ev.step_count_error_pct(3, 0))


def test_lost_contact_spans():
    """NaN = a contact the reference knows happened but could not time: the span between its
    valid neighbours (shrunk by the tolerance so they stay scored) is not scored."""
    ic = [1.0, 1.5, np.nan, 2.5, np.nan, np.nan, 4.0, np.nan]
    spans = ev.lost_contact_spans(ic, 0.8, 4.6, tol_s=0.25)
    np.testing.assert_allclose(spans, [[1.75, 2.25], [2.75, 3.75], [4.25, 4.6]])
    assert ev.lost_contact_spans([np.nan, 1.0], 0.5, 1.5, tol_s=0.25).tolist() == [[0.5, 0.75]]
    assert ev.lost_contact_spans([1.0, 1.5], 0.5, 2.0).shape == (0, 2)
    assert ev.lost_contact_spans([1.0, np.nan, 1.3], 0.5, 2.0, tol_s=0.25).shape == (0, 2)   # too narrow
    # a detection in a lost span is neither a false positive nor a match
    w = ev.subtract_windows([[0.8, 4.6]], spans)
    c = ev.ic_counts([1.0, 1.5, 2.0, 2.5, 3.2, 4.0], [1.0, 1.5, 2.5, 4.0], windows=w)
    assert (c["tp"], c["fp"], c["fn"]) == (4, 0, 0)


def test_false_steps_per_min():
    ref = np.arange(0, 10, 0.5)                       # walking 0..9.5 s, bout [0, 9.5]
    det = np.r_[ref, 20.0, 30.0, 40.0, 9.7]           # 9.7: outside the bout and unmatched
    per_min, n_false, minutes = ev.false_steps_per_min(det, ref, [(0.0, 9.5)], 0.0, 69.5)
    assert n_false == 4
    assert minutes == pytest.approx(1.0)
    assert per_min == pytest.approx(4.0)


def test_stride_length_errors():
    ref = np.array([[1.0, 2.1, 1.20], [1.55, 2.65, 1.25], [5.0, 6.0, 1.0]])
    tool = np.array([[1.02, 2.08, 1.30], [1.60, 2.70, 1.10], [5.0, 6.4, 9.9]])
    e = ev.stride_length_errors_m(tool, ref)
    assert e.tolist() == pytest.approx([0.10, -0.15])   # third stride's end is 0.4 s off: skipped


def test_stride_length_errors_by_reference_index_the_reference_as_given():
    """Two tools compared on the strides both paired need the reference stride each error belongs to —
    its index in the reference as given, also when a NaN reference stride (INDIP lost a contact) is
    left out before pairing."""
    ref = np.array([[0.0, 1.0, np.nan], [1.0, 2.1, 1.20], [1.55, 2.65, 1.25], [5.0, 6.0, 1.0]])
    tool_a = np.array([[1.02, 2.08, 1.30], [1.60, 2.70, 1.10], [5.0, 6.4, 9.9]])
    tool_b = np.array([[1.6, 2.6, 1.20], [4.9, 6.1, 1.05], [0.0, 1.0, 1.1]])
    ia, ea = ev.stride_length_errors_by_reference(tool_a, ref)
    ib, eb = ev.stride_length_errors_by_reference(tool_b, ref)
    assert ia.tolist() == [1, 2] and ea.tolist() == pytest.approx([0.10, -0.15])
    assert ib.tolist() == [2, 3] and eb.tolist() == pytest.approx([-0.05, 0.05])   # (no length to pair at 0)
    assert ea.tolist() == pytest.approx(ev.stride_length_errors_m(tool_a, ref).tolist())
    assert set(ia) & set(ib) == {2}                      # the one stride both can be compared on
    assert ev.stride_length_errors_by_reference(np.empty((0, 3)), ref)[0].size == 0


def test_stride_speed_errors():
    ref = np.array([[1.0, 2.1, 1.20], [1.55, 2.65, 1.25], [5.0, 6.0, 1.0]])
    tool = np.array([[1.02, 2.08, 1.30], [1.60, 2.70, 1.10], [5.0, 6.4, 9.9]])
    e = ev.stride_speed_errors_mps(tool, ref)
    # each stride's own length over its own duration; the third pair is skipped as for the length
    assert e.tolist() == pytest.approx([1.30 / 1.06 - 1.20 / 1.1, 1.10 / 1.10 - 1.25 / 1.10])
    assert ev.stride_speed_errors_mps(np.empty((0, 3)), ref).size == 0
