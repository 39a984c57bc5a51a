import type { ClickHouseClient } from '@clickhouse/client';
import DataLoader from 'dataloader';
import pMap from 'p-map';
import { selectRows } from './client.js';
import { CHECKPOINT_MAX_AGE_MS, countsFrom, DATA_CLASSES, scopeIdOf, type DataClass } from './count-rows.js';
import { fromClickHouseTime, zeroCounts, type ClassCounts, type ScopeKey } from './scope.js';
import { IN_FLIGHT_SUBJECT_INSERTS, SCOPE_CONDITION, scopeParams } from './scope-sql.js';
import { chunks, earliest, IN_SCOPES, keyOfRow, MARKS_TYPE, marksParam, SCOPES_PER_QUERY, scopesParam, type ScopeColumns } from './scope-batch.js';
import {
  boundedTail,
  DEFAULT_TAIL_ROWS_LIMIT,
  inTailBatches,
  isTailOverLimit,
  tailRowsLimitFor,
  tailRowsLimitOf,
  type ScopeMark,
} from './bounded-tail.js';

/**
 * Exact distinct counts that stay fast as a year fills up.
 *
 * subject_first_seen holds one (possibly not yet merged) row per person, scope, year and class.
 * Counting it whole is exact but reads the whole year. Instead a count is split at a watermark W:
 *   count = checkpoint(W)  — exact distinct persons with a row inserted at or before W, stored
 *         + tail(W)        — distinct persons whose every row was inserted after W, found through
 *                            the inserted_at minmax index (migration 0008) and checked by primary key.
 * Both parts are exact, and no person is in both. W trails the server clock by a settle time
 * (EGRESS_COUNT_SETTLE_MS) and never passes an insert still in flight, so the checkpoint misses no
 * row at or before W. A checkpoint steps from the previous one (persons first inserted since its
 * watermark) and is recounted over the whole year at process start and about hourly. A tail too
 * large to look up person by person (a bulk load, the first read after a burst) is not: the scope is
 * counted in full instead (bounded-tail.ts).
 */
export interface Usage {
  counts: ClassCounts;
  asOf: Date;
  /** The watermark of the checkpoint the count stands on (engine time text); none when counted in full. */
  watermark?: string;
}

/** New individuals per China-time day, per class. */
export type DailyNew = Array<{ day: string; counts: ClassCounts }>;

/** Batches of scopes counted at once by {@link CountReader.individualsOfMany}. */
const BATCHES_AT_ONCE = 2;

/** How far the tail cursor trails the server clock (see individuals). */
const CURSOR_MARGIN_MS = 1_000;
const EPOCH = '1970-01-01 00:00:00.000000';

interface TailState {
  watermark: string;
  cursor: string;
  /** The checkpoint's counts at `watermark`. */
  checkpoint: ClassCounts;
  /** Persons first inserted in (watermark, cursor], per class. */
  settled: ClassCounts;
}

/** A scope's checkpoint (EPOCH: none) and its latest row inserted after the cursor asked about. */
interface ScopeHead {
  watermark: string;
  checkpoint: ClassCounts;
  latestInsert?: string;
}

/** A time after every insert: asks the heads for no latest row. */
const NEVER = '2299-12-31 00:00:00.000000';

const noCheckpoint = (): ScopeHead => ({ watermark: EPOCH, checkpoint: zeroCounts() });

const sum = (a: ClassCounts, b: ClassCounts): ClassCounts => ({
  nonSensitive: a.nonSensitive + b.nonSensitive,
  sensitive: a.sensitive + b.sensitive,
});

/** A checkpoint the tail can stand on: one exists and is recent enough (else: count in full). */
const isUsable = (head: ScopeHead, now: string): boolean => {
  const watermark = fromClickHouseTime(head.watermark).getTime();
  return watermark > 0 && fromClickHouseTime(now).getTime() - watermark <= CHECKPOINT_MAX_AGE_MS;
};

/** The tail state right at the checkpoint: nothing settled yet. */
const fromCheckpoint = (head: ScopeHead): TailState => ({
  watermark: head.watermark,
  cursor: head.watermark,
  checkpoint: head.checkpoint,
  settled: zeroCounts(),
});

/**
 * Whether rows were inserted after the kept cursor. If not, the kept tail is the whole tail and the
 * cursor stays (rows up to a new cursor are only known visible to a query that starts after the
 * in-flight check, as the tail queries do).
 */
