"""A small reader for R's ``save()`` files (``.rda``) holding data frames of plain columns.

Why our own reader and not PyPI ``rdata``: the running benchmark needs one file in one
well-documented format (R Internals, "Serialization Formats": XDR big-endian, version 2
or 3), and only numeric, integer, logical, character and factor columns. ~150 lines read that
with the standard library and numpy, in the project's own environment: no peer venv, no
network on first use, and no cached converted copy of GPL data lying around. What it does
not understand (environments, closures, bytecode, compact ALTREP vectors, the ASCII and
native-binary formats) it refuses with a message instead of guessing.

    frames = read_rda("acc_running.rda")      # {name: pandas.DataFrame}
"""
from __future__ import annotations

import bz2
import gzip
import lzma
import struct
from pathlib import Path

import numpy as np
import pandas as pd

# SEXP types (R Internals §1.1) and the serialisation's pseudo-types (serialize.c)
NILSXP, SYMSXP, LISTSXP, CHARSXP, LGLSXP, INTSXP, REALSXP, STRSXP, VECSXP = 0, 1, 2, 9, 10, 13, 14, 16, 19
REFSXP, NILVALUE_SXP, GLOBALENV_SXP, EMPTYENV_SXP, BASEENV_SXP = 255, 254, 253, 242, 241
NA_INTEGER = -(2 ** 31)


class RdaError(ValueError):
    """The file is not an R data file this reader understands."""


class RObject:
    """A vector with its R attributes (names, class, levels …)."""

    def __init__(self, sexp_type: int, value, attributes: dict | None = None):
        self.type = sexp_type
        self.value = value
        self.attributes = attributes or {}

    def klass(self) -> list[str]:
        c = self.attributes.get("class")
        return list(c.value) if c is not None else []


class _XdrReader:
    def __init__(self, data: bytes):
        self.b = memoryview(data)
        self.pos = 0
        self.refs: list = []          # symbols (and environments) referenced later by index

    def int(self) -> int:
        v = struct.unpack_from(">i", self.b, self.pos)[0]
        self.pos += 4
        return v

    def length(self) -> int:
        n = self.int()
        if n == -1:                   # long vector: two 32-bit halves
            hi, lo = self.int(), self.int()
            n = (hi << 32) + lo
        return n

    def array(self, dtype: str, n: int) -> np.ndarray:
        size = np.dtype(dtype).itemsize * n
        out = np.frombuffer(self.b[self.pos:self.pos + size], dtype=dtype).astype(dtype[1:])
        self.pos += size
        return out

    def charsxp(self) -> str | None:
        flags = self.int()
        if flags & 0xFF != CHARSXP:
            raise RdaError(f"expected a string at byte {self.pos - 4}, found SEXP type {flags & 0xFF}")
        n = self.int()
        if n == -1:
            return None               # NA_character_
        s = bytes(self.b[self.pos:self.pos + n])
        self.pos += n
        # encoding bits (UTF8 1<<15, LATIN1 1<<14, ASCII 1<<18); latin-1 when flagged so
        return s.decode("latin-1" if flags & (1 << 14) else "utf-8")

    def item(self):
        flags = self.int()
        t = flags & 0xFF
        has_attr, has_tag = bool(flags & (1 << 9)), bool(flags & (1 << 10))
        if t == NILVALUE_SXP:
            return None
        if t in (GLOBALENV_SXP, EMPTYENV_SXP, BASEENV_SXP):
            return RObject(t, None)
        if t == REFSXP:
            idx = flags >> 8
            return self.refs[(idx if idx else self.int()) - 1]
        if t == SYMSXP:
            name = self.item()        # a CHARSXP
            self.refs.append(name)
            return name
        if t == CHARSXP:
            self.pos -= 4
            return self.charsxp()
        if t == LISTSXP:              # pairlist: (attributes) (tag) car cdr, iterated along the cdr chain
            out: dict = {}
            while True:
                if has_attr:
                    self.item()
                tag = self.item() if has_tag else None
                out[tag if tag is not None else len(out)] = self.item()
                flags = self.int()
                t = flags & 0xFF
                if t == NILVALUE_SXP:
                    return out
                if t != LISTSXP:
                    raise RdaError(f"pairlist ends in SEXP type {t}: not a plain list of attributes/objects")
                has_attr, has_tag = bool(flags & (1 << 9)), bool(flags & (1 << 10))
        if t in (LGLSXP, INTSXP):
            v = self.array(">i4", self.length())
        elif t == REALSXP:
            v = self.array(">f8", self.length())
        elif t == STRSXP:
            # one CHARSXP per element (no string cache in format 2/3): a loop over the elements is
            # unavoidable here, ~0.3 s for 300 000 strings; repeated values share one Python object
            n = self.length()
            seen: dict[bytes, str | None] = {}
            v = np.empty(n, dtype=object)
            for i in range(n):
                key = bytes(self.b[self.pos:self.pos + 8])
                k_len = struct.unpack_from(">i", self.b, self.pos + 4)[0]
                key += bytes(self.b[self.pos + 8:self.pos + 8 + max(k_len, 0)])
                if key not in seen:
                    seen[key] = self.charsxp()
                else:
                    self.pos += 8 + max(k_len, 0)
                v[i] = seen[key]
        elif t == VECSXP:
            v = [self.item() for _ in range(self.length())]
        else:
            raise RdaError(f"SEXP type {t} at byte {self.pos - 4} is not supported by this small reader "
                           "(only data frames of logical/integer/double/character/factor columns)")
        attrs = {}
        if has_attr:
            attrs = {str(k): a for k, a in self.item().items()}
        return RObject(t, v, attrs)


