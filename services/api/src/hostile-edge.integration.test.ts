import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseUrl, makeCertificate, startTestApi, testApiForSuite, type TestApi } from '@pi-egress/testing';

/** Every error answer: exactly {error, message, details?}, a snake_case code, no framework code, nothing of the body echoed. */
async function expectErrorShape(response: Response, status: number, error?: string): Promise<{ error: string; message: string; details?: string[] }> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const text = await response.text();
  expect(text).not.toMatch(/FST_|ECHO-MARKER/);
  const body = JSON.parse(text) as { error: string; message: string; details?: string[] };
  expect(Object.keys(body).sort()).toEqual(body.details ? ['details', 'error', 'message'] : ['error', 'message']);
  expect(body.error).toMatch(/^[a-z][a-z0-9_]*$/);
  if (error) expect(body.error).toBe(error);
  return body;
}

async function sql(database: string, query: string): Promise<string> {
  const response = await fetch(`${clickhouseUrl()}/?database=${database}`, { method: 'POST', body: query });
  const text = await response.text();
  if (!response.ok) throw new Error(text);
  return text.trim();
}

describe('the API edge under hostile input', () => {
  let api: TestApi;
  let database: string;
  beforeAll(async () => {
    api = await startTestApi();
    database = (api.ctx.store as unknown as { database: string }).database;
    expect((await api.call('admin', 'PUT', '/v1/certificates/CERT-1', makeCertificate())).status).toBe(200);
  });
  afterAll(() => api?.close());

  it('answers malformed, empty, non-UTF-8 and __proto__-keyed admission bodies with 4xx in the error shape', async () => {
    const bodies: Array<[string, string | Uint8Array, Record<string, string>?]> = [
      ['malformed', '{"processorId": "ECHO-MARKER'],
      ['empty', ''],
      ['non-UTF-8', Buffer.concat([Buffer.from('{"processorId":"ECHO-MARKER'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])],
      ['__proto__ key', '{"__proto__": {"allowed": true}, "processorId": "ECHO-MARKER"}'],
      ['constructor.prototype', '{"constructor": {"prototype": {"allowed": true}}}'],
      ['null', 'null'],
      ['array', '[1,2]'],
      ['string', '"ECHO-MARKER"'],
      ['no content-type', 'x', { 'content-type': '' }],
    ];
    for (const [what, body, headers] of bodies) {
      const response = await api.call('ingest', 'POST', '/v1/admission', body, headers);
      expect(response.status, what).toBeGreaterThanOrEqual(400);
      expect(response.status, what).toBeLessThan(500);
      await expectErrorShape(response, response.status);
    }
  });

  it('takes query parameters only as scalars of the documented type', async () => {
    for (const query of ['year[]=2026', 'year=0x7EA', 'year=2026&year=2027', 'year=2026.0', 'year=+2026', 'year=', 'other=1']) {
      const body = await expectErrorShape(await api.call('viewer', 'GET', `/v1/certificates/CERT-1/usage?${query}`), 400, 'invalid_request');
      expect(body.details!.join(' '), query).toMatch(/^querystring\./);
    }
    expect((await api.call('viewer', 'GET', '/v1/certificates/CERT-1/usage?year=2026')).status).toBe(200);
    await expectErrorShape(await api.call('auditor', 'GET', '/v1/certificates/CERT-1/evidence?year[]=2026'), 400, 'invalid_request');
  });

  it('refuses ids with NUL, control characters or lone surrogates with 400, and they never reach the metrics', async () => {
    for (const id of ['A%00B', 'A%01B', 'A%7FB', 'A%C2%85B']) {
      for (const path of [`/v1/certificates/${id}`, `/v1/certificates/${id}/usage`, `/v1/processors/${id}/usage`, `/v1/groups/${id}/usage`]) {
        const body = await expectErrorShape(await api.call('admin', 'GET', path), 400, 'invalid_request');
        expect(body.message, path).toMatch(/control characters/);
      }
    }
    // A lone surrogate cannot be percent-encoded as UTF-8: the URL itself does not decode.
    await expectErrorShape(await api.call('viewer', 'GET', '/v1/certificates/A%ED%A0%80B/usage'), 400, 'invalid_url');
    const nul = makeCertificate({ certificateId: 'C\u0000D' });
    await expectErrorShape(await api.call('admin', 'PUT', '/v1/certificates/C%00D', nul), 400, 'invalid_request');
    const lone = await api.call('admin', 'PUT', '/v1/processors/P1', '{"groupId":"G\\ud800"}');
    expect((await expectErrorShape(lone, 400, 'invalid_request')).message).toMatch(/^groupId: /);
    const metrics = await (await api.call(null, 'GET', '/metrics')).text();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach the metrics text
    expect(metrics).not.toMatch(/[\u0000-\u0008\u007f]|\\u0000/);
  });

  it('answers unknown routes, wrong media types, oversized and unauthorised requests in the same shape', async () => {
    const notFound = await expectErrorShape(await api.call('viewer', 'GET', '/v1/nothing-here/ECHO-MARKER'), 404, 'not_found');
    expect(notFound.message).not.toContain('nothing-here');
    await expectErrorShape(await api.call('ingest', 'POST', '/v1/events', 'a,b', { 'content-type': 'text/csv' }), 415, 'unsupported_media_type');
    await expectErrorShape(await api.call(null, 'GET', '/v1/alerts'), 401, 'unauthorized');
    await expectErrorShape(await api.call('viewer', 'POST', '/v1/events', '[]'), 403, 'forbidden');
    await expectErrorShape(await api.call('ingest', 'POST', '/v1/events', '[1, ECHO-MARKER]'), 400, 'invalid_json');
    await expectErrorShape(await api.call('ingest', 'POST', '/v1/events', '[]'), 400, 'invalid_request');
    await expectErrorShape(await api.call('viewer', 'GET', '/v1/certificates/NOPE'), 404, 'not_found');
  });

  it('writes the audit entry of an auditor request with odd characters (refused 400 before any answer)', async () => {
    const before = Number(await sql(database, "SELECT count() FROM audit_log WHERE action = 'POST /v1/subjects/lookup'"));
    const lookup = await api.call('auditor', 'POST', '/v1/subjects/lookup', '{"certificateId":"CERT-\\ud800","year":2026,"subjectId":"someone"}');
    expect((await expectErrorShape(lookup, 400, 'invalid_request')).message).toMatch(/^certificateId: /);
    const rows = await sql(database, "SELECT status FROM audit_log WHERE action = 'POST /v1/subjects/lookup' ORDER BY at");
    expect(rows.split('\n').length).toBe(before + 1);
    expect(rows.split('\n').at(-1)).toBe('400');

    // An id with a control character in a path: recorded escaped, not dropped.
    await expectErrorShape(await api.call('admin', 'GET', '/v1/certificates/ODD%01ID'), 400);
    expect(await sql(database, "SELECT status FROM audit_log WHERE target_id = 'ODD\\\\u0001ID'")).toBe('400');
  });
});

describe('audit that cannot be skipped', () => {
  const api = testApiForSuite();

  it('withholds every admin and auditor answer with 503 while its audit entry cannot be written', async () => {
    expect((await api.call('admin', 'PUT', '/v1/certificates/CERT-1', makeCertificate())).status).toBe(200);
    const database = (api.ctx.store as unknown as { database: string }).database;
    await sql(database, 'RENAME TABLE audit_log TO audit_log_away');
    try {
      const scope = await api.call('admin', 'GET', '/v1/certificates/CERT-1');
      expect(await expectErrorShape(scope, 503, 'audit_unavailable')).toBeDefined();
      await expectErrorShape(await api.call('auditor', 'GET', '/v1/certificates/CERT-1/evidence?format=csv'), 503, 'audit_unavailable');
      await expectErrorShape(
        await api.call('auditor', 'POST', '/v1/subjects/lookup', { certificateId: 'CERT-1', year: 2026, subjectId: 'x' }),
        503,
        'audit_unavailable',
      );
      // Viewers are not audited: they are still answered.
      expect((await api.call('viewer', 'GET', '/v1/certificates/CERT-1')).status).toBe(200);
    } finally {
      await sql(database, 'RENAME TABLE audit_log_away TO audit_log');
    }
    expect((await api.call('admin', 'GET', '/v1/certificates/CERT-1')).status).toBe(200);
  });
});
