"""Golden vectors (docs/ble-protocols.md §4.3, §5, §8.4), round trips and malformed packets.

Round trips use encoders written here, independently of the decoders and the emulator."""
from __future__ import annotations

import math
import struct

import numpy as np
import pytest

from imu_gait.devices.decoders import DecodeError, gaitimu, pmd, thingy

G = 9.80665


def h(s: str) -> bytes:
    return bytes.fromhex(s.replace(" ", ""))


# ---------------------------------------------------------------- Polar PMD, P1–P10
def test_p1_start_acc_h10():
    assert pmd.encode_start_acc(200, 16, 8) == h("02 02 00 01 C8 00 01 01 10 00 02 01 08 00")


def test_p2_start_other_tlv_order():
    enc = pmd.encode_start(pmd.MEAS_ACC, [(pmd.SET_RANGE, [8]), (pmd.SET_SAMPLE_RATE, [200]),
                                          (pmd.SET_RESOLUTION, [16])])
    assert enc == h("02 02 02 01 08 00 00 01 C8 00 01 01 10 00")
    # both orders describe the same settings
    assert pmd.parse_settings(enc[2:]) == pmd.parse_settings(pmd.encode_start_acc(200, 16, 8)[2:])


def test_p3_start_acc_verity_channels_is_one_byte():
    enc = pmd.encode_start_acc(52, 16, 8, channels=3)
    assert enc == h("02 02 00 01 34 00 01 01 10 00 02 01 08 00 04 01 03")
    assert pmd.parse_settings(enc[2:])[pmd.SET_CHANNELS] == [3]


def test_p4_start_response_factor_float32():
    r = pmd.parse_control(h("F0 02 02 00 00 05 01 40 DA 7F 39"))
    assert isinstance(r, pmd.PmdControlResponse)
    assert (r.opcode, r.meas_type, r.status, r.more, r.ok) == (2, 2, 0, False, True)
    assert r.factor == pytest.approx(0.000244, rel=1e-6)


def test_p5_get_settings_and_stop():
    assert pmd.encode_get_settings(pmd.MEAS_ACC) == h("01 02")
    assert pmd.encode_stop(pmd.MEAS_ACC) == h("03 02")


def test_p6_settings_response():
    r = pmd.parse_control(h("F0 01 02 00 00 00 04 19 00 32 00 64 00 C8 00 01 01 10 00 02 03 02 00 04 00 08 00"))
    assert r.opcode == pmd.OP_GET_SETTINGS and r.ok
    assert r.settings == {0: [25, 50, 100, 200], 1: [16], 2: [2, 4, 8]}


def test_p7_h10_int16_frame():
    f = pmd.decode_frame(h("02 00 CA 3E 75 93 43 52 08 01 F0 FF 08 00 E8 03 F4 FF 04 00 EC 03"))
    assert f.meas_type == pmd.MEAS_ACC and f.frame_type == 0x01 and not f.compressed
    assert f.timestamp_ns == 599_616_001_000_000_000
    assert pmd.pmd_time_to_unix_s(f.timestamp_ns) == 1_546_300_801.0   # 2019-01-01T00:00:01Z
    np.testing.assert_array_equal(pmd.frame_to_mg(f), [[-16, 8, 1000], [-12, 4, 1004]])


def test_p8_delta_payload_from_polar_spec():
    payload = h("D0 FF 65 01 E4 0F 08 02 FC 07 FF 0C 13 F2")   # ref + first block (count 2)
    raw = pmd.decode_delta_payload(payload, channels=3, resolution_bits=16)
    np.testing.assert_array_equal(raw, [[-48, 357, 4068], [-52, 364, 4067], [-40, 383, 4053]])
    assert raw[0, 2] * 0.000244 * 1000 == pytest.approx(992.6, abs=0.05)


P9 = "02 00 94 D9 B0 93 43 52 08 80 D0 FF 65 01 E4 0F 08 02 FC 07 FF 0C 13 F2"


def test_p9_delta_frame_scaled_by_factor():
    f = pmd.decode_frame(h(P9))
    assert f.compressed and f.n_samples == 3
    assert pmd.pmd_time_to_unix_s(f.timestamp_ns) == 1_546_300_802.0  # 2019-01-01T00:00:02Z
    factor = pmd.parse_control(h("F0 02 02 00 00 05 01 40 DA 7F 39")).factor
    np.testing.assert_allclose(pmd.frame_to_mg(f, factor),
                               [[-11.7, 87.1, 992.6], [-12.7, 88.8, 992.3], [-9.8, 93.5, 988.9]], atol=0.051)


def test_p10_two_blocks_different_widths():
    f = pmd.decode_frame(h(P9 + "06 02 81 3F F0 85 0E"))
    assert f.n_samples == 5
    np.testing.assert_array_equal(f.raw[3:], [[-39, 381, 4056], [-43, 386, 4050]])


def test_pmd_sample_times_spread_between_frames():
    t = pmd.PmdTimeline(nominal_rate_hz=200.0)
    t0 = 1_000_000_000
    p = t.place(t0, 4)                                # first frame: nominal rate backwards
    np.testing.assert_array_equal(p.times_ns, t0 - np.array([15, 10, 5, 0]) * 1_000_000)
    assert p.lost == 0
    p = t.place(t0 + 20_200_000, 4)                   # real clock 1 % slow: spread evenly
    np.testing.assert_array_equal(p.times_ns, t0 + np.array([5.05, 10.1, 15.15, 20.2]) * 1e6)
    assert p.lost == 0


def test_pmd_loss_detected_from_timestamp_jump():
    t = pmd.PmdTimeline(nominal_rate_hz=200.0)
    t.place(0, 10)
    assert t.place(50_000_000, 10).lost == 0                      # 10 samples in 50 ms: nothing lost
    assert t.place(50_000_000 + 3 * 50_000_000, 10).lost == 20    # two 10-sample frames missing
    # sensor-clock stamps: 14 sample periods for a 10-sample frame are 4 samples lost (the old 1.5-frame
    # rule called it jitter); 1.4 % long (stamp rounding, rate error) is not loss
    assert t.place(200_000_000 + 70_000_000, 10).lost == 4
    assert t.place(270_000_000 + 50_700_000, 10).lost == 0
    with pytest.raises(DecodeError):
        t.place(200_000_000, 10)                       # time going backwards (held until the next frame)


@pytest.mark.parametrize("clock_error", [0.0, 0.03, -0.03])
def test_pmd_small_lost_frame_before_a_large_one_is_counted_and_times_not_stretched(clock_error):
    """Verity delta frames vary in size (they fill the packet). Frames of 70, 70, 30, 70, [30 lost], 70, 70
    samples at 52 Hz: the lost 30 were under 1.5 durations of the 70-sample frame after them, so they went
    unreported and that frame's samples were spread at 27.5 ms instead of 19.2 ms (found by review). Also
    with the sensor clock 3 % off nominal (the rate is measured from the frames)."""
    period_ns = 1e9 / 52 / (1 + clock_error)
    t = pmd.PmdTimeline(nominal_rate_hz=52.0)
    sizes, lost_at = [70, 70, 30, 70, 30, 70, 70], 4
    k, lost, times = 0, [], []
    for j, n in enumerate(sizes):
        k += n
        if j == lost_at:
            continue
        p = t.place(int(round((k - 1) * period_ns)), n)
        lost.append(p.lost)
        times.append(p.times_ns)
    assert lost == [0, 0, 0, 0, 30, 0]
    np.testing.assert_allclose(np.diff(times[4]), period_ns, rtol=0.035)   # not stretched over the hole
    assert abs(times[4][0] - (270 * period_ns)) < period_ns / 100          # the first after the hole: sample 270


