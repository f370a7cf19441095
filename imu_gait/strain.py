"""Back-strain rules: the per-step gait table → flags with evidence, likely cause and what to try.

Pure: no I/O, no printing. Entry point :func:`evaluate_flags`. Defaults follow
``gait-science.md`` §7 and are collected in :class:`StrainConfig`.

How every rule works
--------------------
1. **Per step** – each metric comes from the per-step table (:data:`imu_gait.result.STEP_COLUMNS`).
   Window statistics are computed per step too: stride-time CV (SD / mean of the stride times divided
   by the local 10-s stride time, strides > 25 % off dropped as missed/split contacts, 60 s window); step-time asymmetry L vs R (120 s
   window of per-side median step times, missed/split contacts dropped; judged on its lower 95 %
   bound, estimate − 2 SE, so that noisy step timing is not read as a limp; a window needs 75 % of
   the steps its length could hold, or 20 steady steps a side — stop–start walking fills far less); and the L/R difference of
   pelvic drop (60 s). Sides come from ``side`` when ≥ 80 % of steps have 'L'/'R', else from the step
   parity within each bout.
2. **Smoothed** – a centred rolling median over ``max(10 s, 10 strides)`` (60 s for the fatigue
   signals), separately for walking and running steps (they never share a window or a baseline);
   impact as the mean of each foot's own rolling median (a one-sided sensor lands hard on one foot).
3. **Regular grid** – the smoothed values are sampled every ``grid_s`` (1 s) at the last step; a grid
   point more than ``max(2 s, 3 step times)`` after the last step is "not walking" (NaN). An idle
   stretch over an hour keeps only 10 minutes at each end (a night, a clock set forward: memory).
4. **Personal baseline** – the median of the smoothed series over the first
   ``min(baseline_s, 300 s, half the walking time)`` seconds *of walking time* of that gait (walking
   and running separately). At least 60 s of walking is needed; otherwise only the absolute fallbacks
   are used and ``timeline.attrs['notes']`` says so. Forward lean only: where the first third of those
   seconds leaned ≥ 2.5° further than the last (a walk that starts up a hill, or hunched, and straightens
   up), the last third's median (:func:`_upright_lean_baseline`).
5. **Trigger** – a pattern is *held* once it has lasted ``hold_s`` (20 s; 5 s for the absolute
   forward-lean fallback; 120 s for fatigue) without being released, was past the threshold for at
   least half of that time and is past it now. The flag then stays on until the series has come back
   at least ``release_fraction`` (50 %) of the way from the threshold toward the baseline (hysteresis;
   for an absolute fallback, which has no baseline, 50 % of its severity band back below the limit —
   e.g. the 10° forward-lean limit with its 5° band releases under 7.5°), or walking stops, for at least
   ``release_hold_s`` (10 s; shorter dips do not end it). Its start is the start of the held stretch,
   its end where the release began. Episodes of the same flag less than ``merge_gap_s`` (10 s) apart
   are merged.
6. **Severity** – ``z = (distance past the threshold) / step`` with the episode's median value;
   ``step`` is the trigger excursion ``|threshold − baseline|`` for relative rules (so *moderate* at
   1.5× and *marked* at 2× the trigger excursion) — but for guarding 15 % of the baseline (moderate at
   −47.5 %, marked at −55 %, as excess twist is marked at +60 %) — and a stated band width for absolute rules.
   ``z < 0.5`` mild, ``0.5 ≤ z < 1`` moderate, ``z ≥ 1`` marked. Rules needing several signals
   (AND) take the smallest ``z``; either-or rules (OR) the largest; fatigue the second largest.

Rules (b = personal baseline of that gait; absolute fallbacks only where b does not exist)
-----------------------------------------------------------------------------------------
======================  =============================================  =====================================
flag id                 relative trigger (hold 20 s)                   absolute fallback
======================  =============================================  =====================================
overstriding            braking ≥ b +20 % AND cadence ≤ b −5 %          running: cadence < 164 spm (band 11)
vertical_bounce         VO ≥ b +20 % OR impact ≥ b +20 %                running: VO > 9.7 cm chest / 10.9 cm
                                                                       pelvis (−1.5 cm on a treadmill) OR
                                                                       VR > 8.6 % chest / 10.0 % pelvis
trunk_twist_excess      twist ≥ b +30 %                                 —
trunk_twist_guarding    twist ≤ b −40 % (not when handrail explains)    —
forward_lean            lean ≥ b +5°                                    lean > 10° held 5 s (band 5°): vs
                                                                       standing (lean_vs_standing_deg) where
                                                                       there is a reference, else vs the
                                                                       first steady steps — also where b
                                                                       itself leans > 10° vs standing (a
                                                                       load or a hunch from the start)
handrail_gripping       twist ≤ b −40 % AND sway ≤ b −20 % AND cadence  —
                        within ±3 % [off a treadmill also VO or impact
                        ≤ b −10 %]; no gyro, on a treadmill: sway ≤ b
                        −20 % AND (VO or impact ≤ b −10 %) AND cadence
                        within ±3 %, where the belt runs within 10 % of
                        the baseline's speed (no gyro, overground: —)
incline_effort          treadmill + incline > 0: lean ≥ b +5° AND       entered incline > max_incline_pct
                        cadence within ±5 % (replaces forward_lean)     (whole walk, band 5 points)
pace_too_fast           stride CV less 1 standard error of its 60-s     stride CV > 5 % (band 2.5)
                        estimate ≥ max(1.5 b, b +1 point) OR (step
                        regularity ≤ b −0.10 AND the symmetry index
                        down by less than 0.10 and than half of
                        that drop, i.e. not asymmetry; less the drop
                        a slower, softer pace gives by itself where
                        the stride CV stayed under 1.5 b within a
                        minute: pace_regularity_allowance)
pelvic_instability      drop ROM ≥ b +1.5° OR L/R drop difference ≥     L/R difference > 2° (band 1°) —
                        max(2°, b +1.5°)                               also where b's L/R difference is
                                                                       ≥ 2° (not on a one-sided signal)
asymmetry               step-time asymmetry (lower bound) ≥ b +2 points  > 6 % (band 3) OR running: GCT
                        OR running: GCT balance ≥ b +2 points          balance > 52.2 % for either foot
                                                                       (Garmin red; band 1.5) — also where
                                                                       b itself is ≥ 6 % with a gyroscope
                                                                       (a limp from the first step)
fatigue                 ≥ 2 of: cadence ≤ b −3 %, VO ≥ b +10 %,          —
                        regularity ≤ b −0.05, lean ≥ b +2°, sway ≥
                        b +15 % (gyro only; on the chest plus the
                        sideways swing the lean's rise can add),
                        running: contact ≥ b +8 %
                        (60-s medians, after the baseline,
                        held 120 s; cadence, VO and contact left out
                        where a treadmill belt runs ≥ 10 % off the
                        baseline's speed or its incline ≥ 1 point
                        off the baseline's, lean too where the
                        incline is; not where it
                        begins within 30 s of an overstriding, bounce
                        or incline-effort flag it mostly overlaps:
                        one abrupt change, not a drift)
======================  =============================================  =====================================

The runners' cadence and bounce fallbacks are an adult's (1.75 m); with a taller runner's height given they are
eased for it (:func:`runner_limits`: 164 spm × √(1.75 / height), bounce × height / 1.75).

Fatigue compares 60-s medians with the baseline, so a change that came at once and stayed (a runner who
shortened the stride at 5:00: cadence −3.5 %, braking +28 %, no over-striding flag as cadence fell < 5 %)
passes its rule as a slow drift does — unless a specific flag starting with it takes it (above) or the
treadmill's schedule explains it. Such a flag is still raised (imu_gait cannot see a new pace, a slope or a
load off a treadmill's schedule), but its cause and advice say the signals changed all at once, and when
(:func:`_fatigue_onset_s`: each rose from 20 % to 80 % of its change within 45 s, together), rather than
calling it tiredness. Likewise a change that came in the first minutes after the baseline and then held
(:func:`_fatigue_settled`) is told as settling in after an easier or guarded start — the baseline minutes were
not the walker's usual gait — rather than as tiring.

A treadmill program that comes back to a belt speed it ran at before (an interval program) has over-striding,
bounce and trunk twist judged there against the walker's first steps at that speed (:func:`_rebase_to_same_belt`);
the first stage at a new speed stays judged against the baseline, its flag naming the faster (slower) belt. Handrail
gripping and incline effort read the same re-based cadence and twist there (like with like too); sway, lean,
fatigue and pace keep the walk's baseline. Live, once the rules re-judge only the last 10 minutes (a walk over 20
minutes), a speed's first steps lie before that window: the settled baseline state carries, per gait and belt speed,
where its first stage began and its same-belt rows (at most 2 min of them), so the cues there agree with the report.

Relative excursions have floors (``_FLOORS``) so that a tiny baseline cannot make a rule hair-trigger.
Stride CV, asymmetry and the L/R pelvic-drop difference use steady walking only (:func:`_steady_steps`:
no turning strides, no bout starts / stops); the stride CV is 1.4826 × the median absolute deviation
of the strides from their local median, over the local median (the SD's value for normal data, but
not moved by a few misplaced contacts). Twist and lateral sway of turning strides are left out of
their smoothed series (:func:`_turning_steps`): a turn swings the trunk along the path's bend.
"""
from __future__ import annotations

import contextlib
import contextvars
import math
from dataclasses import dataclass, field, replace
from typing import Any, Collection, Sequence

import numpy as np
import pandas as pd

from .dsp.metrics import SIZE_REFERENCE_HEIGHT_M, VERTICAL_RATIO_MIN_STEP_M, cadence_for_height, length_for_height
from .recording import duration_text
from .result import STEP_COLUMNS, Flag
from .treadmill import TreadmillSchedule, mmss as _mmss

__all__ = ["evaluate_flags", "steady_stride_cv_pct", "steady_step_time_asymmetry_pct", "steady_walk_variability", "without_turns", "turning_steps", "one_sided_signal", "lean_jumps", "TURN_BLIND", "StrainConfig", "DISCLAIMER", "DISCLAIMER_TITLE", "DISCLAIMER_TEXT", "FLAG_INFO", "FLAG_IDS", "WALKING_AIDS"]

#: The not-a-diagnosis note and the red-flag symptoms, said the same way by every sink (terminal, HTML,
#: JSON, live view): the title on its own, the body on its own and the two together.
DISCLAIMER_TITLE = "This is not a diagnosis."
DISCLAIMER_TEXT = (
    "imu_gait describes how your trunk moved while you walked or ran; it cannot tell whether your back is "
    "injured or why anything hurts, and a flag is a suggestion to try something different, not a finding. "
    "See a doctor or physiotherapist promptly if you have pain spreading down a leg, numbness or tingling, "
    "or weakness in a leg — and urgently, the same day, for numbness around the groin or buttocks or any "
    "change in bladder or bowel control. Back pain at night or at rest, with a fever or unexplained weight "
    "loss, or pain that does not ease within a few weeks is also a reason to be seen."
)
DISCLAIMER = DISCLAIMER_TITLE + " " + DISCLAIMER_TEXT


#: Per flag id: title, plain-language likely cause, what to try.
FLAG_INFO: dict[str, dict[str, str]] = {
    "overstriding": {
        "title": "Over-striding / braking",
        "cause": "Your cadence dropped while the braking at each landing rose: the sign of longer, slower "
                 "steps that land further ahead of your body and brake you; the jolt travels up into the "
                 "lower back.",
        "advice": "Take shorter, quicker steps: raise your cadence by 5-10 % (a metronome helps) and let "
                  "your foot land closer under your body.",
    },
    "vertical_bounce": {
        "title": "Vertical bounce / hard landings",
        "cause": "You are moving up and down more (or landing harder) than you did at the start; every "
                 "landing has to absorb that extra drop.",
        "advice": "Land softly, as if you did not want to splash a puddle; keep your head level, and try "
                  "slightly quicker, shorter steps.",
    },
    "trunk_twist_excess": {
        "title": "Trunk twisting more than usual",
        "cause": "Your upper body is rotating more than it did at the start, often from reaching with "
                 "the arms or over-long steps.",
        "advice": "Keep the arm swing relaxed and close to the body, shorten the step a little, and keep "
                  "the chest facing forward.",
    },
    "trunk_twist_guarding": {
        "title": "Stiff trunk (guarding)",
        "cause": "Your trunk is rotating much less than at the start. Holding the trunk stiff (guarding) is a "
                 "common, protective reaction to back pain or to worry about it; it is not harmful in itself, "
                 "but a braced back tires and stiffens. Holding a phone or a bag, or hands in pockets, does "
                 "the same.",
        "advice": "Let the arms swing freely and let the shoulders and pelvis counter-rotate; relax the "
                  "belly and breathe out.",
    },
    "forward_lean": {
        "title": "Forward lean / hunching",
        "cause": "You are leaning or hunching forward more than your normal posture, which keeps the back "
                 "muscles working to hold you up.",
        "advice": "Stand tall and raise the chest: imagine a string pulling the top of your head up; look "
                  "ahead rather than down.",
    },
    "handrail_gripping": {
        # (overground too: holding a stick, a trolley, a bag — 'the handrails' read wrong outdoors: review)
        "title": "Holding on (handrails, a support)",
        "cause": "The pattern (much less trunk rotation and side-to-side sway at the same cadence) looks "
                 "like holding the treadmill rails; it stops the arm swing and usually means the speed "
                 "or incline is more than is comfortable.",
        "advice": "Let go of the rails and let the arms swing; if you need them, lower the speed or the "
                  "incline until you can walk hands-free.",
    },
    "incline_effort": {
        "title": "Incline effort",
        "cause": "The incline makes you lean into the hill and work the hip flexors and legs harder; "
                 "this is effort, not evidence of harm to the spine (the evidence on incline and lumbar "
                 "curve is mixed).",
        "advice": "Lower the incline or the speed, shorten the step, and keep the chest up rather than "
                  "folding at the hips.",
    },
    "pace_too_fast": {
        "title": "Pace too fast / shuffling",
        "cause": "Your step timing became irregular compared with the start, which happens when the pace "
                 "is faster than you can walk smoothly or when you start to shuffle.",
        "advice": "Lower the speed a little until the rhythm settles, then build up again; pick the feet "
                  "up and keep a steady beat.",
    },
    "pelvic_instability": {
        "title": "Pelvic drop / instability",
        "cause": "Your pelvis drops or rolls more from side to side (or more on one side), often because "
                 "the hip muscles are tiring.",
        "advice": "Check your footwear, take shorter steps, and add strength work for the hips "
                  "(side-lying leg raises, side planks, single-leg balance).",
    },
    "asymmetry": {
        "title": "Left/right asymmetry",
        "cause": "The time between steps differs between your left and right leg more than at the start, "
                 "as when favouring one side.",
        "advice": "Slow down and check for pain, a stone in the shoe or loose laces; if it persists or "
                  "hurts, take a break.",
    },
    "fatigue": {
        "title": "Fatigue",
        "cause": "Several signals drifted the way they do when tired (slower cadence, more bounce, less "
                 "regular steps, more lean or sway, longer ground contact when running) compared with your "
                 "first minutes.",
        "advice": "Take a break or slow down; finish with an easy few minutes rather than pushing on "
                  "with a degraded form.",
    },
}
FLAG_IDS: tuple[str, ...] = tuple(FLAG_INFO)

#: a fatigue episode whose signals all changed within this many seconds, together, came at once
#: (:func:`_fatigue_onset_s`): tiredness builds up; a change that comes at once is more often a new pace,
#: a slope or the ground, which imu_gait does not see off a treadmill's schedule
FATIGUE_AT_ONCE_S = 45.0
FATIGUE_AT_ONCE_CAUSE = ("These signals changed the way they do when tired (slower cadence, more bounce, less regular "
                         "steps, more lean or sway, longer ground contact when running), but all at once, at {at}, "
                         "not building up as tiredness does: a change of pace, a slope, the ground, a load you "
                         "carried or reading a phone as you walk is more likely.")
#: … said with it when a walk's at-once change is slower, less regular steps with a forward lean together: the
#: pattern of walking while reading or typing on a phone (dual-task walking: cadence −5…15 %, step-time variability
#: up, a chest sensor tipped forward with the head and shoulders; carry audit s43: a phone taken out at 4:00, chest
#: sensor, lean +8°, 110 → 99 spm, stride CV 0.6 → 2.8 %, read 'Fatigue (strong)' and 'Irregular steps / shuffling
#: (strong)', the phone unsaid)
FATIGUE_PHONE_CAUSE = (" Slower, less regular steps and a forward lean that come together like this are what "
                       "reading or typing on a phone while walking does: the eyes and the mind on the screen, the "
                       "head and shoulders bent over it.")
FATIGUE_PHONE_ADVICE = (" If you were on your phone, stop to read or type, or hold it up at eye level for a quick "
                        "look; walking while you read slows and unsettles your steps and bends your neck and back.")
#: a fatigue episode that begins within this many seconds of the baseline's end, whose signals had reached their
#: level by then and held it (:func:`_fatigue_settled`): the walker settled in after an easier or guarded start
#: (the README asks for the first 3 minutes 'at a comfortable speed'), rather than tired
FATIGUE_SETTLE_S = 120.0
#: … judged by each signal's level over this early stretch, in seconds after the baseline's end (the FATIGUE_SETTLE_S
#: after the walker had that long to settle in), against its level over the episode's second half
FATIGUE_SETTLED_EARLY_S = (FATIGUE_SETTLE_S, 2 * FATIGUE_SETTLE_S)
#: … only for an episode lasting to this long after the baseline's end: past the early stretch by FATIGUE_SETTLE_S
#: more, so that a level seen in both held rather than passed through
FATIGUE_SETTLED_MIN_END_S = 3 * FATIGUE_SETTLE_S
#: … and settled when no signal's level moved between the two by more than this share of its trigger excursion
#: (|threshold − baseline|): already at its level, not drifting further
FATIGUE_SETTLED_MAX_MOVE = 0.5
FATIGUE_SETTLED_CAUSE = ("These signals changed in the first minutes after your baseline (your first "
                         "minutes of walking, which everything is compared with) and then stayed about the same, not building up as "
                         "tiredness does: more like settling into your walk after an easier or more guarded start.")
FATIGUE_SETTLED_ADVICE = ("If you started easy or stiff, walk your first minutes at your usual pace next time: they are "
                          "the baseline. If you were already tired or in pain then, slow down or take a break.")
FATIGUE_AT_ONCE_ADVICE = ("If you slowed down, went uphill, picked something up or took out your phone then, this "
                          "is its doing. If "
                          "nothing changed, or it came with pain, slow down or take a break.")

#: said with a forward-lean flag off a treadmill, where the slope is unknown: walkers lean into a hill by about its
#: angle (the treadmill rule's model: atan(incline), 5.7° at 10 %) — the lean of a hill and of a hunch look the same
HILL_LEAN_CAUSE = (" Going uphill does this too: people lean into a hill by about its slope (some 6° on a 10 % "
                   "hill), and forward over the front foot going up stairs, which is the legs' and hips' effort, not a "
                   "hunch — if you were going uphill or up stairs then, this is the climb; on level ground it is your "
                   "posture.")
HILL_LEAN_ADVICE = " (If it was a hill or stairs, nothing to correct: shorten the step on the way up.)"
#: said with a walk's forward-lean flag: a backpack's weight behind the trunk is balanced by leaning forward (more
#: the heavier it is, some 2–8°), and looking down at a phone or a tablet tips the head, shoulders and a chest sensor
#: forward. Still strain on the back, so the flag stays; but 'stand tall' alone told a walker who had shouldered a
#: backpack or taken out a phone to correct a posture that is the load's or the screen's (carry audit s43: a backpack
#: put on at 4:00, +6° and +9°, read 'hunching forward more than your normal posture', the load unsaid)
LOAD_LEAN_CAUSE = (" A backpack or a heavy bag pulls you forward too (the heavier, the more), and so does looking "
                   "down at a phone or a tablet as you walk: if you were, the lean is the load's or the screen's — "
                   "still work for the back muscles, so worth easing.")
LOAD_LEAN_ADVICE = (" With a backpack: wear both straps, tightened so it sits high and close to your back, do up the "
                    "hip belt if it has one, and carry less or split the load. With a phone: hold it up at eye "
                    "level, or stop to read.")
#: said with a bounce flag carried by the landings' impact off a treadmill, where the slope is unknown
DOWNHILL_IMPACT_CAUSE = (" Going downhill lands harder too: each step drops the body a little further — if it was "
                         "downhill then, part of this is the slope.")
#: said with a walk's bounce flag off a treadmill: stairs move the trunk a step's height each step
STAIRS_BOUNCE_CAUSE = (" Stairs do this too: going up or down steps moves the trunk much further up and down than "
                       "level walking, which the sensor cannot tell from a bounce — if you were on stairs then, this "
                       "is the stairs.")
#: said with a walk's relative over-striding flag off a treadmill, where the slope is unknown: walking downhill, each
#: landing brakes the body against the slope (braking forces rise downhill: Lay et al. 2006) and people slow their
#: steps on a steep ramp or stairs down — the flag's two signs at once (synthetic: 60 s down a 15 % ramp at 100 spm
#: braking 0.25 m/s, and down 17-cm stairs at 100 spm braking 0.22, read only 'longer, slower steps that land further
#: ahead'; stairs audit s40)
DOWNHILL_BRAKING_CAUSE = (" Going down a steep slope or stairs does this too: you slow your steps and every landing "
                          "brakes you against the slope — if you were going downhill or down stairs then, this is the "
                          "slope, not over-striding.")
DOWNHILL_BRAKING_ADVICE = " (If it was a slope or stairs down, nothing to correct: take it at a pace that feels safe.)"
#: said instead with a walk's bounce flag that came with quicker steps (the cadence ≥ 5 % above the baseline's), off a
#: treadmill: going down stairs takes quicker steps and lands each one a step's height lower — read alone, the cadence
#: sentence ('you were probably walking faster … ease back to your earlier pace') misnamed a flight down (stairs audit s40)
STAIRS_DOWN_CAUSE = (" Going down stairs does this too: quicker steps, each landing a step lower, while you move "
                     "forward slowly — if you were going down stairs then, this is the stairs, not a faster walk.")
STAIRS_DOWN_ADVICE = " If it was stairs, nothing to correct: take them at a pace that feels safe, with the handrail."

#: the forward-lean limit judged against standing still before the walk (lean_vs_standing_deg), gait-science.md's
#: reference: it can say 'than standing', which the first-steps reference cannot. {limit}: the judged limit in
#: degrees, StrainConfig.lean_abs_deg (10 by default) or more on an incline; {incline}: "" or the incline's
#: wording (STANDING_LEAN_INCLINE) — filled from the thresholds so the text cannot drift from them
STANDING_LEAN_CAUSE = ("You lean or hunch forward more than {limit}° further{incline} than you stood, still, just "
                       "before you set off{runners} which keeps the back muscles working to hold you up.")
#: the default limit is runners' 'high lean' (gait-science.md): only the unraised default may say so
STANDING_LEAN_RUNNERS = " — about as far as runners who lean 'a lot' —"
#: a treadmill incline raises the limit by its slope ({base}: StrainConfig.lean_abs_deg)
STANDING_LEAN_INCLINE = " ({base:g}° plus the incline's slope)"

#: causes for flags judged against a general limit (no personal baseline): they cannot speak of a change
#: since the start, which the baseline causes above do
ABSOLUTE_CAUSE: dict[str, str] = {
    # the limit is Garmin's 30th percentile of runners (gait-science.md §1.2): about 3 in 10 runners are below it,
    # the healthy adeptdata runner ran 154-160 spm for 25 min. 'Usually means long steps' said more than a cadence
    # alone shows (the relative rule asks for braking too): a short run is told what the limit is and what it may mean
    "overstriding": "Your running cadence is below the general limit, a cadence lower than about 7 in 10 runners' "
                    "(Garmin's runners). A low cadence often goes with long steps that land ahead of the body and "
                    "brake you, the jolt travelling up into the lower back — but it is common at an easy pace and in "
                    "tall runners; this run was too short to compare with your own.",
    "vertical_bounce": "You move up and down a lot for running (above the general limit); every landing has "
                       "to absorb that drop.",
    # lean is measured from the trunk's tilt in the first steady steps, not from standing (the spec's
    # reference): 'compared with upright' promised what it is not (found by review: a walk hunched from
    # its first step reads ~0°)
    "forward_lean": "You lean or hunch forward a lot more than in your first steps of this recording, which "
                    "keeps the back muscles working to hold you up.",
    "pace_too_fast": "Your step timing is more irregular than steady walking usually is, which happens when "
                     "the pace is faster than you can walk smoothly or when you shuffle.",
    "pelvic_instability": "Your pelvis drops more on one side than on the other, often because the hip "
                          "muscles of one side are weaker or tiring.",
    "asymmetry": "The time between steps differs between your left and right leg more than in even "
                 "walking, as when favouring one side.",
}
#: a run's uneven step timing in a runner's words: the walking ones spoke of walking smoothly, shuffling and
#: picking the feet up (the adeptdata run's pace flag at 11:30 read 'faster than you can walk smoothly')
RUN_PACE_CAUSE = {
    "baseline": "Your step timing became irregular compared with the start of your run, which happens when the "
                "pace is more than you can hold smoothly, when tiring, or on uneven or crowded ground.",
    "absolute": "Your step timing varies more than the general limit, which is steady walking's (none is published "
                "for running); in a run this happens when the pace is more than you can hold smoothly, when tiring, "
                "or on uneven or crowded ground.",
}
#: a run's asymmetry flag carried by the contact times (the fallback's GCT balance), not the step times
RUN_GCT_BALANCE_CAUSE = ("One foot stays on the ground longer than the other — more than Garmin's red limit for "
                         "ground-contact balance (52.2 % for one foot) — as when favouring one side.")
RUN_PACE_ADVICE = ("Ease the pace a little until the rhythm settles, then build up again; keep a steady beat "
                   "(a metronome or music at your cadence helps).")
#: a chest sensor sees the pelvis's drop only as the trunk's side-to-side roll above it
CHEST_PELVIC_CAUSE = ("Your trunk rolls more from side to side (or more to one side); measured at the chest this "
                      "follows the pelvis dropping, often because the hip muscles are tiring.")
#: a treadmill walk without a gyroscope (a phone's 'Acceleration with g', a Polar H10): the rail rule rests on
#: sway and bounce alone, and says so
HANDRAIL_NO_GYRO_CAUSE = ("The pattern (less side-to-side sway and less bounce at the same cadence and belt speed) "
                          "looks like holding the treadmill rails: they steady you sideways and carry some of your "
                          "weight, and usually mean the speed or incline is more than is comfortable. Without a "
                          "gyroscope the clearest sign — the trunk rotating less once the arms stop swinging — "
                          "could not be measured, so this is a weaker reading than with one.")
HANDRAIL_OVERGROUND_CAUSE = ("The pattern (much less trunk rotation, sway and bounce at the same cadence) looks like "
                             "holding on to something — a rail, a stick, a trolley — or carrying something that "
                             "stops the arm swing. If your hands were free, it is the trunk held stiff instead "
                             "(guarding): a common, protective reaction to back pain or to worry about it, not "
                             "harmful in itself, but a braced back tires and stiffens.")
#: walking aids the flag rules know (``analyze(walking_aid=…)``, ``--walking-aid``), used for the whole recording:
#: ``rollator`` — a wheeled walker, or anything pushed with both hands (a stroller, a shopping trolley);
#: ``cane`` — a walking stick or one crutch, on one side; ``poles`` — Nordic walking poles; ``desk`` — a treadmill
#: desk or a walking pad under a desk, the hands on the keyboard, mouse or desk. What each changes: README
WALKING_AIDS = ("rollator", "cane", "poles", "desk")
#: a desk walker's hands rest on the keyboard or the desk: no arm swing, so the trunk turns and sways little — the
#: rail rule's pattern (less twist and sway at the same cadence) and guarding's drop in twist, which a walk begun on a
#: call (arms free) and then typing raised as 'holding the treadmill rails … the speed or incline is more than is
#: comfortable' (synthetic desk walk at 80 spm, twist 8° → 3°, sway 2.5 → 1.5 cm; desk audit s42)
DESK_RAIL_TITLE = "Hands on the desk (less trunk rotation)"
DESK_RAIL_CAUSE = ("Your trunk rotates and sways less than in your first minutes, at the same cadence. At a walking "
                   "desk this is most often your hands on the keyboard, the mouse or the desk: they stop the arm "
                   "swing, and the trunk turns less with it — expected while you work, not a fault. Holding on to the "
                   "desk's edge to keep up with the belt looks the same, and that one means the speed is more than is "
                   "comfortable.")
DESK_RAIL_ADVICE = ("While typing, nothing to correct: keep the keyboard and mouse at elbow height so the shoulders "
                    "hang relaxed and you do not lean on the desk. If you hold on to keep up, lower the belt speed "
                    "(about 0.5 km/h); on calls or while reading, let the arms swing now and then.")
DESK_GUARDING_CAUSE = ("Your trunk is rotating much less than in your first minutes. At a walking desk your hands on the "
                       "keyboard, the mouse or the desk stop the arm swing, and the trunk turns less with it — "
                       "expected while you work. If your hands were free (a call, reading), it is the trunk held stiff "
                       "(guarding): a common, protective reaction to back pain or to worry about it, not harmful in "
                       "itself, but a braced back tires and stiffens.")
DESK_GUARDING_ADVICE = ("While typing, nothing to correct; in breaks from the keyboard let the arms swing and the "
                        "shoulders and pelvis counter-rotate, relax the belly and breathe out.")
#: … and a screen or keyboard set too low or too far draws the trunk forward towards it: the lean is the desk's set-up
DESK_LEAN_CAUSE = (" At a walking desk, leaning towards the screen or the keyboard does this: a screen set too low or "
                   "too far away, or a desk too low for you standing on the pad, draws the trunk forward.")
#: (in place of the general advice, whose 'look ahead rather than down' a walker working at a screen cannot follow)
DESK_LEAN_ADVICE = ("Bring the screen to you rather than you to it: raise it so that its top line is at eye level, "
                    "about an arm's length away, and set the desk so the keyboard is at elbow height with the "
                    "shoulders relaxed — the pad raises you by its deck's height, so a desk set for standing on the "
                    "floor is too low. Then stand tall, the chest up.")
