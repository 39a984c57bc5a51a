import type { Logger } from '@pi-egress/config';
import type { FiringAlert } from '@pi-egress/store';
import pRetry from 'p-retry';

/** An alert as Alertmanager's v2 API takes it (`POST /api/v2/alerts`), without its endsAt: a firing alert's labels, annotations and start. */
export type OutgoingAlert = Pick<FiringAlert, 'labels' | 'annotations' | 'startsAt'>;

export interface AlertmanagerPusherOptions {
  /** Alertmanager base URL (e.g. http://alertmanager:9093). */
  url: string;
  logger: Logger;
  /** How long a firing alert stays firing in Alertmanager without being re-sent. */
  firingTtlMs: number;
  timeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Delivers alert snapshots to one Alertmanager in the background. Only the latest snapshot of
 * firing alerts matters (each one replaces the previous); resolved alerts are kept until one
 * delivery carried them. Failures are retried with exponential backoff; `push` never waits, so
 * an unreachable Alertmanager never holds up evaluation.
 */
export class AlertmanagerPusher {
  private firing: readonly OutgoingAlert[] = [];
  private readonly resolved = new Map<string, OutgoingAlert & { endsAt: string }>();
  private pending = false;
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private readonly logger: Logger;
  /** Consecutive failed deliveries (0 after a success). */
  failures = 0;
  lastDeliveredAt: Date | undefined;

  constructor(private readonly options: AlertmanagerPusherOptions) {
    this.logger = options.logger.child({ component: 'alertmanager-pusher', alertmanager: options.url });
  }

  /** Replaces the firing snapshot and queues resolved alerts (keyed by fingerprint); delivers soon. */
  push(firing: readonly OutgoingAlert[], resolved: ReadonlyMap<string, OutgoingAlert>, now = new Date()): void {
    if (this.stopping.signal.aborted) return;
    this.firing = firing;
    for (const [fingerprint, alert] of resolved) this.resolved.set(fingerprint, { ...alert, endsAt: now.toISOString() });
    this.pending = true;
    this.running ??= this.deliverLoop().finally(() => {
      this.running = undefined;
    });
  }

  /** Stops retrying; waits for an attempt in flight. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async deliverLoop(): Promise<void> {
    // Nothing of the delivery (not even building the request) runs inside push().
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending && !this.stopping.signal.aborted) {
      // Each attempt sends the latest snapshot; exponential backoff (jittered) between attempts, for as long as it takes.
      await pRetry(() => this.deliverLatest(), {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: this.options.minBackoffMs ?? 500,
        maxTimeout: this.options.maxBackoffMs ?? 30_000,
        randomize: true,
        signal: this.stopping.signal,
        onFailedAttempt: ({ error }) => {
          this.failures += 1;
          this.logger.warn({ err: error, failures: this.failures }, 'alert delivery to Alertmanager failed');
        },
      }).catch(() => {
        // Only a stop ends the retries.
      });
    }
  }

  private async deliverLatest(): Promise<void> {
    this.pending = false;
    const resolved = [...this.resolved.entries()];
    await this.post([...this.firingWithEndsAt(), ...resolved.map(([, alert]) => alert)]);
    for (const [fingerprint, alert] of resolved) if (this.resolved.get(fingerprint) === alert) this.resolved.delete(fingerprint);
    if (this.failures > 0) this.logger.info({ failures: this.failures }, 'Alertmanager reachable again');
    this.failures = 0;
    this.lastDeliveredAt = new Date();
  }

  /** endsAt is set at send time: Alertmanager resolves an alert not re-sent before it. */
  private firingWithEndsAt(): Array<OutgoingAlert & { endsAt: string }> {
    const endsAt = new Date(Date.now() + this.options.firingTtlMs).toISOString();
    return this.firing.map((alert) => ({ ...alert, endsAt }));
  }

  private async post(alerts: unknown[]): Promise<void> {
    const res = await fetch(new URL('api/v2/alerts', withSlash(this.options.url)), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    }).catch((error: unknown) => {
      // A plain Error, so that p-retry retries every kind of failure (it gives up on most TypeErrors).
      throw new Error(`Alertmanager not reachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`Alertmanager answered HTTP ${res.status}`);
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
