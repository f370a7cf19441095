"""Readers and writers. ``read(path, **options)`` auto-detects the format.

Formats: native CSV (:mod:`.native`), phyphox (:mod:`.phyphox`), Sensor Logger
(:mod:`.sensorlogger`), GENEActiv (:mod:`.geneactiv`), AndroSensor (:mod:`.androsensor`),
any CSV described by options (:mod:`.generic`). Writing: :func:`write_native` and the incremental :class:`NativeCsvWriter`.
"""
from .androsensor import read_androsensor
from .detect import detect_format, read
from .generic import read_generic
from .geneactiv import read_geneactiv
from .native import NativeCsvWriter, read_native, write_native
from .phyphox import read_phyphox
from .sensorlogger import read_sensorlogger

__all__ = ["read", "detect_format", "read_native", "write_native", "NativeCsvWriter", "read_phyphox",
           "read_sensorlogger", "read_geneactiv", "read_generic", "read_androsensor"]
