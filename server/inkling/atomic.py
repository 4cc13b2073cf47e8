"""Writing a file all at once or not at all: through a temporary file in its folder, flushed to disk and renamed
over the file only once complete, so an interrupted write never leaves a partial file behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from inkling.errors import InklingError


def atomic_write(path: Path, write: Callable[[Path], object], mode: int = 0o644) -> None:
    """Call `write` on a temporary path next to `path`, then give it `mode` and rename it over `path`;
    InklingError when the folder cannot be written (the temporary file is removed on any failure)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InklingError(f"could not write {path}: {exc.strerror or exc}") from exc
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InklingError(f"could not write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str, mode: int = 0o644, newline: str | None = "\n") -> None:
    """`text` as UTF-8 into `path`, atomically (`newline=""` writes its line endings as they are)."""
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline=newline), mode)
