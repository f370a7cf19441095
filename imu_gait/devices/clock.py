"""Sensor clock → host clock mapping (ble-protocols.md §3 rule 3).

A notification arrives some unknown, always non-negative delay after its last sample was
taken: ``arrival = offset + slope · sensor_time + delay``, delay ≥ 0 (batching, connection
interval, OS scheduling). The *lower envelope* of ``arrival − sensor_time`` therefore traces
the clock relation; its slope is the sensor's drift against the host.

:class:`SensorClock` keeps the minimum of ``arrival − sensor_time`` per time bin (default 1 s of
sensor time) and fits a line to the lower envelope of the last ``window_bins`` minima
(:func:`lower_envelope_line`: least squares, trimmed to the least-delayed half four times); it maps
sensor time to host time with that line. Until two bins exist it uses the smallest offset seen
(slope 1). The slope is fitted only once the bins span ``min_slope_span_s`` (default 20 s) of sensor
time; before that the sensor clock's own rate is trusted (slope 1) and only the offset follows the
lowest bin. Why: a sensor clock is off by at most a few thousand ppm, while a line through a few
seconds of arrivals is off by (delay change) / (span) — the first seconds of a stream arrive late and
ever less late (the link's backlog, the host still starting up), and a 3-s fit through them read the
clock 4 % slow, which put every step of the first ~10 s 4 % apart too far: cadence 4 % low. Cheap:
O(1) per packet, one small fit per finished bin.

The fitted drift is held within ±``MAX_DRIFT_PPM``: a host that falls behind (a slow or busy computer
taking notifications off its queue ever later) raises the lower envelope steadily, which a free line
read as the sensor's clock running 27–80 % slow — a 200-Hz sensor's samples mapped 8 Hz apart. A
crystal is off by a few thousand ppm at most, but a stream timed by sample index at the nominal rate
(Thingy:52) carries its output data rate's error, a few % (ble-protocols.md §3): the bound is 5 %, so
a steeper slope is the host's backlog, not the sensor's clock.
"""
from __future__ import annotations

from collections import deque

import numpy as np

#: the largest sensor-clock drift believed (ppm): crystals are off by a few thousand ppm at most, but an
#: index-timed stream's output data rate by a few % (ble-protocols.md §3)
MAX_DRIFT_PPM = 50_000.0


def lower_envelope_line(x: np.ndarray, r: np.ndarray, n_iter: int = 4) -> tuple[float, float]:
    """Line ``r = c + k·x`` following the lower envelope of the points (x sorted or not).

    Least squares, then ``n_iter`` times: keep the points on or below the median residual and
    refit. Delays only ever add, so the kept points are the least-delayed packets; points raised by
    bursts or queueing (a whole level higher) are dropped after the first pass, while the fit
    still averages over many points instead of resting on two (as a convex-hull edge would).
    Returns (k, c).
    """
    x = np.asarray(x, dtype=np.float64)
    r = np.asarray(r, dtype=np.float64)
    keep = np.ones(x.size, dtype=bool)
    k, c = np.polyfit(x, r, 1)
    for _ in range(n_iter):
        e = r - (c + k * x)
        new_keep = e <= np.median(e[keep])
        if new_keep.sum() < 3 or np.ptp(x[new_keep]) <= 0:
            break
        keep = new_keep
        k, c = np.polyfit(x[keep], r[keep], 1)
    return float(k), float(c)


