"""The one way arena writes a whole file: atomically, and durably.

Why one helper: a run directory, the hill's results cache, the editor's saves and the
prompt templates must all survive ``kill -9`` and power loss the same way. The text goes
to a temporary file in the target's folder, is fsync'd, renamed over the target, and the
folder itself is fsync'd so the rename is on disk too. A reader sees the old file or the
new one, never half of one; a failed write leaves the old file and no temporary behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def fsync_directory(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (a no-op where unsupported)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some file systems refuse fsync on folders
            os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: str | os.PathLike[str], text: str | bytes, *, mode: int = 0o644) -> None:
    """Replace ``path`` with ``text`` (UTF-8, or bytes as they are, e.g. a PNG) in one rename.

    Raises OSError on failure.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as binary:
                binary.write(text)
                binary.flush()
                os.fsync(binary.fileno())
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # mkstemp makes it private; these are plain, shareable files
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_directory(target.parent)


def append_durably(path: str | os.PathLike[str], data: bytes) -> None:
    """Append ``data`` to ``path`` in full and fsync it (the run's event log)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        written = os.write(fd, data)
        while written < len(data):  # a short write continues where it stopped
            written += os.write(fd, data[written:])
        os.fsync(fd)
    finally:
        os.close(fd)
