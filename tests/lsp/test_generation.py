"""The generating commands over LSP with the shipped model: offered as code actions on the lines they fit,
each sends an edit that leaves valid Python and touches nothing else; bad arguments get an error."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from tests.lsp.session import Client, apply_edit, only_edit, run, serve

URI = "file:///tmp/generate.py"
SOURCE = """import os


# return the sum of two numbers


def size(path):
    ...


def total(paths):
    result = 0
    for path in paths:
        result += size(path)
    return result
"""


async def _titles(client: Client, uri: str, line: int) -> list[str]:
    at = types.Range(types.Position(line, 0), types.Position(line, 0))
    params = types.CodeActionParams(
        types.TextDocumentIdentifier(uri), at, types.CodeActionContext(diagnostics=[], only=["refactor"])
    )
    return [action.title for action in await client.text_document_code_action_async(params) or []]


async def _execute(client: Client, command: str, line: int, uri: str = URI) -> Any:
    arguments = [uri, {"line": line, "character": 2}]
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command, arguments))


def test_actions_are_offered_where_they_fit() -> None:
    async def session() -> None:
        async with serve() as client:
            client.open(URI, SOURCE)
            assert await _titles(client, URI, 3) == ["Generate code from comment"]
            assert await _titles(client, URI, 6) == [
                "Complete function body",
                "Insert generated docstring",
                "Generate unit test scaffold",
            ]
            assert await _titles(client, URI, 10) == [
                "Insert generated docstring",
                "Generate unit test scaffold",
            ]
            assert await _titles(client, URI, 0) == []

    run(session())


def test_code_from_a_comment_goes_below_it() -> None:
    async def session() -> None:
        async with serve() as client:
            client.open(URI, SOURCE)
            answer = await _execute(client, "inkling.generateCode", 3)
            assert answer["applied"] is True, answer
            edit, version = only_edit(client)
            assert version == 1
            assert edit.range.start == edit.range.end == types.Position(4, 0)  # right below the comment
            after = apply_edit(SOURCE, edit)
            ast.parse(after)
            assert after.startswith(SOURCE[: SOURCE.index("\n\n\ndef size")])
            assert after.endswith(SOURCE[SOURCE.index("\n\ndef size") :])
            assert answer["text"].strip() and answer["text"] == edit.new_text

    run(session())


def test_a_stub_body_is_replaced_by_a_generated_one() -> None:
    async def session() -> None:
        async with serve() as client:
            client.open(URI, SOURCE)
            answer = await _execute(client, "inkling.generateCode", 6)
            assert answer["applied"] is True, answer
            edit, _ = only_edit(client)
            after = apply_edit(SOURCE, edit)
            function = next(
                n for n in ast.parse(after).body if isinstance(n, ast.FunctionDef) and n.name == "size"
            )
            assert not (
                isinstance(function.body[0], ast.Expr) and function.body[0].value == ast.Constant(...)
            )
            assert "    ...\n" not in after.split("def total")[0]
            assert after.endswith(SOURCE[SOURCE.index("\n\ndef total") :])

            client.edits.clear()  # a function that has a body is not rewritten
            answer = await _execute(client, "inkling.generateCode", 10)
            assert answer["applied"] is False and "comment" in answer["reason"]
            assert client.edits == []

    run(session())


def test_a_generated_docstring_is_inserted_in_the_files_quotes() -> None:
    source = "def total(paths):\n    result = 0\n    for path in paths:\n        result += len(path)\n    return result\n\n\nX = '''q'''\nY = '''r'''\n"

    async def session() -> None:
        async with serve() as client:
            client.open(URI, source)
            answer = await _execute(client, "inkling.insertDocstring", 0)
            assert answer["applied"] is True, answer
            edit, _ = only_edit(client)
            after = apply_edit(source, edit)
            function = ast.parse(after).body[0]
            assert isinstance(function, ast.FunctionDef)
            docstring = ast.get_docstring(function)
            assert docstring and docstring.endswith((".", "!", "?"))
            assert after.splitlines()[1].startswith("    '''")  # the file writes ''' strings
            assert after.replace(after.splitlines(keepends=True)[1], "", 1) == source

            client.open("file:///tmp/documented.py", 'def f():\n    """Done."""\n    return 1\n')
            answer = await _execute(client, "inkling.insertDocstring", 0, "file:///tmp/documented.py")
            assert answer["applied"] is False and "docstring already" in answer["reason"]
            await client.logged("Insert generated docstring: the function has a docstring already")

    run(session())


def test_a_test_scaffold_creates_the_test_file(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    module = package / "mathutil.py"
    source = "def add(a: int, b: int) -> int:\n    return a + b\n"
    module.write_text(source)

    async def session() -> None:
        async with serve(folder=tmp_path) as client:
            client.open(module.as_uri(), source)
            answer = await _execute(client, "inkling.generateTest", 0, module.as_uri())
            assert answer["applied"] is True and answer["created"] is True, answer
            test_uri = (tmp_path / "tests" / "test_mathutil.py").as_uri()
            assert answer["uri"] == test_uri
            (params,) = client.edits
            create, change = params.edit.document_changes or []
            assert isinstance(create, types.CreateFile) and create.uri == test_uri
            assert isinstance(change, types.TextDocumentEdit) and change.text_document.uri == test_uri
            text = change.edits[0].new_text
            tree = ast.parse(text)
            assert "from pkg.mathutil import add" in text
            (test,) = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
            assert test.name == "test_add" and "result = add(" in text and "assert " in text
            assert client.shown == [test_uri]

    run(session())


def test_bad_arguments_get_an_error() -> None:
    async def session() -> None:
        async with serve() as client:
            client.open(URI, SOURCE)
            for command in ("inkling.generateCode", "inkling.insertDocstring", "inkling.generateTest"):
                for arguments in (
                    [],
                    [URI],
                    ["file:///never/opened.py", {"line": 0, "character": 0}],
                    [URI, {"line": -1, "character": 0}],
                ):
                    with pytest.raises(JsonRpcInvalidParams):
                        await client.workspace_execute_command_async(
                            types.ExecuteCommandParams(command, arguments)
                        )
            answer = await _execute(client, "inkling.insertDocstring", 1)  # a blank line: said, not raised
            assert answer["applied"] is False and "no function" in answer["reason"]

    run(session())
