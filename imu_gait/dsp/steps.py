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

import math
import numbers
from bisect import bisect_left, insort
from dataclasses import dataclass, field, fields
from operator import sub

import numpy as np
from scipy.ndimage import maximum_filter1d, minimum_filter1d

from ..errors import ArgumentError
from .segments import clip


@dataclass
class StepParams:
    """The step detector's and the walk checks' settings, for experiments: the defaults are what every
    benchmark and result of imu_gait uses. Each field's unit is in its name (s, m/s², cm, deg, spm) or it is
    a ratio or a count; the comments in the source give the evidence each was set on.

    Change a few and pass them to an analysis; the result's warnings name the settings that differ from the
    defaults (a JSON made with them says so)::

        from dataclasses import asdict, replace
        params = StepParams(min_prominence_mps2=0.2)            # or replace(StepParams(), …)
        res = imu_gait.analyze(rec, params=params)              # or GaitEngine(fs_hz, params=params)
        asdict(params)                                          # every setting by name; params.changed(): the others

    A misspelt field is a TypeError naming it (as for any dataclass); a value that is not a number (a whole
    number for the counts; ±inf turns a bar off, as the tests do) is an :class:`~imu_gait.errors.ArgumentError`.
    """

    peak_halfwidth_s: float = 0.12     # a candidate is the max within ± this
    prominence_window_s: float = 0.40  # rise measured from the lowest value this far back
    min_prominence_mps2: float = 0.15  # smallest rise that can be a step inside a bout (m/s²)
    start_prominence_mps2: float = 0.35  # every step that starts a bout rises at least this
    min_relative_prominence: float = 0.25  # in a bout: at least this × the bout's median rise
    on_rhythm_relative_prominence: float = 0.08  # … or this, when the step lands on the rhythm
    on_rhythm_tolerance: float = 0.2   # |step − expected| / expected for 'on the rhythm'
    # The last step when stopping comes late as well as soft: the walk slows into it. On the IPOL walks
    # 20 of 58 trials ended with their last one or two contacts missed, their candidates (contact 0–110 ms
    # from the foot sensor's) rising 0.09–0.24× the median 0.64–0.69 s after a normal step — one step or
    # a little more, but off the same-foot expectation. A soft candidate 1 to 1 + on_rhythm_tolerance
    # steps after a step that was not soft itself is such a 'stop' step; after it no soft candidate gets
    # the on-rhythm floor (the trunk settling after the stop rises as little, at a step's interval).
    hold_relative_prominence: float = 0.5       # an accepted step rising less than this × median
                                                # is held until a stronger rival can no longer come
    # Turns (needs a gyroscope: without one the turning rate is 0 and nothing below applies). A pivot
    # step loads the trunk far less than a straight one: the IPOL U-turn steps the acceptor called
    # wobbles rose 0.06–0.22× the bout's median (0.4–0.9 m/s²), under the 0.25× a step needs off the
    # rhythm, and the rhythm itself breaks (benchmarks/turn_steps.py: 14 of the 31 U-turn misses)
    turn_rate_dps: float = 75.0        # turning: |mean rate about the vertical| from turn_back_s before
    turn_back_s: float = 0.8           # the candidate's peak to turn_ahead_s after it at least this (IPOL:
    turn_ahead_s: float = 0.1          # steps outside the U-turns median 4 °/s, 0.9 % ≥ 75; the candidates
    # at missed U-turn contacts 40–171 °/s, 24 of 33 ≥ 75)
    turn_relative_prominence: float = 0.08  # in a turn a candidate ≥ turn_min_step × the bout's step
    turn_min_step: float = 0.6              # after the last step and rising ≥ turn_min_rise_mps2 needs
    turn_min_rise_mps2: float = 0.5         # only this × the median rise (the on-rhythm floor). The
    # absolute bar keeps out the shuffles of turning on the spot (0.2 m/s² on mobgap HA/002 after its walk)
    # The sensor in the hand: turned over while being put on (or taken off) it jolts at a step's pace, and
    # a walk could start on it (GaitPy's GENEActiv demo: 8 'steps' while gravity moved from one axis to
    # the opposite one, 10.7–17.8 s). A worn trunk does not tilt that fast: 'up' turned at most 42.7° (with
    # a gyroscope) / 45.7° (without) from handling_back_s before a reference-matched step to
    # handling_ahead_s after it (IPOL, Mobilise-D, Oxford pockets and neck pouches; most ≤ 15°). A candidate
    # with 'up' turned ≥ handling_tilt_deg is no step, ends the walk and the run towards one.
    handling_tilt_deg: float = 60.0
    handling_back_s: float = 0.8
    handling_ahead_s: float = 0.1
    half_rhythm_min_step_s: float = 0.8         # when the 'step' is this slow (< 75 spm) …
    half_rhythm_tolerance: float = 0.2          # … a candidate at ½ step (± this) …
    half_rhythm_relative_prominence: float = 0.5  # … rising ≥ this × median is a missed step
    half_rhythm_regularity: float = 0.45        # … and at any step time when the signal repeats at
    # ½ step this well (s4 autocorrelation over the last steps): the bout locked onto strides, as
    # after a quick walk → run change (the running stride ≈ the walking step). Tuned: the re-locks
    # happened at 0.56 (adeptdata hip sprint) and 0.50–0.83 (synthetic walk → run); ½-step
    # candidates during walking on adeptdata gave −0.53 … −0.22 (anti-phase). A one-sided sensor with
    # a landing's impact peak (synthetic hip run, side_load 0.3) repeats at ½ step only 0.46–0.49 and
    # its other foot rises 0.49–0.52× the locked foot's: at 0.5 / 0.5 it stayed locked 8–28 s (15–40
    # contacts missed). Not lower: at 0.40 a candidate 0.3 s early at the adeptdata sprint's start
    # was taken and locked that bout onto strides for 5 s (84 of its 89 steps in 1380–1410 s, not 88)
    half_rhythm_repeat_prominence: float = 0.4  # … rising ≥ this × median when it also repeats so (a slow
    # step's halfway candidate, without that evidence, must rise half_rhythm_relative_prominence)
    start_relative_prominence: float = 0.36  # starting run: each rise ≥ this × the run's median
    # (the weight shift before the first step rises 0.07–0.39× a real step on the IPOL walks)
    first_step_min_ratio: float = 0.8  # a bout's first step lasts ≥ this × the steady step:
    # from standing the first step is as slow as a steady one or slower (0.83–1.26× on IPOL /
    # mobgap), whereas the weight shift before it comes 0.55–0.8× a step ahead of it
    ic_search_s: float = 0.25          # contact = steepest rise within this before the peak
    # A sensor loosely coupled to the body (a phone in a neck pouch or a pocket) often rises twice before
    # the 4 Hz peak: once out of the trough, once into the peak. The steepest of the two flipped from one
    # to the other step by step (Oxford neck pouches: contacts 20–240 ms before the peak, pad-relative
    # timing bimodal). There the contact is the *last* rise at least this × the steepest, for everything the
    # engine measures (declared chest or off-trunk placement only: elsewhere the engine keeps the steepest
    # rise and only reports the contact later, see report_rise_ratio — IPOL foot-IMU truth lost 6 U-turn
    # contacts with this rule applied throughout). 0 = always the steepest.
    # Accelerometer only: with a gyroscope the walk's forward axis is calibrated on contact-locked evidence
    # set on the steepest rise, and the later contacts turned it round (Mobilise-D forced to this rule: 9 %
    # of steps measured about a reversed axis, none before; without the gyroscope 0 % either way).
    loose_last_rise_ratio: float = 0.5
    # Elsewhere (lower back, unknown placement, or any mount with a gyroscope) the contact is *reported*
    # at the last rise ≥ report_rise_ratio × the steepest that follows it without the slope falling below
    # −report_dip_ratio × the steepest in between (one rise in two stages, not two events), while the
    # engine keeps the steepest rise for everything it measures about the step (its windows, the forward
    # axis, the posture checks, the acceptor's rhythm): moved with it, the gyro forward axis turned round
    # on a Mobilise-D daily recording. 0 = report the steepest rise. Not while the trunk turns faster than
    # report_max_turn_dps about the vertical (gyroscope only): in IPOL's U-turns the later rise missed the
    # foot contact (U-turn F1 0.823 → 0.804; straight walking unchanged).
    report_rise_ratio: float = 0.5
    report_dip_ratio: float = 0.5
    report_max_turn_dps: float = 30.0
    alternating_steps: int = 6         # contact lags alternating between feet over this many steps …
    alternating_lag_s: float = 0.03    # … by more than this each side of their median: use the median
    # On a loose mount (StepAcceptor(loose=True): the engine's last-rise rule in force) the lag still
    # jumps between the two rises on some steps while the 4 Hz peaks stay even (Oxford Pixel neck pouches:
    # 0.04–0.06 s or 0.14–0.25 s, a short step then a long one). When a step's lag differs from the
    # previous one's by more than alternating_lag_s and the last alternating_steps lags spread over more
    # than this, the contact is the peak minus their median lag. Oxford neck pouches told the placement:
    # step F1 0.949 → 0.984, pockets unchanged (0.982 / 0.950); at the lower back it cost IPOL F1 0.002
    # and Mobilise-D stride length 7 mm, so it is for loose mounts only.
    loose_lag_spread_s: float = 0.1
    ic_offset_s: float = -0.01         # systematic offset of the steepest rise vs the true contact
    min_step_s: float = 0.25           # 240 steps/min
    max_step_s: float = 1.40           # ~43 steps/min
    min_bout_steps: int = 4            # steady candidates needed to start a bout
    start_regularity: float = 0.15      # stride-lag autocorrelation needed to start a bout
    rhythm_tolerance: float = 0.35     # |step − median| / median allowed while in a bout
    start_tolerance: float = 0.25      # tighter when starting a bout
    end_after_steps: float = 2.5       # bout ends after this many step times without a step
    # Sitting down at a walk's end (applied by the engine once a bout has closed, not by the acceptor: it
    # needs samples after the step). Stopping, turning and sitting down still loads the trunk in a step's
    # rhythm, so the acceptor kept walks open up to 9 s past their end (benchmarks/false_steps.py: 46 of the
    # 53 false steps on the Mobilise-D daily recordings). The evidence is the posture after the step: a trunk
    # reclined ≥ 10° behind the walk's own posture 1.5 s later is seated (seated there: +12 … +24°; the
    # 89 INDIP-confirmed steps: ≤ +7.5°). A causal version (posture at the candidate) cost real steps
    # (mobgap F1 0.869 → 0.864), so this looks ahead and retracts steps already reported.
    seated_recline_deg: float = 10.0   # a walk's trailing steps reclined this far (or more) are retracted
    seated_after_s: float = 1.5        # … judged on the mean 'up' over seated_window_s centred this long after
    seated_window_s: float = 0.5       # the contact (the benchmark's evidence: 0.5 s smoothing, +1.5 s);
    # without a gyroscope GravityTracker.lag_s later (the accelerometer's low-pass shows the posture late)
    seated_min_after_s: float = 1.0    # recording (or segment) ending sooner: the window is its last
    # seated_window_s, if that starts ≥ this after the contact; else the step is kept (no evidence)
    posture_ref_steps: int = 16        # the walk's own posture: median 'up' (0.5 s before each contact) over
    # its first steps — a reclined or bent tail (up to 17 of a bout's 26 steps in HA002) does not move it
    seated_max_spread_deg: float = 3.0  # … and settled there: 'up' within the window spread ≤ this (RMS
    # angle from its mean; the seated trunks of the steps taken back on mobgap 0.1–1.7°; Oxford's neck pouch
    # swinging after its walk 5.6–8.5°, which cost 4 reference-matched steps)
    seated_min_symmetry: float = 0.65  # … on a sensor loaded alike by both steps (steps so far with a symmetry
    # ≥ this, strain's one-sided bar) — not a trouser pocket — unless the placement is stated (a trunk: checked;
    # a pocket: never)
    seated_min_centred_share: float = 0.25  # … at least this share of the steps so far: pockets 0–8 % (Oxford,
    # 12 back and front pockets), trunks 44–100 % (IPOL, Mobilise-D, Oxford neck pouches, with and without a
    # gyroscope); the former bar of half kept HA002 daily without its gyroscope (44 %, doubled steps) unchecked
    # … and, when the walk set off from a confirmed standing, reclined this far behind that standing too: a
    # walker hunched 15–25° who straightens up on stopping reclines that far behind the walk but stands
    # upright again (≈ 0° behind the standing; synthetic 15–25° hunches lost their last 1–3 steps), while a
    # seat reclines the trunk behind standing as well (Mobilise-D HA001's one walk from a standing: its seated
    # tail 9.0° and 12.0° behind it, 10.1° and 13.2° behind the walk)
    seated_min_recline_vs_standing_deg: float = 6.0
    seated_lookback_s: float = 20.0    # only steps this close to the walk's last one are judged (the longest
    # tail past a reference bout on mobgap: 9 s); the samples they need are always in the engine's 30-s buffer
    # A 'walk' with no rhythm at all (applied by the engine when it closes): a bout starts on a steady rhythm
    # (start_regularity), but may then run on through a household task — jolts at step-like intervals whose
    # vertical acceleration does not repeat at either the step or the stride lag. Gait is periodic; a walk
    # of ≥ aperiodic_min_steps steps whose median step *and* stride regularity are ≤ aperiodic_max_regularity
    # (no positive autocorrelation at either lag) is taken back whole. On the real recordings (IPOL 83
    # walks, Mobilise-D 21, Oxford 22) one walk qualifies: HA002's 26 'steps' bent over a task after INDIP's
    # last walk (−0.12 / −0.10; none INDIP-confirmed). Of the walks of ≥ 16 steps with confirmed steps, the
    # nearest to the bar is HA002's shuffling walk at 29.4–38.5 s with its seated tail (step / stride
    # −0.10 / +0.02, 6 INDIP contacts in its span; a thin margin: with contacts at the last strong rise it
    # read −0.10 / −0.02 and was taken back whole, 2026-12-04), then HA002's walk 6 (0.14 / 0.13, 14 of 16
    # INDIP-confirmed); IPOL's all
    # have step regularity ≥ 0.35; trouser pockets step ≈ 0, stride 0.55–0.90. With a gyroscope only: the
    # same recordings without theirs put a real walk of HA002 (60–68 s, 10 INDIP-confirmed steps, more
    # doubles) at −0.09 / −0.16, and the task split into walks too short for the rule.
    aperiodic_min_steps: int = 16
    aperiodic_max_regularity: float = 0.0
    # A 'walk' no trunk can make (applied by the engine when it closes, with or without a gyroscope, unless the
    # sensor is declared off the trunk): median side-to-side sway > implausible_max_sway_cm or up-and-down
    # bounce > implausible_max_bounce_cm per step. A walking trunk sways ≈ 3–7 cm and bounces ≈ 2.5–5 cm, a
    # running one ≤ ~13 cm (gait-science §3). Largest medians per walk of ≥ 6 steps on the real recordings
    # (IPOL, Mobilise-D, Oxford neck pouches, GaitPy, SciKit-Digital-Health, adeptdata's 25-min run): sway
    # 13.8 cm (a non-trunk 2-min walk), 12.1 cm (GaitPy, 7 steps), 10.5 cm (Mobilise-D HA002 daily); bounce
    # 9.7 cm (running). BROAD's hand-held rig (no walking at all) read 145 'steps' with sway 146 / 69 cm and
    # bounce 16 / 12 cm per walk (audit s34 F1). The whole walk is taken back.
    implausible_max_sway_cm: float = 20.0
    implausible_max_bounce_cm: float = 15.0
    # … running (most of the walk's steps): a synthetic slow jog (124 spm, 0.30 s contacts) read 16 cm and was
    # taken back whole; the hand-held rig is caught by its sway — runs get room up to this
    implausible_max_bounce_run_cm: float = 25.0
    # … and, with a gyroscope, a walking 'walk' whose trunk twists more than this per stride (median): a
    # trunk twists 8–15° walking (gait-science §3); the largest walk medians on IPOL and Mobilise-D (89 walks)
    # are 17.6° (IPOL 4-3, 6 steps) and 16.5°, while SciKit-Digital-Health's 2-min example (a sensor whose
    # gravity direction changes every 10 s, |ω| p95 250–450 °/s per walk against ≤ 172 °/s on the trunk
    # walks) read 22–34° per walk and raised 48° 'forward lean' flags (audit s34 F1). Not for running: no
    # real run with a gyroscope was there to set it.
    implausible_max_twist_deg: float = 20.0
    # … and only when the walk's steps are irregular too (median step regularity below this): a real walker
    # who twists too much keeps a regular rhythm (IPOL walks 0.49–0.85) and must get the 'twisting too much'
    # flag, not lose the walk; the AX6 example's walks read 0.11–0.38 (review s34)
    implausible_twist_max_regularity: float = 0.45
    implausible_min_values: int = 4      # finite sway or bounce values needed to judge
    # A 'walk' with a still trunk (applied by the engine when it closes, with a gyroscope on the trunk): jolts
    # passed up from a vibrating seat or floor (a car, a bus, a treadmill deck) come at step-like intervals and
    # repeat about as well as a weak real walk does (band-limited 1–5 Hz noise of 0.3–1.2 m/s² rms while
    # standing: step regularity 0.12–0.26, 80–110 'steps' a minute), but the trunk does not turn or roll with
    # them: median twist 0.03°, pelvic drop 0.04–0.14°. Every real walk turns and rolls it: of the 94 walks of
    # ≥ 6 steps on IPOL and Mobilise-D (gyroscope), the least twist was 3.1° and the least drop 1.5° (median
    # per walk); handrail gripping halves the twist, it does not stop the pelvis. A walk with both medians at
    # or under these bars is taken back whole.
    still_trunk_max_twist_deg: float = 0.75
    still_trunk_max_drop_deg: float = 1.0
    still_trunk_min_steps: int = 2       # finite twist and drop values needed to judge
    # … and a stretch of a walk (applied by the engine when the walk closes, with a gyroscope on the trunk): this many
    # steps or more in a row, each with twist and pelvic drop at or under the still_trunk bars, are taken back, the rest
    # of the walk kept. Legs trembling at 3–8 Hz while the feet stay put (freezing of gait in Parkinson's disease) shake
    # the trunk by ~1 m/s² while it neither turns nor rolls, and the walk's rhythm slid onto the trembling: a synthetic
    # 10-s freeze between two shuffling walks (twist 5°, drop 2.5°) read 10–30 'steps' at 160–180 spm, each with twist
    # ≤ 0.16° and drop ≤ 0.68° (audit parkinson s44). On the real recordings with a gyroscope (refdata: IPOL, Mobilise-D,
    # Oxford, 70 recordings, with and without their placement stated) not one step has both; a stiff synthetic shuffle
    # (twist and drop built at 1°) keeps every step. A step not measured (a walk's first two have no twist, its last no
    # drop) does not break a stretch, but at most two of one may be such
    still_stretch_min_steps: int = 6
    # … without a gyroscope the same stretch is told by a trunk that neither swayed nor bounced: each step's sway ≤
    # still_stretch_max_sway_cm and bounce ≤ still_stretch_max_bounce_cm. The synthetic freezes without their
    # gyroscope: sway ≤ 0.33 cm, bounce ≤ 0.70 cm a 'step'; a stiff shuffle (1.5 cm sway and 1 cm bounce built) reads
    # ≥ 1.56 / ≥ 0.84 cm. On the 90 refdata recordings analysed without a gyroscope no two steps in a row are under
    # both bars (one step once, an Oxford back pocket). A stronger, slower trembling (3 Hz at 2 m/s² and more) bounces
    # the trunk further and is not caught
    still_stretch_max_sway_cm: float = 0.5
    still_stretch_max_bounce_cm: float = 0.7
    # A long 'walk' whose trunk barely rises and falls (applied by the engine when it closes, with or without a
    # gyroscope, unless the sensor is declared off the trunk): a seated pedaller's pelvis rocks side to side at
    # the pedal rate and the step detector takes each downstroke for a step (a synthetic stationary bike at 80 rpm:
    # 789 'steps' at 160 spm in 5 min, median bounce 0.2 cm; on the road 0.26 cm), but a walking trunk vaults over
    # the stance leg: bounce ≈ 2.5–5 cm (gait-science §3); an inverted pendulum of leg 0.9 m bounces 0.4 cm only
    # at 17-cm steps. Of the 274 walks of ≥ 6 steps on the real recordings (IPOL, Mobilise-D, Oxford, with and
    # without their gyroscopes) the walks of ≥ 16 steps bounce ≥ 0.64 cm (median per walk; an Oxford back
    # pocket, 16 steps; Mobilise-D HA002's day without its gyroscope, 20 steps, 0.68 cm), those of ≥ 30 steps
    # ≥ 3.1 cm; shorter walks go lower (IPOL 10-4, 7 steps: 0.36 cm), hence the length bar. A walk of
    # ≥ flat_min_steps steps with a median bounce under flat_max_bounce_cm is taken back whole, and a note says so.
    flat_max_bounce_cm: float = 0.4
    flat_min_steps: int = 16
    # A long 'walk' whose trunk pitches to a rhythm without alternating left and right (applied by the engine when
    # it closes, with a gyroscope on the trunk): a manual wheelchair user's pushes (both arms together, the trunk
    # pitching 5–20° fore-aft at 0.7–0.9 pushes a second) read as 42–54 'steps' a minute, and the trunk bounces
    # 1–3 cm with them (past the flat-trunk bar), but it hardly rolls, twists or sways: synthetic pushing (0.7–0.9 Hz,
    # 5–20° pitch, audit wheel s43) median pelvic drop 0.11–0.32°, twist 0.76–1.02°, sway 0.37–1.34 cm. Walking
    # rolls the pelvis every step: of the real walks of ≥ 16 steps with a gyroscope (IPOL, Mobilise-D) the least
    # median drop is 4.2°, of every real walk of ≥ 6 steps 1.5° (still_trunk_*), synthetic walking-desk and rollator
    # walks 2.0° and 1.9° (twist 3.0° / 3.2°, sway 1.5 cm), a handrail-guarded walk 1.5° (twist 1.5°), and a synthetic
    # shuffle built with 1° of drop, 1° of twist and 1 cm of sway reads 1.0°. A walk of ≥ unalternating_min_steps
    # steps, walking, with all three medians under these bars is taken back whole, and a note says so. From 10 steps:
    # pushing over paving broke into short 'walks' between jolts (a push with 1.5-Hz jolts of 6 m/s²: one of 14
    # 'steps' stayed at 16, audit wheel2 s44); the real walks of 10–15 steps drop the pelvis ≥ 2.1° (median per walk),
    # twist ≥ 5.0° and sway ≥ 2.6 cm (≥ 2.4 cm with the gyroscope dropped), and every refdata result is unchanged.
    unalternating_max_drop_deg: float = 0.6
    unalternating_max_twist_deg: float = 2.0
    unalternating_max_sway_cm: float = 2.0
    unalternating_min_steps: int = 10
    # … and without a gyroscope (a phone, a Polar H10's accelerometer; on the trunk), where drop and twist are not
    # measured, by the sway alone: the pushes' trunk hardly moves sideways (synthetic pushing 0.7–0.9 Hz, 5–20°
    # of pitch, read without its gyroscope: median sway 0.12–0.16 cm a step, audit wheel2 s44), while without a
    # gyroscope a walking trunk's side-to-side sway reads larger than with one (its roll tips gravity into the
    # side-to-side axis): the real walks of ≥ 16 steps on the trunk with their gyroscopes dropped (IPOL, Mobilise-D,
    # Oxford neck pouches; 78 walks, and ≥ 2.39 cm for the 19 of 10–15 steps) read ≥ 1.87 cm, synthetic shuffles, rollator and walking-desk walks ≥ 1.75 cm.
    # A walk of ≥ unalternating_min_steps steps, walking, with a median sway under this bar is taken back whole.
    unalternating_max_sway_no_gyro_cm: float = 0.6

    def __post_init__(self) -> None:
        # a string or None went in without a word and failed deep in the detector as a numpy ufunc error
        for f in fields(self):
            value = getattr(self, f.name)
            default = f.default
            whole = isinstance(default, int) and not isinstance(default, bool)
            if (isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value)
                    or (whole and math.isfinite(value) and not float(value).is_integer())):
                raise ArgumentError(f"StepParams({f.name}={value!r}): {f.name} must be a "
                                    f"{'whole number' if whole else 'number'} (default {default!r}; ±math.inf "
                                    "turns a bar off)")

    def changed(self) -> dict[str, float]:
        """The settings that differ from the defaults, by name."""
        default = StepParams()
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != getattr(default, f.name)}


