"""Speed-ups that must not change a result: each fast path against the plain computation it replaced,
bit for bit (truth: the plain computation, written out here as the definition)."""
from __future__ import annotations

import numpy as np
import pytest

from imu_gait.dsp.metrics import (REGULARITY_ANCHOR_SAMPLES, REGULARITY_PEAK_SEARCH, lagged_window_sums, regularity,
                                  sample_index)


def _regularity_one_lag_at_a_time(a_v, ic, step_s, stride_s, bout_start, fs_hz, *, n_strides=4, min_strides=2,
                                  peak_search=REGULARITY_PEAK_SEARCH):
    """The per-lag loop regularity() ran before its (step, lag) pairs were vectorised: for each lag, the steps
    tried at it, the running sums from their anchor (the multiple of REGULARITY_ANCHOR_SAMPLES at or before the
    window: sums that do not depend on what else the signal holds, precision audit s36) of the signal and its
    square, each window's lagged products summed on their own (its first product plus numpy's sum of the rest,
    as np.add.reduceat adds a segment), and the correlation."""
    n = a_v.size
    a = sample_index(ic)
    stride_n = sample_index(np.where(np.isfinite(stride_s), stride_s * fs_hz, 0.0))
    bout0 = np.ceil(bout_start).astype(np.int64)
    out = {}

    def run_sum(x, lo, hi):                     # Σ x[lo:hi] as the running sum from lo gives it
        return np.concatenate([[0.0], np.cumsum(x[lo:hi])])
    for name, lag_s in (("step_regularity", step_s), ("stride_regularity", stride_s)):
        lag0 = sample_index(np.where(np.isfinite(lag_s), lag_s * fs_hz, 0.0))
        reach = np.where(lag0 > 0, np.maximum(np.round(peak_search * lag0), 1), 0).astype(np.int64)
        start = np.maximum(a - n_strides * stride_n, bout0)
        base_ok = (lag0 > 0) & (stride_n > 0) & (start >= 0) & (a <= n)
        lag_lo = lag0 - reach
        lag_hi = np.minimum(lag0 + reach, a - start - max(1, min_strides - 1) * stride_n)
        r = np.full(a.size, -np.inf)
        at_lag = np.full(a.size, np.nan)
        anchor = np.maximum(start // REGULARITY_ANCHOR_SAMPLES * REGULARITY_ANCHOR_SAMPLES, 0)
        for L in range(1, int(lag_hi.max(initial=0)) + 1):
            for u in np.unique(anchor):
                sel = np.flatnonzero(base_ok & (lag_lo <= L) & (L <= lag_hi) & (anchor == u))
                if not sel.size:
                    continue
                s0, e0 = start[sel], a[sel] - L
                end = int(a[base_ok & (anchor == u)].max())       # (the sums of a_v run to the anchor's last contact)
                x1, x2 = run_sum(a_v, u, end), run_sum(a_v * a_v, u, end)
                N = (e0 - s0).astype(float)
                w = [a_v[i:j] * a_v[i + L:j + L] for i, j in zip(s0.tolist(), e0.tolist())]
                sxy = np.array([x[0] + np.sum(x[1:]) for x in w])
                sx, sy = x1[e0 - u] - x1[s0 - u], x1[e0 + L - u] - x1[s0 + L - u]
                sxx, syy = x2[e0 - u] - x2[s0 - u], x2[e0 + L - u] - x2[s0 + L - u]
                cov = sxy - sx * sy / N
                den = np.sqrt(np.maximum(sxx - sx * sx / N, 0) * np.maximum(syy - sy * sy / N, 0))
                rho = np.where(den > 0, cov / np.where(den > 0, den, 1), np.nan)
                r[sel] = np.fmax(r[sel], rho)
                exact = lag0[sel] == L
                at_lag[sel[exact]] = rho[exact]
        out[name] = np.where(np.isfinite(r), r, np.nan)
        out[f"_{name}_at_lag"] = at_lag
    return out


@pytest.mark.parametrize("seed", range(40))
def test_regularity_pairs_equal_one_lag_at_a_time(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(50, 5000))
    a_v = rng.normal(size=n) + 2 * np.sin(np.arange(n) * 2 * np.pi / rng.uniform(30, 80))
    m = int(rng.integers(0, 50))
    ic = np.sort(rng.uniform(0, n, m))
    step = rng.uniform(0.2, 1.2, m)
    step[rng.random(m) < 0.1] = np.nan                       # a bout's first steps: no mean step yet
    stride = 2 * step if seed % 3 else rng.uniform(0.0, 2.5, m)
    bout_start = np.maximum(ic - rng.uniform(0, 2000, m), 0) if seed % 2 else np.full(m, ic[0] if m else 0.0)
    kw = {} if seed % 4 else {"n_strides": int(rng.integers(1, 6)), "min_strides": int(rng.integers(1, 4))}
    got = regularity(a_v, ic, step, stride, bout_start, 100.0, **kw)
    want = _regularity_one_lag_at_a_time(a_v, ic, step, stride, bout_start, 100.0, **kw)
    for key, value in want.items():
        assert np.array_equal(got[key], value, equal_nan=True), key


def test_a_windows_lagged_sum_is_the_same_number_wherever_it_lies_in_the_signal():
    """What live == offline rests on: a streaming engine's buffer starts where its chunks left it, so one window
    sits at a different place (and memory alignment) in it than in the whole signal. Truth: the window alone."""
    rng = np.random.default_rng(7)
    for _ in range(200):
        n, lag = int(rng.integers(2, 1500)), int(rng.integers(1, 300))
        x = rng.normal(size=n + lag) * 10 ** rng.uniform(-3, 3)
        alone = lagged_window_sums(x, np.array([0]), np.array([n]), np.array([lag]))
        for before in range(0, 18, 3):               # other samples before it (odd counts: other alignments)
            y = np.concatenate([rng.normal(size=before), x, rng.normal(size=int(rng.integers(0, 50)))])
            s = np.array([before, before + int(rng.integers(0, n))])            # … and an overlapping window
            got = lagged_window_sums(y, s, np.array([before + n, before + n]), np.array([lag, lag]))
            assert got[0] == alone[0]
        assert abs(alone[0] - np.dot(x[:n], x[lag:lag + n])) <= 1e-12 * np.dot(np.abs(x[:n]), np.abs(x[lag:lag + n]))


def _ap_min_after_index_gather(a_ap, ic, fs):
    """ap_min_after() as it gathered each window through one index per sample and tap."""
    from imu_gait.dsp.metrics import AP_MIN_SEARCH_S, AP_MIN_SMOOTH_S
    ic = np.asarray(ic, float)
    out = np.full(ic.size, np.nan)
    h = max(1, int(round(AP_MIN_SMOOTH_S * fs / 2)))
    k0, k1 = int(np.floor(AP_MIN_SEARCH_S[0] * fs)), int(np.ceil(AP_MIN_SEARCH_S[1] * fs))
    base = np.floor(ic)
    ok = np.isfinite(ic) & (base + k0 - h - 1 >= 0) & (base + k1 + h + 1 < a_ap.size)
    if not ok.any():
        return out
    w = np.hanning(2 * h + 3)[1:-1]
    w /= w.sum()
    rel = np.arange(k0 - 1, k1 + 2)
    idx = base[ok].astype(np.int64)[:, None] + rel[None, :]
    taps = np.arange(-h, h + 1)
    sm = (a_ap[idx[:, :, None] + taps[None, None, :]] * w).sum(axis=2)
    j = np.argmin(sm[:, 1:-1], axis=1) + 1
    r = np.arange(j.size)
    y0, y1, y2 = sm[r, j - 1], sm[r, j], sm[r, j + 1]
    den = y0 - 2 * y1 + y2
    frac = np.where(den > 0, 0.5 * (y0 - y2) / np.where(den > 0, den, 1.0), 0.0)
    out[ok] = base[ok] + rel[j] + np.clip(frac, -0.5, 0.5) - ic[ok]
    return out


@pytest.mark.parametrize("seed, fs", [(s, fs) for s in range(10) for fs in (50.0, 100.0, 128.0)]
                         + [(s, fs) for s in range(3) for fs in (20.0, 25.0, 400.0, 1100.0)])
def test_ap_min_after_sliding_view_equals_index_gather(seed, fs):
    from imu_gait.dsp.metrics import ap_min_after
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 4000))
    a_ap = rng.normal(size=n) + np.sin(np.arange(n) / fs * 2 * np.pi * 1.8)
    ic = rng.uniform(-50, n + 50, int(rng.integers(0, 80)))     # some windows leave the buffer: NaN
    ic[rng.random(ic.size) < 0.1] = np.nan
    assert np.array_equal(ap_min_after(a_ap, ic, fs), _ap_min_after_index_gather(a_ap, ic, fs), equal_nan=True)


