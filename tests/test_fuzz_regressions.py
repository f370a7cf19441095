"""Inputs found by ``benchmarks/fuzz_readers.py`` that crashed a reader with a raw traceback or were read
as garbage without a word — each minimised and written here from the real samples in tests/data.

Each test failed before its fix: a raw IndexError / csv.Error / ZeroDivisionError, or a recording
accepted with rows lost or values shifted into the wrong columns.
"""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

import imu_gait
from imu_gait.errors import RecordingError
from test_large_files import assert_same_samples

DATA = Path(__file__).parent / "data"


def refused(path, *fragments, line=None, column=None, **options) -> RecordingError:
    """The read raises exactly RecordingError, naming the file (and line / column where given)."""
    with pytest.raises(RecordingError) as ei:
        imu_gait.read(path, **options)
    assert type(ei.value) is RecordingError
    msg = str(ei.value)
    assert Path(path).name in msg, msg
    if line is not None:
        assert ei.value.line == line and f"line {line}" in msg, msg
    if column is not None:
        assert f"column {column!r}" in msg, msg
    for frag in fragments:
        assert re.search(frag, msg, re.I), (frag, msg)
    assert "What to do:" in msg
    return ei.value


def copy_export(tmp_path: Path, name: str) -> Path:
    dst = tmp_path / name
    shutil.copytree(DATA / name, dst)
    return dst


def edit_line(path: Path, line_no: int, fn) -> str:
    """Apply ``fn`` to 1-based line ``line_no`` of a text file; returns the new line."""
    lines = path.read_text().split("\n")
    lines[line_no - 1] = fn(lines[line_no - 1])
    path.write_text("\n".join(lines))
    return lines[line_no - 1]


# ------------------------------------------------------------------ metadata files (raw crashes)
def test_phyphox_empty_meta_file_is_left_out_with_a_warning(tmp_path):
    """fuzz: cont_empty_meta → IndexError in phyphox._read_meta ('text.splitlines()[0]')."""
    export = copy_export(tmp_path, "phyphox_with_g")
    (export / "meta" / "device.csv").write_bytes(b"")
    (export / "meta" / "time.csv").write_bytes(b"")
    rec = imu_gait.read(export)
    assert rec.n_samples == 2000
    assert "device" not in rec.meta and "start_unix_s" not in rec.meta


def test_phyphox_start_time_text_that_is_no_date_is_not_a_traceback(tmp_path):
    """fuzz (seed 1, case 5268): the START line's "system time text" damaged to "-0", which pandas reads as the
    year 0 → ValueError 'year 0 is out of range' from days.recording_clock, out of analyze(). Now the text is
    passed over and the clock comes from the system time beside it (the same moment, in UTC)."""
    export = copy_export(tmp_path, "phyphox_with_g")
    p = export / "meta" / "time.csv"
    p.write_text(p.read_text().replace('"2024-03-17 19:48:52.325 UTC+02:00"', '"-0"'))
    rec = imu_gait.read(export)
    res = imu_gait.analyze(rec)
    assert res.summary["days"]["clock"] == "UTC" and str(res.days["date"].iloc[0]) == "2024-03-17"


def test_phyphox_start_time_past_any_date_is_not_a_traceback(tmp_path):
    """(review) The same START line with its system time damaged to 1e20 s as well: OverflowError from the Unix
    branch of days.recording_clock. Now no clock: days count from the first sample, as for a file without one."""
    export = copy_export(tmp_path, "phyphox_with_g")
    p = export / "meta" / "time.csv"
    p.write_text(p.read_text().replace('1.710697732324872E9,"2024-03-17 19:48:52.325 UTC+02:00"', '1e20,"-0"'))
    res = imu_gait.analyze(imu_gait.read(export))
    assert res.summary["days"]["clock"] == "none" and res.summary["n_steps"] > 0


def test_phyphox_meta_with_old_mac_line_ends_is_read(tmp_path):
    """fuzz: eol_cr@meta/time.csv → _csv.Error 'new-line character seen in unquoted field'."""
    export = copy_export(tmp_path, "phyphox_with_g")
    for name in ("time.csv", "device.csv"):
        p = export / "meta" / name
        p.write_bytes(p.read_bytes().replace(b"\n", b"\r"))
    rec = imu_gait.read(export)
    assert rec.meta["start_unix_s"] == pytest.approx(1.710697732324872e9)
    assert rec.meta["device"] == "Google Pixel 7"


def test_phyphox_unreadable_meta_is_a_warning_naming_it(tmp_path):
    """fuzz: long_long_cell@meta/device.csv → _csv.Error 'field larger than field limit'."""
    export = copy_export(tmp_path, "phyphox_with_g")
    (export / "meta" / "device.csv").write_text('"property","value"\n"deviceModel","' + "9" * 200_000 + "\n")
    rec = imu_gait.read(export)
    assert rec.n_samples == 2000
    assert any("meta/device.csv could not be read" in w for w in rec.warnings), rec.warnings


def test_sensorlogger_metadata_with_old_mac_line_ends_is_read(tmp_path):
    """fuzz: eol_cr@Metadata.csv → _csv.Error 'new-line character seen in unquoted field'."""
    export = copy_export(tmp_path, "sensorlogger_ios")
    p = export / "Metadata.csv"
    p.write_bytes(p.read_bytes().replace(b"\n", b"\r"))
    rec = imu_gait.read(export)
    assert rec.meta["platform"] == "ios"


def test_sensorlogger_unreadable_metadata_is_a_warning_naming_it(tmp_path):
    export = copy_export(tmp_path, "sensorlogger_android")
    (export / "Metadata.csv").write_text("version,device name\n3,\"" + "x" * 200_000 + "\n")
    rec = imu_gait.read(export)
    assert any("Metadata.csv could not be read" in w for w in rec.warnings), rec.warnings


# ------------------------------------------------------------------ time stamps (raw crash)
def test_time_in_whole_seconds_with_gyro_in_deg_s_names_the_repeats(tmp_path):
    """fuzz: decimal commas in a comma-separated file (time '1572339786,3100' split in two) → the time
    column in whole seconds; gyro_unit='deg/s' → ZeroDivisionError in recording.moving_samples."""
    raw = np.loadtxt(DATA / "skdh_examples" / "example_data_30s.csv", delimiter=",")[:1500]
    p = tmp_path / "whole_seconds.csv"
    p.write_text("".join(f"{int(r[0])},{r[1]:.6f},{r[2]:.6f},{r[3]:.6f},{r[4]:.6f},{r[5]:.6f},{r[6]:.6f}\n"
                         for r in raw))
    refused(p, "repeat the previous one", line=2, column="0", time_col=0, time_unit="s", acc_cols=[1, 2, 3],
            acc_unit="g", gyro_cols=[4, 5, 6], gyro_unit="deg/s")


