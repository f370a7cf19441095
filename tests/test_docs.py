"""The documentation a user gets with the repository stands on its own: every file or folder the README
names is in the repository (it pointed to ../shared/docs/… beside it), and docs/json.md — the JSON
output's and the native CSV's description — names every key the JSON actually has."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import imu_gait
from imu_gait.result import STEP_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
TOP_DIRS = ("docs", "datasets", "benchmarks", "firmware_notes", "tests", "examples", "imu_gait")
PATH_RE = re.compile(r"(?<![\w./-])((?:%s)/[\w./*{},-]*[\w*}/])" % "|".join(TOP_DIRS))
#: the docs a user reads with the package: no pointer outside the repository
USER_DOCS = ["README.md", "tests/data/README.md", "datasets/README.md", "imu_gait/result.py",
             "imu_gait/recording.py", "imu_gait/report/common.py", "imu_gait/io/androsensor.py"]


def _generated_paths():
    """Folders the README names that a run makes (git-ignored), e.g. benchmarks/.peers/."""
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    return {line.strip().strip("/") for line in lines if line.strip() and not line.startswith("#")}


def test_every_path_the_readme_names_is_in_the_repository():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(PATH_RE.findall(text)) | set(re.findall(r"\]\(([^)#:]+)\)", text))
    assert "docs/json.md" in named and len(named) > 30
    generated = _generated_paths()
    missing = []
    for path in sorted(named):
        path = path.rstrip("/")
        if path in generated:
            continue
        if any(c in path for c in "*{"):   # a pattern, e.g. datasets/*.ref.json: something must match it
            if not list(ROOT.glob(re.sub(r"\{[^}]*\}", "*", path))):
                missing.append(path)
        elif not (ROOT / path).exists():
            missing.append(path)
    assert not missing, missing


def test_user_docs_point_nowhere_outside_the_repository():
    for name in USER_DOCS:
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "shared/docs" not in text, name
        for path in re.findall(r"(?<![\w./-])docs/[\w.-]+", text):   # an in-repo docs/ path must exist
            assert (ROOT / path).exists(), (name, path)


def test_json_doc_names_every_key_the_json_has():
    proc = subprocess.run([sys.executable, "-m", "imu_gait.cli", "analyze", "datasets/mobgap_HA001_walk1.csv",
                           "--json", "-"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    doc = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_0-9]+)`", doc)) | set(re.findall(r"`…?(_[a-z_0-9]+)`", doc))

    def said(key):   # by name, or as one of a family ("`n_walking_bouts_10s` / `_30s`", "`…_30s_mean`")
        return key in named or any(key.endswith(s) and s.startswith("_") for s in named)

    keys = set(out) | {"marks"}
    keys |= set(out["steps"][0]) | set(STEP_COLUMNS) | set(imu_gait.Flag.__dataclass_fields__)
    keys |= {k for k in out["summary"] if not (k.endswith("_iqr") and k[:-4] in STEP_COLUMNS)}
    keys |= set(out["summary"]["walking_bouts"]) | set(out["summary"]["days"])
    keys |= set(out["bouts"][0]) | set(out["days"][0])
    assert not [k for k in sorted(keys) if not said(k)]
    assert "<metric>_iqr" in doc and "`null`" in doc


def test_readme_quotes_the_committed_benchmark_results():
    """The README's "last run" figures are the ones in benchmarks/results/ (it quoted runs that were never
    committed: 1.59 % live, 1.56 s/h accuracy, while the files said 1.63 % and 1.35 s/h)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    results = ROOT / "benchmarks" / "results"
    live = (results / "live.md").read_text(encoding="utf-8")
    whole = re.search(r"\| \+ rich live view[^|]*\| ([\d.]+) \| ([\d.]+) \|", live)
    recording = re.search(r"\| \+ recording[^|]*\| ([\d.]+) \|", live)
    view_share = float(whole.group(1)) - float(recording.group(1))
    assert f"{whole.group(2)} % of one core for the whole pipeline" in readme
    assert f"rich view's share {view_share:.2f} CPU" in readme
    accuracy = (results / "accuracy.md").read_text(encoding="utf-8")
    cpu = re.search(r"\| analysis CPU time[^\n]*\| ([\d.]+) s/h \|", accuracy).group(1)
    skdh = float(re.search(r"skdh ([\d.]+) s/h", accuracy).group(1))
    mobgap = float(re.search(r"mobgap ([\d.]+) s/h", accuracy).group(1))
    assert f"{cpu} s in the last accuracy run" in readme
    assert f"| analysis CPU per hour of data (same run) | {cpu} s | {mobgap:.1f} s | {skdh:.1f} s |" in readme
    throughput = (results / "throughput.md").read_text(encoding="utf-8")
    realtime = re.search(r"\*\*([\d,]+)× real time\*\*", throughput).group(1)
    assert f"{realtime}× real time in the\nlast run" in readme or f"{realtime}× real time in the last run" in readme


