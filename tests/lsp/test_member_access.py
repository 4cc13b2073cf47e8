"""After `expr.` the server suggests a name the receiver has (static analysis in the decoder), where the
model alone guesses one it does not; a receiver nobody can resolve leaves the model free."""

from __future__ import annotations

from lsprotocol import types
from tests.lsp.session import run, serve

URI = "file:///tmp/invoice.py"
INVOICE = (
    "class Invoice:\n"
    "    def __init__(self, customer, lines):\n"
    "        self.customer_name = customer\n"
    "        self.line_items = lines\n"
    "\n"
    "    def total(self):\n"
    "        return sum(item.price for item in self."
)
# A cold document: let jedi finish, so the test does not race it.
PATIENT = {"constrainMembers": True, "analysisBudgetMs": 5000.0}


def _suggestion(options: dict[str, object], text: str, line: int, character: int) -> str | None:
    async def session() -> str | None:
        async with serve(options) as client:
            client.open(URI, text)
            return await client.inline_text(URI, line, character)

    return run(session())  # type: ignore[no-any-return]


def test_self_dot_suggests_the_classs_own_member() -> None:
    alone = _suggestion({**PATIENT, "constrainMembers": False}, INVOICE, 6, 48)
    assert alone is not None and not alone.startswith(("customer_name", "line_items", "total")), alone
    suggestion = _suggestion(PATIENT, INVOICE, 6, 48)
    assert suggestion is not None and suggestion.startswith("line_items")


def test_a_half_typed_member_of_a_module_is_finished_with_a_real_one() -> None:
    suggestion = _suggestion(PATIENT, "import os\n\nsize = os.path.getsi", 2, 20)
    assert suggestion is not None and suggestion.startswith("ze")


def test_a_receiver_the_analysis_cannot_resolve_leaves_the_model_free() -> None:
    text = "def f(thing):\n    return undefined_thing."
    assert _suggestion(PATIENT, text, 1, 27) == _suggestion({**PATIENT, "constrainMembers": False}, text, 1, 27)


def test_the_completion_list_after_a_dot_holds_the_receivers_members_only() -> None:
    async def session() -> list[types.CompletionItem]:
        async with serve(PATIENT) as client:
            client.open(URI, INVOICE)
            params = types.CompletionParams(types.TextDocumentIdentifier(URI), types.Position(6, 48))
            answer = await client.text_document_completion_async(params)
            assert isinstance(answer, types.CompletionList)
            return answer.items

    found = run(session())
    labels = [item.label for item in found]
    members = {"customer_name", "line_items", "total"}
    assert members <= set(labels), labels
    assert labels[0] in members | {"__class__", "__init__"}, labels  # the model's pick among legal names
    assert not {"if", "for", "return", "Invoice"} & set(labels)  # keywords and other names are not members
    kinds = {item.label: item.kind for item in found}
    assert kinds["customer_name"] in (types.CompletionItemKind.Field, types.CompletionItemKind.Text)


def test_the_analysis_process_leaves_no_folder_behind() -> None:
    import tempfile
    from pathlib import Path

    def folders() -> set[Path]:
        root = Path(tempfile.gettempdir())
        return {*root.glob("inkling-jedi-*"), *root.glob("inkling-context-*")}

    before = folders()
    assert _suggestion(PATIENT, INVOICE, 6, 48) is not None  # jedi answered: its process ran
    assert folders() <= before
