"""`imu-gait live --replay FILE --json …` says about its input what `imu-gait analyze FILE --json …` says.

A replay streams a recording through the live path (demos, and the check that live = offline). An audit
compared the two JSON results of the same real files and found the replay dropping or misstating what is
known about the input: the reader's notes (units assumed, the format guessed, the file's gaps) were missing;
a GENEActiv file's 520-ms gap became '25 samples … were lost over the link' (lost_samples 25) though no link
was involved; start_unix_s, time_offset_s and start_time_iso were dropped and start_utc was the replay's wall
time; sample_rate_hz was the live rate of the last 5 s (223.351 Hz) instead of the file's (207.168 Hz).

Truth: the offline JSON of the same file, written by the real CLI (`analyze`, `live --replay` in-process).
Real files: the bundled Oxford phone walk (datasets/, CC BY 4.0), the bundled trimmed GENEActiv (GaitPy demo,
with its 520-ms gap) and headerless AX6 CSV (scikit-digital-health: unix s, g, deg/s — the generic reader's
guesses) in tests/data (MIT), and, where present, the whole files in ../shared/peer_data.
Fields that are the session's own (device, protocol, the link's counts, replay_of, replayed_at, source when
recorded anew) are not compared with offline, but checked to be true (no link: nothing lost over it).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import imu_gait
from imu_gait.cli import main

ROOT = Path(__file__).resolve().parents[1]
PEER = ROOT.parent / "shared" / "peer_data"

GENEACTIV = ROOT / "tests" / "data" / "gaitpy_demo" / "demo_data_30s.csv"
GENERIC = ROOT / "tests" / "data" / "skdh_examples" / "example_data_30s.csv"
OXFORD = ROOT / "datasets" / "oxford_Samsung_Carmelo_Hard_NeckPouch_2.csv"
PEER_GENEACTIV = PEER / "gaitpy_demo" / "demo_data.csv"
PEER_GENERIC = PEER / "skdh_examples" / "example_data_2min.csv"

#: what analyze's summary says of the file itself: the replay's must say the same
FILE_KEYS = ("sample_rate_hz", "time_offset_s", "start_unix_s", "start_time_iso", "n_samples", "duration_s",
             "gap_s", "has_gyro", "placement")


def _peer(path: Path):
    return pytest.param(path, marks=pytest.mark.skipif(not path.exists(), reason=f"{path} not present"),
                        id=f"peer-{path.stem}")


def _offline_and_replay(path: Path, tmp_path: Path, *extra: str) -> tuple[dict, dict]:
    off, rp = tmp_path / "offline.json", tmp_path / "replay.json"
    assert main(["analyze", str(path), "--json", str(off)]) == 0
    assert main(["live", "--replay", str(path), "--speed", "0", "--view", "plain", "-q", "--json", str(rp),
                 *(extra or ("--no-record",))]) == 0
    return json.loads(off.read_text()), json.loads(rp.read_text())


def _same(a, b) -> bool:
    """Equal; numbers to 1e-9 (a metric's median over the same steps, summed in another order)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-9)
    return a == b


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.timezone.utc)


@pytest.mark.parametrize("path", [GENEACTIV, GENERIC, OXFORD, ROOT / "datasets" / "mobgap_HA002_daily.csv",
                                  _peer(PEER_GENEACTIV), _peer(PEER_GENERIC)],
                         ids=lambda p: getattr(p, "stem", str(p)))
def test_a_replay_says_of_its_file_what_analyze_says(path, tmp_path, capsys):
    off, rp = _offline_and_replay(path, tmp_path)
    so, sr = off["summary"], rp["summary"]
    # the same samples, the same steps (the live engine is the offline one)
    assert len(rp["steps"]) == len(off["steps"])
    if path == GENERIC:
        # skdh's AX6 30-s example twists 29° per stride: no trunk's walk (audit s34 F1), left out by both —
        # the note saying so is among the warnings compared below
        assert any("left out as not walking" in w for w in off["warnings"])
    else:
        assert len(off["steps"]) > 0
    wrong = {}                       # every field that disagrees, so a failure lists them all
    # the reader's notes (and the engine's) in the same words and order
    if rp["warnings"] != off["warnings"]:
        wrong["warnings"] = {"replay only": [w for w in rp["warnings"] if w not in off["warnings"]],
                             "offline only": [w for w in off["warnings"] if w not in rp["warnings"]]}
    for key in FILE_KEYS:
        if (key in sr) != (key in so) or sr.get(key) != so.get(key):
            wrong[key] = (sr.get(key, "<missing>"), so.get(key, "<missing>"))
    # the session's own fields, true of a replay: no link, so nothing lost over it
    for key in ("lost_samples", "loss_pct", "reconnects"):
        if sr.get(key) != 0:
            wrong[key] = sr.get(key)
    # start_utc: when the file's 0 s was, in UTC, as far as the file says — never when the replay ran
    start = (dt.datetime.fromtimestamp(so["start_unix_s"], dt.timezone.utc) if "start_unix_s" in so
             else None)      # a GENEActiv's local time without its offset, a native file without a clock: unknown
    if (None if sr.get("start_utc") is None else _utc(sr["start_utc"])) != start:
        wrong["start_utc"] = (sr.get("start_utc"), start)
    assert not wrong, wrong
    assert sr["replay_of"] == str(path) and sr["source"] == so["source"] == str(path)
    replayed_at = _utc(sr["replayed_at"])             # the replay's own wall-clock start, under its own name
    assert abs((replayed_at - dt.datetime.now(dt.timezone.utc)).total_seconds()) < 600


