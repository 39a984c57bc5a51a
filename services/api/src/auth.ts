import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Roles of SPEC §6. `admin` may do everything; viewer routes are open to auditor and admin. */
export type Role = 'admin' | 'ingest' | 'auditor' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'ingest', 'auditor', 'viewer'];

/** Which roles a route requiring `role` admits. */
const ADMITTED: Record<Role, readonly Role[]> = {
  admin: ['admin'],
  ingest: ['ingest', 'admin'],
  auditor: ['auditor', 'admin'],
  viewer: ['viewer', 'auditor', 'admin'],
};

export interface TokenEntry {
  role: Role;
  /** SHA-256 of the token: compared in constant time, and the token itself is not kept. */
  digest: Buffer;
}

const digest = (token: string) => createHash('sha256').update(token).digest();

/** Parses `role:token,role:token` (EGRESS_TOKENS); a bad entry is a start-up error naming it. */
export function parseTokens(spec: string): TokenEntry[] {
  return spec
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, index) => {
      const colon = entry.indexOf(':');
      const role = entry.slice(0, colon) as Role;
      const token = entry.slice(colon + 1);
      if (colon < 1 || !ROLES.includes(role)) {
        throw new Error(`EGRESS_TOKENS entry ${index + 1}: expected role:token with role one of ${ROLES.join(', ')}`);
      }
      if (token.length < 16) throw new Error(`EGRESS_TOKENS entry ${index + 1}: token must be at least 16 characters`);
      return { role, digest: digest(token) };
    });
}

/** The role of a bearer token, checking every entry so the time taken does not depend on which matched. */
export function roleOf(tokens: readonly TokenEntry[], authorization: string | undefined): Role | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const presented = digest(match[1]!);
  let role: Role | undefined;
  for (const entry of tokens) if (timingSafeEqual(entry.digest, presented) && !role) role = entry.role;
  return role;
}

declare module 'fastify' {
  interface FastifyRequest {
    role?: Role;
  }
}

/** An onRequest hook (runs before the body is read) admitting the roles that may use a route requiring `required`: 401 without a valid token, 403 for a wrong role. */
export function requireRole(tokens: readonly TokenEntry[], required: Role) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const role = roleOf(tokens, request.headers.authorization);
    if (!role) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'a valid bearer token is required' });
    }
    if (!ADMITTED[required].includes(role)) {
      return reply.code(403).send({ error: 'forbidden', message: `this route requires the ${required} role` });
    }
    request.role = role;
  };
}
