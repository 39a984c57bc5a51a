import type { Logger } from '@pi-egress/config';
import type { Metrics } from '@pi-egress/core';
import pRetry from 'p-retry';

export interface RetryPolicy {
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { minDelayMs: 250, maxDelayMs: 5_000 };

/** What a batch cannot skip: the store write, and the dead-letter produce before the commit. */
export type GuardedOperation = 'write' | 'dead-letter';

/**
 * Runs guarded operations until they succeed, with exponential backoff. While one keeps failing,
 * consumption is paused (nothing more is fetched: backpressure instead of a crash loop) and it is
 * resumed by the first success.
 */
export class Backpressure {
  #paused = false;

  constructor(
    private readonly consumption: { pause(): void; resume(): void },
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  /** False while an operation is failing: the service is then not ready. */
  get flowing(): boolean {
    return !this.#paused;
  }

  /**
   * Rejects with `signal.reason` as soon as `signal` aborts (shutdown, lost partitions). However the
   * run ends, consumption is resumed: an abandoned batch must not leave the consumer paused (if the
   * store is still down, the next batch's first failure pauses it again).
   */
  async run<T>(operation: GuardedOperation, attempt: () => Promise<T>, signal: AbortSignal): Promise<T> {
    const retried = pRetry(attempt, {
      retries: Number.POSITIVE_INFINITY,
      factor: 2,
      minTimeout: this.policy.minDelayMs,
      maxTimeout: this.policy.maxDelayMs,
      randomize: true,
      signal,
      onFailedAttempt: ({ error, attemptNumber }) => {
        // p-retry reports its abort (signal.reason) as a failed attempt too: that is no store failure.
        if (signal.aborted) return;
        if (operation === 'write') this.metrics.storeErrors.inc({ operation: 'write' });
        // Every time: a consumer restarted meanwhile starts unpaused.
        this.consumption.pause();
        this.#paused = true;
        this.logger.warn({ err: error, operation, attempt: attemptNumber }, `${operation} failed: consumption paused, retrying with backoff`);
      },
    });
    try {
      return await abortable(retried, signal);
    } finally {
      if (this.#paused) {
        this.#paused = false;
        this.consumption.resume();
        this.logger.info({ operation, abandoned: signal.aborted }, 'consumption resumed');
      }
    }
  }
}

/** `promise`, or a rejection with `signal.reason` once `signal` aborts (the promise is left to settle alone). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Heartbeats on an interval while a long batch runs, so the group keeps this member. The first
 * failure (a rebalance, an eviction) is handed to `onFailure`, which abandons the batch.
 */
export function keepHeartbeating(heartbeat: () => Promise<void>, intervalMs: number, onFailure: (error: unknown) => void): () => void {
  let inFlight = false;
  let failed = false;
  const timer = setInterval(() => {
    if (inFlight || failed) return;
    inFlight = true;
    heartbeat().then(
      () => (inFlight = false),
      (error: unknown) => {
        inFlight = false;
        failed = true;
        onFailure(error);
      },
    );
  }, intervalMs);
  return () => clearInterval(timer);
}
