"""Normalize Style over LSP: offered as code actions, done by a command that sends a versioned edit which
never touches code outside the selection."""

from __future__ import annotations

from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from tests.lsp.session import Client, apply_edit, only_edit, run, serve

URI = "file:///tmp/normalize.py"
SOURCE = "import os\ndef size( path ):\n    total=os.path.getsize( path )\n    return {'size' :total}\n"


async def _actions(client: Client, selection: types.Range, only: list[str] | None = None) -> list[Any]:
    params = types.CodeActionParams(
        types.TextDocumentIdentifier(URI), selection, types.CodeActionContext(diagnostics=[], only=only)
    )
    return list(await client.text_document_code_action_async(params) or [])


def test_the_whole_file_in_its_own_style() -> None:
    async def session() -> None:
        async with serve() as client:
            client.open(URI, SOURCE)
            cursor = types.Range(types.Position(0, 0), types.Position(0, 0))
            (action,) = await _actions(client, cursor)
            assert action.title == "Normalize style of the file"
            command = action.command
            answer = await client.workspace_execute_command_async(
                types.ExecuteCommandParams(command.command, command.arguments)
            )
            assert answer["status"] == "changed" and answer["applied"] is True
            edit, version = only_edit(client)
            assert version == 1
            assert apply_edit(SOURCE, edit) == (
                "import os\n\n\ndef size(path):\n    total = os.path.getsize(path)\n    return {'size': total}\n"
            )

    run(session())


def test_a_selection_changes_nothing_outside_it() -> None:
    async def session() -> None:
        async with serve() as client:
            client.open(URI, SOURCE)
            selection = types.Range(types.Position(2, 0), types.Position(3, 0))  # the `total=` line
            actions = await _actions(client, selection, only=["refactor"])
            assert [a.title for a in actions] == ["Normalize style of the selection"]
            command = actions[0].command
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams(command.command, command.arguments)
            )
            edit, _ = only_edit(client)
            assert apply_edit(SOURCE, edit) == SOURCE.replace(
                "total=os.path.getsize( path )", "total = os.path.getsize(path)"
            )
            assert edit.range.start.line == 2 and edit.range.end.line == 2

    run(session())


def test_broken_code_and_bad_arguments_are_reported() -> None:
    async def session() -> None:
        async with serve() as client:
            client.open(URI, "def f(:\n")
            answer = await client.workspace_execute_command_async(
                types.ExecuteCommandParams("inkling.normalizeStyle", [URI])
            )
            assert answer["status"] == "skipped" and "not valid Python" in answer["reason"]
            assert client.edits == []
            await client.logged("Normalize style: nothing changed")
            for arguments in ([], ["file:///never/opened.py"], [URI, {"start": 3}]):
                with pytest.raises(JsonRpcInvalidParams):
                    await client.workspace_execute_command_async(
                        types.ExecuteCommandParams("inkling.normalizeStyle", arguments)
                    )
            client.open("file:///tmp/ok.py", "x=1\n")
            answer = await client.workspace_execute_command_async(
                types.ExecuteCommandParams("inkling.normalizeStyle", ["file:///tmp/ok.py"])
            )
            assert answer["status"] == "changed"  # the server is still up

    run(session())
