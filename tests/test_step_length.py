"""Pendulum step length (imu_gait.dsp.metrics.step_rows) on constructed body signals: the parts of
the trunk's vertical motion that are not the vault, and turning steps."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import imu_gait
from imu_gait.dsp.metrics import PENDULUM_K, BodySignals, heading_change_per_step_deg, step_rows, turn_factor

FS = 100.0
STEP_S = 0.55


def _signals(z_m: np.ndarray, yaw_rate: np.ndarray | None = None) -> BodySignals:
    n = z_m.size
    a_v = np.gradient(np.gradient(z_m, 1 / FS), 1 / FS)
    zero = np.zeros(n)
    return BodySignals(FS, a_v, zero, zero, yaw_rate, zero, zero, z_m=z_m)


def _contacts(n_steps: int):
    ic = 100 + np.arange(n_steps) * STEP_S * FS
    prev = np.r_[np.nan, ic[:-1]]
    prev2 = np.r_[np.nan, np.nan, ic[:-2]]
    nxt = np.r_[ic[1:], np.nan]
    return ic, prev, prev2, nxt


def _bounce(n: int, d_m: float) -> np.ndarray:
    t = np.arange(n) / FS
    return -(d_m / 2) * np.cos(2 * np.pi * (t - 1.0) / STEP_S)     # low point at each contact


def _rows(sig, n_steps, belt=None):
    ic, prev, prev2, nxt = _contacts(n_steps)
    return step_rows(sig, ic, prev, prev2, nxt, has_gyro=sig.yaw_rate is not None, sensor_height_m=1.0,
                     belt_speed_mps=belt)


def test_height_drift_within_a_step_is_not_vault():
    """The trunk sinking 2 cm per step on top of a 3-cm bounce (what the high-pass leaves of slow trunk
    motion): the step length stays the pendulum's for the 3-cm bounce. Without the drift removal the
    2-cm drift would add ≈ 0.2 m per step."""
    n = 1600
    bounce = _bounce(n, 0.03)
    drift = -0.02 / STEP_S * np.arange(n) / FS
    level = _rows(_signals(bounce), 20)["step_length_m"][:-1]
    sinking = _rows(_signals(bounce + drift), 20)["step_length_m"][:-1]
    expected = PENDULUM_K * 2 * np.sqrt(2 * 1.0 * 0.03 - 0.03 ** 2)
    np.testing.assert_allclose(level, expected, rtol=0.02)
    np.testing.assert_allclose(sinking, expected, rtol=0.02)


@pytest.mark.parametrize("turn_deg_per_step", [0.0, 30.0, -60.0, 120.0])
def test_turning_steps_are_shortened_by_the_heading_change(turn_deg_per_step):
    n = 1600
    yaw_rate = np.full(n, np.radians(turn_deg_per_step) / STEP_S)
    # trunk twist at stride frequency (±6°) must cancel out of the heading change
    t = np.arange(n) / FS
    yaw_rate += np.radians(6) * (2 * np.pi / (2 * STEP_S)) * np.cos(2 * np.pi * t / (2 * STEP_S))
    sig = _signals(_bounce(n, 0.03), yaw_rate)
    ic, _, _, nxt = _contacts(20)
    dur = np.where(np.isfinite(nxt), nxt - ic, STEP_S * FS)
    heading = heading_change_per_step_deg(sig, ic, nxt, dur)
    np.testing.assert_allclose(heading[:-1], turn_deg_per_step, atol=0.5)
    plain = PENDULUM_K * 2 * np.sqrt(2 * 1.0 * 0.03 - 0.03 ** 2)
    expected = plain * max(np.cos(np.radians(turn_deg_per_step)), 0.0) if abs(turn_deg_per_step) < 90 else 0.0
    rows = _rows(sig, 20)
    np.testing.assert_allclose(rows["step_length_m"][:-1], expected, atol=0.01 * plain)


def test_turn_factor():
    np.testing.assert_allclose(turn_factor(np.array([0.0, 60.0, -60.0, 90.0, 180.0])), [1.0, 0.5, 0.5, 0.0, 0.0],
                               atol=1e-12)
    assert (turn_factor(np.array([90.0, -118.0])) == 0.0).all()      # a pivot: exactly no progression


def test_a_pivot_step_has_no_vertical_ratio():
    """A step turning 120° progresses by nothing: step length and speed 0, and the vertical ratio (bounce /
    length) is left out (NaN), not 3 cm / 3e-17 m = 1e17 % as the bundled HA001 daily walk once showed."""
    n = 1600
    sig = _signals(_bounce(n, 0.03), np.full(n, np.radians(120.0) / STEP_S))
    rows = _rows(sig, 20)
    assert (rows["step_length_m"][2:-1] == 0.0).all() and (rows["walking_speed_mps"][2:-1] == 0.0).all()
    assert np.isnan(rows["vertical_ratio_pct"][2:-1]).all()
    assert np.isfinite(rows["vertical_oscillation_cm"][2:-1]).all()   # the bounce is still measured
    # a sharp turn at 80° a step leaves 0.12 m of progression: under 20 cm the ratio is left out too
    # (a 5-cm turning shuffle read 96 % on IPOL 6-1)
    sharp = _rows(_signals(_bounce(n, 0.03), np.full(n, np.radians(80.0) / STEP_S)), 20)
    assert (sharp["step_length_m"][2:-1] < 0.2).all() and np.isnan(sharp["vertical_ratio_pct"][2:-1]).all()
    straight = _rows(_signals(_bounce(n, 0.03), np.zeros(n)), 20)        # and a straight step keeps its ratio
    np.testing.assert_allclose(straight["vertical_ratio_pct"][2:-1],
                               100 * 0.03 / (PENDULUM_K * 2 * np.sqrt(2 * 0.03 - 0.03 ** 2)), rtol=0.03)


def test_real_walk_vertical_ratio_is_finite_and_the_same_fed_in_blocks():
    """The bundled HA001 daily walk ends with a pivot before the walker sits: every vertical ratio is a
    plausible number (≤ 100 %), and the engine fed 100 samples at a time gives the same table."""
    from imu_gait.engine import GaitEngine
    rec = imu_gait.read(Path(__file__).resolve().parents[1] / "datasets" / "mobgap_HA001_daily.csv")
    whole = imu_gait.analyze(rec).steps
    vr = whole["vertical_ratio_pct"].to_numpy(float)
    assert np.nanmax(vr) <= 100.0 and np.isfinite(vr).sum() >= 60
    v = rec.validated()
    eng = GaitEngine(v.sample_rate_hz, has_gyro=True, placement=v.meta["placement"],
                     sensor_height_m=v.meta["sensor_height_m"], body_height_m=v.meta.get("height_m"))
    for i in range(0, v.n_samples, 100):
        eng.feed(v.time_s[i:i + 100], v.acc_mps2[i:i + 100], v.gyro_rads[i:i + 100])
    blocks = eng.finish().steps
    for col in ("step_length_m", "vertical_ratio_pct", "walking_speed_mps"):
        np.testing.assert_allclose(blocks[col], whole[col], rtol=1e-9, atol=1e-9, err_msg=col)


def test_belt_speed_step_length_ignores_turning_and_drift():
    """On a treadmill the step length is belt speed × step time, exactly, whatever the trunk does."""
    n = 1600
    sig = _signals(_bounce(n, 0.03) - 0.01 * np.arange(n) / FS, np.full(n, 1.0))
    rows = _rows(sig, 20, belt=1.3)
    np.testing.assert_allclose(rows["step_length_m"][1:], 1.3 * STEP_S, rtol=1e-9)


def test_body_height_gives_the_sensor_height_when_it_is_not_measured():
    """--height H: the pendulum uses 0.61 × H (the lower-back sensors of the two bundled Mobilise-D
    walkers sit at 0.606 / 0.617 × their height); a measured sensor height wins."""
    from imu_gait.engine import SENSOR_HEIGHT_PER_BODY_HEIGHT
    from imu_gait.synthetic import synthesize_walk
    rec, _ = synthesize_walk(60.0, seed=4)
    by_body = imu_gait.analyze(rec, body_height_m=1.70)
    measured = imu_gait.analyze(rec, sensor_height_m=SENSOR_HEIGHT_PER_BODY_HEIGHT * 1.70)
    np.testing.assert_allclose(by_body.steps["step_length_m"], measured.steps["step_length_m"], rtol=1e-12)
    assert by_body.summary["sensor_height_source"] == "body height"
    assert by_body.summary["sensor_height_m"] == pytest.approx(1.037)
    assert any("0.61 × your height 1.70 m" in w for w in by_body.warnings)
    both = imu_gait.analyze(rec, body_height_m=1.70, sensor_height_m=0.9)
    assert both.summary["sensor_height_source"] == "given" and both.summary["sensor_height_m"] == 0.9
    assert imu_gait.analyze(rec).summary["sensor_height_source"] == "default"
    for name in ("mobgap_HA001_walk1", "mobgap_HA002_walk1"):      # the ratio, from the bundled references
        ref = json.loads((Path(__file__).resolve().parents[1] / "datasets" / f"{name}.ref.json").read_text())
        assert ref["sensor_height_m"] / ref["height_m"] == pytest.approx(SENSOR_HEIGHT_PER_BODY_HEIGHT, abs=0.01)


def test_a_height_given_for_this_walk_beats_the_heights_stored_in_the_file():
    """The bundled mobgap walk stores sensor_height_m 0.964 and height_m 1.59 in its header: used when the
    caller gives neither, but an explicit body height was silently overruled by the file's sensor height."""
    from imu_gait.engine import SENSOR_HEIGHT_PER_BODY_HEIGHT
    rec = imu_gait.read(Path(__file__).resolve().parents[1] / "datasets" / "mobgap_HA001_walk1.csv")
    assert rec.meta["sensor_height_m"] == 0.964
    from_file = imu_gait.analyze(rec)
    assert from_file.summary["sensor_height_m"] == 0.964
    by_body = imu_gait.analyze(rec, body_height_m=1.80)
    assert by_body.summary["sensor_height_source"] == "body height"
    assert by_body.summary["sensor_height_m"] == pytest.approx(SENSOR_HEIGHT_PER_BODY_HEIGHT * 1.80)
    # … and says it set the file's sensor height aside (it did so without a word)
    assert any("sensor height stored in the file (0.96 m) was not used" in w for w in by_body.warnings)
    assert not any("stored in the file" in w for w in from_file.warnings)
    assert imu_gait.analyze(rec, sensor_height_m=1.0).summary["sensor_height_m"] == 1.0


