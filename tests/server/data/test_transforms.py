"""Tests for the FIM and docstring-after-body training-text transforms."""

from __future__ import annotations

import ast
import io
import random
import tokenize
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inkling.data import transforms
from inkling.data.transforms import (
    TransformConfig,
    apply_fim,
    docstring_after_body,
    fim_spans,
    transform_document,
)
from inkling.specials import DOCSTRING, FIM_MIDDLE, FIM_PREFIX, FIM_SUFFIX

SUM = dedent(
    '''\
    def add(a, b):
        """Return the sum."""
        return a + b
    '''
)
METHODS = dedent(
    '''\
    import os


    class Greeter:
        """Says hello."""

        @property
        def name(self) -> str:
            """The name, from the environment."""
            return os.environ.get("USER", "nobody")

        async def greet(self, loud: bool = False) -> str:
            """Build a greeting.

            Shout if loud.
            """
            text = f"hello {self.name}"
            if loud:
                text = text.upper()
            return text
    '''
)
NESTED = dedent(
    '''\
    def outer(x):
        """Outer doc."""

        def inner(y):
            """Inner doc."""
            return y * 2

        return inner(x)
    '''
)
MISC = dedent(
    """\
    # Ünïcode comment: café
    from __future__ import annotations

    CONSTANT = {"naïve": 1, "b": [1, 2,
                                 3]}
    s = "é"; t = (1,
                  2)


    def tricky(s: str = "é") -> str:  # a comment
        '''Dokumentation für tricky — mit Umlauten.'''
        for ch in s:
            if ch == "x":
                break
            elif ch == "y":
                continue
        else:
            pass
        try:
            return s.strip()
        except ValueError:
            return ""
        finally:
            print("done")


    @ (lambda f: f)
    def decorated():
        return 1
    """
)
TABS = 'def f(x):\n\t"""Tab doc."""\n\tif x:\n\t\treturn 1\n\treturn 2\n'
CRLF = SUM.replace("\n", "\r\n")
SNIPPETS = [SUM, METHODS, NESTED, MISC, TABS, CRLF]
BROKEN = 'def f(:\n    """Doc."""\n    return 1\n'


def split_fim(example: str) -> tuple[str, str, str]:
    """(prefix, middle, suffix) of a PSM or SPM example."""
    if example.startswith(FIM_PREFIX):
        prefix, rest = example[len(FIM_PREFIX) :].split(FIM_SUFFIX, 1)
        suffix, middle = rest.split(FIM_MIDDLE, 1)
    else:
        assert example.startswith(FIM_SUFFIX)
        suffix, rest = example[len(FIM_SUFFIX) :].split(FIM_PREFIX, 1)
        prefix, middle = rest.split(FIM_MIDDLE, 1)
    return prefix, middle, suffix


def token_starts(text: str) -> set[int]:
    """Character offsets where a real token (not NEWLINE/NL/INDENT/DEDENT/ENDMARKER) starts."""
    line_starts = [0]
    for line in io.StringIO(text):
        line_starts.append(line_starts[-1] + len(line))
    skip = {tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    return {
        line_starts[tok.start[0] - 1] + tok.start[1]
        for tok in tokenize.generate_tokens(io.StringIO(text).readline)
        if tok.type not in skip
    }


# --- FIM -----------------------------------------------------------------------------------------------


def test_psm_and_spm_format_exactly() -> None:
    # "x\n" has exactly one candidate middle: "x".
    assert fim_spans("x\n") == [(0, 1)]
    assert apply_fim("x\n", random.Random(0), spm=False) == f"{FIM_PREFIX}{FIM_SUFFIX}\n{FIM_MIDDLE}x"
    assert apply_fim("x\n", random.Random(0), spm=True) == f"{FIM_SUFFIX}\n{FIM_PREFIX}{FIM_MIDDLE}x"
    text = "a = 1\nb = 2\n"
    for seed in range(20):
        psm = apply_fim(text, random.Random(seed), spm=False)
        spm = apply_fim(text, random.Random(seed), spm=True)
        prefix, middle, suffix = split_fim(psm)
        assert psm == FIM_PREFIX + prefix + FIM_SUFFIX + suffix + FIM_MIDDLE + middle
        assert spm == FIM_SUFFIX + suffix + FIM_PREFIX + prefix + FIM_MIDDLE + middle
        assert middle in {"a = 1", "= 1", "1", "b = 2", "= 2", "2"}


def test_fim_spans_kinds_for_a_small_function() -> None:
    text = "def f(x):\n    return x\n"
    middles = {text[a:b] for a, b in fim_spans(text)}
    rest_of_line = {"def f(x):", "f(x):", "(x):", "x):", "):", ":", "return x", "x"}
    assert middles == rest_of_line | {"def f(x):\n    return x"}  # "return x" is also the block body


def test_fim_spans_block_body_after_docstring_and_decorator() -> None:
    middles = {METHODS[a:b] for a, b in fim_spans(METHODS)}
    assert 'return os.environ.get("USER", "nobody")' in middles
    body = (
        'text = f"hello {self.name}"\n        if loud:\n            text = text.upper()\n        return text'
    )
    assert body in middles  # a body after its docstring
    assert any(m.startswith('"""The name, from the environment."""\n') for m in middles)  # whole body
    assert any(m.startswith('"""Says hello."""\n\n    @property\n') for m in middles)  # class body
    assert any(m.startswith("@property\n    def name(") for m in middles)  # decorated def, from `@`
    misc = {MISC[a:b] for a, b in fim_spans(MISC)}
    assert "@ (lambda f: f)\ndef decorated():\n    return 1" in misc


def test_elif_chain_is_not_a_block_body() -> None:
    source = transforms._parse(MISC)
    assert source is not None
    _, blocks, statements = transforms._candidates(source)
    assert any(MISC[a:b].startswith("elif") for a, b in statements)
    assert blocks
    assert not any(MISC[a:b].startswith("elif") for a, b in blocks)


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_spans_start_on_token_starts_and_end_at_line_ends(snippet: str) -> None:
    spans = fim_spans(snippet)
    starts = token_starts(snippet)
    assert spans
    for begin, end in spans:
        assert begin in starts
        assert begin < end
        assert snippet[end:].startswith(("\r\n", "\n")) or end == len(snippet)
        assert not snippet[begin:end].endswith("\r")


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), index=st.integers(0, len(SNIPPETS) - 1), spm=st.booleans())
def test_fim_reassembles_exactly(seed: int, index: int, spm: bool) -> None:
    text = SNIPPETS[index]
    example = apply_fim(text, random.Random(seed), spm)
    assert example.startswith(FIM_SUFFIX if spm else FIM_PREFIX)
    prefix, middle, suffix = split_fim(example)
    assert prefix + middle + suffix == text
    assert middle
    assert len(prefix) in token_starts(text)


