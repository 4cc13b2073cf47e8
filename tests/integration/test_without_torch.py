"""Serving needs no PyTorch: with `import torch` failing, as in an install without the `train` extra, the language
server answers, `complete` completes, `export` writes a float16 copy, and the commands that train say in one
line how to get it. Nor rapidfuzz: without the `eval` extra, `eval` says how to get it."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from lsprotocol import types
from tests.lsp.session import Client

from inkling.serving.checkpoint import load_checkpoint

REPO = Path(__file__).resolve().parents[2]
# `import torch` raises ModuleNotFoundError("torch") from here on, wherever it is tried
NO_TORCH = "import sys; sys.modules['torch'] = None; from inkling.cli import main; sys.exit(main(sys.argv[1:]))"


def inkling_without_torch(*args: str | Path, missing: str = "torch") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", NO_TORCH.replace("torch", missing), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=REPO)


def test_training_commands_say_how_to_get_torch(tmp_path: Path) -> None:
    for args in (
        ("train", "--corpus", tmp_path, "--tokenizer", tmp_path, "--out", tmp_path / "m"),
        ("finetune", REPO / "examples", "--out", tmp_path / "f"),
    ):
        result = inkling_without_torch(*args)
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
        assert "needs PyTorch" in result.stderr and "inkling[train]" in result.stderr


def test_eval_says_how_to_get_rapidfuzz() -> None:
    result = inkling_without_torch("eval", "--files", "examples", "--cuts", "2", missing="rapidfuzz")
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert "needs rapidfuzz" in result.stderr and "inkling[eval]" in result.stderr


def test_complete_works_without_torch() -> None:
    result = inkling_without_torch("complete", "examples/demo.py:16:32")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "Traceback" not in result.stderr, result.stderr  # nor from the analysis's child, as the process exits


def test_export_works_without_torch(tiny_model: Path, tmp_path: Path) -> None:
    result = inkling_without_torch("export", "--model", tiny_model, "--out", tmp_path / "half", "--half")
    assert result.returncode == 0, result.stderr
    assert load_checkpoint(tmp_path / "half").config == load_checkpoint(tiny_model).config


def test_the_server_answers_without_torch(tmp_path: Path) -> None:
    async def session() -> str | None:
        client = Client()
        await client.start_io(sys.executable, "-c", NO_TORCH, "serve")
        await client.initialize_async(types.InitializeParams(process_id=None, capabilities=types.ClientCapabilities()))
        client.initialized(types.InitializedParams())
        try:
            await client.ready()
            uri = (tmp_path / "demo.py").as_uri()
            client.open(uri, "import os\n\n\ndef size(path):\n    return os.path.")
            return await client.inline_text(uri, 4, len("    return os.path."))
        finally:
            await client.shutdown_async(None)
            client.exit(None)
            await client.stop()

    assert asyncio.run(session())
