#!/usr/bin/env python
"""Build the small real recordings in ``datasets/`` from ``../shared/datasets_raw``.

Re-runnable: ``python datasets/make_datasets.py`` (from the repo root or anywhere). It reads
the unmodified upstream files in ``<repo>/../shared/datasets_raw`` (override with
``--raw DIR``) and writes, next to this script:

* ``mobgap_HA00{1,2}_{daily,walk1,walk2}.csv`` — native imu_gait CSV of the McRoberts MM+
  lower-back sensor (Mobilise-D TVS lab data; Apache-2.0), with ``….ref.json`` holding the
  INDIP reference (initial contacts, sides, walking bouts with cadence, stride lengths,
  walking speed; Stereophoto ICs as a second opinion);
* ``oxford_<recording>.csv`` — native CSV of the phone accelerometer (Oxford step counter
  data set; CC BY 4.0), irregular timestamps kept, with ``….ref.json`` holding the pad
  step times;
* the licence files (``LICENSE.mobgap``, ``NOTICE.mobgap``, ``LICENSE.oxford.md``).

Changes made to the data are listed in ``datasets/README.md`` (and in each file's ``#``
metadata lines).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.io as sio

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
G = 9.80665
DEG = np.pi / 180.0

MOBGAP_RECORDINGS = [  # (participant, test, trial, short name)
    ("001", "Test11", "Trial1", "daily"),
    ("001", "Test5", "Trial1", "walk1"),
    ("001", "Test5", "Trial2", "walk2"),
    ("002", "Test11", "Trial1", "daily"),
    ("002", "Test5", "Trial1", "walk1"),
    ("002", "Test5", "Trial2", "walk2"),
]
TEST_NAMES = {"Test5": "Straight Walk Comfortable", "Test11": "DailyActivities (simulated daily living)"}
OXFORD_RECORDINGS = [  # (folder, placement, readable placement)
    ("Samsung_Dario_Hard_BackPocket_1", "back_trouser_pocket", "back trouser pocket"),
    ("Samsung_Carmelo_Hard_NeckPouch_2", "chest_neck_pouch", "neck pouch hanging on the chest"),
]


# ---------------------------------------------------------------------------------------
def as_bout_list(micro_wb) -> list[dict]:
    """MicroWB is a dict (1 bout), a list (n bouts) or an empty array (none)."""
    if isinstance(micro_wb, dict):
        return [micro_wb]
    if isinstance(micro_wb, (list, tuple)):
        return [b for b in micro_wb if isinstance(b, dict)]
    arr = np.asarray(micro_wb, dtype=object)
    if arr.size == 0:
        return []
    return [b for b in arr.ravel() if isinstance(b, dict)]


def as_1d(x, dtype=float) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(x, dtype=object)).ravel()
    if dtype is float:
        return np.array([float(v) for v in arr], dtype=float) if arr.size else np.zeros(0)
    return np.array([str(v) for v in arr], dtype=object)


def finite_list(x, ndigits=4) -> list:
    return [None if not np.isfinite(v) else round(float(v), ndigits) for v in as_1d(x)]


def reference_from_standard(std: dict) -> dict:
    bouts_in = as_bout_list(std.get("MicroWB", []))
    ics, sides, bouts = [], [], []
    for b in bouts_in:
        ic = as_1d(b.get("InitialContact_Event", []))
        lr = as_1d(b.get("InitialContact_LeftRight", []), dtype=str)
        if lr.size != ic.size:
            lr = np.array(["?"] * ic.size, dtype=object)
        ok = np.isfinite(ic)
        ics.extend(ic[ok].tolist())
        sides.extend([s.lower() for s in lr[ok]])
        bouts.append({
            "start_s": round(float(b["Start"]), 4),
            "end_s": round(float(b["End"]), 4),
            "n_ic": int(ok.sum()),
            "n_ic_nan_dropped": int((~ok).sum()),
            # the bout's contacts in order, null where the reference lost one: where it was lost
            # matters for scoring (imu_gait.evaluation.lost_contact_spans)
            "ic_times_s": finite_list(ic),
            "cadence_spm": None if not np.isfinite(float(b.get("Cadence", np.nan))) else round(float(b["Cadence"]), 3),
            "stride_lengths_m": finite_list(b.get("Stride_Length", [])),
            "walking_speed_mps": (None if not np.isfinite(float(b.get("WalkingSpeed", np.nan)))
                                  else round(float(b["WalkingSpeed"]), 4)),
            "turn_angles_deg": finite_list(b.get("Turn_Angle", []), 2),
        })
    order = np.argsort(ics, kind="stable")
    return {"ic_times_s": [round(float(ics[i]), 4) for i in order], "ic_sides": [sides[i] for i in order],
            "bouts": bouts}


def write_native_text(path: Path, meta: dict, header: str, columns: list[np.ndarray], fmts: list[str]) -> None:
    lines = [f"# {k}: {v}\n" for k, v in meta.items()]
    tmpl = ",".join(fmts) + "\n"
    block = np.column_stack(columns).tolist()
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("".join(lines))
        fh.write(header + "\n")
        fh.write("".join(tmpl % tuple(r) for r in block))


def make_mobgap(raw: Path, out: Path) -> list[str]:
    root = raw / "mobgap_example"
    participants = json.loads((root / "data_csv" / "participant_metadata.json").read_text())["HA"]
    made = []
    for pid, test, trial, short in MOBGAP_RECORDINGS:
        data = sio.loadmat(root / "data" / "lab" / "HA" / pid / "data.mat", simplify_cells=True)["data"]
        rec = data["TimeMeasure1"][test][trial]
        lb = rec["SU"]["LowerBack"]
        acc_g = np.asarray(lb["Acc"], dtype=float)
        gyr_dps = np.asarray(lb["Gyr"], dtype=float)
        ts = np.asarray(lb["Timestamp"], dtype=float)
        fs = lb["Fs"]["Acc"] if isinstance(lb["Fs"], dict) else lb["Fs"]
        t = np.round(ts - ts[0], 6)
        assert np.allclose(np.diff(t), 1.0 / fs, atol=1e-6), "mobgap timestamps are expected on a uniform grid"
        pinfo = participants[pid]
        name = f"mobgap_HA{pid}_{short}"
        meta = {
            "sample_rate_hz": int(fs),
            "placement": "lower_back",
            "device": "McRoberts MM+",
            "source": (f"mobgap example data (Mobilise-D Technical Validation Study, lab), HA/{pid} TimeMeasure1 "
                       f"{test} {trial} ({TEST_NAMES[test]}), SU.LowerBack; Apache-2.0, see datasets/README.md"),
            "sensor_height_m": round(float(pinfo["sensor_height_m"]), 4),
            "height_m": float(pinfo["height_m"]),
            "start_time": rec.get("StartDateTime", ""),
            "axes": "sensor axes as recorded: x ~ vertical, y mediolateral, z anteroposterior",
            "changes": "acc g*9.80665 -> m/s^2, gyro deg/s -> rad/s, time re-based to 0 s, Mag and Bar dropped",
        }
        write_native_text(out / f"{name}.csv", meta, "time_s,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z",
                          [t, acc_g * G, gyr_dps * DEG], ["%.2f"] + ["%.6g"] * 6)
        indip = reference_from_standard(rec["Standards"]["INDIP"])
        stereo = reference_from_standard(rec["Standards"].get("Stereophoto", {}))
        ref = {
            "recording": f"{name}.csv",
            "source": meta["source"],
            "reference_system": "INDIP (pressure insoles + foot IMUs + distance sensors)",
            "duration_s": round(float(t[-1]), 3),
            "n_ic": len(indip["ic_times_s"]),
            "n_ic_nan_dropped": int(sum(b["n_ic_nan_dropped"] for b in indip["bouts"])),
            "ic_times_s": indip["ic_times_s"],
            "ic_sides": indip["ic_sides"],
            "bouts": indip["bouts"],
            "scoring_note": "score detections only inside the bouts [start_s, end_s]; outside them the reference "
                            "is silent, not 'no steps'. Times are s from the first sample (= the CSV time axis).",
            "stereophoto_ic_times_s": stereo["ic_times_s"],
            "stereophoto_bouts": [{k: b[k] for k in ("start_s", "end_s", "n_ic", "n_ic_nan_dropped")}
                                  for b in stereo["bouts"]],
            "sensor_height_m": meta["sensor_height_m"],
            "height_m": meta["height_m"],
            "weight_kg": float(pinfo["weight_kg"]),
        }
        (out / f"{name}.ref.json").write_text(json.dumps(ref, indent=1) + "\n")
        made.append(name)
        print(f"{name}: {t.size} samples, {t[-1]:.1f} s, INDIP {len(indip['bouts'])} bouts / "
              f"{len(indip['ic_times_s'])} ICs (+{ref['n_ic_nan_dropped']} NaN dropped), Stereophoto {len(stereo['ic_times_s'])} ICs")
    shutil.copyfile(root / "LICENSE", out / "LICENSE.mobgap")
    shutil.copyfile(root / "NOTICE", out / "NOTICE.mobgap")
    return made


def rising_edges(state: np.ndarray) -> np.ndarray:
    """Indices where a 0/1 signal goes 0 → 1 (a pad loaded in the first row is no step)."""
    s = np.asarray(state, dtype=int)
    return np.flatnonzero((s[1:] == 1) & (s[:-1] == 0)) + 1


def make_oxford(raw: Path, out: Path) -> list[str]:
    root = raw / "oxford_step_counter" / "optimisation"
    folders = {p.name.lower(): p for p in (root / "data").iterdir() if p.is_dir()}
    stats = pd.read_csv(root / "stats.csv", skipinitialspace=True)
    stats.columns = [c.strip().lstrip("#") for c in stats.columns]
    stats["dir"] = stats["dir"].str.strip()
    made = []
    for folder, placement, placement_text in OXFORD_RECORDINGS:
        d = folders[folder.lower()]
        acc = pd.read_csv(d / "accelerometer.csv", header=None, names=["t_ns", "accuracy", "ax", "ay", "az"],
                          dtype={"t_ns": np.int64, "accuracy": np.int64, "ax": str, "ay": str, "az": str})
        steps = pd.read_csv(d / "stepcounter.csv", header=None, names=["t_ns", "pad_1", "pad_2"],
                            dtype=np.int64)
        t0 = int(acc["t_ns"].iloc[0])
        t_s = (acc["t_ns"].to_numpy() - t0) / 1e9
        sensor = ""
        if (d / "metadata.txt").exists():
            sensor = (d / "metadata.txt").read_text().split(":", 1)[-1].strip()
        dt = np.diff(t_s)
        rate = 1.0 / float(np.median(dt))
        name = f"oxford_{folder}"
        meta = {
            "sample_rate_hz": round(rate, 1),
            "placement": placement,
            "device": f"Samsung phone, {sensor}" if sensor else "Samsung phone",
            "source": (f"Oxford step counter data set, D. Salvi, C. Velardo, J. Brynes, L. Tarassenko, University of "
                       f"Oxford; optimisation/data/{d.name}/accelerometer.csv; CC BY 4.0 "
                       f"https://creativecommons.org/licenses/by/4.0/ ; see datasets/README.md"),
            "placement_note": f"phone in the {placement_text}; phone axes, arbitrary orientation",
            "sampling": f"irregular (median {rate:.1f} Hz, longest step {dt.max() * 1000:.1f} ms), timestamps kept",
            "changes": "time = (t_ns - first t_ns) / 1e9 s rounded to 1 us; accuracy column dropped; "
                       "acceleration values copied unchanged (m/s^2 incl. gravity)",
        }
        lines = [f"# {k}: {v}\n" for k, v in meta.items()]
        body = (pd.Series(np.char.mod("%.6f", t_s)) + "," + acc["ax"].str.strip() + "," + acc["ay"].str.strip()
                + "," + acc["az"].str.strip())
        with open(out / f"{name}.csv", "w", encoding="utf-8", newline="\n") as fh:
            fh.write("".join(lines))
            fh.write("time_s,acc_x,acc_y,acc_z\n")
            fh.write("\n".join(body.tolist()) + "\n")
        ts = (steps["t_ns"].to_numpy() - t0) / 1e9
        e1 = rising_edges(steps["pad_1"].to_numpy())
        e2 = rising_edges(steps["pad_2"].to_numpy())
        step_t = np.sort(np.concatenate([ts[e1], ts[e2]]))
        row = stats[stats["dir"].str.lower() == folder.lower()]
        stats_steps = int(row["steps"].iloc[0]) if len(row) else None
        ref = {
            "recording": f"{name}.csv",
            "source": meta["source"],
            "reference_system": "shoe-insole pressure pads (Ground Truth Device): steps = rising edges 0->1 of "
                                "pad_1 + rising edges of pad_2; logged every ~100 ms, so step times are good to "
                                "about 0.1 s (counts and cadence, not IC timing)",
            "duration_s": round(float(t_s[-1]), 3),
            "n_steps": int(step_t.size),
            "stats_csv_steps": stats_steps,
            "step_times_s": [round(float(x), 4) for x in step_t],
            "pad_1_step_times_s": [round(float(x), 4) for x in ts[e1]],
            "pad_2_step_times_s": [round(float(x), 4) for x in ts[e2]],
            "reference_window_s": [round(float(ts[0]), 4), round(float(ts[-1]), 4)],
            "time_note": "s from the first accelerometer sample (same clock as the pads)",
        }
        assert stats_steps is None or stats_steps == step_t.size, (folder, stats_steps, step_t.size)
        (out / f"{name}.ref.json").write_text(json.dumps(ref, indent=1) + "\n")
        made.append(name)
        print(f"{name}: {t_s.size} samples, {t_s[-1]:.1f} s, median {rate:.1f} Hz, {step_t.size} pad steps "
              f"(stats.csv {stats_steps})")
    write_oxford_licence(raw / "oxford_step_counter" / "README.upstream.md", out / "LICENSE.oxford.md", made)
    return made


OXFORD_CHANGES = """\
Changes made here (CC BY 4.0 section 3(a)(1)(B)): of the upstream data only these recordings were taken,
{recordings},
and they were converted, not shipped unmodified:
- accelerometer.csv -> oxford_<recording>.csv, imu_gait's native CSV: "# key: value" metadata lines and a header row
  (time_s,acc_x,acc_y,acc_z) added; timestamps converted from ns since phone boot to seconds from the first
  accelerometer sample, rounded to 1 us; the Android accuracy column (always 3) dropped; the acceleration
  values copied unchanged (same digits). No samples were removed, resampled or reordered.