@pytest.mark.parametrize("text", [BROKEN, "x = (\n", "def f():\nreturn 1\n", "a = 1\rb = 2\r"])
def test_no_fim_on_unparsable_file(text: str) -> None:
    assert fim_spans(text) == []
    assert apply_fim(text, random.Random(0), spm=False) == text
    config = TransformConfig(fim_rate=1.0, docstring_rate=1.0)
    assert transform_document(text, random.Random(0), config) == text


def test_fim_after_docstring_transform_never_touches_markers() -> None:
    moved = docstring_after_body(METHODS)
    spans = fim_spans(moved)
    assert spans
    markers = [i for i in range(len(moved)) if moved.startswith(DOCSTRING, i)]
    assert len(markers) == 2
    for begin, end in spans:
        assert all(end <= m or begin >= m + len(DOCSTRING) for m in markers)
    middles = {moved[a:b] for a, b in spans}
    assert 'return os.environ.get("USER", "nobody")' in middles  # the body, without the moved docstring
    assert '"""The name, from the environment."""' in middles  # the docstring itself, after its marker


# --- docstring after body --------------------------------------------------------------------------------


def test_docstring_moves_after_function_body() -> None:
    assert (
        docstring_after_body(SUM)
        == f'def add(a, b):\n    return a + b\n    {DOCSTRING}"""Return the sum."""\n'
    )


def test_docstring_moves_for_methods_and_async_def_but_not_class() -> None:
    out = docstring_after_body(METHODS)
    assert '    """Says hello."""\n' in out  # classes keep theirs
    assert (
        '        return os.environ.get("USER", "nobody")\n'
        f'        {DOCSTRING}"""The name, from the environment."""\n\n    async def'
    ) in out
    assert out.endswith(
        f'        return text\n        {DOCSTRING}"""Build a greeting.\n\n'
        '        Shout if loud.\n        """\n'
    )


def test_nested_functions_inner_first() -> None:
    assert docstring_after_body(NESTED) == dedent(
        f'''\
        def outer(x):

            def inner(y):
                return y * 2
                {DOCSTRING}"""Inner doc."""

            return inner(x)
            {DOCSTRING}"""Outer doc."""
        '''
    )
    last = 'def outer():\n    """O."""\n    def inner():\n        """I."""\n        return 1\n'
    assert docstring_after_body(last) == (
        f'def outer():\n    def inner():\n        return 1\n        {DOCSTRING}"""I."""\n'
        f'    {DOCSTRING}"""O."""\n'
    )


def test_crlf_file() -> None:
    out = docstring_after_body(CRLF)
    assert out == f'def add(a, b):\r\n    return a + b\r\n    {DOCSTRING}"""Return the sum."""\r\n'


def test_tab_indented_file() -> None:
    out = docstring_after_body(TABS)
    assert out == f'def f(x):\n\tif x:\n\t\treturn 1\n\treturn 2\n\t{DOCSTRING}"""Tab doc."""\n'


