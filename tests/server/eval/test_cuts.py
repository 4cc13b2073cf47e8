"""Cut points: token starts that are not first on their line, exact offsets (CRLF too), seeded sampling."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from inkling.eval.cuts import Example, candidate_cuts, make_example, sample_cuts, sample_examples

STDLIB = Path(sysconfig.get_paths()["stdlib"])
REAL_FILES = ["textwrap.py", "shlex.py", "colorsys.py", "string.py", "fnmatch.py"]


def _stdlib_texts() -> list[tuple[str, str]]:
    return [(name, (STDLIB / name).read_bytes().decode("utf-8")) for name in REAL_FILES]


def _line_ending(text: str, example: Example) -> str:
    rest = text[len(example.prefix) + len(example.target) :]
    return rest[: len(rest) - len(example.suffix)]


def test_cuts_of_a_small_file() -> None:
    text = "x = foo(a, 'b')  # c\nif y:\n    pass\n"
    got = [(c.line, c.col, text[c.offset : text.find("\n", c.offset)]) for c in candidate_cuts("t.py", text)]
    assert got == [
        (1, 2, "= foo(a, 'b')  # c"),
        (1, 4, "foo(a, 'b')  # c"),
        (1, 7, "(a, 'b')  # c"),
        (1, 8, "a, 'b')  # c"),
        (1, 9, ", 'b')  # c"),
        (1, 11, "'b')  # c"),
        (1, 14, ")  # c"),
        (1, 17, "# c"),
        (2, 3, "y:"),
        (2, 4, ":"),
    ]


def test_multiline_string_cut_at_its_start_only_and_never_first_on_a_line() -> None:
    text = 'y = """a\nb""" + z\n'
    cuts = candidate_cuts("t.py", text)
    assert [(c.line, c.col) for c in cuts] == [(1, 2), (1, 4), (2, 5), (2, 7)]
    example = make_example("t.py", text, cuts[1].offset)
    assert example.target == '"""a'
    assert example.suffix == 'b""" + z\n'


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_every_cut_reassembles_the_document(newline: str) -> None:
    for path, original in _stdlib_texts():
        text = original.replace("\n", newline)
        for variant in (text, text.rstrip()):  # with and without a final line ending
            cuts = candidate_cuts(path, variant)
            assert len(cuts) > 50
            for cut in cuts:
                example = make_example(path, variant, cut.offset)
                ending = _line_ending(variant, example)
                assert example.prefix + example.target + ending + example.suffix == variant
                assert ending in (newline, "") and (ending or not example.suffix)
                assert example.target.strip() and "\n" not in example.target and "\r" not in example.target
                line = variant.split("\n")[cut.line - 1]
                assert variant[cut.offset - cut.col : cut.offset] == line[: cut.col]
                assert line[: cut.col].strip(), "a cut is never the first token on its line"


def test_non_ascii_columns_are_characters() -> None:
    text = "s = 'héllo wörld' + x  # ünïcode\r\nt = s\r\n"
    cuts = candidate_cuts("u.py", text)
    assert [text[c.offset] for c in cuts] == ["=", "'", "+", "x", "#", "=", "s"]


def test_sampling_is_seeded_and_uniform_over_all_cuts() -> None:
    files = _stdlib_texts()
    total = sum(len(candidate_cuts(path, text)) for path, text in files)
    first = sample_examples(files, 40, seed=1)
    assert first == sample_examples(files, 40, seed=1)
    assert first != sample_examples(files, 40, seed=2)
    assert len(first) == 40 and len({(e.cut.path, e.cut.offset) for e in first}) == 40
    everything = sample_examples(files, total + 10, seed=3)
    expected = [
        make_example(path, text, c.offset) for path, text in files for c in candidate_cuts(path, text)
    ]
    assert everything == expected


def test_untokenizable_files_are_skipped_and_counted() -> None:
    files = [("good.py", "x = 1\n"), ("bad.py", "x = '''never closed\n"), ("also.py", "y = x\n")]
    sample = sample_cuts(files, 10, seed=0)
    assert sample.skipped == ["bad.py"]
    assert sample.candidates == 4
    assert [e.target for e in sample.examples] == ["= 1", "1", "= x", "x"]