def _encode_delta_frame(samples: np.ndarray, widths: list[int], t_ns: int) -> bytes:
    """Independent test encoder: reference sample, then blocks of the given widths."""
    out = bytearray([pmd.MEAS_ACC]) + t_ns.to_bytes(8, "little") + bytes([0x80])
    out += b"".join(int(v).to_bytes(2, "little", signed=True) for v in samples[0])
    deltas = np.diff(samples, axis=0)
    pos = 0
    for w in widths:
        count = min(len(deltas) - pos, 255)
        block = deltas[pos:pos + count].ravel()
        acc, nbits = 0, 0
        for v in block:
            acc |= (int(v) & ((1 << w) - 1)) << nbits
            nbits += w
        out += bytes([w, count]) + acc.to_bytes(math.ceil(nbits / 8), "little")
        pos += count
        if pos == len(deltas):
            break
    return bytes(out)


@pytest.mark.parametrize("width", [3, 6, 8, 11, 16])
def test_pmd_delta_round_trip(width):
    rng = np.random.default_rng(width)
    lim = 2 ** (width - 1)
    deltas = rng.integers(-lim, lim, size=(40, 3))
    samples = np.cumsum(np.vstack([[[-200, 300, 4000]], deltas]), axis=0)
    samples = samples[(np.abs(samples) < 32000).all(axis=1)]
    frame = _encode_delta_frame(samples, [width, width], 12345)
    np.testing.assert_array_equal(pmd.decode_frame(frame).raw, samples)


def test_pmd_int16_round_trip():
    rng = np.random.default_rng(1)
    mg = rng.integers(-8000, 8000, size=(36, 3))
    frame = bytes([2]) + (777).to_bytes(8, "little") + b"\x01" + mg.astype("<i2").tobytes()
    np.testing.assert_array_equal(pmd.frame_to_mg(pmd.decode_frame(frame)), mg)


@pytest.mark.parametrize("bad, reason", [
    ("02 00 CA 3E", "short"),                                        # header cut
    ("02 00 CA 3E 75 93 43 52 08 01 F0 FF 08 00 E8", "length"),      # half a sample
    ("02 00 CA 3E 75 93 43 52 08 01", "length"),                     # no samples
    ("02 00 CA 3E 75 93 43 52 08 7F 00 00", "unknown_type"),         # unknown frame type
    ("00 00 CA 3E 75 93 43 52 08 01 00 00 00", "unknown_type"),      # ECG not supported here
    (P9[:-6], "short"),                                              # delta block truncated
    ("02 00 94 D9 B0 93 43 52 08 81" + P9[29:], "unknown_type"),     # P9 as compressed type 1: other scaling
    ("02 00 94 D9 B0 93 43 52 08 82" + P9[29:], "unknown_type"),     # compressed type 2: not defined
    ("02 00 94 D9 B0 93 43 52 08 80 D0 FF 65", "short"),             # reference sample cut
])
def test_pmd_malformed_frames(bad, reason):
    with pytest.raises(DecodeError) as e:
        pmd.decode_frame(h(bad))
    assert e.value.reason == reason


def test_pmd_malformed_control():
    with pytest.raises(DecodeError):
        pmd.parse_control(h("F0 02"))
    with pytest.raises(DecodeError):
        pmd.parse_control(h("F0 02 02 00 00 05 01 40 DA"))  # FACTOR cut
    with pytest.raises(DecodeError):
        pmd.parse_control(h("F0 02 02 00 00 09 01 00"))     # unknown setting type
    with pytest.raises(DecodeError):
        pmd.parse_control(h("77 01"))
    assert pmd.parse_control(h("01 02 05")) == pmd.PmdStopped((2, 5))
    r = pmd.parse_control(h("F0 02 02 0A 00"))
    assert not r.ok and r.status_name == "INVALID_MTU"


# ---------------------------------------------------------------- Thingy:52, T1–T3
def test_t1_raw():
    r = thingy.decode_raw(h("00 00 00 00 00 04 20 00 C0 FF 00 00 A0 00 B0 FF 10 00"))
    np.testing.assert_allclose(r.acc_g, [0, 0, 1.0])
    np.testing.assert_allclose(r.gyro_dps, [1.0, -2.0, 0])
    np.testing.assert_allclose(r.compass_ut, [10.0, -5.0, 1.0])
    np.testing.assert_allclose(r.acc_mps2(), [0, 0, G])
    np.testing.assert_allclose(r.gyro_rads(), np.deg2rad([1.0, -2.0, 0]))


def test_t2_raw():
    r = thingy.decode_raw(h("00 FE 00 01 00 04 80 0C E0 FF 10 00 00 00 00 00 00 00"))
    np.testing.assert_allclose(r.acc_g, [-0.5, 0.25, 1.0])
    np.testing.assert_allclose(r.gyro_dps, [100.0, -1.0, 0.5])
    np.testing.assert_allclose(r.compass_ut, [0, 0, 0])


def test_t3_motion_config():
    cfg = thingy.MotionConfig(1000, 1000, 100, 100, False)
    assert thingy.encode_motion_config(cfg) == h("E8 03 E8 03 64 00 64 00 00")
    assert thingy.parse_motion_config(h("E8 03 E8 03 64 00 64 00 00")) == cfg
    with pytest.raises(ValueError):
        thingy.encode_motion_config(thingy.MotionConfig(1000, 1000, 100, 250, False))


def test_thingy_round_trip_and_malformed():
    acc_g, gyro_dps = np.array([0.123, -0.5, 0.98]), np.array([12.5, -3.0, 250.0])
    raw = np.concatenate([np.round(acc_g * 1024), np.round(gyro_dps * 32), [0, 0, 0]]).astype("<i2")
    r = thingy.decode_raw(raw.tobytes())
    np.testing.assert_allclose(r.acc_g, acc_g, atol=0.5 / 1024)
    np.testing.assert_allclose(r.gyro_dps, gyro_dps, atol=0.5 / 32)
    for bad in (b"", bytes(17), bytes(20)):
        with pytest.raises(DecodeError):
            thingy.decode_raw(bad)
    with pytest.raises(DecodeError):
        thingy.parse_motion_config(bytes(8))


# ---------------------------------------------------------------- GaitIMU v1, F1–F6
def test_f1_start():
    assert gaitimu.encode_start(100, 8, 4, 10) == h("02 64 00 08 04 0A")
    cmd = gaitimu.parse_control_command(h("02 64 00 08 04 0A"))
    assert cmd.opcode == gaitimu.OP_START
    assert cmd.params == {"odr_hz": 100, "acc_fs_g": 8, "gyro_fs_code": 4, "samples_per_packet": 10}
    assert gaitimu.gyro_full_scale_dps(4) == 2000


def test_f2_response():
    r = gaitimu.parse_control_response(h("F0 02 00"))
    assert r.opcode == gaitimu.OP_START and r.ok and r.params == b""


