"""The bundled data's licence notices are true: datasets/LICENSE.oxford.md names only files that are in
the repository, states the changes made (CC BY 4.0 requires it; it said "no file was modified" and
pointed to a README.upstream.md that was never shipped), and is what datasets/make_datasets.py writes."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT.parent / "shared" / "datasets_raw"


def test_oxford_licence_names_only_shipped_files_and_states_the_changes():
    text = (ROOT / "datasets" / "LICENSE.oxford.md").read_text(encoding="utf-8")
    assert "no file was modified" not in text
    assert "README.upstream.md" not in text
    for path in re.findall(r"\b(datasets/[\w./-]+\w)", text):
        assert (ROOT / path).exists(), path
    for change in ("timestamps converted", "accuracy column (always 3) dropped", "values copied unchanged",
                   "reproduced verbatim", "Attribution: You must give appropriate credit"):
        assert change in text, change


@pytest.mark.skipif(not (RAW / "oxford_step_counter").is_dir(), reason="needs ../shared/datasets_raw")
def test_make_datasets_rebuilds_the_bundled_files_byte_for_byte(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "datasets" / "make_datasets.py"), "--raw", str(RAW),
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    made = sorted(p.name for p in tmp_path.iterdir())
    assert "LICENSE.oxford.md" in made
    for name in made:
        assert (tmp_path / name).read_bytes() == (ROOT / "datasets" / name).read_bytes(), name
