import { CategoryCatalogue, parseEvent, prepareTransfer } from '@pi-egress/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEvent, openTestStore, ownVersions, subjects } from '@pi-egress/testing';
import { Checkpointer } from './checkpointer.js';
import type { Store } from './store.js';

const key = { level: 'certificate' as const, scopeId: 'C-moved', year: 2026 };

function prepare(occurredAt: string, people: Array<{ id: string }>) {
  const parsed = parseEvent(
    makeEvent({ processorId: 'P-moved', certificateId: 'C-moved', occurredAt, subjects: people }),
    new Date('2026-11-30T00:00:00Z'),
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  return prepareTransfer(parsed.event, { key: 'k', catalogue: new CategoryCatalogue(), versions: ownVersions(parsed.event) });
}

describe('checkpoints after a full recount emptied a day', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(); // settle time 0
  });
  afterAll(() => store.close());

  it('step from the last checkpoint again instead of recounting the whole year on every refresh', async () => {
    await store.writer.write([prepare('2026-06-02T08:00:00Z', subjects(3, 'moved'))]);
    const everyTime = new Checkpointer(store.client, { settleMs: 0, fullRecountIntervalMs: 0 });
    await everyTime.refresh();
    // A late event shows one person was first seen a day earlier: the recount moves them to 1 June.
    await store.writer.write([prepare('2026-06-01T08:00:00Z', subjects(1, 'moved'))]);
    await expect
      .poll(async () => (await everyTime.refresh(), store.usage.dailyNewIndividuals(key)), { timeout: 15_000 })
      .toEqual([
        { day: '2026-06-01', counts: { nonSensitive: 1, sensitive: 0 } },
        { day: '2026-06-02', counts: { nonSensitive: 2, sensitive: 0 } },
      ]);
    // Empty 2 June entirely: its row stays behind with the old watermark.
    await store.writer.write([prepare('2026-06-01T09:00:00Z', subjects(2, 'moved', 1))]);
    await expect
      .poll(async () => (await everyTime.refresh(), store.usage.dailyNewIndividuals(key)), { timeout: 15_000 })
      .toEqual([{ day: '2026-06-01', counts: { nonSensitive: 3, sensitive: 0 } }]);

    // A process on the hourly schedule: new people are a step from the last checkpoint, not a recount.
    const hourly = new Checkpointer(store.client, { settleMs: 0 });
    await store.writer.write([prepare('2026-06-03T08:00:00Z', subjects(4, 'later'))]);
    await expect
      .poll(async () => (await hourly.refresh(), store.usage.dailyNewIndividuals(key)), { timeout: 15_000 })
      .toContainEqual({ day: '2026-06-03', counts: { nonSensitive: 4, sensitive: 0 } });
    expect(hourly.stats).toMatchObject({ recounted: 0 });
    expect(hourly.stats.stepped).toBeGreaterThan(0);
    expect((await store.usage.individuals(key)).counts.nonSensitive).toBe(7);
    expect(await store.usage.fullCount(key)).toEqual({ nonSensitive: 7, sensitive: 0 });
  });

  it('gives the daily figures of the checkpoint a count stands on, and new ones once it moves', async () => {
    const checkpointer = new Checkpointer(store.client, { settleMs: 0 });
    await store.writer.write([prepare('2026-07-01T08:00:00Z', subjects(2, 'daily'))]);
    await checkpointer.refresh();
    const first = await store.usage.individuals(key);
    expect(first.watermark).toBeDefined();
    const before = await store.usage.dailyNewIndividuals(key, first.watermark);
    expect(before).toContainEqual({ day: '2026-07-01', counts: { nonSensitive: 2, sensitive: 0 } });
    expect(await store.usage.dailyNewIndividuals(key, first.watermark)).toEqual(before);

    await store.writer.write([prepare('2026-07-02T08:00:00Z', subjects(3, 'daily-later'))]);
    await expect
      .poll(
        async () => {
          await checkpointer.refresh();
          const usage = await store.usage.individuals(key);
          return usage.watermark === first.watermark ? [] : store.usage.dailyNewIndividuals(key, usage.watermark);
        },
        { timeout: 15_000 },
      )
      .toContainEqual({ day: '2026-07-02', counts: { nonSensitive: 3, sensitive: 0 } });
  });
});