# ------------------------------------------------------------------ GENEActiv quotes (raw crash)
def geneactiv_copy(tmp_path: Path) -> tuple[Path, int]:
    src = DATA / "gaitpy_demo" / "demo_data_30s.csv"
    p = tmp_path / "geneactiv.csv"
    p.write_bytes(src.read_bytes())
    first = next(i for i, l in enumerate(p.read_text().split("\n"), 1) if re.match(r"^\d{4}-\d\d-\d\d ", l))
    return p, first


def test_geneactiv_stray_quote_in_the_header_lines_is_harmless(tmp_path):
    """fuzz: quote_unbalanced on a header line (a lone '"' on line 95 of ~100) → the parser, skipping
    the header lines, opened a quoted cell that swallowed every data row: IndexError at 'ns[0]'."""
    p, first = geneactiv_copy(tmp_path)
    edit_line(p, first - 5, lambda l: l + '"')
    rec = imu_gait.read(p)
    assert rec.n_samples == 1500


def test_geneactiv_quote_in_a_cell_names_its_line(tmp_path):
    p, first = geneactiv_copy(tmp_path)
    edit_line(p, first + 100, lambda l: l.replace(",", ',"', 1))
    refused(p, "quote", line=first + 100)


def test_geneactiv_row_with_a_field_too_many_is_refused(tmp_path):
    """A stray separator mid-row: pandas' usecols dropped the extra field, x, y, z read shifted."""
    p, first = geneactiv_copy(tmp_path)
    edit_line(p, first + 100, lambda l: l.replace(",", ",0.5,", 1))
    refused(p, "8 field", line=first + 100)


# ------------------------------------------------------------------ rows silently shifted / lost
def test_sensorlogger_row_with_a_field_too_many_is_refused(tmp_path):
    """A stray value mid-row was accepted: its x, y, z read from the wrong columns, without a word."""
    export = copy_export(tmp_path, "sensorlogger_android")
    edit_line(export / "TotalAcceleration.csv", 101, lambda l: l.replace(",", ",9.9,", 2).replace(",9.9,", ",", 1))
    err = refused(export, "6 field", line=101)
    assert err.path.endswith("TotalAcceleration.csv")


def test_phyphox_quote_in_an_unused_column_cannot_swallow_rows(tmp_path):
    """A quote opened in the unread 'Absolute acceleration' cell of line 101 and closed on line 103: the
    rows between were read as one, two samples lost without a word."""
    export = copy_export(tmp_path, "phyphox_with_g")
    p = export / "Raw Data.csv"
    edit_line(p, 101, lambda l: l.rsplit(",", 1)[0] + ',"' + l.rsplit(",", 1)[1])
    edit_line(p, 103, lambda l: l + '"')
    err = refused(export, "quote", line=101)
    assert err.path.endswith("Raw Data.csv")


def test_phyphox_zip_row_with_a_field_too_many_is_refused(tmp_path):
    export = copy_export(tmp_path, "phyphox_with_g")
    edit_line(export / "Raw Data.csv", 51, lambda l: l.replace(",", ",1.0E0,", 1))
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in sorted(export.rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(export).as_posix())
    err = refused(z, "6 field", line=51)
    assert "Raw Data.csv" in str(err)


def native_with_extra_column(tmp_path: Path) -> Path:
    """source_walk.csv with a temperature column in the middle: the native reader selects columns."""
    lines = (DATA / "source_walk.csv").read_text().split("\n")
    out = []
    for l in lines:
        if l.startswith("#") or not l:
            out.append(l)
            continue
        c = l.split(",")
        out.append(",".join(c[:4] + (["temp_c"] if c[0] == "time_s" else ["31.5"]) + c[4:]))
    p = tmp_path / "native_temp.csv"
    p.write_text("\n".join(out))
    return p


def test_native_row_with_a_field_too_many_is_refused(tmp_path):
    p = native_with_extra_column(tmp_path)
    assert imu_gait.read(p).n_samples == 2000           # the file as written reads
    edit_line(p, 300, lambda l: l.replace(",", ",0.1,", 1))
    refused(p, "9 field", line=300)


def test_generic_row_with_a_field_too_many_is_refused(tmp_path):
    """The generic reader parses with usecols too: a row with one value more was read shifted."""
    raw = np.loadtxt(DATA / "skdh_examples" / "example_data_30s.csv", delimiter=",")[:1500]
    p = tmp_path / "lab.csv"
    rows = ["timestamp;ax;ay;az"] + [f"{r[0]:.4f};{r[1]:.6f};{r[2]:.6f};{r[3]:.6f}" for r in raw]
    rows[500] = rows[500].replace(";", ";0.25;", 1)
    p.write_text("\n".join(rows) + "\n")
    refused(p, "5 field", line=501, acc_unit="g")


#: AndroSensor's header as docs/datasets.md §8.4 gives it (as in test_readers.py)
ANDRO_HEADER = ("ACCELEROMETER X (m/s²);ACCELEROMETER Y (m/s²);ACCELEROMETER Z (m/s²);GRAVITY X (m/s²);"
                "GRAVITY Y (m/s²);GRAVITY Z (m/s²);LINEAR ACCELERATION X (m/s²);LINEAR ACCELERATION Y (m/s²);"
                "LINEAR ACCELERATION Z (m/s²);GYROSCOPE X (rad/s);GYROSCOPE Y (rad/s);GYROSCOPE Z (rad/s);"
                "Time since start in ms ;YYYY-MO-DD HH-MI-SS_SSS")


def write_androsensor(tmp_path: Path) -> Path:
    lines = [l for l in (DATA / "source_walk.csv").read_text().splitlines() if l and not l.startswith("#")][1:]
    rows = [ANDRO_HEADER]
    for l in lines:
        t, ax, ay, az, gx, gy, gz = (float(c) for c in l.split(","))
        ms = int(round(t * 1000))
        cells = [ax, ay, az, 0.0, 0.0, 9.81, ax, ay, az - 9.81, gx, gy, gz]
        rows.append(";".join(f"{v:.6g}" for v in cells) + f";{ms};2024-03-17 17-48-{52 + ms // 1000:02d}_{ms % 1000:03d}")
    p = tmp_path / "andro.csv"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return p


