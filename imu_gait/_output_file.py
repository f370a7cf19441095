"""Output files written whole or not at all: a temporary file beside the output, renamed over it when complete.

Every report, table and JSON imu_gait writes goes through :func:`atomic_text_file`, so

* a run stopped midway (Ctrl-C, a full disk, a crash) leaves the previous file, or none, never half a report
  that opens as if it were whole;
* a link at the output path (``report.html -> ~/.bashrc`` in a shared folder) is replaced by the new file, not
  written through: what is overwritten is the name the user gave, never the file the link points to.

Devices and pipes (``/dev/null``, a named pipe) and names of open files (``--json /dev/stdout > out.json``,
``/dev/fd/1``, ``/proc/self/fd/1``, or a link to one) cannot be renamed over and are written straight, as before.
An existing file the user may not write (made read-only) is refused, as ``open(path, 'w')`` did, not replaced.
The live recorder does not use this: it writes its CSV as the samples arrive, so a crash
keeps all but the last second (see :class:`~imu_gait.io.native.NativeCsvWriter`).
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from typing import IO, Any, Iterator

#: Windows opens an ``os.open`` descriptor in text mode unless told: its C library would then turn every
#: ``\n`` Python writes into ``\r\n`` again (CRLF CSVs, ``\r\r\n`` in JSON/HTML); 0 elsewhere
_O_BINARY = getattr(os, "O_BINARY", 0)
#: the temporary file: made anew (never an existing one, nor through a link), binary
_TEMP_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | _O_BINARY
#: characters of the output's name kept in the temporary file's name: enough to tell whose it is, short
#: enough that a long name (up to the system's 255 bytes) still leaves room for ".<name>.<8 hex>.tmp"
TEMP_NAME_CHARS = 24
#: a path that names one of this process's open files (``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1``):
#: it stands for whatever the shell connected there, so it is written into, never renamed over
_FD_PATH = re.compile(r"/proc/(?:self|thread-self|\d+)(?:/task/\d+)?/fd/\d+|/dev/(?:stdin|stdout|stderr|fd/\d+)")


def _is_stream_name(path: str) -> bool:
    """True for a name of an open file: /dev/stdout and its kin, /dev/fd/N, a /proc file-descriptor link. Not
    the rest of /dev: /dev/shm is an ordinary shared folder, where a link is replaced as anywhere (review s40 M1:
    a link /dev/shm/d/report.html -> a victim file was written through); devices are found by their mode."""
    return _FD_PATH.fullmatch(path) is not None


def _writes_straight(path: str) -> bool:
    """True for an output that is written into rather than replaced: an existing one that is not a regular
    file once links are followed (a device, a pipe, a socket: replacing them would break them, as root
    /dev/null itself), and any path that is or leads through a link to the name of an open file (/dev/stdout,
    /dev/fd/N, /proc/<pid>/fd/N).
    ``--json /dev/stdout > out.json`` resolves to the regular file out.json, yet renaming a file over
    /dev/stdout would (as root) replace the system's link and leave out.json empty. Only the hops of a
    link chain are looked at, not where /proc leads on (a link to /proc/self/cwd/.bashrc is replaced)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None                                  # missing, or a dangling link: a new file replaces it
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return True
    if os.name != "posix":
        return False
    hop = os.path.abspath(path)
    for _ in range(40):                              # (the kernel's own limit on links in a row)
        if _is_stream_name(hop):
            return True
        try:
            to = os.readlink(hop)
        except OSError:
            break                                    # not a link (or gone): the chain ends here
        hop = os.path.normpath(os.path.join(os.path.dirname(hop), to))
    return False


def _refuse_unwritable(target: str) -> None:
    """Raise the system's PermissionError for an existing regular file (not a link) that we may not write
    (read-only, 0444), as ``open(path, 'w')`` did: a file the user locked is not replaced behind their back,
    though a rename would only need the folder's permission. Opened for writing without truncating, and
    closed: the same check the system makes (root, ACLs, an immutable file), and nothing changes."""
    try:
        st = os.stat(target, follow_symlinks=False)
    except OSError:
        return
    if stat.S_ISREG(st.st_mode):
        os.close(os.open(target, os.O_WRONLY | _O_BINARY))


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
    _refuse_unwritable(target)
    folder, name = os.path.split(os.path.abspath(target))
    # a hidden name of its own in the output's folder (a rename across file systems is not atomic)
    tmp = os.path.join(folder, f".{name[:TEMP_NAME_CHARS]}.{secrets.token_hex(4)}.tmp")
    fd: int | None
    try:
        fd = os.open(tmp, _TEMP_OPEN_FLAGS, 0o666)
    except OSError as e:
        # a folder we may not add files to, holding a file we may write (probe_writable let it through): the
        # only way left is to write that file in place, as before
        if not (isinstance(e, PermissionError) and os.path.isfile(target) and not os.path.islink(target)):
            # named as the user gave it, not as our hidden temporary name ('/proc/.x.json.cbc9daa3.tmp: could not
            # write it' for --json /proc/x.json)
            raise type(e)(e.errno, e.strerror, target) from None
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
            os.chmod(tmp, 0o600)                     # Windows will not delete a read-only file
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text_atomically(path: str | os.PathLike, text: str, **open_options: Any) -> None:
    """Write ``text`` to ``path`` whole or not at all (:func:`atomic_text_file`)."""
    with atomic_text_file(path, **open_options) as fh:
        fh.write(text)
