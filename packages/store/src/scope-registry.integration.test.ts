import type { ClickHouseClient } from '@clickhouse/client';
import { validateCertificate } from '@pi-egress/domain';
import { forSuite, makeCertificate, openTestStore } from '@pi-egress/testing';
import { describe, expect, it } from 'vitest';
import { ScopeRegistry } from './scope-registry.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The real engine, with every SELECT's answer held back 300 ms after the engine gave it: a reload's
 * snapshot is then taken before a declaration that lands while the reload is still "reading".
 */
function slowReads(client: ClickHouseClient): ClickHouseClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<ClickHouseClient['query']>) => {
        const result = await target.query(...args);
        await sleep(300);
        return result;
      };
    },
  });
}

describe('the scope registry while it reloads', () => {
  const store = forSuite(
    () => openTestStore(),
    (opened) => opened.close(),
  );

  it('keeps a declaration made during a reload instead of undoing it until the next one', async () => {
    const registry = new ScopeRegistry(slowReads(store.client), 60_000);
    const validated = validateCertificate(makeCertificate({ certificateId: 'C-RACE', processorId: 'P-RACE' }));
    if (!validated.ok) throw new Error(validated.errors.join('; '));
    const reloading = registry.reload();
    await sleep(100); // the reload's reads have their answers (without C-RACE), held back
    await registry.putVersion(validated.certificate, new Date('2026-01-01T00:00:00Z'));
    await registry.putProcessor({ processorId: 'P-RACE', groupId: 'G-RACE', countExempt: false, ciiOperator: false });
    await reloading;
    expect((await registry.instrument('C-RACE'))?.processorId).toBe('P-RACE');
    expect((await registry.processor('P-RACE')).groupId).toBe('G-RACE');
  });

  it('reloads in the background from half a period on, and makes a read wait only once a whole period has passed', async () => {
    const registry = new ScopeRegistry(slowReads(store.client), 3_000);
    const elsewhere = new ScopeRegistry(store.client); // another instance of the monitor
    const declare = async (certificateId: string) => {
      const validated = validateCertificate(makeCertificate({ certificateId, processorId: `P-${certificateId}` }));
      if (!validated.ok) throw new Error(validated.errors.join('; '));
      await elsewhere.putVersion(validated.certificate, new Date('2026-01-01T00:00:00Z'));
    };
    const loadStarted = Date.now();
    await registry.reload();
    await declare('C-LATER');
    await sleep(loadStarted + 1_600 - Date.now()); // over half a period: the next read starts a reload, not waiting for it
    expect(await registry.instrument('C-LATER')).toBeUndefined();
    // The background reload (its four reads held back 300 ms, at once) has landed, while the memory
    // of the first load is not yet a period old: without it, the read would answer from that memory.
    await sleep(loadStarted + 2_600 - Date.now());
    expect((await registry.instrument('C-LATER'))?.processorId).toBe('P-C-LATER');
    await declare('C-MUCH-LATER');
    await sleep(3_100); // a whole period: the read waits for the reload
    expect((await registry.instrument('C-MUCH-LATER'))?.processorId).toBe('P-C-MUCH-LATER');
  });
});
