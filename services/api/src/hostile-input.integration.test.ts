import { CategoryCatalogue } from '@pi-egress/domain';
import fc, { type JsonValue } from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEvent, startTestApi, type TestApi } from '@pi-egress/testing';

/**
 * Hostile and careless input over real HTTP against the real engine: every bad event is refused on
 * its own with a code, never a 500, and the counts equal the truth computed from the events the
 * answer acknowledged (accepted or duplicate), nothing more and nothing less.
 */

interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; code: string; reason: string; eventId?: string }>;
}

const LONE_SURROGATE = '\ud800';
/** Subject ids of the valid events: a small pool, so batches repeat people across events. */
const PEOPLE = Array.from({ length: 12 }, (_, i) => `person-${i}@example.com`);

/** A `__proto__` own key, or a `constructor` object with a `prototype` key, at any depth (SPEC: refused as prototype poisoning). */
function hasPoisonedKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(hasPoisonedKey);
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, '__proto__')) return true;
  const ctor = Object.hasOwn(record, 'constructor') ? record.constructor : undefined;
  if (ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) return true;
  return Object.values(record).some(hasPoisonedKey);
}

describe('hostile input over HTTP', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ now: () => new Date('2026-07-01T00:00:00Z') });
  });
  afterAll(() => api.close());

  const post = async (body: unknown[]) => {
    const response = await api.call('ingest', 'POST', '/v1/events', body);
    return { status: response.status, body: (await response.json()) as IngestAnswer };
  };
  const counts = async (processorId: string) => {
    const usage = (await (await api.call('viewer', 'GET', `/v1/processors/${processorId}/usage?year=2026`)).json()) as {
      nonSensitive: { count: number };
      sensitive: { count: number };
    };
    return { nonSensitive: usage.nonSensitive.count, sensitive: usage.sensitive.count };
  };

  it('refuses lone surrogates in any identifier per event, and still counts and acknowledges the batch-mates', async () => {
    const processorId = 'P-surrogate';
    const good = makeEvent({ processorId, mechanism: 'standard_contract', subjects: [{ id: 'a@example.com' }, { id: 'b@example.com' }] });
    const hostile = [
      makeEvent({ processorId, mechanism: 'standard_contract', eventId: `evt-${LONE_SURROGATE}` }),
      makeEvent({ processorId: `P-surrogate${LONE_SURROGATE}`, mechanism: 'standard_contract' }),
      makeEvent({ processorId, mechanism: 'standard_contract', system: `crm${LONE_SURROGATE}` }),
      makeEvent({ processorId, mechanism: 'standard_contract', recipient: { id: `R${LONE_SURROGATE}`, country: 'DE' } }),
      makeEvent({ processorId, mechanism: 'standard_contract', system: 'crm\u0000' }),
    ];
    const first = await post([good, ...hostile]);
    expect(first.status).toBe(200);
    expect(first.body.accepted).toBe(1);
    expect(first.body.rejected.map((r) => [r.index, r.code])).toEqual([1, 2, 3, 4, 5].map((index) => [index, 'invalid_text']));
    expect(first.body.rejected[4]!.reason).toMatch(/^system: must not contain control characters/);
    // A retry of the same batch is answered the same way and counts nothing twice.
    const again = await post([good, ...hostile]);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await counts(processorId)).toEqual({ nonSensitive: 2, sensitive: 0 });
  });

  it('refuses, rather than merges, two subject ids that differ only in their lone surrogates', async () => {
    const processorId = 'P-merge';
    const answer = await post([
      makeEvent({ processorId, mechanism: 'standard_contract', subjects: [{ id: `zhang${LONE_SURROGATE}` }] }),
      makeEvent({ processorId, mechanism: 'standard_contract', subjects: [{ id: 'zhang\udfff' }] }),
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body.rejected.map((r) => r.code)).toEqual(['invalid_text', 'invalid_text']);
    expect(answer.body.rejected[0]!.reason).toBe(
      'subjects[0].id: must be valid Unicode text (it holds a lone UTF-16 surrogate, which has no UTF-8 form)',
    );
    expect(await counts(processorId)).toEqual({ nonSensitive: 0, sensitive: 0 });
  });

  it('refuses an occurredAt before 2000 per event instead of failing the batch', async () => {
    const processorId = 'P-old';
    const answer = await post([
      makeEvent({ processorId, mechanism: 'standard_contract', occurredAt: '1969-12-31T23:59:59Z' }),
      makeEvent({ processorId, mechanism: 'standard_contract', occurredAt: '0001-01-01T00:00:00Z' }),
      makeEvent({ processorId, mechanism: 'standard_contract', subjects: [{ id: 'c@example.com' }] }),
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body.rejected.map((r) => [r.index, r.code])).toEqual([
      [0, 'occurred_at_out_of_range'],
      [1, 'occurred_at_out_of_range'],
    ]);
    expect(answer.body.accepted).toBe(1);
    expect(await counts(processorId)).toEqual({ nonSensitive: 1, sensitive: 0 });
  });

  it('property: for batches of valid events mixed with arbitrary JSON, the counts equal the truth from the acknowledged events', async () => {
    let run = 0;
    let damagedNo = 0;
    /** Every eventId acknowledged so far, in any run: a repeated one is stored once (SPEC §3). */
    const stored = new Set<string>();
    const catalogue = new CategoryCatalogue();
    const hostileString = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.constantFrom(LONE_SURROGATE, 'x\udfff', '\u0000', ' padded ', '', 'a'.repeat(300)),
    );
    const validEvent = fc.record({
      people: fc.uniqueArray(fc.constantFrom(...PEOPLE), { minLength: 1, maxLength: 5 }),
      sensitive: fc.boolean(),
      eventNo: fc.integer({ min: 0, max: 30 }),
    });
    // A valid event with one field replaced by a hostile value: the most likely careless input.
    const damagedEvent = fc.record({
      field: fc.constantFrom('eventId', 'processorId', 'system', 'purpose', 'occurredAt', 'categories', 'subjects', 'recipient', 'mechanism'),
      value: fc.oneof(hostileString, fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('1969-12-31T23:59:59Z', '2999-01-01T00:00:00Z')),
    });
    const element = fc.oneof(
      { arbitrary: validEvent.map((v) => ({ kind: 'valid' as const, ...v })), weight: 3 },
      { arbitrary: damagedEvent.map((d) => ({ kind: 'damaged' as const, ...d })), weight: 2 },
      { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'arbitrary' as const, value })), weight: 1 },
    );

    await fc.assert(
      fc.asyncProperty(fc.array(element, { minLength: 1, maxLength: 12 }), async (elements) => {
        run += 1;
        const processorId = `P-prop-${run}`;
        const build = (people: string[], sensitive: boolean, eventNo: number) =>
          makeEvent({
            processorId,
            mechanism: 'standard_contract',
            // Repeated eventIds inside and across batches: each must count once.
            eventId: `prop-${run}-${eventNo}`,
            categories: sensitive ? ['health'] : ['name'],
            subjects: people.map((id) => ({ id })),
          });
        const body = elements.map((e) => {
          if (e.kind === 'valid') return build(e.people, e.sensitive, e.eventNo);
          if (e.kind === 'arbitrary') return e.value;
          return { ...build(['damaged@example.com'], false, 1_000 + damagedNo++), [e.field]: e.value };
        });
        const answer = await post(body);
        if (hasPoisonedKey(body)) {
          // A __proto__ key or constructor.prototype anywhere refuses the whole body: nothing stored.
          expect(answer.status, JSON.stringify(answer.body)).toBe(400);
          expect(answer.body).toMatchObject({ error: 'invalid_json', message: expect.stringMatching(/prototype poisoning/) });
          expect(await counts(processorId)).toEqual({ nonSensitive: 0, sensitive: 0 });
          return;
        }
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        const refused = new Set(answer.body.rejected.map((r) => r.index));
        expect(answer.body.accepted + answer.body.duplicates + refused.size).toBe(body.length);

        // The truth: people of the acknowledged events, per class, each once. An eventId's first
        // acknowledged occurrence ever is the one stored (later ones are duplicates).
        const truth = { nonSensitive: new Set<string>(), sensitive: new Set<string>() };
        body.forEach((event, index) => {
          if (refused.has(index)) return;
          const e = event as { eventId: string; occurredAt: string; processorId: string; categories: string[]; subjects: Array<{ id: string }> };
          const duplicate = stored.has(e.eventId);
          stored.add(e.eventId);
          // Acknowledged, but a repeat, or another processor's or year's (a damaged field still valid).
          if (duplicate || e.processorId !== processorId || e.occurredAt !== '2026-06-01T08:00:00Z') return;
          // The catalogue is the law's table (unknown codes count as sensitive), not the code under test.
          const classes = catalogue.classify(e.categories).classes;
          for (const { id } of e.subjects) for (const c of classes) truth[c].add(id);
        });
        expect(await counts(processorId)).toEqual({ nonSensitive: truth.nonSensitive.size, sensitive: truth.sensitive.size });
      }),
      // The counterexample CI found (a __proto__ key in arbitrary JSON) always runs first.
      { numRuns: 40, examples: [[[{ kind: 'arbitrary', value: JSON.parse('{"__proto__":[]}') as JsonValue }]]] },
    );
  });
});
