"""Shared pieces of the protocol decoders: the typed decode error and unit constants.

Decoders are pure functions: bytes in, numbers out, no I/O. A packet that cannot be
decoded raises :class:`DecodeError` (never an ``IndexError`` / ``struct.error``), so a
stream consumer can count it, skip it and carry on.
"""
from __future__ import annotations

import math

G_MPS2 = 9.80665                 # standard gravity, m/s² per g
DEG_TO_RAD = math.pi / 180.0     # rad per degree


class DecodeError(ValueError):
    """A packet is malformed, truncated, of an unknown type or inconsistent.

    ``reason`` is a short machine-readable tag (``"short"``, ``"length"``, ``"version"``,
    ``"unknown_type"``, ``"opcode"``, ``"value"``); ``protocol`` names the decoder.
    """

    def __init__(self, protocol: str, reason: str, message: str, data: bytes | None = None):
        super().__init__(f"{protocol}: {message}")
        self.protocol = protocol
        self.reason = reason
        self.data = bytes(data) if data is not None else None


def require_length(protocol: str, data: bytes, n_min: int, what: str) -> None:
    """Raise ``DecodeError(reason="short")`` if ``data`` is shorter than ``n_min`` bytes."""
    if len(data) < n_min:
        raise DecodeError(protocol, "short",
                          f"{what} needs at least {n_min} bytes, got {len(data)}", data)
