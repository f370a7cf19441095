#!/usr/bin/env python
"""Build the reader test samples in ``tests/data/`` (re-runnable).

Source signal: a real walking segment of ``datasets/mobgap_HA001_daily.csv`` (McRoberts MM+
at L5, INDIP walking bout 38.5–50.9 s; Apache-2.0, see ``datasets/README.md``), rendered in
the exact header and number formats of each app, as listed below (the project's notes on the apps'
exports, ``datasets.md`` §8, are kept beside the repository, not in it):

* phyphox — quoted headers, ``%.9E`` numbers, time = s since experiment start, plus
  ``meta/time.csv`` and ``meta/device.csv``:
  ``phyphox_with_g/`` ("Acceleration with g"), ``phyphox_with_g.zip`` (same, zipped),
  ``phyphox_without_g/`` ("Acceleration (without g)", gravity removed),
  ``phyphox_gyroscope/`` ("Gyroscope (rotation rate)" only),
  ``phyphox_multi/`` (multi-sensor export: ``Accelerometer.csv`` + ``Gyroscope.csv`` on
  their own time axes — the gyroscope starts 0.5 s later, ends 0.3 s earlier and is sampled
  half a period after the accelerometer), ``phyphox_semicolon/`` (``;`` separator with
  decimal commas, as exported on a German-locale phone);
* Sensor Logger — ``time,seconds_elapsed,z,y,x`` (reverse axis order), ``time`` in ns since
  the unix epoch with ~0.2 ms jitter, full-precision floats:
  ``sensorlogger_android/`` (+ ``.zip``: TotalAcceleration, Accelerometer (gravity removed),
  Gravity, Gyroscope, Metadata in the Android 1.28 layout) and ``sensorlogger_ios/`` (+
  ``.zip``: Accelerometer (gravity removed) + Gravity + Gyroscope, Metadata in the iOS 1.11
  layout, no TotalAcceleration);
* ``native_sitting.csv`` — 40 s of HA/002 sitting still (daily-activities recording, 88–128 s);
* ``source_walk.csv`` — the native source segment itself (truth for the tests).

Trimmed third-party files (kept with their MIT licences):
``gaitpy_demo/demo_data_30s.csv`` (GENEActiv, first 30 s of GaitPy's demo) and
``skdh_examples/example_data_30s.csv`` (first 30 s of scikit-digital-health's AX6 example).

Gravity for the "without g" renderings is a 0.25 Hz low-pass of the real acceleration scaled
to 9.80665 m/s², as a phone's fusion filter would give; acc = linear + gravity exactly.
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
from scipy.signal import butter, filtfilt

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PEER = REPO.parent / "shared" / "peer_data"
G = 9.80665

WALK_FILE = REPO / "datasets" / "mobgap_HA001_daily.csv"
WALK_WINDOW_S = (36.0, 56.0)
SIT_FILE = REPO / "datasets" / "mobgap_HA002_daily.csv"
SIT_WINDOW_S = (88.0, 128.0)
START_UNIX_S = 1710697732.324872  # an arbitrary but fixed recording start (2024-03-17 17:48:52 UTC)


def load_native(path: Path):
    meta_lines = [l for l in path.read_text().splitlines() if l.startswith("#")]
    data = np.loadtxt(path, delimiter=",", comments="#", skiprows=len(meta_lines) + 1)
    return meta_lines, data


def window(data: np.ndarray, t0: float, t1: float) -> np.ndarray:
    keep = (data[:, 0] >= t0 - 1e-9) & (data[:, 0] < t1 - 1e-9)
    out = data[keep].copy()
    out[:, 0] -= out[0, 0]
    out[:, 0] = np.round(out[:, 0], 6)
    return out


def gravity_of(acc: np.ndarray, fs: float) -> np.ndarray:
    b, a = butter(2, 0.25 / (fs / 2))
    low = filtfilt(b, a, acc, axis=0)
    return low / np.linalg.norm(low, axis=1, keepdims=True) * G


def fmt_e(x: float) -> str:
    """phyphox number format: ``8.211666427E-4`` (Java-style exponent, no '+', no padding)."""
    mant, exp = f"{x:.9E}".split("E")
    return f"{mant}E{int(exp)}"


def fmt_java(x: float) -> str:
    """Shortest round-trip double in Java's scientific style: ``1.710697732324872E9``."""
    mant, exp = np.format_float_scientific(x, unique=True).split("e")
    mant = mant if "." in mant and not mant.endswith(".") else mant.rstrip(".") + ".0"
    return f"{mant}E{int(exp)}"


