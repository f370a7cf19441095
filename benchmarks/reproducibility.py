"""Does the same recording give the same numbers run again, under another hash seed, another BLAS thread
count, another Python, the oldest numpy/scipy/pandas/matplotlib pyproject.toml allows?

    .venv/bin/python benchmarks/reproducibility.py \\
        --python "3.10 lowest=.venv-3.10-lowest/bin/python" --python "3.12=/tmp/venv3.12/bin/python" …
    # ~30 s of CPU per environment; writes benchmarks/results/reproducibility.md/.json

Each environment is a fresh process of ``imu-gait analyze FILE --json … --steps-csv …`` (the CLI's
``main``, run in-process on every file in turn) over every bundled recording in ``datasets/`` — always
this checkout's code (PYTHONPATH), whatever the interpreter has installed; its venv needs only the
dependencies (``pip install numpy scipy pandas matplotlib rich "bleak>=3.0.2,<4" bleak-retry-connector``,
or the project's own ``.venv*``). The reference is the interpreter running this script with
PYTHONHASHSEED=0 and one BLAS/OpenMP thread; the same interpreter is also run again, with two other hash
seeds, with two threads, and every ``--python LABEL=PATH`` given. (``examples/`` holds scripts, no
recordings: they read these same files.)

Per recording × environment: whether the JSON and the steps CSV are byte-identical; if not, the largest
absolute difference of any number and the JSON keys it is in (list positions folded: ``steps[].time_s``),
whether the flags (rule, start, end, severity) are equal, the step counts, and any non-numeric
difference (a key, a string, null vs a number). The JSON writes full float precision (docs/json.md gives
no rounding), so the last bits of a sum can differ between numpy builds; what a user reads — the steps
CSV (rounded per column), the flags, the counts — must not.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

RECORDINGS = sorted((ROOT / "datasets").glob("*.csv"))
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def worker(out_dir: Path) -> int:
    """Run in the environment under test: analyse every recording, write versions."""
    import contextlib
    import io

    import matplotlib
    import numpy
    import pandas
    import scipy

    from imu_gait.cli import main as cli_main

    out_dir.mkdir(parents=True, exist_ok=True)
    # "reverse twice": one process analyses every file twice, last file first (the second run's output is
    # kept), so that state one analysis leaves behind for the next (a cache, a module global) shows
    order = RECORDINGS[::-1] * 2 if os.environ.get("IMU_GAIT_REPRO_ORDER") == "reverse twice" else RECORDINGS
    for path in order:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = cli_main(["analyze", str(path), "--json", str(out_dir / f"{path.stem}.json"),
                             "--steps-csv", str(out_dir / f"{path.stem}.steps.csv")])
        if code != 0:
            print(f"{path.name}: imu-gait analyze exited {code}", file=sys.stderr)
            return 1
    import imu_gait
    (out_dir / "env.json").write_text(json.dumps({
        "python": platform.python_version(), "numpy": numpy.__version__, "scipy": scipy.__version__,
        "pandas": pandas.__version__, "matplotlib": matplotlib.__version__,
        "imu_gait_from": str(Path(imu_gait.__file__).parent)}))
    return 0


def run_env(python: str, extra_env: dict[str, str], out_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS and k != "PYTHONHASHSEED"}
    env.update({"PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0", "TZ": "UTC", "MPLBACKEND": "Agg",
                **{k: "1" for k in THREAD_VARS}})
    env.update(extra_env)
    proc = subprocess.run([python, str(Path(__file__).resolve()), "--worker", str(out_dir)], env=env,
                          capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"{python} failed:\n{proc.stderr[-2000:]}")
    info = json.loads((out_dir / "env.json").read_text())
    if Path(info["imu_gait_from"]).resolve() != (ROOT / "imu_gait").resolve():
        raise RuntimeError(f"{python} imported imu_gait from {info['imu_gait_from']}, not this checkout")
    return info


def flatten(obj, path: str = "", out: dict | None = None) -> dict:
    """Leaves by path with list positions (``steps[3].time_s``)."""
    out = {} if out is None else out
    if isinstance(obj, dict):
        for k, v in obj.items():
            flatten(v, f"{path}.{k}" if path else k, out)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            flatten(v, f"{path}[{i}]", out)
    else:
        out[path] = obj
    return out


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def flag_key(flags: list) -> list:
    return [(f.get("id"), f.get("start_s"), f.get("end_s"), f.get("severity"))
            for f in flags]


def compare(ref_dir: Path, other_dir: Path, stem: str) -> dict:
    ref_json, other_json = (d / f"{stem}.json" for d in (ref_dir, other_dir))
    ref_csv, other_csv = (d / f"{stem}.steps.csv" for d in (ref_dir, other_dir))
    a, b = json.loads(ref_json.read_text()), json.loads(other_json.read_text())
    fa, fb = flatten(a), flatten(b)
    by_key: dict[str, float] = {}
    other_diffs: list[str] = []
    for k in sorted(set(fa) | set(fb)):
        va, vb = fa.get(k, "<missing>"), fb.get(k, "<missing>")
        if va == vb:
            continue
        if _is_num(va) and _is_num(vb):
            folded = re.sub(r"\[\d+\]", "[]", k)
            by_key[folded] = max(by_key.get(folded, 0.0), abs(float(va) - float(vb)))
        else:
            other_diffs.append(f"{k}: {va!r} vs {vb!r}"[:200])
    csv_a, csv_b = ref_csv.read_text().splitlines(), other_csv.read_text().splitlines()
    csv_cells = [(i, ca, cb) for i, (la, lb) in enumerate(zip(csv_a, csv_b))
                 for ca, cb in zip(la.split(","), lb.split(",")) if ca != cb]
    top = sorted(by_key.items(), key=lambda kv: -kv[1])
    return {
        "json_identical": ref_json.read_bytes() == other_json.read_bytes(),
        "steps_csv_identical": ref_csv.read_bytes() == other_csv.read_bytes(),
        "steps_csv_rows": [len(csv_a) - 1, len(csv_b) - 1],
        "steps_csv_cells_differing": len(csv_cells) + abs(len(csv_a) - len(csv_b)),
        "steps_csv_first_cells": [f"line {i + 1}: {ca} vs {cb}" for i, ca, cb in csv_cells[:3]],
        "n_steps": [a["summary"]["n_steps"], b["summary"]["n_steps"]],
        "flags_equal": flag_key(a["flags"]) == flag_key(b["flags"]),
        "warnings_equal": a["warnings"] == b["warnings"],
        "max_abs_diff": top[0][1] if top else 0.0,
        "max_abs_diff_keys": [[k, v] for k, v in top[:5]],
        "n_keys_differing": len(by_key),
        "non_numeric_diffs": other_diffs[:10],
        "n_non_numeric_diffs": len(other_diffs),
    }


def cell(c: dict) -> str:
    if c["json_identical"] and c["steps_csv_identical"]:
        return "identical"
    parts = [f"max {c['max_abs_diff']:.1e}" + (f" ({c['max_abs_diff_keys'][0][0]})" if c["max_abs_diff_keys"] else "")]
    parts.append("CSV same" if c["steps_csv_identical"] else f"CSV {c['steps_csv_cells_differing']} cells differ")
    if not c["flags_equal"]:
        parts.append("**flags differ**")
    if c["n_steps"][0] != c["n_steps"][1]:
        parts.append(f"**steps {c['n_steps'][0]}→{c['n_steps'][1]}**")
    if c["n_non_numeric_diffs"]:
        parts.append(f"**{c['n_non_numeric_diffs']} non-numeric**")
    return "; ".join(parts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--python", action="append", default=[], metavar="LABEL=PATH",
                    help="another interpreter (its venv with the dependencies) to compare; repeatable")
    ap.add_argument("--threads-too", action="store_true",
                    help="run each --python also with two BLAS/OpenMP threads (numpy 1.24's OpenBLAS splits sums by them)")
    ap.add_argument("--keep", type=Path, help="keep every environment's outputs in this folder")
    ap.add_argument("--out-dir", type=Path, default=None, help="results folder (default benchmarks/results)")
    args = ap.parse_args(argv)
    if args.worker:
        return worker(args.worker)

    me = sys.executable
    envs: list[tuple[str, str, dict]] = [
        ("reference", me, {}),
        ("run again", me, {}),
        ("PYTHONHASHSEED=1", me, {"PYTHONHASHSEED": "1"}),
        ("PYTHONHASHSEED=4242", me, {"PYTHONHASHSEED": "4242"}),
        ("2 BLAS/OpenMP threads", me, {k: "2" for k in THREAD_VARS}),
        ("one process, reverse order, twice", me, {"IMU_GAIT_REPRO_ORDER": "reverse twice"}),
        ("TZ=Pacific/Auckland, LC_ALL=C.UTF-8", me, {"TZ": "Pacific/Auckland", "LC_ALL": "C.UTF-8"}),
    ]
    for spec in args.python:
        label, _, path = spec.partition("=")
        if not path:
            ap.error(f"--python {spec!r}: give LABEL=PATH")
        envs.append((label, path, {}))
        if args.threads_too:
            envs.append((f"{label}, 2 threads", path, {k: "2" for k in THREAD_VARS}))

    base = Path(tempfile.mkdtemp(prefix="repro_")) if args.keep is None else args.keep
    infos, dirs = {}, {}
    for i, (label, python, extra) in enumerate(envs):
        d = base / f"env{i}"
        print(f"[{label}] {python} {extra or ''}", file=sys.stderr)
        infos[label] = run_env(python, extra, d)
        dirs[label] = d

    ref = envs[0][0]
    # "X, 2 threads" against X with one thread (the same libraries), every other one against the reference
    base_of = {label: label.removesuffix(", 2 threads") if label.endswith(", 2 threads") else ref
               for label, _, _ in envs[1:]}
    table = {label: {p.stem: compare(dirs[base_of[label]], dirs[label], p.stem) for p in RECORDINGS}
             for label, _, _ in envs[1:]}

    def env_desc(label: str) -> str:
        v = infos[label]
        return (f"Python {v['python']}, numpy {v['numpy']}, scipy {v['scipy']}, pandas {v['pandas']}, "
                f"matplotlib {v['matplotlib']}")

    cmd = ("python benchmarks/reproducibility.py " + ("--threads-too " if args.threads_too else "")
           + " ".join(f'--python "{s}"' for s in args.python))
    lines = ["# Reproducibility: the same recording in other environments", "",
             f"`{cmd.strip()}` — {datetime.now(timezone.utc):%Y-%m-%d}, {platform.machine()}, "
             f"{len(RECORDINGS)} recordings in datasets/ through `imu-gait analyze --json --steps-csv`.", "",
             "Each `--python` is a venv with the dependencies only (`python3.X -m venv V && V/bin/pip install numpy "
             "scipy pandas matplotlib rich 'bleak>=3.0.2,<4' bleak-retry-connector`, or with `==` the lowest bounds "
             "as .ci/run installs them); the code is always this checkout's (PYTHONPATH).", "",
             f"Reference: {env_desc(ref)}; PYTHONHASHSEED=0, one BLAS/OpenMP thread, TZ=UTC.", "",
             "| environment | versions |", "|---|---|"]
    lines += [f"| {label} | {env_desc(label)} |" for label, _, _ in envs[1:]]
    lines += ["", "Each cell against the reference (an `X, 2 threads` column: against X with one thread): `identical` (JSON and steps CSV byte for byte), or the largest "
              "absolute difference of any JSON number (and its key), whether the steps CSV as written differs, "
              "and — in bold — differing flags, step counts or non-numeric values.", ""]
    labels = [label for label, _, _ in envs[1:]]
    lines.append("| recording | " + " | ".join(labels) + " |")
    lines.append("|---" * (len(labels) + 1) + "|")
    for p in RECORDINGS:
        lines.append(f"| {p.stem} | " + " | ".join(cell(table[label][p.stem]) for label in labels) + " |")
    worst = {label: max(table[label].values(), key=lambda c: c["max_abs_diff"]) for label in labels}
    lines += ["", "Largest differences per environment (key: max abs diff over all recordings):", ""]
    for label in labels:
        keys: dict[str, float] = {}
        for c in table[label].values():
            for k, v in c["max_abs_diff_keys"]:
                keys[k] = max(keys.get(k, 0.0), v)
        if keys:
            top = sorted(keys.items(), key=lambda kv: -kv[1])[:4]
            lines.append(f"- {label}: " + ", ".join(f"`{k}` {v:.1e}" for k, v in top))
        else:
            lines.append(f"- {label}: none")
    all_flags = all(c["flags_equal"] for t in table.values() for c in t.values())
    all_steps = all(c["n_steps"][0] == c["n_steps"][1] for t in table.values() for c in t.values())
    all_csv = all(c["steps_csv_identical"] for t in table.values() for c in t.values())
    lines += ["", f"Flags equal everywhere: {'yes' if all_flags else 'NO'}; step counts equal: "
              f"{'yes' if all_steps else 'NO'}; steps CSV identical everywhere: {'yes' if all_csv else 'NO'}."]
    del worst
    md = "\n".join(lines) + "\n"
    from publish import RESULTS, publish
    publish("reproducibility", md, {"reference": {"label": ref, **infos[ref]},
                                    "environments": {label: infos[label] for label in labels},
                                    "recordings": [p.name for p in RECORDINGS], "table": table},
            out_dir=args.out_dir or RESULTS)
    return 0 if (all_flags and all_steps) else 1


if __name__ == "__main__":
    raise SystemExit(main())
