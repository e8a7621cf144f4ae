"""Is a file an eldersim file this reader can read, and is it whole?

Every entry point that opens a file (:func:`~eldersim_results.reader.open_run`,
:func:`~eldersim_results.sweep.open_sweep`, ...) goes through :func:`check_file` and
:func:`open_file`, which raise a :class:`FileError` (a ValueError) naming the path and the
problem:

* :class:`MissingFile` (also a FileNotFoundError): no such file;
* :class:`NotAnEldersimFile`: not HDF5 (no signature), or HDF5 without a /metadata group,
  or a ``schema_version`` that is not a version;
* :class:`DamagedFile`: truncated, or a changed byte (HDF5 refuses the structure or a
  chunk's Fletcher-32 checksum, or the library crashes reading it);
* :class:`NewerSchemaFile`: ``schema_version`` above :data:`SCHEMA_VERSION`;
* :class:`LayoutError`: the reader finds datasets, ``dims`` and shapes that do not fit.

A file without ``schema_version`` is version 1 (written before it was recorded) and is read
with an :class:`OldSchemaWarning`.  A changed byte can make the HDF5 C library crash the
process instead of raising, so :func:`check_file` reads the whole file first in a child
process (this module run as a program: it needs only h5py) and reports a child killed by a
signal as a DamagedFile; the interpreter that asked never crashes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

import h5py
import numpy as np

__all__ = ["SCHEMA_VERSION", "OLDEST_SCHEMA", "FileError", "MissingFile", "NotAnEldersimFile",
           "DamagedFile", "NewerSchemaFile", "LayoutError", "OldSchemaWarning", "check_file", "open_file",
           "schema_version"]

#: the newest file schema version (/metadata ``schema_version``) this reader reads
#: (sim/version.hpp kFileSchemaVersion); files without the attribute are version 1
SCHEMA_VERSION = 2
#: the oldest version it reads (sim/version.hpp kOldestReadableSchema)
OLDEST_SCHEMA = 1
#: seconds the structure check may take before the file counts as damaged (a damaged file can
#: make HDF5 loop: fuzzing found one, tests/fuzz/regressions/h5_library/), plus one second per
#: 20 MiB of file, as `eldersim info` allows; a 0.3 MB run file takes about 0.2 s
CHECK_TIMEOUT = 30
_SIGNATURE = b"\x89HDF\r\n\x1a\n"
#: the child's program: this file run as __main__, without its directory on sys.path
_CHILD = ("import sys, runpy; sys.path.pop(0); sys.argv = sys.argv[1:]; "
          "runpy.run_path(sys.argv[0], run_name='__main__')")


class FileError(ValueError):
    """A file the reader cannot read: ``path`` and ``reason``; str() is ``"PATH: REASON"``."""

    def __init__(self, path, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"{path}: {reason}")

    def __reduce__(self):
        return type(self), (self.path, self.reason)


class MissingFile(FileError, FileNotFoundError):
    """There is no file at the path (also a FileNotFoundError)."""


class NotAnEldersimFile(FileError):
    """Not HDF5, or HDF5 that eldersim did not write (no /metadata group)."""


class DamagedFile(FileError):
    """Truncated or changed: HDF5 cannot read its structure or a dataset, or crashed reading it."""


class NewerSchemaFile(FileError):
    """Written by a newer eldersim, in a file schema version this reader does not know."""


class LayoutError(FileError):
    """The groups, ``dims`` attributes and shapes do not fit together as the schema says: a
    file eldersim did not write, or damage HDF5 does not see (texts have no checksum)."""


class OldSchemaWarning(UserWarning):
    """The file is of an older schema version; it is read as it is."""


def _has_signature(path: Path) -> bool:
    """Whether the HDF5 signature is at byte 0, 512, 1024, 2048, ... (where the format allows)."""
    size = path.stat().st_size
    with path.open("rb") as f:
        offset = 0
        while offset + len(_SIGNATURE) <= size:
            f.seek(offset)
            if f.read(len(_SIGNATURE)) == _SIGNATURE:
                return True
            offset = 512 if offset == 0 else 2 * offset
    return False


def open_file(path) -> h5py.File:
    """``path`` opened read-only with h5py (not checked in a child: see :func:`check_file`);
    MissingFile, NotAnEldersimFile (no HDF5 signature) or DamagedFile (HDF5 cannot open it)."""
    path = Path(path)
    if not path.is_file():
        raise MissingFile(path, "no such file")
    if not _has_signature(path):
        raise NotAnEldersimFile(path, f"not an HDF5 file, so not an eldersim run file "
                                      f"({path.stat().st_size} bytes, no HDF5 signature)")
    try:
        return h5py.File(path, "r")
    except (OSError, RuntimeError, KeyError, ValueError) as err:
        raise DamagedFile(path, f"a damaged or truncated HDF5 file ({path.stat().st_size} bytes): "
                                f"the library cannot read its structure ({_first_line(err)})") from None


def _first_line(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0]


def schema_version(f: h5py.File) -> int:
    """The file schema version of an open file: NotAnEldersimFile without a /metadata group
    or with a ``schema_version`` that is not a version, NewerSchemaFile above
    :data:`SCHEMA_VERSION`; 1 when the attribute is absent.  h5py's errors from a damaged
    root group pass (:func:`reading` maps them)."""
    # not f.get("metadata"): it answers None when the root group is damaged
    meta = f["metadata"] if f.id.links.exists(b"metadata") else None
    if not isinstance(meta, h5py.Group):
        raise NotAnEldersimFile(f.filename, "not an eldersim run file: it is an HDF5 file but not "
                                            "one eldersim wrote (no /metadata group)")
    if "schema_version" not in meta.attrs:
        return 1
    value = meta.attrs["schema_version"]
    if getattr(value, "dtype", None) is None or value.dtype.kind not in "iu" or value.ndim != 0 \
            or int(value) < OLDEST_SCHEMA:
        raise NotAnEldersimFile(f.filename, f"not an eldersim run file: its /metadata attribute "
                                            f"schema_version ({value!r}) is not a schema version")
    if int(value) > SCHEMA_VERSION:
        raise NewerSchemaFile(f.filename, f"it was written by a newer eldersim (file schema version "
                                          f"{int(value)}; this one reads versions {OLDEST_SCHEMA} to "
                                          f"{SCHEMA_VERSION}): read it with that version")
    return int(value)


def warn_if_old(path, version: int, stacklevel: int = 2) -> None:
    """An OldSchemaWarning naming ``path`` and ``version`` if it is below SCHEMA_VERSION."""
    if version < SCHEMA_VERSION:
        warnings.warn(f"{path}: file schema version {version}, older than this reader's "
                      f"{SCHEMA_VERSION} (docs/hdf5-schema.md lists what changed); read as it is",
                      OldSchemaWarning, stacklevel=stacklevel)


@contextmanager
def reading(path):
    """Map the errors h5py raises from a damaged file (OSError, RuntimeError, KeyError, and
    UnicodeError for a text that is not UTF-8) inside the block to DamagedFile; FileErrors
    pass unchanged."""
    try:
        yield
    except FileError:
        raise
    except (OSError, RuntimeError, KeyError, UnicodeError) as err:
        raise DamagedFile(path, f"it is damaged: reading it failed ({type(err).__name__}: "
                                f"{_first_line(err)})") from err


def _read_all(f: h5py.File) -> None:
    """Read every attribute and every dataset (chunk by chunk) of ``f``: a chunk whose
    Fletcher-32 checksum or deflate stream does not match raises; DamagedFile naming the object."""
    def visit(name, obj):
        try:
            _read_object(obj)
        except Exception as err:  # any failure to read a dataset means damage (as eldersim info)
            raise DamagedFile(f.filename, f"the dataset or group /{name} is damaged (its checksum or "
                                          f"structure does not match: {_first_line(err)})") from None
    visit("", f)
    f.visititems(visit)


def _read_object(obj) -> None:
    """Read the attributes and (chunk by chunk) the data of a group or dataset; texts must be
    UTF-8 (eldersim writes no other), so a changed byte in one raises."""
    for key in obj.attrs:
        value = obj.attrs[key]
        if isinstance(value, str):
            value.encode("utf-8")  # h5py decodes bad bytes to surrogates, which do not encode
    if not isinstance(obj, h5py.Dataset) or not obj.size:
        return
    text = h5py.check_string_dtype(obj.dtype) is not None
    for part in (obj.iter_chunks() if obj.chunks else [()]):
        values = obj.asstr()[part] if text else obj[part]
        if text:
            [v.encode("utf-8") for v in np.ravel(values)]


def verify(path) -> int:
    """In this process: open ``path``, check it is an eldersim file of a readable schema version,
    and read all of it; the schema version, or a FileError.  Use :func:`check_file` instead:
    a damaged file can crash this process."""
    with reading(path), open_file(path) as f:
        version = schema_version(f)
        try:
            _read_all(f)
        except (OSError, RuntimeError, KeyError) as err:  # the object tree itself is damaged
            raise DamagedFile(path, f"it is damaged: its structure cannot be walked "
                                    f"({_first_line(err)})") from None
    return version


#: the child's answer for each file checked, by :func:`_stamp`
_checked: dict[tuple, dict] = {}


def _stamp(path: Path) -> tuple:
    st = path.stat()
    return str(path.resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def check_file(path) -> int:
    """Read all of ``path`` in a child process (:func:`verify` there) and return its schema
    version, or raise the child's FileError; DamagedFile if the child was killed by a signal
    (the HDF5 library crashed on the file) or did not finish within CHECK_TIMEOUT seconds.
    A file that has not changed since it was checked (same inode, size, mtime, ctime) is not
    read again: the answer is remembered.  Cost: about 0.2 s, mostly starting Python with
    h5py (0.15 s); reading a 0.3 or 1.3 MB run file adds a few hundredths."""
    path = Path(path)
    if not path.is_file():
        raise MissingFile(path, "no such file")
    stamp = _stamp(path)
    if stamp not in _checked:
        _checked[stamp] = _run_child(path)
    result = _checked[stamp]
    if "error" in result:
        raise _ERRORS.get(result["error"], DamagedFile)(path, result["reason"])
    return result["version"]


def _run_child(path: Path) -> dict:
    """Run this module as a program on ``path``: its JSON answer."""
    limit = CHECK_TIMEOUT + path.stat().st_size // (20 << 20)
    try:
        proc = subprocess.run([sys.executable, "-c", _CHILD, os.path.abspath(__file__), str(path)],
                              capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return {"error": "DamagedFile", "reason": f"it is damaged: reading it did not finish in "
                                                  f"{limit} s"}
    except OSError as err:  # no usable sys.executable (an embedded interpreter)
        raise RuntimeError(f"{path}: cannot start the structure check with {sys.executable!r} ({err}); "
                           f"pass check=False to skip it") from None
    if proc.returncode < 0:
        name = signal.Signals(-proc.returncode).name if -proc.returncode in signal.valid_signals() else "?"
        return {"error": "DamagedFile", "reason": f"it is damaged: the HDF5 library crashed reading it "
                                                  f"(signal {-proc.returncode}, {name})"}
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise RuntimeError(f"{path}: the structure check ({sys.executable} {__file__}) did not run: "
                           f"{proc.stderr.strip()[-500:]}; pass check=False to skip it") from None


_ERRORS = {cls.__name__: cls for cls in (MissingFile, NotAnEldersimFile, DamagedFile, NewerSchemaFile)}


def main(argv: list[str]) -> int:
    """The child of :func:`check_file`: print ``{"version": N}`` or ``{"error": class, "reason": ...}``."""
    try:
        answer = {"version": verify(argv[1])}
    except FileError as err:
        answer = {"error": type(err).__name__, "reason": err.reason}
    print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
