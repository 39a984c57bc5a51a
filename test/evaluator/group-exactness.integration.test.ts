import { declareCertificate, groupUsage, ingestEvents, processorUsage, putProcessorSettings } from '@pi-egress/core';
import { CategoryCatalogue, validateCertificate } from '@pi-egress/domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, openTestStore } from '@pi-egress/testing';
import type { MonitorContext } from '@pi-egress/core';

/**
 * Randomized exactness of the counts that declarations move: transfers, group joins and leaves,
 * late certificate declarations and back-dated versions in any order. After every step the group
 * total equals the distinct people of its current members' transfers, each processor's total its
 * own, and a certificate's total its own processor's transfers under it — computed here from the
 * steps alone.
 */

const PROCESSORS = ['A', 'B', 'C'] as const;
type Processor = (typeof PROCESSORS)[number];

type Step =
  | { kind: 'send'; processor: Processor; people: number[]; viaCertificate: boolean }
  | { kind: 'join'; processor: Processor }
  | { kind: 'leave'; processor: Processor }
  | { kind: 'declare'; backdated: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      processor: fc.constantFrom(...PROCESSORS),
      people: fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 8 }),
      viaCertificate: fc.boolean(),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('join' as const), processor: fc.constantFrom(...PROCESSORS) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('leave' as const), processor: fc.constantFrom(...PROCESSORS) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('declare' as const), backdated: fc.boolean() }), weight: 1 },
);

describe('counts stay exact through membership changes and re-judging', () => {
  let ctx: MonitorContext;
  beforeAll(async () => {
    ctx = {
      store: await openTestStore(),
      catalogue: new CategoryCatalogue(),
      subjectKey: 'group-exactness',
      now: () => new Date('2026-09-01T00:00:00Z'),
    };
  });
  afterAll(() => ctx.store.close());

  it('matches the truth after every step of random sequences', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 10 }), async (steps) => {
        run += 1;
        const id = (p: string) => `R${run}-${p}`;
        const group = id('G');
        const certificate = id('CERT');
        const sent = new Map<Processor, Set<number>>(PROCESSORS.map((p) => [p, new Set()]));
        const underCertificate = new Set<number>();
        const members = new Set<Processor>();
        let declared = false;
        let eventNo = 0;
        for (const s of steps) {
          if (s.kind === 'send') {
            const event = makeEvent({
              eventId: `${id('e')}-${eventNo++}`,
              processorId: id(s.processor),
              ...(s.viaCertificate
                ? { certificateId: certificate, mechanism: 'certification' as const }
                : { mechanism: 'standard_contract' as const }),
              subjects: s.people.map((n) => ({ id: `person-${run}-${n}@example.com` })),
            });
            const report = await ingestEvents(ctx, [event]);
            expect(report.rejected).toEqual([]);
            for (const n of s.people) sent.get(s.processor)!.add(n);
            // The certificate belongs to A: only A's transfers under it count against it.
            if (s.viaCertificate && s.processor === 'A') for (const n of s.people) underCertificate.add(n);
          } else if (s.kind === 'join' || s.kind === 'leave') {
            await putProcessorSettings(ctx, {
              processorId: id(s.processor),
              countExempt: false,
              ciiOperator: false,
              ...(s.kind === 'join' ? { groupId: group } : {}),
            });
            if (s.kind === 'join') members.add(s.processor);
            else members.delete(s.processor);
          } else {
            const version = validateCertificate(
              makeCertificate({
                certificateId: certificate,
                processorId: id('A'),
                purposes: declared ? ['customer_support', 'billing'] : ['customer_support'],
                ...(declared && s.backdated ? { effectiveFrom: '2026-03-01T00:00:00+08:00' } : {}),
              }),
            );
            if (!version.ok) throw new Error(version.errors.join('; '));
            const outcome = await declareCertificate(ctx, version.certificate);
            if (!outcome.ok) throw new Error(outcome.errors.join('; '));
            declared = true;
          }

          const groupTruth = new Set([...members].flatMap((p) => [...sent.get(p)!]));
          const report = await groupUsage(ctx, group, 2026);
          expect(report.nonSensitive.count, `group after ${JSON.stringify(s)}`).toBe(groupTruth.size);
          const memberCounts = Object.fromEntries(report.members.map((m) => [m.processorId, m.nonSensitive.count]));
          expect(memberCounts, `members after ${JSON.stringify(s)}`).toEqual(Object.fromEntries([...members].map((p) => [id(p), sent.get(p)!.size])));
          for (const p of PROCESSORS) expect((await processorUsage(ctx, id(p), 2026)).nonSensitive.count).toBe(sent.get(p)!.size);
          if (declared) {
            const counted = await ctx.store.usage.individuals({ level: 'certificate', scopeId: certificate, year: 2026 });
            expect(counted.counts.nonSensitive, `certificate after ${JSON.stringify(s)}`).toBe(underCertificate.size);
          }
        }
      }),
      { numRuns: 12 },
    );
  });

  it("lists each of a large group's members with its own count (counted in batched queries)", async () => {
    const group = 'G-six';
    const members = ['M1', 'M2', 'M3', 'M4', 'M5', 'M6'];
    for (const [i, processorId] of members.entries()) {
      await putProcessorSettings(ctx, { processorId, countExempt: false, ciiOperator: false, groupId: group });
      // Member i sends people 0..i (i + 1 of them): people 0..5 across the group, each member its own number.
      const subjects = Array.from({ length: i + 1 }, (_, n) => ({ id: `six-${n}@example.com` }));
      const report = await ingestEvents(ctx, [makeEvent({ eventId: `six-${processorId}`, processorId, mechanism: 'standard_contract', subjects })]);
      expect(report.rejected).toEqual([]);
    }
    const report = await groupUsage(ctx, group, 2026);
    expect(report.nonSensitive.count).toBe(6);
    expect(report.members.map((m) => [m.processorId, m.nonSensitive.count, m.sensitive.count])).toEqual(
      members.map((processorId, i) => [processorId, i + 1, 0]),
    );
  });
});
