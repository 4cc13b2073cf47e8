"""Train on This Workspace over LSP: cancellable progress, then the server uses the fine-tuned model; a
cancelled training leaves the current model in place."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from tests.conftest import STDLIB
from tests.lsp.session import Client, run, serve

COMMAND = "inkling.trainWorkspace"


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the server's child writes there
    folder = tmp_path / "project"
    shutil.copytree(STDLIB / "asyncio", folder / "asyncio", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def _values(client: Client, kind: str) -> list[dict[str, Any]]:
    """The $/progress values of one kind (they arrive as plain JSON)."""
    return [p.value for p in client.progress if isinstance(p.value, dict) and p.value.get("kind") == kind]


async def _model_path(client: Client) -> str:
    info = await client.workspace_execute_command_async(types.ExecuteCommandParams("inkling.modelInfo", []))
    return str(info["path"])


def test_training_reports_progress_and_switches_model(tiny_model: Path, workspace: Path) -> None:
    async def session() -> None:
        async with serve(model=tiny_model) as client:
            answer = await client.workspace_execute_command_async(
                types.ExecuteCommandParams(COMMAND, [workspace.as_uri(), 0.15])
            )
            assert answer["status"] == "trained", answer
            assert answer["lossAfter"] < answer["lossBefore"]
            assert answer["files"] > 10 and answer["heldOut"] >= 1
            (begin,) = _values(client, "begin")
            assert begin["cancellable"] is True
            assert _values(client, "report") and len(_values(client, "end")) == 1
            assert "now using the new model" in _values(client, "end")[0]["message"]
            assert await _model_path(client) == answer["model"] != str(tiny_model)
            client.open("file:///tmp/t.py", "import asyncio\n\n\nasync def main():\n    await asyncio.")
            await client.inline("file:///tmp/t.py", 4, 18)  # the new model answers (a failure would raise)

    run(session(), timeout=240)


def test_cancelling_keeps_the_current_model(tiny_model: Path, workspace: Path) -> None:
    async def session() -> None:
        async with serve(model=tiny_model) as client:
            request = asyncio.ensure_future(
                client.workspace_execute_command_async(
                    types.ExecuteCommandParams(COMMAND, [str(workspace), 2])
                )
            )
            async with asyncio.timeout(120):
                while not _values(client, "report"):  # training has started
                    await asyncio.sleep(0.1)
            token = client.progress[0].token
            client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token))
            answer = await request
            assert answer["status"] == "cancelled"
            assert await _model_path(client) == str(tiny_model)

    run(session(), timeout=240)


def test_bad_arguments_are_errors(tiny_model: Path, tmp_path: Path) -> None:
    async def session() -> None:
        async with serve(model=tiny_model) as client:
            for arguments in ([], [str(tmp_path / "missing")], [str(tmp_path), -1], [str(tmp_path), "5"]):
                with pytest.raises(JsonRpcException):
                    await client.workspace_execute_command_async(
                        types.ExecuteCommandParams(COMMAND, arguments)
                    )
            answer = await client.workspace_execute_command_async(
                types.ExecuteCommandParams(COMMAND, [str(tmp_path)])  # an empty folder: a clear failure
            )
            assert answer["status"] == "failed" and "no .py file" in answer["message"].lower()

    run(session(), timeout=120)
