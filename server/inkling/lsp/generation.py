"""The generating commands and the code actions that offer them: code from a comment or a function's body,
a generated docstring, a unit-test scaffold."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls import uris
from pygls.exceptions import JsonRpcInvalidParams
from pygls.workspace import TextDocument

from inkling.completion import scaffold
from inkling.completion.generate import COMMENT, DEF, find_target
from inkling.completion.scheduler import Cancelled
from inkling.completion.summary import MAX_PARSE_CHARS
from inkling.completion.types import Change, Request
from inkling.lsp.convert import Text, clean, document_text, workspace_edit
from inkling.lsp.instance import InklingServer
from inkling.style.edit import Edit, minimal_edit

GENERATE_CODE = "inkling.generateCode"
INSERT_DOCSTRING = "inkling.insertDocstring"
GENERATE_TEST = "inkling.generateTest"


def parse_position(ls: InklingServer, args: tuple[Any, ...]) -> tuple[Text, int | None, int]:
    """[uri, position] → the open document's text as the engine reads it, its version and the offset;
    JsonRpcInvalidParams (-32602) for anything else."""
    if len(args) != 2 or not isinstance(args[0], str) or not isinstance(args[1], dict):
        raise JsonRpcInvalidParams(f"expected a document URI and a position, got {list(args)!r}")
    uri, position = args
    if uri not in ls.workspace.text_documents:
        raise JsonRpcInvalidParams(f"{uri} is not open")
    line, character = position.get("line"), position.get("character")
    if not isinstance(line, int) or not isinstance(character, int) or line < 0 or character < 0:
        raise JsonRpcInvalidParams(f"not a position: {position!r}")
    document = ls.workspace.get_text_document(uri)
    text = document_text(document)
    return text, document.version, text.offset(types.Position(line, character))


def actions(document: TextDocument, line: int) -> list[types.CodeAction]:
    """The generating actions that apply on `line`: decided from its text, so offering them is cheap (none in
    a file over MAX_PARSE_CHARS, where the commands would refuse)."""
    source = document.source
    if len(source) > MAX_PARSE_CHARS:
        return []
    lines = source.split("\n")
    text = lines[line].rstrip("\r") if 0 <= line < len(lines) else ""
    where = [document.uri, {"line": line, "character": 0}]

    def action(title: str, command: str) -> types.CodeAction:
        return types.CodeAction(
            title,
            kind=types.CodeActionKind.RefactorRewrite,
            command=types.Command(title, command, arguments=where),
        )

    found: list[types.CodeAction] = []
    if COMMENT.match(text):
        found.append(action("Generate code from comment", GENERATE_CODE))
    elif DEF.match(text):
        if find_target(clean(source), line) is not None:
            found.append(action("Complete function body", GENERATE_CODE))
        found.append(action("Insert generated docstring", INSERT_DOCSTRING))
        found.append(action("Generate unit test scaffold", GENERATE_TEST))
    return found


async def apply(
    ls: InklingServer, text: Text, version: int | None, change: Change, label: str
) -> dict[str, Any]:
    """Send the change's edit for this version of the document; say why when there is none."""
    if change.edit is None:
        message = f"{label}: {change.reason}"
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Warning, message))
        return {"applied": False, "reason": change.reason}
    answer = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(workspace_edit(text, version, change.edit), label=label)
    )
    inserted = text.restore(change.edit.text)
    return {"applied": answer.applied, "reason": answer.failure_reason or "", "text": inserted}


async def _at_cursor(
    ls: InklingServer, args: tuple[Any, ...], work: Callable[[Request, Cancelled], Change], label: str
) -> dict[str, Any]:
    """Run an engine command at [uri, position] on the model thread and apply what it computed."""
    text, version, offset = parse_position(ls, args)
    request = Request(text.source[:offset], text.source[offset:], f"{text.uri}#command")
    change = await ls.engine.command(request, work, Change(None, "cancelled"))
    return await apply(ls, text, version, change, label)


