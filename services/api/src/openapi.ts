import type { FastifyInstance } from 'fastify';

/** The tags of the OpenAPI document, each route in one. */
export const API_TAGS = [
  { name: 'certificates', description: 'Declared certificate scopes (SPEC §4): admin writes, viewers read' },
  {
    name: 'instruments',
    description: 'Instruments of the three pathways (PIPL Art. 38): certificates, standard-contract filings, security-assessment approvals',
  },
  { name: 'processors', description: 'Processor settings: group, CII status, whether exempt transfers count' },
  { name: 'events', description: 'HTTP ingest of egress events (SPEC §3)' },
  { name: 'usage', description: 'Distinct individuals per class this calendar year at the three counting levels' },
  { name: 'alerts', description: 'Firing alerts (SPEC §5)' },
  { name: 'incidents', description: 'Breaches on record until an admin acknowledges them' },
  { name: 'evidence', description: "The auditor's signed evidence pack and subject lookup" },
  { name: 'admission', description: 'Pre-transfer checks against the scope and caps' },
  { name: 'operations', description: 'Liveness, readiness, metrics and runbooks: no token' },
];

/** GET /v1/certificates/:id/usage → getV1CertificatesIdUsage. */
export function operationIdOf(method: string, url: string): string {
  const words = url.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return method.toLowerCase() + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

/** Gives every documented route an operationId derived from its method and path (stable, unique). */
export function nameOperations(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.schema || route.schema.hide) return;
    const method = [route.method].flat()[0]!;
    if (method === 'HEAD') return;
    route.schema = { ...route.schema, operationId: (route.schema as { operationId?: string }).operationId ?? operationIdOf(method, route.url) };
  });
}
