import { ingestEvents, recordIngest } from '@pi-egress/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import { ApiError } from '../errors.js';
import { assertLineCount, parseNdjson } from '../ndjson.js';
import { DEFAULT_MAX_BATCH_EVENTS, type ApiOptions } from '../options.js';
import { responses } from '../responses.js';
import { eventBatchSchema } from '../event-contract.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Ends this batch's wait in the ingest backlog (pi_egress_ingest_lag_seconds). */
    leaveIngestBacklog?: () => void;
  }
}

const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];

/** At most this many rejections are listed; `rejectedCount` gives them all. */
export const MAX_LISTED_REJECTIONS = 1_000;

const ingestResponse = z.object({
  accepted: z.int().describe('Events written (new transfers)'),
  duplicates: z.int().describe('Events whose eventId was already stored: not counted again'),
  rejected: z
    .array(z.looseObject({ index: z.int().describe('Position in the batch, from 0'), eventId: z.string().optional(), reason: z.string() }))
    .describe(`The first ${MAX_LISTED_REJECTIONS} invalid events, in batch order`),
  rejectedCount: z.int().describe('All invalid events of the batch (rejected lists at most the first 1,000)'),
});

/** HTTP ingest: a JSON array or NDJSON of egress events (SPEC §3), each validated on its own. */
export const eventRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, options) => {
  const { ctx, metrics, tokens, maxBodyBytes, onIngested } = options;
  const maxEvents = options.maxBatchEvents ?? DEFAULT_MAX_BATCH_EVENTS;
  app.addContentTypeParser(NDJSON_TYPES, { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_request, body, done) => {
    try {
      assertLineCount(body as Buffer, maxEvents);
      done(null, parseNdjson(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.post(
    '/v1/events',
    {
      onRequest: [
        requireRole(tokens, 'ingest'),
        // The batch waits from its receipt (before its body is read) until it is answered.
        async (request) => {
          request.leaveIngestBacklog = metrics.ingestBacklog.received(new Date());
        },
      ],
      onResponse: async (request) => request.leaveIngestBacklog?.(),
      onRequestAbort: async (request) => request.leaveIngestBacklog?.(),
      bodyLimit: maxBodyBytes,
      preValidation: async (request) => {
        if (Array.isArray(request.body) && request.body.length > maxEvents) {
          throw new ApiError(413, 'too_many_events', `a batch holds at most ${maxEvents} events`);
        }
      },
      schema: {
        tags: ['events'],
        summary: 'Submit egress events (JSON array or NDJSON)',
        description:
          `Valid events are stored and counted; each invalid one is reported with its index and reason (the first ${MAX_LISTED_REJECTIONS}, ` +
          `with rejectedCount giving all). A batch holds at most ${maxEvents} events (EGRESS_MAX_BATCH_EVENTS) and ${maxBodyBytes} bytes ` +
          '(EGRESS_MAX_BODY_BYTES); more gets 413. As NDJSON (application/x-ndjson) each line is one event.',
        consumes: ['application/json', ...NDJSON_TYPES],
        body: eventBatchSchema(maxEvents),
        response: responses({ 200: ingestResponse }, 413, 415),
      },
    },
    async (request) => {
      const stopTimer = metrics.batchDuration.startTimer({ source: 'http' });
      const report = await ingestEvents(ctx, request.body);
      stopTimer();
      recordIngest(metrics, report, ctx.now());
      onIngested?.(report);
      return {
        accepted: report.accepted,
        duplicates: report.duplicates,
        rejected: report.rejected.slice(0, MAX_LISTED_REJECTIONS),
        rejectedCount: report.rejected.length,
      };
    },
  );
};