async def generate_code(ls: InklingServer, *args: Any) -> dict[str, Any]:
    """Arguments: a document URI and a position on a comment line (the code it asks for) or on a `def`
    line whose body is empty, `...` or `pass` (the body)."""
    return await _at_cursor(ls, args, ls.engine.generator.code_at, "Generate code")


async def insert_docstring(ls: InklingServer, *args: Any) -> dict[str, Any]:
    """Arguments: a document URI and a position on a function's `def` line."""
    return await _at_cursor(ls, args, ls.engine.docstring_at, "Insert generated docstring")


def _root(ls: InklingServer, path: Path) -> Path:
    """The workspace folder that holds `path` (the deepest), else the file's own folder."""
    folders = [Path(uris.to_fs_path(f.uri) or "") for f in ls.workspace.folders.values()]
    holding = [f for f in folders if f.parts and path.is_relative_to(f)]
    return max(holding, key=lambda f: len(f.parts)) if holding else path.parent


async def generate_test(ls: InklingServer, *args: Any) -> dict[str, Any]:
    """Arguments: a document URI and a position on a function's `def` line. A pytest test for that function,
    added to `tests/test_<module>.py` (created if missing)."""
    text, version, offset = parse_position(ls, args)
    path = Path(uris.to_fs_path(text.uri) or "")
    if not text.uri.startswith("file:"):
        raise JsonRpcInvalidParams(f"{text.uri} is not a file on disk")
    plan = await asyncio.to_thread(scaffold.plan, text.source, offset, path, _root(ls, path))
    if plan is None:
        change = Change(None, "no importable function on this line")
        return await apply(ls, text, version, change, "Test scaffold")
    test_uri = uris.from_fs_path(str(plan.test_path)) or plan.test_path.as_uri()
    open_test = ls.workspace.text_documents.get(test_uri)
    raw = open_test.source if open_test is not None else _read(plan.test_path)
    existing = None if raw is None else Text.of(test_uri, raw)
    request = Request(text.source[:offset], text.source[offset:], f"{test_uri}#command")

    def work(_: Request, cancelled: Cancelled) -> scaffold.Scaffold:
        old = None if existing is None else existing.source
        return ls.engine.generator.scaffold(plan, old, request.document, cancelled)

    built = await ls.engine.command(request, work, None)
    if built is None:
        return {"applied": False, "reason": "cancelled"}
    test_version = None if open_test is None else open_test.version
    edit = _file_edit(test_uri, test_version, existing, built.text, text.eol)
    answer = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit, label="Generate unit test scaffold")
    )
    if answer.applied:
        try:
            await ls.window_show_document_async(types.ShowDocumentParams(test_uri, take_focus=True))
        except Exception:  # a client without window/showDocument still has the file
            logging.getLogger("inkling.server").info("the client cannot show %s", test_uri)
    return {
        "applied": answer.applied,
        "reason": answer.failure_reason or "",
        "uri": test_uri,
        "created": existing is None,
        "generatedAssertions": built.generated,
    }


def _read(path: Path) -> str | None:
    """The test file's text, None when it does not exist; ValueError when it cannot be read as text."""
    if not path.exists():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from exc


def _file_edit(
    uri: str, version: int | None, existing: Text | None, text: str, eol: str
) -> types.WorkspaceEdit:
    """Create the file with `text` (LF line ends; the module's `eol` restored in it), or change it into
    `text` (versioned when the editor has it open; the test file's own line ends restored)."""
    if existing is None:
        create = types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True))
        start = types.Position(0, 0)
        insert = types.TextEdit(types.Range(start, start), text.replace("\n", eol) if eol != "\n" else text)
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None)
        return types.WorkspaceEdit(document_changes=[create, types.TextDocumentEdit(identifier, [insert])])
    edit = minimal_edit(existing.source, text) or Edit(len(existing.source), len(existing.source), "")
    return workspace_edit(existing, version, edit)


def register(server: InklingServer) -> None:
    server.command(GENERATE_CODE)(generate_code)
    server.command(INSERT_DOCSTRING)(insert_docstring)
    server.command(GENERATE_TEST)(generate_test)
