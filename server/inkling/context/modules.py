"""Whether an imported module exists, found without importing or running anything: the standard library,
the installed distributions (importlib.metadata) and the document's own project (files beside it)."""

from __future__ import annotations

import importlib.machinery
import logging
import os
import sys
import sysconfig
import threading
import time
from pathlib import Path

log = logging.getLogger("inkling.context")

REFRESH_S = 300.0  # how old the list of installed modules may get before it is read again (in the background)
PACKAGE_DEPTH = 16  # the most package folders above a document that are looked through for its project's root
_STDLIB = Path(sysconfig.get_paths()["stdlib"])
_SOURCE_SUFFIXES = (".py", ".pyi", *importlib.machinery.EXTENSION_SUFFIXES)


def _is_module(folder: Path, name: str) -> bool:
    """Whether `folder` holds the module `name`: a source file, an extension module or a package folder."""
    if (folder / name).is_dir():
        return True
    return any((folder / (name + suffix)).is_file() for suffix in _SOURCE_SUFFIXES)


def _under(root: Path, parts: list[str]) -> bool:
    """Whether the dotted module `parts` is found below `root`: folders for its packages, then the module."""
    folder = root
    for part in parts[:-1]:
        folder = folder / part
        if not folder.is_dir():
            return False
    return _is_module(folder, parts[-1])


def project_roots(path: str | None) -> list[Path]:
    """Where the document's absolute imports of its own project resolve: its folder, and the folder above
    the outermost package (a folder with `__init__.py`) that holds it."""
    if path is None:
        return []
    folder = Path(path).parent
    roots = [folder]
    top = folder
    for _ in range(PACKAGE_DEPTH):
        if not (top / "__init__.py").is_file():
            break
        top = top.parent
    if top != folder:
        roots.append(top)
    return roots


class _Installed:
    """The top-level module names of the installed distributions, read once and again every REFRESH_S
    seconds in the background (reading them takes a few hundred milliseconds)."""

    def __init__(self) -> None:
        self._names: frozenset[str] | None = None
        self._read_at = 0.0
        self._reading = threading.Lock()  # held while the names are read

    def names(self) -> frozenset[str]:
        """The names: waits for the first reading (the one a warm() started, if any), never for a refresh."""
        if self._names is None:
            with self._reading:
                if self._names is None:
                    self._read()
        elif time.monotonic() - self._read_at > REFRESH_S:
            self.warm()
        assert self._names is not None
        return self._names

    def prepare(self) -> None:
        """Start the first reading in the background, if nothing has read the names yet."""
        if self._names is None:
            self.warm()

    def warm(self) -> None:
        """Read the names on a background thread, unless a reading is under way."""
        if not self._reading.acquire(blocking=False):
            return
        threading.Thread(target=self._read_and_release, name="inkling-modules", daemon=True).start()

    def _read_and_release(self) -> None:
        try:
            self._read()
        finally:
            self._reading.release()

    def _read(self) -> None:
        import importlib.metadata  # here: it takes tens of milliseconds to import

        names: set[str] = set()
        try:
            names.update(importlib.metadata.packages_distributions())
        except Exception:  # a broken distribution's metadata must not break the check
            log.warning("could not read the installed distributions", exc_info=True)
        for folder in _search_folders():
            try:
                with os.scandir(folder) as entries:
                    names.update(_module_name(entry.name, entry.is_dir()) for entry in entries)
            except OSError:
                continue
        names.discard("")
        self._names, self._read_at = frozenset(names), time.monotonic()


def _module_name(entry: str, is_dir: bool) -> str:
    """The module a folder entry on the search path holds ("" for none)."""
    if is_dir:
        return entry if entry.isidentifier() else ""
    for suffix in _SOURCE_SUFFIXES:
        if entry.endswith(suffix):
            name = entry[: -len(suffix)]
            return name if name.isidentifier() else ""
    return ""


def _search_folders() -> list[Path]:
    """The interpreter's module search path without the current folder (the user's, perhaps) nor the
    standard library (its names are known)."""
    current = os.getcwd()
    folders = []
    for entry in sys.path:
        if not entry or entry == current or not os.path.isdir(entry):
            continue
        folder = Path(entry)
        if folder != _STDLIB and folder.parent != _STDLIB:
            folders.append(folder)
    return folders


INSTALLED = _Installed()


def resolves(module: str, level: int, path: str | None, imported: frozenset[str] = frozenset()) -> bool:
    """Whether `import module` (with `level` leading dots) finds a module for the document at `path`
    (None: an unsaved document, whose relative imports cannot be checked and pass). `imported` holds the
    top-level modules the document itself imports: one found nowhere here passes (the user's environment
    may have it), though its submodules are still checked where its files are found."""
    parts = module.split(".") if module else []
    if not all(part.isidentifier() for part in parts):
        return False
    if level:
        if path is None:
            return True
        base = Path(path).parent
        for _ in range(level - 1):
            base = base.parent
        return _under(base, parts) if parts else base.is_dir()
    if not parts:
        return False
    if module in sys.modules:  # what the server has loaded already (`os.path`); nothing is imported
        return True
    top = parts[0]
    found_top = False
    for root in project_roots(path):
        if _is_module(root, top):
            found_top = True
            if _under(root, parts):
                return True
    if top in sys.builtin_module_names:
        return len(parts) == 1
    if top in sys.stdlib_module_names:
        return len(parts) == 1 or _under(_STDLIB, parts)
    if top in INSTALLED.names():
        if len(parts) == 1:
            return True
        homes = [folder for folder in _search_folders() if _is_module(folder, top)]
        return not homes or any(_under(folder, parts) for folder in homes)  # no files: nothing to check
    return not found_top and top in imported
