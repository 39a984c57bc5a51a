import { checkAdmission } from '@pi-egress/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import type { ApiOptions } from '../options.js';

const counts = z.object({ nonSensitive: z.number().int(), sensitive: z.number().int() });

const response = z.object({
  allowed: z.boolean(),
  newIndividuals: counts,
  reasons: z.array(z.string()),
  scopes: z.array(z.object({ level: z.enum(['processor', 'certificate', 'group']), id: z.string(), counts, added: counts, caps: counts.optional() })),
});

/** Pre-transfer check (SPEC §6): would a proposed transfer stay within scope, caps and ceilings? */
export const admissionRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, tokens, maxBodyBytes }) => {
  app.post(
    '/v1/admission',
    {
      onRequest: requireRole(tokens, 'ingest'),
      bodyLimit: maxBodyBytes,
      schema: {
        tags: ['admission'],
        summary: 'Would a proposed transfer stay inside the certificate scope and caps?',
        description:
          'The body is an egress event (contract v1) with eventId optional and occurredAt defaulting to now. Nothing is stored; ' +
          'the check reserves no room, so concurrent transfers that each fit may together pass a cap.',
        body: z.looseObject({}).describe('EgressEvent without the need for eventId'),
        response: { 200: response, 400: z.object({ error: z.string(), message: z.string(), reasons: z.array(z.string()) }) },
      },
    },
    async (request, reply) => {
      const outcome = await checkAdmission(ctx, request.body);
      if (!outcome.ok) return reply.code(400).send({ error: 'invalid_transfer', message: outcome.reason, reasons: outcome.reasons });
      return outcome.result;
    },
  );
};
