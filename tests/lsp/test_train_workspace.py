"""Train on This Workspace over LSP: cancellable progress, then the server uses the fine-tuned model; a
cancelled, killed or repeated training leaves every model in place; folders outside the workspace are refused."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
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


async def _training_started(client: Client, workspace: Path) -> asyncio.Future[Any]:
    """A two-minute training of the workspace, once its first progress report came."""
    request = asyncio.ensure_future(
        client.workspace_execute_command_async(types.ExecuteCommandParams(COMMAND, [str(workspace), 2]))
    )
    async with asyncio.timeout(120):
        while not _values(client, "report"):
            await asyncio.sleep(0.1)
    return request


def test_training_reports_progress_and_switches_model(tiny_model: Path, workspace: Path) -> None:
    async def session() -> None:
        async with serve(model=tiny_model, folder=workspace) as client:
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


def test_training_runs_in_the_managed_environment_with_this_servers_inkling(
    tiny_model: Path, workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The extension's managed training environment (a plain virtual environment; in use it holds PyTorch only):
    with INKLING_TRAINING_PYTHON naming its interpreter, the training child runs there, and finds inkling and its
    libraries where the server does."""
    managed = tmp_path / "training-env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(managed)], check=True, timeout=120)
    (site_packages,) = managed.glob("lib/python3*/site-packages")
    ran = tmp_path / "ran-in-managed-env"
    (site_packages / "sitecustomize.py").write_text(f"open({str(ran)!r}, 'a').write('ran\\n')\n")
    monkeypatch.setenv("INKLING_TRAINING_PYTHON", str(managed / "bin" / "python"))

    async def session() -> None:
        async with serve(model=tiny_model, folder=workspace) as client:
            answer = await client.workspace_execute_command_async(
                types.ExecuteCommandParams(COMMAND, [workspace.as_uri(), 0.15])
            )
            assert answer["status"] == "trained", answer

    run(session(), timeout=240)
    assert ran.exists()  # the child started from the managed environment's interpreter


def test_cancelling_keeps_the_current_model(tiny_model: Path, workspace: Path) -> None:
    async def session() -> None:
        async with serve(model=tiny_model, folder=workspace) as client:
            request = await _training_started(client, workspace)
            with pytest.raises(JsonRpcException) as second:  # one training at a time
                await client.workspace_execute_command_async(
                    types.ExecuteCommandParams(COMMAND, [str(workspace), 2])
                )
            assert second.value.code == -32803 and "already running" in second.value.message
            token = client.progress[0].token
            client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token))
            answer = await request
            assert answer["status"] == "cancelled"
            assert await _model_path(client) == str(tiny_model)

    run(session(), timeout=240)


def test_bad_arguments_are_errors(tiny_model: Path, tmp_path: Path) -> None:
    async def session() -> None:
        async with serve(model=tiny_model, folder=tmp_path) as client:
            arguments_list: list[list[Any]] = [
                [],
                [str(tmp_path / "missing")],
                [str(tmp_path), -1],
                [str(tmp_path), "5"],
                ["relative/folder"],
            ]
            for arguments in arguments_list:
                with pytest.raises(JsonRpcInvalidParams):  # -32602, not an internal error with a traceback
                    await client.workspace_execute_command_async(
                        types.ExecuteCommandParams(COMMAND, arguments)
                    )
            answer = await client.workspace_execute_command_async(
                types.ExecuteCommandParams(COMMAND, [str(tmp_path)])  # an empty folder: a clear failure
            )
            assert answer["status"] == "failed" and "no .py file" in answer["message"].lower()

    run(session(), timeout=120)


def _load(model: Path) -> None:
    """Raises when `model` is not a complete, loadable model folder."""
    from inkling.serving.checkpoint import load_checkpoint

    load_checkpoint(model)