const insertedSince = (head: ScopeHead, state: TailState): boolean => head.latestInsert !== undefined && head.latestInsert > state.cursor;

/** (class, first inserted at or before the cursor, persons) of one scope's tail. */
type TailRows = Array<readonly [string, number | string, number | string]>;

/** Bound on the per-scope states kept (the oldest are dropped: they are only a speed-up). */
const MAX_TAIL_STATES = 20_000;

/** Exact counts as of now, read as checkpoint + tail (the reads of every count). */
export class CountReader {
  /** `tailRowsLimit`: see {@link DEFAULT_TAIL_ROWS_LIMIT}; beyond it a scope is counted in full. */
  constructor(
    private readonly client: ClickHouseClient,
    private readonly tailRowsLimit = DEFAULT_TAIL_ROWS_LIMIT,
  ) {}

  /** Per scope: persons of the tail already settled below a cursor (see individuals). */
  private readonly tails = new Map<string, TailState>();
  private readonly dailies = new Map<string, KeptDaily>();

  /**
   * Single reads started together (a certificate's usage reads its processor's too) share one
   * {@link heads} round trip: one query on the engine instead of one each.
   */
  private readonly headLoader = new DataLoader<{ key: ScopeKey; cursor?: string }, { now: string; cursor: string; head: ScopeHead }, string>(
    async (reads) => {
      const { now, cursor, heads } = await this.heads(
        reads.map((read) => read.key),
        reads.flatMap((read) => (read.cursor === undefined ? [] : [read.cursor])),
      );
      return reads.map((read) => ({ now, cursor, head: heads.get(scopeIdOf(read.key)) ?? noCheckpoint() }));
    },
    { cache: false, maxBatchSize: SCOPES_PER_QUERY },
  );

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
    const { now, cursor, head } = await this.headLoader.load({ key, cursor: state?.cursor });
    if (!isUsable(head, now)) return this.fullUsage(key);
    const current = this.carriedOver(id, state, head.watermark, head.checkpoint);
    const usage = (counts: ClassCounts): Usage => ({ counts, asOf: fromClickHouseTime(now), watermark: head.watermark });
    if (current && !insertedSince(head, current)) return usage(sum(head.checkpoint, current.settled));
    const base = current ?? fromCheckpoint(head);
    const read = this.tails.get(id);
    try {
      return usage(sum(head.checkpoint, await this.tailCounts(key, base, cursor)));
    } catch (error) {
      if (!isTailOverLimit(error)) throw error;
      // Too large to look up person by person: counted in full, its tail state kept.
      const [counts] = (await this.fullCountsOfMany([{ key, base, unmoved: this.tails.get(id) === read }], cursor)).values();
      return usage(counts!);
    }
  }

  /**
   * One flat round trip for many scopes: each one's checkpoint rows and the time of its latest row
   * inserted after the earliest of `cursors` (none given: not asked), with the clock and the next
   * tail cursor (trailing the clock, never past an insert in flight). The same as scalar subqueries
   * took 15-25 ms of query analysis on every read, whatever the size; flat, about 10 ms.
   */
  private async heads(
    keys: readonly ScopeKey[],
    cursors: readonly string[],
  ): Promise<{ now: string; cursor: string; heads: Map<string, ScopeHead> }> {
    const rows = await selectRows<
      ScopeColumns & { part: 'checkpoint' | 'clock' | 'latest'; class: string; at: string; individuals: number | string }
    >(
      this.client,
      `SELECT 'checkpoint' AS part, toString(scope_level) AS scope_level, scope_id, year, toString(class) AS class, toString(watermark) AS at, individuals
       FROM count_checkpoints FINAL WHERE ${IN_SCOPES}
       UNION ALL
       SELECT 'clock', '', toString(now64(6)), 0, '', toString(least(now64(6) - toIntervalMillisecond({cursorMargin:UInt64}), in_flight_floor)), 0
       FROM (${IN_FLIGHT_SUBJECT_INSERTS})
       UNION ALL
       SELECT 'latest', toString(scope_level), scope_id, year, '', toString(max(inserted_at)), 0
       FROM subject_first_seen WHERE ${IN_SCOPES} AND inserted_at > {from:DateTime64(6, 'UTC')} GROUP BY scope_level, scope_id, year`,
      { scopes: scopesParam(keys), from: cursors.length > 0 ? earliest(cursors) : NEVER, cursorMargin: CURSOR_MARGIN_MS },
    );
    const heads = new Map<string, ScopeHead>();
    const headOf = (row: ScopeColumns) => {
      const key = keyOfRow(row);
      const id = scopeIdOf(key);
      if (!heads.has(id)) heads.set(id, noCheckpoint());
      return heads.get(id)!;
    };
    const checkpoints = rows.filter((row) => row.part === 'checkpoint');
    // A class emptied since keeps its row at an older watermark: the checkpoint is the newest one.
    for (const row of checkpoints) if (row.at > headOf(row).watermark) headOf(row).watermark = row.at;
    for (const row of checkpoints) if (row.at === headOf(row).watermark) headOf(row).checkpoint[row.class as DataClass] += Number(row.individuals);
    for (const row of rows) if (row.part === 'latest') headOf(row).latestInsert = row.at;
    const clock = rows.find((row) => row.part === 'clock')!;
    return { now: clock.scope_id, cursor: clock.at, heads };
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
    if (this.tails.get(id) === state) this.keepTail(id, carried);
    return carried;
  }

  private keepTail(id: string, state: TailState): void {
    keepBounded(this.tails, id, state);
  }

  /** Persons first inserted after `base.cursor`; those up to `cursor` join the settled part. */
  private async tailCounts(key: ScopeKey, base: TailState, cursor: string): Promise<ClassCounts> {
    const read = this.tails.get(scopeIdOf(key));
    const rows = await selectRows<{ class: string; settled: number | string; individuals: number | string }>(
      this.client,
      `SELECT toString(class) AS class, min_inserted <= {cursor:DateTime64(6, 'UTC')} AS settled, count() AS individuals FROM (
         SELECT class, id_hash, min(inserted_at) AS min_inserted FROM subject_first_seen
         WHERE ${SCOPE_CONDITION} AND (class, id_hash) IN (
           SELECT class, id_hash FROM subject_first_seen
           WHERE ${SCOPE_CONDITION} AND inserted_at > {from:DateTime64(6, 'UTC')})
         GROUP BY class, id_hash
         HAVING min_inserted > {from:DateTime64(6, 'UTC')})
       GROUP BY class, settled`,
      { ...scopeParams(key), from: base.cursor, cursor },
      boundedTail(tailRowsLimitFor([base.checkpoint], this.tailRowsLimit)),
    );
    const unmoved = this.tails.get(scopeIdOf(key)) === read;
    return this.extendTail(
      scopeIdOf(key),
      base,
      cursor,
      rows.map((row) => [row.class, row.settled, row.individuals]),
      unmoved,
    );
  }

  /**
   * The tail from `base` plus `rows` (class, first inserted at or before `cursor`, persons) of the
   * persons first inserted after `base.cursor`; those up to `cursor` join the settled part, kept
   * only if no other call moved the state meanwhile (`unmoved`; each call's own answer is exact anyway).
   */
  private extendTail(
    id: string,
    base: TailState,
    cursor: string,
    rows: ReadonlyArray<readonly [string, number | string, number | string]>,
    unmoved: boolean,
  ): ClassCounts {
    const settled = { ...base.settled };
    const tail = { ...base.settled };
    for (const [dataClass, isSettled, individuals] of rows) {
      if (Number(isSettled) === 1) settled[dataClass as DataClass] += Number(individuals);
      tail[dataClass as DataClass] += Number(individuals);
    }
    if (cursor > base.cursor && unmoved) this.keepTail(id, { ...base, cursor, settled });
    return tail;
  }

  /**
   * Exact counts of many scope-years in a few queries (the evaluator's cycle over thousands of
   * scopes), keyed by {@link scopeIdOf}: per scope, checkpoint(W) + its tail, split at a cursor and
   * kept settled as {@link individuals} does, so that each call looks up only the persons inserted
   * since the last one (looking up every scope's tail since W on each cycle read nearly the whole
   * table at 2,000 certificates). A scope without a usable checkpoint is counted in full.
   */
  async individualsOfMany(keys: readonly ScopeKey[]): Promise<Map<string, ClassCounts>> {
    const result = new Map<string, ClassCounts>();
    // Two batches at a time: each is a few round trips in a row, mostly waiting on the engine.
    await pMap(
      chunks(keys, (key) => key),
      async (part) => {
        const states = new Map(part.map((key) => [scopeIdOf(key), this.tails.get(scopeIdOf(key))]));
        const kept = [...states.values()].filter((state) => state !== undefined).map((state) => state.cursor);
        const { now, cursor, heads } = await this.heads(part, kept);
        const bases = new Map<string, { key: ScopeKey; base: TailState; unmoved: boolean }>();
        for (const key of part) {
          const id = scopeIdOf(key);
          const head = heads.get(id);
          if (!head || !isUsable(head, now)) continue;
          const state = states.get(id);
          const unmoved = this.tails.get(id) === state;
          const current = this.carriedOver(id, state, head.watermark, head.checkpoint);
          if (current && !insertedSince(head, current)) {
            result.set(id, sum(head.checkpoint, current.settled));
          } else {
            bases.set(id, { key, base: current ?? fromCheckpoint(head), unmoved });
          }
        }
        const { tails: rows, oversized } = await this.boundedTailsOfMany(
          [...bases.values()].map(({ key, base }) => ({ key, watermark: base.cursor, counted: base.checkpoint })),
          cursor,
        );
        const oversizedIds = new Set(oversized.map(scopeIdOf));
        for (const [id, { base, unmoved }] of bases) {
          if (!oversizedIds.has(id)) result.set(id, sum(base.checkpoint, this.extendTail(id, base, cursor, rows.get(id) ?? [], unmoved)));
        }
        // Counted in full, in one query: the scopes whose tail was too large to look up person by
        // person, and those without a usable checkpoint. (The oversized ones were counted twice, once
        // with each: at 2,000 certificates, a batch of 500 processors on every cycle.)
        const inFull = part.filter((key) => !result.has(scopeIdOf(key))).map((key) => bases.get(scopeIdOf(key)) ?? { key });
        for (const [id, counts] of await this.fullCountsOfMany(inFull, cursor)) result.set(id, counts);
      },
      { concurrency: BATCHES_AT_ONCE },
    );
    return result;
  }

  /** {@link individualsOfMany} as a list in the order of `keys`. */
  async countsInOrder(keys: readonly ScopeKey[]): Promise<ClassCounts[]> {
    const counts = await this.individualsOfMany(keys);
    return keys.map((key) => counts.get(scopeIdOf(key)) ?? zeroCounts());
  }

  /**
   * {@link tailsOfMany} within the tail limit: when the scopes' tails together exceed it, they are
   * regrouped to fit, and the scopes whose own tail does not fit are returned as `oversized`.
   */
  private async boundedTailsOfMany(marks: readonly ScopeMark[], cursor: string): Promise<{ tails: Map<string, TailRows>; oversized: ScopeKey[] }> {
    const tails = new Map<string, TailRows>();
    const oversized = await inTailBatches(this.client, marks, this.tailRowsLimit, async (group) => {
      for (const [id, rows] of await this.tailsOfMany(group, cursor)) tails.set(id, rows);
    });
    return { tails, oversized };
  }

  /**
   * Per scope: the persons whose first row was inserted after its mark (its tail cursor), per class
   * and whether at or before `cursor`, as (class, settled, persons) rows.
   */
  private async tailsOfMany(marks: readonly ScopeMark[], cursor: string): Promise<Map<string, TailRows>> {
    const tails = new Map<string, TailRows>();
    if (marks.length === 0) return tails;
    const from = earliest(marks.map((mark) => mark.watermark));
    const rows = await selectRows<ScopeColumns & { class: string; settled: number | string; individuals: number | string }>(
      this.client,
      `SELECT toString(scope_level) AS scope_level, scope_id, year, toString(class) AS class,
              first_inserted <= {cursor:DateTime64(6, 'UTC')} AS settled, count() AS individuals
       FROM (SELECT scope_level, scope_id, year, class, id_hash, min(inserted_at) AS first_inserted FROM subject_first_seen
             WHERE ${IN_SCOPES} AND (scope_level, scope_id, year, class, id_hash) IN (
               SELECT scope_level, scope_id, year, class, id_hash FROM subject_first_seen
               WHERE ${IN_SCOPES} AND inserted_at > {from:DateTime64(6, 'UTC')})
             GROUP BY scope_level, scope_id, year, class, id_hash) AS t
       INNER JOIN (SELECT m.1 AS scope_level, m.2 AS scope_id, m.3 AS year, m.4 AS w
                   FROM (SELECT arrayJoin({marks:${MARKS_TYPE}}) AS m)) AS k
       USING (scope_level, scope_id, year)
       WHERE t.first_inserted > k.w
       GROUP BY scope_level, scope_id, year, class, settled`,
      { scopes: scopesParam(marks.map((mark) => mark.key)), marks: marksParam(marks), from, cursor },
      boundedTail(tailRowsLimitOf(marks, this.tailRowsLimit)),
    );
    for (const row of rows) {
      const id = scopeIdOf(keyOfRow(row));
      tails.set(id, [...(tails.get(id) ?? []), [row.class, row.settled, row.individuals] as const]);
    }
    return tails;
  }

  /**
   * Scopes counted in full. One with a tail state (`base`: its tail was too large to look up person
   * by person) is split at the state's cursor and at `cursor`: FINAL gives each person's first
   * insert, so the persons first inserted in (state cursor, `cursor`] join the settled tail, kept
   * like a looked-up tail's, and the next read looks up only what came after `cursor`. (Counted in
   * full with no state kept, a processor over its limit was counted in full on every cycle until its
   * checkpoint moved: 8 full counts of 2.2 s in 5 cycles at 2,000 certificates, many-scopes bench.)
   */
  private async fullCountsOfMany(
    scopes: ReadonlyArray<{ key: ScopeKey; base?: TailState; unmoved?: boolean }>,
    cursor: string,
  ): Promise<Map<string, ClassCounts>> {
    const counts = new Map<string, ClassCounts>();
    if (scopes.length === 0) return counts;
    const rows = await selectRows<ScopeColumns & { class: string; before: number | string; settled: number | string; later: number | string }>(
      this.client,
      `SELECT toString(scope_level) AS scope_level, scope_id, year, toString(class) AS class,
              countIf(inserted_at <= k.w) AS before,
              countIf(inserted_at > k.w AND inserted_at <= {cursor:DateTime64(6, 'UTC')}) AS settled,
              countIf(inserted_at > greatest(k.w, {cursor:DateTime64(6, 'UTC')})) AS later
       FROM (SELECT scope_level, scope_id, year, class, inserted_at FROM subject_first_seen FINAL WHERE ${IN_SCOPES}) AS t
       INNER JOIN (SELECT m.1 AS scope_level, m.2 AS scope_id, m.3 AS year, m.4 AS w
                   FROM (SELECT arrayJoin({marks:${MARKS_TYPE}}) AS m)) AS k
       USING (scope_level, scope_id, year)
       GROUP BY scope_level, scope_id, year, class`,
      {
        scopes: scopesParam(scopes.map(({ key }) => key)),
        marks: marksParam(scopes.map(({ key, base }) => ({ key, watermark: base?.cursor ?? EPOCH }))),
        cursor,
      },
    );
    const before = new Map<string, ClassCounts>();
    const tails = new Map<string, TailRows>();
    for (const row of rows) {
      const id = scopeIdOf(keyOfRow(row));
      const scopeBefore = before.get(id) ?? zeroCounts();
      scopeBefore[row.class as DataClass] += Number(row.before);
      before.set(id, scopeBefore);
      const total = counts.get(id) ?? zeroCounts();
      total[row.class as DataClass] += Number(row.before) + Number(row.settled) + Number(row.later);
      counts.set(id, total);
      tails.set(id, [...(tails.get(id) ?? []), [row.class, 1, row.settled] as const, [row.class, 0, row.later] as const]);
    }
    for (const { key, base, unmoved = false } of scopes) {
      const id = scopeIdOf(key);
      if (!counts.has(id)) counts.set(id, zeroCounts());
      // The tail state is kept when what came before the tail's cursor is its checkpoint and settled
      // tail (were it not, a state of another process's lagging view, the count is still exact).
      const scopeBefore = before.get(id) ?? zeroCounts();
      const consistent = base && DATA_CLASSES.every((dataClass) => scopeBefore[dataClass] === base.checkpoint[dataClass] + base.settled[dataClass]);
      if (consistent) this.extendTail(id, base, cursor, tails.get(id) ?? [], unmoved);
    }
    return counts;
  }

  /** {@link dailyNewIndividuals} of many scope-years in a few queries, keyed by {@link scopeIdOf}. */
  async dailyNewOfMany(keys: readonly ScopeKey[]): Promise<Map<string, Array<{ day: string; counts: ClassCounts }>>> {
    const result = new Map<string, Map<string, ClassCounts>>();
    for (const part of chunks(keys, (key) => key)) {
      const rows = await selectRows<ScopeColumns & { day: string; class: string; individuals: number | string }>(
        this.client,
        `SELECT toString(scope_level) AS scope_level, scope_id, year, toString(d.day) AS day, toString(d.class) AS class, d.individuals AS individuals
         FROM (SELECT scope_level, scope_id, year, class, day, watermark, individuals FROM daily_new_individuals FINAL WHERE ${IN_SCOPES}) AS d
         INNER JOIN (SELECT scope_level, scope_id, year, max(watermark) AS w FROM count_checkpoints FINAL WHERE ${IN_SCOPES}
                     GROUP BY scope_level, scope_id, year) AS c
         USING (scope_level, scope_id, year)
         WHERE d.watermark = c.w
         ORDER BY day`,
        { scopes: scopesParam(part) },
      );
      for (const row of rows) {
        const id = scopeIdOf(keyOfRow(row));
        const byDay = result.get(id) ?? new Map<string, ClassCounts>();
        const counts = byDay.get(row.day) ?? zeroCounts();
        counts[row.class as DataClass] += Number(row.individuals);
        byDay.set(row.day, counts);
        result.set(id, byDay);
      }
    }
    return new Map([...result].map(([id, byDay]) => [id, [...byDay].map(([day, counts]) => ({ day, counts }))]));
  }

  /** {@link fullCount} with the server's time before it (a checkpoint too old, or a tail too large). */
  private async fullUsage(key: ScopeKey): Promise<Usage> {
    const [row] = await selectRows<{ now: string; counts: Array<[string, number | string]> }>(
      this.client,
      `SELECT toString(now64(6)) AS now,
              (SELECT groupArray((toString(class), individuals)) FROM (
                 SELECT class, count() AS individuals FROM subject_first_seen FINAL WHERE ${SCOPE_CONDITION} GROUP BY class)) AS counts`,
      scopeParams(key),
    );
    const counts = countsFrom(row!.counts.map(([dataClass, individuals]) => ({ class: dataClass, individuals })));
    return { counts, asOf: fromClickHouseTime(row!.now) };
  }

  /** The exact count straight from the truth table (used with no usable checkpoint). */
  async fullCount(key: ScopeKey): Promise<ClassCounts> {
    return (await this.fullUsage(key)).counts;
  }

  /**
   * New individuals per China-time day as of a checkpoint: the one at `watermark` (a count's
   * {@link Usage.watermark}), else the latest. The days of a given checkpoint never change (its
   * daily rows are written before it), so they are kept per scope and read again only when the
   * checkpoint moves: GET /usage asked for them on every call.
   */
  async dailyNewIndividuals(key: ScopeKey, watermark?: string): Promise<DailyNew> {
    const id = scopeIdOf(key);
    const kept = this.dailies.get(id);
    if (watermark !== undefined && kept?.watermark === watermark) return kept.days;
    const rows = await selectRows<{ day: string; class: string; individuals: string }>(
      this.client,
      watermark === undefined ? DAILY_AT_LATEST_CHECKPOINT : DAILY_AT_WATERMARK,
      { ...scopeParams(key), watermark: watermark ?? '' },
    );
    const days = dailyFromRows(rows);
    if (watermark !== undefined) keepBounded(this.dailies, id, { watermark, days });
    return days;
  }
}