def test_the_height_given_is_shown_as_context_with_the_sensor_height_it_set(capsys):
    """`imu-gait analyze FILE --height 1.72` showed no Context line at all (a sensor height derived from
    the body height was hidden as 'not given'), so the summary did not say what the step length rested
    on. Now: the height and the sensor height taken from it (0.61 × 1.72 = 1.05 m), in the summary JSON
    (body_height_m) and on the Context line."""
    from imu_gait.cli import main
    path = Path(__file__).resolve().parents[1] / "datasets" / "mobgap_HA001_walk1.csv"
    assert main(["analyze", str(path), "--height", "1.72"]) == 0
    out = capsys.readouterr().out
    context = [line for line in out.splitlines() if line.strip().startswith("Context")]
    assert context and "height 1.72 m (sensor taken at 1.05 m)" in context[0], out
    res = imu_gait.analyze(imu_gait.read(path), body_height_m=1.72)
    assert res.summary["body_height_m"] == 1.72
    from_file = imu_gait.analyze(imu_gait.read(path)).summary     # the header's height_m 1.59, sensor 0.964
    assert from_file["body_height_m"] == 1.59 and from_file["sensor_height_source"] == "given"
    from imu_gait.synthetic import synthesize_walk
    assert imu_gait.analyze(synthesize_walk(30.0, seed=1)[0]).summary["body_height_m"] is None   # not given


