"""Walking aids and carried loads (walking-aid audit s39): steps counted for a rollator or a stick, and flags that
read the aid's own pattern as the aid's when ``walking_aid`` says which was used.

Synthetic walkers with known truth (imu_gait.synthetic):
- rollator: 95 spm, 0.6 m/s, bounce 1.5 cm, twist 3°, sway 1.5 cm, pelvic drop 2°, walking 15° further forward than
  standing (the handles are in front); a slower one 80 spm, 0.4 m/s, bounce 1.0 cm, 20° forward;
- stick: 90 spm, 0.7 m/s, step times 10 % apart (a limp) from the first step;
- Nordic poles taken up at 5:00: twist 10° → 16°.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

import imu_gait
from imu_gait import cli, strain
from imu_gait.errors import ArgumentError
from imu_gait.evaluation import ic_scores
from imu_gait.io.native import write_native
from imu_gait.synthetic import DEFAULTS, synthesize_walk

ROLLATOR = dict(cadence_spm=95.0, speed_mps=0.6, bounce_cm=1.5, twist_deg=3.0, sway_cm=1.5, drop_deg=2.0,
                braking_mps=0.08, impact_mps2=2.0, nod_deg=1.0, posture_lean_deg=15.0)
SLOW_ROLLATOR = dict(ROLLATOR, cadence_spm=80.0, speed_mps=0.4, bounce_cm=1.0, posture_lean_deg=20.0)
STICK = dict(cadence_spm=90.0, speed_mps=0.7, bounce_cm=2.5, asymmetry=0.10)
P0, P1 = 300.0, 480.0

#: the brief's accuracy targets for an aided walk: every step found (F1 ≥ 0.95 at ±0.25 s), cadence within ±1 spm
F1_MIN = 0.95
CADENCE_TOL_SPM = 1.0


def _with(pattern: dict, seed: int = 1):
    back = {k: DEFAULTS[k] for k in pattern}
    return synthesize_walk(600, seed=seed, step_jitter=0.012, segments=[(P0, pattern), (P1, back)])


@pytest.mark.parametrize("params, duration_s", [(ROLLATOR, 110.0), (SLOW_ROLLATOR, 300.0), (STICK, 300.0)],
                         ids=["rollator", "slow-rollator", "stick-limp"])
def test_aided_walks_count_every_step(params, duration_s):
    rec, truth = synthesize_walk(duration_s, seed=1, step_jitter=0.012, **params)
    res = imu_gait.analyze(rec)
    sc = ic_scores(res.steps["time_s"].to_numpy(), truth.ic_times_s)
    assert sc["f1"] >= F1_MIN, sc
    true_cadence = 60.0 / float(np.mean(np.diff(truth.ic_times_s)))        # (a limp's two step times, averaged)
    assert abs(res.summary["cadence_spm"] - true_cadence) <= CADENCE_TOL_SPM


def test_a_short_rollator_walk_is_not_called_hunched_when_the_rollator_is_given():
    """Truth: 15° further forward than standing, from the first step to the last — the rollator's handles, not a
    hunch. Without the context the general 10° limit raises 'Forward lean / hunching' (strong) — which it should
    for a walker with free hands; with walking_aid='rollator' it is not held to that limit, and a note says so with
    the lean measured (within 1° of the truth)."""
    rec, _ = synthesize_walk(110, seed=1, step_jitter=0.012, **ROLLATOR)
    plain = imu_gait.analyze(rec)
    assert [f.id for f in plain.flags] == ["forward_lean"]
    aided = imu_gait.analyze(rec, walking_aid="rollator")
    assert aided.flags == [], [f.message for f in aided.flags]
    assert aided.summary["walking_aid"] == "rollator" and plain.summary["walking_aid"] is None
    note = next(n for n in aided.summary["flag_notes"] if "rollator" in n)
    assert "15° further forward than you stood" in note and "10° limit" in note
    # … and the short walk's note no longer lists the 10° limit among what was still judged
    assert not any("forward lean over 10°" in n for n in aided.summary["flag_notes"])
    assert any("forward lean over 10°" in n for n in plain.summary["flag_notes"])
    assert abs(aided.summary["lean_vs_standing_deg"] - 15.0) <= 1.0


def test_leaning_on_the_rollator_more_is_said_in_rollator_words():
    """From 5:00 to 8:00 less twist (10° → 3°), sway and bounce and 8° more lean, at the same cadence. Without the
    context: 'Holding on (handrails, a support)' and 'Forward lean / hunching'. With walking_aid='rollator', held the
    whole walk: the same two patterns against the first minutes with it — 'Leaning on the rollator more' (its title
    in the message too) and a lean rise told as the rollator's; no guarding flag beside it."""
    rec, _ = _with({"twist_deg": 3.0, "sway_cm": 1.8, "bounce_cm": 2.8, "lean_deg": 8.0, "impact_mps2": 3.0})
    res = imu_gait.analyze(rec, walking_aid="rollator")
    by_id = {f.id: f for f in res.flags}
    assert sorted(by_id) == ["forward_lean", "handrail_gripping"], [f.message for f in res.flags]
    rail = by_id["handrail_gripping"]
    assert rail.title == strain.ROLLATOR_RAIL_TITLE and rail.message.startswith(strain.ROLLATOR_RAIL_TITLE)
    assert "rail" not in rail.cause.lower() and "first minutes with the rollator" in rail.cause
    lean = by_id["forward_lean"]
    assert lean.cause.startswith(strain.ROLLATOR_LEAN_CAUSE) and "wrist height" in lean.advice
    for f in res.flags:
        assert abs(f.start_s - P0) <= 20.0 and abs(f.end_s - P1) <= 20.0