def test_non_ascii_docstring_and_unterminated_last_line() -> None:
    assert docstring_after_body(MISC).count(DOCSTRING) == 1
    text = 'def f(s="é"):\n    """Ünï."""\n    return s'
    assert docstring_after_body(text) == f'def f(s="é"):\n    return s\n    {DOCSTRING}"""Ünï."""'


@pytest.mark.parametrize(
    "text",
    [
        "def f(x):\n    return x\n",  # no docstring
        'def f():\n    """Only a docstring."""\n',  # nothing left to put it after
        'def f():\n    """Doc."""  # why\n    return 1\n',  # a comment would be lost
        'def f():\n    """Doc."""; return 1\n',  # shares its line with code
        'def f(): """Doc."""; return 1\n',
        'class C:\n    """Class doc."""\n    x = 1\n',  # classes are not transformed
        'def f():\n    x = 1\n    """Not first."""\n    return x\n',
        BROKEN,
    ],
)
def test_untouched(text: str) -> None:
    assert docstring_after_body(text) == text


def moved_blocks(out: str) -> tuple[list[str], list[str]]:
    """Lines of out outside moved docstrings, and the moved docstrings' lines with DOCSTRING removed."""
    kept: list[str] = []
    moved: list[str] = []
    lines = out.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        if DOCSTRING not in lines[i]:
            kept.append(lines[i])
            i += 1
            continue
        rest = "".join(lines[i:]).split(DOCSTRING, 1)[1]
        string = next(tokenize.generate_tokens(io.StringIO(rest).readline))
        assert string.type == tokenize.STRING
        count = string.end[0]
        moved += [lines[i].replace(DOCSTRING, "", 1), *lines[i + 1 : i + count]]
        i += count
    return kept, moved


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_transformed_minus_docstring_lines_is_original_minus_docstrings(snippet: str) -> None:
    doc_lines: set[int] = set()
    for node in ast.walk(ast.parse(snippet)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and ast.get_docstring(node) is not None:
            doc = node.body[0]
            doc_lines.update(range(doc.lineno - 1, doc.end_lineno or doc.lineno))
    assert doc_lines
    original = snippet.splitlines(keepends=True)
    kept, moved = moved_blocks(docstring_after_body(snippet))
    assert kept == [line for i, line in enumerate(original) if i not in doc_lines]
    assert sorted(moved) == sorted(original[i] for i in doc_lines)


# --- transform_document ------------------------------------------------------------------------------------


def test_rate_zero_leaves_text_unchanged() -> None:
    config = TransformConfig(fim_rate=0.0, spm_rate=0.0, docstring_rate=0.0)
    rng = random.Random(0)
    for _ in range(50):
        for snippet in SNIPPETS:
            assert transform_document(snippet, rng, config) == snippet


def test_rate_one_always_transforms() -> None:
    rng = random.Random(0)
    only_docstring = TransformConfig(fim_rate=0.0, docstring_rate=1.0)
    psm = TransformConfig(fim_rate=1.0, spm_rate=0.0, docstring_rate=0.0)
    spm = TransformConfig(fim_rate=1.0, spm_rate=1.0, docstring_rate=0.0)
    both = TransformConfig(fim_rate=1.0, docstring_rate=1.0)
    for _ in range(20):
        for snippet in SNIPPETS:
            assert transform_document(snippet, rng, only_docstring) == docstring_after_body(snippet)
            assert transform_document(snippet, rng, psm).startswith(FIM_PREFIX)
            assert transform_document(snippet, rng, spm).startswith(FIM_SUFFIX)
            out = transform_document(snippet, rng, both)
            prefix, middle, suffix = split_fim(out)
            assert prefix + middle + suffix == docstring_after_body(snippet)
            assert DOCSTRING not in middle


def test_default_rates_mix() -> None:
    rng = random.Random(0)
    outs = [transform_document(SUM, rng, TransformConfig()) for _ in range(400)]
    fim = sum(FIM_MIDDLE in out for out in outs)
    moved = sum(DOCSTRING in out for out in outs)
    spm = sum(out.startswith(FIM_SUFFIX) for out in outs)
    assert 150 < fim < 250
    assert 150 < moved < 250
    assert 0.3 < spm / fim < 0.7


def test_config_is_frozen_and_validated() -> None:
    config = TransformConfig()
    assert (config.fim_rate, config.spm_rate, config.docstring_rate) == (0.5, 0.5, 0.5)
    with pytest.raises(AttributeError):
        config.fim_rate = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="fim_rate"):
        TransformConfig(fim_rate=1.5)


def test_module_imports_only_stdlib_and_specials() -> None:
    tree = ast.parse(Path(transforms.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    allowed = {
        "__future__",
        "ast",
        "io",
        "random",
        "tokenize",
        "warnings",
        "bisect",
        "dataclasses",
        "itertools",
    }
    assert imported <= allowed | {"inkling.specials", "inkling.data.comments"}
