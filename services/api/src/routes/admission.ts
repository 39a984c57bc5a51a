import { checkAdmission } from '@pi-egress/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import { ApiError } from '../errors.js';
import { admissionBodySchema } from '../event-contract.js';
import type { ApiOptions } from '../options.js';
import { responses } from '../responses.js';

const counts = z.object({ nonSensitive: z.number().int(), sensitive: z.number().int() });

const response = z.object({
  allowed: z.boolean(),
  newIndividuals: counts,
  reasons: z.array(z.string()),
  scopes: z.array(z.object({ level: z.enum(['processor', 'certificate', 'group']), id: z.string(), counts, added: counts, caps: counts.optional() })),
  reservation: z
    .object({ eventId: z.string().describe('Send the transfer with this eventId to consume the hold'), expiresAt: z.string() })
    .optional()
    .describe('With reserve: true and allowed: the capacity held for the transfer'),
});

/** Pre-transfer check (SPEC §6): would a proposed transfer stay within scope, caps and ceilings? */
export const admissionRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, tokens, maxBodyBytes, reservations }) => {
  app.post(
    '/v1/admission',
    {
      onRequest: requireRole(tokens, 'ingest'),
      bodyLimit: maxBodyBytes,
      schema: {
        tags: ['admission'],
        summary: 'Would a proposed transfer stay inside the certificate scope and caps?',
        description:
          'The body is an egress event (contract v1) with eventId optional and occurredAt defaulting to now. Nothing is stored. ' +
          'Without `reserve` the check holds no room, so concurrent transfers that each fit may together pass a cap. With `reserve: true` ' +
          'an allowed transfer holds the capacity of the people it adds for 5 minutes, until the transfer with the answered ' +
          '`reservation.eventId` is ingested over HTTP; reserving checks are decided one at a time, so together they cannot pass a cap.',
        body: admissionBodySchema(),
        response: responses({ 200: response }, 413, 415),
      },
    },
    async (request) => {
      const { reserve, ...proposal } = request.body as Record<string, unknown>;
      if (reserve !== undefined && typeof reserve !== 'boolean')
        throw new ApiError(400, 'invalid_request', 'reserve: must be true or false', ['reserve: must be true or false']);
      const outcome = await checkAdmission(ctx, proposal, { reserve: reserve === true, ...(reservations ? { reservations } : {}) });
      if (!outcome.ok) throw new ApiError(400, 'invalid_transfer', outcome.reason, outcome.reasons);
      return outcome.result;
    },
  );
};
