import { forSuite } from './suite.js';
import { buildApi, parseTokens, type RateLimitOptions } from '@pi-egress/api';
import { createLogger, type Logger } from '@pi-egress/config';
import { createMetrics, ephemeralEvidenceKey, type EvidenceKey, type MonitorContext } from '@pi-egress/core';
import { CategoryCatalogue } from '@pi-egress/domain';
import type { Store } from '@pi-egress/store';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { openTestStore } from './store.js';

export const TEST_TOKENS = {
  admin: 'admin-token-0123456789',
  ingest: 'ingest-token-0123456789',
  auditor: 'auditor-token-0123456789',
  viewer: 'viewer-token-0123456789',
};

export interface TestApi {
  app: FastifyInstance;
  url: string;
  ctx: MonitorContext;
  /** Signs this API's evidence packs. */
  evidenceKey: EvidenceKey;
  /** fetch with the token of `role` (or none) against the running API. */
  call(role: keyof typeof TEST_TOKENS | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** The real API on a real port, over `options.store` or a store on a fresh database of the real engine. */
export async function startTestApi(
  options: {
    now?: () => Date;
    maxBodyBytes?: number;
    rateLimit?: RateLimitOptions;
    logger?: Logger;
    store?: Store;
    storeUnreachableLimitMs?: number;
    chromiumPath?: string;
  } = {},
): Promise<TestApi> {
  const store = options.store ?? (await openTestStore());
  const ctx: MonitorContext = {
    store,
    catalogue: new CategoryCatalogue(),
    subjectKey: 'api-test-subject-key',
    now: options.now ?? (() => new Date()),
  };
  const evidenceKey = ephemeralEvidenceKey();
  const app = await buildApi({
    ctx,
    evidenceKey,
    // Off unless a test is about it: suites share one client address.
    rateLimit: options.rateLimit ?? { perTokenPerMinute: 0, anonymousPerMinute: 0 },
    metrics: createMetrics(new Registry()),
    logger: options.logger ?? createLogger({ level: 'silent' }),
    tokens: parseTokens(
      Object.entries(TEST_TOKENS)
        .map(([role, token]) => `${role}:${token}`)
        .join(','),
    ),
    maxBodyBytes: options.maxBodyBytes ?? 32 * 1024 * 1024,
    ...(options.storeUnreachableLimitMs ? { storeUnreachableLimitMs: options.storeUnreachableLimitMs } : {}),
    ...(options.chromiumPath ? { chromiumPath: options.chromiumPath } : {}),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url,
    ctx,
    evidenceKey,
    call(role, method, path, body, headers = {}) {
      const auth: Record<string, string> = role ? { authorization: `Bearer ${TEST_TOKENS[role]}` } : {};
      const init: RequestInit = { method, headers: { ...auth, ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      return fetch(`${url}${path}`, init);
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** The test API of a describe block (see {@link forSuite}). */
export const testApiForSuite = (options?: Parameters<typeof startTestApi>[0]): TestApi =>
  forSuite(
    () => startTestApi(options),
    (api) => api.close(),
  );
