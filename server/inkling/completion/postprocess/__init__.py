"""Post-processing: the passes that turn raw generated text into a suggestion worth showing, in order.

Each pass is a function `(Suggestion, Context) -> Suggestion` in its own module. It returns the same
object when it changes nothing, and notes its name when it does. Passes are isolated: one that raises is
logged and skipped, so a bug degrades a suggestion and never fails the request.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from inkling.completion.postprocess.autoclose import replace_autoclosed
from inkling.completion.postprocess.context import Context
from inkling.completion.postprocess.indentation import reindent
from inkling.completion.postprocess.length import drop_short
from inkling.completion.postprocess.names import check_names
from inkling.completion.postprocess.repetition import drop_repeats
from inkling.completion.postprocess.restyle import restyle
from inkling.completion.postprocess.safety import check_safety
from inkling.completion.postprocess.secrets import hide_secrets
from inkling.completion.postprocess.specials import strip_specials
from inkling.completion.postprocess.suffix import drop_duplicates
from inkling.completion.postprocess.syntax import keep_valid
from inkling.completion.types import Suggestion

__all__ = ["PASSES", "Context", "Pass", "run"]

log = logging.getLogger("inkling.postprocess")

Pass = Callable[[Suggestion, Context], Suggestion]

PASSES: tuple[Pass, ...] = (  # run in this order; the length pass (it takes `min_chars`) comes last
    strip_specials,
    hide_secrets,
    drop_repeats,
    drop_duplicates,
    replace_autoclosed,
    reindent,
    keep_valid,
    check_names,
    restyle,
    check_safety,
)


def run(text: str, context: Context, min_chars: int = 2) -> Suggestion | None:
    """The suggestion left of `text` after every pass, or None when nothing worth showing remains."""
    if context.mode == "none":
        return None
    suggestion = Suggestion(text=text, mode=context.mode)
    steps = [(getattr(apply, "__name__", repr(apply)), apply) for apply in PASSES]
    steps.append(("drop_short", functools.partial(drop_short, min_chars=min_chars)))
    for name, apply in steps:
        if not suggestion.text:
            break
        try:
            suggestion = apply(suggestion, context)
        except Exception:
            log.warning("post-process pass %s failed and was skipped", name, exc_info=True)
    return suggestion if suggestion.text.strip() else None
