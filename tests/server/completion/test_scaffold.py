"""Unit test scaffolds: the function under the cursor, its import path, example arguments from its signature,
generated assertions kept only when they parse, and an existing test file extended in place."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest

from inkling.completion.examples import example
from inkling.completion.scaffold import Plan, Scaffold, build, module_path, plan

SOURCE = dedent(
    '''\
    """A module."""

    from pathlib import Path


    def add(a: int, b: float, name: str, flag: bool, data: bytes, where: Path | None) -> int:
        return 3


    def guess(n, file_name, items, thing, prefix, scale=2.0):
        return n


    def log(message: str, *args: object, level: int, sep: str = " ", **kwargs: object):
        print(message)


    class Parser:
        def __init__(self, text: str, *, strict: bool) -> None:
            self.text = text

        def parse(self, count: int, callback=None) -> list[str]:
            return []

        @staticmethod
        def make(size: int) -> "Parser":
            return Parser("x", strict=True)


    async def fetch(url: str) -> bytes:
        return b""


    def outer():
        def inner():
            return 1
        return inner
    '''
)


def three(prefix: str) -> str:
    return "result == 3"


def scaffold_at(
    word: str,
    complete_line: Callable[[str], str] = three,
    existing: str | None = None,
    tmp: Path | None = None,
) -> Scaffold:
    root = tmp or Path("/nonexistent/project")
    found = plan(SOURCE, SOURCE.index(word), root / "calc.py", root)
    assert found is not None
    scaffold = build(found, existing, complete_line)
    ast.parse(scaffold.text)
    return scaffold


def test_a_plain_function_gets_values_from_its_annotations() -> None:
    scaffold = scaffold_at("def add")
    assert scaffold.create and scaffold.test_path == Path("/nonexistent/project/tests/test_calc.py")
    assert scaffold.text == dedent(
        """\
        from pathlib import Path

        from calc import add


        def test_add() -> None:
            result = add(1, 1.0, "text", True, b"data", Path("file.txt"))
            assert result == 3
        """
    )
    assert scaffold.generated == 1


def test_names_without_annotations_and_defaults_left_out() -> None:
    text = scaffold_at("guess").text
    assert '    result = guess(1, "file.txt", [], None, "text")\n' in text


def test_keyword_only_passed_by_name_and_star_args_left_out() -> None:
    text = scaffold_at("log").text
    assert '    result = log("text", level=1)\n' in text
    assert text.endswith("    assert result is None\n")  # no `return <value>`: the model is not asked


def test_a_method_builds_its_instance_from_init() -> None:
    text = scaffold_at("parse").text
    assert "from calc import Parser\n" in text
    assert text.endswith(
        dedent(
            """\
            def test_Parser_parse() -> None:
                parser = Parser("text", strict=True)
                result = parser.parse(1)
                assert result == 3
            """
        )
    )


def test_a_staticmethod_is_called_on_its_class() -> None:
    assert "    result = Parser.make(1)\n" in scaffold_at("make").text


def test_an_async_function_runs_under_asyncio() -> None:
    text = scaffold_at("fetch").text
    assert text.startswith("import asyncio\n\nfrom calc import fetch\n")
    assert '    result = asyncio.run(fetch("text"))\n' in text


def test_no_plan_for_a_nested_function_off_a_def_or_in_broken_code() -> None:
    root = Path("/p")
    assert plan(SOURCE, SOURCE.index("def inner") + 5, root / "m.py", root) is None
    assert plan(SOURCE, SOURCE.index("return 3"), root / "m.py", root) is None
    assert plan(SOURCE, SOURCE.index("from pathlib"), root / "m.py", root) is None
    assert plan("def f(:\n", 2, root / "m.py", root) is None
    line_end = SOURCE.index("\n", SOURCE.index("def outer"))
    found = plan(SOURCE, line_end, root / "m.py", root)  # the end of the def line still counts
    assert found is not None and found.name == "outer"


def test_module_paths(tmp_path: Path) -> None:
    for folder in ("src/pkg", "src/pkg/sub", "pkg"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "scripts").mkdir()
    assert module_path(tmp_path / "src/pkg/sub/mod.py", tmp_path) == (
        "pkg.sub.mod",
        tmp_path / "tests/test_mod.py",
    )
    assert module_path(tmp_path / "pkg/__init__.py", tmp_path) == ("pkg", tmp_path / "tests/test_pkg.py")
    assert module_path(tmp_path / "scripts/tool.py", tmp_path) == ("tool", tmp_path / "tests/test_tool.py")
    assert module_path(tmp_path / "scripts/my-tool.py", tmp_path) is None  # not importable by that name


EXISTING = dedent(
    '''\
    """Tests of calc."""

    from __future__ import annotations

    import pytest

    from calc import Parser


    def test_add() -> None:
        assert True
    '''
)


def test_an_existing_file_gets_one_import_and_the_test_appended() -> None:
    scaffold = scaffold_at("def add", existing=EXISTING)
    assert not scaffold.create
    assert scaffold.text == dedent(
        '''\
        """Tests of calc."""

        from __future__ import annotations

        import pytest

        from calc import Parser
        from pathlib import Path
        from calc import add


        def test_add() -> None:
            assert True


        def test_add_2() -> None:
            result = add(1, 1.0, "text", True, b"data", Path("file.txt"))
            assert result == 3
        '''
    )
    found = plan(SOURCE, SOURCE.index("def add"), Path("/p/calc.py"), Path("/p"))
    assert found is not None
    again = build(found, scaffold.text, three).text
    assert again.count("from calc import add\n") == 1 and again.count("from pathlib import Path\n") == 1
    assert "    assert result == 3\n\n\ndef test_add_3() -> None:\n" in again


def test_an_existing_import_is_not_repeated_and_a_bare_file_gets_imports_after_its_docstring() -> None:
    text = scaffold_at("parse", existing=EXISTING).text
    assert text.count("from calc import Parser") == 1
    text = scaffold_at("guess", existing='"""Only a docstring."""\nX = 1\n').text
    assert text.startswith('"""Only a docstring."""\n\nfrom calc import guess\n\nX = 1\n\n\ndef test_guess()')


def test_the_test_follows_the_existing_files_style() -> None:
    existing = "from calc import Parser\n\n\ndef test_x():\n  assert 'a' == 'a'\n"
    text = scaffold_at("guess", existing=existing).text
    assert "\n  result = guess(1, 'file.txt', [], None, 'text')\n  assert result == 3\n" in text


@pytest.mark.parametrize(
    "proposal",
    [
        "result == (",  # does not parse
        "3 == 3",  # does not test the result
        "result == ...",  # a placeholder
        "result == expected",  # a name the test never binds
        "",  # nothing to say
    ],
)
def test_a_bad_proposal_falls_back(proposal: str) -> None:
    scaffold = scaffold_at("def add", lambda prefix: proposal)
    assert scaffold.text.endswith(
        '    result = add(1, 1.0, "text", True, b"data", Path("file.txt"))\n    assert isinstance(result, int)\n'
    )
    assert scaffold.generated == 0


def test_the_model_sees_the_file_up_to_an_assert_and_may_add_a_second_line() -> None:
    prefixes: list[str] = []
    answers = iter(["len(result) == 0", "isinstance(result, list)\nmore", "never asked"])

    def model(prefix: str) -> str:
        prefixes.append(prefix)
        return next(answers)

    scaffold = scaffold_at("parse", model)
    assert prefixes[0].endswith("    result = parser.parse(1)\n    assert ")
    assert prefixes[1].endswith("    assert len(result) == 0\n    assert ")
    assert scaffold.text.endswith("    assert len(result) == 0\n    assert isinstance(result, list)\n")
    assert scaffold.generated == 2 and len(prefixes) == 2


def test_a_model_that_raises_costs_only_the_generated_lines() -> None:
    def broken(prefix: str) -> str:
        raise RuntimeError("no model")

    assert scaffold_at("fetch", broken).text.endswith("    assert isinstance(result, bytes)\n")  # `-> bytes`


def test_a_broken_test_file_is_left_as_it_is_and_extended() -> None:
    found = plan(SOURCE, SOURCE.index("def add"), Path("/p/calc.py"), Path("/p"))
    assert found is not None
    scaffold = build(found, "def test_x(:\n", lambda prefix: "result ==")
    head = "def test_x(:\n\n\n"
    assert scaffold.text.startswith(
        head + "from pathlib import Path\nfrom calc import add\n\n\ndef test_add()"
    )
    assert scaffold.text.endswith("    assert isinstance(result, int)\n")
    ast.parse(scaffold.text[len(head) :])  # what it added is valid on its own


def test_the_fallback_follows_the_return_annotation() -> None:
    source = "import typing as t\n\n\ndef a() -> t.List[str]:\n    return []\n\n\ndef b() -> 'Thing':\n    return x\n"
    for name, line in (("def a", "isinstance(result, list)"), ("def b", "result is not None")):
        found = plan(source, source.index(name), Path("/p/m.py"), Path("/p"))
        assert found is not None
        assert build(found, None, lambda prefix: "").text.endswith(f"    assert {line}\n")


def test_example_values() -> None:
    assert example("Optional[int]", "x").code == "1"
    assert example("t.List[str]", "x").code == "[]"
    assert example("'Dict[str, int]'", "x").code == "{}"
    assert example("Callable[[int], str]", "x").code == "lambda *args, **kwargs: None"
    assert example("Literal['r', 'w']", "mode").code == '"r"'
    assert example("os.PathLike[str]", "p") == example("Path", "p")
    assert example("Path", "p").imports == ("from pathlib import Path",)
    assert example("Context", "ctx").code == "None"  # an unknown class: None, for the user to fill in
    assert example(None, "max_size").code == "1"
    assert example(None, "input_path").code == '"file.txt"'
    assert example(None, "values").code == "[]"
    assert example(None, "name", "'").code == "'text'"


def test_plan_is_a_value() -> None:
    found = plan(SOURCE, SOURCE.index("def add"), Path("/p/calc.py"), Path("/p"))
    assert isinstance(found, Plan) and found == plan(
        SOURCE, SOURCE.index("add("), Path("/p/calc.py"), Path("/p")
    )


def test_a_classmethod_a_property_and_a_dataclasss_fields() -> None:
    source = dedent(
        """\
        @dataclass
        class Point:
            x: float
            label: str
            scale: ClassVar[int]
            size: int = 1

            @classmethod
            def origin(cls, name) -> "Point":
                return cls(0.0, name)

            @property
            def norm(self) -> float:
                return abs(self.x)
        """
    )
    root = Path("/p")

    def body(word: str) -> str:
        found = plan(source, source.index(word), root / "geo.py", root)
        assert found is not None
        return build(found, None, lambda prefix: "result == point.x").text

    assert '    result = Point.origin("text")\n' in body("origin")
    assert body("norm").endswith(
        '    point = Point(1.0, "text")\n    result = point.norm\n    assert result == point.x\n'
    )


def test_pathlib_by_its_module_when_path_means_something_else_in_the_test_file() -> None:
    text = scaffold_at("def add", existing="from calc import Path\n").text
    assert "import pathlib\n" in text and 'pathlib.Path("file.txt"))\n' in text
    assert "from pathlib import Path" not in text
