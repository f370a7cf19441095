"""The files imu_gait writes against their written contracts (docs/json.md): the same keys whichever way a
walk was analysed — live, or offline from the recording the live session wrote — and what those keys say.

Found by the contracts audit s35 (its findings are named F1, F2, … in the tests' docstrings)."""
from __future__ import annotations

import json

import pytest

import imu_gait
from imu_gait.io import write_native
from imu_gait.synthetic import synthesize_walk

#: the keys only a live session's summary has (docs/json.md: "A live session's result … also has …")
LIVE_ONLY_KEYS = {"device", "protocol", "lost_samples", "loss_pct", "reconnects", "link_lost_s", "corrupt_packets",
                  "queue_drops", "start_utc", "path"}


def _strict_json(path):
    """The JSON at ``path``, parsed as a strict parser does (NaN / Infinity refused)."""
    def refuse(constant):
        raise ValueError(f"{path}: {constant} is not JSON")
    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def test_a_live_treadmill_walk_has_the_summary_keys_of_its_recordings_analysis(tmp_path, imu_gait_cli):
    """F1: a live walk at one belt speed had no `treadmill_schedule` / `treadmill_schedule_origin_s`, while
    analyze of the recording it wrote (which reads the walk.treadmill.csv saved beside it) had both — one walk,
    two key sets, and the keys were not in docs/json.md. Truth: analyze of the recording — the same keys but
    the live-only link keys, the same one-stage schedule, its origin the recording's first sample (to the µs
    the file keeps its times in)."""
    done = imu_gait_cli("live", "--simulate", "--duration", "20", "--speed", "10", "--no-keys", "--view", "plain",
                        "--belt-speed-kmh", "4.5", "--incline", "2", "--record", "walk.csv", "--json", "live.json",
                        "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "walk.treadmill.csv").is_file()
    done = imu_gait_cli("analyze", "walk.csv", "--json", "a.json", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    live, off = (_strict_json(tmp_path / n)["summary"] for n in ("live.json", "a.json"))
    assert set(live) - LIVE_ONLY_KEYS == set(off)
    assert live["treadmill_schedule"] == off["treadmill_schedule"] == [
        {"start_s": 0.0, "belt_speed_mps": 1.25, "incline_pct": 2.0}]
    first_t = imu_gait.read(tmp_path / "walk.csv").time_s[0]
    assert live["treadmill_schedule_origin_s"] == pytest.approx(first_t, abs=1e-6)
    assert off["treadmill_schedule_origin_s"] == pytest.approx(first_t, abs=1e-6)


def test_a_walk_without_a_schedule_has_the_schedule_keys_as_null(tmp_path):
    """F1: docs/json.md — every recording's summary has the same keys, null where not given. Truth: no schedule →
    both keys present and null, in the JSON too."""
    rec, _ = synthesize_walk(20.0, 100.0, seed=1)
    res = imu_gait.analyze(rec)
    assert res.summary["treadmill_schedule"] is None and res.summary["treadmill_schedule_origin_s"] is None
    res.write_json(tmp_path / "w.json")
    summary = _strict_json(tmp_path / "w.json")["summary"]
    assert summary["treadmill_schedule"] is None and summary["treadmill_schedule_origin_s"] is None


def test_a_live_sessions_start_is_the_wall_clock_time_of_its_0_s():
    """F2: a live session's start_utc (the JSON's start_utc / start_time_iso / start_unix_s, the recording's
    `# start_utc:` / `# start_time:` lines) was when the session object was made — after the sensor had
    connected, while 0 s on its time axis is when the stream was opened — and cut to whole seconds: 0.6 s early
    on the emulated sensor, plus the connect time (seconds) on a real one. Truth: the wall clock now minus the
    stream's own time now; tolerance 20 ms (two readings of two clocks on a loaded machine), where a session
    made 0.5 s after the stream opened was 0.5 s off."""
    import asyncio
    import datetime as dt

    from imu_gait.devices.live import monitor, simulated_stream

    async def run():
        async with simulated_stream(speed=1.0, walk_s=20) as stream:
            await asyncio.sleep(0.5)               # a slow connect: the session is made only after it
            session = monitor(stream)
            true_start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=stream.now_s())
            return session, true_start

    session, true_start = asyncio.run(run())
    assert abs((session.start_utc - true_start).total_seconds()) < 0.02
    # as the recording's header and the JSON write it: to the millisecond, with this computer's UTC offset
    written = dt.datetime.fromisoformat(session._start_local())
    assert written.tzinfo is not None
    assert abs((written - true_start).total_seconds()) < 0.021


def test_the_json_doc_names_each_flag_key_once():
    """F5: docs/json.md's flags table had two `title` rows saying different things (which one is the contract?).
    Truth: Flag's fields — each named by exactly one row of the table."""
    import dataclasses
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "json.md").read_text(encoding="utf-8")
    table = doc[doc.index("### `flags`"):doc.index("### `bouts`")]
    rows = [re.findall(r"`([a-z_]+)`", line.split("|")[1]) for line in table.splitlines() if line.startswith("| `")]
    named = [key for row in rows for key in row]
    fields = [f.name for f in dataclasses.fields(imu_gait.Flag)]
    assert sorted(named) == sorted(fields)


def test_the_timeline_csv_has_the_same_columns_for_a_recording_without_walking(tmp_path):
    """F4: `--timeline-csv` of a recording with no steps (a minute standing still) had only time_s, clock, gait
    and walking where every walking recording's has 56 columns — tables of several recordings did not line up.
    Truth: a walk's timeline CSV header (its series come from the rules), the same for the standing-still
    recording, with no rows (it has no timeline)."""
    import numpy as np

    from imu_gait.recording import Recording

    walk, _ = synthesize_walk(40.0, 100.0, seed=3)
    walk_res = imu_gait.analyze(walk)
    walk_res.write_timeline_csv(tmp_path / "walk.csv")
    header = (tmp_path / "walk.csv").read_text(encoding="utf-8").splitlines()[0]
    assert len(header.split(",")) > 40 and header.startswith("time_s,clock,gait,walking,cadence_spm,")

    rng = np.random.default_rng(5)
    t = np.arange(6000) / 100.0
    still = Recording(t, np.tile([0.0, 0.0, 9.81], (t.size, 1)) + rng.normal(0, 0.03, (t.size, 3)),
                      rng.normal(0, 0.003, (t.size, 3)), meta={"sample_rate_hz": 100})
    still_res = imu_gait.analyze(still)
    assert len(still_res.steps) == 0
    still_res.write_timeline_csv(tmp_path / "still.csv")
    assert (tmp_path / "still.csv").read_text(encoding="utf-8").splitlines() == [header]
