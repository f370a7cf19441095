"""``imu-gait score``: the detected steps against a researcher's own reference contact times."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import imu_gait
from imu_gait.cli import main
from imu_gait.evaluation import ic_scores, lost_contact_spans, subtract_windows
from imu_gait.scoring import read_reference
from imu_gait.synthetic import synthesize_walk

DATA = Path(__file__).resolve().parent.parent / "datasets"


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("stem", ["mobgap_HA001_daily", "mobgap_HA002_daily"])
def test_a_json_reference_scores_as_the_regression_tests_do(tmp_path, capsys, stem):
    """The bundled INDIP references (bouts, contacts INDIP lost as null): the command's numbers are the
    ones the real-recording tests compute by hand — same matching, same scored windows."""
    ref = json.loads((DATA / f"{stem}.ref.json").read_text())
    res = imu_gait.analyze(imu_gait.read(DATA / f"{stem}.csv"))
    bouts = np.array([[b["start_s"], b["end_s"]] for b in ref["bouts"]])
    lost = [lost_contact_spans([np.nan if v is None else v for v in b["ic_times_s"]], b["start_s"], b["end_s"])
            for b in ref["bouts"]]
    expected = ic_scores(res.steps["time_s"].to_numpy(), np.asarray(ref["ic_times_s"]), tol_s=0.25,
                         windows=subtract_windows(bouts, np.concatenate(lost)))
    out = tmp_path / "score.json"
    code, text, err = run(["score", DATA / f"{stem}.csv", DATA / f"{stem}.ref.json", "--json", out], capsys)
    assert code == 0, err
    got = json.loads(out.read_text())
    for k in ("tp", "fp", "fn", "n_ref", "n_det"):
        assert got[k] == expected[k], k
    for k in ("precision", "recall", "f1", "median_abs_err_ms"):
        assert got[k] == pytest.approx(expected[k], abs=1e-12), k
    assert f"Precision / recall / F1   {expected['precision']:.3f} / {expected['recall']:.3f} / " \
           f"{expected['f1']:.3f}" in text
    assert len(got["windows"]) >= len(ref["bouts"]) and "Traceback" not in err
    assert f"scored over the reference's {len(ref['bouts'])} walking bouts" in text
    outcomes = [e["outcome"] for e in got["events"]]
    assert outcomes.count("matched") == expected["tp"] and outcomes.count("missed") == expected["fn"]
    assert outcomes.count("false") == expected["fp"]


def test_synthetic_truth_on_the_files_own_unix_time_column(tmp_path, capsys):
    """Truth-backed: a synthetic walk written as a logger would (Unix seconds in a 't' column, g), scored
    against its own true contacts on that same Unix axis. The reader re-bases time to 0; the command sees
    that only the file's own axis overlaps, subtracts the offset and says so. Detection against truth:
    F1 ≥ 0.98, median timing error ≤ 30 ms (the synthetic contact is the steepest rise)."""
    rec, truth = synthesize_walk(60.0, seed=3)
    unix0 = 1_700_000_000.0
    pd.DataFrame({"t": rec.time_s + unix0, "ax": rec.acc_mps2[:, 0] / 9.80665, "ay": rec.acc_mps2[:, 1] / 9.80665,
                  "az": rec.acc_mps2[:, 2] / 9.80665}).to_csv(tmp_path / "walk.csv", index=False, float_format="%.6f")
    pd.DataFrame({"heel_strike": truth.ic_times_s + unix0}).to_csv(tmp_path / "truth.csv", index=False,
                                                                    float_format="%.4f")
    out, events = tmp_path / "s.json", tmp_path / "events.csv"
    code, text, err = run(["score", tmp_path / "walk.csv", tmp_path / "truth.csv", "--time-col", "t", "--acc-cols",
                           "ax,ay,az", "--acc-unit", "g", "--json", out, "--events-csv", events], capsys)
    assert code == 0, err
    s = json.loads(out.read_text())
    assert s["shift_s"] == pytest.approx(unix0, abs=0.01)
    assert any("own time column" in n for n in s["notes"]) and "own time column" in text
    assert s["n_ref"] == truth.ic_times_s.size
    assert s["f1"] >= 0.98 and s["median_abs_err_ms"] <= 30.0
    ev = pd.read_csv(events)
    assert list(ev.columns) == ["reference_s", "detected_s", "error_ms", "outcome"]
    assert (ev["outcome"] == "matched").sum() == s["tp"] and len(ev) == s["tp"] + s["fp"] + s["fn"]
    matched = ev[ev["outcome"] == "matched"]
    # rounded to 0.1 ms (detected_s, error_ms): they were printed to 15 digits
    assert np.allclose(matched["error_ms"], 1000 * (matched["detected_s"] - matched["reference_s"]), atol=0.11)
    assert all(len(line.split(",")[2].partition(".")[2]) <= 1 for line in events.read_text().splitlines()[1:])
    assert (np.diff(ev["reference_s"].fillna(ev["detected_s"])) >= 0).all()       # in time order


def test_a_csv_column_in_milliseconds_and_the_reference_span(tmp_path, capsys):
    """A force plate's column by name, in ms, beside other columns; --only-reference-span scores from the
    first reference contact to the last, so the steps the plate could not see do not count as false."""
    ref = json.loads((DATA / "mobgap_HA001_walk1.ref.json").read_text())
    ic_ms = 1000 * np.asarray(ref["ic_times_s"])
    (tmp_path / "plate.csv").write_text("trial;heel_strike_ms\n" + "".join(f"1;{v:.0f}\n" for v in ic_ms))
    out = tmp_path / "s.json"
    args = ["score", DATA / "mobgap_HA001_walk1.csv", tmp_path / "plate.csv", "--ref-col", "heel_strike_ms",
            "--ref-unit", "ms", "--json", out, "-q"]
    assert run(args + ["--only-reference-span"], capsys)[0] == 0
    s = json.loads(out.read_text())
    assert (s["tp"], s["fn"], s["fp"]) == (9, 0, 0) and s["f1"] == 1.0
    assert s["windows"] == [[pytest.approx(ic_ms[0] / 1000 - 0.25), pytest.approx(ic_ms[-1] / 1000 + 0.25)]]
    assert run(args, capsys)[0] == 0                  # the whole recording: the walk's other steps are false
    whole = json.loads(out.read_text())
    assert whole["windows"] is None and whole["tp"] == 9 and whole["fp"] == whole["n_det"] - 9 > 0


@pytest.mark.parametrize("content, name, message", [
    ("t_s\n1.0\n1.5\nabc\n", "r.csv", "line 4, column 't_s': 'abc' is not a time"),
    ("90000\n90600\n91200\n", "r.csv", "do not overlap the recording"),
    ("5050\n5740\n6320\n", "r.csv", "fit the recording (0.00–12.45 s) as milliseconds"),
    ('{"contacts": [1, 2]}', "r.json", "no 'ic_times_s' in it (it has: contacts)"),
    ('{"ic_times_s": [5.1, 5.7], "bouts": []}', "r.json", "marks no walking to score against"),
    ('{"ic_times_s": [5.1, 5.7], "bouts": {"start_s": 5}}', "r.json", "its 'bouts' is a dict, not a list of bouts"),
    ('{"ic_times_s": [5.1, "x"]}', "r.json", "ic_times_s[1] is 'x', not a time"),
    ("", "r.csv", "the reference file is empty"),
    ("t_s\n1.0\n1\x00.5\n", "r.csv", "line 3: a NUL byte: this is not a text file"),   # (3.10's csv raised)
])
def test_a_reference_that_cannot_be_used_is_a_clear_error(tmp_path, capsys, content, name, message):
    (tmp_path / name).write_text(content)
    code, out, err = run(["score", DATA / "mobgap_HA001_walk1.csv", tmp_path / name, "-q"], capsys)
    assert code == 2 and "Traceback" not in err and message in err, err
    assert "What to do:" in err


def test_reference_column_and_output_mistakes_are_refused_before_the_analysis(tmp_path, capsys):
    (tmp_path / "r.csv").write_text("left,right\n5.05,5.74\n")
    code, _, err = run(["score", DATA / "mobgap_HA001_walk1.csv", tmp_path / "r.csv", "--ref-col", "both"], capsys)
    assert code == 2 and "no such column (the header has: left, right)" in err
    code, _, err = run(["score", DATA / "mobgap_HA001_walk1.csv", tmp_path / "r.csv", "--events-csv",
                        tmp_path / "e.json"], capsys)
    assert code == 2 and "--events-csv writes a CSV table, not a .json file" in err
    assert not (tmp_path / "e.json").exists()


def test_a_reference_without_a_header_may_carry_labels_beside_the_times(tmp_path):
    """'5.05 L' is a row of data (a time and its foot), not a header: the first contact was lost when any
    non-number in the first line made it a header."""
    (tmp_path / "r.txt").write_text("5.05 L\n5.74 R\n6.32 L\n")
    assert read_reference(tmp_path / "r.txt").ic_s.tolist() == [5.05, 5.74, 6.32]
    (tmp_path / "h.csv").write_text("heel strike s,foot\n5.05,L\n5.74,R\n")
    assert read_reference(tmp_path / "h.csv").ic_s.tolist() == [5.05, 5.74]
    assert read_reference(tmp_path / "h.csv", column="heel strike s").ic_s.tolist() == [5.05, 5.74]
    assert read_reference(tmp_path / "h.csv", column=0).ic_s.tolist() == [5.05, 5.74]
    (tmp_path / "eu.csv").write_text("5,05;L\n5,74;R\n")          # a European spreadsheet's ';' and ','
    assert read_reference(tmp_path / "eu.csv").ic_s.tolist() == [5.05, 5.74]


def test_read_reference_keeps_lost_contacts_out_of_the_scored_windows(tmp_path):
    """A bout's null contact (the reference lost it) takes the span around it out of scoring."""
    (tmp_path / "r.json").write_text(json.dumps({"ic_times_s": [1.0, 1.5, 2.5, 3.0],
                                                 "bouts": [{"start_s": 1.0, "end_s": 3.0,
                                                            "ic_times_s": [1.0, 1.5, None, 2.5, 3.0]}]}))
    ref = read_reference(tmp_path / "r.json")
    assert ref.ic_s.tolist() == [1.0, 1.5, 2.5, 3.0]
    assert ref.windows.tolist() == [[1.0, 1.75], [2.25, 3.0]]
    assert ref.scope == "the reference's 1 walking bout less 1 span(s) where it lost a contact"


def test_the_printed_block_copes_with_no_pair_and_a_rounded_zero():
    """Nothing matched: the timing has no value ('–'), not a crash on NaN; a mean of −0.3 ms prints 0."""
    from imu_gait.scoring import render_score

    base = dict(reference="r.csv", tolerance_s=0.25, scope="the whole recording", scored_s=20.0, n_ref=3, notes=[])
    none = render_score({**base, "n_det": 0, "tp": 0, "fn": 3, "fp": 0, "precision": float("nan"), "recall": 0.0,
                         "f1": 0.0, "median_abs_err_ms": float("nan"), "p95_abs_err_ms": float("nan"),
                         "mean_err_ms": float("nan"), "step_count_err_pct": -100.0}, "walk.csv")
    assert "Precision / recall / F1   – / 0.000 / 0.000" in none and "median |error| – ms" in none
    assert "Step count error    -100.0 %" in none
    zero = render_score({**base, "n_det": 3, "tp": 3, "fn": 0, "fp": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0,
                         "median_abs_err_ms": 0.2, "p95_abs_err_ms": 0.4, "mean_err_ms": -0.3,
                         "step_count_err_pct": 0.0}, "walk.csv")
    assert "mean 0 ms" in zero
    assert "-0" not in zero
