import { declareCertificate, ingestEvents, type MonitorContext } from '@pi-egress/core';
import { CategoryCatalogue, validateCertificate } from '@pi-egress/domain';
import type { ScopeKey, Store } from '@pi-egress/store';
import { makeCertificate, makeEvent, openTestStore, subjects } from '@pi-egress/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountCache } from './count-cache.js';

const now = new Date();
const transfer = { certificateId: 'C-cache', processorId: 'P-cache', occurredAt: now.toISOString() };
const key: ScopeKey = { level: 'certificate', scopeId: 'C-cache', year: now.getUTCFullYear() };

/**
 * The evaluator's cache reads a scope's daily new individuals (the forecast's input, as of its
 * latest checkpoint) again only when that checkpoint moved: re-reading them for every scope that
 * got rows was the costliest engine time of a cycle at 2,000 certificates (many-scopes bench).
 */
describe('the count cache', () => {
  let store: Store;
  let ctx: MonitorContext;
  const queries: string[] = [];
  beforeAll(async () => {
    store = await openTestStore();
    ctx = { store, catalogue: new CategoryCatalogue(), subjectKey: 'count-cache-key', now: () => new Date() };
    // Every query sent, seen on the real client (the queries still run).
    const query = store.client.query.bind(store.client);
    store.client.query = ((params: Parameters<typeof query>[0]) => {
      queries.push(params.query);
      return query(params);
    }) as typeof store.client.query;
    const declared = validateCertificate(makeCertificate({ certificateId: transfer.certificateId, processorId: transfer.processorId }));
    if (!declared.ok) throw new Error(declared.errors.join('; '));
    await declareCertificate(ctx, declared.certificate);
  });
  afterAll(async () => {
    await store.close();
  });
  const dailyReads = () => queries.filter((query) => query.includes('FROM daily_new_individuals')).length;

  it('keeps the daily figures until the checkpoint moves, and the counts exact on every refresh', async () => {
    const cache = new CountCache(ctx);
    await ingestEvents(ctx, [makeEvent({ ...transfer, eventId: 'cache-1', subjects: subjects(30, 'cache', 0) })]);
    await store.checkpoints.refresh();
    await cache.refresh();
    expect(cache.dailyNew(key)).toEqual(await store.usage.dailyNewIndividuals(key));
    expect(cache.counts(key)).toEqual(await store.usage.fullCount(key));

    // New people, the checkpoint where it was: counts read again, daily figures not.
    await ingestEvents(ctx, [makeEvent({ ...transfer, eventId: 'cache-2', subjects: subjects(20, 'cache', 30) })]);
    queries.length = 0;
    await cache.refresh();
    expect(dailyReads()).toBe(0);
    expect(cache.counts(key)).toEqual(await store.usage.fullCount(key));
    expect(cache.counts(key).nonSensitive).toBe(50);
    const before = cache.dailyNew(key);
    expect(before).toEqual(await store.usage.dailyNewIndividuals(key));

    // The checkpoint moves over them: the daily figures are read again and now include them.
    await store.checkpoints.refresh();
    queries.length = 0;
    await cache.refresh();
    expect(dailyReads()).toBe(1);
    const after = cache.dailyNew(key);
    expect(after).toEqual(await store.usage.dailyNewIndividuals(key));
    const total = (daily: typeof after) => daily.reduce((sum, day) => sum + day.counts.nonSensitive, 0);
    expect(total(after)).toBe(total(before) + 20);
  });
});
