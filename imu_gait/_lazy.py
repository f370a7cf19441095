"""Public names a package imports on first use (PEP 562), for the ``__init__`` of :mod:`imu_gait` and
:mod:`imu_gait.devices`: ``imu-gait --help`` should not wait ~0.9 s for scipy.signal, pandas and bleak,
which only an analysis or a device needs. ``pkg.name`` and ``from pkg import name`` work as before.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

#: a package ``__init__``'s own helpers: kept out of ``dir()`` (and so out of tab completion)
HIDDEN = frozenset({"annotations", "importlib", "TYPE_CHECKING", "lazy_names"})


def lazy_names(package: str, where: dict[str, str],
               namespace: dict[str, Any]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``where`` maps each public name to the submodule that
    defines it (relative: ``'.engine'``); ``namespace`` is the package's ``globals()``, which keeps a name
    once imported (later look-ups do not come here)."""

    def __getattr__(name: str) -> object:
        """Import a public name on first use (PEP 562)."""
        if name in where:
            value = getattr(importlib.import_module(where[name], package), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")   # Python adds "Did you mean …?"

    def __dir__() -> list[str]:
        """The public API (imported or not yet), dunders and loaded submodules — not the package's helpers."""
        return sorted((set(namespace) | set(where)) - HIDDEN)

    return __getattr__, __dir__
