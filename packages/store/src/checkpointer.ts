import type { ClickHouseClient } from '@clickhouse/client';
import { selectRows } from './client.js';
import { countsFrom, DATA_CLASSES, scopeIdOf, type DailyRow } from './count-rows.js';
import type { ScopeKey } from './scope.js';
import { IN_FLIGHT_SUBJECT_INSERTS, SCOPE_CONDITION, scopeParams } from './scope-sql.js';

/** How often each scope's checkpoint is recounted in full rather than stepped from the last one. */
const DEFAULT_FULL_RECOUNT_INTERVAL_MS = 3600_000;

export interface CheckpointerOptions {
  /** How far a checkpoint's watermark trails the server clock (EGRESS_COUNT_SETTLE_MS). */
  settleMs: number;
  /** A scope's checkpoint is not refreshed more often than this. */
  minRefreshIntervalMs?: number;
  /** A scope's checkpoint is recounted over the whole year this often (default hourly). */
  fullRecountIntervalMs?: number;
}

/**
 * Advances the count checkpoints (see count-reader.ts): any process may run it, and several at
 * once: a checkpoint is a pure function of the table and its watermark, so two writers of the same
 * checkpoint write the same rows.
 */
export class Checkpointer {
  /** When each scope's checkpoint was last recounted in full by this process. */
  private readonly lastFullRecount = new Map<string, number>();
  /** How many checkpoints this process stepped from the previous one, and recounted in full. */
  readonly stats = { stepped: 0, recounted: 0 };

  constructor(
    private readonly client: ClickHouseClient,
    private readonly options: CheckpointerOptions = { settleMs: 10_000 },
  ) {}

  /**
   * Recomputes the checkpoint (and the per-day new individuals) of every scope that received rows
   * after its last checkpoint. Safe to run from several processes: a checkpoint is a pure function
   * of the table and its watermark. Returns the scopes refreshed.
   */
  async refresh(): Promise<ScopeKey[]> {
    const minInterval = this.options.minRefreshIntervalMs ?? 0;
    const stale = await selectRows<{ scope_level: ScopeKey['level']; scope_id: string; year: number; watermark: string }>(
      this.client,
      `SELECT a.scope_level AS scope_level, a.scope_id AS scope_id, a.year AS year,
              toString(least(now64(6) - toIntervalMillisecond({settle:UInt64}), (${IN_FLIGHT_SUBJECT_INSERTS}))) AS watermark
       FROM (SELECT scope_level, scope_id, year, max(last_inserted_at) AS last FROM scope_activity
             GROUP BY scope_level, scope_id, year) AS a
       LEFT JOIN (SELECT scope_level, scope_id, year, max(watermark) AS w FROM count_checkpoints
                  GROUP BY scope_level, scope_id, year) AS c
       USING (scope_level, scope_id, year)
       WHERE a.last > c.w AND c.w < now64(6) - toIntervalMillisecond({settle:UInt64} + {minInterval:UInt64})`,
      { settle: this.options.settleMs, minInterval },
    );
    const refreshed: ScopeKey[] = [];
    for (const row of stale) {
      const key: ScopeKey = { level: row.scope_level, scopeId: row.scope_id, year: Number(row.year) };
      await this.checkpoint(key, row.watermark);
      refreshed.push(key);
    }
    return refreshed;
  }

  private async checkpoint(key: ScopeKey, watermark: string): Promise<void> {
    const id = scopeIdOf(key);
    const previous = await this.latestDaily(key);
    // A scope this process has not recounted yet gets its first recount at a random point of the
    // coming interval: processes starting together (or one taking over another's checkpoints)
    // would otherwise all recount every large scope at once, stalling evaluations for seconds.
    const interval = this.options.fullRecountIntervalMs ?? DEFAULT_FULL_RECOUNT_INTERVAL_MS;
    if (!this.lastFullRecount.has(id)) this.lastFullRecount.set(id, Date.now() - Math.random() * interval);
    const recountDue = Date.now() - this.lastFullRecount.get(id)! >= interval;
    if (previous && !recountDue) {
      if (previous.watermark >= watermark) return;
      await this.stepCheckpoint(key, previous, watermark);
      this.stats.stepped += 1;
      return;
    }
    await this.recountCheckpoint(key, watermark);
    this.stats.recounted += 1;
    this.lastFullRecount.set(id, Date.now());
  }

