import type { FastifyInstance, RouteOptions } from 'fastify';
import { REQUIRED_ROLE, type Role } from './auth.js';

/** A registered route and the role it requires (undefined: public). */
export interface GuardedRoute {
  method: string;
  url: string;
  role: Role | undefined;
}

/** Routes open without a token: liveness, readiness, metrics (SPEC §6), the OpenAPI document, the alert runbooks. */
const PUBLIC = /^\/(?:healthz|readyz|metrics|docs(?:\/.*)?|runbooks\/.*)$/;

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, with the role it requires. */
    guardedRoutes: GuardedRoute[];
  }
}

function requiredRole(route: RouteOptions): Role | undefined {
  const hooks = [route.onRequest ?? []].flat() as unknown as Array<{ [REQUIRED_ROLE]?: Role }>;
  return hooks.find((hook) => hook[REQUIRED_ROLE] !== undefined)?.[REQUIRED_ROLE];
}

/**
 * Refuses to start with a route that checks no role unless it is one of the public ones, so a new
 * route cannot be exposed by forgetting its `onRequest: requireRole(...)`.
 */
export function guardRoutes(app: FastifyInstance): void {
  app.decorate('guardedRoutes', [] as GuardedRoute[]);
  app.addHook('onRoute', (route) => {
    const role = requiredRole(route);
    if (role === undefined && !PUBLIC.test(route.url)) {
      throw new Error(`route ${String(route.method)} ${route.url} checks no role: add onRequest: requireRole(tokens, role)`);
    }
    for (const method of [route.method].flat()) app.guardedRoutes.push({ method, url: route.url, role });
  });
}