#: a rollator's handles hold both hands and steady the trunk by design, so the baseline already holds on: the rail
#: rule's pattern against it (less twist, sway and bounce at the same cadence) is more weight on the handles
ROLLATOR_RAIL_TITLE = "Leaning on the rollator more"
ROLLATOR_RAIL_CAUSE = ("Your trunk rotates and sways less, and bounces less, than in your first minutes with the "
                       "rollator, at the same cadence: more of your weight on its handles — often from tiring or "
                       "pain — or the trunk held stiff (guarding). Holding its handles is expected; leaning on them "
                       "more than at the start is the change.")
ROLLATOR_RAIL_ADVICE = ("Slow down or rest on the rollator's seat for a minute; check the handles are at wrist height "
                        "with the arms hanging, and walk close inside the frame.")
#: … and set a forward lean of their own: the general lean limit (runners' 'high lean') does not describe it
#: ({limit:g}: StrainConfig.lean_abs_deg, 10° by default)
ROLLATOR_LEAN_NOTE = ("You walked with a rollator: its handles in front of you set a forward lean of their own{here}, "
                      "so forward lean was not held to the general {limit:g}° limit; a rise from your first minutes "
                      "with it is still flagged.")
ROLLATOR_LEAN_CAUSE = ("You lean forward more than in your first minutes with the rollator (some lean is expected with "
                       "one — its handles are in front of you — but this is more): the rollator running ahead of you, "
                       "or more of your weight on it as you tire, keeps the back muscles working to hold you up.")
ROLLATOR_LEAN_ADVICE = ("Walk close inside the frame rather than pushing it ahead, and check the handles are at wrist "
                        "height with the arms hanging: handles set too low pull you into a stoop.")
ROLLATOR_GUARDING_CAUSE = ("Your trunk is rotating much less than in your first minutes with the rollator (its handles "
                           "already stop the arm swing, so this is a further drop): leaning more of your weight on it — "
                           "tiring, or pain — or holding the trunk stiff (guarding), a common, protective reaction to "
                           "back pain, not harmful in itself, but a braced back tires and stiffens.")
ROLLATOR_GUARDING_ADVICE = ("If you are leaning on the rollator more, slow down or rest on its seat; otherwise relax the "
                            "shoulders and belly and breathe out.")
#: a stick on one side changes the two sides' steps by itself (the asymmetry and pelvic-drop causes say so)
CANE_SIDE_CAUSE = (" You walked with a stick: a stick on one side makes the two sides' steps differ by itself, and "
                   "the difference may be the stick easing the leg it helps — compare with your other walks with the "
                   "stick rather than with even walking.")
#: … but against a baseline walked with the stick the stick is on both sides of the comparison: a rise over it is
#: not the stick's (review s39 M1: 1.2 % → 11.9 %, 'marked', was told the stick made the sides differ by itself)
CANE_BASELINE_CAUSE = (" You walked with the stick in your first minutes too, so this change is not the stick itself: "
                       "if it hurts, or you lean on the stick more, take it as a change in you.")
#: Nordic poles drive the arm swing, and the trunk turns with them
POLES_TWIST_CAUSE = ("Your trunk is rotating more than in your first minutes. With Nordic poles the arms drive each "
                     "step and the trunk turns with them, so more rotation is expected as you push harder or get into "
                     "the technique — not a fault in itself.")
POLES_TWIST_ADVICE = ("If it feels like reaching, plant the poles closer to your body (about level with your feet, not "
                      "far ahead) and keep the arms relaxed; if it came with back pain, ease the push.")
#: said with every asymmetry and pelvic-drop flag: a load on one side moves the trunk over the other leg and
#: changes the two sides' stance (a bag in one hand, a child on a hip), which a trunk sensor cannot tell from a limp
LOAD_SIDE_CAUSE = (" Carrying something on one side (a bag in one hand or on one shoulder, a child on a hip) does "
                   "this too: if you were, it may be the load's doing.")


def walking_aid_name(walking_aid: Any) -> str | None:
    """The walking aid as the rules know it (:data:`WALKING_AIDS`), None for none; ValueError for anything else."""
    if walking_aid is None:
        return None
    if not isinstance(walking_aid, str) or walking_aid.strip().lower() not in (*WALKING_AIDS, "none", ""):
        raise ValueError(f"walking_aid={walking_aid!r} is not one the rules know; give one of "
                         f"{', '.join(repr(a) for a in WALKING_AIDS)} (a stroller or trolley pushed with both hands: "
                         "'rollator'; a crutch on one side: 'cane'), or None")
    aid = walking_aid.strip().lower()
    return None if aid in ("none", "") else aid


#: metrics that grow with walking speed: a flag on them while the belt runs faster (or slower) than during
#: the baseline says so — part of it is the speed, not the form
SPEED_SENSITIVE = {"overstriding": +1, "vertical_bounce": +1, "trunk_twist_excess": +1, "fatigue": +1,
                   "trunk_twist_guarding": -1, "handrail_gripping": -1}
SPEED_CHANGE_FRAC = 0.10
#: a cadence this far above (below) its baseline's, off a belt where the speed is unknown, says the walker or
#: runner sped up (slowed down): cadence rises with speed (Garmin's gauges; Heiderscheit 2011 varied it ±5-10 %
#: at one speed; walking: cadence carries about half of a speed change, step length the rest)
RUN_FASTER_CADENCE_FRAC = 0.05
#: a 'pace too fast' flag names the pace only where the pace rose: cadence (or, on a treadmill, the belt) at least
#: this far above the baseline's (a minute's median cadence of a steady walker wanders ~1 %). Irregular steps while
#: the cadence fell are tiring, the ground, turns or a load (report audit s34 F6: 110 → 98 spm read 'Pace too fast',
#: advice 'lower the speed'; science audit s34 F6: the Oxford neck pouch, 121 → 113 spm at the walk's end)
PACE_ROSE_FRAC = 0.02
#: the pace flag's words where the pace did not rise ({how}: the cadence's change, with its numbers)
IRREGULAR_STEPS = {
    "walk": dict(
        title="Irregular steps / shuffling",
        cause="Your step timing became irregular compared with the start, while your pace did not rise ({how}): "
              "tiring, uneven or crowded ground, turns and stops, carrying something or reading a phone as you "
              "walk do this, and so does starting to shuffle.",
        advice="Slow down or take a short rest until the rhythm settles; pick the feet up and keep a steady beat. "
               "If you were reading or typing on a phone, stop to use it. If it came with pain, or keeps coming "
               "back, stop and rest."),
    "run": dict(
        title="Irregular steps",
        cause="Your step timing became irregular compared with the start of your run, while your cadence did not "
              "rise ({how}): tiring, uneven or crowded ground or turns are more likely than too fast a pace.",
        advice="Ease off or take a walking break until the rhythm settles, then build up again; keep a steady beat "
               "(a metronome or music at your cadence helps)."),
}


#: the phone in IRREGULAR_STEPS' walk words, and what a rollator or a walking desk says instead
IRREGULAR_PHONE_CAUSE = "carrying something or reading a phone as you walk do this"
IRREGULAR_PHONE_ADVICE = " If you were reading or typing on a phone, stop to use it."
IRREGULAR_AID_CAUSE = {"rollator": "or a load on the rollator do this",
                       "desk": "or typing or reading at the desk as you walk do this"}
assert IRREGULAR_PHONE_CAUSE in IRREGULAR_STEPS["walk"]["cause"]
assert IRREGULAR_PHONE_ADVICE in IRREGULAR_STEPS["walk"]["advice"]


@dataclass(frozen=True)
class StrainConfig:
    """Every default of the strain rules (units in the names). See the module docstring."""

    grid_s: float = 1.0                 # timeline / evaluation grid
    smooth_s: float = 10.0              # rolling-median window, at least …
    smooth_strides: int = 10            # … this many strides (window = max of the two)
    variability_window_s: float = 60.0  # stride CV, asymmetry, L/R pelvic drop (needs many strides)
    asymmetry_window_s: float = 120.0   # step-time asymmetry: noise ≈ 4·σ_IC/√n, so it needs long windows
    asymmetry_lcb_se: float = 2.0       # judge asymmetry − 2 standard errors (noisy steps ≠ asymmetry)
    asymmetry_enough_per_side: int = 20  # steady steps a side that judge a 120-s window however few it could hold
    stride_outlier_frac: float = 0.25   # strides this far off the local stride time are detector errors
    # step-timing variability is a property of steady walking (Hausdorff; Mobilise-D): strides that
    # turn (IPOL U-turns: |heading change| median 75° per stride, straight strides 1.7°, p95 9°), the
    # steps beside them and the first / last strides of a bout (speeding up, slowing down) are left out
    turn_heading_deg: float = 15.0
    bout_edge_strides: int = 2
    # a signal that repeats every stride far more than every step: a sensor on one side (trouser
    # pocket, one hip) — or a markedly uneven walk. Median step/stride regularity of the steady
    # steps (benchmarks/results/flags_healthy.md): lower-back and chest sensors 0.81–1.46 (58 IPOL
    # walks, 4 Mobilise-D walks, 6 Oxford neck pouches), phones in trouser pockets −0.03–0.42 (12
    # Oxford walks), a hip belt 0.49 / 0.53 (adeptdata walk / run, all steps). Between 0.53 and 0.81;
    # judged only where the stride itself repeats (≥ 0.5: Mobilise-D's daily activities do not)
    one_sided_symmetry: float = 0.65
    one_sided_min_stride_regularity: float = 0.5
    one_sided_min_steps: int = 20
    # a forward lean that appears all at once between two walks is more often the sensor re-clipped
    # (or a phone put back) than a posture: median lean of one bout vs the bout before, steady steps.
    # No jump ≥ 10° in 91 real recordings (IPOL, Mobilise-D — daily activities: ≤ 6.8° —, Oxford, the
    # adeptdata run's 18 bouts: ≤ 4.4°); a 20° re-clip (synthetic) raised a marked forward-lean flag for
    # the rest of the walk. The flag stays (a sensor cannot tell itself from a trunk); its cause says so
    lean_jump_deg: float = 10.0
    lean_jump_min_steps: int = 6
    variability_fill: float = 0.75      # fraction of the window's expected steps needed
    fatigue_window_s: float = 60.0
    min_periods: int = 5                # steps needed in a median window
    min_periods_var: int = 10           # steps needed in a variability window
    hold_s: float = 20.0
    min_on_fraction: float = 0.5        # of the hold time actually past the threshold
    hold_abs_lean_s: float = 5.0
    fatigue_hold_s: float = 120.0
    # a fatigue episode beginning within this of an over-striding or bounce episode it mostly overlaps is the
    # same abrupt change, not a drift (left to the specific flag)
    same_onset_s: float = 30.0
    merge_gap_s: float = 10.0
    release_hold_s: float = 10.0        # a release must last this long to end a flag
    release_fraction: float = 0.5
    baseline_max_s: float = 300.0
    baseline_min_s: float = 60.0
    min_baseline_steps: int = 20
    moderate_z: float = 0.5
    marked_z: float = 1.0
    # relative rules (vs personal baseline)
    cadence_drop_frac: float = 0.05
    braking_rise_frac: float = 0.20
    vo_rise_frac: float = 0.20
    impact_rise_frac: float = 0.20
    twist_excess_frac: float = 0.30
    twist_guard_frac: float = 0.40
    # guarding's severity steps: −47.5 % moderate, −55 % marked (graded in steps of the 40 % trigger it took
    # −80 % to be 'marked', where excess twist is marked at +60 %: the low-back-pain sign under-rated)
    twist_guard_grade_frac: float = 0.15
    lean_rise_deg: float = 5.0
    handrail_twist_frac: float = 0.40
    handrail_sway_frac: float = 0.20
    handrail_cadence_band_frac: float = 0.03
    handrail_vertical_frac: float = 0.10   # VO or impact drop, required only off a treadmill
    incline_cadence_band_frac: float = 0.05
    incline_rise_pct: float = 1.0       # incline explains a lean rise only where it is ≥ this above the
                                        # steepest incline of the baseline (its lean is in the baseline);
                                        # an incline this far off the baseline's also takes cadence, bounce
                                        # and lean out of the fatigue signals (the schedule moved them)
    cv_factor: float = 1.5
    cv_lcb_se: float = 1.0           # judge the stride CV − 1 standard error of its own estimate
    cv_min_rise_pct: float = 1.0
    regularity_drop: float = 0.10
    symmetry_drop: float = 0.10         # a bigger drop of the symmetry index means asymmetric, not irregular
    symmetry_share: float = 0.5         # … as does one over this share of the step regularity's drop
    # a slower, softer pace lowers the step regularity by itself (pace_regularity_allowance): not counted while the
    # stride CV stays under its baseline × this (within pace_reg_cv_hold_rows grid rows), the odds of the regularity's
    # shortfall raised at most this many times
    pace_reg_cv_rise: float = 1.5
    pace_reg_max_factor: float = 6.0
    pace_reg_bounce_exp: float = 1.2
    pace_reg_cadence_exp: float = 3.5
    pace_reg_cv_hold_rows: int = 60
    # … only where the cadence fell at least this share or the bounce this share below the gait's baseline (row noise
    # under an unchanged pace is no slowdown: review D F4), and at most this much (the model was fitted on clean
    # synthetic walks with a baseline regularity ≥ ~0.93; real walkers read ~0.77, where its odds scale up to 0.41:
    # review D F3)
    pace_reg_min_cadence_drop: float = 0.05
    pace_reg_min_bounce_drop: float = 0.15
    pace_reg_max: float = 0.05
    drop_rom_rise_deg: float = 1.5
    drop_lr_deg: float = 2.0
    drop_lr_rise_deg: float = 1.5
    asym_rise_pct: float = 2.0
    fatigue_cadence_frac: float = 0.03
    fatigue_vo_frac: float = 0.10
    fatigue_regularity: float = 0.05
    fatigue_lean_deg: float = 2.0
    fatigue_sway_frac: float = 0.15
    # a chest strap's height above the trunk's pivot at the lower back (sternum ≈ 0.71, lower back ≈ 0.61 × body
    # height: 0.175 m on a 1.75-m walker, rounded up; the synthetic chest model's): how far a lean swings it
    chest_above_pivot_m: float = 0.20
    # running's ground contact lengthens as the legs tire (gait-science §3/§7: 'GCT up'); a design choice at
    # the upper end of the +5–8 % drift the running literature typically reports: contact also lengthens when
    # the runner simply slows (off a belt the speed is unknown), which lowers the cadence too — two signals
    # from one easier pace. It is a noisy signal alone: at 100 Hz contacts come in 10-ms steps (8 % of 250 ms
    # is two samples), and on the real healthy adeptdata hip run the 60-s median wandered −10…+14 % (p5–p95)
    # around its baseline, past +8 % a tenth of the time — never together with a second signal (no fatigue)
    fatigue_gct_frac: float = 0.08
    # absolute fallbacks (used where no baseline exists) and their severity band widths
    run_cadence_min_spm: float = 164.0
    run_cadence_band_spm: float = 11.0          # 164 → 153 spm (Garmin orange → red)
    run_vo_max_cm: dict = field(default_factory=lambda: {"chest": 9.7, "pelvis": 10.9})
    run_vo_band_cm: dict = field(default_factory=lambda: {"chest": 1.8, "pelvis": 2.1})
    run_vr_max_pct: dict = field(default_factory=lambda: {"chest": 8.6, "pelvis": 10.0})
    run_vr_band_pct: dict = field(default_factory=lambda: {"chest": 1.5, "pelvis": 1.9})
    treadmill_run_vo_offset_cm: float = 1.5
    #: the runner's height the limits above were scaled for by :func:`runner_limits` (None: as set, for an adult
    #: of SIZE_REFERENCE_HEIGHT_M); their flags' cause says so
    run_limits_height_m: float | None = None
    lean_abs_deg: float = 10.0
    lean_abs_band_deg: float = 5.0
    cv_abs_pct: float = 5.0
    cv_abs_band_pct: float = 2.5
    asym_abs_pct: float = 6.0
    asym_abs_band_pct: float = 3.0
    # running: GCT balance past Garmin's red (gait-science §1.2/§7: green ≤ 50.7 %, red > 52.2 % for either
    # foot). Band: green's edge to red's, 1.5 points (a design choice: Garmin gives no 'marked')
    run_gct_balance_max_pct: float = 52.2
    run_gct_balance_band_pct: float = 1.5
    run_gct_balance_rise_pct: float = 2.0   # … and against a run's own baseline: + this many points
    drop_lr_abs_band_deg: float = 1.0
    incline_band_pct: float = 5.0

    def baseline_length_s(self, asked_s: float, walking_s: float) -> float:
        """The walking time a gait's personal baseline takes: the first min(asked, ``baseline_max_s``, half
        that gait's walking) — one rule for the flags, the reports' wording and symptom marks."""
        return min(float(asked_s), self.baseline_max_s, walking_s / 2.0)


#: what a gait without a personal baseline is still judged on (the absolute fallbacks), and what not: said
#: in the notes, so that "no flags" on a short walk does not read as "nothing was wrong with any of it"
#: (" and pelvic drop" is added where the steps have pelvic-drop values: without a gyroscope the other note
#: says pelvic drop cannot be judged, and this list said it was)
_NO_BASELINE_JUDGED = {
    "walk": "forward lean over {lean:g}°, uneven step timing, left/right differences in step time",
    "run": "low running cadence, high bounce, forward lean over {lean:g}°, uneven step timing, left/right "
           "differences in step time"}
#: how _NO_BASELINE_JUDGED names the general lean limit ({lean:g}: StrainConfig.lean_abs_deg)
_NO_BASELINE_LEAN = "forward lean over {lean:g}°, "
_NO_BASELINE_NOT_JUDGED = {
    "walk": "Over-striding, bounce, trunk twist (too much or too little), handrail gripping, lean from the "
            "incline, pelvic-drop range and fatigue",
    "run": "Trunk twist (too much or too little), handrail gripping, lean from the incline, pelvic-drop range "
           "and fatigue"}
_NO_BASELINE_NOTE = "too short for a personal baseline"

#: an idle stretch (no walking) longer than this is left off the flags' 1-s grid and the timeline but for
#: :data:`GRID_IDLE_EDGE_S` at each end (a night, a clock set forward; see _grid_times), s
GRID_IDLE_CUT_S = 3600.0
GRID_IDLE_EDGE_S = 600.0

#: rules that still make sense for a sensor off the trunk (pocket, thigh, wrist): step timing only
_OFF_TRUNK_RULES = ("pace_too_fast",)

#: minimum relative-threshold excursion, so a near-zero baseline cannot make a rule hair-trigger
_FLOORS = {"cadence_spm": 1.0, "braking_mps": 0.02, "vertical_oscillation_cm": 0.3, "impact_g": 0.05,
           "trunk_twist_deg": 1.0, "lateral_sway_cm": 0.3, "ground_contact_ms": 10.0}

_METRICS = ("cadence_spm", "braking_mps", "step_length_m", "vertical_oscillation_cm", "vertical_ratio_pct",
            "impact_g", "trunk_twist_deg", "forward_lean_deg", "lean_vs_standing_deg", "lateral_sway_cm",
            "pelvic_drop_deg", "step_regularity", "stride_regularity", "symmetry")
_VAR_METRICS = ("stride_time_cv_pct", "stride_time_cv_lcb_pct", "step_time_asymmetry_pct",
                "step_time_asymmetry_lcb_pct", "pelvic_drop_lr_diff_deg", "gct_balance_long_side_pct")
#: short lines for a live view, while the walker can still do something about the sensor
ONE_SIDED_HINT = ("The sensor seems to sit on one side (a pocket? one hip?): left/right and posture results may "
                  "reflect where it sits — centre it on the lower back or chest.")


def lean_jump_hint(time_s: float, change_deg: float, origin_s: float = 0.0) -> str:
    return (f"At {_mmss(time_s - origin_s)} the sensor tipped {abs(change_deg):.0f}° {'forward' if change_deg > 0 else 'back'} "
            "between two walks — re-clipped or moved? Lean from then on may be the sensor, not you.")


#: flags a sensor on one side (pocket, hip) can raise by itself: left/right comparisons and its own tilt
PLACEMENT_SENSITIVE = ("asymmetry", "pelvic_instability", "forward_lean")
#: metrics a turn distorts (the path's bend, not the trunk): turning strides are left out of them
TURN_BLIND = ("lateral_sway_cm", "trunk_twist_deg")
#: the gait's baselines the slow-pace regularity allowance is read against (kept before any rebasing)
_PACE_REG_REFS = ("cadence_spm", "vertical_oscillation_cm", "stride_time_cv_pct")


def pace_regularity_allowance(reg_b, cad, cad_b, vo, vo_b, cv, cv_b, cfg: "StrainConfig") -> np.ndarray:
    """How much lower the step regularity reads at a slower, softer pace by itself, the steps as even as before
    (≥ 0; 0 where anything is unknown, at the same or a faster pace and bounce, or within
    ``pace_reg_cv_hold_rows`` grid rows of a stride CV ≥ its baseline × ``pace_reg_cv_rise``, or of no measured
    stride CV at all — a walk under ~a minute; where the cadence is less than ``pace_reg_min_cadence_drop`` and the
    bounce less than ``pace_reg_min_bounce_drop`` below baseline; at most ``pace_reg_max``).

    Step regularity (the unfiltered vertical acceleration's autocorrelation) is the bounce's share beside the
    heel-strike jolt, which the normal step-time variation blurs: the smaller the bounce's acceleration (bounce ×
    cadence²), the larger the jolt's share, and the same relative step-time variation is more time at a slower pace.
    On clean synthetic walks (the same 1 or 2 % step-time variation, 76–110 spm, 1.2–3.7 cm, heel-strike jolt 1 and
    4 m/s²) the odds (1 − r) / r grow as (baseline bounce / bounce)^1.2 × (baseline cadence / cadence)^3.5, at most
    ×6 (the bounce's 1.2 a least-squares fit over 56 slower/faster pairs; the cadence's 3.5 fitted at the slow end,
    where the false flags were — the all-pairs fit, 2, under-predicted the desk's drop by 0.04). Measured → predicted:
    the desk pad turned 92 → 76 spm, 2.2 → 1.2 cm at 2 %: 0.970 → 0.878, 0.89; 110 → 102 spm, 3.7 → 2.2 cm at
    1 %: 0.980 → 0.960, 0.954; 110 → 85 spm, 3.7 → 1.7 cm at 2 %: 0.954 → 0.822, 0.775 (a large slowdown is
    over-predicted by up to 0.05). Steps that became uneven lower the regularity beyond what the pace does, and
    raise the stride CV: no allowance near such a rise. Capped at ``pace_reg_max`` (0.05): the fit's walks had a
    baseline regularity ≥ ~0.93, and at a real walker's ~0.77 the odds gave 0.17–0.41, letting uneven step heights,
    scuffing or an unsteady trunk with even timing go unflagged when the walker also slowed (review D F2/F3)."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        factor = (np.maximum(vo_b / vo, 1.0) ** cfg.pace_reg_bounce_exp
                  * np.maximum(cad_b / cad, 1.0) ** cfg.pace_reg_cadence_exp)
        factor = np.minimum(factor, cfg.pace_reg_max_factor)
        odds = (1.0 - reg_b) / reg_b * factor
        allow = np.where((reg_b > 0.0) & (reg_b < 1.0) & (factor > 1.0), reg_b - 1.0 / (1.0 + odds), 0.0)
        risen = cv >= cv_b * cfg.pace_reg_cv_rise        # NaN (not yet measured, a walk's first minute): not risen
        slower = ((cad <= (1.0 - cfg.pace_reg_min_cadence_drop) * cad_b)
                  | (vo <= (1.0 - cfg.pace_reg_min_bounce_drop) * vo_b))
    # … anywhere within ±pace_reg_cv_hold_rows rows (grid seconds): a 60-s CV of steps that did become uneven dips
    # back under the limit now and then, and the allowance must not come and go with it (a tired walker's flag
    # broke into pieces)
    h = int(cfg.pace_reg_cv_hold_rows)
    cs = np.concatenate(([0], np.cumsum(risen, dtype=np.int64)))
    i = np.arange(risen.size)
    near = cs[np.minimum(i + h + 1, risen.size)] - cs[np.maximum(i - h, 0)] > 0
    # … and a stride CV measured within those rows at all: a walk under ~a minute has none, and 'not risen' there
    # let a shuffle whose stride CV doubled go unflagged in 3–4 of 5 40-s walks (review D F1)
    cm = np.concatenate(([0], np.cumsum(np.isfinite(cv), dtype=np.int64)))
    measured = cm[np.minimum(i + h + 1, risen.size)] - cm[np.maximum(i - h, 0)] > 0
    return np.where(np.isfinite(allow) & ~near & measured & slower, np.minimum(allow, cfg.pace_reg_max), 0.0)


#: (ground contact is measured in running only: walking's fatigue has the other five)
_FATIGUE = ("cadence_spm", "vertical_oscillation_cm", "step_regularity", "forward_lean_deg", "lateral_sway_cm",
            "ground_contact_ms")

#: the smoothed series the timeline holds (each with its "<series>_baseline"), in the order the timeline CSV writes
#: them: that CSV has these columns for every recording — one without steps has no timeline to take them from
TIMELINE_SERIES = _METRICS + _VAR_METRICS + tuple("fatigue_" + f for f in _FATIGUE)

#: metrics whose change is stated as a difference (°, percentage points, 0..1), not as a percentage
_ADDITIVE = ("forward_lean_deg", "lean_vs_standing_deg", "step_regularity", "stride_regularity", "symmetry",
             "stride_time_cv_pct", "step_time_asymmetry_pct",
             "step_time_asymmetry_lcb_pct", "pelvic_drop_deg", "pelvic_drop_lr_diff_deg")

#: a chest sensor's roll range is the thorax's side-bend: its evidence in the reports' word ('Trunk roll')
_CHEST_LABEL = {"pelvic_drop_deg": "trunk roll", "pelvic_drop_lr_diff_deg": "left/right trunk-roll difference"}

_LABEL = {  # metric → (label, unit, decimals)
    "cadence_spm": ("cadence", "spm", 0), "braking_mps": ("braking", "m/s", 2),
    "step_length_m": ("step length", "m", 2), "vertical_oscillation_cm": ("vertical oscillation", "cm", 1),
    "vertical_ratio_pct": ("vertical ratio", "%", 1), "impact_g": ("impact", "g", 2),
    "trunk_twist_deg": ("trunk twist", "°", 1), "forward_lean_deg": ("forward lean", "°", 1),
    "lean_vs_standing_deg": ("forward lean vs standing", "°", 1),
    "lateral_sway_cm": ("lateral sway", "cm", 1), "pelvic_drop_deg": ("pelvic drop", "°", 1),
    # (labels a walker reads in a flag's message: plain words, the statistic in brackets where it helps)
    "step_regularity": ("step regularity (1 = every step alike)", "", 2),
    "stride_regularity": ("stride regularity (1 = every stride alike)", "", 2),
    "symmetry": ("left/right symmetry (1 = alike)", "", 2),
    "stride_time_cv_pct": ("stride-to-stride variation in timing", "%", 1),
    "step_time_asymmetry_pct": ("left/right difference in step time", "%", 1),
    "step_time_asymmetry_lcb_pct": ("left/right difference in step time (at least, allowing for measuring "
                                    "noise)", "%", 1),
    "pelvic_drop_lr_diff_deg": ("left/right pelvic-drop difference", "°", 1),
    "incline_pct": ("incline", "%", 1),
    "gct_balance_long_side_pct": ("ground-contact balance (the longer-contact foot's share of the two)", "%", 1),
    "ground_contact_ms": ("ground contact time", "ms", 0),
}


# --------------------------------------------------------------------------------------------------
# criteria: one signal against one threshold, with hysteresis and a severity scale
# --------------------------------------------------------------------------------------------------
@dataclass
class _Crit:
    """``sign·(x − thr) ≥ 0`` is "past the threshold"; released once back ``release`` of ``step``."""

    metric: str
    x: np.ndarray        # series on the grid
    thr: np.ndarray      # threshold on the grid (NaN = criterion unavailable there)
    step: np.ndarray     # severity scale (> 0)
    sign: int            # +1: high is bad, −1: low is bad
    ref: np.ndarray      # baseline (relative) or the absolute threshold
    graded: bool = True  # counts toward severity / message
    grade_step: np.ndarray | None = None   # severity scale where it is not ``step`` (the release keeps ``step``)
    #: the series a flag quotes and grades where it is not ``x``: the stride CV is judged on its lower bound
    #: (past the threshold beyond the estimate's own noise) but quoted as measured, beside its baseline
    shown: np.ndarray | None = None

    def on(self) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return self.sign * (self.x - self.thr) >= 0

    def off(self, release_fraction: float) -> np.ndarray:
        release = self.thr - self.sign * release_fraction * self.step
        with np.errstate(invalid="ignore"):
            return ~(self.sign * (self.x - release) >= 0)   # NaN → off


@dataclass
class _Group:
    mode: str                       # "and" | "or" | "k2" (at least two)
    items: list                     # of _Crit | _Group

    def on_off(self, rf: float) -> tuple[np.ndarray, np.ndarray]:
        ons, offs = zip(*[(i.on(), i.off(rf)) if isinstance(i, _Crit) else i.on_off(rf) for i in self.items])
        ons, offs = np.array(ons), np.array(offs)
        if self.mode == "and":
            return ons.all(0), offs.any(0)
        if self.mode == "or":
            return ons.any(0), offs.all(0)
        return ons.sum(0) >= 2, (~offs).sum(0) < 2

    def graded(self) -> list[_Crit]:
        out = []
        for i in self.items:
            if isinstance(i, _Crit):
                if i.graded:
                    out.append(i)
            else:
                out.extend(i.graded())
        return out


@dataclass
class _Rule:
    id: str
    rel: _Group | None
    abs: _Group | None
    use_rel: np.ndarray       # bool on grid: the relative variant applies here
    hold_rel_s: float
    hold_abs_s: float
    grade: str                # "min" (AND), "max" (OR), "second" (fatigue)
    variant: str = ""         # which form of the rule ("acc_only": handrail gripping without a gyroscope)


# --------------------------------------------------------------------------------------------------
# vectorised helpers
# --------------------------------------------------------------------------------------------------
#: above this many gathered values per column a windowed median goes to pandas' skip-list
#: (O(n log w)); below it one numpy sort of the padded windows is faster (short recordings,
#: where pandas' per-call setup dominates). Both give the exact median of the same window.
_NUMPY_MEDIAN_MAX_VALUES = 60_000
#: … and at any length for windows of at most this many rows (numpy 1.4 ms, pandas 2.3 ms for an hour's 6,210 steps
#: in 21-row windows; even at ~60 rows, pandas ahead at ~120), sorting this many padded values at a time
_NUMPY_MEDIAN_MAX_WIDTH = 40
_NUMPY_MEDIAN_BLOCK_VALUES = 2_000_000
#: the pandas rolling median takes columns in groups of about this many values (steps × columns): a day of
#: steps (150,000) goes 3 columns at a time, an hour's all at once
_ROLLING_GROUP_VALUES = 500_000


def _window_bounds(time_s: np.ndarray, window_s: float) -> tuple[np.ndarray, np.ndarray]:
    """[lo, hi) row bounds of pandas' centred time window: rows with t in (t_i − w/2, t_i + w/2],
    compared on pandas' own integer nanoseconds so that ties fall on the same side."""
    t = np.asarray(time_s, float)
    base = np.trunc(t).astype(np.int64)     # pandas' float-seconds → ns rule (to_timedelta costs 60 µs a call)
    tn = base * 1_000_000_000 + (np.round(t - base, 9) * 1e9).astype(np.int64)
    half = pd.Timedelta(seconds=float(window_s)).value // 2
    return np.searchsorted(tn, tn - half, side="right"), np.searchsorted(tn, tn + half, side="right")


