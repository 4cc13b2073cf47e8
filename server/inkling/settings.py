"""Every server setting as one frozen dataclass, read from the client's camelCase JSON with safe fallbacks."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields, replace
from typing import Any

GROUPS = {  # each setting's group: a section of the editor's settings page, in this order
    "suggestions": "Suggestions",
    "context": "Context and analysis",
    "workspace": "Workspace",
    "model": "Model",
}


def _setting(default: Any, group: str, doc: str, **extra: Any) -> Any:
    """A setting's default and what the editor's settings page shows: its group, its description (Markdown)
    and, in `extra`, low/high limits, choices (with choice_docs) or a VS Code scope."""
    assert group in GROUPS
    return field(default=default, metadata={"group": group, "doc": doc, **extra})


@dataclass(frozen=True)
class Settings:
    """What a client may set (initializationOptions or workspace/didChangeConfiguration, section "inkling").

    The source of the extension's settings too: `scripts/settings_schema.py` writes package.json's
    `contributes.configuration` and config.ts's `SERVER_SETTINGS` from it.
    """

    enabled: bool = _setting(
        True,
        "suggestions",
        "Show inline suggestions (ghost text). Completion lists stay either way. "
        "**Inkling: Toggle Inline Suggestions** and a click on the status bar item flip this.",
    )
    multiline: bool = _setting(
        True, "suggestions", "Suggest whole blocks at the start of an empty block; off: single lines only."
    )
    max_tokens: int = _setting(48, "suggestions", "Tokens the model generates per suggested line.", low=1, high=256)
    max_lines: int = _setting(8, "suggestions", "Lines of a block suggestion, at most.", low=1, high=40)
    min_confidence: float = _setting(
        0.0,
        "suggestions",
        "Suggestions the model is less sure of than this (0 to 1) are not shown. "
        "Raise it for fewer, better suggestions.",
        low=0.0,
        high=1.0,
    )
    beam_width: int = _setting(  # 3 beats greedy: EM 17.3 vs 15.0 (README)
        3, "suggestions", "Beam search width: 1 is greedy (fastest), 3 is a good balance.", low=1, high=8
    )
    min_chars: int = _setting(2, "suggestions", "Shorter suggestions are not shown.", low=1, high=80)
    completion_items: int = _setting(
        8, "suggestions", "Model-ranked items in the completion list (0: none).", low=0, high=50
    )
    normalize_style: bool = _setting(
        True, "suggestions", "Rewrite suggestions into the file's own style (quotes, spacing, indentation)."
    )
    unsafe_suggestions: str = _setting(  # see style/safety.py
        "hide",
        "suggestions",
        "What to do with a suggestion that looks unsafe (dangerous calls, secrets).",
        choices=("hide", "mark"),
        choice_docs=(
            "Never show a suggestion that calls something dangerous or contains a secret.",
            "Show it, marked as unsafe.",
        ),
    )
    fill_in_the_middle: bool = _setting(
        False,
        "context",
        "Also give the model the text after the cursor (the shipped model does worse with it).",
    )
    cache_weight: float = _setting(  # 0.2: tuned on the valid split
        0.2,
        "context",
        "Weight of the open file's own token n-grams in the model's next-token distribution: it helps the "
        "model reuse the file's names. `0` turns it off.",
        low=0.0,
        high=0.9,
    )
    context_chars: int = _setting(
        3000,
        "context",
        "Characters before the cursor that the model reads when it does not read the whole file "
        "(`#inkling.wholeFileState#` off, or the file not read that far yet).",
        low=200,
        high=100_000,
    )
    suffix_chars: int = _setting(
        1500,
        "context",
        "Characters after the cursor that the server reads (to avoid repeating them).",
        low=0,
        high=20_000,
    )
    whole_file_state: bool = _setting(  # serving/runtime.py
        True,
        "context",
        "The model reads each open file from its start, in the background after it is opened or changed, so a "
        "suggestion anywhere in it starts from a state a few tokens before the cursor; off: only the last "
        "`#inkling.contextChars#` characters.",
    )
    constrain_members: bool = _setting(  # context/members.py
        True,
        "context",
        "After `expr.`, suggest only names the receiver has, as static analysis (jedi) finds them; where it "
        "finds none in time, the model is free.",
    )
    analysis_budget_ms: float = _setting(
        15.0,
        "context",
        "How long a keystroke waits for static analysis (jedi). A slower answer is kept for the next keystroke.",
        low=0.0,
        high=10_000.0,
    )
    scope_bonus: float = _setting(
        4.0,
        "context",
        "At a bare name (not after a dot), the log-probability taken from tokens that would start a name the "
        "file neither binds nor uses, nor a builtin or keyword; `0` turns it off.",
        low=0.0,
        high=20.0,
    )
    workspace_index: bool = _setting(  # completion/project.py
        True,
        "workspace",
        "Index the workspace folders' Python files (open files from the editor's text) for suggestions: "
        "project code like the code before the cursor feeds an n-gram cache, and project lines that start as "
        "the cursor's line are offered beside the model's own.",
    )
    project_weight: float = _setting(
        0.2,
        "workspace",
        "The weight of the retrieved project code's n-gram cache in the model's next-token distribution "
        "(`#inkling.workspaceIndex#` on); `0` turns it off.",
        low=0.0,
        high=0.9,
    )
    retrieved_windows: int = _setting(
        6,
        "workspace",
        "How many windows of project code (20 lines each, with the 10 lines after them) the project n-gram "
        "cache reads per suggestion.",
        low=1,
        high=50,
    )
    line_candidates: int = _setting(
        4,
        "workspace",
        "How many of the project's lines that start as the cursor's line are scored by the model beside its "
        "own suggestions (`#inkling.workspaceIndex#` on); `0` turns it off.",
        low=0,
        high=32,
    )
    candidate_bonus: float = _setting(  # tuned on lark
        3.0,
        "workspace",
        "Log-probability added per token to a project line offered as a candidate: a line found verbatim in "
        "the project is evidence the model alone does not weigh.",
        low=0.0,
        high=20.0,
    )
    adapt_to_workspace: bool = _setting(  # lsp/adapt.py
        False,
        "workspace",
        "Adapt the model to this workspace in the background: once the workspace is indexed and the editor "
        "has been idle for a minute, the workspace fine-tune (as **Train on This Workspace**) runs once per "
        "session at low priority, and its model is used only if it beats the current one on the project's "
        "held-out files. Turning it off stops a run.",
    )
    model_path: str = _setting(
        "",
        "model",
        "A model folder (from `inkling train`); empty: the model shipped with Inkling.",
        scope="machine-overridable",
    )


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