def test_training_twice_keeps_both_models(tiny_model: Path, workspace: Path) -> None:
    """The second training starts from the first's model, which must survive it (it is the one in use)."""

    async def session() -> None:
        async with serve(model=tiny_model, folder=workspace) as client:
            first = await client.workspace_execute_command_async(
                types.ExecuteCommandParams(COMMAND, [str(workspace), 0.1])
            )
            assert first["status"] == "trained", first
            second = await client.workspace_execute_command_async(
                types.ExecuteCommandParams(COMMAND, [str(workspace), 0.05])
            )
            assert second["status"] in ("trained", "no-improvement"), second
            current = await _model_path(client)
            assert current == (second["model"] or first["model"])
            for model in (first["model"], current):
                _load(Path(model))
            if second["model"] is not None:
                assert second["model"] != first["model"]
                assert Path(second["model"]).parent == Path(first["model"]).parent
            client.open("file:///tmp/t.py", "import asyncio\n\n\nasync def main():\n    await asyncio.")
            await client.inline("file:///tmp/t.py", 4, 18)  # the current model still answers

    run(session(), timeout=240)


def _children(pid: int) -> list[int]:
    """The ids of a process's child processes (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def test_killing_the_training_child_keeps_the_current_model(tiny_model: Path, workspace: Path) -> None:
    """kill -9 mid-run: the model in use (here in the project's cache, where earlier versions put it) stays
    loadable, and no half-trained model is left where models are published."""
    from inkling.training.finetune import default_out

    out = default_out(workspace)
    current = out / "model"
    shutil.copytree(tiny_model, current)

    async def session() -> None:
        async with serve(model=current, folder=workspace) as client:
            request = await _training_started(client, workspace)
            server = client._server  # type: ignore[attr-defined]
            (child,) = _children(server.pid)
            os.kill(child, signal.SIGKILL)
            answer = await request
            assert answer["status"] == "failed", answer
            assert await _model_path(client) == str(current)
            _load(current)
            assert not (out / "models").exists() or not any((out / "models").iterdir())  # no half model

    run(session(), timeout=240)


def _refused(client: Client, folder: str) -> asyncio.Future[Any]:
    return client.workspace_execute_command_async(types.ExecuteCommandParams(COMMAND, [folder, 0.05]))


def test_folders_outside_the_workspace_are_refused(tiny_model: Path, workspace: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    shutil.copytree(workspace / "asyncio", outside)
    (workspace / "link").symlink_to(outside, target_is_directory=True)

    async def session() -> None:
        async with serve(model=tiny_model, folder=workspace) as client:
            for folder in (
                "file:///tmp/.." + str(outside),  # `..` traversal in a URI
                str(outside),  # a plain path outside
                str(workspace / "link"),  # a symlink inside that points outside
                (workspace / "link").as_uri(),
                str(workspace / ".." / "elsewhere"),
            ):
                with pytest.raises(JsonRpcInvalidParams, match="outside the workspace"):
                    await _refused(client, folder)
            assert not client.progress  # no training started
            assert await _model_path(client) == str(tiny_model)

    run(session(), timeout=120)


def test_a_client_without_workspace_folders_is_refused(tiny_model: Path, workspace: Path) -> None:
    async def session() -> None:
        async with serve(model=tiny_model) as client:
            with pytest.raises(JsonRpcInvalidParams, match="no workspace folder"):
                await _refused(client, str(workspace))
            assert not client.progress

    run(session(), timeout=120)


def test_workspace_folders_added_later_count(tiny_model: Path, workspace: Path, tmp_path: Path) -> None:
    """workspace/didChangeWorkspaceFolders: an added folder may be trained on, a removed one no more."""
    other = tmp_path / "other"
    other.mkdir()

    async def session() -> None:
        async with serve(model=tiny_model, folder=workspace) as client:
            with pytest.raises(JsonRpcInvalidParams, match="outside the workspace"):
                await _refused(client, str(other))
            added = types.WorkspaceFolder(other.as_uri(), "other")
            removed = types.WorkspaceFolder(workspace.as_uri(), workspace.name)
            client.workspace_did_change_workspace_folders(
                types.DidChangeWorkspaceFoldersParams(types.WorkspaceFoldersChangeEvent([added], [removed]))
            )
            answer = await _refused(client, str(other))  # allowed now: an empty folder, a clear failure
            assert answer["status"] == "failed" and "no .py file" in answer["message"].lower()
            with pytest.raises(JsonRpcInvalidParams, match="outside the workspace"):
                await _refused(client, str(workspace))

    run(session(), timeout=120)
