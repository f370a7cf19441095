"""NativeCsvWriter.drop_gyro: the rewrite without gyro columns runs off the caller's thread, rows written meanwhile
land after it in order, and a rewrite that fails loses no sample.

Truth: the rows the test itself writes (times k / 100 s, smooth acceleration and angular rate), read back with
:func:`imu_gait.read`; numbers within the native format's 7 significant digits (atol 1e-6), times within 1e-9 s,
and the time and acceleration text of each row compared as text where it must be the text first written.

The failures are real, made in a child process so that nothing else is touched:
* the rewrite's temporary copy is refused by a file-size limit (``RLIMIT_FSIZE``, as a quota refuses it) while
  the small continuation file still fits — this works as root too;
* the folder is made read-only, so neither the copy nor the continuation file can be made. Root ignores file
  modes, so as root the child runs as user ``nobody`` (65534) in a folder it owns: a real refusal either way.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import imu_gait
from imu_gait.io.native import NativeCsvWriter

ROOT = Path(__file__).resolve().parents[1]


def _rows(n: int, rate: float = 100.0):
    t = np.arange(n) / rate
    acc = np.column_stack([np.sin(t), np.cos(t), 9.81 + 0.1 * np.sin(3 * t)])
    gyro = np.column_stack([0.1 * np.sin(2 * t), 0.2 * np.cos(t), -0.05 * np.sin(t)])
    return t, acc, gyro


def _data_lines(path: Path) -> list[str]:
    lines = [l for l in path.read_text().splitlines() if not l.startswith("#")]
    return lines[1:]


def test_drop_gyro_rewrites_off_the_callers_thread_and_rows_written_meanwhile_follow_in_order(tmp_path):
    """An hour at 100 Hz with gyro (360 000 rows). drop_gyro(wait=False) — what the live session calls from its
    event loop — returns in under a fifth of the rewrite's own time (it rewrote the file before returning: 0.1–0.5 s
    per recorded hour with the loop stalled); rows written while the rewrite runs (10 every 2 ms, as a live
    session's blocks come) end up after the rewritten ones, in order, and the file reads as one acc-only recording
    with every row; the rows before keep their gyro beside it."""
    n_before = 360_000
    t, acc, gyro = _rows(n_before + 20_000)
    path = tmp_path / "walk.csv"
    # (a device name beyond ASCII: the rows since the drop are found past the continuation file's head by bytes)
    w = NativeCsvWriter(path, has_gyro=True, meta={"device": "Capteur dorsal – Émile"})
    for i in range(0, n_before, 50_000):
        j = min(i + 50_000, n_before)
        w.write(t[i:j], acc[i:j], gyro[i:j])
    w.flush()                       # (a live writer is flushed every 0.5 s: the drop's own flush is short)
    t0 = time.perf_counter()
    kept = w.drop_gyro({"gyro_stopped_s": f"{t[n_before - 1]:.3f}"}, wait=False)
    call_s = time.perf_counter() - t0
    k, during = n_before, 0
    while w.rewriting:
        w.write(t[k:k + 10], acc[k:k + 10])
        k += 10
        during += 10
        time.sleep(0.002)
    rewrite_s = time.perf_counter() - t0
    w.write(t[k:], acc[k:])
    w.close()
    print(f"\ndrop_gyro(wait=False) returned in {call_s * 1e3:.1f} ms; the rewrite took {rewrite_s:.3f} s; "
          f"{during} rows came meanwhile")
    assert call_s < rewrite_s / 5, (call_s, rewrite_s)
    assert during >= 10, "no row was written while the rewrite ran: the test proved nothing"
    assert w.problem is None and w.gyro_path == kept == tmp_path / "walk.with-gyro.csv"
    assert not (tmp_path / "walk.acc-only.csv").exists() and sorted(p.name for p in tmp_path.iterdir()) == [
        "walk.csv", "walk.with-gyro.csv"]
    rec = imu_gait.read(str(path))
    assert rec.gyro_rads is None and rec.n_samples == t.size and rec.meta["device"] == "Capteur dorsal – Émile"
    np.testing.assert_allclose(rec.time_s, t, atol=1e-9)
    np.testing.assert_allclose(rec.acc_mps2, acc, atol=1e-6)
    part = imu_gait.read(str(kept))
    assert part.n_samples == n_before
    np.testing.assert_allclose(part.gyro_rads, gyro[:n_before], atol=1e-6)


_CHILD = textwrap.dedent('''
    import json, os, resource, signal, sys, time
    import numpy as np
    from imu_gait.errors import RecordingError
    from imu_gait.io.native import NativeCsvWriter

    folder, how = sys.argv[1], sys.argv[2]
    t = np.arange(5000) / 100.0
    acc = np.column_stack([np.sin(t), np.cos(t), 9.81 + 0.1 * np.sin(3 * t)])
    gyro = np.column_stack([0.1 * np.sin(2 * t), 0.2 * np.cos(t), -0.05 * np.sin(t)])
    out = {}
    w = NativeCsvWriter(os.path.join(folder, "walk.csv"), has_gyro=True, meta={"device": "GaitIMU-T1"})
    w.retry_s = 0.05
    w.write(t[:4000], acc[:4000], gyro[:4000])
    w.flush()
    if how == "fsize":
        # files may grow to a third of walk.csv: its acc-only copy (over half of it) is refused (EFBIG), the
        # continuation file (1000 rows, a tenth) is not. SIGXFSZ ignored: the refusal is an OSError, not death
        size = os.path.getsize(os.path.join(folder, "walk.csv"))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size // 3, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
        out["limit"] = size // 3
    else:
        os.chmod(folder, 0o555)
    kept = w.drop_gyro({"gyro_stopped_s": "39.990"}, wait=False)
    out["kept"] = str(kept)
    w.write(t[4000:4500], acc[4000:4500])          # while the rewrite runs, or after it failed
    w.wait_rewrite()
    out["problem"] = w.problem
    w.write(t[4500:4700], acc[4500:4700])
    if how == "readonly_then_writable":
        os.chmod(folder, 0o755)
        time.sleep(0.1)                            # past retry_s: the next flush makes the file
        w.flush()
    w.write(t[4700:], acc[4700:])
    try:
        w.close()
    except RecordingError as exc:
        out["close_error"] = str(exc)
    out["gyro_path"] = str(w.gyro_path)
    out["continuation_path"] = str(w.continuation_path)
    print(json.dumps(out))
''')


def _run_child(folder: Path, how: str, *, user: int | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-c", _CHILD, str(folder), how], capture_output=True, text=True,
                         timeout=120, env=env, cwd=str(folder), user=user)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def _check_split(folder: Path, out: dict) -> None:
    """walk.csv: the 4000 rows before the drop, with gyro, as written; walk.acc-only.csv: the 1000 after, in order."""
    t, acc, gyro = _rows(5000)
    walk, cont = folder / "walk.csv", folder / "walk.acc-only.csv"
    assert out["gyro_path"] == str(walk) and out["continuation_path"] == str(cont)
    assert sorted(p.name for p in folder.iterdir()) == ["walk.acc-only.csv", "walk.csv"]   # no temp file, no copy
    before = imu_gait.read(str(walk))
    assert before.n_samples == 4000 and before.gyro_rads is not None and "gyro_stopped_s" not in before.meta
    np.testing.assert_allclose(before.time_s, t[:4000], atol=1e-9)
    np.testing.assert_allclose(before.gyro_rads, gyro[:4000], atol=1e-6)
    after = imu_gait.read(str(cont))
    assert after.gyro_rads is None and after.n_samples == 1000
    assert after.meta["continues"] == "walk.csv" and after.meta["device"] == "GaitIMU-T1"
    assert after.meta["gyro_stopped_s"] == "39.990"
    np.testing.assert_allclose(after.time_s, t[4000:], atol=1e-9)
    np.testing.assert_allclose(after.acc_mps2, acc[4000:], atol=1e-6)


def test_a_rewrite_refused_by_a_file_size_limit_goes_on_in_a_continuation_file(tmp_path):
    """The acc-only copy of walk.csv cannot be written (the file-size limit refuses it, as a quota or a nearly
    full disk would): the writer was left closed and every later sample was lost. Now walk.csv stays as it was
    (4000 rows with gyro), every later row goes to walk.acc-only.csv in order, no half-written file is left,
    and one message names both files, says what happened and what to do."""
    out = _run_child(tmp_path, "fsize")
    _check_split(tmp_path, out)
    assert (tmp_path / "walk.acc-only.csv").stat().st_size < out["limit"]       # (the limit let it through)
    msg = out["problem"]
    assert msg.startswith(f"{tmp_path / 'walk.csv'}: could not be rewritten without its gyro columns (OSError: "
                          "File too large). Nothing is lost")
    assert f"goes on in {tmp_path / 'walk.acc-only.csv'}" in msg and "What to do: keep both files" in msg
    assert "close_error" not in out and out["kept"] == str(tmp_path / "walk.with-gyro.csv")


def _owned_folder(tmp_path: Path) -> tuple[Path, int | None]:
    """A folder for the child, and the user to run it as: root ignores a read-only mode, so as root the child
    is user nobody (65534), in a world-traversable folder it owns."""
    if os.geteuid() != 0:
        return tmp_path, None
    folder = Path(tempfile.mkdtemp(prefix="imu_gait_ro_", dir="/tmp"))
    os.chown(folder, 65534, 65534)
    return folder, 65534


@pytest.mark.parametrize("how", ["readonly_then_writable", "readonly"])
def test_a_folder_that_takes_no_new_file_holds_rows_until_it_does(tmp_path, how):
    """The folder turns read-only before the drop: neither the acc-only copy nor the continuation file can be
    made. The rows after are held in memory, said once (naming the file and the folder), and written to
    walk.acc-only.csv, in order, as soon as the folder takes a file again — none lost. If it never does, close()
    says which file could not be made and how many samples were not saved (the analysis has them)."""
    folder, user = _owned_folder(tmp_path)
    try:
        out = _run_child(folder, how, user=user)
        msg = out["problem"]
        assert msg.startswith(f"{folder / 'walk.csv'}: could not be rewritten without its gyro columns "
                              "(PermissionError: Permission denied), and "
                              f"{folder / 'walk.acc-only.csv'} could not be made to go on in (PermissionError")
        assert "held in memory" in msg and f"as soon as {folder} takes a new file" in msg
        if how == "readonly_then_writable":
            assert "close_error" not in out
            _check_split(folder, out)
        else:
            assert out["close_error"] == (
                f"{folder / 'walk.acc-only.csv'}: could not be made (PermissionError: Permission denied), so the last "
                f"1000 samples of the recording (those after the angular rate ended) were not saved; "
                f"{folder / 'walk.csv'} holds the samples before\n  What to do: free disk space or make {folder} "
                "writable before the next recording; the live analysis and its reports include those samples")
            assert sorted(p.name for p in folder.iterdir()) == ["walk.csv"]
            assert imu_gait.read(str(folder / "walk.csv")).n_samples == 4000
    finally:
        if folder != tmp_path:
            os.chmod(folder, 0o755)
            shutil.rmtree(folder)


_LIVE_CHILD = textwrap.dedent('''
    import asyncio, io, json, os, sys
    from imu_gait.devices.emulated import Faults
    from imu_gait.devices.live import run_live, simulated_stream
    from imu_gait.devices.view import PlainView

    folder = sys.argv[1]

    class View(PlainView):
        """The folder turns read-only 3 s into the walk, before the gyroscope stops (~11 s), and writable at 18 s."""
        state = "writable"

        def update(self, session, upd):
            super().update(session, upd)
            if session.time_s >= 3.0 and self.state == "writable":
                os.chmod(folder, 0o555)
                self.state = "read-only"
            elif session.time_s >= 18.0 and self.state == "read-only":
                os.chmod(folder, 0o755)
                self.state = "writable again"

    out = io.StringIO()
    src = simulated_stream(speed=10, walk_s=60.0, seed=4,
                           faults=Faults(no_gyro_packets=frozenset(range(200, 10**6))))
    session, written = asyncio.run(asyncio.wait_for(run_live(
        src, view=View(file=out, every_s=1e9), duration_s=40.0, record=os.path.join(folder, "g.csv"),
        handle_signals=False), 120))
    print(json.dumps({"text": out.getvalue(), "written": [[w, str(p)] for w, p in written],
                      "samples": session.signal.samples, "lost": session.signal.lost_samples,
                      "warnings": session.result.warnings}))
''')


def test_a_live_session_whose_folder_turns_read_only_keeps_every_sample(tmp_path):
    """The live path end to end (emulated GaitIMU over bleak, the session, the plain view): its folder turns
    read-only before the gyroscope stops for good, so the recording can be neither rewritten without gyro
    columns nor continued in a new file. The walk goes on; the view says once what happened, naming the file and
    the folder; the rows are held and written to g.acc-only.csv once the folder is writable again (18 s): g.csv
    keeps the 2000 rows with gyro (10 s at 200 Hz), g.acc-only.csv every later one in order, none lost, and the
    files listed at the end say so."""
    pytest.importorskip("bumble")
    folder, user = _owned_folder(tmp_path)
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        res = subprocess.run([sys.executable, "-c", _LIVE_CHILD, str(folder)], capture_output=True, text=True,
                             timeout=180, env=env, cwd=str(folder), user=user)
        assert res.returncode == 0, res.stderr[-3000:]
        out = json.loads(res.stdout.strip().splitlines()[-1])
        walk, cont = folder / "g.csv", folder / "g.acc-only.csv"
        said = (f"{walk}: could not be rewritten without its gyro columns (PermissionError: Permission denied), and "
                f"{cont} could not be made to go on in (PermissionError: Permission denied): the samples since are "
                "held in memory")
        assert out["text"].count(said) == 1, out["text"]
        assert any(w.startswith(said) for w in out["warnings"])
        assert ["recording continued without angular rate", str(cont)] in out["written"]
        assert not any(w.startswith("recording with angular rate") for w, _ in out["written"])
        before, after = imu_gait.read(str(walk)), imu_gait.read(str(cont))
        assert before.has_gyro and before.n_samples == 2000
        assert not after.has_gyro and after.meta["continues"] == "g.csv"
        assert out["lost"] == 0 and before.n_samples + after.n_samples == out["samples"] >= 39 * 200
        assert after.time_s[0] > before.time_s[-1] and np.all(np.diff(after.time_s) > 0)
    finally:
        if folder != tmp_path:
            os.chmod(folder, 0o755)
            shutil.rmtree(folder)


def test_a_live_session_does_not_wait_for_the_rewrite_of_an_hours_recording(tmp_path):
    """The live session, an hour into a recorded walk (100 Hz, with gyro), hears that the gyroscope stopped (a
    Verity's Notice): handling that item — on the event loop that timestamps the sensor's packets — rewrote the
    whole file first (0.1–0.5 s per recorded hour). Now it returns in under a fifth of the rewrite's own time,
    the blocks after it are taken while the rewrite runs, and the recording ends as one acc-only file with every
    sample in order (times within 1e-6 s of those sent), the hour with gyro kept beside it."""
    import types

    from imu_gait.devices.link import Notice, SampleBlock
    from imu_gait.devices.live import LiveSession
    from imu_gait.synthetic import synthesize_walk

    walk, _ = synthesize_walk(60.0, 100.0, seed=2, stand_s=1.0, stand_end_s=1.0)
    n = walk.n_samples
    reps = 61                                            # an hour with gyro, then a minute after the stop
    t = (np.arange(n * reps) / 100.0)
    acc, gyro = np.tile(walk.acc_mps2, (reps, 1)), np.tile(walk.gyro_rads, (reps, 1))
    sess = LiveSession(types.SimpleNamespace(name="Polar Sense T1"), record=tmp_path / "v.csv")
    hour = 60 * n
    for i in range(0, hour, 3000):
        sess.process(SampleBlock(t[i:i + 3000], acc[i:i + 3000], gyro[i:i + 3000], i, 0))
    sess.writer.flush()
    t0 = time.perf_counter()
    sess.process(Notice(t[hour - 1], "gyro_stopped", "Polar Sense T1: its gyroscope stopped sending"))
    call_s = time.perf_counter() - t0
    i, during = hour, 0
    while sess.writer.rewriting and i < t.size:
        sess.process(SampleBlock(t[i:i + 10], acc[i:i + 10], None, i, 0))
        i, during = i + 10, during + 10
        time.sleep(0.002)
    rewrite_s = time.perf_counter() - t0
    sess.process(SampleBlock(t[i:], acc[i:], None, i, 0))
    sess.finish()
    print(f"\nthe gyro_stopped item took {call_s * 1e3:.1f} ms; the rewrite {rewrite_s:.3f} s; {during} samples "
          "came meanwhile")
    assert call_s < rewrite_s / 5, (call_s, rewrite_s)
    assert during >= 10, "no block came while the rewrite ran: the test proved nothing"
    saved = imu_gait.read(str(tmp_path / "v.csv"))
    assert not saved.has_gyro and saved.n_samples == t.size == sess.signal.samples
    np.testing.assert_allclose(saved.time_s, t, atol=1e-6)
    assert imu_gait.read(str(tmp_path / "v.with-gyro.csv")).n_samples == hour
    assert sess.gyro_record_path == tmp_path / "v.with-gyro.csv" and sess.continuation_path is None


def test_the_rewrite_writes_through_no_link_left_at_a_fixed_temporary_name(tmp_path):
    """The rewrite's temporary file had a fixed name ('.walk.csv.acc-only.tmp' beside it): a link left at that name
    (or another recorder's temporary of the same name in the folder) was opened for writing, so the text went into
    whatever the link pointed at, and the rename then put the link itself in place of the recording. Now the
    temporary file is made new under a name of its own: the file at the old name is left as it was, the recording
    is a plain file, acc-only and complete, with the permissions it had."""
    victim = tmp_path / "other_patient.csv"
    victim.write_text("KEEP ME\n")
    path = tmp_path / "walk.csv"
    (tmp_path / ".walk.csv.acc-only.tmp").symlink_to(victim)
    t, acc, gyro = _rows(500)
    w = NativeCsvWriter(path, has_gyro=True)
    w.write(t[:300], acc[:300], gyro[:300])
    os.chmod(path, 0o640)
    w.drop_gyro()
    w.write(t[300:], acc[300:])
    w.close()
    assert w.problem is None
    assert victim.read_text() == "KEEP ME\n"
    assert not path.is_symlink() and len(_data_lines(path)) == 500
    assert (path.stat().st_mode & 0o777) == 0o640
    assert imu_gait.read(path).gyro_rads is None
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [".walk.csv.acc-only.tmp", "other_patient.csv", "walk.csv", "walk.with-gyro.csv"], left
