// Test doubles shared by the extension's unit tests: a cancellation token, a settings reader and a clock.

import type { CancellationLike } from "../../extension/src/gate";
import type { ConfigReader } from "../../extension/src/config";

export class FakeToken implements CancellationLike {
  isCancellationRequested = false;
  private listeners: Array<() => void> = [];

  onCancellationRequested(listener: () => void): { dispose(): void } {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  }

  cancel(): void {
    this.isCancellationRequested = true;
    for (const listener of [...this.listeners]) {
      listener();
    }
  }
}

/** Reads dotted keys from a flat object, as WorkspaceConfiguration.get does for the "inkling" section. */
export function reader(values: Record<string, unknown>): ConfigReader {
  return { get: <T>(key: string) => values[key] as T | undefined };
}

export class FakeClock {
  constructor(public ms = 1_000_000) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
