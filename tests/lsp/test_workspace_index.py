"""The workspace as context: a line written in another file of the project is offered where the model alone
offers something else; an open document's editor text wins over its file on disk; a deleted file leaves the
index; a restart reloads the index saved on disk, and rebuilds a corrupt one."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from tests.lsp.session import Client, run, serve

HELPERS = "def normalise_invoice_total(amount):\n    return round(amount * 1.2, 2)\n"
REPORT = (
    "from helpers import normalise_invoice_total\n\n\n"
    "def report(record):\n"
    "    total = normalise_invoice_total(record.amount_due_in_cents)\n"
    "    return total\n"
)
DOC = "from helpers import normalise_invoice_total\n\n\ndef summarise(record):\n    total = normalise_invoice_total("
LINE, CHARACTER = 4, len("    total = normalise_invoice_total(")
WANTED = "record.amount_due_in_cents)"


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The servers' cache folder (where the index is saved): the test's own."""
    monkeypatch.setenv("INKLING_CACHE_DIR", str(tmp_path / "cache"))
    yield tmp_path / "cache"


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "helpers.py").write_text(HELPERS)
    (root / "report.py").write_text(REPORT)
    (root / "summary.py").write_text(DOC)
    return root


async def _workspace(client: Client, timeout: float = 30) -> dict[str, Any]:
    """modelInfo's `workspace` once the index is built for the files as they are now."""
    deadline = time.monotonic() + timeout
    while True:
        params = types.ExecuteCommandParams("inkling.modelInfo", [])
        info = await client.workspace_execute_command_async(params)
        workspace: dict[str, Any] = info.get("workspace") or {}
        if workspace.get("built") or time.monotonic() > deadline:
            return workspace
        await asyncio.sleep(0.2)


def _suggest(root: Path, options: dict[str, Any], before: Any = None) -> tuple[str | None, dict[str, Any]]:
    async def session() -> tuple[str | None, dict[str, Any]]:
        async with serve(options, folder=root) as client:
            if before is not None:
                before(client)
            uri = (root / "summary.py").as_uri()
            client.open(uri, DOC)
            await asyncio.sleep(0.1)
            indexing = options.get("workspaceIndex", True)  # else there is no index to wait for
            workspace = await _workspace(client) if indexing else {}
            return await client.inline_text(uri, LINE, CHARACTER), workspace

    return run(session())  # type: ignore[no-any-return]


def test_a_line_of_another_file_is_offered_where_the_model_alone_offers_another(tmp_path: Path) -> None:
    root = _project(tmp_path)
    alone, _ = _suggest(root, {"workspaceIndex": False})
    assert alone != WANTED
    found, workspace = _suggest(root, {})
    assert found == WANTED
    assert workspace["files"] == 3 and workspace["built"]


def test_the_editors_text_wins_over_the_disk(tmp_path: Path) -> None:
    root = _project(tmp_path)
    report = root / "report.py"

    def edited_in_the_editor(client: Client) -> None:  # unsaved: the disk still has the old line
        client.open(report.as_uri(), REPORT.replace("amount_due_in_cents", "balance_after_credit_notes"))

    found, _ = _suggest(root, {}, edited_in_the_editor)
    assert found == "record.balance_after_credit_notes)"


def test_a_deleted_file_leaves_the_index(tmp_path: Path) -> None:
    root = _project(tmp_path)
    report = root / "report.py"

    async def session() -> list[tuple[str | None, dict[str, Any]]]:
        async with serve({}, folder=root) as client:
            uri = (root / "summary.py").as_uri()
            client.open(uri, DOC)
            await asyncio.sleep(0.1)
            indexed = await _workspace(client)
            answers = [(await client.inline_text(uri, LINE, CHARACTER), indexed)]
            report.unlink()
            event = types.FileEvent(report.as_uri(), types.FileChangeType.Deleted)
            client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([event]))
            await asyncio.sleep(0.1)
            workspace = await _workspace(client)
            answers.append((await client.inline_text(uri, LINE, CHARACTER), workspace))
            return answers

    (before, indexed), (after, reindexed) = run(session())
    assert before == WANTED and indexed["files"] == 3
    assert after != WANTED and reindexed["files"] == 2


def test_a_restart_reloads_the_saved_index_and_rebuilds_a_corrupt_one(tmp_path: Path, cache: Path) -> None:
    root = _project(tmp_path)
    hour_ago = time.time_ns() - 3600 * 10**9
    for path in root.iterdir():  # files changed just now are not vouched for by their time: these are older
        os.utime(path, ns=(hour_ago, hour_ago))

    async def session() -> tuple[str | None, dict[str, Any]]:
        async with serve({}, folder=root) as client:
            uri = (root / "summary.py").as_uri()
            client.open(uri, DOC)
            workspace = await _workspace(client)
            deadline = time.monotonic() + 30
            while not list(cache.glob("index/*.npz")) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            return await client.inline_text(uri, LINE, CHARACTER), workspace

    found, first = run(session())
    assert found == WANTED and first["restored"] == 0 and first["cut"] == 3
    (saved,) = cache.glob("index/*.npz")
    found, again = run(session())
    assert found == WANTED and again["restored"] == 3 and again["cut"] == 0 and again["files"] == 3
    saved.write_bytes(saved.read_bytes()[:100])  # truncated
    found, rebuilt = run(session())
    assert found == WANTED and rebuilt["restored"] == 0 and rebuilt["cut"] == 3
