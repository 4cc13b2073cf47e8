"""The workspace index saved on disk: a restart takes it instead of reading and cutting the files again; a file
changed since is read again; a corrupt, truncated, foreign or out-of-bounds index file, or one naming a path
outside the workspace, is rebuilt, never trusted (real files in temporary folders, nothing mocked)."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from inkling.completion.project import Project
from inkling.context.disk import UNVOUCHED, DiskText
from inkling.context.index_store import FORMAT, IndexStore, cache_folder
from inkling.context.retrieval import RetrievalConfig, Retriever
from inkling.context.workspace import WorkspaceFiles, WorkspaceLimits

BILLING = "def charge(invoice, gateway):\n    receipt = gateway.capture(invoice.amount, invoice.currency)\n"
FILES = {
    "billing.py": BILLING,
    "pkg/report.py": "def report(record):\n    total = normalise_invoice_total(record.amount_due)\n",
    "pkg/util.py": "".join(f"value_{i} = compute_{i}(data)\n" for i in range(40)),
}
SECRET = "leaked_credentials_from_outside = 'AKIA-not-for-the-index'\n"
HOUR_AGO_NS = time.time_ns() - 3600 * 10**9


@pytest.fixture
def made() -> Iterator[list[Project]]:
    made: list[Project] = []
    yield made
    for project in made:
        project.close()


def workspace(root: Path) -> Path:
    """A workspace of FILES, last changed an hour ago (a time that vouches for their texts)."""
    for name, text in FILES.items():
        write(root / name, text)
    return root


def write(path: Path, text: str, mtime_ns: int = HOUR_AGO_NS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def index_file(project: Project) -> Path:
    assert project.store.path is not None
    return project.store.path


def eventually(done: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert done()


def started(made: list[Project], root: Path, cache: Path) -> Project:
    """A project over `root`, saving its index in `cache`, once its index is built for its files."""
    project = Project([root], cache=cache)
    made.append(project)
    project.start()
    eventually(lambda: bool(project.stats()["built"]))
    return project


def saved(made: list[Project], root: Path, cache: Path) -> Path:
    """The index file that a first start over `root` saved (that project closed)."""
    project = started(made, root, cache)
    eventually(index_file(project).exists)
    project.close()
    return index_file(project)


def indexed_text(project: Project, path: Path) -> str:
    assert project.retriever is not None
    return project.retriever.cuts[path].text


def test_a_restart_takes_the_saved_index_and_neither_reads_nor_cuts_the_files(
    tmp_path: Path, made: list[Project]
) -> None:
    root = workspace(tmp_path / "ws").resolve()
    first = started(made, root, tmp_path / "cache")
    assert first.stats()["cut"] == 3 and first.stats()["restored"] == 0
    eventually(index_file(first).exists)
    first.close()

    again = started(made, root, tmp_path / "cache")
    stats = again.stats()
    assert stats["restored"] == 3 and stats["unread"] == 3 and stats["cut"] == 0 and stats["files"] == 3
    found = again.windows("def refund(invoice, gateway):\n    receipt = ", None, 1)
    assert found and found[0].path == root / "billing.py" and "gateway.capture" in found[0].text


def test_the_saved_index_answers_before_any_scan(tmp_path: Path, made: list[Project]) -> None:
    root = workspace(tmp_path / "ws").resolve()
    path = saved(made, root, tmp_path / "cache")
    files = WorkspaceFiles([root])  # never started: nothing is scanned
    restored = IndexStore(files.folders, RetrievalConfig(), WorkspaceLimits(), tmp_path / "cache").load(
        files.belongs
    )
    assert restored is not None and path.exists() and restored.lines is not None  # the lines are saved too
    retriever = Retriever.restored(restored.cuts, restored.words, RetrievalConfig(), restored.lines)
    counted = Retriever({path: cut.text for path, cut in restored.cuts.items()}).lines
    assert retriever.lines.texts == counted.texts and np.array_equal(retriever.lines.counts, counted.counts)
    assert retriever.lines_starting("total = normalise_", 1) == ["invoice_total(record.amount_due)"]
    found = retriever.search("def refund(invoice, gateway):\n    receipt = ", 1)
    assert found and found[0].path == root / "billing.py"


def test_a_file_changed_on_disk_after_the_save_is_read_and_cut_again(
    tmp_path: Path, made: list[Project]
) -> None:
    root = workspace(tmp_path / "ws").resolve()
    saved(made, root, tmp_path / "cache")
    write(root / "billing.py", BILLING.replace("capture", "authorise"), HOUR_AGO_NS + 10**9)
    (root / "pkg" / "util.py").unlink()
    write(root / "new.py", "fresh = 1\n")

    files = WorkspaceFiles([root])
    restored = IndexStore(files.folders, RetrievalConfig(), WorkspaceLimits(), tmp_path / "cache").load(
        files.belongs
    )
    assert restored is not None and set(restored.cuts) == {root / "pkg" / "report.py"} and restored.stale == 2
    assert restored.lines is None  # counted again over the files that are left

    again = started(made, root, tmp_path / "cache")
    stats = again.stats()
    assert stats["restored"] == 1 and stats["cut"] == 2 and stats["files"] == 3
    assert "gateway.authorise" in indexed_text(again, root / "billing.py")
    assert again.retriever is not None and root / "pkg" / "util.py" not in again.retriever.cuts


def test_a_file_with_the_saved_size_and_time_is_trusted_unread(tmp_path: Path, made: list[Project]) -> None:
    """What the index vouches by: the same size and modification time stand for the same text."""
    root = workspace(tmp_path / "ws").resolve()
    saved(made, root, tmp_path / "cache")
    write(root / "billing.py", BILLING.replace("capture", "CAPTURE"))  # same size, time set back
    again = started(made, root, tmp_path / "cache")
    assert "gateway.capture" in indexed_text(again, root / "billing.py")


def test_a_file_changed_just_now_is_not_vouched_for_by_its_time(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws").resolve()
    write(root / "fresh.py", "x = 1\n", time.time_ns())
    files = WorkspaceFiles([root])
    files.start()
    assert files.wait(10)
    disk = files.disk_texts()
    assert disk[root / "fresh.py"].mtime_ns == UNVOUCHED  # it may change again within the clock's tick
    assert disk[root / "billing.py"].mtime_ns == HOUR_AGO_NS
    retriever = Retriever(files.texts())
    store = IndexStore(files.folders, RetrievalConfig(), WorkspaceLimits(), tmp_path / "cache")
    store.save(retriever, disk)
    restored = store.load(files.belongs)
    assert restored is not None and set(restored.cuts) == {root / name for name in FILES}
    files.close()


def test_an_open_documents_editor_text_is_not_saved_as_the_files(tmp_path: Path, made: list[Project]) -> None:
    root = workspace(tmp_path / "ws").resolve()
    project = Project([root], cache=tmp_path / "cache")
    made.append(project)
    project.files.opened(root / "billing.py", "unsaved_editor_text = 1\n")
    project.start()
    eventually(index_file(project).exists)
    assert "unsaved_editor_text" in indexed_text(project, root / "billing.py")
    project.close()

    again = started(made, root, tmp_path / "cache")
    assert again.stats()["restored"] == 2  # the open document's file was not saved: it is read again
    assert indexed_text(again, root / "billing.py") == BILLING


def _rewrite(path: Path, change: Callable[[dict[str, np.ndarray]], None]) -> None:
    """Rewrite the index file at `path` with `change` made to its arrays."""
    with np.load(path, allow_pickle=False) as saved:
        arrays = {name: saved[name] for name in saved.files}
    change(arrays)
    with open(path, "wb") as file:
        np.savez_compressed(file, **arrays)


def _meta(arrays: dict[str, np.ndarray], **changes: object) -> None:
    meta = json.loads(arrays["meta"].tobytes())
    meta.update(changes)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00garbage, not an index\xff" * 50)


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _another_format(path: Path) -> None:
    _rewrite(path, lambda a: _meta(a, format=FORMAT + 1))


def _not_json(path: Path) -> None:
    _rewrite(path, lambda a: a.update(meta=np.frombuffer(b"{not json", dtype=np.uint8)))


def _wrong_shape(path: Path) -> None:
    _rewrite(path, lambda a: a.update(windows=a["windows"][:-1]))


def _ids_out_of_range(path: Path) -> None:
    _rewrite(path, lambda a: a.update(ids=a["ids"] + 10**6))


def _lines_unsorted(path: Path) -> None:
    _rewrite(
        path,
        lambda a: a.update(
            lines=np.frombuffer(b"zzzz\naaaa", dtype=np.uint8), line_counts=a["line_counts"][:2]
        ),
    )


def _pickled(path: Path) -> None:
    _rewrite(path, lambda a: a.update(sizes=np.array([object()] * len(a["sizes"]), dtype=object)))


@pytest.mark.parametrize(
    "corrupt",
    [
        _garbage,
        _truncated,
        _another_format,
        _not_json,
        _wrong_shape,
        _ids_out_of_range,
        _lines_unsorted,
        _pickled,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_a_corrupt_index_file_is_rebuilt_never_trusted(
    corrupt: Callable[[Path], None], tmp_path: Path, made: list[Project], caplog: pytest.LogCaptureFixture
) -> None:
    root = workspace(tmp_path / "ws").resolve()
    path = saved(made, root, tmp_path / "cache")
    corrupt(path)
    with caplog.at_level(logging.WARNING, logger="inkling.context"):
        again = started(made, root, tmp_path / "cache")
    assert any("unusable" in r.message for r in caplog.records)
    stats = again.stats()
    assert stats["restored"] == 0 and stats["cut"] == 3 and stats["files"] == 3
    assert again.windows("def refund(invoice, gateway):\n    receipt = ", None, 1)  # it goes on answering
    eventually(path.exists)
    store = IndexStore(again.files.folders, RetrievalConfig(), WorkspaceLimits(), tmp_path / "cache")
    restored = store.load(again.files.belongs)  # saved anew, whole
    assert restored is not None and len(restored.cuts) == 3


def test_an_index_file_naming_a_path_outside_the_workspace_is_not_trusted(
    tmp_path: Path, made: list[Project], caplog: pytest.LogCaptureFixture
) -> None:
    root = workspace(tmp_path / "ws").resolve()
    outside = write(tmp_path / "elsewhere" / "secret.py", SECRET).resolve()
    path = saved(made, root, tmp_path / "cache")
    # The entry of billing.py, renamed to a real file outside with the same size and time.
    write(outside, SECRET.ljust(len(BILLING.encode()), "#"))

    def point_outside(arrays: dict[str, np.ndarray]) -> None:
        paths = json.loads(arrays["meta"].tobytes())["paths"]
        _meta(arrays, paths=[str(outside) if p == str(root / "billing.py") else p for p in paths])

    _rewrite(path, point_outside)
    with caplog.at_level(logging.WARNING, logger="inkling.context"):
        again = started(made, root, tmp_path / "cache")
    assert any("outside the workspace folders" in r.message for r in caplog.records)
    assert again.stats()["restored"] == 0 and again.stats()["files"] == 3
    assert again.retriever is not None and outside not in again.retriever.cuts


def test_an_entry_in_a_folder_the_scan_now_skips_is_left_out(tmp_path: Path, made: list[Project]) -> None:
    root = workspace(tmp_path / "ws").resolve()
    saved(made, root, tmp_path / "cache")
    (root / "pkg" / "pyvenv.cfg").write_text("home = /usr\n")  # pkg/ is now a virtual environment
    again = started(made, root, tmp_path / "cache")
    assert again.stats()["restored"] == 1 and again.stats()["files"] == 1


def test_an_index_file_over_the_scans_bounds_is_not_trusted(tmp_path: Path, made: list[Project]) -> None:
    root = workspace(tmp_path / "ws").resolve()
    path = saved(made, root, tmp_path / "cache")
    files = WorkspaceFiles([root], WorkspaceLimits(max_files=2))
    store = IndexStore(files.folders, RetrievalConfig(), WorkspaceLimits(max_files=2), tmp_path / "cache")
    assert store.path == path  # the same workspace's file
    assert store.load(files.belongs) is None and not path.exists()
    full = Retriever({root / name: text for name, text in FILES.items()})
    stamps = {root / name: DiskText(text, len(text.encode()), HOUR_AGO_NS) for name, text in FILES.items()}
    store.save(full, stamps)  # what is saved keeps to the bounds
    restored = store.load(files.belongs)
    assert restored is not None and len(restored.cuts) == 2


def test_the_index_file_is_per_workspace_and_configuration_in_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INKLING_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "inkling"
    monkeypatch.setenv("INKLING_CACHE_DIR", str(tmp_path / "override"))
    assert cache_folder() == tmp_path / "override"
    a, b = tmp_path / "a", tmp_path / "b"
    limits = WorkspaceLimits()
    one = IndexStore([a, b], RetrievalConfig(), limits)
    assert one.path.parent == tmp_path / "override" / "index"
    assert IndexStore([b, a], RetrievalConfig(), limits).path == one.path
    assert IndexStore([a], RetrievalConfig(), limits).path != one.path
    assert IndexStore([a, b], RetrievalConfig(stride=5), limits).path != one.path