def test_a_stick_users_limp_says_the_sticks_part_and_a_load_on_one_side():
    """A 10 % limp from the first step (a stick on one side): the asymmetry flag stays — the general limit judges a
    limp from the start — and its cause names a load carried on one side; with walking_aid='cane' also the
    stick's own part."""
    rec, _ = synthesize_walk(110, seed=1, step_jitter=0.012, **STICK)
    plain = imu_gait.analyze(rec)
    (f,) = plain.flags
    assert f.id == "asymmetry" and "a bag in one hand" in f.cause and "stick" not in f.cause
    (g,) = imu_gait.analyze(rec, walking_aid="cane").flags
    assert g.id == "asymmetry" and g.cause.endswith(strain.CANE_SIDE_CAUSE) and g.severity == f.severity


def test_pelvic_drop_flag_names_a_load_carried_on_one_side():
    rec, _ = _with({"drop_deg": 7.0})
    (f,) = imu_gait.analyze(rec).flags
    assert f.id == "pelvic_instability" and "a child on a hip" in f.cause


def test_more_twist_with_nordic_poles_is_told_as_the_poles():
    """Twist 10° → 16° from 5:00 to 8:00 (+60 %): 'Trunk twisting more than usual' either way (the pattern is
    there); with walking_aid='poles' its cause says the poles drive it, not 'reaching with the arms'."""
    rec, _ = _with({"twist_deg": 16.0})
    (plain,) = imu_gait.analyze(rec).flags
    assert plain.id == "trunk_twist_excess" and "reaching with the arms" in plain.cause
    (poles,) = imu_gait.analyze(rec, walking_aid="poles").flags
    assert poles.id == "trunk_twist_excess" and poles.cause == strain.POLES_TWIST_CAUSE
    assert poles.severity == plain.severity and poles.value == plain.value


def test_an_unknown_walking_aid_is_refused_naming_the_known_ones():
    rec, _ = synthesize_walk(30, seed=1)
    with pytest.raises(ArgumentError, match="'rollator', 'cane', 'poles'"):
        imu_gait.analyze(rec, walking_aid="zimmer frame")
    assert cli.WALKING_AIDS == strain.WALKING_AIDS


def test_cli_walking_aid_reaches_the_json_summary(tmp_path, capsys):
    rec, _ = synthesize_walk(110, seed=1, step_jitter=0.012, **ROLLATOR)
    path = tmp_path / "walk.csv"
    write_native(path, rec)
    out = tmp_path / "walk.json"
    page = tmp_path / "walk.html"
    assert cli.main(["analyze", str(path), "--walking-aid", "rollator", "--json", str(out), "--report", str(page),
                     "-q"]) == 0
    doc = json.loads(out.read_text())
    assert doc["summary"]["walking_aid"] == "rollator" and doc["flags"] == []
    assert "walking aid: rollator" in page.read_text(encoding="utf-8")      # the report's context row says it
    with pytest.raises(SystemExit):
        cli.main(["analyze", str(path), "--walking-aid", "zimmer"])
    assert "invalid choice" in capsys.readouterr().err


