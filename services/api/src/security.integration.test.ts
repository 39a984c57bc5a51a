import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, startTestApi, subjects, TEST_TOKENS, type TestApi } from '@pi-egress/testing';
import { admittedRoles, ROLES, type Role } from './auth.js';

/**
 * SPEC §6: the role of every protected route. A new /v1 route fails this test until it is added
 * here, so that its role is a reviewed decision.
 */
const SPEC_ROLES: Record<string, Role> = {
  'PUT /v1/certificates/:id': 'admin',
  'PUT /v1/instruments/:id': 'admin',
  'GET /v1/instruments': 'viewer',
  'GET /v1/instruments/:id': 'viewer',
  'GET /v1/instruments/:id/usage': 'viewer',
  'GET /v1/instruments/:id/evidence': 'auditor',
  'PUT /v1/processors/:id': 'admin',
  'GET /v1/certificates': 'viewer',
  'GET /v1/certificates/:id': 'viewer',
  'POST /v1/events': 'ingest',
  'GET /v1/certificates/:id/usage': 'viewer',
  'GET /v1/processors/:id/usage': 'viewer',
  'GET /v1/groups/:id/usage': 'viewer',
  'POST /v1/admission': 'ingest',
  'GET /v1/certificates/:id/evidence': 'auditor',
  'GET /v1/certificates/:id/report': 'auditor',
  'POST /v1/subjects/lookup': 'auditor',
  'GET /v1/alerts': 'viewer',
  'GET /v1/certificates/:id/versions': 'viewer',
  'GET /v1/incidents': 'viewer',
  'POST /v1/incidents/:id/acknowledge': 'admin',
};

const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, 'X1').replace('*', 'x');

