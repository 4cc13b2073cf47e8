"""A token n-gram cache of the document being edited, mixed into the model's next-token distribution so that
identifiers the file already uses are copied (the cache component of Grave et al., 2017, with n-grams)."""

from __future__ import annotations

import math

import numpy as np

ORDER = 3  # a context of up to ORDER - 1 tokens predicts the next
_BASE = 1 << 20  # token ids are below this: a context and its next token pack into one int64


class NgramCache:
    """Next-token counts after every context of 1..ORDER-1 tokens in a document's token ids, as sorted
    packed keys (built in a fraction of a millisecond for a few thousand tokens: it is rebuilt per request)."""

    def __init__(self, ids: list[int], weight: float) -> None:
        self.weight = weight
        tokens = np.asarray(ids, dtype=np.int64)
        self._keys: list[np.ndarray] = []  # per context length n = 1..ORDER-1: sorted context * BASE + next
        for n in range(1, ORDER):
            if len(tokens) <= n:
                self._keys.append(np.empty(0, dtype=np.int64))
                continue
            context = np.zeros(len(tokens) - n, dtype=np.int64)
            for k in range(n):
                context = context * _BASE + tokens[k : len(tokens) - n + k]
            self._keys.append(np.sort(context * _BASE + tokens[n:]))

    def _next(self, context: list[int]) -> np.ndarray:
        """The tokens that followed the longest context (of its last ORDER-1 tokens) the document has."""
        for n in range(min(ORDER - 1, len(context)), 0, -1):
            code = 0
            for token in context[-n:]:
                code = code * _BASE + token
            keys = self._keys[n - 1]
            low, high = np.searchsorted(keys, [code * _BASE, (code + 1) * _BASE])
            if high > low:
                return keys[low:high] - code * _BASE
        return np.empty(0, dtype=np.int64)

    def mix(self, logp: np.ndarray, context: list[int]) -> np.ndarray:
        """`logp` (V,) mixed with the cache's distribution after `context`: log((1 - w) p + w q).
        Unchanged when the cache has never seen the context."""
        following = self._next(context) if self.weight > 0.0 else np.empty(0, dtype=np.int64)
        if len(following) == 0:
            return logp
        tokens, counts = np.unique(following, return_counts=True)
        mixed = logp + math.log1p(-self.weight)
        mixed[tokens] = np.logaddexp(mixed[tokens], np.log(self.weight * counts / len(following)))
        return mixed