def _window_sums(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(count, sum, sum of squares) of the finite values of x in each window, x shifted by its mean
    first (keeps the variance free of cancellation)."""
    ok = np.isfinite(x)
    ref = float(x[ok].mean()) if ok.any() else 0.0
    d = np.where(ok, x - ref, 0.0)
    c = np.concatenate([[0], np.cumsum(ok)])
    s1 = np.concatenate([[0.0], np.cumsum(d)])
    s2 = np.concatenate([[0.0], np.cumsum(d * d)])
    return c[hi] - c[lo], s1[hi] - s1[lo], s2[hi] - s2[lo]


def _window_medians(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, cnt: np.ndarray | None = None) -> np.ndarray:
    """Median of the finite values of each column of x (n, k) over rows [lo_i, hi_i). ``cnt``: those windows'
    finite values per column, (len(lo), k), when the caller has them (:func:`_finite_counts`)."""
    n, k = x.shape
    width = int((hi - lo).max()) if lo.size else 0
    idx = lo[:, None] + np.arange(width)[None, :]
    # rows past a window's end read an appended NaN row: one gather, no (rows, width, k) mask and select after it
    idx = np.where(idx < hi[:, None], idx, n)
    win = np.concatenate([x, np.full((1, k), np.nan)])[idx]                 # (rows, width, k)
    win.sort(axis=1)                                                         # NaN last
    # the finite values per window from running counts (the same integers as counting the sorted windows' finite
    # entries, ~5x cheaper): ~30 % of the numpy medians' CPU (review perf s41)
    cnt = _finite_counts(x, lo, hi) if cnt is None else cnt                  # (rows, k)
    a = np.take_along_axis(win, np.maximum((cnt - 1) // 2, 0)[:, None, :], axis=1)[:, 0, :]
    b = np.take_along_axis(win, np.maximum(cnt // 2, 0)[:, None, :], axis=1)[:, 0, :]
    with np.errstate(invalid="ignore"):
        return np.where(cnt > 0, np.where(cnt % 2 == 1, a, 0.5 * (a + b)), np.nan)


#: the windowed medians of the last judgement (see :func:`reusing_window_medians`); None: not kept
_MEDIAN_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("imu_gait_median_memo", default=None)


@contextlib.contextmanager
def reusing_window_medians(memo: dict):
    """Within the block, each centred rolling median keeps its windows' medians in ``memo`` (a dict the caller
    keeps from one call of :func:`evaluate_flags` to the next; start with ``{}``) and takes from there every
    window whose values are bit for bit those of the same window in the last call.

    Live, the flags are re-judged every 10 steps on the last 10 minutes (~1,100 steps): sorting every window
    again was ~35 % of a live session's CPU, though only the windows at the two ends of the table (the new
    steps, the steps dropped at the start) and those over values that changed hold other values. A median
    is a function of its window's values alone, so a window with the same values gives the same median —
    the result is the one computed afresh (tests/test_strain_fast_paths.py checks it against a fresh
    judgement)."""
    memo["call"] = 0                       # the calls of one judgement are matched by their order
    token = _MEDIAN_MEMO.set(memo)
    try:
        yield memo
    finally:
        _MEDIAN_MEMO.reset(token)


def _memo_medians(memo: dict, time_s: np.ndarray, x: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                  cnt: np.ndarray | None = None) -> np.ndarray:
    """Median of the finite values of each column of x (n, k) over rows [lo_i, hi_i), as
    :func:`_window_medians`, taking each window whose values match the same call of the last judgement
    from ``memo`` (``cnt``: the windows' finite values per column, :func:`_finite_counts`, when the caller has
    them). Only for x without ±inf and −0.0: then the numpy sort and pandas' skip-list (the path a
    fresh call may take) give the same number for the same values (the same order statistic; the mean of two
    as (a + b) / 2 or 0.5 · (a + b), both the rounded half of the same rounded sum), whichever computes it."""
    n, k = x.shape
    # not keyed by the window's length: the smoothing window follows the table's median step time, which moves
    # a little with every judgement while most windows still hold the same steps (their bounds are compared)
    key = (memo["call"], k)
    bits = np.ascontiguousarray(x).view(np.int64)
    med = np.full((n, k), np.nan)
    todo = np.ones(n, bool)
    last = memo.get(key)
    if last is not None and n:
        p_t, p_bits, p_lo, p_hi, p_med = last
        s = int(np.searchsorted(p_t, time_s[0]))          # this call's first row in the last one
        overlap = min(n, len(p_t) - s)
        if overlap > 0 and p_t[s] == time_s[0]:
            same = (p_t[s:s + overlap] == time_s[:overlap]) & (p_bits[s:s + overlap] == bits[:overlap]).all(axis=1)
            changed = np.concatenate([[0], np.cumsum(~same)])
            i = np.flatnonzero(hi <= overlap)                  # windows inside the overlap
            j = i + s
            hit = ((p_lo[j] == lo[i] + s) & (p_hi[j] == hi[i] + s) & (changed[hi[i]] == changed[lo[i]]))
            med[i[hit]] = p_med[j[hit]]
            todo[i[hit]] = False
            memo["reused"] = memo.get("reused", 0) + int(hit.sum())      # (tests: the memo was used)
    rows = np.flatnonzero(todo)
    if rows.size:
        # rows in groups that keep the padded (rows, width, k) sort within the numpy path's bound
        width = max(int((hi[rows] - lo[rows]).max()), 1)
        per = max(1, _NUMPY_MEDIAN_MAX_VALUES // width)
        for r0 in range(0, rows.size, per):
            r = rows[r0:r0 + per]
            med[r] = _window_medians(x, lo[r], hi[r], None if cnt is None else cnt[r])
    memo[key] = (np.array(time_s, float), bits.copy(), lo, hi, med.copy())
    return med


def _finite_counts(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Finite values of each column of x (n, k) in each row's window [lo, hi)."""
    cnt = np.concatenate([np.zeros((1, x.shape[1]), np.int64), np.cumsum(np.isfinite(x), axis=0)])
    return cnt[hi] - cnt[lo]


