"""Value equality for the public result objects (:class:`~imu_gait.result.AnalysisResult`,
:class:`~imu_gait.recording.Recording`, :class:`~imu_gait.result.Flag`).

The dataclass ``==`` compared their fields as tuples: a DataFrame or an array field raised "The truth
value of a DataFrame is ambiguous" (``assert res_a == res_b`` in a user's test, ``res in results``), and
two analyses of the same walk were unequal wherever a metric was NaN (NaN != NaN). Here two objects are
equal when they hold the same values: the same tables (columns, dtypes, index, every cell; NaN where the
other has NaN), the same numbers (NaN equal to NaN, ``1 == 1.0``), the same texts. No pandas import:
tables are recognised by their ``equals`` method.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np


def same_values(a: Any, b: Any) -> bool:
    """True when ``a`` and ``b`` hold the same values, NaN counted equal to NaN (see the module doc)."""
    if a is b:
        return True
    if _is_table(a) or _is_table(b):
        return type(a) is type(b) and bool(a.equals(b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        if a.dtype.kind in "fc" and b.dtype.kind in "fc":
            return bool(np.array_equal(a, b, equal_nan=True))
        if a.dtype.kind == "O" or b.dtype.kind == "O":
            return all(same_values(x, y) for x, y in zip(a.ravel().tolist(), b.ravel().tolist()))
        return bool(np.array_equal(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_values(v, b[k]) for k, v in a.items())
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same_values(x, y) for x, y in zip(a, b))
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(same_values(getattr(a, f.name), getattr(b, f.name))
                                          for f in dataclasses.fields(a) if f.compare)
    if _is_nan(a) and _is_nan(b):
        return True
    try:
        return bool(a == b)
    except (TypeError, ValueError):       # an object whose == is not a yes or no
        return False


def _is_table(x: Any) -> bool:
    """A pandas DataFrame or Series (without importing pandas)."""
    return type(x).__module__.startswith("pandas") and hasattr(x, "equals")


def _is_nan(x: Any) -> bool:
    return isinstance(x, (float, np.floating)) and math.isnan(x)