def test_a_geneactiv_files_gap_is_a_gap_in_the_file_not_link_loss(tmp_path, capsys):
    """The GaitPy demo's 520-ms hole (26 periods at 50 Hz: 25 samples) is said as the reader says it; the
    live view counts it as missing in the file, with 0 % loss over the (absent) link."""
    off, rp = _offline_and_replay(GENEACTIV, tmp_path, "--no-record", "--status-every", "0.1")
    gap_note = [w for w in off["warnings"] if w.startswith("1 gap(s) in the samples, longest 520 ms")]
    assert len(gap_note) == 1 and gap_note[0] in rp["warnings"]
    assert rp["summary"]["lost_samples"] == 0 and rp["summary"]["gap_s"] == off["summary"]["gap_s"]
    out = capsys.readouterr().out
    link = [line for line in out.splitlines() if " link " in line]
    assert link and "loss_pct=0.0" in link[-1] and "missing_in_file=25" in link[-1], out


def test_the_generic_readers_guesses_come_with_the_replay(tmp_path, capsys):
    """The headerless AX6 table: the generic reader's notes (the columns it took, time in s, acceleration read
    as g, gyro read as deg/s) are in the replay's warnings; its Unix start too, and the replay's new recording
    keeps the map back to the file's clock (analysing it gives the same time_offset_s)."""
    again = tmp_path / "again.csv"
    off, rp = _offline_and_replay(GENERIC, tmp_path, "--record", str(again))
    for start in ("not a format imu_gait knows by name", "time unit not given", "acceleration unit not given",
                  "gyro unit not given"):
        assert any(w.startswith(start) for w in rp["warnings"]), start
    assert any("read as g" in w for w in rp["warnings"]) and any("read as deg/s" in w for w in rp["warnings"])
    so, sr = off["summary"], rp["summary"]
    assert sr["time_offset_s"] == sr["start_unix_s"] == so["start_unix_s"] > 1.5e9
    assert _utc(sr["start_utc"]) == dt.datetime.fromtimestamp(so["start_unix_s"], dt.timezone.utc)
    assert sr["source"] == str(again) and sr["replay_of"] == str(GENERIC)
    analysed = imu_gait.analyze(imu_gait.read(again)).summary
    assert analysed["time_offset_s"] == so["time_offset_s"] and analysed["start_unix_s"] == so["start_unix_s"]
    assert analysed["sample_rate_hz"] == so["sample_rate_hz"]



@pytest.mark.parametrize("given", [("--height", "1.8"), ("--sensor-height", "1.05")], ids=["height", "sensor-height"])
def test_a_height_given_for_the_walk_replaces_the_files_as_in_analyze(given, tmp_path, capsys):
    """HA001's file stores its sensor height (0.964 m) and the walker's (1.59 m). `analyze --height 1.8` sets both
    aside (sensor height 0.61 × 1.8 m, and says the stored one was not used); `live --replay --height 1.8` kept the
    file's sensor height ('given') and so other step lengths and speeds; with --sensor-height it kept the file's
    body height. Now the replay uses and says what analyze does."""
    path = ROOT / "datasets" / "mobgap_HA001_walk1.csv"
    off = tmp_path / "offline.json"
    assert main(["analyze", str(path), *given, "--json", str(off)]) == 0
    rp = tmp_path / "replay.json"
    assert main(["live", "--replay", str(path), *given, "--speed", "0", "--view", "plain", "-q", "--no-record",
                 "--json", str(rp)]) == 0
    off, rp = json.loads(off.read_text()), json.loads(rp.read_text())
    so, sr = off["summary"], rp["summary"]
    wrong = {k: (sr.get(k), so.get(k)) for k in ("sensor_height_m", "sensor_height_given", "sensor_height_source",
                                                  "body_height_m", "step_length_m", "walking_speed_mps")
             if not _same(sr.get(k), so.get(k))}
    if rp["warnings"] != off["warnings"]:
        wrong["warnings"] = ([w for w in rp["warnings"] if w not in off["warnings"]],
                             [w for w in off["warnings"] if w not in rp["warnings"]])
    assert not wrong, wrong
    assert so["sensor_height_m"] != 0.964
