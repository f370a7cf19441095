"""`imu-gait` command line: argument handling, user errors, and real end-to-end runs.

The end-to-end tests run the real reader and engine on bundled recordings from
``datasets/`` (mobgap HA/001 daily-living, Apache-2.0, with INDIP reference initial
contacts; an Oxford step-counter phone recording without gyro, CC BY 4.0) and check the
JSON contract, the steps CSV and the HTML report. They are skipped, with the reason, only
while the engine is not written yet.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import imu_gait
from imu_gait.cli import PROGRESS_ABOVE_S, analysis_context, build_parser, main, read_options
from imu_gait.result import STEP_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
DAILY = ROOT / "datasets" / "mobgap_HA001_daily.csv"
PHONE = ROOT / "datasets" / "oxford_Samsung_Dario_Hard_BackPocket_1.csv"
ANSI = re.compile(r"\x1b\[")


def _engine_missing_reason() -> str | None:
    if not DAILY.exists():
        return f"bundled recording {DAILY.name} not present"
    try:
        imu_gait.analyze(imu_gait.read(str(DAILY)))
    except NotImplementedError as exc:
        return f"analysis engine not written yet ({exc})"
    return None


@pytest.fixture(scope="module")
def engine_ready() -> None:
    reason = _engine_missing_reason()
    if reason:
        pytest.skip(reason)


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- arguments
def test_context_options_map_to_engine_keywords():
    args = build_parser().parse_args(["analyze", "f.csv", "--belt-speed-kmh", "5.4", "--incline", "3",
                                      "--sensor-height", "0.95", "--placement", "chest"])
    assert analysis_context(args) == {"treadmill": True, "belt_speed_mps": pytest.approx(1.5, abs=1e-12),
                                      "incline_pct": 3.0, "sensor_height_m": 0.95, "placement": "chest"}
    args = build_parser().parse_args(["analyze", "f.csv"])
    assert analysis_context(args) == {"treadmill": False}
    args = build_parser().parse_args(["analyze", "f.csv", "--treadmill", "--belt-speed", "1.25"])
    assert analysis_context(args) == {"treadmill": True, "belt_speed_mps": 1.25}
    args = build_parser().parse_args(["analyze", "f.csv", "--baseline", "120"])
    assert analysis_context(args) == {"treadmill": False, "baseline_s": 120.0}


def test_every_context_option_reads_back_as_itself_in_the_batch_options_column():
    """batch's 'options' column reads like a command line; a context keyword it had no name for came out as
    'baseline_s=60'. Every context option parses, maps to a keyword and reads back as the option typed."""
    from imu_gait.batch import options_text

    typed = ["--belt-speed", "1.25", "--incline", "3", "--max-incline", "6", "--sensor-height", "0.95",
             "--height", "1.72", "--baseline", "60", "--placement", "chest"]
    args = build_parser().parse_args(["analyze", "f.csv", *typed])
    words = options_text(analysis_context(args), {}).split()
    assert words[0] == "--treadmill"
    pairs = sorted(zip(words[1::2], words[2::2]))
    assert pairs == sorted(zip(typed[::2], typed[1::2])) and len(words) == len(typed) + 1


def test_a_schedule_file_reads_back_as_its_path_in_the_batch_options_column(tmp_path):
    """The options column showed '--treadmill-schedule [1 stage: 0:00 1.39 m/s …]', which no shell can run:
    a schedule read from a file is named by its path (quoted when it has spaces); one built in code is
    still described."""
    import shlex
    from imu_gait.batch import options_text
    from imu_gait.treadmill import TreadmillSchedule
    path = tmp_path / "my program.csv"
    path.write_text("time,belt_speed_kmh,incline_pct\n0:00,5.0,0\n5:00,5.5,2\n")
    args = build_parser().parse_args(["analyze", "f.csv", "--treadmill-schedule", str(path)])
    text = options_text(analysis_context(args), {})
    assert shlex.split(text)[-2:] == ["--treadmill-schedule", str(path)], text
    again = build_parser().parse_args(["analyze", "f.csv", *shlex.split(text)])
    a, b = analysis_context(again)["treadmill_schedule"], analysis_context(args)["treadmill_schedule"]
    np.testing.assert_array_equal(a.start_s, b.start_s)
    np.testing.assert_array_equal(a.belt_speed_mps, b.belt_speed_mps)
    built = TreadmillSchedule.from_stages([(0, 1.39, 0)])
    assert "[1 stage" in options_text({"treadmill_schedule": built}, {})


def test_reader_options_map_to_read_keywords():
    args = build_parser().parse_args(["analyze", "f.csv", "--time-col", "ts", "--time-unit", "ms",
                                      "--acc-cols", "ax, ay,az", "--acc-unit", "m/s^2", "--gyro-cols", "4,5,6",
                                      "--gyro-unit", "DPS", "--delimiter", "tab", "--skiprows", "2"])
    assert read_options(args) == {"time_col": "ts", "time_unit": "ms", "acc_cols": ["ax", "ay", "az"],
                                  "acc_unit": "m/s2", "gyro_cols": ["4", "5", "6"], "gyro_unit": "deg/s",
                                  "delimiter": "\t", "skiprows": 2}
    assert read_options(build_parser().parse_args(["analyze", "f.csv"])) == {}
    args = build_parser().parse_args(["analyze", "f.txt", "--time-unit", "samples", "--sample-rate", "100"])
    assert read_options(args) == {"time_unit": "samples", "sample_rate_hz": 100.0}


@pytest.mark.parametrize("bad", [["--belt-speed", "40"], ["--belt-speed", "1.2", "--belt-speed-kmh", "4"],
                                 ["--acc-cols", "x,y"], ["--acc-unit", "furlongs"], ["--placement", "wrist"],
                                 ["--incline", "abc"], ["--bogus"]])
def test_bad_options_exit_2_with_usage(bad, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["analyze", "f.csv", *bad])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and "error:" in err


@pytest.mark.parametrize("command", [["compare", "a.json"], ["batch", "x/"], ["score", "f.csv", "r.csv"],
                                     ["analyze", "f.csv"]])
def test_an_unknown_option_shows_the_commands_own_usage(command, capsys):
    """'compare a.json --bogus' printed the top level's usage (the list of commands), not compare's."""
    with pytest.raises(SystemExit) as exc:
        main([*command, "--bogus"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and f"usage: imu-gait {command[0]} " in err and "unrecognized arguments: --bogus" in err


@pytest.mark.parametrize("option, typed, says", [
    ("--height", "172", "in cm? 172 cm = 1.72 m"),
    ("--height", "5.9", "in feet? 5.9 ft = 1.80 m"),
    ("--sensor-height", "96", "in cm? 96 cm = 0.96 m"),
    ("--belt-speed", "15", "in km/h? --belt-speed-kmh 15 = 4.17 m/s"),
    ("--baseline", "3", "in minutes? 3 min = 180 s"),
    ("--height", "0.5", None),                      # no unit makes it a height: no guess offered
])
def test_a_number_out_of_range_names_the_unit_it_was_probably_typed_in(option, typed, says, capsys):
    """The range error said only '172 m is outside 1–2.5 m'; it now names the unit that fits."""
    with pytest.raises(SystemExit):
        main(["analyze", "f.csv", option, typed])
    err = capsys.readouterr().err
    assert "outside the plausible range" in err
    if says is None:
        assert "? " not in err.splitlines()[-1]
    else:
        assert says in err, err


def test_no_command_prints_help_and_exits_2(capsys):
    code, out, err = run([], capsys)
    assert code == 2 and "analyze" in err and out == ""


def test_reader_options_reach_the_real_reader(tmp_path):
    """A semicolon CSV in g with its own column names, read through the CLI's options."""
    t = np.arange(0, 10, 0.01)
    acc_g = np.column_stack([0.02 * np.sin(2 * np.pi * 1.8 * t), np.full_like(t, 1.0), np.zeros_like(t)])
    path = tmp_path / "odd.csv"
    with open(path, "w") as fh:
        fh.write("millis;AX;AY;AZ\n")
        for ti, a in zip(t, acc_g):
            fh.write(f"{ti * 1000:.0f};{a[0]:.5f};{a[1]:.5f};{a[2]:.5f}\n")
    args = build_parser().parse_args(["analyze", str(path), "--time-col", "millis", "--time-unit", "ms",
                                      "--acc-cols", "AX,AY,AZ", "--acc-unit", "g", "--delimiter", ";"])
    rec = imu_gait.read(args.file, **read_options(args))
    assert rec.duration_s == pytest.approx(9.99, abs=1e-6)
    np.testing.assert_allclose(rec.acc_mps2[:, 1], 9.80665, rtol=1e-6)          # g → m/s²
    assert rec.gyro_rads is None


