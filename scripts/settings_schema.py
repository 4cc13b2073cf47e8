"""Write the extension's settings from the server's: package.json's `contributes.configuration` and config.ts's
`SERVER_SETTINGS` come from `inkling.settings.Settings` (its defaults, limits, choices, groups and descriptions).

    python scripts/settings_schema.py           # rewrite both files
    python scripts/settings_schema.py --check   # exit 1, naming the file, when either differs from what it would write
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

from inkling.settings import GROUPS, Settings, camel

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "package.json"
CONFIG_TS = ROOT / "extension" / "src" / "config.ts"
TS_START, TS_END = "export const SERVER_SETTINGS = {\n", "} as const satisfies Record<string, Spec>;\n"
JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}

# Settings only the extension reads (config.ts `readExtensionSettings`); the server never sees them.
EXTENSION_SETTINGS: dict[str, tuple[str, dict[str, Any]]] = {
    "server.pythonPath": (
        "server",
        {
            "type": "string",
            "default": "",
            "scope": "machine-overridable",
            "markdownDescription": "The Python interpreter that runs the Inkling server (it must have the "
            "`inkling` package). Empty: the Python extension's selected interpreter, else `python3`. `~` and "
            "`${workspaceFolder}` are expanded.",
        },
    ),
    "languages": (
        "server",
        {
            "type": "array",
            "items": {"type": "string"},
            "default": ["python"],
            "uniqueItems": True,
            "markdownDescription": "Language ids that get Inkling's suggestions. Changing it restarts the server.",
        },
    ),
    "debounceMs": (
        "suggestions",
        {
            "type": "integer",
            "default": 75,
            "minimum": 0,
            "maximum": 2000,
            "markdownDescription": "Milliseconds to wait after a keystroke before asking the model (`0`: ask at once).",
        },
    ),
}
TITLES = {**GROUPS, "server": "Server"}


def _property(default: Any, metadata: Any) -> dict[str, Any]:
    prop: dict[str, Any] = {"type": JSON_TYPES[type(default)], "default": default}
    if "low" in metadata:
        prop |= {"minimum": metadata["low"], "maximum": metadata["high"]}
    if "choices" in metadata:
        prop |= {"enum": list(metadata["choices"]), "enumDescriptions": list(metadata["choice_docs"])}
    if "scope" in metadata:
        prop["scope"] = metadata["scope"]
    prop["markdownDescription"] = metadata["doc"]
    return prop


def configuration() -> list[dict[str, Any]]:
    """`contributes.configuration`: one titled category per group (the settings page's sections), in order."""
    groups: dict[str, dict[str, Any]] = {name: {} for name in TITLES}
    for spec in fields(Settings):
        groups[spec.metadata["group"]][f"inkling.{camel(spec.name)}"] = _property(spec.default, spec.metadata)
    for key, (group, prop) in EXTENSION_SETTINGS.items():
        groups[group][f"inkling.{key}"] = prop
    return [
        {"id": f"inkling.{name}", "title": f"Inkling: {TITLES[name]}", "order": order, "properties": properties}
        for order, (name, properties) in enumerate(groups.items())
    ]


def _ts_value(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, float) else repr(value)


def server_settings_ts() -> str:
    """config.ts's SERVER_SETTINGS object literal, from `{` to `satisfies`."""
    lines = [TS_START]
    for spec in fields(Settings):
        parts = [f"kind: {json.dumps(JSON_TYPES[type(spec.default)])}", f"default: {_ts_value(spec.default)}"]
        if "low" in spec.metadata:
            low, high = spec.metadata["low"], spec.metadata["high"]
            if isinstance(spec.default, float):
                low, high = float(low), float(high)
            parts += [f"minimum: {_ts_value(low)}", f"maximum: {_ts_value(high)}"]
        if "choices" in spec.metadata:
            parts.append(f"choices: {json.dumps(list(spec.metadata['choices']))}")
        lines.append(f"  {camel(spec.name)}: {{ {', '.join(parts)} }},\n")
    return "".join(lines) + TS_END


def rendered() -> dict[Path, str]:
    """Each generated file's whole text as this script writes it."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    manifest["contributes"]["configuration"] = configuration()
    source = CONFIG_TS.read_text(encoding="utf-8")
    start, end = source.index(TS_START), source.index(TS_END) + len(TS_END)
    return {
        MANIFEST: json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
        CONFIG_TS: source[:start] + server_settings_ts() + source[end:],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files that differ")
    args = parser.parse_args()
    stale = [path for path, text in rendered().items() if path.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} differs from inkling/settings.py: run python scripts/settings_schema.py")
        return 1 if stale else 0
    for path, text in rendered().items():
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
