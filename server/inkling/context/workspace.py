"""The Python files of the user's workspace folders as texts, for the workspace index: scanned from disk in
the background within bounds, open documents taken from the editor's text."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from inkling.context.disk import MISSING, DiskText, normalize, read_text

log = logging.getLogger("inkling.context")

_VCS_AND_TOOLS = (".git", ".hg", ".svn", ".bzr", ".tox", ".nox", ".eggs", ".idea", ".vscode")
_CACHES = ("__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints")
_INSTALLED = ("node_modules", "site-packages", "dist-packages", ".venv", "venv", "build", "dist")
SKIPPED_DIRS: frozenset[str] = frozenset(_VCS_AND_TOOLS + _CACHES + _INSTALLED)
# Besides these: folders ending in ".egg-info", hidden folders (".name") and any folder holding a `pyvenv.cfg`
# (a virtual environment, whatever its name: `env` is skipped only then).


@dataclass(frozen=True)
class WorkspaceLimits:
    """Bounds on what the scan reads and keeps, so a huge workspace costs bounded time and memory."""

    max_files: int = 5_000  # Python files kept at most
    max_file_bytes: int = 1_000_000  # bigger files are skipped (by their size on disk, before reading)
    max_total_bytes: int = 40_000_000  # the kept texts' bytes at most
    max_entries: int = 200_000  # directory entries visited at most: a huge tree stays bounded in time


@dataclass
class _Scan:
    """One scan's running state: what it found, what it left out and which bound, if any, stopped it."""

    texts: dict[Path, DiskText] = field(default_factory=dict)
    known: int = 0  # files taken from what was known of them, unread: their size and time were unchanged
    total: int = 0
    entries: int = 0
    full: str = ""  # "file limit" or "total bytes" once that bound hit: no file is added after it
    skipped: Counter[str] = field(default_factory=Counter)