# ---------------------------------------------------------------- user errors: message, no traceback, exit 2
def test_missing_file(tmp_path, capsys):
    code, out, err = run(["analyze", tmp_path / "nope.csv"], capsys)
    assert code == 2 and "nope.csv" in err and "no such file" in err and "Traceback" not in err


@pytest.mark.parametrize("content, words", [
    ("", "empty"),
    ("time_s,acc_x,acc_y,acc_z\n", "no data rows"),
    ("hello world\nthis is not a recording\n", "unknown recording format"),
])
def test_bad_recording_is_a_clear_error(tmp_path, capsys, content, words):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    code, out, err = run(["analyze", path], capsys)
    assert code == 2, err
    assert err.startswith("imu-gait: error: ") and "bad.csv" in err and "Traceback" not in err
    assert words in err.lower()


def test_the_acc_unit_advice_for_a_sensor_logger_folder_works_on_the_command_line(tmp_path, capsys):
    """Sensor Logger on iOS without 'standardised units' writes g. `analyze DIR` advises --acc-unit g; the
    same command with --acc-unit g was refused ('options describe a single CSV file, but this is a folder').
    It now analyses the walk, with the export's own reader (format sensorlogger). Since audit s34 #7 the export
    is also read without the option: the unit is told from gravity's size and converted, with a note."""
    import shutil

    d = tmp_path / "sl_in_g"
    shutil.copytree(Path(__file__).parent / "data" / "sensorlogger_ios", d)
    for name in ("Accelerometer.csv", "Gravity.csv"):
        table = pd.read_csv(d / name)
        table[["z", "y", "x"]] /= imu_gait.recording.G
        table.to_csv(d / name, index=False)
    code, out, err = run(["analyze", d, "--json", "-"], capsys)
    guessed = json.loads(out)
    assert code == 0 and any("→ read as g" in w for w in guessed["warnings"])
    code, out, err = run(["analyze", d, "--acc-unit", "g", "--json", "-"], capsys)
    assert code == 0, err
    assert json.loads(out)["summary"]["n_steps"] == guessed["summary"]["n_steps"] > 0


def test_unknown_format_hint_gives_the_command_line_options_first(tmp_path, capsys):
    """The hint listed the library's keywords (time_col=<…>, acc_cols=[x, y, z]) and the CLI flags only in
    parentheses at its end; a CLI user reads the flags (only), and a library caller still gets the
    keywords (after them; alone where only a library call can go wrong, an unknown keyword)."""
    path = tmp_path / "mystery.csv"
    path.write_text("a,b,c,d\n1,2,3,4\n")
    code, _, err = run(["analyze", path], capsys)
    assert code == 2 and "unknown recording format" in err
    hint = err.split("What to do:", 1)[1]
    for flag in ("--time-col", "--time-unit", "--sample-rate", "--acc-cols", "--acc-unit", "--gyro-cols",
                 "--gyro-unit", "--delimiter", "--skiprows"):
        assert flag in hint, flag
    # the keywords are the library's (the command line leaves them out since audit s34 #10)
    assert "time_col=" not in hint and "from Python" not in hint
    with pytest.raises(imu_gait.RecordingError) as exc:
        imu_gait.read(path)
    assert "from Python: imu_gait.read(path, time_col=" in str(exc.value)
    with pytest.raises(imu_gait.RecordingError) as exc:
        imu_gait.read(path, acc_units="g")
    assert "unknown reader option(s): acc_units" in str(exc.value) and "acc_unit=m/s2|g|mg" in str(exc.value)
    assert "--" not in str(exc.value).split("What to do:", 1)[1]


def test_batch_refuses_a_table_named_as_a_recording_it_was_given(tmp_path, capsys):
    """'batch walk.csv --out walk.csv' left the file out of the recordings and said 'no recordings found';
    it is refused by name, the recording untouched."""
    rec = tmp_path / "walk.csv"
    rec.write_text("time_s,acc_x,acc_y,acc_z\n0,0,0,9.81\n")
    for opt in ("--out", "--flags-csv"):
        argv = ["batch", rec, opt, rec] + ([] if opt == "--out" else ["--out", tmp_path / "t.csv"])
        code, _, err = run(argv, capsys)
        assert code == 2 and f"{opt} {rec}: that is one of the recordings given; refusing to overwrite it" in err
    assert rec.read_text() == "time_s,acc_x,acc_y,acc_z\n0,0,0,9.81\n"


def test_a_single_sample_is_named_as_such(tmp_path, capsys):
    rec = tmp_path / "one.csv"
    rec.write_text("time_s,acc_x,acc_y,acc_z\n0,0,0,9.81\n")
    code, _, err = run(["analyze", rec], capsys)
    assert code == 2 and "the recording holds a single sample" in err      # (it said 'lasts 0.0 s')


def test_output_problems_are_refused_before_analysis(tmp_path, capsys):
    rec = tmp_path / "r.csv"
    rec.write_text("time_s,acc_x,acc_y,acc_z\n0,0,0,9.81\n")
    code, _, err = run(["analyze", rec, "--report", tmp_path / "missing_dir" / "r.html"], capsys)
    assert code == 2 and "does not exist" in err
    code, _, err = run(["analyze", rec, "--json", rec], capsys)
    assert code == 2 and "refusing to overwrite" in err
    assert rec.read_text() == "time_s,acc_x,acc_y,acc_z\n0,0,0,9.81\n"