def test_a_context_tables_walking_aid_column_is_each_recordings_aid(tmp_path):
    """A study of rollator users and free walkers: the table's walking_aid cell is that recording's aid (the
    summary says it, the options column reproduces it); a cell naming no known aid is refused with line and
    column."""
    from imu_gait.batch import run_batch
    from imu_gait.context_table import read_context_table
    from imu_gait.errors import ImuGaitError

    rec, _ = synthesize_walk(110, seed=1, step_jitter=0.012, **ROLLATOR)
    write_native(tmp_path / "a.csv", rec)
    write_native(tmp_path / "b.csv", rec)
    (tmp_path / "t.csv").write_text("recording,walking_aid\na.csv,rollator\nb.csv,\n", encoding="utf-8")
    rows = run_batch([], None, context_table=read_context_table(tmp_path / "t.csv"))
    assert [r["options"] for r in rows] == ["--walking-aid rollator", ""]
    assert [(r["n_flags"], r["flags"]) for r in rows] == [(0, ""), (1, "forward_lean")]
    (tmp_path / "bad.csv").write_text("recording,walking_aid\na.csv,zimmer\n", encoding="utf-8")
    with pytest.raises(ImuGaitError, match="line 2, column 'walking_aid'"):
        read_context_table(tmp_path / "bad.csv")


def test_the_engine_fed_in_chunks_takes_the_walking_aid_as_analyze_does():
    """Live monitoring builds a GaitEngine with the same context: fed in chunks of 333 samples it judges the short
    rollator walk as analyze() does (no lean flag, the rollator's note) and its summary names the aid."""
    from imu_gait.engine import GaitEngine

    rec, _ = synthesize_walk(110, seed=1, step_jitter=0.012, **ROLLATOR)
    eng = GaitEngine(rec.sample_rate_hz, walking_aid="rollator")
    for i in range(0, rec.n_samples, 333):
        eng.feed(rec.time_s[i:i + 333], rec.acc_mps2[i:i + 333], rec.gyro_rads[i:i + 333])
    live = eng.finish()
    off = imu_gait.analyze(rec, walking_aid="rollator")
    assert live.flags == off.flags == [] and live.summary["walking_aid"] == "rollator"
    assert live.summary["flag_notes"] == off.summary["flag_notes"]


def test_a_stick_users_rise_over_their_own_baseline_is_not_put_down_to_the_stick():
    """Even steps with the stick for 5 minutes (2 % apart), then 12 % (pain on one side): the flag is judged against
    the first minutes, which had the stick too — its cause must not say the stick makes the sides differ by itself
    (review s39 M1: 1.2 % → 11.9 %, 'marked', was told so); it says the stick was there in the baseline as well."""
    rec, _ = synthesize_walk(600, seed=1, step_jitter=0.012, **dict(STICK, asymmetry=0.02),
                             segments=[(P0, {"asymmetry": 0.12})])
    (f,) = imu_gait.analyze(rec, walking_aid="cane").flags
    assert f.id == "asymmetry" and f.reference_kind == "baseline"
    assert abs(f.start_s - P0) <= 20.0 and f.value >= 8.0            # the 10-point rise is there (truth 12 % vs 2 %)
    assert strain.CANE_SIDE_CAUSE not in f.cause and f.cause.endswith(strain.CANE_BASELINE_CAUSE)
    assert "a bag in one hand" in f.cause                              # a load on one side still may be it


@pytest.mark.parametrize("aid, pattern, words", [
    ("poles", {"twist_deg": 16.0}, strain.POLES_TWIST_CAUSE),
    ("rollator", {"twist_deg": 3.0, "sway_cm": 1.8, "bounce_cm": 2.8, "impact_mps2": 3.0}, strain.ROLLATOR_RAIL_CAUSE)],
    ids=["poles-twist", "rollator-rail"])
def test_the_aids_words_keep_the_belt_speed_sentence(aid, pattern, words):
    """On a treadmill whose belt ran 20 % faster (3.0 → 3.6 km/h) while the pattern was there, the aid's words
    replace the rule's own but keep 'The belt ran faster here … part of this may simply be the new speed' (review
    s39 L4: the whole cause was replaced, the belt sentence lost)."""
    from imu_gait.treadmill import TreadmillSchedule

    sched = TreadmillSchedule.from_stages([(0, 3.0 / 3.6, 0), (P0, 3.6 / 3.6, 0), (P1, 3.0 / 3.6, 0)])
    rec, _ = _with(pattern)
    (f,) = imu_gait.analyze(rec, walking_aid=aid, treadmill_schedule=sched).flags
    assert f.cause.startswith("The belt ran faster here than during your baseline (3.0 → 3.6 km/h)")
    assert f.cause.endswith(words), f.cause


