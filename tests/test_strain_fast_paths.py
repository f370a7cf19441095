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

