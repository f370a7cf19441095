"""imu_gait used as a library, as a researcher or an app developer would: misuse gets a clear
ImuGaitError (not a numpy/pandas traceback, not a silently wrong answer), the lazy package still
behaves like a plain one, and the README's library snippets run as written."""
from __future__ import annotations

import ast
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import imu_gait
from imu_gait import GaitEngine, ImuGaitError, Recording, RecordingError, TreadmillSchedule
from imu_gait.synthetic import synthesize_walk

ROOT = Path(__file__).resolve().parents[1]
WALK = ROOT / "datasets" / "mobgap_HA001_walk1.csv"


@pytest.fixture(scope="module")
def rec():
    return imu_gait.read(WALK)


@pytest.fixture(scope="module")
def walk():
    return synthesize_walk(20, seed=3)[0]


# ---------------------------------------------------------------- analyze's context
@pytest.mark.parametrize("kwargs, words", [
    ({"body_height_m": 175}, "body_height_m=175"),              # cm: the walk came out at 10 m/s
    ({"sensor_height_m": 95}, "sensor_height_m=95"),            # cm: 9.5 m/s
    ({"sensor_height_m": 0}, "sensor_height_m=0"),              # silently the default
    ({"belt_speed_mps": -1.3}, "belt_speed_mps=-1.3"),          # silently ignored
    ({"belt_speed_mps": float("nan")}, "belt_speed_mps=nan"),   # silently ignored
    ({"belt_speed_mps": 50}, "0.1–12 m/s"),
    ({"belt_speed_mps": "1.3"}, "must be a number"),
    ({"incline_pct": 300}, "incline_pct=300"),
    ({"incline_pct": "5"}, "must be a number"),                 # silently ignored
    ({"max_incline_pct": "8"}, "must be a number"),             # TypeError deep in the rules
    ({"baseline_s": -5}, "baseline_s"),
    ({"baseline_s": 10}, "baseline_s=10 is under the shortest personal baseline, 60 s"),   # blamed the walk
    ({"chunk_s": -1}, "chunk_s"),                               # silently 0 steps
    ({"chunk_s": 0}, "chunk_s"),                                # 'Maximum allowed size exceeded'
    ({"progress": 5}, "progress"),
    ({"placement": 42}, "placement"),
    ({"placement": "pockt"}, "not understood"),                 # silently a trunk sensor
    ({"treadmill_schedule": [(0, 1.2, 0)]}, "TreadmillSchedule.from_stages"),   # AttributeError
    ({"treadmill_schedule": "program.csv"}, "read_schedule"),
])
def test_analyze_refuses_context_that_cannot_be_right(rec, kwargs, words):
    with pytest.raises(ImuGaitError, match=re.escape(words)):
        imu_gait.analyze(rec, **kwargs)


def test_analyze_refuses_what_is_not_a_recording(rec):
    with pytest.raises(ImuGaitError, match=r"imu_gait\.read\(path\)"):
        imu_gait.analyze(str(WALK))
    with pytest.raises(ImuGaitError, match="Recording"):
        imu_gait.analyze(rec.acc_mps2)


def test_read_refuses_what_is_not_a_path_and_takes_columns_as_on_the_command_line(tmp_path):
    """read() given an open file said '<_io.TextIOWrapper …>: no such file or folder'; a column list given as
    'ax,ay,az' was taken character by character ('acc_cols needs 3 columns, got 8')."""
    with open(WALK) as fh, pytest.raises(ImuGaitError, match=re.escape(f"pass its name: imu_gait.read({str(WALK)!r})")):
        imu_gait.read(fh)
    for what in (None, np.zeros((10, 4))):
        with pytest.raises(ImuGaitError, match="read\\(\\) takes a path"):
            imu_gait.read(what)
    assert imu_gait.read(str(WALK).encode()).n_samples == imu_gait.read(WALK).n_samples      # bytes: a path
    w = synthesize_walk(20, seed=3)[0]
    path = tmp_path / "t.csv"
    np.savetxt(path, np.column_stack([w.time_s, w.acc_mps2, w.gyro_rads]), delimiter=",",
               header="t,ax,ay,az,gx,gy,gz", comments="")
    as_text = imu_gait.read(path, time_col="t", time_unit="s", acc_cols="ax, ay,az", acc_unit="m/s2",
                            gyro_cols="gx,gy,gz", gyro_unit="rad/s")
    as_list = imu_gait.read(path, time_col="t", time_unit="s", acc_cols=["ax", "ay", "az"], acc_unit="m/s2",
                            gyro_cols=["gx", "gy", "gz"], gyro_unit="rad/s")
    np.testing.assert_array_equal(as_text.acc_mps2, as_list.acc_mps2)
    np.testing.assert_array_equal(as_text.gyro_rads, as_list.gyro_rads)


