"""The hover target: the function whose name is under the cursor, laid out with its docstring moved out as
in training; the generated line cleaned of its quotes."""

from __future__ import annotations

from inkling.completion.summary import clean, find_function
from inkling.serving.stops import cut, should_stop

SOURCE = 'import os\n\n\nclass A:\n    def size(self, path):\n        """Bytes."""\n        return os.path.getsize(path)\n\n\nx = 1\n'


def test_the_function_under_the_cursor_without_its_docstring() -> None:
    target = find_function(SOURCE, SOURCE.index("size(") + 2)
    assert target is not None
    assert SOURCE[target.name_start : target.name_end] == "size"
    assert target.docstring == "Bytes."
    assert target.prompt.endswith("    def size(self, path):\n        return os.path.getsize(path)\n        ")
    assert '"""Bytes."""' not in target.prompt and "x = 1" not in target.prompt


def test_no_target_off_a_name_or_in_broken_code() -> None:
    assert find_function(SOURCE, SOURCE.index("return")) is None
    assert (
        find_function(SOURCE, SOURCE.index("class A") + 7) is None
    )  # classes: their docstrings stay in place
    assert find_function("def f(:\n", 4) is None


def test_clean_and_the_docstring_stop_rule() -> None:
    assert clean('"""Return the size.') == "Return the size."
    assert clean("r'''Sum.'''") == "Sum."
    assert clean('    """Find paths:') == "Find paths"  # a lead-in to a list the one line leaves out
    assert not should_stop('r"""\n', "docstring", "", 8)  # a string prefix is not a word
    assert not should_stop('"""\n', "docstring", "", 8)  # quotes on a line of their own: go on
    assert not should_stop('"""\n    Return the', "docstring", "", 8)
    assert should_stop('"""\n    Return the size.\n', "docstring", "", 8)
    assert should_stop('"""Return the size."""', "docstring", "", 8)
    assert cut('"""\n    Return the size.\n    More', "docstring", "") == "    Return the size."
