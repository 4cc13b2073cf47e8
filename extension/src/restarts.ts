// How often a crashed server may come back (a bounded budget), and a queue that runs restarts one at a time.

/** Allows at most `limit` crash restarts within any `windowMs`; past that the server stays down. */
export class RestartBudget {
  private crashes: number[] = [];

  constructor(
    readonly limit = 3,
    readonly windowMs = 3 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash; true when the server may be restarted for it. */
  crashed(): boolean {
    const now = this.now();
    this.crashes = this.crashes.filter((at) => now - at < this.windowMs);
    this.crashes.push(now);
    return this.crashes.length <= this.limit;
  }

  /** Forgets past crashes (a restart the user asked for starts afresh). */
  reset(): void {
    this.crashes = [];
  }
}

/** Runs async jobs one after another: a job starts only when the one before it has settled. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
