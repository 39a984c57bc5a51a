import { ingestDecoded, ok, recordIngest, REJECTION_CODES } from '@pi-egress/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import { DecodedLine, parseNdjson } from '../ndjson.js';
import type { ApiOptions } from '../options.js';

const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];

const ingestResponse = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(
    z.object({
      index: z.number().int().describe('position of the event in the batch (NDJSON: among the non-blank lines)'),
      eventId: z.string().optional(),
      code: z.enum(REJECTION_CODES as [string, ...string[]]).describe('stable machine code of the refusal'),
      reason: z.string().describe('the field and what is wrong with it; never echoes a value'),
    }),
  ),
});

const NOT_ACKNOWLEDGED =
  'the store could not complete the write, so this batch is not acknowledged; some of its people may already be stored, ' +
  'and sending the same batch again is safe and completes it (repeated eventIds are counted once)';

/** HTTP ingest: a JSON array or NDJSON of egress events (SPEC §3), each validated on its own. */
export const eventRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, metrics, tokens, maxBodyBytes, onIngested }) => {
  app.addContentTypeParser(NDJSON_TYPES, { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_request, body, done) => {
    done(null, parseNdjson(body as Buffer));
  });

  app.post(
    '/v1/events',
    {
      onRequest: requireRole(tokens, 'ingest'),
      bodyLimit: maxBodyBytes,
      schema: {
        tags: ['events'],
        summary: 'Submit egress events (JSON array or NDJSON)',
        description: 'Valid events are stored and counted; each invalid one is reported with its index and reason.',
        body: z.array(z.unknown()).min(1, 'must hold at least one event'),
        response: { 200: ingestResponse, 503: z.object({ error: z.literal('store_unavailable'), message: z.string() }) },
      },
    },
    async (request, reply) => {
      const stopTimer = metrics.batchDuration.startTimer({ source: 'http' });
      // A JSON array's elements are decoded already; NDJSON lines went through the decode step.
      const decoded = request.body.map((value) => (value instanceof DecodedLine ? value.result : ok(value)));
      let report: Awaited<ReturnType<typeof ingestDecoded>>;
      try {
        report = await ingestDecoded(ctx, decoded);
      } catch (err) {
        metrics.storeErrors.inc({ operation: 'write' });
        request.log.error({ err }, 'batch not written');
        return reply.code(503).header('retry-after', '5').send({ error: 'store_unavailable', message: NOT_ACKNOWLEDGED });
      }
      stopTimer();
      recordIngest(metrics, report, ctx.now());
      onIngested?.(report);
      const rejected = report.rejected.map(({ index, eventId, code, reason }) => ({ index, code, reason, ...(eventId ? { eventId } : {}) }));
      return { accepted: report.accepted, duplicates: report.duplicates, rejected };
    },
  );
};
