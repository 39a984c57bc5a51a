import { ingestDecoded, ok, recordIngest, REJECTION_CODES } from '@pi-egress/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import { ApiError } from '../errors.js';
import { eventBatchSchema } from '../event-contract.js';
import { assertLineCount, DecodedLine, parseNdjson } from '../ndjson.js';
import { DEFAULT_MAX_BATCH_EVENTS, type ApiOptions } from '../options.js';
import { responses } from '../responses.js';

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
    .array(
      z.object({
        index: z.int().describe('position of the event in the batch (NDJSON: among the non-blank lines)'),
        eventId: z.string().optional(),
        code: z.enum(REJECTION_CODES as [string, ...string[]]).describe('stable machine code of the refusal'),
        reason: z.string().describe('the field and what is wrong with it; never echoes a value'),
      }),
    )
    .describe(`The first ${MAX_LISTED_REJECTIONS} invalid events, in batch order`),
  rejectedCount: z.int().describe('All invalid events of the batch (rejected lists at most the first 1,000)'),
});

const NOT_ACKNOWLEDGED =
  'the store could not complete the write, so this batch is not acknowledged; some of its people may already be stored, ' +
  'and sending the same batch again is safe and completes it (repeated eventIds are counted once)';

/** HTTP ingest: a JSON array or NDJSON of egress events (SPEC §3), each validated on its own. */
export const eventRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, options) => {
  const { ctx, metrics, tokens, maxBodyBytes, onIngested, reservations } = options;
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
          `Valid events are stored and counted; each invalid one is reported with its index, code and reason (the first ${MAX_LISTED_REJECTIONS}, ` +
          `with rejectedCount giving all). A batch holds at most ${maxEvents} events (EGRESS_MAX_BATCH_EVENTS) and ${maxBodyBytes} bytes ` +
          '(EGRESS_MAX_BODY_BYTES); more gets 413. As NDJSON (application/x-ndjson) each line is one event. ' +
          'A 503 means the batch is not acknowledged: send it again (repeated eventIds count once).',
        consumes: ['application/json', ...NDJSON_TYPES],
        body: eventBatchSchema(maxEvents),
        response: responses({ 200: ingestResponse }, 413, 415),
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
      // The reserved transfers arrived: their people are counted now, the holds go.
      reservations?.consume(report.transfers.map((transfer) => transfer.eventId));
      recordIngest(metrics, report, ctx.now());
      onIngested?.(report);
      const rejected = report.rejected
        .slice(0, MAX_LISTED_REJECTIONS)
        .map(({ index, eventId, code, reason }) => ({ index, code, reason, ...(eventId ? { eventId } : {}) }));
      return { accepted: report.accepted, duplicates: report.duplicates, rejected, rejectedCount: report.rejected.length };
    },
  );
};
