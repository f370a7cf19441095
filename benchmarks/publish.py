"""Where a benchmark's table goes: printed, and written as ``<stem>.md`` and ``<stem>.json`` beside
the other results (benchmarks quote their figures from these files)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def publish(stem: str, md: str, data: Any, out_dir: Path = RESULTS) -> None:
    """Print ``md`` and write it and ``data`` (as JSON; numpy numbers as floats, anything else as text)."""
    print(md)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{stem}.md").write_text(md)
    (out_dir / f"{stem}.json").write_text(json.dumps(data, indent=1, default=_plain))


def _plain(v: Any) -> Any:
    try:
        return float(v)
    except (TypeError, ValueError):
        return str(v)
