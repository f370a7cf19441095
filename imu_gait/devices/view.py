"""Live view of a :class:`~imu_gait.devices.live.LiveSession`: a calm rich panel on a terminal,
plain periodic status lines otherwise (piped, logged).

Both views have the same three methods, called by :func:`~imu_gait.devices.live.run_live`:
``start(session)``, ``update(session, update)`` after every source item (cheap: they redraw
at most ``refresh_hz`` times a second, immediately when a cue rises or the link changes) and
``stop(session, reason)``. Back-strain cues come from ``engine.live_status()['active_flags']``
and show the moment they rise; ``beep=True`` also rings the terminal bell then. A cue still going
on reads "since 4:19 (36 s so far)"; when it ends, one calm "cleared" line says so. A pattern that
rises again soon after it was told is shown quietly (faded feedback, :mod:`.cues`): on the panel as
always, but with no bell, and the plain view's line says "again" instead of repeating the advice. At
the end, one line counts each pattern's cues.
"""
from __future__ import annotations

import math
import os
import re
import sys
import time
from collections import deque
from collections.abc import Callable
from typing import IO, Any

from ..terminal_text import TerminalSafe, terminal_safe

GAIT_FIELDS = (  # (status key, label, decimals, unit)
    ("cadence_spm", "Cadence", 0, "steps/min"),
    ("walking_speed_mps", "Speed", 2, "m/s"),
    ("vertical_oscillation_cm", "Bounce", 1, "cm"),
    ("trunk_twist_deg", "Twist", 0, "°"),
    ("forward_lean_deg", "Lean", 1, "°"),
    ("lateral_sway_cm", "Sway", 1, "cm"),
)
#: a row shown in another's place once it has a value: lean against standing (where the walker stood still
#: before setting off) says more than lean against the first steps, which reads ~0 at the start of every walk
GAIT_FIELD_BETTER = {"forward_lean_deg": ("lean_vs_standing_deg", " vs standing")}

#: the plain view's status line is ``<clock> <field> <field> …``, each field ``name_unit=value`` (the gait
#: a bare word): gait metrics as (status key, decimals, name with its unit)
PLAIN_GAIT = {"cadence": ("cadence_spm", 0, "cadence_spm"), "speed": ("walking_speed_mps", 2, "speed_mps"),
              "bounce": ("vertical_oscillation_cm", 1, "bounce_cm"), "twist": ("trunk_twist_deg", 0, "twist_deg"),
              "lean": ("forward_lean_deg", 1, "lean_deg"), "lean_standing": ("lean_vs_standing_deg", 1, "lean_standing_deg"),
              "sway": ("lateral_sway_cm", 1, "sway_cm")}
LINK_FIELDS = ("rate", "loss", "drops", "bad", "reconnects")
#: every field the status line can hold (``--status-fields``), in the order it shows them
STATUS_FIELDS = ("gait", "steps", *PLAIN_GAIT, "treadmill", *LINK_FIELDS, "cues", "hints")
#: the default line: ≤ 100 characters even at 1:02:03 with 12345 steps and every metric at its widest.
#: The link and the treadmill get a line of their own when they change, cues and sensor hints theirs
#: when they rise or clear (as the rich panel shows them: apart from the gait)
DEFAULT_STATUS_FIELDS = ("gait", "steps", "cadence", "bounce", "twist", "lean", "sway")


#: Words that need attention (a link down, lost samples, a sensor hint): bold in the terminal's own text colour.
#: Yellow, green and cyan text read 1.7–3.3:1 against the white of a light terminal (xterm, macOS Terminal, GNOME,
#: VS Code; WCAG asks 4.5:1), so colour goes only on short marks beside the words (the cue's ●, a hint's !)
ALERT_STYLE = "bold"

#: TERM values of a terminal that cannot redraw in place (rich's own test, Console.is_dumb_terminal): the live
#: view prints plain status lines there
DUMB_TERMS = ("dumb", "unknown")


def parse_status_fields(text: str) -> tuple[str, ...]:
    """``"steps,cadence,loss"`` or ``"all"`` → the fields in display order; ValueError names the known ones."""
    if text.strip().lower() == "all":
        return STATUS_FIELDS
    asked = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in asked if f not in STATUS_FIELDS]
    if unknown or not asked:
        raise ValueError(f"unknown status field {unknown[0]!r}" if unknown else "no status field given")
    return tuple(f for f in STATUS_FIELDS if f in asked)


def _num(v: Any, decimals: int) -> str:
    """A number for a ``name=value`` field: '-' when there is none (no steps yet), never '-0.0'."""
    text = fmt(v, decimals)
    return "-" if text == "—" else text


def fmt(v: Any, decimals: int = 1, unit: str = "") -> str:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return "—"
    if not math.isfinite(x):
        return "—"
    text = f"{x:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:    # "-0.0°": a lean of -0.04° is no lean
        text = text[1:]
    sep = "" if unit in ("°", "%") else " "
    return f"{text}{sep}{unit}" if unit else text


def fmt_clock(t_s: float) -> str:
    t = max(0, int(t_s))
    h, rem = divmod(t, 3600)
    m, s = divmod(rem, 60)
    return f"{h:d}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


#: the plain view's lines fit a terminal this wide: a longer status line goes on over indented lines
PLAIN_WIDTH = 80
#: how a status line's continuation starts (spaces: never read as a new line's clock)
STATUS_INDENT = "    "


