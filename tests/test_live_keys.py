"""Treadmill keys in the live view: the belt speed or incline changes mid-walk.

Truth: on a treadmill step length is exactly belt speed × step time, so after a key press each
step's length must equal the *new* speed × its step time and before it the old one (to 1e-9).
The terminal path is tested for real: ``imu-gait live`` on a pseudo-terminal, keys typed into it.
"""
from __future__ import annotations

import asyncio
import json
import os
import pty
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import numpy as np
import pytest

from imu_gait.cli import main
from imu_gait.devices.keys import apply_key
from imu_gait.devices.live import monitor
from imu_gait.devices.replay import ReplaySource
from imu_gait.io import write_native
from imu_gait.synthetic import synthesize_walk

ROOT = Path(__file__).resolve().parents[1]


def replay_with_keys(rec, presses, **ctx):
    """Replay ``rec`` through a live session; ``presses``: [(stream time s, keys)], typed when the
    stream passes that time. Returns (session, [(time, line) per key])."""
    said = []

    async def go():
        pending = list(presses)
        async with monitor(ReplaySource(rec, speed=0, block_s=0.2), **ctx) as live:
            async for _ in live:
                while pending and live.time_s >= pending[0][0]:
                    _, keys = pending.pop(0)
                    said.extend((live.time_s, apply_key(live, k)) for k in keys)
        return live

    return asyncio.run(asyncio.wait_for(go(), 120)), said


def test_speed_and_incline_keys_start_new_stages_and_step_lengths_follow():
    rec, _ = synthesize_walk(240, seed=8)
    live, said = replay_with_keys(rec, [(100.0, "+++++"), (160.0, "]]]]")], belt_speed_mps=4.5 / 3.6)
    assert said[4][1] == "belt speed now 5.0 km/h (1.39 m/s)" and said[-1][1] == "incline now 2 %"
    res = live.result
    stages = res.summary["treadmill_schedule"]
    assert [round(s["belt_speed_mps"] * 3.6, 1) for s in stages] == [4.5, 5.0, 5.0]
    assert [s["incline_pct"] for s in stages] == [None, None, 2.0]
    t_change = stages[1]["start_s"] + res.summary["treadmill_schedule_origin_s"]
    assert abs(stages[1]["start_s"] - 100.0) < 0.5          # when the keys were pressed (± one block)
    st = res.steps.dropna(subset=["step_time_s"])
    before, after = st[st["time_s"] < t_change], st[st["time_s"] >= t_change]
    assert len(before) > 150 and len(after) > 200
    np.testing.assert_allclose(before["step_length_m"], 4.5 / 3.6 * before["step_time_s"], rtol=1e-9)
    np.testing.assert_allclose(after["step_length_m"], 5.0 / 3.6 * after["step_time_s"], rtol=1e-9)
    assert live.treadmill_now() == pytest.approx((5.0 / 3.6, 2.0))


def test_speed_keys_without_a_known_speed_say_how_to_give_one():
    rec, _ = synthesize_walk(60, seed=3)
    live, said = replay_with_keys(rec, [(20.0, "+]x")])
    assert "start with --belt-speed-kmh" in said[0][1]
    assert said[1][1] == "incline now 0.5 %"
    assert said[2][1] is None                                  # not a treadmill key
    assert live.result.summary["treadmill_schedule"][-1] == pytest.approx(
        {"start_s": said[1][0], "belt_speed_mps": None, "incline_pct": 0.5}, abs=0.3)


