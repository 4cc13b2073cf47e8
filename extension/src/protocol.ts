// The wire between this extension and the server: mirrors server/inkling/lsp/protocol.py and the server's commands.

/** The custom notification the server sends whenever its state changes (and after completions, at most 1/s). */
export const STATUS_NOTIFICATION = "inkling/status";

export type ServerState = "loading" | "ready" | "busy" | "error" | "disabled";

/** Parameters of `inkling/status` (protocol.py `Status.to_json`). */
export interface StatusParams {
  state: ServerState;
  model: string;
  latencyMs: number | null;
  message: string;
}

/** Commands the server executes through `workspace/executeCommand`. */
export const SERVER_COMMANDS = {
  generateCode: "inkling.generateCode",
  generateTest: "inkling.generateTest",
  insertDocstring: "inkling.insertDocstring",
  modelInfo: "inkling.modelInfo",
  normalizeStyle: "inkling.normalizeStyle",
  trainWorkspace: "inkling.trainWorkspace",
} as const;

/** What `inkling.modelInfo` returns. */
export interface ModelInfo {
  name: string;
  path: string;
  parameters: number;
  config: Record<string, unknown>;
  training: Record<string, unknown>;
  lastLatencyMs: number | null;
  /** The workspace index (files, windows, built, ...), when the server indexes a workspace. */
  workspace?: Record<string, unknown> | null;
  /** Background adaptation: its state (idle, running, adopted, rejected, failed, stopped) and numbers. */
  adaptation?: Record<string, unknown> | null;
}

/** What `inkling.normalizeStyle` returns. */
export interface NormalizeResult {
  status: "changed" | "unchanged" | "skipped" | "failed";
  rules: string[];
  applied: boolean;
  reason: string;
}

/** What the generating commands (`inkling.generateCode`, `inkling.insertDocstring`, `inkling.generateTest`) return. */
export interface GenerateResult {
  applied: boolean;
  reason: string;
  text?: string; // the inserted text
  uri?: string; // the test file, for inkling.generateTest
  created?: boolean;
  generatedAssertions?: number;
}

/** An LSP range as JSON, the second argument of `inkling.normalizeStyle`. */
export interface WireRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

const STATES: readonly string[] = ["loading", "ready", "busy", "error", "disabled"];

/** The notification's parameters when they have the documented shape, else undefined. */
export function parseStatus(raw: unknown): StatusParams | undefined {
  if (typeof raw !== "object" || raw === null) {
    return undefined;
  }
  const value = raw as Record<string, unknown>;
  if (typeof value.state !== "string" || !STATES.includes(value.state)) {
    return undefined;
  }
  return {
    state: value.state as ServerState,
    model: typeof value.model === "string" ? value.model : "",
    latencyMs: typeof value.latencyMs === "number" && Number.isFinite(value.latencyMs) ? value.latencyMs : null,
    message: typeof value.message === "string" ? value.message : "",
  };
}

export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * The level of one line of the server's stderr log (`<date> <time> <logger> <LEVEL> <message>`, set in cli.py).
 * INFO lines become debug: the server also sends what matters to the user as window/logMessage, so at the default
 * log level they would show twice. Lines without a level (a traceback, a crash) are errors.
 */
export function stderrLevel(line: string): LogLevel {
  const level = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \S+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) /.exec(line)?.[1];
  switch (level) {
    case "DEBUG":
    case "INFO":
      return "debug";
    case "WARNING":
      return "warn";
    case undefined:
    case "ERROR":
    case "CRITICAL":
      return "error";
  }
  return "error";
}
