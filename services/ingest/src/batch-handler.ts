import type { Logger } from '@pi-egress/config';
import { ingestDecoded, recordIngest, type IngestReport, type MonitorContext, type Metrics, type StepResult } from '@pi-egress/core';
import type { Batch, EachBatchHandler, KafkaMessage, Message } from 'kafkajs';
import { keepHeartbeating, type Backpressure } from './backpressure.js';
import { deadLetterMessage } from './dead-letters.js';
import { decodeMessage } from './steps.js';

export interface BatchHandlerDeps {
  ctx: MonitorContext;
  metrics: Metrics;
  logger: Logger;
  /** Produces to the dead-letter topic, acknowledged by all in-sync replicas (acks=-1). */
  sendDeadLetters: (messages: Message[]) => Promise<unknown>;
  backpressure: Backpressure;
  maxMessageBytes: number;
  heartbeatIntervalMs: number;
  /** Aborted by stop(): the batch in flight is abandoned without committing. */
  shutdown: AbortSignal;
  onBatchWritten?: ((report: IngestReport) => void) | undefined;
  onPartitionLag?: ((batch: Batch) => void) | undefined;
}

/** The decode step's outcome for one batch: results and their messages at the same index. */
interface DecodedBatch {
  results: Array<StepResult<unknown>>;
  sources: KafkaMessage[];
  dropped: number;
}

function decodeBatch(batch: Batch, maxMessageBytes: number, logger: Logger): DecodedBatch {
  const decoded: DecodedBatch = { results: [], sources: [], dropped: 0 };
  for (const message of batch.messages) {
    const step = decodeMessage(message, maxMessageBytes);
    if (step.kind === 'drop') {
      decoded.dropped += 1;
      logger.info({ topic: batch.topic, partition: batch.partition, offset: message.offset, why: step.why }, 'message dropped');
      continue;
    }
    decoded.results.push(step);
    decoded.sources.push(message);
  }
  return decoded;
}

/**
 * One eachBatch call: decode → validate and write durably (retried, with backpressure) → produce
 * the dead letters and wait for Kafka's acks → only then resolve and commit the batch's offsets.
 * A crash anywhere before the commit redelivers the batch, which is harmless: the store ignores
 * a repeated eventId and subject rows are idempotent.
 */
export function createBatchHandler(deps: BatchHandlerDeps): EachBatchHandler {
  const { ctx, metrics, logger, backpressure } = deps;
  return async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
    if (batch.isEmpty() || deps.shutdown.aborted || !isRunning() || isStale()) return;
    const endTimer = metrics.batchDuration.startTimer({ source: 'kafka' });
    const lost = new AbortController();
    const signal = AbortSignal.any([deps.shutdown, lost.signal]);
    const stopHeartbeats = keepHeartbeating(heartbeat, deps.heartbeatIntervalMs, (error) => lost.abort(error));
    let leaveBacklog: (() => void) | undefined;
    try {
      const decoded = decodeBatch(batch, deps.maxMessageBytes, logger);
      // The ingest lag: how long the batch's oldest message has waited unwritten (until committed).
      const oldest = Math.min(...batch.messages.map((message) => Number(message.timestamp)));
      leaveBacklog = metrics.ingestBacklog.received(new Date(Number.isFinite(oldest) ? oldest : Date.now()));
      // Transient store failures throw and are retried here; data the store refuses comes back as a rejection.
      const report = await backpressure.run('write', () => ingestDecoded(ctx, decoded.results), signal);
      const now = ctx.now();
      const refused = report.rejected.map((failure) => ({ eventId: failure.eventId, message: decoded.sources[failure.index]!, failure }));
      if (refused.length > 0) {
        const origin = { topic: batch.topic, partition: batch.partition };
        const messages = refused.map(({ message, failure }) => deadLetterMessage({ ...origin, message }, failure, now));
        await backpressure.run('dead-letter', () => deps.sendDeadLetters(messages), signal);
        for (const { eventId, message, failure } of refused) {
          metrics.deadLetters.inc({ reason: failure.code });
          logger.warn({ ...origin, offset: message.offset, eventId, reason: failure.reason }, 'message sent to the dead-letter topic');
        }
      }
      if (signal.aborted) throw signal.reason;
      // A seek was asked for this partition meanwhile: kafkajs refetches from there, so do not commit.
      if (isStale()) return;
      resolveOffset(batch.lastOffset());
      await commitOffsetsIfNecessary();
      recordIngest(metrics, report, now);
      if (decoded.dropped > 0) metrics.events.inc({ result: 'dropped' }, decoded.dropped);
      endTimer();
      deps.onPartitionLag?.(batch);
      deps.onBatchWritten?.(report);
    } catch (error) {
      // Shutting down: leave the batch uncommitted; the group redelivers it to whoever comes next.
      if (deps.shutdown.aborted) return;
      throw error;
    } finally {
      stopHeartbeats();
      leaveBacklog?.();
    }
  };
}
