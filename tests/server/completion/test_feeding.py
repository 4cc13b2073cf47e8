"""Background feeding through the engine: an opened document is read by the model while no request waits, a
request never waits for the whole file to be read, and afterwards a request anywhere reads only a few tokens."""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from pathlib import Path

from inkling.completion.engine import Engine
from inkling.completion.types import Request
from inkling.serving.runtime import spine_stride
from inkling.settings import Settings

MODEL = Path(__file__).resolve().parents[3] / "server" / "inkling" / "assets" / "default"
TEXT = "\n".join(Path(argparse.__file__).read_text(encoding="utf-8").split("\n")[:1200])
URI = "file:///tmp/parsing.py"


def _places(count: int) -> list[int]:
    """Ends of `return ` (cut there, so the gate asks for the rest of the line) at random lines."""
    starts = [i + len("return ") for i in range(len(TEXT)) if TEXT.startswith("return ", i)]
    return random.Random(0).sample(starts, count)


def test_a_request_does_not_wait_for_the_file_to_be_read() -> None:
    engine = Engine(MODEL, Settings(constrain_members=False))
    engine.executor.submit(lambda: engine.runtime).result()  # loaded
    engine.warm(URI, TEXT)
    offset = _places(1)[0]

    async def ask() -> None:
        await engine.complete(Request(TEXT[:offset], "\n" + TEXT[offset:].split("\n", 1)[1], URI))

    time.sleep(0.2)  # reading has begun
    asyncio.run(ask())
    assert engine.feeder.busy()  # answered while most of the file was still to be read


def test_after_the_file_is_read_a_request_anywhere_reads_one_stride() -> None:
    engine = Engine(MODEL, Settings(constrain_members=False))
    engine.warm(URI, TEXT)
    deadline = time.monotonic() + 120
    while engine.feeder.busy() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not engine.feeder.busy()
    runtime = engine.runtime
    stride = spine_stride(len(runtime.vocab.encode(TEXT)) + 1)
    for offset in _places(8):
        line = TEXT[TEXT.rfind("\n", 0, offset) + 1 : offset]
        before = runtime.fed_tokens
        engine.suggest(Request(TEXT[:offset], "\n" + TEXT[offset:].split("\n", 1)[1], URI))
        assert runtime.fed_tokens - before <= stride + len(runtime.vocab.encode(line)) + 1
    engine.forget(URI)
    engine.executor.submit(lambda: None).result()  # forgetting runs on the model thread
    assert runtime.spine_states() == 0
