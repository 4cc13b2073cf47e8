"""The n-gram baseline: a token-level n-gram over BPE ids that predicts the most frequent next token.

Storage: each n-gram (context + next token) is packed into one uint64 (`bits` per id, so n * bits <= 64:
n=4 with a vocabulary of 8192 needs 52 bits). Training packs every position of the corpus, counts with
`np.unique`, and keeps, for each context of each length 0..n-1, only its top `keep` next tokens ranked by
count (ties: the smaller id): sorted context keys plus a (contexts, keep) table, looked up with
`np.searchsorted`. No Python object per n-gram survives training, so the standard library (~9M tokens)
trains in seconds in a few hundred MB, and the model is argmax-ready.

Prediction uses the longest context seen in training and backs off to shorter ones when it was never seen
("stupid backoff" without scores: the argmax of the longest seen context wins). Keeping a few candidates
instead of one lets `predict_line` heal the token boundary at the cursor: the prompt's last token is backed
off and the first generated token must extend its text, as the neural decoder does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from inkling import specials
from inkling.serving.tokenizer import special_id

U64 = npt.NDArray[np.uint64]
I32 = npt.NDArray[np.int32]

_TAIL_CHARS = 512  # how much of a long prefix predict_line encodes


@dataclass(frozen=True)
class _Table:
    """Contexts of one length: sorted packed keys and their best next tokens (-1 pads a short row)."""

    keys: U64
    best: I32  # shape (len(keys), keep)


def encode_documents(tokenizer: Tokenizer, texts: Iterable[str]) -> Iterable[list[int]]:
    """Each document's ids followed by the end-of-text id, as the language model is trained."""
    eot = special_id(tokenizer, specials.EOT)
    for text in texts:
        yield [*tokenizer.encode(text).ids, eot]


class NGramModel:
    """Most-frequent-next-token n-gram with backoff to shorter contexts."""

    def __init__(self, n: int, bits: int, tables: list[_Table]) -> None:
        self.n = n
        self.bits = bits
        self._tables = tables  # tables[k]: contexts of length k (k = 0 is the unigram)

    @classmethod
    def train(cls, token_streams: Iterable[list[int]], n: int = 4, keep: int = 4) -> NGramModel:
        """Count every n-gram of the concatenated streams and keep the top `keep` next tokens per context."""
        if n < 1 or keep < 1:
            raise ValueError(f"need n >= 1 and keep >= 1, got n={n}, keep={keep}")
        chunks = [np.asarray(stream, dtype=np.int64) for stream in token_streams if stream]
        tokens = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
        if len(tokens) and tokens.min() < 0:
            raise ValueError("token ids must be non-negative")
        bits = max(1, int(tokens.max()).bit_length()) if len(tokens) else 1
        if n * bits > 64:
            raise ValueError(f"{n}-grams of {bits}-bit ids do not fit in 64 bits")
        ids = tokens.astype(np.uint64)
        del chunks, tokens
        tables = [_count(ids, k, bits, keep) for k in range(n)]
        return cls(n, bits, tables)

    @property
    def contexts(self) -> int:
        """How many distinct contexts the model keeps, over all lengths."""
        return sum(len(table.keys) for table in self._tables)

    @property
    def nbytes(self) -> int:
        """Memory held by the tables."""
        return sum(table.keys.nbytes + table.best.nbytes for table in self._tables)

    def next_token(self, context: Sequence[int], accept: Callable[[int], bool] | None = None) -> int | None:
        """The most frequent next token after the longest seen suffix of context; None if nothing is known.

        With `accept`, the most frequent accepted token among the kept candidates, backing off further
        when no candidate of a context is accepted.
        """
        for k in range(min(self.n - 1, len(context)), -1, -1):
            row = self._row(context[len(context) - k :] if k else ())
            if row is None:
                continue
            for token in row:
                if token < 0:
                    break
                if accept is None or accept(int(token)):
                    return int(token)
        return None

    def predict_line(
        self, tokenizer: Tokenizer, prefix: str, suffix: str = "", max_tokens: int = 48, heal: bool = True
    ) -> str:
        """Greedy first line after prefix (suffix is unused: the model is left to right).

        Stops at a token whose text holds a newline (keeping what comes before it), at a special token or
        after max_tokens. With `heal`, the prompt's last token is backed off and the first generated token
        must start with its text; when no seen context offers one, the prompt is used as it is.
        """
        stops = {tid for tok in specials.ALL if (tid := tokenizer.token_to_id(tok)) is not None}
        eot = special_id(tokenizer, specials.EOT)
        context = _encode_tail(tokenizer, prefix, eot)
        generated: list[int] = []
        healed = ""
        if heal and len(context) > 1:
            healed = tokenizer.decode([context[-1]])
            first = self.next_token(
                context[:-1], lambda t: t not in stops and tokenizer.decode([t]).startswith(healed)
            )
            if first is not None:
                context.pop()
                context.append(first)
                generated.append(first)
            else:
                healed = ""
        while len(generated) < max_tokens:
            if "\n" in tokenizer.decode(generated)[len(healed) :]:
                break
            token = self.next_token(context)
            if token is None or token in stops:
                break
            context.append(token)
            generated.append(token)
        text = tokenizer.decode(generated)[len(healed) :]
        return text.split("\n", 1)[0].removesuffix("\r")

    def _row(self, context: Sequence[int]) -> I32 | None:
        table = self._tables[len(context)]
        key = np.uint64(0)
        for token in context:
            if token < 0 or token >> self.bits:
                return None  # an id the training data never held
            key = (key << np.uint64(self.bits)) | np.uint64(token)
        i = int(np.searchsorted(table.keys, key))
        if i < len(table.keys) and table.keys[i] == key:
            row: I32 = table.best[i]
            return row
        return None


