"""Synthetic trunk motion with known truth.

The generator builds the trunk's *kinematics* (position of the sensor and attitude of the
trunk) as smooth functions of gait phase, and derives what an IMU would measure from them
exactly: specific force (linear acceleration + gravity) and angular rate, rotated into an
arbitrary sensor mounting. Because the kinematics are explicit, every metric has an exact
truth value (computed here from the same kinematics, per step), so tests can state
tolerances against it.

Body frame: x = AP (forward), y = ML (left), z = V (up). World: the subject walks along +x.

Model, per step (phase φ ∈ [0, 1) from one initial contact to the next):
- vertical: walking — a cosine with its low point just after contact plus a short impact
  transient (its lowest specific force, g − bounce/2 · ω² with ω = 2π × steps per s, is below 0 for a bounce
  over 2g / ω²: 7.0 cm at 160 spm, 4.9 cm at 190 — no walking trunk does that, a foot is on the ground; a real one
  vaults, ≥ g − v²/leg; keep a quick walk's bounce to its leg pendulum, L − √(L² − (step/2)²));
  running — ballistic flight (free fall) and a half-sine contact force, so the
  ground contact time is known; ``run`` between 0 and 1 blends the two positions (a walk → run
  transition when a segment changes it); ``side_load`` makes a one-sided sensor (on the left
  hip) that feels its own leg's contacts more than the other leg's;
- forward speed: an oscillation at step frequency whose fall after contact is the braking;
- lateral: a sine at stride frequency (the trunk moves over the stance foot);
- yaw (twist) at stride frequency, roll (pelvic drop) at stride frequency, pitch (lean) =
  a slowly varying posture plus a small step-frequency nod.
- placement: the sensor sits at the lower back (the pivot above, ``placement="lower_back"``) or on the chest
  (``placement="chest"``): a rigid trunk, the chest sensor ``chest_above_pelvis_m`` above the pivot on the
  trunk's long axis (0.20 m: a strap at the sternum's lower end ≈ 0.71 × body height, a lower-back sensor
  ≈ 0.61 ×; 0.175 m on a 1.75-m walker, rounded up), turning with its roll, pitch and yaw. Its position adds R·(0, 0, L), so its sway
  gains L·roll, its fore-aft motion L·pitch (the nod), and its acceleration the lever's tangential and
  centripetal terms; the truth of sway, bounce, braking and speed is the chest's own motion. (A real thorax
  also counter-rotates against the pelvis and side-bends on its own; the rigid trunk is the simplest model
  that moves a chest sensor differently from a lower-back one. ``drop_deg`` is then the trunk's roll range.)
Parameters may change over time (``segments``) to make patterns that should raise flags.
"""
from __future__ import annotations

import difflib
import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .errors import ArgumentError
from .recording import G, Recording

#: the running landing's impact pulse: how long it lasts (s), in the contact's first 58 ms (peak at 33 ms)
IMPACT_RUN_WIDTH_S = 0.05

#: stairs down (``stair_rise_cm`` < 0): the step phase (after contact) at which the trunk's fall has been caught and
#: it is still, before being let down again towards the next contact
DESCENT_STILL_PHASE = 0.45

#: stairs down: a drop per step of at least this much (cm) has no walking bounce of its own (see the vertical model);
#: shallower drops keep part of it, so a ramp from level ground onto the stairs eases it out
DESCENT_FULL_DROP_CM = 10.0

