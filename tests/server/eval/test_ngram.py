"""The n-gram baseline: counts, backoff, greedy first-line prediction with token healing."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest
from tokenizers import Tokenizer

from inkling import specials
from inkling.eval.cuts import candidate_cuts
from inkling.eval.ngram import NGramModel, _encode_tail, encode_documents
from inkling.serving.tokenizer import special_id, train_tokenizer

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SEEN = "zqx = compute_answer(alpha, beta)\n"


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    texts = [(STDLIB / name).read_text(encoding="utf-8") for name in ("textwrap.py", "shlex.py", "string.py")]
    return [*texts, "import os\nimport sys\n\n" + SEEN * 5 + "print(zqx)\n"]


@pytest.fixture(scope="module")
def tokenizer(corpus: list[str]) -> Tokenizer:
    return train_tokenizer(corpus, vocab_size=500)


@pytest.fixture(scope="module")
def model(tokenizer: Tokenizer, corpus: list[str]) -> NGramModel:
    return NGramModel.train(encode_documents(tokenizer, corpus))


def test_most_frequent_next_token_and_backoff() -> None:
    model = NGramModel.train([[1, 2, 3], [1, 2, 4], [1, 2, 3], [5, 6]], n=3)
    assert model.next_token([1, 2]) == 3  # seen twice, against once for 4
    assert model.next_token([7, 1, 2]) == 3  # only the last n - 1 tokens matter
    assert model.next_token([6, 2]) == 3  # (6, 2) never seen: back off to (2,)
    assert model.next_token([5]) == 6
    assert model.next_token([0]) == 1  # unseen everywhere: the unigram argmax (1 and 2 tie: smaller id)
    assert model.next_token([99, 1]) == 2  # an id beyond the vocabulary backs off too
    assert model.next_token([1, 2], accept=lambda t: t != 3) == 4
    assert model.next_token([1, 2], accept=lambda t: t > 100) is None


def test_streams_join_across_documents() -> None:
    model = NGramModel.train([[1, 2], [3, 4]], n=2)
    assert model.next_token([2]) == 3
    assert model.next_token([4]) == 1  # unseen as a context: unigram argmax


def test_empty_model_knows_nothing() -> None:
    model = NGramModel.train([], n=4)
    assert model.next_token([1, 2, 3]) is None
    assert model.contexts == 0


def test_rejects_ngrams_wider_than_64_bits() -> None:
    with pytest.raises(ValueError, match="64 bits"):
        NGramModel.train([[1 << 20]], n=4)


def test_documents_end_with_eot(tokenizer: Tokenizer) -> None:
    streams = list(encode_documents(tokenizer, ["x = 1\n", "y"]))
    eot = special_id(tokenizer, specials.EOT)
    assert all(stream[-1] == eot for stream in streams)
    assert tokenizer.decode(streams[0][:-1]) == "x = 1\n"


def test_completes_a_line_it_has_seen(model: NGramModel, tokenizer: Tokenizer) -> None:
    prefix = "import os\nimport sys\n\nzqx = compute_answer("
    assert model.predict_line(tokenizer, prefix, "") == "alpha, beta)"
    assert model.predict_line(tokenizer, "zqx = compute_answer(alpha", "\n") == ", beta)"


def test_heals_the_token_boundary_at_the_cursor(model: NGramModel, tokenizer: Tokenizer) -> None:
    # Training saw " compute..." with the space glued to the word; the prompt ends in a lone " ".
    healed = model.predict_line(tokenizer, "zqx = ", "")
    assert healed == "compute_answer(alpha, beta)"
    unhealed = model.predict_line(tokenizer, "zqx = ", "", heal=False)
    assert unhealed != healed


def test_stops_at_end_of_text_and_max_tokens(model: NGramModel, tokenizer: Tokenizer) -> None:
    full = model.predict_line(tokenizer, "zqx = compute_answer(", "")
    short = model.predict_line(tokenizer, "zqx = compute_answer(", "", max_tokens=2)
    assert short and full.startswith(short) and len(short) < len(full)
    assert "\n" not in model.predict_line(tokenizer, "def f(x):\n    return", "")
    tiny = NGramModel.train(encode_documents(tokenizer, ["abc abc"] * 3))
    assert tiny.predict_line(tokenizer, "abc abc", "") == ""  # the document always ended here


def test_long_prefixes_end_in_the_same_tokens(tokenizer: Tokenizer) -> None:
    text = (STDLIB / "shlex.py").read_text(encoding="utf-8")
    eot = special_id(tokenizer, specials.EOT)
    cuts = candidate_cuts("shlex.py", text)
    for cut in cuts[:: max(1, len(cuts) // 200)]:
        prefix = text[: cut.offset]
        full = [eot, *tokenizer.encode(prefix).ids]
        assert _encode_tail(tokenizer, prefix, eot)[-8:] == full[-8:]
    long_line = "x = [" + "1, " * 400
    assert _encode_tail(tokenizer, long_line, eot)[-8:] == tokenizer.encode(long_line).ids[-8:]
