"""The workspace index saved in the user's cache folder, so that a restart reloads it instead of cutting every
file again: one compressed numpy file per set of workspace folders, written atomically, loaded without pickle,
and every entry checked against the disk (size and modification time) before it is trusted."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import os
import stat
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from inkling.atomic import atomic_write
from inkling.context.disk import UNVOUCHED, DiskText
from inkling.context.retrieval import Cut, Lines, RetrievalConfig, Retriever, window_lines
from inkling.context.workspace import WorkspaceLimits

log = logging.getLogger("inkling.context")

FORMAT = 1  # bumped whenever the layout below or the way files are cut changes: an older file is rebuilt
KEPT = 32  # index files kept in the folder at most (the least recently written go first)
_ARRAYS = {  # name: (dtype, dimensions) of each array in the file
    "meta": (np.uint8, 1),  # JSON: format, key, folders, config, paths
    "sizes": (np.int64, 1),  # per file: its size on disk when it was read
    "mtimes": (np.int64, 1),  # per file: its modification time (ns) then
    "text": (np.uint8, 1),  # the texts, UTF-8, one after another
    "text_ends": (np.int64, 1),  # per file: where its text ends in `text`
    "words": (np.uint8, 1),  # the vocabulary, UTF-8, one word a line
    "window_ends": (np.int64, 1),  # per file: where its windows end in `windows`
    "windows": (np.int32, 2),  # per window: (first line, end line)
    "ids": (np.int32, 1),  # the windows' word ids, one window after another
    "id_ends": (np.int64, 1),  # per window: where its ids end in `ids`
    "lines": (np.uint8, 1),  # the index's lines (Lines.texts), UTF-8, one a line; none unless over all files
    "line_counts": (np.int32, 1),  # how many times each occurs
}


class Unusable(Exception):
    """The index file is not one to trust: it is rebuilt."""


def cache_folder() -> Path | None:
    """Inkling's folder in the user's cache: $INKLING_CACHE_DIR, else $XDG_CACHE_HOME/inkling, else
    ~/.cache/inkling (None when there is no home folder)."""
    override = os.environ.get("INKLING_CACHE_DIR")
    if override:
        return Path(override)
    try:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "inkling"
    except RuntimeError:
        return None


@dataclass(frozen=True)
class Restored:
    """What an index file held that the disk still vouches for: each file's cut and what was read of it."""

    cuts: dict[Path, Cut]
    disk: dict[Path, DiskText]
    words: list[str]
    lines: Lines | None  # the lines of an index over exactly these files (None: they are to be counted)
    stale: int  # entries left out: their file changed, went or no longer belongs in the index


