"""The safety pass hides the newer checks too: shell=1, __import__("os").system, torch.load, np.load pickles."""

from __future__ import annotations

import pytest

from inkling.completion.postprocess import Context, run

CURSOR = "▮"


def at(document: str) -> Context:
    prefix, suffix = document.split(CURSOR)
    return Context(prefix, suffix, "line")


@pytest.mark.parametrize(
    ("document", "text"),
    [
        ("def f(cmd):\n    subprocess.run(▮\n", "cmd, shell=1)"),
        ("def f(cmd):\n    ▮\n", '__import__("os").system(cmd)'),
        ("def f(path):\n    return ▮\n", "torch.load(path)"),
        ("def f(path):\n    return ▮\n", "np.load(path, allow_pickle=True)"),
        ("ctx = ssl.create_default_context()\n▮\n", "ctx.check_hostname = False"),
    ],
)
def test_hidden(document: str, text: str) -> None:
    assert run(text, at(document)) is None


def test_the_safe_form_is_shown() -> None:
    result = run("torch.load(path, weights_only=True)", at("def f(path):\n    return ▮\n"))
    assert result is not None and result.text == "torch.load(path, weights_only=True)"
