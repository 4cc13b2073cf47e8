"""Scoring whole-line candidates from elsewhere (lines of the user's project) with the model, teacher-forced in
one batch from the prompt's state, so that they compete with the beam's hypotheses on the same scale."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from inkling.lm.cache import MAX_ORDER, NestedCache
from inkling.lm.decode import Generation
from inkling.lm.inference import InferenceModel, State
from inkling.lm.prompt import Vocab

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
) -> list[Generation]:
    """Each text (what follows the cursor, to the end of its line) as a Generation whose log-probability is the
    model's (with the caches mixed in, as in beam search) for the healed stem, the text and a line break, plus
    `bonus` per token: a whole line found verbatim in the project is evidence the model's score leaves out,
    and more of it the longer the line. Texts whose tokens do not start with the stem's are left out."""
    try:
        head = stem.decode("utf-8")
    except UnicodeDecodeError:
        return []
    sequences: list[tuple[str, list[int]]] = []
    for text in texts:
        ids = vocab.encode(head + text + "\n")
        if 0 < len(ids) <= MAX_TOKENS and b"".join(vocab.bytes[i] for i in ids).startswith(stem):
            sequences.append((text, ids))
    if not sequences:
        return []
    batch = len(sequences)
    length = max(len(ids) for _, ids in sequences)
    states = tuple(np.repeat(h, batch, axis=1) for h in hidden)
    logp = np.repeat(_log_softmax(logits.reshape(1, -1)), batch, axis=0)
    totals = np.zeros(batch)
    recent = list(context)[-MAX_ORDER:]
    for t in range(length):
        tokens = np.zeros(batch, dtype=np.int64)
        for b, (_, ids) in enumerate(sequences):
            if t < len(ids):
                row = logp[b] if cache is None else cache.mix(logp[b], [*recent, *ids[:t]])
                totals[b] += row[ids[t]]
                tokens[b] = ids[t]
        if t + 1 < length:
            step_logits, states = model.step(tokens, states)
            logp = _log_softmax(step_logits)
    return [
        Generation(text, float(total) + bonus * len(ids), len(ids))
        for (text, ids), total in zip(sequences, totals, strict=True)
    ]
