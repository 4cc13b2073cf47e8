"""Reading a workspace file from disk within bounds: its size checked first, no symlink swapped in followed,
no FIFO waited on, UTF-8 only, with the size and modification time it had."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import NamedTuple

_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
)
# (no following a symlink swapped in since the path was resolved; no waiting on a FIFO)
# a reason of read_text's: the file is not there (not counted when an event finds it gone)
MISSING = "missing"
# A file read less than this after its last change may change again within the same tick of a coarse clock
# (FAT: 2 s), size and time unchanged: its time does not vouch for its text (git's "racy clean" entries).
RACY_NS = 2_000_000_000
UNVOUCHED = -1  # the modification time of a text that it does not vouch for (nothing on disk has it)


class DiskText(NamedTuple):
    """A file's text as read from disk, with the size in bytes and the modification time (ns) it had then
    (UNVOUCHED when read too soon after it, or after a time in the future)."""

    text: str
    size: int
    mtime_ns: int


def normalize(text: str) -> str:
    """The text without a byte order mark, with \\n line ends."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def read_text(path: Path, max_bytes: int, known: DiskText | None = None) -> DiskText | str:
    """The text of the file at the resolved `path`, or the reason it is left out. Its size is checked before
    anything is read; a file that grows past the bound meanwhile is not read whole. `known` (what was read of
    it before) is returned unread when the file still has its size and modification time."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return "not a file"
        if info.st_size > max_bytes:
            return "too large"
        if known is not None and (known.size, known.mtime_ns) == (info.st_size, info.st_mtime_ns):
            return known
        fd = os.open(path, _OPEN_FLAGS)
        with open(fd, "rb") as file:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):  # swapped since the stat
                return "not a file"
            data = file.read(max_bytes + 1)
    except FileNotFoundError:
        return MISSING
    except OSError:
        return "unreadable"
    if len(data) > max_bytes:
        return "too large"
    if b"\0" in data:
        return "binary"
    try:
        text = normalize(data.decode("utf-8"))
    except UnicodeDecodeError:
        return "not utf-8"
    racy = time.time_ns() - info.st_mtime_ns < RACY_NS
    return DiskText(text, len(data), UNVOUCHED if racy else info.st_mtime_ns)
