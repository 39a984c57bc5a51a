import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { tokenOf, type TokenEntry } from './auth.js';
import { ApiError } from './errors.js';

export interface RateLimitOptions {
  /** Requests per minute per valid token (EGRESS_RATE_LIMIT_PER_MINUTE); 0 turns rate limiting off. */
  perTokenPerMinute: number;
  /** Requests per minute per client address without a valid token: slows token guessing. */
  anonymousPerMinute: number;
}

/** Generous for batch ingest and admission checks in a transfer's path; tight for unauthenticated callers. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perTokenPerMinute: 6_000, anonymousPerMinute: 120 };

/** Scrapes and probes are never limited. */
const UNLIMITED = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Per-client request limits (@fastify/rate-limit); excess gets 429. Installed as a root onRequest
 * hook so it runs before each route's role check: with the plugin's per-route mode a request
 * without a valid token would be answered 401 before ever being counted.
 */
export async function limitRequests(app: FastifyInstance, tokens: readonly TokenEntry[], options: RateLimitOptions): Promise<void> {
  if (options.perTokenPerMinute <= 0) return;
  await app.register(rateLimit, {
    global: false,
    timeWindow: 60_000,
    keyGenerator: (request) => {
      const token = tokenOf(tokens, request.headers.authorization);
      return token ? `token:${token.fingerprint}` : `address:${request.ip}`;
    },
    max: (_request, key) => (key.startsWith('token:') ? options.perTokenPerMinute : options.anonymousPerMinute),
    allowList: (request) => UNLIMITED.has(request.url.split('?')[0]!),
    errorResponseBuilder: (_request, context) =>
      new ApiError(context.statusCode, 'rate_limited', `rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`),
  });
  app.addHook('onRequest', app.rateLimit());
}