def _decompress(raw: bytes) -> bytes:
    if raw[:2] == b"\x1f\x8b":
        return gzip.decompress(raw)
    if raw[:3] == b"BZh":
        return bz2.decompress(raw)
    if raw[:6] == b"\xfd7zXZ\x00":
        return lzma.decompress(raw)
    return raw


def _column(obj: RObject) -> np.ndarray | pd.Categorical:
    if "factor" in obj.klass():
        codes = np.where(obj.value == NA_INTEGER, -1, obj.value - 1)
        return pd.Categorical.from_codes(codes, categories=list(obj.attributes["levels"].value))
    if obj.type == LGLSXP:
        v = obj.value.astype(float)
        v[obj.value == NA_INTEGER] = np.nan
        return v
    if obj.type == INTSXP and (obj.value == NA_INTEGER).any():
        v = obj.value.astype(float)
        v[obj.value == NA_INTEGER] = np.nan
        return v
    return obj.value          # doubles (POSIXct stays seconds since 1970 UTC), ints, strings


def to_frame(obj: RObject) -> pd.DataFrame:
    """A data.frame object → DataFrame (columns in R's order)."""
    if obj.type != VECSXP or "data.frame" not in obj.klass():
        raise RdaError(f"not a data.frame (class {obj.klass()})")
    names = list(obj.attributes["names"].value)
    return pd.DataFrame({n: _column(c) for n, c in zip(names, obj.value)})


def read_rda(path: str | Path) -> dict[str, pd.DataFrame]:
    """Every data frame saved in an ``.rda`` / ``.RData`` file, by name."""
    data = _decompress(Path(path).read_bytes())
    if data[:5] not in (b"RDX2\n", b"RDX3\n") or data[5:7] != b"X\n":
        raise RdaError(f"{path}: not an XDR R data file (header {bytes(data[:7])!r})")
    r = _XdrReader(data)
    r.pos = 7
    version = r.int()
    r.int()                           # R version that wrote it
    r.int()                           # minimal R version to read it
    if version == 3:
        r.pos += r.int()              # format 3 names the writer's native encoding (length, bytes)
    elif version != 2:
        raise RdaError(f"{path}: serialisation format {version} not supported")
    objects = r.item()
    return {str(k): to_frame(v) for k, v in objects.items()
            if isinstance(v, RObject) and "data.frame" in v.klass()}
