"""firmware_notes/ against the host code: the GaitIMU v1 contract read from the notes themselves.

Everything the firmware author follows is parsed out of ``firmware_notes/*.md`` here — UUIDs,
opcodes and their parameter layouts, status codes, the stream-info and data-packet tables, the
flag bits, the MTU arithmetic, the test vectors and what they are said to mean — and checked
against the real decoder, host session constants and the bumble emulator. The encoder below is
written from the spec tables only (``struct.pack`` per the documented offsets and types), not from
the decoder, so a change on either side that the other does not share fails here.
"""
from __future__ import annotations

import asyncio
import inspect
import math
import re
import struct
from pathlib import Path

import numpy as np
import pytest

from imu_gait.devices.decoders import DecodeError, gaitimu, pmd
from imu_gait.devices.decoders.streams import GaitImuStream

NOTES = Path(__file__).resolve().parent.parent / "firmware_notes"
SPEC = (NOTES / "gatt-spec.md").read_text(encoding="utf-8")
SIZING = (NOTES / "sizing.md").read_text(encoding="utf-8")
NRF = (NOTES / "nrf52840-zephyr.md").read_text(encoding="utf-8")
ESP = (NOTES / "esp32-nimble.md").read_text(encoding="utf-8")

G = 9.80665                       # the spec's g (§4: "× 9.80665")
TYPE_CODES = {"u8": "B", "u16": "H", "u32": "I", "u64": "Q", "f32": "f", "i16": "h"}


# ---------------------------------------------------------------- reading the notes
def section(text: str, heading_start: str) -> str:
    """The body of the markdown section whose heading starts with ``heading_start``."""
    m = re.search(rf"^(#+) {re.escape(heading_start)}.*$", text, re.M)
    assert m, f"no section {heading_start!r}"
    level = len(m.group(1))
    end = re.compile(rf"^#{{1,{level}}} ", re.M).search(text, m.end())
    return text[m.end():end.start() if end else len(text)]


