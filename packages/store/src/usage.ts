import type { ClickHouseClient } from '@clickhouse/client';
import { selectRows } from './client.js';
import { fromClickHouseTime, zeroCounts, type ClassCounts, type ScopeKey } from './scope.js';

/**
 * Exact distinct counts that stay fast as a year fills up.
 *
 * subject_first_seen holds one (possibly not yet merged) row per person, scope, year and class.
 * Counting it whole is exact but reads the whole year. Instead a count is split at a watermark W:
 *   count = checkpoint(W)  — exact distinct persons with a row inserted at or before W, stored
 *         + tail(W)        — distinct persons whose every row was inserted after W, found through
 *                            subject_recent (ordered by insertion time) and checked by primary key.
 * Both parts are exact, and no person is in both. W trails the server clock by a settle time
 * (EGRESS_COUNT_SETTLE_MS) and never passes an insert still in flight, so the checkpoint misses no
 * row at or before W. A checkpoint steps from the previous one (persons first inserted since its
 * watermark) and is recounted over the whole year at process start and about hourly.
 */
export interface Usage {
  counts: ClassCounts;
  asOf: Date;
}

const KEY = 'scope_level = {level:String} AND scope_id = {scopeId:String} AND year = {year:UInt16}';
/**
 * The watermark never passes the start of an insert into subject_first_seen still running on this
 * server. `inserted_at` is `now64()` at the start of the insert (one value for the whole INSERT),
 * but its rows become visible block by block, up to its end: an insert that outlasts the settle
 * time (a large batch, a busy engine) would otherwise have rows at or before W that the
 * checkpoint did not see and the tail never looks at, lost for good. One second of margin covers
 * the gap between the query's start and its `now64()`. (In cluster mode each shard's inserts are
 * only seen by that shard: there the settle time alone must outlast them.)
 */
const IN_FLIGHT_FLOOR = `SELECT ifNull(minOrNull(now64(6) - toIntervalMicrosecond(toUInt64(elapsed * 1e6) + 1000000)), now64(6))
  FROM system.processes
  WHERE query_kind = 'Insert' AND match(query, '(?i)^\\s*INSERT\\s+INTO\\s+\\S*subject_first_seen')`;

/** How often each scope's checkpoint is recounted in full rather than stepped from the last one. */
const FULL_RECOUNT_INTERVAL_MS = 3600_000;
const DATA_CLASSES = ['nonSensitive', 'sensitive'] as const;

/** How far the tail cursor trails the server clock (see individuals). */
const CURSOR_MARGIN_MS = 1_000;
const EPOCH = '1970-01-01 00:00:00.000000';
type DataClass = (typeof DATA_CLASSES)[number];

interface TailState {
  watermark: string;
  cursor: string;
  /** The checkpoint's counts at `watermark`. */
  checkpoint: ClassCounts;
  /** Persons first inserted in (watermark, cursor], per class. */
  settled: ClassCounts;
}

const scopeIdOf = (key: ScopeKey) => `${key.level}\u0000${key.scopeId}\u0000${key.year}`;

interface DailyRow {
  class: string;
  day: string;
  individuals: number | string;
}

/** A checkpoint older than this is not trusted: subject_recent keeps only 7 days. */
const CHECKPOINT_MAX_AGE_MS = 6 * 24 * 3600_000;

function keyParams(key: ScopeKey) {
  return { level: key.level, scopeId: key.scopeId, year: key.year };
}

function countsFrom(rows: Array<{ class: string; individuals: number | string }>): ClassCounts {
  const counts = zeroCounts();
  for (const row of rows) counts[row.class as keyof ClassCounts] += Number(row.individuals);
  return counts;
}