def wrap_status(line: str, width: int = PLAIN_WIDTH) -> list[str]:
    """A status line ``<clock> <field> …`` as lines of at most ``width`` characters where it can be (a field is
    never cut): the fields go on over lines starting with :data:`STATUS_INDENT`, as few lines as ``width`` allows
    and about as long as each other (the default line at its widest, ~100 characters, as two of ~50 — not a last
    line of one field; every field, ~200, as three of ~70). Read back, ``" ".join(l.strip() for l in lines)`` is
    the line."""
    if len(line) <= width:
        return [line]
    words = line.split(" ")

    def fill(share: int) -> list[str]:
        out: list[str] = []
        cur = ""
        for w in words:
            cand = w if not cur else f"{cur} {w}"
            if cur and len(cand) > share:
                out.append(cur)
                cur = STATUS_INDENT + w
            else:
                cur = cand
        out.append(cur)
        return out

    fewest = len(fill(width))
    # the narrowest fill that still needs no more lines than the widest: lines of even length. (An earlier
    # version capped the line count and let the last line take the rest, so a 200-character line came out as
    # one field a line.)
    for share in range(len(line) // fewest, width):
        out = fill(share)
        if len(out) <= fewest:
            return out
    return fill(width)


#: the closed span in an engine flag message: "… from 4:19 to 4:41 (22 s): …"
_FLAG_SPAN = re.compile(r" from (\d+:\d\d(?::\d\d)?) to \d+:\d\d(?::\d\d)? \([^)]*\)")


def _duration(d_s: float) -> str:
    d = int(round(max(float(d_s), 0.0)))
    return f"{d} s" if d < 60 else f"{d // 60} min {d % 60:02d} s"


def _mmss(t_s: float) -> str:
    """'m:ss' (h:mm:ss from an hour) as the engine's flag messages write it: its own m:ss wrote 2:29:46 as
    149:46 beside the cue's 2:30:21 (live-long audit s34 F4)."""
    from ..recording import clock_text

    return clock_text(float(t_s))


def baseline_text(st: dict) -> str | None:
    """'Learning your normal walk: 1:39 of ~3:00 — walk easy, hands free.' while the first minutes of walking
    that the personal baseline is made of are still being walked; None after them (or before any step). The
    panel said 'No back-strain cues — steady.' then, while bounce had doubled inside those minutes — nothing
    told the walker that they were being learned, or for how long (new-user audit s34 #2)."""
    from ..recording import clock_text

    b = st.get("baseline") or {}
    walked, needs = float(b.get("walked_s") or 0.0), float(b.get("needs_s") or 0.0)
    if b.get("settled") or needs <= 0 or not st.get("n_steps") or walked >= needs:
        return None
    kind = "run" if b.get("gait") == "run" else "walk"
    return (f"Learning your normal {kind}: {clock_text(walked)} of ~{clock_text(needs)} — "
            f"{kind} easy, hands free.")


_HEAVY_LOSS = re.compile(r"(\d+) % of the samples were lost (on this computer|over the link)")


def _said_key(hint: str) -> str:
    """What makes a sensor hint new to the plain view. The heavy-loss hint carries its percentage: looked at as
    the data comes (not every few seconds of wall clock), each whole-percent wobble (68 → 67 %) was a new NOTE
    line — it is said again when the loss moves into another ten percent, or to another place."""
    m = _HEAVY_LOSS.match(hint)
    return f"heavy-loss {m.group(2)} {int(m.group(1)) // 10}" if m else hint


def _learned(st: dict) -> bool:
    """The personal baseline's minutes have been walked (or it is settled) — not merely no longer being learned:
    a first 'walk' taken back (wheelchair pushes, a freeze's trembling) drops the steps to 0 and with them the
    learning line, and the plain view said 'your normal walk is learned' on a recording of 0 steps."""
    b = st.get("baseline") or {}
    walked, needs = float(b.get("walked_s") or 0.0), float(b.get("needs_s") or 0.0)
    return bool(st.get("n_steps")) and (bool(b.get("settled")) or (needs > 0 and walked >= needs))


def steady_text(st: dict) -> str:
    """The calm line when no cue holds: 'steady' only for what can be judged — the rules this sensor cannot
    judge (twist, handrail, pelvic drop without a gyroscope) are named, not covered by it."""
    missing = list(st.get("not_judged") or [])
    if not missing:
        return "No back-strain cues — steady."
    names = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
    return f"No back-strain cues — steady ({names}: not judged, no gyroscope)."


def cue_text(session: Any, flag: Any) -> str:
    """A flag's message as a live cue. The engine writes a closed span ("from 4:19 to 4:41 (22 s)"),
    which reads as over while the pattern is still going on; an ongoing one says "since 4:19 (36 s
    so far)", counted to now. A cue held on screen after it ended keeps the engine's closed span."""
    if flag.id not in getattr(session, "ongoing_flag_ids", ()):
        return flag.message
    so_far = session.time_s - (float(flag.start_s) - getattr(session, "time_origin_s", 0.0))
    return _FLAG_SPAN.sub(lambda m: f" since {m.group(1)} ({_duration(so_far)} so far)", flag.message, count=1)


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def severity_word(severity: str) -> str:
    """A severity as people read it ("marked" → "strong": :func:`imu_gait.strain.severity_word`)."""
    from ..strain import severity_word as word

    return word(severity)


def _title(flag: Any) -> str:
    """A flag's title (its own, the evidence's words, for a Flag; the id's for an id)."""
    from ..strain import flag_title

    return flag_title(flag)


def faded_cue_text(session: Any, flag: Any) -> str:
    """A cue shown quietly (faded feedback): the evidence, how often it rose, no advice repeated."""
    hist = getattr(getattr(session, "cues", None), "history", {}).get(flag.id)
    nth = f"{_ordinal(hist.rises)} time this walk" if hist is not None and hist.rises > 1 else "again"
    return f"{cue_text(session, flag)} ({nth}; what to try: as before)"


def cue_tally_text(session: Any) -> str | None:
    """One line counting the cues of the walk per pattern (None when none rose)."""
    cues = getattr(session, "cues", None)
    parts = []
    for fid, rises, told in (cues.tally() if cues is not None else []):
        quiet = rises - told
        parts.append(f"{_title(fid)} {rises}×" + (f" ({quiet} shown quietly)" if quiet else ""))
    return "cues this walk: " + "; ".join(parts) if parts else None


def cleared_text(session: Any, flag: Any) -> str:
    """One calm line for a cue that ended (the engine has not listed it for the hold time) — and, where
    the live status has the flag's metric, where it is now against what the cue compared it with: a cue
    that only ever says what is wrong is what walkers disliked in earlier devices (gait-science.md §2)."""
    title = _title(flag)
    origin = getattr(session, "time_origin_s", 0.0)
    line = (f"cleared: {title} — not seen since {_mmss(float(flag.end_s) - origin)} "
            f"(it lasted {_duration(float(flag.end_s) - float(flag.start_s))})")
    # a cue also ends when the walker stops (a drink on the treadmill: no steps, nothing judged for the hold);
    # the live values are then those of the last steps — 'now 6.6 cm' beside 'cleared' read as though the bounce
    # had eased while it had not (live audit s36 F3)
    quiet = getattr(session, "since_last_step_s", None)
    stopped = quiet is not None and quiet >= NO_STEPS_S
    if stopped:
        line += f"; no steps measured since {_mmss(session.time_s - quiet)}"
    now = _now_against(session, flag, last_steps=stopped)
    return f"{line}{' — ' if stopped else '; '}{now}" if now else line


#: no step for this long (s of samples) when a cue clears: it ended because the walker stopped (or no data came),
#: not because the pattern eased; a walk gives a step every ~0.5 s, and a cue clears only after FLAG_HOLD_S
NO_STEPS_S = 5.0


def _now_against(session: Any, flag: Any, *, last_steps: bool = False) -> str | None:
    """'vertical oscillation now 3.8 cm, your baseline 3.7 cm' (or '…, the limit 4.4 cm'; ``last_steps``:
    '… was 6.6 cm in your last steps, …'); None when the live status does not carry the flag's metric."""
    from ..strain import metric_text, metric_words

    metric = getattr(flag, "metric", None)
    try:
        value = float((session.status() or {}).get(metric))
        ref = float(flag.reference if flag.reference_kind == "baseline" else flag.threshold)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(value) and math.isfinite(ref)):
        return None
    whose = "your baseline" if flag.reference_kind == "baseline" else "the limit"
    if last_steps:
        return (f"{metric_words(metric)} was {metric_text(value, metric)} in your last steps, {whose} "
                f"{metric_text(ref, metric)}")
    return f"{metric_words(metric)} now {metric_text(value, metric)}, {whose} {metric_text(ref, metric)}"


