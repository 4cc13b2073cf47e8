"""A suggestion that uses a name the document does not have is not shown: where the shipped model's best
line reads `os.path...` in a file that never imports os, the server shows the next hypothesis instead;
with the import, the same model's `os` is shown."""

from __future__ import annotations

from tests.lsp.session import MODEL, run, serve

from inkling.completion.engine import Engine
from inkling.context.scope import analyze
from inkling.context.tokens import tokens

WITHOUT = "def abspath(path):\n    return \n"
WITH = "import os\n\n\ndef abspath(path):\n    return \n"


def _names(text: str) -> list[str]:
    return [name for name, _, _ in analyze(tokens(text)[0]).used]


def test_the_models_best_line_uses_os_without_its_import() -> None:
    engine = Engine(MODEL)
    try:
        found = engine.runtime.generate(WITHOUT[:-1], "\n", "line", engine.decode_config())
    finally:
        engine.executor.shutdown(wait=False)
    assert found and "os" in _names(found[0].text), found  # what the server must not show below


def test_a_suggestion_with_an_undefined_name_is_not_shown() -> None:
    async def session() -> tuple[str | None, str | None]:
        async with serve() as client:
            client.open("file:///tmp/inkling_names/without.py", WITHOUT)
            client.open("file:///tmp/inkling_names/with.py", WITH)
            without = await client.inline_text("file:///tmp/inkling_names/without.py", 1, 11)
            with_import = await client.inline_text("file:///tmp/inkling_names/with.py", 4, 11)
            return without, with_import

    without, with_import = run(session())
    assert without is not None, "the next hypothesis should be shown"
    assert "os" not in _names(without), without
    assert with_import is not None and _names(with_import)[:1] == ["os"], with_import