def test_tap_by_tap_sum_adds_in_numpys_row_order():
    """ap_min_after smooths a whole stretch tap by tap (_numpy_row_sum_order) where it summed each window's
    weighted row with np.sum: the same numbers only if the order is numpy's — for every row length it is used
    at (1 … _PAIRWISE_BLOCK taps), on values of mixed sizes where any other order rounds differently."""
    from numpy.lib.stride_tricks import sliding_window_view
    from imu_gait.dsp.metrics import _PAIRWISE_BLOCK, _numpy_row_sum_order
    rng = np.random.default_rng(7)
    for n in range(1, _PAIRWISE_BLOCK + 1):
        x = rng.normal(size=3000) * 10 ** rng.uniform(-4, 4, 3000)
        w = rng.uniform(0.01, 1.0, n)
        m = x.size - n + 1
        rows = (sliding_window_view(x, n) * w).sum(axis=1)
        assert np.array_equal(_numpy_row_sum_order(n, lambda k: x[k:k + m] * w[k]), rows), n


@pytest.fixture(scope="module")
def walk_steps():
    import imu_gait
    from imu_gait.synthetic import synthesize_walk
    rec, _ = synthesize_walk(240, seed=4, segments=[(120, {"cadence_spm": 112}), (120, {"cadence_spm": 100})])
    return imu_gait.analyze(rec).steps


