import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, startTestApi, subjects, type TestApi } from '@pi-egress/testing';

interface Answer {
  allowed: boolean;
  reasons: string[];
  scopes: Array<{ level: string; counts: { nonSensitive: number } }>;
  reservation?: { eventId: string; expiresAt: string };
}

const NOW = new Date('2026-06-15T00:00:00Z');

/** A proposed transfer of `people` new persons under `certificateId` (no eventId, occurredAt now). */
function proposal(certificateId: string, processorId: string, prefix: string, people = 10): Record<string, unknown> {
  const {
    eventId: _eventId,
    occurredAt: _occurredAt,
    ...rest
  } = makeEvent({ certificateId, processorId, categories: ['name'], subjects: subjects(people, prefix) });
  return rest;
}

describe('admission that reserves', () => {
  let api: TestApi;
  const admit = async (body: unknown) => {
    const response = await api.call('ingest', 'POST', '/v1/admission', body);
    expect(response.status).toBe(200);
    return (await response.json()) as Answer;
  };

  beforeAll(async () => {
    api = await startTestApi({ now: () => NOW });
    for (const [certificateId, processorId] of [
      ['CERT-R', 'P-R'],
      ['CERT-N', 'P-N'],
      ['CERT-U', 'P-U'],
    ]) {
      const declared = await api.call(
        'admin',
        'PUT',
        `/v1/certificates/${certificateId}`,
        makeCertificate({ certificateId, processorId, limits: { nonSensitive: 100, sensitive: 10 } }),
      );
      expect(declared.status).toBe(200);
    }
  });
  afterAll(() => api?.close());

  it('lets exactly 10 of 50 concurrent reserving admissions of 10 new people each through 100 places left', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => admit({ ...proposal('CERT-R', 'P-R', `reserve-${i}`), reserve: true })));
    expect(answers.filter((a) => a.allowed)).toHaveLength(10);
    expect(answers.filter((a) => a.allowed).every((a) => a.reservation !== undefined)).toBe(true);
    expect(answers.filter((a) => !a.allowed).every((a) => a.reasons.includes('cap_exceeded_non_sensitive') && a.reservation === undefined)).toBe(
      true,
    );
  });

  it('without reserve, the same 50 checks each fit and together would pass the cap (the documented limit)', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => admit(proposal('CERT-N', 'P-N', `plain-${i}`))));
    expect(answers.filter((a) => a.allowed)).toHaveLength(50);
  });

  it('gives the hold back when the transfer with the reserved eventId is ingested: its people count once, not twice', async () => {
    const reserved = await admit({ ...proposal('CERT-U', 'P-U', 'consumed', 60), reserve: true });
    expect(reserved.allowed).toBe(true);
    // 60 held: 50 more would pass the cap of 100.
    expect((await admit({ ...proposal('CERT-U', 'P-U', 'other', 50), reserve: true })).allowed).toBe(false);
    const transfer = { ...proposal('CERT-U', 'P-U', 'consumed', 60), eventId: reserved.reservation!.eventId, occurredAt: NOW.toISOString() };
    expect(await (await api.call('ingest', 'POST', '/v1/events', [transfer])).json()).toMatchObject({ accepted: 1 });
    const after = await admit({ ...proposal('CERT-U', 'P-U', 'other', 40), reserve: true });
    expect(after.allowed).toBe(true);
    expect(after.scopes.find((s) => s.level === 'certificate')!.counts.nonSensitive).toBe(60);
  });

  it('refuses a reserve that is not a boolean', async () => {
    const response = await api.call('ingest', 'POST', '/v1/admission', { ...proposal('CERT-U', 'P-U', 'x'), reserve: 'yes' });
    expect(response.status).toBe(400);
  });
});
