"""The completion engine: requests in, post-processed suggestions out, with the model on the model thread
(completion/scheduler.py): inline suggestions, completion lists, hover summaries and docstrings; the generating
commands' code is completion/codegen.py's."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from inkling.completion import items
from inkling.completion.codegen import CodeGenerator
from inkling.completion.feeding import DELAY_S, Feeder, Text
from inkling.completion.gate import decide
from inkling.completion.postprocess import Context, run
from inkling.completion.project import Project
from inkling.completion.scheduler import Cancelled, ModelThread, never
from inkling.completion.scope import bare_name, names_in_scope
from inkling.completion.summary import Summary, clean, find_function
from inkling.completion.summary import Target as Function
from inkling.completion.types import Change, Mode, Request, Suggestion, document_path
from inkling.context.member_point import member_point
from inkling.context.names import NameCheck
from inkling.serving.checkpoint import load_checkpoint
from inkling.serving.decode import DecodeConfig, Generation
from inkling.serving.members import Members
from inkling.serving.runtime import Runtime
from inkling.settings import Settings
from inkling.style.detect import Style, detect
from inkling.style.docstring import insert_docstring
from inkling.style.edit import MAX_STYLE_CHARS, minimal_edit

if TYPE_CHECKING:
    from inkling.context.members import MemberAnalyzer

T = TypeVar("T")
SUMMARIES = 512  # cached hover summaries
STYLE_SAMPLE = 20_000  # characters on each side of the cursor that style detection reads
STYLE_REREAD = 2_000  # characters of change after which a document's style is detected again


class Engine:
    """Owns the model; every model call runs on the model thread, never on the protocol's threads."""

    def __init__(self, model_dir: Path, settings: Settings | None = None) -> None:
        self.model_dir = model_dir
        self.settings = settings or Settings()
        self.thread = ModelThread()
        self.executor = self.thread.executor
        self._runtime: Runtime | None = None
        self._styles: dict[str, tuple[int, Style]] = {}  # document → (its length then, its style)
        self._summaries: dict[str, str] = {}  # a function's prompt hash → its generated summary
        self._analyzer: MemberAnalyzer | None = None  # jedi, loaded once constrainMembers asks for it
        self._scope: tuple[frozenset[str], frozenset[bytes], dict[bytes, np.ndarray | None]] = (
            frozenset(),
            frozenset(),
            {},
        )
        self.feeder = Feeder(self.executor, self._feed)  # whole-file state, read in the background
        self.thread.on_submit = self.feeder.request  # a request's slice of the model thread comes first
        self.project: Project | None = None  # the workspace index, once the client named its folders
        self.generator = CodeGenerator(self)  # the generating commands

    @property
    def last_latency_ms(self) -> float | None:
        """How long the last request that was not superseded took on the model thread."""
        return self.thread.last_latency_ms

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

    def suggest(self, request: Request, cancelled: Cancelled = never) -> Suggestion | None:
        """The best suggestion that survives post-processing and the confidence threshold (synchronous)."""
        for suggestion, generation in self.survivors(request, self.decode_config(), cancelled):
            if generation.confidence < self.settings.min_confidence:
                return None
            return replace(suggestion, confidence=generation.confidence)
        return None

    def survivors(
        self, request: Request, config: DecodeConfig, cancelled: Cancelled = never
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
        context = self.context(request, mode)
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
        path = document_path(request.document)
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
            self.analyzer.warm(uri, text, document_path(uri))
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
        point = member_point(request.prefix)
        line = request.prefix.count("\n")
        column = len(request.prefix) - request.prefix.rfind("\n") - 1
        uri = request.document.split("#", 1)[0]
        self._prefetch(request, uri, line, column)
        if point is None:
            return None
        names = self.analyzer.names(
            uri, request.prefix + request.suffix, line, column, document_path(uri), self.settings.analysis_budget_ms
        )
        if not names or not any(name.startswith(point.partial) for name in names):
            return None  # what is typed is not among them: the analysis does not know this receiver
        return Members.of(names, point.partial)

    def _prefetch(self, request: Request, uri: str, line: int, column: int) -> None:
        """After a receiver that is followed by a `.` elsewhere in the document (`self`, `os.path`), let the
        analysis find its members now, so they are there when the user types the dot."""
        last, following = request.prefix[-1:], request.suffix[:1]
        if not last or not (last.isalnum() or last in "_)]") or following.isalnum() or following == "_":
            return  # no receiver ends here, or the cursor is inside a name
        point = member_point(request.prefix + ".")
        if point is None:
            return
        dotted = re.compile(r"(?<![\w.])" + re.escape(point.receiver) + r"\.")
        if dotted.search(request.prefix) or dotted.search(request.suffix):
            self.analyzer.prefetch(uri, request.prefix + "." + request.suffix, line, column + 1, document_path(uri))

    def scope(self, request: Request) -> Members | None:
        """At a bare name, the names in scope for the decoder's scopeBonus; None elsewhere or with it off."""
        typed = bare_name(request.prefix) if self.settings.scope_bonus > 0 else None
        if typed is None:
            return None
        names = names_in_scope(request.prefix, request.suffix)
        if self._scope[0] != names:  # the encoded names and their masks are kept while the names stay
            self._scope = (names, frozenset(name.encode() for name in names), {})
        return Members(self._scope[1], typed.encode(), self._scope[2])

    def context(self, request: Request, mode: Mode) -> Context:
        """What the post-processing passes know of the cursor: its text, the mode, the file's style and the
        settings' safety choice, and the check of names against the document."""
        names = NameCheck(document_path(request.document))
        style = self.style(request)
        return Context(request.prefix, request.suffix, mode, style, self.settings.unsafe_suggestions, names)

    def style(self, request: Request) -> Style | None:
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

    def summarize(self, request: Request, cancelled: Cancelled = never) -> Summary | None:
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

    def docstring_at(self, request: Request, cancelled: Cancelled = never) -> Change:
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

    def suggest_text(self, prefix: str, suffix: str) -> str:
        """Only the suggestion's text, "" for none: the predictor that `inkling eval` and `complete` score."""
        suggestion = self.suggest(Request(prefix, suffix))
        return suggestion.text if suggestion is not None else ""

    def rank(self, request: Request, cancelled: Cancelled = never) -> list[items.Item]:
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

    async def complete(self, request: Request) -> Suggestion | None:
        """The inline suggestion; None when there is none or a newer request for the document superseded it."""
        return await self.thread.run(request.document, lambda cancelled: self.suggest(request, cancelled), None)

    async def summary(self, request: Request) -> Summary | None:
        """The hover comment; `request.document` should not be the typing one, whose requests it would cancel.
        The function is found (the file parsed, within summary.MAX_PARSE_CHARS) on a worker thread, so the
        model thread only generates."""

        def function() -> Function | None:
            return find_function(request.prefix + request.suffix, len(request.prefix))

        target = await asyncio.to_thread(function)
        if target is None:
            return None

        def summarize(cancelled: Cancelled) -> Summary | None:
            assert target is not None
            text = self._summary_text(target, request.document, cancelled)
            return Summary(text, target.docstring, target.name_start, target.name_end) if text else None

        return await self.thread.run(request.document, summarize, None)

    async def complete_list(self, request: Request) -> list[items.Item]:
        return await self.thread.run(request.document, lambda cancelled: self.rank(request, cancelled), [])

    async def command(self, request: Request, work: Callable[[Request, Cancelled], T], cancelled: T) -> T:
        """A command's work (`docstring_at`, the generator's `code_at`, `scaffold`) on the model thread; a
        newer request for the same document supersedes it, and it answers `cancelled` then."""
        return await self.thread.run(request.document, lambda stop: work(request, stop), cancelled)

    async def call(self, work: Callable[[], T]) -> T:
        """Run `work` on the model thread (loading, switching models, model info)."""
        return await self.thread.call(work)

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
