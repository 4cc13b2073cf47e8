"""`inkling normalize` rewrites files as formatters do; --check and --diff only report; `corpus --normalize`."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from inkling.data.corpus import CorpusConfig, build_corpus, iter_documents
from inkling.style.detect import Style
from inkling.style.normalize import normalize

MESSY = "import os\ndef size(path) :\n    return {'p' :os.path.getsize( path )}\n"
CLEAN = "import os\n\n\ndef size(path):\n    return {'p': os.path.getsize(path)}\n"


def inkling(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "inkling", "normalize", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_rewrites_in_place_in_the_files_own_style(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text(MESSY, encoding="utf-8")
    result = inkling(path)
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == CLEAN  # single quotes kept: the file uses them
    assert "1 file(s) normalized" in result.stderr
    assert inkling(path, "--check").returncode == 0  # nothing left to do


def test_check_and_diff_change_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text(MESSY, encoding="utf-8")
    check = inkling(path, "--check")
    assert check.returncode == 1
    assert "would normalize" in check.stderr
    diff = inkling(path, "--diff")
    assert diff.returncode == 0
    assert "-def size(path) :" in diff.stdout and "+def size(path):" in diff.stdout
    assert path.read_text(encoding="utf-8") == MESSY


def test_style_of_another_file_and_folders(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    target = tmp_path / "pkg" / "a.py"
    target.write_text(MESSY, encoding="utf-8")
    reference = tmp_path / "ref.py"
    reference.write_text('x = "double"\ny = "quotes"\n', encoding="utf-8")
    assert inkling(tmp_path / "pkg", "--style-of", reference).returncode == 0
    assert target.read_text(encoding="utf-8") == CLEAN.replace("'p'", '"p"')


def test_crlf_stays_and_broken_files_are_reported_and_left(tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_bytes(b"x=1\r\ny = 2\r\n")
    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n", encoding="utf-8")
    binary = tmp_path / "binary.py"
    binary.write_bytes(b"\xff\xfe\x00x = 1")
    result = inkling(good, broken, binary)
    assert result.returncode == 2
    assert good.read_bytes() == b"x = 1\r\ny = 2\r\n"
    assert broken.read_text(encoding="utf-8") == "def f(:\n"
    assert f"cannot normalize {broken}: not valid Python (line 1" in result.stderr
    assert f"cannot read {binary}" in result.stderr


def test_corpus_normalize_rewrites_train_and_valid_only(source_tree: Path, tmp_path: Path) -> None:
    # one package of the tree, under the tree's name: the split (a hash of each path) puts 3 of its files in test
    root = tmp_path / source_tree.name
    shutil.copytree(source_tree / "email", root / "email")
    out = tmp_path / "corpus"
    build_corpus([root], out, CorpusConfig(normalize=True))
    test_texts = [doc.text for doc in iter_documents(out, "test")]
    assert test_texts and any(normalize(text, Style()).code != text for text in test_texts)  # kept as people wrote it
    for doc in list(iter_documents(out, "train"))[:20]:
        assert normalize(doc.text, Style()).status == "unchanged"  # already canonical
        ast.parse(doc.text)
