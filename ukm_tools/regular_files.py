"""Reading small files that someone else may have replaced: only a regular file, never through a link.

Long-running services (grade-on-submit, the calculator server) read files in folders that
participants' uploads or other users can write. Opened with ``O_NOFOLLOW`` (a link is refused, not
followed out of the folder) and ``O_NONBLOCK`` (a FIFO cannot block the reader), then checked on the
open descriptor to be a regular file (a device could never end), and read up to a limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def read_regular(path: str | Path, limit: int) -> bytes | None:
    """Up to ``limit`` bytes of the regular file at ``path``; None when it is missing, a link, not a
    regular file, or unreadable (ask for ``limit + 1`` bytes to tell "too large" apart)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        return os.read(fd, limit) if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except OSError:
        return None
    finally:
        os.close(fd)
