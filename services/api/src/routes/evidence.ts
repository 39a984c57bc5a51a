import { createEvidencePack, ephemeralEvidenceKey, type EvidenceKey, type EvidencePack, type MonitorContext } from '@pi-egress/core';
import { serialiseSigned, yearOf } from '@pi-egress/domain';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import { ApiError } from '../errors.js';
import { evidenceCsv } from '../evidence-csv.js';
import type { ApiOptions } from '../options.js';
import { idParams, yearParam } from '../params.js';
import { responses } from '../responses.js';
import { reportRoute } from './report.js';

export const evidenceParams = idParams;
/** Query fields of every route serving a pack (evidence and report). */
export const packQuery = {
  year: yearParam.optional(),
  asOf: z
    .union([z.literal('latest'), z.iso.datetime({ offset: true })])
    .optional()
    .describe(
      'The instant the pack describes (RFC 3339; the same asOf always gives the same pack). Without it: the latest settled ' +
        'instant, the server time less the settle time (EGRESS_COUNT_SETTLE_MS, 10 s by default), so events acknowledged ' +
        'in the last seconds before the request may be missing. `latest`: waits (at most the settle time) until everything ' +
        'acknowledged before the request is included.',
    ),
};

/** The signed pack a request asks for; 400 for an asOf in the unsettled future, 404 for an unknown certificate. */
export async function packForRequest(
  ctx: MonitorContext,
  signingKey: EvidenceKey,
  certificateId: string,
  query: { year?: number | undefined; asOf?: string | undefined },
): Promise<EvidencePack> {
  const requested = query.asOf;
  if (requested && requested !== 'latest') {
    const settled = await ctx.store.evidence.settledNow();
    if (new Date(requested) > settled) {
      const reason = `asOf: must not be after ${settled.toISOString()} (later rows may still arrive), or latest`;
      throw new ApiError(400, 'invalid_request', reason, [reason]);
    }
  }
  const asOf = requested === 'latest' ? 'latest' : requested ? new Date(requested) : undefined;
  const year = query.year ?? yearOf(ctx.now());
  const pack = await createEvidencePack(ctx.store, signingKey, { certificateId, year, asOf });
  if (!pack) throw new ApiError(404, 'not_found', 'no certificate with this id');
  return pack;
}

const evidenceQuery = z.strictObject({ ...packQuery, format: z.enum(['json', 'csv']).default('json') });
const evidenceResponses = responses(
  {
    200: z
      .looseObject({ certificateId: z.string(), year: z.int(), asOf: z.string(), signature: z.looseObject({}) })
      .describe('The signed pack (JSON), or with format=csv the same as a spreadsheet-ready CSV'),
  },
  404,
  503,
);

/** The same pack under a certificate's path and an instrument's. */
const EVIDENCE_ROUTES = [
  {
    path: '/v1/certificates/:id/evidence',
    tags: ['evidence'],
    summary: 'Signed evidence pack of a certificate-year',
    description:
      'As-of counts, pathway, caps and utilisation, monthly new individuals, breakdowns, out-of-scope incidents, scope versions, ' +
      'incident records, alert history, audit log, SHA-256 digest over the sorted first-seen pseudonyms per class, Ed25519 signature. ' +
      'Check it with `pi-egress-evidence verify`.',
  },
  {
    path: '/v1/instruments/:id/evidence',
    tags: ['evidence', 'instruments'],
    summary: 'Signed evidence pack of an instrument-year (any kind)',
    description: 'The evidence pack of a certificate, standard contract or assessment approval, as for certificates; `scope.kind` names the kind.',
  },
];

function sendPack(reply: FastifyReply, pack: EvidencePack, format: 'json' | 'csv') {
  if (format === 'csv') {
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="evidence-${pack.year}-${pack.asOf.replaceAll(':', '')}.csv"`)
      .send(evidenceCsv(pack));
  }
  return reply.type('application/json; charset=utf-8').send(serialiseSigned(pack));
}

/** The auditor's evidence pack of one certificate-year (SPEC §6), signed with Ed25519, and the report rendered from it. */
export const evidenceRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, options) => {
  const { ctx, tokens, evidenceKey } = options;
  if (!evidenceKey)
    app.log.warn('evidence packs are signed with an ephemeral key: they will not verify after a restart (set EGRESS_EVIDENCE_KEY_FILE)');
  const signingKey = evidenceKey ?? ephemeralEvidenceKey();

  for (const { path, ...doc } of EVIDENCE_ROUTES) {
    app.get(
      path,
      {
        onRequest: requireRole(tokens, 'auditor'),
        schema: {
          ...doc,
          params: evidenceParams,
          querystring: evidenceQuery,
          produces: ['application/json', 'text/csv'],
          response: evidenceResponses,
        },
      },
      async (request, reply) => sendPack(reply, await packForRequest(ctx, signingKey, request.params.id, request.query), request.query.format),
    );
  }

  await app.register(reportRoute, { ...options, signingKey });
};
