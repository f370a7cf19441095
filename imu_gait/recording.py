"""The in-memory recording: sample times, acceleration, angular rate and metadata.

Internal units (as in the native CSV, ``docs/json.md`` in the repository): time in float64 seconds on the recording's own
axis, acceleration in m/s² *including gravity*, angular rate in rad/s. Axes are the
sensor's own; the engine aligns them to the body frame itself.

A :class:`Recording` never silently drops or invents samples. :meth:`Recording.validated`
sorts out-of-order samples, merges exact duplicate timestamps and reports what it did in
``warnings``; data that cannot be trusted raises :class:`~imu_gait.errors.RecordingError`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from collections.abc import Mapping
from typing import Any

import numpy as np

from ._equality import same_values
from .errors import ArgumentError, RecordingError

G = 9.80665  # standard gravity, m/s²
#: a stated sampling rate (a header's sample_rate_hz) more than this share off the times' median is said
STATED_RATE_TOLERANCE = 0.2

# Shortest recording worth analysing: a few strides.
MIN_DURATION_S = 4.0
# Below this the gait signal (harmonics up to ~15 Hz) is not resolved.
MIN_RATE_HZ = 20.0
# The lowest rate accepted as MIN_RATE_HZ: 1 % under it, as a 20-Hz logger's clock runs a hair slow (its median
# sample step read 0.05000001 s, 19.9999996 Hz) and a 20-Hz sensor must not be refused for that.
MIN_RATE_ACCEPTED_HZ = 0.99 * MIN_RATE_HZ
# A gap longer than this splits the analysis into separate segments (no interpolation).
MAX_BRIDGED_GAP_S = 0.5
#: a step between time stamps over this many sample periods is a gap (samples missing), warned about
GAP_PERIODS = 3.0
#: plausible heights, m, of the sensor above the floor and of the walker (meta or given by the caller)
SENSOR_HEIGHT_RANGE_M = (0.3, 2.0)
BODY_HEIGHT_RANGE_M = (1.0, 2.5)
#: 95th percentile of |ω| above which a gyro stream is in deg/s, not rad/s: 8 rad/s ≈ 460 deg/s, far
#: beyond a worn trunk's rotation (walking 0.5–2 rad/s, fast turns ~5) and ordinary walking in deg/s
GYRO_DEG_S_P95 = 8.0
#: the full scale of the common MEMS gyroscopes' widest range, ±2000 deg/s: a rate stated in rad/s whose 95th
#: percentile is beyond it cannot be rad/s, whatever the user says (below it the user's unit is kept)
GYRO_FULL_SCALE_RADS = 2000.0 * np.pi / 180.0
#: a median |a| in this range is gravity written in g, not m/s² (nothing else a worn sensor measures is)
IN_G_MEDIAN_RANGE = (0.6, 1.6)
#: a gyroscope whose every axis stays within this range (rad/s, 0.06 deg/s) over a recording in which the
#: accelerometer moves is not measuring: a missing sensor written as 0 (AndroSensor) or a frozen one.
#: A still phone on a table still shows ≥ 0.05 rad/s of noise and sway (tests/data/native_sitting.csv)
GYRO_DEAD_RANGE = 1e-3
#: 1-s windows whose |a| varies by more than this (std, m/s²) count as movement (walking: 1.5–3;
#: sitting still: < 0.1)
MOVING_ACC_STD = 0.5
#: seconds of movement needed before the gyroscope is judged against it
MOVING_MIN_S = 5.0
#: a gyroscope far too slow for the walking it was worn in: a rate converted from deg/s to rad/s twice (57×
#: too small) reads twist and pelvic drop near 0, as if the walker guarded the back. Judged over the 1-s windows
#: in which |a| varies by over WALKING_ACC_STD (m/s², clear stepping: walking 1.5–3, a still or sitting wearer
#: < 0.1) for at least WALKING_MIN_S, by the median of |ω − the window's mean ω| (rad/s; the mean removes bias and
#: a steady turn). Measured (s37, gyrosmall): real lower-back walking 0.29–0.61 (58 IPOL trials: lowest 0.29;
#: mobgap HA001/HA002 daily and walks 0.36–0.49; the bundled phone walks 0.59), a synthetic walk 0.40, a guarded
#: one (twist 3°, drop 1.5°, 95 spm) 0.11, a very guarded one (twist 1.5°, drop 0.8°, 85 spm) 0.050; real walking
#: ÷57.3: 0.005–0.011 (the fuzz repro, mobgap HA001 daily ÷57.3: 0.010), the synthetic walk ÷10: 0.040. The limit sits 2.5×
#: under the very guarded walk and 14× under the lowest real walk: it catches every 57× slip; a 10× slip only
#: where the walk itself rotates little (÷10 of real walking reads 0.029–0.061)
GYRO_TOO_SLOW_RADS = 0.02
WALKING_ACC_STD = 1.0
WALKING_MIN_S = 10.0
#: the median rotation (rad/s, as GYRO_TOO_SLOW_RADS) of a typical walking trunk, which the warning's factor is
#: taken against (real lower-back walks above: 0.29–0.61)
WALKING_GYRO_TYPICAL_RADS = 0.4
#: an axis is clipped when at least this share of the samples (and CLIP_MIN_SAMPLES) sit exactly at its
#: extreme …
CLIP_MIN_SHARE = 0.005
CLIP_MIN_SAMPLES = 10
#: … in at least this many separate stretches (flat tops of many steps, not one held value) …
CLIP_MIN_RUNS = 5
#: … this far from the axis' median (m/s², 0.5 g): a still sensor with a coarse resolution repeats its
#: extremes next to the median. The bundled real recordings: no axis meets all three, except the Oxford
#: back-pocket phone (datasets/oxford_Samsung_Dario_…), which really is clipped at 4 g: 1.7 % of the
#: samples in 97 flat tops at exactly 3.9999 g
CLIP_MIN_EXCURSION = 0.5 * G
#: … the samples counted are those in flat tops of at least this many samples (a value held, not touched once) …
CLIP_MIN_RUN_SAMPLES = 2
#: … the extreme is at least this far from zero: no range is narrower (accelerometers start at ±1.5–2 g,
#: gyroscopes at ±125 °/s), and running's flight (free fall) quantised to exactly 0 g, or a quiet axis' own
#: coarse steps, repeat an extreme that is no rail (found by audit s36: "z at −0.00 g") …
CLIP_MIN_RAIL_ACC = 1.4 * G
CLIP_MIN_RAIL_GYRO = math.radians(100.0)
#: (the gyroscope's distance from its median, as CLIP_MIN_EXCURSION: rad/s, 50 °/s)
CLIP_MIN_EXCURSION_GYRO = math.radians(50.0)
#: … and the samples pile up on it: at least this many times as many as in the band just below it (CLIP_BAND_*,
#: or CLIP_BAND_LSB steps of the data's resolution when coarser). A signal cut at a rail spends the time it
#: would have spent above it on the rail; a smooth top read at a coarse resolution (8 bits over ±8 g, 62 mg
#: steps) repeats its top value too, but no more often than the values just below it. Measured (audit s36):
#: clipped 4.8–27× (a 2.27-g run at ±2 g: 4.8×; the Oxford phone at 4 g: 12–20×), quantised tops 0.1–0.5×
CLIP_PILEUP = 3.0
CLIP_BAND_ACC = 0.1 * G
CLIP_BAND_GYRO = math.radians(10.0)
CLIP_BAND_LSB = 4
#: the standard full scales a sensor can be set to (g; °/s): a clipped one is told the next that fits
ACC_RANGES_G = (2.0, 4.0, 8.0, 16.0)
GYRO_RANGES_DPS = (125.0, 250.0, 500.0, 1000.0, 2000.0)
#: every channel repeating exactly for this long is a frozen sensor (or a logger repeating its last
#: value): real sensors' noise changes the last digit from sample to sample — the longest exact
#: repeat in the bundled real recordings is 5 samples (23 ms)
FROZEN_MIN_S = 2.0
#: one axis holding exactly one value in at least this share of the samples in which the other axes move is
#: stuck (Polar H10: Z fixed at −2000 mG, Polar SDK issue #634; ble-protocols.md §3 rule 6): a working
#: axis on a moving trunk changes by far more than its resolution from sample to sample, and clipping
#: pins an axis only at the peaks of impacts (the most in the bundled recordings: 1.7 %, see CLIP_*)
STUCK_MIN_SHARE = 0.5
#: … held for at least this long at a time on average (s): a coarse sensor (8 bits over ±8 g) rounds a runner's
#: flight — free fall, 0 g on every axis — to exactly 0 for half the run, and a sensor set to ±2 g holds its rail
#: through every impact, 0.1–0.2 s each; both read as 'stuck' and the run was refused (audit s36 F4). A stuck
#: axis holds its value for seconds and minutes
STUCK_MIN_HOLD_S = 0.5
#: what to do about a stuck axis (offline and live)
STUCK_AXIS_HINT = ("a stuck axis is a hardware or firmware fault of the sensor (Polar H10: Z fixed "
                   "at −2000 mG, Polar SDK issue #634), not a unit problem: re-seat the sensor on its strap or "
                   "clip, power-cycle it (take it off the strap, or take out its battery, for a minute) and record "
                   "again; if the axis stays stuck, the sensor needs a firmware update or service. A file whose "
                   "column was written empty or fixed: check the columns (--acc-cols)")
#: |a| above this (m/s², 50 g) is no acceleration a worn trunk feels — running peaks at 3–6 g, a jump's
#: landing ~10 g — but a glitch: one corrupt sample (a radio error, a synthetic blend's kink made 880 g)
#: whose double integral becomes a bounce of metres. Isolated ones are replaced by their neighbours …
SPIKE_ACC = 50 * G
#: … up to this share of the samples; more means the data or its unit is wrong
SPIKE_MAX_SHARE = 0.001

#: windows over which the acceleration is averaged to find gravity: the body's own acceleration
#: averages out over a few strides, gravity does not
GRAVITY_WINDOW_S = 2.0
#: |window mean of a| / median |a| below which gravity is missing: 0.93–1.0 on the bundled real
#: recordings (lower back, neck pouch, back pocket, GENEActiv; 0.82 with ±1.5 g clipping), 0.1–0.6 with gravity
#: subtracted
GRAVITY_SHARE_MIN = 0.7
#: … and the 90th / 10th percentile of those window means above which they are not one constant
#: gravity: 1.00–1.30 on the bundled real recordings (also with ±2 g clipping), 3–4 with gravity
#: subtracted as a constant
GRAVITY_SPREAD_MAX = 2.0


@dataclass
class Recording:
    """Samples from one trunk-worn IMU.

    From a file: :func:`imu_gait.read`. From your own arrays (another device, a database)::

        rec = Recording(time_s, acc_mps2, gyro_rads, meta={"placement": "lower_back"})
        res = imu_gait.analyze(rec)          # validates it first (or call rec.validated() yourself)

    Convert first: time in seconds (a datetime64 array: ``(t - t[0]) / np.timedelta64(1, "s")``),
    acceleration in m/s² *with* gravity (from g: × :data:`G`), angular rate in rad/s (from deg/s:
    ``np.radians``); :meth:`validated` refuses data whose magnitudes betray another unit.

    Attributes
    ----------
    time_s : (N,) float64 seconds, strictly increasing after :meth:`validated`.
    acc_mps2 : (N, 3) acceleration in m/s² including gravity, sensor axes (any orientation).
    gyro_rads : (N, 3) angular rate in rad/s, sensor axes, or ``None`` (accelerometer only).
    meta : free metadata (``sample_rate_hz``, ``placement``, ``device``, ``source``, ``path``,
        ``sensor_height_m``, ``height_m`` …); :func:`imu_gait.analyze` uses ``placement``,
        ``sensor_height_m`` and ``height_m`` (the walker's, m) when not given as arguments.
    warnings : human-readable notes about quirks found and handled while reading.
    """

    time_s: np.ndarray
    acc_mps2: np.ndarray
    gyro_rads: np.ndarray | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Recording(t, acc, meta=None) is an easy thing to write; None meant 'no metadata'
        if self.meta is None:
            self.meta = {}
        elif not isinstance(self.meta, dict):
            # a list of pairs or a string failed later, deep in analyze(), as "'list' object has no attribute 'get'"
            if isinstance(self.meta, Mapping):
                self.meta = dict(self.meta)
            else:
                raise ArgumentError(f"meta must be a dict (e.g. {{'placement': 'lower_back'}}), not "
                                    f"{type(self.meta).__name__}")
        if self.warnings is None:
            self.warnings = []

    def __eq__(self, other: object) -> bool:
        """Equal when both hold the same samples (array values, not array objects: a copy is equal, NaN equals
        NaN), the same metadata and the same warnings. The ``_``-prefixed
        metadata are bookkeeping (whether and where :meth:`validated` ran) and are left out. The dataclass
        ``==`` raised 'The truth value of an array … is ambiguous' for two recordings of the same data."""
        if not isinstance(other, Recording):
            return NotImplemented
        if self is other:
            return True
        return (same_values(self.time_s, other.time_s) and same_values(self.acc_mps2, other.acc_mps2)
                and same_values(self.gyro_rads, other.gyro_rads) and same_values(self.warnings, other.warnings)
                and same_values(_public_meta(self.meta), _public_meta(other.meta)))

    __hash__ = None     # type: ignore[assignment]   # mutable: as the dataclass made it

    # ---- derived facts -------------------------------------------------------------
    @property
    def n_samples(self) -> int:
        """Number of samples N."""
        return int(np.shape(self.time_s)[0]) if np.ndim(self.time_s) else 1

    @property
    def duration_s(self) -> float:
        """Seconds from the first sample to the last (0 for fewer than two)."""
        return float(self.time_s[-1] - self.time_s[0]) if self.n_samples > 1 else 0.0

    @property
    def has_gyro(self) -> bool:
        """True when angular rate was recorded (``gyro_rads`` is not None)."""
        return self.gyro_rads is not None

    @property
    def sample_rate_hz(self) -> float:
        """Median sampling rate estimated from the timestamps (loggers are irregular)."""
        if self.n_samples < 2:
            return float("nan")
        if self.is_validated and "_median_step_s" in self.meta:
            # validated() found it on these very times (strictly rising there): a day's diff is 70 MB more
            # at the end of analyze(), where the result is held too
            return float(1.0 / self.meta["_median_step_s"])
        dt = np.diff(self.time_s)
        if not (dt > 0).all():            # (a validated recording's times always rise: no second copy)
            dt = dt[dt > 0]
        # (in place: dt is this function's own; over three days each copy is 200 MB)
        return float(1.0 / np.median(dt, overwrite_input=True)) if dt.size else float("nan")

    @property
    def source(self) -> str:
        """Where the samples came from, for messages: the file path, else ``meta["source"]``."""
        return str(self.meta.get("path", self.meta.get("source", "recording")))

    # ---- validation ----------------------------------------------------------------
    def validated(self, *, min_duration_s: float = MIN_DURATION_S) -> "Recording":
        """Return a copy that the engine can trust, or raise :class:`RecordingError`.

        Handles (with a warning): out-of-order samples (sorted), repeated timestamps
        (duplicates averaged), gaps (reported; split later by the engine).
        Refuses: empty data, non-finite values, too short, too slow, implausible units.
        """
        src = self.source
        if np.asarray(self.time_s).dtype.kind in "mM":
            raise RecordingError("time_s holds datetimes or timedeltas; it must be seconds (float)", path=src,
                                 hint="convert: (t - t[0]) / np.timedelta64(1, 's')")
        arrays = []
        for name in ("time_s", "acc_mps2", "gyro_rads"):
            value = getattr(self, name)
            try:
                arrays.append(None if value is None else float_samples(value))
            except (TypeError, ValueError) as exc:
                raise RecordingError(f"{name} cannot be read as numbers ({exc})", path=src,
                                     hint="give numpy arrays of floats: time_s (N,) in s, acc_mps2 and gyro_rads "
                                          "(N, 3) in m/s² and rad/s") from None
        t, acc, gyro = arrays
        warnings = list(self.warnings)

        if t.ndim != 1 or acc.ndim != 2 or acc.shape != (t.shape[0], 3):
            raise RecordingError(f"expected time (N,) and acceleration (N, 3), got {t.shape} and {acc.shape}", path=src)
        if gyro is not None and gyro.shape != acc.shape:
            raise RecordingError(f"gyro shape {gyro.shape} does not match acceleration {acc.shape}", path=src)
        if t.size == 0:
            raise RecordingError("the recording holds no samples", path=src,
                                 hint="check that the file is the export you meant and is not empty")
        # whole-array test first (10× cheaper); rows are located only when something is wrong
        all_finite = bool(np.isfinite(t).all() and np.isfinite(acc).all()
                          and (gyro is None or np.isfinite(gyro).all()))
        if not all_finite:
            bad = ~np.isfinite(t) | ~np.all(np.isfinite(acc), axis=1)
            if gyro is not None:
                bad |= ~np.all(np.isfinite(gyro), axis=1)
            first = int(np.flatnonzero(bad)[0])
            raise RecordingError(
                f"{int(bad.sum())} sample(s) hold NaN or infinite values (first at sample {first}, t={float(t[first]):g})",
                path=src, hint="repair or cut those rows; imu_gait does not guess missing values")

        # Out-of-order samples: loggers occasionally write a late packet. Sort, keep all.
        if np.any(np.diff(t) < 0):
            n_back = int(np.sum(np.diff(t) < 0))
            order = np.argsort(t, kind="stable")
            t, acc = t[order], acc[order]
            gyro = None if gyro is None else gyro[order]
            warnings.append(f"{n_back} timestamp(s) went backwards; samples were sorted by time")
            if n_back > 0.01 * t.size:
                raise RecordingError(
                    f"time goes backwards {n_back} times in {t.size} samples: the time column cannot be trusted",
                    path=src, hint="check the time column and its unit (--time-col / --time-unit; time_col= / "
                         "time_unit= in imu_gait.read; in seconds for imu_gait.Recording)")
        # Repeated timestamps: average the samples that share a time (no sample is dropped
        # without trace; the count is reported). Rows that repeat the row before exactly (a logger writing
        # each packet twice) average to themselves: only the others can betray a coarse or false time column
        dup = np.diff(t) == 0
        if dup.any():
            n_dup = int(dup.sum())
            n_copies = int(np.count_nonzero(exact_copy_rows(t, acc, gyro)))
            if n_dup - n_copies > 0.05 * t.size:
                raise RecordingError(
                    f"{n_dup} of {t.size} samples repeat the previous timestamp: the time column cannot be trusted",
                    path=src, hint="check the time column (is it in whole seconds?) or pass --time-unit")
            t_u, inv = np.unique(t, return_inverse=True)
            counts = np.bincount(inv).astype(float)[:, None]
            acc = np.stack([np.bincount(inv, weights=acc[:, k]) for k in range(3)], axis=1) / counts
            if gyro is not None:
                gyro = np.stack([np.bincount(inv, weights=gyro[:, k]) for k in range(3)], axis=1) / counts
            t = t_u
            warnings.append(f"{n_dup} repeated timestamp(s): samples sharing a time were averaged"
                            + (f" ({n_copies} of them exact copies of the row before: written twice)"
                               if n_copies else ""))

        duration = float(t[-1] - t[0]) if t.size > 1 else 0.0
        if duration < min_duration_s:
            # (a 3.99-s file read 'lasts 4.0 s; at least 4 s … are needed': as many decimals as show it is short)
            shown = next(f"{duration:.{d}f}" for d in (1, 2, 3, 6) if float(f"{duration:.{d}f}") < min_duration_s
                         or d == 6)
            raise RecordingError(
                ("the recording holds a single sample" if t.size == 1 else f"the recording lasts {shown} s")
                + f"; at least {min_duration_s:.0f} s of walking are needed",
                path=src, hint="record for longer (a minute or more gives stable metrics)")
        # the median of a diff of its own, partitioned in place (a day's copy is 70 MB more); the gaps below
        # need the steps in order
        step_s = float(np.median(np.diff(t), overwrite_input=True))
        rate = float(1.0 / step_s)
        if rate < MIN_RATE_ACCEPTED_HZ:
            raise RecordingError(
                f"the sampling rate is about {rate:.1f} Hz; gait analysis needs at least {MIN_RATE_HZ:.0f} Hz",
                path=src, hint="record at 50–200 Hz, or check the time unit (ms vs s)")

        nominal = 1.0 / rate
        dt = np.diff(t)
        gaps = dt > GAP_PERIODS * nominal
        if gaps.any():
            longest = float(dt.max())
            lost = float(np.sum(dt[gaps] - nominal))
            warnings.append(
                f"{int(gaps.sum())} gap(s) in the samples, longest {longest * 1000:.0f} ms, "
                f"{lost:.2f} s without data in total; gaps over {MAX_BRIDGED_GAP_S * 1000:.0f} ms split the analysis")
            if lost > 0.5 * duration:
                raise RecordingError(
                    f"more than half of the recording ({lost:.0f} of {duration:.0f} s) is missing",
                    path=src, hint="the logger lost most of the data; re-record")

        del dt, gaps          # (a day's are 80 MB, and the checks below make their own temporaries)
        # before the units: an axis stuck at −2 g moves gravity's size to 22 m/s², which the unit check
        # called a unit problem ('check the acceleration unit') (found by review)
        # the accelerometer's 1-s windows' variance, once for the three checks that judge movement by it (stuck axes,
        # stuck gyro axes, a gyroscope too slow): ~5 ms per hour each
        acc_var = _window_variance(t, acc)
        stuck = stuck_axes(t, acc, acc_var=acc_var)
        if stuck:
            device = str(self.meta.get("device") or "").strip()
            raise RecordingError(
                f"{stuck_axes_text(stuck)}{f' ({device})' if device else ''}: "
                f"{'that axis is' if len(stuck) == 1 else 'those axes are'} stuck, and the acceleration cannot "
                "be analysed", path=src, hint=STUCK_AXIS_HINT)
        check_units(acc, gyro, src, warnings, t, step_s=step_s, from_file="format" in self.meta,
                    gyro_unit_given=bool(self.meta.get("_gyro_unit_given")))
        despiked = replace_spikes(t, acc, src, warnings)
        acc_var = acc_var if despiked is acc else None          # (new samples: their own windows)
        acc = despiked
        gyro = drop_dead_gyro(t, acc, gyro, warnings, acc_var=acc_var)
        slow = gyro_too_slow_warning(t, acc, gyro, acc_var=acc_var)
        if slow:
            warnings.append(slow)
        warnings.extend(frozen_warnings(t, acc, gyro))
        for clip in (clipping_warning(acc), gyro_clipping_warning(gyro)):
            if clip:
                warnings.append(clip)
        meta = dict(self.meta)
        stated = _positive_float(meta.get("sample_rate_hz"))
        if stated is not None and abs(rate / stated - 1.0) > STATED_RATE_TOLERANCE:
            # the times are used either way; a header that disagrees is a mislabelled or resampled file
            warnings.append(f"the file says it was sampled at {stated:g} Hz, but its times step at {rate:.4g} Hz "
                            "(median): the times are used")
        meta.setdefault("sample_rate_hz", round(rate, 3))
        # validating a validated recording again (analyze after read) must not repeat its warnings
        warnings = list(dict.fromkeys(warnings))
        out = replace(self, time_s=t, acc_mps2=acc, gyro_rads=gyro, meta=meta, warnings=warnings)
        out.meta["_median_step_s"] = step_s
        out.meta["_validated"] = _fingerprint(out)
        return out

    @property
    def is_validated(self) -> bool:
        """True for the very recording :meth:`validated` returned (new arrays put in with
        ``dataclasses.replace`` make it False again: they have not been checked)."""
        return self.meta.get("_validated") == _fingerprint(self)


def float_samples(value: Any) -> np.ndarray:
    """``value`` (an array, a list, a pandas Series or DataFrame) as a float64 array, for the checks that follow.

    Refused with a ``TypeError`` saying why (numpy converts them without a word): complex numbers (the
    imaginary part was dropped with a ComplexWarning), True/False (a boolean mask passed by mistake
    became 0 and 1 'g') and datetimes (µs since 1970 taken for seconds). A masked array's masked entries become NaN — numpy's own conversion used the
    values hidden under the mask — so the NaN checks name them."""
    if isinstance(value, np.ma.MaskedArray):
        value = np.ma.filled(value.astype(np.float64), np.nan) if value.dtype.kind in "biuf" else value.filled()
    value = value if isinstance(value, np.ndarray) else np.asarray(value)
    kind = value.dtype.kind
    if kind == "c":
        raise TypeError("it holds complex numbers; give the real values (in m/s², rad/s, s)")
    if kind == "b":
        raise TypeError("it holds True/False, not measurements")
    if kind in "mM":        # numpy casts datetime64[us] to float µs since 1970 without a word
        raise TypeError("it holds datetimes or timedeltas, not seconds; convert: (t - t[0]) / np.timedelta64(1, 's')")
    return np.asarray(value, dtype=np.float64)


def _public_meta(meta: Any) -> Any:
    """``meta`` without its ``_``-prefixed bookkeeping keys (for ==)."""
    return {k: v for k, v in meta.items() if not str(k).startswith("_")} if isinstance(meta, dict) else meta


def _fingerprint(rec: "Recording") -> tuple:
    """Which arrays were validated (ids are unique while the recording holds them)."""
    return (id(rec.time_s), id(rec.acc_mps2), id(rec.gyro_rads), int(np.shape(rec.time_s)[0]) if np.ndim(rec.time_s) else -1)


def row_norms(xyz: np.ndarray) -> np.ndarray:
    """|row| of an (N, 3) array, in one new array (einsum: 3× faster than ``np.linalg.norm``; the square
    root in place: over a day's recording each array is 70 MB)."""
    m = np.einsum("ij,ij->i", xyz, xyz)
    return np.sqrt(m, out=m)


def gravity_stats(acc: np.ndarray, t: np.ndarray | None = None, mag: float | None = None, *,
                  step_s: float | None = None) -> tuple[float, float]:
    """``(share, spread)`` of the acceleration's means over ~2-s windows: ``share`` is their median
    magnitude over the median |a|, ``spread`` the 90th over the 10th percentile of their magnitudes.

    With gravity in the data (any unit, any orientation) every window's mean is gravity: share ≈ 1,
    spread ≈ 1. Without it, what is left — the body's own acceleration — averages towards 0 and varies
    from window to window (a gravity estimate subtracted as one constant leaves posture changes).
    NaN when it cannot be told (too few samples, all zero). ``t`` sets the window length; without it,
    200 samples (2 s at 100 Hz). ``step_s``: the median of ``diff(t)`` when the caller has it (two
    temporaries the size of the recording saved)."""
    n = acc.shape[0]
    per = 200
    if step_s is not None or (t is not None and t.size > 1):
        step = float(np.median(np.diff(t), overwrite_input=True)) if step_s is None else float(step_s)
        if step > 0:
            per = int(round(GRAVITY_WINDOW_S / step))
    per = max(per, 10)
    k = n // per
    if mag is None:                              # (the caller may have it: a median of |a| costs ~5 ms/h)
        mag = float(np.median(row_norms(acc), overwrite_input=True)) if n else 0.0
    if k < 1 or not mag > 0 or not np.isfinite(acc).all():
        return float("nan"), float("nan")
    means = acc[:k * per].reshape(k, per, 3).mean(axis=1)
    m = np.sqrt(np.einsum("ij,ij->i", means, means))
    lo, hi = np.percentile(m, [10, 90])
    return float(np.median(m) / mag), float(hi / lo) if lo > 0 else float("inf")


def gravity_size(acc: np.ndarray, t: np.ndarray | None = None, *, step_s: float | None = None) -> float:
    """Gravity's size in the acceleration's own unit (≈ 9.81 in m/s², ≈ 1 in g), as :func:`_gravity_level`
    judges it: the median magnitude of its ~2-s means (:func:`gravity_stats`), or the median |a|. Judges
    the unit at any activity: the median |a| is ≈ 1 g only while a foot is down, and a run with long
    flight (half of each step near 0 g) has a median |a| of 3 m/s²."""
    return gravity_found(acc, t, step_s=step_s)[1]


def gravity_found(acc: np.ndarray, t: np.ndarray | None = None, *,
                  step_s: float | None = None) -> tuple[bool, float]:
    """(gravity missing from the acceleration — :func:`gravity_stats`' share under GRAVITY_SHARE_MIN or its
    spread over GRAVITY_SPREAD_MAX —, :func:`gravity_size`) from one pass over the 2-s means."""
    mag = float(np.median(row_norms(acc), overwrite_input=True)) if acc.size else float("nan")
    share, spread = gravity_stats(acc, t, mag, step_s=step_s)
    return bool(share < GRAVITY_SHARE_MIN or spread > GRAVITY_SPREAD_MAX), _gravity_level(mag, share)


def _gravity_like(size: float) -> bool:
    """``size`` reads as gravity in g, m/s² or mg."""
    return any(lo < size < hi for lo, hi in (IN_G_MEDIAN_RANGE, (6.0, 15.0), (600.0, 1600.0)))


def _gravity_level(median_abs: float, share: float) -> float:
    """Gravity's size from the median |a| and :func:`gravity_stats`' share: the 2-s means' median (share ×
    median) where that reads as gravity in some unit — a run's flight pulls the median |a| down, to 3 m/s²
    at 155 spm with 200-ms contacts and to 1.4 (as if in g) at 180 spm with 160 ms — else the median |a|,
    which a few corrupt samples do not move (1 % of 600-m/s² glitches moved the means by 8)."""
    level = share * median_abs if np.isfinite(share) else float("nan")
    if _gravity_like(level) or (np.isfinite(level) and not _gravity_like(median_abs)):
        return level
    return median_abs


def check_units(acc: np.ndarray, gyro: np.ndarray | None, src: str, warnings: list[str],
                t: np.ndarray | None = None, *, step_s: float | None = None, from_file: bool = True,
                gyro_unit_given: bool = False) -> None:
    """Refuse magnitudes that betray the wrong unit (the reader converts; this is the last guard).

    ``from_file``: the samples were read from a file (the advice names --acc-unit / acc_unit=), not built from
    arrays (it names the factor to multiply by). ``gyro_unit_given``: the user stated the gyroscope's unit
    (--gyro-unit rad/s): a rate too fast for a trunk is then only warned about — a shaken or thrown sensor
    really turns that fast — unless it is beyond any gyroscope's range.

    The acceleration averaged over a few seconds is gravity, ≈ 1 g whatever the activity (a run's
    flight and its contacts average out); its size near 1 means the data is in g. Gravity removed is
    tested first (by :func:`gravity_stats`: those means shrink towards 0): the body's acceleration alone
    has a median |a| near 1 m/s², which would otherwise read as 'in g' — and converted from g it is
    analysed as nonsense. Where the means cannot be taken (under ~2 s), the median |a| stands in.
    """
    # medians over every 4th sample of a long recording: the verdicts sit far from their thresholds (g vs
    # m/s², rad/s vs deg/s differ 10–57×), and the full-length partitions cost ~10 ms per hour of data
    sub = slice(None, None, 4 if acc.shape[0] > 40_000 else 1)
    mag = float(np.median(np.sqrt(np.einsum("ij,ij->i", acc[sub], acc[sub]))))  # einsum: 3× faster than norm
    share, spread = gravity_stats(acc, t, mag, step_s=step_s)
    if share < GRAVITY_SHARE_MIN or spread > GRAVITY_SPREAD_MAX:          # gravity missing (gravity_found)
        if share >= GRAVITY_SHARE_MIN:
            # the windows' means are as large as gravity but not steady: not the 'gravity removed' export
            # (whose means shrink towards 0) — a limb sensor that swings through every orientation, or a
            # sensor clipping at its range (an ankle during a run read 'gravity seems to have been removed')
            raise RecordingError(
                f"the acceleration averaged over a few seconds is not steady like gravity: its size varies "
                f"{spread:.1f}-fold from one 2-s stretch to another (a sensor on the trunk: under 2-fold). The "
                "sensor seems to swing or turn over all the time — worn on a foot, an ankle, a wrist or loose in "
                "a bag — or to clip at its range, or these columns are not acceleration",
                path=src, hint="imu_gait analyses a sensor on the trunk (lower back, pelvis or chest) or a phone "
                               "in a trouser pocket; if that is where it was, check the columns (--acc-cols) and "
                               "the sensor's range (±8 g or more)")
        raise RecordingError(
            f"the acceleration averaged over a few seconds is not gravity (it comes to {share:.0%} of the typical "
            f"magnitude, {mag:.2g} m/s² as read where gravity alone is {G:.2f} m/s², and varies from moment to "
            "moment, where gravity stays the same): gravity seems "
            "to have been removed from this export (or these columns are not acceleration), and imu_gait needs "
            "it to find which way is up",
            path=src, hint="export acceleration *with* gravity: phyphox 'Acceleration with g', Sensor Logger "
                           "TotalAcceleration (or Accelerometer + Gravity), Android's accelerometer rather than "
                           "'linear acceleration'; no --acc-unit can restore gravity")
    # the unit is judged by gravity's size. The median |a| alone is ≈ 1 g only while a foot is down: a run with
    # long flight spends half of each step near 0 g, and a 155-spm run with 200-ms contacts (median |a|
    # 3.2 m/s²) was refused as 'check the unit' (found by review; 180 spm with 160 ms: 'these values look like g')
    mag = _gravity_level(mag, share)
    p95 = float(np.percentile(np.sqrt(np.einsum("ij,ij->i", gyro[sub], gyro[sub])), 95)) if gyro is not None else 0.0
    gyro_in_deg = p95 > GYRO_DEG_S_P95 and not gyro_unit_given
    if IN_G_MEDIAN_RANGE[0] < mag < IN_G_MEDIAN_RANGE[1]:
        # both units at once when both are wrong (an iOS export in g and deg/s took two runs to find out)
        also = (f"; the angular rate also reaches {p95:.0f} (95th percentile), which looks like deg/s, not rad/s"
                if gyro_in_deg else "")
        if from_file:
            hint = ("pass --acc-unit g" + (" --gyro-unit deg/s" if gyro_in_deg else "") + " (imu_gait converts); "
                    "from Python, imu_gait.read(path, acc_unit='g'" + (", gyro_unit='deg/s'" if gyro_in_deg else "")
                    + ")")
        else:
            hint = ("give acc_mps2 in m/s²: multiply the values in g by imu_gait.recording.G (9.80665)"
                    + ("; and gyro_rads in rad/s: np.radians(the values in deg/s)" if gyro_in_deg else ""))
        raise RecordingError(
            f"gravity's size in the acceleration is {mag:.2f}: these values look like g, not m/s²{also}",
            path=src, hint=hint)
    if mag < 3.0:
        raise RecordingError(
            f"gravity's size in the acceleration is {mag:.2f} m/s², far below 9.81: "
            "gravity seems to have been removed from this export",
            path=src, hint="export acceleration *with* g (phyphox 'Acceleration with g', Sensor Logger TotalAcceleration/Gravity)")
    if not 6.0 < mag < 15.0:
        raise RecordingError(
            f"gravity's size in the acceleration is {mag:.1f}, not ≈ 9.8 m/s² as it must be in m/s²",
            path=src, hint="check the acceleration unit (mG? raw counts?) and pass --acc-unit (from Python: "
                           "imu_gait.read(path, acc_unit=...), or give acc_mps2 in m/s²)")
    if gyro is not None and p95 > GYRO_DEG_S_P95:
        if gyro_unit_given and p95 <= GYRO_FULL_SCALE_RADS:
            # the user's word wins over the guess (BROAD's optical truth: ~10 rad/s was real); said, not refused
            warnings.append(f"the angular rate reaches {p95:.0f} rad/s (95th percentile), far faster than a trunk "
                            "turns (walking 0.5–2, fast turns ~5): kept in rad/s as stated; if the values are really "
                            "deg/s, give --gyro-unit deg/s (gyro_unit='deg/s')")
            return
        said = "stated as rad/s, but beyond any gyroscope's range (±2000 deg/s = ±35 rad/s)" if gyro_unit_given else \
            "this looks like deg/s, not rad/s"
        raise RecordingError(
            f"the angular rate reaches {p95:.0f} (95th percentile): {said}", path=src,
            hint=("pass --gyro-unit deg/s (imu_gait converts); from Python, imu_gait.read(path, gyro_unit='deg/s')"
                  if from_file else "give gyro_rads in rad/s: np.radians(the values in deg/s)"))


def stuck_axes(t: np.ndarray, acc: np.ndarray, *, min_moving_s: float = MOVING_MIN_S,
               acc_var: np.ndarray | None = None) -> list[tuple[int, float, float]] | None:
    """``(axis, value, share)`` of each acceleration axis that holds exactly one ``value`` in at least
    :data:`STUCK_MIN_SHARE` (``share``) of the 1-s windows' samples in which the other two axes move (their
    combined std over :data:`MOVING_ACC_STD`); None when they move for less than ``min_moving_s`` (nothing
    to judge by). Only such samples count: a still sensor's axes may repeat a value for long (a coarse
    resolution), a moving one's cannot; and the movement is the other axes', not |a|'s — an axis stuck
    at 0 (the vertical) or at full scale leaves |a| nearly steady."""
    cut = _one_second_windows(t, acc)
    if cut is None:
        return None
    step, per, (windows,) = cut
    var = windows.var(axis=1) if acc_var is None else acc_var    # (k, 3)
    judged, out = False, []
    for j in range(3):
        moving = (var.sum(axis=1) - var[:, j]) > MOVING_ACC_STD ** 2
        if moving.sum() * per * step < min_moving_s:
            continue
        judged = True
        axis = windows[moving, :, j].ravel()
        # a value held by more than half of the samples is their median: no counting of every value needed
        value = float(np.median(axis))
        held = axis == value
        share = float(np.count_nonzero(held)) / axis.size
        if share >= STUCK_MIN_SHARE and _mean_run(held) >= STUCK_MIN_HOLD_S * per:
            out.append((j, value, share))
    return out if judged else None


def stuck_gyro_axes(t: np.ndarray, acc: np.ndarray, gyro: np.ndarray, *,
                    acc_var: np.ndarray | None = None) -> list[tuple[int, float, float]]:
    """``(axis, value, share)`` of each angular-rate axis that holds exactly one ``value`` in at least
    :data:`STUCK_MIN_SHARE` of the samples of the 1-s windows in which the accelerometer moves (its axes' combined
    std over :data:`MOVING_ACC_STD`) — a worn trunk turns about every axis while it moves, by far more than a
    gyroscope's resolution from sample to sample. Empty when nothing is stuck or the accelerometer moves for
    less than :data:`MOVING_MIN_S` (nothing to judge by). (Live: :class:`StuckGyroProbe`, the same judgement as
    the samples come.)"""
    cut = _one_second_windows(t, acc, gyro)
    if cut is None:
        return []
    step, per, (acc_windows, gyro_windows) = cut
    moving = _moving_windows(acc_windows) if acc_var is None else acc_var.sum(axis=1) > MOVING_ACC_STD ** 2
    if moving.sum() * per * step < MOVING_MIN_S:
        return []
    return _stuck_rate_axes(gyro_windows[moving])


def _window_variance(t: np.ndarray, acc: np.ndarray) -> np.ndarray | None:
    """The variance of each axis over each of :func:`_one_second_windows`' windows of ``acc``, (k, 3); None when no
    window fits. Given as ``acc_var`` to the checks that judge movement by it, so it is computed once."""
    cut = _one_second_windows(t, acc)
    return None if cut is None else cut[2][0].var(axis=1)


def _one_second_windows(t: np.ndarray, *arrays: np.ndarray) -> tuple[float, int, list[np.ndarray]] | None:
    """``(step_s, per, windows)``: each (n, 3) array cut into consecutive 1-s windows of ``per`` samples, (k, per, 3),
    from the first sample; every 4th sample of a long recording (as check_units: the checks that use them give
    verdicts far from their limits). None when the time has no positive step or not one window fits."""
    sub = slice(None, None, 4 if arrays[0].shape[0] > 40_000 else 1)
    t = t[sub]
    step = float(np.median(np.diff(t))) if t.size > 1 else 0.0
    if not step > 0:
        return None
    per = max(2, int(round(1.0 / step)))
    k = arrays[0][sub].shape[0] // per
    if k == 0:
        return None
    return step, per, [a[sub][:k * per].reshape(k, per, 3) for a in arrays]


def _moving_windows(windows: np.ndarray) -> np.ndarray:
    """Which of the (k, per, 3) acceleration windows move: their axes' combined std over MOVING_ACC_STD."""
    return windows.var(axis=1).sum(axis=1) > MOVING_ACC_STD ** 2


def _stuck_rate_axes(rates: np.ndarray) -> list[tuple[int, float, float]]:
    """``(axis, value, share)`` of the axes of the moving windows' angular rate ``rates`` (m, per, 3) that hold one
    value in at least STUCK_MIN_SHARE of their samples."""
    out = []
    for j in range(3):
        axis = rates[:, :, j].ravel()
        value = float(np.median(axis))        # a value held by more than half of the samples is their median
        share = float(np.count_nonzero(axis == value)) / axis.size
        if share >= STUCK_MIN_SHARE:
            out.append((j, value, share))
    return out


class StuckGyroProbe:
    """:func:`stuck_gyro_axes` judged while a live stream comes, block by block, for a gyroscope stuck from the
    start: the 1-s windows (consecutive from the first sample, as a recording's are from its first row) in which
    the accelerometer moves are kept — their angular rate only — until they add up to :data:`MOVING_MIN_S`, the
    least the offline check judges by; :meth:`add` then gives that function's verdict on them. A few vectorised
    operations per block, and about 5 s of angular rate kept."""

    def __init__(self, rate_hz: float):
        self.per = max(2, int(round(rate_hz)))      # samples per 1-s window (offline: round(1 / median step))
        self.window_s = self.per / float(rate_hz)
        self._acc_tail = np.empty((0, 3))
        self._gyro_tail = np.empty((0, 3))
        self._moving: list[np.ndarray] = []
        self.moving_s = 0.0

    def add(self, acc: np.ndarray, gyro: np.ndarray) -> list[tuple[int, float, float]] | None:
        """The next samples; None while the accelerometer has moved for less than MOVING_MIN_S, then the stuck
        axes as :func:`stuck_gyro_axes` gives them (empty: none stuck)."""
        acc = np.concatenate([self._acc_tail, acc])
        gyro = np.concatenate([self._gyro_tail, gyro])
        k = acc.shape[0] // self.per
        n = k * self.per
        if k:
            moving = _moving_windows(acc[:n].reshape(k, self.per, 3))
            if moving.any():
                self._moving.append(gyro[:n].reshape(k, self.per, 3)[moving])
                self.moving_s += float(moving.sum()) * self.window_s
        self._acc_tail, self._gyro_tail = acc[n:], gyro[n:]
        if self.moving_s < MOVING_MIN_S:
            return None
        return _stuck_rate_axes(np.concatenate(self._moving))


def stuck_gyro_text(stuck: list[tuple[int, float, float]]) -> str:
    """'the y axis read exactly 0.05 rad/s in 100% of the samples in which the accelerometer moved'."""
    return "; ".join(f"the {'xyz'[k]} axis read exactly {v:.4g} rad/s in {share:.0%} of the samples in "
                     "which the accelerometer moved" for k, v, share in stuck)


def stuck_axes_text(stuck: list[tuple[int, float, float]]) -> str:
    """'the z axis read exactly -19.61 m/s² (-2.00 g) in 100% of the samples in which the other axes moved'."""
    return "; ".join(f"the {'xyz'[k]} axis read exactly {v:.4g} m/s² ({v / G:+.2f} g) in {share:.0%} of the samples "
                     "in which the other axes moved" for k, v, share in stuck)


def clock_text(seconds: float) -> str:
    """Recording time as m:ss (h:mm:ss from an hour): the one clock format of messages, flags and
    reports (they printed '05:03' beside '5:03', and '75:03' beside '1:15:03')."""
    whole = int(round(max(seconds, 0.0)))
    h, rest = divmod(whole, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


def duration_text(seconds: float) -> str:
    """A duration in words: ``45 s``, ``2 min 05 s``, ``1 h 12 min`` — the one duration format of flag messages
    and reports (a flag card said '4 min 01 s' in its heading and '(4.0 min)' in its message)."""
    # halves up, as an f-string's :.0f of the same value elsewhere reads it (round() takes halves to even:
    # the demo's 46.5 s of walking read '46 s' beside 'Only 47 s of walking')
    d = int(math.floor(max(seconds, 0.0) + 0.5))
    if d < 60:
        return f"{d} s"
    if d < 3600:
        m, s = divmod(d, 60)
        return f"{m} min {s:02d} s"
    h, rem = divmod(d, 3600)
    return f"{h} h {rem // 60:02d} min"


def exact_copy_rows(t: np.ndarray, acc: np.ndarray, gyro: np.ndarray | None) -> np.ndarray:
    """Mask over ``t``: True where a sample repeats the sample before it exactly — the same time and the same
    acceleration (and angular rate): a logger that wrote the row twice. Merging it loses nothing; a repeated
    time with other values is another matter (a coarse clock, or not a time column)."""
    same = np.zeros(t.size, dtype=bool)
    if t.size < 2:
        return same
    same[1:] = t[1:] == t[:-1]
    if not same.any():
        return same                # (the usual recording: one comparison, no row gathering)
    i = np.flatnonzero(same)
    equal = np.all(acc[i] == acc[i - 1], axis=1)
    if gyro is not None:
        equal &= np.all(gyro[i] == gyro[i - 1], axis=1)
    same[i[~equal]] = False
    return same


def parse_clock(text: str) -> float:
    """Elapsed time written as seconds ('330', '330.5', '330,5') or as :func:`clock_text` writes it
    ('5:30', '1:05:30') → seconds. Raises ValueError with the reason (callers add the file and line)."""
    cell = text.strip()
    if ":" not in cell:
        try:
            v = float(cell.replace(",", ".")) if cell.count(",") == 1 and "." not in cell else float(cell)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
        if not math.isfinite(v):
            raise ValueError(f"{text!r} is not a finite number")
        return v
    try:
        nums = [float(p) for p in cell.split(":")]
    except ValueError:
        raise ValueError(f"{text!r} is not a time (use seconds, m:ss or h:mm:ss)") from None
    if len(nums) > 3 or any(not math.isfinite(n) or n < 0 for n in nums) or any(n >= 60 for n in nums[1:]):
        raise ValueError(f"{text!r} is not a time (use seconds, m:ss or h:mm:ss)")
    total = 0.0
    for n in nums:
        total = total * 60 + n
    return total


def _mean_run(mask: np.ndarray) -> float:
    """Mean length (samples) of the runs of True in ``mask`` (0 when none)."""
    starts, ends = _runs(mask)
    return float((ends - starts).mean()) if starts.size else 0.0


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) indices of the runs of True in ``mask``."""
    edges = np.diff(np.r_[0, mask.astype(np.int8), 0])
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def replace_spikes(t: np.ndarray, acc: np.ndarray, src: str, warnings: list[str]) -> np.ndarray:
    """``acc`` with samples whose |a| exceeds ``SPIKE_ACC`` replaced by the straight line between their
    good neighbours (a warning names them); refused when more than ``SPIKE_MAX_SHARE`` of them do. The
    sample count is kept: the time axis and every other channel stay as recorded."""
    mag2 = np.einsum("ij,ij->i", acc, acc)
    bad = mag2 > SPIKE_ACC ** 2
    if not bad.any():
        return acc
    n_bad = int(bad.sum())
    peak = float(np.sqrt(mag2.max())) / G
    if n_bad > max(1, SPIKE_MAX_SHARE * t.size):
        raise RecordingError(
            f"{n_bad} samples read more than {SPIKE_ACC / G:.0f} g (up to {peak:.0f} g): that is not the "
            "acceleration of a worn trunk", path=src,
            hint="check the acceleration unit (pass --acc-unit) and that the file is this sensor's data")
    good = ~bad
    out = acc.copy()
    for k in range(3):
        out[bad, k] = np.interp(t[bad], t[good], acc[good, k])
    first = int(np.flatnonzero(bad)[0])
    warnings.append(f"{n_bad} sample(s) read more than {SPIKE_ACC / G:.0f} g (up to {peak:.0f} g; the first at "
                    f"{clock_text(t[first] - t[0])} into the recording), no acceleration a worn trunk feels: a glitch, "
                    "replaced by the straight line between its neighbours")
    return out


@dataclass(frozen=True)
class Rail:
    """One end of a sensor's range that a channel was pinned at (see CLIP_*)."""

    sensor: str          # "accelerometer" | "gyroscope"
    axis: int            # 0, 1, 2: the sensor's x, y, z
    level: float         # the rail, SI units (m/s² or rad/s), signed
    n_samples: int       # samples held on it in flat tops of ≥ CLIP_MIN_RUN_SAMPLES
    n_runs: int          # those flat tops

    def text(self) -> str:
        """'y at +4.00 g' / 'z at −125 °/s'."""
        if self.sensor == "accelerometer":
            return f"{'xyz'[self.axis]} at {self.level / G:+.2f} g"
        return f"{'xyz'[self.axis]} at {math.degrees(self.level):+.0f} °/s"


def clipped_rails(x: np.ndarray | None, sensor: str = "accelerometer") -> tuple[list[Rail], np.ndarray]:
    """The rails each axis of ``x`` (N, 3; m/s² for the accelerometer, rad/s for the gyroscope) was pinned at,
    and the mask of the samples held there. A rail is an axis' extreme (max or min over the recording: a range's
    end is one value for the whole recording) held in ≥ CLIP_MIN_RUNS flat tops of ≥ CLIP_MIN_RUN_SAMPLES
    samples, ≥ CLIP_MIN_SHARE of the samples, far from zero and from the axis' median, with the samples piled
    up on it (CLIP_PILEUP). Vectorised: a few comparisons of each axis with its two extremes."""
    n = 0 if x is None else x.shape[0]
    pinned = np.zeros(n, dtype=bool)
    if n < CLIP_MIN_SAMPLES:
        return [], pinned
    acc = sensor == "accelerometer"
    min_rail, excursion, band = ((CLIP_MIN_RAIL_ACC, CLIP_MIN_EXCURSION, CLIP_BAND_ACC) if acc else
                                 (CLIP_MIN_RAIL_GYRO, CLIP_MIN_EXCURSION_GYRO, CLIP_BAND_GYRO))
    med = None                                   # the axes' medians cost more than the rest: only if needed
    rails: list[Rail] = []
    for k in range(3):
        col = x[:, k]
        for ext in (float(col.max()), float(col.min())):
            if not math.isfinite(ext) or abs(ext) < min_rail:
                continue
            at = col == ext
            if int(np.count_nonzero(at)) < max(CLIP_MIN_SAMPLES, CLIP_MIN_SHARE * n):
                continue
            if med is None:
                med = np.median(x, axis=0)
            if abs(ext - med[k]) < excursion:
                continue
            starts, ends = _runs(at)
            held = (ends - starts) >= CLIP_MIN_RUN_SAMPLES
            n_held = int((ends - starts)[held].sum())
            if held.sum() < CLIP_MIN_RUNS or n_held < max(CLIP_MIN_SAMPLES, CLIP_MIN_SHARE * n):
                continue
            # the pile-up: the band just below the rail, widened to a few of the data's own steps when coarse
            dist = np.abs(col - ext)
            near = dist[(dist > 0) & (dist <= CLIP_BAND_LSB * 4 * band)]
            width = min(max(band, CLIP_BAND_LSB * float(near.min())), 4 * band) if near.size else band
            if n_held < CLIP_PILEUP * np.count_nonzero(near <= width):
                continue
            # the samples of the held flat tops (not single touches): a run's samples from a cumulative count
            mark = np.zeros(n + 1, dtype=np.int32)
            np.add.at(mark, starts[held], 1)
            np.add.at(mark, ends[held], -1)
            pinned |= np.cumsum(mark[:-1]) > 0
            rails.append(Rail(sensor, k, ext, n_held, int(held.sum())))
    return rails, pinned


def suggested_range(rails: list[Rail]) -> str:
    """The standard range to set instead: the next that is at least twice the rail hit (and, for the
    accelerometer, ±8 g — running reaches 3–5 g at the trunk)."""
    top = max(abs(r.level) for r in rails)
    if rails[0].sensor == "accelerometer":
        need = max(2 * top / G, 8.0)
        return f"±{next((g for g in ACC_RANGES_G if g >= need - 1e-6), ACC_RANGES_G[-1]):g} g"
    need = max(2 * math.degrees(top), 500.0)
    return f"±{next((d for d in GYRO_RANGES_DPS if d >= need - 1e-6), GYRO_RANGES_DPS[-1]):g} °/s"


#: what a clipped sensor under-reads (audit s36, synthetic truth: a 3.3-g run clipped at ±2 g read impact −38 %,
#: bounce −28 %; a 40° twist at ±125 °/s −12 to −15 %, sway +0.4 cm) — said in words and in summary["saturation"]
CLIPPED_METRICS = {"accelerometer": ("impact_g", "vertical_oscillation_cm", "vertical_ratio_pct", "braking_mps"),
                   "gyroscope": ("trunk_twist_deg", "pelvic_drop_deg", "lateral_sway_cm")}
CLIPPED_WORDS = {"accelerometer": "impact (peak acceleration) reads at most the limit, and bounce and braking, "
                                  "computed from the clipped acceleration, read low",
                 "gyroscope": "trunk twist, pelvic drop and sway, computed from the clipped rate of turn, read "
                              "wrong (twist low)"}
#: the start of the warnings below (analyze replaces them by the same words with the share of steps)
CLIPPED_PREFIX = {"accelerometer": "the accelerometer clipped:", "gyroscope": "the gyroscope clipped:"}


def clipped_text(rails: list[Rail], share_samples: float, share_steps: float | None = None) -> str:
    """The warning for one sensor's rails: where, how much, what reads wrong and what to set instead."""
    sensor = rails[0].sensor
    top = max(abs(r.level) for r in rails)
    limit = f"±{top / G:.3g} g" if sensor == "accelerometer" else f"±{math.degrees(top):.0f} °/s"
    # with the steps (analyze): the share of steps first — it is what the metrics are made of
    axes = ", ".join(r.text() for r in rails)
    where = (f"{share_samples:.1%} of the samples sit exactly at its limit ({axes})" if share_steps is None else
             f"it hit its {limit} limit on {share_steps:.0%} of the steps ({share_samples:.1%} of the samples sit "
             f"exactly at it: {axes})")
    return (f"{CLIPPED_PREFIX[sensor]} {where}; its range was too small for this movement. "
            f"{CLIPPED_WORDS[sensor][0].upper()}{CLIPPED_WORDS[sensor][1:]} — set the sensor or app to a wider range "
            f"({suggested_range(rails)} or more) if you can")


def clipping_warning(acc: np.ndarray) -> str | None:
    """A warning when the accelerometer clipped: many samples pinned at an axis' extreme, in many
    separate stretches, far from the axis' usual value (see CLIP_*). Clipping caps exactly what the
    per-step peaks measure, so it is said which metrics read low."""
    rails, pinned = clipped_rails(acc, "accelerometer")
    return clipped_text(rails, float(pinned.mean())) if rails else None


def gyro_clipping_warning(gyro: np.ndarray | None) -> str | None:
    """The same for the gyroscope: a rate of turn pinned at its range (±125 / ±250 °/s) in fast twists."""
    rails, pinned = clipped_rails(gyro, "gyroscope")
    return clipped_text(rails, float(pinned.mean())) if rails else None


def frozen_warnings(t: np.ndarray, acc: np.ndarray, gyro: np.ndarray | None) -> list[str]:
    """Warnings naming each stretch (≥ FROZEN_MIN_S) in which every channel repeats exactly the same
    value: the sensor froze, nothing was measured then."""
    if t.size < 3:
        return []
    # one channel first (a 1-D comparison), all channels only where it repeats: a frozen sample repeats
    # on every axis, and a real signal rarely repeats even on one (the full test cost ~10 ms per hour)
    idx = np.flatnonzero(acc[1:, 0] == acc[:-1, 0])
    if idx.size == 0:
        return []
    same = np.zeros(t.size - 1, dtype=bool)
    same[idx] = np.all(acc[idx] == acc[idx + 1], axis=1)
    if gyro is not None:
        same[idx] &= np.all(gyro[idx] == gyro[idx + 1], axis=1)
    starts, ends = _runs(same)                   # a run of k repeats spans samples start … start + k
    span = t[ends] - t[starts]
    long = np.flatnonzero(span >= FROZEN_MIN_S)
    if long.size == 0:
        return []
    total = float(span[long].sum())
    duration = float(t[-1] - t[0]) or 1.0
    shown = ", ".join(f"{clock_text(t[starts[i]] - t[0])}–{clock_text(t[ends[i]] - t[0])} ({span[i]:.1f} s)"
                      for i in long[:3]) + (f" and {long.size - 3} more" if long.size > 3 else "")
    return [f"the sensor sent exactly the same values on every axis {shown} — {total / duration:.0%} of the "
            "recording (times from its first sample): it froze or the logger repeated its last sample. Nothing "
            "was measured then: no steps or metrics come from it, and the walking time and its share of the "
            "recording cannot tell whether you walked then"]


def moving_samples(t: np.ndarray, acc: np.ndarray, win_s: float = 1.0) -> np.ndarray:
    """Boolean mask of samples in 1-s windows where |a| varies (std > ``MOVING_ACC_STD``): the wearer
    moves. Windows are consecutive blocks of samples (cheap, vectorised; the edges matter little)."""
    n = t.size
    if n < 2:
        return np.zeros(n, dtype=bool)
    step = float(np.median(np.diff(t)))
    if not step > 0:
        # most stamps repeat (a time column in whole seconds, not yet refused: readers judge units before
        # the time axis): windows cannot be timed, and no movement is claimed
        return np.zeros(n, dtype=bool)
    per = max(2, int(round(win_s / step)))
    k = n // per
    mag = np.sqrt(np.einsum("ij,ij->i", acc, acc))
    mask = np.zeros(n, dtype=bool)
    if k:
        mask[:k * per] = np.repeat(mag[:k * per].reshape(k, per).std(axis=1) > MOVING_ACC_STD, per)
    return mask


def moving_seconds(t: np.ndarray, mask: np.ndarray) -> float:
    return float(mask.sum()) * float(np.median(np.diff(t))) if t.size > 1 else 0.0


def drop_dead_gyro(t: np.ndarray, acc: np.ndarray, gyro: np.ndarray | None,
                   warnings: list[str], *, acc_var: np.ndarray | None = None) -> np.ndarray | None:
    """``None`` (with a warning) for a gyroscope that reads a constant while the accelerometer moves —
    twist, pelvic drop and turns from it would read 0 as if measured; else ``gyro`` unchanged."""
    if gyro is None:
        return None
    # a working gyroscope shows it within its first seconds; the whole-array range only when it does not
    if float(np.ptp(gyro[:2000], axis=0).max()) >= GYRO_DEAD_RANGE or float(np.ptp(gyro, axis=0).max()) >= GYRO_DEAD_RANGE:
        stuck = stuck_gyro_axes(t, acc, gyro, acc_var=acc_var)
        if not stuck:
            return gyro
        # one axis stuck while the others turn: twist, pelvic drop and 'up' between steps would be measured
        # about two axes of three and read as if whole (a stuck gyro axis is the H10 accelerometer's fault's twin)
        axes = stuck_gyro_text(stuck)
        warnings.append(f"the gyroscope is stuck on one axis ({axes}): analysed without the gyroscope (no twist, "
                        "pelvic drop or turns; steps, cadence, bounce, lean and sway from the accelerometer). "
                        "A stuck axis is a fault of the sensor: power-cycle it and record again; if the axis stays "
                        "stuck, it needs a firmware update or service. A file whose gyroscope column was written "
                        "empty or fixed: check the columns (--gyro-cols)")
        return None
    moving = moving_samples(t, acc)
    if moving_seconds(t, moving) < MOVING_MIN_S:
        return gyro                      # a still recording: a quiet gyroscope proves nothing
    return _without_dead_gyro(gyro, warnings)


def walking_rotation_rads(t: np.ndarray, acc: np.ndarray, gyro: np.ndarray, *,
                          acc_var: np.ndarray | None = None) -> float | None:
    """The median rate of turn (rad/s) about each 1-s window's mean, over the windows whose |a| varies by over
    :data:`WALKING_ACC_STD` (clear stepping); None when they add up to less than :data:`WALKING_MIN_S` (no walking
    to judge the gyroscope by: a still or sitting recording)."""
    cut = _one_second_windows(t, acc, gyro)
    if cut is None:
        return None
    step, per, (acc_windows, gyro_windows) = cut
    walking = (acc_windows.var(axis=1) if acc_var is None else acc_var).sum(axis=1) > WALKING_ACC_STD ** 2
    if walking.sum() * per * step < WALKING_MIN_S:
        return None
    rates = gyro_windows[walking]
    rates = rates - rates.mean(axis=1, keepdims=True)
    return float(np.median(np.sqrt(np.einsum("ijk,ijk->ij", rates, rates))))


def gyro_too_slow_warning(t: np.ndarray, acc: np.ndarray, gyro: np.ndarray | None, *,
                          acc_var: np.ndarray | None = None) -> str | None:
    """A warning for a gyroscope that turns far less than any walking trunk while the accelerometer shows clear
    walking (:data:`GYRO_TOO_SLOW_RADS`): a rate converted from deg/s to rad/s twice, or divided once too often.
    Twist and pelvic drop from it read near 0 and would pass for guarding. None otherwise."""
    if gyro is None:
        return None
    rotation = walking_rotation_rads(t, acc, gyro, acc_var=acc_var)
    if rotation is None or rotation >= GYRO_TOO_SLOW_RADS:
        return None
    factor = WALKING_GYRO_TYPICAL_RADS / max(rotation, 1e-9)
    return (f"the angular rate while walking is {rotation:.3f} rad/s (median; a walking trunk turns 0.3–0.6, even a "
            f"guarded walk ≥ 0.05): it looks {factor:.0f}× too small for a walking trunk — was it converted from "
            "deg/s to rad/s twice (57×), or divided by 10 once too often? Trunk twist, pelvic drop / trunk roll and "
            "turns from it read near 0 (as if the back were guarded); check the gyroscope's unit: give the values as "
            "recorded with --gyro-unit deg/s or rad/s (from Python, gyro_unit=...)")


def _without_dead_gyro(gyro: np.ndarray, warnings: list[str]) -> None:
    value = ", ".join(f"{v:.3g}" for v in np.median(gyro, axis=0))
    warnings.append(f"the gyroscope reads a constant ({value} rad/s) throughout while the accelerometer shows "
                    "movement: the sensor is missing or failed (some apps write 0 for a missing gyroscope). "
                    "Analysed without the gyroscope (no twist, pelvic drop or turns)")
    return None


def _positive_float(value: Any) -> float | None:
    """A metadata value as a positive finite number, else None."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if np.isfinite(x) and x > 0 else None