def test_f3_set_time():
    assert gaitimu.encode_set_time(1_767_225_600_000_000) == h("04 00 40 20 46 48 47 06 00")
    assert gaitimu.parse_control_command(h("04 00 40 20 46 48 47 06 00")).params == \
        {"unix_us": 1_767_225_600_000_000}


def test_f4_req_conn_params():
    assert gaitimu.encode_req_conn_params(15, 30, 0, 4000) == h("05 0F 00 1E 00 00 00 A0 0F")


def test_other_opcodes():
    assert gaitimu.encode_get_info() == h("01")
    assert gaitimu.encode_stop() == h("03")


F5 = "01 A0 86 01 00 00 00 80 45 6F 12 83 41 08 00 D0 07 40 42 0F 00 00 31 2E 30 2E 30"
F6 = ("01 01 02 01 E8 03 00 00 40 E2 01 00 02 64 00 00 00 00 00 10 00 00 00 00 00 00 "
      "66 FE CD 00 00 10 A4 00 AE FF 00 00")


def test_f5_stream_info():
    info = gaitimu.parse_stream_info(h(F5))
    assert info.version == 1 and info.odr_mhz == 100_000 and info.odr_hz == 100.0
    assert info.acc_lsb_per_g == 4096.0
    assert info.gyro_lsb_per_dps == pytest.approx(16.384, rel=1e-6)
    assert (info.acc_full_scale_g, info.gyro_full_scale_dps, info.clock_hz) == (8, 2000, 1_000_000)
    assert info.mounting_code == 0 and info.firmware == "1.0.0"


def test_f6_data_packet():
    data = h(F6)
    assert len(data) == 38
    p = gaitimu.decode_data_packet(data)
    assert (p.version, p.gyro_present, p.sequence, p.sample_index, p.sensor_time_us, p.n_samples,
            p.battery_pct) == (1, True, 258, 1000, 123_456, 2, 100)
    np.testing.assert_array_equal(p.raw, [[0, 0, 4096, 0, 0, 0], [-410, 205, 4096, 164, -82, 0]])
    acc, gyro = gaitimu.raw_to_si(p.raw, gaitimu.parse_stream_info(h(F5)), p.gyro_present)
    np.testing.assert_allclose(acc / G, [[0, 0, 1], [-0.100, 0.050, 1.000]], atol=1e-3)
    np.testing.assert_allclose(np.rad2deg(gyro), [[0, 0, 0], [10.0, -5.0, 0]], atol=0.01)


def _encode_gait_packet(seq, index, t_us, raw, flags=1, battery=77) -> bytes:
    """Independent test encoder for the data packet."""
    out = struct.pack("<BBHIIBB", 1, flags, seq, index, t_us, len(raw), battery)
    for row in raw:
        out += struct.pack("<6h", *row)
    return out


def test_gait_packet_round_trip():
    rng = np.random.default_rng(3)
    for n in (0, 1, 10, 19):
        raw = rng.integers(-32768, 32767, size=(n, 6))
        p = gaitimu.decode_data_packet(_encode_gait_packet(65535, 2**32 - 1, 4_000_000_000, raw))
        assert (p.sequence, p.sample_index, p.sensor_time_us, p.n_samples) == (65535, 2**32 - 1,
                                                                              4_000_000_000, n)
        np.testing.assert_array_equal(p.raw, raw.reshape(n, 6))


def test_gait_max_samples_per_mtu():
    assert gaitimu.max_samples_per_packet(247) == 19
    assert gaitimu.max_samples_per_packet(185) == 14
    assert gaitimu.max_samples_per_packet(23) == 0


@pytest.mark.parametrize("bad, reason", [
    (b"", "short"),
    (h(F6)[:13], "short"),          # header cut
    (h(F6)[:-1], "short"),          # last sample cut
    (h(F6) + b"\x00", "length"),    # trailing byte
    (b"\x02" + h(F6)[1:], "version"),
])
def test_gait_malformed_packets(bad, reason):
    with pytest.raises(DecodeError) as e:
        gaitimu.decode_data_packet(bad)
    assert e.value.reason == reason


def test_gait_malformed_control_and_info():
    with pytest.raises(DecodeError):
        gaitimu.parse_stream_info(h(F5)[:20])
    with pytest.raises(DecodeError):
        gaitimu.parse_stream_info(b"\x02" + h(F5)[1:])
    with pytest.raises(DecodeError):
        gaitimu.parse_control_response(h("F0 02"))
    with pytest.raises(DecodeError):
        gaitimu.parse_control_response(h("01 02 00"))
    with pytest.raises(DecodeError) as e:
        gaitimu.parse_control_command(h("09"))
    assert e.value.reason == "opcode"
    with pytest.raises(DecodeError) as e:
        gaitimu.parse_control_command(h("02 64 00 08"))
    assert e.value.reason == "short"


# ---------------------------------------------------------------- stateful stream decoders
from imu_gait.devices.decoders.streams import (GaitImuStream, PmdAccStream, PmdImuStream,  # noqa: E402
                                               ThingyStream)

INFO_200 = gaitimu.StreamInfo(1, 200_000, 4096.0, 16.384, 8, 2000, 1_000_000, 0, "t")