def _encode_tail(tokenizer: Tokenizer, prefix: str, eot: int) -> list[int]:
    """The ids that end the prefix: only its last lines are encoded, which gives the same last tokens.

    Byte-level pre-tokenization splits text locally, so starting at a line start changes at most the first
    pre-token; an n-gram needs only the last n - 1 ids. A whole prefix starts after an end of text, as each
    training document follows the previous one's.
    """
    if len(prefix) <= _TAIL_CHARS:
        return [eot, *tokenizer.encode(prefix).ids]
    start = prefix.find("\n", len(prefix) - _TAIL_CHARS, len(prefix) - _TAIL_CHARS // 2) + 1
    start = start or len(prefix) - _TAIL_CHARS
    return list(tokenizer.encode(prefix[start:]).ids)


def _count(ids: U64, k: int, bits: int, keep: int) -> _Table:
    """The table for contexts of length k over ids."""
    width = np.uint64(bits)
    count = len(ids) - k
    if count <= 0:
        return _Table(np.zeros(0, dtype=np.uint64), np.zeros((0, keep), dtype=np.int32))
    packed = np.zeros(count, dtype=np.uint64)
    for j in range(k + 1):  # context tokens, then the next token, from the high bits down
        packed <<= width
        packed |= ids[j : j + count]
    grams, counts = np.unique(packed, return_counts=True)
    del packed
    context = grams >> width
    nxt = (grams & np.uint64((1 << bits) - 1)).astype(np.int32)
    # grams are sorted, so contexts are grouped; order each group by count (desc), then id (asc).
    order = np.lexsort((nxt, -counts, context))
    context, nxt = context[order], nxt[order]
    new_group = np.empty(len(context), dtype=bool)
    new_group[0] = True
    new_group[1:] = context[1:] != context[:-1]
    group = np.cumsum(new_group) - 1
    starts = np.flatnonzero(new_group)
    rank = np.arange(len(context)) - starts[group]
    best = np.full((len(starts), keep), -1, dtype=np.int32)
    top = rank < keep
    best[group[top], rank[top]] = nxt[top]
    return _Table(context[starts], best)
