"""The strain rules' numpy shortcuts for the engine's usual table give exactly what the plain pandas
forms they replaced gave — on the engine's tables and on odd hand-made ones (unsorted, missing or
non-finite times, text columns, missing values, other dtypes)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from imu_gait.result import STEP_COLUMNS
from imu_gait.strain import _prepare


def _prepare_plain(steps: pd.DataFrame, has_gyro: bool, notes: list[str]) -> pd.DataFrame:
    """strain._prepare as it was before the shortcuts (pandas throughout)."""
    st = steps.copy()
    st = st[np.isfinite(pd.to_numeric(st["time_s"], errors="coerce"))]
    st = st.sort_values("time_s", kind="stable").reset_index(drop=True)
    for c in STEP_COLUMNS:
        if c not in st.columns:
            st[c] = np.nan if c not in ("gait", "side") else ""
    for c in [c for c in STEP_COLUMNS if c not in ("gait", "side")]:
        if st[c].dtype.kind != "f":
            st[c] = pd.to_numeric(st[c], errors="coerce").astype(float)
    st["gait"] = np.where(st["gait"].astype(str).str.lower().str.startswith("run"), "run", "walk")
    st["bout"] = st["bout"].fillna(0)
    if not has_gyro:
        st[["trunk_twist_deg", "pelvic_drop_deg", "heading_change_deg"]] = np.nan
        notes.append("no gyro")
    elif len(st) and st["trunk_twist_deg"].isna().all():
        notes.append("no twist")
    if has_gyro and len(st) and st["pelvic_drop_deg"].isna().all():
        notes.append("no drop")
    vr = st["vertical_oscillation_cm"] / st["step_length_m"]
    st["vertical_ratio_pct"] = st["vertical_ratio_pct"].fillna(vr.where(st["step_length_m"] >= 0.2))
    return st


def _engine_like(n: int = 40, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.cumsum(rng.uniform(0.45, 0.6, n))
    df = pd.DataFrame({c: rng.normal(size=n) for c in STEP_COLUMNS})
    df["time_s"] = t
    df["bout"] = np.repeat(np.arange(4), -(-n // 4))[:n]
    df["gait"] = np.where(np.arange(n) > n // 2, "run", "walk")
    df["side"] = np.where(np.arange(n) % 2, "L", "R")
    df["step_length_m"] = rng.uniform(0.0, 0.8, n)
    df.loc[::3, "vertical_ratio_pct"] = np.nan
    df.loc[::5, "trunk_twist_deg"] = np.nan
    return df


def _odd_tables():
    base = _engine_like()
    yield "engine", base
    yield "empty", base.iloc[:0]
    yield "one", base.iloc[:1]
    yield "unsorted", base.sample(frac=1.0, random_state=1)
    yield "ties", base.assign(time_s=np.round(base["time_s"], 0))
    nan_t = base.copy()
    nan_t.loc[[3, 7], "time_s"] = np.nan
    nan_t.loc[9, "time_s"] = np.inf
    yield "nan times", nan_t
    yield "text times", base.assign(time_s=base["time_s"].map(lambda v: f"{v:.3f}"))
    yield "int times", base.assign(time_s=np.arange(len(base)))
    yield "other index", base.set_axis(np.arange(len(base)) * 3 + 5)
    yield "minimal", base[["time_s"]]
    yield "text gait", base.assign(gait=["Running", "RUN", "walk", "jog", "run-walk"] * 8)
    mixed = base.copy().astype({"gait": object})
    mixed.loc[2, "gait"] = None
    mixed.loc[4, "gait"] = np.nan
    mixed.loc[6, "gait"] = 3
    yield "mixed gait", mixed
    nan_bout = base.astype({"bout": float})
    nan_bout.loc[[0, 5], "bout"] = np.nan
    yield "nan bout", nan_bout
    yield "f32", base.astype({c: np.float32 for c in ("vertical_ratio_pct", "vertical_oscillation_cm", "step_length_m")})
    yield "nullable", base.astype({"vertical_ratio_pct": "Float64", "bout": "Int64"})
    yield "no twist", base.assign(trunk_twist_deg=np.nan, pelvic_drop_deg=np.nan)
    yield "text metric", base.assign(cadence_spm=base["cadence_spm"].astype(str))


@pytest.mark.parametrize("has_gyro", [True, False])
def test_prepare_equals_the_plain_pandas_form(has_gyro):
    for name, df in _odd_tables():
        notes_fast, notes_plain = [], []
        before = df.copy()
        fast = _prepare(df, has_gyro, notes_fast)
        plain = _prepare_plain(df.copy(), has_gyro, notes_plain)
        assert_frame_equal(fast, plain, check_exact=True, obj=name)
        assert_frame_equal(df, before, check_exact=True, obj=name)      # the caller's table is untouched
        assert len(notes_fast) == len(notes_plain), name


def test_rank_in_group_is_groupby_cumcount():
    from imu_gait.strain import _rank_in_group
    rng = np.random.default_rng(1)
    for keys in (np.repeat([0.0, 1.0, 2.0], [5, 1, 7]),                 # the engine's: contiguous bouts
                 rng.integers(0, 4, 60).astype(float),                   # interleaved
                 np.array([3.0, -1.0, 3.0, np.inf, -1.0, 0.0, -0.0]),
                 np.array([7.0]), np.array([], float)):
        plain = pd.DataFrame({"bout": keys}).groupby("bout").cumcount().to_numpy()
        assert np.array_equal(_rank_in_group(keys), plain)


def test_text_shortcuts_equal_pandas_string_methods():
    from imu_gait.strain import _is_run, _side_first_letter
    columns = [pd.Series(["walk", "run", "Running", "RUN", "jog", "", "rUn-walk"]),
               pd.Series(["L", "R", "l", "r", "left", "Right", "", "LR"]),
               pd.Series(["L", None, np.nan, 3, "R"], dtype=object),
               pd.Series(["run", np.nan, "walk"], dtype="str"),
               pd.Series([], dtype="str")]
    for col in columns:
        assert np.array_equal(_is_run(col), col.astype(str).str.lower().str.startswith("run").to_numpy())
        fast, plain = _side_first_letter(col), col.astype(str).str.upper().str[:1].to_numpy()
        assert np.array_equal(fast == "L", plain == "L") and np.array_equal(fast == "R", plain == "R")


def test_rolling_median_a_few_columns_at_a_time_equals_the_whole_frame():
    """Long recordings take the rolling median a few columns at a time (memory: pandas copies its input
    and output); the result is what the whole frame at once gave, NaN rule included."""
    from imu_gait import strain

    rng = np.random.default_rng(1)
    n, k = 3 * strain._ROLLING_GROUP_VALUES // 4, 5           # groups of 1 column (the split path)
    t = np.cumsum(rng.uniform(0.4, 0.7, n))
    t[n // 2:] += 4000.0                                     # a long pause
    x = rng.normal(size=(n, k))
    x[rng.random((n, k)) < 0.1] = np.nan
    lo, hi = strain._window_bounds(t, 20.0)
    whole = pd.DataFrame(x, index=pd.to_timedelta(t, unit="s")).rolling(
        pd.Timedelta(seconds=20.0), center=True, min_periods=1).median().to_numpy(float)
    cnt = np.concatenate([np.zeros((1, k), np.int64), np.cumsum(np.isfinite(x), axis=0)])
    for need in (5, rng.integers(1, 30, n)):
        need_col = np.maximum(np.asarray(need), 1)
        expected = np.where(cnt[hi] - cnt[lo] >= (need_col[:, None] if need_col.ndim else need_col), whole, np.nan)
        np.testing.assert_array_equal(strain._rolling_median_cols(t, x, 20.0, need), expected)



def test_reused_window_medians_equal_fresh_ones_bit_for_bit():
    """Live re-judgements keep the last judgement's window medians (strain.reusing_window_medians) and take
    every window whose values did not change: over tables that slide (steps dropped at the start, new ones at
    the end), grow, have values changed in the middle, and hold NaN, ±inf or −0.0 (those not reused), each
    call gives exactly the medians a fresh call gives — and most windows were taken from the memo."""
    from imu_gait import strain

    rng = np.random.default_rng(7)
    n_all, k = 2000, 3
    t_all = np.cumsum(rng.uniform(0.4, 0.7, n_all))
    t_all[1000:] += 40.0                                     # a pause inside the windows
    x_all = rng.normal(size=(n_all, k))
    x_all[rng.random((n_all, k)) < 0.1] = np.nan
    x_all[::97, 0] = 0.0                                     # +0.0: reused (one sign: the same median any way)
    memo: dict = {}
    reused = 0
    for call, end in enumerate(range(600, n_all, 10)):
        start = max(0, end - 1100) if call % 7 else 0        # a sliding tail, now and then the whole table
        t, x = t_all[start:end], x_all[start:end].copy()
        if call % 5 == 3:
            x[len(x) // 2, 1] += 1e-9                        # a value changed in the middle (re-referenced)
        if call % 11 == 4:
            x[len(x) // 3, 2] = np.inf                       # not reused: pandas counts it, numpy does not
        if call % 13 == 6:
            x[len(x) // 4, 0] = -0.0                         # not reused: which zero is the median is the sort's
        windows = ((11.0, 5), (60.0, rng.integers(5, 40, len(t))), (120.0, 10))
        fresh = [strain._rolling_median_cols(t, x, window_s, need) for window_s, need in windows]
        before = memo.get("reused", 0)
        with strain.reusing_window_medians(memo):           # one judgement: the calls in the same order
            again = [strain._rolling_median_cols(t, x, window_s, need) for window_s, need in windows]
        reused += memo.get("reused", 0) - before
        for (window_s, _), a, b in zip(windows, fresh, again):
            assert np.array_equal(a.view(np.int64), b.view(np.int64)), (call, window_s)
    assert reused > 0.5 * 3 * 140 * 1100, reused             # most windows came from the memo


def test_live_rejudgement_with_reused_medians_equals_a_fresh_one_as_a_flag_rises_and_ends():
    """The live path's judgements (every 10 steps, the last 10 min against the settled baselines) made with
    the window medians of the judgement before give the very flags and timeline a fresh judgement gives —
    over a bounce flag's rise and end, and with an older step's lean re-referenced between two judgements."""
    from imu_gait import analyze, strain
    from imu_gait.synthetic import synthesize_walk

    rec, _ = synthesize_walk(1500, seed=3, step_jitter=0.012,
                             segments=[(1230.0, {"bounce_cm": 5.5}), (1360.0, {"bounce_cm": 3.5})])
    steps = analyze(rec).steps
    t = steps["time_s"].to_numpy()
    _, tl = strain.evaluate_flags(steps[t <= 1000.0])
    fixed = tl.attrs["baseline_state"]
    assert set(fixed) == {"walk"}
    memo: dict = {}
    seen_active = seen_ended = False
    for call, end in enumerate(range(int(np.searchsorted(t, 1200.0)), int(np.searchsorted(t, 1480.0)), 10)):
        tail = steps.iloc[int(np.searchsorted(t, t[end - 1] - 600.0)):end]
        if call % 9 == 5:                                    # an older step's lean changed (standing re-reference)
            tail = tail.copy()
            tail.iloc[len(tail) // 2, tail.columns.get_loc("forward_lean_deg")] += 0.25
        fresh_flags, fresh_tl = strain.evaluate_flags(tail, fixed_baselines=fixed)
        with strain.reusing_window_medians(memo):
            flags, tl = strain.evaluate_flags(tail, fixed_baselines=fixed)
        assert flags == fresh_flags, call
        pd.testing.assert_frame_equal(tl, fresh_tl, check_exact=True)
        assert repr(tl.attrs) == repr(fresh_tl.attrs)
        bounce = [f for f in flags if f.id == "vertical_bounce"]
        seen_active |= any(f.end_s >= t[end - 1] - 1 for f in bounce)
        seen_ended |= any(f.end_s < t[end - 1] - 30 for f in bounce)
    assert seen_active and seen_ended
    assert memo["reused"] > 0