def test_summary_has_the_same_keys_whether_context_is_given_or_not(walk):
    """The summary promises the same keys for every recording: body_height_m and belt_speed_mps were
    there only when given (None now when not)."""
    plain = imu_gait.analyze(walk).summary
    assert plain["body_height_m"] is None and plain["belt_speed_mps"] is None and plain["incline_pct"] is None
    for ctx in ({"body_height_m": 1.7}, {"belt_speed_mps": 1.2, "incline_pct": 3}, {"max_incline_pct": 8}):
        assert set(imu_gait.analyze(walk, **ctx).summary) == set(plain), ctx


@pytest.mark.parametrize("call, suggestion", [
    (lambda r: imu_gait.analyze(r, belt_speed=1.3), "belt_speed_mps"),
    (lambda r: imu_gait.analyze(r, belt_speed_kmh=5), "km/h ÷ 3.6"),
    (lambda r: imu_gait.analyze(r, height_m=1.7), "body_height_m"),
    (lambda r: GaitEngine(fs=100), "fs_hz"),
    (lambda r: GaitEngine(100).set_treadmill(incline=3), "incline_pct"),
])
def test_a_typo_in_a_keyword_names_the_right_one(rec, call, suggestion):
    with pytest.raises(ImuGaitError, match=re.escape(suggestion)) as info:
        call(rec)
    assert isinstance(info.value, TypeError)       # what Python raised before: `except TypeError` still works


def test_schedule_and_fixed_speed_is_an_imu_gait_error(rec):
    sched = TreadmillSchedule.from_stages([(0, 1.2, 0)])
    with pytest.raises(ImuGaitError, match="not both") as info:
        imu_gait.analyze(rec, belt_speed_mps=1.2, treadmill_schedule=sched)
    assert isinstance(info.value, ValueError)


def test_valid_context_still_analyses(rec):
    res = imu_gait.analyze(rec, belt_speed_mps=1.3, incline_pct=2, max_incline_pct=8, body_height_m=1.75,
                           placement="lower_back", baseline_s=60, chunk_s=2.5, progress=lambda f: None)
    assert res.summary["n_steps"] > 5 and res.summary["walking_speed_mps"] == pytest.approx(1.3)
    assert imu_gait.analyze(rec, placement="chest").summary["placement_kind"] == "chest"
    # the range's ends as a unit conversion lands on them: the CLI's --belt-speed-kmh 0.36 and 43.2
    for kmh in (0.36, 43.2):
        assert imu_gait.analyze(rec, belt_speed_mps=kmh / 3.6).summary["treadmill"] is True


# ---------------------------------------------------------------- GaitEngine fed by an app
def _engine_error(walk, feed, **kw) -> str:
    eng = GaitEngine(walk.sample_rate_hz, has_gyro=kw.pop("has_gyro", True), **kw)
    with pytest.raises(ImuGaitError) as info:
        feed(eng, walk.time_s, walk.acc_mps2, walk.gyro_rads)
    return str(info.value)


def _nan_acc(e, t, a, g):
    a = a.copy()
    a[50] = np.nan
    e.feed(t, a, g)


def _nan_time(e, t, a, g):
    t = t.copy()
    t[50] = np.nan
    e.feed(t, a, g)


@pytest.mark.parametrize("feed, words", [
    (lambda e, t, a, g: e.feed(t[:10], a[:10].T, g[:10]), "transposed"),          # silently garbage
    (lambda e, t, a, g: e.feed(t[:10], a[:10, :2], g[:10]), "(10, 3)"),
    (lambda e, t, a, g: e.feed(t[:10], a[:10], g[:8]), "gyro_rads has shape (8, 3)"),
    (_nan_acc, "NaN"),                              # one NaN sample: silently no steps in the whole walk
    (_nan_time, "NaN"),
    (lambda e, t, a, g: (e.feed(t[500:], a[500:], g[500:]), e.feed(t[:500], a[:500], g[:500])),
     "increase across calls"),                     # silently fewer steps
    (lambda e, t, a, g: (e.feed(t[:600], a[:600], g[:600]), e.feed(t[599:], a[599:], g[599:])),
     "increase across calls"),                     # an overlapping packet
    (lambda e, t, a, g: e.feed(t[::-1], a[::-1], g[::-1]), "increase strictly"),
    (lambda e, t, a, g: (e.feed(t[:600], a[:600], g[:600]), e.finish(), e.feed(t[600:], a[600:], g[600:])),
     "after finish()"),                            # silently went on
    (lambda e, t, a, g: e.feed(t, a), "has_gyro=True"),
])
def test_engine_refuses_misfed_samples(walk, feed, words):
    assert words in _engine_error(walk, feed)


