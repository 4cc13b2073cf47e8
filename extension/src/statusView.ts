// What the status bar item shows, computed from the server's last status and the user's switch and snooze.

import type { StatusParams } from "./protocol";

export type ShownState = "loading" | "ready" | "busy" | "snoozed" | "disabled" | "error";

export interface StatusInput {
  /** The last `inkling/status` the server sent; undefined while the server is starting. */
  server: StatusParams | undefined;
  /** Why the client could not start or stopped for good; it wins over everything else. */
  clientError: string | undefined;
  enabled: boolean;
  snoozeLeftMs: number;
}

export interface StatusView {
  state: ShownState;
  text: string;
  /** Read by screen readers, and by the end-to-end test: "Inkling: ready". */
  label: string;
  tooltip: string;
  /** The command a click runs. */
  command: "inkling.toggle" | "inkling.showLogs";
}

const ICONS: Record<ShownState, string> = {
  loading: "$(loading~spin)",
  ready: "$(check)",
  busy: "$(sync~spin)",
  snoozed: "$(clock)",
  disabled: "$(circle-slash)",
  error: "$(error)",
};

function shownState(input: StatusInput): ShownState {
  if (input.clientError !== undefined || input.server?.state === "error") {
    return "error";
  }
  if (input.server === undefined) {
    return "loading";
  }
  if (!input.enabled || input.server.state === "disabled") {
    return "disabled";
  }
  if (input.snoozeLeftMs > 0) {
    return "snoozed";
  }
  return input.server.state;
}

/** The item's text, label, tooltip and click command. */
export function describeStatus(input: StatusInput): StatusView {
  const state = shownState(input);
  const minutes = Math.ceil(input.snoozeLeftMs / 60_000);
  const text = `${ICONS[state]} Inkling${state === "snoozed" ? ` ${minutes}m` : ""}`;
  const lines = [`Inkling: ${state === "snoozed" ? `snoozed for ${minutes} more minute${minutes === 1 ? "" : "s"}` : state}`];
  const server = input.server;
  if (server !== undefined && server.model !== "") {
    lines.push(`Model: ${server.model}`);
  }
  if (server?.latencyMs !== null && server?.latencyMs !== undefined) {
    lines.push(`Last completion: ${Math.round(server.latencyMs)} ms`);
  }
  const message = input.clientError ?? server?.message ?? "";
  if (message !== "") {
    lines.push(message);
  }
  let command: StatusView["command"] = "inkling.toggle";
  if (state === "error") {
    command = "inkling.showLogs";
    lines.push("Click to show the logs");
  } else if (state === "snoozed") {
    lines.push("Click to end the snooze");
  } else {
    lines.push(`Click to turn inline suggestions ${input.enabled ? "off" : "on"}`);
  }
  return { state, text, label: `Inkling: ${state}`, tooltip: lines.join("\n"), command };
}
