import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '@pi-egress/testing';
import type { ScopeKey } from './scope.js';
import type { Store } from './store.js';

const year = 2026;
const certificate: ScopeKey = { level: 'certificate', scopeId: 'C-shared-head', year };
const processor: ScopeKey = { level: 'processor', scopeId: 'P-shared-head', year };

function insertPeople(store: Store, key: ScopeKey, from: number, people: number): Promise<unknown> {
  return store.client.command({
    query: `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen)
            SELECT '${key.level}', '${key.scopeId}', ${year}, 'nonSensitive', SHA256(toString(number)), toDateTime64('2026-06-01 00:00:00', 3, 'UTC')
            FROM numbers(${from}, ${people})`,
  });
}

// A certificate's usage reads its processor's count too: the two reads, started together, share
// one head query (checkpoints, clock, latest inserts) instead of one each.
describe('count reads started together', () => {
  let store: Store;
  const queries: string[] = [];
  beforeAll(async () => {
    store = await openTestStore();
    const query = store.client.query.bind(store.client);
    store.client.query = ((params: Parameters<typeof query>[0]) => {
      queries.push(params.query);
      return query(params);
    }) as typeof store.client.query;
  });
  afterAll(async () => {
    await store.close();
  });

  it('share one head round trip and each stay exact', async () => {
    await insertPeople(store, certificate, 0, 7);
    await insertPeople(store, processor, 0, 11);
    await store.checkpoints.refresh();
    await insertPeople(store, processor, 100, 2);
    queries.length = 0;
    const [ofCertificate, ofProcessor] = await Promise.all([store.usage.individuals(certificate), store.usage.individuals(processor)]);
    expect(queries.filter((query) => /FROM count_checkpoints FINAL/.test(query))).toHaveLength(1);
    expect(ofCertificate.counts).toEqual({ nonSensitive: 7, sensitive: 0 });
    expect(ofProcessor.counts).toEqual({ nonSensitive: 13, sensitive: 0 });
    expect(ofProcessor.counts).toEqual(await store.usage.fullCount(processor));
  });
});