@pytest.mark.parametrize("acc_factor, gyro_factor, words", [
    (1 / 9.80665, 1.0, "looks like g, not m/s²"),              # silently no steps
    (1000 / 9.80665, 1.0, "where m/s² with gravity reads ≈ 9.8"),   # mg
    (1.0, 180 / np.pi, "looks like deg/s"),                    # silently wrong twist, fewer steps
])
@pytest.mark.parametrize("chunk", [50, None])
def test_engine_refuses_fed_data_in_the_wrong_unit(walk, acc_factor, gyro_factor, words, chunk):
    """Judged on the first 5 s of acceleration (60 s of angular rate: a walk often starts standing
    still, which looks the same in any unit), or at finish() for a shorter recording."""
    eng = GaitEngine(walk.sample_rate_hz, has_gyro=True)
    t, a, g = walk.time_s, walk.acc_mps2 * acc_factor, walk.gyro_rads * gyro_factor
    with pytest.raises(ImuGaitError, match=re.escape(words)):
        if chunk is None:          # 3 s of walking only: judged at finish()
            eng.feed(t[800:1100], a[800:1100], g[800:1100])
        else:                      # the whole 20-s walk in 0.5-s chunks
            for i in range(0, t.size, chunk):
                eng.feed(t[i:i + chunk], a[i:i + chunk], g[i:i + chunk])
        eng.finish()
    right = GaitEngine(walk.sample_rate_hz, has_gyro=True)     # the same walk in the right units: fine
    right.feed(t[:300], walk.acc_mps2[:300], walk.gyro_rads[:300])
    right.finish()


@pytest.mark.parametrize("value, seen_by_s", [(-2.0 * 9.80665, 5.5), (0.0, 9.0)])
def test_engine_names_a_stuck_axis_not_a_unit(value, seen_by_s):
    """A Polar H10's Z fixed at −2000 mG (Polar SDK issue #634) fed live was refused mid-walk as 'give
    acceleration in m/s²' (gravity's size 21.9) (found by review). The walk starts with 5 s standing: held
    at −2 g the axis is named at the 5-s unit check (it read one value throughout while the others changed),
    held at 0 g (gravity's size plausible) once the walk has moved the other axes for 2 s."""
    from imu_gait.errors import ArgumentError, StuckAxisError
    rec, _ = synthesize_walk(20, 100, seed=4, gyro=False, mount_euler_deg=(0, 90, 0))   # z horizontal
    acc = rec.acc_mps2.copy()
    acc[:, 2] = value
    eng = GaitEngine(rec.sample_rate_hz, has_gyro=False)
    fed_to = None
    with pytest.raises(ArgumentError, match=r"the z axis read exactly .*stuck, not in another unit.*#634.*re-seat") as e:
        for i in range(0, rec.n_samples, 50):
            fed_to = rec.time_s[min(i + 49, rec.n_samples - 1)]
            eng.feed(rec.time_s[i:i + 50], acc[i:i + 50])
        eng.finish()
    assert isinstance(e.value, StuckAxisError) and fed_to <= seen_by_s
    assert "give acceleration in m/s²" not in str(e.value)


def test_engine_refuses_gyro_it_would_ignore(walk):
    assert "has_gyro=False" in _engine_error(walk, lambda e, t, a, g: e.feed(t, a, g), has_gyro=False)


@pytest.mark.parametrize("kwargs", [{"fs_hz": 0}, {"fs_hz": -100}, {"fs_hz": "100"}, {"body_height_m": 172},
                                    {"belt_speed_mps": 0}])
def test_engine_refuses_impossible_settings(kwargs):
    with pytest.raises(ImuGaitError):
        GaitEngine(**kwargs)


