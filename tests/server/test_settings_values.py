"""Client settings: camelCase in, defaults for what is missing, defaults plus a warning for what is bad."""

from __future__ import annotations

from dataclasses import fields

import pytest

from inkling.settings import Settings, camel, parse_settings


def test_camel_case_keys_in_the_inkling_section() -> None:
    settings, warnings = parse_settings(
        {"inkling": {"maxTokens": 12, "multiline": False, "minConfidence": 0.25}}
    )
    assert warnings == []
    assert (settings.max_tokens, settings.multiline, settings.min_confidence) == (12, False, 0.25)


def test_missing_settings_take_defaults_and_null_keeps_the_current_ones() -> None:
    changed, _ = parse_settings({"beamWidth": 1})
    assert parse_settings({"maxTokens": 5}, changed)[0].beam_width == Settings().beam_width
    assert parse_settings(None, changed)[0] == changed


@pytest.mark.parametrize(
    "raw,name",
    [
        ({"maxTokens": "many"}, "maxTokens"),
        ({"maxTokens": 0}, "maxTokens"),
        ({"maxTokens": True}, "maxTokens"),  # a bool is not a count
        ({"minConfidence": 1.5}, "minConfidence"),
        ({"minConfidence": float("nan")}, "minConfidence"),
        ({"enabled": "yes"}, "enabled"),
        ({"modelPath": 3}, "modelPath"),
        ({"noSuchThing": 1}, "noSuchThing"),
    ],
)
def test_bad_values_fall_back_to_defaults_with_a_warning(raw: dict[str, object], name: str) -> None:
    settings, warnings = parse_settings(raw)
    assert settings == Settings()
    assert len(warnings) == 1 and name in warnings[0]


def test_a_whole_number_is_a_valid_float_and_not_a_section_is_refused() -> None:
    assert parse_settings({"minConfidence": 1})[0].min_confidence == 1.0
    settings, warnings = parse_settings(["enabled"])
    assert settings == Settings() and "object" in warnings[0]


def test_every_setting_round_trips_through_its_camel_case_name() -> None:
    raw = {camel(f.name): f.default for f in fields(Settings)}
    assert parse_settings(raw) == (Settings(), [])