export class UsageStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly options: { settleMs: number; minRefreshIntervalMs?: number } = { settleMs: 10_000 },
  ) {}

  /** When each scope's checkpoint was last recounted in full by this process. */
  private readonly lastFullRecount = new Map<string, number>();
  /** Per scope: persons of the tail already settled below a cursor (see individuals). */
  private readonly tails = new Map<string, TailState>();

  /**
   * Exact distinct individuals per class for one scope and year, as of now: checkpoint(W) + tail.
   *
   * Hot path (dashboards, the evaluator after every write, admission). Counting the whole tail on
   * every call looked up every person written since W in the year's table (at 10M individuals,
   * ~1,000 tail persons touch ~1,000 index granules: 50-250 ms). Instead the tail is split at a
   * cursor C that every row at or before which is visible (C trails the server clock by a second
   * and never passes an insert still running, as the watermark):
   *   tail = settled(W, C)  — persons first inserted in (W, C]: fixed once all rows ≤ C are
   *                           visible, so kept from the last call and only extended;
   *        + persons first inserted after C, counted afresh (only rows since the last call).
   * A call with nothing written since the last one needs a single round trip.
   */
  async individuals(key: ScopeKey): Promise<Usage> {
    const id = scopeIdOf(key);
    const state = this.tails.get(id);
    const [head] = await selectRows<{ watermark: string; now: string; cursor: string; newer_rows: number | string; checkpoint: Array<[string, number | string]> }>(
      this.client,
      `WITH (SELECT max(watermark) FROM count_checkpoints FINAL WHERE ${KEY}) AS w
       SELECT toString(w) AS watermark, toString(now64(6)) AS now,
              toString(least(now64(6) - toIntervalMillisecond({cursorMargin:UInt64}), (${IN_FLIGHT_FLOOR}))) AS cursor,
              (SELECT count() FROM subject_recent WHERE ${KEY} AND inserted_at > greatest(w, {from:DateTime64(6, 'UTC')})) AS newer_rows,
              (SELECT groupArray((toString(class), individuals)) FROM count_checkpoints FINAL WHERE ${KEY} AND watermark = w) AS checkpoint`,
      { ...keyParams(key), from: state?.cursor ?? EPOCH, cursorMargin: CURSOR_MARGIN_MS },
    );
    const now = fromClickHouseTime(head!.now);
    const watermark = fromClickHouseTime(head!.watermark);
    if (watermark.getTime() <= 0 || now.getTime() - watermark.getTime() > CHECKPOINT_MAX_AGE_MS) {
      return { counts: await this.fullCount(key), asOf: now };
    }
    const checkpoint = countsFrom(head!.checkpoint.map(([dataClass, individuals]) => ({ class: dataClass, individuals })));
    const current = this.carriedOver(id, state, head!.watermark, checkpoint);
    const tail =
      current && Number(head!.newer_rows) === 0
        ? current.settled
        : await this.tailCounts(key, current ?? { watermark: head!.watermark, cursor: head!.watermark, checkpoint, settled: zeroCounts() }, head!.cursor);
    const counts = { ...checkpoint };
    for (const dataClass of DATA_CLASSES) counts[dataClass] += tail[dataClass];
    return { counts, asOf: now };
  }

  /**
   * The tail state for checkpoint W, from this process's last state. A new checkpoint W' at or
   * below the cursor only moves people from the settled tail into the checkpoint, exactly as many
   * as the checkpoint grew: settled(W', C) = settled(W, C) - (checkpoint(W') - checkpoint(W)). So
   * after a burst, each step of the checkpoint costs the reads nothing (counting the burst's tail
   * again after every step took seconds).
   */
  private carriedOver(id: string, state: TailState | undefined, watermark: string, checkpoint: ClassCounts): TailState | undefined {
    if (!state || state.watermark > watermark || state.cursor < watermark) return undefined;
    if (state.watermark === watermark) return state;
    const settled = zeroCounts();
    for (const dataClass of DATA_CLASSES) settled[dataClass] = state.settled[dataClass] - (checkpoint[dataClass] - state.checkpoint[dataClass]);
    if (DATA_CLASSES.some((dataClass) => settled[dataClass] < 0)) return undefined;
    const carried = { watermark, cursor: state.cursor, checkpoint, settled };
    if (this.tails.get(id) === state) this.tails.set(id, carried);
    return carried;
  }

  /** Persons first inserted after `base.cursor`; those up to `cursor` join the settled part. */
  private async tailCounts(key: ScopeKey, base: TailState, cursor: string): Promise<ClassCounts> {
    const read = this.tails.get(scopeIdOf(key));
    const rows = await selectRows<{ class: string; settled: number | string; individuals: number | string }>(
      this.client,
      `SELECT toString(class) AS class, min_inserted <= {cursor:DateTime64(6, 'UTC')} AS settled, count() AS individuals FROM (
         SELECT class, id_hash, min(inserted_at) AS min_inserted FROM subject_first_seen
         WHERE ${KEY} AND (class, id_hash) IN (
           SELECT class, id_hash FROM subject_recent
           WHERE ${KEY} AND inserted_at > {from:DateTime64(6, 'UTC')})
         GROUP BY class, id_hash
         HAVING min_inserted > {from:DateTime64(6, 'UTC')})
       GROUP BY class, settled`,
      { ...keyParams(key), from: base.cursor, cursor },
    );
    const settled = { ...base.settled };
    const tail = { ...base.settled };
    for (const row of rows) {
      const dataClass = row.class as DataClass;
      if (Number(row.settled) === 1) settled[dataClass] += Number(row.individuals);
      tail[dataClass] += Number(row.individuals);
    }
    // Kept only if no other call moved the state meanwhile (each call's own answer is exact anyway).
    if (cursor > base.cursor && this.tails.get(scopeIdOf(key)) === read) {
      this.tails.set(scopeIdOf(key), { ...base, cursor, settled });
    }
    return tail;
  }

  /** The exact count straight from the truth table (used with no usable checkpoint). */
  async fullCount(key: ScopeKey): Promise<ClassCounts> {
    const rows = await selectRows<{ class: string; individuals: string }>(
      this.client,
      `SELECT class, count() AS individuals FROM subject_first_seen FINAL WHERE ${KEY} GROUP BY class`,
      keyParams(key),
    );
    return countsFrom(rows);
  }

  /**
   * Recomputes the checkpoint (and the per-day new individuals) of every scope that received rows
   * after its last checkpoint. Safe to run from several processes: a checkpoint is a pure function
   * of the table and its watermark. Returns the scopes refreshed.
   */
  async refreshCheckpoints(): Promise<ScopeKey[]> {
    const minInterval = this.options.minRefreshIntervalMs ?? 0;
    const stale = await selectRows<{ scope_level: ScopeKey['level']; scope_id: string; year: number; watermark: string }>(
      this.client,
      `SELECT a.scope_level AS scope_level, a.scope_id AS scope_id, a.year AS year,
              toString(least(now64(6) - toIntervalMillisecond({settle:UInt64}), (${IN_FLIGHT_FLOOR}))) AS watermark
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
    if (!this.lastFullRecount.has(id)) this.lastFullRecount.set(id, Date.now() - Math.random() * FULL_RECOUNT_INTERVAL_MS);
    const recountDue = Date.now() - this.lastFullRecount.get(id)! >= FULL_RECOUNT_INTERVAL_MS;
    if (previous && !recountDue) {
      if (previous.watermark >= watermark) return;
      await this.stepCheckpoint(key, previous, watermark);
      return;
    }
    await this.recountCheckpoint(key, watermark);
    this.lastFullRecount.set(id, Date.now());
  }

  /**
   * The per-day histogram of the latest checkpoint, when all its days carry one watermark (they do
   * unless a full recount emptied a day, or a write is half done: then a full recount follows).
   */
  private async latestDaily(key: ScopeKey): Promise<{ watermark: string; days: DailyRow[] } | undefined> {
    const rows = await selectRows<DailyRow & { watermark: string }>(
      this.client,
      `SELECT toString(class) AS class, toString(day) AS day, toString(watermark) AS watermark, individuals
       FROM daily_new_individuals FINAL WHERE ${KEY}`,
      keyParams(key),
    );
    const watermarks = new Set(rows.map((row) => row.watermark));
    if (watermarks.size !== 1) return undefined;
    return { watermark: rows[0]!.watermark, days: rows };
  }

  /**
   * The year recounted in one pass: the per-day histogram and, summed, the checkpoint. Run for a
   * scope's first checkpoint and about hourly per scope: it repairs anything and moves a person to
   * an earlier day when a late event showed they were first seen before.
   */
  private async recountCheckpoint(key: ScopeKey, watermark: string): Promise<void> {
    const params = { ...keyParams(key), watermark };
    await this.client.command({
      query: `INSERT INTO daily_new_individuals (scope_level, scope_id, year, class, day, watermark, individuals)
              SELECT scope_level, scope_id, year, class, toDate(first_seen, 'Asia/Shanghai') AS day,
                     {watermark:DateTime64(6, 'UTC')}, count()
              FROM subject_first_seen FINAL
              WHERE ${KEY} AND inserted_at <= {watermark:DateTime64(6, 'UTC')}
              GROUP BY scope_level, scope_id, year, class, day`,
      query_params: params,
    });
    await this.client.command({
      query: `INSERT INTO count_checkpoints (scope_level, scope_id, year, class, watermark, individuals)
              SELECT {level:String}, {scopeId:String}, {year:UInt16}, c, {watermark:DateTime64(6, 'UTC')},
                     sumIf(individuals, class = c)
              FROM (SELECT class, individuals FROM daily_new_individuals FINAL
                    WHERE ${KEY} AND watermark = {watermark:DateTime64(6, 'UTC')})
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
         WHERE ${KEY} AND (class, id_hash) IN (
           SELECT class, id_hash FROM subject_recent
           WHERE ${KEY} AND inserted_at > {previous:DateTime64(6, 'UTC')} AND inserted_at <= {watermark:DateTime64(6, 'UTC')})
         GROUP BY class, id_hash
         HAVING min(inserted_at) > {previous:DateTime64(6, 'UTC')} AND min(inserted_at) <= {watermark:DateTime64(6, 'UTC')})
       GROUP BY class, day`,
      { ...keyParams(key), previous: previous.watermark, watermark },
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

  /** New individuals per China-time day, as of the last checkpoint. */
  async dailyNewIndividuals(key: ScopeKey): Promise<Array<{ day: string; counts: ClassCounts }>> {
    const rows = await selectRows<{ day: string; class: string; individuals: string }>(
      this.client,
      `SELECT toString(day) AS day, class, individuals FROM daily_new_individuals FINAL
       WHERE ${KEY} AND watermark = (SELECT max(watermark) FROM count_checkpoints FINAL WHERE ${KEY})
       ORDER BY day`,
      keyParams(key),
    );
    const byDay = new Map<string, ClassCounts>();
    for (const row of rows) {
      const counts = byDay.get(row.day) ?? zeroCounts();
      counts[row.class as keyof ClassCounts] += Number(row.individuals);
      byDay.set(row.day, counts);
    }
    return [...byDay.entries()].map(([day, counts]) => ({ day, counts }));
  }
}
