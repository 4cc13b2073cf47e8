"""The user's project as context: the workspace's files (context/workspace.py), a retrieval index over them kept
up to date on a background thread and saved on disk for the next start (context/index_store.py), the token
ids of the code retrieved for a cursor, and the workspace's functions for the generating commands."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from inkling.completion.adapt import ProjectSnippets
from inkling.context.disk import DiskText
from inkling.context.index_store import IndexStore
from inkling.context.retrieval import RetrievalConfig, Retriever, Window
from inkling.context.workspace import WorkspaceFiles, WorkspaceLimits

log = logging.getLogger("inkling.completion")

REBUILD_DELAY_S = 1.0  # after a change the index waits this long, so that a burst of changes is built once
SAVE_INTERVAL_S = 30.0  # the saved index is written again at most this often (the first time at once)
ENCODED = 512  # encoded windows kept (least recently used first out)


class Project:
    """The workspace folders' Python files and their retrieval index; `related` answers on the caller's
    thread from whatever index is built by then (none yet: nothing). The index saved by an earlier start (in
    `cache`, by default the user's cache folder) answers from the moment it is loaded, before the scan ends;
    files on disk with the size and time it saved are neither read nor cut again."""

    def __init__(
        self, folders: Sequence[Path], limits: WorkspaceLimits | None = None, cache: Path | None = None
    ) -> None:
        limits = limits or WorkspaceLimits()
        self.files = WorkspaceFiles(folders, limits)
        self.config = RetrievalConfig()
        self.store = IndexStore(self.files.folders, self.config, limits, cache)
        self.retriever: Retriever | None = None
        self.snippets = ProjectSnippets()  # the workspace's functions, for the generating commands
        self.build_s: float | None = None  # how long the last index build took
        self.restored = 0  # files whose index came from the saved index
        self.restore_s: float | None = None  # how long loading the saved index took (None: there was none)
        self._built_version = -1
        self._saved: dict[Path, tuple[int, int]] | None = None  # (size, time) of each file as last saved
        self._saved_at = float("-inf")
        self._encoded: OrderedDict[tuple[Path, int, str], list[int]] = OrderedDict()
        self._wake = threading.Event()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="inkling-index", daemon=True)

    def start(self) -> None:
        """Load the saved index, scan the workspace and build the index, in the background; returns at once."""
        self._thread.start()

    def touched(self) -> None:
        """Something in the workspace changed (the caller told `files`): rebuild the index soon."""
        self._wake.set()

    def _run(self) -> None:
        known = self._restore()
        if self._closed:
            return
        self.files.start(known)
        while not self._closed:
            self.files.wait(timeout=3600)
            if self._closed:
                return
            if self.files.version != self._built_version:
                self._build()
            self._save()
            self._wake.wait(timeout=5.0)
            self._wake.clear()
            time.sleep(REBUILD_DELAY_S)

    def _restore(self) -> dict[Path, DiskText]:
        """Answer from the saved index while the scan runs; what it read of each file still unchanged."""
        started = time.perf_counter()
        try:
            restored = self.store.load(self.files.belongs)
            if restored is None or self._closed:
                return {}
            self.retriever = Retriever.restored(restored.cuts, restored.words, self.config, restored.lines)
        except Exception:  # the saved index is an aid: without it, the scan builds the index from the files
            log.warning("restoring the saved workspace index failed", exc_info=True)
            return {}
        self.restored, self.restore_s = len(restored.cuts), time.perf_counter() - started
        self._saved = {path: (disk.size, disk.mtime_ns) for path, disk in restored.disk.items()}
        log.info(
            "workspace index: %d files from the saved index (%d changed or gone) in %.2f s",
            self.restored,
            restored.stale,
            self.restore_s,
        )
        return restored.disk

    def _build(self) -> None:
        started = time.perf_counter()
        version = self.files.version
        texts = self.files.texts()
        try:
            self.snippets.index(texts)  # here, so that a generating command finds them ready
        except Exception:
            log.warning("reading the workspace's functions failed", exc_info=True)
        if self.retriever is not None and self.retriever.holds(texts):  # the saved index, all unchanged
            self._built_version = version
            return
        try:
            self.retriever = Retriever(texts, self.config, reuse=self.retriever)
        except Exception:  # an index is an aid: without one, suggestions go on without project context
            log.warning("building the workspace index failed", exc_info=True)
            return
        self.build_s = time.perf_counter() - started
        self._built_version = version
        log.info(
            "workspace index: %d windows in %.2f s (%d files cut)",
            len(self.retriever),
            self.build_s,
            self.retriever.cut_files,
        )

    def _save(self) -> None:
        """Save the index when the files read from disk are not those last saved, at most every
        SAVE_INTERVAL_S."""
        retriever = self.retriever
        if retriever is None or self._built_version < 0 or self._closed:
            return
        disk = self.files.disk_texts()
        stamps = {path: (d.size, d.mtime_ns) for path, d in disk.items()}
        if stamps == self._saved or time.monotonic() - self._saved_at < SAVE_INTERVAL_S:
            return
        started = time.perf_counter()
        self._saved, self._saved_at = stamps, time.monotonic()
        try:
            size = self.store.save(retriever, disk)
        except Exception:  # without a saved index the next start builds it from the files
            log.warning("saving the workspace index to %s failed", self.store.path, exc_info=True)
            return
        took = time.perf_counter() - started
        log.info("workspace index saved: %d files, %.1f MB in %.2f s", len(disk), size / 1e6, took)

    def stats(self) -> dict[str, Any]:
        """The index as JSON: files, windows, whether it is built for the files as they are now, its build time
        in seconds, how many files of the last build were cut (not taken from the index before), how many came
        from the saved index and in how many seconds, and what the scan left out."""
        retriever = self.retriever
        return {
            "files": len(retriever.files) if retriever is not None else 0,
            "windows": len(retriever) if retriever is not None else 0,
            "built": retriever is not None and self._built_version == self.files.version,
            "buildS": self.build_s,
            "cut": retriever.cut_files if retriever is not None else 0,
            "restored": self.restored,
            "restoreS": self.restore_s,
            "unread": self.files.unread,
            "skipped": self.files.skipped,
        }

    def windows(self, prefix: str, path: Path | None, k: int) -> list[Window]:
        retriever = self.retriever
        return [] if retriever is None else retriever.search(prefix, k, here=path)

    def related(
        self, prefix: str, path: Path | None, k: int, encode: Callable[[str], list[int]]
    ) -> list[int]:
        """The token ids of the `k` windows most like the code before the cursor, each ending a line."""
        ids: list[int] = []
        for window in self.windows(prefix, path, k):
            key = (window.path, window.start, window.text)
            encoded = self._encoded.get(key)
            if encoded is None:
                encoded = encode(window.text + "\n\n")
                self._encoded[key] = encoded
                while len(self._encoded) > ENCODED:
                    self._encoded.popitem(last=False)
            else:
                self._encoded.move_to_end(key)
            ids += encoded
        return ids

    def close(self) -> None:
        self._closed = True
        self._wake.set()
        self.files.close()
