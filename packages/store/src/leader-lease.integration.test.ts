// The lease on the real engine: one holder among concurrent candidates, renewal, failover after
// the TTL, immediate hand-over on release, and no theft by a candidate acting on a stale view.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '@pi-egress/testing';
import { LeaderLease } from './leader-lease.js';
import type { Store } from './store.js';

const TTL_MS = 3_000;

describe('LeaderLease', () => {
  let store: Store;
  const lease = (holder: string, name = 'job') => new LeaderLease(store.client, { name, holder, ttlMs: TTL_MS });
  const leaders = async (candidates: LeaderLease[]) => {
    const held = await Promise.all(candidates.map((candidate) => candidate.refresh()));
    return candidates.filter((_, i) => held[i]).map((candidate) => candidate.holder);
  };

  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('gives the lease to exactly one of many concurrent candidates, round after round', async () => {
    for (let round = 0; round < 5; round++) {
      const candidates = Array.from({ length: 8 }, (_, i) => lease(`candidate-${i}`, `race-${round}`));
      // Never two. A claim whose round trip outlasts the guard lapses by design (safety first), so on
      // an overloaded machine a round may end with none: the candidates then simply try again.
      let winners: string[] = [];
      for (let attempt = 0; attempt < 5 && winners.length === 0; attempt++) {
        winners = await leaders(candidates);
        expect(winners.length).toBeLessThanOrEqual(1);
      }
      expect(winners).toHaveLength(1);
      expect(candidates.filter((candidate) => candidate.held())).toHaveLength(1);
      // The others keep standing by while the winner renews.
      expect(await leaders(candidates)).toEqual(winners);
    }
  });

  it('is renewed by its holder for longer than the TTL, then passes to another when renewals stop', async () => {
    const [a, b] = [lease('a', 'failover'), lease('b', 'failover')];
    expect(await leaders([a])).toEqual(['a']);
    const termOfA = a.term;
    for (let i = 0; i < 4; i++) {
      await sleep(TTL_MS / 3);
      expect(await leaders([a, b])).toEqual(['a']);
    }
    expect(a.term).toBe(termOfA);
    // a stops renewing (a crash): its own view lapses before b may take over.
    const stoppedAt = Date.now();
    while (a.held()) await sleep(20);
    expect(await b.refresh()).toBe(false);
    while (!(await b.refresh())) await sleep(100);
    const tookOverAfter = Date.now() - stoppedAt;
    expect(tookOverAfter).toBeGreaterThanOrEqual(TTL_MS * 0.8);
    expect(tookOverAfter).toBeLessThan(TTL_MS + 1_500);
    expect(b.term).toBe(termOfA + 1);
    // a comes back: b holds the lease, a stands by.
    expect(await leaders([a, b])).toEqual(['b']);
  });

  it('passes at once when the holder releases it', async () => {
    const [a, b] = [lease('a', 'release'), lease('b', 'release')];
    expect(await leaders([a, b])).toHaveLength(1);
    const [holder, other] = a.held() ? [a, b] : [b, a];
    await holder.release();
    expect(holder.held()).toBe(false);
    expect(await other.refresh()).toBe(true);
    expect(await holder.refresh()).toBe(false);
  });

  it('drops a late claim of a term already won (a candidate that read a stale view)', async () => {
    const [a, b] = [lease('a', 'stale'), lease('b', 'stale')];
    expect(await leaders([a])).toEqual(['a']);
    // b read "term 1 expired" long ago and claims term 2 now, after a has won term 2 itself.
    await a.release();
    expect(await a.refresh()).toBe(true);
    expect(a.term).toBe(2);
    await store.client.insert({
      table: 'leader_lease',
      values: [{ name: 'stale', term: 2, holder: 'b', action: 'claim' }],
      format: 'JSONEachRow',
      clickhouse_settings: { async_insert: 0, insert_deduplication_token: 'stale:2:claim' },
    });
    expect(await leaders([a, b])).toEqual(['a']);
  });
});