def table(text: str) -> list[list[str]]:
    """Rows of the first markdown table in ``text`` (header and rule dropped), cells stripped of
    backticks and bold."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip().replace("`", "").replace("**", "") for c in line.strip("|").split("|")]
        rows.append(cells)
    assert len(rows) > 2, "no table"
    return rows[2:]


def number(s: str) -> float:
    """'1 767 225 600', '−5.0', '100 000' → float (thin spaces and the minus sign of the notes)."""
    return float(s.replace("\u2212", "-").replace(" ", "").replace("\u202f", "").replace(",", ""))


def h(s: str) -> bytes:
    return bytes.fromhex(s.replace(" ", ""))


def field_layout(rows: list[list[str]]) -> tuple[str, list[str], int]:
    """(struct format, field names, fixed size) from an 'Offset | Type | Field' table; checks that
    each documented offset is where the sizes before it put it."""
    fmt, names, pos = "<", [], 0
    for off, typ, name in rows:
        if typ not in TYPE_CODES:                       # the variable tail (ASCII, samples)
            assert off.split()[0] == str(pos), f"{name}: documented at {off}, fields before end at {pos}"
            break
        assert int(off) == pos, f"{name}: documented at offset {off}, the fields before it end at {pos}"
        fmt += TYPE_CODES[typ]
        names.append(name)
        pos += struct.calcsize("<" + TYPE_CODES[typ])
    return fmt, names, pos


STREAM_INFO_FMT, STREAM_INFO_FIELDS, STREAM_INFO_FIXED = field_layout(
    table(section(SPEC, "3. Stream info")))
HEADER_FMT, HEADER_FIELDS, HEADER_SIZE = field_layout(table(section(SPEC, "4. Data packet")))
SAMPLE_ROW = table(section(SPEC, "4. Data packet"))[-1]          # ['14 + 12·i', '6 × i16', 'ax ay …']


def sample_layout() -> tuple[str, int]:
    count, typ = re.fullmatch(r"(\d+) × (\w+)", SAMPLE_ROW[1]).groups()
    stride = int(re.search(r"\+ (\d+)·i", SAMPLE_ROW[0]).group(1))
    fmt = "<" + TYPE_CODES[typ] * int(count)
    assert struct.calcsize(fmt) == stride
    return fmt, stride


SAMPLE_FMT, SAMPLE_SIZE = sample_layout()


def flag_bits() -> dict[int, str]:
    flags_cell = next(r[2] for r in table(section(SPEC, "4. Data packet")) if r[2].startswith("flags"))
    return {int(b): d.strip() for b, d in re.findall(r"b(\d) ([^·]+)", flags_cell)}


def opcodes() -> dict[int, tuple[str, str, list[str]]]:
    """op → (name, struct format of the parameters, parameter names)."""
    out = {}
    for op, name, params, _resp in table(section(SPEC, "2. Control point")):
        fmt, names = "<", []
        for p in [p.strip() for p in params.split(",") if p.strip() not in ("", "—")]:
            pname, typ = p.rsplit(" ", 1)
            fmt += TYPE_CODES[typ]
            names.append(pname)
        out[int(op, 16)] = (name, fmt, names)
    return out


def status_codes() -> dict[int, str]:
    out = {}
    for row in table(section(SPEC, "Status codes")):
        for code, name in zip(row[0::2], row[1::2]):
            if code:
                out[int(code)] = name
    return out


def vectors() -> dict[str, tuple[bytes, str]]:
    return {row[0]: (h(row[1]), row[2]) for row in table(section(SPEC, "7. Test vectors"))}


# ---------------------------------------------------------------- independent encoder (spec only)
def spec_stream_info(odr_mhz, acc_lsb, gyro_lsb, acc_fs, gyro_fs, clock_hz, mount=0, fw="1.0.0") -> bytes:
    assert STREAM_INFO_FIELDS[0].startswith("format version")
    return struct.pack(STREAM_INFO_FMT, 1, odr_mhz, acc_lsb, gyro_lsb, acc_fs, gyro_fs, clock_hz,
                       mount) + fw.encode("ascii")


def spec_packet(flags, seq, index, ticks, raw, battery=100) -> bytes:
    """Header in the documented field order, then n × (ax ay az gx gy gz)."""
    values = {"format version = 1": 1, "flags": flags, "packet sequence number": seq % 2**16,
              "sample index of the first sample": index % 2**32, "sensor time of the first sample": ticks % 2**32,
              "n = samples in this packet": len(raw), "battery percent (255 = unknown)": battery}
    ordered = []
    for name in HEADER_FIELDS:
        key = next(k for k in values if name.startswith(k.split(" (")[0].split(":")[0]))
        ordered.append(values[key])
    return struct.pack(HEADER_FMT, *ordered) + b"".join(struct.pack(SAMPLE_FMT, *row) for row in raw)


def flag(words: str) -> int:
    bit = next(b for b, d in flag_bits().items() if words in d)
    return 1 << bit


# ---------------------------------------------------------------- the tables themselves
def test_layouts_read_from_the_spec_are_what_the_decoder_uses():
    assert (HEADER_FMT, HEADER_SIZE) == ("<BBHIIBB", 14)
    assert re.search(rf"{HEADER_SIZE}-byte header followed by `n` samples of {SAMPLE_SIZE} bytes", SPEC)
    assert (gaitimu.HEADER_SIZE, gaitimu.SAMPLE_SIZE) == (HEADER_SIZE, SAMPLE_SIZE)
    assert STREAM_INFO_FIXED == gaitimu.STREAM_INFO_FIXED_SIZE == 22
    assert "All multi-byte fields are **little-endian**" in SPEC


def test_the_notes_say_nothing_has_run_on_hardware():
    assert "No firmware implementing it has been built or flashed to real hardware" in SPEC
    readme = (NOTES / "README.md").read_text(encoding="utf-8")
    assert "Nothing here has been flashed to real hardware" in readme
    assert "not measured on hardware" in SIZING and "Not measured by the project" in SIZING
    assert "Not measured yet" in NRF and "⚠ Measure" in ESP


def test_uuids():
    rows = {r[0]: r[1] for r in table(section(SPEC, "1. Service and characteristics"))}
    assert rows["GaitIMU service"] == gaitimu.SERVICE_UUID
    assert rows["IMU data"] == gaitimu.DATA_UUID
    assert rows["Control point"] == gaitimu.CONTROL_UUID
    assert rows["Stream info"] == gaitimu.STREAM_INFO_UUID
    from imu_gait.devices.registry import FAMILIES, classify
    fam = FAMILIES["gaitimu"]
    assert fam.advertised_service_uuids == (gaitimu.SERVICE_UUID,) and fam.gatt_service_uuid == gaitimu.SERVICE_UUID
    assert classify(None, [rows["GaitIMU service"].upper()]) is fam      # found by the service UUID …
    assert classify("GaitIMU-3f2a", None) is fam                          # … or the name prefix


def test_the_emulator_serves_the_documented_characteristics():
    from bumble.gatt import Characteristic
    from imu_gait.devices.emulated import EmulatedGaitImu
    services = {str(s.uuid).lower(): s for s in EmulatedGaitImu().build_services()}
    chars = {str(c.uuid).lower(): c.properties for c in services[gaitimu.SERVICE_UUID].characteristics}
    P = Characteristic.Properties
    assert chars[gaitimu.DATA_UUID] & P.NOTIFY
    assert chars[gaitimu.CONTROL_UUID] & P.WRITE and chars[gaitimu.CONTROL_UUID] & P.INDICATE
    assert chars[gaitimu.STREAM_INFO_UUID] & P.READ
    battery = next(s for u, s in services.items() if "180f" in u)          # Battery 0x180F / 0x2A19
    assert any("2a19" in str(c.uuid).lower() for c in battery.characteristics)


def test_opcodes_and_parameter_layouts():
    ops = opcodes()
    assert {op: name for op, (name, _, _) in ops.items()} == gaitimu.OPCODE_NAMES
    samples = {"START": (200, 16, 3, 0), "SET_TIME": (2**64 - 1,), "REQ_CONN_PARAMS": (7, 65535, 1, 32000)}
    for op, (name, fmt, names) in ops.items():
        values = samples.get(name, ())
        assert len(values) == len(names)
        wire = bytes([op]) + struct.pack(fmt, *values)
        cmd = gaitimu.parse_control_command(wire)                         # firmware-side parser
        assert cmd.opcode == op and tuple(cmd.params.values()) == values, name
        with pytest.raises(DecodeError):                                  # wrong length (answered 04)
            gaitimu.parse_control_command(wire + b"\x00")
    # the host's encoders write exactly the documented layouts
    assert gaitimu.encode_start(200, 16, 3, 0) == bytes([0x02]) + struct.pack(ops[0x02][1], 200, 16, 3, 0)
    assert gaitimu.encode_set_time(2**64 - 1) == bytes([0x04]) + struct.pack(ops[0x04][1], 2**64 - 1)
    assert gaitimu.encode_req_conn_params(7, 65535, 1, 32000) == \
        bytes([0x05]) + struct.pack(ops[0x05][1], 7, 65535, 1, 32000)
    assert gaitimu.encode_get_info() == b"\x01" and gaitimu.encode_stop() == b"\x03"


def test_gyro_range_code():
    m = re.search(r"gyro full scale = (\d+) · 2\^code deg/s \(0 → (\d+), 4 → (\d+)\)", SPEC)
    base, at0, at4 = map(int, m.groups())
    assert [gaitimu.gyro_full_scale_dps(c) for c in range(5)] == [base * 2**c for c in range(5)]
    assert (gaitimu.gyro_full_scale_dps(0), gaitimu.gyro_full_scale_dps(4)) == (at0, at4)


def test_status_codes():
    codes = status_codes()
    assert codes == pmd.STATUS_NAMES
    assert codes[gaitimu.STATUS_SUCCESS] == "SUCCESS" and codes[gaitimu.STATUS_INVALID_MTU] == "INVALID_MTU"
    for code, name in codes.items():
        assert gaitimu.parse_control_response(bytes([0xF0, 0x02, code])).status_name == name
    assert re.search(r"unknown opcode answers `F0 op 01`; a command of the wrong length answers `F0 op 04`", SPEC)
    assert (codes[1], codes[4]) == ("INVALID_OP_CODE", "INVALID_LENGTH")


def test_flag_bits():
    bits = flag_bits()
    assert set(bits) == {0, 1, 2, 3, 4}
    assert flag("gyro present") == gaitimu.FLAG_GYRO
    assert flag("FIFO overflow") == gaitimu.FLAG_FIFO_OVERFLOW
    assert flag("could not be queued") == gaitimu.FLAG_TX_DROPS
    assert flag("clipped") == gaitimu.FLAG_CLIPPING
    assert flag("SET_TIME") == gaitimu.FLAG_TIME_SET


def test_mtu_arithmetic_in_spec_and_sizing():
    formula = "(ATT_MTU − 3 − 14) // 12"
    assert f"n_max = {formula}" in SPEC and f"n_max = {formula}" in SIZING
    assert "n_max = (mtu − 3 − 14) / 12" in NRF                          # C integer division, same thing
    pairs = re.findall(r"MTU (\d+) → (\d+)", section(SPEC, "5. MTU"))
    pairs += re.findall(r"max_samples\((\d+)\) == (\d+)", SPEC)
    assert len(pairs) >= 6
    for mtu, n in pairs:
        assert gaitimu.max_samples_per_packet(int(mtu)) == int(n), mtu
    for row in table(section(SIZING, "Samples per packet")):
        mtu, n_max, size = int(row[0].split()[0]), int(row[1].split()[0]), row[2]
        assert gaitimu.max_samples_per_packet(mtu) == n_max, mtu
        if n_max:
            assert size == f"{HEADER_SIZE + SAMPLE_SIZE * n_max} B"
            assert HEADER_SIZE + SAMPLE_SIZE * n_max <= mtu - 3
    m = re.search(r"default `n = (\d+)` \((\d+)-byte value\) needs ATT_MTU ≥ (\d+)", SPEC)
    n, size, mtu = map(int, m.groups())
    assert size == HEADER_SIZE + SAMPLE_SIZE * n and mtu == size + 3
    assert gaitimu.max_samples_per_packet(mtu) >= n > gaitimu.max_samples_per_packet(mtu - 1)


def test_sizing_throughput_table():
    rows = table(section(SIZING, "Throughput"))
    assert len(rows) == 3
    for rate, n, pps, value, air in rows:
        rate_hz, n = number(rate.split()[0]), int(n)
        packets = rate_hz / n
        assert number(pps) == pytest.approx(packets, abs=0.05)
        bytes_s = packets * (HEADER_SIZE + SAMPLE_SIZE * n)
        b, kbit = re.fullmatch(r"([\d ]+) B/s \(([\d.]+) kbit/s\)", value).groups()
        assert number(b) == pytest.approx(bytes_s, abs=10) and float(kbit) == pytest.approx(bytes_s * 8e-3, abs=0.1)
        air_b = packets * (HEADER_SIZE + SAMPLE_SIZE * n + 3 + 4 + 10)
        kb, kbit = re.fullmatch(r"≈ ([\d.]+) kB/s \(([\d.]+) kbit/s\)", air).groups()
        assert float(kb) == pytest.approx(air_b / 1000, abs=0.05) and float(kbit) == pytest.approx(air_b * 8e-3, abs=0.5)
    assert "200 Hz × 12 B × 2 s = 4.8 kB" in SIZING and 200 * SAMPLE_SIZE * 2 == 4800


def test_sizing_latency_budget_adds_up():
    rows = table(section(SIZING, "Latency budget"))
    total = rows[-1]
    typical = [float(re.match(r"[\d.]+", r[1]).group()) for r in rows[:-1]]
    worst_lo = [float(re.match(r"[\d.]+", r[2]).group()) for r in rows[:-1]]
    worst_hi = [float(re.findall(r"[\d.]+", r[2])[-1]) for r in rows[:-1]]
    t_tot = float(re.search(r"[\d.]+", total[1]).group())
    w_lo, w_hi = map(float, re.findall(r"[\d.]+", total[2]))
    assert sum(typical) == pytest.approx(t_tot, abs=1.0)
    assert (sum(worst_lo), sum(worst_hi)) == (w_lo, w_hi)
    # the packet-fill row: the first of n samples waits (n − 1) periods for the last
    m = re.search(r"Packet fill \(n = (\d+) at (\d+) Hz\)", rows[0][0])
    n, rate = map(int, m.groups())
    assert worst_hi[0] == pytest.approx((n - 1) * 1000 / rate) and typical[0] == pytest.approx((n - 1) * 500 / rate)


def test_connection_parameters_agree_everywhere():
    """sizing.md's request, the F4 vector, the host's REQ_CONN_PARAMS and the nRF / ESP32 snippets
    (1.25 ms interval units, 10 ms timeout units)."""
    m = re.search(r"interval (\d+)–(\d+) ms, peripheral latency (\d+), supervision timeout (\d+) s", SIZING)
    want = (int(m[1]), int(m[2]), int(m[3]), int(m[4]) * 1000)
    f4 = gaitimu.parse_control_command(vectors()["F4"][0]).params
    assert tuple(f4.values()) == want
    from imu_gait.devices import registry
    assert f"encode_req_conn_params({want[0]}, {want[1]}, {want[2]}, {want[3]})" in inspect.getsource(registry)
    units = lambda itvl_min, itvl_max, lat, tmo: (itvl_min * 1.25, itvl_max * 1.25, lat, tmo * 10)  # noqa: E731
    c = re.search(r"BT_LE_CONN_PARAM\((\d+), (\d+), (\d+), (\d+)\)", NRF)
    assert units(*map(int, c.groups())) == want
    k = {name: int(v) for name, v in re.findall(r"CONFIG_BT_PERIPHERAL_PREF_(\w+)=(\d+)", NRF)}
    assert units(k["MIN_INT"], k["MAX_INT"], k["LATENCY"], k["TIMEOUT"]) == want
    e = re.search(r"\.itvl_min = (\d+), \.itvl_max = (\d+), \.latency = (\d+),\s*\.supervision_timeout = (\d+)", ESP)
    assert units(*map(int, e.groups())) == want
    s = {name: int(v) for name, v in re.findall(r"CONFIG_BT_NIMBLE_SVC_GAP_PPCP_(\w+)=(\d+)", ESP)}
    assert units(s["MIN_CONN_INTERVAL"], s["MAX_CONN_INTERVAL"], 0, s["SUPERVISION_TMO"]) == want
    # the MTU both builds ask for is the one sizing.md argues for
    assert "CONFIG_BT_L2CAP_TX_MTU=247" in NRF and "ble_att_set_preferred_mtu(247)" in ESP
    assert "CONFIG_BT_NIMBLE_ATT_PREFERRED_MTU=247" in ESP


def test_watermark_arithmetic_in_the_nrf_notes():
    m = re.search(r"e\.g\. (\d+) samples \((\d+) bytes of acc\+gyro\) at (\d+) Hz, so the FIFO\s+is read every (\d+) ms", NRF)
    n, size, rate, every = map(int, m.groups())
    assert size == n * SAMPLE_SIZE and every == n * 1000 // rate


def test_firmware_notes_say_set_b1_when_the_index_skips():
    """The host believes a big index skip only with flag b1 (spec §4); both builds' ring-buffer
    drop must therefore say b1 — they used to say b2 only, which the host refuses as corrupt."""
    assert "set b1 whenever the index skips" in SPEC
    for notes in (NRF, ESP):
        drop = re.search(r"drop[^.]*?oldest samples[^.]*\.", notes.replace("\n", " "))
        assert drop and "b1" in drop.group(), drop and drop.group()


# ---------------------------------------------------------------- test vectors, read from the spec
def test_vectors_decode_to_what_the_spec_says_they_mean():
    v = vectors()
    assert set(v) == {"F1", "F2", "F3", "F4", "F5", "F6"}

    data, meaning = v["F1"]
    m = re.fullmatch(r"START (\d+) Hz, ±(\d+) g, gyro code (\d) \(±(\d+) deg/s\), (\d+) samples/packet", meaning)
    odr, acc, code, gyro_dps, n = map(int, m.groups())
    assert data == bytes([0x02]) + struct.pack(opcodes()[0x02][1], odr, acc, code, n)
    assert gaitimu.parse_control_command(data).params == {"odr_hz": odr, "acc_fs_g": acc, "gyro_fs_code": code,
                                                          "samples_per_packet": n}
    assert gaitimu.gyro_full_scale_dps(code) == gyro_dps

    data, meaning = v["F2"]
    assert re.match(r"answer to START: SUCCESS", meaning)
    r = gaitimu.parse_control_response(data)
    assert (r.opcode, r.ok, r.params) == (0x02, True, b"")

    data, meaning = v["F3"]
    m = re.fullmatch(r"SET_TIME ([\d ]+) µs = (\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z", meaning)
    unix_us = int(number(m[1]))
    import datetime
    when = datetime.datetime(*map(int, m.groups()[1:]), tzinfo=datetime.timezone.utc)
    assert unix_us == int(when.timestamp()) * 1_000_000
    assert data == bytes([0x04]) + struct.pack(opcodes()[0x04][1], unix_us)
    assert gaitimu.parse_control_command(data).params == {"unix_us": unix_us}

    data, meaning = v["F4"]
    m = re.fullmatch(r"REQ_CONN_PARAMS (\d+)–(\d+) ms, latency (\d+), timeout (\d+) ms", meaning)
    vals = tuple(map(int, m.groups()))
    assert data == bytes([0x05]) + struct.pack(opcodes()[0x05][1], *vals)
    assert tuple(gaitimu.parse_control_command(data).params.values()) == vals

    data, meaning = v["F5"]
    m = re.fullmatch(r"stream info: v(\d), ([\d ]+) mHz, ([\d.]+) LSB/g, ([\d.]+) LSB/\(deg/s\), ±(\d+) g, "
                     r"±(\d+) deg/s, (\d+) MHz, mount (\d+), \"([^\"]+)\"", meaning)
    ver, mhz, acc_lsb, gyro_lsb = int(m[1]), int(number(m[2])), float(m[3]), float(m[4])
    acc_fs, gyro_fs, clock, mount, fw = int(m[5]), int(m[6]), int(m[7]) * 1_000_000, int(m[8]), m[9]
    assert ver == 1
    assert data == spec_stream_info(mhz, acc_lsb, gyro_lsb, acc_fs, gyro_fs, clock, mount, fw)
    info = gaitimu.parse_stream_info(data)
    assert (info.odr_mhz, info.acc_full_scale_g, info.gyro_full_scale_dps, info.clock_hz, info.mounting_code,
            info.firmware) == (mhz, acc_fs, gyro_fs, clock, mount, fw)
    assert info.acc_lsb_per_g == pytest.approx(acc_lsb, rel=1e-7)
    assert info.gyro_lsb_per_dps == pytest.approx(gyro_lsb, rel=1e-7)      # f32 of 16.384

    data, meaning = v["F6"]
    m = re.fullmatch(r"data: gyro present, seq (\d+), index (\d+), t ([\d ]+) µs, n (\d+), battery (\d+) %; with F5: "
                     r"\(([^)]*)\) g & ([\d.]+) deg/s, then \(([^)]*)\) g & \(([^)]*)\) deg/s", meaning)
    seq, index, t_us, n, batt = int(m[1]), int(m[2]), int(number(m[3])), int(m[4]), int(m[5])
    acc_g = [[number(x) for x in m[6].split(",")], [number(x) for x in m[8].split(",")]]
    gyro_dps = [[number(m[7])] * 3, [number(x) for x in m[9].split(",")]]
    raw = [[round(a * acc_lsb) for a in acc_g[i]] + [round(w * gyro_lsb) for w in gyro_dps[i]] for i in range(n)]
    assert data == spec_packet(flag("gyro present"), seq, index, t_us, raw, batt)   # the meaning encodes to the bytes
    p = gaitimu.decode_data_packet(data)
    assert (p.gyro_present, p.sequence, p.sample_index, p.sensor_time_us, p.n_samples, p.battery_pct) == \
        (True, seq, index, t_us, n, batt)
    acc, gyro = gaitimu.raw_to_si(p.raw, info, p.gyro_present)
    # within the documented resolution: one count
    np.testing.assert_allclose(acc / G, acc_g, atol=1 / acc_lsb)
    np.testing.assert_allclose(np.rad2deg(gyro), gyro_dps, atol=1 / gyro_lsb)


# ---------------------------------------------------------------- round trips through the real decoder
CASES = [  # odr_hz, acc_fs_g, gyro code, clock Hz, gyro present
    (100.0, 8, 4, 1_000_000, True),
    (200.0, 16, 3, 1_000_000, True),
    (208.0, 8, 4, 1_000_000, True),             # an LSM6DSO asked for 200 Hz
    (104.0, 2, 0, 32_768, True),                # RTC ticks as the sensor clock
    (52.0, 4, 2, 25_600, False),                # accelerometer-only firmware
    (100.0, 8, 4, 1_000_000, False),
]


@pytest.mark.parametrize("odr_hz, acc_fs, code, clock_hz, gyro", CASES)
def test_independently_encoded_stream_decodes_within_resolution(odr_hz, acc_fs, code, clock_hz, gyro):
    gyro_fs = 125 * 2**code
    acc_lsb, gyro_lsb = 32768.0 / acc_fs, 32768.0 / gyro_fs
    info_bytes = spec_stream_info(round(odr_hz * 1000), acc_lsb, gyro_lsb, acc_fs, gyro_fs, clock_hz)
    info = gaitimu.parse_stream_info(info_bytes)
    assert info.odr_hz == odr_hz and info.clock_hz == clock_hz
    stream = GaitImuStream(info)
    rng = np.random.default_rng(int(odr_hz) + acc_fs + code)
    n_max = gaitimu.max_samples_per_packet(247)
    seq0, index0 = 2**16 - 3, 2**32 - 40                   # sequence and sample index both wrap
    ticks0 = 2**32 - int(0.1 * clock_hz)                   # the sensor clock wraps 0.1 s in
    index, seq, t_prev = index0, seq0, None
    for k, n in enumerate([1, n_max, 10, 0, 7, n_max, 3]):
        true_acc = rng.uniform(-acc_fs, acc_fs, (n, 3)) * 0.99           # g
        true_gyro = rng.uniform(-gyro_fs, gyro_fs, (n, 3)) * 0.99 if gyro else np.zeros((n, 3))
        raw = np.hstack([np.round(true_acc * acc_lsb), np.round(true_gyro * gyro_lsb)]).astype(int)
        ticks = ticks0 + round((index - index0) * clock_hz / odr_hz)
        flags = (flag("gyro present") if gyro else 0) | (flag("SET_TIME") if k == 2 else 0)
        data = spec_packet(flags, seq, index, ticks, raw.tolist(), battery=255 if k == 4 else 80)

        p = gaitimu.decode_data_packet(data)
        assert (p.sequence, p.sample_index, p.sensor_time_us, p.n_samples) == \
            (seq % 2**16, index % 2**32, ticks % 2**32, n)
        assert p.flags == flags and p.gyro_present == gyro and p.battery_pct == (255 if k == 4 else 80)
        np.testing.assert_array_equal(p.raw, raw.reshape(n, 6))
        acc, w = gaitimu.raw_to_si(p.raw, info, p.gyro_present)
        np.testing.assert_allclose(acc / G, true_acc, atol=0.5 / acc_lsb + 1e-12)
        if gyro:
            np.testing.assert_allclose(np.rad2deg(w), true_gyro, atol=0.5 / gyro_lsb + 1e-9)
        else:
            assert w is None

        c = stream.feed(data)
        assert c.lost_before == 0 and c.packets_lost == 0 and c.first_index == index
        if n:
            np.testing.assert_allclose(np.diff(c.sensor_time_s), 1 / odr_hz, atol=1e-9)
            t_first = (ticks0 + (index - index0) * clock_hz / odr_hz) / clock_hz
            assert c.sensor_time_s[0] == pytest.approx(t_first, abs=1 / clock_hz)
            if t_prev is not None:                          # continuous across the wraps
                assert c.sensor_time_s[0] - t_prev == pytest.approx(1 / odr_hz, abs=1.01 / clock_hz)
            t_prev = c.sensor_time_s[-1]
        index += n
        seq += 1
    assert seq % 2**16 < seq0 and index % 2**32 < index0              # both really wrapped


def test_lost_packets_and_samples_counted_from_sequence_and_index():
    """§4: a jump of the index beyond index + n is the exact number of lost samples, a jump of the
    sequence the number of lost packets; a skip the firmware made itself needs flag b1."""
    info = gaitimu.parse_stream_info(spec_stream_info(200_000, 4096.0, 16.384, 8, 2000, 1_000_000))
    zeros = [[0] * 6] * 10
    pkt = lambda seq, index, f=1: spec_packet(f, seq, index, index * 5000, zeros)   # noqa: E731
    s = GaitImuStream(info)
    s.feed(pkt(65534, 0))
    c = s.feed(pkt(2, 40))                                   # 65535, 0, 1 lost across the wrap
    assert (c.packets_lost, c.lost_before, c.lost_exact) == (3, 30, True)
    with pytest.raises(DecodeError) as e:                    # index goes back: stale, discarded
        s.feed(pkt(3, 20))
    assert e.value.reason == "stale"
    # the firmware dropped 600 samples from its ring buffer (no packet was produced for them):
    # with b1 believed at once …
    c = s.feed(pkt(3, 650, 1 | flag("FIFO overflow")))
    assert (c.packets_lost, c.lost_before) == (0, 600)
    # … with only b2 (as the build notes used to say) the first packet after the skip is refused
    with pytest.raises(DecodeError):
        s.feed(pkt(4, 660 + 600, 1 | flag("could not be queued")))


# ---------------------------------------------------------------- the emulated peripheral
def test_emulated_peripheral_answers_the_control_point_as_specified():
    """Unknown opcode → F0 op 01; wrong length → F0 op 04; START while streaming re-applies nothing
    and answers SUCCESS with the stream info in effect; SET_TIME → flag b4 on the next packet only."""
    from bleak import BleakClient, BleakScanner
    from imu_gait.devices.emulated import BumbleClient, BumbleScanner, EmulatedAir, EmulatedGaitImu

    async def main():
        async with EmulatedAir() as air:
            await air.add(EmulatedGaitImu(speed=10))
            dev = await BleakScanner.find_device_by_name("GaitIMU-E001", timeout=2, backend=BumbleScanner)
            client = BleakClient(dev, backend=BumbleClient)
            await client.connect()
            answers, packets = [], []
            await client.start_notify(gaitimu.CONTROL_UUID, lambda c, d: answers.append(bytes(d)))
            await client.start_notify(gaitimu.DATA_UUID, lambda c, d: packets.append(bytes(d)))

            async def command(wire: bytes) -> bytes:
                n = len(answers)
                await client.write_gatt_char(gaitimu.CONTROL_UUID, wire, response=True)
                for _ in range(200):
                    if len(answers) > n:
                        return answers[n]
                    await asyncio.sleep(0.005)
                raise AssertionError(f"no answer to {wire.hex()}")

            out = {"unknown": await command(b"\x09"), "short": await command(b"\x02\x64\x00"),
                   "start": await command(gaitimu.encode_start(200, 8, 4, 10))}
            while len(packets) < 3:
                await asyncio.sleep(0.01)
            out["restart"] = await command(gaitimu.encode_start(100, 16, 2, 5))
            out["set_time"] = await command(gaitimu.encode_set_time(1_767_225_600_000_000))
            n_before = len(packets)
            while len(packets) < n_before + 6:
                await asyncio.sleep(0.01)
            out["stop"] = await command(gaitimu.encode_stop())
            await client.disconnect()
            return out, packets, n_before

    out, packets, n_before = asyncio.run(asyncio.wait_for(main(), 30))
    assert out["unknown"] == bytes([0xF0, 0x09, 1])
    assert out["short"] == bytes([0xF0, 0x02, 4])
    start, again = (gaitimu.parse_control_response(out[k]) for k in ("start", "restart"))
    assert start.ok and again.ok and again.params == start.params            # nothing re-applied
    assert gaitimu.parse_stream_info(again.params).odr_hz == 200.0
    assert out["set_time"] == bytes([0xF0, 0x04, 0]) and out["stop"] == bytes([0xF0, 0x03, 0])
    p = [gaitimu.decode_data_packet(x) for x in packets]
    assert all(x.n_samples == 10 for x in p)                                  # n kept after the 2nd START
    assert [x.sequence for x in p] == list(range(len(p)))
    assert all(p[i + 1].sample_index == p[i].sample_index + p[i].n_samples for i in range(len(p) - 1))
    time_set = [i for i, x in enumerate(p) if x.flags & gaitimu.FLAG_TIME_SET]
    assert len(time_set) == 1 and time_set[0] >= 3


def test_a_firmware_without_the_asked_rate_streams_at_its_nearest_and_the_host_follows():
    """gatt-spec §2: an LSM6DSO asked for 200 Hz runs at 208 Hz and says so in the START answer; the
    host takes the rate from there (the spec used to demand a refusal, which no LSM6DSx firmware
    could avoid for the host's default 200 Hz)."""
    assert "run at the nearest rate it has" in SPEC and "Run at the nearest rate the part has" in NRF
    from imu_gait.devices import SampleBlock, open_stream
    from imu_gait.devices.emulated import EMULATED_BACKEND, EmulatedAir, EmulatedGaitImu

    async def main():
        async with EmulatedAir() as air:
            sensor = await air.add(EmulatedGaitImu(speed=10, rates_hz=(26.0, 52.0, 104.0, 208.0, 416.0)))
            async with open_stream("GaitIMU", backend=EMULATED_BACKEND, clock_ns=sensor.host_clock_ns,
                                   backoff_s=(0.05,), scan_timeout_s=3.0) as stream:
                blocks = []
                async for item in stream:
                    if isinstance(item, SampleBlock):
                        blocks.append(item)
                        if sum(b.n for b in blocks) >= 416:
                            break
                return blocks, stream.counters, sensor

    blocks, counters, sensor = asyncio.run(asyncio.wait_for(main(), 30))
    assert sensor.rate_hz == 208.0
    t = np.concatenate([b.sensor_time_s for b in blocks])
    np.testing.assert_allclose(np.diff(t), 1 / 208, atol=1.01e-6)             # µs stamps of a 208 Hz stream
    assert counters.lost_samples == 0 and counters.corrupt == 0
