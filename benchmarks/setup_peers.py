"""Create the isolated environments of the peer gait pipelines used by the accuracy benchmark.

    python benchmarks/setup_peers.py            # create what is missing (idempotent)
    python benchmarks/setup_peers.py --force    # rebuild both environments

Each peer is installed from PyPI, pinned, into its own virtual environment under
``benchmarks/.peers/<name>`` (git-ignored), so that its pinned dependencies never reach
imu_gait's own environment. The benchmark only *calls* the peers through the runner
scripts in ``benchmarks/peers/`` executed with the peer's interpreter; no peer code is
copied into this project.

| name   | PyPI package                  | version |
|--------|-------------------------------|---------|
| mobgap | mobgap                        | 1.2.0   |
| skdh   | scikit-digital-health         | 0.17.18 |
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS_DIR = HERE / ".peers"

#: name -> (pip requirement, import name used to check the install)
PEERS: dict[str, tuple[list[str], str]] = {
    "mobgap": (["mobgap==1.2.0"], "mobgap"),
    "skdh": (["scikit-digital-health==0.17.18"], "skdh"),
}


def peer_python(name: str) -> Path:
    """Path of the interpreter inside the peer's venv (POSIX and Windows layouts)."""
    venv = PEERS_DIR / name
    for rel in ("bin/python", "Scripts/python.exe"):
        if (venv / rel).exists():
            return venv / rel
    return venv / "bin/python"


def peer_version(name: str) -> str | None:
    """Installed version of the peer package, or None when its venv is not usable."""
    py = peer_python(name)
    if not py.exists():
        return None
    mod = PEERS[name][1]
    code = ("import importlib.metadata as m, sys; "
            f"import {mod}; "
            f"print(m.version({PEERS[name][0][0].split('==')[0]!r}))")
    try:
        out = subprocess.run([str(py), "-c", code], capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def setup_peer(name: str, *, force: bool = False, quiet: bool = False) -> tuple[bool, str]:
    """Create ``benchmarks/.peers/<name>`` and install the pinned package. Returns (ok, message)."""
    reqs, _ = PEERS[name]
    venv = PEERS_DIR / name
    want = reqs[0].split("==")[1]
    if not force:
        have = peer_version(name)
        if have == want:
            return True, f"{name}: {reqs[0]} already installed in {venv}"
    if venv.exists():
        shutil.rmtree(venv)
    PEERS_DIR.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    log = PEERS_DIR / f"{name}-install.log"
    with open(log, "w") as fh:
        r = subprocess.run([sys.executable, "-m", "venv", str(venv)], stdout=fh, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            return False, f"{name}: 'python -m venv' failed (see {log})"
        py = peer_python(name)
        r = subprocess.run([str(py), "-m", "pip", "install", "--upgrade", "pip"],
                           stdout=fh, stderr=subprocess.STDOUT)
        r = subprocess.run([str(py), "-m", "pip", "install", *reqs], stdout=fh, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        return False, f"{name}: pip install {' '.join(reqs)} failed (see {log}):\n  " + "\n  ".join(tail)
    have = peer_version(name)
    if have != want:
        return False, f"{name}: installed but 'import {PEERS[name][1]}' fails or version is {have} (see {log})"
    return True, f"{name}: installed {reqs[0]} in {time.monotonic() - t0:.0f} s ({venv})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--force", action="store_true", help="rebuild the environments")
    ap.add_argument("--only", choices=sorted(PEERS), action="append", help="set up only this peer")
    args = ap.parse_args(argv)
    status = {}
    rc = 0
    for name in args.only or PEERS:
        print(f"setting up {name} …", flush=True)
        ok, msg = setup_peer(name, force=args.force)
        print(msg, flush=True)
        status[name] = {"ok": ok, "message": msg, "version": peer_version(name) if ok else None}
        rc |= 0 if ok else 1
    print(json.dumps(status, indent=1))
    return rc


if __name__ == "__main__":
    sys.exit(main())
