"""The one analysis engine: samples in (whole or chunk by chunk), steps, metrics and flags out.

Offline analysis (:func:`analyze`) feeds a whole recording to :class:`GaitEngine` in chunks;
live monitoring feeds it whatever the sensor delivered in the last fraction of a second.
Every stage is chunk-invariant (see ``dsp/filters.py``), so both give the same steps and
the same per-step metrics. Memory stays flat: the engine keeps only the last ~30 s of
samples, whatever the length of the recording.

Pipeline per chunk: resample to a uniform grid → track 'up' (gravity) → vertical
acceleration → step candidates with a 0.35 s look-ahead → walking-bout acceptance →
(once the forward axis is known) per-step metrics → strain rules on the table so far. A closed walk's
trailing steps after which the trunk settled reclined (sat down) are taken back ~1.75 s after them, and a
closed walk of 16+ steps with no rhythm at all, or one during which the trunk neither turned nor rolled
(jolts from a vibrating seat or floor), is taken back whole (``EngineUpdate.retracted``; see
:meth:`GaitEngine._check_postures`, :meth:`GaitEngine._retract_if_aperiodic` and
:meth:`GaitEngine._retract_if_trunk_still`).
"""
from __future__ import annotations

import difflib
import functools
import inspect
import math
import numbers
import os
import warnings as warnings_module
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence, TypeVar

import numpy as np
import pandas as pd

from .bouts import MAX_PAUSE_S, PENDULUM_ONLY_METRICS, bout_outcomes, bout_table, span_cadence_spm
from .days import VALID_DAY_WORN_H, MinuteStats, clock_summary, day_outcomes, day_table, recording_clock, worn_minutes
from .dsp.filters import VerticalDisplacement, causal_fir_valid, fir_lowpass
from .dsp.gyro_check import MATCHING_MAX_BY_KIND, gyro_axis_mismatch
from .dsp.metrics import (REGULARITY_ANCHOR_SAMPLES, RUN_CLEAR_FLIGHT_S, RUN_FLIGHT_G, RUN_MIN_CADENCE_SPM,
                          cadence_for_height, dips_to_free_fall, RUN_SLOW_MIN_CADENCE_SPM,
                          BodySignals, parity_breaks,
                          regularity, side_votes, step_rows)
from .dsp.orientation import (ForwardEvidence, GravityTracker, cross_rows, forward_axis, forward_evidence,
                              horizontal_unit, row_dot, row_dot_as_einsum)
from .dsp.posture import (braking_vector, recline_deg, still_stretch_after, still_stretch_before, unit, walking_up,
                          window_mean_rows)
from .dsp.resample import StreamResampler
from .dsp.segments import clip
from .dsp.steps import StepAcceptor, StepParams, candidate_mask, refine_contacts
from .errors import ArgumentError, StuckAxisError  # noqa: F401  (ArgumentError: imu_gait.engine.ArgumentError, as before)
# plausible ranges of the context a caller gives (the CLI's options refuse the same, from the same constants)
from .recording import (MIN_RATE_ACCEPTED_HZ, MIN_RATE_HZ, BODY_HEIGHT_RANGE_M, CLIPPED_PREFIX, G, IN_G_MEDIAN_RANGE,
                        SENSOR_HEIGHT_RANGE_M, STUCK_AXIS_HINT, Recording, float_samples, gravity_size, stuck_axes,
                        stuck_axes_text)
from .result import BACKWARD_NOTE_WORDS, SIDE_STEP_NOTE_WORDS, STEP_COLUMNS, AnalysisResult
from .saturation import saturation
from .strain import (WALKING_AIDS, StrainConfig, evaluate_flags, lean_jumps, placement_kind, reusing_window_medians,
                     roll_name, steady_walk_variability, turning_steps, walking_aid_name, without_turns)
from .treadmill import INCLINE_RANGE_PCT, SPEED_RANGE_MPS, TreadmillSchedule, mmss

ENGINE_RATE_HZ = 100.0
#: forward for the sitting-down check (StepParams.seated_*): the horizontal acceleration in the BRAKING_WINDOW_S
#: after each contact minus that before it, summed over every step so far — the trunk slows at each contact, and
#: the left / right sway cancels over both feet. On the Mobilise-D daily recordings it ends 11° (HA001) and 28°
#: (HA002) from the sensor's anteroposterior axis (60° early in HA002), where the forward-axis calibration
#: found the mediolateral one (short daily walks show forward only faintly: quality 1.1–2.6). Needs no walk
#: of 16 steps and gives the sign without the pendulum-phase test that flipped on a 7-step walk there
BRAKING_WINDOW_S = 0.10
BRAKING_MIN_STEPS = 8
#: per-step metrics the summary gives as medians (with ``_iqr``)
SUMMARY_METRICS = ("cadence_spm", "step_time_s", "stride_time_s", "vertical_oscillation_cm", "step_length_m",
                   "walking_speed_mps", "vertical_ratio_pct", "trunk_twist_deg", "forward_lean_deg", "lean_vs_standing_deg",
                   "lateral_sway_cm", "pelvic_drop_deg", "braking_mps", "impact_g", "ground_contact_ms", "step_regularity",
                   "stride_regularity", "symmetry")
#: what a sensor off the trunk (a pocket) cannot speak for
TRUNK_ONLY_METRICS = ("vertical_oscillation_cm", "vertical_ratio_pct", "trunk_twist_deg", "forward_lean_deg",
                      "lean_vs_standing_deg",
                      "lateral_sway_cm", "pelvic_drop_deg", "braking_mps", "impact_g",
                      # the pendulum step length (and the speed from it) is computed from that same bounce
                      "step_length_m", "walking_speed_mps",
                      # step-to-step likeness: a pocket's signal repeats every stride, not every step (its
                      # symmetry 0.36 on the Oxford back pocket is the pocket, not a limp)
                      "step_regularity", "symmetry")
#: … and the rules' series of left/right timing, which for a pocket are the pocket's
POCKET_HIDDEN_TIMELINE = ("step_time_asymmetry_pct", "step_time_asymmetry_lcb_pct", "pelvic_drop_lr_diff_deg",
                          "gct_balance_long_side_pct")
#: a belt speed whose step length (belt × step time, median per gait) no walker / runner reaches is a unit slip
BELT_STEP_MAX_M = {"walk": 1.3, "run": 2.6}      # longest steps in the literature: fast walking ~1 m, sprinting ~2.5 m
BELT_STEP_MIN_M = 0.25                          # … or shorter than a shuffle while stepping briskly:
BELT_SHORT_CHECK_MIN_SPM = 95.0                  # slow treadmill walking (rehab, 1–2 km/h) goes with a low cadence
BELT_CHECK_MIN_STEPS = 10
#: the flat-trunk check (:meth:`GaitEngine._retract_if_flat`) judges a walk's median bounce only when at least
#: ``flat_min_steps // FLAT_MEASURED_DIVISOR`` of its steps (8 of the default 16) have a bounce measured — half the
#: length bar, as the no-rhythm check asks of its regularities (8072a99 gives no other reason)
FLAT_MEASURED_DIVISOR = 2
#: running-only general limits (low cadence, high bounce) not cued live: see :meth:`GaitEngine.live_status`
LIVE_UNCUED_RUN_FALLBACKS = ("overstriding", "vertical_bounce")
#: the first seconds a GaitEngine is fed are checked once for the unit slips a Python caller can make
#: (acceleration in g or without gravity, angular rate in deg/s): the engine would find few or no steps and
#: say nothing. Readers check whole files (Recording.validated); this guards data fed directly.
UNIT_CHECK_S = 5.0
#: a stuck accelerometer axis is judged on the first seconds fed in which the sensor moves this long (a walk
#: often starts standing), looked for among the last STUCK_PROBE_S fed until then
STUCK_CHECK_MOVING_S = 2.0
STUCK_PROBE_S = 30.0
#: … the angular rate over a longer stretch: a walk often starts standing, still in any unit
GYRO_UNIT_CHECK_S = 60.0
#: a worn trunk's |ω| stays far below this (walking 0.5–2 rad/s, fast turns ~5); walking in deg/s is 30–100
FED_GYRO_MAX_P95_RADS = 20.0
#: below this input rate (Hz) a landing is not resolved in time: its impact peak (a 25–50-ms pulse) falls on one
#: sample or none, and a running contact's edges lie 1000 / rate ms apart. Measured on synthetic truth (benchmarks/
#: rates.py, s39): at 20–30 Hz impact read 20–42 % low running (truth 3.3 g: 1.9–2.6 g) and 6–15 % low walking,
#: ground contact +10…+30 ms, and a run's stride-time CV 2–4 points high (0.55 % → 2.1–4.7 % without the sensor's
#: own low-pass), the step-time asymmetry up to +1.4 points; at 50–52 Hz contact time and the run's timing held
#: (±10 ms, CV within 0.3 points). So below it impact_g and ground_contact_ms are not given (null, with a warning),
#: and a run's stride-time CV, step-time asymmetry and contact-time balance neither
TIMING_MIN_RATE_HZ = 40.0
#: under this input rate (and from TIMING_MIN_RATE_HZ) a run's impact is given with a note: at 50–52 Hz it reads
#: 5–12 % low on synthetic runs (point-sampled 5–7 %, with clock jitter 7–9 %, with the sensor's own low-pass
#: 10–12 %, of which its filter takes 7–8 % off the continuous peak; 100 Hz: within 2 % point-sampled, 7 % with
#: clock jitter). Read as the 100-Hz grid's highest point it was 7–17 % low: metrics.upsampled_peak (s42)
IMPACT_FULL_RATE_HZ = 90.0
#: under this input rate a walk's step-time asymmetry is not given either: its contacts are pinned to the sample
#: times and, at some cadences, one foot's steps come out a sample longer more often than the other's — even
#: synthetic walks (true 0.05–0.1 %) read +1.7 points at 20 Hz / 125 spm, +1.6 at 21 Hz / 110, +3.1 at 22 Hz / 125,
#: against at most +0.95 at 23–24 Hz, +1.05 at 25 Hz (1 of 24 cadences) and +0.52 at 26–30 Hz (s40 scan of 90–135 spm,
#: with and without clock jitter; benchmarks/rates.py)
WALK_ASYMMETRY_MIN_RATE_HZ = 23.0
#: under this input rate a walk's stride-time CV is not given either (the summary, the rules, their timeline): a
#: stride is timed to whole samples, and where it lasts n + ½ of them it comes out one sample long or short by
#: turns — an even synthetic walk (true CV 0.6 %) at such a cadence read up to +5.3 points at 20 Hz, +3.9 at 21,
#: +2.7 at 22, +2.2 at 23, +1.7 at 24, +1.4 at 25, against +0.94 at 26, +0.44 at 28, +0.24 at 30 (s40 scan of every
#: n + ½-sample cadence in 90–135 spm, 180-s walks, seeds 1–2); an even 98-spm walk at 20 Hz was 'pace too fast'
#: from a 3.0 % CV (review s40). Tolerance as for the asymmetry: about 1 point (judged with RATE_LIMIT_SLACK: a
#: 26-Hz recording's rate read from its time stamps can be 25.999999999999794)
WALK_STRIDE_CV_MIN_RATE_HZ = 26.0
#: the rate limits above are judged with this slack (rate_below_limit): a rate is estimated from time stamps
#: (1 / median interval), and a 40-Hz recording read 39.99999999999979 Hz (its 0.025-s steps in binary) — it lost
#: its impact and contact time as 'not measured below 40 Hz', a 23-Hz walk its asymmetry; a logger whose clock runs
#: a hair slow reads 39.9. Both are 40-Hz recordings, as MIN_RATE_ACCEPTED_HZ takes a 20-Hz logger's 19.9 Hz
RATE_LIMIT_SLACK = 0.99
#: a running step's columns not given under TIMING_MIN_RATE_HZ: its autocorrelations read a steady run as irregular
#: there without the sensor's own low-pass (step regularity 0.72–0.85 at 20 and 26 Hz; benchmarks/rates.py, s40),
#: and 'pace too fast' judged them; the aperiodic test's own lag columns (_AT_LAG) are kept
RUN_REGULARITY_BLIND = ("step_regularity", "stride_regularity", "symmetry")


def rate_below_limit(rate_hz: float, limit_hz: float) -> bool:
    """Whether an input sampled at ``rate_hz`` (estimated from its time stamps) is under one of the rate limits
    (``TIMING_MIN_RATE_HZ``, ``WALK_ASYMMETRY_MIN_RATE_HZ``, …), with :data:`RATE_LIMIT_SLACK`; False for a rate not
    known (NaN)."""
    return bool(rate_hz < limit_hz * RATE_LIMIT_SLACK)


MIXED_GAIT_MIN_STEPS = 20       # each gait this many steps: the summary also gives them one by one (by_gait)
CALIBRATION_STEPS = 16          # a bout this long calibrates 'forward' and the reference posture …
CALIBRATION_SKIP = 4            # … from its steps after the first few (people accelerate at the start) …
#: … and after this long: speeding up tilts the measured gravity (3 m/s² forward ≈ 17°) and the 0.3-Hz
#: filter carries that for ~2 s after — a run's 4 steps last 1.4 s, and its lean then read +1.7°
#: throughout (synthetic run, lean 0°); a walk's 4 steps (≥ 2.2 s) were already enough
CALIBRATION_SKIP_S = 2.5
#: … unless 'up' moved more than this between the two halves of those steps: a sensor still being put on
#: (GaitPy's GENEActiv demo: 108°, so every later lean read 42°). Fixed sensors on 115 real calibrations
#: (IPOL, Mobilise-D, Oxford incl. trouser pockets, adeptdata, datasets/, tests/data): ≤ 29° (pockets), trunk ≤ 16°
CALIBRATION_MAX_DRIFT_DEG = 45.0
#: … or its strides do not share one posture: the 75th percentile of the angle between each stride's mean 'up'
#: and their median exceeds this (a trunk sensor only; tried again like a settling one). The reference posture
#: forward_lean_deg is measured from is the window's mean 'up', so a window that bends, turns and sits down gave a
#: reference that hung on where exactly it fell: Mobilise-D HA002's daily recording read 1.3° at 100 Hz and −5.0°
#: decimated to 50 Hz (its first 16-step walk ends sitting down; a step more or less at 50 Hz moved the window, and
#: the reference 11°; lean audit s36). Measured per first-calibration window: IPOL's 58 lab walks ≤ 7.3° (median
#: 0.8°), GaitPy's demo 2.6°, the later steady walks of the Mobilise-D daily recordings 5.5–6.0°; refused: their
#: first windows (10.9°, 13.2°) and three of skdh's 2-min example (10.8–26°). A window may hold up to a quarter of
#: its strides off the posture (a bend at its end), which its mean then follows
CALIBRATION_MAX_SPREAD_DEG = 9.0
#: short walks (before any of CALIBRATION_STEPS) pool their forward evidence while their walking 'up' stays
#: within this of the pool's: fixed sensors' walks differed by ≤ 20° (Mobilise-D daily, Oxford neck pouch);
#: a phone put back in a pocket the other way 95°
SHORT_WALK_POOL_MAX_UP_DEG = 30.0
#: lean against standing (gait-science.md: trunk pitch "relative to a standing reference"): a still stretch of at
#: least STANDING_MIN_S ending at most STANDING_MAX_GAP_S before the first step of a walk (of CALIBRATION_STEPS, or
#: of STANDING_MIN_STEPS once a shorter one closes) is taken as the walker standing
#: upright before they set off — unless the trunk, between the two, swung further from the standing posture than
#: the walking posture lies from it by more than STANDING_TRANSITION_MARGIN_DEG (standing up from a chair bends the
#: trunk ~30–45° forward on the way; setting off from standing does not), lies more than STANDING_MAX_DEG from the
#: walking posture, or differs from it sideways by more than STANDING_MAX_ROLL_DEG (leaning on something)
STANDING_MIN_S = 2.0
STANDING_MAX_GAP_S = 2.5
STANDING_TRANSITION_MARGIN_DEG = 12.0
STANDING_MAX_DEG = 35.0
STANDING_MAX_ROLL_DEG = 8.0
#: … or the walk would lean back more than this against it: the still moment was a bend (tying a shoe,
#: picking something up), not standing — no one walks 10° back from their standing posture (IPOL: −2.3° at most)
STANDING_MIN_WALK_LEAN_DEG = -10.0
STANDING_USE_S = 2.0            # the standing posture: gravity's direction over the stretch's last this long
STANDING_MIN_STEPS = 6          # a walk shorter than CALIBRATION_STEPS judges its standing once closed, from this many
#: a still stretch of ≥ STANDING_MIN_S starting at most STANDING_MAX_GAP_S after a walk's last step, passing the same
#: checks against that walk's posture over its last STANDING_WALK_TAIL_S (its first STANDING_USE_S the posture), is a
#: standing after the walk. It only cross-checks the standings before walks (a sensor position without one before a
#: walk still has none): someone leaning back against a wall, or swayed back 10–14°, before setting off was taken as
#: upright, and an ordinary walk read 12–16° 'hunched' (found by review). Of a position's standings the reference
#: moves from its first one before a walk only to their consensus (the median; of two, the one the walks lean less
#: from) and only when the walks lean less from that by more than STANDING_AGREE_DEG: people walk within a few degrees
#: of how they stand upright, so of two standings the walk is far from, the farther is the one leaning on something;
#: and the cross-check can only take a reading down, never make an upright walk read hunched. Two free standings
#: differ by less: IPOL's 38 walks with both (the same sensor, ~30 s apart) by a median 1.8°, 95th percentile 5.0°,
#: at most 5.4° (ipol/4-5, the one walk that read 11.5° and was flagged) — within that scatter the first is kept.
#: Nor does it move when the walk's own lean changed, between the steps next to each, by at least half as much the
#: same way: a walker hunching more as they go and stopping bent changed, not the reference (_walker_changed)
STANDING_WALK_TAIL_S = 10.0
#: the sitting-down check's view of the posture a walk ended in: its steps over this long before the ones it judges
SEATED_TAIL_POSTURE_S = 5.0
#: the standing after a walk this much further forward (or back) than the standing before it, with the walk's lean
#: changing the same way by at least half as much, is named as a sensor that may have tilted on the body during the
#: walk (a slipping clip, a sagging waistband): its lean change reads as the trunk's. People stand within a few
#: degrees of how they stood before: the 34 walks of IPOL and GaitPy's demo with a standing on both sides ≤ 5.4°
#: apart (median 1.8°). A walker who hunches and stands bent after looks the same: the hint says "if"
SENSOR_SAG_HINT_DEG = 8.0
STANDING_AGREE_DEG = 5.0
CALIBRATION_RETRY_STEPS = 8     # a refused calibration is tried again this many steps later, same walk
BUFFER_S = 30.0                 # samples kept in memory
#: step rows are kept in batches of column arrays; the newest ones are joined up to this many rows (see
#: GaitEngine._merge_small_batches): ~30 arrays' overhead per batch then costs < 2 bytes a row
MERGE_BATCH_MAX_ROWS = 4096
#: a hole between two samples longer than this many median sampling intervals (and LOST_SPAN_MIN_S) is samples lost
#: — a link or a host that fell behind — though under the resampler's max_gap_s it is bridged by interpolation
LOST_SPAN_INTERVALS = 3.5
LOST_SPAN_MIN_S = 0.03
#: variability-based inputs of the flags (stride time, regularities, symmetry) that a step straddling lost
#: samples does not give: its contact and the autocorrelation around it were read off interpolated samples
LOST_SPAN_BLIND = ("stride_time_s", "step_regularity", "stride_regularity", "symmetry")
#: the live status's medians over the last 10 steps (live_status)
LIVE_STATUS_MEDIAN_KEYS = ("cadence_spm", "walking_speed_mps", "vertical_oscillation_cm", "trunk_twist_deg",
                           "forward_lean_deg", "lean_vs_standing_deg", "lateral_sway_cm", "pelvic_drop_deg", "impact_g",
                           "braking_mps")
LIVE_FLAG_TAIL_S = 600.0        # live: once baselines settle, flags are re-judged on this much recent walking
DEFAULT_SENSOR_HEIGHT_M = 0.95  # a lower-back sensor's height in the Mobilise-D lab recordings (0.96, 1.08 m)
#: sensor height / body height of a lower-back sensor: 0.606 and 0.617 in the two Mobilise-D subjects
#: bundled in datasets/ (whose sensor heights the step-length factor was fitted with). The hip joint
#: (leg length) sits lower, ≈ 0.53 × body height; the model's h is the sensor's (≈ trunk CoM) height
SENSOR_HEIGHT_PER_BODY_HEIGHT = 0.61
#: a chest strap sits at the lower end of the sternum, ≈ 0.71 × body height (anthropometric tables: xiphoid
#: 0.70–0.72). The pendulum is the lower back, so the strap's own height reads the step length
#: √(0.71 / 0.61) − 1 ≈ 8 % long (synthetic, 1.75-m walker: 1.24 m vs 1.07 m, +7.8 %)
CHEST_STRAP_PER_BODY_HEIGHT = 0.71
CHEST_HEIGHT_AS_LOWER_BACK_LONG_PCT = 100 * (math.sqrt(CHEST_STRAP_PER_BODY_HEIGHT / SENSOR_HEIGHT_PER_BODY_HEIGHT) - 1)
#: a sensor height given for a chest sensor above this is not a lower back's — 0.61 × 1.97 m — but a chest
#: strap's of anyone taller than 1.69 m (0.71 × 1.69 m): it is said, not refused (it may be a very tall walker)
CHEST_LOWER_BACK_MAX_M = 1.20
#: a later bout's forward direction this far from the calibrated one, shown this clearly (largest /
#: second eigenvalue of the step-periodic horizontal acceleration), means the sensor was turned. Fixed
#: sensors in real walks (IPOL, Mobilise-D, Oxford, adeptdata: 26 later bouts) differed by ≤ 12.5° at
#: quality ≥ 4; every larger difference (20°, 30°, 105°, 135°) came at quality 1.8–3.0 (turns, shuffling).
#: 35° (was 60°) is twice the largest in-walk difference below; none of the 92 real recordings trips it
SENSOR_TURN_DEG = 35.0
SENSOR_TURN_MIN_QUALITY = 4.0
#: the summed forward evidence (short-walk pool, or pool + calibrating walk) must show one direction at least this
#: clearly (largest / second eigenvalue of ForwardEvidence.forward) to move the forward axis already found from that
#: pool; below it the votes cancel to a near tie between two directions ~90° apart, and whichever leads is chance:
#: on Mobilise-D HA002 daily the pool read 1.09–1.20 after its 17–36 s walks (a 7-step walk showing the side-to-side
#: axis at 2.0), and one step more or less in a walk (a time shift before f21d730, 50 Hz) swung the recording's forward
#: 60–100° (sway 3.3 → 6.9 cm, braking 0.075 → 0.045 m/s; invariance audit s35 F8). Such a tie keeps the last forward
#: the pool showed clearly; the first walks of a pool (nothing clear yet) still take their own best direction. A walk's
#: first calibration point with such a tie and nothing clear before is refused once (GaitPy's GENEActiv demo: its
#: first long walk read 1.26, and 1.06 with one step more, 90° apart — sway 8.3 vs 4.5 cm; the walk at 40 s shows 6.8)
FORWARD_HOLD_QUALITY = 1.3
#: during a walk (a clip slid round the belt, a pouch swivelled without a pause) forward is checked again
#: every SENSOR_RECHECK_STEPS steps, on the last SENSOR_RECHECK_WINDOW_STEPS; a turn counts when two checks
#: in a row agree (within SENSOR_TURN_AGREE_DEG). Measured on the real walks and runs (IPOL, Oxford,
#: adeptdata: 274 12-step windows at quality ≥ 4 on fixed sensors): ≤ 17.2° from the calibrated forward.
#: A check costs ~0.4 ms: every 100 steps adds ~6 % to the analysis (every 40: +16 %; every 12: +70 %)
SENSOR_RECHECK_STEPS = 100
#: a later walk whose walking 'up' lies more than SHORT_WALK_POOL_MAX_UP_DEG (the 'same position' of _same_position)
#: from the calibrated reference 'up' is a sensor tilted on the body between walks — re-clipped, a phone put back
#: after use in the hand: the walk calibrates afresh (forward and posture reference). Kept, the first walk's axes
#: read a 45° re-clip as 45° of forward lean (flagged 'marked', no lean against standing), and a 90° one as a turn
#: 'about the vertical' with braking 0.02 m/s and sway 1.4 cm for 0.15 and 3 (field audit s35 F1). Fixed sensors'
#: walks differ by ≤ 20° (see SHORT_WALK_POOL_MAX_UP_DEG). A walk whose 'up' over the SENSOR_MOVE_PRE_S before its
#: first contact is already that far off holds its steps until its calibration point decides, so that they too are
#: measured in the new position (a bend just before setting off resolves to the old calibration there)
SENSOR_MOVE_PRE_S = 0.5
SENSOR_RECHECK_WINDOW_STEPS = 12
#: … and a check that found a turn is confirmed this many steps later, on a window of steps none of which the first
#: saw, not SENSOR_RECHECK_STEPS later: until then the walk's steps are measured on the old axes (a belt slid 90°
#: round the waist read braking 0.01 m/s for 0.15, sway 1.4 cm for 3.0, pelvic drop 2.0° for 4.0 over ~80 s;
#: placement audit s41). Only a suspected turn costs the extra check
SENSOR_TURN_CONFIRM_STEPS = SENSOR_RECHECK_WINDOW_STEPS
SENSOR_TURN_AGREE_DEG = 20.0
#: a 'turn' found during a walk this close to 180° (the forward line kept, its direction reversed) is the walker going
#: backwards — retro walking, prescribed on the belt in low-back-pain and knee rehab — not a sensor turned round: a
#: clip or pouch does not swivel half round without a pause (slides found by the placement audit s41 were ≤ 90°).
#: The steps' own axes then point the way the walker moves, which is what braking is measured along (the trunk
#: still slows after each contact in the direction of travel), but lean is the walker's, about the way they face.
#: Before (backward audit s42) a backwards stretch was 'the sensor was turned 180° during the walk' twice and its
#: 3° stoop read as a 3° backward lean. The next ~180° reversal — during a walk or at a later walk's start — ends
#: the stretch, as does a clear turn that brings forward back to where it was before the stretch (side-steps).
#: Within SENSOR_TURN_DEG of 180°: anything nearer a half turn than a clear turn's threshold
REVERSAL_MIN_DEG = 180.0 - SENSOR_TURN_DEG
#: an in-walk turn within this of 90° (55–125°) undone by the next in-walk turn is side-stepping, not two sensor turns
SIDE_STEP_MIN_DEG = 55.0
#: … a pair found at a walk's calibration point on a treadmill (side-steps as a walk of their own, between pauses), or
#: found during two different walks, is side-stepping only if the turn back comes by the very next walk and at most
#: this long after the first turn (a pair found during one walk: however long):
#: side-stepping is a rehab drill of a few minutes' sets (a bout of side-steps, then forward again). Before (review A
#: s44 M2) the span had no limit: a clip turned 90° at one pause and back two walks later read 6.7 min of 110-spm,
#: 1.3-m/s walking as side-steps and lost the forward-lean flag in between. A longer or later turn back is read as two
#: sensor turns, as off a belt
SIDE_STEP_MAX_BETWEEN_S = 300.0
#: … between two walks on a treadmill a reversal is walking backwards only while the new walk's walking 'up' lies within
#: this of the previous walk's (strain's lean_jump_deg): a walker who turns round keeps the sensor as it sat on the
#: trunk, a clip or phone put back the other way round turns the trunk's lean with it (a 6° lean read 13° off). Before
#: (fix-back s42 H1) such a re-clip at a pause was 'walking backwards to the end': every later lean with its sign
#: turned, a held +8.8° hunch not flagged. A re-clip of a trunk leaning < 5° is still not told from turning round
RETRO_MAX_TILT_DEG = 10.0


# ------------------------------------------------------------------ argument checking (library callers)
# (ArgumentError lives in imu_gait.errors, so the readers can raise it too)


_F = TypeVar("_F", bound=Callable[..., Any])


