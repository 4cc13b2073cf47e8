"""Keystrokes saved (EVALUATION.md): replay a file as typed and accept every suggestion that is right so far.

The replay walks the text character by character. Wherever the engine's gate (`completion.gate.decide`)
would ask for a suggestion and the rest of the current line is not empty, the predictor is asked with
prefix = the text before the cursor and, by default, suffix = the line ending and the lines that follow,
as in line completion (`Example.editor_suffix`: the rest of the current line is not typed yet, the lines
below exist). When the suggestion's first line is a non-empty prefix of the true rest of the line, it is
accepted (one keystroke, Tab) and the cursor jumps past it, and the predictor is asked again there;
otherwise one character is typed. At a line's end nothing is asked: no non-empty text can be a prefix of
an empty rest. (The rest of the line is never in the suffix, so the gate, which refuses only in front of a
line's text, asks everywhere else; it is consulted all the same, so the replay follows it if it changes.)
Keystrokes saved = (characters not typed - acceptances) / characters in the file.

Pure Python: the predictor is any `(prefix, suffix) -> suggestion` callable; `engine_predictor` wraps an
`Engine` so that the replay reuses its per-document state cache (each keystroke feeds only new tokens).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from inkling.completion.gate import decide
from inkling.completion.types import Request
from inkling.eval.line_completion import Predictor, first_line

if TYPE_CHECKING:
    from inkling.completion.engine import Engine


@dataclass(frozen=True)
class KeystrokeConfig:
    """How a file is replayed."""

    max_chars: int = 0  # replay only the file's first whole lines within this many characters (0: all)
    following_lines: bool = True  # suffix = line ending + following lines; False: nothing after the cursor


@dataclass(frozen=True)
class Replay:
    """What replaying one file (or, summed, several) cost with the predictor's help."""

    path: str
    chars: int  # characters in the replayed text
    typed: int  # characters typed one by one
    accepted: int  # suggestions accepted (one keystroke each)
    accepted_chars: int  # characters those suggestions put in
    requests: int  # times the predictor was asked
    seconds: float  # time spent in the predictor

    @property
    def keystrokes(self) -> int:
        return self.typed + self.accepted

    @property
    def saved(self) -> float:
        """Keystrokes saved in percent: (characters not typed - acceptances) / characters."""
        return 100.0 * (self.chars - self.keystrokes) / self.chars if self.chars else 0.0


def capped(text: str, max_chars: int) -> str:
    """The first whole lines of text within max_chars characters (the first max_chars characters when even
    the first line is longer); the whole text when max_chars is 0 or the text is short enough."""
    if max_chars <= 0 or len(text) <= max_chars:
        return text
    end = text.rfind("\n", 0, max_chars) + 1
    return text[:end] if end else text[:max_chars]


def _line_end(text: str, offset: int) -> int:
    """Where the current line's text ends: before its "\\r\\n" or "\\n", or at the end of the text."""
    newline = text.find("\n", offset)
    if newline < 0:
        return len(text)
    return newline - 1 if newline > offset and text[newline - 1] == "\r" else newline


def replay(path: str, text: str, predict: Predictor, config: KeystrokeConfig | None = None) -> Replay:
    """Type `text` (capped by config.max_chars) with `predict`'s help and count the keystrokes."""
    config = config or KeystrokeConfig()
    text = capped(text, config.max_chars)
    i = typed = accepted = accepted_chars = requests = 0
    seconds = 0.0
    while i < len(text):
        end = _line_end(text, i)
        rest = text[i:end]
        if rest:
            prefix = text[:i]
            suffix = text[end:] if config.following_lines else ""
            if decide(prefix, suffix) != "none":
                requests += 1
                start = time.perf_counter()
                suggestion = first_line(predict(prefix, suffix))
                seconds += time.perf_counter() - start
                if suggestion and rest.startswith(suggestion):
                    accepted += 1
                    accepted_chars += len(suggestion)
                    i += len(suggestion)
                    continue
        typed += 1
        i += 1
    return Replay(path, len(text), typed, accepted, accepted_chars, requests, seconds)


def total(replays: Sequence[Replay], path: str = "(all)") -> Replay:
    """The replays summed: its `saved` weighs each file by its characters."""
    return Replay(
        path,
        sum(r.chars for r in replays),
        sum(r.typed for r in replays),
        sum(r.accepted for r in replays),
        sum(r.accepted_chars for r in replays),
        sum(r.requests for r in replays),
        sum(r.seconds for r in replays),
    )


def engine_predictor(engine: Engine, document: str) -> Predictor:
    """The engine's inline suggestion as a predictor, with `document` as the key of its state cache."""

    def predict(prefix: str, suffix: str) -> str:
        suggestion = engine.suggest(Request(prefix, suffix, document))
        return suggestion.text if suggestion is not None else ""

    return predict


def replay_engine(engine: Engine, path: str, text: str, config: KeystrokeConfig | None = None) -> Replay:
    """`replay` through the engine, on a document of its own that the engine forgets afterwards."""
    document = f"keystrokes:{path}"
    try:
        return replay(path, text, engine_predictor(engine, document), config)
    finally:
        if engine.loaded:
            engine.runtime.forget(document)