def write_phyphox_table(path: Path, header: list[str], cols: list[np.ndarray], sep: str = ",",
                        decimal: str = ".") -> None:
    lines = [sep.join(f'"{h}"' for h in header)]
    rows = np.column_stack(cols)
    for r in rows:
        cells = [fmt_e(v) for v in r]
        if decimal != ".":
            cells = [c.replace(".", decimal) for c in cells]
        lines.append(sep.join(cells))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_phyphox_meta(folder: Path, duration_s: float, sep: str = ",") -> None:
    m = folder / "meta"
    m.mkdir(parents=True, exist_ok=True)
    q = lambda s: f'"{s}"'
    time_rows = [sep.join(map(q, ["event", "experiment time", "system time", "system time text"])),
                 sep.join([q("START"), fmt_e(0.0), fmt_java(START_UNIX_S), q("2024-03-17 19:48:52.325 UTC+02:00")]),
                 sep.join([q("PAUSE"), fmt_e(duration_s), fmt_java(START_UNIX_S + duration_s),
                           q("2024-03-17 19:49:12.335 UTC+02:00")])]
    (m / "time.csv").write_text("\n".join(time_rows) + "\n", encoding="utf-8")
    props = [("version", "1.1.16"), ("build", "1011603"), ("fileFormat", "1.18"), ("deviceModel", "Pixel 7"),
             ("deviceBrand", "google"), ("deviceBoard", "panther"), ("deviceManufacturer", "Google"),
             ("deviceBaseOS", ""), ("deviceCodename", "REL"), ("deviceRelease", "14")]
    rows = [sep.join(map(q, ["property", "value"]))] + [sep.join([q(k), q(v)]) for k, v in props]
    (m / "device.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def zip_folder(folder: Path, out: Path) -> None:
    if out.exists():
        out.unlink()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                z.write(p, p.relative_to(folder).as_posix())


def write_sensorlogger_table(path: Path, t_ns: np.ndarray, t0_ns: int, xyz: np.ndarray) -> None:
    lines = ["time,seconds_elapsed,z,y,x"]
    for tn, (x, y, z) in zip(t_ns.tolist(), xyz.tolist()):
        lines.append(f"{tn},{(tn - t0_ns) / 1e9!r},{z!r},{y!r},{x!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    _, walk_all = load_native(WALK_FILE)
    walk = window(walk_all, *WALK_WINDOW_S)
    t, acc, gyro = walk[:, 0], walk[:, 1:4], walk[:, 4:7]
    fs = 100.0
    grav = gravity_of(acc, fs)
    lin = acc - grav
    n = t.size

    # ---- truth segment (native) ----------------------------------------------------------
    src_meta = [f"# source: datasets/mobgap_HA001_daily.csv, {WALK_WINDOW_S[0]:.0f}-{WALK_WINDOW_S[1]:.0f} s "
                "(Mobilise-D TVS HA/001 Test11, Apache-2.0), time re-based to 0",
                "# sample_rate_hz: 100", "# placement: lower_back", "# device: McRoberts MM+"]
    body = "\n".join(",".join([f"{r[0]:.2f}"] + [f"{v:.6g}" for v in r[1:]]) for r in walk)
    (HERE / "source_walk.csv").write_text("\n".join(src_meta) + "\ntime_s,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z\n"
                                          + body + "\n")

    # ---- phyphox ---------------------------------------------------------------------------
    tp = t + 0.0087  # first sample a few ms after pressing start
    absa = np.linalg.norm(acc, axis=1)
    for d in ("phyphox_with_g", "phyphox_without_g", "phyphox_gyroscope", "phyphox_multi", "phyphox_semicolon"):
        shutil.rmtree(HERE / d, ignore_errors=True)
    f = HERE / "phyphox_with_g"
    write_phyphox_table(f / "Raw Data.csv",
                        ["Time (s)", "Acceleration x (m/s^2)", "Acceleration y (m/s^2)", "Acceleration z (m/s^2)",
                         "Absolute acceleration (m/s^2)"], [tp, acc[:, 0], acc[:, 1], acc[:, 2], absa])
    write_phyphox_meta(f, float(tp[-1]))
    zip_folder(f, HERE / "phyphox_with_g.zip")

    f = HERE / "phyphox_without_g"
    write_phyphox_table(f / "Raw Data.csv",
                        ["Time (s)", "Linear Acceleration x (m/s^2)", "Linear Acceleration y (m/s^2)",
                         "Linear Acceleration z (m/s^2)", "Absolute acceleration (m/s^2)"],
                        [tp, lin[:, 0], lin[:, 1], lin[:, 2], np.linalg.norm(lin, axis=1)])
    write_phyphox_meta(f, float(tp[-1]))

    f = HERE / "phyphox_gyroscope"
    write_phyphox_table(f / "Raw Data.csv",
                        ["Time (s)", "Gyroscope x (rad/s)", "Gyroscope y (rad/s)", "Gyroscope z (rad/s)",
                         "Absolute (rad/s)"], [tp, gyro[:, 0], gyro[:, 1], gyro[:, 2], np.linalg.norm(gyro, axis=1)])
    write_phyphox_meta(f, float(tp[-1]))

    f = HERE / "phyphox_multi"
    # gyroscope: own time axis, half a period after the accelerometer, starting 0.5 s later and
    # ending 0.3 s earlier; values = the real gyro linearly interpolated to those instants
    tg = tp[50:-30] + 0.005
    gy = np.stack([np.interp(tg, tp, gyro[:, k]) for k in range(3)], axis=1)
    write_phyphox_table(f / "Accelerometer.csv", ["Time (s)", "X (m/s^2)", "Y (m/s^2)", "Z (m/s^2)"],
                        [tp, acc[:, 0], acc[:, 1], acc[:, 2]])
    write_phyphox_table(f / "Gyroscope.csv", ["Time (s)", "X (rad/s)", "Y (rad/s)", "Z (rad/s)"],
                        [tg, gy[:, 0], gy[:, 1], gy[:, 2]])
    write_phyphox_meta(f, float(tp[-1]))

    f = HERE / "phyphox_semicolon"
    write_phyphox_table(f / "Raw Data.csv",
                        ["Time (s)", "Acceleration x (m/s^2)", "Acceleration y (m/s^2)", "Acceleration z (m/s^2)",
                         "Absolute acceleration (m/s^2)"], [tp, acc[:, 0], acc[:, 1], acc[:, 2], absa],
                        sep=";", decimal=",")
    write_phyphox_meta(f, float(tp[-1]), sep=";")

    # ---- Sensor Logger -----------------------------------------------------------------------
    rng = np.random.default_rng(7)
    t0_ns = int(START_UNIX_S * 1e9)
    tn = t0_ns + 120_000_000 + np.round(t * 1e9 + rng.uniform(-2e5, 2e5, n)).astype(np.int64)
    for d in ("sensorlogger_android", "sensorlogger_ios"):
        shutil.rmtree(HERE / d, ignore_errors=True)
    f = HERE / "sensorlogger_android"
    write_sensorlogger_table(f / "TotalAcceleration.csv", tn, t0_ns, acc)
    write_sensorlogger_table(f / "Accelerometer.csv", tn, t0_ns, lin)
    write_sensorlogger_table(f / "Gravity.csv", tn, t0_ns, grav)
    write_sensorlogger_table(f / "Gyroscope.csv", tn + 1_000_000, t0_ns, gyro)
    (f / "Metadata.csv").write_text(
        "version,device name,recording epoch time,recording time,recording timezone,platform,appVersion,"
        "device id,sensors,sampleRateMs\n"
        f"3,Pixel 7,{int(START_UNIX_S * 1000)},2024-03-17_17-48-52,UTC,android,1.28.0,"
        "a1b2c3d4e5f60718,Accelerometer|Gravity|Gyroscope|TotalAcceleration,10|10|10|10\n")
    zip_folder(f, HERE / "sensorlogger_android.zip")

    f = HERE / "sensorlogger_ios"
    write_sensorlogger_table(f / "Accelerometer.csv", tn, t0_ns, lin)
    write_sensorlogger_table(f / "Gravity.csv", tn, t0_ns, grav)
    write_sensorlogger_table(f / "Gyroscope.csv", tn, t0_ns, gyro)
    (f / "Metadata.csv").write_text(
        "version,device name,recording time,platform,appVersion,device id,sensors,sampleRateMs\n"
        "3,iPhone 13,2024-03-17_17-48-52,ios,1.11.0,8F2C1D7E-0A6B-4C7E-9E3B-2B1D5A6C7F80,"
        "Accelerometer|Gravity|Gyroscope,10|10|10\n")
    zip_folder(f, HERE / "sensorlogger_ios.zip")

    # ---- sitting still (native) --------------------------------------------------------------
    _, sit_all = load_native(SIT_FILE)
    sit = window(sit_all, *SIT_WINDOW_S)
    body = "\n".join(",".join([f"{r[0]:.2f}"] + [f"{v:.6g}" for v in r[1:]]) for r in sit)
    (HERE / "native_sitting.csv").write_text(
        f"# source: datasets/mobgap_HA002_daily.csv, {SIT_WINDOW_S[0]:.0f}-{SIT_WINDOW_S[1]:.0f} s (sitting), "
        "time re-based to 0\n# sample_rate_hz: 100\n# placement: lower_back\n"
        "time_s,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z\n" + body + "\n")

    # ---- trimmed third-party files -------------------------------------------------------------
    d = HERE / "gaitpy_demo"
    d.mkdir(exist_ok=True)
    lines = (PEER / "gaitpy_demo" / "demo_data.csv").read_text().splitlines(keepends=True)
    first = next(i for i, l in enumerate(lines) if l[:4].isdigit() and l[10:11] == " ")
    (d / "demo_data_30s.csv").write_text("".join(lines[:first + 30 * 50]))
    shutil.copyfile(PEER / "gaitpy_demo" / "LICENSE", d / "LICENSE")
    (d / "SOURCE.md").write_text(
        "`demo_data_30s.csv`: the header and first 30 s (1500 rows) of `demo_data.csv` from GaitPy 1.6.1 "
        "(PyPI wheel, `gaitpy/demo/`), unmodified otherwise. GENEActiv on the back, 50 Hz, g.\n"
        "Licence: MIT, Copyright (c) 2019 Matt (GaitPy by Verily) — see `LICENSE`.\n")
    d = HERE / "skdh_examples"
    d.mkdir(exist_ok=True)
    lines = (PEER / "skdh_examples" / "example_data_2min.csv").read_text().splitlines(keepends=True)
    t_first = float(lines[0].split(",")[0])
    keep = [l for l in lines if float(l.split(",")[0]) - t_first < 30.0]
    (d / "example_data_30s.csv").write_text("".join(keep))
    shutil.copyfile(PEER / "skdh_examples" / "LICENSE", d / "LICENSE")
    (d / "SOURCE.md").write_text(
        "`example_data_30s.csv`: the first 30 s of `examples/example_data_2min.csv` from "
        "GitHub pfizer-opensource/scikit-digital-health, unmodified otherwise. Axivity AX6, ~100 Hz, no header: "
        "unix_s, ax, ay, az [g], gx, gy, gz [deg/s].\nLicence: MIT, Copyright (c) 2021 Pfizer Inc. — see `LICENSE`.\n")

    for p in sorted(HERE.rglob("*")):
        if p.is_file() and p.suffix in (".csv", ".zip"):
            print(f"{p.relative_to(HERE)}: {p.stat().st_size / 1000:.0f} kB")


if __name__ == "__main__":
    main()
