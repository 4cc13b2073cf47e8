// The status bar item: the server's state, the model and last latency in the tooltip; a click toggles suggestions.

import * as vscode from "vscode";

import type { StatusParams } from "./protocol";
import { describeStatus, type StatusInput } from "./statusView";

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private input: StatusInput = { server: undefined, clientError: undefined, enabled: true, snoozeLeftMs: 0 };

  constructor() {
    this.item = vscode.window.createStatusBarItem("inkling.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "Inkling";
    this.render();
    this.item.show();
  }

  /** The server's latest `inkling/status`. */
  setServer(status: StatusParams | undefined): void {
    this.input = { ...this.input, server: status, clientError: undefined };
    this.render();
  }

  /** The client could not start or gave up; undefined clears it. */
  setClientError(message: string | undefined): void {
    this.input = { ...this.input, clientError: message };
    this.render();
  }

  setSwitch(enabled: boolean, snoozeLeftMs: number): void {
    this.input = { ...this.input, enabled, snoozeLeftMs };
    this.render();
  }

  private render(): void {
    const view = describeStatus(this.input);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.command = view.command;
    this.item.accessibilityInformation = { label: view.label, role: "button" };
    this.item.backgroundColor =
      view.state === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