def test_engine_takes_single_samples_and_matches_analyze(walk):
    eng = GaitEngine(walk.sample_rate_hz, has_gyro=True)
    for i in range(walk.n_samples):
        if i % 2:      # a single sample as flat (3,) rows: what a per-notification sensor delivers
            eng.feed(walk.time_s[i], walk.acc_mps2[i], walk.gyro_rads[i])
        else:
            eng.feed(walk.time_s[i:i + 1], walk.acc_mps2[i:i + 1], walk.gyro_rads[i:i + 1])
    streamed, offline = eng.finish(), imu_gait.analyze(walk)
    assert len(streamed.steps) == len(offline.steps) > 20
    assert np.allclose(streamed.steps["time_s"], offline.steps["time_s"], atol=1e-3)
    assert eng.finish().steps.equals(streamed.steps)          # finish again: the same result


# ---------------------------------------------------------------- Recording from your own arrays
def test_recording_from_arrays_tolerates_meta_none(walk):
    res = imu_gait.analyze(Recording(walk.time_s, walk.acc_mps2, walk.gyro_rads, meta=None))
    assert res.summary["n_steps"] > 20                    # was AttributeError: 'NoneType' … 'get'


@pytest.mark.parametrize("make, words", [
    (lambda w: Recording(1.0, w.acc_mps2), "expected time (N,)"),                                 # IndexError
    (lambda w: Recording(np.datetime64("2026-01-01") + (w.time_s * 1e3).astype("timedelta64[ms]"), w.acc_mps2),
     "timedelta64"),                                                                              # '0.1 Hz'
    (lambda w: Recording(w.time_s, np.array([["x", "y", "z"]] * w.n_samples, dtype=object)), "acc_mps2"),
    (lambda w: Recording(w.time_s, w.acc_mps2 / 9.80665), "acc_mps2 in m/s²"),   # the hint named only --acc-unit
])
def test_recording_refusals_speak_to_a_python_caller(walk, make, words):
    with pytest.raises(RecordingError) as info:
        imu_gait.analyze(make(walk))
    assert words in str(info.value)


# ---------------------------------------------------------------- the lazy package
def test_dir_lists_the_api_and_not_the_module_helpers():
    names = dir(imu_gait)
    assert set(imu_gait.__all__) <= set(names)
    assert not {"importlib", "annotations", "TYPE_CHECKING", "sys"} & set(names)