  /**
   * The per-day histogram of the latest checkpoint: the days written with its watermark, when they
   * add up to the checkpoint (else undefined, and a full recount follows). A day that a full
   * recount emptied (a late event moved its people to an earlier day) keeps its row with an older
   * watermark: it is empty now, not a sign of a broken checkpoint (reading it as one recounted the
   * whole year on every refresh, for ever). Rows are read by watermark, not FINAL: another process
   * may already be writing the next checkpoint's days.
   */
  private async latestDaily(key: ScopeKey): Promise<{ watermark: string; days: DailyRow[] } | undefined> {
    const totals = await selectRows<{ at: string; class: string; individuals: number | string }>(
      this.client,
      `SELECT toString(watermark) AS at, toString(class) AS class, individuals FROM count_checkpoints FINAL
       WHERE ${SCOPE_CONDITION} AND watermark = (SELECT max(watermark) FROM count_checkpoints FINAL WHERE ${SCOPE_CONDITION})`,
      scopeParams(key),
    );
    if (totals.length === 0) return undefined;
    const watermark = totals[0]!.at;
    const rows = await selectRows<DailyRow>(
      this.client,
      `SELECT toString(class) AS class, toString(day) AS day, any(individuals) AS individuals
       FROM daily_new_individuals WHERE ${SCOPE_CONDITION} AND watermark = {watermark:DateTime64(6, 'UTC')} GROUP BY class, day`,
      { ...scopeParams(key), watermark },
    );
    const sums = countsFrom(rows);
    const expected = countsFrom(totals);
    if (DATA_CLASSES.some((dataClass) => sums[dataClass] !== expected[dataClass])) return undefined;
    return { watermark, days: rows };
  }

  /**
   * The year recounted in one pass: the per-day histogram and, summed, the checkpoint. Run for a
   * scope's first checkpoint and about hourly per scope: it repairs anything and moves a person to
   * an earlier day when a late event showed they were first seen before.
   */
  private async recountCheckpoint(key: ScopeKey, watermark: string): Promise<void> {
    const params = { ...scopeParams(key), watermark };
    await this.client.command({
      query: `INSERT INTO daily_new_individuals (scope_level, scope_id, year, class, day, watermark, individuals)
              SELECT scope_level, scope_id, year, class, toDate(first_seen, 'Asia/Shanghai') AS day,
                     {watermark:DateTime64(6, 'UTC')}, count()
              FROM subject_first_seen FINAL
              WHERE ${SCOPE_CONDITION} AND inserted_at <= {watermark:DateTime64(6, 'UTC')}
              GROUP BY scope_level, scope_id, year, class, day`,
      query_params: params,
    });
    await this.client.command({
      query: `INSERT INTO count_checkpoints (scope_level, scope_id, year, class, watermark, individuals)
              SELECT {level:String}, {scopeId:String}, {year:UInt16}, c, {watermark:DateTime64(6, 'UTC')},
                     sumIf(individuals, class = c)
              FROM (SELECT class, individuals FROM daily_new_individuals FINAL
                    WHERE ${SCOPE_CONDITION} AND watermark = {watermark:DateTime64(6, 'UTC')})
              ARRAY JOIN ['nonSensitive', 'sensitive'] AS c
              GROUP BY c`,
      query_params: params,
    });
  }

  /**
   * The next checkpoint from the previous one: count(W2) = count(W1) + the persons whose first row
   * was inserted in (W1, W2], found like the tail (subject_recent, then a check by primary key).
   * Exact because every row at or before W1 was counted at W1 (settle time and in-flight guard).
   * It reads only the rows written since W1: at 10M individuals a full recount took seconds per
   * scope on every evaluation, starving ingest and queries on a 2-core machine.
   */
  private async stepCheckpoint(key: ScopeKey, previous: { watermark: string; days: DailyRow[] }, watermark: string): Promise<void> {
    const added = await selectRows<DailyRow>(
      this.client,
      `SELECT toString(class) AS class, toString(toDate(first_seen, 'Asia/Shanghai')) AS day, count() AS individuals FROM (
         SELECT class, id_hash, min(first_seen) AS first_seen FROM subject_first_seen
         WHERE ${SCOPE_CONDITION} AND (class, id_hash) IN (
           SELECT class, id_hash FROM subject_recent
           WHERE ${SCOPE_CONDITION} AND inserted_at > {previous:DateTime64(6, 'UTC')} AND inserted_at <= {watermark:DateTime64(6, 'UTC')})
         GROUP BY class, id_hash
         HAVING min(inserted_at) > {previous:DateTime64(6, 'UTC')} AND min(inserted_at) <= {watermark:DateTime64(6, 'UTC')})
       GROUP BY class, day`,
      { ...scopeParams(key), previous: previous.watermark, watermark },
    );
    const days = new Map<string, DailyRow>();
    for (const row of [...previous.days, ...added]) {
      const at = `${row.class}\u0000${row.day}`;
      days.set(at, { ...row, individuals: Number(days.get(at)?.individuals ?? 0) + Number(row.individuals) });
    }
    const scope = { scope_level: key.level, scope_id: key.scopeId, year: key.year, watermark };
    await this.client.insert({ table: 'daily_new_individuals', format: 'JSONEachRow', values: [...days.values()].map((row) => ({ ...scope, ...row })) });
    const totals = countsFrom([...days.values()]);
    await this.client.insert({
      table: 'count_checkpoints',
      format: 'JSONEachRow',
      values: DATA_CLASSES.map((dataClass) => ({ ...scope, class: dataClass, individuals: totals[dataClass] })),
    });
  }
}
