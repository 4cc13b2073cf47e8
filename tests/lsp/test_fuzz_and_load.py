"""Hostile and heavy clients, end to end: seeded fuzzing leaves the server up, hearing and answering every
request once; a thousand overlapping requests with cancellations over 20 documents are each answered once."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from tests.lsp.raw import RawServer

REPO = Path(__file__).resolve().parents[2]


def test_seeded_fuzzing_neither_crashes_nor_deafens_nor_leaves_a_request_unanswered(tmp_path: Path) -> None:
    out = tmp_path / "fuzz.json"
    command = [
        sys.executable,
        "-m",
        "bench.fuzz",
        "--messages",
        "400",
        "--seed",
        "0",
        "--json",
        str(out),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=REPO)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    figures = json.loads(out.read_text())
    assert figures["messages"] == 400 and figures["requests_tracked"] > 100
    assert not figures["crashed"] and figures["deaf_health_checks"] == 0
    assert figures["unanswered"] == 0 and figures["answered_twice"] == 0 and figures["tracebacks_sent"] == 0


def test_a_thousand_overlapping_requests_with_cancellations_are_each_answered_once() -> None:
    rng = random.Random(0)
    documents = [f"file:///tmp/load_{i}.py" for i in range(20)]
    texts = [
        "import os\nos.pa",
        "def area(width, height):\n    return wid",
        "class A:\n    def m(self):\n        self.",
    ]
    server = RawServer()
    try:
        server.start()
        for i, uri in enumerate(documents):
            server.open(uri, texts[i % len(texts)])
        sent: list[int] = []
        for _ in range(1000):
            uri = rng.choice(documents)
            text = texts[documents.index(uri) % len(texts)]
            line = text.count("\n")
            character = len(text.rsplit("\n", 1)[-1])
            method = rng.choice(
                ["textDocument/inlineCompletion"] * 3 + ["textDocument/completion", "textDocument/hover"]
            )
            position = {"line": line, "character": character}
            params = {"textDocument": {"uri": uri}, "position": position, "context": {"triggerKind": 2}}
            sent.append(server.request(method, params))
            if rng.random() < 0.3:
                server.notify("$/cancelRequest", {"id": rng.choice(sent[-5:])})
        for msg_id in sent:
            server.wait(msg_id, timeout=120)
        counts = [len(server.answers.get(msg_id, [])) for msg_id in sent]
        assert counts.count(1) == 1000, {c: counts.count(c) for c in set(counts)}
        assert server.healthy()
    finally:
        server.stop()
