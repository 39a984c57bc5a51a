import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseUrl, makeCertificate, makeEvent, openTestStore, startTestApi, subjects, type TEST_TOKENS, type TestApi } from '@pi-egress/testing';

type Role = keyof typeof TEST_TOKENS | null;
type Call = () => Promise<Response>;
interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
}

/** A TCP proxy to the engine that can be cut: the store then becomes unreachable for real. */
async function cuttableProxy(target: URL): Promise<{ url: string; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    if (cut) return client.destroy();
    const upstream = createConnection(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut() {
      cut = true;
      for (const socket of sockets) socket.destroy();
      server.close();
    },
    close: () => new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
  };
}

const BIG = JSON.stringify([makeEvent({ subjects: subjects(12_000, 'big') })]); // > 256 KiB
const CSV = { 'content-type': 'text/csv' };

describe('the API answers every documented route and status as documented', () => {
  let api: TestApi;
  let limited: TestApi;
  let broken: TestApi;
  let proxy: Awaited<ReturnType<typeof cuttableProxy>>;
  let doc: OpenApiDocument;
  let incidentId: string;

  beforeAll(async () => {
    api = await startTestApi({ maxBodyBytes: 256 * 1024 });
    limited = await startTestApi({ rateLimit: { perTokenPerMinute: 1, anonymousPerMinute: 1 } });
    proxy = await cuttableProxy(new URL(clickhouseUrl()));
    broken = await startTestApi({ store: await openTestStore({ url: proxy.url }), storeUnreachableLimitMs: 300 });
    const brokenOpenedAt = Date.now();
    doc = (await (await fetch(`${api.url}/docs/json`)).json()) as OpenApiDocument;
    expect((await api.call('admin', 'PUT', '/v1/certificates/CERT-1', makeCertificate())).status).toBe(200);
    const seeded = await api.call('ingest', 'POST', '/v1/events', [
      makeEvent({ occurredAt: '2026-07-01T00:00:00Z', subjects: subjects(3, 'contract') }),
    ]);
    expect(seeded.status).toBe(200);
    const [opened] = await api.ctx.store.incidents.open([
      {
        year: 2026,
        alertname: 'ScopeCapExceeded',
        fingerprint: 'contract',
        labels: { certificate_id: 'CERT-1' },
        summary: 'contract test',
        openedAt: new Date(),
      },
    ]);
    incidentId = opened!.incidentId;
    proxy.cut();
    // Past the unreachable bound of `broken`, and past the 5 s for which its scope registry answers from memory.
    await new Promise((resolve) => setTimeout(resolve, Math.max(1_000, 5_500 - (Date.now() - brokenOpenedAt))));
  });
  afterAll(async () => {
    await Promise.all([api?.close(), limited?.close(), broken?.app.close()]);
    await proxy?.close();
  });

  /** The statuses every guarded route answers the same way, given a valid request and the roles. */
  function guarded(
    role: Exclude<Role, null>,
    wrongRole: Exclude<Role, null>,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) {
    return {
      401: () => api.call(null, method, path, body, headers),
      403: () => api.call(wrongRole, method, path, body, headers),
      429: async () => {
        await limited.call(role, method, path, body, headers);
        return limited.call(role, method, path, body, headers);
      },
      503: () => broken.call(role, method, path, body, headers),
    } satisfies Record<number, Call>;
  }
  const withBody = (role: Exclude<Role, null>, method: string, path: string) => ({
    413: () => api.call(role, method, path, BIG),
    415: () => api.call(role, method, path, 'a,b', CSV),
  });

  /** The replays of a read by `role` (`wrongRole` is refused): 200 and the guards on `path`, 400 on `bad`, 404 on `missing` when given. */
  const read = (role: Exclude<Role, null>, wrongRole: Exclude<Role, null>, path: string, bad: string, missing?: string, guardPath = path) => {
    const replays: Record<number, Call> = {
      200: () => api.call(role, 'GET', path),
      400: () => api.call(role, 'GET', bad),
      ...guarded(role, wrongRole, 'GET', guardPath),
    };
    if (missing !== undefined) replays[404] = () => api.call(role, 'GET', missing);
    return replays;
  };

  const lookup = { certificateId: 'CERT-1', year: 2026, subjectId: 'contract-0@example.com' };
  const { certificateId: _certificateId, issuedBy: _issuedBy, validTo: _validTo, ...sccScope } = makeCertificate();
  const contract = { ...sccScope, kind: 'standard_contract', instrumentId: 'SCC-1' };
  const proposal = { ...makeEvent({ subjects: subjects(1, 'proposal') }), eventId: undefined };
  const cases = (): Record<string, Record<number, Call>> => ({
    'GET /healthz': { 200: () => api.call(null, 'GET', '/healthz'), 503: () => broken.call(null, 'GET', '/healthz') },
    'GET /readyz': { 200: () => api.call(null, 'GET', '/readyz'), 503: () => broken.call(null, 'GET', '/readyz') },
    'GET /metrics': { 200: () => api.call(null, 'GET', '/metrics') },
    'GET /runbooks/{name}': {
      200: () => api.call(null, 'GET', '/runbooks/IngestStalled.md'),
      400: () => api.call(null, 'GET', '/runbooks/..%2Fsecret'),
      404: () => api.call(null, 'GET', '/runbooks/Nothing.md'),
      429: async () => {
        await limited.call(null, 'GET', '/runbooks/IngestStalled.md');
        return limited.call(null, 'GET', '/runbooks/IngestStalled.md');
      },
    },
    'PUT /v1/certificates/{id}': {
      200: () => api.call('admin', 'PUT', '/v1/certificates/CERT-1', makeCertificate()),
      400: () => api.call('admin', 'PUT', '/v1/certificates/OTHER', makeCertificate()),
      ...guarded('admin', 'viewer', 'PUT', '/v1/certificates/CERT-1', makeCertificate()),
      ...withBody('admin', 'PUT', '/v1/certificates/CERT-1'),
    },
    'GET /v1/certificates/{id}': read('viewer', 'ingest', '/v1/certificates/CERT-1', '/v1/certificates/A%01B', '/v1/certificates/NOPE'),
    'GET /v1/certificates': read('viewer', 'ingest', '/v1/certificates', '/v1/certificates?page=2'),
    'GET /v1/certificates/{id}/versions': read(
      'viewer',
      'ingest',
      '/v1/certificates/CERT-1/versions',
      '/v1/certificates/%01/versions',
      '/v1/certificates/NOPE/versions',
    ),
    'PUT /v1/instruments/{id}': {
      200: () => api.call('admin', 'PUT', '/v1/instruments/SCC-1', contract),
      400: () => api.call('admin', 'PUT', '/v1/instruments/OTHER', contract),
      ...guarded('admin', 'viewer', 'PUT', '/v1/instruments/SCC-1', contract),
      ...withBody('admin', 'PUT', '/v1/instruments/SCC-1'),
    },
    'GET /v1/instruments': read(
      'viewer',
      'ingest',
      '/v1/instruments?kind=standard_contract&processorId=P1',
      '/v1/instruments?kind=treaty',
      undefined,
      '/v1/instruments',
    ),
    'GET /v1/instruments/{id}': read('viewer', 'ingest', '/v1/instruments/CERT-1', '/v1/instruments/A%01B', '/v1/instruments/NOPE'),
    'GET /v1/instruments/{id}/usage': read(
      'viewer',
      'ingest',
      '/v1/instruments/CERT-1/usage?year=2026',
      '/v1/instruments/CERT-1/usage?year=0x7EA',
      '/v1/instruments/NOPE/usage',
      '/v1/instruments/CERT-1/usage',
    ),
    'GET /v1/instruments/{id}/evidence': read(
      'auditor',
      'viewer',
      '/v1/instruments/CERT-1/evidence?year=2026',
      '/v1/instruments/CERT-1/evidence?format=xml',
      '/v1/instruments/NOPE/evidence',
      '/v1/instruments/CERT-1/evidence',
    ),
    'GET /v1/incidents': read('viewer', 'ingest', '/v1/incidents?year=2026&status=open', '/v1/incidents?status=closed', undefined, '/v1/incidents'),
    'POST /v1/incidents/{id}/acknowledge': {
      200: () => api.call('admin', 'POST', `/v1/incidents/${encodeURIComponent(incidentId)}/acknowledge`, { note: 'cap raised after review' }),
      400: () => api.call('admin', 'POST', `/v1/incidents/${encodeURIComponent(incidentId)}/acknowledge`, { note: ' ' }),
      404: () => api.call('admin', 'POST', '/v1/incidents/NOPE/acknowledge', { note: 'x' }),
      ...guarded('admin', 'viewer', 'POST', '/v1/incidents/I1/acknowledge', { note: 'x' }),
      ...withBody('admin', 'POST', '/v1/incidents/I1/acknowledge'),
    },
    'PUT /v1/processors/{id}': {
      200: () => api.call('admin', 'PUT', '/v1/processors/P1', { countExempt: false }),
      400: () => api.call('admin', 'PUT', '/v1/processors/P1', { countExempt: 'no' }),
      ...guarded('admin', 'viewer', 'PUT', '/v1/processors/P1', {}),
      ...withBody('admin', 'PUT', '/v1/processors/P1'),
    },
    'POST /v1/events': {
      200: () => api.call('ingest', 'POST', '/v1/events', `${JSON.stringify(makeEvent())}\n{"broken`, { 'content-type': 'application/x-ndjson' }),
      400: () => api.call('ingest', 'POST', '/v1/events', []),
      ...guarded('ingest', 'viewer', 'POST', '/v1/events', [makeEvent()]),
      ...withBody('ingest', 'POST', '/v1/events'),
    },
    'GET /v1/certificates/{id}/usage': read(
      'viewer',
      'ingest',
      '/v1/certificates/CERT-1/usage?year=2026',
      '/v1/certificates/CERT-1/usage?year=0x7EA',
      '/v1/certificates/NOPE/usage',
      '/v1/certificates/CERT-1/usage',
    ),
    'GET /v1/processors/{id}/usage': read(
      'viewer',
      'ingest',
      '/v1/processors/P1/usage?year=2026',
      '/v1/processors/P1/usage?year[]=2026',
      undefined,
      '/v1/processors/P1/usage',
    ),
    'GET /v1/groups/{id}/usage': read('viewer', 'ingest', '/v1/groups/G1/usage', '/v1/groups/G%00/usage'),
    'GET /v1/alerts': read('viewer', 'ingest', '/v1/alerts', '/v1/alerts?state=firing'),
    'GET /v1/certificates/{id}/evidence': read(
      'auditor',
      'viewer',
      '/v1/certificates/CERT-1/evidence?year=2026',
      '/v1/certificates/CERT-1/evidence?format=xml',
      '/v1/certificates/NOPE/evidence',
      '/v1/certificates/CERT-1/evidence',
    ),
    'GET /v1/certificates/{id}/report': read(
      'auditor',
      'viewer',
      '/v1/certificates/CERT-1/report?year=2026&format=html&lang=en',
      '/v1/certificates/CERT-1/report?format=docx',
      '/v1/certificates/NOPE/report?format=html',
      '/v1/certificates/CERT-1/report?format=html',
    ),
    'POST /v1/subjects/lookup': {
      200: () => api.call('auditor', 'POST', '/v1/subjects/lookup', lookup),
      400: () => api.call('auditor', 'POST', '/v1/subjects/lookup', { ...lookup, year: '2026' }),
      ...guarded('auditor', 'viewer', 'POST', '/v1/subjects/lookup', lookup),
      ...withBody('auditor', 'POST', '/v1/subjects/lookup'),
    },
    'POST /v1/admission': {
      200: () => api.call('ingest', 'POST', '/v1/admission', proposal),
      400: () => api.call('ingest', 'POST', '/v1/admission', { ...proposal, subjects: [] }),
      ...guarded('ingest', 'viewer', 'POST', '/v1/admission', proposal),
      ...withBody('ingest', 'POST', '/v1/admission'),
    },
  });

  it('has a request for every documented route and status, and nothing undocumented', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        Object.keys(operation.responses).map((status) => `${method.toUpperCase()} ${path} ${status}`),
      ),
    );
    const replayed = Object.entries(cases()).flatMap(([route, statuses]) => Object.keys(statuses).map((status) => `${route} ${status}`));
    expect(replayed.sort()).toEqual(documented.sort());
  });

  it('answers each with the documented status and a body matching the documented schema', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const mismatches: string[] = [];
    for (const [route, statuses] of Object.entries(cases())) {
      const [method, path] = route.split(' ') as [string, string];
      for (const [status, call] of Object.entries(statuses)) {
        const response = await call();
        const where = `${route} ${status}`;
        if (String(response.status) !== status) {
          mismatches.push(`${where}: answered ${response.status} ${(await response.text()).slice(0, 200)}`);
          continue;
        }
        const jsonSchema = doc.paths[path]![method.toLowerCase()]!.responses[status]!.content?.['application/json']?.schema;
        if (!jsonSchema || !response.headers.get('content-type')?.startsWith('application/json')) continue;
        const validate = ajv.compile(jsonSchema);
        if (!validate(await response.json())) mismatches.push(`${where}: body does not match the schema: ${ajv.errorsText(validate.errors)}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);
});