def _pkt(seq, index, n=10, rate=200, t0_us=0):
    t_us = (t0_us + index * 1_000_000 // rate) % 2**32
    return _encode_gait_packet(seq % 2**16, index % 2**32, t_us, np.zeros((n, 6), int))


def test_gaitimu_stream_exact_gaps_and_wraps():
    s = GaitImuStream(INFO_200)
    t0 = 2**32 - 120_000                                  # sensor µs counter wraps after 24 samples
    base = 2**32 - 25                                     # sample index wraps too
    chunks = [s.feed(_pkt(65534 + k, base + 10 * k, t0_us=t0 - base * 5000)) for k in range(3)]
    assert [c.lost_before for c in chunks] == [0, 0, 0]
    t = np.concatenate([c.sensor_time_s for c in chunks])
    np.testing.assert_allclose(np.diff(t), 0.005, atol=1e-9)          # continuous across both wraps
    c = s.feed(_pkt(65534 + 5, base + 50, t0_us=t0 - base * 5000))   # packets 3, 4 lost
    assert (c.lost_before, c.packets_lost, c.lost_exact) == (20, 2, True)
    assert c.first_index == chunks[0].first_index + 50
    assert c.sensor_time_s[0] - t[-1] == pytest.approx(21 * 0.005)
    with pytest.raises(DecodeError) as e:                              # duplicate of an old packet
        s.feed(_pkt(65534 + 1, base + 10, t0_us=t0 - base * 5000))
    assert e.value.reason == "stale"


def test_gaitimu_stream_new_stream_after_power_cycle():
    s = GaitImuStream(INFO_200)
    s.feed(_pkt(0, 5000))
    s.mark_reconnect()
    c = s.feed(_pkt(0, 0))                                             # device restarted
    assert c.restarted and c.lost_before == 0 and c.first_index == 0
    assert s.feed(_pkt(1, 10)).lost_before == 0


def test_pmd_stream_gap_estimate_and_units():
    s = PmdAccStream(200.0)
    def frame(t_ns, n=20):
        return bytes([2]) + t_ns.to_bytes(8, "little") + b"\x01" + np.tile([0, 0, 1000], n).astype("<i2").tobytes()
    c0 = s.feed(frame(10**18))
    np.testing.assert_allclose(c0.acc_mps2[:, 2], G)
    assert s.feed(frame(10**18 + 100_000_000)).lost_before == 0
    c = s.feed(frame(10**18 + 400_000_000))                           # 3 frame steps: 2 frames lost
    assert (c.lost_before, c.lost_exact, c.first_index) == (40, False, 80)


def _h10_frame(first, n=20, rate=200.0, value=None):
    """H10-style int16 frame of samples first … first+n−1 stamped on a sensor clock at ``rate``;
    x carries the sample index so a misplaced index shows."""
    t_ns = 10**18 + round((first + n - 1) * 1e9 / rate)
    mg = np.column_stack([np.arange(first, first + n), np.zeros(n), np.full(n, 1000)])
    return bytes([2]) + t_ns.to_bytes(8, "little") + b"\x01" + mg.astype("<i2").tobytes()


@pytest.mark.parametrize("rate_on_sensor_clock", [200.0, 203.0])
def test_pmd_restart_counts_every_skipped_sample(rate_on_sensor_clock):
    """After a re-START (device-initiated stop, reconnect) the device resumes with its newest sample:
    it skipped any number, often under the 1.5 frames that mark a lost frame mid-stream. Every
    skipped sample is counted and the samples after it keep their index and time — also when the
    sensor's rate is 1.5 % off nominal (measured from the stamps, not assumed)."""
    for skipped in [0, 1, 5, 9, 10, 11, 19, 20, 37, 130]:
        s = PmdAccStream(200.0)
        chunks = [s.feed(_h10_frame(20 * k, rate=rate_on_sensor_clock)) for k in range(10)]
        s.mark_reconnect()
        first = 200 + skipped
        chunks += [s.feed(_h10_frame(first + 20 * k, rate=rate_on_sensor_clock)) for k in range(3)]
        assert [c.lost_before for c in chunks] == [0] * 10 + [skipped, 0, 0], skipped
        idx = np.concatenate([c.first_index + np.arange(c.n) for c in chunks])
        x_mg = np.concatenate([c.acc_mps2[:, 0] for c in chunks]) / G * 1000
        np.testing.assert_allclose(x_mg, idx, atol=1e-9)                  # each sample at its index
        # … and its time (from the 2nd frame on: the first has only the nominal rate to go by; the
        # float64 ns stamps near 1e18 resolve 128 ns)
        t = np.concatenate([c.sensor_time_s for c in chunks])[20:]
        np.testing.assert_allclose(t - t[0], (idx[20:] - 20) / rate_on_sensor_clock, atol=1e-6)


def test_pmd_without_restart_loss_is_counted_beyond_a_fraction_of_the_frame():
    """Mid-stream, frames are whole and back to back on the sensor clock: a stamp step one sample period
    long over a 20-sample frame is stamp/rate error (tolerance 0.5 + 5 % of the frame), five periods are
    a lost 5-sample frame (the 1.5-frame rule called both jitter)."""
    for extra, lost in [(1, 0), (2, 2), (5, 5)]:
        s = PmdAccStream(200.0)
        for k in range(3):
            s.feed(_h10_frame(20 * k))
        c = s.feed(_h10_frame(60 + extra))
        assert (c.lost_before, c.first_index) == (lost, 60 + lost), extra


def test_pmd_clock_going_back_is_a_device_restart_not_a_stream_of_errors():
    """An H10 power-cycled under a live link stamps its frames from its reset clock again. The first
    frame whose stamp went back is held (it could be one corrupt stamp); the next one follows it, which
    confirms the restart: it starts a new time base (clock_reset, lost unknown → 0) holding both frames'
    samples — none lost —, and the frames after decode as usual; a repeated stamp is still refused."""
    s = PmdAccStream(200.0)
    before = [s.feed(_h10_frame(20 * k)) for k in range(5)]
    with pytest.raises(DecodeError):
        s.feed(_h10_frame(80))                                         # same stamp again: a repeat
    with pytest.raises(DecodeError):
        s.feed(_h10_frame(-10**6))                                     # stamps ~5000 s earlier: held …
    after = [s.feed(_h10_frame(20 * k - 10**6)) for k in range(1, 4)]  # … confirmed by the next
    assert [c.clock_reset for c in before + after] == [False] * 5 + [True, False, False]
    assert after[0].restarted and after[0].n == 40 and [c.lost_before for c in before + after] == [0] * 8
    idx = np.concatenate([c.first_index + np.arange(c.n) for c in before + after])
    np.testing.assert_array_equal(idx, np.arange(180))                  # indices go on, nothing invented
    x_mg = np.concatenate([c.acc_mps2[:, 0] for c in after]) / G * 1000
    sent = np.arange(-10**6, -10**6 + 80).astype(np.int16)              # the device's own samples (x: int16)
    np.testing.assert_allclose(x_mg, sent, atol=1e-9)
    t = np.concatenate([c.sensor_time_s for c in after])
    assert t[0] == 0.0 and np.allclose(np.diff(t), 1 / 200)           # new time base, regular again


@pytest.mark.parametrize("back_ns", [1, 5_000_000, 2**32, 3600 * 10**9], ids=["1ns", "5ms", "4.3s", "1h"])
def test_pmd_one_frame_stamped_in_the_past_is_a_bad_frame_not_a_restart(back_ns):
    """One H10 frame whose stamp went back (a flipped bit) while the next frames go on from the old clock:
    it was taken for a device restart — a new time base — and the next frame then counted the step back as
    lost (860 samples for 4.3 s; an hour back: the next frame refused, 720 000 'lost'). It is one bad
    frame: refused, no restart, nothing lost, every later sample at its index and time."""
    s = PmdAccStream(200.0)
    chunks = [s.feed(_h10_frame(20 * k)) for k in range(4)]
    bad = bytearray(_h10_frame(80))
    bad[1:9] = (int.from_bytes(bad[1:9], "little") - 20 * 5_000_000 - back_ns).to_bytes(8, "little")
    with pytest.raises(DecodeError) as e:
        s.feed(bytes(bad))                                              # before frame 3's stamp
    assert e.value.reason == "value" and "before the previous frame's" in str(e.value)
    chunks += [s.feed(_h10_frame(20 * k)) for k in range(5, 9)]         # frame 4 itself was the bad one
    assert [(c.clock_reset, c.restarted) for c in chunks] == [(False, False)] * 8
    assert [c.lost_before for c in chunks] == [0] * 4 + [20, 0, 0, 0]   # frame 4's samples: one frame lost
    idx = np.concatenate([c.first_index + np.arange(c.n) for c in chunks])
    np.testing.assert_array_equal(idx, np.r_[0:80, 100:180])
    x_mg = np.concatenate([c.acc_mps2[:, 0] for c in chunks]) / G * 1000
    np.testing.assert_allclose(x_mg, idx, atol=1e-9)
    t = np.concatenate([c.sensor_time_s for c in chunks])
    np.testing.assert_allclose(t - t[0], idx / 200, atol=1e-6)


# Verity Sense ACC + GYRO: frames built by the emulator's own encoder (pure functions, no radio).
from imu_gait.devices.emulated import EmulatedPolarVerity  # noqa: E402


def _verity_frames(n_acc_frames=12, drop_acc=(), drop_gyro=()):
    """Both streams' frames in the order a Verity sends them (by the time of their last sample):
    ACC 36 samples per frame, GYRO 28, sample k of both taken at the same instant."""
    v = EmulatedPolarVerity()
    n = 36 * n_acc_frames
    frames = [(36 * i + 35, 0, v.frame(36 * i, 36)) for i in range(n_acc_frames) if i not in drop_acc]
    frames += [(28 * j + 27, 1, v.gyro_frame(28 * j, 28)) for j in range(n // 28) if j not in drop_gyro]
    return v, [f for *_, f in sorted(frames)]


def _merge(frames, **kw):
    s = PmdImuStream(52.0, 52.0, EmulatedPolarVerity.FACTOR, EmulatedPolarVerity.GYRO_FACTOR, **kw)
    chunks = [c for c in (s.feed(f) for f in frames) if c.n]
    return s, chunks


def test_verity_acc_and_gyro_merge_onto_the_acc_samples():
    v, frames = _verity_frames()
    s, chunks = _merge(frames)
    idx = np.concatenate([c.first_index + np.arange(c.n) for c in chunks])
    assert np.array_equal(idx, np.arange(idx[0], idx[-1] + 1)) and idx[0] == 0       # one run, nothing lost
    assert idx[-1] >= 36 * 12 - 36 and sum(c.lost_before for c in chunks) == 0
    np.testing.assert_allclose(np.concatenate([c.acc_mps2 for c in chunks]), v.truth(0, idx[-1] + 1), atol=1e-9)
    # same instants: exact up to the ns rounding of the stamps (1e-5 rad/s = 1 % of one gyro LSB)
    np.testing.assert_allclose(np.concatenate([c.gyro_rads for c in chunks]), v.gyro_truth(0, idx[-1] + 1),
                               atol=1e-5)
    t = np.concatenate([c.sensor_time_s for c in chunks])
    np.testing.assert_allclose(np.diff(t), 1 / 52, atol=1e-6)
    # the clock fit gets a point from every ACC frame and none from the GYRO frames
    clocks = [s2.clock_sensor_time_s for s2 in (PmdImuStream(52.0, 52.0, 1e-3, 1e-1).feed(f) for f in frames)]
    assert sum(np.isfinite(clocks)) == 12 and sum(np.isnan(clocks)) == len(frames) - 12


def test_verity_lost_gyro_frame_leaves_a_counted_gap_not_invented_gyro():
    v, frames = _verity_frames(drop_gyro={5})                 # gyro samples 140…167 never arrive
    s, chunks = _merge(frames)
    idx = np.concatenate([c.first_index + np.arange(c.n) for c in chunks])
    missing = sorted(set(range(idx[0], idx[-1] + 1)) - set(idx.tolist()))
    assert missing == list(range(140, 168))                   # exactly the ACC samples the gyro gap spans
    assert sum(c.lost_before for c in chunks) == 28 == s.samples_without_gyro
    np.testing.assert_allclose(np.concatenate([c.gyro_rads for c in chunks]), v.gyro_truth(0, idx[-1] + 1)[idx],
                               atol=1e-5)                     # nothing interpolated across the gap


def test_verity_lost_gyro_frame_is_28_samples_whatever_the_gyro_phase():
    """The GYRO stream starts a little after ACC, at whatever sample the device has reached (on a
    real link: timing), so its frames sit at any phase against the ACC frames. The ACC sample taken
    with the first gyro sample after the gap has that gyro — stamps of different frames put the two
    a few ns apart, which must not leave it out (it did for a third of the phases)."""
    v = EmulatedPolarVerity()
    for g0 in range(28):
        frames = [(36 * i + 35, 0, v.frame(36 * i, 36)) for i in range(20)]
        frames += [(g0 + 28 * j + 27, 1, v.gyro_frame(g0 + 28 * j, 28)) for j in range(24) if j != 6]
        s, chunks = _merge([f for *_, f in sorted(frames)])
        idx = np.concatenate([c.first_index + np.arange(c.n) for c in chunks])
        missing = sorted(set(range(idx[0], idx[-1] + 1)) - set(idx.tolist()))
        assert missing == list(range(g0 + 6 * 28, g0 + 7 * 28)), g0
        assert sum(c.lost_before for c in chunks) == 28 == s.samples_without_gyro
        np.testing.assert_allclose(np.concatenate([c.gyro_rads for c in chunks]),
                                   v.gyro_truth(0, idx[-1] + 1)[idx], atol=1e-5)


def test_verity_lost_acc_frame_is_a_gap_of_its_36_samples():
    v, frames = _verity_frames(drop_acc={4})
    s, chunks = _merge(frames)
    gaps = [(c.first_index, c.lost_before) for c in chunks if c.lost_before]
    assert gaps == [(180, 36)] and s.samples_without_gyro == 0


@pytest.mark.parametrize("acc_skip,gyro_skip", [(3, 9), (12, 12), (17, 30), (40, 2)])
def test_verity_restart_gap_is_exact_for_both_streams(acc_skip, gyro_skip):
    """Device-initiated stop, then re-START of ACC and GYRO: each stream resumes with its newest
    sample (the GYRO START comes a little later). Each stream's skip is counted however short;
    the merged stream leaves out exactly the ACC samples missing or without gyro around them."""
    v = EmulatedPolarVerity()
    acc_stop, gyro_stop = 36 * 6, 28 * 8                      # next sample each stream would have sent
    before = [(36 * i + 35, v.frame(36 * i, 36)) for i in range(6)]
    before += [(28 * j + 27, v.gyro_frame(28 * j, 28)) for j in range(8)]
    a0, g0 = acc_stop + acc_skip, gyro_stop + gyro_skip
    after = [(a0 + 36 * i + 35, v.frame(a0 + 36 * i, 36)) for i in range(6)]
    after += [(g0 + 28 * j + 27, v.gyro_frame(g0 + 28 * j, 28)) for j in range(8)]
    s = PmdImuStream(52.0, 52.0, EmulatedPolarVerity.FACTOR, EmulatedPolarVerity.GYRO_FACTOR)
    chunks = [s.feed(f) for _, f in sorted(before)]
    s.mark_reconnect()
    chunks += [s.feed(f) for _, f in sorted(after)]
    chunks = [c for c in chunks if c.n]
    idx = np.concatenate([c.first_index + np.arange(c.n) for c in chunks])
    np.testing.assert_allclose(np.concatenate([c.acc_mps2 for c in chunks]), v.truth(0, idx[-1] + 1)[idx],
                               atol=1e-9)
    np.testing.assert_allclose(np.concatenate([c.gyro_rads for c in chunks]),
                               v.gyro_truth(0, idx[-1] + 1)[idx], atol=1e-5)
    t = np.concatenate([c.sensor_time_s for c in chunks])
    np.testing.assert_allclose(t - t[0], (idx - idx[0]) / 52, atol=1e-6)
    # ACC samples kept: both streams had them (gyro up to its last sample before the stop, and
    # from its first after the re-START); every other index in between counts as lost
    have_gyro = np.r_[0:gyro_stop, g0:g0 + 28 * 8]
    have_acc = np.r_[0:acc_stop, a0:a0 + 36 * 6]
    expected = np.intersect1d(have_acc, have_gyro)
    expected = expected[(expected >= idx[0]) & (expected <= idx[-1])]
    np.testing.assert_array_equal(idx, expected)
    assert sum(c.lost_before for c in chunks) == idx[-1] + 1 - idx[0] - idx.size


def _verity_restart_frames(acc_stop, gyro_stop, resume, n_after=(8, 10), junk=None, gyro_later=0):
    """A Verity streaming ACC (36-sample frames) and GYRO (28) from sample 0 that restarts under a live
    link: each stream's last frame before ends at acc_stop / gyro_stop; the streams resume at device
    sample ``resume`` (GYRO ``gyro_later`` samples later) with the clock counting from its reset value
    again (stamps go back). Frames in the order sent (by their last sample). ``junk``: (stream, frame
    number) of a frame followed by a corrupt copy whose stamp went 4.3 s back (a flipped bit)."""
    v = EmulatedPolarVerity()
    frames = []
    for stream, size, stop, make in ((0, 36, acc_stop, v.frame), (1, 28, gyro_stop, v.gyro_frame)):
        for i in range(stop // size):
            frames.append((size * i + size - 1, stream, 0, make(size * i, size)))
            if junk == (stream, i):
                bad = bytearray(frames[-1][-1])
                bad[1:9] = (int.from_bytes(bad[1:9], "little") - 2**32).to_bytes(8, "little")
                frames.append((size * i + size - 1, stream, 1, bytes(bad)))
    n_before = len(frames)
    v._clock_base = resume
    for stream, size, make, n, r0 in ((0, 36, v.frame, n_after[0], resume),
                                      (1, 28, v.gyro_frame, n_after[1], resume + gyro_later)):
        frames += [(r0 + size * i + size - 1, stream, 0, make(r0 + size * i, size)) for i in range(n)]
    return v, [f for *_, f in sorted(frames)], n_before           # (all frames after the restart come last)


@pytest.mark.parametrize("acc_stop, gyro_stop, resume, gyro_later", [
    (216, 224, 300, 0), (216, 196, 250, 0), (180, 224, 400, 0),
    (216, 224, 300, 40)])       # GYRO back later: the ACC confirms the new clock first and waits for it
def test_verity_restart_under_a_live_link_keeps_both_streams_on_one_clock(acc_stop, gyro_stop, resume, gyro_later):
    """The Verity restarts without dropping the link: both streams' stamps go back. Every frame after it was
    refused ('not after previous') — the merged stream was dead until a reconnect. Now the first frame of
    each stream on the new clock is held, the next confirms it, and the merged stream goes on: one
    clock_reset chunk, released with an ACC frame whose sample time starts the new clock fit (no ACC
    frame gives a clock point on the new clock before it); acc and gyro matched only within one clock —
    each sample the device's own (acc and gyro of the same instant); the held frames' samples kept;
    ACC samples from before the restart that no gyro covers left out and counted."""
    v, frames, n_before = _verity_restart_frames(acc_stop, gyro_stop, resume, gyro_later=gyro_later)
    s = PmdImuStream(52.0, 52.0, EmulatedPolarVerity.FACTOR, EmulatedPolarVerity.GYRO_FACTOR)
    out, errors, new_clock_acc = [], 0, []
    for i, f in enumerate(frames):
        try:
            c = s.feed(f)
        except DecodeError:
            errors += 1
            continue
        if f[0] == pmd.MEAS_ACC and i >= n_before:
            new_clock_acc.append((c.clock_reset, c.clock_sensor_time_s))
        if c.n:
            out.append(c)
    assert errors == 2                                        # each stream's first frame on the new clock, held
    resets = [i for i, c in enumerate(out) if c.clock_reset]
    assert len(resets) == 1 and out[resets[0]].restarted
    # the clock fit: no point from the new clock until the reset chunk, which brings one (an ACC frame's)
    k = [r for r, _ in new_clock_acc].index(True)
    assert k == (1 if gyro_later else 0)                       # (the first new ACC frame was held: an error)
    assert all(math.isnan(cs) for _, cs in new_clock_acc[:k]) and math.isfinite(new_clock_acc[k][1])
    assert all(math.isfinite(cs) for _, cs in new_clock_acc[k:])
    before, after = out[:resets[0]], out[resets[0]:]
    idx_b = np.concatenate([c.first_index + np.arange(c.n) for c in before])
    idx_a = np.concatenate([c.first_index + np.arange(c.n) for c in after])
    assert idx_b[-1] == min(acc_stop, gyro_stop) - 1           # every old sample with gyro went out …
    assert idx_a[0] == acc_stop + gyro_later                   # … and the new clock's first (a held frame's)
    device = np.concatenate([idx_b, idx_a - acc_stop + resume])   # the ACC index goes on; device samples skip
    np.testing.assert_allclose(np.concatenate([c.acc_mps2 for c in out]), v.truth(0, device[-1] + 1)[device],
                               atol=1e-9)
    np.testing.assert_allclose(np.concatenate([c.gyro_rads for c in out]), v.gyro_truth(0, device[-1] + 1)[device],
                               atol=1e-5)                      # the gyro of the same instant, never across
    for part in (before, after):                               # regular 52 Hz on each clock; new one from 0
        t = np.concatenate([c.sensor_time_s for c in part])
        np.testing.assert_allclose(np.diff(t), 1 / 52, atol=1e-6)
    assert after[0].sensor_time_s[0] == 0.0
    left_out = max(acc_stop - gyro_stop, 0) + gyro_later       # ACC samples after the old gyro's last, and
                                                               # before the new gyro's first
    assert sum(c.lost_before for c in out) == left_out == s.samples_without_gyro


@pytest.mark.parametrize("junk", [(0, 3), (1, 4)], ids=["acc", "gyro"])
def test_verity_one_frame_stamped_in_the_past_is_one_bad_frame(junk):
    """A corrupt copy of one ACC or GYRO frame with its stamp 4.3 s back, the streams going on from the
    old clock: one bad frame, no restart, the merged stream exactly as without it."""
    clean = _merge(_verity_restart_frames(36 * 12, 28 * 15, 10**6, n_after=(0, 0))[1])[1]
    v, frames, _ = _verity_restart_frames(36 * 12, 28 * 15, 10**6, n_after=(0, 0), junk=junk)
    s = PmdImuStream(52.0, 52.0, EmulatedPolarVerity.FACTOR, EmulatedPolarVerity.GYRO_FACTOR)
    out, errors = [], 0
    for f in frames:
        try:
            c = s.feed(f)
        except DecodeError:
            errors += 1
            continue
        out.append(c)
    out = [c for c in out if c.n]
    assert errors == 1 and not any(c.clock_reset or c.restarted or c.lost_before for c in out)
    for field in ("sensor_time_s", "acc_mps2", "gyro_rads"):
        np.testing.assert_array_equal(np.concatenate([getattr(c, field) for c in out]),
                                      np.concatenate([getattr(c, field) for c in clean]))


def test_verity_gyro_that_stalls_does_not_hold_acc_forever():
    v, frames = _verity_frames(n_acc_frames=30)
    gyro_after_3s = [f for f in frames if f[0] == pmd.MEAS_GYRO and int.from_bytes(f[1:9], "little")
                     > v.sensor_time_ns(156)]
    s, chunks = _merge([f for f in frames if f not in gyro_after_3s], max_gyro_wait_s=2.0)
    with_gyro = [c for c in chunks if c.gyro_rads is not None]
    assert with_gyro[-1].first_index + with_gyro[-1].n == 140   # released while the gyro covered it (0…139)
    # after that the ACC waits at most 2 s for gyro, then the stream goes on without it (it used to leave
    # every later ACC sample out, counted lost): nothing left out, nothing held beyond the last ACC frame
    assert s.gyro_stopped and s.samples_without_gyro == 0 and len(s._acc_t) == 0
    assert chunks[-1].first_index + chunks[-1].n == 36 * 30


def test_verity_gyro_buffer_stays_bounded_when_acc_stalls():
    v, frames = _verity_frames(n_acc_frames=40)
    gyro_only = [f for f in frames if f[0] == pmd.MEAS_GYRO]
    s, chunks = _merge(gyro_only, max_gyro_wait_s=2.0)
    assert not chunks and (s._gyr_t[-1] - s._gyr_t[0]) / 1e9 <= 2.0 + 1 / 52


def test_thingy_stream_cannot_detect_loss():
    s = ThingyStream(100.0)
    t1 = h("00 00 00 00 00 04 20 00 C0 FF 00 00 A0 00 B0 FF 10 00")
    cs = [s.feed(t1) for _ in range(3)]
    assert [c.first_index for c in cs] == [0, 1, 2] and all(c.lost_before == 0 for c in cs)
    np.testing.assert_allclose(cs[2].sensor_time_s, [0.02])


def test_random_bytes_only_ever_raise_decode_error():
    rng = np.random.default_rng(11)
    streams = [GaitImuStream(INFO_200), PmdAccStream(200.0), ThingyStream(100.0),
               PmdImuStream(52.0, 52.0, 0.000244, 0.061)]
    for _ in range(3000):
        data = rng.integers(0, 256, rng.integers(0, 60)).astype(np.uint8).tobytes()
        for fn in (gaitimu.parse_stream_info, gaitimu.parse_control_response, gaitimu.parse_control_command,
                   pmd.parse_control, pmd.decode_frame, thingy.decode_raw, *(x.feed for x in streams)):
            try:
                fn(data)
            except DecodeError:
                pass


# ------------------------------------------------------------------ corrupt stamps and indices
def test_pmd_stamp_out_of_int64_range_is_a_bad_packet_not_a_crash():
    """A stamp with its top byte 0xFF (≥ 2^63 ns) raised OverflowError from the int64 sample times,
    which ended a live walk; it is a DecodeError (one bad packet) and the stream goes on."""
    s = PmdAccStream(200.0)
    for k in range(3):
        s.feed(_h10_frame(20 * k))
    bad = bytearray(_h10_frame(60))
    bad[8] = 0xFF
    with pytest.raises(DecodeError) as e:
        s.feed(bytes(bad))
    assert e.value.reason == "value"
    c = s.feed(_h10_frame(60))
    assert (c.lost_before, c.first_index) == (0, 60)


def test_pmd_stamp_far_ahead_is_refused_unless_the_next_frame_confirms_it():
    """One frame stamped an hour ahead counted 720 000 lost samples and made every later frame look
    like a clock reset; it is refused, the stream goes on as if it never came. A real jump (a sensor
    silent for 2 min on a live link) is confirmed by the next frame and counted then."""
    s = PmdAccStream(200.0)
    for k in range(3):
        s.feed(_h10_frame(20 * k))
    with pytest.raises(DecodeError):
        s.feed(_h10_frame(60 + 200 * 3600))
    c = s.feed(_h10_frame(60))
    assert (c.lost_before, c.clock_reset, c.first_index) == (0, False, 60)
    # a real jump of 2 minutes: refused once, confirmed by the frame that follows it
    with pytest.raises(DecodeError):
        s.feed(_h10_frame(80 + 200 * 120))
    c = s.feed(_h10_frame(100 + 200 * 120))
    assert c.lost_before == 200 * 120 and not c.clock_reset         # the refused frame's 20 come with it
    assert c.n == 40 and c.first_index == 80 + 200 * 120
    # after a re-START the jump is expected: no refusal
    s.mark_reconnect()
    assert s.feed(_h10_frame(120 + 200 * 600)).lost_before == 200 * 480


def test_gaitimu_index_far_ahead_of_the_sequence_is_a_bad_packet():
    """A sample index 2^20 ahead with no packet missing and no FIFO-overflow flag: a flipped bit. It
    counted a million lost samples and then refused every later packet as stale (the stream was dead
    until a reconnect); now it is one bad packet. Legitimate jumps still count: packets lost (the
    sequence jumps too), the firmware's own FIFO overflow (flag b1), or confirmed by the next packet."""
    s = GaitImuStream(INFO_200)
    for k in range(3):
        s.feed(_pkt(k, 10 * k))
    with pytest.raises(DecodeError) as e:
        s.feed(_pkt(3, 30 + 2**20))
    assert e.value.reason == "value"
    chunks = [s.feed(_pkt(3 + k, 30 + 10 * k)) for k in range(3)]
    assert [c.lost_before for c in chunks] == [0, 0, 0] and chunks[0].first_index == 30
    assert s.feed(_pkt(6 + 40, 60 + 400)).lost_before == 400              # 40 packets lost: 400 samples
    raw = np.zeros((10, 6), int)
    c = s.feed(_encode_gait_packet(47, 470 + 5000, (470 + 5000) * 5000, raw, flags=1 | gaitimu.FLAG_FIFO_OVERFLOW))
    assert c.lost_before == 5000                                          # the firmware skipped them, says so
    with pytest.raises(DecodeError):                                      # unannounced: refused once …
        s.feed(_pkt(48, 5480 + 9000))
    assert s.feed(_pkt(49, 5490 + 9000)).lost_before == 9010              # … confirmed by the next packet


def _verity_frame(mtype: int, first: int, n: int, rate: float = 52.0) -> bytes:
    """Delta frame of samples first … first+n−1 (x = the sample index) stamped on a sensor clock at rate."""
    raw = np.column_stack([np.arange(first, first + n), np.zeros(n), np.full(n, 4096)]).astype(np.int64)
    return bytes([mtype]) + _encode_delta_frame(raw, [16], 10**18 + round((first + n - 1) * 1e9 / rate))[1:]


def test_verity_gyro_that_never_sends_goes_on_acc_only_with_nothing_dropped():
    """GYRO started but never sending: every ACC sample was moved to samples_before_gyro and dropped, with
    no word (found by review). After max_gyro_wait_s of ACC without any gyro the merged stream gives the
    gyro up: the held ACC samples go out (from index 0, none dropped), without gyro, the chunk says
    acc_only once, and later GYRO frames are ignored (one layout per stream)."""
    s = PmdImuStream(52.0, 52.0, acc_factor=1e-3, gyro_factor=1.0, max_gyro_wait_s=5.0)
    chunks = [s.feed(_verity_frame(pmd.MEAS_ACC, 26 * k, 26)) for k in range(14)]   # 7 s of ACC
    out = [c for c in chunks if c.n]
    assert [c.acc_only for c in chunks].count(True) == 1 and out[0].acc_only
    assert all(c.gyro_rads is None for c in out) and s.samples_before_gyro == 0
    s.feed(_verity_frame(pmd.MEAS_GYRO, 26 * 14, 26))                              # late gyro: ignored
    chunks.append(s.feed(_verity_frame(pmd.MEAS_ACC, 26 * 14, 26)))
    out = [c for c in chunks if c.n]
    idx = np.concatenate([c.first_index + np.arange(c.n) for c in out])
    np.testing.assert_array_equal(idx, np.arange(26 * 15))                         # every sample, in order
    x = np.concatenate([c.acc_mps2[:, 0] for c in out]) / (1e-3 * G)
    np.testing.assert_allclose(x, idx, atol=1e-9)
    t = np.concatenate([c.sensor_time_s for c in out])
    np.testing.assert_allclose(t, idx / 52.0, atol=1e-6)
    assert sum(c.lost_before for c in out) == 0 and s.gyro_frames_ignored == 1


def test_verity_acc_before_the_first_gyro_sample_is_said_on_the_first_chunk():
    """ACC samples before the gyro's first sample cannot be merged: they were dropped and only counted in
    an attribute nothing read. The first merged chunk now carries the count (the link says it)."""
    s = PmdImuStream(52.0, 52.0, acc_factor=1e-3, gyro_factor=1.0)
    s.feed(_verity_frame(pmd.MEAS_ACC, 0, 26))
    c = s.feed(_verity_frame(pmd.MEAS_GYRO, 10, 26))          # gyro from sample 10 on
    assert c.n == 16 and c.first_index == 10 and c.samples_before_gyro == 10 == s.samples_before_gyro
    c = s.feed(_verity_frame(pmd.MEAS_ACC, 26, 26))
    assert c.samples_before_gyro == 0 and not c.acc_only


@pytest.mark.parametrize("outage_frames", [10, 12, 20])      # 5, 6, 10 s without either stream
@pytest.mark.parametrize("reconnect", [True, False], ids=["reconnected", "link_kept"])
def test_verity_both_streams_silent_for_5_s_or_more_keep_their_gyro(outage_frames, reconnect):
    """Both streams silent for 5 s or more — a reconnect (ACC is STARTed before GYRO, so its first frame after
    comes first) or an outage on a link that stays up: the first ACC frame after lay 5 s past the gyro's last
    sample, and the gyro was given up for the rest of the session (found by review). The gyro has stopped only
    when 5 s of ACC *arrived* without it: here every sample sent after the outage keeps its gyro."""
    s = PmdImuStream(52.0, 52.0, acc_factor=1e-3, gyro_factor=1.0, max_gyro_wait_s=5.0)
    sent, chunks = [], []
    for k in range(40):
        if 10 <= k < 10 + outage_frames:
            continue
        if k == 10 + outage_frames and reconnect:
            s.mark_reconnect()
        chunks.append(s.feed(_verity_frame(pmd.MEAS_ACC, 26 * k, 26)))
        chunks.append(s.feed(_verity_frame(pmd.MEAS_GYRO, 26 * k, 26)))
        sent.append(26 * k + np.arange(26))
    assert not s.gyro_stopped and not s.acc_only and s.gyro_frames_ignored == 0
    out = [c for c in chunks if c.n]
    assert all(c.gyro_rads is not None for c in out)
    idx = np.concatenate([c.first_index + np.arange(c.n) for c in out])
    # all sent but the last frame (held for its gyro partner's successor), each once, with its own gyro
    np.testing.assert_array_equal(idx, np.concatenate(sent)[:idx.size])
    assert idx.size >= 26 * (40 - outage_frames - 1)
    np.testing.assert_allclose(np.degrees(np.concatenate([c.gyro_rads[:, 0] for c in out])), idx, atol=1e-6)


@pytest.mark.parametrize("gyro_frames", [10, 7])       # the gyro stops at an ACC frame's end, or inside one
def test_verity_gyro_that_stops_mid_stream_goes_on_acc_only_with_nothing_dropped(gyro_frames):
    """GYRO frames came (acc + gyro merged), then stop while ACC goes on: every later ACC sample was left
    out for want of gyro and counted lost, for the rest of the session. Now, once the ACC runs
    max_gyro_wait_s (5 s) past the newest gyro sample, the stream goes on ACC only: every ACC sample goes
    out exactly once, in order (none lost), with its true gyro up to the gyro's last sample and without
    gyro after it; the switch is said once (acc_only and gyro_stopped), and GYRO frames that come back are
    ignored (one layout from the switch on)."""
    s = PmdImuStream(52.0, 52.0, acc_factor=1e-3, gyro_factor=1.0, max_gyro_wait_s=5.0)
    n_gyro = 26 * gyro_frames                                   # gyro samples 0 … n_gyro − 1 sent
    chunks = []
    for k in range(30):                                        # 15 s of ACC in 0.5-s frames
        if k < gyro_frames:
            chunks.append(s.feed(_verity_frame(pmd.MEAS_GYRO, 26 * k, 26)))
        chunks.append(s.feed(_verity_frame(pmd.MEAS_ACC, 26 * k, 26)))
    said = [c for c in chunks if c.acc_only]
    assert len(said) == 1 and said[0].gyro_stopped and said[0].gyro_rads is None
    assert said[0].first_index == n_gyro                       # the first sample after the gyro's last
    # said within one ACC frame after the ACC's newest sample is 5 s past the gyro's last one
    said_at = said[0].first_index + said[0].n - 1              # (index of the ACC frame's last sample)
    assert 5 * 52 < said_at - (n_gyro - 1) <= 5 * 52 + 26
    s.feed(_verity_frame(pmd.MEAS_GYRO, 26 * 30, 26))          # the gyro comes back: ignored
    chunks.append(s.feed(_verity_frame(pmd.MEAS_ACC, 26 * 30, 26)))
    out = [c for c in chunks if c.n]
    idx = np.concatenate([c.first_index + np.arange(c.n) for c in out])
    np.testing.assert_array_equal(idx, np.arange(26 * 31))                         # every sample, in order
    assert sum(c.lost_before for c in out) == 0 and s.samples_without_gyro == 0 and s.samples_before_gyro == 0
    x = np.concatenate([c.acc_mps2[:, 0] for c in out]) / (1e-3 * G)
    np.testing.assert_allclose(x, idx, atol=1e-9)                                  # the samples sent, unchanged
    with_gyro = [c for c in out if c.gyro_rads is not None]
    gi = np.concatenate([c.first_index + np.arange(c.n) for c in with_gyro])
    np.testing.assert_array_equal(gi, np.arange(n_gyro))      # gyro exactly where the gyro sent, none after
    gx = np.degrees(np.concatenate([c.gyro_rads[:, 0] for c in with_gyro]))
    np.testing.assert_allclose(gx, gi, atol=1e-6)              # its own value (x = index), nothing invented
    assert all(c.gyro_rads is None for c in out if c.first_index >= n_gyro)
    t = np.concatenate([c.sensor_time_s for c in out])
    np.testing.assert_allclose(t, idx / 52.0, atol=1e-6)       # one time axis across the switch
    assert s.gyro_stopped and s.acc_only and s.gyro_frames_ignored == 1
