"""The generating commands' code: after a comment, the code it asks for; at a `def` with no body, the body; a
unit test's assertion lines. Functions of the project and of the shipped corpus that read like the request come
first (completion/adapt.py), then the beam's generations; every candidate takes the post-processing passes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from inkling.completion.adapt import adaptations, load_shipped
from inkling.completion.generate import Target, find_target
from inkling.completion.postprocess import run
from inkling.completion.scaffold import Plan, Scaffold, build
from inkling.completion.scheduler import Cancelled, never
from inkling.completion.types import Change, Request
from inkling.context.snippets import SnippetIndex
from inkling.serving.decode import DecodeConfig
from inkling.style.edit import Edit

if TYPE_CHECKING:
    from inkling.completion.engine import Engine

CODE_LINES = 24  # the most lines generated code (after a comment, or a function's body) may have


class CodeGenerator:
    """The generating commands, on the engine's model, settings and workspace index (on the model thread)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._shipped: tuple[Path, SnippetIndex | None] | None = None  # (model folder, its snippet index)
        self.reuse = True  # off: the model's own generations only, no project or shipped functions

    def generate_code(self, source: str, line: int, candidates: int = 5) -> list[str]:
        """Up to `candidates` generations for the comment or `def` on `line` (0-based), best first, each
        the text that goes after that line (synchronous)."""
        target = find_target(source, line)
        if target is None:
            return []
        return [target.insertion(text) for text in self._generate(target, candidates, "", never) or []]

    def code_at(self, request: Request, cancelled: Cancelled = never) -> Change:
        """The edit that adds the code the comment on the cursor's line asks for, or the body of the
        function whose `def` is there."""
        source = request.prefix + request.suffix
        target = find_target(source, request.prefix.count("\n"))
        if target is None:
            return Change(None, "put the cursor on a comment, or on a function's `def` whose body is empty")
        texts = self._generate(target, self.engine.settings.beam_width, request.document, cancelled)
        if not texts:
            return Change(None, "cancelled" if texts is None else "the model wrote no valid code here")
        return Change(Edit(target.start, target.end, target.insertion(texts[0])))

    def scaffold(self, plan: Plan, existing: str | None, document: str, cancelled: Cancelled) -> Scaffold:
        """The test file with a new test for `plan`'s function, its assertion lines generated."""

        def complete_line(prefix: str) -> str:
            suggestion = self.engine.suggest(Request(prefix, "", document), cancelled)
            return suggestion.text if suggestion is not None else ""

        return build(plan, existing, complete_line)

    def _generate(self, target: Target, candidates: int, document: str, cancelled: Cancelled) -> list[str] | None:
        """Distinct generations for `target` that survive post-processing, best first: adapted code of the
        project and the shipped corpus first (the model ranks it), then the beam's; None if cancelled."""
        config = replace(self.engine.decode_config(), beam_width=candidates, max_lines=CODE_LINES)
        adapted = self._adapted(target, config, document, cancelled)
        found = self.engine.runtime.generate(target.prefix, target.suffix, target.kind, config, document, cancelled)
        if adapted is None or found is None:
            return None
        context = self.engine.context(Request(target.prefix, target.suffix, document), "block")
        texts: list[str] = []
        for text in [*adapted, *(hypothesis.text for hypothesis in found)]:  # each starts at the indentation
            suggestion = run(text, context, self.engine.settings.min_chars)
            if suggestion is not None and suggestion.text not in texts and target.complete(suggestion.text):
                texts.append(suggestion.text)
        return texts[:candidates]

    def _adapted(
        self, target: Target, config: DecodeConfig, document: str, cancelled: Cancelled
    ) -> list[str] | None:
        """Functions of the project and of the shipped corpus that read like the request, rewritten for the
        target, in the order of the model's log-probability per token; None if cancelled."""
        if not self.reuse:
            return []
        if self._shipped is None or self._shipped[0] != self.engine.model_dir:
            self._shipped = (self.engine.model_dir, load_shipped(self.engine.model_dir))
        indexes = [self._shipped[1]] if self._shipped[1] is not None else []
        if self.engine.project is not None and self.engine.settings.workspace_index:
            indexes.insert(0, self.engine.project.snippets.index(self.engine.project.files.texts()))
        texts = adaptations(target, indexes)
        if not texts:
            return []
        scored = self.engine.runtime.score(target.prefix, target.suffix, texts, config, document, cancelled)
        if scored is None:
            return None
        return [g.text for g in sorted(scored, key=lambda g: g.logprob / max(g.tokens, 1), reverse=True)]
