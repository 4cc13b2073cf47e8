"""Whole-line candidates are scored as the model reads them one token at a time, and with a bonus for what the
project holds verbatim they win over the beam's own hypotheses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inkling.serving.candidates import score_candidates
from inkling.serving.checkpoint import load_checkpoint
from inkling.serving.decode import DecodeConfig
from inkling.serving.inference import InferenceModel
from inkling.serving.prompt import Vocab
from inkling.serving.runtime import Runtime

SHIPPED = Path(__file__).resolve().parents[3] / "server" / "inkling" / "assets" / "default"
PREFIX = "import os\n\n\ndef load(path):\n    with open(path) as handle:\n        data = "
CANDIDATES = ["handle.read()", "json.load(handle)"]


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    return Runtime(load_checkpoint(SHIPPED))


def _teacher_forced(model: InferenceModel, vocab: Vocab, prompt: list[int], ids: list[int]) -> float:
    logits, state = model.forward(prompt, model.init_state(1))
    total = 0.0
    for token in ids:
        shifted = logits - logits.max()
        total += float(shifted[token] - np.log(np.exp(shifted).sum()))
        logits, state = model.forward([token], state)
    return total


def test_a_batch_scores_each_candidate_as_one_at_a_time_would(runtime: Runtime) -> None:
    vocab, model = runtime.vocab, runtime.model
    prompt = vocab.encode(PREFIX.rstrip(" "))  # the prompt heals off the trailing space: it is the stem
    logits, state = model.forward(prompt, model.init_state(1))
    scored = score_candidates(model, vocab, logits, state, b" ", CANDIDATES)
    assert [g.text for g in scored] == CANDIDATES
    for generation, text in zip(scored, CANDIDATES, strict=True):
        ids = vocab.encode(" " + text + "\n")
        assert generation.tokens == len(ids)
        assert np.isclose(generation.logprob, _teacher_forced(model, vocab, prompt, ids), atol=1e-3)
    bonus = score_candidates(model, vocab, logits, state, b" ", CANDIDATES, bonus=2.0)
    assert np.isclose(bonus[1].logprob, scored[1].logprob + 2.0 * scored[1].tokens)


def test_a_project_line_wins_with_its_bonus_and_not_without(runtime: Runtime) -> None:
    unusual = "decode_payload(handle.read(), strict_mode=False)"
    plain = runtime.generate(PREFIX, "\n", "line", DecodeConfig(), candidates=[unusual])
    assert plain is not None and plain[0].text != unusual
    favoured = runtime.generate(PREFIX, "\n", "line", DecodeConfig(candidate_bonus=6.0), candidates=[unusual])
    assert favoured is not None and favoured[0].text == unusual
    assert runtime.generate(PREFIX, "\n", "block", DecodeConfig(candidate_bonus=6.0), candidates=[unusual]) != favoured
