import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseUrl, openTestStore } from '@pi-egress/testing';
import { scopeIdOf } from './count-rows.js';
import { openStore } from './store.js';
import type { Store } from './store.js';

const key = { level: 'certificate' as const, scopeId: 'C-slow', year: 2026 };

/** An insert whose rows become visible over ~2 s, all stamped with its start time (now64() is per query). */
function slowInsert(store: Store, from: number, people: number, sleepS: number): Promise<unknown> {
  return store.client.command({
    query: `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen)
            SELECT 'certificate', 'C-slow', 2026, 'nonSensitive', SHA256(toString(number)), toDateTime64('2026-06-01 00:00:00', 3, 'UTC')
            FROM numbers(${from}, ${people}) WHERE sleepEachRow(${sleepS}) = 0`,
    // Two rows per part: the insert's rows become visible a few at a time.
    clickhouse_settings: { max_block_size: '2', min_insert_block_size_rows: '2', min_insert_block_size_bytes: '1' },
  });
}

describe('checkpoints and inserts still in flight', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(); // settle time 0: only the in-flight guard protects the count
  });
  afterAll(async () => {
    await store.close();
  });
  /** Another process's store on the same database, with its own settle time. */
  const openAnotherReader = (settleMs: number) =>
    openStore({ url: clickhouseUrl(), database: (store as Store & { database: string }).database, settleMs, migrate: false });

  it('counts every row of an insert that a checkpoint was taken in the middle of', async () => {
    await slowInsert(store, 0, 1, 0); // the scope has a row, so the refresh below takes a checkpoint
    const inserting = slowInsert(store, 1, 19, 0.1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await store.checkpoints.refresh(); // some rows of the insert are visible, some not yet
    await store.usage.individuals(key); // the tail's cursor must not pass the insert either
    await inserting;
    expect((await store.usage.individuals(key)).counts.nonSensitive).toBe(20);
    await store.checkpoints.refresh();
    expect((await store.usage.individuals(key)).counts.nonSensitive).toBe(20);
    expect((await store.usage.fullCount(key)).nonSensitive).toBe(20);
  });

  it('keeps the tail exact across calls while people keep arriving', async () => {
    const tailKey = { level: 'certificate' as const, scopeId: 'C-tail', year: 2026 };
    const insert = (from: number, people: number) =>
      store.client.command({
        query: `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen)
                SELECT 'certificate', 'C-tail', 2026, 'nonSensitive', SHA256(toString(number % 50)), toDateTime64('2026-06-01 00:00:00', 3, 'UTC')
                FROM numbers(${from}, ${people})`,
      });
    await insert(0, 10);
    await store.checkpoints.refresh();
    const counts: number[] = [];
    for (let round = 1; round <= 6; round++) {
      await insert(round * 10, 10); // people 10..59 modulo 50: the last round only repeats
      await new Promise((resolve) => setTimeout(resolve, 400)); // some calls see the rows settled
      counts.push((await store.usage.individuals(tailKey)).counts.nonSensitive);
    }
    expect(counts).toEqual([20, 30, 40, 50, 50, 50]);
    expect((await store.usage.fullCount(tailKey)).nonSensitive).toBe(50);
  });

  it('keeps the batched tails of several scopes exact across calls while people keep arriving', async () => {
    // Another process's reader that only ever reads in batches (the evaluator's), so its own tail states are the batch's.
    const batched = await openAnotherReader(0);
    const keys = ['C-many-a', 'C-many-b'].map((scopeId) => ({ level: 'certificate' as const, scopeId, year: 2026 }));
    const insert = (scopeId: string, from: number, people: number) =>
      store.client.command({
        query: `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen)
                SELECT 'certificate', {scopeId:String}, 2026, 'nonSensitive', SHA256(toString(number % 50)), toDateTime64('2026-06-01 00:00:00', 3, 'UTC')
                FROM numbers(${from}, ${people})`,
        query_params: { scopeId },
      });
    try {
      await insert('C-many-a', 0, 10);
      await insert('C-many-b', 0, 5);
      await store.checkpoints.refresh();
      const counts: number[][] = [];
      for (let round = 1; round <= 6; round++) {
        await insert('C-many-a', round * 10, 10); // people 10..59 modulo 50: the last round only repeats
        if (round % 2 === 0) await insert('C-many-b', round * 5, 5);
        if (round === 3) await store.checkpoints.refresh(); // a new checkpoint below the cursors
        await new Promise((resolve) => setTimeout(resolve, 400)); // some calls see the rows settled
        const many = await batched.usage.individualsOfMany(keys);
        counts.push(keys.map((key) => many.get(scopeIdOf(key))!.nonSensitive));
      }
      expect(counts).toEqual([
        [20, 5],
        [30, 10],
        [40, 10],
        [50, 15],
        [50, 15],
        [50, 20],
      ]);
    } finally {
      await batched.close();
    }
  });

  it('carries the settled tail over new checkpoints, below or above its cursor', async () => {
    // A 2 s settle time puts a checkpoint taken at once below the tail's cursor (1 s behind the clock).
    const settled = await openAnotherReader(2_000);
    const carryKey = { level: 'certificate' as const, scopeId: 'C-carry', year: 2026 };
    const insert = (from: number) =>
      settled.client.command({
        query: `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen)
                SELECT 'certificate', 'C-carry', 2026, 'nonSensitive', SHA256(concat('carry', toString(number))), toDateTime64('2026-06-01 00:00:00', 3, 'UTC')
                FROM numbers(${from}, 10)`,
      });
    const pause = () => new Promise((resolve) => setTimeout(resolve, 2_500));
    try {
      await insert(0);
      await pause();
      await settled.checkpoints.refresh();
      for (let round = 1; round <= 3; round++) {
        await insert(round * 10);
        await pause();
        expect((await settled.usage.individuals(carryKey)).counts.nonSensitive).toBe(10 * (round + 1));
        expect(await settled.checkpoints.refresh()).toContainEqual(carryKey);
        expect((await settled.usage.individuals(carryKey)).counts.nonSensitive).toBe(10 * (round + 1));
      }
      // A checkpoint that passes the cursor: people between the two are in both, counted once.
      await settled.usage.individuals(carryKey); // cursor ≈ now - 1 s
      await insert(40);
      await pause();
      await pause(); // the next checkpoint (now - 2 s) lies above that cursor, and covers the new people
      expect(await settled.checkpoints.refresh()).toContainEqual(carryKey);
      await insert(50);
      expect((await settled.usage.individuals(carryKey)).counts.nonSensitive).toBe(60);
      expect((await settled.usage.fullCount(carryKey)).nonSensitive).toBe(60);
    } finally {
      await settled.close();
    }
  });
});