def test_the_rollator_note_names_the_lean_limit_configured():
    """With StrainConfig(lean_abs_deg=12) the notes say 12°, not a literal 10° (review s39 L5): the rollator's note,
    and the short walk's list of what the general limits judge (which the rollator's note then takes the lean
    out of)."""
    from imu_gait.strain import StrainConfig, evaluate_flags

    rec, _ = synthesize_walk(110, seed=1, step_jitter=0.012, **ROLLATOR)
    steps = imu_gait.analyze(rec).steps
    cfg = StrainConfig(lean_abs_deg=12.0)
    _, plain = evaluate_flags(steps, config=cfg)
    assert any("forward lean over 12°" in n for n in plain.attrs["notes"])
    assert not any("10°" in n for n in plain.attrs["notes"])
    _, aided = evaluate_flags(steps, walking_aid="rollator", config=cfg)
    assert any("not held to the general 12° limit" in n for n in aided.attrs["notes"])
    assert not any("forward lean over" in n or "10°" in n for n in aided.attrs["notes"])


def test_a_context_table_cell_can_say_none_or_capitalise_the_aid(tmp_path):
    """'Rollator' and 'none' in a walking_aid cell are read as the library reads them (review s39 L3: both were
    'invalid choice'); 'none' sets aside the command line's --walking-aid for that recording."""
    from imu_gait.batch import run_batch
    from imu_gait.context_table import read_context_table

    rec, _ = synthesize_walk(110, seed=1, step_jitter=0.012, **ROLLATOR)
    for name in ("a.csv", "b.csv", "c.csv"):
        write_native(tmp_path / name, rec)
    (tmp_path / "t.csv").write_text("recording,walking_aid\na.csv,Rollator\nb.csv,none\nc.csv,\n", encoding="utf-8")
    table = read_context_table(tmp_path / "t.csv")
    rows = run_batch([], None, context_table=table, context={"walking_aid": "rollator"})
    assert [r["options"] for r in rows] == ["--walking-aid rollator", "--walking-aid none", "--walking-aid rollator"]
    assert [r["flags"] for r in rows] == ["", "forward_lean", ""]       # 'none': judged with free hands
    args = cli.build_parser().parse_args(["analyze", "x.csv", "--walking-aid", "NONE"])
    assert args.walking_aid == "none"


def test_a_live_sessions_walking_aid_goes_with_its_recording(tmp_path):
    """A live rollator session writes '# walking_aid: rollator' into its recording's header, as it does the
    placement: analysing or replaying the file later judges it with the rollator too (review s39 M2: a later
    'analyze' read 'Forward lean / hunching, strong' where the live session had no flag); walking_aid='none'
    sets the file's aid aside, and an aid the rules do not know in a header is refused naming the file."""
    from imu_gait.devices.link import SampleBlock
    from imu_gait.devices.live import LiveSession
    from imu_gait.devices.replay import ReplaySource

    rec, _ = synthesize_walk(110, seed=1, step_jitter=0.012, **ROLLATOR)
    path = tmp_path / "w.csv"
    sess = LiveSession(iter(()), feed_interval_s=0.0, record=path, walking_aid="rollator")
    sess.process(SampleBlock(rec.time_s, rec.acc_mps2, rec.gyro_rads, 0, 0))
    live = sess.finish()
    assert live.flags == [] and live.summary["walking_aid"] == "rollator"
    saved = imu_gait.read(str(path))
    assert saved.meta["walking_aid"] == "rollator"
    again = imu_gait.analyze(saved)
    assert again.summary["walking_aid"] == "rollator" and again.flags == []
    assert again.summary["flag_notes"] == live.summary["flag_notes"]
    assert ReplaySource(path).engine_context["walking_aid"] == "rollator"
    free = imu_gait.analyze(saved, walking_aid="none")
    assert free.summary["walking_aid"] is None and [f.id for f in free.flags] == ["forward_lean"]
    bad = tmp_path / "bad.csv"
    bad.write_text(path.read_text().replace("# walking_aid: rollator", "# walking_aid: zimmer"))
    with pytest.raises(ArgumentError, match=r"(?s)bad\.csv: its metadata says walking_aid 'zimmer'.*--walking-aid"):
        imu_gait.analyze(imu_gait.read(str(bad)))