def test_a_key_before_the_first_sample_sets_the_starting_values():
    rec, _ = synthesize_walk(30, seed=3)
    live = monitor(ReplaySource(rec, speed=0, block_s=0.2), belt_speed_mps=1.0)
    assert apply_key(live, "+") == "belt speed now 3.7 km/h (1.03 m/s)"
    res = asyncio.run(live.run())
    # (no stage made by the key: a replay's summary has the schedule key, null, as analyze's — docs/json.md)
    assert res.summary["belt_speed_mps"] == pytest.approx(3.7 / 3.6) and res.summary["treadmill_schedule"] is None


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals only")
def test_keys_typed_into_the_live_view_on_a_terminal(tmp_path):
    """``imu-gait live`` on a pseudo-terminal: typed keys change the belt speed, p 6 marks back pain 6/10,
    q stops the walk, the terminal is left as it was (echo and line mode back on), and the treadmill
    context and the mark saved beside the recording make a later ``imu-gait analyze`` of it give the live
    report's step lengths and marks."""
    rec, _ = synthesize_walk(120, seed=2)
    path = tmp_path / "walk.csv"
    write_native(path, rec)
    out = tmp_path / "live.json"
    recording = tmp_path / "live.csv"
    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    env = {**os.environ, "COLUMNS": "120", "LINES": "40", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "imu_gait", "live", "--replay", str(path), "--speed", "4",
                             "--view", "rich", "--belt-speed-kmh", "4.5", "--record", str(recording), "--json", str(out),
                             "-q"],
                            stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    screen = b""

    def read_for(seconds, until=None):
        """Read the screen for ``seconds``, or until ``until`` is on it (or the program has closed the terminal)."""
        nonlocal screen
        end = time.monotonic() + seconds
        while time.monotonic() < end and (until is None or until not in screen) and proc.poll() is None:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    screen += os.read(master, 65536)
                except OSError:
                    return

    # each answer is awaited until it is on the screen (up to 20 s), not for a fixed 1.5–3 s of wall time: on a
    # loaded 2-core machine the redraw can come later than that, and after q the summary and the reports take
    # their time (the screen is read until the program has exited, so its output never fills the terminal)
    try:
        read_for(60, until=b"keys: +")
        assert b"keys: +" in screen, screen[-2000:]
        read_for(2.0)                          # 8 s of walk at ×4
        os.write(master, b"+++")
        read_for(20, until=b"belt speed now 4.8 km/h")
        assert b"belt speed now 4.8 km/h" in screen
        os.write(master, b"p6")                # my back hurts now, 6 out of 10
        read_for(20, until=b"pain 6/10")
        assert b"pain 6/10" in screen
        os.write(master, b"q")
        read_for(60)                           # until the program has exited
        while select.select([master], [], [], 0.2)[0]:     # and what it wrote last
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
        after = termios.tcgetattr(slave)
        os.close(master)
        os.close(slave)
    assert proc.returncode == 0, proc.stderr.read().decode()
    assert b"stopped with q" in screen
    assert after[3] & (termios.ECHO | termios.ICANON) == before[3] & (termios.ECHO | termios.ICANON)
    live = json.loads(out.read_text())
    summary = live["summary"]
    assert [round(s["belt_speed_mps"] * 3.6, 1) for s in summary["treadmill_schedule"]] == [4.5, 4.8]
    assert summary["duration_s"] < 100                      # stopped by q, not by the end of the file
    assert (tmp_path / "live.treadmill.csv").is_file()
    again = tmp_path / "again.json"
    assert main(["analyze", str(recording), "--json", str(again), "-q"]) == 0
    offline = json.loads(again.read_text())
    assert offline["summary"]["treadmill_schedule"] == summary["treadmill_schedule"]
    assert any("live.treadmill.csv" in w for w in offline.get("warnings", []))
    # the symptom mark: in the live report, saved beside the recording, read back by analyze
    assert [m["pain"] for m in live["marks"]] == [6] and (tmp_path / "live.marks.csv").is_file()
    assert [(m["elapsed_s"], m["pain"]) for m in offline["marks"]] == [(m["elapsed_s"], m["pain"]) for m in live["marks"]]
    a = {round(s["time_s"], 3): s["step_length_m"] for s in live["steps"]}
    b = {round(s["time_s"], 3): s["step_length_m"] for s in offline["steps"]}
    common = [t for t in a if t in b and a[t] is not None and b[t] is not None]
    assert len(common) > 0.9 * len(a)
    np.testing.assert_allclose([b[t] for t in common], [a[t] for t in common], rtol=1e-6)


def test_arrow_keys_and_other_escape_sequences():
    from imu_gait.devices.keys import decode_keys

    assert decode_keys("\x1b[A\x1b[B\x1b[C\x1b[D") == ["]", "[", "+", "-"]      # ↑ ↓ → ←
    assert decode_keys("\x1bOA") == ["]"]                                     # SS3 (application mode)
    assert decode_keys("+\x1b[5~]\x1b[1;5C") == ["+", "]"]                    # PgUp, Ctrl-→: dropped whole
    assert decode_keys("q") == ["q"] and decode_keys("\x1b") == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals only")
def test_an_arrow_split_across_two_reads_is_still_an_arrow():
    """Over a slow link a terminal's read can end inside an escape sequence: ESC, then '[A'. The '['
    read on its own lowered the incline where ↑ meant to raise it. A real pseudo-terminal, bytes
    written in two parts with a pause between."""
    from imu_gait.devices.keys import KeyReader

    master, slave = pty.openpty()
    got = []

    async def go():
        with open(slave, "r", closefd=False) as stream, KeyReader(got.append, stream=stream) as reader:
            assert reader.active
            for part in (b"\x1b", b"[A", b"\x1b[", b"B+", b"\x1bO", b"C"):
                os.write(master, part)
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.1)

    try:
        asyncio.run(go())
    finally:
        os.close(master)
        os.close(slave)
    assert got == ["]", "[", "+", "+"]