const DAILY_AT_LATEST_CHECKPOINT = `SELECT toString(day) AS day, class, individuals FROM daily_new_individuals FINAL
  WHERE ${SCOPE_CONDITION} AND watermark = (SELECT max(watermark) FROM count_checkpoints FINAL WHERE ${SCOPE_CONDITION})
  ORDER BY day`;
const DAILY_AT_WATERMARK = `SELECT toString(day) AS day, class, individuals FROM daily_new_individuals FINAL
  WHERE ${SCOPE_CONDITION} AND watermark = toDateTime64({watermark:String}, 6, 'UTC')
  ORDER BY day`;

/** Per scope: the daily figures of one checkpoint (see dailyNewIndividuals). */
interface KeptDaily {
  watermark: string;
  days: DailyNew;
}

/** Sets `id` as the newest entry of `map`, dropping the oldest beyond {@link MAX_TAIL_STATES}. */
function keepBounded<T>(map: Map<string, T>, id: string, value: T): void {
  map.delete(id);
  map.set(id, value);
  if (map.size > MAX_TAIL_STATES) map.delete(map.keys().next().value!);
}

function dailyFromRows(rows: ReadonlyArray<{ day: string; class: string; individuals: string }>): DailyNew {
  const byDay = new Map<string, ClassCounts>();
  for (const row of rows) {
    const counts = byDay.get(row.day) ?? zeroCounts();
    counts[row.class as keyof ClassCounts] += Number(row.individuals);
    byDay.set(row.day, counts);
  }
  return [...byDay.entries()].map(([day, counts]) => ({ day, counts }));
}
