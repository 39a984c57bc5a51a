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
  /** Names the token in the audit log without revealing it (a different hash than `digest`). */
  fingerprint: string;
}

const digest = (token: string) => createHash('sha256').update(token).digest();
const fingerprint = (token: string) => createHash('sha256').update(`pi-egress token fingerprint\0${token}`).digest('hex').slice(0, 16);

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
      return { role, digest: digest(token), fingerprint: fingerprint(token) };
    });
}

/** The entry of a bearer token, checking every entry so the time taken does not depend on which matched. */
export function tokenOf(tokens: readonly TokenEntry[], authorization: string | undefined): TokenEntry | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const presented = digest(match[1]!);
  let found: TokenEntry | undefined;
  for (const entry of tokens) if (timingSafeEqual(entry.digest, presented) && !found) found = entry;
  return found;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The role admitted to the route. */
    role?: Role;
    /** Who presented a valid token, admitted or not (for the audit log). */
    principal?: { role: Role; fingerprint: string };
  }
}

/** Marks a hook made by {@link requireRole} with the role it requires (route-guard.ts checks every route has one). */
export const REQUIRED_ROLE = Symbol('requiredRole');

/** An onRequest hook (runs before the body is read) admitting the roles that may use a route requiring `required`: 401 without a valid token, 403 for a wrong role. */
export function requireRole(tokens: readonly TokenEntry[], required: Role) {
  const hook = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = tokenOf(tokens, request.headers.authorization);
    if (!token) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'a valid bearer token is required' });
    }
    request.principal = { role: token.role, fingerprint: token.fingerprint };
    if (!ADMITTED[required].includes(token.role)) {
      return reply.code(403).send({ error: 'forbidden', message: `this route requires the ${required} role` });
    }
    request.role = token.role;
  };
  return Object.assign(hook, { [REQUIRED_ROLE]: required });
}

/** Roles admitted to a route requiring `required`. */
export function admittedRoles(required: Role): readonly Role[] {
  return ADMITTED[required];
}