def test_androsensor_quote_across_lines_cannot_swallow_rows(tmp_path):
    """fuzz: quote_all + eol_mixed → quotes opened on one line and closed on the next joined 463 of 700
    rows into others (the unread date column absorbed them); the recording was analysed at 1/3 of its
    samples with only a 'gaps' warning."""
    p = write_androsensor(tmp_path)
    assert imu_gait.read(p).n_samples == 2000
    edit_line(p, 200, lambda l: l.rsplit(";", 1)[0] + ';"' + l.rsplit(";", 1)[1])
    edit_line(p, 201, lambda l: l.split(";", 1)[0] + '"' + ";" + l.split(";", 1)[1])
    refused(p, "quote", line=200)


# ------------------------------------------------------------------ second fuzz run
def test_generic_first_row_with_decimal_commas_is_data_not_a_units_row(tmp_path):
    """fuzz: decimal_comma_to_tab → the first data row ('1572339786,3000<TAB>-0,518555 …') was taken for a
    units row under the header and dropped ('line 2 is a units row … not data'): a sample lost."""
    raw = np.loadtxt(DATA / "skdh_examples" / "example_data_30s.csv", delimiter=",")[:1500]
    p = tmp_path / "tabs.csv"
    rows = ["timestamp\tax\tay\taz"] + ["\t".join(f"{v:.6f}".replace(".", ",") for v in r[:4]) for r in raw]
    p.write_text("\n".join(rows) + "\n")
    rec = imu_gait.read(p, acc_unit="g")
    assert rec.n_samples == 1500
    assert not any("units row" in w for w in rec.warnings), rec.warnings


def test_generic_headerless_decimal_commas_keep_the_first_row(tmp_path):
    raw = np.loadtxt(DATA / "skdh_examples" / "example_data_30s.csv", delimiter=",")[:1500]
    p = tmp_path / "headerless.csv"
    p.write_text("".join(";".join(f"{v:.6f}".replace(".", ",") for v in r[:4]) + "\n" for r in raw))
    # (the separator must be given: sniffed from a row it is ',' — 4 decimal commas against 3 ';')
    rec = imu_gait.read(p, time_col=0, acc_cols=[1, 2, 3], acc_unit="g", delimiter=";")
    assert rec.n_samples == 1500


@pytest.mark.parametrize("export, name", [("sensorlogger_ios", "Accelerometer.csv"),
                                          ("phyphox_multi", "Accelerometer.csv")])
