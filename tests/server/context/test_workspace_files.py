"""The workspace's Python files as texts: what the background scan reads, what it refuses, its bounds, and
the editor's events (real files in a temporary folder, nothing mocked)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from inkling.context.workspace import SKIPPED_DIRS, WorkspaceFiles, WorkspaceLimits

SECRET = "AKIA-not-for-the-index-7f3e"


@pytest.fixture
def made() -> Iterator[list[WorkspaceFiles]]:
    """The workspaces a test makes, closed after it."""
    made: list[WorkspaceFiles] = []
    yield made
    for workspace in made:
        workspace.close()


def write(path: Path, content: str | bytes = "x = 1\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def scanned(made: list[WorkspaceFiles], *folders: Path, **limits: int) -> WorkspaceFiles:
    workspace = WorkspaceFiles(list(folders), WorkspaceLimits(**limits))
    made.append(workspace)
    workspace.start()
    assert workspace.wait(10.0)
    return workspace


def names(workspace: WorkspaceFiles, root: Path) -> set[str]:
    return {path.relative_to(root.resolve()).as_posix() for path in workspace.texts()}


def test_python_files_are_found_and_other_files_ignored(tmp_path: Path, made: list[WorkspaceFiles]) -> None:
    write(tmp_path / "a.py", "a = 1\n")
    write(tmp_path / "pkg" / "__init__.py", "")
    write(tmp_path / "pkg" / "deep" / "b.py", "b = 2\n")
    write(tmp_path / "stub.pyi", "def f() -> int: ...\n")
    write(tmp_path / "notes.txt", "text\n")
    write(tmp_path / "data.pyc", b"\x00\x01")
    write(tmp_path / "env" / "c.py", "c = 3\n")  # `env` without a pyvenv.cfg is an ordinary folder
    workspace = scanned(made, tmp_path)
    assert names(workspace, tmp_path) == {"a.py", "pkg/__init__.py", "pkg/deep/b.py", "env/c.py"}
    assert workspace.texts()[(tmp_path / "a.py").resolve()] == "a = 1\n"
    assert workspace.version > 0


def test_skipped_folders_and_a_virtual_environment_of_any_name(
    tmp_path: Path, made: list[WorkspaceFiles]
) -> None:
    write(tmp_path / "keep.py")
    for folder in (".git", "node_modules", "__pycache__", "build", "dist", ".venv", "site-packages", ".tox"):
        assert folder in SKIPPED_DIRS
        write(tmp_path / folder / "x.py")
    write(tmp_path / "inkling.egg-info" / "x.py")
    write(tmp_path / ".hidden" / "x.py")
    write(tmp_path / "my-tools" / "pyvenv.cfg", "home = /usr/bin\n")
    write(tmp_path / "my-tools" / "lib" / "python3.11" / "x.py")
    write(tmp_path / "src" / "build" / "x.py")  # at any depth
    workspace = scanned(made, tmp_path)
    assert names(workspace, tmp_path) == {"keep.py"}
    assert workspace.skipped["virtual environment"] == 1
    workspace.disk_changed(tmp_path / "my-tools" / "lib" / "python3.11" / "x.py")
    workspace.opened(tmp_path / "node_modules" / "x.py", "opened = 1\n")
    assert names(workspace, tmp_path) == {"keep.py"}


def test_a_symlink_loop_ends_and_an_inside_link_is_read_once(
    tmp_path: Path, made: list[WorkspaceFiles]
) -> None:
    root = tmp_path / "ws"
    write(root / "real.py", "real = 1\n")
    (root / "sub").mkdir()
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "self.py").symlink_to(root / "self.py")
    (root / "ping.py").symlink_to(root / "pong.py")
    (root / "pong.py").symlink_to(root / "ping.py")
    (root / "alias.py").symlink_to(root / "real.py")
    workspace = scanned(made, root)
    assert list(workspace.texts().values()) == ["real = 1\n"]
    assert names(workspace, root) == {"real.py"}


def test_nothing_outside_the_workspace_is_read(tmp_path: Path, made: list[WorkspaceFiles]) -> None:
    outside = write(tmp_path / "outside" / "secret.py", f"TOKEN = {SECRET!r}\n")
    root = tmp_path / "ws"
    write(root / "ok.py")
    (root / "linked.py").symlink_to(outside)
    (root / "linked_folder").symlink_to(outside.parent, target_is_directory=True)
    workspace = scanned(made, root)
    assert workspace.skipped["outside the workspace"] == 1
    workspace.disk_changed(root / "linked.py")
    workspace.disk_changed(root / "linked_folder" / "secret.py")
    workspace.closed(root / "linked_folder" / "secret.py")
    workspace.opened(outside, outside.read_text())
    workspace.disk_changed(root / ".." / "outside" / "secret.py")
    assert names(workspace, root) == {"ok.py"}
    assert not any(SECRET in text for text in workspace.texts().values())


def test_a_too_large_file_is_skipped_by_its_size(tmp_path: Path, made: list[WorkspaceFiles]) -> None:
    with (tmp_path / "huge.py").open("wb") as file:
        file.truncate(50 * 1024 * 1024)  # sparse: nothing is written
    write(tmp_path / "small.py", "s = 1\n")
    write(tmp_path / "edge.py", "e" * 99 + "\n")
    write(tmp_path / "over.py", "o" * 100 + "\n")
    workspace = scanned(made, tmp_path, max_file_bytes=100)
    assert names(workspace, tmp_path) == {"small.py", "edge.py"}
    assert workspace.skipped["too large"] == 2


def test_text_is_utf8_without_bom_or_crlf_and_binary_is_skipped(
    tmp_path: Path, made: list[WorkspaceFiles]
) -> None:
    write(tmp_path / "latin1.py", "name = 'café'\n".encode("latin-1"))
    write(tmp_path / "nul.py", b"x = 1\n\x00\x00")
    write(tmp_path / "bom.py", "\ufeffx = 'é'\r\ny = 2\r\n".encode())
    workspace = scanned(made, tmp_path)
    assert workspace.texts() == {(tmp_path / "bom.py").resolve(): "x = 'é'\ny = 2\n"}
    assert workspace.skipped["not utf-8"] == 1
    assert workspace.skipped["binary"] == 1


def test_the_file_limit_keeps_the_first_files_breadth_first(
    tmp_path: Path, made: list[WorkspaceFiles]
) -> None:
    for name in ("z.py", "m.py", "a/x/deep.py", "b/shallow.py", "c/x/deep.py"):
        write(tmp_path / name)
    workspace = scanned(made, tmp_path, max_files=3)
    assert names(workspace, tmp_path) == {"m.py", "z.py", "b/shallow.py"}  # by depth, then by name
    assert workspace.skipped["file limit"] == 2
    workspace.disk_changed(write(tmp_path / "new.py"))
    assert len(workspace.texts()) == 3


def test_the_total_bytes_are_bounded(tmp_path: Path, made: list[WorkspaceFiles]) -> None:
    for index in range(10):
        write(tmp_path / f"f{index}.py", "#" * 99 + "\n")
    workspace = scanned(made, tmp_path, max_total_bytes=250)
    assert names(workspace, tmp_path) == {"f0.py", "f1.py"}
    assert workspace.skipped["total bytes"] == 8
    assert sum(len(text) for text in workspace.texts().values()) <= 250


def test_a_huge_tree_stops_at_the_entry_limit(tmp_path: Path, made: list[WorkspaceFiles]) -> None:
    for folder in range(30):
        (tmp_path / f"d{folder:02}").mkdir()
        for index in range(100):
            os.close(os.open(tmp_path / f"d{folder:02}" / f"f{index:03}.py", os.O_CREAT | os.O_WRONLY))
    began = time.monotonic()
    workspace = scanned(made, tmp_path, max_entries=500)
    assert time.monotonic() - began < 5.0
    assert workspace.skipped["entry limit"] == 1
    assert 0 < len(workspace.texts()) < 500
    again = scanned(made, tmp_path, max_entries=500)
    assert again.texts() == workspace.texts()  # the same files make it under the bound


def test_unreadable_files_and_folders_are_skipped(tmp_path: Path, made: list[WorkspaceFiles]) -> None:
    write(tmp_path / "ok.py")
    locked = write(tmp_path / "locked" / "x.py", "locked = 1\n").parent
    unreadable = write(tmp_path / "unreadable.py", "u = 1\n")
    (tmp_path / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    locked.chmod(0)
    unreadable.chmod(0)
    try:
        enforced = not os.access(locked, os.R_OK)  # root reads anything
        workspace = scanned(made, tmp_path, tmp_path / "does-not-exist")
        found = names(workspace, tmp_path)
        assert "ok.py" in found
        if enforced:
            assert found == {"ok.py"}
            assert workspace.skipped["unreadable"] == 2
    finally:
        locked.chmod(0o755)
        unreadable.chmod(0o644)
    assert workspace.skipped["missing"] == 1


def test_an_open_document_wins_over_the_disk(tmp_path: Path, made: list[WorkspaceFiles]) -> None:
    path = write(tmp_path / "doc.py", "on_disk = 1\n")
    workspace = WorkspaceFiles([tmp_path])
    made.append(workspace)
    workspace.opened(path, "in_editor = 1\r\n")  # before the scan, which must not overwrite it
    workspace.start()
    assert workspace.wait(10.0)
    key = path.resolve()
    assert workspace.texts() == {key: "in_editor = 1\n"}
    write(path, "saved = 1\n")
    workspace.disk_changed(path)
    assert workspace.texts()[key] == "in_editor = 1\n"
    path.unlink()
    workspace.deleted(path)
    assert workspace.texts()[key] == "in_editor = 1\n"
    write(path, "back = 1\n")
    workspace.closed(path)
    assert workspace.texts()[key] == "back = 1\n"
    path.unlink()
    workspace.opened(path, "unsaved = 1\n")
    workspace.closed(path)
    assert key not in workspace.texts()


def test_events_change_the_texts_and_the_version(tmp_path: Path, made: list[WorkspaceFiles]) -> None:
    path = write(tmp_path / "a.py", "a = 1\n")
    workspace = scanned(made, tmp_path)
    key = path.resolve()
    version = workspace.version
    workspace.disk_changed(path)  # unchanged
    assert workspace.version == version
    write(path, "a = 2\n")
    workspace.disk_changed(path)
    assert workspace.texts()[key] == "a = 2\n"
    assert workspace.version > version
    version = workspace.version
    created = write(tmp_path / "new" / "b.py", "b = 1\n")
    workspace.disk_changed(created)
    assert workspace.texts()[created.resolve()] == "b = 1\n"
    assert workspace.version > version
    version = workspace.version
    workspace.opened(path, "a = 3\n")
    assert workspace.version > version
    version = workspace.version
    workspace.opened(path, "a = 3\n")  # the same text
    assert workspace.version == version
    snapshot = workspace.texts()
    snapshot.clear()
    assert workspace.texts()
    path.unlink()
    workspace.closed(path)
    assert key not in workspace.texts()
    created.unlink()
    workspace.deleted(created)
    assert workspace.texts() == {}
    assert workspace.version > version


def test_close_stops_a_scan_promptly(tmp_path: Path, made: list[WorkspaceFiles]) -> None:
    seed = write(tmp_path / "seed.py", "")
    for folder in range(10):
        (tmp_path / f"d{folder}").mkdir()
        for index in range(2_000):
            os.link(seed, tmp_path / f"d{folder}" / f"f{index:04}.py")
    began = time.monotonic()
    scanned(made, tmp_path)
    full_scan = time.monotonic() - began
    workspace = WorkspaceFiles([tmp_path])
    workspace.start()
    workspace.start()  # harmless
    began = time.monotonic()
    workspace.close()
    assert time.monotonic() - began < full_scan / 4
    assert not workspace.wait(0.0)
    assert workspace.texts() == {}
    assert not any(thread.name == "inkling-workspace" for thread in threading.enumerate())


def test_the_scan_logs_one_line_per_reason(
    tmp_path: Path, made: list[WorkspaceFiles], caplog: pytest.LogCaptureFixture
) -> None:
    for index in range(20):
        write(tmp_path / f"bad{index}.py", b"\xff\xfe\xfd")
    with caplog.at_level(logging.INFO, logger="inkling.context"):
        workspace = scanned(made, tmp_path)
    assert workspace.skipped["not utf-8"] == 20
    assert len([r for r in caplog.records if "not utf-8" in r.getMessage()]) == 1


def test_a_known_file_with_its_size_and_time_unchanged_is_not_read(
    tmp_path: Path, made: list[WorkspaceFiles]
) -> None:
    hour_ago = time.time_ns() - 3600 * 10**9
    for name in ("same.py", "touched.py"):
        os.utime(write(tmp_path / name, "x = 1\n"), ns=(hour_ago, hour_ago))
    first = scanned(made, tmp_path).disk_texts()
    assert first[(tmp_path / "same.py").resolve()] == ("x = 1\n", 6, hour_ago)
    known = {path: disk._replace(text="known = 2\n") for path, disk in first.items()}  # tells them apart
    os.utime(tmp_path / "touched.py", ns=(hour_ago + 1, hour_ago + 1))
    workspace = WorkspaceFiles([tmp_path])
    made.append(workspace)
    workspace.start(known)
    assert workspace.wait(10.0)
    texts = workspace.texts()
    assert texts[(tmp_path / "same.py").resolve()] == "known = 2\n"  # taken unread
    assert texts[(tmp_path / "touched.py").resolve()] == "x = 1\n"  # read: its time changed
    assert workspace.unread == 1
