"""Scoring whole-line candidates from elsewhere (lines of the user's project) with the model, teacher-forced in
one batch from the prompt's state, so that they compete with the beam's hypotheses on the same scale."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from inkling.serving.decode import Generation
from inkling.serving.inference import InferenceModel, State
from inkling.serving.ngram_mixture import MAX_ORDER, NestedCache
from inkling.serving.prompt import Vocab

MAX_TOKENS = 32  # a candidate longer than this (in tokens) is not scored


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    result: np.ndarray = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return result


def score_candidates(
    model: InferenceModel,
    vocab: Vocab,
    logits: np.ndarray,
    hidden: State,
    stem: bytes,
    texts: Sequence[str],
    cache: NestedCache | None = None,
    context: Sequence[int] = (),
    bonus: float = 0.0,
    floor: float = -np.inf,
    max_tokens: int = MAX_TOKENS,
) -> list[Generation]:
    """Each text (what follows the cursor, to the end of its line) as a Generation whose log-probability is the
    model's (with the caches mixed in, as in beam search) for the healed stem, the text and a line break, plus
    `bonus` per token: a whole line found verbatim in the project is evidence the model's score leaves out,
    and more of it the longer the line. Texts whose tokens do not start with the stem's are left out, and so
    are those longer than `max_tokens` and those that cannot score `floor` (the beam's best): they are read
    only as far as that is known."""
    try:
        head = stem.decode("utf-8")
    except UnicodeDecodeError:
        return []
    sequences: list[tuple[str, list[int]]] = []
    for text in texts:
        ids = vocab.encode(head + text + "\n")
        if 0 < len(ids) <= max_tokens and b"".join(vocab.bytes[i] for i in ids).startswith(stem):
            sequences.append((text, ids))
    if not sequences:
        return []
    totals = np.zeros(len(sequences))
    alive = list(range(len(sequences)))  # rows still read: those that may yet beat `floor`
    states = tuple(np.repeat(h, len(alive), axis=1) for h in hidden)
    logp = np.repeat(_log_softmax(logits.reshape(1, -1)), len(alive), axis=0)
    recent = list(context)[-MAX_ORDER:]
    for t in range(max(len(ids) for _, ids in sequences)):
        for row, b in enumerate(alive):
            ids = sequences[b][1]
            if t < len(ids):
                scores = logp[row] if cache is None else cache.mix(logp[row], [*recent, *ids[:t]])
                totals[b] += scores[ids[t]]
        # a log-probability only falls as text grows: a row whose total with its whole bonus is below
        # `floor` cannot win, and a finished row has nothing left to read
        keep = [
            row
            for row, b in enumerate(alive)
            if t + 1 < len(sequences[b][1]) and totals[b] + bonus * len(sequences[b][1]) >= floor
        ]
        if not keep:
            break
        tokens = np.array([sequences[alive[row]][1][t] for row in keep], dtype=np.int64)
        states = tuple(h[:, keep] for h in states)
        alive = [alive[row] for row in keep]
        step_logits, states = model.step(tokens, states)
        logp = _log_softmax(step_logits)
    scored = [
        Generation(text, float(total) + bonus * len(ids), len(ids))
        for (text, ids), total in zip(sequences, totals, strict=True)
    ]
    return [g for g in scored if g.logprob >= floor]
