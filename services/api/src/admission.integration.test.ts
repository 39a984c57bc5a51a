import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, startTestApi, subjects, type TestApi } from '@pi-egress/testing';

interface Answer {
  allowed: boolean;
  newIndividuals: { nonSensitive: number; sensitive: number };
  reasons: string[];
  scopes: Array<{ level: string; counts: { nonSensitive: number }; added: { nonSensitive: number } }>;
}

const cert = { certificateId: 'CERT-A', processorId: 'P-A' };
/** A proposed transfer: no eventId, no occurredAt (now). */
const proposal = (overrides: Parameters<typeof makeEvent>[0]) => {
  const { eventId: _eventId, occurredAt: _occurredAt, ...rest } = makeEvent({ ...cert, ...overrides });
  return rest;
};

describe('pre-transfer admission', () => {
  let api: TestApi;
  const admit = async (body: unknown) => {
    const response = await api.call('ingest', 'POST', '/v1/admission', body);
    return { status: response.status, body: (await response.json()) as Answer & { reasons: string[] } };
  };
  const certificateCount = async (id: string) =>
    ((await (await api.call('viewer', 'GET', `/v1/certificates/${id}/usage?year=2026`)).json()) as { nonSensitive: { count: number } }).nonSensitive
      .count;

  beforeAll(async () => {
    api = await startTestApi({ now: () => new Date('2026-06-15T00:00:00Z') });
    await api.call('admin', 'PUT', '/v1/certificates/CERT-A', makeCertificate({ ...cert, limits: { nonSensitive: 10, sensitive: 3 } }));
    await api.call('admin', 'PUT', '/v1/certificates/CERT-C', makeCertificate({ certificateId: 'CERT-C', processorId: 'P-C' }));
    await api.call('ingest', 'POST', '/v1/events', [
      makeEvent({ ...cert, occurredAt: '2026-05-01T00:00:00Z', categories: ['name'], subjects: subjects(6, 'adm') }),
    ]);
  });
  afterAll(() => api.close());

  it('says yes while the new individuals keep the count within the cap, counting only those not yet counted', async () => {
    const { status, body } = await admit(proposal({ categories: ['name'], subjects: [...subjects(4, 'adm'), ...subjects(4, 'adm', 6)] }));
    expect(status).toBe(200);
    expect(body).toMatchObject({ allowed: true, newIndividuals: { nonSensitive: 4, sensitive: 0 }, reasons: [] });
    expect(body.scopes.map((s) => [s.level, s.counts.nonSensitive, s.added.nonSensitive])).toEqual([
      ['processor', 6, 4],
      ['certificate', 6, 4],
    ]);
  });

  it('says no when the new individuals would pass the cap of a class', async () => {
    const over = await admit(proposal({ categories: ['name'], subjects: subjects(5, 'adm', 6) }));
    expect(over.body).toMatchObject({ allowed: false, newIndividuals: { nonSensitive: 5, sensitive: 0 }, reasons: ['cap_exceeded_non_sensitive'] });
    const sensitive = await admit(proposal({ categories: ['health'], subjects: subjects(4, 'adm') }));
    expect(sensitive.body).toMatchObject({ allowed: false, newIndividuals: { nonSensitive: 0, sensitive: 4 }, reasons: ['cap_exceeded_sensitive'] });
  });

  it('says no for an unlisted recipient or destination, with the reasons', async () => {
    const { body } = await admit(proposal({ recipient: { id: 'R9', country: 'US' }, subjects: subjects(1, 'adm') }));
    expect(body).toMatchObject({
      allowed: false,
      newIndividuals: { nonSensitive: 0, sensitive: 0 },
      reasons: ['recipient_not_in_scope', 'country_not_in_scope'],
    });
  });

  it('answers 400 naming the field for an invalid proposal, and stores nothing', async () => {
    const { status, body } = await admit({ ...proposal({}), subjects: [] });
    expect(status).toBe(400);
    expect((body as unknown as { details: string[] }).details.join(' ')).toMatch(/subjects/);
    expect(await certificateCount('CERT-A')).toBe(6);
  });

  it('gives concurrent checks that agree with what ingest then counts', async () => {
    const c = { certificateId: 'CERT-C', processorId: 'P-C' };
    await api.call('ingest', 'POST', '/v1/events', [makeEvent({ ...c, subjects: subjects(10, 'known') })]);
    // 20 transfers at once, each with 2 persons of its own and 1 already counted.
    const transfers = Array.from({ length: 20 }, (_, i) =>
      makeEvent({ ...c, subjects: [...subjects(2, `con-${i}`), ...subjects(1, 'known', i % 10)] }),
    );
    const answers = await Promise.all(transfers.map(({ eventId: _id, ...t }) => admit(t)));
    expect(answers.every((a) => a.body.allowed)).toBe(true);
    const predicted = answers.reduce((sum, a) => sum + a.body.newIndividuals.nonSensitive, 0);
    expect(predicted).toBe(40);
    const before = await certificateCount('CERT-C');
    await Promise.all(transfers.map((t) => api.call('ingest', 'POST', '/v1/events', [t])));
    expect((await certificateCount('CERT-C')) - before).toBe(predicted);
    // Asked again, the same transfers add nobody.
    const again = await Promise.all(transfers.slice(0, 5).map(({ eventId: _id, ...t }) => admit(t)));
    expect(again.map((a) => a.body.newIndividuals.nonSensitive)).toEqual([0, 0, 0, 0, 0]);
  });

  it('is for ingest (and admin) tokens', async () => {
    expect((await api.call('viewer', 'POST', '/v1/admission', proposal({}))).status).toBe(403);
    expect((await api.call('auditor', 'POST', '/v1/admission', proposal({}))).status).toBe(403);
    expect((await api.call('admin', 'POST', '/v1/admission', proposal({}))).status).toBe(200);
  });
});
