"""Loaders for recordings with reference gait events, for the accuracy benchmark.

Every loader yields :class:`RefRecording` objects: the signal as the device delivered it
(gaps and irregular sampling kept, so imu_gait sees the real input) plus the reference
events and the windows in which they are valid. :func:`uniform_signal` gives the
gap-free, uniformly sampled version that the peer pipelines need.

Sources (see ``../shared/docs/datasets.md``):

* ``datasets/`` in the repo: native CSV (``time_s,acc_x,acc_y,acc_z[,gyro_x,gyro_y,gyro_z]``,
  ``# key: value`` metadata lines) with a reference JSON beside it
  (``<stem>.ref.json`` / ``<stem>_ref.json`` / ``<stem>.json`` holding ``ic_times_s`` and
  optionally ``bouts`` = ``[{start_s, end_s, ...}]``). Always scanned.
* ``../shared/datasets_raw/ipol_voisard_healthy_gait`` (AGPL-3.0, read in place, never copied).
* ``../shared/datasets_raw/mobgap_example`` (Apache-2.0).
* ``../shared/datasets_raw/oxford_step_counter`` (CC BY 4.0).

A missing folder is skipped with a message (see :func:`load_all`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

G = 9.80665  # m/s² per g


def load_evaluation():
    """``imu_gait.evaluation`` — imported from its file when the package itself does not import
    (e.g. while the engine is half-written), so the peers can still be scored."""
    try:
        from imu_gait import evaluation
        return evaluation
    except Exception:  # noqa: BLE001
        import importlib.util
        import sys
        spec = importlib.util.spec_from_file_location(
            "imu_gait_evaluation", Path(__file__).resolve().parents[1] / "imu_gait" / "evaluation.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
        return mod

REPO = Path(__file__).resolve().parents[1]
RAW = REPO.parent / "shared" / "datasets_raw"
IPOL_DIR = RAW / "ipol_voisard_healthy_gait"
MOBGAP_DIR = RAW / "mobgap_example"
OXFORD_DIR = RAW / "oxford_step_counter"
DATASETS_DIR = REPO / "datasets"

#: Oxford placements that are trunk / trouser-pocket wear (the project's scope); the other
#: folders of the upstream set (in hand, armband, purse …) are not shipped in datasets_raw.
OXFORD_POSITIONS = ("frontpocket", "backpocket", "neckpouch")


@dataclass
class RefRecording:
    """One recording with reference events. Times in s on the recording's own axis."""

    dataset: str                      # "datasets" | "ipol" | "mobgap" | "oxford"
    name: str                         # unique, e.g. "ipol/1-1", "mobgap/HA002/Test11/Trial1"
    subject: str                      # for per-subject rows
    condition: str                    # "walk", "daily", "FrontPocket", …
    time_s: np.ndarray                # (N,) as delivered (gaps / irregular sampling kept)
    acc_mps2: np.ndarray              # (N, 3) sensor axes, gravity included
    gyro_rads: np.ndarray | None      # (N, 3) or None
    fs_hz: float                      # nominal rate
    ref_ic_s: np.ndarray              # reference initial contacts (s)
    bouts: np.ndarray                 # (B, 2) reference walking bouts (s): cadence per bout
    score_windows: np.ndarray | None  # None: score the whole file; else (W, 2) windows
    extra_windows: dict[str, np.ndarray] = field(default_factory=dict)  # e.g. {"uturn": …}
    ref_strides: np.ndarray = field(default_factory=lambda: np.empty((0, 3)))  # (start_s, end_s, length_m)
    #: spans where the reference lost a contact it knows happened (INDIP NaN ICs): a detection
    #: there is neither right nor wrong, so these are cut out of the scored windows
    ignore_windows: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    #: walking bouts seen by a second reference system (mobgap: Stereophoto) that the main
    #: one may have missed; a second false-step count leaves them out too
    other_walking: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    sensor_height_m: float | None = None
    body_height_m: float | None = None
    start_unix_s: float | None = None
    placement: str = "lower_back"     # "lower_back" | "pocket" | "chest"
    false_step_eval: bool = False     # count detections outside bouts (daily activities)
    ic_timing_valid: bool = True      # False: reference times are only coarse (pad edges)
    notes: list[str] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return float(self.time_s[-1] - self.time_s[0])

    @property
    def n_ref_steps(self) -> int:
        """Reference steps counted over the scored part of the recording."""
        if self.score_windows is None:
            return int(self.ref_ic_s.size)
        return int(np.sum(load_evaluation().in_windows(self.ref_ic_s, self.effective_windows)))

    @property
    def effective_windows(self) -> np.ndarray | None:
        """Scored windows minus the ignored spans (None = whole file, nothing ignored)."""
        subtract_windows = load_evaluation().subtract_windows
        if not self.ignore_windows.size:
            return self.score_windows
        base = self.score_windows if self.score_windows is not None else \
            np.array([[min(self.time_s[0], self.ref_ic_s.min(initial=np.inf)) - 1.0,
                       max(self.time_s[-1], self.ref_ic_s.max(initial=-np.inf)) + 1.0]])
        return subtract_windows(base, self.ignore_windows)


