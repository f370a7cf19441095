"""Pure protocol decoders (bytes in → samples, sequence and loss information out).

* :mod:`.gaitimu` — the project's open firmware service (GaitIMU v1)
* :mod:`.pmd` — Polar Measurement Data (H10, Verity Sense)
* :mod:`.thingy` — Nordic Thingy:52 raw motion
"""
from . import gaitimu, pmd, thingy
from .common import DecodeError

__all__ = ["DecodeError", "gaitimu", "pmd", "thingy"]