class IndexStore:
    """The saved index of one set of workspace folders under one RetrievalConfig (its file's name is a hash of
    both and of FORMAT), within the limits the workspace scan keeps to."""

    def __init__(
        self, folders: list[Path], config: RetrievalConfig, limits: WorkspaceLimits, root: Path | None = None
    ) -> None:
        self.folders = sorted(str(folder) for folder in folders)
        self.config = config
        self.limits = limits
        described = {"format": FORMAT, "folders": self.folders, "config": asdict(config)}
        self.key = hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:32]
        folder = root or cache_folder()
        self.path = folder / "index" / f"{self.key}.npz" if folder is not None else None

    def load(self, belongs: Callable[[Path], bool]) -> Restored | None:
        """The saved index's entries whose files still have the size and time they had when read (None when
        there is no file; an unusable one is removed, with a log line). `belongs` says whether a path is one
        the index may hold: a file that names a path outside the workspace folders is not trusted at all."""
        path = self.path
        if path is None:
            return None
        try:
            if not path.is_file():
                return None
            return self._load(path, belongs)
        except Exception as error:  # whatever is wrong with the file, it is rebuilt, never trusted
            log.warning("workspace index: the saved index %s is unusable (%s); rebuilding it", path, error)
            with contextlib.suppress(OSError):
                path.unlink()
            return None

    def _load(self, path: Path, belongs: Callable[[Path], bool]) -> Restored:
        most = 8 * self.limits.max_total_bytes + 1_000_000  # the arrays' bytes at most, unpacked
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > most:
                raise Unusable("too large")
        with np.load(path, allow_pickle=False) as saved:
            if sorted(saved.files) != sorted(_ARRAYS):
                raise Unusable(f"arrays {sorted(saved.files)}")
            arrays = {name: _array(saved, name) for name in _ARRAYS}
        meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise Unusable("another format")
        if meta.get("key") != self.key or meta.get("folders") != self.folders:
            raise Unusable("another workspace")
        if meta.get("config") != asdict(self.config):
            raise Unusable("another configuration")
        paths = meta.get("paths")
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise Unusable("no list of paths")
        restored = self._entries([Path(p) for p in paths], arrays, belongs)
        if meta.get("lines") is True and not restored.stale:
            return replace(restored, lines=_lines(arrays["lines"], arrays["line_counts"]))
        return restored

    def _entries(
        self, paths: list[Path], a: dict[str, np.ndarray], belongs: Callable[[Path], bool]
    ) -> Restored:
        files, windows = len(paths), len(a["windows"])
        if len(set(paths)) != files or files > self.limits.max_files:
            raise Unusable("paths repeated or too many")
        for name in ("sizes", "mtimes", "text_ends", "window_ends"):
            _check_length(a, name, files)
        _check_length(a, "id_ends", windows)
        if a["windows"].shape[1:] != (2,):
            raise Unusable("windows' shape")
        text_ends = _ends(a["text_ends"], len(a["text"]), "text_ends")
        window_ends = _ends(a["window_ends"], windows, "window_ends")
        id_ends = _ends(a["id_ends"], len(a["ids"]), "id_ends")
        if len(a["text"]) > self.limits.max_total_bytes:
            raise Unusable("texts over the total bound")
        words = a["words"].tobytes().decode("utf-8", "surrogatepass").split("\n") if len(a["words"]) else []
        if len(set(words)) != len(words):
            raise Unusable("words repeated")
        ids = a["ids"]
        if len(ids) and (int(ids.min()) < 0 or int(ids.max()) >= len(words)):
            raise Unusable("word ids out of range")
        outside = [path for path in paths if not _inside(path, self.folders)]
        if outside:
            raise Unusable(f"a path outside the workspace folders: {outside[0]}")
        data = a["text"].tobytes()
        spans: list[tuple[int, int]] = list(map(tuple, a["windows"].tolist()))
        chunks = [ids[start:end] for start, end in itertools.pairwise(id_ends)]  # views of `ids`
        sizes, mtimes = a["sizes"].tolist(), a["mtimes"].tolist()
        vouched = _Disk(belongs, self.limits.max_file_bytes)
        cuts: dict[Path, Cut] = {}
        disk: dict[Path, DiskText] = {}
        for i, path in enumerate(paths):
            if not vouched(path, sizes[i], mtimes[i]):
                continue
            text = data[text_ends[i] : text_ends[i + 1]].decode("utf-8", "surrogatepass")
            first, end = window_ends[i], window_ends[i + 1]
            if spans[first:end] != window_lines(text.count("\n") + 1, self.config):
                raise Unusable(f"windows that do not cut {path}")
            cuts[path] = Cut.of(text, [(*spans[w], chunks[w]) for w in range(first, end)])
            disk[path] = DiskText(text, sizes[i], mtimes[i])
        return Restored(cuts, disk, words, None, files - len(cuts))

    def save(self, retriever: Retriever, disk: Mapping[Path, DiskText]) -> int:
        """Write the cuts of the files read from disk (`disk`: their texts as read, with their sizes and
        times), atomically; a file whose text in `retriever` is another (an open document's) or whose time does
        not vouch for its text is left out. Returns the file's size in bytes (0: no cache folder to write in)."""
        if self.path is None:
            return 0
        cuts = retriever.cuts
        vouched = (p for p, d in sorted(disk.items()) if d.mtime_ns != UNVOUCHED and _inside(p, self.folders))
        paths: list[Path] = []
        texts: list[bytes] = []
        room = self.limits.max_total_bytes
        for path in (p for p in vouched if p in cuts and cuts[p].text == disk[p].text):
            text = disk[path].text.encode("utf-8", "surrogatepass")
            if len(paths) == self.limits.max_files or len(text) > room:  # the scan's bounds
                break
            paths.append(path)
            texts.append(text)
            room -= len(text)
        spans = [(first, end) for p in paths for first, end, _ in cuts[p].windows]
        chunks = [ids for p in paths for _, _, ids in cuts[p].windows]
        flat = np.concatenate(chunks).astype(np.int32) if chunks else np.empty(0, dtype=np.int32)
        used, compact = np.unique(flat, return_inverse=True)  # only the words the saved windows hold
        vocabulary = retriever.words
        every = len(paths) == len(cuts)  # the index's lines are those of the saved files: they are saved too
        lines = retriever.lines if every else Lines([], np.empty(0, dtype=np.int32))
        meta = {"format": FORMAT, "key": self.key, "folders": self.folders, "config": asdict(self.config)}
        arrays = {
            "meta": _bytes(json.dumps({**meta, "paths": [str(p) for p in paths], "lines": every}).encode()),
            "sizes": np.array([disk[p].size for p in paths], dtype=np.int64),
            "mtimes": np.array([disk[p].mtime_ns for p in paths], dtype=np.int64),
            "text": _bytes(b"".join(texts)),
            "text_ends": np.cumsum([len(t) for t in texts], dtype=np.int64),
            "words": _bytes("\n".join(vocabulary[i] for i in used.tolist()).encode("utf-8", "surrogatepass")),
            "window_ends": np.cumsum([len(cuts[p].windows) for p in paths], dtype=np.int64),
            "windows": np.array(spans, dtype=np.int32).reshape(-1, 2),
            "ids": compact.astype(np.int32).reshape(-1),
            "id_ends": np.cumsum([len(ids) for ids in chunks], dtype=np.int64),
            "lines": _bytes("\n".join(lines.texts).encode("utf-8", "surrogatepass")),
            "line_counts": lines.counts.astype(np.int32),
        }
        self.path.parent.mkdir(
            parents=True, exist_ok=True, mode=0o700
        )  # private: it holds the project's code

        def write(tmp: Path) -> None:
            with open(tmp, "wb") as file:
                np.savez_compressed(file, allow_pickle=False, **arrays)

        atomic_write(self.path, write, mode=0o600)
        _prune(self.path.parent)
        return self.path.stat().st_size