def test_steady_walk_variability_is_the_two_functions_finding_the_rolling_median_once(walk_steps, monkeypatch):
    from imu_gait import strain
    steps = walk_steps
    mixed = steps.assign(gait=np.where(np.arange(len(steps)) % 3 == 0, "run", "walk"))     # both gaits, either main
    mostly_run = steps.assign(gait=np.where(np.arange(len(steps)) % 4 == 0, "walk", "RUN"))
    for frame in (steps, mixed, mostly_run, steps.drop(columns="side"), steps.drop(columns="stride_time_s"),
                  steps.iloc[:0], steps.assign(step_time_s=np.nan)):
        want = (strain.steady_stride_cv_pct(frame), strain.steady_step_time_asymmetry_pct(frame))
        got = strain.steady_walk_variability(frame)
        assert np.array_equal(np.array(got), np.array(want), equal_nan=True)
    calls = []
    real = strain._rolling
    monkeypatch.setattr(strain, "_rolling", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    cv, asym = strain.steady_walk_variability(steps)
    assert np.isfinite(cv) and np.isfinite(asym) and len(calls) == 1      # one rolling median for both


def test_text_columns_read_once_per_distinct_value_as_per_row():
    import pandas as pd

    from imu_gait.strain import _is_run, _side_first_letter
    per_row_run = lambda s: np.array([str(v).lower().startswith("run") for v in s.to_numpy(object)], bool)  # noqa: E731
    per_row_side = lambda s: np.array([str(v).upper()[:1] for v in s.to_numpy(object)], object)            # noqa: E731
    for values in (["walk", "run", "Run", "RUNNING", "", "walk"], [True, 1, 1.0, "Run", None, float("nan"), ["x"], 0],
                   ["l", "R", np.str_("r"), "left"], []):
        s = pd.Series(np.array(values, dtype=object) if values else np.array([], dtype=object))
        assert np.array_equal(_is_run(s), per_row_run(s)) and _is_run(s).dtype == bool
        assert list(_side_first_letter(s)) == list(per_row_side(s))


# pandas' missing-value words, spaces, bad numbers, short / long / empty rows: each in a data cell of a small file
_CELLS = ["", " ", "NA", "N/A", "n/a", "nan", "NaN", "-nan", "null", "NULL", "None", "#N/A", "<NA>", "1.#IND",
          "1.#QNAN", "inf", "-inf", "1e400", "abc", "--1", "0x10", '"3"', '"NA"']


def _numeric_csv_cases() -> list[str]:
    good = ["0.0,1,2,9.8", "0.01,1e-3,+2.5,-9.8", "0.02, 1.5 ,2,9.8", "0.03,1.0E+01,2,9.8", "0.04,.5,2.,9.8"]
    cases = ["\n".join(good) + "\n", "\n".join(good), "\n".join(good) + "\n\n\n"]
    for cell in _CELLS:
        for row in (0, 3):
            rows = [r.split(",") for r in good]
            rows[row][2] = cell
            cases.append("\n".join(",".join(r) for r in rows) + "\n")
    for odd in ("0.02,1,2", ",,,", "0.02,1,2,9.8,7"):
        cases.append("\n".join(good[:2] + [odd] + good[3:]) + "\n")
    return cases


@pytest.mark.parametrize("source", ["str", "bytes", "path"])
def test_numeric_csv_parse_without_pandas_missing_value_words_gives_the_same_arrays_and_errors(source, tmp_path,
                                                                                                 monkeypatch):
    """parse_numeric_csv's fast parse runs without pandas' missing-value filter (~5 % of the parse of an hour's
    file): every cell that is a number must give the same float, and every file the filter turned into NaN must
    still be refused with the same message naming the line and column — the definition: the same parse with the
    filter on (as before), bit for bit, or the same error text, whichever of the file's sources (text, a block's
    bytes, a path) and separators."""
    import imu_gait.io._common as common

    plain = common.read_csv_safely
    names = ["time_s", "acc_x", "acc_y", "acc_z"]

    def outcome(text: str, na_filter: bool | None, delimiter: str, decimal: str, usecols):
        if na_filter is not None:          # None: parse_numeric_csv as shipped
            monkeypatch.setattr(common, "read_csv_safely",
                                lambda src, **kw: plain(src, **{**kw, "na_filter": na_filter}))
        if delimiter == ";":
            text = text.replace(",", ";") if decimal == "." else text.replace(",", ";").replace(".", ",")
        text = ";".join(names) + "\n" + text if delimiter == ";" else ",".join(names) + "\n" + text
        if source == "path":
            src = tmp_path / "walk.csv"
            src.write_text(text, encoding="utf-8")
        else:
            src = text.encode() if source == "bytes" else text
        try:
            arr = common.parse_numeric_csv(src, label="walk.csv", skiprows=1, names=names, delimiter=delimiter,
                                           decimal=decimal, usecols=usecols, first_line_no=2, skipped=[])
            return "ok", arr.shape, arr.tobytes()
        except common.RecordingError as exc:
            return "refused", str(exc)
        finally:
            monkeypatch.setattr(common, "read_csv_safely", plain)

    refused = 0
    for text in _numeric_csv_cases():
        for delimiter, decimal, usecols in ((",", ".", None), (",", ".", [0, 1, 2, 3]), (";", ",", None)):
            before = outcome(text, True, delimiter, decimal, usecols)
            assert outcome(text, None, delimiter, decimal, usecols) == before, (text, delimiter, usecols)
            refused += before[0] == "refused"
    assert refused >= 2 * len(_CELLS)          # (the bad cells were refused, not all read as numbers)


@pytest.mark.skipif(__import__("platform").machine().lower() not in ("x86_64", "amd64"),
                    reason="the sums are x86-64 numpy einsum's (aarch64's einsum fuses its multiply-adds)")
def test_row_dot_as_einsum_gives_einsums_numbers():
    from imu_gait.dsp.orientation import row_dot_as_einsum
    rng = np.random.default_rng(7)
    # magnitudes 1e-8 … 1e8 per element (the sum's order shows in the last bit: ~20 % of rows differ between
    # (p0 + p1) + p2 and (p0 + p2) + p1), rows of signed zeros (einsum's zeroed output makes −0.0 +0.0)
    u = rng.normal(size=(200_000, 3)) * rng.choice([1e-8, 1.0, 1e8], size=(200_000, 3))
    v = rng.normal(size=(200_000, 3))
    u[:50] = -0.0
    v[:25] = 0.0
    got, want = row_dot_as_einsum(u, v), np.einsum("ij,ij->i", u, v)
    assert np.array_equal(got.view(np.int64), want.view(np.int64))
    plain = (u[:, 0] * v[:, 0] + u[:, 1] * v[:, 1]) + u[:, 2] * v[:, 2]
    assert (plain != want).sum() > 1000                 # the test can tell the orders apart
    k3 = u[:199_998].reshape(-1, 6, 3), v[:199_998].reshape(-1, 6, 3)     # (K, n, 3): posture.braking_vector's
    assert np.array_equal(row_dot_as_einsum(*k3).view(np.int64), np.einsum("kij,kij->ki", *k3).view(np.int64))


@pytest.mark.parametrize("window_s", [10.86, 20.0])
def test_narrow_rolling_medians_of_a_long_table_are_pandas_numbers(window_s, monkeypatch):
    """A long table's narrow windows go to numpy's sort in row blocks: the same numbers as pandas' skip-list (the
    path such a table took before), NaN below min_periods alike; with −0.0 or ±inf in it, pandas still."""
    from imu_gait import strain
    rng = np.random.default_rng(3)
    n = 7000
    t = np.cumsum(rng.uniform(0.45, 0.65, n))
    x = np.round(rng.normal(size=(n, 5)), 2) + 0.0         # ties in the windows (rounded values; no −0.0), NaN runs
    x[rng.random((n, 5)) < 0.08] = np.nan
    x[1000:1040, 2] = np.nan
    assert int(np.diff(np.searchsorted(t, [t[500] - window_s / 2, t[500] + window_s / 2]))[0]) <= 40
    monkeypatch.setattr(strain, "_NUMPY_MEDIAN_BLOCK_VALUES", 20_000)     # several row blocks
    assert not (np.signbit(x) & (x == 0)).any()
    got = strain._rolling_median_cols(t, x, window_s, 8)
    monkeypatch.setattr(strain, "_NUMPY_MEDIAN_MAX_WIDTH", 0)            # pandas' skip-list, as before
    want = strain._rolling_median_cols(t, x, window_s, 8)
    assert np.isfinite(want).mean() > 0.8 and np.isnan(want).any()
    assert np.array_equal(got.view(np.int64), want.view(np.int64))
    calls = []
    real = strain._window_medians
    monkeypatch.setattr(strain, "_NUMPY_MEDIAN_MAX_WIDTH", 40)
    monkeypatch.setattr(strain, "_window_medians", lambda *a, **k: calls.append(1) or real(*a, **k))
    strain._rolling_median_cols(t, x, window_s, 8)
    assert calls                                          # the numpy path did run
    calls.clear()
    signed = x.copy()
    signed[10, 1] = -0.0
    strain._rolling_median_cols(t, signed, window_s, 8)
    assert not calls                                      # −0.0: pandas' path


def _posture_evidence_averaging_every_window(self, pos, bouts, symmetry):
    """GaitEngine._posture_evidence before its walk tails averaged only the contacts they keep (the definition):
    every contact's window averaged, then the ones more than keep_n before the newest dropped."""
    from imu_gait.dsp.posture import braking_vector, window_mean_rows
    from imu_gait.engine import BRAKING_WINDOW_S, SEATED_TAIL_POSTURE_S
    k = np.round(pos).astype(np.int64)
    n_b = int(round(BRAKING_WINDOW_S * self.fs))
    ok = (k >= n_b) & (k + n_b <= self._n)
    if ok.any():
        vecs = braking_vector(self._acc, self._up, k[ok], n_b)
        self._braking_sum = np.cumsum(np.vstack([self._braking_sum, vecs]), axis=0)[-1]
        self._braking_n += int(vecs.shape[0])
    n_w = int(round(0.5 * self.fs))
    keep_n = int(round((self.p.seated_lookback_s + SEATED_TAIL_POSTURE_S) * self.fs))
    for bt in np.unique(bouts).tolist():
        have = self._bout_ups.setdefault(bt, [])
        if len(have) < self.p.posture_ref_steps:
            sel = k[(bouts == bt) & (k >= n_w)][:self.p.posture_ref_steps - len(have)]
            have.extend(window_mean_rows(self._up, sel - n_w, n_w))
        sel = k[(bouts == bt) & (k >= n_w)]
        if sel.size:
            at, ups = self._bout_tail_ups.get(bt, (np.zeros(0, np.int64), np.zeros((0, 3))))
            at = np.concatenate([at, sel + self._base])
            ups = np.vstack([ups, window_mean_rows(self._up, sel - n_w, n_w)])
            recent = at >= at[-1] - keep_n
            self._bout_tail_ups[bt] = (at[recent], ups[recent])
    sym = np.asarray(symmetry, float)
    self._sym_counts[0] += int(np.isfinite(sym).sum())
    self._sym_counts[1] += int((sym >= self.p.seated_min_symmetry).sum())


@pytest.mark.parametrize("chunk_s", [7.0, 300.0])
def test_walk_tails_average_only_the_contacts_they_keep(chunk_s, monkeypatch):
    """The sitting-down check's walk tails (the 'up' before each of a walk's last contacts) average only the
    contacts within keep_n of the newest: the same contacts and numbers, bit for bit, as averaging every
    contact's window and dropping the old ones (an offline batch's ~500 steps of a walk keep ~45), fed in small
    chunks or analyze()'s large ones."""
    from imu_gait.engine import GaitEngine
    from imu_gait.synthetic import synthesize_walk

    rec, _ = synthesize_walk(150, seed=11, stand_s=10, stand_end_s=15,
                             segments=[(70, {"cadence_spm": 110}), (80, {"cadence_spm": 96})])

    real_close, shipped = GaitEngine._posture_due_at_close, GaitEngine._posture_evidence

    def run(evidence):
        monkeypatch.setattr(GaitEngine, "_posture_evidence", evidence)
        tails = []

        def close(self, bout):
            at, ups = self._bout_tail_ups.get(bout, (np.zeros(0, np.int64), np.zeros((0, 3))))
            tails.append((bout, at.tobytes(), ups.tobytes()))
            return real_close(self, bout)
        monkeypatch.setattr(GaitEngine, "_posture_due_at_close", close)
        eng = GaitEngine(100.0, has_gyro=True)
        n = int(round(chunk_s * 100))
        for i in range(0, rec.n_samples, n):
            eng.feed(rec.time_s[i:i + n], rec.acc_mps2[i:i + n], rec.gyro_rads[i:i + n])
        res = eng.finish()
        return tails, res

    want_tails, want = run(_posture_evidence_averaging_every_window)
    got_tails, got = run(shipped)
    assert got_tails == want_tails and got == want
    # the walks are longer than a tail (keep_n: 25 s), so old contacts were dropped, and a tail was judged
    assert want_tails and all(len(at) // 8 < 60 for _, at, _ in want_tails) and len(want.steps) > 200


def test_horizontal_unit_is_the_broadcast_rows_numbers():
    """The engine's body frame makes its calibrated forward axis horizontal to each row's 'up' a column at a time:
    bit for bit the numbers of horizontal() of the broadcast row divided by its length (the definition), for any
    mounting, 'up' along the axis itself (0 / 0: NaN alike) and magnitudes where the sums' order shows."""
    from imu_gait.dsp.orientation import horizontal, horizontal_unit, row_dot_as_einsum
    rng = np.random.default_rng(12)
    for _ in range(20):
        ref = rng.normal(size=3)
        ref /= np.linalg.norm(ref)
        up = rng.normal(size=(5000, 3)) * rng.choice([1e-6, 1.0, 1e6], size=(5000, 3))
        up /= np.linalg.norm(up, axis=1)[:, None]
        up[:3] = ref                                                  # 'up' along the forward axis: 0 / 0
        with np.errstate(invalid="ignore", divide="ignore"):
            h = horizontal(np.broadcast_to(ref, up.shape), up)
            want = h / np.sqrt(row_dot_as_einsum(h, h))[:, None]
            got = horizontal_unit(ref, up)
        assert np.array_equal(got.view(np.int64), want.view(np.int64))
        assert got.flags.c_contiguous and got.shape == up.shape


def test_fed_samples_are_joined_as_hstack_and_vstack_join_them():
    """The engine joins fed acceleration and rates, and appends rows to its buffers, a column at a time: the same
    arrays as np.hstack / np.vstack (the definition), whatever the sources' layout (views 48 bytes a row apart,
    Fortran order, empty)."""
    from imu_gait.engine import _rows_appended, _side_by_side
    rng = np.random.default_rng(5)
    for n in (0, 1, 7, 30_000):
        six = rng.normal(size=(n, 6))
        for a, b in ((six[:, :3], six[:, 3:]), (np.asfortranarray(six[:, :3]), rng.normal(size=(n, 3)))):
            assert np.array_equal(_side_by_side(a, b).view(np.int64), np.hstack([a, b]).view(np.int64))
            buf = rng.normal(size=(int(rng.integers(0, 50)), 3))
            got, want = _rows_appended(buf, a), np.vstack([buf, a])
            assert got.dtype == want.dtype and np.array_equal(got.view(np.int64), want.view(np.int64))
