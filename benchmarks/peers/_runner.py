"""The loop both peer runners share: warm up once, run every prepared recording, write one JSON each.

Runs inside a peer's own environment (``benchmarks/.peers/<name>``), so it uses the standard library
only. A runner script calls ``run_all(argv, run_one, peer=..., distribution=...)`` where ``run_one(path)``
returns a JSON-able dict for one ``.npz`` recording.
"""
from __future__ import annotations

import importlib.metadata
import json
import traceback
from pathlib import Path
from typing import Callable


def run_all(argv: list[str], run_one: Callable[[Path], dict], *, peer: str, distribution: str) -> int:
    in_dir, out_dir = Path(argv[1]), Path(argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    version = importlib.metadata.version(distribution)
    files = sorted(in_dir.glob("*.npz"))
    # Warm-up (untimed, discarded): the first call pays one-off costs (lazy imports, model
    # files, caches) that do not belong to the per-hour runtime.
    if files:
        try:
            run_one(files[0])
        except Exception:  # noqa: BLE001 - the timed run below records any failure
            pass
    for f in files:
        try:
            res = run_one(f)
        except Exception as e:  # noqa: BLE001 - a peer failing on one recording is a table entry
            res = {"error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc(limit=3)}
        res["peer"] = peer
        res["version"] = version
        (out_dir / (f.stem + ".json")).write_text(json.dumps(res))
        print(f"DONE {f.stem}", flush=True)
    return 0
