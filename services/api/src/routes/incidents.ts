import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import { ApiError } from '../errors.js';
import type { ApiOptions } from '../options.js';
import { idParams, refuseOddText, yearParam } from '../params.js';
import { responses } from '../responses.js';

const incidentsQuery = z.strictObject({
  year: yearParam.optional().describe('Counting year (China time) the breach is about'),
  status: z.enum(['open', 'acknowledged']).optional(),
});
const acknowledgeBody = z.strictObject({ note: z.string().trim().min(1).max(2_000).describe('What was done about the breach') });

const incident = z.looseObject({
  incidentId: z.string(),
  year: z.int(),
  alertname: z.string(),
  labels: z.record(z.string(), z.string()),
  summary: z.string(),
  openedAt: z.string(),
  status: z.enum(['open', 'acknowledged']),
  acknowledgement: z.object({ at: z.string(), role: z.string(), tokenFingerprint: z.string(), note: z.string() }).optional(),
});

/**
 * Breaches on record (SPEC §6): each breach alert opens an incident that stays open, across
 * 1 January and after its alert resolves, until an admin acknowledges it with a note.
 */
export const incidentRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, tokens }) => {
  app.get(
    '/v1/incidents',
    {
      onRequest: requireRole(tokens, 'viewer'),
      schema: {
        tags: ['incidents'],
        summary: 'Breaches on record',
        description: 'Incidents opened by breach alerts, open until an admin acknowledges them.',
        querystring: incidentsQuery,
        response: responses({ 200: z.object({ incidents: z.array(incident) }) }),
      },
    },
    async (request) => ({ incidents: await ctx.store.incidents.list(request.query) }),
  );

  app.post(
    '/v1/incidents/:id/acknowledge',
    {
      onRequest: requireRole(tokens, 'admin'),
      preValidation: refuseOddText,
      schema: {
        tags: ['incidents'],
        summary: 'Acknowledge a breach: who (role, token fingerprint), when and why are recorded',
        description: 'Closes an open incident with a note; 404 when there is no incident with this id.',
        params: idParams,
        body: acknowledgeBody,
        response: responses({ 200: incident }, 404, 413, 415),
      },
    },
    async (request) => {
      const principal = request.principal!;
      const acknowledged = await ctx.store.incidents.acknowledge(request.params.id, {
        role: principal.role,
        tokenFingerprint: principal.fingerprint,
        note: request.body.note,
        at: new Date(),
      });
      if (!acknowledged) throw new ApiError(404, 'not_found', 'no incident with this id');
      request.audit = { detail: { note: request.body.note } };
      return acknowledged;
    },
  );
};