def test_json_doc_names_the_step_metrics_the_summary_and_bouts_have_no_median_of():
    """docs/json.md said the summary has a median "for every step metric" (and each bout "each step
    metric's median"), but neither has one of ``heading_change_deg`` (signed: left and right turns cancel,
    so its median describes the route, not the gait). Each step metric either has its median there or the doc's sentence on those medians names it."""
    from imu_gait.bouts import BOUT_METRICS
    from imu_gait.engine import SUMMARY_METRICS

    doc = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    summary_part = doc[doc.index("### `summary`"):doc.index("### `flags`")]
    summary_sentence = summary_part[summary_part.index("- For every step metric"):]
    summary_sentence = summary_sentence[:summary_sentence.index("\n- ")]
    bouts_part = doc[doc.index("`bouts`: `walking_bout`"):doc.index("`days`: `day`")]
    metrics = [k for k in STEP_COLUMNS if k not in ("time_s", "bout", "gait", "side")]
    for medians, sentence in ((SUMMARY_METRICS, summary_sentence), (BOUT_METRICS, bouts_part)):
        without = [k for k in metrics if k not in medians]
        assert without and all(f"`{k}`" in sentence for k in without), (without, sentence)
    # … and the summary really has those medians (the engine's list is what the JSON gives)
    res = imu_gait.analyze(imu_gait.read(str(ROOT / "datasets" / "mobgap_HA001_walk1.csv")))
    assert all(k in res.summary and k + "_iqr" in res.summary for k in SUMMARY_METRICS)
    assert "heading_change_deg" not in res.summary


def _readme_words() -> str:
    """The README with its line breaks and runs of spaces as single spaces (a figure may wrap)."""
    return " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())


def test_readme_quotes_the_committed_sides_marks_and_memory_results():
    """Figures test_readme_quotes_the_committed_benchmark_results did not cover went stale when their results
    files were re-run: the Mobilise-D left/right share (README 93.1 %, sides.md 91.2 %), the peak memory of a
    day's file (README 0.98 / 0.70 GB and a 133-MB JSON, throughput.md 989 / 706 MB and 131 MB), and the
    symptom-mark chance figures (docs audit s36 F1–F3)."""
    readme = _readme_words()
    results = ROOT / "benchmarks" / "results"
    sides = (results / "sides.md").read_text(encoding="utf-8")
    ipol = re.search(r"^\| ipol \| \d+ \|[^\n]*?\| ([\d.]+ %) \|", sides, re.M).group(1)
    mobgap = re.search(r"^\| mobgap \(datasets/\) \| \d+ \|[^\n]*?\| ([\d.]+ %) \|", sides, re.M).group(1)
    assert f"for {ipol} of IPOL's labelled contacts and {mobgap} of the Mobilise-D recordings'" in readme

    throughput = (results / "throughput.md").read_text(encoding="utf-8")

    def peak_mb(row: str) -> float:
        return float(re.search(re.escape(row) + r"[^|]*\| ([\d,]+) MB \|", throughput).group(1).replace(",", ""))

    native, gene, ax6 = (peak_mb(r) for r in ("on a 24 h native CSV", "on a 24 h GENEActiv CSV",
                                              "on a 24 h headerless AX6-style CSV"))
    assert (f"peaks at {native / 1000:.2f} GB for native 6-axis CSV, {gene / 1000:.2f} GB for a GENEActiv export and "
            f"{ax6 / 1000:.2f} GB for a headerless AX6-style table") in readme
    outputs = peak_mb("the same native day with `--json --report --days-csv`")
    json_mb = re.search(r"JSON (\d+) MB written in pieces", throughput).group(1)
    assert f"a day's native file peaks at {outputs / 1000:.2f} GB (the JSON, {json_mb} MB" in readme
    assert f"(a 72-hour GENEActiv file: {peak_mb('on a 72 h GENEActiv CSV') / 1000:.1f} GB)" in readme


