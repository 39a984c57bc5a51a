import { ingestEvents, recordIngest } from '@pi-egress/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import { parseNdjson } from '../ndjson.js';
import type { ApiOptions } from '../options.js';

const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];

const ingestResponse = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), eventId: z.string().optional(), reason: z.string() })),
});

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
        response: { 200: ingestResponse },
      },
    },
    async (request) => {
      const stopTimer = metrics.batchDuration.startTimer({ source: 'http' });
      const report = await ingestEvents(ctx, request.body);
      stopTimer();
      recordIngest(metrics, report, ctx.now());
      onIngested?.(report);
      return { accepted: report.accepted, duplicates: report.duplicates, rejected: report.rejected };
    },
  );
};
