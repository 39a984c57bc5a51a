import type { ClickHouseClient } from '@clickhouse/client';
import { selectRows } from './client.js';
import { countsFrom, DATA_CLASSES, scopeIdOf, type DailyRow } from './count-rows.js';
import type { ScopeKey } from './scope.js';
import { chunks, earliest, IN_SCOPES, keyOfRow, MARKS_TYPE, marksParam, scopesParam, type ScopeColumns } from './scope-batch.js';
import { IN_FLIGHT_SUBJECT_INSERTS } from './scope-sql.js';
import { boundedTail, DEFAULT_TAIL_ROWS_LIMIT, inTailBatches, tailRowsLimitFor } from './bounded-tail.js';

/** How often each scope's checkpoint is recounted in full rather than stepped from the last one. */
const DEFAULT_FULL_RECOUNT_INTERVAL_MS = 3600_000;

export interface CheckpointerOptions {
  /** How far a checkpoint's watermark trails the server clock (EGRESS_COUNT_SETTLE_MS). */
  settleMs: number;
  /** A scope's checkpoint is not refreshed more often than this. */
  minRefreshIntervalMs?: number;
  /** A scope's checkpoint is recounted over the whole year this often (default hourly). */
  fullRecountIntervalMs?: number;
  /** A step over more rows than this recounts the year instead (see bounded-tail.ts). */
  tailRowsLimit?: number;
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
    // Every row of one refresh has the same watermark (now64() is one value per query). Scopes
    // are checkpointed in batches: one round trip per scope and step kept 2,000 certificates'
    // checkpoints minutes behind (many-scopes bench).
    for (const part of chunks(stale, keyOfRow)) {
      const keys = part.map(keyOfRow);
      await this.checkpointMany(keys, part[0]!.watermark);
      refreshed.push(...keys);
    }
    return refreshed;
  }

  private async checkpointMany(keys: readonly ScopeKey[], watermark: string): Promise<void> {
    const previous = await this.latestDaily(keys);
    // A scope this process has not recounted yet gets its first recount at a random point of the
    // coming interval: processes starting together (or one taking over another's checkpoints)
    // would otherwise all recount every large scope at once, stalling evaluations for seconds.
    const interval = this.options.fullRecountIntervalMs ?? DEFAULT_FULL_RECOUNT_INTERVAL_MS;
    const steps: Array<{ key: ScopeKey; previous: LatestDaily }> = [];
    const recounts: ScopeKey[] = [];
    for (const key of keys) {
      const id = scopeIdOf(key);
      if (!this.lastFullRecount.has(id)) this.lastFullRecount.set(id, Date.now() - Math.random() * interval);
      const recountDue = Date.now() - this.lastFullRecount.get(id)! >= interval;
      const last = previous.get(id);
      if (last && !recountDue) {
        if (last.watermark < watermark) steps.push({ key, previous: last });
      } else {
        recounts.push(key);
      }
    }
    recounts.push(...(await this.boundedSteps(steps, watermark)));
    if (recounts.length === 0) return;
    await this.recountCheckpoints(recounts, watermark);
    this.stats.recounted += recounts.length;
    for (const key of recounts) this.lastFullRecount.set(scopeIdOf(key), Date.now());
  }

  /**
   * Steps the checkpoints within the tail limit; returns the scopes whose rows since their last
   * checkpoint are too many to step (they are recounted instead: cheaper, and in constant memory).
   */
  private async boundedSteps(steps: ReadonlyArray<{ key: ScopeKey; previous: LatestDaily }>, watermark: string): Promise<ScopeKey[]> {
    const limit = this.options.tailRowsLimit ?? DEFAULT_TAIL_ROWS_LIMIT;
    const byId = new Map(steps.map((step) => [scopeIdOf(step.key), step]));
    const marks = steps.map((step) => ({ key: step.key, watermark: step.previous.watermark }));
    return inTailBatches(
      this.client,
      marks,
      limit,
      async (group) => {
        const groupSteps = group.map((mark) => byId.get(scopeIdOf(mark.key))!);
        await this.stepCheckpoints(groupSteps, watermark, limit);
        this.stats.stepped += groupSteps.length;
      },
      watermark,
    );
  }

  /**
   * Per scope, the per-day histogram of its latest checkpoint: the days written with its watermark,
   * when they add up to the checkpoint (else none, and a full recount follows). A day that a full
   * recount emptied (a late event moved its people to an earlier day) keeps its row with an older
   * watermark: it is empty now, not a sign of a broken checkpoint (reading it as one recounted the
   * whole year on every refresh, for ever). Rows are read by watermark, not FINAL: another process
   * may already be writing the next checkpoint's days.
   */
  private async latestDaily(keys: readonly ScopeKey[]): Promise<Map<string, LatestDaily>> {
    const totals = await selectRows<ScopeColumns & { at: string; class: string; individuals: number | string }>(
      this.client,
      `SELECT toString(scope_level) AS scope_level, scope_id, year, toString(watermark) AS at, toString(class) AS class, individuals
       FROM count_checkpoints FINAL
       WHERE ${IN_SCOPES} AND (scope_level, scope_id, year, watermark) IN (
         SELECT scope_level, scope_id, year, max(watermark) FROM count_checkpoints FINAL WHERE ${IN_SCOPES} GROUP BY scope_level, scope_id, year)`,
      { scopes: scopesParam(keys) },
    );
    const latest = new Map<string, { key: ScopeKey; watermark: string; totals: Array<{ class: string; individuals: number | string }> }>();
    for (const row of totals) {
      const key = keyOfRow(row);
      const entry = latest.get(scopeIdOf(key)) ?? { key, watermark: row.at, totals: [] };
      entry.totals.push(row);
      latest.set(scopeIdOf(key), entry);
    }
    if (latest.size === 0) return new Map();
    const rows = await selectRows<ScopeColumns & DailyRow>(
      this.client,
      `SELECT toString(scope_level) AS scope_level, scope_id, year, toString(class) AS class, toString(day) AS day, any(individuals) AS individuals
       FROM daily_new_individuals
       WHERE ${IN_SCOPES} AND (scope_level, scope_id, year, watermark) IN (SELECT arrayJoin({marks:${MARKS_TYPE}}))
       GROUP BY scope_level, scope_id, year, class, day`,
      { scopes: scopesParam([...latest.values()].map((entry) => entry.key)), marks: marksParam([...latest.values()]) },
    );
    const days = new Map<string, DailyRow[]>();
    for (const row of rows) {
      const id = scopeIdOf(keyOfRow(row));
      days.set(id, [...(days.get(id) ?? []), { class: row.class, day: row.day, individuals: row.individuals }]);
    }
    const result = new Map<string, LatestDaily>();
    for (const [id, entry] of latest) {
      const scopeDays = days.get(id) ?? [];
      const sums = countsFrom(scopeDays);
      const expected = countsFrom(entry.totals);
      if (DATA_CLASSES.every((dataClass) => sums[dataClass] === expected[dataClass])) result.set(id, { watermark: entry.watermark, days: scopeDays });
    }
    return result;
  }

  /**
   * The year recounted in one pass: the per-day histogram and, summed, the checkpoint. Run for a
   * scope's first checkpoint and about hourly per scope: it repairs anything and moves a person to
   * an earlier day when a late event showed they were first seen before.
   */
  private async recountCheckpoints(keys: readonly ScopeKey[], watermark: string): Promise<void> {
    const params = { scopes: scopesParam(keys), watermark };
    await this.client.command({
      query: `INSERT INTO daily_new_individuals (scope_level, scope_id, year, class, day, watermark, individuals)
              SELECT scope_level, scope_id, year, class, toDate(first_seen, 'Asia/Shanghai') AS day,
                     {watermark:DateTime64(6, 'UTC')}, count()
              FROM subject_first_seen FINAL
              WHERE ${IN_SCOPES} AND inserted_at <= {watermark:DateTime64(6, 'UTC')}
              GROUP BY scope_level, scope_id, year, class, day`,
      query_params: params,
    });
    await this.client.command({
      query: `INSERT INTO count_checkpoints (scope_level, scope_id, year, class, watermark, individuals)
              SELECT scope_level, scope_id, year, c, {watermark:DateTime64(6, 'UTC')}, sumIf(individuals, class = c)
              FROM (SELECT scope_level, scope_id, year, class, individuals FROM daily_new_individuals FINAL
                    WHERE ${IN_SCOPES} AND watermark = {watermark:DateTime64(6, 'UTC')})
              ARRAY JOIN ['nonSensitive', 'sensitive'] AS c
              GROUP BY scope_level, scope_id, year, c`,
      query_params: params,
    });
  }

  /**
   * The next checkpoint from the previous one: count(W2) = count(W1) + the persons whose first row
   * was inserted in (W1, W2], found like the tail (the inserted_at index, then a check by primary key).
   * Exact because every row at or before W1 was counted at W1 (settle time and in-flight guard).
   * It reads only the rows written since W1: at 10M individuals a full recount took seconds per
   * scope on every evaluation, starving ingest and queries on a 2-core machine. Each scope steps
   * from its own W1, all in one query.
   */
  private async stepCheckpoints(steps: ReadonlyArray<{ key: ScopeKey; previous: LatestDaily }>, watermark: string, limit: number): Promise<void> {
    if (steps.length === 0) return;
    const from = earliest(steps.map((step) => step.previous.watermark));
    const added = await selectRows<ScopeColumns & DailyRow>(
      this.client,
      `SELECT toString(scope_level) AS scope_level, scope_id, year, toString(class) AS class,
              toString(toDate(first_seen, 'Asia/Shanghai')) AS day, count() AS individuals
       FROM (SELECT scope_level, scope_id, year, class, id_hash, min(first_seen) AS first_seen, min(inserted_at) AS first_inserted
             FROM subject_first_seen
             WHERE ${IN_SCOPES} AND (scope_level, scope_id, year, class, id_hash) IN (
               SELECT scope_level, scope_id, year, class, id_hash FROM subject_first_seen
               WHERE ${IN_SCOPES} AND inserted_at > {from:DateTime64(6, 'UTC')} AND inserted_at <= {watermark:DateTime64(6, 'UTC')})
             GROUP BY scope_level, scope_id, year, class, id_hash) AS t
       INNER JOIN (SELECT m.1 AS scope_level, m.2 AS scope_id, m.3 AS year, m.4 AS previous FROM (SELECT arrayJoin({marks:${MARKS_TYPE}}) AS m)) AS k
       USING (scope_level, scope_id, year)
       WHERE t.first_inserted > k.previous AND t.first_inserted <= {watermark:DateTime64(6, 'UTC')}
       GROUP BY scope_level, scope_id, year, class, day`,
      {
        scopes: scopesParam(steps.map((step) => step.key)),
        marks: marksParam(steps.map((step) => ({ key: step.key, watermark: step.previous.watermark }))),
        from,
        watermark,
      },
      boundedTail(
        tailRowsLimitFor(
          steps.map((step) => countsFrom(step.previous.days)),
          limit,
        ),
      ),
    );
    const addedByScope = new Map<string, DailyRow[]>();
    for (const row of added) {
      const id = scopeIdOf(keyOfRow(row));
      addedByScope.set(id, [...(addedByScope.get(id) ?? []), { class: row.class, day: row.day, individuals: row.individuals }]);
    }
    const dailyRows: Array<Record<string, unknown>> = [];
    const checkpointRows: Array<Record<string, unknown>> = [];
    for (const { key, previous } of steps) {
      const days = new Map<string, DailyRow>();
      for (const row of [...previous.days, ...(addedByScope.get(scopeIdOf(key)) ?? [])]) {
        const at = `${row.class}\u0000${row.day}`;
        days.set(at, { ...row, individuals: Number(days.get(at)?.individuals ?? 0) + Number(row.individuals) });
      }
      const scope = { scope_level: key.level, scope_id: key.scopeId, year: key.year, watermark };
      for (const row of days.values()) dailyRows.push({ ...scope, ...row });
      const totals = countsFrom([...days.values()]);
      for (const dataClass of DATA_CLASSES) checkpointRows.push({ ...scope, class: dataClass, individuals: totals[dataClass] });
    }
    // The days first: a checkpoint is only used with days that add up to it (latestDaily).
    if (dailyRows.length > 0) await this.client.insert({ table: 'daily_new_individuals', format: 'JSONEachRow', values: dailyRows });
    await this.client.insert({ table: 'count_checkpoints', format: 'JSONEachRow', values: checkpointRows });
  }
}

interface LatestDaily {
  watermark: string;
  days: DailyRow[];
}
