import type { AuditTarget, Store } from '@pi-egress/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { escapeOddCharacters } from './params.js';

/** Roles whose every request is audited (SPEC §6; Issue 5: admin and auditor actions). */
const AUDITED_ROLES = new Set(['admin', 'auditor']);

/** Path prefix → what a `:id` parameter names. */
const TARGETS: ReadonlyArray<[RegExp, AuditTarget['targetType']]> = [
  [/^\/v1\/certificates\/:id/, 'certificate'],
  [/^\/v1\/processors\/:id/, 'processor'],
  [/^\/v1\/groups\/:id/, 'group'],
  [/^\/v1\/incidents\/:id/, 'incident'],
];

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by a route whose target or detail is in its body (never a subject id). */
    audit?: Partial<AuditTarget> & { detail?: Record<string, unknown> };
  }
}

function targetOf(request: FastifyRequest): AuditTarget {
  const url = request.routeOptions.url ?? '';
  const id = (request.params as { id?: unknown } | undefined)?.id;
  const match = TARGETS.find(([prefix]) => prefix.test(url));
  const fromPath: AuditTarget = match && typeof id === 'string' ? { targetType: match[1], targetId: id } : { targetType: '', targetId: '' };
  return { targetType: request.audit?.targetType ?? fromPath.targetType, targetId: request.audit?.targetId ?? fromPath.targetId };
}

/** What an audited request gets instead of its answer when its audit entry cannot be written. */
const AUDIT_FAILED = JSON.stringify({
  error: 'audit_unavailable',
  message: 'the audit entry of this request could not be written, so it is not answered; retry later',
});

/**
 * Records every request of an admin or auditor token (who: role and token fingerprint; when:
 * server time; what: method, route, path parameters, query, status) before the response leaves,
 * so that an entry exists for every answer given: when the entry cannot be written the answer is
 * withheld and the request fails with 503 (fail closed). Bodies are never recorded.
 */
export function auditActions(app: FastifyInstance, store: Store): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const principal = request.principal;
    if (!principal || !AUDITED_ROLES.has(principal.role)) return payload;
    const { targetType, targetId } = targetOf(request);
    const detail = { params: request.params ?? {}, query: request.query ?? {}, ...request.audit?.detail };
    try {
      await store.audit.record({
        requestId: randomUUID(),
        role: principal.role,
        tokenFingerprint: principal.fingerprint,
        action: `${request.method} ${request.routeOptions.url ?? request.url}`,
        targetType,
        // A refused request may name an id with NUL or a lone surrogate: recorded escaped, never dropped.
        targetId: escapeOddCharacters(targetId),
        status: reply.statusCode,
        remoteAddress: request.ip,
        detail: JSON.stringify(detail),
      });
    } catch (error) {
      request.log.error({ err: error }, 'audit log write failed: answering 503 instead');
      reply.code(503).type('application/json; charset=utf-8').removeHeader('content-disposition');
      return AUDIT_FAILED;
    }
    return payload;
  });
}
