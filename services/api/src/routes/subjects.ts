import { lookupSubject } from '@pi-egress/core';
import { DATA_CLASSES, MAX_LONG_ID_LENGTH } from '@pi-egress/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import type { ApiOptions } from '../options.js';
import { cleanIdentifier, refuseOddText } from '../params.js';
import { responses } from '../responses.js';

const body = z.strictObject({
  certificateId: cleanIdentifier(),
  year: z.int().min(2000).max(2200),
  subjectId: z.string().max(MAX_LONG_ID_LENGTH).regex(/\S/, 'must not be blank').describe('Raw identifier; hashed at once, never logged or stored'),
});

const response = z.object({
  sent: z.boolean(),
  firstSeenAt: z.string().nullable(),
  classes: z.array(z.enum(DATA_CLASSES as readonly ['nonSensitive', 'sensitive'])),
});

/** The auditor's question about one person: was their PI sent abroad under the certificate that year? */
export const subjectRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, tokens }) => {
  app.post(
    '/v1/subjects/lookup',
    {
      onRequest: requireRole(tokens, 'auditor'),
      bodyLimit: 16 * 1024,
      preValidation: refuseOddText,
      schema: {
        tags: ['evidence'],
        summary: "Was a person's PI sent under a certificate in a year, first seen when, in which classes",
        description: 'The subject id is pseudonymised at once and never logged or stored; the request is audited without it.',
        body,
        response: responses({ 200: response }, 413, 415, 503),
      },
    },
    async (request) => {
      const { certificateId, year } = request.body;
      request.audit = { targetType: 'certificate', targetId: certificateId, detail: { year } };
      return lookupSubject(ctx, request.body);
    },
  );
};
