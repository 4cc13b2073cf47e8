"""Every server setting as one frozen dataclass, read from the client's camelCase JSON with safe fallbacks."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields, replace
from typing import Any


def _limits(low: float, high: float) -> dict[str, Any]:
    return {"low": low, "high": high}


@dataclass(frozen=True)
class Settings:
    """What a client may set (initializationOptions or workspace/didChangeConfiguration, section "inkling")."""

    enabled: bool = True  # inline suggestions on or off (completion lists stay)
    multiline: bool = True  # whole blocks at the start of an empty block; off: single lines only
    max_tokens: int = field(default=48, metadata=_limits(1, 256))  # generated tokens per line
    max_lines: int = field(default=8, metadata=_limits(1, 40))  # lines of a block suggestion
    min_confidence: float = field(default=0.0, metadata=_limits(0.0, 1.0))  # below this, nothing is shown
    beam_width: int = field(default=3, metadata=_limits(1, 8))  # 3 beats greedy: EM 17.3 vs 15.0 (README)
    fill_in_the_middle: bool = (
        False  # prompt with the text after the cursor; the shipped model does worse with it
    )
    cache_weight: float = field(default=0.2, metadata=_limits(0.0, 0.9))  # the file's n-gram cache (0.2: tuned on valid)
    context_chars: int = field(default=3000, metadata=_limits(200, 100_000))  # text before the cursor (window)
    suffix_chars: int = field(default=1500, metadata=_limits(0, 20_000))  # text after the cursor
    min_chars: int = field(default=2, metadata=_limits(1, 80))  # shorter suggestions are not worth showing
    completion_items: int = field(default=8, metadata=_limits(0, 50))  # model-ranked completion list items
    model_path: str = ""  # a model folder; empty: the shipped model
    normalize_style: bool = True  # rewrite suggestions into the file's style (quotes, spacing, ...)
    unsafe_suggestions: str = field(
        default="hide", metadata={"choices": ("hide", "mark")}
    )  # see style/safety.py
    constrain_members: bool = True  # after `expr.`, only names the receiver has (jedi, context/members.py)
    analysis_budget_ms: float = field(default=15.0, metadata=_limits(0.0, 10_000.0))  # jedi's time per keystroke
    scope_bonus: float = field(default=4.0, metadata=_limits(0.0, 20.0))  # at a bare name, favour names in scope
    whole_file_state: bool = True  # the model reads the file from its start, fed in the background (lm/runtime.py)
    workspace_index: bool = True  # the workspace's Python files indexed for retrieval (completion/project.py)
    project_weight: float = field(default=0.2, metadata=_limits(0.0, 0.9))  # the retrieved code's n-gram cache
    retrieved_windows: int = field(default=6, metadata=_limits(1, 50))  # project windows read per suggestion
    line_candidates: int = field(default=4, metadata=_limits(0, 32))  # project lines that start as the cursor's
    candidate_bonus: float = field(default=3.0, metadata=_limits(0.0, 20.0))  # their bonus per token (tuned: lark)
    adapt_to_workspace: bool = False  # fine-tune on the workspace in the background when idle (lsp/adapt.py)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _valid(value: Any, default: Any, low: float | None, high: float | None) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    else:
        ok = isinstance(value, str)
    return ok and (low is None or low <= value) and (high is None or value <= high)


def parse_settings(raw: object, current: Settings | None = None) -> tuple[Settings, list[str]]:
    """The client's settings; returns them and one warning per bad value.

    Settings the client leaves out take their defaults (a client sends its whole section each time);
    when it sends no section at all (null), `current` stays. Accepts the section itself or a dict holding
    it under "inkling"; keys may be camelCase or snake_case.
    A value of the wrong type or out of range falls back to its default, and an unknown key is ignored;
    either way the warning names it, so the user learns why a setting did not take.
    """
    if isinstance(raw, dict) and isinstance(raw.get("inkling"), dict):
        raw = raw["inkling"]
    if raw is None:
        return current or Settings(), []
    current = Settings()
    if not isinstance(raw, dict):
        return current, [f"settings must be an object, got {type(raw).__name__}: ignored"]
    known = {f.name: f for f in fields(Settings)}
    changes: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in raw.items():
        name = _snake(str(key))
        spec = known.get(name)
        if spec is None:
            warnings.append(f"unknown setting {key!r}: ignored")
            continue
        if value is None:
            changes[name] = spec.default
            continue
        if isinstance(spec.default, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        choices = spec.metadata.get("choices")
        if _valid(value, spec.default, spec.metadata.get("low"), spec.metadata.get("high")) and (
            choices is None or value in choices
        ):
            changes[name] = value
        else:
            changes[name] = spec.default
            warnings.append(
                f"setting {camel(name)!r} = {value!r} is not valid "
                f"({_describe(spec.default, spec.metadata)}): using the default {spec.default!r}"
            )
    return replace(current, **changes), warnings


def _describe(default: Any, metadata: Any) -> str:
    kind = type(default).__name__
    if "low" in metadata:
        return f"expected {kind} in [{metadata['low']}, {metadata['high']}]"
    if "choices" in metadata:
        return "expected one of " + ", ".join(map(repr, metadata["choices"]))
    return f"expected {kind}"
