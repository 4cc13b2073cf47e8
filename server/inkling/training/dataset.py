"""Token streams for training: each epoch's transformed, encoded corpus cut into TBPTT batches."""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import torch
from tokenizers import Tokenizer

from inkling import specials
from inkling.data.transforms import TransformConfig, transform_document
from inkling.errors import InklingError
from inkling.serving.tokenizer import special_id


def encode_stream(tokenizer: Tokenizer, texts: Sequence[str]) -> np.ndarray:
    """Encode documents and join them into one stream, each followed by the end-of-file token."""
    eot = special_id(tokenizer, specials.EOT)
    parts: list[np.ndarray] = []
    for encoding in tokenizer.encode_batch(list(texts)):
        parts.append(np.asarray(encoding.ids, dtype=np.int32))
        parts.append(np.asarray([eot], dtype=np.int32))
    if not parts:
        return np.zeros(0, dtype=np.int32)
    return np.concatenate(parts)


def epoch_stream(
    tokenizer: Tokenizer, texts: Sequence[str], seed: int, epoch: int, transforms: TransformConfig
) -> np.ndarray:
    """The training stream of one epoch: documents shuffled and transformed, deterministic in (seed, epoch)."""
    rng = random.Random(f"inkling-{seed}-{epoch}")
    order = list(range(len(texts)))
    rng.shuffle(order)
    return encode_stream(tokenizer, [transform_document(texts[i], rng, transforms) for i in order])


PAD = -1  # target id of padding in document rows: no loss, no bytes


def document_rows(
    tokenizer: Tokenizer, texts: Sequence[str], n_rows: int, max_tokens: int | None = None
) -> torch.Tensor:
    """Whole documents, each behind an end-of-file token, packed into rows padded with PAD: (R, N).

    Every row starts at a document boundary, as completion in an editor does; evaluating rows cut from
    the middle of a file with a zero state measures a condition the model never meets.
    """
    eot = special_id(tokenizer, specials.EOT)
    docs: list[list[int]] = []
    total = 0
    for encoding in tokenizer.encode_batch(list(texts)):
        if max_tokens is not None and total >= max_tokens:
            break
        docs.append([eot, *encoding.ids])
        total += len(docs[-1])
    rows: list[list[int]] = [[] for _ in range(max(1, min(n_rows, len(docs))))]
    for doc in sorted(docs, key=len, reverse=True):  # longest first into the shortest row: little padding
        min(rows, key=len).extend(doc)
    width = max(len(row) for row in rows)
    if width < 2:
        raise InklingError("no text to evaluate")
    out = torch.full((len(rows), width), PAD, dtype=torch.int64)
    for index, row in enumerate(rows):
        out[index, : len(row)] = torch.tensor(row, dtype=torch.int64)
    return out


def batchify(stream: np.ndarray, batch_size: int) -> torch.Tensor:
    """Cut a stream into `batch_size` contiguous rows (word_language_model style): (B, N // B)."""
    n = len(stream) // batch_size
    if n < 2:
        raise InklingError(
            f"the training split is too small: {len(stream)} tokens for a batch size of {batch_size}"
        )
    return torch.from_numpy(stream[: n * batch_size].astype(np.int64)).view(batch_size, n)


def num_windows(rows: torch.Tensor, seq_len: int) -> int:
    return (rows.size(1) - 1 + seq_len - 1) // seq_len


def window(rows: torch.Tensor, index: int, seq_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The index-th TBPTT window: inputs (B, T) and next-token targets (B, T)."""
    start = index * seq_len
    length = min(seq_len, rows.size(1) - 1 - start)
    return rows[:, start : start + length], rows[:, start + 1 : start + 1 + length]


def byte_lengths(tokenizer: Tokenizer) -> torch.Tensor:
    """Bytes each token stands for (byte-level BPE: one character of the token string per byte)."""
    vocab = tokenizer.get_vocab_size()
    lengths = torch.zeros(vocab, dtype=torch.float64)
    special_ids = {special_id(tokenizer, tok) for tok in specials.ALL}
    for token_id in range(vocab):
        token = tokenizer.id_to_token(token_id)
        if token is not None and token_id not in special_ids:
            lengths[token_id] = len(token)
    return lengths
