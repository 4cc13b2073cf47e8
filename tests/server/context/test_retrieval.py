"""Retrieval over the workspace: the window most like the code before the cursor, not the cursor's own code the
model reads already; the rests of project lines that start as the cursor's; an unchanged file is not cut again; an
index restored from its cuts answers as the one they came from."""

from __future__ import annotations

from pathlib import Path

from inkling.context.retrieval import MAX_LINE_MATCHES, RetrievalConfig, Retriever

FILLER = "".join(f"value_{i} = compute_{i}(data)\n" for i in range(40))
BILLING = (
    FILLER
    + "def charge(invoice, gateway):\n    receipt = gateway.capture(invoice.amount, invoice.currency)\n"
)
TEXTS = {
    Path("/ws/billing.py"): BILLING,
    Path("/ws/other.py"): FILLER.replace("compute", "render"),
    Path("/ws/cursor.py"): "def refund(invoice, gateway):\n    receipt = ",
    # More of the project: words found in a tenth of its windows or more weigh nothing.
    **{Path(f"/ws/module_{k}.py"): FILLER.replace("compute", f"step_{k}") for k in range(10)},
}


def test_the_window_like_the_cursors_code_is_found_with_what_follows_it() -> None:
    retriever = Retriever(TEXTS)
    prefix = TEXTS[Path("/ws/cursor.py")]
    found = retriever.search(prefix, 3, here=Path("/ws/cursor.py"))
    assert found and found[0].path == Path("/ws/billing.py")
    assert "gateway.capture(invoice.amount" in found[0].text
    assert all(
        w.path != Path("/ws/cursor.py") for w in found
    )  # its own code, before the cursor, is read already


def test_lines_that_start_as_the_cursors_line() -> None:
    texts = {
        Path("/a.py"): "x = load(path)\nx = load(path)\nx = loads(text)\nx = 1\n",
        Path("/b.py"): "x = load(path)\n",
    }
    retriever = Retriever(texts)
    assert retriever.lines_starting("x = lo", 8) == ["ad(path)", "ads(text)"]  # the most frequent first
    assert retriever.lines_starting("x = lo", 1) == ["ad(path)"]
    assert retriever.lines_starting("   ", 8) == []
    common = {Path("/c.py"): "".join(f"x = {i}\n" for i in range(MAX_LINE_MATCHES + 1))}
    assert Retriever(common).lines_starting("x = ", 8) == []  # says too little


def test_an_unchanged_file_is_not_cut_again() -> None:
    first = Retriever(TEXTS)
    changed = {**TEXTS, Path("/ws/other.py"): TEXTS[Path("/ws/other.py")] + "extra = 1\n"}
    second = Retriever(changed, reuse=first)
    assert second._files[Path("/ws/billing.py")] is first._files[Path("/ws/billing.py")]
    assert second._files[Path("/ws/other.py")] is not first._files[Path("/ws/other.py")]
    assert second.cut_files == 1


def test_an_index_restored_from_cuts_answers_as_the_one_they_came_from() -> None:
    first = Retriever(TEXTS)
    restored = Retriever.restored(first.cuts, first.words, RetrievalConfig())
    prefix = TEXTS[Path("/ws/cursor.py")]
    assert restored.search(prefix, 3, here=Path("/ws/cursor.py")) == first.search(
        prefix, 3, here=Path("/ws/cursor.py")
    )
    assert restored.lines_starting("value_1", 5) == first.lines_starting("value_1", 5)
    assert restored.holds(TEXTS) and not restored.holds({**TEXTS, Path("/ws/new.py"): "x = 1\n"})
    assert Retriever(TEXTS, reuse=restored).cut_files == 0
