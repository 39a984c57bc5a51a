import type { MonitorContext } from '@pi-egress/core';
import { yearStart, zeroCounts, type ClassCounts, type ScopeKey } from '@pi-egress/domain';
import { scopeIdOf } from '@pi-egress/store';

/** Daily new individuals of a scope-year (the forecast's input). */
export type DailyNew = ReadonlyArray<{ day: string; counts: ClassCounts }>;

interface Entry {
  lastInsertedAt: string;
  /** The watermark of the scope's checkpoint when read: the daily figures change with it. */
  checkpointAt: string;
  /** Every insert up to lastInsertedAt had ended before the read: no row of it can still land. */
  complete: boolean;
  readAt: number;
  counts: ClassCounts;
  dailyNew: DailyNew;
}

export interface CountCacheOptions {
  /** Every scope is read again at least this often (the forecast's daily figures follow checkpoints). */
  maxAgeMs?: number;
}

/**
 * The counts the evaluator judges, read again only for the scope-years that changed. One query of
 * scope_activity per cycle tells which scopes received people since they were last read; with
 * thousands of scopes, reading every count every cycle took over a minute (MEASUREMENTS.md).
 * A scope without activity counts zero without a query.
 */
export class CountCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxAgeMs: number;
  private activity: Array<{ level: ScopeKey['level']; scopeId: string; year: number }> = [];
  /** Per past year: the latest (business) time its counts were seen to change after the year ended. */
  private readonly lateChanges = new Map<number, number>();

  constructor(
    private readonly ctx: MonitorContext,
    options: CountCacheOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 300_000;
  }

  /** Reads what changed; returns the scope-years read again (the ones whose judgement may change). */
  async refresh(): Promise<ScopeKey[]> {
    const { scopes: activity, settledBefore } = await this.ctx.store.alerts.inputs.activity();
    const now = Date.now();
    const businessNow = this.ctx.now().getTime();
    const firstLoad = this.entries.size === 0;
    for (const row of activity) {
      const entry = this.entries.get(scopeIdOf(row));
      if (entry && entry.lastInsertedAt === row.lastInsertedAt) continue;
      // On the first load, when it changed is its last insert (a late event that came while this process was down).
      const changedAt = firstLoad ? Date.parse(`${row.lastInsertedAt.replace(' ', 'T')}Z`) : businessNow;
      if (changedAt >= yearStart(row.year + 1).getTime()) this.lateChanges.set(row.year, Math.max(this.lateChanges.get(row.year) ?? 0, changedAt));
    }
    // A scope whose latest insert may still have been landing when it was read is read again (its
    // rows become visible block by block); one whose inserts had all ended is not, until it gets
    // more or a new checkpoint (its daily figures). (A fixed 30 s settling time re-read every
    // scope written recently on every cycle: at 2,000 certificates receiving events, every scope.)
    const countsStale = (row: (typeof activity)[number], entry: Entry | undefined) =>
      !entry || entry.lastInsertedAt !== row.lastInsertedAt || !entry.complete || now - entry.readAt > this.maxAgeMs;
    const stale = activity.filter((row) => {
      const entry = this.entries.get(scopeIdOf(row));
      return countsStale(row, entry) || entry!.checkpointAt !== row.checkpointAt;
    });
    const keyOf = (row: (typeof activity)[number]): ScopeKey => ({ level: row.level, scopeId: row.scopeId, year: row.year });
    // A scope whose only change is a new checkpoint has the same count (checkpoint + tail, exact
    // either way, and no row landed since the last read): only its daily figures are read again.
    // After a burst the checkpoints of every scope move, and re-counting them all cost a cycle of
    // seconds at 2,000 certificates (many-scopes bench).
    const recount = stale.filter((row) => countsStale(row, this.entries.get(scopeIdOf(row))));
    // The daily figures are those of the scope's latest checkpoint: read again only when it moved
    // (or when the entry is new or old). Re-reading them for every scope that got rows made the
    // daily-figure reads the costliest engine time of a cycle at 2,000 certificates (many-scopes
    // bench, system.query_log: 28 reads, 6.1 s of 14 s at load ~12).
    const dailyStale = stale.filter((row) => {
      const entry = this.entries.get(scopeIdOf(row));
      return !entry || entry.checkpointAt !== row.checkpointAt || now - entry.readAt > this.maxAgeMs;
    });
    // Read in a few batched queries, not one per scope: at 2,000 certificates the per-scope reads
    // (two or three round trips each) kept an evaluation cycle at seconds (many-scopes bench).
    // Each scope's tail stays settled in the store's count reader, so after a burst of new people
    // the next cycles only look up what came since.
    const [usage, dailyNew] = await Promise.all([
      this.ctx.store.usage.individualsOfMany(recount.map(keyOf)),
      this.ctx.store.usage.dailyNewOfMany(dailyStale.map(keyOf)),
    ]);
    const dailyRead = new Set(dailyStale);
    const recounted = new Set(recount);
    for (const row of stale) {
      const id = scopeIdOf(row);
      const { lastInsertedAt, checkpointAt } = row;
      const previous = this.entries.get(id);
      this.entries.set(id, {
        lastInsertedAt,
        checkpointAt,
        complete: recounted.has(row) ? lastInsertedAt < settledBefore : previous!.complete,
        readAt: recounted.has(row) ? now : previous!.readAt,
        counts: recounted.has(row) ? (usage.get(id) ?? zeroCounts()) : previous!.counts,
        dailyNew: dailyRead.has(row) ? (dailyNew.get(id) ?? []) : previous!.dailyNew,
      });
    }
    this.activity = activity;
    return stale.map(keyOf);
  }

  /**
   * The years to judge at business time `now`: the current year, and each past year whose counts
   * changed after it ended (a late event) within `windowMs`: its alerts fire for that long, and
   * the incidents they open stay until acknowledged.
   */
  yearsToJudge(now: Date, currentYear: number, windowMs: number): number[] {
    const late = [...this.lateChanges].filter(([year, at]) => year < currentYear && now.getTime() - at <= windowMs).map(([year]) => year);
    return [...new Set([...late, currentYear])].sort((a, b) => a - b);
  }

  /** The scopes that received people in `year`: [scopeId, level]. */
  scopesOf(year: number): Array<[string, ScopeKey['level']]> {
    return this.activity.filter((row) => row.year === year).map((row) => [row.scopeId, row.level]);
  }

  counts(key: ScopeKey): ClassCounts {
    return this.entries.get(scopeIdOf(key))?.counts ?? zeroCounts();
  }

  dailyNew(key: ScopeKey): DailyNew {
    return this.entries.get(scopeIdOf(key))?.dailyNew ?? [];
  }
}
