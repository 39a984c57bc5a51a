import { buildEvidenceBody, createMetrics, ingestEvents, recordIngest, type MonitorContext } from '@pi-egress/core';
import { CategoryCatalogue, certificateSchema } from '@pi-egress/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, openTestStore, subjects } from '@pi-egress/testing';

describe('where "abroad" is: CN is domestic, HK counts', () => {
  let ctx: MonitorContext;
  const metrics = createMetrics();
  beforeAll(async () => {
    const store = await openTestStore();
    ctx = { store, catalogue: new CategoryCatalogue(), subjectKey: 'domestic-key', now: () => new Date('2026-06-02T00:00:00Z') };
    await store.scopes.putVersion(
      certificateSchema.parse(
        makeCertificate({
          recipients: [
            { id: 'R1', country: 'DE' },
            { id: 'R-HK', country: 'HK' },
          ],
        }),
      ),
      new Date(0),
    );
  });
  afterAll(() => ctx.store.close());

  it('records an event to CN as domestic, uncounted and in scope; one to HK counts', async () => {
    const report = await ingestEvents(ctx, [
      makeEvent({ eventId: 'to-shanghai', recipient: { id: 'R-SH', country: 'CN' }, importantData: true, subjects: subjects(3, 'sh') }),
      makeEvent({ eventId: 'to-hong-kong', recipient: { id: 'R-HK', country: 'HK' }, subjects: subjects(2, 'hk') }),
    ]);
    expect(report.rejected).toEqual([]);
    recordIngest(metrics, report, ctx.now());
    const usage = await ctx.store.usage.individuals({ level: 'certificate', scopeId: 'CERT-1', year: 2026 });
    expect(usage.counts).toEqual({ nonSensitive: 2, sensitive: 0 });
    const rows = await (
      await ctx.store.client.query({
        query: 'SELECT event_id, domestic, counted, out_of_scope_reasons FROM transfers FINAL ORDER BY event_id',
        format: 'JSONEachRow',
      })
    ).json<{ event_id: string; domestic: boolean; counted: boolean; out_of_scope_reasons: string[] }>();
    expect(rows).toEqual([
      { event_id: 'to-hong-kong', domestic: false, counted: true, out_of_scope_reasons: [] },
      { event_id: 'to-shanghai', domestic: true, counted: false, out_of_scope_reasons: [] },
    ]);
    expect((await metrics.domesticTransfers.get()).values[0]?.value).toBe(1);
    // The evidence pack shows it apart: not in the outbound breakdowns, counted as domestic.
    const body = await buildEvidenceBody(ctx.store, 'CERT-1', 2026, new Date(Date.now() + 1_000));
    expect(body?.domesticTransfers).toEqual({ transfers: 1, subjectRecords: 3 });
    expect(body?.breakdowns.country.map((row) => row.value)).toEqual(['HK']);
  });

  it('rejects XX and UK naming the field, with GB as the hint', async () => {
    const report = await ingestEvents(ctx, [
      makeEvent({ recipient: { id: 'R1', country: 'XX' } }),
      makeEvent({ recipient: { id: 'R1', country: 'UK' } }),
    ]);
    expect(report.rejected.map((r) => r.reason)).toEqual([
      'recipient.country: must be an assigned ISO 3166-1 alpha-2 code, e.g. DE',
      'recipient.country: UK is not an ISO 3166-1 alpha-2 code: use GB',
    ]);
  });
});