# ---- helpers ---------------------------------------------------------------------------
def _win(pairs) -> np.ndarray:
    a = np.asarray(pairs, dtype=np.float64)
    return a.reshape(-1, 2) if a.size else np.empty((0, 2))


def body_axes_permutation(acc_mps2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Axis order and signs that put the sensor axis nearest to gravity first, pointing up.

    Returns ``(order, sign)`` with ``acc_body = acc[:, order] * sign`` = (vertical, a, b),
    where a, b are the remaining sensor axes in their original order (for the lower-back
    datasets here: mediolateral, anteroposterior). When the vertical axis is flipped the
    last axis is flipped as well so that the frame stays right-handed. No rotation is
    applied: a lower-back pipeline is meant to receive the sensor's own axes.
    """
    mean = np.mean(acc_mps2, axis=0)
    v = int(np.argmax(np.abs(mean)))
    order = np.array([v] + [k for k in range(3) if k != v])
    parity = -1.0 if v == 1 else 1.0      # (1, 0, 2) is odd; (0, 1, 2), (2, 0, 1) are even
    sign = np.ones(3)
    sign[0] = 1.0 if mean[v] >= 0 else -1.0
    sign[2] = parity * sign[0]            # det(permutation · diag(sign)) = +1
    return order, sign


def uniform_signal(rec: RefRecording, fs_hz: float = 100.0) -> dict[str, np.ndarray | float]:
    """Gap-free, uniformly sampled copy of a recording for the peers.

    Samples are binned on a ``fs_hz`` grid starting at the first sample and averaged per bin
    (a boxcar anti-alias filter when the source is faster, e.g. phones at 200–400 Hz); empty
    bins (gaps, slower source) are filled by linear interpolation. Returns
    ``dict(time_s, acc_mps2, gyro_rads (or None), fs_hz, interpolated_fraction)``.
    """
    t = rec.time_s - rec.time_s[0]
    n = int(np.floor(t[-1] * fs_hz + 0.5)) + 1
    k = np.clip(np.floor(t * fs_hz + 0.5).astype(np.int64), 0, n - 1)
    counts = np.bincount(k, minlength=n).astype(np.float64)
    have = counts > 0
    grid = np.arange(n) / fs_hz

    def regrid(x: np.ndarray) -> np.ndarray:
        out = np.empty((n, x.shape[1]))
        for j in range(x.shape[1]):
            s = np.bincount(k, weights=x[:, j], minlength=n)
            col = np.full(n, np.nan)
            col[have] = s[have] / counts[have]
            out[:, j] = np.interp(grid, grid[have], col[have])
        return out

    return {
        "time_s": grid + rec.time_s[0],
        "acc_mps2": regrid(rec.acc_mps2),
        "gyro_rads": None if rec.gyro_rads is None else regrid(rec.gyro_rads),
        "fs_hz": float(fs_hz),
        "interpolated_fraction": float(1.0 - have.mean()),
    }


# ---- in-repo datasets/ ------------------------------------------------------------------
def _read_native_csv(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, dict]:
    """Minimal reader of the project's native CSV (see CONTRACTS / architecture docs)."""
    meta: dict[str, str] = {}
    header: list[str] | None = None
    n_skip = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            n_skip += 1
            s = line.strip()
            if not s:
                continue
            if s.startswith("#"):
                m = re.match(r"#\s*([^:]+):\s*(.*)$", s)
                if m:
                    meta[m.group(1).strip()] = m.group(2).strip()
                continue
            header = [h.strip() for h in s.split(",")]
            break
    if header is None or header[:4] != ["time_s", "acc_x", "acc_y", "acc_z"]:
        raise ValueError(f"{path}: not a native imu_gait CSV (header {header})")
    data = np.loadtxt(path, delimiter=",", skiprows=n_skip, ndmin=2, comments="#")
    gyro = data[:, 4:7] if len(header) >= 7 and header[4:7] == ["gyro_x", "gyro_y", "gyro_z"] else None
    return data[:, 0], data[:, 1:4], gyro, meta


def _ref_json_for(csv: Path) -> Path | None:
    for cand in (csv.with_suffix(".ref.json"), csv.with_name(csv.stem + "_ref.json"),
                 csv.with_name(csv.stem + ".json"), csv.with_name(csv.stem + "-ref.json")):
        if cand.exists():
            return cand
    return None


def _num(x) -> float | None:
    try:
        v = float(x)
        return v if np.isfinite(v) else None
    except (TypeError, ValueError):
        return None


def _subject_from_stem(stem: str) -> str:
    """'mobgap_HA001_daily' -> 'HA001'; 'oxford_Samsung_Dario_Hard_BackPocket_1' -> 'Samsung_Dario'."""
    parts = stem.split("_")
    if parts[0] == "mobgap" and len(parts) > 1:
        return parts[1]
    if parts[0] == "oxford" and len(parts) > 2:
        return f"{parts[1]}_{parts[2]}"
    return stem


def load_datasets_dir(root: Path = DATASETS_DIR, log: Callable[[str], None] = print) -> Iterator[RefRecording]:
    """Native CSVs under ``datasets/`` with a reference JSON beside them.

    Reference keys understood: ``ic_times_s`` (initial contacts; scored only inside
    ``bouts`` when the key ``bouts`` is present, even if empty — "the reference is silent
    outside its bouts") or ``step_times_s`` (step counter pads: coarse times, scored over the
    whole file like the raw Oxford set); ``bouts`` = [{start_s, end_s, strides?}],
    ``sensor_height_m``, ``height_m``; metadata lines ``placement``, ``sensor_height_m``.
    """
    if not root.is_dir():
        log(f"skip datasets/: {root} not found")
        return
    found = 0
    for csv in sorted(root.rglob("*.csv")):
        ref_path = _ref_json_for(csv)
        if ref_path is None:
            continue
        try:
            ref = json.loads(ref_path.read_text())
        except (OSError, json.JSONDecodeError) as e:
            log(f"skip {csv.relative_to(root)}: reference {ref_path.name} unreadable ({e})")
            continue
        if "ic_times_s" in ref:
            ref_ic, timing_ok = np.asarray(ref["ic_times_s"], dtype=np.float64), True
        elif "step_times_s" in ref:
            ref_ic, timing_ok = np.asarray(ref["step_times_s"], dtype=np.float64), False
        else:
            continue
        ref_ic = np.sort(ref_ic[np.isfinite(ref_ic)])
        try:
            t, acc, gyro, meta = _read_native_csv(csv)
        except (ValueError, OSError) as e:
            log(f"skip {csv.relative_to(root)}: {e}")
            continue
        has_bouts = "bouts" in ref and timing_ok
        bouts = _win([(b["start_s"], b["end_s"]) for b in ref.get("bouts") or []])
        strides, ignore = [], []
        for b in ref.get("bouts") or []:
            if isinstance(b.get("ic_times_s"), list):   # per-bout ICs with null = lost by the reference
                b_all = np.array([np.nan if v is None else v for v in b["ic_times_s"]], dtype=np.float64)
                ignore += load_evaluation().lost_contact_spans(b_all, float(b["start_s"]), float(b["end_s"])).tolist()
            lengths = b.get("stride_lengths_m")
            b_ic = ref_ic[(ref_ic >= b["start_s"] - 1e-6) & (ref_ic <= b["end_s"] + 1e-6)]
            # INDIP strides run from IC k to IC k+2 of their bout (n_ic - 2 strides); only usable
            # when no IC of the bout was dropped (NaN), otherwise the pairing is ambiguous.
            if lengths and not b.get("n_ic_nan_dropped") and len(lengths) == b_ic.size - 2:
                strides += list(zip(b_ic[:-2], b_ic[2:], lengths))
        rel = csv.relative_to(root)
        text = (csv.stem + " " + str(ref.get("source", ""))).lower()
        daily = "daily" in text
        placement = str(meta.get("placement", ref.get("placement", "lower_back"))).lower()
        placement = ("pocket" if "pocket" in placement else
                     "chest" if ("chest" in placement or "neck" in placement) else "lower_back")
        notes = [f"reference: {ref_path.name}"]
        if has_bouts and not bouts.size:
            notes.append("reference has no walking bout: nothing to score")
        found += 1
        source = csv.stem.split("_")[0] if "_" in csv.stem else "other"
        yield RefRecording(
            dataset=f"datasets:{source}", name=f"datasets/{rel.with_suffix('').as_posix()}",
            subject=str(ref.get("subject", _subject_from_stem(csv.stem))),
            condition="daily" if daily else ("walk" if placement == "lower_back" else placement),
            time_s=t, acc_mps2=acc, gyro_rads=gyro,
            fs_hz=float(1.0 / np.median(np.diff(t))), ref_ic_s=ref_ic,
            bouts=bouts if has_bouts else (_win([(ref_ic[0], ref_ic[-1])]) if ref_ic.size else np.empty((0, 2))),
            score_windows=bouts if has_bouts else None,
            ref_strides=np.asarray(strides, dtype=np.float64).reshape(-1, 3),
            ignore_windows=_win(ignore),
            other_walking=_win([(b["start_s"], b["end_s"]) for b in ref.get("stereophoto_bouts") or []]),
            sensor_height_m=_num(ref.get("sensor_height_m", meta.get("sensor_height_m"))),
            body_height_m=_num(ref.get("height_m", meta.get("height_m"))),
            start_unix_s=_num(ref.get("start_unix_s", meta.get("start_unix_s"))),
            placement=placement, false_step_eval=daily and has_bouts, ic_timing_valid=timing_ok,
            notes=notes,
        )
    if not found:
        log(f"datasets/: no CSV with a reference JSON found under {root}")


# ---- IPOL (Voisard et al.) --------------------------------------------------------------
def load_ipol(root: Path = IPOL_DIR, log: Callable[[str], None] = print) -> Iterator[RefRecording]:
    """Lower-back Xsens trials with foot-IMU initial contacts (IPOL healthy gait set).

    Time axis: ``PacketCounter / 100`` s, so the dropped packets stay visible as gaps
    (imu_gait receives them as such). Reference IC = the *second* element (foot strike) of
    each ``[foot-off, foot-strike]`` pair, index / 100 s on the same axis. Scored over the
    whole file against all events; extra windows: ``uturn`` (UTurnBoundaries) and
    ``straight`` (the rest). Cadence bout = TrialBoundaries. Sensor height is not given:
    0.53 × body height (leg length, the usual proxy) is passed where a tool needs it.
    """
    data_dir = root / "GaitData"
    if not data_dir.is_dir():
        log(f"skip IPOL: {data_dir} not found")
        return
    for lb in sorted(data_dir.glob("*_lb.txt"), key=lambda p: [int(x) for x in p.name[:-7].split("-")]):
        js = lb.with_name(lb.name[:-7] + ".json")
        if not js.exists():
            log(f"skip {lb.name}: no {js.name}")
            continue
        meta = json.loads(js.read_text())
        a = np.loadtxt(lb, skiprows=2)
        t = a[:, 0] / 100.0
        ev = np.asarray(meta["LeftFootEvents"] + meta["RightFootEvents"], dtype=np.float64).reshape(-1, 2)
        ic = np.sort(ev[:, 1]) / 100.0
        trial = np.asarray(meta["TrialBoundaries"], dtype=np.float64) / 100.0
        uturn = np.asarray(meta["UTurnBoundaries"], dtype=np.float64).reshape(-1, 2) / 100.0
        complement_windows = load_evaluation().complement_windows
        height_cm = _num(meta.get("Height"))
        height = height_cm / 100.0 if height_cm else None
        n_missing = int(round(t[-1] * 100 - t[0] * 100 + 1)) - t.size
        yield RefRecording(
            dataset="ipol", name=f"ipol/{meta['Filename']}", subject=f"S{int(meta['Subject']):02d}",
            condition="walk+uturn", time_s=t, acc_mps2=a[:, 1:4], gyro_rads=a[:, 4:7], fs_hz=100.0,
            ref_ic_s=ic, score_windows=None,
            # cadence bout: the trial, widened to cover the steps logged after its end
            bouts=np.array([[min(trial[0], ic[0]), max(trial[1], ic[-1])]]),
            extra_windows={"uturn": uturn,
                           "straight": complement_windows(uturn, min(t[0], ic.min() - 1), max(t[-1], ic.max() + 1))},
            sensor_height_m=0.53 * height if height else None, body_height_m=height,
            notes=([f"{n_missing} dropped packets kept as gaps"] if n_missing else [])
            + ([] if height else ["body height not given"]),
        )


# ---- mobgap example data (Mobilise-D TVS, INDIP reference) -------------------------------
def _as_bout_list(wb) -> list[dict]:
    if isinstance(wb, dict):
        return [wb]
    if isinstance(wb, (list, tuple)):
        return [b for b in wb if isinstance(b, dict)]
    return []  # empty array = no bout


def mobgap_trials(root: Path = MOBGAP_DIR) -> Iterator[tuple[str, str, str, str, dict]]:
    """(cohort, participant, test, trial, the trial's record) of every lab recording with sensor data in
    mobgap's example ``data.mat`` files, in a fixed order (the one traversal of their nested dicts)."""
    import scipy.io as sio

    for pdir in sorted(p for p in (root / "data" / "lab").glob("*/*") if (p / "data.mat").exists()):
        data = sio.loadmat(pdir / "data.mat", simplify_cells=True)["data"]
        for tm in data.values():
            for test, trials in tm.items():
                if not isinstance(trials, dict):
                    continue
                for trial, rec in trials.items():
                    if isinstance(rec, dict) and "SU" in rec:
                        yield pdir.parent.name, pdir.name, test, trial, rec


def load_mobgap(root: Path = MOBGAP_DIR, log: Callable[[str], None] = print) -> Iterator[RefRecording]:
    """All 6 lab recordings of HA/001 and HA/002, INDIP reference, scored within INDIP bouts."""
    lab = root / "data" / "lab"
    if not lab.is_dir():
        log(f"skip mobgap_example: {lab} not found")
        return
    pmeta_path = root / "data_csv" / "participant_metadata.json"
    pmeta = json.loads(pmeta_path.read_text()) if pmeta_path.exists() else {}
    test_names = {"Test5": "walk", "Test11": "daily"}
    for cohort, pid, test, trial, rec in mobgap_trials(root):
        info = pmeta.get(cohort, {}).get(pid, {})
        lb = rec["SU"]["LowerBack"]
        acc = np.asarray(lb["Acc"], dtype=np.float64) * G
        gyr = np.deg2rad(np.asarray(lb["Gyr"], dtype=np.float64))
        fs = float(lb["Fs"]["Acc"] if isinstance(lb["Fs"], dict) else lb["Fs"])
        t = np.arange(acc.shape[0]) / fs
        std = rec.get("Standards", {}).get("INDIP")
        wbs = _as_bout_list(std.get("MicroWB")) if isinstance(std, dict) else []
        ics, bouts, strides, ignore = [], [], [], []
        for b in wbs:
            ic = np.atleast_1d(np.asarray(b.get("InitialContact_Event", []), dtype=np.float64))
            ics.append(ic[np.isfinite(ic)])
            ignore += load_evaluation().lost_contact_spans(ic, float(b["Start"]), float(b["End"])).tolist()
            bouts.append((float(b["Start"]), float(b["End"])))
            sic = np.asarray(b.get("Stride_InitialContacts", []), dtype=np.float64).reshape(-1, 2)
            sl = np.atleast_1d(np.asarray(b.get("Stride_Length", []), dtype=np.float64))
            if sic.shape[0] == sl.size:
                strides.append(np.c_[sic / fs, sl])
        stereo = rec.get("Standards", {}).get("Stereophoto")
        stereo_wbs = _as_bout_list(stereo.get("MicroWB")) if isinstance(stereo, dict) else []
        kind = test_names.get(test, test)
        notes = [] if wbs else ["INDIP found no walking bout: nothing to score"]
        if ignore:
            notes.append(f"{len(ignore)} span(s) around NaN INDIP ICs not scored")
        yield RefRecording(
            dataset="mobgap", name=f"mobgap/{cohort}{pid}/{test}/{trial}", subject=f"{cohort}{pid}",
            condition=kind, time_s=t, acc_mps2=acc, gyro_rads=gyr, fs_hz=fs,
            ref_ic_s=np.sort(np.concatenate(ics)) if ics else np.empty(0),
            bouts=_win(bouts), score_windows=_win(bouts),
            ref_strides=np.concatenate(strides) if strides else np.empty((0, 3)),
            ignore_windows=_win(ignore),
            other_walking=_win([(float(b["Start"]), float(b["End"])) for b in stereo_wbs]),
            sensor_height_m=_num(info.get("sensor_height_m")),
            body_height_m=_num(info.get("height_m")),
            start_unix_s=float(np.asarray(lb["Timestamp"]).ravel()[0]),
            false_step_eval=(kind == "daily"), notes=notes,
        )


# ---- Oxford step counter ----------------------------------------------------------------
def _rising_edges(x: np.ndarray) -> np.ndarray:
    """Indices i where x goes 0 → 1 between rows i-1 and i (a pad loaded in row 0 is no step)."""
    x = np.asarray(x) > 0.5
    return np.flatnonzero(~x[:-1] & x[1:]) + 1


def load_oxford(root: Path = OXFORD_DIR, log: Callable[[str], None] = print) -> Iterator[RefRecording]:
    """Phones in trouser pockets and on the chest; insole-pad step counts (Salvi et al. 2018).

    imu_gait receives the irregular phone samples as they are. Reference steps = rising
    edges of pad_1 + pad_2 (times on the same ns-since-boot clock, ≈ 100 ms resolution:
    good for counts and cadence, coarse for IC timing). The whole file is scored.
    """
    data_dir = root / "optimisation" / "data"
    if not data_dir.is_dir():
        log(f"skip Oxford: {data_dir} not found")
        return
    import pandas as pd
    stats = {}
    sp = root / "optimisation" / "stats.csv"
    if sp.exists():
        df = pd.read_csv(sp, skipinitialspace=True)
        df.columns = [c.strip().lstrip("#") for c in df.columns]
        stats = {str(r["dir"]).strip().lower(): r for _, r in df.iterrows()}
    for d in sorted(p for p in data_dir.iterdir() if p.is_dir()):
        parts = d.name.split("_")
        if len(parts) < 5 or parts[3].lower() not in OXFORD_POSITIONS:
            continue
        acc_f, step_f = d / "accelerometer.csv", d / "stepcounter.csv"
        if not (acc_f.exists() and step_f.exists()):
            log(f"skip {d.name}: accelerometer.csv / stepcounter.csv missing")
            continue
        a = pd.read_csv(acc_f, header=None).to_numpy(dtype=np.float64)
        s = pd.read_csv(step_f, header=None).to_numpy(dtype=np.float64)
        t0 = a[0, 0]
        t = (a[:, 0] - t0) / 1e9
        st = (s[:, 0] - t0) / 1e9
        ic = np.sort(np.r_[st[_rising_edges(s[:, 1])], st[_rising_edges(s[:, 2])]])
        notes = []
        row = stats.get(d.name.lower())
        if row is not None and int(row["steps"]) != ic.size:
            notes.append(f"pad count {ic.size} != stats.csv {int(row['steps'])}")
        pos = parts[3].lower()
        yield RefRecording(
            dataset="oxford", name=f"oxford/{d.name}", subject=f"{parts[0]}_{parts[1]}",
            condition={"frontpocket": "FrontPocket", "backpocket": "BackPocket", "neckpouch": "NeckPouch"}[pos],
            time_s=t, acc_mps2=a[:, 2:5], gyro_rads=None, fs_hz=float(1.0 / np.median(np.diff(t))),
            ref_ic_s=ic, bouts=_win([(ic[0], ic[-1])]) if ic.size else np.empty((0, 2)), score_windows=None,
            placement="chest" if pos == "neckpouch" else "pocket", ic_timing_valid=False, notes=notes,
        )


LOADERS: dict[str, Callable[..., Iterator[RefRecording]]] = {
    "ipol": load_ipol,
    "mobgap": load_mobgap,
    "oxford": load_oxford,
    "datasets": load_datasets_dir,
}


def load_all(names=None, log: Callable[[str], None] = print) -> list[RefRecording]:
    """All available recordings of the named datasets (default: all), skipping missing ones."""
    out: list[RefRecording] = []
    for name in names or LOADERS:
        out.extend(LOADERS[name](log=log))
    return out
