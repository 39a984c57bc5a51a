import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, startTestApi, subjects, type TestApi } from '@pi-egress/testing';

describe('HTTP API over real HTTP and the real engine', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ now: () => new Date('2027-01-05T00:00:00Z'), maxBodyBytes: 2 * 1024 * 1024 });
    const put = await api.call('admin', 'PUT', '/v1/certificates/CERT-1', makeCertificate({ groupId: 'G1' }));
    expect(put.status).toBe(200);
  });
  afterAll(() => api.close());

  it('refuses a missing token (401) and a wrong role (403) on every protected route', async () => {
    const routes: Array<[string, string, keyof typeof import('@pi-egress/testing').TEST_TOKENS]> = [
      ['PUT', '/v1/certificates/CERT-1', 'viewer'],
      ['PUT', '/v1/processors/P1', 'ingest'],
      ['GET', '/v1/certificates', 'ingest'],
      ['GET', '/v1/certificates/CERT-1', 'ingest'],
      ['POST', '/v1/events', 'viewer'],
      ['GET', '/v1/certificates/CERT-1/usage', 'ingest'],
      ['GET', '/v1/processors/P1/usage', 'ingest'],
      ['GET', '/v1/groups/G1/usage', 'ingest'],
    ];
    for (const [method, path, wrongRole] of routes) {
      const body = method === 'GET' ? undefined : {};
      expect((await api.call(null, method, path, body)).status, `${method} ${path} without token`).toBe(401);
      expect((await api.call(wrongRole, method, path, body)).status, `${method} ${path} as ${wrongRole}`).toBe(403);
    }
    const forged = await fetch(`${api.url}/v1/certificates`, { headers: { authorization: 'Bearer not-a-real-token-at-all' } });
    expect(forged.status).toBe(401);
  });

  it('answers 400 naming the field for an invalid scope', async () => {
    const response = await api.call(
      'admin',
      'PUT',
      '/v1/certificates/CERT-X',
      makeCertificate({
        certificateId: 'CERT-X',
        limits: { nonSensitive: 1_000_000, sensitive: 10 },
      }),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; details: string[] };
    expect(body.error).toBe('invalid_request');
    expect(body.details.join('\n')).toMatch(/limits\.nonSensitive/);
    const mismatch = await api.call('admin', 'PUT', '/v1/certificates/OTHER', makeCertificate());
    expect(mismatch.status).toBe(400);
  });

  it('answers 400 for a certificate declaring a recipient in mainland China, or a country code ISO 3166-1 does not assign', async () => {
    const put = async (recipients: unknown) => {
      const response = await api.call('admin', 'PUT', '/v1/certificates/CERT-CN', makeCertificate({ certificateId: 'CERT-CN', recipients }));
      return { status: response.status, reasons: ((await response.json()) as { details?: string[] }).details };
    };
    // The route names the field as recipients.0.country (its validator's path form).
    const cn = await put([{ id: 'R-SH', country: 'CN' }]);
    expect(cn.status).toBe(400);
    expect(cn.reasons).toEqual([
      expect.stringMatching(/^recipients\.0\.country: CN is mainland China: a recipient there is not an outbound transfer/),
    ]);
    const uk = await put([{ id: 'R-LON', country: 'UK' }]);
    expect(uk.status).toBe(400);
    expect(uk.reasons).toEqual([expect.stringMatching(/^recipients\.0\.country: UK is not an ISO 3166-1 alpha-2 code: use GB$/)]);
    expect((await put([{ id: 'R-HK', country: 'HK' }])).status).toBe(200);
  });

  it('counts the valid events of a batch and reports each invalid one with its index', async () => {
    const events = [
      makeEvent({ subjects: subjects(3, 'mixed') }),
      { ...makeEvent(), occurredAt: 'yesterday' },
      makeEvent({ subjects: subjects(2, 'mixed', 3) }),
      { ...makeEvent(), subjects: [{ id: 'secret-person@example.com', idHash: 'zz' }] },
    ];
    const response = await api.call('ingest', 'POST', '/v1/events', events);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { accepted: number; duplicates: number; rejected: Array<{ index: number; reason: string }> };
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => r.index)).toEqual([1, 3]);
    expect(body.rejected[0]!.reason).toMatch(/occurredAt/);
    expect(body.rejected[1]!.reason).toMatch(/subjects\[0\]/);
    expect(JSON.stringify(body)).not.toContain('secret-person');
  });

  it('takes NDJSON with broken lines and counts a resent event once', async () => {
    const event = makeEvent({ processorId: 'P-nd', certificateId: undefined, mechanism: 'standard_contract', subjects: subjects(4, 'nd') });
    const invalidUtf8 = Buffer.from([0xff, 0xfe, 0x7b, 0x7d]);
    const body = Buffer.concat([Buffer.from(`${JSON.stringify(event)}\n{not json\n`), invalidUtf8, Buffer.from(`\n${JSON.stringify(event)}\n`)]);
    const response = await api.call('ingest', 'POST', '/v1/events', body, { 'content-type': 'application/x-ndjson' });
    const result = (await response.json()) as { accepted: number; duplicates: number; rejected: Array<{ index: number; reason: string }> };
    expect(result).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(result.rejected).toEqual([
      { index: 1, code: 'not_json', reason: '(root): not valid JSON' },
      { index: 2, code: 'not_utf8', reason: '(root): not valid UTF-8' },
    ]);
    const usage = await (await api.call('viewer', 'GET', '/v1/processors/P-nd/usage?year=2026')).json();
    expect(usage).toMatchObject({ year: 2026, pathway: 'exempt', nonSensitive: { count: 4 }, sensitive: { count: 0 } });
  });

  it('puts the last millisecond of 2026 (China time) in 2026 and the next in 2027', async () => {
    const certificateId = 'CERT-YE';
    await api.call('admin', 'PUT', `/v1/certificates/${certificateId}`, makeCertificate({ certificateId, processorId: 'P-ye' }));
    const events = [
      makeEvent({ processorId: 'P-ye', certificateId, occurredAt: '2026-12-31T15:59:59.999Z', subjects: [{ id: 'late-2026' }] }),
      makeEvent({ processorId: 'P-ye', certificateId, occurredAt: '2026-12-31T16:00:00Z', subjects: [{ id: 'early-2027' }, { id: 'also-2027' }] }),
    ];
    expect((await api.call('ingest', 'POST', '/v1/events', events)).status).toBe(200);
    const y2026 = await (await api.call('viewer', 'GET', `/v1/certificates/${certificateId}/usage?year=2026`)).json();
    const y2027 = await (await api.call('viewer', 'GET', `/v1/certificates/${certificateId}/usage`)).json();
    expect(y2026).toMatchObject({ year: 2026, nonSensitive: { count: 1, cap: 500_000 } });
    expect(y2027).toMatchObject({ year: 2027, nonSensitive: { count: 2 } });
  });

  it('shows certificate, processor and group usage with caps, utilisation and pathway', async () => {
    await api.call('admin', 'PUT', '/v1/processors/P2', { groupId: 'G1' });
    const events = [
      makeEvent({ occurredAt: '2026-03-01T00:00:00Z', categories: ['name', 'health'], subjects: subjects(10, 'grp') }),
      makeEvent({
        processorId: 'P2',
        certificateId: undefined,
        mechanism: 'standard_contract',
        occurredAt: '2026-03-01T00:00:00Z',
        subjects: subjects(15, 'grp'),
      }),
      makeEvent({
        mechanism: 'exempt',
        exemptionBasis: 'emergency',
        certificateId: undefined,
        occurredAt: '2026-03-01T00:00:00Z',
        subjects: subjects(7, 'exempt'),
      }),
    ];
    expect((await api.call('ingest', 'POST', '/v1/events', events)).status).toBe(200);
    const certificate = (await (await api.call('viewer', 'GET', '/v1/certificates/CERT-1/usage?year=2026')).json()) as Record<string, any>;
    expect(certificate.pathway).toBe('standard_contract_or_certification'); // S ≥ 1
    expect(certificate.sensitive).toMatchObject({ count: 10, cap: 5_000, utilization: 10 / 5_000 });
    const group = (await (await api.call('auditor', 'GET', '/v1/groups/G1/usage?year=2026')).json()) as Record<string, any>;
    expect(group.nonSensitive.count).toBe(15 + (certificate.nonSensitive.count - 10)); // grp-0..14 once, plus P1's others
    expect(group.members.map((m: { processorId: string }) => m.processorId)).toEqual(['P1', 'P2']);
    expect(group.members[1]).toMatchObject({ processorId: 'P2', nonSensitive: { count: 15 }, sensitive: { count: 0 } });
  });

  it('answers 413 for a body over the limit, and serves health, metrics and the OpenAPI document', async () => {
    const huge = JSON.stringify([makeEvent({ subjects: subjects(100_000, 'huge') })]);
    expect((await api.call('ingest', 'POST', '/v1/events', huge)).status).toBe(413);
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${api.url}/readyz`)).json()).toMatchObject({ status: 'ready' });
    expect(await (await fetch(`${api.url}/metrics`)).text()).toMatch(/pi_egress_events_total\{result="accepted"\}/);
    const openapi = (await (await fetch(`${api.url}/docs/json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/v1/events', '/v1/certificates/{id}/usage']));
  });

  it('lists firing alerts for viewers and serves the runbooks the alerts link to', async () => {
    const alerts = await api.call('viewer', 'GET', '/v1/alerts');
    expect(alerts.status).toBe(200);
    expect(await alerts.json()).toEqual({ alerts: expect.any(Array) });
    const runbook = await fetch(`${api.url}/runbooks/ScopeCapExceeded.md`);
    expect(runbook.status).toBe(200);
    expect(runbook.headers.get('content-type')).toMatch(/text\/markdown/);
    expect(await runbook.text()).toMatch(/ScopeCapExceeded/);
    expect((await fetch(`${api.url}/runbooks/NoSuchAlert.md`)).status).toBe(404);
    expect((await fetch(`${api.url}/runbooks/..%2Fpackage.json`)).status).toBe(400);
  });
});
