// The text of the messages the commands show: model info, normalize results and training outcomes.

import type { GenerateResult, ModelInfo, NormalizeResult } from "./protocol";

function count(value: number): string {
  if (value >= 1e6) {
    return `${(value / 1e6).toFixed(1)}M`;
  }
  if (value >= 1e3) {
    return `${(value / 1e3).toFixed(1)}k`;
  }
  return String(value);
}

/** One line for an information message: `Inkling model "default": 3.2M parameters, last completion 41 ms.` */
export function modelInfoLine(info: ModelInfo): string {
  const latency = info.lastLatencyMs === null ? "no completion yet" : `last completion ${Math.round(info.lastLatencyMs)} ms`;
  return `Inkling model "${info.name}": ${count(info.parameters)} parameters, ${latency}. ${info.path}`;
}

function scalar(value: unknown): string {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

/** The whole answer of `inkling.modelInfo` as a Markdown document. */
export function modelInfoMarkdown(info: ModelInfo): string {
  const lines = [
    `# Inkling model "${info.name}"`,
    "",
    `- Folder: \`${info.path}\``,
    `- Parameters: ${info.parameters.toLocaleString("en-US")}`,
    `- Last completion: ${info.lastLatencyMs === null ? "none yet" : `${Math.round(info.lastLatencyMs)} ms`}`,
    "",
    "## Configuration",
    "",
    ...Object.entries(info.config).map(([key, value]) => `- ${key}: ${scalar(value)}`),
  ];
  const sections: [string, Record<string, unknown> | null | undefined][] = [
    ["Training", info.training],
    ["Workspace index", info.workspace],
    ["Background adaptation", info.adaptation],
  ];
  for (const [title, section] of sections) {
    const entries = Object.entries(section ?? {});
    if (entries.length > 0) {
      lines.push("", `## ${title}`, "", ...entries.map(([key, value]) => `- ${key}: ${scalar(value)}`));
    }
  }
  return lines.join("\n") + "\n";
}

/** What Normalize Style did, or undefined when the server already said it (skipped or failed). */
export function normalizeMessage(result: NormalizeResult, scope: "file" | "selection"): string | undefined {
  switch (result.status) {
    case "changed":
      return result.applied
        ? `Inkling normalized the ${scope}: ${result.rules.join(", ") || "style"}.`
        : `Inkling's changes to the ${scope} were not applied (the document changed meanwhile?).`;
    case "unchanged":
      return `The ${scope} is already in its own style: nothing to change.`;
    default:
      return undefined;
  }
}

/** What a generating command did, for the status bar; undefined when the server already said why nothing changed. */
export function generateMessage(result: GenerateResult, what: string): string | undefined {
  if (result.applied) {
    if (result.uri !== undefined) {
      const file = decodeURIComponent(result.uri.split("/").pop() ?? result.uri);
      return `Inkling: ${what} ${result.created === true ? "created" : "added to"} ${file}.`;
    }
    return `Inkling: ${what} inserted.`;
  }
  if (result.reason === "cancelled") {
    return `Inkling: ${what} cancelled.`;
  }
  return result.reason === "" ? `Inkling: ${what} was not applied (the document changed meanwhile?).` : undefined;
}

/** How Train on This Workspace ended, for a message of the right severity (server: lsp/training.py). */
export interface TrainingOutcome {
  severity: "info" | "error";
  text: string;
  /** The new model's folder, when the server trained one and switched to it. */
  model: string | undefined;
}

/** The server's answer ({status, message, model?, ...numbers}) as a message; unknown shapes are shown as they are. */
export function trainingOutcome(answer: unknown, folderName: string): TrainingOutcome {
  const record = typeof answer === "object" && answer !== null ? (answer as Record<string, unknown>) : {};
  const status = typeof record.status === "string" ? record.status : "";
  const message = typeof record.message === "string" && record.message !== "" ? record.message : summaryLine(answer);
  const model = status === "trained" && typeof record.model === "string" ? record.model : undefined;
  const text = `Inkling, training on "${folderName}": ${message || status || "finished"}`;
  return { severity: status === "failed" ? "error" : "info", text, model };
}

/** A summary (whatever keys it has) as `key: value, ...`, scalars only. */
export function summaryLine(summary: unknown): string {
  if (typeof summary !== "object" || summary === null) {
    if (summary === undefined || summary === null) {
      return "";
    }
    return typeof summary === "string" ? summary : JSON.stringify(summary);
  }
  return Object.entries(summary as Record<string, unknown>)
    .filter(([, value]) => value === null || ["string", "number", "boolean"].includes(typeof value))
    .map(([key, value]) => `${key}: ${typeof value === "number" && !Number.isInteger(value) ? value.toFixed(3) : String(value)}`)
    .join(", ");
}