def test_a_chest_sensor_is_asked_for_the_lower_backs_height_not_its_own():
    """Chest audit s37: a Polar H10 session (placement chest) ended with 'give the sensor's height above the
    ground' — a chest strap's own height, ~0.71 × body height against a lower back's 0.61 ×, reads the
    pendulum step length √(0.71/0.61) − 1 ≈ 8 % long. The note now asks a chest sensor for the lower back's
    height, and a chest sensor given a height no lower back has (1.24 m: the strap of a 1.75-m walker) is told
    what that does; the same height on a lower-back sensor, or a lower back's height on the chest, says nothing."""
    from imu_gait.engine import CHEST_STRAP_PER_BODY_HEIGHT, SENSOR_HEIGHT_PER_BODY_HEIGHT
    from imu_gait.synthetic import synthesize_walk
    rec, _ = synthesize_walk(60.0, 50.0, gyro=False, seed=4)        # a Polar H10: accelerometer only, 50 Hz

    def height_notes(res):
        return [w for w in res.warnings if "height" in w]

    plain = height_notes(imu_gait.analyze(rec, placement="chest"))
    assert len(plain) == 1 and "height of your lower back" in plain[0] and "sensor's height" not in plain[0], plain
    assert "sensor's height above the ground" in height_notes(imu_gait.analyze(rec, placement="lower_back"))[0]
    lower_back_m, strap_m = SENSOR_HEIGHT_PER_BODY_HEIGHT * 1.75, CHEST_STRAP_PER_BODY_HEIGHT * 1.75   # 1.07, 1.24
    at_back = imu_gait.analyze(rec, placement="chest", sensor_height_m=lower_back_m)
    at_strap = imu_gait.analyze(rec, placement="chest", sensor_height_m=strap_m)
    # what the note says is what the engine does: the strap's height reads the step length 7.9 % long (± 1 point)
    long_pct = 100 * (np.nanmedian(at_strap.steps["step_length_m"]) / np.nanmedian(at_back.steps["step_length_m"]) - 1)
    assert long_pct == pytest.approx(7.9, abs=1.0)
    assert not height_notes(at_back)
    note = height_notes(at_strap)
    assert len(note) == 1 and "sensor height 1.24 m for a sensor on the chest" in note[0] and "8 % long" in note[0], note
    # a body height given too sets the limit by it: 1.24 m is past a 1.75-m walker's lower back (1.12 m with 5 %)
    assert height_notes(imu_gait.analyze(rec, placement="chest", sensor_height_m=strap_m, body_height_m=1.75))
    assert not height_notes(imu_gait.analyze(rec, placement="chest", sensor_height_m=1.24, body_height_m=2.0))
    assert not height_notes(imu_gait.analyze(rec, placement="lower_back", sensor_height_m=strap_m))


def test_a_scheduled_treadmill_belt_sets_the_chest_step_length_so_no_strap_height_note():
    """Review s37: the chest-height note ('step length and speed read about 8 % long') checked only a fixed
    belt speed, while the 'height not given' note beside it also counts a treadmill schedule whose belt speeds
    are all known — there the belt, not the pendulum, sets the step length, so neither note belongs."""
    from imu_gait.engine import CHEST_STRAP_PER_BODY_HEIGHT
    from imu_gait.synthetic import synthesize_walk
    rec, _ = synthesize_walk(60.0, 50.0, gyro=False, seed=4)
    strap_m = CHEST_STRAP_PER_BODY_HEIGHT * 1.75
    sched = imu_gait.TreadmillSchedule.from_stages([(0, 1.2, 0)])
    on_belt = imu_gait.analyze(rec, placement="chest", sensor_height_m=strap_m, treadmill_schedule=sched)
    assert not [w for w in on_belt.warnings if "height" in w], on_belt.warnings
    assert [w for w in imu_gait.analyze(rec, placement="chest", sensor_height_m=strap_m).warnings
            if "for a sensor on the chest" in w]
