"""package.json's `contributes.configuration` is generated from the server's `Settings` and agrees with it: names,
types, defaults, ranges, choices, groups."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import MISSING, Field, fields
from pathlib import Path
from typing import Any

import pytest

from inkling.settings import Settings, camel

MANIFEST = Path(__file__).resolve().parents[2] / "package.json"
EXTENSION_ONLY = {"inkling.server.pythonPath", "inkling.languages", "inkling.debounceMs"}
JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}


def _properties() -> dict[str, dict[str, Any]]:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    categories: list[dict[str, Any]] = manifest["contributes"]["configuration"]
    return {key: prop for category in categories for key, prop in category["properties"].items()}


def _default(spec: Field[Any]) -> Any:
    assert spec.default is not MISSING, f"{spec.name} has no plain default"
    return spec.default


@pytest.mark.parametrize("spec", fields(Settings), ids=lambda spec: spec.name)
def test_every_server_setting_is_declared_alike(spec: Field[Any]) -> None:
    key = f"inkling.{camel(spec.name)}"
    properties = _properties()
    assert key in properties, f"{key} is missing from package.json contributes.configuration"
    declared = properties[key]
    default = _default(spec)
    assert declared["type"] == JSON_TYPES[type(default)]
    assert declared["default"] == default
    assert isinstance(declared["default"], bool) == isinstance(default, bool)
    assert declared.get("minimum") == spec.metadata.get("low")
    assert declared.get("maximum") == spec.metadata.get("high")
    choices = spec.metadata.get("choices")
    assert declared.get("enum") == (list(choices) if choices is not None else None)
    assert declared.get("markdownDescription"), f"{key} needs a description for the settings UI"


def test_the_manifest_and_config_ts_are_what_the_schema_script_writes() -> None:
    """Both extension copies of the settings come from settings.py: a change there without a rerun fails."""
    script = MANIFEST.parent / "scripts" / "settings_schema.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_settings_are_grouped_and_the_model_path_can_be_set_per_machine() -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    titles = [category["title"] for category in manifest["contributes"]["configuration"]]
    assert titles == [
        "Inkling: Suggestions",
        "Inkling: Context and analysis",
        "Inkling: Workspace",
        "Inkling: Model",
        "Inkling: Server",
    ]
    properties = _properties()
    assert properties["inkling.modelPath"]["scope"] == "machine-overridable"
    assert properties["inkling.server.pythonPath"]["scope"] == "machine-overridable"


def test_no_other_setting_claims_to_be_the_servers() -> None:
    """Every declared key is a server setting or one of the extension's own; nothing stale or misspelled."""
    server_keys = {f"inkling.{camel(spec.name)}" for spec in fields(Settings)}
    declared = set(_properties())
    assert declared - server_keys == EXTENSION_ONLY
    assert not EXTENSION_ONLY & server_keys


def test_extension_settings_are_typed() -> None:
    properties = _properties()
    assert properties["inkling.server.pythonPath"]["type"] == "string"
    assert properties["inkling.languages"]["default"] == ["python"]
    assert properties["inkling.debounceMs"]["type"] == "integer"


def test_palette_commands_are_registered_and_never_shadow_server_commands() -> None:
    """Every contributed command has a handler in commands.ts; none takes the name of a server command, which
    vscode-languageclient registers itself (a clash fails the extension's activation)."""
    import re

    from inkling.lsp.server import build_server

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    contributed = {c["command"] for c in manifest["contributes"]["commands"]}
    source = (MANIFEST.parent / "extension" / "src" / "commands.ts").read_text(encoding="utf-8")
    registered = set(re.findall(r'^\s+"(inkling\.\w+)":', source, re.MULTILINE))
    assert contributed == registered
    server = build_server(Path("unused"))
    server_commands = set(server.protocol.fm.commands)
    assert {"inkling.generateCode", "inkling.insertDocstring", "inkling.generateTest"} <= server_commands
    assert not contributed & server_commands
