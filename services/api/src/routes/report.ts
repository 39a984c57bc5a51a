import type { EvidenceKey } from '@pi-egress/core';
import { serialiseSigned } from '@pi-egress/domain';
import { ChromiumUnavailableError, findChromium, renderReportHtml, renderReportPdf, REPORT_CSP, REPORT_LANGS } from '@pi-egress/report';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import { ApiError } from '../errors.js';
import type { ApiOptions } from '../options.js';
import { responses } from '../responses.js';
import { evidenceParams, packForRequest, packQuery } from './evidence.js';

/** SPEC §6: the evidence pack as a document people read (HTML, or PDF carrying the signed pack). */
export const reportRoute: FastifyPluginAsyncZod<ApiOptions & { signingKey: EvidenceKey }> = async (
  app,
  { ctx, tokens, signingKey, chromiumPath },
) => {
  app.get(
    '/v1/certificates/:id/report',
    {
      onRequest: requireRole(tokens, 'auditor'),
      schema: {
        tags: ['evidence'],
        summary: 'Compliance report of a certificate-year (HTML or PDF), rendered from the signed evidence pack',
        description:
          'The evidence pack of the same year and asOf as a document: scope and validity, counts against caps and the legal ' +
          'thresholds with the pathway, charts, breakdowns, incidents, alert history, digests and signature, definitions. ' +
          'The PDF (printed by headless Chromium; 503 when Chromium is not installed) carries the signed pack as the attachment ' +
          '`evidence-pack.json`; `pi-egress-evidence verify report.pdf` checks it against the store and its pages against the pack.',
        params: evidenceParams,
        querystring: z.strictObject({
          ...packQuery,
          format: z.enum(['html', 'pdf']).default('html'),
          lang: z
            .enum(REPORT_LANGS as ['zh', 'en'])
            .default('zh')
            .describe('Language of the labels; legal terms in Chinese either way'),
        }),
        produces: ['text/html', 'application/pdf'],
        response: responses({ 200: z.string().describe('The report: HTML, or a PDF carrying the signed pack') }, 404, 503),
      },
    },
    async (request, reply) => {
      const { format, lang } = request.query;
      // Before the pack is built (and the request audited as served): a PDF needs Chromium.
      if (format === 'pdf' && !findChromium(chromiumPath)) {
        const reason = new ChromiumUnavailableError(chromiumPath ? `${chromiumPath} is not an executable` : 'not found on PATH').message;
        throw new ApiError(503, 'unavailable', reason);
      }
      const pack = await packForRequest(ctx, signingKey, request.params.id, request.query);
      const name = `report-${pack.certificateId}-${pack.year}-${pack.asOf.replaceAll(':', '')}-${lang}`;
      if (format === 'html')
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', REPORT_CSP)
          .send(await renderReportHtml(pack, lang));
      try {
        const pdf = await renderReportPdf(serialiseSigned(pack), lang, chromiumPath ? { executable: chromiumPath } : {});
        return reply.type('application/pdf').header('content-disposition', `attachment; filename="${name}.pdf"`).send(Buffer.from(pdf));
      } catch (error) {
        if (!(error instanceof ChromiumUnavailableError)) throw error;
        throw new ApiError(503, 'unavailable', error.message);
      }
    },
  );
};
