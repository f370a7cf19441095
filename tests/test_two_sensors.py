"""Recordings that hold more than one sensor (lower back + wrist, two trunk sensors, a phone and a watch):
the reader must never analyse one of them silently, nor mix their axes; it names the sensors it found and
the option that selects one, and that option reads exactly that sensor's samples."""
import numpy as np
import pytest

from imu_gait import read
from imu_gait.errors import RecordingError
from imu_gait.synthetic import synthesize_walk


@pytest.fixture(scope="module")
def back_and_wrist():
    """Two sensors of one 40-s walk on one clock: the lower back (the truth to read) and a second sensor
    whose |a| is also ≈ 1 g (a wrist or a chest sensor passes every unit check), so only its name tells."""
    back, _ = synthesize_walk(40.0, seed=1)
    wrist, _ = synthesize_walk(40.0, seed=7, mount_euler_deg=(40.0, 70.0, -30.0), cadence_spm=90.0)
    return back, wrist


def _write(path, header, t, *blocks):
    data = np.column_stack([t, *blocks])
    path.write_text(",".join(header) + "\n" + "\n".join(",".join(f"{v:.9g}" for v in row) for row in data) + "\n")
    return path


@pytest.mark.parametrize("names", [
    # a sensor's name in brackets after the axis (read as 'x', 'y', 'z' twice: the first taken, the wrist)
    (["x (wrist)", "y (wrist)", "z (wrist)"], ["x (back)", "y (back)", "z (back)"], None, None),
    # one sensor unsuffixed, the other tagged (the unsuffixed one was taken whichever it was)
    (["acc_x", "acc_y", "acc_z"], ["acc_x_back", "acc_y_back", "acc_z_back"],
     ["gyro_x", "gyro_y", "gyro_z"], ["gyro_x_back", "gyro_y_back", "gyro_z_back"]),
    # both tagged, the sensor before the axis
    (["wrist_acc_x", "wrist_acc_y", "wrist_acc_z"], ["back_acc_x", "back_acc_y", "back_acc_z"],
     ["wrist_gyro_x", "wrist_gyro_y", "wrist_gyro_z"], ["back_gyro_x", "back_gyro_y", "back_gyro_z"]),
])
def test_two_sensors_in_columns_are_named_and_one_is_chosen_by_option(tmp_path, back_and_wrist, names):
    back, wrist = back_and_wrist
    wrist_acc, back_acc, wrist_gyro, back_gyro = names
    header = ["time", *wrist_acc, *back_acc] + ([*wrist_gyro, *back_gyro] if wrist_gyro else [])
    blocks = [wrist.acc_mps2, back.acc_mps2] + ([wrist.gyro_rads, back.gyro_rads] if wrist_gyro else [])
    path = _write(tmp_path / "two_sensors.csv", header, back.time_s, *blocks)
    # before: read without a word, the wrist's (or the unsuffixed) columns analysed as the trunk
    with pytest.raises(RecordingError) as ei:
        read(path, acc_unit="m/s2")
    msg = str(ei.value)
    assert "acceleration of 2 sensors" in msg and "--acc-cols" in msg
    assert all(n in msg for n in wrist_acc + back_acc)            # both sensors named, by their columns
    if wrist_gyro:                                                # the gyroscope is ambiguous too: once the
        with pytest.raises(RecordingError, match="(?s)angular rate of 2 sensors.*--gyro-cols"):  # acc is chosen
            read(path, acc_unit="m/s2", acc_cols=back_acc)
    rec = read(path, acc_unit="m/s2", acc_cols=back_acc, **({"gyro_cols": back_gyro} if wrist_gyro else {}))
    # exactly the back sensor's samples (9 significant digits written)
    np.testing.assert_allclose(rec.acc_mps2, back.acc_mps2, rtol=1e-7, atol=1e-7)
    if wrist_gyro:
        np.testing.assert_allclose(rec.gyro_rads, back.gyro_rads, rtol=1e-7, atol=1e-7)