#: parameters that ``segments`` may change, with their defaults
DEFAULTS: dict[str, float] = {
    "cadence_spm": 110.0,
    "bounce_cm": 3.5,        # vertical oscillation, peak-to-peak per step
    "twist_deg": 10.0,       # yaw range per stride
    "lean_deg": 0.0,         # posture change vs the start (+ forward)
    "posture_lean_deg": 0.0,  # walking leans this much further forward than standing (eased in with the walk)
    "sway_cm": 3.0,          # lateral excursion per stride
    "drop_deg": 4.0,         # roll range per step
    "asymmetry": 0.0,        # step-time asymmetry |L-R|/mean (0.04 = 4 %)
    "braking_mps": 0.15,     # forward-speed loss after contact (walking)
    "speed_mps": 1.3,        # mean forward speed
    "impact_mps2": 4.0,      # loading transient after contact (walking), m/s²
    "contact_s": 0.25,       # ground contact time (running)
    "impact_run_g": 2.5,     # running: the landing's impact peak at the trunk, g over the contact's smooth push
    "contact_balance": 0.0,  # running: left contacts last (1 + b)× contact_s, right (1 − b)× (left share (1 + b)/2)
    "nod_deg": 2.0,          # pitch oscillation per step
    "run": 0.0,              # 0 walking, 1 running (gait="run" sets 1); in between: a blend of the two
    "side_load": 0.0,        # one-sided sensor (left hip): left contacts load it (1 + k)×, right ≈ (1 − k)×
    "turn_deg_per_s": 0.0,   # change of walking direction (+ = to the left): curves and turns
    "grade_pct": 0.0,        # slope of the ground (+ uphill, rise / run × 100): the path climbs at speed × grade.
                             # A steady climb is a constant vertical speed, which no accelerometer feels: what a
                             # hill changes in the signal is the walker's doing (lean, cadence, braking, impact),
                             # set with those parameters — the grade moves only the position
    "side_lean_deg": 0.0,    # the trunk leans sideways this much while walking (+ = to the left; eased in with the
                             # walk): away from a bag carried in one hand, a child on a hip. Its roll range per step
                             # (pelvic_drop_deg's truth) is unchanged; no step metric measures it
    "stair_rise_cm": 0.0,    # stairs: the trunk rises (− falls) this much per step, smoothly within the step
                             # (up: vertical speed 0 at each contact, peak mid-step: rise·(φ − sin 2πφ / 2π);
                             # down: fastest just before contact, caught after it — DESCENT_STILL_PHASE)
    "backward": 0.0,         # 1 = walking backwards (retro walking, a rehab exercise on the belt): see the model below
}


@dataclass
class GaitTruth:
    """The exact values behind a synthetic recording."""

    ic_times_s: np.ndarray
    sides: np.ndarray                    # 'L' / 'R' per contact
    steps: pd.DataFrame                  # per-step truth, STEP_COLUMNS names where they apply
    params: dict[str, Any] = field(default_factory=dict)
    walk_start_s: float = 0.0
    walk_end_s: float = 0.0


def _rot_x(a):
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([o, z, z], -1), np.stack([z, c, -s], -1), np.stack([z, s, c], -1)], -2)


def _rot_y(a):
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([c, z, s], -1), np.stack([z, o, z], -1), np.stack([-s, z, c], -1)], -2)


def _rot_z(a):
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([c, -s, z], -1), np.stack([s, c, z], -1), np.stack([z, z, o], -1)], -2)


def mount_matrix(euler_deg: Sequence[float]) -> np.ndarray:
    """Rotation body ← sensor from z-y-x Euler angles in degrees (yaw, pitch, roll of the mount)."""
    yaw, pitch, roll = np.radians(np.asarray(euler_deg, dtype=float))
    return _rot_z(np.array(yaw)) @ _rot_y(np.array(pitch)) @ _rot_x(np.array(roll))


def _side_factor(step_index, balance):
    """A running contact's length factor by side: left (even) steps 1 + b, right (odd) ones 1 − b."""
    return np.where(np.asarray(step_index) % 2 == 0, 1.0 + balance, 1.0 - balance)


def _param_series(t: np.ndarray, base: dict[str, float], segments, ramp_s: float) -> dict[str, np.ndarray]:
    """Piecewise-constant parameters with linear ramps of ``ramp_s`` between segments."""
    # a constant one is a read-only broadcast view, not t.size floats: 25 full copies made up a quarter of the
    # 1.15 GB that live --simulate's 10-min loop at 200 Hz took (live-long audit s34 F3)
    out = {k: np.broadcast_to(np.float64(v), t.shape) for k, v in base.items()}
    for start, changes in (segments or []):
        for k, v in changes.items():
            if k not in out:
                raise ArgumentError(f"unknown synthetic parameter {k!r} in segments; known: {sorted(out)}")
            w = np.clip((t - start) / ramp_s, 0.0, 1.0) if ramp_s > 0 else (t >= start).astype(float)
            out[k] = out[k] * (1 - w) + float(v) * w
    return out