def test_a_misspelt_name_suggests_the_right_one():
    with pytest.raises(AttributeError) as info:
        imu_gait.analyse  # noqa: B018
    assert info.value.name == "analyse" and info.value.obj is imu_gait    # what Python's suggestion uses
    out = subprocess.run([sys.executable, "-c", "import imu_gait; imu_gait.analyse"], capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    assert "Did you mean: 'analyze'?" in out.stderr


def test_type_checkers_do_not_see_the_lazy_getattr():
    """A module-level __getattr__ visible to mypy/pyright makes *every* name valid: `imu_gait.analyse(rec)`
    passed type checking and IDE linting silently. They see the TYPE_CHECKING imports instead."""
    for init in ("imu_gait/__init__.py", "imu_gait/devices/__init__.py"):
        tree = ast.parse((ROOT / init).read_text(encoding="utf-8"))
        top = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
        top += [ast.unparse(t) for n in tree.body if isinstance(n, ast.Assign) for t in n.targets]
        assert not any("__getattr__" in name for name in top), init
        guarded = [n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"]
        assert any("__getattr__" in ast.unparse(t) for g in guarded for a in g.orelse if isinstance(a, ast.Assign)
                   for t in a.targets), init


def test_star_import_and_help_in_a_fresh_interpreter():
    code = ("from imu_gait import *\nimport imu_gait, pydoc\n"
            "missing = [n for n in imu_gait.__all__ if n not in globals()]\n"
            "text = pydoc.render_doc(imu_gait, renderer=pydoc.plaintext)\n"
            # (Python 3.13's pydoc puts a long signature's parameters one per line)
            "import re\n"
            "print(missing, bool(re.search(r'analyze\\(\\s*recording', text)), 'class GaitEngine' in text,"
            " 'PEP 562' in text)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.stdout.split() == ["[]", "True", "True", "True"], out.stderr[-2000:]


# ---------------------------------------------------------------- docstrings
@pytest.mark.parametrize("name", imu_gait.__all__)
def test_every_public_name_has_a_docstring(name):
    obj = getattr(imu_gait, name)
    assert (obj.__doc__ or "").strip()
    for attr in ("n_samples", "duration_s", "has_gyro", "sample_rate_hz", "source", "is_validated"):
        assert (getattr(Recording, attr).__doc__ or "").strip(), attr
    assert "start_s" in imu_gait.Flag.__doc__ and "bouts" in imu_gait.AnalysisResult.__doc__


# ---------------------------------------------------------------- the README
def test_readme_library_snippets_run_as_written(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### As a library"):text.index("## What it measures")]
    code = "\n".join(re.findall(r"```python\n(.*?)```", section, re.S))
    assert "imu_gait.read(\"walk.csv\")" in code and "GaitEngine" in code
    shutil.copy(WALK, tmp_path / "walk.csv")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert (tmp_path / "walk.json").exists() and "body_height_m=172" in out.stdout


def test_readme_names_real_flag_fields():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"list of Flag\((.*?)\)", text, re.S).group(1)
    fields = {f.strip(" #\n") for f in listed.replace("\n", ",").split(",") if f.strip(" #\n")}
    assert fields <= set(imu_gait.Flag.__dataclass_fields__), fields - set(imu_gait.Flag.__dataclass_fields__)


def test_an_impossible_belt_speed_is_in_the_summary_for_a_library_caller():
    """analyze(belt_speed_mps=5) of a real walk (source_walk.csv: 3.01-m steps at 100 steps/min): the summary
    carries the doubt (audit s34 #3) — gait 'walk', the km/h option and the Python keyword in its message; a
    plausible 1.1 m/s has none. The step length stays the belt's (JSON contract), the doubt says it is wrong."""
    rec = imu_gait.read(Path(__file__).parent / "data" / "source_walk.csv")
    res = imu_gait.analyze(rec, belt_speed_mps=5.0)
    doubts = res.summary["belt_speed_doubts"]
    assert [d["gait"] for d in doubts] == ["walk"]
    assert "belt_speed_mps=5 / 3.6" in doubts[0]["message"] and doubts[0]["message"] in res.warnings
    assert abs(res.summary["step_length_m"] - 3.01) < 0.01
    import json

    assert json.loads(res.to_json())["summary"]["belt_speed_doubts"] == doubts
    assert imu_gait.analyze(rec, belt_speed_mps=1.1).summary["belt_speed_doubts"] == []


def test_arrays_in_g_and_deg_s_get_the_factor_to_multiply_by_not_a_command_line_option():
    """Recording(t, acc_in_g) from arrays was told 'pass --acc-unit g … or use a reader for this logger's format'
    (audit s34 #7): neither applies to arrays. Truth: the advice names imu_gait.recording.G and np.radians, both
    units in one error (the gyroscope, in deg/s too, used to wait for the next run); no '--' option."""
    rec = imu_gait.read(Path(__file__).parent / "data" / "source_walk.csv")
    with pytest.raises(RecordingError) as ei:
        imu_gait.analyze(Recording(rec.time_s, rec.acc_mps2 / imu_gait.recording.G, np.degrees(rec.gyro_rads)))
    msg = str(ei.value)
    assert "look like g" in msg and "also reaches" in msg and "looks like deg/s" in msg
    assert "multiply the values in g by imu_gait.recording.G" in msg and "np.radians" in msg
    assert "--" not in msg and "reader for this logger" not in msg


def test_an_incline_says_the_walk_was_on_a_treadmill():
    """analyze(incline_pct=4) without treadmill=True reported 'incline 4 %' with no treadmill, and the treadmill
    rules (the incline's effort among them) were off (audit s34 #13): an incline is entered on a treadmill. Truth:
    the summary's treadmill is true; with no incline it stays false."""
    rec = imu_gait.read(Path(__file__).parent / "data" / "source_walk.csv")
    assert imu_gait.analyze(rec, incline_pct=4.0).summary["treadmill"] is True
    assert imu_gait.analyze(rec).summary["treadmill"] is False


def test_a_flag_has_its_title_in_python_and_in_the_json():
    """Flag had no title: the flags CSV, the terminal and the live view show 'Vertical bounce / hard landings', a UI
    had to parse message for it (audit s34 #14). Truth: Flag.title is the flags CSV's title for every id, and the
    JSON flag object carries it (an added key; the fields and Flag(...) construction unchanged)."""
    import json

    from imu_gait.report.flags_csv import flag_rows
    from imu_gait.strain import FLAG_IDS

    f = imu_gait.Flag(id="vertical_bounce", start_s=1.0, end_s=9.0, severity="mild", metric="vertical_oscillation_cm",
                      value=6.0, reference=3.5, reference_kind="baseline", threshold=5.0, message="m", cause="c",
                      advice="a")
    assert f.title == "Vertical bounce / hard landings" and f.to_dict()["title"] == f.title
    import pandas as pd

    res = imu_gait.AnalysisResult(steps=pd.DataFrame(), bouts=pd.DataFrame(), summary={}, flags=[f], warnings=[])
    assert json.loads(res.to_json())["flags"][0]["title"] == f.title == flag_rows(res)[0]["title"]
    titles = {imu_gait.Flag(**{**f.__dict__, "id": i, "title": ""}).title for i in FLAG_IDS}   # "" → the id's title
    assert len(titles) == len(FLAG_IDS) and not any("_" in t for t in titles)


# ---------------------------------------------------------------- results and recordings as values (API audit s37)
def test_results_compare_by_value_and_survive_pickle(walk):
    """`assert res_a == res_b` raised 'The truth value of a DataFrame is ambiguous' (and `res in results` too);
    two flags of the same walk were unequal wherever a value was NaN. Equal now when every table cell, summary
    value, flag and warning is the same (NaN equal to NaN); one cell 1e-9 off is unequal."""
    import copy
    import pickle

    from imu_gait.synthetic import synthesize_walk as synth
    rec = synth(200, seed=2, segments=[(100, {"bounce_cm": 9})])[0]      # a walk that raises a flag
    a, b = imu_gait.analyze(rec), imu_gait.analyze(rec)
    assert a.flags and a.steps["stride_time_s"].isna().any()             # NaN cells and a flag to compare
    assert a == b and a in [b] and not (a != b)
    assert pickle.loads(pickle.dumps(a)) == a and copy.deepcopy(a) == a
    assert a.flags[0] == b.flags[0]
    c = copy.deepcopy(a)
    c.steps.loc[3, "cadence_spm"] += 1e-9
    assert a != c
    c = copy.deepcopy(a)
    c.summary["n_steps"] += 1
    assert a != c
    assert (a == "result") is False
    with pytest.raises(TypeError):
        hash(a)                                                        # mutable: unhashable, as before


def test_recordings_compare_by_samples_not_by_array_identity(walk):
    """Two recordings of the same samples raised 'The truth value of an array … is ambiguous' on ==."""
    import pickle
    from dataclasses import replace

    copied = replace(walk, acc_mps2=walk.acc_mps2.copy(), meta=dict(walk.meta))
    assert copied == walk and walk.validated() == copied.validated()     # validation bookkeeping left out
    assert pickle.loads(pickle.dumps(walk.validated())) == walk.validated()
    moved = walk.acc_mps2.copy()
    moved[10, 2] += 0.001
    assert replace(walk, acc_mps2=moved) != walk
    assert replace(walk, gyro_rads=None) != walk


@pytest.mark.parametrize("bad, words", [
    (lambda a: a.astype(complex), "complex numbers"),        # the imaginary part dropped with a ComplexWarning
    (lambda a: a > 5.0, "True/False"),                       # called 'values in g'
])
def test_arrays_numpy_would_convert_silently_are_refused(walk, bad, words):
    with pytest.raises(RecordingError, match=re.escape(words)):
        imu_gait.analyze(Recording(walk.time_s, bad(walk.acc_mps2), walk.gyro_rads))
    eng = GaitEngine(walk.sample_rate_hz, has_gyro=True)
    with pytest.raises(ImuGaitError, match=re.escape(words)):
        eng.feed(walk.time_s[:50], bad(walk.acc_mps2[:50]), walk.gyro_rads[:50])


def test_masked_samples_are_not_analysed_as_the_values_under_the_mask(walk):
    """np.asarray dropped a masked array's mask: the garbage under it (here 1e6 m/s²) was analysed."""
    acc = np.ma.masked_array(walk.acc_mps2.copy(), mask=np.zeros(walk.acc_mps2.shape, bool))
    acc.data[500:510] = 1e6
    acc.mask[500:510] = True
    with pytest.raises(RecordingError, match=r"10 sample\(s\) hold NaN .*first at sample 500"):
        imu_gait.analyze(Recording(walk.time_s, acc, walk.gyro_rads))
    with pytest.raises(ImuGaitError, match=r"10 fed sample\(s\) hold NaN .*index 100"):
        GaitEngine(walk.sample_rate_hz, has_gyro=True).feed(walk.time_s[400:600], acc[400:600], walk.gyro_rads[400:600])
    plain = imu_gait.analyze(walk)                               # nothing masked: the same analysis
    assert imu_gait.analyze(Recording(walk.time_s, np.ma.masked_array(walk.acc_mps2), walk.gyro_rads,
                                      meta=dict(walk.meta))) == plain


def test_engine_refuses_datetimes_it_took_for_seconds(walk):
    """GaitEngine.feed took datetime64[us] as float µs since 1970 (samples 10,000 'seconds' apart)."""
    t = np.datetime64("2026-01-01") + (walk.time_s[:100] * 1e6).astype("timedelta64[us]")
    with pytest.raises(ImuGaitError, match=re.escape("np.timedelta64(1, 's')")):
        GaitEngine(walk.sample_rate_hz, has_gyro=True).feed(t, walk.acc_mps2[:100], walk.gyro_rads[:100])


# ---------------------------------------------------------------- the step detector's settings (API audit s37)
def test_analyze_takes_step_detector_settings_and_says_they_were_changed(walk):
    """Only a hand-driven GaitEngine took StepParams, without analyze's validation and gyro check; and a result
    made with other settings looked like one made with the defaults."""
    from dataclasses import replace

    from imu_gait.dsp.steps import StepParams
    plain = imu_gait.analyze(walk)
    assert imu_gait.analyze(walk, params=StepParams()) == plain                # the defaults: the same result
    strict = StepParams(min_prominence_mps2=50.0, start_prominence_mps2=50.0)   # no step rises 5 g
    res = imu_gait.analyze(walk, params=strict)
    assert len(plain.steps) > 20 and len(res.steps) == 0                       # the settings were used
    note = [w for w in res.warnings if "StepParams" in w]
    assert note and "min_prominence_mps2=50.0" in note[0] and "start_prominence_mps2=50.0" in note[0]
    assert not [w for w in plain.warnings if "StepParams" in w]
    assert replace(StepParams(), turn_rate_dps=60.0).changed() == {"turn_rate_dps": 60.0}
    eng = GaitEngine(walk.sample_rate_hz, has_gyro=True, params=strict)         # the engine says it too
    eng.feed(walk.time_s, walk.acc_mps2, walk.gyro_rads)
    assert [w for w in eng.finish().warnings if "min_prominence_mps2=50.0" in w]


@pytest.mark.parametrize("make, words", [
    (lambda P: {"min_prominence_mps2": 0.2}, "StepParams(**params)"),        # AttributeError 'seated_after_s'
    (lambda P: P(min_prominence_mps2="0.2"), "min_prominence_mps2='0.2'"),   # a numpy UFuncTypeError mid-walk
    (lambda P: P(min_prominence_mps2=None), "must be a number"),
    (lambda P: P(turn_rate_dps=float("nan")), "turn_rate_dps=nan"),
    (lambda P: P(min_bout_steps=3.5), "whole number"),
])
def test_step_detector_settings_that_cannot_work_are_refused_up_front(walk, make, words):
    from imu_gait.dsp.steps import StepParams
    with pytest.raises(ImuGaitError, match=re.escape(words)):
        imu_gait.analyze(walk, params=make(StepParams))
    with pytest.raises(ImuGaitError, match=re.escape(words)):
        GaitEngine(walk.sample_rate_hz, params=make(StepParams))
    StepParams(still_trunk_max_twist_deg=-math.inf, aperiodic_min_steps=10**9)   # ±inf turns a bar off: still fine


# ---------------------------------------------------------------- the other public entry points (API audit s37)
@pytest.mark.parametrize("call, words", [
    (lambda: synthesize_walk(20, gait="wlak"), "gait='wlak'"),                   # silently a walk
    (lambda: synthesize_walk(20, fs_hz="100"), "fs_hz='100'"),                   # "str doesn't define __round__"
    (lambda: synthesize_walk(0), "duration_s=0"),
    (lambda: synthesize_walk(20, cadnce_spm=110), "did you mean 'cadence_spm'?"),
    (lambda: synthesize_walk(20, segments=[(5, {"bounce": 8})]), "'bounce' in segments"),
])
def test_the_synthetic_walk_refuses_misuse_as_the_rest_of_the_api_does(call, words):
    with pytest.raises(ImuGaitError, match=re.escape(words)) as info:
        call()
    assert isinstance(info.value, (ValueError, TypeError))       # what it raised before: still caught


def test_a_live_monitor_names_a_misspelt_context_key():
    """monitor(source, belt_sped_mps=1.3) raised a bare TypeError: `except imu_gait.ImuGaitError` missed it."""
    from imu_gait.devices import monitor
    with pytest.raises(ImuGaitError, match=re.escape("did you mean belt_speed_mps?")) as info:
        monitor(object(), belt_sped_mps=1.3)
    assert isinstance(info.value, TypeError)


def test_readers_keep_their_signatures_for_type_checkers():
    """The readers' error decorator was untyped, so mypy and IDEs saw `imu_gait.read` as Any: a wrong argument
    type or a misspelt keyword passed type checking. It now returns the type it is given."""
    import typing

    from imu_gait.io import _common
    from imu_gait.io.detect import read
    hints = typing.get_type_hints(_common.clean_os_errors)
    assert hints["return"] is hints["reader"]
    assert typing.get_type_hints(read)["return"] is Recording


def test_recording_metadata_that_cannot_be_used_is_said(walk):
    """meta={"placement": "pockt"} was silently a trunk sensor (the same word as an argument is refused), and a
    meta that is not a dict failed deep in analyze() as "'list' object has no attribute 'get'"."""
    res = imu_gait.analyze(Recording(walk.time_s, walk.acc_mps2, walk.gyro_rads, meta={"placement": "pockt"}))
    assert [w for w in res.warnings if "placement 'pockt'" in w and "not understood" in w]
    fine = imu_gait.analyze(Recording(walk.time_s, walk.acc_mps2, walk.gyro_rads, meta={"placement": "back_pocket"}))
    assert not [w for w in fine.warnings if "not understood" in w]
    assert fine.summary["placement_kind"] == "off_trunk"
    given = imu_gait.analyze(Recording(walk.time_s, walk.acc_mps2, walk.gyro_rads, meta={"placement": "pockt"}),
                             placement="lower_back")                     # the argument wins: nothing to say
    assert not [w for w in given.warnings if "not understood" in w]
    with pytest.raises(ImuGaitError, match="meta must be a dict"):
        Recording(walk.time_s, walk.acc_mps2, meta=[("placement", "lower_back")])
    from types import MappingProxyType
    assert Recording(walk.time_s, walk.acc_mps2, meta=MappingProxyType({"a": 1})).meta == {"a": 1}


def test_a_misused_call_can_be_told_from_bad_data_at_the_top_level(walk):
    """analyze()'s docstring promised ArgumentError for a misused argument, but only imu_gait.errors had it."""
    with pytest.raises(imu_gait.ArgumentError):
        imu_gait.analyze(walk, body_height_m=172)
    with pytest.raises(imu_gait.RecordingError) as info:
        imu_gait.analyze(Recording(walk.time_s, walk.acc_mps2 / 9.80665))
    assert not isinstance(info.value, imu_gait.ArgumentError)
    assert "ArgumentError" in imu_gait.__all__


@pytest.mark.parametrize("module", ["imu_gait.devices", "imu_gait.io"])
def test_the_live_and_reader_apis_document_every_public_object(module):
    """An app developer's names (imu_gait.devices.__all__: Connected, Disconnected, FoundDevice, StreamCounters,
    DeviceFamily …; imu_gait.io.read_androsensor) had no docstring — a dataclass's is only its signature — nor had
    properties such as SignalQuality.loss_pct (a % of what?) or LiveSession.stopped."""
    import importlib
    import inspect

    mod = importlib.import_module(module)
    missing = []
    for name in mod.__all__:
        obj = getattr(mod, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        doc = (obj.__doc__ or "").strip()
        if not doc or (inspect.isclass(obj) and doc.startswith(f"{obj.__name__}(")):
            missing.append(name)
        if inspect.isclass(obj):
            missing += [f"{name}.{k}" for k, v in vars(obj).items() if not k.startswith("_")
                        and (inspect.isfunction(v) or isinstance(v, property)) and not (v.__doc__ or "").strip()]
    assert not missing, missing


def test_a_placement_in_the_metadata_that_is_not_understood_gets_one_note_that_says_so(walk):
    """Review s37: meta={"placement": "pockt"} drew two notes — analyze()'s 'not understood' and the engine's
    'placement not given' (wrong: one was given). Now one note, the engine's, live and offline alike."""
    res = imu_gait.analyze(Recording(walk.time_s, walk.acc_mps2, walk.gyro_rads, meta={"placement": "pockt"}))
    placed = [w for w in res.warnings if w.startswith("placement")]
    assert len(placed) == 1 and placed[0].startswith("placement 'pockt' is not understood"), placed
    bare = imu_gait.analyze(Recording(walk.time_s, walk.acc_mps2, walk.gyro_rads, meta={}))
    assert [w for w in bare.warnings if w.startswith("placement")][0].startswith("placement not given")
