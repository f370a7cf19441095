"""Day by day (imu_gait.days): wear from the raw acceleration, calendar days, figures per valid day.

Truth is made, not measured: a sensor lying on a table is the only thing van Hees's rule calls not
worn, and the stretch it lay there is known to the sample; which contacts fall before or after a
midnight is known from the steps' own times. Tolerances are stated at each assert.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

import imu_gait
from imu_gait.bouts import OUTCOME_KEYS, bout_outcomes
from imu_gait.days import (DAY_COLUMNS, DAY_OUTCOME_KEYS, G, MinuteStats, day_outcomes, day_table, recording_clock,
                           recording_start_utc, worn_minutes)
from imu_gait.recording import Recording
from imu_gait.synthetic import synthesize_walk

WALK_S = 600.0          # each walk (with its 5 s + 3 s of standing)
TABLE_S = 75 * 60.0     # the sensor on a table between the walks
START = "2026-03-01T23:30:00+01:00"     # midnight falls 30 min in, on the table


def on_table(t0: float, seconds: float, fs: float, seed: int, noise_g: float = 0.002
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A sensor lying flat and still: gravity on z, 2 mg of noise (a MEMS sensor's own), gyro noise only
    (``noise_g`` 0.02: a person standing, swaying by 20 mg — worn)."""
    rng = np.random.default_rng(seed)
    n = int(round(seconds * fs))
    t = t0 + np.arange(n) / fs
    acc = np.tile([0.0, 0.0, G], (n, 1)) + rng.normal(0.0, noise_g * G, (n, 3))
    return t, acc, rng.normal(0.0, 0.002, (n, 3))


@pytest.fixture(scope="module")
def walk_table_walk():
    """10 min of walking, 75 min on a table (across midnight), 10 min of walking, 100 Hz."""
    a, _ = synthesize_walk(WALK_S, seed=3)
    b, _ = synthesize_walk(WALK_S, seed=4, cadence_spm=112.0)
    table = on_table(WALK_S, TABLE_S, 100.0, seed=5)
    t = np.concatenate([a.time_s, table[0], b.time_s + WALK_S + TABLE_S])
    acc = np.concatenate([a.acc_mps2, table[1], b.acc_mps2])
    gyro = np.concatenate([a.gyro_rads, table[2], b.gyro_rads])
    rec = Recording(t, acc, gyro, meta={"start_time": START, "placement": "lower_back"})
    return rec, imu_gait.analyze(rec)


def test_a_sensor_on_the_table_is_not_worn_to_the_minute(walk_table_walk):
    rec, res = walk_table_walk
    days = res.days
    assert list(days.columns) == list(DAY_COLUMNS)
    # worn: the two walks' 10 minutes each, to the minute (minutes are whole on the time axis; the table
    # stretch starts and ends on a minute edge here, so the truth is exact up to the samples' own spacing)
    assert days["worn_h"].sum() == pytest.approx(20 / 60, abs=1 / 3600)
    assert days["recorded_h"].sum() == pytest.approx((2 * WALK_S + TABLE_S) / 3600, abs=1 / 3600)
    assert res.summary["days"]["wear_judged"] is True
    # no step while it lay there
    on_it = (res.steps["time_s"] > WALK_S) & (res.steps["time_s"] < WALK_S + TABLE_S)
    assert not on_it.any()


def test_calendar_days_split_at_the_recordings_own_midnight(walk_table_walk):
    rec, res = walk_table_walk
    days = res.days
    assert days["date"].tolist() == ["2026-03-01", "2026-03-02"]
    midnight_s = 30 * 60.0                     # 23:30 + 30 min, in the file's own clock (+01:00)
    assert days["end_s"].iloc[0] == pytest.approx(midnight_s)
    assert days["start_s"].iloc[1] == pytest.approx(midnight_s)
    t = res.steps["time_s"].to_numpy()
    assert days["n_steps"].tolist() == [int((t < midnight_s).sum()), int((t >= midnight_s).sum())]
    assert days["n_steps"].sum() == len(res.steps)
    # each walk is one walking bout, on its own day; its cadence as the bout table gives it
    assert days["n_walking_bouts"].tolist() == [1, 1]
    assert days["flags"].tolist() == [" ".join(dict.fromkeys(f.id for f in res.flags if f.start_s < midnight_s)),
                                      " ".join(dict.fromkeys(f.id for f in res.flags if f.end_s >= midnight_s))]
    assert days["cadence_spm_all_mean"].iloc[1] == pytest.approx(112.0, abs=1.0)   # ±1 spm, as the metric tests
    # worn 10 min each: no day is valid (≥ 10 h), so the per-day figures are unknown, not zero
    assert not days["valid"].any()
    s = res.summary["days"]
    assert (s["clock"], s["n_days"], s["n_valid_days"]) == ("local", 2, 0)
    assert np.isnan(s["n_steps_per_day"])
    assert set(s) == set(DAY_OUTCOME_KEYS)
    js = res.to_dict()
    assert [d["date"] for d in js["days"]] == ["2026-03-01", "2026-03-02"]