def test_stages_made_with_the_keys_early_are_not_taken_for_a_unit_slip(tmp_path):
    """Incline and speed keys pressed at 0:10 and 0:20 of a 2:30 walk (a warm-up adjustment, then walking on)
    made the live summary, and analyze of its recording, say 'all 3 stages start within the first minute …
    write them as m:ss' — advice about a file nobody wrote. Truth: key presses are seconds, so neither says it;
    the same stages in a schedule CSV someone wrote still get the warning (its times may be minutes)."""
    import imu_gait
    from imu_gait.devices.live import run_live
    from imu_gait.devices.view import PlainView
    from imu_gait.treadmill import read_schedule

    class KeysAt(PlainView):               # the keys typed when the walk passes these times
        def __init__(self, presses):
            super().__init__(file=open(os.devnull, "w"), every_s=1e9)
            self.presses = list(presses)

        def update(self, session, upd):
            super().update(session, upd)
            while self.presses and session.time_s >= self.presses[0][0]:
                apply_key(session, self.presses.pop(0)[1])

    rec, _ = synthesize_walk(150, seed=4)
    src = tmp_path / "walk.csv"
    write_native(src, rec)
    recording = tmp_path / "live.csv"
    keys = KeysAt([(10.0, "]"), (20.0, "+")])
    session, _ = asyncio.run(run_live(ReplaySource(str(src), speed=0, block_s=0.2), view=keys, record=recording,
                                      engine_context={"belt_speed_mps": 4.5 / 3.6}, handle_signals=False))
    slip = "write them as m:ss"
    assert len(session.result.summary["treadmill_schedule"]) == 3
    assert not any(slip in w for w in session.result.warnings), session.result.warnings
    out = tmp_path / "again.json"
    assert main(["analyze", str(recording), "--json", str(out), "-q"]) == 0
    offline = json.loads(out.read_text())
    assert offline["summary"]["treadmill_schedule"] == session.result.summary["treadmill_schedule"]
    assert not any(slip in w for w in offline["warnings"]), offline["warnings"]
    # the same stages written by hand: the warning is still there for them
    side = (tmp_path / "live.treadmill.csv").read_text().splitlines()
    hand = tmp_path / "hand.csv"
    hand.write_text("\n".join(ln for ln in side if not ln.startswith("#")) + "\n")
    by_hand = imu_gait.analyze(imu_gait.read(str(recording)), treadmill_schedule=read_schedule(hand))
    assert any(slip in w for w in by_hand.warnings), by_hand.warnings


def test_live_help_says_the_keys_are_not_read_on_windows():
    """KeyReader needs termios (POSIX): on Windows no key is read, yet `imu-gait live --help` promised q, +/-,
    ]/[ and p with no word of it. The help now says where they work and what to do on Windows."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "imu_gait", "live", "--help"], capture_output=True, text=True,
                          timeout=120, env={**__import__("os").environ, "COLUMNS": "400"})
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())
    assert "on Windows they are not read" in text and "Ctrl-C ends the walk" in text, text
    assert "--treadmill-schedule FILE.csv" in text and "not read on Windows" in text     # and in --no-keys
    # what the help says holds on this machine: the reader is POSIX-only (no msvcrt path)
    import inspect

    from imu_gait.devices.keys import KeyReader
    assert "termios" in inspect.getsource(KeyReader.__enter__) and "msvcrt" not in inspect.getsource(KeyReader)


def test_an_interval_program_entered_with_the_keys_cues_bounce_once_not_every_fast_minute():
    """4 km/h, then 4 × (1 min at 6 km/h, 2 min at 4 km/h), the speed changed with 20 presses of + / - at each change
    (synthetic, the fast walk bouncing 40 % more as faster walking does). The live view showed the bounce cue in every
    fast minute (on at 211, 391, 572, 746 s); the fast minutes that come back to 6 km/h are judged against the first
    one now: one cue, in the first (± 30 s: the hold and the smoothing), and the final result says the same."""
    from test_treadmill import _interval_walk

    rec, _, fast_starts = _interval_walk()
    t0 = float(rec.time_s[0])
    pending = [(f + d, k * 20) for f in fast_starts for d, k in ((0, "+"), (60, "-"))]
    onsets, shown = [], set()

    async def go():
        async with monitor(ReplaySource(rec, speed=0, block_s=0.2), belt_speed_mps=4.0 / 3.6) as live:
            async for _ in live:
                while pending and live.time_s - t0 >= pending[0][0]:
                    for k in pending.pop(0)[1]:
                        apply_key(live, k)
                now = {f.id for f in live.active_flags}
                onsets.extend((f, live.time_s - t0) for f in sorted(now - shown))
                shown.clear()
                shown.update(now)
        return live

    live = asyncio.run(asyncio.wait_for(go(), 300))
    assert [f for f, _ in onsets] == ["vertical_bounce"], onsets
    assert fast_starts[0] <= onsets[0][1] <= fast_starts[0] + 30
    assert [(f.id, abs(f.start_s - t0 - fast_starts[0]) <= 15) for f in live.result.flags] == [("vertical_bounce", True)]
