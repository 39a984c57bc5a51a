import { createLogger } from '@pi-egress/config';
import { pseudonymise } from '@pi-egress/domain';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, startTestApi, TEST_TOKENS, type TestApi } from '@pi-egress/testing';

const CERT = 'CERT-L';
const SENT = 'Alice.Smith@Example.com';
const NEVER_SENT = 'bob-never-sent@example.com';

describe('auditor subject lookup', () => {
  let api: TestApi;
  let logs = '';
  const lookup = (subjectId: string, year = 2026, role: 'auditor' | 'viewer' | 'ingest' = 'auditor') =>
    api.call(role, 'POST', '/v1/subjects/lookup', { certificateId: CERT, year, subjectId });

  beforeAll(async () => {
    const sink = new Writable({ write: (chunk, _encoding, done) => done(void (logs += String(chunk))) });
    api = await startTestApi({ logger: createLogger({ level: 'trace' }, sink) });
    await api.call('admin', 'PUT', `/v1/certificates/${CERT}`, makeCertificate({ certificateId: CERT }));
    const cert = { certificateId: CERT, processorId: 'P1' };
    await api.call('ingest', 'POST', '/v1/events', [
      makeEvent({ ...cert, occurredAt: '2026-03-05T01:00:00Z', categories: ['name'], subjects: [{ id: SENT }] }),
      makeEvent({ ...cert, occurredAt: '2026-04-01T01:00:00Z', categories: ['health'], subjects: [{ id: SENT.toLowerCase() }] }),
    ]);
  });
  afterAll(() => api.close());

  it('answers yes with the first-seen time and classes for a sent person, whatever the spelling of the id', async () => {
    const response = await lookup(`  ${SENT.toUpperCase()} `);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sent: true, firstSeenAt: '2026-03-05T01:00:00.000Z', classes: ['nonSensitive', 'sensitive'] });
  });

  it('answers no for another person, and for the sent person in another year', async () => {
    expect(await (await lookup(NEVER_SENT)).json()).toEqual({ sent: false, firstSeenAt: null, classes: [] });
    expect(await (await lookup(SENT, 2025)).json()).toEqual({ sent: false, firstSeenAt: null, classes: [] });
  });

  it('is for auditors only, and answers 400 for a bad request', async () => {
    expect((await lookup(SENT, 2026, 'viewer')).status).toBe(403);
    expect((await lookup(SENT, 2026, 'ingest')).status).toBe(403);
    expect((await api.call('auditor', 'POST', '/v1/subjects/lookup', { certificateId: CERT, year: 2026 })).status).toBe(400);
  });

  it('keeps nothing of the identifier in the logs or anywhere in the store, and audits the lookup without it', async () => {
    expect(logs).toContain('/v1/subjects/lookup'); // the requests were logged at trace level
    for (const secret of [SENT.toLowerCase(), NEVER_SENT, ...Object.values(TEST_TOKENS)]) expect(logs.toLowerCase()).not.toContain(secret);

    const client = api.ctx.store.client;
    const tables = await (
      await client.query({ query: 'SELECT name FROM system.tables WHERE database = currentDatabase()', format: 'JSONEachRow' })
    ).json<{ name: string }>();
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['audit_log', 'subject_first_seen', 'transfers']));
    const neverSentHash = pseudonymise(NEVER_SENT, 'api-test-subject-key');
    for (const { name } of tables) {
      const dump = (
        await (await client.query({ query: 'SELECT * FROM {table:Identifier}', query_params: { table: name }, format: 'TabSeparated' })).text()
      ).toLowerCase();
      for (const secret of [SENT.toLowerCase(), NEVER_SENT, neverSentHash]) expect(dump, `table ${name}`).not.toContain(secret);
    }
    const audit = await api.ctx.store.audit.entries([{ targetType: 'certificate', targetId: CERT }], new Date(0), new Date(Date.now() + 60_000));
    const lookups = audit.filter((e) => e.action === 'POST /v1/subjects/lookup');
    expect(lookups).toHaveLength(3);
    expect(lookups[0]).toMatchObject({ role: 'auditor', status: 200, detail: JSON.stringify({ params: {}, query: {}, year: 2026 }) });
  });
});
