// Typed settings: reads the "inkling" section, validates it like the server does, and splits server from extension keys.

/** Reads one key of the "inkling" section (vscode's WorkspaceConfiguration fits; tests pass a plain object). */
export interface ConfigReader {
  get<T>(key: string): T | undefined;
}

type Kind = "boolean" | "integer" | "number" | "string";

interface Spec {
  kind: Kind;
  default: boolean | number | string;
  minimum?: number;
  maximum?: number;
  choices?: readonly string[];
}

/**
 * Every setting the server reads (server/inkling/settings.py `Settings`, camelCase), with the same defaults, ranges
 * and choices; package.json declares the same, and tests check all three agree.
 */
export const SERVER_SETTINGS = {
  enabled: { kind: "boolean", default: true },
  multiline: { kind: "boolean", default: true },
  maxTokens: { kind: "integer", default: 48, minimum: 1, maximum: 256 },
  maxLines: { kind: "integer", default: 8, minimum: 1, maximum: 40 },
  minConfidence: { kind: "number", default: 0.0, minimum: 0.0, maximum: 1.0 },
  beamWidth: { kind: "integer", default: 3, minimum: 1, maximum: 8 },
  minChars: { kind: "integer", default: 2, minimum: 1, maximum: 80 },
  completionItems: { kind: "integer", default: 8, minimum: 0, maximum: 50 },
  normalizeStyle: { kind: "boolean", default: true },
  unsafeSuggestions: { kind: "string", default: "hide", choices: ["hide", "mark"] },
  fillInTheMiddle: { kind: "boolean", default: false },
  cacheWeight: { kind: "number", default: 0.2, minimum: 0.0, maximum: 0.9 },
  contextChars: { kind: "integer", default: 3000, minimum: 200, maximum: 100000 },
  suffixChars: { kind: "integer", default: 1500, minimum: 0, maximum: 20000 },
  wholeFileState: { kind: "boolean", default: true },
  constrainMembers: { kind: "boolean", default: true },
  analysisBudgetMs: { kind: "number", default: 15.0, minimum: 0.0, maximum: 10000.0 },
  scopeBonus: { kind: "number", default: 4.0, minimum: 0.0, maximum: 20.0 },
  workspaceIndex: { kind: "boolean", default: true },
  projectWeight: { kind: "number", default: 0.2, minimum: 0.0, maximum: 0.9 },
  retrievedWindows: { kind: "integer", default: 6, minimum: 1, maximum: 50 },
  lineCandidates: { kind: "integer", default: 4, minimum: 0, maximum: 32 },
  candidateBonus: { kind: "number", default: 3.0, minimum: 0.0, maximum: 20.0 },
  adaptToWorkspace: { kind: "boolean", default: false },
  modelPath: { kind: "string", default: "" },
} as const satisfies Record<string, Spec>;

export type ServerSettingName = keyof typeof SERVER_SETTINGS;

type Widen<T> = T extends boolean ? boolean : T extends number ? number : T extends string ? string : never;

/** The settings the server gets, in initializationOptions and workspace/didChangeConfiguration. */
export type ServerSettings = { [K in ServerSettingName]: Widen<(typeof SERVER_SETTINGS)[K]["default"]> };

/** Settings that only this extension reads; the server never sees them. */
export interface ExtensionSettings {
  pythonPath: string;
  languages: string[];
  debounceMs: number;
}

export const EXTENSION_DEFAULTS: ExtensionSettings = { pythonPath: "", languages: ["python"], debounceMs: 75 };
export const DEBOUNCE_LIMITS = { minimum: 0, maximum: 2000 } as const;

/** Extension-only keys under "inkling." in package.json; every other key there is a server setting. */
export const EXTENSION_KEYS = ["server.pythonPath", "languages", "debounceMs"] as const;

export interface Read<T> {
  value: T;
  warnings: string[];
}

function describe(spec: Spec): string {
  if (spec.choices !== undefined) {
    return `one of ${spec.choices.map((c) => JSON.stringify(c)).join(", ")}`;
  }
  if (spec.minimum !== undefined) {
    return `${spec.kind === "integer" ? "an integer" : "a number"} in [${spec.minimum}, ${spec.maximum}]`;
  }
  return `a ${spec.kind}`;
}