def _resolve(path: Path | str) -> Path | None:
    """The absolute path with every symlink resolved (a loop's path as far as it resolves), or None."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, RuntimeError, ValueError):
        return None


def _folder_reason(path: Path) -> str:
    """Why the scan does not go into the folder at `path` ("" when it does)."""
    name = path.name
    if name in SKIPPED_DIRS or name.startswith(".") or name.endswith(".egg-info"):
        return "ignored folder"
    if os.path.isfile(path / "pyvenv.cfg"):
        return "virtual environment"
    return ""


class WorkspaceFiles:
    """The workspace folders' Python files as texts: scanned from disk in the background, open documents
    from the editor's text.

    The scan goes breadth-first through each workspace folder in turn (the folders in the order given),
    each folder's entries sorted by name, so which files make it under a bound is reproducible: a folder's
    own files come before those of its subfolders. It never goes into a symlinked folder and keeps a file
    (a symlinked one too) only when its resolved path lies inside a workspace folder; texts are keyed by
    resolved path. Open documents (`opened`) are kept whatever the bounds, when inside a workspace folder
    and outside the skipped ones; events after the scan check the per-file size, file count and total.
    What `start` is told is known of the files (an index saved on disk) spares reading those unchanged."""

    def __init__(self, folders: Sequence[Path], limits: WorkspaceLimits = WorkspaceLimits()) -> None:
        resolved = (_resolve(folder) for folder in folders)
        self._folders = list(dict.fromkeys(f for f in resolved if f is not None and f.is_dir()))
        self._limits = limits
        self._lock = threading.Lock()  # guards everything below it
        self._texts: dict[Path, str] = {}
        self._sizes: dict[Path, int] = {}
        # what was last read from disk of each file (an open document's text may be another)
        self._disk: dict[Path, DiskText] = {}
        self._open: set[Path] = set()
        self._touched: set[Path] = set()  # what events set or removed while the scan ran: it keeps off
        self._scanning = False
        self._skipped: Counter[str] = Counter()
        self._version = 0
        self._known: Mapping[Path, DiskText] = {}
        self._unread = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._done = threading.Event()

    def start(self, known: Mapping[Path, DiskText] | None = None) -> None:
        """Start the background scan (a daemon thread) and return at once; a second call does nothing. A file
        in `known` whose size and modification time are still those known is not read: its known text is
        taken (the caller vouches that `known` was read from these files)."""
        with self._lock:
            if self._thread is not None:
                return
            self._known = known or {}
            self._scanning = True
            self._thread = threading.Thread(target=self._run, name="inkling-workspace", daemon=True)
        self._thread.start()

    def wait(self, timeout: float) -> bool:
        """Whether the first scan has finished, waiting up to `timeout` seconds for it (False if closed)."""
        return self._done.wait(timeout)

    def close(self) -> None:
        """Stop the scan soon (it checks between directory entries) and wait a little for its thread."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)

    @property
    def folders(self) -> list[Path]:
        """The workspace folders, resolved, in the order given (those that are not folders left out)."""
        return list(self._folders)

    @property
    def unread(self) -> int:
        """How many files the scan took from what `start` was told, without reading them."""
        with self._lock:
            return self._unread

    @property
    def version(self) -> int:
        """A number that grows on every change of the set of files or of a text."""
        with self._lock:
            return self._version

    @property
    def skipped(self) -> dict[str, int]:
        """How many files or folders were left out, by reason."""
        with self._lock:
            return dict(self._skipped)

    def texts(self) -> dict[Path, str]:
        """A copy of the texts, by resolved path."""
        with self._lock:
            return dict(self._texts)

    def disk_texts(self) -> dict[Path, DiskText]:
        """What was last read from disk of each file, with the file's size and time then, by resolved path (for
        an open document, the editor's text in `texts` may be another)."""
        with self._lock:
            return dict(self._disk)

    def belongs(self, key: Path) -> bool:
        """Whether the Python file at the resolved path `key` is one the index may hold: inside a workspace
        folder, outside the skipped folders (nothing is read or checked on disk)."""
        return key.name.endswith(".py") and not self._exclusion(key)

    def opened(self, path: Path, text: str) -> None:
        """An open document (or its changed text): the editor's text wins over the disk until `closed`."""
        key = self._key(path)
        if key is None:
            return
        text = normalize(text)
        with self._lock:
            self._open.add(key)
            self._note(key)
            if self._texts.get(key) != text:
                self._texts[key], self._sizes[key] = text, len(text.encode("utf-8", "surrogatepass"))
                self._version += 1

    def closed(self, path: Path) -> None:
        """The document is closed: the file on disk is read again, or the text dropped if it is gone."""
        key = self._key(path)
        if key is None:
            return
        with self._lock:
            self._open.discard(key)
        self._reload(key)

    def disk_changed(self, path: Path) -> None:
        """The file was created or changed on disk: read it again, unless it is open in the editor."""
        key = self._key(path)
        if key is not None:
            self._reload(key)

    def deleted(self, path: Path) -> None:
        """The file is gone (deleted or renamed away): its text leaves the index, unless it is open."""
        key = _resolve(path)
        if key is None:
            return
        with self._lock:
            if key in self._open:
                return
            self._drop(key)

    def _drop(self, key: Path) -> None:
        """Take `key` out of the index, keeping the running scan off it (the lock is held)."""
        self._note(key)
        self._sizes.pop(key, None)
        self._disk.pop(key, None)
        if self._texts.pop(key, None) is not None:
            self._version += 1

    def _note(self, key: Path) -> None:
        """Keep the running scan off `key`, which an event has just set or removed (the lock is held)."""
        if self._scanning:
            self._touched.add(key)

    def _key(self, path: Path) -> Path | None:
        """The resolved path of a Python file that belongs in the index, or None (counted when outside)."""
        if not path.name.endswith(".py"):
            return None
        key = _resolve(path)
        if key is None:
            return None
        reason = self._exclusion(key)
        if reason == "outside the workspace":
            with self._lock:
                self._skipped[reason] += 1
        return None if reason else key

    def _exclusion(self, key: Path) -> str:
        """Why the file at the resolved `key` stays out of the index ("" when it belongs in it)."""
        folder = next((f for f in self._folders if key.is_relative_to(f)), None)
        if folder is None:
            return "outside the workspace"
        below = folder
        for part in key.relative_to(folder).parts[:-1]:
            below = below / part
            reason = _folder_reason(below)
            if reason:
                return reason
        return ""

    def _reload(self, key: Path) -> None:
        """Read the file at `key` from disk into the index (or drop it), unless it is open in the editor."""
        with self._lock:
            if key in self._open:
                return
        result = read_text(key, self._limits.max_file_bytes)
        with self._lock:
            if key in self._open:  # opened while it was read
                return
            if isinstance(result, str):
                if result != MISSING:
                    self._skipped[result] += 1
                self._drop(key)
                return
            self._note(key)
            text, size, _ = result
            if key not in self._texts:
                if len(self._texts) >= self._limits.max_files:
                    self._skipped["file limit"] += 1
                    return
                if sum(self._sizes.values()) + size > self._limits.max_total_bytes:
                    self._skipped["total bytes"] += 1
                    return
            self._disk[key] = result
            if self._texts.get(key) != text:
                self._texts[key], self._sizes[key] = text, size
                self._version += 1

    def _run(self) -> None:
        started = time.monotonic()
        scan = _Scan()
        try:
            for folder in self._folders:
                if not self._walk(folder, scan):
                    break
        except Exception:  # a bug here must not take the server down: the index stays as it is
            log.exception("the workspace scan failed")
        finally:
            with self._lock:
                self._scanning = False
                if not self._stop.is_set():
                    self._merge(scan)
                self._touched.clear()
                self._known = {}
        if self._stop.is_set():
            return
        for reason, count in sorted(scan.skipped.items()):
            log.info("workspace scan: %d left out (%s)", count, reason)
        took = time.monotonic() - started
        found, known, total = len(scan.texts), scan.known, scan.total
        log.info(
            "workspace scan: %d Python files (%d known, unread), %d bytes in %.2f s",
            found,
            known,
            total,
            took,
        )
        self._done.set()

    def _merge(self, scan: _Scan) -> None:
        """Take the scan's texts, except where an event came first (the lock is held)."""
        changed = False
        for key, disk in scan.texts.items():
            if key in self._open:  # the editor's text wins; the disk's is kept for the saved index
                self._disk.setdefault(key, disk)
            if key in self._open or key in self._touched:
                continue
            self._disk[key] = disk
            if self._texts.get(key) != disk.text:
                self._texts[key], self._sizes[key] = disk.text, disk.size
                changed = True
        self._skipped.update(scan.skipped)
        self._unread = scan.known
        if changed:
            self._version += 1

    def _walk(self, root: Path, scan: _Scan) -> bool:
        """Scan the workspace folder `root` breadth-first; False when stopped or out of entries."""
        queue = deque([root])
        while queue:
            directory = queue.popleft()
            budget, cut = self._limits.max_entries - scan.entries, False
            listing: list[os.DirEntry[str]] = []
            try:
                with os.scandir(directory) as entries:
                    for entry in entries:
                        if self._stop.is_set():
                            return False
                        if len(listing) >= budget:
                            cut = True
                            break
                        listing.append(entry)
            except OSError:
                scan.skipped["unreadable"] += 1
                continue
            for entry in sorted(listing, key=lambda e: e.name):
                if self._stop.is_set():
                    return False
                scan.entries += 1
                self._visit(entry, queue, scan)
            if cut:
                scan.skipped["entry limit"] += 1
                return False
        return True

    def _visit(self, entry: os.DirEntry[str], queue: deque[Path], scan: _Scan) -> None:
        """Queue a folder to go into, or read a Python file into the scan."""
        try:
            is_link, is_dir = entry.is_symlink(), entry.is_dir(follow_symlinks=False)
        except OSError:
            scan.skipped["unreadable"] += 1
            return
        path = Path(entry.path)
        if is_dir:
            reason = _folder_reason(path)
            if reason:
                scan.skipped[reason] += 1
            else:
                queue.append(path)
        elif entry.name.endswith(".py"):
            self._take(path, is_link, scan)
        elif is_link and os.path.isdir(path):
            scan.skipped["symlinked folder"] += 1

    def _take(self, path: Path, is_link: bool, scan: _Scan) -> None:
        """Read the Python file at `path` (in a scanned folder) into the scan, within the bounds."""
        if scan.full:
            scan.skipped[scan.full] += 1
            return
        key = _resolve(path) if is_link else path
        if key is None:
            scan.skipped["unreadable"] += 1
            return
        if key in scan.texts:  # a symlink to a file already read, or a workspace folder inside another
            return
        if is_link:
            reason = self._exclusion(key)
            if reason:
                scan.skipped[reason] += 1
                return
        if len(scan.texts) >= self._limits.max_files:
            scan.full = "file limit"
            scan.skipped[scan.full] += 1
            return
        known = self._known.get(key)
        result = read_text(key, self._limits.max_file_bytes, known)
        if isinstance(result, str):
            scan.skipped[result] += 1
            return
        if scan.total + result.size > self._limits.max_total_bytes:
            scan.full = "total bytes"
            scan.skipped[scan.full] += 1
            return
        scan.texts[key] = result
        scan.total += result.size
        scan.known += result is known
