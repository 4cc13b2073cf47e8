"""The workspace as context: a line written in another file of the project is offered where the model alone
offers something else; an open document's editor text wins over its file on disk; a deleted file leaves the
index."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

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
            workspace = await _workspace(client)
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