def _known_keywords(func: _F) -> _F:
    """Refuse an unknown keyword argument with :class:`ArgumentError` naming the closest real one
    (``belt_speed=`` → ``belt_speed_mps``; a unit in the name matters: km/h ≠ m/s)."""
    params = inspect.signature(func).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return func
    names = [n for n, p in params.items() if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and n != "self"]
    where = func.__qualname__.removesuffix(".__init__")

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        unknown = [k for k in kwargs if k not in params]
        if unknown:
            k = unknown[0]
            close = (difflib.get_close_matches(k, names, n=1, cutoff=0.5)
                     or [n for n in names if n.startswith(k.split("_")[0])][:1])
            hint = f"Did you mean {close[0]}=?" if close else ""
            if k.endswith("_kmh"):
                hint += " (imu_gait takes SI units: m/s = km/h ÷ 3.6)"
            raise ArgumentError(f"{where}() got an unknown keyword argument {k!r}. {hint}".rstrip()
                                + f"\n  It takes: {', '.join(names)}")
        return func(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


def _number(name: str, value: Any, lo: float | None = None, hi: float | None = None, unit: str = "",
            hint: str = "", none_ok: bool = True, positive: bool = False) -> float | None:
    """``value`` as a float within [lo, hi] (above 0 if ``positive``), None passed through if ``none_ok``;
    else :class:`ArgumentError`."""
    in_unit = f" in {unit}" if unit else ""
    if value is None:
        if none_ok:
            return None
        raise ArgumentError(f"{name} must be a number{in_unit}, not None")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentError(f"{name} must be a number{in_unit}, not {type(value).__name__} {value!r}")
    v = float(value)
    if positive and not v > 0:
        raise ArgumentError(f"{name}={v:g} must be more than 0{f' {unit}' if unit else ''}")
    # a hair of tolerance: the CLI's lowest --belt-speed-kmh, 0.36 / 3.6, is 0.09999999999999999 m/s
    if (not math.isfinite(v) or (lo is not None and v < lo - 1e-9 * max(1.0, abs(lo)))
            or (hi is not None and v > hi + 1e-9 * max(1.0, abs(hi)))):
        if lo is None:
            raise ArgumentError(f"{name}={v:g} must be a finite number{in_unit}")
        rng = f"{lo:g}–{hi:g} {unit}" if hi is not None else f"{lo:g} {unit} or more"
        raise ArgumentError(f"{name}={v:g} is outside the plausible range {rng}".rstrip()
                            + (f"\n  What to do: {hint}" if hint else ""))
    return v


def _check_context(*, belt_speed_mps: Any, incline_pct: Any, sensor_height_m: Any, body_height_m: Any,
                   max_incline_pct: Any, baseline_s: Any, placement: Any, treadmill_schedule: Any,
                   valid_day_worn_h: Any = VALID_DAY_WORN_H, walking_aid: Any = None) -> None:
    """Refuse context that cannot be right — it gave silently wrong answers (a height in cm made a
    walk 10 m/s; a belt speed of -1.3 or NaN was ignored without a word)."""
    _number("belt_speed_mps", belt_speed_mps, *SPEED_RANGE_MPS, "m/s",
            "give the belt speed in m/s (km/h ÷ 3.6), or None when not on a treadmill")
    _number("incline_pct", incline_pct, *INCLINE_RANGE_PCT, "%", "give the incline in percent (rise / run × 100)")
    _number("max_incline_pct", max_incline_pct, *INCLINE_RANGE_PCT, "%")
    _number("sensor_height_m", sensor_height_m, *SENSOR_HEIGHT_RANGE_M, "m",
            "give the sensor's height above the floor in metres (not cm), or leave it out")
    _number("body_height_m", body_height_m, *BODY_HEIGHT_RANGE_M, "m", "give the walker's height in metres (not cm)")
    base = _number("baseline_s", baseline_s, unit="s", none_ok=False, positive=True)
    if base < StrainConfig.baseline_min_s:
        # analyze(baseline_s=10) ran, then blamed the walk ("Only 231 s of walking: too short for a personal
        # baseline") for what was the asked-for baseline; the CLI's --baseline refuses it
        raise ArgumentError(f"baseline_s={base:g} is under the shortest personal baseline, "
                            f"{StrainConfig.baseline_min_s:g} s of walking (as --baseline)\n  What to do: give "
                            f"baseline_s of {StrainConfig.baseline_min_s:g} s or more (default 180; at most 300 s "
                            "and half the walking time are used)")
    _number("valid_day_worn_h", valid_day_worn_h, 0.5, 24.0, "h",
            "give the hours a day must be worn to count (10 is usual; Mobilise-D asks 12)", none_ok=False)
    if placement is not None and not isinstance(placement, str):
        raise ArgumentError(f"placement must be a string such as 'lower_back', 'chest' or 'pocket', not "
                            f"{type(placement).__name__} {placement!r}")
    if treadmill_schedule is not None and not isinstance(treadmill_schedule, TreadmillSchedule):
        raise ArgumentError(
            f"treadmill_schedule must be a TreadmillSchedule, not {type(treadmill_schedule).__name__}\n  What to do: "
            "imu_gait.TreadmillSchedule.from_stages([(start_s, belt_speed_mps, incline_pct), …]) or "
            "imu_gait.read_schedule('program.csv')")
    if treadmill_schedule is not None and (belt_speed_mps is not None or incline_pct is not None):
        raise ArgumentError("give either a treadmill_schedule or a fixed belt_speed_mps / incline_pct, not both")
    try:
        walking_aid_name(walking_aid)
    except ValueError as exc:
        raise ArgumentError(str(exc)) from None


def _check_params(params: Any) -> None:
    """Refuse step-detector settings that are not a :class:`StepParams` (a dict failed deep in the engine as
    "'dict' object has no attribute 'seated_after_s'")."""
    if params is not None and not isinstance(params, StepParams):
        hint = "StepParams(**params)" if isinstance(params, dict) else "StepParams(field=value, …)"
        raise ArgumentError(f"params must be an imu_gait.dsp.steps.StepParams, not {type(params).__name__}\n"
                            f"  What to do: pass {hint}")


def _side_by_side(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.hstack([a, b])`` of two (N, 3) arrays, copied a column at a time: numpy copies an (N, 3) block into an
    (N, 6) array three values at a time (an hour's 300-s chunk: 0.6 → 0.3 ms)."""
    out = np.empty((a.shape[0], 6), dtype=np.result_type(a, b))
    for k in range(3):
        out[:, k] = a[:, k]
        out[:, 3 + k] = b[:, k]
    return out


def _rows_appended(buf: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``np.vstack([buf, rows])`` of (N, 3) arrays, ``rows`` (a view of the (N, 6) samples, its rows 48 bytes
    apart) copied a column at a time, as in :func:`_side_by_side` (an hour's 300-s chunk: 0.22 → 0.16 ms)."""
    out = np.empty((buf.shape[0] + rows.shape[0], 3), dtype=np.result_type(buf, rows))
    out[:buf.shape[0]] = buf
    for k in range(3):
        out[buf.shape[0]:, k] = rows[:, k]
    return out


def _samples(name: str, arr: Any, n: int) -> np.ndarray:
    """A fed (n, 3) block as float (a flat x, y, z, x, y, z … block of 3n values is read as rows)."""
    try:
        a = float_samples(arr)
    except (TypeError, ValueError) as exc:
        raise ArgumentError(f"{name} must be numbers, an (N, 3) array: {exc}") from None
    if not ((a.ndim == 2 and a.shape == (n, 3)) or (a.ndim == 1 and a.size == 3 * n)):
        raise ArgumentError(f"{name} has shape {a.shape}; for {n} sample time(s) it must be ({n}, 3)"
                            + (" — transposed? pass its .T" if a.shape == (3, n) else ""))
    return a.reshape(n, 3)


@dataclass
class StepEvent:
    """A confirmed initial contact, as soon as the engine is sure of it (one the walker turns out to have
    sat down on, or in a walk without rhythm, is retracted later: :attr:`EngineUpdate.retracted`)."""

    time_s: float            # the contact's time, s, on the fed time axis
    detected_at_s: float     # the latest sample time the engine had seen when it confirmed it, s
    bout: int                # walking bout number (0, 1, …)


@dataclass
class EngineUpdate:
    """What one :meth:`GaitEngine.feed` produced: ``events`` (:class:`StepEvent`, a contact as soon as it
    is sure) and ``rows`` (finished step rows, dicts with the :data:`~imu_gait.result.STEP_COLUMNS` keys and
    units, once a step's metrics are known — a few steps later; empty when ``engine.emit_rows`` is False)
    and ``retracted`` (:class:`StepEvent`, contacts given earlier that are no longer steps: a walk's
    trailing steps after which the trunk settled reclined, as when sitting down — known ~1.75 s after the
    contact — or a whole walk of 16+ steps without rhythm or whose trunk barely bounced (pedalling), known when
    it closes; their rows, if given, are
    gone from the step table and from ``live_status()['n_steps']``)."""

    events: list[StepEvent] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    retracted: list[StepEvent] = field(default_factory=list)


@dataclass
class _Step:
    pos: float               # fractional global sample index of the contact
    bout: int
    prev: float = np.nan
    prev2: float = np.nan
    nxt: float = np.nan
    bout_start: float = np.nan   # fractional global sample index of the bout's first contact
    # the reported contact (StepParams.report_rise_ratio) and the two before it in the bout: time_s, step
    # and stride time and cadence; everything else is measured about pos, prev, prev2 (the steepest rise)
    rpos: float = np.nan
    rprev: float = np.nan
    rprev2: float = np.nan
    hprev2: float = np.nan       # the contact two before across a pause < MAX_PAUSE_S (heading only: a pivot)
    back_pos: float = np.nan     # position of the contact back_n steps earlier in the bout …
    back_n: int = 0              # … (up to 8): their mean step time is the regularity lag
    closed: bool = False     # its bout has ended (no next contact will come)
    calib: Any = None        # the (forward, up) calibration in force when it was added: a later change
                             # (a turned sensor) must not depend on when a chunk ends (live = offline)


class GaitEngine:
    """Incremental gait analysis: feed samples chunk by chunk, get steps as they are confirmed.

    Usage: ``engine.feed(time_s, acc_mps2, gyro_rads)`` for each block as it arrives (any size; times
    strictly increasing across calls), :meth:`live_status` / :meth:`steps_frame` whenever wanted, and
    :meth:`finish` once at the end for the :class:`~imu_gait.result.AnalysisResult`. Fed the same
    samples, it gives the steps and metrics :func:`analyze` gives, to the last bit, in chunks of any size. Unlike
    :func:`analyze`, it does not validate the recording as a whole (gaps, spikes, a dead or mismatched
    gyroscope): feed SI units — s, m/s² with gravity, rad/s — or build a
    :class:`~imu_gait.recording.Recording` and call its ``validated()`` first. Misuse (wrong shapes,
    NaN, time going backwards, feeding after :meth:`finish`, and the plain unit slips — acceleration in g
    or mg or without gravity in the first 5 s fed, angular rate in deg/s in the first 60 s) raises
    :class:`ArgumentError`.

    Parameters
    ----------
    fs_hz : the input's nominal sampling rate, Hz (the engine works at 100 Hz internally).
    has_gyro : whether angular rate will be fed (then ``gyro_rads`` is required on every feed).
    belt_speed_mps : treadmill belt speed, m/s (0.1–12); gives exact step length = speed × step time.
    incline_pct : treadmill incline, % (-30–40). ``treadmill`` : on a treadmill (implied by a belt speed).
    placement : where the sensor sits ("lower_back", "chest", "pocket", or free text, see :func:`analyze`).
    max_incline_pct : the walker's own maximum incline, %: a higher entered incline is flagged.
    baseline_s : seconds of walking that form the personal baseline of the flags (default 180; 60 or more).
    valid_day_worn_h : hours a calendar day must be worn to count in the figures per day (default 10;
        :mod:`imu_gait.days`).
    treadmill_schedule : belt speed / incline per stage, instead of ``belt_speed_mps`` / ``incline_pct``.
    sensor_height_m : height of the sensor above the floor for the pendulum step length, m (0.3–2.0;
        default 0.95 m, a lower-back sensor on an adult of ~1.55–1.75 m); for a chest sensor the height
        of the lower back (the pendulum is the pelvis).
    body_height_m : the walker's height, m (1.0–2.5); without ``sensor_height_m`` the sensor height is
        taken as :data:`SENSOR_HEIGHT_PER_BODY_HEIGHT` × it. It also scales the adult cadence bounds (set for
        1.75 m: :data:`~imu_gait.dsp.metrics.SIZE_REFERENCE_HEIGHT_M`) by √(1.75 / height), only ever towards
        fewer runs and flags: for a shorter walker running needs steps of at least 140 spm × that with a dip
        below 0.35 g touching free fall (164 spm for a 1.28-m child, whose brisk walk is 150–160 spm; steps in
        free fall 0.05 s, this and the one before, keep 140 spm); for a taller runner the
        runners' general cadence limit is 164 spm × that (153 spm at 2 m) and their bounce limit × height / 1.75.
    params : step-detection parameters (:class:`~imu_gait.dsp.steps.StepParams`), for experiments.
    """

    @_known_keywords
    def __init__(self, fs_hz: float = 100.0, *, has_gyro: bool = True, belt_speed_mps: float | None = None,
                 incline_pct: float | None = None, treadmill: bool = False, sensor_height_m: float | None = None,
                 placement: str | None = None, max_incline_pct: float | None = None,
                 baseline_s: float = 180.0, params: StepParams | None = None,
                 treadmill_schedule: TreadmillSchedule | None = None, body_height_m: float | None = None,
                 valid_day_worn_h: float = VALID_DAY_WORN_H, walking_aid: str | None = None):
        _number("fs_hz", fs_hz, 1.0, None, "Hz", none_ok=False)
        if float(fs_hz) < MIN_RATE_ACCEPTED_HZ:
            # analyze() refuses such a recording (Recording.validated); fed live it was analysed: a 12.5-Hz walk
            # read 107 spm for 110, the same samples from a file were refused (low-rate audit s39)
            raise ArgumentError(f"fs_hz={float(fs_hz):g}: the sampling rate is {float(fs_hz):g} Hz; gait analysis needs "
                                f"at least {MIN_RATE_HZ:.0f} Hz — set the sensor to 50–200 Hz (a recording at "
                                f"{float(fs_hz):g} Hz is refused by analyze too)")
        _check_context(belt_speed_mps=belt_speed_mps, incline_pct=incline_pct, sensor_height_m=sensor_height_m,
                       body_height_m=body_height_m, max_incline_pct=max_incline_pct, baseline_s=baseline_s,
                       placement=placement, treadmill_schedule=treadmill_schedule, valid_day_worn_h=valid_day_worn_h,
                       walking_aid=walking_aid)
        self.valid_day_worn_h = float(valid_day_worn_h)
        self._finished = False
        self.fs = ENGINE_RATE_HZ
        self.dt = 1.0 / self.fs
        self.has_gyro = has_gyro
        self.context = dict(belt_speed_mps=belt_speed_mps, incline_pct=incline_pct,
                            # an incline is entered on a treadmill's console: it says the walk was on one
                            # … and so is a walking desk: its pad is a small treadmill (strain.WALKING_AIDS)
                            treadmill=bool(treadmill or belt_speed_mps or incline_pct is not None
                                           or treadmill_schedule is not None
                                           or walking_aid_name(walking_aid) == "desk"),
                            placement=placement, max_incline_pct=max_incline_pct, baseline_s=baseline_s,
                            # the aid walked with the whole time (strain.WALKING_AIDS), None: none given
                            walking_aid=walking_aid_name(walking_aid))
        # stage times are elapsed seconds since the first sample fed (see imu_gait.treadmill)
        self.treadmill_schedule = treadmill_schedule
        if sensor_height_m is not None:
            self.sensor_height_source = "given"
        elif body_height_m is not None:
            sensor_height_m = SENSOR_HEIGHT_PER_BODY_HEIGHT * float(body_height_m)
            self.sensor_height_source = "body height"
        else:
            self.sensor_height_source = "default"
        self.body_height_m = body_height_m
        # a child's brisk walk (1.28 m, 160 spm) crossed the adult 140-spm running bound: the bound for this walker,
        # raised for a shorter one only (lowered, a tall walker's brisk steps would be judged by a dip alone: the
        # adult bound already holds for them, and the tool says no more than it did)
        self.run_min_cadence_spm = max(float(RUN_MIN_CADENCE_SPM), cadence_for_height(RUN_MIN_CADENCE_SPM, body_height_m))
        self.sensor_height_m = sensor_height_m or DEFAULT_SENSOR_HEIGHT_M
        self.sensor_height_given = self.sensor_height_source == "given"
        _check_params(params)
        self.p = params or StepParams()
        # a phone in a pouch or pocket rings: its contact is the last strong rise, not the steepest (without
        # a gyroscope only: with one, the forward axis is calibrated on evidence set on the steepest rise)
        self._last_rise_ratio = self._loose_rise_ratio(has_gyro)
        # every other contact is *reported* at its last strong rise (StepParams.report_rise_ratio) while the
        # engine keeps the steepest rise for everything it measures about the step: anchor time → reported
        # time, s, for candidates offered and not yet taken as steps
        self._report_at: dict[float, float] = {}
        self._resampler = StreamResampler(self.fs, input_rate_hz=fs_hz)
        self._fed_rate_hz = float(fs_hz)     # the unit check's 2-s windows, in samples fed
        # with the coning pass (its own output, the plain 'up' unchanged): see _up_l below
        self._gravity = GravityTracker(self.fs, has_gyro=has_gyro, coning=True)
        # sway and pelvic drop are measured about a slower 'up' (with a gyroscope): the 0.3-Hz crossover lets
        # ~10 % of the stride-frequency (~0.9 Hz) side-to-side acceleration tilt 'up', which read sway 6 % and
        # pelvic drop 0.14° high on synthetic truth (0.15 Hz: within 0.5 %, −0.03°). Steps, lean and the
        # posture checks keep the 0.3-Hz 'up': used for everything, the slower one doubled the false steps of
        # the Mobilise-D daily recordings (6.1 → 13.1 /min) and put running lean 1.7° off
        self._gravity_m = GravityTracker(self.fs, has_gyro=has_gyro, cutoff_hz=0.15) if has_gyro else None
        # lean vs standing also reads the pitch about the 'up' with the coning pass (_up_l, GravityTracker): about
        # the plain one, walking read 0.7–2.4° more forward than standing on synthetic truth (∝ twist × pelvic
        # drop), while the standing posture (still: no coning) is exact. Steps, forward_lean_deg (against the
        # walk's own mean 'up', so the offset cancels) and the posture checks keep the plain 'up': steps found on
        # the coning one moved on the Mobilise-D daily recordings (HA002: 66 → 79) and step F1 on IPOL +
        # Mobilise-D fell 0.950 → 0.946 (rates audit s35)
        # the 0.15-Hz tracker's accelerometer low-pass is the 0.3-Hz tracker's slow reference (the same
        # 2nd-order 0.15-Hz Butterworth over the same samples): filtered once, used by both
        self._share_lowpass = self._gravity_m is not None and self._gravity_m.lowpass_is_slow_of(self._gravity)
        # the sitting-down check reads 'up' seated_after_s after a step; without a gyroscope 'up' shows a
        # change of posture late by its low-pass's delay (0.75 s), so it is read that much later — on time,
        # the first seated step of each of HA001 daily's four sit-downs read +3 … +10° (gyro: +10 … +18°)
        self._seated_after_s = self.p.seated_after_s + self._gravity.lag_s
        self._fir4 = fir_lowpass(self.fs, 4.0, 0.15)   # look-ahead 0.15 s + 0.12 s peak window: events ≈ 0.37 s after the step
        self._fir10 = fir_lowpass(self.fs, 10.0, 0.10)
        self._displacement = VerticalDisplacement(self.fs)   # for the pendulum step length
        self._acceptor = StepAcceptor(self.p, regularity=self._regularity, loose=self._last_rise_ratio > 0)
        self._batches: list[dict[str, np.ndarray]] = []   # finalised step rows: column arrays per batch
        self._n_rows = 0
        self._frame_cache: tuple[int, pd.DataFrame] | None = None
        self.emit_rows = True                     # live consumers get rows as dicts in EngineUpdate
        self._recent_rows: list[dict[str, Any]] = []   # the latest 10 rows (time order) for live_status
        self._steps: list[_Step] = []          # accepted, not yet finalised
        # closed walks whose checks at close (no rhythm, still trunk, then the sitting-down check's record) wait
        # for their last step's row, in order: see _close_bouts
        self._close_due: list[int] = []
        self._bouts: list[dict[str, Any]] = []
        # the last two contacts (global sample positions) and the last one's time, across stretches
        self._h_last = self._h_last2 = self._h_last_t = np.nan
        self._calib: tuple[np.ndarray, np.ndarray] | None = None   # (forward axis, reference up)
        self._short_pool: ForwardEvidence | None = None   # summed evidence of the short walks before it
        self._pool_forward: np.ndarray | None = None       # the last forward that pool showed clearly (FORWARD_HOLD_QUALITY)
        self._turn_ref = np.zeros(3)     # the accelerometer's forward when calibrated (sensor-turn checks)
        self._ml_votes: dict[int, float] = {}     # per bout: running L/R vote
        self._rows_in_bout: dict[int, int] = {}
        self._n_samples_in = 0
        # per-minute sums of the raw acceleration: when the sensor was worn, for the day-by-day table
        self._minutes = MinuteStats()
        # sampling intervals fed (0.1 µs → count; segment gaps left out): finish()'s rate is their median, as
        # analyze()'s is (a mean let a phone's irregular stamps read 211.5 Hz for a median of 201.8 Hz)
        self._dt_counts: dict[int, int] = {}
        self._acc_probe: list[np.ndarray] | None = []      # the first seconds fed, None once checked
        self._gyro_probe: list[np.ndarray] | None = [] if has_gyro else None
        self._stuck_probe: np.ndarray | None = np.empty((0, 3))   # the last seconds fed, None once judged
        self.gyro_stopped_s: float | None = None  # the last sample fed with angular rate, if it stopped (drop_gyro)
        self._gyro_drop_why = "stopped"           # … and why, in the result's warning (drop_gyro)
        self._first_t: float | None = None
        self._last_t: float | None = None
        # the step acceptor's clock: grid index of the stream's first grid point (0 for a recording from 0 s).
        # Its rules compare gaps between peaks on the 10-ms grid with bounds made of such gaps (gap < 0.3 ×
        # stride, |gap − stride| ≤ 0.35 × step): ties, which absolute times k·dt resolved by the float
        # rounding of where the walk lay on the clock — Mobilise-D HA002's daily recording gave 66 steps from
        # 0 s and 65 from 10 s, 40 s or a Unix time (sway 3.3 → 6.9 cm), GaitPy's demo 179 vs 174 with its
        # forward axis 90° off (invariance audit s35 F1). Counted from here, the acceptor gets the same numbers
        # wherever the walk lies (shifted by whole samples), and from 0 s exactly those it always got.
        self._k0: int | None = None
        self._n_segments = 0
        self._gap_s = 0.0
        #: the long gaps (segment breaks) as (last sample before, first sample after), the steps' time axis: a
        #: symptom mark in one was made with no data, not while standing (imu_gait.marks)
        self.sample_gaps: list[tuple[float, float]] = []
        # shorter holes (samples lost, bridged by interpolation): starts and ends, for the flags (LOST_SPAN_BLIND)
        self._lost_t0: list[np.ndarray] = []
        self._lost_t1: list[np.ndarray] = []
        self._flags_cache: tuple[int, list] = (-1, [])
        self._flags_judged_to_s = 0.0             # the newest step the cached flags were judged with
        self._timeline_now: pd.DataFrame | None = None   # the timeline of that judgement (live symptom marks)
        self._settled_baselines: dict = {}        # per gait, once more steps cannot change it (live)
        self._median_memo: dict = {}              # the last live judgement's window medians (strain)
        self._sensor_turns: list[dict] = []       # {time_s, turn_deg, during_walk}: forward found again
        # {start_s, end_s (None: to the end)}: walking backwards (a reversal of the forward axis during a walk)
        self._backward: list[dict] = []
        self._reversed_calib: Any = None          # the calibration measured along the travel of a backward stretch
        # every such calibration (a step keeps the one it was added under, and is emitted later — after the stretch
        # may have ended — so its lean is turned by which calibration it has, not by what holds at its emission)
        self._reversed_calibs: list[Any] = []
        # the walking 'up' of the last walk checked at its calibration point (None: the calibration's own): the
        # treadmill turn-round test's reference (_turned_round_on_belt). The calibration's up_ref outlives sensor
        # turns, so a reversal refused for tilt (a re-clip) and then undone passed against it and opened a backward
        # stretch 'to the end' with every later lean sign-turned (diff review s42 H1)
        self._walk_up: Any = None
        # the accelerometer's forward just before the open backward stretch began (_check_sensor_turn)
        self._pre_stretch_fwd: Any = None
        self._sensor_moves: list[dict] = []       # {time_s, tilt_deg}: re-calibrated after a tilt between walks
        self._move_pending: dict[str, Any] | None = None   # {bout}: a walk's steps held until it calibrates
        # {entry, up}: the last move, found on a short walk's own 'up' alone — a long walk in that position later
        # confirms it (its tilt then measured on that walk) rather than noting a second move
        self._move_short: dict[str, Any] | None = None
        # per walk that brought a move: what undoing it restores if the walk is taken back (_undo_move)
        self._move_undo: dict[int, tuple[dict[str, Any], Any, np.ndarray]] = {}
        self._turn_pending: tuple[np.ndarray, float] | None = None   # (forward, time): a first in-walk check
        self._turn_pending_at: tuple[int, int] = (-1, -1)   # (walk, its step count) of the last in-walk check
        # {start_s, end_s}: side-stepping — a clear in-walk turn of ~90° undone by the next one (_check_turn_against)
        self._side_steps: list[dict] = []
        # backward stretch index → the re-clip inside it (its walk's first contact): the steps after it are measured
        # as facing forward, and judged by the flags as forward walking (a walker who re-clips most likely walks on
        # forwards; the stretch stays open until a reversal: _check_sensor_move)
        self._backward_recut: dict[int, float] = {}
        # (index in _sensor_turns, forward before it): the last in-walk ~90° turn, side-stepping if the next undoes it
        # … and (its time, whether found during a walk, the calibration-point count then: _cal_points)
        self._side_open: tuple[int, np.ndarray, float, bool, int] | None = None
        self._cal_points = 0                      # later walks' calibration points reached (n == CALIBRATION_STEPS)
        self._unsettled: list[tuple[float, float]] = []   # (time, drift °): walks not calibrated on (sensor moving)
        # (from_s, to_s, quality): forward axes taken from a near tie (_clear_forward's 'unsure') — to_s the short walk's
        # last contact, or inf for the engine's calibration (every later step until a fresh one)
        self._unsure_forward: list[tuple[float, float, float]] = []
        self._one_sided = False                   # the last live judgement: strain.one_sided_signal …
        self._sensor_hints: list[str] = []        # … and the placement hints (strain: sensor_hints)
        # closed walks whose trailing steps wait for the posture after them (sitting down?): see _check_postures
        self._posture_due: list[dict[str, Any]] = []
        self._braking_sum = np.zeros(3)          # Σ over all steps of the contact-locked braking (sensor axes)
        self._braking_n = 0
        self._sym_counts = [0, 0]                 # rows given so far with a symmetry, and those ≥ the centred bar
        self._implausible: list[dict[str, Any]] = []   # walks taken back as no trunk's gait (_retract_if_implausible)
        self._flat: list[dict[str, Any]] = []          # walks taken back: the trunk did not bounce (_retract_if_flat)
        self._unalternating: list[dict[str, Any]] = []  # … no left / right alternation (_retract_if_unalternating)
        self._still_stretches: list[dict[str, Any]] = []  # stretches of a walk with a still trunk (_retract_still_stretches)
        self._bout_ups: dict[int, list[np.ndarray]] = {}   # per walk: 'up' before each of its first steps
        # per walk: (contact's global sample, 'up' before it) of its latest steps, over the sitting-down check's
        # lookback and SEATED_TAIL_POSTURE_S more: the posture the walk ended in (_posture_due_at_close)
        self._bout_tail_ups: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.posture_checks: list[dict[str, Any]] = []   # per closed walk: its tail's recline, for benchmarks
        # every standing confirmed (see STANDING_MIN_S), in order, one before and one after each walk at most: a sensor
        # re-clipped between walks has its own; {up, start_s, end_s, bout, walk_start_s, lean_deg, after_walk}
        self._standings: list[dict[str, Any]] = []
        # standings after walks whose end sat too far (SHORT_WALK_POOL_MAX_UP_DEG) from the posture the walk was
        # measured about to serve as a reference: kept only to name a sensor that tilted during the walk (_sag_hints)
        self._tilted_after: list[dict[str, Any]] = []
        self._walked_s: dict[str, float] = {}     # walking time per gait so far (live_status()['baseline'])
        self._standing_due: list[dict[str, Any]] = []    # closed walks waiting for the samples after them
        self._live_standing: dict[str, Any] | None = None    # what live rows are measured against, as it stands
        self._position_refs: dict[int, dict[str, Any]] = {}  # per sensor position: its reference (steps_frame)
        self._position_jumps_s = np.zeros(0)             # the lean jumps that part the positions (steps_frame)
        self._reset_buffer()

    def _loose_rise_ratio(self, has_gyro: bool) -> float:
        return (self.p.loose_last_rise_ratio
                if placement_kind(self.context.get("placement")) in ("chest", "off_trunk") and not has_gyro else 0.0)

    # ------------------------------------------------------------------ the gyroscope stops (live)
    def drop_gyro(self, why: str = "stopped") -> EngineUpdate:
        """The angular rate ends *now*: samples fed from here on come without ``gyro_rads`` (live
        monitoring: a sensor whose gyroscope stopped mid-session). Returns the steps this confirms.

        The engine cannot mix the two in one stretch of signal: its 'up' fuses the gyro, and the contact
        and posture rules differ without it. So the switch is a segment break, as a long gap is: the walk
        in progress ends here, every step before is finished with its angular rate, and the filters start
        again on the accelerometer alone — no sample is dropped, none is given an invented rate (NaN would
        be refused, zeros would read as a trunk that never turns). Steps before keep their twist, pelvic
        drop and turns; steps after have none. The result is judged as an accelerometer-only recording's
        (``summary['has_gyro']`` False, the back-strain rules that need the gyroscope not judged — sway
        and braking read differently without it, so a baseline taken with it would not compare), and says
        when the gyroscope stopped (``summary['gyro_stopped_s']``, a warning: 'the gyroscope ``why`` … s into the
        recording' — a live session that finds it stuck says 'was left out (stuck on one axis)'). Once only: the
        engine does not take a gyroscope up again."""
        if self._finished:
            raise ArgumentError("drop_gyro() after finish(): this engine's analysis is closed")
        upd = EngineUpdate()
        if not self.has_gyro:
            return upd
        if self._gyro_probe:                       # judge the angular rate's unit on what came, as finish() would
            self._judge_gyro_probe()
        self._gyro_probe = None
        if self._n or self._steps:
            self._segment_break(upd)
        self.has_gyro = False
        self.gyro_stopped_s = self._last_t
        self._gyro_drop_why = why
        self._gravity = GravityTracker(self.fs, has_gyro=False)
        self._gravity_m = None
        self._share_lowpass = False
        self._seated_after_s = self.p.seated_after_s + self._gravity.lag_s
        self._last_rise_ratio = self._loose_rise_ratio(False)
        self._acceptor.set_loose(self._last_rise_ratio > 0)
        # a fresh resampler: its pending samples carry six columns, and the next sample starts the new segment
        self._resampler = StreamResampler(self.fs, input_rate_hz=self._fed_rate_hz)
        return upd

    # ------------------------------------------------------------------ treadmill (live)
    @_known_keywords
    def set_treadmill(self, *, belt_speed_mps: float | None | object = ..., incline_pct: float | None | object = ...
                      ) -> TreadmillSchedule:
        """The treadmill's belt speed and/or incline changed *now* (live monitoring).

        From the latest sample fed on, a new stage holds the given values (one not given, ``...``,
        carries over; ``None`` means unknown). Steps before it keep the speed of their own stage.
        Stages of a planned schedule that lie after now are dropped: whoever presses the keys has
        taken over from the plan. Returns the schedule as it now stands."""
        now = (self._last_t - self._first_t) if self._first_t is not None and self._last_t is not None else 0.0
        sched = self.treadmill_schedule
        if sched is None:
            stages = [(0.0, self.context["belt_speed_mps"], self.context["incline_pct"])]
        else:
            stages = [(float(a), float(b), float(c)) for a, b, c in
                      zip(sched.start_s, sched.belt_speed_mps, sched.incline_pct) if a <= now]
        *earlier, (start, speed, incline) = stages
        speed = speed if belt_speed_mps is ... else belt_speed_mps
        incline = incline if incline_pct is ... else incline_pct
        # two changes within one sample (keys pressed quickly) are one stage
        stages = earlier + ([(start, speed, incline)] if now <= start else [stages[-1], (now, speed, incline)])
        # made with the keys: its times are key presses in seconds (no '5 meant 5:00' to warn of)
        self.treadmill_schedule = replace(TreadmillSchedule.from_stages(stages), from_keys=True)
        self.context.update(belt_speed_mps=None, incline_pct=None, treadmill=True)
        self._flags_cache = (-1, [])              # the next status re-judges the flags with it
        return self.treadmill_schedule

    # ------------------------------------------------------------------ buffer
    def _reset_buffer(self) -> None:
        self._base = 0              # global grid index of buffer row 0
        self._seg_first = 0         # … and of the stretch's first row (the buffer is trimmed after it)
        self._n = 0
        self._acc = np.empty((0, 3))
        self._gyro = np.empty((0, 3))
        self._up = np.empty((0, 3))
        self._up_m = np.empty((0, 3))
        self._up_l = np.empty((0, 3))
        self._av = np.empty(0)
        self._disp = np.empty(0)
        self._s4 = np.empty(0)
        self._s10 = np.empty(0)
        self._s4_done = 0           # buffer rows of s4 computed (centre index + 1)
        self._s10_done = 0
        self._scan_from = 0         # first buffer row not yet scanned for candidates

    def _trim_buffer(self) -> None:
        keep_from = self._n - int(BUFFER_S * self.fs)
        open_steps = self._steps
        if open_steps:
            oldest = min(np.nanmin([s.pos, s.prev2 if np.isfinite(s.prev2) else s.pos,
                                    s.hprev2 if np.isfinite(s.hprev2) else s.pos]) for s in open_steps)
            keep_from = min(keep_from, int(oldest) - self._base - int(6 * self.fs))
        # the regularity window looks ~4 strides back from the oldest open step
        keep_from = min(keep_from, self._scan_from - int(2 * self.fs))
        # cut only at a regularity anchor (a multiple of REGULARITY_ANCHOR_SAMPLES on the grid): the running sums
        # of its windows start there, so they are the same numbers whatever chunking trimmed the buffer (its rows
        # from the anchor on are kept; at most 10 s more)
        keep_from = (self._base + int(keep_from)) // REGULARITY_ANCHOR_SAMPLES * REGULARITY_ANCHOR_SAMPLES - self._base
        if keep_from <= 2 * self.fs:
            return
        k = int(keep_from)
        for name in ("_acc", "_gyro", "_up", "_up_m", "_up_l", "_av", "_disp", "_s4", "_s10"):
            setattr(self, name, getattr(self, name)[k:])
        self._base += k
        self._n -= k
        self._s4_done -= k
        self._s10_done -= k
        self._scan_from -= k

    # ------------------------------------------------------------------ feeding
    def feed(self, time_s: np.ndarray, acc_mps2: np.ndarray, gyro_rads: np.ndarray | None = None) -> EngineUpdate:
        """Feed samples: ``time_s`` (N,) in s, strictly increasing within and across calls; ``acc_mps2``
        (N, 3) in m/s² with gravity; ``gyro_rads`` (N, 3) in rad/s, required if and only if the engine was
        made with ``has_gyro=True``. Any chunk size. Returns the steps confirmed by these samples
        (:class:`EngineUpdate`: ``events`` as soon as a contact is sure, ``rows`` once its metrics are)."""
        if self._finished:
            raise ArgumentError("feed() after finish(): this engine's analysis is closed; make a new GaitEngine "
                                "for a new recording")
        try:
            time_s = np.atleast_1d(float_samples(time_s))
        except (TypeError, ValueError) as exc:
            raise ArgumentError(f"time_s must be numbers, seconds: {exc}") from None
        if time_s.ndim != 1:
            raise ArgumentError(f"time_s has shape {time_s.shape}; it must be (N,)")
        upd = EngineUpdate()
        acc = _samples("acc_mps2", acc_mps2, time_s.size)
        if self.has_gyro and gyro_rads is None:
            raise ArgumentError("this engine was created with has_gyro=True; feed gyro_rads too "
                                "(or create it with has_gyro=False for an accelerometer only)")
        if not self.has_gyro and gyro_rads is not None:
            raise ArgumentError("this engine was created with has_gyro=False and would ignore gyro_rads; "
                                "create it with has_gyro=True, or feed gyro_rads=None")
        gyro = _samples("gyro_rads", gyro_rads, time_s.size) if self.has_gyro else None
        if time_s.size == 0:
            return upd
        if not (np.isfinite(time_s).all() and np.isfinite(acc).all() and (gyro is None or np.isfinite(gyro).all())):
            bad = ~np.isfinite(time_s) | ~np.isfinite(acc).all(axis=1)
            if gyro is not None:
                bad |= ~np.isfinite(gyro).all(axis=1)
            raise ArgumentError(f"{int(bad.sum())} fed sample(s) hold NaN or infinite values (the first at index "
                                f"{int(np.flatnonzero(bad)[0])} of this chunk): the engine cannot use them — "
                                "leave those samples out (a gap in time is handled)")
        if time_s.size > 1 and not (np.diff(time_s) > 0).all():
            i = int(np.flatnonzero(np.diff(time_s) <= 0)[0])
            raise ArgumentError(f"time_s must increase strictly: sample {i + 1} of this chunk ({time_s[i + 1]:g} s) "
                                f"does not come after sample {i} ({time_s[i]:g} s); sort the samples (and merge "
                                "repeated times) first, e.g. with Recording(...).validated()")
        if self._last_t is not None and time_s[0] <= self._last_t:
            raise ArgumentError(f"time_s must increase across calls: this chunk starts at {time_s[0]:g} s, not after "
                                f"the previous chunk's last sample ({self._last_t:g} s)")
        if self._first_t is None:
            self._first_t = float(time_s[0])
        # the long gaps (segment breaks) within this chunk and from the previous one: only the latter were
        # counted, so summary['gap_s'] depended on the chunking (0 for a 0.65-s hole inside analyze()'s
        # 300-s chunks, 0.65 fed second by second)
        joined = time_s if self._last_t is None else np.r_[self._last_t, time_s]
        dt = np.diff(joined)
        self._gap_s += float(dt[dt > self._resampler.max_gap_s].sum())
        self.sample_gaps += [(float(joined[i]), float(joined[i + 1]))
                             for i in np.flatnonzero(dt > self._resampler.max_gap_s)]
        if dt.size:
            # a regular grid gives one or two values per chunk and a phone a few hundred: the dict stays small
            units, counts = np.unique(np.round(dt[dt <= self._resampler.max_gap_s] * 1e7).astype(np.int64),
                                      return_counts=True)
            for u, c in zip(units.tolist(), counts.tolist()):
                self._dt_counts[u] = self._dt_counts.get(u, 0) + c
            med_dt = 1.0 / self._median_rate_hz()
            if math.isfinite(med_dt):
                lost = np.flatnonzero((dt > max(LOST_SPAN_INTERVALS * med_dt, LOST_SPAN_MIN_S))
                                      & (dt <= self._resampler.max_gap_s))
                if lost.size:
                    self._lost_t0.append(joined[lost].astype(float))
                    self._lost_t1.append(joined[lost + 1].astype(float))
        self._last_t = float(time_s[-1])
        self._n_samples_in += time_s.size
        self._minutes.add(time_s, acc)
        if self._stuck_probe is not None:
            self._check_fed_stuck(acc)
        if self._acc_probe is not None or self._gyro_probe is not None:
            self._check_fed_units(acc, gyro, final=False)
        vals = acc if gyro is None else _side_by_side(acc, gyro)
        for chunk in self._resampler.feed(time_s, vals):
            if chunk.segment_start:
                self._segment_break(upd)
            self._process(chunk.time_s, chunk.values, upd)
        return upd

    def _check_fed_units(self, acc: np.ndarray | None, gyro: np.ndarray | None, *, final: bool) -> None:
        """Refuse data whose magnitudes betray the wrong unit: judged once, on the first seconds fed
        (:data:`UNIT_CHECK_S` for acceleration, :data:`GYRO_UNIT_CHECK_S` for the angular rate) or at the
        end of a shorter recording."""
        span = (self._last_t or 0.0) - (self._first_t or 0.0)
        if self._acc_probe is not None:
            if acc is not None:
                self._acc_probe.append(acc)
            if final or span >= UNIT_CHECK_S:
                self._check_fed_acc(np.concatenate(self._acc_probe))
                self._acc_probe = None
        if self._gyro_probe is not None:
            if gyro is not None:
                self._gyro_probe.append(gyro)
            if final or span >= GYRO_UNIT_CHECK_S:
                self._judge_gyro_probe()

    def _judge_gyro_probe(self) -> None:
        span = (self._last_t or 0.0) - (self._first_t or 0.0)
        gyro_all = np.concatenate(self._gyro_probe)
        self._gyro_probe = None
        p95 = float(np.percentile(np.sqrt(row_dot(gyro_all, gyro_all)), 95))
        if p95 > FED_GYRO_MAX_P95_RADS:
            raise ArgumentError(f"gyro_rads reaches {p95:.0f} (95th percentile over the first "
                                f"{min(span, GYRO_UNIT_CHECK_S):.0f} s fed): that looks like deg/s, not "
                                "rad/s — convert with np.radians")

    def _check_fed_acc(self, acc: np.ndarray) -> None:
        # gravity's size, not the median |a|: a run with long flight has a median |a| of 3 m/s² (found by review)
        mag = gravity_size(acc, step_s=1.0 / self._fed_rate_hz)
        if IN_G_MEDIAN_RANGE[0] < mag < IN_G_MEDIAN_RANGE[1] or not 4.0 < mag < 20.0:   # refused below
            self._check_fed_constant_axis(acc, mag)
        if IN_G_MEDIAN_RANGE[0] < mag < IN_G_MEDIAN_RANGE[1]:   # the readers' rule (check_units)
            raise ArgumentError(f"acc_mps2 looks like g, not m/s² (gravity's size {mag:.2f} over the first seconds "
                                f"fed): multiply it by imu_gait.recording.G ({G})")
        if not 4.0 < mag < 20.0:
            raise ArgumentError(f"acc_mps2 has gravity's size {mag:.3g} over the first seconds fed, where m/s² with "
                                "gravity reads ≈ 9.8: give acceleration in m/s² with gravity included (mg ÷ 1000 × "
                                "G; raw counts × the sensor's scale; gravity removed cannot be analysed)")

    def _check_fed_stuck(self, acc: np.ndarray) -> None:
        """Refuse an accelerometer axis stuck at one value, judged once the sensor has moved for
        :data:`STUCK_CHECK_MOVING_S` (see :func:`~imu_gait.recording.stuck_axes`): a Polar H10 with Z fixed at
        −2000 mG was refused mid-walk as a unit slip ('give acceleration in m/s²') (found by review)."""
        keep = int(STUCK_PROBE_S * self._fed_rate_hz)
        probe = np.concatenate([self._stuck_probe, acc])[-keep:]
        t = np.arange(probe.shape[0]) / self._fed_rate_hz      # (fed at about this rate; only 1-s windows matter)
        stuck = stuck_axes(t, probe, min_moving_s=STUCK_CHECK_MOVING_S)
        self._stuck_probe = probe if stuck is None else None
        if stuck:
            self._raise_stuck(stuck_axes_text(stuck), len(stuck))

    def _check_fed_constant_axis(self, acc: np.ndarray, mag: float) -> None:
        """Before the unit checks refuse gravity's size ``mag``: at a start standing still (no movement to judge a
        stuck axis by) an axis that reads exactly one value throughout the first seconds while another does not
        is stuck, not in another unit — a still sensor's noise changes the last digit from sample to sample."""
        const = [k for k in range(3) if acc.shape[0] > 1 and bool(np.all(acc[:, k] == acc[0, k]))]
        if const and len(const) < 3:
            self._raise_stuck(" and ".join(f"the {'xyz'[k]} axis read exactly {acc[0, k]:.4g} m/s² "
                                           f"({acc[0, k] / G:+.2f} g)" for k in const)
                              + f" in every sample of the first seconds fed while the other axes changed (gravity's "
                                f"size {mag:.3g} m/s², not 9.8)",
                              len(const))

    @staticmethod
    def _raise_stuck(detail: str, n_axes: int) -> None:
        raise StuckAxisError(f"acc_mps2: {detail}: "
                             f"{'that axis is' if n_axes == 1 else 'those axes are'} stuck, not in another unit — "
                             f"{STUCK_AXIS_HINT}", detail=detail, hint=STUCK_AXIS_HINT)

    def _segment_break(self, upd: EngineUpdate) -> None:
        """A long gap: close the bout, finish what can be finished, restart the filters."""
        self._end_bout(upd)
        self._finalise(upd, final=True)
        self._check_postures(upd, final=True)
        self._check_standings_after(final=True)
        self._gravity.reset()
        if self._gravity_m is not None:
            self._gravity_m.reset()
        self._displacement.reset()
        self._reset_buffer()
        self._n_segments += 1

    def _process(self, tg: np.ndarray, vals: np.ndarray, upd: EngineUpdate) -> None:
        acc = vals[:, :3]
        gyro = vals[:, 3:6] if self.has_gyro else None
        if self._n == 0:
            self._base = int(round(tg[0] * self.fs))
            self._seg_first = self._base         # the stretch's first grid index (regularity's first anchor)
            if self._k0 is None:
                self._k0 = self._base
        up, acc_slow, up_l = self._gravity.ups(acc, gyro)
        av = row_dot(acc, up) - G
        m = tg.size
        self._acc = _rows_appended(self._acc, acc)
        self._gyro = _rows_appended(self._gyro, gyro if gyro is not None else np.zeros((m, 3)))
        self._up = np.vstack([self._up, up])
        if self._gravity_m is not None:            # (without a gyroscope there is one 'up': _up)
            self._up_m = np.vstack([self._up_m, self._gravity_m(
                acc, gyro, acc_lowpassed=acc_slow if self._share_lowpass else None)])
        if up_l is not None:        # (without a gyroscope no coning pass: lean vs standing reads the plain 'up')
            self._up_l = np.vstack([self._up_l, up_l])
        self._av = np.concatenate([self._av, av])
        self._disp = np.concatenate([self._disp, self._displacement(av)])
        self._s4 = np.concatenate([self._s4, np.full(m, np.nan)])
        self._s10 = np.concatenate([self._s10, np.full(m, np.nan)])
        self._n += m
        # centred FIRs where their full support has arrived
        for taps, arr, done_attr in ((self._fir4, self._s4, "_s4_done"), (self._fir10, self._s10, "_s10_done")):
            h = taps.size // 2
            done = getattr(self, done_attr)
            start = max(done, h)
            stop = self._n - h
            if stop > start:
                arr[start:stop] = causal_fir_valid(self._av[start - h:stop + h], taps)
                setattr(self, done_attr, stop)
        self._detect(upd)
        now = (self._base + self._n - 1) * self.dt
        accepted, closed = self._acceptor.poll((self._base - self._k0 + self._n - 1) * self.dt - self._lookahead_s())
        self._take(self._on_clock(accepted), closed, upd, now)
        self._finalise(upd, final=False)
        self._check_postures(upd, final=False)
        self._check_standings_after(final=False)
        self._trim_buffer()

    def _lookahead_s(self) -> float:
        return (self._fir4.size // 2) * self.dt + self.p.peak_halfwidth_s

    def _detect(self, upd: EngineUpdate) -> None:
        w = int(round(self.p.peak_halfwidth_s * self.fs))
        pw = int(round(self.p.prominence_window_s * self.fs))
        h4 = self._fir4.size // 2
        first_valid = h4                          # first buffer row with s4
        lo = max(self._scan_from, first_valid + pw)
        hi = self._s4_done - w                    # rows [lo, hi) can be decided now
        if hi <= lo:
            return
        win0 = lo - pw
        seg = self._s4[win0:hi + w]
        mask, rise = candidate_mask(seg, self.fs, self.p)
        mask, rise = mask[pw:pw + (hi - lo)], rise[pw:pw + (hi - lo)]
        peaks = np.flatnonzero(mask) + lo
        rises = rise[peaks - lo]
        self._scan_from = hi
        if peaks.size == 0:
            return
        n_ic = int(round(self.p.ic_search_s * self.fs))
        keep = peaks - n_ic >= self._s10_first_valid()
        peaks, rises = peaks[keep], rises[keep]
        # contacts in grid samples on the acceptor's clock (from grid point _k0, see _on_clock): counted from
        # there inside refine_contacts, so their rounding does not depend on where the buffer began
        origin = self._base - self._k0
        ics = refine_contacts(peaks, self._s10, self.fs, self.p, self._last_rise_ratio, origin=origin)
        turns = self._turn_rates(peaks)
        tilts = self._tilts(peaks)
        if self._last_rise_ratio == 0 and self.p.report_rise_ratio > 0:
            reported = refine_contacts(peaks, self._s10, self.fs, self.p, self.p.report_rise_ratio,
                                       self.p.report_dip_ratio, origin=origin)
            moved = (reported != ics) & (turns < self.p.report_max_turn_dps)
            if len(self._report_at) > 4096:       # candidates never taken as steps: forget the old ones
                cut = (self._base - self._k0 + self._n) * self.dt - 600.0
                self._report_at = {k: v for k, v in self._report_at.items() if k >= cut}
            # keyed by the contact as the acceptor will return it (its clock: from grid point _k0, see _on_clock)
            self._report_at.update(zip((ics[moved] * self.dt).tolist(), (reported[moved] * self.dt).tolist()))
        detected_at = (self._base + self._n - 1) * self.dt
        # Python numbers, not numpy scalars: the acceptor's per-candidate arithmetic, comparisons and
        # sorts run ~3× faster on them (same IEEE doubles, so the same results)
        base, dt, offer = self._base - self._k0, self.dt, self._acceptor.offer     # (the acceptor's clock: _k0)
        for pk, ic, rs, tr, tl in zip(peaks.tolist(), ics.tolist(), rises.tolist(), turns.tolist(), tilts.tolist()):
            accepted, closed = offer((base + pk) * dt, ic * dt, rs, tr, tl)
            if accepted or closed:
                self._take(self._on_clock(accepted), closed, upd, detected_at)

    def _on_clock(self, accepted: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """The acceptor's contacts (s from grid point ``_k0``) on the recording's time axis (unchanged from 0 s),
        with their reported times (``_report_at``, keyed by the acceptor's numbers) moved along."""
        if not accepted or not self._k0:
            return accepted
        t0 = self._k0 * self.dt
        out = []
        for t, bn in accepted:
            if t in self._report_at:
                self._report_at[t + t0] = self._report_at.pop(t) + t0
            out.append((t + t0, bn))
        return out

    def _turn_rates(self, peaks: np.ndarray) -> np.ndarray:
        """|Mean angular rate about 'up'| (°/s) from turn_back_s before each candidate's peak to
        turn_ahead_s after it (rows the buffer holds: the peak is decided ≥ 0.27 s after it); zeros
        without a gyroscope. Each window is gathered on its own, so any chunking gives the same sums."""
        if not self.has_gyro or peaks.size == 0:
            return np.zeros(peaks.size)
        back = int(round(self.p.turn_back_s * self.fs))
        idx = peaks[:, None] + np.arange(-back, int(round(self.p.turn_ahead_s * self.fs)) + 1)[None, :]
        ok = (idx >= 0) & (idx < self._n)
        idx = clip(idx, 0, self._n - 1)
        # the yaw rate of each row the windows touch, once (windows of neighbouring candidates overlap), then
        # gathered per window: the same per-row products, summed per window as before
        lo, hi = int(idx.min()), int(idx.max()) + 1
        yaw_rows = row_dot(self._gyro[lo:hi], self._up[lo:hi])
        yaw = yaw_rows[idx - lo]
        return np.degrees(np.abs(np.where(ok, yaw, 0.0).sum(axis=1) / np.maximum(ok.sum(axis=1), 1)))

    def _tilts(self, peaks: np.ndarray) -> np.ndarray:
        """Angle (°) 'up' turned from handling_back_s before each candidate's peak to handling_ahead_s
        after it (rows the buffer holds; the first row stands in for earlier ones)."""
        if peaks.size == 0:
            return np.zeros(0)
        i0 = np.maximum(peaks - int(round(self.p.handling_back_s * self.fs)), 0)
        i1 = np.minimum(peaks + int(round(self.p.handling_ahead_s * self.fs)), self._n - 1)
        u0, u1 = self._up[i0], self._up[i1]
        cos = row_dot(u0, u1) / np.sqrt(row_dot(u0, u0) * row_dot(u1, u1))
        return np.degrees(np.arccos(clip(cos, -1.0, 1.0)))

    def _take(self, accepted, closed, upd: EngineUpdate, detected_at: float) -> None:
        """Add accepted contacts and close ended bouts — a bout's own contacts before it closes."""
        if self._close_due and (accepted or closed):
            # a closed walk still waiting for its last step's samples (see _close_bouts): if they are in, its row
            # and checks come first — before a later walk's steps can calibrate on the short-walk pool or
            # confirm a standing, as they do when the walk's row could be given at its close
            self._finalise(upd, final=False)
        if not closed:                 # (the common case, a step in a walk: nothing to close, no set to build)
            for ta, bn in accepted:
                self._add_step(ta, bn, upd, detected_at)
            return
        ended = {b.number for b in closed}
        for ta, bn in accepted:
            if bn in ended:
                self._add_step(ta, bn, upd, detected_at)
        self._close_bouts(closed, upd)
        for ta, bn in accepted:
            if bn not in ended:
                self._add_step(ta, bn, upd, detected_at)

    def _regularity(self, t0: float, t1: float, lag_s: float) -> float:
        """Normalised autocorrelation of the 4 Hz vertical acceleration over [t0, t1] (the acceptor's clock:
        s from grid point ``_k0``) at lag."""
        a = max(int(round(t0 * self.fs)) + self._k0 - self._base, self._fir4.size // 2)
        b = min(int(round(t1 * self.fs)) + self._k0 - self._base, self._s4_done)
        lag = int(round(lag_s * self.fs))
        if b - a - lag < 10:
            return 0.0
        x, y = self._s4[a:b - lag], self._s4[a + lag:b]
        x, y = x - x.mean(), y - y.mean()
        den = np.sqrt(np.dot(x, x) * np.dot(y, y))
        return float(np.dot(x, y) / den) if den > 0 else 0.0

    def _s10_first_valid(self) -> int:
        return self._fir10.size // 2 + 1

    def _add_step(self, t: float, bout: int, upd: EngineUpdate, detected_at: float) -> None:
        pos = t * self.fs
        # (a contact the acceptor re-timed — alternating lags — is reported where the acceptor put it)
        t_report = self._report_at.pop(t, t)
        rpos = t_report * self.fs
        if not self._bouts or self._bouts[-1]["bout"] != bout:
            self._bouts.append({"bout": bout, "start_s": t, "end_s": t, "n_steps": 0,
                                "_last_pos": np.nan, "_last2_pos": np.nan, "_last_rpos": np.nan,
                                "_last2_rpos": np.nan, "_times": [], "_reported": {}})
            if self.placement_kind != "off_trunk":
                self._bouts[-1]["_stand"] = self._standing_before(pos)
            self._suspect_move(bout, pos)
        b = self._bouts[-1]
        # links to the previous contacts live on the bout record: the previous step may
        # already have been finalised (small live chunks), its position is still needed
        recent = b["_times"][-8:]
        # the last two contacts whatever the stretch, forgotten after a pause of MAX_PAUSE_S: the heading of a
        # stretch's first strides reaches back over a short pause (a pivot turn breaks the stretch of steps)
        if not (t - self._h_last_t < MAX_PAUSE_S):
            self._h_last = self._h_last2 = np.nan
        hprev2 = self._h_last2
        self._h_last2, self._h_last, self._h_last_t = self._h_last, pos, t
        st = _Step(pos=pos, bout=bout, prev=b["_last_pos"], prev2=b["_last2_pos"], bout_start=b["start_s"] * self.fs,
                   hprev2=hprev2,
                   rpos=rpos, rprev=b["_last_rpos"], rprev2=b["_last2_rpos"],
                   back_pos=recent[0] * self.fs if recent else np.nan, back_n=len(recent),
                   calib=None if self._pending(bout) else self._calib)
        for s in reversed(self._steps):
            if s.bout == bout:
                s.nxt = pos
                break
        self._steps.append(st)
        b["end_s"] = t
        b["n_steps"] += 1
        b["_last2_pos"], b["_last_pos"] = b["_last_pos"], pos
        b["_last2_rpos"], b["_last_rpos"] = b["_last_rpos"], rpos
        if t_report != t:
            b["_reported"][t] = t_report          # a retraction names the contact as it was reported
        # calibrate at a fixed point of the step sequence, never at a chunk boundary, so that
        # live and offline analysis calibrate on exactly the same samples
        b["_times"].append(t)
        n = b["n_steps"]
        if self._calib is None and (n == CALIBRATION_STEPS or (
                n > CALIBRATION_STEPS and (n - CALIBRATION_STEPS) % CALIBRATION_RETRY_STEPS == 0)):
            # a walk's first calibration point, or — when that was refused because the sensor was still
            # settling — again every few steps of the same walk, on its latest steps
            window = (_settled(b["_times"][:CALIBRATION_STEPS]) if n == CALIBRATION_STEPS
                      else b["_times"][-(CALIBRATION_STEPS - CALIBRATION_SKIP):])
            # a near tie at the first point is refused once, like a settling sensor: CALIBRATION_RETRY_STEPS later
            # (or the next walk, its steps pooled meanwhile) the evidence is more (FORWARD_HOLD_QUALITY)
            self._calib = self._calibration_from(window, refuse_tie=n == CALIBRATION_STEPS, steady=True)
            for waiting in self._steps:                # steps waiting for the first calibration get it (not a
                if waiting.calib is None and not waiting.closed:   # closed walk's held last steps: a short walk's)
                    waiting.calib = self._calib
        elif n == CALIBRATION_STEPS:
            self._cal_points += 1
            if not self._check_sensor_move(_settled(b["_times"][:CALIBRATION_STEPS]), bout, float(b["start_s"])):
                self._check_sensor_turn(_settled(b["_times"][:CALIBRATION_STEPS]))
        elif (self._calib is not None and b["n_steps"] > CALIBRATION_STEPS
              and ((b["n_steps"] - CALIBRATION_STEPS) % SENSOR_RECHECK_STEPS == 0
                   # walking backwards: checked every window, so the walk forwards again is seen within ~2 windows
                   # (a retro stretch lasts minutes, so these checks cost little): at every 100 steps its first
                   # 23 s of forward steps read braking 0.008 m/s for 0.15 (backward audit s42)
                   or (self._reversed_calib is not None
                       and (b["n_steps"] - CALIBRATION_STEPS) % SENSOR_RECHECK_WINDOW_STEPS == 0)
                   or (self._turn_pending is not None
                       and self._turn_pending_at == (bout, b["n_steps"] - SENSOR_TURN_CONFIRM_STEPS))
                   # walking forwards: a cheap sign test every other window (~20 µs, ~1 % of the analysis) calls the
                   # full check at once when the steps look walked backwards — before (backward2 s43) a stretch's start
                   # waited for the next 100-step check, up to ~112 steps late (38 s of a stretch read braking 0.006
                   # m/s for 0.10); now ≤ ~36 steps (a window to be seen in, one to confirm)
                   or (self._reversed_calib is None and self._turn_pending is None
                       and (b["n_steps"] - CALIBRATION_STEPS) % (2 * SENSOR_RECHECK_WINDOW_STEPS) == 0
                       and self._looks_walked_backwards(b["_times"][-SENSOR_RECHECK_WINDOW_STEPS:]))
                   # side-stepping (an in-walk ~90° turn open): the same cheap sign test on the forward before the
                   # turn, every window, calls the full check when the steps go that way again — before (sidestep
                   # s44) the stretch's end waited for the next 100-step check, up to ~112 steps late
                   or (self._side_open is not None and self._turn_pending is None
                       and (b["n_steps"] - CALIBRATION_STEPS) % SENSOR_RECHECK_WINDOW_STEPS == 0
                       and self._looks_turned_back(b["_times"][-SENSOR_RECHECK_WINDOW_STEPS:])))):
            self._turn_pending_at = (bout, b["n_steps"])   # (read only while _turn_pending is set)
            self._check_sensor_turn(b["_times"][-SENSOR_RECHECK_WINDOW_STEPS:], during_walk=True)
        if self._calib is not None and n >= CALIBRATION_STEPS and b.get("_stand") is not None:
            self._confirm_standing(b)
        upd.events.append(StepEvent(time_s=t_report, detected_at_s=detected_at, bout=bout))

    def _standing_before(self, pos: float) -> dict[str, Any] | None:
        """A still stretch just before the contact at global sample ``pos`` (a walk's first): the standing
        posture's 'up' (sensor axes) and the trunk's 'up' on the way from it to the contact, or None. Judged
        with the walking posture once the walk has calibrated (:meth:`_confirm_standing`); taken at the walk's
        first step, a fixed point of the step sequence, so live and offline analysis look at the same rows."""
        row = int(round(pos)) - self._base
        found = still_stretch_before(self._acc, self._gyro if self.has_gyro else None, self.fs, row,
                                     min_s=STANDING_MIN_S, max_gap_s=STANDING_MAX_GAP_S)
        if found is None:
            return None
        a, e = found
        k = max(a, e - int(round(STANDING_USE_S * self.fs)))
        # still: the acceleration is gravity alone, so its mean is the posture (no filter lag)
        return {"up": unit(self._acc[k:e].mean(axis=0)), "path": self._up[e:row].copy(),
                "start_s": (a + self._base) / self.fs, "end_s": (e + self._base) / self.fs}

    def _confirm_standing(self, b: dict[str, Any], calib=None) -> None:
        """Take the still stretch before walk ``b`` as a standing reference if it passes the checks of
        ``STANDING_*`` against this walk's settled posture and the calibration (``calib``, a short walk's own;
        default the engine's)."""
        cand = b.pop("_stand")
        lo, hi = self._rows_between(_settled(b["_times"]))
        if hi - lo < self.fs:
            return
        up_walk = unit(self._up[lo:hi].mean(axis=0))
        lean = _standing_lean_deg(cand["up"], cand["path"], up_walk, calib if calib is not None else self._calib)
        if lean is not None:
            self._add_standing({"up": cand["up"], "start_s": cand["start_s"], "end_s": cand["end_s"],
                                "bout": b["bout"], "walk_start_s": float(b["start_s"]), "lean_deg": lean,
                                "after_walk": False})

    def _add_standing(self, found: dict[str, Any]) -> None:
        """A standing confirmed: kept, and live rows from now on measured against the one steps_frame would
        choose for its sensor position as the table stands (:meth:`_lean_vs_standing`). Offline (no rows given)
        the newest standing before a walk stands in: steps_frame judges every row again, and the table is not
        rebuilt at every standing of a long recording."""
        self._standings.append(found)
        self._live_standing = found if not found["after_walk"] else self._live_standing
        if self.emit_rows and self._batches:
            self.steps_frame()                     # (chooses, per position, from the standings so far)
            # … but the table itself is not wanted here: a cached copy of every row held between standings
            # doubled what a live session keeps (the engine grew 3.0 MB of Python objects an hour, 1.8 before)
            self._frame_cache = None
            k = int(np.searchsorted(self._position_jumps_s, found["walk_start_s"], side="right"))
            self._live_standing = self._position_refs.get(k, {}).get("standing", self._live_standing)
        self._flags_cache = (-1, [])               # earlier rows' lean may have changed: the next status re-judges

    def _standing_after_due_at_close(self, bout: int) -> None:
        """A walk closed: note what a standing after it is judged against — the walk's posture over its last
        STANDING_WALK_TAIL_S and the calibration its rows were measured about, as they are at this point of the
        data. The samples after its last step come later (:meth:`_check_standings_after`). Walks that could
        confirm a standing before them only: ≥ CALIBRATION_STEPS steps once the engine has calibrated, else ≥
        STANDING_MIN_STEPS with their own short-walk calibration."""
        if self.placement_kind == "off_trunk":
            return
        b = self._bout_record(bout)
        if b is None or not b["_times"]:
            return
        times = b["_times"]
        if self._calib is not None and len(times) >= CALIBRATION_STEPS:
            calib = self._calib
        elif self._calib is None and b.get("_cal") is not None and len(times) >= STANDING_MIN_STEPS:
            calib = b["_cal"]
        else:
            return
        settled = np.asarray(_settled(times), float)
        tail = settled[settled >= times[-1] - STANDING_WALK_TAIL_S]
        if tail.size < 2:
            return
        lo, hi = self._rows_between(tail.tolist())
        if hi - lo < self.fs:
            return
        w = int(round(0.5 * self.fs))             # still_stretch_after's window
        # global grid index past the last row still_stretch_after may look at (integer: every chunking decides on
        # exactly the same samples)
        due = int(round(times[-1] * self.fs)) + int(round((STANDING_MAX_GAP_S + STANDING_MIN_S) * self.fs)) + w
        self._standing_due.append({"bout": bout, "last_s": float(times[-1]), "walk_start_s": float(b["start_s"]),
                                   "up_walk": unit(self._up[lo:hi].mean(axis=0)), "calib": calib, "due": due})

    def _check_standings_after(self, *, final: bool) -> None:
        """Confirm the standing after each closed walk once the samples it may lie in are in (or at the end of
        the data: ``final``). Only samples at fixed offsets from the walk's last step are looked at, so any
        chunking finds the same standing."""
        if not self._standing_due:
            return
        end = self._base + self._n
        waiting = []
        for d in self._standing_due:
            if end < d["due"] and not final:
                waiting.append(d)
                continue
            b = self._bout_record(d["bout"])
            if b is None or not b["_times"]:
                continue                          # the walk was taken back: no standing after it
            # (a tail taken back as 'sat down' still counts from its last step: a hunched walker straightening up
            # as they stop reclines ≥ 10° behind the walk too — and a seat, reclined, can only read the walk
            # leaning more, which the cross-check never takes; the swing check refuses most sitting down anyway)
            row = int(round(d["last_s"] * self.fs)) - self._base
            if row < 0:
                continue
            found = still_stretch_after(self._acc, self._gyro if self.has_gyro else None, self.fs, row,
                                        min_s=STANDING_MIN_S, max_gap_s=STANDING_MAX_GAP_S)
            if found is None:
                continue
            a, e = found
            # still: the acceleration is gravity alone; its first STANDING_USE_S, nearest the walk, as before one
            up_stand = unit(self._acc[a:min(e, a + int(round(STANDING_USE_S * self.fs)))].mean(axis=0))
            lean = _standing_lean_deg(up_stand, self._up[row:a], d["up_walk"], d["calib"])
            if lean is not None:
                self._add_standing({"up": up_stand, "start_s": (a + self._base) / self.fs,
                                    "end_s": (e + self._base) / self.fs, "bout": d["bout"],
                                    "walk_start_s": d["walk_start_s"], "lean_deg": lean, "after_walk": True})
            elif not _same_position(d["up_walk"], d["calib"][1]) and _standing_lean_deg(
                    up_stand, self._up[row:a], d["up_walk"], (d["calib"][0], d["up_walk"])) is not None:
                # the walk ended ≥ 30° from the posture it began in and the walker then stood still in that new
                # posture: a sensor that sagged or slipped 30–40° during the walk had no standing after, so nothing
                # named it while its lean read as a 'strong' hunch (placement audit s41)
                self._tilted_after.append({"up": up_stand, "start_s": (a + self._base) / self.fs, "bout": d["bout"],
                                           "walk_start_s": d["walk_start_s"], "up_walk": d["up_walk"],
                                           "calib": d["calib"]})
        self._standing_due = waiting

    def _end_bout(self, upd: EngineUpdate) -> None:
        """End of a segment or of the recording: commit a held step, close the bout."""
        accepted, closed = self._acceptor.reset()
        self._take(self._on_clock(accepted), closed, upd, (self._base + self._n - 1) * self.dt)
        # no heading across a gap in the data: the samples of a pause there are missing
        self._h_last = self._h_last2 = self._h_last_t = np.nan

    def _close_bouts(self, closed, upd: EngineUpdate) -> None:
        for bt in closed:
            if self._pending(bt.number):
                self._resolve_short_move(bt.number)
            for s in self._steps:
                if s.bout == bt.number:
                    s.closed = True
            self._close_due.append(bt.number)
        if closed:
            # finalise what can be: each step keeps the calibration it was added under (a later bout
            # calibrating within the same feed() must not change these rows). The walk's last step waits for
            # the samples of its own step (_finalise) — a walk can end at a candidate that comes sooner than
            # one step after it — and the walk's checks wait for that row (_run_close_checks)
            self._finalise(upd, final=False)

    def _run_close_checks(self, bout: int, upd: EngineUpdate) -> None:
        """A closed walk's rows are all given (their symmetry, twist and drop are part of the evidence): take it
        back if it had no rhythm or a still trunk, else note what the checks of its trailing steps (sat down?) and
        of a standing after it need."""
        if not (self._retract_if_aperiodic(bout, upd) or self._retract_if_implausible(bout, upd)
                or self._retract_if_trunk_still(bout, upd) or self._retract_if_flat(bout, upd)
                or self._retract_if_unalternating(bout, upd)):
            self._retract_still_stretches(bout, upd)
            self._posture_due_at_close(bout)
            self._standing_after_due_at_close(bout)
        else:
            self._undo_move(bout)

    def _undo_move(self, bout: int) -> None:
        """A walk taken back (no rhythm, no trunk's gait, a still trunk) moved nothing: the calibration it brought
        (:meth:`_check_sensor_move`) gives way to the one before it, and its move is not noted. A sensor on a wrist or
        handled (scikit-digital-health's 2-min AX6 example) 'moved' 87° and 104° at two such stretches, and later walks
        would have been measured about a calibration from hand motion."""
        undo = self._move_undo.pop(bout, None)
        if undo is None:
            return
        move, calib, turn_ref = undo
        if self._calib is not None and self._calib is move["_calib"]:
            self._calib, self._turn_ref = calib, turn_ref
            for name, value in move.get("state", {}).items():   # (the backward stretch's, the turn-round test's)
                setattr(self, name, value)
        self._sensor_moves = [m for m in self._sensor_moves if m is not move["entry"]]
        if self._move_short is not None and self._move_short["entry"] is move["entry"]:
            self._move_short = None

    def _retract_if_aperiodic(self, bout: int, upd: EngineUpdate) -> bool:
        """A closed walk of ≥ ``aperiodic_min_steps`` steps whose vertical acceleration repeats at neither
        the step nor the stride lag (median regularities ≤ ``aperiodic_max_regularity``) was not walking:
        all its steps are taken back (StepParams explains the rule and its evidence). True if it was."""
        p = self.p
        if not self.has_gyro:
            # measured with a gyroscope only: without one, daily-life walks carry more doubled steps, whose
            # shorter mean step puts the regularity lags off — HA002's walk at 60–68 s (10 INDIP-confirmed
            # steps) read −0.09 / −0.16 and was taken back, while the task this rule is for splits into
            # walks of 13 and 5 steps there and never qualified (StepParams.aperiodic_*)
            return False
        b = self._bout_record(bout)
        if b is None or b["n_steps"] < p.aperiodic_min_steps:
            return False
        step_reg, stride_reg = self._bout_column(bout, "_step_regularity_at_lag", "_stride_regularity_at_lag")
        half = p.aperiodic_min_steps // 2
        if np.isfinite(step_reg).sum() < half or np.isfinite(stride_reg).sum() < half:
            return False
        if max(np.nanmedian(step_reg), np.nanmedian(stride_reg)) > p.aperiodic_max_regularity:
            return False
        return self._take_back(bout, b, upd)

    def _retract_if_implausible(self, bout: int, upd: EngineUpdate) -> bool:
        """A closed walk whose median sway or bounce per step no trunk reaches in walking or running
        (> ``implausible_max_sway_cm`` / ``implausible_max_bounce_cm``), or — walking, with a gyroscope — whose
        median twist per stride exceeds ``implausible_max_twist_deg``, was not gait on the trunk — a sensor
        waved or carried in the hand: all its steps are taken back, and the summary's warnings say so
        (StepParams explains the rule and its evidence). True if it was."""
        p = self.p
        if self.placement_kind == "off_trunk":
            return False                          # a pocket's phone swings with the thigh: not this evidence
        b = self._bout_record(bout)
        if b is None:
            return False
        sway, bounce, twist, gait, step_reg = self._bout_column(bout, "lateral_sway_cm", "vertical_oscillation_cm",
                                                                "trunk_twist_deg", "gait", "step_regularity")
        regular = np.isfinite(step_reg).any() and np.nanmedian(step_reg) >= p.implausible_twist_max_regularity
        running = (gait == "run").mean() > 0.5
        if not self.has_gyro or running or regular:
            # (twist is measured walking, with a gyroscope; a regular walk that twists far is a walker
            # twisting too much — the flag's business, not a sensor off the trunk)
            twist = np.full(twist.size, np.nan)
        med = {}
        for name, v, limit in (("sway", sway, p.implausible_max_sway_cm),
                               ("bounce", bounce, p.implausible_max_bounce_run_cm if running else p.implausible_max_bounce_cm),
                               ("twist", twist, p.implausible_max_twist_deg)):
            if np.isfinite(v).sum() >= p.implausible_min_values and np.nanmedian(v) > limit:
                med[name] = float(np.nanmedian(v))
        if not med:
            return False
        self._implausible.append({"start_s": float(b["start_s"]), "end_s": float(b["end_s"]),
                                  "n_steps": int(b["n_steps"]), **med})
        return self._take_back(bout, b, upd)

    def _retract_if_trunk_still(self, bout: int, upd: EngineUpdate) -> bool:
        """A closed walk during which the trunk neither turned nor rolled (median twist ≤
        ``still_trunk_max_twist_deg`` and pelvic drop ≤ ``still_trunk_max_drop_deg``, by the gyroscope) was
        not walking: the 'steps' were jolts passed up from a vibrating seat or floor (a car, a bus, a
        treadmill deck). All its steps are taken back (StepParams explains the rule and its evidence).
        True if it was."""
        p = self.p
        if not self.has_gyro or self.placement_kind == "off_trunk":
            return False                          # a pocket's phone turns with the thigh: not this evidence
        b = self._bout_record(bout)
        if b is None:
            return False
        twist, drop = self._bout_column(bout, "trunk_twist_deg", "pelvic_drop_deg")
        if np.isfinite(twist).sum() < p.still_trunk_min_steps or np.isfinite(drop).sum() < p.still_trunk_min_steps:
            return False
        if np.nanmedian(twist) > p.still_trunk_max_twist_deg or np.nanmedian(drop) > p.still_trunk_max_drop_deg:
            return False
        return self._take_back(bout, b, upd)

    def _retract_if_flat(self, bout: int, upd: EngineUpdate) -> bool:
        """A closed walk of ≥ ``flat_min_steps`` steps whose trunk barely rose and fell (median bounce per step under
        ``flat_max_bounce_cm``) was not walking — pedalling a bike, seated: all its steps are taken back and the
        summary's warnings say so (StepParams explains the rule and its evidence). True if it was."""
        p = self.p
        if self.placement_kind == "off_trunk":
            return False                          # a pocket's phone: its 'bounce' is the thigh's, not this evidence
        b = self._bout_record(bout)
        if b is None or b["n_steps"] < p.flat_min_steps:
            return False
        (bounce,) = self._bout_column(bout, "vertical_oscillation_cm")
        if (np.isfinite(bounce).sum() < p.flat_min_steps // FLAT_MEASURED_DIVISOR
                or not np.nanmedian(bounce) < p.flat_max_bounce_cm):
            return False
        self._flat.append({"start_s": float(b["start_s"]), "end_s": float(b["end_s"]), "n_steps": int(b["n_steps"]),
                           "bounce": float(np.nanmedian(bounce)), "gyro": self.has_gyro})
        return self._take_back(bout, b, upd)

    def _unalternating_why(self) -> str:
        """Why the ``_unalternating`` stretches are not walking, worded by how each was judged: with the gyroscope
        (``"drop"`` in the stretch: drop, twist and sway bars) or without it (the sway bar alone) — a gyroscope may stop
        mid-recording (``drop_gyro``), and before (review A s44 L1) every stretch was explained by ``has_gyro`` at the
        end: a stretch judged on the gyroscope's bars read 'median under 0.6 cm … judged without a gyroscope'."""
        p, n_min = self.p, self.p.unalternating_min_steps
        gyro = any("drop" in x for x in self._unalternating)
        acc_only = any("drop" not in x for x in self._unalternating)
        with_g = (f"medians under {p.unalternating_max_drop_deg:.1f}°, {p.unalternating_max_twist_deg:.0f}° and "
                  f"{p.unalternating_max_sway_cm:.0f} cm over {n_min}+ 'steps'")
        without = f"median under {p.unalternating_max_sway_no_gyro_cm:.1f} cm over {n_min}+ 'steps', judged without a gyroscope"
        if gyro and acc_only:
            return ("the trunk rocked to a rhythm but did not roll, twist or sway from one side to the other (with the "
                    f"gyroscope: {with_g}; the stretches after it stopped, sway alone: {without}), where walking "
                    "alternates feet (every real walk rolled the pelvis ≥ 1.5° per step; a walking trunk twists 8–15° "
                    "and sways 3–7 cm)")
        if gyro:
            return ("the trunk rocked to a rhythm but did not roll, twist or sway from one side to the other "
                    f"({with_g}), where walking alternates feet (every real walk rolled the pelvis ≥ 1.5° per step; a "
                    "walking trunk twists 8–15° and sways 3–7 cm)")
        return ("the trunk rocked to a rhythm but hardly swayed from one side to the other "
                f"({without}), where walking alternates feet (a walking trunk sways 3–7 cm)")

    def _retract_if_unalternating(self, bout: int, upd: EngineUpdate) -> bool:
        """A closed walking 'walk' of ≥ ``unalternating_min_steps`` steps, on the trunk, whose trunk neither rolled,
        twisted nor swayed from side to side (with a gyroscope: medians under ``unalternating_max_drop_deg``,
        ``unalternating_max_twist_deg``, ``unalternating_max_sway_cm``; without one, where drop and twist are not
        measured: median sway under ``unalternating_max_sway_no_gyro_cm``) was rhythmic trunk pitching without a left /
        right alternation — pushing a manual wheelchair, rocking — not walking: all its steps are taken back and the
        summary's warnings say so (StepParams explains the rule and its evidence). True if it was."""
        p = self.p
        if self.placement_kind == "off_trunk":
            return False                          # (a pocket turns and sways with the thigh)
        b = self._bout_record(bout)
        if b is None or b["n_steps"] < p.unalternating_min_steps:
            return False
        drop, twist, sway, gait = self._bout_column(bout, "pelvic_drop_deg", "trunk_twist_deg", "lateral_sway_cm", "gait")
        if (gait == "run").mean() > 0.5:
            return False                          # (no real run with a gyroscope was there to set it)
        half = p.unalternating_min_steps // FLAT_MEASURED_DIVISOR
        med = {}
        # twist and drop need the gyroscope; without one the sway alone judges, against its own bar
        checks = ((("drop", drop, p.unalternating_max_drop_deg), ("twist", twist, p.unalternating_max_twist_deg),
                   ("sway", sway, p.unalternating_max_sway_cm)) if self.has_gyro
                  else (("sway", sway, p.unalternating_max_sway_no_gyro_cm),))
        for name, v, limit in checks:
            if np.isfinite(v).sum() < half or not np.nanmedian(v) < limit:
                return False
            med[name] = float(np.nanmedian(v))
        self._unalternating.append({"start_s": float(b["start_s"]), "end_s": float(b["end_s"]),
                                    "n_steps": int(b["n_steps"]), **med})
        return self._take_back(bout, b, upd)

    def _retract_still_stretches(self, bout: int, upd: EngineUpdate) -> None:
        """Within a closed walk kept as walking (sensor on the trunk): ``still_stretch_min_steps`` or more steps in a
        row during which the trunk neither turned nor rolled (with a gyroscope: each step's twist ≤
        ``still_trunk_max_twist_deg`` and pelvic drop ≤ ``still_trunk_max_drop_deg``) — without one: neither swayed
        nor bounced (≤ ``still_stretch_max_sway_cm``, ≤ ``still_stretch_max_bounce_cm``) — are taken back, the rest of
        the walk kept: trembling legs with the feet stuck (freezing of gait) shake the trunk in a step-like rhythm that
        the walk's rhythm slides onto (StepParams explains the rule and its evidence)."""
        p = self.p
        if self.placement_kind == "off_trunk" or not math.isfinite(p.still_stretch_min_steps):
            return
        b = self._bout_record(bout)
        if b is None or b["n_steps"] < p.still_stretch_min_steps:
            return
        # with a gyroscope: neither turned nor rolled; without one: neither swayed nor bounced
        keys, bars = ((("trunk_twist_deg", "pelvic_drop_deg"), (p.still_trunk_max_twist_deg, p.still_trunk_max_drop_deg))
                      if self.has_gyro else (("lateral_sway_cm", "vertical_oscillation_cm"),
                                             (p.still_stretch_max_sway_cm, p.still_stretch_max_bounce_cm)))
        t, twist, drop = self._bout_column(bout, "time_s", *keys)
        order = np.argsort(t, kind="stable")             # (the columns come newest batch first)
        t, twist, drop = t[order], twist[order], drop[order]
        # a step not measured (a walk's first two have no stride behind them for the twist, its last no step after it
        # for the drop) does not break a stretch, but at most two of a stretch may be such
        known = (twist <= bars[0]) & (drop <= bars[1])
        still = ~(twist > bars[0]) & ~(drop > bars[1])
        edges = np.flatnonzero(np.diff(np.concatenate([[0], still.view(np.int8), [0]])))
        n_min = p.still_stretch_min_steps
        runs = [(a, e) for a, e in zip(edges[::2], edges[1::2])
                if e - a >= n_min and np.count_nonzero(known[a:e]) >= e - a - 2]
        if not runs:
            return
        engine_t = {rep: eng for eng, rep in b["_reported"].items()}     # rows hold contacts as reported
        for a, e in runs:
            self._still_stretches.append({"start_s": float(t[a]), "end_s": float(t[e - 1]), "n_steps": int(e - a),
                                          keys[0]: float(np.nanmedian(twist[a:e])),
                                          keys[1]: float(np.nanmedian(drop[a:e]))})
        drop_t = np.concatenate([t[a:e] for a, e in runs])
        self._retract(bout, np.array([engine_t.get(x, x) for x in drop_t.tolist()], float), upd)

    def _take_back(self, bout: int, b: dict[str, Any], upd: EngineUpdate) -> bool:
        """The end of each ``_retract_if_*`` check that found walk ``bout`` (its record ``b``) was not walking: the
        'up' kept before its first steps (the sitting-down check's, _bout_ups) is dropped and all its steps are taken
        back. True, what the check returns."""
        self._bout_ups.pop(bout, None)
        self._bout_tail_ups.pop(bout, None)
        self._retract(bout, np.asarray(b["_times"], float), upd)
        return True

    def _bout_record(self, bout: int) -> dict[str, Any] | None:
        """Walk ``bout``'s entry in ``self._bouts`` (looked for from the newest, where the walks being closed are),
        None if it has none."""
        return next((x for x in reversed(self._bouts) if x["bout"] == bout), None)

    def _bout_column(self, bout: int, *keys: str) -> list[np.ndarray]:
        """The rows' values of one walk, per key (its rows are in the newest batches)."""
        rows = []
        for batch in reversed(self._batches):      # stop at the first batch that ends before the walk
            if batch["bout"].size and batch["bout"].max() < bout:
                break
            if (batch["bout"] == bout).any():
                rows.append(batch)
        return [np.concatenate([r[k][r["bout"] == bout] for r in rows]) if rows else np.empty(0) for k in keys]

    # ------------------------------------------------------------------ sitting down at a walk's end
    def _posture_evidence(self, pos: np.ndarray, bouts: np.ndarray, symmetry: np.ndarray) -> None:
        """What the sitting-down check learns from steps as their rows are given (buffer positions ``pos``):
        the contact-locked braking (summed step by step in time order, so any batching gives the same sum),
        each walk's posture from its first ``posture_ref_steps`` steps, and how many steps load the sensor
        alike on both sides. All of a walk's rows are given by the time it closes."""
        k = np.round(pos).astype(np.int64)
        n_b = int(round(BRAKING_WINDOW_S * self.fs))
        ok = (k >= n_b) & (k + n_b <= self._n)      # (a contact in the last 0.1 s of the data: none)
        if ok.any():
            vecs = braking_vector(self._acc, self._up, k[ok], n_b)
            self._braking_sum = np.cumsum(np.vstack([self._braking_sum, vecs]), axis=0)[-1]
            self._braking_n += int(vecs.shape[0])
        n_w = int(round(0.5 * self.fs))             # a walk's posture: 'up' over the 0.5 s before each contact
        keep_n = int(round((self.p.seated_lookback_s + SEATED_TAIL_POSTURE_S) * self.fs))
        for bt in np.unique(bouts).tolist():
            have = self._bout_ups.setdefault(bt, [])
            if len(have) < self.p.posture_ref_steps:
                sel = k[(bouts == bt) & (k >= n_w)][:self.p.posture_ref_steps - len(have)]
                have.extend(window_mean_rows(self._up, sel - n_w, n_w))
            sel = k[(bouts == bt) & (k >= n_w)]
            if sel.size:
                at, ups = self._bout_tail_ups.get(bt, (np.zeros(0, np.int64), np.zeros((0, 3))))
                # only the contacts within keep_n of the newest are kept (older ones are never asked for): the
                # windows of the others are not averaged at all — an offline batch's ~500 steps of a walk kept
                # ~45 (each window's mean is its own rows' alone, so the kept ones are the same numbers)
                cut = int(sel[-1]) + self._base - keep_n
                sel = sel[sel + self._base >= cut]
                recent = at >= cut
                self._bout_tail_ups[bt] = (np.concatenate([at[recent], sel + self._base]),
                                           np.vstack([ups[recent], window_mean_rows(self._up, sel - n_w, n_w)]))
        sym = np.asarray(symmetry, float)
        self._sym_counts[0] += int(np.isfinite(sym).sum())
        self._sym_counts[1] += int((sym >= self.p.seated_min_symmetry).sum())

    def _posture_due_at_close(self, bout: int) -> None:
        """A walk closed: note what the check of its trailing steps needs, as it stands at this point of
        the data (the walk's own 'up', the forward axis) — a later walk calibrating within the same
        feed() must not change it. The samples after its steps come later (:meth:`_check_postures`)."""
        p = self.p
        b = self._bout_record(bout)
        ups = self._bout_ups.pop(bout, [])
        tail_at, tail_ups = self._bout_tail_ups.pop(bout, (np.zeros(0, np.int64), np.zeros((0, 3))))
        if (b is None or not b["_times"] or not ups or not math.isfinite(p.seated_recline_deg)
                or self.placement_kind == "off_trunk"):
            return                          # (a pocket's 'posture' is the thigh's, not the trunk's)
        times = np.asarray(b["_times"], float)
        # forward: the axis the walk was measured about (its calibration); before any, the braking at every
        # contact so far (the trunk slows down after each contact: braking points back). Per closed walk, the
        # braking's direction lay a median 18° from the sensor's true forward axis on the Mobilise-D daily
        # recordings (up to 60°) and was reversed at 22 % of IPOL's (a bend forward would read as reclined);
        # the calibration's a median 3° on both (≤ 20°). Six more seated tails are taken back (false steps outside both
        # references 7.85 → 6.10 /min), none an INDIP contact (benchmarks/false_steps.py; every F1 in
        # benchmarks/accuracy.py unchanged)
        forward = b.get("_forward")
        if forward is None:
            if self._braking_n < BRAKING_MIN_STEPS or not np.linalg.norm(self._braking_sum) > 0:
                return                      # no forward direction yet: the steps stand
            forward = -self._braking_sum
        n_sym, n_centred = self._sym_counts
        if self.placement_kind == "unknown" and (n_sym < BRAKING_MIN_STEPS
                                                 or n_centred < p.seated_min_centred_share * n_sym):
            # the walking so far does not load the sensor alike on both steps (few steps with a symmetry
            # above the bar): a phone in a trouser pocket, whose 'posture' standing still reads 11–22°
            # 'reclined' behind its walking swing (Oxford front pockets) — not a trunk that sat down. A
            # stated trunk placement is taken at its word
            return
        n_w = max(1, int(round(p.seated_window_s * self.fs)))
        # global grid index where the last step's window ends: the check waits for it (integer, so every
        # chunking decides on exactly the same samples)
        due = int(round((times[-1] + self._seated_after_s) * self.fs)) - n_w // 2 + n_w
        # the standing before this walk, when one was confirmed (by now: at its 16th step, or as a short walk
        # closed): a seat reclines the trunk behind it too, a hunched walker straightening up does not
        stand = next((st for st in reversed(self._standings)
                      if st["bout"] == bout and not st["after_walk"]), None)
        up_walk = walking_up(np.asarray(ups))
        # the walk's posture just before the steps judged: reclined ≥ seated_recline_deg behind its first steps
        # already, it was the sensor that tipped back during the walk (a sagging clip; no one walks 10° back from
        # how they set off), and the stop is judged against that posture — against the first steps', a clip
        # that tipped 20–30° back read as sitting down and the walk's last 20 s of steps were taken back
        # (placement audit s41)
        t_judged = int(round((times[-1] - p.seated_lookback_s) * self.fs))
        before = (tail_at >= t_judged - int(round(SEATED_TAIL_POSTURE_S * self.fs))) & (tail_at < t_judged)
        if before.sum() >= 2:
            up_tail = walking_up(tail_ups[before])
            if float(recline_deg(up_tail, up_walk, forward)[0]) >= p.seated_recline_deg:
                up_walk = up_tail
        self._posture_due.append({"bout": bout, "times": times, "up_walk": up_walk,
                                  "forward": np.asarray(forward, float), "due": due,
                                  "up_stand": None if stand is None else stand["up"]})

    def _check_postures(self, upd: EngineUpdate, *, final: bool) -> None:
        """Retract a closed walk's trailing steps after which the trunk settled reclined ≥
        ``seated_recline_deg`` behind the walk's own posture (sitting down), once the samples
        ``seated_after_s`` after its last step are in — or at the end of the data (``final``: a
        recording or segment ending sooner judges each step on its last ``seated_window_s``, if that
        starts ≥ ``seated_min_after_s`` after the contact; else the step is kept). Only samples at
        fixed offsets from the steps are used, so any chunking retracts the same steps."""
        if not self._posture_due:
            return
        p, fs = self.p, self.fs
        end = self._base + self._n                # global index one past the newest row
        n_w = max(1, int(round(p.seated_window_s * fs)))
        waiting = []
        for d in self._posture_due:
            if end < d["due"] and not final:
                waiting.append(d)
                continue
            times = d["times"]
            cand = times[times >= times[-1] - p.seated_lookback_s]
            start = np.round((cand + self._seated_after_s) * fs).astype(np.int64) - n_w // 2
            start = np.minimum(start, end - n_w)  # only when final: the data ended sooner
            ok = (start >= np.round((cand + p.seated_min_after_s) * fs)) & (start >= self._base)
            recline = np.full(cand.size, np.nan)
            spread = np.full(cand.size, np.nan)
            behind_stand = np.full(cand.size, np.nan)   # NaN: no standing before the walk to judge against
            if ok.any():
                ups = window_mean_rows(self._up, start[ok] - self._base, n_w)
                recline[ok] = recline_deg(ups, d["up_walk"], d["forward"])
                spread[ok] = np.degrees(np.sqrt(np.maximum(2 * (1 - np.linalg.norm(ups, axis=1)), 0)))
                if d["up_stand"] is not None:
                    behind_stand[ok] = recline_deg(ups, d["up_stand"], d["forward"])
            # NaN (no evidence): kept; a posture still moving (a pouch swinging on its cord, a pocket) is not
            # one settled in a seat; back at the standing posture is a hunched walker straightening up
            seated = ((recline >= p.seated_recline_deg) & (spread <= p.seated_max_spread_deg)
                      & ~(behind_stand < p.seated_min_recline_vs_standing_deg))
            n_tail = int(np.argmin(seated[::-1])) if not seated.all() else int(seated.size)
            drop = cand[cand.size - n_tail:]
            self.posture_checks.append({"bout": d["bout"], "time_s": cand.tolist(), "recline_deg": recline.tolist(),
                                        "spread_deg": spread.tolist(), "behind_standing_deg": behind_stand.tolist(),
                                        "retracted": drop.tolist()})
            if n_tail:
                self._retract(d["bout"], drop, upd)
        self._posture_due = waiting

    def _retract(self, bout: int, drop: np.ndarray, upd: EngineUpdate) -> None:
        """Take the contacts ``drop`` (s) of walk ``bout`` back: out of the step table (rows already
        given stay given; ``upd.retracted`` says which are void), the walk's record and the live counts."""
        # drop holds the engine's contacts (steepest rise); rows and events hold them as reported
        reported = next((b["_reported"] for b in self._bouts if b["bout"] == bout), {})
        drop_reported = np.array([reported.get(t, t) for t in drop.tolist()], float)

        def dropped(t: np.ndarray, which: np.ndarray = drop) -> np.ndarray:
            return (np.abs(np.asarray(t, float)[:, None] - which[None, :]) < 1e-6).any(axis=1)

        removed = 0
        for i, batch in enumerate(self._batches):
            in_bout = np.flatnonzero(batch["bout"] == bout)
            if not in_bout.size:
                continue
            hit = in_bout[dropped(batch["time_s"][in_bout], drop_reported)]
            if hit.size:
                keep = np.ones(batch["time_s"].size, bool)
                keep[hit] = False
                self._batches[i] = {k: v[keep] for k, v in batch.items()}
                removed += int(hit.size)
        self._batches = [b for b in self._batches if b["time_s"].size]
        self._n_rows -= removed
        self._steps = [s for s in self._steps if not (s.bout == bout and dropped([s.pos / self.fs])[0])]
        self._recent_rows = [r for r in self._recent_rows
                             if not (r["bout"] == bout and dropped([r["time_s"]], drop_reported)[0])]
        self._frame_cache = None
        self._flags_cache = (-1, [])              # the next status re-judges the flags without them
        for j, b in enumerate(self._bouts):
            if b["bout"] == bout:
                kept = [t for t, gone in zip(b["_times"], dropped(b["_times"])) if not gone]
                if kept:
                    if kept[0] != b["start_s"]:
                        # its first steps taken back (a start hesitation): the standing before it was confirmed
                        # under the old start, the one after it will be under this one — moved with it, or
                        # _sag_walks never pairs them (review E s44 F1: a 30° sag lost its note)
                        for st in (*self._standings, *self._standing_due, *self._tilted_after):
                            if st.get("bout") == bout:
                                st["walk_start_s"] = float(kept[0])
                    b.update(_times=kept, n_steps=len(kept), start_s=kept[0], end_s=kept[-1])
                else:
                    del self._bouts[j]
                break
        now = (self._base + self._n - 1) * self.dt
        upd.retracted.extend(StepEvent(time_s=float(t), detected_at_s=now, bout=bout) for t in drop_reported)

    # ------------------------------------------------------------------ calibration
    def _calibration_from(self, times: list[float], refuse_tie: bool = False, steady: bool = False):
        """(forward axis, reference 'up') from the samples between the contacts ``times``, or None —
        also when 'up' drifted more than ``CALIBRATION_MAX_DRIFT_DEG`` between the two halves of that
        stretch: the sensor was still being put on or settling (tried again later in the same walk).
        Forward: the vote of :func:`forward_evidence` on this stretch plus the short walks before it in
        the same position; the reference 'up' is this stretch's mean. ``refuse_tie``: None also when that vote is a
        near tie with nothing shown clearly before (:meth:`_clear_forward`); ``steady``: None also when the
        strides' postures spread more than ``CALIBRATION_MAX_SPREAD_DEG`` (:meth:`_posture_spread_deg`)."""
        if self._settling(times):
            return None
        if steady and self.placement_kind != "off_trunk" and self._posture_spread_deg(times) > CALIBRATION_MAX_SPREAD_DEG:
            return None
        win = self._gait_window(times)
        found = self._forward_in(win)
        ev = self._evidence_in(win, len(times))
        if found is None or ev is None:
            return None
        _ap_acc, ref_up, _quality = found
        pool = self._short_pool
        pooled = pool is not None and _same_position(ev.up_mean, pool.up_mean)
        if pooled:
            ev = pool + ev                       # the short walks before it, in the same position, count too
        ap, unsure = self._clear_forward(ev, pooled)
        if unsure and refuse_tie:
            return None
        if unsure and steady:                    # (the first calibration: taken at once; a move's may not be)
            self._unsure_forward.append((float(times[0]), math.inf, ev.forward()[1]))
        ap = ap - ap.dot(ref_up) * ref_up
        # the sensor-turn checks compare like with like: the accelerometer's forward then and later
        self._turn_ref = found[0]
        return ap / np.linalg.norm(ap), ref_up

    def _posture_spread_deg(self, times: list[float]) -> float:
        """How far the strides between the contacts ``times`` stray from one posture, °: the 75th percentile of the
        angle between each stride's mean 'up' and their component-wise median (:func:`walking_up`); 0 with fewer
        than 2 strides."""
        rows = np.round(np.asarray(times, float) * self.fs).astype(np.int64) - self._base
        rows = rows[(rows >= 0) & (rows <= len(self._up))]
        if rows.size < 4:
            return 0.0
        c = np.vstack([np.zeros((1, 3)), np.cumsum(self._up[rows[0]:rows[-1]], axis=0)])[rows - rows[0]]
        # per stride (each two steps running): the trunk rolls over each foot in turn, so a single step's mean
        # leans to its side (Mobilise-D HA002's steady daily walk: ±9° step by step, ≤ 8° by the stride)
        ups = unit(c[2:] - c[:-2])
        return float(np.percentile(np.degrees(np.arccos(np.clip(ups @ walking_up(ups), -1.0, 1.0))), 75))

    def _unsure_forward_kept(self, steps: pd.DataFrame) -> list[tuple[float, float]]:
        """(time, quality) of each near-tie forward axis (:meth:`_clear_forward`) that steps of the final table were
        measured about — a short walk's own (its steps kept), or the engine's calibration (a kept step after it,
        before any fresh calibration: a sensor move)."""
        if not self._unsure_forward or not len(steps):
            return []
        t = steps["time_s"].to_numpy(float)
        moves = sorted(m["time_s"] for m in self._sensor_moves)
        out = []
        for a, b, q in self._unsure_forward:
            if not math.isfinite(b):
                b = next((m for m in moves if m > a), math.inf)
            if ((t >= a - 1e-6) & (t < b + 1e-6)).any():
                out.append((a, q))
        return out

    def _settling(self, times: list[float]) -> bool:
        """'up' drifted more than ``CALIBRATION_MAX_DRIFT_DEG`` between the two halves of the stretch
        between the contacts ``times`` (noted once per walk for the summary)."""
        a, b = self._rows_between(times)
        halves = np.array_split(self._up[a:b], 2)
        if min(len(h) for h in halves) > 0:
            u1, u2 = (h.mean(axis=0) / np.linalg.norm(h.mean(axis=0)) for h in halves)
            drift = float(np.degrees(np.arccos(np.clip(u1 @ u2, -1.0, 1.0))))
            if drift > CALIBRATION_MAX_DRIFT_DEG:
                # one note per walk (its 16th step and its close may both try it); the larger drift
                t0 = float(times[0])
                same = [i for i, (t_u, _) in enumerate(self._unsettled) if self._same_bout(t_u, t0)]
                if same:
                    i = same[0]
                    self._unsettled[i] = (min(self._unsettled[i][0], t0), max(self._unsettled[i][1], drift))
                else:
                    self._unsettled.append((t0, drift))
                return True
        return False

    def _same_bout(self, t_a: float, t_b: float) -> bool:
        return any(b["start_s"] <= t_a <= b["end_s"] and b["start_s"] <= t_b <= b["end_s"] for b in self._bouts)

    def _with_steps(self, stretches: list[dict]) -> list[dict]:
        """The stretches (walking backwards, side-stepping: ``start_s``, ``end_s`` or None for the end) that hold a step
        still counted: a stretch whose walks were all taken back (wheelchair pushing, no rhythm …) is not reported
        (audit wheel s43: 'you walked backwards … those steps are counted' over 0 steps)."""
        if not stretches:
            return []                             # (the live status asks every update: no walk's times gathered)
        kept = np.array([t for b in self._bouts for t in b["_times"]], float)
        return [x for x in stretches
                if ((kept >= x["start_s"] - 1e-6) & (kept <= (np.inf if x["end_s"] is None else x["end_s"]) + 1e-6)).any()]

    def _backward_hints(self) -> list[str]:
        t0 = self._first_t or 0.0
        return [f"From {mmss(x['start_s'] - t0)} to "
                + (f"{mmss(x['end_s'] - t0)}" if x["end_s"] is not None else "the end")
                + BACKWARD_NOTE_WORDS
                + (" and back" if x["end_s"] is not None else "") + "): those steps are counted; their braking is "
                "measured along the way you moved and their lean about the way you faced."
                for x in self._with_steps(self._backward)]

    def _side_step_hints(self) -> list[str]:
        t0 = self._first_t or 0.0
        return [f"From {mmss(x['start_s'] - t0)} to {mmss(x['end_s'] - t0)}" + SIDE_STEP_NOTE_WORDS
                + ": those steps are counted, measured along the way you moved, and left out of the baselines and flags."
                for x in self._with_steps(self._side_steps)]

    def _turn_hints(self) -> list[str]:
        return [f"At {mmss(x['time_s'] - (self._first_t or 0.0))} the sensor was turned {abs(x['turn_deg']):.0f}° about the vertical "
                + ("during the walk (slid round the belt? swivelled?)" if x["during_walk"] else
                   "between two walks (put back the other way round?)")
                + ": forward was found again from the steps after it."
                for x in self._sensor_turns]

    def _check_sensor_turn(self, times: list[float], during_walk: bool = False) -> None:
        """Forward found ≥ ``SENSOR_TURN_DEG`` from the calibrated one, clearly shown (quality ≥
        ``SENSOR_TURN_MIN_QUALITY``): the sensor was turned about the vertical — between two walks (a phone
        put back the other way round; checked at a later bout's calibration point) or during one (checked
        every ``SENSOR_RECHECK_STEPS`` steps; two checks in a row must agree, as one stretch of a long walk
        is a weaker witness than a fresh bout). Forward is taken from there on; 'up' — the lean reference —
        is kept (a turn about the vertical leaves it alone; a tilt is strain.lean_jumps' business). Without
        this, braking and sway were silently measured on the wrong axes (a 90° turn: braking 0.14 → 0.01
        m/s). Steps added before the turn was found keep the axes they were measured on."""
        if not during_walk:
            self._turn_pending = None
            a, b = self._rows_between(times)
            walk_up = unit(self._up[a:b].mean(axis=0)) if b - a >= 3 else None
            try:
                self._check_turn_against(times, False, walk_up)
            finally:
                if walk_up is not None:
                    self._walk_up = walk_up
            return
        self._check_turn_against(times, True, None)

    def _check_turn_against(self, times: list[float], during_walk: bool, walk_up) -> None:
        """:meth:`_check_sensor_turn`'s test; ``walk_up``: a later walk's walking 'up' at its calibration point."""
        found = self._forward_from(times)
        if found is None or found[2] < SENSOR_TURN_MIN_QUALITY:
            self._turn_pending = None
            return
        ap_cal, up_ref = self._calib
        ap_old = self._turn_ref - self._turn_ref.dot(up_ref) * up_ref
        ap_old /= np.linalg.norm(ap_old)
        ap = found[0] - found[0].dot(up_ref) * up_ref
        norm = np.linalg.norm(ap)
        if norm < 1e-6:
            return
        ap /= norm
        turn = _signed_angle_deg(ap_old, ap, up_ref)
        backward = self._reversed_calib is not None
        # walking backwards, a clear turn that brings forward back to where it was before the stretch began: the
        # walker faces the travel again — two +90° changes of travel (side-steps) add up to a reversal never seen
        # as one, and left the stretch open with the forward walking after it read lean sign-turned (diff review
        # s42 M1). A re-clip by 90° (the l6 case) leaves forward 90° off it, and keeps the stretch
        back_home = (backward and self._pre_stretch_fwd is not None and SENSOR_TURN_DEG <= abs(turn) < REVERSAL_MIN_DEG
                     and abs(_signed_angle_deg(self._pre_stretch_fwd, ap, up_ref)) < SENSOR_TURN_DEG)
        if abs(turn) < SENSOR_TURN_DEG:
            self._turn_pending = None
            return
        since = float(times[0])
        if during_walk:
            pending, self._turn_pending = self._turn_pending, (ap, since)
            if pending is None or abs(_signed_angle_deg(pending[0], ap, up_ref)) > SENSOR_TURN_AGREE_DEG:
                return                                 # wait for the next check to agree
            since, self._turn_pending = pending[1], None
        # the calibrated forward turned as the accelerometer's did (it is found from more than the
        # accelerometer: see forward_evidence)
        th = math.radians(turn)
        turned = ap_cal * math.cos(th) + np.cross(up_ref, ap_cal) * math.sin(th)
        turned -= turned.dot(up_ref) * up_ref
        self._calib = (turned / np.linalg.norm(turned), up_ref)
        self._turn_ref = ap
        if back_home or (abs(turn) >= REVERSAL_MIN_DEG
                         and (during_walk or backward or self._turned_round_on_belt(times, walk_up))):
            # walking backwards begins — within a walk, or on a treadmill after a pause too (the belt stopped, the
            # walker turned round; off a belt a reversal between walks stays a turn: a phone put back reversed) —
            # or ends (either way)
            self._side_open = None
            if backward:
                self._backward[-1]["end_s"] = since
                self._reversed_calib = None
                self._pre_stretch_fwd = None
            else:
                self._backward.append({"start_s": since, "end_s": None})
                self._pre_stretch_fwd = ap_old
                self._reversed_calib = self._calib
                self._reversed_calibs.append(self._calib)
            return
        side, self._side_open = self._side_open, None
        # side-steps as a walk of their own (between two pauses): on a treadmill (not a desk) a ~90° turn found at a
        # walk's calibration point, its 'up' kept (as for a walker turning round: _turned_round_on_belt), is taken
        # as the walker turned sideways too, and undone at a later one as the side-steps' end — before (sidestep
        # s44) two 'sensor turned 90°' notes. Off a belt it stays a sensor turn (a phone put back turned)
        on_belt = during_walk or (not backward and SIDE_STEP_MIN_DEG <= abs(turn) <= 180.0 - SIDE_STEP_MIN_DEG
                                  and self._turned_round_on_belt(times, walk_up))
        # … both turns found during one walk; else (either at a calibration point, or during walks further
        # apart) only when the turn back comes by the very next walk, within SIDE_STEP_MAX_BETWEEN_S of the first:
        # else two sensor turns. (Review F M2 s44: a clip slid in walk A and back in walk C read as 8 min of
        # side-stepping, dropped from the baselines and flags.)
        between_ok = side is not None and ((side[3] and during_walk and self._cal_points == side[4]) or (
            self._cal_points - side[4] <= 1 and since - side[2] <= SIDE_STEP_MAX_BETWEEN_S))
        if (side is not None and on_belt and not backward and between_ok
                and abs(_signed_angle_deg(side[1], ap, up_ref)) < SENSOR_TURN_DEG):
            # side-stepping (a rehab exercise on the belt): a clear ~90° turn during a walk, undone by the next one
            # — forward back within 35° of where it was. Its steps were measured along the travel, as after a sensor
            # turn; the pair is a stretch of side-steps, not the sensor turned twice (before backward2 s43: two
            # 'sensor turned 90°' notes). A clip slid 90° and slid back reads the same way (the note says so)
            turned = self._sensor_turns.pop(side[0])
            self._side_steps.append({"start_s": turned["time_s"], "end_s": since})
            return
        if (on_belt and not backward and SIDE_STEP_MIN_DEG <= abs(turn) <= 180.0 - SIDE_STEP_MIN_DEG):
            self._side_open = (len(self._sensor_turns), ap_old, since, during_walk, self._cal_points)
        if backward:
            # a clear turn of the sensor while walking backwards (re-clipped 90° at a pause): still backwards, now on
            # the turned axes — a reversal (or forward back where it was before the stretch) ends it. Before (fix-back s42 M1) the stretch was left open
            # with the walker taken as facing the travel: the rest of it read its lean with the sign turned, and the
            # reversal back to forward walking opened a second stretch 'to the end'
            self._reversed_calib = self._calib
            self._reversed_calibs.append(self._calib)
        self._sensor_turns.append({"time_s": since, "turn_deg": turn, "during_walk": during_walk})

    def _turned_round_on_belt(self, times: list[float], walk_up=None) -> bool:
        """A reversal found at a later walk's calibration point (contacts ``times``) is the walker turned round on a
        treadmill: not at a walking desk (its walker faces the desk all day; a reversal there is a phone or clip put
        back the other way round), and only if the walk's 'up' lies within ``RETRO_MAX_TILT_DEG`` of the calibrated
        one (:data:`RETRO_MAX_TILT_DEG`) — the previous walk's (``_walk_up``), as a turn-round changes the lean from the
        walk before it; the calibration's 'up' outlives sensor turns (diff review s42 H1)."""
        if not self.context["treadmill"] or self.context["walking_aid"] == "desk" or walk_up is None:
            return False
        ref = self._walk_up if self._walk_up is not None else self._calib[1]
        return float(walk_up @ ref) >= math.cos(math.radians(RETRO_MAX_TILT_DEG))

    def _pending(self, bout: int) -> bool:
        return self._move_pending is not None and self._move_pending["bout"] == bout

    def _suspect_move(self, bout: int, pos: float) -> None:
        """A new walk's first contact at global sample ``pos``: if the trunk's 'up' over the SENSOR_MOVE_PRE_S
        before it lies outside the calibrated position (:func:`_same_position`), hold the walk's steps until its
        calibration point (:meth:`_check_sensor_move`) says which calibration they are measured with. Decided on
        the samples before a fixed contact, so every chunking holds the same steps (live = offline)."""
        self._move_pending = None
        if self._calib is None:
            return
        row = int(round(pos)) - self._base
        a = max(row - int(round(SENSOR_MOVE_PRE_S * self.fs)), 0)
        if row - a < 2:
            return
        up = self._up[a:row].mean(axis=0)
        if not _same_position(unit(up), self._calib[1]):
            self._move_pending = {"bout": bout}

    def _release(self, bout: int, calib) -> None:
        """A pending walk's held steps get ``calib`` (None: left to the short-walk calibration at its close)."""
        for s in self._steps:
            if s.bout == bout and s.calib is None:
                s.calib = calib
        self._move_pending = None

    def _check_sensor_move(self, times: list[float], bout: int, t0: float) -> bool:
        """At a later walk's calibration point (contacts ``times``, its first at ``t0``): True when its walking 'up'
        lies outside the calibrated position — the sensor was tilted on the body (re-clipped, a phone put back):
        the engine calibrates afresh on this walk (forward and posture reference), notes the move
        (``sensor_moves``) and measures the walk's held steps with it; steps of a walk not held (the sensor
        moved while walking) keep the axes they were added under. False: nothing changed (held steps get the
        calibration in force)."""
        pending = self._pending(bout)
        old = self._calib
        fresh = None
        turn_ref = self._turn_ref
        a, b = self._rows_between(times)
        if b - a >= 3:
            up = self._up[a:b].mean(axis=0)
            if not _same_position(unit(up), old[1]):
                fresh = self._calibration_from(times)      # (sets _turn_ref: kept unless taken) None: settling
                if fresh is None or _same_position(fresh[1], old[1]):
                    self._turn_ref = turn_ref
        if fresh is None or _same_position(fresh[1], old[1]):
            if pending:
                self._release(bout, old)
            return False
        self._calib = fresh
        state = {"_reversed_calib": self._reversed_calib, "_walk_up": self._walk_up,
                 "_pre_stretch_fwd": self._pre_stretch_fwd}
        self._walk_up = None                       # the fresh calibration's 'up' is this walk's
        if self._reversed_calib is not None:
            # re-clipped while walking backwards: which way the walker faces after the pause is not known. The fresh
            # calibration is taken as facing forward — a walker who pauses to re-clip most likely walks on forwards,
            # and taking it as reversed turned every later forward lean's sign and lost a hunch's flag (diff review-3
            # s42). If the walk goes on backwards, the rest of the stretch reads its lean sign-turned until a
            # reversal ends it (README). Forward before the stretch was on the old axes: only a reversal ends it now
            self._pre_stretch_fwd = None
            if len(self._backward) - 1 not in self._backward_recut:
                state["_backward_recut"] = self._backward_recut
                self._backward_recut = {**self._backward_recut, len(self._backward) - 1: float(t0)}
        tilt = float(np.degrees(np.arccos(np.clip(fresh[1] @ old[1], -1.0, 1.0))))
        short, self._move_short = self._move_short, None
        if short is not None and _same_position(fresh[1], short["up"]):
            short["entry"]["tilt_deg"] = tilt       # the move a short walk was first to show
        else:
            entry = {"time_s": float(t0), "tilt_deg": tilt}
            self._sensor_moves.append(entry)
            self._move_undo[bout] = ({"entry": entry, "_calib": fresh, "state": state}, old, turn_ref)
        self._turn_pending = None
        self._side_open = None                    # a re-clip at a pause: a later turn back is no side-step's end
        if pending:
            self._release(bout, fresh)
        return True

    def _resolve_short_move(self, bout: int) -> None:
        """A held walk closed before its calibration point: in the calibrated position after all (its mean 'up'),
        its steps get that calibration, as any short walk's do; else they are left to the short-walk
        calibration of their own steps (:meth:`_short_walk_calibration`) — the old axes would measure a tilted
        sensor's tilt as lean."""
        steps = [s for s in self._steps if s.bout == bout]
        if len(steps) >= 2:
            a, b = self._rows_between([steps[0].pos / self.fs, steps[-1].pos / self.fs])
            up = unit(self._up[a:b].mean(axis=0)) if b - a >= 3 else None
            if up is not None and not _same_position(up, self._calib[1]) and self._steady_short_walk(steps):
                self._release(bout, None)
                # a position of its own for lean against standing (_lean_vs_standing): measured against the old
                # position's standing, a 60° re-clip's short walk read 60° (field audit s35 F1). Noted once per
                # position: a later short walk in the same one, or a long one (which confirms it), adds none
                if self._move_short is None or not _same_position(up, self._move_short["up"]):
                    tilt = float(np.degrees(np.arccos(np.clip(up @ self._calib[1], -1.0, 1.0))))
                    entry = {"time_s": float(steps[0].pos / self.fs), "tilt_deg": tilt}
                    self._sensor_moves.append(entry)
                    self._move_short = {"entry": entry, "up": up}
                    self._move_undo[bout] = ({"entry": entry, "_calib": None}, self._calib, self._turn_ref)
                return
        self._release(bout, self._calib)

    def _steady_short_walk(self, steps: list[_Step]) -> bool:
        """A held short walk can calibrate on its own steps: at least STANDING_MIN_STEPS of them, and its 'up' did
        not drift more than CALIBRATION_MAX_DRIFT_DEG between their two halves (:meth:`_settling`'s test, without
        its note). Else it keeps the calibration in force, as any short walk does: a handled sensor's 7 'steps' with
        'up' turning 65° got no calibration of their own, no metrics, and so escaped the check that takes back
        stretches no trunk makes (scikit-digital-health's AX6 example)."""
        if len(steps) < STANDING_MIN_STEPS:
            return False
        a, b = self._rows_between([steps[0].pos / self.fs, steps[-1].pos / self.fs])
        halves = np.array_split(self._up[a:b], 2)
        if min(len(h) for h in halves) == 0:
            return False
        u1, u2 = (unit(h.mean(axis=0)) for h in halves)
        return float(np.degrees(np.arccos(np.clip(u1 @ u2, -1.0, 1.0)))) <= CALIBRATION_MAX_DRIFT_DEG

    def _sag_walks(self) -> list[dict[str, float]]:
        """Each walk whose standings before and after it differ by ``SENSOR_SAG_HINT_DEG`` or more in pitch, the
        walk's lean changing with them: ``{walk_start_s, end_s (the standing after's start), drift_deg (+ = the
        standing after further forward), rise_deg (the walk's lean, end against start)}``."""
        if self._calib is None:
            return []
        pairs: dict[float, dict[str, dict[str, Any]]] = {}
        for st in self._standings:
            pairs.setdefault(st["walk_start_s"], {})["after" if st["after_walk"] else "before"] = st
        for st in self._tilted_after:
            pairs.setdefault(st["walk_start_s"], {}).setdefault("tilted", st)
        out = []
        for walk_s, d in sorted(pairs.items()):
            if "before" not in d or ("after" not in d and "tilted" not in d):
                continue
            if "after" in d:
                # + = the standing after leans further forward than the one before (recline_deg: + = back)
                drift = -float(recline_deg(d["after"]["up"], d["before"]["up"], self._calib[0])[0])
                rise = d["after"]["lean_deg"] + drift - d["before"]["lean_deg"]   # the walk's, end against start
                end_s = float(d["after"]["start_s"])
            else:
                t = d["tilted"]
                drift = -float(recline_deg(t["up"], d["before"]["up"], t["calib"][0])[0])
                rise = -float(recline_deg(t["up_walk"], t["calib"][1], t["calib"][0])[0])
                end_s = float(t["start_s"])
            if abs(drift) < SENSOR_SAG_HINT_DEG or rise * drift <= 0 or abs(rise) < abs(drift) / 2:
                continue
            out.append({"walk_start_s": float(walk_s), "end_s": end_s, "drift_deg": drift, "rise_deg": rise})
        return out

    def _sag_hints(self) -> list[str]:
        """A line for each of :meth:`_sag_walks` (lean audit s36 F2: a sensor sagging 12° over 8 minutes of walking
        read as a hunch that grew to 12°, flagged, with nothing said)."""
        out = []
        for w in self._sag_walks():
            drift, rise = w["drift_deg"], w["rise_deg"]
            way, pose = ("forward", "bent") if drift > 0 else ("back", "leaning back")
            out.append(f"The standing after the walk at {mmss(w['walk_start_s'] - (self._first_t or 0.0))} is "
                       f"{abs(drift):.0f}° further {way} than the standing before it, and the walk's lean moved "
                       f"{rise:+.0f}° with it: if the walker did not stand {pose} after it"
                       + (" (a backpack put on during the walk, or a look down at a phone, bends the standing too)"
                          if drift > 0 else "") + ", the sensor tilted on the "
                       "body during the walk (a slipping clip, a sagging waistband) and that lean change is the "
                       "sensor's, not the trunk's (people stand within ~5° of how they stood before a walk).")
        return out

    def _move_hints(self) -> list[str]:
        return [f"At {mmss(x['time_s'] - (self._first_t or 0.0))} the sensor sat {x['tilt_deg']:.0f}° differently "
                "than before (re-clipped, or put back after use?): its axes and posture reference were found again "
                "from the walk there. Lean from then on is measured from that walk's own posture (and against the "
                "standing before it, where there was one), not from the first walk's."
                for x in self._sensor_moves]

    def _short_walk_calibration(self, times: list[float]):
        """(forward axis, reference 'up') for a closed walk too short to calibrate on (before any walk of
        ``CALIBRATION_STEPS`` did), or None. Its evidence is added to that of the earlier short walks of the
        same sensor position, and forward is found from the sum: one walk of a few steps that bends and
        turns is a poor witness (Mobilise-D daily recordings: each on its own, forward was found on the
        side-to-side axis), several are a good one. A walk whose 'up' lies ``SHORT_WALK_POOL_MAX_UP_DEG``
        from the pool's (the sensor was put back differently), or that shows its own forward clearly
        (quality ≥ ``SENSOR_TURN_MIN_QUALITY``) ≥ ``SENSOR_TURN_DEG`` from the pool's (turned about the
        vertical: a phone put back in its pouch the other way round), starts a new pool. The reference 'up'
        (lean is measured from it) is the pool's walking posture."""
        ev = None
        if len(times) >= 4 and not self._settling(times):
            ev = self._evidence_in(self._gait_window(times), len(times))
        pool = self._short_pool
        if ev is not None:
            if pool is not None and not _same_position(ev.up_mean, pool.up_mean):
                pool = None
            if pool is not None:
                own, quality = ev.forward()
                turn = _signed_angle_deg(pool.forward()[0], own, pool.up_mean)
                # measured on the Mobilise-D daily recordings' short walks: quality 1.1–2.8, so none of
                # their (sometimes far-off) walks restarts the pool
                if quality >= SENSOR_TURN_MIN_QUALITY and abs(turn) >= SENSOR_TURN_DEG:
                    self._sensor_turns.append({"time_s": float(times[0]), "turn_deg": turn, "during_walk": False})
                    pool = None
            if pool is None:
                self._pool_forward = None        # a new pool: nothing shown clearly yet
            pool = ev if pool is None else pool + ev
            self._short_pool = pool
            ap, unsure = self._clear_forward(pool, True)
            if unsure:
                self._unsure_forward.append((float(times[0]), float(times[-1]), pool.forward()[1]))
            return ap, pool.up_mean
        elif pool is not None:
            # a walk of fewer steps than the evidence needs: the pool's forward if it is in the same position
            a, b = self._rows_between(times)
            if b - a < 3:
                return None
            up = self._up[a:b].mean(axis=0)
            if not _same_position(up / np.linalg.norm(up), pool.up_mean):
                return None
        if pool is None:
            return None
        # a walk too short for evidence of its own: the pool's forward as it stands (held as the last walk left it)
        if self._pool_forward is not None:
            return self._pool_forward, pool.up_mean
        ap, quality = pool.forward()
        if quality < FORWARD_HOLD_QUALITY:
            self._unsure_forward.append((float(times[0]), float(times[-1]), quality))
        return ap, pool.up_mean

    def _clear_forward(self, ev: ForwardEvidence, pooled: bool) -> tuple[np.ndarray, bool]:
        """(forward, unsure): ``ev``'s forward axis, unless ``ev`` (the pool's evidence, ``pooled``) is a near tie (quality below
        ``FORWARD_HOLD_QUALITY``) and the pool showed a forward clearly before: then that one, made square to
        ``ev``'s 'up' — more walks that disagree must not turn forward 90° on a chance lead (audit s35 F8).
        ``unsure``: a near tie with nothing clear to keep (the direction taken is then a chance lead)."""
        ap, quality = ev.forward()
        held = self._pool_forward if pooled else None
        if quality >= FORWARD_HOLD_QUALITY:
            if pooled:
                self._pool_forward = ap
            return ap, False
        if held is None:
            return ap, True                      # nothing clear yet: the best direction there is
        up = ev.up_mean
        kept = held - held.dot(up) * up
        return kept / np.linalg.norm(kept), False

    def _evidence_in(self, win, n_steps: int) -> ForwardEvidence | None:
        """:func:`forward_evidence` of a :meth:`_gait_window` (None: too short)."""
        if win is None:
            return None
        acc, up, gyro, step_n, running = win
        try:
            return forward_evidence(acc, up, step_n, running=running, fs_hz=self.fs, gyro=gyro, weight=n_steps)
        except ValueError:
            return None

    def _rows_between(self, times: list[float]) -> tuple[int, int]:
        """Buffer rows [a, b) from the first to the last of the contacts ``times`` (a clipped to the buffer)."""
        return (max(int(round(times[0] * self.fs)) - self._base, 0), int(round(times[-1] * self.fs)) - self._base)

    def _looks_walked_backwards(self, times: list[float]) -> bool:
        """A cheap pre-test for :meth:`_check_sensor_turn` (only its say-so opens a stretch): between the contacts
        ``times``, a walk's fore-aft acceleration along the calibrated forward against its vertical speed. The
        inverted pendulum (forward speed lowest when the trunk is highest) makes the acceleration follow −the
        vertical speed walking forwards (their product sums < 0), +it when the steps go backwards on this axis. Runs (quick steps
        or a clear flight) flip the pendulum and are left to the 100-step checks."""
        a, b = self._rows_between(times)
        if b - a < 3 or len(times) < 3:
            return False
        step_s = (times[-1] - times[0]) / (len(times) - 1)
        # every 4th row (25 Hz at 100 Hz: a step's 2 Hz shape is kept, the test costs a quarter)
        k = max(1, int(self.fs // 25))
        av = self._av[a:b:k]
        if step_s < 0.45 or (step_s <= 60.0 / RUN_SLOW_MIN_CADENCE_SPM and np.count_nonzero(
                av < (RUN_FLIGHT_G - 1.0) * G) * k / self.fs / (len(times) - 1) >= RUN_CLEAR_FLIGHT_S):
            return False
        a_ap = self._acc[a:b:k] @ self._calib[0]
        a_ap -= a_ap.mean()
        return float(a_ap @ np.cumsum(av - av.mean())) > 0.0

    def _looks_turned_back(self, times: list[float]) -> bool:
        """A cheap pre-test for :meth:`_check_sensor_turn` while side-stepping may be under way (``_side_open``: a
        ~90° turn, in a walk or on a belt at a walk's start): :meth:`_looks_walked_backwards`'s pendulum product along
        the accelerometer's forward before that turn and along the calibrated forward now. True when the steps go forwards on the old one, and
        more clearly than on the new one: the walker faces the way walked before the turn again (only the full
        check's say-so ends the stretch)."""
        a, b = self._rows_between(times)
        if b - a < 3 or len(times) < 3:
            return False
        k = max(1, int(self.fs // 25))              # (every 4th row, as there)
        av = self._av[a:b:k]
        v = np.cumsum(av - av.mean())
        v -= v.mean()                               # (Σ (a − ā)·v = Σ a·(v − v̄): one product for both axes)
        p_old, p_new = (v @ self._acc[a:b:k]) @ np.column_stack((self._side_open[1], self._calib[0]))
        return bool(p_old < 0.0 and -p_old > abs(p_new))

    def _gait_window(self, times: list[float]):
        """(acc, up, gyro or None, median step in samples, running?) between the contacts ``times``."""
        a, b = self._rows_between(times)
        if b - a < 3:
            return None
        # the median step in plain Python (~30 µs less than np.median per sensor-turn check; the same number: the middle
        # difference, or the half of the two middle ones' sum)
        steps_s = sorted([t1 - t0 for t0, t1 in zip(times, times[1:])])
        half = len(steps_s) // 2
        med_step_s = steps_s[half] if len(steps_s) % 2 else (steps_s[half - 1] + steps_s[half]) / 2
        step_n = int(round(med_step_s * self.fs))
        acc, up = self._acc[a:b], self._up[a:b]
        # quick steps first: a walk's are not, and the flight test is then skipped. Running: most steps pass the
        # test that labels a quick step 'run' (dsp.metrics.dips_to_free_fall: a dip below RUN_FLIGHT_G touching free
        # fall in the step or the one before). A dip alone (the 5th percentile below 0.35 g, 3896442) came in a
        # child's brisk walk and a quick stair descent too, and their forward came out reversed: braking 0.02 for
        # 0.15 m/s, lean sign-turned (runwalk s43); free fall 0.05 s a step on average (6a4acc6), a rule of its
        # own, missed a softer mount's run whose steps were 90 % 'run': lean +0.78° -> -0.78° (review A s43)
        running = False
        if med_step_s < 0.45:
            vert = row_dot(acc, up)
            # each step's rows in the window, [its contact, the next one's) — as dsp.metrics gathers them
            rows = np.clip(np.round(np.asarray(times) * self.fs).astype(np.int64) - self._base - a, 0, b - a)
            s0 = np.minimum(rows[:-1], b - a - 1)
            s1 = np.maximum(rows[1:], s0 + 1)
            had_before = np.arange(s0.size) > 0
            p0 = np.concatenate((s0[:1], s0[:-1]))
            running = bool(2 * np.count_nonzero(dips_to_free_fall(
                vert, s0, s1, p0, had_before, off_trunk=self.placement_kind == "off_trunk")) > s0.size)
        if not running and med_step_s <= 60.0 / RUN_SLOW_MIN_CADENCE_SPM and self.placement_kind != "off_trunk":
            # a slow jog (120–133 spm) is labelled run by its clear flight (dsp.metrics): judged here as a walk,
            # its forward came out reversed — lean negated, braking 0, every side swapped (found by review).
            # The same clear flight on average per step (a pocket's swing, every other step, has half)
            flight_s = np.count_nonzero(row_dot(acc, up) < RUN_FLIGHT_G * G) / self.fs / max(len(times) - 1, 1)
            running = flight_s >= RUN_CLEAR_FLIGHT_S
        return acc, up, (self._gyro[a:b] if self.has_gyro else None), step_n, running

    def _forward_from(self, times: list[float]):
        return self._forward_in(self._gait_window(times))

    def _forward_in(self, win):
        """(the accelerometer's forward, the window's mean 'up', quality) of a :meth:`_gait_window`, or None."""
        if win is None:
            return None
        acc, up, _gyro, step_n, running = win
        try:
            ap, quality = forward_axis(acc, up, step_n, running=running, fs_hz=self.fs)
        except ValueError:
            return None
        ref_up = up.mean(axis=0)
        ref_up /= np.linalg.norm(ref_up)
        ap = ap - ap.dot(ref_up) * ref_up
        return ap / np.linalg.norm(ap), ref_up, quality

    # ------------------------------------------------------------------ metrics
    def _body(self, calib, lo: int, hi: int) -> BodySignals:
        """Body-frame signals for buffer rows [lo, hi)."""
        ap_ref, up_ref = calib
        def forward_about(up: np.ndarray) -> np.ndarray:
            """The calibrated forward axis made horizontal to each row's 'up', unit length."""
            return horizontal_unit(ap_ref, up)

        up = self._up[lo:hi]
        ap = forward_about(up)
        up_m, ap_m = (up, ap) if self._gravity_m is None else (self._up_m[lo:hi], forward_about(self._up_m[lo:hi]))
        ml = cross_rows(up_m, ap_m)
        acc = self._acc[lo:hi]
        ml_ref = np.cross(up_ref, ap_ref)
        pitch = np.degrees(np.arcsin(clip(-(up @ ap_ref), -1, 1)))
        coning = None
        if self.has_gyro and self._up_l.shape[0] >= hi:
            coning = np.degrees(np.arcsin(clip(-(self._up_l[lo:hi] @ ap_ref), -1, 1))) - pitch
        return BodySignals(
            fs_hz=self.fs, a_v=self._av[lo:hi],
            a_ap=row_dot_as_einsum(acc, ap), a_ml=row_dot_as_einsum(acc, ml),
            yaw_rate=row_dot_as_einsum(self._gyro[lo:hi], up) if self.has_gyro else None,
            pitch_deg=pitch,
            roll_deg=np.degrees(np.arcsin(clip(up_m @ ml_ref, -1, 1))), z_m=self._disp[lo:hi],
            pitch_coning_deg=coning)

    def _finalise(self, upd: EngineUpdate, *, final: bool) -> None:
        """Compute rows for steps whose samples are complete (and the forward axis known), in time order, and
        run a closed walk's checks right after its last row — before any later walk's row, whatever the
        chunking (the checks read the sums of the rows given so far: :meth:`_posture_evidence`)."""
        while self._steps or self._close_due:
            ready = self._ready_steps(final)
            if not self._close_due:
                self._emit_ready(ready, upd, final)
                return
            due = self._close_due[0]
            # the oldest steps waiting are the due walk's (every earlier walk's rows and checks are done)
            n_due = next((i for i, s in enumerate(self._steps) if s.bout != due), len(self._steps))
            self._emit_ready(ready[:n_due], upd, final)
            if any(s.bout == due for s in self._steps):
                return                               # its last step's samples are not all in yet
            self._close_due.pop(0)
            self._run_close_checks(due, upd)

    def _last_step_span(self, pos: float, prev: float) -> float:
        """Samples a walk's last step spans (no next contact): as long as the step before it, as
        :func:`~imu_gait.dsp.metrics.step_rows` measures it (0.55 s for a walk's only step)."""
        return pos - prev if math.isfinite(prev) else 0.55 * self.fs

    def _ready_steps(self, final: bool) -> list[_Step]:
        """The waiting steps whose samples are all in: the longest run of them from the oldest (rows go out in
        time order). A step's metrics reach to the next contact; a walk's last step's, one step past its
        contact. It was given as soon as its walk closed — with the samples that had come by then: a walk
        that ends at a candidate off its rhythm closes ~0.3 s after that candidate's peak, sooner than a long
        last step ends, and its lean, pelvic drop and braking were measured over part of the step in small
        live chunks but over all of it offline (skdh's 2-min example, 0.98-s last step: lean 20.2° for
        22.2°). At the end of the data (``final``) every step is ready, measured on what there is."""
        margin = int(round(0.2 * self.fs))
        end_pos = self._base + self._n
        ready = []
        for s in self._steps:
            if s.calib is None and self._pending(s.bout) and not final:
                break                                # its walk decides its calibration at its 16th step
            if final:
                ok = True
            elif math.isfinite(s.nxt):
                ok = s.nxt + margin <= end_pos
            else:
                ok = s.closed and s.pos + self._last_step_span(s.pos, s.prev) + margin <= end_pos
            if not ok:
                break
            ready.append(s)
        return ready

    def _emit_ready(self, ready: list[_Step], upd: EngineUpdate, final: bool) -> None:
        """Rows for the steps ``ready`` (oldest first), then forget them. Steps added before any forward axis was
        known are given walk by walk once their walk closed, with a calibration from its own steps."""
        if not ready:
            return
        calib = self._calib
        # steps added before any bout was long enough to calibrate (a closed walk's keep none when a later walk
        # calibrates while its last step waits): only whole (closed) walks, each with a calibration from all of
        # its own steps
        is_short = [s.calib is None and (calib is None or s.closed) for s in ready]
        rest = [s for s, sh in zip(ready, is_short) if not sh]
        waiting = {s.bout for s in self._steps[len(ready):]}       # walks not all ready
        short = [s for s, sh in zip(ready, is_short) if sh and (final or (s.closed and s.bout not in waiting))]
        by_bout: dict[int, list[_Step]] = {}
        for s in short:
            by_bout.setdefault(s.bout, []).append(s)
        for bt, bsteps in by_bout.items():
            times = [s.pos / self.fs for s in bsteps]
            cal = self._short_walk_calibration(times)
            if cal is not None and len(times) >= STANDING_MIN_STEPS:
                # a short walk (a lab's 4-m test) from standing: its own posture and forward judge it
                rec = self._bout_record(bt)
                if rec is not None:
                    rec["_cal"] = cal                 # … and a standing after it (_standing_after_due_at_close)
                    if rec.get("_stand") is not None:
                        self._confirm_standing(rec, cal)
            self._emit_rows(bsteps, cal, upd)
        # each step with the calibration it was added under (consecutive runs: in time order)
        start = 0
        for k in range(1, len(rest) + 1):
            if k == len(rest) or (rest[k].calib or calib) is not (rest[start].calib or calib):
                self._emit_rows(rest[start:k], rest[start].calib or calib, upd)
                start = k
        done = {id(s) for s in short} | {id(s) for s in rest}
        self._steps = [s for s in self._steps if id(s) not in done]

    def _belt_speed_at(self, t_s: np.ndarray) -> float | np.ndarray | None:
        """The belt speed in m/s in force at each time (fed clock): the fixed one, or the schedule's
        (NaN in a stage without a speed); None off a known belt."""
        if self.treadmill_schedule is not None:
            return self.treadmill_schedule.speed_at(np.asarray(t_s, float) - self._first_t)
        return self.context["belt_speed_mps"]

    def _belt_per_step(self, t_s: np.ndarray) -> np.ndarray:
        """:meth:`_belt_speed_at` as one value per time (NaN off a known belt)."""
        belt = self._belt_speed_at(t_s)
        return np.broadcast_to(np.nan if belt is None else np.asarray(belt, float), np.shape(t_s))

    def _emit_rows(self, steps: list[_Step], calib, upd: EngineUpdate) -> None:
        steps = [s for s in steps if s.pos >= self._base]
        if not steps:
            return
        # walking backwards (_check_sensor_turn): measured along the travel, lean about the way the walker faces
        facing_sign = -1.0 if calib is not None and any(calib is c for c in self._reversed_calibs) else 1.0
        if calib is not None:
            # the forward axis each walk's newest rows were measured about: the sitting-down check's
            # (_posture_due_at_close). A batch may hold the end of one walk and the start of the next.
            left = {s.bout for s in steps}
            for b in reversed(self._bouts):
                if b["bout"] in left:
                    b["_forward"] = facing_sign * calib[0]
                    left.discard(b["bout"])
                    if not left:
                        break
        pos = np.array([s.pos for s in steps]) - self._base
        prev = np.array([s.prev for s in steps]) - self._base
        prev2 = np.array([s.prev2 for s in steps]) - self._base
        hprev2 = np.array([s.hprev2 for s in steps]) - self._base
        nxt = np.array([s.nxt for s in steps]) - self._base
        # body signals only over the samples this batch needs (not the whole buffer)
        # (fmin / fmax.reduce: nanmin's and nanmax's values — pos and span_end are finite — without their wrappers)
        lo = int(max(0, np.floor(np.fmin.reduce(np.concatenate([prev2, prev, pos, hprev2]))) - 2))
        span_end = np.where(np.isfinite(nxt), nxt, pos + np.where(np.isfinite(prev), pos - prev, 0.55 * self.fs))
        hi = int(min(self._n, np.ceil(np.fmax.reduce(span_end)) + int(0.5 * self.fs)))
        if calib is None:
            m = hi - lo
            sig = BodySignals(self.fs, self._av[lo:hi], np.zeros(m), np.zeros(m), None,
                              np.full(m, np.nan), np.full(m, np.nan), z_m=self._disp[lo:hi])
        else:
            sig = self._body(calib, lo, hi)
        rpos = np.array([s.rpos for s in steps])
        t_contact = rpos / self.fs    # exact, not via the buffer base; as reported (see _Step.rpos)
        belt = self._belt_speed_at(t_contact)
        reported = ((rpos - np.array([s.rprev for s in steps])) / self.fs,
                    (rpos - np.array([s.rprev2 for s in steps])) / self.fs)
        cols = step_rows(sig, pos - lo, prev - lo, prev2 - lo, nxt - lo, has_gyro=self.has_gyro and calib is not None,
                         sensor_height_m=self.sensor_height_m, belt_speed_mps=belt,
                         off_trunk=self.placement_kind == "off_trunk", reported_times_s=reported,
                         heading_from=hprev2 - lo, run_min_cadence_spm=self.run_min_cadence_spm,
                         # (a 100-Hz logger read 99.99… Hz is on the grid: its peak is taken as sampled)
                         input_rate_hz=self._fed_rate_hz if rate_below_limit(self._fed_rate_hz, self.fs) else None)
        n_back = np.array([s.back_n for s in steps], float)
        mean_step_s = np.where(n_back >= 2, (pos + self._base - np.array([s.back_pos for s in steps]))
                               / np.maximum(n_back, 1) / self.fs, np.nan)
        cols.update(regularity(self._av, pos, mean_step_s, 2 * mean_step_s,
                               np.array([s.bout_start for s in steps]) - self._base, self.fs,
                               origin=self._base, first=self._seg_first))
        if calib is None:
            for k in ("braking_mps", "lateral_sway_cm", "forward_lean_deg"):
                cols[k] = np.full(len(steps), np.nan)
        else:
            if facing_sign < 0:                    # the pitch about the reversed axis, negated: about the facing one
                cols["forward_lean_deg"] = -np.asarray(cols["forward_lean_deg"], float)
                cols["_lean_coning_deg"] = -np.asarray(cols["_lean_coning_deg"], float)
            if self._live_standing is not None:    # (live, as it stands; steps_frame judges every row again)
                cols["lean_vs_standing_deg"] = (cols["forward_lean_deg"] + cols["_lean_coning_deg"]
                                                - self._standing_pitch_deg(facing_sign * calib[0], self._live_standing))
        if rate_below_limit(self._fed_rate_hz, TIMING_MIN_RATE_HZ):
            # a landing's peak and a contact's edges are not resolved at this rate (TIMING_MIN_RATE_HZ): not given
            # rather than a number 20–40 % low; the rules that judge them then say they were not judged
            for k in ("impact_g", "ground_contact_ms"):
                cols[k] = np.full(len(steps), np.nan)
            # … nor a running step's regularity (RUN_REGULARITY_BLIND): its landing spike lies above the Nyquist
            # frequency and is caught at a phase that drifts from step to step (benchmarks/rates.py, point-sampled:
            # 0.72–0.85 for a steady run at 20 and 26 Hz against 0.98 at 25 and 0.97–0.99 low-passed or at 50 Hz)
            ran = np.asarray(cols["gait"]) == "run"
            if ran.any():
                for k in RUN_REGULARITY_BLIND:
                    cols[k] = np.where(ran, np.nan, cols[k])
        bouts = np.array([s.bout for s in steps])
        # side: a running vote, per bout, of the sideways speed at contact signed by step
        # parity (steps alternate), restarted where the alternation breaks (a step ≈ 2× the recent
        # ones bridges a missed contact: carrying the old parity on mirrored the rest of the bout —
        # IPOL trials at 50 % right — and a tight turn may add a pivot of either foot as a step);
        # each step's side uses only itself and earlier steps
        side = np.full(len(steps), "", dtype=object)
        ml = cols["_ml_speed_at_ic"]
        breaks = parity_breaks(cols["step_time_s"], mean_step_s, cols.get("heading_change_deg"), cols.get("stride_time_s"))
        for bt in np.unique(bouts):
            idx = np.flatnonzero(bouts == bt)
            k0 = self._rows_in_bout.get(int(bt), 0)
            parity = np.where((k0 + np.arange(idx.size)) % 2 == 0, 1.0, -1.0)
            votes = side_votes(ml[idx], parity, breaks[idx], self._ml_votes.get(int(bt), 0.0))
            self._rows_in_bout[int(bt)] = k0 + idx.size
            self._ml_votes[int(bt)] = float(votes[-1])
            if calib is not None:
                side[idx] = np.where(votes == 0, "", np.where((votes > 0) == (parity > 0), "L", "R"))
        data = {"time_s": t_contact, "bout": bouts, "side": side}
        for k in STEP_COLUMNS:
            if k not in data and k in cols:
                data[k] = cols[k]
        n = len(steps)
        # kept as column arrays: one DataFrame is built when the table is asked for, not one
        # per batch (pandas' constructor costs ~0.7 ms; offline that was 10 % of the analysis)
        batch = {k: np.asarray(data[k]) if k in data else np.full(n, np.nan) for k in STEP_COLUMNS}
        for k in _AT_LAG:                       # the aperiodic and sitting-down tests' evidence (not steps columns)
            batch[k] = np.asarray(cols[k], float)
        # the forward axis each row's lean was measured about: lean against standing, for every row, once the
        # standing is known (steps_frame) — not only for rows given after it, which depends on where a live
        # stream's chunks ended (Mobilise-D HA001's day: 30 steps fed in 0.37-s chunks, 44 in 600-s ones)
        batch["_forward"] = np.broadcast_to(facing_sign * calib[0] if calib is not None else np.full(3, np.nan),
                                            (n, 3)).copy()
        batch["_lean_coning_deg"] = np.asarray(cols["_lean_coning_deg"], float)   # lean vs standing's coning term
        # when the forward deceleration peaked after each contact (s; NaN without a forward axis): finish()
        # times a walk's contacts from it where one foot's vertical contacts sit late (even_contact_sides)
        batch["_ap_min_s"] = ((pos + self._base + cols["_ap_min_after_ic"]) / self.fs if calib is not None
                              else np.full(n, np.nan))
        self._batches.append(batch)
        self._merge_small_batches()
        self._n_rows += n
        # walking time per gait as the personal baseline counts it (step times clipped to 2 s), for the live
        # view's 'learning your normal walk' (a running sum: the status must not scan the table)
        gaits = np.asarray(batch["gait"], dtype=object)
        step_s = np.asarray(batch["step_time_s"], float)
        walked = clip(np.where(np.isnan(step_s), 0.0, step_s), 0.0, 2.0)
        for g in set(gaits.tolist()) - {""}:
            self._walked_s[g] = self._walked_s.get(g, 0.0) + float(walked[gaits == g].sum())
        self._posture_evidence(pos, bouts, batch["_symmetry_ratio"])
        # rows as dicts straight from the arrays (pandas' to_dict is the slowest step of a live update)
        start = 0 if self.emit_rows else max(0, n - 10)     # offline: only the status tail
        values = [batch[k][start:].tolist() for k in STEP_COLUMNS]
        records = [dict(zip(STEP_COLUMNS, row)) for row in zip(*values)]
        if self.emit_rows:
            upd.rows.extend(records)
        self._recent_rows = sorted(self._recent_rows + records[-10:], key=lambda r: r["time_s"])[-10:]

    def _merge_small_batches(self) -> None:
        """Join the newest batches while the one before is no larger than the last (a binary counter: sizes
        fall from the oldest batch to the newest, so a table of N rows lies in ~log2 N batches up to
        ``MERGE_BATCH_MAX_ROWS`` rows each). Live, each feed of 0.1 s gives a batch of one row or two: as a dict of
        ~30 arrays that held ~3 kB per step, and a walk with no standing in it (no steps_frame call to join them)
        grew the engine 19 MB an hour. Joined in order, never sorted: steps_frame's table is the same."""
        b = self._batches
        while (len(b) >= 2 and b[-2]["time_s"].size <= b[-1]["time_s"].size
               and b[-2]["time_s"].size + b[-1]["time_s"].size <= MERGE_BATCH_MAX_ROWS):
            last = b.pop()
            b[-1] = {k: np.concatenate([v, last[k]]) for k, v in b[-1].items()}

    # ------------------------------------------------------------------ results
    def steps_frame(self) -> pd.DataFrame:
        """All finalised steps so far, one row each, in time order."""
        key = (self._n_rows, len(self._standings))
        if self._frame_cache is not None and self._frame_cache[0] == key:
            return self._frame_cache[1]
        if not self._batches:
            df = pd.DataFrame({k: pd.Series(dtype=object if k in ("gait", "side") else float) for k in STEP_COLUMNS})
        else:
            # one batch (joined by an earlier call) is not copied, nor rows already in time order (the stable
            # sort's identity): live, this runs every 10 steps, and each made two whole-table copies to free at once
            cols = (dict(self._batches[0]) if len(self._batches) == 1 else
                    {k: np.concatenate([b[k] for b in self._batches]) for k in self._batches[0]})
            if not (np.diff(cols["time_s"]) >= 0).all():
                order = np.argsort(cols["time_s"], kind="stable")
                cols = {k: v[order] for k, v in cols.items()}
            self._batches = [cols]                # keep one batch: repeated calls stay cheap
            df = pd.DataFrame({k: cols[k] for k in STEP_COLUMNS}, columns=list(STEP_COLUMNS))
            if self._standings:
                df["lean_vs_standing_deg"] = self._lean_vs_standing(df, cols["_forward"], cols["_lean_coning_deg"])
        self._frame_cache = (key, df)
        return df

    @staticmethod
    def _standing_pitch_deg(forward: np.ndarray, standing: dict[str, Any]) -> np.ndarray:
        """The standing posture's pitch about forward axes ``forward`` ((3,) or (N, 3); NaN rows give NaN): lean
        is measured about the calibrated forward axis, so this is the offset from forward_lean_deg to
        lean_vs_standing_deg — also after a sensor turn, which turned that axis."""
        return np.degrees(np.arcsin(np.clip(-(forward @ standing["up"]), -1.0, 1.0)))

    def _lean_vs_standing(self, df: pd.DataFrame, forward: np.ndarray, coning: np.ndarray) -> np.ndarray:
        """lean_vs_standing_deg for every row: against its sensor position's standing reference — the stretch
        between two lean jumps (strain.lean_jumps: a bout's lean ≥ 10° off the one before, a sensor re-clipped) —
        and NaN in a position without a standing before a walk. One standing for the whole recording read a walk
        20° off after a re-clip, flagged as a hunch (found by review). The reference is the position's first
        standing before a walk unless its other standings (before and after walks) say otherwise
        (:func:`_consensus_standing`). Judged on the whole table, so it does not depend on where a live stream's
        chunks ended; each position's choice is kept in ``_position_refs``. ``coning``: each row's pitch about the
        'up' with the coning pass minus its forward_lean_deg (``_lean_coning_deg``)."""
        # … and at the sensor moves the engine calibrated afresh after (their lean starts again from the new
        # position's posture, so no lean jump shows them)
        jumps = np.union1d(np.array([tj for tj, _ in lean_jumps(df)], float),
                           np.array([x["time_s"] for x in self._sensor_moves], float))
        t = df["time_s"].to_numpy(float)
        lean = df["forward_lean_deg"].to_numpy(float) + np.asarray(coning, float)
        seg = np.searchsorted(jumps, t, side="right")
        at = np.searchsorted(jumps, [st["walk_start_s"] for st in self._standings], side="right")
        offset = np.full(len(df), np.nan)
        refs: dict[int, dict[str, Any]] = {}
        for k in dict.fromkeys(at.tolist()):       # positions, in the order of their first standing
            here = [st for st, kk in zip(self._standings, at.tolist()) if kk == k]
            before = [st for st in here if not st["after_walk"]]
            if not before:
                continue                           # standings after walks only cross-check (see STANDING_AGREE_DEG)
            # the stillness between two walks is the standing after one and before the next: counted once
            after = [st for st in here if st["after_walk"]]
            if after:
                # one (after, before) overlap array, not a Python loop over pairs: a city walk holds hundreds of
                # stops, each both (live-long audit s34 F1)
                b0, b1 = (np.array([o[k] for o in before], float) for k in ("start_s", "end_s"))
                a0, a1 = (np.array([st[k] for st in after], float)[:, None] for k in ("start_s", "end_s"))
                overlaps = ((a0 < b1) & (b0 < a1)).any(axis=1)
                after = [st for st, o in zip(after, overlaps.tolist()) if not o]
            rows = seg == k
            chosen = _consensus_standing(before + after, lean[rows], forward[rows], self._standing_pitch_deg,
                                         t[rows])
            offset[rows] = self._standing_pitch_deg(forward[rows], chosen)
            refs[k] = {"standing": chosen, "n_standings": len(before) + len(after)}
        self._position_refs, self._position_jumps_s = refs, jumps
        return lean - offset

    def live_status(self) -> dict[str, Any]:
        """Latest values for a live view: ``n_steps``, ``walking`` (in a bout now), ``gait`` ("walk" | "run"),
        the median over the last 10 steps of ``cadence_spm``, ``walking_speed_mps``, ``vertical_oscillation_cm``,
        ``trunk_twist_deg``, ``forward_lean_deg``, ``lean_vs_standing_deg``, ``lateral_sway_cm``, ``pelvic_drop_deg``,
        ``impact_g`` and ``braking_mps`` (NaN before any), ``active_flags`` (:class:`~imu_gait.result.Flag` holding now),
        ``one_sided_signal`` and ``sensor_hints`` (see :class:`~imu_gait.result.AnalysisResult`), ``baseline``
        (``gait``, ``walked_s`` so far, ``needs_s`` — the asked-for baseline, at most 300 s — and ``settled``) and
        ``not_judged`` (rules this sensor cannot judge, by name: twist, handrail, pelvic drop without a gyro)."""
        recent = self._recent_rows               # kept up to date by _emit_rows: no table copy per status
        out: dict[str, Any] = {"n_steps": self._n_rows + len(self._steps),
                               "walking": self._acceptor.bout is not None}
        out.update(zip(LIVE_STATUS_MEDIAN_KEYS, _column_nanmedians(
            np.array([[r.get(k, np.nan) for k in LIVE_STATUS_MEDIAN_KEYS] for r in recent], float)
            .reshape(len(recent), len(LIVE_STATUS_MEDIAN_KEYS)))))
        out["gait"] = recent[-1]["gait"] if recent else ""
        if self.placement_kind == "off_trunk":
            # a pocket's 'bounce', 'lean' and 'sway' are the pocket's motion: hidden live as in the report
            # (the live view showed 6.5 cm / 10 cm for a declared back pocket); speed only from a belt
            on_belt = bool(recent) and bool(self._belt_per_step(np.array([recent[-1]["time_s"]], float))[0] > 0)
            for k in TRUNK_ONLY_METRICS:
                if k in out and not (k == "walking_speed_mps" and on_belt):
                    out[k] = float("nan")
        # 'active' = running up to the newest step the flags were judged with (every 10 steps): against
        # the newest step itself, an active flag dropped out between two judgements (a cue flickering)
        flags = self._flags_now()
        # a run's cadence and bounce are judged against general limits only while it has no baseline of its own —
        # the first 2 min of running live, when the baseline is still forming — and the final report judges any
        # run that long against the runner's own first minutes instead: a 158-spm runner heard 'over-striding:
        # raise your cadence' from 0:30 to 2:00 of every run, then nothing, and no flag in the report. Not cued live
        out["active_flags"] = [f for f in flags if f.end_s >= self._flags_judged_to_s - 1
                               and not (f.reference_kind == "absolute" and f.id in LIVE_UNCUED_RUN_FALLBACKS)]
        # judged with the flags: a sensor on one side (pocket, hip) — worth a word while it can be moved
        out["one_sided_signal"] = self._one_sided
        out["sensor_hints"] = list(self._sensor_hints) + self._turn_hints() + self._backward_hints() + self._side_step_hints() + self._move_hints() + self._sag_hints()
        # how far the personal baseline (the first minutes of walking) is: a panel that said 'No back-strain
        # cues — steady.' while bounce had doubled inside the baseline minutes told the walker nothing of them
        # (new-user audit s34 #2)
        gait = out["gait"] or "walk"
        out["baseline"] = {"gait": gait, "walked_s": self._walked_s.get(gait, 0.0),
                           "needs_s": min(float(self.context["baseline_s"]), StrainConfig().baseline_max_s),
                           "settled": gait in self._settled_baselines}
        # the rules no status can judge on this sensor (said beside 'steady', not hidden behind it)
        out["not_judged"] = ([] if self.has_gyro else
                             ["trunk twist", "handrail gripping", roll_name(self.context.get("placement"))])
        return out

    def _flags_now(self):
        """Flags judged on the steps so far, re-judged every 10 new steps.

        Once each gait's personal baseline is settled (see ``evaluate_flags``), only the last
        ``LIVE_FLAG_TAIL_S`` of steps are re-judged against it, so the cost per evaluation stays flat
        over a long walk instead of growing with it. The live view only shows flags active now, which
        depend on far less history than that (longest window 120 s, longest hold 120 s); an episode that
        rose more than the tail ago and still sits inside its hysteresis band is the one case judged
        differently from the full table (it is released); the final report always judges everything."""
        n = self._n_rows
        if self._flags_cache[0] != n and n and (n - self._flags_cache[0] >= 10 or self._flags_cache[0] < 0):
            frame = self.steps_frame()
            gaits = set(frame["gait"].unique()) - {""}
            t_end = float(frame["time_s"].iloc[-1])
            # the windows of the last judgement that hold the same steps' values are not sorted again (strain:
            # the same medians; ~35 % of a live session's CPU was re-sorting them)
            with reusing_window_medians(self._median_memo):
                if gaits and gaits <= set(self._settled_baselines) and t_end - float(frame["time_s"].iloc[0]) > 2 * LIVE_FLAG_TAIL_S:
                    i0 = int(np.searchsorted(frame["time_s"].to_numpy(), t_end - LIVE_FLAG_TAIL_S))
                    flags, tl = _evaluate_flags(frame.iloc[i0:], self, fixed_baselines=self._settled_baselines)
                    # each belt speed's same-belt baseline grows from the recent steps too (a speed first walked
                    # after the first 20 min; strain._rebase_to_same_belt), as does each pace's with no belt speed
                    # entered (strain._rebase_to_same_pace): at most 2 min of rows per speed or pace
                    self._settled_baselines = {**self._settled_baselines,
                                               **(tl.attrs.get("baseline_state") or {})}
                else:
                    flags, tl = _evaluate_flags(frame, self)
                    self._settled_baselines = dict(tl.attrs.get("baseline_state") or {})
            self._flags_cache = (n, flags)
            # the table is rebuilt at the next judgement anyway (10 rows on): a cached copy of every row held
            # between two judgements doubled what a live session keeps, as at a standing (_add_standing)
            self._frame_cache = None
            self._timeline_now = tl
            self._flags_judged_to_s = t_end
            self._one_sided = bool(tl.attrs.get("one_sided", False))
            self._sensor_hints = list(tl.attrs.get("sensor_hints") or [])
        return self._flags_cache[1]

    def judged_so_far(self) -> tuple[list, pd.DataFrame | None]:
        """(flags, timeline) of the latest live judgement of the flags (:meth:`live_status` makes one every
        10 steps): what a symptom mark made now is read against (:mod:`imu_gait.marks`). Before any
        judgement: ([], None). Once the baselines settle the timeline covers the last ``LIVE_FLAG_TAIL_S``."""
        flags = self._flags_now()
        return flags, self._timeline_now

    def _median_rate_hz(self) -> float:
        """1 / the median sampling interval fed (to 0.1 µs; gaps between segments left out), NaN before two
        samples."""
        if not self._dt_counts:
            return float("nan")
        units = np.array(sorted(self._dt_counts), dtype=np.int64)
        cum = np.cumsum([self._dt_counts[u] for u in units.tolist()])
        median_units = int(units[np.searchsorted(cum, (cum[-1] + 1) // 2)])
        return 1e7 / median_units if median_units > 0 else float("nan")

    def finish(self, *, source: str = "stream", sample_rate_hz: float | None = None,
               clock: tuple[Any, str] | None = None) -> AnalysisResult:
        """End of the recording: close the open bout, finalise every step, judge the flags. Nothing can be
        fed after it (calling it again gives the same result).

        The summary carries the keys :func:`analyze` gives (the JSON contract): ``source`` (what the
        caller says the samples came from; "stream" by default), ``sample_rate_hz`` (the caller's,
        else the rate of what was fed: 1 / the median sampling interval, gaps between segments left out,
        as analyze gives),
        ``placement`` ("unknown" when not given) and ``n_samples`` (samples fed). Only what a file's
        header holds (``time_offset_s``, ``start_unix_s``, ``start_time_iso``) the engine cannot know: give
        ``clock`` (:func:`imu_gait.days.recording_clock` of that header) for calendar days in ``days``, else
        they are 24-hour days from the first sample."""
        if self._n_samples_in and not self._finished:     # a recording shorter than the checks' stretches
            self._check_fed_units(None, None, final=True)
        self._finished = True
        upd = EngineUpdate()
        self._end_bout(upd)
        self._finalise(upd, final=True)
        self._check_postures(upd, final=True)
        self._check_standings_after(final=True)
        steps = self.steps_frame()
        off_trunk = self.placement_kind == "off_trunk" and len(steps) > 0
        if off_trunk:
            # a pocket's contacts alternate early / late by foot: that is the pocket, not the walker
            steps = dealternate_contacts(steps)
        elif len(steps) and self._batches and self.has_gyro:
            # one foot's vertical contacts sitting late: re-timed from the forward deceleration. With a gyroscope
            # only: without one a phone in a pocket, placement not given, had its one-sided timing evened out too
            # — its asymmetry flag, the walker's cue to give --placement, went with it (Oxford back pocket).
            # (steps_frame left one batch, in the table's row order)
            steps = even_contact_sides(steps, self._batches[0]["_ap_min_s"])
        flags, timeline = _evaluate_flags(steps, self)
        timeline.attrs["sample_gaps"] = list(self.sample_gaps)      # (symptom marks made in one)
        if off_trunk:
            # a pocket's or a thigh's motion is not the trunk's: its 'bounce' or 'lean' would mislead
            # wherever it is shown (summary, reports, steps CSV, the timeline's panels), so it is not
            # reported at all; nor its left/right timing (the pocket's, and evened out above)
            belt = self._belt_per_step(steps["time_s"].to_numpy(float))
            steps.loc[:, list(TRUNK_ONLY_METRICS)] = np.nan
            # … but on a known belt, step length = belt speed × step time needs no trunk at all: a phone
            # in a pocket on a treadmill still gets exact step length and speed (from the evened-out
            # step times; a bout's first step has none)
            on_belt = np.isfinite(belt) & (belt > 0)
            if on_belt.any():
                steps["step_length_m"] = np.where(on_belt, belt * steps["step_time_s"].to_numpy(float), np.nan)
                steps["walking_speed_mps"] = np.where(on_belt, belt, np.nan)
            hidden = set(TRUNK_ONLY_METRICS) | set(POCKET_HIDDEN_TIMELINE)
            cols = [c for c in timeline.columns
                    if c.removesuffix("_baseline").removeprefix("fatigue_") in hidden]
            if cols:
                timeline = timeline.copy()
                timeline.loc[:, cols] = np.nan
        summary = self._summary(steps)
        if off_trunk:
            # left vs right step time is the pocket's (one leg's contacts early) — and evened out above
            summary["step_time_asymmetry_pct"] = summary["gct_balance_pct"] = float("nan")
            for part in (summary.get("by_gait") or {}).values():
                part["step_time_asymmetry_pct"] = part["gct_balance_pct"] = float("nan")
        # what the rules could not judge, or judged against fallbacks only (no gyro, no baseline, off-trunk)
        summary["flag_notes"] = [str(n) for n in (timeline.attrs.get("notes") or [])]
        summary["flags_not_judged"] = [str(f) for f in (timeline.attrs.get("flags_not_judged") or [])]
        # a phone in a pocket, a clip on one hip: said in the notes; a flag here for batch tables
        # null where not judged (a sensor declared off the trunk): False would claim it passed
        summary["one_sided_signal"] = (None if self.placement_kind == "off_trunk"
                                       else bool(timeline.attrs.get("one_sided", False)))
        summary["lean_jumps"] = list(timeline.attrs.get("lean_jumps") or [])     # a sensor moved between walks?
        summary["sensor_hints"] = ([str(h) for h in (timeline.attrs.get("sensor_hints") or [])] + self._turn_hints() + self._backward_hints()
                                   + self._side_step_hints() + self._move_hints() + self._sag_hints())
        summary["sensor_turns"] = [dict(x) for x in self._sensor_turns]
        summary["backward_walking"] = [dict(x) for x in self._with_steps(self._backward)]  # reversals of the forward axis in a walk
        summary["side_stepping"] = [dict(x) for x in self._with_steps(self._side_steps)]   # in-walk ~90° turns undone: side-steps
        summary["sensor_moves"] = [dict(x) for x in self._sensor_moves]     # tilted on the body: calibrated afresh
        # where lean_vs_standing_deg is measured from (None: no still standing just before a walk was found)
        st = self.standing
        summary["standing_reference"] = (None if st is None or off_trunk else
                                         {"start_s": float(st["start_s"]), "end_s": float(st["end_s"]),
                                          "walk_lean_deg": round(float(st["lean_deg"]), 2),
                                          "after_walk": bool(st["after_walk"]), "n_standings": int(st["n_standings"])})
        # what analyze() and the live session put in theirs: a summary from the engine alone lacked them
        if sample_rate_hz is None:
            sample_rate_hz = self._median_rate_hz()
        summary.update({"source": str(source), "sample_rate_hz": round(float(sample_rate_hz), 3),
                        "placement": self.context.get("placement") or "unknown",
                        "n_samples": int(self._n_samples_in)})
        warnings = list(summary.pop("_warnings"))
        bouts = pd.DataFrame([{k: v for k, v in b.items() if not k.startswith("_")} for b in self._bouts],
                             columns=["bout", "start_s", "end_s", "n_steps"])
        if len(bouts):
            # a bout runs from its first contact to its last as reported (a pocket's: the evened-out ones)
            span = steps.groupby("bout")["time_s"].agg(["min", "max"])
            bouts["start_s"] = bouts["bout"].map(span["min"]).fillna(bouts["start_s"])
            bouts["end_s"] = bouts["bout"].map(span["max"]).fillna(bouts["end_s"])
        if self.has_gyro or self.gyro_stopped_s is not None:
            # the steps the summary and the flags leave out of twist and sway (a turn bends the path, not
            # the trunk): a per-step table read on its own showed 'sway 87 cm' on a 137° turn, unmarked
            steps = steps.assign(turning=turning_steps(steps))
        # each bout on its own (a day's many short walks mix in the medians) and the bouts summarised by
        # length, as real-world walking studies report them
        # (under TIMING_MIN_RATE_HZ a bout's cadence over spans of strides, as the summary's: a 185-spm run at 25 Hz
        # read 187.2 in the bouts table from single strides, 184.8 in the summary)
        bouts = bout_table(steps, bouts, flags=flags, cadence_span_strides=CADENCE_SPAN_STRIDES
                           if rate_below_limit(self._fed_rate_hz, TIMING_MIN_RATE_HZ) else None)
        # the walking bouts every output counts: stretches of steady steps less than 3 s apart joined
        summary["n_bouts"] = int(len(bouts))
        summary["walking_bouts"] = bout_outcomes(bouts)
        # day by day, and how long the sensor was worn: a day on the bedside table is not a day without walking
        minutes, judged = worn_minutes(self._minutes.frame(), self._median_rate_hz())
        span = (self._first_t, self._last_t) if self._first_t is not None else None
        days = day_table(steps, bouts, minutes, clock=clock, wear_judged=judged, span_s=span, flags=flags,
                         valid_day_worn_h=self.valid_day_worn_h)
        summary["days"] = day_outcomes(days, bouts, clock_kind=clock[1] if clock else "none", wear_judged=judged,
                                       valid_day_worn_h=self.valid_day_worn_h)
        return AnalysisResult(steps=steps, summary=summary, flags=flags, timeline=timeline,
                              warnings=warnings, bouts=bouts, days=days, minutes=minutes)

    @property
    def standing(self) -> dict[str, Any] | None:
        """The standing lean_vs_standing_deg is measured against in the first sensor position that has one
        (``summary['standing_reference']``; with ``n_standings``, how many of that position's it was chosen
        from), or None."""
        self.steps_frame()
        if not self._position_refs:
            return None
        ref = self._position_refs[min(self._position_refs)]
        return {**ref["standing"], "n_standings": ref["n_standings"]}

    def _chest_lower_back_max_m(self) -> float:
        """The highest a lower back sits: 0.61 × the walker's height (+ 5 % for build) where it is known,
        else :data:`CHEST_LOWER_BACK_MAX_M`."""
        if self.body_height_m:
            return 1.05 * SENSOR_HEIGHT_PER_BODY_HEIGHT * float(self.body_height_m)
        return CHEST_LOWER_BACK_MAX_M

    @property
    def placement_kind(self) -> str:
        """'lower_back' | 'chest' | 'off_trunk' | 'unknown' (see :func:`imu_gait.strain.placement_kind`)."""
        return placement_kind(self.context.get("placement"))

    def _belt_speed_doubts(self, steps: pd.DataFrame) -> list[tuple[str, bool, str]]:
        """A belt speed whose steps no one can take: a speed typed in km/h into the m/s option (5 → 18 km/h,
        3-m steps at 99 spm) was taken as given, and every step length and speed was silently wrong. Judged
        per gait on the steps on a known belt (median step length = belt × step time). Each doubt is (gait,
        whether that gait's steps come out too long — then their step length and speed are impossible —, what
        to say)."""
        if not len(steps) or (self.context.get("belt_speed_mps") is None and self.treadmill_schedule is None):
            return []
        belt = self._belt_per_step(steps["time_s"].to_numpy(float))
        step_s = steps["step_time_s"].to_numpy(float)
        gait = steps["gait"].to_numpy()
        out = []
        # where the speed came from, for the fix: a schedule's column, or the option
        # (the number as typed, for the option: 5 given as m/s is '--belt-speed-kmh 5')
        def kmh_fix(v: float) -> str:
            return ("a belt_speed_kmh column in the schedule (belt_speed_mps = km/h ÷ 3.6)"
                    if self.treadmill_schedule is not None else
                    f"--belt-speed-kmh {v:g} (from Python: belt_speed_mps={v:g} / 3.6)")
        on_belt = np.isfinite(belt) & (belt > 0) & np.isfinite(step_s)
        run_ok = (gait == "run") & on_belt
        # the running steps fit the belt they were given: then walking steps too long for it are not a unit slip but
        # a belt that ran slower while walking (a walk-run-walk session given the running speed for all of it)
        run_len = float(np.median(belt[run_ok] * step_s[run_ok])) if run_ok.sum() >= BELT_CHECK_MIN_STEPS else np.nan
        run_fits = run_len <= BELT_STEP_MAX_M["run"]
        for g, longest_m, name in (("walk", BELT_STEP_MAX_M["walk"], "walking"), ("run", BELT_STEP_MAX_M["run"], "running")):
            ok = (gait == g) & on_belt
            if ok.sum() < BELT_CHECK_MIN_STEPS:
                continue
            v, length = float(np.median(belt[ok])), float(np.median(belt[ok] * step_s[ok]))
            cadence = 60.0 / float(np.median(step_s[ok]))
            said = f"the belt speed {v:.2f} m/s ({v * 3.6:.1f} km/h) at {cadence:.0f} steps/min means {length:.2f}-m steps"
            if length > longest_m and g == "walk" and run_fits:
                out.append((g, True, f"{said} while walking, longer than any walking step (at most about {longest_m:.1f} m), "
                           f"though the running steps fit it ({run_len:.2f} m): the belt must have run slower while "
                           "you walked. For a walk-run session give each stage's belt speed in a --treadmill-schedule "
                           "(live: the + / - keys); here the walking step length and speed follow the belt speed as "
                           "given, so they are wrong"))
            elif length > longest_m:
                out.append((g, True, f"{said}, longer than any {name} step (at most about {longest_m:.1f} m): was the "
                                     f"speed in km/h? Give it with {kmh_fix(round(v, 2))}; step length and speed follow the belt "
                                     "speed as given, so they are wrong"))
            elif g == "walk" and length < BELT_STEP_MIN_M and cadence >= BELT_SHORT_CHECK_MIN_SPM:
                given_as = ("a belt_speed_kmh column" if self.treadmill_schedule is not None else "--belt-speed-kmh")
                out.append((g, False, f"{said}, very short for that cadence: was it in m/s given as km/h ({given_as}), "
                                      "or in mph? If the belt really ran that slowly, ignore this"))
        return out

    def _summary(self, steps: pd.DataFrame) -> dict[str, Any]:
        dur = (self._last_t - self._first_t) if self._first_t is not None else 0.0
        s: dict[str, Any] = {
            "n_steps": int(len(steps)),
            "duration_s": float(dur),
            # the first sample's time on the steps' axis: times in messages and reports count from it
            "time_start_s": float(self._first_t) if self._first_t is not None else 0.0,
            "n_bouts": int(steps["bout"].nunique()) if len(steps) else 0,
            "has_gyro": self.has_gyro,
            **({} if self.gyro_stopped_s is None else {"gyro_stopped_s": float(self.gyro_stopped_s)}),
            "engine_rate_hz": self.fs,
            "gap_s": round(self._gap_s, 3),
            "sensor_height_m": self.sensor_height_m,
            "sensor_height_given": self.sensor_height_given,
            "sensor_height_source": self.sensor_height_source,
            # context keys are there whether given or not (None: not given): the same keys for every recording
            "body_height_m": float(self.body_height_m) if self.body_height_m is not None else None,
            "placement_kind": self.placement_kind,
            **{k: v for k, v in self.context.items() if v is not None or k != "placement"},
        }
        # present for every recording (null: no schedule), as the other context keys: a live walk at one belt speed
        # had neither key and analyze of its recording (reading the schedule saved beside it) both (contracts audit s35 F1)
        s["treadmill_schedule"] = s["treadmill_schedule_origin_s"] = s["by_treadmill_stage"] = None
        # a sensor pinned at its range: analyze() fills it from the whole recording (docs/json.md); null live
        s["saturation"] = None
        if self.treadmill_schedule is not None:
            # a belt speed or incline the schedule holds the whole walk is the walk's (a live session at one
            # belt speed said 1.25 m/s; 'analyze' of its recording, reading the one-stage schedule saved beside
            # it, said null — found by review)
            for key, values in (("belt_speed_mps", self.treadmill_schedule.belt_speed_mps),
                                ("incline_pct", self.treadmill_schedule.incline_pct)):
                values = np.asarray(values, float)
                if s.get(key) is None and values.size and np.isfinite(values).all() and np.ptp(values) == 0:
                    s[key] = float(values[0])
            s["treadmill_schedule"] = self.treadmill_schedule.to_list()
            # stage times count from the first sample; this puts them on the recording's axis
            s["treadmill_schedule_origin_s"] = float(self._first_t or 0.0)
        warnings: list[str] = []
        walking_time = 0.0
        for b in self._bouts:
            walking_time += b["end_s"] - b["start_s"]
        s["walking_time_s"] = round(walking_time, 2)
        keys = SUMMARY_METRICS
        # every key is present whatever the data (NaN → null in JSON): library code and batch tables may
        # rely on the set of keys, and a missing key said nothing about why
        for k in keys:
            s[k] = float("nan")
            s[k + "_iqr"] = None
        s.update(stride_time_cv_pct=float("nan"), step_time_asymmetry_pct=float("nan"), gct_balance_pct=float("nan"),
                 running_fraction=float("nan"),
                 gait=None, cadence_walking_spm=float("nan"), cadence_running_spm=float("nan"), by_gait=None,
                 gyro_axis_mismatch=float("nan"))
        if len(steps) == 0:
            # a very slow walk (a patient with a frame, ~45 steps/min and a 1-cm bounce) also ends here: the
            # detector's steps are 0.25–1.4 s, and near that bound it finds the walk or not by chance — say so
            # rather than only 'standing?' (found by review)
            if self._unalternating:
                # all that looked like steps was rhythmic pitching without alternation: say so plainly, not
                # 'standing, sitting or fidgeting only?' — a wheelchair user was told to check the wear (audit wheel2 s44)
                n = sum(x["n_steps"] for x in self._unalternating)
                warnings.append(f"{NO_WALKING_PUSHING} ({n} pushes or rocks, where the trunk pitched to a rhythm "
                                "without swaying from side to side) and not counted as walking: there are no steps, "
                                "cadence or flags from it (see the note on it below)")
            else:
                warnings.append("no walking found: no run of at least "
                                f"{self.p.min_bout_steps} steady steps (standing, sitting or fidgeting only? A very slow "
                                f"walk — under about {60.0 / self.p.max_step_s:.0f} steps a minute, or shuffling with "
                                "barely any up-and-down — is not detected either)")
        else:
            # one numpy pass over all metric columns (pandas per-column quantiles cost ~10 ms); twist and
            # sway from the strides that do not turn (a turn bends the path, not the trunk)
            m = without_turns(steps)[list(keys)].to_numpy(dtype=float)
            s.update(_medians(m, keys, with_iqr=True))
            # the steady-walking, robust CV the pace rule judges (not the SD of every stride: turns,
            # starts and stops and a few misplaced contacts would dominate it)
            # … and the step-time asymmetry over the steps the asymmetry rule judges (steady steps, outliers
            # dropped), so that the summary and the flag look at the same walking — per-side means, where the rule
            # takes medians (why: steady_step_time_asymmetry_pct's docstring); a mean over every step let turns and
            # bout edges decide it. Both from one pass over the steady steps (steady_walk_variability)
            s["stride_time_cv_pct"], s["step_time_asymmetry_pct"] = steady_walk_variability(steps)
            side = steps["side"].to_numpy()
            gct = m[:, keys.index("ground_contact_ms")]
            s["gct_balance_pct"] = _gct_balance_pct(gct, side)
            gait = steps["gait"].to_numpy()
            s["running_fraction"] = float((gait == "run").mean())
            s["gait"] = "run" if s["running_fraction"] > 0.5 else "walk"
            if s["gait"] == "run":
                # the pendulum gives no running step length: a run's medians of it (and of the speed and
                # vertical ratio made from it) came from its few walking steps — 'running speed 1.61 m/s'
                # for a 2.2-m/s run of 764 running and 4 walking steps. A belt speed measures both gaits.
                for k in PENDULUM_ONLY_METRICS:
                    if not np.isfinite(m[gait == "run", keys.index(k)]).any():
                        s[k], s[k + "_iqr"] = float("nan"), None
            cad = m[:, keys.index("cadence_spm")]
            n_walk, n_run = int((gait == "walk").sum()), int((gait == "run").sum())
            for g, key, n_g, n_other in (("walk", "cadence_walking_spm", n_walk, n_run),
                                         ("run", "cadence_running_spm", n_run, n_walk)):
                c = cad[(gait == g) & np.isfinite(cad)]
                # a gait's own cadence from a real stretch of it, not from a few stray steps (one step
                # taken for running in GaitPy's walk gave a 'running cadence' of 105 spm)
                s[key] = float(np.median(c)) if c.size and (n_g >= MIXED_GAIT_MIN_STEPS or not n_other) else float("nan")
            if not (n_run >= MIXED_GAIT_MIN_STEPS or not n_walk):
                # ground contact is measured on running steps only, so its median over every step was the
                # median of the stray 'run' steps of a walk (GaitPy's/SciKit-Digital-Health's 2-min walk: 181 ms
                # from 2 steps, one at 81 spm, with the gait 'walk' and no running cadence). Same rule as
                # cadence_running_spm: from a real stretch of running, else not measured
                s["ground_contact_ms"], s["ground_contact_ms_iqr"] = float("nan"), None
                s["gct_balance_pct"] = float("nan")
            if min(n_walk, n_run) >= MIXED_GAIT_MIN_STEPS:
                # a walk that turns into a run (or back): one median over both describes neither
                s["by_gait"] = {g: {"n_steps": n, **_medians(m[gait == g], keys, with_iqr=True),
                                    **dict(zip(("stride_time_cv_pct", "step_time_asymmetry_pct"),
                                               steady_walk_variability(steps[gait == g]))),
                                    "gct_balance_pct": _gct_balance_pct(gct[gait == g], side[gait == g])}
                                for g, n in (("walk", n_walk), ("run", n_run))}
                warnings.append(f"walking ({n_walk} steps) and running ({n_run} steps): the overall medians pool "
                                "both gaits; each gait is also summarised on its own (the report's walking and "
                                "running rows; by_gait in the JSON)")
            stage_of_step = None
            if self.treadmill_schedule is not None and self.treadmill_schedule.n_stages > 1:
                # an interval or hill program: a coach wants each block's cadence, bounce and impact, and the
                # walk's medians pool the 4-km/h and 6-km/h minutes (steps of the turns kept out, as above)
                sched = self.treadmill_schedule
                stage_of_step = sched.stage_index(steps["time_s"].to_numpy(float) - float(self._first_t or 0.0))
                s["by_treadmill_stage"] = [{**st, "n_steps": int((stage_of_step == i).sum()),
                                            **_medians(m[stage_of_step == i], keys)}
                                           for i, st in enumerate(sched.to_list())]
            slow = rate_below_limit(self._fed_rate_hz, TIMING_MIN_RATE_HZ)
            if slow:
                # (impact and contact time are NaN per step already: TIMING_MIN_RATE_HZ)
                ran = s["gait"] == "run"
                # (a run's regularity: NaN per running step already, RUN_REGULARITY_BLIND — not the few walking
                # steps' at its ends standing for the run)
                blind = dict.fromkeys(("stride_time_cv_pct", "step_time_asymmetry_pct", *RUN_REGULARITY_BLIND),
                                      float("nan"))
                if ran:
                    s.update({k: v for k, v in blind.items() if k in s})
                if s["by_gait"]:
                    s["by_gait"]["run"].update({k: v for k, v in blind.items() if k in s["by_gait"]["run"]})
                if rate_below_limit(self._fed_rate_hz, WALK_ASYMMETRY_MIN_RATE_HZ):
                    if not ran:
                        s["step_time_asymmetry_pct"] = float("nan")
                    if s["by_gait"]:
                        s["by_gait"]["walk"]["step_time_asymmetry_pct"] = float("nan")
                if rate_below_limit(self._fed_rate_hz, WALK_STRIDE_CV_MIN_RATE_HZ):
                    if not ran:
                        s["stride_time_cv_pct"] = float("nan")
                    if s["by_gait"]:
                        s["by_gait"]["walk"]["stride_time_cv_pct"] = float("nan")
                # (the figures named are those of the gaits walked: a walk's impact does not read 20–40 % low)
                warnings.append(low_rate_warning(self._fed_rate_hz, running=ran or bool(s["by_gait"]),
                                                 walking=not ran or bool(s["by_gait"])))
                # cadence over spans of strides, not the median of single strides: without a sensor's own low-pass
                # a run's contacts are pinned to the sample times, its strides take two or three values, and their
                # median lands on one (a 185-spm run at 25 Hz: +2.0 spm, 165 at 20 Hz: −2.7; spans of 8 strides:
                # within ±0.6, benchmarks/rates.py)
                t_all, b_all = steps["time_s"].to_numpy(float), steps["bout"].to_numpy()
                for key, which in (("cadence_spm", None), ("cadence_walking_spm", "walk"), ("cadence_running_spm", "run")):
                    c = _cadence_over_strides_spm(t_all, b_all, gait, which)
                    if np.isfinite(s[key]) and np.isfinite(c):
                        s[key] = c
                for g, part in (s["by_gait"] or {}).items():
                    c = _cadence_over_strides_spm(t_all, b_all, gait, g)
                    if np.isfinite(part["cadence_spm"]) and np.isfinite(c):
                        part["cadence_spm"] = c
                # each treadmill stage's too (a 165-spm run at 20 Hz, one stage: 165.5 overall, 162.4 the stage's;
                # review s40 M2)
                for i, part in enumerate(s["by_treadmill_stage"] or []):
                    c = _cadence_over_strides_spm(t_all, b_all, gait, None, within=stage_of_step == i)
                    if np.isfinite(part.get("cadence_spm", np.nan)) and np.isfinite(c):
                        part["cadence_spm"] = c
            elif rate_below_limit(self._fed_rate_hz, IMPACT_FULL_RATE_HZ) and n_run >= MIXED_GAIT_MIN_STEPS:
                warnings.append(f"sampled at {self._fed_rate_hz:.3g} Hz: a running landing's impact peak (25–50 ms) "
                                "is caught between samples, so impact reads about 5–12 % low at 50 Hz (synthetic "
                                "runs; walking's within 2 %): compare running impacts only between recordings made at "
                                "the same rate (100 Hz or more for the full peak)")
            if n_run >= MIXED_GAIT_MIN_STEPS and not np.isfinite(m[gait == "run", keys.index("step_length_m")]).any():
                # (a few stray 'running' steps in a walk are not worth the note)
                warnings.append("running: step length, speed and vertical ratio are not measured (the pendulum "
                                "model is for walking); give --belt-speed on a treadmill for them")
        if self.placement_kind == "off_trunk" and len(steps):
            belt_known = bool(np.isfinite(steps["walking_speed_mps"].to_numpy(float)).any())
            warnings.append("sensor not on the trunk (placement " + repr(self.context.get("placement")) + "): "
                            + ("steps, cadence, and step length and speed from the belt speed only"
                               if belt_known else "steps and cadence only")
                            + " — bounce, lean, sway, twist, pelvic drop, braking and impact (and "
                            "the step length and speed estimated from the bounce) would describe the pocket's motion, "
                            "not the trunk's")
        doubts = self._belt_speed_doubts(steps)
        warnings.extend(msg for _, _, msg in doubts)
        # steps no one can take: a report says so before its numbers and does not show that gait's step length and
        # speed as measured (a belt speed of 5 is a real running speed, so the option alone cannot be refused)
        s["belt_speed_doubts"] = [{"gait": g, "message": msg} for g, too_long, msg in doubts if too_long]
        lead = "no gyroscope"
        if self.gyro_stopped_s is not None:
            n_before = int((steps["time_s"].to_numpy(float) <= self.gyro_stopped_s).sum()) if len(steps) else 0
            warnings.append(f"the gyroscope {self._gyro_drop_why} "
                            f"{self.gyro_stopped_s - (self._first_t or 0.0):.0f} s into the "
                            f"recording: trunk twist, {roll_name(self.context.get('placement'))} and turns are measured "
                            f"for the {n_before} steps "
                            "before it only, and the back-strain rules that need them are not judged (as for a "
                            "recording without one)")
            lead = "after the gyroscope stopped"
        if self.placement_kind == "unknown" and len(steps):
            # nothing asked where a sensor without an implied place sat (a Verity Sense, a Thingy:52, a CSV from a
            # chest harness): read as a lower-back one, a chest sensor got the pelvis's words and running limits,
            # and without a gyroscope the lower back's contact timing (chest audit s37 N1)
            # a placement that was given but not recognised (a file header's or meta's 'pockt') is said to be: the
            # engine's one note, live too, rather than 'not given' here and 'not understood' from analyze() (review s37)
            given = self.context.get("placement")
            said = (f"placement {given!r} is not understood" if given and str(given).lower() != "unknown"
                    else "placement not given")
            vo_cm = StrainConfig().run_vo_max_cm
            warnings.append(f"{said}: analysed as a sensor on the lower back (its words, e.g. pelvic "
                            "drop, and runners' bounce limits); if it sat on the chest, give --placement chest / "
                            "placement=\"chest\" — there the roll range is the trunk's, runners' bounce limit is "
                            f"{vo_cm['chest']:g} cm, not {vo_cm['pelvis']:g}"
                            + ("" if self.has_gyro else ", and an accelerometer alone has its contacts timed for "
                               "the chest (a chest pouch's step F1 0.945 → 0.984)"))
        if not self.has_gyro and self.placement_kind == "off_trunk":
            warnings.append("no gyroscope (needed only for trunk twist, pelvic drop and turns)")
        elif not self.has_gyro:
            # measured (64 IPOL + Mobilise-D walks analysed with and without their gyroscope, 2026-12-06, once
            # each step's mean acceleration was taken out): sway −0.7 cm median (−20 %; 10th–90th percentile
            # −2.0 … +1.2 cm, all −2.4 … +3.9), braking −9 %, bounce and lean unchanged. Not one direction, so
            # the warning gives none for sway. The roll's share grows as 1/cadence²: synthetic walks with 4° of
            # pelvic drop read +0.3 cm at 110 spm, +2 cm at 90, +7 cm at 60 (found by review). Turns: the
            # gyroscope's steps leave turning strides out, the accelerometer's cannot (tests/data's 20-s
            # sensorlogger_android walk, 19 of 21 steps turning: 3.8 cm with its gyro, 14.0 without: review s34)
            warnings.append(f"{lead}: trunk twist, {roll_name(self.context.get('placement'))} and turns cannot be measured; "
                            "steps, cadence, bounce, lean and sway come from the accelerometer alone, where the "
                            "trunk's side-to-side roll mixes into sway and braking (on real walks sway differs from "
                            "a gyroscope's by −2 to +4 cm depending on the person and the walk, and reads higher "
                            "the slower the walk — several cm more below 80 steps/min —, and far higher in a walk "
                            "with turns or curves, whose turning strides cannot be left out without a gyroscope "
                            "(+10 cm on a 20-s walk that was mostly turning); braking reads about "
                            "10 % lower): compare them only between recordings with the same kind of sensor "
                            "and a similar pace")
        # (off the trunk the bounce, and so the pendulum step length, is not reported: no height note)
        walked = bool(len(steps)) and bool((steps["gait"] == "walk").any()) and self.placement_kind != "off_trunk"
        belt_known = bool(self.context.get("belt_speed_mps")) or (
            self.treadmill_schedule is not None and bool(np.isfinite(self.treadmill_schedule.belt_speed_mps).all()))
        if walked and not self.sensor_height_given and not belt_known:
            if self.sensor_height_source == "body height":
                warnings.append(f"sensor height taken as {SENSOR_HEIGHT_PER_BODY_HEIGHT:.2f} × your height "
                                f"{self.body_height_m:.2f} m = {self.sensor_height_m:.2f} m for the step length "
                                "(a measured --sensor-height is better)")
            else:
                # a chest strap's own height 'above the ground' reads the step length ~8 % long (the pendulum is the
                # lower back): the chest audit s37 found a Polar H10 session's note asking for exactly that
                what = ("the height of your lower back above the ground — the step-length model's pendulum; the "
                        f"chest strap's own height reads step length about {CHEST_HEIGHT_AS_LOWER_BACK_LONG_PCT:.0f} % long —"
                        if self.placement_kind == "chest" else "the sensor's height above the ground")
                warnings.append(f"sensor height not given: step length uses {self.sensor_height_m:.2f} m "
                                f"(give {what}, --sensor-height / sensor_height_m=, or "
                                "your height, --height / body_height_m=; on a treadmill the belt speed, "
                                "--belt-speed-kmh / belt_speed_mps=, gives the exact step length)")
        if walked and self.sensor_height_given and self.placement_kind == "chest" and not belt_known \
                and self.sensor_height_m > self._chest_lower_back_max_m():
            h = self.sensor_height_m
            warnings.append(f"sensor height {h:.2f} m for a sensor on the chest: the step-length model wants the height "
                            f"of the lower back (≈ {SENSOR_HEIGHT_PER_BODY_HEIGHT:.2f} × body height; {h:.2f} m is a "
                            f"lower back only on someone {h / SENSOR_HEIGHT_PER_BODY_HEIGHT:.2f} m tall) — if it is the "
                            "chest strap's own height, step length and speed read about "
                            f"{CHEST_HEIGHT_AS_LOWER_BACK_LONG_PCT:.0f} % "
                            "long: give the lower back's height (--sensor-height) or your height (--height) instead")
        unsure = self._unsure_forward_kept(steps)
        if unsure:
            at = ", ".join(f"{mmss(a - (self._first_t or 0.0))} (quality {q:.2f})" for a, q in unsure[:3])
            warnings.append(f"the walking direction was unclear at {at}{' …' if len(unsure) > 3 else ''}: forward and "
                            f"side to side moved alike (a clear walk shows ≥ {FORWARD_HOLD_QUALITY:g}; steady walks 4–17), "
                            "so the forward axis is a guess there — forward lean, braking and side-to-side sway of those "
                            "steps may mix the two directions (shuffling, turning on the spot, a loose sensor?)")
        for t_u, drift in self._unsettled[:3]:
            warnings.append(f"at {mmss(t_u - (self._first_t or 0.0))} the sensor's 'up' turned {drift:.0f}° within a few "
                            "seconds of walking (still being put on or settling?): the posture reference was taken once it "
                            "had settled; bounce, lean and sway of the steps before are unreliable")
        if self._implausible:
            warnings.append(_left_out_warning(
                self._implausible, "step-like motion", self._first_t or 0.0,
                lambda x: f"{x['n_steps']} steps: " + ", ".join(f"{k} {v:.0f}{'°' if k == 'twist' else ' cm'}"
                                                                for k, v in x.items()
                                                                if k in ("sway", "bounce", "twist")),
                "median side-to-side sway over "
                f"{self.p.implausible_max_sway_cm:.0f} cm or up-and-down bounce over "
                f"{self.p.implausible_max_bounce_cm:.0f} cm per step "
                f"({self.p.implausible_max_bounce_run_cm:.0f} cm running), or a twist over "
                f"{self.p.implausible_max_twist_deg:.0f}° per stride with irregular steps, which no trunk reaches in walking "
                "(sway ≈ 3–7 cm, bounce ≈ 2.5–5 cm, twist 8–15°) or running (bounce ≤ ~13 cm). Was the "
                "sensor held in the hand, on a wrist, swung or carried rather than worn on the trunk?"))
        if self._flat:
            warnings.append(_left_out_warning(
                self._flat, "rhythmic motion", self._first_t or 0.0,
                lambda x: f"{x['n_steps']} steps, bounce {x['bounce']:.1f} cm",
                "the trunk rose and fell under "
                f"{self.p.flat_max_bounce_cm:.1f} cm per 'step' over {self.p.flat_min_steps}+ steps, where "
                "a walking trunk bounces ≈ 2.5–5 cm. Pedalling (a bike, seated) looks like this, as does being "
                "pushed in a wheelchair"
                + (", or a vibrating seat or floor (a car, a bus) in a recording without a gyroscope"
                   if any(not x["gyro"] for x in self._flat) else "")
                + "; no steps, cadence or flags were taken from it"))
        if self._unalternating:
            warnings.append(_left_out_warning(
                self._unalternating, "rhythmic trunk pitching without left / right alternation", self._first_t or 0.0,
                lambda x: (f"{x['n_steps']} 'steps', pelvic drop {x['drop']:.1f}°, twist {x['twist']:.1f}°, "
                           f"sway {x['sway']:.1f} cm" if "drop" in x else f"{x['n_steps']} 'steps', sway {x['sway']:.1f} cm"),
                self._unalternating_why() + ". Pushing a manual wheelchair "
                "(both arms together) or rocking looks like this: no steps, cadence or flags were taken from it"))
        if self._still_stretches:
            # (judged with the gyroscope or without it: a gyroscope may stop mid-recording, so per stretch)
            p, n_min = self.p, self.p.still_stretch_min_steps
            why = []
            if any("trunk_twist_deg" in x for x in self._still_stretches):
                why.append(f"the trunk neither turned nor rolled for {n_min}+ 'steps' in a row (each at most "
                           f"{p.still_trunk_max_twist_deg:g}° of twist and {p.still_trunk_max_drop_deg:g}° of pelvic "
                           "drop), where every real step turns and rolls it")
            if any("lateral_sway_cm" in x for x in self._still_stretches):
                why.append(f"the trunk neither swayed nor bounced for {n_min}+ 'steps' in a row (each at most "
                           f"{p.still_stretch_max_sway_cm:g} cm of sway and {p.still_stretch_max_bounce_cm:g} cm of "
                           "bounce), where a walking trunk sways and bounces a centimetre or more")
            warnings.append(_left_out_warning(
                self._still_stretches, "shaking with a still trunk", self._first_t or 0.0,
                lambda x: f"{x['n_steps']} 'steps', " + (
                    f"twist {x['trunk_twist_deg']:.1f}°, pelvic drop {x['pelvic_drop_deg']:.1f}°"
                    if "trunk_twist_deg" in x else
                    f"sway {x['lateral_sway_cm']:.1f} cm, bounce {x['vertical_oscillation_cm']:.1f} cm"),
                "within a walk " + "; or ".join(why) + ". Trembling of the legs while the feet stay put (as when the "
                "feet feel stuck to the floor) or shaking of the sensor looks like this: those 'steps' were taken back, "
                "the rest of the walk kept"))
        if self._calib is None and len(steps):
            warnings.append(f"no bout of {CALIBRATION_STEPS}+ steady steps: forward direction and posture "
                            "reference were estimated from the short walks together; lean and braking are less certain")
        warnings += _schedule_warnings(self.treadmill_schedule, dur)
        changed = self.p.changed()
        if changed:
            # a result made with other settings must not pass for one made with the defaults (API audit s37)
            warnings.append("step detection ran with settings changed from the defaults (StepParams): "
                            + ", ".join(f"{k}={v!r}" for k, v in changed.items())
                            + "; results are not comparable with those of the defaults")
        s["_warnings"] = warnings
        return s


#: steps over which a pocket's alternating contact offset is estimated (a running median: it follows
#: a missed or extra contact, after which the early foot's contacts have the other parity)
DEALTERNATE_WINDOW_STEPS = 9


def dealternate_contacts(steps: pd.DataFrame, window_steps: int = DEALTERNATE_WINDOW_STEPS) -> pd.DataFrame:
    """The steps table with one foot's systematic early / late contact evened out, bout by bout — for a
    sensor off the trunk (a phone in a trouser pocket), whose signal times one leg's contacts
    differently from the other's (Oxford pockets: one foot's 4 Hz peak ~130 ms early).

    Each contact's offset from the midpoint of its neighbours alternates ±Δ when one foot is late by
    Δ; Δ is the running median of that alternating offset over ``window_steps`` steps, and every
    contact moves by Δ/2 toward even spacing. Stride times keep their step-to-step variation (both
    feet of a stride move alike); step times lose the pocket's alternation — which is why this is only
    for a sensor declared off the trunk: on the trunk the same pattern can be a real limp.
    ``step_time_s``, ``stride_time_s`` and ``cadence_spm`` are recomputed from the new times.
    Measured on the 12 Oxford pocket recordings (phones, insole pads): step F1 front pocket 0.858 →
    0.939, back pocket 0.972 → 0.977."""
    if len(steps) < 5:
        return steps.copy()
    t = steps["time_s"].to_numpy(float).copy()
    bout = steps["bout"].to_numpy()
    starts = np.flatnonzero(np.r_[True, bout[1:] != bout[:-1]])
    ends = np.r_[starts[1:], len(t)]
    for a, b in zip(starts, ends):
        tt = t[a:b]
        if tt.size >= 5:
            sign = np.where(np.arange(tt.size) % 2 == 0, 1.0, -1.0)
            off = np.full(tt.size, np.nan)
            off[1:-1] = (tt[1:-1] - 0.5 * (tt[:-2] + tt[2:])) * sign[1:-1]
            delta = pd.Series(off).rolling(window_steps, center=True, min_periods=3).median().to_numpy()
            t[a:b] = tt - 0.5 * sign * np.where(np.isfinite(delta), delta, 0.0)
    return _retimed(steps, t)


#: a walk's contacts are timed from the forward deceleration when the two feet's contacts (alternate steps) lag
#: it by medians this far apart (s) …
SIDE_LAG_SPLIT_S = 0.05
#: … as the deceleration's peak minus this (s): its median lag behind the foot-IMU contacts on IPOL's 58 walks
AP_MIN_AFTER_CONTACT_S = 0.11
#: steps a walk needs (each foot half of them, with a deceleration peak) for the comparison
SIDE_LAG_MIN_STEPS = 6
#: … and only when the re-timed steps alternate (|median even − median odd step|) less than this × the vertical ones
SIDE_ALTERNATION_RATIO = 0.5
#: a contact moves to the deceleration's timing only by up to this (s)
AP_MIN_MAX_MOVE_S = 0.15


def _alternation_s(t: np.ndarray) -> float:
    """|median of the even − median of the odd step times| between contacts ``t`` (s)."""
    st = np.diff(t)
    return abs(float(np.median(st[0::2])) - float(np.median(st[1::2]))) if st.size >= 2 else 0.0


def even_contact_sides(steps: pd.DataFrame, ap_min_s: np.ndarray) -> pd.DataFrame:
    """The steps table with the contacts of a walk whose two feet's vertical contacts sit apart re-timed from
    the forward acceleration, walk by walk (a sensor with a gyroscope not declared off the trunk; after the
    recording ends: the rows a live stream gave keep their vertical contacts).

    The contact is the vertical acceleration's rise before its peak; for some walkers that peak comes 60–140 ms
    later after one foot's strike than after the other's (IPOL lower back, foot-IMU truth: 2-1 left +98 ms,
    3-4 +138 ms), so one foot's contacts sit late and the steps alternate short / long: a step-time asymmetry
    the walker does not have (2-1: 26 % for 2.6 %). The forward deceleration's peak after each strike
    (``ap_min_s``) follows both feet alike (its median lag per foot within 50 ms on 56 of the 58 walks, against
    48 for the vertical peak; measured about the reference contacts). When the two parities' median lags of
    contact behind it differ by more than SIDE_LAG_SPLIT_S and the re-timed steps alternate less than half as
    much as the vertical ones, each contact of that walk within AP_MIN_MAX_MOVE_S of it becomes the deceleration
    peak − AP_MIN_AFTER_CONTACT_S (walks where the two agree keep the vertical contacts: steadier on most
    walkers). Measured (benchmarks/sides.py, accuracy.py): IPOL side offsets over 50 ms 8 → 4 of 58 walks, mean
    |asymmetry − reference| 6.8 → 4.6 points; IC F1 unchanged on IPOL and Mobilise-D (median timing error
    IPOL 18 → 17 ms; in IPOL's U-turns 34 → 47 ms, F1 unchanged). ``step_time_s``, ``stride_time_s`` and ``cadence_spm`` are recomputed from the new
    times."""
    t = steps["time_s"].to_numpy(float)
    ap = np.asarray(ap_min_s, float)
    bout = steps["bout"].to_numpy()
    new = t.copy()
    starts = np.flatnonzero(np.r_[True, bout[1:] != bout[:-1]])
    ends = np.r_[starts[1:], len(t)]
    for a, b in zip(starts, ends):
        lag = t[a:b] - ap[a:b]
        ok = np.isfinite(lag)
        even, odd = lag[0::2][ok[0::2]], lag[1::2][ok[1::2]]
        if ok.sum() < SIDE_LAG_MIN_STEPS or min(even.size, odd.size) < SIDE_LAG_MIN_STEPS // 2:
            continue
        if abs(np.median(even) - np.median(odd)) <= SIDE_LAG_SPLIT_S:
            continue
        # the vertical contacts' steps must alternate short / long, and the deceleration's far less: where both
        # alternate alike the walker limps (Mobilise-D: F1 0.866 → 0.858 without this test)
        cand = ap[a:b] - AP_MIN_AFTER_CONTACT_S
        dv, da = _alternation_s(t[a:b][ok]), _alternation_s(cand[ok])
        if not da < SIDE_ALTERNATION_RATIO * dv:
            continue
        # a deceleration peak far from the vertical contact is another event (a turn's, a stumble's): that step
        # keeps its contact (IPOL U-turns: F1 0.823 → 0.815 without)
        near = ok & (np.abs(cand - t[a:b]) <= AP_MIN_MAX_MOVE_S)
        if near.any():
            new[a:b] = np.where(near, cand, t[a:b])
    return steps if np.array_equal(new, t) else _retimed(steps, new)


def _retimed(steps: pd.DataFrame, t: np.ndarray) -> pd.DataFrame:
    """``steps`` with contact times ``t``: step, stride time and cadence recomputed within each bout."""
    out = steps.copy()
    bout = out["bout"].to_numpy()
    starts = np.flatnonzero(np.r_[True, bout[1:] != bout[:-1]])
    ends = np.r_[starts[1:], len(t)]
    step = np.full(len(t), np.nan)
    stride = np.full(len(t), np.nan)
    for a, b in zip(starts, ends):
        step[a + 1:b] = np.diff(t[a:b])
        stride[a + 2:b] = t[a + 2:b] - t[a:b - 2]
    out["time_s"] = t
    out["step_time_s"] = step
    out["stride_time_s"] = stride
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cadence_spm"] = np.where(np.isfinite(stride), 120.0 / stride, 60.0 / step)
    return out


def _settled(times: list[float]) -> list[float]:
    """A bout's contacts from the ``CALIBRATION_SKIP``-th on, and no sooner than ``CALIBRATION_SKIP_S``
    after its first (the speeding-up is over and the gravity filter has caught up)."""
    k = CALIBRATION_SKIP
    while k < len(times) - 3 and times[k] - times[0] < CALIBRATION_SKIP_S:
        k += 1
    return times[k:]


def _standing_lean_deg(up_stand: np.ndarray, path: np.ndarray, up_walk: np.ndarray, calib) -> float | None:
    """The walk's lean (°, + forward) against a still stretch's posture ``up_stand`` if that passes the checks of
    ``STANDING_*``, else None: ``path`` is the trunk's 'up' on the way between the two (rows), ``up_walk`` the
    walking posture, ``calib`` the (forward axis, reference 'up') the walk was measured about."""
    ap_ref, up_ref = calib
    if not _same_position(up_walk, up_ref):
        return None
    apart = float(np.degrees(np.arccos(np.clip(up_stand @ up_walk, -1.0, 1.0))))
    if apart > STANDING_MAX_DEG:
        return None
    if len(path):
        swung = float(np.degrees(np.arccos(np.clip(unit(path) @ up_stand, -1.0, 1.0))).max())
        if swung > apart + STANDING_TRANSITION_MARGIN_DEG:
            return None
    ml = np.cross(up_ref, ap_ref)
    roll = np.degrees(np.arcsin(np.clip(up_stand @ ml, -1, 1)) - np.arcsin(np.clip(up_walk @ ml, -1, 1)))
    if abs(roll) > STANDING_MAX_ROLL_DEG:
        return None
    pitch = np.degrees(np.arcsin(np.clip(-np.array([up_walk @ ap_ref, up_stand @ ap_ref]), -1, 1)))
    if pitch[0] - pitch[1] < STANDING_MIN_WALK_LEAN_DEG:
        return None
    return float(pitch[0] - pitch[1])


def _consensus_standing(standings: list[dict[str, Any]], lean_deg: np.ndarray, forward: np.ndarray,
                        pitch_deg: Callable[[np.ndarray, dict[str, Any]], np.ndarray],
                        time_s: np.ndarray | None = None) -> dict[str, Any]:
    """The standing a sensor position's rows are measured against, of its ``standings`` (the first one before a
    walk first): that one, unless the rows (forward lean ``lean_deg``, measured about the axes ``forward``) lean
    less from the consensus of all of them by more than STANDING_AGREE_DEG — the median standing by the rows'
    median lean against each; of an even count's middle two, the one they lean less from. ``pitch_deg`` gives a
    standing's pitch about each row's forward axis. With the rows' times ``time_s``, the first is also kept when
    the walker's own change explains most of how far the two standings differ (:func:`_walker_changed`)."""
    first = standings[0]
    ok = np.isfinite(lean_deg) & np.isfinite(forward).all(axis=1)
    if len(standings) == 1 or not ok.any():
        return first
    walk_lean = _walk_lean_per_standing(standings, lean_deg[ok], forward[ok], pitch_deg)
    order = np.argsort(walk_lean, kind="stable")
    middle = order[[(len(standings) - 1) // 2, len(standings) // 2]]      # (odd count: the same one twice)
    pick = int(middle[np.argmin(np.abs(walk_lean[middle]))])
    if not abs(walk_lean[pick]) < abs(walk_lean[0]) - STANDING_AGREE_DEG:
        return first
    if time_s is not None and _walker_changed(first, standings[pick], lean_deg, forward, pitch_deg, time_s, ok):
        return first
    return standings[pick]


def _walk_lean_per_standing(standings: list[dict[str, Any]], lean_deg: np.ndarray, forward: np.ndarray,
                            pitch_deg: Callable[[np.ndarray, dict[str, Any]], np.ndarray]) -> np.ndarray:
    """The rows' median lean against each of ``standings`` (finite rows only): median(lean − pitch about each
    row's forward axis). The forward axis is the calibration's, the same for every row until a sensor turn, and
    then a standing's pitch is one number: the median of (lean − c) is the rows' middle one(s) less c, so the rows
    are sorted once instead of once per standing. Per standing over all rows, a live walk with a stop every
    2 min spent 0.6 s on this every 10 steps at 6 h, growing with steps × stops (live-long audit s34 F1). The
    same numbers as np.median: the order statistic of (lean − c) is the one of lean less c (subtraction keeps
    the order), and two middle values are averaged as np.median averages them."""
    if len(lean_deg) and (forward == forward[0]).all():
        srt = np.sort(lean_deg)
        c = np.array([pitch_deg(forward[:1], st)[0] for st in standings], float)
        m = len(srt) // 2
        return srt[m] - c if len(srt) % 2 else ((srt[m - 1] - c) + (srt[m] - c)) / 2
    # after a sensor turn (two forward axes): one standing at a time, each vectorised over the rows — a week's
    # position may hold hundreds of standings and 100 000 rows, too many for one (standings, rows) array
    return np.array([np.median(lean_deg - pitch_deg(forward, st)) for st in standings], float)


def _walker_changed(first: dict[str, Any], other: dict[str, Any], lean_deg: np.ndarray, forward: np.ndarray,
                    pitch_deg: Callable[[np.ndarray, dict[str, Any]], np.ndarray], time_s: np.ndarray,
                    ok: np.ndarray) -> bool:
    """True when the walk's lean changed from the steps next to ``first`` to those next to ``other`` (rows ``ok``;
    :func:`_steps_next_to`) by at least half of how much the two standings differ, the same way: a walker who
    hunches more as the walk goes on and stands still bent after it (tired, in pain) changed, not the
    reference — measured against the bent standing, a hunch of 8° growing to 14° read 2° to 8° (found by
    review). Leaning back against a wall before setting off changes the standing alone (the walk's lean holds).
    False when either side has under STANDING_MIN_STEPS steps (the whole walk's median decides alone)."""
    near_first, near_other = _steps_next_to(first, time_s, ok), _steps_next_to(other, time_s, ok)
    if near_first.sum() < STANDING_MIN_STEPS or near_other.sum() < STANDING_MIN_STEPS:
        return False
    change = float(np.median(lean_deg[near_other] - pitch_deg(forward[near_other], first))
                   - np.median(lean_deg[near_first] - pitch_deg(forward[near_first], first)))
    apart = float(np.median(pitch_deg(forward[near_other], other) - pitch_deg(forward[near_other], first)))
    return abs(change) >= abs(apart) / 2 and change * apart > 0


def _steps_next_to(standing: dict[str, Any], time_s: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """The rows ``ok`` next to ``standing``: before a walk, the walk's first STANDING_WALK_TAIL_S; after one,
    the walk's last STANDING_WALK_TAIL_S before it (its steps end at most STANDING_MAX_GAP_S before it)."""
    if standing["after_walk"]:
        return ok & (time_s >= standing["start_s"] - STANDING_MAX_GAP_S - STANDING_WALK_TAIL_S) \
            & (time_s <= standing["start_s"])
    return ok & (time_s >= standing["walk_start_s"]) & (time_s <= standing["walk_start_s"] + STANDING_WALK_TAIL_S)


def _gct_balance_pct(gct_ms: np.ndarray, side: np.ndarray) -> float:
    """GCT balance as Garmin shows it: the left foot's share of left + right ground-contact time (mean per
    side), in %; NaN where contacts are not measured (walking) or under 4 of either side."""
    ok = np.isfinite(gct_ms)
    if ok.any():
        # a contact 30 % off the median is a detector slip (a missed flight, a split contact), not a side's
        ok &= np.abs(gct_ms / np.median(gct_ms[ok]) - 1.0) < 0.3
    l, r = gct_ms[(side == "L") & ok], gct_ms[(side == "R") & ok]
    if l.size > 3 and r.size > 3:
        # means, not medians: 100-Hz contacts come in 10-ms steps, and a median moves the share in 1-point jumps
        return float(100 * l.mean() / (l.mean() + r.mean()))
    return float("nan")


def _column_nanmedians(x: np.ndarray) -> list[float]:
    """Per column of ``x`` (rows, k): ``np.nanmedian`` of the column — the middle value, or the mean ``(a + b) / 2`` of
    the middle two, of its non-NaN values sorted (±inf included) — NaN where the column has no finite value. One sort
    for all columns: ten ``np.nanmedian`` calls of a few values each cost ~0.3 ms, once per second of a live stream."""
    v = np.sort(x, axis=0)                                   # NaN last
    cnt = (~np.isnan(v)).sum(axis=0)
    cols = np.arange(v.shape[1])
    a = v[np.maximum((cnt - 1) // 2, 0), cols] if v.shape[0] else np.full(v.shape[1], np.nan)
    b = v[cnt // 2, cols] if v.shape[0] else a
    with np.errstate(invalid="ignore"):
        med = np.where(cnt % 2 == 1, a, (a + b) / 2)
    return [float(m) if f else float("nan") for m, f in zip(med.tolist(), np.isfinite(x).any(axis=0).tolist())]


def _medians(m: np.ndarray, keys: Sequence[str], *, with_iqr: bool = False) -> dict[str, Any]:
    """Median of each column of m (NaN where none is finite); with ``with_iqr`` also ``<key>_iqr`` =
    [25th, 75th percentile] where ≥ 4 values are finite (else None)."""
    n_ok = np.isfinite(m).sum(axis=0)
    with np.errstate(all="ignore"), warnings_module.catch_warnings():
        warnings_module.simplefilter("ignore", RuntimeWarning)          # all-NaN columns
        q = np.nanpercentile(m, [25, 50, 75], axis=0) if len(m) else np.full((3, len(keys)), np.nan)
    out: dict[str, Any] = {}
    for j, k in enumerate(keys):
        out[k] = float(q[1, j]) if n_ok[j] else float("nan")
        if with_iqr:
            out[k + "_iqr"] = [float(q[0, j]), float(q[2, j])] if n_ok[j] >= 4 else None
    return out


#: the summary's warning when no step is left because every 'walk' was rhythmic pushing or rocking (the reports' 'No
#: walking found' section says so instead of asking whether the sensor was worn while walking)
NO_WALKING_PUSHING = "no walking found: rhythmic pushing (a manual wheelchair) or rocking was found"


def _left_out_warning(stretches: list[dict[str, Any]], motion: str, t0: float,
                      evidence: Callable[[dict[str, Any]], str], why: str) -> str:
    """The summary's warning on walks taken back as not walking (``stretches``: each with its ``start_s``, ``end_s``;
    ``t0``: the recording's first time): how many stretches of ``motion`` were left out, the first five with their
    times and ``evidence(stretch)``, then ``why``."""
    what = "; ".join(f"{mmss(x['start_s'] - t0)}–{mmss(x['end_s'] - t0)} ({evidence(x)})" for x in stretches[:5])
    return (f"{len(stretches)} stretch{'es' if len(stretches) > 1 else ''} of {motion} left out as not walking "
            f"— {what}{' …' if len(stretches) > 5 else ''}: {why}")


def _schedule_warnings(schedule: TreadmillSchedule | None, duration_s: float) -> list[str]:
    """Stage times that look like a unit slip (seconds written for minutes, or the other way) — not of stages
    made with the live keys: their times are key presses, and an early change (a warm-up adjustment) then
    walking on is the keys' ordinary use; the live summary told the user to 'write them as m:ss'."""
    if schedule is None or schedule.n_stages < 2 or not duration_s > 0 or schedule.from_keys:
        return []
    out = []
    late = schedule.start_s[schedule.start_s > duration_s]
    if late.size:
        out.append(f"treadmill schedule: {late.size} stage(s) start after the recording ended "
                   f"({mmss(duration_s)}), the first at {mmss(late[0])}; check the times (m:ss vs seconds)")
    # (a 5-minute walk with '0, 2' meant 2 minutes too: it went unsaid below 10 minutes; a real program
    # does not put every change in the first minute of a walk five times longer)
    if schedule.start_s[-1] < 60.0 and duration_s > max(120.0, 5.0 * schedule.start_s[-1]):
        out.append(f"treadmill schedule: all {schedule.n_stages} stages start within the first minute of a "
                   f"{mmss(duration_s)} walk; if the times were minutes, write them as m:ss (5:00, not 5)")
    return out


def _steps_over_lost_samples(steps: pd.DataFrame, engine: GaitEngine) -> np.ndarray:
    """Mask of the steps whose stride — from one stride before the contact to one after it (the stretch its
    stride time and regularities are read from) — holds samples lost in a short hole (bridged by interpolation)."""
    if not engine._lost_t0 or not len(steps):
        return np.zeros(len(steps), bool)
    t0, t1 = np.concatenate(engine._lost_t0), np.concatenate(engine._lost_t1)
    engine._lost_t0, engine._lost_t1 = [t0], [t1]      # kept joined: a long lossy session adds one per feed
    t = steps["time_s"].to_numpy(float)
    stride = steps["stride_time_s"].to_numpy(float)
    stride = np.where(np.isfinite(stride), stride, 2.0 * steps["step_time_s"].to_numpy(float))
    stride = np.where(np.isfinite(stride), np.clip(stride, 0.0, 2.5), 1.1)
    # a hole overlaps [t − stride, t + stride] when it starts before that ends and ends after it starts; the holes
    # come in time order (fed in order), so two searches per step
    first_ending_after = np.searchsorted(t1, t - stride, side="right")
    last_starting_before = np.searchsorted(t0, t + stride, side="left")
    return last_starting_before > first_ending_after


def _timing_blind_for_flags(steps: pd.DataFrame, rate_hz: float) -> pd.DataFrame:
    """The steps as the rules see them under :data:`TIMING_MIN_RATE_HZ`: what the summary does not give, the rules
    do not judge, and cadence is read as the summary reads it there.

    - a running step's stride time (hence the stride-time CV) and regularity: the summary withholds a run's
      variability at this rate, yet 'pace too fast' was raised from it (a steady 165-spm run at 20 Hz with clock
      jitter: CV 5.6 % over the 5 % limit; benchmarks/rates.py, s40);
    - under :data:`WALK_STRIDE_CV_MIN_RATE_HZ` a walking step's stride time as well (an even 98-spm walk at 20 Hz was
      'pace too fast' from a 3.0 % CV, review s40);
    - cadence over a span of CADENCE_SPAN_STRIDES strides centred on the step (single-stride where the bout is too
      short): single strides take two or three values at this rate and their rolling median lands on one — the same
      run read 162 spm, under the runners' 164-spm limit, and was 'over-striding' for 51 of its 60 s."""
    steps = steps.copy()
    ran = steps["gait"].to_numpy() == "run"
    for k in LOST_SPAN_BLIND:
        if k in steps:
            steps[k] = np.where(ran, np.nan, steps[k].to_numpy(float))
    if rate_below_limit(rate_hz, WALK_STRIDE_CV_MIN_RATE_HZ) and "stride_time_s" in steps:
        # a walk's stride time too (its CV, hence 'pace too fast' from it), where the summary withholds its CV
        steps["stride_time_s"] = np.nan
    steps["cadence_spm"] = centred_span_cadence_spm(steps)
    return steps


def centred_span_cadence_spm(steps: pd.DataFrame) -> np.ndarray:
    """Per step: the cadence over :data:`CADENCE_SPAN_STRIDES` strides centred on it, within its bout
    (:func:`imu_gait.bouts.span_cadence_spm`), its own ``cadence_spm`` where the bout has no such span around it —
    what the rules and the report's per-step figures read under :data:`TIMING_MIN_RATE_HZ`. Steps in time order."""
    half = CADENCE_SPAN_STRIDES          # a span of k strides is 2k contacts: its centre lies k contacts on
    forward = span_cadence_spm(steps["time_s"].to_numpy(float), steps["bout"].to_numpy(), CADENCE_SPAN_STRIDES)
    centred = np.full(forward.size, np.nan)
    if forward.size > half:                          # (fewer steps than half a span: single strides throughout)
        centred[half:] = forward[:forward.size - half]
    single = steps["cadence_spm"].to_numpy(float)
    return np.where(np.isfinite(centred) & np.isfinite(single), centred, single)


def asymmetry_blind_gaits(rate_hz: float) -> tuple[str, ...]:
    """The gaits whose left/right step-time asymmetry is not given at this input rate — in the summary as in the
    rules (:func:`imu_gait.strain.evaluate_flags`), its timeline and plot: a run's under :data:`TIMING_MIN_RATE_HZ`,
    a walk's under :data:`WALK_ASYMMETRY_MIN_RATE_HZ`. The rules judged it there while the summary withheld it: an
    even 20-Hz walk at 126 spm was 'asymmetric (moderate), 8.0 %', even 160/185-spm runs at 20 Hz 7.7–10.9 %
    (review s40 HIGH 2)."""
    if not rate_below_limit(rate_hz, TIMING_MIN_RATE_HZ):    # (also a rate not yet known, NaN: nothing withheld)
        return ()
    return ("walk", "run") if rate_below_limit(rate_hz, WALK_ASYMMETRY_MIN_RATE_HZ) else ("run",)


#: the step columns a backwards step keeps for the flag rules (the others are blanked: :func:`_backward_steps`)
_BACKWARD_KEPT_COLUMNS = ("time_s", "bout", "gait", "side")


def _backward_steps(steps: pd.DataFrame, stretches: list[tuple[float, float | None]]) -> np.ndarray:
    """Which rows of ``steps`` lie in a stretch walked backwards or sideways (``[(start_s, end_s)]``, end None: to the
    end)."""
    out = np.zeros(len(steps), dtype=bool)
    if not stretches or not len(steps):
        return out
    t = steps["time_s"].to_numpy(float)
    for a, e in stretches:                    # (a few stretches: the rows are compared at once)
        out |= (t >= a) & (t < (np.inf if e is None else e))
    return out


def _evaluate_flags(steps: pd.DataFrame, engine: GaitEngine, fixed_baselines: dict | None = None):
    ctx = engine.context
    lost = _steps_over_lost_samples(steps, engine)
    if lost.any():
        # a host that fell behind (19 % of samples lost in 3 317 holes of 50–260 ms) gave false 'pace too fast'
        # and 'fatigue' cues and flags: contacts and autocorrelations read off interpolated samples vary by
        # themselves (live-long audit s34 F2). Those steps do not speak for the timing's variability
        steps = steps.copy()
        for k in LOST_SPAN_BLIND:
            if k in steps:
                steps[k] = np.where(lost, np.nan, steps[k].to_numpy(float))
    if rate_below_limit(engine._fed_rate_hz, TIMING_MIN_RATE_HZ) and len(steps):
        steps = _timing_blind_for_flags(steps, engine._fed_rate_hz)
    backward = _backward_steps(steps, [(x["start_s"], engine._backward_recut.get(i, x["end_s"]))
                                       for i, x in enumerate(engine._backward)]
                               + [(x["start_s"], x["end_s"]) for x in engine._side_steps])
    if backward.any():
        # walked backwards (retro walking, an exercise): its slower, shorter, stooped steps are not forward walking's
        # form. Left out of every baseline and rule (their metrics blank for the judgement; the steps table keeps
        # them): before (backward2 s43) a 2-min retro stretch in the baseline minutes flagged 'bouncing' and 'trunk
        # twist' marked over the whole forward walk after it, and one after the baseline raised 'guarding' and
        # 'forward lean' with forward-walking advice over the stretch
        steps = steps.copy()
        for k in steps.columns:
            if k not in _BACKWARD_KEPT_COLUMNS and steps[k].dtype.kind == "f":
                steps[k] = np.where(backward, np.nan, steps[k].to_numpy(float))
    flags, tl = evaluate_flags(steps, asymmetry_blind_gaits=asymmetry_blind_gaits(engine._fed_rate_hz),
                               treadmill=ctx["treadmill"], belt_speed_mps=ctx["belt_speed_mps"],
                               incline_pct=ctx["incline_pct"], max_incline_pct=ctx["max_incline_pct"],
                               placement=ctx["placement"], has_gyro=engine.has_gyro, baseline_s=ctx["baseline_s"],
                               fixed_baselines=fixed_baselines, treadmill_schedule=engine.treadmill_schedule,
                               schedule_origin_s=engine._first_t or 0.0, walking_aid=ctx.get("walking_aid"),
                               body_height_m=engine.body_height_m)
    flags = _name_sagged_sensor(flags, engine._sag_walks(), walking_aid=ctx.get("walking_aid"),
                                time_s=steps["time_s"].to_numpy(float), gait=steps["gait"].to_numpy())
    if backward.any():
        tl.attrs["notes"] = list(tl.attrs.get("notes") or []) + [
            f"{int(backward.sum())} steps walked backwards or sideways were left out of the baselines and flags: their form is "
            "not forward walking's (their figures are in the steps table)."]
    if lost.any():
        tl.attrs["notes"] = list(tl.attrs.get("notes") or []) + [
            f"{int(lost.sum())} steps ({100.0 * lost.mean():.0f} %) straddle samples lost in short holes in the data "
            "(bridged by interpolation): stride-time variability, step regularity and fatigue were judged without "
            "them, as timing read off interpolated samples varies by itself."]
    return flags, tl


#: the flags a sensor tilting on the body reads as the walker's posture
SAG_BLIND_METRICS = ("forward_lean_deg", "lean_vs_standing_deg")


def _name_sagged_sensor(flags: list, sag_walks: list[dict[str, float]], *, walking_aid: str | None = None,
                        time_s: np.ndarray | None = None, gait: np.ndarray | None = None) -> list:
    """Lean flags that overlap a walk :meth:`GaitEngine._sag_walks` names, with that named in their cause and
    advice. The lean of a sensor that tilted on the body is the trunk's as far as gravity goes, so the flag stays
    (a walker who hunched and stood bent after looks the same); but a 'strong hunch' saying 'stand tall' beside a
    note that the sensor may have sagged left the walker to reconcile the two (placement audit s41).
    walking_aid, time_s / gait (the steps'): a backpack or a phone is named as the other reading only where
    strain.LOAD_LEAN_CAUSE is said — not with a rollator or at a walking desk, not over a run (most of the flag's
    steps 'run')."""
    if not sag_walks:
        return flags
    out = []
    for f in flags:
        w = next((w for w in sag_walks if f.metric in SAG_BLIND_METRICS
                  and f.start_s <= w["end_s"] and f.end_s >= w["walk_start_s"]), None)
        if w is None:
            out.append(f)
            continue
        way, pose = ("forward", "bent") if w["drift_deg"] > 0 else ("back", "leaning back")
        # a load put on during the walk (a backpack) or a phone looked at bends the standing after it too: the
        # sensor's slip is one reading, the load the other (carry audit s43: a backpack put on mid-walk, kept on
        # standing, read 'this lean is the sensor's, not your posture … fix it and walk again')
        # — with LOAD_LEAN_CAUSE's guards (review A s43: a walking-desk user was told of a backpack and a phone)
        running = False
        if time_s is not None and gait is not None:
            inside = (time_s >= f.start_s) & (time_s <= f.end_s)
            running = 2 * int(np.count_nonzero(gait[inside] == "run")) > int(np.count_nonzero(inside))
        load = (" (a backpack or bag put on during the walk, or looking down at a phone, bends you standing too — "
                "then the lean is the load's or the screen's, and real)"
                if w["drift_deg"] > 0 and walking_aid not in ("rollator", "desk") and not running else "")
        out.append(replace(
            f, cause=f.cause + f" The standing still after this walk sat {abs(w['drift_deg']):.0f}° further {way} than "
                               f"the one before it, and the walk's lean moved {w['rise_deg']:+.0f}° with it: if you did "
                               f"not stand {pose} after the walk{load}, the sensor tilted on the body while you walked (a "
                               "slipping clip, a sagging waistband) and this lean is the sensor's, not your posture.",
            advice=f.advice + " If the sensor may have slipped, fix it firmly in place and walk "
                              "again before changing your posture."))
    return out


#: under TIMING_MIN_RATE_HZ the cadence of the summary and of each bout (the bouts and days tables) is the median over
#: spans of this many strides (one stretch of steps; the summary's per gait too)
CADENCE_SPAN_STRIDES = 8


def _cadence_over_strides_spm(time_s: np.ndarray, bout: np.ndarray, gait: np.ndarray, which: str | None,
                              within: np.ndarray | None = None) -> float:
    """Median of :func:`imu_gait.bouts.span_cadence_spm` over every span of k = :data:`CADENCE_SPAN_STRIDES`
    strides within one stretch (of gait ``which`` at both ends; None: either; and, given ``within`` (bool per
    step), with both ends among those steps: one treadmill stage's); NaN when no stretch is that long."""
    per = span_cadence_spm(time_s, bout, CADENCE_SPAN_STRIDES)
    ok = np.flatnonzero(np.isfinite(per))
    if which is not None:
        ok = ok[(gait[ok] == which) & (gait[ok + 2 * CADENCE_SPAN_STRIDES] == which)]
    if within is not None:
        ok = ok[within[ok] & within[ok + 2 * CADENCE_SPAN_STRIDES]]
    return float(np.median(per[ok])) if ok.size else float("nan")


def low_rate_warning(rate_hz: float, *, running: bool, walking: bool = True) -> str:
    """The note for a recording sampled under :data:`TIMING_MIN_RATE_HZ`: what is not given, why, what to do.
    ``running`` / ``walking``: whether the recording has a stretch of running / of walking — the figures named are
    those of its gaits (benchmarks/rates.py, 20–30 Hz: impact read 20–42 % low running, 6–15 % walking; a run's
    contact time +10 to +30 ms; ground contact is measured on running steps only)."""
    if not running:
        withheld = (f"impact is not measured below {TIMING_MIN_RATE_HZ:.0f} Hz (a landing's impact peak falls "
                    "between samples at this rate: it reads 6–15 % low walking)")
    else:
        low = "20–40 % low running, 6–15 % walking" if walking else "20–40 % low"
        withheld = (f"impact and ground-contact time are not measured below {TIMING_MIN_RATE_HZ:.0f} Hz (a running "
                    "landing's impact peak lasts 25–50 ms, one sample or none at this rate, "
                    f"and a contact's start and end are read {1000.0 / rate_hz:.0f} ms apart: impact reads {low}, "
                    "a run's contact time +10 to +30 ms)")
    return (f"sampled at {rate_hz:.3g} Hz: {withheld}"
            + ("; nor are a run's stride-time variability, step-time asymmetry, contact-time balance and step "
               "regularity (at this rate a running contact is timed to about ±" f"{500.0 / rate_hz:.0f} ms and "
               "its landing caught at a different moment each step, which reads a steady run as irregular)"
               if running else "")
            + (f"; nor is a walk's step-time asymmetry below {WALK_ASYMMETRY_MIN_RATE_HZ:.0f} Hz (each contact "
               "falls on the nearest sample, and at some cadences one foot's steps come out a sample longer more "
               "often than the other's: an even walk read up to 3 points asymmetric)"
               if walking and rate_below_limit(rate_hz, WALK_ASYMMETRY_MIN_RATE_HZ) else "")
            + ("; nor is a walk's stride-time variability below 26 Hz (a stride is "
               "timed to whole samples, and at some cadences it comes out a sample long or short by turns: an "
               "even walk's stride-time CV read up to 5.3 points high at 20 Hz, 1.4 at 25)"
               if walking and rate_below_limit(rate_hz, WALK_STRIDE_CV_MIN_RATE_HZ) else "")
            + ". Steps, cadence, bounce, lean, sway and twist hold; record at 50 Hz or more (a Polar H10: 50, 100 "
              "or 200 Hz) for the rest")


@_known_keywords
def analyze(recording: Recording, *, belt_speed_mps: float | None = None, incline_pct: float | None = None,
            treadmill: bool = False, sensor_height_m: float | None = None, placement: str | None = None,
            max_incline_pct: float | None = None, baseline_s: float = 180.0,
            treadmill_schedule: TreadmillSchedule | None = None, body_height_m: float | None = None,
            progress: Callable[[float], None] | None = None, chunk_s: float = 300.0,
            valid_day_worn_h: float = VALID_DAY_WORN_H, params: StepParams | None = None,
            walking_aid: str | None = None) -> AnalysisResult:
    """Analyse a whole recording (the engine fed chunk by chunk, exactly as in live mode).

    Parameters
    ----------
    recording : from :func:`imu_gait.read` or built by hand (SI units, gravity included).
    belt_speed_mps, incline_pct, treadmill : treadmill context (exact step length; incline cues).
    treadmill_schedule : belt speed / incline that change during the walk
        (:class:`~imu_gait.treadmill.TreadmillSchedule`; stage times are elapsed seconds since
        the recording's first sample); instead of ``belt_speed_mps`` / ``incline_pct``.
    sensor_height_m : sensor height above the floor, m, for the pendulum step length — for a chest sensor
        give the height of the lower back (the model's pendulum is the pelvis: a chest strap's own height
        overstates step length by ~8 %: a strap at ~0.71 × body height, a lower back at ~0.61 ×).
    body_height_m : the walker's height, m: the sensor height when it is not given (× 0.61), and the adult cadence
        bounds and runners' bounce limit scaled for it (see :class:`GaitEngine`).
    placement : where the sensor sat — "lower_back", "chest", or "pocket" (any off-trunk place: steps
        and cadence only, plus step length and speed from a belt speed); free text is understood ("back_trouser_pocket", "sternum",
        "belt"); defaults to the recording's metadata. ``summary["placement_kind"]`` says how it was read.
    max_incline_pct : the walker's own maximum treadmill incline, %: an entered incline above it is flagged.
    baseline_s : seconds of walking (per gait) that form the personal baseline the flags compare with
        (default 180; 60 s or more — less is refused, as by --baseline; clipped to 300 s and to half the walking
        time; where half the walking is under 60 s the flags use general limits).
    progress : optional callable receiving the fraction done (0..1).
    valid_day_worn_h : hours a calendar day must be worn to count in the figures per day (``result.days``,
        ``summary["days"]``; default 10, the usual accelerometry criterion; 0.5–24).
    chunk_s : seconds of samples per engine call. Results do not depend on it (the engine is
        chunk-invariant); 300 s keeps memory flat (a few MB per chunk) while the per-call
        overhead stays small (60 s chunks cost ~15 % more time per hour of data).
    params : the step detector's settings (:class:`~imu_gait.dsp.steps.StepParams`), for experiments; the
        defaults when None. Settings that differ from the defaults are named in the result's warnings.
    walking_aid : the aid walked with the whole recording — ``"rollator"`` (a wheeled walker, or a stroller or
        trolley pushed with both hands), ``"cane"`` (a stick or one crutch), ``"poles"`` (Nordic walking) or ``"desk"`` (a treadmill desk or a
        walking pad under a desk, the hands on the keyboard or desk; implies ``treadmill``); None: none. The flags then read the aid's own pattern as the aid's (README, "Walking aids");
        ``summary["walking_aid"]`` says which was given.

    Returns an :class:`~imu_gait.result.AnalysisResult`. Raises :class:`~imu_gait.errors.RecordingError`
    for data that cannot be trusted and :class:`ArgumentError` (an :class:`~imu_gait.errors.ImuGaitError`)
    for an argument that cannot be right (a height in cm, an unknown keyword, a placement not understood).
    """
    if not isinstance(recording, Recording):
        hint = ("read it first: imu_gait.analyze(imu_gait.read(path))" if isinstance(recording, (str, os.PathLike))
                else "build one: imu_gait.Recording(time_s, acc_mps2, gyro_rads) — s, m/s² with gravity, rad/s")
        raise ArgumentError(f"analyze() takes a Recording, not {type(recording).__name__}\n  What to do: {hint}")
    _check_context(belt_speed_mps=belt_speed_mps, incline_pct=incline_pct, sensor_height_m=sensor_height_m,
                   body_height_m=body_height_m, max_incline_pct=max_incline_pct, baseline_s=baseline_s,
                   placement=placement, treadmill_schedule=treadmill_schedule, valid_day_worn_h=valid_day_worn_h,
                   walking_aid=walking_aid)
    if placement and placement_kind(placement) == "unknown":
        raise ArgumentError(f"placement={placement!r} is not understood\n  What to do: give 'lower_back', 'chest' "
                            "or 'pocket' (free text naming one works too: 'sternum', 'back_trouser_pocket')")
    _number("chunk_s", chunk_s, unit="s", none_ok=False, positive=True)
    _check_params(params)
    if progress is not None and not callable(progress):
        raise ArgumentError(f"progress must be a function taking the fraction done (0..1), not "
                            f"{type(progress).__name__}")
    rec = recording if recording.is_validated else recording.validated()
    meta = rec.meta
    placement_given = placement
    if walking_aid is None and meta.get("walking_aid"):
        # the aid a live session was given, written into its recording's header: analysing the file again judges
        # it the same way (review s39 M2); walking_aid='none' sets it aside
        walking_aid = str(meta["walking_aid"])
        try:
            walking_aid_name(walking_aid)
        except ValueError:
            raise ArgumentError(f"{rec.source}: its metadata says walking_aid {walking_aid!r}, which the flag rules "
                                f"do not know\n  What to do: give the aid for this walk — --walking-aid "
                                f"{'|'.join(WALKING_AIDS)}|none (walking_aid=… in Python) — or correct the "
                                "'# walking_aid:' line") from None
    if sensor_height_m is None and body_height_m is None:
        # the recording's own heights only when the caller gave neither: a --height typed for this walk
        # was silently overruled by a sensor height stored in the file
        sensor_height_m = _float_or_none(meta.get("sensor_height_m"))
        body_height_m = _float_or_none(meta.get("height_m"))
        height_note = None
    else:
        stored = _float_or_none(meta.get("sensor_height_m"))
        # the caller's height wins, but a measured one in the file set aside without a word looked like a bug
        height_note = stored_height_note(stored) if stored is not None and sensor_height_m is None else None
    placement = placement or meta.get("placement")
    # a placement given as an argument is refused when not understood; one in the metadata (a file's header, a
    # Recording built by hand with meta={"placement": "pockt"}), silently a trunk sensor before, is named in the
    # engine's placement note (API audit s37)
    eng = GaitEngine(rec.sample_rate_hz, has_gyro=rec.has_gyro, belt_speed_mps=belt_speed_mps,
                     incline_pct=incline_pct, treadmill=treadmill, sensor_height_m=sensor_height_m,
                     placement=placement, max_incline_pct=max_incline_pct, baseline_s=baseline_s,
                     treadmill_schedule=treadmill_schedule, body_height_m=body_height_m,
                     valid_day_worn_h=valid_day_worn_h, params=params, walking_aid=walking_aid)
    eng.emit_rows = False      # nobody listens to per-row updates offline
    t = rec.time_s
    n = t.size
    bounds = np.searchsorted(t, np.arange(t[0], t[-1] + chunk_s, chunk_s))
    bounds = np.unique(np.concatenate([bounds, [n]]))
    start = 0
    for stop in bounds[1:]:
        eng.feed(t[start:stop], rec.acc_mps2[start:stop], None if rec.gyro_rads is None else rec.gyro_rads[start:stop])
        start = stop
        if progress is not None:
            progress(stop / n)
    res = eng.finish(clock=recording_clock(meta))
    if rec.has_gyro and len(res.steps):
        mismatch, note, pitch_only = gyro_mapping_verdict(
            rec, res.steps, off_trunk=res.summary.get("placement_kind") == "off_trunk",
            rhythmic_spans_s=[(x["start_s"], x["end_s"]) for x in eng._unalternating])
        if note is not None:            # the whole analysis again, without the gyroscope
            res = analyze(replace(rec, gyro_rads=None, warnings=[*rec.warnings, note]),
                          belt_speed_mps=belt_speed_mps, incline_pct=incline_pct, treadmill=treadmill,
                          sensor_height_m=sensor_height_m, placement=placement_given, max_incline_pct=max_incline_pct,
                          baseline_s=baseline_s, treadmill_schedule=treadmill_schedule, body_height_m=body_height_m,
                          progress=None, chunk_s=chunk_s, valid_day_worn_h=valid_day_worn_h, params=params,
                          walking_aid=walking_aid)
            res.summary["gyro_axis_mismatch"] = mismatch
            return res
        res.summary["gyro_axis_mismatch"] = mismatch
        if "generic" in (meta.get("format"), meta.get("source_format")) \
                and res.summary.get("placement_kind") != "off_trunk":
            # columns the user mapped, and nothing in the walk could check them (a straight lab or treadmill
            # walk): a swapped pair reads twist 2° for 10°, a sign error doubles sway — say it was not checked;
            # or only the rhythm could, which does not see the vertical and forward columns swapped
            if not np.isfinite(mismatch):
                res.warnings.append(GYRO_UNCHECKED_NOTE)
            elif pitch_only:
                res.warnings.append(GYRO_PITCH_ONLY_NOTE)
    res.summary.update({"source": rec.source, "sample_rate_hz": round(rec.sample_rate_hz, 3),
                        "placement": placement or "unknown", "n_samples": rec.n_samples,
                        # when the file says when it started (a native '# start_time:'): the clock the days use,
                        # as docs/json.md promises; a reader's own start_unix_s / start_time_iso are kept
                        **clock_summary(meta)})
    res.warnings = (list(rec.warnings) + res.warnings + ([height_note] if height_note else []))
    _note_saturation(res, rec)
    return res


def _note_saturation(res: AnalysisResult, rec: Recording) -> None:
    """``summary["saturation"]``, and each clipped sensor's reading-time warning worded again with the share of
    steps it touched (audit s36: clipping was free text only, and a gyroscope's not even that)."""
    sat, texts = saturation(rec, res.steps)
    res.summary["saturation"] = sat
    for sensor, text in texts.items():
        at = [i for i, w in enumerate(res.warnings) if w.startswith(CLIPPED_PREFIX[sensor])]
        if at:
            res.warnings[at[0]] = text
            res.warnings = [w for i, w in enumerate(res.warnings) if i not in at[1:]]
        else:
            res.warnings.append(text)


def stored_height_note(stored_m: float) -> str:
    """Said when the file's own sensor height is set aside for the walker's height given for this walk."""
    return (f"the sensor height stored in the file ({stored_m:.2f} m) was not used: the height given for this walk "
            "was used instead (leave --height / body_height_m= out to use the file's)")


#: the regularity at the mean step / stride lag itself (dsp.metrics.regularity), kept with the step rows for
#: the aperiodic walk test (its bar was set on it); not part of the steps table
_AT_LAG = ("_step_regularity_at_lag", "_stride_regularity_at_lag", "_symmetry_ratio")


#: how the note on a gyroscope left out for its axes begins (a replay finds it in analyze's warnings)
GYRO_LEFT_OUT_NOTE_START = "the gyroscope's axes do not match the accelerometer's"

#: said when the gyro columns were picked by hand (the generic reader) and the walk held nothing to check
#: them by (no turns, no bending or sitting, no clear rhythm: benchmarks/gyro_check.py)
GYRO_UNCHECKED_NOTE = ("the gyroscope's column mapping could not be checked against the accelerometer (the "
                       "recording has no turns while walking, no bending, sitting down or standing up, and no "
                       "clear pitching rhythm): trunk twist, pelvic drop and sway are right only if gyro x, y, z "
                       "are the rotations about acc x, y, z, right-handed — with two columns swapped, twist reads "
                       "far too small; check --gyro-cols")


#: said when the gyro columns were picked by hand and only the walking rhythm could check them: it finds the
#: axis the trunk pitches about, not a swap of the other two (a straight walk with gyro x and z swapped:
#: twist 3.9° for 10°, pelvic drop 7.0° for 4.0°, sway 8.2 cm for 3.0, mismatch 0.001)
GYRO_PITCH_ONLY_NOTE = ("the gyroscope's column mapping could be checked only in part (the recording has no turns "
                        "while walking and no bending, sitting down or standing up; the walking rhythm shows the "
                        "axis the trunk pitches about, and it matched): the vertical and forward columns swapped, "
                        "or either one's sign reversed, would not be seen — trunk twist would then read too small "
                        "and pelvic drop and sway too large; check --gyro-cols (a short turn on the spot while "
                        "recording lets imu_gait check them)")


def gyro_mapping_verdict(rec: Recording, steps: pd.DataFrame, *, off_trunk: bool = False,
                         rhythmic_spans_s: Sequence[tuple[float, float]] = ()) -> tuple[float, str | None, bool]:
    """(``gyro_axis_mismatch`` for the summary — rounded, NaN when not judged —, the note to give
    when the gyroscope is to be left out, else None, and whether only the pitch axis could be judged:
    :attr:`~.dsp.gyro_check.GyroAxisCheck.pitch_axis_only`) for a validated recording with a gyro and the
    steps found with it (their walking stretches, and the time away from them, are where it is judged:
    :mod:`.dsp.gyro_check`). off_trunk: the sensor is not on the trunk (a pocket): its rotations do not
    have the trunk's rhythm, which is then not judged. rhythmic_spans_s: stretches of rhythmic motion taken back as
    not walking (wheelchair pushing: GaitEngine._retract_if_unalternating), not judged as tilting either — the
    chair's surge at each push tilts the accelerometer's 'up' as the trunk's pitch does not (a push then a walk read
    mismatch 0.65 and lost the gyroscope, and with it the check that had taken the pushes back: audit wheel s43)."""
    t = steps["time_s"].to_numpy(float)
    walk = steps["gait"].to_numpy() == "walk" if "gait" in steps else np.ones(t.size, bool)
    # tilting is judged away from all gait, running included: each bout's first and last contact
    bout = steps["bout"].to_numpy()
    change = bout[1:] != bout[:-1]
    bouts = np.column_stack([t[np.r_[True, change]], t[np.r_[change, True]]])
    if len(rhythmic_spans_s):
        bouts = np.vstack([bouts, np.asarray(rhythmic_spans_s, float).reshape(-1, 2)])
        bouts = bouts[np.argsort(bouts[:, 0], kind="stable")]
    check = gyro_axis_mismatch(rec.time_s, rec.acc_mps2, rec.gyro_rads, rec.sample_rate_hz, walking_spans_s(steps),
                               bouts, None if off_trunk else t[walk])
    if not check.judged:
        return float("nan"), None, False
    mismatch = round(check.mismatch, 3)
    if not check.wrong:
        return mismatch, None, check.pitch_axis_only
    # a gyroscope on other axes than the accelerometer makes 'up' wrong between steps. Without it
    # (HA/001 daily, x ↔ z swapped): steps 95 instead of 74 of 97, lean −3.5° instead of −12° (+3.1° with
    # the right gyro) — but sway 11.7 cm, not better than the wrong gyro's 9.2 (6.0): said in the note
    # turns show the vertical rate on a wrong axis; bending, sitting down and standing up a horizontal
    # axis reversed or two swapped; the walking rhythm two axes swapped (benchmarks/gyro_check.py; a
    # missed swap moved pelvic drop by a median 0.8°, sway 0.9 cm, a vertical rate on a horizontal axis 1.5° and
    # 1.5 cm: benchmarks/gyro_harm.py, rerun 2026-12-06)
    kind = check.evidence_kind
    seen = (f"the axis it pitched about at each step was {90 * check.rhythm_mismatch:.0f}° from the "
            "accelerometer's side-to-side axis" if kind == "rhythm" else
            "its rotation was not the one the accelerometer saw")
    what = {"turns": "the rate about the vertical on a wrong axis?",
            "tilting": "an axis reversed (a sign) or two axes swapped?",
            "rhythm": "two axes swapped?"}[kind]
    note = (f"{GYRO_LEFT_OUT_NOTE_START}: over {check.evidence} {seen} (mismatch {mismatch:.2f}; real "
            f"recordings with a matching gyro: ≤ {MATCHING_MAX_BY_KIND[kind]:.2f}) — {what} Are the gyro "
            "columns in the acceleration columns' order and sense (gyro x = rotation about acc x, "
            "right-handed)? Analysed without the gyroscope "
            "(left out): trunk twist and pelvic drop not measured, and lean and sway from the accelerometer "
            "alone are less certain; check --gyro-cols and run again"
            + ("" if kind != "tilting" else " (a reversed axis has to be negated in the file: --gyro-cols only "
               "picks and orders columns)"))
    return mismatch, note, check.pitch_axis_only


def walking_spans_s(steps: pd.DataFrame) -> np.ndarray:
    """(B, 2) first and last contact time, s, of each run of consecutive *walking* steps within a
    bout, in time order (running left out: see :mod:`imu_gait.dsp.gyro_check`)."""
    if not len(steps):
        return np.empty((0, 2))
    t = steps["time_s"].to_numpy(float)
    bout = steps["bout"].to_numpy()
    walk = (steps["gait"].to_numpy() == "walk") if "gait" in steps else np.ones(t.size, bool)
    # a new run where the bout changes or walking starts again after running
    new = np.r_[True, (bout[1:] != bout[:-1]) | (walk[1:] & ~walk[:-1])]
    run_id = np.cumsum(new)
    ids = run_id[walk]
    if not ids.size:
        return np.empty((0, 2))
    tw = t[walk]
    first = np.r_[True, ids[1:] != ids[:-1]]
    last = np.r_[ids[1:] != ids[:-1], True]
    return np.column_stack([tw[first], tw[last]])


def _same_position(up_a: np.ndarray, up_b: np.ndarray) -> bool:
    """Two walks' unit 'up' vectors within ``SHORT_WALK_POOL_MAX_UP_DEG``: the sensor was not put back
    differently between them."""
    return float(up_a @ up_b) >= math.cos(math.radians(SHORT_WALK_POOL_MAX_UP_DEG))


def _signed_angle_deg(a: np.ndarray, b: np.ndarray, axis: np.ndarray) -> float:
    """Angle from unit vector a to b about the unit ``axis`` (degrees, right-handed, −180…180)."""
    return float(np.degrees(np.arctan2(np.cross(a, b).dot(axis), a.dot(b))))


def _float_or_none(v) -> float | None:
    try:
        return float(v)
    except (TypeError, ValueError):
        return None