def _array(saved: Any, name: str) -> np.ndarray:
    """The array `name` of the file, checked for its dtype and number of dimensions."""
    array = saved[name]
    dtype, dimensions = _ARRAYS[name]
    if not isinstance(array, np.ndarray) or array.dtype != dtype or array.ndim != dimensions:
        raise Unusable(f"array {name}")
    return array


def _check_length(arrays: dict[str, np.ndarray], name: str, length: int) -> None:
    if len(arrays[name]) != length:
        raise Unusable(f"{name} of length {len(arrays[name])}, not {length}")


def _ends(ends: np.ndarray, total: int, name: str) -> list[int]:
    """0 and the cumulative `ends`, checked to grow and to end at `total`."""
    bounds = [0, *ends.tolist()]
    if bounds[-1] != total or any(b < a for a, b in itertools.pairwise(bounds)):
        raise Unusable(name)
    return bounds


def _lines(data: np.ndarray, counts: np.ndarray) -> Lines:
    """The saved lines, checked to be sorted, distinct and counted."""
    texts = data.tobytes().decode("utf-8", "surrogatepass").split("\n") if len(data) else []
    if len(texts) != len(counts) or (len(counts) and int(counts.min()) < 1):
        raise Unusable("lines' counts")
    if any(b <= a for a, b in itertools.pairwise(texts)):
        raise Unusable("lines not sorted")
    return Lines(texts, counts)


def _bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.uint8)


def _inside(path: Path, folders: list[str]) -> bool:
    """Whether the absolute `path` lies inside one of `folders` (resolved folders)."""
    name = str(path)
    return path.is_absolute() and any(name.startswith(os.path.join(folder, "")) for folder in folders)


class _Disk:
    """Whether the disk vouches for an entry: its path is a Python file the index may hold (`belongs`, asked
    once per folder), in a folder that is no symlink's, and the file there is regular, not a symlink, at most
    `max_bytes`, of the entry's size and modification time."""

    def __init__(self, belongs: Callable[[Path], bool], max_bytes: int) -> None:
        self.belongs = belongs
        self.max_bytes = max_bytes
        self.folders: dict[Path, bool] = {}

    def __call__(self, path: Path, size: int, mtime_ns: int) -> bool:
        folder = path.parent
        if folder not in self.folders:
            try:
                real = os.path.realpath(folder) == str(folder)
            except (OSError, ValueError):
                real = False
            self.folders[folder] = real and self.belongs(path)
        if not (self.folders[folder] and path.suffix == ".py" and size <= self.max_bytes):
            return False
        try:
            info = os.lstat(path)
        except (OSError, ValueError):
            return False
        return stat.S_ISREG(info.st_mode) and (info.st_size, info.st_mtime_ns) == (size, mtime_ns)


def _prune(folder: Path) -> None:
    """Keep the KEPT most recently written index files of `folder`, and no temporary file older than an hour."""
    try:
        found = [(entry.stat().st_mtime, Path(entry.path)) for entry in os.scandir(folder) if entry.is_file()]
    except OSError:
        return
    hour_ago = time.time() - 3600
    indexes = sorted((item for item in found if item[1].suffix == ".npz"), reverse=True)
    old = [path for _, path in indexes[KEPT:]]
    old += [path for mtime, path in found if path.suffix == ".tmp" and mtime < hour_ago]
    for path in old:
        with contextlib.suppress(OSError):
            path.unlink()
