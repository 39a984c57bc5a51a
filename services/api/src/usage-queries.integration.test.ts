import { makeCertificate, makeEvent, subjects, testApiForSuite } from '@pi-egress/testing';
import { describe, expect, it } from 'vitest';

/**
 * Which engine queries a GET /usage sends, seen on the real client. The processor's count and its
 * instruments' counts are read together: one head query for all of them (a second one cost the
 * processor's GET 15-30 ms at 1M people, usage bench with system.query_log).
 */
describe('the queries of a processor usage report', () => {
  const api = testApiForSuite();

  it('reads the processor and each of its instruments with one head query, and counts them right', async () => {
    for (const certificateId of ['C-Q1', 'C-Q2']) {
      const declared = await api.call('admin', 'PUT', `/v1/certificates/${certificateId}`, makeCertificate({ certificateId, processorId: 'P-Q' }));
      expect(declared.status).toBeLessThan(300);
    }
    const events = [
      makeEvent({ eventId: 'q-1', certificateId: 'C-Q1', processorId: 'P-Q', subjects: subjects(3, 'q') }),
      makeEvent({ eventId: 'q-2', certificateId: 'C-Q2', processorId: 'P-Q', subjects: subjects(2, 'q', 2) }),
    ];
    expect((await api.call('ingest', 'POST', '/v1/events', events)).status).toBe(200);

    const client = api.ctx.store.client;
    const query = client.query.bind(client);
    const heads: string[] = [];
    client.query = ((params: Parameters<typeof query>[0]) => {
      if (params.query.includes("'checkpoint' AS part")) heads.push(params.query);
      return query(params);
    }) as typeof client.query;
    try {
      const response = await api.call('viewer', 'GET', '/v1/processors/P-Q/usage?year=2026');
      const report = (await response.json()) as {
        nonSensitive: { count: number };
        instruments: Array<{ instrumentId: string; nonSensitive: { count: number } }>;
      };
      // q-0..q-2 under C-Q1, q-2..q-3 under C-Q2: four people for the processor.
      expect(report.nonSensitive.count).toBe(4);
      expect(report.instruments.map((i) => [i.instrumentId, i.nonSensitive.count])).toEqual([
        ['C-Q1', 3],
        ['C-Q2', 2],
      ]);
      expect(heads).toHaveLength(1);
    } finally {
      client.query = query;
    }
  });
});