@pytest.mark.parametrize("opt, target, words", [
    ("--flags-csv", "r.marks.csv", "symptom-marks file read beside the recording"),
    ("--steps-csv", "r.treadmill.csv", "treadmill schedule read beside the recording"),
    ("--days-csv", "diary.csv", "symptom-marks file"),            # given with --marks
    ("--bouts-csv", "program.csv", "treadmill schedule"),          # given with --treadmill-schedule
])
def test_outputs_never_overwrite_what_the_analysis_reads(tmp_path, capsys, opt, target, words):
    """`analyze walk.csv --flags-csv walk.marks.csv` wrote the flags over the pain diary (the next analyze
    then failed reading flags as marks); a steps CSV over walk.treadmill.csv lost the belt speeds a live
    session saved. Every file the command reads — and the sidecar names, which it would read next time —
    is refused as an output, before the analysis."""
    rec = tmp_path / "r.csv"
    rec.write_text("time_s,acc_x,acc_y,acc_z\n0,0,0,9.81\n")
    files = {"r.marks.csv": "time,pain\n0:08,5\n", "diary.csv": "time,pain\n0:09,4\n",
             "program.csv": "time,belt_speed_kmh\n0:00,4.5\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    code, _, err = run(["analyze", rec, "--marks", tmp_path / "diary.csv", "--treadmill-schedule",
                        tmp_path / "program.csv", opt, tmp_path / target] if target in ("diary.csv", "program.csv")
                       else ["analyze", rec, opt, tmp_path / target], capsys)
    assert code == 2 and words in err and "refusing to overwrite" in err, err
    for name, text in files.items():
        assert (tmp_path / name).read_text() == text
    assert not (tmp_path / "r.treadmill.csv").exists()


@pytest.mark.parametrize("command, opt, name, advice", [
    ("analyze", "--report", "walk.pdf", "print it to PDF"),
    ("analyze", "--report", "walk.png", "holds the plots"),
    ("analyze", "--steps-csv", "steps.xlsx", "Excel and LibreOffice open the CSV"),
    ("analyze", "--json", "result.csv", "give a name ending .json"),
    ("batch", "--out", "summary.json", "give a name ending .csv"),
    ("compare", "--report", "progress.pdf", "print it to PDF"),
    ("live", "--report", "walk.pdf", "print it to PDF"),
    ("live", "--record", "walk.json", "give a name ending .csv"),
])
def test_an_output_named_as_another_kind_of_file_is_refused(tmp_path, capsys, command, opt, name, advice):
    """'--report walk.pdf' wrote the HTML page into walk.pdf, which a PDF viewer then refused (and
    '--steps-csv steps.xlsx' a CSV that Excel calls corrupt): an ending that names another kind of file
    is refused before any analysis or connection, saying what the option writes and what to do."""
    rec = ROOT / "datasets" / "mobgap_HA001_walk1.csv"
    argv = {"analyze": ["analyze", rec], "batch": ["batch", rec], "compare": ["compare", rec, rec],
            "live": ["live", "--simulate", "--no-keys"]}[command] + [opt, tmp_path / name]
    code, out, err = run(argv, capsys)
    assert code == 2 and "Traceback" not in err
    assert err.startswith(f"imu-gait: error: {opt} {tmp_path / name}: {opt} writes "), err
    assert f"not a {Path(name).suffix} file" in err and "What to do:" in err and advice in err
    assert not list(tmp_path.iterdir())                  # refused before anything was written


def test_output_names_of_the_right_kind_or_unknown_endings_are_taken(tmp_path, capsys):
    """The check reads only endings that name another kind of file: upper case, .htm, no ending or an
    ending of the user's own ('.out') are written as given."""
    rec = ROOT / "datasets" / "mobgap_HA001_walk1.csv"
    code, _, err = run(["analyze", rec, "-q", "--report", tmp_path / "a.HTML", "--json", tmp_path / "a.out",
                        "--steps-csv", tmp_path / "steps"], capsys)
    assert code == 0, err
    assert (tmp_path / "a.HTML").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert json.loads((tmp_path / "a.out").read_text())["summary"]["n_steps"] > 0
    assert (tmp_path / "steps").read_text().startswith("time_s,")


@pytest.fixture(scope="module")
def short_walk(tmp_path_factory):
    from imu_gait.io.native import write_native
    from imu_gait.synthetic import synthesize_walk

    rec, _ = synthesize_walk(duration_s=40.0, seed=5)
    path = tmp_path_factory.mktemp("short") / "walk.csv"
    write_native(path, rec)
    return path


UNWRITABLE = Path("/proc/imu_gait_test/out")      # a folder that exists to os.path but takes no files
needs_proc = pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux /proc")


@needs_proc
@pytest.mark.parametrize("opt, ext", [("--json", "json"), ("--steps-csv", "csv"), ("--report", "html")])
def test_unwritable_output_is_a_clear_error(short_walk, capsys, monkeypatch, opt, ext):
    """An output the system refuses is the project's error naming the option and the path — found
    before the analysis by the probe, and after it (probe skipped, as when a disk fills meanwhile)
    by the write itself."""
    target = Path("/proc") / f"x.{ext}"
    for probe in (True, False):
        if not probe:
            monkeypatch.setattr("imu_gait.cli.probe_writable", lambda opt, path: None)
        code, out, err = run(["analyze", short_walk, "-q", opt, target], capsys)
        assert code == 2 and "Traceback" not in err
        assert err.startswith(f"imu-gait: error: {opt} {target}: could not write it"), err


def test_read_only_output_file_is_a_clear_error(short_walk, tmp_path, capsys):
    if os.geteuid() == 0:
        pytest.skip("root writes read-only files")
    ro = tmp_path / "ro.json"
    ro.write_text("{}")
    ro.chmod(0o444)
    code, out, err = run(["analyze", short_walk, "-q", "--json", ro], capsys)
    assert code == 2 and "Traceback" not in err and str(ro) in err and ro.read_text() == "{}"


@needs_proc
def test_unwritable_batch_and_compare_outputs_are_clear_errors(short_walk, tmp_path, capsys):
    for argv, opt in ((["batch", short_walk, "--out", "/proc/t.csv"], "--out"),
                      (["batch", short_walk, "--out", tmp_path / "t.csv", "--json-dir", "/proc/jj"], "--json-dir"),
                      (["compare", short_walk, short_walk, "--report", "/proc/c.html"], "--report"),
                      (["compare", short_walk, short_walk, "--out", "/proc/c.csv"], "--out")):
        code, out, err = run(argv, capsys)
        assert code == 2 and "Traceback" not in err and f"{opt} /proc/" in err and "could not write" in err, err
    assert not list(tmp_path.iterdir())                 # the probes leave nothing behind


def test_a_probe_leaves_existing_and_new_outputs_untouched(tmp_path):
    from imu_gait.cli import probe_writable

    old = tmp_path / "old.json"
    old.write_text("kept")
    probe_writable("--json", str(old))
    probe_writable("--json", str(tmp_path / "new.json"))
    assert old.read_text() == "kept" and sorted(p.name for p in tmp_path.iterdir()) == ["old.json"]


def test_a_probe_does_not_make_an_output_removed_after_its_look(tmp_path, monkeypatch):
    """probe_writable looked whether the output existed, then opened it for appending: a file removed in between
    (another run tidying the folder, a user deleting it) was made again as a stray empty file, left behind if the
    run then failed. Now an existing output is opened without creating it; one gone since is probed as new."""
    import os

    from imu_gait import cli

    old = tmp_path / "old.json"
    old.write_text("kept")
    os.utime(old, (1_000_000, 1_000_000))
    cli.probe_writable("--json", str(old))
    assert old.read_text() == "kept" and old.stat().st_mtime == 1_000_000
    gone = tmp_path / "gone.json"
    real_exists = os.path.exists
    monkeypatch.setattr(cli.os.path, "exists", lambda p: True if str(p) == str(gone) else real_exists(p))
    cli.probe_writable("--json", str(gone))
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.json"]


