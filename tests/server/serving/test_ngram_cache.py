"""The document's n-gram cache: its mixture is still a distribution, it favours what followed the same context
in the document, and it leaves contexts it never saw alone."""

from __future__ import annotations

import numpy as np

from inkling.serving.ngram_mixture import NestedCache, NgramCache


def _uniform(size: int) -> np.ndarray:
    return np.full(size, -np.log(size))


def test_the_longest_seen_context_predicts_and_the_mixture_sums_to_one() -> None:
    ids = [5, 6, 7, 5, 6, 8, 5, 6, 7]  # after (5, 6): 7 twice, 8 once
    cache = NgramCache(ids, weight=0.5)
    mixed = cache.mix(_uniform(10), [1, 5, 6])
    p = np.exp(mixed)
    assert np.isclose(p.sum(), 1.0)
    assert np.isclose(p[7], 0.5 * 0.1 + 0.5 * 2 / 3)
    assert np.isclose(p[8], 0.5 * 0.1 + 0.5 * 1 / 3)
    assert np.isclose(p[0], 0.05)


def test_a_shorter_context_when_the_longer_one_is_new() -> None:
    cache = NgramCache([1, 2, 3, 4, 2, 9], weight=0.2)
    p = np.exp(cache.mix(_uniform(10), [7, 2]))  # (7, 2) never seen; after 2: 3 and 9
    assert np.isclose(p[3], p[9]) and p[3] > p[0]


def test_unseen_contexts_and_a_zero_weight_change_nothing() -> None:
    logp = _uniform(10)
    assert np.array_equal(NgramCache([1, 2, 3], weight=0.3).mix(logp, [8]), logp)
    assert np.array_equal(NgramCache([1, 2, 3], weight=0.0).mix(logp, [1, 2]), logp)


def test_a_higher_order_tells_apart_what_a_short_context_cannot() -> None:
    # After (1, 2) comes 3 and 4 alike; only the five tokens before say which: a copy of a whole idiom.
    ids = [9, 8, 7, 1, 2, 3, 0, 6, 5, 4, 1, 2, 4, 0]
    short = np.exp(NgramCache(ids, weight=0.5).mix(_uniform(10), [8, 7, 1, 2]))
    long = np.exp(NgramCache(ids, weight=0.5, order=6).mix(_uniform(10), [8, 7, 1, 2]))
    assert np.isclose(short[3], short[4])
    assert np.isclose(long[3], 0.5 * 0.1 + 0.5) and np.isclose(long[4], 0.05)
    assert np.isclose(long.sum(), 1.0)


def test_nested_caches_mix_the_files_then_the_projects() -> None:
    file, project = NgramCache([1, 2, 3], weight=0.5), NgramCache([1, 2, 4], weight=0.5)
    p = np.exp(NestedCache([file, project]).mix(_uniform(10), [1, 2]))
    assert np.isclose(p.sum(), 1.0)
    assert np.isclose(p[3], 0.5 * (0.5 * 0.1 + 0.5)) and np.isclose(p[4], 0.5 * 0.5 * 0.1 + 0.5)
