"""The loaded model at run time: a per-document cache of RNN states, so a keystroke feeds only new tokens."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from inkling.lm.cache import NgramCache
from inkling.lm.checkpoint import Checkpoint
from inkling.lm.decode import DecodeConfig, DecodeMode, Generation, beam_search
from inkling.lm.inference import InferenceModel, State
from inkling.lm.members import Members
from inkling.lm.prompt import Prompt, Vocab, build_prompt, docstring_prompt

STRIDE = 16  # near the end of a prompt (where typing happens) a state is kept every STRIDE tokens,
FAR_STRIDE = 256  # and further back every FAR_STRIDE tokens: one long call is twice as fast as 16 short ones


def single_thread() -> None:
    """Run the model on one thread, for a process that serves completions.

    Batch-1 steps are too small to split, and two BLAS threads sharing two busy cores with the editor
    and other processes spin-wait: measured (with torch) 60 ms per cut point with one thread against 5 s
    with two while another process kept one core busy. (Process-wide, so training keeps its threads elsewhere.)
    """
    threadpool_limits(1)


@dataclass
class _Entry:
    ids: list[int]
    states: dict[int, State]  # position → the state after ids[:position]


def _common_length(a: list[int], b: list[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class Runtime:
    """Runs prompts through the model, reusing the states of the longest unchanged start of each document's
    previous prompt. Not thread-safe: call it from one thread (the engine's model thread)."""

    def __init__(self, checkpoint: Checkpoint, documents: int = 16) -> None:
        self.checkpoint = checkpoint
        self.model = InferenceModel(checkpoint)
        self.vocab = Vocab(checkpoint.tokenizer)
        self.documents = documents
        self._cache: OrderedDict[str, _Entry] = OrderedDict()
        self.fed_tokens = 0  # tokens run through the model for prompts, for the benchmark and tests

    def forget(self, document: str) -> None:
        self._cache.pop(document, None)

    def _prompt_state(
        self, document: str, ids: list[int], cancelled: Callable[[], bool]
    ) -> tuple[np.ndarray, State] | None:
        """The next-token logits (V,) and state after `ids`; None when cancelled part way."""
        entry = self._cache.pop(document, None) or _Entry([], {0: self.model.init_state(1)})
        usable = min(_common_length(entry.ids, ids), len(ids) - 1)  # feed at least one token
        start = max(p for p in entry.states if p <= usable)
        states = {p: state for p, state in entry.states.items() if p <= start}
        hidden = states[start]
        near = max(len(ids) - FAR_STRIDE, 0) // STRIDE * STRIDE  # from here on, states every STRIDE
        logits = np.empty(0, np.float32)
        while start < len(ids):
            if cancelled():  # keep what was fed: the next keystroke's request goes on from there
                self._cache[document] = _Entry(ids[:start], states)
                return None
            if start < near:  # far from the cursor: long calls
                end = min(start - start % FAR_STRIDE + FAR_STRIDE, near)
            else:
                end = min(start - start % STRIDE + STRIDE, len(ids))
            logits, hidden = self.model.forward(ids[start:end], hidden)
            self.fed_tokens += end - start
            start = end
            if start % STRIDE == 0:
                states[start] = hidden
        self._cache[document] = _Entry(ids, states)
        while len(self._cache) > self.documents:
            self._cache.popitem(last=False)
        return logits, hidden

    def generate(
        self,
        prefix: str,
        suffix: str,
        mode: DecodeMode,
        config: DecodeConfig | None = None,
        document: str = "",
        cancelled: Callable[[], bool] = lambda: False,
        members: Members | None = None,
    ) -> list[Generation] | None:
        """Hypotheses for the cursor between prefix and suffix, best first; None when cancelled. With
        `members`, the identifier after the member-access dot at the cursor is one of their names."""
        config = config or DecodeConfig()
        prompt = build_prompt(
            self.vocab, prefix, suffix, config.context_chars, config.suffix_chars, config.fill_in_the_middle
        )
        return self._decode(prompt, mode, config, document, cancelled, members)

    def generate_docstring(
        self,
        prefix: str,
        config: DecodeConfig | None = None,
        document: str = "",
        cancelled: Callable[[], bool] = lambda: False,
    ) -> list[Generation] | None:
        """Hypotheses for the first line of the docstring of the function `prefix` ends with (see
        `docstring_prompt`); None when cancelled."""
        config = config or DecodeConfig()
        prompt = docstring_prompt(self.vocab, prefix, config.context_chars)
        return self._decode(prompt, "docstring", config, document, cancelled)

    def _decode(
        self,
        prompt: Prompt,
        mode: DecodeMode,
        config: DecodeConfig,
        document: str,
        cancelled: Callable[[], bool],
        members: Members | None = None,
    ) -> list[Generation] | None:
        state = self._prompt_state(document, prompt.ids, cancelled)
        if state is None:
            return None
        logits, hidden = state
        cache = NgramCache(prompt.ids, config.cache_weight) if config.cache_weight > 0 else None
        return beam_search(
            self.model,
            self.vocab,
            logits,
            hidden,
            prompt.stem,
            mode,
            prompt.line,
            config,
            cancelled,
            cache,
            prompt.ids,
            members,
        )
