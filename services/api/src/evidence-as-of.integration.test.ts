import { verifyEvidencePack, type EvidencePack } from '@pi-egress/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, openTestStore, startTestApi, subjects, type TestApi } from '@pi-egress/testing';

const CERT = 'CERT-ASOF';
const cert = { certificateId: CERT, processorId: 'P-ASOF' };

describe('the as-of time of an evidence pack, with the default settle time of 10 s', () => {
  let api: TestApi;
  const evidence = async (query: string) => {
    const response = await api.call('auditor', 'GET', `/v1/certificates/${CERT}/evidence?year=2026${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as EvidencePack;
  };

  beforeAll(async () => {
    api = await startTestApi({ store: await openTestStore({ settleMs: 10_000 }) });
    expect((await api.call('admin', 'PUT', `/v1/certificates/${CERT}`, makeCertificate(cert))).status).toBe(200);
  });
  afterAll(() => api.close());

  it('asOf=latest includes an event accepted just before the request; the default (settled) pack does not yet', async () => {
    const accepted = await api.call('ingest', 'POST', '/v1/events', [
      makeEvent({ ...cert, occurredAt: '2026-05-01T02:00:00Z', subjects: subjects(3, 'asof') }),
    ]);
    expect(((await accepted.json()) as { accepted: number }).accepted).toBe(1);
    const requestedAt = Date.now();

    const latest = await evidence('&asOf=latest');
    expect(latest.counts.nonSensitive.count).toBe(3);
    expect(latest.breakdowns.recipient.map((r) => r.transfers)).toEqual([1]);

    const settled = await evidence('');
    expect(settled.counts.nonSensitive.count).toBe(0);
    // Settled: at least the settle time before the request (the two clocks are the same host's).
    expect(Date.parse(settled.asOf)).toBeLessThan(requestedAt - 5_000);
    for (const pack of [latest, settled]) expect(pack.asOfRule).toMatch(/EGRESS_COUNT_SETTLE_MS, 10 seconds by default.*asOf=latest/);
  });

  it('a latest pack verifies against the store as of the instant it chose', async () => {
    const response = await api.call('auditor', 'GET', `/v1/certificates/${CERT}/evidence?year=2026&asOf=latest`);
    const text = await response.text();
    const verdict = await verifyEvidencePack(api.ctx.store, text, api.evidenceKey.publicKey);
    expect(verdict).toMatchObject({ ok: true, asOf: (JSON.parse(text) as EvidencePack).asOf });
    expect((await api.call('auditor', 'GET', `/v1/certificates/${CERT}/evidence?year=2026&asOf=earliest`)).status).toBe(400);
  });
});