describe('the security of the API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ maxBodyBytes: 1024 * 1024 });
    await api.call('admin', 'PUT', '/v1/certificates/CERT-1', makeCertificate());
  });
  afterAll(() => api.close());

  it('refuses every registered route without a token (401) and for every wrong role (403)', async () => {
    const routes = api.app.guardedRoutes.filter((r) => r.url.startsWith('/v1'));
    expect(routes.length).toBeGreaterThanOrEqual(Object.keys(SPEC_ROLES).length);
    for (const { method, url, role } of routes) {
      const name = `${method} ${url}`;
      const expected = SPEC_ROLES[`${method === 'HEAD' ? 'GET' : method} ${url}`];
      expect(expected, `${name} is not in SPEC_ROLES: decide its role and add it`).toBeDefined();
      expect(role, name).toBe(expected);
      const body = method === 'GET' || method === 'HEAD' ? undefined : {};
      const path = concrete(url);
      expect((await api.call(null, method, path, body)).status, `${name} without a token`).toBe(401);
      const forged = await fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${TEST_TOKENS.admin}x` } });
      expect(forged.status, `${name} with a forged token`).toBe(401);
      for (const other of ROLES) {
        const status = (await api.call(other, method, path, body)).status;
        if (admittedRoles(expected!).includes(other)) expect([401, 403], `${name} as ${other}`).not.toContain(status);
        else expect(status, `${name} as ${other}`).toBe(403);
      }
    }
    for (const { url } of api.app.guardedRoutes.filter((r) => r.role === undefined)) expect(url).toMatch(/^\/(healthz|readyz|metrics|docs|runbooks)/);
  });

  it('answers 413 for a body over the limit on every route that takes one', async () => {
    const huge = JSON.stringify([makeEvent({ subjects: subjects(40_000, 'huge') })]);
    expect((await api.call('ingest', 'POST', '/v1/events', huge)).status).toBe(413);
    expect((await api.call('ingest', 'POST', '/v1/admission', huge)).status).toBe(413);
    const bigLookup = { certificateId: 'CERT-1', year: 2026, subjectId: 'x'.repeat(20_000) };
    expect((await api.call('auditor', 'POST', '/v1/subjects/lookup', bigLookup)).status).toBe(413);
  });

  it('answers 4xx to deep nesting, prototype poisoning, invalid UTF-8 and a wrong content type', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const deepEvent = `[${JSON.stringify(makeEvent()).slice(0, -1)},"recipient":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}]`;
    const deepPoisoned = `[${'{"a":'.repeat(100_000)}{"__proto__":1}${'}'.repeat(100_000)}]`;
    for (const [path, body] of [
      ['/v1/events', deep],
      ['/v1/admission', deep],
      ['/v1/events', deepEvent],
      ['/v1/events', deepPoisoned],
    ] as const) {
      const response = await api.call('ingest', 'POST', path, body);
      expect(response.status, path).toBeLessThan(500);
      if (response.status === 200) expect(((await response.json()) as { accepted: number }).accepted).toBe(0);
    }
    const poisoned = await api.call('ingest', 'POST', '/v1/events', '[{"__proto__": {"admin": true}}]');
    expect(poisoned.status).toBe(400);
    expect(await poisoned.json()).toEqual({
      error: 'invalid_json',
      message: 'the body has a __proto__ key or a constructor.prototype, which are refused (prototype poisoning); nothing was stored',
    });
    const invalidUtf8 = Buffer.concat([Buffer.from('[{"eventId":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}]')]);
    const notUtf8 = await api.call('ingest', 'POST', '/v1/events', invalidUtf8);
    expect(notUtf8.status).toBe(400);
    expect(await notUtf8.json()).toEqual({ error: 'invalid_utf8', message: 'the body is not valid UTF-8' });
    expect((await api.call('ingest', 'POST', '/v1/events', 'a,b', { 'content-type': 'text/csv' })).status).toBe(415);
  });

  it('treats SQL fragments in ids as plain data', async () => {
    const id = "CERT'); DROP TABLE transfers; --";
    const path = `/v1/certificates/${encodeURIComponent(id)}`;
    expect((await api.call('admin', 'PUT', path, makeCertificate({ certificateId: id, processorId: "P' OR 1=1 --" }))).status).toBe(200);
    expect(await (await api.call('viewer', 'GET', path)).json()).toMatchObject({ certificateId: id });
    const event = makeEvent({ eventId: "e' UNION SELECT 1 --", processorId: "P' OR 1=1 --", certificateId: id, purpose: '1; DROP DATABASE default' });
    expect(await (await api.call('ingest', 'POST', '/v1/events', [event])).json()).toMatchObject({ accepted: 1 });
    expect(await (await api.call('viewer', 'GET', `${path}/usage?year=2026`)).json()).toMatchObject({ nonSensitive: { count: 1 } });
    expect((await api.call('auditor', 'GET', `${path}/evidence?year=2026`)).status).toBe(200);
    const lookup = await api.call('auditor', 'POST', '/v1/subjects/lookup', { certificateId: "x' OR '1'='1", year: 2026, subjectId: "' OR 1=1 --" });
    expect(await lookup.json()).toMatchObject({ sent: false });
    expect(await (await api.call('viewer', 'GET', '/v1/processors/P1/usage?year=2026')).json()).toMatchObject({ nonSensitive: { count: 0 } });
  });

  it('rejects 10,000 malformed events one by one and stays up: health is fine and a valid event still counts', async () => {
    const malformed = Array.from({ length: 10_000 }, (_, i) =>
      i % 3 === 0 ? { eventId: `bad-${i}` } : i % 3 === 1 ? 42 : { ...makeEvent(), subjects: 'nope' },
    );
    const response = await api.call('ingest', 'POST', '/v1/events', malformed);
    expect(response.status).toBe(200);
    const report = (await response.json()) as { accepted: number; rejected: Array<{ index: number }>; rejectedCount: number };
    expect(report.accepted).toBe(0);
    // The first 1,000 are listed, in batch order; the count covers them all.
    expect(report.rejected.map((r) => r.index)).toEqual(malformed.slice(0, 1_000).map((_, i) => i));
    expect(report.rejectedCount).toBe(10_000);
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect(
      await (
        await api.call('ingest', 'POST', '/v1/events', [
          makeEvent({ processorId: 'P-alive', certificateId: undefined, mechanism: 'standard_contract', subjects: subjects(2, 'alive') }),
        ])
      ).json(),
    ).toMatchObject({ accepted: 1 });
    expect(await (await api.call('viewer', 'GET', '/v1/processors/P-alive/usage?year=2026')).json()).toMatchObject({ nonSensitive: { count: 2 } });
  });
});

describe('rate limiting', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ rateLimit: { perTokenPerMinute: 5, anonymousPerMinute: 3 } });
  });
  afterAll(() => api.close());

  it('gives each token its own budget, anonymous callers a smaller one, and never limits health or metrics', async () => {
    const viewer = await Promise.all(Array.from({ length: 7 }, () => api.call('viewer', 'GET', '/v1/certificates')));
    expect(viewer.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(await viewer[6]!.json()).toMatchObject({ error: 'rate_limited' });
    expect((await api.call('auditor', 'GET', '/v1/certificates')).status).toBe(200);
    const anonymous = [];
    for (let i = 0; i < 4; i += 1) anonymous.push((await api.call(null, 'GET', '/v1/certificates')).status);
    expect(anonymous).toEqual([401, 401, 401, 429]);
    for (let i = 0; i < 10; i += 1) expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${api.url}/metrics`)).status).toBe(200);
  });
});
