"""The completion engine: the model on its own single-thread executor; requests in, post-processed suggestions out.

The newest request for a document wins: each request takes a ticket for its document, and generation
gives up at the next token once a newer ticket exists or the request was cancelled.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import unquote, urlparse

import numpy as np

from inkling.completion import items
from inkling.completion.adapt import adaptations, load_shipped
from inkling.completion.feeding import DELAY_S, Feeder, Text
from inkling.completion.gate import decide
from inkling.completion.generate import Target, find_target
from inkling.completion.postprocess import Context, run
from inkling.completion.project import Project
from inkling.completion.scaffold import Plan, Scaffold, build
from inkling.completion.scope import bare_name, names_in_scope
from inkling.completion.summary import Summary, clean, find_function
from inkling.completion.summary import Target as Function
from inkling.completion.types import Request, Suggestion
from inkling.context.names import NameCheck
from inkling.context.snippets import SnippetIndex
from inkling.lm.checkpoint import load_checkpoint
from inkling.lm.decode import DecodeConfig, Generation
from inkling.lm.members import Members
from inkling.lm.runtime import Runtime
from inkling.settings import Settings
from inkling.style.detect import Style, detect
from inkling.style.docstring import insert_docstring
from inkling.style.edit import MAX_STYLE_CHARS, Edit, minimal_edit

if TYPE_CHECKING:
    from inkling.context.members import MemberAnalyzer

T = TypeVar("T")
SUMMARIES = 512  # cached hover summaries
STYLE_SAMPLE = 20_000  # characters on each side of the cursor that style detection reads
STYLE_REREAD = 2_000  # characters of change after which a document's style is detected again
CODE_LINES = 24  # the most lines generated code (after a comment, or a function's body) may have
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class Change:
    """What a command computed: the edit to apply, or why there is none."""

    edit: Edit | None
    reason: str = ""


def _never() -> bool:
    return False


def _path(uri: str) -> str | None:
    """The file path of a file: URI (for the analysis to find the project's modules), else None."""
    if not uri.startswith("file://"):
        return None
    return unquote(urlparse(uri).path) or None


class Engine:
    """Owns the model; every model call runs on one dedicated thread, never on the protocol's threads."""

    def __init__(self, model_dir: Path, settings: Settings | None = None) -> None:
        self.model_dir = model_dir
        self.settings = settings or Settings()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkling-model")
        self.last_latency_ms: float | None = None
        self._runtime: Runtime | None = None
        self._styles: dict[str, tuple[int, Style]] = {}  # document → (its length then, its style)
        self._summaries: dict[str, str] = {}  # a function's prompt hash → its generated summary
        self._tickets: dict[str, int] = {}
        self._lock = threading.Lock()
        self._analyzer: MemberAnalyzer | None = None  # jedi, loaded once constrainMembers asks for it
        self._scope: tuple[frozenset[str], frozenset[bytes], dict[bytes, np.ndarray | None]] = (
            frozenset(),
            frozenset(),
            {},
        )
        self.feeder = Feeder(self.executor, self._feed)  # whole-file state, read in the background
        self.project: Project | None = None  # the workspace index, once the client named its folders
        self._shipped: tuple[Path, SnippetIndex | None] | None = None  # (model folder, its snippet index)

    # --- the model (on the model thread) ---

    @property
    def runtime(self) -> Runtime:
        """The loaded model, loaded on first use."""
        if self._runtime is None:
            self._runtime = Runtime(load_checkpoint(self.model_dir))
        return self._runtime

    @property
    def loaded(self) -> bool:
        return self._runtime is not None

    def load(self, model_dir: Path) -> str:
        """Load (or switch to) a model folder; on failure the current model stays. Returns the model's name."""
        if self._runtime is None or model_dir != self.model_dir:
            runtime = Runtime(load_checkpoint(model_dir))  # raises before anything changes
            self._runtime, self.model_dir = runtime, model_dir
        return model_dir.name

    def decode_config(self) -> DecodeConfig:
        s = self.settings
        return DecodeConfig(
            max_tokens=s.max_tokens,
            max_lines=s.max_lines,
            beam_width=s.beam_width,
            context_chars=s.context_chars,
            whole_file=s.whole_file_state,
            scope_bonus=s.scope_bonus,
            suffix_chars=s.suffix_chars,
            fill_in_the_middle=s.fill_in_the_middle,
            cache_weight=s.cache_weight,
            project_weight=s.project_weight if s.workspace_index else 0.0,
            candidate_bonus=s.candidate_bonus,
        )

    def suggest(self, request: Request, cancelled: Cancelled = _never) -> Suggestion | None:
        """The best suggestion that survives post-processing and the confidence threshold (synchronous)."""
        for suggestion, generation in self.survivors(request, self.decode_config(), cancelled):
            if generation.confidence < self.settings.min_confidence:
                return None
            return replace(suggestion, confidence=generation.confidence)
        return None

    def survivors(
        self, request: Request, config: DecodeConfig, cancelled: Cancelled = _never
    ) -> Iterator[tuple[Suggestion, Generation]]:
        """The beam's hypotheses that survive post-processing, best first, each with its generation; post-
        processing runs only as far as the caller reads."""
        mode = decide(request.prefix, request.suffix, self.settings.multiline)
        if mode == "none":
            return
        members = self.members(request) if mode == "line" else None
        scope = self.scope(request) if mode == "line" and members is None else None
        related = self._related(request) if config.project_weight > 0 else []
        candidates = self._candidates(request) if mode == "line" else []
        found = self.runtime.generate(
            request.prefix,
            request.suffix,
            mode,
            config,
            request.document,
            cancelled,
            members,
            scope,
            related,
            candidates,
        )
        unsafe = self.settings.unsafe_suggestions
        context = Context(
            request.prefix,
            request.suffix,
            mode,
            self._style(request),
            unsafe,
            NameCheck(_path(request.document.split("#", 1)[0])),
        )
        for generation in found or []:
            suggestion = run(generation.text, context, self.settings.min_chars)
            if suggestion is not None:
                yield suggestion, generation

    @property
    def analyzer(self) -> MemberAnalyzer:
        """Static analysis on its own thread (the names after `expr.`); jedi is imported on first use."""
        if self._analyzer is None:
            from inkling.context.members import MemberAnalyzer

            self._analyzer = MemberAnalyzer()
        return self._analyzer

    def open_workspace(self, folders: list[Path]) -> None:
        """Index the workspace folders' Python files in the background, for the project n-gram cache."""
        if self.project is not None:
            self.project.close()
        self.project = Project(folders)
        self.project.start()

    def _related(self, request: Request) -> list[int]:
        """Token ids of the project code most like the code before the cursor (none without an index)."""
        if self.project is None:
            return []
        path = _path(request.document.split("#", 1)[0])
        here = Path(path).resolve() if path else None
        k = self.settings.retrieved_windows
        return self.project.related(request.prefix, here, k, self.runtime.vocab.encode)

    def _candidates(self, request: Request) -> list[str]:
        """Rests of the project's lines that start as the cursor's line does (without its indentation)."""
        retriever = self.project.retriever if self.project is not None else None
        if retriever is None or not self.settings.workspace_index or self.settings.line_candidates == 0:
            return []
        typed = request.prefix[request.prefix.rfind("\n") + 1 :].lstrip()
        return retriever.lines_starting(typed, self.settings.line_candidates)

    def warm(self, uri: str, text: str) -> None:
        """Let the static analysis and the model read a newly opened document in the background."""
        if self.settings.constrain_members:
            self.analyzer.warm(uri, text, _path(uri))
        self.changed(uri, lambda: text, delay=0.0)

    def changed(self, document: str, text: Text, delay: float = DELAY_S) -> None:
        """With whole-file state, let the model read the document again from its first changed token, in
        the background; `text()` gives its text then (None once it is closed)."""
        if self.settings.whole_file_state:
            self.feeder.changed(document, text, delay)

    def _feed(self, document: str, text: str, stop: Callable[[], bool]) -> bool:
        return not self.settings.whole_file_state or self.runtime.warm(document, text, stop)

    def members(self, request: Request) -> Members | None:
        """At a member-access point, the names the receiver has, as far as static analysis finds them
        within the budget (None: unknown, so decoding is free)."""
        if not self.settings.constrain_members:
            return None
        from inkling.context.members import member_point

        point = member_point(request.prefix)
        line = request.prefix.count("\n")
        column = len(request.prefix) - request.prefix.rfind("\n") - 1
        uri = request.document.split("#", 1)[0]
        self._prefetch(request, uri, line, column)
        if point is None:
            return None
        names = self.analyzer.names(
            uri, request.prefix + request.suffix, line, column, _path(uri), self.settings.analysis_budget_ms
        )
        if not names or not any(name.startswith(point.partial) for name in names):
            return None  # what is typed is not among them: the analysis does not know this receiver
        return Members.of(names, point.partial)

    def _prefetch(self, request: Request, uri: str, line: int, column: int) -> None:
        """After a receiver that is followed by a `.` elsewhere in the document (`self`, `os.path`), let the
        analysis find its members now, so they are there when the user types the dot."""
        from inkling.context.members import member_point

        last, following = request.prefix[-1:], request.suffix[:1]
        if not last or not (last.isalnum() or last in "_)]") or following.isalnum() or following == "_":
            return  # no receiver ends here, or the cursor is inside a name
        point = member_point(request.prefix + ".")
        if point is None:
            return
        dotted = re.compile(r"(?<![\w.])" + re.escape(point.receiver) + r"\.")
        if dotted.search(request.prefix) or dotted.search(request.suffix):
            self.analyzer.prefetch(uri, request.prefix + "." + request.suffix, line, column + 1, _path(uri))

    def scope(self, request: Request) -> Members | None:
        """At a bare name, the names in scope for the decoder's scopeBonus; None elsewhere or with it off."""
        typed = bare_name(request.prefix) if self.settings.scope_bonus > 0 else None
        if typed is None:
            return None
        names = names_in_scope(request.prefix, request.suffix)
        if self._scope[0] != names:  # the encoded names and their masks are kept while the names stay
            self._scope = (names, frozenset(name.encode() for name in names), {})
        return Members(self._scope[1], typed.encode(), self._scope[2])

    def _style(self, request: Request) -> Style | None:
        """The document's style, detected again once its length has changed by STYLE_REREAD characters."""
        if not self.settings.normalize_style:
            return None
        size = len(request.prefix) + len(request.suffix)
        known = self._styles.get(request.document)
        if known is not None and request.document and abs(known[0] - size) < STYLE_REREAD:
            return known[1]
        style = detect(request.prefix[-STYLE_SAMPLE:] + request.suffix[:STYLE_SAMPLE])
        self._styles[request.document] = (size, style)
        return style

    def summarize(self, request: Request, cancelled: Cancelled = _never) -> Summary | None:
        """The generated one-line summary of the function whose name is at the cursor (synchronous);
        cached by the function's text, so hovering again costs nothing."""
        target = find_function(request.prefix + request.suffix, len(request.prefix))
        if target is None:
            return None
        text = self._summary_text(target, request.document, cancelled)
        return Summary(text, target.docstring, target.name_start, target.name_end) if text else None

    def _summary_text(self, target: Function, document: str, cancelled: Cancelled) -> str | None:
        """The function's summary ("" when the model has none), cached; None when cancelled."""
        text = self._summaries.get(target.key)
        if text is None:
            found = self.runtime.generate_docstring(target.prompt, self.decode_config(), document, cancelled)
            if found is None:
                return None
            text = next((clean(g.text) for g in found if clean(g.text)), "")
            if len(self._summaries) >= SUMMARIES:
                self._summaries.clear()
            self._summaries[target.key] = text
        return text

    def docstring_at(self, request: Request, cancelled: Cancelled = _never) -> Change:
        """The edit that gives the function on the cursor's line a generated one-line docstring."""
        source = request.prefix + request.suffix
        if len(source) > MAX_STYLE_CHARS:
            return Change(None, f"the file is over {MAX_STYLE_CHARS:,} characters: no docstring is inserted")
        target = find_function(source, len(request.prefix), whole_line=True)
        if target is None:
            return Change(None, "no function is defined on this line (or the file does not parse)")
        if target.docstring is not None:
            return Change(None, "the function has a docstring already")
        text = self._summary_text(target, request.document, cancelled)
        if not text:
            return Change(None, "cancelled" if text is None else "the model wrote no docstring for it")
        changed = insert_docstring(source, target.line, text)
        if changed is None:
            return Change(None, "libcst could not insert the docstring")
        return Change(minimal_edit(source, changed))

    def generate_code(self, source: str, line: int, candidates: int = 5) -> list[str]:
        """Up to `candidates` generations for the comment or `def` on `line` (0-based), best first, each
        the text that goes after that line (synchronous)."""
        target = find_target(source, line)
        if target is None:
            return []
        return [target.insertion(text) for text in self._code(target, candidates, "", _never) or []]

    def code_at(self, request: Request, cancelled: Cancelled = _never) -> Change:
        """The edit that adds the code the comment on the cursor's line asks for, or the body of the
        function whose `def` is there."""
        source = request.prefix + request.suffix
        target = find_target(source, request.prefix.count("\n"))
        if target is None:
            return Change(None, "put the cursor on a comment, or on a function's `def` whose body is empty")
        texts = self._code(target, self.settings.beam_width, request.document, cancelled)
        if not texts:
            return Change(None, "cancelled" if texts is None else "the model wrote no valid code here")
        return Change(Edit(target.start, target.end, target.insertion(texts[0])))

    def scaffold(self, plan: Plan, existing: str | None, document: str, cancelled: Cancelled) -> Scaffold:
        """The test file with a new test for `plan`'s function, its assertion lines generated."""

        def complete_line(prefix: str) -> str:
            suggestion = self.suggest(Request(prefix, "", document), cancelled)
            return suggestion.text if suggestion is not None else ""

        return build(plan, existing, complete_line)

    def _code(self, target: Target, candidates: int, document: str, cancelled: Cancelled) -> list[str] | None:
        """Distinct generations for `target` that survive post-processing, best first: adapted code of the
        project and the shipped corpus first (the model ranks it), then the beam's; None if cancelled."""
        config = replace(self.decode_config(), beam_width=candidates, max_lines=CODE_LINES)
        adapted = self._adapted(target, config, document, cancelled)
        found = self.runtime.generate(target.prefix, target.suffix, target.kind, config, document, cancelled)
        if adapted is None or found is None:
            return None
        request = Request(target.prefix, target.suffix, document)
        unsafe = self.settings.unsafe_suggestions
        context = Context(
            target.prefix,
            target.suffix,
            "block",
            self._style(request),
            unsafe,
            NameCheck(_path(document.split("#", 1)[0])),
        )
        texts: list[str] = []
        for text in [*adapted, *(hypothesis.text for hypothesis in found)]:  # each starts at the indentation
            suggestion = run(text, context, self.settings.min_chars)
            if suggestion is not None and suggestion.text not in texts and target.complete(suggestion.text):
                texts.append(suggestion.text)
        return texts[:candidates]

    def _adapted(
        self, target: Target, config: DecodeConfig, document: str, cancelled: Cancelled
    ) -> list[str] | None:
        """Functions of the project and of the shipped corpus that read like the request, rewritten for the
        target, in the order of the model's log-probability per token; None if cancelled."""
        if self._shipped is None or self._shipped[0] != self.model_dir:
            self._shipped = (self.model_dir, load_shipped(self.model_dir))
        indexes = [self._shipped[1]] if self._shipped[1] is not None else []
        if self.project is not None and self.settings.workspace_index:
            indexes.insert(0, self.project.snippets.index(self.project.files.texts()))
        texts = adaptations(target, indexes)
        if not texts:
            return []
        scored = self.runtime.score(target.prefix, target.suffix, texts, config, document, cancelled)
        if scored is None:
            return None
        return [g.text for g in sorted(scored, key=lambda g: g.logprob / max(g.tokens, 1), reverse=True)]

    def suggest_text(self, prefix: str, suffix: str) -> str:
        """Only the suggestion's text, "" for none: the predictor that `inkling eval` and `complete` score."""
        suggestion = self.suggest(Request(prefix, suffix))
        return suggestion.text if suggestion is not None else ""

    def rank(self, request: Request, cancelled: Cancelled = _never) -> list[items.Item]:
        """The completion list at the cursor: model-ranked words, the document's names, one whole line."""
        config = replace(self.decode_config(), beam_width=max(self.settings.completion_items, 1))
        members = self.members(request)  # after `expr.`: the model ranks the receiver's names only
        words = (
            []
            if self.settings.completion_items == 0
            else self.runtime.generate(
                request.prefix, request.suffix, "word", config, request.document, cancelled, members
            )
        )
        if words is None:
            return []
        line = self.suggest(request, cancelled) if decide(request.prefix, request.suffix) != "none" else None
        legal = None if members is None else frozenset(name.decode() for name in members.names)
        return items.merge(request.prefix, request.suffix, words, line, legal)

    # --- requests (from the protocol's event loop) ---

    def _take_ticket(self, document: str) -> int:
        with self._lock:
            ticket = self._tickets.get(document, 0) + 1
            self._tickets[document] = ticket
            return ticket

    async def _on_model_thread(
        self, request: Request, work: Callable[[Request, Cancelled], T], empty: T
    ) -> T:
        ticket = self._take_ticket(request.document)
        stop = threading.Event()

        def cancelled() -> bool:
            return stop.is_set() or self._tickets.get(request.document) != ticket

        def job() -> T:
            if cancelled():  # superseded while it waited for the model thread
                return empty
            start = time.perf_counter()
            result = work(request, cancelled)
            if not cancelled():
                self.last_latency_ms = (time.perf_counter() - start) * 1000
            return result

        future = self.executor.submit(job)
        self.feeder.request(future)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:  # $/cancelRequest: the model thread stops at its next token
            stop.set()
            raise

    async def complete(self, request: Request) -> Suggestion | None:
        """The inline suggestion; None when there is none or a newer request for the document superseded it."""
        return await self._on_model_thread(request, self.suggest, None)

    async def summary(self, request: Request) -> Summary | None:
        """The hover comment; `request.document` should not be the typing one, whose requests it would cancel.
        The function is found (the file parsed, within summary.MAX_PARSE_CHARS) on a worker thread, so the
        model thread only generates."""

        def function() -> Function | None:
            return find_function(request.prefix + request.suffix, len(request.prefix))

        target = await asyncio.to_thread(function)
        if target is None:
            return None

        def summarize(_: Request, cancelled: Cancelled) -> Summary | None:
            assert target is not None
            text = self._summary_text(target, request.document, cancelled)
            return Summary(text, target.docstring, target.name_start, target.name_end) if text else None

        return await self._on_model_thread(request, summarize, None)

    async def complete_list(self, request: Request) -> list[items.Item]:
        return await self._on_model_thread(request, self.rank, [])

    async def command(self, request: Request, work: Callable[[Request, Cancelled], T], cancelled: T) -> T:
        """A command's work (`docstring_at`, `code_at`, `scaffold`) on the model thread; a newer request
        for the same document supersedes it, and it answers `cancelled` then."""
        return await self._on_model_thread(request, work, cancelled)

    async def call(self, work: Callable[[], T]) -> T:
        """Run `work` on the model thread (loading, switching models, forgetting a document)."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, work)

    def close(self) -> None:
        """Stop the static analysis's process (and remove its folder) and the workspace index; the model thread
        ends with the process."""
        if self._analyzer is not None:
            self._analyzer.close()
        if self.project is not None:
            self.project.close()

    def forget(self, document: str) -> None:
        """Drop a closed document's cached state and style (on the model thread, which uses them)."""

        self.feeder.forget(document)

        def drop() -> None:
            self._styles.pop(document, None)
            if self._runtime is not None:
                self._runtime.forget(document)

        self.executor.submit(drop)
