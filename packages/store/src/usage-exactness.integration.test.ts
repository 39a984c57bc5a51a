import { CategoryCatalogue, parseEvent, prepareTransfer, type PreparedTransfer } from '@pi-egress/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseUrl, makeEvent, openTestStore, ownVersions, subjects } from '@pi-egress/testing';
import { openStore, type Store } from './store.js';
import type { ScopeKey } from './scope.js';
import { scopeIdOf } from './count-rows.js';

const catalogue = new CategoryCatalogue();
const now = new Date('2026-11-22T00:00:00Z');

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function transfer(seed: number, from: number, count: number, sensitive: boolean): PreparedTransfer {
  const parsed = parseEvent(
    makeEvent({
      processorId: `P-exact-${seed}`,
      certificateId: `C-exact-${seed}`,
      categories: sensitive ? ['name', 'health'] : ['name'],
      subjects: subjects(count, 'exact', from),
    }),
    now,
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  return prepareTransfer(parsed.event, { key: 'exactness-key', catalogue, versions: ownVersions(parsed.event) });
}

/**
 * The fast count (checkpoint + tail, with its per-process caches) must equal the full exact count
 * at every step, whatever the interleaving of writes, checkpoint refreshes and reads, across two
 * processes' stores on one database. Writes overlap earlier people on purpose.
 */
describe('usage counts stay exact under interleaved writes, refreshes and reads', () => {
  let writerStore: Store & { database: string };
  let readerStore: Store;
  beforeAll(async () => {
    writerStore = await openTestStore({ settleMs: 0 });
    // The reader's tail limit is small: most of its tails (a write is up to 400 people) are too
    // large to look up person by person, so its counts and steps take the full-count way
    // (bounded-tail.ts), while the writer's take the tail.
    readerStore = await openStore({ url: clickhouseUrl(), database: writerStore.database, settleMs: 0, tailRowsLimit: 120 });
  });
  afterAll(async () => {
    await readerStore.close();
    await writerStore.close();
  });

  it.each([20_261_122, 7])(
    'matches the full count after every one of 40 random steps (seed %i)',
    async (seed) => {
      const next = random(seed);
      // Each seed counts its own certificate and processor.
      const key: ScopeKey = { level: 'certificate', scopeId: `C-exact-${seed}`, year: 2026 };
      const processorKey: ScopeKey = { level: 'processor', scopeId: `P-exact-${seed}`, year: 2026 };
      for (let step = 0; step < 40; step++) {
        const action = next();
        if (action < 0.5) {
          const from = Math.floor(next() * 3_000);
          const writes = [writerStore.writer.write([transfer(seed, from, 1 + Math.floor(next() * 400), next() < 0.3)])];
          // Sometimes a refresh races the write.
          if (next() < 0.3) writes.push(readerStore.checkpoints.refresh().then(() => undefined as never));
          await Promise.all(writes);
        } else if (action < 0.65) {
          await (next() < 0.5 ? writerStore : readerStore).checkpoints.refresh();
        } else if (action < 0.75) {
          // Two processes advance the same checkpoints at once (any writer may run the checkpointer).
          await Promise.all([writerStore.checkpoints.refresh(), readerStore.checkpoints.refresh()]);
        }
        for (const store of [writerStore, readerStore]) {
          for (const scope of [key, processorKey]) {
            const [fast, full] = await Promise.all([store.usage.individuals(scope), store.usage.fullCount(scope)]);
            expect(fast.counts, `step ${step}, ${scope.level}`).toEqual(full);
          }
          // The evaluator's batched read of many scopes (checkpoint + tail of each in one pass).
          const [many, fullKey, fullProcessor] = await Promise.all([
            store.usage.individualsOfMany([key, processorKey, { ...key, scopeId: 'C-never-written' }]),
            store.usage.fullCount(key),
            store.usage.fullCount(processorKey),
          ]);
          expect(many.get(scopeIdOf(key)), `step ${step}, batched certificate`).toEqual(fullKey);
          expect(many.get(scopeIdOf(processorKey)), `step ${step}, batched processor`).toEqual(fullProcessor);
          expect(many.get(scopeIdOf({ ...key, scopeId: 'C-never-written' }))).toEqual({ nonSensitive: 0, sensitive: 0 });
          const [dailyMany, daily] = await Promise.all([store.usage.dailyNewOfMany([key, processorKey]), store.usage.dailyNewIndividuals(key)]);
          expect(dailyMany.get(scopeIdOf(key)) ?? [], `step ${step}, batched daily new individuals`).toEqual(daily);
        }
      }
      const final = await readerStore.usage.fullCount(key);
      expect(final.nonSensitive).toBeGreaterThan(1_000);
      // Both ways were taken: steps within the limit and recounts beyond it.
      expect(readerStore.checkpoints.stats.recounted).toBeGreaterThan(0);
      expect(writerStore.checkpoints.stats.stepped).toBeGreaterThan(0);
    },
    240_000,
  );
});