def candidate_mask(s4: np.ndarray, fs_hz: float, p: StepParams) -> tuple[np.ndarray, np.ndarray]:
    """Step candidates on the 4 Hz vertical acceleration: (mask, rise above the preceding low).

    Local rule (finite support: ±peak_halfwidth and prominence_window back), so evaluating
    it on overlapping windows of a stream gives the same answer as on the whole signal.
    """
    w = max(1, int(round(p.peak_halfwidth_s * fs_hz)))
    pw = max(1, int(round(p.prominence_window_s * fs_hz)))
    local_max = maximum_filter1d(s4, size=2 * w + 1, mode="nearest")
    # lowest value over the preceding window (origin shifts the window backwards)
    low = minimum_filter1d(s4, size=pw + 1, mode="nearest", origin=pw // 2)
    rise = s4 - low
    is_peak = (s4 == local_max) & (rise >= p.min_prominence_mps2)
    # plateaus: keep only the first sample of equal maxima
    is_peak[1:] &= s4[1:] != s4[:-1]
    return is_peak, rise


def refine_contacts(peaks: np.ndarray, s10: np.ndarray, fs_hz: float, p: StepParams,
                    last_rise_ratio: float = 0.0, dip_ratio: float = np.inf, origin: int = 0) -> np.ndarray:
    """Sample index of the contact before each peak: the steepest rise of s10 within ``p.ic_search_s``
    before it or, with ``last_rise_ratio`` > 0, the last local maximum of the slope there that reaches
    at least that fraction of the steepest (see ``StepParams.loose_last_rise_ratio``) and that the
    steepest reaches without the slope falling below −``dip_ratio`` × the steepest on the way (a fall
    means the signal dropped between the two: two events, not one rise in two stages).

    ``origin``: the index of ``s10[0]`` on the caller's axis; the result is on that axis. The whole sample
    index is added before the sub-sample fraction, so the rounding of the sum is that of the contact's
    place on the axis — not of where a buffer began (a streaming engine's buffer start depends on where
    its chunks ended: ``origin + (k + frac)`` differed by ~1e-13 sample between chunkings)."""
    n = max(2, int(round(p.ic_search_s * fs_hz)))
    if peaks.size == 0:
        return (origin + peaks).astype(float)
    d = np.diff(s10, prepend=s10[0])
    win = peaks[:, None] - np.arange(n)[None, ::-1]          # (k, n) indices before each peak
    win = clip(win, 0, s10.size - 1)
    slope = d[win]
    rows = np.arange(peaks.size)
    j = np.argmax(slope, axis=1)
    if last_rise_ratio > 0:
        # local maxima of the slope (a plateau counts at its last sample; the window's ends count)
        top = np.ones(slope.shape, dtype=bool)
        top[:, 1:] &= slope[:, 1:] >= slope[:, :-1]
        top[:, :-1] &= slope[:, :-1] > slope[:, 1:]
        steepest = slope[rows, j][:, None]
        top &= slope >= last_rise_ratio * steepest
        if np.isfinite(dip_ratio):
            # the lowest slope from the steepest rise up to each sample (+inf before the steepest)
            after = np.where(np.arange(n)[None, :] >= j[:, None], slope, np.inf)
            top &= np.minimum.accumulate(after, axis=1) >= -dip_ratio * steepest
        # never before the steepest (or its plateau's end); a window with no rise at all keeps the steepest
        j = np.where(top.any(axis=1), n - 1 - np.argmax(top[:, ::-1], axis=1), j)
    k = win[rows, j]
    # sub-sample: a parabola through the slope's peak and its neighbours (the steepest rise
    # lies half a sample before the forward difference's index)
    y0, y1, y2 = d[clip(k - 1, 0, d.size - 1)], d[k], d[clip(k + 1, 0, d.size - 1)]
    den = y0 - 2 * y1 + y2
    frac = np.where(den < 0, 0.5 * (y0 - y2) / np.where(den < 0, den, -1.0), 0.0)
    return (origin + k) + clip(frac, -0.5, 0.5) - 0.5 + p.ic_offset_s * fs_hz


def _median(values) -> float:
    """Median of a few values (≤ ~10, any iterable): plain Python is ~20× faster than numpy here."""
    return _median_of_sorted(sorted(values))


def _median_of_sorted(v: list) -> float:
    n = len(v)
    return float(v[n // 2]) if n % 2 else 0.5 * (v[n // 2 - 1] + v[n // 2])


def _slide(window: list, out, new) -> None:
    """Slide a sorted window by one: ``out`` (a value in it) leaves, ``new`` comes in."""
    del window[bisect_left(window, out)]
    insort(window, new)


@dataclass
class Bout:
    number: int
    steps: list[float] = field(default_factory=list)     # contact times (s)
    peaks: list[float] = field(default_factory=list)     # the matching 4 Hz peak times (s)
    rises: list[float] = field(default_factory=list)     # the peaks' rise (m/s²)
    lags: list[float] = field(default_factory=list)      # peak − steepest-rise contact, as measured (s)
    stop_peak: float = float("nan")  # peak of a soft, late step taken as the walk's last ('stop')
    closed: bool = False


class StepAcceptor:
    """Sequential walking-bout logic over step candidates (a few per second: a loop is fine).

    Rhythm is judged on the 4 Hz peak times (steadier than the contact estimates) and on
    *stride* intervals — the same foot to the same foot — because many people, and anyone
    with a limp, alternate a short and a long step while their strides stay regular.
    """

    def __init__(self, p: StepParams, regularity=None, loose: bool = False):
        self.p = p
        self.set_loose(loose)
        # regularity(t0_s, t1_s, lag_s) -> autocorrelation of the signal over [t0, t1] at lag
        self.regularity = regularity
        self.pending: list[tuple[float, float, float]] = []   # (peak, contact, rise) not in a bout
        self.bout: Bout | None = None
        self.n_bouts = 0
        # a weak accepted candidate waits here (peak, contact, rise, deadline) until either a
        # stronger candidate arrives within one 'too early' window (and replaces it) or the
        # window passes (and it is committed). Strong steps are never held: no added latency.
        self.held: tuple[float, float, float, float] | None = None
        self._stats_key: tuple | None = None
        self._stats = (np.nan, np.nan, np.nan)
        self._sorted: tuple[list, list, list] | None = None   # the windows behind _stats, sorted

    def reset(self) -> tuple[list[float], list[Bout]]:
        """A gap in the data (or the end) ends any bout: (contacts committed, bouts closed)."""
        accepted = self._flush_held(np.inf)
        closed = self._close()
        self.pending = []
        return accepted, closed

    def _commit(self, peak_t: float, ic: float, rise: float) -> float:
        """Add a step to the bout; returns its contact time (s).

        The contact is the steepest rise before the 4 Hz peak; for some people (and phones loosely
        coupled to the body) that rise lands early on one foot and late on the other, so the
        peak-to-contact lag alternates between feet while the peaks stay steady. When the last
        ``alternating_steps`` lags alternate about their median by more than ``alternating_lag_s``
        each, the contact is the peak minus the median lag instead — and on a loose mount also when
        they scatter over more than ``loose_lag_spread_s``."""
        b, p = self.bout, self.p
        b.lags.append(peak_t - ic)
        k = p.alternating_steps
        # cheap pre-check before the median (one per step, offline's hot path): two lags on opposite
        # sides of the median, each more than alternating_lag_s from it, differ by more than it
        if k and len(b.lags) >= k and (k < 2 or abs(b.lags[-1] - b.lags[-2]) > p.alternating_lag_s):
            lags = b.lags[-k:]
            med = _median(lags)
            dev = [x - med for x in lags]
            if all(abs(d) > p.alternating_lag_s for d in dev) and all(d0 * d1 < 0 for d0, d1 in zip(dev, dev[1:])):
                ic = peak_t - med
            elif max(lags) - min(lags) > self._lag_spread_s:
                ic = peak_t - med
        b.steps.append(ic)
        b.peaks.append(peak_t)
        b.rises.append(rise)
        return ic

    def _flush_held(self, now_s: float) -> list[float]:
        if self.held is None or now_s < self.held[3]:
            return []
        pk, ic, rise, _ = self.held
        self.held = None
        ic = self._commit(pk, ic, rise)
        return [(ic, self.bout.number)]

    def set_loose(self, loose: bool) -> None:
        """Whether the engine's last-rise rule is in force (a loose mount without a gyroscope): set again when
        a gyroscope stops mid-stream (GaitEngine.drop_gyro)."""
        # a loose mount's contacts are re-timed from the peaks when their lags scatter (loose_lag_spread_s)
        self._lag_spread_s = self.p.loose_lag_spread_s if loose else float("inf")

    def poll(self, now_s: float) -> tuple[list[float], list[Bout]]:
        """Time has reached ``now_s`` with no new candidate: commit a due held step, end a stale bout."""
        accepted = self._flush_held(now_s)
        return accepted, self.tick(now_s)

    def _close(self) -> list[Bout]:
        if self.bout is None:
            return []
        self.bout.closed = True
        b, self.bout = self.bout, None
        return [b]

    def _medians(self) -> tuple[float, float]:
        """(median step, median stride) over the bout's last 9 peaks."""
        return self._bout_stats()[:2]

    def _bout_stats(self) -> tuple[float, float, float]:
        """(median step s, median stride s, median rise m/s²) over the bout's last 9 steps.

        Asked two or three times per candidate but changes only when a step is committed:
        cached on the bout's length and last peak (the acceptor's hot path offline). After one
        committed step the three sorted windows slide by one value each instead of being sorted
        again (the same values, so the same medians; ~3× faster)."""
        b = self.bout
        pk, n = b.peaks, len(b.peaks)
        key = (b.number, n, pk[-1])
        if self._stats_key == key:
            return self._stats
        new = (pk[-1] - pk[-2], pk[-1] - pk[-3], b.rises[-1]) if n >= 10 else None
        if (new is not None and self._sorted is not None and self._stats_key == (b.number, n - 1, pk[-2])
                and new[0] == new[0] and new[1] == new[1] and new[2] == new[2]):
            # full windows before and after (9 peaks: 8 steps, 7 strides, 9 rises), nothing NaN
            # (it would not sort); the values leaving are computed as they were when they came in
            steps, strides, rises = self._sorted
            _slide(steps, pk[-9] - pk[-10], new[0])
            _slide(strides, pk[-8] - pk[-10], new[1])
            _slide(rises, b.rises[-10], new[2])
        else:
            last = pk[-9:]
            steps = sorted(map(sub, last[1:], last[:-1]))
            strides = sorted(map(sub, last[2:], last[:-2]))
            rises = sorted(b.rises[-9:])
            nan = any(x != x for w in (steps, strides, rises) for x in w)
            self._sorted = None if nan else (steps, strides, rises)
        step = _median_of_sorted(steps)
        stride = _median_of_sorted(strides) if n >= 3 else 2 * step
        self._stats = (step, stride, _median_of_sorted(rises))
        self._stats_key = key
        return self._stats

    def offer(self, peak_t: float, contact_t: float | None = None, rise: float = np.inf, turn_dps: float = 0.0,
              tilt_deg: float = 0.0) -> tuple[list[tuple[float, int]], list[Bout]]:
        """Offer a candidate (its 4 Hz peak time, contact time, rise in m/s², the trunk's turning
        rate about the vertical around it in °/s, 0 without a gyroscope, and how far 'up' turned around
        it in degrees, see ``StepParams.handling_tilt_deg``).

        Returns (newly accepted (contact time, bout number) pairs, bouts that ended).
        """
        p = self.p
        ic = peak_t if contact_t is None else contact_t
        # a bout ends by *data* time, never by when a chunk happened to arrive, so live
        # and offline analysis close it at the same point
        accepted: list[float] = self._flush_held(peak_t)
        closed: list[Bout] = self.tick(peak_t)
        if tilt_deg >= p.handling_tilt_deg:
            # the sensor is being handled: a soft step still held went with it, and the walk has ended
            self.held = None
            self.pending = []
            return accepted, closed + self._close()
        displaced = None
        if self.held is not None:
            if rise <= self.held[2]:
                return accepted, closed          # weaker than the held one, and too early after it
            displaced, self.held = self.held, None   # a stronger rival: it may replace the held step
        if self.bout is not None:
            verdict = self._judge(peak_t, ic, rise, turn_dps)
            if displaced is not None and verdict in ("early", "wobble", "off_rhythm"):
                # the rival does not fit the rhythm (a wobble after the last, soft step when
                # stopping): the held step stands, as if the rival had never come
                self.held = displaced
                return accepted, closed
            if verdict in ("step", "half_step"):
                ic = self._commit(peak_t, ic, rise)
                return accepted + [(ic, self.bout.number)], closed
            if verdict == "stop":
                self.bout.stop_peak = peak_t     # (counts only once committed: a rival may replace it)
                verdict = "hold"
            if verdict == "hold":
                _, stride = self._medians()
                self.held = (peak_t, ic, rise, peak_t + max(p.min_step_s, 0.3 * stride))
                return accepted, closed
            if verdict == "off_rhythm":
                closed += self._close()          # rhythm lost: the bout ended
                self.pending = [(peak_t, ic, rise)] if rise >= p.start_prominence_mps2 else []
            return accepted, closed
        # not in a bout: look for min_bout_steps candidates at a steady rhythm
        if rise < p.start_prominence_mps2:
            return accepted, closed              # too soft to start a bout
        if self.pending and (peak_t - self.pending[-1][0] < p.min_step_s or ic - self.pending[-1][1] < p.min_step_s):
            # two peaks within one step (a double-humped load: heel strike, then the flat foot)
            # are one step; keep the stronger (a weight shift just before the first step rises
            # less than the step), else the pair breaks the rhythm a bout needs
            if rise > self.pending[-1][2]:
                self.pending[-1] = (peak_t, ic, rise)
            return accepted, closed
        self.pending.append((peak_t, ic, rise))
        self.pending = [c for c in self.pending if peak_t - c[0] <= p.max_step_s * (p.min_bout_steps + 2)]
        k = p.min_bout_steps
        if len(self.pending) >= k:
            rises = np.array([c[2] for c in self.pending[-k:]])
            soft = rises < p.start_relative_prominence * np.median(rises)
            if soft[0]:
                self.pending.pop(-k)         # a weight shift, not the first step
            if soft.any():
                return accepted, closed
        pk = [c[0] for c in self.pending[-k:]] if len(self.pending) >= k else None
        if pk is not None and (stride := self._steady(pk)) is not None and self._periodic(pk, stride):
            run = self.pending[-k:]
            # a soft first candidate that comes too soon before steady steps is the weight
            # shift before the first step, not a step (it cannot be judged when the steps after
            # it alternate short / long); nothing before it can be a step either
            d = [b[0] - a[0] for a, b in zip(run[:-1], run[1:])]
            steady_after = max(d[1:]) - min(d[1:]) <= p.start_tolerance * _median(d[1:])
            if steady_after and d[0] < p.first_step_min_ratio * _median(d[1:]) \
                    and run[0][2] < 0.6 * _median([c[2] for c in run]):
                run = run[1:]
                self.pending = []
            # extend backwards over earlier candidates that fit the same rhythm (the first
            # steps from standing are often a little slower)
            earlier = self.pending[:-k]
            med_rise = float(np.median([c[2] for c in run]))
            while earlier:
                pk = [c[0] for c in run]
                alt = pk[2] - pk[1]                 # the interval of the same parity
                gap = pk[0] - earlier[-1][0]
                rise = earlier[-1][2]
                # a weight shift before the first step rises less than a real step and comes
                # too soon before it; a candidate a full step ahead is held to the bar of the
                # run itself (the first step from standing rises ~0.5× the steady ones)
                on_time = gap >= p.first_step_min_ratio * _median([b - a for a, b in zip(pk[:-1], pk[1:])])
                floor = p.start_relative_prominence if on_time else max(0.6, p.start_relative_prominence)
                if abs(gap - alt) <= 0.35 * alt and gap >= p.min_step_s and rise >= floor * med_rise:
                    run.insert(0, earlier.pop())
                else:
                    break
            self.bout = Bout(number=self.n_bouts, steps=[c[1] for c in run], peaks=[c[0] for c in run],
                             rises=[c[2] for c in run], lags=[c[0] - c[1] for c in run])
            self.n_bouts += 1
            self.pending = []
            accepted += [(c, self.bout.number) for c in self.bout.steps]
        return accepted, closed

    def _judge(self, peak_t: float, ic: float, rise: float, turn_dps: float = 0.0) -> str:
        """What a candidate is to the current bout (no state changes): "half_step", "early",
        "wobble", "step", "hold" (a soft step, committed unless a stronger rival comes), "stop" (a
        soft, late last step: held as "hold") or "off_rhythm" (the bout has ended)."""
        p = self.p
        step, stride, med_rise = self._bout_stats()
        gap = peak_t - self.bout.peaks[-1]
        gap2 = peak_t - self.bout.peaks[-2]
        tol = p.rhythm_tolerance
        half = abs(gap - 0.5 * step) <= p.half_rhythm_tolerance * 0.5 * step and gap >= p.min_step_s
        slow_half = step >= p.half_rhythm_min_step_s and rise >= p.half_rhythm_relative_prominence * med_rise
        if half and (slow_half or (rise >= p.half_rhythm_repeat_prominence * med_rise
                                   and self._repeats_at(peak_t, 0.5 * step, 4 * step))):
            # a strong peak exactly halfway: the bout locked onto strides (a thigh-pocket
            # phone loads one leg far more than the other; a quick walk → run change keeps the
            # walking step as the running stride) — take it; the rhythm re-locks. Below 75 spm
            # that is the only reading; above, the signal must also repeat at the half step
            return "half_step"
        if gap < max(p.min_step_s, 0.3 * stride) or ic - self.bout.steps[-1] < p.min_step_s:
            return "early"                       # a second peak (or contact) within one step
        b = self.bout
        expected = stride - (b.peaks[-1] - b.peaks[-2])   # same-parity step
        # the last step when stopping lands softly (0.1–0.25× a normal step), on time or a little late
        soft = rise < p.min_relative_prominence * med_rise
        if b.peaks[-1] == b.stop_peak:
            on_rhythm = False                    # stopped: the trunk settling is no step
        elif abs(gap - expected) <= p.on_rhythm_tolerance * expected:
            on_rhythm = True
        elif soft and step <= gap <= (1 + p.on_rhythm_tolerance) * step \
                and b.rises[-1] >= p.min_relative_prominence * med_rise:
            return "stop" if rise >= p.on_rhythm_relative_prominence * med_rise else "wobble"
        else:
            on_rhythm = False
        floor = p.on_rhythm_relative_prominence if on_rhythm else p.min_relative_prominence
        if turn_dps >= p.turn_rate_dps and gap >= p.turn_min_step * step and rise >= p.turn_min_rise_mps2:
            # a pivot step in a turn: soft, and off the straight-walking rhythm
            floor = min(floor, p.turn_relative_prominence)
        if rise < floor * med_rise:
            return "wobble"
        if abs(gap2 - stride) <= tol * stride or abs(gap - step) <= tol * step \
                or abs(gap - stride) <= tol * step:   # the last, or one missed step
            return "hold" if rise < p.hold_relative_prominence * med_rise else "step"
        return "off_rhythm"

    def _steady(self, pk: list[float]) -> float | None:
        """The median stride time of the candidate steps at ``pk`` when they are steady, else None (the
        median is :meth:`_periodic`'s lag too: computed once)."""
        p = self.p
        d = np.diff(pk)
        if not (p.min_step_s <= np.median(d) <= p.max_step_s) or d.min() < p.min_step_s or d.max() > p.max_step_s:
            return None
        strides = np.asarray(pk[2:]) - np.asarray(pk[:-2])
        ms = float(np.median(strides))
        if np.any(np.abs(strides - ms) > p.start_tolerance * ms):
            return None
        return ms if np.all((d >= 0.3 * ms) & (d <= 0.7 * ms)) else None

    def _repeats_at(self, t_s: float, lag_s: float, span_s: float) -> bool:
        """The signal over the bout's last ``span_s`` before ``t_s`` repeats every ``lag_s``."""
        if self.regularity is None:
            return False
        t0 = max(t_s - span_s, self.bout.peaks[0])
        return self.regularity(t0, t_s + 0.15, lag_s) >= self.p.half_rhythm_regularity

    def _periodic(self, pk: list[float], stride: float) -> bool:
        """Walking repeats itself stride after stride; random jolts at a step-like rate do not (``stride``:
        the median stride time of ``pk``, :meth:`_steady`'s)."""
        if self.regularity is None:
            return True
        return self.regularity(pk[0] - 0.5 * stride, pk[-1] + 0.15, stride) >= self.p.start_regularity

    def tick(self, now_s: float) -> list[Bout]:
        """Close the bout when no step came for ``end_after_steps`` step times."""
        if self.bout is None:
            return []
        last = self.bout.peaks[-1] if self.held is None else self.held[0]   # a held step counts
        # every step of a bout is ≥ min_step_s, so is their median: no need to compute it
        # while the gap is shorter than that bound (the common case, a step ago)
        if now_s - last <= self.p.end_after_steps * self.p.min_step_s:
            return []
        step, _ = self._medians()
        if now_s - last > self.p.end_after_steps * step:
            return self._close()
        return []