def test_marks_benchmark_used_the_shipped_repeat_limits_and_the_readme_quotes_it():
    """marks_healthy.md was made minutes before compare's repeat limits were re-fitted (forward lean 2.1 → 1.9°,
    impact 0.25 → 0.26 g) and kept the old ones: re-run, a walking-break mark of the run names a metric 7 times
    of 12, not 8 (docs audit s36 F2). The results file must be the shipped limits' and the README its figures."""
    from imu_gait.compare import REPEAT_CHANGE

    marks = json.loads((ROOT / "benchmarks" / "results" / "marks_healthy.json").read_text(encoding="utf-8"))
    assert marks["limits"] == dict(REPEAT_CHANGE), "re-run benchmarks/marks_healthy.py"
    pouches = marks["groups"]["oxford NeckPouch (chest, walking)"]
    chest = {k: sum(r[k] for r in pouches) for k in ("marks", "naming")}
    (run,) = marks["groups"]["adeptdata run (left hip, running)"]
    readme = _readme_words()
    walk_marks, named = run["gaits"]["walk"], run["named_by_imu_gait"]
    assert f"({chest['naming']} of {chest['marks']} marks on chest-worn walks; {named} of {walk_marks} in the walking breaks" in readme
    assert f"named no metric ({chest['naming']} of {chest['marks']} marks" in readme
    assert f"adeptdata run, {named} of {walk_marks} did" in readme
    pct = round(100 * run["naming"] / run["marks"])
    assert (f"{run['naming']} of the run's {run['marks']} marks ({pct} %; {run['gaits']['run']} of them after running)"
            in readme)


def test_every_benchmark_script_parses_its_arguments():
    """benchmarks/README.md gives each script's command; `python benchmarks/days.py --help` (and
    marks_healthy.py's) ignored the option and ran the benchmark, overwriting the committed results file
    (docs audit s36 F4). A script that runs as a program parses its arguments, so --help prints its use."""
    unparsed = [p.name for p in sorted((ROOT / "benchmarks").glob("*.py"))
                if "__main__" in (src := p.read_text(encoding="utf-8")) and ".parse_args(" not in src]
    assert not unparsed, unparsed


def test_benchmarks_readme_quotes_the_committed_results():
    """benchmarks/README.md quoted runs long gone: the false steps 'the 27 behind accuracy.md's 7.85 /min'
    (false_steps.md and accuracy.md: 18, 5.23 /min) and the reader fuzzing's 'committed run … 7,972 inputs'
    (fuzz_readers.md: 9545) — docs audit s36 F10."""
    text = " ".join((ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8").split())
    results = ROOT / "benchmarks" / "results"
    false = re.search(r"(\d+) outside INDIP and Stereophoto bouts \(([\d.]+) /min",
                      (results / "false_steps.md").read_text(encoding="utf-8"))
    assert f"(the {false.group(1)} behind accuracy.md's {false.group(2)} /min)" in text
    assert f"{false.group(2)} /min outside INDIP and Stereophoto bouts" in (results / "accuracy.md").read_text(encoding="utf-8")
    fuzz = (results / "fuzz_readers.md").read_text(encoding="utf-8")
    n = int(re.search(r"wall, (\d+) inputs", fuzz).group(1))
    bugs = [int(re.search(rf"^\| {c} \| (\d+) \|", fuzz, re.M).group(1)) for c in ("raw", "hang", "implausible")]
    assert f"committed run, after it: {n:,} inputs, {bugs[0]} raw, {bugs[1]} hangs, {bugs[2]} implausible" in text


def test_the_emulated_sensor_tool_names_its_own_command_in_its_usage(capsys):
    """`python -m imu_gait.devices.emulated --help` printed 'usage: __main__.py …' — a command no one can type
    (packaging audit s37). Its usage line is the command that runs it."""
    from imu_gait.devices.emulated.__main__ import main
    with pytest.raises(SystemExit):
        main(["--help"])
    assert capsys.readouterr().out.startswith("usage: python -m imu_gait.devices.emulated ")