- stepcounter.csv -> oxford_<recording>.ref.json: the pad log reduced to step times (rising edges 0 -> 1 of pad_1 plus
  those of pad_2), on the same clock and origin as the CSV, rounded to 0.1 ms.
- metadata.txt: its sensor name copied into the CSV's "# device:" line; optimisation/stats.csv only used to
  cross-check the step counts (not shipped).
Details: datasets/README.md; the script that made the files: datasets/make_datasets.py.
"""


def write_oxford_licence(upstream_readme: Path, path: Path, recordings: list[str]) -> None:
    """CC BY 4.0 notice for the Oxford files: licensor, the upstream licence statement (the "License"
    section of the upstream README, verbatim) and the changes made here."""
    text = upstream_readme.read_text(encoding="utf-8")
    statement = text[text.index("## License"):].rstrip() + "\n"
    names = " and ".join("optimisation/data/" + r.removeprefix("oxford_") for r in recordings)
    path.write_text(
        "Creative Commons Attribution 4.0 International (CC BY 4.0)\n"
        "https://creativecommons.org/licenses/by/4.0/   (legal code: https://creativecommons.org/licenses/by/4.0/legalcode)\n\n"
        "Licensor: the authors of github.com/Oxford-step-counter/DataSet (D. Salvi, C. Velardo, J. Brynes, "
        "L. Tarassenko, University of Oxford).\n\n"
        + OXFORD_CHANGES.format(recordings=names)
        + "\nThe upstream licence statement (the \"License\" section of the upstream README.md, commit "
        "922cc0d8511a7189f7a667d173c21e9472729603), reproduced verbatim:\n\n"
        + statement, encoding="utf-8", newline="\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, default=REPO.parent / "shared" / "datasets_raw")
    ap.add_argument("--out", type=Path, default=HERE)
    args = ap.parse_args(argv)
    if not args.raw.is_dir():
        print(f"raw data folder not found: {args.raw}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    make_mobgap(args.raw, args.out)
    make_oxford(args.raw, args.out)
    total = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    print(f"datasets/ total {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