def _rolling_median_cols(time_s: np.ndarray, x: np.ndarray, window_s: float, min_periods) -> np.ndarray:
    """Centred time-window rolling median of each column of x (n, k); NaN below ``min_periods`` (one
    number, or one per row)."""
    lo, hi = _window_bounds(time_s, window_s)
    n, k = x.shape
    need = np.maximum(np.asarray(min_periods), 1)
    need = need[:, None] if need.ndim else need
    memo = _MEDIAN_MEMO.get()
    if memo is not None:
        memo["call"] += 1
        if n and not (np.isinf(x).any() or (np.signbit(x) & (x == 0)).any()):
            cnt = _finite_counts(x, lo, hi)
            med = _memo_medians(memo, time_s, x, lo, hi, cnt)
            return np.where(cnt >= need, med, np.nan)
    width = int((hi - lo).max()) if n else 0
    if n and width * n <= _NUMPY_MEDIAN_MAX_VALUES:
        cnt = _finite_counts(x, lo, hi)
        med = _window_medians(x, lo, hi, cnt)
        return np.where(cnt >= need, med, np.nan)
    if n and width <= _NUMPY_MEDIAN_MAX_WIDTH and not (np.isinf(x).any() or (np.signbit(x) & (x == 0)).any()):
        # narrow windows of a long table (the smoothing's ~20 steps): numpy's sort of the padded windows, a block
        # of rows at a time, beats pandas' skip-list (an hour of walking: 14 columns 19 → 15 ms; review perf s41) —
        # without ±inf and −0.0 the same numbers as pandas gives (see _memo_medians), so a table gets the same
        # medians whichever path its length takes
        cnt = _finite_counts(x, lo, hi)
        med = np.empty((n, k))
        per = max(1, _NUMPY_MEDIAN_BLOCK_VALUES // (width * k))
        for r0 in range(0, n, per):
            r = slice(r0, r0 + per)
            med[r] = _window_medians(x, lo[r], hi[r], cnt[r])
        return np.where(cnt >= need, med, np.nan)
    # a few columns at a time: pandas copies its input and output, and the counts are as large again
    # (five day-sized (n, k) arrays at once: +250 MB of a 72-hour analysis' peak); the columns are
    # independent, so the result is the same
    out = np.empty((n, k))
    index = pd.to_timedelta(time_s, unit="s")
    group = max(1, _ROLLING_GROUP_VALUES // max(n, 1))
    for j0 in range(0, k, group):
        part = x[:, j0:j0 + group]
        df = pd.DataFrame(part, index=index)
        med = df.rolling(pd.Timedelta(seconds=float(window_s)), center=True, min_periods=1).median().to_numpy(float)
        out[:, j0:j0 + group] = np.where(_finite_counts(part, lo, hi) >= need, med, np.nan)
    return out


def _rolling(time_s: np.ndarray, values: np.ndarray, window_s: float, how: str, min_periods) -> np.ndarray:
    """Centred time-window rolling statistic of per-step values (``how``: 'median', 'mean', 'std'
    (ddof 1) or 'count'), with pandas' window rule; NaN where fewer than ``min_periods`` finite values
    are in the window (count, as in pandas: where the window has fewer than ``min_periods`` rows)."""
    x = np.asarray(values, float)
    if x.size == 0:
        return x
    if how == "median":
        return _rolling_median_cols(time_s, x[:, None], window_s, min_periods)[:, 0]
    lo, hi = _window_bounds(time_s, window_s)
    n, s1, s2 = _window_sums(x, lo, hi)
    enough = (hi - lo if how == "count" else n) >= np.maximum(min_periods, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if how == "count":
            out = n.astype(float)
        elif how == "mean":
            ok = np.isfinite(x)
            out = s1 / n + (float(x[ok].mean()) if ok.any() else 0.0)
        elif how == "std":
            out = np.sqrt(np.maximum(s2 - s1 * s1 / n, 0.0) / (n - 1))
            out = np.where(n >= 2, out, np.nan)
        else:
            raise ValueError(f"unknown rolling statistic {how!r}")
    return np.where(enough, out, np.nan)


def _rolling_frame(time_s: np.ndarray, cols: dict[str, np.ndarray], window_s: float, min_periods: int) -> dict:
    """Centred time-window rolling median of every column of ``cols`` (name → per-step values) at once."""
    x = np.stack(list(cols.values()), axis=1) if cols else np.empty((len(time_s), 0))
    if len(time_s) == 0:
        return {k: x[:, j] for j, k in enumerate(cols)}
    med = _rolling_median_cols(time_s, x, window_s, min_periods)
    return {k: med[:, j] for j, k in enumerate(cols)}


def _window_min_periods(time_s: np.ndarray, window_s: float, step_s: float, cfg, *, per_side: bool = False) -> np.ndarray:
    """Per step: the values a centred ``window_s`` window needs (``variability_fill`` × the steps it could
    hold, halved for one side's steps; at least ``min_periods_var``, halved likewise). 'Could hold' counts
    only the part of the window inside the walk: at its ends — and at the newest step of a live walk —
    the window is half outside, and asking for a full window's steps there left the variability metrics
    empty for the last 15–30 s (so a limp that began mid-walk was never cued live)."""
    half = window_s / 2.0
    inside = (np.minimum(time_s + half, time_s[-1]) - np.maximum(time_s - half, time_s[0])) if len(time_s) else time_s
    k = 2 if per_side else 1
    expected = inside / step_s if step_s > 0 else np.zeros_like(inside)
    return np.maximum(cfg.min_periods_var // k, (cfg.variability_fill * expected / k).astype(int))


def _per_side(time_s, values, side_code, window_s, min_periods, how="median"):
    """Rolling ``how`` (see :func:`_rolling`) of ``values`` over each side's own steps (``side_code``
    0 = left, 1 = right), carried to the neighbouring steps of the other side: (left, right).
    ``min_periods``: one number, or one per step."""
    out = []
    mp = np.broadcast_to(np.asarray(min_periods), np.shape(values))
    for code in (0, 1):
        m = (side_code == code) & np.isfinite(values)
        full = np.full(len(values), np.nan)
        if m.any() and m.sum() >= mp[m].min():
            full[m] = _rolling(time_s[m], values[m], window_s, how, mp[m])
        out.append(_fill_gaps(full, 3))
    return out


def _gct_balance_long_side(time_s, gct_ms, side_code, steady, smooth_s, window_s, min_periods, cfg) -> np.ndarray:
    """Per step (running): the longer-contact foot's share of left + right ground-contact time over a centred
    ``window_s`` window, % (50 = even; Garmin's GCT balance, whichever foot is longer). Steady steps only;
    contacts 30 % off their local median (a missed flight, a split contact) are dropped. Per-side means,
    not medians: 100-Hz contacts come in 10-ms steps, a median would move the share in 1-point jumps."""
    local = _rolling(time_s, gct_ms, smooth_s, "median", cfg.min_periods)
    clean = np.where(steady & (np.abs(gct_ms / local - 1.0) < 0.3), gct_ms, np.nan)
    lg, rg = _per_side(time_s, clean, side_code, window_s, min_periods, "mean")
    return np.maximum(lg, rg) / (lg + rg) * 100.0


def _fill_gaps(x: np.ndarray, limit: int) -> np.ndarray:
    """Forward-fill NaN runs by up to ``limit`` values, then back-fill what is left the same way
    (as pandas' ``ffill(limit).bfill(limit)``)."""
    x = x.copy()
    for rev in (False, True):
        y = x[::-1] if rev else x
        ok = np.isfinite(y)
        idx = np.arange(y.size)
        last = np.maximum.accumulate(np.where(ok, idx, -1))
        fill = ~ok & (last >= 0) & (idx - last <= limit)
        y[fill] = y[last[fill]]
        x = y[::-1] if rev else y
    return x


def _held(t: np.ndarray, on: np.ndarray, off: np.ndarray, hold_s: np.ndarray, dt: float,
          min_on_fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """Points where a pattern has been *held* for ``hold_s``, and where each pending stretch began.

    A stretch is pending from the first ``on`` point until the next ``off`` point (dips into the
    dead band between threshold and release do not restart it). It counts as held once it has lasted
    ``hold_s``, was past the threshold for at least ``min_on_fraction`` of that time and is past it now.
    """
    idx = np.arange(len(on))
    pending = _hysteresis(on, off)
    # (np.concatenate, not np.r_: the same arrays, and np.r_'s parsing costs ~4 µs a call — these
    # helpers run a few times for each of the rules at every evaluation)
    starts = pending & ~np.concatenate(([False], pending[:-1]))
    p_start = np.maximum.accumulate(np.where(starts, idx, 0))
    elapsed = t - t[p_start] + dt
    con = np.cumsum(on)
    on_count = con - np.concatenate(([0], con))[p_start]
    held = on & pending & (elapsed >= hold_s - 1e-9) & (on_count * dt >= min_on_fraction * elapsed - 1e-9)
    return held, p_start


def _hysteresis(set_: np.ndarray, reset: np.ndarray) -> np.ndarray:
    """Latch: true from a ``set_`` point until the next ``reset`` point (vectorised)."""
    idx = np.arange(len(set_))
    last_set = np.maximum.accumulate(np.where(set_, idx, -1))
    last_reset = np.maximum.accumulate(np.where(reset, idx, -1))
    return last_set > last_reset


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of every run of True."""
    d = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1) - 1))


#: a severity as people read it: the value "marked" (the JSON's and the CSVs' word, docs/json.md) is shown as
#: "strong" — beside symptom *marks* (the p key, --marks) "1 flag (1 marked)" read as one pain mark (new-user
#: audit s34 #9). mild / moderate / strong: past the flag's threshold by less than half its grading step, by up
#: to one, by more (README, "Back-strain flags")
SEVERITY_WORDS = {"mild": "mild", "moderate": "moderate", "marked": "strong"}


def severity_word(severity: str) -> str:
    """The word shown for a severity value ("marked" → "strong"; others, and unknown values, as they are)."""
    return SEVERITY_WORDS.get(str(severity), str(severity))


def _severity(z: float, cfg: StrainConfig) -> str:
    if not np.isfinite(z) or z < cfg.moderate_z:
        return "mild"
    return "moderate" if z < cfg.marked_z else "marked"


def _fmt_num(v: float, metric: str) -> str:
    label, unit, dec = _LABEL.get(metric, (metric, "", 2))
    if not np.isfinite(v):
        return "n/a"
    text = f"{v:.{dec}f}"
    if float(text) == 0.0:
        text = text.lstrip("-")                  # -0.04° at one decimal reads '-0.0°': no sign on zero
    return text + (f" {unit}" if unit and unit not in "°%" else unit)


def flag_title(flag_id: "str | Flag") -> str:
    """A flag's title as the reports write it ('Vertical bounce / hard landings'): ``FLAG_INFO``'s for an id; for a
    :class:`Flag`, its own ``title`` when it has one (a pace flag whose cadence fell is not 'Pace too fast'), else
    its id's."""
    if not isinstance(flag_id, str):
        return getattr(flag_id, "title", "") or flag_title(flag_id.id)
    return FLAG_INFO.get(flag_id, {}).get("title") or flag_id.replace("_", " ").capitalize()


def metric_text(value: float, metric: str) -> str:
    """``value`` of ``metric`` as a flag's message writes it ('3.8 cm', '12.0°', 'n/a')."""
    return _fmt_num(value, metric)


def metric_words(metric: str) -> str:
    """``metric`` in the plain words a flag's message uses ('vertical oscillation')."""
    return _LABEL.get(metric, (metric.replace("_", " "), "", 2))[0]


def step_length_source(summary: dict[str, Any]) -> str:
    """Where the step length and speed came from: "belt" (a belt speed for the whole walk: belt
    speed × step time, exact as far as the belt speed is), "partly belt" (a treadmill schedule that
    gives the speed for some stages only) or "model" (the pendulum model on the trunk's motion)."""
    def f(v: Any) -> float:
        try:
            return float(v)
        except (TypeError, ValueError):
            return float("nan")

    if f(summary.get("belt_speed_mps")) > 0:
        return "belt"
    stages = summary.get("treadmill_schedule") or []
    known = [f(st.get("belt_speed_mps") if isinstance(st, dict) else st[1]) > 0 for st in stages]
    if known and all(known):
        return "belt"
    return "partly belt" if any(known) else "model"


def roll_name(placement: str | None) -> str:
    """What the roll range per step is called where the sensor sat: 'trunk roll' on the chest (the thorax's
    side-bend, the reports' word there), else 'pelvic drop' — for the notes that name it as missing."""
    return _CHEST_LABEL["pelvic_drop_deg"] if _placement_kind(placement) == "chest" else "pelvic drop"


def placement_kind(placement: str | None) -> str:
    """The placement as one of 'lower_back' | 'chest' | 'off_trunk' (pocket, thigh, wrist …) | 'unknown' —
    free text from a file's metadata ('back', 'chest_neck_pouch', 'back_trouser_pocket') made groupable."""
    return {"pelvis": "lower_back", "chest": "chest", "off_trunk": "off_trunk"}.get(_placement_kind(placement) or "",
                                                                                  "unknown")


def _placement_kind(placement: str | None) -> str | None:
    """'chest' | 'pelvis' | 'off_trunk' (pocket, thigh, wrist …) | None (not recognised)."""
    if placement is None:
        return None
    p = str(placement).lower()
    if any(k in p for k in ("pocket", "thigh", "wrist", "hand", "arm", "ankle", "foot", "shoe", "leg")):
        return "off_trunk"
    if any(k in p for k in ("chest", "sternum", "thorax", "upper", "strap")):
        return "chest"
    if any(k in p for k in ("pelvis", "lower", "sacr", "waist", "hip", "lumbar", "back", "belt", "pod")):
        return "pelvis"
    return None


# --------------------------------------------------------------------------------------------------
# public entry point
# --------------------------------------------------------------------------------------------------
def runner_limits(cfg: StrainConfig, body_height_m: float | None) -> StrainConfig:
    """``cfg`` with its runners' general limits (cadence, bounce; the vertical ratio is a ratio and stays) for a
    runner ``body_height_m`` taller than :data:`SIZE_REFERENCE_HEIGHT_M`: Garmin's percentiles are adults', and
    runners of one build running alike take steps at a rate ∝ 1/√(leg length) and bounce ∝ leg length — a 2-m
    runner's easy 155 spm was 'over-striding' under the 164-spm limit with the height given (limit there 153 spm).
    Only ever towards fewer flags: for a shorter runner the limits stay the adults' — no percentile of children's
    or short runners' cadence is published, and scaled up the limit (192 spm at 1.28 m) made a child's 175-spm run
    'marked' over-striding, a cadence children commonly run at. None: ``cfg`` unchanged."""
    if body_height_m is None or float(body_height_m) <= SIZE_REFERENCE_HEIGHT_M:
        return cfg
    h = float(body_height_m)
    return replace(cfg, run_cadence_min_spm=cadence_for_height(cfg.run_cadence_min_spm, h),
                   run_cadence_band_spm=cadence_for_height(cfg.run_cadence_band_spm, h),
                   run_vo_max_cm={k: length_for_height(v, h) for k, v in cfg.run_vo_max_cm.items()},
                   run_vo_band_cm={k: length_for_height(v, h) for k, v in cfg.run_vo_band_cm.items()},
                   run_limits_height_m=h)


def evaluate_flags(steps: pd.DataFrame, *, treadmill: bool = False, belt_speed_mps: float | None = None,
                   incline_pct: float | None = None, max_incline_pct: float | None = None,
                   placement: str | None = None, has_gyro: bool = True, baseline_s: float = 180.0,
                   config: StrainConfig | None = None,
                   fixed_baselines: dict | None = None, treadmill_schedule: TreadmillSchedule | None = None,
                   schedule_origin_s: float = 0.0, walking_aid: str | None = None,
                   asymmetry_blind_gaits: Collection[str] = (),
                   body_height_m: float | None = None) -> tuple[list[Flag], pd.DataFrame]:
    """Judge the per-step table against the back-strain rules.

    Parameters
    ----------
    steps : DataFrame with (a subset of) the columns :data:`~imu_gait.result.STEP_COLUMNS`; ``time_s``
        is required, every other metric may be missing or NaN.
    treadmill : the walk was on a treadmill (handrail rule needs less evidence; running VO fallback
        is lowered by 1.5 cm; a lean rise at the same cadence with an incline is ``incline_effort``).
    belt_speed_mps : treadmill belt speed, m/s (only quoted in advice).
    incline_pct : treadmill incline the user entered, %.
    max_incline_pct : the user's maximum incline, %; an entered incline above it is flagged.
    placement : 'chest' or 'lower_back'/'pelvis' (… and similar words); selects the running
        VO / vertical-ratio fallbacks. Unknown → the pelvis (more lenient) values.
    has_gyro : False when the recording has no gyroscope: twist / pelvic-drop rules are skipped.
    baseline_s : seconds of walking (per gait) that form the personal baseline (clipped to 300 s and
        to half the walking time; below 60 s there is no baseline).
    config : thresholds and windows (:class:`StrainConfig`).
    fixed_baselines : per-gait baselines settled by an earlier evaluation of the same walk
        (``timeline.attrs['baseline_state']``); a gait listed here is judged against them instead of
        the first minutes of ``steps``. Live monitoring uses this to judge only the recent steps; each gait's
        ``first_step_s`` and ``same_belt`` table (:func:`_rebase_to_same_belt`) place its baseline's belt speed and
        incline and each belt speed's own first steps, which lie before the recent steps; its ``same_pace`` groups
        (:func:`_rebase_to_same_pace`) each pace's first block and first steps, with no belt speed entered.
    treadmill_schedule : belt speed and incline per stage (:class:`~imu_gait.treadmill.TreadmillSchedule`),
        instead of one ``belt_speed_mps`` / ``incline_pct`` for the whole walk; implies ``treadmill``.
        Incline effort is judged only where the incline is up, an incline above ``max_incline_pct``
        is flagged for the stages where it is, advice quotes the belt speed of the flag's stage.
    schedule_origin_s : the time (on the steps' axis) at which the schedule's elapsed time is 0 —
        the recording's first sample; also the zero of the m:ss times in messages (a file whose time
        axis is epoch seconds read "from 28333335:51").
    walking_aid : the aid walked with the whole time (:data:`WALKING_AIDS`; None: none): ``"rollator"`` leaves
        out the general forward-lean limit (the aid's own lean) and words handrail gripping ("Leaning on the
        rollator more"), guarding and a lean rise against the first minutes with it; ``"cane"`` says a stick's
        part in asymmetry and pelvic drop; ``"poles"`` words a twist rise as the poles'; ``"desk"`` implies
        ``treadmill`` (a walking pad is one) and words the handrail, guarding and lean flags for the desk.
    asymmetry_blind_gaits : the gaits ('walk', 'run') whose left/right step-time asymmetry is not judged — the
        engine's under its low-rate limits (:data:`~imu_gait.engine.TIMING_MIN_RATE_HZ` for runs,
        :data:`~imu_gait.engine.WALK_ASYMMETRY_MIN_RATE_HZ` for walks), where the summary withholds it: their
        ``step_time_asymmetry(_lcb)_pct`` series are NaN and the one-sided note does not quote their sides.
    body_height_m : the runner's height, m (None: unknown): the runners' general cadence and bounce limits
        (set for :data:`~imu_gait.dsp.metrics.SIZE_REFERENCE_HEIGHT_M`) are eased for a taller one (:func:`runner_limits`).

    Returns
    -------
    flags : list of :class:`~imu_gait.result.Flag`, sorted by start time.
    timeline : DataFrame on a regular ``grid_s`` grid (less the middle of idle stretches over
        :data:`GRID_IDLE_CUT_S`): ``time_s``, ``gait``, ``walking``, each smoothed
        metric, ``<metric>_baseline``, the long-window fatigue series ``fatigue_<metric>``, the
        thresholds each rule used as ``<flag id>__<metric>`` and ``flag__<flag id>`` (bool, active).
        ``timeline.attrs['notes']`` lists what could not be judged and why, ``timeline.attrs['flags_not_judged']``
        the flag ids that could not be judged anywhere in the walk;
        ``timeline.attrs['baselines']`` the baselines per gait; ``timeline.attrs['disclaimer']``;
        ``timeline.attrs['one_sided']`` True when the signal looks one-sided (:func:`one_sided_signal`);
        ``timeline.attrs['sensor_hints']`` short lines about the sensor's placement for a live view
        (one-sided signal, :func:`lean_jumps`); ``timeline.attrs['lean_jumps']`` those jumps as
        ``{time_s, change_deg}``.
    """
    cfg = runner_limits(config or StrainConfig(), body_height_m)
    notes: list[str] = []
    aid = walking_aid_name(walking_aid)
    # a walking desk's pad is a small treadmill: implied, as analyze and GaitEngine do (before, fix-back s42 L4, a
    # library caller's desk walk got the overground rules: 'Stiff trunk (guarding)' for 'Hands on the desk')
    treadmill = bool(treadmill or aid == "desk")
    if treadmill_schedule is not None:
        if belt_speed_mps is not None or incline_pct is not None:
            raise ValueError("give either a treadmill_schedule or a fixed belt_speed_mps / incline_pct, not both")
        treadmill = True
    if "time_s" not in steps.columns:
        raise ValueError("evaluate_flags: the steps table needs a 'time_s' column (see STEP_COLUMNS)")
    roll = roll_name(placement)
    st = _prepare(steps, has_gyro, notes, treadmill, off_trunk=_placement_kind(placement) == "off_trunk", roll=roll)
    # the prepared columns as numpy arrays, each taken from pandas once: the stages below read them
    # dozens of times, and a pandas column access costs ~8 µs (a 30-s walk has ~35 steps in all)
    cols = _columns(st)
    pk = _placement_kind(placement)
    if placement is not None and pk is None:
        notes.append(f"Placement {placement!r} not recognised; running fallbacks use the lower-back values.")
    pk = pk or "pelvis"
    off_trunk = pk == "off_trunk"
    if off_trunk:
        pk = "pelvis"
        notes.append(f"The sensor was not on the trunk (placement {placement!r}): the back-strain rules "
                     "need a chest or lower-back sensor, so only the step-timing rule (pace too fast / "
                     "shuffling) was judged.")

    # turning and steady steps once per evaluation: the placement checks and the step series share them
    bout, heading = cols["bout"], cols["heading_change_deg"]      # (_prepare filled missing bouts with 0)
    turning = _turning_steps(bout, heading, cfg)
    steady = _steady_steps(bout, heading, cfg, turning)
    one_sided = None if off_trunk else _one_sided(cols["symmetry"], cols["stride_regularity"], steady, cfg)
    if one_sided is not None:
        notes.append(
            f"The signal repeats every stride far more than every step (symmetry {one_sided[0]:.2f} at a "
            f"stride regularity of {one_sided[1]:.2f}; a sensor centred on the lower back or chest gives "
            "0.8 or more). Either the walk is markedly uneven, or the sensor sat on one side — a trouser "
            "pocket, one hip — which by itself makes left and right steps look different: then the "
            "asymmetry, pelvic-instability, lean and sway results describe where the sensor sat, not how "
            "you walked. So the left/right asymmetry flag was not judged: a one-sided sensor shows that "
            "pattern from its place alone. If the sensor was centred on your back or chest, the unevenness "
            "itself is worth having looked at. A phone in a pocket: analyse it again as a pocket placement "
            "(step timing only).")
        # a marked limp (≥ 20 % on synthetic walks) or one with a softer landing on one side lowers the symmetry as a
        # sensor on one hip does, and the asymmetry flag is then not judged (limp audit s36 F7): where the step times
        # themselves differ past the general limit, the note says so with both sides' numbers — the walker's cue to
        # have it looked at, which the flag would have been. With a gyroscope only (as for F1): without one a foot
        # whose landings the sensor finds late is not re-timed (an Oxford back-pocket phone declared lower_back read
        # left 544 / right 456 ms walking evenly), so the numbers would speak for the sensor more than the walker
        recorded = _recorded_sides(st["side"]) if has_gyro else None
        # (not the step times of a gait whose asymmetry the rate does not resolve: asymmetry_blind_gaits)
        steady_lr = steady & ~np.isin(cols["gait"], list(asymmetry_blind_gaits)) if asymmetry_blind_gaits else steady
        sides_text, longer = _asymmetry_sides_text(dict(sides=recorded, step_time=cols["time_s"],
                                                        step_dt=cols["step_time_s"], steady=steady_lr), -np.inf, np.inf)
        dt_lr = _side_medians_ms(cols["step_time_s"], recorded, steady_lr) if longer else None
        if dt_lr is not None and abs(dt_lr[0] - dt_lr[1]) / ((dt_lr[0] + dt_lr[1]) / 2.0) * 100.0 >= cfg.asym_abs_pct:
            notes[-1] += (f" Your step times differ between the sides as well — {sides_text} — as a limp favouring the "
                          f"{longer} leg would make them (a sensor on one side can also find one foot's landings late).")

    jumps = _lean_jumps(bout, cols["forward_lean_deg"], cols["time_s"], steady, cfg) if not off_trunk else []
    shifts = dict(_sensor_shifts(bout, cols["forward_lean_deg"], cols["lean_vs_standing_deg"], cols["time_s"], steady,
                                 cfg)) if jumps else {}
    for t_j, d_j in jumps:
        if t_j in shifts:
            notes.append(f"At {_mmss(t_j - schedule_origin_s)} the sensor sat {abs(d_j):.0f}° {'further forward' if d_j > 0 else 'further back'} "
                         "than in the walk before — all at once, between two walks — and the standing still before "
                         f"that walk moved with it (your lean against standing changed by {d_j - shifts[t_j]:+.1f}° only): "
                         "the sensor was re-clipped or moved. Lean from then on is judged in its new position "
                         f"({-shifts[t_j]:+.1f}° taken off), not as a change of your posture.")
        else:
            notes.append(f"At {_mmss(t_j - schedule_origin_s)} the sensor sat {abs(d_j):.0f}° {'further forward' if d_j > 0 else 'further back'} "
                         "than in the walk before — all at once, between two walks: re-clipped or moved? Lean after "
                         "that point is measured against the first position.")
    if shifts:
        # the rules judge lean with the sensor's part of each jump taken off from the jump on (the steps table keeps
        # the lean as measured): against the first position's baseline a 20° re-clip, whose walk stood and walked
        # upright (0.7° against its own standing), raised a 'marked' forward-lean flag (field audit s35 F2)
        t_all = cols["time_s"]
        off = np.zeros(len(t_all))
        for t_j, d_s in shifts.items():
            off[t_all >= t_j] += d_s
        cols = {**cols, "forward_lean_deg": cols["forward_lean_deg"] - off}

    sched = _ScheduleView(treadmill_schedule, schedule_origin_s, belt_speed_mps, incline_pct)
    if max_incline_pct is not None and incline_pct is None and (
            treadmill_schedule is None or not np.isfinite(np.asarray(treadmill_schedule.incline_pct, float)).any()):
        # a maximum with no incline to hold against it said nothing, and read as 'the incline was fine'
        notes.append(f"Your maximum incline ({max_incline_pct:g} %) was not judged: no incline was given "
                     "(the treadmill's incline, or an incline_pct column in the treadmill schedule).")
    if len(st) < 2:
        tl = pd.DataFrame({"time_s": np.array([], float)})
        notes.append("Too few steps to judge any back-strain pattern.")
        flags = _incline_limit_flags(cols["time_s"], sched, max_incline_pct, cfg)
        tl.attrs.update(notes=notes, baselines={}, disclaimer=DISCLAIMER,
                        flags_not_judged=[fid for fid in FLAG_IDS if fid not in {f.id for f in flags}])
        return flags, tl

    if off_trunk:
        # a pocket's vertical acceleration is one leg's: its step regularity and symmetry say where the phone
        # is, not how even the walk is (the summary leaves them out) — the step-timing rule judges timing only,
        # as the note above says
        nan = np.full(len(cols["time_s"]), np.nan)
        cols = {**cols, "step_regularity": nan, "stride_regularity": nan, "symmetry": nan}
    step_series, base = _step_series(st, cfg, baseline_s, notes, fixed_baselines or {}, (turning, steady), cols,
                                     off_trunk=off_trunk, roll=roll, asymmetry_blind_gaits=asymmetry_blind_gaits)
    grid = _to_grid(cols, step_series, base, cfg)
    # the gait's own baseline pace, bounce and stride CV, before a same-belt / same-pace stretch replaces them on some
    # rows: the step regularity is judged against the gait's own baseline, and so is what its pace alone explains
    # (_build_rules, pace_too_fast)
    for k in _PACE_REG_REFS:
        grid[k + "_gait_ref"] = grid[k + "_baseline"].copy()
    gait_first_s = _gait_first_step_s(cols, fixed_baselines or {})
    baseline_belt = _baseline_belt(grid, gait_first_s, sched)
    baseline_belt_lo, baseline_belt_hi = _baseline_belt_span(grid, gait_first_s, sched)
    with np.errstate(invalid="ignore", divide="ignore"):
        belt_ratio = np.asarray(sched.speed_at(grid["time_s"]), float) * np.ones(len(grid["time_s"])) / baseline_belt
    incline_now = np.asarray(sched.incline_at(grid["time_s"]), float) * np.ones(len(grid["time_s"]))
    incline_change = incline_now - _baseline_incline(grid, gait_first_s, sched)
    same_belt, same_belt_tables = _rebase_to_same_belt(grid, sched, belt_ratio, cfg, notes, fixed_baselines or {},
                                                       float(cols["time_s"][0]), float(cols["time_s"][-1]))
    same_pace = np.zeros(len(grid["time_s"]), bool)
    same_pace_tables = {g: list(v.get("same_pace") or ()) for g, v in (fixed_baselines or {}).items() if isinstance(v, dict)}
    if treadmill and not np.isfinite(belt_ratio).any():
        same_pace, same_pace_tables = _rebase_to_same_pace(grid, cfg, notes, fixed_baselines or {},
                                                           float(cols["time_s"][0]), float(cols["time_s"][-1]))
    rules = _build_rules(grid, cfg, treadmill=treadmill, incline_pct=_incline_above_baseline(grid, gait_first_s, sched), pk=pk,
                         notes=[] if off_trunk else notes, belt_ratio=belt_ratio, incline_change=incline_change,
                         has_gyro=has_gyro, incline_now=incline_now)
    if off_trunk:
        rules = [r for r in rules if r.id in _OFF_TRUNK_RULES]
    elif aid == "rollator":
        rules = _rollator_rules(rules, grid, cols, notes, cfg)
    if one_sided is not None:
        # a sensor on one side (a hip clip, a pocket the placement did not name) times and loads left and right
        # steps differently by itself: its 'asymmetry' is its place, present from the first step (science audit
        # s34 F5: a left-hip run, symmetry 0.55, raised 'Left/right asymmetry' ×3). Not judged, as with
        # --placement pocket; the note above says so, and what it means if the sensor was centred after all.
        # (Pelvic drop and lean keep their rules with a caveat in the cause: their change from the walker's own
        # baseline still moves with the walker)
        rules = [r for r in rules if r.id != "asymmetry"]
    else:
        # a pelvis that drops more on one side from the first step sits in the baseline, and the relative L/R rule
        # (max(2°, baseline + 1.5°)) never saw it: a 3° difference through a 10-min walk raised nothing, the same in
        # a 90-s walk 'moderate' on the 2° general limit (limp audit s36 F6, as F1 for step time). Where the baseline
        # is already past that limit, the limit judges — not on a one-sided signal, whose L/R difference is its place
        with np.errstate(invalid="ignore"):
            lr_from_start = grid["pelvic_drop_lr_diff_deg_baseline"] >= cfg.drop_lr_deg
        rules = [replace(r, use_rel=r.use_rel & ~lr_from_start) if r.id == "pelvic_instability" else r for r in rules]

    t = grid["time_s"]
    gait_starts = _gait_starts(grid["gait"], t)
    episodes: dict[str, list[dict]] = {}
    for rule in rules:
        episodes[rule.id] = _evaluate_rule(rule, t, cfg, gait_starts)
    # a twist drop explained by handrail gripping is not also reported as guarding; a lean rise explained
    # by the treadmill incline is not also reported as forward lean
    _suppress(episodes, "trunk_twist_guarding", "handrail_gripping")
    _suppress(episodes, "forward_lean", "incline_effort")
    # fatigue is a drift: one change that came at once (cadence and braking at 5:00) raised over-striding,
    # bounce and a 'marked' fatigue over the same stretch, with advice at odds ('take a break' vs 'raise your
    # cadence'); a fatigue that begins with one of those specific flags and mostly overlaps it is left to it
    # — and so is one that begins with an incline-effort flag: the lean and the slower steps came with the hill
    for specific in ("overstriding", "vertical_bounce", "incline_effort"):
        _suppress(episodes, "fatigue", specific, same_onset_s=cfg.same_onset_s, t=t)

    flags: list[Flag] = _incline_limit_flags(cols["time_s"], sched, max_incline_pct, cfg)
    ctx = dict(treadmill=treadmill, belt_speed_at=sched.speed_at, one_sided=one_sided is not None, lean_jumps=jumps,
               placement_key=pk, baseline_belt=baseline_belt, baseline_belt_lo=baseline_belt_lo,
               baseline_belt_hi=baseline_belt_hi, origin_s=schedule_origin_s,
               has_schedule=treadmill_schedule is not None, incline_now=incline_now, incline_change=incline_change,
               is_run=grid["is_run"],
               cadence=grid["cadence_spm"], cadence_base=grid["cadence_spm_baseline"], grid=grid,
               first_step_s=float(cols["time_s"][0]), last_step_s=float(cols["time_s"][-1]),
               sides=_recorded_sides(st["side"]), step_time=cols["time_s"], step_dt=cols["step_time_s"],
               steady=steady, walking_aid=aid, same_belt=same_belt, same_pace=same_pace)
    active = {}
    for fid, eps in episodes.items():
        col = np.zeros(len(t), bool)
        for j, ep in enumerate(eps):
            ep["after"] = eps[j - 1]["i1"] + 1 if j else 0        # (a start moved back stays after the one before)
            flags.append(_make_flag(fid, ep, t, cfg, ctx))
            col[ep["i0"]:ep["i1"] + 1] = True
        active[fid] = col
    for f in flags:
        if f.id == "incline_effort" and f.reference_kind == "absolute" and f.metric == "incline_pct":
            active["incline_effort"] = active.get("incline_effort", np.zeros(len(t), bool)) | (
                (t >= f.start_s) & (t <= f.end_s) & grid["walking"])
    flags = _fold_incline_lean(flags, cfg)
    flags.sort(key=lambda f: (f.start_s, f.id))

    tl = _timeline(grid, rules, active)
    hints = ([ONE_SIDED_HINT] if one_sided is not None else []) + [lean_jump_hint(tj, dj, schedule_origin_s) for tj, dj in jumps]
    judged = {r.id for r in rules if (_rule_evaluable(r) & grid["walking"]).any()} | {f.id for f in flags}
    # the rules on step timing need enough steady strides within their window; a day of short, turning walks
    # can have none, and then the notes said they were 'judged against general limits' while flags_not_judged
    # listed them (HA001 daily, review s34): say which, and why (one-sided / off-trunk have their own note)
    steady_need = {"pace_too_fast": "uneven step timing",
                   **({} if off_trunk or one_sided is not None else
                      {"asymmetry": "left/right differences in step time",
                       **({"pelvic_instability": "in pelvic drop"}
                          if np.isfinite(cols["pelvic_drop_deg"]).any() else {})})}
    gaits_walked = {g for g in ("walk", "run") if (cols["gait"] == g).any()}
    if "asymmetry" in steady_need and gaits_walked and gaits_walked <= set(asymmetry_blind_gaits):
        # not for want of steady walking: a 20-Hz walk read 'could not be judged anywhere: it needs enough
        # steady walking' (s40) — the rate is why, as the summary's note says
        del steady_need["asymmetry"]
        if "asymmetry" not in judged:
            notes.append("Left/right differences in step time were not judged: at this sample rate each contact "
                         "falls on the nearest sample, which by itself makes even steps read uneven (see the note "
                         "on the sample rate).")
    missing = [words for fid, words in steady_need.items() if fid not in judged]
    if missing and grid["walking"].any():
        listed = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
        notes.append(f"{listed[0].upper() + listed[1:]} could not be judged anywhere: "
                     f"{'they need' if len(missing) > 1 else 'it needs'} enough steady walking within "
                     f"{cfg.variability_window_s:.0f} s"
                     + (f" ({cfg.asymmetry_window_s:.0f} s for left/right step time)"
                        if "asymmetry" in steady_need and "asymmetry" not in judged else "")
                     + " — turns, starts and stops are left out — and no stretch of this recording had it.")
    tl.attrs.update(notes=notes, baselines=base["values"], disclaimer=DISCLAIMER, one_sided=one_sided is not None,
                    flags_not_judged=[fid for fid in FLAG_IDS if fid not in judged],
                    sensor_hints=hints, lean_jumps=[{"time_s": tj, "change_deg": dj} for tj, dj in jumps],
                    # (with what a later judgement of the recent steps only needs to place the baseline's belt
                    # speed and incline, and each belt speed's or pace's own first steps: _rebase_to_same_belt,
                    # _rebase_to_same_pace)
                    baseline_state={g: {"values": base["values"][g], "end_s": base["end_s"][g],
                                        "first_step_s": gait_first_s[g], "same_belt": same_belt_tables.get(g, {}),
                                        "same_pace": same_pace_tables.get(g, [])}
                                    for g, ok in base["settled"].items() if ok and g in base["values"]})
    return flags, tl


# --------------------------------------------------------------------------------------------------
# stages
# --------------------------------------------------------------------------------------------------
def _prepare(steps: pd.DataFrame, has_gyro: bool, notes: list[str], treadmill: bool = False,
             off_trunk: bool = False, roll: str = "pelvic drop") -> pd.DataFrame:
    """Sorted copy with every column present; gait normalised to 'walk'/'run'. ``treadmill``: only for
    the wording of the no-gyroscope note (on a treadmill handrail gripping is still judged, from sway
    and bounce); ``off_trunk``: a sensor off the trunk has only the step-timing rule judged (its own note
    says so), so the notes leave out the trunk rules a missing gyroscope would have stopped; ``roll``: the roll
    range's name where the sensor sat (:func:`roll_name`: a chest strap's note said 'pelvic drop')."""
    # pandas' per-call overhead (~10-50 µs an operation) is most of the cost for a short walk's few
    # dozen steps, so the common case — the engine's table: float times, finite and in order, str
    # gaits — takes numpy shortcuts that give the same table; anything else goes the general way
    t = steps["time_s"]
    tv = t.to_numpy()
    if tv.dtype.kind == "f" and np.isfinite(tv).all() and bool((tv[1:] >= tv[:-1]).all()):
        st = steps.reset_index(drop=True)          # filtering and a stable sort would change nothing
    else:
        st = steps[np.isfinite(pd.to_numeric(t, errors="coerce"))]
        st = st.sort_values("time_s", kind="stable").reset_index(drop=True)
    for c in STEP_COLUMNS:
        if c not in st.columns:
            st[c] = np.nan if c not in ("gait", "side") else ""
    kinds = {c: d.kind for c, d in st.dtypes.items()}
    for c in STEP_COLUMNS:            # only columns that are not numeric already (apply() is slow)
        if c not in ("gait", "side") and kinds[c] != "f":
            st[c] = pd.to_numeric(st[c], errors="coerce").astype(float)
    st["gait"] = np.where(_is_run(st["gait"]), "run", "walk")
    if np.isnan(st["bout"].to_numpy(float)).any():
        st["bout"] = st["bout"].fillna(0)
    if not has_gyro:
        st[["trunk_twist_deg", "pelvic_drop_deg", "heading_change_deg"]] = np.nan
        notes.append("No gyroscope: turns cannot be told from straight walking (step-timing variability "
                     "includes turning strides)." if off_trunk else
                     f"No gyroscope: trunk twist (excess/guarding) and {roll} cannot be judged, "
                     "handrail gripping only from less sway and bounce at the same cadence and belt speed "
                     "(without the trunk's rotation, its clearest sign), and turns cannot be told from "
                     "straight walking (step-timing variability includes turning strides)." if treadmill else
                     f"No gyroscope: trunk twist (excess/guarding), handrail gripping and {roll} "
                     "cannot be judged, and turns cannot be told from straight walking (step-timing "
                     "variability includes turning strides).")
    elif not off_trunk and len(st) and np.isnan(st["trunk_twist_deg"].to_numpy(float)).all():
        notes.append("No trunk-twist values: trunk twist (excess/guarding) cannot be judged, handrail "
                     "gripping only from less sway and bounce at the same cadence and belt speed." if treadmill
                     else "No trunk-twist values: trunk twist (excess/guarding) and handrail gripping cannot "
                     "be judged.")
    if has_gyro and not off_trunk and len(st) and np.isnan(st["pelvic_drop_deg"].to_numpy(float)).all():
        notes.append("No pelvic-drop values: pelvic instability is judged only where possible.")
    # vertical ratio from VO and step length where the table lacks it
    vr_cols = ["vertical_ratio_pct", "vertical_oscillation_cm", "step_length_m"]
    if all(st[c].dtype == np.float64 for c in vr_cols):      # (the engine's; the same sums in numpy)
        vr0, vo, sl = (st[c].to_numpy() for c in vr_cols)
        if np.isnan(vr0).any():
            with np.errstate(divide="ignore", invalid="ignore"):
                st["vertical_ratio_pct"] = np.where(np.isnan(vr0) & (sl >= VERTICAL_RATIO_MIN_STEP_M), vo / sl, vr0)
    else:
        vr = st["vertical_oscillation_cm"] / st["step_length_m"]
        st["vertical_ratio_pct"] = st["vertical_ratio_pct"].fillna(vr.where(st["step_length_m"] >= VERTICAL_RATIO_MIN_STEP_M))
    return st


def _per_distinct(values: np.ndarray, fn, dtype) -> np.ndarray:
    """``fn(v)`` for each of ``values`` (an object array). All text (the engine's gait and side columns: two or
    three values over thousands of rows): once per distinct value, spread by pandas' factorize — the text
    methods per row cost ~2 ms an hour of walking each time, five times a summary. Otherwise per value (True
    and 1 are one key to a hash table but read 'True' and '1')."""
    if len(values) and pd.api.types.infer_dtype(values, skipna=False) == "string":
        codes, uniques = pd.factorize(values)
        return np.array([fn(u) for u in uniques], dtype=dtype)[codes]
    return np.array([fn(v) for v in values.tolist()], dtype=dtype)


def _is_run(gait: pd.Series) -> np.ndarray:
    """Which rows' gait starts with 'run' (any case; a non-text value by its text, as ``astype(str)``).
    Plain ``str`` methods, once per distinct value: pandas' ``.str`` runs the same per value after ~0.1 ms
    of setup."""
    return _per_distinct(gait.to_numpy(object), lambda v: str(v).lower().startswith("run"), bool)


def _columns(st: pd.DataFrame) -> dict[str, np.ndarray]:
    """The prepared table's columns as numpy arrays: numbers as float, ``gait`` and ``side`` as they are."""
    return {c: st[c].to_numpy() if c in ("gait", "side") else st[c].to_numpy(float) for c in STEP_COLUMNS}


def _rank_in_group(keys: np.ndarray) -> np.ndarray:
    """Per row: how many earlier rows have the same key (pandas' ``groupby(keys).cumcount()`` for keys
    without NaN), by one stable sort instead of ~0.3 ms of groupby setup."""
    n = len(keys)
    _, inv = np.unique(keys, return_inverse=True)
    order = np.argsort(inv, kind="stable")
    grp = inv[order]
    first = np.flatnonzero(np.r_[True, grp[1:] != grp[:-1]]) if n else np.empty(0, int)
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n) - np.repeat(first, np.diff(np.r_[first, n]))
    return rank


def _side_first_letter(side: pd.Series) -> np.ndarray:
    """Each row's side as its first letter, upper case ('L' / 'R'; a non-text value by its text)."""
    return _per_distinct(side.to_numpy(object), lambda v: str(v).upper()[:1], object)


def _recorded_sides(side: pd.Series) -> np.ndarray | None:
    """Each step's recorded side ('L' / 'R', '' where unknown), or None when fewer than 80 % of the steps have
    one: then the rules pair the steps by their parity in the bout, which cannot say which side is which."""
    s = _side_first_letter(side)
    known = (s == "L") | (s == "R")
    return np.where(known, s, "").astype(object) if len(s) and known.mean() >= 0.8 else None


def _asymmetry_sides_text(ctx: dict, start_s: float, end_s: float) -> tuple[str, str]:
    """Which side's steps took longer over a step-time asymmetry flag, with both medians: ("right steps
    572 ms, left 519 ms (medians): the right steps take longer", "right") — the steady steps of the span, a step
    more than 30 % off the span's median dropped (a missed or split contact), as the rule counts them. ("", "")
    when the sides are not recorded or either has fewer than 5 such steps."""
    if "step_dt" not in ctx:
        return "", ""
    t = ctx["step_time"]
    got = _side_medians_ms(ctx["step_dt"], ctx.get("sides"),
                           (t >= start_s) & (t <= end_s) & ctx.get("steady", np.ones(len(t), bool)))
    if got is None:
        return "", ""
    ml, mr = got
    longer, ms_long, ms_short = ("right", mr, ml) if mr > ml else ("left", ml, mr)
    shorter = "left" if longer == "right" else "right"
    return (f"{longer} steps {ms_long:.0f} ms, {shorter} {ms_short:.0f} ms (medians; a {longer} step ends with "
            f"the {longer} foot's contact): the {longer} steps take longer"), longer


def _side_medians_ms(step_dt, sides, use) -> tuple[float, float] | None:
    """(left, right) median step times (ms) of the steps ``use`` marks, a step more than 30 % off their median
    dropped (a missed or split contact, as the asymmetry rule counts them); None without recorded sides or with
    fewer than 5 such steps a side."""
    if sides is None:
        return None
    dt = np.asarray(step_dt, float)
    m = np.isfinite(dt) & use
    if not m.any():
        return None
    m &= np.abs(dt / np.nanmedian(dt[m]) - 1.0) < 0.3
    left, right = dt[m & (sides == "L")], dt[m & (sides == "R")]
    if min(left.size, right.size) < 5:
        return None
    return float(np.median(left)) * 1000.0, float(np.median(right)) * 1000.0


#: the asymmetry cause's 'favouring one side', named where the sides are known. A step runs from one foot's
#: contact to the other's, so the shorter steps (ending on the {short} foot) are mostly the time the {long} leg
#: stands alone: shorter on that leg is what favouring it (an antalgic limp, a painful leg or hip) looks like.
#: The side's 'right steps take longer' alone read as if the right side were the slow one (limp audit s36 F5)
FAVOURED_LEG = ("as when favouring the {long} leg: it carries you alone for less time (during the {short} steps, "
                "the shorter ones)")


def _turning_steps(bout: np.ndarray, heading_deg: np.ndarray, cfg: StrainConfig) -> np.ndarray:
    """Steps on a turning stride (``|heading change| ≥ turn_heading_deg``) or next to one in the
    same bout (``bout``: bout number per step, time order). All False without heading values."""
    with np.errstate(invalid="ignore"):
        turning = np.abs(np.asarray(heading_deg, float)) >= cfg.turn_heading_deg
    same_prev = np.r_[False, bout[1:] == bout[:-1]]                 # step i−1 is in i's bout
    near = turning.copy()
    near[1:] |= turning[:-1] & same_prev[1:]
    near[:-1] |= turning[1:] & same_prev[1:]
    return near


def _bout_heading(steps: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(bout number, heading change) arrays of a steps table (0 / NaN where the column is missing)."""
    n = len(steps)
    if "bout" not in steps:
        bout = np.zeros(n)
    elif steps["bout"].dtype == np.float64:           # (the engine's; numpy's where is pandas' fillna here)
        bout = steps["bout"].to_numpy()
        bout = np.where(np.isnan(bout), 0.0, bout) if np.isnan(bout).any() else bout
    else:
        bout = steps["bout"].fillna(0).to_numpy()
    heading = steps["heading_change_deg"].to_numpy(float) if "heading_change_deg" in steps else np.full(n, np.nan)
    return bout, heading


def turning_steps(steps: pd.DataFrame, config: StrainConfig | None = None) -> np.ndarray:
    """Per step (bool): on a turning stride (``|heading_change_deg| ≥ turn_heading_deg``) or next to one
    in the same bout — the steps :func:`without_turns` blanks, whose twist and sway describe the route
    rather than the trunk. All False without heading values (no gyro)."""
    if not len(steps) or "heading_change_deg" not in steps:
        return np.zeros(len(steps), dtype=bool)
    return _turning_steps(*_bout_heading(steps), config or StrainConfig())


def without_turns(steps: pd.DataFrame, config: StrainConfig | None = None) -> pd.DataFrame:
    """The steps table with :data:`TURN_BLIND` metrics blanked (NaN) on turning strides and their
    neighbours — for summaries of twist and sway that describe the trunk, not the route. Unchanged
    without heading values (no gyro)."""
    turning = turning_steps(steps, config)
    if not turning.any():
        return steps
    out = steps.copy()
    for k in TURN_BLIND:
        if k in out:
            if out.columns.is_unique and out[k].dtype == np.float64:   # numpy: ~10 µs, .loc: ~150 µs
                out[k] = np.where(turning, np.nan, out[k].to_numpy())
            else:
                out.loc[turning, k] = np.nan
    return out


def _steady_steps(bout: np.ndarray, heading_deg: np.ndarray, cfg: StrainConfig,
                  turning: np.ndarray | None = None) -> np.ndarray:
    """Steps of steady walking, for step-timing variability: not in the first ``bout_edge_strides``
    strides of a bout nor its last ``bout_edge_strides`` steps, and not turning (``turning``, else
    :func:`_turning_steps`). Without heading values (no gyro) every step away from the bout edges counts."""
    # a bout's steps are contiguous in the time-sorted table: position in the run of equal bout
    # numbers (numpy; a pandas groupby here cost more than the rest of the rule for a short walk)
    n = bout.size
    first = np.flatnonzero(np.r_[True, bout[1:] != bout[:-1]]) if n else np.empty(0, int)
    run = np.repeat(np.arange(first.size), np.diff(np.r_[first, n]))
    k = np.arange(n) - first[run]                                   # steps before this one in its bout
    left = np.diff(np.r_[first, n])[run] - 1 - k                    # steps after it
    e = cfg.bout_edge_strides
    if turning is None:
        turning = _turning_steps(bout, heading_deg, cfg)
    return (k >= 2 * e) & (left >= e) & ~turning


def one_sided_signal(steps: pd.DataFrame, config: StrainConfig | None = None,
                     steady: np.ndarray | None = None) -> tuple[float, float] | None:
    """(median symmetry, median stride regularity) of the steady steps when the signal repeats every
    stride far more than every step (symmetry < ``one_sided_symmetry`` while the stride regularity is
    ≥ ``one_sided_min_stride_regularity``), else None — also when fewer than ``one_sided_min_steps``
    steady steps have both values.

    A sensor centred on the trunk is loaded alike by the left and the right step; one on one side
    (a phone in a trouser pocket, a clip on one hip) is not, so its step regularity collapses while
    the stride regularity stays. A markedly uneven walk lowers it too (synthetic: 20 % step-time
    asymmetry → 0.49), so this is a reason to check the placement, not proof of it. ``steady``: the
    steady-step mask when the caller has it (:func:`_steady_steps`)."""
    cfg = config or StrainConfig()
    if len(steps) == 0 or "symmetry" not in steps or "stride_regularity" not in steps:
        return None
    if steady is None:
        steady = _steady_steps(*_bout_heading(steps), cfg)
    sym = pd.to_numeric(steps["symmetry"], errors="coerce").to_numpy(float)
    reg = pd.to_numeric(steps["stride_regularity"], errors="coerce").to_numpy(float)
    return _one_sided(sym, reg, steady, cfg)


def _one_sided(sym: np.ndarray, reg: np.ndarray, steady: np.ndarray, cfg: StrainConfig) -> tuple[float, float] | None:
    """:func:`one_sided_signal` on the symmetry and stride-regularity columns as float arrays."""
    ok = steady & np.isfinite(sym) & np.isfinite(reg)
    if ok.sum() < cfg.one_sided_min_steps:
        return None
    sym_med, reg_med = float(np.median(sym[ok])), float(np.median(reg[ok]))
    if sym_med < cfg.one_sided_symmetry and reg_med >= cfg.one_sided_min_stride_regularity:
        return sym_med, reg_med
    return None


def lean_jumps(steps: pd.DataFrame, config: StrainConfig | None = None,
               steady: np.ndarray | None = None) -> list[tuple[float, float]]:
    """``(time_s, change_deg)`` where a bout's median forward lean differs from the previous bout's by
    ≥ ``lean_jump_deg`` (bouts with ≥ ``lean_jump_min_steps`` steady steps; turning and edge steps
    left out). A trunk bends gradually; a sensor moved between two walks jumps."""
    cfg = config or StrainConfig()
    if len(steps) == 0 or "forward_lean_deg" not in steps:
        return []
    bout, heading = _bout_heading(steps)
    if steady is None:
        steady = _steady_steps(bout, heading, cfg)
    return _lean_jumps(bout, steps["forward_lean_deg"].to_numpy(float), steps["time_s"].to_numpy(float), steady, cfg)


def _lean_jumps(bout: np.ndarray, lean: np.ndarray, t: np.ndarray, steady: np.ndarray,
                cfg: StrainConfig) -> list[tuple[float, float]]:
    """:func:`lean_jumps` on the bout, forward-lean and time columns as arrays."""
    ok = steady & np.isfinite(lean)
    out, prev = [], None
    for b in pd.unique(bout):                     # a few bouts per walk: a loop over bouts, not samples
        m = ok & (bout == b)
        if m.sum() < cfg.lean_jump_min_steps:
            continue
        med = float(np.median(lean[m]))
        if prev is not None and abs(med - prev) >= cfg.lean_jump_deg:
            out.append((float(t[bout == b][0]), med - prev))
        prev = med
    return out


def _sensor_shifts(bout: np.ndarray, lean: np.ndarray, lean_vs_standing: np.ndarray, t: np.ndarray,
                   steady: np.ndarray, cfg: StrainConfig) -> list[tuple[float, float]]:
    """``(time_s, sensor_deg)`` for the lean jumps (:func:`_lean_jumps`, the same bouts) most of which the sensor
    made: the walk's lean against the standing still before it (``lean_vs_standing_deg``, measured in each sensor
    position against that position's own standing) changed by at most half the jump — the standing posture moved
    in the sensor's axes with the walk, and people stand upright. ``sensor_deg`` is the jump less the walker's own
    change (which the rules then still see). Both bouts need ``lean_jump_min_steps`` steady steps with a lean
    against standing; without a standing on either side the jump cannot be told from the trunk and is not listed."""
    ok = steady & np.isfinite(lean)
    out: list[tuple[float, float]] = []
    prev: tuple[float, float] | None = None
    for b in pd.unique(bout):                     # a few bouts per walk: a loop over bouts, not samples
        m = ok & (bout == b)
        if m.sum() < cfg.lean_jump_min_steps:
            continue
        med = float(np.median(lean[m]))
        stood = lean_vs_standing[m]
        stood = stood[np.isfinite(stood)]
        stand = float(np.median(stood)) if stood.size >= cfg.lean_jump_min_steps else np.nan
        if prev is not None and abs(med - prev[0]) >= cfg.lean_jump_deg:
            jump, walker = med - prev[0], stand - prev[1]
            if np.isfinite(walker) and abs(walker) <= abs(jump) / 2:
                out.append((float(t[bout == b][0]), jump - walker))
        prev = (med, stand)
    return out


def _stride_ratio(t: np.ndarray, stride_s: np.ndarray, steady: np.ndarray, window_s: float,
                  cfg: StrainConfig, local: np.ndarray | None = None) -> np.ndarray:
    """Steady strides relative to their local stride time (rolling median over ``window_s``; ``local``: that
    median already computed), NaN for the unsteady ones and for strides > ``stride_outlier_frac`` off (a missed
    or split contact)."""
    ratio = stride_s / (_rolling(t, stride_s, window_s, "median", cfg.min_periods) if local is None else local)
    with np.errstate(invalid="ignore"):
        return np.where((np.abs(ratio - 1.0) < cfg.stride_outlier_frac) & steady, ratio, np.nan)


def _steady_of_main_gait(steps: pd.DataFrame, need: tuple[str, ...],
                         cfg: StrainConfig) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray] | None:
    """(the steps in time order, the mask of its steady steps of the walk's main gait — walking, or running
    when most steps ran —, their contact times, their step times), or None without steps or without one of
    the ``need`` columns."""
    if len(steps) == 0 or any(c not in steps.columns for c in need):
        return None
    t = steps["time_s"].to_numpy(float)
    st = steps if np.all(t[1:] >= t[:-1]) else steps.iloc[np.argsort(t, kind="stable")]   # the engine's: sorted
    gait = _is_run(st["gait"]) if "gait" in st else np.zeros(len(st), bool)
    steady = _steady_steps(*_bout_heading(st), cfg) & (gait == (gait.mean() > 0.5))
    return st, steady, st["time_s"].to_numpy(float), st["step_time_s"].to_numpy(float)


def steady_step_time_asymmetry_pct(steps: pd.DataFrame, config: StrainConfig | None = None) -> float:
    """Step-time asymmetry of a walk's steady walking, % — over the steps the asymmetry rule judges: steady
    steps (:func:`_steady_steps`: no turns when the heading is known, no bout starts / stops) of the main
    gait, each relative to the local step time (half the rolling median stride time), steps more than 30 %
    off it dropped (a missed or split contact, as the rule drops them); |mean left − mean right| / their
    mean. Relative step times, so that a walk at two paces does not mix paces into the sides' values. NaN
    without L/R labels or under ``min_periods_var`` / 2 such steps of either side.

    A mean over every step (the summary's rule before) let turning, U-turn and bout-edge steps decide it:
    synthetic 3 % on the straight with 50 %-uneven turns read 11 % (now 3.3–3.6 %). Means of the kept
    steps, not the rule's medians: a walk has ~10 steady steps a side, and where one foot's contact is
    found ~100 ms late on half of its steps (audit s34 F3) the median jumps to the late mode — IPOL 6-1
    38.7 % (medians) / 27.0 % (means) against the foot sensors' 0.9 %; over 11 IPOL trials |error| summed
    139 (medians) / 84 (means) / 78 (every step) points, on the 7 trials without such a contact bias 21.5 /
    15.4 / 26.8 (audit s34 F2)."""
    cfg = config or StrainConfig()
    return _step_time_asymmetry(_steady_of_main_gait(steps, ("time_s", "step_time_s", "side"), cfg), cfg)


def _local_stride(t: np.ndarray, stride: np.ndarray, window_s: float, cfg: StrainConfig,
                  memo: dict | None) -> np.ndarray:
    """The rolling median stride time over ``window_s`` (pandas' window rule), found once per window for the
    asymmetry and the CV of the same steps (``memo``; None: not kept)."""
    if memo is not None and window_s in memo:
        return memo[window_s]
    local = _rolling(t, stride, window_s, "median", cfg.min_periods)
    if memo is not None:
        memo[window_s] = local
    return local


def _step_time_asymmetry(got, cfg: StrainConfig, memo: dict | None = None) -> float:
    """:func:`steady_step_time_asymmetry_pct` of :func:`_steady_of_main_gait`'s ``got``."""
    if got is None or not np.isfinite(got[3]).any():
        return float("nan")
    st, steady, t, step = got
    side = _side_first_letter(st["side"])
    med_step = float(np.nanmedian(step))
    # the local step time from the strides (half their rolling median): a rolling median of the step times
    # themselves, which alternate long / short, lands on one side's value or the other as the window holds
    # one more step of either — in step with the sides, which doubled a synthetic 8 % asymmetry
    stride = st["stride_time_s"].to_numpy(float) if "stride_time_s" in st else np.full(len(st), np.nan)
    local = _local_stride(t, stride, max(cfg.smooth_s, 2 * cfg.smooth_strides * med_step), cfg,
                          memo if "stride_time_s" in st else None) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = step / local
        ok = steady & np.isfinite(ratio) & (np.abs(ratio - 1.0) < 0.3)
    l, r = ratio[ok & (side == "L")], ratio[ok & (side == "R")]
    if min(l.size, r.size) < max(cfg.min_periods_var // 2, 4):
        return float("nan")
    lm, rm = float(np.mean(l)), float(np.mean(r))
    return float(100.0 * abs(lm - rm) / ((lm + rm) / 2.0))


def steady_stride_cv_pct(steps: pd.DataFrame, config: StrainConfig | None = None) -> float:
    """Stride-time variability of a walk's steady walking, % — the statistic the pace rule judges,
    over the whole walk: strides of steady steps (:func:`_steady_steps`: no turns when the heading
    is known, no bout starts / stops) relative to their local median, 1.4826 × the median absolute
    deviation. Steps of the walk's main gait only. NaN below ``min_periods_var`` steady strides. Without a
    heading (no gyroscope) the turns cannot be found, so their strides are in it and it reads higher than a
    steady walk's — the reports then do not set it against healthy walking's ≈ 4 %."""
    cfg = config or StrainConfig()
    return _stride_cv(_steady_of_main_gait(steps, ("time_s", "stride_time_s", "step_time_s"), cfg), cfg)


def steady_walk_variability(steps: pd.DataFrame, config: StrainConfig | None = None) -> tuple[float, float]:
    """(:func:`steady_stride_cv_pct`, :func:`steady_step_time_asymmetry_pct`) of the same steps — the same two
    numbers, with the steady steps of the main gait and the rolling median stride found once, not once each
    (the summary asks for both: ~10 ms an hour of walking)."""
    cfg = config or StrainConfig()
    got = _steady_of_main_gait(steps, ("time_s", "stride_time_s", "step_time_s", "side"), cfg)
    if got is None:                     # no steps, or a column one of them needs is missing: each on its own
        return steady_stride_cv_pct(steps, cfg), steady_step_time_asymmetry_pct(steps, cfg)
    memo: dict = {}
    return _stride_cv(got, cfg, memo), _step_time_asymmetry(got, cfg, memo)


def _stride_cv(got, cfg: StrainConfig, memo: dict | None = None) -> float:
    """:func:`steady_stride_cv_pct` of :func:`_steady_of_main_gait`'s ``got``."""
    if got is None:
        return float("nan")
    st, steady, t, step = got
    stride = st["stride_time_s"].to_numpy(float)
    med_step = float(np.nanmedian(step)) if np.isfinite(step).any() else 0.55
    window = max(cfg.smooth_s, 2 * cfg.smooth_strides * med_step)
    ratio = _stride_ratio(t, stride, steady, window, cfg, _local_stride(t, stride, window, cfg, memo))
    ratio = ratio[np.isfinite(ratio)]
    if ratio.size < cfg.min_periods_var:
        return float("nan")
    centre = float(np.median(ratio))
    return float(1.4826 * np.median(np.abs(ratio - centre)) / centre * 100.0)


def _step_series(st: pd.DataFrame, cfg: StrainConfig, baseline_s: float, notes: list[str],
                 fixed: dict | None = None, masks: tuple[np.ndarray, np.ndarray] | None = None,
                 cols: dict[str, np.ndarray] | None = None, off_trunk: bool = False, roll: str = "pelvic drop",
                 asymmetry_blind_gaits: Collection[str] = ()):
    """Smoothed per-step series (per gait) and the per-gait baselines. ``masks``: (turning, steady)
    steps when the caller computed them (:func:`_turning_steps`, :func:`_steady_steps`); ``cols``: the
    columns of ``st`` as arrays (:func:`_columns`) when the caller has them. ``off_trunk``: only the
    step-timing rule is judged (the notes on a missing baseline say so, not the trunk rules)."""
    n = len(st)
    cols = cols if cols is not None else _columns(st)
    t = cols["time_s"]
    out = {k: np.full(n, np.nan) for k in _METRICS + _VAR_METRICS}
    out.update({"fatigue_" + k: np.full(n, np.nan) for k in _FATIGUE})
    # sides: recorded L/R, else parity within each bout
    side = _side_first_letter(st["side"])
    is_l, is_r = side == "L", side == "R"
    if (is_l | is_r).mean() >= 0.8:
        side_code = np.where(is_l, 0, np.where(is_r, 1, -1))
    else:
        side_code = _rank_in_group(cols["bout"]) % 2
    if masks is None:
        bout, heading = _bout_heading(st)
        turn_m = _turning_steps(bout, heading, cfg)
        masks = turn_m, _steady_steps(bout, heading, cfg, turn_m)
    turn_m, steady = masks
    base = {"values": {}, "end_s": {}, "has": {}, "settled": {}}
    fixed = fixed or {}
    for g in ("walk", "run"):
        m = cols["gait"] == g
        if not m.any():
            continue
        tg = t[m]
        col = {k: cols[k][m] for k in {*_METRICS, *_FATIGUE, "step_time_s", "stride_time_s",
                                                       "pelvic_drop_deg"}}     # one copy, no .loc per use
        dt_step = col["step_time_s"]
        med_step = np.nanmedian(dt_step) if np.isfinite(dt_step).any() else 0.55
        w = max(cfg.smooth_s, 2 * cfg.smooth_strides * med_step)
        # a turn swings the trunk sideways (the path's curvature, not sway) and bends the yaw a
        # stride's straight-line removal leaves as twist: those strides do not speak for either
        for k in TURN_BLIND:
            col[k] = np.where(turn_m[m], np.nan, col[k])
        # one rolling call per window over all columns: pandas' per-call setup dominates otherwise
        smoothed = _rolling_frame(tg, {k: col[k] for k in _METRICS}, w, cfg.min_periods)
        for k in _METRICS:
            out[k][m] = smoothed[k]
        # impact: the mean of each foot's own rolling median. A one-sided sensor (a hip belt, a pocket) lands
        # hard on its own leg's contacts and soft on the other's — the adeptdata run's left-hip steps 4.3 g and
        # 2.5 g, alternating — and a median over both feet's steps then sits on either mode by a step more or
        # less in the window: it jumped 0.36 g from step to step (median; p95 1.15 g) and over the 20 %
        # hard-landing trigger on 27 % of a steady run's steps, raising 'hard landings' where the hardest
        # landings (99th percentile of |a|) had not changed. The two feet's mean moved 0.004 g (12 % over; the
        # finishing surge still flagged). Unchanged by which foot is called L. A side without values: all steps
        imp_l, imp_r = _per_side(tg, col["impact_g"], side_code[m], w, max(2, cfg.min_periods // 2))
        both = np.isfinite(imp_l) & np.isfinite(imp_r)
        out["impact_g"][m] = np.where(both, 0.5 * (imp_l + imp_r), smoothed["impact_g"])
        slow = _rolling_frame(tg, {k: col[k] for k in _FATIGUE}, cfg.fatigue_window_s, cfg.min_periods)
        for k in _FATIGUE:
            out["fatigue_" + k][m] = slow[k]
        wv = cfg.variability_window_s
        mp = _window_min_periods(tg, wv, med_step, cfg)
        mp_side = _window_min_periods(tg, wv, med_step, cfg, per_side=True)
        # stride times relative to the local stride time (their rolling median; not 2 × 60 / the smoothed
        # cadence, which is biased when step times alternate short / long), so that a change of
        # pace is not mistaken for irregular steps; strides > 25 % off (a missed or split contact, not
        # variability) are dropped. CV from the median absolute deviation (× 1.4826: the SD of normal
        # data): a contact estimated 100–200 ms off (5 % of IPOL's contacts are > 127 ms off) moves
        # two strides; per healthy IPOL trial the SD-based CV was 4.7 % (median) against the foot
        # sensors' 3.5 % — into the 5 % fallback — the MAD-based one 2.6 % (benchmarks/flags_healthy.py)
        sm = steady[m]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = _stride_ratio(tg, col["stride_time_s"], sm, w, cfg)
            centre = _rolling(tg, ratio, wv, "median", mp)
            mad = _rolling(tg, np.abs(ratio - centre), wv, "median", mp)
            cv = 1.4826 * mad / centre * 100.0
            out["stride_time_cv_pct"][m] = cv
            # the estimate's own spread: sd(MAD) / MAD ≈ 1.166 / √n for normal data, × √2 because consecutive
            # strides share a step
            n_strides = _rolling(tg, ratio, wv, "count", mp)
            out["stride_time_cv_lcb_pct"][m] = np.maximum(
                cv * (1.0 - cfg.cv_lcb_se * 1.166 * math.sqrt(2.0) / np.sqrt(n_strides)), 0.0)
            sc = side_code[m]
            # asymmetry: per-side median step time (steps > 30 % off the local step time, i.e. missed or
            # split contacts, dropped), long window
            wa = cfg.asymmetry_window_s
            mp_a = _window_min_periods(tg, wa, med_step, cfg, per_side=True)
            # … but a window that holds asymmetry_enough_per_side steady steps a side is judged even when that is
            # under 75 % of what its length could hold: only steady steps count (not a bout's first 2 strides or
            # last 2 steps, not turns) and pauses count as length, so a walker who stops every 10-15 s (a painful
            # back) filled ~55 % and left/right step time was never judged — 7 min of 12-s walks with a 15 %
            # limp: 'could not be judged anywhere' (limp audit s36 F2). The rule judges the lower 95 % bound, which
            # already widens as the count falls (20 a side at 3 % step-time scatter: ~3.5 points below the estimate)
            mp_lr = np.minimum(mp_a, max(cfg.asymmetry_enough_per_side, cfg.min_periods_var // 2))
            local = 60.0 / out["cadence_spm"][m]
            ok = (np.abs(dt_step / local - 1.0) < 0.3) & sm
            clean = np.where(ok, dt_step, np.nan)
            lt, rt = _per_side(tg, clean, sc, wa, mp_lr, "median")
            (ls, rs), (ln, rn) = (_per_side(tg, clean, sc, wa, mp_lr, h) for h in ("std", "count"))
            mean_t = (lt + rt) / 2
            asym = np.abs(lt - rt) / mean_t * 100.0
            # standard error of L − R: ×1.2533 for medians instead of means, ×√2 because consecutive step
            # times share a contact (their errors are anti-correlated), which the naive formula ignores
            se = 1.2533 * np.sqrt(ls ** 2 / ln + rs ** 2 / rn) * math.sqrt(2.0) / mean_t * 100.0
            if g not in asymmetry_blind_gaits:     # (else left NaN: not resolved at the rate, evaluate_flags)
                out["step_time_asymmetry_pct"][m] = asym
                out["step_time_asymmetry_lcb_pct"][m] = np.maximum(asym - cfg.asymmetry_lcb_se * se, 0.0)
            ld, rd = _per_side(tg, np.where(sm, col["pelvic_drop_deg"], np.nan), sc, wv, mp_side)
            out["pelvic_drop_lr_diff_deg"][m] = np.abs(ld - rd)
            out["gct_balance_long_side_pct"][m] = _gct_balance_long_side(tg, col["ground_contact_ms"], sc, sm, w,
                                                                         wa, mp_a, cfg)
        if g in fixed:              # settled earlier in this walk (live: only recent steps are judged)
            base["values"][g] = fixed[g]["values"]
            base["end_s"][g] = fixed[g]["end_s"]
            base["has"][g] = base["settled"][g] = True
            continue
        # baseline: first minutes of *walking time* of this gait
        walked = np.nancumsum(np.clip(np.nan_to_num(dt_step, nan=0.0), 0.0, 2.0))
        total = walked[-1] if len(walked) else 0.0
        length = cfg.baseline_length_s(baseline_s, total)
        # once the walk is twice the asked-for baseline (and the longest centred window has passed its
        # end), more steps can no longer change it
        full = min(float(baseline_s), cfg.baseline_max_s)
        reach = max(cfg.asymmetry_window_s, cfg.variability_window_s, cfg.fatigue_window_s) / 2.0
        base["settled"][g] = total >= max(2.0 * full, full + reach)
        name = "walking" if g == "walk" else "running"
        if length < cfg.baseline_min_s:
            base["has"][g] = False
            if total < 10.0 and (cols["gait"] != g).any():
                continue          # a handful of stray steps of the other gait: not worth a note
            why = (f"Only {total:.0f} s of {name}: too short for a personal baseline "
                   f"(needs ≥ {2 * cfg.baseline_min_s:.0f} s: the baseline is at least "
                   f"{cfg.baseline_min_s:.0f} s and at most the first half — a shorter baseline setting "
                   f"cannot lower that), so ")
            judged = _NO_BASELINE_JUDGED[g].format(lean=cfg.lean_abs_deg)
            notes.append(why + ("step timing was judged only against the general limit (stride-time variability "
                                f"over {cfg.cv_abs_pct:g} %)." if off_trunk else
                                f"{name} was judged only against general limits ({judged}"
                                f"{' and ' + roll if np.isfinite(cols['pelvic_drop_deg'][m]).any() else ''}). "
                                f"{_NO_BASELINE_NOT_JUDGED[g]} are judged against your own first minutes and "
                                "could not be judged."))
            continue
        bm = walked <= length
        vals = {}
        for k in list(_METRICS) + list(_VAR_METRICS) + ["fatigue_" + f for f in _FATIGUE]:
            v = out[k][m][bm]
            vals[k] = float(np.nanmedian(v)) if np.isfinite(v).sum() >= cfg.min_baseline_steps else float("nan")
        # a walk that started up a hill (or hunched) and straightened up: forward lean against the upright part
        upright = _upright_lean_baseline(out["forward_lean_deg"][m], walked, length, vals["forward_lean_deg"], cfg)
        if upright is not None:
            vals["forward_lean_deg"] = upright[0]
        base["values"][g] = vals
        base["end_s"][g] = float(tg[bm][-1])
        base["has"][g] = True
        # (the sentence's subject is left to where it is said: alone, or after the baseline-shift note)
        leaned = "" if upright is None else (
            f"leaned {upright[1]:.1f}° further forward in the first third of the baseline minutes than "
            "in the last — as when a walk starts up a hill. Forward lean is compared with the more upright last "
            f"third ({upright[0]:.1f}°), the posture you went on with, so a hunch later is not hidden behind the "
            "early lean; the lean at the start may be flagged: if it was uphill, that is the hill.")
        shift = _baseline_shift(out, m, walked, length, cfg) if g == "walk" else ""
        if shift:
            notes.append(f"Your walking changed within the baseline minutes: {shift} between the first and "
                         f"the last third of the first {length:.0f} s (more than two walks of one person on the "
                         "same day differ by). The flags compare with a mix of both, so a change there can go "
                         "unflagged or be under-rated; a steady warm-up first, or a longer walk, gives a "
                         "cleaner baseline." + (" Except forward lean: you " + leaned if leaned else ""))
        elif leaned:
            notes.append(f"Your {name} {leaned}")
        # compared as the note prints them: half of a 359.6-s run is 179.8 s, which read "the first 180 s of
        # running (asked for 180 s)" — a note about a shortfall that does not show
        if round(length) < round(float(baseline_s)):
            notes.append(f"{name.capitalize()} baseline from the first {length:.0f} s of {name} "
                         f"(asked for {baseline_s:.0f} s).")
    return out, base


def _upright_lean_baseline(lean_deg: np.ndarray, walked: np.ndarray, length: float, median_deg: float,
                           cfg: StrainConfig) -> tuple[float, float] | None:
    """The forward-lean baseline where the walker straightened up within the baseline minutes: (the last third's
    lean, how much further forward the first third leaned), both °; None to keep the median.

    A walk that starts up a hill leans into it (by about the slope's angle: 5.7° at 10 %) for part of the baseline
    minutes; their median then holds the hill, and a hunch on the level later reads that much less (synthetic:
    2 min up a 10 % hill, then a 7° hunch on the level read +1.3°, no flag). Where the first third of the baseline
    leaned at least half the lean rule's rise (2.5°) further than the last, the last — more upright, and where the
    walk went on — is the walker's posture and the reference: a lower reference can only flag sooner, and only
    against a posture the walker settled into (a walk that starts hunched and loosens up is judged the same way).
    Uses the baseline minutes alone, so a live baseline settles on the same value."""
    first, last = walked <= length / 3.0, (walked > 2.0 * length / 3.0) & (walked <= length)
    a, b = lean_deg[first], lean_deg[last]
    need = cfg.min_baseline_steps // 2
    if np.isfinite(a).sum() < need or np.isfinite(b).sum() < need or not np.isfinite(median_deg):
        return None
    early, late = float(np.nanmedian(a)), float(np.nanmedian(b))
    # only a walk that *straightened up*: one that leaned further as it went (a chest pouch settling, Oxford
    # Dario NeckPouch_2: −0.1° → 4.4° for the rest of the walk) keeps the median — else its whole walk read as
    # leaning against its first 30 s (4 of its 4 symptom marks named the lean; benchmarks/marks_healthy.py)
    if early - late < cfg.lean_rise_deg / 2.0 or late >= median_deg:
        return None
    return late, early - late


#: metrics whose change within the walking baseline is said (those with a same-day repeat range, judged
#: by the baseline rules)
_BASELINE_SHIFT_METRICS = ("cadence_spm", "vertical_oscillation_cm", "trunk_twist_deg", "forward_lean_deg",
                           "lateral_sway_cm")


def _baseline_shift(out: dict, m: np.ndarray, walked: np.ndarray, length: float, cfg: StrainConfig) -> str:
    """'vertical oscillation 3.7 → 6.1 cm; …' for the smoothed metrics whose median over the last third of
    the baseline differs from the first third's by more than a same-day repeat walk's (imu_gait.compare's
    REPEAT_CHANGE), '' when none: a change inside the baseline made it a mix of two gaits (a bounce rising
    at 1:00 of a 4-minute walk was never flagged)."""
    from .compare import REPEAT_CHANGE

    first, last = walked <= length / 3.0, (walked > 2.0 * length / 3.0) & (walked <= length)
    said = []
    for k in _BASELINE_SHIFT_METRICS:
        v = out[k][m]
        a, b = v[first], v[last]
        if np.isfinite(a).sum() < cfg.min_baseline_steps // 2 or np.isfinite(b).sum() < cfg.min_baseline_steps // 2:
            continue
        early, late = float(np.nanmedian(a)), float(np.nanmedian(b))
        if abs(late - early) > REPEAT_CHANGE[k]:
            said.append(f"{metric_words(k)} {metric_text(early, k)} → {metric_text(late, k)}")
    return "; ".join(said)


def _grid_times(t_step: np.ndarray, walk_s: float, dt: float) -> np.ndarray:
    """The grid's times: every ``dt`` from the first step to the last, less the inside of idle
    stretches longer than :data:`GRID_IDLE_CUT_S` (all but :data:`GRID_IDLE_EDGE_S` at each end).

    A grid over the whole span cost 0.5 kB a second: a month between two walks fed to the engine (a
    logger's clock set mid-stream) asked for 1.3 GB and ended in a MemoryError. Nothing is judged in an
    idle stretch — a flag is released after ``release_hold_s`` without walking, and episodes are merged
    by their times — so leaving its middle out changes no flag; the edges keep the timeline's lines
    broken there. Where nothing is left out the grid is ``np.arange`` itself, as it always was."""
    start, stop = math.floor(t_step[0] / dt) * dt, t_step[-1] + dt / 2
    gaps = np.flatnonzero(np.diff(t_step) > walk_s + GRID_IDLE_CUT_S)
    if not gaps.size:
        return np.arange(start, stop, dt)
    # np.arange's own values (start + i·delta, delta as it takes it), only at the indices kept
    delta = (start + dt) - start
    n = int(math.ceil((stop - start) / dt))
    cut_from = np.ceil((t_step[gaps] + walk_s + GRID_IDLE_EDGE_S - start) / delta).astype(np.int64)
    cut_to = np.floor((t_step[gaps + 1] - GRID_IDLE_EDGE_S - start) / delta).astype(np.int64)
    bounds = np.concatenate(([0], np.column_stack((cut_from, cut_to + 1)).ravel(), [n]))
    idx = np.concatenate([np.arange(a, b, dtype=np.int64) for a, b in bounds.reshape(-1, 2)])
    return start + idx * delta


def _to_grid(cols: dict[str, np.ndarray], series, base, cfg: StrainConfig) -> dict:
    """Sample every per-step series at the last step before each grid time (``cols``: the prepared
    steps' columns, :func:`_columns`)."""
    t_step = cols["time_s"]
    step_s = cols["step_time_s"]
    med_step = np.nanmedian(step_s) if (~np.isnan(step_s)).any() else 0.55
    walk_s = max(2.0, 3 * med_step)
    t = _grid_times(t_step, walk_s, cfg.grid_s)
    idx = np.searchsorted(t_step, t, side="right") - 1
    idx_c = np.clip(idx, 0, len(t_step) - 1)
    walking = (idx >= 0) & (t - t_step[idx_c] <= walk_s)
    gait = np.where(walking, cols["gait"][idx_c], "")
    grid = {"time_s": t, "walking": walking, "gait": gait}
    for k, v in series.items():
        grid[k] = np.where(walking, v[idx_c], np.nan)
    for k in list(_METRICS) + list(_VAR_METRICS) + ["fatigue_" + f for f in _FATIGUE]:
        b = np.full(len(t), np.nan)
        for g, vals in base["values"].items():
            b[gait == g] = vals.get(k, np.nan)
        grid[k + "_baseline"] = b
    base_end = np.full(len(t), np.inf)
    for g, e in base["end_s"].items():
        base_end[gait == g] = e
    grid["baseline_end_s"] = base_end
    grid["is_run"] = gait == "run"
    return grid


def _build_rules(grid: dict, cfg: StrainConfig, *, treadmill: bool, incline_pct, pk: str,
                 notes: list[str], belt_ratio=None, incline_change=None, has_gyro: bool = True,
                 incline_now=None) -> list[_Rule]:
    """The rules on the grid. ``belt_ratio``: per grid row, the belt speed over its gait's baseline belt
    speed (NaN where either is unknown); ``incline_change``: the entered incline minus its gait's baseline
    incline (points; NaN where either is unknown); ``has_gyro``: False leaves sway out of fatigue; ``incline_now``:
    the entered incline per grid row (%), which raises the lean-against-standing limit by the hill's slope."""
    n = len(grid["time_s"])
    belt_ratio = np.full(n, np.nan) if belt_ratio is None else np.asarray(belt_ratio, float)
    incline_change = np.full(n, np.nan) if incline_change is None else np.asarray(incline_change, float)
    with np.errstate(invalid="ignore"):
        belt_changed = np.abs(belt_ratio - 1.0) >= SPEED_CHANGE_FRAC      # NaN (unknown) → unchanged
        incline_changed = np.abs(incline_change) >= cfg.incline_rise_pct
    run = grid["is_run"]
    short = any(_NO_BASELINE_NOTE in t for t in notes)       # its note already lists what was not judged

    def x(k):
        return grid[k]

    def b(k):
        return grid[k + "_baseline"]

    def has(*ks):
        return np.logical_and.reduce([np.isfinite(b(k)) for k in ks])

    def rel_frac(k, frac, sign, graded=True, grade_frac=None):
        """Relative criterion: baseline × (1 ± frac), excursion floored by _FLOORS; severity graded in steps
        of the excursion, or of baseline × ``grade_frac`` when given."""
        exc = np.maximum(np.abs(b(k)) * frac, _FLOORS.get(k, 0.0))
        grade = None if grade_frac is None else np.maximum(np.abs(b(k)) * grade_frac, _FLOORS.get(k, 0.0) / 2)
        return _Crit(k, x(k), b(k) + sign * exc, exc, sign, b(k), graded, grade)

    def rel_add(k, delta, sign, graded=True, key=None):
        return _Crit(key or k, x(k), b(k) + sign * delta, np.full(n, delta), sign, b(k), graded)

    def band(k, frac, graded=False):
        """|x / baseline − 1| ≤ frac, as two criteria (inside the band is 'on')."""
        lo = _Crit(k, x(k), b(k) * (1 - frac), np.abs(b(k)) * frac, +1, b(k), graded)
        hi = _Crit(k, x(k), b(k) * (1 + frac), np.abs(b(k)) * frac, -1, b(k), graded)
        return [lo, hi]

    def absol(k, thr, stepw, sign, where=None):
        thr = np.where(where if where is not None else True, thr, np.nan) * np.ones(n)
        return _Crit(k, x(k), thr, np.full(n, stepw), sign, thr)

    rules: list[_Rule] = []
    H = HA = cfg.hold_s          # relative / absolute hold (forward lean's absolute hold is shorter)
    # over-striding: cadence ↓ AND braking ↑ (relative); running cadence < 164 spm (absolute)
    rules.append(_Rule(
        "overstriding",
        _Group("and", [rel_frac("braking_mps", cfg.braking_rise_frac, +1),
                       rel_frac("cadence_spm", cfg.cadence_drop_frac, -1)]),
        _Group("and", [absol("cadence_spm", cfg.run_cadence_min_spm, cfg.run_cadence_band_spm, -1, run)]),
        has("braking_mps", "cadence_spm"), H, HA, "min"))
    if not np.isfinite(b("braking_mps")).any() and np.isfinite(b("cadence_spm")).any():
        notes.append("No braking values: over-striding judged only by the running cadence fallback.")
    # vertical bounce: VO or impact ↑ (relative); running VO / vertical ratio (absolute, placement)
    vo_abs = cfg.run_vo_max_cm[pk] - (cfg.treadmill_run_vo_offset_cm if treadmill else 0.0)
    rules.append(_Rule(
        "vertical_bounce",
        _Group("or", [rel_frac("vertical_oscillation_cm", cfg.vo_rise_frac, +1),
                      rel_frac("impact_g", cfg.impact_rise_frac, +1)]),
        _Group("or", [absol("vertical_oscillation_cm", vo_abs, cfg.run_vo_band_cm[pk], +1, run),
                      absol("vertical_ratio_pct", cfg.run_vr_max_pct[pk], cfg.run_vr_band_pct[pk], +1, run)]),
        has("vertical_oscillation_cm") | has("impact_g"), H, HA, "max"))
    # trunk twist, two-sided
    rules.append(_Rule("trunk_twist_excess",
                       _Group("and", [rel_frac("trunk_twist_deg", cfg.twist_excess_frac, +1)]), None,
                       has("trunk_twist_deg"), H, HA, "min"))
    rules.append(_Rule("trunk_twist_guarding",
                       _Group("and", [rel_frac("trunk_twist_deg", cfg.twist_guard_frac, -1,
                                               grade_frac=cfg.twist_guard_grade_frac)]), None,
                       has("trunk_twist_deg"), H, HA, "min"))
    # forward lean: baseline + 5° for 20 s; absolute +10° for 5 s — against standing (gait-science.md's reference)
    # where the walker stood still before the walk, else against the first steady steps (the baseline's zero)
    stood = np.isfinite(x("lean_vs_standing_deg"))
    # … on an entered treadmill incline the limit against standing rises by the hill's slope: walkers lean into a
    # hill (a 15 % incline, 8.5°, read 11.7° and was flagged 'hunched'; found by review) — its change from the
    # baseline is incline_effort's to tell
    hill_deg = (np.degrees(np.arctan(np.clip(np.nan_to_num(np.asarray(incline_now, float) * np.ones(n), nan=0.0),
                                             0.0, None) / 100.0)) if treadmill and incline_now is not None else np.zeros(n))
    # A walk that leaned past the limit against standing from its first minutes (a backpack or a phone from the
    # start, a hunch the walker set off with) has that lean in its baseline: compared with it, the lean stays
    # invisible however long it lasts (carry audit s43: 12° further than standing, worn all along, raised nothing;
    # the same lean in a 50-s walk, no baseline, was flagged). There the limit against standing judges instead, as
    # asymmetry's does for a limp from the first step. 'Already in the baseline' is the lean against standing less
    # its rise since the baseline (forward_lean_deg − its baseline, the upright-part baseline after a hill start),
    # read in the row's own sensor position; rows without a standing keep the relative rule. Since the baseline
    # itself is past the limit, any rise the relative rule would flag (≥ 5°) is past it too. Running rows keep
    # the relative rule: a runner's own style leans 10.8 ± 2.2° (high-lean runners, self-selected −2° … 25°;
    # gait-science.md §3), so a run 12° past standing from its first minutes is a style, not a load (review s44:
    # every whole 8-min run at 12° vs standing was flagged mild 0:06–7:57, 'Stand tall and raise the chest')
    with np.errstate(invalid="ignore"):
        lean_from_start = stood & ~run & (x("lean_vs_standing_deg") - (x("forward_lean_deg") - b("forward_lean_deg"))
                                   >= cfg.lean_abs_deg + hill_deg)
    rules.append(_Rule("forward_lean",
                       _Group("and", [rel_add("forward_lean_deg", cfg.lean_rise_deg, +1)]),
                       _Group("or", [absol("lean_vs_standing_deg", cfg.lean_abs_deg + hill_deg, cfg.lean_abs_band_deg,
                                           +1, stood),
                                     absol("forward_lean_deg", cfg.lean_abs_deg, cfg.lean_abs_band_deg, +1, ~stood)]),
                       has("forward_lean_deg") & ~lean_from_start, H, cfg.hold_abs_lean_s, "min"))
    # handrail gripping: twist ↓ 40 %, sway ↓ 20 %, cadence within ±3 % (+ VO or impact ↓ off a treadmill)
    if np.isfinite(b("trunk_twist_deg")).any():
        items = [rel_frac("trunk_twist_deg", cfg.handrail_twist_frac, -1),
                 rel_frac("lateral_sway_cm", cfg.handrail_sway_frac, -1),
                 *band("cadence_spm", cfg.handrail_cadence_band_frac)]
        use = has("trunk_twist_deg", "lateral_sway_cm", "cadence_spm")
        if not treadmill:
            items.append(_Group("or", [rel_frac("vertical_oscillation_cm", cfg.handrail_vertical_frac, -1, False),
                                       rel_frac("impact_g", cfg.handrail_vertical_frac, -1, False)]))
        rules.append(_Rule("handrail_gripping", _Group("and", items), None, use, H, HA, "min"))
    elif treadmill and not np.isfinite(x("trunk_twist_deg")).any():
        # no gyroscope (a phone's 'Acceleration with g', a Polar H10) on a treadmill: the belt fixes the pace,
        # so less sway *and* less bounce or impact at the same cadence is the rails' pattern (they steady the
        # trunk sideways and carry some weight, gait-science §5) — the same thresholds as above, the vertical
        # one required as off a treadmill since the twist is missing. Not where the belt runs ≥ 10 % slower or
        # faster than during the baseline: a slower belt lowers sway and bounce by itself
        rules.append(_Rule(
            "handrail_gripping",
            _Group("and", [rel_frac("lateral_sway_cm", cfg.handrail_sway_frac, -1),
                           *band("cadence_spm", cfg.handrail_cadence_band_frac),
                           _Group("or", [rel_frac("vertical_oscillation_cm", cfg.handrail_vertical_frac, -1, False),
                                         rel_frac("impact_g", cfg.handrail_vertical_frac, -1, False)])]),
            None, has("lateral_sway_cm", "cadence_spm") & (has("vertical_oscillation_cm") | has("impact_g"))
            & ~belt_changed, H, HA, "min", variant="acc_only"))
    elif np.isfinite(x("trunk_twist_deg")).any() and not short:   # (no gyro / too short: noted elsewhere)
        notes.append("Handrail gripping needs a personal baseline of trunk twist; not judged.")
    # incline effort from lean at the same cadence (treadmill, where the incline is up on the baseline's)
    inclined = np.nan_to_num(np.asarray(incline_pct, float) * np.ones(n), nan=0.0) >= cfg.incline_rise_pct
    if treadmill and inclined.any():
        rules.append(_Rule("incline_effort",
                           _Group("and", [rel_add("forward_lean_deg", cfg.lean_rise_deg, +1),
                                          *band("cadence_spm", cfg.incline_cadence_band_frac)]),
                           None, has("forward_lean_deg", "cadence_spm") & inclined, H, HA, "min"))
    # pace too fast / shuffling: stride CV ↑ ×1.5 beyond its estimate's own noise (a 60-s CV of a steady
    # healthy walker wanders ~15 %: judged as measured, 1 in 7 such 10-min walks crossed it by chance —
    # review) or regularity ↓ 0.1; absolute CV > 5 %. Step regularity
    # also falls when left and right steps differ (asymmetry, a limp); then the symmetry index
    # (step / stride regularity) falls too, whereas irregular steps lower both regularities alike. So
    # the regularity branch needs symmetry to have dropped by less than half as much as the step
    # regularity did, and by less than 0.1 (neutral where not measured). (The 0.1 alone let a regular walk
    # with 4.5–5.5 % step-time asymmetry through — stride regularity dips a little too, so symmetry fell
    # 0.075–0.11 against step regularity's 0.10–0.12 — as 'pace too fast' beside its asymmetry flag: review.)
    # A slower, softer pace reads less regular by itself (pace_regularity_allowance): that part of the drop is not
    # counted while the stride CV has not risen (a desk pad turned down 92 → 76 spm, 2 % variation all through:
    # 0.97 → 0.85 read 'Irregular steps (mild)'). Against the gait's own baseline pace (not a same-pace rebasing).
    reg_crit = rel_add("step_regularity", cfg.regularity_drop, -1)
    reg_crit.thr = reg_crit.thr - pace_regularity_allowance(
        b("step_regularity"), x("cadence_spm"), grid["cadence_spm_gait_ref"], x("vertical_oscillation_cm"),
        grid["vertical_oscillation_cm_gait_ref"], x("stride_time_cv_pct"), grid["stride_time_cv_pct_gait_ref"], cfg)
    has_sy = np.isfinite(b("symmetry")) & np.isfinite(x("symmetry"))
    reg_drop = np.maximum(b("step_regularity") - x("step_regularity"), 0.0)
    sy_allow = np.minimum(cfg.symmetry_drop, np.where(np.isfinite(reg_drop), cfg.symmetry_share * reg_drop,
                                                      cfg.symmetry_drop))
    sy_thr = np.where(has_sy, b("symmetry") - sy_allow, 0.0)
    not_asym = _Crit("symmetry", np.where(has_sy, x("symmetry"), 1.0), sy_thr,
                     np.full(n, cfg.symmetry_drop), +1, b("symmetry"), graded=False)
    cv_b = b("stride_time_cv_pct")
    cv_exc = np.maximum(cv_b * (cfg.cv_factor - 1), cfg.cv_min_rise_pct)
    rules.append(_Rule(
        "pace_too_fast",
        _Group("or", [_Crit("stride_time_cv_pct", x("stride_time_cv_lcb_pct"), cv_b + cv_exc, cv_exc, +1, cv_b,
                            shown=x("stride_time_cv_pct")),
                      _Group("and", [reg_crit, not_asym])]),
        _Group("or", [absol("stride_time_cv_pct", cfg.cv_abs_pct, cfg.cv_abs_band_pct, +1)]),
        has("stride_time_cv_pct") | has("step_regularity"), H, HA, "max"))
    # pelvic instability: drop ROM + 1.5° or L/R difference > max(2°, baseline + 1.5°)
    lr_b = b("pelvic_drop_lr_diff_deg")
    lr_thr = np.maximum(cfg.drop_lr_deg, lr_b + cfg.drop_lr_rise_deg)
    lr_step = np.maximum(lr_thr - lr_b, cfg.drop_lr_abs_band_deg)
    rules.append(_Rule(
        "pelvic_instability",
        _Group("or", [rel_add("pelvic_drop_deg", cfg.drop_rom_rise_deg, +1),
                      _Crit("pelvic_drop_lr_diff_deg", x("pelvic_drop_lr_diff_deg"), lr_thr, lr_step, +1, lr_b)]),
        _Group("or", [absol("pelvic_drop_lr_diff_deg", cfg.drop_lr_deg, cfg.drop_lr_abs_band_deg, +1)]),
        has("pelvic_drop_deg") | has("pelvic_drop_lr_diff_deg"), H, HA, "max"))
    # asymmetry: step-time asymmetry > baseline + 2 points, or a run's GCT balance > baseline + 2 points;
    # absolute > 6 %, or a run's GCT balance > 52.2 % (graded by the larger). The balance was in the fallback
    # only: a 90-s run at 54 % was 'marked', a 10-min run going 50 → 54 % at 5:00 raised nothing (review);
    # gait-science §7 gives it the relative trigger too
    # A baseline whose step-time asymmetry (its lower bound) is already past the general limit is a limp from the
    # first step, not even walking: compared with it, the limp stays invisible however long it lasts (audit s36
    # F1: a 15 % limp through a 5-min walk raised nothing, the same limp in a 90-s walk 'strong'; people with back
    # pain limp before they set off). There the general limit judges instead — with a gyroscope only: without one
    # the engine cannot re-time a foot whose contacts the vertical signal finds late (engine.even_contact_sides),
    # an offset that is also there from the first step and reads as a limp (the Oxford neck-pouch phone
    # Samsung_Carmelo_1, acc only: 12 % for an even walk, a 'marked' flag with the general limit); the baseline
    # keeps absorbing that.
    with np.errstate(invalid="ignore"):
        limp_from_start = (b("step_time_asymmetry_lcb_pct") >= cfg.asym_abs_pct) & has_gyro
    rules.append(_Rule(
        "asymmetry",
        _Group("or", [rel_add("step_time_asymmetry_lcb_pct", cfg.asym_rise_pct, +1),
                      rel_add("gct_balance_long_side_pct", cfg.run_gct_balance_rise_pct, +1)]),
        _Group("or", [absol("step_time_asymmetry_lcb_pct", cfg.asym_abs_pct, cfg.asym_abs_band_pct, +1),
                      absol("gct_balance_long_side_pct", cfg.run_gct_balance_max_pct, cfg.run_gct_balance_band_pct,
                            +1, run)]),
        (has("step_time_asymmetry_lcb_pct") | has("gct_balance_long_side_pct")) & ~limp_from_start, H, HA, "max"))
    # fatigue: ≥ 2 of the long-window signals drifted the tired way, after the baseline period
    fk = {k: "fatigue_" + k for k in _FATIGUE}
    fat = [
        _Crit(fk["cadence_spm"], x(fk["cadence_spm"]), b(fk["cadence_spm"]) * (1 - cfg.fatigue_cadence_frac),
              np.abs(b(fk["cadence_spm"])) * cfg.fatigue_cadence_frac, -1, b(fk["cadence_spm"])),
        rel_frac(fk["vertical_oscillation_cm"], cfg.fatigue_vo_frac, +1),
        rel_add(fk["step_regularity"], cfg.fatigue_regularity, -1),
        rel_add(fk["forward_lean_deg"], cfg.fatigue_lean_deg, +1),
        rel_frac(fk["lateral_sway_cm"], cfg.fatigue_sway_frac, +1),
        rel_frac(fk["ground_contact_ms"], cfg.fatigue_gct_frac, +1),       # NaN (unjudged) in walking
    ]
    if not has_gyro:
        # without a gyroscope 'sway' is mostly the trunk's roll (g·sin roll at the stride rate): 4° more roll
        # read +53 % of sway and, with a cadence dip, 'fatigue … lateral sway' for a sway that never changed
        # (found by review). Not judged then; the handrail rule, which needs less sway *and* less bounce, keeps it
        fat[4].thr = np.full(n, np.nan)
    if pk == "chest":
        # a chest sensor sits up the trunk: leaning further forward by Δθ makes the trunk's twist swing it sideways
        # by up to 2·L·sin Δθ·sin(twist/2) more per stride, so its sway grows with the lean alone (synthetic chest
        # model, L 0.2 m, 10° twist: lean +12° → the chest's own sway +22 %, the lower back's 0 %) — a hunch from
        # 4:02 raised 'forward lean' and, from 4:08, a 'fatigue' on 'lean and sway' (chest audit s37 F5). The
        # sway's threshold rises by what the lean can add, so a sway rise beyond it still counts
        d_lean_rad = np.radians(np.maximum(fat[3].x - fat[3].ref, 0.0))
        half_twist_rad = np.radians(np.nan_to_num(x("trunk_twist_deg"), nan=0.0)) / 2
        lean_sway_cm = 200.0 * cfg.chest_above_pivot_m * np.sin(d_lean_rad) * np.sin(half_twist_rad)
        fat[4].thr = fat[4].thr + np.nan_to_num(lean_sway_cm, nan=0.0)
    if treadmill and belt_changed.any():
        # cadence and bounce follow the belt: where it runs ≥ 10 % faster or slower than during the baseline
        # they moved with it, at once, not by tiring (a faster belt: more bounce; a slower one: lower cadence);
        # so does a run's ground contact (shorter the faster the belt)
        for c in (fat[0], fat[1], fat[5]):
            c.thr = np.where(belt_changed, np.nan, c.thr)
        # said only where it can have mattered: a walk-run-walk session's belt changes with the gait, each gait
        # judged against its own belt, except the few seconds where the schedule's change and the gait's do not
        # coincide (a runner presses + and starts running as the belt speeds up) — no flag is held that briefly
        changed_s = float((belt_changed & grid["walking"] & (grid["time_s"] > grid["baseline_end_s"])).sum()) * cfg.grid_s
        if changed_s >= cfg.hold_s:
            notes.append("Where the belt ran 10 % or more faster or slower than during your baseline, fatigue was "
                         "judged without cadence and bounce (and a run's ground contact), which the belt speed moves by "
                         "itself (from lean, sway and step regularity).")
    if treadmill and incline_changed.any():
        # the schedule's incline moves cadence, bounce and lean at once, as the belt does (uphill: shorter,
        # slower steps and a lean into the hill; downhill: the reverse): a walker who leaned +3° and slowed
        # 4 % as the incline went 0 → 8 % was told 'Fatigue … take a break'. The lean itself is the
        # incline-effort rule's to judge
        for c in (fat[0], fat[1], fat[3], fat[5]):          # (a run's contact lengthens uphill too)
            c.thr = np.where(incline_changed, np.nan, c.thr)
        changed_s = float((incline_changed & grid["walking"] & (grid["time_s"] > grid["baseline_end_s"])).sum()) * cfg.grid_s
        if changed_s >= cfg.hold_s:
            notes.append(f"Where the incline differed by {cfg.incline_rise_pct:g} point or more from your baseline's, "
                         "fatigue was judged without cadence, bounce and lean (and a run's ground contact), which the "
                         "incline moves by itself (from sway and step regularity).")
    if treadmill and not np.isfinite(belt_ratio).any():
        # no belt speed entered: the belt still sets the pace, so a cadence ≥ PACE_BLOCK_CADENCE_FRAC off the
        # baseline's is read as the belt set faster or slower (as _rebase_to_same_pace reads it), and cadence and
        # bounce, which follow the belt, are left out of fatigue there as with a known belt change. A desk walker
        # who slowed the pad from ~3 to ~2 km/h after a call (92 → 76 spm, bounce 2.2 → 1.2 cm) was told
        # 'Fatigue … cadence −17 %' for the rest of the walk (desk audit s42). A drift of 3–5 % is still judged.
        with np.errstate(invalid="ignore", divide="ignore"):
            pace_off = np.abs(x(fk["cadence_spm"]) / b(fk["cadence_spm"]) - 1.0) >= PACE_BLOCK_CADENCE_FRAC
        for c in (fat[0], fat[1], fat[5]):
            c.thr = np.where(pace_off, np.nan, c.thr)
        off_s = float((pace_off & grid["walking"] & (grid["time_s"] > grid["baseline_end_s"])).sum()) * cfg.grid_s
        if off_s >= cfg.hold_s:
            notes.append(f"No belt speed was entered: where your cadence was {PACE_BLOCK_CADENCE_FRAC * 100:.0f} % or "
                         "more off your baseline's, the belt was taken to run faster or slower, and fatigue was judged "
                         "without cadence and bounce (and a run's ground contact), which the belt moves by itself. "
                         "Enter the belt speed (--belt-speed, --treadmill-schedule) to have it judged by it.")
    fat_use = np.isfinite(np.array([c.thr for c in fat])).sum(0) >= 2
    rules.append(_Rule("fatigue", _Group("k2", fat), None, fat_use & (grid["time_s"] > grid["baseline_end_s"]),
                       cfg.fatigue_hold_s, cfg.fatigue_hold_s, "second"))
    if not fat_use.any() and not short:
        notes.append("Fatigue needs a personal baseline and a longer walk; not judged.")
    return rules


def _gait_starts(gait: np.ndarray, t: np.ndarray, min_s: float = 10.0) -> np.ndarray:
    """Grid rows where the gait ('walk' | 'run') changes for at least ``min_s``: the first row of a
    stretch of the new gait (rows between steps, '', skipped over). A few steps of the other gait
    inside a run or a walk — a run's odd step labelled walk — are no change (they broke a run's bounce
    flag in two)."""
    gait = np.asarray(gait).astype(str)
    rows = np.flatnonzero(gait != "")
    out = np.zeros(gait.size, bool)
    if rows.size < 2:
        return out
    g = gait[rows]
    first = np.flatnonzero(np.concatenate(([True], g[1:] != g[:-1])))      # stretches of one gait
    last = np.concatenate((first[1:], [g.size])) - 1
    long_enough = t[rows[last]] - t[rows[first]] >= min_s
    stable = None
    for a, keep in zip(first.tolist(), long_enough.tolist()):   # a loop over stretches, not samples
        if keep and stable is not None and g[a] != stable:
            out[rows[a]] = True
        if keep or stable is None:
            stable = g[a]
    return out


def _evaluable(item: "_Crit | _Group") -> np.ndarray:
    """Grid points where a criterion (its value and threshold both known) or a group of them can be judged."""
    if isinstance(item, _Crit):
        return np.isfinite(item.x) & np.isfinite(item.thr)
    each = np.array([_evaluable(i) for i in item.items])
    return each.all(0) if item.mode == "and" else each.any(0) if item.mode == "or" else each.sum(0) >= 2


def _rule_evaluable(rule: _Rule) -> np.ndarray:
    """Grid points where a rule could fire: its relative form where that applies (a baseline), else its
    absolute fallback. A rule never evaluable was not judged — its 0 minutes say nothing (a walk without a
    gyroscope has no twist to judge; compare showed 'trunk twist excess 3.6 → 0.0 min' for it: review)."""
    n = len(rule.use_rel)
    rel = _evaluable(rule.rel) if rule.rel is not None else np.zeros(n, bool)
    ab = _evaluable(rule.abs) if rule.abs is not None else np.zeros(n, bool)
    return np.where(rule.use_rel, rel, ab)


def _evaluate_rule(rule: _Rule, t: np.ndarray, cfg: StrainConfig,
                   gait_starts: np.ndarray | None = None) -> list[dict]:
    """Held, latched, merged episodes of one rule: dicts with i0, i1, variant ('rel'|'abs').

    ``gait_starts`` (:func:`_gait_starts`): a change between walking and running ends an episode there
    and a new one must be held again — each gait is judged against its own baseline, and an episode
    across the change mixed them (found on the adeptdata run: a run's bounce carried into the walk after
    it read 'impact 3.49 g vs your baseline 1.58 g', the run's impact against the walk's baseline)."""
    n = len(t)
    rf = cfg.release_fraction
    on = np.zeros(n, bool)
    off = np.ones(n, bool)
    if rule.rel is not None:
        r_on, r_off = rule.rel.on_off(rf)
        on = np.where(rule.use_rel, r_on, on)
        off = np.where(rule.use_rel, r_off, off)
    if rule.abs is not None:
        a_on, a_off = rule.abs.on_off(rf)
        on = np.where(rule.use_rel, on, a_on)
        off = np.where(rule.use_rel, off, a_off)
    on &= ~off
    # a release counts once it has lasted release_hold_s (brief dips do not end a flag)
    idx = np.arange(n)
    off_start = np.maximum.accumulate(np.where(off & ~np.concatenate(([False], off[:-1])), idx, 0))
    released = off & (t - t[off_start] + cfg.grid_s >= cfg.release_hold_s - 1e-9)
    if gait_starts is not None and gait_starts.any():
        on &= ~gait_starts
        released = released | gait_starts
    hold = np.where(rule.use_rel, rule.hold_rel_s, rule.hold_abs_s)
    held, run_start = _held(t, on, released, hold, cfg.grid_s, cfg.min_on_fraction)
    state = _hysteresis(held, released)
    eps: list[dict] = []
    for a, e in _runs(state):
        i0 = int(run_start[a])
        e = a + int(np.flatnonzero(~off[a:e + 1])[-1])     # end where the release began
        if eps and t[i0] - t[eps[-1]["i1"]] <= cfg.merge_gap_s and (
                gait_starts is None or not gait_starts[eps[-1]["i1"] + 1:i0 + 1].any()):
            eps[-1]["i1"] = int(e)
            continue
        eps.append({"i0": i0, "i1": int(e), "trig": int(a), "rule": rule,
                    "variant": "rel" if rule.use_rel[a] else "abs"})
    return eps


def _rollator_rules(rules: list[_Rule], grid: dict, cols: dict[str, np.ndarray], notes: list[str],
                    cfg: StrainConfig) -> list[_Rule]:
    """A rollator walked with the whole time: no general forward-lean limit (its handles set a lean of their own:
    a 100-s rollator walk leaning 15° further than standing read 'Forward lean / hunching, strong'; walking-aid
    audit s39). A lean rise from the walker's own first minutes with it is kept, and so is the rail rule, judged
    against a baseline that already holds on (its words: leaning on the rollator more, _make_flag)."""
    out = []
    for r in rules:
        if r.id == "forward_lean" and r.abs is not None:
            if (~r.use_rel & grid["walking"]).any():          # where the general limit would have judged
                lean = cols["lean_vs_standing_deg"]
                lean = lean[np.isfinite(lean)]
                med = float(np.median(lean)) if lean.size else float("nan")
                here = (f" (here {abs(med):.0f}° further {'forward' if med >= 0 else 'back'} than you stood)"
                        if np.isfinite(med) else "")
                notes.append(ROLLATOR_LEAN_NOTE.format(here=here, limit=cfg.lean_abs_deg))
                # the short walk's note listed the lean limit among what the general limits still judge (both
                # from the configured limit: a literal 10° found nothing with lean_abs_deg=12, review s39 L5)
                said = _NO_BASELINE_LEAN.format(lean=cfg.lean_abs_deg)
                notes[:] = [n.replace(said, "") if _NO_BASELINE_NOTE in n else n for n in notes]
            # … and the relative rule judges everywhere, also where a lean past the limit from the start handed
            # the general limit the judging (_build_rules): a rollator's lean from the start is its own
            r = replace(r, abs=None, use_rel=r.use_rel | np.isfinite(grid["forward_lean_deg_baseline"]))
        out.append(r)
    return out


def _suppress(episodes: dict, loser: str, winner: str, *, same_onset_s: float | None = None,
              t: np.ndarray | None = None) -> None:
    """Drop ``loser`` episodes that overlap ``winner`` episodes for more than half their length (and, with
    ``same_onset_s``, began within that many seconds of such a winner episode: grid times ``t``)."""
    if loser not in episodes or winner not in episodes or not episodes[winner]:
        return
    keep = []
    for ep in episodes[loser]:
        length = ep["i1"] - ep["i0"] + 1
        ov = sum(max(0, min(ep["i1"], w["i1"]) - max(ep["i0"], w["i0"]) + 1) for w in episodes[winner])
        together = same_onset_s is None or any(abs(float(t[ep["i0"]]) - float(t[w["i0"]])) <= same_onset_s
                                               for w in episodes[winner])
        if ov <= 0.5 * length or not together:
            keep.append(ep)
    episodes[loser] = keep


def _fatigue_onset_s(grid: dict, evidence: list[tuple[str, float, float]], i0: int, i1: int) -> float | None:
    """When a fatigue episode's signals all changed at once (a step, not a drift), the time they did, s; else
    None. ``evidence``: (metric, its long-window value in the episode, its baseline) per signal that drifted.

    Each signal's short-window series (the grid's ``max(10 s, 10 strides)`` medians) is followed from the
    baseline's end to the episode's end: it rose from 20 % to 80 % of its change within
    :data:`FATIGUE_AT_ONCE_S`, and the signals' 80 % points lie within that of each other. A centred 10-s
    median turns a step into a rise of ~10 s; the slowest drift the fatigue rule notices (the 60-s window past
    its threshold for 120 s) takes minutes. Without a 20 % point after the baseline (the change began inside
    it) nothing is claimed."""
    t = grid["time_s"]
    base_end = float(grid["baseline_end_s"][i0])
    window = (t >= base_end) & (t <= t[i1])
    marks = []
    for metric, value, ref in evidence:
        y = grid.get(metric)
        change = value - ref
        if y is None or not (np.isfinite(change) and change != 0.0):
            return None
        with np.errstate(invalid="ignore"):
            progress = np.where(window, (y - ref) / change, np.nan)
        reached = np.flatnonzero(progress >= 0.8)
        if not reached.size:
            return None
        before = np.flatnonzero(progress[:reached[0]] <= 0.2)
        if not before.size:
            return None
        t20, t80 = float(t[before[-1]]), float(t[reached[0]])
        if t80 - t20 > FATIGUE_AT_ONCE_S:
            return None
        marks.append((t20, t80))
    if not marks:
        return None
    t80s = [m[1] for m in marks]
    if max(t80s) - min(t80s) > FATIGUE_AT_ONCE_S:
        return None                                 # each at once, but not together: not one change
    return float(np.median([0.5 * (a + b) for a, b in marks]))


def _fatigue_settled(grid: dict, evidence: list[tuple[str, float, float]], i0: int, i1: int) -> bool:
    """Whether a fatigue episode is the walker settling in rather than tiring: it begins within
    :data:`FATIGUE_SETTLE_S` of the baseline's end, and each signal's long-window (60-s) series over the next
    ``FATIGUE_SETTLE_S`` (from the baseline's end + that) is within half its trigger excursion of its median over
    the episode's second half — already at its level, and not drifting further. ``evidence``: (the criterion's
    grid series name, its baseline, its threshold) per signal that drifted.

    A guarded start (sway −20 %, cadence +4 % for the 3 baseline minutes, then the walker's usual gait: synthetic)
    was 'Fatigue … take a break' for the whole 20-min walk; a drift that begins at the baseline's end keeps growing
    (its second half lies past the early stretch by more than that). Needs the episode to last past the early
    stretch by ``FATIGUE_SETTLE_S`` (a level that held), else False."""
    t = grid["time_s"]
    base_end = float(grid["baseline_end_s"][i0])
    t_start, t_end = float(t[i0]), float(t[i1])
    if (not np.isfinite(base_end) or t_start - base_end > FATIGUE_SETTLE_S
            or t_end < base_end + FATIGUE_SETTLED_MIN_END_S):
        return False
    early = (t >= base_end + FATIGUE_SETTLED_EARLY_S[0]) & (t < base_end + FATIGUE_SETTLED_EARLY_S[1])
    late = (t >= 0.5 * (t_start + t_end)) & (t <= t_end)
    for name, ref, thr in evidence:
        y = grid.get(name)
        if y is None or not (np.isfinite(y[early]).any() and np.isfinite(y[late]).any()):
            return False
        excursion = abs(thr - ref)
        if not (np.isfinite(excursion) and excursion > 0):
            return False
        if abs(float(np.nanmedian(y[late])) - float(np.nanmedian(y[early]))) > FATIGUE_SETTLED_MAX_MOVE * excursion:
            return False
    return bool(evidence)


def _value_past_threshold(c: _Crit, sl: slice, series: np.ndarray | None = None,
                          whole_if_never: bool = True) -> float:
    """A criterion's value over an episode (grid rows ``sl``): its median where it was past its threshold. A
    flag holds until the series is back most of the way to the baseline (hysteresis), and the whole episode's
    median quoted a value on the near side of the threshold ("4.2 cm … threshold 4.4 cm" for a 4-min flag,
    graded "mild" whatever the peak — found by review). The whole episode's median when it never was (a
    criterion of an either-or rule that did not fire it; NaN with ``whole_if_never`` False). ``series``: the
    values to take where not the criterion's own (its ``shown``, else ``x``)."""
    x = c.x[sl]
    shown = (x if c.shown is None else c.shown[sl]) if series is None else series[sl]
    with np.errstate(invalid="ignore"):
        past = c.sign * (x - c.thr[sl]) >= 0
    vals = shown[past] if np.isfinite(shown[past]).any() else shown if whole_if_never else shown[:0]
    return float(np.nanmedian(vals)) if np.isfinite(vals).any() else float("nan")


def _windowed_onset(c: _Crit, series: np.ndarray, base: np.ndarray, i0: int, i1: int, back: int,
                    after: int = 0) -> int:
    """Where a pattern judged over a long centred window began: the last grid row before ``i0`` (at most ``back``
    rows before, never before ``after``) whose ``series`` (the measure as estimated, not its lower bound — that
    one is clipped at 0 and lags) was still under half-way from its baseline ``base`` to its value while the
    criterion ``c`` was past its threshold. A centred window turns a step change into a ramp from half a window
    before it to half a window after, half-way at the change; the rule crosses its threshold — and the hold
    runs — well after it: at 1.5 × the trigger a 120-s asymmetry window started the flag 30–55 s after the limp
    began (found by review; other rules: 2–4 s)."""
    v = _value_past_threshold(c, slice(i0, i1 + 1), series, whole_if_never=False)
    ref = float(base[i0])
    if not (np.isfinite(v) and np.isfinite(ref)) or v == ref:
        return i0
    lo = max(i0 - back, after, 0)
    with np.errstate(invalid="ignore"):
        below = np.flatnonzero(c.sign * (series[lo:i0] - (ref + v) / 2.0) < 0)
    return lo + int(below[-1]) + 1 if below.size else i0


def _largest_first(z: np.ndarray) -> np.ndarray:
    """Positions of ``z`` from the largest down, NaN last, equal values in the order given (the rule's criterion
    order). Stable on purpose: numpy's default sort is not — numpy 2 on an AVX2 CPU reordered the ties of
    [1, 1, 2, 2, 0, 0] as [3, 2, 1, 0, …] where numpy 1.24 gave [2, 3, 0, 1, …] — so a fatigue flag whose two
    strongest signals drifted equally named a different metric (and value, baseline, threshold) on another
    machine or numpy release (reproducibility audit s40)."""
    return np.argsort(-np.nan_to_num(np.asarray(z, dtype=float), nan=-np.inf), kind="stable")


def _make_flag(fid: str, ep: dict, t: np.ndarray, cfg: StrainConfig, ctx: dict) -> Flag:
    rule: _Rule = ep["rule"]
    group = rule.rel if ep["variant"] == "rel" else rule.abs
    if fid == "asymmetry":
        lcb = next((c for c in group.graded() if c.metric == "step_time_asymmetry_lcb_pct"), None)
        if lcb is not None and "step_time_asymmetry_pct_baseline" in ctx.get("grid", {}):
            # (the episode, and the timeline's flag column, begin there too)
            grid = ctx["grid"]
            ep["i0"] = _windowed_onset(lcb, grid["step_time_asymmetry_pct"], grid["step_time_asymmetry_pct_baseline"],
                                       ep["i0"], ep["i1"], int(round(cfg.asymmetry_window_s / 2 / cfg.grid_s)),
                                       ep.get("after", 0))
    i0, i1, k = ep["i0"], ep["i1"], ep["trig"]
    sl = slice(i0, i1 + 1)
    rows = []
    for c in group.graded():
        thr, ref = float(c.thr[k]), float(c.ref[k])
        stepw = float((c.step if c.grade_step is None else c.grade_step)[k])
        if not np.isfinite(thr):
            continue
        v = _value_past_threshold(c, sl)
        z = c.sign * (v - thr) / stepw if stepw > 0 else float("nan")
        rows.append((c, v, ref, thr, z))
    if not rows:   # cannot happen for a fired rule; keep the flag honest anyway
        rows = [(group.graded()[0], float("nan"), float("nan"), float("nan"), float("nan"))]
    zs = np.array([r[4] for r in rows], float)
    if rule.grade == "min":
        main, z_sev = rows[0], float(np.nanmin(zs))
    elif rule.grade == "max":
        main = rows[int(np.nanargmax(zs))] if np.isfinite(zs).any() else rows[0]
        z_sev = float(np.nanmax(zs))
        rows = [r for r in rows if r is main or (np.isfinite(r[4]) and r[4] >= 0)]   # only the evidence
    else:  # second largest: the criterion that made it "≥ 2 signals"
        order = _largest_first(zs)
        main = rows[int(order[0])]
        z_sev = float(zs[order[1]]) if len(order) > 1 else float(zs[order[0]])
        # only signals that actually drifted are evidence
        rows = [r for r in rows if np.isfinite(r[4]) and r[4] >= -cfg.release_fraction]
    c, v, ref, thr, _ = main
    kind = "baseline" if ep["variant"] == "rel" else "absolute"
    start_s = max(float(t[i0]), ctx["first_step_s"])
    end_s = min(float(t[i1] + cfg.grid_s), ctx["last_step_s"])
    metric = c.metric.removeprefix("fatigue_")
    info = FLAG_INFO[fid]
    parts = []
    for (cc, vv, rr, tt, _) in ([main] + [r for r in rows if r is not main]):
        m = cc.metric.removeprefix("fatigue_")
        label = _LABEL.get(m, (m,))[0]
        if ctx.get("placement_key") == "chest":
            label = _CHEST_LABEL.get(m, label)       # what a chest sensor measures there (the reports' word)
        if kind == "baseline":
            if m in _ADDITIVE or not rr:       # degrees, points, regularity: show the difference
                unit = _LABEL[m][1]
                unit = " points" if unit == "%" else (unit if unit in ("°", "") else " " + unit)
                # a difference that rounds to zero is '+0.0', not '-0.0'; a replace of '(-0.0' turned every drop
                # under 0.1 of a two-decimal metric into a rise: 'step regularity 0.92 vs your baseline 0.98 (+0.05)'
                # in a fatigue flag, whose regularity threshold is b −0.05 (fatigue audit s38)
                diff = vv - rr
                diff = 0.0 if round(diff, _LABEL[m][2]) == 0 else diff
                rel = f" ({diff:+.{_LABEL[m][2]}f}{unit})"
            else:
                rel = f" ({(vv - rr) / abs(rr) * 100:+.0f} %)"
            parts.append(f"{label} {_fmt_num(vv, m)} vs your baseline {_fmt_num(rr, m)}{rel}, "
                         f"threshold {_fmt_num(tt, m)}")
        else:
            side = "above" if cc.sign > 0 else "below"
            parts.append(f"{label} {_fmt_num(vv, m)}, {side} the general limit {_fmt_num(tt, m)}")
    if rule.variant == "acc_only":
        # the vertical signs do not grade the flag (either may carry it) but are its evidence: name those past
        # their threshold, with numbers, as the graded ones are
        for c in group.items[-1].items:
            vv = float(np.nanmedian(c.x[sl])) if np.isfinite(c.x[sl]).any() else float("nan")
            rr, tt = float(c.ref[k]), float(c.thr[k])
            if np.isfinite(vv) and np.isfinite(tt) and rr and vv <= tt:
                parts.append(f"{_LABEL[c.metric][0]} {_fmt_num(vv, c.metric)} vs your baseline "
                             f"{_fmt_num(rr, c.metric)} ({(vv - rr) / abs(rr) * 100:+.0f} %), threshold "
                             f"{_fmt_num(tt, c.metric)}")
    dur = end_s - start_s
    dur_txt = duration_text(dur)         # as the report's card heading writes it ('4.0 min' beside '4 min 01 s')
    o = ctx.get("origin_s", 0.0)          # messages count m:ss from the recording's first sample
    title = info["title"]
    advice = info["advice"]
    cause = ABSOLUTE_CAUSE.get(fid, info["cause"]) if kind == "absolute" else info["cause"]
    if kind == "absolute" and fid in ("overstriding", "vertical_bounce") and cfg.run_limits_height_m is not None:
        # the limit quoted in the flag is not Garmin's figure: say why (a reader checking 153 against 164 spm)
        base = StrainConfig()
        if fid == "overstriding":
            said = (f"{base.run_cadence_min_spm:g} spm at {SIZE_REFERENCE_HEIGHT_M:g} m → "
                    f"{cfg.run_cadence_min_spm:.0f} spm")
        else:
            pk_ = ctx.get("placement_key", "pelvis")
            said = (f"bounce {base.run_vo_max_cm[pk_]:g} cm at {SIZE_REFERENCE_HEIGHT_M:g} m → "
                    f"{cfg.run_vo_max_cm[pk_]:.1f} cm")
        cause += (f" The general limit is scaled for your height of {cfg.run_limits_height_m:.2f} m ({said}), as "
                  "runners' cadence and bounce go with the length of the legs.")
    if fid == "pace_too_fast" and ctx["is_run"][k]:
        cause, advice = RUN_PACE_CAUSE[kind], RUN_PACE_ADVICE
    if fid == "pace_too_fast" and kind == "baseline" and "cadence" in ctx:
        # the title, cause and advice name the pace only where it rose: the cadence over the flag against its
        # baseline's, or the belt against the baseline's belt (a treadmill fixes the pace)
        cad = ctx["cadence"][sl]
        cad_now = float(np.nanmedian(cad)) if np.isfinite(cad).any() else float("nan")
        cad_base = float(ctx["cadence_base"][k])
        belt_now = float(ctx["belt_speed_at"](start_s))
        belt_base = float(ctx["baseline_belt"][k]) if "baseline_belt" in ctx else float("nan")
        belt_known = belt_now > 0 and belt_base > 0
        belt_rose = belt_known and belt_now >= belt_base * (1.0 + PACE_ROSE_FRAC)
        # where the belt's speed is known it is the pace: a cadence that rose at the same belt speed is shorter
        # steps, not a faster pace — a walker tiring at 4.7 km/h (cadence +2 %, stride CV ×3) was told 'Pace too
        # fast … the pace is faster than you can walk smoothly' (fatigue audit s38). (A run's words speak of its
        # cadence itself: unchanged)
        cad_rose = cad_now >= cad_base * (1.0 + PACE_ROSE_FRAC) and not (belt_known and not ctx["is_run"][k])
        if np.isfinite(cad_now) and cad_base > 0 and not cad_rose and not belt_rose:
            change = cad_now / cad_base - 1.0
            # (a belt that slowed is not 'the same belt speed': quicker steps on it are shorter still — review s38)
            belt_slowed = belt_known and belt_now <= belt_base * (1.0 - PACE_ROSE_FRAC)
            how = (f"cadence {cad_base:.0f} → {cad_now:.0f} steps/min, "
                   + (f"{abs(change) * 100:.0f} % lower" if change <= -0.005 else
                      f"{change * 100:.0f} % higher "
                      f"{'on a slower belt' if belt_slowed else 'at the same belt speed'}: shorter steps"
                      if change >= PACE_ROSE_FRAC else "about the same"))
            words = IRREGULAR_STEPS["run" if ctx["is_run"][k] else "walk"]
            title, cause, advice = words["title"], words["cause"].format(how=how), words["advice"]
            if not ctx["is_run"][k] and ctx.get("walking_aid") in ("rollator", "desk"):
                # no phone in hand (LOAD_LEAN_CAUSE's guard): both hands on a rollator, a keyboard at a walking desk
                # (review A s43: a desk walker was told 'If you were reading or typing on a phone, stop to use it')
                cause = cause.replace(IRREGULAR_PHONE_CAUSE, IRREGULAR_AID_CAUSE[ctx["walking_aid"]])
                advice = advice.replace(IRREGULAR_PHONE_ADVICE, "")
    if fid == "asymmetry" and metric == "step_time_asymmetry_lcb_pct":
        # which side, the first thing a physiotherapist asks (report audit s34 F7)
        sides_text, longer = _asymmetry_sides_text(ctx, start_s, end_s)
        parts += [sides_text] if sides_text else []
        if longer and cause.endswith("as when favouring one side."):
            cause = cause.replace("as when favouring one side", FAVOURED_LEG.format(
                long=longer, short="left" if longer == "right" else "right"))
        base_lcb = ctx.get("grid", {}).get("step_time_asymmetry_lcb_pct_baseline")
        if kind == "absolute" and base_lcb is not None and np.isfinite(base_lcb[k]) and base_lcb[k] >= cfg.asym_abs_pct:
            # why a walk with a baseline is held to the general limit (_build_rules: a limp from the first step)
            parts.append(f"already {base_lcb[k]:.1f}% in your first minutes (your baseline), so it is compared "
                         "with even walking rather than with them")
    if fid == "pelvic_instability" and kind == "absolute":
        base_lr = ctx.get("grid", {}).get("pelvic_drop_lr_diff_deg_baseline")
        if base_lr is not None and np.isfinite(base_lr[k]) and base_lr[k] >= cfg.drop_lr_deg:
            # why a walk with a baseline is held to the general limit (evaluate_flags: uneven from the first step)
            parts.append(f"already {base_lr[k]:.1f}° in your first minutes (your baseline), so it is compared with "
                         "even walking rather than with them")
    if fid == "forward_lean" and kind == "absolute" and metric == "lean_vs_standing_deg":
        g = ctx.get("grid", {})
        if g.get("forward_lean_deg_baseline") is not None and np.isfinite(g["forward_lean_deg_baseline"][k]):
            # why a walk with a baseline is held to the limit against standing (_build_rules: a lean from the start)
            already = g["lean_vs_standing_deg"][k] - (g["forward_lean_deg"][k] - g["forward_lean_deg_baseline"][k])
            if np.isfinite(already) and np.isfinite(thr) and already >= thr:
                parts.append(f"already {already:.1f}° further forward than standing in your first minutes (your "
                             "baseline), so it is compared with standing rather than with them")
    if ctx.get("walking_aid") == "rollator" and fid == "handrail_gripping":
        title = ROLLATOR_RAIL_TITLE
    if ctx.get("walking_aid") == "desk" and fid == "handrail_gripping":
        title = DESK_RAIL_TITLE
    message = (f"{title} ({severity_word(_severity(z_sev, cfg))}) from {_mmss(start_s - o)} to {_mmss(end_s - o)} "
               f"({dur_txt}): " + "; ".join(parts) + ".")
    if fid == "asymmetry" and kind == "absolute" and ctx["is_run"][k]:
        cause = cause.replace("even walking", "even running")      # a run judged on the general limit
        if metric == "gct_balance_long_side_pct":
            cause = RUN_GCT_BALANCE_CAUSE
    if fid == "fatigue" and kind == "baseline" and "grid" in ctx:
        onset = _fatigue_onset_s(ctx["grid"], [(r[0].metric.removeprefix("fatigue_"), r[1], r[2]) for r in rows], i0, i1)
        if _fatigue_settled(ctx["grid"], [(r[0].metric, r[2], r[3]) for r in rows], i0, i1):
            cause = FATIGUE_SETTLED_CAUSE
            advice = FATIGUE_SETTLED_ADVICE
        elif onset is not None:
            cause = FATIGUE_AT_ONCE_CAUSE.format(at=_mmss(onset - o))
            advice = FATIGUE_AT_ONCE_ADVICE
            if ctx.get("walking_aid") in ("rollator", "desk"):
                # (hands on the grips or the keyboard: a phone is not what changed)
                cause = cause.replace("the ground, a load you carried or reading a phone as you walk",
                                      "the ground or a load you carried")
                advice = advice.replace(", picked something up or took out your phone", " or picked something up")
            drifted = {r[0].metric.removeprefix("fatigue_") for r in rows}
            # (not at a walking desk, where reading and typing is the point, nor with a rollator's hands on its
            # grips: those have their own words for the lean)
            if not ctx["is_run"][k] and ctx.get("walking_aid") not in ("rollator", "desk") \
                    and "cadence_spm" in drifted and "forward_lean_deg" in drifted \
                    and drifted & {"step_regularity", "stride_time_cv_pct"}:
                cause += FATIGUE_PHONE_CAUSE
                advice += FATIGUE_PHONE_ADVICE
    if fid == "pelvic_instability" and ctx.get("placement_key") == "chest":
        cause = CHEST_PELVIC_CAUSE
    if fid == "forward_lean" and kind == "absolute" and metric == "lean_vs_standing_deg":
        if np.isfinite(thr) and thr > cfg.lean_abs_deg + 0.05:      # raised by a treadmill incline's slope
            cause = STANDING_LEAN_CAUSE.format(limit=f"{thr:.0f}", runners=",",
                                               incline=STANDING_LEAN_INCLINE.format(base=cfg.lean_abs_deg))
        else:
            # the runners' comparison holds for the default 10° only (a user's own limit is not the runners')
            default_deg = StrainConfig.__dataclass_fields__["lean_abs_deg"].default
            cause = STANDING_LEAN_CAUSE.format(limit=f"{cfg.lean_abs_deg:g}", incline="",
                                               runners=STANDING_LEAN_RUNNERS
                                               if abs(cfg.lean_abs_deg - default_deg) < 0.05 else ",")
    if fid == "handrail_gripping" and rule.variant == "acc_only":
        cause = HANDRAIL_NO_GYRO_CAUSE
    if fid == "handrail_gripping" and not ctx["treadmill"]:
        cause = HANDRAIL_OVERGROUND_CAUSE
        advice = ("If you were holding a rail or support, try walking without it; otherwise relax the "
                  "shoulders and belly, breathe out, and let the arms swing and the shoulders and pelvis "
                  "counter-rotate.")
    if ctx.get("walking_aid") == "rollator" and fid == "handrail_gripping":
        # the rule's own words, set here (its title: before the message), so that the belt-speed sentences added
        # below stay (review s39 L4: they were dropped when the whole cause was replaced after them)
        cause, advice = ROLLATOR_RAIL_CAUSE, ROLLATOR_RAIL_ADVICE
    if ctx.get("walking_aid") == "desk" and fid == "handrail_gripping":
        cause, advice = DESK_RAIL_CAUSE, DESK_RAIL_ADVICE
    belt = float(ctx["belt_speed_at"](start_s))
    if fid in ("pace_too_fast", "handrail_gripping", "incline_effort") and belt > 0:
        advice += f" (Belt speed was {belt * 3.6:.1f} km/h; try about 0.5 km/h slower.)"   # km/h: as entered
    base_belt = float(ctx["baseline_belt"][k]) if "baseline_belt" in ctx else float("nan")
    if fid in SPEED_SENSITIVE and belt > 0 and base_belt > 0 and kind == "baseline" \
            and abs(belt / base_belt - 1.0) >= SPEED_CHANGE_FRAC and not ctx["same_belt"][k]:
        faster = belt > base_belt
        lo, hi = (round(float(ctx[f"baseline_belt_{e}"][k]) * 3.6, 1) for e in ("lo", "hi"))
        was = f"{lo:.1f}–{hi:.1f}" if np.isfinite(lo) and hi > lo else f"{base_belt * 3.6:.1f}"
        cause = (f"The belt ran {'faster' if faster else 'slower'} here than during your baseline "
                 f"({was} → {belt * 3.6:.1f} km/h), and "
                 + ("bounce, step length, braking and trunk rotation all grow with speed" if faster else
                    "trunk rotation and sway shrink at slower speeds")
                 + ": part of this may simply be the new speed. " + cause)
        if faster:
            advice += f" If the faster belt feels hard, go back towards {was} km/h."
    if fid in SAME_BELT_RULES and kind == "baseline" and ctx["same_belt"][k]:
        cause = (f"Judged against your own first steps at this belt speed ({belt * 3.6:.1f} km/h), not against "
                 "your baseline at another speed: the change is since then. " + cause)
    if fid in SAME_BELT_RULES and kind == "baseline" and ctx.get("same_pace", np.zeros(k + 1, bool))[k]:
        cause = (f"Judged against your own first steps at this pace ({float(ctx['cadence_base'][k]):.0f} spm), not "
                 "against your baseline at another pace: the change is since then. " + cause)
    said_pace = False
    if fid in ("vertical_bounce", "trunk_twist_excess", "trunk_twist_guarding") and kind == "baseline" \
            and not belt > 0 and "cadence" in ctx:
        # a walker or runner who speeds up bounces more, lands harder and turns the trunk more at once, and takes
        # quicker steps too: off a belt the speed is unknown, but a cadence well above the baseline's says it rose
        # (adeptdata run, 22:56: impact +50 % at cadence +9 %, a finishing surge). 'Try quicker, shorter steps'
        # then asked for what they already did, and a walk's bounce flag even said 'not a sign that you walked
        # faster' (review); a slower pace turns the trunk less, which read as guarding. The flag stays (the
        # pattern is there), its words say the likely reason
        cad = ctx["cadence"][sl]
        cad_now = float(np.nanmedian(cad)) if np.isfinite(cad).any() else float("nan")
        cad_base = float(ctx["cadence_base"][k])
        going = "running" if ctx["is_run"][k] else "walking"
        if cad_base > 0 and fid != "trunk_twist_guarding" and cad_now >= cad_base * (1.0 + RUN_FASTER_CADENCE_FRAC):
            said_pace = True
            grows = ("lands harder and bounces more" if fid == "vertical_bounce" else "turns the trunk more")
            cause = (f"Your cadence was also {(cad_now / cad_base - 1) * 100:.0f} % above your baseline here "
                     f"({cad_base:.0f} → {cad_now:.0f} spm): you were probably {going} faster, and a faster pace "
                     f"{grows} by itself. " + cause)
            advice = ("If you meant to speed up, this is the pace's doing: compare with a "
                      f"{'run' if ctx['is_run'][k] else 'walk'} at this pace. If not, ease back to your earlier pace"
                      + ("; either way land softly, as if you did not want to splash a puddle, and keep your head "
                         "level." if fid == "vertical_bounce" else "; either way let the arms swing freely "
                         "rather than reaching."))
        elif cad_base > 0 and fid == "trunk_twist_guarding" and cad_now <= cad_base * (1.0 - RUN_FASTER_CADENCE_FRAC):
            said_pace = True
            cause = (f"Your cadence was also {(1 - cad_now / cad_base) * 100:.0f} % below your baseline here "
                     f"({cad_base:.0f} → {cad_now:.0f} spm): you were probably {going} slower, and a slower pace "
                     "turns the trunk less by itself. " + cause)
    if fid == "forward_lean":
        # the flag begins at the jump (its hold and the smoothing put the start up to a minute later)
        jump = next(((tj, dj) for tj, dj in ctx.get("lean_jumps", ()) if dj > 0 and tj - 30.0 <= start_s <= tj + 60.0),
                    None)
        if jump is not None:
            cause += (f" It began with a jump of {jump[1]:.0f}° between two walks (at {_mmss(jump[0] - o)}): if the sensor "
                      "was re-clipped or moved then, this is the sensor's new position, not your posture.")
    if fid == "forward_lean" and not ctx["is_run"][k] and ctx.get("walking_aid") not in ("rollator", "desk"):
        # a backpack or a phone (a rollator and a walking desk have their own words for the lean, below)
        cause += LOAD_LEAN_CAUSE
        advice += LOAD_LEAN_ADVICE
    if fid == "forward_lean" and not ctx["treadmill"]:
        # off a treadmill the slope is unknown (no barometer; a steady climb is a constant vertical speed, which no
        # accelerometer feels), and walkers lean into a hill by about its angle: a 10 % hill read 'hunching
        # forward more than your normal posture' with nothing else said (hills audit s37). The lean itself is the
        # same as a hunch's, so the flag stays; its words say what the walker can tell and imu_gait cannot
        cause += HILL_LEAN_CAUSE
        advice += HILL_LEAN_ADVICE
    if fid == "forward_lean" and kind == "baseline" and ctx["treadmill"] and not ctx.get("has_schedule"):
        # one incline (or none) for the whole walk: a hill raised mid-walk is unknown here, and its lean reads
        # as hunching; say how to tell it (the incline rule then judges the lean as effort)
        cause += (" On a treadmill: if you raised the incline about then, the lean may be the hill's — enter the "
                  "change in a treadmill schedule (during a live walk: the ] key) and it is judged as incline "
                  "effort instead.")
    if fid == "forward_lean" and kind == "baseline" and ctx.get("has_schedule") \
            and float(np.nanmax(ctx["incline_change"][sl], initial=0.0)) >= cfg.incline_rise_pct:
        # the schedule raised the hill here, but the lean was not judged as incline effort: the cadence left the
        # ±5 % band that rule needs (found by review: at −6.4 % a lean into an 8 % hill the user had entered read
        # 'hunching', the hill unmentioned). A hill usually slows the steps, but a schedule that also speeds the
        # belt up quickens them: the words follow the sign of the change, with its numbers (report audit s34 F2:
        # 110 → 120 spm read 'it slowed more')
        cad = ctx["cadence"][sl] if "cadence" in ctx else np.array([np.nan])
        cad_now = float(np.nanmedian(cad)) if np.isfinite(cad).any() else float("nan")
        cad_base = float(ctx["cadence_base"][k]) if "cadence_base" in ctx else float("nan")
        if np.isfinite(cad_now) and cad_base > 0:
            how = (f"here it {'rose' if cad_now > cad_base else 'fell'} by {abs(cad_now / cad_base - 1) * 100:.0f} % "
                   f"({cad_base:.0f} → {cad_now:.0f} steps/min)")
        else:
            how = "here it changed more"
        cause += (f" The incline you gave was raised here (to {float(np.nanmax(ctx['incline_now'][sl])):.0f} %): "
                  "leaning into a hill is expected, and is judged as incline effort only while your cadence stays "
                  f"within {cfg.incline_cadence_band_frac * 100:.0f} % of your baseline — {how}, so "
                  "the lean is reported as posture. If the hill feels hard, lower it or slow the belt.")
    if fid == "overstriding" and kind == "baseline" and not ctx["treadmill"] and not ctx["is_run"][k]:
        cause += DOWNHILL_BRAKING_CAUSE
        advice += DOWNHILL_BRAKING_ADVICE
    if fid == "vertical_bounce" and not ctx["treadmill"] and metric == "impact_g":
        # downhill every landing drops the body a little further: impact peaks rise with the slope (Gottschall &
        # Kram 2005, running at −9°: normal impact peak +54 %) — off a treadmill the slope is unknown
        cause += DOWNHILL_IMPACT_CAUSE
    if fid == "vertical_bounce" and not ctx["treadmill"] and not ctx["is_run"][k] and not said_pace:
        # stairs: the trunk rises (falls) a step's height each step, unevenly within it — to an accelerometer the same
        # as a bounce (synthetic: 17-cm steps at 90 spm read 8.0 cm for a 3.7-cm bounce, flagged 'strong … every
        # landing has to absorb that extra drop' for a minute of stairs; hills audit s37)
        cause += STAIRS_BOUNCE_CAUSE
    elif fid == "vertical_bounce" and not ctx["treadmill"] and not ctx["is_run"][k] and said_pace:
        # quicker steps that bounce or land harder: a faster walk, or a flight of stairs down (synthetic: 60 s down
        # 17-cm steps at 120 spm vs 110 on the level read 'you were probably walking faster', stairs unsaid)
        cause += STAIRS_DOWN_CAUSE
        advice += STAIRS_DOWN_ADVICE
    if fid == "vertical_bounce" and not belt > 0 and metric == "vertical_oscillation_cm" \
            and not ctx["is_run"][k]:                      # (running: no pendulum step length at all)
        # the pendulum model derives step length from the bounce: more bounce, longer 'steps'
        cause += (" (Without a belt speed, step length and walking speed are estimated from the bounce, so "
                  "they read higher here too" + (" — by themselves not a sign that you walked faster.)" if said_pace
                                                 else " — not a sign that you walked faster.)"))
    aid = ctx.get("walking_aid")
    if aid == "rollator" and fid == "forward_lean" and kind == "baseline":
        # (the hill's and the treadmill's sentences added above stay: a rollator goes uphill too)
        cause = cause.replace(info["cause"], ROLLATOR_LEAN_CAUSE, 1)
        advice = advice.replace(info["advice"], ROLLATOR_LEAN_ADVICE, 1)
    if aid == "rollator" and fid == "trunk_twist_guarding":
        cause = cause.replace(info["cause"], ROLLATOR_GUARDING_CAUSE, 1)
        advice = ROLLATOR_GUARDING_ADVICE
    if aid == "desk" and fid == "trunk_twist_guarding":
        cause = cause.replace(info["cause"], DESK_GUARDING_CAUSE, 1)
        advice = DESK_GUARDING_ADVICE
    if aid == "desk" and fid == "forward_lean":
        # (a baseline or a standing-still reference: either way the screen's pull; the hill's words stay, a desk
        # has none but the pad may have an incline)
        cause += DESK_LEAN_CAUSE
        advice = advice.replace(info["advice"], DESK_LEAN_ADVICE, 1)
    if aid == "poles" and fid == "trunk_twist_excess" and not said_pace:
        cause = cause.replace(info["cause"], POLES_TWIST_CAUSE, 1)
        advice = advice.replace(info["advice"], POLES_TWIST_ADVICE, 1)
    if fid in ("asymmetry", "pelvic_instability") and not ctx["is_run"][k]:     # (nobody runs with a bag or a stick)
        cause += LOAD_SIDE_CAUSE + ("" if aid != "cane" else CANE_SIDE_CAUSE if kind == "absolute"
                                    else CANE_BASELINE_CAUSE)
    if ctx.get("one_sided") and fid in PLACEMENT_SENSITIVE:
        # said where the walker reads the flag, not only in the notes at the end
        cause += (" Or the sensor's place: the signal looks one-sided (a pocket or one hip?), which by "
                  "itself makes this pattern appear.")
    return Flag(id=fid, start_s=start_s, end_s=end_s, severity=_severity(z_sev, cfg), metric=metric,
                value=v, reference=ref, reference_kind=kind, threshold=thr, message=message,
                cause=cause, advice=advice, title=title)


class _ScheduleView:
    """Belt speed and incline at any time on the steps' axis, from a schedule or one fixed value each."""

    def __init__(self, schedule: TreadmillSchedule | None, origin_s: float, belt_speed_mps, incline_pct):
        self.schedule, self.origin_s = schedule, float(origin_s)
        self.belt = np.nan if belt_speed_mps is None else float(belt_speed_mps)
        self.incline = np.nan if incline_pct is None else float(incline_pct)

    def speed_at(self, t) -> np.ndarray:
        if self.schedule is None:
            return np.full(np.shape(t), self.belt)
        return self.schedule.speed_at(np.asarray(t, float) - self.origin_s)

    def incline_at(self, t) -> np.ndarray:
        if self.schedule is None:
            return np.full(np.shape(t), self.incline)
        return self.schedule.incline_at(np.asarray(t, float) - self.origin_s)

    def stages(self, t0: float, t1: float) -> list[tuple[float, float, float]]:
        """(start, end, incline) of each stage overlapping [t0, t1], clipped to it."""
        if self.schedule is None:
            return [(t0, t1, self.incline)]
        starts = self.schedule.start_s + self.origin_s
        bounds = np.r_[-np.inf, starts[1:], np.inf]
        return [(max(a, t0), min(b, t1), float(inc)) for a, b, inc in zip(bounds[:-1], bounds[1:],
                                                                          self.schedule.incline_pct)
                if b > t0 and a <= t1]


def _belt_note(sched: "_ScheduleView", t: float) -> str:
    belt = float(sched.speed_at(np.array([t]))[0])
    return f" (Belt speed was {belt * 3.6:.1f} km/h.)" if belt > 0 else ""


def _baseline_stages(grid: dict, gait_first_s: dict[str, float], sched: "_ScheduleView"):
    """Per gait with a baseline: (its grid rows, the treadmill stages (start, end, incline) its baseline
    spanned — from the gait's first step (``gait_first_s``: :func:`_gait_first_step_s`) to the baseline's end)."""
    # (the distinct labels from a set: np.unique sorts the grid's ~3,600 Python strings an hour, three calls each)
    for g in sorted(set(grid["gait"].tolist())):
        rows = grid["gait"] == g
        end = grid["baseline_end_s"][rows]
        if g == "" or not np.isfinite(end).any():
            continue
        yield rows, sched.stages(gait_first_s[g], float(np.nanmax(end)))


#: the metrics of the speed-sensitive form rules (over-striding, bounce, twist) that a known belt speed moves at
#: once: where a treadmill program's belt runs ≥ SPEED_CHANGE_FRAC off the baseline's, they are judged against
#: the walker's own first stretch at that belt speed (:func:`_rebase_to_same_belt`), not the baseline's speed
SAME_BELT_METRICS = ("braking_mps", "cadence_spm", "vertical_oscillation_cm", "impact_g", "trunk_twist_deg")
SAME_BELT_RULES = ("overstriding", "vertical_bounce", "trunk_twist_excess", "trunk_twist_guarding")
#: a stage's first seconds are left out of its same-belt baseline: the walker adapts to the new belt and the
#: rolling medians (10 s or 10 strides, centred) still straddle the change
SAME_BELT_SETTLE_S = 15.0
#: how much walking at one belt speed (after settling, all its stages together, in time order) makes its
#: baseline, and the least that does: one 1-minute interval gives 45 s
SAME_BELT_BASELINE_S = 120.0
SAME_BELT_MIN_S = 30.0


#: live judgements of the recent steps only (a walk over 20 min): a same-belt baseline's grid rows are kept once
#: their centred rolling medians (10 s or 10 strides; 20 strides of a 60-spm walk) can no longer change — this far
#: from either end of the steps judged
SAME_BELT_FINAL_MARGIN_S = 30.0


def _gait_first_step_s(cols: dict[str, np.ndarray], fixed: dict) -> dict[str, float]:
    """Per gait: the time of its first step — the settled baseline's own (``fixed``, live: the steps judged are
    the recent ones only, after the baseline's stages) where it has one, else the first in ``cols``."""
    out = {}
    for g in np.unique(cols["gait"]):
        if g != "":
            first = (fixed.get(g) or {}).get("first_step_s")
            out[g] = float(first) if first is not None else float(cols["time_s"][cols["gait"] == g].min())
    return out


def _stage_t0_before(sched: "_ScheduleView", t: float, belt: float) -> float:
    """Where the belt had last changed to ``belt`` (m/s, rounded as the grid's) before ``t``: a schedule's stages
    of that speed back to back are one (as on the grid); ``t`` itself off a schedule."""
    if sched.schedule is None:
        return t
    starts = np.asarray(sched.schedule.start_s, float) + sched.origin_s
    speeds = np.round(np.asarray(sched.schedule.speed_at(starts - sched.origin_s), float), 4)
    k = int(np.searchsorted(starts, t, side="right")) - 1
    while k > 0 and speeds[k - 1] == belt:
        k -= 1
    return float(starts[k]) if k >= 0 else t


def _rebase_to_same_belt(grid: dict, sched: "_ScheduleView", belt_ratio: np.ndarray, cfg: StrainConfig,
                         notes: list[str], fixed: dict | None = None, first_step_s: float = -np.inf,
                         last_step_s: float = np.inf) -> tuple[np.ndarray, dict]:
    """Interval programs: where the entered belt runs ≥ 10 % off its gait's baseline belt, replace the baseline of
    :data:`SAME_BELT_METRICS` (in ``grid``, per row) by the median of the first :data:`SAME_BELT_BASELINE_S` of
    walking of that gait at that belt speed (each stage's first :data:`SAME_BELT_SETTLE_S` left out; at least
    :data:`SAME_BELT_MIN_S`) — in the stages after the first at that speed: an interval program's return to a
    speed it ran at before. A 4 → 6 km/h interval bounces ~40 % more by the speed alone: every fast minute was a
    'marked' bounce flag against the slow baseline, which no fast minute can ever pass; the first still says so
    (with the faster belt as its likely cause, as a single speed-up does), the later ones are judged against it.

    ``fixed``: the settled baselines of an earlier judgement of the same walk (``baseline_state``; live, once only
    the recent steps are judged): each gait's ``same_belt`` table — per belt speed, where its first stage began and
    the grid rows (times and values) its baseline has so far — is carried on, so that a stage's first steps at a
    speed before the steps judged still set that speed's baseline (live, the bounce cue came back in the fast
    minutes of an interval program after 20 min: review s40 H1). ``first_step_s`` / ``last_step_s``: the steps
    judged; only rows :data:`SAME_BELT_FINAL_MARGIN_S` inside them are kept in the table (at most
    :data:`SAME_BELT_BASELINE_S` of rows per gait and belt speed: it does not grow with the walk).
    Returns the rows rebased (bool) and the tables ({gait: {belt m/s: {first_stage_t0, time_s, <metric>…}}})."""
    fixed = fixed or {}
    tables = {g: dict((fixed[g] or {}).get("same_belt") or {}) for g in fixed if isinstance(fixed[g], dict)}
    t = grid["time_s"]
    n = len(t)
    rebased = np.zeros(n, bool)
    with np.errstate(invalid="ignore"):
        changed = np.abs(belt_ratio - 1.0) >= SPEED_CHANGE_FRAC          # NaN (unknown belt) → unchanged
    if not changed.any():
        return rebased, tables
    belt = np.round(np.asarray(sched.speed_at(t), float) * np.ones(n), 4)
    # seconds since the belt last changed (the grid row where this stage's speed began)
    new_stage = np.ones(n, bool)
    new_stage[1:] = belt[1:] != belt[:-1]
    stage_t0 = t[np.maximum.accumulate(np.where(new_stage, np.arange(n), 0))]
    if fixed:
        # the recent steps only: their first stage began before them — at the schedule's change to its speed
        lead = stage_t0 == t[0]
        stage_t0 = np.where(lead, _stage_t0_before(sched, float(t[0]), float(belt[0])), stage_t0)
    usable = changed & grid["walking"] & (t - stage_t0 >= SAME_BELT_SETTLE_S) & (t > grid["baseline_end_s"])
    final = ((t >= first_step_s + SAME_BELT_FINAL_MARGIN_S) if fixed else np.ones(n, bool)) & (
        t <= last_step_s - SAME_BELT_FINAL_MARGIN_S)
    n_max = int(SAME_BELT_BASELINE_S / cfg.grid_s)
    for g in np.unique(grid["gait"][changed & grid["walking"]]):
        for v in np.unique(belt[changed & (grid["gait"] == g)]):
            rows = changed & (grid["gait"] == g) & (belt == v)
            kept = tables.get(g, {}).get(float(v))
            kept_t = np.asarray(kept["time_s"], float) if kept else np.zeros(0)
            new = np.flatnonzero(usable & rows & (t > (kept_t[-1] if kept_t.size else -np.inf)))
            pick = new[: n_max - kept_t.size]
            walked = np.flatnonzero(rows & grid["walking"])
            first_t0 = float(kept["first_stage_t0"]) if kept else float(stage_t0[walked[0]]) if walked.size else None
            if first_t0 is not None and (kept or final[walked[0]]):
                # what later judgements carry on: the rows up to the first that is not final yet
                upto = int(np.argmin(final[pick])) if not final[pick].all() else pick.size
                fin = pick[:upto]
                tables.setdefault(g, {})[float(v)] = {
                    "first_stage_t0": first_t0, "time_s": np.r_[kept_t, t[fin]],
                    **{k: np.r_[np.asarray(kept[k], float) if kept else np.zeros(0), grid[k][fin]]
                       for k in SAME_BELT_METRICS}}
            if (kept_t.size + pick.size) * cfg.grid_s < SAME_BELT_MIN_S:
                continue
            # the first stage at this speed stays judged against the baseline (a flag there names the faster belt
            # as its likely cause and the way back, as after a single speed-up); the stages that come back to it
            # are compared with it, like with like
            # (the first stage at it, walked: a fast minute inside the baseline's minutes is the first one too)
            rows &= stage_t0 > first_t0
            _judge_against_first_stretch(grid, rows, kept, pick)
            rebased |= rows
    if rebased.any():
        notes.append("Where the belt came back to a speed it had run at before, 10 % or more off your baseline's, "
                     "over-striding, bounce and trunk twist (and the cadence and twist that handrail gripping and "
                     "incline effort compare) were judged against your own first steps at that speed (after its first "
                     f"{SAME_BELT_SETTLE_S:.0f} s), since the speed moves them by itself.")
    return rebased, tables


def _judge_against_first_stretch(grid: dict, rows: np.ndarray, kept: dict | None, pick: np.ndarray) -> None:
    """Set :data:`SAME_BELT_METRICS`' baselines on ``rows`` to the median of the first stretch at that belt speed or
    pace: the rows carried from earlier judgements (``kept``, live) and the grid rows ``pick``."""
    for k in SAME_BELT_METRICS:
        vals = np.r_[np.asarray(kept[k], float), grid[k][pick]] if kept else grid[k][pick]
        if np.isfinite(vals).any():
            grid[k + "_baseline"] = np.where(rows, float(np.nanmedian(vals)), grid[k + "_baseline"])


#: a treadmill with no belt speed entered: a stretch whose cadence stays this far off the baseline's is a pace
#: block (the cadence the flags' words already read as a faster or slower pace, RUN_FASTER_CADENCE_FRAC) …
PACE_BLOCK_CADENCE_FRAC = 0.05
#: … blocks whose median cadences lie within this of each other ran at the same pace (a 4 → 6 km/h walk: +13 %;
#: a step of 0.5 km/h moves the cadence ~3 %), and breaks shorter than PACE_BLOCK_GAP_S do not end a block
PACE_SAME_FRAC = 0.03
PACE_BLOCK_GAP_S = 10.0


#: an ongoing pace block (the last one, reaching the end of the steps judged) shorter than SAME_BELT_MIN_S joins
#: an earlier block's group — whose own SAME_BELT_MIN_S of rows are there already — once it has this much cadence
#: to read its pace from: live always judges the current block while it is short, and each later fast block of a
#: 4 / 6 km/h program opened with a 10–15 s 'marked' bounce cue against the slow baseline (review s41 M1)
PACE_JOIN_MIN_S = 10.0


def _rebase_to_same_pace(grid: dict, cfg: StrainConfig, notes: list[str], fixed: dict | None = None,
                         first_step_s: float = -np.inf, last_step_s: float = np.inf) -> tuple[np.ndarray, dict]:
    """A treadmill interval program with no belt speed entered: :func:`_rebase_to_same_belt` with the pace read from
    the cadence. A belt speed-up shows as a block of cadence ≥ :data:`PACE_BLOCK_CADENCE_FRAC` off the baseline's; the
    blocks that come back to the pace of an earlier one (within :data:`PACE_SAME_FRAC`, same gait) have
    :data:`SAME_BELT_METRICS` judged against the first such block's first :data:`SAME_BELT_BASELINE_S` (each block's
    first :data:`SAME_BELT_SETTLE_S` left out). Without it a 4 / 6 km/h program raised a 'marked' bounce flag in every
    fast minute, the same flag again and again (review s41); the first fast block keeps its flag, whose words
    already name the quicker cadence, and a later block that bounces more than the first is still flagged.
    The last block, still going on at the end of the steps, joins a group with its rows already there after
    :data:`PACE_JOIN_MIN_S` (:data:`SAME_BELT_MIN_S` for any other block).

    ``fixed`` / ``first_step_s`` / ``last_step_s``: as for :func:`_rebase_to_same_belt` — each gait's ``same_pace``
    groups (its level, where its first block began and was last seen, and the grid rows its baseline has so far,
    at most :data:`SAME_BELT_BASELINE_S` of rows :data:`SAME_BELT_FINAL_MARGIN_S` inside the steps judged) are
    carried on, so that live, once only the recent steps are judged (a walk over 20 min), a block that comes back to
    a pace whose first block lies before them is still judged against it (review s41 H1: the bounce cue came back
    for each later fast block of a 10 / 2 min program).
    Returns the rows rebased (bool) and the groups ({gait: [{level, first_block_t0, first_block_end_s, time_s,
    <metric>…}]})."""
    fixed = fixed or {}
    t = grid["time_s"]
    n = len(t)
    rebased = np.zeros(n, bool)
    groups: list[dict] = []              # per pace: gait, level (cadence ratio), blocks in time order
    for g, state in fixed.items():
        for q in (state.get("same_pace") or ()) if isinstance(state, dict) else ():
            # a group with no rows whose first block ended before the steps judged can never be matched right
            # again (its level was read from that block's start): left, it caught later blocks at that level
            # and kept them unjudged against their pace (review-2 s41 L4)
            if not len(q["time_s"]) and float(q["first_block_end_s"]) + PACE_BLOCK_GAP_S < first_step_s:
                continue
            groups.append({"gait": g, "level": float(q["level"]), "first_t0": float(q["first_block_t0"]),
                           "first_end": float(q["first_block_end_s"]), "kept": q, "blocks": []})
    if n == 0:
        return rebased, {g: list(state.get("same_pace") or ()) for g, state in fixed.items() if isinstance(state, dict)}
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = grid["cadence_spm"] / grid["cadence_spm_baseline"]
        off = grid["walking"] & (np.abs(ratio - 1.0) >= PACE_BLOCK_CADENCE_FRAC)
    # blocks: runs of off-pace rows, short breaks (a rolling median's wobble, a few missed steps) bridged
    runs = _runs(off)
    merged: list[list[int]] = []
    for i0, i1 in runs:
        if merged and t[i0] - t[merged[-1][1]] <= PACE_BLOCK_GAP_S \
                and np.sign(np.nanmedian(ratio[i0:i1 + 1]) - 1) == np.sign(np.nanmedian(ratio[merged[-1][0]:merged[-1][1] + 1]) - 1):
            merged[-1][1] = i1
        else:
            merged.append([i0, i1])
    walked = np.flatnonzero(grid["walking"])
    t_last_walk = float(t[walked[-1]]) if walked.size else -np.inf
    settled_rows = grid["walking"] & (t > grid["baseline_end_s"])
    n_max = int(SAME_BELT_BASELINE_S / cfg.grid_s)

    def rows_so_far(q):             # the group's baseline rows before the block being placed (kept + its blocks')
        kept = q.get("kept")
        return (len(kept["time_s"]) if kept else 0) + sum(int(b[3].sum()) for b in q["blocks"])

    for i0, i1 in merged:
        rows = np.zeros(n, bool)
        rows[i0:i1 + 1] = True
        rows &= off | ~grid["walking"]
        gaits, counts = np.unique(grid["gait"][rows & grid["walking"]], return_counts=True)
        if not gaits.size:
            continue
        short = t[i1] - t[i0] < SAME_BELT_MIN_S
        if short and (t_last_walk - t[i1] > PACE_BLOCK_GAP_S or t[i1] - t[i0] < PACE_JOIN_MIN_S):
            continue
        g, level = gaits[counts.argmax()], float(np.nanmedian(ratio[rows]))
        # a carried group whose first block is this one, seen again (live, the recent steps only): its level was
        # read from the block's first seconds and is read again from all of it now, as a judgement of the whole
        # walk reads it — frozen, a slow speed ramp left it 3 % off the block's pace: the block opened a second
        # group and later blocks matched the stale one, unjudged against their pace for 35–45 s, not 10 s
        # (review-2 s41 L4)
        own = [q for q in groups if "kept" in q and not q["blocks"] and q["gait"] == g
               and t[i0] <= q["first_end"] + PACE_BLOCK_GAP_S and np.sign(q["level"] - 1.0) == np.sign(level - 1.0)]
        same = [q for q in groups if q["gait"] == g and abs(level / q["level"] - 1.0) <= PACE_SAME_FRAC
                and not any(q is o for o in own)]
        if own and same:
            groups.remove(own[0])       # the block came back to an earlier pace: it is a later block of that one
            own = []
        elif own:
            own[0]["level"] = level
            same = own
        if short and not (same and rows_so_far(same[0]) * cfg.grid_s >= SAME_BELT_MIN_S):
            continue
        rows_g = rows & (grid["gait"] == g)
        if same:
            q = same[0]
            # (the tail of the first block at this pace, judged again: still the first block)
            first = "kept" in q and not q["blocks"] and t[i0] <= q["first_end"] + PACE_BLOCK_GAP_S
            start = q["first_t0"] if first else t[i0]
        else:
            q = {"gait": g, "level": level, "first_t0": float(t[i0]), "blocks": []}
            groups.append(q)
            first, start = True, t[i0]
        usable = rows_g & settled_rows & (t - start >= SAME_BELT_SETTLE_S)
        q["blocks"].append((i0, i1, rows_g, usable, first))
        if first:
            q["first_end"] = float(t[i1])
    final = ((t >= first_step_s + SAME_BELT_FINAL_MARGIN_S) if fixed else np.ones(n, bool)) & (
        t <= last_step_s - SAME_BELT_FINAL_MARGIN_S)
    picks = {}
    for j, q in enumerate(groups):
        kept = q.get("kept")
        kept_t = np.asarray(kept["time_s"], float) if kept else np.zeros(0)
        usable = np.zeros(n, bool)
        for b in q["blocks"]:
            usable |= b[3]
        pick = np.flatnonzero(usable & (t > (kept_t[-1] if kept_t.size else -np.inf)))[: n_max - kept_t.size]
        picks[j] = pick
        if (kept_t.size + pick.size) * cfg.grid_s < SAME_BELT_MIN_S:
            continue
        # as with a known belt: the first block at this pace stays judged against the baseline, the later ones
        # against it
        later = np.zeros(n, bool)
        for b in q["blocks"]:
            if not b[4]:
                later |= b[2]
        if not later.any():
            continue
        _judge_against_first_stretch(grid, later, kept, pick)
        rebased |= later
    if rebased.any():
        notes.append("No belt speed was entered, but your cadence showed the pace coming back to one you had walked "
                     "or run at before: there, over-striding, bounce and trunk twist were judged against your own "
                     f"first steps at that pace (after its first {SAME_BELT_SETTLE_S:.0f} s), since the pace moves "
                     "them by itself. Enter the program (--treadmill-schedule) to have it judged by belt speed.")
    return rebased, _pace_tables(groups, t, grid, picks, final, first_step_s if fixed else -np.inf)


def _pace_tables(groups: list[dict], t: np.ndarray, grid: dict, picks: dict, final: np.ndarray | None = None,
                 judged_from_s: float = -np.inf) -> dict:
    """What a later judgement of the recent steps carries on of :func:`_rebase_to_same_pace`'s groups, per gait:
    level, first block's start and last time seen, and the baseline rows up to the first not final yet (a group
    whose first block began at the steps judged, its start unseen, is not started)."""
    out: dict[str, list] = {}
    for j, q in enumerate(groups):
        kept = q.get("kept")
        if not kept and not q["first_t0"] >= judged_from_s + SAME_BELT_FINAL_MARGIN_S:
            continue
        pick = picks.get(j, np.zeros(0, int))
        upto = int(np.argmin(final[pick])) if pick.size and not final[pick].all() else pick.size
        fin = pick[:upto]
        out.setdefault(q["gait"], []).append({
            "level": q["level"], "first_block_t0": q["first_t0"], "first_block_end_s": q["first_end"],
            "time_s": np.r_[np.asarray(kept["time_s"], float) if kept else np.zeros(0), t[fin]],
            **{k: np.r_[np.asarray(kept[k], float) if kept else np.zeros(0), grid[k][fin]] for k in SAME_BELT_METRICS}})
    return out


def _baseline_belt(grid: dict, gait_first_s: dict[str, float], sched: "_ScheduleView") -> np.ndarray:
    """Per grid row: the belt speed during its gait's baseline (m/s; time-weighted over its stages; NaN
    off a treadmill or where a stage gives none)."""
    return _baseline_setting(grid, gait_first_s, sched, sched.speed_at)


#: a stage that took less than this share of the baseline's time is not quoted as one of its speeds
BASELINE_STAGE_MIN_FRAC = 0.10


def _baseline_belt_span(grid: dict, gait_first_s: dict[str, float], sched: "_ScheduleView") -> tuple[np.ndarray, np.ndarray]:
    """Per grid row: the slowest and fastest belt speed of the stages its gait's baseline spanned (m/s; NaN
    off a treadmill). A baseline across a stage change has no one speed: its time-weighted mean judges whether
    the belt changed, but quoted as 'your baseline's speed' it named one no stage ran at (docs audit s36 F7)."""
    lo, hi = (np.full(len(grid["time_s"]), np.nan) for _ in range(2))
    for rows, stages in _baseline_stages(grid, gait_first_s, sched):
        v = np.asarray(sched.speed_at(np.array([0.5 * (a + b) for a, b, _ in stages])), float) * np.ones(len(stages))
        # a stage the baseline only grazed (an interval program's first fast minute starting as a 3-min baseline
        # ends, 1 s inside it) did not set its speed: its flags said 'your baseline (4.0–6.0 → 6.0 km/h) … go back
        # towards 4.0–6.0 km/h' at 6.0 km/h
        span_s = np.array([b - a for a, b, _ in stages], float)
        v = np.where(span_s >= BASELINE_STAGE_MIN_FRAC * span_s.sum(), v, np.nan) if np.isfinite(
            v[span_s >= BASELINE_STAGE_MIN_FRAC * span_s.sum()]).any() else v
        if np.isfinite(v).any():
            lo[rows], hi[rows] = np.nanmin(v), np.nanmax(v)
    return lo, hi


def _baseline_incline(grid: dict, gait_first_s: dict[str, float], sched: "_ScheduleView") -> np.ndarray:
    """Per grid row: the incline during its gait's baseline (%; time-weighted over its stages; NaN off a
    treadmill or where no stage gives one)."""
    return _baseline_setting(grid, gait_first_s, sched, sched.incline_at)


def _baseline_setting(grid: dict, gait_first_s: dict[str, float], sched: "_ScheduleView", value_at) -> np.ndarray:
    """Per grid row: a treadmill setting (``value_at(t)``: belt speed or incline) time-weighted over the
    stages its gait's baseline spanned; NaN where no stage gives one."""
    out = np.full(len(grid["time_s"]), np.nan)
    for rows, stages in _baseline_stages(grid, gait_first_s, sched):
        speeds = [(b - a, float(value_at(np.array([0.5 * (a + b)]))[0])) for a, b, _ in stages]
        w = np.array([d for d, v in speeds if np.isfinite(v)])
        v = np.array([v for d, v in speeds if np.isfinite(v)])
        if w.size and w.sum() > 0:
            out[rows] = float(np.dot(w, v) / w.sum())
    return out


#: the over-the-maximum flag is about the setting, not about a measured lean (which may not have changed)
INCLINE_OVER_MAX_CAUSE = ("The treadmill is steeper than the maximum you set for yourself. Steep inclines make "
                          "most people lean into the hill and work the hip flexors and legs harder; that is "
                          "effort, not evidence of harm to the spine, but it is more than you planned.")


def _incline_above_baseline(grid: dict, gait_first_s: dict[str, float], sched: "_ScheduleView") -> np.ndarray:
    """Per grid row: the entered incline minus the steepest incline during its gait's baseline (%).

    A lean that rises while the incline stays where it was during the baseline is not the hill's doing —
    the hill's lean is already in the baseline — so only this rise may explain it (a walk at a fixed 6 %
    whose lean then grew 8° was told 'incline effort, not harm' instead of 'forward lean')."""
    t = grid["time_s"]
    incline = np.nan_to_num(np.asarray(sched.incline_at(t), float) * np.ones(len(t)), nan=0.0)
    rise = np.zeros(len(t))
    for rows, stages in _baseline_stages(grid, gait_first_s, sched):
        base_incline = max((float(np.nan_to_num(inc, nan=0.0)) for _, _, inc in stages), default=0.0)
        rise[rows] = incline[rows] - base_incline
    return rise


def _fold_incline_lean(flags: list[Flag], cfg: StrainConfig) -> list[Flag]:
    """An incline above the walker's maximum and the lean that came with it are one thing to tell: a
    lean-based incline-effort flag lying within an over-the-maximum flag's stretch (± ``merge_gap_s`` +
    ``hold_s``, the smoothing and hold's delay) becomes that flag's evidence — its message gains the lean,
    its cause says the walker did lean, its severity is the worse of the two, its advice the lean flag's
    (which names the belt speed to try) — instead of a second flag over the same minutes."""
    over = [i for i, f in enumerate(flags) if f.id == "incline_effort" and f.metric == "incline_pct"]
    if not over:
        return flags
    slack = cfg.merge_gap_s + cfg.hold_s
    out, folded = list(flags), set()
    for j, lean in enumerate(flags):
        if lean.id != "incline_effort" or lean.metric != "forward_lean_deg":
            continue
        for i in over:
            m = out[i]
            if m.start_s - slack <= lean.start_s and lean.end_s <= m.end_s + slack:
                evidence = lean.message.split("): ", 1)[-1].rstrip(".")
                sev = max(m.severity, lean.severity, key=lambda s: ("mild", "moderate", "marked").index(s))
                out[i] = replace(m, severity=sev,
                                 message=(m.message.replace(f"({severity_word(m.severity)})", f"({severity_word(sev)})", 1)
                                          + f" You leant into it: {evidence}."),
                                 cause=m.cause + " Your own forward lean did rise on this incline (the numbers above).",
                                 advice=lean.advice)
                folded.add(j)
                break
    return [f for j, f in enumerate(out) if j not in folded]


def _incline_limit_flags(t_step: np.ndarray, sched: _ScheduleView, max_incline_pct, cfg: StrainConfig) -> list[Flag]:
    """User-entered incline above the user's maximum: one flag per stretch of the walk where it is
    (the whole walk when one incline was given for all of it). ``t_step``: the steps' times, in order."""
    if max_incline_pct is None or not len(t_step):
        return []
    t0, t1 = float(t_step[0]), float(t_step[-1])
    info = FLAG_INFO["incline_effort"]
    flags = []
    runs: list[list] = []                       # consecutive stages above the maximum form one flag
    for a, b, inc in sched.stages(t0, t1):
        if inc > max_incline_pct:
            if runs and runs[-1][1] == a:
                runs[-1][1], runs[-1][2] = b, max(runs[-1][2], inc)
            else:
                runs.append([a, b, inc])
    whole = sched.schedule is None
    for start, end, inc in runs:
        z = (inc - max_incline_pct) / cfg.incline_band_pct
        o = sched.origin_s
        when = (f"for the whole walk ({_mmss(start - o)}-{_mmss(end - o)})" if whole
                else f"from {_mmss(start - o)} to {_mmss(end - o)}")
        flags.append(Flag(id="incline_effort", start_s=start, end_s=end, severity=_severity(z, cfg),
                          metric="incline_pct", value=float(inc), reference=float(max_incline_pct),
                          reference_kind="absolute", threshold=float(max_incline_pct),
                          message=(f"{info['title']} ({severity_word(_severity(z, cfg))}): incline {inc:.1f} % is above your "
                                   f"maximum of {max_incline_pct:.1f} % {when}."),
                          cause=INCLINE_OVER_MAX_CAUSE, advice=info["advice"] + _belt_note(sched, start),
                          title=info["title"]))
    return flags


def _timeline(grid: dict, rules: Sequence[_Rule], active: dict) -> pd.DataFrame:
    cols = {"time_s": grid["time_s"], "gait": grid["gait"], "walking": grid["walking"]}
    for k in list(_METRICS) + list(_VAR_METRICS):
        cols[k] = grid[k]
    for k in _FATIGUE:
        cols["fatigue_" + k] = grid["fatigue_" + k]
    for k in list(_METRICS) + list(_VAR_METRICS) + ["fatigue_" + f for f in _FATIGUE]:
        cols[k + "_baseline"] = grid[k + "_baseline"]
    for rule in rules:
        for variant, use in ((rule.rel, rule.use_rel), (rule.abs, ~rule.use_rel)):
            if variant is None:
                continue
            for c in variant.graded():
                name = f"{rule.id}__{c.metric}"
                thr = np.where(use & grid["walking"], c.thr, np.nan)
                cols[name] = np.where(np.isfinite(thr), thr, cols.get(name, np.nan))
    for fid in FLAG_IDS:
        cols["flag__" + fid] = active.get(fid, np.zeros(len(grid["time_s"]), bool))
    return pd.DataFrame(cols, copy=False)   # (the grid's arrays as they are: a day's copy was 60 MB more)
