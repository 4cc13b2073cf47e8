// Decides whether an inline completion request reaches the server: on/off, snooze, per-language enable, debounce.

/** The part of a vscode.CancellationToken used here. */
export interface CancellationLike {
  isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/** Whether inline suggestions are wanted now: the user's switch, a snooze, and the languages they are on for. */
export class SuggestionGate {
  private enabled = true;
  private snoozedUntil = 0;
  private languages = new Set<string>(["python"]);
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Called whenever the answer of `allows` may have changed (not when a snooze runs out by itself). */
  onDidChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) {
      listener();
    }
  }

  setEnabled(enabled: boolean): void {
    if (enabled !== this.enabled) {
      this.enabled = enabled;
      this.changed();
    }
  }

  isEnabled(): boolean {
    return this.enabled;
  }

  setLanguages(languages: readonly string[]): void {
    this.languages = new Set(languages);
    this.changed();
  }

  enabledFor(languageId: string): boolean {
    return this.languages.has(languageId);
  }

  /** Stops suggestions for `minutes`; returns when they come back (ms since the epoch). */
  snooze(minutes: number): number {
    if (!Number.isFinite(minutes) || minutes <= 0) {
      throw new RangeError(`snooze wants a positive number of minutes, got ${minutes}`);
    }
    this.snoozedUntil = this.now() + minutes * 60_000;
    this.changed();
    return this.snoozedUntil;
  }

  /** Ends a snooze early. */
  resume(): void {
    if (this.snoozedUntil !== 0) {
      this.snoozedUntil = 0;
      this.changed();
    }
  }

  /** Milliseconds of snooze left; 0 when not snoozed (an expired snooze is forgotten). */
  snoozeLeftMs(): number {
    const left = this.snoozedUntil - this.now();
    if (left <= 0) {
      this.snoozedUntil = 0;
      return 0;
    }
    return left;
  }

  isSnoozed(): boolean {
    return this.snoozeLeftMs() > 0;
  }

  /** Whether a request for a document of this language may go to the server now. */
  allows(languageId: string): boolean {
    return this.enabled && !this.isSnoozed() && this.languages.has(languageId);
  }
}

/** Waits out a short pause in typing; a newer request or a cancellation ends the wait with "no". */
export class Debouncer {
  private generation = 0;

  constructor(private delayMs: number) {}

  setDelay(delayMs: number): void {
    this.delayMs = delayMs;
  }

  /** True when the request should go ahead: the delay passed, it was not cancelled and no newer one came. */
  wait(token: CancellationLike): Promise<boolean> {
    const mine = ++this.generation;
    if (token.isCancellationRequested) {
      return Promise.resolve(false);
    }
    if (this.delayMs <= 0) {
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        subscription.dispose();
        resolve(!token.isCancellationRequested && mine === this.generation);
      }, this.delayMs);
      const subscription = token.onCancellationRequested(() => {
        clearTimeout(timer);
        subscription.dispose();
        resolve(false);
      });
    });
  }
}

/** vscode.InlineCompletionTriggerKind.Invoke: the user asked (a keybinding), so no debounce. */
export const TRIGGER_INVOKE = 0;

/**
 * The `provideInlineCompletionItems` middleware: nothing is sent while suggestions are off, snoozed or off for the
 * document's language; automatic requests wait for the debounce; `next` sends the request to the server.
 */
export function inlineCompletionMiddleware<
  D extends { languageId: string },
  P,
  C extends { triggerKind: number },
  T extends CancellationLike,
  R,
>(
  gate: SuggestionGate,
  debouncer: Debouncer,
): (
  document: D,
  position: P,
  context: C,
  token: T,
  next: (d: D, p: P, c: C, t: T) => R | null | undefined | PromiseLike<R | null | undefined>,
) => Promise<R | null | undefined> {
  return async (document, position, context, token, next) => {
    if (!gate.allows(document.languageId)) {
      return null;
    }
    if (context.triggerKind !== TRIGGER_INVOKE && !(await debouncer.wait(token))) {
      return null;
    }
    if (token.isCancellationRequested || !gate.allows(document.languageId)) {
      return null;
    }
    return await next(document, position, context, token);
  };
}

export const SNOOZE_LIMITS = { minimum: 1, maximum: 24 * 60, default: 15 } as const;

/** The minutes typed into the snooze prompt, or undefined when they are not a number in [1, 1440]. */
export function parseMinutes(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) {
    return undefined;
  }
  const minutes = Number(trimmed);
  return minutes >= SNOOZE_LIMITS.minimum && minutes <= SNOOZE_LIMITS.maximum ? minutes : undefined;
}
