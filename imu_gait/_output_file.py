"""Output files written whole or not at all: a temporary file beside the output, renamed over it when complete.

Every report, table and JSON imu_gait writes goes through :func:`atomic_text_file`, so

* a run stopped midway (Ctrl-C, a full disk, a crash) leaves the previous file, or none, never half a report
  that opens as if it were whole;
* a link at the output path (``report.html -> ~/.bashrc`` in a shared folder) is replaced by the new file, not
  written through: what is overwritten is the name the user gave, never the file the link points to.

Devices and pipes (``--json /dev/stdout``, ``/dev/null``, a named pipe) cannot be renamed over and are written
straight, as before. The live recorder does not use this: it writes its CSV as the samples arrive, so a crash
keeps all but the last second (see :class:`~imu_gait.io.native.NativeCsvWriter`).
"""
from __future__ import annotations

import contextlib
import os
import secrets
import stat
from typing import IO, Any, Iterator


def _writes_straight(path: str) -> bool:
    """True for an existing output that is not a regular file once links are followed (a device, a pipe, a
    socket): those are written into, since replacing them would break them (as root, /dev/null itself)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False                                 # missing, or a dangling link: a new file replaces it
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


@contextlib.contextmanager
def atomic_text_file(path: str | os.PathLike | IO[str], *, encoding: str = "utf-8", errors: str = "strict",
                     newline: str | None = None) -> Iterator[IO[str]]:
    """Open ``path`` for writing text through a temporary file in the same folder, renamed over ``path``
    (``os.replace``) when the ``with`` block ends without an error; on an error the temporary file is removed
    and ``path`` is left as it was. An open stream is yielded as it is. The new file gets the usual permissions
    (0666 less the umask), or those of the regular file it replaces."""
    if hasattr(path, "write"):
        yield path                                   # type: ignore[misc]
        return
    target = os.fspath(path)
    if _writes_straight(target):
        with open(target, "w", encoding=encoding, errors=errors, newline=newline) as fh:
            yield fh
        return
    folder, name = os.path.split(os.path.abspath(target))
    # a hidden name of its own in the output's folder (a rename across file systems is not atomic)
    tmp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
    fd: int | None
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except PermissionError:
        # a folder we may not add files to, holding a file we may write (probe_writable let it through): the
        # only way left is to write that file in place, as before
        if not (os.path.isfile(target) and not os.path.islink(target)):
            raise
        fd = None
    if fd is None:
        with open(target, "w", encoding=encoding, errors=errors, newline=newline) as fh:
            yield fh
        return
    try:
        with open(fd, "w", encoding=encoding, errors=errors, newline=newline) as fh:
            yield fh
        try:
            old = os.stat(target, follow_symlinks=False)
            if stat.S_ISREG(old.st_mode):
                os.chmod(tmp, stat.S_IMODE(old.st_mode))   # keep a replaced file's permissions
        except OSError:
            pass
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text_atomically(path: str | os.PathLike, text: str, **open_options: Any) -> None:
    """Write ``text`` to ``path`` whole or not at all (:func:`atomic_text_file`)."""
    with atomic_text_file(path, **open_options) as fh:
        fh.write(text)