/** Whether `value` fits `spec` (the same rules as the server's `_valid`). */
export function isValid(value: unknown, spec: Spec): boolean {
  switch (spec.kind) {
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string" && (spec.choices === undefined || spec.choices.includes(value));
    case "integer":
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return false;
      }
      if (spec.kind === "integer" && !Number.isInteger(value)) {
        return false;
      }
      return (spec.minimum === undefined || value >= spec.minimum) && (spec.maximum === undefined || value <= spec.maximum);
    }
  }
}

/** The server settings from the "inkling" section; a missing value takes its default, an invalid one too, with a warning. */
export function readServerSettings(reader: ConfigReader): Read<ServerSettings> {
  const value: Record<string, boolean | number | string> = {};
  const warnings: string[] = [];
  for (const [name, spec] of Object.entries(SERVER_SETTINGS) as [ServerSettingName, Spec][]) {
    const raw = reader.get<unknown>(name);
    if (raw === undefined || raw === null) {
      value[name] = spec.default;
    } else if (isValid(raw, spec)) {
      value[name] = raw as boolean | number | string;
    } else {
      value[name] = spec.default;
      warnings.push(
        `setting "inkling.${name}" = ${JSON.stringify(raw)} is not valid (expected ${describe(spec)}): ` +
          `using the default ${JSON.stringify(spec.default)}`,
      );
    }
  }
  return { value: value as ServerSettings, warnings };
}

/** The extension-only settings, validated the same way. */
export function readExtensionSettings(reader: ConfigReader): Read<ExtensionSettings> {
  const warnings: string[] = [];
  let pythonPath = reader.get<unknown>("server.pythonPath") ?? EXTENSION_DEFAULTS.pythonPath;
  if (typeof pythonPath !== "string") {
    warnings.push(`setting "inkling.server.pythonPath" must be a string: ignored`);
    pythonPath = EXTENSION_DEFAULTS.pythonPath;
  }
  let languages = reader.get<unknown>("languages") ?? EXTENSION_DEFAULTS.languages;
  if (!Array.isArray(languages) || !languages.every((item) => typeof item === "string" && item.length > 0)) {
    warnings.push(`setting "inkling.languages" must be a list of language ids: using ["python"]`);
    languages = EXTENSION_DEFAULTS.languages;
  }
  let debounceMs = reader.get<unknown>("debounceMs") ?? EXTENSION_DEFAULTS.debounceMs;
  if (!isValid(debounceMs, { kind: "integer", default: 0, ...DEBOUNCE_LIMITS })) {
    warnings.push(
      `setting "inkling.debounceMs" = ${JSON.stringify(debounceMs)} is not valid ` +
        `(expected an integer in [${DEBOUNCE_LIMITS.minimum}, ${DEBOUNCE_LIMITS.maximum}]): using ${EXTENSION_DEFAULTS.debounceMs}`,
    );
    debounceMs = EXTENSION_DEFAULTS.debounceMs;
  }
  return {
    value: {
      pythonPath: (pythonPath as string).trim(),
      languages: [...new Set(languages as string[])],
      debounceMs: debounceMs as number,
    },
    warnings,
  };
}

/**
 * What a configuration change calls for, judged by the settings' values and not by the event's
 * `affectsConfiguration`: VS Code can change an effective value without naming it. In a remote window (code-server,
 * SSH, WSL), a machine-overridable setting such as `inkling.server.pythonPath` is read from the local user settings
 * until this extension's settings schema registers, then dropped without an event that affects "inkling" (seen in
 * code-server on every start, a few seconds after activation; an activation after the drop never saw the value).
 */
export class SettingsWatch {
  private launched: string | undefined;
  private seen: string | undefined;

  /** The server (re)started with these settings. */
  started(extension: ExtensionSettings, server: ServerSettings): void {
    this.launched = launchKey(extension);
    this.seen = JSON.stringify([extension, server]);
  }

  /** "restart" when what the server process starts with changed (its interpreter, its languages), "update" when
   * another setting did, "none" when no value changed or the server was never started. */
  changed(extension: ExtensionSettings, server: ServerSettings): "restart" | "update" | "none" {
    const seen = JSON.stringify([extension, server]);
    if (this.launched === undefined || seen === this.seen) {
      return "none";
    }
    this.seen = seen;
    return launchKey(extension) === this.launched ? "update" : "restart";
  }
}

function launchKey(settings: ExtensionSettings): string {
  return JSON.stringify([settings.pythonPath, settings.languages]);
}
