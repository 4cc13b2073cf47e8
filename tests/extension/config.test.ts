// Settings: defaults, validation like the server's, extension-only keys, and agreement with package.json.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";

import {
  EXTENSION_DEFAULTS,
  EXTENSION_KEYS,
  readExtensionSettings,
  readServerSettings,
  SERVER_SETTINGS,
  SettingsWatch,
} from "../../extension/src/config";
import { reader } from "./fakes";

interface Manifest {
  contributes: { configuration: { title: string; properties: Record<string, Record<string, unknown>> }[] };
}
const MANIFEST = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8")) as Manifest;
// The settings page's sections (scripts/settings_schema.py writes them), merged.
const PROPERTIES = Object.assign({}, ...MANIFEST.contributes.configuration.map((c) => c.properties)) as Record<
  string,
  Record<string, unknown>
>;

describe("readServerSettings", () => {
  test("an empty section gives every default and no warning", () => {
    const { value, warnings } = readServerSettings(reader({}));
    assert.deepEqual(warnings, []);
    assert.equal(value.enabled, true);
    assert.equal(value.maxTokens, 48);
    assert.equal(value.minConfidence, 0);
    assert.equal(value.unsafeSuggestions, "hide");
    assert.deepEqual(Object.keys(value).sort(), Object.keys(SERVER_SETTINGS).sort());
  });

  test("valid values pass through", () => {
    const { value, warnings } = readServerSettings(
      reader({ multiline: false, maxLines: 40, minConfidence: 0.25, modelPath: "/models/mine", unsafeSuggestions: "mark" }),
    );
    assert.deepEqual(warnings, []);
    assert.equal(value.multiline, false);
    assert.equal(value.maxLines, 40);
    assert.equal(value.minConfidence, 0.25);
    assert.equal(value.modelPath, "/models/mine");
    assert.equal(value.unsafeSuggestions, "mark");
  });

  test("a value of the wrong type, out of range or not a choice falls back to its default, with a warning each", () => {
    const { value, warnings } = readServerSettings(
      reader({ enabled: "yes", maxTokens: 0, beamWidth: 2.5, minConfidence: 1.5, unsafeSuggestions: "show", contextChars: Number.NaN }),
    );
    assert.equal(value.enabled, true);
    assert.equal(value.maxTokens, 48);
    assert.equal(value.beamWidth, 3);
    assert.equal(value.minConfidence, 0);
    assert.equal(value.unsafeSuggestions, "hide");
    assert.equal(value.contextChars, 3000);
    assert.equal(warnings.length, 6);
    assert.match(warnings.join("\n"), /inkling\.maxTokens.*integer in \[1, 256\]/);
    assert.match(warnings.join("\n"), /inkling\.unsafeSuggestions.*one of "hide", "mark"/);
  });

  test("integers are valid numbers (minConfidence: 1)", () => {
    assert.equal(readServerSettings(reader({ minConfidence: 1 })).value.minConfidence, 1);
  });

  test("extension-only keys never reach the server", () => {
    const { value } = readServerSettings(reader({ "server.pythonPath": "/usr/bin/python3", languages: ["python"], debounceMs: 5 }));
    for (const key of EXTENSION_KEYS) {
      assert.ok(!(key in value), key);
    }
  });
});

describe("readExtensionSettings", () => {
  test("defaults", () => {
    assert.deepEqual(readExtensionSettings(reader({})), { value: EXTENSION_DEFAULTS, warnings: [] });
  });

  test("values are read and trimmed; languages deduplicated", () => {
    const { value, warnings } = readExtensionSettings(
      reader({ "server.pythonPath": "  ~/venv/bin/python ", languages: ["python", "cython", "python"], debounceMs: 0 }),
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(value, { pythonPath: "~/venv/bin/python", languages: ["python", "cython"], debounceMs: 0 });
  });

  test("invalid values fall back with warnings", () => {
    const { value, warnings } = readExtensionSettings(reader({ "server.pythonPath": 3, languages: "python", debounceMs: -1 }));
    assert.deepEqual(value, EXTENSION_DEFAULTS);
    assert.equal(warnings.length, 3);
  });
});

describe("SettingsWatch", () => {
  const read = (values: Record<string, unknown>) =>
    [readExtensionSettings(reader(values)).value, readServerSettings(reader(values)).value] as const;

  test("an interpreter that VS Code drops after the start restarts the server, though no event named it", () => {
    // A remote window: the local user settings' machine-overridable value is seen at activation, then dropped.
    const watch = new SettingsWatch();
    watch.started(...read({ "server.pythonPath": "/venv/bin/python" }));
    assert.equal(watch.changed(...read({})), "restart");
  });

  test("a later interpreter, or another languages list, restarts; a server setting only updates", () => {
    const watch = new SettingsWatch();
    watch.started(...read({}));
    assert.equal(watch.changed(...read({ maxTokens: 64 })), "update");
    assert.equal(watch.changed(...read({ maxTokens: 64, debounceMs: 10 })), "update");
    assert.equal(watch.changed(...read({ maxTokens: 64, debounceMs: 10, "server.pythonPath": "/py" })), "restart");
    watch.started(...read({ "server.pythonPath": "/py" }));
    assert.equal(watch.changed(...read({ "server.pythonPath": "/py", languages: ["python", "cython"] })), "restart");
  });

  test("an event that changes no value, or one before the first start, does nothing", () => {
    const watch = new SettingsWatch();
    assert.equal(watch.changed(...read({ "server.pythonPath": "/py" })), "none");
    watch.started(...read({ "server.pythonPath": "/py", maxTokens: 64 }));
    assert.equal(watch.changed(...read({ "server.pythonPath": "/py", maxTokens: 64 })), "none");
    assert.equal(watch.changed(...read({ "server.pythonPath": " /py ", maxTokens: 64 })), "none");
  });
});

describe("package.json contributes.configuration", () => {
  test("declares exactly the server settings and the extension-only ones", () => {
    const declared = Object.keys(PROPERTIES).map((key) => key.replace(/^inkling\./, ""));
    assert.deepEqual(declared.sort(), [...Object.keys(SERVER_SETTINGS), ...EXTENSION_KEYS].sort());
  });

  test("each server setting has the same type, default, range and choices as config.ts", () => {
    for (const [name, spec] of Object.entries(SERVER_SETTINGS)) {
      const property = PROPERTIES[`inkling.${name}`];
      assert.equal(property.type, spec.kind, name);
      assert.equal(property.default, spec.default, name);
      assert.equal(property.minimum, "minimum" in spec ? spec.minimum : undefined, name);
      assert.equal(property.maximum, "maximum" in spec ? spec.maximum : undefined, name);
      assert.deepEqual(property.enum, "choices" in spec ? spec.choices : undefined, name);
    }
  });

  test("extension-only settings have the defaults config.ts uses", () => {
    assert.equal(PROPERTIES["inkling.server.pythonPath"].default, EXTENSION_DEFAULTS.pythonPath);
    assert.deepEqual(PROPERTIES["inkling.languages"].default, EXTENSION_DEFAULTS.languages);
    assert.equal(PROPERTIES["inkling.debounceMs"].default, EXTENSION_DEFAULTS.debounceMs);
  });
});
