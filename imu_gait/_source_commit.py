"""Which code made a result, when imu_gait runs from a git checkout: ``imu_gait_version`` is the release's number,
the same for every commit of a development checkout, so a researcher could not tell which code made a result."""
from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path


@functools.lru_cache(maxsize=1)
def source_commit() -> str | None:
    """``git describe --always --dirty`` of the checkout the package was imported from (e.g. ``b54c835d1e2f``,
    ``v0.2.0-3-gb54c835d1e2f-dirty``: '-dirty' when its files differ from that commit), or None: an installed
    release (no ``.git`` beside the package), no git, or any failure — it never stops an analysis. Asked once
    per process."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():           # (a file in a git worktree, a folder in a clone)
        return None
    # git's own variables dropped: inside a git hook or a tool that exports GIT_DIR / GIT_WORK_TREE /
    # GIT_INDEX_FILE / GIT_CONFIG_* …, git would describe (and take config from) that other repository — often
    # the user's data folder — instead of the package's checkout. GIT_OPTIONAL_LOCKS=0: --dirty refreshes the
    # index, and must not take its lock from a git command the user runs in that checkout meanwhile.
    # core.fsmonitor off: the refresh then starts no monitor hook, whatever a config names.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_OPTIONAL_LOCKS"] = "0"
    try:
        done = subprocess.run(["git", "-c", "core.fsmonitor=false", "-C", str(root),
                               "describe", "--always", "--dirty", "--abbrev=12"],
                              capture_output=True, text=True, timeout=5, env=env, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    text = done.stdout.strip()
    return text if done.returncode == 0 and text and text.isprintable() and len(text) <= 200 else None