def synthesize_walk(duration_s: float = 120.0, fs_hz: float = 100.0, *, gait: str = "walk",
                    stand_s: float = 5.0, stand_end_s: float = 3.0,
                    mount_euler_deg: Sequence[float] = (0.0, 0.0, 0.0), gyro: bool = True,
                    noise_mps2: float = 0.05, noise_rads: float = 0.005, gyro_bias_rads: float = 0.0,
                    jitter_s: float = 0.0, step_jitter: float = 0.01,
                    segments: Sequence[tuple[float, dict[str, float]]] | None = None,
                    ramp_s: float = 3.0, seed: int = 0, placement: str = "lower_back",
                    chest_above_pelvis_m: float = 0.20, **params: float) -> tuple[Recording, GaitTruth]:
    """Make a recording of a person standing, walking (or running), standing again.

    Parameters (units in names; see :data:`DEFAULTS` for the gait parameters, given as keywords)
    ----------
    duration_s : total length including the standing parts.
    gait : ``"walk"`` or ``"run"``.
    stand_s, stand_end_s : quiet standing before and after.
    mount_euler_deg : sensor mounting (yaw, pitch, roll) relative to the body, any values.
    segments : ``[(start_s, {param: value}), …]`` changes after ``start_s`` (ramped over ``ramp_s``); a
        param is one of :data:`DEFAULTS` or ``step_jitter``.
    step_jitter : random step-time variability (coefficient of variation).
    jitter_s : timestamp jitter (the samples are taken on time; the *reported* times wobble).
    placement : ``"lower_back"`` (the sensor at the trunk's pivot) or ``"chest"`` (``chest_above_pelvis_m`` above it
        on a rigid trunk; see the module's model); written to the recording's metadata.
    """
    # misuse is an ArgumentError (an ImuGaitError, and the ValueError / TypeError raised before): gait="wlak"
    # silently made a walk, fs_hz="100" failed as "type str doesn't define __round__" (API audit s37)
    if gait not in ("walk", "run"):
        raise ArgumentError(f"gait={gait!r}: give 'walk' or 'run' (a blend: segments=[(start_s, {{'run': 0.5}})])")
    for name, value in (("duration_s", duration_s), ("fs_hz", fs_hz)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0 or not math.isfinite(value):
            raise ArgumentError(f"{name}={value!r} must be a number above 0")
    if placement not in ("lower_back", "chest"):
        raise ArgumentError(f"placement must be 'lower_back' or 'chest', not {placement!r}")
    lever_m = float(chest_above_pelvis_m) if placement == "chest" else 0.0
    rng = np.random.default_rng(seed)
    base = dict(DEFAULTS)
    unknown = set(params) - set(base)
    if unknown:
        raise ArgumentError(f"unknown synthetic parameter(s) {sorted(unknown)}"
                            + "".join(f" (did you mean {close[0]!r}?)" for k in sorted(unknown)
                                      if (close := difflib.get_close_matches(k, list(base), n=1)))
                            + f"; known: {sorted(base)}")
    base.update(params)
    if gait == "run":
        base.update({k: v for k, v in {"cadence_spm": 170.0, "bounce_cm": 8.0, "speed_mps": 3.0,
                                        "braking_mps": 0.25, "run": 1.0}.items() if k not in params})

    over = 10  # oversampling for exact derivatives of the kinematics
    fine_fs = fs_hz * over
    n_fine = int(round(duration_s * fine_fs)) + 2 * over
    t = (np.arange(n_fine) - over) / fine_fs
    p = _param_series(t, {**base, "step_jitter": step_jitter}, segments, ramp_s)   # (jitter may change too)

    # --- contact times from the cadence profile (alternating asymmetry, random variability)
    walk_start, walk_end = stand_s, duration_s - stand_end_s
    ics = [walk_start]
    k = 0
    while True:
        i = min(int((ics[-1] - t[0]) * fine_fs), n_fine - 1)
        step = 60.0 / p["cadence_spm"][i]
        asym = p["asymmetry"][i]
        step *= (1 + asym / 2) if k % 2 == 0 else (1 - asym / 2)
        step *= 1 + p["step_jitter"][i] * rng.standard_normal()
        nxt = ics[-1] + step
        if nxt > walk_end:
            break
        ics.append(nxt)
        k += 1
    ics = np.asarray(ics)
    standing_only = ics.size < 3
    if standing_only:   # no walk at all: keep the phase arithmetic finite (no sample is 'walking'; no truth steps)
        ics = np.array([walk_start, walk_start + 0.5, walk_start + 1.0])
        walk_end = walk_start
    sides = np.where(np.arange(ics.size) % 2 == 0, "L", "R")

    # continuous step phase: φ = k + fraction between contact k and k+1
    kk = np.clip(np.searchsorted(ics, t, side="right") - 1, 0, ics.size - 2)
    frac = (t - ics[kk]) / (ics[kk + 1] - ics[kk])
    walking = (t >= ics[0]) & (t < ics[-1]) & (walk_end > walk_start)
    phase_step = np.where(walking, frac, 0.0)
    # stride phase: 0 at left contacts, 0.5 at right contacts
    phase_stride = np.where(walking, ((kk % 2) + frac) / 2.0, 0.0)
    # smooth start and stop (1 s raised-cosine ramps): real people do not switch on, and the
    # derivatives (acc, gyro) of a hard switch would be unphysical spikes
    ramp = 1.0
    up = np.clip((t - ics[0]) / ramp, 0, 1)
    down = np.clip((ics[-1] - t) / ramp, 0, 1)
    env = (0.5 - 0.5 * np.cos(np.pi * up)) * (0.5 - 0.5 * np.cos(np.pi * down)) * float(walk_end > walk_start)
    step_T = np.where(walking, ics[np.minimum(kk + 1, ics.size - 1)] - ics[kk], 1.0)

    two_pi = 2 * np.pi
    # --- vertical displacement z (m)
    # the walk ↔ run blend eased in and out (raised cosine): with the linear ramp its kinks made the
    # blended position's second derivative a single-sample spike of ~880 g at the ramp's ends
    w_run = 0.5 - 0.5 * np.cos(np.pi * np.clip(p["run"], 0.0, 1.0))
    # one-sided sensor: contact k (even = left) loads it by gain_k. Right contacts get
    # 1 − k·T_left/T_right so that each stride's impulse stays body weight × stride time (else
    # step-time jitter would make the trunk drift up or down stride after stride)
    T_steps = np.diff(ics)
    k_side = p["side_load"][np.clip(((ics[:-1] - t[0]) * fine_fs).astype(int), 0, n_fine - 1)]
    gain = np.where(np.arange(T_steps.size) % 2 == 0, 1 + k_side,
                    1 - k_side * np.concatenate([[T_steps[0]], T_steps[:-1]]) / T_steps)
    gain_now = gain[np.minimum(kk, gain.size - 1)]
    z_run = np.zeros_like(t)
    a_z = None
    if (w_run > 0).any():
        # per step: contact [0, tc) with half-sine force, flight after; integrate exactly per step
        tc = p["contact_s"] * _side_factor(kk, p["contact_balance"])
        tau = frac * step_T
        in_contact = tau < tc
        # the landing's impact peak: a raised-cosine pulse of impact_run_g on the smooth push, from 1/6 of its
        # width into the contact (peak 33 ms in; contacts under 0.125 s: 0.4 × the contact wide). Without it the
        # runner's trunk peaked at 2.2 g (170 spm, 0.25 s contacts) where a real hip belt reads an impact peak of
        # 3.8 g (median; adeptdata: ~30 ms wide, then a valley of ~1.25 g and the push's ~1.9 g plateau) and
        # trunk sensors 2–5 g. Its impulse comes out of the half-sine, so each step's impulse stays body weight
        # × step time: flight and contact time are unchanged (the ground contact truth holds); the bounce is
        # lower, the push's load coming earlier (7.4 → 6.2 cm at 170 spm; the truth is measured from z below)
        w_imp = np.minimum(IMPACT_RUN_WIDTH_S, 0.4 * tc)
        u_imp = np.clip((tau - w_imp / 6) / w_imp, 0, 1)
        imp_g = np.minimum(p["impact_run_g"], step_T / w_imp)            # its impulse ≤ half the step's
        pulse = imp_g * G * (1 - np.cos(2 * np.pi * u_imp)) / 2
        peak = (step_T - imp_g * w_imp / 2) * G * np.pi / (2 * tc)      # zero mean acceleration over the stride
        a_run = np.where(in_contact, gain_now * (peak * np.sin(np.pi * np.clip(tau / tc, 0, 1)) + pulse), 0.0) - G
        a_run = np.where(walking, a_run, 0.0)
        # integrated only where running is blended in: over a long walk before it, the double integral
        # of the (unused) running force drifted by metres, which the blend then mixed into the bounce
        z_run = _integrate_periodic(a_run, fine_fs, walking & (w_run > 0))
        # the bounce cannot be scaled to a requested amplitude physically (it follows from
        # contact time and cadence); the truth is measured from z below
        if (w_run == 1).all():
            a_z = a_run                               # pure running: the exact acceleration
    z_walk = np.zeros_like(t)
    if (w_run < 1).any():
        A = p["bounce_cm"] / 100.0
        # down stairs the stance knee lowers the body all through single support: there is no vault over a straight
        # leg, so the level walk's bounce is not added to the drop (the drop is the trunk's vertical path). Added, at
        # 140 spm its fall and the drop's fell together at 0.89 g — the ground holding 0.11 of body weight with a foot
        # loaded, where descent's force never dips below ~0.6 of it (Riener et al. 2002) — and the engine read the
        # near free fall as a running flight (stairs audit s41). Eased with the stair's own ramp
        A = A * (1.0 - np.clip(-p["stair_rise_cm"] / DESCENT_FULL_DROP_CM, 0.0, 1.0))
        z_walk = -(A / 2) * np.cos(two_pi * (phase_step - 0.1)) * env
        # loading transient: a Mexican-hat displacement whose 2nd derivative is a +peak one
        # width after contact, so the vertical acceleration rises steepest at the contact.
        # Summed over the current and the next contact so it is smooth across contacts.
        sig = 0.025
        nxt_k = np.minimum(kk + 1, ics.size - 1)
        for ref, g_ref in ((ics[kk], gain_now), (ics[nxt_k], gain[np.minimum(nxt_k, gain.size - 1)])):
            u = (t - ref - sig) / sig
            z_walk += -g_ref * p["impact_mps2"] * sig**2 * np.exp(-u**2 / 2) * env
    # a blend changes slowly (over the ramp); its acceleration is differentiated from z below
    # the running bounce eased in and out with the walk (env) like the walking one: its integral starts
    # mid-swing, so switched on at the first contact its jump differentiated into a ~900-g spike
    # whenever a run was blended with walking (segments changing 'run')
    z = (1 - w_run) * z_walk + w_run * z_run * env
    # the path's climb (grade, stairs) on top of the oscillation; the truth's bounce stays the oscillation's
    climb = None
    if np.any(p["grade_pct"] != 0) or np.any(p["stair_rise_cm"] != 0):
        climb_rate = p["speed_mps"] * env * p["grade_pct"] / 100.0
        rise_m = p["stair_rise_cm"] / 100.0
        up_rate = np.where(walking, rise_m / step_T * (1 - np.cos(two_pi * phase_step)), 0.0)
        if np.any(rise_m < 0):
            # down: the stance leg lets the body down late in its single support and the fall is caught after the
            # next contact (weight acceptance: stair descent's largest vertical force, its first peak — McFadyen &
            # Winter 1988, Riener et al. 2002) — the fall fastest 0.05 of a step before contact, stopped at 0.45 after,
            # the catch's upward acceleration peaking 0.2 of a step after contact. With the climb's profile (still at
            # each contact, fastest mid-step) the fall was caught *before* the contact, foot in the air: its upward
            # pulse drew the contacts 0.2–0.25 s early (40 % of a step) and braking read 0 (stairs audit s40). Paced
            # by the cadence, not by each step's length, so the speed is continuous across contacts (it is not 0
            # there); a step's drop is then the rise within the step-time jitter
            down_rate = np.where(walking, rise_m * p["cadence_spm"] / 60.0
                                 * (1 - np.cos(two_pi * (phase_step - DESCENT_STILL_PHASE))), 0.0)
            up_rate = np.where(rise_m < 0, down_rate, up_rate)
        climb_rate = climb_rate + up_rate * env
        climb = np.cumsum(climb_rate) / fine_fs
    # --- forward: speed oscillation (braking after contact)
    b = p["braking_mps"]
    v_walk = (b / 1.902) * np.cos(two_pi * (phase_step - 0.05))
    v_dev = v_walk
    if (w_run > 0).any():
        # running: the ground pushes back in the first half of the contact and forward in the second
        # (one period of a sine), and nothing acts in flight, so the speed is lowest at mid-stance — where
        # the trunk is lowest — and constant in the air. The walking cosine above, used for running too,
        # put the lowest speed a half step after contact, in flight: at short contacts (165 spm, 0.23 s) its
        # speed and height were a quarter cycle apart, so the engine's forward-axis sign test (running:
        # speed and height rise together) read forward backwards — braking 0.0 for 0.25 m/s of truth and a
        # 'sensor turned 180°' mid-run. Speed loss at contact → mid-stance = braking_mps; + b·tc/2T keeps
        # the step's mean speed at speed_mps
        tc_run = np.minimum(p["contact_s"] * _side_factor(kk, p["contact_balance"]), 0.9 * step_T)
        tau_run = frac * step_T
        v_run = np.where(tau_run < tc_run, -b * (1 - np.cos(two_pi * np.clip(tau_run / tc_run, 0, 1))) / 2, 0.0) \
            + b * tc_run / (2 * step_T)
        v_dev = (1 - w_run) * v_walk + w_run * np.where(walking, v_run, 0.0)
    v_dev = v_dev * env
    # --- walking backwards (``backward`` = 1; eased in with a raised cosine, so the trunk slows, stops and sets off
    # the other way within the ramp). What the trunk sees: the person still faces +x but travels along −x. Each
    # stance is still an inverted pendulum about the stance foot, so the speed *along the travel* is lowest when the
    # trunk is highest, as forwards — along the facing direction that speed is negated, so forward speed and height
    # now rise together (the pendulum's sign test reads the travel, i.e. behind the person, as 'forward'). The
    # contact order is reversed (toe first, then heel) but the foot still lands ahead of the trunk *in the travel
    # direction*, so the braking after contact is a loss of travel speed, a push towards the person's front. The
    # fore-aft motion is the forward walk's mirrored (x → −x), and with it the rotations about the vertical and the
    # side-to-side axis change sign (mirroring x flips the twist and the nod, keeps the roll); the sway over each foot,
    # the pelvic drop and the bounce are unchanged. The posture (lean) is the person's, not mirrored: people walk
    # backwards upright or slightly stooped. The toe-first landing softens the loading transient in real retro
    # walking; it is kept here (impact_mps2 sets it) so that only the direction differs from the forward walk.
    direction = None
    if np.any(p["backward"] != 0):                     # (only then: every other walk stays bit-identical)
        direction = np.cos(np.pi * np.clip(p["backward"], 0.0, 1.0))     # +1 forwards → −1 backwards
        v_dev = v_dev * direction
    x = np.cumsum(p["speed_mps"] * env * (1.0 if direction is None else direction) + v_dev) / fine_fs
    # --- lateral: over the stance foot (left contact → moving left)
    S = p["sway_cm"] / 100.0
    y = (S / 2) * np.sin(two_pi * phase_stride) * env
    # --- attitude
    yaw = np.radians(p["twist_deg"] / 2) * np.sin(two_pi * phase_stride - 0.3) * env
    roll = np.radians(p["drop_deg"] / 2) * np.cos(two_pi * phase_stride) * env
    if np.any(p["side_lean_deg"] != 0):           # (only then: every other walk stays bit-identical)
        roll = roll + np.radians(p["side_lean_deg"]) * env
    nod = (p["nod_deg"] / 2) * np.cos(two_pi * phase_step)
    if direction is not None:                          # mirrored fore-aft: the twist and the nod change sign
        yaw = yaw * direction
        nod = nod * direction
    pitch = np.radians(p["lean_deg"] + (p["posture_lean_deg"] + nod) * env)

    if lever_m:
        # a chest sensor L above the pivot on the rigid trunk: R·(0, 0, L) with R = Rz(yaw)·Ry(pitch)·Rx(roll) in
        # the path's frame (heading turns the path below); the constant L itself is left out of z
        cy, sy, cp, sp, cr, sr = np.cos(yaw), np.sin(yaw), np.cos(pitch), np.sin(pitch), np.cos(roll), np.sin(roll)
        x = x + lever_m * (cy * sp * cr + sy * sr)
        y = y + lever_m * (sy * sp * cr - cy * sr)
        z = z + lever_m * (cp * cr - 1.0)
        a_z = None           # the running force's exact acceleration is the pivot's: differentiate the chest's z
        del cy, sy, cp, sp, cr, sr
    # heading: the walking direction turns at turn_deg_per_s; x / y above are along / across it
    heading = np.cumsum(np.radians(p["turn_deg_per_s"]) * env) / fine_fs
    pos = np.stack([x, y, z if climb is None else z + climb], axis=1)
    vel_h = np.gradient(pos, 1 / fine_fs, axis=0)                  # along / across the path, up
    # world: turned by the heading about the vertical, written out (a (N, 3, 3) rotation per fine sample was
    # another 86 MB of the 10-min 200-Hz loop)
    c, s_ = np.cos(heading), np.sin(heading)
    vel = np.stack([c * vel_h[:, 0] - s_ * vel_h[:, 1], s_ * vel_h[:, 0] + c * vel_h[:, 1], vel_h[:, 2]], axis=1)
    del c, s_
    acc_w = np.gradient(vel, 1 / fine_fs, axis=0)
    if a_z is not None:
        acc_w[:, 2] = a_z if climb is None else a_z + np.gradient(climb_rate, 1 / fine_fs)
    # the sensor's attitude only at the samples taken and either side of them (its rate is their central
    # difference, as np.gradient takes it inside the array): over every fine sample, the (N, 3, 3) rotations and
    # their derivative took 1.15 GB for live --simulate's 10-min loop at 200 Hz (live-long audit s34 F3)
    sl = slice(over, n_fine - over, over)
    taken = np.arange(n_fine)[sl]
    near = np.concatenate([taken - 1, taken, taken + 1])
    R = _rot_z((heading + yaw)[near]) @ _rot_y(pitch[near]) @ _rot_x(roll[near])     # world ← body
    M = mount_matrix(mount_euler_deg)                      # body ← sensor
    Rs = (R @ M).reshape(3, taken.size, 3, 3)              # world ← sensor: before, at, after each sample
    del R
    f_world = acc_w[taken] + np.array([0.0, 0.0, G])
    # the per-step truth below needs the kinematics, not these full-rate intermediates: let them go first
    del kk, frac, phase_step, phase_stride, up, down, env, step_T, gain_now, z_run, z_walk, v_dev, v_walk, pos, vel, nod
    del acc_w, walking
    f_sensor = np.einsum("nji,nj->ni", Rs[1], f_world)
    dR = (Rs[2] - Rs[0]) / (2.0 * (1 / fine_fs))
    Om = np.einsum("nji,njk->nik", Rs[1], dR)              # Rᵀ Ṙ = [ω]×
    w_sensor = np.stack([Om[:, 2, 1], Om[:, 0, 2], Om[:, 1, 0]], axis=1)
    del Rs, dR, Om

    t_out = t[sl]
    t_out = t_out - t_out[0]
    shift = t[sl][0]
    acc = f_sensor + noise_mps2 * rng.standard_normal((t_out.size, 3))
    gyr = w_sensor + noise_rads * rng.standard_normal((t_out.size, 3)) + gyro_bias_rads
    t_rep = t_out + (jitter_s * rng.standard_normal(t_out.size) if jitter_s > 0 else 0.0)
    if jitter_s > 0:
        t_rep = np.maximum.accumulate(t_rep)  # a logger never writes time backwards by jitter alone
        t_rep[1:] = np.maximum(t_rep[1:], t_rep[:-1] + 1e-6)

    # --- per-step truth from the same kinematics
    ic = ics - shift
    fine_t = t - shift
    rows = []
    for i in range(1, 0 if standing_only else ic.size - 1):     # (standing only: the stand-in contacts lie
        a, bnd = np.searchsorted(fine_t, [ic[i], ic[i + 1]])     # past the end and are no steps)
        s0 = np.searchsorted(fine_t, ic[i - 2]) if i >= 2 else None
        mid = np.searchsorted(fine_t, ic[i] + 0.5 * (ic[i + 1] - ic[i]))
        backward_step = direction is not None and bool(direction[a] < 0)
        sgn = -1.0 if backward_step else 1.0
        row = {
            "time_s": ic[i], "side": sides[i],
            "step_time_s": ic[i] - ic[i - 1],
            "stride_time_s": ic[i] - ic[i - 2] if i >= 2 else np.nan,
            "cadence_spm": 60.0 / (ic[i] - ic[i - 1]),
            "vertical_oscillation_cm": 100 * (z[a:bnd].max() - z[a:bnd].min()),
            "trunk_twist_deg": np.degrees(np.ptp(yaw[s0:a + 1])) if s0 is not None else np.nan,
            "heading_change_deg": np.degrees(heading[a] - heading[s0]) if s0 is not None else np.nan,
            "step_heading_change_deg": np.degrees(heading[bnd] - heading[a]),   # this contact → the next
            "lateral_sway_cm": 100 * np.ptp(y[s0:a + 1]) if s0 is not None else np.nan,
            # vs the walking posture at the start (the engine's reference) …
            "forward_lean_deg": np.degrees(np.mean(pitch[a:bnd])) - base["lean_deg"] - base["posture_lean_deg"],
            # … and vs standing before the walk (the posture there: lean_deg at the start, env = 0)
            "lean_vs_standing_deg": np.degrees(np.mean(pitch[a:bnd])) - base["lean_deg"],
            "pelvic_drop_deg": np.degrees(np.ptp(roll[a:bnd + 1])),
            # along the travel (backwards: −x), as the engine measures it on the axis of the steps
            "braking_mps": (sgn * vel_h[a, 0] - (sgn * vel_h[a:mid, 0]).min()),
            "speed_mps": float(np.mean(sgn * vel_h[a:bnd, 0])),
            "step_length_m": float(sgn * (x[bnd] - x[a])),          # along the (possibly curved) path
        }
        row["gait"] = "run" if w_run[a] >= 0.5 else "walk"
        if direction is not None:
            row["backward"] = backward_step
        if w_run[a] >= 0.5:
            row["ground_contact_ms"] = 1000 * p["contact_s"][a] * float(_side_factor(i, p["contact_balance"][a]))
        rows.append(row)
    truth_steps = pd.DataFrame(rows)

    meta = {"source": "synthetic", "sample_rate_hz": fs_hz, "placement": placement,
            "device": "imu_gait.synthetic", "gait": gait}
    rec = Recording(time_s=t_rep, acc_mps2=acc, gyro_rads=gyr if gyro else None, meta=meta)
    if standing_only:
        ic, sides = ic[:0], sides[:0]
    truth = GaitTruth(ic_times_s=ic[1:-1] if ic.size > 2 else ic, sides=sides[1:-1], steps=truth_steps,
                      params={**base, "gait": gait, "mount_euler_deg": tuple(mount_euler_deg), "placement": placement,
                              "chest_above_pelvis_m": lever_m,
                              "segments": list(segments or [])},
                      walk_start_s=ic[0] if ic.size else walk_start, walk_end_s=ic[-1] if ic.size else walk_start)
    return rec, truth


def _integrate_periodic(a: np.ndarray, fs: float, mask: np.ndarray) -> np.ndarray:
    """Double-integrate an acceleration that is zero-mean per step, removing linear drift."""
    v = np.cumsum(a) / fs
    idx = np.flatnonzero(mask)
    if idx.size:
        i0, i1 = idx[0], idx[-1]
        v[i0:i1 + 1] -= np.linspace(v[i0], v[i1], i1 - i0 + 1) * 0 + np.mean(v[i0:i1 + 1])
    v = np.where(mask, v, 0.0)
    z = np.cumsum(v) / fs
    if idx.size:
        seg = z[i0:i1 + 1]
        trend = np.polyval(np.polyfit(np.arange(seg.size), seg, 1), np.arange(seg.size))
        z[i0:i1 + 1] = seg - trend
    return np.where(mask, z, 0.0)
