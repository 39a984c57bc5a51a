import type { ClickHouseClient } from '@clickhouse/client';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { selectRows } from './client.js';

export interface LeaderLeaseOptions {
  /** What is led, e.g. `evaluator`: candidates for one job share the name. */
  name: string;
  /** This candidate, unique among the candidates and across restarts (e.g. host, pid and a random part). */
  holder: string;
  /** A holder that stops renewing loses the lease this long after its last renewal. */
  ttlMs: number;
}

interface TermRow {
  term: string;
  holder: string;
  action: 'claim' | 'renew' | 'release';
  age_ms: string;
}

/**
 * A lease in the store naming the one candidate that may do a job (the evaluator's alert state,
 * delivery and checkpoints), with failover when the holder stops renewing.
 *
 * ClickHouse has no compare-and-set; insert deduplication serves as one. The lease is a sequence
 * of terms (table `leader_lease`, migration 0005). A candidate that finds the latest term expired
 * or released claims the next one with an insert whose deduplication token is that term: of
 * concurrent claims exactly one is stored, the others are dropped, and every candidate reads back
 * who won. The holder renews by inserting newer rows of its term. Expiry is judged on the server's
 * clock (age of the term's newest row), so candidates' clocks need not agree.
 *
 * `held()` is judged on this process's monotonic clock and ends before any other candidate can see
 * the lease expired: a renewal counts only if it was stored before the previous one could expire,
 * and a lease is held until `ttl − guard` after the start of the claim or renewal that gave it
 * (the row's server time is later than that start). A holder that cannot reach the store therefore
 * stops leading before anyone else starts; `guard` is the time left for a write begun while held.
 */
export class LeaderLease {
  private heldUntil = 0;
  private currentTerm = 0;
  private readonly guardMs: number;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly options: LeaderLeaseOptions,
  ) {
    this.guardMs = Math.ceil(options.ttlMs / 5);
  }

  get holder(): string {
    return this.options.holder;
  }

  /** Whether this candidate leads now; what it starts now finishes before another could lead. */
  held(): boolean {
    return performance.now() < this.heldUntil;
  }

  /** The term held (increases with every change of holder), or 0. */
  get term(): number {
    return this.held() ? this.currentTerm : 0;
  }

  /** Renews the lease held, or claims it if it is free or expired; returns `held()`. Call every ttl/3 or more often. */
  async refresh(): Promise<boolean> {
    const started = performance.now();
    const latest = await this.latestTerm();
    if (latest && latest.action !== 'release' && latest.ageMs < this.options.ttlMs) {
      if (latest.holder !== this.options.holder) return this.lose();
      // Ours: the renewal counts only if stored before the previous row could have expired.
      const expiresBy = started + this.options.ttlMs - latest.ageMs;
      await this.insert(latest.term, 'renew', randomUUID());
      return performance.now() < expiresBy - this.guardMs ? this.hold(latest.term, started) : this.lose();
    }
    const term = (latest?.term ?? 0) + 1;
    await this.insert(term, 'claim', 'claim');
    const won = await this.latestTerm();
    // A claim decided on a read older than the guard could rest on a stale view: let it lapse.
    if (won?.term !== term || won.holder !== this.options.holder || performance.now() - started > this.guardMs) return this.lose();
    return this.hold(term, started);
  }

  /** Gives the lease up at once (graceful stop), so another candidate need not wait for it to expire. */
  async release(): Promise<void> {
    const term = this.currentTerm;
    const held = this.held();
    this.lose();
    if (held) await this.insert(term, 'release', randomUUID());
  }

  private hold(term: number, from: number): boolean {
    this.currentTerm = term;
    this.heldUntil = from + this.options.ttlMs - this.guardMs;
    return true;
  }

  private lose(): boolean {
    this.heldUntil = 0;
    return false;
  }

  private async latestTerm(): Promise<{ term: number; holder: string; action: TermRow['action']; ageMs: number } | undefined> {
    const [row] = await selectRows<TermRow>(
      this.client,
      `SELECT toString(term) AS term, argMax(holder, at) AS holder, toString(argMax(action, at)) AS action,
              toString(greatest(0, dateDiff('millisecond', max(at), now64(3)))) AS age_ms
       FROM leader_lease WHERE name = {name:String}
       GROUP BY term ORDER BY term DESC LIMIT 1`,
      { name: this.options.name },
    );
    return row && { term: Number(row.term), holder: row.holder, action: row.action, ageMs: Number(row.age_ms) };
  }

  /**
   * A claim's token is its term: a second claim of the same term is dropped by the server. Other
   * rows get unique tokens, so identical renewals are never taken for duplicates.
   */
  private async insert(term: number, action: TermRow['action'], token: string): Promise<void> {
    await this.client.insert({
      table: 'leader_lease',
      values: [{ name: this.options.name, term, holder: this.options.holder, action }],
      format: 'JSONEachRow',
      clickhouse_settings: {
        async_insert: 0,
        insert_deduplicate: 1,
        insert_deduplication_token: `${this.options.name}:${term}:${token}`,
      },
    });
  }
}
