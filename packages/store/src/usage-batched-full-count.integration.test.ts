import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '@pi-egress/testing';
import { scopeIdOf } from './count-rows.js';
import type { ScopeKey } from './scope.js';
import type { Store } from './store.js';

const year = 2026;
const checkpointed: ScopeKey = { level: 'processor', scopeId: 'P-big-tail', year };
const unwritten: ScopeKey = { level: 'certificate', scopeId: 'C-never-written', year };

function insertPeople(store: Store, scopeId: string, from: number, people: number): Promise<unknown> {
  return store.client.command({
    query: `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen)
            SELECT 'processor', '${scopeId}', ${year}, 'nonSensitive', SHA256(toString(number)), toDateTime64('2026-06-01 00:00:00', 3, 'UTC')
            FROM numbers(${from}, ${people})`,
  });
}

/**
 * A batch whose tail is over the tail limit is counted in full (bounded-tail.ts). Each such scope
 * was counted twice, once as "oversized" and again as "without a tail": the full count of a batch
 * of 500 processors ran twice on every evaluation cycle at 2,000 certificates (many-scopes bench).
 */
describe('batched counts of scopes counted in full', () => {
  let store: Store;
  const queries: string[] = [];
  beforeAll(async () => {
    // A tail of more than 50 rows is too large to look up person by person: counted in full.
    store = await openTestStore({ tailRowsLimit: 50 });
    // Every query the count reader sends, seen on the real client (the queries still run).
    const query = store.client.query.bind(store.client);
    store.client.query = ((params: Parameters<typeof query>[0]) => {
      queries.push(params.query);
      return query(params);
    }) as typeof store.client.query;
  });
  afterAll(async () => {
    await store.close();
  });

  it('counts a checkpointed scope whose tail is over the limit, and one never written, in one full count, exactly', async () => {
    await insertPeople(store, checkpointed.scopeId, 0, 10);
    await store.checkpoints.refresh();
    await insertPeople(store, checkpointed.scopeId, 5, 300); // 295 new people after the checkpoint
    await sleep(1_100); // the tail cursor trails the server clock by a second: let it pass them
    queries.length = 0;
    const many = await store.usage.individualsOfMany([checkpointed, unwritten]);
    const fullCounts = queries.filter((query) => /FROM subject_first_seen FINAL/.test(query));
    expect(fullCounts).toHaveLength(1);
    expect(many.get(scopeIdOf(checkpointed))).toEqual({ nonSensitive: 305, sensitive: 0 });
    expect(many.get(scopeIdOf(unwritten))).toEqual({ nonSensitive: 0, sensitive: 0 });
    expect(many.get(scopeIdOf(checkpointed))).toEqual(await store.usage.fullCount(checkpointed));
  });

  // The full count keeps the scope's tail state, split at the cursor: counted in full with none
  // kept, a processor over its limit was counted in full again on every evaluation cycle until its
  // checkpoint moved (many-scopes bench: 8 full counts of 2.2 s in 5 cycles).
  it('looks up only the people who came after the full count, not the whole tail again', async () => {
    await insertPeople(store, checkpointed.scopeId, 400, 3);
    queries.length = 0;
    const many = await store.usage.individualsOfMany([checkpointed]);
    expect(queries.filter((query) => /FROM subject_first_seen FINAL/.test(query))).toHaveLength(0);
    expect(many.get(scopeIdOf(checkpointed))).toEqual({ nonSensitive: 308, sensitive: 0 });
    expect(many.get(scopeIdOf(checkpointed))).toEqual(await store.usage.fullCount(checkpointed));
  });

  it('keeps the tail state of a single read counted in full too', async () => {
    const single: ScopeKey = { level: 'processor', scopeId: 'P-single-big-tail', year };
    await insertPeople(store, single.scopeId, 0, 10);
    await store.checkpoints.refresh();
    await insertPeople(store, single.scopeId, 5, 300);
    await sleep(1_100);
    expect((await store.usage.individuals(single)).counts).toEqual({ nonSensitive: 305, sensitive: 0 });
    await insertPeople(store, single.scopeId, 400, 3);
    queries.length = 0;
    const usage = await store.usage.individuals(single);
    expect(queries.filter((query) => /FROM subject_first_seen FINAL/.test(query))).toHaveLength(0);
    expect(usage.counts).toEqual({ nonSensitive: 308, sensitive: 0 });
    expect(usage.counts).toEqual(await store.usage.fullCount(single));
  });

  it('counts more scopes than one query holds, several batches at once, each exactly', async () => {
    // 1,201 scopes: three batches of SCOPES_PER_QUERY (500), two of them counted at once.
    const keys: ScopeKey[] = Array.from({ length: 1_201 }, (_, i) => ({ level: 'processor', scopeId: `P-many-${String(i).padStart(4, '0')}`, year }));
    for (const [i, people] of [
      [0, 3],
      [600, 5],
      [1_200, 7],
    ] as const)
      await insertPeople(store, keys[i]!.scopeId, 0, people);
    await store.checkpoints.refresh();
    await insertPeople(store, keys[600]!.scopeId, 100, 2);
    const many = await store.usage.individualsOfMany(keys);
    expect(many.size).toBe(1_201);
    expect(many.get(scopeIdOf(keys[0]!))).toEqual({ nonSensitive: 3, sensitive: 0 });
    expect(many.get(scopeIdOf(keys[600]!))).toEqual({ nonSensitive: 7, sensitive: 0 });
    expect(many.get(scopeIdOf(keys[1_200]!))).toEqual({ nonSensitive: 7, sensitive: 0 });
    expect(many.get(scopeIdOf(keys[1]!))).toEqual({ nonSensitive: 0, sensitive: 0 });
  });
});
