"""The generating commands and the code actions that offer them: code from a comment or a function's body,
a generated docstring, a unit-test scaffold."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls import uris
from pygls.workspace import TextDocument

from inkling.completion import scaffold
from inkling.completion.engine import Cancelled, Change
from inkling.completion.generate import COMMENT, DEF, find_target
from inkling.completion.types import Request
from inkling.lsp.convert import workspace_edit
from inkling.style.edit import Edit, minimal_edit

if TYPE_CHECKING:
    from inkling.lsp.server import InklingServer

GENERATE_CODE = "inkling.generateCode"
INSERT_DOCSTRING = "inkling.insertDocstring"
GENERATE_TEST = "inkling.generateTest"


def parse_position(ls: InklingServer, args: tuple[Any, ...]) -> tuple[TextDocument, int]:
    """[uri, position] → the open document and the offset; ValueError for anything else."""
    if len(args) != 2 or not isinstance(args[0], str) or not isinstance(args[1], dict):
        raise ValueError(f"expected a document URI and a position, got {list(args)!r}")
    uri, position = args
    if uri not in ls.workspace.text_documents:
        raise ValueError(f"{uri} is not open")
    line, character = position.get("line"), position.get("character")
    if not isinstance(line, int) or not isinstance(character, int) or line < 0 or character < 0:
        raise ValueError(f"not a position: {position!r}")
    document = ls.workspace.get_text_document(uri)
    return document, document.offset_at_position(types.Position(line, character))


def actions(document: TextDocument, line: int) -> list[types.CodeAction]:
    """The generating actions that apply on `line`: decided from its text, so offering them is cheap."""
    lines = document.lines
    text = lines[line] if 0 <= line < len(lines) else ""
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
        if find_target(document.source, line) is not None:
            found.append(action("Complete function body", GENERATE_CODE))
        found.append(action("Insert generated docstring", INSERT_DOCSTRING))
        found.append(action("Generate unit test scaffold", GENERATE_TEST))
    return found


async def apply(ls: InklingServer, document: TextDocument, change: Change, label: str) -> dict[str, Any]:
    """Send the change's edit for this version of the document; say why when there is none."""
    if change.edit is None:
        message = f"{label}: {change.reason}"
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Warning, message))
        return {"applied": False, "reason": change.reason}
    answer = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(workspace_edit(document, change.edit), label=label)
    )
    return {"applied": answer.applied, "reason": answer.failure_reason or "", "text": change.edit.text}


async def _at_cursor(
    ls: InklingServer, args: tuple[Any, ...], work: Callable[[Request, Cancelled], Change], label: str
) -> dict[str, Any]:
    """Run an engine command at [uri, position] on the model thread and apply what it computed."""
    document, offset = parse_position(ls, args)
    request = Request(document.source[:offset], document.source[offset:], f"{document.uri}#command")
    change = await ls.engine.command(request, work, Change(None, "cancelled"))
    return await apply(ls, document, change, label)


async def generate_code(ls: InklingServer, *args: Any) -> dict[str, Any]:
    return await _at_cursor(ls, args, ls.engine.code_at, "Generate code")


async def insert_docstring(ls: InklingServer, *args: Any) -> dict[str, Any]:
    return await _at_cursor(ls, args, ls.engine.docstring_at, "Insert generated docstring")


def _root(ls: InklingServer, path: Path) -> Path:
    """The workspace folder that holds `path` (the deepest), else the file's own folder."""
    folders = [Path(uris.to_fs_path(f.uri) or "") for f in ls.workspace.folders.values()]
    holding = [f for f in folders if f.parts and path.is_relative_to(f)]
    return max(holding, key=lambda f: len(f.parts)) if holding else path.parent


async def generate_test(ls: InklingServer, *args: Any) -> dict[str, Any]:
    """A pytest test for the function on the line, added to `tests/test_<module>.py` (created if missing)."""
    document, offset = parse_position(ls, args)
    path = Path(uris.to_fs_path(document.uri) or "")
    if not document.uri.startswith("file:"):
        raise ValueError(f"{document.uri} is not a file on disk")
    plan = scaffold.plan(document.source, offset, path, _root(ls, path))
    if plan is None:
        return await apply(ls, document, Change(None, "no importable function on this line"), "Test scaffold")
    test_uri = uris.from_fs_path(str(plan.test_path)) or plan.test_path.as_uri()
    open_test = ls.workspace.text_documents.get(test_uri)
    existing = open_test.source if open_test is not None else _read(plan.test_path)
    request = Request(document.source[:offset], document.source[offset:], f"{test_uri}#command")

    def work(_: Request, cancelled: Cancelled) -> scaffold.Scaffold:
        return ls.engine.scaffold(plan, existing, request.document, cancelled)

    built = await ls.engine.command(request, work, None)
    if built is None:
        return {"applied": False, "reason": "cancelled"}
    edit = _file_edit(test_uri, open_test, existing, built.text)
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
    uri: str, open_document: TextDocument | None, existing: str | None, text: str
) -> types.WorkspaceEdit:
    """Create the file with `text`, or change it into `text` (versioned when the editor has it open)."""
    if existing is None:
        create = types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True))
        insert = types.TextEdit(types.Range(types.Position(0, 0), types.Position(0, 0)), text)
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None)
        return types.WorkspaceEdit(document_changes=[create, types.TextDocumentEdit(identifier, [insert])])
    document = open_document or TextDocument(uri, existing)
    edit = minimal_edit(existing, text) or Edit(len(existing), len(existing), "")
    return workspace_edit(document, edit)
