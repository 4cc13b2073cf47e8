"""The loaded model at run time: per-document RNN states, so a keystroke (or a jump) feeds only a few tokens.

Two kinds of states are kept per document: those along the last prompt (where typing goes on), and with
whole-file state those along the whole document (its "spine"), fed in the background after it was opened or
changed, so that a request anywhere in it starts from a state at most one spine stride before the cursor.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from inkling.serving.candidates import score_candidates
from inkling.serving.checkpoint import Checkpoint
from inkling.serving.decode import DecodeConfig, Generation, beam_search
from inkling.serving.inference import InferenceModel, State
from inkling.serving.members import Members
from inkling.serving.ngram_mixture import NestedCache, NgramCache
from inkling.serving.prompt import Prompt, Vocab, build_prompt, docstring_prompt, spaces_for_tabs
from inkling.serving.stops import DecodeMode

STRIDE = 16  # near the end of a prompt (where typing happens) a state is kept every STRIDE tokens,
FAR_STRIDE = 256  # and further back every FAR_STRIDE tokens: one long call is twice as fast as 16 short ones
SPINE_STRIDE = 32  # along a whole document a state every SPINE_STRIDE tokens (3 KiB each for the shipped model),
SPINE_STATES = 1024  # and at most about this many per document: a longer one's stride grows
SPINES = 24  # documents whose spine is kept (least recently used first out)
SCORED_TOKENS = 256  # the longest code `score` reads
MAX_WHOLE_CHARS = 300_000  # a longer document is read through the window only (tokenizing it takes seconds)


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
    while i + 256 <= n and a[i : i + 256] == b[i : i + 256]:  # whole blocks compared in C
        i += 256
    while i < n and a[i] == b[i]:
        i += 1
    return i


def spine_stride(tokens: int) -> int:
    """The spacing of the states kept along a document of `tokens` tokens."""
    return max(SPINE_STRIDE, -(-tokens // SPINE_STATES))


def _start(entry: _Entry | None, ids: list[int]) -> tuple[int, _Entry | None]:
    """The furthest position of `ids` (short of its end) at which `entry` has the state."""
    if entry is None:
        return 0, None
    usable = min(_common_length(entry.ids, ids), len(ids) - 1)  # feed at least one token
    return max(p for p in entry.states if p <= usable), entry


class Runtime:
    """Runs prompts through the model, reusing the states of the longest unchanged start of each document's
    previous prompt. Not thread-safe: call it from one thread (the engine's model thread)."""

    def __init__(self, checkpoint: Checkpoint, documents: int = 16) -> None:
        self.checkpoint = checkpoint
        self.model = InferenceModel(checkpoint)
        self.vocab = Vocab(checkpoint.tokenizer)
        self.documents = documents
        self._cache: OrderedDict[str, _Entry] = OrderedDict()  # document → states along its last prompt
        self._spines: OrderedDict[str, _Entry] = OrderedDict()  # document → states along its whole text
        self.fed_tokens = 0  # tokens run through the model for prompts, for the benchmark and tests

    def forget(self, document: str) -> None:
        self._cache.pop(document, None)
        self._spines.pop(document, None)

    def spine_states(self) -> int:
        """How many states the spines hold, all documents together (for the memory cap's tests)."""
        return sum(len(entry.states) for entry in self._spines.values())

    def warm(self, document: str, text: str, stop: Callable[[], bool]) -> bool:
        """Feed the whole of `text` (the document's contents) and keep states along it, from the first token
        that differs from what was fed before; True once done, False when `stop()` said to pause (what was
        fed is kept, and the next call goes on from there). A text over MAX_WHOLE_CHARS is not fed."""
        if len(text) > MAX_WHOLE_CHARS:
            self._spines.pop(document, None)
            return True
        ids = [self.vocab.eot, *self.vocab.encode(spaces_for_tabs(text))]
        old = self._spines.pop(document, None)
        start, _ = _start(old, ids)
        states = {0: self.model.init_state(1)} if old is None else {}
        states.update({p: state for p, state in (old.states.items() if old else ()) if p <= start})
        stride, hidden = spine_stride(len(ids)), states[start]
        done = True
        while start < len(ids):
            if stop():
                done = False
                break
            end = min(start - start % stride + stride, len(ids))
            _, hidden = self.model.forward(ids[start:end], hidden)
            self.fed_tokens += end - start
            start = end
            states[start] = hidden
        self._spines[document] = _Entry(ids, states)
        while len(self._spines) > SPINES:
            self._spines.popitem(last=False)
        return done

    def _prompt_state(
        self, document: str, ids: list[int], cancelled: Callable[[], bool]
    ) -> tuple[np.ndarray, State] | None:
        """The next-token logits (V,) and state after `ids`; None when cancelled part way."""
        cursor, spine = self._cache.pop(document, None), self._spines.get(document)
        start, entry = max(_start(cursor, ids), _start(spine, ids), key=lambda found: found[0])
        if entry is None:
            entry = _Entry([], {0: self.model.init_state(1)})
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
        scope: Members | None = None,
        related: Sequence[int] = (),
        candidates: Sequence[str] = (),
    ) -> list[Generation] | None:
        """Hypotheses for the cursor between prefix and suffix, best first; None when cancelled. With
        `members`, the identifier after the member-access dot at the cursor is one of their names; with
        `scope`, an identifier there that starts none of their names costs `config.scope_bonus`; `related`
        (token ids of project code like the cursor's) feeds the project n-gram cache; `candidates` (rests of
        the line, from the project) are scored beside the beam's hypotheses in line mode."""
        config = config or DecodeConfig()

        def prompt_of(context_chars: int) -> Prompt:
            fim = config.fill_in_the_middle
            return build_prompt(self.vocab, prefix, suffix, context_chars, config.suffix_chars, fim)

        prompt = prompt_of(config.context_chars)
        if config.whole_file and config.context_chars < len(prefix) and len(prefix) + len(suffix) <= MAX_WHOLE_CHARS:
            whole = prompt_of(len(prefix))  # the window's instead while the file is not fed that far yet
            if self._to_feed(document, whole.ids) <= self._to_feed(document, prompt.ids):
                prompt = whole
        return self._decode(prompt, mode, config, document, cancelled, members, scope, related, candidates)

    def score(
        self,
        prefix: str,
        suffix: str,
        texts: Sequence[str],
        config: DecodeConfig | None = None,
        document: str = "",
        cancelled: Callable[[], bool] = lambda: False,
    ) -> list[Generation] | None:
        """Each of `texts` (code that could follow `prefix`, up to a line break) with the model's log-probability
        of it, teacher-forced in one batch, in their order (those the model cannot read whole are left out);
        None when cancelled."""
        config = config or DecodeConfig()
        fim = config.fill_in_the_middle
        prompt = build_prompt(self.vocab, prefix, suffix, config.context_chars, config.suffix_chars, fim)
        state = self._prompt_state(document, prompt.ids, cancelled)
        if state is None:
            return None
        cache = NgramCache(prompt.ids, config.cache_weight) if config.cache_weight > 0 else None
        nested = NestedCache([cache]) if cache is not None else None
        return score_candidates(
            self.model, self.vocab, *state, prompt.stem, texts, nested, prompt.ids, max_tokens=SCORED_TOKENS
        )

    def _to_feed(self, document: str, ids: list[int]) -> int:
        """How many of `ids` the model would have to read, from the best state kept for the document."""
        return len(ids) - max(_start(self._cache.get(document), ids)[0], _start(self._spines.get(document), ids)[0])

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
        scope: Members | None = None,
        related: Sequence[int] = (),
        candidates: Sequence[str] = (),
    ) -> list[Generation] | None:
        state = self._prompt_state(document, prompt.ids, cancelled)
        if state is None:
            return None
        logits, hidden = state
        caches = [NgramCache(prompt.ids, config.cache_weight)] if config.cache_weight > 0 else []
        if related and config.project_weight > 0:
            caches.append(NgramCache(related, config.project_weight, config.project_order))
        cache = NestedCache(caches) if caches else None
        found = beam_search(
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
            scope,
        )
        if found is None or mode != "line" or not candidates:
            return found
        floor = found[0].logprob if found else -np.inf  # only a candidate that beats the beam's best counts
        scored = score_candidates(
            self.model,
            self.vocab,
            logits,
            hidden,
            prompt.stem,
            candidates,
            cache,
            prompt.ids,
            config.candidate_bonus,
            floor,
        )
        best: dict[str, Generation] = {}
        for generation in [*found, *scored]:
            if generation.text not in best or generation.logprob > best[generation.text].logprob:
                best[generation.text] = generation
        return sorted(best.values(), key=lambda g: g.logprob, reverse=True)