def test_one_sensor_with_tagged_names_still_reads_without_options(tmp_path, back_and_wrist):
    """One sensor whose names carry a tag ('acc_x_back' alone is not a second sensor): no refusal."""
    back, _ = back_and_wrist
    path = _write(tmp_path / "one.csv", ["time", "acc_x", "acc_y", "acc_z", "acc_x_filtered_flag"], back.time_s,
                  back.acc_mps2, np.zeros(back.n_samples))
    rec = read(path, acc_unit="m/s2")
    np.testing.assert_allclose(rec.acc_mps2, back.acc_mps2, rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("acc, gyro, units", [
    # a unit in brackets tells acceleration from rotation, not one sensor from another
    (["x (m/s2)", "y (m/s2)", "z (m/s2)"], ["x (rad/s)", "y (rad/s)", "z (rad/s)"], {}),
    (["x (g)", "y (g)", "z (g)"], ["x (deg/s)", "y (deg/s)", "z (deg/s)"], {"acc_unit": "g", "gyro_unit": "deg/s"}),
    # a derived signal of the same sensor beside the raw one
    (["acc_x", "acc_y", "acc_z"], ["lin_acc_x", "lin_acc_y", "lin_acc_z"], {}),
    (["acc_x", "acc_y", "acc_z"], ["acc_x_filtered", "acc_y_filtered", "acc_z_filtered"], {}),
])
def test_units_or_derived_signals_in_names_are_not_a_second_sensor(tmp_path, back_and_wrist, acc, gyro, units):
    """Review s38: 'time,x (g),y (g),z (g),x (deg/s),y (deg/s),z (deg/s)' read before the two-sensor check and was
    then refused as 'the acceleration of 2 sensors' (so were lin_acc_x / acc_x_filtered beside acc_x). Truth: the
    first three columns are the back's acceleration, read exactly."""
    back, _ = back_and_wrist
    scale = 1 / 9.80665 if units.get("acc_unit") == "g" else 1.0
    second = back.gyro_rads * (57.29577951308232 if units.get("gyro_unit") == "deg/s" else 1.0)
    if not acc[0].startswith("x"):
        second = back.acc_mps2 * 0.5                          # a derived acceleration, not a rotation
    path = _write(tmp_path / "one.csv", ["time", *acc, *gyro], back.time_s, back.acc_mps2 * scale, second)
    rec = read(path, time_col="time", time_unit="s", **({"acc_unit": "m/s2"} | units))
    np.testing.assert_allclose(rec.acc_mps2, back.acc_mps2, rtol=1e-6, atol=1e-6)


def test_read_generic_keeps_its_reader_guard():
    """Review s38: a helper inserted between @clean_os_errors and read_generic took its decorator, so
    imu_gait.io.read_generic('-') said 'no such file' instead of that standard input is not read."""
    from imu_gait.io.generic import read_generic

    with pytest.raises(RecordingError, match="standard input"):
        read_generic("-", time_col="time", acc_cols=["x", "y", "z"])


# ---- Sensor Logger: the phone's export with a paired Apple Watch's streams beside it ----------------------
SENSORLOGGER_IOS = __import__("pathlib").Path(__file__).parent / "data" / "sensorlogger_ios"
WRIST_HEADER = ("time,seconds_elapsed,rotationRateX,rotationRateY,rotationRateZ,gravityX,gravityY,gravityZ,"
                "accelerationX,accelerationY,accelerationZ,quaternionW,quaternionX,quaternionY,quaternionZ,"
                "pitch,roll,yaw")


def _add_watch(folder, t0_ns: int, n: int = 1000):
    """WristMotion.csv and HeartRate.csv as Sensor Logger writes them (UNITS.md: g, rad/s): a wrist
    swinging at 1 Hz — |a| of the order of 1 g, so only the file's name says it is not the trunk."""
    rows = []
    for i in range(n):
        s = np.sin(2 * np.pi * i / 100.0)
        rows.append(f"{t0_ns + i * 10_000_000},{i / 100:.2f},{s:.4f},0.1,0.2,0.1,-0.98,0.05,{0.3 * s:.4f},0.01,0.02,"
                    "1,0,0,0,0.1,0.2,0.3")
    (folder / "WristMotion.csv").write_text(WRIST_HEADER + "\n" + "\n".join(rows) + "\n")
    (folder / "HeartRate.csv").write_text(f"time,seconds_elapsed,bpm\n{t0_ns},0,88\n{t0_ns + 5_000_000_000},5,90\n")


def test_sensorlogger_with_watch_reads_the_phone_and_says_the_watch_was_left_out(tmp_path):
    import shutil
    folder = tmp_path / "export"
    shutil.copytree(SENSORLOGGER_IOS, folder)
    phone = read(SENSORLOGGER_IOS)                                  # the phone's export alone: the truth
    t0_ns = int((SENSORLOGGER_IOS / "Gravity.csv").read_text().splitlines()[1].split(",")[0])
    _add_watch(folder, t0_ns)
    rec = read(folder)
    np.testing.assert_array_equal(rec.acc_mps2, phone.acc_mps2)     # the phone's samples, untouched
    np.testing.assert_array_equal(rec.gyro_rads, phone.gyro_rads)
    # before: the watch's files were skipped without a word
    note = [w for w in rec.warnings if w.startswith("left out")]
    assert note and "WristMotion.csv" in note[0] and "HeartRate.csv" in note[0] and "Apple Watch" in note[0]


def test_sensorlogger_watch_files_alone_are_refused_saying_what_they_are(tmp_path):
    folder = tmp_path / "watch_only"
    folder.mkdir()
    _add_watch(folder, 1_710_697_732_444_921_974)
    (folder / "Metadata.csv").write_text((SENSORLOGGER_IOS / "Metadata.csv").read_text())
    # before: 'unknown recording format' (the folder), and for the file a suggested command that read
    # rotationRateY, rotationRateZ, gravityX as the acceleration
    for path in (folder, folder / "WristMotion.csv"):
        with pytest.raises(RecordingError) as ei:
            read(path)
        msg = str(ei.value)
        assert "WristMotion.csv" in msg and "Apple Watch" in msg and "trunk" in msg, msg
        assert "unknown recording format" not in msg and "rotationRateY" not in msg


def test_a_folder_file_named_like_watch_words_is_not_taken_for_the_watch(tmp_path, back_and_wrist):
    """'watch_walk.csv' is a user's own name, not Sensor Logger's WatchLocation etc.: read as before."""
    back, _ = back_and_wrist
    path = _write(tmp_path / "watch_walk.csv", ["time", "acc_x", "acc_y", "acc_z"], back.time_s, back.acc_mps2)
    rec = read(path, acc_unit="m/s2")
    np.testing.assert_allclose(rec.acc_mps2, back.acc_mps2, rtol=1e-7, atol=1e-7)


# ---- long format: one row per sample and sensor, a column naming the sensor -----------------------------
def _long_table(path, back, wrist, *, interleaved: bool, name_col: str = "sensor"):
    import pandas as pd
    parts = []
    for name, rec in (("lower_back", back), ("left_wrist", wrist)):
        parts.append(pd.DataFrame({"time": rec.time_s, name_col: name, "acc_x": rec.acc_mps2[:, 0],
                                   "acc_y": rec.acc_mps2[:, 1], "acc_z": rec.acc_mps2[:, 2]}))
    table = pd.concat(parts, ignore_index=True)
    if interleaved:                               # as two devices stream into one log: in turn, by time
        table = table.sort_values("time", kind="stable")
    table.to_csv(path, index=False, float_format="%.9g")
    return table


@pytest.mark.parametrize("interleaved, name_col", [(True, "sensor"), (False, "device")])
def test_long_table_of_two_sensors_names_the_column_and_its_sensors(tmp_path, back_and_wrist, interleaved, name_col):
    """Before: 'N of 2N timestamps repeat … the time column is too coarse or not a time — pass the time unit'
    (in turn) or 'time goes backwards … two recordings joined, a clock reset' (one after the other): the time
    column blamed, the sensor column never named."""
    back, wrist = back_and_wrist
    path = tmp_path / "long.csv"
    table = _long_table(path, back, wrist, interleaved=interleaved, name_col=name_col)
    with pytest.raises(RecordingError) as ei:
        read(path, acc_unit="m/s2")
    msg = str(ei.value)
    assert f"rows of 2 sensors" in msg and f"column {name_col!r}" in msg, msg
    assert f"lower_back ({back.n_samples} rows)" in msg and f"left_wrist ({wrist.n_samples} rows)" in msg
    assert "time unit" not in msg.split("What to do")[1]
    # the way out it gives: one sensor's rows in a file of their own read as exactly that sensor
    one = tmp_path / "lower_back.csv"
    table[table[name_col] == "lower_back"].to_csv(one, index=False, float_format="%.9g")
    rec = read(one, acc_unit="m/s2")
    np.testing.assert_allclose(rec.acc_mps2, back.acc_mps2, rtol=1e-7, atol=1e-7)


def test_a_label_column_does_not_turn_a_clock_reset_into_two_sensors(tmp_path, back_and_wrist):
    """An activity column (walk/stand) in a file whose clock restarts: the clock's message, not 'sensors'."""
    import pandas as pd
    back, _ = back_and_wrist
    t = back.time_s.copy()
    half = t.size // 2
    t[half:] -= t[half]                                          # the clock restarts half way
    pd.DataFrame({"time": t, "activity": np.where(np.arange(t.size) % 400 < 200, "walk", "stand"),
                  "acc_x": back.acc_mps2[:, 0], "acc_y": back.acc_mps2[:, 1], "acc_z": back.acc_mps2[:, 2]}
                 ).to_csv(tmp_path / "reset.csv", index=False, float_format="%.9g")
    with pytest.raises(RecordingError) as ei:
        read(tmp_path / "reset.csv", acc_unit="m/s2")
    assert "sensors" not in str(ei.value) and "backwards" in str(ei.value)


def test_unknown_table_of_two_sensors_hint_names_both(tmp_path, back_and_wrist):
    """A table whose names no reader knows (Shimmer-style 'Shimmer_A1B2_Accel_LN_X_CAL' per sensor): the hint
    showed only the first sensor's columns, as the command to run; now it names every gravity-sized set.
    And a gyroscope of ≈ 1 rad/s beside acceleration in g is not taken for a second sensor."""
    back, wrist = back_and_wrist
    tags = ("Shimmer_A1B2", "Shimmer_C3D4")
    header = ["Timestamp_s"] + [f"{tag}_Accel_LN_{a}_CAL" for tag in tags for a in "XYZ"]
    path = _write(tmp_path / "shimmer.csv", header, back.time_s, wrist.acc_mps2, back.acc_mps2)
    with pytest.raises(RecordingError) as ei:
        read(path)
    hint = str(ei.value).split("What to do")[1]
    assert all(c in hint for c in header[1:]) and "2 sensors?" in hint and "--acc-cols" in hint
    path = _write(tmp_path / "one.csv", ["Timestamp_s", "a1", "a2", "a3", "w1", "w2", "w3"], back.time_s,
                  back.acc_mps2 / 9.80665, back.gyro_rads)
    with pytest.raises(RecordingError) as ei:
        read(path)
    assert "sensors?" not in str(ei.value) and "a1, a2, a3 have the size of gravity in g" in str(ei.value)


@pytest.mark.parametrize("new_name", ["Tuesday.csv", "back_walk.csv"])
def test_a_renamed_watch_file_is_refused_as_a_wrist_sensor(tmp_path, new_name):
    """WristMotion.csv renamed (alone in its folder, or beside others): its columns say what it is."""
    folder = tmp_path / "watch_only"
    folder.mkdir()
    _add_watch(folder, 1_710_697_732_444_921_974)
    renamed = tmp_path / new_name
    (folder / "WristMotion.csv").rename(renamed)
    # before: "the header lacks x, y, z … What to do: Sensor Logger files start 'time,seconds_elapsed,z,y,x'"
    # — nothing said it is a watch's file, nor that a wrist is not the trunk
    with pytest.raises(RecordingError) as ei:
        read(renamed)
    msg = str(ei.value)
    assert "WristMotion.csv" in msg and "Apple Watch" in msg and "wrist" in msg and "trunk" in msg, msg
    assert "lacks" not in msg and ei.value.line == 1 and ei.value.path.endswith(new_name)