class SensorClock:
    """Running linear fit host_time ≈ offset + (1 + drift) · sensor_time on the lower envelope.

    Parameters
    ----------
    bin_s : width of a sensor-time bin whose minimum delay is kept [s].
    window_bins : number of most recent bins in the fit (window ≈ bin_s · window_bins seconds).
    """

    def __init__(self, bin_s: float = 1.0, window_bins: int = 300, max_slew_ppm: float = 2000.0,
                 min_slope_span_s: float = 20.0):
        self.bin_s = float(bin_s)
        self.min_slope_span_s = float(min_slope_span_s)
        self.max_slew_ppm = float(max_slew_ppm)
        self._corr = 0.0                           # applied correction of map_stream() [s]
        self._last_in: float | None = None         # last sensor time given to map_stream()
        self._last_out: float | None = None        # its host time as output
        self._bins: deque[tuple[float, float]] = deque(maxlen=int(window_bins))  # (sensor_s, min residual)
        self._cur_bin: int | None = None
        self._cur_min: tuple[float, float] | None = None
        self._t_ref: float | None = None          # first sensor time: keeps numbers small
        self._offset = 0.0                         # host = ref_host + offset + slope·(sensor − t_ref)
        self._slope = 1.0
        self._min_seen: float | None = None
        self._fitted = False
        self.n_points = 0

    def reset(self) -> None:
        """Forget everything (e.g. the device clock was reset)."""
        self.__init__(self.bin_s, self._bins.maxlen or 300, self.max_slew_ppm, self.min_slope_span_s)

    def update(self, sensor_time_s: float, host_time_s: float) -> None:
        """Add one observation: sensor time of the last sample in a packet and its arrival time."""
        if self._t_ref is None:
            self._t_ref = sensor_time_s
        x = sensor_time_s - self._t_ref
        r = host_time_s - sensor_time_s           # arrival − sensor time (includes delay ≥ 0)
        self.n_points += 1
        if self._min_seen is None or r < self._min_seen:
            self._min_seen = r
        b = int(np.floor(x / self.bin_s))
        if self._cur_bin is None:
            self._cur_bin = b
        if b != self._cur_bin:
            if self._cur_min is not None:
                self._bins.append(self._cur_min)
                self._refit()
            self._cur_bin, self._cur_min = b, None
        if self._cur_min is None or r < self._cur_min[1]:
            self._cur_min = (x, r)

    def _refit(self) -> None:
        if len(self._bins) < 3:
            return
        xs = np.fromiter((p[0] for p in self._bins), float)
        rs = np.fromiter((p[1] for p in self._bins), float)
        if xs[-1] - xs[0] < self.min_slope_span_s:
            # too short a span to tell drift from a change of delay: the sensor's rate, the lowest offset
            k, c = 0.0, float(rs.min())
        else:
            k, c = lower_envelope_line(xs, rs)     # r = c + k·x  →  host = sensor + c + k·x
            k_max = MAX_DRIFT_PPM * 1e-6
            if abs(k) > k_max:
                # the host's backlog, not the clock: the sensor's rate within the bound, the line kept
                # under every bin (delays only add, so the lowest residual is the least-delayed packet)
                k = float(np.clip(k, -k_max, k_max))
                c = float(np.min(rs - k * xs))
        self._offset, self._slope, self._fitted = float(c), 1.0 + float(k), True

    @property
    def ready(self) -> bool:
        """True once a first sensor timestamp has anchored the mapping to host time."""
        return self._t_ref is not None

    @property
    def rate_ratio(self) -> float:
        """d(host time)/d(sensor time); > 1 means the sensor clock runs slow."""
        return self._slope

    @property
    def drift_ppm(self) -> float:
        """Sensor clock rate relative to the host, in ppm (+ = sensor clock runs fast)."""
        return (1.0 / self._slope - 1.0) * 1e6

    def to_host(self, sensor_time_s) -> np.ndarray:
        """Map sensor times [s] to host times [s] with the current fit."""
        s = np.asarray(sensor_time_s, dtype=np.float64)
        if self._t_ref is None:
            raise RuntimeError("SensorClock.to_host() before any update()")
        if self._fitted:
            return s + self._offset + (self._slope - 1.0) * (s - self._t_ref)
        return s + self._min_seen

    def map_stream(self, sensor_time_s) -> np.ndarray:
        """Like :meth:`to_host` for consecutive blocks of one stream, but continuous and monotonic:
        when the fit moves, the step is absorbed into a correction that is slewed back to zero at
        ``max_slew_ppm`` (default 2000 ppm = 2 ms per second), so output times never jump."""
        s = np.asarray(sensor_time_s, dtype=np.float64)
        out = self.to_host(s)
        if self._last_in is not None and s.size:
            # keep the previous block's last sample where it was output
            self._corr = self._last_out - float(self.to_host(self._last_in))
            step = max(float(s[0]) - self._last_in, 0.0) + (float(s[-1]) - float(s[0]))
            room = self.max_slew_ppm * 1e-6 * step
            self._corr = float(np.clip(0.0, self._corr - room, self._corr + room))
            # ramp the correction within the block so the first sample stays continuous
            frac = (s - self._last_in) / max(s[-1] - self._last_in, 1e-12)
            corr0 = self._last_out - float(self.to_host(self._last_in))
            out = out + corr0 + (self._corr - corr0) * frac
        if s.size:
            self._last_in, self._last_out = float(s[-1]), float(out[-1])
        return out
