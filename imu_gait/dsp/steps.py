"""Initial contacts (foot strikes) from the trunk's vertical acceleration.

Two stages, both usable on a stream with a fixed look-ahead:

1. *Candidates*: each step loads the trunk once, so the vertical acceleration low-passed at
   4 Hz has one peak per step. A candidate is a sample that is the maximum of that signal
   within ±150 ms and rises by at least ``min_prominence_mps2`` above the lowest value of
   the preceding 400 ms. The contact itself is the steepest rise of the vertical
   acceleration (low-passed at 10 Hz) in the 250 ms before the peak — on real recordings
   with foot-sensor references this sits 0–40 ms from the true contact, much tighter than
   the peak (20–100 ms, varying by person).
2. *Acceptance* (:class:`StepAcceptor`): people fidget, sit and stand; a walking bout
   starts only when ``min_bout_steps`` candidates follow each other at a steady, plausible
   step time, and continues while new candidates keep that rhythm. No step is counted
   outside a bout.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.ndimage import maximum_filter1d, minimum_filter1d


@dataclass
class StepParams:
    peak_halfwidth_s: float = 0.15     # a candidate is the max within ± this
    prominence_window_s: float = 0.40  # rise measured from the lowest value this far back
    min_prominence_mps2: float = 0.35  # smallest rise that counts as a step (m/s²)
    ic_search_s: float = 0.25          # contact = steepest rise within this before the peak
    ic_offset_s: float = -0.01         # systematic offset of the steepest rise vs the true contact
    min_step_s: float = 0.25           # 240 steps/min
    max_step_s: float = 1.40           # ~43 steps/min
    min_bout_steps: int = 4            # steady candidates needed to start a bout
    rhythm_tolerance: float = 0.35     # |step − median| / median allowed while in a bout
    start_tolerance: float = 0.25      # tighter when starting a bout
    end_after_steps: float = 2.5       # bout ends after this many step times without a step


def candidate_mask(s4: np.ndarray, fs_hz: float, p: StepParams) -> np.ndarray:
    """Boolean mask of step candidates on the 4 Hz vertical acceleration.

    Local rule (finite support: ±peak_halfwidth and prominence_window back), so evaluating
    it on overlapping windows of a stream gives the same answer as on the whole signal.
    """
    w = max(1, int(round(p.peak_halfwidth_s * fs_hz)))
    pw = max(1, int(round(p.prominence_window_s * fs_hz)))
    local_max = maximum_filter1d(s4, size=2 * w + 1, mode="nearest")
    # lowest value over the preceding window (origin shifts the window backwards)
    low = minimum_filter1d(s4, size=pw + 1, mode="nearest", origin=pw // 2)
    is_peak = (s4 == local_max) & (s4 - low >= p.min_prominence_mps2)
    # plateaus: keep only the first sample of equal maxima
    is_peak[1:] &= s4[1:] != s4[:-1]
    return is_peak


def refine_contacts(peaks: np.ndarray, s10: np.ndarray, fs_hz: float, p: StepParams) -> np.ndarray:
    """Sample index of the steepest rise of s10 in the window before each peak."""
    n = max(2, int(round(p.ic_search_s * fs_hz)))
    if peaks.size == 0:
        return peaks.astype(float)
    d = np.diff(s10, prepend=s10[0])
    win = peaks[:, None] - np.arange(n)[None, ::-1]          # (k, n) indices before each peak
    win = np.clip(win, 0, s10.size - 1)
    j = np.argmax(d[win], axis=1)
    # sub-sample: the steepest rise lies half a sample before the difference's index
    return win[np.arange(peaks.size), j] - 0.5 + p.ic_offset_s * fs_hz


@dataclass
class Bout:
    number: int
    steps: list[float] = field(default_factory=list)     # contact times (s)
    closed: bool = False


class StepAcceptor:
    """Sequential walking-bout logic over step candidates (a few per second: a loop is fine)."""

    def __init__(self, p: StepParams):
        self.p = p
        self.pending: list[float] = []       # candidates not yet part of a bout
        self.bout: Bout | None = None
        self.n_bouts = 0

    def reset(self) -> list[Bout]:
        """A gap in the data ends any bout. Returns the bout closed (if any)."""
        closed = self._close()
        self.pending = []
        return closed

    def _close(self) -> list[Bout]:
        if self.bout is None:
            return []
        self.bout.closed = True
        b, self.bout = self.bout, None
        return [b]

    def _median_step(self) -> float:
        s = self.bout.steps[-9:]
        return float(np.median(np.diff(s))) if len(s) >= 2 else float("nan")

    def offer(self, t: float) -> tuple[list[float], list[Bout]]:
        """Offer a candidate contact time; returns (newly accepted contact times, closed bouts)."""
        p = self.p
        accepted: list[float] = []
        closed: list[Bout] = []
        if self.bout is not None:
            med = self._median_step()
            gap = t - self.bout.steps[-1]
            if gap < (1 - p.rhythm_tolerance) * med:
                return accepted, closed       # too early: a double peak within one step
            if gap <= (1 + p.rhythm_tolerance) * med:
                self.bout.steps.append(t)
                return [t], closed
            closed = self._close()            # rhythm lost: the bout ended
            self.pending = [t]
            return accepted, closed
        # not in a bout: look for min_bout_steps candidates at a steady rhythm
        self.pending.append(t)
        self.pending = [c for c in self.pending if t - c <= p.max_step_s * p.min_bout_steps]
        run = self.pending[-p.min_bout_steps:]
        if len(run) == p.min_bout_steps:
            d = np.diff(run)
            med = float(np.median(d))
            if p.min_step_s <= med <= p.max_step_s and np.all(np.abs(d - med) <= p.start_tolerance * med):
                self.bout = Bout(number=self.n_bouts, steps=list(run))
                self.n_bouts += 1
                self.pending = []
                accepted = list(run)
        return accepted, closed

    def tick(self, now_s: float) -> list[Bout]:
        """Close the bout when no step came for ``end_after_steps`` step times."""
        if self.bout is None:
            return []
        med = self._median_step()
        if now_s - self.bout.steps[-1] > self.p.end_after_steps * med:
            return self._close()
        return []
