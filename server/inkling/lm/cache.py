"""A token n-gram cache of the document being edited, mixed into the model's next-token distribution so that
identifiers the file already uses are copied (the cache component of Grave et al., 2017, with n-grams)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

ORDER = 3  # a context of up to ORDER - 1 tokens predicts the next


class NgramCache:
    """Next-token counts after every context of 1..ORDER-1 tokens in a document's token ids."""

    def __init__(self, ids: list[int], weight: float) -> None:
        self.weight = weight
        self._next: defaultdict[tuple[int, ...], Counter[int]] = defaultdict(Counter)
        for n in range(1, ORDER):
            for i in range(n, len(ids)):
                self._next[tuple(ids[i - n : i])][ids[i]] += 1

    def mix(self, logp: np.ndarray, context: list[int]) -> np.ndarray:
        """`logp` (V,) mixed with the cache's distribution after `context` (its longest seen context):
        log((1 - w) p + w q). Unchanged when the cache has never seen the context."""
        counts = None
        for n in range(ORDER - 1, 0, -1):
            if len(context) >= n:
                counts = self._next.get(tuple(context[-n:]))
                if counts:
                    break
        if not counts or self.weight <= 0.0:
            return logp
        mixed = logp + math.log1p(-self.weight)
        total = sum(counts.values())
        tokens = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        q = np.fromiter(counts.values(), dtype=np.float64, count=len(counts)) / total
        mixed[tokens] = np.logaddexp(mixed[tokens], np.log(self.weight * q))
        return mixed