def test_live_commands_registered_or_clearly_unavailable(capsys):
    """With imu_gait.devices.cli_live its commands are registered; without it they say so (exit 2)."""
    from imu_gait.cli import _not_available

    try:
        import imu_gait.devices.cli_live  # noqa: F401
        have_live = True
    except ImportError:
        have_live = False
    for cmd in ("live", "scan", "simulate"):
        if have_live:
            with pytest.raises(SystemExit) as exc:
                main([cmd, "--help"])
            assert exc.value.code == 0 and "not available" not in capsys.readouterr().out
        else:
            code, out, err = run([cmd, "--device", "x"], capsys)
            assert code == 2 and "not available" in err and "Traceback" not in err
    # the fallback handler itself: message on stderr, exit code 2
    assert _not_available("live", "no Bluetooth support")(None) == 2
    err = capsys.readouterr().err
    assert "'live' is not available: no Bluetooth support" in err and "imu-gait analyze FILE" in err


def test_console_script_and_module_entry_point(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "imu_gait", "analyze", str(tmp_path / "x.csv")],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 2 and "no such file" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "imu_gait", "--version"], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0 and imu_gait.__version__ in proc.stdout


def test_help_does_not_load_the_analysis_stack(tmp_path):
    """`imu-gait --help` (and `live --help`) answer without importing pandas, scipy.signal or bleak:
    those took ~0.9 s of a 1-s `--help`. The public names still resolve on first use."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = ("import sys, contextlib, io\n"
            "from imu_gait.cli import main\n"
            "for argv in (['--help'], ['analyze', '--help'], ['live', '--help']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "        main(argv)\n"
            "print(sorted(m for m in ('pandas', 'scipy.signal', 'bleak') if m in sys.modules))\n"
            "import imu_gait, imu_gait.devices\n"
            "from imu_gait import analyze, read\n"
            "from imu_gait.devices import open_stream, ReplaySource\n"
            "print(analyze.__module__, read.__module__, open_stream.__module__, ReplaySource.__module__)\n"
            "print(sorted(set(imu_gait.__all__) - set(dir(imu_gait))), "
            "sorted(set(imu_gait.devices.__all__) - set(dir(imu_gait.devices))))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    loaded, modules, missing = proc.stdout.splitlines()
    assert loaded == "[]"
    assert modules.split() == ["imu_gait.engine", "imu_gait.io.detect", "imu_gait.devices.link", "imu_gait.devices.replay"]
    assert missing == "[] []"
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        imu_gait.nonexistent


# ---------------------------------------------------------------- real end-to-end runs
@pytest.fixture(scope="module")
def daily_run(engine_ready, tmp_path_factory):
    out = tmp_path_factory.mktemp("daily")
    paths = {"json": out / "r.json", "csv": out / "steps.csv", "html": out / "report.html"}
    proc = subprocess.run([sys.executable, "-m", "imu_gait", "analyze", str(DAILY), "--json", str(paths["json"]),
                           "--steps-csv", str(paths["csv"]), "--report", str(paths["html"])],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    return proc, paths


def test_daily_summary_printed(daily_run):
    proc, paths = daily_run
    assert proc.returncode == 0, proc.stderr
    out = " ".join(proc.stdout.split())
    assert not ANSI.search(proc.stdout)                       # piped: plain text
    assert "mobgap_HA001_daily.csv" in out and "lower back" in out and "Gyroscope yes" in out
    assert "Key metrics" in out and "Cadence" in out
    assert "not a diagnosis" in out and "bladder or bowel" in out
    for what in ("JSON", "steps CSV", "HTML report"):
        assert f"Wrote {what}" in proc.stderr


def test_daily_json_contract(daily_run):
    proc, paths = daily_run
    data = json.loads(paths["json"].read_text())
    ref = json.loads(DAILY.with_suffix(".ref.json").read_text())
    steps, summary = data["steps"], data["summary"]
    assert summary["n_steps"] == len(steps) > 0
    assert summary["duration_s"] == pytest.approx(ref["duration_s"], abs=0.02)
    assert 70 <= summary["cadence_spm"] <= 140                 # walking cadence of a healthy adult
    t = np.array([s["time_s"] for s in steps])
    assert np.all(np.diff(t) > 0) and 0 <= t[0] and t[-1] <= ref["duration_s"]
    # time_s are initial contacts on the recording's own axis: most INDIP reference ICs have a
    # detected step within ±0.25 s (the engine's own tests hold it to F1 ≥ 0.95)
    ref_ic = np.array(ref["ic_times_s"])
    nearest = np.min(np.abs(ref_ic[:, None] - t[None, :]), axis=1)
    assert np.mean(nearest <= 0.25) >= 0.8
    for f in data["flags"]:
        assert {"id", "start_s", "end_s", "message"} <= set(f) and f["start_s"] <= f["end_s"]


def test_outputs_say_which_version_made_them(daily_run, tmp_path, capsys):
    """The installed package's version (its metadata) is what --version prints, what the JSON
    result carries (an extra top-level key, as the contract allows) and a batch table column."""
    from importlib.metadata import version

    installed = version("imu_gait")
    assert imu_gait.__version__ == installed
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.split() == ["imu-gait", installed]
    proc, paths = daily_run
    data = json.loads(paths["json"].read_text())
    assert data["imu_gait_version"] == installed
    assert {"steps", "summary", "flags"} <= set(data)          # the contract's keys are still there
    table = tmp_path / "t.csv"
    main(["batch", str(DAILY), "--out", str(table), "-q"])
    rows = pd.read_csv(table, dtype=str)
    assert list(rows["imu_gait_version"]) == [installed]


def test_daily_steps_csv(daily_run):
    proc, paths = daily_run
    data = json.loads(paths["json"].read_text())
    csv = pd.read_csv(paths["csv"])
    assert list(csv.columns[:len(STEP_COLUMNS)]) == list(STEP_COLUMNS)
    assert len(csv) == data["summary"]["n_steps"]
    np.testing.assert_allclose(csv["time_s"], [s["time_s"] for s in data["steps"]], atol=1e-4)
    # the steps the summary's twist and sway leave out, marked in both (a gyro recording)
    assert csv["turning"].dtype == bool and 0 < csv["turning"].sum() < len(csv)
    assert [s["turning"] for s in data["steps"]] == csv["turning"].tolist()


def test_daily_html_report(daily_run):
    proc, paths = daily_run
    page = paths["html"].read_text(encoding="utf-8")
    no_data = re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]*", "data:", page)
    assert "http" not in no_data.lower() and "<script" not in page.lower() and "<link" not in page.lower()
    assert re.findall(r"data-plot='([\w-]+)'><svg", page) == ["metrics-over-time", "flag-timeline", "step-scatter"]
    assert "mobgap_HA001_daily.csv" in page and "numbness or tingling" in page


def test_json_to_stdout_and_quiet(engine_ready, capsys, tmp_path):
    code, out, err = run(["analyze", DAILY, "--json", "-"], capsys)
    assert code == 0 and json.loads(out)["summary"]["n_steps"] > 0
    code, out, err = run(["analyze", DAILY, "--quiet", "--steps-csv", tmp_path / "s.csv"], capsys)
    assert code == 0 and out == "" and err == "" and (tmp_path / "s.csv").exists()


def test_phone_without_gyro_says_so(engine_ready, capsys):
    code, out, err = run(["analyze", PHONE], capsys)
    assert code == 0, err
    flat = " ".join(out.split())
    assert "no (accelerometer only)" in flat and "needs a gyroscope" in flat


def test_treadmill_context_reaches_the_result(engine_ready, tmp_path, capsys):
    code, out, err = run(["analyze", DAILY, "--belt-speed-kmh", "3.6", "--json", tmp_path / "r.json", "-q"], capsys)
    assert code == 0, err
    steps = json.loads((tmp_path / "r.json").read_text())["steps"]
    # with a belt speed the step length is exact: 1.0 m/s × step time
    pairs = [(s["step_length_m"], s["step_time_s"]) for s in steps
             if s.get("step_length_m") is not None and s.get("step_time_s") is not None]
    assert pairs and all(abs(sl - 1.0 * st) < 1e-6 for sl, st in pairs)


def test_baseline_option_sets_how_much_of_the_start_is_the_personal_baseline(engine_ready, tmp_path, capsys):
    """Synthetic truth: bounce 3.5 → 7 cm from 70 s of a 7-min walk. With the default 3-min baseline the
    bouncy walking is most of the baseline, so nothing stands out; '--baseline 60' compares with the first
    minute (3.5 cm) and flags the bounce from when it rose."""
    from imu_gait.io.native import write_native
    from imu_gait.synthetic import synthesize_walk

    rec, _ = synthesize_walk(420.0, seed=3, segments=[(70.0, {"bounce_cm": 7.0})])
    path = tmp_path / "walk.csv"
    write_native(path, rec)
    flags = {}
    for extra in ([], ["--baseline", "60"]):
        code, out, err = run(["analyze", path, "--json", tmp_path / "r.json", "-q", *extra], capsys)
        assert code == 0, err
        data = json.loads((tmp_path / "r.json").read_text())
        assert data["summary"]["baseline_s"] == (float(extra[1]) if extra else 180.0)
        flags[bool(extra)] = data["flags"]
    assert not any(f["id"] == "vertical_bounce" for f in flags[False])
    (bounce,) = [f for f in flags[True] if f["id"] == "vertical_bounce"]
    assert 65.0 <= bounce["start_s"] <= 80.0                          # truth: 70 s (ramped over 3 s)
    assert bounce["reference"] == pytest.approx(3.5, abs=0.5)          # the first minute's bounce (truth 3.5 cm)


def test_a_plain_table_is_analysed_and_the_summary_says_how_it_was_read(engine_ready, tmp_path, capsys):
    """A headerless 'Unix s, acc g, gyro deg/s' export (skdh's AX6 example) analysed with no options: exit 0,
    and the notes say which column was taken for what, with the command that reads it so."""
    sample = ROOT / "tests" / "data" / "skdh_examples" / "example_data_30s.csv"
    code, out, err = run(["analyze", sample, "--json", tmp_path / "r.json"], capsys)
    assert code == 0, err
    flat = " ".join(out.split())
    assert "plain table (no header, 7 columns of numbers): read as time = column 0 (s)" in flat
    assert "--acc-cols 1,2,3 --acc-unit g --gyro-cols 4,5,6 --gyro-unit deg/s" in flat
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["warnings"][0].startswith("not a format imu_gait knows by name, but a plain table")


@pytest.fixture(scope="module")
def bounce_twice_csv(engine_ready, tmp_path_factory):
    """A 340-s synthetic walk whose bounce goes 3.5 → 7 cm for a minute twice (from 100 and 220 s)."""
    from imu_gait.io.native import write_native
    from imu_gait.synthetic import synthesize_walk

    segments = [(100.0, {"bounce_cm": 7.0}), (160.0, {"bounce_cm": 3.5}),
                (220.0, {"bounce_cm": 7.0}), (280.0, {"bounce_cm": 3.5})]
    rec, _ = synthesize_walk(340.0, 100.0, seed=8, segments=segments)
    path = tmp_path_factory.mktemp("bounce") / "bounce_twice.csv"
    write_native(path, rec)
    return path


def test_flags_csv_has_a_row_per_flag_with_its_evidence(bounce_twice_csv, tmp_path, capsys):
    """'--flags-csv': the flags of the JSON, one row each, for a spreadsheet — when (on the recording's axis,
    and as m:ss), how strong, the metric against its reference, cause and advice. Truth: two bouncy minutes
    from 100 s and 220 s (baseline: the first minute)."""
    from imu_gait.report.flags_csv import FLAG_CSV_COLUMNS

    code, out, err = run(["analyze", bounce_twice_csv, "--baseline", "60", "--json", tmp_path / "r.json",
                          "--flags-csv", tmp_path / "flags.csv", "-q"], capsys)
    assert code == 0, err
    flags = json.loads((tmp_path / "r.json").read_text())["flags"]
    table = pd.read_csv(tmp_path / "flags.csv")
    assert list(table.columns) == list(FLAG_CSV_COLUMNS)
    assert list(table["id"]) == [f["id"] for f in flags] == ["vertical_bounce", "vertical_bounce"]
    for (_, row), f, truth in zip(table.iterrows(), flags, (100.0, 220.0)):
        assert row["start_s"] == pytest.approx(f["start_s"], abs=1e-3) and abs(row["start_s"] - truth) <= 5.0
        assert row["duration_s"] == pytest.approx(f["end_s"] - f["start_s"], abs=2e-3)
        assert row["start_mmss"] == f"{int(round(row['start_s'])) // 60}:{int(round(row['start_s'])) % 60:02d}"
        assert (row["message"], row["cause"], row["advice"], row["severity"]) == (f["message"], f["cause"],
                                                                                 f["advice"], f["severity"])
        assert row["title"] == "Vertical bounce / hard landings" and row["reference_kind"] == "baseline"
        assert row["value"] > row["threshold"] > row["reference"]              # the evidence, in cm
    code, out, err = run(["analyze", DAILY, "--flags-csv", "-", "-q"], capsys)   # no flags: the header alone
    assert code == 0 and out.splitlines() == [",".join(FLAG_CSV_COLUMNS)]
    code, out, err = run(["analyze", DAILY, "--flags-csv", tmp_path / "flags.xlsx"], capsys)
    assert code == 2 and "--flags-csv" in err and "CSV table" in err


def test_progress_threshold_is_a_few_minutes():
    assert 60.0 <= PROGRESS_ABOVE_S <= 300.0


# ---------------------------------------------------------------- synthetic truth through the CLI
@pytest.fixture(scope="module")
def synthetic_csv(engine_ready, tmp_path_factory):
    """A 4-minute synthetic walk (cadence 110 spm, bounce 3.5 cm, twist 10°) in the native format."""
    from imu_gait.io.native import write_native
    from imu_gait.synthetic import synthesize_walk

    rec, truth = synthesize_walk(duration_s=240.0, seed=3)
    path = tmp_path_factory.mktemp("syn") / "walk.csv"
    write_native(path, rec)
    return path, truth


def test_synthetic_walk_outputs_match_truth(synthetic_csv, tmp_path, capsys):
    path, truth = synthetic_csv
    code, out, err = run(["analyze", path, "--json", tmp_path / "r.json", "--steps-csv", tmp_path / "s.csv",
                          "--report", tmp_path / "r.html"], capsys)
    assert code == 0, err
    data = json.loads((tmp_path / "r.json").read_text())
    t = np.array([s["time_s"] for s in data["steps"]])
    ic = np.asarray(truth.ic_times_s)
    # every true initial contact has exactly one reported step within 50 ms (engine: ≤ 15 ms here)
    nearest = np.min(np.abs(ic[:, None] - t[None, :]), axis=1)
    assert len(t) == len(ic) and np.all(nearest <= 0.05)
    assert data["summary"]["cadence_spm"] == pytest.approx(110.0, abs=1.0)          # ±1 spm
    csv = pd.read_csv(tmp_path / "s.csv")
    assert csv["vertical_oscillation_cm"].median() == pytest.approx(3.5, abs=0.5)   # ±0.5 cm
    assert csv["trunk_twist_deg"].median() == pytest.approx(10.0, abs=2.0)          # ±2°
    # the printed summary shows the same medians as the CSV
    assert f"{csv['cadence_spm'].median():.0f} spm" in out
    assert f"{csv['vertical_oscillation_cm'].median():.1f} cm" in out
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert f"{len(t)} steps in 1 bout" in page


def test_progress_bar_path_gives_the_same_result(synthetic_csv):
    from imu_gait.cli import _analyze_with_progress

    path, _ = synthetic_csv
    rec = imu_gait.read(str(path))
    assert rec.duration_s > PROGRESS_ABOVE_S
    fractions = []
    with_bar = _analyze_with_progress(rec, {}, show=True)
    plain = imu_gait.analyze(rec, progress=fractions.append)
    assert fractions and fractions[-1] == pytest.approx(1.0) and np.all(np.diff(fractions) >= 0)
    pd.testing.assert_frame_equal(with_bar.steps, plain.steps)


def test_still_recording_gives_no_walking_outputs(engine_ready, tmp_path, capsys):
    from imu_gait.io.native import write_native
    from imu_gait.recording import Recording

    t = np.arange(0, 60, 0.01)
    acc = np.array([0.3, 9.7, 0.5]) + np.random.default_rng(0).normal(0, 0.02, (t.size, 3))
    path = tmp_path / "still.csv"
    write_native(path, Recording(t, acc, None, {"placement": "chest"}))
    code, out, err = run(["analyze", path, "--json", tmp_path / "r.json", "--steps-csv", tmp_path / "s.csv",
                          "--report", tmp_path / "r.html"], capsys)
    assert code == 0, err
    assert "No walking found" in out and "Key metrics" not in out
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["n_steps"] == 0
    assert (tmp_path / "s.csv").read_text().strip() == ",".join(STEP_COLUMNS)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "No walking found" in page and "<svg" not in page


@pytest.mark.parametrize("sample", ["phyphox_with_g.zip", "sensorlogger_ios"])
def test_phone_exports_analyse_end_to_end(engine_ready, sample, tmp_path, capsys):
    path = ROOT / "tests" / "data" / sample
    if not path.exists():
        pytest.skip(f"sample export {sample} not present")
    code, out, err = run(["analyze", path, "--json", tmp_path / "r.json", "--steps-csv", tmp_path / "s.csv",
                          "--report", tmp_path / "r.html"], capsys)
    assert code == 0, err
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["summary"]["n_steps"] == len(pd.read_csv(tmp_path / "s.csv")) > 0
    assert sample in out and "<svg" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_steps_csv_to_stdout_and_one_stdout_output_only(engine_ready, capsys):
    code, out, err = run(["analyze", DAILY, "--steps-csv", "-"], capsys)
    assert code == 0 and out.splitlines()[0] == ",".join([*STEP_COLUMNS, "turning"])     # (a gyro recording)
    n = imu_gait.analyze(imu_gait.read(str(DAILY))).summary["n_steps"]
    assert len(out.splitlines()) == n + 1
    code, out, err = run(["analyze", DAILY, "--steps-csv", "-", "--json", "-"], capsys)
    assert code == 2 and "only one output can go to stdout" in err


def test_placement_pocket_limits_the_rules_to_step_timing(capsys, tmp_path):
    out = tmp_path / "r.json"
    code = main(["analyze", str(PHONE), "--placement", "pocket", "--json", str(out), "-q"])
    assert code == 0
    res = json.loads(out.read_text())
    assert res["summary"]["placement"] == "pocket"
    assert res["summary"]["n_steps"] > 50
    assert {f["id"] for f in res["flags"]} <= {"pace_too_fast"}       # only the step-timing rule is judged
    assert any("not on the trunk" in n and "'pocket'" in n for n in res["summary"]["flag_notes"])
    main(["analyze", str(PHONE), "--placement", "pocket"])
    text = " ".join(capsys.readouterr().out.split())
    assert "How the flags were judged" in text and "only the step-timing rule" in text


def _exponent_case(tmp_path: Path, case: str) -> tuple[Path, list[str], int, str]:
    """(recording, extra options, line, column) with '1e732524990764' written into one number cell."""
    huge = "1e732524990764"
    if case == "sensorlogger":
        folder = tmp_path / "export"
        import shutil

        shutil.copytree(ROOT / "tests" / "data" / "sensorlogger_ios", folder)
        lines = (folder / "Gravity.csv").read_text().splitlines()
        cells = lines[9].split(",")
        lines[9] = ",".join([cells[0][:7] + "e" + cells[0][8:]] + cells[1:])    # as the fuzzer's insert did
        (folder / "Gravity.csv").write_text("\n".join(lines) + "\n")
        return folder, [], 10, "time"
    lines = (ROOT / "tests" / "data" / "source_walk.csv").read_text().splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith("time_s")) + 5       # the 5th data row
    cells = lines[k].split(",")
    cells[2] = huge                                                                      # acc_y
    lines[k] = ",".join(cells)
    path = tmp_path / ("walk.csv" if case == "native" else "walk.txt")
    if case == "native":
        path.write_text("\n".join(lines) + "\n")
        return path, [], k + 1, "acc_y"
    body = [line for line in lines if not line.startswith("#")]
    path.write_text("\n".join(body) + "\n")
    return path, ["--time-col", "time_s", "--time-unit", "s", "--acc-cols", "acc_x,acc_y,acc_z", "--acc-unit",
                  "m/s2"], k + 1 - (len(lines) - len(body)), "acc_y"


@pytest.mark.parametrize("case", ["native", "sensorlogger", "generic"])
def test_an_exponent_past_2_31_is_a_bad_value_not_a_crash(tmp_path, case):
    """pandas < 3 — 2.3.3 is the newest for Python 3.10 — crashed the interpreter (SIGSEGV) on an exponent of
    2**31 or more in a number cell: found by benchmarks/fuzz_readers.py run on 3.10 (a Sensor Logger time
    '1710697e732524990764'). Such a file is a bad value named like any other, on every Python (CI runs this
    file on 3.10 too). In a subprocess, so that a crash fails this test and not the whole run."""
    path, options, line, column = _exponent_case(tmp_path, case)
    proc = subprocess.run([sys.executable, "-m", "imu_gait", "analyze", str(path), "-q", *options],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-1500:])
    assert "Traceback" not in proc.stderr and f"line {line}, column {column!r}" in proc.stderr, proc.stderr
    assert "is not a finite number" in proc.stderr and "What to do:" in proc.stderr


def test_read_csv_safely_takes_the_legacy_parser_only_for_a_huge_exponent(monkeypatch):
    """The guard itself, on any pandas: told it is on a pandas that crashes, a huge exponent is read by the
    legacy parser (the cell stays text, for the readers to name); an ordinary file keeps the precise one."""
    import io

    from imu_gait.io import _common

    calls = []
    real = pd.read_csv
    monkeypatch.setattr(_common, "PANDAS_EXPONENT_CRASH", True)
    monkeypatch.setattr(_common.pd, "read_csv", lambda src, **kw: calls.append(kw.get("float_precision")) or real(src, **kw))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # (pandas 3 deprecates float_precision: it never takes this path)
        df = _common.read_csv_safely(io.StringIO("a,b\n1,2\n1e2147483648,3\n"))
    # pandas 2 keeps the cell as text, pandas 3 reads it as inf: either way not a finite number, named later
    a = np.array([float(x) for x in df["a"]])          # (pandas 2's to_numeric would crash on it: to_numbers)
    assert calls == ["legacy"] and a[0] == 1.0 and not np.isfinite(a[1])
    assert _common.read_csv_safely(io.StringIO("a,b\n1.5e3,2\n"))["a"].tolist() == [1500.0] and calls[-1] is None
    cells = pd.Series(["1.5", "1e2147483648", "x"], dtype=object)
    assert np.isnan(_common.to_numbers(cells).to_numpy(float)[1:]).all() and _common.to_numbers(cells)[0] == 1.5


def test_batch_lists_a_spreadsheet_among_csvs_as_not_analysed_with_the_csv_hint(tmp_path, capsys):
    """A physio's folder with an .xlsx beside a Sensor Logger zip said '1 of 2 recordings analysed', the xlsx
    skipped unsaid (audit s34 #1). Truth: it is a row of its own, not analysed, saying how to get a CSV; the
    zip is analysed as before; exit 1 (a recording failed)."""
    import shutil
    import zipfile

    folder = tmp_path / "client"
    folder.mkdir()
    shutil.copy(Path(__file__).parent / "data" / "sensorlogger_android.zip", folder)
    with zipfile.ZipFile(folder / "week1.xlsx", "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    table = tmp_path / "summary.csv"
    code, _, err = run(["batch", folder, "--out", table], capsys)
    rows = pd.read_csv(table).set_index("recording")
    assert code == 1 and "1 of 2 recordings analysed" in err
    row = rows.loc[str(folder / "week1.xlsx")]
    assert row["status"] == "error" and "spreadsheet workbook" in row["error"]
    assert "Export data → CSV" in row["error"] and "Export data → CSV" in err
    assert rows.loc[str(folder / "sensorlogger_android.zip"), "status"] == "ok"


def test_a_belt_speed_in_km_h_typed_into_the_m_s_option_is_said_first_and_its_steps_not_shown(capsys):
    """'--belt-speed 5' (km/h meant) gave 'Step length 3.01 m … from the belt speed' and 'Walking speed 5.00 m/s'
    as measurements, the doubt last under the notes (audit s34 #3). 5 m/s is a real running speed, so the option
    is not refused; but the real walk (source_walk.csv, ~100 steps/min, 0.4–0.6-m steps) cannot take 3-m steps.
    Truth: the doubt comes before the metrics, with the option to use and the number as typed; step length and
    speed are not shown as numbers; a plausible belt speed (1.1 m/s) still shows them, with no doubt."""
    data = Path(__file__).parent / "data"
    code, out, _ = run(["analyze", data / "source_walk.csv", "--belt-speed", "5"], capsys)
    assert code == 0
    head = out.index("Check the belt speed")
    assert head < out.index("Key metrics") and head < out.index("Walking\n")
    assert re.search(r"--belt-speed-kmh 5\b", out) and "3.01-m steps" in out and "belt_speed_mps=" not in out
    rows = {line.split()[0] + " " + line.split()[1]: line for line in out.splitlines() if line.strip().startswith(
        ("Step length", "Walking speed"))}
    assert set(rows) == {"Step length", "Walking speed"}
    assert all("—" in r and "not shown" in r for r in rows.values()) and "3.01 m " not in out
    assert out.count("3.01-m steps") == 1                  # said once, at the top (not again under the notes)
    code, out, _ = run(["analyze", data / "source_walk.csv", "--belt-speed", "1.1"], capsys)
    assert "Check the belt speed" not in out and re.search(r"Step length\s+0\.\d\d m", out)


def test_a_file_in_g_and_deg_s_names_both_units_in_one_error(tmp_path, capsys):
    """A native file (no unit guessing) in g and deg/s: the error named the acceleration's unit only, the gyroscope's
    came on the next run (audit s34 #7). Truth: one error, both options, and the run with both works."""
    rec = imu_gait.read(Path(__file__).parent / "data" / "source_walk.csv")
    path = tmp_path / "in_g_deg.csv"
    imu_gait.io.write_native(path, imu_gait.Recording(rec.time_s, rec.acc_mps2 / imu_gait.recording.G,
                                                      np.degrees(rec.gyro_rads), meta={"device": "test"}))
    code, _, err = run(["analyze", path], capsys)
    assert code == 2 and "pass --acc-unit g --gyro-unit deg/s" in err and "reader for this logger" not in err
    code, out, _ = run(["analyze", path, "--acc-unit", "g", "--gyro-unit", "deg/s"], capsys)
    assert code == 0 and "Steps" in out


def test_analyse_is_analyze_and_typos_get_a_short_did_you_mean(capsys):
    """'imu-gait analyse' (the help's own spelling) was an invalid choice; '--belt-sped-kmh 5' printed the 18-line
    usage block before 'unrecognized arguments'; '5,0' was only 'not a number' (audit s34 #8). Truth: the alias
    analyses the walk (21 steps, as analyze); the typo's error is 2 lines naming the option meant; the comma
    number says to write the decimal point."""
    walk = Path(__file__).parent / "data" / "source_walk.csv"
    code, out, _ = run(["analyse", walk, "--json", "-", "-q"], capsys)
    assert code == 0 and json.loads(out)["summary"]["n_steps"] == 21
    for argv, meant in ((["analyze", walk, "--belt-sped-kmh", "5"], "--belt-speed-kmh"),
                        (["compare", "a.json", "b.json", "--labelz", "a,b"], "--labels"),
                        (["analyz", walk], "analyze")):
        with pytest.raises(SystemExit) as exc:
            main([str(a) for a in argv])
        err = capsys.readouterr().err
        assert exc.value.code == 2 and f"(did you mean {meant}" in err and len(err.strip().splitlines()) == 2, err
    with pytest.raises(SystemExit):
        main(["analyze", str(walk), "--belt-speed-kmh", "5,0"])
    assert "'5,0' is not a number: write the decimal point as '.', e.g. 5.0" in capsys.readouterr().err


def test_help_states_the_placement_default_and_what_treadmill_and_incline_change(capsys):
    """Help-text gaps (audit s34 #13): --placement gave no default and did not describe lower_back; --treadmill said
    only 'walking on a treadmill'; '--incline 4' alone gave a Context of 'incline 4 %' with no treadmill; score's
    help listed options that change only the flags or days. Truth: each is said; --incline implies the treadmill
    (context, and the treadmill flag rules: the summary's 'treadmill' true); score has no --incline, --max-incline,
    --baseline, --valid-day-hours, compare no --valid-day-hours — and both still run with the rest."""
    import io
    from contextlib import redirect_stdout

    def help_of(command: str) -> str:
        buf = io.StringIO()
        with redirect_stdout(buf), pytest.raises(SystemExit):
            main([command, "--help"])
        return " ".join(buf.getvalue().split())
    analyze = help_of("analyze")
    assert "default: as the file says, else 'unknown'" in analyze and "'lower_back' for a sensor" in analyze
    assert "holding the rails is then flagged on less evidence" in analyze and "(implies --treadmill)" in analyze
    score, compare = help_of("score"), help_of("compare")
    for gone in ("--incline PCT", "--max-incline PCT", "--baseline S", "--valid-day-hours H"):   # (the options)
        assert gone not in score
    assert "--valid-day-hours H" not in compare and "--max-incline PCT" in compare
    walk = Path(__file__).parent / "data" / "source_walk.csv"
    code, out, _ = run(["analyze", walk, "--incline", "4"], capsys)
    assert code == 0 and re.search(r"Context\s+treadmill, incline 4 %", out)
    assert analysis_context(build_parser().parse_args(["analyze", "f.csv", "--incline", "4"]))["treadmill"] is True
    assert analysis_context(build_parser().parse_args(["score", "f.csv", "r.csv", "--belt-speed", "1.2"])) == {
        "treadmill": True, "belt_speed_mps": 1.2}


def test_no_bluetooth_is_said_in_plain_words():
    """No Bluetooth printed "Bluetooth is not usable: FileNotFoundError(2, 'No such file or directory')." — a Python
    repr that did not say whether there was no adapter or it was off (audit s34 #10). Truth: each cause in words,
    no exception class name, the --simulate hint kept."""
    pytest.importorskip("bleak")
    from bleak.exc import BleakBluetoothNotAvailableError, BleakBluetoothNotAvailableReason as Why

    from imu_gait.devices.link import _no_bluetooth

    for exc, said in ((FileNotFoundError(2, "No such file or directory"), "no Bluetooth service found on this computer"),
                      (BleakBluetoothNotAvailableError("No powered Bluetooth adapters found. Turn on Bluetooth and "
                                                       "try again.", Why.POWERED_OFF), "Bluetooth is switched off"),
                      (BleakBluetoothNotAvailableError("No Bluetooth adapters found.", Why.NO_BLUETOOTH),
                       "no Bluetooth adapter found on this computer")):
        msg = str(_no_bluetooth(exc))
        assert msg.startswith(said) and "Error" not in msg and "--simulate" in msg, msg


def test_command_line_notes_name_the_options_not_the_python_keywords(capsys):
    """The terminal summary said '--sensor-height / sensor_height_m=, … --belt-speed-kmh / belt_speed_mps=' to a
    command-line user (audit s34 #10). Truth: the options stay, the keywords go — in the summary of a real phone
    export and in an error; the library's own text keeps both."""
    from imu_gait.errors import command_line_words

    code, out, _ = run(["analyze", Path(__file__).parent / "data" / "sensorlogger_android.zip"], capsys)
    assert code == 0 and "--sensor-height" in out and "--belt-speed-kmh" in out
    assert "sensor_height_m=" not in out and "belt_speed_mps=" not in out
    res = imu_gait.analyze(imu_gait.read(Path(__file__).parent / "data" / "sensorlogger_android.zip"))
    assert any("--sensor-height / sensor_height_m=" in w for w in res.warnings)
    assert command_line_words("give --belt-speed-kmh 5 (from Python: belt_speed_mps=5 / 3.6 (m/s)); step") == \
        "give --belt-speed-kmh 5; step"


def test_each_commands_help_names_only_options_it_has():
    """'imu-gait score --help' said --treadmill is implied by --incline and the schedule is given instead of
    --incline, and 'imu-gait simulate --help' put --speed, --sim-sensor and --sim-gait under '--simulate:' /
    '--simulate/--replay' — options those commands do not have (docs audit s36 F8). Every option an option's
    help names is one of that command's (or, said as 'analyze --x', another command's)."""
    import argparse

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert {"analyze", "batch", "compare", "score", "live", "simulate", "scan"} <= set(sub.choices)
    wrong = []
    for name, parser in sub.choices.items():
        options = {o for a in parser._actions for o in a.option_strings}
        for action in parser._actions:
            named = re.findall(r"(?<!analyze )(?<![\w-])(--[a-z][a-z0-9-]*)", action.help or "")
            wrong += [(name, action.option_strings[0], o) for o in named if o not in options]
    assert not wrong, wrong


def test_the_json_says_which_commit_of_a_git_checkout_made_it(tmp_path):
    """imu_gait_version is the release's number: every commit of a development checkout wrote the same, so a
    researcher could not tell which code made a result. Run from a git checkout, the JSON also carries the commit
    (``imu_gait_source``, git describe: HEAD's 12-hex abbreviation in it); from a copy that is no git checkout, or
    with no git on the PATH, it is null and the analysis runs as ever."""
    import shutil

    from imu_gait.synthetic import synthesize_walk
    from imu_gait.io.native import write_native

    package_root = Path(imu_gait.__file__).resolve().parents[1]
    rec, _ = synthesize_walk(20.0, seed=1)
    walk = tmp_path / "walk.csv"
    write_native(walk, rec)
    script = ("import json, sys, imu_gait; from imu_gait.cli import main; "
              "assert main(['analyze', sys.argv[1], '-q', '--json', sys.argv[2]]) == 0; "
              "print(json.load(open(sys.argv[2]))['imu_gait_source'])")

    def source_in_json(code_root: Path, path_env: str | None = None) -> str:
        env = {**os.environ, "PYTHONPATH": str(code_root)}
        if path_env is not None:
            env["PATH"] = path_env
        done = subprocess.run([sys.executable, "-c", script, str(walk), str(tmp_path / "out.json")], env=env,
                              cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    git = shutil.which("git")
    if git is None or not (package_root / ".git").exists():
        pytest.skip("not run from a git checkout")
    head = subprocess.run([git, "-C", str(package_root), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    assert head in source_in_json(package_root)
    assert source_in_json(package_root, path_env=str(tmp_path / "no-git-here")) == "None"
    copy = tmp_path / "copy"
    shutil.copytree(package_root / "imu_gait", copy / "imu_gait", ignore=shutil.ignore_patterns("__pycache__"))
    assert source_in_json(copy) == "None"


def test_imu_gait_source_names_the_packages_checkout_inside_a_git_hook(tmp_path, monkeypatch):
    """Inside a git hook (or any tool exporting GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_CONFIG_*), git describe
    described that other repository — here a data folder, whose commit was written as imu_gait_source — and took
    its config, whose core.fsmonitor hook it ran. Truth: the package checkout's own HEAD (12 hex) in the answer,
    the data folder's commit not, and its hook never started."""
    import shutil

    from imu_gait._source_commit import source_commit

    git = shutil.which("git")
    package_root = Path(imu_gait.__file__).resolve().parents[1]
    if git is None or not (package_root / ".git").exists():
        pytest.skip("not run from a git checkout")
    head = subprocess.run([git, "-C", str(package_root), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    data = tmp_path / "data"
    data.mkdir()
    (data / "walk.csv").write_text("t_s,ax_g\n")
    ident = ["-c", "user.name=t", "-c", "user.email=t@t"]
    for args in (["init", "-q"], ["add", "walk.csv"], [*ident, "commit", "-q", "-m", "data"]):
        subprocess.run([git, "-C", str(data), *args], check=True, capture_output=True)
    data_head = subprocess.run([git, "-C", str(data), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                               text=True, check=True).stdout.strip()
    ran = tmp_path / "hook-ran"
    hook = tmp_path / "fsmonitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch '{ran}'\n")
    hook.chmod(0o755)
    subprocess.run([git, "-C", str(data), "config", "core.fsmonitor", str(hook)], check=True)
    monkeypatch.chdir(data)
    monkeypatch.setenv("GIT_DIR", str(data / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(data))
    monkeypatch.setenv("GIT_INDEX_FILE", str(data / ".git" / "index"))
    got = source_commit.__wrapped__()          # (uncached: asked afresh under this environment)
    assert got is not None and head in got and data_head not in got, (got, head, data_head)
    assert not ran.exists()
