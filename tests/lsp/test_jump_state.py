"""Whole-file state through the real server: after edits in the middle of a long file, whatever the background
feeding has reached, a suggestion is one computed afresh for the edited text (from the file's start, or from
the window while the feeding has not got there), never one from states of the old text; a request right after
didOpen is answered."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from tests.lsp.session import MODEL, run, serve

from inkling.completion.engine import Engine
from inkling.completion.types import Request
from inkling.settings import Settings

URI = "file:///tmp/parsing.py"
LINES = Path(argparse.__file__).read_text(encoding="utf-8").split("\n")  # 2,600 lines
EDIT_LINE = len(LINES) // 2
# Far below the edit (so its state depends on it): a line that returns, cut after `return ` (the first such
# line: there the whole file and the window give the shipped model two different suggestions, so the test can
# tell them apart).
ASK_LINE = next(i for i in range(EDIT_LINE + 40, len(LINES)) if LINES[i].startswith("        return "))
COLUMN = len("        return ")
LINES[ASK_LINE] = LINES[ASK_LINE][:COLUMN]
TEXT = "\n".join(LINES)
INSERTED = "        total = 0\n"
OPTIONS = {"constrainMembers": False}


def _after_edits(options: dict[str, object], pause: float) -> list[str | None]:
    async def session() -> list[str | None]:
        async with serve({**OPTIONS, **options}) as client:
            client.open(URI, TEXT)
            first = await client.inline_text(URI, ASK_LINE, COLUMN)  # right after didOpen
            await asyncio.sleep(pause)
            for i, line in enumerate(INSERTED.splitlines(keepends=True)):
                client.insert(URI, EDIT_LINE + i, 0, line)
            await asyncio.sleep(pause)
            later = await client.inline_text(URI, ASK_LINE + 1, COLUMN)
            return [first, later]

    return run(session())  # type: ignore[no-any-return]


def _expected() -> set[str | None]:
    """The answers for the edited text: read from the file's start (fed whole first), and from the window."""
    edited = "\n".join([*LINES[:EDIT_LINE], INSERTED.rstrip("\n"), *LINES[EDIT_LINE:]])
    offset = sum(len(line) + 1 for line in edited.split("\n")[: ASK_LINE + 1]) + COLUMN
    request = Request(edited[:offset], edited[offset:], URI)
    answers = set()
    for whole in (True, False):
        engine = Engine(MODEL, Settings(whole_file_state=whole, constrain_members=False))
        engine.runtime.warm(URI, edited, lambda: False)
        suggestion = engine.suggest(request)
        answers.add(None if suggestion is None else suggestion.text)
    return answers


def test_after_an_edit_in_the_middle_the_answer_is_one_for_the_new_text() -> None:
    expected = _expected()
    assert None not in expected and len(expected) == 2
    for pause in (0.0, 2.0):  # feeding interrupted by the request, and feeding well under way
        first, later = _after_edits({"wholeFileState": True}, pause)
        assert first is not None  # answered straight after didOpen, from the window
        assert later in expected  # never from states of the text before the edit