#: DecodeError reasons in words for the live view ("bad packet skipped (value)" told the walker nothing)
PACKET_ERRORS = {"short": "too short", "length": "wrong length", "version": "unknown format version",
                 "value": "implausible value", "stale": "repeat of an earlier packet",
                 "unknown_type": "unexpected data type", "opcode": "unknown command"}


def describe_event(ev: Any) -> str | None:
    """One calm line for a stream status event (None: nothing worth saying)."""
    name = type(ev).__name__
    if name == "Connected":
        mtu = getattr(ev, "mtu", None)
        return (f"connected to {getattr(ev, 'name', '?')} ({getattr(ev, 'family', '?')}"
                + (f", MTU {mtu}" if mtu else "") + ")")
    if name == "Disconnected":
        return None if getattr(ev, "intentional", False) else "link lost — reconnecting; the gap stays a gap"
    if name == "Reconnecting":
        line = f"reconnect attempt {getattr(ev, 'attempt', '?')} in {getattr(ev, 'delay_s', 0):.1f} s"
        why = str(getattr(ev, "reason", "") or "").split("\n")[0]
        return f"{line} (last try: {why})" if why else line       # why it keeps failing, in the sensor's words
    if name == "Gap":
        n = getattr(ev, "n_lost", 0)
        dur = getattr(ev, "t1_s", 0.0) - getattr(ev, "t0_s", 0.0)
        est = "" if getattr(ev, "exact", True) else " (estimated)"
        return f"gap: {n} samples lost{est} over {dur:.2f} s"
    if name == "PacketError":
        reason = getattr(ev, "reason", "?")
        return f"bad packet skipped ({PACKET_ERRORS.get(reason, reason)})"
    if name == "DeviceStopped":
        return "the sensor stopped its stream — sending START again"
    if name == "DeviceRestarted":
        msg = getattr(ev, "message", "") or "the sensor restarted — samples lost, count unknown"
        return msg.split("\n")[0]
    if getattr(ev, "message", ""):            # a notice (SessionNotice, the link's Notice): it says itself
        return str(ev.message).split("\n")[0]
    return f"{name}"


def signal_text(sig: Any) -> dict[str, str]:
    """Signal-quality read-outs as short strings."""
    # (a stream with no counter: what it does count — notifications dropped here, outages estimated — is a floor)
    loss = (("undetectable" + (f" · at least {sig.loss_pct:.1f} % ({sig.lost_samples}) est." if sig.lost_samples
                               else "")) if getattr(sig, "loss_detection", "") == "none" else (
        f"{sig.loss_pct:.1f} %" + (f" ({sig.lost_samples})" if sig.lost_samples else "")))
    if getattr(sig, "loss_detection", "") == "estimated" and sig.lost_samples:
        loss += " est."
    if getattr(sig, "file_gap_samples", 0):        # a replayed file's own holes: not lost here, missing in it
        loss += f" · {sig.file_gap_samples} missing in the file"
    return {"rate": fmt(sig.rate_hz, 1, "Hz"), "loss": loss, "drops": str(sig.queue_drops),
            "bad": str(sig.corrupt), "reconnects": str(sig.reconnects)}


def gait_text(status: dict, standing: str = "standing") -> str:
    """'walking' / 'running' / ``standing`` — one word for both views (the plain one said 'walking'
    until the engine named the gait, then 'walk')."""
    if not status.get("walking"):
        return standing
    gait = status.get("gait") or "walk"
    return {"walk": "walking", "run": "running"}.get(gait, gait)


