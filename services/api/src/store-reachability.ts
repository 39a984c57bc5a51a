/** How long the store may stay unreachable before /healthz fails (EGRESS_STORE_UNREACHABLE_LIMIT_MS). */
export const DEFAULT_STORE_UNREACHABLE_LIMIT_MS = 60_000;

/**
 * Pings the store in the background and remembers when it last answered, so /healthz can fail once
 * the store has been unreachable for longer than a bound (an engine that cannot come back, a
 * server gone): an orchestrator then restarts what cannot heal itself. A short outage, such as the
 * embedded engine being restarted, stays under the bound.
 */
export class StoreReachability {
  private lastReachableAt = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly ping: () => Promise<boolean>,
    readonly limitMs: number,
    private readonly intervalMs = Math.max(100, Math.min(5_000, Math.floor(limitMs / 4))),
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Milliseconds since the store last answered a ping. */
  unreachableForMs(): number {
    return Date.now() - this.lastReachableAt;
  }

  healthy(): boolean {
    return this.unreachableForMs() <= this.limitMs;
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      // A stopped or overloaded engine may hold the connection open: an unanswered ping counts as unreachable.
      const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, this.intervalMs * 2, false).unref());
      if (await Promise.race([this.ping().catch(() => false), timeout])) this.lastReachableAt = Date.now();
    } finally {
      this.checking = false;
    }
  }
}