def test_acceleration_file_whose_only_row_is_cut_short(tmp_path, export, name):
    """fuzz: header_only_member + a cut row → the cut last line was dropped, nothing was left, and
    Sensor Logger raised ValueError ('zero-size array to reduction operation minimum')."""
    folder = copy_export(tmp_path, export)
    p = folder / name
    header, first = p.read_text().split("\n")[:2]
    p.write_text(header + "\n" + first[:len(first) // 2])
    with pytest.raises(RecordingError) as ei:
        imu_gait.read(folder)
    assert name in str(ei.value) and ei.value.line == 2, str(ei.value)


def test_gyroscope_file_whose_only_row_is_cut_short_is_left_out(tmp_path):
    folder = copy_export(tmp_path, "sensorlogger_android")
    p = folder / "Gyroscope.csv"
    header, first = p.read_text().split("\n")[:2]
    p.write_text(header + "\n" + first[:len(first) // 2])
    rec = imu_gait.read(folder)
    assert rec.gyro_rads is None
    assert any("Gyroscope.csv holds no samples" in w for w in rec.warnings), rec.warnings


# ------------------------------------------------------------------ final fuzz run
def test_native_with_old_mac_line_ends_and_a_blank_line_before_the_header_keeps_the_first_row(tmp_path):
    """fuzz: eol_cr + blank_before_header → pandas does not count a CR-ended blank line among the lines it
    skips, so the first data row was skipped too: 699 of 700 samples, no warning."""
    lines = (DATA / "source_walk.csv").read_text().split("\n")
    lines.insert(4, "")                                   # between the metadata and the header
    p = tmp_path / "mac.csv"
    p.write_bytes("\r".join(lines).encode())
    rec = imu_gait.read(p)
    assert rec.n_samples == 2000 and rec.time_s[0] == 0.0


def test_generic_headerless_first_row_with_a_bad_cell_is_not_taken_for_a_header(tmp_path):
    """fuzz: header_rename / col_add on a headerless file → a first row of numbers with one word in it was
    taken for the header: the row lost without a word, the columns named after its numbers."""
    raw = np.loadtxt(DATA / "skdh_examples" / "example_data_30s.csv", delimiter=",")[:1500]
    p = tmp_path / "headerless.csv"
    rows = [",".join(f"{v:.6f}" for v in r) for r in raw]
    rows[0] = rows[0].rsplit(",", 1)[0] + ",oops"
    p.write_text("\n".join(rows) + "\n")
    refused(p, "not a number", line=1, column="oops", time_col=0)


# ------------------------------------------------------------------ follow-up fixes
@pytest.mark.parametrize("damage", [lambda l: '"' + l, lambda l: "+5" + l[2:], lambda l: l[:10] + "T" + l[11:]],
                         ids=["quote", "plus5", "iso_T"])
def test_geneactiv_first_row_with_a_damaged_stamp_is_not_a_header_line(tmp_path, damage):
    """fuzz (seed 5, case 24711): quote_unbalanced put a '"' before the first data row's stamp; the row no
    longer matched the stamp pattern, was taken for a 'key,value' header line and skipped: 1 of 400
    samples lost without a warning. A damaged stamp further down was already refused naming its line."""
    p, first = geneactiv_copy(tmp_path)
    edit_line(p, first, damage)
    refused(p, "YYYY-MM-DD", line=first, column="timestamp")


@pytest.mark.parametrize("sep", [";", "\t"])
def test_generic_headerless_decimal_commas_separator_is_guessed(tmp_path, sep):
    """A headerless ';'-separated file with decimal commas ('0,01;0,12;9,81;…'): its first row holds more
    commas than semicolons, so it was split at ',' — 7 fields of half-numbers, ending in a clean but
    misleading error. The separator that splits every line into the same number of numeric fields wins."""
    raw = np.loadtxt(DATA / "skdh_examples" / "example_data_30s.csv", delimiter=",")[:1500]
    p = tmp_path / "headerless.csv"
    p.write_text("".join(sep.join(f"{v:.6f}".replace(".", ",") for v in r[:4]) + "\n" for r in raw))
    rec = imu_gait.read(p, time_col=0, acc_cols=[1, 2, 3], acc_unit="g")
    assert rec.n_samples == 1500
    assert rec.acc_mps2[0] == pytest.approx(raw[0, 1:4] * 9.80665, abs=1e-5)
    assert imu_gait.read(p, time_col=0).n_samples == 1500          # columns and unit guessed too


def test_generic_separator_guess_keeps_comma_files_with_a_header(tmp_path):
    """A ',' file whose data has no ';' keeps ','; a header with ';' names keeps ';' (no sample fits ',')."""
    raw = np.loadtxt(DATA / "skdh_examples" / "example_data_30s.csv", delimiter=",")[:1500]
    p = tmp_path / "comma.csv"
    p.write_text("time,ax,ay,az\n" + "".join(",".join(f"{v:.6f}" for v in r[:4]) + "\n" for r in raw))
    assert imu_gait.read(p, acc_unit="g").n_samples == 1500


# ------------------------------------------------------------------ clean errors in pandas' words
PANDAS_WORDS = r"dtype|C error|tokeniz|Duplicate names|passed names|columns specified|non-finite|could not convert"


def in_users_terms(err: RecordingError) -> str:
    msg = str(err)
    assert not re.search(PANDAS_WORDS, msg, re.I), msg
    return msg


def test_phyphox_header_repeating_a_column_name_is_read(tmp_path):
    """fuzz (seed 11, case 72): col_dup of the unused 'Absolute acceleration' column → 'the data could not
    be parsed as numbers (Duplicate names are not allowed.)': pandas refused the names the reader passed."""
    export = copy_export(tmp_path, "phyphox_semicolon")
    p = export / "Raw Data.csv"
    p.write_text("\n".join(l + l[l.rfind(";"):] if l else l for l in p.read_text().split("\n")))
    assert imu_gait.read(export).n_samples == 2000


def test_phyphox_header_repeating_a_used_column_name_says_which_is_read(tmp_path):
    export = copy_export(tmp_path, "phyphox_with_g")
    p = export / "Raw Data.csv"
    lines = p.read_text().split("\n")
    lines[0] = lines[0].replace('"Absolute acceleration (m/s^2)"', '"Acceleration x (m/s^2)"')
    p.write_text("\n".join(lines))
    rec = imu_gait.read(export)
    assert rec.n_samples == 2000
    assert any("'Acceleration x (m/s^2)' 2 times" in w and "read column 1" in w for w in rec.warnings), rec.warnings


def test_decimal_point_in_a_decimal_comma_file_names_the_cell(tmp_path):
    """fuzz (seed 11, case 105): '-1414.47' in a ';' export with decimal commas → 'cannot safely convert
    passed user dtype of float64 for object dtyped data in column 2' (Python's float() took the cell)."""
    export = copy_export(tmp_path, "phyphox_semicolon")
    edit_line(export / "Raw Data.csv", 40, lambda l: l.split(";", 1)[0] + ";-1414.47;" + l.split(";", 2)[2])
    msg = in_users_terms(refused(export, "decimal comma", line=40, column="Acceleration x (m/s^2)"))
    assert "-1414.47" in msg


@pytest.mark.parametrize("cell", ["1_000", "\u0661\u0662", "\xa01.0"], ids=["underscore", "arabic_digits", "nbsp"])
def test_cells_python_reads_but_pandas_does_not_are_named(tmp_path, cell):
    """fuzz: '1_000' (GENEActiv, case 4385), '١٢' (native), a no-break space (phyphox): float() reads them,
    pandas' C parser does not — the failed parse was reported in pandas' words, naming no line."""
    p, first = geneactiv_copy(tmp_path)
    edit_line(p, first + 50, lambda l: ",".join(l.split(",")[:2] + [cell] + l.split(",")[3:]))
    in_users_terms(refused(p, "not a number", line=first + 50, column="y"))
    n = native_with_extra_column(tmp_path)
    edit_line(n, 100, lambda l: ",".join(l.split(",")[:2] + [cell] + l.split(",")[3:]))
    in_users_terms(refused(n, "not a number", line=100, column="acc_y"))


def test_native_row_ending_with_a_separator_is_named(tmp_path):
    """fuzz (seed 11, case 765): one row ending with ',' → 'the data could not be parsed as numbers (Error
    tokenizing data. C error: Expected 7 fields in line 95, saw 8)'."""
    p = tmp_path / "walk.csv"
    shutil.copy(DATA / "source_walk.csv", p)
    edit_line(p, 95, lambda l: l + ",")
    in_users_terms(refused(p, "ends with a separator", line=95))


def test_sensorlogger_first_row_ending_with_a_separator_is_read_as_the_others(tmp_path):
    """fuzz (seed 11, case 446): '…Number of passed names did not match number of header fields' — then
    refused by line; since a row ending in a separator is read wherever it is (its values are whole), the
    first row too: pandas is given a name for the empty field (parse_numeric_csv)."""
    export = copy_export(tmp_path, "sensorlogger_android")
    edit_line(export / "TotalAcceleration.csv", 2, lambda l: l + ",")
    rec, clean = imu_gait.read(export), imu_gait.read(DATA / "sensorlogger_android")
    np.testing.assert_array_equal(rec.acc_mps2, clean.acc_mps2)
    np.testing.assert_array_equal(rec.time_s, clean.time_s)


def test_generic_open_quote_and_short_rows_are_named(tmp_path):
    """fuzz (seed 11, cases 213, 231): 'the rows do not match the header (Error tokenizing data. C error: EOF
    inside string starting at row 290)' and '(Too many columns specified: expected 14 and found 13)'."""
    raw = np.loadtxt(DATA / "skdh_examples" / "example_data_30s.csv", delimiter=",")[:1500]
    p = tmp_path / "lab.csv"
    rows = [",".join(f"{v:.6f}" for v in r) for r in raw]
    rows[290] = rows[290].replace(",", ',"', 1)
    p.write_text("\n".join(rows) + "\n")
    in_users_terms(refused(p, "quote", line=291, time_col=0, acc_cols=[1, 2, 3], acc_unit="g"))
    a = write_androsensor(tmp_path)
    a.write_text("\n".join(l if k == 0 or not l else l.split(";", 1)[1] for k, l in enumerate(a.read_text().split("\n"))))
    in_users_terms(refused(a, "13 field", line=2))


def test_damaged_zip_member_is_described_in_the_users_terms(tmp_path):
    """fuzz (seed 11, cases 196, 249): 'the zip archive is damaged (Bad CRC-32 for file …)' / '(Error -3
    while decompressing data: invalid distance too far back)'."""
    export = copy_export(tmp_path, "phyphox_with_g")
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        for f in sorted(export.rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(export).as_posix())
    raw = bytearray(z.read_bytes())
    k = raw.index(b"Raw Data.csv") + len(b"Raw Data.csv") + 500      # inside that member's stored bytes
    raw[k] = ord("7") if raw[k] != ord("7") else ord("8")
    z.write_bytes(bytes(raw))
    with pytest.raises(RecordingError) as ei:
        imu_gait.read(z)
    msg = str(ei.value)
    assert "'Raw Data.csv' inside it fails its checksum" in msg and "CRC" not in msg, msg


def test_generic_headerless_row_with_a_field_too_many_is_refused(tmp_path):
    """fuzz (seed 7, case 2209), found by the new compare-rows-with-the-seed check: a ',' inserted into a
    headerless file's acceleration cell ('-0.27294,9') shifted z and the gyroscope of that row one column
    on, read without a word — the check for longer rows looked at the first line only when no line is
    skipped before the data (re.split's maxsplit=0 means 'no limit')."""
    raw = np.loadtxt(DATA / "skdh_examples" / "example_data_30s.csv", delimiter=",")[:1500]
    p = tmp_path / "headerless.csv"
    rows = [",".join(f"{v:.6f}" for v in r) for r in raw]
    rows[332] = rows[332].replace(",", ",9,", 1)
    p.write_text("\n".join(rows) + "\n")
    refused(p, "8 field", line=333, time_col=0, time_unit="s", acc_cols=[1, 2, 3], acc_unit="g",
            gyro_cols=[4, 5, 6], gyro_unit="deg/s")


# ------------------------------------------------------------------ the cell pandas failed on, found
@pytest.mark.parametrize("char", ["\x1c", "\u2028"])
def test_a_control_character_in_a_cell_is_named_on_its_own_line(tmp_path, char):
    """fuzz (seed 7, case 2915): a byte flip made a time cell '\\x1c.348518'. pandas refused the file, but the
    search for the bad cell split lines as str.splitlines does — also at form feeds, \\x1c–\\x1e and
    U+2028 — so the damaged row fell apart into pieces and the message said 'no single bad cell found'.
    Lines are now split where a CSV parser splits them: the cell is named, on its true line."""
    p = tmp_path / "walk.csv"
    p.write_bytes((DATA / "source_walk.csv").read_bytes())
    text = p.read_text()
    head = next(i for i, l in enumerate(text.split("\n"), 1) if l.startswith("time_s"))
    edit_line(p, head + 500, lambda l: char + l[1:])
    err = refused(p, "is not a number", line=head + 500, column="time_s")
    assert "no single bad cell" not in str(err)


def test_geneactiv_stamp_with_an_impossible_hour_names_its_line(tmp_path):
    """fuzz (seed 7, case 4933): a byte flip made an hour of 50 ('2019-08-06 50:25:53:660'). The row pattern
    (digits in place) let it pass, pandas' date parse refused it, and the message said 'no single bad cell
    found' pointing at the first data row. The stamp's date and time of day are now checked too."""
    p, first = geneactiv_copy(tmp_path)
    edit_line(p, first + 183, lambda l: l[:11] + "50" + l[13:])
    refused(p, "YYYY-MM-DD", line=first + 183, column="timestamp")


@pytest.mark.parametrize("sample", ["source_walk.csv", "phyphox_with_g/Raw Data.csv", "sensorlogger_ios/Gravity.csv"])
def test_a_header_quote_that_does_not_close_cannot_swallow_the_first_row(tmp_path, sample):
    """fuzz (seed native_walk, case 30514: header_quote + eol_mixed): the native header '"time_s",…,"gyro_z'
    opened a quote the first data row closed ('0.00",…'), so that row was read as part of the header —
    699 of 700 rows, no warning. Each reader refuses a header with a quote that does not close, naming it."""
    src = DATA / sample
    dst = tmp_path / src.name
    if "/" in sample:                                   # an export folder: copy it, then damage one file
        shutil.copytree(src.parent, tmp_path / src.parent.name)
        dst = tmp_path / sample
    else:
        shutil.copy(src, dst)
    lines = dst.read_text().split("\n")
    h = next(i for i, l in enumerate(lines) if l and not l.startswith("#"))
    if sample == "source_walk.csv":                     # the fuzz's own input: the first row closes the quote
        lines[h] = ",".join(f'"{c}"' for c in lines[h].split(","))[:-1]
        lines[h + 1] = ",".join(f'"{c}"' for c in lines[h + 1].split(","))[1:]
    else:
        lines[h] = '"' + lines[h]
    dst.write_text("\n".join(lines))
    refused(dst if "/" not in sample else dst.parent, "quote", line=h + 1)


def test_a_trailing_separator_on_the_header_names_no_column(tmp_path):
    """A header ending in ',' (a spreadsheet export) kept an empty-named column: a row with a value in that
    place — '1,5' typed for 1.5 — was read with its cells shifted one place (acc_z into gyro_x) without a
    word (fuzz seed 11, case 9662). The trailing separator names no column now: such a row is refused,
    and rows that end with a separator too read exactly as the clean file."""
    src = (DATA / "native_sitting.csv").read_text().splitlines()
    k = next(i for i, line in enumerate(src) if line.startswith("time_s"))
    clean = imu_gait.read(DATA / "native_sitting.csv")

    every = tmp_path / "every.csv"          # header and every row end with ','
    every.write_text("\n".join(src[:k] + [line + "," for line in src[k:]]) + "\n")
    rec = imu_gait.read(every)
    np.testing.assert_array_equal(rec.acc_mps2, clean.acc_mps2)
    np.testing.assert_array_equal(rec.gyro_rads, clean.gyro_rads)

    header_only = tmp_path / "header_only.csv"    # only the header ends with ','
    header_only.write_text("\n".join(src[:k] + [src[k] + ","] + src[k + 1:]) + "\n")
    np.testing.assert_array_equal(imu_gait.read(header_only).acc_mps2, clean.acc_mps2)

    shifted = src[:k] + [src[k] + ","] + src[k + 1:]
    row = k + 1 + 284
    cells = shifted[row].split(",")
    shifted[row] = ",".join(cells[:2] + ["1,5"] + cells[3:])
    bad = tmp_path / "shifted.csv"
    bad.write_text("\n".join(shifted) + "\n")
    refused(bad, r"8 field\(s\) where the header has 7", line=row + 1)


def test_a_trailing_separator_on_a_generic_header_names_no_column(tmp_path):
    """The same in the reader for any CSV: 'time,ax,ay,az,' with one row '0.99,0.1,1,5,9.8' (a decimal
    comma) read that row as ay = 1, az = 5; now it is refused by line, and rows ending in ',' read as clean."""
    t = np.arange(0, 30, 0.01)
    rows = ["time,ax,ay,az,"] + [f"{x:.2f},0.1,0.2,9.8" for x in t]
    rows[100] = "0.99,0.1,1,5,9.8"
    bad = tmp_path / "gen.csv"
    bad.write_text("\n".join(rows) + "\n")
    opts = dict(time_col="time", time_unit="s", acc_cols=["ax", "ay", "az"], acc_unit="m/s2")
    refused(bad, r"5 field\(s\) where 4 are expected", line=101, **opts)
    rows = ["time,ax,ay,az,", "s,m/s2,m/s2,m/s2,"] + [f"{x:.2f},0.1,0.2,9.8," for x in t]    # with a units row
    ok = tmp_path / "ok.csv"
    ok.write_text("\n".join(rows) + "\n")
    rec = imu_gait.read(ok, time_col="time", acc_cols=["ax", "ay", "az"])
    assert rec.n_samples == t.size and np.allclose(rec.acc_mps2, [0.1, 0.2, 9.8])


@pytest.mark.parametrize("export, name", [("phyphox_with_g", "Raw Data.csv"), ("sensorlogger_ios", "Accelerometer.csv")])
def test_exports_with_a_trailing_separator_read_as_clean_and_a_shifted_row_is_refused(tmp_path, export, name):
    """An export whose header — or header and rows — end in ',' reads exactly as the clean one (the rows
    too was refused once the header's empty name was dropped: pandas takes the width from the first row);
    a row with a value where the separator's empty field is ('1,5' for 1.5) is refused by line."""
    clean = imu_gait.read(DATA / export)

    def variant(tag: str, header: bool, rows: bool, shift: bool) -> Path:
        folder = tmp_path / tag
        shutil.copytree(DATA / export, folder)
        lines = (folder / name).read_text().splitlines()
        lines = [lines[0] + ("," if header else "")] + [line + ("," if rows else "") for line in lines[1:]]
        if shift:
            cells = lines[50].split(",")
            lines[50] = ",".join(cells[:2] + [cells[2].replace(".", ",", 1)] + cells[3:])
        (folder / name).write_text("\n".join(lines) + "\n")
        return folder

    for tag, header, rows in (("head", True, False), ("all", True, True), ("rows", False, True)):
        rec = imu_gait.read(variant(tag, header, rows, False))
        np.testing.assert_array_equal(rec.acc_mps2, clean.acc_mps2)
    for tag, header, rows in (("head_shift", True, False), ("all_shift", True, True)):
        refused(variant(tag, header, rows, True) / name, r"field\(s\) where the header has 5", line=51)


# ------------------------------------------------------------------ differential fuzzing, session 37
def _utf16(path: Path) -> None:
    path.write_bytes(b"\xff\xfe" + path.read_text(encoding="utf-8").encode("utf-16-le"))


@pytest.mark.parametrize("export, member", [("phyphox_multi", "Accelerometer.csv"),
                                            ("phyphox_multi", "Gyroscope.csv"),
                                            ("sensorlogger_android", "TotalAcceleration.csv")])
def test_utf16_member_of_an_export_is_named_as_utf16(tmp_path, export, member):
    """fuzz s37 (utf16le on a member): a folder's CSV re-saved as UTF-16 was decoded as cp1252, and the
    reader said 'no time column in the header (ÿþ" T i m e …)' — true of the bytes, no help to the user."""
    folder = copy_export(tmp_path, export)
    _utf16(folder / member)
    err = refused(folder, "UTF-16", "CSV UTF-8")
    assert member in str(err)


@pytest.mark.parametrize("options", [dict(format="native"), dict(time_col="ms", time_unit="s")])
def test_utf16_file_read_with_options_or_a_forced_reader_is_named_as_utf16(tmp_path, options):
    """fuzz s37: read(path) named UTF-16, but read(path, format='native') or read(path, time_col=…) said the
    header lacks time_s (found: '��#? ?s?o?u?r?c?e? …') or 'no column named …'."""
    p = tmp_path / "walk.csv"
    p.write_text((DATA / "source_walk.csv").read_text().replace("time_s", "ms"), encoding="utf-8")
    _utf16(p)
    refused(p, "UTF-16", "CSV UTF-8", **options)


def test_utf16_phyphox_meta_file_still_adds_its_facts(tmp_path):
    """The meta files only add facts: a UTF-16 device.csv is decoded, not refused."""
    folder = copy_export(tmp_path, "phyphox_multi")
    _utf16(folder / "meta" / "device.csv")
    rec = imu_gait.read(folder)
    assert "Pixel 7" in rec.meta.get("device", "")


def test_phyphox_header_missing_an_axis_is_named_not_taken_for_a_gyro_only_export(tmp_path):
    """fuzz s37 (drop_header_cell_only on Accelerometer.csv): a header without "Y (m/s^2)" made the file hold
    no acceleration at all, and the export was refused as 'holds only the gyroscope … record Acceleration
    with g as well' — pointing at Gyroscope.csv and at a recording the user had made."""
    folder = copy_export(tmp_path, "phyphox_multi")
    edit_line(folder / "Accelerometer.csv", 1, lambda l: l.replace(',"Y (m/s^2)"', ""))
    err = refused(folder, r"axes x, z but no y", line=1)
    assert "Accelerometer.csv" in str(err) and "only the gyroscope" not in str(err)


def _native_with_cell(tmp_path: Path, row: int, col: int, value: str) -> Path:
    """source_walk.csv with data row ``row`` (0-based; on line 6 + row) cell ``col`` replaced."""
    p = tmp_path / "walk.csv"
    shutil.copy(DATA / "source_walk.csv", p)
    edit_line(p, 6 + row, lambda l: ",".join(value if j == col else c for j, c in enumerate(l.split(","))))
    return p


@pytest.mark.parametrize("col, value", [(5, "1e30"), (5, "99999999"), (1, "99999999"), (3, "-1e300")])
def test_a_value_no_sensor_measures_is_named_on_its_line(tmp_path, col, value):
    """fuzz s37 (huge_cell): one damaged angular rate ('99999999', '1e30') was read without a word and bent the
    whole walk (analysis: 'walking direction unclear', 'no bout of 16+ steady steps'); one damaged acceleration
    was refused as 'not steady like gravity … the sensor seems to swing or turn over'."""
    p = _native_with_cell(tmp_path, 700, col, value)
    err = refused(p, "no sensor measures that", line=706)
    assert "steady like gravity" not in str(err)


def test_a_hard_glitch_within_a_sensors_range_is_still_read(tmp_path):
    """The limit is far above real glitches: a 60 g spike and a 30 rad/s one read (the analysis smooths the first)."""
    p = _native_with_cell(tmp_path, 700, 1, "588.0")
    edit_line(p, 706 + 100, lambda l: ",".join("30.0" if j == 5 else c for j, c in enumerate(l.split(","))))
    rec = imu_gait.read(p)
    assert rec.gyro_rads[800, 1] == 30.0
    # the 60-g sample is a glitch the reading smooths, saying so (not a refusal of the file)
    assert rec.acc_mps2[700, 0] == 588.0 or any("50 g" in w for w in rec.warnings), rec.warnings


def test_a_damaged_rate_in_a_separate_gyroscope_file_names_that_file(tmp_path):
    """Sensor Logger's Gyroscope.csv is interpolated onto the acceleration's times: its file and the time are named."""
    folder = copy_export(tmp_path, "sensorlogger_android")
    edit_line(folder / "Gyroscope.csv", 301, lambda l: ",".join(l.split(",")[:4] + ["99999999"]))
    err = refused(folder, "no sensor measures that", r"at 2\.9\d\d s")
    assert "Gyroscope.csv" in str(err)


@pytest.mark.parametrize("member", ["TotalAcceleration.csv", "Gyroscope.csv"])
def test_sensorlogger_file_with_old_mac_line_ends_reads_as_the_original(tmp_path, member):
    """fuzz s37 (cr_only): a Sensor Logger CSV with lone-CR line ends (re-saved by Excel for Mac) was refused as
    'the header lacks x (found: time, seconds_elapsed, z, y, x1710697732444921974, …)'. Read now, every
    sample equal to the original's."""
    folder = copy_export(tmp_path, "sensorlogger_android")
    p = folder / member
    p.write_bytes(p.read_bytes().replace(b"\n", b"\r"))
    rec, ref = imu_gait.read(folder), imu_gait.read(DATA / "sensorlogger_android")
    np.testing.assert_array_equal(rec.time_s, ref.time_s)
    np.testing.assert_array_equal(rec.acc_mps2, ref.acc_mps2)
    np.testing.assert_array_equal(rec.gyro_rads, ref.gyro_rads)


def test_sensorlogger_cr_line_ends_still_name_the_right_line(tmp_path):
    folder = copy_export(tmp_path, "sensorlogger_android")
    edit_line(folder / "TotalAcceleration.csv", 40, lambda l: l.rsplit(",", 1)[0] + ",?")
    p = folder / "TotalAcceleration.csv"
    p.write_bytes(p.read_bytes().replace(b"\n", b"\r"))
    refused(folder, r"'\?' is not a number", line=40, column="x")


@pytest.mark.parametrize("edit", [lambda l: l.rsplit(",", 1)[0] + ",", lambda l: l.rsplit(",", 1)[0]])
def test_generic_empty_or_missing_cell_is_not_called_nan(tmp_path, edit):
    """fuzz s37 (missing_field, blank cells, generic reader with a column mapping): an empty cell or a row one
    field short was refused as "'nan' is not a finite number" — a value the file does not hold."""
    p = tmp_path / "log.csv"
    p.write_text((DATA / "source_walk.csv").read_text().replace("time_s,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z",
                                                                 "t,ax,ay,az,gx,gy,gz"))
    edit_line(p, 60, edit)
    err = refused(p, "empty, missing", line=60, column="gz", time_col="t", time_unit="s",
                  acc_cols=["ax", "ay", "az"], gyro_cols=["gx", "gy", "gz"])
    assert "'nan'" not in str(err)


@pytest.mark.parametrize("extra, content", [("Magnetometer.csv", b""), ("empty.csv", b""),
                                            ("notes.csv", b"a,b\n1,2\n"),
                                            ("Magnetometer.csv", b'"Time (s)","X (\xc2\xb5T)","Y (\xc2\xb5T)","Z (\xc2\xb5T)"\n')])
def test_phyphox_export_with_an_extra_csv_reads_the_sensors_it_has(tmp_path, extra, content):
    """fuzz s37 (extra_files): an empty Magnetometer.csv or the user's notes.csv beside the sensor files refused
    the whole export ('export/empty.csv: the file is empty', 'notes.csv, line 1: no time column'). The
    sensors are read as without it, and a warning names the file left out."""
    folder = copy_export(tmp_path, "phyphox_multi")
    (folder / extra).write_bytes(content)
    rec, ref = imu_gait.read(folder), imu_gait.read(DATA / "phyphox_multi")
    np.testing.assert_array_equal(rec.acc_mps2, ref.acc_mps2)
    np.testing.assert_array_equal(rec.gyro_rads, ref.gyro_rads)
    if b"Time" not in content:       # (a magnetometer file with its header is passed over as before: no sensor of ours)
        assert any(extra in w and "left out" in w for w in rec.warnings), rec.warnings


def test_phyphox_lone_renamed_csv_still_gets_its_own_error(tmp_path):
    """When no other file holds the acceleration, the left-out file's own error is the one raised."""
    folder = copy_export(tmp_path, "phyphox_with_g")
    (folder / "Raw Data.csv").rename(folder / "walk.csv")
    edit_line(folder / "walk.csv", 1, lambda l: l.replace('"Time (s)"', '"Zeit"'))
    refused(folder, "no time column", line=1)


# ---- rows of only separators (Excel saves formatted empty rows as ',,,,,,') — review s37 (excel) ----------
def _insert_separator_rows(src: Path, dst: Path, after_lines: list[int], delim: str, n_fields: int,
                           at_end: int = 0) -> list[int]:
    """``src`` copied to ``dst`` with a row of only separators after each of the 1-based ``after_lines``
    and ``at_end`` more at the end; returns the new file's line numbers of those rows."""
    lines = src.read_text().splitlines()
    empty = delim * (n_fields - 1)
    out, where = [], []
    for k, line in enumerate(lines, 1):
        out.append(line)
        if k in after_lines:
            out.append(empty)
            where.append(len(out))
    for _ in range(at_end):
        out.append(empty)
        where.append(len(out))
    dst.write_text("\n".join(out) + "\n")
    return where


def _separator_warning(rec, n: int, first: int) -> None:
    said = [w for w in rec.warnings if "only separators" in w]
    assert len(said) == 1, rec.warnings
    assert f"{n} row(s)" in said[0] and f"line {first}," in said[0], said[0]


@pytest.mark.parametrize("where", ["end", "middle", "both"])
def test_native_rows_of_only_separators_skipped_with_one_warning(tmp_path, where):
    # before: 'walk.csv, line 2006, column 'time_s': bad value in the data: '' is not a number' — the whole
    # recording refused for the empty rows Excel writes below a sheet
    src = DATA / "source_walk.csv"
    mid = [300, 301, 1500] if where != "end" else []
    dst = tmp_path / "walk.csv"
    rows = _insert_separator_rows(src, dst, mid, ",", 7, at_end=0 if where == "middle" else 3)
    rec = imu_gait.read(dst)
    assert_same_samples(rec, imu_gait.read(src))
    _separator_warning(rec, len(rows), rows[0])


def test_native_separator_rows_keep_later_line_numbers(tmp_path):
    # a bad cell after the skipped rows is named on its true line; so is a time glitch's warning
    src = DATA / "source_walk.csv"
    dst = tmp_path / "walk.csv"
    _insert_separator_rows(src, dst, [100, 101], ",", 7)
    # a wild time stamp (dropped with a warning) is named through the row → line map, which must skip them too
    edit_line(dst, 900, lambda l: "5000" + l[l.index(","):])
    said = [w for w in imu_gait.read(dst).warnings if "time stamp far from" in w]
    assert len(said) == 1 and "line 900 " in said[0], said
    edit_line(dst, 800, lambda l: "abc" + l[l.index(","):])
    refused(dst, "'abc' is not a number", line=800, column="time_s")


def test_row_with_some_cells_empty_still_refused(tmp_path):
    # only rows with every cell empty are Excel's empty rows: a row missing some values stays a bad row
    dst = tmp_path / "walk.csv"
    _insert_separator_rows(DATA / "source_walk.csv", dst, [], ",", 7, at_end=2)
    edit_line(dst, 400, lambda l: l.split(",")[0] + ",,,,,,")
    refused(dst, "not a number", line=400)


def test_phyphox_and_sensorlogger_rows_of_only_separators_skipped(tmp_path):
    ph = copy_export(tmp_path, "phyphox_semicolon")
    rows = _insert_separator_rows(DATA / "phyphox_semicolon" / "Raw Data.csv", ph / "Raw Data.csv", [50], ";", 5,
                                  at_end=2)
    rec = imu_gait.read(ph)
    assert_same_samples(rec, imu_gait.read(DATA / "phyphox_semicolon"))
    _separator_warning(rec, 3, rows[0])

    sl = copy_export(tmp_path, "sensorlogger_android")
    rows = _insert_separator_rows(DATA / "sensorlogger_android" / "TotalAcceleration.csv",
                                  sl / "TotalAcceleration.csv", [20], ",", 5, at_end=4)
    rec = imu_gait.read(sl)
    assert_same_samples(rec, imu_gait.read(DATA / "sensorlogger_android"))
    _separator_warning(rec, 5, rows[0])


def test_generic_rows_of_only_separators_skipped(tmp_path):
    src = tmp_path / "log.csv"
    t = np.arange(2000) / 100.0
    acc = np.column_stack([0.1 * np.sin(2 * np.pi * 1.8 * t), 0.05 * np.cos(2 * np.pi * 0.9 * t),
                           1.0 + 0.2 * np.sin(2 * np.pi * 1.8 * t)])
    src.write_text("ms;ax;ay;az\n" + "".join(f"{int(round(a * 1000))};{x:.5f};{y:.5f};{z:.5f}\n"
                                              for a, (x, y, z) in zip(t, acc)))
    options = dict(time_col="ms", time_unit="ms", acc_cols=["ax", "ay", "az"], acc_unit="g")
    dst = tmp_path / "log_excel.csv"
    rows = _insert_separator_rows(src, dst, [10, 11], ";", 4, at_end=5)
    rec = imu_gait.read(dst, **options)
    assert_same_samples(rec, imu_gait.read(src, **options))
    _separator_warning(rec, 7, rows[0])


@pytest.mark.parametrize("as_folder", [True, False])
def test_sensorlogger_header_in_other_letter_case_read(tmp_path, as_folder):
    # before: 'the header lacks time, x, y, z (found: Time, Seconds_Elapsed, Z, Y, X)' (review s37, excel)
    sl = copy_export(tmp_path, "sensorlogger_android")
    for name in ("TotalAcceleration.csv", "Gyroscope.csv"):
        edit_line(sl / name, 1, lambda l: "Time,Seconds_Elapsed,Z,Y,X")
    if as_folder:
        rec, ref = imu_gait.read(sl), imu_gait.read(DATA / "sensorlogger_android")
    else:
        rec = imu_gait.read(sl / "TotalAcceleration.csv")
        ref = imu_gait.read(DATA / "sensorlogger_android" / "TotalAcceleration.csv")
    assert_same_samples(rec, ref)


def test_quoted_number_with_thousands_separator_named(tmp_path):
    # before: 'line 500: bad value in the data: 8 field(s) where the header has 7 (is the separator ',' right?)'
    # — the field count split inside the quotes (review s37, excel)
    dst = tmp_path / "walk.csv"
    shutil.copy(DATA / "source_walk.csv", dst)
    edit_line(dst, 500, lambda l: ",".join([l.split(",")[0], '"1,234.5"'] + l.split(",")[2:]))
    refused(dst, "thousands separator ','", r"'1234\.5'", line=500, column="acc_x")

    sl = copy_export(tmp_path, "sensorlogger_android")
    edit_line(sl / "TotalAcceleration.csv", 40,
              lambda l: '"' + f"{int(l.split(',')[0]):,}" + '",' + l.split(",", 1)[1])
    refused(sl / "TotalAcceleration.csv", "thousands separator ','", line=40, column="time")

    gen = tmp_path / "log.csv"
    gen.write_text("t,ax,ay,az\n" + "".join(f"{k / 100:.2f},0.1,0.2,{9.8 + 0.1 * (k % 7):.2f}\n" for k in range(1500)))
    edit_line(gen, 30, lambda l: l.replace(",0.1,", ',"1,000.5",', 1))
    refused(gen, "column 'ax'.*thousands separator ','", line=30, time_col="t", time_unit="s", acc_cols=["ax", "ay", "az"],
            acc_unit="m/s^2")


def test_generic_separator_rows_wider_than_the_header_skipped(tmp_path):
    # Excel writes its used range's width: empty rows with more separators than the header has fields
    src = tmp_path / "log.csv"
    t = np.arange(1500) / 100.0
    src.write_text("t,ax,ay,az\n" + "".join(f"{a:.2f},{0.1 * np.sin(6 * a):.5f},{0.2 * np.cos(5 * a):.5f},{9.8 + np.cos(11 * a):.5f}\n"
                                            for a in t))
    options = dict(time_col="t", time_unit="s", acc_cols=["ax", "ay", "az"], acc_unit="m/s^2")
    dst = tmp_path / "log_excel.csv"
    rows = _insert_separator_rows(src, dst, [5], ",", 7, at_end=2)
    rec = imu_gait.read(dst, **options)
    assert_same_samples(rec, imu_gait.read(src, **options))
    _separator_warning(rec, 3, rows[0])
