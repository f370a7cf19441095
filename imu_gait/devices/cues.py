"""Faded feedback for live cues (gait-science.md §7: "fade cues over time").

Motor-learning studies give feedback less and less often so that the walker learns to feel the
pattern instead of waiting for the device (gait retraining fades feedback over ~8 visits,
Giraldo-Pedroza 2020). Within one walk that means: the first time a pattern rises, its cue comes in
full — the bell and what to try. When the same pattern rises again soon after, the cue is still
shown (it is on the live panel for as long as the pattern lasts) but quietly: no bell, no advice
repeated. A pattern is told in full again once ``first_gap_s`` has passed since it was last told,
then after twice that, four times that … (2, 4, 8, 16 min with the default), and at once whenever
it comes back *stronger* than when it was last told.

The policy is a small object on plain numbers (stream seconds, severity words), so the live session
and the tests use the same code; the views only read its decision.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

#: seconds after a cue was told in full before the same pattern is told in full again (doubling each time)
CUE_FADE_S = 120.0
SEVERITY_RANK = {"mild": 0, "moderate": 1, "marked": 2}


@dataclass
class CueHistory:
    """One pattern's cues in this walk."""
    rises: int = 0                 # times the cue rose
    told: int = 0                  # … of them told in full (bell, advice)
    told_at_s: float = -math.inf   # stream time of the last full cue
    told_rank: int = -1            # its severity (SEVERITY_RANK)


class CueFader:
    """Decides, each time a cue rises, whether it is told in full or shown quietly.

    Parameters
    ----------
    first_gap_s : seconds after a full cue before the same pattern is told in full again; the gap
        doubles after every full cue. ``None`` or 0: no fading — every rise is told in full.
    growth : factor the gap grows by after each full cue (2: 2, 4, 8 … min).

    ``history`` maps each flag id to its :class:`CueHistory`.
    """

    def __init__(self, first_gap_s: float | None = CUE_FADE_S, growth: float = 2.0):
        if first_gap_s is not None and not (math.isfinite(first_gap_s) and first_gap_s >= 0):
            raise ValueError(f"cue fade gap must be a number of seconds ≥ 0 (0: no fading), not {first_gap_s!r}")
        if not growth >= 1.0:
            raise ValueError(f"cue fade growth must be ≥ 1, not {growth!r}")
        self.first_gap_s = float(first_gap_s or 0.0)
        self.growth = float(growth)
        self.history: dict[str, CueHistory] = {}

    def gap_s(self, told: int) -> float:
        """Seconds that must pass after the ``told``-th full cue before the next one (0 when not fading)."""
        return self.first_gap_s * self.growth ** max(told - 1, 0)

    def rise(self, flag_id: str, severity: str, now_s: float) -> bool:
        """A cue for ``flag_id`` rose at stream time ``now_s``: True to tell it in full, False to show it
        quietly. Records the decision."""
        h = self.history.setdefault(flag_id, CueHistory())
        h.rises += 1
        rank = SEVERITY_RANK.get(severity, 0)
        full = (self.first_gap_s <= 0 or h.told == 0 or rank > h.told_rank
                or now_s - h.told_at_s >= self.gap_s(h.told) - 1e-9)
        if full:
            h.told += 1
            h.told_at_s = float(now_s)
            h.told_rank = rank
        return full

    def tally(self) -> list[tuple[str, int, int]]:
        """(flag id, rises, told in full) per pattern, in the order they first rose."""
        return [(fid, h.rises, h.told) for fid, h in self.history.items()]
