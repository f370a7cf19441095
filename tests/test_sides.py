"""Left/right labels: the running vote of sideways trunk speed at contact, signed by step parity,
restarted where the alternation of the feet breaks (imu_gait.dsp.metrics.side_votes)."""
from __future__ import annotations

import numpy as np

from imu_gait.dsp.metrics import side_votes


def labels(votes: np.ndarray, parity: np.ndarray) -> np.ndarray:
    """The engine's rule: left when the vote has the sign of the step's parity."""
    return np.where(votes == 0, "", np.where((votes > 0) == (parity > 0), "L", "R"))


def walk_with_missed_contact(n: int = 40, missed: int = 20, noise: float = 0.3, seed: int = 0):
    """True feet L, R, L, … with contact ``missed`` never detected: the detected steps' sideways speed
    (+ left, 1 ± noise) and the parity the bout counts, which is wrong after the missed contact."""
    rng = np.random.default_rng(seed)
    feet = np.where(np.arange(n) % 2 == 0, "L", "R")
    keep = np.arange(n) != missed
    feet = feet[keep]
    ml = np.where(feet == "L", 1.0, -1.0) * (1 + noise * rng.standard_normal(feet.size))
    parity = np.where(np.arange(feet.size) % 2 == 0, 1.0, -1.0)
    breaks = np.zeros(feet.size, bool)
    breaks[missed] = True          # the step after the gap lasts ≈ 2 steps
    return feet, ml, parity, breaks


def test_labels_follow_the_feet_across_a_missed_contact():
    for seed in range(5):
        feet, ml, parity, breaks = walk_with_missed_contact(seed=seed)
        got = labels(side_votes(ml, parity, breaks), parity)
        # right everywhere except at most the first step after the restart (a one-step vote)
        wrong = np.flatnonzero(got != feet)
        assert wrong.size <= 2 and all(w in (0, 20) for w in wrong), wrong
        # carrying the old parity over the gap mirrors the rest of the bout
        old = labels(side_votes(ml, parity, np.zeros_like(breaks)), parity)
        assert np.mean(old[25:] == feet[25:]) < 0.2


def test_votes_carry_over_batches_exactly():
    """Live analysis feeds a bout in batches: the vote carried from one batch to the next gives the
    same labels as the whole bout at once, with or without a break inside either batch."""
    feet, ml, parity, breaks = walk_with_missed_contact(seed=3)
    whole = side_votes(ml, parity, breaks)
    for cut in (5, 20, 21, 30):
        a = side_votes(ml[:cut], parity[:cut], breaks[:cut])
        b = side_votes(ml[cut:], parity[cut:], breaks[cut:], carry=float(a[-1]))
        np.testing.assert_allclose(np.r_[a, b], whole, atol=1e-12)