def treadmill_text(session: Any) -> str | None:
    """'4.5 km/h · 2 %' for the treadmill context in force now, or None (not on a treadmill)."""
    now = getattr(session, "treadmill_now", None)
    if now is None:
        return None
    speed, incline = now()
    bits = ([f"{speed * 3.6:.1f} km/h"] if speed is not None else []) + ([f"{incline:g} %"] if incline is not None else [])
    return " · ".join(bits) or None


def _clock(session: Any) -> float:
    """When something happened, in stream seconds: goes on while the link is down (``clock_s``)."""
    return getattr(session, "clock_s", session.time_s)


def _tail(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters: its end, after an ellipsis, when it is longer."""
    width = max(int(width), 12)
    return text if len(text) <= width else "…" + text[-(width - 1):]


#: Gap lines are merged: at most one per this many stream seconds, saying how many gaps and samples since the
#: last one. A host that fell behind (a Thingy:52 at 20×) sent one line per dropped batch: 2,713 lines of
#: 'gap: 5 samples lost over 0.03 s' in two minutes of walk (found by review). Every gap stays counted in the
#: session's signal (the link line, the closing notes); the merged line loses no count either.
GAP_LINE_EVERY_S = 5.0
#: … and once gaps keep coming (a line said, then more gaps within this long), one per this many stream seconds,
#: with the running count: a host that fell behind for half an hour printed 234 gap lines every 5 s around its
#: cues (live-long audit s34 F2)
GAP_LINE_REPEAT_S = 60.0
#: Reconnect attempts are said one by one while the back-off is short (the first RECONNECT_LINES) …
RECONNECT_LINES = 3
#: … then, while the same failure goes on, at most one line per this many stream seconds, saying how long no data
#: came: a sensor switched off (or left in the changing room) printed a line per attempt for as long as it was away —
#: every ~40 s (30-s back-off + 10-s scan), some 90 alike lines an hour (live audit s36 F5). A new failure is said
#: at once; every attempt is still made.
RECONNECT_LINE_EVERY_S = 300.0
#: A link that keeps dropping and coming back (the walker at the edge of range, a phone grabbing the sensor): its
#: first LINK_DROP_LINES drops are said in full (lost, attempt, connected: three lines each) …
LINK_DROP_LINES = 3
#: … and a drop within this many stream seconds of the one before carries on the run: past those lines its drops,
#: first attempts and reconnects to the same sensor are held and said as one line per LINK_DROP_LINE_EVERY_S with
#: their count. A link dropped every 4 s printed 87 such lines in 2 min of walk (review s41 reconnect F1). A failed
#: attempt, a long outage (RECONNECT_LINES), a connect to another sensor are still said at once; every drop stays
#: counted (the link line's reconnects, the gaps).
LINK_DROP_RUN_S = 60.0
LINK_DROP_LINE_EVERY_S = 60.0


class _BaseView:
    def __init__(self, *, beep: bool = False, clock: Callable[[], float] = time.monotonic, file: IO[str] | None = None):
        self.beep = beep
        self.clock = clock
        self.file = file if file is not None else sys.stdout
        self.events: deque[str] = deque(maxlen=4)
        self.cues_risen = 0
        self._bad_packets_said = 0
        self._gap_said_s: float | None = None      # stream clock of the last gap line
        self._gaps_held: list[Any] = []            # Gap events since then, not yet said …
        self._gaps_held_from_s = 0.0               # … the first of them told at this stream clock
        self._gap_run = 0                          # gap lines said in a row (each within a minute of the last)
        self._gaps_told = [0, 0]                   # gaps and samples said in all (the running count)
        self._reconnect_said_s: float | None = None    # stream clock of the last reconnect line said …
        self._reconnect_why = ""                       # … and the failure it said
        self._drop_run = 0                             # unintended drops in a row, each within LINK_DROP_RUN_S
        self._drop_last_s: float | None = None         # stream clock of the last drop
        self._drops_held: list[float] = []             # drops of the run not yet said (their stream clocks)
        self._drop_said_s: float | None = None         # stream clock of the last held-drops line
        self._drops_flush = False                      # a run ended with drops held: say them at once
        self._link_down = False
        self._connected_name: str | None = None        # the sensor the last Connected named
        self.keys_help: str | None = None      # set when treadmill keys are read (see .keys)

    def note(self, session: Any, line: str) -> None:
        """Something the user did (a treadmill key): shown at once."""
        self.events.append(f"{fmt_clock(_clock(session))}  {line}")

    def tick(self, session: Any) -> None:
        """Called while no item comes (every live.TICK_S): nothing to say by default."""

    def _event_line(self, session: Any, ev: Any) -> str | None:
        if type(ev).__name__ == "Gap":                  # merged: at most one line per GAP_LINE_EVERY_S
            if not self._gaps_held:
                self._gaps_held_from_s = _clock(session)
            self._gaps_held.append(ev)
            return self._gap_line(session)
        name = type(ev).__name__
        if name in ("Disconnected", "Connected", "Reconnecting") and self._link_quiet(session, ev):
            return None
        if name == "Reconnecting":
            line = self._reconnect_line(session, ev)       # (its reason may name the sensor: told as below)
            tell = getattr(session, "told", None)
            return tell(line) if line is not None and callable(tell) else line
        if name == "PacketError":          # say it, but not a hundred times a second
            self._bad_packets_said += 1
            if self._bad_packets_said > 3 and self._bad_packets_said % 100:
                return None
        line = describe_event(ev)
        # (live --anonymise: the sensor's serial and address not on screen either — a screen gets photographed)
        tell = getattr(session, "told", None)
        if line is not None and callable(tell):
            line = tell(line)
        return None if line is None else f"{fmt_clock(_clock(session))}  {line}"

    def _link_quiet(self, session: Any, ev: Any) -> bool:
        """True when this link event is one of a run of drops past LINK_DROP_LINES (held, see LINK_DROP_RUN_S):
        an unintended drop, a first attempt without a failure to tell, a reconnect to the sensor named before."""
        name = type(ev).__name__
        clock = _clock(session)
        if name == "Disconnected":
            if getattr(ev, "intentional", False):
                return False
            self._link_down = True
            recent = self._drop_last_s is not None and clock - self._drop_last_s < LINK_DROP_RUN_S
            self._drop_last_s = clock
            if not recent and self._drops_held:        # the run ended in calm: its held drops are said now
                self._drops_flush = True
            self._drop_run = self._drop_run + 1 if recent else 1
            if self._drop_run <= LINK_DROP_LINES:
                return False
            self._drops_held.append(clock)
            return True
        quiet = self._drop_run > LINK_DROP_LINES
        if name == "Reconnecting":
            return (quiet and self._link_down and int(getattr(ev, "attempt", 0) or 0) <= RECONNECT_LINES
                    and not str(getattr(ev, "reason", "") or "").strip())
        # Connected: the same sensor again, in a run, is held; another one (or the first) is said
        was, self._connected_name = self._connected_name, getattr(ev, "name", None)
        back = quiet and self._link_down and was is not None and was == self._connected_name
        self._link_down = False
        return back

    def _drops_line(self, session: Any, *, now: bool = False) -> str | None:
        """The drops held since the last such line, said when LINK_DROP_LINE_EVERY_S of stream time has passed since
        it (or ``now``: the walk ended, or the run ended). None: nothing held, or too soon."""
        held = self._drops_held
        clock = _clock(session)
        if not held or not (now or self._drops_flush or self._drop_said_s is None
                            or clock - self._drop_said_s >= LINK_DROP_LINE_EVERY_S):
            return None
        self._drops_held, self._drop_said_s, self._drops_flush = [], clock, False
        state = "down now, reconnecting" if self._link_down else "back each time"
        reconnects = getattr(getattr(session, "signal", None), "reconnects", None)
        so_far = f"; {reconnects} reconnects so far" if reconnects is not None else ""
        return (f"{fmt_clock(clock)}  link keeps dropping: {len(held)} more drops since {fmt_clock(held[0])} "
                f"({state}; each a gap){so_far}")

    def _held_lines(self, session: Any, *, now: bool = False) -> list[str]:
        """Gap and link-drop lines held back, said once their time has come."""
        return [ln for ln in (self._gap_line(session, now=now), self._drops_line(session, now=now)) if ln]

    def _reconnect_line(self, session: Any, ev: Any) -> str | None:
        """A reconnect attempt as :func:`describe_event` says it — the first RECONNECT_LINES of an outage, and any whose
        failure differs from the last one said; past them, one line per RECONNECT_LINE_EVERY_S that says how long
        no data came. None: not said this time."""
        clock = _clock(session)
        attempt = int(getattr(ev, "attempt", 0) or 0)
        why = str(getattr(ev, "reason", "") or "").split("\n")[0]
        if (attempt > RECONNECT_LINES and why == self._reconnect_why and self._reconnect_said_s is not None
                and clock - self._reconnect_said_s < RECONNECT_LINE_EVERY_S):
            return None
        self._reconnect_said_s, self._reconnect_why = clock, why
        line = describe_event(ev)
        if attempt > RECONNECT_LINES:
            line = f"still reconnecting, no data for {fmt_clock(clock - session.time_s)}: {line}"
        return f"{fmt_clock(clock)}  {line}"

    def _gap_line(self, session: Any, *, now: bool = False) -> str | None:
        """The gaps held since the last gap line, said when GAP_LINE_EVERY_S of stream time has passed since
        it (or ``now``: the walk ended): one gap as :func:`describe_event` says it, several as their count and
        the samples lost in all. None: nothing held, or too soon."""
        held = self._gaps_held
        clock = _clock(session)
        every = GAP_LINE_EVERY_S if self._gap_run < 2 else GAP_LINE_REPEAT_S
        if not held or not (now or self._gap_said_s is None or clock - self._gap_said_s >= every):
            return None
        recurring = self._gap_said_s is not None and clock - self._gap_said_s < GAP_LINE_REPEAT_S + GAP_LINE_EVERY_S
        self._gap_run = self._gap_run + 1 if recurring else 1
        self._gaps_held, self._gap_said_s = [], clock
        self._gaps_told[0] += len(held)
        self._gaps_told[1] += sum(int(getattr(g, "n_lost", 0)) for g in held)
        so_far = (f"; {self._gaps_told[0]} gaps, {self._gaps_told[1]} samples lost so far"
                  if self._gaps_told[0] > len(held) else "")
        if len(held) == 1:
            line = describe_event(held[0])
        else:
            n = sum(int(getattr(g, "n_lost", 0)) for g in held)
            dur = sum(getattr(g, "t1_s", 0.0) - getattr(g, "t0_s", 0.0) for g in held)
            est = "" if all(getattr(g, "exact", True) for g in held) else " (some estimated)"
            line = (f"gaps: {len(held)} since {fmt_clock(self._gaps_held_from_s)}, {n} samples lost{est} "
                    f"over {dur:.2f} s in all")
        return f"{fmt_clock(clock)}  {line}{so_far}"

    def _bell(self) -> None:
        if self.beep:
            try:
                self.file.write("\a")
                self.file.flush()
            except (OSError, ValueError):
                pass


class PlainView(_BaseView):
    """Plain lines, one thing per line (for logs and pipes): a status line every ``every_s`` seconds (wall
    clock) with the ``fields`` asked for (:data:`DEFAULT_STATUS_FIELDS`: the gait; ``STATUS_FIELDS`` or
    "all" for everything on it); cues, link events and sensor hints at once; the link's counters, the
    treadmill context and the recording's path on a line of their own when they change (unless the
    status line holds them)."""

    def __init__(self, *, every_s: float = 5.0, fields: Any = None, **kw: Any):
        super().__init__(**kw)
        self.every_s = float(every_s)
        if fields is None:
            fields = DEFAULT_STATUS_FIELDS
        elif isinstance(fields, str):
            fields = parse_status_fields(fields)
        self.fields = tuple(fields)
        self._next = None
        self._said: set[str] = set()
        self._last_status: str | None = None
        self._last_link: str | None = None
        self._last_treadmill: str | None = None
        self._recording_said = False

    def _print(self, text: str) -> None:
        try:
            # (a replayed file's name, a marks note, a sensor's name come from outside: controls shown as '?')
            print(terminal_safe(text), file=self.file, flush=True)
        except (BrokenPipeError, ValueError):
            pass

    def start(self, session: Any) -> None:
        # wall-clock seconds: at --speed 10 a line comes every 50 s of the walk
        self._print(f"imu-gait live: {session.device or 'sensor'} — status every {self.every_s:g} s of wall-clock "
                    "time, Ctrl-C to stop" + (f"; {self.keys_help}" if self.keys_help else ""))
        self._next = self.clock() + self.every_s

    def note(self, session: Any, line: str) -> None:
        super().note(session, line)
        self._print(self.events[-1])

    # ---- the fields: each "name_unit=value" (a count has no unit; the gait is one word)
    def _field(self, name: str, session: Any, st: dict) -> str | None:
        if name == "gait":
            return gait_text(st)
        if name == "steps":
            return f"steps={st.get('n_steps', 0)}"
        if name in PLAIN_GAIT:
            key, decimals, label = PLAIN_GAIT[name]
            return f"{label}={_num(st.get(key), decimals)}"
        sig = session.signal
        if name == "treadmill":
            return self._treadmill(session)
        if name == "rate":
            return f"rate_hz={_num(sig.rate_hz, 1)}"
        if name == "loss":
            if getattr(sig, "loss_detection", "") == "none":
                return "loss=undetectable" + (f" lost_est={sig.lost_samples}" if sig.lost_samples else "")
            est = "_est" if getattr(sig, "loss_detection", "") == "estimated" else ""
            return (f"loss{est}_pct={sig.loss_pct:.1f}" + (f" lost{est}={sig.lost_samples}" if sig.lost_samples else "")
                    + (f" missing_in_file={sig.file_gap_samples}" if getattr(sig, "file_gap_samples", 0) else ""))
        if name == "drops":
            return f"queue_drops={sig.queue_drops}"
        if name == "bad":
            return f"bad_packets={sig.corrupt}"
        if name == "reconnects":
            return f"reconnects={sig.reconnects}"
        if name == "cues":
            flags = session.active_flags
            return "cues=" + (",".join(f.id for f in flags) if flags else "none")
        if name == "hints":
            # (the heavy-loss line leads the hints: a session losing most samples read 'sensor_moved?' — review)
            lossy = getattr(sig, "heavy_loss_hint", None)
            if lossy is not None and lossy() is not None:
                return "hint=samples_lost"
            if st.get("one_sided_signal"):
                return "hint=one_side?"
            return "hint=sensor_moved?" if st.get("sensor_hints") else None
        raise ValueError(f"unknown status field {name!r}")

    @staticmethod
    def _treadmill(session: Any) -> str | None:
        now = getattr(session, "treadmill_now", None)
        if now is None:
            return None
        speed, incline = now()
        bits = ([f"belt_kmh={speed * 3.6:.1f}"] if speed is not None else []) + (
            [f"incline_pct={incline:g}"] if incline is not None else [])
        return " ".join(bits) or None

    def status_line(self, session: Any) -> str:
        st = session.status()
        parts = [fmt_clock(session.time_s)]
        parts += [p for p in (self._field(f, session, st) for f in self.fields) if p]
        return " ".join(parts)

    def _print_status(self, line: str) -> None:
        for part in wrap_status(line):
            self._print(part)

    def link_line(self, session: Any) -> str:
        """The link on one line: measured rate, loss, queue drops, bad packets, reconnects."""
        return f"{fmt_clock(session.time_s)}  link " + " ".join(self._field(f, session, {}) for f in LINK_FIELDS)

    def update(self, session: Any, upd: Any) -> None:
        if upd.event is not None:
            line = self._event_line(session, upd.event)
            if line:
                self._print(line)
        faded = getattr(upd, "faded_flag_ids", ())
        for f in upd.new_flags:
            self.cues_risen += 1
            if f.id in faded:
                self._print(f"{fmt_clock(session.time_s)}  CUE again [{severity_word(f.severity)}] {faded_cue_text(session, f)}")
                continue
            self._print(f"{fmt_clock(session.time_s)}  CUE [{severity_word(f.severity)}] {cue_text(session, f)} — {f.advice}")
            self._bell()
        for f in getattr(upd, "cleared_flags", ()):
            self._print(f"{fmt_clock(session.time_s)}  {cleared_text(session, f)}")
        for held in self._held_lines(session):          # gaps, link drops held back, said once their time has come
            self._print(held)
        if getattr(upd, "status_changed", False):
            # said when the walk's state changes, by the data — not only with a status line, which comes by the
            # wall clock: a replay faster than its status lines (--speed 0) said neither that the normal walk was
            # being learned nor that it was learned, and how many NOTE lines came was how fast the machine was
            self._notes(session, session.status())
        now = self.clock()
        if self._next is not None and now >= self._next:
            self._status_lines(session)
            self._next = now + self.every_s

    def _notes(self, session: Any, st: dict) -> None:
        """The NOTE lines the live state calls for, each said once: the sensor hints, learning the normal walk and
        its end, what is not judged without a gyroscope."""
        clock = fmt_clock(session.time_s)
        for hint in st.get("sensor_hints") or []:
            key = _said_key(hint)
            if key not in self._said:              # each said once, in full, on its own line
                self._said.add(key)
                self._print(f"{clock}  NOTE {hint}")
        learning = baseline_text(st)
        if learning is not None and "learning" not in self._said:
            self._said.add("learning")
            from ..recording import clock_text

            b = st["baseline"]
            kind = "run" if b.get("gait") == "run" else "walk"
            self._print(f"{clock}  NOTE learning your normal {kind} from its first ~{clock_text(b['needs_s'])} of "
                        f"{'running' if kind == 'run' else 'walking'} — {kind} easy, hands free; cues compare with those minutes")
        elif learning is None and "learning" in self._said and "learned" not in self._said and _learned(st):
            self._said.add("learned")
            kind = "run" if (st.get("baseline") or {}).get("gait") == "run" else "walk"
            self._print(f"{clock}  NOTE your normal {kind} is learned: cues now compare with it")
        if st.get("not_judged") and "not_judged" not in self._said and st.get("n_steps"):
            self._said.add("not_judged")
            self._print(f"{clock}  NOTE no gyroscope: {steady_text(st).split('(', 1)[1].split(':')[0]} are not judged")

    def _status_lines(self, session: Any) -> None:
        line = self.status_line(session)
        clock = fmt_clock(session.time_s)
        self._notes(session, session.status())
        rec = getattr(session, "record_path", None)
        if rec and not self._recording_said:
            self._recording_said = True
            self._print(f"{clock}  recording to {_record_shown(session, rec)}")
        if not set(LINK_FIELDS) <= set(self.fields):
            # said when a counter changes (the measured rate goes with them: it wanders in its last digit)
            key = " ".join(self._field(f, session, {}) for f in LINK_FIELDS if f != "rate")
            if key != self._last_link:
                self._last_link = key
                self._print(self.link_line(session))
        if "treadmill" not in self.fields:
            tm = self._treadmill(session)
            if tm != self._last_treadmill:
                self._last_treadmill = tm
                self._print(f"{clock}  treadmill {tm or 'off'}")
        # the closing status line repeated the periodic one word for word when the walk ended within
        # the same second (--duration 5 with a status every 5 s printed '00:05 …' twice)
        if line != self._last_status:
            self._print_status(line)
            self._last_status = line

    def stop(self, session: Any, reason: str) -> None:
        for held in self._held_lines(session, now=True):
            self._print(held)
        self._status_lines(session)
        tally = cue_tally_text(session)
        if tally:
            self._print(f"{fmt_clock(session.time_s)}  {tally}")
        self._print(f"stopped: {reason}")


class RichView(_BaseView):
    """A calm rich panel (``rich.live.Live``), redrawn once a second (``refresh_hz``) and at once when
    a cue rises or the link changes."""

    def __init__(self, *, console: Any = None, refresh_hz: float = 1.0, **kw: Any):
        super().__init__(**kw)
        from rich.console import Console

        self.console = console if console is not None else Console(file=self.file)
        if console is not None:
            self.file = console.file
        self.refresh_s = 1.0 / float(refresh_hz)
        self._live = None
        self._last = -1e18
        self.n_renders = 0

    def start(self, session: Any) -> None:
        from rich.live import Live

        self._live = Live(self.render(session), console=self.console, auto_refresh=False, transient=False)
        self._live.start()
        self._last = self.clock()

    def render(self, session: Any, reason: str | None = None):
        from rich import box
        from rich.console import Group
        from rich.panel import Panel
        from rich.table import Table
        from rich.text import Text

        st = session.status()
        sig = session.signal
        gait_rows = [("Steps", str(st.get("n_steps", 0)))]
        for k, label, d, u in GAIT_FIELDS:
            better, said = GAIT_FIELD_BETTER.get(k, (None, ""))
            if better is not None and fmt(st.get(better), d, u) != "—":
                gait_rows.append((label, fmt(st.get(better), d, u) + said))    # (the label column stays narrow)
            else:
                gait_rows.append((label, fmt(st.get(k), d, u)))
        gait_rows.append(("Gait", gait_text(st, standing="standing / not walking")))
        tm = treadmill_text(session)
        if tm:
            gait_rows.append(("Treadmill", tm))
        s = signal_text(sig)
        rec = getattr(session, "record_path", None)
        # the link down: how long no data came (the panel froze at the last sample's time for a whole outage,
        # its rate still reading 100 Hz — live audit s36 F2)
        down = sig.connects > 0 and not sig.connected
        quiet_s = _clock(session) - session.time_s if down else 0.0
        link_rows = [
            ("Link", "streaming" if sig.connects == 0 else
             "connected" if sig.connected else Text("reconnecting…", style=ALERT_STYLE)),
            ("Sample rate", Text(f"no data for {fmt_clock(quiet_s)}", style=ALERT_STYLE) if down else s["rate"]),
            ("Packet loss", s["loss"]),
            ("Queue drops", Text(s["drops"], style=ALERT_STYLE if sig.queue_drops else "")),
            ("Bad packets", s["bad"]), ("Reconnects", s["reconnects"]),
            ("Recording", _record_shown(session, rec) if rec else "off")]
        # gait | link side by side as pre-aligned text: tables re-measure every cell on each redraw,
        # which made the view the costliest part of the live pipeline
        wl = max(len(lab) for lab, _ in gait_rows)
        wr = max(len(lab) for lab, _ in link_rows)
        wv = max(24, max(len(str(v)) for _, v in gait_rows) + 2)
        # the recording's path is the one long value: on an 80-column terminal the default
        # 'recordings/<time>_<device>.csv' wrapped onto a line of its own, under the gait column; its
        # tail (the file name) is what tells one walk from another (the full path is printed at the end)
        room = self.console.width - 2 - 2 * 2 - (wl + 2 + wv + wr + 2)
        link_rows[-1] = ("Recording", _tail(link_rows[-1][1], room))
        lines = []
        link_rows += [("", "")] * (len(gait_rows) - len(link_rows))
        for (gl, gv), (ll, lv) in zip(gait_rows, link_rows):
            lines.append(Text.assemble((gl.rjust(wl), "dim"), "  ", str(gv).ljust(wv),
                                       (ll.rjust(wr), "dim"), "  ", lv))
        top = Group(*lines)

        flags = session.active_flags
        learning = baseline_text(st)
        if flags:
            cues = Table.grid(padding=(0, 1))
            cues.add_column()
            for f in flags:
                colour = {"mild": "yellow", "moderate": "dark_orange", "marked": "red"}.get(f.severity, "yellow")
                cues.add_row(Text.assemble(("● ", colour), (cue_text(session, f), "bold"), ("  " + f.advice, "dim")))
            if learning is not None:              # (a cue that rose in those minutes: they are not over)
                cues.add_row(Text(learning))
        else:
            cues = Text(learning) if learning is not None else Text(steady_text(st))
        parts: list[Any] = []
        # placement doubts (while the sensor can still be moved) and most samples lost: above the numbers they
        # doubt (below the cues, a loss-corrupted cadence read as an ordinary one first — review)
        for hint in st.get("sensor_hints") or []:
            parts += [Text.assemble(("! ", "bold yellow"), (hint, ALERT_STYLE)), Text("")]
        parts += [top, Text(""), cues]
        if self.events:
            parts += [Text(""), Text("\n".join(self.events), style="dim")]
        if self.keys_help and not reason:
            parts += [Text(""), Text(self.keys_help, style="dim")]
        if reason:
            tally = cue_tally_text(session)
            if tally:
                parts += [Text(""), Text(tally[0].upper() + tally[1:])]
            parts += [Text(""), Text(f"Stopped: {reason}", style="bold")]
        # the stream's clock, which goes on while no sample comes (the last sample's time stood still)
        title = f"imu-gait live · {session.device or 'sensor'} · {fmt_clock(_clock(session))}"
        # the title in the terminal's own colour, not the border's grey50 (3.9:1 on a light terminal's white)
        return TerminalSafe(Panel(Group(*parts), title=Text(title, style="default"), title_align="left", box=box.ROUNDED,
                                  border_style="grey50", padding=(1, 2)))

    def update(self, session: Any, upd: Any) -> None:
        urgent = False
        if upd.event is not None:
            line = self._event_line(session, upd.event)
            if line:
                self.events.append(line)
                urgent = True
        if upd.new_flags:
            self.cues_risen += len(upd.new_flags)
            faded = getattr(upd, "faded_flag_ids", ())
            if any(f.id not in faded for f in upd.new_flags):      # a faded cue is shown, not rung
                self._bell()
            urgent = True
        for f in getattr(upd, "cleared_flags", ()):
            self.events.append(f"{fmt_clock(session.time_s)}  {cleared_text(session, f)}")
            urgent = True
        for held in self._held_lines(session):          # gaps, link drops held back, said once their time has come
            self.events.append(held)
            urgent = True
        now = self.clock()
        if self._live is not None and (urgent or now - self._last >= self.refresh_s):
            self._live.update(self.render(session), refresh=True)
            self.n_renders += 1
            self._last = now

    def note(self, session: Any, line: str) -> None:
        super().note(session, line)
        if self._live is not None:
            self._live.update(self.render(session), refresh=True)
            self.n_renders += 1

    def tick(self, session: Any) -> None:
        """No item came for a while (a link being reconnected: the supervisor backs off up to 30 s, then scans up
        to 10 s): redrawn at the refresh rate all the same, its clock going on — it stood still between
        reconnect attempts, looking hung (live audit s36 F2)."""
        now = self.clock()
        if self._live is not None and now - self._last >= self.refresh_s:
            self._live.update(self.render(session), refresh=True)
            self.n_renders += 1
            self._last = now

    def stop(self, session: Any, reason: str) -> None:
        for held in self._held_lines(session, now=True):
            self.events.append(held)
        if self._live is not None:
            self._live.update(self.render(session, reason), refresh=True)
            self._live.stop()
            self._live = None


def make_view(kind: str = "auto", *, beep: bool = False, every_s: float = 5.0, file: IO[str] | None = None,
              fields: Any = None, **kw: Any) -> RichView | PlainView:
    """``kind``: "auto" (rich on a terminal, plain lines otherwise), "rich" or "plain". ``fields``: the
    plain view's status fields (default :data:`DEFAULT_STATUS_FIELDS`)."""
    f = file if file is not None else sys.stdout
    if kind == "auto":
        # a dumb terminal (TERM=dumb: Emacs' shell, some screen-reader setups) cannot move the cursor, and rich's
        # Live then draws the panel once, after the walk: the walker saw no step count and no cue until the end
        dumb = os.environ.get("TERM", "").lower() in DUMB_TERMS
        kind = "rich" if getattr(f, "isatty", lambda: False)() and not dumb else "plain"
    if kind == "rich":
        return RichView(beep=beep, file=f, **kw)
    if kind == "plain":
        return PlainView(beep=beep, every_s=every_s, file=f, fields=fields, **kw)
    raise ValueError(f"unknown view {kind!r}: auto, rich or plain")


def _record_shown(session: Any, rec: Any) -> str:
    """The recording's file as the view names it: its path — or, ``live --anonymise``, not (a path you gave,
    ``--record ~/Patient_Smith/walk.csv``, names the person, and the view's output gets logged and shared): the
    file is named once the walk ends, on standard error, with the other outputs written."""
    if getattr(session, "anonymise", False):
        return "a file (named at the end)"
    return str(rec)
