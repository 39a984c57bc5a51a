import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, startTestApi, subjects, TEST_TOKENS, type TestApi } from '@pi-egress/testing';

/** How long the fuzzer runs: a fixed budget, not a number of runs, so the suite's time stays bounded. */
const BUDGET_MS = 20_000;
const REQUEST_TIMEOUT_MS = 10_000;

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};
interface Operation {
  parameters?: Array<{ in: 'path' | 'query'; name: string; schema: JsonSchema }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

/** Any UTF-16 code unit, lone surrogates and control characters included. */
const oddText = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 12 });
const anyText = fc.oneof(fc.string({ maxLength: 12 }), oddText, fc.constantFrom('CERT-1', 'P1', '2026', '', ' ', '__proto__', 'constructor'));

/** Values of a JSON Schema, mostly valid and sometimes anything at all. */
function arbitraryFor(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.jsonValue({ maxDepth: 2 });
  const typed = ((): fc.Arbitrary<unknown> => {
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const variants = schema.anyOf ?? schema.oneOf;
    if (variants) return fc.oneof(...variants.map((variant) => arbitraryFor(variant, depth + 1)));
    switch ([schema.type].flat()[0]) {
      case 'string':
        return anyText;
      case 'integer':
        return fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2026, 2_000_000_000));
      case 'number':
        return fc.oneof(fc.double(), fc.integer());
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(arbitraryFor(schema.items, depth + 1), { maxLength: 3 });
      case 'object': {
        const fields = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, field]) => [key, arbitraryFor(field, depth + 1)]));
        return fc
          .tuple(fc.record(fields, { requiredKeys: [] }), fc.dictionary(anyText, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }))
          .map(([known, extra]) => ({ ...extra, ...known }));
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  })();
  return fc.oneof({ weight: 8, arbitrary: typed }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }, { weight: 1, arbitrary: oddText });
}

/** Percent-encodes the UTF-8 of a string (a lone surrogate becomes U+FFFD), or sends raw broken escapes. */
const pathSegment = fc.oneof(
  { weight: 6, arbitrary: anyText.map((text) => [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%E0%A4%A', '%ED%A0%80', '%00', '..', '%2F') },
);

interface FuzzRequest {
  method: string;
  path: string;
  role: keyof typeof TEST_TOKENS | null;
  contentType: string;
  body: string | undefined;
}

function requestsOf(doc: { paths: Record<string, Record<string, Operation>> }): fc.Arbitrary<FuzzRequest> {
  const operations = Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
      const queryParams = (operation.parameters ?? []).filter((p) => p.in === 'query');
      const bodySchema = operation.requestBody?.content['application/json']?.schema;
      const path = fc
        .tuple(...pathParams.map(() => pathSegment))
        .map((segments) => pathParams.reduce((url, param, i) => url.replace(`{${param.name}}`, segments[i]!), template));
      const query = fc.array(
        fc.tuple(
          fc.oneof(fc.constantFrom(...queryParams.map((p) => p.name), 'year[]', 'x'), anyText),
          fc.oneof(arbitraryFor(queryParams[0]?.schema), anyText),
        ),
        { maxLength: 3 },
      );
      const body = bodySchema ? fc.option(arbitraryFor(bodySchema), { freq: 10 }) : fc.constant(null);
      return fc.record({
        method: fc.constant(method.toUpperCase()),
        path: fc.tuple(path, query).map(([base, pairs]) => {
          // URLSearchParams writes UTF-8: a lone surrogate goes out as U+FFFD.
          const search = new URLSearchParams(
            pairs.map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : (JSON.stringify(value) ?? '')]),
          );
          return search.size ? `${base}?${search}` : base;
        }),
        role: fc.constantFrom('admin', 'ingest', 'auditor', 'viewer', null),
        contentType: fc.constantFrom('application/json', 'application/json', 'application/json', 'application/x-ndjson', 'text/plain', ''),
        body: body.map((value) => (value === null ? undefined : JSON.stringify(value))),
      }) as fc.Arbitrary<FuzzRequest>;
    }),
  );
  return fc.oneof(...operations);
}

describe('a bounded schema-driven fuzzer against the running API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    expect((await api.call('admin', 'PUT', '/v1/certificates/CERT-1', makeCertificate())).status).toBe(200);
  });
  afterAll(() => api?.close());

  it(
    `answers ${BUDGET_MS / 1000} s of generated requests without a 5xx or a hang, and is still up after`,
    async () => {
      const doc = (await (await fetch(`${api.url}/docs/json`)).json()) as { paths: Record<string, Record<string, Operation>> };
      let requests = 0;
      const statuses: Record<number, number> = {};
      await fc.assert(
        fc.asyncProperty(requestsOf(doc), async (request) => {
          requests += 1;
          const headers: Record<string, string> = request.contentType ? { 'content-type': request.contentType } : {};
          if (request.role) headers.authorization = `Bearer ${TEST_TOKENS[request.role]}`;
          const response = await fetch(`${api.url}${request.path}`, {
            method: request.method,
            headers,
            ...(request.body !== undefined && request.method !== 'GET' ? { body: request.body } : {}),
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          const text = await response.text();
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          if (response.status >= 500) throw new Error(`${request.method} ${request.path} answered ${response.status}: ${text.slice(0, 300)}`);
          expect(text).not.toMatch(/FST_ERR/);
        }),
        { numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: BUDGET_MS },
      );
      expect(requests).toBeGreaterThan(100);
      // The generator reaches the handlers, not only the guards: some requests pass, some are refused as invalid.
      expect(statuses[200]).toBeGreaterThan(0);
      expect(statuses[400]).toBeGreaterThan(0);

      expect((await api.call(null, 'GET', '/healthz')).status).toBe(200);
      const posted = await api.call('ingest', 'POST', '/v1/events', [
        makeEvent({ processorId: 'P-after-fuzz', certificateId: undefined, mechanism: 'standard_contract', subjects: subjects(2, 'after-fuzz') }),
      ]);
      expect(await posted.json()).toMatchObject({ accepted: 1 });
      expect(await (await api.call('viewer', 'GET', '/v1/processors/P-after-fuzz/usage?year=2026')).json()).toMatchObject({
        nonSensitive: { count: 2 },
      });
    },
    BUDGET_MS + 60_000,
  );
});
