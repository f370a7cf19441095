"""Walking bouts: the per-bout table, turns and the outcomes by bout length (imu_gait.bouts), and
where they are shown (summary, HTML, --bouts-csv, batch).

Truth: three synthetic walks joined into one recording — 25, 45 and 90 s of walking at 100, 112
and 120 steps/min, the last with one 180° turn (60°/s for 3 s, eased in and out) — so each bout's
start, end, steps, cadence, bounce and turns are known; and hand-made arrays for the pure functions.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import imu_gait
from imu_gait.bouts import (BOUT_COLUMNS, OUTCOME_KEYS, TURN_MIN_DEG, bout_outcomes, bout_table, count_turns,
                            find_turns, walking_bout_numbers)
from imu_gait.io.native import write_native
from imu_gait.recording import Recording, clock_text
from imu_gait.report.bouts_csv import BOUT_CSV_COLUMNS
from imu_gait.report.html import render_html
from imu_gait.report.text import render_text
from imu_gait.synthetic import synthesize_walk

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "datasets"
#: (walking seconds, cadence spm, turns 180° at its 30th second)
WALKS = ((25.0, 100.0, False), (45.0, 112.0, False), (90.0, 120.0, True))
BOUNCE_CM = (3.0, 3.8, 4.5)


def join_walks():
    """The three walks of the module docstring on one time axis: (recording, per walk the truth's contacts)."""
    ts, accs, gyros, contacts, off = [], [], [], [], 0.0
    for i, ((walk_s, cadence, turn), bounce) in enumerate(zip(WALKS, BOUNCE_CM)):
        seg = [(35.0, {"turn_deg_per_s": 60.0}), (38.0, {"turn_deg_per_s": 0.0})] if turn else None
        rec, truth = synthesize_walk(walk_s + 8.0, seed=i + 1, stand_s=5, stand_end_s=3, cadence_spm=cadence,
                                     bounce_cm=bounce, segments=seg)
        ts.append(rec.time_s + off)
        accs.append(rec.acc_mps2)
        gyros.append(rec.gyro_rads)
        contacts.append(truth.ic_times_s + off)
        off = ts[-1][-1] + 0.01
    return Recording(np.concatenate(ts), np.concatenate(accs), np.concatenate(gyros)), contacts


@pytest.fixture(scope="module")
def three_walks():
    rec, contacts = join_walks()
    return rec, contacts, imu_gait.analyze(rec)


def test_each_bout_matches_its_walk(three_walks):
    """Tolerances: start / end within 0.1 s of the first / last true contact (a contact's timing error is
    tens of ms), duration within 0.15 s, steps within 1, cadence ±1 spm, bounce ±0.5 cm."""
    _, contacts, res = three_walks
    b = res.bouts
    assert list(b.columns) == list(BOUT_COLUMNS)
    assert len(b) == 3
    for row, ics, (walk_s, cadence, turn), bounce in zip(b.itertuples(), contacts, WALKS, BOUNCE_CM):
        assert row.start_s == pytest.approx(ics[0], abs=0.1)
        assert row.end_s == pytest.approx(ics[-1], abs=0.1)
        assert row.duration_s == pytest.approx(ics[-1] - ics[0], abs=0.15)
        assert abs(row.n_steps - ics.size) <= 1
        assert row.gait == "walk" and row.running_share == 0.0
        assert row.cadence_spm == pytest.approx(cadence, abs=1.0)
        assert row.vertical_oscillation_cm == pytest.approx(bounce, abs=0.5)
        assert row.stride_length_m == pytest.approx(2 * row.step_length_m)
        assert row.n_turns == (1 if turn else 0)
    # the per-bout medians are the steps' own: one table, not a second measurement
    assert (b["first_bout"] == b["last_bout"]).all() and (b["n_pauses"] == 0).all()   # 8 s between the walks
    steps = res.steps[res.steps["bout"] == b["first_bout"].iloc[1]]
    assert b["impact_g"].iloc[1] == pytest.approx(float(np.median(steps["impact_g"])))


def test_turn_angle_from_real_steps(three_walks):
    """The 180° turn (60°/s for 3 s between 3-s ramps: 180° in all) is found once, within ±15°."""
    _, _, res = three_walks
    s = res.steps
    bout, angle, end = count_turns(s["bout"].to_numpy(), s["heading_change_deg"].to_numpy(float),
                                   s["stride_time_s"].to_numpy(float))
    assert bout.tolist() == [res.bouts["first_bout"].iloc[2]]
    assert angle[0] == pytest.approx(180.0, abs=15.0)
    turn_start = res.bouts["start_s"].iloc[2] - 5.0 + 30.0   # the walk's own clock: the turn began at 35 s
    assert turn_start < s["time_s"].iloc[end[0]] < turn_start + 12.0


def test_outcomes_group_the_bouts_by_length(three_walks):
    _, contacts, res = three_walks
    wb = res.summary["walking_bouts"]
    assert tuple(wb) == OUTCOME_KEYS
    assert (wb["n_walking_bouts"], wb["n_walking_bouts_10s"], wb["n_walking_bouts_30s"],
            wb["n_walking_bouts_60s"], wb["n_running_bouts"], wb["n_turns"]) == (3, 3, 2, 1, 0, 1)
    assert wb["walking_bout_time_s"] == pytest.approx(sum(c[-1] - c[0] for c in contacts), abs=0.3)
    assert wb["bout_duration_s_max"] == pytest.approx(contacts[2][-1] - contacts[2][0], abs=0.15)
    assert wb["cadence_spm_all_mean"] == pytest.approx(np.mean([100, 112, 120]), abs=1.0)
    assert wb["cadence_spm_30s_mean"] == pytest.approx(116.0, abs=1.0)
    assert wb["cadence_spm_30s_p90"] == pytest.approx(np.percentile([112, 120], 90), abs=1.0)
    # the 25-s bout is the only one of 10–30 s
    assert wb["walking_speed_mps_10_30s_mean"] == pytest.approx(res.bouts["walking_speed_mps"].iloc[0])
    assert wb["stride_length_m_10_30s_mean"] == pytest.approx(res.bouts["stride_length_m"].iloc[0])


def _table(durations, gaits=None, speeds=None, turns=None) -> pd.DataFrame:
    n = len(durations)
    t = pd.DataFrame({"walking_bout": range(n), "duration_s": durations, "gait": gaits or ["walk"] * n,
                      "n_turns": turns if turns is not None else [np.nan] * n,
                      "walking_speed_mps": speeds or [1.0] * n})
    for k in ("cadence_spm", "stride_time_s", "stride_length_m"):
        t[k] = 1.0
    return t


def test_outcome_groups_at_their_edges_and_running_bouts_apart():
    """A bout of exactly 10 s is in '10–30 s' and '≥ 10 s'; one of exactly 30 s is in '≥ 30 s' only;
    running and mixed bouts are counted apart and enter nothing else; p90 is numpy's percentile."""
    t = _table([5.0, 10.0, 29.9, 30.0, 61.0, 40.0, 50.0], gaits=["walk"] * 5 + ["run", "mixed"],
               speeds=[0.5, 0.8, 0.9, 1.2, 1.4, 3.0, 2.0], turns=[0, 1, 2, 0, 3, 5, 5])
    wb = bout_outcomes(t)
    assert (wb["n_walking_bouts"], wb["n_walking_bouts_10s"], wb["n_walking_bouts_30s"], wb["n_walking_bouts_60s"],
            wb["n_running_bouts"], wb["n_turns"]) == (5, 4, 2, 1, 2, 6)
    assert wb["walking_bout_time_s"] == pytest.approx(5 + 10 + 29.9 + 30 + 61)
    assert wb["walking_speed_mps_10_30s_mean"] == pytest.approx(0.85)
    assert wb["walking_speed_mps_30s_mean"] == pytest.approx(1.3)
    assert wb["walking_speed_mps_10s_p90"] == pytest.approx(np.percentile([0.8, 0.9, 1.2, 1.4], 90))
    assert wb["bout_duration_s_median"] == pytest.approx(29.9)
    # no bout of 10–30 s: NaN, not 0
    assert np.isnan(bout_outcomes(_table([5.0, 40.0]))["walking_speed_mps_10_30s_mean"])
    # no gyro anywhere: turns unknown, not none
    assert np.isnan(bout_outcomes(_table([40.0]))["n_turns"])


def test_count_turns_on_hand_made_strides():
    bout = np.zeros(12, int)
    heading = np.zeros(12)
    stride = np.ones(12)
    heading[2:6] = 40.0                          # four strides at 40°/s: 0.5·160 = 80°
    heading[8:11] = -30.0                        # 0.5·(−90) = −45°: just a turn
    b, a, end = count_turns(bout, heading, stride)
    assert a.tolist() == pytest.approx([80.0, -45.0]) and end.tolist() == [5, 10] and b.tolist() == [0, 0]
    heading[10] = 0.0                            # two strides of it: −30°, no turn
    assert count_turns(bout, heading, stride)[1].tolist() == pytest.approx([80.0])
    # a gentle curve (10°/s, under the 15°/s of a turn) of any length is no turn
    assert count_turns(bout, np.full(12, 10.0), stride)[1].size == 0
    # the same strides split between two bouts: neither half reaches 45°
    two = np.r_[np.zeros(4, int), np.ones(8, int)]
    h = np.zeros(12)
    h[2:6] = 25.0
    assert count_turns(two, h, stride)[1].size == 0
    assert count_turns(np.zeros(12, int), h, stride)[1] == pytest.approx([0.5 * 100])
    # left then right at once: two turns, not one of 0°
    h = np.r_[np.zeros(2), np.full(3, 50.0), np.full(3, -50.0), np.zeros(4)]
    assert np.sign(count_turns(bout, h, stride)[1]).tolist() == [1.0, -1.0]
    # no gyro (NaN headings), or nothing at all
    assert count_turns(bout, np.full(12, np.nan), stride)[1].size == 0
    assert count_turns(np.zeros(0, int), np.zeros(0), np.zeros(0))[1].size == 0
    assert TURN_MIN_DEG == 45.0


def test_without_a_gyro_turns_and_twist_are_unknown_not_zero():
    rec, _ = synthesize_walk(60, seed=2)
    res = imu_gait.analyze(Recording(rec.time_s, rec.acc_mps2, None))
    assert len(res.bouts) == 1
    assert np.isnan(res.bouts["n_turns"].iloc[0]) and np.isnan(res.bouts["trunk_twist_deg"].iloc[0])
    assert res.bouts["cadence_spm"].iloc[0] == pytest.approx(110.0, abs=1.0)
    d = json.loads(res.to_json())
    assert d["bouts"][0]["n_turns"] is None and d["summary"]["walking_bouts"]["n_turns"] is None


def test_no_walking_gives_an_empty_table_and_zero_counts():
    rec, _ = synthesize_walk(30, stand_s=14, stand_end_s=15)
    res = imu_gait.analyze(rec)
    assert len(res.bouts) == 0 and list(res.bouts.columns) == list(BOUT_COLUMNS)
    wb = res.summary["walking_bouts"]
    assert wb["n_walking_bouts"] == 0 and wb["walking_bout_time_s"] == 0.0 and np.isnan(wb["cadence_spm_all_mean"])


def test_stretches_less_than_3_s_apart_are_one_walking_bout():
    """Mobilise-D's rule: a pause shorter than 3 s (a door, a pivot turn) does not end a walking bout."""
    start = np.array([0.0, 10.0, 14.0, 20.0, 40.0])
    end = np.array([6.0, 12.0, 17.0, 30.0, 45.0])
    assert walking_bout_numbers(start, end).tolist() == [0, 1, 1, 2, 3]      # pauses 4, 2, 3 (not < 3), 10 s
    assert walking_bout_numbers(start, end, max_pause_s=0).tolist() == [0, 1, 2, 3, 4]
    steps = pd.DataFrame({"time_s": [0.0, 6.0, 10.0, 12.0, 14.0, 17.0], "bout": [0, 0, 1, 1, 2, 2],
                          "gait": ["walk"] * 6, "cadence_spm": [100.0, 100, 110, 110, 120, 120]})
    t = bout_table(steps)
    assert t[["walking_bout", "first_bout", "last_bout", "n_steps", "n_pauses"]].values.tolist() == [
        [0, 0, 0, 2, 0], [1, 1, 2, 4, 1]]
    assert t["duration_s"].tolist() == [6.0, 7.0] and t["cadence_spm"].tolist() == [100.0, 115.0]


def test_a_bout_s_medians_do_not_describe_the_other_gait_s_few_steps():
    """Hand-made steps, so each median is known. Ground contact is measured on running steps only (NaN on
    walking ones): a walk of 30 steps with 3 stray 'run' steps got those 3 steps' 200 ms as its ground
    contact; it has none. A 'run' bout keeps its running steps' contact (even with a few walking steps)
    but not the pendulum's step length, speed and vertical ratio, which only its 2 walking steps had; a
    belt speed gives its running steps a step length, which is kept. A walk with 20 running steps among
    110 (a real stretch of running) keeps their contact."""
    def bout(n_walk, n_run, t0, number, run_length=np.nan):
        n = n_walk + n_run
        gait = ["walk"] * n_walk + ["run"] * n_run
        run = np.array(gait) == "run"
        return pd.DataFrame({
            "time_s": t0 + 0.5 * np.arange(n), "bout": number, "gait": gait,
            "ground_contact_ms": np.where(run, 200.0, np.nan),
            "step_length_m": np.where(run, run_length, 0.7),
            "walking_speed_mps": np.where(run, run_length * 3.0, 1.3),
            "vertical_ratio_pct": np.where(run, np.nan, 6.0)})
    steps = pd.concat([bout(27, 3, 0.0, 0), bout(2, 18, 100.0, 1), bout(2, 18, 200.0, 2, run_length=1.1),
                       bout(90, 20, 300.0, 3)], ignore_index=True)
    t = bout_table(steps)
    assert t["gait"].tolist() == ["walk", "run", "run", "walk"]
    gct = t["ground_contact_ms"].to_numpy()
    assert np.isnan(gct[0]) and gct[1:].tolist() == [200.0, 200.0, 200.0]
    assert np.isnan(t["step_length_m"].iloc[1]) and np.isnan(t["stride_length_m"].iloc[1])
    assert np.isnan(t["walking_speed_mps"].iloc[1]) and np.isnan(t["vertical_ratio_pct"].iloc[1])
    # the belt's running step length is the median of all 20 steps' (18 at 1.1 m, 2 at 0.7 m)
    assert t["step_length_m"].iloc[2] == pytest.approx(1.1) and t["walking_speed_mps"].iloc[2] == pytest.approx(3.3)
    assert t["step_length_m"].iloc[0] == pytest.approx(0.7) and t["step_length_m"].iloc[3] == pytest.approx(0.7)


def test_walking_bouts_match_indip_on_the_bundled_daily_recordings():
    """Against INDIP's reference walking bouts (Mobilise-D HA001 and HA002, simulated daily activities,
    bundled with their reference): each reference bout is overlapped by exactly one walking bout, which
    overlaps no other, starts within 2.5 s and ends within 3 s of it (measured: ≤ 2.1 s and ≤ 2.9 s:
    INDIP counts a hesitant first step or two, and stops before the last shuffling ones, that the step
    detector does not). Extra bouts: HA001's two
    sit-down / stand-up stretches (1.5 and 5 s), none in HA002."""
    for name, extra in (("HA001", 2), ("HA002", 0)):
        res = imu_gait.analyze(imu_gait.read(DATASETS / f"mobgap_{name}_daily.csv"))
        ref = json.loads((DATASETS / f"mobgap_{name}_daily.ref.json").read_text())["bouts"]
        ours = res.bouts[["start_s", "end_s"]].to_numpy(float)
        used = set()
        for r in ref:
            hit = [i for i, (a, b) in enumerate(ours) if a < r["end_s"] and b > r["start_s"]]
            assert len(hit) == 1, (name, r, hit)
            assert hit[0] not in used
            used.add(hit[0])
            assert abs(ours[hit[0], 0] - r["start_s"]) <= 2.5 and abs(ours[hit[0], 1] - r["end_s"]) <= 3.0
        assert len(ours) - len(used) == extra and res.summary["n_bouts"] == len(ours)


def test_real_daily_recording_bouts_add_up_to_its_steps():
    """Mobilise-D HA001's daily activities (bundled): every step is in one bout's row, bouts are in time
    order and do not overlap, and a straight lab walk of the same person has no turn."""
    res = imu_gait.analyze(imu_gait.read(DATASETS / "mobgap_HA001_daily.csv"))
    b = res.bouts
    assert len(b) >= 5 and b["n_steps"].sum() == len(res.steps)
    assert b["first_bout"].iloc[0] == 0 and b["last_bout"].iloc[-1] == res.steps["bout"].max()
    assert (b["start_s"].diff().dropna() > 0).all()
    assert (b["start_s"].iloc[1:].to_numpy() > b["end_s"].iloc[:-1].to_numpy()).all()
    assert (b["duration_s"] > 0).all() and set(b["gait"]) == {"walk"}
    assert res.summary["walking_bouts"]["n_turns"] >= 3          # daily activities turn, unlike a lab straight
    straight = imu_gait.analyze(imu_gait.read(DATASETS / "mobgap_HA001_walk1.csv"))
    assert straight.bouts["n_turns"].tolist() == [0]


def test_summary_and_report_show_the_bouts(three_walks):
    rec, _, res = three_walks
    text = " ".join(render_text(res, rec, width=200).split())
    assert "3 — longest 1 min 29 s; 3 of 10 s or more, 2 of 30 s or more; 1 turn of 45° or more" in text
    assert "Walking bouts of 30 s or more cadence 116 steps/min, walking speed" in text
    page = render_html(res, rec)
    section = page[page.index("<section id='bouts'>"):]
    section = section[:section.index("</section>")]
    assert section.count("<th scope='row'>") == 3
    assert all(f"<td>{clock_text(t)}</td>" in section for t in res.bouts["start_s"])
    # one walk: no bout table, and the bouts line is the count alone
    single, _ = synthesize_walk(60, seed=4)
    one = imu_gait.analyze(single)
    assert "<section id='bouts'>" not in render_html(one, single)
    assert "Bouts 1 Walking time" in " ".join(render_text(one, single, width=200).split())


def test_cli_bouts_csv_and_batch(tmp_path, three_walks, imu_gait_cli):
    rec, _, res = three_walks
    walk = tmp_path / "walks.csv"
    write_native(walk, rec)
    out = imu_gait_cli("analyze", str(walk), "-q", "--bouts-csv", str(tmp_path / "bouts.csv"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader((tmp_path / "bouts.csv").open()))
    assert list(rows[0]) == list(BOUT_CSV_COLUMNS) and len(rows) == 3
    assert [r["n_turns"] for r in rows] == ["0", "0", "1"] and rows[2]["start_mmss"] in ("1:31", "1:32")   # 91.5 s
    assert float(rows[1]["cadence_spm"]) == pytest.approx(112.0, abs=1.0)
    # two outputs into one file: refused before the analysis, naming both
    out = imu_gait_cli("analyze", str(walk), "--bouts-csv", str(tmp_path / "x.csv"), "--steps-csv", str(tmp_path / "x.csv"),
                        cwd=tmp_path)
    assert out.returncode == 2 and "--steps-csv writes that file too" in out.stderr and "Traceback" not in out.stderr
    # batch: the outcomes as wb_ columns, every recording's bouts in one table
    out = imu_gait_cli("batch", str(walk), str(DATASETS / "mobgap_HA001_walk1.csv"), "--out", str(tmp_path / "s.csv"),
                        "--bouts-csv", str(tmp_path / "all_bouts.csv"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    table = {Path(r["recording"]).name: r for r in csv.DictReader((tmp_path / "s.csv").open())}
    assert table["walks.csv"]["wb_n_walking_bouts_30s"] == "2" and table["walks.csv"]["wb_n_turns"] == "1"
    assert table["mobgap_HA001_walk1.csv"]["wb_n_walking_bouts"] == "1"
    pooled = list(csv.DictReader((tmp_path / "all_bouts.csv").open()))
    assert list(pooled[0])[0] == "recording"
    assert [Path(r["recording"]).name for r in pooled] == ["walks.csv"] * 3 + ["mobgap_HA001_walk1.csv"]
    out = imu_gait_cli("batch", str(walk), "--out", str(tmp_path / "s.csv"), "--bouts-csv", str(tmp_path / "s.csv"),
                        cwd=tmp_path)
    assert out.returncode == 2 and "that is the --out table too" in out.stderr


def test_compare_sets_the_bouts_of_two_days_side_by_side(three_walks):
    """Rows for the bouts by length when a session has two or more walking bouts; never marked (no
    same-day range); a result from before walking bouts were summarised shows '–', not 0."""
    from imu_gait.compare import compare_sessions, format_cell, mark_explanation, session_from_result

    _, _, res = three_walks
    single, _ = synthesize_walk(60, seed=4)
    old = json.loads(imu_gait.analyze(single).to_json())
    del old["summary"]["walking_bouts"]
    sessions = [session_from_result(res, "day 1"), session_from_result(old, "day 2")]
    table = compare_sessions(sessions).set_index("key")
    row = table.loc["wb_n_walking_bouts_30s"]
    assert row["row"] == "Walking bouts of 30 s or more" and row["day 1"] == 2 and np.isnan(row["day 2"])
    assert table.loc["wb_cadence_spm_30s_mean", "day 1"] == pytest.approx(116.0, abs=1.0)
    wb = table[table.index.str.startswith("wb_")]
    assert len(wb) == 6 and wb["beyond_repeat"].isna().all() and wb["beyond_spread"].isna().all()
    assert format_cell(row["day 2"], "wb_n_walking_bouts_30s") == "–"
    assert format_cell(row["day 1"], "wb_n_walking_bouts_30s") == "2"
    assert "The walking-bout rows are never marked" in mark_explanation(table.reset_index())
    # two single walks: no bout rows at all
    one = session_from_result(imu_gait.analyze(single), "a")
    assert not compare_sessions([one, one]).key.str.startswith("wb_").any()


def test_beside_running_bouts_the_summary_says_its_figures_are_the_walking_bouts():
    parts = [synthesize_walk(40, seed=1)[0], synthesize_walk(40, seed=2, gait="run")[0], synthesize_walk(50, seed=3)[0]]
    ts, off = [], 0.0
    for p in parts:
        ts.append(p.time_s + off)
        off = ts[-1][-1] + 0.01
    rec = Recording(np.concatenate(ts), np.concatenate([p.acc_mps2 for p in parts]),
                    np.concatenate([p.gyro_rads for p in parts]))
    res = imu_gait.analyze(rec)
    assert res.bouts["gait"].tolist() == ["walk", "run", "walk"]
    wb = res.summary["walking_bouts"]
    assert (wb["n_walking_bouts"], wb["n_running_bouts"], wb["n_walking_bouts_30s"]) == (2, 1, 2)
    assert wb["cadence_spm_30s_mean"] == pytest.approx(110.0, abs=1.0)        # the run's 170 spm left out
    text = " ".join(render_text(res, rec, width=200).split())
    assert "Bouts 3 — 2 walking: longest" in text and "Walking bouts of 30 s or more cadence 110" in text


IPOL = ROOT.parent / "shared" / "datasets_raw" / "ipol_voisard_healthy_gait" / "GaitData"


@pytest.mark.skipif(not IPOL.is_dir(), reason="needs ../shared/datasets_raw/ipol_voisard_healthy_gait")
@pytest.mark.parametrize("trial", ["1-5", "2-3", "10-2", "10-6"])
def test_a_pivot_that_broke_the_stretch_of_steps_is_still_a_turn(trial):
    """Real IPOL trials whose U-turn was a pivot: 1.5–2 s without a contact ended the stretch of steps,
    and a stretch's first strides had no heading, so the turn was lost (7 of 58 trials). The heading now
    reaches back over a pause shorter than 3 s: the U-turn is one turn of 180° ± 30° (the gyro over the
    same span: 172–196° over all 58) in one walking bout with its pause."""
    rec = imu_gait.read(IPOL / f"{trial}_lb.txt", skiprows=1, sample_rate_hz=100,
                        acc_cols=["Acc_X", "Acc_Y", "Acc_Z"], gyro_cols=["Gyr_X", "Gyr_Y", "Gyr_Z"])
    res = imu_gait.analyze(rec)
    u0, u1 = np.asarray(json.loads((IPOL / f"{trial}.json").read_text())["UTurnBoundaries"], float).ravel()[:2] / 100
    turns = find_turns(res.steps)
    inside = turns[(turns["start_s"] < u1) & (turns["end_s"] > u0)]
    assert len(inside) == 1 and abs(inside["angle_deg"].iloc[0]) == pytest.approx(180.0, abs=30.0)
    wb = res.bouts[res.bouts["walking_bout"] == inside["walking_bout"].iloc[0]]
    assert wb["n_pauses"].iloc[0] >= 1 and wb["n_turns"].iloc[0] >= 1
    # the steps just after the pause are turning steps now (their heading reaches back over it)
    after = res.steps[(res.steps["time_s"] > u0) & (res.steps["time_s"] < u1 + 1.5)]
    assert after["heading_change_deg"].abs().max() >= 90.0


def test_each_bout_names_the_flags_held_during_it(tmp_path):
    """A calm walk, then one bouncing at 8 cm (against a 3.5-cm baseline from the first): the second bout
    carries the bounce flag, the first none — in the table, the bouts CSV and the HTML bout table."""
    from imu_gait.bouts import flags_during
    from imu_gait.report.bouts_csv import write_bouts_csv
    from imu_gait.strain import flag_title

    calm, _ = synthesize_walk(200.0, seed=1, bounce_cm=3.5)
    bouncy, _ = synthesize_walk(200.0, seed=2, bounce_cm=8.0)
    rec = Recording(np.r_[calm.time_s, bouncy.time_s + calm.time_s[-1] + 0.01],
                    np.r_[calm.acc_mps2, bouncy.acc_mps2], np.r_[calm.gyro_rads, bouncy.gyro_rads])
    res = imu_gait.analyze(rec)
    assert [f.id for f in res.flags] == ["vertical_bounce"]
    assert res.bouts["flags"].tolist() == ["", "vertical_bounce"]
    write_bouts_csv(res, tmp_path / "b.csv")
    assert [r["flags"] for r in csv.DictReader((tmp_path / "b.csv").open())] == ["", "vertical_bounce"]
    page = render_html(res, rec)
    section = page[page.index("<section id='bouts'>"):]
    assert "<th scope='col'>Flags</th>" in section and f"<td>{flag_title('vertical_bounce')}</td>" in section
    # the overlap rule on made spans: touching counts, each id once, in order of onset; not judged → None
    F = type("F", (), {})

    def flag(i, a, b):
        f = F()
        f.id, f.start_s, f.end_s = i, a, b
        return f

    made = [flag("b", 50.0, 60.0), flag("a", 10.0, 20.0), flag("a", 30.0, 35.0)]
    assert flags_during(np.array([0.0, 20.0, 36.0, 61.0]), np.array([10.0, 55.0, 40.0, 70.0]), made) == \
        ["a", "a b", "", ""]
    assert flags_during(np.array([0.0]), np.array([1.0]), None) == [None]
