"""Token n-gram caches mixed into the model's next-token distribution so that identifiers and idioms of the
document, and of the project code retrieved for it, are copied (the cache component of Grave et al., 2017,
with n-grams; nested as in Hellendoorn and Devanbu, 2017: the file's own cache, then the project's)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

ORDER = 3  # the file's cache: a context of up to ORDER - 1 tokens predicts the next
MAX_ORDER = 8  # the longest any cache may use (decoding keeps this many tokens of context)
_PRIME = 0x9E3779B97F4A7C15  # contexts are hashed to 64 bits: h = h * _PRIME + token (mod 2**64)
_MASK = (1 << 64) - 1


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


class NgramCache:
    """Next-token counts after every context of 1..order-1 tokens in some token ids: per context length, the
    contexts' hashes sorted, with the tokens that followed them (built in about a millisecond for a few
    thousand tokens: the file's is rebuilt per request)."""

    def __init__(self, ids: Sequence[int], weight: float, order: int = ORDER) -> None:
        self.weight = weight
        self.order = max(2, min(order, MAX_ORDER))
        tokens = np.asarray(ids, dtype=np.int64)
        self._levels: list[tuple[np.ndarray, np.ndarray]] = []  # per context length: (hashes, next tokens)
        context = np.zeros(max(0, len(tokens) - 1), dtype=np.int64)
        with np.errstate(over="ignore"):
            for n in range(1, self.order):
                if len(tokens) <= n:
                    self._levels.append((np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)))
                    continue
                # context[i] hashes tokens[i : i + n]; it predicts tokens[i + n]
                context = context[: len(tokens) - n] * np.int64(_signed(_PRIME)) + tokens[n - 1 : len(tokens) - 1]
                following = tokens[n:]
                ranked = np.lexsort((following, context))
                self._levels.append((context[ranked], following[ranked]))

    def _next(self, context: Sequence[int]) -> np.ndarray:
        """The tokens that followed the longest context (of its last order-1 tokens) the ids have."""
        for n in range(min(self.order - 1, len(context)), 0, -1):
            code = 0
            for token in context[-n:]:
                code = (code * _PRIME + token) & _MASK
            hashes, following = self._levels[n - 1]
            key = _signed(code)
            low, high = int(np.searchsorted(hashes, key, "left")), int(np.searchsorted(hashes, key, "right"))
            if high > low:
                return following[low:high]
        return np.empty(0, dtype=np.int64)

    def mix(self, logp: np.ndarray, context: Sequence[int]) -> np.ndarray:
        """`logp` (V,) mixed with the cache's distribution after `context`: log((1 - w) p + w q).
        Unchanged when the cache has never seen the context."""
        following = self._next(context) if self.weight > 0.0 else np.empty(0, dtype=np.int64)
        if len(following) == 0:
            return logp
        tokens, counts = np.unique(following, return_counts=True)
        mixed = logp + math.log1p(-self.weight)
        mixed[tokens] = np.logaddexp(mixed[tokens], np.log(self.weight * counts / len(following)))
        return mixed


class NestedCache:
    """Caches mixed one after the other, the innermost (the file's) first."""

    def __init__(self, caches: Sequence[NgramCache]) -> None:
        self.caches = [c for c in caches if c.weight > 0.0]

    def mix(self, logp: np.ndarray, context: Sequence[int]) -> np.ndarray:
        for cache in self.caches:
            logp = cache.mix(logp, context)
        return logp
