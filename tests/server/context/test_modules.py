"""Module resolution without importing: the standard library, installed distributions, the project's files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from inkling.context.modules import project_roots, resolves


@pytest.mark.parametrize(
    "module",
    [
        "os",
        "os.path",
        "json",
        "xml.etree.ElementTree",
        "email.mime.text",
        "collections.abc",
        "__future__",
        "sys",
    ],
)
def test_the_standard_library_resolves(module: str) -> None:
    assert resolves(module, 0, None)


@pytest.mark.parametrize(
    "module",
    ["sys.stdout", "json.nonexistent_part", "nonexistent_mod_xyz", "os.getcwd", "math.pi", "numpy-array"],
)
def test_what_does_not_exist_does_not_resolve(module: str) -> None:
    assert not resolves(module, 0, None)


def test_installed_distributions_and_their_submodules_resolve() -> None:
    assert resolves("pytest", 0, None)
    assert resolves("hypothesis.strategies", 0, None)
    assert not resolves("hypothesis.no_such_submodule", 0, None)


def test_nothing_is_imported_to_resolve_a_module(tmp_path: Path) -> None:
    assert "antigravity" not in sys.modules  # importing it would open a web browser
    assert resolves("antigravity", 0, None)
    assert "antigravity" not in sys.modules
    planted = tmp_path / "planted.py"
    planted.write_text(f"open({str(tmp_path / 'ran')!r}, 'w').close()\n")
    document = tmp_path / "main.py"
    assert resolves("planted", 0, str(document))
    assert "planted" not in sys.modules
    assert not (tmp_path / "ran").exists()


def project(root: Path) -> Path:
    """root/app/{__init__,models}.py, root/app/api/{__init__,views}.py, root/helpers.py; returns views.py."""
    (root / "app" / "api").mkdir(parents=True)
    for name in ("app/__init__.py", "app/models.py", "app/api/__init__.py", "app/api/views.py", "helpers.py"):
        (root / name).write_text("")
    return root / "app" / "api" / "views.py"


def test_the_projects_own_modules_resolve(tmp_path: Path) -> None:
    views = str(project(tmp_path))
    assert project_roots(views) == [tmp_path / "app" / "api", tmp_path]
    assert resolves("app.models", 0, views)  # from the package root
    assert resolves("helpers", 0, views)
    assert resolves("views", 0, views)  # beside the document
    assert not resolves("app.missing", 0, views)
    assert not resolves("helpers.models", 0, views)
    assert not resolves("app.models", 0, None)  # an unsaved document has no project


def test_relative_imports_resolve_when_the_file_exists(tmp_path: Path) -> None:
    views = str(project(tmp_path))
    assert resolves("", 1, views)  # from . import x
    assert resolves("views", 1, views)
    assert resolves("models", 2, views)  # from ..models import User
    assert not resolves("models", 1, views)
    assert not resolves("api.missing", 2, views)
    assert resolves("anything", 1, None)  # no file to look beside: not checked


def test_a_module_the_document_imports_passes_when_nothing_here_has_it() -> None:
    assert not resolves("some_private_dist", 0, None)
    assert resolves("some_private_dist", 0, None, frozenset({"some_private_dist"}))
    assert resolves("some_private_dist.sub", 0, None, frozenset({"some_private_dist"}))
    assert not resolves("sys.stdout", 0, None, frozenset({"sys"}))  # sys is known here: checked
