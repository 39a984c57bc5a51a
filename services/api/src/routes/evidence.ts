import { createEvidencePack, ephemeralEvidenceKey } from '@pi-egress/core';
import { serialiseSigned, yearOf } from '@pi-egress/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import { evidenceCsv } from '../evidence-csv.js';
import { ApiError } from '../errors.js';
import type { ApiOptions } from '../options.js';
import { idParams, yearParam } from '../params.js';
import { responses } from '../responses.js';

const query = z.strictObject({
  year: yearParam.optional(),
  format: z.enum(['json', 'csv']).default('json'),
  asOf: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('The instant the pack describes (RFC 3339); default the latest settled instant. The same asOf always gives the same pack.'),
});

/** The auditor's evidence pack of one certificate-year (SPEC §6), signed with Ed25519. */
export const evidenceRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, tokens, evidenceKey }) => {
  if (!evidenceKey) app.log.warn('evidence packs are signed with an ephemeral key: they will not verify after a restart (set EGRESS_EVIDENCE_KEY_FILE)');
  const signingKey = evidenceKey ?? ephemeralEvidenceKey();

  app.get(
    '/v1/certificates/:id/evidence',
    {
      onRequest: requireRole(tokens, 'auditor'),
      schema: {
        tags: ['evidence'],
        summary: 'Signed evidence pack of a certificate-year',
        description:
          'As-of counts, pathway, caps and utilisation, monthly new individuals, breakdowns, out-of-scope incidents, alert history, ' +
          'audit log, SHA-256 digest over the sorted first-seen pseudonyms per class, Ed25519 signature. Check it with `pi-egress-evidence verify`.',
        params: idParams,
        querystring: query,
        produces: ['application/json', 'text/csv'],
        response: responses(
          {
            200: z
              .looseObject({ certificateId: z.string(), year: z.int(), asOf: z.string(), signature: z.looseObject({}) })
              .describe('The signed pack (JSON), or with format=csv the same as a spreadsheet-ready CSV'),
          },
          404,
          503,
        ),
      },
    },
    async (request, reply) => {
      const settled = await ctx.store.evidence.settledNow();
      const asOf = request.query.asOf ? new Date(request.query.asOf) : settled;
      if (asOf > settled) {
        const reason = `asOf: must not be after ${settled.toISOString()} (later rows may still arrive)`;
        throw new ApiError(400, 'invalid_request', reason, [reason]);
      }
      const year = request.query.year ?? yearOf(ctx.now());
      const pack = await createEvidencePack(ctx.store, signingKey, { certificateId: request.params.id, year, asOf });
      if (!pack) throw new ApiError(404, 'not_found', 'no certificate with this id');
      if (request.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="evidence-${year}-${pack.asOf.replaceAll(':', '')}.csv"`)
          .send(evidenceCsv(pack));
      }
      return reply.type('application/json; charset=utf-8').send(serialiseSigned(pack));
    },
  );
};