def test_without_a_clock_days_are_24_hours_from_the_first_sample():
    steps = pd.DataFrame({"time_s": [100.0, 86_399.0, 86_401.0, 200_000.0]})
    minutes = pd.DataFrame({"minute": np.arange(0, 3400), "start_s": np.arange(0, 3400) * 60.0,
                            "n_samples": 6000, "recorded_s": 60.0, "worn": True})
    days = day_table(steps, pd.DataFrame(), minutes, clock=None, span_s=(0.0, 3400 * 60.0))
    assert days["date"].tolist() == [None, None, None]
    assert days["start_s"].tolist() == [0.0, 86_400.0, 172_800.0]
    assert days["n_steps"].tolist() == [2, 1, 1]
    assert days["worn_h"].tolist() == pytest.approx([24.0, 24.0, 3400 / 60 - 48.0])
    assert days["valid"].tolist() == [True, True, False]        # 8.67 h < 10 h
    assert days["flags"].tolist() == [None, None, None]         # flags not given: not judged
    held = type("Held", (), {"id": "forward_lean", "start_s": 86_000.0, "end_s": 87_000.0})()
    days = day_table(steps, pd.DataFrame(), minutes, clock=None, span_s=(0.0, 3400 * 60.0), flags=[held])
    assert days["flags"].tolist() == ["forward_lean", "forward_lean", ""]   # held across the first midnight


def test_valid_days_only_in_the_figures_per_day():
    minutes = pd.DataFrame({"minute": np.arange(0, 2 * 1440), "start_s": np.arange(0, 2 * 1440) * 60.0,
                            "n_samples": 100, "recorded_s": 60.0,
                            "worn": np.r_[np.ones(1440, bool), np.arange(1440) < 8 * 60]})   # day 2: 8 h worn
    steps = pd.DataFrame({"time_s": np.r_[np.arange(1000.0, 1100.0), np.arange(90_000.0, 90_030.0)]})
    bouts = pd.DataFrame({"start_s": [1000.0, 90_000.0], "end_s": [1099.0, 90_029.0], "duration_s": [99.0, 29.0],
                          "gait": ["walk", "walk"], "n_turns": [0, 0], "cadence_spm": [110.0, 90.0],
                          "walking_speed_mps": [1.2, 0.8], "stride_length_m": [1.3, 1.0],
                          **{m: np.nan for m in ("step_time_s", "stride_time_s", "step_length_m")}})
    days = day_table(steps, bouts, minutes, span_s=(0.0, 2 * DAY))
    assert days["valid"].tolist() == [True, False]
    assert days["worn_h"].tolist() == pytest.approx([24.0, 8.0])
    out = day_outcomes(days, bouts)
    assert out["n_valid_days"] == 1
    assert out["n_steps_per_day"] == 100.0                     # day 2's 30 steps left out
    assert out["walking_bout_time_s_per_day"] == pytest.approx(99.0)
    assert out["cadence_spm_10s_mean"] == pytest.approx(110.0)  # day 2's bout left out
    assert days.loc[0, list(OUTCOME_KEYS)].to_dict() == pytest.approx(bout_outcomes(bouts.iloc[:1]), nan_ok=True)


DAY = 86_400.0


def test_minute_sums_do_not_depend_on_the_chunking():
    rng = np.random.default_rng(0)
    t = np.cumsum(rng.uniform(0.005, 0.015, 50_000))          # irregular, as a phone samples
    acc = rng.normal(0.0, 1.0, (t.size, 3)) + [0, 0, G]
    whole, pieces = MinuteStats(), MinuteStats()
    whole.add(t, acc)
    for lo in range(0, t.size, 97):             # chunks that split minutes; > 512 of them: merged on the way
        pieces.add(t[lo:lo + 97], acc[lo:lo + 97])
    a, b = whole.frame(), pieces.frame()
    assert a["minute"].tolist() == b["minute"].tolist()
    assert a["n_samples"].tolist() == b["n_samples"].tolist()
    np.testing.assert_allclose(a.drop(columns=["minute"]).to_numpy(), b.drop(columns=["minute"]).to_numpy(),
                               rtol=1e-12)


