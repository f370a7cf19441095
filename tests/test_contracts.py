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
