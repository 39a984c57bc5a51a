// A producer on the HTTP path: batches of valid events, some with hostile events mixed in, posted
// to the API process and retried as a careful client would (connection failures and 502/503/504
// until answered; 500s for up to 45 s, long enough for the engine to come back, then given up). An event counts in the truth only once the
// monitor acknowledged it (a 200 that does not reject it).
import { postJson } from '../harness/post-json.js';
import { sleep } from '../harness/process.js';
import type { AcknowledgeableEvent, EventSource, HostileKind } from './event-source.js';

const VALID_PER_BATCH = 8;
const HOSTILE_EVERY_BATCHES = 3;
/** How the careful client retries a batch. */
const RETRY = {
  /** Each request's time limit (an API process killed mid-batch never answers). */
  requestTimeoutMs: 60_000,
  /** How long 500s are retried before the batch is given up. */
  giveUpAfter500sMs: 45_000,
  /** The pause before try n is min(pauseUnitMs × 2^n, longestPauseMs). */
  pauseUnitMs: 100,
  longestPauseMs: 3_000,
};

export interface HttpIngestStats {
  batches: number;
  acknowledged: number;
  retries: number;
  connectionFailures: number;
  /** Answers by HTTP status, retried ones included. */
  statuses: Record<string, number>;
  /** Batches still answered 500 after 45 s of retries: none of their events acknowledged. */
  givenUp: number;
  /** Valid events rejected (each a bug: it is then missing from the truth). */
  validRejected: number;
  hostileRejected: Record<string, number>;
  /** Hostile events acknowledged: each should have been rejected. */
  hostileAcknowledged: Record<string, number>;
  reasons: string[];
}

type Entry = { valid: AcknowledgeableEvent } | { hostile: HostileKind; event: Record<string, unknown> };

export class HttpIngestClient {
  readonly stats: HttpIngestStats = {
    batches: 0,
    acknowledged: 0,
    retries: 0,
    connectionFailures: 0,
    statuses: {},
    givenUp: 0,
    validRejected: 0,
    hostileRejected: {},
    hostileAcknowledged: {},
    reasons: [],
  };
  /** Whether a batch is being posted (or retried) right now. */
  inFlight = false;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly source: EventSource,
  ) {}

  start(pauseMs = 500): void {
    this.loop = (async () => {
      while (!this.stopped) {
        await this.postBatch(this.nextBatch());
        await sleep(pauseMs);
      }
    })();
  }

  /** Stops after the batch in flight is answered (retries included). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** Waits until a batch is in flight (for a kill that must land mid-batch). */
  async whenInFlight(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.inFlight && Date.now() < deadline) await sleep(5);
    return this.inFlight;
  }

  private nextBatch(): Entry[] {
    const batch: Entry[] = Array.from({ length: VALID_PER_BATCH }, () => ({ valid: this.source.httpValid() }));
    if (this.stats.batches % HOSTILE_EVERY_BATCHES === HOSTILE_EVERY_BATCHES - 1) {
      for (let i = 0; i < 2; i++) {
        const { kind, event } = this.source.hostile();
        batch.splice(Math.floor(Math.random() * (batch.length + 1)), 0, { hostile: kind, event });
      }
    }
    return batch;
  }

  private async postBatch(batch: Entry[]): Promise<void> {
    this.stats.batches += 1;
    this.inFlight = true;
    const events = batch.map((entry) => ('valid' in entry ? entry.valid.event : entry.event));
    let first500: number | undefined;
    try {
      for (let attempt = 1; ; attempt++) {
        if (attempt > 1) {
          this.stats.retries += 1;
          await sleep(Math.min(RETRY.pauseUnitMs * 2 ** attempt, RETRY.longestPauseMs));
        }
        let response: Response;
        try {
          response = await postJson(`${this.url}/v1/events`, this.token, events, RETRY.requestTimeoutMs);
        } catch {
          this.stats.connectionFailures += 1; // the API process is down or restarting
          continue;
        }
        const text = await response.text().catch(() => '');
        this.stats.statuses[response.status] = (this.stats.statuses[response.status] ?? 0) + 1;
        if (response.status === 200) return this.acknowledge(batch, JSON.parse(text) as { rejected: Array<{ index: number; reason: string }> });
        first500 ??= response.status === 500 ? Date.now() : undefined;
        if (first500 !== undefined && Date.now() - first500 >= RETRY.giveUpAfter500sMs) {
          this.stats.givenUp += 1;
          this.note(`batch given up after ${RETRY.giveUpAfter500sMs / 1000} s of 500s: ${text.slice(0, 200)}`);
          return;
        }
        if (response.status < 500 && response.status !== 429) {
          this.note(`batch refused with ${response.status}: ${text.slice(0, 200)}`);
          return;
        }
      }
    } finally {
      this.inFlight = false;
    }
  }

  private acknowledge(batch: Entry[], answer: { rejected: Array<{ index: number; reason: string }> }): void {
    const rejected = new Map(answer.rejected.map((entry) => [entry.index, entry.reason]));
    for (const [index, entry] of batch.entries()) {
      const reason = rejected.get(index);
      if ('valid' in entry) {
        if (reason === undefined) {
          entry.valid.acknowledge();
          this.stats.acknowledged += 1;
        } else {
          this.stats.validRejected += 1;
          this.note(`valid event rejected: ${reason}`);
        }
      } else {
        const tally = reason === undefined ? this.stats.hostileAcknowledged : this.stats.hostileRejected;
        tally[entry.hostile] = (tally[entry.hostile] ?? 0) + 1;
      }
    }
  }

  private note(reason: string): void {
    if (this.stats.reasons.length < 10) this.stats.reasons.push(reason);
  }
}