@pytest.mark.parametrize("std_mg, moved, expected_off", [
    (2.0, False, True),        # on a table
    (30.0, False, False),      # worn: a person still shifts by more than 13 mg
    (2.0, True, False),        # still, but the sensor turned over halfway (a range of 1 g): someone handled it
])
def test_van_hees_rule_on_made_minutes(std_mg, moved, expected_off):
    fs = 5.0
    rng = np.random.default_rng(1)
    t = np.arange(0, 90 * 60, 1 / fs)
    acc = rng.normal(0.0, std_mg / 1000 * G, (t.size, 3)) + [0, 0, G]
    if moved:
        acc[t.size // 2:] = acc[t.size // 2:][:, [2, 1, 0]]
    ms = MinuteStats()
    ms.add(t, acc)
    minutes, judged = worn_minutes(ms.frame(), fs)
    assert judged and len(minutes) == 90
    assert minutes["recorded_s"].to_numpy() == pytest.approx(60.0)
    assert (~minutes["worn"]).all() == expected_off and (minutes["worn"]).all() == (not expected_off)


def test_a_data_gap_is_not_stillness_and_an_hour_is_needed_to_judge():
    fs = 5.0
    t = np.r_[np.arange(0, 600, 1 / fs), np.arange(3 * 3600, 3 * 3600 + 600, 1 / fs)]   # 2 h 40 min missing
    acc = np.tile([0.0, 0.0, G], (t.size, 1))
    ms = MinuteStats()
    ms.add(t, acc)
    minutes, judged = worn_minutes(ms.frame(), fs)
    # no 60-min window holds ≥ 30 recorded minutes: wear cannot be judged, the recorded minutes count as worn
    assert not judged
    assert minutes["worn"].sum() == 20 and (minutes["n_samples"] == 0).sum() == len(minutes) - 20
    short, judged_short = worn_minutes(ms.frame().iloc[:10], fs)
    assert not judged_short and short["worn"].all()


@pytest.mark.parametrize("meta, expected", [
    ({"start_time": "2020-12-10T14:09:03.815+01:00"}, (dt.datetime(2020, 12, 10, 14, 9, 3, 815000), "local")),
    ({"start_utc": "2026-01-02T03:04:05+00:00"}, (dt.datetime(2026, 1, 2, 3, 4, 5), "UTC")),
    # without an offset too: the key says UTC (it was read as local, while a replay's start_utc read it as UTC)
    ({"start_utc": "2026-01-02T03:04:05"}, (dt.datetime(2026, 1, 2, 3, 4, 5), "UTC")),
    ({"start_time_iso": "2017-03-10 10:15:00", "start_time": "not a time"},
     (dt.datetime(2017, 3, 10, 10, 15), "local")),
    ({"start_time": "garbled", "start_unix_s": 1_700_000_000.0}, (dt.datetime(2023, 11, 14, 22, 13, 20), "UTC")),
    # Sensor Logger, Android: UTC+1 then — in its zone, whose midnights move with summer time (time audit s37)
    ({"start_unix_s": 1_700_000_000.0, "sensorlogger_recording_timezone": "Europe/Berlin"},
     (dt.datetime(2023, 11, 14, 23, 13, 20, tzinfo=ZoneInfo("Europe/Berlin")), "local")),
    ({"start_unix_s": 1_700_000_000.0, "timezone": "Not/AZone"}, (dt.datetime(2023, 11, 14, 22, 13, 20), "UTC")),
    ({"start_time": "2024-03-17 19:48:52.325 UTC+02:00", "start_unix_s": 1_710_697_732.3},       # phyphox
     (dt.datetime(2024, 3, 17, 19, 48, 52, 325000), "local")),
    ({}, None),
    ({"start_unix_s": "nan"}, None),
    # damaged start times (fuzzing a phyphox time.csv): pandas reads "-0" as the year 0, which datetime refuses
    # (a traceback), and "5" as the year 5 — neither is a date; the next key is read instead
    ({"start_time": "-0"}, None),
    ({"start_time": "-5", "start_unix_s": 1_700_000_000.0}, (dt.datetime(2023, 11, 14, 22, 13, 20), "UTC")),
    ({"start_time": "5"}, None),
    # … and Unix start times past any date (1e20 s; ms read as s, with a zone) or before any sensor (5 s): they
    # raised OverflowError / ValueError out of analyze and the CLI (found by review)
    ({"start_unix_s": "1e20"}, None),
    ({"start_unix_s": "-1e13"}, None),
    ({"start_unix_s": 1e12, "timezone": "Europe/Berlin"}, None),
    ({"start_unix_s": 5.0}, None),
])
def test_recording_clock_from_each_header(meta, expected):
    assert recording_clock(meta) == expected


UTC = dt.timezone.utc


@pytest.mark.parametrize("meta, expected", [
    ({"start_time": "2020-12-10T14:09:03.815+01:00"}, dt.datetime(2020, 12, 10, 13, 9, 3, 815000, tzinfo=UTC)),
    ({"start_utc": "2026-01-02T03:04:05+00:00"}, dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ({"start_utc": "2026-01-02T03:04:05"}, dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ({"start_unix_s": 1_700_000_000.0, "timezone": "Europe/Berlin"}, dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
    ({"start_time_iso": "2019-08-06 10:25:50", "time_zone": "GMT -04"}, None),     # local: the reader, not this, puts a zone into the offset
    ({"start_time_iso": "2017-03-10 10:15:00", "start_unix_s": "garbled"}, None),
    ({"start_time": "-5", "start_unix_s": "1e20"}, None),
    ({}, None),
])
def test_recording_start_utc_only_when_the_file_says_which_instant(meta, expected):
    """A replay's summary.start_utc is its file's start in UTC: known from a UTC time, a Unix time or an ISO time
    with its offset; a local time without one (a GENEActiv header) gives no instant (None), not a guess."""
    assert recording_start_utc(meta) == expected


def test_bundled_recording_has_its_one_short_day():
    res = imu_gait.analyze(imu_gait.read(imu_gait.__path__[0] + "/../datasets/mobgap_HA001_daily.csv"))
    days = res.days
    assert days["date"].tolist() == ["2020-12-10"]              # '# start_time: 2020-12-10T14:09:03.815+01:00'
    assert days["n_steps"].tolist() == [len(res.steps)]
    assert days["n_walking_bouts"].tolist() == [len(res.bouts)]
    assert days["recorded_h"].iloc[0] == pytest.approx(res.summary["duration_s"] / 3600, abs=2 / 3600)
    assert res.summary["days"]["wear_judged"] is False          # 2.3 min: van Hees's rule needs an hour


def test_report_says_when_the_sensor_was_off_and_shows_each_day(walk_table_walk):
    from imu_gait.report.html import render_html
    from imu_gait.report.text import render_text

    rec, res = walk_table_walk
    text = " ".join(render_text(res, rec, width=200).split())
    assert "Worn 20 min 00 s of 1 h 35 min recorded — the sensor lay still (taken off) for 1 h 15 min" in text
    assert "Days 2 calendar days; 0 worn 10 h or more" in text
    page = render_html(res, rec)
    section = page[page.index("<section id='days'>"):]
    section = section[:section.index("</section>")]
    assert section.count("<th scope='row'>") == 2
    assert "<td>2026-03-01</td>" in section and "<td>2026-03-02</td>" in section
    assert "Calendar days in the recording's own clock." in section
    # the steps per day as a plot, and the plot in numbers (each day's steps and hours worn)
    assert "<figure class='plot' data-plot='days'>" in section
    n1, n2 = res.days["n_steps"].tolist()
    assert (f"Steps per day — 2026-03-01: {n1} steps, 0.2 h worn (less than 10 h: does not count); "
            f"2026-03-02: {n2} steps, 0.2 h worn (less than 10 h: does not count).") in section
    from imu_gait.report.html import days_summary
    no_clock = pd.DataFrame({"day": [1, 2], "date": [None, np.nan], "n_steps": [6200, 8100], "worn_h": [14.2, 9.0],
                             "valid": [True, False]})
    assert days_summary(no_clock, 10.0) == ("Steps per day — day 1: 6200 steps, 14.2 h worn; day 2: 8100 steps, "
                                            "9.0 h worn (less than 10 h: does not count).")
    # one short walk: neither line, no table
    single, _ = synthesize_walk(60, seed=4)
    one = imu_gait.analyze(single)
    assert "<section id='days'>" not in render_html(one, single)
    assert "Worn" not in render_text(one, single, width=200) and "Days " not in render_text(one, single, width=200)


def test_cli_days_csv_and_batch(tmp_path, walk_table_walk, imu_gait_cli):
    import csv
    from pathlib import Path

    from imu_gait.io.native import write_native
    from imu_gait.report.days_csv import DAY_CSV_COLUMNS

    rec, res = walk_table_walk
    night = tmp_path / "night.csv"
    write_native(night, rec)                     # '# start_time: …' goes with it
    out = imu_gait_cli("analyze", str(night), "-q", "--days-csv", str(tmp_path / "days.csv"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader((tmp_path / "days.csv").open()))
    assert list(rows[0]) == list(DAY_CSV_COLUMNS)
    assert [r["date"] for r in rows] == ["2026-03-01", "2026-03-02"]
    assert [r["valid"] for r in rows] == ["False", "False"]
    assert sum(int(r["n_steps"]) for r in rows) == len(res.steps)
    assert float(rows[1]["worn_h"]) == pytest.approx(10 / 60, abs=1e-3)
    # batch: the day outcomes as days_ columns, every recording's days in one table
    out = imu_gait_cli("batch", str(night), str(imu_gait.__path__[0] + "/../datasets/mobgap_HA001_walk1.csv"),
                        "--out", str(tmp_path / "s.csv"), "--days-csv", str(tmp_path / "all_days.csv"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    table = {Path(r["recording"]).name: r for r in csv.DictReader((tmp_path / "s.csv").open())}
    assert table["night.csv"]["days_n_days"] == "2" and table["night.csv"]["days_worn_h"] == "0.333333"
    assert table["mobgap_HA001_walk1.csv"]["days_n_days"] == "1"
    pooled = list(csv.DictReader((tmp_path / "all_days.csv").open()))
    assert list(pooled[0])[0] == "recording"
    assert [Path(r["recording"]).name for r in pooled] == ["night.csv"] * 2 + ["mobgap_HA001_walk1.csv"]
    out = imu_gait_cli("batch", str(night), "--out", str(tmp_path / "s.csv"), "--days-csv", str(tmp_path / "s.csv"),
                        cwd=tmp_path)
    assert out.returncode == 2 and "that is the --out table too" in out.stderr


def test_compare_sets_two_weeks_of_days_side_by_side(walk_table_walk):
    """Day rows in 'compare' when a session has a day worn 10 h or more (figures per such day; walking-bout
    time in minutes); never marked; none when no session has a valid day."""
    import json

    from imu_gait.compare import compare_sessions, format_cell, mark_explanation, session_from_result

    _, res = walk_table_walk
    base = json.loads(res.to_json())
    week1, week6 = json.loads(json.dumps(base)), json.loads(json.dumps(base))
    week1["summary"]["days"].update(n_valid_days=6, n_steps_per_day=4200.0, walking_bout_time_s_per_day=1800.0,
                                    n_walking_bouts_10s_per_day=20.0, walking_speed_mps_10s_mean=0.95)
    week6["summary"]["days"].update(n_valid_days=7, n_steps_per_day=6300.0, walking_bout_time_s_per_day=2700.0,
                                    n_walking_bouts_10s_per_day=31.0, walking_speed_mps_10s_mean=1.05)
    table = compare_sessions([session_from_result(week1, "week 1"), session_from_result(week6, "week 6")])
    table = table.set_index("key")
    steps = table.loc["days_n_steps_per_day"]
    assert steps["row"] == "Steps per day" and steps["change"] == pytest.approx(2100.0)
    assert table.loc["days_walking_bout_time_s_per_day", "week 6"] == pytest.approx(45.0)     # minutes
    assert table.loc["days_walking_bout_time_s_per_day", "unit"] == "min"
    days = table[table.index.str.startswith("days_")]
    assert len(days) == 5 and days["beyond_repeat"].isna().all() and days["beyond_spread"].isna().all()
    assert format_cell(steps["week 6"], "days_n_steps_per_day") == "6300"
    assert "day rows are never marked" in mark_explanation(table.reset_index())
    plain = compare_sessions([session_from_result(base, "a"), session_from_result(base, "b")])
    assert not plain.key.str.startswith("days_").any()


def test_the_hours_a_day_must_be_worn_can_be_set():
    """valid_day_worn_h (CLI --valid-day-hours): 62 min of a person standing (20 mg of sway: worn) is a valid
    day at 1 h and not at the default 10 h; out of 0.5–24 h it is refused by name; batch's options column
    says it."""
    from imu_gait.batch import options_text
    from imu_gait.engine import ArgumentError

    t, acc, gyro = on_table(0.0, 62 * 60.0, 100.0, seed=7, noise_g=0.02)
    rec = Recording(t, acc, gyro)
    strict, lenient = imu_gait.analyze(rec), imu_gait.analyze(rec, valid_day_worn_h=1.0)
    for res in (strict, lenient):
        assert res.days["worn_h"].tolist() == pytest.approx([62 / 60], abs=1 / 3600)
        assert res.summary["days"]["wear_judged"] is True and len(res.steps) == 0
    assert strict.days["valid"].tolist() == [False] and strict.summary["days"]["n_valid_days"] == 0
    assert lenient.days["valid"].tolist() == [True] and lenient.summary["days"]["n_valid_days"] == 1
    assert lenient.summary["days"]["valid_day_worn_h"] == 1.0 and lenient.summary["days"]["n_steps_per_day"] == 0.0
    with pytest.raises(ArgumentError, match="valid_day_worn_h=0.1 is outside the plausible range 0.5–24 h"):
        imu_gait.analyze(rec, valid_day_worn_h=0.1)
    assert options_text({"valid_day_worn_h": 12.0}, None) == "--valid-day-hours 12"


def test_live_takes_the_valid_day_hours_too():
    """'imu-gait live --valid-day-hours 12' passes it to the live engine (it was refused as unknown
    context, with a traceback, before the live session knew the key)."""
    from imu_gait.devices.link import SampleBlock
    from imu_gait.devices.live import LiveSession

    rec, _ = synthesize_walk(20.0, 100.0, seed=2)
    sess = LiveSession(iter(()), feed_interval_s=0.0, valid_day_worn_h=12.0)
    sess.process(SampleBlock(rec.time_s, rec.acc_mps2, rec.gyro_rads, 0, 0))
    res = sess.finish()
    assert sess.engine.valid_day_worn_h == 12.0 and res.summary["days"]["valid_day_worn_h"] == 12.0


def test_a_clock_jump_leaves_out_the_empty_days():
    """Fed straight to the engine (no reader to refuse it), a stream that stops and comes back 20 days
    later: two rows, numbered by calendar day from the first; no row, and no minutes, for the days between."""
    a, _ = synthesize_walk(60.0, seed=1)
    eng = imu_gait.GaitEngine(100.0)
    eng.feed(a.time_s, a.acc_mps2, a.gyro_rads)
    eng.feed(a.time_s + 20 * DAY, a.acc_mps2, a.gyro_rads)
    res = eng.finish()
    assert res.days["day"].tolist() == [1, 21]
    assert res.days["n_steps"].sum() == len(res.steps) and (res.days["n_steps"] > 0).all()
    assert res.days["recorded_h"].tolist() == pytest.approx([60 / 3600] * 2, abs=1e-3)
    minutes, judged = worn_minutes(eng._minutes.frame(), 100.0)
    assert len(minutes) == 2 and not judged             # a minute each side: the 20 days between are not built


def _minutes(starts_s, recorded_s):
    return pd.DataFrame({"minute": np.arange(len(starts_s)), "start_s": np.asarray(starts_s, float),
                         "n_samples": (np.asarray(recorded_s) * 100).astype(int), "recorded_s": recorded_s,
                         "worn": True})


def test_a_walk_ending_just_before_midnight_is_one_day():
    """A live walk of 7.4 s begun at 23:59:31 (CI ran it then): its one minute's middle, 30 s in, fell past
    midnight, in a day the recording never reached — an IndexError ended the session. A minute counts in
    the day of its recorded part."""
    steps = pd.DataFrame({"time_s": np.array([], float)})
    bouts = pd.DataFrame({"start_s": np.array([], float)})
    days = day_table(steps, bouts, _minutes([0.0], [7.39]), clock=(dt.datetime(2026, 12, 5, 23, 59, 31), "local"),
                     span_s=(0.61, 7.99), wear_judged=False)
    assert days["date"].tolist() == ["2026-12-05"] and days["day"].tolist() == [1]
    assert days["recorded_h"].tolist() == pytest.approx([7.39 / 3600])


def test_a_first_minute_that_began_before_midnight_counts_in_the_recordings_first_day():
    """The minutes lie on the time axis's own minute grid: a recording from t = 119 s, just after midnight
    (t = 100 s), has its first minute [60, 120) s centred before midnight — a day before the first one,
    which read as a row 'day 0' dated like the last day. Its second counts in the first day."""
    steps = pd.DataFrame({"time_s": np.array([150.0])})
    bouts = pd.DataFrame({"start_s": np.array([], float)})
    days = day_table(steps, bouts, _minutes([60.0, 120.0, 180.0], [1.0, 60.0, 20.0]),
                     clock=(dt.datetime(2026, 3, 1, 23, 58, 20), "local"), span_s=(119.0, 200.0))
    assert days["day"].tolist() == [1] and days["date"].tolist() == ["2026-03-02"]
    assert days["recorded_h"].tolist() == pytest.approx([81.0 / 3600]) and days["n_steps"].tolist() == [1]


def test_each_bout_row_says_its_day_as_the_days_table_does(walk_table_walk):
    """A week's bouts are grouped by day from the bouts CSV alone: its ``day`` / ``date`` are the days
    table's, for the day the bout starts in (truth: walk one before the recording's midnight, walk two after)."""
    import io

    from imu_gait.report.bouts_csv import bout_rows, write_bouts_csv

    _, res = walk_table_walk
    rows = bout_rows(res)
    assert [(r["day"], r["date"]) for r in rows] == [(1, "2026-03-01"), (2, "2026-03-02")]
    assert [r["start_s"] < 30 * 60.0 for r in rows] == [True, False]
    text = io.StringIO()
    write_bouts_csv(res, text)
    lines = text.getvalue().splitlines()
    assert lines[0].endswith(",day,date") and lines[2].endswith(",2,2026-03-02")
    # no clock in the file: 24-hour days numbered from the first sample, and no date
    walk, _ = synthesize_walk(60, seed=4)
    plain = bout_rows(imu_gait.analyze(walk))
    assert [(r["day"], r["date"]) for r in plain] == [(1, None)]


def test_a_native_files_start_time_reaches_the_json_summary(tmp_path):
    """docs/json.md: the summary gives ``start_time_iso`` and ``start_unix_s`` when the file's clock is
    known — the clock the days table uses. A native file's ``# start_time:`` with its UTC offset gives
    both (12:50:00.388 at +02:00 is 10:50:00.388 UTC); without an offset the local time only (the Unix
    time is not known); without the line neither. Before: only ``time_offset_s: 0.0``."""
    import json

    from imu_gait.cli import main
    from imu_gait.io.native import write_native

    rec, _ = synthesize_walk(40, seed=2)
    cases = {"offset.csv": "2020-08-21T12:50:00.388+02:00", "local.csv": "2020-08-21T12:50:00.388", "none.csv": None}
    summaries = {}
    for name, start in cases.items():
        meta = {**rec.meta, "placement": "lower_back", **({"start_time": start} if start else {})}
        write_native(tmp_path / name, Recording(rec.time_s, rec.acc_mps2, rec.gyro_rads, meta=meta))
        assert main(["analyze", str(tmp_path / name), "-q", "--json", str(tmp_path / (name + ".json"))]) == 0
        result = json.loads((tmp_path / (name + ".json")).read_text())
        summaries[name] = result["summary"]
        assert result["days"][0]["date"] == ("2020-08-21" if start else None)
    s = summaries["offset.csv"]
    assert s["start_time_iso"] == "2020-08-21T12:50:00.388000+02:00"
    assert s["start_unix_s"] == pytest.approx(dt.datetime(2020, 8, 21, 10, 50, 0, 388000,
                                                          tzinfo=dt.timezone.utc).timestamp(), abs=1e-6)
    assert s["time_offset_s"] == 0.0 and s["days"]["clock"] == "local"
    assert summaries["local.csv"]["start_time_iso"] == "2020-08-21T12:50:00.388000"
    assert "start_unix_s" not in summaries["local.csv"]
    assert "start_time_iso" not in summaries["none.csv"] and "start_unix_s" not in summaries["none.csv"]


@pytest.mark.parametrize("meta, expected", [
    ({"start_unix_s": 1_700_000_000.0, "sensorlogger_recording_timezone": "Europe/Berlin"},
     {"start_time_iso": "2023-11-14T23:13:20+01:00", "start_unix_s": 1_700_000_000.0}),
    ({"start_unix_s": 1_700_000_000.0}, {"start_time_iso": "2023-11-14T22:13:20+00:00", "start_unix_s": 1_700_000_000.0}),
    ({"start_utc": "2026-01-02T03:04:05+00:00"}, {"start_time_iso": "2026-01-02T03:04:05+00:00",
                                                  "start_unix_s": 1_767_323_045.0}),
    ({"start_time": "garbled"}, {}),
])
def test_clock_summary_is_the_days_clock(meta, expected):
    """The summary's clock keys come from the same reading as :func:`recording_clock` (not parsed again)."""
    from imu_gait.days import clock_summary
    assert clock_summary(meta) == expected


@pytest.mark.parametrize("time_text, unix_s, iso", [
    ("2024-03-17 19:48:52.325 UTC+02:00", 1_710_697_732.325, "2024-03-17T19:48:52.325000+02:00"),
    ("2024-03-17 12:48:52.325 UTC-05:00", 1_710_697_732.325, "2024-03-17T12:48:52.325000-05:00"),
])
def test_a_phyphox_start_keeps_its_own_utc_offset(time_text, unix_s, iso):
    """phyphox's meta/time.csv writes the start as '… 19:48:52.325 UTC+02:00' next to its Unix time
    (17:48:52.325 UTC): the summary's start_time_iso must carry +02:00 and be the same instant as its
    start_unix_s. pandas read 'UTC+02' POSIX-style, as −02:00: 4 h off (10 h at UTC−05:00)."""
    from imu_gait.days import clock_summary

    out = clock_summary({"start_time": time_text, "start_unix_s": unix_s})
    assert out["start_time_iso"] == iso
    assert dt.datetime.fromisoformat(out["start_time_iso"]).timestamp() == pytest.approx(out["start_unix_s"], abs=1e-3)
    assert recording_start_utc({"start_time": time_text}) == dt.datetime.fromtimestamp(unix_s, UTC)


def test_the_bundled_phyphox_export_says_one_instant():
    """tests/data/phyphox_with_g: time.csv '2024-03-17 19:48:52.325 UTC+02:00', system time 1710697732.3249:
    start_time_iso and start_unix_s of the analysed summary name the same instant (to the ms)."""
    res = imu_gait.analyze(imu_gait.read(imu_gait.__path__[0] + "/../tests/data/phyphox_with_g"))
    s = res.summary
    assert s["start_time_iso"].endswith("+02:00")
    assert dt.datetime.fromisoformat(s["start_time_iso"]).timestamp() == pytest.approx(s["start_unix_s"], abs=1e-3)


@pytest.mark.parametrize("first_cell", ["10:00:00.000", "09:03:06"])
def test_a_time_of_day_without_a_date_dates_no_day(first_cell):
    """A date/time column holding only times of day ('10:00:00.000') does not say which day it was:
    no start date (days.date null, clock 'none'), whatever day the analysis runs. pandas filled in the
    day it ran, so the same file gave a new date each day."""
    meta = {"start_time_iso": first_cell}
    assert recording_clock(meta) is None
    from imu_gait.days import clock_summary
    assert "start_unix_s" not in clock_summary(meta)


def test_a_time_only_column_analyses_to_days_without_a_date(tmp_path):
    """A generic CSV whose time column is '10:00:00.000', '10:00:00.010', …: the summary keeps the
    first cell as written, the days table has a row with date null and clock 'none'."""
    import json

    rec, _ = synthesize_walk(20, seed=3)
    clock = pd.Timestamp("2000-01-01 10:00:00") + pd.to_timedelta(rec.time_s - rec.time_s[0], unit="s")
    frame = pd.DataFrame({"time": clock.strftime("%H:%M:%S.%f").str[:-3], "ax": rec.acc_mps2[:, 0],
                          "ay": rec.acc_mps2[:, 1], "az": rec.acc_mps2[:, 2]})
    frame.to_csv(tmp_path / "timeonly.csv", index=False)
    out = json.loads(imu_gait.analyze(imu_gait.read(tmp_path / "timeonly.csv", acc_unit="m/s2")).to_json())
    assert out["summary"]["start_time_iso"] == "10:00:00.000"
    assert out["summary"]["days"]["clock"] == "none"
    assert [d["date"] for d in out["days"]] == [None]


def test_a_recording_begun_seconds_before_midnight_keeps_that_days_steps():
    """A recording from 23:59:50 to 00:02:00 (130 s, minutes on its own time axis: [0, 60) s holds the
    midnight at 10 s): the day it began has a row holding its 10 recorded seconds and the 3 contacts before
    midnight; the next day the other 120 s and 3 contacts. Every step is in exactly one day. (The first
    minute went whole to the day of its middle: no row for 5 March, its steps in no row.)"""
    steps = pd.DataFrame({"time_s": np.array([2.0, 5.0, 8.0, 20.0, 50.0, 100.0])})
    bouts = pd.DataFrame({"start_s": np.array([], float)})
    days = day_table(steps, bouts, _minutes([0.0, 60.0, 120.0], [60.0, 60.0, 10.0]),
                     clock=(dt.datetime(2024, 3, 5, 23, 59, 50), "local"), span_s=(0.0, 130.0), wear_judged=False)
    assert days["date"].tolist() == ["2024-03-05", "2024-03-06"] and days["day"].tolist() == [1, 2]
    assert days["n_steps"].tolist() == [3, 3]
    assert (days["recorded_h"] * 3600).tolist() == pytest.approx([10.0, 120.0], abs=1e-6)
    assert days["start_s"].tolist() == [0.0, 10.0]


@pytest.mark.parametrize("before_s", [10, 29, 31])
def test_every_step_of_a_walk_across_midnight_is_in_one_day(tmp_path, before_s):
    """A native file of 40 s of walking whose '# start_time:' is ``before_s`` seconds before midnight:
    the days table has both dates, its n_steps sum to summary.n_steps, the first day's n_steps are the
    contacts before midnight, and the recorded hours sum to the recording's."""
    from imu_gait.io.native import write_native

    rec, _ = synthesize_walk(40, seed=5)
    start = dt.datetime(2024, 3, 6) - dt.timedelta(seconds=before_s)
    meta = {**rec.meta, "placement": "lower_back", "start_time": start.isoformat() + "+01:00"}
    write_native(tmp_path / "w.csv", Recording(rec.time_s, rec.acc_mps2, rec.gyro_rads, meta=meta))
    res = imu_gait.analyze(imu_gait.read(tmp_path / "w.csv"))
    midnight_s = float(before_s)                 # the start time is the wall clock of 0 s on the time axis
    assert res.days["date"].tolist() == ["2024-03-05", "2024-03-06"]
    assert int(res.days["n_steps"].sum()) == res.summary["n_steps"] == len(res.steps)
    assert res.days["n_steps"].iloc[0] == int((res.steps["time_s"] < midnight_s).sum())
    assert res.days["recorded_h"].sum() * 3600 == pytest.approx(res.summary["duration_s"], abs=1.0)
