"""Whole-file state: a document is tokenized by pieces exactly as whole, fed in the background along its whole
text, and a request anywhere in it then reads at most one stride of tokens; an edit invalidates the states
from the first changed token, memory stays capped, and a closed document's states are gone."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer

import inkling
import inkling.serving.pieces
from inkling.serving.checkpoint import Checkpoint, load_checkpoint
from inkling.serving.decode import DecodeConfig
from inkling.serving.pieces import PieceEncoder, pieces
from inkling.serving.runtime import SPINE_STATES, SPINES, Runtime, spine_stride

SHIPPED = Path(__file__).resolve().parents[3] / "server" / "inkling" / "assets" / "default"
SOURCES = sorted(Path(inkling.__file__).parent.rglob("*.py"))
WHOLE = DecodeConfig(whole_file=True, beam_width=2)


@pytest.fixture(scope="module")
def shipped() -> Checkpoint:
    return load_checkpoint(SHIPPED)


def _never() -> bool:
    return False


def test_pieces_encode_exactly_as_the_whole_text(shipped: Checkpoint) -> None:
    tokenizer: Tokenizer = shipped.tokenizer
    encoder = PieceEncoder(tokenizer)
    odd = "x = 1  \n\n\n\tif y:\n\t\treturn 'é'\r\n  \n@deco\n# c\n    \n  z\n\n"
    for text in [odd, *(path.read_text(encoding="utf-8") for path in SOURCES)]:
        assert "".join(pieces(text)) == text
        assert encoder.encode(text) == tokenizer.encode(text).ids
        cut = len(text) // 3  # a prefix ending mid-line, as a cursor leaves it
        assert encoder.encode(text[:cut]) == tokenizer.encode(text[:cut]).ids


def test_pieces_encode_exactly_when_the_cache_overflows(shipped: Checkpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inkling.serving.pieces, "PIECES", 8)
    encoder = PieceEncoder(shipped.tokenizer)
    small = "".join(f"value_{i} = compute({i})\n" for i in range(5))
    large = "".join(f"value_{i} = compute({i})\n" for i in range(30))
    for text in (small, large, small + "x = 1\n", large, small):
        assert encoder.encode(text) == shipped.tokenizer.encode(text).ids


def _line_ends(text: str, count: int, seed: int = 0) -> list[int]:
    ends = [i for i, c in enumerate(text) if c == "\n" and i > 0 and text[i - 1] not in "\n"]
    return random.Random(seed).sample(ends, count)


def test_a_request_anywhere_in_a_fed_file_reads_at_most_one_stride(shipped: Checkpoint) -> None:
    runtime = Runtime(shipped)
    text = (Path(inkling.__file__).parent / "completion" / "engine.py").read_text(encoding="utf-8")
    assert runtime.warm("doc", text, _never)
    stride = spine_stride(len(runtime.vocab.encode(text)))
    for end in _line_ends(text, 10):
        line = text[text.rfind("\n", 0, end) + 1 : end]
        before = runtime.fed_tokens
        found = runtime.generate(text[:end], text[end:], "line", WHOLE, document="doc")
        assert found is not None
        assert runtime.fed_tokens - before <= stride + len(runtime.vocab.encode(line)) + 1
        # A cold runtime reads the same whole prefix (left to itself it would read the cheaper window).
        fresh = Runtime(shipped).generate(text[:end], text[end:], "line", replace(WHOLE, context_chars=len(text)))
        assert fresh is not None and [g.text for g in found] == [g.text for g in fresh]


def test_a_cold_file_is_answered_from_the_window_not_from_its_start(shipped: Checkpoint) -> None:
    runtime = Runtime(shipped)
    text = (Path(inkling.__file__).parent / "completion" / "engine.py").read_text(encoding="utf-8")
    end = _line_ends(text[len(text) // 2 :], 1)[0] + len(text) // 2
    runtime.generate(text[:end], text[end:], "line", WHOLE, document="doc")
    assert runtime.fed_tokens < len(runtime.vocab.encode(text[:end])) / 2  # the 6,000-character window


def test_after_an_edit_in_the_middle_the_state_equals_a_cold_computation(shipped: Checkpoint) -> None:
    runtime = Runtime(shipped)
    text = (Path(inkling.__file__).parent / "serving" / "decode.py").read_text(encoding="utf-8")
    assert runtime.warm("doc", text, _never)
    middle = text.index("\n", len(text) // 2)
    edited = text[:middle] + "\n    changed = compute(1, 2)" + text[middle:]
    before = runtime.fed_tokens
    assert runtime.warm("doc", edited, _never)
    ids = [runtime.vocab.eot, *runtime.vocab.encode(edited)]
    assert runtime.fed_tokens - before < len(ids) * 0.7  # the start before the edit was not fed again
    cold = runtime.model.forward(ids, runtime.model.init_state(1))[1]
    kept = runtime._spines["doc"].states[len(ids)]
    assert np.allclose(kept[0], cold[0], atol=1e-4)


def test_feeding_pauses_when_asked_and_goes_on_from_there(shipped: Checkpoint) -> None:
    runtime = Runtime(shipped)
    text = (Path(inkling.__file__).parent / "serving" / "decode.py").read_text(encoding="utf-8")
    calls = iter(range(1000))
    assert not runtime.warm("doc", text, lambda: next(calls) >= 5)  # paused after five strides
    fed = runtime.fed_tokens
    assert 0 < fed < len(runtime.vocab.encode(text))
    assert runtime.warm("doc", text, _never)
    assert runtime.fed_tokens == len(runtime.vocab.encode(text)) + 1  # nothing fed twice


def test_memory_is_capped_per_document_and_across_documents(shipped: Checkpoint) -> None:
    runtime = Runtime(shipped)
    long = "".join(path.read_text(encoding="utf-8") for path in SOURCES[:40])  # about 40,000 tokens
    runtime.warm("long", long, _never)
    assert len(runtime._spines["long"].states) <= SPINE_STATES + 2
    short = "import os\n\nprint(os.sep)\n"
    for i in range(SPINES + 5):
        runtime.warm(f"doc{i}", short + f"# {i}\n", _never)
    assert len(runtime._spines) == SPINES
    assert "long" not in runtime._spines  # the least recently fed went first
    last = f"doc{SPINES + 4}"
    before, freed = runtime.spine_states(), len(runtime._spines[last].states)
    runtime.forget(last)
    assert last not in runtime._spines and runtime.spine_states() == before - freed
